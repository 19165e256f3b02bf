/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The software host IOMMU: type1v2 and sPAPR TCE v2 rules, kept in memory. */

#include "qemu/osdep.h"
#include "qemu/range-map.h"
#include "hw/vfio/iommu-soft.h"
#include "trace.h"

#define SOFT_NR_WINDOWS 2       /* window slots of an sPAPR container */
#define SOFT_TCE_BYTES  16      /* table memory per IOMMU page: TCE + shadow */

/* Payload of a mapping (maps, keyed by IOVA). */
typedef struct SoftMap {
    uint64_t vaddr;
    uint32_t perm;
} SoftMap;

/* Payload of a registered sPAPR region (regions, keyed by vaddr). */
typedef struct SoftRegion {
    uint64_t mapped;            /* bytes of mappings pointing into it */
} SoftRegion;

typedef struct SoftWindow {
    bool used;
    hwaddr start;
    uint64_t size;
    uint32_t page_shift;
    uint32_t levels;
} SoftWindow;

typedef struct SoftFault {
    uint64_t nth;               /* 0: none pending */
    int err;
} SoftFault;

struct VFIOSoftIOMMU {
    VFIOIOMMU parent;
    VFIOSoftConfig cfg;         /* defaults applied */
    VFIOIOMMUType type;

    RangeMap *maps;             /* IOVA -> SoftMap */
    RangeMap *regions;          /* vaddr -> SoftRegion (sPAPR v2) */
    RangeMap *host_ram;         /* vaddr -> NULL: pinnable memory */
    uint64_t locked;            /* bytes charged to the memlock budget */

    /* sPAPR v2 */
    SoftWindow win[SOFT_NR_WINDOWS];
    bool default_pending;       /* slot 0's default window not created yet */
    bool enabled;               /* a region was registered once */
    bool mm_bound;              /* register, create or remove happened */
    uint64_t busy_unregisters;

    VFIOSoftCounters counters[VFIO_SOFT_OP__MAX];
    SoftFault fault[VFIO_SOFT_OP__MAX];
};

static const char *const soft_op_names[VFIO_SOFT_OP__MAX] = {
    [VFIO_SOFT_OP_SETUP] = "setup",
    [VFIO_SOFT_OP_INFO] = "info",
    [VFIO_SOFT_OP_ADD_WINDOW] = "add-window",
    [VFIO_SOFT_OP_REMOVE_WINDOW] = "remove-window",
    [VFIO_SOFT_OP_MAP] = "map",
    [VFIO_SOFT_OP_UNMAP] = "unmap",
    [VFIO_SOFT_OP_REGISTER] = "register",
    [VFIO_SOFT_OP_UNREGISTER] = "unregister",
};

const char *vfio_soft_op_name(VFIOSoftOp op)
{
    return op < VFIO_SOFT_OP__MAX ? soft_op_names[op] : "?";
}

static VFIOSoftIOMMU *soft(VFIOIOMMU *iommu)
{
    return container_of(iommu, VFIOSoftIOMMU, parent);
}

/* One trace event per rejection; returns -@err. */
static int soft_reject(VFIOSoftIOMMU *s, VFIOSoftOp op, const char *why,
                       int err)
{
    trace_vfio_soft_reject(vfio_soft_op_name(op), why, err);
    return -err;
}

/* Counts the call; returns the injected -errno if this call is the Nth. */
static int soft_begin(VFIOSoftIOMMU *s, VFIOSoftOp op)
{
    SoftFault *f = &s->fault[op];

    s->counters[op].calls++;
    if (f->nth && --f->nth == 0) {
        s->counters[op].injected++;
        trace_vfio_soft_fault(vfio_soft_op_name(op), f->err);
        return -f->err;
    }
    return 0;
}

static int soft_end(VFIOSoftIOMMU *s, VFIOSoftOp op, int ret)
{
    if (ret) {
        s->counters[op].failures++;
    }
    return ret;
}

static uint64_t pgsize_min(uint64_t pgsizes)
{
    return pgsizes & -pgsizes;
}

static bool is_pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

/* Whether the kernel could pin [vaddr, vaddr + size) (size > 0, no wrap). */
static bool soft_pinnable(VFIOSoftIOMMU *s, uint64_t vaddr, uint64_t size)
{
    return !range_map_count(s->host_ram) ||
           range_map_covers(s->host_ram, vaddr, vaddr + size - 1);
}

static bool soft_memlock_ok(VFIOSoftIOMMU *s, uint64_t bytes)
{
    return !s->cfg.memlock_limit ||
           (bytes <= s->cfg.memlock_limit &&
            s->locked <= s->cfg.memlock_limit - bytes);
}

/* ---- mappings and their accounting ---- */

typedef struct RegionAccount {
    uint64_t vaddr, last;
    bool add;
} RegionAccount;

