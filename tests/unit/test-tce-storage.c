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
 * 1, 4, 16, then 64).  Also returns the node counts.
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
                cap *= 4;
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

/* Collects the runs a for_each_run visits. */
static int run_collect(void *opaque, const SpaprTceRun *run)
{
    GArray *runs = opaque;

    g_array_append_val(runs, *run);
    return 0;
}

static GArray *runs_of(SpaprTceStorage *s, uint64_t first, uint64_t last,
                       SpaprTceWalkMode mode)
{
    GArray *runs = g_array_new(false, false, sizeof(SpaprTceRun));

    g_assert_cmpint(spapr_tce_storage_for_each_run(s, first, last, mode,
                                                   run_collect, runs), ==, 0);
    return runs;
}

static void run_check(GArray *runs, unsigned k, uint64_t index,
                      uint64_t count, uint64_t tce, bool advance)
{
    SpaprTceRun *r = &g_array_index(runs, SpaprTceRun, k);

    g_assert_cmpuint(k, <, runs->len);
    g_assert_cmphex(r->index, ==, index);
    g_assert_cmpuint(r->count, ==, count);
    g_assert_cmphex(r->tce, ==, tce);
    g_assert_cmpint(r->advance, ==, advance);
}

/*
 * The maximal runs of dense[first..last] selected by @mode, greedily from
 * the left, as the storage must report them.
 */
static GArray *dense_runs(const uint64_t *dense, uint64_t first,
                          uint64_t last, unsigned shift, SpaprTceWalkMode mode)
{
    GArray *runs = g_array_new(false, false, sizeof(SpaprTceRun));
    SpaprTceRun r = { 0 };
    bool have = false;
    uint64_t i;

    for (i = first; i <= last; i++) {
        uint64_t v = dense[i];
        bool sel = mode == SPAPR_TCE_WALK_VALID ? (v & SPAPR_TCE_PERM_MASK)
                                                : v != 0;

        if (have && sel && i == r.index + r.count) {
            if (r.count == 1 && v == r.tce) {
                r.count++;
                continue;
            }
            if (r.count == 1 && v == r.tce + (1ULL << shift) && v > r.tce) {
                r.count++;
                r.advance = true;
                continue;
            }
            if (r.count > 1 && !r.advance && v == r.tce) {
                r.count++;
                continue;
            }
            if (r.count > 1 && r.advance &&
                v == r.tce + (r.count << shift) && v > r.tce) {
                r.count++;
                continue;
            }
        }
        if (!sel) {
            continue;
        }
        if (have) {
            g_array_append_val(runs, r);
        }
        r = (SpaprTceRun) { .index = i, .count = 1, .tce = v };
        have = true;
    }
    if (have) {
        g_array_append_val(runs, r);
    }
    return runs;
}

static void runs_equal(GArray *got, GArray *want)
{
    unsigned k;

    g_assert_cmpuint(got->len, ==, want->len);
    for (k = 0; k < want->len; k++) {
        SpaprTceRun *w = &g_array_index(want, SpaprTceRun, k);

        run_check(got, k, w->index, w->count, w->tce, w->advance);
    }
}

/*
 * A fill of a whole 2^31-entry window costs the root and one slot per
 * 2^30 entries; one set inside splits one descriptor per level; storing the
 * old value back merges everything again.
 */
