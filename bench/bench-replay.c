/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay of a 2^31-entry TCE window: sparse user storage (walk of the valid
 * entries) against QEMU's dense walk (read every entry), side by side.
 *
 *   bench-replay [--dense-entries N] [--run-length L] [--small-only]
 *
 * --dense-entries N: walk only the first N entries of the dense array and
 *                    extrapolate linearly to the whole window (default
 *                    2^26: on kernels that back each read fault of
 *                    anonymous memory with a fresh zero-filled page, as the
 *                    one the figures in docs/benchmarks.md come from, a
 *                    full walk would make 16 GiB resident).
 * --run-length L:    the 10^6-entry case places runs of L contiguous entries
 *                    at random (default 16; 1 spreads every entry on its own,
 *                    which costs ~4 GiB for each representation).
 * --small-only:      run the 10^3-entry case only.
 *
 * Each case is also replayed the way a late consumer (VFIO at hotplug) gets
 * it: memory_region_iommu_replay() on a real spapr-tce-table holding the
 * same entries, into a notifier that counts events and the entries they
 * cover.  A last case is a guest's direct map of its RAM (2^20 contiguous
 * 64 KiB TCEs whose addresses advance with the index), which that replay
 * hands on as aligned power-of-two blocks.
 */

#include "qemu/osdep.h"
#include "bench-util.h"
#include <sys/mman.h>
#include <time.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/ppc/spapr_tce_storage.h"
#include "system/system.h"

#define WINDOW_ENTRIES  (1ULL << 31)
#define DEFAULT_DENSE_ENTRIES (1ULL << 26)

typedef struct ReplayAcc {
    uint64_t n;
    uint64_t sum;
} ReplayAcc;

/* What a replay does per valid entry: hand it to a notifier. */
static __attribute__((noinline)) void notify(ReplayAcc *acc, uint64_t index,
                                             uint64_t tce)
{
    acc->n++;
    acc->sum += index ^ tce;
}

static int notify_walk_fn(void *opaque, uint64_t index, uint64_t tce)
{
    notify(opaque, index, tce);
    return 0;
}

static uint64_t tce_for(uint64_t index)
{
    return ((index + 1) << 12) | (1 + index % 3);
}

/* What QEMU's replay does per valid entry of the dense walk: notify it. */
static void dense_visit(void *opaque, uint64_t index, uint64_t tce)
{
    notify(opaque, index, tce);
}

static void dense_walk(const uint64_t *table, uint64_t nb, ReplayAcc *acc)
{
    bench_dense_walk(table, nb, 12, dense_visit, acc);
}

static void report_empty_cost(void)
{
    uint64_t rss0, size0, rss1, size1;
    SpaprTceStorage *s;

    bench_vm_status(&rss0, &size0);
    s = spapr_tce_storage_new_user(WINDOW_ENTRIES, 12, NULL);
    bench_vm_status(&rss1, &size1);
    printf("empty 2^31-entry user storage: bytes_used %" PRIu64
           " B; VmRSS %+" PRId64 " KiB, VmSize %+" PRId64 " KiB\n",
           spapr_tce_storage_bytes_used(s), (int64_t)(rss1 - rss0),
           (int64_t)(size1 - size0));
    spapr_tce_storage_destroy(s);
}

/* Walk the first @nb entries of @dense; return ns and check against @s. */
static uint64_t timed_dense_walk(const uint64_t *dense, uint64_t nb,
                                 SpaprTceStorage *s, ReplayAcc *acc)
{
    ReplayAcc want = { 0 };
    uint64_t t0 = bench_now_ns(), ns;

    dense_walk(dense, nb, acc);
    ns = bench_now_ns() - t0;
    spapr_tce_storage_for_each_valid(s, 0, nb - 1, notify_walk_fn, &want);
    if (acc->n != want.n || acc->sum != want.sum) {
        printf("MISMATCH: sparse and dense replays disagree over [0, %"
               PRIu64 "]\n", nb - 1);
        exit(1);
    }
    return ns;
}

