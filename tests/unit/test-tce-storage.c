/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hw/ppc/spapr_tce_storage.c (the user-space TCE table storage). */

#include "qemu/osdep.h"
#include "hw/ppc/spapr_tce_storage.h"

#define WIN_2G      (1ULL << 31)     /* the largest window QEMU accepts */
#define LEAF        64ULL      /* entries per leaf */
#define TCE_RW(gpa) ((gpa) | 3)
#define TCE_RO(gpa) ((gpa) | 1)
#define TCE_WO(gpa) ((gpa) | 2)

/* A user storage of 4 KiB pages without a budget. */
static SpaprTceStorage *tce_new(uint64_t nb_entries)
{
    return spapr_tce_storage_new_user(nb_entries, 12, NULL);
}

/* set() that must succeed; returns the value it replaced. */
static uint64_t set_old(SpaprTceStorage *s, uint64_t index, uint64_t tce)
{
    uint64_t old = spapr_tce_storage_get(s, index);

    g_assert_cmpint(spapr_tce_storage_set(s, index, tce), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, index), ==, tce);
    return old;
}

/* Collects what a walk visits. */
typedef struct Visit {
    GArray *index;
    GArray *tce;
    unsigned stop_after;        /* return 7 after this many; 0: never stop */
} Visit;

static void visit_init(Visit *v, unsigned stop_after)
{
    v->index = g_array_new(false, false, sizeof(uint64_t));
    v->tce = g_array_new(false, false, sizeof(uint64_t));
    v->stop_after = stop_after;
}

static void visit_free(Visit *v)
{
    g_array_free(v->index, true);
    g_array_free(v->tce, true);
}

static int visit_fn(void *opaque, uint64_t index, uint64_t tce)
{
    Visit *v = opaque;

    g_array_append_val(v->index, index);
    g_array_append_val(v->tce, tce);
    return v->stop_after && v->index->len == v->stop_after ? 7 : 0;
}

static void visit_check(Visit *v, const uint64_t *index, const uint64_t *tce,
                        unsigned n)
{
    unsigned i;

    g_assert_cmpuint(v->index->len, ==, n);
    for (i = 0; i < n; i++) {
        g_assert_cmphex(g_array_index(v->index, uint64_t, i), ==, index[i]);
        g_assert_cmphex(g_array_index(v->tce, uint64_t, i), ==, tce[i]);
    }
}

/*
 * Bytes a 2^31-entry user storage (6 levels) holds for isolated entries at
 * @idx (no two continuing one another), stored in any order without
 * removals: one node per distinct idx >> 6 (l + 1) at each level l below
 * the root, plus the root, each sized for its slots (compact capacities
 * 1, 2, 4, 8, 16, then 64).  Also returns the node counts.
 */
static uint64_t expected_bytes(const uint64_t *idx, unsigned n,
                               uint64_t *leaves, uint64_t *interior)
{
    uint64_t bytes = spapr_tce_storage_user_empty_bytes();
    unsigned l;

    *leaves = *interior = 0;
    for (l = 0; l < 6 && n; l++) {
        /* node key idx >> 6 (l + 1) -> set of slots idx >> 6 l */
        GHashTable *nodes = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                                  g_free, (GDestroyNotify)
                                                  g_hash_table_destroy);
        GHashTableIter it;
        gpointer key, value;
        unsigned i;

        for (i = 0; i < n; i++) {
            uint64_t node = idx[i] >> (6 * (l + 1));
            GHashTable *slots = g_hash_table_lookup(nodes, &node);
            uint64_t *k;

            if (!slots) {
                slots = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                              g_free, NULL);
                k = g_new(uint64_t, 1);
                *k = node;
                g_hash_table_insert(nodes, k, slots);
            }
            k = g_new(uint64_t, 1);
            *k = idx[i] >> (6 * l);
            g_hash_table_add(slots, k);         /* frees a duplicate */
        }
        g_hash_table_iter_init(&it, nodes);
        while (g_hash_table_iter_next(&it, &key, &value)) {
            unsigned nr = g_hash_table_size(value), cap = 1;

            while (cap < nr) {
                cap *= 2;
            }
            bytes += spapr_tce_storage_user_node_bytes(nr > 16 ? 64 : cap);
        }
        if (l) {
            *interior += g_hash_table_size(nodes);
        } else {
            *leaves += g_hash_table_size(nodes);
        }
        g_hash_table_destroy(nodes);
    }
    return bytes;
}

