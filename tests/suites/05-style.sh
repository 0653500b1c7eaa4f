#!/bin/bash
# checkpatch.pl (from the linux-source-6.1 tree of the debug kernel) over
# every kernel and core source file and the UAPI header: one test a file.
set -u
src=$(ls -d /var/tmp/kraft-cache/debug-*/src | head -1)
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
echo "SUITE style: $pass passed, $fail failed"
[ "$fail" = 0 ]
