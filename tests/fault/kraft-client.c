// SPDX-License-Identifier: GPL-2.0
/*
 * kraft-client - a test client of kraft's ioctl interface for the fault
 * suite: random put, get, cas and del on a few keys through one or more
 * nodes' /dev/kraftN, each with a timeout, recorded as a history in the
 * JSON-lines format of tests/sim/kraft-sim (checked by tests/lincheck).
 *
 *   kraft-client --id N --out FILE [--seconds S] [--keys K] [--seed X]
 *                [--timeout-ms T]
 *
 * An operation that errs (timeout, node down) is recorded as "unknown":
 * it may or may not have taken effect. The client then moves to the next
 * node's device (the /dev/kraftN there are at that moment). A write
 * cancelled with ECANCELED is recorded as failed (the module says it was
 * not made; lincheck holds it to that). Times are CLOCK_MONOTONIC
 * microseconds, shared by every client
 * of a guest. Exit: 0, or 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kraft.h>

#define MAX_KEYS	64

static int cur = -1, fd = -1;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

static uint64_t rnd_state;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state % n;
}

/* The next node's device that opens; -1 when none does. */
static int reopen(void)
{
	char path[32];
	int i;

	if (fd >= 0)
		close(fd);
	fd = -1;
	for (i = 0; i < 16; i++) {
		cur = (cur + 1) % 16;
		snprintf(path, sizeof(path), "/dev/kraft%d", cur);
		fd = open(path, O_RDWR);
		if (fd >= 0)
			return 0;
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: kraft-client --id N --out FILE [--seconds S] [--keys K] [--seed X] [--timeout-ms T]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	unsigned int id = 0, keys = 3, timeout = 2000, seconds = 10, seq = 0;
	uint64_t seen[MAX_KEYS] = { 0 }, end, call;
	FILE *f;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--id"))
			id = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--out"))
			out = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--keys"))
			keys = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			rnd_state = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--timeout-ms"))
			timeout = atoi(argv[i + 1]);
		else
			usage();
	}
	if (i != argc || !id || !out || !keys || keys > MAX_KEYS)
		usage();
	rnd_state = rnd_state * 2654435761u + id;
	if (!rnd_state)
		rnd_state = 88172645463325252ull;
	cur = id % 3 - 1;	/* clients start on different nodes */
	f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	end = now_us() + seconds * 1000000ull;
	while (now_us() < end) {
		static const char * const names[] = { "get", "put", "cas", "del" };
		unsigned int r = rnd(10), op = r < 4 ? 0 : r < 7 ? 1 : r < 9 ? 2 : 3;
		unsigned int k = rnd(keys);
		struct kraft_kv_args a = { 0 };
		static const unsigned long cmds[] = {
			KRAFT_IOC_GET, KRAFT_IOC_PUT, KRAFT_IOC_CAS, KRAFT_IOC_DEL,
		};
		char key[16], val[32], buf[64];
		int err;

		if (fd < 0 && reopen()) {
			usleep(100000);
			continue;
		}
		snprintf(key, sizeof(key), "k%u", k);
		snprintf(val, sizeof(val), "c%u-%u", id, ++seq);
		a.key_ptr = (uintptr_t)key;
		a.key_len = strlen(key);
		a.timeout_ms = timeout;
		if (op == 0) {
			a.value_ptr = (uintptr_t)buf;
			a.value_len = sizeof(buf) - 1;
		} else if (op != 3) {
			a.value_ptr = (uintptr_t)val;
			a.value_len = strlen(val);
		}
		if (op == 2)
			a.expect_rev = rnd(4) ? seen[k] : 0;
		call = now_us();
		err = ioctl(fd, cmds[op], &a) < 0 ? errno : 0;
		fprintf(f, "{\"client\":%u,\"op\":\"%s\",\"key\":\"%s\",\"value\":",
			id, names[op], key);
		if (op == 1 || op == 2)
			fprintf(f, "\"%s\"", val);
		else
			fprintf(f, "null");
		if (op == 2)
			fprintf(f, ",\"rev\":%" PRIu64, (uint64_t)a.expect_rev);
		else
			fprintf(f, ",\"rev\":null");
		fprintf(f, ",\"call\":%" PRIu64 ",\"ret\":", call);
		if (err == ECANCELED) {	/* surely not made: a failure */
			fprintf(f, "%" PRIu64 ",\"status\":\"fail\",\"result\":null}\n",
				now_us());
			continue;
		}
		if (err) {
			fprintf(f, "null,\"status\":\"unknown\",\"result\":null}\n");
			reopen();	/* try another node */
			continue;
		}
		fprintf(f, "%" PRIu64 ",\"status\":\"%s\",\"result\":", now_us(),
			a.result == KRAFT_KV_OK || op == 0 ? "ok" : "fail");
		if (op == 0 && a.result == KRAFT_KV_OK) {
			buf[a.value_len < sizeof(buf) ? a.value_len : 0] = 0;
			fprintf(f, "\"%s\"}\n", buf);
			seen[k] = a.mod_rev;
		} else if (op == 0 || (op == 3 && a.result != KRAFT_KV_OK)) {
			fprintf(f, "null}\n");
		} else if (a.result == KRAFT_KV_COMPARE_FAILED) {
			fprintf(f, "%" PRIu64 "}\n", (uint64_t)a.mod_rev);
			seen[k] = a.mod_rev;
		} else {
			fprintf(f, "%" PRIu64 "}\n", (uint64_t)a.rev);
			if (op != 3)
				seen[k] = a.rev;
		}
	}
	fclose(f);
	return 0;
}
