// SPDX-License-Identifier: GPL-2.0
/*
 * disk.c - I/O on a node's reserved block device.
 *
 * The device is opened with FMODE_EXCL, so a device already claimed by
 * another node, a mounted filesystem or a device-mapper table is refused
 * with -EBUSY. All I/O is synchronous (submit_bio_wait) from the node's
 * event loop, in whole logical blocks. A write with KRAFT_DISK_FUA is on
 * stable media when this returns: the block layer turns FUA into a post-
 * flush on devices without native FUA, and does nothing extra on devices
 * without a volatile cache.
 *
 * Fail safe: the first I/O error marks the disk failed; later writes
 * return -EIO at once, so a node never acknowledges anything after a
 * write that may be lost. Callers are the node's event loop and its
 * snapshot writer (kmod/snapshot.c), at most one each at a time; nothing
 * is shared between them but @failed (READ_ONCE/WRITE_ONCE: set once,
 * never cleared while open) and the atomic error count. No locks.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "disk.h"

/**
 * kraft_disk_open() - open a block device exclusively for a node
 * @d: the disk to fill in
 * @path: the device's path, e.g. "/dev/vdb"
 * @holder: the exclusive holder (the node)
 *
 * Return: 0, -EBUSY when the device is in use (mounted, another node),
 * -ENOTBLK when @path is not a block device, or another negative errno.
 */
int kraft_disk_open(struct kraft_disk *d, const char *path, void *holder)
{
	struct block_device *bdev;

	d->mode = FMODE_READ | FMODE_WRITE | FMODE_EXCL;
	bdev = blkdev_get_by_path(path, d->mode, holder);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	d->bdev = bdev;
	d->lbs = bdev_logical_block_size(bdev);
	d->size = bdev_nr_bytes(bdev);
	d->failed = false;
	atomic64_set(&d->errors, 0);
	return 0;
}

/**
 * kraft_disk_close() - flush and release the device
 * @d: an opened disk
 */
void kraft_disk_close(struct kraft_disk *d)
{
	if (!d->bdev)
		return;
	if (!d->failed)
		blkdev_issue_flush(d->bdev);
	blkdev_put(d->bdev, d->mode);
	d->bdev = NULL;
}

static bool kraft_disk_aligned(struct kraft_disk *d, u64 off, size_t len)
{
	return len && IS_ALIGNED(off, d->lbs) && IS_ALIGNED(len, d->lbs) &&
	       off + len <= d->size && off + len > off;
}

static void kraft_disk_error(struct kraft_disk *d, const char *what, u64 off,
			     int err)
{
	atomic64_inc(&d->errors);
	if (!READ_ONCE(d->failed))
		pr_err("%pg: %s at byte %llu failed (%d); the node stops acknowledging\n",
		       d->bdev, what, off, err);
	WRITE_ONCE(d->failed, true);
}

static struct page *kraft_disk_page(const void *addr)
{
	return is_vmalloc_addr(addr) ? vmalloc_to_page(addr) :
				       virt_to_page(addr);
}

/*
 * Synchronous I/O over [off, off + len) of @buf; @buf may come from
 * kmalloc or vmalloc (kvmalloc). A request of more than BIO_MAX_VECS
 * pages goes as a chain of bios, all in flight at once, and this waits
 * for the last of them (bio_chain() carries any error to it).
 */
