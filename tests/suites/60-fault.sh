#!/bin/bash
# Fault schedules against real clusters (tests/fault/run): a short
# fixed-seed set, 3 nodes on the Debian kernel and on the debug kernel
# (KASAN, lockdep, kmemleak), every history checked for linearizability.
# `make torture DURATION=N` runs as many as asked.
set -u
pass=0
fail=0
for run in "debian 1 3" "debug 101 102"; do
	set -- $run
	tests/fault/run --kernel "$1" --nodes 3 --seconds 15 --per-guest 3 \
		"$2" "$3" >/tmp/kraft-fault-$1.log 2>&1
	grep -E '^(not )?ok |^# results' /tmp/kraft-fault-$1.log | sed "s/^/[$1] /"
	line=$(grep '^SUITE fault:' /tmp/kraft-fault-$1.log)
	if [ -z "$line" ]; then
		tail -20 /tmp/kraft-fault-$1.log
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "SUITE fault: $pass passed, $fail failed"
[ "$fail" = 0 ]
