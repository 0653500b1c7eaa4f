// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - a node's durable state on its device. Opening recovers it
 * (kmod/core/recover.c); appends, hard-state and snapshot writes are
 * planned by the core (layout.c, ring.c) and written here with FUA, so
 * each call returns only once what it wrote is on stable media (a hard
 * state that changes only the commit index goes without). A failed
 * write leaves the disk failed (kmod/disk.c): nothing later is written or
 * acknowledged. Called from the node's event loop, but for
 * kraft_store_snapshot_write(), which its snapshot writer may run beside
 * it (kmod/snapshot.c); no locks.
 */
#include <linux/slab.h>
#include <linux/mm.h>

#include "store.h"

#define READ_WINDOW	(256u << 10)

/* Recovery reads small pieces in order: serve them from a read window. */
struct store_reader {
	struct kraft_disk *disk;
	u8 *win;
	u64 base;
	u32 len;
};

static int store_read(void *ctx, u64 off, void *buf, u32 len)
{
	struct store_reader *rd = ctx;
	struct kraft_disk *d = rd->disk;
	u64 end = off + len;
	int err;

	if (end > d->size || end < off)
		return -EIO;
	if (len > READ_WINDOW) {
		/* a large snapshot: read it whole through a bounce buffer */
		u64 start = off - off % d->lbs;
		u32 span = round_up(end, d->lbs) - start;
		u8 *tmp = kvmalloc(span, GFP_KERNEL);

		if (!tmp)
			return -ENOMEM;
		err = kraft_disk_read(d, start, tmp, span);
		if (!err)
			memcpy(buf, tmp + (off - start), len);
		kvfree(tmp);
		return err;
	}
	if (!rd->len || off < rd->base || end > rd->base + rd->len) {
		rd->base = off - off % d->lbs;
		rd->len = min_t(u64, READ_WINDOW, d->size - rd->base);
		rd->len -= rd->len % d->lbs;
		err = kraft_disk_read(d, rd->base, rd->win, rd->len);
		if (err) {
			rd->len = 0;
			return err;
		}
	}
	memcpy(buf, rd->win + (off - rd->base), len);
	return 0;
}

/**
 * kraft_store_open() - open a node's device and recover its state
 * @s: the store to fill in
 * @path: the device
 * @holder: the exclusive holder
 * @st: what was recovered (free with kraft_dl_state_free(); freed here on
 *	error)
 * @why: set to a reason (a static string) when the device is refused
 *
 * Return: 0, -EBUSY (in use), -ENODATA (no kraft superblock),
 * -EUCLEAN (damaged, @why says how), -EPROTONOSUPPORT, -EIO, -ENOMEM.
 */
int kraft_store_open(struct kraft_store *s, const char *path, void *holder,
		     struct kraft_dl_state *st, const char **why)
{
	struct store_reader rd = { .disk = &s->disk };
	struct kraft_dl_io io = { .ctx = &rd, .read = store_read };
	int err;

	memset(s, 0, sizeof(*s));
	memset(st, 0, sizeof(*st));
	err = kraft_disk_open(&s->disk, path, holder);
	if (err)
		return err;
	rd.win = kvmalloc(READ_WINDOW, GFP_KERNEL);
	err = rd.win ? kraft_dl_recover(&io, st, why) : -ENOMEM;
	kvfree(rd.win);
	if (err)
		goto fail;
	err = -EINVAL;
	if (st->sb.lbs != s->disk.lbs ||
	    st->sb.total_blocks * KRAFT_DL_BLOCK > s->disk.size) {
		*why = "the device's geometry changed since init";
		goto fail;
	}
	/*
	 * What recovery read may still sit in the device's volatile cache:
	 * flush it, as later writes leave the slot it came from alone.
	 */
	err = kraft_disk_flush(&s->disk);
	if (err)
		goto fail;
	s->sb = st->sb;
	s->hs = st->hs;
	s->hs_slot = st->hs_slot;
	s->snap_seq = st->snap.seq;
	s->snap_slot = st->snap_slot;
	s->snap_index[s->snap_slot] = st->snap.index;
	s->snap_len[s->snap_slot] = st->snap.len;
	/* the ring moves into the store; the state keeps a copy of nothing */
	s->ring = st->ring;
	memset(&st->ring, 0, sizeof(st->ring));
	s->tail = st->tail;
	st->tail = NULL;
	return 0;
fail:
	kraft_dl_state_free(st);	/* a refused device's partial state */
	kraft_disk_close(&s->disk);
	return err;
}

