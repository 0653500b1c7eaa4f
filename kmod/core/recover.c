// SPDX-License-Identifier: GPL-2.0
/*
 * recover.c - starting a node from its device: check the superblock,
 * take the newest valid hard state and snapshot, then scan the log ring
 * from the first live record and stop at the first torn or invalid one,
 * cutting the log there. Damage that is no torn tail (a bad record with
 * the start of a later append after it, or committed entries missing)
 * refuses to start, so that committed data is never silently dropped.
 * No locks.
 */
#include "disklog.h"

static void say(const char **why, const char *msg)
{
	if (why)
		*why = msg;
}

static int read_block(const struct kraft_dl_io *io, u64 blk, u8 *buf)
{
	return io->read(io->ctx, blk * KRAFT_DL_BLOCK, buf, KRAFT_DL_BLOCK);
}

static int load_hs(const struct kraft_dl_io *io, struct kraft_dl_state *st,
		   u8 *blk)
{
	struct kraft_dl_hs hs;
	int slot, err;

	st->hs_slot = 1;	/* so that the first write goes to slot 0 */
	for (slot = 0; slot < 2; slot++) {
		err = read_block(io, 1 + slot, blk);
		if (err)
			return err;
		if (!kraft_dl_hs_decode(blk, kraft_dl_salt(&st->sb), &hs) &&
		    hs.seq > st->hs.seq) {
			st->hs = hs;
			st->hs_slot = slot;
		}
	}
	if (!st->hs.seq)
		st->hs.start_index = 1;
	return 0;
}

static int load_snap(const struct kraft_dl_io *io, struct kraft_dl_state *st,
		     u8 *blk)
{
	struct kraft_dl_snap s[2];
	int order[2] = { 0, 1 }, i, err;

	for (i = 0; i < 2; i++) {
		err = read_block(io, kraft_dl_snap_slot(&st->sb, i), blk);
		if (err)
			return err;
		if (kraft_dl_snap_decode(blk, kraft_dl_salt(&st->sb), &s[i]) ||
		    s[i].len > kraft_dl_snap_capacity(&st->sb))
			s[i].seq = 0;
	}
	if (s[1].seq > s[0].seq) {
		order[0] = 1;
		order[1] = 0;
	}
	st->snap_slot = 1;
	for (i = 0; i < 2; i++) {
		const struct kraft_dl_snap *c = &s[order[i]];
		u8 *data;

		if (!c->seq)
			continue;
		data = kr_malloc(c->len ? c->len : 1);
		if (!data)
			return -ENOMEM;
		err = c->len ? io->read(io->ctx, (kraft_dl_snap_slot(&st->sb,
					order[i]) + 1) * KRAFT_DL_BLOCK,
					data, c->len) : 0;
		if (err) {
			kr_free(data);
			return err;
		}
		if (kr_crc32c_long(~0u, data, c->len) != c->crc) {
			kr_free(data);	/* torn: the older slot stands */
			continue;
		}
		st->snap = *c;
		st->snap_slot = order[i];
		st->snap_data = data;
		return 0;
	}
	return 0;
}

/*
 * Is a valid record for @index at ring offset @pos? Its header's fields
 * go to @e and @wtag (its append's tag and first mark) even when not.
 */
static int rec_at(const struct kraft_dl_io *io, const struct kraft_dl_state *st,
		  u64 pos, u64 index, u64 min_term, struct kraft_entry *e,
		  u32 *wtag)
{
	u64 size = st->ring.size, base = st->sb.ring_start * KRAFT_DL_BLOCK;
	u64 rem = size - pos % size;
	u8 h[KRAFT_DL_REC_HDR];
	u32 crc;
	int err;

	memset(e, 0, sizeof(*e));
	*wtag = 0;
	if (rem < KRAFT_DL_REC_HDR)
		return -EAGAIN;
	err = io->read(io->ctx, base + pos % size, h, sizeof(h));
	if (err)
		return err;
	*wtag = h[25] | h[26] << 8 | h[27] << 16;
	if (get_unaligned_le32(h) != KRAFT_DL_REC_MAGIC ||
	    (*wtag && !st->ring.tagged))
		return -EBADMSG;
	e->index = get_unaligned_le64(h + 8);
	e->term = get_unaligned_le64(h + 16);
	e->type = h[24];
	e->len = get_unaligned_le32(h + 28);
	crc = kr_crc32c(st->ring.salt, h + 8, KRAFT_DL_REC_HDR - 8);
	if (e->type == KRAFT_DL_REC_PAD)
		return e->len == rem - KRAFT_DL_REC_HDR &&
		       crc == get_unaligned_le32(h + 4) ? -EAGAIN : -EBADMSG;
	if (e->type > KRAFT_ENTRY_CONF || kraft_dl_rec_len(e->len) > rem ||
	    kraft_dl_rec_len(e->len) > size / 4)
		return -EBADMSG;
	e->data = kr_malloc(e->len ? e->len : 1);
	if (!e->data)
		return -ENOMEM;
	err = e->len ? io->read(io->ctx, base + pos % size + KRAFT_DL_REC_HDR,
				e->data, e->len) : 0;
	if (!err && (kr_crc32c(crc, e->data, e->len) !=
		     get_unaligned_le32(h + 4) || e->index != index ||
		     e->term < min_term))
		err = -EBADMSG;
	if (err) {
		kr_free(e->data);
		e->data = NULL;
	}
	return err;
}

