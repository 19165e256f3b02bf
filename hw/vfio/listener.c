/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO DMA listener: mirrors the guest's IOMMU windows of a DMA address
 * space into a container's host IOMMU, coalescing runs inside batches
 * (include/hw/vfio/vfio-container.h, docs/devel/vfio-container.md).
 */

#include "qemu/osdep.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/vfio-monitor.h"
#include "trace.h"

/* ---- events ----------------------------------------------------------- */

/* One host call: with the container's bookkeeping, unless untracked. */
static int vfio_giommu_host_map(VFIOGuestIOMMU *g, hwaddr iova, uint64_t size,
                                hwaddr gpa, uint64_t vaddr, uint32_t perm)
{
    if (g->untracked) {
        return vfio_container_host_map(g->container, iova, size, vaddr, perm);
    }
    return vfio_container_dma_map(g->container, iova, size, gpa, vaddr, perm);
}

static int vfio_giommu_host_unmap(VFIOGuestIOMMU *g, hwaddr first,
                                  hwaddr last)
{
    if (g->untracked) {
        return vfio_container_host_unmap(g->container, first, last);
    }
    return vfio_container_dma_unmap(g->container, first, last);
}

/* Push the pending span (first) and run to the host; the first error. */
int vfio_giommu_flush(VFIOGuestIOMMU *g)
{
    int ret = 0;

    if (g->unmap_pending) {
        g->unmap_pending = false;
        ret = vfio_giommu_host_unmap(g, g->unmap_first, g->unmap_last);
    }
    if (g->map_pending) {
        VFIOMapping *p = &g->pending;

        g->map_pending = false;
        if (!ret) {
            /* (after a failed unmap the run could meet stale mappings) */
            ret = vfio_giommu_host_map(g, p->iova, p->size, p->gpa,
                                       p->vaddr, p->perm);
        }
    }
    if (ret && !g->batch_err) {
        g->batch_err = ret;
    }
    return ret;
}

static int vfio_giommu_map(VFIOGuestIOMMU *g, hwaddr iova, uint64_t size,
                           hwaddr gpa, uint64_t vaddr, uint32_t perm)
{
    VFIOContainer *c = g->container;
    VFIOMapping *p = &g->pending;
    int ret;

    if (!g->in_batch || c->no_coalesce) {
        return vfio_giommu_host_map(g, iova, size, gpa, vaddr, perm);
    }
    if (g->map_pending && p->iova + p->size == iova &&
        p->vaddr + p->size == vaddr && p->gpa + p->size == gpa &&
        p->perm == perm) {
        p->size += size;
        return 0;
    }
    if (g->map_pending) {
        ret = vfio_giommu_flush(g);
        if (ret) {
            return ret;
        }
    }
    /*
     * A new run will need a host mapping of its own: refuse it now, while
     * the caller can still clear exactly this entry, when the container is
     * full even after the pending unmaps (a failure found at batch_commit
     * could only resynchronise the whole window, and fail again).
     */
    if (!g->untracked && range_map_count(c->mappings) >= c->max_mappings) {
        ret = vfio_giommu_flush(g);
        if (ret) {
            return ret;
        }
        if (range_map_count(c->mappings) >= c->max_mappings) {
            c->stats.errors++;
            return -ENOSPC;
        }
    }
    *p = (VFIOMapping) {
        .iova = iova, .size = size, .gpa = gpa, .vaddr = vaddr, .perm = perm,
    };
    g->map_pending = true;
    return 0;
}

static int vfio_giommu_unmap(VFIOGuestIOMMU *g, hwaddr first, hwaddr last)
{
    VFIOContainer *c = g->container;
    VFIOMapping *p = &g->pending;
    int ret;

    if (!g->in_batch || c->no_coalesce) {
        return vfio_giommu_host_unmap(g, first, last);
    }
    if (g->map_pending && first <= p->iova + p->size - 1 && p->iova <= last) {
        /* It takes back part of the pending run: the host must see both. */
        ret = vfio_giommu_flush(g);
        if (ret) {
            return ret;
        }
    }
    /*
     * Grow the span over a hole with nothing mapped on the host (the run
     * pending in the hole, if any, is mapped after the span is unmapped).
     */
    if (g->unmap_pending && g->unmap_last < first &&
        (g->unmap_last + 1 == first ||
         (!g->untracked &&
          !range_map_overlaps(c->mappings, g->unmap_last + 1, first - 1)))) {
        g->unmap_last = last;
        return 0;
    }
    if (g->unmap_pending) {
        ret = vfio_giommu_flush(g);
        if (ret) {
            return ret;
        }
    }
    g->unmap_pending = true;
    g->unmap_first = first;
    g->unmap_last = last;
    return 0;
}

