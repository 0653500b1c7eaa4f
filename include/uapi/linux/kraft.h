/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kraft.h - userspace API of kraft, the in-kernel replicated key/value
 * store: the generic netlink family "kraft" (control) and the ioctl
 * interface of /dev/kraftN (data).
 *
 * Versioning: KRAFT_GENL_VERSION is the family version; commands and
 * attributes are only ever added, never renumbered. Unknown attributes are
 * rejected by the kernel (strict validation).
 */
#ifndef _UAPI_LINUX_KRAFT_H
#define _UAPI_LINUX_KRAFT_H

#include <linux/types.h>

#define KRAFT_GENL_NAME		"kraft"
#define KRAFT_GENL_VERSION	1
#define KRAFT_GENL_MCGRP_EVENTS	"events"

/**
 * enum kraft_cmd - generic netlink commands of the "kraft" family
 * @KRAFT_CMD_UNSPEC: invalid
 * @KRAFT_CMD_GET_VERSION: reply carries %KRAFT_A_VERSION and
 *	%KRAFT_A_PROTO_VERSION; unprivileged
 * @KRAFT_CMD_NODE_UP: attach %KRAFT_A_DEVICE (formatted by kraftctl init)
 *	and start a node in the caller's network namespace; optional
 *	%KRAFT_A_LISTEN, %KRAFT_A_TICK_MS, %KRAFT_A_ELECTION_MS,
 *	%KRAFT_A_HEARTBEAT_MS; reply carries %KRAFT_A_NODE_NAME
 * @KRAFT_CMD_NODE_DOWN: stop %KRAFT_A_NODE_NAME, flush and detach it
 * @KRAFT_CMD_NODE_GET: status of %KRAFT_A_NODE_NAME (doit), or of every
 *	node of the caller's namespace (dumpit)
 * @KRAFT_CMD_MEMBER_ADD: add %KRAFT_A_PEER_ID at %KRAFT_A_PEER_ADDR,
 *	as a learner when %KRAFT_A_LEARNER is present
 * @KRAFT_CMD_MEMBER_PROMOTE: promote learner %KRAFT_A_PEER_ID to voter
 * @KRAFT_CMD_MEMBER_REMOVE: remove %KRAFT_A_PEER_ID
 * @KRAFT_CMD_LEADER_TRANSFER: hand leadership to %KRAFT_A_PEER_ID
 * @KRAFT_CMD_SNAPSHOT: snapshot the state machine and compact the log
 * @KRAFT_CMD_EVENT_LEADER: multicast: %KRAFT_A_LEADER changed in
 *	%KRAFT_A_TERM on %KRAFT_A_NODE_NAME
 * @KRAFT_CMD_EVENT_MEMBERSHIP: multicast: the membership of
 *	%KRAFT_A_NODE_NAME changed; carries %KRAFT_A_PEERS
 *
 * Every command but GET_VERSION needs CAP_NET_ADMIN in the namespace.
 */
enum kraft_cmd {
	KRAFT_CMD_UNSPEC,
	KRAFT_CMD_GET_VERSION,
	KRAFT_CMD_NODE_UP,
	KRAFT_CMD_NODE_DOWN,
	KRAFT_CMD_NODE_GET,
	KRAFT_CMD_MEMBER_ADD,
	KRAFT_CMD_MEMBER_PROMOTE,
	KRAFT_CMD_MEMBER_REMOVE,
	KRAFT_CMD_LEADER_TRANSFER,
	KRAFT_CMD_SNAPSHOT,
	KRAFT_CMD_EVENT_LEADER,
	KRAFT_CMD_EVENT_MEMBERSHIP,
	__KRAFT_CMD_MAX,
};

#define KRAFT_CMD_MAX (__KRAFT_CMD_MAX - 1)

