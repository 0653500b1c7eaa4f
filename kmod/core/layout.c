// SPDX-License-Identifier: GPL-2.0
/*
 * layout.c - geometry of a kraft device and the encoding of its fixed
 * structures: the superblock, the two hard-state slots and the two
 * snapshot slot headers (docs/disk-format.md). Each is one 4 KiB block
 * ending in a CRC32C of the rest, so a torn write is always detected.
 * No locks.
 */
#include "disklog.h"
#include "msg.h"

#define CRC_OFF		(KRAFT_DL_BLOCK - 4)
#define PEER_LEN	(8 + KRAFT_DL_ADDR_MAX)

static const u8 sb_magic[8] = "KRAFT-SB";
static const u8 hs_magic[8] = "KRAFT-HS";
static const u8 sn_magic[8] = "KRAFT-SN";

/*
 * Everything but the superblock is checksummed from a seed derived from
 * the device's uuid, so that what an earlier `kraftctl init` of the same
 * device left behind never passes for this incarnation's data.
 */
static void seal(u8 *blk, u32 salt)
{
	put_unaligned_le32(kr_crc32c(salt, blk, CRC_OFF), blk + CRC_OFF);
}

static bool sealed(const u8 *blk, const u8 *magic, u32 salt)
{
	return !memcmp(blk, magic, 8) &&
	       get_unaligned_le32(blk + CRC_OFF) == kr_crc32c(salt, blk, CRC_OFF);
}

/* The checksum seed of everything on the device but the superblock. */
u32 kraft_dl_salt(const struct kraft_dl_super *sb)
{
	return kr_crc32c(~0u, sb->uuid, sizeof(sb->uuid));
}

/**
 * kraft_dl_layout() - the geometry for a device
 * @dev_bytes: its size
 * @lbs: its logical block size (512 to 4096, a power of two)
 * @sb: geometry fields set; the rest untouched
 *
 * Blocks 1 and 2 hold the hard state; a quarter of the rest goes to each
 * snapshot slot, the remaining half to the log ring.
 * Return: 0, or -EINVAL for a device too small or an odd block size.
 */
int kraft_dl_layout(u64 dev_bytes, u32 lbs, struct kraft_dl_super *sb)
{
	u64 blocks = dev_bytes / KRAFT_DL_BLOCK, rest;

	if (lbs < 512 || lbs > KRAFT_DL_BLOCK || (lbs & (lbs - 1)) ||
	    blocks < KRAFT_DL_MIN_BLOCKS)
		return -EINVAL;
	rest = blocks - 3;
	sb->version = KRAFT_DL_VERSION;
	sb->lbs = lbs;
	sb->total_blocks = blocks;
	sb->snap_blocks = rest / 4;
	sb->ring_start = 3 + 2 * sb->snap_blocks;
	sb->ring_blocks = blocks - sb->ring_start;
	return 0;
}

u64 kraft_dl_snap_slot(const struct kraft_dl_super *sb, int slot)
{
	return 3 + (u64)slot * sb->snap_blocks;
}

/* Bytes of snapshot data a slot holds after its header block. */
u64 kraft_dl_snap_capacity(const struct kraft_dl_super *sb)
{
	return (sb->snap_blocks - 1) * KRAFT_DL_BLOCK;
}

/**
 * kraft_dl_super_encode() - the superblock as a sealed block
 * @sb: the superblock
 * @blk: KRAFT_DL_BLOCK bytes
 */
void kraft_dl_super_encode(const struct kraft_dl_super *sb, u8 *blk)
{
	u32 i;

	memset(blk, 0, KRAFT_DL_BLOCK);
	memcpy(blk, sb_magic, 8);
	put_unaligned_le32(sb->version, blk + 8);
	put_unaligned_le32(sb->lbs, blk + 12);
	put_unaligned_le64(sb->node_id, blk + 16);
	memcpy(blk + 24, sb->uuid, 16);
	put_unaligned_le64(sb->total_blocks, blk + 40);
	put_unaligned_le64(sb->snap_blocks, blk + 48);
	put_unaligned_le64(sb->ring_start, blk + 56);
	put_unaligned_le64(sb->ring_blocks, blk + 64);
	blk[72] = sb->n_peers;
	blk[73] = sb->key_len;
	memcpy(blk + 80, sb->cluster, strnlen(sb->cluster, KRAFT_DL_NAME_MAX));
	memcpy(blk + 112, sb->key, sb->key_len);
	for (i = 0; i < sb->n_peers; i++) {
		u8 *p = blk + 176 + i * PEER_LEN;

		put_unaligned_le64(sb->peers[i].id, p);
		memcpy(p + 8, sb->peers[i].addr,
		       strnlen(sb->peers[i].addr, KRAFT_DL_ADDR_MAX));
	}
	seal(blk, ~0u);
}

/**
 * kraft_dl_super_decode() - check and parse block 0
 * @blk: KRAFT_DL_BLOCK bytes
 * @sb: the result
 *
 * Return: 0; -ENODATA when the block is not a kraft superblock (blank,
 * or another format); -EUCLEAN when it is one but damaged or
 * inconsistent; -EPROTONOSUPPORT for a format version this code does not
 * know.
 */
