/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-pci: a PCI function of the guest that is an assigned device, seen
 * through VFIODeviceOps (include/hw/vfio/vfio-device.h) and attached, by
 * its group, to a VFIO container of its PHB's DMA address space
 * (include/hw/vfio/vfio-container.h).
 *
 *   -device vfio-pci,soft-host=H[,group=N][,id=ID][,bus=BUS][,addr=A]
 *
 * Back ends: a vfio-soft-host object (soft-host=ID) provides the group's
 * host IOMMU (one soft instance per container) and the device, an
 * edu-compatible function (hw/vfio/soft-edu.c) whose DMA goes through that
 * soft IOMMU's mappings only.  host=DDDD:BB:DD.F (or BB:DD.F) and
 * sysfsdev=PATH name a real device for the Linux back end
 * (include/hw/vfio/iommu-linux.h): /dev/vfio must exist, the device's
 * sysfs directory names its IOMMU group, its driver must be vfio-pci, its
 * group must be viable; each failure is a one-line error naming the
 * device (docs/user/vfio.md).
 *
 * Realize, in QEMU's order: the group is attached to a container of the
 * device's DMA address space (which registers the container's DMA listener
 * and replays the enabled windows), then the device is opened and its
 * config space read.  Config space: the header (0x00-0x3f) is an emulated
 * copy of the device's (IDs, class, subsystem), with the BAR, ROM and
 * command registers handled by the PCI core; the command register is also
 * written to the device, so that bus mastering reaches it; BAR and ROM
 * address registers are never written to the device; bytes from 0x40 on
 * are read from and written to the device.  Each BAR the device has is a
 * MMIO region of its size whose accesses become region reads and writes,
 * or, when the region has the MMAP flag (Linux back end), loads and stores
 * on the region mapped into the process (QEMU's RAM-device regions; with no
 * vCPU here they are MMIO ops over the mapping, never guest RAM, so no
 * DMA listener sees them).
 * Reset: the PCI core's reset, then VFIO_DEVICE_RESET when the device
 * offers it (bus master off, no DMA in flight).  Unrealize: the device is
 * closed, then the group reference dropped (the last one releases the
 * container: every host mapping and window goes).
 *
 * Out of scope (docs/user/vfio.md): INTx/MSI/MSI-X (devices are polled),
 * EEH, peer-to-peer DMA, hotplug (it comes with DRCs).
 */
#ifndef HW_VFIO_VFIO_PCI_H
#define HW_VFIO_VFIO_PCI_H

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/vfio/vfio-device.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/soft-host.h"
#include "hw/vfio/soft-edu.h"
#include "hw/vfio/iommu-linux.h"

#define TYPE_VFIO_PCI "vfio-pci"
OBJECT_DECLARE_SIMPLE_TYPE(VFIOPCIDevice, VFIO_PCI)

#define VFIO_PCI_NUM_BARS 6

typedef struct VFIOPCIBar {
    VFIOPCIDevice *vdev;
    uint32_t index;
    MemoryRegion mr;
    uint64_t size;
    void *mmap;                 /* the region mapped into the process, or NULL */
} VFIOPCIBar;

struct VFIOPCIDevice {
    PCIDevice parent_obj;

    /* Properties. */
    VFIOSoftHost *soft_host;
    int32_t group;              /* -1: the next free group number */
    char *host;
    char *sysfsdev;

    VFIOGroup *vgroup;
    VFIODevice *device;
    VFIOSoftEdu *edu;           /* the soft device, when soft_host is set */
    VFIOLinuxHost *linux_host;  /* host=/sysfsdev=: the group's host */
    VFIODeviceInfo info;
    VFIOPCIBar bars[VFIO_PCI_NUM_BARS];
};

#endif /* HW_VFIO_VFIO_PCI_H */
