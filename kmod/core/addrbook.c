// SPDX-License-Identifier: GPL-2.0
/*
 * addrbook.c - the members' addresses and their encoding in snapshots:
 *
 *   magic u32 "BOOK", count u32, then per entry: id u64, length u8,
 *   address bytes (no NUL); little-endian. The state machine's snapshot
 *   follows.
 *
 * Decoding refuses anything malformed (-EINVAL), so a snapshot from a
 * hostile or corrupt source changes nothing. No locks.
 */
#include "addrbook.h"

static struct kraft_book_entry *find(const struct kraft_book *b, u64 id)
{
	u32 i;

	for (i = 0; i < b->n; i++)
		if (b->e[i].id == id)
			return (struct kraft_book_entry *)&b->e[i];
	return NULL;
}

static bool addr_ok(const char *addr)
{
	size_t len = strnlen(addr, KRAFT_CC_ADDR_MAX + 1);

	return len && len <= KRAFT_CC_ADDR_MAX;
}

/**
 * kraft_book_set() - add a member's address or change it
 * @b: the book
 * @id: the member, non-zero
 * @addr: "HOST:PORT", 1 to %KRAFT_CC_ADDR_MAX bytes
 *
 * Return: 0, -EINVAL, or -ENOSPC when the book is full.
 */
int kraft_book_set(struct kraft_book *b, u64 id, const char *addr)
{
	struct kraft_book_entry *e;

	if (!id || !addr_ok(addr))
		return -EINVAL;
	e = find(b, id);
	if (!e) {
		if (b->n == KRAFT_BOOK_MAX)
			return -ENOSPC;
		e = &b->e[b->n++];
		e->id = id;
	}
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, addr, strlen(addr));
	return 0;
}

void kraft_book_del(struct kraft_book *b, u64 id)
{
	struct kraft_book_entry *e = find(b, id);

	if (e)
		*e = b->e[--b->n];
}

/* Return: @id's address, or NULL. */
const char *kraft_book_get(const struct kraft_book *b, u64 id)
{
	const struct kraft_book_entry *e = find(b, id);

	return e ? e->addr : NULL;
}

u32 kraft_book_encoded_len(const struct kraft_book *b)
{
	u32 i, len = 8;

	for (i = 0; i < b->n; i++)
		len += 9 + strlen(b->e[i].addr);
	return len;
}

/* @buf holds kraft_book_encoded_len() bytes. */
void kraft_book_encode(const struct kraft_book *b, u8 *buf)
{
	u32 i, alen;

	put_unaligned_le32(KRAFT_BOOK_MAGIC, buf);
	put_unaligned_le32(b->n, buf + 4);
	buf += 8;
	for (i = 0; i < b->n; i++) {
		alen = strlen(b->e[i].addr);
		put_unaligned_le64(b->e[i].id, buf);
		buf[8] = alen;
		memcpy(buf + 9, b->e[i].addr, alen);
		buf += 9 + alen;
	}
}

/**
 * kraft_book_decode() - read a book from the front of @buf
 * @buf: the bytes
 * @len: how many
 * @b: the book read (empty on error)
 * @used: bytes the book took
 *
 * Return: 0 or -EINVAL (short, bad magic, too many entries, a zero or
 * repeated id, an empty or overlong address, a NUL inside one).
 */
int kraft_book_decode(const u8 *buf, u32 len, struct kraft_book *b, u32 *used)
{
	u32 n, off = 8, alen;
	u64 id;

	b->n = 0;
	if (len < 8 || get_unaligned_le32(buf) != KRAFT_BOOK_MAGIC)
		return -EINVAL;
	n = get_unaligned_le32(buf + 4);
	if (n > KRAFT_BOOK_MAX)
		return -EINVAL;
	while (b->n < n) {
		if (len - off < 9)
			goto bad;
		id = get_unaligned_le64(buf + off);
		alen = buf[off + 8];
		if (!id || !alen || alen > KRAFT_CC_ADDR_MAX ||
		    len - off - 9 < alen || find(b, id) ||
		    memchr(buf + off + 9, 0, alen))
			goto bad;
		b->e[b->n].id = id;
		memset(b->e[b->n].addr, 0, sizeof(b->e[b->n].addr));
		memcpy(b->e[b->n].addr, buf + off + 9, alen);
		b->n++;
		off += 9 + alen;
	}
	*used = off;
	return 0;
bad:
	b->n = 0;
	return -EINVAL;
}
