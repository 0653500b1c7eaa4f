/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store.h - a node's durable state on its reserved device: the format of
 * docs/disk-format.md (kmod/core/disklog.h) over kmod/disk.c.
 */
#ifndef KRAFT_STORE_H
#define KRAFT_STORE_H

#include "disk.h"
#include "disklog.h"

/**
 * struct kraft_store - an opened, recovered device
 * @disk: the device
 * @sb: its superblock
 * @ring: where the log's records are
 * @hs: the hard state last written
 * @hs_slot: the slot holding the newest durable hard state (the same term,
 *	vote and first entry as @hs; writes go to the other slot)
 * @hs_unsynced: @hs was written without FUA and not flushed since
 * @snap_seq: sequence of the newest snapshot
 * @snap_slot: the slot it is in
 * @snap_index: per slot, the index of the snapshot in it (0: none known)
 * @snap_len: per slot, bytes of its data
 * @tail: the ring block holding the write position, as on the device
 */
struct kraft_store {
	struct kraft_disk disk;
	struct kraft_dl_super sb;
	struct kraft_dl_ring ring;
	struct kraft_dl_hs hs;
	int hs_slot;
	bool hs_unsynced;
	u64 snap_seq;
	int snap_slot;
	u64 snap_index[2];
	u32 snap_len[2];
	u8 *tail;
};

int kraft_store_open(struct kraft_store *s, const char *path, void *holder,
		     struct kraft_dl_state *st, const char **why);
void kraft_store_close(struct kraft_store *s);
int kraft_store_truncate(struct kraft_store *s, u64 index);
int kraft_store_append(struct kraft_store *s, const struct kraft_entry *e,
		       u32 n);
bool kraft_store_hs_sync(const struct kraft_store *s, u64 term, u64 vote);
int kraft_store_save_hs(struct kraft_store *s, u64 term, u64 vote,
			u64 commit);
int kraft_store_snapshot_begin(struct kraft_store *s,
			       const struct kraft_snapshot *snap,
			       struct kraft_dl_snap *h);
int kraft_store_snapshot_write(struct kraft_store *s, int slot,
			       struct kraft_dl_snap *h, u8 *buf, u32 span);
int kraft_store_snapshot_done(struct kraft_store *s, int slot,
			      const struct kraft_dl_snap *h);
int kraft_store_save_snapshot(struct kraft_store *s,
			      const struct kraft_snapshot *snap);
int kraft_store_read_snapshot(struct kraft_store *s, u64 index, u64 off,
			      void *buf, u32 len);

#endif /* KRAFT_STORE_H */
