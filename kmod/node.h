/* SPDX-License-Identifier: GPL-2.0 */
/*
 * node.h - one kraft node: its device, core, KV state machine, event loop
 * and data device /dev/kraftN.
 */
#ifndef KRAFT_NODE_H
#define KRAFT_NODE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/miscdevice.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/kthread.h>
#include <uapi/linux/kraft.h>

#include "store.h"
#include "transport.h"
#include "raft.h"
#include "kv.h"
#include "addrbook.h"

enum kraft_req_op {
	KRAFT_REQ_PUT = 1,
	KRAFT_REQ_DEL,
	KRAFT_REQ_CAS,
	KRAFT_REQ_GET,
	KRAFT_REQ_CONF,		/* @val: an encoded kraft_conf_change */
	KRAFT_REQ_TRANSFER,	/* @expect: the transferee */
	KRAFT_REQ_SNAPSHOT,
	KRAFT_REQ_RANGE,	/* @key: the prefix */
	KRAFT_REQ_WATCH,	/* @watch: to register */
};

/**
 * struct kraft_watch - a watch file's state (kmod/watch.c)
 * @ref: the file's, the node list's, a pending request's
 * @node: its node (a reference)
 * @link: on the node's watches (loop only)
 * @prefix: keys watched
 * @plen: its length
 * @next_rev: the next revision to deliver (loop only)
 * @lock: protects @events, @bytes, @ended and @err
 * @events: queued events
 * @bytes: their size
 * @ended: no more events: the node went down, or @err
 * @err: what read() returns once @events are read: 0 or -EOVERFLOW
 * @closed: the file was released
 * @wq: readers and pollers wait here
 */
struct kraft_watch {
	struct kref ref;
	struct kraft_node *node;
	struct list_head link;
	u8 *prefix;
	u32 plen;
	u64 next_rev;
	spinlock_t lock;
	struct list_head events;
	u32 bytes;
	bool ended;
	int err;
	bool closed;
	wait_queue_head_t wq;
};

/**
 * struct kraft_req - a data request from /dev/kraftN, waiting on the loop
 * @link: on the node's incoming or waiting list
 * @ref: the waiter's and the loop's
 * @done: completed by the loop
 * @op: enum kraft_req_op
 * @flags: KRAFT_KV_* flags
 * @id: node-unique, carried in the proposed command
 * @key: key copy
 * @klen: its length
 * @val: value copy (put, cas)
 * @vlen: its length
 * @vcrc_known: @vcrc and @vxpow are set (kraft_req_sum_value())
 * @vcrc: kraft_crc32c(0, @val, @vlen), computed by the submitter
 * @vxpow: kraft_crc32c_xpow8n(@vlen)
 * @expect: cas: expected mod revision
 * @index: a write or conf change proposed on the leader: its entry's index
 *	(0 when forwarded); another entry committed there cancels it
 * @term: the term of that entry; when this node's log no longer holds it
 *	(a new leader displaced it), the outcome is unknown and the caller
 *	hears so at once (-ETIMEDOUT) instead of after its timeout. For a
 *	write forwarded to the leader, or a get waiting for its read index:
 *	the term it was asked in; once the term changes, the leader it went
 *	to may have dropped it, and the caller hears so at once (a write:
 *	-ETIMEDOUT, outcome unknown; a get: -ECANCELED)
 * @err: 0 or a negative errno for the caller
 * @res: the state machine's answer
 * @item: get: the key's revisions
 * @out: get: a copy of the value (kvmalloc)
 * @read_index: get: the index to wait for
 * @have_index: get: @read_index is known
 * @limit: range: at most this many keys (0: all)
 * @cap: range: bytes of records wanted at most
 * @out_len: range: bytes of records in @out
 * @count: range: records in @out
 * @more: range: keys were left out
 * @watch: watch: the watch to register (a reference)
 */
