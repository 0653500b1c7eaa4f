// SPDX-License-Identifier: GPL-2.0
/*
 * kraftctl - command-line tool for kraft, the in-kernel replicated
 * key/value store. Control commands go over the generic netlink family
 * "kraft" (libnl-genl-3); data commands will use /dev/kraftN.
 *
 * Exit codes: 0 ok, 1 error (message on stderr), 2 usage, 3 not found,
 * 4 compare failed, 5 unavailable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <linux/kraft.h>

enum { EX_OK, EX_ERR, EX_USAGE, EX_NOTFOUND, EX_CMPFAIL, EX_UNAVAIL };

struct nl {
	struct nl_sock *sk;
	int family;
};

static int kc_nl_open(struct nl *nl)
{
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "kraftctl: out of memory\n");
		return -ENOMEM;
	}
	if (genl_connect(nl->sk)) {
		fprintf(stderr, "kraftctl: cannot open a generic netlink socket\n");
		goto err;
	}
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

static void kc_nl_close(struct nl *nl)
{
	nl_socket_free(nl->sk);
}

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

static int cmd_version(int argc, char **argv)
{
	struct nl_msg *msg;
	struct nl nl;
	int found = 0, ret;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			printf("usage: kraftctl version\n"
			       "Print the version of the loaded kraft module.\n");
			return EX_OK;
		}
		fprintf(stderr, "usage: kraftctl version\n");
		return EX_USAGE;
	}
	if (kc_nl_open(&nl))
		return EX_ERR;
	msg = nlmsg_alloc();
	if (!msg) {
		kc_nl_close(&nl);
		return EX_ERR;
	}
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl.family, 0, 0,
		    KRAFT_CMD_GET_VERSION, KRAFT_GENL_VERSION);
	nl_socket_modify_cb(nl.sk, NL_CB_VALID, NL_CB_CUSTOM, version_cb,
			    &found);
	ret = nl_send_auto(nl.sk, msg);
	if (ret >= 0)
		ret = nl_recvmsgs_default(nl.sk);
	nlmsg_free(msg);
	kc_nl_close(&nl);
	if (ret < 0 || !found) {
		fprintf(stderr, "kraftctl: version: %s\n", nl_geterror(ret));
		return EX_ERR;
	}
	return EX_OK;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "version", cmd_version, "print the loaded module's version" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kraftctl [-n NODE] [-o text|json] COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'kraftctl COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EX_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kraftctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EX_USAGE;
}
