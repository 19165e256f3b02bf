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
#include "trace.h"

#define TCE_PERM(tce)   ((IOMMUAccessFlags)((tce) & SPAPR_TCE_PERM_MASK))

static uint64_t tce_page_mask(const SpaprTceTable *tcet)
{
    return (1ULL << tcet->page_shift) - 1;
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
    int err;
} TceReplay;

static int spapr_tce_replay_one(void *opaque, uint64_t index, uint64_t tce)
{
    TceReplay *r = opaque;
    IOMMUTLBEvent ev = {
        .type = IOMMU_NOTIFIER_MAP,
        .entry = spapr_tce_entry(r->tcet, index, tce, TCE_PERM(tce)),
    };
    int ret = memory_region_notify_iommu_one(r->n, &ev);

    if (ret && !r->err) {
        r->err = ret;
    }
    return 0;
}

/*
 * Replay visits the valid entries only: O(valid entries), whatever the
 * window size.  A window that was just created is empty, so its replay costs
 * nothing and needs no "skip replay" flag.  MAP events only.
 */
static void spapr_tce_replay(IOMMUMemoryRegion *iommu, IOMMUNotifier *n)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);
    TceReplay r = { .tcet = tcet, .n = n };
    uint64_t first, last;

    if (!spapr_tce_table_enabled(tcet)) {
        return;
    }
    first = n->start >> tcet->page_shift;
    if (first >= tcet->nb_table) {
        return;
    }
    last = MIN(n->end >> tcet->page_shift, (uint64_t)tcet->nb_table - 1);
    trace_spapr_tce_replay(tcet->liobn,
                           spapr_tce_storage_count_valid(tcet->storage));
    /* memory_region_iommu_replay() brackets this in one batch for @n;
     * notifiers record their own failures (memory.h: replay contract). */
    spapr_tce_storage_for_each_valid(tcet->storage, first, last,
                                     spapr_tce_replay_one, &r);
    if (r.err) {
        trace_spapr_tce_replay_failed(tcet->liobn, r.err);
    }
}

/*
 * need_vfio follows notifier registration (DESIGN.md decision 4): the first
 * notifier sets it, removing the last clears it.  Device-IOTLB invalidation
 * is not something a TCE table can provide.
 */
