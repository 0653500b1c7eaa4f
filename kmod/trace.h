/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - kraft's tracepoints (events/kraft/ in tracefs): role and
 * leader changes, elections, commits, snapshots, peer connections.
 * Instantiated in kmod/trace.c.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kraft

#if !defined(KRAFT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KRAFT_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(kraft_role,
	TP_PROTO(const char *node, u64 term, u8 role, u64 leader),
	TP_ARGS(node, term, role, leader),
	TP_STRUCT__entry(
		__string(node, node)
		__field(u64, term)
		__field(u8, role)
		__field(u64, leader)
	),
	TP_fast_assign(
		__assign_str(node, node);
		__entry->term = term;
		__entry->role = role;
		__entry->leader = leader;
	),
	TP_printk("%s term=%llu role=%s leader=%llu", __get_str(node),
		  __entry->term,
		  __print_symbolic(__entry->role, { 0, "follower" },
				   { 1, "precandidate" }, { 2, "candidate" },
				   { 3, "leader" }),
		  __entry->leader)
);

TRACE_EVENT(kraft_election,
	TP_PROTO(const char *node, u64 term),
	TP_ARGS(node, term),
	TP_STRUCT__entry(
		__string(node, node)
		__field(u64, term)
	),
	TP_fast_assign(
		__assign_str(node, node);
		__entry->term = term;
	),
	TP_printk("%s campaigns in term %llu", __get_str(node), __entry->term)
);

TRACE_EVENT(kraft_commit,
	TP_PROTO(const char *node, u64 commit, u32 applied),
	TP_ARGS(node, commit, applied),
	TP_STRUCT__entry(
		__string(node, node)
		__field(u64, commit)
		__field(u32, applied)
	),
	TP_fast_assign(
		__assign_str(node, node);
		__entry->commit = commit;
		__entry->applied = applied;
	),
	TP_printk("%s commit=%llu applying=%u", __get_str(node),
		  __entry->commit, __entry->applied)
);

TRACE_EVENT(kraft_snapshot,
	TP_PROTO(const char *node, u64 index, u32 bytes, bool installed),
	TP_ARGS(node, index, bytes, installed),
	TP_STRUCT__entry(
		__string(node, node)
		__field(u64, index)
		__field(u32, bytes)
		__field(bool, installed)
	),
	TP_fast_assign(
		__assign_str(node, node);
		__entry->index = index;
		__entry->bytes = bytes;
		__entry->installed = installed;
	),
	TP_printk("%s %s snapshot at %llu, %u bytes", __get_str(node),
		  __entry->installed ? "installed" : "took", __entry->index,
		  __entry->bytes)
);

TRACE_EVENT(kraft_peer,
	TP_PROTO(const char *node, u64 peer, bool connected),
	TP_ARGS(node, peer, connected),
	TP_STRUCT__entry(
		__string(node, node)
		__field(u64, peer)
		__field(bool, connected)
	),
	TP_fast_assign(
		__assign_str(node, node);
		__entry->peer = peer;
		__entry->connected = connected;
	),
	TP_printk("%s peer %llu %s", __get_str(node), __entry->peer,
		  __entry->connected ? "connected" : "disconnected")
);

#endif /* KRAFT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
