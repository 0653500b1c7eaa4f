// SPDX-License-Identifier: GPL-2.0
/*
 * kraftctl_bench.c - `kraftctl bench put|get|mixed`: N client threads, each
 * with its own open file of the node's /dev/kraftN, issue K operations in
 * all (puts of B-byte values, linearizable or serializable gets, or half
 * of each) as fast as the node answers, on keys bench/0 to bench/M-1
 * (--keys M, 1000 by default; a get run first writes them). Prints the throughput and the
 * latency percentiles p50, p99 and p99.9; a progress line on a terminal.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kraft.h>

#include "kraftctl.h"
#include "latency.h"

enum { B_PUT, B_GET, B_MIXED };

#define ERRNO_KINDS	160

struct bench {
	int mode;
	uint32_t clients;
	uint64_t ops;
	uint32_t vsize;
	uint64_t keys;		/* keys bench/0 .. bench/keys-1 */
	uint32_t flags;
	uint32_t timeout;
	uint64_t next;		/* operations handed out (atomic) */
	uint64_t done;		/* operations finished (atomic) */
	uint64_t errors;	/* atomic */
	uint64_t by_errno[ERRNO_KINDS];	/* atomic; the last: any larger */
	uint64_t *lat;		/* ns, one per operation */
};

struct worker {
	struct bench *b;
	pthread_t tid;
	bool thread;		/* @tid runs it */
	int fd;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One failed operation, counted in all and by @err (from errno). */
static void count_error(struct bench *b, int err)
{
	if (err <= 0 || err >= ERRNO_KINDS - 1)
		err = ERRNO_KINDS - 1;
	__atomic_add_fetch(&b->errors, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&b->by_errno[err], 1, __ATOMIC_RELAXED);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;
	char key[32], *val = malloc(b->vsize + 1), *out = malloc(b->vsize + 1);
	uint64_t i, t0;

	if (!val || !out) {
		count_error(b, ENOMEM);
		goto out;
	}
	memset(val, 'v', b->vsize);
	while ((i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED)) < b->ops) {
		struct kraft_kv_args a = { 0 };
		bool get = b->mode == B_GET || (b->mode == B_MIXED && (i & 1));
		unsigned long cmd = get ? KRAFT_IOC_GET : KRAFT_IOC_PUT;

		snprintf(key, sizeof(key), "bench/%" PRIu64, i % b->keys);
		a.key_ptr = (uintptr_t)key;
		a.key_len = strlen(key);
		a.value_ptr = (uintptr_t)(get ? out : val);
		a.value_len = b->vsize;
		a.flags = get ? b->flags : 0;
		a.timeout_ms = b->timeout;
		t0 = now_ns();
		if (ioctl(w->fd, cmd, &a) < 0)
			count_error(b, errno);
		b->lat[i] = now_ns() - t0;
		__atomic_add_fetch(&b->done, 1, __ATOMIC_RELAXED);
	}
out:
	free(val);
	free(out);
	return NULL;
}

/* One thread per client on @b; a client without one runs here. */
static void start_workers(struct worker *ws, struct bench *b)
{
	uint32_t i;

	for (i = 0; i < b->clients; i++) {
		ws[i].b = b;
		ws[i].thread = !pthread_create(&ws[i].tid, NULL, worker_run,
					       &ws[i]);
		if (!ws[i].thread)
			worker_run(&ws[i]);
	}
}

static void join_workers(struct worker *ws, struct bench *b)
{
	uint32_t i;

	for (i = 0; i < b->clients; i++)
		if (ws[i].thread)
			pthread_join(ws[i].tid, NULL);
}

/* Put the keys a get benchmark reads. */
static int preload(struct worker *ws, struct bench *b)
{
	struct bench pre = *b;

	pre.mode = B_PUT;
	pre.ops = b->keys;
	pre.next = pre.done = pre.errors = 0;
	pre.lat = calloc(pre.ops, sizeof(*pre.lat));
	if (!pre.lat)
		return -ENOMEM;
	start_workers(ws, &pre);
	join_workers(ws, &pre);
	free(pre.lat);
	return pre.errors ? -EIO : 0;
}