static int vfio_iommu_map_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    VFIOGuestIOMMU *g = container_of(n, VFIOGuestIOMMU, n);
    const IOMMUTLBEntry *e = &ev->entry;
    hwaddr iova = g->iova_offset + e->iova;
    uint64_t size = e->addr_mask + 1;
    void *vaddr;

    if (!size || iova + size - 1 < iova) {
        return -EINVAL;     /* a block of 2^64 bytes: no window is that big */
    }
    if (ev->type == IOMMU_NOTIFIER_UNMAP) {
        trace_vfio_listener_unmap(iova, size, g->in_batch);
        return vfio_giommu_unmap(g, iova, iova + size - 1);
    }
    if (ev->type != IOMMU_NOTIFIER_MAP) {
        return 0;
    }
    trace_vfio_listener_map(iova, size, e->translated_addr, e->perm,
                            g->in_batch);
    if (g->broken) {
        trace_vfio_listener_broken(g->bus_start, iova);
        return -EIO;
    }
    /* Guest RAM only: a TCE pointing at MMIO is never mapped. */
    vaddr = e->target_as == &address_space_memory ?
        address_space_map_ram(&address_space_memory, e->translated_addr,
                              size, NULL) : NULL;
    if (!vaddr) {
        trace_vfio_listener_not_ram(iova, e->translated_addr, size);
        return -EFAULT;
    }
    return vfio_giommu_map(g, iova, size, e->translated_addr,
                           (uint64_t)(uintptr_t)vaddr,
                           e->perm & VFIO_IOMMU_PERM_RW);
}

static int vfio_iommu_batch_begin(IOMMUNotifier *n)
{
    VFIOGuestIOMMU *g = container_of(n, VFIOGuestIOMMU, n);

    g->in_batch = true;
    g->batch_err = 0;
    return 0;
}

static int vfio_iommu_batch_commit(IOMMUNotifier *n)
{
    VFIOGuestIOMMU *g = container_of(n, VFIOGuestIOMMU, n);
    int ret = vfio_giommu_flush(g);

    ret = g->batch_err ? g->batch_err : ret;
    g->in_batch = false;
    g->batch_err = 0;
    trace_vfio_listener_commit(g->bus_start, ret);
    return ret;
}

/* ---- windows ---------------------------------------------------------- */

static bool vfio_type1_check_window(VFIOContainer *c, VFIOGuestIOMMU *g,
                                    Error **errp)
{
    const VFIOIOMMUInfo *info = &c->info;
    uint64_t page = 1ULL << g->page_shift;
    uint64_t min = info->pgsizes & -info->pgsizes;
    g_autoptr(GString) ranges = g_string_new(NULL);

    if (!min || min > page) {
        error_setg(errp, "TCE page size 0x%" PRIx64 " is not supported by "
                   "the host IOMMU (page sizes 0x%" PRIx64 ")", page,
                   info->pgsizes);
        return false;
    }
    for (uint32_t i = 0; i < info->nr_iova_ranges; i++) {
        const VFIOIOVARange *r = &info->iova_ranges[i];

        if (r->start <= g->bus_start && g->bus_last <= r->last) {
            return true;
        }
        g_string_append_printf(ranges, "%s[0x%" PRIx64 ", 0x%" PRIx64 "]",
                               i ? ", " : "", r->start, r->last);
    }
    error_setg(errp, "the window is outside the host's valid IOVA ranges "
               "(%s)", ranges->len ? ranges->str : "none");
    return false;
}

/* Record why @g cannot be honoured; takes @err. */
static void vfio_giommu_break(VFIOGuestIOMMU *g, Error *err)
{
    VFIOContainer *c = g->container;

    error_prepend(&err, "vfio: window %s [0x%" PRIx64 ", 0x%" PRIx64 "] "
                  "(size 0x%" PRIx64 ", TCE page 0x%" PRIx64 "): ",
                  memory_region_name(MEMORY_REGION_OF_IOMMU(g->iommu_mr)),
                  g->bus_start, g->bus_last, g->bus_last - g->bus_start + 1,
                  (uint64_t)1 << g->page_shift);
    trace_vfio_listener_window_broken(g->bus_start, error_get_pretty(err));
    if (!c->initialized) {
        if (!c->error) {
            c->error = error_copy(err);
        }
    } else {
        error_report("%s", error_get_pretty(err));
    }
    error_free(g->broken);
    g->broken = err;
    if (c->initialized) {
        vfio_monitor_window_broken(g);
    }
    /*
     * The kernel must not go on mapping into a window the host cannot
     * honour: unlinked, its table leaves the kernel and every later map
     * comes here, and fails.
     */
    if (vfio_giommu_kernel_linked(g)) {
        Error *uerr = NULL;

        if (!vfio_giommu_unlink(g, &uerr)) {
            error_report_err(uerr);
        }
    }
}

