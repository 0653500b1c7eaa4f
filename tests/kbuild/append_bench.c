// SPDX-License-Identifier: GPL-2.0
/*
 * append_bench.c - kraft_append_bench.ko, the append benchmark of issue 4
 * (tests/vm/guest/bench.sh runs it; never installed). Loaded with
 * device=PATH it opens that device with kmod/store.c, and for 128-byte
 * and 4 KiB entries in batches of 1, 16, 64 and 256 it times
 *
 *  - kraft: kraft_store_append() of one batch (records with their
 *    headers and CRC32C, one FUA write, two at the ring's wrap), and
 *  - raw: one FUA write of the batch's payload alone, rounded up to the
 *    logical block, in the ring's area of the device (kmod/disk.c, the
 *    same bio path),
 *
 * one batch of each in turn, and then kraft's encoding of a batch alone
 * (time_encode()). Entries of KRAFT_DL_SUM_EARLY bytes or more bring the
 * CRC32C of their data, as a leader's do (its submitters compute it);
 * the encoding is timed so and also without (a follower's entries, from
 * the network). It prints one line a case, "kraft-append: {json}", in
 * the kernel log: batches, time a batch each way and encoding it, payload
 * MB/s each way and their ratio; and one line, "kraft-append-cpu:
 * {json}", of what CRC32C (both of the kernel's, and which one kmod/crc.c
 * chose here) and memcpy() of 1 MiB cost (cpu_costs()). Loading then
 * fails with -ECANCELED on purpose, so that nothing stays loaded. Only a
 * device that kraftctl init formatted for the cluster "append-bench" is
 * used: anything else is refused untouched.
 */
#include <linux/crc32.h>
#include <linux/crc32c.h>
#include <linux/module.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "store.h"

static char *device;
module_param(device, charp, 0444);
MODULE_PARM_DESC(device, "a device formatted with kraftctl init --cluster append-bench");

#define BENCH_CLUSTER	"append-bench"
#define BENCH_BYTES	(16u << 20)	/* payload a case writes, about */
#define BENCH_MIN	128		/* batches a case writes, at least */

struct bench {
	struct kraft_store s;
	struct kraft_entry *e;
	u8 *payload;
	bool sum;	/* entries of KRAFT_DL_SUM_EARLY bytes on bring a CRC */
	u64 next;	/* next index to append */
};

/* The next @n entries of @size bytes in b->e; room made by dropping old. */
static void fill_batch(struct bench *b, u32 n, u32 size)
{
	u64 need = 2ull * n * kraft_dl_rec_len(size);
	u32 i;

	if (kraft_dl_ring_free_bytes(&b->s.ring) < need)
		kraft_dl_ring_compact(&b->s.ring, b->next - 1);
	for (i = 0; i < n; i++) {
		b->e[i].index = b->next + i;
		b->e[i].term = 1;
		b->e[i].type = KRAFT_ENTRY_NORMAL;
		b->e[i].len = size;
		b->e[i].data = b->payload;
		b->e[i].crc_known = b->sum && size >= KRAFT_DL_SUM_EARLY;
	}
}

/* Append @n entries of @size bytes. */
static int append_batch(struct bench *b, u32 n, u32 size)
{
	fill_batch(b, n, size);
	b->next += n;
	return kraft_store_append(&b->s, b->e, n);
}

/*
 * kraft's CPU work alone, beside the timed cases: building one batch's
 * records (copies, headers, CRC32C) in the ring's buffer, then forgetting
 * them (nothing is written), @iters times. Return: ns in all, or < 0.
 */
