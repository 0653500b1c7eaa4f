#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with 5 blank disks (tests/vm/run --disks 5): a
# 3-node cluster, each node in its own network namespace (n1, n2, n3, one
# veth each into a bridge in the root namespace), with a cluster key.
# Puts and gets through every node, the leader taken down and a new one
# elected, the data intact, the old node back from its disk and caught
# up, leader transfer, snapshots, a 4th node added as a learner (caught up
# by InstallSnapshot), promoted and removed, garbage and a wrong key at a
# node's port, rmmod with the cluster running. Prints TAP.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
export KRAFTCTL_TIMEOUT_MS=10000
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001

# wait_for COMMAND...: retry for up to 20 s (TCG, debug kernel)
wait_for() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 200 ] || return 1
		sleep 0.1
	done
}

leader_known() {
	l=$(node_field "$1" leader)
	[ -n "$l" ] && [ "$l" != 0 ]
}

all_connected() {
	[ "$(kraftctl -n "$1" -o json status | grep -o '"connected":true' |
		wc -l)" = 3 ]
}

# milliseconds since boot (/proc/uptime has hundredths)
now_ms() {
	read -r up _ </proc/uptime
	echo $(( ${up%.*} * 1000 + $(echo "${up#*.}" | sed 's/^0//') * 10 ))
}

# node name of member ID (kraft0 is node 1, ...)
name_of() { echo "kraft$(($1 - 1))"; }

head -c 32 /dev/urandom >/tmp/key
head -c 32 /dev/urandom >/tmp/otherkey
check "modprobe kraft" modprobe kraft
check "kraft's tracepoints enabled" sh -c \
	'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	 echo 1 >/sys/kernel/tracing/events/kraft/enable'
check "three namespaces on a bridge" net_up 3
for i in 1 2 3; do
	dev=/dev/vd$(echo bcd | cut -c$i)
	check "init node $i" kraftctl init "$dev" --cluster three --node $i \
		--peers $PEERS --key-file /tmp/key
	check "up node $i in namespace n$i" sh -c \
		"/usr/bin/ip netns exec n$i kraftctl up $dev | grep -qx kraft$((i - 1))"
done
check "a leader is elected" wait_for leader_known kraft0
check "every node sees its peers connected" sh -c \
	'for n in kraft0 kraft1 kraft2; do
		i=0; until [ "$(kraftctl -n $n -o json status |
			grep -o "\"connected\":true" | wc -l)" = 3 ]; do
			i=$((i + 1)); [ $i -lt 200 ] || exit 1; sleep 0.1; done
	done'
check "put through every node" sh -c \
	'kraftctl -n kraft0 put a 1 && kraftctl -n kraft1 put b 2 &&
	 kraftctl -n kraft2 put c 3'
check "linearizable get through every node" sh -c \
	'for n in kraft0 kraft1 kraft2; do
		kraftctl -n $n get a | grep -qx 1 &&
		kraftctl -n $n get b | grep -qx 2 &&
		kraftctl -n $n get c | grep -qx 3 || exit 1
	done'
check "cas through a follower" sh -c \
	'l=$(kraftctl -n kraft0 -o json status |
		sed -n "s/.*\"leader\":\([0-9]*\).*/\1/p")
	 f=kraft$((l % 3)); kraftctl -n $f cas a --rev 1 one'
check "status shows a leader and replication" sh -c \
	'kraftctl -n kraft0 status | tee /dev/stderr | grep -q "leader:"'
kraftctl -n kraft2 watch k >/tmp/cwatch 2>&1 &
cwatch=$!
sleep 0.5
check "100 puts through node 2" sh -c \
	'i=0; while [ $i -lt 100 ]; do
		kraftctl -n kraft1 put k$i v$i >/dev/null || exit 1
		i=$((i + 1)); done'

watched_all() { [ "$(wc -l </tmp/cwatch)" -ge 100 ]; }
wait_for watched_all
kill -INT $cwatch
wait $cwatch
check "a watch on node 3 saw every put, in order" sh -c \
	'cut -f2-4 /tmp/cwatch >/tmp/cwatch.kv
	 i=0; while [ $i -lt 100 ]; do printf "put\tk%d\tv%d\n" $i $i; i=$((i + 1)); done >/tmp/cwatch.want
	 cmp /tmp/cwatch.kv /tmp/cwatch.want &&
	 awk -F"\t" "NR > 1 && \$1 != prev + 1 { exit 1 } { prev = \$1 }" /tmp/cwatch'

old=$(node_field kraft0 leader)
oldname=$(name_of "$old")
oldns=n$old
olddev=/dev/vd$(echo bcd | cut -c"$old")
others=""
for i in 1 2 3; do [ $i = "$old" ] || others="$others $(name_of $i)"; done
set -- $others
t0=$(now_ms)
check "the leader ($oldname) goes down" kraftctl down "$oldname"
new_leader() {
	l=$(node_field "$1" leader)
	[ -n "$l" ] && [ "$l" != 0 ] && [ "$l" != "$old" ]
}
check "a new leader is elected" wait_for new_leader "$1"
t1=$(now_ms)
echo "# failover: $((t1 - t0)) ms from 'kraftctl down' of the leader to a new leader in status"
check "the data is intact on the survivors" sh -c \
	"kraftctl -n $1 get a | grep -qx one && kraftctl -n $2 get k99 | grep -qx v99"