static int soft_region_account_one(void *opaque, RangeMapEntry *e)
{
    RegionAccount *a = opaque;
    SoftRegion *r = e->data;
    uint64_t lo = MAX(a->vaddr, e->start), hi = MIN(a->last, e->last);
    uint64_t bytes = hi - lo + 1;

    if (a->add) {
        r->mapped += bytes;
    } else {
        /* A region registered after the mapping was made may see less. */
        r->mapped -= MIN(bytes, r->mapped);
    }
    return 0;
}

/* Adds or subtracts the bytes of [vaddr, last] each sPAPR region holds. */
static void soft_region_account(VFIOSoftIOMMU *s, uint64_t vaddr,
                                uint64_t last, bool add)
{
    RegionAccount a = { vaddr, last, add };

    if (s->type == VFIO_IOMMU_SPAPR_TCE_V2) {
        range_map_foreach(s->regions, vaddr, last, soft_region_account_one,
                          &a);
    }
}

static void *soft_map_split(void *opaque, RangeMapEntry *e, uint64_t offset)
{
    SoftMap *m = e->data, *upper = g_new(SoftMap, 1);

    upper->vaddr = m->vaddr + offset;
    upper->perm = m->perm;
    return upper;
}

static void soft_map_insert(VFIOSoftIOMMU *s, hwaddr iova, hwaddr last,
                            uint64_t vaddr, uint32_t perm)
{
    SoftMap *m = g_new(SoftMap, 1);
    int ret;

    m->vaddr = vaddr;
    m->perm = perm;
    ret = range_map_insert(s->maps, iova, last, m);
    assert(ret == 0);           /* callers cleared the range */
    soft_region_account(s, vaddr, vaddr + (last - iova), true);
}

/*
 * Removes every mapping inside [iova, last], cutting the ones that reach
 * out of it first (the caller allows that: sPAPR).  Returns the bytes
 * removed; with @charged they leave the memlock budget (type1 pins).
 */
static uint64_t soft_map_clear(VFIOSoftIOMMU *s, hwaddr iova, hwaddr last,
                               bool charged)
{
    RangeMapEntry *e;
    uint64_t removed = 0;

    range_map_split(s->maps, iova, soft_map_split, NULL);
    if (last != UINT64_MAX) {
        range_map_split(s->maps, last + 1, soft_map_split, NULL);
    }
    while ((e = range_map_first_in(s->maps, iova, last))) {
        SoftMap *m = e->data;
        uint64_t bytes = e->last - e->start + 1;

        soft_region_account(s, m->vaddr, m->vaddr + bytes - 1, false);
        removed += bytes;
        if (charged) {
            s->locked -= bytes;
        }
        range_map_remove(s->maps, e->start);
    }
    return removed;
}

/* ---- setup, info: docs/specs/linux-interfaces.md §4.1, §4.2, §4.4 ---- */

static int soft_setup(VFIOIOMMU *iommu, VFIOIOMMUType type)
{
    VFIOSoftIOMMU *s = soft(iommu);
    int ret = soft_begin(s, VFIO_SOFT_OP_SETUP);

    if (ret) {
        goto out;
    }
    if (s->type != VFIO_IOMMU_TYPE_NONE) {
        ret = soft_reject(s, VFIO_SOFT_OP_SETUP, "type already set", EINVAL);
    } else if (type >= 32 || !(s->cfg.types & (1u << type))) {
        ret = soft_reject(s, VFIO_SOFT_OP_SETUP, "type not supported", ENODEV);
    } else {
        s->type = type;
        /* The first group of an sPAPR container leaves slot 0 pending. */
        s->default_pending = type == VFIO_IOMMU_SPAPR_TCE_V2;
    }
out:
    trace_vfio_soft_setup(type, ret);
    return soft_end(s, VFIO_SOFT_OP_SETUP, ret);
}

static int soft_info(VFIOIOMMU *iommu, VFIOIOMMUInfo *info)
{
    VFIOSoftIOMMU *s = soft(iommu);
    int ret = soft_begin(s, VFIO_SOFT_OP_INFO);

    if (ret) {
        return soft_end(s, VFIO_SOFT_OP_INFO, ret);
    }
    if (s->type == VFIO_IOMMU_TYPE_NONE) {
        ret = soft_reject(s, VFIO_SOFT_OP_INFO, "no type set", EINVAL);
        return soft_end(s, VFIO_SOFT_OP_INFO, ret);
    }
    memset(info, 0, sizeof(*info));
    info->type = s->type;
    if (s->type == VFIO_IOMMU_TYPE1V2) {
        info->pgsizes = s->cfg.pgsizes;
        info->nr_iova_ranges = s->cfg.nr_iova_ranges;
        memcpy(info->iova_ranges, s->cfg.iova_ranges,
               sizeof(info->iova_ranges));
        info->dma_avail = s->cfg.dma_entry_limit - range_map_count(s->maps);
    } else {
        info->pgsizes = s->cfg.spapr_pgsizes;
        info->dma32_start = s->cfg.dma32_start;
        info->dma32_size = s->cfg.dma32_size;
        info->max_windows = SOFT_NR_WINDOWS;
        info->max_levels = s->cfg.max_levels;
    }
    return soft_end(s, VFIO_SOFT_OP_INFO, 0);
}