static void test_fill_whole_window(void)
{
    const uint64_t v = TCE_RW(0x40000000), w = TCE_RO(0x1000);
    const uint64_t empty = spapr_tce_storage_user_empty_bytes();
    const uint64_t root = spapr_tce_storage_user_node_bytes(2);
    SpaprTceStorage *s = tce_new(WIN_2G);
    uint64_t leaves, interior;
    GArray *runs;

    g_assert_cmpint(spapr_tce_storage_fill(s, 0, WIN_2G, v, false), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, empty + root);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, WIN_2G);
    g_assert_cmphex(spapr_tce_storage_get(s, 0), ==, v);
    g_assert_cmphex(spapr_tce_storage_get(s, 123456789), ==, v);
    g_assert_cmphex(spapr_tce_storage_get(s, WIN_2G - 1), ==, v);
    runs = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_VALID);
    g_assert_cmpuint(runs->len, ==, 1);
    run_check(runs, 0, 0, WIN_2G, v, false);
    g_array_free(runs, true);
    /* clipped */
    runs = runs_of(s, 5, 9, SPAPR_TCE_WALK_NONZERO);
    g_assert_cmpuint(runs->len, ==, 1);
    run_check(runs, 0, 5, 5, v, false);
    g_array_free(runs, true);

    /* One set: a full node per level below the root. */
    g_assert_cmpint(spapr_tce_storage_set(s, 12345, w), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     empty + root + 5 * spapr_tce_storage_user_node_bytes(64));
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), <, 4096);
    spapr_tce_storage_user_nodes(s, &leaves, &interior);
    g_assert_cmpuint(leaves, ==, 1);
    g_assert_cmpuint(interior, ==, 5);
    g_assert_cmphex(spapr_tce_storage_get(s, 12344), ==, v);
    g_assert_cmphex(spapr_tce_storage_get(s, 12345), ==, w);
    g_assert_cmphex(spapr_tce_storage_get(s, 12346), ==, v);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, WIN_2G);
    runs = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_NONZERO);
    g_assert_cmpuint(runs->len, ==, 3);
    run_check(runs, 0, 0, 12345, v, false);
    run_check(runs, 1, 12345, 1, w, false);
    run_check(runs, 2, 12346, WIN_2G - 12346, v, false);
    g_array_free(runs, true);

    g_assert_cmpint(spapr_tce_storage_set(s, 12345, v), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, empty + root);

    /* An advancing fill, from a page-aligned address with permissions. */
    g_assert_cmpint(spapr_tce_storage_fill(s, 0, WIN_2G, TCE_RW(0), true),
                    ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, empty + root);
    g_assert_cmphex(spapr_tce_storage_get(s, 0), ==, TCE_RW(0));
    g_assert_cmphex(spapr_tce_storage_get(s, 77777), ==, TCE_RW(77777ULL << 12));
    g_assert_cmphex(spapr_tce_storage_get(s, WIN_2G - 1), ==,
                    TCE_RW((WIN_2G - 1) << 12));
    runs = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_VALID);
    g_assert_cmpuint(runs->len, ==, 1);
    run_check(runs, 0, 0, WIN_2G, TCE_RW(0), true);
    g_array_free(runs, true);
    runs = runs_of(s, 100, 100, SPAPR_TCE_WALK_VALID);
    run_check(runs, 0, 100, 1, TCE_RW(100ULL << 12), false);
    g_array_free(runs, true);

    /* clear_all allocates nothing and frees everything */
    spapr_tce_storage_clear_all(s);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, empty);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_destroy(s);
}

/* An advancing fill from 0: the first entry stays 0, the others are set. */
static void test_fill_advance_from_zero(void)
{
    SpaprTceStorage *s = tce_new(1000);
    GArray *runs;

    g_assert_cmpint(spapr_tce_storage_fill(s, 10, 5, 0, true), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 10), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 11), ==, 0x1000);
    g_assert_cmphex(spapr_tce_storage_get(s, 14), ==, 0x4000);
    runs = runs_of(s, 0, 999, SPAPR_TCE_WALK_NONZERO);
    g_assert_cmpuint(runs->len, ==, 1);
    run_check(runs, 0, 11, 4, 0x1000, true);
    g_array_free(runs, true);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_destroy(s);
}

