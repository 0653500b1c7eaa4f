// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the generic netlink family "kraft": the control plane used
 * by kraftctl. One policy for the family, strict validation; commands that
 * change anything need CAP_NET_ADMIN (GENL_ADMIN_PERM). Node commands take
 * kraft_nodes_lock (node.c), then at most a node's lock; membership,
 * transfer and snapshot requests wait on the node's loop with no lock
 * held (a reference on the node).
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/kraft.h>

#include "kraft.h"
#include "node.h"

static struct netlink_range_validation kraft_ms_range = {
	.min = 1, .max = 600000,
};

static const struct nla_policy kraft_policy[KRAFT_A_MAX + 1] = {
	[KRAFT_A_NODE_NAME] = { .type = NLA_NUL_STRING,
				.len = KRAFT_NODE_NAME_MAX - 1 },
	[KRAFT_A_DEVICE] = { .type = NLA_NUL_STRING, .len = 255 },
	[KRAFT_A_LISTEN] = { .type = NLA_NUL_STRING, .len = 64 },
	[KRAFT_A_TICK_MS] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
	[KRAFT_A_ELECTION_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &kraft_ms_range),
	[KRAFT_A_HEARTBEAT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &kraft_ms_range),
	[KRAFT_A_PEER_ID] = { .type = NLA_U64 },
	[KRAFT_A_PEER_ADDR] = { .type = NLA_NUL_STRING, .len = 64 },
	[KRAFT_A_LEARNER] = { .type = NLA_FLAG },
};

static struct genl_family kraft_genl_family;

#define KRAFT_NL_CC_MAX	256	/* one encoded change of one member */

static int kraft_nl_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kraft_genl_family, 0,
				KRAFT_CMD_GET_VERSION);
	if (!hdr)
		goto nospace;
	if (nla_put_string(msg, KRAFT_A_VERSION, KRAFT_VERSION) ||
	    nla_put_u32(msg, KRAFT_A_PROTO_VERSION, KRAFT_PROTO_VERSION))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static u32 get_u32_or(struct genl_info *info, int a, u32 def)
{
	return info->attrs[a] ? nla_get_u32(info->attrs[a]) : def;
}

static int kraft_nl_node_up(struct sk_buff *skb, struct genl_info *info)
{
	struct kraft_node_config c = {
		.tick_ms = get_u32_or(info, KRAFT_A_TICK_MS, 10),
		.election_ms = get_u32_or(info, KRAFT_A_ELECTION_MS, 150),
		.heartbeat_ms = get_u32_or(info, KRAFT_A_HEARTBEAT_MS, 50),
	};
	struct kraft_node *n;
	struct sk_buff *msg;
	const char *why = NULL;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_DEVICE))
		return -EINVAL;
	c.device = nla_data(info->attrs[KRAFT_A_DEVICE]);
	if (info->attrs[KRAFT_A_LISTEN])
		c.listen = nla_data(info->attrs[KRAFT_A_LISTEN]);
	c.net = genl_info_net(info);
	if (c.heartbeat_ms >= c.election_ms || c.election_ms < 2 * c.tick_ms) {
		NL_SET_ERR_MSG(info->extack,
			       "need tick < election / 2 and heartbeat < election");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kraft_nodes_lock);
	err = kraft_node_up(&c, &n, &why);
	if (err) {
		mutex_unlock(&kraft_nodes_lock);
		nlmsg_free(msg);
		if (why && info->extack)
			info->extack->_msg = why;	/* a static string */
		else if (err == -EBUSY)
			NL_SET_ERR_MSG(info->extack,
				       "the device is in use (mounted, or by another node)");
		else if (err == -ENODATA)
			NL_SET_ERR_MSG(info->extack,
				       "no kraft superblock on the device (kraftctl init)");
		return err;
	}
	hdr = genlmsg_put_reply(msg, info, &kraft_genl_family, 0,
				KRAFT_CMD_NODE_UP);
	if (!hdr || nla_put_string(msg, KRAFT_A_NODE_NAME, n->name)) {
		mutex_unlock(&kraft_nodes_lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_unlock(&kraft_nodes_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int kraft_nl_node_down(struct sk_buff *skb, struct genl_info *info)
{
	struct kraft_node *n;

	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_NODE_NAME))
		return -EINVAL;
	mutex_lock(&kraft_nodes_lock);
	n = kraft_node_find(nla_data(info->attrs[KRAFT_A_NODE_NAME]));
	if (n)
		kraft_node_down(n);
	mutex_unlock(&kraft_nodes_lock);
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no such node");
		return -ENOENT;
	}
	return 0;
}

