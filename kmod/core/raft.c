// SPDX-License-Identifier: GPL-2.0
/*
 * raft.c - a Raft core's lifecycle, roles, ticks, message dispatch,
 * proposals and snapshots (see raft.h). The Ready/Advance handshake with
 * its caller is ready.c's; protocol details live in election.c,
 * replication.c, read.c and membership.c.
 * No locks: the caller serializes every call.
 */
#include "raft_int.h"

static u64 rng_next(struct kraft_raft *r)
{
	/* xorshift64*: deterministic for a seed, good enough for timeouts */
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 0x2545F4914F6CDD1Dull;
}

void kraft_reset_randomized_timeout(struct kraft_raft *r)
{
	u32 t = r->cfg.election_ticks;

	r->rand_timeout = t + (u32)(rng_next(r) % t);
}

/**
 * kraft_config_default() - sensible settings for node @id
 * @cfg: filled in
 * @id: the node's id
 */
void kraft_config_default(struct kraft_config *cfg, u64 id)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = id;
	cfg->election_ticks = 10;
	cfg->heartbeat_ticks = 1;
	cfg->pre_vote = true;
	cfg->check_quorum = true;
	cfg->max_inflight = 256;
	cfg->max_inflight_bytes = 4u << 20;
	cfg->max_msg_bytes = 256u << 10;
	cfg->max_snapshot_bytes = 256u << 20;
	cfg->seed = id;
}

static int check_config(const struct kraft_config *c)
{
	if (c->id == KRAFT_NONE || c->election_ticks < 2 ||
	    !c->heartbeat_ticks || c->heartbeat_ticks >= c->election_ticks ||
	    !c->max_inflight || c->max_inflight > 65536 ||
	    !c->max_inflight_bytes || c->max_msg_bytes < 64 ||
	    !c->max_snapshot_bytes ||
	    (c->lease_read && !c->check_quorum))
		return -EINVAL;
	return 0;
}

/* Keep @src as the newest snapshot (its data only without a reader). */
static int copy_snapshot(struct kraft_raft *r, struct kraft_snapshot *dst,
			 const struct kraft_snapshot *src)
{
	u8 *d = NULL;

	if (src->len && !r->cfg.read_snapshot) {
		d = kr_malloc(src->len);
		if (!d)
			return -ENOMEM;
		memcpy(d, src->data, src->len);
	}
	kr_free(dst->data);
	*dst = *src;
	dst->data = d;
	return 0;
}

/*
 * A crash can leave part of a ready on disk: entries without the hard
 * state that came with them, or the reverse. Nothing of that ready was
 * sent, so it is safe to take the newer term the entries show (with no
 * vote) and to cap the commit index at the log's end.
 */
static int restore(struct kraft_raft *r, const struct kraft_restore *rs)
{
	u64 prev, last, i, term = rs->hs.term, vote = rs->hs.vote;
	int err;

	if (rs->snapshot) {
		err = copy_snapshot(r, &r->snap, rs->snapshot);
		if (err)
			return err;
		r->conf = rs->snapshot->conf;
		kraft_log_reset(&r->log, r->snap.index, r->snap.term);
	}
	prev = r->log.snap_index;
	for (i = 0; i < rs->n_entries; i++) {
		const struct kraft_entry *e = &rs->entries[i];

		if (e->index != prev + 1 + i ||
		    e->term < kraft_log_last_term(&r->log))
			return -EINVAL;
		err = kraft_log_append(&r->log, e->term, e->type, e->data,
				       e->len, false);
		if (err)
			return err;
	}
	last = kraft_log_last_index(&r->log);
	if (kraft_log_last_term(&r->log) > term) {
		term = kraft_log_last_term(&r->log);
		vote = KRAFT_NONE;
	}
	r->term = term;
	r->vote = vote;
	r->log.committed = max(r->log.snap_index, min(rs->hs.commit, last));
	r->log.stable = last;
	r->log.unstable = last + 1;
	return 0;
}