/* Clearing ranges: exact contents, no allocation beyond the edges. */
static void test_clear_range(void)
{
    const uint64_t v = TCE_RW(0x5000000);
    SpaprTceStorage *s = tce_new(WIN_2G);
    uint64_t bytes;
    GArray *runs;

    g_assert_cmpint(spapr_tce_storage_fill(s, 0, WIN_2G, v, true), ==, 0);
    spapr_tce_storage_clear(s, 1000, WIN_2G - 2000);
    /* two edges, each a path of full nodes under the root */
    bytes = spapr_tce_storage_bytes_used(s);
    g_assert_cmpuint(bytes, <=, spapr_tce_storage_user_empty_bytes() +
                     spapr_tce_storage_user_write_bytes(s));
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 2000);
    runs = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_VALID);
    g_assert_cmpuint(runs->len, ==, 2);
    run_check(runs, 0, 0, 1000, v, true);
    run_check(runs, 1, WIN_2G - 1000, 1000, v + ((WIN_2G - 1000) << 12), true);
    g_array_free(runs, true);
    g_assert_cmphex(spapr_tce_storage_get(s, 999), ==, v + (999 << 12));
    g_assert_cmphex(spapr_tce_storage_get(s, 1000), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, WIN_2G - 1001), ==, 0);

    /* clearing what is already clear changes nothing */
    spapr_tce_storage_clear(s, 5000, 1ULL << 30);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, bytes);
    spapr_tce_storage_clear(s, 0, 1000);
    spapr_tce_storage_clear(s, WIN_2G - 1000, 1000);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, 0);
    spapr_tce_storage_destroy(s);
}

/*
 * A guest direct-mapping 4 GiB of RAM with 64 KiB pages: 2^20 entries whose
 * addresses advance by the page size, stored one at a time.  Runs merge as
 * they form, so in ascending order the storage never holds more than a
 * path of full nodes; in any order it ends as one run: the root and two 1-slot nodes above a level-3 node of 4
 * descriptors (2^18 entries each).
 */
static void test_runs_direct_map(void)
{
    const uint64_t n = 1ULL << 20;
    const uint64_t final = spapr_tce_storage_user_empty_bytes() +
                           2 * spapr_tce_storage_user_node_bytes(1) +
                           spapr_tce_storage_user_node_bytes(4);
    GRand *rand = g_rand_new_with_seed(42);
    unsigned order[2048], pass;

    for (pass = 0; pass < 3; pass++) {
        SpaprTceStorage *s = spapr_tce_storage_new_user(WIN_2G, 16, NULL);
        uint64_t base = pass == 2 ? 5 : 0, peak = 0, i;
        GArray *runs;
        unsigned b;

        for (b = 0; b < n / 512; b++) {
            order[b] = b;
        }
        if (pass == 1) {        /* 512-entry batches in a random order */
            for (b = n / 512 - 1; b > 0; b--) {
                unsigned j = g_rand_int_range(rand, 0, b + 1), t = order[b];

                order[b] = order[j];
                order[j] = t;
            }
        }
        for (b = 0; b < n / 512; b++) {
            for (i = order[b] * 512ULL; i < order[b] * 512ULL + 512; i++) {
                g_assert_cmpint(spapr_tce_storage_set(s, base + i,
                                                      TCE_RW(i << 16)), ==, 0);
            }
            peak = MAX(peak, spapr_tce_storage_bytes_used(s));
        }
        if (pass != 1) {
            /* in order: at most a path of full nodes at any time */
            g_assert_cmpuint(peak, <=, spapr_tce_storage_user_empty_bytes() +
                             spapr_tce_storage_user_write_bytes(s));
        }
        if (!base) {
            g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, final);
        }
        g_assert_cmpuint(spapr_tce_storage_bytes_used(s), <, 16 * 1024);
        g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, n);
        runs = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_VALID);
        g_assert_cmpuint(runs->len, ==, 1);
        run_check(runs, 0, base, n, TCE_RW(0), true);
        g_array_free(runs, true);
        g_assert_cmphex(spapr_tce_storage_get(s, base + 777777), ==,
                        TCE_RW(777777ULL << 16));
        spapr_tce_storage_destroy(s);
    }
    g_rand_free(rand);
}

