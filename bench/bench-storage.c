/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-storage: memory and time of the user-space TCE storage against a
 * dense table as QEMU keeps it (g_malloc0(nb_entries * 8) per window),
 * both touched by the same workload, side by side.
 *
 *   bench-storage [--dense-entries N]
 *
 * Each case runs in a child process so that its RSS delta (VmRSS from
 * /proc/self/statm) is its own.  The dense whole-window fill is measured
 * over the first N entries (default 2^25, 256 MiB) and extrapolated to
 * 2^31: filling 16 GiB would make 16 GiB resident.
 */

#include "qemu/osdep.h"
#include "bench-util.h"
#include <sys/wait.h>
#include <time.h>
#include "hw/ppc/spapr_tce_storage.h"

#define WIN         (1ULL << 31)
#define TCE_RW(a)   ((a) | 3)

static guint64 dense_entries = 1ULL << 25;

/* Resident bytes of this process. */
static uint64_t rss(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (!f || fscanf(f, "%lu %lu", &size, &resident) != 2) {
        fprintf(stderr, "bench-storage: cannot read /proc/self/statm\n");
        exit(1);
    }
    fclose(f);
    return (uint64_t)resident * sysconf(_SC_PAGESIZE);
}

static double mib(uint64_t bytes)
{
    return bytes / 1048576.0;
}

/* A dense 2^31-entry table, as QEMU allocates it (lazily zero-filled). */
static uint64_t *dense_new(void)
{
    uint64_t *t = g_try_malloc0(WIN * sizeof(uint64_t));

    if (!t) {
        fprintf(stderr, "bench-storage: cannot allocate the dense table\n");
        exit(1);
    }
    return t;
}