static s64 time_encode(struct bench *b, u32 size, u32 batch, u32 iters)
{
	struct kraft_dl_write w[2];
	u64 head, n, tag, ns = 0;
	ktime_t t0;
	u32 i;
	int nw;

	for (i = 0; i < iters; i++) {
		fill_batch(b, batch, size);
		head = b->s.ring.head;
		n = b->s.ring.n;
		tag = b->s.ring.tag;
		t0 = ktime_get();
		nw = kraft_dl_ring_append(&b->s.ring, b->e, batch, b->s.tail, w);
		ns += ktime_to_ns(ktime_sub(ktime_get(), t0));
		if (nw < 0)
			return nw;
		/*
		 * as if never built: the next append goes where this one went
		 * (kraft_dl_ring_truncate() would leave head past a wrap's pad)
		 */
		b->s.ring.head = head;
		b->s.ring.n = n;
		b->s.ring.tag = tag;
	}
	return ns;
}

static int run_case(struct bench *b, u32 size, u32 batch)
{
	u32 len = round_up(size * batch, b->s.sb.lbs);
	u32 iters = clamp_t(u32, BENCH_BYTES / (size * batch), BENCH_MIN, 2000);
	u64 base = b->s.sb.ring_start * KRAFT_DL_BLOCK, off = 0;
	u64 t_kraft = 0, t_raw = 0, mb = (u64)size * batch * iters;
	s64 t_enc, t_enc_nosum;
	ktime_t t0;
	u32 i;
	int err = 0;

	/*
	 * Entries of KRAFT_DL_SUM_EARLY bytes and more bring their data's
	 * CRC32C, as a leader's do: its submitters compute it in their own
	 * threads, off the log's path (kraft_req_sum_value()). All entries
	 * here share one payload, so one CRC, which trails their data.
	 */
	put_unaligned_le32(kraft_crc32c(0, b->payload, size),
			   b->payload + size);
	b->sum = true;
	/* one of each in turn: the host's drifts weigh on both alike */
	for (i = 0; i < iters && !err; i++) {
		t0 = ktime_get();
		err = append_batch(b, batch, size);
		t_kraft += ktime_to_ns(ktime_sub(ktime_get(), t0));
		if (err)
			break;
		if (off + len > b->s.ring.size)
			off = 0;
		t0 = ktime_get();
		err = kraft_disk_write(&b->s.disk, base + off, b->payload, len,
				       KRAFT_DISK_FUA);
		t_raw += ktime_to_ns(ktime_sub(ktime_get(), t0));
		off += len;
	}
	if (err)
		return err;
	t_enc = time_encode(b, size, batch, iters);
	/* and as a follower's entries come, from the network: no CRC */
	b->sum = false;
	t_enc_nosum = t_enc < 0 ? t_enc : time_encode(b, size, batch, iters);
	if (t_enc_nosum < 0)
		return t_enc_nosum;
	/* payload MB/s as integers scaled by 1000: no floating point here */
	pr_info("kraft-append: {\"entry_size\":%u,\"batch\":%u,\"batches\":%u,\"kraft_us_per_batch\":%llu,\"encode_us_per_batch\":%llu,\"encode_nosum_us_per_batch\":%llu,\"raw_us_per_write\":%llu,\"kraft_mb_s\":%llu.%03llu,\"raw_mb_s\":%llu.%03llu,\"ratio\":%llu.%03llu}\n",
		size, batch, iters, t_kraft / iters / 1000,
		(u64)t_enc / iters / 1000, (u64)t_enc_nosum / iters / 1000,
		t_raw / iters / 1000,
		mb * 1000 / t_kraft, mb * 1000000 / t_kraft % 1000,
		mb * 1000 / t_raw, mb * 1000000 / t_raw % 1000,
		t_raw / t_kraft, t_raw * 1000 / t_kraft % 1000);
	return 0;
}