void kraft_store_close(struct kraft_store *s)
{
	kraft_dl_ring_free(&s->ring);
	kvfree(s->tail);
	s->tail = NULL;
	kraft_disk_close(&s->disk);
}

static u64 ring_base(const struct kraft_store *s)
{
	return s->sb.ring_start * KRAFT_DL_BLOCK;
}

/**
 * kraft_store_truncate() - forget the records from @index on, on the
 *	device too
 * @s: the store
 * @index: the first record to forget; none when past the log's end
 *
 * Zeros over them from the new head on, durable when this returns, so
 * that nothing appended after the cut can be read back followed by them
 * (kraft_dl_ring_truncate() says why). Leaves @s->tail as the head's block
 * now is on the device.
 *
 * Return: 0, -EINVAL for an index before the log's first record, -EIO.
 */
int kraft_store_truncate(struct kraft_store *s, u64 index)
{
	struct kraft_dl_write w[2];
	u32 lbs = s->sb.lbs, keep;
	int nw, i, err;

	if (index >= s->ring.start_index + s->ring.n)
		return 0;
	if (READ_ONCE(s->disk.failed))
		return -EIO;
	nw = kraft_dl_ring_truncate(&s->ring, index, w);
	if (nw <= 0)
		return nw;
	/* the head's block: the records before the cut stay */
	err = kraft_disk_read(&s->disk, ring_base(s) + w[0].off, s->tail, lbs);
	if (err)
		return err;
	keep = s->ring.head % lbs;
	memset(s->tail + keep, 0, lbs - keep);
	err = kraft_disk_write(&s->disk, ring_base(s) + w[0].off, s->tail, lbs,
			       0);
	w[0].off += lbs;
	w[0].len -= lbs;
	for (i = 0; i < nw && !err; i++)
		if (w[i].len)
			err = kraft_disk_zero(&s->disk, ring_base(s) + w[i].off,
					      w[i].len);
	return err ?: kraft_disk_flush(&s->disk);
}

/**
 * kraft_store_append() - make entries durable
 * @s: the store
 * @e: contiguous entries; the first may be at or before the log's end,
 *	which then replaces the stored entries from there on
 * @n: how many
 *
 * Return: 0, -ENOSPC when the ring is full (nothing written; a snapshot
 * frees it), -EINVAL for a gap, -EIO (the disk is failed now), -ENOMEM.
 */
int kraft_store_append(struct kraft_store *s, const struct kraft_entry *e,
		       u32 n)
{
	struct kraft_dl_write w[2] = { 0 };
	u64 tag_end, old_end = s->ring.tag_end;
	int nw, i, err = 0;

	if (!n)
		return 0;
	if (READ_ONCE(s->disk.failed))
		return -EIO;
	err = kraft_store_truncate(s, e[0].index);
	if (err)
		return err;
	/* the next tags durable before one is used (every 64k appends) */
	tag_end = kraft_dl_ring_tag_reserve(&s->ring);
	if (tag_end) {
		s->ring.tag_end = tag_end;
		err = kraft_store_save_hs(s, s->hs.term, s->hs.vote,
					  s->hs.commit);
		if (err) {
			s->ring.tag_end = old_end;
			return err;
		}
	}
	nw = kraft_dl_ring_append(&s->ring, e, n, s->tail, w);
	if (nw < 0)
		return nw;
	for (i = 0; i < nw; i++) {
		if (!err)
			err = kraft_disk_write(&s->disk, ring_base(s) + w[i].off,
					       w[i].buf, w[i].len,
					       KRAFT_DISK_FUA);
		if (i == nw - 1)
			memcpy(s->tail, w[i].buf + w[i].len - s->sb.lbs,
			       s->sb.lbs);
	}
	return err;
}

static int write_block(struct kraft_store *s, u64 blk, const u8 *buf,
		       unsigned int flags)
{
	return kraft_disk_write(&s->disk, blk * KRAFT_DL_BLOCK, buf,
				KRAFT_DL_BLOCK, flags);
}