/**
 * kraft_raft_new() - a core, new or restored from persisted state
 * @cfg: settings; copied
 * @err: set to 0, -EINVAL for bad settings or state, or -ENOMEM
 *
 * Return: the core, or NULL.
 */
struct kraft_raft *kraft_raft_new(const struct kraft_config *cfg, int *err)
{
	struct kraft_raft *r;

	*err = check_config(cfg);
	if (*err)
		return NULL;
	r = kr_zalloc(sizeof(*r));
	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	r->id = cfg->id;
	r->cfg = *cfg;
	r->cfg.restore = NULL;
	r->rng = (cfg->seed ^ (cfg->id * 0x9E3779B97F4A7C15ull)) | 1;
	r->conf = cfg->initial;
	kraft_log_init(&r->log, 0, 0);
	if (cfg->restore) {
		*err = restore(r, cfg->restore);
		if (*err)
			goto fail;
	}
	*err = kraft_progress_rebuild(r);
	if (*err)
		goto fail;
	r->prev_hs.term = r->term;
	r->prev_hs.vote = r->vote;
	r->prev_hs.commit = r->log.committed;
	kraft_become_follower(r, r->term, KRAFT_NONE);
	r->prev_role = r->role;
	r->prev_lead = r->lead;
	return r;
fail:
	kraft_raft_free(r);
	return NULL;
}

/* Free the messages handed out (or never handed out, at free). */
void kraft_drop_msgs(struct kraft_raft *r)
{
	u32 i;

	for (i = 0; i < r->n_msgs; i++)
		kr_free(r->msgs[i].buf);
	r->n_msgs = 0;
}

void kraft_raft_free(struct kraft_raft *r)
{
	if (!r)
		return;
	kraft_drop_msgs(r);
	kr_free(r->msgs);
	kraft_log_free(&r->log);
	kraft_progress_free_all(r);
	kr_free(r->snap.data);
	kr_free(r->rx.data);
	kr_free(r->reads_pending);
	kr_free(r->reads_out);
	kr_free(r);
}

/*
 * Queue @m for sending, encoded, in our term unless @m says otherwise. A failed allocation loses the message,
 * which Raft tolerates like any network loss; it is counted in send_err.
 */
void kraft_send(struct kraft_raft *r, struct kraft_msg *m)
{
	struct kraft_out_msg *o;
	u32 len;

	m->from = r->id;
	/* requests forwarded to the leader carry no term (0) */
	if (!m->term && m->type != KRAFT_MSG_PROP &&
	    m->type != KRAFT_MSG_READ_INDEX)
		m->term = r->term;
	if (r->n_msgs == r->cap_msgs) {
		u32 cap = r->cap_msgs ? 2 * r->cap_msgs : 16;

		o = kr_realloc(r->msgs, r->cap_msgs * sizeof(*o),
			       cap * sizeof(*o));
		if (!o)
			goto fail;
		r->msgs = o;
		r->cap_msgs = cap;
	}
	len = kraft_msg_encoded_len(m);
	o = &r->msgs[r->n_msgs];
	o->buf = kr_malloc(len);
	if (!o->buf)
		goto fail;
	o->to = m->to;
	o->len = kraft_msg_encode(m, o->buf, len);
	r->n_msgs++;
	return;
fail:
	r->send_err = -ENOMEM;
}

bool kraft_promotable(const struct kraft_raft *r)
{
	return kraft_conf_is_voter(&r->conf, r->id);
}

static void reset(struct kraft_raft *r, u64 term)
{
	u32 i;

	if (r->term != term) {
		r->term = term;
		r->vote = KRAFT_NONE;
	}
	r->lead = KRAFT_NONE;
	r->election_elapsed = 0;
	r->heartbeat_elapsed = 0;
	kraft_reset_randomized_timeout(r);
	r->lead_transferee = KRAFT_NONE;
	r->n_granted = 0;
	r->n_rejected = 0;
	for (i = 0; i < r->n_prs; i++)
		kraft_progress_reset(r, &r->prs[i]);
	kraft_read_reset(r);
}