check "writes go on with two of three" sh -c \
	"kraftctl -n $1 put after down && kraftctl -n $2 get after | grep -qx down"
check "the old leader comes back from its disk" sh -c \
	"/usr/bin/ip netns exec $oldns kraftctl up $olddev | grep -qx $oldname"
check "it catches up" wait_for sh -c \
	"kraftctl -n $oldname get after --serializable | grep -qx down"
check "and serves linearizable reads" sh -c \
	"kraftctl -n $oldname get k50 | grep -qx v50"

# leader transfer, snapshot, a 4th node joining through InstallSnapshot
lead=$(node_field kraft0 leader)
to=$(( lead % 3 + 1 ))
check "leader transfer to node $to" sh -c \
	"kraftctl -n $(name_of "$lead") leader transfer $to &&
	 kraftctl -n $(name_of $to) status | grep -q '^role: *leader'"
lead=$to
lname=$(name_of "$lead")
check "transfer from a follower is refused with a reason" sh -c \
	"kraftctl -n $(name_of $(( lead % 3 + 1 ))) leader transfer $lead 2>&1 |
		grep -q 'not the leader'"
check "snapshot on every node compacts the log" sh -c \
	'for n in kraft0 kraft1 kraft2; do kraftctl -n $n snapshot || exit 1; done
	 [ "$(kraftctl -n '"$lname"' -o json status |
		sed -n "s/.*\"snapshot_index\":\([0-9]*\).*/\1/p")" -gt 100 ]'
check "a put after the snapshot" kraftctl -n "$lname" put late yes
check "a node with no place in --peers joins" sh -c \
	'kraftctl init /dev/vde --cluster three --node 4 --peers '$PEERS' \
		--key-file /tmp/key &&
	 . "$KRAFT_REPO/tests/vm/guest/net.sh" && net_add 4 &&
	 /usr/bin/ip netns exec n4 kraftctl up /dev/vde --listen 10.9.0.4:7001 |
		grep -qx kraft3'
check "member add 4 as a learner" \
	kraftctl -n "$lname" member add 4 10.9.0.4:7001 --learner
caught_up() {
	kraftctl -n kraft3 get late --serializable | grep -qx yes &&
	kraftctl -n kraft3 get k50 --serializable | grep -qx v50 &&
	[ "$(node_field kraft3 snapshot_index)" -gt 100 ]
}
check "the learner is caught up by a snapshot" wait_for caught_up
check "member promote 4" kraftctl -n "$lname" member promote 4
check "member list shows four voters" sh -c \
	"kraftctl -n $lname member list | tee /dev/stderr | grep -c voter | grep -qx 4"
check "put through node 4, read through node 1" sh -c \
	"kraftctl -n kraft3 put four 4 && kraftctl -n kraft0 get four | grep -qx 4"
check "member remove 4" kraftctl -n "$lname" member remove 4
check "three voters again, node 4 down" sh -c \
	"kraftctl -n $lname member list | grep -c voter | grep -qx 3 &&
	 kraftctl down kraft3"
check "member add with a bad address is refused" sh -c \
	"kraftctl -n $lname member add 5 nowhere; [ \$? = 2 ]"

# hostile input at a node's port: garbage, then a node with another key
check "garbage at a node's port is counted and dropped" sh -c \
	'head -c 4096 /dev/urandom | /usr/bin/ip netns exec n1 nc -w 1 10.9.0.2 7001
	 i=0; until [ "$(kraftctl -n kraft1 -o json status |
		sed -n "s/.*\"frames_bad\":\([0-9]*\).*/\1/p")" -gt 0 ] 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done'
check "a node with another key is refused" sh -c \
	'kraftctl init /dev/vdf --cluster three --node 1 --peers '$PEERS' \
		--key-file /tmp/otherkey --force >/dev/null &&
	 x=$(/usr/bin/ip netns exec n4 kraftctl up /dev/vdf --listen 10.9.0.4:7001) &&
	 sleep 2 && kraftctl -n $x -o json status | tee /dev/stderr |
		grep -q "\"connected\":true,.*\"connected\":true"; r=$?
	 kraftctl down $x; [ $r != 0 ]'
check "the cluster still serves" sh -c \
	"kraftctl -n kraft1 put still here && kraftctl -n kraft2 get still | grep -qx here"
check "the tracepoints saw roles, elections, commits, snapshots, peers" sh -c \
	't=/sys/kernel/tracing/trace
	 grep -q "kraft_role: .*role=leader" $t && grep -q "kraft_election: " $t &&
	 grep -q "kraft_commit: " $t && grep -q "kraft_snapshot: .*installed" $t &&
	 grep -q "kraft_peer: .*disconnected" $t && grep -q "kraft_peer: .* connected" $t'
check "rmmod with the cluster running" rmmod kraft
tap_done