/* ---- sPAPR windows (docs/specs/linux-interfaces.md §4.4) ---- */

/* The slot whose window holds @iova, or -1. */
static int soft_window_of(VFIOSoftIOMMU *s, hwaddr iova)
{
    for (int i = 0; i < SOFT_NR_WINDOWS; i++) {
        SoftWindow *w = &s->win[i];

        if (w->used && iova >= w->start && iova - w->start < w->size) {
            return i;
        }
    }
    return -1;
}

static uint64_t soft_table_bytes(uint64_t size, uint32_t page_shift)
{
    return (size >> page_shift) * SOFT_TCE_BYTES;
}

/* Validates and creates a window in the first free slot. */
static int soft_window_create(VFIOSoftIOMMU *s, VFIOSoftOp op,
                              uint32_t page_shift, uint64_t size,
                              uint32_t levels, hwaddr *start)
{
    int slot = -1;
    SoftWindow *w;

    for (int i = SOFT_NR_WINDOWS - 1; i >= 0; i--) {
        if (!s->win[i].used) {
            slot = i;
        }
    }
    if (slot < 0) {
        return soft_reject(s, op, "both window slots in use", ENOSPC);
    }
    if (page_shift >= 64 || !(s->cfg.spapr_pgsizes & (1ULL << page_shift))) {
        return soft_reject(s, op, "page size not offered", EINVAL);
    }
    if (!levels || levels > s->cfg.max_levels) {
        return soft_reject(s, op, "bad levels", EINVAL);
    }
    if (!is_pow2(size) || size > s->cfg.max_window_size ||
        size < (1ULL << page_shift)) {
        return soft_reject(s, op, "bad window size", EINVAL);
    }
    if (!soft_memlock_ok(s, soft_table_bytes(size, page_shift))) {
        return soft_reject(s, op, "table over the memlock limit", ENOMEM);
    }
    w = &s->win[slot];
    w->used = true;
    w->start = slot ? s->cfg.dma64_base : s->cfg.dma32_start;
    w->size = size;
    w->page_shift = page_shift;
    w->levels = levels;
    s->locked += soft_table_bytes(size, page_shift);
    *start = w->start;
    trace_vfio_soft_window_add(slot, w->start, size, page_shift, levels);
    return 0;
}

/*
 * Creates the pending default window (4 KiB pages, the DMA-32 window, one
 * level), as the kernel does at the first map, unmap or create.
 */
static int soft_default_window(VFIOSoftIOMMU *s, VFIOSoftOp op)
{
    hwaddr start;
    int ret;

    if (!s->default_pending) {
        return 0;
    }
    ret = soft_window_create(s, op, 12, s->cfg.dma32_size, 1, &start);
    if (!ret) {
        s->default_pending = false;
    }
    return ret;
}

static int soft_add_window(VFIOIOMMU *iommu, uint32_t page_shift,
                           uint64_t window_size, uint32_t levels,
                           hwaddr *start_addr)
{
    VFIOSoftIOMMU *s = soft(iommu);
    const VFIOSoftOp op = VFIO_SOFT_OP_ADD_WINDOW;
    int ret = soft_begin(s, op);

    if (ret) {
        goto out;
    }
    if (s->type == VFIO_IOMMU_TYPE_NONE) {
        ret = soft_reject(s, op, "no type set", EINVAL);
        goto out;
    }
    if (s->type != VFIO_IOMMU_SPAPR_TCE_V2) {
        ret = soft_reject(s, op, "not an sPAPR v2 container", ENOTTY);
        goto out;
    }
    s->mm_bound = true;
    ret = soft_default_window(s, op);
    if (!ret) {
        ret = soft_window_create(s, op, page_shift, window_size, levels,
                                 start_addr);
    }
out:
    trace_vfio_soft_add_window(page_shift, window_size, levels, ret);
    return soft_end(s, op, ret);
}

