#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside a guest with 3 blank disks: a 3-node kraft cluster, one
# node per network namespace (n1, n2, n3 on a bridge), put and get through
# different nodes, status, the leader taken down, a new leader, the data
# intact, the old leader back and caught up.
# shown as typed on a host (where ip is iproute2's), run as is
step() {
	printf '\n\033[1m$ %s\033[0m\n' "$(echo "$*" | sed 's|/usr/bin/ip|ip|g')"
	sh -c "$*"
}
. "$(dirname "$0")/net.sh"
export KRAFTCTL_TIMEOUT_MS=10000
echo "=== kraft on $(uname -r) ==="
modprobe kraft
net_up 3
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001
for i in 1 2 3; do
	dev=/dev/vd$(echo bcd | cut -c$i)
	step "kraftctl init $dev --cluster demo --node $i --peers $PEERS"
	step "$ip netns exec n$i kraftctl up $dev"
done
step "kraftctl -n kraft0 put greeting hello"
step "kraftctl -n kraft2 get greeting"
step "kraftctl -n kraft1 cas greeting --rev 1 'hello, world'"
sleep 1
step "kraftctl -n kraft0 status"
lead=$(node_field kraft0 leader)
name=kraft$((lead - 1))
other=kraft$((lead % 3))
step "kraftctl down $name    # the leader, node $lead"
i=0
until l=$(node_field $other leader) &&
	[ -n "$l" ] && [ "$l" != 0 ] && [ "$l" != "$lead" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
step "kraftctl -n $other status"
step "kraftctl -n $other get greeting"
step "kraftctl -n $other put after failover"
dev=/dev/vd$(echo bcd | cut -c"$lead")
step "$ip netns exec n$lead kraftctl up $dev    # node $lead again, from its disk"
sleep 2
step "kraftctl -n $name get after --serializable"
step "rmmod kraft"
