// SPDX-License-Identifier: GPL-2.0
/*
 * smoke_test.c - the platform layer every core file stands on: byte order
 * helpers and CRC32C against the published check value.
 */
#include <kunit/test.h>
#include "platform.h"

static void kraft_platform_crc32c_check_value(struct kunit *test)
{
	/* RFC 3720 B.4: CRC32C("123456789") = 0xE3069283 */
	KUNIT_EXPECT_EQ(test, ~kr_crc32c(~0u, "123456789", 9), 0xE3069283u);
}

static void kraft_platform_byte_order(struct kunit *test)
{
	u8 b[8];

	put_unaligned_le64(0x0102030405060708ull, b);
	KUNIT_EXPECT_EQ(test, b[0], 8);
	KUNIT_EXPECT_EQ(test, b[7], 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(b), 0x0102030405060708ull);
	put_unaligned_le32(0xdeadbeef, b);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(b), 0xdeadbeefu);
}

static struct kunit_case kraft_platform_cases[] = {
	KUNIT_CASE(kraft_platform_crc32c_check_value),
	KUNIT_CASE(kraft_platform_byte_order),
	{}
};

static struct kunit_suite kraft_platform_suite = {
	.name = "kraft_platform",
	.test_cases = kraft_platform_cases,
};

kunit_test_suite(kraft_platform_suite);