static double per_second(uint64_t n, uint64_t ns)
{
    return n / (ns / 1e9);
}

/* ---- Replay through a real TCE table ---------------------------------- */

#define BENCH_LIOBN 0x80000001U

static const TypeInfo bench_owner_info = {
    .name = "bench-replay-owner",
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
};

static SpaprTceTable *bench_tcet;

typedef struct CountNotifier {
    IOMMUNotifier n;
    uint64_t events;
    uint64_t pages;         /* entries covered */
    unsigned page_shift;
} CountNotifier;

static int count_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    CountNotifier *c = container_of(n, CountNotifier, n);

    c->events++;
    c->pages += (ev->entry.addr_mask >> c->page_shift) + 1;
    return 0;
}

/* A pseries machine with one table, re-enabled for each case. */
static SpaprTceTable *bench_table(unsigned page_shift)
{
    if (!bench_tcet) {
        SpaprMachineState *spapr;
        DeviceState *owner;

        type_register_static(&bench_owner_info);
        memory_map_init();
        system_create_machine("pseries", 1ULL << 30, &error_fatal);
        spapr = spapr_machine();
        /* The default PHB owns LIOBNs 0x80000000/1: free them. */
        object_unparent(OBJECT(spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID)));
        owner = qdev_new("bench-replay-owner");
        object_property_add_child(container_get(qdev_get_machine(),
                                                "unattached"),
                                  "owner", OBJECT(owner));
        object_unref(OBJECT(owner));
        qdev_realize(owner, NULL, &error_fatal);
        bench_tcet = spapr_tce_new_table(spapr, owner, BENCH_LIOBN,
                                         &error_fatal);
        spapr->tce_budget.limit = 0;        /* the bench measures, not caps */
    }
    spapr_tce_table_disable(bench_tcet);
    spapr_tce_table_enable(bench_tcet, page_shift, 0, WINDOW_ENTRIES,
                           &error_fatal);
    return bench_tcet;
}

/* Best-of-@reps memory_region_iommu_replay() of @tcet; returns ns. */
static uint64_t table_replay(SpaprTceTable *tcet, unsigned reps,
                             CountNotifier *out)
{
    uint64_t best = UINT64_MAX;

    for (unsigned rep = 0; rep < reps; rep++) {
        CountNotifier c = { .page_shift = tcet->page_shift };
        Error *err = NULL;
        uint64_t t0;

        iommu_notifier_init(&c.n, count_notify, IOMMU_NOTIFIER_IOTLB_EVENTS,
                            0, HWADDR_MAX, 0);
        t0 = bench_now_ns();
        if (!memory_region_iommu_replay(&tcet->iommu, &c.n, &err)) {
            error_report_err(err);
            exit(1);
        }
        best = MIN(best, bench_now_ns() - t0);
        *out = c;
    }
    return best;
}

static void report_table_replay(const uint64_t *indexes, uint64_t nb_valid,
                                unsigned reps, uint64_t per_entry_best)
{
    SpaprTceTable *tcet = bench_table(12);
    CountNotifier c;
    uint64_t best;

    for (uint64_t i = 0; i < nb_valid; i++) {
        g_assert(spapr_tce_storage_set(tcet->storage, indexes[i],
                                       tce_for(indexes[i])) == 0);
    }
    best = table_replay(tcet, reps, &c);
    g_assert(c.pages == nb_valid);
    printf("table replay (memory_region_iommu_replay on a spapr-tce-table, "
           "runs as aligned blocks): %.3f us best of %u, %" PRIu64
           " events covering %" PRIu64 " entries; per-entry storage walk "
           "above: %.3f us (ratio %.2f)\n", best / 1e3, reps, c.events,
           c.pages, per_entry_best / 1e3, (double)best / per_entry_best);
    spapr_tce_table_disable(tcet);
}

/*
 * A guest direct-mapping 64 GiB of RAM through a DDW of 64 KiB pages, one
 * entry at a time in ascending order (as H_PUT_TCE_INDIRECT writes it):
 * memory and replay against the dense table QEMU keeps.
 */