static int soft_remove_window(VFIOIOMMU *iommu, hwaddr start_addr)
{
    VFIOSoftIOMMU *s = soft(iommu);
    const VFIOSoftOp op = VFIO_SOFT_OP_REMOVE_WINDOW;
    int ret = soft_begin(s, op);
    SoftWindow *w;
    int slot;

    if (ret) {
        goto out;
    }
    if (s->type == VFIO_IOMMU_TYPE_NONE) {
        ret = soft_reject(s, op, "no type set", EINVAL);
        goto out;
    }
    if (s->type != VFIO_IOMMU_SPAPR_TCE_V2) {
        ret = soft_reject(s, op, "not an sPAPR v2 container", ENOTTY);
        goto out;
    }
    s->mm_bound = true;
    if (s->default_pending && start_addr == 0) {
        s->default_pending = false;         /* slot 0 is free for the user */
        goto out;
    }
    slot = soft_window_of(s, start_addr);
    if (slot < 0) {
        ret = soft_reject(s, op, "no window there", EINVAL);
        goto out;
    }
    w = &s->win[slot];
    soft_map_clear(s, w->start, w->start + w->size - 1, false);
    s->locked -= soft_table_bytes(w->size, w->page_shift);
    trace_vfio_soft_window_remove(slot, w->start);
    memset(w, 0, sizeof(*w));
out:
    trace_vfio_soft_remove_window(start_addr, ret);
    return soft_end(s, op, ret);
}

/* ---- map, unmap: docs/specs/linux-interfaces.md §4.2, §4.3, §4.6 ---- */

static int soft_check_perm(VFIOSoftIOMMU *s, uint32_t perm)
{
    if ((perm & ~VFIO_IOMMU_PERM_RW) || !(perm & VFIO_IOMMU_PERM_RW)) {
        return soft_reject(s, VFIO_SOFT_OP_MAP, "bad permission", EINVAL);
    }
    return 0;
}

static bool soft_iova_valid(VFIOSoftIOMMU *s, hwaddr iova, hwaddr last)
{
    for (uint32_t i = 0; i < s->cfg.nr_iova_ranges; i++) {
        if (iova >= s->cfg.iova_ranges[i].start &&
            last <= s->cfg.iova_ranges[i].last) {
            return true;
        }
    }
    return false;
}

static int soft_type1_map(VFIOSoftIOMMU *s, hwaddr iova, uint64_t size,
                          uint64_t vaddr, uint32_t perm)
{
    const VFIOSoftOp op = VFIO_SOFT_OP_MAP;
    uint64_t mask = pgsize_min(s->cfg.pgsizes) - 1;
    hwaddr last = iova + size - 1;
    int ret = soft_check_perm(s, perm);

    if (ret) {
        return ret;
    }
    if (!size || (iova & mask) || (vaddr & mask) || (size & mask)) {
        return soft_reject(s, op, "size 0 or not page aligned", EINVAL);
    }
    if (last < iova || vaddr + size - 1 < vaddr) {
        return soft_reject(s, op, "range wraps", EINVAL);
    }
    if (range_map_overlaps(s->maps, iova, last)) {
        return soft_reject(s, op, "overlaps a mapping", EEXIST);
    }
    if (range_map_count(s->maps) >= s->cfg.dma_entry_limit) {
        return soft_reject(s, op, "dma_entry_limit reached", ENOSPC);
    }
    if (!soft_iova_valid(s, iova, last)) {
        return soft_reject(s, op, "outside the valid IOVA ranges", EINVAL);
    }
    if (!soft_pinnable(s, vaddr, size)) {
        return soft_reject(s, op, "vaddr cannot be pinned", EFAULT);
    }
    if (!soft_memlock_ok(s, size)) {
        return soft_reject(s, op, "pin over the memlock limit", ENOMEM);
    }
    soft_map_insert(s, iova, last, vaddr, perm);
    s->locked += size;
    return 0;
}

typedef struct BackingCheck {
    uint64_t mask;              /* IOMMU page size - 1 */
    bool ok;
} BackingCheck;

static int soft_backing_check_one(void *opaque, RangeMapEntry *e)
{
    BackingCheck *c = opaque;

    if ((e->start & c->mask) || ((e->last + 1) & c->mask)) {
        c->ok = false;
        return 1;
    }
    return 0;
}

/*
 * An IOMMU page above the host page needs registered memory backed by pages
 * at least that large, with region bounds aligned to it.
 */
static bool soft_backing_ok(VFIOSoftIOMMU *s, uint64_t vaddr, uint64_t last,
                            uint32_t page_shift)
{
    BackingCheck c = { (1ULL << page_shift) - 1, true };

    if (page_shift <= s->cfg.host_page_shift) {
        return true;
    }
    if (page_shift > s->cfg.backing_page_shift) {
        return false;
    }
    range_map_foreach(s->regions, vaddr, last, soft_backing_check_one, &c);
    return c.ok;
}

/*
 * Common checks of sPAPR map and unmap (once the container is enabled):
 * window, alignment.
 * Returns the window slot or a negative errno.
 */
