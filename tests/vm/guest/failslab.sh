#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a debug-kernel guest with 3 blank disks: allocation failures
# (failslab) in the module's own threads, the nodes' loops kraft/kraftN,
# and in one writer's ioctls (task-filter: only tasks marked make-it-fail),
# while another writer records what was acknowledged. Nodes may refuse
# requests or fail safe; the kernel must not crash, warn or leak (the
# harness checks KASAN, lockdep, kmemleak), and every acknowledged write
# must be there once the nodes are restarted from their disks. Prints TAP.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
export KRAFTCTL_TIMEOUT_MS=1000
fs=/sys/kernel/debug/failslab
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001

mount -t debugfs none /sys/kernel/debug 2>/dev/null
check "failslab is there" test -d $fs
modprobe kraft
net_up 3
up_all() {
	for i in 1 2 3; do
		$ip netns exec n$i kraftctl up /dev/vd$(echo bcd | cut -c$i) \
			>/dev/null || return 1
	done
}
check "a 3-node cluster" sh -c "
	for i in 1 2 3; do
		kraftctl init /dev/vd\$(echo bcd | cut -c\$i) --cluster slab \
			--node \$i --peers $PEERS >/dev/null || exit 1
	done"
up_all
check "up, a write commits" sh -c '
	i=0; until kraftctl -n kraft0 put a 1 >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done'
loops=$(echo $(loop_pids))	# one line
check "fail 1% of the allocations in the 3 nodes' loops and the client" sh -c "
	[ \$(echo $loops | wc -w) = 3 ] &&
	echo 1 >$fs/probability && echo 1 >$fs/interval &&
	echo -1 >$fs/times && echo Y >$fs/task-filter &&
	echo N >$fs/ignore-gfp-wait && echo 0 >$fs/verbose &&
	for p in $loops; do
		echo 1 >/proc/\$p/make-it-fail || exit 1
	done"
# Two writers: one marked make-it-fail (allocations in the ioctl path fail
# too; its results are not checked: its own shell and kraftctl's exec fail
# as well), and one not, recording what was acknowledged.
end=$(($(date +%s) + 10))
sh -c "echo 1 >/proc/self/make-it-fail
	while [ \$(date +%s) -lt $end ]; do
		kraftctl -n kraft\$((RANDOM % 3)) put m\$RANDOM x >/dev/null 2>&1
	done" </dev/null 2>/dev/null &
i=0
while [ "$(date +%s)" -lt $end ]; do
	kraftctl -n kraft$((i % 3)) put k$i v$i >/dev/null 2>&1 && echo k$i >>/tmp/acked
	i=$((i + 1))
done
wait
echo $i >/tmp/tried
check "stop injecting" sh -c "echo 0 >$fs/probability"
echo "# $(wc -l </tmp/acked 2>/dev/null || echo 0) of $(cat /tmp/tried) writes acknowledged under failslab"
dmesg | grep -E "kraft[0-9]: .*(failed|stops)" | sed 's/^/# /' | head -5
# A node that did not fail safe applied every entry it took: while two are
# up they hold every acknowledged write (one skipped for want of memory
# would set that node's data apart for good).
check "the nodes still up hold every acknowledged write (local reads)" sh -c '
	up=""
	for x in kraft0 kraft1 kraft2; do
		kraftctl -n $x -o json status | grep -q "\"failed\":true" ||
			up="$up $x"
	done
	[ $(echo $up | wc -w) -ge 2 ] || { echo "# fewer than two up"; exit 0; }
	while read -r k; do
		for x in $up; do
			i=0
			until [ "$(kraftctl -n $x get $k --serializable 2>/dev/null)" = "v${k#k}" ]; do
				i=$((i + 1))
				[ $i -lt 25 ] || { echo "# $x lacks $k"; exit 1; }
				sleep 0.2
			done
		done
	done </tmp/acked'
check "every node goes down, and comes back from its disk" sh -c "
	for x in kraft0 kraft1 kraft2; do kraftctl down \$x || exit 1; done"
up_all
check "the cluster serves again" sh -c '
	i=0; until kraftctl -n kraft0 put after 1 >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done'
check "every acknowledged write is there" sh -c '
	[ -s /tmp/acked ] || exit 1
	while read -r k; do
		[ "$(kraftctl -n kraft0 get $k)" = "v${k#k}" ] || { echo "# lost $k"; exit 1; }
	done </tmp/acked'
check "down, rmmod" sh -c 'for x in kraft0 kraft1 kraft2; do kraftctl down $x; done; rmmod kraft'
tap_done
