// SPDX-License-Identifier: GPL-2.0
/*
 * store_test.c - KUnit suite kraft_store for kmod/store.c on a real block
 * device (the marked /dev/vdb of disk_io_test.c, whose marker is written
 * back at the end): format, append, truncate (the records cut erased on
 * the device), hard state, snapshot and compaction, then recovery after
 * close; the device held exclusively; a corrupt record in the middle
 * refuses to open; installing a leader's snapshot drops the log after it.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "store.h"

#define TEST_DISK	"/dev/vdb"
#define TEST_MARKER	"KRAFT-TEST-BLANK-DISK"

static int raw_block(struct kraft_disk *d, u64 blk, u8 *buf, bool write)
{
	return write ? kraft_disk_write(d, blk * KRAFT_DL_BLOCK, buf,
					KRAFT_DL_BLOCK, KRAFT_DISK_FUA) :
		       kraft_disk_read(d, blk * KRAFT_DL_BLOCK, buf,
				       KRAFT_DL_BLOCK);
}

/* Format the marked disk as kraftctl init would. */
static int kraft_store_init(struct kunit *test)
{
	struct kraft_dl_super *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);
	u8 *blk = kunit_kzalloc(test, KRAFT_DL_BLOCK, GFP_KERNEL);
	struct kraft_disk d = {};
	int err;

	KUNIT_ASSERT_NOT_NULL(test, sb);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	if (kraft_disk_open(&d, TEST_DISK, test))
		kunit_skip(test, "no " TEST_DISK);
	if (raw_block(&d, 0, blk, false) ||
	    memcmp(blk, TEST_MARKER, strlen(TEST_MARKER))) {
		kraft_disk_close(&d);
		kunit_skip(test, TEST_DISK " is not a marked test disk");
	}
	err = kraft_dl_layout(d.size, d.lbs, sb);
	strscpy(sb->cluster, "kunit", sizeof(sb->cluster));
	sb->node_id = 1;
	sb->n_peers = 1;
	sb->peers[0].id = 1;
	strscpy(sb->peers[0].addr, "10.0.0.1:7000", sizeof(sb->peers[0].addr));
	memcpy(sb->uuid, "kunit-store-uuid", 16);
	memset(blk, 0, KRAFT_DL_BLOCK);
	if (!err)
		err = raw_block(&d, 1, blk, true) ?: raw_block(&d, 2, blk, true) ?:
		      raw_block(&d, kraft_dl_snap_slot(sb, 0), blk, true) ?:
		      raw_block(&d, kraft_dl_snap_slot(sb, 1), blk, true) ?:
		      raw_block(&d, sb->ring_start, blk, true);
	if (!err) {
		kraft_dl_super_encode(sb, blk);
		err = raw_block(&d, 0, blk, true);
	}
	kraft_disk_close(&d);
	KUNIT_ASSERT_EQ(test, err, 0);
	test->priv = sb;	/* formatted: exit restores the marker */
	return 0;
}

/* Leave the disk marked for the next suite or run. */
static void kraft_store_exit(struct kunit *test)
{
	struct kraft_disk d = {};
	u8 *blk;

	if (!test->priv)
		return;	/* not our disk: never touched */
	blk = kzalloc(KRAFT_DL_BLOCK, GFP_KERNEL);
	if (blk && !kraft_disk_open(&d, TEST_DISK, test)) {
		memcpy(blk, TEST_MARKER, strlen(TEST_MARKER));
		raw_block(&d, 0, blk, true);
		kraft_disk_close(&d);
	}
	kfree(blk);
}

static void fill(struct kraft_entry *e, u8 *buf, u64 index, u64 term)
{
	e->index = index;
	e->term = term;
	e->type = KRAFT_ENTRY_NORMAL;
	e->len = (index * 53) % 700;
	e->data = buf;
	memset(buf, (int)(index * 13 + term), e->len);
}

