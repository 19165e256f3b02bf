/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIO containers and groups per DMA address space, and the container's host
 * mapping state (include/hw/vfio/vfio-container.h).
 */

#include "qemu/osdep.h"
#include "hw/vfio/vfio-container.h"
#include "accel/kernel-tce.h"
#include "accel/kvm.h"
#include "trace.h"

static GList *vfio_spaces;      /* VFIOAddressSpace * */
static GList *vfio_groups;      /* VFIOGroup * (a handful per process) */

/* ---- KVM-VFIO hook --------------------------------------------------- */

static GString *kvm_stub_log;

/*
 * The record keeps its last VFIO_KVM_LOG_MAX bytes, whole entries: the
 * guest adds a link entry with every DDW it creates, and may do so for
 * ever.
 */
#define VFIO_KVM_LOG_MAX    (64 * 1024)

static void G_GNUC_PRINTF(1, 2) kvm_log(const char *fmt, ...)
{
    va_list ap;

    if (!kvm_stub_log) {
        kvm_stub_log = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf(kvm_stub_log, fmt, ap);
    va_end(ap);
    if (kvm_stub_log->len > VFIO_KVM_LOG_MAX) {
        const char *cut = strstr(kvm_stub_log->str + kvm_stub_log->len -
                                 VFIO_KVM_LOG_MAX, "; ");

        g_string_erase(kvm_stub_log, 0,
                       cut ? cut + 2 - kvm_stub_log->str : 0);
    }
}

/* The group's fd if the kernel knows it (the Linux host), else -1. */
static int vfio_group_kernel_fd(VFIOGroup *group)
{
    VFIOContainer *c = group->container;

    if (!c || !c->host_ops->group_fd) {
        return -1;
    }
    return c->host_ops->group_fd(c->host_opaque, group->groupid);
}

/* Under -accel kvm, a group with an fd goes to the real device. */
static bool kvm_real_group(VFIOGroup *group, int *fd)
{
    *fd = vfio_group_kernel_fd(group);
    return kvm_enabled() && *fd >= 0;
}

static bool kvm_default_add(void *opaque, VFIOGroup *group, Error **errp)
{
    VFIOContainer *c = group->container;
    bool real;
    int fd, ret;

    real = kvm_real_group(group, &fd);
    if (real) {
        ret = kvm_vfio_group_add(fd);
        if (ret) {
            error_setg_errno(errp, -ret, "vfio: group %d: cannot add it to "
                             "the KVM-VFIO device", group->groupid);
            return false;
        }
    }
    kvm_log("add %d (%s, listener %s%s); ", group->groupid,
            g_list_find(c->groups, group) ? "in-list" : "not-in-list",
            c->listener_on ? "on" : "off", real ? ", kvm" : "");
    return true;
}

static void kvm_default_del(void *opaque, VFIOGroup *group)
{
    int fd, ret;

    if (kvm_real_group(group, &fd)) {
        ret = kvm_vfio_group_del(fd);
        if (ret) {
            error_report("vfio: group %d: cannot delete it from the "
                         "KVM-VFIO device: %s", group->groupid,
                         g_strerror(-ret));
        }
    }
    kernel_tce_unlink_group(group->groupid);
    kvm_log("del %d; ", group->groupid);
}

/* The kernel's view of a container's host table: the backend's calls. */
static int kvm_hw_map(void *hw, uint64_t iova, uint64_t size, uint64_t vaddr,
                      uint32_t perm)
{
    return vfio_iommu_map(hw, iova, size, vaddr, perm);
}

static int kvm_hw_unmap(void *hw, uint64_t iova, uint64_t size)
{
    return vfio_iommu_unmap(hw, iova, &size);
}

static const KernelTceHwOps kvm_hw_ops = {
    .map = kvm_hw_map,
    .unmap = kvm_hw_unmap,
};

static int kvm_default_set_spapr_tce(void *opaque, VFIOGroup *group,
                                     VFIOGuestIOMMU *g, int table_fd)
{
    VFIOContainer *c = group->container;
    g_autoptr(GArray) hw = g_array_new(FALSE, TRUE, sizeof(KernelTceHwTable));
    int fd, ret;

    if (kvm_enabled()) {
        /* A soft group has no fd: the real kernel cannot link it. */
        ret = kvm_real_group(group, &fd) ?
              kvm_vfio_set_spapr_tce(fd, table_fd) : -ENXIO;
    } else {
        /* The group's host tables are its container's windows. */
        for (GList *l = c->giommus; l; l = l->next) {
            VFIOGuestIOMMU *w = l->data;
            KernelTceHwTable t = {
                .ops = &kvm_hw_ops, .hw = c->iommu, .start = w->bus_start,
                .page_shift = w->host_page_shift,
                .size = w->bus_last - w->bus_start + 1,
            };

            if (w->host_window) {
                g_array_append_val(hw, t);
            }
        }
        ret = kernel_tce_link_group(table_fd, group->groupid,
                                    (KernelTceHwTable *)hw->data, hw->len);
    }
    kvm_log("link %d 0x%" PRIx64 " -> %d; ", group->groupid, g->bus_start,
            ret);
    return ret;
}

static const VFIOKvmOps kvm_stub_ops = {
    .add_group = kvm_default_add,
    .del_group = kvm_default_del,
    .set_spapr_tce = kvm_default_set_spapr_tce,
};

static const VFIOKvmOps *kvm_ops = &kvm_stub_ops;
static void *kvm_opaque;

void vfio_kvm_set_ops(const VFIOKvmOps *ops, void *opaque)
{
    kvm_ops = ops ? ops : &kvm_stub_ops;
    kvm_opaque = ops ? opaque : NULL;
}

const char *vfio_kvm_stub_log(void)
{
    return kvm_stub_log ? kvm_stub_log->str : "";
}

void vfio_kvm_stub_log_reset(void)
{
    if (kvm_stub_log) {
        g_string_truncate(kvm_stub_log, 0);
    }
}

/* ---- host mapping state ---------------------------------------------- */

static void vfio_mapping_free(gpointer p)
{
    g_free(p);
}

/* Forget @m (already gone from the host). */
static void vfio_mapping_drop(VFIOContainer *c, hwaddr start)
{
    VFIOMapping *m = range_map_steal(c->mappings, start);

    if (m) {
        vfio_spapr_prereg_put(c, m);
        g_free(m);
    }
}

static void *vfio_mapping_split(void *opaque, RangeMapEntry *e,
                                uint64_t offset);

int vfio_container_dma_map(VFIOContainer *c, hwaddr iova, uint64_t size,
                           hwaddr gpa, uint64_t vaddr, uint32_t perm)
{
    VFIOMapping *m;
    int ret;

    if (range_map_count(c->mappings) >= c->max_mappings) {
        /* What the guest's TCEs cost here is bounded too (see the header). */
        c->stats.errors++;
        trace_vfio_container_map(iova, size, gpa, perm, -ENOSPC);
        return -ENOSPC;
    }
    c->stats.map_calls++;
    ret = vfio_iommu_map(c->iommu, iova, size, vaddr, perm);
    trace_vfio_container_map(iova, size, gpa, perm, ret);
    if (ret) {
        c->stats.errors++;
        return ret;
    }
    m = g_new0(VFIOMapping, 1);
    *m = (VFIOMapping) {
        .iova = iova, .size = size, .gpa = gpa, .vaddr = vaddr, .perm = perm,
    };
    if (range_map_insert(c->mappings, iova, iova + size - 1, m)) {
        /*
         * The host accepted an overlap: sPAPR replaces translations (type1
         * says EEXIST).  Forget the replaced parts, no host call.
         */
        RangeMapEntry *e;

        range_map_split(c->mappings, iova, vfio_mapping_split, c);
        if (iova + size) {
            range_map_split(c->mappings, iova + size, vfio_mapping_split, c);
        }
        while ((e = range_map_first_in(c->mappings, iova, iova + size - 1))) {
            vfio_mapping_drop(c, e->start);
        }
        range_map_insert(c->mappings, iova, iova + size - 1, m);
    }
    vfio_spapr_prereg_get(c, m);
    return 0;
}

/* Split callback: the upper part of a mapping cut at @offset. */
static void *vfio_mapping_split(void *opaque, RangeMapEntry *e,
                                uint64_t offset)
{
    VFIOContainer *c = opaque;
    VFIOMapping *lo = e->data;
    VFIOMapping *hi = g_new0(VFIOMapping, 1);

    *hi = (VFIOMapping) {
        .iova = lo->iova + offset,
        .size = lo->size - offset,
        .gpa = lo->gpa + offset,
        .vaddr = lo->vaddr + offset,
        .perm = lo->perm,
    };
    lo->size = offset;
    vfio_spapr_prereg_get(c, hi);
    return hi;
}

/*
 * Remove every host mapping byte in [first, last].  One host unmap call
 * (none when nothing is mapped there); mappings cut at either end are
 * split: type1v2 unmaps them whole in that call and maps the survivors
 * again.  Returns the first host error; the bookkeeping follows what the
 * host did.
 */
int vfio_container_dma_unmap(VFIOContainer *c, hwaddr first, hwaddr last)
{
    RangeMapEntry *lo = range_map_first_in(c->mappings, first, last);
    RangeMapEntry *hi;
    VFIOMapping left = { 0 }, right = { 0 };
    hwaddr ufirst, ulast;
    unsigned nsplits;
    uint64_t size;
    int ret = 0;

    if (!lo) {
        return 0;
    }
    hi = range_map_lookup(c->mappings, last);
    if (!hi) {
        /* the last mapping meeting the span ends before @last */
        RangeMapEntry *e = lo, *next;

        while ((next = range_map_next(c->mappings, e)) &&
               next->start <= last) {
            e = next;       /* bounded by the mappings being removed */
        }
        hi = e;
    }
    /* mappings cut: one per mapping, even when cut at both ends */
    nsplits = (lo->start < first) + (hi->last > last);
    if (nsplits == 2 && lo == hi) {
        nsplits = 1;
    }
    if (c->type == VFIO_IOMMU_TYPE1V2) {
        ufirst = lo->start;
        ulast = hi->last;
        if (lo->start < first) {
            left = *(VFIOMapping *)lo->data;
            left.size = first - lo->start;
        }
        if (hi->last > last) {
            right = *(VFIOMapping *)hi->data;
            right.iova = last + 1;
            right.gpa += last + 1 - hi->start;
            right.vaddr += last + 1 - hi->start;
            right.size = hi->last - last;
        }
    } else {
        ufirst = MAX(first, lo->start);
        ulast = MIN(last, hi->last);
    }

    size = ulast - ufirst + 1;
    c->stats.unmap_calls++;
    ret = vfio_iommu_unmap(c->iommu, ufirst, &size);
    trace_vfio_container_unmap(ufirst, ulast - ufirst + 1, ret);
    if (ret) {
        c->stats.errors++;
        return ret;
    }
    if (c->type == VFIO_IOMMU_TYPE1V2) {
        /* type1v2 says how much it unmapped: whole mappings, ours. */
        uint64_t expected = 0;

        for (RangeMapEntry *e = range_map_first_in(c->mappings, ufirst,
                                                   ulast);
             e && e->start <= ulast; e = range_map_next(c->mappings, e)) {
            expected += e->last - e->start + 1;
        }
        if (size != expected) {
            error_report("vfio: the host unmapped 0x%" PRIx64 " bytes in "
                         "[0x%" PRIx64 ", 0x%" PRIx64 "], the container "
                         "had 0x%" PRIx64 " mapped there", size, ufirst,
                         ulast, expected);
            trace_vfio_container_unmap_mismatch(ufirst, ulast, size,
                                                expected);
            c->stats.errors++;
            ret = -EIO;     /* the caller resynchronises */
        }
    }

    if (c->type != VFIO_IOMMU_TYPE1V2) {
        if (lo->start < ufirst) {
            range_map_split(c->mappings, ufirst, vfio_mapping_split, c);
        }
        if (range_map_lookup(c->mappings, ulast) &&
            range_map_lookup(c->mappings, ulast)->last > ulast) {
            range_map_split(c->mappings, ulast + 1, vfio_mapping_split, c);
        }
    }
    c->stats.splits += nsplits;
    /* Drop every entry inside [ufirst, ulast]. */
    while ((lo = range_map_first_in(c->mappings, ufirst, ulast))) {
        vfio_mapping_drop(c, lo->start);
    }
    if (left.size) {
        int r = vfio_container_dma_map(c, left.iova, left.size, left.gpa,
                                       left.vaddr, left.perm);
        ret = ret ? ret : r;
    }
    if (right.size) {
        int r = vfio_container_dma_map(c, right.iova, right.size, right.gpa,
                                       right.vaddr, right.perm);
        ret = ret ? ret : r;
    }
    return ret;
}

int vfio_container_host_map(VFIOContainer *c, hwaddr iova, uint64_t size,
                            uint64_t vaddr, uint32_t perm)
{
    int ret;

    c->stats.map_calls++;
    ret = vfio_iommu_map(c->iommu, iova, size, vaddr, perm);
    trace_vfio_container_map(iova, size, 0, perm, ret);
    if (ret) {
        c->stats.errors++;
    }
    return ret;
}

int vfio_container_host_unmap(VFIOContainer *c, hwaddr first, hwaddr last)
{
    uint64_t size = last - first + 1;
    int ret;

    c->stats.unmap_calls++;
    ret = vfio_iommu_unmap(c->iommu, first, &size);
    trace_vfio_container_unmap(first, last - first + 1, ret);
    if (ret) {
        c->stats.errors++;
    }
    return ret;
}

bool vfio_container_link_window(VFIOContainer *c, VFIOGuestIOMMU *g)
{
    int table_fd;

    if (!kernel_tce_links_vfio() ||
        memory_region_iommu_get_attr(g->iommu_mr, IOMMU_ATTR_SPAPR_TCE_FD,
                                     &table_fd)) {
        return false;   /* no kernel link, or the table is user space's */
    }
    for (GList *l = c->groups; l; l = l->next) {
        VFIOGroup *group = l->data;
        int ret = kvm_ops->set_spapr_tce ?
                  kvm_ops->set_spapr_tce(kvm_opaque, group, g, table_fd) :
                  -ENXIO;

        trace_vfio_container_link(group->groupid, g->bus_start, ret);
        if (ret) {
            return false;
        }
    }
    return true;
}

/* Link a group joining @c to each of its linked windows. */
static bool vfio_group_link_windows(VFIOGroup *group, VFIOContainer *c,
                                    Error **errp)
{
    for (GList *l = c->giommus; l; l = l->next) {
        VFIOGuestIOMMU *g = l->data;
        int table_fd, ret;

        if (!vfio_giommu_kernel_linked(g)) {
            continue;
        }
        if (memory_region_iommu_get_attr(g->iommu_mr, IOMMU_ATTR_SPAPR_TCE_FD,
                                         &table_fd)) {
            /* The table left the kernel for another consumer: no link. */
            Error *err = NULL;

            if (!vfio_giommu_unlink(g, &err)) {
                error_report_err(err);
            }
            continue;
        }
        ret = kvm_ops->set_spapr_tce ?
              kvm_ops->set_spapr_tce(kvm_opaque, group, g, table_fd) : -ENXIO;
        trace_vfio_container_link(group->groupid, g->bus_start, ret);
        if (ret) {
            error_setg_errno(errp, -ret, "vfio: group %d cannot be linked to "
                             "the kernel TCE table of window 0x%" PRIx64,
                             group->groupid, g->bus_start);
            return false;
        }
    }
    return true;
}

/* Linked, and its table is still the kernel's (not moved out since). */
static bool vfio_giommu_linked_now(VFIOGuestIOMMU *g)
{
    int fd;

    return vfio_giommu_kernel_linked(g) &&
           !memory_region_iommu_get_attr(g->iommu_mr, IOMMU_ATTR_SPAPR_TCE_FD,
                                         &fd);
}

static int vfio_mapping_collect(void *opaque, RangeMapEntry *e)
{
    VFIOMapping m = *(VFIOMapping *)e->data;

    m.prereg = NULL;
    g_array_append_val((GArray *)opaque, m);
    return 0;
}

GArray *vfio_container_get_mappings(VFIOContainer *c)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(VFIOMapping));

    range_map_foreach(c->mappings, 0, UINT64_MAX, vfio_mapping_collect, a);
    return a;
}

