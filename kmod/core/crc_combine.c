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

/*
 * p * x^4: the four bits of lowest index (the highest powers, x^28 to
 * x^31) leave the register and come back reduced: x4_fold[n] is n's four
 * bits shifted out one at a time, xoring in POLY for each set bit.
 */
static const u32 x4_fold[16] = {
	0x00000000, 0x105ec76f, 0x20bd8ede, 0x30e349b1,
	0x417b1dbc, 0x5125dad3, 0x61c69362, 0x7198540d,
	0x82f63b78, 0x92a8fc17, 0xa24bb5a6, 0xb21572c9,
	0xc38d26c4, 0xd3d3e1ab, 0xe330a81a, 0xf36e6f75,
};

/* b * x, reduced */
static u32 times_x(u32 b)
{
	return (b >> 1) ^ (POLY & -(b & 1));
}

/**
 * kraft_crc32c_mul() - product of two polynomials modulo CRC32C's
 * @a: a polynomial, reflected
 * @b: another
 *
 * Four bits of @a at a time, from its highest powers down (Horner's
 * rule): multiply the partial product by x^4, add @b times the next four
 * bits. No branch on the data, which under an emulating CPU (TCG) costs
 * more than the arithmetic.
 *
 * Return: a * b mod P, reflected.
 */
u32 kraft_crc32c_mul(u32 a, u32 b)
{
	u32 t[16], p = 0;
	int i;

	/* t[n]: b times the nibble n; n's bit 3 is x^0 in it, bit 0 x^3 */
	t[0] = 0;
	t[8] = b;
	t[4] = times_x(b);
	t[2] = times_x(t[4]);
	t[1] = times_x(t[2]);
	t[3] = t[2] ^ t[1];
	t[5] = t[4] ^ t[1];
	t[6] = t[4] ^ t[2];
	t[7] = t[6] ^ t[1];
	for (i = 9; i < 16; i++)
		t[i] = b ^ t[i - 8];
	/* a's bits 0-3 are its highest powers, x^28 to x^31: first */
	for (i = 0; i < 32; i += 4)
		p = (p >> 4) ^ x4_fold[p & 15] ^ t[(a >> i) & 15];
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
