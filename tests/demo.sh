#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a guest on each kernel and show kraft at work. The
# guest console is filtered down to the demo's own output.
set -euo pipefail
cd "$(dirname "$0")/.."
for k in debian debug; do
	echo "### booting a guest on the $k kernel (QEMU; the first run builds or downloads it)"
	tests/vm/run --kernel "$k" -- tests/vm/guest/demo.sh 2>&1 |
		sed -n '/^=== kraft on/,/^KRAFT-VM-EXIT/p' | grep -v '^KRAFT-VM-EXIT'
done
