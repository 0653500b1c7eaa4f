// SPDX-License-Identifier: GPL-2.0
/*
 * transport.c - a node's TCP transport. One connection per peer pair: the
 * node with the lower id dials (reconnecting with backoff), the other
 * accepts. Each connection starts with a handshake: HELLO (protocol
 * version, cluster, sender and receiver ids, a fresh nonce) both ways,
 * then AUTH both ways, an HMAC-SHA256 over both nonces under the
 * cluster's key (all zeros, and not checked, when the cluster has none).
 * Only then are MSG frames exchanged. Every frame carries its length and a
 * CRC32C; a bad frame closes the connection, and so does data left
 * unacknowledged for a second (TCP_USER_TIMEOUT, keepalive). Unsent frames
 * per peer are bounded; past the bound they are dropped (Raft resends) and
 * counted.
 *
 * The node's loop does the socket work of messages itself, which saves a
 * thread's wakeup each way of each hop: a message sent to a connection
 * with nothing queued goes straight to the socket from the caller's buffer
 * (what it does not take is copied and queued for the connection's send
 * work), and a handshaken connection with data to read is put on
 * @rx_ready, and the loop woken to read it (kraft_tp_receive()). The rest
 * runs on the transport's workqueue: the handshake, queued sends,
 * accepting and dialing, EOF. Socket callbacks (softirq, or process
 * context with BHs on) only list, wake or queue work. A connection's
 * callbacks are unhooked when it is killed (so nothing queues work for it
 * afterwards, not even while the workqueue drains at stop), and it leaves
 * @rx_ready. Its release work waits for its receive and send works and
 * shuts the socket down; the last reference (the release work's, or the
 * loop's while in the socket) frees it.
 *
 * Locks, in order: a connection's rx_mutex or tx_mutex (whoever reads or
 * writes its socket), then tp->lock (spinlock: peers, the connection list,
 * counters), then a connection's lock (spinlock: its send queue), a
 * socket's sk_callback_lock (write side, to unhook a killed connection) or
 * tp->rx_lock (spinlock, BHs off: @rx_ready). Socket callbacks take
 * sk_callback_lock (read side), then tp->rx_lock.
 */
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <crypto/hash.h>
#include <crypto/algapi.h>

#include "transport.h"
#include "addrbook.h"
#include "trace.h"

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

/**
 * kraft_tp_parse_addr() - parse "A.B.C.D:PORT" or "[V6]:PORT"
 * @s: the string
 * @ss: the address
 *
 * Return: 0 or -EINVAL.
 */
int kraft_tp_parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *colon, *end;
	u16 port;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(s, ':');
	if (!colon || kstrtou16(colon + 1, 10, &port) || !port)
		return -EINVAL;
	if (s[0] == '[') {
		if (colon == s || colon[-1] != ']' ||
		    !in6_pton(s + 1, colon - 1 - (s + 1), in6->sin6_addr.s6_addr,
			      -1, &end) || end != colon - 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	if (!in4_pton(s, colon - s, (u8 *)&in4->sin_addr.s_addr, -1, &end) ||
	    end != colon)
		return -EINVAL;
	in4->sin_family = AF_INET;
	in4->sin_port = htons(port);
	return 0;
}

static int addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					   sizeof(struct sockaddr_in);
}

void kraft_frame_free(struct kraft_frame *f)
{
	kvfree(f);
}

/* Fill @h, the header of a frame of @len bytes of @payload (CRC over both) */
static void frame_header(u8 *h, u8 type, const void *payload, u32 len)
{
	u32 crc;

	put_unaligned_le32(FRAME_MAGIC, h);
	h[4] = type;
	h[5] = KRAFT_TP_VERSION;
	put_unaligned_le16(0, h + 6);
	put_unaligned_le32(len, h + 8);
	crc = kraft_crc32c(~0u, h, 12);
	crc = kraft_crc32c(crc, payload, len);
	put_unaligned_le32(crc, h + 12);
}

/* A frame to queue: @hdr and @len bytes of @payload, the first @off sent. */
static struct kraft_frame *frame_new(const u8 *hdr, const void *payload,
				     u32 len, u32 off)
{
	struct kraft_frame *f;

	f = kvmalloc(struct_size(f, data, FRAME_HDR + len), GFP_KERNEL);
	if (!f)
		return NULL;
	f->len = FRAME_HDR + len;
	f->off = off;
	memcpy(f->data, hdr, FRAME_HDR);
	memcpy(f->data + FRAME_HDR, payload, len);
	return f;
}

static struct tp_peer *find_peer(struct kraft_tp *tp, u64 id)
{
	int i;

