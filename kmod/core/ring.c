// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the log ring: records (a 32-byte header with index, term,
 * type, the append's tag (format version 2), length and a CRC32C, then the
 * data, 8-byte aligned) packed one after another, spanning blocks,
 * wrapping at the ring's end behind a pad record. Offsets here grow
 * monotonically; the device position is the offset modulo the ring size.
 * This file plans writes; the caller makes them durable before reporting
 * anything. No locks.
 */
#include "disklog.h"
#include "crc_combine.h"

static u64 rd_down(u64 x, u32 a)
{
	return x - x % a;
}

static u64 rd_up(u64 x, u32 a)
{
	return rd_down(x + a - 1, a);
}

u32 kraft_dl_rec_len(u32 data_len)
{
	return (KRAFT_DL_REC_HDR + data_len + 7) & ~7u;
}

int kraft_dl_ring_init(struct kraft_dl_ring *ring, u64 size, u32 lbs,
		       u64 start_off, u64 start_index)
{
	memset(ring, 0, sizeof(*ring));
	if (!size || size % KRAFT_DL_BLOCK || !lbs || start_off % 8 ||
	    !start_index)
		return -EINVAL;
	ring->size = size;
	ring->lbs = lbs;
	ring->start_off = start_off;
	ring->start_index = start_index;
	ring->head = start_off;
	return 0;
}

void kraft_dl_ring_free(struct kraft_dl_ring *ring)
{
	kr_free(ring->offs);
	ring->offs = NULL;
	ring->cap = 0;
	ring->n = 0;
	kr_free(ring->buf);
	ring->buf = NULL;
	ring->buf_cap = 0;
}

/*
 * Room for @len bytes in @ring->buf. It is kept between appends, so that
 * a node writing batches of one size allocates once; it is given back
 * when it has grown past four times what an append needs and 256 KiB.
 */
static int stage(struct kraft_dl_ring *ring, u64 len)
{
	u64 cap = rd_up(len, 65536);

	if (len <= ring->buf_cap &&
	    (ring->buf_cap <= 262144 || ring->buf_cap / 4 < len))
		return 0;
	kr_free(ring->buf);
	ring->buf_cap = 0;
	ring->buf = kr_malloc(cap);
	if (!ring->buf)
		return -ENOMEM;
	ring->buf_cap = cap;
	return 0;
}

