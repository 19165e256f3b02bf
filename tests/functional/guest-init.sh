#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the real-VFIO test guest (tests/functional/run-real-vfio.sh):
# load VFIO, bind QEMU's edu to vfio-pci, run the test, print the result
# marker on the console and power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp

result() {
    echo "FUNCTIONAL-RESULT: $1"
    poweroff -f
}

for m in irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci; do
    insmod "/mods/$m.ko" || { echo "FUNCTIONAL-FAIL: insmod $m"; result 1; }
done
# KVM for the binary's -accel kvm (TCG emulates AMD SVM).  Optional: when
# it cannot load, the test skips its -accel kvm case with this reason.
kvm_skip=
if [ ! -e /mods/kvm-amd.ko ]; then
    kvm_skip="the guest kernel has no kvm-amd module"
else
    for m in ccp kvm kvm-amd; do
        out=$(insmod "/mods/$m.ko" 2>&1) ||
            { kvm_skip="insmod $m failed: $out"; break; }
    done
fi
[ -n "$kvm_skip" ] || [ -e /dev/kvm ] ||
    kvm_skip="no /dev/kvm after loading kvm-amd (no SVM in the guest CPU?)"
bdf=
for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
        bdf=${d##*/}
    fi
done
[ -n "$bdf" ] || { echo "FUNCTIONAL-FAIL: no edu device"; result 1; }
echo vfio-pci > "/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
group=$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")
echo "FUNCTIONAL: edu at $bdf, driver $(readlink "/sys/bus/pci/devices/$bdf/driver"), group ${group##*/}"
[ -e "/dev/vfio/${group##*/}" ] || { echo "FUNCTIONAL-FAIL: no /dev/vfio/${group##*/}"; result 1; }

cd /test
FUNCTIONAL_KVM_SKIP=$kvm_skip VFIO_EDU_HOST=$bdf QTEST_QEMU_BINARY=/test/qemu-system-ppc64 \
    ./vfio-real-test ${FUNCTIONAL_TESTS:+-p "$FUNCTIONAL_TESTS"}
rc=$?
dmesg | grep DMAR | tail -5
result $rc
