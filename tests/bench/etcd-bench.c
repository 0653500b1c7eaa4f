// SPDX-License-Identifier: GPL-2.0
/*
 * etcd-bench - load etcd through its native interface, gRPC over HTTP/2
 * (libnghttp2), the way `kraftctl bench` loads kraft through its ioctls:
 * the same workloads, keys, value sizes and client counts, one connection
 * and one request at a time per client, and the same JSON line out.
 *
 *   etcd-bench --endpoint HOST:PORT put|get [--clients N] [--ops K]
 *              [--value-size B] [--keys M] [--serializable]
 *
 * (options in any order). A get run first writes the keys it reads. Puts
 * go to etcdserverpb.KV/Put, gets to KV/Range (linearizable unless
 * --serializable). A request counts as an error unless its response
 * carries grpc-status 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "latency.h"

struct bench {
	const char *host, *port;
	bool get, serializable;
	uint32_t clients, vsize;
	uint64_t ops, keys, next, done, errors;
	uint64_t *lat;
};

/* One client: a connection and the request in flight on it. */
struct client {
	struct bench *b;
	pthread_t tid;
	int fd;
	nghttp2_session *h2;
	uint8_t *body;		/* gRPC frame of the request */
	size_t body_len, body_off;
	bool closed, ok, got_status;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static ssize_t on_send(nghttp2_session *s, const uint8_t *data, size_t len,
		       int flags, void *arg)
{
	struct client *c = arg;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, data + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		off += n;
	}
	return len;
}

static ssize_t body_read(nghttp2_session *s, int32_t stream, uint8_t *buf,
			 size_t len, uint32_t *flags, nghttp2_data_source *src,
			 void *arg)
{
	struct client *c = arg;
	size_t n = c->body_len - c->body_off;

	if (n > len)
		n = len;
	memcpy(buf, c->body + c->body_off, n);
	c->body_off += n;
	if (c->body_off == c->body_len)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return n;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f,
		     const uint8_t *name, size_t nlen, const uint8_t *value,
		     size_t vlen, uint8_t flags, void *arg)
{
	struct client *c = arg;

	if (getenv("ETCD_BENCH_DEBUG"))
		fprintf(stderr, "%.*s: %.*s\n", (int)nlen, name, (int)vlen, value);
	if (nlen == 11 && !memcmp(name, "grpc-status", 11)) {
		c->got_status = true;
		c->ok = vlen == 1 && value[0] == '0';
	}
	return 0;
}

static int on_close(nghttp2_session *s, int32_t stream, uint32_t err,
		    void *arg)
{
	struct client *c = arg;

	c->closed = true;
	if (err)
		c->ok = false;
	return 0;
}

/* Protobuf: a length-delimited field (wire type 2). */
static uint8_t *pb_bytes(uint8_t *p, unsigned int field, const void *v,
			 size_t len)
{
	size_t n = len;

	*p++ = field << 3 | 2;
	for (; n >= 0x80; n >>= 7)
		*p++ = (n & 0x7f) | 0x80;
	*p++ = n;
	memcpy(p, v, len);
	return p + len;
}

/* PutRequest{key=1, value=2} or RangeRequest{key=1, serializable=7}. */
static size_t encode(struct client *c, bool get, const char *key,
		     const uint8_t *val)
{
	struct bench *b = c->b;
	size_t klen = strlen(key);
	uint8_t *p = c->body + 5;
	uint32_t n;

	p = pb_bytes(p, 1, key, klen);
	if (!get)
		p = pb_bytes(p, 2, val, b->vsize);
	else if (b->serializable) {
		*p++ = 7 << 3;
		*p++ = 1;
	}
	n = p - c->body - 5;
	c->body[0] = 0;		/* not compressed */
	c->body[1] = n >> 24;
	c->body[2] = n >> 16;
	c->body[3] = n >> 8;
	c->body[4] = n;
	return p - c->body;
}

#define HDR(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, \
		    sizeof(v) - 1, NGHTTP2_NV_FLAG_NONE }

static bool request(struct client *c, bool get, const char *key,
		    const uint8_t *val)
{
	nghttp2_nv put_hdrs[] = {
		HDR(":method", "POST"), HDR(":scheme", "http"),
		HDR(":path", "/etcdserverpb.KV/Put"),
		HDR(":authority", "etcd"), HDR("te", "trailers"),
		HDR("content-type", "application/grpc"),
	};
	nghttp2_nv get_hdrs[] = {
		HDR(":method", "POST"), HDR(":scheme", "http"),
		HDR(":path", "/etcdserverpb.KV/Range"),
		HDR(":authority", "etcd"), HDR("te", "trailers"),
		HDR("content-type", "application/grpc"),
	};
	nghttp2_data_provider dp = { .read_callback = body_read };
	uint8_t buf[16384];
	ssize_t n;

	c->body_len = encode(c, get, key, val);
	c->body_off = 0;
	c->closed = c->ok = c->got_status = false;
	if (nghttp2_submit_request(c->h2, NULL, get ? get_hdrs : put_hdrs, 6,
				   &dp, c) < 0)
		return false;
	while (!c->closed) {
		if (nghttp2_session_send(c->h2))
			return false;
		if (c->closed)
			break;
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || nghttp2_session_mem_recv(c->h2, buf, n) < 0)
			return false;
	}
	nghttp2_session_send(c->h2);	/* window updates, acks */
	return c->ok && c->got_status;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;

	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int client_open(struct client *c)
{
	nghttp2_session_callbacks *cb;
	int err;

	c->fd = connect_to(c->b->host, c->b->port);
	c->body = malloc(c->b->vsize + 128);
	if (c->fd < 0 || !c->body || nghttp2_session_callbacks_new(&cb))
		return -1;
	nghttp2_session_callbacks_set_send_callback(cb, on_send);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
	err = nghttp2_session_client_new(&c->h2, cb, c);
	nghttp2_session_callbacks_del(cb);
	if (err || nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, NULL, 0))
		return -1;
	return 0;
}

