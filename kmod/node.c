// SPDX-License-Identifier: GPL-2.0
/*
 * node.c - a kraft node's lifetime and its event loop. The loop (a
 * kthread) alone touches the node's core, KV state machine and store: the
 * hrtimer only counts ticks and wakes it, and requests from /dev/kraftN
 * are queued on @incoming and woken (kmod/req.c handles them, in the
 * loop). The loop persists what each ready asks (kmod/store.c, FUA)
 * before it applies, answers or acknowledges anything; a failed write
 * fails the node safe.
 *
 * Messages travel through the node's transport (kmod/transport.c): the
 * loop encodes what each ready sends and writes it to the peer's socket
 * (or queues it), and reads the sockets the transport says have data
 * (kraft_tp_receive()), which hands their frames to @rxq; the loop then
 * decodes and steps them.
 *
 * Locks, in order: kraft_nodes_lock (mutex: the node list, node up and
 * down), then a connection's rx_mutex (the transport's: the loop reading a
 * socket hands frames to kraft_node_deliver()), then a node's lock
 * (spinlock: its incoming and receive lists, stopping flag and published
 * status). No transport lock is taken under the node's lock.
 */
#include <linux/kthread.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <net/net_namespace.h>

#include "msg.h"
#include "trace.h"

#include "node.h"

DEFINE_MUTEX(kraft_nodes_lock);
LIST_HEAD(kraft_nodes);
static DEFINE_IDA(kraft_node_ida);

#define RX_FRAMES_MAX	8192	/* received frames waiting for the loop */
#define TICKS_MAX	2	/* ticks the loop takes at once */
#define KV_HISTORY	1024	/* events the state machine keeps for watches */
#define WATCH_FEED_EVERY (KV_HISTORY / 2)

/*
 * A committed membership change (the core has applied it to its
 * configuration): keep the address book and the transport in step, and
 * answer the request that proposed it, if it was made here.
 */
static int apply_conf(struct kraft_node *n, const struct kraft_entry *e)
{
	struct kraft_conf_change *cc;
	struct kraft_cc_item *it;
	struct kraft_req *req;
	u32 i;

	cc = kmalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return -ENOMEM;
	if (kraft_conf_change_decode(e->data, e->len, cc)) {
		kfree(cc);
		return 0;	/* the core refused it as well */
	}
	for (i = 0; i < cc->n; i++) {
		it = &cc->items[i];
		if (it->op == KRAFT_CC_REMOVE) {
			kraft_book_del(&n->book, it->id);
			if (it->id != n->sb.node_id)
				kraft_tp_remove_peer(n->tp, it->id);
		} else if (it->addr[0] &&
			   !kraft_book_set(&n->book, it->id, it->addr) &&
			   it->id != n->sb.node_id) {
			kraft_tp_set_peer(n->tp, it->id, it->addr);
		}
	}
	kfree(cc);
	list_for_each_entry(req, &n->waiting, link)
		if (req->op == KRAFT_REQ_CONF && req->vlen == e->len &&
		    !memcmp(req->val, e->data, e->len)) {
			kraft_req_finish(req, 0);
			break;
		}
	return 0;
}

/*
 * Apply a committed entry. Return: 0, or -ENOMEM: nothing was applied,
 * and the node must not go on (skipping it would set this node's state
 * apart from the others'); it fails safe and comes back from its disk.
 */
static int apply(struct kraft_node *n, const struct kraft_entry *e)
{
	struct kraft_kv_outcome res;
	struct kraft_kv_cmd cmd;
	struct kraft_req *req;
	int err;

	if (e->type == KRAFT_ENTRY_CONF)
		return apply_conf(n, e);
	if (e->type != KRAFT_ENTRY_NORMAL)
		return 0;
	err = kraft_kv_apply(n->kv, e->data, e->len, &cmd, &res);
	if (err == -ENOMEM)
		return err;
	if (err) {
		pr_warn("%s: index %llu is not a command; skipped\n", n->name,
			e->index);
		return 0;
	}
	/* feed watches before the history could wrap past them */
	if (!list_empty(&n->watches) && ++n->unwatched >= WATCH_FEED_EVERY)
		kraft_watches_feed(n);
	if (cmd.origin != n->sb.node_id)
		return 0;
	req = kraft_req_find(n, cmd.req);
	if (req) {
		req->res = res;
		kraft_req_finish(req, 0);
	}
	return 0;
}

