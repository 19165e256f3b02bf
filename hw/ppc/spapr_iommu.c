/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sPAPR TCE tables: the guest-view IOMMU of each DMA window, its IOMMU
 * memory region, and the TCE hypercalls H_PUT_TCE, H_GET_TCE, H_STUFF_TCE
 * and H_PUT_TCE_INDIRECT.
 *
 * Every hypercall validates all of its arguments before it changes anything
 * (as Linux's book3s_64_vio.c does), so a rejected call leaves the table and
 * every consumer as they were.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/ppc/spapr_iommu.h"
#include "accel/kernel-tce.h"
#include "trace.h"

#define TCE_PERM(tce)   ((IOMMUAccessFlags)((tce) & SPAPR_TCE_PERM_MASK))

/* The storage limit the machine's tables share. */
static SpaprTceBudget *spapr_tce_budget(SpaprTceTable *tcet)
{
    return tcet->spapr ? &tcet->spapr->tce_budget : NULL;
}

static uint64_t tce_page_mask(const SpaprTceTable *tcet)
{
    return (1ULL << tcet->page_shift) - 1;
}

/* ---- Events as aligned power-of-two blocks ------------------------- */

/*
 * How a call keeps the guest view and every consumer in sync (the contract
 * is in include/hw/ppc/spapr_iommu.h and docs/user/tce-hypercalls.md):
 *
 *   - entries are applied in index order; an entry that a consumer fails to
 *     map is cleared in the table and in every consumer, the call stops
 *     there (later entries untouched) and returns H_HARDWARE, as Linux's
 *     in-kernel handler does (docs/specs/linux-interfaces.md §2.3);
 *   - a consumer that fails where it is told to forget a mapping (an UNMAP,
 *     or the end of a batch, where a consumer may flush merged runs) can no
 *     longer be trusted: after the call it is resynchronised, i.e. told to
 *     unmap the whole window and given a replay of the table.  A failed
 *     resynchronisation is reported (error_report, trace, and the table's
 *     resync-failures counter) and the call still returns H_HARDWARE.
 */
typedef enum TcePhase {
    TCE_PHASE_MAP,      /* a failure clears the entry being mapped */
    TCE_PHASE_FORGET,   /* a failure makes the consumer resynchronise */
} TcePhase;

typedef struct TceCall {
    SpaprTceTable *tcet;
    bool notify;            /* consumers are registered */
    bool batch;             /* a batch is open on the region */
    TcePhase phase;
    int err;                /* first consumer error of the call */
    GPtrArray *resync;      /* consumers to resynchronise after the call */
} TceCall;

typedef int (*TceEventFn)(SpaprTceTable *tcet, const IOMMUTLBEvent *ev,
                          void *opaque);

static void spapr_tce_call_failed(IOMMUNotifier *n, int err, void *opaque)
{
    TceCall *c = opaque;

    if (!c->err) {
        c->err = err;
    }
    if (c->phase == TCE_PHASE_FORGET) {
        if (!c->resync) {
            c->resync = g_ptr_array_new();
        }
        if (!g_ptr_array_find(c->resync, n, NULL)) {
            g_ptr_array_add(c->resync, n);
        }
    }
}

/* Event sink: every consumer, failures recorded in the call. */
static int spapr_tce_notify_all(SpaprTceTable *tcet, const IOMMUTLBEvent *ev,
                                void *opaque)
{
    return memory_region_notify_iommu_report(&tcet->iommu, 0, ev,
                                             spapr_tce_call_failed, opaque);
}

/*
 * Event sink for events that every consumer must get whatever the others
 * do (unmapping a range): failures are recorded in the call, never stop
 * the delivery.
 */
static int spapr_tce_notify_all_go_on(SpaprTceTable *tcet,
                                      const IOMMUTLBEvent *ev, void *opaque)
{
    spapr_tce_notify_all(tcet, ev, opaque);
    return 0;
}

/* Event sink: one consumer (replay, resynchronisation). */
static int spapr_tce_notify_one(SpaprTceTable *tcet, const IOMMUTLBEvent *ev,
                                void *opaque)
{
    return memory_region_notify_iommu_one(opaque, ev);
}

/*
 * Largest order k such that 2^k entries fit in @left and both @align_a and
 * @align_b (page numbers) are multiples of 2^k.
 */
static unsigned tce_block_order(uint64_t align_a, uint64_t align_b,
                                uint64_t left)
{
    uint64_t align = align_a | align_b;
    unsigned order = 63 - __builtin_clzll(left);

    if (align) {
        order = MIN(order, (unsigned)__builtin_ctzll(align));
    }
    return order;
}

/* addr_mask of a block of 2^@order entries (2^64 - 1 for all of it). */
static uint64_t tce_block_mask(const SpaprTceTable *tcet, unsigned order)
{
    unsigned shift = tcet->page_shift + order;

    return shift >= 64 ? UINT64_MAX : (1ULL << shift) - 1;
}

/*
 * MAP a run of valid entries as aligned power-of-two blocks: a run whose
 * addresses advance with the index is cut into the largest blocks aligned
 * both in IOVA and in guest physical address, so a direct map costs
 * O(log) events; entries of a run of one repeated value each map the same
 * page and are delivered one by one.  Stops at the first error of @fn.
 */
static int spapr_tce_map_run(SpaprTceTable *tcet, const SpaprTceRun *run,
                             TceEventFn fn, void *opaque)
{
    uint64_t gpa_pfn = run->tce >> tcet->page_shift;
    IOMMUTLBEvent ev = { .type = IOMMU_NOTIFIER_MAP };
    uint64_t done = 0;

    while (done < run->count) {
        uint64_t index = run->index + done;
        uint64_t pfn = run->advance ? gpa_pfn + done : gpa_pfn;
        unsigned order = run->advance ?
            tce_block_order(index, pfn, run->count - done) : 0;
        int ret;

        ev.entry = (IOMMUTLBEntry) {
            .target_as = &address_space_memory,
            .iova = index << tcet->page_shift,
            .translated_addr = pfn << tcet->page_shift,
            .addr_mask = tce_block_mask(tcet, order),
            .perm = TCE_PERM(run->tce),
        };
        ret = fn(tcet, &ev, opaque);
        if (ret) {
            return ret;
        }
        done += 1ULL << order;
    }
    return 0;
}

/* UNMAP entries [index, index + count) as aligned power-of-two blocks. */
static int spapr_tce_unmap_span(SpaprTceTable *tcet, uint64_t index,
                                uint64_t count, TceEventFn fn, void *opaque)
{
    IOMMUTLBEvent ev = { .type = IOMMU_NOTIFIER_UNMAP };

    while (count) {
        unsigned order = tce_block_order(index, 0, count);
        int ret;

        ev.entry = (IOMMUTLBEntry) {
            .target_as = &address_space_memory,
            .iova = index << tcet->page_shift,
            .addr_mask = tce_block_mask(tcet, order),
            .perm = IOMMU_NONE,
        };
        ret = fn(tcet, &ev, opaque);
        if (ret) {
            return ret;
        }
        index += 1ULL << order;
        count -= 1ULL << order;
    }
    return 0;
}

/* ---- IOMMU region ------------------------------------------------------ */

static IOMMUTLBEntry spapr_tce_entry(SpaprTceTable *tcet, uint64_t index,
                                     uint64_t tce, IOMMUAccessFlags perm)
{
    uint64_t mask = tce_page_mask(tcet);

    return (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = index << tcet->page_shift,
        .translated_addr = tce & ~mask,
        .addr_mask = mask,
        .perm = perm,
    };
}

/*
 * @addr is relative to the window start.  No shortcut under qtest: the
 * translation is always the table's (QEMU 2025 maps 1:1 under qtest).
 */
static IOMMUTLBEntry spapr_tce_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                         IOMMUAccessFlags flag, int iommu_idx)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);
    IOMMUTLBEntry entry = {
        .target_as = &address_space_memory,
        .addr_mask = ~0ULL,
        .perm = IOMMU_NONE,
    };
    uint64_t index;
    uint64_t tce;

    if (!spapr_tce_table_enabled(tcet)) {
        return entry;
    }
    index = addr >> tcet->page_shift;
    if (index >= tcet->nb_table) {
        return entry;
    }
    tce = spapr_tce_storage_get(tcet->storage, index);
    entry = spapr_tce_entry(tcet, index, tce, TCE_PERM(tce));
    trace_spapr_tce_translate(tcet->liobn, addr, entry.translated_addr,
                              entry.perm);
    return entry;
}

