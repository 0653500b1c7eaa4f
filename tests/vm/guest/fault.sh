#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fault.sh OUTDIR NODES SECONDS SEED...: inside a guest with NODES blank
# disks, for each SEED: a fresh cluster of NODES nodes, one per network
# namespace on a bridge; 4 clients (tests/fault/kraft-client) for SECONDS
# while a nemesis chosen by SEED, until those SECONDS are spent (by the
# clock: the faults' own commands take seconds on the debug kernel),
# partitions (nftables: one node, a minority, a bridge node, a ring of 4
# or more), delays and drops packets (netem), takes nodes down and up,
# reloads the module, fails a node's disk I/O (fail_make_request) or its
# loop's allocations (failslab, that thread only). Each fault is healed
# after 1 to 3 s (a node that failed safe goes down and comes up from its
# disk); at the end the cluster must serve again. Histories, the faults'
# log and a summary go to OUTDIR/seed-S/; tests/fault/run checks them with
# tests/lincheck on the host. Prints one TAP line per seed (the cluster
# serves again after the faults).
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
out=$1 nodes=$2 seconds=$3
shift 3
client=$KRAFT_REPO/build/user/kraft-client
export KRAFTCTL_TIMEOUT_MS=5000
net_up "$nodes" || exit 1
# the kernel's fault injection (debug kernel): I/O errors on one disk,
# allocation failures in one node's loop; never verbose (a stack trace a
# failure would read as a splat)
fmr=/sys/kernel/debug/fail_make_request fs=/sys/kernel/debug/failslab
mount -t debugfs none /sys/kernel/debug 2>/dev/null

rand() {	# rand N: RV = a number in [0, N) from the seed's sequence
	r=$(( (r * 1103515245 + 12345) % 2147483648 ))
	RV=$(( (r / 65536) % $1 ))
}
now() {		# t = whole seconds since the clients started (no fork)
	read -r up _ </proc/uptime
	t=$(( ${up%.*} - start ))
}
dev_of() { echo /dev/vd$(echo bcdefghij | cut -c"$1"); }
up_node() { $ip netns exec n$1 kraftctl up "$(dev_of "$1")" >/dev/null 2>&1; }
node_names() {	# the devices of the nodes up (kraftN; not the control device)
	for x in /dev/kraft?*; do
		[ -e "$x" ] && echo "${x#/dev/}"
	done
}
node_dev() {	# node_dev ID: the kraftN device of node ID, if it is up
	for nm in $(node_names); do
		[ "$(node_field "$nm" id)" = "$1" ] && { echo "$nm"; return; }
	done
}

# Partitions: packets from node I enter the root namespace at v I, where
# an ingress chain drops those to the addresses in the set cutI (nftables,
# set up once). sever I J: I and J no longer reach each other; cut_apply
# then fills the sets, heal empties them, one nft each (a process takes a
# second or more on the debug kernel under load).
{
	echo "table netdev kf {"
	i=1
	while [ $i -le "$nodes" ]; do
		echo "set cut$i { type ipv4_addr; }"
		echo "chain in$i {"
		echo "type filter hook ingress device \"v$i\" priority 0;"
		echo "ip daddr @cut$i drop; }"
		i=$((i + 1))
	done
	echo "}"
} | $nft -f - || exit 1
cut_one() {	# cut_one I J: J into I's set, once
	eval "l=\$cut_$1"
	case " $l " in
	*" 10.9.0.$2 "*) ;;
	*) eval "cut_$1=\"\$l 10.9.0.$2\"" ;;
	esac
}
sever() { cut_one "$1" "$2"; cut_one "$2" "$1"; }
cut_apply() {
	script="" i=1
	while [ $i -le "$nodes" ]; do
		eval "l=\$cut_$i"
		e=""
		for a in $l; do e="$e${e:+, }$a"; done
		if [ -n "$e" ]; then
			script="$script
add element netdev kf cut$i { $e }"
			cut_set="$cut_set $i"
		fi
		eval "cut_$i="
		i=$((i + 1))
	done
	echo "$script" | $nft -f -
}
restart_failed() {	# a node that failed safe goes down and up
	for nm in $(node_names); do
		st=$(kraftctl -n "$nm" -o json status 2>/dev/null)
		case $st in *'"failed":true'*) ;; *) continue ;; esac
		id=$(status_field "$st" id)
		now
		echo "t=$t node $id failed safe: down, up from its disk" >>"$log"
		kraftctl down "$nm"
		up_node "$id"
	done
}
heal() {	# undo what the last fault did
	if [ -n "$cut_set" ]; then
		for i in $cut_set; do
			echo "flush set netdev kf cut$i"
		done | $nft -f -
	fi
	[ -z "$netem" ] || $tc qdisc del dev v$netem root
	cut_set="" netem=""
	if [ -n "$injected" ]; then
		echo 0 >$fmr/probability 2>/dev/null
		echo 0 >/sys/block/$(dev_of $injected | cut -c6-)/make-it-fail
		echo 0 >$fs/probability 2>/dev/null
		for pid in $(loop_pids); do
			echo 0 >/proc/$pid/make-it-fail 2>/dev/null
		done
		injected=""
		restart_failed
	fi
}

# the cuts hold, and heal: nodes 1 and 2 apart, then together again
cut_set="" netem="" injected=""
sever 1 2
cut_apply
if $ip netns exec n1 ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1; then
	echo "fault.sh: node 1 still reaches node 2 across a cut"
	exit 1
fi
heal
$ip netns exec n1 ping -c 1 -W 2 10.9.0.2 >/dev/null ||
	{ echo "fault.sh: nodes 1 and 2 apart after the heal"; exit 1; }

