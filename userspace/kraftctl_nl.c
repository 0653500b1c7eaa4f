// SPDX-License-Identifier: GPL-2.0
/*
 * kraftctl_nl.c - kraftctl's control commands over the generic netlink
 * family "kraft" (libnl-genl-3): version, up, down, status, member,
 * leader, snapshot; and the resolution of the default node.
 *
 * Errors come back as the kernel's errno plus, when it gave one, its
 * extended-ACK message, which is printed as is.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <linux/kraft.h>

#include "kraftctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct kc_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* negative errno from the kernel */
	char msg[256];		/* its extended-ACK message, if any */
};

static int kc_nl_open(struct kc_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "kraftctl: out of memory\n");
		return -ENOMEM;
	}
	if (genl_connect(nl->sk)) {
		fprintf(stderr, "kraftctl: cannot open a generic netlink socket\n");
		goto err;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, KRAFT_GENL_NAME);
	if (nl->family < 0) {
		fprintf(stderr,
			"kraftctl: the kraft module is not loaded (no netlink family \"%s\"); try: modprobe kraft\n",
			KRAFT_GENL_NAME);
		goto err;
	}
	return 0;
err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -ENOENT;
}

static void kc_nl_close(struct kc_nl *nl)
{
	nl_socket_free(nl->sk);
}

static struct nl_msg *kc_nl_msg(struct kc_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, KRAFT_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Keep the kernel's errno and extended-ACK text of a failed request. */
static int kc_nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct kc_nl *nl = arg;
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;
	int rem;

	(void)nla;
	nl->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return NL_STOP;
	nla_for_each_attr(a, (struct nlattr *)((char *)nlh + NLMSG_ALIGN(off)),
			  nlh->nlmsg_len - NLMSG_ALIGN(off), rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(nl->msg, sizeof(nl->msg), "%.*s",
				 nla_len(a), (char *)nla_data(a));
	}
	return NL_STOP;
}

/*
 * Send @msg (consumed) and read the replies, each through @cb. Return 0 or
 * the kernel's negative errno (then nl->msg may explain).
 */
static int kc_nl_call(struct kc_nl *nl, struct nl_msg *msg,
		      nl_recvmsg_msg_cb_t cb, void *arg)
{
	struct nl_cb *c = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!c) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl->err = 0;
	nl->msg[0] = 0;
	if (cb)
		nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	nl_cb_err(c, NL_CB_CUSTOM, kc_nl_err_cb, nl);
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret >= 0)
		ret = nl_recvmsgs(nl->sk, c);
	nl_cb_put(c);
	if (nl->err)
		return nl->err;
	return ret < 0 ? -EIO : 0;
}

static int kc_nl_fail(struct kc_nl *nl, const char *what, int err)
{
	if (nl->msg[0]) {
		fprintf(stderr, "kraftctl: %s: %s\n", what, nl->msg);
		return err == -ETIMEDOUT ? EX_UNAVAIL : EX_ERR;
	}
	if (err == -EPERM)
		fprintf(stderr, "kraftctl: %s: permission denied (needs CAP_NET_ADMIN)\n", what);
	else if (err == -EOPNOTSUPP)
		fprintf(stderr, "kraftctl: %s: not supported by the loaded module\n", what);
	else
		return kc_errno_exit(what, err);
	return EX_ERR;
}

/* ---- version -------------------------------------------------------- */

static int version_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KRAFT_A_MAX + 1];
	int *found = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KRAFT_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[KRAFT_A_VERSION] && tb[KRAFT_A_PROTO_VERSION]) {
		printf("kraft %s (protocol %u)\n",
		       nla_get_string(tb[KRAFT_A_VERSION]),
		       nla_get_u32(tb[KRAFT_A_PROTO_VERSION]));
		*found = 1;
	}
	return NL_OK;
}

