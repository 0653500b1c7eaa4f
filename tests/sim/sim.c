// SPDX-License-Identifier: GPL-2.0
/*
 * sim.c - kraft-sim, the deterministic simulator of the Raft core:
 *
 *   kraft-sim --seed S [--nodes N] [--steps K] [--faults LIST] [--history FILE]
 *
 * N nodes run the real core and KV state machine in one process. One step
 * is one tick. A seeded network delays (reorders), drops and duplicates
 * messages and partitions nodes; nodes crash, losing what they had not yet
 * written, and restart from storage; membership changes and leader
 * transfers happen mid-run; clients put, get, cas and delete. After every
 * step check.c checks the safety properties; at the end the clients'
 * history must be linearizable (tests/lincheck). Exit 0 when all holds,
 * 1 with a trace otherwise. LIST: drop,dup,delay,partition,crash,member,
 * transfer, all (the default) or none.
 */
#include <stdarg.h>
#include <unistd.h>
#include "sim.h"
#include "../lincheck/lincheck.h"

static const char * const fault_names[] = {
	"drop", "dup", "delay", "partition", "crash", "member", "transfer",
};

u64 sim_rand(struct sim *s, u64 n)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return n ? (s->rng * 0x2545F4914F6CDD1Dull) % n : 0;
}

void sim_trace(struct sim *s, const char *fmt, ...)
{
	char *line = s->trace[s->n_trace++ % 64];
	va_list ap;
	int n;

	n = snprintf(line, 160, "t=%llu ", (unsigned long long)s->now);
	va_start(ap, fmt);
	vsnprintf(line + n, 160 - n, fmt, ap);
	va_end(ap);
}

void sim_fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;
	u32 i, first;

	if (s->failed)
		return;
	s->failed = true;
	fprintf(stderr, "kraft-sim: seed %llu: VIOLATION at step %llu: ",
		(unsigned long long)s->seed, (unsigned long long)s->now);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nlast events:\n");
	first = s->n_trace > 64 ? s->n_trace - 64 : 0;
	for (i = first; i < s->n_trace; i++)
		fprintf(stderr, "  %s\n", s->trace[i % 64]);
}

static void free_log(struct sim_node *nd)
{
	u64 i;

	for (i = 0; i < nd->n_log; i++)
		free(nd->log[i].data);
	free(nd->log);
	nd->log = NULL;
	nd->n_log = 0;
}

/* The core of an odd-numbered node reads snapshot chunks back from here. */
static int read_snapshot(void *arg, u64 index, u64 off, void *buf, u32 len)
{
	struct sim_node *nd = arg;

	if (index != nd->snap.index || off > nd->snap.len ||
	    len > nd->snap.len - off)
		return -ESTALE;
	memcpy(buf, nd->snap.data + off, len);
	return 0;
}

static int node_start(struct sim *s, struct sim_node *nd,
		      const struct kraft_conf *initial)
{
	struct kraft_config cfg;
	struct kraft_restore rs = { .hs = nd->hs };
	int err;

	kraft_config_default(&cfg, nd->id);
	cfg.seed = s->seed * 31 + nd->id + s->now;
	cfg.election_ticks = 10;
	cfg.heartbeat_ticks = 2;
	cfg.max_msg_bytes = 64 + sim_rand(s, 512);
	cfg.max_inflight = 4;
	cfg.initial = *initial;
	if (nd->id & 1) {
		cfg.read_snapshot = read_snapshot;
		cfg.snap_arg = nd;
	}
	if (nd->snap.index)
		rs.snapshot = &nd->snap;
	rs.entries = nd->log;
	rs.n_entries = nd->n_log;
	cfg.restore = &rs;
	nd->kv = kraft_kv_new(256);
	nd->r = kraft_raft_new(&cfg, &err);
	if (!nd->r || !nd->kv)
		return err ? err : -ENOMEM;
	if (nd->snap.index && kraft_kv_restore(nd->kv, nd->snap.data,
					       nd->snap.len))
		return -EINVAL;
	nd->up = true;
	nd->n_reqs = 0;
	return 0;
}

static struct kraft_conf initial_conf;

static void drop_captured(struct sim_node *nd)
{
	kraft_kv_release(nd->kv, nd->snap_cap);
	nd->snap_cap = NULL;
}