	for (i = 0; i < KRAFT_BOOK_MAX; i++)
		if (id && tp->peers[i].id == id)
			return &tp->peers[i];
	return NULL;
}

/* --- connection lifetime --------------------------------------------- */

static void restore_callbacks(struct kraft_tp *tp, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = tp->def_data_ready;
	sk->sk_write_space = tp->def_write_space;
	sk->sk_state_change = tp->def_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Drop a reference to @c; the last frees it (process context). */
static void conn_put(struct kraft_conn *c)
{
	struct kraft_frame *f, *tmp;

	if (!refcount_dec_and_test(&c->ref))
		return;
	/* a sender may have queued it after the release work cancelled it */
	cancel_work_sync(&c->tx_work);
	sock_release(c->sock);
	list_for_each_entry_safe(f, tmp, &c->txq, link)
		kraft_frame_free(f);
	if (c->rx)
		kraft_frame_free(c->rx);
	mutex_destroy(&c->tx_mutex);
	mutex_destroy(&c->rx_mutex);
	kfree(c);
}

static void conn_release(struct work_struct *w)
{
	struct kraft_conn *c = container_of(w, struct kraft_conn, release);

	cancel_work_sync(&c->rx_work);
	cancel_work_sync(&c->tx_work);
	/* a sender still in the socket gets an error, and puts last */
	kernel_sock_shutdown(c->sock, SHUT_RDWR);
	conn_put(c);
}

/* Under tp->lock. */
static void redial(struct kraft_tp *tp, struct tp_peer *p)
{
	if (tp->stopping || !p->id)
		return;
	queue_delayed_work(tp->wq, &p->dial, msecs_to_jiffies(p->backoff_ms));
	p->backoff_ms = min(p->backoff_ms * 2, (u32)BACKOFF_MAX_MS);
}

/* Under tp->lock: unlink @c and queue its release. */
static void conn_kill_locked(struct kraft_conn *c)
{
	struct kraft_tp *tp = c->tp;
	struct tp_peer *p;

	if (c->dead)
		return;
	c->dead = true;
	/* from here on no socket callback queues work for @c or lists it */
	restore_callbacks(tp, c->sock->sk);
	spin_lock_bh(&tp->rx_lock);
	list_del_init(&c->rx_link);
	spin_unlock_bh(&tp->rx_lock);
	list_del(&c->link);
	tp->n_conns--;
	p = find_peer(tp, c->peer);
	if (p && p->conn == c) {
		p->conn = NULL;
		pr_info("%s: peer %llu disconnected\n", tp->cfg.name, p->id);
		trace_kraft_peer(tp->cfg.name, p->id, false);
	}
	if (c->dialed && c->dialed->id)
		redial(tp, c->dialed);
	queue_work(tp->wq, &c->release);
}

static void conn_kill(struct kraft_conn *c)
{
	struct kraft_tp *tp = c->tp;

	spin_lock(&tp->lock);
	conn_kill_locked(c);
	spin_unlock(&tp->lock);
}

static void conn_bad(struct kraft_conn *c, const char *why)
{
	struct kraft_tp *tp = c->tp;

	spin_lock(&tp->lock);
	tp->stats.bad++;
	spin_unlock(&tp->lock);
	net_info_ratelimited("%s: closing a connection (peer %llu): %s\n",
			     tp->cfg.name, c->peer, why);
	conn_kill(c);
}

/* --- socket callbacks (softirq) ------------------------------------- */

/* List @c for the loop's kraft_tp_receive() unless it is (or is dead). */
static void conn_list_rx(struct kraft_conn *c)
{
	struct kraft_tp *tp = c->tp;

	spin_lock_bh(&tp->rx_lock);
	if (list_empty(&c->rx_link) && !READ_ONCE(c->dead))
		list_add_tail(&c->rx_link, &tp->rx_ready);
	spin_unlock_bh(&tp->rx_lock);
}

static void conn_data_ready(struct sock *sk)
{
	struct kraft_conn *c;

	read_lock_bh(&sk->sk_callback_lock);
	c = sk->sk_user_data;
	if (c && READ_ONCE(c->state) == CONN_UP) {
		conn_list_rx(c);
		c->tp->cfg.wake(c->tp->cfg.owner);
	} else if (c) {
		queue_work(c->tp->wq, &c->rx_work);	/* the handshake */
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void conn_write_space(struct sock *sk)
{
	struct kraft_conn *c;

	read_lock_bh(&sk->sk_callback_lock);
	c = sk->sk_user_data;
	if (c && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		queue_work(c->tp->wq, &c->tx_work);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void conn_state_change(struct sock *sk)
{
	struct kraft_conn *c;

	read_lock_bh(&sk->sk_callback_lock);
	c = sk->sk_user_data;
	if (c && sk->sk_state != TCP_ESTABLISHED)
		queue_work(c->tp->wq, &c->rx_work);	/* sees EOF */
	read_unlock_bh(&sk->sk_callback_lock);
}

static void listen_data_ready(struct sock *sk)
{
	struct kraft_tp *tp;

	read_lock_bh(&sk->sk_callback_lock);
	tp = sk->sk_user_data;
	if (tp && sk->sk_state == TCP_LISTEN)
		queue_work(tp->wq, &tp->accept);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* --- sending ---------------------------------------------------------- */

/*
 * Queue @f on @c, at the end within the queue's bounds, or @first in line
 * past them: the rest of a frame partly written must go before anything
 * else, and must not be dropped (the stream would stop mid-frame).
 * Return: 0 (@f is the queue's), or -ENOBUFS: the queue is full and @f
 * still the caller's (freed outside spinlocks: kvfree may sleep).
 */
static int conn_queue(struct kraft_conn *c, struct kraft_frame *f, bool first)
{
	int err = 0;

	spin_lock(&c->lock);
	if (first)
		list_add(&f->link, &c->txq);
	else if (c->tx_bytes + f->len > KRAFT_TP_QUEUE_BYTES ||
		 c->tx_frames >= KRAFT_TP_QUEUE_FRAMES)
		err = -ENOBUFS;
	else
		list_add_tail(&f->link, &c->txq);
	if (!err) {
		c->tx_bytes += f->len;
		c->tx_frames++;
	}
	spin_unlock(&c->lock);
	if (!err)
		queue_work(c->tp->wq, &c->tx_work);
	return err;
}

static int conn_send_frame(struct kraft_conn *c, u8 type, const void *p,
			   u32 len)
{
	struct kraft_frame *f;
	u8 hdr[FRAME_HDR];
	int err;

	frame_header(hdr, type, p, len);
	f = frame_new(hdr, p, len, 0);
	if (!f)
		return -ENOMEM;
	err = conn_queue(c, f, false);
	if (err)
		kraft_frame_free(f);
	return err;
}

/* Write what the socket takes of @f's unsent bytes; under tx_mutex. */
static int conn_write(struct kraft_conn *c, struct kraft_frame *f)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = {
		.iov_base = f->data + f->off,
		.iov_len = f->len - f->off,
	};
	int n = kernel_sendmsg(c->sock, &msg, &iov, 1, iov.iov_len);

	if (n > 0)
		f->off += n;
	return n;
}

static void conn_tx(struct work_struct *w)
{
	struct kraft_conn *c = container_of(w, struct kraft_conn, tx_work);
	struct kraft_frame *f;
	int n;

	mutex_lock(&c->tx_mutex);
	for (;;) {
		spin_lock(&c->lock);
		f = list_first_entry_or_null(&c->txq, struct kraft_frame, link);
		spin_unlock(&c->lock);
		if (!f || READ_ONCE(c->dead))
			break;
		n = conn_write(c, f);
		if (n == -EAGAIN)
			break;		/* write_space queues us again */
		if (n <= 0) {
			conn_kill(c);
			break;
		}
		if (f->off < f->len)
			continue;
		spin_lock(&c->lock);
		list_del(&f->link);
		c->tx_bytes -= f->len;
		c->tx_frames--;
		spin_unlock(&c->lock);
		kraft_frame_free(f);
	}
	mutex_unlock(&c->tx_mutex);
}

/*
 * Send the frame of @hdr and @len bytes of @payload on @c from the caller
 * when nothing is queued before it and no one else is writing; what the
 * socket does not take is copied and queued first in line. Return: 0
 * (sent or queued), 1 (not tried: the caller queues it), -ENOMEM (nothing
 * sent), or -EPIPE (the connection failed and is killed).
 */
static int conn_send_now(struct kraft_conn *c, const u8 *hdr,
			 const void *payload, u32 len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov[2] = {
		{ .iov_base = (void *)hdr, .iov_len = FRAME_HDR },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct kraft_frame *f;
	int n, err = 0;
	bool idle;

	if (!mutex_trylock(&c->tx_mutex))
		return 1;
	spin_lock(&c->lock);
	idle = list_empty(&c->txq);
	spin_unlock(&c->lock);
	if (!idle || READ_ONCE(c->dead)) {
		mutex_unlock(&c->tx_mutex);
		return 1;
	}
	n = kernel_sendmsg(c->sock, &msg, iov, 2, FRAME_HDR + len);
	if (n == -EAGAIN)
		n = 0;
	if (n >= 0 && n < FRAME_HDR + len) {
		f = frame_new(hdr, payload, len, n);
		if (f)
			conn_queue(c, f, true);
		else if (n)
			n = -ENOMEM;	/* cut short on the wire: kill */
		else
			err = -ENOMEM;
	}
	mutex_unlock(&c->tx_mutex);
	if (n < 0) {
		conn_kill(c);
		return -EPIPE;
	}
	return err;
}

/* --- handshake --------------------------------------------------------- */

static int compute_mac(struct kraft_tp *tp, u64 from, u64 to,
		       const u8 *from_nonce, const u8 *to_nonce, u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, tp->hmac);
	u8 ids[16];
	int err;

	if (!tp->hmac) {
		memset(mac, 0, MAC_LEN);
		return 0;
	}
	put_unaligned_le64(from, ids);
	put_unaligned_le64(to, ids + 8);
	desc->tfm = tp->hmac;
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, "kraft-auth-v1", 13) ?:
	      crypto_shash_update(desc, tp->cluster, KRAFT_DL_NAME_MAX) ?:
	      crypto_shash_update(desc, ids, sizeof(ids)) ?:
	      crypto_shash_update(desc, from_nonce, NONCE_LEN) ?:
	      crypto_shash_update(desc, to_nonce, NONCE_LEN) ?:
	      crypto_shash_final(desc, mac);
	shash_desc_zero(desc);
	return err;
}

static int send_hello(struct kraft_conn *c)
{
	u8 p[HELLO_LEN] = { 0 };

	put_unaligned_le32(KRAFT_TP_VERSION, p);
	put_unaligned_le64(c->tp->cfg.self, p + 8);
	put_unaligned_le64(c->peer, p + 16);
	memcpy(p + 24, c->nonce, NONCE_LEN);
	memcpy(p + 24 + NONCE_LEN, c->tp->cluster, KRAFT_DL_NAME_MAX);
	c->sent_hello = true;
	return conn_send_frame(c, FRAME_HELLO, p, sizeof(p));
}

static int on_hello(struct kraft_conn *c, const u8 *p, u32 len)
{
	struct kraft_tp *tp = c->tp;
	u64 from, to;
	u8 mac[MAC_LEN];
	int err;

	if (c->state != CONN_HELLO || len != HELLO_LEN)
		return -EPROTO;
	if (get_unaligned_le32(p) != KRAFT_TP_VERSION)
		return -EPROTONOSUPPORT;
	from = get_unaligned_le64(p + 8);
	to = get_unaligned_le64(p + 16);
	if (memcmp(p + 24 + NONCE_LEN, tp->cluster, KRAFT_DL_NAME_MAX))
		return -EBADE;		/* another cluster */
	if (to != tp->cfg.self || (c->dialed && from != c->dialed->id))
		return -EBADE;
	spin_lock(&tp->lock);
	err = find_peer(tp, from) && from != tp->cfg.self ? 0 : -EBADE;
	spin_unlock(&tp->lock);
	if (err)
		return err;		/* not a member we know */
	c->peer = from;
	memcpy(c->peer_nonce, p + 24, NONCE_LEN);
	if (!c->sent_hello) {
		err = send_hello(c);
		if (err)
			return err;
	}
	err = compute_mac(tp, tp->cfg.self, from, c->nonce, c->peer_nonce,
			  mac);
	if (!err)
		err = conn_send_frame(c, FRAME_AUTH, mac, sizeof(mac));
	WRITE_ONCE(c->state, CONN_AUTH);
	return err;
}

static int on_auth(struct kraft_conn *c, const u8 *p, u32 len)
{
	struct kraft_tp *tp = c->tp;
	struct kraft_conn *old = NULL;
	struct tp_peer *pr;
	u8 mac[MAC_LEN];
	int err;

	if (c->state != CONN_AUTH || len != MAC_LEN)
		return -EPROTO;
	err = compute_mac(tp, c->peer, tp->cfg.self, c->peer_nonce, c->nonce,
			  mac);
	if (err)
		return err;
	if (tp->hmac && crypto_memneq(mac, p, MAC_LEN))
		return -EKEYREJECTED;
	spin_lock(&tp->lock);
	pr = find_peer(tp, c->peer);
	if (!pr || c->dead) {
		spin_unlock(&tp->lock);
		return -EBADE;
	}
	old = pr->conn;
	if (old)	/* the peer restarted and dialed again: the new wins */
		conn_kill_locked(old);
	pr->conn = c;
	pr->backoff_ms = BACKOFF_MIN_MS;
	WRITE_ONCE(c->state, CONN_UP);
	spin_unlock(&tp->lock);
	pr_info("%s: peer %llu connected\n", tp->cfg.name, c->peer);
	trace_kraft_peer(tp->cfg.name, c->peer, true);
	return 0;
}

/* --- receiving --------------------------------------------------------- */

/* Return: bytes read, 0 on EOF, -EAGAIN, or an error. */
static int conn_read(struct kraft_conn *c, void *buf, u32 len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(c->sock, &msg, &iov, 1, len, msg.msg_flags);
}

static int rx_header(struct kraft_conn *c)
{
	u32 len;

	if (get_unaligned_le32(c->hdr) != FRAME_MAGIC ||
	    c->hdr[5] != KRAFT_TP_VERSION || get_unaligned_le16(c->hdr + 6))
		return -EPROTO;
	c->type = c->hdr[4];
	len = get_unaligned_le32(c->hdr + 8);
	if (c->type < FRAME_HELLO || c->type > FRAME_MSG ||
	    len > KRAFT_TP_MAX_FRAME)
		return -EPROTO;
	if (c->type != FRAME_MSG && len > HELLO_LEN)
		return -EPROTO;
	if (c->type == FRAME_MSG && c->state != CONN_UP)
		return -EACCES;	/* nothing allocated for strangers */
	c->crc = kraft_crc32c(~0u, c->hdr, 12);
	c->rx = kvmalloc(struct_size(c->rx, data, len), GFP_KERNEL);
	if (!c->rx)
		return -ENOMEM;
	c->rx->len = len;
	c->rx->off = 0;
	c->rx->from = c->peer;
	return 0;
}

static int rx_frame(struct kraft_conn *c)
{
	struct kraft_tp *tp = c->tp;
	struct kraft_frame *f = c->rx;
	int err = 0;

	if (kraft_crc32c(c->crc, f->data, f->len) !=
	    get_unaligned_le32(c->hdr + 12))
		return -EBADMSG;
	c->rx = NULL;
	c->hdr_got = 0;
	switch (c->type) {
	case FRAME_HELLO:
		err = on_hello(c, f->data, f->len);
		break;
	case FRAME_AUTH:
		err = on_auth(c, f->data, f->len);
		break;
	case FRAME_MSG:
		f->from = c->peer;
		tp->cfg.deliver(tp->cfg.owner, f);
		return 0;
	}
	kraft_frame_free(f);
	return err;
}

/*
 * Read and handle what @c's socket has, under rx_mutex. Return: false when
 * the budget ran out with more maybe waiting, true otherwise.
 */
static bool conn_rx_some(struct kraft_conn *c)
{
	int n, budget = 64;

	while (!READ_ONCE(c->dead)) {
		if (c->hdr_got < FRAME_HDR) {
			n = conn_read(c, c->hdr + c->hdr_got,
				      FRAME_HDR - c->hdr_got);
			if (n <= 0)
				goto stop;
			c->hdr_got += n;
			if (c->hdr_got < FRAME_HDR)
				continue;
			n = rx_header(c);
			if (n == -ENOMEM) {
				conn_kill(c);	/* not the peer's fault */
				return true;
			}
			if (n) {
				conn_bad(c, n == -EACCES ?
					 "message before the handshake" :
					 "bad frame header");
				return true;
			}
		}
		if (c->rx->off < c->rx->len) {
			n = conn_read(c, c->rx->data + c->rx->off,
				      c->rx->len - c->rx->off);
			if (n <= 0)
				goto stop;
			c->rx->off += n;
			if (c->rx->off < c->rx->len)
				continue;
		}
		n = rx_frame(c);
		if (n) {
			conn_bad(c, n == -EBADMSG ? "checksum mismatch" :
				 n == -EKEYREJECTED ? "authentication failed" :
				 "handshake refused");
			return true;
		}
		if (!--budget)	/* let others run */
			return false;
	}
	return true;
stop:
	if (n != -EAGAIN)	/* else data_ready calls again */
		conn_kill(c);	/* EOF or error */
	return true;
}

static void conn_rx(struct work_struct *w)
{
	struct kraft_conn *c = container_of(w, struct kraft_conn, rx_work);
	bool done;

	mutex_lock(&c->rx_mutex);
	done = conn_rx_some(c);
	mutex_unlock(&c->rx_mutex);
	if (!done)
		queue_work(c->tp->wq, &c->rx_work);
}

/* --- connections -------------------------------------------------------- */

/* Adopt @sock (connected): set it up, list it, start the handshake. */
static int conn_add(struct kraft_tp *tp, struct socket *sock,
		    struct tp_peer *dialed)
{
	struct sock *sk = sock->sk;
	struct kraft_conn *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->tp = tp;
	c->sock = sock;
	c->dialed = dialed;
	c->peer = dialed ? dialed->id : 0;
	c->state = CONN_HELLO;
	get_random_bytes(c->nonce, NONCE_LEN);
	refcount_set(&c->ref, 1);
	mutex_init(&c->tx_mutex);
	mutex_init(&c->rx_mutex);
	INIT_LIST_HEAD(&c->rx_link);
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->txq);
	INIT_WORK(&c->rx_work, conn_rx);
	INIT_WORK(&c->tx_work, conn_tx);
	INIT_WORK(&c->release, conn_release);
	tcp_sock_set_nodelay(sk);
	/*
	 * A partition stalls a connection and TCP's retransmission backoff
	 * would keep it stalled for long after the heal: give up on data
	 * unacknowledged for STALL_MS (and on a silent idle peer) and
	 * reconnect with a fresh connection.
	 */
	tcp_sock_set_user_timeout(sk, STALL_MS);
	sock_set_keepalive(sk);
	tcp_sock_set_keepidle(sk, 1);
	tcp_sock_set_keepintvl(sk, 1);
	tcp_sock_set_keepcnt(sk, 2);
	sk->sk_allocation = GFP_NOFS;

	spin_lock(&tp->lock);
	if (tp->stopping || tp->n_conns >= MAX_CONNS) {
		tp->stats.dropped++;
		spin_unlock(&tp->lock);
		kfree(c);
		return -EBUSY;
	}
	list_add_tail(&c->link, &tp->conns);
	tp->n_conns++;
	/* hooked under tp->lock: a kill (which unhooks) comes after */
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = c;
	sk->sk_data_ready = conn_data_ready;
	sk->sk_write_space = conn_write_space;
	sk->sk_state_change = conn_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	spin_unlock(&tp->lock);

	queue_work(tp->wq, &c->rx_work);	/* before any kill */
	if (dialed && send_hello(c))
		conn_kill(c);
	return 0;
}

static void tp_accept(struct work_struct *w)
{
	struct kraft_tp *tp = container_of(w, struct kraft_tp, accept);
	struct socket *sock;

	while (!READ_ONCE(tp->stopping) &&
	       !kernel_accept(tp->listen, &sock, O_NONBLOCK)) {
		if (conn_add(tp, sock, NULL)) {
			restore_callbacks(tp, sock->sk);
			sock_release(sock);
		}
	}
}

static void tp_dial(struct work_struct *w)
{
	struct tp_peer *p = container_of(to_delayed_work(w), struct tp_peer,
					 dial);
	struct kraft_tp *tp = p->tp;
	struct sockaddr_storage addr;
	struct socket *sock;
	int err;

	spin_lock(&tp->lock);
	addr = p->addr;
	err = tp->stopping || !p->id || p->conn ? -ECANCELED : 0;
	spin_unlock(&tp->lock);
	if (err)
		return;
	err = sock_create_kern(tp->cfg.net, addr.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err)
		goto retry;
	sock->sk->sk_sndtimeo = HZ;	/* bounds the connect */
	err = kernel_connect(sock, (struct sockaddr *)&addr, addr_len(&addr),
			     0);
	if (!err) {
		sock->sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
		err = conn_add(tp, sock, p);
		if (!err)
			return;	/* a dead connection redials */
		restore_callbacks(tp, sock->sk);
	}
	sock_release(sock);
retry:
	spin_lock(&tp->lock);
	redial(tp, p);
	spin_unlock(&tp->lock);
}

/* --- peers ---------------------------------------------------------------- */

/**
 * kraft_tp_set_peer() - add a peer or change its address
 * @tp: the transport
 * @id: the peer's id (not this node's)
 * @addr: "HOST:PORT"
 *
 * Return: 0, -EINVAL (bad address), -ENOSPC (no room).
 */
int kraft_tp_set_peer(struct kraft_tp *tp, u64 id, const char *addr)
{
	struct sockaddr_storage ss;
	struct tp_peer *p;
	int err = 0;

	if (!id || id == tp->cfg.self || kraft_tp_parse_addr(addr, &ss))
		return -EINVAL;
	spin_lock(&tp->lock);
	p = find_peer(tp, id);
	if (!p) {
		int i;

		for (i = 0; i < KRAFT_BOOK_MAX && tp->peers[i].id; i++)
			;
		p = i < KRAFT_BOOK_MAX ? &tp->peers[i] : NULL;
	}
	if (!p) {
		err = -ENOSPC;
	} else {
		p->id = id;
		p->addr = ss;
		p->backoff_ms = BACKOFF_MIN_MS;
		if (tp->cfg.self < id)
			queue_delayed_work(tp->wq, &p->dial, 0);
	}
	spin_unlock(&tp->lock);
	return err;
}

/**
 * kraft_tp_remove_peer() - forget a peer and close its connection
 * @tp: the transport
 * @id: the peer
 */
void kraft_tp_remove_peer(struct kraft_tp *tp, u64 id)
{
	struct kraft_conn *c, *tmp;
	struct tp_peer *p;

	spin_lock(&tp->lock);
	p = find_peer(tp, id);
	if (p)
		p->id = 0;
	list_for_each_entry_safe(c, tmp, &tp->conns, link)
		if (c->peer == id)
			conn_kill_locked(c);
	if (p)
		p->conn = NULL;
	spin_unlock(&tp->lock);
	if (p)
		cancel_delayed_work_sync(&p->dial);
}

/**
 * kraft_tp_send() - send a message to a peer
 * @tp: the transport
 * @to: the peer
 * @buf: the encoded message
 * @len: its length
 *
 * Process context (it may write to the socket itself); not concurrently
 * with kraft_tp_stop().
 *
 * Return: 0 (sent or queued), -ENOTCONN (no handshaken connection: Raft
 * resends), -EPIPE (the connection failed on this send), -ENOBUFS (queue
 * full; counted as dropped), -ENOMEM, -EMSGSIZE.
 */
int kraft_tp_send(struct kraft_tp *tp, u64 to, const void *buf, u32 len)
{
	struct kraft_frame *f;
	struct kraft_conn *c;
	u8 hdr[FRAME_HDR];
	struct tp_peer *p;
	int err;

	if (len > KRAFT_TP_MAX_FRAME)
		return -EMSGSIZE;
	spin_lock(&tp->lock);
	p = find_peer(tp, to);
	c = p ? p->conn : NULL;
	if (!c) {
		spin_unlock(&tp->lock);
		return -ENOTCONN;
	}
	refcount_inc(&c->ref);	/* alive: its kill is what clears p->conn */
	spin_unlock(&tp->lock);
	/* the checksum only for a peer there is a connection to */
	frame_header(hdr, FRAME_MSG, buf, len);
	err = conn_send_now(c, hdr, buf, len);
	if (err == 1) {
		f = frame_new(hdr, buf, len, 0);
		err = f ? conn_queue(c, f, false) : -ENOMEM;
		if (err == -ENOBUFS) {
			spin_lock(&tp->lock);
			tp->stats.dropped++;
			spin_unlock(&tp->lock);
		}
		if (err)
			kraft_frame_free(f);
	}
	conn_put(c);
	return err;
}

/**
 * kraft_tp_rx_pending() - whether kraft_tp_receive() has work
 * @tp: the transport
 *
 * Return: true when a connection has data to read (a racy hint: the
 * caller sleeps on a condition that calls this, and is woken by
 * &kraft_tp_config.wake after a connection is listed).
 */
bool kraft_tp_rx_pending(struct kraft_tp *tp)
{
	return !list_empty(&tp->rx_ready);
}

/**
 * kraft_tp_receive() - read the handshaken connections that have data
 * @tp: the transport
 *
 * Hands each whole message frame read to &kraft_tp_config.deliver. A
 * connection with more than a budget's worth of frames is listed again
 * for the next call. Process context, one caller at a time (the node's
 * loop); not concurrently with kraft_tp_stop().
 */
void kraft_tp_receive(struct kraft_tp *tp)
{
	struct kraft_conn *c;
	LIST_HEAD(batch);
	bool done;

	spin_lock_bh(&tp->rx_lock);
	list_splice_init(&tp->rx_ready, &batch);
	spin_unlock_bh(&tp->rx_lock);
	for (;;) {
		/* a kill takes @c off @batch under rx_lock too */
		spin_lock_bh(&tp->rx_lock);
		c = list_first_entry_or_null(&batch, struct kraft_conn,
					     rx_link);
		if (c) {
			list_del_init(&c->rx_link);
			refcount_inc(&c->ref);	/* listed: not released */
		}
		spin_unlock_bh(&tp->rx_lock);
		if (!c)
			return;
		mutex_lock(&c->rx_mutex);
		done = conn_rx_some(c);
		mutex_unlock(&c->rx_mutex);
		if (!done)
			conn_list_rx(c);
		conn_put(c);
	}
}

bool kraft_tp_connected(struct kraft_tp *tp, u64 id)
{
	struct tp_peer *p;
	bool up;

	spin_lock(&tp->lock);
	p = find_peer(tp, id);
	up = p && p->conn;
	spin_unlock(&tp->lock);
	return up;
}

void kraft_tp_get_stats(struct kraft_tp *tp, struct kraft_tp_stats *s)
{
	spin_lock(&tp->lock);
	*s = tp->stats;
	spin_unlock(&tp->lock);
}

/* --- start and stop ----------------------------------------------------- */

static int tp_listen(struct kraft_tp *tp)
{
	struct sockaddr_storage *a = &tp->cfg.listen;
	struct sock *sk;
	int err;

	err = sock_create_kern(tp->cfg.net, a->ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &tp->listen);
	if (err)
		return err;
	sk = tp->listen->sk;
	sock_set_reuseaddr(sk);
	err = kernel_bind(tp->listen, (struct sockaddr *)a, addr_len(a));
	if (!err)
		err = kernel_listen(tp->listen, 16);
	if (err) {
		sock_release(tp->listen);
		tp->listen = NULL;
		return err;
	}
	write_lock_bh(&sk->sk_callback_lock);
	tp->def_data_ready = sk->sk_data_ready;
	tp->def_write_space = sk->sk_write_space;
	tp->def_state_change = sk->sk_state_change;
	sk->sk_user_data = tp;
	sk->sk_data_ready = listen_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

/**
 * kraft_tp_start() - listen and start dialing
 * @cfg: the configuration (copied; @cfg->net must outlive the transport)
 * @out: the transport
 *
 * Peers are added with kraft_tp_set_peer().
 *
 * Return: 0, -EADDRINUSE, -EADDRNOTAVAIL, -ENOMEM, or another errno from
 * the socket layer or the crypto API.
 */
int kraft_tp_start(const struct kraft_tp_config *cfg, struct kraft_tp **out)
{
	struct kraft_tp *tp;
	int i, err = -ENOMEM;

	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	tp->cfg = *cfg;
	strscpy(tp->cluster, cfg->cluster, sizeof(tp->cluster));
	spin_lock_init(&tp->lock);
	spin_lock_init(&tp->rx_lock);
	INIT_LIST_HEAD(&tp->rx_ready);
	INIT_LIST_HEAD(&tp->conns);
	INIT_WORK(&tp->accept, tp_accept);
	for (i = 0; i < KRAFT_BOOK_MAX; i++) {
		tp->peers[i].tp = tp;
		INIT_DELAYED_WORK(&tp->peers[i].dial, tp_dial);
	}
	tp->wq = alloc_workqueue("kraft_tp_%s", WQ_UNBOUND | WQ_MEM_RECLAIM,
				 0, cfg->name);
	if (!tp->wq)
		goto err_free;
	if (cfg->key_len) {
		tp->hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(tp->hmac)) {
			err = PTR_ERR(tp->hmac);
			tp->hmac = NULL;
			goto err_wq;
		}
		err = crypto_shash_setkey(tp->hmac, cfg->key, cfg->key_len);
		if (err)
			goto err_hmac;
	}
	err = tp_listen(tp);
	if (err)
		goto err_hmac;
	*out = tp;
	return 0;

err_hmac:
	crypto_free_shash(tp->hmac);
err_wq:
	destroy_workqueue(tp->wq);
err_free:
	kfree(tp);
	return err;
}

/**
 * kraft_tp_stop() - close every connection and free the transport
 * @tp: the transport
 *
 * Frames not yet sent are dropped. No callback runs after this returns.
 */
void kraft_tp_stop(struct kraft_tp *tp)
{
	struct kraft_conn *c, *tmp;
	int i;

	spin_lock(&tp->lock);
	tp->stopping = true;
	spin_unlock(&tp->lock);
	restore_callbacks(tp, tp->listen->sk);
	cancel_work_sync(&tp->accept);
	for (i = 0; i < KRAFT_BOOK_MAX; i++)
		cancel_delayed_work_sync(&tp->peers[i].dial);
	spin_lock(&tp->lock);
	list_for_each_entry_safe(c, tmp, &tp->conns, link)
		conn_kill_locked(c);	/* clears each peer's connection */
	spin_unlock(&tp->lock);
	destroy_workqueue(tp->wq);	/* runs the releases */
	sock_release(tp->listen);
	crypto_free_shash(tp->hmac);
	kfree(tp);
}
