/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sPAPR TCE v2 containers: the host's default window, pre-registration of
 * guest RAM and host DMA windows (include/hw/vfio/vfio-container.h,
 * docs/specs/linux-interfaces.md §4.4-§4.5).
 */

#include "qemu/osdep.h"
#include "hw/vfio/vfio-container.h"
#include "trace.h"

/* Bits of TCE index one table level resolves (64 KiB of 8-byte TCEs). */
#define VFIO_SPAPR_LEVEL_BITS 13

uint64_t vfio_spapr_pick_page_size(uint64_t pgsizes, uint64_t tce,
                                   uint64_t ram)
{
    uint64_t limit = MIN(tce, ram);
    uint64_t fit;

    if (!limit) {
        return 0;
    }
    /* keep the bits <= limit; the highest one left is the answer */
    fit = pgsizes & (limit | (limit - 1));
    return fit ? 1ULL << (63 - __builtin_clzll(fit)) : 0;
}

/* ---- pre-registration ------------------------------------------------- */

static void vfio_prereg_unregister(VFIOContainer *c, VFIOPrereg *p)
{
    int ret = vfio_iommu_unregister_memory(c->iommu, p->vaddr, p->size);

    trace_vfio_spapr_unregister(p->vaddr, p->size, ret);
    if (ret) {
        c->stats.errors++;
        error_report("vfio: cannot unregister guest RAM at 0x%" PRIx64
                     " (0x%" PRIx64 " bytes): %s", p->gpa, p->size,
                     g_strerror(-ret));
    }
    range_map_remove(c->prereg, p->vaddr);
}

void vfio_spapr_prereg_get(VFIOContainer *c, VFIOMapping *m)
{
    RangeMapEntry *e;

    if (c->type != VFIO_IOMMU_SPAPR_TCE_V2) {
        return;
    }
    e = range_map_lookup(c->prereg, m->vaddr);
    if (e) {
        m->prereg = e->data;
        m->prereg->users++;
    }
}

void vfio_spapr_prereg_put(VFIOContainer *c, VFIOMapping *m)
{
    VFIOPrereg *p = m->prereg;

    if (!p) {
        return;
    }
    m->prereg = NULL;
    if (!--p->users && p->dying) {
        vfio_prereg_unregister(c, p);
    }
}

/* The page-aligned process range of a RAM section; false if empty. */
static bool vfio_prereg_range(VFIOContainer *c, MemoryRegionSection *s,
                              uint64_t *vaddr, uint64_t *size, hwaddr *gpa)
{
    uint64_t page = c->ram_page_size;
    uint64_t start = (uint64_t)(uintptr_t)memory_region_get_ram_ptr(s->mr) +
                     s->offset_within_region;
    uint64_t end = start + s->size;
    uint64_t astart = ROUND_UP(start, page);
    uint64_t aend = end & ~(page - 1);

    if (!memory_region_is_ram(s->mr) || aend <= astart) {
        return false;
    }
    *vaddr = astart;
    *size = aend - astart;
    *gpa = s->offset_within_address_space + (astart - start);
    return true;
}

static void vfio_prereg_add(MemoryListener *l, MemoryRegionSection *s)
{
    VFIOContainer *c = container_of(l, VFIOContainer, prereg_listener);
    uint64_t vaddr, size;
    VFIOPrereg *p;
    hwaddr gpa;
    int ret;

    if (!vfio_prereg_range(c, s, &vaddr, &size, &gpa)) {
        return;
    }
    ret = vfio_iommu_register_memory(c->iommu, vaddr, size);
    trace_vfio_spapr_register(vaddr, size, ret);
    if (ret) {
        Error *err = NULL;

        c->stats.errors++;
        error_setg_errno(&err, -ret, "vfio: cannot pre-register guest RAM "
                         "at 0x%" PRIx64 " (0x%" PRIx64 " bytes)", gpa, size);
        if (!c->initialized && !c->error) {
            c->error = err;
        } else {
            error_report_err(err);
        }
        return;
    }
    p = g_new0(VFIOPrereg, 1);
    *p = (VFIOPrereg) { .vaddr = vaddr, .size = size, .gpa = gpa };
    ret = range_map_insert(c->prereg, vaddr, vaddr + size - 1, p);
    /* The host just accepted the range, so it overlaps nothing registered. */
    assert(ret == 0);
}

