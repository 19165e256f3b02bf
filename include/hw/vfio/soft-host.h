/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio-soft-host object: a user-creatable factory of software host
 * IOMMU instances (hw/vfio/iommu-soft.c), configured by its properties
 * (docs/user/vfio.md), with fault injection and read-back over QMP
 * (x-vfio-soft-fault, x-query-vfio-soft).
 *
 *   -object vfio-soft-host,id=h0,iommu-type=type1v2|spapr-tce-v2[,...]
 *
 * Each vfio_soft_host_new_iommu() call makes one soft IOMMU instance (the
 * "hardware" behind one container).  The host keeps every live instance,
 * numbered 0, 1, ... in creation order (numbers are never reused), so that
 * the monitor can address it; the object cannot be deleted while one
 * exists.  Main loop only.
 */
#ifndef HW_VFIO_SOFT_HOST_H
#define HW_VFIO_SOFT_HOST_H

#include "qom/object.h"
#include "hw/vfio/vfio-iommu.h"
#include "hw/vfio/iommu-soft.h"

#define TYPE_VFIO_SOFT_HOST "vfio-soft-host"
OBJECT_DECLARE_SIMPLE_TYPE(VFIOSoftHost, VFIO_SOFT_HOST)

/* The IOMMU type the host was configured with (iommu-type). */
VFIOIOMMUType vfio_soft_host_iommu_type(VFIOSoftHost *h);

/*
 * A new soft IOMMU instance with the host's configuration, its type NOT
 * set yet: the caller (a container) does
 * vfio_iommu_setup(io, vfio_soft_host_iommu_type(h)) as it would
 * VFIO_SET_IOMMU; any other type fails with -ENODEV.  The host RAM
 * declared with vfio_soft_host_add_ram() is declared to it, and the faults
 * of the 'fail' property are armed on it.  Free it with
 * vfio_iommu_release(), which also drops it from the host's list.
 * Fails only if the configuration is refused (cannot happen for a
 * completed object).
 */
VFIOIOMMU *vfio_soft_host_new_iommu(VFIOSoftHost *h, Error **errp);

/* The soft engine behind @iommu (for translation and read-back), or NULL
 * if @iommu was not made by vfio_soft_host_new_iommu(). */
VFIOSoftIOMMU *vfio_soft_host_get_soft(VFIOIOMMU *iommu);
/* The host and instance number of @iommu (NULL / -1 if not one). */
VFIOSoftHost *vfio_soft_host_of(VFIOIOMMU *iommu);
int vfio_soft_host_instance_index(VFIOIOMMU *iommu);
/* Live instances. */
unsigned vfio_soft_host_instance_count(VFIOSoftHost *h);

/*
 * Declare [vaddr, vaddr + size) as pinnable process memory (guest RAM) to
 * every instance, present and future (vfio_soft_add_host_ram()).  Returns
 * 0, -EINVAL (size 0 or wrap) or -EEXIST (meets a declared range).
 */
int vfio_soft_host_add_ram(VFIOSoftHost *h, uint64_t vaddr, uint64_t size);

/*
 * Arm a fault: the @nth call of @op from now (0 cancels) fails with -@err,
 * on instance @index, or on every live instance when @index is -1.
 * Errors: no such instance, no instance at all.
 */
bool vfio_soft_host_inject(VFIOSoftHost *h, int index, VFIOSoftOp op,
                           uint64_t nth, int err, Error **errp);

/*
 * The soft host as the source of groups and containers for
 * vfio_group_get() (include/hw/vfio/vfio-container.h), with the
 * VFIOSoftHost as opaque: each new container gets a new instance
 * (vfio_soft_host_new_iommu()); a group joins a container of the same
 * host, and a container of another host refuses it with -EPERM.
 */
struct VFIOHostOps;
extern const struct VFIOHostOps vfio_soft_host_ops;

/* Register x-vfio-soft-fault and x-query-vfio-soft.  Once, at start-up. */
void vfio_soft_host_monitor_init(void);

#endif /* HW_VFIO_SOFT_HOST_H */
