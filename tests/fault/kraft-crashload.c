// SPDX-License-Identifier: GPL-2.0
/*
 * kraft-crashload - the writer of the power-cut test (tests/vm/guest/
 * crash.sh): puts FIRST..LAST, one at a time, to the node at /dev/kraft0,
 * and after each is acknowledged marks the dm-log-writes log of device
 * DMNAME with "put-I", so that a replayed prefix of the log tells which
 * puts were acknowledged before the cut.
 *
 *   kraft-crashload DMNAME FIRST LAST KEYS
 *
 * Put I writes key "k(I mod KEYS)" with the value "I:" followed by
 * 1000 + I * 53 mod 3000 x's, which the test's checker recomputes.
 * One process for all puts: under TCG a process start costs more than a
 * put. Exit: 0 all acknowledged and marked, 1 a put or mark failed, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/dm-ioctl.h>
#include <linux/kraft.h>

#define VALUE_MAX	4096

/* DM_TARGET_MSG "mark TEXT" to sector 0 of the table named @dm. */
static int dm_mark(int ctl, const char *dm, const char *text)
{
	union {
		struct dm_ioctl io;
		char buf[sizeof(struct dm_ioctl) + 256];
	} u;
	struct dm_target_msg *msg = (void *)(u.buf + sizeof(struct dm_ioctl));

	memset(&u, 0, sizeof(u));
	u.io.version[0] = DM_VERSION_MAJOR;
	u.io.data_size = sizeof(u);
	u.io.data_start = sizeof(struct dm_ioctl);
	snprintf(u.io.name, sizeof(u.io.name), "%s", dm);
	msg->sector = 0;
	snprintf(msg->message, sizeof(u) - sizeof(struct dm_ioctl) -
		 sizeof(*msg), "mark %s", text);
	return ioctl(ctl, DM_TARGET_MSG, &u) ? -errno : 0;
}

static int put(int fd, unsigned long i, unsigned int keys, char *value)
{
	struct kraft_kv_args a;
	char key[32];
	int n, len = 1000 + (int)(i * 53 % 3000);

	n = snprintf(value, VALUE_MAX, "%lu:", i);
	memset(value + n, 'x', len);
	snprintf(key, sizeof(key), "k%lu", i % keys);
	memset(&a, 0, sizeof(a));
	a.key_ptr = (uintptr_t)key;
	a.key_len = strlen(key);
	a.value_ptr = (uintptr_t)value;
	a.value_len = n + len;
	a.timeout_ms = 10000;
	if (ioctl(fd, KRAFT_IOC_PUT, &a))
		return -errno;
	return a.result == KRAFT_KV_OK ? 0 : -EPROTO;
}

int main(int argc, char **argv)
{
	unsigned long first, last, keys, i;
	char value[VALUE_MAX + 32], mark[32];
	int fd, ctl, err;

	if (argc != 5)
		goto usage;
	first = strtoul(argv[2], NULL, 10);
	last = strtoul(argv[3], NULL, 10);
	keys = strtoul(argv[4], NULL, 10);
	if (!first || last < first || !keys || strlen(argv[1]) >= DM_NAME_LEN)
		goto usage;
	fd = open("/dev/kraft0", O_RDWR);
	ctl = open("/dev/mapper/control", O_RDWR);
	if (fd < 0 || ctl < 0) {
		perror("kraft-crashload: open");
		return 1;
	}
	for (i = first; i <= last; i++) {
		err = put(fd, i, keys, value);
		if (err) {
			fprintf(stderr, "kraft-crashload: put %lu: %s\n", i, strerror(-err));
			return 1;
		}
		snprintf(mark, sizeof(mark), "put-%lu", i);
		err = dm_mark(ctl, argv[1], mark);
		if (err) {
			fprintf(stderr, "kraft-crashload: mark %s: %s\n", mark, strerror(-err));
			return 1;
		}
	}
	return 0;
usage:
	fprintf(stderr, "usage: kraft-crashload DMNAME FIRST LAST KEYS\n");
	return 2;
}
