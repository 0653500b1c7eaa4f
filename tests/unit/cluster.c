// SPDX-License-Identifier: GPL-2.0
/*
 * cluster.c - the test cluster of cluster.h. Single-threaded; the unit
 * suites drive it step by step. Allocation failures are reported as
 * -ENOMEM to the test, which then fails.
 */
#include "cluster.h"

struct tc_node *tc_node(struct tc_cluster *c, u64 id)
{
	return id >= 1 && id <= c->n ? &c->nodes[id - 1] : NULL;
}

static void free_entries(struct kraft_entry *e, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		kr_free(e[i].data);
	kr_free(e);
}

static int copy_entry(struct kraft_entry *dst, const struct kraft_entry *src)
{
	*dst = *src;
	dst->data = NULL;
	if (!src->len)
		return 0;
	dst->data = kr_malloc(src->len);
	if (!dst->data)
		return -ENOMEM;
	memcpy(dst->data, src->data, src->len);
	return 0;
}

static void drop_node_storage(struct tc_node *nd)
{
	free_entries(nd->log, nd->n_log);
	nd->log = NULL;
	nd->n_log = 0;
	nd->cap_log = 0;
	kr_free(nd->snap.data);
	memset(&nd->snap, 0, sizeof(nd->snap));
}

static int start(struct tc_cluster *c, struct tc_node *nd)
{
	struct kraft_config cfg = c->base;
	struct kraft_restore rs = { .hs = nd->hs };
	int err;

	cfg.id = nd->id;
	cfg.seed = nd->id * 7919;
	if (nd->snap.index)
		rs.snapshot = &nd->snap;
	rs.entries = nd->log;
	rs.n_entries = nd->n_log;
	cfg.restore = &rs;
	nd->r = kraft_raft_new(&cfg, &err);
	return err;
}

/**
 * tc_new() - a cluster of @n nodes, ids 1..@n, the first @voters voting
 * @n: nodes
 * @voters: how many of them vote; the others are learners
 * @pre_vote: PreVote on
 * @check_quorum: CheckQuorum on
 *
 * Return: the cluster or NULL.
 */
struct tc_cluster *tc_new(u32 n, u32 voters, bool pre_vote,
			  bool check_quorum)
{
	struct tc_cluster *c = kr_zalloc(sizeof(*c));
	u32 i;

	if (!c)
		return NULL;
	c->n = n;
	kraft_config_default(&c->base, 1);
	c->base.pre_vote = pre_vote;
	c->base.check_quorum = check_quorum;
	c->base.max_msg_bytes = 1024;
	for (i = 0; i < n; i++) {
		if (i < voters)
			c->base.initial.voters[c->base.initial.n_voters++] = i + 1;
		else
			c->base.initial.learners[c->base.initial.n_learners++] = i + 1;
	}
	for (i = 0; i < n; i++) {
		c->nodes[i].id = i + 1;
		if (start(c, &c->nodes[i])) {
			tc_free(c);
			return NULL;
		}
	}
	return c;
}

static void drop_queue(struct tc_cluster *c)
{
	u32 i;

	for (i = 0; i < c->nq; i++)
		kr_free(c->q[i].buf);
	c->nq = 0;
}

void tc_free(struct tc_cluster *c)
{
	u32 i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		kraft_raft_free(c->nodes[i].r);
		drop_node_storage(&c->nodes[i]);
	}
	drop_queue(c);
	kr_free(c->q);
	kr_free(c);
}

/* Restart a node from what it persisted: a crash and a reboot. */
int tc_restart(struct tc_cluster *c, u64 id)
{
	struct tc_node *nd = tc_node(c, id);

	kraft_raft_free(nd->r);
	nd->r = NULL;
	nd->n_applied = 0;
	nd->n_reads = 0;
	return start(c, nd);
}

/* Give node @id a persisted log of @n entries with these @terms. */
int tc_set_log(struct tc_cluster *c, u64 id, const u64 *terms, u32 n,
	       u64 term)
{
	struct tc_node *nd = tc_node(c, id);
	u32 i;

	drop_node_storage(nd);
	nd->log = kr_calloc(n ? n : 1, sizeof(*nd->log));
	if (!nd->log)
		return -ENOMEM;
	nd->cap_log = n ? n : 1;
	for (i = 0; i < n; i++) {
		nd->log[i].index = i + 1;
		nd->log[i].term = terms[i];
		nd->log[i].type = KRAFT_ENTRY_NORMAL;
	}
	nd->n_log = n;
	nd->hs.term = term;
	nd->hs.vote = KRAFT_NONE;
	nd->hs.commit = 0;
	return tc_restart(c, id);
}