int cmd_version(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("version");
	struct nl_msg *msg;
	struct kc_nl nl;
	int found = 0, ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc > 1)
		return kc_usage_error(cmd, "takes no arguments");
	if (kc_nl_open(&nl))
		return EX_ERR;
	msg = kc_nl_msg(&nl, KRAFT_CMD_GET_VERSION, 0);
	ret = msg ? kc_nl_call(&nl, msg, version_cb, &found) : -ENOMEM;
	if (!ret && !found)
		ret = -EPROTO;
	if (ret)
		ret = kc_nl_fail(&nl, "version", ret);
	kc_nl_close(&nl);
	return ret;
}

/* ---- status and node resolution -------------------------------------- */

#define KC_MAX_PEERS	64
#define KC_MAX_NODES	64

struct kc_peer {
	uint64_t id, match, next;
	char addr[64];
	uint8_t state;
	bool connected, learner;
};

struct kc_status {
	char node[KRAFT_NODE_NAME_MAX];
	char cluster[128];
	uint64_t id, term, leader, commit, applied, last_index, snap_index;
	uint64_t dropped, bad, disk_errors;
	uint8_t role;
	bool failed;
	int npeers;
	struct kc_peer peers[KC_MAX_PEERS];
};

struct kc_status_list {
	int n;
	struct kc_status *st;	/* KC_MAX_NODES of them */
};

static uint64_t get_u64(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u64(tb[a]) : 0;
}

static void copy_str(char *dst, size_t cap, struct nlattr *a)
{
	dst[0] = 0;
	if (a)
		snprintf(dst, cap, "%.*s", nla_len(a), (char *)nla_data(a));
	dst[strnlen(dst, cap - 1)] = 0;
}

static void parse_peer(struct kc_status *st, struct nlattr *nest)
{
	struct nlattr *tb[KRAFT_PEER_A_MAX + 1];
	struct kc_peer *p;

	if (st->npeers >= KC_MAX_PEERS ||
	    nla_parse_nested(tb, KRAFT_PEER_A_MAX, nest, NULL) < 0)
		return;
	p = &st->peers[st->npeers++];
	memset(p, 0, sizeof(*p));
	p->id = get_u64(tb, KRAFT_PEER_A_ID);
	p->match = get_u64(tb, KRAFT_PEER_A_MATCH);
	p->next = get_u64(tb, KRAFT_PEER_A_NEXT);
	copy_str(p->addr, sizeof(p->addr), tb[KRAFT_PEER_A_ADDR]);
	p->state = tb[KRAFT_PEER_A_STATE] ? nla_get_u8(tb[KRAFT_PEER_A_STATE]) : 0;
	p->connected = !!tb[KRAFT_PEER_A_CONNECTED];
	p->learner = !!tb[KRAFT_PEER_A_LEARNER];
}

static int status_cb(struct nl_msg *msg, void *arg)
{
	struct kc_status_list *l = arg;
	struct nlattr *tb[KRAFT_A_MAX + 1];
	struct kc_status *st;
	struct nlattr *a;
	int rem;

	if (l->n >= KC_MAX_NODES ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, KRAFT_A_MAX, NULL) < 0 ||
	    !tb[KRAFT_A_NODE_NAME])
		return NL_SKIP;
	st = &l->st[l->n++];
	memset(st, 0, sizeof(*st));
	copy_str(st->node, sizeof(st->node), tb[KRAFT_A_NODE_NAME]);
	copy_str(st->cluster, sizeof(st->cluster), tb[KRAFT_A_CLUSTER]);
	st->id = get_u64(tb, KRAFT_A_NODE_ID);
	st->term = get_u64(tb, KRAFT_A_TERM);
	st->leader = get_u64(tb, KRAFT_A_LEADER);
	st->commit = get_u64(tb, KRAFT_A_COMMIT);
	st->applied = get_u64(tb, KRAFT_A_APPLIED);
	st->last_index = get_u64(tb, KRAFT_A_LAST_INDEX);
	st->snap_index = get_u64(tb, KRAFT_A_SNAP_INDEX);
	st->dropped = get_u64(tb, KRAFT_A_FRAMES_DROPPED);
	st->bad = get_u64(tb, KRAFT_A_FRAMES_BAD);
	st->disk_errors = get_u64(tb, KRAFT_A_DISK_ERRORS);
	st->role = tb[KRAFT_A_ROLE] ? nla_get_u8(tb[KRAFT_A_ROLE]) : 0;
	st->failed = !!tb[KRAFT_A_FAILED];
	if (tb[KRAFT_A_PEERS])
		nla_for_each_nested(a, tb[KRAFT_A_PEERS], rem)
			if (nla_type(a) == KRAFT_A_PEER)
				parse_peer(st, a);
	return NL_OK;
}

