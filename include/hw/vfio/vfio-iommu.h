/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIOIOMMUOps: the one seam between a VFIO container and a host IOMMU
 * back end (the Linux ioctls, or the software host IOMMU of iommu-soft.c).
 *
 * Every op follows the syscall convention: it returns 0 on success or a
 * negative errno, nothing else, and a failed op changes no state.  The
 * errnos are the ones the Linux VFIO back end of the selected type returns
 * for the same request (docs/specs/linux-interfaces.md §4): a back end that
 * talks to the kernel passes them on, the software one reproduces them.
 * Where the kernel answers something other than 0 / -1 (a misaligned sPAPR
 * IOVA makes MAP_DMA and UNMAP_DMA return +1, §4.6), a back end reports
 * -EINVAL.
 *
 * Calling context, for every op: the main loop thread (the model is
 * single-threaded, no locks); ops may be called from memory listener or
 * IOMMU notifier callbacks and never call back into their caller.  Ops that
 * do not apply to the selected type fail as the kernel does (-ENOTTY for
 * sPAPR requests on a type1 container, §4.7), never abort.
 */
#ifndef HW_VFIO_VFIO_IOMMU_H
#define HW_VFIO_VFIO_IOMMU_H

#include "qemu/osdep.h"

/* IOMMU types, numbered as the kernel's VFIO_SET_IOMMU argument (§4.1). */
typedef enum VFIOIOMMUType {
    VFIO_IOMMU_TYPE_NONE = 0,          /* not set up yet */
    VFIO_IOMMU_TYPE1 = 1,
    VFIO_IOMMU_SPAPR_TCE = 2,
    VFIO_IOMMU_TYPE1V2 = 3,
    VFIO_IOMMU_SPAPR_TCE_V2 = 7,
} VFIOIOMMUType;

/* Device access rights of a mapping (VFIO_DMA_MAP_FLAG_READ / _WRITE). */
#define VFIO_IOMMU_PERM_READ   0x1u    /* the device may read the memory */
#define VFIO_IOMMU_PERM_WRITE  0x2u    /* the device may write it */
#define VFIO_IOMMU_PERM_RW     (VFIO_IOMMU_PERM_READ | VFIO_IOMMU_PERM_WRITE)

/* One valid IOVA range of a type1 container, inclusive (§4.2). */
typedef struct VFIOIOVARange {
    hwaddr start;
    hwaddr last;
} VFIOIOVARange;

#define VFIO_IOMMU_MAX_IOVA_RANGES 16

/* What GET_INFO reports; which half is filled depends on the type. */
typedef struct VFIOIOMMUInfo {
    VFIOIOMMUType type;
    /* type1v2: iova_pgsizes; sPAPR v2: pgsizes allowed for new windows */
    uint64_t pgsizes;
    /* type1v2 only */
    uint32_t nr_iova_ranges;
    VFIOIOVARange iova_ranges[VFIO_IOMMU_MAX_IOVA_RANGES];
    uint32_t dma_avail;        /* mappings that may still be created */
    /* sPAPR v2 only */
    hwaddr dma32_start;        /* bus address of the default window */
    uint64_t dma32_size;
    uint32_t max_windows;      /* window slots */
    uint32_t max_levels;       /* TCE table indirection levels */
} VFIOIOMMUInfo;

typedef struct VFIOIOMMU VFIOIOMMU;
typedef struct VFIOIOMMUOps VFIOIOMMUOps;

/* A back end instance; each back end embeds it and finds itself from it. */
struct VFIOIOMMU {
    const VFIOIOMMUOps *ops;
};

struct VFIOIOMMUOps {
    /* Back end name for traces and messages ("soft", "linux"). */
    const char *name;

    /*
     * Select the IOMMU type (VFIO_SET_IOMMU), once.
     * -ENODEV: the host has no back end for @type;
     * -EINVAL: a type is already set.
     */
    int (*setup)(VFIOIOMMU *iommu, VFIOIOMMUType type);

    /*
     * Fill @info (VFIO_IOMMU_GET_INFO / VFIO_IOMMU_SPAPR_TCE_GET_INFO).
     * -EINVAL: no type set yet.
     */
    int (*info)(VFIOIOMMU *iommu, VFIOIOMMUInfo *info);

    /*
     * sPAPR v2: create a DMA window (VFIO_IOMMU_SPAPR_TCE_CREATE) of
     * 2^@page_shift pages, @window_size bytes, @levels table levels; the
     * host picks the bus address and stores it in *@start_addr (slot 0:
     * the DMA-32 start, slot 1: the 64-bit base).  A pending default
     * window is instantiated first and takes slot 0; it stays even if the
     * create then fails (the one state change of a failed op, §4.4).
     * -ENOSPC: both slots in use; -EINVAL: page size not offered, levels 0
     * or above the maximum, size not a power of two or too large;
     * -ENOMEM: locked-memory limit; -ENOTTY: not an sPAPR v2 container;
     * -EINVAL: no type set.
     */
    int (*add_window)(VFIOIOMMU *iommu, uint32_t page_shift,
                      uint64_t window_size, uint32_t levels,
                      hwaddr *start_addr);

