/* SPDX-License-Identifier: GPL-2.0 */
/*
 * raft_int.h - the core's internal state, shared by its files:
 * log.c (the in-memory log), quorum.c (configurations and majorities),
 * progress.c (what the leader knows of each peer), raft.c (roles, ticks,
 * dispatch, proposals), ready.c (Ready/Advance), election.c (votes,
 * PreVote, CheckQuorum, transfer), replication.c (append, heartbeat,
 * snapshot, commit), read.c (ReadIndex) and membership.c (configuration
 * changes). Not part of any API. No locks: the caller of raft.h
 * serializes every call.
 */
#ifndef KRAFT_CORE_RAFT_INT_H
#define KRAFT_CORE_RAFT_INT_H

#include "raft.h"
#include "msg.h"

/*
 * The log: entries after the snapshot, in memory. ents[i] has index
 * offset + i, where offset = snap_index + 1. Entries from @unstable on
 * have not been handed out for persistence yet.
 */
struct kraft_log {
	u64 snap_index;
	u64 snap_term;
	struct kraft_entry *ents;
	u64 n;
	u64 cap;
	u64 unstable;	/* first index not yet handed out to persist */
	u64 stable;	/* last index the caller has made durable */
	u64 committed;
	u64 applied;	/* last index handed out to apply */
	u64 bytes;	/* sum of entry lengths held */
};

enum kraft_pr_state {
	KRAFT_PR_PROBE = 0,
	KRAFT_PR_REPLICATE = 1,
	KRAFT_PR_SNAPSHOT = 2,
};

/* A leader's view of one member (itself included). */
struct kraft_progress {
	u64 id;
	u64 match;
	u64 next;
	u8 state;
	bool probe_sent;	/* probe: one append out, wait for an answer */
	bool recent_active;
	bool voter;
	bool learner;
	u64 pending_snap;	/* snapshot: the index being sent */
	u32 snap_off;		/* snapshot: bytes the follower has */
	u64 read_seq;		/* highest read sequence it acknowledged */
	/* in-flight appends: ring of (last index, bytes) */
	u32 infl_start;
	u32 infl_count;
	u32 infl_bytes;
	u64 *infl_index;
	u32 *infl_size;
};

struct kraft_pending_read {
	u64 from;	/* KRAFT_NONE: this node asked */
	u64 ctx;
	u64 index;
	u64 seq;
};

/* A snapshot being received in chunks. */
struct kraft_snap_rx {
	u64 index;
	u64 term;
	struct kraft_conf conf;
	u32 total;
	u32 got;
	u32 cap;	/* bytes allocated at @data */
	u8 *data;
};

struct kraft_raft {
	u64 id;
	struct kraft_config cfg;
	u64 term;
	u64 vote;
	u64 lead;
	u8 role;
	struct kraft_log log;
	struct kraft_conf conf;

	struct kraft_progress *prs;
	u32 n_prs;

	/* elections */
	u32 election_elapsed;
	u32 heartbeat_elapsed;
	u32 rand_timeout;
	u64 rng;
	u64 votes_granted[2 * KRAFT_MAX_MEMBERS];
	u64 votes_rejected[2 * KRAFT_MAX_MEMBERS];
	u32 n_granted;
	u32 n_rejected;
	u64 lead_transferee;

	/* membership */
	u64 pending_conf_index;

	/* snapshots: the newest one this node has (to send), one arriving */
	struct kraft_snapshot snap;
	struct kraft_snap_rx rx;
	bool snap_to_install;

	/* reads */
	struct kraft_pending_read *reads_pending;
	u32 n_reads_pending;
	u32 cap_reads_pending;
	u64 read_seq;
	bool pending_hb;	/* a read round to start at the next ready */
	struct kraft_read_state *reads_out;
	u32 n_reads_out;
	u32 cap_reads_out;

	/* outgoing messages, encoded */
	struct kraft_out_msg *msgs;
	bool pending_bcast;	/* new entries to send at the next ready */
	u32 n_msgs;
	u32 cap_msgs;
	int send_err;

	/* what the last ready handed out */
	struct kraft_hard_state prev_hs;
	u8 prev_role;
	u64 prev_lead;
	bool ready_out;
	u64 rd_last_entry;
	u64 rd_last_committed;
	u32 rd_n_reads;
	u32 rd_n_msgs;
	bool rd_snapshot;
};

/* log.c */
int kraft_log_init(struct kraft_log *l, u64 snap_index, u64 snap_term);
void kraft_log_free(struct kraft_log *l);
u64 kraft_log_last_index(const struct kraft_log *l);
u64 kraft_log_last_term(const struct kraft_log *l);
u64 kraft_log_first_index(const struct kraft_log *l);
bool kraft_log_term(const struct kraft_log *l, u64 index, u64 *term);
bool kraft_log_match(const struct kraft_log *l, u64 index, u64 term);
const struct kraft_entry *kraft_log_entry(const struct kraft_log *l,
					  u64 index);
int kraft_log_append(struct kraft_log *l, u64 term, u8 type,
		     const void *data, u32 len, bool crc);