/* Two runs that touch but cannot merge, and runs of one entry. */
static void test_runs_maximal(void)
{
    SpaprTceStorage *s = tce_new(4096);
    const uint64_t v = TCE_RW(0x100000);
    GArray *runs;

    /* v v v+1p v+2p | x (invalid) | v+4p */
    spapr_tce_storage_fill(s, 100, 2, v, false);
    spapr_tce_storage_fill(s, 102, 2, v + 0x1000, true);
    set_old(s, 104, 0x777000);
    set_old(s, 105, v + 0x4000);
    runs = runs_of(s, 0, 4095, SPAPR_TCE_WALK_NONZERO);
    g_assert_cmpuint(runs->len, ==, 4);
    run_check(runs, 0, 100, 2, v, false);
    run_check(runs, 1, 102, 2, v + 0x1000, true);
    run_check(runs, 2, 104, 1, 0x777000, false);
    run_check(runs, 3, 105, 1, v + 0x4000, false);
    g_array_free(runs, true);
    runs = runs_of(s, 0, 4095, SPAPR_TCE_WALK_VALID);
    g_assert_cmpuint(runs->len, ==, 3);
    run_check(runs, 2, 105, 1, v + 0x4000, false);
    g_array_free(runs, true);
    /*
     * The invalid entry becomes the missing page: runs are cut greedily
     * from the left, so v v | v+1p .. v+4p (not v | v .. v+4p).
     */
    set_old(s, 104, v + 0x3000);
    runs = runs_of(s, 0, 4095, SPAPR_TCE_WALK_VALID);
    g_assert_cmpuint(runs->len, ==, 2);
    run_check(runs, 0, 100, 2, v, false);
    run_check(runs, 1, 102, 4, v + 0x1000, true);
    g_array_free(runs, true);
    spapr_tce_storage_destroy(s);
}

/* early stop of for_each_run returns fn's value */
static int run_stop(void *opaque, const SpaprTceRun *run)
{
    unsigned *n = opaque;

    return ++*n == 2 ? 9 : 0;
}

static void test_runs_early_stop(void)
{
    SpaprTceStorage *s = tce_new(WIN_2G);
    unsigned n = 0;

    set_old(s, 1, TCE_RW(0x1000));
    set_old(s, 3, TCE_RW(0x1000));
    set_old(s, 1ULL << 30, TCE_RW(0x1000));
    g_assert_cmpint(spapr_tce_storage_for_each_run(s, 0, WIN_2G - 1,
                                                   SPAPR_TCE_WALK_VALID,
                                                   run_stop, &n), ==, 9);
    g_assert_cmpuint(n, ==, 2);
    spapr_tce_storage_destroy(s);
}

/*
 * 10^4 isolated entries at random over a 2^31-entry window: at most 288
 * bytes each (one 1-slot node per level), well under 4 MiB.
 */
static void test_memory_spread(void)
{
    const unsigned n = 10000;
    SpaprTceStorage *s = tce_new(WIN_2G);
    GRand *rand = g_rand_new_with_seed(7);
    uint64_t *idx = g_new(uint64_t, n), leaves, interior, want;
    unsigned i;

    for (i = 0; i < n; i++) {
        idx[i] = g_rand_int_range(rand, 0, INT32_MAX) ;
        /* addresses that never continue a neighbour: no runs */
        set_old(s, idx[i], TCE_RW((uint64_t)(i * 2 + 1) << 24));
    }
    want = expected_bytes(idx, n, &leaves, &interior);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, want);
    g_assert_cmpuint(want, <=, spapr_tce_storage_user_empty_bytes() +
                     n * 6 * spapr_tce_storage_user_node_bytes(1));
    g_assert_cmpuint(want, <, 4 * 1024 * 1024);
    g_rand_free(rand);
    g_free(idx);
    spapr_tce_storage_destroy(s);
}

/*
 * Pseudo-random sets, fills (uniform and advancing) and clears in a small
 * window against a dense reference: every entry, count_valid, the per-entry
 * walks and the maximal runs; and the canonical form: a copy made by
 * move() (run by run) has exactly the same nodes.
 */
