// SPDX-License-Identifier: GPL-2.0
/*
 * disklog_test.c - the on-disk format against an in-memory disk that
 * keeps its writes as a sequence of 512-byte sectors (disk_model.c): a
 * crash keeps any prefix of them, so every crash point of a workload
 * (torn writes included) is enumerated, or any subset of one append's
 * sectors (they may land in any order). Also the loader cases canonical/raft tests:
 * empty device, foreign data, incomplete header and data, corrupt tail,
 * trailing zeros, corrupt middle; and a full ring.
 */
#include "disk_model.h"

/* Entry @index: 0 to 149 bytes, three indexes in a row alike long. */
static void entry(struct kraft_entry *e, char *buf, u64 index, u64 term)
{
	u32 len = (index / 3 * 37) % 150;

	memset(buf, 'a' + index % 26, len);
	memset(e, 0, sizeof(*e));
	e->index = index;
	e->term = term;
	e->type = KRAFT_ENTRY_NORMAL;
	e->len = len;
	e->data = (u8 *)buf;
}

/* The term the workloads below give an index: a new term every 500. */
static u64 term_of(u64 index)
{
	return 1 + index / 500;
}

static int recover(struct mdisk *d, struct kraft_dl_state *st)
{
	struct kraft_dl_io io = { .ctx = d, .read = md_read };
	const char *why = "";
	int err = kraft_dl_recover(&io, st, &why);

	if (err && err != -ENODATA)
		kr_warn("recovery refuses: %d: %s\n", err, why);
	return err;
}

/*
 * Each entry recovery returned, and the snapshot it starts after, are the
 * ones the workloads made for their index: entry() and term_of().
 */
static void expect_recovered(struct kunit *test, struct kraft_dl_state *st,
			     char *buf)
{
	struct kraft_entry e;
	u64 i, index;

	KUNIT_EXPECT_EQ(test, st->snap.term, term_of(st->snap.index));
	for (i = 0; i < st->n_entries; i++) {
		index = st->snap.index + 1 + i;
		entry(&e, buf, index, term_of(index));
		KUNIT_EXPECT_EQ(test, st->entries[i].index, e.index);
		KUNIT_EXPECT_EQ(test, st->entries[i].term, e.term);
		KUNIT_EXPECT_EQ(test, st->entries[i].len, e.len);
		KUNIT_EXPECT_EQ(test, memcmp(st->entries[i].data, e.data, e.len), 0);
	}
}

static void kraft_disklog_round_trip(struct kunit *test)
{
	struct mdisk *d = md_new(test);
	struct plog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st),
						  GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct kraft_entry e;
	u64 i;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, pl_format(p, d, 512), 0);
	/* laps of the ring, compacting as it fills */
	for (i = 1; i <= 3000; i++) {
		entry(&e, buf, i, term_of(i));
		if (kraft_dl_ring_free_bytes(&p->ring) < 4096)
			KUNIT_ASSERT_EQ(test, pl_snapshot(p, i - 1, term_of(i - 1),
							  "state"), 0);
		KUNIT_ASSERT_EQ(test, pl_append(p, &e, 1), 0);
		if (i % 10 == 0)
			KUNIT_ASSERT_EQ(test, pl_hs(p, term_of(i), 1, i), 0);
	}
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->hs.commit, 3000);
	KUNIT_EXPECT_GT(test, st->snap.index, 0);
	KUNIT_EXPECT_EQ(test, st->snap.index + st->n_entries, 3000);
	expect_recovered(test, st, buf);
	kraft_dl_state_free(st);
	kraft_dl_ring_free(&p->ring);
	md_free(d);
}

/* What the workload had made durable after each write: the model. */
struct step_state {
	u32 sect;		/* sectors written when this state holds */
	u64 term;
	u64 vote;
	u64 last;		/* last index in the log */
	u64 terms[64];		/* term of each index 1..last */
};

