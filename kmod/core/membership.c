// SPDX-License-Identifier: GPL-2.0
/*
 * membership.c - configuration changes: their encoding, validation on the
 * leader (one pending at a time), and their effect once applied. A change
 * of at most one voter applies directly; anything larger goes through a
 * joint configuration (thesis 4.3), left automatically or by an explicit
 * LEAVE_JOINT. Learners replicate without voting and are promoted by
 * ADD_VOTER. A leader that is no longer a voter steps down. No locks.
 */
#include "raft_int.h"

#define CC_VERSION	1
#define CC_HDR_LEN	4
#define CC_ITEM_HDR_LEN	12

/**
 * kraft_conf_change_encode() - serialize a membership change
 * @cc: the change
 * @buf: where to write
 * @cap: room at @buf
 *
 * Return: bytes written, -EINVAL for a malformed change, -ENOSPC.
 */
int kraft_conf_change_encode(const struct kraft_conf_change *cc, u8 *buf,
			     u32 cap)
{
	u32 need = CC_HDR_LEN, off, i;

	if (cc->n > KRAFT_MAX_MEMBERS || cc->transition > KRAFT_CC_LEAVE_JOINT)
		return -EINVAL;
	for (i = 0; i < cc->n; i++)
		need += CC_ITEM_HDR_LEN +
			strnlen(cc->items[i].addr, KRAFT_CC_ADDR_MAX + 1);
	if (need > cap)
		return -ENOSPC;
	buf[0] = CC_VERSION;
	buf[1] = cc->transition;
	buf[2] = cc->n;
	buf[3] = 0;
	off = CC_HDR_LEN;
	for (i = 0; i < cc->n; i++) {
		const struct kraft_cc_item *it = &cc->items[i];
		u32 alen = strnlen(it->addr, KRAFT_CC_ADDR_MAX + 1);

		if (alen > KRAFT_CC_ADDR_MAX)
			return -EINVAL;
		buf[off] = it->op;
		buf[off + 1] = alen;
		put_unaligned_le16(0, buf + off + 2);
		put_unaligned_le64(it->id, buf + off + 4);
		memcpy(buf + off + CC_ITEM_HDR_LEN, it->addr, alen);
		off += CC_ITEM_HDR_LEN + alen;
	}
	return off;
}

/**
 * kraft_conf_change_decode() - parse a membership change
 * @buf: the bytes
 * @len: how many
 * @cc: the result; addresses are NUL-terminated
 *
 * Return: 0 or -EINVAL.
 */
int kraft_conf_change_decode(const u8 *buf, u32 len,
			     struct kraft_conf_change *cc)
{
	u32 off = CC_HDR_LEN, i;

	memset(cc, 0, sizeof(*cc));
	if (len < CC_HDR_LEN || buf[0] != CC_VERSION ||
	    buf[1] > KRAFT_CC_LEAVE_JOINT || buf[2] > KRAFT_MAX_MEMBERS ||
	    buf[3])
		return -EINVAL;
	cc->transition = buf[1];
	cc->n = buf[2];
	for (i = 0; i < cc->n; i++) {
		struct kraft_cc_item *it = &cc->items[i];
		u8 alen;

		if (len - off < CC_ITEM_HDR_LEN)
			return -EINVAL;
		it->op = buf[off];
		alen = buf[off + 1];
		it->id = get_unaligned_le64(buf + off + 4);
		if (it->op < KRAFT_CC_ADD_VOTER || it->op > KRAFT_CC_REMOVE ||
		    alen > KRAFT_CC_ADDR_MAX || get_unaligned_le16(buf + off + 2) ||
		    it->id == KRAFT_NONE)
			return -EINVAL;
		off += CC_ITEM_HDR_LEN;
		if (len - off < alen)
			return -EINVAL;
		memcpy(it->addr, buf + off, alen);
		it->addr[alen] = 0;
		off += alen;
	}
	if (off != len)
		return -EINVAL;
	if (cc->transition == KRAFT_CC_LEAVE_JOINT ? cc->n != 0 : cc->n == 0)
		return -EINVAL;
	return 0;
}

static bool del_id(u64 *ids, u8 *n, u64 id)
{
	u8 i;

	for (i = 0; i < *n; i++) {
		if (ids[i] == id) {
			ids[i] = ids[--*n];
			return true;
		}
	}
	return false;
}

static int add_id(u64 *ids, u8 *n, u64 id)
{
	if (*n >= KRAFT_MAX_MEMBERS)
		return -ENOSPC;
	ids[(*n)++] = id;
	return 0;
}

static u32 voters_changed(const struct kraft_conf *a,
			  const struct kraft_conf *b)
{
	u32 d = 0;
	u8 i;

	for (i = 0; i < a->n_voters; i++)
		d += !kraft_conf_in(b->voters, b->n_voters, a->voters[i]);
	for (i = 0; i < b->n_voters; i++)
		d += !kraft_conf_in(a->voters, a->n_voters, b->voters[i]);
	return d;
}

/**
 * kraft_conf_apply() - the configuration @cc leads to from the current one
 * @r: the core
 * @cc: the change
 * @out: the result
 *
 * Return: 0, -EINVAL for a change that does not fit the current
 * configuration, -EBUSY when joint and @cc does not leave, -ENOSPC.
 */
int kraft_conf_apply(struct kraft_raft *r, const struct kraft_conf_change *cc,
		     struct kraft_conf *out)
{
	const struct kraft_conf *cur = &r->conf;
	struct kraft_conf c = *cur;
	u32 i;
	int err;

