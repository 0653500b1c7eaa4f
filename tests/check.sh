#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/check.sh - run every suite under tests/suites/ in name order and
# print one closing line "N passed, M failed" over all of them.
#
# Each suite script runs from the repository root and ends its output with
# "SUITE <name>: N passed, M failed". A script that exits non-zero without
# such a line counts as one failure. KRAFT_SUITES=glob picks a subset.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
skip=0
log=$(mktemp -d)
for s in tests/suites/${KRAFT_SUITES:-*}.sh; do
	[ -e "$s" ] || continue
	name=$(basename "$s" .sh)
	echo "=== suite $name"
	start=$(date +%s)
	bash "$s" 2>&1 | tee "$log/$name.out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^SUITE [^:]+: [0-9]+ passed, [0-9]+ failed' "$log/$name.out" | tail -1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		k=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
		skip=$((skip + ${k:-0}))
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			f=1
		fi
	else
		p=0
		f=1
	fi
	echo "=== suite $name: $p passed, $f failed ($(( $(date +%s) - start ))s)"
	pass=$((pass + p))
	fail=$((fail + f))
done
rm -rf "$log"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
