/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIODeviceOps: the one seam between vfio-pci and an assigned device,
 * implemented by the Linux back end (a VFIO device fd) and by the soft
 * host's devices (hw/vfio/soft-edu.c).
 *
 * Every op follows the syscall convention of the request it models
 * (docs/specs/linux-interfaces.md §5): 0 or a byte count on success, a
 * negative errno on failure, nothing else; a failed op changes no device
 * state.  A Linux back end passes the kernel's answers on (a short count
 * included); a soft device reproduces them.
 *
 * Regions.  A vfio-pci device has VFIO_PCI_NUM_REGIONS (9) fixed regions,
 * numbered as the kernel numbers them: VFIO_PCI_BAR0_REGION_INDEX (0) to
 * VFIO_PCI_BAR5_REGION_INDEX (5), VFIO_PCI_ROM_REGION_INDEX (6),
 * VFIO_PCI_CONFIG_REGION_INDEX (7) and VFIO_PCI_VGA_REGION_INDEX (8).  A
 * region the device does not implement (a BAR it lacks, no ROM, not VGA)
 * reports size 0 and flags 0, and every access to it fails with -EINVAL.
 * Region data are the bytes the device presents, in PCI (little-endian)
 * order: a 4-byte read at offset 0 of the config region gives the vendor
 * ID in bytes 0-1.  Reads of the config region return the device's real
 * config space as the host lets user space see it (IDs, class, revision
 * unchanged; BAR registers virtualised by the host).
 *
 * Calling context, for every op: the main loop thread (no locks); an op
 * never calls back into its caller.  Ops run to completion: whatever a
 * write starts inside a soft device (a DMA) is over when the write returns.
 */
#ifndef HW_VFIO_VFIO_DEVICE_H
#define HW_VFIO_VFIO_DEVICE_H

#include "qemu/osdep.h"

/*
 * The kernel's numbers (region indexes, flags) are the uAPI header's: they
 * are fixed user ABI, and the Linux back end needs the header anyway
 * (hw/vfio/meson.build checks for it).
 */
#include <linux/vfio.h>

/* What VFIO_DEVICE_GET_INFO reports. */
typedef struct VFIODeviceInfo {
    uint32_t flags;          /* VFIO_DEVICE_FLAGS_RESET, VFIO_DEVICE_FLAGS_PCI */
    uint32_t num_regions;    /* >= VFIO_PCI_NUM_REGIONS for a vfio-pci device */
    uint32_t num_irqs;       /* interrupt indexes (unused here: polled) */
} VFIODeviceInfo;

/* What VFIO_DEVICE_GET_REGION_INFO reports for one region. */
typedef struct VFIORegionInfo {
    uint32_t index;
    uint32_t flags;          /* VFIO_REGION_INFO_FLAG_READ / _WRITE / _MMAP */
    uint64_t size;           /* bytes; 0: not implemented */
    /*
     * Where the region starts in the device fd (pread/pwrite/mmap offset).
     * Opaque to callers: they name regions by index; a soft device reports
     * the kernel's vfio-pci layout (index << 40) for the looks of it.
     */
    uint64_t offset;
} VFIORegionInfo;

typedef struct VFIODevice VFIODevice;
typedef struct VFIODeviceOps VFIODeviceOps;

/* A device instance; each back end embeds it and finds itself from it. */
struct VFIODevice {
    const VFIODeviceOps *ops;
};

struct VFIODeviceOps {
    /* Back end name for traces and messages ("soft-edu", "linux"). */
    const char *name;

    /* Fill @info (VFIO_DEVICE_GET_INFO).  Cannot fail on a live device. */
    int (*get_info)(VFIODevice *dev, VFIODeviceInfo *info);

    /*
     * Fill @info for region @index (VFIO_DEVICE_GET_REGION_INFO).
     * -EINVAL: @index >= num_regions.  A region the device lacks is not an
     * error: size 0, flags 0.
     */
    int (*region_info)(VFIODevice *dev, uint32_t index, VFIORegionInfo *info);

