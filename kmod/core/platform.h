/* SPDX-License-Identifier: GPL-2.0 */
/*
 * platform.h - the only header of the pure core that reaches outside it.
 *
 * Everything under kmod/core/ includes this file and nothing else from the
 * kernel or libc. It maps fixed-width types, allocation, byte order, errno
 * values, assertions, CRC32C and yielding onto the kernel (when __KERNEL__
 * is defined) or onto libc (userspace tests, simulation, fuzzers). No
 * locks are taken here; the core is single-threaded by contract: its
 * caller serializes, and calls it where it may sleep.
 */
#ifndef KRAFT_CORE_PLATFORM_H
#define KRAFT_CORE_PLATFORM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/bug.h>
#include <linux/sched.h>
#include <asm/unaligned.h>

/* The core runs in process context (a node's event loop), so it may sleep. */
#define kr_malloc(n)		kvmalloc((n), GFP_KERNEL)
#define kr_zalloc(n)		kvzalloc((n), GFP_KERNEL)
#define kr_calloc(n, sz)	kvcalloc((n), (sz), GFP_KERNEL)
#define kr_realloc(p, o, n)	kvrealloc((p), (o), (n), GFP_KERNEL)
#define kr_free(p)		kvfree(p)
#define kr_warn(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define kr_debug(fmt, ...)	pr_debug(fmt, ##__VA_ARGS__)
#define KR_WARN_ON(c)		WARN_ON(c)

/* CRC32C by the faster of the kernel's two, chosen at load (kmod/crc.c) */
u32 kraft_crc32c(u32 seed, const void *buf, size_t len);
int kraft_crc_init(void);
void kraft_crc_choose(bool table);
const char *kraft_crc_impl(void);
#define kr_crc32c(seed, buf, len)	kraft_crc32c((seed), (buf), (len))

/*
 * Lets other threads run in the middle of long work (sorting a large
 * state, checksumming a snapshot): the kernel preempts voluntarily.
 */
#define kr_yield()		cond_resched()

/* The KV state machine's items, in caches of their own (item_kernel.c). */
void *kraft_item_alloc(size_t size);
void kraft_item_free(void *p, size_t size);
int kraft_items_init(void);
void kraft_items_uninit(void);
#define kr_item_alloc(n)	kraft_item_alloc(n)
#define kr_item_free(p, n)	kraft_item_free((p), (n))

#else /* userspace */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define kr_malloc(n)		malloc(n)
#define kr_zalloc(n)		calloc(1, (n))
#define kr_calloc(n, sz)	calloc((n), (sz))
#define kr_realloc(p, o, n)	realloc((p), (n))
#define kr_free(p)		free(p)
#define kr_warn(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define kr_debug(fmt, ...)	do { } while (0)
#define KR_WARN_ON(c)		kr_warn_on_user(!!(c), #c, __FILE__, __LINE__)
#define kr_yield()		do { } while (0)
#define kr_item_alloc(n)	malloc(n)
#define kr_item_free(p, n)	free(p)

#ifndef min
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* Userspace WARN: loud, and fatal so that tests and the simulator notice. */
static inline int kr_warn_on_user(int c, const char *what, const char *f, int l)
{
	if (c) {
		fprintf(stderr, "KR_WARN_ON(%s) at %s:%d\n", what, f, l);
		abort();
	}
	return c;
}

u32 kr_crc32c(u32 seed, const void *buf, size_t len);

static inline void put_unaligned_le16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v; b[1] = v >> 8;
}

static inline void put_unaligned_le32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v; b[1] = v >> 8; b[2] = v >> 16; b[3] = v >> 24;
}

static inline void put_unaligned_le64(u64 v, void *p)
{
	put_unaligned_le32((u32)v, p);
	put_unaligned_le32((u32)(v >> 32), (u8 *)p + 4);
}

static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static inline u64 get_unaligned_le64(const void *p)
{
	return (u64)get_unaligned_le32(p) |
	       (u64)get_unaligned_le32((const u8 *)p + 4) << 32;
}

#endif /* __KERNEL__ */

/*
 * CRC32C of a buffer of any size, in 64 KiB pieces with a kr_yield()
 * between them: the kernel's checksum of one piece runs with preemption
 * off (the FPU is held).
 */
static inline u32 kr_crc32c_long(u32 seed, const void *buf, size_t len)
{
	const u8 *p = buf;

	while (len) {
		size_t n = len < 65536 ? len : 65536;

		seed = kr_crc32c(seed, p, n);
		p += n;
		len -= n;
		if (len)
			kr_yield();
	}
	return seed;
}

#endif /* KRAFT_CORE_PLATFORM_H */
