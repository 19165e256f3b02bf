#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages that building and testing spapr-iommu need,
# when they are missing.  Uses sudo when not run as root.
#
#   scripts/install-deps.sh [PACKAGE...]
#
# With arguments, those packages instead of the build's (the other install
# scripts of scripts/ use it that way).
set -e

PACKAGES="gcc make meson ninja-build pkg-config python3 libglib2.0-dev \
libjson-glib-dev libfdt-dev device-tree-compiler linux-libc-dev zlib1g-dev"
# AddressSanitizer/UBSan runtimes for the CI's sanitizer build.
PACKAGES="$PACKAGES libasan8 libubsan1"
[ $# -gt 0 ] && PACKAGES="$*"

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
    echo "install-deps: missing packages:$missing (run as root or install sudo)" >&2
    exit 1
fi
echo "install-deps: installing$missing"
# A mirror caught mid-sync fails one index: install from what was fetched.
$SUDO apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