typedef struct TceReplay {
    SpaprTceTable *tcet;
    IOMMUNotifier *n;
} TceReplay;

static int spapr_tce_replay_run(void *opaque, const SpaprTceRun *run)
{
    TceReplay *r = opaque;

    return spapr_tce_map_run(r->tcet, run, spapr_tce_notify_one, r->n);
}

/*
 * Replay visits the valid runs only: O(runs in use), whatever the window
 * size, and a run whose addresses advance with the index goes out as
 * aligned power-of-two blocks.  A window that was just created is empty,
 * so its replay costs nothing and needs no "skip replay" flag.  MAP events
 * only; the first notifier error stops the walk and is returned
 * (memory_region_iommu_replay() brackets this in one batch for @n).
 */
static int spapr_tce_replay(IOMMUMemoryRegion *iommu, IOMMUNotifier *n)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);
    TceReplay r = { .tcet = tcet, .n = n };
    uint64_t first, last;
    int ret;

    if (!spapr_tce_table_enabled(tcet)) {
        return 0;
    }
    first = n->start >> tcet->page_shift;
    if (first >= tcet->nb_table) {
        return 0;
    }
    last = MIN(n->end >> tcet->page_shift, (uint64_t)tcet->nb_table - 1);
    trace_spapr_tce_replay(tcet->liobn,
                           spapr_tce_storage_count_valid(tcet->storage));
    ret = spapr_tce_storage_for_each_run(tcet->storage, first, last,
                                         SPAPR_TCE_WALK_VALID,
                                         spapr_tce_replay_run, &r);
    if (ret) {
        trace_spapr_tce_replay_failed(tcet->liobn, ret);
    }
    return ret;
}

static bool spapr_tce_table_follow_need_vfio(SpaprTceTable *tcet,
                                             bool need_vfio, bool all_linked,
                                             Error **errp);

/*
 * need_vfio follows notifier registration, as in QEMU: the first
 * notifier sets it, removing the last clears it.  A kernel-owned table
 * moves to user space before a notifier that is not linked to it is in
 * (the kernel would write entries behind its back: IOMMU_NOTIFIER_NEEDS_USER
 * in the flags); if it cannot (the machine's storage limit), the notifier
 * is refused rather than left blind.  Notifiers that are all linked to the
 * kernel's table (KVM-VFIO SET_SPAPR_TCE, level vfio) leave it there.
 * Device-IOTLB invalidation is not something a TCE table can provide.
 */
static int spapr_tce_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                         IOMMUNotifierFlag old,
                                         IOMMUNotifierFlag new, Error **errp)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);
    bool need_vfio = new != IOMMU_NOTIFIER_NONE;
    bool user_now = new & IOMMU_NOTIFIER_NEEDS_USER;
    bool user_before = old & IOMMU_NOTIFIER_NEEDS_USER;
    Error *err = NULL;

    if (new & IOMMU_NOTIFIER_DEVIOTLB_UNMAP) {
        error_setg(errp, "spapr-tce-table 0x%x does not support dev-iotlb "
                   "notifiers", tcet->liobn);
        return -EINVAL;
    }
    if (need_vfio == tcet->need_vfio && user_now == user_before) {
        return 0;
    }
    if (!spapr_tce_table_follow_need_vfio(tcet, need_vfio, !user_now, &err)) {
        if (user_now && !user_before) {
            error_propagate(errp, err);
            return -ENOSPC;
        }
        /* Staying in user space costs the fast path, nothing else. */
        trace_spapr_tce_kernel_refused(tcet->liobn, -ENOSPC);
        error_free(err);
    }
    if (need_vfio != tcet->need_vfio) {
        tcet->need_vfio = need_vfio;
        trace_spapr_tce_need_vfio(tcet->liobn, tcet->need_vfio);
    }
    return 0;
}

