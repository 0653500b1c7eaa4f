// SPDX-License-Identifier: GPL-2.0
/*
 * replication.c - log replication: the leader's appends, heartbeats and
 * chunked snapshots to each peer within its progress window, the
 * follower's side of each, and commitment (by quorum, only of entries of
 * the leader's own term: the Figure 8 rule). No locks.
 */
#include "raft_int.h"

static void send_snapshot_chunk(struct kraft_raft *r, struct kraft_progress *pr)
{
	const struct kraft_snapshot *s = &r->snap;
	u8 *chunk = NULL;
	struct kraft_msg m = {
		.type = KRAFT_MSG_SNAP, .to = pr->id,
		.snap_index = s->index, .snap_term = s->term,
		.snap_conf = &s->conf, .snap_total = s->len,
		.commit = r->log.committed,
	};

	if (pr->snap_off > s->len)
		pr->snap_off = 0;
	m.snap_off = pr->snap_off;
	m.chunk_len = min(r->cfg.max_msg_bytes, s->len - pr->snap_off);
	m.chunk = s->data ? s->data + pr->snap_off : NULL;
	if (!s->data && m.chunk_len && r->cfg.read_snapshot) {
		chunk = kr_malloc(m.chunk_len);
		if (!chunk || r->cfg.read_snapshot(r->cfg.snap_arg, s->index,
						   m.snap_off, chunk,
						   m.chunk_len)) {
			kr_free(chunk);
			return;	/* tried again at the next heartbeat */
		}
		m.chunk = chunk;
	}
	if (m.snap_off + m.chunk_len == s->len)
		m.flags = KRAFT_MSGF_SNAP_LAST;
	kraft_send(r, &m);
	kr_free(chunk);
}

/**
 * kraft_send_append() - send @pr what it lacks, if its window allows
 * @r: the core, a leader
 * @pr: the peer
 * @empty_ok: send even with no new entries (to carry the commit index)
 *
 * Return: true if something was sent.
 */
bool kraft_send_append(struct kraft_raft *r, struct kraft_progress *pr,
		       bool empty_ok)
{
	u64 last = kraft_log_last_index(&r->log), prev_term, i;
	struct kraft_msg m = { .type = KRAFT_MSG_APP, .to = pr->id };
	u32 bytes = 0;

	if (pr->id == r->id || kraft_pr_paused(r, pr))
		return false;
	if (!kraft_log_term(&r->log, pr->next - 1, &prev_term)) {
		/* compacted away: only a snapshot can catch it up */
		if (!r->snap.index)
			return false;
		kraft_pr_become_snapshot(pr, r->snap.index);
		send_snapshot_chunk(r, pr);
		return true;
	}
	for (i = pr->next; i <= last; i++) {
		u32 len = kraft_log_entry(&r->log, i)->len;

		if (m.n_entries && bytes + len > r->cfg.max_msg_bytes)
			break;
		bytes += len;
		m.n_entries++;
	}
	if (!m.n_entries && !empty_ok)
		return false;
	m.index = pr->next - 1;
	m.log_term = prev_term;
	m.commit = r->log.committed;
	m.entries = m.n_entries ?
		(struct kraft_entry *)kraft_log_entry(&r->log, pr->next) : NULL;
	kraft_send(r, &m);
	if (pr->state == KRAFT_PR_REPLICATE && m.n_entries) {
		pr->next += m.n_entries;
		kraft_pr_infl_add(pr, pr->next - 1, bytes, r->cfg.max_inflight);
	} else if (pr->state == KRAFT_PR_PROBE) {
		pr->probe_sent = true;
	}
	return true;
}

void kraft_bcast_append(struct kraft_raft *r)
{
	u32 i;

	r->pending_bcast = false;
	for (i = 0; i < r->n_prs; i++)
		kraft_send_append(r, &r->prs[i], true);
}

void kraft_bcast_heartbeat(struct kraft_raft *r, u64 ctx)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++) {
		struct kraft_progress *pr = &r->prs[i];
		struct kraft_msg m = {
			.type = KRAFT_MSG_HB, .to = pr->id, .ctx = ctx,
			.commit = min(pr->match, r->log.committed),
		};

		if (pr->id != r->id)
			kraft_send(r, &m);
	}
}

/*
 * Move the commit index to what a quorum holds, if that entry is of this
 * term (never by counting replicas of an older term's entry, Figure 8).
 */
