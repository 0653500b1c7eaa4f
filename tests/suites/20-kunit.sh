#!/bin/bash
# The unit suites of tests/unit/ as KUnit suites in the debug kernel:
# kraft_test.ko runs them on load; its KTAP is read back from the log.
set -u
logs=build/check	# in the tree: checkouts may run make check at once
mkdir -p $logs
out=$logs/kunit.log
tests/vm/run --kernel debug --disks 1 --disk-mb 64 -- sh -c '
	dmesg -c >/dev/null
	printf KRAFT-TEST-BLANK-DISK | dd of=/dev/vdb conv=notrunc 2>/dev/null
	modprobe kraft_test || exit 1
	dmesg | sed -e "s/^\[[^]]*\] //" >/tmp/ktap
	rmmod kraft_test
	sed -n "/KTAP version 1/,\$p" /tmp/ktap | sed "s/^/KTAP: /"
' >$out 2>&1
rc=$?
sed -n 's/^KTAP: //p' $out | tee $logs/kunit.ktap
[ $rc = 0 ] || { tail -40 $out; }
line=$(tests/ktap-count kunit <$logs/kunit.ktap)
if [ $rc != 0 ]; then
	line=$(echo "$line" | awk '{ sub(/[0-9]+ failed/, ($5 + 1) " failed"); print }')
fi
echo "$line"
echo "$line" | grep -qE ' 0 failed(,|$)' && [ $rc = 0 ]