static gint vfio_window_cmp(gconstpointer a, gconstpointer b)
{
    const VFIOWindowInfo *x = a, *y = b;

    return x->bus_start < y->bus_start ? -1 : x->bus_start > y->bus_start;
}

GArray *vfio_container_get_windows(VFIOContainer *c)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(VFIOWindowInfo));

    for (GList *l = c->giommus; l; l = l->next) {
        VFIOGuestIOMMU *g = l->data;
        VFIOWindowInfo w = {
            .name = memory_region_name(MEMORY_REGION_OF_IOMMU(g->iommu_mr)),
            .bus_start = g->bus_start,
            .size = g->bus_last - g->bus_start + 1,
            .tce_page_shift = g->page_shift,
            .host_window = g->host_window,
            .host_page_shift = g->host_page_shift,
            .levels = g->levels,
            .broken = g->broken != NULL,
            .error = g->broken ? error_get_pretty(g->broken) : NULL,
            .kernel_linked = vfio_giommu_linked_now(g),
            .tracked = !g->untracked,
        };
        g_array_append_val(a, w);
    }
    g_array_sort(a, vfio_window_cmp);
    return a;
}

VFIOContainerStats vfio_container_get_stats(VFIOContainer *c)
{
    return c->stats;
}

void vfio_container_reset_stats(VFIOContainer *c)
{
    c->stats = (VFIOContainerStats) { 0 };
}