/* IOMMU_ATTR_SPAPR_TCE_FD: the kernel table's fd, while it is the owner. */
static int spapr_tce_get_attr(IOMMUMemoryRegion *iommu,
                              IOMMUMemoryRegionAttr attr, void *data)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);
    int fd;

    if (attr != IOMMU_ATTR_SPAPR_TCE_FD || !tcet->storage ||
        !spapr_tce_storage_is_kernel(tcet->storage)) {
        return -EINVAL;
    }
    fd = spapr_tce_storage_kernel_fd(tcet->storage);
    if (fd < 0) {
        return -EINVAL;
    }
    *(int *)data = fd;
    return 0;
}

static uint64_t spapr_tce_get_min_page_size(IOMMUMemoryRegion *iommu)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);

    return 1ULL << tcet->page_shift;
}

static const IOMMUMemoryRegionOps spapr_iommu_ops = {
    .name = "spapr-iommu-memory-region",
    .translate = spapr_tce_translate,
    .replay = spapr_tce_replay,
    .notify_flag_changed = spapr_tce_notify_flag_changed,
    .get_min_page_size = spapr_tce_get_min_page_size,
    .get_attr = spapr_tce_get_attr,
};

/* ---- Table life cycle -------------------------------------------------- */

/* Leaving the machine: window off, LIOBN free for reuse. */
static void spapr_tce_table_unrealize(DeviceState *dev)
{
    SpaprTceTable *tcet = SPAPR_TCE_TABLE(dev);

    spapr_tce_table_disable(tcet);
    if (tcet->spapr) {
        g_hash_table_remove(tcet->spapr->tce_tables,
                            GUINT_TO_POINTER(tcet->liobn));
        tcet->spapr = NULL;
    }
}

static void spapr_tce_table_instance_finalize(Object *obj)
{
    SpaprTceTable *tcet = SPAPR_TCE_TABLE(obj);

    /* Tables are made by spapr_tce_new_table(), which inits both regions;
     * finalize tolerates regions that were never initialized. */
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&tcet->iommu));
    memory_region_finalize(&tcet->root);
}

static void spapr_tce_table_reset(DeviceState *dev)
{
    spapr_tce_table_clear(SPAPR_TCE_TABLE(dev));
}

static void spapr_tce_table_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->unrealize = spapr_tce_table_unrealize;
    device_class_set_legacy_reset(dc, spapr_tce_table_reset);
    dc->user_creatable = false;
    dc->desc = "sPAPR TCE table (guest-view IOMMU of one DMA window)";
}

static const TypeInfo spapr_tce_table_info = {
    .name = TYPE_SPAPR_TCE_TABLE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(SpaprTceTable),
    .instance_finalize = spapr_tce_table_instance_finalize,
    .class_init = spapr_tce_table_class_init,
};

static void spapr_tce_register_types(void)
{
    type_register_static(&spapr_tce_table_info);
}

type_init(spapr_tce_register_types)

SpaprTceTable *spapr_tce_new_table(SpaprMachineState *spapr,
                                   DeviceState *owner, uint32_t liobn,
                                   Error **errp)
{
    g_autofree char *child = NULL;
    g_autofree char *root_name = NULL;
    g_autofree char *iommu_name = NULL;
    SpaprTceTable *tcet;

    if (g_hash_table_contains(spapr->tce_tables, GUINT_TO_POINTER(liobn))) {
        error_setg(errp, "a TCE table with LIOBN 0x%x already exists", liobn);
        return NULL;
    }
    tcet = SPAPR_TCE_TABLE(object_new(TYPE_SPAPR_TCE_TABLE));
    tcet->liobn = liobn;
    tcet->spapr = spapr;
    root_name = g_strdup_printf("tce-root-%x", liobn);
    iommu_name = g_strdup_printf("tce-iommu-%x", liobn);
    memory_region_init(&tcet->root, OBJECT(tcet), root_name, UINT64_MAX);
    memory_region_init_iommu(&tcet->iommu, OBJECT(tcet), &spapr_iommu_ops,
                             iommu_name, 0);
    child = g_strdup_printf("tce-table-%x", liobn);
    object_property_add_child(OBJECT(owner), child, OBJECT(tcet));
    object_unref(OBJECT(tcet));
    if (!qdev_realize(DEVICE(tcet), NULL, errp)) {
        object_unparent(OBJECT(tcet));
        return NULL;
    }
    g_hash_table_insert(spapr->tce_tables, GUINT_TO_POINTER(liobn), tcet);
    trace_spapr_tce_new_table(liobn);
    return tcet;
}

void spapr_tce_table_destroy(SpaprTceTable *tcet)
{
    object_unparent(OBJECT(tcet));
}

SpaprTceTable *spapr_tce_find_by_liobn(SpaprMachineState *spapr,
                                       target_ulong liobn)
{
    if (liobn >> 32) {
        return NULL;
    }
    return g_hash_table_lookup(spapr->tce_tables,
                               GUINT_TO_POINTER((uint32_t)liobn));
}

/* The table's own rules; *@last_off: the window's last byte offset. */
static bool spapr_tce_table_geometry_ok(SpaprTceTable *tcet,
                                        uint32_t page_shift,
                                        uint64_t bus_offset, uint32_t nb_table,
                                        bool replaces, uint64_t *last_off,
                                        Error **errp)
{
    uint64_t size;

    if (spapr_tce_table_enabled(tcet) && !replaces) {
        error_setg(errp, "TCE table 0x%x is already enabled", tcet->liobn);
        return false;
    }
    if (!nb_table || page_shift < SPAPR_TCE_PAGE_SHIFT || page_shift > 63) {
        error_setg(errp, "TCE table 0x%x: invalid geometry (%u entries of "
                   "2^%u bytes)", tcet->liobn, nb_table, page_shift);
        return false;
    }
    if ((nb_table - 1ULL) > (UINT64_MAX >> page_shift)) {
        error_setg(errp, "TCE table 0x%x: window larger than 2^64 bytes",
                   tcet->liobn);
        return false;
    }
    size = ((uint64_t)nb_table - 1) << page_shift | ((1ULL << page_shift) - 1);
    if (bus_offset & ((1ULL << page_shift) - 1) || bus_offset + size < bus_offset) {
        error_setg(errp, "TCE table 0x%x: window at 0x%" PRIx64 " is misaligned "
                   "or wraps past 2^64", tcet->liobn, bus_offset);
        return false;
    }
    *last_off = size;
    return true;
}

