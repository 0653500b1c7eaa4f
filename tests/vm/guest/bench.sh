#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh OUT BIN: inside a guest with 4 blank disks, the measurements of
# `make bench`, as JSON lines to OUT. BIN holds etcd, etcdctl, mke2fs (with
# their libraries) and etcd-bench, staged by tests/bench/run.
#
#  1. A 3-node kraft cluster on /dev/vdb..vdd (namespaces n1..n3 on a
#     bridge): kernel memory (slab and vmalloc) before and after writing
#     100k keys of 128 B; then `kraftctl bench` through the leader's node.
#  2. Appends to the disk log (kraft_append_bench.ko, tests/kbuild) against
#     raw FUA writes of the same payload, on the spare disk /dev/vde.
#     The floor: one raw 4 KiB write with FUA on the spare disk /dev/vde
#     (the append benchmark's raw writes of one 4 KiB entry) and a TCP
#     round trip between namespaces n1 and n2 (tcp-rtt; ping's ICMP round
#     trip beside it, for reference).
#  3. Puts at one client on a one-node kraft cluster, alone and with two
#     more doing the same at once (the cost of concurrent durable writes).
#  4. A 3-member etcd cluster on the same disks (ext4) and namespaces,
#     loaded by etcd-bench over gRPC from the leader's namespace.
#
# Both systems get the same workloads: 1, 16, 64 and 256 clients, 128 B and
# 4 KiB values, puts and linearizable and serializable gets, each client
# with one request in flight.
. "$(dirname "$0")/net.sh"
out=$1
bin=$2
export KRAFTCTL_TIMEOUT_MS=30000
: >"$out"

# kraftctl bench or etcd-bench, over every workload: $1 is the command
# before the workload, which it takes as its arguments.
load() {
	for size in 128 4096; do
		for c in 1 16 64 256; do
			ops=$((c * 40))
			[ $ops -lt 400 ] && ops=400
			for w in put get "get --serializable"; do
				# shellcheck disable=SC2086
				"$@" $w --clients $c --ops $ops --value-size $size \
					>>"$out" || echo "bench: $* $w $c $size failed" >&2
			done
		done
	done
}

kmem_kb() {
	awk '/^SUnreclaim:|^VmallocUsed:/ { kb += $2 } END { print kb }' /proc/meminfo
}

# --- kraft ------------------------------------------------------------------
# the CPU's CRC32C driver, as udev would load it on a real host, before
# kraft: kraft.ko times it against the table code at load (kmod/crc.c)
modprobe crc32c_intel 2>/dev/null
modprobe kraft
dmesg | grep 'kraft: crc32c:'
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

sleep 1
before=$(kmem_kb)
kraftctl -n $node bench put --clients 64 --ops 100000 --keys 100000 \
	--value-size 128 >/dev/null
for x in kraft0 kraft1 kraft2; do	# every node has applied all of it
	until [ "$(node_field $x applied)" = "$(node_field $node commit)" ]; do
		sleep 0.2
	done
done
sleep 2
after=$(kmem_kb)
# raw data: 100000 values of 128 B and the keys bench/0 .. bench/99999
# (600000 bytes of "bench/" and 488890 digits)
echo "{\"memory\":\"kraft\",\"nodes\":3,\"keys\":100000,\"before_kb\":$before,\"after_kb\":$after,\"raw_bytes\":$((100000 * 128 + 1088890))}" >>"$out"

load kraftctl -n $node -o json bench
for x in kraft0 kraft1 kraft2; do kraftctl down $x; done
rmmod kraft

# --- appends to the disk log against raw FUA writes (issue 4) -----------------
# what the CPU work measured here runs on: the CPU model, and whether
# memcpy is one "rep movsb" (erms), which under TCG costs more than "rep
# movsq" does (tests/vm/run's KRAFT_VM_CPU chooses the model). The CRC32C
# drivers, and kraft's choice, are in the benchmark's own line.
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
erms=false
grep -qw erms /proc/cpuinfo && erms=true
echo "{\"guest_cpu\":{\"model\":\"$model\",\"accel\":\"${KRAFT_VM_ACCEL:-}\",\"qemu_cpu\":\"${KRAFT_VM_CPU:-}\",\"erms\":$erms}}" >>"$out"
kraftctl init /dev/vde --cluster append-bench --node 1 \
	--peers 1=127.0.0.1:7001 >/dev/null
dmesg -c >/dev/null
# it refuses to stay loaded once done (busybox insmod may run it twice)
insmod "/lib/modules/$(uname -r)/extra/kraft_append_bench.ko" device=/dev/vde \
	2>/dev/null