static void test_new_empty(void)
{
    SpaprTceStorage *s = tce_new(WIN_2G);
    uint64_t leaves, interior;
    Visit v;

    g_assert_cmpstr(spapr_tce_storage_kind(s), ==, "user");
    g_assert_cmpuint(spapr_tce_storage_nb_entries(s), ==, WIN_2G);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 0), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, WIN_2G - 1), ==, 0);
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert_cmpuint(leaves, ==, 0);
    g_assert_cmpuint(interior, ==, 0);
    visit_init(&v, 0);
    g_assert_cmpint(spapr_tce_storage_for_each_valid(s, 0, WIN_2G - 1,
                                                     visit_fn, &v), ==, 0);
    g_assert_cmpint(spapr_tce_storage_for_each_nonzero(s, 0, WIN_2G - 1,
                                                       visit_fn, &v), ==, 0);
    g_assert_cmpuint(v.index->len, ==, 0);
    visit_free(&v);
    spapr_tce_storage_destroy(s);
}

/* An empty 2^31-entry window costs the handle only: no node, nothing dense. */
static void test_accounting_empty(void)
{
    SpaprTceStorage *s = tce_new(WIN_2G);

    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), <, 1024 * 1024);
    /* Clearing entries that were never written allocates nothing. */
    g_assert_cmphex(set_old(s, 12345, 0), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    spapr_tce_storage_destroy(s);
}

/* One write in each of N distinct leaves: exact node counts and bytes, then all freed. */
static void test_accounting_leaves(void)
{
    static const uint64_t idx[] = {
        0, LEAF - 1 + LEAF, 2 * LEAF, (1ULL << 18) + 5, (1ULL << 27) + 9,
        WIN_2G - LEAF - 1, WIN_2G - 1,
    };
    const unsigned n = G_N_ELEMENTS(idx);
    SpaprTceStorage *s = tce_new(WIN_2G);
    uint64_t leaves, interior, want_leaves, want_interior, want;
    unsigned i;

    for (i = 0; i < n; i++) {
        g_assert_cmphex(set_old(s, idx[i], TCE_RW((i + 1) << 20)), ==, 0);
    }
    want = expected_bytes(idx, n, &want_leaves, &want_interior);
    g_assert_cmpuint(want_leaves, ==, n);
    /*
     * Level-1 nodes (4096 entries): {0, 127, 128}, {2^18 + 5}, {2^27 + 9},
     * {2^31 - 65, 2^31 - 1}: 4; level 2 (2^18): 4; level 3 (2^24): 3 (0
     * and 2^18 + 5 share one); level 4 (2^30): 2; the root.
     */
    g_assert_cmpuint(want_interior, ==, 4 + 4 + 3 + 2 + 1);
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert_cmpuint(leaves, ==, n);
    g_assert_cmpuint(interior, ==, want_interior);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, want);

    /* A second entry in an existing leaf grows it from 1 to 2 slots. */
    set_old(s, 1, TCE_RO(0x1000));
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     want + spapr_tce_storage_user_node_bytes(2) -
                     spapr_tce_storage_user_node_bytes(1));
    set_old(s, 1, 0);

    for (i = 0; i < n; i++) {
        g_assert_cmphex(set_old(s, idx[i], 0), ==, TCE_RW((i + 1) << 20));
        spapr_tce_storage_user_nodes(s, &leaves, &interior);
        expected_bytes(idx + i + 1, n - i - 1, &want_leaves, &want_interior);
        g_assert_cmpuint(leaves, ==, want_leaves);
        g_assert_cmpuint(interior, ==, want_interior);
    }
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_destroy(s);
}

