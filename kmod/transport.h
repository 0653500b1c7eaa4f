/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transport.h - a node's TCP transport: one connection per peer pair,
 * framed, checksummed, handshaken and (with a cluster key) authenticated.
 * See kmod/transport.c (and conn.c, handshake.c) and docs/wire-format.md
 * ("Frames").
 */
#ifndef KRAFT_TRANSPORT_H
#define KRAFT_TRANSPORT_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/socket.h>

#include "raft.h"
#include "disklog.h"

struct net;
struct kraft_tp;

#define KRAFT_TP_VERSION	1
#define KRAFT_TP_MAX_FRAME	(8u << 20)	/* payload bytes */
#define KRAFT_TP_QUEUE_BYTES	(16u << 20)	/* per peer, unsent */
#define KRAFT_TP_QUEUE_FRAMES	4096u

/**
 * struct kraft_frame - a frame's bytes on a send or receive queue
 * @link: on a queue
 * @from: receive: the peer it came from
 * @len: bytes of @data
 * @off: send: bytes of @data already sent
 * @data: send: the wire header then the payload; receive: the payload
 */
struct kraft_frame {
	struct list_head link;
	u64 from;
	u32 len;
	u32 off;
	u8 data[];
};

/**
 * struct kraft_tp_config - what a transport needs from its node
 * @net: the network namespace of the node's sockets
 * @self: this node's id
 * @cluster: the cluster's name
 * @key: HMAC-SHA256 key, or NULL
 * @key_len: bytes of @key
 * @listen: the address to listen on
 * @name: for log lines ("kraft0")
 * @owner: passed back to @deliver and @wake
 * @deliver: takes a received message frame (and ownership of it); called
 *	from kraft_tp_receive() or the transport's workqueue; must not sleep
 * @wake: a connection has data for kraft_tp_receive(); called from socket
 *	callbacks (softirq, or process context with BHs on); must not sleep
 */
struct kraft_tp_config {
	struct net *net;
	u64 self;
	const char *cluster;
	const u8 *key;
	u32 key_len;
	struct sockaddr_storage listen;
	const char *name;
	void *owner;
	void (*deliver)(void *owner, struct kraft_frame *f);
	void (*wake)(void *owner);
};

/**
 * struct kraft_tp_stats - counters
 * @dropped: frames not sent (queue full) or not delivered (unauthenticated)
 * @bad: frames or handshakes that failed their checks
 */
struct kraft_tp_stats {
	u64 dropped;
	u64 bad;
};

int kraft_tp_parse_addr(const char *s, struct sockaddr_storage *ss);
int kraft_tp_start(const struct kraft_tp_config *cfg, struct kraft_tp **out);
void kraft_tp_stop(struct kraft_tp *tp);
int kraft_tp_set_peer(struct kraft_tp *tp, u64 id, const char *addr);
void kraft_tp_remove_peer(struct kraft_tp *tp, u64 id);
int kraft_tp_send(struct kraft_tp *tp, u64 to, const void *buf, u32 len);
bool kraft_tp_rx_pending(struct kraft_tp *tp);
void kraft_tp_receive(struct kraft_tp *tp);
bool kraft_tp_connected(struct kraft_tp *tp, u64 id);
void kraft_tp_get_stats(struct kraft_tp *tp, struct kraft_tp_stats *s);
void kraft_frame_free(struct kraft_frame *f);

#endif /* KRAFT_TRANSPORT_H */
