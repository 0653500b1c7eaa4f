/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addrbook.h - the members' addresses: set from the initial peers and from
 * committed membership changes, carried in front of the state machine in
 * every snapshot so that a node restored from one (or caught up by one)
 * knows where its peers are. Pure; no locks (the caller serializes).
 */
#ifndef KRAFT_CORE_ADDRBOOK_H
#define KRAFT_CORE_ADDRBOOK_H

#include "raft.h"

#define KRAFT_BOOK_MAX		(2 * KRAFT_MAX_MEMBERS)	/* voters + learners */
#define KRAFT_BOOK_MAGIC	0x4b4f4f42u	/* "BOOK" little-endian */

/**
 * struct kraft_book_entry - one member's address
 * @id: its id, non-zero
 * @addr: "HOST:PORT", NUL-terminated
 */
struct kraft_book_entry {
	u64 id;
	char addr[KRAFT_CC_ADDR_MAX + 1];
};

/**
 * struct kraft_book - every member's address
 * @n: entries in use
 * @e: the entries, in no particular order
 */
struct kraft_book {
	u32 n;
	struct kraft_book_entry e[KRAFT_BOOK_MAX];
};

int kraft_book_set(struct kraft_book *b, u64 id, const char *addr);
void kraft_book_del(struct kraft_book *b, u64 id);
const char *kraft_book_get(const struct kraft_book *b, u64 id);
u32 kraft_book_encoded_len(const struct kraft_book *b);
void kraft_book_encode(const struct kraft_book *b, u8 *buf);
int kraft_book_decode(const u8 *buf, u32 len, struct kraft_book *b,
		      u32 *used);

#endif /* KRAFT_CORE_ADDRBOOK_H */