static int soft_spapr_window_check(VFIOSoftIOMMU *s, VFIOSoftOp op,
                                   hwaddr iova, uint64_t size,
                                   uint64_t vaddr)
{
    SoftWindow *w;
    uint64_t mask;
    int slot, ret;

    ret = soft_default_window(s, op);
    if (ret) {
        return ret;
    }
    slot = soft_window_of(s, iova);
    if (slot < 0) {
        return soft_reject(s, op, "iova in no window", ENXIO);
    }
    w = &s->win[slot];
    mask = (1ULL << w->page_shift) - 1;
    if ((size & mask) || (vaddr & mask)) {
        return soft_reject(s, op, "not a multiple of the window page", EINVAL);
    }
    if (iova & mask) {
        /* The kernel returns +1 here; the ops convention says -EINVAL. */
        return soft_reject(s, op, "iova not page aligned", EINVAL);
    }
    if (size > w->size - (iova - w->start)) {
        /* The kernel leaves this undefined; the soft host refuses it. */
        return soft_reject(s, op, "range runs past the window end", EINVAL);
    }
    return slot;
}

static int soft_spapr_map(VFIOSoftIOMMU *s, hwaddr iova, uint64_t size,
                          uint64_t vaddr, uint32_t perm)
{
    const VFIOSoftOp op = VFIO_SOFT_OP_MAP;
    int slot, ret;

    if (!s->enabled) {
        return soft_reject(s, op, "no memory registered yet", EPERM);
    }
    ret = soft_check_perm(s, perm);
    if (ret) {
        return ret;
    }
    slot = soft_spapr_window_check(s, op, iova, size, vaddr);
    if (slot < 0) {
        return slot;
    }
    if (!size) {
        return 0;               /* no page: nothing to do, as the kernel */
    }
    if (vaddr + size - 1 < vaddr ||
        !range_map_covers(s->regions, vaddr, vaddr + size - 1)) {
        return soft_reject(s, op, "vaddr not in registered memory", EINVAL);
    }
    if (!soft_backing_ok(s, vaddr, vaddr + size - 1, s->win[slot].page_shift)) {
        return soft_reject(s, op, "IOMMU page larger than the backing page",
                           EINVAL);
    }
    /* TCEs are overwritten (§4.6): drop what the range held, then map. */
    soft_map_clear(s, iova, iova + size - 1, false);
    soft_map_insert(s, iova, iova + size - 1, vaddr, perm);
    return 0;
}

static int soft_map(VFIOIOMMU *iommu, hwaddr iova, uint64_t size,
                    uint64_t vaddr, uint32_t perm)
{
    VFIOSoftIOMMU *s = soft(iommu);
    int ret = soft_begin(s, VFIO_SOFT_OP_MAP);

    if (ret) {
        goto out;
    }
    switch (s->type) {
    case VFIO_IOMMU_TYPE1V2:
        ret = soft_type1_map(s, iova, size, vaddr, perm);
        break;
    case VFIO_IOMMU_SPAPR_TCE_V2:
        ret = soft_spapr_map(s, iova, size, vaddr, perm);
        break;
    default:
        ret = soft_reject(s, VFIO_SOFT_OP_MAP, "no type set", EINVAL);
        break;
    }
out:
    trace_vfio_soft_map(iova, size, vaddr, perm, ret);
    return soft_end(s, VFIO_SOFT_OP_MAP, ret);
}

static int soft_type1_unmap(VFIOSoftIOMMU *s, hwaddr iova, uint64_t *size)
{
    const VFIOSoftOp op = VFIO_SOFT_OP_UNMAP;
    uint64_t mask = pgsize_min(s->cfg.pgsizes) - 1;
    hwaddr last = iova + *size - 1;
    RangeMapEntry *e;

    if (!*size || (iova & mask) || (*size & mask)) {
        return soft_reject(s, op, "size 0 or not page aligned", EINVAL);
    }
    if (last < iova) {
        return soft_reject(s, op, "range wraps", EINVAL);
    }
    /* v2: the range may not cut a mapping at either end (§4.3). */
    e = range_map_lookup(s->maps, iova);
    if (e && e->start != iova) {
        return soft_reject(s, op, "range starts inside a mapping", EINVAL);
    }
    e = range_map_lookup(s->maps, last);
    if (e && e->last != last) {
        return soft_reject(s, op, "range ends inside a mapping", EINVAL);
    }
    *size = soft_map_clear(s, iova, last, true);
    return 0;
}

static int soft_spapr_unmap(VFIOSoftIOMMU *s, hwaddr iova, uint64_t size)
{
    int slot;

    if (!s->enabled) {
        return soft_reject(s, VFIO_SOFT_OP_UNMAP, "no memory registered yet",
                           EPERM);
    }
    slot = soft_spapr_window_check(s, VFIO_SOFT_OP_UNMAP, iova, size, 0);
    if (slot < 0) {
        return slot;
    }
    if (size) {
        soft_map_clear(s, iova, iova + size - 1, false);
    }
    return 0;
}