static void kraft_disklog_crash_points(struct kunit *test)
{
	struct mdisk *d = md_new(test);
	struct plog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct step_state *ss = kunit_kzalloc(test, 64 * sizeof(*ss),
					      GFP_KERNEL);
	u8 *img = kunit_kzalloc(test, DEV_BYTES, GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct kraft_entry e[3];
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st),
						  GFP_KERNEL);
	struct mdisk view = { 0 };
	u32 n_ss = 0, k, cut, j;
	u64 i, t;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, ss);
	KUNIT_ASSERT_NOT_NULL(test, img);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, pl_format(p, d, 512), 0);
	memcpy(d->base, d->img, DEV_BYTES);
	d->n_sect = 0;
	/* vote, appends, a truncation by a newer leader, more appends */
	for (k = 0; k < 12; k++) {
		struct step_state *s = &ss[n_ss];

		*s = n_ss ? ss[n_ss - 1] : (struct step_state){ 0 };
		if (k == 0 || k == 6) {
			s->term += 1;
			s->vote = k ? 3 : 2;
			KUNIT_ASSERT_EQ(test, pl_hs(p, s->term, s->vote, 0), 0);
		} else {
			u64 from = s->last + 1;

			if (k == 7) {	/* the new leader replaces 4.. */
				from = 4;
				KUNIT_ASSERT_EQ(test, pl_truncate(p, 4), 0);
			}
			for (i = 0; i < 3; i++) {
				entry(&e[i], buf + 150 * i, from + i, s->term);

				s->terms[from + i] = s->term;
			}
			KUNIT_ASSERT_EQ(test, pl_append(p, e, 3), 0);
			s->last = from + 2;
		}
		s->sect = d->n_sect;
		n_ss++;
	}
	/* every crash point: any prefix of the sectors written */
	view.img = img;
	for (cut = 0; cut <= d->n_sect; cut++) {
		const struct step_state *done = NULL, *next = NULL;
		u64 need;

		md_crash_image(d, cut, img);
		for (j = 0; j < n_ss; j++)
			if (ss[j].sect <= cut)
				done = &ss[j];
			else if (!next)
				next = &ss[j];
		KUNIT_ASSERT_EQ_MSG(test, recover(&view, st), 0, "cut %u", cut);
		if (done) {
			/* acknowledged term, vote and entries survive */
			KUNIT_EXPECT_GE(test, st->hs.term, done->term);
			if (st->hs.term == done->term)
				KUNIT_EXPECT_EQ(test, st->hs.vote, done->vote);
			/*
			 * Entries the write in flight replaces (a truncation)
			 * may go; all others must stay.
			 */
			need = done->last;
			if (next)
				for (need = 0; need < min(done->last, next->last) &&
				     done->terms[need + 1] == next->terms[need + 1];
				     need++)
					;
			KUNIT_EXPECT_GE_MSG(test, st->n_entries, need,
					    "cut %u", cut);
		}
		/* nothing recovered that was never written whole */
		for (i = 0; i < st->n_entries; i++) {
			t = st->entries[i].term;
			for (j = 0; j < n_ss; j++)
				if (ss[j].last > i && ss[j].terms[i + 1] == t)
					break;
			KUNIT_EXPECT_LT_MSG(test, j, n_ss, "cut %u index %llu",
					    cut, (unsigned long long)i + 1);
		}
		kraft_dl_state_free(st);
	}
	kraft_dl_ring_free(&p->ring);
	md_free(d);
}

/* @n entries of 32 bytes from @from, of term @term, in @e; data in @buf */
static void alike(struct kraft_entry *e, char *buf, u64 from, u32 n, u64 term)
{
	u32 i;

	for (i = 0; i < n; i++) {
		memset(buf + 32 * i, 'a' + (from + i) % 26, 32);
		memset(&e[i], 0, sizeof(e[i]));
		e[i].index = from + i;
		e[i].term = term;
		e[i].type = KRAFT_ENTRY_NORMAL;
		e[i].len = 32;
		e[i].data = (u8 *)buf + 32 * i;
	}
}