int kraft_dl_super_decode(const u8 *blk, struct kraft_dl_super *sb)
{
	u32 i, j;

	memset(sb, 0, sizeof(*sb));
	if (memcmp(blk, sb_magic, 8))
		return -ENODATA;
	if (!sealed(blk, sb_magic, ~0u))
		return -EUCLEAN;
	sb->version = get_unaligned_le32(blk + 8);
	if (sb->version < KRAFT_DL_VERSION_MIN ||
	    sb->version > KRAFT_DL_VERSION)
		return -EPROTONOSUPPORT;
	sb->lbs = get_unaligned_le32(blk + 12);
	sb->node_id = get_unaligned_le64(blk + 16);
	memcpy(sb->uuid, blk + 24, 16);
	sb->total_blocks = get_unaligned_le64(blk + 40);
	sb->snap_blocks = get_unaligned_le64(blk + 48);
	sb->ring_start = get_unaligned_le64(blk + 56);
	sb->ring_blocks = get_unaligned_le64(blk + 64);
	sb->n_peers = blk[72];
	sb->key_len = blk[73];
	memcpy(sb->cluster, blk + 80, KRAFT_DL_NAME_MAX);
	if (sb->n_peers > KRAFT_MAX_MEMBERS || sb->key_len > KRAFT_DL_KEY_MAX ||
	    !sb->node_id || !sb->cluster[0] || sb->snap_blocks < 2 ||
	    sb->ring_blocks < 2 ||
	    sb->ring_start != 3 + 2 * sb->snap_blocks ||
	    sb->ring_start + sb->ring_blocks != sb->total_blocks ||
	    sb->lbs < 512 || sb->lbs > KRAFT_DL_BLOCK ||
	    (sb->lbs & (sb->lbs - 1)))
		return -EUCLEAN;
	memcpy(sb->key, blk + 112, sb->key_len);
	for (i = 0; i < sb->n_peers; i++) {
		const u8 *p = blk + 176 + i * PEER_LEN;

		sb->peers[i].id = get_unaligned_le64(p);
		memcpy(sb->peers[i].addr, p + 8, KRAFT_DL_ADDR_MAX);
		if (!sb->peers[i].id)
			return -EUCLEAN;
		for (j = 0; j < i; j++)
			if (sb->peers[j].id == sb->peers[i].id)
				return -EUCLEAN;
	}
	return 0;
}

void kraft_dl_hs_encode(const struct kraft_dl_hs *hs, u32 salt, u8 *blk)
{
	memset(blk, 0, KRAFT_DL_BLOCK);
	memcpy(blk, hs_magic, 8);
	put_unaligned_le64(hs->seq, blk + 8);
	put_unaligned_le64(hs->term, blk + 16);
	put_unaligned_le64(hs->vote, blk + 24);
	put_unaligned_le64(hs->commit, blk + 32);
	put_unaligned_le64(hs->start_off, blk + 40);
	put_unaligned_le64(hs->start_index, blk + 48);
	put_unaligned_le64(hs->tag_end, blk + 56);	/* zero in version 1 */
	seal(blk, salt);
}

/* Return: 0, or -ENODATA for a slot never written or torn. */
int kraft_dl_hs_decode(const u8 *blk, u32 salt, struct kraft_dl_hs *hs)
{
	memset(hs, 0, sizeof(*hs));
	if (!sealed(blk, hs_magic, salt))
		return -ENODATA;
	hs->seq = get_unaligned_le64(blk + 8);
	hs->term = get_unaligned_le64(blk + 16);
	hs->vote = get_unaligned_le64(blk + 24);
	hs->commit = get_unaligned_le64(blk + 32);
	hs->start_off = get_unaligned_le64(blk + 40);
	hs->start_index = get_unaligned_le64(blk + 48);
	hs->tag_end = get_unaligned_le64(blk + 56);
	if (!hs->seq || !hs->start_index)
		return -ENODATA;
	return 0;
}

void kraft_dl_snap_encode(const struct kraft_dl_snap *s, u32 salt, u8 *blk)
{
	memset(blk, 0, KRAFT_DL_BLOCK);
	memcpy(blk, sn_magic, 8);
	put_unaligned_le64(s->seq, blk + 8);
	put_unaligned_le64(s->index, blk + 16);
	put_unaligned_le64(s->term, blk + 24);
	put_unaligned_le64(s->len, blk + 32);
	put_unaligned_le32(s->crc, blk + 40);
	kraft_conf_encode(&s->conf, blk + 64);
	seal(blk, salt);
}

/* Return: 0, or -ENODATA for a slot never written or torn. */
int kraft_dl_snap_decode(const u8 *blk, u32 salt, struct kraft_dl_snap *s)
{
	memset(s, 0, sizeof(*s));
	if (!sealed(blk, sn_magic, salt))
		return -ENODATA;
	s->seq = get_unaligned_le64(blk + 8);
	s->index = get_unaligned_le64(blk + 16);
	s->term = get_unaligned_le64(blk + 24);
	s->len = get_unaligned_le64(blk + 32);
	s->crc = get_unaligned_le32(blk + 40);
	if (kraft_conf_decode(blk + 64, CRC_OFF - 64, &s->conf) < 0 ||
	    !s->seq || !s->index || !s->conf.n_voters)
		return -ENODATA;
	return 0;
}
