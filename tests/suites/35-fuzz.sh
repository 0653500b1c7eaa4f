#!/bin/bash
# libFuzzer over the core's decoders (tests/fuzz/), a fixed budget of runs
# from a fixed seed each; `make fuzz FUZZ_SECONDS=N` runs them longer.
set -u
cd "$(dirname "$0")/../.."
runs=${FUZZ_RUNS:-300000}
pass=0
fail=0
for src in tests/fuzz/fuzz_*.c; do
	t=build/user/$(basename "$src" .c)
	work=$(mktemp -d)
	mkdir -p "$work/corpus"
	# new inputs go to the first corpus directory, a scratch one
	if make -s "$t" && (cd "$work" && "$OLDPWD/$t" -seed=1 -runs="$runs" \
		corpus "$OLDPWD/tests/fuzz/seeds") >"$work/log" 2>&1; then
		echo "ok - $(basename "$t"): $(grep -o 'Done [0-9]* runs' "$work/log")"
		pass=$((pass + 1))
	else
		echo "not ok - $(basename "$t")"
		tail -30 "$work/log" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
	rm -rf "$work"
done
echo "SUITE fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
