/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of util/range-map.c (non-overlapping ranges on a GTree). */

#include "qemu/osdep.h"
#include "qemu/range-map.h"

/* Payload of the split tests: a base value that the upper part offsets. */
typedef struct Payload {
    uint64_t base;
} Payload;

static Payload *payload_new(uint64_t base)
{
    Payload *p = g_new(Payload, 1);

    p->base = base;
    return p;
}

static void *payload_split(void *opaque, RangeMapEntry *e, uint64_t offset)
{
    unsigned *calls = opaque;
    Payload *p = e->data;

    (*calls)++;
    return payload_new(p->base + offset);
}

/* Records the starts a walk visits. */
typedef struct Walk {
    GArray *starts;
    guint stop_after;           /* return 5 after this many; 0: never */
} Walk;

static int walk_record(void *opaque, RangeMapEntry *e)
{
    Walk *w = opaque;

    g_array_append_val(w->starts, e->start);
    return w->stop_after && w->starts->len == w->stop_after ? 5 : 0;
}

static void assert_walk(RangeMap *m, uint64_t start, uint64_t last,
                        const uint64_t *expect, guint n)
{
    Walk w = { g_array_new(false, false, sizeof(uint64_t)), 0 };

    g_assert_cmpint(range_map_foreach(m, start, last, walk_record, &w), ==, 0);
    g_assert_cmpuint(w.starts->len, ==, n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmphex(g_array_index(w.starts, uint64_t, i), ==, expect[i]);
    }
    g_array_free(w.starts, true);
}

static void test_insert_lookup(void)
{
    RangeMap *m = range_map_new(NULL);
    RangeMapEntry *e;

    g_assert_cmpint(range_map_insert(m, 0x1000, 0x1fff, GINT_TO_POINTER(1)),
                    ==, 0);
    g_assert_cmpint(range_map_insert(m, 0x3000, 0x3fff, GINT_TO_POINTER(2)),
                    ==, 0);
    g_assert_cmpuint(range_map_count(m), ==, 2);

    g_assert_null(range_map_lookup(m, 0xfff));
    e = range_map_lookup(m, 0x1000);
    g_assert_nonnull(e);
    g_assert_cmphex(e->start, ==, 0x1000);
    g_assert_cmphex(e->last, ==, 0x1fff);
    g_assert_cmpint(GPOINTER_TO_INT(e->data), ==, 1);
    g_assert_true(range_map_lookup(m, 0x1fff) == e);
    g_assert_null(range_map_lookup(m, 0x2000));
    g_assert_null(range_map_lookup(m, 0x2fff));
    g_assert_cmpint(GPOINTER_TO_INT(range_map_lookup(m, 0x3800)->data), ==, 2);
    g_assert_null(range_map_lookup(m, 0x4000));
    g_assert_true(range_map_find_start(m, 0x3000) ==
                  range_map_lookup(m, 0x3000));
    g_assert_null(range_map_find_start(m, 0x3001));
    range_map_free(m);
}

static void test_insert_overlap(void)
{
    RangeMap *m = range_map_new(NULL);

    g_assert_cmpint(range_map_insert(m, 0x1000, 0x1fff, NULL), ==, 0);
    /* Every way of meeting [0x1000, 0x1fff]. */
    g_assert_cmpint(range_map_insert(m, 0x1000, 0x1fff, NULL), ==, -EEXIST);
    g_assert_cmpint(range_map_insert(m, 0x0, 0x1000, NULL), ==, -EEXIST);
    g_assert_cmpint(range_map_insert(m, 0x1fff, 0x2fff, NULL), ==, -EEXIST);
    g_assert_cmpint(range_map_insert(m, 0x1800, 0x18ff, NULL), ==, -EEXIST);
    g_assert_cmpint(range_map_insert(m, 0x0, UINT64_MAX, NULL), ==, -EEXIST);
    g_assert_cmpint(range_map_insert(m, 0x2000, 0x1fff, NULL), ==, -EINVAL);
    g_assert_cmpuint(range_map_count(m), ==, 1);
    /* Adjacent on both sides is fine. */
    g_assert_cmpint(range_map_insert(m, 0x0, 0xfff, NULL), ==, 0);
    g_assert_cmpint(range_map_insert(m, 0x2000, 0x2000, NULL), ==, 0);
    g_assert_cmpuint(range_map_count(m), ==, 3);
    range_map_free(m);
}

static void test_top_of_space(void)
{
    RangeMap *m = range_map_new(NULL);

    g_assert_cmpint(range_map_insert(m, UINT64_MAX - 0xfff, UINT64_MAX, NULL),
                    ==, 0);
    g_assert_nonnull(range_map_lookup(m, UINT64_MAX));
    g_assert_true(range_map_covers(m, UINT64_MAX - 0xfff, UINT64_MAX));
    g_assert_true(range_map_overlaps(m, 0, UINT64_MAX));
    g_assert_cmpint(range_map_insert(m, 0, UINT64_MAX - 0x1000, NULL), ==, 0);
    g_assert_true(range_map_covers(m, 0, UINT64_MAX));
    range_map_free(m);
}

