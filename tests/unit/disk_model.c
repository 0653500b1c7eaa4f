// SPDX-License-Identifier: GPL-2.0
/*
 * disk_model.c - the in-memory device and the persistence layer of
 * disk_model.h. No locks: one test at a time uses each.
 */
#include "disk_model.h"

int md_read(void *ctx, u64 off, void *buf, u32 len)
{
	struct mdisk *d = ctx;

	if (off + len > DEV_BYTES)
		return -EIO;
	memcpy(buf, d->img + off, len);
	return 0;
}

int md_write(struct mdisk *d, u64 off, const u8 *buf, u32 len)
{
	u32 i;

	for (i = 0; i < len; i += SECT) {
		if (d->n_sect == d->cap_sect) {
			u32 cap = d->cap_sect ? 2 * d->cap_sect : 256;
			u64 *o = kr_realloc(d->sect_off, d->cap_sect * 8, cap * 8);
			u8 *s;

			if (!o)
				return -ENOMEM;
			d->sect_off = o;
			s = kr_realloc(d->sect_data, d->cap_sect * SECT,
				       cap * SECT);
			if (!s)
				return -ENOMEM;
			d->sect_data = s;
			d->cap_sect = cap;
		}
		d->sect_off[d->n_sect] = off + i;
		memcpy(d->sect_data + d->n_sect * SECT, buf + i, SECT);
		d->n_sect++;
	}
	memcpy(d->img + off, buf, len);
	return 0;
}

/* The device as it would be after a crash once @n sectors had landed. */
void md_crash_image(struct mdisk *d, u32 n, u8 *out)
{
	u32 i;

	memcpy(out, d->base, DEV_BYTES);
	for (i = 0; i < n; i++)
		memcpy(out + d->sect_off[i], d->sect_data + i * SECT, SECT);
}

u64 pl_ring_base(struct plog *p)
{
	return p->sb.ring_start * KRAFT_DL_BLOCK;
}

int pl_format(struct plog *p, struct mdisk *d, u32 lbs)
{
	u8 *blk = kr_zalloc(KRAFT_DL_BLOCK);
	int err;

	if (!blk)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	p->d = d;
	err = kraft_dl_layout(DEV_BYTES, lbs, &p->sb);
	if (err)
		goto out;
	memcpy(p->sb.cluster, "test", 4);
	memcpy(p->sb.uuid, "0123456789abcdef", 16);
	p->sb.node_id = 1;
	p->sb.n_peers = 1;
	p->sb.peers[0].id = 1;
	memcpy(p->sb.peers[0].addr, "10.0.0.1:7000", 13);
	kraft_dl_super_encode(&p->sb, blk);
	err = md_write(d, 0, blk, KRAFT_DL_BLOCK);
	p->hs_slot = 1;
	p->snap_slot = 1;
	p->hs.start_index = 1;
	if (!err)
		err = kraft_dl_ring_init(&p->ring, p->sb.ring_blocks *
					 KRAFT_DL_BLOCK, lbs, 0, 1);
	p->ring.salt = kraft_dl_salt(&p->sb);
	p->ring.tagged = p->sb.version >= 2;
out:
	kr_free(blk);
	return err;
}

int pl_append(struct plog *p, const struct kraft_entry *e, u32 n)
{
	u64 tag_end = kraft_dl_ring_tag_reserve(&p->ring);
	struct kraft_dl_write w[2];
	int nw, i, err = 0;

	if (tag_end) {	/* tags durable before one is used, as the store */
		p->ring.tag_end = tag_end;
		err = pl_hs(p, p->hs.term, p->hs.vote, p->hs.commit);
		if (err)
			return err;
	}
	nw = kraft_dl_ring_append(&p->ring, e, n, p->tail, w);
	if (nw <= 0)
		return nw;
	for (i = 0; i < nw; i++) {
		if (!err)
			err = md_write(p->d, pl_ring_base(p) + w[i].off, w[i].buf,
				       w[i].len);
		if (i == nw - 1)
			memcpy(p->tail, w[i].buf + w[i].len - p->sb.lbs,
			       p->sb.lbs);
	}
	return err;
}

