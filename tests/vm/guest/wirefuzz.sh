#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with 2 blank disks: hostile bytes on the wire. A
# 3-member cluster without a key runs nodes 1 and 2; from node 3's address
# tests/fault/kraft-wirefuzz connects to both as member 3 (or as a
# stranger) for 15 s with random and mutated frames and Raft messages,
# while a client writes. The nodes must count the bad frames, never crash,
# warn or leak (the harness checks), and serve once it stops. Prints TAP.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
export KRAFTCTL_TIMEOUT_MS=5000
fuzz=$KRAFT_REPO/build/user/kraft-wirefuzz
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001

modprobe kraft
net_up 3
check "nodes 1 and 2 of 3 up" sh -c "
	for i in 1 2; do
		kraftctl init /dev/vd\$(echo bc | cut -c\$i) --cluster wire \
			--node \$i --peers $PEERS >/dev/null &&
		$ip netns exec n\$i kraftctl up /dev/vd\$(echo bc | cut -c\$i) \
			>/dev/null || exit 1
	done
	i=0; until kraftctl -n kraft0 put a 1 >/dev/null 2>&1; do
		i=\$((i + 1)); [ \$i -lt 50 ] || exit 1; sleep 0.2; done"
$ip netns exec n3 "$fuzz" --addr 10.9.0.1:7001 --cluster wire --as 3 --to 1 \
	--seconds 15 --seed 1 >/tmp/fuzz1 2>&1 &
$ip netns exec n3 "$fuzz" --addr 10.9.0.2:7001 --cluster wire --as 3 --to 2 \
	--seconds 15 --seed 2 >/tmp/fuzz2 2>&1 &
i=0
while [ $i -lt 60 ]; do	# a client meanwhile (it may see refusals)
	kraftctl -n kraft$((i % 2)) put w$i $i >/dev/null 2>&1
	i=$((i + 1))
	sleep 0.2
done
wait
sed 's/^/# /' /tmp/fuzz1 /tmp/fuzz2
check "the fuzzer ran against both nodes" sh -c \
	'grep -q "handshakes as member 3" /tmp/fuzz1 && grep -q "handshakes as member 3" /tmp/fuzz2'
check "both nodes counted bad frames" sh -c '
	for n in kraft0 kraft1; do
		[ "$(kraftctl -n $n -o json status | sed -n "s/.*\"frames_bad\":\([0-9]*\).*/\1/p")" -gt 0 ] || exit 1
	done'
check "both nodes are up and not failed" sh -c '
	for n in kraft0 kraft1; do
		kraftctl -n $n -o json status | grep -q "\"failed\":false" || exit 1
	done'
check "the cluster serves after the fuzzing" sh -c '
	i=0; until kraftctl -n kraft0 put after 1 >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done
	[ "$(kraftctl -n kraft1 get after)" = 1 ]'
check "down, rmmod" sh -c 'kraftctl down kraft0 && kraftctl down kraft1 && rmmod kraft'
tap_done