static int put_peers(struct sk_buff *msg, const struct kraft_node_status *s)
{
	const struct kraft_node_peer *p;
	struct nlattr *peers, *peer;
	u32 i;

	peers = nla_nest_start(msg, KRAFT_A_PEERS);
	if (!peers)
		return -EMSGSIZE;
	for (i = 0; i < s->n_peers; i++) {
		p = &s->peers[i];
		peer = nla_nest_start(msg, KRAFT_A_PEER);
		if (!peer ||
		    nla_put_u64_64bit(msg, KRAFT_PEER_A_ID, p->ps.id,
				      KRAFT_PEER_A_PAD) ||
		    nla_put_string(msg, KRAFT_PEER_A_ADDR, p->addr) ||
		    nla_put_u64_64bit(msg, KRAFT_PEER_A_MATCH, p->ps.match,
				      KRAFT_PEER_A_PAD) ||
		    nla_put_u64_64bit(msg, KRAFT_PEER_A_NEXT, p->ps.next,
				      KRAFT_PEER_A_PAD) ||
		    nla_put_u8(msg, KRAFT_PEER_A_STATE, p->ps.state) ||
		    (p->connected &&
		     nla_put_flag(msg, KRAFT_PEER_A_CONNECTED)) ||
		    (p->ps.learner && nla_put_flag(msg, KRAFT_PEER_A_LEARNER)))
			return -EMSGSIZE;
		nla_nest_end(msg, peer);
	}
	nla_nest_end(msg, peers);
	return 0;
}

static int put_status(struct sk_buff *msg, struct kraft_node *n)
{
	struct kraft_node_status *s;
	u8 role;
	int err = -EMSGSIZE;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	kraft_node_get_status(n, s);
	role = s->st.role;
	if (!kraft_conf_is_voter(&s->st.conf, n->sb.node_id) &&
	    kraft_conf_is_member(&s->st.conf, n->sb.node_id))
		role = KRAFT_ROLE_LEARNER;
	if (nla_put_string(msg, KRAFT_A_NODE_NAME, n->name) ||
	    nla_put_u64_64bit(msg, KRAFT_A_NODE_ID, n->sb.node_id, KRAFT_A_PAD) ||
	    nla_put_string(msg, KRAFT_A_CLUSTER, n->sb.cluster) ||
	    nla_put_u8(msg, KRAFT_A_ROLE, role) ||
	    nla_put_u64_64bit(msg, KRAFT_A_TERM, s->st.term, KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_LEADER, s->st.lead, KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_COMMIT, s->st.commit, KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_APPLIED, s->st.applied,
			      KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_LAST_INDEX, s->st.last_index,
			      KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_SNAP_INDEX, s->st.snap_index,
			      KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_FRAMES_DROPPED, s->frames_dropped,
			      KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_FRAMES_BAD, s->frames_bad,
			      KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_DISK_ERRORS, s->disk_errors,
			      KRAFT_A_PAD) ||
	    (s->failed && nla_put_flag(msg, KRAFT_A_FAILED)))
		goto out;
	err = put_peers(msg, s);
out:
	kfree(s);
	return err;
}

