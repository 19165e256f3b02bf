#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages the libFuzzer build of tests/fuzz needs
# (clang 14 and its runtimes: libFuzzer, ASan, UBSan), when missing.  Kept
# apart from scripts/install-deps.sh, whose list stays what building and
# testing need.  Uses sudo when not run as root.
set -e

PACKAGES="clang-14 libclang-rt-14-dev"

"$(dirname "$0")/install-deps.sh" $PACKAGES

# Debian's clang-14 package installs no plain "clang": say which to use.
if ! command -v clang >/dev/null 2>&1 && ! command -v clang-14 >/dev/null 2>&1; then
    echo "install-fuzz-deps: clang-14 not found after installing" >&2
    exit 1
fi
