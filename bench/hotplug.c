/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/hotplug: device_add of a vfio-pci (sPAPR v2 soft host) onto a PHB
 * whose DDW holds k random, non-coalescable 64 KiB TCEs: time to the
 * device_add return and host map calls, beside a model of a replay that
 * walks every entry of the window, for a 2^20- and a 2^31-entry window in
 * one run (docs/benchmarks.md, "hotplug").
 *
 *   hotplug [--dense-entries N] [--reps R] [--small-only]
 *
 * In-process: the machine, the DDW (RTAS ibm,create-pe-dma-window), the
 * TCEs (H_PUT_TCE through spapr_hypercall) and device_add / device_del
 * through qmp_command_call(), the monitor's own dispatch (no socket, no
 * JSON text).  Each case plugs and unplugs the device R times and keeps the
 * best time; every plug makes a new container, so the host map calls are
 * those of one replay.
 *
 * The per-entry replay (what QEMU's generic replay does: translate every
 * page of the window) is modelled as the sparse case's plug time, minus
 * the walk of the valid entries it contains, plus a dense walk (bench-replay's
 * model: an out-of-line translate through a function pointer per page of a
 * dense table of 8 bytes per entry) over the same window holding the same
 * entries.  The dense walk is measured warm (resident); for windows over
 * --dense-entries it is measured over that prefix and extrapolated linearly.
 *
 * Exit 1 when a target is missed: 10^4 mappings in < 50 ms, 10^6 in < 2 s,
 * and the two window sizes within 10 % of each other for every k.
 */

#include "qemu/osdep.h"
#include "bench-util.h"
#include <sys/mman.h>
#include <time.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/soft-host.h"
#include "hw/vfio/iommu-soft.h"
#include "monitor/qmp.h"
#include "system/system.h"

#define RAM_SIZE        (1ULL << 30)
#define PAGE_SHIFT      16
#define RAM_PAGES       (RAM_SIZE >> PAGE_SHIFT)
#define RTAS_ARGS_GPA   0x200000ULL
#define RTAS_RETS_GPA   0x201000ULL
#define DEFAULT_DENSE_ENTRIES (1ULL << 26)

#define TARGET_1E4_NS   (50 * 1000000ULL)
#define TARGET_1E6_NS   (2000 * 1000000ULL)
#define TARGET_WINDOW_RATIO 1.10