/*
 * A snapshot from the leader covers entries this node never applied one
 * by one: whether a write of its own among them committed is unknown, so
 * it waits for its timeout instead of being cancelled.
 */
static void forget_indexes(struct kraft_node *n, u64 upto)
{
	struct kraft_req *req;

	list_for_each_entry(req, &n->waiting, link)
		if (req->index <= upto)
			req->index = 0;
}

/*
 * An I/O error, or an entry it could not apply: the node stops
 * acknowledging anything (fail safe) until it comes back from its disk.
 */
void kraft_node_fail(struct kraft_node *n, const char *what, int err)
{
	pr_err("%s: %s failed (%d): the node stops acknowledging\n", n->name,
	       what, err);
	spin_lock(&n->lock);
	n->status.failed = true;
	spin_unlock(&n->lock);
	kraft_reqs_fail(n, &n->waiting, -EIO);
}

/* After a snapshot from the leader: dial whom the book names. */
static void sync_peers(struct kraft_node *n)
{
	u32 i;

	for (i = 0; i < n->book.n; i++)
		if (n->book.e[i].id != n->sb.node_id)
			kraft_tp_set_peer(n->tp, n->book.e[i].id,
					  n->book.e[i].addr);
}

static void send_msgs(struct kraft_node *n, const struct kraft_ready *rd)
{
	u32 i;

	for (i = 0; i < rd->n_msgs; i++)
		kraft_tp_send(n->tp, rd->msgs[i].to, rd->msgs[i].buf,
			      rd->msgs[i].len);	/* lost ones: Raft resends */
}

static unsigned int commit_save_ms = 100;
module_param(commit_save_ms, uint, 0644);
MODULE_PARM_DESC(commit_save_ms,
		 "Write a new commit index that comes alone at most every this many ms (default 100); term and vote are always written at once");

static int save_hs(struct kraft_node *n)
{
	int err = kraft_store_save_hs(&n->store, n->hs.term, n->hs.vote,
				      n->hs.commit);

	if (!err) {
		n->hs_dirty = false;
		n->hs_saved = jiffies;
	}
	return err;
}

/*
 * A new commit index alone is written at most every commit_save_ms, and
 * when the node stops (@now), not in the ready that brought it: Raft does
 * not need it durable (a leader tells it again), and such a write costs
 * about what an append does, which every follower's ack and client's
 * answer would wait for. Recovery applies up to the commit index found.
 */
static void save_commit(struct kraft_node *n, bool now)
{
	int err;

	if (!n->hs_dirty || n->status.failed)
		return;
	if (!now && time_before(jiffies, n->hs_saved +
				msecs_to_jiffies(READ_ONCE(commit_save_ms))))
		return;
	err = save_hs(n);
	if (err)
		kraft_node_fail(n, "persisting", err);
}

/* Ring bytes @e needs, pads at a wrap included (an upper bound). */
static u64 ring_need(const struct kraft_entry *e, u32 n)
{
	u64 need = 0;
	u32 i;

	for (i = 0; i < n; i++)
		need += 2 * kraft_dl_rec_len(e[i].len);
	return need;
}

