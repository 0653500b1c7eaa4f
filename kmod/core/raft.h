/* SPDX-License-Identifier: GPL-2.0 */
/*
 * raft.h - the public API of kraft's Raft core. API: stable.
 *
 * The core does no I/O, reads no clock and takes no locks: its single
 * caller (a node's event loop, the simulator, a test) serializes every
 * call. It is driven by kraft_raft_tick(), kraft_raft_step() with decoded
 * messages, and proposals; it hands back work in a struct kraft_ready:
 *
 *	while (kraft_raft_has_ready(r)) {
 *		kraft_raft_ready(r, &rd);
 *		persist rd.hs (if rd.hs_changed), rd.snapshot, rd.entries
 *			(rd.entries[0].index onward replaces the stored log);
 *		then send rd.msgs (encoded bytes, one destination each);
 *		apply rd.committed in order; serve rd.reads;
 *		kraft_raft_advance(r);
 *	}
 *
 * Pointers in a ready stay valid until kraft_raft_advance(); no other call
 * may be made in between. Messages are handed out already encoded with
 * kraft_msg_encode() (msg.h), so they never refer to the core's memory.
 */
#ifndef KRAFT_CORE_RAFT_H
#define KRAFT_CORE_RAFT_H

#include "platform.h"

#define KRAFT_NONE		0
#define KRAFT_LIMIT		(1ull << 62)	/* indexes and terms stay below */
#define KRAFT_MAX_MEMBERS	9	/* voters, and learners, at most */

enum kraft_entry_type {
	KRAFT_ENTRY_NORMAL = 0,	/* application data */
	KRAFT_ENTRY_EMPTY = 1,	/* a new leader's first entry of its term */
	KRAFT_ENTRY_CONF = 2,	/* membership change (struct kraft_conf_change) */
};

/**
 * struct kraft_entry - one log entry
 * @index: its position in the log, from 1
 * @term: the term of the leader that created it
 * @type: enum kraft_entry_type
 * @crc_known: the 4 bytes after @data's @len hold kr_crc32c(0, @data,
 *	@len), little-endian (kraft_entry_crc()): computed where the data
 *	entered, so that the log's record need not read the data again. A
 *	trailer rather than a field keeps the entry at 32 bytes.
 * @len: bytes of @data
 * @data: payload, owned by whoever holds the entry
 *
 * Whoever builds an entry zeroes it first (or sets every field).
 */
struct kraft_entry {
	u64 index;
	u64 term;
	u8 type;
	u8 crc_known;
	u32 len;
	u8 *data;
};

/* The CRC32C trailing an entry's data; only if @e->crc_known. */
static inline u32 kraft_entry_crc(const struct kraft_entry *e)
{
	return get_unaligned_le32(e->data + e->len);
}

/**
 * struct kraft_conf - a membership configuration
 * @voters: voting members (the incoming config while joint)
 * @voters_out: the outgoing voters while joint, else empty
 * @learners: non-voting members
 * @n_voters: count of @voters
 * @n_out: count of @voters_out; non-zero means joint consensus
 * @n_learners: count of @learners
 * @auto_leave: leave the joint config automatically once it commits
 */
struct kraft_conf {
	u64 voters[KRAFT_MAX_MEMBERS];
	u64 voters_out[KRAFT_MAX_MEMBERS];
	u64 learners[KRAFT_MAX_MEMBERS];
	u8 n_voters;
	u8 n_out;
	u8 n_learners;
	bool auto_leave;
};

/** struct kraft_hard_state - what must be durable before replying */
struct kraft_hard_state {
	u64 term;
	u64 vote;
	u64 commit;
};

/**
 * struct kraft_snapshot - a state machine snapshot
 * @index: last log index it covers
 * @term: term of that entry
 * @conf: membership as of @index
 * @len: bytes of @data
 * @data: the application's serialized state
 */
struct kraft_snapshot {
	u64 index;
	u64 term;
	struct kraft_conf conf;
	u32 len;
	u8 *data;
};

enum kraft_raft_role {
	KRAFT_FOLLOWER,
	KRAFT_PRECANDIDATE,
	KRAFT_CANDIDATE,
	KRAFT_LEADER,
};