static int kraft_nl_node_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kraft_node *n;
	struct sk_buff *msg;
	void *hdr;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_NODE_NAME))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kraft_genl_family, 0,
				KRAFT_CMD_NODE_GET);
	mutex_lock(&kraft_nodes_lock);
	n = kraft_node_find(nla_data(info->attrs[KRAFT_A_NODE_NAME]));
	if (n)
		err = hdr ? put_status(msg, n) : -EMSGSIZE;
	mutex_unlock(&kraft_nodes_lock);
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no such node");
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int kraft_nl_node_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kraft_node *n;
	long i = 0, skip = cb->args[0];
	void *hdr;

	mutex_lock(&kraft_nodes_lock);
	list_for_each_entry(n, &kraft_nodes, link) {
		if (i++ < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kraft_genl_family,
				  NLM_F_MULTI, KRAFT_CMD_NODE_GET);
		if (!hdr)
			break;
		if (put_status(skb, n)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(&kraft_nodes_lock);
	return skb->len;
}

#define ADMIN_TIMEOUT_MS	10000

/* Hand an admin request to a node's loop and wait for it (no lock held). */
static int admin_submit(struct genl_info *info, u8 op, u64 expect, u8 *val,
			u32 vlen)
{
	struct kraft_node *n;
	struct kraft_req *req;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_NODE_NAME)) {
		kvfree(val);
		return -EINVAL;
	}
	req = kraft_req_new(op);
	if (!req) {
		kvfree(val);
		return -ENOMEM;
	}
	req->expect = expect;
	req->val = val;
	req->vlen = vlen;
	mutex_lock(&kraft_nodes_lock);
	n = kraft_node_find(nla_data(info->attrs[KRAFT_A_NODE_NAME]));
	if (n)
		kref_get(&n->ref);
	mutex_unlock(&kraft_nodes_lock);
	if (!n) {
		kraft_req_put(req);
		NL_SET_ERR_MSG(info->extack, "no such node");
		return -ENOENT;
	}
	err = kraft_node_submit(n, req, ADMIN_TIMEOUT_MS);
	kraft_node_put(n);
	kraft_req_put(req);
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG(info->extack,
			       "no answer in time (no leader or quorum, or the leader refused it)");
	else if (err == -EPERM)
		NL_SET_ERR_MSG(info->extack,
			       "this node is not the leader: run it on the leader's node");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "another membership change or transfer is in progress");
	else if (err == -EINVAL && op == KRAFT_REQ_TRANSFER)
		NL_SET_ERR_MSG(info->extack, "not another voting member");
	else if (err == -EINVAL)
		NL_SET_ERR_MSG(info->extack,
			       "not a valid change of this membership");
	return err;
}

static int member_change(struct genl_info *info, u8 op)
{
	struct kraft_conf_change *cc;
	struct sockaddr_storage ss;
	const char *addr = NULL;
	u8 *buf;
	int len;

	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_PEER_ID))
		return -EINVAL;
	if (op != KRAFT_CC_REMOVE && info->attrs[KRAFT_A_PEER_ADDR]) {
		addr = nla_data(info->attrs[KRAFT_A_PEER_ADDR]);
		if (kraft_tp_parse_addr(addr, &ss)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[KRAFT_A_PEER_ADDR],
					    "not IP:PORT or [IPv6]:PORT");
			return -EINVAL;
		}
	}
	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	buf = kvmalloc(KRAFT_NL_CC_MAX, GFP_KERNEL);
	if (!cc || !buf) {
		kfree(cc);
		kvfree(buf);
		return -ENOMEM;
	}
	cc->n = 1;
	cc->items[0].op = op;
	cc->items[0].id = nla_get_u64(info->attrs[KRAFT_A_PEER_ID]);
	if (addr)
		strscpy(cc->items[0].addr, addr, sizeof(cc->items[0].addr));
	len = cc->items[0].id ? kraft_conf_change_encode(cc, buf,
							  KRAFT_NL_CC_MAX) :
				-EINVAL;
	kfree(cc);
	if (len < 0) {
		kvfree(buf);
		NL_SET_ERR_MSG(info->extack, "not a valid member id");
		return len;
	}
	return admin_submit(info, KRAFT_REQ_CONF, 0, buf, len);
}