static void run_ready(struct kraft_node *n)
{
	struct kraft_ready rd;
	struct kraft_req *req;
	bool sent;
	u32 i;
	int err;

	while (!n->status.failed && kraft_raft_has_ready(n->r)) {
		if (kraft_raft_ready(n->r, &rd))
			return;
		if (rd.ss_changed)
			trace_kraft_role(n->name, rd.hs.term, rd.role, rd.lead);
		if (rd.hs_changed && rd.hs.term != n->traced_term) {
			/* a new term this node voted itself in: it campaigned */
			if (rd.hs.vote == n->sb.node_id)
				trace_kraft_election(n->name, rd.hs.term);
			n->traced_term = rd.hs.term;
		}
		if (rd.n_committed)
			trace_kraft_commit(n->name, rd.hs.commit,
					   rd.n_committed);
		err = 0;
		/*
		 * Messages go once, as soon as they may: before the entries
		 * are durable when the core allows it (a leader's appends);
		 * else a follower's once they are (its acknowledgements), a
		 * leader's once the writes they commit are answered (the new
		 * commit index to its followers).
		 */
		sent = rd.msgs_early;
		if (sent)
			send_msgs(n, &rd);
		if (rd.snapshot) {
			kraft_snap_wait(n);	/* its slot, then the leader's */
			/*
			 * The core dropped its whole log for the leader's
			 * snapshot: the records after it go first, or a
			 * restart would bring them back after it.
			 */
			err = n->status.failed ? -EIO :
			      kraft_store_truncate(&n->store,
						   rd.snapshot->index + 1);
			if (!err)
				err = kraft_store_save_snapshot(&n->store,
								rd.snapshot);
			if (!err)
				err = kraft_snap_restore(n, rd.snapshot->data,
						       rd.snapshot->len);
			if (!err) {
				n->applied_bytes = 0;
				forget_indexes(n, rd.snapshot->index);
				sync_peers(n);
				trace_kraft_snapshot(n->name, rd.snapshot->index,
						     rd.snapshot->len, true);
			}
		}
		/* make room first: what is applied can go into a snapshot */
		if (!err && rd.n_entries &&
		    ring_need(rd.entries, rd.n_entries) >
		    kraft_dl_ring_free_bytes(&n->store.ring))
			kraft_snap_maybe(n, true);
		if (!err && rd.n_entries) {
			err = kraft_store_append(&n->store, rd.entries,
						 rd.n_entries);
			n->proposed_bytes = 0;
		}
		if (rd.hs_changed) {
			n->hs = rd.hs;
			n->hs_dirty = true;
		}
		/* term and vote durable before anything is sent */
		if (!err && n->hs_dirty &&
		    kraft_store_hs_sync(&n->store, n->hs.term, n->hs.vote))
			err = save_hs(n);
		if (err) {
			kraft_node_fail(n, "persisting", err);
			return;
		}
		if (!sent && rd.role != KRAFT_LEADER) {
			send_msgs(n, &rd);
			sent = true;
		}
		for (i = 0; i < rd.n_committed; i++) {
			err = apply(n, &rd.committed[i]);
			if (err) {
				kraft_node_fail(n, "applying", err);
				return;
			}
			n->applied_bytes += rd.committed[i].len;
		}
		if (rd.n_committed && !list_empty(&n->watches))
			kraft_watches_feed(n);
		if (!sent)
			send_msgs(n, &rd);
		for (i = 0; i < rd.n_reads; i++) {
			req = kraft_req_find(n, rd.reads[i].ctx);
			if (req) {
				req->have_index = true;
				req->read_index = rd.reads[i].index;
			}
		}
		kraft_raft_advance(n->r);
		kraft_snap_late(n);
		kraft_reqs_settle(n);
	}
	if (!n->status.failed)
		kraft_snap_maybe(n, false);
}


/* Transport callback (the loop, or its workqueue): queue a received frame. */
static void kraft_node_deliver(void *owner, struct kraft_frame *f)
{
	struct kraft_node *n = owner;
	bool taken = false;

	spin_lock(&n->lock);
	if (!n->stopping && n->rx_frames < RX_FRAMES_MAX) {
		list_add_tail(&f->link, &n->rxq);
		n->rx_frames++;
		taken = true;
	} else {
		n->rx_dropped++;
	}
	spin_unlock(&n->lock);
	if (taken)
		wake_up(&n->wq);
	else
		kraft_frame_free(f);
}

