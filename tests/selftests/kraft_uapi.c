// SPDX-License-Identifier: GPL-2.0
/*
 * kraft_uapi.c - kselftest (kselftest_harness.h, TAP) of kraft's user
 * interfaces: the ioctls of /dev/kraftN and the generic netlink family,
 * good and bad input. Needs a running single-voter node kraft0 on
 * KRAFT_DEVICE (tests/vm/guest/uapi.sh sets one up). Uses libmnl so that
 * the exact errno of each refusal is checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>
#include <linux/kraft.h>

#include "kselftest_harness.h"

#define NODE	"kraft0"
#define DEVNODE	"/dev/" NODE

/* --- a minimal generic netlink client ---------------------------------- */

struct gnl {
	struct mnl_socket *nl;
	unsigned int seq;
	uint16_t family;
	uint32_t mcgrp;
	char buf[16384];
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gnl *g = data;
	struct nlattr *a, *grp, *ga;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			g->family = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(grp, a) {
			uint32_t id = 0;
			const char *name = NULL;

			mnl_attr_for_each_nested(ga, grp) {
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(ga);
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(ga);
			}
			if (name && !strcmp(name, KRAFT_GENL_MCGRP_EVENTS))
				g->mcgrp = id;
		}
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *gnl_msg(struct gnl *g, uint16_t type, uint8_t cmd,
				uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(g->buf);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++g->seq;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = cmd == CTRL_CMD_GETFAMILY ? 1 : KRAFT_GENL_VERSION;
	return nlh;
}

/* Send and collect the answer. Return: 0 or a negative errno. */
static int gnl_call(struct gnl *g, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	unsigned int portid = mnl_socket_get_portid(g->nl);
	int n;

	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(g->nl, g->buf, sizeof(g->buf));
		if (n < 0)
			return -errno;
		n = mnl_cb_run(g->buf, n, g->seq, portid, cb, data);
		if (n < 0)
			return -errno;
		if (n == MNL_CB_STOP)
			return 0;
	}
}

static int gnl_open(struct gnl *g)
{
	struct nlmsghdr *nlh;

	memset(g, 0, sizeof(*g));
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl || mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nlh = gnl_msg(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KRAFT_GENL_NAME);
	return gnl_call(g, nlh, family_cb, g);
}

static int gnl_cmd_str(struct gnl *g, uint8_t cmd, uint16_t attr,
		       const char *s)
{
	struct nlmsghdr *nlh = gnl_msg(g, g->family, cmd, 0);

	if (s)
		mnl_attr_put_strz(nlh, attr, s);
	return gnl_call(g, nlh, NULL, NULL);
}

/* --- ioctl helpers ------------------------------------------------------ */

static int kv(int fd, unsigned long cmd, const char *key, const char *val,
	      struct kraft_kv_args *a)
{
	a->key_ptr = (uintptr_t)key;
	a->key_len = key ? strlen(key) : 0;
	if (val) {
		a->value_ptr = (uintptr_t)val;
		a->value_len = strlen(val);
	}
	return ioctl(fd, cmd, a) < 0 ? -errno : 0;
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(DEVNODE, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", DEVNODE, strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, put_get_round_trip)
{
	struct kraft_kv_args a = { 0 }, g = { 0 };
	char out[4] = { 0 };

	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_PUT, "st/k", "value", &a));
	EXPECT_EQ(KRAFT_KV_OK, a.result);
	EXPECT_LT(0, a.rev);
	g.value_ptr = (uintptr_t)out;
	g.value_len = sizeof(out);	/* smaller than the value */
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_GET, "st/k", NULL, &g));
	EXPECT_EQ(KRAFT_KV_OK, g.result);
	EXPECT_EQ(5, g.value_len);	/* the full length */
	EXPECT_EQ(0, memcmp(out, "valu", 4));
	EXPECT_EQ(a.rev, g.mod_rev);
}