static void node_crash(struct sim *s, struct sim_node *nd, u64 downtime)
{
	drop_captured(nd);
	kraft_raft_free(nd->r);
	kraft_kv_free(nd->kv);
	nd->r = NULL;
	nd->kv = NULL;
	nd->up = false;
	nd->n_reqs = 0;	/* their clients will time out: unknown */
	nd->down_until = s->now + downtime;
	s->crashes++;
	sim_trace(s, "node %llu crashes", (unsigned long long)nd->id);
}

static void send_msg(struct sim *s, u64 from, const struct kraft_out_msg *o)
{
	struct sim_msg *m;
	u64 delay = 1;

	if ((s->faults & F_DROP) && sim_rand(s, 100) < 3)
		return;
	if (s->faults & F_DELAY)
		delay += sim_rand(s, 100) < 10 ? sim_rand(s, 8) : sim_rand(s, 2);
	if (s->nq == s->capq) {
		s->capq = s->capq ? 2 * s->capq : 256;
		s->q = realloc(s->q, s->capq * sizeof(*s->q));
		if (!s->q)
			abort();
	}
	m = &s->q[s->nq++];
	m->at = s->now + delay;
	m->from = from;
	m->to = o->to;
	m->len = o->len;
	m->buf = malloc(o->len);
	if (!m->buf)
		abort();
	memcpy(m->buf, o->buf, o->len);
	/*
	 * Duplicates, but never of a forwarded proposal: the transport is
	 * TCP, and nothing re-sends a proposal, so a proposal arrives at most
	 * once; everything else in Raft is idempotent and gets duplicated.
	 */
	if ((s->faults & F_DUP) && sim_rand(s, 100) < 2 &&
	    o->len > 1 && o->buf[1] != KRAFT_MSG_PROP)
		send_msg(s, from, o);
}

/* What a ready asks to persist; a crash may cut it short (@upto). */
static void persist(struct sim_node *nd, const struct kraft_ready *rd,
		    u32 upto)
{
	u64 keep = 0, i;

	if (rd->hs_changed)
		nd->hs = rd->hs;
	if (rd->snapshot) {
		free(nd->snap.data);
		nd->snap = *rd->snapshot;
		nd->snap.data = malloc(rd->snapshot->len ? rd->snapshot->len : 1);
		if (rd->snapshot->len)
			memcpy(nd->snap.data, rd->snapshot->data,
			       rd->snapshot->len);
		free_log(nd);
	}
	if (!rd->n_entries)
		return;
	while (keep < nd->n_log && nd->log[keep].index < rd->entries[0].index)
		keep++;
	for (i = keep; i < nd->n_log; i++)
		free(nd->log[i].data);
	nd->log = realloc(nd->log, (keep + rd->n_entries) * sizeof(*nd->log));
	nd->n_log = keep;
	for (i = 0; i < rd->n_entries && i < upto; i++) {
		struct kraft_entry *e = &nd->log[nd->n_log++];

		*e = rd->entries[i];
		e->data = malloc(e->len ? e->len : 1);
		if (e->len)
			memcpy(e->data, rd->entries[i].data, e->len);
	}
}

static struct sim_req *find_req(struct sim_node *nd, u64 req)
{
	u32 i;

	for (i = 0; i < nd->n_reqs; i++)
		if (nd->reqs[i].req == req)
			return &nd->reqs[i];
	return NULL;
}

static void drop_req(struct sim_node *nd, struct sim_req *r)
{
	*r = nd->reqs[--nd->n_reqs];
}

/* A client's current operation @hop completes (late answers are dropped). */
static void finish(struct sim *s, int client, u32 hop, int status)
{
	struct sim_client *c = &s->clients[client];
	struct sim_hop *h = &s->hist[hop];

	if (!c->busy || c->hop != hop)
		return;	/* it timed out already: recorded as unknown */
	h->status = status;
	h->ret = s->now;
	c->busy = false;
}

