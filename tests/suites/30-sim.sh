#!/bin/bash
# Deterministic simulation: fixed seeds across node counts and fault mixes
# (tests/sim/seeds), the linearizability checker on hand-made histories.
# SEEDS=N runs more (make soak).
set -u
cd "$(dirname "$0")/../.."
logs=build/check	# in the tree: checkouts may run make check at once
mkdir -p $logs
make -s build/user/lincheck || { echo "SUITE sim: 0 passed, 1 failed"; exit 1; }
pass=0
fail=0
for f in tests/lincheck/cases/*.jsonl; do
	want=0
	case $(basename "$f") in bad-*) want=1 ;; esac
	build/user/lincheck "$f" >$logs/lincheck.out 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		echo "ok - lincheck $(basename "$f") exits $got"
		pass=$((pass + 1))
	else
		echo "not ok - lincheck $(basename "$f") exits $got, want $want"
		sed 's/^/# /' $logs/lincheck.out
		fail=$((fail + 1))
	fi
done
out=$(tests/sim/seeds 1 "${SEEDS:-400}")
echo "$out" | grep -v '^ok'
line=$(echo "$out" | tail -1)
p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
pass=$((pass + ${p:-0}))
fail=$((fail + ${f:-1}))
echo "SUITE sim: $pass passed, $fail failed"
[ "$fail" = 0 ]