int pl_hs(struct plog *p, u64 term, u64 vote, u64 commit)
{
	u8 *blk = kr_zalloc(KRAFT_DL_BLOCK);
	int err;

	if (!blk)
		return -ENOMEM;
	p->hs.seq++;
	p->hs.term = term;
	p->hs.vote = vote;
	p->hs.commit = commit;
	p->hs.start_off = p->ring.start_off;
	p->hs.start_index = p->ring.start_index;
	p->hs.tag_end = p->ring.tag_end;
	p->hs_slot ^= 1;
	kraft_dl_hs_encode(&p->hs, p->ring.salt, blk);
	err = md_write(p->d, (1 + p->hs_slot) * KRAFT_DL_BLOCK, blk,
		       KRAFT_DL_BLOCK);
	kr_free(blk);
	return err;
}

/* Forget records from @index on, erasing them as kmod/store.c does. */
int pl_truncate(struct plog *p, u64 index)
{
	struct kraft_dl_write w[2];
	u32 lbs = p->sb.lbs, keep = 0;
	int nw, i, err = 0;
	u8 *zero;

	nw = kraft_dl_ring_truncate(&p->ring, index, w);
	if (nw <= 0)
		return nw;
	zero = kr_zalloc(lbs);
	if (!zero)
		return -ENOMEM;
	err = md_read(p->d, pl_ring_base(p) + w[0].off, p->tail, lbs);
	keep = p->ring.head % lbs;
	memset(p->tail + keep, 0, lbs - keep);
	if (!err)
		err = md_write(p->d, pl_ring_base(p) + w[0].off, p->tail, lbs);
	w[0].off += lbs;
	w[0].len -= lbs;
	for (i = 0; i < nw; i++)
		for (; !err && w[i].len; w[i].off += lbs, w[i].len -= lbs)
			err = md_write(p->d, pl_ring_base(p) + w[i].off, zero, lbs);
	kr_free(zero);
	return err;
}

/* Snapshot at @index (data first, then header), compact, record in hs. */
int pl_snapshot(struct plog *p, u64 index, u64 term, const char *data)
{
	struct kraft_dl_snap s = { .index = index, .term = term };
	u8 *blk = kr_zalloc(KRAFT_DL_BLOCK);
	u64 slot;
	int err;

	if (!blk)
		return -ENOMEM;
	s.seq = ++p->snap_seq;
	s.conf.n_voters = 1;
	s.conf.voters[0] = 1;
	s.len = strlen(data);
	s.crc = kr_crc32c(~0u, data, s.len);
	p->snap_slot ^= 1;
	slot = kraft_dl_snap_slot(&p->sb, p->snap_slot);
	memcpy(blk, data, s.len);
	err = md_write(p->d, (slot + 1) * KRAFT_DL_BLOCK, blk, KRAFT_DL_BLOCK);
	kraft_dl_snap_encode(&s, p->ring.salt, blk);
	if (!err)
		err = md_write(p->d, slot * KRAFT_DL_BLOCK, blk, KRAFT_DL_BLOCK);
	kr_free(blk);
	if (!err)
		err = kraft_dl_ring_compact(&p->ring, index);
	if (!err)
		err = pl_hs(p, p->hs.term, p->hs.vote, p->hs.commit);
	return err;
}

struct mdisk *md_new(struct kunit *test)
{
	struct mdisk *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	d->img = kunit_kzalloc(test, DEV_BYTES, GFP_KERNEL);
	d->base = kunit_kzalloc(test, DEV_BYTES, GFP_KERNEL);
	return d->img && d->base ? d : NULL;
}

void md_free(struct mdisk *d)
{
	kr_free(d->sect_off);
	kr_free(d->sect_data);
}

/* The device once sectors [0, @from) landed, and of [@from, @to) @mask's. */
void md_crash_mask(struct mdisk *d, u32 from, u32 to, u32 mask, u8 *out)
{
	u32 i;

	md_crash_image(d, from, out);
	for (i = from; i < to; i++)
		if (mask >> (i - from) & 1)
			memcpy(out + d->sect_off[i], d->sect_data + i * SECT, SECT);
}

/* A node started again on @d from what recovery found (@st's ring moves). */
void pl_open(struct plog *p, struct mdisk *d, struct kraft_dl_state *st)
{
	memset(p, 0, sizeof(*p));
	p->d = d;
	p->sb = st->sb;
	p->hs = st->hs;
	p->hs_slot = st->hs_slot;
	p->snap_slot = st->snap_slot;
	p->snap_seq = st->snap.seq;
	p->ring = st->ring;
	memset(&st->ring, 0, sizeof(st->ring));
	memcpy(p->tail, st->tail, p->sb.lbs);
}
