// SPDX-License-Identifier: GPL-2.0
/*
 * msg_codec_test.c - the wire encoding of messages and membership
 * changes: round trips, every truncation refused, flipped bytes never
 * read out of bounds, a newer version recognised.
 */
#include <kunit/test.h>
#include "msg.h"
#include "cluster.h"

static int build(u8 *buf, u32 cap, struct kraft_entry *e, struct kraft_conf *conf,
		 u8 type)
{
	struct kraft_msg m = {
		.type = type, .from = 1, .to = 2, .term = 7, .log_term = 6,
		.index = 41, .commit = 40, .hint = 3, .ctx = 99,
	};

	if (type == KRAFT_MSG_APP) {
		m.n_entries = 2;
		m.entries = e;
	} else {
		m.snap_index = 10;
		m.snap_term = 2;
		m.snap_conf = conf;
		m.snap_total = 9;
		m.snap_off = 4;
		m.chunk_len = 5;
		m.chunk = (const u8 *)"hello";
		m.flags = KRAFT_MSGF_SNAP_LAST;
	}
	return kraft_msg_encode(&m, buf, cap);
}

static void kraft_msg_round_trip(struct kunit *test)
{
	struct kraft_entry e[2] = {
		{ .index = 42, .term = 7, .type = KRAFT_ENTRY_NORMAL,
		  .len = 3, .data = (u8 *)"abc" },
		{ .index = 43, .term = 7, .type = KRAFT_ENTRY_EMPTY },
	};
	struct kraft_conf conf = { .n_voters = 2, .voters = { 1, 2 },
				   .n_learners = 1, .learners = { 3 } };
	struct kraft_msg m;
	u8 *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	int len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = build(buf, 256, e, &conf, KRAFT_MSG_APP);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, kraft_msg_decode(buf, len, &m), 0);
	KUNIT_EXPECT_EQ(test, m.type, KRAFT_MSG_APP);
	KUNIT_EXPECT_EQ(test, m.term, 7);
	KUNIT_EXPECT_EQ(test, m.ctx, 99);
	KUNIT_ASSERT_EQ(test, m.n_entries, 2);
	KUNIT_EXPECT_EQ(test, m.entries[0].len, 3);
	KUNIT_EXPECT_EQ(test, memcmp(m.entries[0].data, "abc", 3), 0);
	KUNIT_EXPECT_EQ(test, m.entries[1].type, KRAFT_ENTRY_EMPTY);
	kraft_msg_release(&m);

	len = build(buf, 256, e, &conf, KRAFT_MSG_SNAP);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, kraft_msg_decode(buf, len, &m), 0);
	KUNIT_EXPECT_EQ(test, m.snap_index, 10);
	KUNIT_EXPECT_EQ(test, m.snap_conf->n_voters, 2);
	KUNIT_EXPECT_EQ(test, m.snap_conf->learners[0], 3);
	KUNIT_EXPECT_EQ(test, m.chunk_len, 5);
	KUNIT_EXPECT_EQ(test, memcmp(m.chunk, "hello", 5), 0);
	kraft_msg_release(&m);
	KUNIT_EXPECT_EQ(test, build(buf, 20, e, &conf, KRAFT_MSG_APP),
			-ENOSPC);
}

