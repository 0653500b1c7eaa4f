#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a guest on the Debian kernel with three disks and run a
# 3-node kraft cluster in it (tests/vm/guest/demo.sh). The guest console
# is filtered down to the demo's own output.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "### booting a guest (QEMU; the first run builds what it needs)"
tests/vm/run --kernel debian --disks 3 --disk-mb 64 -- tests/vm/guest/demo.sh 2>&1 |
	sed -n '/^=== kraft on/,/^KRAFT-VM-EXIT/p' | grep -v '^KRAFT-VM-EXIT' |
	grep -v '^\[ *[0-9]*\.[0-9]*\]'
