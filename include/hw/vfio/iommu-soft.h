/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The software host IOMMU: a VFIOIOMMUOps back end that keeps the host's
 * DMA mappings in memory and enforces the Linux rules of the selected type
 * (type1v2 or sPAPR TCE v2), returning the kernel's errnos
 * (docs/specs/linux-interfaces.md §4, docs/devel/vfio-soft-host.md).
 *
 * Besides the ops it offers what tests and the monitor need and a kernel
 * cannot give: per-op call counters, fault injection (make the Nth call of
 * an op fail with a chosen errno), read-back of mappings, windows and
 * registered regions, and translation of an IOVA for an emulated DMA engine.
 *
 * Host memory: the kernel pins the process pages a map (type1v2) or a
 * registration (sPAPR v2) names, and fails with -EFAULT when it cannot.  The
 * soft host models that with "host RAM" ranges declared with
 * vfio_soft_add_host_ram(); while none is declared every address counts as
 * pinnable.
 *
 * Single-threaded (main loop), like every VFIOIOMMUOps user.
 */
#ifndef HW_VFIO_IOMMU_SOFT_H
#define HW_VFIO_IOMMU_SOFT_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/vfio/vfio-iommu.h"

typedef struct VFIOSoftIOMMU VFIOSoftIOMMU;

/*
 * Host properties.  Zero fields take the default given; the defaults are a
 * type1v2 container in an x86 guest with an emulated IOMMU and a PowerNV
 * IODA2 PHB (docs/specs/linux-interfaces.md §4.2, §4.4, §4.8).
 */
typedef struct VFIOSoftConfig {
    /* Bit (1 << VFIOIOMMUType) per type setup() accepts; 0: both v2 types */
    uint32_t types;
    /* Locked-memory budget in bytes (pins and registrations); 0: none */
    uint64_t memlock_limit;

    /* type1v2 */
    uint64_t pgsizes;            /* 0: 4 KiB | 2 MiB | 1 GiB */
    uint32_t nr_iova_ranges;     /* 0: [0, 0xfedfffff], [0xfef00000, 2^39-1] */
    VFIOIOVARange iova_ranges[VFIO_IOMMU_MAX_IOVA_RANGES];
    uint32_t dma_entry_limit;    /* 0: 65535 */

    /* sPAPR TCE v2 */
    hwaddr dma32_start;          /* default window start (slot 0): 0 */
    uint64_t dma32_size;         /* 0: 2 GiB */
    hwaddr dma64_base;           /* slot 1 start; 0: 1 << 59 */
    uint64_t spapr_pgsizes;      /* 0: 4 KiB | 64 KiB | 16 MiB | 256 MiB */
    uint32_t max_levels;         /* 0: 5 */
    uint64_t max_window_size;    /* largest window (max RAM address); 0: 2^42 */
    uint32_t host_page_shift;    /* registration alignment; 0: 16 (64 KiB) */
    /* page size backing registered memory (hugetlbfs); 0: host page */
    uint32_t backing_page_shift;
} VFIOSoftConfig;

/* Ops that are counted and can be made to fail. */
typedef enum VFIOSoftOp {
    VFIO_SOFT_OP_SETUP,
    VFIO_SOFT_OP_INFO,
    VFIO_SOFT_OP_ADD_WINDOW,
    VFIO_SOFT_OP_REMOVE_WINDOW,
    VFIO_SOFT_OP_MAP,
    VFIO_SOFT_OP_UNMAP,
    VFIO_SOFT_OP_REGISTER,
    VFIO_SOFT_OP_UNREGISTER,
    VFIO_SOFT_OP__MAX,
} VFIOSoftOp;

typedef struct VFIOSoftCounters {
    uint64_t calls;              /* every call, failed or not */
    uint64_t failures;           /* calls that returned an errno */
    uint64_t injected;           /* of those, injected faults */
} VFIOSoftCounters;

/* One host mapping, as read back. */
typedef struct VFIOSoftMapping {
    hwaddr iova;
    uint64_t size;
    uint64_t vaddr;
    uint32_t perm;               /* VFIO_IOMMU_PERM_* */
} VFIOSoftMapping;

/* One sPAPR window, as read back. */
typedef struct VFIOSoftWindow {
    uint32_t slot;
    hwaddr start;
    uint64_t size;
    uint32_t page_shift;
    uint32_t levels;
} VFIOSoftWindow;