bool vfio_giommu_unlink(VFIOGuestIOMMU *g, Error **errp)
{
    if (!vfio_giommu_kernel_linked(g)) {
        return true;
    }
    if (!g->registered) {
        g->n.notifier_flags &= ~IOMMU_NOTIFIER_KERNEL_LINKED;
    } else if (memory_region_iommu_notifier_set_flags(
                   &g->n, IOMMU_NOTIFIER_IOTLB_EVENTS, errp) < 0) {
        error_prepend(errp, "vfio: window 0x%" PRIx64 " stays linked to the "
                      "kernel TCE table: ", g->bus_start);
        return false;
    }
    trace_vfio_listener_unlinked(g->bus_start);
    return true;
}

void vfio_listener_replay_windows(VFIOContainer *c)
{
    for (GList *l = c->giommus; l; l = l->next) {
        VFIOGuestIOMMU *g = l->data;
        Error *err = NULL;

        if (!g->registered || g->broken) {
            continue;
        }
        trace_vfio_listener_replay_window(g->bus_start, g->bus_last);
        /* Start from nothing whatever the host kept (older kernels). */
        vfio_giommu_host_unmap(g, g->bus_start, g->bus_last);
        if (!memory_region_iommu_replay(g->iommu_mr, &g->n, &err)) {
            vfio_giommu_host_unmap(g, g->bus_start, g->bus_last);
            error_prepend(&err, "replay failed: ");
            vfio_giommu_break(g, err);
        }
    }
}

/* The consumer veto (MemoryListener.iommu_window_check). */
static bool vfio_listener_window_check(MemoryListener *l,
                                       IOMMUMemoryRegion *iommu_mr,
                                       const IOMMUWindowCheck *w,
                                       Error **errp)
{
    VFIOContainer *c = container_of(l, VFIOContainer, listener);
    VFIOGuestIOMMU probe = {
        .container = c,
        .iommu_mr = iommu_mr,
        .bus_start = w->start,
        .bus_last = w->last,
        .page_shift = w->page_size ? __builtin_ctzll(w->page_size) : 0,
    };
    Error *err = NULL;
    bool ok;

    if (probe.bus_last < probe.bus_start ||
        (probe.bus_start == 0 && probe.bus_last == UINT64_MAX)) {
        error_setg(&err, "a window of 2^64 bytes cannot be mapped");
        ok = false;
    } else if (c->type == VFIO_IOMMU_TYPE1V2) {
        ok = vfio_type1_check_window(c, &probe, &err);
    } else {
        ok = vfio_spapr_check_window(c, probe.bus_start,
                                     probe.bus_last - probe.bus_start + 1,
                                     probe.page_shift, w->replaces_all, &err);
    }
    if (ok) {
        return true;
    }
    error_prepend(&err, "vfio: window %s [0x%" PRIx64 ", 0x%" PRIx64 "] "
                  "(size 0x%" PRIx64 ", TCE page 0x%" PRIx64 "): ",
                  memory_region_name(MEMORY_REGION_OF_IOMMU(iommu_mr)),
                  probe.bus_start, probe.bus_last,
                  probe.bus_last - probe.bus_start + 1,
                  (uint64_t)1 << probe.page_shift);
    trace_vfio_listener_window_refused(probe.bus_start,
                                       error_get_pretty(err));
    error_propagate(errp, err);
    return false;
}