bool spapr_tce_table_check_window(SpaprTceTable *tcet, uint32_t page_shift,
                                  uint64_t bus_offset, uint32_t nb_table,
                                  bool replaces_all, Error **errp)
{
    uint64_t size;

    /* (with @replaces_all the table itself is disabled first) */
    if (!spapr_tce_table_geometry_ok(tcet, page_shift, bus_offset, nb_table,
                                     replaces_all, &size, errp)) {
        return false;
    }
    if (!memory_region_iommu_check_window(&tcet->root, bus_offset,
                                          &tcet->iommu, size + 1,
                                          1ULL << page_shift, replaces_all,
                                          errp)) {
        trace_spapr_tce_table_refused(tcet->liobn, bus_offset, page_shift,
                                      nb_table);
        return false;
    }
    return true;
}

bool spapr_tce_table_enable(SpaprTceTable *tcet, uint32_t page_shift,
                            uint64_t bus_offset, uint32_t nb_table,
                            Error **errp)
{
    return spapr_tce_table_check_window(tcet, page_shift, bus_offset,
                                        nb_table, false, errp) &&
           spapr_tce_table_enable_forced(tcet, page_shift, bus_offset,
                                         nb_table, errp);
}

/* ---- Storage owners: user space or the kernel fast path --------------- */

/*
 * A kernel table for the enabled window, or NULL (level off, or the kernel
 * refused: then the table lives in user space and says why in a trace).
 * Fresh: nothing can have reached it, so moving it away again is free.
 */
static bool spapr_tce_kernel_room(SpaprTceTable *tcet)
{
    SpaprTceBudget *b = spapr_tce_budget(tcet);
    uint64_t need = spapr_tce_storage_kernel_map_len(tcet->nb_table);

    return !b || !b->limit ||
           (b->used <= b->limit && need <= b->limit - b->used);
}

/* Charge (or give back) a kernel storage's mapping to the machine budget. */
static void spapr_tce_kernel_charge(SpaprTceTable *tcet, SpaprTceStorage *s,
                                    bool charge)
{
    SpaprTceBudget *b = spapr_tce_budget(tcet);
    uint64_t bytes = spapr_tce_storage_kernel_map_len(
                         spapr_tce_storage_nb_entries(s));

    if (!b) {
        return;
    }
    if (charge) {
        b->used += bytes;
    } else {
        assert(b->used >= bytes);
        b->used -= bytes;
    }
}

static SpaprTceStorage *spapr_tce_kernel_storage(SpaprTceTable *tcet)
{
    SpaprTceStorage *s;
    Error *err = NULL;
    int fd;

    if (kernel_tce_level() == KERNEL_TCE_OFF) {
        return NULL;
    }
    /*
     * A kernel table is as large as its window (KVM charges all of it to
     * locked memory when it creates one): it is charged, whole, to the
     * machine's storage limit, and a table that does not fit stays in user
     * space, where only the runs in use cost.
     */
    if (!spapr_tce_kernel_room(tcet)) {
        trace_spapr_tce_kernel_refused(tcet->liobn, -ENOSPC);
        return NULL;
    }
    fd = kernel_tce_create_table(tcet->liobn, tcet->page_shift,
                                 tcet->bus_offset >> tcet->page_shift,
                                 tcet->nb_table);
    if (fd < 0) {
        trace_spapr_tce_kernel_refused(tcet->liobn, fd);
        return NULL;
    }
    s = spapr_tce_storage_new_kernel(fd, tcet->nb_table, tcet->page_shift,
                                     true, &err);
    if (!s) {
        trace_spapr_tce_kernel_refused(tcet->liobn, -EIO);
        error_free(err);
        close(fd);
        kernel_tce_release_table(tcet->liobn);
        return NULL;
    }
    spapr_tce_kernel_charge(tcet, s, true);
    return s;
}

/* Free a storage; a kernel one gives its LIOBN back to the kernel. */
static void spapr_tce_storage_drop(SpaprTceTable *tcet, SpaprTceStorage *s)
{
    bool kernel = s && spapr_tce_storage_is_kernel(s);

    if (kernel) {
        spapr_tce_kernel_charge(tcet, s, false);
    }
    spapr_tce_storage_destroy(s);
    if (kernel) {
        kernel_tce_release_table(tcet->liobn);
    }
}

/*
 * Move the table to the owner its notifiers allow (docs/user/kernel-tce.md):
 * without notifiers, the kernel when the level allows it; with notifiers
 * that are @all_linked to the kernel's table and a kernel that forwards its
 * updates to them (level vfio), where it is; otherwise user space (the
 * kernel would write entries behind their back).  A table never moves into
 * the kernel while notifiers are registered: nothing could be linked to a
 * table that did not exist.  A failed move leaves the table where it was
 * and returns false with @errp set; moving back to the kernel is an
 * optimisation, so a caller may ignore that one.
 */
static bool spapr_tce_table_follow_need_vfio(SpaprTceTable *tcet,
                                             bool need_vfio, bool all_linked,
                                             Error **errp)
{
    bool kernel_now, kernel_wanted;
    SpaprTceStorage *old, *s;

    if (!spapr_tce_table_enabled(tcet)) {
        return true;
    }
    kernel_now = spapr_tce_storage_is_kernel(tcet->storage);
    if (need_vfio) {
        kernel_wanted = kernel_now && all_linked && kernel_tce_links_vfio();
    } else {
        kernel_wanted = kernel_tce_level() != KERNEL_TCE_OFF;
    }
    if (kernel_now == kernel_wanted) {
        return true;
    }
    if (kernel_wanted) {
        s = spapr_tce_kernel_storage(tcet);
        if (!s) {
            error_setg(errp, "spapr-tce-table 0x%x: the kernel refused the "
                       "table", tcet->liobn);
            return false;
        }
    } else {
        s = spapr_tce_storage_new_user(tcet->nb_table, tcet->page_shift,
                                       spapr_tce_budget(tcet));
    }
    old = tcet->storage;
    if (spapr_tce_storage_move(s, old) < 0) {
        error_setg(errp, "spapr-tce-table 0x%x: cannot move %" PRIu64
                   " valid entries to %s storage (tce-storage-limit?)",
                   tcet->liobn, spapr_tce_storage_count_valid(old),
                   spapr_tce_storage_kind(s));
        spapr_tce_storage_drop(tcet, s);
        return false;
    }
    if (kernel_wanted) {
        /* Copied in by user space: the kernel may write it from now on. */
        spapr_tce_storage_kernel_exposed(s);
    }
    trace_spapr_tce_set_storage(tcet->liobn, spapr_tce_storage_kind(s));
    tcet->storage = s;
    spapr_tce_storage_drop(tcet, old);
    return true;
}