dmesg | sed -n -e 's/.*kraft-append: \({.*}\)$/{"append":\1}/p' \
	-e 's/.*kraft-append-cpu: \({.*}\)$/{"append_cpu":\1}/p' >>"$out"

# --- the floor ----------------------------------------------------------------
# The write: the append benchmark's raw case of one 4 KiB entry a batch,
# a 4 KiB bio with REQ_FUA, timed in the kernel over 1024 writes.
fua=$(sed -n 's/.*"entry_size":4096,"batch":1,.*"raw_us_per_write":\([0-9]*\),.*/\1/p' "$out" | tail -1)
[ -n "$fua" ] &&	# none: no floor, and the target says so
	echo "{\"floor\":\"fua_4k_write\",\"ms\":$(echo "$fua" | awk '{ printf "%.3f", $1 / 1000 }')}" >>"$out"
# The round trip: the median of 2000 over one TCP connection, 64 bytes each
# way, between two processes (kraft's nodes are kernel threads, over TCP).
$ip netns exec n2 "$bin/tcp-rtt" serve 10.9.0.2 7100 &
srv=$!
tcp=$($ip netns exec n1 "$bin/tcp-rtt" ping 10.9.0.2 7100 2000)
kill $srv 2>/dev/null	# it ends with its connection, unless none came
wait $srv
rtt=$(echo "$tcp" | sed -n 's/.*"p50_ms":\([0-9.]*\).*/\1/p')
[ -n "$rtt" ] && echo "{\"floor\":\"rtt\",\"ms\":$rtt,\"tcp\":$tcp}" >>"$out"
icmp=$($ip netns exec n1 ping -c 50 -i 0.02 -q 10.9.0.2 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
[ -n "$icmp" ] && echo "{\"floor\":\"icmp_rtt\",\"ms\":$icmp}" >>"$out"

# --- durable writes at once -------------------------------------------------
# Puts at one client on a one-node kraft cluster (one durable write each,
# no network), alone and then with two other one-node clusters doing the
# same at once on the other two disks: what three nodes writing at the
# same time cost each other in this guest and on this host, whose disks
# are files on one host disk.
modprobe kraft
for i in 1 2 3; do
	dev=/dev/vd$(echo bcd | cut -c$i)
	kraftctl init $dev --cluster one$i --node 1 --force \
		--peers 1=10.9.0.$i:7001 >/dev/null
	$ip netns exec n$i kraftctl up $dev >/dev/null
done
for x in kraft0 kraft1 kraft2; do
	until kraftctl -n $x put warm up >/dev/null 2>&1; do sleep 0.2; done
done
one_put() {
	kraftctl -n "$1" -o json bench put --clients 1 --ops 1000 --value-size 128 |
		sed "s/^/{\"writes_at_once\":$2,\"bench\":/; s/\$/}/" >>"$out"
}
one_put kraft0 1
for x in kraft0 kraft1 kraft2; do one_put $x 3 & done
wait
for x in kraft0 kraft1 kraft2; do kraftctl down $x; done
rmmod kraft

# --- etcd on the same disks ---------------------------------------------------
echo "127.0.0.1 localhost" >/etc/hosts
modprobe ext4
cluster=e1=http://10.9.0.1:2380,e2=http://10.9.0.2:2380,e3=http://10.9.0.3:2380
for i in 1 2 3; do
	dev=/dev/vd$(echo bcd | cut -c$i)
	LD_LIBRARY_PATH=$bin "$bin/mke2fs" -q -F -t ext4 $dev
	mkdir -p /mnt/e$i
	mount -t ext4 $dev /mnt/e$i
	$ip netns exec n$i "$bin/etcd" --name e$i --data-dir /mnt/e$i/data \
		--listen-peer-urls http://10.9.0.$i:2380 \
		--initial-advertise-peer-urls http://10.9.0.$i:2380 \
		--listen-client-urls http://10.9.0.$i:2379,http://127.0.0.1:2379 \
		--advertise-client-urls http://10.9.0.$i:2379 \
		--initial-cluster $cluster --initial-cluster-token bench \
		--initial-cluster-state new --log-level error \
		>/tmp/etcd$i.log 2>&1 &
done
eps=10.9.0.1:2379,10.9.0.2:2379,10.9.0.3:2379
until "$bin/etcdctl" --endpoints $eps put warm up >/dev/null 2>&1; do
	sleep 0.5
done
elead=$("$bin/etcdctl" --endpoints $eps endpoint status |
	awk -F', ' '$5 == "true" { print $1 }')
ens=n${elead#10.9.0.}
ens=${ens%:2379}
echo "bench: etcd leader $elead (namespace $ens)" >&2
load $ip netns exec $ens "$bin/etcd-bench" --endpoint 127.0.0.1:2379
killall etcd
wait
