#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a guest (tests/vm/run): the module's whole skeleton path.
# Prints TAP; exits non-zero when any check fails.
. "$(dirname "$0")/tap.sh"

check "modprobe kraft" modprobe kraft
check "the version is logged" sh -c 'dmesg | grep -q "kraft: version .* loaded"'
check "/dev/kraft is a character device" test -c /dev/kraft
check "genl family kraft is registered" sh -c 'genl ctrl get name kraft | grep -q "Name: kraft"'
check "genl family has the events group" sh -c 'genl ctrl get name kraft | grep -q "name: events"'
check "kraftctl version talks to the module" sh -c 'kraftctl version | grep -q "^kraft [0-9.]* (protocol 1)$"'
check "kraftctl unknown command is a usage error" sh -c 'kraftctl frobnicate; [ $? = 2 ]'
check "rmmod kraft" rmmod kraft
check "the module is gone after rmmod" sh -c '! test -e /sys/module/kraft'
check "/dev/kraft is gone after rmmod" sh -c '! test -e /dev/kraft'
check "a family lookup autoloads kraft" sh -c 'genl ctrl get name kraft >/dev/null && test -e /sys/module/kraft && rmmod kraft'
check "load and unload 5 times" sh -c 'for i in 1 2 3 4 5; do modprobe kraft && rmmod kraft || exit 1; done'
tap_done
