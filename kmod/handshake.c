// SPDX-License-Identifier: GPL-2.0
/*
 * handshake.c - a transport connection's handshake (transport.c): HELLO
 * both ways (protocol version, cluster, sender and receiver ids, a fresh
 * nonce), then AUTH both ways, an HMAC-SHA256 under the cluster's key over
 * a label, the cluster, both ids and both nonces (all zeros, and not
 * checked, when the cluster has no key). A connection carries messages
 * only once it is up; a peer's newer connection replaces its older one.
 *
 * Runs from the connection's receive work (under its rx_mutex), or from
 * kraft_conn_add(); takes tp->lock to look up and bind the peer.
 */
#include <crypto/hash.h>
#include <crypto/algapi.h>

#include "conn.h"
#include "trace.h"

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

int kraft_hs_send_hello(struct kraft_conn *c)
{
	u8 p[HELLO_LEN] = { 0 };

	put_unaligned_le32(KRAFT_TP_VERSION, p);
	put_unaligned_le64(c->tp->cfg.self, p + 8);
	put_unaligned_le64(c->peer, p + 16);
	memcpy(p + 24, c->nonce, NONCE_LEN);
	memcpy(p + 24 + NONCE_LEN, c->tp->cluster, KRAFT_DL_NAME_MAX);
	c->sent_hello = true;
	return kraft_conn_send_frame(c, FRAME_HELLO, p, sizeof(p));
}

int kraft_hs_on_hello(struct kraft_conn *c, const u8 *p, u32 len)
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
	err = kraft_tp_find_peer(tp, from) && from != tp->cfg.self ? 0 : -EBADE;
	spin_unlock(&tp->lock);
	if (err)
		return err;		/* not a member we know */
	c->peer = from;
	memcpy(c->peer_nonce, p + 24, NONCE_LEN);
	if (!c->sent_hello) {
		err = kraft_hs_send_hello(c);
		if (err)
			return err;
	}
	err = compute_mac(tp, tp->cfg.self, from, c->nonce, c->peer_nonce,
			  mac);
	if (!err)
		err = kraft_conn_send_frame(c, FRAME_AUTH, mac, sizeof(mac));
	WRITE_ONCE(c->state, CONN_AUTH);
	return err;
}

int kraft_hs_on_auth(struct kraft_conn *c, const u8 *p, u32 len)
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
	pr = kraft_tp_find_peer(tp, c->peer);
	if (!pr || c->dead) {
		spin_unlock(&tp->lock);
		return -EBADE;
	}
	old = pr->conn;
	if (old)	/* the peer restarted and dialed again: the new wins */
		kraft_conn_kill_locked(old);
	pr->conn = c;
	pr->backoff_ms = BACKOFF_MIN_MS;
	WRITE_ONCE(c->state, CONN_UP);
	spin_unlock(&tp->lock);
	pr_info("%s: peer %llu connected\n", tp->cfg.name, c->peer);
	trace_kraft_peer(tp->cfg.name, c->peer, true);
	return 0;
}