/*
 * A leader replaces entries 4-12 of term 3 with 4-8 of term 2 (older, as
 * a leader that takes over may bring). Records are 64 bytes, eight to a
 * block: the new ones end on a block boundary, where the old 9 begins.
 * Had the truncation left the old records on the device, recovery would
 * take 9-12 after the new 8 (their term is not older): a log no leader
 * ever had. At every crash point from the truncation on, what comes back
 * is a prefix of the log before or of the log after.
 */
static void kraft_disklog_stale_suffix(struct kunit *test)
{
	static const u64 before[] = { 0, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	static const u64 after[] = { 0, 1, 1, 1, 2, 2, 2, 2, 2 };
	struct mdisk *d = md_new(test);
	struct plog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st),
						  GFP_KERNEL);
	u8 *img = kunit_kzalloc(test, DEV_BYTES, GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 9 * 32, GFP_KERNEL);
	struct mdisk view = { .img = img };
	struct kraft_entry e[9];
	u32 from_sect, cut;
	u64 i;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, img);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, pl_format(p, d, 512), 0);
	KUNIT_ASSERT_EQ(test, pl_hs(p, 3, 1, 3), 0);
	alike(e, buf, 1, 3, 1);
	KUNIT_ASSERT_EQ(test, pl_append(p, e, 3), 0);
	alike(e, buf, 4, 9, 3);
	KUNIT_ASSERT_EQ(test, pl_append(p, e, 9), 0);
	from_sect = d->n_sect;
	KUNIT_ASSERT_EQ(test, pl_hs(p, 4, 2, 3), 0);
	KUNIT_ASSERT_EQ(test, pl_truncate(p, 4), 0);
	alike(e, buf, 4, 5, 2);
	KUNIT_ASSERT_EQ(test, pl_append(p, e, 5), 0);
	KUNIT_ASSERT_EQ(test, p->ring.head % 512, 0);
	for (cut = from_sect; cut <= d->n_sect; cut++) {
		bool as_before = true, as_after = true;

		md_crash_image(d, cut, img);
		KUNIT_ASSERT_EQ_MSG(test, recover(&view, st), 0, "cut %u", cut);
		KUNIT_EXPECT_GE_MSG(test, st->n_entries, 3, "cut %u", cut);
		for (i = 0; i < st->n_entries; i++) {
			as_before &= i + 1 < ARRAY_SIZE(before) &&
				     st->entries[i].term == before[i + 1];
			as_after &= i + 1 < ARRAY_SIZE(after) &&
				    st->entries[i].term == after[i + 1];
		}
		KUNIT_EXPECT_TRUE_MSG(test, as_before || as_after,
				      "cut %u: %llu entries", cut,
				      (unsigned long long)st->n_entries);
		/* all landed: the new log, and nothing after it */
		if (cut == d->n_sect)
			KUNIT_EXPECT_EQ(test, st->n_entries, 8);
		kraft_dl_state_free(st);
	}
	kraft_dl_ring_free(&p->ring);
	md_free(d);
}

#define TORN_N	24	/* entries at most, 4 of them before the torn append */
#define TORN_MAX	1200	/* bytes of data at most */

/*
 * Entry @index of term 1: records of 64 bytes, eight to a sector (@shape
 * 0), or of 332 to 1232 bytes, spanning sectors (1).
 */
static void shaped(struct kraft_entry *e, char *buf, u64 index, u32 shape,
		   char mark)
{
	u32 len = shape ? 300 + (index * 337) % 900 : 32;

	memset(buf, mark ? mark : 'a' + index % 26, len);
	memset(e, 0, sizeof(*e));
	e->index = index;
	e->term = 1;
	e->type = KRAFT_ENTRY_NORMAL;
	e->len = len;
	e->data = (u8 *)buf;
}