void spapr_tce_kernel_handled(SpaprMachineState *spapr, target_ulong liobn)
{
    SpaprTceTable *tcet = spapr_tce_find_by_liobn(spapr, liobn);

    if (tcet && tcet->storage && spapr_tce_storage_is_kernel(tcet->storage)) {
        spapr_tce_storage_kernel_exposed(tcet->storage);
    }
}

bool spapr_tce_table_enable_forced(SpaprTceTable *tcet, uint32_t page_shift,
                                   uint64_t bus_offset, uint32_t nb_table,
                                   Error **errp)
{
    MemoryRegion *iommu_mr = MEMORY_REGION_OF_IOMMU(&tcet->iommu);
    uint64_t size;

    if (!spapr_tce_table_geometry_ok(tcet, page_shift, bus_offset, nb_table,
                                     false, &size, errp)) {
        return false;
    }
    tcet->page_shift = page_shift;
    tcet->bus_offset = bus_offset;
    tcet->nb_table = nb_table;
    tcet->storage = tcet->need_vfio ? NULL : spapr_tce_kernel_storage(tcet);
    if (!tcet->storage) {
        tcet->storage = spapr_tce_storage_new_user(nb_table, page_shift,
                                                   spapr_tce_budget(tcet));
    }
    trace_spapr_tce_set_storage(tcet->liobn,
                                spapr_tce_storage_kind(tcet->storage));
    trace_spapr_tce_table_enable(tcet->liobn, bus_offset, page_shift, nb_table);
    /*
     * One transaction: listeners see one region_add.  The memory API makes
     * a re-added IOMMU region look new even when the geometry is the same
     * (include/exec/memory.h), so a disable + enable inside an outer
     * transaction is still a region_del + region_add for consumers.
     */
    memory_region_transaction_begin();
    /* size + 1 may be 2^64 for a window covering everything: UINT64_MAX. */
    memory_region_set_size(iommu_mr, size == UINT64_MAX ? UINT64_MAX : size + 1);
    memory_region_add_subregion(&tcet->root, bus_offset, iommu_mr);
    memory_region_transaction_commit();
    return true;
}

/*
 * Consumers learn that every mapping of the window is gone from the
 * region_del of this transaction (a VFIO listener unmaps the whole section),
 * not from per-entry UNMAP events: a kernel-owned table could only be read
 * back by faulting in every page of it.
 */
void spapr_tce_table_disable(SpaprTceTable *tcet)
{
    MemoryRegion *iommu_mr = MEMORY_REGION_OF_IOMMU(&tcet->iommu);

    if (!spapr_tce_table_enabled(tcet)) {
        return;
    }
    trace_spapr_tce_table_disable(tcet->liobn);
    memory_region_transaction_begin();
    memory_region_del_subregion(&tcet->root, iommu_mr);
    memory_region_set_size(iommu_mr, 0);
    memory_region_transaction_commit();
    spapr_tce_storage_drop(tcet, tcet->storage);
    tcet->storage = NULL;
    tcet->nb_table = 0;
    tcet->page_shift = 0;
    tcet->bus_offset = 0;
}

bool spapr_tce_table_set_storage(SpaprTceTable *tcet, SpaprTceStorage *storage,
                                 Error **errp)
{
    int ret;

    assert(spapr_tce_table_enabled(tcet));
    ret = spapr_tce_storage_move(storage, tcet->storage);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "TCE table 0x%x: cannot move %" PRIu64
                         " valid entries to %s storage", tcet->liobn,
                         spapr_tce_storage_count_valid(tcet->storage),
                         spapr_tce_storage_kind(storage));
        spapr_tce_storage_destroy(storage);
        return false;
    }
    trace_spapr_tce_set_storage(tcet->liobn, spapr_tce_storage_kind(storage));
    spapr_tce_storage_drop(tcet, tcet->storage);
    tcet->storage = storage;
    return true;
}

MemoryRegion *spapr_tce_get_iommu(SpaprTceTable *tcet)
{
    return &tcet->root;
}

/* ---- Updates and their notifications ---------------------------------- */

/* Adjacent valid runs merged into spans, each unmapped once. */
typedef struct TceSpan {
    SpaprTceTable *tcet;
    uint64_t index;
    uint64_t count;
    TceEventFn fn;
    void *opaque;
} TceSpan;

static int spapr_tce_span_flush(TceSpan *s)
{
    int ret = 0;

    if (s->count) {
        ret = spapr_tce_unmap_span(s->tcet, s->index, s->count, s->fn,
                                   s->opaque);
        s->count = 0;
    }
    return ret;
}

static int spapr_tce_span_add(void *opaque, const SpaprTceRun *run)
{
    TceSpan *s = opaque;
    int ret;

    if (s->count && s->index + s->count == run->index) {
        s->count += run->count;
        return 0;
    }
    ret = spapr_tce_span_flush(s);
    s->index = run->index;
    s->count = run->count;
    return ret;
}

/*
 * UNMAP every valid entry of [first, first + n) to every consumer, merged
 * into spans: O(runs in use), whatever @n.  Failures are recorded in @c
 * (phase FORGET: the consumer will be resynchronised); all spans are sent.
 */
static void spapr_tce_unmap_valid(TceCall *c, uint64_t first, uint64_t n)
{
    TceSpan s = {
        .tcet = c->tcet,
        .fn = spapr_tce_notify_all_go_on,
        .opaque = c,
    };

    c->phase = TCE_PHASE_FORGET;
    spapr_tce_storage_for_each_run(c->tcet->storage, first, first + n - 1,
                                   SPAPR_TCE_WALK_VALID, spapr_tce_span_add,
                                   &s);
    spapr_tce_span_flush(&s);
}