static int soft_unmap(VFIOIOMMU *iommu, hwaddr iova, uint64_t *size)
{
    VFIOSoftIOMMU *s = soft(iommu);
    uint64_t requested = *size;
    int ret = soft_begin(s, VFIO_SOFT_OP_UNMAP);

    if (ret) {
        goto out;
    }
    switch (s->type) {
    case VFIO_IOMMU_TYPE1V2:
        ret = soft_type1_unmap(s, iova, size);
        break;
    case VFIO_IOMMU_SPAPR_TCE_V2:
        ret = soft_spapr_unmap(s, iova, *size);
        break;
    default:
        ret = soft_reject(s, VFIO_SOFT_OP_UNMAP, "no type set", EINVAL);
        break;
    }
out:
    trace_vfio_soft_unmap(iova, requested, *size, ret);
    return soft_end(s, VFIO_SOFT_OP_UNMAP, ret);
}

/* ---- sPAPR pre-registration (docs/specs/linux-interfaces.md §4.5) ---- */

static int soft_region_check(VFIOSoftIOMMU *s, VFIOSoftOp op, uint64_t vaddr,
                             uint64_t size)
{
    uint64_t mask = (1ULL << s->cfg.host_page_shift) - 1;

    if (!size || (vaddr & mask) || (size & mask)) {
        return soft_reject(s, op, "size 0 or not host-page aligned", EINVAL);
    }
    if (vaddr + size - 1 < vaddr) {
        return soft_reject(s, op, "range wraps", EINVAL);
    }
    return 0;
}

static int soft_register(VFIOSoftIOMMU *s, uint64_t vaddr, uint64_t size)
{
    const VFIOSoftOp op = VFIO_SOFT_OP_REGISTER;
    RangeMapEntry *e;
    int ret;

    if (s->type == VFIO_IOMMU_TYPE_NONE) {
        return soft_reject(s, op, "no type set", EINVAL);
    }
    if (s->type != VFIO_IOMMU_SPAPR_TCE_V2) {
        /* type1's DIRTY_PAGES has this number and refuses it (§4.7). */
        return soft_reject(s, op, "type1: taken as DIRTY_PAGES", EINVAL);
    }
    ret = soft_region_check(s, op, vaddr, size);
    if (ret) {
        return ret;
    }
    e = range_map_find_start(s->regions, vaddr);
    if (e && e->last == vaddr + size - 1) {
        return soft_reject(s, op, "range already registered", EBUSY);
    }
    if (range_map_overlaps(s->regions, vaddr, vaddr + size - 1)) {
        return soft_reject(s, op, "overlaps a region", EINVAL);
    }
    if (!soft_pinnable(s, vaddr, size)) {
        return soft_reject(s, op, "vaddr cannot be pinned", EFAULT);
    }
    if (!soft_memlock_ok(s, size)) {
        return soft_reject(s, op, "over the memlock limit", ENOMEM);
    }
    ret = range_map_insert(s->regions, vaddr, vaddr + size - 1,
                           g_new0(SoftRegion, 1));
    assert(ret == 0);
    s->locked += size;
    s->enabled = true;
    s->mm_bound = true;
    return 0;
}

static int soft_register_memory(VFIOIOMMU *iommu, uint64_t vaddr,
                                uint64_t size)
{
    VFIOSoftIOMMU *s = soft(iommu);
    int ret = soft_begin(s, VFIO_SOFT_OP_REGISTER);

    if (!ret) {
        ret = soft_register(s, vaddr, size);
    }
    trace_vfio_soft_register(vaddr, size, ret);
    return soft_end(s, VFIO_SOFT_OP_REGISTER, ret);
}

static int soft_unregister(VFIOSoftIOMMU *s, uint64_t vaddr, uint64_t size)
{
    const VFIOSoftOp op = VFIO_SOFT_OP_UNREGISTER;
    RangeMapEntry *e;
    SoftRegion *r;
    int ret;

    if (s->type == VFIO_IOMMU_TYPE_NONE) {
        return soft_reject(s, op, "no type set", EINVAL);
    }
    if (s->type != VFIO_IOMMU_SPAPR_TCE_V2) {
        return soft_reject(s, op, "not an sPAPR v2 container", ENOTTY);
    }
    if (!s->mm_bound) {
        return soft_reject(s, op, "no process bound yet", EPERM);
    }
    ret = soft_region_check(s, op, vaddr, size);
    if (ret) {
        return ret;
    }
    e = range_map_find_start(s->regions, vaddr);
    if (!e || e->last != vaddr + size - 1) {
        return soft_reject(s, op, "no region with these bounds", ENOENT);
    }
    r = e->data;
    if (r->mapped) {
        /* Current kernels return 0 and leave the pages pinned. */
        s->busy_unregisters++;
        trace_vfio_soft_unregister_busy(vaddr, r->mapped);
    }
    s->locked -= size;
    range_map_remove(s->regions, vaddr);
    return 0;
}