/* Transport callback (socket callbacks): a connection has data to read. */
static void kraft_node_wake(void *owner)
{
	struct kraft_node *n = owner;

	wake_up(&n->wq);
}

/* Decode and step one received frame. Return: 0 or the error. */
static int step_frame(struct kraft_node *n, struct kraft_frame *f)
{
	struct kraft_msg m;
	int err;

	err = kraft_msg_decode(f->data, f->len, &m);
	if (err)
		return err;
	if (m.from != f->from || m.to != n->sb.node_id)
		err = -EINVAL;
	else
		err = kraft_raft_step(n->r, &m);
	kraft_msg_release(&m);
	return err;
}

static void take_received(struct kraft_node *n)
{
	struct kraft_frame *f, *tmp;
	LIST_HEAD(batch);
	int err;

	spin_lock(&n->lock);
	list_splice_init(&n->rxq, &batch);
	n->rx_frames = 0;
	spin_unlock(&n->lock);
	list_for_each_entry_safe(f, tmp, &batch, link) {
		/* a failed node stays silent */
		err = n->status.failed ? 0 : step_frame(n, f);
		if (err == -ENOMEM || err == -ENOSPC || err == -EBUSY) {
			/* no room for it now, not the peer's fault */
			spin_lock(&n->lock);
			n->rx_dropped++;
			spin_unlock(&n->lock);
		} else if (err) {
			n->rx_bad++;
		}
		kraft_frame_free(f);
	}
}

static const char *member_addr(struct kraft_node *n, u64 id)
{
	return kraft_book_get(&n->book, id) ?: "";
}

static bool conf_equal(const struct kraft_conf *a, const struct kraft_conf *b)
{
	return a->n_voters == b->n_voters && a->n_out == b->n_out &&
	       a->n_learners == b->n_learners &&
	       !memcmp(a->voters, b->voters, sizeof(a->voters)) &&
	       !memcmp(a->voters_out, b->voters_out, sizeof(a->voters_out)) &&
	       !memcmp(a->learners, b->learners, sizeof(a->learners));
}

/*
 * Publish the status for NODE_GET (the loop alone writes n->status, so it
 * reads the previous one without the lock) and multicast what changed.
 */
static void publish(struct kraft_node *n)
{
	struct kraft_node_status *d = &n->draft;
	bool lead_changed, conf_changed;
	struct kraft_tp_stats ts;
	u32 i;

	kraft_raft_status(n->r, &d->st);
	kraft_tp_get_stats(n->tp, &ts);
	d->disk_errors = atomic64_read(&n->store.disk.errors);
	d->frames_bad = ts.bad + n->rx_bad;
	d->n_peers = 0;
	for (i = 0; i < d->st.n_peers && i < KRAFT_BOOK_MAX; i++) {
		struct kraft_node_peer *p = &d->peers[d->n_peers];

		if (kraft_raft_peer_status(n->r, i, &p->ps))
			break;
		strscpy(p->addr, member_addr(n, p->ps.id), sizeof(p->addr));
		p->connected = p->ps.id == n->sb.node_id ||
			       kraft_tp_connected(n->tp, p->ps.id);
		d->n_peers++;
	}
	lead_changed = d->st.lead != n->status.st.lead;
	conf_changed = !conf_equal(&d->st.conf, &n->status.st.conf);
	spin_lock(&n->lock);
	d->failed = n->status.failed;
	d->frames_dropped = ts.dropped + n->rx_dropped;
	n->status = *d;
	spin_unlock(&n->lock);
	if (lead_changed)
		kraft_nl_notify(n, KRAFT_CMD_EVENT_LEADER, d);
	if (conf_changed)
		kraft_nl_notify(n, KRAFT_CMD_EVENT_MEMBERSHIP, d);
}