/* Set, overwrite, clear and get at the window and leaf edges. */
static void test_edges(void)
{
    static const uint64_t idx[] = {
        0, 1, LEAF - 1, LEAF, (1ULL << 18) - 1, 1ULL << 18,
        (1ULL << 27) - 1, 1ULL << 27, WIN_2G - LEAF, WIN_2G - 2, WIN_2G - 1,
    };
    SpaprTceStorage *s = tce_new(WIN_2G);
    unsigned i, j;

    for (i = 0; i < G_N_ELEMENTS(idx); i++) {
        uint64_t a = TCE_RW(0x100000ULL * (i + 1));
        uint64_t b = TCE_RO(0x7ffff000ULL + i * 0x1000);

        g_assert_cmphex(set_old(s, idx[i], a), ==, 0);
        g_assert_cmphex(spapr_tce_storage_get(s, idx[i]), ==, a);
        g_assert_cmphex(set_old(s, idx[i], b), ==, a);
        g_assert_cmphex(spapr_tce_storage_get(s, idx[i]), ==, b);
        /* the same value again: unchanged, returns it */
        g_assert_cmphex(set_old(s, idx[i], b), ==, b);
        g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, i + 1);
        /* neighbours untouched */
        if (idx[i] > 0 && (i == 0 || idx[i - 1] != idx[i] - 1)) {
            g_assert_cmphex(spapr_tce_storage_get(s, idx[i] - 1), ==, 0);
        }
        if (idx[i] + 1 < WIN_2G && (i + 1 == G_N_ELEMENTS(idx) ||
                                   idx[i + 1] != idx[i] + 1)) {
            g_assert_cmphex(spapr_tce_storage_get(s, idx[i] + 1), ==, 0);
        }
    }
    for (i = 0; i < G_N_ELEMENTS(idx); i++) {
        g_assert_cmphex(set_old(s, idx[i], 0), ==,
                        TCE_RO(0x7ffff000ULL + i * 0x1000));
        g_assert_cmphex(spapr_tce_storage_get(s, idx[i]), ==, 0);
        for (j = i + 1; j < G_N_ELEMENTS(idx); j++) {
            g_assert_cmphex(spapr_tce_storage_get(s, idx[j]), ==,
                            TCE_RO(0x7ffff000ULL + j * 0x1000));
        }
        g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==,
                         G_N_ELEMENTS(idx) - i - 1);
    }
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    spapr_tce_storage_destroy(s);
}

/* Window sizes around each radix height, including 1 and 2^32 entries. */
static void test_sizes(void)
{
    static const uint64_t sizes[] = {
        1, 2, LEAF, LEAF + 1, 1ULL << 18, (1ULL << 18) + 1, 1ULL << 27,
        (1ULL << 27) + 1, 1ULL << 20, (1ULL << 32) - 1, 1ULL << 32,
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
        SpaprTceStorage *s = tce_new(sizes[i]);
        uint64_t last = sizes[i] - 1;
        uint64_t leaves, interior;
        Visit v;

        set_old(s, 0, TCE_RW(0x1000));
        set_old(s, last, TCE_WO(0x2000));
        g_assert_cmphex(spapr_tce_storage_get(s, 0), ==,
                        last ? TCE_RW(0x1000) : TCE_WO(0x2000));
        g_assert_cmphex(spapr_tce_storage_get(s, last), ==, TCE_WO(0x2000));
        g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, last ? 2 : 1);
        spapr_tce_storage_user_nodes(s, &leaves, &interior);
        g_assert_cmpuint(leaves, ==, last >= LEAF ? 2 : 1);

        visit_init(&v, 0);
        spapr_tce_storage_for_each_valid(s, 0, last, visit_fn, &v);
        g_assert_cmpuint(v.index->len, ==, last ? 2 : 1);
        g_assert_cmphex(g_array_index(v.index, uint64_t, v.index->len - 1),
                        ==, last);
        visit_free(&v);

        set_old(s, 0, 0);
        set_old(s, last, 0);
        g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                         spapr_tce_storage_user_empty_bytes());
        spapr_tce_storage_destroy(s);
    }
}

