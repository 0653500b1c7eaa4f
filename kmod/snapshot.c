// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c - a node's snapshots of its own state: the address book and
 * the KV state machine at an applied index, in the store's idle snapshot
 * slot, after which the core compacts its log there; and restoring one.
 *
 * Writing a large state takes long (sorting, checksums, the write), and a
 * leader that stops for it misses heartbeats and loses its followers. So
 * the loop only captures the state (its items held, not copied:
 * kraft_kv_capture()) and hands it to its writer, which seals it (order,
 * checksum) and writes it (kraft_store_snapshot_write() touches only the
 * device) while the loop goes on appending and applying. The writer is a
 * kthread worker of the node's own at nice 19: on a busy host it takes the
 * CPU the loop leaves, not the loop's. When the writer is done
 * the loop completes the snapshot: the store's slot bookkeeping, the
 * ring's compaction, the core's. One snapshot is in flight at a time; a
 * snapshot the loop needs at once (the ring is full, a user asked, a
 * leader's snapshot arrives) waits for it first.
 *
 * The loop owns the job but for the writer's stretch between
 * kthread_queue_work() and @done, which is released by the writer and acquired
 * by the loop. No locks.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "trace.h"

#include "node.h"

static unsigned int snapshot_log_kb = 4096;
module_param(snapshot_log_kb, uint, 0644);
MODULE_PARM_DESC(snapshot_log_kb,
		 "Take a snapshot once this many KiB of entries were applied since the last one, or as many bytes as the last snapshot had when that is more (default 4096); also whenever the log fills half its ring");

/*
 * Whether enough was applied since the last snapshot to take another: at
 * least snapshot_log_kb, and at least the last snapshot's size, so that
 * writing snapshots of a large state costs no more than the log they
 * replace (LogCabin's snapshotRatio, at 1). Half the ring in use forces
 * one whatever the sizes.
 */
static bool snap_due(struct kraft_node *n)
{
	struct kraft_store *s = &n->store;
	u64 need = max_t(u64, (u64)READ_ONCE(snapshot_log_kb) << 10,
			 s->snap_index[s->snap_slot] ? s->snap_len[s->snap_slot] : 0);

	return n->applied_bytes >= need ||
	       kraft_dl_ring_free_bytes(&s->ring) <= s->ring.size / 2;
}

/* The writer: the sealed data, zero-padded to whole blocks, into the slot. */
static void snap_write(struct kthread_work *work)
{
	struct kraft_snap_job *job = container_of(work, struct kraft_snap_job,
						  work);
	struct kraft_node *n = container_of(job, struct kraft_node, snap);
	u32 span = round_up(max_t(u32, job->h.len, 1), KRAFT_DL_BLOCK);
	u8 *buf = kvzalloc(span, GFP_KERNEL);
	int err = -ENOMEM;

	if (buf) {
		memcpy(buf, job->book, job->book_len);
		err = kraft_kv_seal(job->cap, buf + job->book_len);
	}
	if (!err)
		err = kraft_store_snapshot_write(&n->store, job->slot, &job->h,
						 buf, span);
	kvfree(buf);
	job->err = err;
	/* pairs with kraft_snap_ready(): @err and the store's writes first */
	smp_store_release(&job->done, true);
	wake_up(&n->wq);
}

static void snap_release(struct kraft_node *n, struct kraft_snap_job *job)
{
	kraft_kv_release(n->kv, job->cap);
	kvfree(job->book);
	job->cap = NULL;
	job->book = NULL;
}

/*
 * The state at the applied index, and the slot it goes into.
 * Return: 0, -EALREADY (nothing applied since the last one), -EFBIG (it
 * outgrew the slots: the log cannot be compacted and fills), -ENOMEM.
 */
static int snap_capture(struct kraft_node *n, struct kraft_snap_job *job)
{
	struct kraft_snapshot snap = { 0 };
	struct kraft_status st;
	u32 len = 0;
	int err;

	kraft_raft_status(n->r, &st);
	if (st.applied <= st.snap_index)
		return -EALREADY;
	job->book_len = kraft_book_encoded_len(&n->book);
	job->book = kvmalloc(job->book_len, GFP_KERNEL);
	if (!job->book)
		return -ENOMEM;
	kraft_book_encode(&n->book, job->book);
	err = kraft_kv_capture(n->kv, &job->cap, &len);
	if (err)
		goto err_book;
	snap.index = st.applied;
	snap.term = kraft_raft_term_at(n->r, st.applied);
	snap.conf = st.conf;
	snap.len = job->book_len + len;
	if (snap.len < len) {
		err = -EFBIG;
		goto err_cap;
	}
	job->slot = kraft_store_snapshot_begin(&n->store, &snap, &job->h);
	if (job->slot < 0) {
		err = job->slot;
		goto err_cap;
	}
	job->done = false;
	n->applied_bytes = 0;
	return 0;

err_cap:
	kraft_kv_release(n->kv, job->cap);
	job->cap = NULL;
err_book:
	kvfree(job->book);
	job->book = NULL;
	if (err == -EFBIG) {
		n->applied_bytes = 0;	/* not again at the next round */
		pr_warn_ratelimited("%s: the state (%llu bytes) outgrew the snapshot slots; the log cannot be compacted\n",
				    n->name, (u64)job->book_len + len);
	}
	return err;
}

/* The writer is done: the store and then the core take the snapshot. */
static void snap_complete(struct kraft_node *n)
{
	struct kraft_snap_job *job = &n->snap;
	struct kraft_snapshot snap = {
		.index = job->h.index, .term = job->h.term,
		.conf = job->h.conf, .len = job->h.len,
	};
	int err = job->err;

	n->snap_busy = false;
	snap_release(n, job);
	if (err == -ENOMEM || n->status.failed)
		return;	/* nothing written; or the node stopped anyway */
	if (!err)
		err = kraft_store_snapshot_done(&n->store, job->slot, &job->h);
	if (err) {
		kraft_node_fail(n, "writing a snapshot", err);
		return;
	}
	/* -EALREADY when a leader's snapshot got further: nothing to do */
	if (kraft_raft_snapshot_at(n->r, &snap) == -EBUSY)
		job->late = snap;	/* inside a ready: kraft_snap_late() */
	trace_kraft_snapshot(n->name, snap.index, snap.len, false);
}

/**
 * kraft_snap_late() - the core takes a snapshot the store completed
 *	inside a ready (room made in a full ring), so that it compacts its
 *	in-memory log too
 * @n: the node (its loop), after kraft_raft_advance()
 */
void kraft_snap_late(struct kraft_node *n)
{
	struct kraft_snapshot snap = n->snap.late;

	if (!snap.index)
		return;
	n->snap.late.index = 0;
	/* -EALREADY when a leader's snapshot came after it in that ready */
	kraft_raft_snapshot_at(n->r, &snap);
}

/**
 * kraft_snap_wait() - wait for the snapshot being written, and complete it
 * @n: the node (its loop)
 */
void kraft_snap_wait(struct kraft_node *n)
{
	if (!n->snap_busy)
		return;
	kthread_flush_work(&n->snap.work);
	snap_complete(n);
}

/**
 * kraft_snap_ready() - whether the writer is done and the loop should run
 * @n: the node (its loop)
 */
bool kraft_snap_ready(struct kraft_node *n)
{
	/* pairs with snap_write(): then its @err is seen */
	return n->snap_busy && smp_load_acquire(&n->snap.done);
}

/**
 * kraft_snap_maybe() - take a snapshot when it is time, or complete one
 * @n: the node (its loop)
 * @force: now, and written before this returns (to make room in the ring,
 *	or asked for); otherwise when snap_due(), written in the background
 */
void kraft_snap_maybe(struct kraft_node *n, bool force)
{
	struct kraft_snap_job *job = &n->snap;

	if (n->snap_busy) {
		if (!force && !kraft_snap_ready(n))
			return;
		kraft_snap_wait(n);
		if (!force || n->status.failed)
			return;
	}
	if (!force && !snap_due(n))
		return;
	if (snap_capture(n, job))
		return;
	n->snap_busy = true;
	if (force) {
		snap_write(&job->work);
		snap_complete(n);
	} else {
		kthread_queue_work(job->worker, &job->work);
	}
}

/**
 * kraft_snap_init() - start a node's snapshot writer, idle
 * @n: the node
 *
 * Return: 0 or a negative errno.
 */
int kraft_snap_init(struct kraft_node *n)
{
	struct kraft_snap_job *job = &n->snap;

	kthread_init_work(&job->work, snap_write);
	job->worker = kthread_create_worker(0, "ksnap/%s", n->name);
	if (IS_ERR(job->worker))
		return PTR_ERR(job->worker);
	sched_set_normal(job->worker->task, MAX_NICE);
	return 0;
}

/**
 * kraft_snap_stop() - wait for the writer, drop what it had and end it,
 *	before the store closes
 * @n: the node, its loop stopped
 */
void kraft_snap_stop(struct kraft_node *n)
{
	kthread_flush_work(&n->snap.work);
	snap_release(n, &n->snap);
	n->snap_busy = false;
	kthread_destroy_worker(n->snap.worker);
	n->snap.worker = NULL;
}

/**
 * kraft_snap_restore() - replace the node's state by a snapshot's
 * @n: the node (its loop, or before it runs)
 * @data: the snapshot's data: the address book, then the state machine
 *	(see kmod/core/addrbook.c)
 * @len: its length
 *
 * Return: 0, or -EINVAL for a snapshot that is not a node's (nothing
 * changed then), or the state machine's error.
 */
int kraft_snap_restore(struct kraft_node *n, const u8 *data, u32 len)
{
	struct kraft_book *book;
	u32 used;
	int err;

	book = kmalloc(sizeof(*book), GFP_KERNEL);
	if (!book)
		return -ENOMEM;
	err = kraft_book_decode(data, len, book, &used);
	if (!err)
		err = kraft_kv_restore(n->kv, data + used, len - used);
	if (!err)
		n->book = *book;
	kfree(book);
	return err;
}
