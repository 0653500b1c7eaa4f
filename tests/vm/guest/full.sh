#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest: a full log. Two nodes on 8 MiB loop devices (a
# 4 MiB ring each) and 64 writers of 100 KB values at once: more than the
# leader's ring holds before they commit. Those it cannot hold must be
# refused with -ENOSPC (kraftctl: exit 5, "the log is full") while the
# node keeps serving (it must not fail); once the entries commit, a
# snapshot frees the ring and writes work again. Prints TAP.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
export KRAFTCTL_TIMEOUT_MS=5000
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001

check "two nodes on loop devices" sh -c '
	modprobe kraft && modprobe loop 2>/dev/null
	for i in 1 2; do
		dd if=/dev/zero of=/tmp/disk$i bs=1M count=8 2>/dev/null &&
		losetup /dev/loop$i /tmp/disk$i || exit 1
	done'
net_up 2
check "both up, a write commits" sh -c "
	for i in 1 2; do
		kraftctl init /dev/loop\$i --cluster full --node \$i \
			--peers $PEERS >/dev/null &&
		$ip netns exec n\$i kraftctl up /dev/loop\$i >/dev/null || exit 1
	done
	i=0; until kraftctl -n kraft0 put a 1 >/dev/null 2>&1; do
		i=\$((i + 1)); [ \$i -lt 50 ] || exit 1; sleep 0.2; done"
lead=$(node_field kraft0 leader)
node=kraft$((lead - 1))
other=$((3 - lead))
check "64 writers of 100 KB at once: those the ring cannot hold are refused" sh -c "
	kraftctl -n $node -o json bench put --clients 64 --ops 128 \
		--value-size 100000 --keys 4 >/tmp/b 2>/tmp/be; rc=\$?
	cat /tmp/b /tmp/be
	[ \$rc = 5 ] && ! grep -q '\"errors\":0}' /tmp/b &&
	grep -q '^kraftctl: bench: [0-9]* errors: .*No space left on device' /tmp/be &&
	dmesg | grep -q '$node: log full: writes refused'"
check "the leader has not failed" sh -c \
	"kraftctl -n $node -o json status | grep -q '\"failed\":false' &&
	 ! dmesg | grep -q 'stops acknowledging'"
check "reads are still served" sh -c "kraftctl -n $node get a | grep -qx 1"
check "once entries commit and a snapshot frees the ring, writes work" sh -c "
	i=0; until kraftctl -n $node put after 1 >/dev/null 2>&1; do
		i=\$((i + 1)); [ \$i -lt 50 ] || exit 1; sleep 0.2; done"
check "both nodes serve the last write" sh -c '
	for n in kraft0 kraft1; do
		i=0; until [ "$(kraftctl -n $n get after --serializable 2>/dev/null)" = 1 ]; do
			i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done
	done'
check "down, rmmod" sh -c 'kraftctl down kraft0 && kraftctl down kraft1 && rmmod kraft'
tap_done