/* Status of @name, or of every node of this namespace when @name is NULL. */
static int kc_get_status(struct kc_nl *nl, const char *name,
			 struct kc_status_list *l)
{
	struct nl_msg *msg;

	l->n = 0;
	msg = kc_nl_msg(nl, KRAFT_CMD_NODE_GET, name ? 0 : NLM_F_DUMP);
	if (!msg || (name && nla_put_string(msg, KRAFT_A_NODE_NAME, name))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return kc_nl_call(nl, msg, status_cb, l);
}

static struct kc_status_list *kc_status_list_new(void)
{
	struct kc_status_list *l = calloc(1, sizeof(*l));

	if (l)
		l->st = calloc(KC_MAX_NODES, sizeof(*l->st));
	if (!l || !l->st) {
		fprintf(stderr, "kraftctl: out of memory\n");
		if (l)
			free(l);
		return NULL;
	}
	return l;
}

static void kc_status_list_free(struct kc_status_list *l)
{
	free(l->st);
	free(l);
}

/* The node named by -n, or the only running one. */
int kc_resolve_node(char *name, size_t len)
{
	struct kc_status_list *l;
	struct kc_nl nl;
	int ret;

	if (kc.node) {
		snprintf(name, len, "%s", kc.node);
		return 0;
	}
	if (kc_nl_open(&nl))
		return EX_ERR;
	l = kc_status_list_new();
	if (!l) {
		kc_nl_close(&nl);
		return EX_ERR;
	}
	ret = kc_get_status(&nl, NULL, l);
	if (ret) {
		ret = kc_nl_fail(&nl, "listing nodes", ret);
	} else if (l->n == 0) {
		fprintf(stderr, "kraftctl: no kraft node is running here (start one: kraftctl up DEVICE)\n");
		ret = EX_ERR;
	} else if (l->n > 1) {
		fprintf(stderr, "kraftctl: %d nodes are running; choose one with -n NODE\n", l->n);
		ret = EX_USAGE;
	} else {
		snprintf(name, len, "%s", l->st[0].node);
	}
	kc_status_list_free(l);
	kc_nl_close(&nl);
	return ret;
}

static const char *role_name(uint8_t r)
{
	static const char *const names[] = {
		[KRAFT_ROLE_FOLLOWER] = "follower",
		[KRAFT_ROLE_PRECANDIDATE] = "candidate",
		[KRAFT_ROLE_CANDIDATE] = "candidate",
		[KRAFT_ROLE_LEADER] = "leader",
		[KRAFT_ROLE_LEARNER] = "learner",
	};

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

static const char *progress_name(uint8_t s)
{
	switch (s) {
	case KRAFT_PROGRESS_PROBE: return "probe";
	case KRAFT_PROGRESS_REPLICATE: return "replicate";
	case KRAFT_PROGRESS_SNAPSHOT: return "snapshot";
	default: return "unknown";
	}
}

static void print_status_json(const struct kc_status *st)
{
	int i;

	printf("{\"node\":");
	kc_json_str(stdout, st->node, strlen(st->node));
	printf(",\"id\":%" PRIu64 ",\"cluster\":", st->id);
	kc_json_str(stdout, st->cluster, strlen(st->cluster));
	printf(",\"role\":\"%s\",\"term\":%" PRIu64 ",\"leader\":%" PRIu64
	       ",\"commit\":%" PRIu64 ",\"applied\":%" PRIu64
	       ",\"last_index\":%" PRIu64 ",\"snapshot_index\":%" PRIu64
	       ",\"failed\":%s,\"frames_dropped\":%" PRIu64
	       ",\"frames_bad\":%" PRIu64 ",\"disk_errors\":%" PRIu64
	       ",\"peers\":[",
	       role_name(st->role), st->term, st->leader, st->commit,
	       st->applied, st->last_index, st->snap_index,
	       st->failed ? "true" : "false", st->dropped, st->bad,
	       st->disk_errors);
	for (i = 0; i < st->npeers; i++) {
		const struct kc_peer *p = &st->peers[i];

		printf("%s{\"id\":%" PRIu64 ",\"addr\":", i ? "," : "", p->id);
		kc_json_str(stdout, p->addr, strlen(p->addr));
		printf(",\"match\":%" PRIu64 ",\"next\":%" PRIu64
		       ",\"state\":\"%s\",\"connected\":%s,\"learner\":%s}",
		       p->match, p->next, progress_name(p->state),
		       p->connected ? "true" : "false",
		       p->learner ? "true" : "false");
	}
	printf("]}\n");
}

static void print_status_text(const struct kc_status *st)
{
	int i;

	printf("node:       %s (id %" PRIu64 ", cluster %s)%s\n", st->node,
	       st->id, st->cluster, st->failed ? "  FAILED: see dmesg" : "");
	printf("role:       %s\n", role_name(st->role));
	printf("term:       %" PRIu64 "\n", st->term);
	printf("leader:     %" PRIu64 "%s\n", st->leader,
	       st->leader ? "" : " (none)");
	printf("commit:     %" PRIu64 "  applied: %" PRIu64 "  last: %" PRIu64
	       "  snapshot: %" PRIu64 "\n", st->commit, st->applied,
	       st->last_index, st->snap_index);
	printf("frames:     %" PRIu64 " dropped, %" PRIu64 " bad;  disk errors: %"
	       PRIu64 "\n", st->dropped, st->bad, st->disk_errors);
	printf("\n%-6s %-24s %-10s %10s %10s %s\n", "PEER", "ADDRESS", "STATE",
	       "MATCH", "NEXT", "LINK");
	for (i = 0; i < st->npeers; i++) {
		const struct kc_peer *p = &st->peers[i];

		if (st->role != KRAFT_ROLE_LEADER || p->id == st->id) {
			/* progress is the leader's view of the others */
			printf("%-6" PRIu64 " %-24s %-10s %10s %10s %s%s\n",
			       p->id, p->addr, p->id == st->id ? "self" : "-",
			       "-", "-", p->connected ? "up" : "down",
			       p->learner ? " learner" : "");
			continue;
		}
		printf("%-6" PRIu64 " %-24s %-10s %10" PRIu64 " %10" PRIu64 " %s%s\n",
		       p->id, p->addr, progress_name(p->state), p->match,
		       p->next, p->connected ? "up" : "down",
		       p->learner ? " learner" : "");
	}
}

static int kc_status_of(const char *what, struct kc_status_list **out)
{
	char name[KRAFT_NODE_NAME_MAX + 16];
	struct kc_status_list *l;
	struct kc_nl nl;
	int ret;

	ret = kc_resolve_node(name, sizeof(name));
	if (ret)
		return ret;
	if (kc_nl_open(&nl))
		return EX_ERR;
	l = kc_status_list_new();
	if (!l) {
		kc_nl_close(&nl);
		return EX_ERR;
	}
	ret = kc_get_status(&nl, name, l);
	if (ret)
		ret = kc_nl_fail(&nl, what, ret);
	else if (l->n != 1)
		ret = kc_errno_exit(what, EPROTO);
	kc_nl_close(&nl);
	if (ret)
		kc_status_list_free(l);
	else
		*out = l;
	return ret;
}

int cmd_status(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("status");
	struct kc_status_list *l;
	int ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc > 1)
		return kc_usage_error(cmd, "takes no arguments");
	ret = kc_status_of("status", &l);
	if (ret)
		return ret;
	if (kc.json)
		print_status_json(&l->st[0]);
	else
		print_status_text(&l->st[0]);
	kc_status_list_free(l);
	return EX_OK;
}

/* ---- up, down, member, leader, snapshot -------------------------------- */

static int name_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KRAFT_A_MAX + 1];
	char *name = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KRAFT_A_MAX, NULL) < 0)
		return NL_SKIP;
	copy_str(name, KRAFT_NODE_NAME_MAX, tb[KRAFT_A_NODE_NAME]);
	return NL_OK;
}