static bool has_work(struct kraft_node *n)
{
	bool work;

	spin_lock(&n->lock);
	work = !list_empty(&n->incoming) || !list_empty(&n->rxq);
	spin_unlock(&n->lock);
	return work || kraft_tp_rx_pending(n->tp) || atomic_read(&n->ticks) ||
	       kraft_snap_ready(n) || kthread_should_stop();
}

static int kraft_node_loop(void *arg)
{
	struct kraft_node *n = arg;
	LIST_HEAD(pending);
	int ticks;

	while (!kthread_should_stop()) {
		wait_event_interruptible(n->wq, has_work(n));
		/*
		 * What peers sent first, then at most TICKS_MAX ticks: after
		 * the loop was held up (a large snapshot), a backlog of ticks
		 * taken at once would time out elections and quorum checks
		 * against messages still waiting here. Ticks beyond it are
		 * dropped, as etcd's node drops ticks it has no time for.
		 */
		kraft_tp_receive(n->tp);
		take_received(n);
		ticks = min(atomic_xchg(&n->ticks, 0), TICKS_MAX);
		while (ticks-- > 0 && !n->status.failed)
			kraft_raft_tick(n->r);
		kraft_reqs_take(n, &pending);
		if (!n->status.failed)
			run_ready(n);
		else if (kraft_snap_ready(n))
			kraft_snap_wait(n);	/* a failed node drops it */
		save_commit(n, false);
		publish(n);
		cond_resched();
	}
	save_commit(n, true);
	spin_lock(&n->lock);
	list_splice_init(&n->incoming, &pending);
	spin_unlock(&n->lock);
	kraft_reqs_fail(n, &pending, -ESHUTDOWN);
	kraft_reqs_fail(n, &n->waiting, -ESHUTDOWN);
	kraft_watches_end(n);
	return 0;
}

static enum hrtimer_restart kraft_node_tick(struct hrtimer *t)
{
	struct kraft_node *n = container_of(t, struct kraft_node, timer);

	atomic_inc(&n->ticks);
	wake_up(&n->wq);
	hrtimer_forward_now(t, ms_to_ktime(n->tick_ms));
	return HRTIMER_RESTART;
}

/**
 * kraft_node_submit() - hand a request to a node's loop and wait
 * @n: the node
 * @req: the request (one reference is the caller's)
 * @timeout_ms: how long to wait
 *
 * Return: 0 with the outcome in @req, -ETIMEDOUT (the outcome of a write
 * is then unknown), -EINTR, -ESHUTDOWN, -EIO (node failed), or the error
 * the loop gave.
 */
int kraft_node_submit(struct kraft_node *n, struct kraft_req *req,
		      u32 timeout_ms)
{
	long left;

	kref_get(&req->ref);	/* the loop's */
	spin_lock(&n->lock);
	if (n->stopping || n->status.failed) {
		int err = n->stopping ? -ESHUTDOWN : -EIO;

		spin_unlock(&n->lock);
		kraft_req_put(req);
		return err;
	}
	list_add_tail(&req->link, &n->incoming);
	spin_unlock(&n->lock);
	wake_up(&n->wq);
	left = wait_for_completion_interruptible_timeout(&req->done,
			msecs_to_jiffies(timeout_ms));
	if (left > 0)
		return req->err;
	return left ? -EINTR : -ETIMEDOUT;
}

static void kraft_node_release(struct kref *ref)
{
	struct kraft_node *n = container_of(ref, struct kraft_node, ref);

	ida_free(&kraft_node_ida, n->index);
	kfree(n);
}

void kraft_node_put(struct kraft_node *n)
{
	kref_put(&n->ref, kraft_node_release);
}

/* Under kraft_nodes_lock. */
struct kraft_node *kraft_node_find(const char *name)
{
	struct kraft_node *n;

