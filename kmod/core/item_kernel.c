// SPDX-License-Identifier: GPL-2.0
/*
 * item_kernel.c - slab caches for the items of the KV state machine
 * (kmod/core/kv.c), the kernel side of kr_item_alloc() and kr_item_free().
 *
 * Items are most of a node's memory and live long; the log's entries live
 * from their proposal to the next snapshot and come in the same sizes.
 * Sharing kmalloc's caches, the two interleave in the same slabs, and the
 * entries a snapshot frees leave holes that the items around them keep
 * from ever being returned (25k free objects, 1.6 MB a node, after 100k
 * puts of 128 B in the benchmark). Caches of their own keep items packed.
 * The caches are whitelisted for usercopy (items hold user data), which
 * also keeps SLUB from merging them into kmalloc's; an unmerged cache's
 * name must be unique, hence the module's name in it. Items larger than the
 * largest class come from kvmalloc(); so does everything when the caches
 * were never created (the test modules), and an item is freed the way it
 * was allocated because the caches outlive every item: they are made at
 * module load before any node exists and destroyed after the last is gone.
 * No locks.
 */
#include <linux/slab.h>
#include <linux/mm.h>

#include "platform.h"

static const unsigned int item_sizes[] = {
	64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048, 4096,
};
static struct kmem_cache *item_caches[ARRAY_SIZE(item_sizes)];

static int item_class(size_t size)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(item_sizes); i++)
		if (size <= item_sizes[i])
			return item_caches[i] ? i : -1;
	return -1;
}

/**
 * kraft_item_alloc() - memory for one item of the KV state machine
 * @size: its size
 *
 * Return: the memory, or NULL.
 */
void *kraft_item_alloc(size_t size)
{
	int c = item_class(size);

	if (c < 0)
		return kvmalloc(size, GFP_KERNEL);
	return kmem_cache_alloc(item_caches[c], GFP_KERNEL);
}

/**
 * kraft_item_free() - free an item from kraft_item_alloc()
 * @p: the item (NULL: nothing)
 * @size: the size it was allocated with
 */
void kraft_item_free(void *p, size_t size)
{
	int c = item_class(size);

	if (!p)
		return;
	if (c < 0)
		kvfree(p);
	else
		kmem_cache_free(item_caches[c], p);
}

/**
 * kraft_items_uninit() - destroy the item caches; every item is freed
 */
void kraft_items_uninit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(item_caches); i++) {
		kmem_cache_destroy(item_caches[i]);
		item_caches[i] = NULL;
	}
}

/**
 * kraft_items_init() - create the item caches, before any node exists
 *
 * Return: 0 or -ENOMEM.
 */
int kraft_items_init(void)
{
	char name[32];
	int i;

	for (i = 0; i < ARRAY_SIZE(item_sizes); i++) {
		/* kraft_item_192; the KUnit module's own are kraft_test_... */
		snprintf(name, sizeof(name), KBUILD_MODNAME "_item_%u",
			 item_sizes[i]);
		item_caches[i] = kmem_cache_create_usercopy(name,
				item_sizes[i], 0, 0, 0, item_sizes[i], NULL);
		if (!item_caches[i]) {
			kraft_items_uninit();
			return -ENOMEM;
		}
	}
	return 0;
}