TEST_F(dev, refuses_bad_fields_and_changes_nothing)
{
	char big[KRAFT_KEY_MAX + 2];
	struct kraft_kv_args a;
	char *huge;

	memset(&a, 0, sizeof(a));
	a.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_PUT, "st/bad", "x", &a));
	memset(&a, 0, sizeof(a));
	a.flags = 0x80;
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_PUT, "st/bad", "x", &a));
	memset(&a, 0, sizeof(a));
	a.flags = KRAFT_KV_SERIALIZABLE;
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_PUT, "st/bad", "x", &a));
	memset(&a, 0, sizeof(a));
	a.expect_rev = 3;
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_PUT, "st/bad", "x", &a));
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_PUT, NULL, "x", &a));
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_DEL, "st/bad", "x", &a));
	memset(&a, 0, sizeof(a));
	a.timeout_ms = 24 * 3600 * 1000;
	EXPECT_EQ(-EINVAL, kv(self->fd, KRAFT_IOC_PUT, "st/bad", "x", &a));
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-E2BIG, kv(self->fd, KRAFT_IOC_PUT, big, "x", &a));
	huge = malloc(KRAFT_VALUE_MAX + 2);
	ASSERT_NE(NULL, huge);
	memset(huge, 'v', KRAFT_VALUE_MAX + 1);
	huge[KRAFT_VALUE_MAX + 1] = 0;
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-E2BIG, kv(self->fd, KRAFT_IOC_PUT, "st/bad", huge, &a));
	free(huge);
	memset(&a, 0, sizeof(a));
	a.key_ptr = 8;		/* unmapped */
	a.key_len = 4;
	EXPECT_EQ(-EFAULT, ioctl(self->fd, KRAFT_IOC_PUT, &a) < 0 ? -errno : 0);
	EXPECT_EQ(-EFAULT, ioctl(self->fd, KRAFT_IOC_PUT, 8) < 0 ? -errno : 0);
	EXPECT_EQ(-ENOTTY, ioctl(self->fd, _IO(KRAFT_IOC_MAGIC, 99)) < 0 ?
			   -errno : 0);
	/* nothing of the above was written */
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_GET, "st/bad", NULL, &a));
	EXPECT_EQ(KRAFT_KV_NOT_FOUND, a.result);
}

TEST_F(dev, cas_and_delete)
{
	struct kraft_kv_args a = { 0 };
	uint64_t rev;

	a.expect_rev = 0;
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_CAS, "st/cas", "1", &a));
	ASSERT_EQ(KRAFT_KV_OK, a.result);
	rev = a.rev;
	memset(&a, 0, sizeof(a));
	a.expect_rev = rev + 100;
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_CAS, "st/cas", "2", &a));
	EXPECT_EQ(KRAFT_KV_COMPARE_FAILED, a.result);
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_DEL, "st/cas", NULL, &a));
	EXPECT_EQ(KRAFT_KV_OK, a.result);
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_DEL, "st/cas", NULL, &a));
	EXPECT_EQ(KRAFT_KV_NOT_FOUND, a.result);
}