static int soft_unregister_memory(VFIOIOMMU *iommu, uint64_t vaddr,
                                  uint64_t size)
{
    VFIOSoftIOMMU *s = soft(iommu);
    int ret = soft_begin(s, VFIO_SOFT_OP_UNREGISTER);

    if (!ret) {
        ret = soft_unregister(s, vaddr, size);
    }
    trace_vfio_soft_unregister(vaddr, size, ret);
    return soft_end(s, VFIO_SOFT_OP_UNREGISTER, ret);
}

uint64_t vfio_soft_group_detached(VFIOSoftIOMMU *s)
{
    uint64_t cleared = 0;

    if (s->type == VFIO_IOMMU_SPAPR_TCE_V2) {
        cleared = soft_map_clear(s, 0, UINT64_MAX, false);
    }
    trace_vfio_soft_group_detached(s->type, cleared);
    return cleared;
}

static void soft_release(VFIOIOMMU *iommu)
{
    VFIOSoftIOMMU *s = soft(iommu);

    trace_vfio_soft_release(range_map_count(s->maps),
                            range_map_count(s->regions));
    range_map_free(s->maps);
    range_map_free(s->regions);
    range_map_free(s->host_ram);
    g_free(s);
}

const VFIOIOMMUOps vfio_soft_ops = {
    .name = "soft",
    .setup = soft_setup,
    .info = soft_info,
    .add_window = soft_add_window,
    .remove_window = soft_remove_window,
    .map = soft_map,
    .unmap = soft_unmap,
    .register_memory = soft_register_memory,
    .unregister_memory = soft_unregister_memory,
    .release = soft_release,
};

/* ---- creation and configuration ---- */

static bool soft_config_check(const VFIOSoftConfig *c, Error **errp)
{
    const uint64_t below_4k = (1ULL << 12) - 1;

    if ((c->pgsizes & below_4k) || (c->spapr_pgsizes & below_4k)) {
        error_setg(errp, "page sizes below 4 KiB");
        return false;
    }
    for (uint32_t i = 0; i < c->nr_iova_ranges; i++) {
        if (c->iova_ranges[i].start > c->iova_ranges[i].last ||
            (i && c->iova_ranges[i].start <= c->iova_ranges[i - 1].last)) {
            error_setg(errp, "IOVA range %u is inverted, overlapping or "
                       "out of order", i);
            return false;
        }
    }
    if (c->dma32_start + c->dma32_size > (1ULL << 32) ||
        !c->dma32_size || (c->dma32_start & 0xfff) || (c->dma32_size & 0xfff)) {
        error_setg(errp, "DMA-32 window must be 4 KiB aligned, below 4 GiB");
        return false;
    }
    if (c->dma64_base < c->dma32_start + c->max_window_size ||
        c->dma64_base + c->max_window_size < c->dma64_base) {
        error_setg(errp, "the 64-bit window base 0x%" PRIx64 " cannot hold "
                   "windows of 0x%" PRIx64 " bytes", c->dma64_base,
                   c->max_window_size);
        return false;
    }
    if (c->host_page_shift < 12 || c->host_page_shift > 30 ||
        c->backing_page_shift < c->host_page_shift ||
        c->backing_page_shift > 40) {
        error_setg(errp, "host page shift %u / backing page shift %u out of "
                   "range", c->host_page_shift, c->backing_page_shift);
        return false;
    }
    return true;
}

VFIOSoftIOMMU *vfio_soft_new(const VFIOSoftConfig *cfg, Error **errp)
{
    VFIOSoftConfig c = cfg ? *cfg : (VFIOSoftConfig) { 0 };
    VFIOSoftIOMMU *s;

    if (!c.types) {
        c.types = (1u << VFIO_IOMMU_TYPE1V2) |
                  (1u << VFIO_IOMMU_SPAPR_TCE_V2);
    }
    if (!c.pgsizes) {
        c.pgsizes = (1ULL << 12) | (1ULL << 21) | (1ULL << 30);
    }
    if (!c.nr_iova_ranges) {
        c.nr_iova_ranges = 2;
        c.iova_ranges[0] = (VFIOIOVARange) { 0, 0xfedfffffULL };
        c.iova_ranges[1] = (VFIOIOVARange) { 0xfef00000ULL,
                                             (1ULL << 39) - 1 };
    } else if (c.nr_iova_ranges > VFIO_IOMMU_MAX_IOVA_RANGES) {
        error_setg(errp, "at most %d IOVA ranges", VFIO_IOMMU_MAX_IOVA_RANGES);
        return NULL;
    }
    if (!c.dma_entry_limit) {
        c.dma_entry_limit = 65535;
    }
    if (!c.dma32_size) {
        c.dma32_size = 1ULL << 31;
    }
    if (!c.dma64_base) {
        c.dma64_base = 1ULL << 59;
    }
    if (!c.spapr_pgsizes) {
        c.spapr_pgsizes = (1ULL << 12) | (1ULL << 16) | (1ULL << 24) |
                          (1ULL << 28);
    }
    if (!c.max_levels) {
        c.max_levels = 5;
    }
    if (!c.max_window_size) {
        c.max_window_size = 1ULL << 42;
    }
    if (!c.host_page_shift) {
        c.host_page_shift = 16;
    }
    if (!c.backing_page_shift) {
        c.backing_page_shift = c.host_page_shift;
    }
    if (!soft_config_check(&c, errp)) {
        return NULL;
    }
    s = g_new0(VFIOSoftIOMMU, 1);
    s->parent.ops = &vfio_soft_ops;
    s->cfg = c;
    s->maps = range_map_new(g_free);
    s->regions = range_map_new(g_free);
    s->host_ram = range_map_new(NULL);
    return s;
}