/* One registered (sPAPR) or declared host-RAM region. */
typedef struct VFIOSoftRegion {
    uint64_t vaddr;
    uint64_t size;
} VFIOSoftRegion;

/*
 * A new soft host IOMMU with no type set.  @cfg may be NULL (defaults).
 * Fails (NULL, @errp set) for an inconsistent configuration: page-size
 * bitmaps without 4 KiB-or-larger powers of two, inverted or overlapping
 * IOVA ranges, a DMA-32 window above 4 GiB.  Free with vfio_iommu_release().
 */
VFIOSoftIOMMU *vfio_soft_new(const VFIOSoftConfig *cfg, Error **errp);

/* The ops view of @s, and back (NULL if @iommu is not a soft one). */
VFIOIOMMU *vfio_soft_iommu(VFIOSoftIOMMU *s);
VFIOSoftIOMMU *vfio_soft_from_iommu(VFIOIOMMU *iommu);

/* The ops table (for comparisons). */
extern const VFIOIOMMUOps vfio_soft_ops;

/* Op names as used by traces and the monitor ("map", "add-window", ...). */
const char *vfio_soft_op_name(VFIOSoftOp op);

/*
 * Declares [vaddr, vaddr + size) as pinnable process memory.  Returns 0,
 * -EINVAL (size 0 or wrap) or -EEXIST (meets a declared range).
 */
int vfio_soft_add_host_ram(VFIOSoftIOMMU *s, uint64_t vaddr, uint64_t size);

/* Counters of @op since creation (or the last vfio_soft_reset_counters()). */
VFIOSoftCounters vfio_soft_get_counters(VFIOSoftIOMMU *s, VFIOSoftOp op);
void vfio_soft_reset_counters(VFIOSoftIOMMU *s);

/*
 * Fault injection: the @nth call of @op from now on (1: the next one)
 * returns -@err before looking at its arguments and changes nothing; later
 * calls behave normally again.  @nth 0 cancels a pending fault.  One
 * pending fault per op; a new one replaces it.  @err must be a positive
 * errno (asserted: a programming error of the caller).
 */
void vfio_soft_inject_fault(VFIOSoftIOMMU *s, VFIOSoftOp op, uint64_t nth,
                            int err);

/* Mappings in ascending IOVA order; free with g_array_unref(). */
GArray *vfio_soft_get_mappings(VFIOSoftIOMMU *s);    /* of VFIOSoftMapping */
/* sPAPR windows by slot (a pending default window is not listed). */
GArray *vfio_soft_get_windows(VFIOSoftIOMMU *s);     /* of VFIOSoftWindow */
/* Registered sPAPR regions in ascending vaddr order. */
GArray *vfio_soft_get_regions(VFIOSoftIOMMU *s);     /* of VFIOSoftRegion */

/*
 * A group left the container (VFIO_GROUP_UNSET_CONTAINER): on sPAPR v2 the
 * kernel clears every TCE of every window first, and the tables are shared
 * by all the container's groups, so the remaining ones lose their mappings
 * too (docs/specs/linux-interfaces.md §4.9); the windows stay.  type1v2
 * keeps the mappings.  Returns the bytes cleared.
 */
uint64_t vfio_soft_group_detached(VFIOSoftIOMMU *s);

/* True while the sPAPR default window is pending (not created, not removed). */
bool vfio_soft_default_window_pending(VFIOSoftIOMMU *s);

/*
 * Registrations dropped while mappings still pointed into them: the kernel
 * returns 0 for them but keeps the pages pinned (a caller bug to test for).
 */
uint64_t vfio_soft_busy_unregisters(VFIOSoftIOMMU *s);

/* Result of a translation. */
typedef struct VFIOSoftTranslation {
    uint64_t vaddr;              /* process address of the IOVA */
    uint64_t len;                /* bytes from there to the mapping's end */
    uint32_t perm;               /* VFIO_IOMMU_PERM_* of the mapping */
} VFIOSoftTranslation;

/*
 * Translate @iova for a device DMA.  Returns true and fills @out if a
 * mapping holds @iova and grants every bit of @access; false (a DMA fault)
 * otherwise, @out untouched.  Not counted, never injected.
 */
bool vfio_soft_translate(VFIOSoftIOMMU *s, hwaddr iova, uint32_t access,
                         VFIOSoftTranslation *out);

#endif /* HW_VFIO_IOMMU_SOFT_H */
