/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crc_combine.h - CRC32C arithmetic: the CRC of A then B from the CRCs of
 * A and of B, so that data checksummed where it enters need not be read
 * again where it is framed (crc_combine.c).
 */
#ifndef KRAFT_CORE_CRC_COMBINE_H
#define KRAFT_CORE_CRC_COMBINE_H

#include "platform.h"

u32 kraft_crc32c_mul(u32 a, u32 b);
u32 kraft_crc32c_xpow8n(u64 n);

/**
 * kraft_crc32c_combine() - the CRC32C of A then B
 * @crc_a: kr_crc32c(seed, A), for any seed
 * @crc_b: kr_crc32c(0, B)
 * @xpow: kraft_crc32c_xpow8n(length of B)
 *
 * Return: kr_crc32c(seed, A then B).
 */
static inline u32 kraft_crc32c_combine(u32 crc_a, u32 crc_b, u32 xpow)
{
	return kraft_crc32c_mul(crc_a, xpow) ^ crc_b;
}

#endif /* KRAFT_CORE_CRC_COMBINE_H */