struct kraft_req {
	struct list_head link;
	struct kref ref;
	struct completion done;
	u8 op;
	u32 flags;
	u64 id;
	u8 *key;
	u32 klen;
	u8 *val;
	u32 vlen;
	bool vcrc_known;
	u32 vcrc;
	u32 vxpow;
	u64 expect;
	u64 index;
	u64 term;
	int err;
	struct kraft_kv_outcome res;
	struct kraft_kv_item item;
	u8 *out;
	bool have_index;
	u64 read_index;
	u32 limit;
	u32 cap;
	u32 out_len;
	u32 count;
	bool more;
	struct kraft_watch *watch;
};

/**
 * struct kraft_node_peer - a member as NODE_GET reports it
 * @ps: the core's view (progress on a leader)
 * @addr: "HOST:PORT"
 * @connected: a handshaken connection is up (always true for this node)
 */
struct kraft_node_peer {
	struct kraft_peer_status ps;
	char addr[KRAFT_DL_ADDR_MAX + 1];
	bool connected;
};

/**
 * struct kraft_node_status - what NODE_GET reports, published by the loop
 * @st: the core's status
 * @disk_errors: I/O errors from the device
 * @frames_dropped: frames not sent or not taken (full queues, strangers,
 *	no memory)
 * @frames_bad: frames that failed checks (checksum, handshake, decoding)
 * @failed: the node failed safe
 * @n_peers: entries of @peers
 * @peers: the members
 */
struct kraft_node_status {
	struct kraft_status st;
	u64 disk_errors;
	u64 frames_dropped;
	u64 frames_bad;
	bool failed;
	u32 n_peers;
	struct kraft_node_peer peers[KRAFT_BOOK_MAX];
};

/**
 * struct kraft_snap_job - a snapshot being written (kmod/snapshot.c)
 * @worker: the writer's thread
 * @work: the writing
 * @h: its header in the store
 * @slot: the store's slot it goes into
 * @book: the address book, encoded
 * @book_len: bytes of @book
 * @cap: the state machine's items, held (kraft_kv_capture())
 * @err: the writer's outcome
 * @done: the writer is done (release/acquire)
 * @late: one the store took inside a ready, for the core after it (index
 *	0: none)
 */
struct kraft_snap_job {
	struct kthread_worker *worker;
	struct kthread_work work;
	struct kraft_dl_snap h;
	int slot;
	u8 *book;
	u32 book_len;
	struct kraft_kv_capture *cap;
	int err;
	bool done;
	struct kraft_snapshot late;
};

/**
 * struct kraft_node - a node
 * @link: on the global node list (kraft_nodes_lock)
 * @ref: lifetime: the list's, each open file's
 * @index: N of kraftN
 * @name: "kraftN"
 * @sb: its device's superblock
 * @store: its device
 * @r: the Raft core (loop only)
 * @kv: the state machine (loop only)
 * @loop: the event loop thread
 * @wq: the loop sleeps here
 * @ticks: ticks the hrtimer raised and the loop has not run yet
 * @timer: the tick
 * @tick_ms: tick period
 * @lock: protects @incoming, @stopping and @status
 * @incoming: new requests
 * @waiting: requests the loop has taken (loop only)
 * @stopping: no new requests; the loop ends
 * @status: published status
 * @next_id: request ids (loop only)
 * @misc: /dev/kraftN
 * @net: the network namespace of its sockets (a reference)
 * @tp: its transport
 * @rxq: received message frames for the loop (under @lock)
 * @rx_frames: frames on @rxq
 * @rx_dropped: frames dropped: @rxq was full, or no memory or log room to
 *	take one in (under @lock)
 * @rx_bad: frames the loop could not decode, or the core refused as
 *	malformed (loop only)
 * @book: members' addresses (loop only)
 * @draft: the next status, built by the loop outside @lock
 * @watches: registered watches (loop only)
 * @unwatched: entries applied since kraft_watches_feed() last ran (loop only)
 * @applied_bytes: bytes of entries applied since the last snapshot (loop)
 * @proposed_bytes: ring bytes proposals made here since the last append
 *	will take (loop only)
 * @traced_term: the last term seen by the tracepoints (loop only)
 * @hs: the newest hard state the core handed out (loop only)
 * @hs_dirty: @hs is not all written yet: its commit index (loop only)
 * @hs_saved: when (jiffies) @hs was last written (loop only)
 * @snap: the snapshot being written (loop only, but for its writer's part)
 * @snap_busy: @snap is in flight (loop only)
 */