TEST_F(dev, range_and_its_limits)
{
	struct kraft_range_args r;
	struct kraft_kv_args a;
	char buf[4096], key[16];
	int i;

	for (i = 0; i < 5; i++) {
		memset(&a, 0, sizeof(a));
		snprintf(key, sizeof(key), "st/r%d", i);
		ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_PUT, key, "v", &a));
	}
	memset(&r, 0, sizeof(r));
	r.prefix_ptr = (uintptr_t)"st/r";
	r.prefix_len = 4;
	r.buf_ptr = (uintptr_t)buf;
	r.buf_len = sizeof(buf);
	r.limit = 3;
	ASSERT_EQ(0, ioctl(self->fd, KRAFT_IOC_RANGE, &r));
	EXPECT_EQ(3, r.count);
	EXPECT_EQ(1, r.more);
	EXPECT_EQ(0, memcmp(buf + sizeof(struct kraft_kv_record), "st/r0", 5));
	r.limit = 0;
	r.buf_len = sizeof(struct kraft_kv_record) + 8;	/* one record */
	r.count = 0;
	ASSERT_EQ(0, ioctl(self->fd, KRAFT_IOC_RANGE, &r));
	EXPECT_EQ(1, r.count);
	EXPECT_EQ(1, r.more);
	r.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, KRAFT_IOC_RANGE, &r));
	EXPECT_EQ(EINVAL, errno);
	r.reserved[0] = 0;
	r.prefix_len = KRAFT_KEY_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, KRAFT_IOC_RANGE, &r));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(dev, watch_read_and_poll)
{
	struct kraft_watch_args w = { 0 };
	struct kraft_watch_event *e;
	struct kraft_kv_args a = { 0 };
	struct pollfd p;
	char buf[256];
	int wfd;

	w.prefix_ptr = (uintptr_t)"st/w";
	w.prefix_len = 4;
	w.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, KRAFT_IOC_WATCH, &w));
	EXPECT_EQ(EINVAL, errno);
	w.flags = 0;
	wfd = ioctl(self->fd, KRAFT_IOC_WATCH, &w);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, fcntl(wfd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(wfd, buf, sizeof(buf)));	/* nothing yet */
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, kv(self->fd, KRAFT_IOC_PUT, "st/w1", "abc", &a));
	p.fd = wfd;
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 10000));
	EXPECT_EQ(-1, read(wfd, buf, 8));	/* below one event */
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(48, read(wfd, buf, sizeof(buf)));	/* 40 + 5 + 3 */
	e = (struct kraft_watch_event *)buf;
	EXPECT_EQ(KRAFT_EVENT_PUT, e->type);
	EXPECT_EQ(a.rev, e->rev);
	EXPECT_EQ(0, memcmp(e + 1, "st/w1abc", 8));
	close(wfd);
}

/* --- netlink ------------------------------------------------------------ */

TEST(netlink_refusals)
{
	struct gnl *g = malloc(sizeof(*g));
	struct nlmsghdr *nlh;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, gnl_open(g));
	ASSERT_NE(0, g->family);
	EXPECT_EQ(0, gnl_cmd_str(g, KRAFT_CMD_GET_VERSION, 0, NULL));
	EXPECT_EQ(-EINVAL, gnl_cmd_str(g, KRAFT_CMD_NODE_GET, 0, NULL));
	EXPECT_EQ(-ENOENT, gnl_cmd_str(g, KRAFT_CMD_NODE_GET,
				       KRAFT_A_NODE_NAME, "kraft77"));
	EXPECT_EQ(-ENOENT, gnl_cmd_str(g, KRAFT_CMD_NODE_DOWN,
				       KRAFT_A_NODE_NAME, "kraft77"));
	EXPECT_EQ(-EINVAL, gnl_cmd_str(g, KRAFT_CMD_NODE_UP, 0, NULL));
	EXPECT_EQ(-ENOENT, gnl_cmd_str(g, KRAFT_CMD_NODE_UP, KRAFT_A_DEVICE,
				       "/dev/nonexistent"));
	/* a node name longer than its attribute allows */
	EXPECT_EQ(-EINVAL, gnl_cmd_str(g, KRAFT_CMD_NODE_GET,
				       KRAFT_A_NODE_NAME,
				       "kraft0123456789012345678901234567890"));
	/* tick out of range: the policy refuses it */
	nlh = gnl_msg(g, g->family, KRAFT_CMD_NODE_UP, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_DEVICE, "/dev/vdb");
	mnl_attr_put_u32(nlh, KRAFT_A_TICK_MS, 0);
	EXPECT_EQ(-ERANGE, gnl_call(g, nlh, NULL, NULL));
	/* an unknown attribute: strict validation */
	nlh = gnl_msg(g, g->family, KRAFT_CMD_NODE_GET, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_NODE_NAME, NODE);
	mnl_attr_put_u32(nlh, KRAFT_A_MAX + 5, 1);
	EXPECT_EQ(-EINVAL, gnl_call(g, nlh, NULL, NULL));
	/* membership: a bad address, a missing address, id 0 */
	nlh = gnl_msg(g, g->family, KRAFT_CMD_MEMBER_ADD, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_NODE_NAME, NODE);
	mnl_attr_put_u64(nlh, KRAFT_A_PEER_ID, 5);
	mnl_attr_put_strz(nlh, KRAFT_A_PEER_ADDR, "nowhere:1");
	EXPECT_EQ(-EINVAL, gnl_call(g, nlh, NULL, NULL));
	nlh = gnl_msg(g, g->family, KRAFT_CMD_MEMBER_ADD, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_NODE_NAME, NODE);
	mnl_attr_put_u64(nlh, KRAFT_A_PEER_ID, 5);
	EXPECT_EQ(-EINVAL, gnl_call(g, nlh, NULL, NULL));
	nlh = gnl_msg(g, g->family, KRAFT_CMD_MEMBER_REMOVE, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_NODE_NAME, NODE);
	mnl_attr_put_u64(nlh, KRAFT_A_PEER_ID, 0);
	EXPECT_EQ(-EINVAL, gnl_call(g, nlh, NULL, NULL));
	/* a transfer to a non-member */
	nlh = gnl_msg(g, g->family, KRAFT_CMD_LEADER_TRANSFER, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_NODE_NAME, NODE);
	mnl_attr_put_u64(nlh, KRAFT_A_PEER_ID, 42);
	EXPECT_EQ(-EINVAL, gnl_call(g, nlh, NULL, NULL));
	/* the node still answers */
	EXPECT_EQ(0, gnl_cmd_str(g, KRAFT_CMD_NODE_GET, KRAFT_A_NODE_NAME,
				 NODE));
	mnl_socket_close(g->nl);
	free(g);
}

