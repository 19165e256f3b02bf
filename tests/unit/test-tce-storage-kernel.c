/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the kernel owner of hw/ppc/spapr_tce_storage.c, on memfd-backed tables. */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include "qapi/error.h"
#include "hw/ppc/spapr_tce_storage.h"

#define TCE_RW(gpa) ((gpa) | 3)
#define TCE_RO(gpa) ((gpa) | 1)

/* A table as the kernel would hand it out: an fd, and its own view. */
typedef struct KTable {
    int fd;
    uint64_t *kview;
    size_t len;
} KTable;

static SpaprTceStorage *ktable_new(KTable *kt, uint64_t nb_entries,
                                   bool known_empty)
{
    SpaprTceStorage *s;
    Error *err = NULL;
    int fd;

    kt->len = spapr_tce_storage_kernel_map_len(nb_entries);
    kt->fd = memfd_create("test-tce", MFD_CLOEXEC);
    g_assert_cmpint(kt->fd, >=, 0);
    g_assert_cmpint(ftruncate(kt->fd, kt->len), ==, 0);
    kt->kview = mmap(NULL, kt->len, PROT_READ | PROT_WRITE, MAP_SHARED,
                     kt->fd, 0);
    g_assert(kt->kview != MAP_FAILED);
    fd = dup(kt->fd);
    s = spapr_tce_storage_new_kernel(fd, nb_entries, 12, known_empty, &err);
    g_assert_null(err);
    g_assert_nonnull(s);
    return s;
}

static void ktable_free(KTable *kt)
{
    munmap(kt->kview, kt->len);
    close(kt->fd);
}

/* Bytes of the memfd that hold pages (stores allocate, reads of holes do not). */
static uint64_t ktable_allocated(KTable *kt)
{
    struct stat st;

    g_assert_cmpint(fstat(kt->fd, &st), ==, 0);
    return (uint64_t)st.st_blocks * 512;
}

static void test_basics(void)
{
    KTable kt;
    SpaprTceStorage *s = ktable_new(&kt, 1000, false);
    uint64_t old = 7;

    g_assert_cmpstr(spapr_tce_storage_kind(s), ==, "kernel");
    g_assert_true(spapr_tce_storage_is_kernel(s));
    g_assert_cmpuint(spapr_tce_storage_nb_entries(s), ==, 1000);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     ROUND_UP(8000, sysconf(_SC_PAGESIZE)));
    g_assert_cmphex(spapr_tce_storage_get(s, 999), ==, 0);
    g_assert_cmpint(spapr_tce_storage_exchange(s, 5, TCE_RW(0x5000), &old),
                    ==, 0);
    g_assert_cmphex(old, ==, 0);
    g_assert_cmphex(kt.kview[5], ==, TCE_RW(0x5000));
    /* the kernel writes behind our back: seen at once */
    kt.kview[999] = TCE_RO(0x9000);
    kt.kview[998] = 0xdead000;      /* poisoned: no permission */
    g_assert_cmphex(spapr_tce_storage_get(s, 999), ==, TCE_RO(0x9000));
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 2);
    g_assert_true(spapr_tce_storage_can_write(s, UINT64_MAX));
    g_assert_cmpint(spapr_tce_storage_exchange(s, 5, 0, &old), ==, 0);
    g_assert_cmphex(old, ==, TCE_RW(0x5000));
    spapr_tce_storage_clear_all(s);
    g_assert_cmphex(kt.kview[998], ==, 0);
    g_assert_cmphex(kt.kview[999], ==, 0);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_destroy(s);
    ktable_free(&kt);
}