static IOMMUTLBEvent spapr_tce_event(SpaprTceTable *tcet, uint64_t index,
                                     uint64_t tce, IOMMUNotifierFlag type)
{
    IOMMUTLBEvent ev = {
        .type = type,
        .entry = spapr_tce_entry(tcet, index, tce,
                                 type == IOMMU_NOTIFIER_MAP ? TCE_PERM(tce)
                                                            : IOMMU_NONE),
    };

    if (type == IOMMU_NOTIFIER_UNMAP) {
        ev.entry.translated_addr = 0;
    }
    return ev;
}

/*
 * Tell consumers that entry @index changed from @old to @tce.  Returns
 * false, with the entry cleared in the table and in every consumer, when a
 * consumer failed: the call stops there.
 */
static bool spapr_tce_notify_change(TceCall *c, uint64_t index, uint64_t old,
                                    uint64_t tce)
{
    SpaprTceTable *tcet = c->tcet;
    IOMMUTLBEvent ev;

    if (TCE_PERM(old) != IOMMU_NONE) {
        ev = spapr_tce_event(tcet, index, old, IOMMU_NOTIFIER_UNMAP);
        c->phase = TCE_PHASE_FORGET;
        if (spapr_tce_notify_all(tcet, &ev, c)) {
            /* Nobody was told about @tce; the failing consumer resyncs. */
            goto failed;
        }
    }
    if (TCE_PERM(tce) != IOMMU_NONE) {
        ev = spapr_tce_event(tcet, index, tce, IOMMU_NOTIFIER_MAP);
        c->phase = TCE_PHASE_MAP;
        if (spapr_tce_notify_all(tcet, &ev, c)) {
            /* Clear it in every consumer, the failing one included. */
            ev = spapr_tce_event(tcet, index, tce, IOMMU_NOTIFIER_UNMAP);
            c->phase = TCE_PHASE_FORGET;
            spapr_tce_notify_all(tcet, &ev, c);
            goto failed;
        }
    }
    return true;

failed:
    trace_spapr_tce_consumer_failed(tcet->liobn, index, c->err);
    return false;
}

/*
 * Store @tce at @index, then tell consumers.  Returns false when the call
 * must stop at this entry: a consumer failed (the entry is now 0
 * everywhere), or the host could not allocate (the entry kept its old
 * value everywhere).
 */
static bool spapr_tce_update(TceCall *c, uint64_t index, uint64_t tce)
{
    SpaprTceStorage *storage = c->tcet->storage;
    uint64_t old;
    int ret;

    ret = spapr_tce_storage_exchange(storage, index, tce, &old);
    if (ret < 0) {
        trace_spapr_tce_no_memory(c->tcet->liobn, index, ret);
        c->err = c->err ? c->err : ret;
        return false;
    }
    if (old == tce || !c->notify ||
        spapr_tce_notify_change(c, index, old, tce)) {
        return true;
    }
    spapr_tce_storage_set(storage, index, 0);       /* never fails */
    return false;
}

/*
 * Tell @n that the whole window is gone, then replay the table to it: how a
 * consumer that failed to forget a mapping gets back in sync.
 */
static void spapr_tce_resync(SpaprTceTable *tcet, IOMMUNotifier *n)
{
    Error *err = NULL;
    int ret;

    trace_spapr_tce_resync(tcet->liobn);
    ret = spapr_tce_unmap_span(tcet, 0, tcet->nb_table, spapr_tce_notify_one,
                               n);
    if (ret) {
        error_setg_errno(&err, -ret, "unmapping the window failed");
    } else if (memory_region_iommu_replay(&tcet->iommu, n, &err)) {
        return;
    }
    tcet->resync_failures++;
    trace_spapr_tce_resync_failed(tcet->liobn, ret);
    error_prepend(&err, "spapr-tce-table 0x%x: a DMA consumer is out of sync "
                  "with the table: ", tcet->liobn);
    error_report_err(err);
}

/*
 * Start a call: the batch opens (when consumers exist and @batch).  A batch
 * that a consumer cannot open is closed again and the call refused before
 * any change (false, H_HARDWARE for the guest).
 */
static inline bool spapr_tce_call_begin(TceCall *c, SpaprTceTable *tcet,
                                        bool batch)
{
    *c = (TceCall) {
        .tcet = tcet,
        .notify = memory_region_iommu_has_notifiers(&tcet->iommu),
    };
    if (!c->notify || !batch) {
        return true;
    }
    c->batch = true;
    c->err = memory_region_iommu_batch_begin(&tcet->iommu);
    if (c->err) {
        trace_spapr_tce_batch_failed(tcet->liobn, c->err);
    }
    return c->err == 0;
}

/* End a call: close the batch, resynchronise, free; the H_* result. */
static inline target_ulong spapr_tce_call_end(TceCall *c)
{
    SpaprTceTable *tcet = c->tcet;

    if (c->batch) {
        c->phase = TCE_PHASE_FORGET;
        if (memory_region_iommu_batch_commit_report(&tcet->iommu,
                                                    spapr_tce_call_failed,
                                                    c)) {
            trace_spapr_tce_batch_failed(tcet->liobn, c->err);
        }
    }
    if (c->resync) {
        for (guint i = 0; i < c->resync->len; i++) {
            spapr_tce_resync(tcet, g_ptr_array_index(c->resync, i));
        }
        g_ptr_array_free(c->resync, TRUE);
    }
    return c->err ? H_HARDWARE : H_SUCCESS;
}

/* Every consumer resynchronises at the end of @c. */
static void spapr_tce_call_resync_all(TceCall *c)
{
    IOMMUNotifier *n;

    c->phase = TCE_PHASE_FORGET;
    IOMMU_NOTIFIER_FOREACH(n, &c->tcet->iommu) {
        spapr_tce_call_failed(n, c->err ? c->err : -EIO, c);
    }
}

void spapr_tce_table_clear(SpaprTceTable *tcet)
{
    TceCall c;

    if (!spapr_tce_table_enabled(tcet)) {
        return;
    }
    trace_spapr_tce_table_clear(tcet->liobn);
    /* A reset cannot be refused: a consumer whose batch fails resyncs. */
    if (!spapr_tce_call_begin(&c, tcet, true)) {
        spapr_tce_call_resync_all(&c);
    }
    if (c.notify) {
        spapr_tce_unmap_valid(&c, 0, tcet->nb_table);
    }
    spapr_tce_storage_clear_all(tcet->storage);
    spapr_tce_call_end(&c);
}