static void test_random_ops_vs_dense(void)
{
    const uint64_t nb = 3 * 4096 + 77;          /* height 2, ragged end */
    SpaprTceStorage *s = tce_new(nb);
    uint64_t *dense = g_new0(uint64_t, nb);
    GRand *rand = g_rand_new_with_seed(0xf111);
    unsigned round;

    for (round = 0; round < 6000; round++) {
        uint64_t first = g_rand_int_range(rand, 0, nb), count, tce, k;
        unsigned op = g_rand_int_range(rand, 0, 8);
        bool adv = false;

        count = op < 3 ? 1 : 1 + g_rand_int_range(rand, 0,
                                                   op == 7 ? nb : 200);
        count = MIN(count, nb - first);
        /* few distinct values, so that runs form and break */
        tce = ((uint64_t)g_rand_int_range(rand, 0, 4) << 12) |
              g_rand_int_range(rand, 0, 4);
        if (op == 0 || op == 6) {
            tce = 0;
        } else if (op == 1) {
            /* continue the left neighbour's run */
            tce = first && dense[first - 1] ? dense[first - 1] +
                  (g_rand_boolean(rand) ? 0x1000 : 0) : tce;
        } else if (op == 4 || op == 5) {
            adv = true;
        }
        if (tce == 0 && !adv) {
            spapr_tce_storage_clear(s, first, count);
        } else {
            g_assert_cmpint(spapr_tce_storage_fill(s, first, count, tce, adv),
                            ==, 0);
        }
        for (k = 0; k < count; k++) {
            dense[first + k] = tce + (adv ? k << 12 : 0);
        }

        if (round % 500 == 499) {
            SpaprTceStorage *copy = tce_new(nb);
            uint64_t i, n_valid = 0, l1, i1, l2, i2;
            unsigned m;
            Visit v;

            for (i = 0; i < nb; i++) {
                g_assert_cmphex(spapr_tce_storage_get(s, i), ==, dense[i]);
                n_valid += !!(dense[i] & SPAPR_TCE_PERM_MASK);
            }
            g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, n_valid);
            for (m = 0; m < 2; m++) {
                uint64_t a = m ? g_rand_int_range(rand, 0, nb) : 0;
                uint64_t b = m ? g_rand_int_range(rand, a, nb) : nb - 1;
                GArray *got = runs_of(s, a, b, m);
                GArray *want = dense_runs(dense, a, b, 12, m);

                runs_equal(got, want);
                g_array_free(got, true);
                g_array_free(want, true);
            }
            visit_init(&v, 0);
            spapr_tce_storage_for_each_nonzero(s, 0, nb - 1, visit_fn, &v);
            for (i = 0, m = 0; i < nb; i++) {
                if (dense[i]) {
                    g_assert_cmpuint(g_array_index(v.index, uint64_t, m), ==, i);
                    g_assert_cmphex(g_array_index(v.tce, uint64_t, m), ==,
                                    dense[i]);
                    m++;
                }
            }
            g_assert_cmpuint(m, ==, v.index->len);
            visit_free(&v);

            g_assert_cmpint(spapr_tce_storage_move(copy, s), ==, 0);
            spapr_tce_storage_user_nodes(s, &l1, &i1);
            spapr_tce_storage_user_nodes(copy, &l2, &i2);
            g_assert_cmpuint(l1, ==, l2);
            g_assert_cmpuint(i1, ==, i2);
            g_assert_cmpuint(spapr_tce_storage_count_valid(copy), ==, n_valid);
            spapr_tce_storage_destroy(copy);
        }
    }
    spapr_tce_storage_clear(s, 0, nb);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==,
                     spapr_tce_storage_user_empty_bytes());
    g_rand_free(rand);
    g_free(dense);
    spapr_tce_storage_destroy(s);
}

/* Every byte charged, every byte uncharged; two storages share a budget. */
static void test_budget_accounting(void)
{
    SpaprTceBudget budget = { 0 };
    SpaprTceStorage *a = spapr_tce_storage_new_user(WIN_2G, 12, &budget);
    SpaprTceStorage *b = spapr_tce_storage_new_user(4096, 16, &budget);
    unsigned i;

    g_assert_cmpuint(budget.used, ==, 2 * spapr_tce_storage_user_empty_bytes());
    for (i = 0; i < 1000; i++) {
        set_old(a, i * 7919ULL * 13, TCE_RW((uint64_t)i << 30));
        set_old(b, i % 4096, TCE_RO((uint64_t)i << 30));
        g_assert_cmpuint(budget.used, ==, spapr_tce_storage_bytes_used(a) +
                         spapr_tce_storage_bytes_used(b));
    }
    spapr_tce_storage_fill(a, 100, 1ULL << 30, TCE_RW(0), true);
    spapr_tce_storage_clear(b, 10, 20);
    g_assert_cmpuint(budget.used, ==, spapr_tce_storage_bytes_used(a) +
                     spapr_tce_storage_bytes_used(b));
    spapr_tce_storage_clear_all(a);
    g_assert_cmpuint(budget.used, ==, spapr_tce_storage_user_empty_bytes() +
                     spapr_tce_storage_bytes_used(b));
    spapr_tce_storage_destroy(a);
    spapr_tce_storage_destroy(b);
    g_assert_cmpuint(budget.used, ==, 0);
}

