#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fault.sh OUTDIR NODES SECONDS SEED...: inside a guest with NODES blank
# disks, for each SEED: a fresh cluster of NODES nodes, one per network
# namespace on a bridge; 4 clients (tests/fault/kraft-client) for SECONDS
# while a nemesis chosen by SEED partitions (nftables: one node, a
# minority, a bridge node), delays and drops packets (netem), takes nodes
# down and up, and reloads the module; then everything healed, the
# cluster must serve again. Histories and a summary go to OUTDIR/seed-S/;
# tests/fault/run checks them with tests/lincheck on the host. Prints one
# TAP line per seed (the cluster serves again after the faults).
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
out=$1 nodes=$2 seconds=$3
shift 3
client=$KRAFT_REPO/build/user/kraft-client
export KRAFTCTL_TIMEOUT_MS=5000
net_up "$nodes" || exit 1

rand() {	# rand N: RV = a number in [0, N) from the seed's sequence
	r=$(( (r * 1103515245 + 12345) % 2147483648 ))
	RV=$(( (r / 65536) % $1 ))
}
dev_of() { echo /dev/vd$(echo bcdefghij | cut -c"$1"); }
up_node() { $ip netns exec n$1 kraftctl up "$(dev_of "$1")" >/dev/null 2>&1; }

# block TRAFFIC between node $1 and the nodes in $2 (both directions)
block() {
	for o in $2; do
		$ip netns exec n$1 $nft add rule inet kf in ip saddr 10.9.0.$o drop
		$ip netns exec n$1 $nft add rule inet kf out ip daddr 10.9.0.$o drop
	done
}
heal() {
	i=1
	while [ $i -le "$nodes" ]; do
		$ip netns exec n$i $nft flush table inet kf 2>/dev/null
		$tc qdisc del dev v$i root 2>/dev/null
		i=$((i + 1))
	done
}

one_seed() {
	seed=$1 r=$1 dir=$out/seed-$1 faults=0 peers="" i=1
	mkdir -p "$dir"
	while [ $i -le "$nodes" ]; do
		peers="$peers${peers:+,}$i=10.9.0.$i:7001"
		i=$((i + 1))
	done
	modprobe kraft || return 1
	i=1
	while [ $i -le "$nodes" ]; do
		$ip netns exec n$i $nft add table inet kf
		$ip netns exec n$i $nft add chain inet kf in \
			'{ type filter hook input priority 0; policy accept; }'
		$ip netns exec n$i $nft add chain inet kf out \
			'{ type filter hook output priority 0; policy accept; }'
		kraftctl init "$(dev_of $i)" --cluster f$seed --node $i \
			--peers "$peers" --force >/dev/null 2>&1 &&
			up_node $i || return 1
		i=$((i + 1))
	done
	c=1
	while [ $c -le 4 ]; do
		$client --id $c --seconds "$seconds" --keys 3 \
			--seed $((seed * 7 + c)) --timeout-ms 1500 \
			--out "$dir/client-$c.jsonl" &
		c=$((c + 1))
	done
	t=0
	log=$dir/faults.log
	: >"$log"
	while [ $t -lt "$seconds" ]; do
		rand "$nodes"
		v=$((RV + 1))
		rand 6
		case $RV in
		0) echo "t=$t isolate node $v" >>"$log"
		   o=""; i=1
		   while [ $i -le "$nodes" ]; do
			[ $i = $v ] || { o="$o $i"; block $i $v; }
			i=$((i + 1))
		   done
		   block $v "$o" ;;
		1) rand "$nodes"
		   m=$((RV + 1))
		   [ $m = $v ] && m=$(( v % nodes + 1 ))
		   echo "t=$t minority {$v,$m} cut from the rest" >>"$log"
		   i=1
		   while [ $i -le "$nodes" ]; do
			if [ $i != $v ] && [ $i != $m ]; then
				block $i "$v $m"; block $v $i; block $m $i
			fi
			i=$((i + 1))
		   done ;;
		2) echo "t=$t node $v bridges two halves" >>"$log"
		   i=1
		   while [ $i -le "$nodes" ]; do
			j=1
			while [ $j -le "$nodes" ]; do
				if [ $i != $v ] && [ $j != $v ] &&
				   [ $(( i % 2 )) != $(( j % 2 )) ]; then
					block $i $j
				fi
				j=$((j + 1))
			done
			i=$((i + 1))
		   done ;;
		3) echo "t=$t netem on node $v: delay 30ms±20ms, loss 10%, reorder" >>"$log"
		   $tc qdisc add dev v$v root netem delay 30ms 20ms loss 10% \
			reorder 25% 50% ;;
		4) echo "t=$t node $v down, then up" >>"$log"
		   for x in /dev/kraft*; do
			nm=${x#/dev/}
			[ "$nm" = kraft ] && continue
			id=$(node_field $nm id)
			[ "$id" = $v ] && kraftctl down $nm
		   done
		   sleep 1
		   up_node $v ;;
		5) rand 4
		   if [ $RV = 0 ]; then
			echo "t=$t module reload: every node down and up" >>"$log"
			for x in /dev/kraft*; do
				nm=${x#/dev/}
				[ "$nm" = kraft ] || kraftctl down $nm
			done
			# clients close a downed node's device at once
			for x in 1 2 3 4 5 6 7 8 9 10; do
				rmmod kraft 2>/dev/null && break
				sleep 0.2
			done
			modprobe kraft
			i=1
			while [ $i -le "$nodes" ]; do up_node $i; i=$((i + 1)); done
		   else
			echo "t=$t calm" >>"$log"
		   fi ;;
		esac
		faults=$((faults + 1))
		for x in /dev/kraft*; do
			[ "$x" = /dev/kraft ] ||
				kraftctl -n "${x#/dev/}" -o json status >>"$dir/status.log" 2>&1
		done
		rand 3
		d=$((RV + 1))
		sleep $d
		heal
		t=$((t + d + 1))
		sleep 1
	done
	wait	# the clients
	heal
	# every node back, the cluster serves, a final read through each node
	i=1
	while [ $i -le "$nodes" ]; do
		found=0
		for x in /dev/kraft*; do
			nm=${x#/dev/}
			[ "$nm" = kraft ] && continue
			id=$(node_field $nm id)
			[ "$id" = $i ] && found=1
		done
		[ $found = 1 ] || up_node $i
		i=$((i + 1))
	done
	ok=0
	for try in 1 2 3 4 5 6 7 8 9 10; do
		if kraftctl -n kraft0 put final "$seed" >/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 1
	done
	# each term began with an election (PreVote does not raise it)
	elections=$(node_field kraft0 term)
	{
		echo "seed $seed: $nodes nodes, $seconds s, $faults faults"
		echo "elections (the final term): $elections"
		cat "$log"
	} >"$dir/summary.txt"
	for x in /dev/kraft*; do
		nm=${x#/dev/}
		[ "$nm" = kraft ] || kraftctl down $nm
	done
	rmmod kraft
	[ $ok = 1 ]
}

for s in "$@"; do
	check "seed $s: the cluster serves again after the faults" one_seed "$s"
done
tap_done