/** struct kraft_out_msg - an encoded message for one peer */
struct kraft_out_msg {
	u64 to;
	u32 len;
	u8 *buf;
};

/** struct kraft_read_state - a linearizable read may be served once
 * the applied index reaches @index
 */
struct kraft_read_state {
	u64 ctx;
	u64 index;
};

/**
 * struct kraft_ready - work handed to the caller; see the top of this file
 * @hs_changed: @hs differs from what was last handed out: persist it
 * @hs: term, vote and commit
 * @snapshot: a snapshot received from the leader: persist it and restore
 *	the state machine from it before applying @committed
 * @entries: entries to persist; they replace the stored log from
 *	entries[0].index onward
 * @n_entries: count of @entries
 * @msgs: messages to send once the above is durable
 * @n_msgs: count of @msgs
 * @committed: entries to apply, in order
 * @n_committed: count of @committed
 * @reads: linearizable reads that may be served once applied >= index
 * @n_reads: count of @reads
 * @role: the role now
 * @lead: the leader now, KRAFT_NONE when unknown
 * @ss_changed: @role or @lead differs from the previous ready
 * @msgs_early: @msgs may be sent before @entries are durable (a leader's
 *	appends and heartbeats, thesis 10.2.1); otherwise only after
 */
struct kraft_ready {
	bool hs_changed;
	struct kraft_hard_state hs;
	const struct kraft_snapshot *snapshot;
	const struct kraft_entry *entries;
	u32 n_entries;
	const struct kraft_out_msg *msgs;
	u32 n_msgs;
	const struct kraft_entry *committed;
	u32 n_committed;
	const struct kraft_read_state *reads;
	u32 n_reads;
	u8 role;
	u64 lead;
	bool ss_changed;
	bool msgs_early;
};

/**
 * struct kraft_config - how to build a core
 * @id: this node's id, non-zero
 * @election_ticks: T; randomized timeouts are drawn from [T, 2T)
 * @heartbeat_ticks: leader heartbeat period, < @election_ticks
 * @pre_vote: run PreVote before an election (thesis 9.6)
 * @check_quorum: a leader steps down without a quorum's contact within an
 *	election timeout, and voters ignore campaigns while in a leader's
 *	lease (thesis 6.2)
 * @lease_read: serve reads from the leader's lease (needs @check_quorum)
 * @max_inflight: append messages in flight per peer
 * @max_inflight_bytes: bytes of entries in flight per peer
 * @max_msg_bytes: bytes of entries (or snapshot chunk) in one message
 * @max_snapshot_bytes: largest snapshot accepted from a leader
 * @seed: randomness for election timeouts
 * @read_snapshot: when set, the core keeps no copy of a snapshot's data
 *	once the host has it (the host keeps it durable anyway): the chunks
 *	it sends to a peer are read through this, from offset @off of the
 *	snapshot at @index; 0 or a negative errno (nothing is sent then)
 * @snap_arg: the first argument of @read_snapshot
 * @initial: the bootstrap membership, used when @restore has none
 * @restore: persisted state to start from, or NULL for a new node
 */
struct kraft_config {
	u64 id;
	u32 election_ticks;
	u32 heartbeat_ticks;
	bool pre_vote;
	bool check_quorum;
	bool lease_read;
	u32 max_inflight;
	u32 max_inflight_bytes;
	u32 max_msg_bytes;
	u32 max_snapshot_bytes;
	u64 seed;
	int (*read_snapshot)(void *snap_arg, u64 index, u64 off, void *buf,
			     u32 len);
	void *snap_arg;
	struct kraft_conf initial;
	const struct kraft_restore *restore;
};

/**
 * struct kraft_restore - persisted state of a restarting node
 * @hs: the hard state
 * @snapshot: the newest snapshot, or NULL (data is copied)
 * @entries: log entries after the snapshot, contiguous (data is copied)
 * @n_entries: count of @entries
 */
struct kraft_restore {
	struct kraft_hard_state hs;
	const struct kraft_snapshot *snapshot;
	const struct kraft_entry *entries;
	u64 n_entries;
};

/**
 * struct kraft_peer_status - a member, as the leader sees it
 * @id: its id
 * @match: highest index known replicated (leader only)
 * @next: next index to send (leader only)
 * @state: 0 probe, 1 replicate, 2 snapshot
 * @voter: votes (in either half of a joint config)
 * @learner: a learner
 * @recent_active: heard from within the last election timeout
 */