/*
 * The sectors of one append may reach the medium in any order, and a
 * crash may keep any of them: every subset is tried. Version 2 cuts the
 * log at the append's first missing record whatever landed after it;
 * version 1 took a bad record followed by a valid one for damage, and
 * refused to start. A second start then appends entries as long as the
 * ones cut (other data, the same term), ending where the next torn one
 * begins: that one must not come back after them, as it did in version 1
 * when the new append ended on a sector boundary.
 */
static void kraft_disklog_any_order(struct kunit *test)
{
	struct plog *p = kunit_kzalloc(test, 2 * sizeof(*p), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st),
						  GFP_KERNEL);
	u8 *img = kunit_kzalloc(test, DEV_BYTES, GFP_KERNEL);
	u8 *blk = kunit_kzalloc(test, KRAFT_DL_BLOCK, GFP_KERNEL);
	char *buf = kunit_kzalloc(test, (TORN_N + 8) * TORN_MAX, GFP_KERNEL);
	u32 refused[2] = { 0 }, revived[2] = { 0 };
	struct kraft_entry *e = kunit_kcalloc(test, TORN_N + 8, sizeof(*e),
					      GFP_KERNEL);
	u32 version, shape, from, to, mask, j, last;
	struct mdisk *d;
	u64 i, n;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, img);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, e);
	for (version = 1; version <= 2; version++) {
		for (shape = 0; shape < 2; shape++) {
			d = md_new(test);
			KUNIT_ASSERT_NOT_NULL(test, d);
			KUNIT_ASSERT_EQ(test, pl_format(p, d, 512), 0);
			p->sb.version = version;
			p->ring.tagged = version >= 2;
			kraft_dl_super_encode(&p->sb, blk);
			KUNIT_ASSERT_EQ(test, md_write(d, 0, blk, KRAFT_DL_BLOCK), 0);
			KUNIT_ASSERT_EQ(test, pl_hs(p, 1, 1, 0), 0);
			last = shape ? 10 : TORN_N;
			for (i = 0; i < last; i++)
				shaped(&e[i], buf + TORN_MAX * i, i + 1, shape, 0);
			KUNIT_ASSERT_EQ(test, pl_append(p, e, 4), 0);
			from = d->n_sect;
			KUNIT_ASSERT_EQ(test, pl_append(p, e + 4, last - 4), 0);
			to = d->n_sect;
			KUNIT_ASSERT_LE(test, to - from, 12);
			for (mask = 0; mask < 1u << (to - from); mask++) {
				struct mdisk view = { .img = img };

				md_crash_mask(d, from, to, mask, img);
				err = recover(&view, st);
				if (err == -EUCLEAN) {
					refused[version - 1]++;
					kraft_dl_state_free(st);
					continue;
				}
				KUNIT_ASSERT_EQ(test, err, 0);
				n = st->n_entries;
				KUNIT_EXPECT_GE(test, n, 4);
				for (i = 0; i < n; i++)
					KUNIT_EXPECT_EQ(test, memcmp(st->entries[i].data,
								     e[i].data, e[i].len), 0);
				pl_open(p + 1, &view, st);
				kraft_dl_state_free(st);
				/* up to a sector's end (64-byte records) */
				j = shape ? 1 + mask % 2 : 8 - n % 8;
				if (n + j >= last)
					j = 0;
				for (i = 0; i < j; i++)
					shaped(&e[TORN_N + i],
					       buf + TORN_MAX * (TORN_N + i),
					       n + 1 + i, shape, 'Z');
				KUNIT_ASSERT_EQ(test, pl_append(p + 1, e + TORN_N, j), 0);
				KUNIT_ASSERT_EQ(test, recover(&view, st), 0);
				if (st->n_entries != n + j)
					revived[version - 1]++;
				for (i = 0; i < min(st->n_entries, n + j); i++)
					if (st->entries[i].len)
						KUNIT_EXPECT_EQ(test, st->entries[i].data[0],
								i < n ? e[i].data[0] : 'Z');
				kraft_dl_state_free(st);
				kraft_dl_ring_free(&p[1].ring);
				md_free(&view);
			}
			kraft_dl_ring_free(&p->ring);
			md_free(d);
		}
	}
	KUNIT_EXPECT_EQ(test, refused[1], 0);
	KUNIT_EXPECT_EQ(test, revived[1], 0);
	/* what version 1 did, which the tags are for */
	KUNIT_EXPECT_GT(test, refused[0], 0);
	KUNIT_EXPECT_GT(test, revived[0], 0);
}

