// SPDX-License-Identifier: GPL-2.0
/*
 * addrbook_test.c - the members' address book: set, change, delete, a full
 * book, and its snapshot encoding: round trip, every truncation, and
 * malformed entries refused.
 */
#include <kunit/test.h>
#include "addrbook.h"

static void kraft_book_set_get_del(struct kunit *test)
{
	struct kraft_book *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	char addr[KRAFT_CC_ADDR_MAX + 2];
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 1, "10.0.0.1:7001"), 0);
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 2, "10.0.0.2:7001"), 0);
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 1, "10.0.0.9:7009"), 0);
	KUNIT_EXPECT_EQ(test, b->n, 2);
	KUNIT_EXPECT_STREQ(test, kraft_book_get(b, 1), "10.0.0.9:7009");
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 0, "x:1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 3, ""), -EINVAL);
	memset(addr, 'a', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = 0;
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 3, addr), -EINVAL);
	kraft_book_del(b, 1);
	KUNIT_EXPECT_NULL(test, kraft_book_get(b, 1));
	KUNIT_EXPECT_STREQ(test, kraft_book_get(b, 2), "10.0.0.2:7001");
	kraft_book_del(b, 42);
	KUNIT_EXPECT_EQ(test, b->n, 1);
	for (i = 0; b->n < KRAFT_BOOK_MAX; i++)
		KUNIT_ASSERT_EQ(test, kraft_book_set(b, 100 + i, "h:1"), 0);
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 99, "h:1"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, kraft_book_set(b, 100, "h:2"), 0);
}

static void kraft_book_codec(struct kunit *test)
{
	struct kraft_book *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct kraft_book *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	u8 *buf;
	u32 len, used, cut;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_EQ(test, kraft_book_set(b, 1, "10.9.0.1:7001"), 0);
	KUNIT_ASSERT_EQ(test, kraft_book_set(b, 7, "[fe80::1]:7007"), 0);
	len = kraft_book_encoded_len(b);
	buf = kunit_kzalloc(test, len + 3, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kraft_book_encode(b, buf);
	/* the state machine's bytes follow: the book reports its own end */
	memcpy(buf + len, "KV!", 3);
	KUNIT_ASSERT_EQ(test, kraft_book_decode(buf, len + 3, d, &used), 0);
	KUNIT_EXPECT_EQ(test, used, len);
	KUNIT_EXPECT_EQ(test, d->n, 2);
	KUNIT_EXPECT_STREQ(test, kraft_book_get(d, 7), "[fe80::1]:7007");
	for (cut = 0; cut < len; cut++) {
		KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, cut, d, &used),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, d->n, 0);
	}
	buf[0] ^= 1;					/* magic */
	KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, len, d, &used), -EINVAL);
	buf[0] ^= 1;
	put_unaligned_le32(KRAFT_BOOK_MAX + 1, buf + 4);	/* count */
	KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, len, d, &used), -EINVAL);
	put_unaligned_le32(2, buf + 4);
	put_unaligned_le64(1, buf + 8 + 9 + 13);	/* a repeated id */
	KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, len, d, &used), -EINVAL);
	put_unaligned_le64(0, buf + 8 + 9 + 13);	/* a zero id */
	KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, len, d, &used), -EINVAL);
	put_unaligned_le64(7, buf + 8 + 9 + 13);
	buf[8 + 9 + 2] = 0;				/* a NUL inside */
	KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, len, d, &used), -EINVAL);
	buf[8 + 9 + 2] = '9';
	buf[8 + 8] = 0;					/* an empty address */
	KUNIT_EXPECT_EQ(test, kraft_book_decode(buf, len, d, &used), -EINVAL);
}

static struct kunit_case kraft_book_cases[] = {
	KUNIT_CASE(kraft_book_set_get_del),
	KUNIT_CASE(kraft_book_codec),
	{}
};

static struct kunit_suite kraft_book_suite = {
	.name = "kraft_book",
	.test_cases = kraft_book_cases,
};

kunit_test_suite(kraft_book_suite);
