// SPDX-License-Identifier: GPL-2.0
/*
 * kraft-apifuzz - random calls into kraft's two user interfaces, for the
 * fault suite: ioctls on /dev/kraftN (the real commands with random
 * argument blocks, whose fields are then set to zero, small or huge
 * numbers, valid, unmapped or kernel pointers; and random command
 * numbers) and generic netlink requests (random commands, flags and
 * attributes: random types, lengths and bytes, or plausible values).
 *
 *   kraft-apifuzz --node kraftN [--seconds S] [--seed X] [--no-admin]
 *
 * Every call may fail; what matters is that the kernel neither crashes,
 * warns nor leaks, which the guest harness checks. --no-admin leaves out
 * the commands that take nodes down or change membership. An alarm
 * interrupts any call that blocks for more than 200 ms. Prints counts;
 * exit 0, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/kraft.h>

static uint64_t rng;
static char node[32];
static bool no_admin;
static uint8_t good[4096];
static unsigned long n_ioctl, n_nl, n_ok;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : rng;
}

static void on_alarm(int sig)
{
	(void)sig;	/* only to interrupt a blocked call */
}

static void arm(void)
{
	struct itimerval it = { .it_value = { .tv_usec = 200000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static uint64_t wild(void)
{
	switch (rnd(7)) {
	case 0: return 0;
	case 1: return rnd(16);
	case 2: return (uintptr_t)good;
	case 3: return (uintptr_t)good + rnd(sizeof(good));
	case 4: return 0xdead0000ull;		/* unmapped */
	case 5: return 0xffff888000000000ull;	/* the kernel's */
	default: return rnd(0);
	}
}

static void fuzz_ioctl(int fd)
{
	static const unsigned long cmds[] = {
		KRAFT_IOC_PUT, KRAFT_IOC_GET, KRAFT_IOC_DEL, KRAFT_IOC_CAS,
		KRAFT_IOC_RANGE, KRAFT_IOC_WATCH,
	};
	uint64_t arg[16];
	unsigned long cmd;
	unsigned int i;
	int ret;

	for (i = 0; i < 16; i++)
		arg[i] = rnd(3) ? wild() : rnd(0);
	if (rnd(8)) {
		cmd = cmds[rnd(6)];
		/* keys and values of a sane size, sometimes */
		if (rnd(2)) {
			arg[2] = rnd(64) | (rnd(2) ? rnd(8192) << 32 : 0);
			arg[0] = (uintptr_t)good;
			arg[1] = (uintptr_t)good + 64;
		}
	} else {
		cmd = _IOC(rnd(4), rnd(2) ? KRAFT_IOC_MAGIC : rnd(256),
			   rnd(16), rnd(2) ? rnd(256) : rnd(16384));
	}
	arm();
	ret = ioctl(fd, cmd, rnd(16) ? (unsigned long)arg : wild());
	n_ioctl++;
	if (ret >= 0) {
		n_ok++;
		if (cmd == KRAFT_IOC_WATCH) {
			char buf[512];

			fcntl(ret, F_SETFL, O_NONBLOCK);
			read(ret, buf, rnd(sizeof(buf)));
			close(ret);
		}
	}
}

static void put_random_attr(struct nlmsghdr *nlh)
{
	static const char *const strs[] = {
		"kraft0", "kraft1", "kraft9", "/dev/vdb", "/dev/null",
		"10.9.0.3:7001", "[::1]:7001", "nowhere:1", "", "x:99999",
	};
	uint16_t type = rnd(KRAFT_A_MAX + 4);
	uint8_t buf[80];
	unsigned int i;

	switch (rnd(5)) {
	case 0:
		mnl_attr_put_u32(nlh, type, rnd(2) ? rnd(2000) : rnd(0));
		break;
	case 1:
		mnl_attr_put_u64(nlh, type, rnd(2) ? rnd(8) : rnd(0));
		break;
	case 2:
		mnl_attr_put_strz(nlh, type, strs[rnd(10)]);
		break;
	case 3: {	/* nested garbage */
		struct nlattr *nest = mnl_attr_nest_start(nlh, type);

		for (i = rnd(3); i > 0; i--)
			mnl_attr_put_u64(nlh, rnd(8), rnd(0));
		mnl_attr_nest_end(nlh, nest);
		break;
	}
	default:
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = rnd(256);
		mnl_attr_put(nlh, type, rnd(sizeof(buf)), buf);
		break;
	}
}

static void fuzz_netlink(struct mnl_socket *nl, uint16_t family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;
	uint8_t cmd;
	unsigned int i;

	do
		cmd = rnd(KRAFT_CMD_MAX + 3);
	while (no_admin && (cmd == KRAFT_CMD_NODE_DOWN ||
			    cmd == KRAFT_CMD_NODE_UP ||
			    cmd == KRAFT_CMD_MEMBER_REMOVE ||
			    cmd == KRAFT_CMD_MEMBER_ADD ||
			    cmd == KRAFT_CMD_MEMBER_PROMOTE));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			   (rnd(5) ? 0 : NLM_F_DUMP);
	nlh->nlmsg_seq = rnd(0);
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = rnd(4) ? 1 : rnd(256);
	if (rnd(2))
		mnl_attr_put_strz(nlh, KRAFT_A_NODE_NAME, node);
	for (i = rnd(5); i > 0; i--)
		put_random_attr(nlh);
	arm();
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return;
	n_nl++;
	/* read the answer (or the dump) until the ack or the alarm */
	for (;;) {
		int n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n <= 0)
			break;
		nlh = (struct nlmsghdr *)buf;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			n_ok += !e->error;
			break;
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			break;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int resolve(struct mnl_socket *nl, uint16_t *family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;
	int n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KRAFT_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n <= 0 || mnl_cb_run(buf, n, 0, 0, family_cb, family) < 0)
		return -1;
	return *family ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no restart */
	unsigned int seconds = 10;
	struct mnl_socket *nl;
	uint16_t family = 0;
	char path[64];
	time_t end;
	int fd, i;

	rng = 0x2545f4914f6cdd1dull;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-admin"))
			no_admin = true;
		else if (i + 1 >= argc)
			break;
		else if (!strcmp(argv[i], "--node"))
			snprintf(node, sizeof(node), "%s", argv[++i]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			rng ^= strtoull(argv[++i], NULL, 10) * 0x9e3779b97f4a7c15ull;
	}
	if (!node[0]) {
		fprintf(stderr, "usage: kraft-apifuzz --node kraftN [--seconds S] [--seed X] [--no-admin]\n");
		return 2;
	}
	sigaction(SIGALRM, &sa, NULL);
	memset(good, 'g', sizeof(good));
	snprintf(path, sizeof(path), "/dev/%s", node);
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    resolve(nl, &family)) {
		fprintf(stderr, "kraft-apifuzz: no %s netlink family\n", KRAFT_GENL_NAME);
		return 1;
	}
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		fd = open(path, O_RDWR);
		for (i = 0; i < 50; i++) {
			if (fd >= 0 && rnd(2))
				fuzz_ioctl(fd);
			else
				fuzz_netlink(nl, family);
		}
		if (fd >= 0)
			close(fd);
	}
	printf("apifuzz: %lu ioctls, %lu netlink requests, %lu succeeded\n",
	       n_ioctl, n_nl, n_ok);
	mnl_socket_close(nl);
	return 0;
}