/**
 * enum kraft_attr - top-level attributes of the "kraft" family
 * @KRAFT_A_UNSPEC: invalid
 * @KRAFT_A_VERSION: string, the module version
 * @KRAFT_A_PROTO_VERSION: u32, the wire protocol version nodes speak
 * @KRAFT_A_NODE_NAME: string, "kraft0", ... (%KRAFT_NODE_NAME_MAX)
 * @KRAFT_A_DEVICE: string, path of the node's block device
 * @KRAFT_A_LISTEN: string, "HOST:PORT" to listen on (default: the
 *	node's own address from the device's peer list)
 * @KRAFT_A_TICK_MS: u32, tick period (default 10)
 * @KRAFT_A_ELECTION_MS: u32, election timeout T; timeouts are drawn
 *	from [T, 2T) (default 150)
 * @KRAFT_A_HEARTBEAT_MS: u32, heartbeat period (default 50)
 * @KRAFT_A_NODE_ID: u64, this node's id in its cluster
 * @KRAFT_A_CLUSTER: string, the cluster's name
 * @KRAFT_A_ROLE: u8, enum kraft_role
 * @KRAFT_A_TERM: u64
 * @KRAFT_A_LEADER: u64, the leader's id, 0 when unknown
 * @KRAFT_A_COMMIT: u64, commit index
 * @KRAFT_A_APPLIED: u64, applied index
 * @KRAFT_A_LAST_INDEX: u64, last log index
 * @KRAFT_A_SNAP_INDEX: u64, index of the newest snapshot
 * @KRAFT_A_PEERS: nested, a list of %KRAFT_A_PEER
 * @KRAFT_A_PEER: nested, enum kraft_peer_attr
 * @KRAFT_A_PEER_ID: u64, a member's id
 * @KRAFT_A_PEER_ADDR: string, a member's "HOST:PORT"
 * @KRAFT_A_LEARNER: flag
 * @KRAFT_A_FRAMES_DROPPED: u64, frames dropped (full queues, unknown peers,
 *	no memory)
 * @KRAFT_A_FRAMES_BAD: u64, frames that failed length or checksum checks
 * @KRAFT_A_DISK_ERRORS: u64, I/O errors from the node's device
 * @KRAFT_A_FAILED: flag, the node has failed safe (see dmesg) and no
 *	longer acknowledges anything
 * @KRAFT_A_PAD: padding for 64-bit attributes
 */
enum kraft_attr {
	KRAFT_A_UNSPEC,
	KRAFT_A_VERSION,
	KRAFT_A_PROTO_VERSION,
	KRAFT_A_NODE_NAME,
	KRAFT_A_DEVICE,
	KRAFT_A_LISTEN,
	KRAFT_A_TICK_MS,
	KRAFT_A_ELECTION_MS,
	KRAFT_A_HEARTBEAT_MS,
	KRAFT_A_NODE_ID,
	KRAFT_A_CLUSTER,
	KRAFT_A_ROLE,
	KRAFT_A_TERM,
	KRAFT_A_LEADER,
	KRAFT_A_COMMIT,
	KRAFT_A_APPLIED,
	KRAFT_A_LAST_INDEX,
	KRAFT_A_SNAP_INDEX,
	KRAFT_A_PEERS,
	KRAFT_A_PEER,
	KRAFT_A_PEER_ID,
	KRAFT_A_PEER_ADDR,
	KRAFT_A_LEARNER,
	KRAFT_A_FRAMES_DROPPED,
	KRAFT_A_FRAMES_BAD,
	KRAFT_A_DISK_ERRORS,
	KRAFT_A_FAILED,
	KRAFT_A_PAD,
	__KRAFT_A_MAX,
};

#define KRAFT_A_MAX (__KRAFT_A_MAX - 1)

/**
 * enum kraft_peer_attr - attributes nested in %KRAFT_A_PEER
 * @KRAFT_PEER_A_UNSPEC: invalid
 * @KRAFT_PEER_A_ID: u64
 * @KRAFT_PEER_A_ADDR: string, "HOST:PORT"
 * @KRAFT_PEER_A_MATCH: u64, highest index known replicated (leader only)
 * @KRAFT_PEER_A_NEXT: u64, next index to send (leader only)
 * @KRAFT_PEER_A_STATE: u8, enum kraft_progress_state
 * @KRAFT_PEER_A_CONNECTED: flag, a handshaken connection is up
 * @KRAFT_PEER_A_LEARNER: flag
 * @KRAFT_PEER_A_PAD: padding
 */
enum kraft_peer_attr {
	KRAFT_PEER_A_UNSPEC,
	KRAFT_PEER_A_ID,
	KRAFT_PEER_A_ADDR,
	KRAFT_PEER_A_MATCH,
	KRAFT_PEER_A_NEXT,
	KRAFT_PEER_A_STATE,
	KRAFT_PEER_A_CONNECTED,
	KRAFT_PEER_A_LEARNER,
	KRAFT_PEER_A_PAD,
	__KRAFT_PEER_A_MAX,
};

