// SPDX-License-Identifier: GPL-2.0
/*
 * kraft-wirefuzz - a hostile peer for the fault suite: opens TCP
 * connections to a node's port and sends random and mutated frames of the
 * wire protocol (kmod/conn.c, kmod/handshake.c; the messages of
 * kmod/core/msg.c).
 *
 *   kraft-wirefuzz --addr IP:PORT --cluster NAME --as ID --to ID
 *                  [--seconds S] [--seed X]
 *
 * Each connection picks one attack: random bytes; a frame header with a
 * bad magic, version, type, length or CRC; a frame announcing a huge
 * length and then stalling; a HELLO from a stranger, of another cluster
 * or with the wrong length; or a full handshake as member --as (which
 * works only on a cluster without a key, and is meant for a member that
 * is not running) followed by MSG frames: Raft messages of random types
 * and fields, encoded by the core's own codec and then mutated (bytes
 * flipped, cut short, lengths and counts changed), or random payloads.
 * Counts what it sent and how connections ended; exit 0, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

#define FRAME_MAGIC	0x5446524bu
#define FRAME_HDR	16
#define NONCE_LEN	16
#define NAME_MAX_LEN	32
#define HELLO_LEN	(8 + 8 + 8 + NONCE_LEN + NAME_MAX_LEN)
#define TP_VERSION	1
enum { F_HELLO = 1, F_AUTH, F_MSG };

static uint64_t rng;
static struct sockaddr_in addr;
static char cluster[NAME_MAX_LEN];
static uint64_t as_id, to_id;
static unsigned long n_frames, n_handshakes, n_closed, stalls;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : rng;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	/* a node that stops reading must not stop the fuzzer's clock */
	struct timeval tv = { .tv_sec = 2 };

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			stalls++;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* A frame of @type around @payload, with a correct CRC unless @bad_crc. */
static int send_frame(int fd, uint8_t type, const uint8_t *payload,
		      uint32_t len, int bad_crc)
{
	uint8_t *f = malloc(FRAME_HDR + len);
	uint32_t crc;
	int err;

	if (!f)
		return -1;
	put32(f, FRAME_MAGIC);
	f[4] = type;
	f[5] = TP_VERSION;
	f[6] = f[7] = 0;
	put32(f + 8, len);
	memcpy(f + FRAME_HDR, payload, len);
	crc = kr_crc32c(~0u, f, 12);
	crc = kr_crc32c(crc, f + FRAME_HDR, len);
	put32(f + 12, bad_crc ? crc ^ 1 : crc);
	err = send_all(fd, f, FRAME_HDR + len);
	free(f);
	n_frames++;
	return err;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Read whatever the node sends within @ms; 0 while it is open. Bounded by
 * the clock, not by quiet: a leader sends heartbeats to member 3 for as
 * long as the connection lasts.
 */
static int drain(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long end = now_ms() + ms, left;
	uint8_t buf[4096];

	do {
		left = end - now_ms();
		if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			return -1;
	} while (left > 0);
	return 0;
}

static void hello(uint8_t *p, uint64_t from, uint64_t to, const char *name)
{
	memset(p, 0, HELLO_LEN);
	put32(p, TP_VERSION);
	put64(p + 8, from);
	put64(p + 16, to);
	for (int i = 0; i < NONCE_LEN; i++)
		p[24 + i] = rnd(256);
	memcpy(p + 24 + NONCE_LEN, name, strnlen(name, NAME_MAX_LEN));
}

/* A Raft message of a random type with random fields, encoded. */
static uint8_t *random_msg(uint32_t *len)
{
	struct kraft_entry e[4];
	struct kraft_conf conf = { .n_voters = 1 + rnd(3) };
	uint8_t data[64], chunk[64];
	struct kraft_msg m = {
		.type = 1 + rnd(KRAFT_MSG_TYPE_MAX), .flags = rnd(8),
		.from = as_id, .to = rnd(8) ? to_id : rnd(5),
		.term = rnd(4) ? rnd(10) : rnd(0), .log_term = rnd(10),
		.index = rnd(4) ? rnd(50) : rnd(0), .commit = rnd(60),
		.hint = rnd(50), .ctx = rnd(0),
	};
	uint8_t *buf;
	uint32_t i;

	for (i = 0; i < conf.n_voters; i++)
		conf.voters[i] = 1 + rnd(5);
	for (i = 0; i < sizeof(data); i++)
		data[i] = chunk[i] = rnd(256);
	if (m.type == KRAFT_MSG_APP || m.type == KRAFT_MSG_PROP) {
		m.n_entries = rnd(5);
		for (i = 0; i < m.n_entries; i++) {
			e[i].index = m.index + 1 + i;
			e[i].term = m.term;
			e[i].type = rnd(4);
			e[i].len = rnd(sizeof(data));
			e[i].data = data;
		}
		m.entries = e;
	}
	if (m.type == KRAFT_MSG_SNAP) {
		m.snap_index = 1 + rnd(60);
		m.snap_term = rnd(10);
		m.snap_conf = &conf;
		m.snap_total = rnd(200);
		m.snap_off = rnd(m.snap_total + 1);
		m.chunk_len = m.snap_total - m.snap_off;
		if (m.chunk_len > sizeof(chunk))
			m.chunk_len = sizeof(chunk);
		m.chunk = chunk;
	}
	*len = kraft_msg_encoded_len(&m);
	buf = malloc(*len + 64);
	if (!buf || kraft_msg_encode(&m, buf, *len) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void mutate(uint8_t *buf, uint32_t *len)
{
	switch (rnd(5)) {
	case 0:		/* flip a few bytes */
		for (int i = rnd(4); i >= 0; i--)
			buf[rnd(*len)] ^= 1 + rnd(255);
		break;
	case 1:		/* cut short */
		*len = rnd(*len);
		break;
	case 2:		/* a count or length field set wild */
		if (*len >= KRAFT_MSG_HDR_LEN)
			put32(buf + 8 * (1 + rnd(9)), rnd(0));
		break;
	case 3:		/* trailing bytes */
		for (int i = 0; i < 64; i++)
			buf[(*len)++] = rnd(256);
		break;
	default:	/* intact */
		break;
	}
}

static void attack(int fd)
{
	uint8_t p[HELLO_LEN + 64], *m;
	uint32_t len, i;

	switch (rnd(8)) {
	case 0:		/* random bytes */
		for (i = 0; i < sizeof(p); i++)
			p[i] = rnd(256);
		send_all(fd, p, 1 + rnd(sizeof(p)));
		break;
	case 1:		/* a damaged frame header */
		hello(p, as_id, to_id, cluster);
		send_frame(fd, rnd(2) ? F_HELLO : rnd(256), p,
			   rnd(2) ? HELLO_LEN : rnd(HELLO_LEN + 64), rnd(2));
		break;
	case 2:		/* a huge length announced, then a stall */
		memset(p, 0, FRAME_HDR);
		put32(p, FRAME_MAGIC);
		p[4] = rnd(3) + 1;
		p[5] = TP_VERSION;
		put32(p + 8, rnd(2) ? 0xffffffffu : (8u << 20));
		send_all(fd, p, FRAME_HDR);
		break;
	case 3:		/* a stranger, or another cluster */
		hello(p, rnd(2) ? 99 : as_id, to_id, rnd(2) ? "other" : cluster);
		if (p[8] == as_id)
			p[24 + NONCE_LEN] ^= 1;
		send_frame(fd, F_HELLO, p, HELLO_LEN, 0);
		break;
	case 4:		/* MSG before any handshake */
		memset(p, 0, 32);
		send_frame(fd, F_MSG, p, 32, 0);
		break;
	default:	/* a handshake as member --as, then messages */
		hello(p, as_id, to_id, cluster);
		if (send_frame(fd, F_HELLO, p, HELLO_LEN, 0))
			return;
		memset(p, 0, 32);	/* the MAC of a cluster without a key */
		if (send_frame(fd, F_AUTH, p, 32, 0) || drain(fd, 50))
			return;
		n_handshakes++;
		for (i = 0; i < 1 + rnd(40); i++) {
			m = random_msg(&len);
			if (!m)
				return;
			if (rnd(4))
				mutate(m, &len);
			if (send_frame(fd, F_MSG, m, len, !rnd(20))) {
				free(m);
				return;
			}
			free(m);
		}
		break;
	}
}

int main(int argc, char **argv)
{
	const char *a = NULL, *c = NULL;
	unsigned int seconds = 10;
	time_t end;
	char host[64], *colon;

	rng = 0x9e3779b97f4a7c15ull;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--addr"))
			a = argv[i + 1];
		else if (!strcmp(argv[i], "--cluster"))
			c = argv[i + 1];
		else if (!strcmp(argv[i], "--as"))
			as_id = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--to"))
			to_id = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			rng ^= strtoull(argv[i + 1], NULL, 10) * 0x2545f4914f6cdd1dull;
	}
	if (!a || !c || !as_id || !to_id || strlen(a) >= sizeof(host)) {
		fprintf(stderr, "usage: kraft-wirefuzz --addr IP:PORT --cluster NAME --as ID --to ID [--seconds S] [--seed X]\n");
		return 2;
	}
	strcpy(host, a);
	colon = strrchr(host, ':');
	if (!colon)
		return 2;
	*colon = 0;
	addr.sin_family = AF_INET;
	addr.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		return 2;
	memcpy(cluster, c, strnlen(c, sizeof(cluster)));	/* zero-padded */
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		int fd = dial();

		if (fd < 0) {
			usleep(50000);
			continue;
		}
		attack(fd);
		if (drain(fd, rnd(2) ? 0 : 100))
			n_closed++;
		close(fd);
	}
	printf("wirefuzz: %lu frames, %lu handshakes as member %" PRIu64 ", %lu connections closed by the node, %lu sends stalled 2 s\n",
	       n_frames, n_handshakes, as_id, n_closed, stalls);
	return 0;
}
