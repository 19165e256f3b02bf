/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Linux VFIO back end: VFIOIOMMUOps over a container fd
 * (/dev/vfio/vfio), VFIOHostOps over group fds (/dev/vfio/N), VFIODeviceOps
 * over a device fd, and the sysfs look-up that turns host=/sysfsdev= into a
 * group number and a device name.  Facts: docs/specs/linux-interfaces.md
 * §4 (container), §5 (device fd), §6 (groups and sysfs).
 *
 * The ioctl seam.  Every ioctl goes through a VFIOLinuxIoctl pointer kept
 * in the instance (container, host, device).  In production it is ioctl(2)
 * itself; unit tests put a function there that records and answers the
 * request, so the exact structures passed to the kernel can be checked on
 * a machine without /dev/vfio.  Arguments are always passed as one pointer
 * (integer arguments as (void *)(uintptr_t)value, which is what the kernel
 * reads from the register), so a replacement reads them with
 * va_arg(ap, void *).  A replacement follows ioctl's convention: -1 with
 * errno set, or a non-negative result.
 *
 * Return convention of the ops: 0 / -errno as VFIOIOMMUOps and
 * VFIODeviceOps say.  A request that returns anything but 0 where 0 is the
 * only success is a failure: -1 gives -errno, a positive value (the sPAPR
 * driver returns +1 for a misaligned IOVA, §4.6) gives -EINVAL.
 *
 * Type discipline: several request numbers are shared between the type1
 * and sPAPR back ends (§4.7; REGISTER_MEMORY is type1's DIRTY_PAGES).  The
 * container never sends an sPAPR request to a container that is not sPAPR
 * TCE v2: it answers as the kernel would (-ENOTTY, -EINVAL for register)
 * without calling it.  VFIO_IOMMU_ENABLE is only for sPAPR v1 (v2 answers
 * ENOTTY and is enabled by the first registration), so it is never sent.
 *
 * Single-threaded (main loop), like the rest of hw/vfio.
 */
#ifndef HW_VFIO_IOMMU_LINUX_H
#define HW_VFIO_IOMMU_LINUX_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/vfio/vfio-iommu.h"
#include "hw/vfio/vfio-device.h"
#include "hw/vfio/vfio-container.h"

/* ioctl(2)'s signature; the production value is ioctl. */
typedef int (*VFIOLinuxIoctl)(int fd, unsigned long request, ...);

/*
 * 0 for a request that returned 0; -errno for -1 (-EIO if errno is 0);
 * -EINVAL for any positive return.
 */
int vfio_linux_ret(int ret, int err);

/* @fn(@fd, @req, @arg) for a request whose only success is 0: as above. */
int vfio_linux_call(VFIOLinuxIoctl fn, int fd, unsigned long req, void *arg);

/* ---- container (VFIOIOMMUOps) ------------------------------------------ */

/*
 * A container instance over @fd (an open /dev/vfio/vfio, owned from now on:
 * release closes it), issuing requests through @ioctl_fn.  Checks
 * VFIO_GET_API_VERSION == VFIO_API_VERSION; NULL with @errp set (and @fd
 * closed) otherwise.
 */
VFIOIOMMU *vfio_linux_iommu_new(int fd, VFIOLinuxIoctl ioctl_fn,
                                Error **errp);

/* The container fd of a Linux instance (for VFIO_GROUP_SET_CONTAINER). */
int vfio_linux_iommu_fd(VFIOIOMMU *iommu);

/* True if @iommu is a Linux container instance. */
bool vfio_linux_iommu_is(VFIOIOMMU *iommu);

/*
 * Parse a type1 VFIO_IOMMU_GET_INFO answer (struct vfio_iommu_type1_info
 * and its capability chain) of @len bytes into @info: page sizes, the
 * IOVA ranges (IOVA_RANGE capability; none: all of 0..2^64-1, as on
 * kernels before it existed) and DMA_AVAIL (none: UINT32_MAX, unknown).
 * -EINVAL: @len too short for the header, a capability or its payload
 * outside the buffer, a chain that does not move forward; -E2BIG: more
 * than VFIO_IOMMU_MAX_IOVA_RANGES ranges.  Unknown capabilities are skipped.
 */
int vfio_linux_parse_type1_info(const void *buf, size_t len,
                                VFIOIOMMUInfo *info);

/* ---- groups (VFIOHostOps) ------------------------------------------------ */

typedef struct VFIOLinuxHost VFIOLinuxHost;

/*
 * The Linux host: opaque for vfio_linux_host_ops.  Keeps the process's
 * open group fds (one per group, reference-counted by the devices using
 * it).  @dev_dir is "/dev/vfio" in production.
 */
VFIOLinuxHost *vfio_linux_host_new(const char *dev_dir,
                                   VFIOLinuxIoctl ioctl_fn);
void vfio_linux_host_free(VFIOLinuxHost *h);

/* The process's host: /dev/vfio and ioctl(2). */
VFIOLinuxHost *vfio_linux_host(void);

/*
 * Tests only: make vfio_linux_host() return @h (NULL: the real one again).
 * Production code never calls it.
 */
void vfio_linux_host_override(VFIOLinuxHost *h);

extern const VFIOHostOps vfio_linux_host_ops;

/*
 * The host's VFIO directory exists; else "WHO: /dev/vfio does not exist
 * (no VFIO driver on this host: load vfio-pci)".
 */
bool vfio_linux_host_check(VFIOLinuxHost *h, const char *who, Error **errp);

/*
 * Open group @groupid (DEV_DIR/N) or take one more reference to it, and
 * check VFIO_GROUP_GET_STATUS.  Errors, naming @who (e.g. "vfio-pci:
 * host=0000:01:00.0"):
 *   "WHO: /dev/vfio does not exist (no VFIO driver on this host: load
 *    vfio-pci)"
 *   "WHO: /dev/vfio/N: no such group"
 *   "WHO: cannot open /dev/vfio/N: STRERROR"
 *   "WHO: group N is not viable (are all its devices bound to vfio-pci?)"
 */
bool vfio_linux_group_open(VFIOLinuxHost *h, int groupid, const char *who,
                           Error **errp);

/* Drop a reference; the last one closes the group fd. */
void vfio_linux_group_close(VFIOLinuxHost *h, int groupid);

/* The open group's fd, or -1. */
int vfio_linux_group_fd(VFIOLinuxHost *h, int groupid);

/*
 * VFIO_GROUP_GET_DEVICE_FD(@name) on an open group that sits in a container
 * with a type set: a VFIODevice over the new fd, or NULL with @errp set.
 */
VFIODevice *vfio_linux_group_get_device(VFIOLinuxHost *h, int groupid,
                                        const char *name, const char *who,
                                        Error **errp);

/* ---- devices (VFIODeviceOps, device-linux.c) ---------------------------- */

/* A device over @fd (owned: release closes it), requests via @ioctl_fn. */
VFIODevice *vfio_linux_device_new(int fd, VFIOLinuxIoctl ioctl_fn);

/* ---- sysfs --------------------------------------------------------------- */

/*
 * Resolve a device named by host=@host ("DDDD:BB:DD.F" or "BB:DD.F",
 * domain 0) or sysfsdev=@sysfsdev (its sysfs directory; exactly one of the
 * two is non-NULL): *@name gets the device name ("0000:01:00.0", g_free),
 * *@groupid the number its iommu_group link names.  The device must be
 * bound to vfio-pci.  Errors, naming @who:
 *   "WHO: not a PCI address (DDDD:BB:DD.F or BB:DD.F)"
 *   "WHO: no such device (SYSFSDIR does not exist)"
 *   "WHO: the device has no IOMMU group (no IOMMU enabled on this host?)"
 *   "WHO: the device is bound to no driver; bind it to vfio-pci"
 *   "WHO: the device is bound to DRIVER, not vfio-pci"
 */
bool vfio_linux_resolve(const char *host, const char *sysfsdev,
                        const char *who, char **name, int *groupid,
                        Error **errp);

/*
 * Tests only: look for sysfs under @root instead of "/sys" (NULL: back to
 * "/sys").  Production code never calls it.
 */
void vfio_linux_set_sysfs_root(const char *root);

#endif /* HW_VFIO_IOMMU_LINUX_H */
