#!/bin/bash
# checkpatch.pl (from linux-source-6.1, unpacked once into the cache) over
# every kernel and core source file and the UAPI header: one test a file.
# Then the static checks of what is not C: kraftctl's man page and bash
# completion name every command, and make bench's report turns results
# into the TARGET lines it should.
set -u
cache=${KRAFT_CACHE:-/var/tmp/kraft-cache}
src=$cache/checkpatch-$(dpkg-query -W -f='${Version}' linux-source-6.1)
if [ ! -f "$src/.done" ]; then
	rm -rf "$src" && mkdir -p "$src" &&
	tar -xf "$(ls /usr/src/linux-source-6.1.tar.* | head -1)" -C "$src" \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch &&
	touch "$src/.done"
fi
cp=$src/scripts/checkpatch.pl
pass=0
fail=0
for f in kmod/*.[ch] kmod/core/*.[ch] include/uapi/linux/*.h tests/kbuild/*.c; do
	[ -e "$f" ] || continue
	out=$(perl "$cp" --no-tree --quiet --show-types \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,CAMELCASE \
		--ignore PREFER_KERNEL_TYPES,NEW_TYPEDEFS -f "$f" 2>&1)
	if [ -z "$out" ]; then
		pass=$((pass + 1))
	else
		echo "not ok - checkpatch $f"
		echo "$out" | head -20 | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done
# kraftctl(8) and the bash completion name every command kraftctl has
cmds=$(sed -n 's/^\t{ "\([a-z]*\)", cmd_.*/\1/p' userspace/kraftctl.c)
for c in $cmds; do
	if grep -q "^\.B $c\b" userspace/kraftctl.8 &&
	   grep -qw "$c" userspace/kraftctl.bash; then
		pass=$((pass + 1))
	else
		echo "not ok - kraftctl $c is missing from the man page or completion"
		fail=$((fail + 1))
	fi
done
if [ -n "$cmds" ] && bash -n userspace/kraftctl.bash &&
   [ -z "$(LC_ALL=C groff -man -ww -z userspace/kraftctl.8 2>&1)" ]; then
	pass=$((pass + 1))
else
	echo "not ok - kraftctl.8 (groff warnings) or kraftctl.bash (syntax)"
	fail=$((fail + 1))
fi
# make bench's report judges the targets from its results as it should
w='"serializable":false,"value_size":128,"errors":0,"p99_ms":9'
a='"entry_size":4096,"kraft_us_per_batch":1,"raw_us_per_write":1'
a+=',"kraft_mb_s":1,"raw_mb_s":1'
rep=$(mktemp -d)
cat >"$rep/r.jsonl" <<EOF
{"workload":"put","clients":1,"system":"kraft","ops_per_s":300,"p50_ms":1.2,$w}
{"workload":"put","clients":64,"system":"kraft","ops_per_s":600,"p50_ms":5,$w}
{"workload":"put","clients":64,"system":"etcd","ops_per_s":100,"p50_ms":9,$w}
{"workload":"get","clients":64,"system":"kraft","ops_per_s":400,"p50_ms":1,$w}
{"workload":"get","clients":64,"system":"etcd","ops_per_s":100,"p50_ms":2,$w}
{"floor":"fua_4k_write","ms":0.8}
{"floor":"rtt","ms":0.2}
{"memory":"kraft","nodes":3,"keys":1000,"before_kb":0,"after_kb":3000,"raw_bytes":1000000}
{"append":{"batch":1,"ratio":0.5,$a}}
{"append":{"batch":64,"ratio":0.9,$a}}
{"append":{"batch":256,"ratio":0.7,$a}}
EOF
cat >"$rep/want" <<EOF
TARGET append-vs-raw-fua-batch-64-and-more: measured 0.70 (goal 0.8) missed
TARGET write-throughput-64-clients-vs-etcd: measured 6.00 (goal 5) met
TARGET linearizable-read-throughput-vs-etcd: measured 4.00 (goal 5) missed
TARGET p50-write-latency-1-client-vs-floor: measured 1.20 (goal 1.5) met
TARGET kernel-memory-vs-data: measured 1.02 (goal 2) met
EOF
if python3 tests/bench/report.py "$rep/r.jsonl" "$rep" >"$rep/out" &&
   grep '^TARGET' "$rep/out" | diff -u "$rep/want" - &&
   [ -s "$rep/plot.gp" ]; then
	pass=$((pass + 1))
else
	echo "not ok - tests/bench/report.py: TARGET lines"
	fail=$((fail + 1))
fi
rm -rf "$rep"
echo "SUITE style: $pass passed, $fail failed"
[ "$fail" = 0 ]