/* ---- Hypercalls: validate everything, then commit ---------------------- */

/*
 * Look up the table and the entry index of @ioba for @npages entries.
 * Like QEMU, a misaligned ioba is rounded down to the table's page size.
 * An ioba below the window wraps to a huge index and fails the range check.
 */
static target_ulong spapr_tce_check_ioba(SpaprMachineState *spapr,
                                         target_ulong liobn, target_ulong ioba,
                                         uint64_t npages,
                                         SpaprTceTable **tcet_out,
                                         uint64_t *index_out)
{
    SpaprTceTable *tcet = spapr_tce_find_by_liobn(spapr, liobn);
    uint64_t index;

    if (!tcet) {
        trace_spapr_tce_bad_liobn(liobn);
        return H_PARAMETER;
    }
    if (!spapr_tce_table_enabled(tcet)) {
        trace_spapr_tce_disabled(tcet->liobn);
        return H_PARAMETER;
    }
    ioba &= ~tce_page_mask(tcet);
    index = (ioba - tcet->bus_offset) >> tcet->page_shift;
    if (index >= tcet->nb_table || npages > tcet->nb_table - index) {
        trace_spapr_tce_bad_ioba(tcet->liobn, ioba, npages);
        return H_PARAMETER;
    }
    *tcet_out = tcet;
    *index_out = index;
    return H_SUCCESS;
}

/*
 * A TCE that grants access must point at a page of guest RAM.  QEMU does not
 * check this; Linux's in-kernel handler refuses such a TCE
 * (docs/specs/linux-interfaces.md §2.2).  Here the guest gets H_PARAMETER, so
 * that no consumer is ever asked to map memory the guest does not own.  A
 * TCE without permission bits maps nothing and is always accepted, whatever
 * its address bits.
 */
static target_ulong spapr_tce_check_tce(SpaprTceTable *tcet, uint64_t tce)
{
    uint64_t mask = tce_page_mask(tcet);

    if (TCE_PERM(tce) == IOMMU_NONE) {
        return H_SUCCESS;
    }
    if (!spapr_gpa_range_in_ram(tcet->spapr, tce & ~mask, mask + 1)) {
        trace_spapr_tce_bad_tce(tcet->liobn, tce);
        return H_PARAMETER;
    }
    return H_SUCCESS;
}

/*
 * The machine's TCE storage limit: @nr_writes non-zero stores into @tcet
 * must fit, or the call is refused with H_NO_MEM before anything changes.
 * Storing 0 never needs room: a guest can always unmap.
 */
static target_ulong spapr_tce_check_room(SpaprTceTable *tcet,
                                         uint64_t nr_writes)
{
    if (!spapr_tce_storage_can_write(tcet->storage, nr_writes)) {
        trace_spapr_tce_limit(tcet->liobn, nr_writes);
        return H_NO_MEM;
    }
    return H_SUCCESS;
}

/* H_PUT_TCE(liobn, ioba, tce) */
static target_ulong h_put_tce(SpaprMachineState *spapr, target_ulong opcode,
                              target_ulong *args)
{
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;
    TceCall c;

    ret = spapr_tce_check_ioba(spapr, args[0], args[1], 1, &tcet, &index);
    if (ret == H_SUCCESS) {
        ret = spapr_tce_check_tce(tcet, args[2]);
    }
    if (ret == H_SUCCESS && args[2]) {
        ret = spapr_tce_check_room(tcet, 1);
    }
    if (ret != H_SUCCESS) {
        return ret;
    }
    trace_spapr_tce_put(tcet->liobn, index, args[2]);
    spapr_tce_call_begin(&c, tcet, false);
    spapr_tce_update(&c, index, args[2]);
    return spapr_tce_call_end(&c);
}

/* H_GET_TCE(liobn, ioba) -> tce in r4 */
static target_ulong h_get_tce(SpaprMachineState *spapr, target_ulong opcode,
                              target_ulong *args)
{
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;

    ret = spapr_tce_check_ioba(spapr, args[0], args[1], 1, &tcet, &index);
    if (ret != H_SUCCESS) {
        return ret;
    }
    args[0] = spapr_tce_storage_get(tcet->storage, index);
    trace_spapr_tce_get(tcet->liobn, index, args[0]);
    return H_SUCCESS;
}

/*
 * H_PUT_TCE_INDIRECT(liobn, ioba, tce_list, npages): the list is a 4 KiB
 * aligned page of big-endian TCEs in guest RAM.  Every entry is checked
 * before any is written (QEMU writes up to the first bad one).
 */
static target_ulong h_put_tce_indirect(SpaprMachineState *spapr,
                                       target_ulong opcode, target_ulong *args)
{
    target_ulong tce_list = args[2];
    uint64_t npages = args[3];
    uint64_t tces[SPAPR_TCE_INDIRECT_MAX];
    uint64_t stores = 0;
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;
    TceCall c;

    if (npages == 0 || npages > SPAPR_TCE_INDIRECT_MAX ||
        (tce_list & SPAPR_TCE_PAGE_MASK)) {
        trace_spapr_tce_bad_list(args[0], tce_list, npages);
        return H_PARAMETER;
    }
    ret = spapr_tce_check_ioba(spapr, args[0], args[1], npages, &tcet, &index);
    if (ret != H_SUCCESS) {
        return ret;
    }
    if (!spapr_gpa_range_in_ram(spapr, tce_list, npages * sizeof(uint64_t)) ||
        address_space_read(&address_space_memory, tce_list, tces,
                           npages * sizeof(uint64_t)) != MEMTX_OK) {
        trace_spapr_tce_bad_list(args[0], tce_list, npages);
        return H_PARAMETER;
    }
    for (uint64_t i = 0; i < npages; i++) {
        tces[i] = GUINT64_FROM_BE(tces[i]);
        ret = spapr_tce_check_tce(tcet, tces[i]);
        if (ret != H_SUCCESS) {
            return ret;
        }
        stores += tces[i] != 0;
    }
    ret = spapr_tce_check_room(tcet, stores);
    if (ret != H_SUCCESS) {
        return ret;
    }

    trace_spapr_tce_put_indirect(tcet->liobn, index, npages);
    if (spapr_tce_call_begin(&c, tcet, true)) {
        for (uint64_t i = 0; i < npages; i++) {
            if (!spapr_tce_update(&c, index + i, tces[i])) {
                break;
            }
        }
    }
    return spapr_tce_call_end(&c);
}