bool kraft_maybe_commit(struct kraft_raft *r)
{
	u64 idx = kraft_quorum_commit(r), t;
	bool first;

	if (idx <= r->log.committed || !kraft_log_term(&r->log, idx, &t) ||
	    t != r->term)
		return false;
	first = !kraft_log_match(&r->log, r->log.committed, r->term);
	r->log.committed = idx;
	if (first)
		kraft_read_release_pending_term(r);
	return true;
}

/**
 * kraft_leader_append() - a leader adds an entry of its term
 * @r: the core, a leader
 * @type: enum kraft_entry_type
 * @data: payload; copied
 * @len: bytes of @data
 * @crc: @data's CRC32C trails it, computed by the proposer
 *
 * Sending is deferred to the next ready, so proposals made in between
 * travel together. Return: 0 or -ENOMEM.
 */
int kraft_leader_append(struct kraft_raft *r, u8 type, const void *data,
			u32 len, bool crc)
{
	int err = kraft_log_append(&r->log, r->term, type, data, len, crc);

	if (err)
		return err;
	if (type == KRAFT_ENTRY_CONF)
		r->pending_conf_index = kraft_log_last_index(&r->log);
	r->pending_bcast = true;
	return 0;
}

static void reply_append(struct kraft_raft *r, const struct kraft_msg *m,
			 u64 index)
{
	struct kraft_msg resp = {
		.type = KRAFT_MSG_APP_RESP, .to = m->from, .index = index,
	};

	kraft_send(r, &resp);
}

/* A follower's side of AppendEntries. */
void kraft_handle_append(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_msg resp = {
		.type = KRAFT_MSG_APP_RESP, .to = m->from,
		.flags = KRAFT_MSGF_REJECT, .index = m->index,
	};
	u64 last;
	int err;

	if (m->index < r->log.committed) {
		reply_append(r, m, r->log.committed);
		return;
	}
	if (kraft_log_match(&r->log, m->index, m->log_term)) {
		err = kraft_log_append_entries(&r->log, m->index, m->entries,
					       m->n_entries, &last);
		if (err == -EINVAL) {
			kr_warn("kraft: %llu: append from %llu would overwrite committed entries\n",
				(unsigned long long)r->id,
				(unsigned long long)m->from);
			return;
		}
		kraft_log_commit_to(&r->log, min(m->commit, last));
		reply_append(r, m, last);
		return;
	}
	resp.hint = kraft_log_find_conflict_by_term(&r->log, m->index,
						    m->log_term,
						    &resp.log_term);
	kraft_send(r, &resp);
}

void kraft_handle_append_resp(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_progress *pr = kraft_progress_get(r, m->from);
	u64 last = kraft_log_last_index(&r->log), hint, t;
	bool was_paused;

	if (m->flags & KRAFT_MSGF_REJECT) {
		hint = m->hint;
		if (m->log_term)
			hint = kraft_log_find_conflict_by_term(&r->log, m->hint,
							       m->log_term,
							       &t);
		if (kraft_pr_maybe_decr(pr, m->index, hint)) {
			if (pr->state == KRAFT_PR_REPLICATE)
				kraft_pr_become_probe(pr);
			kraft_send_append(r, pr, true);
		}
		return;
	}
	was_paused = kraft_pr_paused(r, pr);
	if (!kraft_pr_maybe_update(pr, m->index))
		return;
	switch (pr->state) {
	case KRAFT_PR_PROBE:
		kraft_pr_become_replicate(pr);
		break;
	case KRAFT_PR_SNAPSHOT:
		if (pr->match >= pr->pending_snap) {
			kraft_pr_become_probe(pr);
			kraft_pr_become_replicate(pr);
		}
		break;
	default:
		kraft_pr_infl_free_to(pr, m->index, r->cfg.max_inflight);
		break;
	}
	if (kraft_maybe_commit(r))
		kraft_bcast_append(r);
	else if (was_paused)
		kraft_send_append(r, pr, true);	/* it may lack the commit */
	while (kraft_send_append(r, pr, false))
		;
	if (pr->id == r->lead_transferee && pr->match == last)
		kraft_send_timeout_now(r, pr->id);
}

