#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with a blank disk (tests/vm/run --disks 1): starts a
# single-voter node on /dev/vdb and runs the kselftest of the ioctl and
# netlink interfaces (tests/selftests/kraft_uapi.c), whose results are
# folded into this script's TAP stream, then stops the node and the
# module. Prints TAP.
. "$(dirname "$0")/tap.sh"
export KRAFTCTL_TIMEOUT_MS=10000 KRAFT_DEVICE=/dev/vdb

check "modprobe kraft" modprobe kraft
check "a single-voter node" sh -c \
	'kraftctl init /dev/vdb --cluster st --node 1 --peers 1=127.0.0.1:7100 &&
	 kraftctl up /dev/vdb | grep -qx kraft0 && kraftctl put ready 1 >/dev/null'
kraft_uapi >/tmp/uapi.out 2>&1
rc=$?
while read -r line; do
	case "$line" in
	"ok "[0-9]*)
		n=$((n + 1)); echo "ok $n - uapi: ${line#ok * }" ;;
	"not ok "[0-9]*)
		n=$((n + 1)); fails=$((fails + 1))
		echo "not ok $n - uapi: ${line#not ok * }" ;;
	"#"*) echo "$line" ;;
	esac
done </tmp/uapi.out
check "the selftest exits 0" test "$rc" = 0
check "the node still serves" sh -c 'kraftctl put after 1 && kraftctl get after | grep -qx 1'
check "rmmod" sh -c 'kraftctl down kraft0 && rmmod kraft'
tap_done
