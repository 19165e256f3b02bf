#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real-VFIO functional test (docs/user/real-vfio.md): boot an x86-64
# Linux guest under QEMU TCG with an emulated Intel IOMMU and QEMU's edu
# device, bind edu to vfio-pci there, and run tests/functional/vfio-real-test
# (which starts BUILD/qemu-system-ppc64 with -device vfio-pci,host=...).
# Usage: run-real-vfio.sh BUILD.  Exit 0 pass, 1 fail, 77 skip (one line
# saying why).  The guest files are cached in BUILD/functional.
set -u

BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")" && pwd)
DIR=$BUILD/functional
TIMEOUT=${FUNCTIONAL_TIMEOUT:-600}
# Trace events of the inner binary (e.g. 'vfio_linux_*'): the kernel hands
# unknown NAME=VALUE parameters to init as environment variables.
TRACE=${FUNCTIONAL_TRACE:+ QTEST_TRACE=$FUNCTIONAL_TRACE}
# Only the guest test cases under this path (e.g. /vfio-real/hotplug).
TRACE="$TRACE${FUNCTIONAL_TESTS:+ FUNCTIONAL_TESTS=$FUNCTIONAL_TESTS}"

skip() { echo "SKIP: $*"; exit 77; }

for f in "$BUILD/qemu-system-ppc64" "$BUILD/tests/functional/vfio-real-test"; do
    [ -x "$f" ] || skip "$f is not built"
done
"$SRC/prepare-guest.sh" "$DIR"
rc=$?
[ $rc -eq 0 ] || exit $rc
kver=$(cat "$DIR/ready")

# ---- initramfs: busybox, the VFIO modules, the programs and their libraries
t0=$(date +%s.%N)
stage=$DIR/initramfs
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/mods" "$stage/test" "$stage/proc" "$stage/sys" \
         "$stage/dev" "$stage/tmp"
cp "$DIR/root/bin/busybox" "$stage/bin/busybox"
for m in irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci; do
    ko=$(find "$DIR/root/lib/modules/$kver" -name "$m.ko" | head -1)
    [ -n "$ko" ] || skip "the guest kernel $kver has no module $m"
    cp "$ko" "$stage/mods/"
done
# KVM (kvm-amd needs ccp): optional, the guest skips the -accel kvm case
# without it.
for m in ccp kvm kvm-amd; do
    ko=$(find "$DIR/root/lib/modules/$kver" -name "$m.ko" | head -1)
    [ -n "$ko" ] && cp "$ko" "$stage/mods/"
done
for prog in "$BUILD/qemu-system-ppc64" "$BUILD/tests/functional/vfio-real-test"; do
    cp "$prog" "$stage/test/"
    # every library ldd names, at the same path (the loader included)
    for lib in $(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
        mkdir -p "$stage$(dirname "$lib")"
        cp -L "$lib" "$stage$lib"
    done
done
cp "$SRC/guest-init.sh" "$stage/init"
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet) > "$DIR/initramfs.cpio"
t1=$(date +%s.%N)

# ---- boot (TCG: the only accelerator that works on these machines)
log=$DIR/serial.log
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 \
    -nodefaults -nographic -no-reboot \
    -machine q35,kernel-irqchip=split \
    -device intel-iommu,intremap=on,caching-mode=on \
    -device edu,dma_mask=0xffffffffffffffff \
    -serial "file:$log" -kernel "$DIR/vmlinux" -initrd "$DIR/initramfs.cpio" \
    -append "console=ttyS0 intel_iommu=on panic=-1 quiet$TRACE" </dev/null
qrc=$?
t2=$(date +%s.%N)
cat "$log"
echo "real-vfio: initramfs $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s," \
     "guest run $(awk "BEGIN{printf \"%.1f\", $t2 - $t1}") s (QEMU exit $qrc)"

res=$(sed -n 's/^FUNCTIONAL-RESULT: \([0-9]*\).*/\1/p' "$log" | tail -1)
# Cases the guest skipped (GLib's "ok N PATH # SKIP REASON"): name each.
skipped=$(tr -d '\r' < "$log" |
          sed -n 's/^ok [0-9]* \(\/[^ ]*\) # SKIP *\(.*\)/\1: \2/p')
if [ -n "$skipped" ]; then
    echo "$skipped" | sed 's/^/real-vfio: case skipped: /'
fi
case "$res" in
0)  if [ -n "$skipped" ]; then
        echo "PASS: real-vfio ($(echo "$skipped" | wc -l) case(s) skipped, see above)"
    else
        echo "PASS: real-vfio"
    fi
    exit 0 ;;
77) echo "SKIP: $(sed -n 's/^FUNCTIONAL-SKIP: //p' "$log" | tail -1)"; exit 77 ;;
"") echo "FAIL: real-vfio: no result marker on the guest console (QEMU exit $qrc)"
    exit 1 ;;
*)  echo "FAIL: real-vfio: the guest test exited $res"; exit 1 ;;
esac
