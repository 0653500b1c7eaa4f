#!/bin/bash
# Guest tests on both kernels, and the harness's own contract:
# `-- true` exits 0, `-- false` non-zero, a kernel WARN non-zero.
set -u
logs=build/check	# in the tree: checkouts may run make check at once
mkdir -p $logs
pass=0
fail=0
expect() {
	local desc=$1 want=$2
	shift 2
	"$@" >$logs/vm-self.log 2>&1
	local rc=$?
	# WANT: 0, 1 (any failure) or an exact status
	if [ $rc = "$want" ] || { [ "$want" = 1 ] && [ $rc != 0 ]; }; then
		echo "ok - $desc (exit $rc)"
		pass=$((pass + 1))
	else
		echo "not ok - $desc (exit $rc)"
		tail -20 $logs/vm-self.log
		fail=$((fail + 1))
	fi
}
# name, kernel, blank disks, guest script
runs="debian debian 0 smoke
debug debug 0 smoke
disk debian 2 disk
node-debian debian 1 node
node-debug debug 1 node
cluster-debian debian 5 cluster
cluster-debug debug 5 cluster
uapi-debian debian 1 uapi
uapi-debug debug 1 uapi
diskfault debug 1 diskfault
full debian 0 full
load debian 3 load
failslab debug 3 failslab
wirefuzz-debug debug 2 wirefuzz
apifuzz-debug debug 3 apifuzz
crash-debug debug 4 crash"
make -s selftests kraft-wirefuzz kraft-apifuzz kraft-replay kraft-crashload >/dev/null || echo "not ok - building the selftests and the fuzzers"
while read -r k kernel disks script; do
	tests/vm/run --kernel "$kernel" --disks "$disks" --disk-mb 64 -- \
		"tests/vm/guest/$script.sh" </dev/null >$logs/vm-$k.log 2>&1
	rc=$?
	grep -E '^(not )?ok [0-9]+ |^# ' $logs/vm-$k.log | sed "s/^/[$k] /"
	line=$(tests/vm/tap-count "$k" $rc <$logs/vm-$k.log)
	[ $rc = 0 ] || tail -30 $logs/vm-$k.log
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
done <<<"$runs"
expect "harness: debug -- true exits 0" 0 tests/vm/run --kernel debug -- true
expect "harness: debian -- false exits non-zero" 1 tests/vm/run --kernel debian -- false
expect "harness: a kernel WARN fails the run (debian)" 1 \
	tests/vm/run --kernel debian -- modprobe kraft_splat
expect "harness: a kernel WARN fails the run (debug)" 1 \
	tests/vm/run --kernel debug -- modprobe kraft_splat
expect "harness: --vms 2, a command on the second guest" 0 \
	tests/vm/run --kernel debian --vms 2 -- sh -c \
	'[ "$(kraft-vm 2 hostname)" = kraft-vm2 ] && kraft-vm 2 --powercut &&
	 kraft-vm 2 --wait 120 && kraft-vm 2 "exit 3"; [ $? = 3 ]'
expect "harness: a kernel WARN on the second guest fails the run (126)" 126 \
	tests/vm/run --kernel debian --vms 2 -- kraft-vm 2 modprobe kraft_splat
echo "SUITE vm: $pass passed, $fail failed"
[ "$fail" = 0 ]