VFIOIOMMU *vfio_soft_iommu(VFIOSoftIOMMU *s)
{
    return &s->parent;
}

VFIOSoftIOMMU *vfio_soft_from_iommu(VFIOIOMMU *iommu)
{
    return iommu && iommu->ops == &vfio_soft_ops ? soft(iommu) : NULL;
}

int vfio_soft_add_host_ram(VFIOSoftIOMMU *s, uint64_t vaddr, uint64_t size)
{
    if (!size || vaddr + size - 1 < vaddr) {
        return -EINVAL;
    }
    return range_map_insert(s->host_ram, vaddr, vaddr + size - 1, NULL);
}

VFIOSoftCounters vfio_soft_get_counters(VFIOSoftIOMMU *s, VFIOSoftOp op)
{
    assert(op < VFIO_SOFT_OP__MAX);
    return s->counters[op];
}

void vfio_soft_reset_counters(VFIOSoftIOMMU *s)
{
    memset(s->counters, 0, sizeof(s->counters));
}

void vfio_soft_inject_fault(VFIOSoftIOMMU *s, VFIOSoftOp op, uint64_t nth,
                            int err)
{
    assert(op < VFIO_SOFT_OP__MAX);
    assert(!nth || err > 0);
    s->fault[op].nth = nth;
    s->fault[op].err = err;
    trace_vfio_soft_inject(vfio_soft_op_name(op), nth, err);
}

static int soft_collect_mapping(void *opaque, RangeMapEntry *e)
{
    SoftMap *m = e->data;
    VFIOSoftMapping out = {
        .iova = e->start,
        .size = e->last - e->start + 1,
        .vaddr = m->vaddr,
        .perm = m->perm,
    };

    g_array_append_val((GArray *)opaque, out);
    return 0;
}

GArray *vfio_soft_get_mappings(VFIOSoftIOMMU *s)
{
    GArray *a = g_array_new(false, false, sizeof(VFIOSoftMapping));

    range_map_foreach(s->maps, 0, UINT64_MAX, soft_collect_mapping, a);
    return a;
}

GArray *vfio_soft_get_windows(VFIOSoftIOMMU *s)
{
    GArray *a = g_array_new(false, false, sizeof(VFIOSoftWindow));

    for (uint32_t i = 0; i < SOFT_NR_WINDOWS; i++) {
        SoftWindow *w = &s->win[i];
        VFIOSoftWindow out = { i, w->start, w->size, w->page_shift, w->levels };

        if (w->used) {
            g_array_append_val(a, out);
        }
    }
    return a;
}

static int soft_collect_region(void *opaque, RangeMapEntry *e)
{
    VFIOSoftRegion out = { e->start, e->last - e->start + 1 };

    g_array_append_val((GArray *)opaque, out);
    return 0;
}

GArray *vfio_soft_get_regions(VFIOSoftIOMMU *s)
{
    GArray *a = g_array_new(false, false, sizeof(VFIOSoftRegion));

    range_map_foreach(s->regions, 0, UINT64_MAX, soft_collect_region, a);
    return a;
}

bool vfio_soft_default_window_pending(VFIOSoftIOMMU *s)
{
    return s->default_pending;
}

uint64_t vfio_soft_busy_unregisters(VFIOSoftIOMMU *s)
{
    return s->busy_unregisters;
}

bool vfio_soft_translate(VFIOSoftIOMMU *s, hwaddr iova, uint32_t access,
                         VFIOSoftTranslation *out)
{
    RangeMapEntry *e = range_map_lookup(s->maps, iova);
    SoftMap *m;

    if (!e || (((SoftMap *)e->data)->perm & access) != access) {
        trace_vfio_soft_translate_fault(iova, access);
        return false;
    }
    m = e->data;
    out->vaddr = m->vaddr + (iova - e->start);
    out->len = e->last - iova + 1;
    out->perm = m->perm;
    return true;
}