static int parse_ms(const struct kc_cmd *cmd, const char *opt, const char *v,
		    uint32_t *out)
{
	uint64_t n;

	if (!v || kc_parse_u64(v, &n) || n == 0 || n > 600000)
		return kc_usage_error(cmd, "%s takes milliseconds, 1..600000", opt);
	*out = (uint32_t)n;
	return 0;
}

int cmd_up(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("up");
	uint32_t tick = 0, election = 0, heartbeat = 0;
	const char *dev = NULL, *listen = NULL;
	char name[KRAFT_NODE_NAME_MAX] = "", addr[128];
	struct nl_msg *msg;
	struct kc_nl nl;
	int i, ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--listen")) {
			if (!v)
				return kc_usage_error(cmd, "--listen needs HOST:PORT");
			if (kc_host_port(v, addr, sizeof(addr)))
				return kc_usage_error(cmd, "--listen: %s", addr);
			listen = addr;
			i++;
		} else if (!strcmp(argv[i], "--tick-ms")) {
			if ((ret = parse_ms(cmd, argv[i], v, &tick)))
				return ret;
			i++;
		} else if (!strcmp(argv[i], "--election-ms")) {
			if ((ret = parse_ms(cmd, argv[i], v, &election)))
				return ret;
			i++;
		} else if (!strcmp(argv[i], "--heartbeat-ms")) {
			if ((ret = parse_ms(cmd, argv[i], v, &heartbeat)))
				return ret;
			i++;
		} else if (argv[i][0] == '-' || dev) {
			return kc_usage_error(cmd, "unexpected '%s'", argv[i]);
		} else {
			dev = argv[i];
		}
	}
	if (!dev)
		return kc_usage_error(cmd, "needs a DEVICE");
	if (kc_nl_open(&nl))
		return EX_ERR;
	msg = kc_nl_msg(&nl, KRAFT_CMD_NODE_UP, 0);
	if (!msg || nla_put_string(msg, KRAFT_A_DEVICE, dev) ||
	    (listen && nla_put_string(msg, KRAFT_A_LISTEN, listen)) ||
	    (tick && nla_put_u32(msg, KRAFT_A_TICK_MS, tick)) ||
	    (election && nla_put_u32(msg, KRAFT_A_ELECTION_MS, election)) ||
	    (heartbeat && nla_put_u32(msg, KRAFT_A_HEARTBEAT_MS, heartbeat))) {
		nlmsg_free(msg);
		kc_nl_close(&nl);
		return kc_errno_exit("up", ENOMEM);
	}
	ret = kc_nl_call(&nl, msg, name_cb, name);
	if (ret)
		ret = kc_nl_fail(&nl, "up", ret);
	else if (!name[0])
		ret = kc_errno_exit("up", EPROTO);
	else
		printf("%s\n", name);
	kc_nl_close(&nl);
	return ret;
}