void vfio_container_set_max_mappings(VFIOContainer *c, unsigned max)
{
    c->max_mappings = max;
}

void vfio_container_set_coalescing(VFIOContainer *c, bool on)
{
    c->no_coalesce = !on;
}

/* ---- address spaces --------------------------------------------------- */

static VFIOAddressSpace *vfio_space_find(AddressSpace *as)
{
    for (GList *l = vfio_spaces; l; l = l->next) {
        VFIOAddressSpace *s = l->data;

        if (s->as == as) {
            return s;
        }
    }
    return NULL;
}

GList *vfio_address_space_containers(AddressSpace *as)
{
    VFIOAddressSpace *s = vfio_space_find(as);

    return s ? s->containers : NULL;
}

void vfio_container_foreach(void (*fn)(VFIOContainer *c, void *opaque),
                            void *opaque)
{
    for (GList *l = vfio_spaces; l; l = l->next) {
        VFIOAddressSpace *s = l->data;

        for (GList *k = s->containers; k; k = k->next) {
            fn(k->data, opaque);
        }
    }
}

/* ---- containers ------------------------------------------------------- */

static void vfio_group_leave(VFIOGroup *group);

/*
 * Release @c: listener off, every host mapping unmapped, windows and
 * pre-registrations gone, and only then @leaving (its last group, or one
 * that was attached to the host context but not yet listed) detached: on
 * a real host the IOMMU driver goes with the last group, so nothing could
 * be unmapped after it.  Then the owner is told and the context released.
 */