static void vfio_prereg_del(MemoryListener *l, MemoryRegionSection *s)
{
    VFIOContainer *c = container_of(l, VFIOContainer, prereg_listener);
    uint64_t vaddr, size;
    RangeMapEntry *e;
    hwaddr gpa;

    if (!vfio_prereg_range(c, s, &vaddr, &size, &gpa)) {
        return;
    }
    e = range_map_find_start(c->prereg, vaddr);
    if (!e) {
        return;     /* its registration had failed */
    }
    if (((VFIOPrereg *)e->data)->users) {
        /* Mappings still point into it: unregister after the last goes. */
        ((VFIOPrereg *)e->data)->dying = true;
        return;
    }
    vfio_prereg_unregister(c, e->data);
}

bool vfio_spapr_container_setup(VFIOContainer *c, Error **errp)
{
    int ret;

    /*
     * The host's default window would take slot 0 and the first create
     * would land at the 64-bit base: remove it first.
     */
    if (c->info.dma32_size) {
        ret = vfio_iommu_remove_window(c->iommu, c->info.dma32_start);
        trace_vfio_spapr_remove_default(c->info.dma32_start, ret);
        if (ret) {
            error_setg_errno(errp, -ret, "vfio: cannot remove the host's "
                             "default DMA window at 0x%" PRIx64,
                             c->info.dma32_start);
            return false;
        }
    }
    c->prereg_listener = (MemoryListener) {
        .region_add = vfio_prereg_add,
        .region_del = vfio_prereg_del,
        .priority = 10,
        .name = "vfio-prereg",
    };
    memory_listener_register(&c->prereg_listener, &address_space_memory);
    c->prereg_on = true;
    if (c->error) {
        error_propagate(errp, c->error);
        c->error = NULL;
        return false;
    }
    return true;
}

void vfio_spapr_container_teardown(VFIOContainer *c)
{
    if (c->prereg_on) {
        memory_listener_unregister(&c->prereg_listener);
        c->prereg_on = false;
    }
    if (c->stale_windows) {
        vfio_spapr_remove_stale_windows(c);     /* the release drops the rest */
        g_array_free(c->stale_windows, TRUE);
        c->stale_windows = NULL;
    }
}

/* ---- windows ---------------------------------------------------------- */

/* Host page shift and table levels for a window; false with @errp. */
static bool vfio_spapr_window_geometry(VFIOContainer *c, uint32_t tce_shift,
                                       uint64_t size, uint32_t *pshift,
                                       uint32_t *plevels, Error **errp)
{
    uint64_t tce = 1ULL << tce_shift;
    uint64_t page = vfio_spapr_pick_page_size(c->info.pgsizes, tce,
                                              c->ram_page_size);
    uint32_t shift, levels = 1;

    if (!page) {
        error_setg(errp, "no host IOMMU page size fits: TCE page size 0x%"
                   PRIx64 ", RAM backing page size 0x%" PRIx64
                   ", host page sizes 0x%" PRIx64, tce, c->ram_page_size,
                   c->info.pgsizes);
        return false;
    }
    shift = __builtin_ctzll(page);
    while (levels < 64 &&
           (size >> shift) > (1ULL << MIN(63, VFIO_SPAPR_LEVEL_BITS * levels))) {
        levels++;
    }
    if (c->info.max_levels && levels > c->info.max_levels) {
        error_setg(errp, "a host window of 0x%" PRIx64 " bytes with 0x%"
                   PRIx64 " pages needs %u table levels, the host allows %u",
                   size, page, levels, c->info.max_levels);
        return false;
    }
    *pshift = shift;
    *plevels = levels;
    return true;
}

/*
 * A host window that cannot be removed would hold its slot for ever (every
 * later create would fail): the removal is tried twice at once, and if the
 * host still refuses, the window is kept in c->stale_windows and removed
 * before the next create, and again at teardown (the release drops it in
 * any case).  This holds for every window the container removes: its own,
 * a trial one, one the host placed elsewhere.
 */
static int vfio_spapr_remove_host_window(VFIOContainer *c, hwaddr start)
{
    int ret = -EINVAL;

    for (int attempt = 0; attempt < 2; attempt++) {
        ret = vfio_iommu_remove_window(c->iommu, start);
        trace_vfio_spapr_remove_window(start, ret);
        if (!ret) {
            return 0;
        }
        c->stats.errors++;
    }
    return ret;
}

/* Remove the window at @start, or remember it as stale; 0 or -errno. */
static int vfio_spapr_drop_host_window(VFIOContainer *c, hwaddr start)
{
    int ret = vfio_spapr_remove_host_window(c, start);

    if (ret) {
        error_report("vfio: cannot remove the host DMA window at 0x%" PRIx64
                     ": %s (retried before the next window is created)",
                     start, g_strerror(-ret));
        if (!c->stale_windows) {
            c->stale_windows = g_array_new(FALSE, FALSE, sizeof(hwaddr));
        }
        g_array_append_val(c->stale_windows, start);
    }
    return ret;
}

