// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kv.c - libFuzzer target: hostile bytes as a KV command, a
 * membership change and a KV snapshot. Each decoder refuses or accepts
 * without reading out of bounds; accepted commands are applied, and a
 * store that took a snapshot restores it identically.
 */
#include "raft.h"
#include "kv.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct kraft_conf_change *cc = malloc(sizeof(*cc));
	struct kraft_kv *kv = kraft_kv_new(8), *kv2 = kraft_kv_new(8);
	struct kraft_kv_outcome res;
	struct kraft_kv_cmd cmd;
	u8 *snap, *snap2;
	u32 len, len2;

	if (!cc || !kv || !kv2)
		goto out;
	kraft_conf_change_decode(data, size, cc);
	kraft_kv_restore(kv2, data, size);
	kraft_kv_apply(kv, data, size, &cmd, &res);
	if (!kraft_kv_snapshot(kv, &snap, &len)) {
		if (kraft_kv_restore(kv2, snap, len))
			__builtin_trap();
		if (!kraft_kv_snapshot(kv2, &snap2, &len2)) {
			if (len2 != len || memcmp(snap, snap2, len))
				__builtin_trap();
			free(snap2);
		}
		free(snap);
	}
out:
	free(cc);
	kraft_kv_free(kv);
	kraft_kv_free(kv2);
	return 0;
}
