/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dynamic DMA Windows (LoPAPR "DDW" option): the RTAS calls
 * ibm,query-pe-dma-window, ibm,create-pe-dma-window,
 * ibm,remove-pe-dma-window and ibm,reset-pe-dma-window.
 *
 * The whole PHB is one PE: config_addr is read but only traced, the BUID
 * selects the PHB.  Every argument is checked before anything changes, so
 * a call that fails leaves the windows as they were.  QEMU 7.2's checks,
 * outputs and status codes are kept; where QEMU crashes, shifts by 64 or
 * more, or loses the default window, this file differs on purpose:
 * docs/user/ddw.md lists each difference.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/range.h"
#include "hw/pci-host/spapr.h"
#include "trace.h"

/* Largest block advertised by query: QEMU's constants (docs/user/ddw.md). */
#define DDW_LARGEST_BLOCK_32        0x80000000U
#define DDW_LARGEST_BLOCK_64_HI     0x00000020U
#define DDW_LARGEST_BLOCK_64_LO     0x00000000U
/* Migration capability cell: none. */
#define DDW_MIGRATION_CAPS          0

/* A window cannot hold more than 2^31 TCEs (QEMU's nb_table is 32-bit and
 * 2^32 truncates to 0): window_shift - page_shift must stay below this. */
#define DDW_MAX_ENTRIES_SHIFT       32

/* LoPAPR page-size bits reported by query (docs/user/ddw.md, rule 4). */
static const struct {
    unsigned shift;
    uint32_t lopapr_bit;
} ddw_page_sizes[] = {
    { 12, 0x001 },  /* 4 KiB */
    { 16, 0x002 },  /* 64 KiB */
    { 24, 0x004 },  /* 16 MiB */
    { 25, 0x008 },  /* 32 MiB */
    { 26, 0x010 },  /* 64 MiB */
    { 27, 0x020 },  /* 128 MiB */
    { 28, 0x040 },  /* 256 MiB */
    { 34, 0x080 },  /* 16 GiB */
    { 21, 0x100 },  /* 2 MiB */
};

/* The query mask for a "pgsz" bit mask; sizes without a LoPAPR bit drop. */
static uint32_t ddw_page_mask(uint64_t page_size_mask)
{
    uint32_t mask = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(ddw_page_sizes); i++) {
        if (page_size_mask & (1ULL << ddw_page_sizes[i].shift)) {
            mask |= ddw_page_sizes[i].lopapr_bit;
        }
    }
    return mask;
}

/* Wrong nargs/nret: PARAM_ERROR in rets[0] only (written even if nret 0). */
static bool ddw_check_cells(const char *name, uint32_t nargs,
                            uint32_t want_args, uint32_t nret, bool nret_ok,
                            target_ulong rets)
{
    if (nargs == want_args && nret_ok) {
        return true;
    }
    trace_spapr_ddw_bad_cells(name, nargs, nret);
    rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
    return false;
}

/* The DDW-capable PHB named by args[1..2], or NULL (PARAM_ERROR written). */
static SpaprPhbState *ddw_find_phb(SpaprMachineState *spapr, const char *name,
                                   target_ulong args, target_ulong rets)
{
    uint32_t config_addr = rtas_ld(args, 0);
    uint64_t buid = ((uint64_t)rtas_ld(args, 1) << 32) | rtas_ld(args, 2);
    SpaprPhbState *phb = spapr_pci_find_phb(spapr, buid);

    if (!phb || !phb->ddw_enabled) {
        trace_spapr_ddw_bad_phb(name, config_addr, buid, phb != NULL);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return NULL;
    }
    return phb;
}

/* ibm,query-pe-dma-window: cfg, BUID hi, BUID lo; 5 or 6 outputs. */
static void rtas_ibm_query_pe_dma_window(SpaprMachineState *spapr,
                                         uint32_t token, uint32_t nargs,
                                         target_ulong args, uint32_t nret,
                                         target_ulong rets)
{
    SpaprPhbState *phb;
    uint32_t avail, pgmask;

    if (!ddw_check_cells("ibm,query-pe-dma-window", nargs, 3, nret,
                         nret == 5 || nret == 6, rets)) {
        return;
    }
    phb = ddw_find_phb(spapr, "ibm,query-pe-dma-window", args, rets);
    if (!phb) {
        return;
    }
    avail = SPAPR_PCI_DMA_MAX_WINDOWS - spapr_phb_dma_windows_enabled(phb);
    pgmask = ddw_page_mask(phb->page_size_mask);
    trace_spapr_ddw_query(phb->buid, avail, pgmask, nret);

    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
    rtas_st(rets, 1, avail);
    if (nret == 6) {
        /* The 64-bit largest block of the PAPR 2.8 extension. */
        rtas_st(rets, 2, DDW_LARGEST_BLOCK_64_HI);
        rtas_st(rets, 3, DDW_LARGEST_BLOCK_64_LO);
        rtas_st(rets, 4, pgmask);
        rtas_st(rets, 5, DDW_MIGRATION_CAPS);
    } else {
        rtas_st(rets, 2, DDW_LARGEST_BLOCK_32);
        rtas_st(rets, 3, pgmask);
        rtas_st(rets, 4, DDW_MIGRATION_CAPS);
    }
}

