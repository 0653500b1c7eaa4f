// SPDX-License-Identifier: GPL-2.0
/*
 * kv_test.c - the key/value state machine: put, get, delete,
 * compare-and-swap on mod revision, revisions and versions, range by
 * prefix with a limit, the watch history and its compaction, snapshot and
 * restore, captures sealed after the store changed, key order over
 * thousands of keys, and command validation.
 */
#include <kunit/test.h>
#include "kv.h"

static int apply(struct kraft_kv *kv, u8 op, const char *k, const char *v,
		 u64 expect, struct kraft_kv_outcome *res)
{
	struct kraft_kv_cmd c = {
		.op = op, .key = (const u8 *)k, .klen = strlen(k),
		.val = (const u8 *)v, .vlen = v ? strlen(v) : 0,
		.expect = expect, .origin = 1, .req = 2,
	}, out;
	u8 buf[256];
	int len = kraft_kv_cmd_encode(&c, buf, sizeof(buf));

	if (len < 0)
		return len;
	return kraft_kv_apply(kv, buf, len, &out, res);
}

static void kraft_kv_basic(struct kunit *test)
{
	struct kraft_kv *kv = kraft_kv_new(16);
	struct kraft_kv_outcome res;
	struct kraft_kv_item it;

	KUNIT_ASSERT_NOT_NULL(test, kv);
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_PUT, "a", "1", 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.rev, 1);
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_PUT, "a", "22", 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.rev, 2);
	KUNIT_ASSERT_EQ(test, kraft_kv_get(kv, (const u8 *)"a", 1, &it), 0);
	KUNIT_EXPECT_EQ(test, it.create_rev, 1);
	KUNIT_EXPECT_EQ(test, it.mod_rev, 2);
	KUNIT_EXPECT_EQ(test, it.version, 2);
	KUNIT_EXPECT_EQ(test, it.vlen, 2);
	KUNIT_EXPECT_EQ(test, memcmp(it.val, "22", 2), 0);
	/* delete, then a missing key */
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_DEL, "a", NULL, 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.status, KRAFT_KV_S_OK);
	KUNIT_EXPECT_EQ(test, res.rev, 3);
	KUNIT_EXPECT_EQ(test, kraft_kv_get(kv, (const u8 *)"a", 1, &it),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_DEL, "a", NULL, 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.status, KRAFT_KV_S_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, kraft_kv_rev(kv), 3);
	/* recreated: a new create revision and version 1 */
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_PUT, "a", "x", 0, &res), 0);
	KUNIT_ASSERT_EQ(test, kraft_kv_get(kv, (const u8 *)"a", 1, &it), 0);
	KUNIT_EXPECT_EQ(test, it.create_rev, 4);
	KUNIT_EXPECT_EQ(test, it.version, 1);
	kraft_kv_free(kv);
}

static void kraft_kv_cas(struct kunit *test)
{
	struct kraft_kv *kv = kraft_kv_new(16);
	struct kraft_kv_outcome res;

	KUNIT_ASSERT_NOT_NULL(test, kv);
	/* 0 = create only */
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_CAS, "k", "v1", 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.status, KRAFT_KV_S_OK);
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_CAS, "k", "v2", 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.status, KRAFT_KV_S_COMPARE_FAILED);
	KUNIT_EXPECT_EQ(test, res.mod_rev, 1);
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_CAS, "k", "v2", 7, &res), 0);
	KUNIT_EXPECT_EQ(test, res.status, KRAFT_KV_S_COMPARE_FAILED);
	KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_CAS, "k", "v2", 1, &res), 0);
	KUNIT_EXPECT_EQ(test, res.status, KRAFT_KV_S_OK);
	KUNIT_EXPECT_EQ(test, res.rev, 2);
	KUNIT_EXPECT_EQ(test, kraft_kv_rev(kv), 2);
	kraft_kv_free(kv);
}

struct collect {
	char keys[8][8];
	u32 n;
};

static int collect_fn(void *arg, const struct kraft_kv_item *it)
{
	struct collect *c = arg;

	if (c->n < 8 && it->klen < 8) {
		memcpy(c->keys[c->n], it->key, it->klen);
		c->keys[c->n][it->klen] = 0;
	}
	c->n++;
	return 0;
}

