// SPDX-License-Identifier: GPL-2.0
/*
 * crc32c_user.c - CRC32C (Castagnoli) for userspace builds of the core.
 *
 * The kernel build uses kmod/crc.c instead (the faster of the kernel's
 * crc32c() and its table code) and does not compile this file. Same
 * convention as the kernel's: the caller passes the seed (~0 to start)
 * and gets the raw register back, no final inversion.
 */
#include "platform.h"

#ifndef __KERNEL__
static u32 crc_table[256];
static int crc_ready;

static void crc_init(void)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	crc_ready = 1;
}

u32 kr_crc32c(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc_ready)
		crc_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}
#endif
