// SPDX-License-Identifier: GPL-2.0
/*
 * msg.c - encoding and decoding of Raft messages (layout in
 * docs/wire-format.md). Decoding trusts nothing: every count and length is
 * checked against the bytes actually present before it is used. No locks.
 */
#include "msg.h"

#define SNAP_HDR_LEN	32
#define CONF_HDR_LEN	4

static const char * const type_names[] = {
	[KRAFT_MSG_APP] = "app",
	[KRAFT_MSG_APP_RESP] = "app_resp",
	[KRAFT_MSG_VOTE] = "vote",
	[KRAFT_MSG_VOTE_RESP] = "vote_resp",
	[KRAFT_MSG_PREVOTE] = "prevote",
	[KRAFT_MSG_PREVOTE_RESP] = "prevote_resp",
	[KRAFT_MSG_HB] = "heartbeat",
	[KRAFT_MSG_HB_RESP] = "heartbeat_resp",
	[KRAFT_MSG_SNAP] = "snapshot",
	[KRAFT_MSG_SNAP_RESP] = "snapshot_resp",
	[KRAFT_MSG_TIMEOUT_NOW] = "timeout_now",
	[KRAFT_MSG_PROP] = "prop",
	[KRAFT_MSG_READ_INDEX] = "read_index",
	[KRAFT_MSG_READ_INDEX_RESP] = "read_index_resp",
};

const char *kraft_msg_type_name(u8 type)
{
	if (type == 0 || type > KRAFT_MSG_TYPE_MAX)
		return "unknown";
	return type_names[type];
}

u32 kraft_conf_encoded_len(const struct kraft_conf *c)
{
	return CONF_HDR_LEN + 8 * (c->n_voters + c->n_out + c->n_learners);
}

static u8 *put_ids(u8 *p, const u64 *ids, u8 n)
{
	u8 i;

	for (i = 0; i < n; i++, p += 8)
		put_unaligned_le64(ids[i], p);
	return p;
}

/**
 * kraft_conf_encode() - write @c at @buf
 * @c: a configuration
 * @buf: room for kraft_conf_encoded_len(@c) bytes
 *
 * Return: the bytes written.
 */
u32 kraft_conf_encode(const struct kraft_conf *c, u8 *buf)
{
	u8 *p = buf + CONF_HDR_LEN;

	buf[0] = c->n_voters;
	buf[1] = c->n_out;
	buf[2] = c->n_learners;
	buf[3] = c->auto_leave ? 1 : 0;
	p = put_ids(p, c->voters, c->n_voters);
	p = put_ids(p, c->voters_out, c->n_out);
	p = put_ids(p, c->learners, c->n_learners);
	return p - buf;
}

static int get_ids(const u8 *p, u64 *ids, u8 n)
{
	u8 i, j;

	for (i = 0; i < n; i++) {
		ids[i] = get_unaligned_le64(p + 8 * i);
		if (ids[i] == KRAFT_NONE)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return -EINVAL;
	}
	return 0;
}

/**
 * kraft_conf_decode() - read a configuration written by kraft_conf_encode()
 * @buf: the bytes
 * @len: how many there are
 * @c: the result
 *
 * Return: bytes consumed, or -EINVAL for a short buffer, a count over
 * KRAFT_MAX_MEMBERS, a zero or repeated id, or a learner that votes.
 */
int kraft_conf_decode(const u8 *buf, u32 len, struct kraft_conf *c)
{
	u32 need;
	u8 i;

	memset(c, 0, sizeof(*c));
	if (len < CONF_HDR_LEN)
		return -EINVAL;
	if (buf[0] > KRAFT_MAX_MEMBERS || buf[1] > KRAFT_MAX_MEMBERS ||
	    buf[2] > KRAFT_MAX_MEMBERS || buf[3] > 1)
		return -EINVAL;
	need = CONF_HDR_LEN + 8 * (buf[0] + buf[1] + buf[2]);
	if (len < need)
		return -EINVAL;
	c->n_voters = buf[0];
	c->n_out = buf[1];
	c->n_learners = buf[2];
	c->auto_leave = buf[3];
	buf += CONF_HDR_LEN;
	if (get_ids(buf, c->voters, c->n_voters) ||
	    get_ids(buf + 8 * c->n_voters, c->voters_out, c->n_out) ||
	    get_ids(buf + 8 * (c->n_voters + c->n_out), c->learners,
		    c->n_learners))
		return -EINVAL;
	for (i = 0; i < c->n_learners; i++)
		if (kraft_conf_is_voter(c, c->learners[i]))
			return -EINVAL;
	return need;
}