/*
 * What the CPU work of an append costs in this guest, beside the cases:
 * CRC32C (crc32c(), the crypto API's, and __crc32c_le(), the table's:
 * the ring's records use the faster, kraft_crc32c()) and memcpy() of 1 MiB
 * from the cases' vmalloc'ed payload into a buffer kvmalloc'ed as the
 * ring's staging buffer is, best of 8. The copy calls the kernel's
 * memcpy() through a pointer, as the ring's does: the compiler would
 * inline its own, and the kernel's is "rep movsb" on a CPU with ERMS
 * (under TCG four to five times slower than the "rep movsq" without).
 * Under TCG these differ from real hardware far more than a disk write
 * does, and decide the ratios at large batches.
 */
static void cpu_costs(const u8 *src, u32 len)
{
	void *(*copy)(void *, const void *, size_t) = memcpy;
	u64 crc_ns = U64_MAX, table_ns = U64_MAX, copy_ns = U64_MAX;
	u32 crc = 0, i;
	ktime_t t0;
	u8 *dst;

	OPTIMIZER_HIDE_VAR(copy);	/* an indirect call, never inlined */
	dst = kvmalloc(len, GFP_KERNEL);
	if (!dst)
		return;
	for (i = 0; i < 8; i++) {
		t0 = ktime_get();
		crc ^= crc32c(~0u, src, len);
		crc_ns = min_t(u64, crc_ns, ktime_to_ns(ktime_sub(ktime_get(), t0)));
		t0 = ktime_get();
		crc ^= __crc32c_le(~0u, src, len);
		table_ns = min_t(u64, table_ns,
				 ktime_to_ns(ktime_sub(ktime_get(), t0)));
		t0 = ktime_get();
		copy(dst, src, len);
		copy_ns = min_t(u64, copy_ns, ktime_to_ns(ktime_sub(ktime_get(), t0)));
	}
	kvfree(dst);
	/* crc: 0 when both agree, as they must (and the compiler keeps both) */
	pr_info("kraft-append-cpu: {\"bytes\":%u,\"crc32c_driver\":\"%s\",\"crc32c_us\":%llu,\"table_us\":%llu,\"crc_used\":\"%s\",\"memcpy_us\":%llu,\"crc\":%u}\n",
		len, crc32c_impl(), crc_ns / 1000, table_ns / 1000,
		kraft_crc_impl(), copy_ns / 1000, crc);
}

static int __init kraft_append_bench_init(void)
{
	static const u32 sizes[] = { 128, 4096 }, batches[] = { 1, 16, 64, 256 };
	struct kraft_dl_state st;
	const char *why = "";
	struct bench *b;
	u32 i, j;
	int err;

	if (!device)
		return -EINVAL;
	err = kraft_crc_init();	/* as kraft.ko does at load */
	if (err)
		return err;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->e = kcalloc(256, sizeof(*b->e), GFP_KERNEL);
	b->payload = vzalloc(256 * 4096);
	err = -ENOMEM;
	if (!b->e || !b->payload)
		goto out;
	memset(b->payload, 'k', 256 * 4096);
	err = kraft_store_open(&b->s, device, b, &st, &why);
	if (err) {
		pr_err("kraft-append: %s: cannot open (%d) %s\n", device, err, why);
		goto out;
	}
	b->next = st.snap.index + st.n_entries + 1;
	if (strcmp(st.sb.cluster, BENCH_CLUSTER)) {
		pr_err("kraft-append: %s is not formatted for cluster " BENCH_CLUSTER "; untouched\n",
		       device);
		err = -EPERM;
	}
	kraft_dl_state_free(&st);
	if (!err)
		cpu_costs(b->payload, 256 * 4096);
	for (i = 0; !err && i < ARRAY_SIZE(sizes); i++)
		for (j = 0; !err && j < ARRAY_SIZE(batches); j++)
			err = run_case(b, sizes[i], batches[j]);
	kraft_store_close(&b->s);
	if (!err)
		err = -ECANCELED;	/* done: do not stay loaded */
out:
	vfree(b->payload);
	kfree(b->e);
	kfree(b);
	return err;
}
module_init(kraft_append_bench_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kraft: append benchmark of the on-disk log (test only)");
