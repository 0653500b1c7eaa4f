// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - the leader's view of each member: match and next index, the
 * probe / replicate / snapshot state machine, and the bounded window of
 * appends in flight (count and bytes). No locks.
 */
#include "raft_int.h"

struct kraft_progress *kraft_progress_get(struct kraft_raft *r, u64 id)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].id == id)
			return &r->prs[i];
	return NULL;
}

static void pr_free(struct kraft_progress *pr)
{
	kr_free(pr->infl_index);
	kr_free(pr->infl_size);
	pr->infl_index = NULL;
	pr->infl_size = NULL;
}

void kraft_progress_free_all(struct kraft_raft *r)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		pr_free(&r->prs[i]);
	kr_free(r->prs);
	r->prs = NULL;
	r->n_prs = 0;
}

static void infl_reset(struct kraft_progress *pr)
{
	pr->infl_start = 0;
	pr->infl_count = 0;
	pr->infl_bytes = 0;
}

void kraft_progress_reset(struct kraft_raft *r, struct kraft_progress *pr)
{
	pr->match = 0;
	pr->next = kraft_log_last_index(&r->log) + 1;
	pr->state = KRAFT_PR_PROBE;
	pr->probe_sent = false;
	pr->recent_active = false;
	pr->pending_snap = 0;
	pr->snap_off = 0;
	pr->read_seq = 0;
	infl_reset(pr);
	if (pr->id == r->id) {
		pr->match = r->log.stable;
		pr->recent_active = true;
	}
}

static int add_member(struct kraft_raft *r, struct kraft_progress *old,
		      u32 n_old, struct kraft_progress *dst, u64 id,
		      bool voter)
{
	u32 cap = r->cfg.max_inflight, i;

	for (i = 0; i < n_old; i++) {
		if (old[i].id == id && old[i].infl_index) {
			*dst = old[i];
			old[i].infl_index = NULL;
			old[i].infl_size = NULL;
			goto set;
		}
	}
	memset(dst, 0, sizeof(*dst));
	dst->id = id;
	dst->infl_index = kr_calloc(cap, sizeof(u64));
	dst->infl_size = kr_calloc(cap, sizeof(u32));
	if (!dst->infl_index || !dst->infl_size) {
		pr_free(dst);
		return -ENOMEM;
	}
	kraft_progress_reset(r, dst);
	/* a new member is assumed alive until an election timeout passes */
	dst->recent_active = true;
set:
	dst->voter = voter;
	dst->learner = !voter;
	return 0;
}

/**
 * kraft_progress_rebuild() - one progress per member of r->conf
 * @r: the core
 *
 * Members already tracked keep their progress. Return: 0 or -ENOMEM (the
 * old set is then kept).
 */
int kraft_progress_rebuild(struct kraft_raft *r)
{
	const struct kraft_conf *c = &r->conf;
	struct kraft_progress *prs;
	u64 ids[3 * KRAFT_MAX_MEMBERS];
	bool voter[3 * KRAFT_MAX_MEMBERS];
	u32 n = 0, i;

	for (i = 0; i < c->n_voters; i++, n++) {
		ids[n] = c->voters[i];
		voter[n] = true;
	}
	for (i = 0; i < c->n_out; i++) {
		if (kraft_conf_in(c->voters, c->n_voters, c->voters_out[i]))
			continue;
		ids[n] = c->voters_out[i];
		voter[n++] = true;
	}
	for (i = 0; i < c->n_learners; i++, n++) {
		ids[n] = c->learners[i];
		voter[n] = false;
	}
	prs = kr_calloc(n ? n : 1, sizeof(*prs));
	if (!prs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (add_member(r, r->prs, r->n_prs, &prs[i], ids[i],
			       voter[i])) {
			while (i--)
				pr_free(&prs[i]);
			kr_free(prs);
			return -ENOMEM;
		}
	}
	kraft_progress_free_all(r);
	r->prs = prs;
	r->n_prs = n;
	return 0;
}

void kraft_pr_become_probe(struct kraft_progress *pr)
{
	if (pr->state == KRAFT_PR_SNAPSHOT) {
		u64 ps = pr->pending_snap;

		pr->next = max(pr->match + 1, ps + 1);
	} else {
		pr->next = pr->match + 1;
	}
	pr->state = KRAFT_PR_PROBE;
	pr->probe_sent = false;
	pr->pending_snap = 0;
	infl_reset(pr);
}

void kraft_pr_become_replicate(struct kraft_progress *pr)
{
	pr->state = KRAFT_PR_REPLICATE;
	pr->probe_sent = false;
	pr->pending_snap = 0;
	pr->next = pr->match + 1;
	infl_reset(pr);
}

void kraft_pr_become_snapshot(struct kraft_progress *pr, u64 index)
{
	pr->state = KRAFT_PR_SNAPSHOT;
	pr->probe_sent = false;
	pr->pending_snap = index;
	pr->snap_off = 0;
	infl_reset(pr);
}

/* An acknowledgement up to @index: true if it told us something new. */
bool kraft_pr_maybe_update(struct kraft_progress *pr, u64 index)
{
	bool updated = false;

	if (pr->match < index) {
		pr->match = index;
		updated = true;
		pr->probe_sent = false;
	}
	if (pr->next < index + 1)
		pr->next = index + 1;
	return updated;
}

/*
 * A rejection of the append after @rejected; @hint is where the leader
 * now guesses the logs agree. False if the rejection is stale.
 */
bool kraft_pr_maybe_decr(struct kraft_progress *pr, u64 rejected, u64 hint)
{
	if (pr->state == KRAFT_PR_REPLICATE) {
		if (rejected <= pr->match)
			return false;
		pr->next = pr->match + 1;
		return true;
	}
	if (pr->next - 1 != rejected)
		return false;
	pr->next = max(min(rejected, hint + 1), pr->match + 1);
	if (pr->next < 1)
		pr->next = 1;
	pr->probe_sent = false;
	return true;
}

bool kraft_pr_paused(const struct kraft_raft *r,
		     const struct kraft_progress *pr)
{
	switch (pr->state) {
	case KRAFT_PR_PROBE:
		return pr->probe_sent;
	case KRAFT_PR_REPLICATE:
		return pr->infl_count >= r->cfg.max_inflight ||
		       pr->infl_bytes >= r->cfg.max_inflight_bytes;
	default:
		return true;
	}
}

void kraft_pr_infl_add(struct kraft_progress *pr, u64 last, u32 bytes,
		       u32 cap)
{
	u32 slot;

	if (pr->infl_count >= cap)
		return;
	slot = (pr->infl_start + pr->infl_count) % cap;
	pr->infl_index[slot] = last;
	pr->infl_size[slot] = bytes;
	pr->infl_count++;
	pr->infl_bytes += bytes;
}

/* Appends up to @index were acknowledged: they are no longer in flight. */
void kraft_pr_infl_free_to(struct kraft_progress *pr, u64 index, u32 cap)
{
	while (pr->infl_count && pr->infl_index[pr->infl_start] <= index) {
		pr->infl_bytes -= pr->infl_size[pr->infl_start];
		pr->infl_start = (pr->infl_start + 1) % cap;
		pr->infl_count--;
	}
}