int kraft_log_append_entries(struct kraft_log *l, u64 prev,
			     const struct kraft_entry *e, u32 n, u64 *last);
void kraft_log_commit_to(struct kraft_log *l, u64 index);
bool kraft_log_up_to_date(const struct kraft_log *l, u64 index, u64 term);
u64 kraft_log_find_conflict_by_term(const struct kraft_log *l, u64 index,
				    u64 term, u64 *term_out);
void kraft_log_compact(struct kraft_log *l, u64 index);
void kraft_log_reset(struct kraft_log *l, u64 snap_index, u64 snap_term);

/* quorum.c */
u64 kraft_quorum_commit(const struct kraft_raft *r);
int kraft_quorum_vote_result(const struct kraft_raft *r);
bool kraft_quorum_active(const struct kraft_raft *r);
bool kraft_quorum_single_voter(const struct kraft_raft *r);
u64 kraft_quorum_read_seq(const struct kraft_raft *r);
bool kraft_conf_in(const u64 *ids, u8 n, u64 id);

/* progress.c */
int kraft_progress_rebuild(struct kraft_raft *r);
struct kraft_progress *kraft_progress_get(struct kraft_raft *r, u64 id);
void kraft_progress_free_all(struct kraft_raft *r);
void kraft_progress_reset(struct kraft_raft *r, struct kraft_progress *pr);
void kraft_pr_become_probe(struct kraft_progress *pr);
void kraft_pr_become_replicate(struct kraft_progress *pr);
void kraft_pr_become_snapshot(struct kraft_progress *pr, u64 index);
bool kraft_pr_maybe_update(struct kraft_progress *pr, u64 index);
bool kraft_pr_maybe_decr(struct kraft_progress *pr, u64 rejected, u64 hint);
bool kraft_pr_paused(const struct kraft_raft *r,
		     const struct kraft_progress *pr);
void kraft_pr_infl_add(struct kraft_progress *pr, u64 last, u32 bytes,
		       u32 cap);
void kraft_pr_infl_free_to(struct kraft_progress *pr, u64 index, u32 cap);

/* raft.c */
void kraft_send(struct kraft_raft *r, struct kraft_msg *m);
void kraft_drop_msgs(struct kraft_raft *r);
void kraft_become_follower(struct kraft_raft *r, u64 term, u64 lead);
void kraft_become_precandidate(struct kraft_raft *r);
void kraft_become_candidate(struct kraft_raft *r);
void kraft_become_leader(struct kraft_raft *r);
bool kraft_promotable(const struct kraft_raft *r);
void kraft_reset_randomized_timeout(struct kraft_raft *r);

/* election.c */
void kraft_campaign(struct kraft_raft *r, bool prevote, bool transfer);
void kraft_handle_vote(struct kraft_raft *r, const struct kraft_msg *m);
void kraft_handle_vote_resp(struct kraft_raft *r, const struct kraft_msg *m);
void kraft_check_quorum(struct kraft_raft *r);
void kraft_send_timeout_now(struct kraft_raft *r, u64 to);

/* replication.c */
bool kraft_send_append(struct kraft_raft *r, struct kraft_progress *pr,
		       bool empty_ok);
void kraft_bcast_append(struct kraft_raft *r);
void kraft_bcast_heartbeat(struct kraft_raft *r, u64 ctx);
bool kraft_maybe_commit(struct kraft_raft *r);
void kraft_handle_append(struct kraft_raft *r, const struct kraft_msg *m);
void kraft_handle_append_resp(struct kraft_raft *r,
			      const struct kraft_msg *m);
void kraft_handle_heartbeat(struct kraft_raft *r, const struct kraft_msg *m);
void kraft_handle_heartbeat_resp(struct kraft_raft *r,
				 const struct kraft_msg *m);
void kraft_handle_snapshot(struct kraft_raft *r, const struct kraft_msg *m);
void kraft_handle_snapshot_resp(struct kraft_raft *r,
				const struct kraft_msg *m);
int kraft_leader_append(struct kraft_raft *r, u8 type, const void *data,
			u32 len, bool crc);

/* read.c */
int kraft_read_request(struct kraft_raft *r, u64 from, u64 ctx);
void kraft_read_ack(struct kraft_raft *r);
void kraft_read_flush(struct kraft_raft *r);
void kraft_read_release_pending_term(struct kraft_raft *r);
void kraft_read_reset(struct kraft_raft *r);
int kraft_read_out(struct kraft_raft *r, u64 ctx, u64 index);

/* membership.c */
int kraft_conf_apply(struct kraft_raft *r, const struct kraft_conf_change *cc,
		     struct kraft_conf *out);
void kraft_conf_committed(struct kraft_raft *r, const struct kraft_entry *e);
void kraft_conf_maybe_auto_leave(struct kraft_raft *r);
int kraft_conf_check_proposal(struct kraft_raft *r, const void *data,
			      u32 len);

#endif /* KRAFT_CORE_RAFT_INT_H */
