/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msg.h - Raft messages between nodes and their wire encoding. API: stable.
 *
 * The encoding is versioned and little-endian (docs/wire-format.md):
 * a fixed 80-byte header, then the entries of an append, or the snapshot
 * chunk of an InstallSnapshot. kraft_msg_decode() checks every length
 * against the buffer and every count against what the buffer can hold, so
 * hostile bytes give -EINVAL (or -EPROTONOSUPPORT for a newer version) and
 * never an out-of-bounds read. A decoded message's entry data and snapshot
 * chunk point into the buffer it was decoded from. No locks.
 */
#ifndef KRAFT_CORE_MSG_H
#define KRAFT_CORE_MSG_H

#include "raft.h"

#define KRAFT_MSG_VERSION	1
#define KRAFT_MSG_HDR_LEN	80
#define KRAFT_MSG_ENT_HDR_LEN	24
#define KRAFT_MSG_MAX_ENTRIES	65536

enum kraft_msg_type {
	KRAFT_MSG_APP = 1,		/* AppendEntries */
	KRAFT_MSG_APP_RESP,
	KRAFT_MSG_VOTE,			/* RequestVote */
	KRAFT_MSG_VOTE_RESP,
	KRAFT_MSG_PREVOTE,
	KRAFT_MSG_PREVOTE_RESP,
	KRAFT_MSG_HB,			/* heartbeat */
	KRAFT_MSG_HB_RESP,
	KRAFT_MSG_SNAP,			/* InstallSnapshot, one chunk */
	KRAFT_MSG_SNAP_RESP,
	KRAFT_MSG_TIMEOUT_NOW,		/* leadership transfer */
	KRAFT_MSG_PROP,			/* a proposal forwarded to the leader */
	KRAFT_MSG_READ_INDEX,		/* a read forwarded to the leader */
	KRAFT_MSG_READ_INDEX_RESP,
	KRAFT_MSG_TYPE_MAX = KRAFT_MSG_READ_INDEX_RESP,
};

#define KRAFT_MSGF_REJECT	0x01	/* a response that refuses */
#define KRAFT_MSGF_TRANSFER	0x02	/* a campaign for leader transfer */
#define KRAFT_MSGF_SNAP_LAST	0x04	/* the last chunk of a snapshot */
#define KRAFT_MSGF_ALL		0x07

/**
 * struct kraft_msg - one message, decoded
 * @type: enum kraft_msg_type
 * @flags: KRAFT_MSGF_*
 * @from: sender id
 * @to: receiver id
 * @term: sender's term; 0 for forwarded proposals and reads
 * @log_term: term at @index (append: prevLogTerm; vote: lastLogTerm;
 *	append reject: the hint's term)
 * @index: append: prevLogIndex; append resp: last index matched, or the
 *	rejected index; vote: lastLogIndex; read index resp: the read index;
 *	snapshot resp: bytes received so far
 * @commit: leader commit index
 * @hint: append reject: the follower's guess of the last matching index
 * @ctx: read context (heartbeats, reads)
 * @n_entries: count of @entries
 * @entries: appended or proposed entries
 * @snap_index: snapshot: the index it covers
 * @snap_term: snapshot: the term at @snap_index
 * @snap_conf: snapshot: membership at @snap_index (allocated by decoding)
 * @snap_total: snapshot: length of the whole data
 * @snap_off: snapshot: offset of this chunk
 * @chunk_len: snapshot: bytes in @chunk
 * @chunk: snapshot: this chunk's bytes
 */
struct kraft_msg {
	u8 type;
	u8 flags;
	u64 from;
	u64 to;
	u64 term;
	u64 log_term;
	u64 index;
	u64 commit;
	u64 hint;
	u64 ctx;
	u32 n_entries;
	struct kraft_entry *entries;
	u64 snap_index;
	u64 snap_term;
	const struct kraft_conf *snap_conf;
	u32 snap_total;
	u32 snap_off;
	u32 chunk_len;
	const u8 *chunk;
};

u32 kraft_msg_encoded_len(const struct kraft_msg *m);
int kraft_msg_encode(const struct kraft_msg *m, u8 *buf, u32 cap);
int kraft_msg_decode(const u8 *buf, u32 len, struct kraft_msg *m);
void kraft_msg_release(struct kraft_msg *m);
const char *kraft_msg_type_name(u8 type);

u32 kraft_conf_encoded_len(const struct kraft_conf *c);
u32 kraft_conf_encode(const struct kraft_conf *c, u8 *buf);
int kraft_conf_decode(const u8 *buf, u32 len, struct kraft_conf *c);

#endif /* KRAFT_CORE_MSG_H */