static void apply_entry(struct sim *s, struct sim_node *nd,
			const struct kraft_entry *e)
{
	struct kraft_kv_outcome res;
	struct kraft_kv_cmd cmd;
	struct sim_req *rq;
	struct sim_hop *h;

	sim_check_applied(s, nd, e);
	if (e->type != KRAFT_ENTRY_NORMAL)
		return;
	if (kraft_kv_apply(nd->kv, e->data, e->len, &cmd, &res)) {
		sim_fail(s, "node %llu cannot apply index %llu",
			 (unsigned long long)nd->id,
			 (unsigned long long)e->index);
		return;
	}
	if (cmd.origin != nd->id)
		return;
	rq = find_req(nd, cmd.req);
	if (!rq)
		return;
	if (s->clients[rq->client].hop != rq->hop) {
		drop_req(nd, rq);
		return;
	}
	h = &s->hist[rq->hop];
	h->res_null = false;
	h->res_num = res.rev;
	if (res.status == KRAFT_KV_S_NOT_FOUND)
		h->res_null = true;
	if (res.status == KRAFT_KV_S_COMPARE_FAILED)
		h->res_num = res.mod_rev;	/* what the compare saw */
	if (res.status == KRAFT_KV_S_OK)
		s->clients[rq->client].seen_rev[h->key] = res.rev;
	/* a delete of a missing key surely did not take effect: "fail" */
	finish(s, rq->client, rq->hop, res.status != KRAFT_KV_S_OK);
	drop_req(nd, rq);
}

static void serve_reads(struct sim *s, struct sim_node *nd)
{
	struct kraft_status st;
	u32 i = 0;

	kraft_raft_status(nd->r, &st);
	while (i < nd->n_reqs) {
		struct sim_req *rq = &nd->reqs[i];
		struct sim_hop *h;
		struct kraft_kv_item it;
		char key[8];

		if (!rq->have_index || rq->read_index > st.applied) {
			i++;
			continue;
		}
		if (s->clients[rq->client].hop != rq->hop) {
			drop_req(nd, rq);
			continue;
		}
		h = &s->hist[rq->hop];
		snprintf(key, sizeof(key), "k%d", h->key);
		if (kraft_kv_get(nd->kv, (const u8 *)key, strlen(key), &it)) {
			h->res_null = true;
		} else {
			h->res_null = false;
			snprintf(h->res_str, sizeof(h->res_str), "%.*s",
				 (int)it.vlen, it.val);
			s->clients[rq->client].seen_rev[h->key] = it.mod_rev;
		}
		finish(s, rq->client, rq->hop, 0);
		drop_req(nd, rq);
	}
}

/* Durable storage: the snapshot, then the log behind it goes. */
static void keep_snapshot(struct sim *s, struct sim_node *nd,
			  const struct kraft_snapshot *snap)
{
	u64 keep;

	free(nd->snap.data);
	nd->snap = *snap;
	for (keep = 0; keep < nd->n_log && nd->log[keep].index <= snap->index;
	     keep++)
		free(nd->log[keep].data);
	memmove(nd->log, nd->log + keep, (nd->n_log - keep) * sizeof(*nd->log));
	nd->n_log -= keep;
	s->snapshots++;
}

/*
 * Half the snapshots are taken as the kernel takes them: the state is
 * captured at the applied index, and written out later while entries keep
 * being applied; a snapshot from the leader may overtake it.
 */
static void maybe_snapshot(struct sim *s, struct sim_node *nd)
{
	struct kraft_snapshot snap = { 0 };
	struct kraft_status st;
	int err;

	if (nd->snap_cap) {
		if (s->now < nd->snap_due)
			return;
		snap = nd->snap_pend;
		snap.data = malloc(snap.len);
		if (!snap.data || kraft_kv_seal(nd->snap_cap, snap.data)) {
			sim_fail(s, "node %llu: out of memory",
				 (unsigned long long)nd->id);
			free(snap.data);
			return;
		}
		drop_captured(nd);
		err = kraft_raft_snapshot_at(nd->r, &snap);
		if (err == -EALREADY) {
			free(snap.data);
			return;
		}
		if (err) {
			sim_fail(s, "node %llu: snapshot at %llu: %d",
				 (unsigned long long)nd->id,
				 (unsigned long long)snap.index, err);
			free(snap.data);
			return;
		}
		keep_snapshot(s, nd, &snap);
		return;
	}
	kraft_raft_status(nd->r, &st);
	if (st.applied < st.snap_index + 40)
		return;
	snap.index = st.applied;
	snap.term = kraft_raft_term_at(nd->r, st.applied);
	snap.conf = st.conf;
	if (sim_rand(s, 2)) {
		if (kraft_kv_capture(nd->kv, &nd->snap_cap, &snap.len))
			return;
		nd->snap_pend = snap;
		nd->snap_due = s->now + 1 + sim_rand(s, 30);
		return;
	}
	if (kraft_kv_snapshot(nd->kv, &snap.data, &snap.len))
		return;
	if (kraft_raft_snapshot(nd->r, snap.data, snap.len)) {
		free(snap.data);
		return;
	}
	keep_snapshot(s, nd, &snap);
}