TEST(netlink_needs_cap_net_admin)
{
	struct gnl *g = malloc(sizeof(*g));
	pid_t pid;
	int st;

	ASSERT_NE(NULL, g);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534) || gnl_open(g))
			_exit(10);
		if (gnl_cmd_str(g, KRAFT_CMD_GET_VERSION, 0, NULL))
			_exit(11);	/* open to all */
		if (gnl_cmd_str(g, KRAFT_CMD_NODE_GET, KRAFT_A_NODE_NAME,
				NODE) != -EPERM)
			_exit(12);
		if (gnl_cmd_str(g, KRAFT_CMD_NODE_DOWN, KRAFT_A_NODE_NAME,
				NODE) != -EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	free(g);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	int *seen = data;

	if (gh->cmd == KRAFT_CMD_EVENT_LEADER)
		*seen = 1;
	return MNL_CB_OK;
}

/* Down and up again: the leader event of the restarted node arrives. */
TEST(netlink_leader_event)
{
	struct gnl *g = malloc(sizeof(*g)), *ev = malloc(sizeof(*ev));
	const char *dev = getenv("KRAFT_DEVICE") ?: "/dev/vdb";
	struct nlmsghdr *nlh;
	struct pollfd p;
	int seen = 0, n, tries;

	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, gnl_open(g));
	ASSERT_EQ(0, gnl_open(ev));
	ASSERT_NE(0, ev->mcgrp);
	ASSERT_EQ(0, mnl_socket_setsockopt(ev->nl, NETLINK_ADD_MEMBERSHIP,
					   &ev->mcgrp, sizeof(ev->mcgrp)));
	ASSERT_EQ(0, gnl_cmd_str(g, KRAFT_CMD_NODE_DOWN, KRAFT_A_NODE_NAME,
				 NODE));
	nlh = gnl_msg(g, g->family, KRAFT_CMD_NODE_UP, 0);
	mnl_attr_put_strz(nlh, KRAFT_A_DEVICE, dev);
	ASSERT_EQ(0, gnl_call(g, nlh, NULL, NULL));
	p.fd = mnl_socket_get_fd(ev->nl);
	p.events = POLLIN;
	for (tries = 0; !seen && tries < 100; tries++) {
		if (poll(&p, 1, 200) != 1)
			continue;
		n = mnl_socket_recvfrom(ev->nl, ev->buf, sizeof(ev->buf));
		ASSERT_LT(0, n);
		mnl_cb_run(ev->buf, n, 0, 0, event_cb, &seen);
	}
	EXPECT_EQ(1, seen);
	mnl_socket_close(g->nl);
	mnl_socket_close(ev->nl);
	free(g);
	free(ev);
}

TEST_HARNESS_MAIN
