// SPDX-License-Identifier: GPL-2.0
/*
 * req.c - a node's requests from /dev/kraftN and netlink (kmod/kvdev.c,
 * kmod/netlink.c): their lifetime, their start in the node's loop (a
 * proposal, a read point asked of the core, or served at once), the reads
 * served from the state machine, and their answers as the log progresses.
 *
 * A request has a reference for its submitter and one for the loop while
 * queued; kraft_req_finish() completes it and drops the loop's. Everything
 * here runs in the node's loop (kmod/node.c), which alone touches the
 * node's core, state machine and @waiting list, but kraft_reqs_take()'s
 * taking of @incoming under the node's lock (spinlock), the only lock here.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "node.h"
#include "crc_combine.h"

static void kraft_req_release(struct kref *ref)
{
	struct kraft_req *req = container_of(ref, struct kraft_req, ref);

	kvfree(req->key);
	kvfree(req->val);
	kvfree(req->out);
	if (req->watch)
		kraft_watch_put(req->watch);
	kfree(req);
}

/* A new request for @op, with one reference (the caller's). */
struct kraft_req *kraft_req_new(u8 op)
{
	struct kraft_req *req = kzalloc(sizeof(*req), GFP_KERNEL);

	if (!req)
		return NULL;
	kref_init(&req->ref);
	init_completion(&req->done);
	INIT_LIST_HEAD(&req->link);
	req->op = op;
	return req;
}

/**
 * kraft_req_sum_value() - checksum a write's value in the submitter's
 *	thread, before the request is queued
 * @req: a put or cas with its value copied in
 *
 * The log record of the write's entry needs the CRC32C of its bytes;
 * computed here, by the caller's thread, it costs the node's loop nothing
 * but combining it with the command header's (start_req()). Short values
 * are left to the loop, where checksumming them costs less than the
 * combining. May sleep.
 */
void kraft_req_sum_value(struct kraft_req *req)
{
	if (req->vlen < KRAFT_DL_SUM_EARLY)
		return;
	req->vcrc = kr_crc32c_long(0, req->val, req->vlen);
	req->vxpow = kraft_crc32c_xpow8n(req->vlen);
	req->vcrc_known = true;
}

void kraft_req_put(struct kraft_req *req)
{
	kref_put(&req->ref, kraft_req_release);
}

void kraft_req_finish(struct kraft_req *req, int err)
{
	list_del_init(&req->link);
	req->err = err;
	complete(&req->done);
	kraft_req_put(req);	/* the loop's reference */
}

void kraft_reqs_fail(struct kraft_node *n, struct list_head *list, int err)
{
	struct kraft_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, list, link)
		kraft_req_finish(req, err);
}

struct kraft_req *kraft_req_find(struct kraft_node *n, u64 id)
{
	struct kraft_req *req;

	list_for_each_entry(req, &n->waiting, link)
		if (req->id == id)
			return req;
	return NULL;
}

static void serve_get(struct kraft_node *n, struct kraft_req *req)
{
	struct kraft_kv_item it;

	if (kraft_kv_get(n->kv, req->key, req->klen, &it)) {
		req->res.status = KRAFT_KV_S_NOT_FOUND;
		req->res.rev = kraft_kv_rev(n->kv);
		kraft_req_finish(req, 0);
		return;
	}
	req->item = it;
	req->out = kvmalloc(max_t(u32, it.vlen, 1), GFP_KERNEL);
	if (!req->out) {
		kraft_req_finish(req, -ENOMEM);
		return;
	}
	memcpy(req->out, it.val, it.vlen);
	req->item.key = NULL;
	req->item.val = NULL;
	req->res.status = KRAFT_KV_S_OK;
	req->res.rev = kraft_kv_rev(n->kv);
	kraft_req_finish(req, 0);
}

struct range_ctx {
	struct kraft_req *req;
	bool full;
};

