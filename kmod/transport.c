// SPDX-License-Identifier: GPL-2.0
/*
 * transport.c - a node's TCP transport. One connection per peer pair: the
 * node with the lower id dials (reconnecting with backoff), the other
 * accepts. Each connection starts with a handshake (handshake.c): HELLO
 * (protocol version, cluster, sender and receiver ids, a fresh nonce) both
 * ways, then AUTH both ways, an HMAC-SHA256 over both nonces under the
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
 * accepting and dialing, EOF. A connection's life, its socket callbacks
 * and its framing are conn.c's.
 *
 * This file owns the peers (their addresses and dialing), the listening
 * socket and the calls the node makes.
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
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <crypto/hash.h>

#include "conn.h"

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

/* Under tp->lock. */
struct tp_peer *kraft_tp_find_peer(struct kraft_tp *tp, u64 id)
{
	int i;

	for (i = 0; i < KRAFT_BOOK_MAX; i++)
		if (id && tp->peers[i].id == id)
			return &tp->peers[i];
	return NULL;
}

/* Under tp->lock. */
void kraft_tp_redial(struct kraft_tp *tp, struct tp_peer *p)
{
	if (tp->stopping || !p->id)
		return;
	queue_delayed_work(tp->wq, &p->dial, msecs_to_jiffies(p->backoff_ms));
	p->backoff_ms = min(p->backoff_ms * 2, (u32)BACKOFF_MAX_MS);
}

/* --- accepting and dialing ----------------------------------------------- */

static void listen_data_ready(struct sock *sk)
{
	struct kraft_tp *tp;

	read_lock_bh(&sk->sk_callback_lock);
	tp = sk->sk_user_data;
	if (tp && sk->sk_state == TCP_LISTEN)
		queue_work(tp->wq, &tp->accept);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void tp_accept(struct work_struct *w)
{
	struct kraft_tp *tp = container_of(w, struct kraft_tp, accept);
	struct socket *sock;

	while (!READ_ONCE(tp->stopping) &&
	       !kernel_accept(tp->listen, &sock, O_NONBLOCK)) {
		if (kraft_conn_add(tp, sock, NULL)) {
			kraft_tp_restore_callbacks(tp, sock->sk);
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
		err = kraft_conn_add(tp, sock, p);
		if (!err)
			return;	/* a dead connection redials */
		kraft_tp_restore_callbacks(tp, sock->sk);
	}
	sock_release(sock);
retry:
	spin_lock(&tp->lock);
	kraft_tp_redial(tp, p);
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
	p = kraft_tp_find_peer(tp, id);
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
	p = kraft_tp_find_peer(tp, id);
	if (p)
		p->id = 0;
	list_for_each_entry_safe(c, tmp, &tp->conns, link)
		if (c->peer == id)
			kraft_conn_kill_locked(c);
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
	p = kraft_tp_find_peer(tp, to);
	c = p ? p->conn : NULL;
	if (!c) {
		spin_unlock(&tp->lock);
		return -ENOTCONN;
	}
	refcount_inc(&c->ref);	/* alive: its kill is what clears p->conn */
	spin_unlock(&tp->lock);
	/* the checksum only for a peer there is a connection to */
	kraft_frame_header(hdr, FRAME_MSG, buf, len);
	err = kraft_conn_send_now(c, hdr, buf, len);
	if (err == 1) {
		f = kraft_frame_new(hdr, buf, len, 0);
		err = f ? kraft_conn_queue(c, f, false) : -ENOMEM;
		if (err == -ENOBUFS) {
			spin_lock(&tp->lock);
			tp->stats.dropped++;
			spin_unlock(&tp->lock);
		}
		if (err)
			kraft_frame_free(f);
	}
	kraft_conn_put(c);
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
		done = kraft_conn_rx_some(c);
		mutex_unlock(&c->rx_mutex);
		if (!done)
			kraft_conn_list_rx(c);
		kraft_conn_put(c);
	}
}

bool kraft_tp_connected(struct kraft_tp *tp, u64 id)
{
	struct tp_peer *p;
	bool up;

	spin_lock(&tp->lock);
	p = kraft_tp_find_peer(tp, id);
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
	kraft_tp_restore_callbacks(tp, tp->listen->sk);
	cancel_work_sync(&tp->accept);
	for (i = 0; i < KRAFT_BOOK_MAX; i++)
		cancel_delayed_work_sync(&tp->peers[i].dial);
	spin_lock(&tp->lock);
	list_for_each_entry_safe(c, tmp, &tp->conns, link)
		kraft_conn_kill_locked(c);	/* clears each peer's connection */
	spin_unlock(&tp->lock);
	destroy_workqueue(tp->wq);	/* runs the releases */
	sock_release(tp->listen);
	crypto_free_shash(tp->hmac);
	kfree(tp);
}