/**
 * kraft_store_hs_sync() - whether a hard state must be durable at once
 * @s: the store
 * @term: the term to save
 * @vote: the vote to save
 *
 * Return: true when @term, @vote, the log's first live entry or the
 * reserved append tags differ from the newest saved:
 * kraft_store_save_hs() writes that with FUA, and a node has it durable
 * before it sends anything. A change of the commit
 * index alone is not (see there), and may wait.
 */
bool kraft_store_hs_sync(const struct kraft_store *s, u64 term, u64 vote)
{
	return term != s->hs.term || vote != s->hs.vote ||
	       s->ring.start_off != s->hs.start_off ||
	       s->ring.start_index != s->hs.start_index ||
	       s->ring.tag_end != s->hs.tag_end;
}

/**
 * kraft_store_save_hs() - write term, vote and commit
 * @s: the store
 * @term: current term
 * @vote: vote in @term
 * @commit: commit index
 *
 * The record of the log's first live entry and the tags reserved for
 * appends go along. Every write goes to the slot not holding the newest
 * durable state. A change of term, vote, first entry or reserved tags is
 * written with FUA and that slot then holds the
 * newest durable state. A change of the commit index alone is written
 * without FUA, as etcd's WAL leaves it unsynced: Raft does not need it
 * durable (a leader learns it again), and the other slot still holds the
 * same term, vote and first entry if the write is lost or torn. The next
 * FUA write of a slot such a write went to flushes first, so that the
 * older write cannot reach the media after it.
 * Return: 0, -EIO, -ENOMEM.
 */
