// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the Raft safety properties, checked by the simulator after
 * every step: Election Safety, Log Matching, Leader Completeness and State
 * Machine Safety (Raft paper, Figure 3).
 */
#include <stdarg.h>
#include "sim.h"

u64 sim_hash(const void *p, u32 len)
{
	const u8 *b = p;
	u64 h = 1469598103934665603ull;
	u32 i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static bool grow(u64 **v, u64 *n, u64 need)
{
	u64 cap = *n ? *n : 256, *t;

	if (need <= *n)
		return true;
	while (cap < need)
		cap *= 2;
	t = realloc(*v, cap * sizeof(**v));
	if (!t)
		return false;
	memset(t + *n, 0, (cap - *n) * sizeof(**v));
	*v = t;
	*n = cap;
	return true;
}

/* State Machine Safety: every node applies the same entry at an index. */
void sim_check_applied(struct sim *s, struct sim_node *nd,
		       const struct kraft_entry *e)
{
	struct kraft_status st;
	u64 h = sim_hash(e->data, e->len), n = s->n_g, n2, n3;

	kraft_raft_status(nd->r, &st);
	n2 = n;
	n3 = n;
	if (!grow(&s->g_term, &n, e->index + 1) ||
	    !grow(&s->g_hash, &n2, e->index + 1) ||
	    !grow(&s->g_cterm, &n3, e->index + 1)) {
		sim_fail(s, "out of memory");
		return;
	}
	s->n_g = n;
	if (!s->g_term[e->index]) {
		s->g_term[e->index] = e->term;
		s->g_hash[e->index] = h;
		s->g_cterm[e->index] = st.term;
		return;
	}
	if (s->g_term[e->index] != e->term || s->g_hash[e->index] != h)
		sim_fail(s, "state machine safety: node %llu applied index %llu term %llu, others term %llu",
			 (unsigned long long)nd->id,
			 (unsigned long long)e->index,
			 (unsigned long long)e->term,
			 (unsigned long long)s->g_term[e->index]);
	if (st.term < s->g_cterm[e->index])
		s->g_cterm[e->index] = st.term;
}

static void election_safety(struct sim *s, struct sim_node *nd,
			    const struct kraft_status *st)
{
	u64 n = s->n_terms;

	if (st->role != KRAFT_LEADER)
		return;
	if (!grow(&s->leader_of_term, &n, st->term + 1)) {
		sim_fail(s, "out of memory");
		return;
	}
	s->n_terms = n;
	if (!s->leader_of_term[st->term]) {
		s->leader_of_term[st->term] = nd->id;
		s->elections++;
		sim_trace(s, "node %llu leads term %llu",
			  (unsigned long long)nd->id,
			  (unsigned long long)st->term);
	} else if (s->leader_of_term[st->term] != nd->id) {
		sim_fail(s, "election safety: nodes %llu and %llu both lead term %llu",
			 (unsigned long long)s->leader_of_term[st->term],
			 (unsigned long long)nd->id,
			 (unsigned long long)st->term);
	}
}

/* A leader holds every entry committed in an earlier term. */
static void leader_completeness(struct sim *s, struct sim_node *nd,
				const struct kraft_status *st)
{
	u64 i;

	if (st->role != KRAFT_LEADER)
		return;
	for (i = st->snap_index + 1; i < s->n_g; i++) {
		if (!s->g_term[i] || s->g_cterm[i] >= st->term)
			continue;
		if (kraft_raft_term_at(nd->r, i) != s->g_term[i])
			sim_fail(s, "leader completeness: leader %llu of term %llu lacks committed index %llu",
				 (unsigned long long)nd->id,
				 (unsigned long long)st->term,
				 (unsigned long long)i);
	}
}

/* Log Matching, over the newest entries two nodes both hold. */
static void log_matching(struct sim *s, struct sim_node *a,
			 struct sim_node *b)
{
	struct kraft_status sa, sb;
	u64 hi, lo, i;
	bool matched = false;

	kraft_raft_status(a->r, &sa);
	kraft_raft_status(b->r, &sb);
	hi = min(sa.last_index, sb.last_index);
	lo = max(sa.snap_index, sb.snap_index) + 1;
	if (hi > lo + 64)
		lo = hi - 64;
	for (i = hi; i >= lo && i > 0; i--) {
		u64 ta = kraft_raft_term_at(a->r, i);
		u64 tb = kraft_raft_term_at(b->r, i);

		if (ta == tb)
			matched = true;
		else if (matched)
			sim_fail(s, "log matching: nodes %llu and %llu agree at a later index but differ at %llu",
				 (unsigned long long)a->id,
				 (unsigned long long)b->id,
				 (unsigned long long)i);
	}
}

void sim_check_step(struct sim *s)
{
	struct kraft_status st;
	u32 i, j;

	for (i = 0; i < s->n; i++) {
		struct sim_node *nd = &s->nodes[i];

		if (!nd->up)
			continue;
		kraft_raft_status(nd->r, &st);
		if (st.commit > st.last_index)
			sim_fail(s, "node %llu commit %llu beyond its log %llu",
				 (unsigned long long)nd->id,
				 (unsigned long long)st.commit,
				 (unsigned long long)st.last_index);
		election_safety(s, nd, &st);
		leader_completeness(s, nd, &st);
		for (j = i + 1; j < s->n; j++)
			if (s->nodes[j].up)
				log_matching(s, nd, &s->nodes[j]);
	}
}
