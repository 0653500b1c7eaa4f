// SPDX-License-Identifier: GPL-2.0
/*
 * crc.c - the CRC32C of kraft.ko: its log records, hard-state and snapshot
 * slots and transport frames all checksum through kraft_crc32c().
 *
 * The kernel offers the same function twice: crc32c() (libcrc32c, the
 * crypto API's crc32c of highest priority: crc32c-intel where the CPU has
 * SSE4.2) and __crc32c_le() (lib/crc32.c, slice-by-8 tables). Priorities
 * are right on hardware, where the crc32 instruction is several times
 * faster; under an emulator that runs each such instruction as a helper
 * call (QEMU's TCG) the tables are about four times faster. So, as the
 * kernel's xor and raid6 code pick their routines, kraft_crc_init() times
 * both once at load and keeps the faster. Either gives the same values:
 * nothing on disk or on the wire depends on the choice.
 *
 * No locks: the choice is made before anything checksums, and only a
 * test changes it afterwards.
 */
#include <linux/crc32.h>
#include <linux/crc32c.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "platform.h"

#define CRC_PROBE_LEN	16384
#define CRC_PROBE_RUNS	5

static bool crc_table __read_mostly;

/**
 * kraft_crc32c() - CRC32C by the implementation chosen at load
 * @seed: the CRC so far (no inversion is applied, as with crc32c())
 * @buf: data
 * @len: its length
 *
 * Return: the updated CRC.
 */
u32 kraft_crc32c(u32 seed, const void *buf, size_t len)
{
	if (crc_table)
		return __crc32c_le(seed, buf, len);
	return crc32c(seed, buf, len);
}

/**
 * kraft_crc_choose() - set which implementation kraft_crc32c() uses
 * @table: __crc32c_le() if true, else crc32c()
 *
 * For kraft_crc_init() and for tests; nothing may checksum meanwhile.
 */
void kraft_crc_choose(bool table)
{
	crc_table = table;
}

/**
 * kraft_crc_impl() - what kraft_crc32c() uses
 *
 * Return: "table" or the crypto driver's name (e.g. "crc32c-intel").
 */
const char *kraft_crc_impl(void)
{
	return crc_table ? "table" : crc32c_impl();
}

/* Best of CRC_PROBE_RUNS, in ns; @crc gets the checksum for comparison. */
static u64 probe(bool table, const u8 *buf, u32 *crc)
{
	u64 best = U64_MAX, t0;
	int i;

	for (i = 0; i < CRC_PROBE_RUNS; i++) {
		t0 = ktime_get_ns();
		*crc = table ? __crc32c_le(~0u, buf, CRC_PROBE_LEN) :
			       crc32c(~0u, buf, CRC_PROBE_LEN);
		best = min(best, ktime_get_ns() - t0);
		cond_resched();
	}
	return max_t(u64, best, 1);
}

/**
 * kraft_crc_init() - time crc32c() and __crc32c_le(), keep the faster
 *
 * Logs both rates and the choice. Should the two ever disagree, it keeps
 * crc32c() and says so.
 *
 * Return: 0 or -ENOMEM.
 */
int kraft_crc_init(void)
{
	u64 t_crypto, t_table;
	u32 c_crypto, c_table;
	u8 *buf;
	int i;

	buf = kmalloc(CRC_PROBE_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < CRC_PROBE_LEN; i++)
		buf[i] = i * 7 + (i >> 8);
	t_crypto = probe(false, buf, &c_crypto);
	t_table = probe(true, buf, &c_table);
	kfree(buf);
	if (c_crypto != c_table) {
		pr_err("crc32c: %s and the table differ (%08x, %08x): using %s\n",
		       crc32c_impl(), c_crypto, c_table, crc32c_impl());
		kraft_crc_choose(false);
		return 0;
	}
	kraft_crc_choose(t_table < t_crypto);
	pr_info("crc32c: %s %llu MB/s, table %llu MB/s: using %s\n",
		crc32c_impl(), CRC_PROBE_LEN * 1000ull / t_crypto,
		CRC_PROBE_LEN * 1000ull / t_table, kraft_crc_impl());
	return 0;
}