int cmd_bench(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("bench");
	struct bench b = { .clients = 1, .ops = 10000, .vsize = 128,
			   .keys = 1000 };
	struct worker *ws;
	uint64_t v, t0, elapsed, last = 0;
	bool tty = isatty(2) && !kc.json;	/* progress for a person */
	uint32_t i;
	int ret = EX_OK;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc < 2)
		return kc_usage_error(cmd, "put, get or mixed?");
	if (!strcmp(argv[1], "put"))
		b.mode = B_PUT;
	else if (!strcmp(argv[1], "get"))
		b.mode = B_GET;
	else if (!strcmp(argv[1], "mixed"))
		b.mode = B_MIXED;
	else
		return kc_usage_error(cmd, "unknown workload '%s'", argv[1]);
	for (i = 2; i < (uint32_t)argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--serializable")) {
			b.flags = KRAFT_KV_SERIALIZABLE;
			continue;
		}
		if (i + 1 >= (uint32_t)argc || kc_parse_u64(argv[i + 1], &v) || !v)
			return kc_usage_error(cmd, "'%s' takes a positive number", o);
		i++;
		if (!strcmp(o, "--clients") && v <= 4096)
			b.clients = v;
		else if (!strcmp(o, "--ops") && v <= 100000000)
			b.ops = v;
		else if (!strcmp(o, "--value-size") && v <= KRAFT_VALUE_MAX)
			b.vsize = v;
		else if (!strcmp(o, "--keys") && v <= 100000000)
			b.keys = v;
		else
			return kc_usage_error(cmd, "bad option or value '%s %s'", o,
					      argv[i]);
	}
	b.timeout = kc_timeout_ms();
	b.lat = calloc(b.ops, sizeof(*b.lat));
	ws = calloc(b.clients, sizeof(*ws));
	if (!b.lat || !ws) {
		free(b.lat);
		free(ws);
		return kc_errno_exit("bench", ENOMEM);
	}
	for (i = 0; i < b.clients; i++) {
		ws[i].fd = kc_open_node("bench");
		if (ws[i].fd < 0) {
			ret = -ws[i].fd;
			b.clients = i;
			goto out;
		}
	}
	if (b.mode != B_PUT && preload(ws, &b)) {
		fprintf(stderr, "kraftctl: bench: writing the keys to read failed\n");
		ret = EX_UNAVAIL;
		goto out;
	}
	t0 = now_ns();
	start_workers(ws, &b);
	while (tty && __atomic_load_n(&b.done, __ATOMIC_RELAXED) < b.ops) {
		usleep(200000);
		v = __atomic_load_n(&b.done, __ATOMIC_RELAXED);
		if (now_ns() - t0 > 1000000000ull && v != last)
			fprintf(stderr, "\r%" PRIu64 "/%" PRIu64 " ops, %.0f ops/s   ",
				v, b.ops, v / ((now_ns() - t0) / 1e9));
		last = v;
	}
	join_workers(ws, &b);
	elapsed = now_ns() - t0;
	if (tty && last)
		fprintf(stderr, "\r%60s\r", "");
	lat_sort(b.lat, b.ops);
	if (kc.json)
		printf("{\"workload\":\"%s\",\"clients\":%u,\"ops\":%" PRIu64
		       ",\"value_size\":%u,\"serializable\":%s,\"seconds\":%.3f"
		       ",\"ops_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f"
		       ",\"p999_ms\":%.3f,\"errors\":%" PRIu64 "}\n",
		       argv[1], b.clients, b.ops, b.vsize,
		       b.flags ? "true" : "false", elapsed / 1e9,
		       b.ops / (elapsed / 1e9), lat_pct_ms(b.lat, b.ops, 50),
		       lat_pct_ms(b.lat, b.ops, 99), lat_pct_ms(b.lat, b.ops, 99.9),
		       b.errors);
	else
		printf("%s: %u clients, %" PRIu64 " ops of %u B%s in %.2f s: %.0f ops/s; latency p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; %" PRIu64 " errors\n",
		       argv[1], b.clients, b.ops, b.vsize,
		       b.flags ? " (serializable)" : "", elapsed / 1e9,
		       b.ops / (elapsed / 1e9), lat_pct_ms(b.lat, b.ops, 50),
		       lat_pct_ms(b.lat, b.ops, 99), lat_pct_ms(b.lat, b.ops, 99.9),
		       b.errors);
	if (b.errors) {
		/* which errors, on stderr: stdout's formats stay as they are */
		const char *sep = " ";

		fprintf(stderr, "kraftctl: bench: %" PRIu64 " errors:", b.errors);
		for (i = 0; i < ERRNO_KINDS; i++) {
			if (!b.by_errno[i])
				continue;
			fprintf(stderr, "%s%" PRIu64 " %s", sep, b.by_errno[i],
				i < ERRNO_KINDS - 1 ? strerror(i) : "other");
			sep = ", ";
		}
		fprintf(stderr, "\n");
		ret = EX_UNAVAIL;
	}
out:
	for (i = 0; i < b.clients; i++)
		close(ws[i].fd);
	free(ws);
	free(b.lat);
	return ret;
}
