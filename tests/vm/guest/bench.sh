#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh OUT: inside a guest with 4 blank disks, a 3-node kraft cluster
# (namespaces on a bridge) loaded by `kraftctl bench` through the leader's
# node with 1, 16, 64 and 256 clients, 128 B and 4 KiB values, puts and
# linearizable and serializable gets; then the floor: one raw 4 KiB FUA
# write on the spare disk (dd oflag=direct,dsync) and a round trip between
# two namespaces (ping). JSON lines to OUT.
. "$(dirname "$0")/net.sh"
out=$1
export KRAFTCTL_TIMEOUT_MS=30000
: >"$out"
modprobe kraft
net_up 3
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001
for i in 1 2 3; do
	dev=/dev/vd$(echo bcd | cut -c$i)
	kraftctl init $dev --cluster bench --node $i --peers $PEERS >/dev/null
	$ip netns exec n$i kraftctl up $dev >/dev/null
done
until kraftctl -n kraft0 put warm up >/dev/null 2>&1; do sleep 0.2; done
lead=$(node_field kraft0 leader)
node=kraft$((lead - 1))
for size in 128 4096; do
	for c in 1 16 64 256; do
		ops=$((c * 40))
		[ $ops -lt 400 ] && ops=400
		kraftctl -n $node -o json bench put --clients $c --ops $ops \
			--value-size $size >>"$out"
		kraftctl -n $node -o json bench get --clients $c --ops $ops \
			--value-size $size >>"$out"
		kraftctl -n $node -o json bench get --clients $c --ops $ops \
			--value-size $size --serializable >>"$out"
	done
done
# the floor: a 4 KiB write with FUA on the same kind of disk, and a round
# trip between two namespaces
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/zero of=/dev/vde bs=4096 count=200 oflag=direct,dsync 2>/dev/null
t1=$(cut -d' ' -f1 /proc/uptime)
echo "{\"floor\":\"fua_4k_write\",\"ms\":$(echo "$t0 $t1" | awk '{ printf "%.3f", ($2 - $1) * 1000 / 200 }')}" >>"$out"
rtt=$($ip netns exec n1 ping -c 50 -i 0.02 -q 10.9.0.2 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
echo "{\"floor\":\"rtt\",\"ms\":$rtt}" >>"$out"
for x in kraft0 kraft1 kraft2; do kraftctl down $x; done
rmmod kraft