static void vfio_container_free(VFIOContainer *c, VFIOGroup *leaving)
{
    VFIOAddressSpace *s = c->space;

    if (c->listener_on) {
        memory_listener_unregister(&c->listener);
        c->listener_on = false;
    }
    /* Whatever a failed region_del left: one call per mapping. */
    while (range_map_count(c->mappings)) {
        RangeMapEntry *e = range_map_first_in(c->mappings, 0, UINT64_MAX);
        hwaddr start = e->start;

        if (vfio_container_dma_unmap(c, e->start, e->last)) {
            vfio_mapping_drop(c, start);    /* release drops it anyway */
        }
    }
    vfio_spapr_container_teardown(c);
    if (leaving && g_list_find(c->groups, leaving)) {
        vfio_group_leave(leaving);
    } else if (leaving && leaving->container == c) {
        if (c->host_ops->unset_container) {
            c->host_ops->unset_container(c->host_opaque, leaving->groupid,
                                         c->iommu);
        }
        leaving->container = NULL;
    }
    trace_vfio_container_release(c->stats.map_calls, c->stats.unmap_calls,
                                 c->stats.splits, c->stats.errors);
    if (c->host_ops->released) {
        c->host_ops->released(c->host_opaque, c);
    }
    vfio_iommu_release(c->iommu);
    range_map_free(c->mappings);
    range_map_free(c->prereg);
    error_free(c->error);
    s->containers = g_list_remove(s->containers, c);
    if (!s->containers) {
        vfio_spaces = g_list_remove(vfio_spaces, s);
        g_free(s);
    }
    g_free(c);
}

