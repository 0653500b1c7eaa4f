// SPDX-License-Identifier: GPL-2.0
/*
 * crc_combine.c - CRC32C as arithmetic on polynomials over GF(2) modulo
 * the Castagnoli polynomial, in the bit-reflected form kr_crc32c() keeps
 * its register in (bit 31 holds x^0). Feeding n zero bytes to a register
 * multiplies it by x^(8n); the CRC of A then B is therefore the CRC of A
 * times x^(8 |B|), plus the CRC of B from a zero seed. No state, no locks.
 */
#include "crc_combine.h"

#define POLY	0x82f63b78u	/* CRC32C, reflected */
#define X0	0x80000000u	/* the polynomial 1 */

/**
 * kraft_crc32c_mul() - product of two polynomials modulo CRC32C's
 * @a: a polynomial, reflected
 * @b: another
 *
 * Return: a * b mod P, reflected.
 */
u32 kraft_crc32c_mul(u32 a, u32 b)
{
	u32 p = 0;
	u32 m;

	for (m = X0; m && a; m >>= 1) {
		if (a & m) {
			p ^= b;
			a &= ~m;
		}
		b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
	}
	return p;
}

/**
 * kraft_crc32c_xpow8n() - x^(8n) modulo CRC32C's polynomial
 * @n: a length in bytes
 *
 * Square-and-multiply, about two products a bit of @n: callers that see
 * the same length over and over keep the result.
 *
 * Return: the multiplier that advances a CRC register past @n zero bytes.
 */
u32 kraft_crc32c_xpow8n(u64 n)
{
	u32 p = X0;
	u32 sq = X0 >> 8;	/* x^8 */

	for (; n; n >>= 1) {
		if (n & 1)
			p = kraft_crc32c_mul(p, sq);
		sq = kraft_crc32c_mul(sq, sq);
	}
	return p;
}