void kraft_become_follower(struct kraft_raft *r, u64 term, u64 lead)
{
	reset(r, term);
	r->role = KRAFT_FOLLOWER;
	r->lead = lead;
}

void kraft_become_precandidate(struct kraft_raft *r)
{
	/* PreVote changes neither term nor vote (thesis 9.6) */
	reset(r, r->term);
	r->role = KRAFT_PRECANDIDATE;
}

void kraft_become_candidate(struct kraft_raft *r)
{
	reset(r, r->term + 1);
	r->vote = r->id;
	r->role = KRAFT_CANDIDATE;
}

void kraft_become_leader(struct kraft_raft *r)
{
	reset(r, r->term);
	r->role = KRAFT_LEADER;
	r->lead = r->id;
	/* conf entries still uncommitted from older terms may exist */
	r->pending_conf_index = kraft_log_last_index(&r->log);
	if (kraft_leader_append(r, KRAFT_ENTRY_EMPTY, NULL, 0, false))
		kraft_become_follower(r, r->term, KRAFT_NONE);
}

/**
 * kraft_raft_tick() - one tick of the logical clock
 * @r: the core
 */
void kraft_raft_tick(struct kraft_raft *r)
{
	if (r->ready_out)
		return;
	r->election_elapsed++;
	if (r->role != KRAFT_LEADER) {
		if (kraft_promotable(r) &&
		    r->election_elapsed >= r->rand_timeout) {
			r->election_elapsed = 0;
			kraft_campaign(r, r->cfg.pre_vote, false);
		}
		return;
	}
	r->heartbeat_elapsed++;
	if (r->election_elapsed >= r->cfg.election_ticks) {
		r->election_elapsed = 0;
		if (r->cfg.check_quorum)
			kraft_check_quorum(r);
		if (r->role != KRAFT_LEADER)
			return;
		r->lead_transferee = KRAFT_NONE;
	}
	if (r->heartbeat_elapsed >= r->cfg.heartbeat_ticks) {
		r->heartbeat_elapsed = 0;
		kraft_bcast_heartbeat(r, r->read_seq);
	}
}

/* Structural checks of a message beyond what decoding verified. */
static int check_msg(const struct kraft_raft *r, const struct kraft_msg *m)
{
	u32 i;

	if (m->to != r->id || m->from == r->id || m->from == KRAFT_NONE ||
	    m->type == 0 || m->type > KRAFT_MSG_TYPE_MAX)
		return -EINVAL;
	/* no index or term near overflow: index + n and term + 1 stay sane */
	if (m->term >= KRAFT_LIMIT || m->log_term >= KRAFT_LIMIT ||
	    m->index >= KRAFT_LIMIT || m->commit >= KRAFT_LIMIT ||
	    m->hint >= KRAFT_LIMIT || m->snap_index >= KRAFT_LIMIT ||
	    m->snap_term >= KRAFT_LIMIT)
		return -EINVAL;
	if (!m->term && m->type != KRAFT_MSG_PROP &&
	    m->type != KRAFT_MSG_READ_INDEX)
		return -EINVAL;
	if (m->type == KRAFT_MSG_APP) {
		u64 t = m->log_term;

		for (i = 0; i < m->n_entries; i++) {
			const struct kraft_entry *e = &m->entries[i];

			if (e->index != m->index + 1 + i || e->term < t ||
			    e->term > m->term)
				return -EINVAL;
			t = e->term;
		}
		if (m->log_term > m->term)
			return -EINVAL;
	}
	if (m->type == KRAFT_MSG_SNAP &&
	    (m->snap_term > m->term || !m->snap_index ||
	     !m->snap_conf || !m->snap_conf->n_voters))
		return -EINVAL;
	return 0;
}

