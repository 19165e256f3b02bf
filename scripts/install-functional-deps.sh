#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 host packages the functional test (tests/functional/,
# docs/user/real-vfio.md) needs, when they are missing: QEMU for x86-64 to
# run the guest, and the tools that build its initramfs.  The guest kernel
# and busybox are downloaded, never installed, by tests/functional/prepare.sh.
# Uses sudo when not run as root.
set -e

PACKAGES="qemu-system-x86 kmod cpio xz-utils"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-functional-deps: missing packages:$missing (run as root or install sudo)" >&2
    exit 1
fi
echo "install-functional-deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