struct kraft_node {
	struct list_head link;
	struct kref ref;
	int index;
	char name[KRAFT_NODE_NAME_MAX];
	struct kraft_dl_super sb;
	struct kraft_store store;
	struct kraft_raft *r;
	struct kraft_kv *kv;
	struct task_struct *loop;
	wait_queue_head_t wq;
	atomic_t ticks;
	struct hrtimer timer;
	u32 tick_ms;
	spinlock_t lock;
	struct list_head incoming;
	struct list_head waiting;
	bool stopping;
	struct kraft_node_status status;
	u64 next_id;
	struct miscdevice misc;
	struct net *net;
	struct kraft_tp *tp;
	struct list_head rxq;
	u32 rx_frames;
	u64 rx_dropped;
	u64 rx_bad;
	struct kraft_book book;
	struct kraft_node_status draft;
	struct list_head watches;
	u32 unwatched;
	u64 applied_bytes;
	u64 proposed_bytes;
	u64 traced_term;
	struct kraft_hard_state hs;
	bool hs_dirty;
	unsigned long hs_saved;
	struct kraft_snap_job snap;
	bool snap_busy;
};

/**
 * struct kraft_node_config - how NODE_UP starts a node
 */
struct kraft_node_config {
	const char *device;
	const char *listen;
	struct net *net;
	u32 tick_ms;
	u32 election_ms;
	u32 heartbeat_ms;
};

extern struct mutex kraft_nodes_lock;
extern struct list_head kraft_nodes;

int kraft_node_up(const struct kraft_node_config *cfg, struct kraft_node **out,
		  const char **why);
void kraft_node_down(struct kraft_node *n);
void kraft_node_put(struct kraft_node *n);
struct kraft_node *kraft_node_find(const char *name);
void kraft_node_get_status(struct kraft_node *n, struct kraft_node_status *s);
int kraft_node_submit(struct kraft_node *n, struct kraft_req *req,
		      u32 timeout_ms);
void kraft_nl_notify(struct kraft_node *n, u8 cmd,
		     const struct kraft_node_status *s);

/* kmod/req.c; all but kraft_req_new() and kraft_req_put() in the loop */
struct kraft_req *kraft_req_new(u8 op);
void kraft_req_sum_value(struct kraft_req *req);
void kraft_req_put(struct kraft_req *req);
void kraft_req_finish(struct kraft_req *req, int err);
struct kraft_req *kraft_req_find(struct kraft_node *n, u64 id);
void kraft_reqs_fail(struct kraft_node *n, struct list_head *list, int err);
void kraft_reqs_take(struct kraft_node *n, struct list_head *pending);
void kraft_reqs_settle(struct kraft_node *n);
void kraft_nodes_down_all(void);
void kraft_node_fail(struct kraft_node *n, const char *what, int err);

int kraft_snap_init(struct kraft_node *n);
void kraft_snap_maybe(struct kraft_node *n, bool force);
bool kraft_snap_ready(struct kraft_node *n);
void kraft_snap_wait(struct kraft_node *n);
void kraft_snap_late(struct kraft_node *n);
void kraft_snap_stop(struct kraft_node *n);
int kraft_snap_restore(struct kraft_node *n, const u8 *data, u32 len);

int kraft_watch_start(struct kraft_node *n, struct kraft_watch *w);
void kraft_watches_feed(struct kraft_node *n);
void kraft_watches_end(struct kraft_node *n);
void kraft_watch_put(struct kraft_watch *w);
long kraft_watch_ioctl(struct kraft_node *n, void __user *uarg);

int kraft_kvdev_register(struct kraft_node *n);
void kraft_kvdev_unregister(struct kraft_node *n);

#endif /* KRAFT_NODE_H */
