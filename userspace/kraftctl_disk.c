// SPDX-License-Identifier: GPL-2.0
/*
 * kraftctl_disk.c - the commands that work on a device directly, without
 * the module: `init` writes a new node's superblock (docs/disk-format.md)
 * and `dump` prints what is on a device, with the same code the module
 * recovers with (kmod/core/layout.c, recover.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include "kraftctl.h"
#include "disklog.h"

static int dev_read(void *ctx, u64 off, void *buf, u32 len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, off);

	if (n < 0)
		return -errno;
	if ((u32)n != len)
		memset((u8 *)buf + n, 0, len - n);	/* past the end: zeros */
	return 0;
}

/* Size and logical block size of a block device or a regular file. */
static int dev_geometry(int fd, u64 *bytes, u32 *lbs)
{
	struct stat st;
	int ssz = 512;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, bytes) || ioctl(fd, BLKSSZGET, &ssz))
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		*bytes = st.st_size;
	} else {
		return -ENOTBLK;
	}
	*lbs = ssz;
	return 0;
}

static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > KRAFT_DL_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return false;
	return true;
}

static int parse_peers(const struct kc_cmd *cmd, char *list,
		       struct kraft_dl_super *sb)
{
	char *save, *tok;
	u8 i;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct kraft_dl_peer *p = &sb->peers[sb->n_peers];
		char *eq = strchr(tok, '=');
		uint64_t id;

		if (sb->n_peers == KRAFT_MAX_MEMBERS)
			return kc_usage_error(cmd, "at most %d peers", KRAFT_MAX_MEMBERS);
		if (!eq)
			return kc_usage_error(cmd, "peer '%s' is not ID=HOST:PORT", tok);
		*eq = 0;
		if (kc_parse_u64(tok, &id) || !id)
			return kc_usage_error(cmd, "peer '%s=%s' is not ID=HOST:PORT", tok, eq + 1);
		if (kc_host_port(eq + 1, p->addr, sizeof(p->addr)))
			return kc_usage_error(cmd, "peer %s: %s", tok, p->addr);
		for (i = 0; i < sb->n_peers; i++)
			if (sb->peers[i].id == id)
				return kc_usage_error(cmd, "peer %llu given twice",
						      (unsigned long long)id);
		p->id = id;
		sb->n_peers++;
	}
	return 0;
}

