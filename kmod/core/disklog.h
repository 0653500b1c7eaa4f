/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disklog.h - the on-disk format of a node's reserved block device
 * (docs/disk-format.md) and the pure logic around it: encoding and
 * checking each structure (layout.c), planning appends, truncations and
 * compactions in the log ring (ring.c), and recovery (recover.c). No I/O
 * happens here: the kernel (kmod/log.c), kraftctl and the tests supply a
 * read callback and perform the writes planned here. No locks.
 */
#ifndef KRAFT_CORE_DISKLOG_H
#define KRAFT_CORE_DISKLOG_H

#include "raft.h"

#define KRAFT_DL_BLOCK		4096u
#define KRAFT_DL_VERSION	2	/* what kraftctl init writes */
#define KRAFT_DL_VERSION_MIN	1	/* the oldest still read and written */
#define KRAFT_DL_NAME_MAX	32
#define KRAFT_DL_ADDR_MAX	64
#define KRAFT_DL_KEY_MAX	64
#define KRAFT_DL_REC_HDR	32
#define KRAFT_DL_MIN_BLOCKS	64
/*
 * Version 2 records carry the tag of the append that wrote them (its low
 * 23 bits) and whether they are its first record. A node reserves tags
 * this many at a time in its hard state, before it uses them.
 */
#define KRAFT_DL_TAG_BITS	23
#define KRAFT_DL_TAG_RESERVE	65536u
/* A log record's header, as ring.c writes it and recover.c reads it */
#define KRAFT_DL_REC_MAGIC	0x4345524bu	/* "KREC" */
#define KRAFT_DL_REC_PAD	0xff		/* the type of a pad record */
/* bytes 25-27: the append's tag, and the mark of its first record */
#define KRAFT_DL_REC_FIRST	(1u << KRAFT_DL_TAG_BITS)
#define KRAFT_DL_REC_TAG	(KRAFT_DL_REC_FIRST - 1)
/*
 * Entries with this much data or more are best checksummed where the data
 * enters (struct kraft_entry's crc), the record combining that CRC with
 * its header's; shorter data costs the ring less to checksum itself.
 */
#define KRAFT_DL_SUM_EARLY	64

/**
 * struct kraft_dl_peer - a member named at init
 * @id: node id
 * @addr: "HOST:PORT", NUL-terminated
 */
struct kraft_dl_peer {
	u64 id;
	char addr[KRAFT_DL_ADDR_MAX + 1];
};

/**
 * struct kraft_dl_super - the superblock (block 0)
 * @version: format version
 * @lbs: the device's logical block size when initialised
 * @cluster: cluster name, NUL-terminated
 * @node_id: this node
 * @uuid: random at init; tells two devices apart
 * @total_blocks: device size in 4 KiB blocks
 * @snap_blocks: size of each of the two snapshot slots
 * @ring_start: first block of the log ring
 * @ring_blocks: size of the ring
 * @n_peers: count of @peers
 * @peers: the initial members (this node among them)
 * @key_len: bytes of @key, 0 when the cluster has no key
 * @key: the cluster's HMAC key
 */
struct kraft_dl_super {
	u32 version;
	u32 lbs;
	char cluster[KRAFT_DL_NAME_MAX + 1];
	u64 node_id;
	u8 uuid[16];
	u64 total_blocks;
	u64 snap_blocks;
	u64 ring_start;
	u64 ring_blocks;
	u8 n_peers;
	struct kraft_dl_peer peers[KRAFT_MAX_MEMBERS];
	u8 key_len;
	u8 key[KRAFT_DL_KEY_MAX];
};

/**
 * struct kraft_dl_hs - a hard-state slot (blocks 1 and 2, alternately)
 * @seq: write sequence; the valid slot with the higher one wins
 * @term: current term
 * @vote: vote in @term
 * @commit: commit index
 * @start_off: ring offset (bytes) of the first live record
 * @start_index: its log index
 * @tag_end: appends may use write tags below this one (version 2; a
 *	node starting takes tags from here on, above any a torn append of
 *	an earlier start can have left on the device)
 */
struct kraft_dl_hs {
	u64 seq;
	u64 term;
	u64 vote;
	u64 commit;
	u64 start_off;
	u64 start_index;
	u64 tag_end;
};

/**
 * struct kraft_dl_snap - a snapshot slot's header (its first block)
 * @seq: write sequence
 * @index: last index covered
 * @term: its term
 * @conf: membership at @index
 * @len: bytes of data after the header block
 * @crc: CRC32C of the data
 */
struct kraft_dl_snap {
	u64 seq;
	u64 index;
	u64 term;
	struct kraft_conf conf;
	u64 len;
	u32 crc;
};