one_seed() {
	seed=$1 r=$1 dir=$out/seed-$1 faults=0 peers="" i=1
	cut_set="" netem="" injected=""
	mkdir -p "$dir"
	while [ $i -le "$nodes" ]; do
		peers="$peers${peers:+,}$i=10.9.0.$i:7001"
		i=$((i + 1))
	done
	modprobe kraft || return 1
	i=1
	while [ $i -le "$nodes" ]; do
		kraftctl init "$(dev_of $i)" --cluster f$seed --node $i \
			--peers "$peers" --force >/dev/null 2>&1 &&
			up_node $i || return 1
		i=$((i + 1))
	done
	log=$dir/faults.log
	: >"$log"
	c=1 clients=""
	while [ $c -le 4 ]; do
		$client --id $c --seconds "$seconds" --keys 3 \
			--seed $((seed * 7 + c)) --timeout-ms 1500 \
			--out "$dir/client-$c.jsonl" &
		clients="$clients $!"
		# below the nemesis, whose commands would wait for the CPU
		renice -n 10 -p $! >/dev/null
		c=$((c + 1))
	done
	read -r up _ </proc/uptime
	start=${up%.*}
	now
	while [ $t -lt $((seconds - 2)) ]; do
		rand "$nodes"
		v=$((RV + 1))
		calm=0
		rand 8
		case $RV in
		0) echo "t=$t isolate node $v" >>"$log"
		   i=1
		   while [ $i -le "$nodes" ]; do
			[ $i = $v ] || sever $v $i
			i=$((i + 1))
		   done
		   cut_apply ;;
		1) rand "$nodes"
		   m=$((RV + 1))
		   [ $m = $v ] && m=$(( v % nodes + 1 ))
		   echo "t=$t minority {$v,$m} cut from the rest" >>"$log"
		   i=1
		   while [ $i -le "$nodes" ]; do
			if [ $i != $v ] && [ $i != $m ]; then
				sever $i $v; sever $i $m
			fi
			i=$((i + 1))
		   done
		   cut_apply ;;
		2) rand 2
		   if [ "$nodes" -ge 4 ] && [ $RV = 0 ]; then
			echo "t=$t a ring: each node reaches its two neighbours" >>"$log"
			i=1
			while [ $i -le "$nodes" ]; do
				j=$((i + 2))
				while [ $j -le "$nodes" ]; do
					[ $((j - i)) = $((nodes - 1)) ] || sever $i $j
					j=$((j + 1))
				done
				i=$((i + 1))
			done
		   else
			echo "t=$t node $v bridges two halves" >>"$log"
			i=1
			while [ $i -le "$nodes" ]; do
				j=1
				while [ $j -le "$nodes" ]; do
					if [ $i != $v ] && [ $j != $v ] &&
					   [ $(( i % 2 )) != $(( j % 2 )) ]; then
						sever $i $j
					fi
					j=$((j + 1))
				done
				i=$((i + 1))
			done
		   fi
		   cut_apply ;;
		3) echo "t=$t netem on node $v: delay 30ms±20ms, loss 10%, reorder" >>"$log"
		   netem=$v
		   $tc qdisc add dev v$v root netem delay 30ms 20ms loss 10% \
			reorder 25% 50% ;;
		4) echo "t=$t node $v down, then up" >>"$log"
		   nm=$(node_dev $v)
		   [ -z "$nm" ] || kraftctl down $nm
		   sleep 1
		   up_node $v ;;
		5) rand 4
		   if [ $RV = 0 ]; then
			echo "t=$t module reload: every node down and up" >>"$log"
			for nm in $(node_names); do
				kraftctl down $nm
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
			calm=1
		   fi ;;
		6) if [ -d $fmr ]; then
			echo "t=$t node $v's disk fails every I/O" >>"$log"
			injected=$v
			echo 0 >$fmr/verbose; echo -1 >$fmr/times
			echo 100 >$fmr/probability
			echo 1 >/sys/block/$(dev_of $v | cut -c6-)/make-it-fail
		   else
			echo "t=$t calm (no fail_make_request in this kernel)" >>"$log"
			calm=1
		   fi ;;
		7) nm=$(node_dev $v)
		   pid=$(loop_pids "$nm")
		   if [ -d $fs ] && [ -n "$nm" ] && [ -n "$pid" ]; then
			echo "t=$t node $v's loop: 5% of its allocations fail" >>"$log"
			injected=$v
			echo 0 >$fs/verbose; echo -1 >$fs/times
			echo 1 >$fs/interval; echo Y >$fs/task-filter
			echo N >$fs/ignore-gfp-wait
			echo 1 >/proc/$pid/make-it-fail
			echo 5 >$fs/probability
		   else
			echo "t=$t calm (no failslab here, or node $v is down)" >>"$log"
			calm=1
		   fi ;;
		esac
		# a calm pick injects nothing and does not count
		[ "$calm" = 1 ] || faults=$((faults + 1))
		rand 3
		d=$((RV + 1))
		# the nodes' status meanwhile
		for nm in $(node_names); do
			kraftctl -n "$nm" -o json status >>"$dir/status.log" 2>&1
		done &
		sleep $d
		wait $!
		heal
		sleep 1
		now
	done
	wait $clients
	# every node back, the cluster serves, a final read through each node
	restart_failed
	i=1
	while [ $i -le "$nodes" ]; do
		[ -n "$(node_dev $i)" ] || up_node $i
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
	for nm in $(node_names); do
		kraftctl down $nm
	done
	rmmod kraft
	[ $ok = 1 ]
}

for s in "$@"; do
	check "seed $s: the cluster serves again after the faults" one_seed "$s"
done
tap_done
