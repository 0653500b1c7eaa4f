/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim.h - the deterministic simulator's shared state: nodes running the
 * real core and KV state machine over a seeded network, with storage that
 * loses what was not yet written at a crash, and clients recording a
 * history. sim.c drives it; check.c holds the invariants.
 */
#ifndef KRAFT_SIM_H
#define KRAFT_SIM_H

#include "raft.h"
#include "msg.h"
#include "kv.h"

#define SIM_MAX_NODES	7
#define SIM_CLIENTS	4
#define SIM_KEYS	3

struct sim_req {
	u64 req;
	int client;
	u32 hop;		/* the history record it answers */
	u64 read_index;		/* reads: 0 until the read state arrives */
	bool have_index;
};

struct sim_node {
	u64 id;
	bool up;
	u64 down_until;
	struct kraft_raft *r;
	struct kraft_kv *kv;
	/* durable storage */
	struct kraft_hard_state hs;
	struct kraft_entry *log;
	u64 n_log;
	struct kraft_snapshot snap;
	/* a snapshot captured at snap_pend.index, written out at snap_due */
	struct kraft_snapshot snap_pend;
	struct kraft_kv_capture *snap_cap;
	u64 snap_due;
	/* requests waiting on this node */
	struct sim_req *reqs;
	u32 n_reqs;
	u32 cap_reqs;
};

struct sim_msg {
	u64 at;
	u64 from;
	u64 to;
	u32 len;
	u8 *buf;
};

struct sim_hop {
	int client;
	int kind;		/* 0 get, 1 put, 2 del, 3 cas */
	int key;
	char value[16];
	bool has_value;
	u64 rev;
	u64 call;
	u64 ret;
	int status;		/* 0 ok, 1 fail, 2 unknown */
	bool res_null;
	char res_str[64];
	u64 res_num;
};

struct sim_client {
	bool busy;
	u32 hop;
	u64 deadline;
	u64 target;
	u64 seen_rev[SIM_KEYS];
};

struct sim {
	u64 seed;
	u64 rng;
	u32 n;
	u64 now;
	u64 steps;
	u32 faults;
	struct sim_node nodes[SIM_MAX_NODES];
	bool cut[SIM_MAX_NODES + 1][SIM_MAX_NODES + 1];
	u64 heal_at;
	struct sim_msg *q;
	u32 nq;
	u32 capq;
	struct sim_client clients[SIM_CLIENTS];
	struct sim_hop *hist;
	u32 n_hist;
	u32 cap_hist;
	u64 next_req;
	/* for the invariants */
	u64 *leader_of_term;
	u64 n_terms;
	u64 *g_term;		/* per committed index: term */
	u64 *g_hash;		/* and payload hash */
	u64 *g_cterm;		/* a term by which it was surely committed */
	u64 n_g;
	/* what happened, for the summary and the trace */
	u64 elections;
	u64 crashes;
	u64 partitions;
	u64 conf_changes;
	u64 transfers;
	u64 snapshots;
	char trace[64][160];
	u32 n_trace;
	bool failed;
};

#define F_DROP		0x01
#define F_DUP		0x02
#define F_DELAY		0x04
#define F_PARTITION	0x08
#define F_CRASH		0x10
#define F_MEMBER	0x20
#define F_TRANSFER	0x40
#define F_ALL		0x7f

u64 sim_rand(struct sim *s, u64 n);
void sim_trace(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sim_fail(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
u64 sim_hash(const void *p, u32 len);
void sim_check_step(struct sim *s);
void sim_check_applied(struct sim *s, struct sim_node *nd,
		       const struct kraft_entry *e);

#endif /* KRAFT_SIM_H */