/* The first disabled table in window-number order, or NULL. */
static SpaprTceTable *ddw_free_table(SpaprPhbState *phb)
{
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        if (phb->tcet[i] && !spapr_tce_table_enabled(phb->tcet[i])) {
            return phb->tcet[i];
        }
    }
    return NULL;
}

/*
 * Where the new window goes: dma_win_addr unless an enabled window already
 * starts there, else dma64_win_addr.  QEMU picks dma64_win_addr whenever
 * any window is enabled, which overlaps a lone DDW left after the default
 * window was removed (docs/user/ddw.md, difference 5).
 */
static uint64_t ddw_bus_offset(SpaprPhbState *phb)
{
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        SpaprTceTable *tcet = phb->tcet[i];

        if (tcet && spapr_tce_table_enabled(tcet) &&
            tcet->bus_offset == phb->dma_win_addr) {
            return phb->dma64_win_addr;
        }
    }
    return phb->dma_win_addr;
}

/*
 * Why a window of 2^@window_shift bytes with 2^@page_shift pages cannot
 * sit at @bus, or NULL if it can: 2^64 bytes or more, misaligned, past
 * 2^64, or overlapping another enabled window of the PHB.
 */
static const char *ddw_placement_problem(SpaprPhbState *phb, uint64_t bus,
                                         unsigned page_shift,
                                         unsigned window_shift)
{
    uint64_t last;

    /* Only reached with pages over 2^32 bytes (2^31 TCEs at most). */
    if (window_shift >= 64) {
        return "window of 2^64 bytes or more";
    }
    last = bus + ((1ULL << window_shift) - 1);
    if (bus & ((1ULL << page_shift) - 1)) {
        return "bus address not aligned to the page size";
    }
    if (last < bus) {
        return "window wraps past 2^64";
    }
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        SpaprTceTable *tcet = phb->tcet[i];

        if (tcet && spapr_tce_table_enabled(tcet) &&
            ranges_overlap64(bus, last - bus + 1, tcet->bus_offset,
                             spapr_tce_table_window_size(tcet))) {
            return "overlaps an enabled window";
        }
    }
    return NULL;
}

/*
 * ibm,create-pe-dma-window: cfg, BUID hi, BUID lo, page_shift,
 * window_shift -> status, LIOBN, bus address hi, lo.  O(1) whatever the
 * size: the new table is sparse and empty, and nothing walks it.
 */
