#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside a guest: kraft.ko loading, its interfaces, unloading.
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; sh -c "$*"; }
echo "=== kraft on $(uname -r) ==="
step "modprobe kraft"
step "dmesg | grep 'kraft:' | grep -v taint"
step "ls -l /dev/kraft"
step "genl ctrl get name kraft"
step "kraftctl version"
step "rmmod kraft"
step "dmesg | grep 'kraft:' | tail -1"
step "grep -c ^kraft /proc/modules || echo \"kraft is not loaded\""
