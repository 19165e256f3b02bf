/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay of a 2^31-entry TCE window: sparse user storage (walk of the valid
 * entries) against QEMU's dense walk (read every entry), side by side.
 *
 *   bench-replay [--dense-entries N] [--run-length L] [--small-only]
 *
 * --dense-entries N: walk only the first N entries of the dense array and
 *                    extrapolate linearly to the whole window.
 * --run-length L:    the 10^6-entry case places runs of L contiguous entries
 *                    at random (default 16; 1 spreads every entry on its own,
 *                    which costs ~4 GiB for each representation).
 * --small-only:      run the 10^3-entry case only.
 */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include <time.h>
#include "hw/ppc/spapr_tce_storage.h"

#define WINDOW_ENTRIES  (1ULL << 31)

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

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* VmRSS and VmSize of this process, in KiB. */
static void vm_status(uint64_t *rss_kib, uint64_t *size_kib)
{
    g_autofree char *text = NULL;
    char *p;

    *rss_kib = *size_kib = 0;
    if (!g_file_get_contents("/proc/self/status", &text, NULL, NULL)) {
        return;
    }
    p = strstr(text, "VmRSS:");
    if (p) {
        *rss_kib = g_ascii_strtoull(p + 6, NULL, 10);
    }
    p = strstr(text, "VmSize:");
    if (p) {
        *size_kib = g_ascii_strtoull(p + 7, NULL, 10);
    }
}

static uint64_t tce_for(uint64_t index)
{
    return ((index + 1) << 12) | (1 + index % 3);
}

/* The dense walk QEMU's replay performs: every entry read, valid ones notified. */
static void dense_walk(const uint64_t *table, uint64_t nb, ReplayAcc *acc)
{
    uint64_t i;

    for (i = 0; i < nb; i++) {
        uint64_t tce = table[i];

        if (tce & SPAPR_TCE_PERM_MASK) {
            notify(acc, i, tce);
        }
    }
}

static void report_empty_cost(void)
{
    uint64_t rss0, size0, rss1, size1;
    SpaprTceStorage *s;

    vm_status(&rss0, &size0);
    s = spapr_tce_storage_new_user(WINDOW_ENTRIES);
    vm_status(&rss1, &size1);
    printf("empty 2^31-entry user storage: bytes_used %" PRIu64
           " B; VmRSS %+" PRId64 " KiB, VmSize %+" PRId64 " KiB\n",
           spapr_tce_storage_bytes_used(s), (int64_t)(rss1 - rss0),
           (int64_t)(size1 - size0));
    spapr_tce_storage_destroy(s);
}

