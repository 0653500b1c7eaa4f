// SPDX-License-Identifier: GPL-2.0
/*
 * crc_test.c - KUnit suite kraft_crc for kmod/crc.c: kraft_crc32c() is
 * CRC32C whichever implementation it uses, with any seed, length and
 * alignment, and kraft_crc_init() makes a choice that keeps it so.
 */
#include <kunit/test.h>
#include <linux/crc32c.h>
#include <linux/prandom.h>
#include <linux/vmalloc.h>

#include "platform.h"

#define BIG	(3 * 65536 + 77)

static void check_vector(struct kunit *test)
{
	/* the check value of CRC-32C (Castagnoli), from RFC 3720's B.4 */
	KUNIT_EXPECT_EQ(test, ~kraft_crc32c(~0u, "123456789", 9), 0xe3069283u);
	KUNIT_EXPECT_EQ(test, kraft_crc32c(0x1234u, "", 0), 0x1234u);
}

/* Same values as crc32c() on pieces at every alignment and many lengths. */
static void check_against_crc32c(struct kunit *test)
{
	struct rnd_state rnd;
	u32 i, off, len, seed;
	u8 *buf;

	buf = vmalloc(BIG);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	prandom_seed_state(&rnd, 42);
	prandom_bytes_state(&rnd, buf, BIG);
	for (i = 0; i < 512; i++) {
		off = i % 16;
		len = i < 300 ? i : prandom_u32_state(&rnd) % (BIG - 16);
		seed = prandom_u32_state(&rnd);
		KUNIT_EXPECT_EQ(test, kraft_crc32c(seed, buf + off, len),
				crc32c(seed, buf + off, len));
	}
	/* in pieces as in one go: record headers then data, frames */
	KUNIT_EXPECT_EQ(test,
			kraft_crc32c(kraft_crc32c(~0u, buf, 24), buf + 24,
				     BIG - 24),
			crc32c(~0u, buf, BIG));
	vfree(buf);
}

static void kraft_crc_table(struct kunit *test)
{
	kraft_crc_choose(true);
	check_vector(test);
	check_against_crc32c(test);
	kraft_crc_choose(false);
}

static void kraft_crc_crypto(struct kunit *test)
{
	kraft_crc_choose(false);
	check_vector(test);
	check_against_crc32c(test);
}

static void kraft_crc_chosen(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, kraft_crc_init(), 0);
	check_vector(test);
	check_against_crc32c(test);
	kraft_crc_choose(false);
}

static struct kunit_case kraft_crc_cases[] = {
	KUNIT_CASE(kraft_crc_table),
	KUNIT_CASE(kraft_crc_crypto),
	KUNIT_CASE(kraft_crc_chosen),
	{}
};

static struct kunit_suite kraft_crc_suite = {
	.name = "kraft_crc",
	.test_cases = kraft_crc_cases,
};

kunit_test_suite(kraft_crc_suite);