static int push(struct kraft_dl_state *st, struct kraft_entry *e, u64 pos,
		u64 *cap)
{
	struct kraft_dl_ring *ring = &st->ring;

	if (kraft_dl_ring_reserve(ring, 1))
		return -ENOMEM;
	ring->offs[ring->n++] = pos;
	if (e->index <= st->snap.index) {
		kr_free(e->data);	/* covered by the snapshot */
		return 0;
	}
	if (st->n_entries == *cap) {
		u64 c = *cap ? 2 * *cap : 64;
		struct kraft_entry *n = kr_realloc(st->entries,
						   *cap * sizeof(*n),
						   c * sizeof(*n));

		if (!n)
			return -ENOMEM;
		st->entries = n;
		*cap = c;
	}
	st->entries[st->n_entries++] = *e;
	return 0;
}

/*
 * Does a record of append tag @wtag follow one of @prev (both with their
 * first marks)? The next record of the same append, or the first of
 * another. Version 1 records carry no tags.
 */
static bool follows(const struct kraft_dl_state *st, u32 prev, u32 wtag)
{
	u32 mask = KRAFT_DL_REC_TAG;

	if (!st->ring.tagged)
		return true;
	return wtag & KRAFT_DL_REC_FIRST ? (wtag & mask) != (prev & mask) :
	       wtag == (prev & mask);
}

/*
 * The record at @pos, for @index, is bad but its header names that index
 * (and @wtag): a torn append, or damage? Version 1: damage when the next
 * record is valid. Version 2: only when a later append starts after it,
 * past the valid rest of its own append: that append was issued once
 * this one had completed. An append whose sectors landed in part, in any
 * order, shows none, and is cut. Return: 1 (damage), 0, or a read error.
 */
static int damaged(const struct kraft_dl_io *io, struct kraft_dl_state *st,
		    u64 pos, u64 index, u64 term, const struct kraft_entry *bad,
		    u32 wtag)
{
	struct kraft_dl_ring *ring = &st->ring;
	u64 at = pos + kraft_dl_rec_len(bad->len);
	struct kraft_entry next;
	u32 nwtag;
	int err;

	if (bad->index != index ||
	    kraft_dl_rec_len(bad->len) > ring->size - pos % ring->size)
		return 0;
	term = max(bad->term, term);
	while (at - pos < ring->size) {
		err = rec_at(io, st, at, index + 1, term, &next, &nwtag);
		if (err == -EAGAIN) {	/* a pad, or the ring's end */
			at += ring->size - at % ring->size;
			continue;
		}
		if (err)
			return err == -EBADMSG ? 0 : err;
		kr_free(next.data);
		if (!ring->tagged || (nwtag & KRAFT_DL_REC_FIRST &&
				      follows(st, wtag, nwtag)))
			return 1;
		if (nwtag != (wtag & KRAFT_DL_REC_TAG))
			return 0;	/* a leftover of an older append */
		at += kraft_dl_rec_len(next.len);
		term = next.term;
		index++;
	}
	return 0;
}