static void run_case(uint64_t nb_valid, unsigned run_length,
                     uint64_t dense_entries, GRand *rand)
{
    const uint64_t window = WINDOW_ENTRIES;
    const size_t dense_bytes = window * sizeof(uint64_t);
    uint64_t rss0, size0, rss1, size1, rss2, size2;
    uint64_t t0, t_fill, t_clear, best, first_ns, total, dense_ns;
    uint64_t leaves, interior, placed = 0, dense_valid_seen;
    ReplayAcc sparse_acc = { 0 }, dense_acc = { 0 }, prefix_acc = { 0 };
    SpaprTceStorage *s;
    uint64_t *dense, *indexes;
    double dense_full_ns;
    unsigned rep, reps;

    printf("\n== window 2^31 entries, %" PRIu64 " valid entries "
           "(random runs of %u contiguous entries) ==\n", nb_valid, run_length);

    /* Pick the indexes first, so the fill timing is set() alone. */
    s = spapr_tce_storage_new_user(window);
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

    vm_status(&rss0, &size0);
    s = spapr_tce_storage_new_user(window);
    t0 = now_ns();
    for (uint64_t i = 0; i < nb_valid; i++) {
        spapr_tce_storage_set(s, indexes[i], tce_for(indexes[i]));
    }
    t_fill = now_ns() - t0;
    vm_status(&rss1, &size1);
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

        t0 = now_ns();
        spapr_tce_storage_for_each_valid(s, 0, window - 1, notify_walk_fn,
                                         &acc);
        ns = now_ns() - t0;
        if (!rep) {
            first_ns = ns;
        }
        best = MIN(best, ns);
        total += ns;
        sparse_acc = acc;
    }

    /* Dense array with the same contents; untouched pages read as zero. */
    dense = mmap(NULL, dense_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (dense == MAP_FAILED) {
        perror("mmap dense table");
        exit(1);
    }
    for (uint64_t i = 0; i < nb_valid; i++) {
        dense[indexes[i]] = tce_for(indexes[i]);
    }
    t0 = now_ns();
    dense_walk(dense, dense_entries, &dense_acc);
    dense_ns = now_ns() - t0;
    vm_status(&rss2, &size2);
    dense_full_ns = (double)dense_ns * window / dense_entries;

    printf("sparse store: fill %" PRIu64 " set() in %.3f ms = %.3g set()/s; "
           "%" PRIu64 " leaves + %" PRIu64 " interior nodes\n",
           nb_valid, t_fill / 1e6, nb_valid / (t_fill / 1e9), leaves,
           interior);
    printf("memory: sparse bytes_used %" PRIu64 " B (%.1f MiB; VmRSS %+.1f "
           "MiB); dense %zu B (16 GiB) virtual, VmSize %+.1f MiB, "
           "VmRSS after walk %+.1f MiB (only pages holding entries are "
           "resident; the rest read the zero page)\n",
           spapr_tce_storage_bytes_used(s),
           spapr_tce_storage_bytes_used(s) / 1048576.0,
           ((double)rss1 - rss0) / 1024.0, dense_bytes,
           ((double)size2 - size1) / 1024.0, ((double)rss2 - rss1) / 1024.0);
    printf("sparse replay: %.3f us best of %u (first run %.3f us, mean "
           "%.3f us), %" PRIu64 " entries notified\n",
           best / 1e3, reps, first_ns / 1e3, total / 1e3 / reps, sparse_acc.n);
    if (dense_entries == window) {
        printf("dense walk:    %.3f s measured over all 2^31 entries "
               "(%" PRIu64 " notified)\n", dense_ns / 1e9, dense_acc.n);
        if (dense_acc.n != sparse_acc.n || dense_acc.sum != sparse_acc.sum) {
            printf("MISMATCH: sparse and dense replays disagree\n");
            exit(1);
        }
        printf("check: both replays notified the same entries\n");
    } else {
        spapr_tce_storage_for_each_valid(s, 0, dense_entries - 1,
                                         notify_walk_fn, &prefix_acc);
        dense_valid_seen = dense_acc.n;
        printf("dense walk:    %.3f s measured over the first %" PRIu64
               " entries (%" PRIu64 " notified), extrapolated x%.1f to "
               "%.3f s for 2^31 entries\n", dense_ns / 1e9, dense_entries,
               dense_valid_seen, (double)window / dense_entries,
               dense_full_ns / 1e9);
        if (dense_acc.n != prefix_acc.n || dense_acc.sum != prefix_acc.sum) {
            printf("MISMATCH: sparse and dense replays disagree on the "
                   "measured prefix\n");
            exit(1);
        }
        printf("check: both replays notified the same entries in the "
               "measured prefix\n");
    }
    printf("ratio dense/sparse: %.3g x (sparse best %.3f us vs dense %.3f s%s)\n",
           dense_full_ns / best, best / 1e3, dense_full_ns / 1e9,
           dense_entries == window ? "" : ", extrapolated");
    munmap(dense, dense_bytes);

    t0 = now_ns();
    for (uint64_t i = 0; i < nb_valid; i++) {
        spapr_tce_storage_set(s, indexes[i], 0);
    }
    t_clear = now_ns() - t0;
    printf("sparse store: clear %" PRIu64 " entries with set(0) in %.3f ms = "
           "%.3g set()/s; bytes_used back to %" PRIu64 " B\n",
           nb_valid, t_clear / 1e6, nb_valid / (t_clear / 1e9),
           spapr_tce_storage_bytes_used(s));
    spapr_tce_storage_destroy(s);
    g_free(indexes);
}

int main(int argc, char **argv)
{
    guint64 dense_entries = WINDOW_ENTRIES;
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
    printf("dense walk = read each of the 2^31 u64 of a 16 GiB "
           "MAP_NORESERVE|MAP_ANONYMOUS array and notify the valid ones "
           "(a lower bound of QEMU's replay, which calls translate() per "
           "entry); untouched pages read the zero page\n");
    report_empty_cost();

    rand = g_rand_new_with_seed(20250601);
    run_case(1000, 1, dense_entries, rand);
    if (!small_only) {
        run_case(1000000, run_length, dense_entries, rand);
    }
    g_rand_free(rand);
    return 0;
}