static void test_iterate_order(void)
{
    RangeMap *m = range_map_new(NULL);
    /* Inserted out of order. */
    static const uint64_t starts[] = { 0x5000, 0x1000, 0x9000, 0x3000, 0x7000 };
    static const uint64_t all[] = { 0x1000, 0x3000, 0x5000, 0x7000, 0x9000 };
    static const uint64_t mid[] = { 0x3000, 0x5000, 0x7000 };
    Walk w = { g_array_new(false, false, sizeof(uint64_t)), 2 };

    for (guint i = 0; i < G_N_ELEMENTS(starts); i++) {
        g_assert_cmpint(range_map_insert(m, starts[i], starts[i] + 0xfff,
                                         NULL), ==, 0);
    }
    assert_walk(m, 0, UINT64_MAX, all, 5);
    /* Ranges reaching in from either side are included whole. */
    assert_walk(m, 0x3fff, 0x7000, mid, 3);
    assert_walk(m, 0x2000, 0x2fff, NULL, 0);
    assert_walk(m, 0xa000, UINT64_MAX, NULL, 0);
    assert_walk(m, 0x9000, 0x1000, NULL, 0);

    /* A callback's non-zero value stops the walk and is returned. */
    g_assert_cmpint(range_map_foreach(m, 0, UINT64_MAX, walk_record, &w),
                    ==, 5);
    g_assert_cmpuint(w.starts->len, ==, 2);
    g_array_free(w.starts, true);

    g_assert_cmphex(range_map_first_in(m, 0x1800, 0xffff)->start, ==, 0x1000);
    g_assert_cmphex(range_map_first_in(m, 0x2000, 0xffff)->start, ==, 0x3000);
    g_assert_null(range_map_first_in(m, 0x2000, 0x2fff));
    g_assert_cmphex(range_map_next(m, range_map_lookup(m, 0x3000))->start, ==,
                    0x5000);
    g_assert_null(range_map_next(m, range_map_lookup(m, 0x9000)));
    range_map_free(m);
}

static void test_covers(void)
{
    RangeMap *m = range_map_new(NULL);

    range_map_insert(m, 0x1000, 0x1fff, NULL);
    range_map_insert(m, 0x2000, 0x2fff, NULL);
    range_map_insert(m, 0x4000, 0x4fff, NULL);
    g_assert_true(range_map_covers(m, 0x1000, 0x2fff));   /* adjacent pair */
    g_assert_true(range_map_covers(m, 0x1800, 0x2800));
    g_assert_true(range_map_covers(m, 0x4000, 0x4000));
    g_assert_false(range_map_covers(m, 0x1000, 0x3000));  /* runs into a hole */
    g_assert_false(range_map_covers(m, 0xfff, 0x1000));   /* starts in one */
    g_assert_false(range_map_covers(m, 0x1000, 0x4fff));
    g_assert_false(range_map_covers(m, 0x2000, 0x1000));
    g_assert_false(range_map_overlaps(m, 0x3000, 0x3fff));
    g_assert_true(range_map_overlaps(m, 0x3000, 0x4000));
    range_map_free(m);
}

static void test_remove(void)
{
    RangeMap *m = range_map_new(g_free);
    static const uint64_t left[] = { 0x3000 };

    range_map_insert(m, 0x1000, 0x1fff, payload_new(1));
    range_map_insert(m, 0x3000, 0x3fff, payload_new(3));
    g_assert_false(range_map_remove(m, 0x1800));  /* not a start */
    g_assert_true(range_map_remove(m, 0x1000));
    g_assert_false(range_map_remove(m, 0x1000));
    g_assert_null(range_map_lookup(m, 0x1000));
    assert_walk(m, 0, UINT64_MAX, left, 1);
    /* A freed hole can be filled again. */
    g_assert_cmpint(range_map_insert(m, 0x0, 0x2fff, payload_new(0)), ==, 0);
    range_map_free(m);                /* frees the two payloads (ASan) */
}

static void test_steal(void)
{
    RangeMap *m = range_map_new(g_free);
    Payload *p = payload_new(9), *got;

    range_map_insert(m, 0x1000, 0x1fff, p);
    g_assert_null(range_map_steal(m, 0x2000));
    got = range_map_steal(m, 0x1000);
    g_assert_true(got == p);
    g_assert_cmpuint(range_map_count(m), ==, 0);
    g_free(got);
    range_map_free(m);
}