static int kraft_nl_member_add(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_PEER_ADDR))
		return -EINVAL;
	return member_change(info, info->attrs[KRAFT_A_LEARNER] ?
				   KRAFT_CC_ADD_LEARNER : KRAFT_CC_ADD_VOTER);
}

static int kraft_nl_member_promote(struct sk_buff *skb,
				   struct genl_info *info)
{
	return member_change(info, KRAFT_CC_ADD_VOTER);
}

static int kraft_nl_member_remove(struct sk_buff *skb,
				  struct genl_info *info)
{
	return member_change(info, KRAFT_CC_REMOVE);
}

static int kraft_nl_transfer(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, KRAFT_A_PEER_ID))
		return -EINVAL;
	return admin_submit(info, KRAFT_REQ_TRANSFER,
			    nla_get_u64(info->attrs[KRAFT_A_PEER_ID]), NULL, 0);
}

static int kraft_nl_snapshot(struct sk_buff *skb, struct genl_info *info)
{
	return admin_submit(info, KRAFT_REQ_SNAPSHOT, 0, NULL, 0);
}

static const struct genl_small_ops kraft_genl_ops[] = {
	{
		.cmd = KRAFT_CMD_GET_VERSION,
		.doit = kraft_nl_get_version,
	},
	{
		.cmd = KRAFT_CMD_NODE_UP,
		.doit = kraft_nl_node_up,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_NODE_DOWN,
		.doit = kraft_nl_node_down,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_NODE_GET,
		.doit = kraft_nl_node_get,
		.dumpit = kraft_nl_node_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_MEMBER_ADD,
		.doit = kraft_nl_member_add,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_MEMBER_PROMOTE,
		.doit = kraft_nl_member_promote,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_MEMBER_REMOVE,
		.doit = kraft_nl_member_remove,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_LEADER_TRANSFER,
		.doit = kraft_nl_transfer,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KRAFT_CMD_SNAPSHOT,
		.doit = kraft_nl_snapshot,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group kraft_mcgrps[] = {
	{ .name = KRAFT_GENL_MCGRP_EVENTS, },
};

static struct genl_family kraft_genl_family __ro_after_init = {
	.name = KRAFT_GENL_NAME,
	.version = KRAFT_GENL_VERSION,
	.maxattr = KRAFT_A_MAX,
	.policy = kraft_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = kraft_genl_ops,
	.n_small_ops = ARRAY_SIZE(kraft_genl_ops),
	.resv_start_op = KRAFT_CMD_GET_VERSION,
	.mcgrps = kraft_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kraft_mcgrps),
};

/**
 * kraft_nl_notify() - multicast an event of node @n to its namespace
 * @n: the node
 * @cmd: %KRAFT_CMD_EVENT_LEADER or %KRAFT_CMD_EVENT_MEMBERSHIP
 * @s: the node's status (leader, term, members)
 *
 * Called by the node's loop. Best effort: without memory or listeners,
 * nothing is sent.
 */
void kraft_nl_notify(struct kraft_node *n, u8 cmd,
		     const struct kraft_node_status *s)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&kraft_genl_family, n->net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &kraft_genl_family, 0, cmd);
	if (!hdr ||
	    nla_put_string(msg, KRAFT_A_NODE_NAME, n->name) ||
	    nla_put_u64_64bit(msg, KRAFT_A_NODE_ID, n->sb.node_id,
			      KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_LEADER, s->st.lead, KRAFT_A_PAD) ||
	    nla_put_u64_64bit(msg, KRAFT_A_TERM, s->st.term, KRAFT_A_PAD) ||
	    (cmd == KRAFT_CMD_EVENT_MEMBERSHIP && put_peers(msg, s))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kraft_genl_family, n->net, msg, 0, 0,
				GFP_KERNEL);
}

int __init kraft_netlink_init(void)
{
	return genl_register_family(&kraft_genl_family);
}

void kraft_netlink_uninit(void)
{
	genl_unregister_family(&kraft_genl_family);
}