static int spapr_tce_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                         IOMMUNotifierFlag old,
                                         IOMMUNotifierFlag new, Error **errp)
{
    SpaprTceTable *tcet = container_of(iommu, SpaprTceTable, iommu);

    if (new & IOMMU_NOTIFIER_DEVIOTLB_UNMAP) {
        error_setg(errp, "spapr-tce-table 0x%x does not support dev-iotlb "
                   "notifiers", tcet->liobn);
        return -EINVAL;
    }
    if ((old == IOMMU_NOTIFIER_NONE) != (new == IOMMU_NOTIFIER_NONE)) {
        tcet->need_vfio = new != IOMMU_NOTIFIER_NONE;
        trace_spapr_tce_need_vfio(tcet->liobn, tcet->need_vfio);
    }
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
    dc->reset = spapr_tce_table_reset;
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

bool spapr_tce_table_enable(SpaprTceTable *tcet, uint32_t page_shift,
                            uint64_t bus_offset, uint32_t nb_table,
                            Error **errp)
{
    uint64_t size;

    if (spapr_tce_table_enabled(tcet)) {
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

    tcet->storage = spapr_tce_storage_new_user(nb_table, page_shift, NULL);
    tcet->page_shift = page_shift;
    tcet->bus_offset = bus_offset;
    tcet->nb_table = nb_table;
    trace_spapr_tce_table_enable(tcet->liobn, bus_offset, page_shift, nb_table);
    /* size + 1 may be 2^64 for a window covering everything: UINT64_MAX. */
    memory_region_set_size(MEMORY_REGION_OF_IOMMU(&tcet->iommu),
                           size == UINT64_MAX ? UINT64_MAX : size + 1);
    memory_region_add_subregion(&tcet->root, bus_offset,
                                MEMORY_REGION_OF_IOMMU(&tcet->iommu));
    return true;
}

void spapr_tce_table_disable(SpaprTceTable *tcet)
{
    if (!spapr_tce_table_enabled(tcet)) {
        return;
    }
    trace_spapr_tce_table_disable(tcet->liobn);
    memory_region_del_subregion(&tcet->root, MEMORY_REGION_OF_IOMMU(&tcet->iommu));
    memory_region_set_size(MEMORY_REGION_OF_IOMMU(&tcet->iommu), 0);
    spapr_tce_storage_destroy(tcet->storage);
    tcet->storage = NULL;
    tcet->nb_table = 0;
    tcet->page_shift = 0;
    tcet->bus_offset = 0;
}

void spapr_tce_table_set_storage(SpaprTceTable *tcet, SpaprTceStorage *storage)
{
    assert(spapr_tce_table_enabled(tcet));
    spapr_tce_storage_move(storage, tcet->storage);
    trace_spapr_tce_set_storage(tcet->liobn, spapr_tce_storage_kind(storage));
    spapr_tce_storage_destroy(tcet->storage);
    tcet->storage = storage;
}

MemoryRegion *spapr_tce_get_iommu(SpaprTceTable *tcet)
{
    return &tcet->root;
}

/* ---- Updates and their notifications ---------------------------------- */

/*
 * Store @tce at @index and tell the notifiers: UNMAP of the old translation
 * if it was valid, then MAP of the new one if it is valid.  Returns the
 * first notifier error (0 if none).
 */
static int spapr_tce_update(SpaprTceTable *tcet, uint64_t index, uint64_t tce)
{
    uint64_t old = spapr_tce_storage_get(tcet->storage, index);
    IOMMUTLBEvent ev;
    int err = 0;
    int ret;

    if (old == tce) {
        return 0;
    }
    err = spapr_tce_storage_set(tcet->storage, index, tce);
    if (err) {
        return err;
    }
    if (TCE_PERM(old) != IOMMU_NONE) {
        ev.type = IOMMU_NOTIFIER_UNMAP;
        ev.entry = spapr_tce_entry(tcet, index, old, IOMMU_NONE);
        err = memory_region_notify_iommu(&tcet->iommu, 0, ev);
    }
    if (TCE_PERM(tce) != IOMMU_NONE) {
        ev.type = IOMMU_NOTIFIER_MAP;
        ev.entry = spapr_tce_entry(tcet, index, tce, TCE_PERM(tce));
        ret = memory_region_notify_iommu(&tcet->iommu, 0, ev);
        err = err ? err : ret;
    }
    return err;
}

typedef struct TceClear {
    SpaprTceTable *tcet;
    GArray *indexes;
} TceClear;

static int spapr_tce_collect(void *opaque, uint64_t index, uint64_t tce)
{
    TceClear *c = opaque;

    g_array_append_val(c->indexes, index);
    return 0;
}

/*
 * Clear entries [first, first + n) that are not zero: O(entries in use).
 * Used by reset, by H_STUFF_TCE with a zero value, and to bring the guest
 * view and the consumers back in line after a consumer failed.
 */
static int spapr_tce_clear_range(SpaprTceTable *tcet, uint64_t first,
                                 uint64_t n)
{
    TceClear c = {
        .tcet = tcet,
        .indexes = g_array_new(FALSE, FALSE, sizeof(uint64_t)),
    };
    int err = 0;

    spapr_tce_storage_for_each_nonzero(tcet->storage, first, first + n - 1,
                           spapr_tce_collect, &c);
    for (guint i = 0; i < c.indexes->len; i++) {
        int ret = spapr_tce_update(tcet, g_array_index(c.indexes, uint64_t, i), 0);

        err = err ? err : ret;
    }
    g_array_free(c.indexes, TRUE);
    return err;
}

void spapr_tce_table_clear(SpaprTceTable *tcet)
{
    if (!spapr_tce_table_enabled(tcet)) {
        return;
    }
    trace_spapr_tce_table_clear(tcet->liobn,
                                spapr_tce_storage_count_valid(tcet->storage));
    memory_region_iommu_batch_begin(&tcet->iommu);
    spapr_tce_clear_range(tcet, 0, tcet->nb_table);
    memory_region_iommu_batch_commit(&tcet->iommu);
}

/*
 * A notifier (a host IOMMU consumer) failed to apply part of a call: clear
 * the whole range of the call in the guest view and in every consumer, so
 * that both agree that it maps nothing, and report H_HARDWARE.  The guest
 * must redo the call (as after a partial failure in the kernel's fast path).
 */
static target_ulong spapr_tce_consumer_failed(SpaprTceTable *tcet,
                                              uint64_t index, uint64_t n,
                                              int err)
{
    trace_spapr_tce_consumer_failed(tcet->liobn, index, n, err);
    memory_region_iommu_batch_begin(&tcet->iommu);
    spapr_tce_clear_range(tcet, index, n);
    memory_region_iommu_batch_commit(&tcet->iommu);
    return H_HARDWARE;
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
 * check this; Linux's fast path refuses such a TCE (kernel-interfaces.md
 * §3.5).  Here the guest gets H_PARAMETER, so that no consumer is ever asked
 * to map memory the guest does not own.  A TCE without permission bits
 * clears the entry and is always accepted, whatever its address bits.
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

/* H_PUT_TCE(liobn, ioba, tce) */
static target_ulong h_put_tce(SpaprMachineState *spapr, target_ulong opcode,
                              target_ulong *args)
{
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;
    int err;

    ret = spapr_tce_check_ioba(spapr, args[0], args[1], 1, &tcet, &index);
    if (ret == H_SUCCESS) {
        ret = spapr_tce_check_tce(tcet, args[2]);
    }
    if (ret != H_SUCCESS) {
        return ret;
    }
    trace_spapr_tce_put(tcet->liobn, index, args[2]);
    err = spapr_tce_update(tcet, index, args[2]);
    return err ? spapr_tce_consumer_failed(tcet, index, 1, err) : H_SUCCESS;
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
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;
    int err = 0;

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
    }

    trace_spapr_tce_put_indirect(tcet->liobn, index, npages);
    memory_region_iommu_batch_begin(&tcet->iommu);
    for (uint64_t i = 0; i < npages; i++) {
        int r = spapr_tce_update(tcet, index + i, tces[i]);

        err = err ? err : r;
    }
    ret = memory_region_iommu_batch_commit(&tcet->iommu);
    err = err ? err : (int)ret;
    return err ? spapr_tce_consumer_failed(tcet, index, npages, err)
               : H_SUCCESS;
}

/*
 * H_STUFF_TCE(liobn, ioba, tce_value, npages): the same TCE in npages
 * entries.  Clearing (no permission bits, typically 0) costs O(entries in
 * use in the range), not O(npages).
 */
static target_ulong h_stuff_tce(SpaprMachineState *spapr, target_ulong opcode,
                                target_ulong *args)
{
    uint64_t tce = args[2];
    uint64_t npages = args[3];
    SpaprTceTable *tcet;
    uint64_t index;
    target_ulong ret;
    int err = 0;

    if (npages == 0) {
        trace_spapr_tce_bad_ioba(args[0], args[1], npages);
        return H_PARAMETER;
    }
    ret = spapr_tce_check_ioba(spapr, args[0], args[1], npages, &tcet, &index);
    if (ret == H_SUCCESS) {
        ret = spapr_tce_check_tce(tcet, tce);
    }
    if (ret != H_SUCCESS) {
        return ret;
    }

    trace_spapr_tce_stuff(tcet->liobn, index, npages, tce);
    memory_region_iommu_batch_begin(&tcet->iommu);
    if (tce == 0) {
        err = spapr_tce_clear_range(tcet, index, npages);
    } else {
        for (uint64_t i = 0; i < npages; i++) {
            int r = spapr_tce_update(tcet, index + i, tce);

            err = err ? err : r;
        }
    }
    ret = memory_region_iommu_batch_commit(&tcet->iommu);
    err = err ? err : (int)ret;
    return err ? spapr_tce_consumer_failed(tcet, index, npages, err)
               : H_SUCCESS;
}

void spapr_tce_hcalls_init(SpaprMachineState *spapr)
{
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