static void kraft_kv_range_prefix(struct kunit *test)
{
	static const char * const keys[] = {
		"b/2", "a", "b/10", "b/1", "c", "b/", "ba",
	};
	struct kraft_kv *kv = kraft_kv_new(16);
	struct kraft_kv_outcome res;
	struct collect c = { 0 };
	u64 more;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, kv);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_PUT, keys[i], "v", 0,
					    &res), 0);
	KUNIT_ASSERT_EQ(test, kraft_kv_range(kv, (const u8 *)"b/", 2, 0,
					     collect_fn, &c, &more), 0);
	KUNIT_ASSERT_EQ(test, c.n, 4);
	KUNIT_EXPECT_STREQ(test, c.keys[0], "b/");
	KUNIT_EXPECT_STREQ(test, c.keys[1], "b/1");
	KUNIT_EXPECT_STREQ(test, c.keys[2], "b/10");
	KUNIT_EXPECT_STREQ(test, c.keys[3], "b/2");
	KUNIT_EXPECT_EQ(test, more, 0);
	c.n = 0;
	KUNIT_ASSERT_EQ(test, kraft_kv_range(kv, NULL, 0, 3, collect_fn, &c,
					     &more), 0);
	KUNIT_EXPECT_EQ(test, c.n, 3);
	KUNIT_EXPECT_STREQ(test, c.keys[0], "a");
	KUNIT_EXPECT_EQ(test, more, 4);
	kraft_kv_free(kv);
}

static int count_fn(void *arg, const struct kraft_kv_event *ev)
{
	(*(u32 *)arg)++;
	return 0;
}

static void kraft_kv_history_compaction(struct kunit *test)
{
	struct kraft_kv *kv = kraft_kv_new(4);
	struct kraft_kv_outcome res;
	u32 n = 0, i;

	KUNIT_ASSERT_NOT_NULL(test, kv);
	for (i = 0; i < 6; i++)
		KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_PUT, i & 1 ? "x/1" : "y",
					    "v", 0, &res), 0);
	/* revisions 3..6 kept; 1 and 2 compacted */
	KUNIT_EXPECT_EQ(test, kraft_kv_history(kv, NULL, 0, 2, count_fn, &n),
			-ERANGE);
	KUNIT_ASSERT_EQ(test, kraft_kv_history(kv, NULL, 0, 3, count_fn, &n),
			0);
	KUNIT_EXPECT_EQ(test, n, 4);
	n = 0;
	KUNIT_ASSERT_EQ(test, kraft_kv_history(kv, (const u8 *)"x/", 2, 3,
					       count_fn, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 2);
	n = 0;
	KUNIT_ASSERT_EQ(test, kraft_kv_history(kv, NULL, 0, 7, count_fn, &n),
			0);
	KUNIT_EXPECT_EQ(test, n, 0);
	kraft_kv_free(kv);
}

/*
 * A capture is the state of one revision, whatever the store does before
 * it is sealed: puts over its items, deletes, a restore.
 */
static void kraft_kv_capture_then_change(struct kunit *test)
{
	struct kraft_kv *kv = kraft_kv_new(8);
	struct kraft_kv_capture *cap, *cap2;
	struct kraft_kv_outcome res;
	u8 *want, *got, *other;
	u32 wl, gl, ol, i;
	char k[8];

	KUNIT_ASSERT_NOT_NULL(test, kv);
	for (i = 0; i < 50; i++) {
		snprintf(k, sizeof(k), "k%u", i);
		KUNIT_ASSERT_EQ(test, apply(kv, KRAFT_KV_PUT, k, k, 0, &res), 0);
	}
	KUNIT_ASSERT_EQ(test, kraft_kv_snapshot(kv, &want, &wl), 0);
	KUNIT_ASSERT_EQ(test, kraft_kv_capture(kv, &cap, &gl), 0);
	KUNIT_ASSERT_EQ(test, gl, wl);
	/* a second capture, released first, keeps the first one's items */
	KUNIT_ASSERT_EQ(test, kraft_kv_capture(kv, &cap2, &ol), 0);
	for (i = 0; i < 50; i++) {
		snprintf(k, sizeof(k), "k%u", i);
		KUNIT_ASSERT_EQ(test, apply(kv, i % 2 ? KRAFT_KV_PUT :
					    KRAFT_KV_DEL, k,
					    i % 2 ? "changed" : NULL, 0, &res),
				0);
	}
	kraft_kv_release(kv, cap2);
	KUNIT_ASSERT_EQ(test, kraft_kv_snapshot(kv, &other, &ol), 0);
	KUNIT_ASSERT_EQ(test, kraft_kv_restore(kv, other, ol), 0);
	got = kr_malloc(gl);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, kraft_kv_seal(cap, got), 0);
	kraft_kv_release(kv, cap);
	KUNIT_EXPECT_EQ(test, memcmp(got, want, wl), 0);
	KUNIT_EXPECT_EQ(test, kraft_kv_count(kv), 25);
	kr_free(want);
	kr_free(got);
	kr_free(other);
	kraft_kv_free(kv);
}