static void vfio_listener_region_add(MemoryListener *l,
                                     MemoryRegionSection *section)
{
    VFIOContainer *c = container_of(l, VFIOContainer, listener);
    IOMMUMemoryRegion *iommu_mr = memory_region_get_iommu(section->mr);
    hwaddr end_in_region;
    VFIOGuestIOMMU *g;
    Error *err = NULL;
    bool ok;

    if (!memory_region_is_iommu(section->mr) || !iommu_mr) {
        trace_vfio_listener_skip(memory_region_name(section->mr),
                                 section->offset_within_address_space);
        return;
    }
    g = g_new0(VFIOGuestIOMMU, 1);
    g->container = c;
    g->iommu_mr = iommu_mr;
    g->bus_start = section->offset_within_address_space;
    g->bus_last = memory_region_section_last(section);
    g->iova_offset = section->offset_within_address_space -
                     section->offset_within_region;
    g->page_shift =
        __builtin_ctzll(memory_region_iommu_get_min_page_size(iommu_mr));
    c->giommus = g_list_append(c->giommus, g);
    trace_vfio_listener_region_add(memory_region_name(section->mr),
                                   g->bus_start, g->bus_last, g->page_shift);

    if (g->bus_last < g->bus_start || (g->bus_start == 0 &&
                                       g->bus_last == UINT64_MAX)) {
        error_setg(&err, "a window of 2^64 bytes cannot be mapped");
        ok = false;
    } else if (c->type == VFIO_IOMMU_TYPE1V2) {
        ok = vfio_type1_check_window(c, g, &err);
    } else {
        ok = vfio_spapr_add_window(c, g, &err);
    }
    if (!ok) {
        vfio_giommu_break(g, err);
        err = NULL;
    } else if (c->type == VFIO_IOMMU_SPAPR_TCE_V2) {
        /* Before the notifier: a linked one leaves the table in the kernel. */
        g->untracked = vfio_container_link_window(c, g);
    }

    end_in_region = section->offset_within_region +
                    (g->bus_last - g->bus_start);
    iommu_notifier_init(&g->n, vfio_iommu_map_notify,
                        IOMMU_NOTIFIER_IOTLB_EVENTS |
                        (g->untracked ? IOMMU_NOTIFIER_KERNEL_LINKED : 0),
                        section->offset_within_region, end_in_region, 0);
    g->n.batch_begin = vfio_iommu_batch_begin;
    g->n.batch_commit = vfio_iommu_batch_commit;
    if (memory_region_register_iommu_notifier(section->mr, &g->n, &err)) {
        vfio_giommu_break(g, err);
        return;
    }
    g->registered = true;
    if (g->broken) {
        return;     /* nothing to replay into a window the host lacks */
    }
    if (!memory_region_iommu_replay(iommu_mr, &g->n, &err)) {
        /* All or nothing: drop what the replay mapped. */
        vfio_giommu_host_unmap(g, g->bus_start, g->bus_last);
        error_prepend(&err, "replay failed: ");
        vfio_giommu_break(g, err);
    }
}

static VFIOGuestIOMMU *vfio_giommu_find(VFIOContainer *c,
                                        MemoryRegionSection *section)
{
    IOMMUMemoryRegion *iommu_mr = memory_region_get_iommu(section->mr);

    for (GList *l = c->giommus; l; l = l->next) {
        VFIOGuestIOMMU *g = l->data;

        if (g->iommu_mr == iommu_mr &&
            g->bus_start == section->offset_within_address_space) {
            return g;
        }
    }
    return NULL;
}

static void vfio_listener_region_del(MemoryListener *l,
                                     MemoryRegionSection *section)
{
    VFIOContainer *c = container_of(l, VFIOContainer, listener);
    VFIOGuestIOMMU *g;
    int ret;

    if (!memory_region_is_iommu(section->mr)) {
        return;
    }
    g = vfio_giommu_find(c, section);
    if (!g) {
        return;
    }
    trace_vfio_listener_region_del(memory_region_name(section->mr),
                                   g->bus_start, g->bus_last);
    if (g->registered) {
        memory_region_unregister_iommu_notifier(section->mr, &g->n);
    }
    /* Whoever unregisters drops what was pending (never on the host). */
    g->map_pending = g->unmap_pending = false;
    ret = vfio_giommu_host_unmap(g, g->bus_start, g->bus_last);
    if (ret && !g->untracked) {
        /* Once more, mapping by mapping (an injected fault is one-shot). */
        RangeMapEntry *e;

        while ((e = range_map_first_in(c->mappings, g->bus_start,
                                       g->bus_last))) {
            ret = vfio_container_dma_unmap(c, e->start, e->last);
            if (ret) {
                error_report("vfio: window 0x%" PRIx64 ": host mappings "
                             "left after the window went away: %s",
                             g->bus_start, g_strerror(-ret));
                break;
            }
        }
    }
    if (g->host_window) {
        vfio_spapr_remove_window(c, g);
    }
    c->giommus = g_list_remove(c->giommus, g);
    error_free(g->broken);
    g_free(g);
}

void vfio_listener_init(VFIOContainer *c)
{
    c->listener = (MemoryListener) {
        .region_add = vfio_listener_region_add,
        .region_del = vfio_listener_region_del,
        .iommu_window_check = vfio_listener_window_check,
        .priority = 10,
        .name = "vfio",
    };
}