static void test_map_failure(void)
{
    Error *err = NULL;
    int fd = open("/dev/null", O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_null(spapr_tce_storage_new_kernel(fd, 16, 12, false, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "cannot map the kernel TCE table (16 "
                                   "entries, fd "));
    error_free(err);
    /* the fd is left open */
    g_assert_cmpint(fcntl(fd, F_GETFD), >=, 0);
    close(fd);
}

static int count_fn(void *opaque, uint64_t index, uint64_t tce)
{
    (*(uint64_t *)opaque)++;
    return 0;
}

/*
 * known_empty: nothing is read until the first non-zero store or until the
 * table is exposed; a write behind our back before exposure is not seen
 * (the caller promises there is none).
 */
static void test_known_empty(void)
{
    KTable kt;
    SpaprTceStorage *s = ktable_new(&kt, 1 << 20, true);
    uint64_t n = 0;

    kt.kview[3] = TCE_RW(0x3000);
    g_assert_cmphex(spapr_tce_storage_get(s, 3), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_for_each_valid(s, 0, (1 << 20) - 1, count_fn, &n);
    g_assert_cmpuint(n, ==, 0);
    spapr_tce_storage_clear_all(s);
    spapr_tce_storage_clear(s, 0, 1 << 20);
    g_assert_cmphex(kt.kview[3], ==, TCE_RW(0x3000));
    spapr_tce_storage_kernel_exposed(s);
    g_assert_cmphex(spapr_tce_storage_get(s, 3), ==, TCE_RW(0x3000));
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 1);
    spapr_tce_storage_destroy(s);
    ktable_free(&kt);

    /* a non-zero store through the storage ends the shortcut too */
    s = ktable_new(&kt, 4096, true);
    kt.kview[4000] = TCE_RW(0x1000);
    g_assert_cmpint(spapr_tce_storage_set(s, 1, TCE_RO(0x2000)), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 2);
    spapr_tce_storage_destroy(s);
    ktable_free(&kt);
}

/* Clearing reads: pages that hold nothing are never stored into. */
static void test_clear_no_alloc(void)
{
    KTable kt;
    SpaprTceStorage *s = ktable_new(&kt, 1 << 20, false);
    uint64_t page_entries = sysconf(_SC_PAGESIZE) / 8;

    g_assert_cmpuint(ktable_allocated(&kt), ==, 0);
    spapr_tce_storage_clear_all(s);
    spapr_tce_storage_clear(s, 10, 1 << 19);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    g_assert_cmpuint(ktable_allocated(&kt), ==, 0);
    /* one store allocates one page; clearing it allocates nothing more */
    g_assert_cmpint(spapr_tce_storage_set(s, 5 * page_entries,
                                          TCE_RW(0x1000)), ==, 0);
    g_assert_cmpuint(ktable_allocated(&kt), ==, sysconf(_SC_PAGESIZE));
    spapr_tce_storage_clear_all(s);
    g_assert_cmpuint(ktable_allocated(&kt), ==, sysconf(_SC_PAGESIZE));
    g_assert_cmphex(kt.kview[5 * page_entries], ==, 0);
    spapr_tce_storage_destroy(s);
    ktable_free(&kt);
}

typedef struct Runs {
    GArray *runs;
    unsigned stop_after;
} Runs;

static int run_fn(void *opaque, const SpaprTceRun *run)
{
    Runs *r = opaque;

    g_array_append_val(r->runs, *run);
    return r->stop_after && r->runs->len == r->stop_after ? 9 : 0;
}

static bool runs_mergeable(const SpaprTceRun *a, const SpaprTceRun *b,
                           unsigned shift)
{
    uint64_t step = 1ULL << shift;

    if (a->index + a->count != b->index) {
        return false;
    }
    if (a->count == 1 && b->count == 1) {
        return b->tce == a->tce || b->tce == a->tce + step;
    }
    if (a->count == 1) {
        return b->advance ? b->tce == a->tce + step : b->tce == a->tce;
    }
    return a->advance ? b->tce == a->tce + (a->count << shift) &&
                        (b->count == 1 || b->advance)
                      : b->tce == a->tce && !b->advance;
}

/* Random contents: runs expand to exactly the table and are maximal. */
static void test_runs_random(void)
{
    const uint64_t n = 20000;
    KTable kt;
    SpaprTceStorage *s = ktable_new(&kt, n, false);
    SpaprTceStorage *u = spapr_tce_storage_new_user(n, 12, NULL);
    GRand *rand = g_rand_new_with_seed(14);
    g_autofree uint64_t *want = g_new0(uint64_t, n);
    Runs r = { .runs = g_array_new(FALSE, FALSE, sizeof(SpaprTceRun)) };
    uint64_t pos = 0;

    while (pos < n) {
        uint64_t len = MIN(n - pos, g_rand_int_range(rand, 1, 40));
        unsigned kind = g_rand_int_range(rand, 0, 4);
        uint64_t base = (uint64_t)g_rand_int_range(rand, 0, 64) << 12;

        for (uint64_t i = 0; i < len; i++) {
            want[pos + i] = kind == 0 ? 0 :
                            kind == 1 ? TCE_RW(base) :
                            kind == 2 ? TCE_RO(base + (i << 12)) :
                                        base + (i << 12);    /* poisoned */
        }
        pos += len;
    }
    for (uint64_t i = 0; i < n; i++) {
        kt.kview[i] = want[i];      /* written by the "kernel" */
    }
    for (unsigned mode = 0; mode < 2; mode++) {
        uint64_t next = 0;

        g_array_set_size(r.runs, 0);
        g_assert_cmpint(spapr_tce_storage_for_each_run(s, 0, n - 1, mode,
                                                       run_fn, &r), ==, 0);
        for (guint k = 0; k < r.runs->len; k++) {
            SpaprTceRun *run = &g_array_index(r.runs, SpaprTceRun, k);

            g_assert_cmpuint(run->count, >=, 1);
            g_assert_true(run->count > 1 || !run->advance);
            for (; next < run->index; next++) {
                g_assert_true(mode == 0 ? want[next] == 0
                                        : (want[next] & 3) == 0);
            }
            for (uint64_t i = 0; i < run->count; i++) {
                g_assert_cmphex(want[run->index + i], ==,
                                run->tce + (run->advance ? i << 12 : 0));
            }
            next = run->index + run->count;
            if (k) {
                g_assert_false(runs_mergeable(
                    &g_array_index(r.runs, SpaprTceRun, k - 1), run, 12));
            }
        }
    }
    /* kernel -> user -> kernel keeps every entry */
    g_assert_cmpint(spapr_tce_storage_move(u, s), ==, 0);
    spapr_tce_storage_clear_all(s);
    g_assert_cmphex(kt.kview[n - 1], ==, 0);
    g_assert_cmpint(spapr_tce_storage_move(s, u), ==, 0);
    for (uint64_t i = 0; i < n; i++) {
        g_assert_cmphex(kt.kview[i], ==, want[i]);
    }
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==,
                     spapr_tce_storage_count_valid(u));

    /* early stop returns the callback's value */
    g_array_set_size(r.runs, 0);
    r.stop_after = 3;
    g_assert_cmpint(spapr_tce_storage_for_each_run(s, 0, n - 1,
                                                   SPAPR_TCE_WALK_NONZERO,
                                                   run_fn, &r), ==, 9);
    g_assert_cmpuint(r.runs->len, ==, 3);

    g_array_free(r.runs, TRUE);
    g_rand_free(rand);
    spapr_tce_storage_destroy(u);
    spapr_tce_storage_destroy(s);
    ktable_free(&kt);
}