/*
 * Over the limit: -ENOSPC and nothing changed (contents, bytes, count);
 * clears still work and are charged.
 */
static void test_budget_enospc(void)
{
    SpaprTceBudget budget = { .limit = 4096 };
    SpaprTceStorage *s = spapr_tce_storage_new_user(WIN_2G, 12, &budget);
    uint64_t i, used, valid, failures = 0;
    GArray *before, *after;

    for (i = 0; i < 100; i++) {
        int ret = spapr_tce_storage_set(s, i << 20, TCE_RW(i << 12));

        g_assert_true(ret == 0 || ret == -ENOSPC);
        g_assert_cmpuint(budget.used, <=, budget.limit);
        failures += ret != 0;
    }
    g_assert_cmpuint(failures, >, 0);
    used = budget.used;
    valid = spapr_tce_storage_count_valid(s);
    before = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_NONZERO);
    g_assert_cmpint(spapr_tce_storage_set(s, 99ULL << 20, TCE_RW(0x1000)), ==,
                    -ENOSPC);
    g_assert_cmpint(spapr_tce_storage_fill(s, 5, 1ULL << 30, TCE_RW(0x1000),
                                           true), ==, -ENOSPC);
    after = runs_of(s, 0, WIN_2G - 1, SPAPR_TCE_WALK_NONZERO);
    runs_equal(after, before);
    g_assert_cmpuint(budget.used, ==, used);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(s), ==, used);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, valid);
    g_assert_false(spapr_tce_storage_can_write(s, 1));
    g_array_free(before, true);
    g_array_free(after, true);

    /* A clear never fails, even when splitting a run goes over the limit. */
    spapr_tce_storage_clear_all(s);
    budget.limit = 0;
    g_assert_cmpint(spapr_tce_storage_fill(s, 0, WIN_2G, TCE_RW(0), true), ==, 0);
    budget.limit = budget.used;
    g_assert_cmpint(spapr_tce_storage_set(s, 777, 0), ==, 0);
    spapr_tce_storage_clear(s, 1000, 3);
    g_assert_cmpuint(budget.used, >, budget.limit);
    g_assert_cmpuint(budget.used, ==, spapr_tce_storage_bytes_used(s));
    g_assert_cmphex(spapr_tce_storage_get(s, 777), ==, 0);
    g_assert_cmphex(spapr_tce_storage_get(s, 1001), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_count_valid(s), ==, WIN_2G - 4);
    /* Over the limit, a write that needs a node fails... */
    g_assert_cmpint(spapr_tce_storage_set(s, (1ULL << 30) + 5, TCE_RW(0x1000)),
                    ==, -ENOSPC);
    g_assert_cmphex(spapr_tce_storage_get(s, (1ULL << 30) + 5), ==,
                    TCE_RW(((1ULL << 30) + 5) << 12));
    /* ...one that fits in the nodes already there does not. */
    g_assert_cmpint(spapr_tce_storage_set(s, 1001, TCE_RW(0x1000)), ==, 0);
    spapr_tce_storage_destroy(s);
    g_assert_cmpuint(budget.used, ==, 0);
}

/*
 * can_write(n) is sound: once true, n writes of any kind (new isolated
 * entries, fills, sets splitting runs) succeed; with the limit it gives,
 * can_write(n + 1) is false.
 */