/* Entries stored out of order come back in ascending order, exactly. */
static void test_iterate_order(void)
{
    static const uint64_t put[][2] = {
        { WIN_2G - 1, TCE_RW(0x7f000000) },
        { 700, TCE_RO(0x3000) },
        { 1ULL << 27, TCE_WO(0x5000) },
        { 0, TCE_RW(0x1000) },
        { 511, TCE_RW(0x2000) },
        { 512, TCE_RW(0x4000) },
        { 600, 0xdead000 },             /* permission 0: not valid */
        { (1ULL << 18) + 3, TCE_RW(0x6000) },
    };
    static const uint64_t want_idx[] = {
        0, 511, 512, 700, (1ULL << 18) + 3, 1ULL << 27, WIN_2G - 1,
    };
    static const uint64_t want_tce[] = {
        TCE_RW(0x1000), TCE_RW(0x2000), TCE_RW(0x4000), TCE_RO(0x3000),
        TCE_RW(0x6000), TCE_WO(0x5000), TCE_RW(0x7f000000),
    };
    static const uint64_t want_nz_idx[] = {
        0, 511, 512, 600, 700, (1ULL << 18) + 3, 1ULL << 27, WIN_2G - 1,
    };
    static const uint64_t want_nz_tce[] = {
        TCE_RW(0x1000), TCE_RW(0x2000), TCE_RW(0x4000), 0xdead000,
        TCE_RO(0x3000), TCE_RW(0x6000), TCE_WO(0x5000), TCE_RW(0x7f000000),
    };
    SpaprTceStorage *s = tce_new(WIN_2G);
    unsigned i;
    Visit v;

    for (i = 0; i < G_N_ELEMENTS(put); i++) {
        set_old(s, put[i][0], put[i][1]);
    }
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==,
                     G_N_ELEMENTS(want_idx));

    visit_init(&v, 0);
    g_assert_cmpint(spapr_tce_storage_for_each_valid(s, 0, WIN_2G - 1,
                                                     visit_fn, &v), ==, 0);
    visit_check(&v, want_idx, want_tce, G_N_ELEMENTS(want_idx));
    visit_free(&v);

    visit_init(&v, 0);
    g_assert_cmpint(spapr_tce_storage_for_each_nonzero(s, 0, WIN_2G - 1,
                                                       visit_fn, &v), ==, 0);
    visit_check(&v, want_nz_idx, want_nz_tce, G_N_ELEMENTS(want_nz_idx));
    visit_free(&v);
    spapr_tce_storage_destroy(s);
}

/* fn's non-zero return stops the walk and is returned. */
static void test_iterate_early_stop(void)
{
    static const uint64_t want_idx[] = { 10, 1000, 1ULL << 20 };
    static const uint64_t want_tce[] = {
        TCE_RW(0xa000), TCE_RW(0xb000), TCE_RW(0xc000),
    };
    SpaprTceStorage *s = tce_new(WIN_2G);
    Visit v;

    set_old(s, 10, TCE_RW(0xa000));
    set_old(s, 1000, TCE_RW(0xb000));
    set_old(s, 1ULL << 20, TCE_RW(0xc000));
    set_old(s, 1ULL << 30, TCE_RW(0xd000));

    visit_init(&v, 3);
    g_assert_cmpint(spapr_tce_storage_for_each_valid(s, 0, WIN_2G - 1,
                                                     visit_fn, &v), ==, 7);
    visit_check(&v, want_idx, want_tce, 3);
    visit_free(&v);

    visit_init(&v, 1);
    g_assert_cmpint(spapr_tce_storage_for_each_nonzero(s, 11, WIN_2G - 1,
                                                       visit_fn, &v), ==, 7);
    visit_check(&v, want_idx + 1, want_tce + 1, 1);
    visit_free(&v);
    spapr_tce_storage_destroy(s);
}

/* first..last clips the walk at every level, bounds included. */
static void test_iterate_range(void)
{
    static const uint64_t idx[] = {
        0, 511, 512, 513, (1ULL << 18) - 1, 1ULL << 18, (1ULL << 27) - 1,
        1ULL << 27, WIN_2G - 1,
    };
    static const uint64_t ranges[][2] = {
        { 0, 0 }, { 1, 510 }, { 511, 512 }, { 512, (1ULL << 18) - 1 },
        { 514, (1ULL << 27) - 1 }, { (1ULL << 18) + 1, WIN_2G - 2 },
        { WIN_2G - 1, WIN_2G - 1 }, { 0, WIN_2G - 1 }, { 100, 100 },
    };
    SpaprTceStorage *s = tce_new(WIN_2G);
    unsigned i, r;

    for (i = 0; i < G_N_ELEMENTS(idx); i++) {
        set_old(s, idx[i], TCE_RW((i + 1) << 12));
    }
    for (r = 0; r < G_N_ELEMENTS(ranges); r++) {
        uint64_t want_idx[G_N_ELEMENTS(idx)], want_tce[G_N_ELEMENTS(idx)];
        unsigned n = 0;
        Visit v;

        for (i = 0; i < G_N_ELEMENTS(idx); i++) {
            if (idx[i] >= ranges[r][0] && idx[i] <= ranges[r][1]) {
                want_idx[n] = idx[i];
                want_tce[n++] = TCE_RW((i + 1) << 12);
            }
        }
        visit_init(&v, 0);
        g_assert_cmpint(spapr_tce_storage_for_each_valid(s, ranges[r][0],
                                                         ranges[r][1],
                                                         visit_fn, &v), ==, 0);
        visit_check(&v, want_idx, want_tce, n);
        visit_free(&v);
    }
    spapr_tce_storage_destroy(s);
}

