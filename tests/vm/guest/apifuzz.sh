#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with 3 blank disks: hostile calls from userspace. A
# 3-node cluster; tests/fault/kraft-apifuzz sends random ioctls and
# generic netlink requests for 10 s to kraft0 (no admin commands, while a
# client writes), then for 5 s with every command to kraft2 (which may take
# it down or change the membership). The kernel must not crash, warn or
# leak (the harness checks); kraft0 must still serve. Prints TAP.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/net.sh"
export KRAFTCTL_TIMEOUT_MS=5000
fuzz=$KRAFT_REPO/build/user/kraft-apifuzz
PEERS=1=10.9.0.1:7001,2=10.9.0.2:7001,3=10.9.0.3:7001

modprobe kraft
net_up 3
check "a 3-node cluster" sh -c "
	for i in 1 2 3; do
		d=/dev/vd\$(echo bcd | cut -c\$i)
		kraftctl init \$d --cluster api --node \$i --peers $PEERS >/dev/null &&
		$ip netns exec n\$i kraftctl up \$d >/dev/null || exit 1
	done
	i=0; until kraftctl -n kraft0 put a 1 >/dev/null 2>&1; do
		i=\$((i + 1)); [ \$i -lt 50 ] || exit 1; sleep 0.2; done"
"$fuzz" --node kraft0 --seconds 10 --seed 1 --no-admin >/tmp/f1 2>&1 &
i=0
while [ $i -lt 30 ]; do
	kraftctl -n kraft0 put w$i $i >/dev/null 2>&1
	i=$((i + 1))
	sleep 0.2
done
wait
sed 's/^/# /' /tmp/f1
check "the fuzzer ran against kraft0" grep -q "^apifuzz: [1-9][0-9]* ioctls" /tmp/f1
check "kraft0 serves after it" sh -c '
	i=0; until kraftctl -n kraft0 put after 1 >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done
	[ "$(kraftctl -n kraft0 get after)" = 1 ]'
check "every command, against kraft2" sh -c \
	"$fuzz --node kraft2 --seconds 5 --seed 2 | tee /dev/stderr | grep -q '^apifuzz: '"
check "the nodes still up answer status" sh -c '
	for n in kraft0 kraft1 kraft2; do
		[ -e /dev/$n ] || continue
		kraftctl -n $n status >/dev/null || exit 1
	done'
check "down what is up, rmmod" sh -c '
	for n in kraft0 kraft1 kraft2; do
		[ -e /dev/$n ] && { kraftctl down $n || exit 1; }
	done; rmmod kraft'
tap_done