static void kraft_store_append_recover(struct kunit *test)
{
	struct kraft_store *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct kraft_entry *e = kunit_kcalloc(test, 10, sizeof(*e), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, 10 * 700, GFP_KERNEL);
	struct kraft_snapshot snap = { .index = 150, .term = 1, .len = 10000 };
	u8 *blk = kunit_kzalloc(test, KRAFT_DL_BLOCK, GFP_KERNEL);
	struct kraft_entry want;
	const char *why = NULL;
	u64 i, j, off, old_head;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	KUNIT_ASSERT_EQ(test, kraft_store_open(s, TEST_DISK, test, st, &why), 0);
	KUNIT_EXPECT_EQ(test, st->n_entries, 0);
	kraft_dl_state_free(st);
	/* 200 entries of term 1 in batches of 10 */
	for (i = 1; i <= 200; i += 10) {
		for (j = 0; j < 10; j++)
			fill(&e[j], buf + 700 * j, i + j, 1);
		KUNIT_ASSERT_EQ(test, kraft_store_append(s, e, 10), 0);
	}
	KUNIT_ASSERT_EQ(test, kraft_store_save_hs(s, 2, 1, 150), 0);
	snap.conf.n_voters = 1;
	snap.conf.voters[0] = 1;
	snap.data = vzalloc(snap.len);
	KUNIT_ASSERT_NOT_NULL(test, snap.data);
	memset(snap.data, 0x5a, snap.len);
	KUNIT_ASSERT_EQ(test, kraft_store_save_snapshot(s, &snap), 0);
	/* a leader of term 2 replaces 181.. */
	for (j = 0; j < 10; j++)
		fill(&e[j], buf + 700 * j, 181 + j, 2);
	KUNIT_ASSERT_EQ(test, kraft_store_append(s, e, 10), 0);
	/*
	 * 191-210 of term 3 go, for 191-192 of term 2: the old records after
	 * the new ones are erased on the device
	 */
	for (i = 191; i <= 210; i += 10) {
		for (j = 0; j < 10; j++)
			fill(&e[j], buf + 700 * j, i + j, 3);
		KUNIT_ASSERT_EQ(test, kraft_store_append(s, e, 10), 0);
	}
	old_head = s->ring.head;
	for (j = 0; j < 2; j++)
		fill(&e[j], buf + 700 * j, 191 + j, 2);
	KUNIT_ASSERT_EQ(test, kraft_store_append(s, e, 2), 0);
	KUNIT_ASSERT_LT(test, s->ring.head + KRAFT_DL_BLOCK, old_head);
	for (off = round_down(s->ring.head, KRAFT_DL_BLOCK); off < old_head;
	     off += KRAFT_DL_BLOCK) {
		KUNIT_ASSERT_EQ(test, raw_block(&s->disk, s->sb.ring_start +
						off / KRAFT_DL_BLOCK, blk,
						false), 0);
		for (j = max(off, s->ring.head); j < off + KRAFT_DL_BLOCK; j++)
			if (blk[j - off])
				break;
		KUNIT_EXPECT_EQ_MSG(test, j, off + KRAFT_DL_BLOCK,
				    "a byte after the head is not erased");
	}
	/* the device is ours alone while open */
	KUNIT_EXPECT_EQ(test, kraft_store_open(kunit_kzalloc(test, sizeof(*s),
		GFP_KERNEL), TEST_DISK, s, st, &why), -EBUSY);
	kraft_store_close(s);

	KUNIT_ASSERT_EQ(test, kraft_store_open(s, TEST_DISK, test, st, &why), 0);
	/* appends take tags above any the last start reserved */
	KUNIT_EXPECT_TRUE(test, s->ring.tagged);
	KUNIT_EXPECT_EQ(test, s->ring.tag, KRAFT_DL_TAG_RESERVE);
	KUNIT_EXPECT_EQ(test, st->hs.tag_end, KRAFT_DL_TAG_RESERVE);
	KUNIT_EXPECT_EQ(test, st->hs.term, 2);
	KUNIT_EXPECT_EQ(test, st->hs.commit, 150);
	KUNIT_EXPECT_EQ(test, st->snap.index, 150);
	KUNIT_EXPECT_EQ(test, st->snap.len, 10000);
	KUNIT_EXPECT_EQ(test, memcmp(st->snap_data, snap.data, snap.len), 0);
	KUNIT_ASSERT_EQ(test, st->n_entries, 42);
	for (i = 0; i < st->n_entries; i++) {
		u64 index = 151 + i;

		fill(&want, buf, index, index > 180 ? 2 : 1);
		KUNIT_EXPECT_EQ(test, st->entries[i].index, index);
		KUNIT_EXPECT_EQ(test, st->entries[i].term, want.term);
		KUNIT_EXPECT_EQ(test, st->entries[i].len, want.len);
		KUNIT_EXPECT_EQ(test, memcmp(st->entries[i].data, buf,
					     want.len), 0);
	}
	kraft_dl_state_free(st);
	kraft_store_close(s);
	vfree(snap.data);
}

