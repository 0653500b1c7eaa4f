#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vms.sh OUTDIR SECONDS SEED: on the first guest of `tests/vm/run --vms 3
# --disks 1` (tests/fault/run --vms 3): a 3-node cluster across three
# guests, node I on guest I's /dev/vdb at 10.10.0.I:7001, with a cluster
# key. Puts and gets through every guest's node; then 3 clients
# (tests/fault/kraft-client) on the first guest for SECONDS while the
# power of another guest is cut (an even SEED cuts the leader's when it is
# not the first guest, an odd one a follower's), and later that of both
# others at once (a majority): each comes back from its disk alone.
# OUTDIR keeps the history for tests/lincheck (on the host: it is built
# with sanitizers) and a summary. Then every node holds the same data, and
# each guest takes its node down and unloads the module. Prints TAP.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
out=$1 seconds=$2 seed=$3
export KRAFTCTL_TIMEOUT_MS=10000
PEERS=1=10.10.0.1:7001,2=10.10.0.2:7001,3=10.10.0.3:7001
key=$(head -c 32 /dev/urandom | base64)
mkdir -p "$out"

# on I COMMAND: run the shell command COMMAND on guest I
on() {
	g=$1
	shift
	if [ "$g" = 1 ]; then sh -c "$*"; else kraft-vm "$g" "$*"; fi
}

# wait_on I COMMAND: until COMMAND succeeds on guest I, for up to 60 s
wait_on() {
	on "$1" "i=0; until $2; do i=\$((i + 1)); [ \$i -lt 300 ] || exit 1;
		sleep 0.2; done"
}

# start I: load the module on guest I and start its node from /dev/vdb
start() {
	on "$1" "modprobe kraft && kraftctl up /dev/vdb >/dev/null"
}

connected='[ "$(kraftctl -o json status | grep -o "\"connected\":true" |
	wc -l)" = 3 ]'
leader_known='l=$(kraftctl -o json status | sed -e "s/,\"peers\":.*//" \
	-e "s/.*\"leader\":\([0-9]*\).*/\1/") && [ "$l" -gt 0 ]'

for g in 1 2 3; do
	check "guest $g: node $g formatted on its disk and up" on $g \
		"modprobe kraft && echo $key | base64 -d >/tmp/key &&
		 kraftctl init /dev/vdb --cluster vms --node $g --peers $PEERS \
			--key-file /tmp/key >/dev/null &&
		 kraftctl up /dev/vdb >/dev/null"
done
for g in 1 2 3; do
	check "guest $g: a leader, both peers connected" wait_on $g \
		"$leader_known && $connected"
done
for g in 1 2 3; do
	check "put through guest $g's node" on $g "kraftctl put g$g v$g"
done
for g in 1 2 3; do
	check "linearizable gets through guest $g's node" on $g \
		"kraftctl get g1 | grep -qx v1 && kraftctl get g2 | grep -qx v2 &&
		 kraftctl get g3 | grep -qx v3"
done

c=1
while [ $c -le 3 ]; do
	kraft-client --id $c --seconds "$seconds" --keys 3 --seed $((seed * 7 + c)) \
		--timeout-ms 2000 --out "$out/client-$c.jsonl" &
	c=$((c + 1))
done
sleep 5
l=$(node_field kraft0 leader)
if [ $((seed % 2)) = 0 ]; then
	victim=2; [ "$l" = 3 ] && victim=3
else
	victim=3; [ "$l" = 3 ] && victim=2
fi
echo "# the leader is node $l; cutting guest $victim's power"
check "guest $victim's power cut" kraft-vm $victim --powercut
check "the two others serve: a put through guest 1" wait_on 1 \
	"kraftctl put after-cut 1 >/dev/null"
check "guest $victim boots again" kraft-vm $victim --wait 300
check "node $victim starts from its disk" start $victim
check "node $victim caught up (a linearizable get through it)" wait_on \
	$victim "kraftctl get after-cut 2>/dev/null | grep -qx 1"

both() {	# both COMMAND...: COMMAND 2 ... and COMMAND 3 ..., together
	"$1" 2 "$2" "$3" &
	b=$!
	"$1" 3 "$2" "$3" && wait $b
}
sleep 3
echo "# cutting the power of guests 2 and 3 together"
check "guests 2 and 3: power cut" both kraft-vm --powercut
check "guests 2 and 3 boot again" both kraft-vm --wait 300
check "nodes 2 and 3 start from their disks" both start
check "seed $seed: the cluster serves again after the power cuts" wait_on 1 \
	"kraftctl put after-majority-cut 1 >/dev/null"
wait	# the clients

cat "$out"/client-*.jsonl >"$out/history.jsonl"
ops=$(wc -l <"$out/history.jsonl")
echo "# history: $ops operations ($(grep -c '"status":"ok"' \
	"$out/history.jsonl") ok, $(grep -c '"status":"fail"' \
	"$out/history.jsonl") failed, $(grep -c '"status":"unknown"' \
	"$out/history.jsonl") unknown)"
check "clients recorded a history" [ "$ops" -gt 0 ]
{
	echo "seed $seed: 3 nodes on 3 guests, $seconds s, 3 faults"
	echo "elections (the final term): $(node_field kraft0 term)"
	echo "power cut of guest $victim (the leader was node $l)"
	echo "power cut of guests 2 and 3 together"
} >"$out/summary.txt"
check "guests 2 and 3 see every write (linearizable gets)" both wait_on \
	"kraftctl get after-majority-cut | grep -qx 1"
for g in 1 2 3; do
	on $g "kraftctl list" >"$out/list-$g.txt" 2>&1
done
check "every node holds the same keys and values" sh -c \
	"[ -s $out/list-1.txt ] && cmp $out/list-1.txt $out/list-2.txt &&
	 cmp $out/list-1.txt $out/list-3.txt"
for g in 1 2 3; do
	check "guest $g: node down, module unloaded" on $g \
		"kraftctl down kraft0 && rmmod kraft"
done
tap_done