static bool vfio_container_set_type(VFIOContainer *c, Error **errp)
{
    static const VFIOIOMMUType types[] = {
        VFIO_IOMMU_TYPE1V2, VFIO_IOMMU_SPAPR_TCE_V2,
    };
    int ret = -ENODEV;

    for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
        ret = vfio_iommu_setup(c->iommu, types[i]);
        if (ret == 0) {
            c->type = types[i];
            break;
        }
        if (ret != -ENODEV) {
            break;
        }
    }
    if (ret) {
        error_setg_errno(errp, -ret, "vfio: the %s host offers no supported "
                         "IOMMU type (type1v2, sPAPR TCE v2)",
                         c->host_ops->name);
        return false;
    }
    ret = vfio_iommu_info(c->iommu, &c->info);
    if (ret) {
        error_setg_errno(errp, -ret, "vfio: cannot read the host IOMMU info");
        return false;
    }
    return true;
}

static void vfio_group_leave(VFIOGroup *group)
{
    VFIOContainer *c = group->container;

    kvm_ops->del_group(kvm_opaque, group);
    c->groups = g_list_remove(c->groups, group);
    if (c->host_ops->unset_container) {
        c->host_ops->unset_container(c->host_opaque, group->groupid,
                                     c->iommu);
    }
    group->container = NULL;
}