static int read_key(const char *path, struct kraft_dl_super *sb)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	u8 extra;

	if (fd < 0)
		return -errno;
	n = read(fd, sb->key, sizeof(sb->key));
	if (n == sizeof(sb->key) && read(fd, &extra, 1) == 1)
		n = -1;
	close(fd);
	if (n < 16) {
		fprintf(stderr, "kraftctl: %s: a key is 16 to %d bytes\n", path,
			KRAFT_DL_KEY_MAX);
		return -EINVAL;
	}
	sb->key_len = n;
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "peers", required_argument, NULL, 'p' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const struct kc_cmd *cmd = kc_find_cmd("init");
	struct kraft_dl_super sb = { 0 }, old;
	const char *cluster = NULL, *keyfile = NULL;
	char *peers = NULL;
	bool force = false, self = false;
	u8 *blk = NULL;
	uint64_t id = 0;
	u64 bytes = 0;
	u32 lbs = 512, i;
	int fd = -1, c, err, ret = EX_ERR, rnd;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cluster = optarg; break;
		case 'n':
			if (kc_parse_u64(optarg, &id) || !id)
				return kc_usage_error(cmd, "--node needs an id > 0");
			break;
		case 'p': peers = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'f': force = true; break;
		default:
			return kc_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return kc_usage_error(cmd, "needs one DEVICE");
	if (!cluster || !id || !peers)
		return kc_usage_error(cmd, "needs --cluster, --node and --peers");
	if (!valid_name(cluster))
		return kc_usage_error(cmd, "the cluster name is 1 to %d of [A-Za-z0-9._-]",
				      KRAFT_DL_NAME_MAX);
	strcpy(sb.cluster, cluster);
	sb.node_id = id;
	if ((ret = parse_peers(cmd, peers, &sb)))
		return ret;
	for (i = 0; i < sb.n_peers; i++)
		self |= sb.peers[i].id == id;
	if (!self)	/* joins a running cluster: up --listen, member add */
		fprintf(stderr, "kraftctl: node %llu is not in --peers: it joins the cluster once added with 'member add' (start it with 'up --listen')\n",
			(unsigned long long)id);
	ret = EX_ERR;
	if (keyfile && read_key(keyfile, &sb))
		return EX_ERR;
	/* O_EXCL on a block device: refused when mounted or held by a node */
	fd = open(argv[optind], O_RDWR | O_CLOEXEC | O_EXCL);
	if (fd < 0 && errno == EINVAL)
		fd = open(argv[optind], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kraftctl: %s: %s%s\n", argv[optind], strerror(errno),
			errno == EBUSY ? " (mounted, or in use by a node)" : "");
		return EX_ERR;
	}
	err = dev_geometry(fd, &bytes, &lbs);
	if (!err)
		err = kraft_dl_layout(bytes, lbs, &sb);
	if (err) {
		fprintf(stderr, "kraftctl: %s: %s\n", argv[optind], err == -EINVAL ?
			"too small (at least 256 KiB) or an unusual block size" :
			strerror(-err));
		goto out;
	}
	blk = aligned_alloc(KRAFT_DL_BLOCK, KRAFT_DL_BLOCK);
	if (!blk || dev_read(&fd, 0, blk, KRAFT_DL_BLOCK))
		goto out;
	err = kraft_dl_super_decode(blk, &old);
	if (err != -ENODATA && !force) {
		if (!err)
			fprintf(stderr, "kraftctl: %s already holds node %llu of cluster %s; --force overwrites it\n",
				argv[optind], (unsigned long long)old.node_id, old.cluster);
		else
			fprintf(stderr, "kraftctl: %s holds a (damaged or newer) kraft superblock; --force overwrites it\n",
				argv[optind]);
		goto out;
	}
	rnd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (rnd < 0 || read(rnd, sb.uuid, sizeof(sb.uuid)) != sizeof(sb.uuid)) {
		fprintf(stderr, "kraftctl: no randomness for the uuid\n");
		if (rnd >= 0)
			close(rnd);
		goto out;
	}
	close(rnd);
	/* empty hard-state slots and snapshot headers, then the superblock */
	memset(blk, 0, KRAFT_DL_BLOCK);
	if (pwrite(fd, blk, KRAFT_DL_BLOCK, 1 * KRAFT_DL_BLOCK) != KRAFT_DL_BLOCK ||
	    pwrite(fd, blk, KRAFT_DL_BLOCK, 2 * KRAFT_DL_BLOCK) != KRAFT_DL_BLOCK ||
	    pwrite(fd, blk, KRAFT_DL_BLOCK, kraft_dl_snap_slot(&sb, 0) * KRAFT_DL_BLOCK) != KRAFT_DL_BLOCK ||
	    pwrite(fd, blk, KRAFT_DL_BLOCK, kraft_dl_snap_slot(&sb, 1) * KRAFT_DL_BLOCK) != KRAFT_DL_BLOCK ||
	    pwrite(fd, blk, KRAFT_DL_BLOCK, sb.ring_start * KRAFT_DL_BLOCK) != KRAFT_DL_BLOCK ||
	    fdatasync(fd)) {
		fprintf(stderr, "kraftctl: %s: %s\n", argv[optind], strerror(errno));
		goto out;
	}
	kraft_dl_super_encode(&sb, blk);
	if (pwrite(fd, blk, KRAFT_DL_BLOCK, 0) != KRAFT_DL_BLOCK || fdatasync(fd)) {
		fprintf(stderr, "kraftctl: %s: %s\n", argv[optind], strerror(errno));
		goto out;
	}
	printf("%s: node %llu of cluster %s, %u peers, log ring %llu KiB, snapshots up to %llu KiB\n",
	       argv[optind], (unsigned long long)id, sb.cluster, sb.n_peers,
	       (unsigned long long)sb.ring_blocks * 4,
	       (unsigned long long)kraft_dl_snap_capacity(&sb) / 1024);
	ret = EX_OK;
out:
	free(blk);
	close(fd);
	return ret;
}

static const char *type_name(u8 t)
{
	return t == KRAFT_ENTRY_NORMAL ? "normal" : t == KRAFT_ENTRY_EMPTY ? "empty" :
	       t == KRAFT_ENTRY_CONF ? "conf" : "?";
}

