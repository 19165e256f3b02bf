#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 host packages the functional test (tests/functional/,
# docs/user/real-vfio.md) needs, when they are missing: QEMU for x86-64 to
# run the guest, and the tools that build its initramfs.  The guest kernel
# and busybox are downloaded, never installed, by tests/functional/prepare.sh.
# Uses sudo when not run as root.
set -e

PACKAGES="qemu-system-x86 kmod cpio xz-utils"

exec "$(dirname "$0")/install-deps.sh" $PACKAGES
