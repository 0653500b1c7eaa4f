/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kv.h - the replicated key/value state machine, pure and deterministic.
 * API: stable.
 *
 * Commands travel in log entries, encoded by kraft_kv_cmd_encode(); every
 * node applies them in log order with kraft_kv_apply() and reaches the
 * same state. A global revision counts successful writes; each key keeps
 * its create and mod revisions and a version. A bounded history of events
 * lets a watch start from a past revision. No locks: the node's event
 * loop owns a struct kraft_kv.
 */
#ifndef KRAFT_CORE_KV_H
#define KRAFT_CORE_KV_H

#include "platform.h"

#define KRAFT_KV_KEY_MAX	1024
#define KRAFT_KV_VALUE_MAX	(1u << 20)
#define KRAFT_KV_CMD_HDR_LEN	48

enum kraft_kv_op {
	KRAFT_KV_PUT = 1,
	KRAFT_KV_DEL = 2,
	KRAFT_KV_CAS = 3,
};

enum kraft_kv_status {
	KRAFT_KV_S_OK = 0,
	KRAFT_KV_S_NOT_FOUND = 1,
	KRAFT_KV_S_COMPARE_FAILED = 2,
};

/**
 * struct kraft_kv_cmd - a write, as proposed
 * @op: enum kraft_kv_op
 * @origin: the node that proposed it (to find the waiting request)
 * @req: that node's request id
 * @expect: CAS: the key's mod revision it must have; 0 = must not exist
 * @klen: key length, 1..KRAFT_KV_KEY_MAX
 * @vlen: value length, up to KRAFT_KV_VALUE_MAX
 * @key: key bytes
 * @val: value bytes
 */
struct kraft_kv_cmd {
	u8 op;
	u64 origin;
	u64 req;
	u64 expect;
	u32 klen;
	u32 vlen;
	const u8 *key;
	const u8 *val;
};

/**
 * struct kraft_kv_item - a key as stored
 * @create_rev: revision that created it
 * @mod_rev: revision of its last change
 * @version: changes since creation, from 1
 * @klen: key length
 * @vlen: value length
 * @key: key bytes
 * @val: value bytes
 */
struct kraft_kv_item {
	u64 create_rev;
	u64 mod_rev;
	u64 version;
	u32 klen;
	u32 vlen;
	const u8 *key;
	const u8 *val;
};

/**
 * struct kraft_kv_outcome - what applying a command did
 * @status: enum kraft_kv_status
 * @rev: the new revision on success; the store's revision otherwise
 * @mod_rev: CAS failure: the key's mod revision (0 if absent)
 */
struct kraft_kv_outcome {
	u8 status;
	u64 rev;
	u64 mod_rev;
};

/**
 * struct kraft_kv_event - one change, for watches
 * @type: KRAFT_KV_PUT or KRAFT_KV_DEL
 * @item: the key after a put; key and revisions of a delete (no value)
 */
struct kraft_kv_event {
	u8 type;
	struct kraft_kv_item item;
};

struct kraft_kv;

typedef int (*kraft_kv_item_fn)(void *arg, const struct kraft_kv_item *it);
typedef int (*kraft_kv_event_fn)(void *arg, const struct kraft_kv_event *ev);

struct kraft_kv *kraft_kv_new(u32 history_max);
void kraft_kv_free(struct kraft_kv *kv);

u32 kraft_kv_cmd_len(const struct kraft_kv_cmd *c);
int kraft_kv_cmd_encode(const struct kraft_kv_cmd *c, u8 *buf, u32 cap);
int kraft_kv_cmd_decode(const u8 *buf, u32 len, struct kraft_kv_cmd *c);
int kraft_kv_apply(struct kraft_kv *kv, const u8 *buf, u32 len,
		   struct kraft_kv_cmd *cmd, struct kraft_kv_outcome *res);

u64 kraft_kv_rev(const struct kraft_kv *kv);
u64 kraft_kv_count(const struct kraft_kv *kv);
u64 kraft_kv_bytes(const struct kraft_kv *kv);
int kraft_kv_get(const struct kraft_kv *kv, const u8 *key, u32 klen,
		 struct kraft_kv_item *it);
int kraft_kv_range(const struct kraft_kv *kv, const u8 *prefix, u32 plen,
		   u32 limit, kraft_kv_item_fn fn, void *arg, u64 *more);
int kraft_kv_history(const struct kraft_kv *kv, const u8 *prefix, u32 plen,
		     u64 from_rev, kraft_kv_event_fn fn, void *arg);

struct kraft_kv_capture;

int kraft_kv_snapshot(struct kraft_kv *kv, u8 **buf, u32 *len);
int kraft_kv_capture(struct kraft_kv *kv, struct kraft_kv_capture **cap,
		     u32 *len);
int kraft_kv_seal(struct kraft_kv_capture *cap, u8 *out);
void kraft_kv_release(struct kraft_kv *kv, struct kraft_kv_capture *cap);
int kraft_kv_restore(struct kraft_kv *kv, const u8 *buf, u32 len);

#endif /* KRAFT_CORE_KV_H */