static int range_one(void *arg, const struct kraft_kv_item *it)
{
	struct range_ctx *c = arg;
	struct kraft_req *req = c->req;
	struct kraft_kv_record *rec;
	u32 len = ALIGN(sizeof(*rec) + it->klen + it->vlen, 8);

	if (len > req->cap - req->out_len) {
		c->full = true;
		return 1;
	}
	rec = (struct kraft_kv_record *)(req->out + req->out_len);
	rec->key_len = it->klen;
	rec->value_len = it->vlen;
	rec->create_rev = it->create_rev;
	rec->mod_rev = it->mod_rev;
	rec->version = it->version;
	memcpy(rec + 1, it->key, it->klen);
	memcpy((u8 *)(rec + 1) + it->klen, it->val, it->vlen);
	memset((u8 *)(rec + 1) + it->klen + it->vlen, 0,
	       len - sizeof(*rec) - it->klen - it->vlen);
	req->out_len += len;
	req->count++;
	return 0;
}

static void serve_range(struct kraft_node *n, struct kraft_req *req)
{
	struct range_ctx c = { .req = req };
	u64 more = 0;
	int err;

	req->out = kvmalloc(max_t(u32, req->cap, 1), GFP_KERNEL);
	if (!req->out) {
		kraft_req_finish(req, -ENOMEM);
		return;
	}
	err = kraft_kv_range(n->kv, req->key, req->klen, req->limit,
			     range_one, &c, &more);
	if (err < 0) {
		kraft_req_finish(req, err);
		return;
	}
	req->more = more || c.full;
	req->res.status = KRAFT_KV_S_OK;
	req->res.rev = kraft_kv_rev(n->kv);
	kraft_req_finish(req, 0);
}

static void serve_read(struct kraft_node *n, struct kraft_req *req)
{
	if (req->op == KRAFT_REQ_RANGE)
		serve_range(n, req);
	else
		serve_get(n, req);
}

/*
 * Room in the ring for one more proposal of @len bytes, besides those made
 * since the last append and a sixteenth of the ring kept for what the core
 * appends itself (a new leader's empty entry, membership changes). Only a
 * leader asks (a follower forwards its proposals). When the applied part
 * of the log can be compacted, a snapshot makes room; entries not yet
 * committed cannot be, and the proposal is refused with -ENOSPC.
 */
static int ring_room(struct kraft_node *n, u32 len)
{
	struct kraft_dl_ring *ring = &n->store.ring;
	u64 need = 2 * kraft_dl_rec_len(len) + ring->size / 16;

	if (!kraft_raft_proposed_at(n->r) ||
	    kraft_dl_ring_free_bytes(ring) >= need + n->proposed_bytes)
		return 0;
	kraft_snap_maybe(n, true);
	if (kraft_dl_ring_free_bytes(ring) >= need + n->proposed_bytes)
		return 0;
	pr_info_ratelimited("%s: log full: writes refused until entries commit and a snapshot frees space\n",
			    n->name);
	return -ENOSPC;
}

static bool is_read(const struct kraft_req *req)
{
	return req->op == KRAFT_REQ_GET || req->op == KRAFT_REQ_RANGE;
}

static bool is_write(const struct kraft_req *req)
{
	return req->op == KRAFT_REQ_PUT || req->op == KRAFT_REQ_DEL ||
	       req->op == KRAFT_REQ_CAS || req->op == KRAFT_REQ_CONF;
}

static void proposed(struct kraft_node *n, struct kraft_req *req, u32 len)
{
	req->index = kraft_raft_proposed_at(n->r);
	if (req->index) {
		req->term = kraft_raft_term_at(n->r, req->index);
		n->proposed_bytes += 2 * kraft_dl_rec_len(len);
	} else {
		req->term = kraft_raft_term(n->r);	/* forwarded */
	}
}

/*
 * Propose, ask for a read point, or answer at once. Return: 0 (it waits
 * for the log), 1 (answered: kraft_req_finish() dropped the loop's
 * reference, and @req may be freed already by a submitter that gave up),
 * -EAGAIN or -EBUSY (no leader yet: the next round tries again), or
 * another errno to answer with.
 */