static void rtas_ibm_create_pe_dma_window(SpaprMachineState *spapr,
                                          uint32_t token, uint32_t nargs,
                                          target_ulong args, uint32_t nret,
                                          target_ulong rets)
{
    SpaprPhbState *phb;
    SpaprTceTable *tcet;
    uint32_t page_shift, window_shift;
    const char *problem;
    Error *err = NULL;
    uint64_t bus;

    if (!ddw_check_cells("ibm,create-pe-dma-window", nargs, 5, nret,
                         nret == 4, rets)) {
        return;
    }
    phb = ddw_find_phb(spapr, "ibm,create-pe-dma-window", args, rets);
    if (!phb) {
        return;
    }
    page_shift = rtas_ld(args, 3);
    window_shift = rtas_ld(args, 4);

    /* pgsz is a 64-bit mask: a shift of 64 or more names no page size. */
    if (page_shift >= 64 || !(phb->page_size_mask & (1ULL << page_shift)) ||
        window_shift < page_shift) {
        trace_spapr_ddw_create_bad_shift(phb->buid, page_shift, window_shift,
                                         phb->page_size_mask);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    tcet = ddw_free_table(phb);
    if (!tcet) {
        trace_spapr_ddw_create_no_window(phb->buid,
                                         spapr_phb_dma_windows_enabled(phb));
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    /* QEMU's 32-bit nb_table truncates 2^32 entries or more to 0: HW_ERROR
     * there too, but here nothing is attached to the table.  This also
     * covers window_shift >= 64 with small pages: QEMU gives HW_ERROR for
     * (12, 64), and shifts by 64 or more (undefined) from (12, 76) on. */
    if (window_shift - page_shift >= DDW_MAX_ENTRIES_SHIFT) {
        trace_spapr_ddw_create_too_big(phb->buid, page_shift, window_shift);
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    bus = ddw_bus_offset(phb);
    problem = ddw_placement_problem(phb, bus, page_shift, window_shift);
    if (problem) {
        trace_spapr_ddw_create_no_room(phb->buid, bus, page_shift,
                                       window_shift, problem);
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    if (!spapr_tce_table_enable(tcet, page_shift, bus,
                                1U << (window_shift - page_shift), &err)) {
        /*
         * The checks above cover the table's rules: a consumer of the
         * PHB's DMA space (a VFIO host IOMMU) cannot honour the window.
         * Nothing was added; HW_ERROR as for every other create failure.
         */
        trace_spapr_ddw_create_refused(phb->buid, bus, page_shift,
                                       window_shift, error_get_pretty(err));
        error_free(err);
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    /* A DDW, even on the default window's LIOBN: its removal as the last
     * window must bring the default window back (docs/user/ddw.md). */
    tcet->def_win = false;
    trace_spapr_ddw_create(phb->buid, tcet->liobn, bus, page_shift,
                           window_shift);

    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
    rtas_st(rets, 1, tcet->liobn);
    rtas_st(rets, 2, bus >> 32);
    rtas_st(rets, 3, bus & UINT32_MAX);
}

/* ibm,remove-pe-dma-window: LIOBN -> status. */
static void rtas_ibm_remove_pe_dma_window(SpaprMachineState *spapr,
                                          uint32_t token, uint32_t nargs,
                                          target_ulong args, uint32_t nret,
                                          target_ulong rets)
{
    SpaprTceTable *tcet;
    SpaprPhbState *phb;
    uint32_t liobn;
    bool was_default, restore;

    if (!ddw_check_cells("ibm,remove-pe-dma-window", nargs, 1, nret,
                         nret == 1, rets)) {
        return;
    }
    liobn = rtas_ld(args, 0);
    tcet = spapr_tce_find_by_liobn(spapr, liobn);
    /* Only a PHB's own windows count: a VIO LIOBN is not a DMA window of
     * any PE (QEMU casts its owner to a PHB unchecked). */
    phb = tcet ? spapr_phb_of_table(tcet) : NULL;
    if (!phb || !phb->ddw_enabled || !spapr_tce_table_enabled(tcet)) {
        trace_spapr_ddw_remove_bad(liobn, !tcet ? "unknown LIOBN" :
                                   !phb ? "not a PHB window" :
                                   !phb->ddw_enabled ? "PHB without DDW" :
                                   "window not active");
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }

    was_default = tcet->def_win;
    spapr_tce_table_disable(tcet);
    /* PAPR: with no window left, the default window comes back, unless
     * the guest removed the default window itself. */
    restore = !was_default && spapr_phb_dma_windows_enabled(phb) == 0;
    trace_spapr_ddw_remove(phb->buid, liobn, was_default, restore);
    if (restore) {
        spapr_phb_dma_reset(phb);
    }
    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
}

/* ibm,reset-pe-dma-window: cfg, BUID hi, BUID lo -> status. */
static void rtas_ibm_reset_pe_dma_window(SpaprMachineState *spapr,
                                         uint32_t token, uint32_t nargs,
                                         target_ulong args, uint32_t nret,
                                         target_ulong rets)
{
    SpaprPhbState *phb;
    Error *err = NULL;

    if (!ddw_check_cells("ibm,reset-pe-dma-window", nargs, 3, nret,
                         nret == 1, rets)) {
        return;
    }
    phb = ddw_find_phb(spapr, "ibm,reset-pe-dma-window", args, rets);
    if (!phb) {
        return;
    }
    /*
     * The default window must be one every consumer can honour once the
     * other windows are gone; if not, fail and change nothing.
     */
    if (!spapr_tce_table_check_window(phb->tcet[0], SPAPR_TCE_PAGE_SHIFT,
                                      phb->dma_win_addr,
                                      phb->dma_win_size >> SPAPR_TCE_PAGE_SHIFT,
                                      true, &err)) {
        trace_spapr_ddw_reset_refused(phb->buid, error_get_pretty(err));
        error_free(err);
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    trace_spapr_ddw_reset(phb->buid);
    spapr_phb_dma_reset(phb);
    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
}

void spapr_rtas_ddw_init(SpaprMachineState *spapr)
{
    spapr_rtas_register(spapr, RTAS_IBM_QUERY_PE_DMA_WINDOW,
                        "ibm,query-pe-dma-window",
                        rtas_ibm_query_pe_dma_window);
    spapr_rtas_register(spapr, RTAS_IBM_CREATE_PE_DMA_WINDOW,
                        "ibm,create-pe-dma-window",
                        rtas_ibm_create_pe_dma_window);
    spapr_rtas_register(spapr, RTAS_IBM_REMOVE_PE_DMA_WINDOW,
                        "ibm,remove-pe-dma-window",
                        rtas_ibm_remove_pe_dma_window);
    spapr_rtas_register(spapr, RTAS_IBM_RESET_PE_DMA_WINDOW,
                        "ibm,reset-pe-dma-window",
                        rtas_ibm_reset_pe_dma_window);
}