static int kraft_disk_rw(struct kraft_disk *d, blk_opf_t opf, u64 off,
			 void *buf, size_t len)
{
	struct bio *bio = NULL;
	int ret;

	/* every bio of a chain but the last ends on a page boundary */
	if (WARN_ON_ONCE(offset_in_page(buf) + len > BIO_MAX_VECS * PAGE_SIZE &&
			 !IS_ALIGNED(offset_in_page(buf), d->lbs)))
		return -EINVAL;
	while (len) {
		unsigned int nr = min_t(size_t, BIO_MAX_VECS,
					DIV_ROUND_UP(offset_in_page(buf) + len,
						     PAGE_SIZE));

		bio = blk_next_bio(bio, d->bdev, nr, opf, GFP_NOIO);
		bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
		while (nr--) {
			unsigned int n = min_t(size_t, len,
					       PAGE_SIZE - offset_in_page(buf));

			__bio_add_page(bio, kraft_disk_page(buf), n,
				       offset_in_page(buf));
			buf += n;
			off += n;
			len -= n;
		}
	}
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

/**
 * kraft_disk_read() - read whole blocks
 * @d: the disk
 * @off: byte offset, a multiple of the logical block size
 * @buf: kmalloc'ed or vmalloc'ed buffer of @len bytes
 * @len: a multiple of the logical block size
 *
 * Return: 0, -EINVAL for a misaligned or out-of-range request, -EIO.
 */
int kraft_disk_read(struct kraft_disk *d, u64 off, void *buf, size_t len)
{
	int ret;

	if (!kraft_disk_aligned(d, off, len))
		return -EINVAL;
	ret = kraft_disk_rw(d, REQ_OP_READ, off, buf, len);
	if (ret) {
		atomic64_inc(&d->errors);
		pr_err_ratelimited("%pg: read at byte %llu failed (%d)\n",
				   d->bdev, off, ret);
	}
	return ret;
}

/**
 * kraft_disk_write() - write whole blocks
 * @d: the disk
 * @off: byte offset, a multiple of the logical block size
 * @buf: kmalloc'ed or vmalloc'ed buffer of @len bytes
 * @len: a multiple of the logical block size
 * @flags: %KRAFT_DISK_FUA and/or %KRAFT_DISK_PREFLUSH
 *
 * Return: 0 (durable if %KRAFT_DISK_FUA), -EINVAL, or -EIO, also for any
 * write after the disk has failed.
 */
int kraft_disk_write(struct kraft_disk *d, u64 off, const void *buf,
		     size_t len, unsigned int flags)
{
	blk_opf_t opf = REQ_OP_WRITE | REQ_SYNC;
	int ret;

	if (!kraft_disk_aligned(d, off, len) ||
	    (flags & ~(KRAFT_DISK_FUA | KRAFT_DISK_PREFLUSH)))
		return -EINVAL;
	if (READ_ONCE(d->failed))
		return -EIO;
	if (flags & KRAFT_DISK_FUA)
		opf |= REQ_FUA;
	if (flags & KRAFT_DISK_PREFLUSH)
		opf |= REQ_PREFLUSH;
	ret = kraft_disk_rw(d, opf, off, (void *)buf, len);
	if (ret)
		kraft_disk_error(d, "write", off, ret);
	return ret ? -EIO : 0;
}

/**
 * kraft_disk_zero() - write zeros
 * @d: the disk
 * @off: byte offset, aligned to the logical block size
 * @len: bytes, a multiple of it
 *
 * Not durable before a flush. The blocks stay allocated (no unmap), as
 * the log's blocks are rewritten soon.
 *
 * Return: 0, -EINVAL for an unaligned or out-of-range request, or -EIO.
 */
int kraft_disk_zero(struct kraft_disk *d, u64 off, u64 len)
{
	int ret;

	if (!kraft_disk_aligned(d, off, len))
		return -EINVAL;
	if (READ_ONCE(d->failed))
		return -EIO;
	ret = blkdev_issue_zeroout(d->bdev, off >> SECTOR_SHIFT,
				   len >> SECTOR_SHIFT, GFP_NOIO,
				   BLKDEV_ZERO_NOUNMAP);
	if (ret)
		kraft_disk_error(d, "zeroing", off, ret);
	return ret ? -EIO : 0;
}

/**
 * kraft_disk_flush() - make every completed write durable
 * @d: the disk
 *
 * Return: 0 or -EIO.
 */
int kraft_disk_flush(struct kraft_disk *d)
{
	int ret;

	if (READ_ONCE(d->failed))
		return -EIO;
	ret = blkdev_issue_flush(d->bdev);
	if (ret)
		kraft_disk_error(d, "flush", 0, ret);
	return ret ? -EIO : 0;
}
