// SPDX-License-Identifier: GPL-2.0
/*
 * kraft-replay - read a dm-log-writes log and replay a prefix of it, to put
 * a device in the state a power cut would have left it in.
 *
 *   kraft-replay list LOG
 *	one line an entry: "INDEX FLAGS SECTOR SECTORS [MARK]", FLAGS being
 *	letters: F preflush, U fua, D discard, M mark, T metadata, - none
 *   kraft-replay apply LOG DEV FROM TO [TEAR | rSEED]
 *	write entries FROM..TO-1 to DEV (discards as zeroes), then, with TEAR,
 *	only the first TEAR sectors of entry TO (a write torn by the cut);
 *	with rSEED, each of its sectors or none at random (a write whose
 *	sectors were in flight in any order), as the seed SEED draws them
 *
 * Every prefix of the log is a state the device may be in after a cut: the
 * target logs a write when it completes and a write that was not forced
 * (FUA) only at the flush that made it durable. Userspace marks (dmsetup
 * message DEV 0 mark TEXT) sit where they were made, so a mark made after
 * a write was acknowledged follows the entry that made it durable.
 * The format is the kernel's (drivers/md/dm-log-writes.c): a super in the
 * log's first logical sector, then each entry's header in a sector of its
 * own followed by its data.
 *
 * Exit: 0 done, 1 I/O or format error, 2 usage.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LW_MAGIC	0x6a736677736872ULL
#define LW_VERSION	1
#define LW_FLUSH	(1 << 0)
#define LW_FUA		(1 << 1)
#define LW_DISCARD	(1 << 2)
#define LW_MARK		(1 << 3)
#define LW_META		(1 << 4)

struct lw_super {
	uint64_t magic, version, nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct lw_entry {
	uint64_t sector, nr_sectors, flags, data_len;
} __attribute__((packed));

struct lw_log {
	int fd;
	uint32_t ssize;		/* the logged device's logical sector */
	uint64_t entries;
	uint64_t next;		/* byte offset of the next entry's header */
	char *sect;		/* one sector */
};

struct lw_cur {
	uint64_t sector, nr, flags, data_off;
	char mark[256];
};

static int fail(const char *what, int err)
{
	fprintf(stderr, "kraft-replay: %s: %s\n", what, strerror(err));
	return 1;
}