static void run_direct_map(uint64_t dense_entries)
{
    const uint64_t nb = 1ULL << 20;
    SpaprTceTable *tcet = bench_table(16);
    uint64_t t0, t_fill, best_walk = UINT64_MAX, walk_ns, best;
    uint64_t *dense;
    CountNotifier c;
    ReplayAcc acc = { 0 };
    uint64_t walk_entries = MIN(dense_entries, WINDOW_ENTRIES);

    printf("\n== direct map: %" PRIu64 " contiguous 64 KiB TCEs, addresses "
           "advancing with the index, in a 2^31-entry window ==\n", nb);
    t0 = bench_now_ns();
    for (uint64_t i = 0; i < nb; i++) {
        g_assert(spapr_tce_storage_set(tcet->storage, i, (i << 16) | 3) == 0);
    }
    t_fill = bench_now_ns() - t0;
    best = table_replay(tcet, 20, &c);
    g_assert(c.pages == nb);
    for (int rep = 0; rep < 5; rep++) {
        ReplayAcc a = { 0 };

        t0 = bench_now_ns();
        spapr_tce_storage_for_each_valid(tcet->storage, 0, WINDOW_ENTRIES - 1,
                                         notify_walk_fn, &a);
        best_walk = MIN(best_walk, bench_now_ns() - t0);
        acc = a;
    }
    g_assert(acc.n == nb);
    /* QEMU: 8 bytes per entry of the window, and a walk of all of them. */
    dense = mmap(NULL, walk_entries * 8, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (dense == MAP_FAILED) {
        perror("mmap dense table");
        exit(1);
    }
    for (uint64_t i = 0; i < MIN(nb, walk_entries); i++) {
        dense[i] = (i << 16) | 3;
    }
    {
        ReplayAcc a = { 0 };

        dense_walk(dense, walk_entries, &a);     /* fault it in */
        a = (ReplayAcc) { 0 };
        t0 = bench_now_ns();
        dense_walk(dense, walk_entries, &a);
        walk_ns = bench_now_ns() - t0;
    }
    munmap(dense, walk_entries * 8);
    printf("stored one entry at a time: %.3g entries/s; bytes_used %" PRIu64
           " B (dense: %" PRIu64 " MiB for these entries, %" PRIu64
           " MiB for the window)\n", per_second(nb, t_fill),
           spapr_tce_storage_bytes_used(tcet->storage), nb * 8 >> 20,
           (uint64_t)(WINDOW_ENTRIES * 8 >> 20));
    printf("table replay: %.3f us best of 20, %" PRIu64 " events covering %"
           PRIu64 " entries (aligned power-of-two blocks)\n", best / 1e3,
           c.events, c.pages);
    printf("per-entry walk of the same storage: %.3f us best of 5 (%" PRIu64
           " entries); ratio %.3g x\n", best_walk / 1e3, acc.n,
           (double)best_walk / best);
    printf("dense walk, warm, measured over %" PRIu64 " entries, "
           "extrapolated x%.0f to 2^31: %.3f s; ratio dense/table replay "
           "%.3g x\n", walk_entries, (double)WINDOW_ENTRIES / walk_entries,
           walk_ns * ((double)WINDOW_ENTRIES / walk_entries) / 1e9,
           walk_ns * ((double)WINDOW_ENTRIES / walk_entries) / best);
    spapr_tce_table_disable(tcet);
}

static void run_case(uint64_t nb_valid, unsigned run_length,
                     uint64_t dense_entries, GRand *rand)
{
    const uint64_t window = WINDOW_ENTRIES;
    const size_t dense_bytes = window * sizeof(uint64_t);
    const double scale = (double)window / dense_entries;
    uint64_t rss0, size0, rss1, size1, rss2, size2, rss3, size3;
    uint64_t t0, t_fill, t_over, t_clear, best, first_ns, total;
    uint64_t cold_ns, warm_ns, leaves, interior, placed = 0;
    ReplayAcc sparse_acc = { 0 }, cold_acc = { 0 }, warm_acc = { 0 };
    SpaprTceStorage *s;
    uint64_t *dense, *indexes;
    unsigned rep, reps;

    printf("\n== window 2^31 entries, %" PRIu64 " valid entries "
           "(random runs of %u contiguous entries) ==\n", nb_valid, run_length);

    /* Pick the indexes first, so that the fill timing is set() alone. */
    s = spapr_tce_storage_new_user(window, 12, NULL);
    indexes = g_new(uint64_t, nb_valid);
    while (placed < nb_valid) {
        uint64_t len = MIN(run_length, nb_valid - placed);
        uint64_t start = ((uint64_t)g_rand_int(rand) << 32 |
                          g_rand_int(rand)) % (window - len + 1);
        uint64_t i;

        for (i = 0; i < len && !spapr_tce_storage_get(s, start + i); i++) {
        }
        if (i < len) {
            continue;       /* overlaps an earlier run: draw again */
        }
        for (i = 0; i < len; i++) {
            spapr_tce_storage_set(s, start + i, 1);
            indexes[placed++] = start + i;
        }
    }
    spapr_tce_storage_destroy(s);

    bench_vm_status(&rss0, &size0);
    s = spapr_tce_storage_new_user(window, 12, NULL);
    t0 = bench_now_ns();
    for (uint64_t i = 0; i < nb_valid; i++) {
        spapr_tce_storage_set(s, indexes[i], tce_for(indexes[i]));
    }
    t_fill = bench_now_ns() - t0;
    t0 = bench_now_ns();
    for (uint64_t i = 0; i < nb_valid; i++) {
        spapr_tce_storage_set(s, indexes[i], tce_for(indexes[i]) ^ 0x3000);
    }
    t_over = bench_now_ns() - t0;
    for (uint64_t i = 0; i < nb_valid; i++) {
        spapr_tce_storage_set(s, indexes[i], tce_for(indexes[i]));
    }
    bench_vm_status(&rss1, &size1);
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert(spapr_tce_storage_count_valid(s) == nb_valid);

    /* Sparse replay: best of several runs, and the first one. */
    reps = nb_valid <= 1000 ? 200 : 5;
    best = UINT64_MAX;
    total = 0;
    first_ns = 0;
    for (rep = 0; rep < reps; rep++) {
        ReplayAcc acc = { 0 };
        uint64_t ns;

        t0 = bench_now_ns();
        spapr_tce_storage_for_each_valid(s, 0, window - 1, notify_walk_fn,
                                         &acc);
        ns = bench_now_ns() - t0;
        if (!rep) {
            first_ns = ns;
        }
        best = MIN(best, ns);
        total += ns;
        sparse_acc = acc;
    }
    g_assert(sparse_acc.n == nb_valid);

    /* Dense array with the same contents. */
    dense = mmap(NULL, dense_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (dense == MAP_FAILED) {
        perror("mmap dense table");
        exit(1);
    }
    for (uint64_t i = 0; i < nb_valid; i++) {
        dense[indexes[i]] = tce_for(indexes[i]);
    }
    bench_vm_status(&rss2, &size2);
    cold_ns = timed_dense_walk(dense, dense_entries, s, &cold_acc);
    bench_vm_status(&rss3, &size3);
    warm_ns = timed_dense_walk(dense, dense_entries, s, &warm_acc);

    printf("sparse store: %" PRIu64 " leaves + %" PRIu64 " interior nodes\n",
           leaves, interior);
    printf("sparse set(): %.3g/s filling (new leaves, allocation included), "
           "%.3g/s overwriting\n", per_second(nb_valid, t_fill),
           per_second(nb_valid, t_over));
    printf("memory: sparse bytes_used %" PRIu64 " B = %.2f MiB (VmRSS %+.1f "
           "MiB) vs dense %zu B = 16 GiB virtual (VmSize %+.1f MiB)\n",
           spapr_tce_storage_bytes_used(s),
           spapr_tce_storage_bytes_used(s) / 1048576.0,
           ((double)rss1 - rss0) / 1024.0, dense_bytes,
           ((double)size2 - size1) / 1024.0);
    printf("sparse replay: %.3f us best of %u (first run %.3f us, mean "
           "%.3f us), %" PRIu64 " entries notified\n",
           best / 1e3, reps, first_ns / 1e3, total / 1e3 / reps, sparse_acc.n);
    printf("dense walk, measured over entries [0, %" PRIu64 "] (%.1f MiB, "
           "%" PRIu64 " valid there, same entries notified as the sparse "
           "walk of that range):\n", dense_entries - 1,
           dense_entries * 8 / 1048576.0, cold_acc.n);
    printf("  cold (first touch): %.3f s; VmRSS %+.1f MiB: %s\n",
           cold_ns / 1e9, ((double)rss3 - rss2) / 1024.0,
           (rss3 - rss2) * 1024.0 > dense_entries * 8 / 2.0
           ? "this kernel backs each read fault with a new zero-filled page "
             "(no shared zero page), as it would QEMU's calloc'd table"
           : "untouched pages read the shared zero page");
    printf("  warm (resident):    %.3f s\n", warm_ns / 1e9);
    if (dense_entries == window) {
        printf("  whole window measured, nothing extrapolated\n");
    } else {
        printf("  extrapolated x%.0f to 2^31 entries: cold %.3f s, warm "
               "%.3f s\n", scale, cold_ns * scale / 1e9,
               warm_ns * scale / 1e9);
    }
    printf("ratio dense/sparse replay: %.3g x against the warm dense walk, "
           "%.3g x against the cold one (sparse best %.3f us)\n",
           warm_ns * scale / best, cold_ns * scale / best, best / 1e3);
    munmap(dense, dense_bytes);
    report_table_replay(indexes, nb_valid, reps, best);

    t0 = bench_now_ns();
    for (uint64_t i = 0; i < nb_valid; i++) {
        spapr_tce_storage_set(s, indexes[i], 0);
    }
    t_clear = bench_now_ns() - t0;
    printf("sparse set(0): %.3g/s clearing (leaves freed); bytes_used back "
           "to %" PRIu64 " B\n", per_second(nb_valid, t_clear),
           spapr_tce_storage_bytes_used(s));
    spapr_tce_storage_destroy(s);
    g_free(indexes);
}

int main(int argc, char **argv)
{
    guint64 dense_entries = DEFAULT_DENSE_ENTRIES;
    gint run_length = 16;
    gboolean small_only = false;
    GOptionEntry entries[] = {
        { "dense-entries", 0, 0, G_OPTION_ARG_INT64, &dense_entries,
          "walk only the first N dense entries and extrapolate", "N" },
        { "run-length", 0, 0, G_OPTION_ARG_INT, &run_length,
          "contiguous entries per random run in the 10^6 case", "L" },
        { "small-only", 0, 0, G_OPTION_ARG_NONE, &small_only,
          "run the 10^3-entry case only", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;
    GRand *rand;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "bench-replay: %s\n", gerr->message);
        return 1;
    }
    if (dense_entries < 1 || dense_entries > WINDOW_ENTRIES ||
        run_length < 1 || run_length > 4096) {
        fprintf(stderr, "bench-replay: --dense-entries must be in [1, 2^31], "
                "--run-length in [1, 4096]\n");
        return 1;
    }

    printf("bench-replay: replay of a 2^31-entry TCE window, sparse user "
           "storage vs dense walk\n");
    printf("dense walk = what QEMU's replay does: translate() through a "
           "function pointer for every page of a dense 16 GiB "
           "MAP_NORESERVE|MAP_ANONYMOUS table, notifying the valid entries; "
           "pages never written hold zeros\n");
    report_empty_cost();

    rand = g_rand_new_with_seed(20250601);
    run_case(1000, 1, dense_entries, rand);
    if (!small_only) {
        run_case(1000000, run_length, dense_entries, rand);
        run_direct_map(dense_entries);
    }
    g_rand_free(rand);
    return 0;
}
