/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disk.h - a node's reserved block device: exclusive open and synchronous,
 * block-aligned I/O with explicit durability (FUA, flush).
 */
#ifndef KRAFT_DISK_H
#define KRAFT_DISK_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/blkdev.h>

/* Flags of kraft_disk_write(). */
#define KRAFT_DISK_FUA		BIT(0)	/* durable when the call returns */
#define KRAFT_DISK_PREFLUSH	BIT(1)	/* earlier writes durable first */

/**
 * struct kraft_disk - an opened device
 * @bdev: the device, opened exclusively
 * @mode: the mode it was opened with
 * @lbs: its logical block size; every I/O is a multiple of it, aligned
 * @size: its size in bytes
 * @failed: set at the first I/O error; every later write fails with -EIO
 *	so that nothing is acknowledged after a write may have been lost
 * @errors: I/O errors seen
 */
struct kraft_disk {
	struct block_device *bdev;
	fmode_t mode;
	unsigned int lbs;
	u64 size;
	bool failed;
	atomic64_t errors;
};

int kraft_disk_open(struct kraft_disk *d, const char *path, void *holder);
void kraft_disk_close(struct kraft_disk *d);
int kraft_disk_read(struct kraft_disk *d, u64 off, void *buf, size_t len);
int kraft_disk_write(struct kraft_disk *d, u64 off, const void *buf,
		     size_t len, unsigned int flags);
int kraft_disk_zero(struct kraft_disk *d, u64 off, u64 len);
int kraft_disk_flush(struct kraft_disk *d);

#endif /* KRAFT_DISK_H */
