/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cluster.h - a test cluster of Raft cores in one address space, for the
 * unit suites (userspace and KUnit alike): a message queue with links that
 * can be cut, storage that keeps what each ready asked to persist, and a
 * record of what each node applied. Every message travels encoded, so the
 * codec is exercised by every test.
 */
#ifndef KRAFT_TEST_CLUSTER_H
#define KRAFT_TEST_CLUSTER_H

#include "raft.h"
#include "msg.h"

#define TC_MAX		7
#define TC_MAX_APPLIED	512

struct tc_applied {
	u64 index;
	u64 term;
	u8 type;
	char data[48];
};

struct tc_node {
	u64 id;
	struct kraft_raft *r;
	bool down;
	/* what the node persisted */
	struct kraft_hard_state hs;
	struct kraft_entry *log;
	u64 n_log;
	u64 cap_log;
	struct kraft_snapshot snap;
	/* what it applied and read */
	struct tc_applied applied[TC_MAX_APPLIED];
	u32 n_applied;
	u64 reads_ctx[64];
	u64 reads_index[64];
	u32 n_reads;
	u64 last_snap_restored;
};

struct tc_msg {
	u64 from;
	u64 to;
	u32 len;
	u8 *buf;
};

struct tc_cluster {
	u32 n;
	struct tc_node nodes[TC_MAX];
	bool cut[TC_MAX + 1][TC_MAX + 1];
	struct tc_msg *q;
	u32 nq;
	u32 capq;
	u64 delivered;
	struct kraft_config base;
	/* drop messages of one type (0: none) */
	u8 drop_type;
};

/* ids are 1..n; @voters of them vote, the rest are learners */
struct tc_cluster *tc_new(u32 n, u32 voters, bool pre_vote,
			  bool check_quorum);
void tc_free(struct tc_cluster *c);
struct tc_node *tc_node(struct tc_cluster *c, u64 id);
int tc_restart(struct tc_cluster *c, u64 id);
int tc_set_log(struct tc_cluster *c, u64 id, const u64 *terms, u32 n,
	       u64 term);
void tc_process(struct tc_cluster *c, u64 id);
u32 tc_run(struct tc_cluster *c);
bool tc_deliver_one(struct tc_cluster *c);
void tc_tick(struct tc_cluster *c, u64 id, u32 ticks);
void tc_tick_all(struct tc_cluster *c, u32 ticks);
int tc_elect(struct tc_cluster *c, u64 id);
u64 tc_leader(struct tc_cluster *c);
int tc_propose(struct tc_cluster *c, u64 id, const char *s);
void tc_isolate(struct tc_cluster *c, u64 id);
void tc_cut(struct tc_cluster *c, u64 a, u64 b);
void tc_heal(struct tc_cluster *c);
void tc_status(struct tc_cluster *c, u64 id, struct kraft_status *st);
bool tc_logs_match(struct tc_cluster *c, u64 a, u64 b);
int tc_conf_change(struct tc_cluster *c, u64 id, u8 transition, u8 op,
		   u64 target);

#endif /* KRAFT_TEST_CLUSTER_H */
