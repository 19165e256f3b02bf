#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages the libFuzzer build of tests/fuzz needs
# (clang 14 and its runtimes: libFuzzer, ASan, UBSan), when missing.  Kept
# apart from scripts/install-deps.sh, whose list stays what building and
# testing need.  Uses sudo when not run as root.
set -e

PACKAGES="clang-14 libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-fuzz-deps: missing packages:$missing (run as root or install sudo)" >&2
        exit 1
    fi
    echo "install-fuzz-deps: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# Debian's clang-14 package installs no plain "clang": say which to use.
if ! command -v clang >/dev/null 2>&1 && ! command -v clang-14 >/dev/null 2>&1; then
    echo "install-fuzz-deps: clang-14 not found after installing" >&2
    exit 1
fi