	list_for_each_entry(n, &kraft_nodes, link)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

void kraft_node_get_status(struct kraft_node *n, struct kraft_node_status *s)
{
	spin_lock(&n->lock);
	*s = n->status;
	spin_unlock(&n->lock);
}

/* The core sends snapshot chunks from the device, not from memory. */
static int read_snapshot(void *arg, u64 index, u64 off, void *buf, u32 len)
{
	struct kraft_node *n = arg;

	return kraft_store_read_snapshot(&n->store, index, off, buf, len);
}

static int start_core(struct kraft_node *n, const struct kraft_node_config *c,
		      struct kraft_dl_state *st)
{
	struct kraft_restore rs = {
		.hs = { .term = st->hs.term, .vote = st->hs.vote,
			.commit = st->hs.commit },
		.entries = st->entries, .n_entries = st->n_entries,
	};
	struct kraft_snapshot snap = {
		.index = st->snap.index, .term = st->snap.term,
		.conf = st->snap.conf, .len = st->snap.len,
		.data = st->snap_data,
	};
	struct kraft_config cfg;
	u32 i;
	int err;

	kraft_config_default(&cfg, n->sb.node_id);
	cfg.election_ticks = max(2u, c->election_ms / c->tick_ms);
	cfg.heartbeat_ticks = clamp(c->heartbeat_ms / c->tick_ms, 1u,
				    cfg.election_ticks - 1);
	cfg.seed = get_random_u64();
	cfg.read_snapshot = read_snapshot;
	cfg.snap_arg = n;
	for (i = 0; i < n->sb.n_peers; i++)
		cfg.initial.voters[cfg.initial.n_voters++] = n->sb.peers[i].id;
	if (snap.index)
		rs.snapshot = &snap;
	cfg.restore = &rs;
	n->kv = kraft_kv_new(KV_HISTORY);
	if (!n->kv)
		return -ENOMEM;
	for (i = 0; i < n->sb.n_peers; i++)
		kraft_book_set(&n->book, n->sb.peers[i].id,
			       n->sb.peers[i].addr);
	if (snap.index) {
		err = kraft_snap_restore(n, snap.data, snap.len);
		if (err)
			return err;
	}
	n->r = kraft_raft_new(&cfg, &err);
	return n->r ? 0 : err;
}

static int start_transport(struct kraft_node *n,
			   const struct kraft_node_config *c, const char **why)
{
	struct kraft_tp_config tc = {
		.net = n->net, .self = n->sb.node_id, .cluster = n->sb.cluster,
		.key = n->sb.key, .key_len = n->sb.key_len, .name = n->name,
		.owner = n, .deliver = kraft_node_deliver,
		.wake = kraft_node_wake,
	};
	const char *listen = c->listen;
	u32 i;
	int err;

	if (!listen)
		listen = kraft_book_get(&n->book, n->sb.node_id);
	if (!listen || kraft_tp_parse_addr(listen, &tc.listen)) {
		*why = "the listen address is not IP:PORT or [IPv6]:PORT";
		return -EINVAL;
	}
	err = kraft_tp_start(&tc, &n->tp);
	if (err) {
		*why = err == -EADDRINUSE ? "the listen address is in use" :
		       err == -EADDRNOTAVAIL ?
		       "the listen address is not on this host (namespace)" :
		       "cannot listen (see dmesg)";
		pr_err("%s: listening on %s: %d\n", n->name, listen, err);
		return err;
	}
	for (i = 0; i < n->book.n; i++) {
		if (n->book.e[i].id == n->sb.node_id)
			continue;
		err = kraft_tp_set_peer(n->tp, n->book.e[i].id,
					n->book.e[i].addr);
		if (err) {
			*why = "a peer's address is not IP:PORT or [IPv6]:PORT";
			kraft_tp_stop(n->tp);
			n->tp = NULL;
			return err;
		}
	}
	return 0;
}

static void drain_received(struct kraft_node *n)
{
	struct kraft_frame *f, *tmp;

	list_for_each_entry_safe(f, tmp, &n->rxq, link)
		kraft_frame_free(f);
	INIT_LIST_HEAD(&n->rxq);
}

/**
 * kraft_node_up() - start a node on a device
 * @c: the configuration
 * @out: the node, on the node list; under kraft_nodes_lock
 * @why: a reason (a static string) when the device is refused
 *
 * Return: 0 or a negative errno (see kraft_store_open()).
 */
int kraft_node_up(const struct kraft_node_config *c, struct kraft_node **out,
		  const char **why)
{
	struct kraft_dl_state *st;
	struct kraft_node *n;
	int err = -ENOMEM;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!n || !st)
		goto err_free;
	kref_init(&n->ref);
	spin_lock_init(&n->lock);
	init_waitqueue_head(&n->wq);
	INIT_LIST_HEAD(&n->incoming);
	INIT_LIST_HEAD(&n->waiting);
	INIT_LIST_HEAD(&n->rxq);
	INIT_LIST_HEAD(&n->watches);
	n->net = get_net(c->net);
	n->tick_ms = c->tick_ms;
	n->index = ida_alloc_max(&kraft_node_ida, 9999, GFP_KERNEL);
	if (n->index < 0) {
		err = n->index;
		goto err_free;
	}
	snprintf(n->name, sizeof(n->name), "kraft%d", n->index);
	err = kraft_store_open(&n->store, c->device, n, st, why);
	if (err)
		goto err_ida;
	n->sb = n->store.sb;
	err = start_core(n, c, st);
	kraft_dl_state_free(st);
	if (err)
		goto err_core;
	err = start_transport(n, c, why);
	if (err)
		goto err_core;
	publish(n);
	err = kraft_kvdev_register(n);
	if (err)
		goto err_tp;
	err = kraft_snap_init(n);
	if (err)
		goto err_dev;
	n->loop = kthread_run(kraft_node_loop, n, "kraft/%s", n->name);
	if (IS_ERR(n->loop)) {
		err = PTR_ERR(n->loop);
		goto err_snap;
	}
	hrtimer_init(&n->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	n->timer.function = kraft_node_tick;
	hrtimer_start(&n->timer, ms_to_ktime(n->tick_ms), HRTIMER_MODE_REL);
	list_add_tail(&n->link, &kraft_nodes);
	pr_info("%s: node %llu of cluster %s up on %s\n", n->name,
		n->sb.node_id, n->sb.cluster, c->device);
	kfree(st);
	*out = n;
	return 0;

err_snap:
	kraft_snap_stop(n);
err_dev:
	kraft_kvdev_unregister(n);
err_tp:
	kraft_tp_stop(n->tp);
	drain_received(n);
err_core:
	kraft_raft_free(n->r);
	kraft_kv_free(n->kv);
	kraft_store_close(&n->store);
err_ida:
	ida_free(&kraft_node_ida, n->index);
err_free:
	if (n && n->net)
		put_net(n->net);
	kfree(st);
	kfree(n);
	return err;
}

/**
 * kraft_node_down() - stop a node, flush and release everything
 * @n: the node, on the list; under kraft_nodes_lock
 *
 * Requests still waiting fail with -ESHUTDOWN. Open files of /dev/kraftN
 * keep the node's memory until closed; they get -ESHUTDOWN.
 */
void kraft_node_down(struct kraft_node *n)
{
	list_del(&n->link);
	kraft_kvdev_unregister(n);
	spin_lock(&n->lock);
	n->stopping = true;
	spin_unlock(&n->lock);
	hrtimer_cancel(&n->timer);
	kthread_stop(n->loop);
	kraft_snap_stop(n);
	kraft_tp_stop(n->tp);
	drain_received(n);
	put_net(n->net);
	n->net = NULL;
	kraft_raft_free(n->r);
	kraft_kv_free(n->kv);
	n->r = NULL;
	n->kv = NULL;
	kraft_store_close(&n->store);
	pr_info("%s: down\n", n->name);
	kraft_node_put(n);
}

void kraft_nodes_down_all(void)
{
	struct kraft_node *n, *tmp;

	mutex_lock(&kraft_nodes_lock);
	list_for_each_entry_safe(n, tmp, &kraft_nodes, link)
		kraft_node_down(n);
	mutex_unlock(&kraft_nodes_lock);
}