static int scan(const struct kraft_dl_io *io, struct kraft_dl_state *st,
		const char **why)
{
	struct kraft_dl_ring *ring = &st->ring;
	u64 pos = ring->start_off, index = ring->start_index, term = 0, cap = 0;
	u32 wtag, prev = 0;
	struct kraft_entry e;
	int err;

	while (pos - ring->start_off < ring->size) {
		err = rec_at(io, st, pos, index, term, &e, &wtag);
		if (err == -EAGAIN) {	/* a pad, or the ring's end */
			pos += ring->size - pos % ring->size;
			continue;
		}
		/* the log's first record may be anywhere in its append */
		if (!err && ring->n && !follows(st, prev, wtag)) {
			kr_free(e.data);
			e.data = NULL;
			err = -EBADMSG;	/* a torn append's leftover */
		}
		if (err == -EBADMSG) {
			st->cut = e.index || e.len || e.term;
			/*
			 * A torn tail has no later append after it. A record
			 * of an older term after it is stale (the log was
			 * truncated and rewritten there), not a sign of
			 * corruption.
			 */
			err = damaged(io, st, pos, index, term, &e, wtag);
			if (err > 0) {
				say(why, "a record in the middle of the log is corrupt, later ones are valid");
				return -EUCLEAN;
			}
			if (err)
				return err;
			break;
		}
		if (err)
			return err;
		term = e.term;
		prev = wtag;
		err = push(st, &e, pos, &cap);
		if (err) {
			kr_free(e.data);
			return err;
		}
		pos += kraft_dl_rec_len(e.len);
		index++;
	}
	ring->head = pos;
	return 0;
}

/**
 * kraft_dl_recover() - read a node's state from its device
 * @io: how to read the device
 * @st: the result; free it with kraft_dl_state_free() (also on error)
 * @why: set to a message (a static string) for the operator when
 *	recovery refuses the device
 *
 * Return: 0; -ENODATA when the device holds no kraft superblock;
 * -EPROTONOSUPPORT for a newer format; -EUCLEAN when the device is damaged
 * in a way that would lose committed data (@why says how); -EIO or other
 * errors from @io; -ENOMEM.
 */
int kraft_dl_recover(const struct kraft_dl_io *io, struct kraft_dl_state *st,
		     const char **why)
{
	u8 *blk = kr_malloc(KRAFT_DL_BLOCK);
	u64 last;
	int err;

	memset(st, 0, sizeof(*st));
	if (!blk)
		return -ENOMEM;
	err = read_block(io, 0, blk);
	if (err)
		goto out;
	err = kraft_dl_super_decode(blk, &st->sb);
	if (err) {
		say(why, err == -ENODATA ? "no kraft superblock (run kraftctl init)" :
			err == -EPROTONOSUPPORT ? "the format is newer than this module" :
			"the superblock is damaged");
		goto out;
	}
	err = load_hs(io, st, blk);
	if (!err)
		err = load_snap(io, st, blk);
	if (err)
		goto out;
	err = -EUCLEAN;
	if (st->hs.start_index > st->snap.index + 1) {
		say(why, "the log was compacted behind a snapshot that is missing or damaged");
		goto out;
	}
	err = kraft_dl_ring_init(&st->ring, st->sb.ring_blocks * KRAFT_DL_BLOCK,
				 st->sb.lbs, st->hs.start_off,
				 st->hs.start_index);
	if (err) {
		err = -EUCLEAN;
		say(why, "the hard state points outside the log ring");
		goto out;
	}
	st->ring.salt = kraft_dl_salt(&st->sb);
	st->ring.tagged = st->sb.version >= 2;
	st->ring.tag = st->hs.tag_end;
	st->ring.tag_end = st->hs.tag_end;
	err = scan(io, st, why);
	if (err)
		goto out;
	last = st->ring.start_index + st->ring.n - 1;
	if (st->hs.commit > max(last, st->snap.index)) {
		err = -EUCLEAN;
		say(why, "committed entries are missing from the log");
		goto out;
	}
	st->tail = kr_zalloc(st->sb.lbs);
	if (!st->tail) {
		err = -ENOMEM;
		goto out;
	}
	err = io->read(io->ctx, st->sb.ring_start * KRAFT_DL_BLOCK +
		       (st->ring.head - st->ring.head % st->sb.lbs) %
		       st->ring.size, st->tail, st->sb.lbs);
out:
	kr_free(blk);
	return err;
}

void kraft_dl_state_free(struct kraft_dl_state *st)
{
	u64 i;

	for (i = 0; i < st->n_entries; i++)
		kr_free(st->entries[i].data);
	kr_free(st->entries);
	kr_free(st->snap_data);
	kr_free(st->tail);
	kraft_dl_ring_free(&st->ring);
	memset(st, 0, sizeof(*st));
}