#define KRAFT_PEER_A_MAX (__KRAFT_PEER_A_MAX - 1)

/**
 * enum kraft_role - a node's Raft role, as reported in %KRAFT_A_ROLE
 * @KRAFT_ROLE_FOLLOWER: follower
 * @KRAFT_ROLE_PRECANDIDATE: pre-candidate (PreVote)
 * @KRAFT_ROLE_CANDIDATE: candidate
 * @KRAFT_ROLE_LEADER: leader
 * @KRAFT_ROLE_LEARNER: non-voting member
 */
enum kraft_role {
	KRAFT_ROLE_FOLLOWER,
	KRAFT_ROLE_PRECANDIDATE,
	KRAFT_ROLE_CANDIDATE,
	KRAFT_ROLE_LEADER,
	KRAFT_ROLE_LEARNER,
};

/**
 * enum kraft_progress_state - replication state of a peer, seen by the leader
 * @KRAFT_PROGRESS_PROBE: finding the match point, one message at a time
 * @KRAFT_PROGRESS_REPLICATE: streaming within the in-flight window
 * @KRAFT_PROGRESS_SNAPSHOT: receiving a snapshot
 */
enum kraft_progress_state {
	KRAFT_PROGRESS_PROBE,
	KRAFT_PROGRESS_REPLICATE,
	KRAFT_PROGRESS_SNAPSHOT,
};

#define KRAFT_NODE_NAME_MAX	16
#define KRAFT_KEY_MAX		1024
#define KRAFT_VALUE_MAX		(1024 * 1024)

/*
 * The data path: ioctls on /dev/kraftN. Pointers are passed as __u64.
 * Every reserved field and unknown flag bit must be zero (-EINVAL);
 * a key over KRAFT_KEY_MAX or a value over KRAFT_VALUE_MAX is -E2BIG.
 */
#define KRAFT_IOC_MAGIC		0xB8

/**
 * enum kraft_kv_result - outcome of a data request that completed
 * @KRAFT_KV_OK: done
 * @KRAFT_KV_NOT_FOUND: get or delete of a key that does not exist
 * @KRAFT_KV_COMPARE_FAILED: cas whose expected revision did not match
 */
enum kraft_kv_result {
	KRAFT_KV_OK,
	KRAFT_KV_NOT_FOUND,
	KRAFT_KV_COMPARE_FAILED,
};

/* kraft_kv_args.flags */
#define KRAFT_KV_SERIALIZABLE	(1U << 0) /* get: read locally, no ReadIndex */
#define KRAFT_KV_FLAGS_ALL	KRAFT_KV_SERIALIZABLE

/**
 * struct kraft_kv_args - argument of KRAFT_IOC_PUT, _GET, _DEL and _CAS
 * @key_ptr: in: the key's bytes
 * @value_ptr: in: value to write (put, cas); out: buffer for get
 * @key_len: in: 1..%KRAFT_KEY_MAX
 * @value_len: in: length to write (put, cas) or capacity of @value_ptr
 *	(get); out (get): the value's full length, which may exceed the
 *	capacity, in which case only the capacity was copied
 * @flags: KRAFT_KV_* flags
 * @timeout_ms: in: how long to wait for the cluster; 0 = 5000
 * @expect_rev: in (cas): the key's expected mod revision, 0 = create only
 * @rev: out: the new revision (put, del, cas) or the store's revision
 *	at which a get was served
 * @create_rev: out (get): revision that created the key
 * @mod_rev: out (get): revision of the key's last write
 * @version: out (get): writes since the key was created
 * @result: out: enum kraft_kv_result
 * @reserved: must be zero
 *
 * Errors: -EINVAL (bad field), -E2BIG (limits), -ETIMEDOUT (no leader or
 * quorum within the timeout, a new leader displaced the write from this
 * node's log, or the term changed while the write was forwarded to the
 * leader: a write's outcome is then unknown), -EINTR (signal), -EIO (the
 * node failed safe), -ENOSPC (log full until a snapshot), -ECANCELED (a
 * write that was not made: leadership moved and another entry took its
 * place in the log; or a linearizable get not served because the term
 * changed before its read point was known; safe to retry).
 */
