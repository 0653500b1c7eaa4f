// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c - one connection of a node's transport (transport.c): its frames
 * (a 16-byte header with magic, type, version, length and a CRC32C over
 * header and payload; docs/wire-format.md), its socket callbacks, its send
 * queue and its receive state, and its lifetime.
 *
 * Socket callbacks (softirq, or process context with BHs on) only list,
 * wake or queue work. A connection's callbacks are unhooked when it is
 * killed (so nothing queues work for it afterwards, not even while the
 * workqueue drains at stop), and it leaves @rx_ready. Its release work
 * waits for its receive and send works and shuts the socket down; the last
 * reference (the release work's, or the loop's while in the socket) frees
 * it.
 *
 * Locks (the order is transport.c's): rx_mutex while reading the socket,
 * tx_mutex while writing it; tp->lock to kill or list a connection;
 * the connection's lock for its send queue; sk_callback_lock to hook and
 * unhook the callbacks; tp->rx_lock (BHs off) for @rx_ready.
 */
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "conn.h"
#include "trace.h"

void kraft_frame_free(struct kraft_frame *f)
{
	kvfree(f);
}

/* Fill @h, the header of a frame of @len bytes of @payload (CRC over both) */
void kraft_frame_header(u8 *h, u8 type, const void *payload, u32 len)
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
struct kraft_frame *kraft_frame_new(const u8 *hdr, const void *payload,
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

/* --- connection lifetime --------------------------------------------- */

void kraft_tp_restore_callbacks(struct kraft_tp *tp, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = tp->def_data_ready;
	sk->sk_write_space = tp->def_write_space;
	sk->sk_state_change = tp->def_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Drop a reference to @c; the last frees it (process context). */
void kraft_conn_put(struct kraft_conn *c)
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
	kraft_conn_put(c);
}

/* Under tp->lock: unlink @c and queue its release. */
void kraft_conn_kill_locked(struct kraft_conn *c)
{
	struct kraft_tp *tp = c->tp;
	struct tp_peer *p;

	if (c->dead)
		return;
	c->dead = true;
	/* from here on no socket callback queues work for @c or lists it */
	kraft_tp_restore_callbacks(tp, c->sock->sk);
	spin_lock_bh(&tp->rx_lock);
	list_del_init(&c->rx_link);
	spin_unlock_bh(&tp->rx_lock);
	list_del(&c->link);
	tp->n_conns--;
	p = kraft_tp_find_peer(tp, c->peer);
	if (p && p->conn == c) {
		p->conn = NULL;
		pr_info("%s: peer %llu disconnected\n", tp->cfg.name, p->id);
		trace_kraft_peer(tp->cfg.name, p->id, false);
	}
	if (c->dialed && c->dialed->id)
		kraft_tp_redial(tp, c->dialed);
	queue_work(tp->wq, &c->release);
}

static void conn_kill(struct kraft_conn *c)
{
	struct kraft_tp *tp = c->tp;

	spin_lock(&tp->lock);
	kraft_conn_kill_locked(c);
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
void kraft_conn_list_rx(struct kraft_conn *c)
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
		kraft_conn_list_rx(c);
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

/* --- sending ---------------------------------------------------------- */

/*
 * Queue @f on @c, at the end within the queue's bounds, or @first in line
 * past them: the rest of a frame partly written must go before anything
 * else, and must not be dropped (the stream would stop mid-frame).
 * Return: 0 (@f is the queue's), or -ENOBUFS: the queue is full and @f
 * still the caller's (freed outside spinlocks: kvfree may sleep).
 */
int kraft_conn_queue(struct kraft_conn *c, struct kraft_frame *f, bool first)
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

int kraft_conn_send_frame(struct kraft_conn *c, u8 type, const void *p,
			   u32 len)
{
	struct kraft_frame *f;
	u8 hdr[FRAME_HDR];
	int err;

	kraft_frame_header(hdr, type, p, len);
	f = kraft_frame_new(hdr, p, len, 0);
	if (!f)
		return -ENOMEM;
	err = kraft_conn_queue(c, f, false);
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
int kraft_conn_send_now(struct kraft_conn *c, const u8 *hdr,
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
		f = kraft_frame_new(hdr, payload, len, n);
		if (f)
			kraft_conn_queue(c, f, true);
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
		err = kraft_hs_on_hello(c, f->data, f->len);
		break;
	case FRAME_AUTH:
		err = kraft_hs_on_auth(c, f->data, f->len);
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
bool kraft_conn_rx_some(struct kraft_conn *c)
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
	done = kraft_conn_rx_some(c);
	mutex_unlock(&c->rx_mutex);
	if (!done)
		queue_work(c->tp->wq, &c->rx_work);
}

/* --- a new connection ------------------------------------------------- */

/* Adopt @sock (connected): set it up, list it, start the handshake. */
int kraft_conn_add(struct kraft_tp *tp, struct socket *sock,
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
	if (dialed && kraft_hs_send_hello(c))
		conn_kill(c);
	return 0;
}

