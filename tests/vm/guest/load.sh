#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# load.sh [SECONDS [CLIENTS]]: inside a guest with 3 blank disks, a 3-node
# cluster (one network namespace a node, snapshots every 1 MiB of log)
# loaded by rounds of `kraftctl bench mixed` with CLIENTS (64) clients
# over 1000 keys of 128 bytes for SECONDS (60). Kernel memory that is not
# given back on demand (/proc/meminfo: SUnreclaim + VmallocUsed) is read
# after each round, the slab caches shrunk first: once the first round
# has filled the keys and the log it must stay flat, with no upward trend;
# after the nodes are down and the module unloaded it must be back where
# it was before the module was loaded. On the Debian kernel: the debug
# kernel's KASAN quarantine holds freed memory back. Prints TAP and a line
# of figures a round.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
seconds=${1:-60} clients=${2:-64}
export KRAFTCTL_TIMEOUT_MS=20000
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001
# A round's growth allowed over the first round's figure: kernel memory
# is not exact (per-CPU slab caches, TCP buffers, RCU-deferred frees), but
# what the module keeps for a bounded key set and log must not grow with
# time. The data held is 1000 x 128 B; the log at most 1 MiB a node.
slack_kb=4096

meminfo() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
# kernel memory not given back on demand: unreclaimable slab and vmalloc
kmem_kb() { echo $(( $(meminfo SUnreclaim) + $(meminfo VmallocUsed) )); }
# settle: let deferred frees (RCU) happen and give the slab caches' empty
# and per-CPU pages back before a reading
settle() {
	sleep 2
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null
}
parts() { echo "SUnreclaim $(meminfo SUnreclaim) kB, VmallocUsed $(meminfo VmallocUsed) kB"; }

check "three namespaces on a bridge" net_up 3
settle
before=$(kmem_kb)
echo "# before the module: $before kB ($(parts))"
check "modprobe kraft (snapshots every 1 MiB of log)" \
	modprobe kraft snapshot_log_kb=1024
for i in 1 2 3; do
	dev=/dev/vd$(echo bcd | cut -c$i)
	check "node $i up" sh -c "kraftctl init $dev --cluster load --node $i \
		--peers $PEERS >/dev/null &&
		/usr/bin/ip netns exec n$i kraftctl up $dev >/dev/null"
done
check "a leader is elected" sh -c 'i=0
	until kraftctl -n kraft0 put ready 1 >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.2; done'

# round N: one bench run; its throughput line and the memory after it
round() {
	kraftctl -n kraft0 bench mixed --clients "$clients" --ops 4000 \
		--keys 1000 --value-size 128 >/tmp/bench.out 2>/tmp/bench.err || {
		cat /tmp/bench.out /tmp/bench.err
		return 1
	}
	settle
	kb=$(kmem_kb)
	echo "# round $1 t=$(( $(cut -d. -f1 /proc/uptime) - start ))s" \
		"$(grep -o '[0-9.]* ops/s' /tmp/bench.out | head -1)," \
		"kernel memory $kb kB ($((kb - before)) over the start)," \
		"snapshot_index $(node_field kraft0 snapshot_index)"
	echo "$kb" >>/tmp/load.kb
}

: >/tmp/load.kb
start=$(cut -d. -f1 /proc/uptime)
check "round 1 (fills the keys and the log)" round 1
first=$kb max=$kb rounds=1 failed=0
while [ $(( $(cut -d. -f1 /proc/uptime) - start )) -lt "$seconds" ]; do
	rounds=$((rounds + 1))
	round $rounds || { failed=$((failed + 1)); break; }
	[ "$kb" -gt "$max" ] && max=$kb
done
check "$rounds rounds of $clients clients in $(( $(cut -d. -f1 /proc/uptime) - start )) s, each served" \
	[ $failed = 0 -a $rounds -ge 5 ]
check "the log was compacted by snapshots" \
	[ "$(node_field kraft0 snapshot_index)" -gt 0 ]
check "kernel memory flat: at most $slack_kb kB over round 1 ($first kB; the most was $max kB)" \
	[ $((max - first)) -le $slack_kb ]
# a leak a round raises the floor: the lowest reading of the second half
# of the rounds against that of the first half (after round 1, whose
# reading comes before the caches' working set is complete)
half=$(( (rounds - 1) / 2 ))
lo1=$(sed 1d /tmp/load.kb | head -n $half | sort -n | head -1) lo1=${lo1:-0}
lo2=$(tail -n $half /tmp/load.kb | sort -n | head -1) lo2=${lo2:-0}
check "no upward trend: lowest $lo1 kB in the first half of rounds 2-$rounds, $lo2 kB in the second" \
	[ $((lo2 - lo1)) -le 1024 ]
echo "# with the module: $(parts)"
for i in 0 1 2; do
	check "kraft$i down" kraftctl down kraft$i
done
check "rmmod kraft" rmmod kraft
settle
after=$(kmem_kb)
echo "# after rmmod: $after kB ($(parts))"
check "kernel memory back after rmmod: $after kB, $((after - before)) kB over the start" \
	[ $((after - before)) -le 1024 ]
tap_done
