/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conn.h - the transport's insides, shared by its three files and by
 * nothing else in kraft (which uses transport.h): transport.c (peers,
 * dialing and accepting, the node's calls), conn.c (one connection:
 * frames, socket callbacks, sending, receiving) and handshake.c (HELLO
 * and AUTH). The lock order is in transport.c.
 */
#ifndef KRAFT_CONN_H
#define KRAFT_CONN_H

#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "transport.h"
#include "addrbook.h"

struct sock;
struct socket;

#define FRAME_MAGIC	0x5446524bu	/* "KRFT" little-endian */
#define FRAME_HDR	16
#define NONCE_LEN	16
#define MAC_LEN		32
#define HELLO_LEN	(8 + 8 + 8 + NONCE_LEN + KRAFT_DL_NAME_MAX)
#define MAX_CONNS	(4 * KRAFT_BOOK_MAX)
#define BACKOFF_MIN_MS	50
#define BACKOFF_MAX_MS	1000
#define STALL_MS	1000

enum { FRAME_HELLO = 1, FRAME_AUTH, FRAME_MSG };
enum { CONN_HELLO, CONN_AUTH, CONN_UP };

struct kraft_tp;

struct tp_peer {
	u64 id;			/* 0: free slot */
	struct sockaddr_storage addr;
	struct kraft_conn *conn;	/* the handshaken connection */
	struct delayed_work dial;
	u32 backoff_ms;
	struct kraft_tp *tp;
};

struct kraft_conn {
	struct list_head link;		/* tp->conns */
	struct kraft_tp *tp;
	struct socket *sock;
	u64 peer;			/* known after HELLO */
	struct tp_peer *dialed;		/* set when we dialed */
	int state;
	bool dead;
	bool sent_hello;
	u8 nonce[NONCE_LEN];
	u8 peer_nonce[NONCE_LEN];
	/* receive (under rx_mutex) */
	struct mutex rx_mutex;
	struct list_head rx_link;	/* on tp->rx_ready, or empty */
	u8 hdr[FRAME_HDR];
	u32 hdr_got;
	u8 type;
	u32 crc;
	struct kraft_frame *rx;
	/* send */
	refcount_t ref;		/* the release work's, and senders' */
	struct mutex tx_mutex;	/* held while writing to @sock */
	spinlock_t lock;
	struct list_head txq;
	u32 tx_bytes;
	u32 tx_frames;
	struct work_struct rx_work;
	struct work_struct tx_work;
	struct work_struct release;
};

struct kraft_tp {
	struct kraft_tp_config cfg;
	char cluster[KRAFT_DL_NAME_MAX];
	struct workqueue_struct *wq;
	struct crypto_shash *hmac;
	struct socket *listen;
	struct work_struct accept;
	void (*def_data_ready)(struct sock *sk);
	void (*def_write_space)(struct sock *sk);
	void (*def_state_change)(struct sock *sk);
	spinlock_t lock;
	bool stopping;
	spinlock_t rx_lock;
	struct list_head rx_ready;	/* connections for kraft_tp_receive() */
	struct list_head conns;
	u32 n_conns;
	struct tp_peer peers[KRAFT_BOOK_MAX];
	struct kraft_tp_stats stats;
};

/* transport.c; kraft_tp_find_peer() and kraft_tp_redial() under tp->lock */
struct tp_peer *kraft_tp_find_peer(struct kraft_tp *tp, u64 id);
void kraft_tp_redial(struct kraft_tp *tp, struct tp_peer *p);

/* conn.c */
void kraft_frame_header(u8 *h, u8 type, const void *payload, u32 len);
struct kraft_frame *kraft_frame_new(const u8 *hdr, const void *payload,
				    u32 len, u32 off);
void kraft_tp_restore_callbacks(struct kraft_tp *tp, struct sock *sk);
int kraft_conn_add(struct kraft_tp *tp, struct socket *sock,
		   struct tp_peer *dialed);
void kraft_conn_put(struct kraft_conn *c);
void kraft_conn_kill_locked(struct kraft_conn *c);
void kraft_conn_list_rx(struct kraft_conn *c);
bool kraft_conn_rx_some(struct kraft_conn *c);
int kraft_conn_queue(struct kraft_conn *c, struct kraft_frame *f, bool first);
int kraft_conn_send_frame(struct kraft_conn *c, u8 type, const void *p,
			  u32 len);
int kraft_conn_send_now(struct kraft_conn *c, const u8 *hdr,
			const void *payload, u32 len);

/* handshake.c */
int kraft_hs_send_hello(struct kraft_conn *c);
int kraft_hs_on_hello(struct kraft_conn *c, const u8 *p, u32 len);
int kraft_hs_on_auth(struct kraft_conn *c, const u8 *p, u32 len);

#endif /* KRAFT_CONN_H */