static void kraft_disklog_loader_cases(struct kunit *test)
{
	struct mdisk *d = md_new(test);
	struct plog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	u8 *save = kunit_kzalloc(test, DEV_BYTES, GFP_KERNEL);
	struct kraft_entry e[4];
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st),
						  GFP_KERNEL);
	u64 base, i;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, save);
	/* empty device, foreign data */
	KUNIT_EXPECT_EQ(test, recover(d, st), -ENODATA);
	kraft_dl_state_free(st);
	for (i = 0; i < KRAFT_DL_BLOCK; i++)
		d->img[i] = (u8)(i * 131 + 7);
	KUNIT_EXPECT_EQ(test, recover(d, st), -ENODATA);
	kraft_dl_state_free(st);
	memset(d->img, 0, KRAFT_DL_BLOCK);
	KUNIT_ASSERT_EQ(test, pl_format(p, d, 512), 0);
	/* a fresh device: empty log, trailing zeros */
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->n_entries, 0);
	kraft_dl_state_free(st);
	for (i = 0; i < 4; i++) {
		entry(&e[i], buf + 100 * i, i + 1, 1);
		e[i].len = 100;
	}
	KUNIT_ASSERT_EQ(test, pl_append(p, e, 3), 0);
	KUNIT_ASSERT_EQ(test, pl_append(p, e + 3, 1), 0);
	KUNIT_ASSERT_EQ(test, pl_hs(p, 1, 1, 2), 0);
	memcpy(save, d->img, DEV_BYTES);
	base = pl_ring_base(p);
	/* corrupt tail: the last record's data */
	d->img[base + p->ring.offs[3] + 40] ^= 1;
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->n_entries, 3);
	KUNIT_EXPECT_TRUE(test, st->cut);
	kraft_dl_state_free(st);
	/* incomplete data: the last record cut short by zeros */
	memcpy(d->img, save, DEV_BYTES);
	memset(d->img + base + p->ring.offs[3] + 60, 0, 200);
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->n_entries, 3);
	kraft_dl_state_free(st);
	/* incomplete header */
	memcpy(d->img, save, DEV_BYTES);
	memset(d->img + base + p->ring.offs[3] + 12, 0, 200);
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->n_entries, 3);
	kraft_dl_state_free(st);
	/* corrupt middle: record 3 bad, record 4 (a later append) valid */
	memcpy(d->img, save, DEV_BYTES);
	d->img[base + p->ring.offs[2] + 50] ^= 1;
	KUNIT_EXPECT_EQ(test, recover(d, st), -EUCLEAN);
	kraft_dl_state_free(st);
	/* record 2 bad: 3 is of its append, 4 of a later one */
	memcpy(d->img, save, DEV_BYTES);
	d->img[base + p->ring.offs[1] + 50] ^= 1;
	KUNIT_EXPECT_EQ(test, recover(d, st), -EUCLEAN);
	kraft_dl_state_free(st);
	/* a committed entry torn away is refused too */
	memcpy(d->img, save, DEV_BYTES);
	memset(d->img + base + p->ring.offs[1], 0, 1024);
	KUNIT_EXPECT_EQ(test, recover(d, st), -EUCLEAN);
	kraft_dl_state_free(st);
	/* re-initialised (a new uuid): the old records are not this log's */
	memcpy(d->img, save, DEV_BYTES);
	p->sb.uuid[0] ^= 1;
	kraft_dl_super_encode(&p->sb, d->img);
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->n_entries, 0);
	KUNIT_EXPECT_EQ(test, st->hs.seq, 0);
	kraft_dl_state_free(st);
	/* a damaged superblock */
	memcpy(d->img, save, DEV_BYTES);
	d->img[100] ^= 1;
	KUNIT_EXPECT_EQ(test, recover(d, st), -EUCLEAN);
	kraft_dl_state_free(st);
	kraft_dl_ring_free(&p->ring);
	md_free(d);
}