static void kraft_msg_hostile(struct kunit *test)
{
	struct kraft_entry e[2] = {
		{ .index = 42, .term = 7, .len = 3, .data = (u8 *)"abc" },
		{ .index = 43, .term = 7 },
	};
	struct kraft_conf conf = { .n_voters = 1, .voters = { 1 } };
	u8 *buf = kunit_kzalloc(test, 256, GFP_KERNEL), *copy;
	struct kraft_msg m;
	u32 cut, i, bit;
	int len = 0, t;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (t = 0; t < 2; t++) {
		len = build(buf, 256, e, &conf,
			    t ? KRAFT_MSG_SNAP : KRAFT_MSG_APP);
		KUNIT_ASSERT_GT(test, len, 0);
		/* every truncation is refused (copies: ASan sees overreads) */
		for (cut = 0; cut < (u32)len; cut++) {
			copy = kr_malloc(cut ? cut : 1);
			KUNIT_ASSERT_NOT_NULL(test, copy);
			memcpy(copy, buf, cut);
			KUNIT_EXPECT_LT(test, kraft_msg_decode(copy, cut, &m), 0);
			kr_free(copy);
		}
		/* single bit flips: an error or a message, never a crash */
		for (i = 0; i < (u32)len; i++) {
			for (bit = 0; bit < 8; bit++) {
				copy = kr_malloc(len);
				KUNIT_ASSERT_NOT_NULL(test, copy);
				memcpy(copy, buf, len);
				copy[i] ^= 1 << bit;
				if (!kraft_msg_decode(copy, len, &m))
					kraft_msg_release(&m);
				kr_free(copy);
			}
		}
	}
	buf[0] = KRAFT_MSG_VERSION + 1;
	KUNIT_EXPECT_EQ(test, kraft_msg_decode(buf, len, &m),
			-EPROTONOSUPPORT);
}

static void kraft_conf_change_codec(struct kunit *test)
{
	struct kraft_conf_change *cc = kunit_kzalloc(test, sizeof(*cc),
						     GFP_KERNEL);
	struct kraft_conf_change *out = kunit_kzalloc(test, sizeof(*out),
						      GFP_KERNEL);
	u8 buf[128];
	int len;
	u32 cut;

	KUNIT_ASSERT_NOT_NULL(test, cc);
	KUNIT_ASSERT_NOT_NULL(test, out);
	cc->n = 1;
	cc->items[0].op = KRAFT_CC_ADD_LEARNER;
	cc->items[0].id = 4;
	memcpy(cc->items[0].addr, "10.0.0.4:7000", 14);
	len = kraft_conf_change_encode(cc, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, kraft_conf_change_decode(buf, len, out), 0);
	KUNIT_EXPECT_EQ(test, out->items[0].id, 4);
	KUNIT_EXPECT_STREQ(test, out->items[0].addr, "10.0.0.4:7000");
	for (cut = 0; cut < (u32)len; cut++)
		KUNIT_EXPECT_EQ(test, kraft_conf_change_decode(buf, cut, out),
				-EINVAL);
	buf[4] = 9;	/* unknown op */
	KUNIT_EXPECT_EQ(test, kraft_conf_change_decode(buf, len, out), -EINVAL);
}

/* Found by fuzz_msg: a snapshot at index 2^64-1 wrapped the log's end. */
static void kraft_msg_step_refuses_overflow(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_conf conf = { .n_voters = 1, .voters = { 2 } };
	struct kraft_msg m = {
		.type = KRAFT_MSG_SNAP, .from = 2, .to = 1, .term = 1,
		.snap_index = ~0ull, .snap_term = 1, .snap_conf = &conf,
		.flags = KRAFT_MSGF_SNAP_LAST,
	};
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, kraft_raft_step(tc_node(c, 1)->r, &m), -EINVAL);
	m.type = KRAFT_MSG_APP;
	m.snap_index = 0;
	m.index = ~0ull - 1;
	KUNIT_EXPECT_EQ(test, kraft_raft_step(tc_node(c, 1)->r, &m), -EINVAL);
	m.index = 0;
	m.term = ~0ull;
	KUNIT_EXPECT_EQ(test, kraft_raft_step(tc_node(c, 1)->r, &m), -EINVAL);
	tc_process(c, 1);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.term, 0);
	KUNIT_EXPECT_EQ(test, st.last_index, 0);
	tc_free(c);
}

static struct kunit_case kraft_msg_cases[] = {
	KUNIT_CASE(kraft_msg_step_refuses_overflow),
	KUNIT_CASE(kraft_msg_round_trip),
	KUNIT_CASE(kraft_msg_hostile),
	KUNIT_CASE(kraft_conf_change_codec),
	{}
};

static struct kunit_suite kraft_msg_suite = {
	.name = "kraft_msg",
	.test_cases = kraft_msg_cases,
};

kunit_test_suite(kraft_msg_suite);