    /*
     * sPAPR v2: remove the window that contains @start_addr
     * (VFIO_IOMMU_SPAPR_TCE_REMOVE), clearing its mappings.  @start_addr 0
     * while the default window is still pending only cancels it.
     * -EINVAL: no window there (or no type set); -ENOTTY: not sPAPR v2.
     */
    int (*remove_window)(VFIOIOMMU *iommu, hwaddr start_addr);

    /*
     * Map [@iova, @iova + @size) to process memory at @vaddr with @perm
     * (VFIO_IOMMU_MAP_DMA).  On sPAPR a pending default window is created
     * first and stays even if the map then fails (§4.4).
     * type1v2: -EINVAL bad perm, size 0, misalignment to the smallest
     * page size, wrap-around or an IOVA outside the valid ranges; -EEXIST
     * overlap; -ENOSPC mapping limit; -EFAULT memory that cannot be
     * pinned; -ENOMEM locked-memory limit.
     * sPAPR v2: -EPERM no memory registered yet; -ENXIO @iova in no
     * window; -EINVAL bad perm, size/vaddr/iova not multiples of the
     * window page, vaddr not in registered memory.  An existing
     * translation in the range is replaced (never -EEXIST).
     */
    int (*map)(VFIOIOMMU *iommu, hwaddr iova, uint64_t size, uint64_t vaddr,
               uint32_t perm);

    /*
     * Unmap [@iova, @iova + *@size) (VFIO_IOMMU_UNMAP_DMA).
     * type1v2: whole mappings only (-EINVAL if the range cuts one);
     * *@size is set to the bytes unmapped, 0 when nothing was mapped.
     * sPAPR v2: any page range inside one window; *@size unchanged.
     * -EINVAL misalignment (and size 0 on type1v2); -ENXIO (sPAPR) @iova
     * in no window; -EPERM (sPAPR) nothing registered yet.
     */
    int (*unmap)(VFIOIOMMU *iommu, hwaddr iova, uint64_t *size);

    /*
     * sPAPR v2: pre-register process memory for DMA
     * (VFIO_IOMMU_SPAPR_REGISTER_MEMORY); the first success enables the
     * container for map/unmap.
     * -EINVAL: not host-page aligned, size 0, wrap, or overlapping a
     * region with other bounds; -EBUSY: this exact range is registered;
     * -EFAULT: memory that cannot be pinned; -ENOMEM: locked-memory limit.
     * On type1v2 the request number means DIRTY_PAGES: -EINVAL.
     */
    int (*register_memory)(VFIOIOMMU *iommu, uint64_t vaddr, uint64_t size);

    /*
     * sPAPR v2: drop a registration (VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY).
     * -ENOENT: no region with exactly these bounds; -EINVAL: misaligned;
     * -EPERM: the container was never bound to a process (no register,
     * window create or remove before); -ENOTTY: not sPAPR v2.
     * Mappings still using the region do not make it fail (current
     * kernels return 0): unmap first.
     */
    int (*unregister_memory)(VFIOIOMMU *iommu, uint64_t vaddr, uint64_t size);

    /*
     * Drop every window, mapping and registration and free the instance
     * (the last reference to the container went away).  Cannot fail.
     */
    void (*release)(VFIOIOMMU *iommu);
};

/* Wrappers so callers read as calls on the instance. */
static inline int vfio_iommu_setup(VFIOIOMMU *iommu, VFIOIOMMUType type)
{
    return iommu->ops->setup(iommu, type);
}

static inline int vfio_iommu_info(VFIOIOMMU *iommu, VFIOIOMMUInfo *info)
{
    return iommu->ops->info(iommu, info);
}

static inline int vfio_iommu_add_window(VFIOIOMMU *iommu, uint32_t page_shift,
                                        uint64_t window_size, uint32_t levels,
                                        hwaddr *start_addr)
{
    return iommu->ops->add_window(iommu, page_shift, window_size, levels,
                                  start_addr);
}

static inline int vfio_iommu_remove_window(VFIOIOMMU *iommu, hwaddr start)
{
    return iommu->ops->remove_window(iommu, start);
}

static inline int vfio_iommu_map(VFIOIOMMU *iommu, hwaddr iova, uint64_t size,
                                 uint64_t vaddr, uint32_t perm)
{
    return iommu->ops->map(iommu, iova, size, vaddr, perm);
}

static inline int vfio_iommu_unmap(VFIOIOMMU *iommu, hwaddr iova,
                                   uint64_t *size)
{
    return iommu->ops->unmap(iommu, iova, size);
}

static inline int vfio_iommu_register_memory(VFIOIOMMU *iommu, uint64_t vaddr,
                                             uint64_t size)
{
    return iommu->ops->register_memory(iommu, vaddr, size);
}

static inline int vfio_iommu_unregister_memory(VFIOIOMMU *iommu,
                                               uint64_t vaddr, uint64_t size)
{
    return iommu->ops->unregister_memory(iommu, vaddr, size);
}

static inline void vfio_iommu_release(VFIOIOMMU *iommu)
{
    if (iommu) {
        iommu->ops->release(iommu);
    }
}

#endif /* HW_VFIO_VFIO_IOMMU_H */