/*
 * Permission 0 with address bits: returned verbatim, not valid, and keeps
 * its leaf alive; turning it valid and back updates the count.
 */
static void test_zero_perm_nonzero(void)
{
    SpaprTceStorage *s = tce_new(WIN_2G);
    uint64_t leaves, interior;
    Visit v;

    g_assert_cmphex(set_old(s, 4096, 0xabc000), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 4096), ==, 0xabc000);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert_cmpuint(leaves, ==, 1);

    visit_init(&v, 0);
    spapr_tce_storage_for_each_valid(s, 0, WIN_2G - 1, visit_fn, &v);
    g_assert_cmpuint(v.index->len, ==, 0);
    visit_free(&v);

    /* valid neighbour in the same leaf, then cleared: leaf stays */
    set_old(s, 4097, TCE_RW(0x5000));
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 1);
    set_old(s, 4097, 0);
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert_cmpuint(leaves, ==, 1);
    g_assert_cmphex(spapr_tce_storage_get(s, 4096), ==, 0xabc000);

    /* poisoned -> valid -> poisoned */
    g_assert_cmphex(set_old(s, 4096, TCE_RO(0xabc000)), ==,
                    0xabc000);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 1);
    g_assert_cmphex(set_old(s, 4096, 0xabc000), ==,
                    TCE_RO(0xabc000));
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);

    visit_init(&v, 0);
    spapr_tce_storage_for_each_valid(s, 0, WIN_2G - 1, visit_fn, &v);
    g_assert_cmpuint(v.index->len, ==, 0);
    visit_free(&v);

    g_assert_cmphex(set_old(s, 4096, 0), ==, 0xabc000);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    spapr_tce_storage_destroy(s);
}

static void test_clear_all(void)
{
    SpaprTceStorage *s = tce_new(WIN_2G);
    uint64_t i, leaves, interior;
    Visit v;

    for (i = 0; i < 64; i++) {
        set_old(s, i * 33331, TCE_RW(i << 12));
    }
    set_old(s, 5, 0x123000);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 64);
    spapr_tce_storage_clear_all(s);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert_cmpuint(leaves + interior, ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 33331), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 5), ==, 0);
    visit_init(&v, 0);
    spapr_tce_storage_for_each_nonzero(s, 0, WIN_2G - 1, visit_fn, &v);
    g_assert_cmpuint(v.index->len, ==, 0);
    visit_free(&v);

    /* usable again after clear_all */
    set_old(s, 77, TCE_RW(0x9000));
    g_assert_cmphex(spapr_tce_storage_get(s, 77), ==, TCE_RW(0x9000));
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 1);
    spapr_tce_storage_clear_all(s);
    spapr_tce_storage_clear_all(s);     /* on an empty table: no-op */
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    spapr_tce_storage_destroy(s);
    spapr_tce_storage_destroy(NULL);
}

/* move: dst becomes an exact copy (valid and poisoned entries), src intact. */
static void test_move(void)
{
    static const uint64_t want_idx[] = { 0, 3, 1ULL << 19, WIN_2G - 1 };
    static const uint64_t want_tce[] = {
        TCE_RW(0x1000), 0xfeed000, TCE_RO(0x3000), TCE_WO(0x4000),
    };
    SpaprTceStorage *src = tce_new(WIN_2G);
    SpaprTceStorage *dst = tce_new(WIN_2G);
    unsigned i;
    Visit v;

    for (i = 0; i < G_N_ELEMENTS(want_idx); i++) {
        set_old(src, want_idx[i], want_tce[i]);
    }
    /* stale content in dst must not survive */
    set_old(dst, 42, TCE_RW(0x42000));
    set_old(dst, 3, TCE_RW(0x77000));

    g_assert_cmpint(spapr_tce_storage_move(dst, src), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(dst, 42), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_count_valid(dst), ==, 3);
    g_assert_cmpuint(spapr_tce_storage_count_valid(src), ==, 3);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(dst), ==,
                     spapr_tce_storage_bytes_used(src));
    visit_init(&v, 0);
    spapr_tce_storage_for_each_nonzero(dst, 0, WIN_2G - 1, visit_fn, &v);
    visit_check(&v, want_idx, want_tce, G_N_ELEMENTS(want_idx));
    visit_free(&v);
    visit_init(&v, 0);
    spapr_tce_storage_for_each_nonzero(src, 0, WIN_2G - 1, visit_fn, &v);
    visit_check(&v, want_idx, want_tce, G_N_ELEMENTS(want_idx));
    visit_free(&v);
    spapr_tce_storage_destroy(src);

    /* moving an empty storage empties dst */
    src = tce_new(WIN_2G);
    g_assert_cmpint(spapr_tce_storage_move(dst, src), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(dst), ==,
                     spapr_tce_storage_user_empty_bytes());
    spapr_tce_storage_destroy(src);
    spapr_tce_storage_destroy(dst);
}

