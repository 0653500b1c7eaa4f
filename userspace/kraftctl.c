// SPDX-License-Identifier: GPL-2.0
/*
 * kraftctl - command-line tool for kraft, the in-kernel replicated
 * key/value store. Control commands go over the generic netlink family
 * "kraft" (kraftctl_nl.c, libnl-genl-3); data commands are ioctls on
 * /dev/kraftN (kraftctl_kv.c).
 *
 * Exit codes: 0 ok, 1 error (message on stderr), 2 usage, 3 not found,
 * 4 compare failed, 5 unavailable (no leader or quorum in time).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include "kraftctl.h"

struct kc_opts kc;

const struct kc_cmd kc_commands[] = {
	{ "init", cmd_init, "init DEVICE --cluster NAME --node ID --peers ID=HOST:PORT[,ID=HOST:PORT...] [--key-file F] [--force]",
	  "write a new node's superblock on DEVICE (refuses one in use unless --force)" },
	{ "up", cmd_up, "up DEVICE [--listen HOST:PORT] [--tick-ms N] [--election-ms N] [--heartbeat-ms N]",
	  "attach a formatted device and start its node; prints the node name" },
	{ "down", cmd_down, "down NODE", "stop a node, flush and detach its device" },
	{ "status", cmd_status, "status", "role, term, leader, indexes and peers of the node" },
	{ "put", cmd_put, "put KEY VALUE", "write a key; prints the new revision" },
	{ "get", cmd_get, "get KEY [--serializable]", "print a key's value; exit 3 if absent" },
	{ "del", cmd_del, "del KEY", "delete a key; exit 3 if absent" },
	{ "cas", cmd_cas, "cas KEY --rev N VALUE",
	  "write KEY if its mod revision is N (0: only if absent); exit 4 if not" },
	{ "list", cmd_list, "list [PREFIX] [--limit N]", "keys with a prefix, KEY<TAB>VALUE a line" },
	{ "watch", cmd_watch, "watch [PREFIX] [--from-rev N]", "print events, one a line, until interrupted" },
	{ "member", cmd_member, "member list | add ID HOST:PORT [--learner] | promote ID | remove ID",
	  "show or change the cluster's membership" },
	{ "leader", cmd_leader, "leader transfer ID", "hand leadership to member ID" },
	{ "snapshot", cmd_snapshot, "snapshot", "snapshot the state machine and compact the log" },
	{ "bench", cmd_bench, "bench put|get|mixed [--clients N] [--ops K] [--value-size B] [--keys M] [--serializable]",
	  "load the node with N concurrent clients; print throughput and latency percentiles" },
	{ "dump", cmd_dump, "dump DEVICE", "print the superblock, hard state, snapshots and log records on DEVICE" },
	{ "version", cmd_version, "version", "print the loaded module's version" },
	{ NULL, NULL, NULL, NULL },
};

const struct kc_cmd *kc_find_cmd(const char *name)
{
	const struct kc_cmd *c;

	for (c = kc_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	const struct kc_cmd *c;

	fprintf(f, "usage: kraftctl [-n NODE] [-o text|json] COMMAND [ARGS...]\n\ncommands:\n");
	for (c = kc_commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->help);
	fprintf(f, "\nNODE defaults to the only running node. 'kraftctl COMMAND --help' describes each command.\n");
}

int kc_usage_error(const struct kc_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kraftctl %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: kraftctl %s\n", cmd->usage);
	return EX_USAGE;
}

bool kc_wants_help(const struct kc_cmd *cmd, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: kraftctl %s\n%s\n", cmd->usage, cmd->help);
			return true;
		}
	}
	return false;
}

int kc_parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/*
 * HOST:PORT as the kernel takes it: a numeric IPv4 "A.B.C.D:PORT" or IPv6
 * "[V6]:PORT" (the module resolves no names). A name is resolved here,
 * first address wins. Return: 0, or -EINVAL with a message in @out.
 */
int kc_host_port(const char *in, char *out, size_t cap)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char host[256], num[INET6_ADDRSTRLEN];
	const char *colon = strrchr(in, ':');
	uint64_t port;
	size_t hlen;
	int n;

	if (!colon || kc_parse_u64(colon + 1, &port) || !port || port > 65535)
		goto bad;
	hlen = colon - in;
	if (hlen >= 2 && in[0] == '[' && in[hlen - 1] == ']') {
		in++;
		hlen -= 2;
	}
	if (!hlen || hlen >= sizeof(host))
		goto bad;
	memcpy(host, in, hlen);
	host[hlen] = 0;
	if (getaddrinfo(host, NULL, &hints, &res))
		goto bad;
	if (res->ai_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr,
			  num, sizeof(num));
	else
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)res->ai_addr)->sin_addr,
			  num, sizeof(num));
	n = snprintf(out, cap, res->ai_family == AF_INET6 ? "[%s]:%u" :
		     "%s:%u", num, (unsigned int)port);
	freeaddrinfo(res);
	if (n < 0 || (size_t)n >= cap)
		goto bad;
	return 0;
bad:
	snprintf(out, cap, "'%s' is not HOST:PORT with a known host", in);
	return -EINVAL;
}

/* Map an errno from the kernel to a message and the contract's exit code. */
int kc_errno_exit(const char *what, int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ETIMEDOUT:
		fprintf(stderr, "kraftctl: %s: unavailable: no leader or quorum within the timeout, or the leader changed (a write's outcome is unknown)\n", what);
		return EX_UNAVAIL;
	case ECANCELED:
		fprintf(stderr, "kraftctl: %s: not made: the leader changed (safe to retry)\n", what);
		return EX_UNAVAIL;
	case ENOSPC:
		fprintf(stderr, "kraftctl: %s: the log is full until a snapshot frees space\n", what);
		return EX_UNAVAIL;
	case ENOENT:
		fprintf(stderr, "kraftctl: %s: not found\n", what);
		return EX_NOTFOUND;
	case EINTR:
		fprintf(stderr, "kraftctl: %s: interrupted\n", what);
		return EX_ERR;
	default:
		fprintf(stderr, "kraftctl: %s: %s\n", what, strerror(err));
		return EX_ERR;
	}
}

int main(int argc, char **argv)
{
	const struct kc_cmd *c;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EX_OK;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			kc.node = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			if (!strcmp(argv[i + 1], "json")) {
				kc.json = true;
			} else if (strcmp(argv[i + 1], "text")) {
				fprintf(stderr, "kraftctl: -o takes text or json\n");
				return EX_USAGE;
			}
			i += 2;
		} else {
			fprintf(stderr, "kraftctl: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	c = kc_find_cmd(argv[i]);
	if (c)
		return c->fn(argc - i, argv + i);
	fprintf(stderr, "kraftctl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return EX_USAGE;
}