static void step_higher_term(struct kraft_raft *r, const struct kraft_msg *m,
			     bool *ignore)
{
	bool campaign = m->type == KRAFT_MSG_VOTE ||
			m->type == KRAFT_MSG_PREVOTE;

	*ignore = false;
	if (campaign && !(m->flags & KRAFT_MSGF_TRANSFER) &&
	    r->cfg.check_quorum && r->lead != KRAFT_NONE &&
	    r->election_elapsed < r->cfg.election_ticks) {
		/* within a live leader's lease: not a reason to move on */
		*ignore = true;
		return;
	}
	if (m->type == KRAFT_MSG_PREVOTE)
		return;
	if (m->type == KRAFT_MSG_PREVOTE_RESP &&
	    !(m->flags & KRAFT_MSGF_REJECT))
		return;
	if (m->type == KRAFT_MSG_APP || m->type == KRAFT_MSG_HB ||
	    m->type == KRAFT_MSG_SNAP)
		kraft_become_follower(r, m->term, m->from);
	else
		kraft_become_follower(r, m->term, KRAFT_NONE);
}

static void step_lower_term(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_msg out = { .to = m->from };

	if ((r->cfg.check_quorum || r->cfg.pre_vote) &&
	    (m->type == KRAFT_MSG_APP || m->type == KRAFT_MSG_HB)) {
		/* tell a stale leader about the newer term */
		out.type = KRAFT_MSG_APP_RESP;
		kraft_send(r, &out);
	} else if (m->type == KRAFT_MSG_PREVOTE) {
		out.type = KRAFT_MSG_PREVOTE_RESP;
		out.flags = KRAFT_MSGF_REJECT;
		kraft_send(r, &out);
	}
}

static int step_leader(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_progress *pr = kraft_progress_get(r, m->from);
	u32 i;

	switch (m->type) {
	case KRAFT_MSG_PROP:
		for (i = 0; i < m->n_entries; i++) {
			const struct kraft_entry *e = &m->entries[i];
			int err;

			if (r->lead_transferee)
				return -EBUSY;
			if (e->type == KRAFT_ENTRY_CONF) {
				err = kraft_conf_check_proposal(r, e->data,
								e->len);
				if (err)
					return err;
			} else if (e->type != KRAFT_ENTRY_NORMAL) {
				return -EINVAL;
			}
			err = kraft_leader_append(r, e->type, e->data, e->len,
						  e->crc_known);
			if (err)
				return err;
		}
		return 0;
	case KRAFT_MSG_READ_INDEX:
		return kraft_read_request(r, m->from, m->ctx);
	default:
		break;
	}
	if (!pr)
		return 0;
	pr->recent_active = true;
	switch (m->type) {
	case KRAFT_MSG_APP_RESP:
		kraft_handle_append_resp(r, m);
		break;
	case KRAFT_MSG_HB_RESP:
		kraft_handle_heartbeat_resp(r, m);
		break;
	case KRAFT_MSG_SNAP_RESP:
		kraft_handle_snapshot_resp(r, m);
		break;
	default:
		break;
	}
	return 0;
}