/*
 * Retry the removals that failed, every one; true when none is left.  A
 * stale address a live window of the container holds now was gone after
 * all (the host created the live one there), and so is one the host no
 * longer knows (-EINVAL): both are forgotten without a call that could
 * remove a live window.
 */
bool vfio_spapr_remove_stale_windows(VFIOContainer *c)
{
    guint i = 0;

    while (c->stale_windows && i < c->stale_windows->len) {
        hwaddr start = g_array_index(c->stale_windows, hwaddr, i);
        bool live = false;
        int ret = 0;

        for (GList *l = c->giommus; l; l = l->next) {
            VFIOGuestIOMMU *g = l->data;

            live |= g->host_window && g->bus_start == start;
        }
        if (!live) {
            ret = vfio_spapr_remove_host_window(c, start);
        }
        if (ret && ret != -EINVAL) {
            i++;
        } else {
            g_array_remove_index(c->stale_windows, i);
        }
    }
    return !c->stale_windows || !c->stale_windows->len;
}

bool vfio_spapr_check_window(VFIOContainer *c, hwaddr bus_start,
                             uint64_t size, uint32_t tce_shift,
                             bool replaces_all, Error **errp)
{
    uint32_t shift, levels, in_use = 0;
    hwaddr start = 0;
    int ret;

    if (!vfio_spapr_window_geometry(c, tce_shift, size, &shift, &levels,
                                    errp)) {
        return false;
    }
    if (replaces_all) {
        /* The slots and the size limit are only known with the slots free. */
        return true;
    }
    vfio_spapr_remove_stale_windows(c);     /* their slots are free again */
    for (GList *l = c->giommus; l; l = l->next) {
        in_use += ((VFIOGuestIOMMU *)l->data)->host_window;
    }
    in_use += c->stale_windows ? c->stale_windows->len : 0;
    if (c->info.max_windows && in_use >= c->info.max_windows) {
        error_setg(errp, "the host has no free DMA window slot (%u of %u in "
                   "use)", in_use, c->info.max_windows);
        return false;
    }
    /*
     * What only the host knows (its largest window, its locked-memory
     * limit, where it would place the window): create it and remove it.
     */
    ret = vfio_iommu_add_window(c->iommu, shift, size, levels, &start);
    trace_vfio_spapr_probe_window(bus_start, size, shift, levels, start, ret);
    if (ret) {
        c->stats.errors++;
        error_setg_errno(errp, -ret, "cannot create a host DMA window of 0x%"
                         PRIx64 " bytes with 0x%" PRIx64 " pages, %u levels",
                         size, (uint64_t)1 << shift, levels);
        return false;
    }
    ret = vfio_spapr_drop_host_window(c, start);
    if (ret) {
        error_setg_errno(errp, -ret, "cannot remove the trial host DMA "
                         "window at 0x%" PRIx64, start);
        return false;
    }
    if (start != bus_start) {
        error_setg(errp, "the host would place its window at 0x%" PRIx64
                   ", the guest window is at 0x%" PRIx64, start, bus_start);
        return false;
    }
    return true;
}

bool vfio_spapr_add_window(VFIOContainer *c, VFIOGuestIOMMU *g, Error **errp)
{
    uint64_t size = g->bus_last - g->bus_start + 1;
    uint32_t shift, levels;
    hwaddr start = 0;
    int ret;

    if (!vfio_spapr_window_geometry(c, g->page_shift, size, &shift, &levels,
                                    errp)) {
        return false;
    }
    vfio_spapr_remove_stale_windows(c);
    ret = vfio_iommu_add_window(c->iommu, shift, size, levels, &start);
    trace_vfio_spapr_add_window(g->bus_start, size, shift, levels, start,
                                ret);
    if (ret) {
        c->stats.errors++;
        error_setg_errno(errp, -ret, "cannot create a host DMA window of 0x%"
                         PRIx64 " bytes with 0x%" PRIx64 " pages, %u levels",
                         size, (uint64_t)1 << shift, levels);
        return false;
    }
    if (start != g->bus_start) {
        vfio_spapr_drop_host_window(c, start);
        error_setg(errp, "the host placed its window at 0x%" PRIx64
                   ", the guest window is at 0x%" PRIx64, start,
                   g->bus_start);
        return false;
    }
    g->host_window = true;
    g->host_page_shift = shift;
    g->levels = levels;
    return true;
}

void vfio_spapr_remove_window(VFIOContainer *c, VFIOGuestIOMMU *g)
{
    vfio_spapr_drop_host_window(c, g->bus_start);
    g->host_window = false;
}