	if (cc->transition == KRAFT_CC_LEAVE_JOINT) {
		if (!cur->n_out)
			return -EINVAL;
		c.n_out = 0;
		c.auto_leave = false;
		*out = c;
		return 0;
	}
	if (cur->n_out)
		return -EBUSY;
	for (i = 0; i < cc->n; i++) {
		const struct kraft_cc_item *it = &cc->items[i];
		bool voter = kraft_conf_in(c.voters, c.n_voters, it->id);
		bool learner = kraft_conf_in(c.learners, c.n_learners, it->id);

		switch (it->op) {
		case KRAFT_CC_ADD_VOTER:
			if (voter)
				return -EINVAL;
			del_id(c.learners, &c.n_learners, it->id);
			err = add_id(c.voters, &c.n_voters, it->id);
			break;
		case KRAFT_CC_ADD_LEARNER:
			if (voter || learner)
				return -EINVAL;
			err = add_id(c.learners, &c.n_learners, it->id);
			break;
		default:
			if (!del_id(c.voters, &c.n_voters, it->id) &&
			    !del_id(c.learners, &c.n_learners, it->id))
				return -EINVAL;
			err = 0;
			break;
		}
		if (err)
			return err;
	}
	if (!c.n_voters)
		return -EINVAL;
	if (cc->transition == KRAFT_CC_AUTO && voters_changed(cur, &c) <= 1) {
		c.auto_leave = false;
	} else {
		memcpy(c.voters_out, cur->voters, sizeof(c.voters_out));
		c.n_out = cur->n_voters;
		c.auto_leave = cc->transition == KRAFT_CC_AUTO;
	}
	*out = c;
	return 0;
}

/* A learner becomes a voter only once it holds what is committed. */
static bool learners_caught_up(struct kraft_raft *r,
			       const struct kraft_conf_change *cc)
{
	u32 i;

	for (i = 0; i < cc->n; i++) {
		const struct kraft_progress *pr;

		if (cc->items[i].op != KRAFT_CC_ADD_VOTER ||
		    !kraft_conf_in(r->conf.learners, r->conf.n_learners,
				   cc->items[i].id))
			continue;
		pr = kraft_progress_get(r, cc->items[i].id);
		if (!pr || pr->match < r->log.committed)
			return false;
	}
	return true;
}

/*
 * The leader vets a proposed change: it must fit, be the only one, and
 * promote only learners that have caught up.
 */
int kraft_conf_check_proposal(struct kraft_raft *r, const void *data, u32 len)
{
	struct kraft_conf_change *cc = kr_malloc(sizeof(*cc));
	struct kraft_conf *out = kr_malloc(sizeof(*out));
	int err = -ENOMEM;

	if (!cc || !out)
		goto out;
	err = kraft_conf_change_decode(data, len, cc);
	if (err)
		goto out;
	err = -EBUSY;
	if (r->pending_conf_index > r->log.applied || !learners_caught_up(r, cc))
		goto out;
	err = kraft_conf_apply(r, cc, out);
out:
	kr_free(cc);
	kr_free(out);
	return err;
}

/*
 * A leader in a joint configuration entered automatically proposes to
 * leave it once the joint configuration is applied (also when it became
 * leader in the middle of the change).
 */
void kraft_conf_maybe_auto_leave(struct kraft_raft *r)
{
	struct kraft_conf_change cc = { .transition = KRAFT_CC_LEAVE_JOINT };
	u8 buf[CC_HDR_LEN];
	int len;

	if (r->role != KRAFT_LEADER || !r->conf.n_out || !r->conf.auto_leave ||
	    r->pending_conf_index > r->log.applied || r->lead_transferee)
		return;
	len = kraft_conf_change_encode(&cc, buf, sizeof(buf));
	if (len > 0)
		kraft_leader_append(r, KRAFT_ENTRY_CONF, buf, len, false);
}

/*
 * A committed change is applied, on every node in the same log order. One
 * that does not fit (it can only come from a faulty proposer, since the
 * leader vets them) is skipped identically everywhere.
 */
void kraft_conf_committed(struct kraft_raft *r, const struct kraft_entry *e)
{
	struct kraft_conf_change *cc = kr_malloc(sizeof(*cc));
	struct kraft_conf *old = kr_malloc(sizeof(*old));
	int err = -ENOMEM;

	if (!cc || !old)
		goto out;
	*old = r->conf;
	err = kraft_conf_change_decode(e->data, e->len, cc);
	if (!err)
		err = kraft_conf_apply(r, cc, &r->conf);
	if (err)
		goto out;
	err = kraft_progress_rebuild(r);
	if (err)
		r->conf = *old;
out:
	kr_free(cc);
	kr_free(old);
	if (err == -ENOMEM)
		kr_warn("kraft: %llu: no memory to apply a membership change\n",
			(unsigned long long)r->id);
	if (err)
		return;
	if (r->role != KRAFT_LEADER)
		return;
	if (!kraft_conf_is_voter(&r->conf, r->id)) {
		kraft_become_follower(r, r->term, KRAFT_NONE);
		return;
	}
	if (r->lead_transferee &&
	    !kraft_conf_is_voter(&r->conf, r->lead_transferee))
		r->lead_transferee = KRAFT_NONE;
	if (kraft_maybe_commit(r))
		kraft_bcast_append(r);
	else
		r->pending_bcast = true;
}