static int step_follower(struct kraft_raft *r, const struct kraft_msg *m)
{
	struct kraft_msg fwd;

	switch (m->type) {
	case KRAFT_MSG_PROP:
		if (r->lead == KRAFT_NONE || m->from != r->id)
			return m->from == r->id ? -EAGAIN : 0;
		fwd = *m;
		fwd.to = r->lead;
		kraft_send(r, &fwd);
		return 0;
	case KRAFT_MSG_APP:
	case KRAFT_MSG_HB:
	case KRAFT_MSG_SNAP:
		if (r->role != KRAFT_FOLLOWER)
			kraft_become_follower(r, m->term, m->from);
		r->election_elapsed = 0;
		r->lead = m->from;
		if (m->type == KRAFT_MSG_APP)
			kraft_handle_append(r, m);
		else if (m->type == KRAFT_MSG_HB)
			kraft_handle_heartbeat(r, m);
		else
			kraft_handle_snapshot(r, m);
		return 0;
	case KRAFT_MSG_VOTE_RESP:
		if (r->role == KRAFT_CANDIDATE)
			kraft_handle_vote_resp(r, m);
		return 0;
	case KRAFT_MSG_PREVOTE_RESP:
		if (r->role == KRAFT_PRECANDIDATE)
			kraft_handle_vote_resp(r, m);
		return 0;
	case KRAFT_MSG_TIMEOUT_NOW:
		if (r->role == KRAFT_FOLLOWER && kraft_promotable(r))
			kraft_campaign(r, false, true);
		return 0;
	case KRAFT_MSG_READ_INDEX_RESP:
		if (r->role == KRAFT_FOLLOWER)
			return kraft_read_out(r, m->ctx, m->index);
		return 0;
	default:
		return 0;
	}
}

static int step(struct kraft_raft *r, const struct kraft_msg *m)
{
	bool ignore;

	if (m->term > r->term) {
		step_higher_term(r, m, &ignore);
		if (ignore)
			return 0;
	} else if (m->term && m->term < r->term) {
		step_lower_term(r, m);
		return 0;
	}
	if (m->type == KRAFT_MSG_VOTE || m->type == KRAFT_MSG_PREVOTE) {
		kraft_handle_vote(r, m);
		return 0;
	}
	if (r->role == KRAFT_LEADER)
		return step_leader(r, m);
	return step_follower(r, m);
}

/**
 * kraft_raft_step() - feed a message from a peer
 * @r: the core
 * @m: a decoded message addressed to this node
 *
 * Return: 0 (also when the message is stale and ignored), -EINVAL for a
 * malformed message, which changes nothing, -EBUSY between ready and
 * advance.
 */
int kraft_raft_step(struct kraft_raft *r, const struct kraft_msg *m)
{
	int err;

	if (r->ready_out)
		return -EBUSY;
	err = check_msg(r, m);
	if (err)
		return err;
	if (m->type == KRAFT_MSG_PROP || m->type == KRAFT_MSG_READ_INDEX) {
		/* forwarded requests only reach the leader of a live term */
		if (r->role != KRAFT_LEADER)
			return 0;
		if (m->type == KRAFT_MSG_PROP)
			return step_leader(r, m);
		return kraft_read_request(r, m->from, m->ctx);
	}
	return step(r, m);
}

static int propose(struct kraft_raft *r, u8 type, const void *data, u32 len,
		   bool crc)
{
	struct kraft_entry e = {
		.type = type, .len = len, .data = (u8 *)data, .crc_known = crc,
	};
	struct kraft_msg m = {
		.type = KRAFT_MSG_PROP, .from = r->id, .to = r->id,
		.n_entries = 1, .entries = &e,
	};

	if (r->ready_out)
		return -EBUSY;
	if (r->role == KRAFT_LEADER)
		return step_leader(r, &m);
	if (r->lead == KRAFT_NONE)
		return -EAGAIN;
	return step_follower(r, &m);
}

/**
 * kraft_raft_propose() - propose an entry for the log
 * @r: the core
 * @data: the payload; copied
 * @len: bytes of @data
 *
 * A follower forwards it to the leader; its fate is learnt only from the
 * committed entries. Return: 0, -EAGAIN with no known leader, -EBUSY
 * while leadership is being transferred, -ENOMEM.
 */
int kraft_raft_propose(struct kraft_raft *r, const void *data, u32 len)
{
	return propose(r, KRAFT_ENTRY_NORMAL, data, len, false);
}

