#!/bin/bash
# Fault schedules against real clusters (tests/fault/run): a short
# fixed-seed set, 3 nodes on the Debian kernel and on the debug kernel
# (KASAN, lockdep, kmemleak), and 3 nodes on 3 debug guests with power
# cuts; every history checked for linearizability.
# `make torture DURATION=TIME` runs schedules for as long as asked.
set -u
logs=build/check	# in the tree: checkouts may run make check at once
mkdir -p $logs
pass=0
fail=0
for run in "debian 1 3 1 15" "debug 101 102 1 40" "debug 201 201 3 40"; do
	set -- $run
	log=$logs/fault-$1-$4.log
	tests/fault/run --kernel "$1" --nodes 3 --seconds "$5" --per-guest 3 \
		--vms "$4" "$2" "$3" >"$log" 2>&1
	grep -E '^(not )?ok |^# results' "$log" | sed "s/^/[$1 vms=$4] /"
	line=$(grep '^SUITE fault:' "$log")
	if [ -z "$line" ]; then
		tail -20 "$log"
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