void kraft_handle_heartbeat(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_msg resp = {
		.type = KRAFT_MSG_HB_RESP, .to = m->from, .ctx = m->ctx,
	};

	kraft_log_commit_to(&r->log, m->commit);
	kraft_send(r, &resp);
}

void kraft_handle_heartbeat_resp(struct kraft_raft *r,
				 const struct kraft_msg *m)
{
	struct kraft_progress *pr = kraft_progress_get(r, m->from);

	pr->probe_sent = false;
	if (pr->state == KRAFT_PR_SNAPSHOT) {
		send_snapshot_chunk(r, pr);
	} else {
		/* a lost append must not wedge a full window for ever */
		if (pr->state == KRAFT_PR_REPLICATE &&
		    pr->infl_count >= r->cfg.max_inflight)
			kraft_pr_infl_free_to(pr, pr->infl_index[pr->infl_start],
					      r->cfg.max_inflight);
		/* even an empty append finds out where a lagging peer is */
		if (pr->match < kraft_log_last_index(&r->log))
			kraft_send_append(r, pr, true);
	}
	if (m->ctx > pr->read_seq && m->ctx <= r->read_seq) {
		pr->read_seq = m->ctx;
		kraft_read_ack(r);
	}
}

static void install_snapshot(struct kraft_raft *r)
{
	struct kraft_snap_rx *rx = &r->rx;

	kr_free(r->snap.data);
	r->snap.index = rx->index;
	r->snap.term = rx->term;
	r->snap.conf = rx->conf;
	r->snap.len = rx->total;
	r->snap.data = rx->data;
	rx->data = NULL;
	rx->index = 0;
	kraft_log_reset(&r->log, r->snap.index, r->snap.term);
	r->conf = r->snap.conf;
	if (kraft_progress_rebuild(r))
		kr_warn("kraft: %llu: no memory for peer progress\n",
			(unsigned long long)r->id);
	r->snap_to_install = true;
}

/* A follower's side of InstallSnapshot: one chunk, resumable. */
void kraft_handle_snapshot(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_snap_rx *rx = &r->rx;
	struct kraft_msg resp = { .type = KRAFT_MSG_SNAP_RESP, .to = m->from };

	if (m->snap_index <= r->log.committed) {
		reply_append(r, m, r->log.committed);
		return;
	}
	if (kraft_log_match(&r->log, m->snap_index, m->snap_term)) {
		/* we hold it already: just learn that it is committed */
		kraft_log_commit_to(&r->log, m->snap_index);
		reply_append(r, m, r->log.committed);
		return;
	}
	if (rx->index != m->snap_index || rx->term != m->snap_term ||
	    rx->total != m->snap_total) {
		if (m->snap_off) {
			resp.index = 0;	/* start again from the beginning */
			kraft_send(r, &resp);
			return;
		}
		if (m->snap_total > r->cfg.max_snapshot_bytes)
			return;	/* refused: larger than this node accepts */
		kr_free(rx->data);
		memset(rx, 0, sizeof(*rx));
		rx->index = m->snap_index;
		rx->term = m->snap_term;
		rx->conf = *m->snap_conf;
		rx->total = m->snap_total;
	}
	if (m->snap_off == rx->got && m->chunk_len) {
		/* grow as bytes arrive: a peer must send what it claims */
		if (rx->got + m->chunk_len > rx->cap) {
			u32 cap = min(rx->total,
				      max(rx->got + m->chunk_len, 2 * rx->cap));
			u8 *d = kr_realloc(rx->data, rx->cap, cap);

			if (!d)
				return;
			rx->data = d;
			rx->cap = cap;
		}
		memcpy(rx->data + rx->got, m->chunk, m->chunk_len);
		rx->got += m->chunk_len;
	}
	if (rx->got == rx->total && (m->flags & KRAFT_MSGF_SNAP_LAST)) {
		install_snapshot(r);
		reply_append(r, m, r->snap.index);
		return;
	}
	resp.index = rx->got;
	kraft_send(r, &resp);
}

void kraft_handle_snapshot_resp(struct kraft_raft *r,
				const struct kraft_msg *m)
{
	struct kraft_progress *pr = kraft_progress_get(r, m->from);

	if (pr->state != KRAFT_PR_SNAPSHOT || m->index > r->snap.len)
		return;
	pr->snap_off = m->index;
	if (pr->snap_off < r->snap.len)
		send_snapshot_chunk(r, pr);
}
