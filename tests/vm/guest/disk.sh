#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest with two blank disks (tests/vm/run --disks 2):
# kraftctl init and dump on real virtio block devices. Prints TAP.
. "$(dirname "$0")/tap.sh"
peers=1=10.0.0.1:7000,2=10.0.0.2:7000,3=10.0.0.3:7000
check "init a blank virtio disk" \
	kraftctl init /dev/vdb --cluster test --node 1 --peers $peers
check "dump shows the superblock and its peers" sh -c \
	'kraftctl dump /dev/vdb >/tmp/d && grep -q "cluster test, node 1" /tmp/d &&
	 grep -q "^peer 3 10.0.0.3:7000$" /tmp/d && grep -q "^log: 0 records from index 1" /tmp/d'
check "init refuses a device that holds a node (exit 1)" sh -c \
	"kraftctl init /dev/vdb --cluster other --node 2 --peers $peers; [ \$? = 1 ]"
check "the refused init changed nothing" sh -c \
	'kraftctl dump /dev/vdb | grep -q "cluster test, node 1"'
check "init --force overwrites it" sh -c \
	"kraftctl init /dev/vdb --cluster other --node 2 --peers $peers --force &&
	 kraftctl dump /dev/vdb | grep -q 'cluster other, node 2'"
check "dump of a blank disk fails with a clear message (exit 1)" sh -c \
	'kraftctl dump /dev/vdc 2>/tmp/e; [ $? = 1 ] && grep -q "no kraft superblock" /tmp/e'
check "init with a node outside --peers formats a joining node, with a note" sh -c \
	"kraftctl init /dev/vdc --cluster t --node 9 --peers $peers 2>/tmp/e &&
	 grep -q 'member add' /tmp/e && kraftctl dump /dev/vdc | grep -q 'node 9'"
check "a peer address with an unknown host is a usage error (exit 2)" sh -c \
	"kraftctl init /dev/vdc --cluster t --node 1 --peers 1=nosuchhost.invalid:1; [ \$? = 2 ]"
check "foreign data is not mistaken for kraft" sh -c \
	'dd if=/dev/urandom of=/dev/vdc bs=4096 count=4 2>/dev/null;
	 kraftctl dump /dev/vdc; [ $? = 1 ]'
tap_done
