// SPDX-License-Identifier: GPL-2.0
/*
 * crc_combine_test.c - kraft_crc32c_combine() against kr_crc32c() over
 * the whole buffer, for every split of buffers up to 200 bytes and for
 * the lengths the log meets (a 4 KiB value, a 1 MiB one), seeds included.
 */
#include <kunit/test.h>
#include "crc_combine.h"

static void fill(u8 *buf, u32 len, u32 x)
{
	u32 i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = x >> 16;
	}
}

static void kraft_crc_combine_splits(struct kunit *test)
{
	u8 *buf = kunit_kmalloc(test, 200, GFP_KERNEL);
	u32 len, cut, whole, a, b;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill(buf, 200, 7);
	for (len = 0; len <= 200; len++) {
		whole = kr_crc32c(0x5eed1234u, buf, len);
		for (cut = 0; cut <= len; cut++) {
			a = kr_crc32c(0x5eed1234u, buf, cut);
			b = kr_crc32c(0, buf + cut, len - cut);
			KUNIT_ASSERT_EQ(test, whole, kraft_crc32c_combine(a, b,
					kraft_crc32c_xpow8n(len - cut)));
		}
	}
}

static void kraft_crc_combine_large(struct kunit *test)
{
	static const u32 lens[] = { 4096, 4096 + 40, 65536, 1u << 20 };
	static const u8 zero[1];
	u32 hdr = kr_crc32c(~0u, "a header of 24 bytes....", 24);
	u8 *buf = kr_malloc(1u << 20);
	u32 i, data;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill(buf, 1u << 20, 99);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		data = kr_crc32c_long(0, buf, lens[i]);
		KUNIT_EXPECT_EQ(test, kr_crc32c_long(hdr, buf, lens[i]),
				kraft_crc32c_combine(hdr, data,
						     kraft_crc32c_xpow8n(lens[i])));
	}
	/* multiplying by x^0 changes nothing; x^8 is one zero byte */
	KUNIT_EXPECT_EQ(test, kraft_crc32c_xpow8n(0), 0x80000000u);
	KUNIT_EXPECT_EQ(test, kraft_crc32c_mul(0x1234abcdu, 0x80000000u),
			0x1234abcdu);
	KUNIT_EXPECT_EQ(test, kraft_crc32c_mul(0x1234abcdu,
					       kraft_crc32c_xpow8n(1)),
			kr_crc32c(0x1234abcdu, zero, 1));
	kr_free(buf);
}

static struct kunit_case kraft_crc_combine_cases[] = {
	KUNIT_CASE(kraft_crc_combine_splits),
	KUNIT_CASE(kraft_crc_combine_large),
	{}
};

static struct kunit_suite kraft_crc_combine_suite = {
	.name = "kraft_crc_combine",
	.test_cases = kraft_crc_combine_cases,
};

kunit_test_suite(kraft_crc_combine_suite);
