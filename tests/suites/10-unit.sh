#!/bin/bash
# Unit suites of the pure core in userspace, under ASan and UBSan.
set -o pipefail
make -s unit || { echo "SUITE unit: 0 passed, 1 failed"; exit 1; }
build/user/kraft-unit | tee /dev/stderr | tests/ktap-count unit