struct kraft_peer_status {
	u64 id;
	u64 match;
	u64 next;
	u8 state;
	bool voter;
	bool learner;
	bool recent_active;
};

/** struct kraft_status - a node's view, for status reports */
struct kraft_status {
	u64 id;
	u64 term;
	u64 vote;
	u64 lead;
	u8 role;
	u64 commit;
	u64 applied;
	u64 last_index;
	u64 snap_index;
	u64 lead_transferee;
	struct kraft_conf conf;
	u32 n_peers;
};

struct kraft_raft;
struct kraft_msg;

void kraft_config_default(struct kraft_config *cfg, u64 id);
struct kraft_raft *kraft_raft_new(const struct kraft_config *cfg, int *err);
void kraft_raft_free(struct kraft_raft *r);

void kraft_raft_tick(struct kraft_raft *r);
int kraft_raft_step(struct kraft_raft *r, const struct kraft_msg *m);
int kraft_raft_propose(struct kraft_raft *r, const void *data, u32 len);
int kraft_raft_propose_crc(struct kraft_raft *r, const void *data, u32 len);
int kraft_raft_propose_conf(struct kraft_raft *r, const void *cc, u32 len);
int kraft_raft_read_index(struct kraft_raft *r, u64 ctx);
int kraft_raft_transfer_leader(struct kraft_raft *r, u64 to);
int kraft_raft_campaign(struct kraft_raft *r);
int kraft_raft_snapshot(struct kraft_raft *r, const void *data, u32 len);
int kraft_raft_snapshot_at(struct kraft_raft *r,
			   const struct kraft_snapshot *snap);

bool kraft_raft_has_ready(const struct kraft_raft *r);
int kraft_raft_ready(struct kraft_raft *r, struct kraft_ready *rd);
void kraft_raft_advance(struct kraft_raft *r);

void kraft_raft_status(const struct kraft_raft *r, struct kraft_status *st);
int kraft_raft_peer_status(const struct kraft_raft *r, u32 i,
			   struct kraft_peer_status *ps);
u64 kraft_raft_term(const struct kraft_raft *r);
u64 kraft_raft_term_at(const struct kraft_raft *r, u64 index);
u64 kraft_raft_proposed_at(const struct kraft_raft *r);

/*
 * Membership changes: the payload of a KRAFT_ENTRY_CONF entry, built with
 * kraft_conf_change_encode() and proposed with kraft_raft_propose_conf().
 * A change of at most one voter applies directly; anything larger goes
 * through a joint configuration, left automatically unless
 * KRAFT_CC_JOINT_EXPLICIT (then KRAFT_CC_LEAVE_JOINT leaves it). One
 * change may be pending at a time. Changes take effect when committed.
 */
enum kraft_cc_op {
	KRAFT_CC_ADD_VOTER = 1,
	KRAFT_CC_ADD_LEARNER = 2,
	KRAFT_CC_REMOVE = 3,
};

enum kraft_cc_transition {
	KRAFT_CC_AUTO = 0,
	KRAFT_CC_JOINT_EXPLICIT = 1,
	KRAFT_CC_LEAVE_JOINT = 2,
};

#define KRAFT_CC_ADDR_MAX	64

/** struct kraft_cc_item - one change: @op on @id (at @addr when added) */
struct kraft_cc_item {
	u8 op;
	u64 id;
	char addr[KRAFT_CC_ADDR_MAX + 1];
};

/** struct kraft_conf_change - a membership change */
struct kraft_conf_change {
	u8 transition;
	u8 n;
	struct kraft_cc_item items[KRAFT_MAX_MEMBERS];
};

int kraft_conf_change_encode(const struct kraft_conf_change *cc, u8 *buf,
			     u32 cap);
int kraft_conf_change_decode(const u8 *buf, u32 len,
			     struct kraft_conf_change *cc);
bool kraft_conf_is_voter(const struct kraft_conf *c, u64 id);
bool kraft_conf_is_member(const struct kraft_conf *c, u64 id);

#endif /* KRAFT_CORE_RAFT_H */
