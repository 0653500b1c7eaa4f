#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with a blank disk (tests/vm/run --disks 1): a
# single-voter node end to end with kraftctl: init, up, put/get/cas/del,
# status, down, up again with the data still there, and rmmod with the
# node running. Prints TAP.
. "$(dirname "$0")/tap.sh"
export KRAFTCTL_TIMEOUT_MS=5000

check "modprobe kraft" modprobe kraft
check "kraftctl init" kraftctl init /dev/vdb --cluster solo --node 1 \
	--peers 1=127.0.0.1:7001
check "kraftctl up prints the node name" sh -c \
	'kraftctl up /dev/vdb >/tmp/name && grep -qx "kraft0" /tmp/name'
check "/dev/kraft0 exists" test -c /dev/kraft0
# the first write may wait for the node to elect itself (150-300 ms)
check "put prints the new revision" sh -c \
	'kraftctl put a 1 >/tmp/out && grep -qx 1 /tmp/out' 
check "get prints the value" sh -c 'kraftctl get a >/tmp/out && grep -qx 1 /tmp/out'
check "serializable get" sh -c 'kraftctl get a --serializable | grep -qx 1'
check "cas with the right revision" sh -c 'kraftctl cas a --rev 1 2 | grep -qx 2'
check "cas with a stale revision exits 4" sh -c 'kraftctl cas a --rev 1 3; [ $? = 4 ]'
check "cas --rev 0 creates only" sh -c 'kraftctl cas b --rev 0 x | grep -qx 3'
check "del, then get exits 3" sh -c 'kraftctl del a && { kraftctl get a; [ $? = 3 ]; }'
check "del of a missing key exits 3" sh -c 'kraftctl del a; [ $? = 3 ]'
check "a key over 1 KiB is refused" sh -c \
	'k=$(head -c 1025 /dev/zero | tr "\0" k); kraftctl put "$k" v; [ $? != 0 ]'
check "status shows a leader" sh -c 'kraftctl status | tee /dev/stderr | grep -q leader'
check "json status" sh -c 'kraftctl -o json status | grep -q "\"role\":\"leader\""'
check "a second up on the same device is refused" sh -c \
	'kraftctl up /dev/vdb; [ $? = 1 ]'
check "watch from revision 1 sees the history, then live events" sh -c \
	'kraftctl watch --from-rev 1 >/tmp/watch & w=$!
	 kraftctl put live 1 >/dev/null && kraftctl del live >/dev/null
	 i=0; until grep -q "del	live" /tmp/watch; do i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1; done
	 kill -INT $w; wait $w; cat /tmp/watch
	 awk -F"\t" "NR > 1 && \$1 <= prev { exit 1 } { prev = \$1 }" /tmp/watch &&
	 head -1 /tmp/watch | grep -q "^1	put	a	1$" &&
	 grep -q "put	live	1$" /tmp/watch && grep -q "del	live$" /tmp/watch'
check "100 puts" sh -c 'i=0; while [ $i -lt 100 ]; do kraftctl put k$i v$i >/dev/null || exit 1; i=$((i + 1)); done'
check "400 puts of 100 KB wrap the 32 MiB ring (snapshots make room)" sh -c \
	'v=$(head -c 100000 /dev/zero | tr "\0" v); i=0
	 while [ $i -lt 400 ]; do kraftctl put big$((i % 10)) "$v$i" >/dev/null || exit 1; i=$((i + 1)); done
	 kraftctl get big9 | grep -q "v399$" && kraftctl status | grep -qi "snap"'
check "list with a prefix and a limit" sh -c \
	'kraftctl list k9 | tee /tmp/list | head -3; [ $(wc -l </tmp/list) = 11 ] &&
	 head -1 /tmp/list | grep -qx "k9	v9" && [ $(kraftctl list k --limit 5 | wc -l) = 5 ] &&
	 [ $(kraftctl list | wc -l) -ge 100 ] && kraftctl list nomatch | wc -l | grep -qx 0'
check "bench put and get report throughput and percentiles" sh -c \
	'kraftctl bench put --clients 4 --ops 400 --value-size 128 | tee /dev/stderr |
		grep -q "^put: 4 clients, 400 ops of 128 B in .* ops/s; latency p50 .* p99.9 .*; 0 errors$" &&
	 kraftctl -o json bench get --clients 2 --ops 200 | tee /dev/stderr |
		grep -q "\"workload\":\"get\",\"clients\":2,\"ops\":200,.*\"errors\":0}"'
# puts whose commit index nothing writes but down (no lazy write for 10 min)
check "kraftctl down" sh -c \
	'echo 600000 >/sys/module/kraft/parameters/commit_save_ms &&
	 kraftctl bench put --clients 1 --ops 50 >/dev/null && kraftctl down kraft0'
check "/dev/kraft0 is gone" sh -c '! test -e /dev/kraft0'
# A new commit index alone is written lazily (commit_save_ms), and by down.
check "down leaves the last entry committed on the device" sh -c \
	'kraftctl dump /dev/vdb >/tmp/dump &&
	 awk "/^hard state .* seq / && \$5 + 0 >= s { s = \$5 + 0; c = \$11 }
	      /^log: / { last = \$6 + \$2 - 1 }
	      END { print \"commit\", c, \"last\", last; exit !(c == last && c > 0) }" /tmp/dump'
check "up again recovers the data" sh -c \
	'kraftctl up /dev/vdb >/dev/null && i=0; until kraftctl get k99 >/tmp/out 2>/dev/null; do i=$((i+1)); [ $i -lt 20 ] || exit 1; sleep 0.2; done; grep -qx v99 /tmp/out && kraftctl get b | grep -qx x'
check "after a restart from a snapshot, a watch from revision 1 exits 3" sh -c \
	'kraftctl watch --from-rev 1; [ $? = 3 ]'
check "rmmod with a node running" rmmod kraft
check "kraftctl dump reads the log" sh -c \
	'kraftctl dump /dev/vdb | tee /tmp/dump | tail -3; grep -q "^record 1 term" /tmp/dump || grep -q "^log: " /tmp/dump'
tap_done
