// SPDX-License-Identifier: GPL-2.0
/*
 * quorum.c - majorities over a configuration, joint or not: the commit
 * index a quorum has replicated, election results, CheckQuorum activity and
 * ReadIndex acknowledgements. In a joint configuration both halves must
 * agree. No locks.
 */
#include "raft_int.h"

bool kraft_conf_in(const u64 *ids, u8 n, u64 id)
{
	u8 i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

bool kraft_conf_is_voter(const struct kraft_conf *c, u64 id)
{
	return kraft_conf_in(c->voters, c->n_voters, id) ||
	       kraft_conf_in(c->voters_out, c->n_out, id);
}

bool kraft_conf_is_member(const struct kraft_conf *c, u64 id)
{
	return kraft_conf_is_voter(c, id) ||
	       kraft_conf_in(c->learners, c->n_learners, id);
}

static void sort_desc(u64 *v, u32 n)
{
	u32 i, j;

	for (i = 1; i < n; i++) {
		u64 x = v[i];

		for (j = i; j > 0 && v[j - 1] < x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static u64 pr_value(const struct kraft_raft *r, u64 id, bool seq)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].id == id)
			return seq ? r->prs[i].read_seq : r->prs[i].match;
	return 0;
}

/* The highest value a majority of @ids has reached; all of it if empty. */
static u64 majority_value(const struct kraft_raft *r, const u64 *ids, u8 n,
			  bool seq)
{
	u64 v[KRAFT_MAX_MEMBERS];
	u8 i;

	if (!n)
		return ~0ull;
	for (i = 0; i < n; i++)
		v[i] = pr_value(r, ids[i], seq);
	sort_desc(v, n);
	return v[n / 2];
}

/* The index a quorum has made durable. */
u64 kraft_quorum_commit(const struct kraft_raft *r)
{
	const struct kraft_conf *c = &r->conf;

	return min(majority_value(r, c->voters, c->n_voters, false),
		   majority_value(r, c->voters_out, c->n_out, false));
}

/* The newest read sequence a quorum acknowledged. */
u64 kraft_quorum_read_seq(const struct kraft_raft *r)
{
	const struct kraft_conf *c = &r->conf;

	return min(majority_value(r, c->voters, c->n_voters, true),
		   majority_value(r, c->voters_out, c->n_out, true));
}

/* 1 won, -1 lost, 0 pending, for one half of a configuration. */
static int half_result(const struct kraft_raft *r, const u64 *ids, u8 n)
{
	u32 yes = 0, no = 0;
	u8 i;

	if (!n)
		return 1;
	for (i = 0; i < n; i++) {
		if (kraft_conf_in(r->votes_granted, r->n_granted, ids[i]))
			yes++;
		else if (kraft_conf_in(r->votes_rejected, r->n_rejected,
				       ids[i]))
			no++;
	}
	if (yes > n / 2)
		return 1;
	if (n - no <= n / 2)
		return -1;
	return 0;
}

/* Election result over both halves: 1 won, -1 lost, 0 pending. */
int kraft_quorum_vote_result(const struct kraft_raft *r)
{
	int a = half_result(r, r->conf.voters, r->conf.n_voters);
	int b = half_result(r, r->conf.voters_out, r->conf.n_out);

	if (a == 1 && b == 1)
		return 1;
	if (a == -1 || b == -1)
		return -1;
	return 0;
}

static bool half_active(const struct kraft_raft *r, const u64 *ids, u8 n)
{
	u32 active = 0;
	u8 i;

	if (!n)
		return true;
	for (i = 0; i < n; i++) {
		const struct kraft_progress *pr = NULL;
		u32 j;

		for (j = 0; j < r->n_prs; j++)
			if (r->prs[j].id == ids[i])
				pr = &r->prs[j];
		if (ids[i] == r->id || (pr && pr->recent_active))
			active++;
	}
	return active > n / 2;
}

/* Has a quorum been heard from within the last election timeout? */
bool kraft_quorum_active(const struct kraft_raft *r)
{
	return half_active(r, r->conf.voters, r->conf.n_voters) &&
	       half_active(r, r->conf.voters_out, r->conf.n_out);
}

/* Is this node the only voter (so it needs nobody's agreement)? */
bool kraft_quorum_single_voter(const struct kraft_raft *r)
{
	const struct kraft_conf *c = &r->conf;

	return c->n_voters == 1 && c->voters[0] == r->id &&
	       (!c->n_out || (c->n_out == 1 && c->voters_out[0] == r->id));
}