/*
 * H_STUFF_TCE with consumers and a value that maps something: each entry
 * maps the same page, so consumers get one MAP per entry (bounded by what
 * the host IOMMU accepts: its failure stops the call).  Events first, then
 * one fill of the entries done: a per-entry store would be bounded by the
 * machine's storage limit per entry, not per run.
 */
static void spapr_tce_stuff_notify(TceCall *c, uint64_t index, uint64_t npages,
                                   uint64_t tce)
{
    SpaprTceTable *tcet = c->tcet;
    uint64_t done;

    for (done = 0; done < npages; done++) {
        uint64_t old = spapr_tce_storage_get(tcet->storage, index + done);

        if (old != tce && !spapr_tce_notify_change(c, index + done, old, tce)) {
            break;
        }
    }
    if (done && spapr_tce_storage_fill(tcet->storage, index, done, tce,
                                       false) < 0) {
        /* Consumers were told about entries the table could not take. */
        trace_spapr_tce_no_memory(tcet->liobn, index, -ENOMEM);
        c->err = c->err ? c->err : -ENOMEM;
        spapr_tce_call_resync_all(c);
        return;
    }
    if (done < npages) {
        spapr_tce_storage_clear(tcet->storage, index + done, 1);
    }
}

/*
 * H_STUFF_TCE(liobn, ioba, tce_value, npages): the same TCE in npages
 * entries.  Without consumers it is one storage fill, whatever npages.
 * A value without permission bits (typically 0) unmaps what the range
 * maps, O(runs in use in the range).
 */
static target_ulong h_stuff_tce(SpaprMachineState *spapr, target_ulong opcode,
                                target_ulong *args)
{
    uint64_t tce = args[2];
    uint64_t npages = args[3];
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;
    TceCall c;

    if (npages == 0) {
        trace_spapr_tce_bad_ioba(args[0], args[1], npages);
        return H_PARAMETER;
    }
    ret = spapr_tce_check_ioba(spapr, args[0], args[1], npages, &tcet, &index);
    if (ret == H_SUCCESS) {
        ret = spapr_tce_check_tce(tcet, tce);
    }
    if (ret == H_SUCCESS && tce) {
        ret = spapr_tce_check_room(tcet, 1);
    }
    if (ret != H_SUCCESS) {
        return ret;
    }

    trace_spapr_tce_stuff(tcet->liobn, index, npages, tce);
    if (!spapr_tce_call_begin(&c, tcet, true)) {
        return spapr_tce_call_end(&c);
    }
    if (c.notify && TCE_PERM(tce) != IOMMU_NONE) {
        spapr_tce_stuff_notify(&c, index, npages, tce);
    } else {
        if (c.notify) {
            spapr_tce_unmap_valid(&c, index, npages);
        }
        if (spapr_tce_storage_fill(tcet->storage, index, npages, tce,
                                   false) < 0) {
            /* Only a poison value can fail, and only on host OOM. */
            trace_spapr_tce_no_memory(tcet->liobn, index, -ENOMEM);
            c.err = c.err ? c.err : -ENOMEM;
            spapr_tce_call_resync_all(&c);
        }
    }
    return spapr_tce_call_end(&c);
}

static bool spapr_tce_guest_in_ram(void *opaque, uint64_t gpa, uint64_t len)
{
    return spapr_gpa_range_in_ram(opaque, gpa, len);
}

static bool spapr_tce_guest_read(void *opaque, uint64_t gpa, void *buf,
                                 uint64_t len)
{
    return address_space_read(&address_space_memory, gpa, buf, len) ==
           MEMTX_OK;
}

static bool spapr_tce_guest_hva(void *opaque, uint64_t gpa, uint64_t len,
                                uint64_t *hva)
{
    void *p = address_space_map_ram(&address_space_memory, gpa, len, NULL);

    if (!p) {
        return false;
    }
    *hva = (uint64_t)(uintptr_t)p;
    return true;
}

static const KernelTceGuestOps spapr_tce_guest_ops = {
    .in_ram = spapr_tce_guest_in_ram,
    .read = spapr_tce_guest_read,
    .hva = spapr_tce_guest_hva,
};

void spapr_tce_hcalls_init(SpaprMachineState *spapr)
{
    if (kernel_tce_level() != KERNEL_TCE_OFF) {
        /* As QEMU does under KVM: the multi-TCE hcalls go to the kernel too. */
        kernel_tce_set_guest(&spapr_tce_guest_ops, spapr);
        kernel_tce_enable_hcall(H_PUT_TCE_INDIRECT, true);
        kernel_tce_enable_hcall(H_STUFF_TCE, true);
    }
    spapr_register_hypercall(spapr, H_PUT_TCE, "H_PUT_TCE", 0, h_put_tce);
    spapr_register_hypercall(spapr, H_GET_TCE, "H_GET_TCE", 1, h_get_tce);
    spapr_register_hypercall(spapr, H_PUT_TCE_INDIRECT, "H_PUT_TCE_INDIRECT",
                             0, h_put_tce_indirect);
    spapr_register_hypercall(spapr, H_STUFF_TCE, "H_STUFF_TCE", 0, h_stuff_tce);
}

static gint spapr_tce_cmp_liobn(gconstpointer a, gconstpointer b)
{
    const SpaprTceTable *ta = *(SpaprTceTable * const *)a;
    const SpaprTceTable *tb = *(SpaprTceTable * const *)b;

    return ta->liobn < tb->liobn ? -1 : ta->liobn > tb->liobn;
}

void spapr_tce_table_foreach(SpaprMachineState *spapr,
                             void (*fn)(SpaprTceTable *tcet, void *opaque),
                             void *opaque)
{
    g_autoptr(GPtrArray) tables = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, spapr->tce_tables);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_ptr_array_add(tables, value);
    }
    g_ptr_array_sort(tables, spapr_tce_cmp_liobn);
    for (guint i = 0; i < tables->len; i++) {
        fn(g_ptr_array_index(tables, i), opaque);
    }
}
