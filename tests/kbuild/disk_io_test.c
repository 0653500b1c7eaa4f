// SPDX-License-Identifier: GPL-2.0
/*
 * disk_io_test.c - KUnit suite kraft_disk_io for kmod/disk.c, run against
 * a real block device: /dev/vdb, and only when its first bytes carry the
 * marker below, which the guest script writes onto the harness's blank
 * disk. Anything else is skipped untouched, so loading this test module on
 * a host can never overwrite a real disk.
 *
 * (A module parameter cannot name the device: in 6.1 KUnit runs a
 * module's suites from the MODULE_STATE_COMING notifier, before
 * load_module() parses the parameters.)
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "disk.h"

#define KRAFT_TEST_DISK		"/dev/vdb"
#define KRAFT_TEST_MARKER	"KRAFT-TEST-BLANK-DISK"

static int kraft_disk_io_init(struct kunit *test)
{
	struct kraft_disk *d;
	char *head;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	head = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, head);
	if (kraft_disk_open(d, KRAFT_TEST_DISK, test))
		kunit_skip(test, "no " KRAFT_TEST_DISK);
	if (kraft_disk_read(d, 0, head, d->lbs) ||
	    memcmp(head, KRAFT_TEST_MARKER, strlen(KRAFT_TEST_MARKER))) {
		kraft_disk_close(d);
		kunit_skip(test, KRAFT_TEST_DISK " is not a marked test disk");
	}
	test->priv = d;
	return 0;
}

static void kraft_disk_io_exit(struct kunit *test)
{
	if (test->priv)
		kraft_disk_close(test->priv);
}

static void kraft_disk_io_geometry(struct kunit *test)
{
	struct kraft_disk *d = test->priv;

	KUNIT_EXPECT_GE(test, d->lbs, 512u);
	KUNIT_EXPECT_TRUE(test, is_power_of_2(d->lbs));
	KUNIT_EXPECT_GE(test, d->size, (u64)1 << 20);
}

static void kraft_disk_io_exclusive(struct kunit *test)
{
	struct kraft_disk other = {};

	KUNIT_EXPECT_EQ(test, kraft_disk_open(&other, KRAFT_TEST_DISK, &other),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, kraft_disk_open(&other, "/nonexistent", &other),
			-ENOENT);
}

/* Round trips through kmalloc and vmalloc buffers, across bio splits. */
static void kraft_disk_io_write_read(struct kunit *test)
{
	static const size_t sizes[] = { 4096, 8192, 2 << 20 };
	struct kraft_disk *d = test->priv;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];
		u8 *w = n > PAGE_SIZE * 2 ? vmalloc(n) : kmalloc(n, GFP_KERNEL);
		u8 *r = vzalloc(n);

		KUNIT_ASSERT_NOT_NULL(test, w);
		KUNIT_ASSERT_NOT_NULL(test, r);
		for (j = 0; j < n; j++)
			w[j] = (u8)(j * 7 + i);
		KUNIT_EXPECT_EQ(test, kraft_disk_write(d, 65536, w, n,
						       KRAFT_DISK_FUA), 0);
		KUNIT_EXPECT_EQ(test, kraft_disk_read(d, 65536, r, n), 0);
		KUNIT_EXPECT_EQ(test, memcmp(w, r, n), 0);
		kvfree(w);
		vfree(r);
	}
	KUNIT_EXPECT_EQ(test, kraft_disk_flush(d), 0);
	KUNIT_EXPECT_FALSE(test, d->failed);
}

static void kraft_disk_io_rejects_bad_ranges(struct kunit *test)
{
	struct kraft_disk *d = test->priv;
	u8 *b = kunit_kzalloc(test, 8192, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, kraft_disk_write(d, 1, b, 4096, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_disk_write(d, 0, b, 100, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_disk_write(d, 0, b, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_disk_write(d, d->size, b, 4096, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_disk_read(d, d->size - 4096, b, 8192),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_disk_write(d, 0, b, 4096, BIT(7)), -EINVAL);
	KUNIT_EXPECT_FALSE(test, d->failed);
}

static struct kunit_case kraft_disk_io_cases[] = {
	KUNIT_CASE(kraft_disk_io_geometry),
	KUNIT_CASE(kraft_disk_io_exclusive),
	KUNIT_CASE(kraft_disk_io_write_read),
	KUNIT_CASE(kraft_disk_io_rejects_bad_ranges),
	{}
};

static struct kunit_suite kraft_disk_io_suite = {
	.name = "kraft_disk_io",
	.init = kraft_disk_io_init,
	.exit = kraft_disk_io_exit,
	.test_cases = kraft_disk_io_cases,
};

kunit_test_suite(kraft_disk_io_suite);