int kraft_store_save_hs(struct kraft_store *s, u64 term, u64 vote, u64 commit)
{
	struct kraft_dl_hs hs = {
		.seq = s->hs.seq + 1, .term = term, .vote = vote,
		.commit = commit, .start_off = s->ring.start_off,
		.start_index = s->ring.start_index,
		.tag_end = s->ring.tag_end,
	};
	bool sync = kraft_store_hs_sync(s, term, vote);
	u8 *blk;
	int err;

	if (READ_ONCE(s->disk.failed))
		return -EIO;
	blk = kmalloc(KRAFT_DL_BLOCK, GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	kraft_dl_hs_encode(&hs, kraft_dl_salt(&s->sb), blk);
	err = write_block(s, 1 + (s->hs_slot ^ 1), blk, !sync ? 0 :
			  s->hs_unsynced ? KRAFT_DISK_FUA | KRAFT_DISK_PREFLUSH :
			  KRAFT_DISK_FUA);
	kfree(blk);
	if (err)
		return err;
	s->hs = hs;
	if (sync)
		s->hs_slot ^= 1;
	s->hs_unsynced = !sync;
	return 0;
}

/**
 * kraft_store_snapshot_begin() - pick the slot a snapshot goes into
 * @s: the store
 * @snap: the snapshot's index, term, membership and length
 * @h: set to its header, but for the checksum of the data
 *
 * The slot not holding the newest snapshot; it holds none from now on
 * (peers are sent the newest). Return: the slot, -EFBIG when the
 * snapshot exceeds a slot, -EIO on a failed device.
 */
int kraft_store_snapshot_begin(struct kraft_store *s,
			       const struct kraft_snapshot *snap,
			       struct kraft_dl_snap *h)
{
	int slot = s->snap_slot ^ 1;

	if (READ_ONCE(s->disk.failed))
		return -EIO;
	if (snap->len > kraft_dl_snap_capacity(&s->sb))
		return -EFBIG;
	*h = (struct kraft_dl_snap){
		.seq = s->snap_seq + 1, .index = snap->index,
		.term = snap->term, .conf = snap->conf, .len = snap->len,
	};
	s->snap_index[slot] = 0;
	return slot;
}

/**
 * kraft_store_snapshot_write() - write a snapshot into its slot
 * @s: the store
 * @slot: from kraft_store_snapshot_begin()
 * @h: the header it gave; the data's checksum is filled in
 * @buf: the data, zero-padded to a multiple of KRAFT_DL_BLOCK; its first
 *	block is overwritten
 * @span: bytes of @buf
 *
 * Data first, then the header, each with FUA. Only the device is
 * touched (and the superblock read), so this may run in another thread
 * while the loop appends; the loop must not begin another snapshot, nor
 * complete this one, before it returns. Return: 0 or -EIO.
 */
int kraft_store_snapshot_write(struct kraft_store *s, int slot,
			       struct kraft_dl_snap *h, u8 *buf, u32 span)
{
	u64 blk = kraft_dl_snap_slot(&s->sb, slot);
	int err;

	h->crc = kr_crc32c_long(~0u, buf, h->len);
	err = kraft_disk_write(&s->disk, (blk + 1) * KRAFT_DL_BLOCK, buf, span,
			       KRAFT_DISK_FUA);
	if (err)
		return err;
	memset(buf, 0, KRAFT_DL_BLOCK);
	kraft_dl_snap_encode(h, kraft_dl_salt(&s->sb), buf);
	return write_block(s, blk, buf, KRAFT_DISK_FUA);
}

/**
 * kraft_store_snapshot_done() - a written snapshot is the newest: free the
 *	log records it covers
 * @s: the store
 * @slot: where kraft_store_snapshot_write() put it
 * @h: its header
 *
 * The hard state records the new start of the log. Return: 0 or -EIO.
 */
int kraft_store_snapshot_done(struct kraft_store *s, int slot,
			      const struct kraft_dl_snap *h)
{
	s->snap_seq = h->seq;
	s->snap_slot = slot;
	s->snap_index[slot] = h->index;
	s->snap_len[slot] = h->len;
	if (h->index >= s->ring.start_index)
		kraft_dl_ring_compact(&s->ring, h->index);
	return kraft_store_save_hs(s, s->hs.term, s->hs.vote,
				   max(s->hs.commit, h->index));
}

/**
 * kraft_store_save_snapshot() - make a snapshot durable, then free the log
 *	records it covers
 * @s: the store
 * @snap: the snapshot
 *
 * kraft_store_snapshot_begin(), _write() and _done() at once.
 * Return: 0, -EFBIG when it exceeds a slot, -EIO, -ENOMEM.
 */
int kraft_store_save_snapshot(struct kraft_store *s,
			      const struct kraft_snapshot *snap)
{
	u32 span = round_up(max_t(u32, snap->len, 1), KRAFT_DL_BLOCK);
	struct kraft_dl_snap h;
	int slot, err;
	u8 *buf;

	slot = kraft_store_snapshot_begin(s, snap, &h);
	if (slot < 0)
		return slot;
	buf = kvzalloc(span, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, snap->data, snap->len);
	err = kraft_store_snapshot_write(s, slot, &h, buf, span);
	kvfree(buf);
	return err ?: kraft_store_snapshot_done(s, slot, &h);
}

/**
 * kraft_store_read_snapshot() - read part of a snapshot's data
 * @s: the store
 * @index: the index the snapshot covers (the newest, or the one before)
 * @off: offset in its data
 * @buf: where to put @len bytes
 * @len: bytes to read
 *
 * The core sends snapshot chunks from here rather than from a copy in
 * memory. Return: 0, -ESTALE when neither slot holds the snapshot at
 * @index any more, -EINVAL past its end, -EIO, -ENOMEM.
 */
int kraft_store_read_snapshot(struct kraft_store *s, u64 index, u64 off,
			      void *buf, u32 len)
{
	int slot = s->snap_index[s->snap_slot] == index ? s->snap_slot :
		   s->snap_slot ^ 1;
	u64 pos = (kraft_dl_snap_slot(&s->sb, slot) + 1) * KRAFT_DL_BLOCK + off;
	u64 start = round_down(pos, s->disk.lbs);
	u32 span;
	u8 *tmp;
	int err;

	if (!index || s->snap_index[slot] != index)
		return -ESTALE;
	if (off > s->snap_len[slot] || len > s->snap_len[slot] - off)
		return -EINVAL;
	span = round_up(pos + len, s->disk.lbs) - start;
	tmp = kvmalloc(span, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	err = kraft_disk_read(&s->disk, start, tmp, span);
	if (!err)
		memcpy(buf, tmp + (pos - start), len);
	kvfree(tmp);
	return err;
}