/* Send @cmd_id for the resolved node with an optional peer id. */
static int simple_node_cmd(const char *what, uint8_t cmd_id, const char *node,
			   bool has_peer, uint64_t peer, const char *addr,
			   bool learner)
{
	char name[KRAFT_NODE_NAME_MAX + 16];
	struct nl_msg *msg;
	struct kc_nl nl;
	int ret;

	if (node) {
		snprintf(name, sizeof(name), "%s", node);
	} else {
		ret = kc_resolve_node(name, sizeof(name));
		if (ret)
			return ret;
	}
	if (kc_nl_open(&nl))
		return EX_ERR;
	msg = kc_nl_msg(&nl, cmd_id, 0);
	if (!msg || nla_put_string(msg, KRAFT_A_NODE_NAME, name) ||
	    (has_peer && nla_put_u64(msg, KRAFT_A_PEER_ID, peer)) ||
	    (addr && nla_put_string(msg, KRAFT_A_PEER_ADDR, addr)) ||
	    (learner && nla_put_flag(msg, KRAFT_A_LEARNER))) {
		nlmsg_free(msg);
		kc_nl_close(&nl);
		return kc_errno_exit(what, ENOMEM);
	}
	ret = kc_nl_call(&nl, msg, NULL, NULL);
	if (ret)
		ret = kc_nl_fail(&nl, what, ret);
	kc_nl_close(&nl);
	return ret;
}