static void kraft_kv_snapshot_restore(struct kunit *test)
{
	struct kraft_kv *a = kraft_kv_new(8), *b = kraft_kv_new(8);
	struct kraft_kv_outcome res;
	struct kraft_kv_item it;
	u8 *s1, *s2;
	u32 l1, l2, i;
	char k[8];

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "k%u", i % 37);
		KUNIT_ASSERT_EQ(test, apply(a, i % 5 ? KRAFT_KV_PUT :
					    KRAFT_KV_DEL, k, i % 5 ? k : NULL,
					    0, &res), 0);
	}
	KUNIT_ASSERT_EQ(test, kraft_kv_snapshot(a, &s1, &l1), 0);
	KUNIT_ASSERT_EQ(test, kraft_kv_restore(b, s1, l1), 0);
	KUNIT_EXPECT_EQ(test, kraft_kv_rev(b), kraft_kv_rev(a));
	KUNIT_EXPECT_EQ(test, kraft_kv_count(b), kraft_kv_count(a));
	KUNIT_ASSERT_EQ(test, kraft_kv_get(b, (const u8 *)"k2", 2, &it), 0);
	/* identical state gives identical bytes */
	KUNIT_ASSERT_EQ(test, kraft_kv_snapshot(b, &s2, &l2), 0);
	KUNIT_ASSERT_EQ(test, l1, l2);
	KUNIT_EXPECT_EQ(test, memcmp(s1, s2, l1), 0);
	/* history before the snapshot is compacted */
	KUNIT_EXPECT_EQ(test, kraft_kv_history(b, NULL, 0, 1, count_fn, &i),
			-ERANGE);
	/* a corrupt snapshot changes nothing */
	s2[l2 / 2] ^= 1;
	KUNIT_EXPECT_EQ(test, kraft_kv_restore(b, s2, l2), -EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_kv_count(b), kraft_kv_count(a));
	KUNIT_EXPECT_EQ(test, kraft_kv_restore(b, s2, 10), -EINVAL);
	kr_free(s1);
	kr_free(s2);
	kraft_kv_free(a);
	kraft_kv_free(b);
}

struct order_state {
	u8 prev[16];
	u32 prev_len;
	u32 n;
	bool bad;
};

static int order_fn(void *arg, const struct kraft_kv_item *it)
{
	struct order_state *o = arg;
	int c = memcmp(o->prev, it->key, min(o->prev_len, it->klen));

	if (o->n && (c > 0 || (!c && o->prev_len >= it->klen)))
		o->bad = true;
	memcpy(o->prev, it->key, it->klen);
	o->prev_len = it->klen;
	o->n++;
	return 0;
}

/*
 * Thousands of keys, some prefixes of others, in a scrambled order: a range
 * and a snapshot (docs/wire-format.md: a 32-byte header, then per key 32
 * bytes, the key and the value) list them in byte order, the sort and the
 * checksum both working in pieces.
 */