static int persist(struct tc_node *nd, const struct kraft_ready *rd)
{
	struct kraft_entry *log;
	u64 keep, i;

	if (rd->hs_changed)
		nd->hs = rd->hs;
	if (rd->snapshot) {
		drop_node_storage(nd);
		nd->snap = *rd->snapshot;
		nd->snap.data = NULL;
		if (rd->snapshot->len) {
			nd->snap.data = kr_malloc(rd->snapshot->len);
			if (!nd->snap.data)
				return -ENOMEM;
			memcpy(nd->snap.data, rd->snapshot->data,
			       rd->snapshot->len);
		}
		nd->last_snap_restored = rd->snapshot->index;
	}
	if (!rd->n_entries)
		return 0;
	/* the stored log is contiguous: the overlap is found by arithmetic */
	keep = 0;
	if (nd->n_log && rd->entries[0].index > nd->log[0].index)
		keep = min(nd->n_log, rd->entries[0].index - nd->log[0].index);
	for (i = keep; i < nd->n_log; i++)
		kr_free(nd->log[i].data);
	if (keep + rd->n_entries > nd->cap_log) {
		u64 cap = max(2 * nd->cap_log, keep + rd->n_entries);

		log = kr_realloc(nd->log, nd->cap_log * sizeof(*log),
				 cap * sizeof(*log));
		if (!log)
			return -ENOMEM;
		nd->log = log;
		nd->cap_log = cap;
	}
	log = nd->log;
	nd->n_log = keep;
	for (i = 0; i < rd->n_entries; i++) {
		if (copy_entry(&log[keep + i], &rd->entries[i]))
			return -ENOMEM;
		nd->n_log++;
	}
	return 0;
}

static void enqueue(struct tc_cluster *c, u64 from,
		    const struct kraft_out_msg *o)
{
	struct tc_msg *m;

	if (c->nq == c->capq) {
		u32 cap = c->capq ? 2 * c->capq : 64;

		m = kr_realloc(c->q, c->capq * sizeof(*m), cap * sizeof(*m));
		if (!m)
			return;
		c->q = m;
		c->capq = cap;
	}
	m = &c->q[c->nq];
	m->buf = kr_malloc(o->len);
	if (!m->buf)
		return;
	memcpy(m->buf, o->buf, o->len);
	m->len = o->len;
	m->from = from;
	m->to = o->to;
	c->nq++;
}

static void record(struct tc_node *nd, const struct kraft_ready *rd)
{
	u32 i;

	for (i = 0; i < rd->n_committed; i++) {
		const struct kraft_entry *e = &rd->committed[i];
		struct tc_applied *a;

		if (nd->n_applied >= TC_MAX_APPLIED)
			break;
		a = &nd->applied[nd->n_applied++];
		a->index = e->index;
		a->term = e->term;
		a->type = e->type;
		memset(a->data, 0, sizeof(a->data));
		if (e->len)
			memcpy(a->data, e->data, min(e->len, (u32)sizeof(a->data) - 1));
	}
	for (i = 0; i < rd->n_reads && nd->n_reads < 64; i++) {
		nd->reads_ctx[nd->n_reads] = rd->reads[i].ctx;
		nd->reads_index[nd->n_reads++] = rd->reads[i].index;
	}
}

/* Handle every ready of node @id: persist, send, apply, advance. */
void tc_process(struct tc_cluster *c, u64 id)
{
	struct tc_node *nd = tc_node(c, id);
	struct kraft_ready rd;
	u32 i;

	if (nd->down)
		return;
	while (kraft_raft_has_ready(nd->r)) {
		if (kraft_raft_ready(nd->r, &rd))
			return;
		persist(nd, &rd);
		for (i = 0; i < rd.n_msgs; i++)
			enqueue(c, id, &rd.msgs[i]);
		record(nd, &rd);
		kraft_raft_advance(nd->r);
	}
}

static void deliver(struct tc_cluster *c, struct tc_msg *m)
{
	struct tc_node *to = tc_node(c, m->to), *from = tc_node(c, m->from);
	struct kraft_msg km;

	if (!to || !from || to->down || from->down || c->cut[m->from][m->to])
		return;
	if (kraft_msg_decode(m->buf, m->len, &km))
		return;
	if (km.type != c->drop_type)
		kraft_raft_step(to->r, &km);
	kraft_msg_release(&km);
	c->delivered++;
}