static int start_req(struct kraft_node *n, struct kraft_req *req)
{
	struct kraft_kv_cmd cmd = {
		.origin = n->sb.node_id, .req = req->id, .expect = req->expect,
		.key = req->key, .klen = req->klen, .val = req->val,
		.vlen = req->vlen,
	};
	u8 *buf;
	int len, err;

	switch (req->op) {
	case KRAFT_REQ_CONF:
		err = ring_room(n, req->vlen);
		if (!err)
			err = kraft_raft_propose_conf(n->r, req->val, req->vlen);
		if (!err)
			proposed(n, req, req->vlen);
		return err;
	case KRAFT_REQ_TRANSFER:
		return kraft_raft_transfer_leader(n->r, req->expect);
	case KRAFT_REQ_SNAPSHOT:
		kraft_snap_maybe(n, true);
		kraft_req_finish(req, n->status.failed ? -EIO : 0);
		return 1;
	case KRAFT_REQ_WATCH:
		kraft_req_finish(req, kraft_watch_start(n, req->watch));
		return 1;
	}
	if (is_read(req)) {
		if (req->flags & KRAFT_KV_SERIALIZABLE) {
			serve_read(n, req);
			return 1;
		}
		req->term = kraft_raft_term(n->r);
		return kraft_raft_read_index(n->r, req->id);
	}
	cmd.op = req->op == KRAFT_REQ_PUT ? KRAFT_KV_PUT :
		 req->op == KRAFT_REQ_DEL ? KRAFT_KV_DEL : KRAFT_KV_CAS;
	/* room for the CRC32C that may trail the command */
	buf = kvmalloc(kraft_kv_cmd_len(&cmd) + 4, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = kraft_kv_cmd_encode(&cmd, buf, kraft_kv_cmd_len(&cmd));
	err = len < 0 ? len : ring_room(n, len);
	if (!err && req->vcrc_known) {
		/* the value is the command's tail */
		u32 crc = kraft_crc32c(0, buf, len - req->vlen);

		crc = kraft_crc32c_combine(crc, req->vcrc, req->vxpow);
		put_unaligned_le32(crc, buf + len);
		err = kraft_raft_propose_crc(n->r, buf, len);
	} else if (!err) {
		err = kraft_raft_propose(n->r, buf, len);
	}
	kvfree(buf);
	if (!err)
		proposed(n, req, len);
	return err;
}

void kraft_reqs_take(struct kraft_node *n, struct list_head *pending)
{
	struct kraft_req *req, *tmp;
	LIST_HEAD(batch);
	int err;

	spin_lock(&n->lock);
	list_splice_init(&n->incoming, &batch);
	spin_unlock(&n->lock);
	list_splice_tail_init(&batch, pending);
	list_for_each_entry_safe(req, tmp, pending, link) {
		if (n->status.failed) {
			kraft_req_finish(req, -EIO);
			continue;
		}
		if (!req->id)
			req->id = ++n->next_id;
		err = start_req(n, req);
		if (err == -EAGAIN || err == -EBUSY)
			continue;	/* no leader yet: try again later */
		if (err < 0)
			kraft_req_finish(req, err);
		else if (!err)
			list_move_tail(&req->link, &n->waiting);
		/* else answered, and not to be touched again */
	}
}

/*
 * After a ready: answer what the log's progress decided. A write whose
 * entry another leader's replaced, or that a new term displaced; a read or
 * forwarded write whose leader may be gone; a read whose point is applied
 * (served); a finished leadership transfer.
 */
void kraft_reqs_settle(struct kraft_node *n)
{
	struct kraft_req *req, *tmp;
	struct kraft_status st;

	kraft_raft_status(n->r, &st);
	list_for_each_entry_safe(req, tmp, &n->waiting, link) {
		if (req->index && req->index <= st.applied)
			/* another leader's entry took its place */
			kraft_req_finish(req, -ECANCELED);
		else if (req->index &&
			 kraft_raft_term_at(n->r, req->index) != req->term)
			/* displaced here; it may still commit elsewhere */
			kraft_req_finish(req, -ETIMEDOUT);
		else if (!req->index && req->term != st.term &&
			 ((is_read(req) && !req->have_index) ||
			  is_write(req)))
			/*
			 * Its leader may be gone: a read not served,
			 * a forwarded write's outcome unknown.
			 */
			kraft_req_finish(req, is_read(req) ?
					 -ECANCELED : -ETIMEDOUT);
		else if (is_read(req) && req->have_index &&
			 req->read_index <= st.applied)
			serve_read(n, req);
		else if (req->op == KRAFT_REQ_TRANSFER &&
			 st.lead == req->expect)
			kraft_req_finish(req, 0);
	}
}