/* Try existing containers of @s; true if @group joined one. */
static bool vfio_group_join_existing(VFIOGroup *group, VFIOAddressSpace *s,
                                     const VFIOHostOps *ops, void *opaque,
                                     Error **errp)
{
    for (GList *l = s->containers; l; l = l->next) {
        VFIOContainer *c = l->data;
        int ret;

        if (c->host_ops != ops || c->host_opaque != opaque) {
            continue;       /* another host: its contexts are not ours */
        }
        ret = ops->set_container(opaque, group->groupid, c->iommu);
        trace_vfio_group_join(group->groupid, ret);
        if (ret) {
            continue;       /* refused (sPAPR: EPERM), try the next one */
        }
        group->container = c;
        c->groups = g_list_append(c->groups, group);
        if (!kvm_ops->add_group(kvm_opaque, group, errp)) {
            c->groups = g_list_remove(c->groups, group);
            if (ops->unset_container) {
                ops->unset_container(opaque, group->groupid, c->iommu);
            }
            group->container = NULL;
            return false;
        }
        if (!vfio_group_link_windows(group, c, errp)) {
            vfio_group_leave(group);
            if (c->type == VFIO_IOMMU_SPAPR_TCE_V2) {
                vfio_listener_replay_windows(c);    /* the detach cleared */
            }
            return false;
        }
        return true;
    }
    return true;
}

