// SPDX-License-Identifier: GPL-2.0
/*
 * election.c - leader election: campaigns with or without PreVote, the
 * vote rules (one vote per term, the election restriction on log
 * freshness), CheckQuorum's step-down, and the TimeoutNow of a leadership
 * transfer. No locks.
 */
#include "raft_int.h"

static void record_vote(struct kraft_raft *r, u64 id, bool granted)
{
	if (kraft_conf_in(r->votes_granted, r->n_granted, id) ||
	    kraft_conf_in(r->votes_rejected, r->n_rejected, id))
		return;
	if (granted && r->n_granted < ARRAY_SIZE(r->votes_granted))
		r->votes_granted[r->n_granted++] = id;
	else if (!granted && r->n_rejected < ARRAY_SIZE(r->votes_rejected))
		r->votes_rejected[r->n_rejected++] = id;
}

static void tally(struct kraft_raft *r)
{
	int res = kraft_quorum_vote_result(r);

	if (res > 0) {
		if (r->role == KRAFT_PRECANDIDATE)
			kraft_campaign(r, false, false);
		else
			kraft_become_leader(r);
	} else if (res < 0) {
		kraft_become_follower(r, r->term, KRAFT_NONE);
	}
}

/**
 * kraft_campaign() - stand for election
 * @r: the core, a voter
 * @prevote: first ask whether an election could be won (term unchanged)
 * @transfer: asked by the leader (TimeoutNow): voters skip their lease check
 */
void kraft_campaign(struct kraft_raft *r, bool prevote, bool transfer)
{
	u64 ids[2 * KRAFT_MAX_MEMBERS];
	u32 n = 0, i;
	u64 term;
	u8 type;

	if (prevote) {
		kraft_become_precandidate(r);
		type = KRAFT_MSG_PREVOTE;
		term = r->term + 1;
	} else {
		kraft_become_candidate(r);
		type = KRAFT_MSG_VOTE;
		term = r->term;
	}
	record_vote(r, r->id, true);
	if (kraft_quorum_vote_result(r) > 0) {
		tally(r);
		return;
	}
	for (i = 0; i < r->conf.n_voters; i++)
		ids[n++] = r->conf.voters[i];
	for (i = 0; i < r->conf.n_out; i++)
		if (!kraft_conf_in(ids, n, r->conf.voters_out[i]))
			ids[n++] = r->conf.voters_out[i];
	for (i = 0; i < n; i++) {
		struct kraft_msg m = {
			.type = type, .to = ids[i],
			.index = kraft_log_last_index(&r->log),
			.log_term = kraft_log_last_term(&r->log),
			.flags = transfer ? KRAFT_MSGF_TRANSFER : 0,
			.term = term,	/* a prevote: the term it would use */
		};

		if (ids[i] == r->id)
			continue;
		kraft_send(r, &m);
	}
}

/* A request for a vote (or a prevote), at a term >= ours. */
void kraft_handle_vote(struct kraft_raft *r, const struct kraft_msg *m)
{
	bool pre = m->type == KRAFT_MSG_PREVOTE;
	struct kraft_msg resp = {
		.type = pre ? KRAFT_MSG_PREVOTE_RESP : KRAFT_MSG_VOTE_RESP,
		.to = m->from,
	};
	bool can_vote;

	can_vote = r->vote == m->from ||
		   (r->vote == KRAFT_NONE && r->lead == KRAFT_NONE) ||
		   (pre && m->term > r->term);
	if (can_vote && kraft_log_up_to_date(&r->log, m->index, m->log_term)) {
		if (!pre) {
			r->election_elapsed = 0;
			r->vote = m->from;
		} else {
			/* answered in the term asked about, not ours */
			resp.term = m->term;
		}
	} else {
		resp.flags = KRAFT_MSGF_REJECT;
	}
	kraft_send(r, &resp);
}

void kraft_handle_vote_resp(struct kraft_raft *r, const struct kraft_msg *m)
{
	record_vote(r, m->from, !(m->flags & KRAFT_MSGF_REJECT));
	tally(r);
}

/* Every election timeout a leader checks that a quorum is still there. */
void kraft_check_quorum(struct kraft_raft *r)
{
	u32 i;

	if (!kraft_quorum_active(r)) {
		kraft_become_follower(r, r->term, KRAFT_NONE);
		return;
	}
	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].id != r->id)
			r->prs[i].recent_active = false;
}

void kraft_send_timeout_now(struct kraft_raft *r, u64 to)
{
	struct kraft_msg m = { .type = KRAFT_MSG_TIMEOUT_NOW, .to = to };

	kraft_send(r, &m);
}