/**
 * kraft_msg_encoded_len() - bytes kraft_msg_encode() needs for @m
 * @m: a message
 *
 * Return: the length.
 */
u32 kraft_msg_encoded_len(const struct kraft_msg *m)
{
	u32 len = KRAFT_MSG_HDR_LEN, i;

	for (i = 0; i < m->n_entries; i++)
		len += KRAFT_MSG_ENT_HDR_LEN + m->entries[i].len;
	if (m->type == KRAFT_MSG_SNAP)
		len += SNAP_HDR_LEN + kraft_conf_encoded_len(m->snap_conf) +
		       m->chunk_len;
	return len;
}

/**
 * kraft_msg_encode() - write @m into @buf
 * @m: the message
 * @buf: where to write
 * @cap: room at @buf
 *
 * Return: bytes written, or -ENOSPC when @cap is too small.
 */
int kraft_msg_encode(const struct kraft_msg *m, u8 *buf, u32 cap)
{
	u32 len = kraft_msg_encoded_len(m), i;
	u8 *p = buf;

	if (cap < len)
		return -ENOSPC;
	memset(p, 0, KRAFT_MSG_HDR_LEN);
	p[0] = KRAFT_MSG_VERSION;
	p[1] = m->type;
	p[2] = m->flags;
	put_unaligned_le32(m->n_entries, p + 4);
	put_unaligned_le64(m->from, p + 8);
	put_unaligned_le64(m->to, p + 16);
	put_unaligned_le64(m->term, p + 24);
	put_unaligned_le64(m->log_term, p + 32);
	put_unaligned_le64(m->index, p + 40);
	put_unaligned_le64(m->commit, p + 48);
	put_unaligned_le64(m->hint, p + 56);
	put_unaligned_le64(m->ctx, p + 64);
	put_unaligned_le32(len - KRAFT_MSG_HDR_LEN, p + 72);
	p += KRAFT_MSG_HDR_LEN;
	for (i = 0; i < m->n_entries; i++) {
		const struct kraft_entry *e = &m->entries[i];

		put_unaligned_le64(e->index, p);
		put_unaligned_le64(e->term, p + 8);
		p[16] = e->type;
		p[17] = 0;
		p[18] = 0;
		p[19] = 0;
		put_unaligned_le32(e->len, p + 20);
		p += KRAFT_MSG_ENT_HDR_LEN;
		if (e->len)
			memcpy(p, e->data, e->len);
		p += e->len;
	}
	if (m->type == KRAFT_MSG_SNAP) {
		put_unaligned_le64(m->snap_index, p);
		put_unaligned_le64(m->snap_term, p + 8);
		put_unaligned_le32(m->snap_total, p + 16);
		put_unaligned_le32(m->snap_off, p + 20);
		put_unaligned_le32(m->chunk_len, p + 24);
		put_unaligned_le32(0, p + 28);
		p += SNAP_HDR_LEN;
		p += kraft_conf_encode(m->snap_conf, p);
		if (m->chunk_len)
			memcpy(p, m->chunk, m->chunk_len);
		p += m->chunk_len;
	}
	return p - buf;
}

static int decode_entries(const u8 *p, u32 left, struct kraft_msg *m)
{
	u32 i, used = 0;

	if (!m->n_entries)
		return 0;
	if (m->n_entries > KRAFT_MSG_MAX_ENTRIES ||
	    m->n_entries > left / KRAFT_MSG_ENT_HDR_LEN)
		return -EINVAL;
	m->entries = kr_calloc(m->n_entries, sizeof(*m->entries));
	if (!m->entries)
		return -ENOMEM;
	for (i = 0; i < m->n_entries; i++) {
		struct kraft_entry *e = &m->entries[i];

		if (left - used < KRAFT_MSG_ENT_HDR_LEN)
			return -EINVAL;
		e->index = get_unaligned_le64(p + used);
		e->term = get_unaligned_le64(p + used + 8);
		e->type = p[used + 16];
		e->len = get_unaligned_le32(p + used + 20);
		if (p[used + 17] || p[used + 18] || p[used + 19] ||
		    e->type > KRAFT_ENTRY_CONF)
			return -EINVAL;
		used += KRAFT_MSG_ENT_HDR_LEN;
		if (e->len > left - used)
			return -EINVAL;
		e->data = (u8 *)(p + used);
		used += e->len;
	}
	return used;
}