static void kraft_disklog_ring_full(struct kunit *test)
{
	struct mdisk *d = md_new(test);
	struct plog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct kraft_entry e;
	u64 i = 1;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, pl_format(p, d, 4096), 0);
	do {
		entry(&e, buf, i, 1);
		err = pl_append(p, &e, 1);
	} while (!err && ++i < 10000);
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	/* a snapshot frees the ring */
	KUNIT_ASSERT_EQ(test, pl_snapshot(p, i - 1, 1, "s"), 0);
	KUNIT_EXPECT_EQ(test, pl_append(p, &e, 1), 0);
	kraft_dl_ring_free(&p->ring);
	md_free(d);
}

/*
 * Batches of 1 to 19 entries for several laps of the ring, so that wraps
 * fall inside batches (one append, two writes from one staging buffer).
 * Two entries in three bring their data's CRC, which the records combine
 * with their headers' (or ignore: a short length the first time it comes);
 * recovery checks every record the long way.
 */
static void kraft_disklog_batches(struct kunit *test)
{
	struct mdisk *d = md_new(test);
	struct plog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st),
						  GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 19 * 160, GFP_KERNEL);
	struct kraft_entry e[19];
	u64 i = 1, wraps = 0, head = 0;
	u32 j, n;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, pl_format(p, d, 512), 0);
	while (i <= 6000) {
		n = 1 + i % 19;
		for (j = 0; j < n; j++) {
			entry(&e[j], buf + j * 160, i + j, term_of(i + j));
			/* some bring their data's CRC, as a leader's do */
			if ((i + j) % 3) {
				put_unaligned_le32(kr_crc32c(0, e[j].data,
							     e[j].len),
						   e[j].data + e[j].len);
				e[j].crc_known = 1;
			}
		}
		if (kraft_dl_ring_free_bytes(&p->ring) < 19 * 200)
			KUNIT_ASSERT_EQ(test, pl_snapshot(p, i - 1, term_of(i - 1),
							  "s"), 0);
		KUNIT_ASSERT_EQ(test, pl_append(p, e, n), 0);
		i += n;
		wraps += p->ring.head / p->ring.size != head / p->ring.size;
		head = p->ring.head;
	}
	KUNIT_EXPECT_GE(test, wraps, 4);
	KUNIT_EXPECT_LE(test, p->ring.buf_cap, 65536);
	KUNIT_ASSERT_EQ(test, pl_hs(p, term_of(i - 1), 1, i - 1), 0);
	KUNIT_ASSERT_EQ(test, recover(d, st), 0);
	KUNIT_EXPECT_EQ(test, st->snap.index + st->n_entries, i - 1);
	expect_recovered(test, st, buf);
	kraft_dl_state_free(st);
	kraft_dl_ring_free(&p->ring);
	md_free(d);
}

static struct kunit_case kraft_disklog_cases[] = {
	KUNIT_CASE(kraft_disklog_round_trip),
	KUNIT_CASE(kraft_disklog_batches),
	KUNIT_CASE(kraft_disklog_crash_points),
	KUNIT_CASE(kraft_disklog_loader_cases),
	KUNIT_CASE(kraft_disklog_ring_full),
	KUNIT_CASE(kraft_disklog_stale_suffix),
	KUNIT_CASE(kraft_disklog_any_order),
	{}
};

static struct kunit_suite kraft_disklog_suite = {
	.name = "kraft_disklog",
	.test_cases = kraft_disklog_cases,
};

kunit_test_suite(kraft_disklog_suite);
