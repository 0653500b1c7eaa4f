#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/deps.sh - install the Debian packages kraft's build, tests and demo
# need (apt-get; through sudo when not root). Quiet when all are present.
# `deps.sh bench` adds what make bench needs (etcd, nghttp2, gnuplot).
set -euo pipefail

PKGS="build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
      gzip xz-utils rsync python3 pkg-config qemu-system-x86 busybox-static
      iproute2 nftables libnl-genl-3-dev libmnl-dev linux-headers-amd64
      linux-source-6.1 clang libclang-rt-14-dev valgrind groff-base dmsetup"
[ "${1:-}" = bench ] &&
	PKGS+=" etcd-server etcd-client libnghttp2-dev gnuplot-nox e2fsprogs"

missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
