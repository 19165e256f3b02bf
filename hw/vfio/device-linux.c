/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIODeviceOps over a Linux VFIO device fd: the device requests, pread /
 * pwrite at the region offsets, mmap (docs/specs/linux-interfaces.md §5).
 */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include <linux/vfio.h>
#include "hw/vfio/iommu-linux.h"
#include "trace.h"

/* Regions whose answers are kept (the fixed vfio-pci ones and a few more). */
#define LXD_CACHED_REGIONS 16

typedef struct VFIOLinuxDevice {
    VFIODevice base;
    int fd;
    VFIOLinuxIoctl ioctl;
    bool have_info;
    VFIODeviceInfo info;
    bool cached[LXD_CACHED_REGIONS];
    VFIORegionInfo regions[LXD_CACHED_REGIONS];
} VFIOLinuxDevice;

static VFIOLinuxDevice *lxd(VFIODevice *dev)
{
    return container_of(dev, VFIOLinuxDevice, base);
}

static int lxd_get_info(VFIODevice *dev, VFIODeviceInfo *info)
{
    VFIOLinuxDevice *d = lxd(dev);
    struct vfio_device_info di = { .argsz = sizeof(di) };
    int ret;

    if (!d->have_info) {
        ret = vfio_linux_call(d->ioctl, d->fd, VFIO_DEVICE_GET_INFO, &di);
        trace_vfio_linux_device_info(di.flags, di.num_regions, di.num_irqs,
                                     ret);
        if (ret) {
            return ret;
        }
        d->info = (VFIODeviceInfo) {
            .flags = di.flags,
            .num_regions = di.num_regions,
            .num_irqs = di.num_irqs,
        };
        d->have_info = true;
    }
    *info = d->info;
    return 0;
}

static int lxd_region_info(VFIODevice *dev, uint32_t index,
                           VFIORegionInfo *info)
{
    VFIOLinuxDevice *d = lxd(dev);
    struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
    VFIODeviceInfo di;
    int ret;

    ret = lxd_get_info(dev, &di);
    if (ret) {
        return ret;
    }
    if (index >= di.num_regions) {
        return -EINVAL;
    }
    if (index < LXD_CACHED_REGIONS && d->cached[index]) {
        *info = d->regions[index];
        return 0;
    }
    ret = vfio_linux_call(d->ioctl, d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri);
    trace_vfio_linux_region_info(index, ri.flags, ri.size, ri.offset, ret);
    if (ret) {
        return ret;
    }
    *info = (VFIORegionInfo) {
        .index = index,
        .flags = ri.flags,
        .size = ri.size,
        .offset = ri.offset,
    };
    if (index < LXD_CACHED_REGIONS) {
        d->regions[index] = *info;
        d->cached[index] = true;
    }
    return 0;
}

/* The region's info when it allows @flag; else -EINVAL. */
static int lxd_region_for(VFIODevice *dev, uint32_t index, uint32_t flag,
                          VFIORegionInfo *ri)
{
    int ret = lxd_region_info(dev, index, ri);

    if (ret) {
        return ret;
    }
    if (!ri->size || !(ri->flags & flag)) {
        return -EINVAL;
    }
    return 0;
}

static ssize_t lxd_read(VFIODevice *dev, uint32_t index, uint64_t offset,
                        void *buf, size_t len)
{
    VFIOLinuxDevice *d = lxd(dev);
    VFIORegionInfo ri;
    ssize_t ret = lxd_region_for(dev, index, VFIO_REGION_INFO_FLAG_READ, &ri);

    if (ret) {
        return ret;
    }
    if (offset > INT64_MAX - ri.offset) {
        return -EINVAL;
    }
    /* The kernel cuts BAR accesses at the end and refuses bad config ones */
    ret = pread(d->fd, buf, len, ri.offset + offset);
    return ret < 0 ? -errno : ret;
}

static ssize_t lxd_write(VFIODevice *dev, uint32_t index, uint64_t offset,
                         const void *buf, size_t len)
{
    VFIOLinuxDevice *d = lxd(dev);
    VFIORegionInfo ri;
    ssize_t ret = lxd_region_for(dev, index, VFIO_REGION_INFO_FLAG_WRITE,
                                 &ri);

    if (ret) {
        return ret;
    }
    if (offset > INT64_MAX - ri.offset) {
        return -EINVAL;
    }
    ret = pwrite(d->fd, buf, len, ri.offset + offset);
    return ret < 0 ? -errno : ret;
}

static int lxd_mmap(VFIODevice *dev, uint32_t index, uint64_t offset,
                    uint64_t size, void **addr)
{
    VFIOLinuxDevice *d = lxd(dev);
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    VFIORegionInfo ri;
    int prot = 0;
    void *p;
    int ret = lxd_region_for(dev, index, VFIO_REGION_INFO_FLAG_MMAP, &ri);

    if (ret) {
        return ret;
    }
    if (!size || (offset | size) & (page - 1) || offset > ri.size ||
        size > ri.size - offset) {
        return -EINVAL;
    }
    prot |= ri.flags & VFIO_REGION_INFO_FLAG_READ ? PROT_READ : 0;
    prot |= ri.flags & VFIO_REGION_INFO_FLAG_WRITE ? PROT_WRITE : 0;
    p = mmap(NULL, size, prot, MAP_SHARED, d->fd, ri.offset + offset);
    if (p == MAP_FAILED) {
        ret = -errno;
        trace_vfio_linux_mmap(index, offset, size, ret);
        return ret;
    }
    trace_vfio_linux_mmap(index, offset, size, 0);
    *addr = p;
    return 0;
}

static void lxd_munmap(VFIODevice *dev, void *addr, uint64_t size)
{
    munmap(addr, size);
}

static int lxd_reset(VFIODevice *dev)
{
    VFIOLinuxDevice *d = lxd(dev);
    int ret;

    ret = vfio_linux_call(d->ioctl, d->fd, VFIO_DEVICE_RESET, NULL);
    trace_vfio_linux_device_reset(ret);
    return ret;
}

static void lxd_release(VFIODevice *dev)
{
    VFIOLinuxDevice *d = lxd(dev);

    close(d->fd);
    g_free(d);
}

static const VFIODeviceOps vfio_linux_device_ops = {
    .name = "linux",
    .get_info = lxd_get_info,
    .region_info = lxd_region_info,
    .region_read = lxd_read,
    .region_write = lxd_write,
    .region_mmap = lxd_mmap,
    .region_munmap = lxd_munmap,
    .reset = lxd_reset,
    .release = lxd_release,
};

VFIODevice *vfio_linux_device_new(int fd, VFIOLinuxIoctl ioctl_fn)
{
    VFIOLinuxDevice *d = g_new0(VFIOLinuxDevice, 1);

    d->base.ops = &vfio_linux_device_ops;
    d->fd = fd;
    d->ioctl = ioctl_fn;
    return &d->base;
}