static void G_GNUC_NORETURN die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void die(const char *fmt, ...)
{
    va_list ap;

    fputs("hotplug: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/*
 * RAM behind the entry at @index: a fixed scramble of the index, so that
 * entries adjacent in bus address are never adjacent in RAM (7919 is not
 * 1 modulo RAM_PAGES): no two entries coalesce into one map call.
 */
static uint64_t tce_for(uint64_t index)
{
    return ((index * 7919 + 13) % RAM_PAGES) << PAGE_SHIFT | 3;
}

/* ---- RTAS, DDW ---------------------------------------------------------- */

static uint32_t rtas(SpaprMachineState *spapr, const char *name,
                     const uint32_t *args, uint32_t nargs, uint32_t *rets,
                     uint32_t nret)
{
    uint32_t token = spapr_rtas_token(spapr, name);

    for (uint32_t i = 0; i < nargs; i++) {
        rtas_st(RTAS_ARGS_GPA, i, args[i]);
    }
    spapr_rtas_call(spapr, token, nargs, RTAS_ARGS_GPA, nret, RTAS_RETS_GPA);
    for (uint32_t i = 0; i < nret; i++) {
        rets[i] = rtas_ld(RTAS_RETS_GPA, i);
    }
    return rets[0];
}

/* A DDW of 2^@entries_shift 64 KiB pages on the PHB of index @phb. */
static SpaprTceTable *ddw_create(SpaprMachineState *spapr, unsigned phb,
                                 unsigned entries_shift, uint64_t *bus)
{
    uint64_t buid = SPAPR_PCI_BASE_BUID + phb;
    uint32_t args[5] = { 0, buid >> 32, buid & UINT32_MAX, PAGE_SHIFT,
                         PAGE_SHIFT + entries_shift };
    uint32_t rets[4];

    if (rtas(spapr, "ibm,create-pe-dma-window", args, 5, rets, 4)) {
        die("ibm,create-pe-dma-window (2^%u entries) returned %d",
            entries_shift, (int32_t)rets[0]);
    }
    *bus = (uint64_t)rets[2] << 32 | rets[3];
    return spapr_tce_find_by_liobn(spapr, rets[1]);
}

static void ddw_remove(SpaprMachineState *spapr, SpaprTceTable *tcet)
{
    uint32_t liobn = tcet->liobn;
    uint32_t ret;

    if (rtas(spapr, "ibm,remove-pe-dma-window", &liobn, 1, &ret, 1)) {
        die("ibm,remove-pe-dma-window returned %d", (int32_t)ret);
    }
}

/* ---- device_add / device_del through the monitor's dispatch -------------- */

static void qmp(const char *name, const char *args_json)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *ret = NULL;
    Error *err = NULL;

    if (!json_parser_load_from_data(parser, args_json, -1, NULL)) {
        die("bad JSON %s", args_json);
    }
    if (!qmp_command_call(name, json_node_get_object(
                              json_parser_get_root(parser)), &ret, &err)) {
        die("%s: %s", name, error_get_pretty(err));
    }
    if (ret) {
        json_node_unref(ret);
    }
}

typedef struct HostView {
    uint64_t map_calls;
    uint64_t mappings;
    unsigned containers;
} HostView;

static void host_view_one(VFIOContainer *c, void *opaque)
{
    HostView *v = opaque;
    VFIOSoftIOMMU *s = vfio_soft_host_get_soft(c->iommu);
    GArray *maps;

    if (!s) {
        return;
    }
    v->containers++;
    v->map_calls += vfio_soft_get_counters(s, VFIO_SOFT_OP_MAP).calls;
    maps = vfio_soft_get_mappings(s);
    v->mappings += maps->len;
    g_array_unref(maps);
}

/* ---- the replay models ------------------------------------------------ */

typedef struct CountNotifier {
    IOMMUNotifier n;
    uint64_t pages;
} CountNotifier;

static int count_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    CountNotifier *c = container_of(n, CountNotifier, n);

    c->pages += (ev->entry.addr_mask >> PAGE_SHIFT) + 1;
    return 0;
}

/* The walk of the valid entries a plug's replay makes, host calls aside. */
static uint64_t sparse_walk_ns(SpaprTceTable *tcet, uint64_t k)
{
    uint64_t best = UINT64_MAX;

    for (int rep = 0; rep < 3; rep++) {
        CountNotifier c = { 0 };
        Error *err = NULL;
        uint64_t t0;

        iommu_notifier_init(&c.n, count_notify, IOMMU_NOTIFIER_IOTLB_EVENTS,
                            0, HWADDR_MAX, 0);
        t0 = bench_now_ns();
        if (!memory_region_iommu_replay(&tcet->iommu, &c.n, &err)) {
            die("replay: %s", error_get_pretty(err));
        }
        best = MIN(best, bench_now_ns() - t0);
        if (c.pages != k) {
            die("replay covered %" PRIu64 " entries, expected %" PRIu64,
                c.pages, k);
        }
    }
    return best;
}

static uint64_t dense_notified, dense_sum;

static void dense_visit(void *opaque, uint64_t index, uint64_t tce)
{
    dense_notified++;
    dense_sum += index ^ tce;
}

static void dense_walk(const uint64_t *table, uint64_t nb)
{
    bench_dense_walk(table, nb, PAGE_SHIFT, dense_visit, NULL);
}

/*
 * Warm walk of a dense table of @walk entries (the first ones of the
 * window) holding those of @indexes that fall there; ns for @walk entries.
 */