/* Fills, advancing ones included, and a run that ends at the window end. */
static void test_fill(void)
{
    KTable kt;
    SpaprTceStorage *s = ktable_new(&kt, 600, true);
    Runs r = { .runs = g_array_new(FALSE, FALSE, sizeof(SpaprTceRun)) };
    SpaprTceRun *run;

    g_assert_cmpint(spapr_tce_storage_fill(s, 10, 500, TCE_RW(0x100000),
                                           true), ==, 0);
    g_assert_cmpint(spapr_tce_storage_fill(s, 510, 90, TCE_RO(0x7000),
                                           false), ==, 0);
    g_assert_cmphex(kt.kview[509], ==, TCE_RW(0x100000 + (499 << 12)));
    spapr_tce_storage_for_each_run(s, 0, 599, SPAPR_TCE_WALK_VALID, run_fn,
                                   &r);
    g_assert_cmpuint(r.runs->len, ==, 2);
    run = &g_array_index(r.runs, SpaprTceRun, 0);
    g_assert_cmpuint(run->index, ==, 10);
    g_assert_cmpuint(run->count, ==, 500);
    g_assert_true(run->advance);
    run = &g_array_index(r.runs, SpaprTceRun, 1);
    g_assert_cmpuint(run->index, ==, 510);
    g_assert_cmpuint(run->count, ==, 90);
    g_assert_false(run->advance);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 590);
    g_array_free(r.runs, TRUE);
    spapr_tce_storage_destroy(s);
    ktable_free(&kt);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spapr-tce/storage-kernel/basics", test_basics);
    g_test_add_func("/spapr-tce/storage-kernel/map-failure", test_map_failure);
    g_test_add_func("/spapr-tce/storage-kernel/known-empty", test_known_empty);
    g_test_add_func("/spapr-tce/storage-kernel/clear-no-alloc",
                    test_clear_no_alloc);
    g_test_add_func("/spapr-tce/storage-kernel/runs-random", test_runs_random);
    g_test_add_func("/spapr-tce/storage-kernel/fill", test_fill);
    return g_test_run();
}