static void test_split(void)
{
    RangeMap *m = range_map_new(g_free);
    static const uint64_t pieces[] = { 0x1000, 0x1400, 0x1c00 };
    unsigned calls = 0;
    RangeMapEntry *e;

    range_map_insert(m, 0x1000, 0x1fff, payload_new(0xa000));
    /* At a start or outside any range: nothing to do. */
    g_assert_cmpint(range_map_split(m, 0x1000, payload_split, &calls), ==, 0);
    g_assert_cmpint(range_map_split(m, 0x2000, payload_split, &calls), ==, 0);
    g_assert_cmpuint(calls, ==, 0);
    g_assert_cmpuint(range_map_count(m), ==, 1);

    /* Split the upper part first, then the lower one. */
    g_assert_cmpint(range_map_split(m, 0x1c00, payload_split, &calls), ==, 0);
    g_assert_cmpint(range_map_split(m, 0x1400, payload_split, &calls), ==, 0);
    g_assert_cmpuint(calls, ==, 2);
    assert_walk(m, 0, UINT64_MAX, pieces, 3);

    e = range_map_lookup(m, 0x1000);
    g_assert_cmphex(e->last, ==, 0x13ff);
    g_assert_cmphex(((Payload *)e->data)->base, ==, 0xa000);
    e = range_map_lookup(m, 0x1400);
    g_assert_cmphex(e->start, ==, 0x1400);
    g_assert_cmphex(e->last, ==, 0x1bff);
    g_assert_cmphex(((Payload *)e->data)->base, ==, 0xa400);
    e = range_map_lookup(m, 0x1fff);
    g_assert_cmphex(e->start, ==, 0x1c00);
    g_assert_cmphex(e->last, ==, 0x1fff);
    g_assert_cmphex(((Payload *)e->data)->base, ==, 0xac00);

    /* The pieces are separate ranges now: remove the middle one. */
    g_assert_true(range_map_remove(m, 0x1400));
    g_assert_null(range_map_lookup(m, 0x1800));
    g_assert_false(range_map_covers(m, 0x1000, 0x1fff));
    range_map_free(m);
}

static void test_split_last_address(void)
{
    RangeMap *m = range_map_new(NULL);
    RangeMapEntry *e;

    range_map_insert(m, 0, UINT64_MAX, GINT_TO_POINTER(4));
    g_assert_cmpint(range_map_split(m, UINT64_MAX, NULL, NULL), ==, 0);
    e = range_map_lookup(m, UINT64_MAX);
    g_assert_cmphex(e->start, ==, UINT64_MAX);
    g_assert_cmphex(e->last, ==, UINT64_MAX);
    g_assert_cmpint(GPOINTER_TO_INT(e->data), ==, 4);
    g_assert_cmphex(range_map_lookup(m, 0)->last, ==, UINT64_MAX - 1);
    range_map_free(m);
}

/* Many ranges: lookups hit the right one at both ends of each. */
static void test_many(void)
{
    RangeMap *m = range_map_new(NULL);
    const uint64_t n = 10000;
    guint visited = 0;
    RangeMapEntry *e;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = (i * 7919) % n;        /* a permutation of 0..n-1 */

        g_assert_cmpint(range_map_insert(m, k * 0x2000, k * 0x2000 + 0xfff,
                                         GSIZE_TO_POINTER(k)), ==, 0);
    }
    for (uint64_t k = 0; k < n; k++) {
        RangeMapEntry *lo = range_map_lookup(m, k * 0x2000);
        RangeMapEntry *hi = range_map_lookup(m, k * 0x2000 + 0xfff);

        g_assert_cmpuint(GPOINTER_TO_SIZE(lo->data), ==, k);
        g_assert_cmpuint(GPOINTER_TO_SIZE(hi->data), ==, k);
        g_assert_null(range_map_lookup(m, k * 0x2000 + 0x1000));
    }
    for (e = range_map_first_in(m, 0, UINT64_MAX); e;
         e = range_map_next(m, e)) {
        g_assert_cmpuint(e->start, ==, visited * 0x2000ULL);
        visited++;
    }
    g_assert_cmpuint(visited, ==, n);
    range_map_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/range-map/insert/lookup", test_insert_lookup);
    g_test_add_func("/range-map/insert/overlap-eexist", test_insert_overlap);
    g_test_add_func("/range-map/insert/top-of-space", test_top_of_space);
    g_test_add_func("/range-map/iterate/order", test_iterate_order);
    g_test_add_func("/range-map/covers", test_covers);
    g_test_add_func("/range-map/remove", test_remove);
    g_test_add_func("/range-map/steal", test_steal);
    g_test_add_func("/range-map/split/pieces", test_split);
    g_test_add_func("/range-map/split/last-address", test_split_last_address);
    g_test_add_func("/range-map/many", test_many);
    return g_test_run();
}