    /*
     * Read @len bytes at @offset of region @index into @buf (pread on the
     * region).  Returns the bytes read or a negative errno:
     *   -EINVAL: @index >= num_regions, a region of size 0, a region without
     *            the READ flag; for BARs and the ROM, @offset >= size;
     *   -EFAULT: config region, [@offset, @offset + @len) not inside it.
     * A BAR or ROM access that runs past the region's end is cut there
     * (a short count).  BAR accesses reach the device as naturally aligned
     * pieces of 1, 2, 4 or 8 bytes, largest first; config accesses as
     * aligned pieces of at most 4 bytes.  @len 0 returns 0 once @index is
     * valid.
     */
    ssize_t (*region_read)(VFIODevice *dev, uint32_t index, uint64_t offset,
                           void *buf, size_t len);

    /* Write (pwrite on the region): as region_read, WRITE flag needed. */
    ssize_t (*region_write)(VFIODevice *dev, uint32_t index, uint64_t offset,
                            const void *buf, size_t len);

    /*
     * Optional: map [@offset, @offset + @size) of region @index into the
     * process (mmap of the device fd), *@addr set to the mapping.
     * -EINVAL: no MMAP flag, or the range is not page aligned or not
     * inside the region.  NULL op: no region of this device can be mapped.
     */
    int (*region_mmap)(VFIODevice *dev, uint32_t index, uint64_t offset,
                       uint64_t size, void **addr);

    /* Undo one region_mmap() (required when region_mmap is set). */
    void (*region_munmap)(VFIODevice *dev, void *addr, uint64_t size);

    /*
     * Reset the device (VFIO_DEVICE_RESET): registers to their reset
     * values, bus master off (the command register cleared), no DMA in
     * flight or pending when it returns.
     * -EINVAL: the device does not report VFIO_DEVICE_FLAGS_RESET.
     */
    int (*reset)(VFIODevice *dev);

    /* Close the device and free the instance.  Cannot fail. */
    void (*release)(VFIODevice *dev);
};

/* Wrappers so callers read as calls on the instance. */
static inline int vfio_device_get_info(VFIODevice *dev, VFIODeviceInfo *info)
{
    return dev->ops->get_info(dev, info);
}

static inline int vfio_device_region_info(VFIODevice *dev, uint32_t index,
                                          VFIORegionInfo *info)
{
    return dev->ops->region_info(dev, index, info);
}

static inline ssize_t vfio_device_region_read(VFIODevice *dev, uint32_t index,
                                              uint64_t offset, void *buf,
                                              size_t len)
{
    return dev->ops->region_read(dev, index, offset, buf, len);
}

static inline ssize_t vfio_device_region_write(VFIODevice *dev,
                                               uint32_t index, uint64_t offset,
                                               const void *buf, size_t len)
{
    return dev->ops->region_write(dev, index, offset, buf, len);
}

/* -EINVAL when the back end maps nothing (the kernel's answer too). */
static inline int vfio_device_region_mmap(VFIODevice *dev, uint32_t index,
                                          uint64_t offset, uint64_t size,
                                          void **addr)
{
    if (!dev->ops->region_mmap) {
        return -EINVAL;
    }
    return dev->ops->region_mmap(dev, index, offset, size, addr);
}

static inline void vfio_device_region_munmap(VFIODevice *dev, void *addr,
                                             uint64_t size)
{
    if (dev->ops->region_munmap) {
        dev->ops->region_munmap(dev, addr, size);
    }
}

static inline int vfio_device_reset(VFIODevice *dev)
{
    return dev->ops->reset(dev);
}

static inline void vfio_device_release(VFIODevice *dev)
{
    if (dev) {
        dev->ops->release(dev);
    }
}

#endif /* HW_VFIO_VFIO_DEVICE_H */
