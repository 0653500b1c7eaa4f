// SPDX-License-Identifier: GPL-2.0
/*
 * kv.c - the key/value state machine of kv.h: a hash table of keys with
 * their revisions, a bounded ring of past events for watches, command
 * encoding, and snapshots. Deterministic: the same commands in the same
 * order give the same state and the same snapshot bytes. No locks.
 */
#include "kv.h"

#define SNAP_MAGIC	0x3153564bu	/* "KVS1" */
#define SNAP_VERSION	1
#define SNAP_HDR_LEN	32
#define SNAP_ITEM_LEN	32
#define CMD_VERSION	1

struct kv_node {
	struct kv_node *next;
	u64 hash;
	u64 create_rev;
	u64 mod_rev;
	u64 version;
	u32 klen;
	u32 vlen;
	u8 data[];	/* key, then value */
};

struct kv_event {
	u8 type;
	u64 create_rev;
	u64 mod_rev;
	u64 version;
	u32 klen;
	u32 vlen;
	u8 *data;
};

struct kraft_kv {
	struct kv_node **buckets;
	u32 n_buckets;
	u64 count;
	u64 bytes;	/* key and value bytes held */
	u64 rev;
	/* history: events for revisions (compact_rev, rev] */
	struct kv_event *hist;
	u32 hist_max;
	u32 hist_start;
	u32 hist_n;
	u64 compact_rev;
	/* captures alive; while any is, items replaced or deleted wait here */
	u32 pins;
	struct kv_node *deferred;
};

/*
 * A capture: the items of one revision, in no order until sealed. The
 * items themselves are not copied; none changes once in the store (a put
 * makes a new one), and none is freed while a capture is alive.
 */
struct kraft_kv_capture {
	u64 rev;
	u64 n;
	const struct kv_node *v[];
};