int cmd_down(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("down");

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc != 2)
		return kc_usage_error(cmd, "needs exactly one NODE");
	return simple_node_cmd("down", KRAFT_CMD_NODE_DOWN, argv[1], false, 0,
			       NULL, false);
}

int cmd_snapshot(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("snapshot");

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc != 1)
		return kc_usage_error(cmd, "takes no arguments");
	return simple_node_cmd("snapshot", KRAFT_CMD_SNAPSHOT, NULL, false, 0,
			       NULL, false);
}

int cmd_leader(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("leader");
	uint64_t id;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc != 3 || strcmp(argv[1], "transfer"))
		return kc_usage_error(cmd, "expected: leader transfer ID");
	if (kc_parse_u64(argv[2], &id) || !id)
		return kc_usage_error(cmd, "ID must be a positive integer");
	return simple_node_cmd("leader transfer", KRAFT_CMD_LEADER_TRANSFER,
			       NULL, true, id, NULL, false);
}

static int member_list(void)
{
	struct kc_status_list *l;
	struct kc_status *st;
	int i, ret;

	ret = kc_status_of("member list", &l);
	if (ret)
		return ret;
	st = &l->st[0];
	for (i = 0; i < st->npeers; i++) {
		const struct kc_peer *p = &st->peers[i];

		if (kc.json) {
			printf("{\"id\":%" PRIu64 ",\"addr\":", p->id);
			kc_json_str(stdout, p->addr, strlen(p->addr));
			printf(",\"learner\":%s,\"self\":%s}\n",
			       p->learner ? "true" : "false",
			       p->id == st->id ? "true" : "false");
		} else {
			printf("%" PRIu64 "\t%s\t%s%s\n", p->id, p->addr,
			       p->learner ? "learner" : "voter",
			       p->id == st->id ? "\tself" : "");
		}
	}
	kc_status_list_free(l);
	return EX_OK;
}

int cmd_member(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("member");
	bool learner = false;
	char addr[128];
	uint64_t id;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc < 2)
		return kc_usage_error(cmd, "needs a subcommand");
	if (!strcmp(argv[1], "list")) {
		if (argc != 2)
			return kc_usage_error(cmd, "list takes no arguments");
		return member_list();
	}
	if (argc < 3 || kc_parse_u64(argv[2], &id) || !id)
		return kc_usage_error(cmd, "ID must be a positive integer");
	if (!strcmp(argv[1], "add")) {
		if (argc == 5 && !strcmp(argv[4], "--learner"))
			learner = true;
		else if (argc != 4)
			return kc_usage_error(cmd, "expected: member add ID HOST:PORT [--learner]");
		if (kc_host_port(argv[3], addr, sizeof(addr)))
			return kc_usage_error(cmd, "%s", addr);
		return simple_node_cmd("member add", KRAFT_CMD_MEMBER_ADD, NULL,
				       true, id, addr, learner);
	}
	if (argc != 3)
		return kc_usage_error(cmd, "unexpected '%s'", argv[3]);
	if (!strcmp(argv[1], "promote"))
		return simple_node_cmd("member promote", KRAFT_CMD_MEMBER_PROMOTE,
				       NULL, true, id, NULL, false);
	if (!strcmp(argv[1], "remove"))
		return simple_node_cmd("member remove", KRAFT_CMD_MEMBER_REMOVE,
				       NULL, true, id, NULL, false);
	return kc_usage_error(cmd, "unknown subcommand '%s'", argv[1]);
}
