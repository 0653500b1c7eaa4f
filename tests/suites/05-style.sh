#!/bin/bash
# checkpatch.pl (from linux-source-6.1, unpacked once into the cache) over
# every kernel and core source file and the UAPI header: one test a file.
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
echo "SUITE style: $pass passed, $fail failed"
[ "$fail" = 0 ]
