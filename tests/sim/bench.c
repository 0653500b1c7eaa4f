// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - kraft-bench: committed entries per CPU-second through an
 * in-memory 3-node cluster of the core (tests/unit/cluster.c: every
 * message encoded and decoded, every ready persisted in memory), with P
 * proposals outstanding at a time and V-byte values.
 *
 *   kraft-bench [--proposers P] [--entries N] [--value-size V]
 *
 * Instructions per entry: run it under valgrind --tool=callgrind (make
 * bench-core does both). A benchmark, never a test.
 */
#include <time.h>
#include "cluster.h"

int main(int argc, char **argv)
{
	u64 entries = 200000, proposers = 1, vsize = 128, done = 0, base;
	struct kraft_status st;
	struct tc_cluster *c;
	struct timespec a, b;
	char *val;
	double cpu;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--proposers"))
			proposers = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--entries"))
			entries = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--value-size"))
			vsize = strtoull(argv[i + 1], NULL, 0);
	}
	val = malloc(vsize + 1);
	c = tc_new(3, 3, true, true);
	if (!val || !c || tc_elect(c, 1))
		return 1;
	memset(val, 'v', vsize);
	val[vsize] = 0;
	tc_status(c, 1, &st);
	base = st.commit;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	while (done < entries) {
		u64 p;

		for (p = 0; p < proposers && done + p < entries; p++)
			if (tc_propose(c, 1, val))
				return 1;
		tc_run(c);
		tc_status(c, 1, &st);
		done = st.commit - base;
		if (st.applied > st.snap_index + 10000) {
			/* keep memory flat: snapshot and compact everywhere */
			for (i = 1; i <= 3; i++) {
				struct tc_node *nd = tc_node(c, i);

				kraft_raft_snapshot(nd->r, "s", 1);
			}
		}
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	cpu = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("proposers %llu value %llu B: %llu entries in %.3f CPU-s: %.0f entries/CPU-s\n",
	       (unsigned long long)proposers, (unsigned long long)vsize,
	       (unsigned long long)done, cpu, done / cpu);
	tc_free(c);
	free(val);
	return 0;
}