static uint64_t rand64(GRand *r)
{
    return (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
}

static int count_run(void *opaque, const SpaprTceRun *run)
{
    (*(uint64_t *)opaque)++;
    return 0;
}

static uint64_t nr_runs(SpaprTceStorage *s)
{
    uint64_t n = 0;

    spapr_tce_storage_for_each_run(s, 0, s->nb_entries - 1,
                                   SPAPR_TCE_WALK_NONZERO, count_run, &n);
    return n;
}

static void line(const char *what, uint64_t sparse_bytes, uint64_t sparse_rss,
                 uint64_t dense_rss)
{
    printf("  %-32s sparse bytes_used %9.1f KiB, RSS +%9.1f KiB | dense RSS +%7.1f MiB | dense/sparse RSS %8.3g x\n",
           what, sparse_bytes / 1024.0, sparse_rss / 1024.0, mib(dense_rss),
           (double)dense_rss / MAX(sparse_rss, 4096));
}

/* Case 1: one value over the whole window, read back, then split. */
static void case_fill(void)
{
    const uint64_t v = TCE_RW(0x40000000ULL);
    uint64_t r0, r1, t0, t_fill, t_set, t_dense, rd, bad = 0, i;
    SpaprTceStorage *s;
    uint64_t *dense;

    printf("fill: one value over a whole 2^31-entry window (H_STUFF_TCE of a non-zero value)\n");
    r0 = rss();
    s = spapr_tce_storage_new_user(WIN, 12, NULL);
    t0 = bench_now_ns();
    if (spapr_tce_storage_fill(s, 0, WIN, v, false)) {
        exit(1);
    }
    t_fill = bench_now_ns() - t0;
    r1 = rss();
    for (i = 0; i < WIN; i += 4093) {
        bad += spapr_tce_storage_get(s, i) != v;
    }
    printf("  sparse fill %.3f us, bytes_used %" PRIu64 " B, RSS +%.3f MiB, %" PRIu64
           " run(s), read back every 4093rd entry: %s\n",
           t_fill / 1e3, spapr_tce_storage_bytes_used(s), mib(r1 - r0), nr_runs(s),
           bad ? "MISMATCH" : "all equal");
    t0 = bench_now_ns();
    spapr_tce_storage_set(s, 12345, TCE_RW(0x1000));
    t_set = bench_now_ns() - t0;
    printf("  one set() inside it: %.3f us, bytes_used %" PRIu64 " B, %" PRIu64 " runs\n",
           t_set / 1e3, spapr_tce_storage_bytes_used(s), nr_runs(s));

    dense = dense_new();
    rd = rss();
    t0 = bench_now_ns();
    for (i = 0; i < dense_entries; i++) {
        dense[i] = v;
    }
    t_dense = bench_now_ns() - t0;
    rd = rss() - rd;
    printf("  dense fill of the first %" PRIu64 " entries: %.3f ms, RSS +%.1f MiB; x%.0f to 2^31: %.3f s, RSS +%.1f MiB\n",
           (uint64_t)dense_entries, t_dense / 1e6, mib(rd),
           (double)WIN / dense_entries, t_dense / 1e9 * WIN / dense_entries,
           mib(rd) * WIN / dense_entries);
    printf("  ratio dense/sparse: time %.3g x, RSS %.3g x (extrapolated dense)\n",
           (double)t_dense * WIN / dense_entries / t_fill,
           (double)rd * WIN / dense_entries / MAX(r1 - r0, 4096));
    spapr_tce_storage_destroy(s);
}

/* Case 2: 10^4 TCEs at random over the window. */
static void case_spread(void)
{
    GRand *rand = g_rand_new_with_seed(1);
    uint64_t r0, r1, rd, i, *idx = g_new(uint64_t, 10000), *dense;
    SpaprTceStorage *s;

    printf("spread: 10^4 TCEs at random over a 2^31-entry window\n");
    for (i = 0; i < 10000; i++) {
        idx[i] = rand64(rand) % WIN;
    }
    r0 = rss();
    s = spapr_tce_storage_new_user(WIN, 12, NULL);
    for (i = 0; i < 10000; i++) {
        spapr_tce_storage_set(s, idx[i], TCE_RW((i + 1) << 24));
    }
    r1 = rss();
    dense = dense_new();
    rd = rss();
    for (i = 0; i < 10000; i++) {
        dense[idx[i]] = TCE_RW((i + 1) << 24);
    }
    rd = rss() - rd;
    line("10^4 random", spapr_tce_storage_bytes_used(s), r1 - r0, rd);
    printf("  sparse: %.1f B per entry (bytes_used)\n",
           (spapr_tce_storage_bytes_used(s) -
            spapr_tce_storage_user_empty_bytes()) / 10000.0);
    spapr_tce_storage_destroy(s);
    g_rand_free(rand);
}

/* Case 3: a guest direct-mapping 64 GiB of RAM with 64 KiB pages. */
static void case_direct_map(void)
{
    const uint64_t n = 1ULL << 20;
    GRand *rand = g_rand_new_with_seed(2);
    unsigned *order = g_new(unsigned, n / 512);
    uint64_t r0, r1, rd, t0, t, i, b, *dense;
    SpaprTceStorage *s;

    printf("direct map: 2^20 TCEs of 64 KiB pages, addresses advancing by the page size\n");
    for (int pass = 0; pass < 2; pass++) {
        for (b = 0; b < n / 512; b++) {
            order[b] = b;
        }
        for (b = pass ? n / 512 - 1 : 0; b > 0; b--) {
            unsigned j = g_rand_int_range(rand, 0, b + 1), x = order[b];

            order[b] = order[j];
            order[j] = x;
        }
        r0 = rss();
        s = spapr_tce_storage_new_user(WIN, 16, NULL);
        t0 = bench_now_ns();
        for (b = 0; b < n / 512; b++) {
            for (i = order[b] * 512ULL; i < order[b] * 512ULL + 512; i++) {
                spapr_tce_storage_set(s, i, TCE_RW(i << 16));
            }
        }
        t = bench_now_ns() - t0;
        r1 = rss();
        line(pass ? "512-entry batches, random order" : "one at a time, ascending",
             spapr_tce_storage_bytes_used(s), r1 - r0, 8 * n);
        printf("  sparse: %.1f ns per set(), %" PRIu64 " run(s)\n", (double)t / n,
               nr_runs(s));
        spapr_tce_storage_destroy(s);
    }
    dense = dense_new();
    rd = rss();
    t0 = bench_now_ns();
    for (i = 0; i < n; i++) {
        dense[i] = TCE_RW(i << 16);
    }
    t = bench_now_ns() - t0;
    rd = rss() - rd;
    printf("  dense: %.1f ns per store (first touch), RSS +%.1f MiB\n",
           (double)t / n, mib(rd));
    g_rand_free(rand);
}

/* Case 4: 10^6 entries in random runs of 16 (bench-replay's workload). */
static void case_runs16(void)
{
    GRand *rand = g_rand_new_with_seed(3);
    uint64_t r0, r1, rd, t0, t, i, k, nruns = 1000000 / 16, *dense;
    uint64_t *start = g_new(uint64_t, nruns);
    SpaprTceStorage *s;

    printf("runs of 16: 10^6 entries in random runs of 16 contiguous entries\n");
    for (i = 0; i < nruns; i++) {
        start[i] = rand64(rand) % (WIN - 16);
    }
    r0 = rss();
    s = spapr_tce_storage_new_user(WIN, 12, NULL);
    t0 = bench_now_ns();
    for (i = 0; i < nruns; i++) {
        for (k = 0; k < 16; k++) {
            /* each entry maps its own page: runs of distinct pages */
            spapr_tce_storage_set(s, start[i] + k,
                                  TCE_RW(((start[i] + k) % (1ULL << 18)) << 12 ^ 0x8000000));
        }
    }
    t = bench_now_ns() - t0;
    r1 = rss();
    dense = dense_new();
    rd = rss();
    for (i = 0; i < nruns; i++) {
        for (k = 0; k < 16; k++) {
            dense[start[i] + k] = 3;
        }
    }
    rd = rss() - rd;
    line("10^6 in runs of 16", spapr_tce_storage_bytes_used(s), r1 - r0, rd);
    printf("  sparse: %.1f ns per set(), %.1f B per entry; the radix of 512-entry leaves held 291 MiB\n",
           (double)t / (nruns * 16),
           (double)spapr_tce_storage_bytes_used(s) / (nruns * 16));
    spapr_tce_storage_destroy(s);
}

/* Case 5: set()/get() speed, sequential and random, against dense stores. */
static void case_speed(void)
{
    const uint64_t n = 1ULL << 22;
    GRand *rand = g_rand_new_with_seed(4);
    uint64_t *idx = g_new(uint64_t, n), *dense, t0, ts, td, sum = 0, i;
    SpaprTceStorage *s = spapr_tce_storage_new_user(WIN, 12, NULL);

    printf("speed: ns per operation, 2^22 operations\n");
    for (i = 0; i < n; i++) {
        idx[i] = rand64(rand) % WIN;
    }
    dense = dense_new();
    for (int pat = 0; pat < 4; pat++) {
        static const char *const names[] = {
            "set, sequential distinct pages", "set, sequential same value",
            "set, random", "get, random",
        };
        t0 = bench_now_ns();
        for (i = 0; i < n; i++) {
            uint64_t j = pat >= 2 ? idx[i] : i;

            if (pat == 3) {
                sum += spapr_tce_storage_get(s, j);
            } else {
                spapr_tce_storage_set(s, j, pat == 1 ? 0x10003 : TCE_RW((i ^ 0x55) << 12));
            }
        }
        ts = bench_now_ns() - t0;
        t0 = bench_now_ns();
        for (i = 0; i < n; i++) {
            uint64_t j = pat >= 2 ? idx[i] : i;

            if (pat == 3) {
                sum += dense[j];
            } else {
                dense[j] = pat == 1 ? 0x10003 : TCE_RW((i ^ 0x55) << 12);
            }
        }
        td = bench_now_ns() - t0;
        printf("  %-34s sparse %7.1f ns, dense %7.1f ns (first touch included for sets)\n",
               names[pat], (double)ts / n, (double)td / n);
        if (pat == 1) {
            spapr_tce_storage_clear_all(s);
        }
    }
    printf("  (checksum %" PRIx64 ")\n", sum);
    spapr_tce_storage_destroy(s);
}

int main(int argc, char **argv)
{
    GOptionEntry entries[] = {
        { "dense-entries", 0, 0, G_OPTION_ARG_INT64, &dense_entries,
          "entries of the dense whole-window fill actually written", "N" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;
    void (*cases[])(void) = {
        case_fill, case_spread, case_direct_map, case_runs16, case_speed,
    };

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr) ||
        dense_entries < 4096 || dense_entries > WIN) {
        fprintf(stderr, "bench-storage: --dense-entries must be in [4096, 2^31]\n");
        return 1;
    }
    printf("bench-storage: user-space TCE storage vs a dense g_malloc0(2^31 * 8) table, same workload\n");
    for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
        pid_t pid;
        int status;

        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            cases[c]();
            fflush(stdout);
            _exit(0);
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid ||
            !WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "bench-storage: case %zu failed\n", c);
            return 1;
        }
    }
    return 0;
}