/**
 * kraft_raft_propose_crc() - kraft_raft_propose() with the data's CRC
 * @r: the core
 * @data: the payload, then 4 bytes more: kr_crc32c(0, payload, @len),
 *	little-endian, computed by the proposer (where the data entered, off
 *	the log's path); copied, the CRC with it. The log's record combines
 *	it with its header's instead of reading the data again.
 * @len: bytes of payload
 *
 * Return: as kraft_raft_propose().
 */
int kraft_raft_propose_crc(struct kraft_raft *r, const void *data, u32 len)
{
	return propose(r, KRAFT_ENTRY_NORMAL, data, len, true);
}

/**
 * kraft_raft_propose_conf() - propose a membership change
 * @r: the core
 * @cc: a change encoded by kraft_conf_change_encode()
 * @len: its length
 *
 * Return: as kraft_raft_propose(); also -EINVAL for an invalid change and
 * -EBUSY while another change is pending (checked on the leader).
 */
int kraft_raft_propose_conf(struct kraft_raft *r, const void *cc, u32 len)
{
	return propose(r, KRAFT_ENTRY_CONF, cc, len, false);
}

/**
 * kraft_raft_read_index() - ask for a linearizable read point
 * @r: the core
 * @ctx: the caller's identifier for the read, handed back in a ready
 *
 * Return: 0, -EAGAIN with no known leader, -ENOMEM.
 */
int kraft_raft_read_index(struct kraft_raft *r, u64 ctx)
{
	struct kraft_msg m = { .type = KRAFT_MSG_READ_INDEX, .ctx = ctx };

	if (r->ready_out)
		return -EBUSY;
	if (r->role == KRAFT_LEADER)
		return kraft_read_request(r, KRAFT_NONE, ctx);
	if (r->lead == KRAFT_NONE)
		return -EAGAIN;
	m.to = r->lead;
	kraft_send(r, &m);
	return 0;
}

/**
 * kraft_raft_transfer_leader() - hand leadership to voter @to
 * @r: the core, a leader
 * @to: the transferee
 *
 * Return: 0, -EPERM when not leader, -EINVAL when @to is not another voter.
 */
int kraft_raft_transfer_leader(struct kraft_raft *r, u64 to)
{
	struct kraft_progress *pr = kraft_progress_get(r, to);

	if (r->ready_out)
		return -EBUSY;
	if (r->role != KRAFT_LEADER)
		return -EPERM;
	if (to == r->id || !pr || !pr->voter)
		return -EINVAL;
	r->lead_transferee = to;
	r->election_elapsed = 0;
	if (pr->match == kraft_log_last_index(&r->log))
		kraft_send_timeout_now(r, to);
	else
		kraft_send_append(r, pr, false);
	return 0;
}

/**
 * kraft_raft_campaign() - start an election now
 * @r: the core
 *
 * Return: 0, or -EPERM for a node that cannot vote or already leads.
 */
int kraft_raft_campaign(struct kraft_raft *r)
{
	if (r->ready_out)
		return -EBUSY;
	if (!kraft_promotable(r) || r->role == KRAFT_LEADER)
		return -EPERM;
	kraft_campaign(r, r->cfg.pre_vote, false);
	return 0;
}

/**
 * kraft_raft_snapshot_at() - a snapshot of the state machine taken at an
 *	index applied earlier
 * @r: the core
 * @snap: its index (applied), term and membership there, and the
 *	serialized state (copied when the core sends snapshots from memory)
 *
 * For a caller that serializes its state at one index and writes it out
 * while entries keep being applied. The log is compacted up to the index.
 * Return: 0, -EBUSY between kraft_raft_ready() and kraft_raft_advance(),
 * -EALREADY when the core has a snapshot at or past the index, -EINVAL
 * for an index not applied yet, -EAGAIN when the entries up to it are not
 * durable yet, -ENOMEM.
 */
