#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: start the machine as QEMU's libqtest does and play the demo
# scenario (demo/spapr-demo.c) against it.
set -e
BUILD=${1:-build}
QTEST_QEMU_BINARY="$BUILD/qemu-system-ppc64" exec "$BUILD/demo/spapr-demo"
