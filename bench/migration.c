/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration of the DMA state: save + load time and stream size for a
 * 2^31-TCE window with 10^6 scattered entries and for a direct-mapped
 * 2^31-TCE window, beside QEMU 7.2's figures (docs/benchmarks.md).
 *
 * In-process: machine A is populated and saved (migration_save_buffer()),
 * destroyed, machine B created and the stream loaded
 * (migration_load_buffer(), validation included).  Exit 1 when a target is
 * missed: scattered save + load < 0.5 s with a stream < 24 MiB; the
 * direct-mapped window one run and save + load < 10 ms.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/pci-host/spapr.h"
#include "migration/migration.h"
#include "system/system.h"
#include "bench-util.h"

#define RAM_SIZE    (1ULL << 30)
#define DDW_ENTRIES (1U << 31)
#define DDW_SHIFT   16

static SpaprTceTable *ddw_up(void)
{
    SpaprMachineState *spapr;
    SpaprPhbState *phb;

    memory_map_init();
    /* No storage limit: 10^6 isolated entries need more than the default. */
    if (!system_create_machine("pseries,tce-storage-limit=0", RAM_SIZE,
                               &error_abort)) {
        exit(1);
    }
    spapr = spapr_machine();
    machine_reset(MACHINE(spapr));
    phb = spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);
    if (!spapr_tce_table_enable(phb->tcet[1], DDW_SHIFT,
                                SPAPR_PCI_DMA64_WIN_ADDR_DEFAULT, DDW_ENTRIES,
                                &error_abort)) {
        exit(1);
    }
    return phb->tcet[1];
}

static void machine_down(void)
{
    machine_destroy(MACHINE(spapr_machine()));
    memory_map_cleanup();
}

typedef struct Figures {
    double fill_ms, save_ms, load_ms;
    MigrationStats st;
    uint64_t valid_after;
} Figures;

/* Populate with @fill, save, new machine, load. */
static Figures run(void (*fill)(SpaprTceTable *tcet))
{
    Figures f = { 0 };
    GByteArray *b;
    uint64_t t0, t1;
    SpaprTceTable *tcet = ddw_up();
    MigrationStats ls;

    t0 = bench_now_ns();
    fill(tcet);
    f.fill_ms = (bench_now_ns() - t0) / 1e6;
    t0 = bench_now_ns();
    b = migration_save_buffer(&f.st, &error_abort);
    t1 = bench_now_ns();
    f.save_ms = (t1 - t0) / 1e6;
    machine_down();

    tcet = ddw_up();
    spapr_tce_table_disable(tcet);      /* the stream re-enables it */
    t0 = bench_now_ns();
    if (!migration_load_buffer(b->data, b->len, &ls, &error_abort)) {
        exit(1);
    }
    t1 = bench_now_ns();
    f.load_ms = (t1 - t0) / 1e6;
    f.valid_after = spapr_tce_storage_count_valid(tcet->storage);
    g_byte_array_unref(b);
    machine_down();
    return f;
}

#define NSCATTER 1000000u

static void fill_scattered(SpaprTceTable *tcet)
{
    /* A stride coprime with 2^31: 10^6 distinct, isolated entries. */
    for (uint64_t i = 0; i < NSCATTER; i++) {
        uint64_t index = (i * 2147u + 7) % DDW_ENTRIES;
        uint64_t gpa = (i % (RAM_SIZE >> DDW_SHIFT)) << DDW_SHIFT;

        if (spapr_tce_storage_set(tcet->storage, index, gpa | 3) < 0) {
            fprintf(stderr, "bench-migration: cannot store entry %" PRIu64
                    "\n", i);
            exit(1);
        }
    }
}

/* All of guest RAM direct-mapped at the window's start: one advancing run
 * (every TCE must point into guest RAM, so a map covers RAM, not 2^31). */
static void fill_direct(SpaprTceTable *tcet)
{
    if (spapr_tce_storage_fill(tcet->storage, 0, RAM_SIZE >> DDW_SHIFT, 3,
                               true) < 0) {
        exit(1);
    }
}

int main(int argc, char **argv)
{
    Figures sc, dm;
    double mib;
    bool missed = false;

    sc = run(fill_scattered);
    dm = run(fill_direct);
    mib = sc.st.bytes / (1024.0 * 1024.0);

    printf("bench-migration: DMA state of one 2^31-TCE window (64 KiB pages), "
           "saved and loaded into a new machine\n");
    printf("%-28s %10s %10s %10s %10s %12s %12s\n", "window", "runs",
           "entries", "save ms", "load ms", "save+load", "stream");
    printf("%-28s %10" PRIu64 " %10" PRIu64 " %10.1f %10.1f %9.1f ms "
           "%8.2f MiB\n", "10^6 scattered entries", sc.st.runs, sc.st.entries,
           sc.save_ms, sc.load_ms, sc.save_ms + sc.load_ms, mib);
    printf("%-28s %10" PRIu64 " %10" PRIu64 " %10.3f %10.3f %9.3f ms "
           "%8" PRIu64 " B\n", "direct map (RAM, 1 run)", dm.st.runs,
           dm.st.entries, dm.save_ms, dm.load_ms, dm.save_ms + dm.load_ms,
           dm.st.bytes);
    printf("(populating the source: scattered %.1f ms, direct map %.3f ms)\n", sc.fill_ms, dm.fill_ms);
    printf("QEMU 7.2 (measured, 8 bytes per TCE, dense): 2^28 TCEs 10.0 s "
           "(~37 ns/TCE); 2^29-2^30 SIGSEGV; 2^31 'completes' with no TCE "
           "saved\n");
    printf("QEMU 7.2 at 37 ns/TCE for 2^31 TCEs would be %.0f s and a "
           "16 GiB stream, whatever the entries in use\n",
           37e-9 * DDW_ENTRIES);

    if (sc.valid_after != NSCATTER || sc.st.entries != NSCATTER) {
        printf("MISSED: the scattered entries did not all come back\n");
        missed = true;
    }
    if (sc.save_ms + sc.load_ms >= 500 || mib >= 24) {
        printf("MISSED: scattered: save+load >= 0.5 s or stream >= 24 MiB\n");
        missed = true;
    }
    if (dm.st.runs != 1 || dm.save_ms + dm.load_ms >= 10) {
        printf("MISSED: direct map: more than one run or save+load >= 10 ms\n");
        missed = true;
    }
    printf("targets (10^6 scattered: < 0.5 s and < 24 MiB; direct map: 1 run, "
           "< 10 ms): %s\n", missed ? "MISSED" : "met");
    return missed ? 1 : 0;
}