/*
 * count_valid and the walks against a dense reference, over a pseudo-random
 * mix of stores (valid, poisoned, zero) in a small window.
 */
static void test_random_vs_dense(void)
{
    const uint64_t nb = 5 * LEAF + 17;    /* height 1, partial last leaf */
    SpaprTceStorage *s = tce_new(nb);
    uint64_t *dense = g_new0(uint64_t, nb);
    GRand *rand = g_rand_new_with_seed(0x5eed);
    uint64_t i, n_valid;
    unsigned round;

    for (round = 0; round < 20000; round++) {
        uint64_t index = g_rand_int_range(rand, 0, nb);
        uint64_t tce;

        switch (g_rand_int_range(rand, 0, 4)) {
        case 0:
        case 1:
            tce = 0;
            break;
        case 2:
            tce = (uint64_t)g_rand_int(rand) << 12;
            break;
        default:
            tce = ((uint64_t)g_rand_int(rand) << 12) | g_rand_int_range(rand, 1, 4);
            break;
        }
        g_assert_cmphex(set_old(s, index, tce), ==,
                        dense[index]);
        dense[index] = tce;

        if (round % 1000 == 999) {
            Visit v;
            unsigned k = 0;

            visit_init(&v, 0);
            spapr_tce_storage_for_each_valid(s, 0, nb - 1, visit_fn, &v);
            for (i = 0, n_valid = 0; i < nb; i++) {
                g_assert_cmphex(spapr_tce_storage_get(s, i), ==, dense[i]);
                if (dense[i] & SPAPR_TCE_PERM_MASK) {
                    g_assert_cmpuint(k, <, v.index->len);
                    g_assert_cmpuint(g_array_index(v.index, uint64_t, k), ==, i);
                    g_assert_cmphex(g_array_index(v.tce, uint64_t, k), ==,
                                    dense[i]);
                    k++;
                    n_valid++;
                }
            }
            g_assert_cmpuint(k, ==, v.index->len);
            g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, n_valid);
            visit_free(&v);
        }
    }
    for (i = 0; i < nb; i++) {
        set_old(s, i, 0);
    }
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    g_rand_free(rand);
    g_free(dense);
    spapr_tce_storage_destroy(s);
}

/* Out-of-range indexes are programming errors: they abort. */
static void test_out_of_range_asserts(void)
{
    if (g_test_subprocess()) {
        SpaprTceStorage *s = tce_new(WIN_2G);

        set_old(s, WIN_2G, TCE_RW(0x1000));
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*index < s->nb_entries*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spapr-tce/storage/new-empty", test_new_empty);
    g_test_add_func("/spapr-tce/storage/accounting/empty",
                    test_accounting_empty);
    g_test_add_func("/spapr-tce/storage/accounting/leaves",
                    test_accounting_leaves);
    g_test_add_func("/spapr-tce/storage/edges", test_edges);
    g_test_add_func("/spapr-tce/storage/sizes", test_sizes);
    g_test_add_func("/spapr-tce/storage/iterate/order", test_iterate_order);
    g_test_add_func("/spapr-tce/storage/iterate/early-stop",
                    test_iterate_early_stop);
    g_test_add_func("/spapr-tce/storage/iterate/range", test_iterate_range);
    g_test_add_func("/spapr-tce/storage/zero-perm-nonzero",
                    test_zero_perm_nonzero);
    g_test_add_func("/spapr-tce/storage/clear-all", test_clear_all);
    g_test_add_func("/spapr-tce/storage/move", test_move);
    g_test_add_func("/spapr-tce/storage/random-vs-dense",
                    test_random_vs_dense);
    g_test_add_func("/spapr-tce/storage/out-of-range-asserts",
                    test_out_of_range_asserts);
    return g_test_run();
}
