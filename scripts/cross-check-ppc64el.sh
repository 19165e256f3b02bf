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

"$(dirname "$0")/install-deps.sh" $PACKAGES

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in accel/kvm-spapr.c; do
    $CC -std=gnu11 -O2 -Wall -Wextra -Werror -Wmissing-prototypes \
        -Wstrict-prototypes -Iaccel -c "$f" -o "$out/$(basename "$f" .c).o"
done
# The object really defines the ioctl wrapper (not an empty file).
powerpc64le-linux-gnu-nm "$out/kvm-spapr.o" | grep -q ' T kvm_spapr_tce_create64$'
echo "cross-check-ppc64el: accel/kvm-spapr.c builds for ppc64le"
