// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the generic netlink family "kraft": the control plane used
 * by kraftctl. One policy per command, strict validation, admin commands
 * flagged GENL_ADMIN_PERM. Takes no locks of its own.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/kraft.h>

#include "kraft.h"

static const struct nla_policy kraft_get_version_policy[KRAFT_A_MAX + 1] = {
};

static struct genl_family kraft_genl_family;

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

static const struct genl_small_ops kraft_genl_ops[] = {
	{
		.cmd = KRAFT_CMD_GET_VERSION,
		.doit = kraft_nl_get_version,
	},
};

static const struct genl_multicast_group kraft_mcgrps[] = {
	{ .name = KRAFT_GENL_MCGRP_EVENTS, },
};

static struct genl_family kraft_genl_family __ro_after_init = {
	.name = KRAFT_GENL_NAME,
	.version = KRAFT_GENL_VERSION,
	.maxattr = KRAFT_A_MAX,
	.policy = kraft_get_version_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = kraft_genl_ops,
	.n_small_ops = ARRAY_SIZE(kraft_genl_ops),
	.resv_start_op = KRAFT_CMD_GET_VERSION,
	.mcgrps = kraft_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kraft_mcgrps),
};

int __init kraft_netlink_init(void)
{
	return genl_register_family(&kraft_genl_family);
}

void kraft_netlink_uninit(void)
{
	genl_unregister_family(&kraft_genl_family);
}