static void kraft_store_refuses_corrupt_middle(struct kunit *test)
{
	struct kraft_store *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct kraft_entry *e = kunit_kcalloc(test, 10, sizeof(*e), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, 10 * 700, GFP_KERNEL);
	u8 *blk = kunit_kzalloc(test, KRAFT_DL_BLOCK, GFP_KERNEL);
	const char *why = NULL;
	u64 j, off;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	KUNIT_ASSERT_EQ(test, kraft_store_open(s, TEST_DISK, test, st, &why), 0);
	kraft_dl_state_free(st);
	for (j = 0; j < 10; j++)
		fill(&e[j], buf + 700 * j, 1 + j, 1);
	KUNIT_ASSERT_EQ(test, kraft_store_append(s, e, 8), 0);
	KUNIT_ASSERT_EQ(test, kraft_store_append(s, e + 8, 2), 0);
	KUNIT_ASSERT_EQ(test, kraft_store_save_hs(s, 1, 1, 3), 0);
	/* damage record 5's data in place: 9 starts a later append */
	off = s->sb.ring_start * KRAFT_DL_BLOCK + s->ring.offs[4] + 40;
	KUNIT_ASSERT_EQ(test, kraft_disk_read(&s->disk, off - off % 4096, blk,
					      KRAFT_DL_BLOCK), 0);
	blk[off % 4096] ^= 0xff;
	KUNIT_ASSERT_EQ(test, kraft_disk_write(&s->disk, off - off % 4096, blk,
					       KRAFT_DL_BLOCK, KRAFT_DISK_FUA), 0);
	kraft_store_close(s);
	KUNIT_EXPECT_EQ(test, kraft_store_open(s, TEST_DISK, test, st, &why), -EUCLEAN);
	KUNIT_EXPECT_NOT_NULL(test, why);
	kraft_dl_state_free(st);
}

/*
 * A follower installing a leader's snapshot drops its whole log, as the
 * core does (kmod/node.c): the records after the snapshot are erased
 * first, so that a restart does not bring them back after it.
 */
static void kraft_store_install_drops_log(struct kunit *test)
{
	struct kraft_store *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct kraft_dl_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct kraft_entry *e = kunit_kcalloc(test, 10, sizeof(*e), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, 10 * 700, GFP_KERNEL);
	struct kraft_snapshot snap = { .index = 20, .term = 2, .len = 100 };
	const char *why = NULL;
	u64 i, j;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, kraft_store_open(s, TEST_DISK, test, st, &why), 0);
	kraft_dl_state_free(st);
	for (i = 1; i <= 30; i += 10) {
		for (j = 0; j < 10; j++)
			fill(&e[j], buf + 700 * j, i + j, 1);
		KUNIT_ASSERT_EQ(test, kraft_store_append(s, e, 10), 0);
	}
	KUNIT_ASSERT_EQ(test, kraft_store_save_hs(s, 2, 1, 10), 0);
	KUNIT_EXPECT_EQ(test, kraft_store_truncate(s, 31), 0);	/* none */
	KUNIT_EXPECT_EQ(test, kraft_store_truncate(s, snap.index + 1), 0);
	snap.conf.n_voters = 1;
	snap.conf.voters[0] = 1;
	snap.data = buf;
	KUNIT_ASSERT_EQ(test, kraft_store_save_snapshot(s, &snap), 0);
	kraft_store_close(s);

	KUNIT_ASSERT_EQ(test, kraft_store_open(s, TEST_DISK, test, st, &why), 0);
	KUNIT_EXPECT_EQ(test, st->snap.index, 20);
	KUNIT_EXPECT_EQ(test, st->snap.term, 2);
	KUNIT_EXPECT_EQ(test, st->n_entries, 0);
	kraft_dl_state_free(st);
	kraft_store_close(s);
}

static struct kunit_case kraft_store_cases[] = {
	KUNIT_CASE(kraft_store_append_recover),
	KUNIT_CASE(kraft_store_refuses_corrupt_middle),
	KUNIT_CASE(kraft_store_install_drops_log),
	{}
};

static struct kunit_suite kraft_store_suite = {
	.name = "kraft_store",
	.init = kraft_store_init,
	.exit = kraft_store_exit,
	.test_cases = kraft_store_cases,
};

kunit_test_suite(kraft_store_suite);