static uint64_t dense_walk_ns(const uint64_t *indexes, uint64_t k,
                              uint64_t walk)
{
    uint64_t *dense, in_prefix = 0, t0, ns;

    dense = mmap(NULL, walk * 8, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (dense == MAP_FAILED) {
        die("mmap of the dense table: %s", strerror(errno));
    }
    for (uint64_t i = 0; i < k; i++) {
        if (indexes[i] < walk) {
            dense[indexes[i]] = tce_for(indexes[i]);
            in_prefix++;
        }
    }
    dense_walk(dense, walk);                /* fault it in: warm */
    dense_notified = 0;
    t0 = bench_now_ns();
    dense_walk(dense, walk);
    ns = bench_now_ns() - t0;
    munmap(dense, walk * 8);
    if (dense_notified != in_prefix) {
        die("dense walk notified %" PRIu64 " entries, expected %" PRIu64,
            dense_notified, in_prefix);
    }
    return ns;
}

/* ---- one case ----------------------------------------------------------- */

typedef struct Result {
    uint64_t plug_ns;           /* best device_add */
    uint64_t median_ns;         /* median device_add */
    uint64_t first_ns;          /* the first device_add */
    uint64_t map_calls;
    uint64_t sparse_ns;
    double dense_walk_ns;       /* extrapolated to the window */
    double dense_plug_ns;       /* modelled per-entry replay plug */
    bool extrapolated;
} Result;

/* @k distinct random indexes in [0, 2^@entries_shift), in draw order. */
static uint64_t *draw_indexes(GRand *rand, unsigned entries_shift, uint64_t k)
{
    /* indexes are below 2^31: they fit in a pointer as keys */
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    uint64_t *indexes = g_new(uint64_t, k);
    uint64_t mask = (1ULL << entries_shift) - 1;
    uint64_t n = 0;

    while (n < k) {
        uint64_t index = ((uint64_t)g_rand_int(rand) << 32 |
                          g_rand_int(rand)) & mask;

        if (g_hash_table_add(seen, GSIZE_TO_POINTER(index))) {
            indexes[n++] = index;
        }
    }
    return indexes;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* One device_add + device_del on PHB @phb; returns the device_add ns. */
static uint64_t plug_unplug(unsigned phb, unsigned entries_shift, uint64_t k,
                            uint64_t *map_calls)
{
    g_autofree char *args = g_strdup_printf(
        "{\"driver\": \"vfio-pci\", \"soft-host\": \"h0\", "
        "\"bus\": \"%s.0\", \"addr\": \"5\", \"id\": \"v0\"}",
        phb ? (phb == 1 ? "phb1" : "phb2") : "pci");
    HostView v = { 0 };
    uint64_t t0 = bench_now_ns(), ns;

    qmp("device_add", args);
    ns = bench_now_ns() - t0;
    vfio_container_foreach(host_view_one, &v);
    if (v.containers != 1 || v.map_calls != k || v.mappings != k) {
        die("2^%u window, k=%" PRIu64 ": %u container(s), %" PRIu64
            " map calls, %" PRIu64 " host mappings (expected 1, k, k)",
            entries_shift, k, v.containers, v.map_calls, v.mappings);
    }
    *map_calls = v.map_calls;
    qmp("device_del", "{\"id\": \"v0\"}");
    v = (HostView) { 0 };
    vfio_container_foreach(host_view_one, &v);
    if (v.containers) {
        die("the container outlived device_del");
    }
    return ns;
}

/*
 * The windows: 2^20 entries on PHB 0, 2^31 on PHB 1 (each with its
 * mappings spread over the whole window), and a control on PHB 2: a 2^31
 * window whose mappings are spread over its first 2^20 entries only, to
 * tell the window size from the spread of the entries.
 */
#define NWIN 3
static const unsigned win_shift[NWIN] = { 20, 31, 31 };
static const unsigned spread_shift[NWIN] = { 20, 31, 20 };
static const char *const win_name[NWIN] = {
    "2^20 (64G)", "2^31 (128T)", "2^31 ctl",
};

/*
 * k mappings in each window, then @reps plugs onto each PHB in turn
 * (rotating which one leads), so that all windows meet the same machine
 * load.
 */
static void run_case(SpaprMachineState *spapr, GRand *rand,
                     uint64_t k, unsigned reps,
                     uint64_t dense_entries, Result *res)
{
    uint64_t *indexes[NWIN];
    SpaprTceTable *tcet[NWIN];
    g_autofree uint64_t *times = g_new(uint64_t, NWIN * reps);

    for (unsigned w = 0; w < NWIN; w++) {
        uint64_t bus;

        indexes[w] = draw_indexes(rand, spread_shift[w], k);
        tcet[w] = ddw_create(spapr, w, win_shift[w], &bus);
        for (uint64_t i = 0; i < k; i++) {
            target_ulong args[SPAPR_HCALL_MAX_ARGS] = {
                tcet[w]->liobn, bus + (indexes[w][i] << PAGE_SHIFT),
                tce_for(indexes[w][i])
            };
            target_ulong ret = spapr_hypercall(spapr, H_PUT_TCE, args);

            if (ret != H_SUCCESS) {
                die("H_PUT_TCE returned %" PRId64, (int64_t)ret);
            }
        }
        res[w] = (Result) { .plug_ns = UINT64_MAX };
    }
    for (unsigned rep = 0; rep < reps; rep++) {
        for (unsigned w = 0; w < NWIN; w++) {
            unsigned phb = (w + rep) % NWIN;        /* rotate who leads */
            uint64_t ns = plug_unplug(phb, win_shift[phb], k,
                                      &res[phb].map_calls);

            if (!rep) {
                res[phb].first_ns = ns;
            }
            res[phb].plug_ns = MIN(res[phb].plug_ns, ns);
            times[phb * reps + rep] = ns;
        }
    }
    for (unsigned w = 0; w < NWIN; w++) {
        uint64_t window = 1ULL << win_shift[w];
        uint64_t walk = MIN(window, dense_entries);
        Result *r = &res[w];

        qsort(times + w * reps, reps, sizeof(uint64_t), cmp_u64);
        r->median_ns = times[w * reps + reps / 2];
        r->sparse_ns = sparse_walk_ns(tcet[w], k);
        r->extrapolated = walk < window;
        r->dense_walk_ns = dense_walk_ns(indexes[w], k, walk) *
                           ((double)window / walk);
        r->dense_plug_ns = (double)r->plug_ns - r->sparse_ns +
                           r->dense_walk_ns;
        ddw_remove(spapr, tcet[w]);
        g_free(indexes[w]);
    }
}

static const char *fmt_ns(double ns, char *buf, size_t len)
{
    if (ns < 1e6) {
        snprintf(buf, len, "%.1f us", ns / 1e3);
    } else if (ns < 1e9) {
        snprintf(buf, len, "%.2f ms", ns / 1e6);
    } else {
        snprintf(buf, len, "%.3f s", ns / 1e9);
    }
    return buf;
}

int main(int argc, char **argv)
{
    guint64 dense_entries = DEFAULT_DENSE_ENTRIES;
    gint reps = 9;
    gboolean small_only = false;
    GOptionEntry entries[] = {
        { "dense-entries", 0, 0, G_OPTION_ARG_INT64, &dense_entries,
          "walk at most N dense entries and extrapolate (default 2^26)", "N" },
        { "reps", 0, 0, G_OPTION_ARG_INT, &reps,
          "plugs per case and window, best kept (default 9; 3 at 10^6)", "R" },
        { "small-only", 0, 0, G_OPTION_ARG_NONE, &small_only,
          "10^2 and 10^4 mappings only (no target for 10^6 checked)", NULL },
        { NULL }
    };
    static const uint64_t ks[] = { 100, 10000, 1000000 };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;
    Result res[G_N_ELEMENTS(ks)][NWIN];
    size_t nk = G_N_ELEMENTS(ks);
    SpaprMachineState *spapr;
    Error *err = NULL;
    bool missed = false;
    GRand *rand;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        die("%s", gerr->message);
    }
    if (dense_entries < 1 || dense_entries > (1ULL << 31) || reps < 1 ||
        reps > 1000) {
        die("--dense-entries must be in [1, 2^31], --reps in [1, 1000]");
    }
    if (small_only) {
        nk = 2;
    }

    memory_map_init();
    if (!system_create_machine("pseries", RAM_SIZE, &err) ||
        !system_object_add("vfio-soft-host,id=h0,iommu-type=spapr-tce-v2,"
                           "max-window=128T,backing-page-size=64K", &err) ||
        !system_device_add("spapr-pci-host-bridge,index=1,id=phb1", &err) ||
        !system_device_add("spapr-pci-host-bridge,index=2,id=phb2", &err)) {
        die("%s", error_get_pretty(err));
    }
    system_monitor_init();
    if (!system_machine_done(&err)) {
        die("%s", error_get_pretty(err));
    }
    spapr = spapr_machine();
    spapr->tce_budget.limit = 0;        /* the bench measures, not caps */

    printf("hotplug: device_add of vfio-pci (soft host spapr-tce-v2, "
           "max-window=128T, backing-page-size=64K) onto a PHB whose DDW "
           "of 64 KiB pages holds k random, non-coalescable TCEs\n");
    printf("in-process: RTAS create, H_PUT_TCE, then device_add/device_del "
           "through qmp_command_call() (the monitor's dispatch); the 2^20 "
           "window on PHB 0, the 2^31 one on PHB 1, plugged in turn; best "
           "of %d plugs each (3 at 10^6), each a new container\n", reps);
    printf("per-entry replay = sparse plug - walk of the valid entries + "
           "warm dense walk of every entry of the window (bench-replay's "
           "model), measured over at most %" PRIu64 " entries and "
           "extrapolated linearly beyond (*)\n\n", (uint64_t)dense_entries);

    rand = g_rand_new_with_seed(20250614);
    for (size_t i = 0; i < nk; i++) {
        run_case(spapr, rand, ks[i],
                 ks[i] >= 1000000 ? MIN(reps, 3) : reps, dense_entries,
                 res[i]);
    }
    g_rand_free(rand);

    printf("%-9s %-12s %12s %12s %12s %10s %12s %14s %10s\n", "mappings",
           "window", "device_add", "(median)", "(first)", "map calls",
           "valid walk", "per-entry", "ratio");
    for (size_t i = 0; i < nk; i++) {
        for (size_t w = 0; w < NWIN; w++) {
            Result *r = &res[i][w];
            char a[32], m[32], b[32], c[32], d[32];

            printf("%-9" PRIu64 " %-12s %12s %12s %12s %10" PRIu64
                   " %12s %13s%s %9.3gx\n", ks[i], win_name[w],
                   fmt_ns(r->plug_ns, a, sizeof(a)),
                   fmt_ns(r->median_ns, m, sizeof(m)),
                   fmt_ns(r->first_ns, b, sizeof(b)), r->map_calls,
                   fmt_ns(r->sparse_ns, c, sizeof(c)),
                   fmt_ns(r->dense_plug_ns, d, sizeof(d)),
                   r->extrapolated ? "*" : " ",
                   r->dense_plug_ns / r->plug_ns);
        }
    }

    printf("\n%-9s %24s %24s %24s\n", "mappings", "2^31/2^20 device_add",
           "2^31 ctl/2^20 device_add", "2^31/2^20 per-entry");
    for (size_t i = 0; i < nk; i++) {
        double ratio = (double)res[i][1].plug_ns / res[i][0].plug_ns;

        printf("%-9" PRIu64 " %24.3f %24.3f %24.3g\n", ks[i], ratio,
               (double)res[i][2].plug_ns / res[i][0].plug_ns,
               res[i][1].dense_plug_ns / res[i][0].dense_plug_ns);
        if (ratio > TARGET_WINDOW_RATIO || ratio < 1 / TARGET_WINDOW_RATIO) {
            printf("MISSED: k=%" PRIu64 ": the two windows differ by more "
                   "than 10 %%\n", ks[i]);
            missed = true;
        }
    }
    for (size_t w = 0; w < 2; w++) {
        if (res[1][w].plug_ns >= TARGET_1E4_NS) {
            printf("MISSED: 10^4 mappings, %s window: device_add >= 50 ms\n",
                   win_name[w]);
            missed = true;
        }
        if (nk > 2 && res[2][w].plug_ns >= TARGET_1E6_NS) {
            printf("MISSED: 10^6 mappings, %s window: device_add >= 2 s\n",
                   win_name[w]);
            missed = true;
        }
    }
    printf("targets (10^4 < 50 ms, 10^6 < 2 s, windows within 10 %%): %s\n",
           missed ? "MISSED" : "met");
    return missed ? 1 : 0;
}