static void process(struct sim *s, struct sim_node *nd)
{
	struct kraft_ready rd;
	u32 i;

	while (nd->up && kraft_raft_has_ready(nd->r)) {
		if (kraft_raft_ready(nd->r, &rd))
			return;
		if ((s->faults & F_CRASH) && sim_rand(s, 2000) == 0) {
			/* power cut while writing: a prefix is durable */
			persist(nd, &rd, sim_rand(s, rd.n_entries + 1));
			node_crash(s, nd, 5 + sim_rand(s, 40));
			return;
		}
		persist(nd, &rd, ~0u);
		for (i = 0; i < rd.n_msgs; i++)
			send_msg(s, nd->id, &rd.msgs[i]);
		if (rd.snapshot && kraft_kv_restore(nd->kv, rd.snapshot->data,
						    rd.snapshot->len))
			sim_fail(s, "node %llu: bad snapshot",
				 (unsigned long long)nd->id);
		for (i = 0; i < rd.n_committed; i++)
			apply_entry(s, nd, &rd.committed[i]);
		for (i = 0; i < rd.n_reads; i++) {
			struct sim_req *rq = find_req(nd, rd.reads[i].ctx);

			if (rq) {
				rq->have_index = true;
				rq->read_index = rd.reads[i].index;
			}
		}
		kraft_raft_advance(nd->r);
		serve_reads(s, nd);
	}
	if (nd->up)
		maybe_snapshot(s, nd);
}

static void deliver(struct sim *s)
{
	u32 i = 0;

	while (i < s->nq) {
		struct sim_msg m = s->q[i];
		struct sim_node *to;
		struct kraft_msg km;

		if (m.at > s->now) {
			i++;
			continue;
		}
		s->q[i] = s->q[--s->nq];
		to = &s->nodes[m.to - 1];
		if (m.to >= 1 && m.to <= s->n && to->up && !s->cut[m.from][m.to] &&
		    !kraft_msg_decode(m.buf, m.len, &km)) {
			if (kraft_raft_step(to->r, &km) == -EINVAL)
				sim_fail(s, "node %llu refused a %s from %llu",
					 (unsigned long long)m.to,
					 kraft_msg_type_name(km.type),
					 (unsigned long long)m.from);
			kraft_msg_release(&km);
			process(s, to);
		}
		free(m.buf);
	}
}

static void partition(struct sim *s)
{
	u32 i, j, kind = sim_rand(s, 4), a = 1 + sim_rand(s, s->n);

	memset(s->cut, 0, sizeof(s->cut));
	for (i = 1; i <= s->n; i++) {
		for (j = 1; j <= s->n; j++) {
			bool cut = false;

			switch (kind) {
			case 0:	/* isolate one */
				cut = (i == a) != (j == a);
				break;
			case 1:	/* majority / minority */
				cut = (i <= s->n / 2) != (j <= s->n / 2);
				break;
			case 2:	/* a bridge: a alone reaches both halves */
				cut = i != a && j != a &&
				      (i % 2) != (j % 2);
				break;
			default: /* a ring: each reaches its neighbours */
				cut = i != j && (i % s->n) + 1 != j &&
				      (j % s->n) + 1 != i;
				break;
			}
			s->cut[i][j] = cut;
		}
	}
	s->partitions++;
	s->heal_at = s->now + 20 + sim_rand(s, 80);
	sim_trace(s, "partition kind %u around %u", kind, a);
}

static u64 find_leader(struct sim *s)
{
	struct kraft_status st;
	u64 lead = 0, term = 0;
	u32 i;

	for (i = 0; i < s->n; i++) {
		if (!s->nodes[i].up)
			continue;
		kraft_raft_status(s->nodes[i].r, &st);
		if (st.role == KRAFT_LEADER && st.term >= term) {
			lead = s->nodes[i].id;
			term = st.term;
		}
	}
	return lead;
}

