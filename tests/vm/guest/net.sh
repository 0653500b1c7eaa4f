# SPDX-License-Identifier: GPL-2.0
#
# Sourced by guest scripts: net_up N makes network namespaces n1..nN,
# each with eth0 = 10.9.0.I/24 on a veth into bridge br0 (10.9.0.254) in
# the root namespace; net_add I adds one more; node_field reads a node's
# status. busybox sh runs its own applets before PATH, so iproute2's
# tools are named by path.
ip=/usr/bin/ip tc=/usr/sbin/tc nft=/usr/sbin/nft

net_add() {
	$ip netns add n$1 &&
	$ip link add v$1 type veth peer name eth0 netns n$1 &&
	$ip link set v$1 master br0 up &&
	$ip -n n$1 link set lo up &&
	$ip -n n$1 addr add 10.9.0.$1/24 dev eth0 &&
	$ip -n n$1 link set eth0 up
}

net_up() {
	$ip link add br0 type bridge && $ip link set br0 up &&
		$ip addr add 10.9.0.254/24 dev br0 || return 1
	i=1
	while [ $i -le "$1" ]; do
		net_add $i || return 1
		i=$((i + 1))
	done
}

# node_field NODE KEY: a number at the top level of NODE's json status (the
# peers' fields, which repeat names such as "id", are cut off first)
node_field() {
	status_field "$(kraftctl -n "$1" -o json status 2>/dev/null)" "$2"
}
# status_field JSON FIELD: a number from the node part of a status
status_field() {
	echo "$1" | sed -n -e 's/,"peers":.*//' -e "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

# loop_pids [NODE]: the pids of the nodes' loops (threads kraft/kraftN), or
# of NODE's alone (busybox has no pgrep)
loop_pids() {
	for f in /proc/[0-9]*/comm; do
		{ read -r c <"$f"; } 2>/dev/null || continue
		case $c in
		kraft/${1:-kraft[0-9]*}) p=${f#/proc/}; echo "${p%/comm}" ;;
		esac
	done
}
