// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-rtt - the network half of make bench's floor: round trips of a small
 * message over one TCP connection (TCP_NODELAY, one message in flight),
 * the way kraft's nodes talk, between two namespaces.
 *
 *   tcp-rtt serve ADDR PORT         answer one connection, then exit
 *   tcp-rtt ping ADDR PORT COUNT    COUNT round trips (waiting up to 5 s
 *                                   for the server), then one JSON line:
 *                                   {"count":N,"p50_ms":..,"min_ms":..,"p99_ms":..}
 *
 * Messages are 64 bytes, about an append's acknowledgement. Exits 1 on any
 * error, with a message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "latency.h"

#define MSG	64

static int die(const char *what)
{
	fprintf(stderr, "tcp-rtt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int full(int fd, char *buf, int write_it)
{
	size_t done = 0;
	ssize_t n;

	while (done < MSG) {
		n = write_it ? write(fd, buf + done, MSG - done) :
			       read(fd, buf + done, MSG - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ECONNRESET;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[MSG] = { 0 };
	int fd, c, one = 1, serve;
	long count = 0, i;
	uint64_t *lat, t;

	serve = argc == 4 && !strcmp(argv[1], "serve");
	if (argc == 5 && !strcmp(argv[1], "ping"))
		count = strtol(argv[4], NULL, 10);
	if ((!serve && count <= 0) ||
	    inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: tcp-rtt serve ADDR PORT | ping ADDR PORT COUNT\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[3]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (serve) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1))
			die("bind");
		c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (!full(c, buf, 0) && !full(c, buf, 1))
			;
		return 0;
	}
	/* the server may still be starting: 5 s to listen */
	for (i = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); i++) {
		if (errno != ECONNREFUSED || i == 50)
			die("connect");
		usleep(100000);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	lat = calloc(count, sizeof(*lat));
	if (!lat)
		die("calloc");
	for (i = 0; i < count; i++) {
		t = now_ns();
		if (full(fd, buf, 1) || full(fd, buf, 0))
			die("round trip");
		lat[i] = now_ns() - t;
	}
	lat_sort(lat, count);
	printf("{\"count\":%ld,\"p50_ms\":%.3f,\"min_ms\":%.3f,\"p99_ms\":%.3f}\n",
	       count, lat_pct_ms(lat, count, 50), lat_pct_ms(lat, count, 0),
	       lat_pct_ms(lat, count, 99));
	return 0;
}