static void change_membership(struct sim *s, u64 lead)
{
	struct kraft_conf_change cc = { .transition = KRAFT_CC_AUTO, .n = 1 };
	struct kraft_status st;
	u64 id = 1 + sim_rand(s, s->n);
	u8 buf[128];
	int len;

	kraft_raft_status(s->nodes[lead - 1].r, &st);
	if (kraft_conf_is_voter(&st.conf, id)) {
		if (st.conf.n_voters <= 3 || st.conf.n_out)
			return;
		cc.items[0].op = sim_rand(s, 2) ? KRAFT_CC_REMOVE :
			KRAFT_CC_REMOVE;
	} else if (kraft_conf_is_member(&st.conf, id)) {
		cc.items[0].op = KRAFT_CC_ADD_VOTER;
	} else {
		cc.items[0].op = KRAFT_CC_ADD_LEARNER;
	}
	cc.items[0].id = id;
	len = kraft_conf_change_encode(&cc, buf, sizeof(buf));
	if (len > 0 && !kraft_raft_propose_conf(s->nodes[lead - 1].r, buf, len)) {
		s->conf_changes++;
		sim_trace(s, "leader %llu proposes op %u on %llu",
			  (unsigned long long)lead, cc.items[0].op,
			  (unsigned long long)id);
	}
}

static void faults(struct sim *s)
{
	u32 down = 0, i;
	u64 lead;

	if (s->heal_at && s->now >= s->heal_at) {
		memset(s->cut, 0, sizeof(s->cut));
		s->heal_at = 0;
		sim_trace(s, "heal");
	}
	if ((s->faults & F_PARTITION) && !s->heal_at && sim_rand(s, 150) == 0)
		partition(s);
	for (i = 0; i < s->n; i++) {
		struct sim_node *nd = &s->nodes[i];

		if (!nd->up && s->now >= nd->down_until) {
			int err = node_start(s, nd, &initial_conf);

			if (err)
				sim_fail(s, "node %llu cannot restart: %d",
					 (unsigned long long)nd->id, err);
			sim_trace(s, "node %llu restarts",
				  (unsigned long long)nd->id);
		}
		down += !nd->up;
	}
	if ((s->faults & F_CRASH) && down < (s->n - 1) / 2 &&
	    sim_rand(s, 200) == 0)
		node_crash(s, &s->nodes[sim_rand(s, s->n)], 5 + sim_rand(s, 60));
	lead = find_leader(s);
	if (!lead)
		return;
	if ((s->faults & F_MEMBER) && sim_rand(s, 150) == 0)
		change_membership(s, lead);
	if ((s->faults & F_TRANSFER) && sim_rand(s, 300) == 0) {
		u64 to = 1 + sim_rand(s, s->n);

		if (!kraft_raft_transfer_leader(s->nodes[lead - 1].r, to)) {
			s->transfers++;
			sim_trace(s, "leader %llu transfers to %llu",
				  (unsigned long long)lead,
				  (unsigned long long)to);
		}
	}
}

static void add_req(struct sim_node *nd, u64 req, int client, u32 hop)
{
	if (nd->n_reqs == nd->cap_reqs) {
		nd->cap_reqs = nd->cap_reqs ? 2 * nd->cap_reqs : 16;
		nd->reqs = realloc(nd->reqs, nd->cap_reqs * sizeof(*nd->reqs));
		if (!nd->reqs)
			abort();
	}
	nd->reqs[nd->n_reqs++] = (struct sim_req){ .req = req,
						   .client = client,
						   .hop = hop };
}

