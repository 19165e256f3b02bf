/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sPAPR TCE tables: the guest-view IOMMU table of one DMA window (one LIOBN),
 * its IOMMU memory region, and the TCE hypercalls that write it.
 *
 * A table is created disabled by its owner (a PHB) and enabled with a
 * geometry (page_shift, bus_offset, nb_table) when the window exists.  While
 * enabled, its IOMMU region "tce-iommu-<liobn>" sits at bus_offset inside
 * the container "tce-root-<liobn>" that the owner maps into its DMA address
 * space; enable and disable add and remove it, so memory listeners (VFIO)
 * see region_add / region_del synchronously inside those calls.
 *
 * Entries live in a SpaprTceStorage (include/hw/ppc/spapr_tce_storage.h):
 * sparse, so memory follows the entries in use and replay costs
 * O(valid entries).  The storage has an owner ("user" here; "kernel" when
 * the KVM fast path holds the table) that can change with the contents
 * kept: spapr_tce_table_set_storage().
 *
 * Notifications (IOMMU notifiers on the region, e.g. VFIO's): IOVAs are
 * relative to the window start (bus_offset), as in QEMU.  An update that
 * changes an entry emits UNMAP of the old translation if it was valid, then
 * MAP of the new one if it is valid; writing the value an entry already
 * holds emits nothing.  UNMAP events carry translated_addr 0.  Events that
 * cover several entries (replay, clearing a range, resynchronisation) are
 * aligned power-of-two blocks: addr_mask is 2^n - 1 and iova (and, for a
 * MAP, translated_addr) are multiples of 2^n.  Multi-entry hypercalls and
 * reset deliver their events inside one memory_region_iommu_batch_begin() /
 * _commit() pair.  While a call delivers its events the table may hold the
 * old or the new values: a notifier must not read it back (translate).
 *
 * Consumer failures (a notifier or batch hook returning an error):
 *   - a failed MAP stops the call at that entry: the entry is cleared in the
 *     table and every consumer is told to UNMAP it; entries before it stay
 *     applied, entries after it are untouched; the hypercall returns
 *     H_HARDWARE (Linux's in-kernel handler does the same, see
 *     docs/specs/linux-interfaces.md §2.3);
 *   - a consumer that fails to UNMAP, or whose batch_commit fails, is
 *     resynchronised once the call's changes are in the table: told to UNMAP
 *     the whole window, then replayed.  A resynchronisation that fails is
 *     reported (error_report and the table's resync_failures counter,
 *     shown by x-query-spapr-tce), never dropped;
 *   - a batch_begin failure refuses a hypercall before any change
 *     (H_HARDWARE); a reset cannot be refused, its consumers resynchronise.
 *
 * Memory: the storage is charged to the machine's TCE storage limit
 * (SpaprMachineState.tce_budget, -M pseries,tce-storage-limit=SIZE).  A
 * hypercall whose stores might not fit is refused with H_NO_MEM before
 * anything changes; storing 0 always fits.
 */
#ifndef HW_PPC_SPAPR_IOMMU_H
#define HW_PPC_SPAPR_IOMMU_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "exec/memory.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_tce_storage.h"

#define TYPE_SPAPR_TCE_TABLE "spapr-tce-table"
OBJECT_DECLARE_SIMPLE_TYPE(SpaprTceTable, SPAPR_TCE_TABLE)

#define SPAPR_TCE_PAGE_SHIFT    12
#define SPAPR_TCE_PAGE_SIZE     (1ULL << SPAPR_TCE_PAGE_SHIFT)
#define SPAPR_TCE_PAGE_MASK     (SPAPR_TCE_PAGE_SIZE - 1)

/* Largest TCE list of H_PUT_TCE_INDIRECT (one 4 KiB page of u64). */
#define SPAPR_TCE_INDIRECT_MAX  512

/* PCI LIOBNs: 0x80000000 | phb_index << 8 | window number. */
#define SPAPR_PCI_LIOBN(phb_index, window_num) \
    (0x80000000U | ((uint32_t)(phb_index) << 8) | (window_num))
#define SPAPR_IS_PCI_LIOBN(liobn)       (!!((liobn) & 0x80000000U))
#define SPAPR_PCI_DMA_WINDOW_NUM(liobn) ((liobn) & 0xff)

struct SpaprTceTable {
    DeviceState parent_obj;

    uint32_t liobn;
    /* Geometry; nb_table == 0 means disabled (and page_shift, bus_offset 0). */
    uint32_t nb_table;
    uint32_t page_shift;
    uint64_t bus_offset;
    /* The entries; NULL while disabled. */
    SpaprTceStorage *storage;
    /* Set while at least one IOMMU notifier is registered on @iommu. */
    bool need_vfio;
    /* Set by the owner's DMA reset on its default window (QEMU 7.1+). */
    bool def_win;
    /* Consumer resynchronisations that failed (see the header comment). */
    uint64_t resync_failures;

    /* The machine whose registry holds us; NULL once unrealized. */
    SpaprMachineState *spapr;
    MemoryRegion root;
    IOMMUMemoryRegion iommu;
};

/*
 * Create the table for @liobn as child "tce-table-<liobn>" of @owner and
 * register it in the machine's LIOBN registry.  It starts disabled.
 * Fails if the LIOBN is already registered.
 */
SpaprTceTable *spapr_tce_new_table(SpaprMachineState *spapr,
                                   DeviceState *owner, uint32_t liobn,
                                   Error **errp);

/* Unparent a table: disabled, unregistered, then freed. */
void spapr_tce_table_destroy(SpaprTceTable *tcet);

/* The table registered for @liobn, or NULL.  Only the low 32 bits count;
 * a value with any higher bit set finds nothing. */
SpaprTceTable *spapr_tce_find_by_liobn(SpaprMachineState *spapr,
                                       target_ulong liobn);

/*
 * Enable the window: @nb_table entries of 2^@page_shift bytes at bus address
 * @bus_offset.  Listeners of the owner's DMA address space see region_add
 * before this returns.  Fails, changing nothing, if the table is enabled,
 * nb_table is 0, page_shift is outside [12, 63] or the window would wrap
 * past 2^64, or if a consumer of the DMA address space refuses the window
 * (a VFIO container whose host cannot honour it; the error says why):
 * see spapr_tce_table_check_window().
 */
bool spapr_tce_table_enable(SpaprTceTable *tcet, uint32_t page_shift,
                            uint64_t bus_offset, uint32_t nb_table,
                            Error **errp);

/*
 * Would spapr_tce_table_enable() of this geometry succeed?  The table's
 * rules, then the consumers' veto (memory_region_iommu_check_window());
 * @replaces_all: every other window of the address space is disabled
 * first (a DMA reset).  Changes nothing.
 */
bool spapr_tce_table_check_window(SpaprTceTable *tcet, uint32_t page_shift,
                                  uint64_t bus_offset, uint32_t nb_table,
                                  bool replaces_all, Error **errp);

/*
 * Enable without asking the consumers, for the paths that cannot fail
 * (machine and PHB DMA reset, the default window coming back): the window
 * is in the guest view whatever the consumers think; one that cannot honour
 * it marks it broken and says so (VFIO: every put on it gets H_HARDWARE and
 * the VFIO_WINDOW_BROKEN event is sent).  Fails only on the table's own
 * rules, as spapr_tce_table_enable().
 */
bool spapr_tce_table_enable_forced(SpaprTceTable *tcet, uint32_t page_shift,
                                   uint64_t bus_offset, uint32_t nb_table,
                                   Error **errp);

/* Disable the window (no-op if disabled); listeners see region_del. */
void spapr_tce_table_disable(SpaprTceTable *tcet);

/* True if the window is enabled. */
static inline bool spapr_tce_table_enabled(const SpaprTceTable *tcet)
{
    return tcet->nb_table != 0;
}

/* Window size in bytes (0 while disabled). */
static inline uint64_t spapr_tce_table_window_size(const SpaprTceTable *tcet)
{
    return (uint64_t)tcet->nb_table << tcet->page_shift;
}

/*
 * Clear every entry, sending UNMAP blocks for the valid ones (QEMU clears
 * the table without notifying; here consumers stay in sync).  Device reset.
 * Costs O(runs in use) and allocates nothing in proportion to the entries.
 */
void spapr_tce_table_clear(SpaprTceTable *tcet);

/*
 * Hand the table's entries to @storage (same number of entries, empty) and
 * free the old storage: the "owner change" used when a table moves between
 * user space and the kernel.  No notification: translations do not change.
 * Takes ownership of @storage.  If the entries do not fit into it (its
 * budget, host memory), @storage is destroyed, the table keeps its storage,
 * @errp is set and false returned.
 */
bool spapr_tce_table_set_storage(SpaprTceTable *tcet, SpaprTceStorage *storage,
                                 Error **errp);

/*
 * The kernel fast path answered a TCE hcall for @liobn (hw/ppc/spapr_hcall.c):
 * from now on the kernel may have written the table behind user space's back
 * (spapr_tce_storage_kernel_exposed()).  No-op for a user-owned table.
 */
void spapr_tce_kernel_handled(SpaprMachineState *spapr, target_ulong liobn);

/* The container the owner maps into its DMA address space. */
MemoryRegion *spapr_tce_get_iommu(SpaprTceTable *tcet);

/* Register the four TCE hypercalls in the machine's table. */
void spapr_tce_hcalls_init(SpaprMachineState *spapr);

/* Register QMP x-query-spapr-tce and HMP "info tce". */
void spapr_tce_monitor_init(void);

/* Call @fn for each registered table, ordered by LIOBN. */
void spapr_tce_table_foreach(SpaprMachineState *spapr,
                             void (*fn)(SpaprTceTable *tcet, void *opaque),
                             void *opaque);

#endif /* HW_PPC_SPAPR_IOMMU_H */