struct kraft_kv_args {
	__u64 key_ptr;
	__u64 value_ptr;
	__u32 key_len;
	__u32 value_len;
	__u32 flags;
	__u32 timeout_ms;
	__u64 expect_rev;
	__u64 rev;
	__u64 create_rev;
	__u64 mod_rev;
	__u64 version;
	__u32 result;
	__u32 reserved[7];
};

/**
 * struct kraft_kv_record - one key in a KRAFT_IOC_RANGE buffer, followed by
 * the key's bytes, then the value's bytes, then zero padding to 8 bytes
 * @key_len: bytes of key
 * @value_len: bytes of value
 * @create_rev: revision that created the key
 * @mod_rev: revision of the key's last write
 * @version: writes since creation
 */
struct kraft_kv_record {
	__u32 key_len;
	__u32 value_len;
	__u64 create_rev;
	__u64 mod_rev;
	__u64 version;
};

/**
 * struct kraft_range_args - argument of KRAFT_IOC_RANGE: keys with a prefix
 * @prefix_ptr: in: the prefix (may be empty: every key)
 * @buf_ptr: in: buffer for struct kraft_kv_record entries
 * @prefix_len: in: 0..%KRAFT_KEY_MAX
 * @buf_len: in: capacity of @buf_ptr (at most 64 MiB are filled in one
 *	call); out: bytes used
 * @limit: in: at most this many keys, 0 = no limit
 * @count: out: keys returned
 * @flags: KRAFT_KV_* flags
 * @timeout_ms: as for struct kraft_kv_args
 * @rev: out: the store's revision the range was served at
 * @more: out: 1 when keys were left out (limit or buffer)
 * @reserved: must be zero
 */
struct kraft_range_args {
	__u64 prefix_ptr;
	__u64 buf_ptr;
	__u32 prefix_len;
	__u32 buf_len;
	__u32 limit;
	__u32 count;
	__u32 flags;
	__u32 timeout_ms;
	__u64 rev;
	__u32 more;
	__u32 reserved[7];
};

/**
 * struct kraft_watch_args - argument of KRAFT_IOC_WATCH, which returns a new
 * file descriptor delivering struct kraft_watch_event records via read()
 * and poll()
 * @prefix_ptr: in: watch keys with this prefix (may be empty)
 * @prefix_len: in: 0..%KRAFT_KEY_MAX
 * @flags: must be zero
 * @from_rev: in: first revision to deliver; 0 = from now on. Older than
 *	the retained history: -ENOENT (compacted)
 * @reserved: must be zero
 */
struct kraft_watch_args {
	__u64 prefix_ptr;
	__u32 prefix_len;
	__u32 flags;
	__u64 from_rev;
	__u32 reserved[8];
};

/* struct kraft_watch_event.type */
#define KRAFT_EVENT_PUT		1
#define KRAFT_EVENT_DELETE	2

/**
 * struct kraft_watch_event - one event read from a watch fd, followed by
 * the key's bytes, the value's bytes (none for a delete), and zero padding
 * to 8 bytes; read() returns whole events only (-EINVAL when the buffer
 * cannot hold the next one)
 * @type: KRAFT_EVENT_*
 * @key_len: bytes of key
 * @value_len: bytes of value
 * @reserved: zero
 * @rev: revision of the write
 * @create_rev: the key's create revision after the write (0 for delete)
 * @version: the key's version after the write (0 for delete)
 */
struct kraft_watch_event {
	__u32 type;
	__u32 key_len;
	__u32 value_len;
	__u32 reserved;
	__u64 rev;
	__u64 create_rev;
	__u64 version;
};

#define KRAFT_IOC_PUT	_IOWR(KRAFT_IOC_MAGIC, 1, struct kraft_kv_args)
#define KRAFT_IOC_GET	_IOWR(KRAFT_IOC_MAGIC, 2, struct kraft_kv_args)
#define KRAFT_IOC_DEL	_IOWR(KRAFT_IOC_MAGIC, 3, struct kraft_kv_args)
#define KRAFT_IOC_CAS	_IOWR(KRAFT_IOC_MAGIC, 4, struct kraft_kv_args)
#define KRAFT_IOC_RANGE	_IOWR(KRAFT_IOC_MAGIC, 5, struct kraft_range_args)
#define KRAFT_IOC_WATCH	_IOW(KRAFT_IOC_MAGIC, 6, struct kraft_watch_args)

/* The control character device, /dev/kraft. */
#define KRAFT_CONTROL_NAME	"kraft"

#endif /* _UAPI_LINUX_KRAFT_H */