static void client_start(struct sim *s, int ci)
{
	struct sim_client *c = &s->clients[ci];
	struct kraft_kv_cmd cmd = { 0 };
	struct sim_node *nd;
	struct sim_hop *h;
	struct kraft_status st;
	char key[8];
	u8 buf[128];
	int len, err;

	if (s->n_hist == s->cap_hist) {
		s->cap_hist = s->cap_hist ? 2 * s->cap_hist : 1024;
		s->hist = realloc(s->hist, s->cap_hist * sizeof(*s->hist));
		if (!s->hist)
			abort();
	}
	c->hop = s->n_hist++;
	h = &s->hist[c->hop];
	memset(h, 0, sizeof(*h));
	h->client = ci + 1;
	h->kind = sim_rand(s, 4);
	h->key = sim_rand(s, SIM_KEYS);
	h->call = s->now;
	h->res_null = true;
	if (h->kind == 1 || h->kind == 3) {
		h->has_value = true;
		snprintf(h->value, sizeof(h->value), "v%u", c->hop);
	}
	if (h->kind == 3)
		h->rev = sim_rand(s, 4) ? c->seen_rev[h->key] : 0;
	c->busy = true;
	c->deadline = s->now + 60;
	if (!c->target || sim_rand(s, 10) == 0)
		c->target = 1 + sim_rand(s, s->n);
	nd = &s->nodes[c->target - 1];
	if (!nd->up) {
		c->target = 0;
		finish(s, ci, c->hop, 1);
		return;
	}
	kraft_raft_status(nd->r, &st);
	if (st.lead && st.lead != nd->id)
		c->target = st.lead;	/* next time, ask the leader */
	snprintf(key, sizeof(key), "k%d", h->key);
	if (h->kind == 0) {
		err = kraft_raft_read_index(nd->r, s->next_req);
	} else {
		cmd.op = h->kind == 1 ? KRAFT_KV_PUT :
			 h->kind == 2 ? KRAFT_KV_DEL : KRAFT_KV_CAS;
		cmd.origin = nd->id;
		cmd.req = s->next_req;
		cmd.expect = h->rev;
		cmd.key = (const u8 *)key;
		cmd.klen = strlen(key);
		cmd.val = (const u8 *)h->value;
		cmd.vlen = h->has_value ? strlen(h->value) : 0;
		len = kraft_kv_cmd_encode(&cmd, buf, sizeof(buf));
		err = len < 0 ? len : kraft_raft_propose(nd->r, buf, len);
	}
	if (err) {
		finish(s, ci, c->hop, 1);	/* refused before proposing */
		return;
	}
	add_req(nd, s->next_req++, ci, c->hop);
	process(s, nd);
}

static void clients(struct sim *s)
{
	int i;

	for (i = 0; i < SIM_CLIENTS; i++) {
		struct sim_client *c = &s->clients[i];

		if (c->busy && s->now >= c->deadline) {
			s->hist[c->hop].status = 2;
			c->busy = false;
			c->target = 0;
		}
		if (!c->busy && s->now + 100 < s->steps && sim_rand(s, 3) == 0)
			client_start(s, i);
	}
}

static int write_history(struct sim *s, const char *path)
{
	static const char * const ops[] = { "get", "put", "del", "cas" };
	static const char * const st[] = { "ok", "fail", "unknown" };
	FILE *f = fopen(path, "w");
	u32 i;

	if (!f)
		return -errno;
	for (i = 0; i < s->n_hist; i++) {
		const struct sim_hop *h = &s->hist[i];
		bool unknown = h->status == 2 ||
			       (s->clients[h->client - 1].busy &&
				s->clients[h->client - 1].hop == i);

		fprintf(f, "{\"client\":%d,\"op\":\"%s\",\"key\":\"k%d\",\"value\":",
			h->client, ops[h->kind], h->key);
		if (h->has_value)
			fprintf(f, "\"%s\"", h->value);
		else
			fprintf(f, "null");
		if (h->kind == 3)
			fprintf(f, ",\"rev\":%llu", (unsigned long long)h->rev);
		else
			fprintf(f, ",\"rev\":null");
		fprintf(f, ",\"call\":%llu,\"ret\":", (unsigned long long)h->call);
		if (unknown)
			fprintf(f, "null");
		else
			fprintf(f, "%llu", (unsigned long long)h->ret);
		fprintf(f, ",\"status\":\"%s\",\"result\":",
			unknown ? "unknown" : st[h->status]);
		if (unknown || h->res_null)
			fprintf(f, "null");
		else if (h->kind == 0)
			fprintf(f, "\"%s\"", h->res_str);
		else
			fprintf(f, "%llu", (unsigned long long)h->res_num);
		fprintf(f, "}\n");
	}
	return fclose(f) ? -errno : 0;
}