static void test_budget_can_write(void)
{
    SpaprTceBudget budget = { 0 };
    SpaprTceStorage *s = spapr_tce_storage_new_user(WIN_2G, 12, &budget);
    GRand *rand = g_rand_new_with_seed(99);
    unsigned n, k;

    g_assert_true(spapr_tce_storage_can_write(s, UINT64_MAX));
    spapr_tce_storage_fill(s, 1ULL << 30, 1ULL << 30, TCE_RW(0), true);
    for (n = 1; n <= 40; n++) {
        budget.limit = budget.used + n * spapr_tce_storage_user_write_bytes(s);
        g_assert_true(spapr_tce_storage_can_write(s, n));
        g_assert_false(spapr_tce_storage_can_write(s, n + 1));
        for (k = 0; k < n; k++) {
            uint64_t first = ((uint64_t)g_rand_int(rand) << 1) % WIN_2G;
            uint64_t count = 1 + g_rand_int_range(rand, 0, 1 << 20);

            count = MIN(count, WIN_2G - first);

            switch (g_rand_int_range(rand, 0, 3)) {
            case 0:
                g_assert_cmpint(spapr_tce_storage_set(s, first,
                                                      TCE_RW(first << 13)),
                                ==, 0);
                break;
            case 1:
                g_assert_cmpint(spapr_tce_storage_fill(s, first, count,
                                                       TCE_RO(0x5000), true),
                                ==, 0);
                break;
            default:
                g_assert_cmpint(spapr_tce_storage_fill(s, first, count,
                                                       0x9000, false), ==, 0);
                break;
            }
        }
    }
    g_rand_free(rand);
    spapr_tce_storage_destroy(s);
}

/* move copies run by run: a filled window costs nothing; budget failure clears dst. */
static void test_move_runs(void)
{
    SpaprTceBudget small = { .limit = 1024 };
    SpaprTceStorage *src = tce_new(WIN_2G), *dst = tce_new(WIN_2G), *tiny;
    GArray *runs;
    uint64_t i;

    spapr_tce_storage_fill(src, 0, WIN_2G, TCE_RW(0), true);
    set_old(src, 4096, 0x123000);
    g_assert_cmpint(spapr_tce_storage_move(dst, src), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(dst), ==,
                     spapr_tce_storage_bytes_used(src));
    g_assert_cmpuint(spapr_tce_storage_count_valid(dst), ==, WIN_2G - 1);
    runs = runs_of(dst, 0, WIN_2G - 1, SPAPR_TCE_WALK_NONZERO);
    g_assert_cmpuint(runs->len, ==, 3);
    run_check(runs, 1, 4096, 1, 0x123000, false);
    g_array_free(runs, true);

    tiny = spapr_tce_storage_new_user(WIN_2G, 12, &small);
    for (i = 0; i < 64; i++) {
        set_old(src, i << 24, TCE_RW(i << 40));
    }
    g_assert_cmpint(spapr_tce_storage_move(tiny, src), ==, -ENOSPC);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(tiny), ==,
                     spapr_tce_storage_user_empty_bytes());
    g_assert_cmpuint(spapr_tce_storage_count_valid(tiny), ==, 0);
    spapr_tce_storage_destroy(tiny);
    g_assert_cmpuint(small.used, ==, 0);
    spapr_tce_storage_destroy(src);
    spapr_tce_storage_destroy(dst);
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
    g_test_add_func("/spapr-tce/storage/fill/whole-window",
                    test_fill_whole_window);
    g_test_add_func("/spapr-tce/storage/fill/advance-from-zero",
                    test_fill_advance_from_zero);
    g_test_add_func("/spapr-tce/storage/clear/range", test_clear_range);
    g_test_add_func("/spapr-tce/storage/runs/direct-map", test_runs_direct_map);
    g_test_add_func("/spapr-tce/storage/runs/maximal", test_runs_maximal);
    g_test_add_func("/spapr-tce/storage/runs/early-stop",
                    test_runs_early_stop);
    g_test_add_func("/spapr-tce/storage/memory/spread", test_memory_spread);
    g_test_add_func("/spapr-tce/storage/random-ops-vs-dense",
                    test_random_ops_vs_dense);
    g_test_add_func("/spapr-tce/storage/budget/accounting",
                    test_budget_accounting);
    g_test_add_func("/spapr-tce/storage/budget/enospc", test_budget_enospc);
    g_test_add_func("/spapr-tce/storage/budget/can-write",
                    test_budget_can_write);
    g_test_add_func("/spapr-tce/storage/move/runs", test_move_runs);
    return g_test_run();
}