static int decode_snapshot(const u8 *p, u32 left, struct kraft_msg *m)
{
	struct kraft_conf *conf;
	int n;

	if (left < SNAP_HDR_LEN)
		return -EINVAL;
	m->snap_index = get_unaligned_le64(p);
	m->snap_term = get_unaligned_le64(p + 8);
	m->snap_total = get_unaligned_le32(p + 16);
	m->snap_off = get_unaligned_le32(p + 20);
	m->chunk_len = get_unaligned_le32(p + 24);
	if (get_unaligned_le32(p + 28))
		return -EINVAL;
	conf = kr_malloc(sizeof(*conf));
	if (!conf)
		return -ENOMEM;
	m->snap_conf = conf;
	n = kraft_conf_decode(p + SNAP_HDR_LEN, left - SNAP_HDR_LEN, conf);
	if (n < 0)
		return n;
	left -= SNAP_HDR_LEN + n;
	if (m->chunk_len != left || m->snap_off > m->snap_total ||
	    m->chunk_len > m->snap_total - m->snap_off)
		return -EINVAL;
	m->chunk = p + SNAP_HDR_LEN + n;
	return SNAP_HDR_LEN + n + m->chunk_len;
}

/**
 * kraft_msg_decode() - parse a message written by kraft_msg_encode()
 * @buf: the bytes, which must outlive @m (entries and chunk point there)
 * @len: how many there are
 * @m: the result; release it with kraft_msg_release() on success
 *
 * Return: 0, -EINVAL for malformed bytes, -EPROTONOSUPPORT for another
 * version, -ENOMEM. Nothing needs releasing after an error.
 */
int kraft_msg_decode(const u8 *buf, u32 len, struct kraft_msg *m)
{
	u32 body, used = 0;
	int n;

	memset(m, 0, sizeof(*m));
	if (len < KRAFT_MSG_HDR_LEN)
		return -EINVAL;
	if (buf[0] != KRAFT_MSG_VERSION)
		return -EPROTONOSUPPORT;
	m->type = buf[1];
	m->flags = buf[2];
	if (m->type == 0 || m->type > KRAFT_MSG_TYPE_MAX || buf[3] ||
	    (m->flags & ~KRAFT_MSGF_ALL) || get_unaligned_le32(buf + 76))
		return -EINVAL;
	m->n_entries = get_unaligned_le32(buf + 4);
	m->from = get_unaligned_le64(buf + 8);
	m->to = get_unaligned_le64(buf + 16);
	m->term = get_unaligned_le64(buf + 24);
	m->log_term = get_unaligned_le64(buf + 32);
	m->index = get_unaligned_le64(buf + 40);
	m->commit = get_unaligned_le64(buf + 48);
	m->hint = get_unaligned_le64(buf + 56);
	m->ctx = get_unaligned_le64(buf + 64);
	body = get_unaligned_le32(buf + 72);
	if (body != len - KRAFT_MSG_HDR_LEN || m->from == KRAFT_NONE ||
	    m->to == KRAFT_NONE)
		return -EINVAL;
	if (m->n_entries && m->type != KRAFT_MSG_APP &&
	    m->type != KRAFT_MSG_PROP)
		return -EINVAL;
	buf += KRAFT_MSG_HDR_LEN;
	n = decode_entries(buf, body, m);
	if (n < 0)
		goto fail;
	used = n;
	if (m->type == KRAFT_MSG_SNAP) {
		n = decode_snapshot(buf + used, body - used, m);
		if (n < 0)
			goto fail;
		used += n;
	}
	if (used != body) {
		n = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	kraft_msg_release(m);
	return n;
}

/**
 * kraft_msg_release() - free what kraft_msg_decode() allocated
 * @m: a decoded message
 */
void kraft_msg_release(struct kraft_msg *m)
{
	kr_free(m->entries);
	kr_free((void *)m->snap_conf);
	m->entries = NULL;
	m->n_entries = 0;
	m->snap_conf = NULL;
}