static int read_full(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t r;

	while (len) {
		r = pread(fd, buf, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		buf = (char *)buf + r;
		len -= r;
		off += r;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t r;

	while (len) {
		r = pwrite(fd, buf, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		buf = (const char *)buf + r;
		len -= r;
		off += r;
	}
	return 0;
}

static int lw_open(struct lw_log *l, const char *path)
{
	struct lw_super s;
	char first[512];

	l->fd = open(path, O_RDONLY);
	if (l->fd < 0)
		return fail(path, errno);
	if (read_full(l->fd, first, sizeof(first), 0))
		return fail("reading the log's super", EIO);
	memcpy(&s, first, sizeof(s));
	l->ssize = le32toh(s.sectorsize);
	l->entries = le64toh(s.nr_entries);
	if (le64toh(s.magic) != LW_MAGIC || le64toh(s.version) != LW_VERSION ||
	    l->ssize < 512 || l->ssize > 65536 || (l->ssize & (l->ssize - 1))) {
		fprintf(stderr, "kraft-replay: %s is not a dm-log-writes log\n", path);
		return 1;
	}
	l->next = l->ssize;
	l->sect = malloc(l->ssize);
	if (!l->sect)
		return fail("allocating", ENOMEM);
	return 0;
}

/* Read the next entry's header into @c and step over it and its data. */
static int lw_next(struct lw_log *l, struct lw_cur *c)
{
	struct lw_entry e;
	uint64_t len;
	int ret;

	ret = read_full(l->fd, l->sect, l->ssize, l->next);
	if (ret)
		return fail("reading an entry", -ret);
	memcpy(&e, l->sect, sizeof(e));
	c->sector = le64toh(e.sector);
	c->nr = le64toh(e.nr_sectors);
	c->flags = le64toh(e.flags);
	c->mark[0] = 0;
	if (c->flags & LW_MARK) {
		len = le64toh(e.data_len);
		if (len > l->ssize - sizeof(e) || len >= sizeof(c->mark))
			len = 0;
		memcpy(c->mark, l->sect + sizeof(e), len);
		c->mark[len] = 0;
	}
	if (c->nr > (1ULL << 40) / l->ssize) {
		fprintf(stderr, "kraft-replay: entry at byte %" PRIu64 " is damaged\n",
			l->next);
		return 1;
	}
	c->data_off = l->next + l->ssize;
	l->next = c->data_off;
	if (!(c->flags & LW_DISCARD))
		l->next += c->nr * l->ssize;
	return 0;
}

static void flag_letters(uint64_t f, char *out)
{
	static const char letters[] = "FUDMT";
	int i, n = 0;

	for (i = 0; i < 5; i++)
		if (f & (1ULL << i))
			out[n++] = letters[i];
	if (!n)
		out[n++] = '-';
	out[n] = 0;
}

static int cmd_list(struct lw_log *l)
{
	struct lw_cur c;
	char fl[8];
	uint64_t i;

	printf("# %" PRIu64 " entries, sector %u\n", l->entries, l->ssize);
	for (i = 0; i < l->entries; i++) {
		if (lw_next(l, &c))
			return 1;
		flag_letters(c.flags, fl);
		printf("%" PRIu64 " %s %" PRIu64 " %" PRIu64 "%s%s\n", i, fl,
		       c.sector, c.nr, c.mark[0] ? " " : "", c.mark);
	}
	return 0;
}

/*
 * Copy @nr sectors of entry @c from its sector @first on (zeroes for a
 * discard) to the device.
 */
static int replay_one(struct lw_log *l, const struct lw_cur *c, uint64_t first,
		      uint64_t nr, int dev)
{
	size_t chunk = 256 * 1024;
	char *buf = malloc(chunk);
	uint64_t done = first * l->ssize, left = nr * l->ssize;
	int ret = 0;

	if (!buf)
		return fail("allocating", ENOMEM);
	memset(buf, 0, chunk);
	while (left && !ret) {
		size_t n = left < chunk ? left : chunk;

		if (!(c->flags & LW_DISCARD))
			ret = read_full(l->fd, buf, n, c->data_off + done);
		if (!ret)
			ret = write_full(dev, buf, n, c->sector * l->ssize + done);
		done += n;
		left -= n;
	}
	free(buf);
	return ret ? fail("replaying a write", -ret) : 0;
}

/* xorshift64: the same sectors for the same seed on every machine */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* @tear: sectors of entry @to to write, -1 none; @seed: or at random */
static int cmd_apply(struct lw_log *l, const char *path, uint64_t from,
		     uint64_t to, long long tear, uint64_t seed)
{
	struct lw_cur c;
	uint64_t i, k;
	int dev;

	if (from > to || to > l->entries ||
	    ((tear >= 0 || seed) && to == l->entries)) {
		fprintf(stderr, "kraft-replay: the log has %" PRIu64 " entries\n",
			l->entries);
		return 2;
	}
	dev = open(path, O_RDWR);
	if (dev < 0)
		return fail(path, errno);
	for (i = 0; i <= to && i < l->entries; i++) {
		if (lw_next(l, &c))
			return 1;
		if (i < from || c.nr == 0)
			continue;
		if (i < to) {
			if (replay_one(l, &c, 0, c.nr, dev))
				return 1;
		} else if (seed && !(c.flags & LW_DISCARD)) {
			for (k = 0; k < c.nr; k++)
				if (next_rand(&seed) >> 63 &&
				    replay_one(l, &c, k, 1, dev))
					return 1;
		} else if (tear > 0 && !(c.flags & LW_DISCARD)) {
			uint64_t part = (uint64_t)tear;

			if (replay_one(l, &c, 0, part < c.nr ? part : c.nr, dev))
				return 1;
		}
	}
	if (fsync(dev))
		return fail("flushing the device", errno);
	return close(dev) ? fail("closing the device", errno) : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: kraft-replay list LOG\n"
		"       kraft-replay apply LOG DEV FROM TO [TEAR | rSEED]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct lw_log l;

	if (argc == 3 && !strcmp(argv[1], "list")) {
		if (lw_open(&l, argv[2]))
			return 1;
		return cmd_list(&l);
	}
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "apply")) {
		char *end1, *end2, *end3 = "";
		uint64_t from = strtoull(argv[4], &end1, 10);
		uint64_t to = strtoull(argv[5], &end2, 10);
		long long tear = -1;
		uint64_t seed = 0;

		if (argc == 7 && argv[6][0] == 'r') {
			seed = strtoull(argv[6] + 1, &end3, 10);
			if (!seed || !argv[6][1])
				return usage();
		} else if (argc == 7) {
			tear = strtoll(argv[6], &end3, 10);
		}
		if (*end1 || *end2 || *end3 || !*argv[4] || !*argv[5])
			return usage();
		if (lw_open(&l, argv[2]))
			return 1;
		return cmd_apply(&l, argv[3], from, to, tear, seed);
	}
	return usage();
}