static void print_slots(int fd, const struct kraft_dl_super *sb, u8 *blk)
{
	struct kraft_dl_hs hs;
	struct kraft_dl_snap s;
	int i;

	for (i = 0; i < 2; i++) {
		dev_read(&fd, (1 + i) * KRAFT_DL_BLOCK, blk, KRAFT_DL_BLOCK);
		if (kraft_dl_hs_decode(blk, kraft_dl_salt(sb), &hs))
			printf("hard state %c: empty or torn\n", 'A' + i);
		else
			printf("hard state %c: seq %llu term %llu vote %llu commit %llu first record %llu at ring offset %llu\n",
			       'A' + i, (unsigned long long)hs.seq,
			       (unsigned long long)hs.term, (unsigned long long)hs.vote,
			       (unsigned long long)hs.commit,
			       (unsigned long long)hs.start_index,
			       (unsigned long long)hs.start_off);
	}
	for (i = 0; i < 2; i++) {
		dev_read(&fd, kraft_dl_snap_slot(sb, i) * KRAFT_DL_BLOCK, blk,
			 KRAFT_DL_BLOCK);
		if (kraft_dl_snap_decode(blk, kraft_dl_salt(sb), &s))
			printf("snapshot %d: empty or torn\n", i);
		else
			printf("snapshot %d: seq %llu index %llu term %llu, %llu bytes, %u voters\n",
			       i, (unsigned long long)s.seq, (unsigned long long)s.index,
			       (unsigned long long)s.term, (unsigned long long)s.len,
			       s.conf.n_voters);
	}
}

int cmd_dump(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("dump");
	struct kraft_dl_io io;
	struct kraft_dl_state st;
	const char *why = NULL;
	u8 *blk = NULL;
	int fd, err, ret = EX_ERR;
	u64 i;
	u32 j;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc != 2)
		return kc_usage_error(cmd, "needs a DEVICE");
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kraftctl: %s: %s\n", argv[1], strerror(errno));
		return EX_ERR;
	}
	io.ctx = &fd;
	io.read = dev_read;
	err = kraft_dl_recover(&io, &st, &why);
	if (err == -ENODATA || err == -EPROTONOSUPPORT ||
	    (err == -EUCLEAN && !st.sb.node_id)) {
		fprintf(stderr, "kraftctl: %s: %s\n", argv[1], why ? why : strerror(-err));
		goto out;
	}
	printf("superblock: format %u, cluster %s, node %llu, %llu blocks of 4 KiB (logical %u B), snapshot slots %llu blocks, ring %llu blocks at %llu, key %s\n",
	       st.sb.version, st.sb.cluster, (unsigned long long)st.sb.node_id,
	       (unsigned long long)st.sb.total_blocks, st.sb.lbs,
	       (unsigned long long)st.sb.snap_blocks,
	       (unsigned long long)st.sb.ring_blocks,
	       (unsigned long long)st.sb.ring_start,
	       st.sb.key_len ? "set" : "none");
	for (j = 0; j < st.sb.n_peers; j++)
		printf("peer %llu %s\n", (unsigned long long)st.sb.peers[j].id,
		       st.sb.peers[j].addr);
	blk = malloc(KRAFT_DL_BLOCK);
	if (!blk)
		goto out;
	print_slots(fd, &st.sb, blk);
	if (err) {
		printf("log: recovery refuses this device: %s\n", why);
		goto out;
	}
	printf("log: %llu records from index %llu%s, next write at ring offset %llu\n",
	       (unsigned long long)st.ring.n, (unsigned long long)st.ring.start_index,
	       st.cut ? ", cut at a torn or stale record" : "",
	       (unsigned long long)st.ring.head % st.ring.size);
	if (st.ring.tagged)
		printf("append tags: the next start takes them from %llu\n",
		       (unsigned long long)st.ring.tag);
	for (i = 0; i < st.n_entries; i++)
		printf("record %llu term %llu %s %u bytes\n",
		       (unsigned long long)st.entries[i].index,
		       (unsigned long long)st.entries[i].term,
		       type_name(st.entries[i].type), st.entries[i].len);
	ret = EX_OK;
out:
	free(blk);
	kraft_dl_state_free(&st);
	close(fd);
	return ret;
}
