/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disk_model.h - for the disk-log suite (disklog_test.c): an in-memory
 * device that keeps its writes as a sequence of 512-byte sectors, so that
 * a test can rebuild it as after a crash at any point (any prefix of the
 * sectors, or any subset of one write's), and a minimal persistence layer
 * over the on-disk format that writes to it as kmod/store.c writes to a
 * block device. Userspace and KUnit alike.
 */
#ifndef KRAFT_TEST_DISK_MODEL_H
#define KRAFT_TEST_DISK_MODEL_H

#include <kunit/test.h>
#include "disklog.h"

#define SECT		512
#define DEV_BYTES	(256u * 1024)	/* 64 blocks: a 124 KiB ring */

/* An in-memory device that logs every sector written, in order. */
struct mdisk {
	u8 *img;		/* what reads see */
	u8 *base;		/* the image before the logged writes */
	u64 *sect_off;		/* logged sector writes, in order */
	u8 *sect_data;
	u32 n_sect;
	u32 cap_sect;
};

/* A minimal persistence layer over the format, as kmod/store.c is. */
struct plog {
	struct mdisk *d;
	struct kraft_dl_super sb;
	struct kraft_dl_ring ring;
	struct kraft_dl_hs hs;
	int hs_slot;
	int snap_slot;
	u64 snap_seq;
	u8 tail[KRAFT_DL_BLOCK];
};

int md_read(void *ctx, u64 off, void *buf, u32 len);
int md_write(struct mdisk *d, u64 off, const u8 *buf, u32 len);
void md_crash_image(struct mdisk *d, u32 n, u8 *out);
u64 pl_ring_base(struct plog *p);
int pl_format(struct plog *p, struct mdisk *d, u32 lbs);
int pl_append(struct plog *p, const struct kraft_entry *e, u32 n);
int pl_hs(struct plog *p, u64 term, u64 vote, u64 commit);
int pl_truncate(struct plog *p, u64 index);
int pl_snapshot(struct plog *p, u64 index, u64 term, const char *data);
struct mdisk *md_new(struct kunit *test);
void md_free(struct mdisk *d);
void md_crash_mask(struct mdisk *d, u32 from, u32 to, u32 mask, u8 *out);
void pl_open(struct plog *p, struct mdisk *d, struct kraft_dl_state *st);

#endif /* KRAFT_TEST_DISK_MODEL_H */