static int parse_faults(const char *list, u32 *out)
{
	char *copy = strdup(list), *tok, *save;
	u32 i, f = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			f |= F_ALL;
			continue;
		}
		if (!strcmp(tok, "none"))
			continue;
		for (i = 0; i < ARRAY_SIZE(fault_names); i++)
			if (!strcmp(tok, fault_names[i]))
				break;
		if (i == ARRAY_SIZE(fault_names)) {
			fprintf(stderr, "kraft-sim: unknown fault '%s'\n", tok);
			free(copy);
			return -1;
		}
		f |= 1u << i;
	}
	free(copy);
	*out = f;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kraft-sim --seed S [--nodes N] [--steps K] [--faults LIST] [--history FILE]\n"
		"  LIST: all, none, or any of drop,dup,delay,partition,crash,member,transfer\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct sim sim;
	struct sim *s = &sim;
	const char *hist = NULL, *faults_arg = "all";
	char tmp[] = "/tmp/kraft-sim-XXXXXX";
	u64 ok = 0, failed = 0, unknown = 0;
	bool have_seed = false;
	int i, rc = 0;
	u32 j;

	s->n = 3;
	s->steps = 2000;
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(argv[i], "--seed"))
			s->seed = strtoull(v, NULL, 0), have_seed = true;
		else if (!strcmp(argv[i], "--nodes"))
			s->n = atoi(v);
		else if (!strcmp(argv[i], "--steps"))
			s->steps = strtoull(v, NULL, 0);
		else if (!strcmp(argv[i], "--faults"))
			faults_arg = v;
		else if (!strcmp(argv[i], "--history"))
			hist = v;
		else
			usage();
		i++;
	}
	if (!have_seed || s->n < 1 || s->n > SIM_MAX_NODES ||
	    parse_faults(faults_arg, &s->faults))
		usage();
	s->rng = (s->seed + 1) * 0x9E3779B97F4A7C15ull;
	for (j = 0; j < s->n; j++)
		initial_conf.voters[initial_conf.n_voters++] = j + 1;
	for (j = 0; j < s->n; j++) {
		s->nodes[j].id = j + 1;
		if (node_start(s, &s->nodes[j], &initial_conf)) {
			fprintf(stderr, "kraft-sim: cannot start node %u\n", j + 1);
			return 2;
		}
	}
	for (s->now = 0; s->now < s->steps && !s->failed; s->now++) {
		faults(s);
		deliver(s);
		for (j = 0; j < s->n; j++) {
			if (!s->nodes[j].up)
				continue;
			kraft_raft_tick(s->nodes[j].r);
			process(s, &s->nodes[j]);
		}
		clients(s);
		sim_check_step(s);
	}
	for (j = 0; j < s->n_hist; j++) {
		int st = s->hist[j].status;

		ok += st == 0;
		failed += st == 1;
		unknown += st == 2;
	}
	if (!hist) {
		int fd = mkstemp(tmp);

		if (fd < 0)
			return 2;
		close(fd);
	}
	if (write_history(s, hist ? hist : tmp)) {
		fprintf(stderr, "kraft-sim: cannot write the history\n");
		return 2;
	}
	if (!s->failed) {
		int lc = lincheck_file(hist ? hist : tmp, stderr);

		if (lc == LC_VIOLATION)
			sim_fail(s, "the client history is not linearizable");
		else if (lc == LC_GAVE_UP)
			fprintf(stderr, "kraft-sim: seed %llu: lincheck gave up\n",
				(unsigned long long)s->seed);
		rc = lc == LC_GAVE_UP ? 2 : 0;
	}
	if (!hist)
		unlink(tmp);
	printf("seed %llu: %u nodes, %llu steps, ops %u (ok %llu, fail %llu, unknown %llu), elections %llu, crashes %llu, partitions %llu, conf changes %llu, transfers %llu, snapshots %llu: %s\n",
	       (unsigned long long)s->seed, s->n, (unsigned long long)s->steps,
	       s->n_hist, (unsigned long long)ok, (unsigned long long)failed,
	       (unsigned long long)unknown, (unsigned long long)s->elections,
	       (unsigned long long)s->crashes,
	       (unsigned long long)s->partitions,
	       (unsigned long long)s->conf_changes,
	       (unsigned long long)s->transfers,
	       (unsigned long long)s->snapshots,
	       s->failed ? "VIOLATION" : rc ? "gave up" : "ok");
	for (j = 0; j < s->n; j++) {
		if (s->nodes[j].up) {
			drop_captured(&s->nodes[j]);
			kraft_raft_free(s->nodes[j].r);
			kraft_kv_free(s->nodes[j].kv);
		}
		free_log(&s->nodes[j]);
		free(s->nodes[j].snap.data);
		free(s->nodes[j].reqs);
	}
	for (j = 0; j < s->nq; j++)
		free(s->q[j].buf);
	free(s->q);
	free(s->hist);
	free(s->leader_of_term);
	free(s->g_term);
	free(s->g_hash);
	free(s->g_cterm);
	return s->failed ? 1 : rc;
}