/* layout.c */
int kraft_dl_layout(u64 dev_bytes, u32 lbs, struct kraft_dl_super *sb);
void kraft_dl_super_encode(const struct kraft_dl_super *sb, u8 *blk);
int kraft_dl_super_decode(const u8 *blk, struct kraft_dl_super *sb);
u32 kraft_dl_salt(const struct kraft_dl_super *sb);
void kraft_dl_hs_encode(const struct kraft_dl_hs *hs, u32 salt, u8 *blk);
int kraft_dl_hs_decode(const u8 *blk, u32 salt, struct kraft_dl_hs *hs);
void kraft_dl_snap_encode(const struct kraft_dl_snap *s, u32 salt, u8 *blk);
int kraft_dl_snap_decode(const u8 *blk, u32 salt, struct kraft_dl_snap *s);
u64 kraft_dl_snap_slot(const struct kraft_dl_super *sb, int slot);
u64 kraft_dl_snap_capacity(const struct kraft_dl_super *sb);

/* ring.c */

/**
 * struct kraft_dl_ring - where the log's records are in the ring
 * @size: ring size in bytes
 * @start_off: offset of the first live record
 * @start_index: its index
 * @head: offset where the next record goes (monotonic; modulo @size)
 * @n: live records
 * @offs: monotonic offset of each live record, index start_index + i
 * @cap: room in @offs
 * @buf: the blocks the last append wrote (kept: the next reuses it)
 * @buf_cap: bytes of @buf
 * @lbs: write alignment
 * @salt: checksum seed, kraft_dl_salt() (set it after init)
 * @xpow_len: the data length @xpow is for
 * @xpow: kraft_crc32c_xpow8n(@xpow_len), or 0 before the first
 * @xpow_miss: the last short length that came with a CRC and found no
 *	multiplier (the next of that length gets one)
 * @tagged: records carry write tags (format version 2; set after init)
 * @tag: the next append's tag
 * @tag_end: the first tag not reserved durably (kraft_dl_ring_append()
 *	refuses to use it)
 */
struct kraft_dl_ring {
	u64 size;
	u64 start_off;
	u64 start_index;
	u64 head;
	u64 n;
	u64 *offs;
	u64 cap;
	u8 *buf;
	u64 buf_cap;
	u32 lbs;
	u32 salt;
	u32 xpow_len;
	u32 xpow;
	u32 xpow_miss;
	bool tagged;
	u64 tag;
	u64 tag_end;
};

/**
 * struct kraft_dl_write - one write the caller must perform
 * @off: byte offset from the ring's start, aligned to the block size
 * @len: bytes, a multiple of the block size
 * @buf: the bytes, in the ring's @buf: valid until its next append (NULL
 *	for a range to erase, kraft_dl_ring_truncate())
 */
struct kraft_dl_write {
	u64 off;
	u64 len;
	u8 *buf;
};

u32 kraft_dl_rec_len(u32 data_len);
int kraft_dl_ring_init(struct kraft_dl_ring *ring, u64 size, u32 lbs,
		       u64 start_off, u64 start_index);
void kraft_dl_ring_free(struct kraft_dl_ring *ring);
u64 kraft_dl_ring_free_bytes(const struct kraft_dl_ring *ring);
int kraft_dl_ring_reserve(struct kraft_dl_ring *ring, u64 more);
int kraft_dl_ring_truncate(struct kraft_dl_ring *ring, u64 index,
			   struct kraft_dl_write *w);
int kraft_dl_ring_compact(struct kraft_dl_ring *ring, u64 index);
u64 kraft_dl_ring_tag_reserve(const struct kraft_dl_ring *ring);
int kraft_dl_ring_append(struct kraft_dl_ring *ring,
			 const struct kraft_entry *e, u32 n, const u8 *tail,
			 struct kraft_dl_write *w);

/* recover.c */

/**
 * struct kraft_dl_io - how recovery reads the device
 * @ctx: for @read
 * @read: read @len bytes at byte @off of the device into @buf
 */
struct kraft_dl_io {
	void *ctx;
	int (*read)(void *ctx, u64 off, void *buf, u32 len);
};

/**
 * struct kraft_dl_state - what recovery found
 * @sb: the superblock
 * @hs: the newest valid hard state (zero if none was ever written)
 * @hs_slot: which slot held it (the next write goes to the other)
 * @snap: the newest valid snapshot header (index 0: none)
 * @snap_slot: which slot held it
 * @snap_data: its data (allocated)
 * @entries: the log after the snapshot (data allocated)
 * @n_entries: count of @entries
 * @ring: record positions, ready for appends
 * @tail: the ring block holding @ring.head (for the next append)
 * @cut: a torn or invalid record ended the log (it was cut there)
 */
struct kraft_dl_state {
	struct kraft_dl_super sb;
	struct kraft_dl_hs hs;
	int hs_slot;
	struct kraft_dl_snap snap;
	int snap_slot;
	u8 *snap_data;
	struct kraft_entry *entries;
	u64 n_entries;
	struct kraft_dl_ring ring;
	u8 *tail;
	bool cut;
};

int kraft_dl_recover(const struct kraft_dl_io *io, struct kraft_dl_state *st,
		     const char **why);
void kraft_dl_state_free(struct kraft_dl_state *st);

#endif /* KRAFT_CORE_DISKLOG_H */
