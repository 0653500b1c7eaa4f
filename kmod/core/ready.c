// SPDX-License-Identifier: GPL-2.0
/*
 * ready.c - the Ready/Advance handshake of a Raft core with its caller
 * (see raft.h): what the caller must persist, send and apply, handed out
 * in one struct kraft_ready, and the core's bookkeeping once the caller
 * says it is done. Committed entries go out in slices (READY_MAX_APPLY
 * entries or READY_MAX_APPLY_BYTES of data at most), so that one ready
 * never holds the caller for long. No locks: the caller serializes every
 * call.
 */
#include "raft_int.h"

#define READY_MAX_APPLY		1024
#define READY_MAX_APPLY_BYTES	(8u << 20)

static bool hs_changed(const struct kraft_raft *r)
{
	return r->term != r->prev_hs.term || r->vote != r->prev_hs.vote ||
	       r->log.committed != r->prev_hs.commit;
}

static u64 apply_end(const struct kraft_raft *r)
{
	u64 end = min(r->log.committed, kraft_log_last_index(&r->log));
	u64 i, bytes = 0;

	for (i = r->log.applied + 1; i <= end; i++) {
		bytes += kraft_log_entry(&r->log, i)->len;
		if (i - r->log.applied >= READY_MAX_APPLY ||
		    bytes > READY_MAX_APPLY_BYTES)
			return i;
	}
	return end;
}

/**
 * kraft_raft_has_ready() - is there work for the caller?
 * @r: the core
 *
 * Return: true if kraft_raft_ready() would hand out something.
 */
bool kraft_raft_has_ready(const struct kraft_raft *r)
{
	if (r->ready_out)
		return false;
	return hs_changed(r) || r->role != r->prev_role ||
	       r->lead != r->prev_lead || r->snap_to_install || r->n_msgs ||
	       r->pending_bcast || r->pending_hb ||
	       r->n_reads_out ||
	       r->log.unstable <= kraft_log_last_index(&r->log) ||
	       min(r->log.committed, kraft_log_last_index(&r->log)) >
	       r->log.applied;
}

/**
 * kraft_raft_ready() - take the pending work
 * @r: the core
 * @rd: filled in; valid until kraft_raft_advance()
 *
 * Return: 0, or -EBUSY if the previous ready was not advanced.
 */
int kraft_raft_ready(struct kraft_raft *r, struct kraft_ready *rd)
{
	u64 last = kraft_log_last_index(&r->log);
	u64 end = apply_end(r);

	if (r->ready_out)
		return -EBUSY;
	if (r->pending_bcast && r->role == KRAFT_LEADER)
		kraft_bcast_append(r);
	r->pending_bcast = false;
	kraft_read_flush(r);
	memset(rd, 0, sizeof(*rd));
	rd->hs.term = r->term;
	rd->hs.vote = r->vote;
	rd->hs.commit = r->log.committed;
	rd->hs_changed = hs_changed(r);
	if (r->snap_to_install)
		rd->snapshot = &r->snap;
	if (r->log.unstable <= last) {
		rd->entries = kraft_log_entry(&r->log, r->log.unstable);
		rd->n_entries = last - r->log.unstable + 1;
	}
	if (end > r->log.applied) {
		rd->committed = kraft_log_entry(&r->log, r->log.applied + 1);
		rd->n_committed = end - r->log.applied;
	}
	rd->msgs = r->msgs;
	rd->n_msgs = r->n_msgs;
	rd->reads = r->reads_out;
	rd->n_reads = r->n_reads_out;
	rd->role = r->role;
	rd->lead = r->lead;
	rd->ss_changed = r->role != r->prev_role || r->lead != r->prev_lead;
	rd->msgs_early = r->role == KRAFT_LEADER && !rd->hs_changed &&
			 !rd->snapshot;
	r->rd_last_entry = last;
	r->rd_last_committed = end;
	r->ready_out = true;
	return 0;
}

/**
 * kraft_raft_advance() - the caller finished the last ready
 * @r: the core
 *
 * Everything handed out is now durable, sent and applied.
 */
void kraft_raft_advance(struct kraft_raft *r)
{
	struct kraft_progress *self;
	u64 i;

	if (!r->ready_out)
		return;
	r->ready_out = false;
	r->prev_hs.term = r->term;
	r->prev_hs.vote = r->vote;
	r->prev_hs.commit = r->log.committed;
	r->prev_role = r->role;
	r->prev_lead = r->lead;
	if (r->snap_to_install && r->cfg.read_snapshot) {
		/* the host has it durable now: read it back from there */
		kr_free(r->snap.data);
		r->snap.data = NULL;
	}
	r->snap_to_install = false;
	kraft_drop_msgs(r);
	r->n_reads_out = 0;
	if (r->rd_last_entry >= r->log.unstable) {
		r->log.stable = r->rd_last_entry;
		r->log.unstable = r->rd_last_entry + 1;
	}
	for (i = r->log.applied + 1; i <= r->rd_last_committed; i++) {
		const struct kraft_entry *e = kraft_log_entry(&r->log, i);

		r->log.applied = i;
		if (e->type == KRAFT_ENTRY_CONF)
			kraft_conf_committed(r, e);
	}
	if (r->role != KRAFT_LEADER)
		return;
	kraft_conf_maybe_auto_leave(r);
	self = kraft_progress_get(r, r->id);
	if (self && kraft_pr_maybe_update(self, r->log.stable) &&
	    kraft_maybe_commit(r))
		kraft_bcast_append(r);
}