/* Deliver the oldest queued message only. Return: false if none. */
bool tc_deliver_one(struct tc_cluster *c)
{
	struct tc_msg m;

	if (!c->nq)
		return false;
	m = c->q[0];
	memmove(c->q, c->q + 1, (c->nq - 1) * sizeof(*c->q));
	c->nq--;
	deliver(c, &m);
	kr_free(m.buf);
	tc_process(c, m.to);
	return true;
}

/**
 * tc_run() - deliver messages until the cluster is quiet
 * @c: the cluster
 *
 * Return: messages delivered.
 */
u32 tc_run(struct tc_cluster *c)
{
	u64 before = c->delivered;
	u32 rounds, i;

	for (rounds = 0; rounds < 10000; rounds++) {
		struct tc_msg *q;
		u32 nq;

		for (i = 1; i <= c->n; i++)
			tc_process(c, i);
		if (!c->nq)
			break;
		q = c->q;
		nq = c->nq;
		c->q = NULL;
		c->nq = 0;
		c->capq = 0;
		for (i = 0; i < nq; i++) {
			deliver(c, &q[i]);
			kr_free(q[i].buf);
			tc_process(c, q[i].to);
		}
		kr_free(q);
	}
	return c->delivered - before;
}

void tc_tick(struct tc_cluster *c, u64 id, u32 ticks)
{
	struct tc_node *nd = tc_node(c, id);

	while (ticks--) {
		if (!nd->down)
			kraft_raft_tick(nd->r);
		tc_process(c, id);
	}
}

void tc_tick_all(struct tc_cluster *c, u32 ticks)
{
	u32 i;

	while (ticks--) {
		for (i = 1; i <= c->n; i++)
			tc_tick(c, i, 1);
		tc_run(c);
	}
}

/* Make @id campaign now and run the election to its end. */
int tc_elect(struct tc_cluster *c, u64 id)
{
	struct kraft_status st;
	int err = kraft_raft_campaign(tc_node(c, id)->r);

	if (err)
		return err;
	tc_run(c);
	tc_status(c, id, &st);
	return st.role == KRAFT_LEADER ? 0 : -EAGAIN;
}

/* The one node that believes it leads in the highest term, or 0. */
u64 tc_leader(struct tc_cluster *c)
{
	struct kraft_status st;
	u64 lead = 0, term = 0;
	u32 i;

	for (i = 1; i <= c->n; i++) {
		if (c->nodes[i - 1].down)
			continue;
		tc_status(c, i, &st);
		if (st.role == KRAFT_LEADER && st.term >= term) {
			lead = i;
			term = st.term;
		}
	}
	return lead;
}

int tc_propose(struct tc_cluster *c, u64 id, const char *s)
{
	return kraft_raft_propose(tc_node(c, id)->r, s, strlen(s));
}

void tc_cut(struct tc_cluster *c, u64 a, u64 b)
{
	c->cut[a][b] = true;
	c->cut[b][a] = true;
}

void tc_isolate(struct tc_cluster *c, u64 id)
{
	u32 i;

	for (i = 1; i <= c->n; i++)
		if (i != id)
			tc_cut(c, id, i);
}

void tc_heal(struct tc_cluster *c)
{
	memset(c->cut, 0, sizeof(c->cut));
}

void tc_status(struct tc_cluster *c, u64 id, struct kraft_status *st)
{
	kraft_raft_status(tc_node(c, id)->r, st);
}

/* Do the persisted logs of @a and @b hold the same entries? */
bool tc_logs_match(struct tc_cluster *c, u64 a, u64 b)
{
	struct tc_node *x = tc_node(c, a), *y = tc_node(c, b);
	u64 i;

	if (x->n_log != y->n_log)
		return false;
	for (i = 0; i < x->n_log; i++)
		if (x->log[i].index != y->log[i].index ||
		    x->log[i].term != y->log[i].term ||
		    x->log[i].len != y->log[i].len ||
		    (x->log[i].len && memcmp(x->log[i].data, y->log[i].data,
					     x->log[i].len)))
			return false;
	return true;
}

/* Propose a one-item membership change at node @id. */
int tc_conf_change(struct tc_cluster *c, u64 id, u8 transition, u8 op,
		   u64 target)
{
	struct kraft_conf_change *cc = kr_zalloc(sizeof(*cc));
	u8 buf[64];
	int len;

	if (!cc)
		return -ENOMEM;
	cc->transition = transition;
	if (op) {
		cc->n = 1;
		cc->items[0].op = op;
		cc->items[0].id = target;
	}
	len = kraft_conf_change_encode(cc, buf, sizeof(buf));
	kr_free(cc);
	if (len < 0)
		return len;
	return kraft_raft_propose_conf(tc_node(c, id)->r, buf, len);
}
