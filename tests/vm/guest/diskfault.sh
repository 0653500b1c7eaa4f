#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a debug-kernel guest with a blank disk: I/O errors from the
# node's device (fail_make_request) make the node fail safe: writes are
# refused, status says so, the kernel log says why; then it goes down and
# the module unloads without a splat or a leak (the harness checks both).
# A failed hard-state write alone fails it safe as well, and the node comes
# back from its disk. Also: data survives a module reload. Prints TAP.
. "$(dirname "$0")/tap.sh"
export KRAFTCTL_TIMEOUT_MS=3000
fi=/sys/kernel/debug/fail_make_request

check "debugfs" sh -c 'mount -t debugfs none /sys/kernel/debug 2>/dev/null; test -d '$fi
check "a node up" sh -c 'modprobe kraft &&
	kraftctl init /dev/vdb --cluster f --node 1 --peers 1=127.0.0.1:7001 >/dev/null &&
	kraftctl up /dev/vdb >/dev/null'
check "writes work" sh -c 'kraftctl put a 1 >/dev/null && kraftctl put b 2 >/dev/null'
check "reload: down, rmmod, modprobe, up" sh -c 'kraftctl down kraft0 && rmmod kraft &&
	modprobe kraft && kraftctl up /dev/vdb >/dev/null'
check "the data survived the reload" sh -c \
	'i=0; until kraftctl get b >/tmp/o 2>/dev/null; do i=$((i+1)); [ $i -lt 20 ] || exit 1; sleep 0.2; done; grep -qx 2 /tmp/o'
# A failed hard-state write: fail_make_request lets 4 KiB of
# writes through ("space": a bio passes while it is smaller than what is
# left) and fails the next one. A put writes its entry (one block) with
# FUA and is answered once it commits; the hard state with the new commit
# index is written after that (at most 100 ms later: commit_save_ms).
check "let one entry's write through, fail the next (a put's hard state)" sh -c \
	"echo 1 >/sys/block/vdb/make-it-fail && echo 4097 >$fi/space &&
	 echo 1 >$fi/times && echo 100 >$fi/probability && echo 0 >$fi/verbose"
check "the put (durable) is acknowledged; its commit's write fails; the node fails safe" sh -c \
	'kraftctl put hs 1 >/dev/null &&
	 i=0; until kraftctl -o json status | grep -q "\"failed\":true"; do
		i=$((i+1)); [ $i -lt 20 ] || exit 1; sleep 0.2; done &&
	 { kraftctl put hs2 1; [ $? != 0 ]; }'
check "the failed write was a hard-state slot (block 1 or 2)" sh -c \
	'dmesg | grep -E "vdb: write at byte (4096|8192) failed" &&
	 dmesg | grep -q "kraft0: persisting failed.*stops acknowledging"'
check "stop injecting; down and up again from the disk" sh -c "
	echo 0 >$fi/probability && echo 0 >$fi/space &&
	echo 0 >/sys/block/vdb/make-it-fail && dmesg -c >/dev/null &&
	kraftctl down kraft0 && kraftctl up /dev/vdb >/dev/null"
check "acknowledged data survived; the node serves again" sh -c \
	'i=0; until kraftctl put after-hs 1 >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 20 ] || exit 1; sleep 0.2; done
	 kraftctl get b | grep -qx 2 && kraftctl get hs | grep -qx 1'
check "inject I/O errors on the device" sh -c "echo 1 >/sys/block/vdb/make-it-fail &&
	echo 100 >$fi/probability && echo -1 >$fi/times && echo 0 >$fi/verbose"
check "a write now fails" sh -c 'kraftctl put c 3; [ $? != 0 ]'
check "status says failed" sh -c 'kraftctl -o json status | grep -q "\"failed\":true"'
check "the kernel log says why" sh -c 'dmesg | grep -q "kraft0: .*failed.*stops acknowledging"'
check "later writes are refused at once" sh -c 'kraftctl put d 4; [ $? != 0 ]'
check "stop injecting" sh -c "echo 0 >$fi/probability && echo 0 >/sys/block/vdb/make-it-fail"
check "down and rmmod after the failure" sh -c 'kraftctl down kraft0 && rmmod kraft'
tap_done