static void kraft_kv_order_large(struct kunit *test)
{
	struct kraft_kv *a = kraft_kv_new(8), *b = kraft_kv_new(8);
	struct order_state o = { .n = 0 }, so = { .n = 0 };
	struct kraft_kv_outcome res;
	struct kraft_kv_item it;
	u32 len, i, off;
	u64 more;
	char k[16];
	u8 *snap;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < 5003; i++) {
		snprintf(k, sizeof(k), "%x", (u32)(i * 2654435761u) >> (i % 20));
		KUNIT_ASSERT_EQ(test, apply(a, KRAFT_KV_PUT, k,
					    "sixteen bytes ..", 0, &res), 0);
	}
	KUNIT_ASSERT_GT(test, kraft_kv_count(a), 4096);
	KUNIT_ASSERT_EQ(test, kraft_kv_range(a, NULL, 0, 0, order_fn, &o,
					     &more), 0);
	KUNIT_EXPECT_EQ(test, o.n, kraft_kv_count(a));
	KUNIT_EXPECT_FALSE(test, o.bad);
	KUNIT_ASSERT_EQ(test, kraft_kv_snapshot(a, &snap, &len), 0);
	KUNIT_EXPECT_GT(test, len, 3 * 65536);
	for (off = 32; off + 4 < len; off += 32 + it.klen + it.vlen) {
		it.klen = get_unaligned_le32(snap + off);
		it.vlen = get_unaligned_le32(snap + off + 4);
		it.key = snap + off + 32;
		KUNIT_ASSERT_LE(test, it.klen, sizeof(so.prev));
		order_fn(&so, &it);
	}
	KUNIT_EXPECT_EQ(test, so.n, kraft_kv_count(a));
	KUNIT_EXPECT_FALSE(test, so.bad);
	KUNIT_ASSERT_EQ(test, kraft_kv_restore(b, snap, len), 0);
	KUNIT_EXPECT_EQ(test, kraft_kv_count(b), kraft_kv_count(a));
	kr_free(snap);
	kraft_kv_free(a);
	kraft_kv_free(b);
}

static void kraft_kv_cmd_validation(struct kunit *test)
{
	struct kraft_kv_cmd c = { .op = KRAFT_KV_PUT, .key = (const u8 *)"k",
				  .klen = 1 }, out;
	u8 buf[64];
	int len;
	u32 cut;

	c.klen = KRAFT_KV_KEY_MAX + 1;
	KUNIT_EXPECT_EQ(test, kraft_kv_cmd_encode(&c, buf, sizeof(buf)),
			-E2BIG);
	c.klen = 0;
	KUNIT_EXPECT_EQ(test, kraft_kv_cmd_encode(&c, buf, sizeof(buf)),
			-EINVAL);
	c.klen = 1;
	c.op = 9;
	KUNIT_EXPECT_EQ(test, kraft_kv_cmd_encode(&c, buf, sizeof(buf)),
			-EINVAL);
	c.op = KRAFT_KV_PUT;
	len = kraft_kv_cmd_encode(&c, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, kraft_kv_cmd_decode(buf, len, &out), 0);
	for (cut = 0; cut < (u32)len; cut++)
		KUNIT_EXPECT_LT(test, kraft_kv_cmd_decode(buf, cut, &out), 0);
	put_unaligned_le32(KRAFT_KV_VALUE_MAX + 1, buf + 8);
	KUNIT_EXPECT_EQ(test, kraft_kv_cmd_decode(buf, len, &out), -E2BIG);
}

static struct kunit_case kraft_kv_cases[] = {
	KUNIT_CASE(kraft_kv_basic),
	KUNIT_CASE(kraft_kv_cas),
	KUNIT_CASE(kraft_kv_range_prefix),
	KUNIT_CASE(kraft_kv_history_compaction),
	KUNIT_CASE(kraft_kv_snapshot_restore),
	KUNIT_CASE(kraft_kv_capture_then_change),
	KUNIT_CASE(kraft_kv_order_large),
	KUNIT_CASE(kraft_kv_cmd_validation),
	{}
};

#ifdef __KERNEL__
/* Items from kraft.ko's own caches (kmod/core/item_kernel.c), as in a node. */
static int kraft_kv_suite_init(struct kunit_suite *suite)
{
	return kraft_items_init();
}

static void kraft_kv_suite_exit(struct kunit_suite *suite)
{
	kraft_items_uninit();
}
#endif

static struct kunit_suite kraft_kv_suite = {
	.name = "kraft_kv",
#ifdef __KERNEL__
	.suite_init = kraft_kv_suite_init,
	.suite_exit = kraft_kv_suite_exit,
#endif
	.test_cases = kraft_kv_cases,
};

kunit_test_suite(kraft_kv_suite);
