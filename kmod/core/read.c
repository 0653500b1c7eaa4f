// SPDX-License-Identifier: GPL-2.0
/*
 * read.c - linearizable reads by ReadIndex (thesis 6.4). The leader
 * records its commit index for each read, proves it still leads by a
 * heartbeat round acknowledged by a quorum, and only then releases the
 * read; a new leader first commits an entry of its own term. With
 * lease_read (behind CheckQuorum) the heartbeat round is skipped.
 * Followers forward reads to the leader. No locks.
 */
#include "raft_int.h"

#define READS_MAX	4096

static bool committed_in_term(const struct kraft_raft *r)
{
	return kraft_log_match(&r->log, r->log.committed, r->term);
}

int kraft_read_out(struct kraft_raft *r, u64 ctx, u64 index)
{
	struct kraft_read_state *n;

	if (r->n_reads_out == r->cap_reads_out) {
		u32 cap = r->cap_reads_out ? 2 * r->cap_reads_out : 16;

		if (cap > READS_MAX)
			return -EBUSY;
		n = kr_realloc(r->reads_out, r->cap_reads_out * sizeof(*n),
			       cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		r->reads_out = n;
		r->cap_reads_out = cap;
	}
	r->reads_out[r->n_reads_out].ctx = ctx;
	r->reads_out[r->n_reads_out].index = index;
	r->n_reads_out++;
	return 0;
}

static int respond(struct kraft_raft *r, u64 from, u64 ctx, u64 index)
{
	struct kraft_msg m = {
		.type = KRAFT_MSG_READ_INDEX_RESP, .to = from, .ctx = ctx,
		.index = index,
	};

	if (from == KRAFT_NONE)
		return kraft_read_out(r, ctx, index);
	kraft_send(r, &m);
	return 0;
}

static void set_self_seq(struct kraft_raft *r)
{
	struct kraft_progress *self = kraft_progress_get(r, r->id);

	if (self)
		self->read_seq = r->read_seq;
}

/**
 * kraft_read_request() - a leader takes a read request
 * @r: the core, a leader
 * @from: the follower that forwarded it, or KRAFT_NONE for a local one
 * @ctx: the requester's identifier
 *
 * Return: 0, -EBUSY when too many reads wait, -ENOMEM.
 */
int kraft_read_request(struct kraft_raft *r, u64 from, u64 ctx)
{
	struct kraft_pending_read *p;
	bool in_term = committed_in_term(r);

	if (r->role != KRAFT_LEADER)
		return -EAGAIN;
	if (in_term && (kraft_quorum_single_voter(r) || r->cfg.lease_read))
		return respond(r, from, ctx, r->log.committed);
	if (r->n_reads_pending == r->cap_reads_pending) {
		u32 cap = r->cap_reads_pending ? 2 * r->cap_reads_pending : 16;

		if (cap > READS_MAX)
			return -EBUSY;
		p = kr_realloc(r->reads_pending,
			       r->cap_reads_pending * sizeof(*p),
			       cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		r->reads_pending = p;
		r->cap_reads_pending = cap;
	}
	p = &r->reads_pending[r->n_reads_pending++];
	p->from = from;
	p->ctx = ctx;
	p->index = r->log.committed;
	p->seq = 0;
	if (!in_term)
		return 0;	/* waits for this term's first commit */
	/* one heartbeat round at the next ready confirms every read since */
	p->seq = r->read_seq + 1;
	r->pending_hb = true;
	return 0;
}

/* Start the heartbeat round that confirms the reads queued since the last. */
void kraft_read_flush(struct kraft_raft *r)
{
	if (!r->pending_hb)
		return;
	r->pending_hb = false;
	if (r->role != KRAFT_LEADER)
		return;
	r->read_seq++;
	set_self_seq(r);
	kraft_bcast_heartbeat(r, r->read_seq);
}

/* Release every read whose heartbeat round a quorum acknowledged. */
void kraft_read_ack(struct kraft_raft *r)
{
	u64 qs = kraft_quorum_read_seq(r);
	u32 i, done = 0;

	for (i = 0; i < r->n_reads_pending; i++) {
		struct kraft_pending_read *p = &r->reads_pending[i];

		if (!p->seq || p->seq > qs)
			break;
		if (respond(r, p->from, p->ctx, p->index))
			break;
		done++;
	}
	memmove(r->reads_pending, r->reads_pending + done,
		(r->n_reads_pending - done) * sizeof(*r->reads_pending));
	r->n_reads_pending -= done;
}

/* The leader committed in its term: reads that waited for it may go. */
void kraft_read_release_pending_term(struct kraft_raft *r)
{
	bool direct = kraft_quorum_single_voter(r) || r->cfg.lease_read;
	u32 i;

	if (!r->n_reads_pending)
		return;
	if (direct) {
		for (i = 0; i < r->n_reads_pending; i++)
			respond(r, r->reads_pending[i].from,
				r->reads_pending[i].ctx, r->log.committed);
		r->n_reads_pending = 0;
		return;
	}
	for (i = 0; i < r->n_reads_pending; i++) {
		struct kraft_pending_read *p = &r->reads_pending[i];

		if (p->seq)
			continue;
		p->index = r->log.committed;
		p->seq = r->read_seq + 1;
	}
	r->pending_hb = true;
}

/* Reads not yet confirmed die with the leadership that took them. */
void kraft_read_reset(struct kraft_raft *r)
{
	r->n_reads_pending = 0;
	r->pending_hb = false;
}