int kraft_raft_snapshot_at(struct kraft_raft *r,
			   const struct kraft_snapshot *snap)
{
	u64 term;
	int err;

	if (r->ready_out)
		return -EBUSY;
	if (snap->index <= r->snap.index || snap->index <= r->log.snap_index)
		return -EALREADY;
	if (snap->index > r->log.applied)
		return -EINVAL;
	if (snap->index > r->log.stable)
		return -EAGAIN;
	if (!kraft_log_term(&r->log, snap->index, &term) || term != snap->term)
		return -EINVAL;
	err = copy_snapshot(r, &r->snap, snap);
	if (err)
		return err;
	kraft_log_compact(&r->log, snap->index);
	return 0;
}

/**
 * kraft_raft_snapshot() - the state machine's snapshot at the applied index
 * @r: the core
 * @data: the serialized state; copied (it is sent to lagging peers)
 * @len: bytes of @data
 *
 * The log is compacted up to the applied index. Return: as
 * kraft_raft_snapshot_at().
 */
int kraft_raft_snapshot(struct kraft_raft *r, const void *data, u32 len)
{
	struct kraft_snapshot s = {
		.index = r->log.applied, .conf = r->conf, .len = len,
		.data = (u8 *)data,
	};

	kraft_log_term(&r->log, s.index, &s.term);
	return kraft_raft_snapshot_at(r, &s);
}

/**
 * kraft_raft_proposed_at() - where this node's proposals land
 * @r: the core
 *
 * Right after a kraft_raft_propose() that returned 0, this is the index of
 * the entry it appended, when this node leads; a follower forwards its
 * proposals and their index is unknown. An entry a leader appended either
 * commits at that index or is replaced there by another leader's entry.
 *
 * Return: the last index of the log on a leader, 0 on any other node.
 */
u64 kraft_raft_proposed_at(const struct kraft_raft *r)
{
	return r->role == KRAFT_LEADER ? kraft_log_last_index(&r->log) : 0;
}

/**
 * kraft_raft_term() - the node's current term
 * @r: the core
 *
 * Return: the term.
 */
u64 kraft_raft_term(const struct kraft_raft *r)
{
	return r->term;
}

/**
 * kraft_raft_term_at() - the term of the entry at @index
 * @r: the core
 * @index: a log index
 *
 * Return: the term, or 0 if the log no longer (or not yet) holds it.
 */
u64 kraft_raft_term_at(const struct kraft_raft *r, u64 index)
{
	u64 t;

	return kraft_log_term(&r->log, index, &t) ? t : 0;
}

/**
 * kraft_raft_status() - a snapshot of the node's view
 * @r: the core
 * @st: filled in
 */
void kraft_raft_status(const struct kraft_raft *r, struct kraft_status *st)
{

	memset(st, 0, sizeof(*st));
	st->id = r->id;
	st->term = r->term;
	st->vote = r->vote;
	st->lead = r->lead;
	st->role = r->role;
	st->commit = r->log.committed;
	st->applied = r->log.applied;
	st->last_index = kraft_log_last_index(&r->log);
	st->snap_index = r->log.snap_index;
	st->lead_transferee = r->lead_transferee;
	st->conf = r->conf;
	st->n_peers = r->n_prs;
}

/**
 * kraft_raft_peer_status() - member @i of kraft_status.n_peers
 * @r: the core
 * @i: which member
 * @ps: filled in (progress only on a leader)
 *
 * Return: 0, or -ENOENT past the last member.
 */
int kraft_raft_peer_status(const struct kraft_raft *r, u32 i,
			   struct kraft_peer_status *ps)
{
	const struct kraft_progress *pr;

	if (i >= r->n_prs)
		return -ENOENT;
	pr = &r->prs[i];
	memset(ps, 0, sizeof(*ps));
	ps->id = pr->id;
	ps->voter = pr->voter;
	ps->learner = pr->learner;
	if (r->role != KRAFT_LEADER)
		return 0;
	ps->match = pr->match;
	ps->next = pr->next;
	ps->state = pr->state;
	ps->recent_active = pr->recent_active;
	return 0;
}