static bool vfio_group_new_container(VFIOGroup *group, AddressSpace *as,
                                     const VFIOHostOps *ops, void *opaque,
                                     Error **errp)
{
    VFIOAddressSpace *s = vfio_space_find(as);
    VFIOContainer *c;
    VFIOIOMMU *iommu;
    int ret;

    iommu = ops->open_iommu(opaque, errp);
    if (!iommu) {
        return false;
    }
    if (!s) {
        s = g_new0(VFIOAddressSpace, 1);
        s->as = as;
        vfio_spaces = g_list_append(vfio_spaces, s);
    }
    c = g_new0(VFIOContainer, 1);
    c->space = s;
    c->host_ops = ops;
    c->host_opaque = opaque;
    c->iommu = iommu;
    c->mappings = range_map_new(vfio_mapping_free);
    c->prereg = range_map_new(g_free);
    c->ram_page_size = (uint64_t)sysconf(_SC_PAGESIZE);
    c->max_mappings = VFIO_CONTAINER_MAX_MAPPINGS;
    s->containers = g_list_append(s->containers, c);
    trace_vfio_container_new(group->groupid, ops->name);

    ret = ops->set_container(opaque, group->groupid, iommu);
    if (ret) {
        error_setg_errno(errp, -ret, "vfio: group %d cannot be attached to "
                         "a new container", group->groupid);
        goto fail;
    }
    group->container = c;
    if (!vfio_container_set_type(c, errp)) {
        goto fail;
    }
    if (c->type == VFIO_IOMMU_SPAPR_TCE_V2 &&
        !vfio_spapr_container_setup(c, errp)) {
        goto fail;
    }
    /* Group in the list and known to KVM before the listener runs. */
    c->groups = g_list_append(c->groups, group);
    if (!kvm_ops->add_group(kvm_opaque, group, errp)) {
        c->groups = g_list_remove(c->groups, group);
        goto fail;
    }
    vfio_listener_init(c);
    memory_listener_register(&c->listener, as);
    c->listener_on = true;
    if (c->error) {
        error_propagate(errp, c->error);
        c->error = NULL;
        vfio_container_free(c, group);
        return false;
    }
    c->initialized = true;
    return true;

fail:
    vfio_container_free(c, group);
    return false;
}

VFIOGroup *vfio_group_find(int groupid)
{
    for (GList *l = vfio_groups; l; l = l->next) {
        VFIOGroup *g = l->data;

        if (g->groupid == groupid) {
            return g;
        }
    }
    return NULL;
}

VFIOGroup *vfio_group_get(int groupid, AddressSpace *as,
                          const VFIOHostOps *ops, void *opaque, Error **errp)
{
    VFIOGroup *group = vfio_group_find(groupid);
    VFIOAddressSpace *s;

    if (group) {
        if (group->container->space->as != as) {
            error_setg(errp, "group %d used in multiple address spaces",
                       groupid);
            return NULL;
        }
        if (group->container->host_ops != ops ||
            group->container->host_opaque != opaque) {
            error_setg(errp, "group %d belongs to another VFIO host", groupid);
            return NULL;
        }
        group->refs++;
        return group;
    }
    group = g_new0(VFIOGroup, 1);
    group->groupid = groupid;
    group->refs = 1;

    s = vfio_space_find(as);
    if (s && !vfio_group_join_existing(group, s, ops, opaque, errp)) {
        g_free(group);
        return NULL;
    }
    if (!group->container &&
        !vfio_group_new_container(group, as, ops, opaque, errp)) {
        g_free(group);
        return NULL;
    }
    vfio_groups = g_list_append(vfio_groups, group);
    trace_vfio_group_get(groupid, group->container->groups->data == group);
    return group;
}

void vfio_group_put(VFIOGroup *group)
{
    VFIOContainer *c;

    if (!group || --group->refs) {
        return;
    }
    c = group->container;
    trace_vfio_group_put(group->groupid, g_list_length(c->groups) == 1);
    vfio_groups = g_list_remove(vfio_groups, group);
    if (g_list_length(c->groups) == 1) {
        /* Last group: the container goes, the group leaves last. */
        vfio_container_free(c, group);
    } else {
        vfio_group_leave(group);
        /*
         * sPAPR v2: the host cleared the shared tables on the detach
         * (docs/specs/linux-interfaces.md §4.9); the others need them back.
         */
        if (c->type == VFIO_IOMMU_SPAPR_TCE_V2) {
            vfio_listener_replay_windows(c);
        }
    }
    g_free(group);
}
