/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kraftctl.h - shared declarations of kraftctl's files: kraftctl.c (main,
 * options, dispatch), kraftctl_nl.c (generic netlink: control commands),
 * kraftctl_kv.c (ioctls on /dev/kraftN: data commands), kraftctl_disk.c
 * (init and dump, on a device directly), kraftctl_out.c
 * (text and JSON output).
 */
#ifndef KRAFTCTL_H
#define KRAFTCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes: the command-line contract. */
enum {
	EX_OK = 0,
	EX_ERR = 1,
	EX_USAGE = 2,
	EX_NOTFOUND = 3,
	EX_CMPFAIL = 4,
	EX_UNAVAIL = 5,
};

struct kc_opts {
	const char *node;	/* -n NODE, or NULL for the only node */
	bool json;		/* -o json */
};

extern struct kc_opts kc;

struct kc_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

/* kraftctl.c */
const struct kc_cmd *kc_find_cmd(const char *name);
int kc_usage_error(const struct kc_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool kc_wants_help(const struct kc_cmd *cmd, int argc, char **argv);
int kc_parse_u64(const char *s, uint64_t *out);
int kc_host_port(const char *in, char *out, size_t cap);
int kc_errno_exit(const char *what, int err);

/* kraftctl_nl.c */
int kc_resolve_node(char *name, size_t len);
int cmd_version(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_member(int argc, char **argv);
int cmd_leader(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);

/* kraftctl_kv.c */
int kc_open_node(const char *what);
uint32_t kc_timeout_ms(void);
int cmd_bench(int argc, char **argv);
int cmd_put(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_del(int argc, char **argv);
int cmd_cas(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* kraftctl_disk.c */
int cmd_init(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* kraftctl_out.c */
void kc_json_str(FILE *f, const char *s, size_t len);

extern const struct kc_cmd kc_commands[];

#endif /* KRAFTCTL_H */