static void client_close(struct client *c)
{
	if (c->h2)
		nghttp2_session_del(c->h2);
	if (c->fd >= 0)
		close(c->fd);
	free(c->body);
}

static void *client_run(void *arg)
{
	struct client *c = arg;
	struct bench *b = c->b;
	uint8_t *val = malloc(b->vsize);
	char key[32];
	uint64_t i, t0;

	if (!val)
		return NULL;
	memset(val, 'v', b->vsize);
	while ((i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED)) < b->ops) {
		snprintf(key, sizeof(key), "bench/%" PRIu64, i % b->keys);
		t0 = now_ns();
		if (!request(c, b->get, key, val))
			__atomic_add_fetch(&b->errors, 1, __ATOMIC_RELAXED);
		b->lat[i] = now_ns() - t0;
		__atomic_add_fetch(&b->done, 1, __ATOMIC_RELAXED);
	}
	free(val);
	return NULL;
}

static int run(struct client *cs, struct bench *b)
{
	uint32_t i;

	for (i = 0; i < b->clients; i++) {
		cs[i].b = b;
		if (pthread_create(&cs[i].tid, NULL, client_run, &cs[i]))
			return -1;
	}
	for (i = 0; i < b->clients; i++)
		pthread_join(cs[i].tid, NULL);
	return 0;
}

static int usage(const char *why)
{
	fprintf(stderr, "etcd-bench: %s\nusage: etcd-bench --endpoint HOST:PORT put|get [--clients N] [--ops K] [--value-size B] [--keys M] [--serializable]\n",
		why);
	return 2;
}

int main(int argc, char **argv)
{
	struct bench b = { .clients = 1, .ops = 10000, .vsize = 128,
			   .keys = 1000 };
	char *endpoint = NULL, *colon;
	struct client *cs;
	uint64_t t0, elapsed, v;
	const char *mode = NULL;
	int i, ret = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "put") || !strcmp(argv[i], "get")) {
			mode = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--serializable")) {
			b.serializable = true;
			continue;
		}
		if (i + 1 >= argc)
			return usage("an option without its value");
		if (!strcmp(argv[i], "--endpoint")) {
			endpoint = argv[++i];
			continue;
		}
		v = strtoull(argv[++i], &colon, 10);
		if (*colon || !v)
			return usage("options take positive numbers");
		if (!strcmp(argv[i - 1], "--clients") && v <= 4096)
			b.clients = v;
		else if (!strcmp(argv[i - 1], "--ops"))
			b.ops = v;
		else if (!strcmp(argv[i - 1], "--value-size") && v <= 1 << 20)
			b.vsize = v;
		else if (!strcmp(argv[i - 1], "--keys"))
			b.keys = v;
		else
			return usage("unknown option or value out of range");
	}
	if (!mode)
		return usage("put or get?");
	b.get = !strcmp(mode, "get");
	if (!endpoint || !(colon = strrchr(endpoint, ':')))
		return usage("--endpoint HOST:PORT is needed");
	*colon = 0;
	b.host = endpoint;
	b.port = colon + 1;
	cs = calloc(b.clients, sizeof(*cs));
	b.lat = calloc(b.ops > b.keys ? b.ops : b.keys, sizeof(*b.lat));
	if (!cs || !b.lat)
		return 1;
	for (i = 0; i < (int)b.clients; i++) {
		cs[i].b = &b;
		cs[i].fd = -1;
		if (client_open(&cs[i])) {
			fprintf(stderr, "etcd-bench: cannot reach %s:%s\n",
				b.host, b.port);
			goto out;
		}
	}
	if (b.get) {		/* write the keys the gets read */
		struct bench pre = b;

		pre.get = false;
		pre.ops = b.keys;
		if (run(cs, &pre) || pre.errors) {
			fprintf(stderr, "etcd-bench: writing the keys to read failed\n");
			goto out;
		}
		for (i = 0; i < (int)b.clients; i++)
			cs[i].b = &b;
	}
	t0 = now_ns();
	if (run(cs, &b))
		goto out;
	elapsed = now_ns() - t0;
	lat_sort(b.lat, b.ops);
	printf("{\"system\":\"etcd\",\"workload\":\"%s\",\"clients\":%u,\"ops\":%" PRIu64
	       ",\"value_size\":%u,\"serializable\":%s,\"seconds\":%.3f"
	       ",\"ops_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f"
	       ",\"p999_ms\":%.3f,\"errors\":%" PRIu64 "}\n",
	       mode, b.clients, b.ops, b.vsize,
	       b.serializable ? "true" : "false", elapsed / 1e9,
	       b.ops / (elapsed / 1e9), lat_pct_ms(b.lat, b.ops, 50),
	       lat_pct_ms(b.lat, b.ops, 99), lat_pct_ms(b.lat, b.ops, 99.9), b.errors);
	ret = b.errors ? 1 : 0;
out:
	for (i = 0; i < (int)b.clients; i++)
		client_close(&cs[i]);
	free(cs);
	free(b.lat);
	return ret;
}
