// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init and exit of kraft.ko: wires the subsystems up in
 * order and tears them down in exact reverse order. Takes no locks.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <net/genetlink.h>
#include <uapi/linux/kraft.h>

#include "kraft.h"
#include "node.h"

static int __init kraft_mod_init(void)
{
	int ret;

	ret = kraft_crc_init();
	if (ret)
		return ret;
	ret = kraft_items_init();
	if (ret)
		goto err_items;
	ret = kraft_chardev_init();
	if (ret)
		goto err_chardev;
	ret = kraft_netlink_init();
	if (ret)
		goto err_netlink;

	pr_info("version %s loaded (protocol %d)\n", KRAFT_VERSION,
		KRAFT_PROTO_VERSION);
	return 0;

err_netlink:
	kraft_chardev_uninit();
err_chardev:
	kraft_items_uninit();
err_items:
	return ret;
}

static void __exit kraft_mod_exit(void)
{
	kraft_netlink_uninit();
	kraft_nodes_down_all();
	kraft_chardev_uninit();
	kraft_items_uninit();
	pr_info("version %s unloaded\n", KRAFT_VERSION);
}

module_init(kraft_mod_init);
module_exit(kraft_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kraft: replicated key/value store over Raft");
MODULE_AUTHOR("kraft developers");
MODULE_VERSION(KRAFT_VERSION);
MODULE_ALIAS_GENL_FAMILY(KRAFT_GENL_NAME);