/* Room for @more offsets in @ring->offs. Return: 0 or -ENOMEM. */
int kraft_dl_ring_reserve(struct kraft_dl_ring *ring, u64 more)
{
	u64 cap, *offs;

	if (ring->n + more <= ring->cap)
		return 0;
	cap = max(2 * ring->cap, ring->n + more);
	if (cap < 64)
		cap = 64;
	offs = kr_realloc(ring->offs, ring->cap * sizeof(*offs),
			  cap * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	ring->offs = offs;
	ring->cap = cap;
	return 0;
}

/* Bytes that can still be appended (before pads) without overwriting. */
u64 kraft_dl_ring_free_bytes(const struct kraft_dl_ring *ring)
{
	u64 used = ring->head - rd_down(ring->start_off, ring->lbs);

	return used + ring->lbs >= ring->size ? 0 :
	       ring->size - ring->lbs - used;
}

/*
 * The ring's blocks from monotonic offset @first to @end (block-aligned;
 * @buf holds their bytes, or is NULL) as one write, or two where the
 * ring wraps: blocks never straddle its end. Return: how many.
 */
static int split(const struct kraft_dl_ring *ring, u64 first, u64 end,
		 u8 *buf, struct kraft_dl_write *w)
{
	u64 len0 = end - first;

	w[0].off = first % ring->size;
	w[0].buf = buf;
	if (w[0].off + len0 <= ring->size) {
		w[0].len = len0;
		return 1;
	}
	w[0].len = ring->size - w[0].off;
	w[1].off = 0;
	w[1].len = len0 - w[0].len;
	w[1].buf = buf ? buf + w[0].len : NULL;
	return 2;
}

/**
 * kraft_dl_ring_truncate() - forget records from @index on
 * @ring: the ring; the next append goes where record @index was
 * @index: the first record to forget, at most the log's end
 * @w: set to where the forgotten records are on the device: from the
 *	block holding the new head to the end of the old head's block, in
 *	one range or two at a wrap (@buf NULL)
 *
 * The forgotten records stay valid on the device until appends cover
 * them, and one that starts where recovery looks for the next record
 * passes for it when its term is not older (a leader that takes over can
 * bring entries of an older term than those it replaces): the log would
 * come back with entries of two leaders mixed. So the caller erases @w's
 * bytes from the new head on, and has that durable, before it appends
 * anything after the cut.
 *
 * Return: the number of ranges (0: nothing forgotten), or -EINVAL.
 */
int kraft_dl_ring_truncate(struct kraft_dl_ring *ring, u64 index,
			   struct kraft_dl_write *w)
{
	u64 old_head = ring->head;

	if (index < ring->start_index || index > ring->start_index + ring->n)
		return -EINVAL;
	if (index == ring->start_index + ring->n)
		return 0;
	ring->head = ring->offs[index - ring->start_index];
	ring->n = index - ring->start_index;
	return split(ring, rd_down(ring->head, ring->lbs),
		     rd_up(old_head, ring->lbs), NULL, w);
}

/* Records up to @index are covered by a durable snapshot: free them. */
int kraft_dl_ring_compact(struct kraft_dl_ring *ring, u64 index)
{
	u64 drop;

	if (index < ring->start_index)
		return 0;
	drop = index + 1 - ring->start_index;
	if (drop >= ring->n) {
		ring->start_off = ring->head;
		ring->n = 0;
	} else {
		ring->start_off = ring->offs[drop];
		memmove(ring->offs, ring->offs + drop,
			(ring->n - drop) * sizeof(*ring->offs));
		ring->n -= drop;
	}
	ring->start_index = index + 1;
	return 0;
}

/*
 * Data this long is worth a multiplier of its own at once (about twenty
 * products); shorter data only once its length repeats, as a batch of
 * alike writes does - else checksumming the data costs less.
 */
#define XPOW_AT_ONCE	512

/*
 * The multiplier that combines a CRC with that of @len bytes of data
 * after it, or 0 when the data had better be checksummed itself.
 */
static u32 xpow_for(struct kraft_dl_ring *ring, u32 len)
{
	if (ring->xpow && ring->xpow_len == len)
		return ring->xpow;
	if (len < XPOW_AT_ONCE && len != ring->xpow_miss) {
		ring->xpow_miss = len;
		return 0;
	}
	ring->xpow = kraft_crc32c_xpow8n(len);
	ring->xpow_len = len;
	return ring->xpow;
}

/*
 * A record's header; its CRC32C covers the header from the index on and
 * the @len bytes of data after it (a pad's only the header), so the data
 * must be in place first - unless @e brings the data's own CRC, which is
 * then combined with the header's. @wtag: bytes 25-27 (zero in version 1).
 */
static void put_header(struct kraft_dl_ring *ring, u8 *p, u64 index,
		       u64 term, u8 type, u32 wtag, u32 len,
		       const struct kraft_entry *e)
{
	u32 crc, xpow = e && e->crc_known ? xpow_for(ring, len) : 0;

	put_unaligned_le32(KRAFT_DL_REC_MAGIC, p);
	put_unaligned_le64(index, p + 8);
	put_unaligned_le64(term, p + 16);
	p[24] = type;
	p[25] = wtag & 0xff;
	p[26] = (wtag >> 8) & 0xff;
	p[27] = (wtag >> 16) & 0xff;
	put_unaligned_le32(len, p + 28);
	if (!xpow)
		crc = kr_crc32c(ring->salt, p + 8, KRAFT_DL_REC_HDR - 8 +
				(type == KRAFT_DL_REC_PAD ? 0 : len));
	else
		crc = kraft_crc32c_combine(kr_crc32c(ring->salt, p + 8,
						     KRAFT_DL_REC_HDR - 8),
					   kraft_entry_crc(e), xpow);
	put_unaligned_le32(crc, p + 4);
}

/* Where each record goes, with the pad before a wrap. */
static u64 plan(const struct kraft_dl_ring *ring, const struct kraft_entry *e,
		u32 n, u64 *pos)
{
	u64 at = ring->head;
	u32 i;

	for (i = 0; i < n; i++) {
		u64 rem = ring->size - at % ring->size;
		u32 len = kraft_dl_rec_len(e[i].len);

		if (len > rem)
			at += rem;	/* pad (or too little room for one) */
		pos[i] = at;
		at += len;
	}
	return at;
}

/**
 * kraft_dl_ring_tag_reserve() - whether the next append needs more tags
 * @ring: the ring
 *
 * A torn append can leave records after the point where recovery cuts
 * the log, which a later append may end right before; their tag must
 * differ from every later append's, or they would pass for its records.
 * So tags only grow, across restarts too: a node makes the returned
 * value durable as its hard state's tag_end, then sets @ring->tag_end.
 *
 * Return: the tag_end to make durable first, or 0 when tags remain.
 */
u64 kraft_dl_ring_tag_reserve(const struct kraft_dl_ring *ring)
{
	return ring->tagged && ring->tag >= ring->tag_end ?
	       ring->tag + KRAFT_DL_TAG_RESERVE : 0;
}

/**
 * kraft_dl_ring_append() - plan the writes that append @n entries
 * @ring: the ring; updated as if the writes were done
 * @e: the entries, contiguous from start_index + n
 * @n: how many
 * @tail: the lbs bytes of the ring block holding @ring->head as they are
 *	on the device (only the bytes before head matter)
 * @w: the writes, one or two (the second after a wrap)
 *
 * Every record of one append carries its tag, the first one marked as
 * such (format version 2), so that recovery tells an append whose
 * sectors landed in part, in any order, from damage to a complete one.
 *
 * Return: the number of writes, -ENOSPC when the ring cannot take them
 * (nothing changed), -EINVAL, -E2BIG (a record larger than the ring can
 * ever hold), -EAGAIN (no tag reserved: kraft_dl_ring_tag_reserve()),
 * -ENOMEM.
 */
int kraft_dl_ring_append(struct kraft_dl_ring *ring,
			 const struct kraft_entry *e, u32 n, const u8 *tail,
			 struct kraft_dl_write *w)
{
	u64 first, end, final, *pos;
	u32 i, wtag = 0, first_mark = 0;
	u8 *buf;

	if (!n)
		return 0;
	if (kraft_dl_ring_tag_reserve(ring))
		return -EAGAIN;
	if (ring->tagged) {
		wtag = ring->tag & KRAFT_DL_REC_TAG;
		first_mark = KRAFT_DL_REC_FIRST;
	}
	for (i = 0; i < n; i++) {
		if (e[i].index != ring->start_index + ring->n + i)
			return -EINVAL;
		if (kraft_dl_rec_len(e[i].len) > ring->size / 4)
			return -E2BIG;
	}
	if (kraft_dl_ring_reserve(ring, n))
		return -ENOMEM;
	/* the new records' offsets, live once ring->n counts them */
	pos = ring->offs + ring->n;
	final = plan(ring, e, n, pos);
	if (final - ring->head > kraft_dl_ring_free_bytes(ring))
		return -ENOSPC;
	first = rd_down(ring->head, ring->lbs);
	end = rd_up(final, ring->lbs);
	if (stage(ring, end - first))
		return -ENOMEM;
	/* every byte below is written: no zeroing of the whole buffer */
	buf = ring->buf;
	if (ring->head > first)
		memcpy(buf, tail, ring->head - first);
	for (i = 0; i < n; i++) {
		u64 prev_end = i ? pos[i - 1] + kraft_dl_rec_len(e[i - 1].len) :
				   ring->head;
		u64 rem = ring->size - prev_end % ring->size;
		u8 *rec = buf + (pos[i] - first);

		/* a wrap skipped rem bytes: mark them as a pad if it fits */
		if (pos[i] != prev_end) {
			memset(buf + (prev_end - first), 0, rem);
			if (rem >= KRAFT_DL_REC_HDR)
				put_header(ring, buf + (prev_end - first),
					   0, 0, KRAFT_DL_REC_PAD, wtag,
					   rem - KRAFT_DL_REC_HDR, NULL);
		}
		if (e[i].len)
			memcpy(rec + KRAFT_DL_REC_HDR, e[i].data, e[i].len);
		memset(rec + KRAFT_DL_REC_HDR + e[i].len, 0,
		       kraft_dl_rec_len(e[i].len) - KRAFT_DL_REC_HDR - e[i].len);
		put_header(ring, rec, e[i].index, e[i].term, e[i].type,
			   i ? wtag : wtag | first_mark,
			   e[i].len, &e[i]);
	}
	memset(buf + (final - first), 0, end - final);
	ring->n += n;
	ring->head = final;
	if (ring->tagged)
		ring->tag++;
	return split(ring, first, end, buf, w);
}
