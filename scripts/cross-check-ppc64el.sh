#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Compile the POWER-only code (accel/kvm-spapr.c: KVM_CREATE_SPAPR_TCE_64,
# whose structure only POWER's uAPI headers define) with Debian's ppc64el
# cross compiler and POWER's kernel headers, warnings as errors, so that it
# is never dead code on the x86 machines that build everything else.
# Installs the cross compiler when it is missing (sudo when not root).
set -e
cd "$(dirname "$0")/.."

PACKAGES="gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross \
linux-libc-dev-ppc64el-cross"
CC=powerpc64le-linux-gnu-gcc

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || {
            echo "cross-check-ppc64el: missing packages:$missing" >&2
            exit 1
        }
        SUDO=sudo
    fi
    echo "cross-check-ppc64el: installing$missing"
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        --no-install-recommends $missing
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in accel/kvm-spapr.c; do
    $CC -std=gnu11 -O2 -Wall -Wextra -Werror -Wmissing-prototypes \
        -Wstrict-prototypes -Iaccel -c "$f" -o "$out/$(basename "$f" .c).o"
done
# The object really defines the ioctl wrapper (not an empty file).
powerpc64le-linux-gnu-nm "$out/kvm-spapr.o" | grep -q ' T kvm_spapr_tce_create64$'
echo "cross-check-ppc64el: accel/kvm-spapr.c builds for ppc64le"
