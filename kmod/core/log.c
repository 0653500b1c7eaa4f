// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - the in-memory Raft log after the last snapshot: lookups by
 * index, appends with conflict truncation, commit and compaction. The log
 * owns a copy of every entry's data. No locks.
 */
#include "raft_int.h"

int kraft_log_init(struct kraft_log *l, u64 snap_index, u64 snap_term)
{
	memset(l, 0, sizeof(*l));
	kraft_log_reset(l, snap_index, snap_term);
	return 0;
}

static void free_range(struct kraft_log *l, u64 from, u64 to)
{
	u64 i;

	for (i = from; i < to; i++) {
		l->bytes -= l->ents[i].len;
		kr_free(l->ents[i].data);
		l->ents[i].data = NULL;
	}
}

void kraft_log_free(struct kraft_log *l)
{
	free_range(l, 0, l->n);
	kr_free(l->ents);
	l->ents = NULL;
	l->n = 0;
	l->cap = 0;
}

u64 kraft_log_first_index(const struct kraft_log *l)
{
	return l->snap_index + 1;
}

u64 kraft_log_last_index(const struct kraft_log *l)
{
	return l->snap_index + l->n;
}

u64 kraft_log_last_term(const struct kraft_log *l)
{
	return l->n ? l->ents[l->n - 1].term : l->snap_term;
}

/* The term at @index, if the log still knows it (false when compacted). */
bool kraft_log_term(const struct kraft_log *l, u64 index, u64 *term)
{
	if (index == l->snap_index) {
		*term = l->snap_term;
		return true;
	}
	if (index < l->snap_index || index > kraft_log_last_index(l))
		return false;
	*term = l->ents[index - l->snap_index - 1].term;
	return true;
}

bool kraft_log_match(const struct kraft_log *l, u64 index, u64 term)
{
	u64 t;

	return kraft_log_term(l, index, &t) && t == term;
}

const struct kraft_entry *kraft_log_entry(const struct kraft_log *l,
					  u64 index)
{
	if (index <= l->snap_index || index > kraft_log_last_index(l))
		return NULL;
	return &l->ents[index - l->snap_index - 1];
}

static int grow(struct kraft_log *l, u64 need)
{
	struct kraft_entry *n;
	u64 cap;

	if (need <= l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 64;
	while (cap < need)
		cap *= 2;
	n = kr_realloc(l->ents, l->cap * sizeof(*n), cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	l->ents = n;
	l->cap = cap;
	return 0;
}

/* Drop entries from @index on; the caller made sure none is committed. */
static void truncate_from(struct kraft_log *l, u64 index)
{
	u64 keep = index - l->snap_index - 1;

	free_range(l, keep, l->n);
	l->n = keep;
	if (l->unstable > index)
		l->unstable = index;
	if (l->stable >= index)
		l->stable = index - 1;
}

/**
 * kraft_log_append() - add one entry at the end
 * @l: the log
 * @term: its term
 * @type: enum kraft_entry_type
 * @data: payload, copied
 * @len: bytes of @data
 * @crc: @data's CRC32C trails it (struct kraft_entry's crc_known), and
 *	is copied with it
 *
 * Return: 0 or -ENOMEM (then the log is unchanged).
 */
int kraft_log_append(struct kraft_log *l, u64 term, u8 type,
		     const void *data, u32 len, bool crc)
{
	u32 size = len + (crc ? 4 : 0);
	struct kraft_entry *e;
	u8 *copy = NULL;

	if (grow(l, l->n + 1))
		return -ENOMEM;
	if (size) {
		copy = kr_malloc(size);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, size);
	}
	e = &l->ents[l->n];
	e->index = kraft_log_last_index(l) + 1;
	e->term = term;
	e->type = type;
	e->len = len;
	e->crc_known = crc;
	e->data = copy;
	l->n++;
	l->bytes += len;
	return 0;
}

/**
 * kraft_log_append_entries() - a follower's append after index @prev
 * @l: the log, which matches the leader's at @prev
 * @prev: the index the entries follow
 * @e: contiguous entries from @prev + 1
 * @n: count of @e
 * @last: set to @prev + @n
 *
 * Entries already present with the same term are kept; the first one that
 * conflicts and everything after it are replaced. Return: 0, -EINVAL if a
 * committed entry would be overwritten (a protocol violation by the
 * sender), -ENOMEM (the log then holds a prefix of what was asked, which
 * is still consistent).
 */
int kraft_log_append_entries(struct kraft_log *l, u64 prev,
			     const struct kraft_entry *e, u32 n, u64 *last)
{
	u32 i;

	*last = prev + n;
	for (i = 0; i < n; i++) {
		u64 idx = prev + 1 + i, t;

		if (idx <= l->snap_index)
			continue;
		if (kraft_log_term(l, idx, &t)) {
			if (t == e[i].term)
				continue;
			if (idx <= l->committed)
				return -EINVAL;
			truncate_from(l, idx);
		}
		if (kraft_log_append(l, e[i].term, e[i].type, e[i].data,
				     e[i].len, false)) {
			*last = idx - 1;
			return -ENOMEM;
		}
	}
	return 0;
}

void kraft_log_commit_to(struct kraft_log *l, u64 index)
{
	if (index > kraft_log_last_index(l))
		index = kraft_log_last_index(l);
	if (index > l->committed)
		l->committed = index;
}

/* Is a candidate's log (last @index, @term) at least as up to date? */
bool kraft_log_up_to_date(const struct kraft_log *l, u64 index, u64 term)
{
	u64 lt = kraft_log_last_term(l);

	return term > lt || (term == lt && index >= kraft_log_last_index(l));
}

/*
 * The largest index <= @index whose term is <= @term, and its term: where
 * the leader's and this log can first be assumed to agree (thesis 5.3's
 * optimisation, as etcd does it).
 */
u64 kraft_log_find_conflict_by_term(const struct kraft_log *l, u64 index,
				    u64 term, u64 *term_out)
{
	u64 t = 0;

	if (index > kraft_log_last_index(l))
		index = kraft_log_last_index(l);
	for (;;) {
		if (!kraft_log_term(l, index, &t)) {
			t = 0;
			break;
		}
		if (t <= term)
			break;
		index--;
	}
	*term_out = t;
	return index;
}

/* Forget entries up to @index, now covered by a snapshot. */
void kraft_log_compact(struct kraft_log *l, u64 index)
{
	u64 drop;
	u64 t;

	if (index <= l->snap_index || index > kraft_log_last_index(l))
		return;
	kraft_log_term(l, index, &t);
	drop = index - l->snap_index;
	free_range(l, 0, drop);
	memmove(l->ents, l->ents + drop, (l->n - drop) * sizeof(*l->ents));
	l->n -= drop;
	l->snap_index = index;
	l->snap_term = t;
	if (l->unstable <= index)
		l->unstable = index + 1;
	if (l->stable < index)
		l->stable = index;
}

/* Replace the whole log by a snapshot at @snap_index. */
void kraft_log_reset(struct kraft_log *l, u64 snap_index, u64 snap_term)
{
	free_range(l, 0, l->n);
	l->n = 0;
	l->snap_index = snap_index;
	l->snap_term = snap_term;
	l->unstable = snap_index + 1;
	l->stable = snap_index;
	l->committed = snap_index;
	l->applied = snap_index;
}