static u64 hash_key(const u8 *k, u32 len)
{
	u64 h = 0xcbf29ce484222325ull;
	u32 i;

	for (i = 0; i < len; i++) {
		h ^= k[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/**
 * kraft_kv_new() - an empty store
 * @history_max: events kept for watches (at least 1)
 *
 * Return: the store or NULL.
 */
struct kraft_kv *kraft_kv_new(u32 history_max)
{
	struct kraft_kv *kv = kr_zalloc(sizeof(*kv));

	if (!kv)
		return NULL;
	kv->n_buckets = 64;
	kv->buckets = kr_calloc(kv->n_buckets, sizeof(*kv->buckets));
	kv->hist_max = history_max ? history_max : 1;
	kv->hist = kr_calloc(kv->hist_max, sizeof(*kv->hist));
	if (!kv->buckets || !kv->hist) {
		kraft_kv_free(kv);
		return NULL;
	}
	return kv;
}

static size_t node_size(u32 klen, u32 vlen)
{
	return sizeof(struct kv_node) + klen + vlen;
}

static void free_node(struct kv_node *n)
{
	kr_item_free(n, node_size(n->klen, n->vlen));
}

/* An item out of the store: freed, unless a capture may still read it. */
static void drop_node(struct kraft_kv *kv, struct kv_node *n)
{
	if (kv->pins) {
		n->next = kv->deferred;
		kv->deferred = n;
	} else {
		free_node(n);
	}
}

static void free_deferred(struct kraft_kv *kv)
{
	struct kv_node *n, *next;

	for (n = kv->deferred; n; n = next) {
		next = n->next;
		free_node(n);
	}
	kv->deferred = NULL;
}

static void clear(struct kraft_kv *kv)
{
	u32 i;

	for (i = 0; kv->buckets && i < kv->n_buckets; i++) {
		struct kv_node *n = kv->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			drop_node(kv, n);
		}
		kv->buckets[i] = NULL;
	}
	for (i = 0; kv->hist && i < kv->hist_n; i++)
		kr_free(kv->hist[(kv->hist_start + i) % kv->hist_max].data);
	kv->hist_n = 0;
	kv->hist_start = 0;
	kv->count = 0;
	kv->bytes = 0;
}

void kraft_kv_free(struct kraft_kv *kv)
{
	if (!kv)
		return;
	clear(kv);
	free_deferred(kv);	/* captures must be released before */
	kr_free(kv->buckets);
	kr_free(kv->hist);
	kr_free(kv);
}

u64 kraft_kv_rev(const struct kraft_kv *kv)
{
	return kv->rev;
}

u64 kraft_kv_count(const struct kraft_kv *kv)
{
	return kv->count;
}

u64 kraft_kv_bytes(const struct kraft_kv *kv)
{
	return kv->bytes;
}

u32 kraft_kv_cmd_len(const struct kraft_kv_cmd *c)
{
	return KRAFT_KV_CMD_HDR_LEN + c->klen + c->vlen;
}

/**
 * kraft_kv_cmd_encode() - serialize a write for a log entry
 * @c: the command
 * @buf: where to write
 * @cap: room at @buf
 *
 * Return: bytes written, -EINVAL, -E2BIG (key or value too long), -ENOSPC.
 */
int kraft_kv_cmd_encode(const struct kraft_kv_cmd *c, u8 *buf, u32 cap)
{
	if (c->op < KRAFT_KV_PUT || c->op > KRAFT_KV_CAS || !c->klen ||
	    (c->op == KRAFT_KV_DEL && c->vlen))
		return -EINVAL;
	if (c->klen > KRAFT_KV_KEY_MAX || c->vlen > KRAFT_KV_VALUE_MAX)
		return -E2BIG;
	if (cap < kraft_kv_cmd_len(c))
		return -ENOSPC;
	memset(buf, 0, KRAFT_KV_CMD_HDR_LEN);
	buf[0] = CMD_VERSION;
	buf[1] = c->op;
	put_unaligned_le32(c->klen, buf + 4);
	put_unaligned_le32(c->vlen, buf + 8);
	put_unaligned_le64(c->origin, buf + 16);
	put_unaligned_le64(c->req, buf + 24);
	put_unaligned_le64(c->expect, buf + 32);
	memcpy(buf + KRAFT_KV_CMD_HDR_LEN, c->key, c->klen);
	if (c->vlen)
		memcpy(buf + KRAFT_KV_CMD_HDR_LEN + c->klen, c->val, c->vlen);
	return kraft_kv_cmd_len(c);
}

/**
 * kraft_kv_cmd_decode() - parse a command; key and value point into @buf
 * @buf: the bytes
 * @len: how many
 * @c: the result
 *
 * Return: 0, -EINVAL for malformed bytes, -E2BIG for a long key or value.
 */
int kraft_kv_cmd_decode(const u8 *buf, u32 len, struct kraft_kv_cmd *c)
{
	u32 i;

	memset(c, 0, sizeof(*c));
	if (len < KRAFT_KV_CMD_HDR_LEN || buf[0] != CMD_VERSION)
		return -EINVAL;
	for (i = 2; i < 4; i++)
		if (buf[i])
			return -EINVAL;
	if (get_unaligned_le32(buf + 12) || get_unaligned_le64(buf + 40))
		return -EINVAL;
	c->op = buf[1];
	c->klen = get_unaligned_le32(buf + 4);
	c->vlen = get_unaligned_le32(buf + 8);
	c->origin = get_unaligned_le64(buf + 16);
	c->req = get_unaligned_le64(buf + 24);
	c->expect = get_unaligned_le64(buf + 32);
	if (c->op < KRAFT_KV_PUT || c->op > KRAFT_KV_CAS || !c->klen ||
	    (c->op == KRAFT_KV_DEL && c->vlen))
		return -EINVAL;
	if (c->klen > KRAFT_KV_KEY_MAX || c->vlen > KRAFT_KV_VALUE_MAX)
		return -E2BIG;
	if (len - KRAFT_KV_CMD_HDR_LEN != c->klen + c->vlen)
		return -EINVAL;
	c->key = buf + KRAFT_KV_CMD_HDR_LEN;
	c->val = c->key + c->klen;
	return 0;
}

static struct kv_node **find(const struct kraft_kv *kv, const u8 *key,
			     u32 klen, u64 h)
{
	struct kv_node **pp = &kv->buckets[h & (kv->n_buckets - 1)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && (*pp)->klen == klen &&
		    !memcmp((*pp)->data, key, klen))
			return pp;
	return pp;
}

static void fill_item(const struct kv_node *n, struct kraft_kv_item *it)
{
	it->create_rev = n->create_rev;
	it->mod_rev = n->mod_rev;
	it->version = n->version;
	it->klen = n->klen;
	it->vlen = n->vlen;
	it->key = n->data;
	it->val = n->data + n->klen;
}

/**
 * kraft_kv_get() - look a key up
 * @kv: the store
 * @key: key bytes
 * @klen: key length
 * @it: filled in; points into the store until its next change
 *
 * Return: 0 or -ENOENT.
 */
int kraft_kv_get(const struct kraft_kv *kv, const u8 *key, u32 klen,
		 struct kraft_kv_item *it)
{
	struct kv_node **pp = find(kv, key, klen, hash_key(key, klen));

	if (!*pp)
		return -ENOENT;
	fill_item(*pp, it);
	return 0;
}

static void grow(struct kraft_kv *kv)
{
	u32 n = kv->n_buckets * 2, i;
	struct kv_node **b;

	if (kv->count < kv->n_buckets || n > (1u << 26))
		return;
	b = kr_calloc(n, sizeof(*b));
	if (!b)
		return;	/* longer chains, still correct */
	for (i = 0; i < kv->n_buckets; i++) {
		struct kv_node *e = kv->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	kr_free(kv->buckets);
	kv->buckets = b;
	kv->n_buckets = n;
}

/* Remember event @rev; the oldest goes when the ring is full. */
static int record(struct kraft_kv *kv, u8 type, const struct kv_node *n,
		  u64 rev)
{
	struct kv_event *e;
	u32 dlen = n->klen + (type == KRAFT_KV_PUT ? n->vlen : 0);
	u8 *data = kr_malloc(dlen);

	if (!data)
		return -ENOMEM;
	memcpy(data, n->data, dlen);
	if (kv->hist_n == kv->hist_max) {
		e = &kv->hist[kv->hist_start];
		kr_free(e->data);
		kv->compact_rev = e->mod_rev;
		kv->hist_start = (kv->hist_start + 1) % kv->hist_max;
		kv->hist_n--;
	}
	e = &kv->hist[(kv->hist_start + kv->hist_n) % kv->hist_max];
	e->type = type;
	e->create_rev = n->create_rev;
	e->mod_rev = rev;
	e->version = type == KRAFT_KV_PUT ? n->version : 0;
	e->klen = n->klen;
	e->vlen = type == KRAFT_KV_PUT ? n->vlen : 0;
	e->data = data;
	kv->hist_n++;
	return 0;
}

/* Without memory for the event the history must not lie: compact it. */
static void record_or_compact(struct kraft_kv *kv, u8 type,
			      const struct kv_node *n, u64 rev)
{
	u32 i;

	if (!record(kv, type, n, rev))
		return;
	for (i = 0; i < kv->hist_n; i++)
		kr_free(kv->hist[(kv->hist_start + i) % kv->hist_max].data);
	kv->hist_n = 0;
	kv->compact_rev = rev;
}

static int do_put(struct kraft_kv *kv, const struct kraft_kv_cmd *c,
		  struct kraft_kv_outcome *res)
{
	u64 h = hash_key(c->key, c->klen);
	struct kv_node **pp = find(kv, c->key, c->klen, h), *old = *pp, *n;

	n = kr_item_alloc(node_size(c->klen, c->vlen));
	if (!n)
		return -ENOMEM;
	n->hash = h;
	n->klen = c->klen;
	n->vlen = c->vlen;
	memcpy(n->data, c->key, c->klen);
	if (c->vlen)
		memcpy(n->data + c->klen, c->val, c->vlen);
	n->mod_rev = ++kv->rev;
	if (old) {
		n->create_rev = old->create_rev;
		n->version = old->version + 1;
		n->next = old->next;
		kv->bytes -= old->klen + old->vlen;
		drop_node(kv, old);
	} else {
		n->create_rev = n->mod_rev;
		n->version = 1;
		n->next = NULL;
		kv->count++;
	}
	*pp = n;
	kv->bytes += n->klen + n->vlen;
	res->status = KRAFT_KV_S_OK;
	res->rev = kv->rev;
	record_or_compact(kv, KRAFT_KV_PUT, n, kv->rev);
	if (!old)
		grow(kv);
	return 0;
}

/**
 * kraft_kv_apply() - apply a committed command
 * @kv: the store
 * @buf: the entry's payload
 * @len: its length
 * @cmd: set to the decoded command (points into @buf)
 * @res: what it did
 *
 * Return: 0 (the command's own outcome is in @res), -EINVAL for a payload
 * that is no command (skipped identically on every node), -ENOMEM (the
 * store is unchanged; the node must stop applying, see node.c).
 */
int kraft_kv_apply(struct kraft_kv *kv, const u8 *buf, u32 len,
		   struct kraft_kv_cmd *cmd, struct kraft_kv_outcome *res)
{
	struct kv_node **pp, *old;
	int err;

	memset(res, 0, sizeof(*res));
	err = kraft_kv_cmd_decode(buf, len, cmd);
	if (err)
		return err;
	pp = find(kv, cmd->key, cmd->klen, hash_key(cmd->key, cmd->klen));
	old = *pp;
	res->rev = kv->rev;
	switch (cmd->op) {
	case KRAFT_KV_PUT:
		return do_put(kv, cmd, res);
	case KRAFT_KV_CAS:
		if ((old ? old->mod_rev : 0) != cmd->expect) {
			res->status = KRAFT_KV_S_COMPARE_FAILED;
			res->mod_rev = old ? old->mod_rev : 0;
			return 0;
		}
		return do_put(kv, cmd, res);
	default:
		if (!old) {
			res->status = KRAFT_KV_S_NOT_FOUND;
			return 0;
		}
		*pp = old->next;
		kv->count--;
		kv->bytes -= old->klen + old->vlen;
		res->rev = ++kv->rev;
		record_or_compact(kv, KRAFT_KV_DEL, old, kv->rev);
		drop_node(kv, old);
		return 0;
	}
}

static int cmp_nodes(const struct kv_node *x, const struct kv_node *y)
{
	int c = memcmp(x->data, y->data, min(x->klen, y->klen));

	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* @a's sorted runs [lo, mid) and [mid, hi) into one in @b. */
static void merge_nodes(const struct kv_node **a, const struct kv_node **b,
			u64 lo, u64 mid, u64 hi)
{
	u64 i = lo, j = mid, k;

	for (k = lo; k < hi; k++) {
		if (j >= hi || (i < mid && cmp_nodes(a[i], a[j]) <= 0))
			b[k] = a[i++];
		else
			b[k] = a[j++];
		if (!(k & 4095))
			kr_yield();
	}
}

/*
 * Items in key order, by a bottom-up merge sort that yields every few
 * thousand items (the kernel's sort() never does): sorting 100k items
 * takes long under emulation, and the thread doing it must not hold a CPU
 * that a node's loop needs. Return: 0 or -ENOMEM.
 */
static int sort_nodes(const struct kv_node **v, u64 n)
{
	const struct kv_node **tmp, **a = v, **b, **t;
	u64 w, lo;

	if (n < 2)
		return 0;
	tmp = kr_malloc(n * sizeof(*v));
	if (!tmp)
		return -ENOMEM;
	b = tmp;
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w)
			merge_nodes(a, b, lo, min(lo + w, n),
				    min(lo + 2 * w, n));
		t = a;
		a = b;
		b = t;
	}
	if (a != v)
		memcpy(v, a, n * sizeof(*v));
	kr_free(tmp);
	return 0;
}

static bool has_prefix(const u8 *key, u32 klen, const u8 *p, u32 plen)
{
	return !plen || (klen >= plen && !memcmp(key, p, plen));
}

/**
 * kraft_kv_range() - keys with a prefix, in byte order
 * @kv: the store
 * @prefix: the prefix (length 0: every key)
 * @plen: its length
 * @limit: at most this many (0: no limit)
 * @fn: called for each, in order; a non-zero return stops the walk
 * @arg: for @fn
 * @more: set to the number of matching keys beyond @limit
 *
 * Return: @fn's non-zero return, -ENOMEM, or 0.
 */
int kraft_kv_range(const struct kraft_kv *kv, const u8 *prefix, u32 plen,
		   u32 limit, kraft_kv_item_fn fn, void *arg, u64 *more)
{
	const struct kv_node **v;
	struct kraft_kv_item it;
	struct kv_node *n;
	u64 cnt = 0, i;
	int err = 0;

	*more = 0;
	for (i = 0; i < kv->n_buckets; i++)
		for (n = kv->buckets[i]; n; n = n->next)
			cnt += has_prefix(n->data, n->klen, prefix, plen);
	if (!cnt)
		return 0;
	v = kr_calloc(cnt, sizeof(*v));
	if (!v)
		return -ENOMEM;
	cnt = 0;
	for (i = 0; i < kv->n_buckets; i++)
		for (n = kv->buckets[i]; n; n = n->next)
			if (has_prefix(n->data, n->klen, prefix, plen))
				v[cnt++] = n;
	err = sort_nodes(v, cnt);
	for (i = 0; i < cnt && (!limit || i < limit) && !err; i++) {
		fill_item(v[i], &it);
		err = fn(arg, &it);
	}
	if (limit && cnt > limit)
		*more = cnt - limit;
	kr_free(v);
	return err;
}

/**
 * kraft_kv_history() - events from revision @from_rev on, for a watch
 * @kv: the store
 * @prefix: only keys with this prefix
 * @plen: its length
 * @from_rev: the first revision wanted
 * @fn: called per event in revision order; non-zero stops the walk
 * @arg: for @fn
 *
 * Return: 0, @fn's non-zero return, or -ERANGE when revisions from
 * @from_rev on are no longer all held (compacted).
 */
int kraft_kv_history(const struct kraft_kv *kv, const u8 *prefix, u32 plen,
		     u64 from_rev, kraft_kv_event_fn fn, void *arg)
{
	struct kraft_kv_event ev;
	u32 i;
	int err;

	if (from_rev <= kv->compact_rev)
		return -ERANGE;
	for (i = 0; i < kv->hist_n; i++) {
		const struct kv_event *e =
			&kv->hist[(kv->hist_start + i) % kv->hist_max];

		if (e->mod_rev < from_rev ||
		    !has_prefix(e->data, e->klen, prefix, plen))
			continue;
		ev.type = e->type;
		ev.item.create_rev = e->create_rev;
		ev.item.mod_rev = e->mod_rev;
		ev.item.version = e->version;
		ev.item.klen = e->klen;
		ev.item.vlen = e->vlen;
		ev.item.key = e->data;
		ev.item.val = e->data + e->klen;
		err = fn(arg, &ev);
		if (err)
			return err;
	}
	return 0;
}

/**
 * kraft_kv_capture() - hold the store's items as they are now
 * @kv: the store
 * @cap: set to the capture
 * @len: set to the length of the snapshot kraft_kv_seal() makes of it
 *
 * The cheap half of a snapshot, for a caller that must not hold the store
 * long: one pass collecting the items, none copied. Until
 * kraft_kv_release(), items the store replaces or deletes are kept, so
 * the capture reads nothing the store writes: kraft_kv_seal() may run in
 * another thread while the store is used, but never beside
 * kraft_kv_release() or kraft_kv_free().
 * Return: 0, -ENOMEM, -EFBIG past 4 GiB.
 */
int kraft_kv_capture(struct kraft_kv *kv, struct kraft_kv_capture **cap,
		     u32 *len)
{
	u64 total = SNAP_HDR_LEN + 4, i, k = 0;
	struct kraft_kv_capture *c;
	struct kv_node *n;

	total += kv->count * SNAP_ITEM_LEN + kv->bytes;
	if (total > 0xffffffffull)
		return -EFBIG;
	c = kr_malloc(sizeof(*c) + (kv->count ?: 1) * sizeof(c->v[0]));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < kv->n_buckets; i++) {
		for (n = kv->buckets[i]; n; n = n->next)
			c->v[k++] = n;
		if (!(i & 4095))
			kr_yield();
	}
	c->rev = kv->rev;
	c->n = k;
	kv->pins++;
	*cap = c;
	*len = total;
	return 0;
}

/**
 * kraft_kv_seal() - write a capture out as a snapshot: keys in byte order,
 *	then the checksum
 * @cap: from kraft_kv_capture()
 * @out: as many bytes as it said
 *
 * Return: 0 or -ENOMEM.
 */
int kraft_kv_seal(struct kraft_kv_capture *cap, u8 *out)
{
	u8 *p = out + SNAP_HDR_LEN, *sum = out;
	u32 crc = ~0u;
	u64 i;
	int err;

	err = sort_nodes(cap->v, cap->n);
	if (err)
		return err;
	put_unaligned_le32(SNAP_MAGIC, out);
	put_unaligned_le32(SNAP_VERSION, out + 4);
	put_unaligned_le64(cap->rev, out + 8);
	put_unaligned_le64(cap->n, out + 16);
	put_unaligned_le64(0, out + 24);
	for (i = 0; i < cap->n; i++) {
		const struct kv_node *n = cap->v[i];

		put_unaligned_le32(n->klen, p);
		put_unaligned_le32(n->vlen, p + 4);
		put_unaligned_le64(n->create_rev, p + 8);
		put_unaligned_le64(n->mod_rev, p + 16);
		put_unaligned_le64(n->version, p + 24);
		memcpy(p + SNAP_ITEM_LEN, n->data, n->klen + n->vlen);
		p += SNAP_ITEM_LEN + n->klen + n->vlen;
		if (p - sum >= 65536) {	/* checksum as it goes, and yield */
			crc = kr_crc32c(crc, sum, p - sum);
			sum = p;
			kr_yield();
		}
	}
	put_unaligned_le32(kr_crc32c(crc, sum, p - sum), p);
	return 0;
}

/**
 * kraft_kv_release() - let a capture go; items it held are freed with the
 *	last one
 * @kv: the store it was taken from
 * @cap: the capture (NULL: nothing)
 */
void kraft_kv_release(struct kraft_kv *kv, struct kraft_kv_capture *cap)
{
	if (!cap)
		return;
	kr_free(cap);
	if (!--kv->pins)
		free_deferred(kv);
}

/**
 * kraft_kv_snapshot() - serialize the whole store, keys in byte order
 * @kv: the store
 * @buf: set to a new buffer (kr_free() it)
 * @len: set to its length
 *
 * kraft_kv_capture() and kraft_kv_seal() at once.
 * Return: 0, -ENOMEM, -EFBIG past 4 GiB.
 */
int kraft_kv_snapshot(struct kraft_kv *kv, u8 **buf, u32 *len)
{
	struct kraft_kv_capture *cap;
	u8 *out;
	int err;

	err = kraft_kv_capture(kv, &cap, len);
	if (err)
		return err;
	out = kr_malloc(*len);
	err = out ? kraft_kv_seal(cap, out) : -ENOMEM;
	kraft_kv_release(kv, cap);
	if (err) {
		kr_free(out);
		return err;
	}
	*buf = out;
	return 0;
}

/**
 * kraft_kv_restore() - replace the store's state by a snapshot
 * @kv: the store
 * @buf: bytes from kraft_kv_snapshot()
 * @len: their length
 *
 * The whole snapshot is checked before anything changes. History before
 * the snapshot's revision is gone: older watches answer compacted.
 * Return: 0, -EINVAL for corrupt bytes, -ENOMEM (store unchanged).
 */
int kraft_kv_restore(struct kraft_kv *kv, const u8 *buf, u32 len)
{
	struct kraft_kv_item seen;
	struct kraft_kv *tmp;
	u64 n_items, rev, i;
	u32 off = SNAP_HDR_LEN;
	int err = -EINVAL;

	if (len < SNAP_HDR_LEN + 4 || get_unaligned_le32(buf) != SNAP_MAGIC ||
	    get_unaligned_le32(buf + 4) != SNAP_VERSION ||
	    get_unaligned_le64(buf + 24) ||
	    kr_crc32c_long(~0u, buf, len - 4) !=
	    get_unaligned_le32(buf + len - 4))
		return -EINVAL;
	rev = get_unaligned_le64(buf + 8);
	n_items = get_unaligned_le64(buf + 16);
	if (n_items > len / SNAP_ITEM_LEN)
		return -EINVAL;
	tmp = kraft_kv_new(1);
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < n_items; i++) {
		struct kraft_kv_cmd c = { .op = KRAFT_KV_PUT };
		struct kraft_kv_outcome res;
		struct kv_node **pp;

		if (len - 4 - off < SNAP_ITEM_LEN)
			goto fail;
		c.klen = get_unaligned_le32(buf + off);
		c.vlen = get_unaligned_le32(buf + off + 4);
		if (!c.klen || c.klen > KRAFT_KV_KEY_MAX ||
		    c.vlen > KRAFT_KV_VALUE_MAX ||
		    len - 4 - off - SNAP_ITEM_LEN < c.klen + c.vlen)
			goto fail;
		c.key = buf + off + SNAP_ITEM_LEN;
		c.val = c.key + c.klen;
		if (!kraft_kv_get(tmp, c.key, c.klen, &seen))
			goto fail;	/* a key twice */
		err = do_put(tmp, &c, &res);
		if (err)
			goto fail;
		err = -EINVAL;
		pp = find(tmp, c.key, c.klen, hash_key(c.key, c.klen));
		(*pp)->create_rev = get_unaligned_le64(buf + off + 8);
		(*pp)->mod_rev = get_unaligned_le64(buf + off + 16);
		(*pp)->version = get_unaligned_le64(buf + off + 24);
		if (!(*pp)->create_rev || (*pp)->create_rev > (*pp)->mod_rev ||
		    (*pp)->mod_rev > rev || !(*pp)->version)
			goto fail;
		off += SNAP_ITEM_LEN + c.klen + c.vlen;
		if (!(i & 4095))
			kr_yield();
	}
	if (off != len - 4)
		goto fail;
	/* swap the contents in; kv keeps its history size */
	clear(kv);
	kr_free(kv->buckets);
	kv->buckets = tmp->buckets;
	kv->n_buckets = tmp->n_buckets;
	kv->count = tmp->count;
	kv->bytes = tmp->bytes;
	kv->rev = rev;
	kv->compact_rev = rev;
	tmp->buckets = NULL;
	tmp->n_buckets = 0;
	tmp->count = 0;
	kraft_kv_free(tmp);
	return 0;
fail:
	kraft_kv_free(tmp);
	return err;
}
