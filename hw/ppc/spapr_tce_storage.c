/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest-view TCE table storage: the owner-independent calls and the user-space radix owner. */

#include "qemu/osdep.h"
#include "hw/ppc/spapr_tce_storage.h"

/* Owner-independent wrappers: range checks here, once for every owner. */

const char *spapr_tce_storage_kind(SpaprTceStorage *s)
{
    return s->ops->kind;
}

uint64_t spapr_tce_storage_nb_entries(SpaprTceStorage *s)
{
    return s->nb_entries;
}

uint64_t spapr_tce_storage_get(SpaprTceStorage *s, uint64_t index)
{
    assert(index < s->nb_entries);
    return s->ops->get(s, index);
}

uint64_t spapr_tce_storage_set(SpaprTceStorage *s, uint64_t index,
                               uint64_t tce)
{
    assert(index < s->nb_entries);
    return s->ops->set(s, index, tce);
}

static int spapr_tce_storage_walk(SpaprTceStorage *s, uint64_t first,
                                  uint64_t last, SpaprTceWalkMode mode,
                                  SpaprTceStorageWalkFn fn, void *opaque)
{
    assert(first <= last && last < s->nb_entries);
    return s->ops->walk(s, first, last, mode, fn, opaque);
}

int spapr_tce_storage_for_each_valid(SpaprTceStorage *s, uint64_t first,
                                     uint64_t last, SpaprTceStorageWalkFn fn,
                                     void *opaque)
{
    return spapr_tce_storage_walk(s, first, last, SPAPR_TCE_WALK_VALID,
                                  fn, opaque);
}

int spapr_tce_storage_for_each_nonzero(SpaprTceStorage *s, uint64_t first,
                                       uint64_t last,
                                       SpaprTceStorageWalkFn fn, void *opaque)
{
    return spapr_tce_storage_walk(s, first, last, SPAPR_TCE_WALK_NONZERO,
                                  fn, opaque);
}

uint64_t spapr_tce_storage_count_valid(SpaprTceStorage *s)
{
    return s->ops->count_valid(s);
}

uint64_t spapr_tce_storage_bytes_used(SpaprTceStorage *s)
{
    return s->ops->bytes_used(s);
}

void spapr_tce_storage_clear_all(SpaprTceStorage *s)
{
    s->ops->clear_all(s);
}

void spapr_tce_storage_destroy(SpaprTceStorage *s)
{
    if (s) {
        s->ops->destroy(s);
    }
}

typedef struct TceMoveState {
    SpaprTceStorage *dst;
    uint64_t copied;
} TceMoveState;

static int tce_move_one(void *opaque, uint64_t index, uint64_t tce)
{
    TceMoveState *ms = opaque;

    ms->dst->ops->set(ms->dst, index, tce);
    ms->copied++;
    return 0;
}

uint64_t spapr_tce_storage_move(SpaprTceStorage *dst, SpaprTceStorage *src)
{
    TceMoveState ms = { .dst = dst };

    assert(dst != src);
    assert(dst->nb_entries == src->nb_entries);
    dst->ops->clear_all(dst);
    src->ops->walk(src, 0, src->nb_entries - 1, SPAPR_TCE_WALK_NONZERO,
                   tce_move_one, &ms);
    return ms.copied;
}

/*
 * User-space owner: a radix tree, 9 index bits per level.  The layout and
 * its costs are described in the header.
 */

#define TCE_RADIX_BITS      9
#define TCE_RADIX_SLOTS     (1u << TCE_RADIX_BITS)
#define TCE_MAP_WORDS       (TCE_RADIX_SLOTS / 64)
/* Levels above the leaves for 2^32 entries: 9 * (3 + 1) >= 32. */
#define TCE_RADIX_MAX_HEIGHT 3

QEMU_BUILD_BUG_ON(SPAPR_TCE_USER_LEAF_ENTRIES != TCE_RADIX_SLOTS);
QEMU_BUILD_BUG_ON(TCE_RADIX_BITS * (TCE_RADIX_MAX_HEIGHT + 1) < 32);

typedef struct TceNode TceNode;
struct TceNode {
    /*
     * Indexed by SpaprTceWalkMode.  NONZERO: leaf, entry != 0; interior,
     * child != NULL.  VALID: leaf, entry has permission bits; interior, the
     * child's subtree holds a valid entry.  VALID is a subset of NONZERO.
     */
    uint64_t map[2][TCE_MAP_WORDS];
    uint16_t count[2];              /* bits set in each map */
    union {
        uint64_t tce[TCE_RADIX_SLOTS];      /* level 0 */
        TceNode *child[TCE_RADIX_SLOTS];    /* levels above */
    };
};

typedef struct SpaprTceUserStorage {
    SpaprTceStorage parent;
    TceNode *root;          /* at level 'height'; NULL while all entries are 0 */
    unsigned height;        /* levels above the leaves (0: the root is a leaf) */
    uint64_t nr_valid;
    uint64_t nr_leaves;
    uint64_t nr_interior;
} SpaprTceUserStorage;

static const SpaprTceStorageOps spapr_tce_user_ops;

static SpaprTceUserStorage *tce_user(SpaprTceStorage *s)
{
    assert(s->ops == &spapr_tce_user_ops);
    return container_of(s, SpaprTceUserStorage, parent);
}

static unsigned tce_slot(uint64_t index, unsigned level)
{
    return (index >> (level * TCE_RADIX_BITS)) & (TCE_RADIX_SLOTS - 1);
}

static bool tce_in_map(uint64_t tce, SpaprTceWalkMode mode)
{
    return mode == SPAPR_TCE_WALK_VALID ? (tce & SPAPR_TCE_PERM_MASK) != 0
                                        : tce != 0;
}

/* First set bit of @map at or after @from, or TCE_RADIX_SLOTS if none. */
static unsigned tce_map_next(const uint64_t *map, unsigned from)
{
    while (from < TCE_RADIX_SLOTS) {
        uint64_t word = map[from / 64] >> (from % 64);

        if (word) {
            return from + __builtin_ctzll(word);
        }
        from = (from | 63) + 1;
    }
    return TCE_RADIX_SLOTS;
}

static TceNode *tce_node_new(SpaprTceUserStorage *u, unsigned level)
{
    if (level) {
        u->nr_interior++;
    } else {
        u->nr_leaves++;
    }
    return g_new0(TceNode, 1);
}

static void tce_node_free(SpaprTceUserStorage *u, TceNode *n, unsigned level)
{
    if (level) {
        u->nr_interior--;
    } else {
        u->nr_leaves--;
    }
    g_free(n);
}

static void tce_node_free_tree(SpaprTceUserStorage *u, TceNode *n,
                               unsigned level)
{
    unsigned i;

    if (level) {
        for (i = tce_map_next(n->map[SPAPR_TCE_WALK_NONZERO], 0);
             i < TCE_RADIX_SLOTS;
             i = tce_map_next(n->map[SPAPR_TCE_WALK_NONZERO], i + 1)) {
            tce_node_free_tree(u, n->child[i], level - 1);
        }
    }
    tce_node_free(u, n, level);
}

/*
 * Set or clear the @mode bit of the entry at the bottom of @path, and carry
 * the change up while a node's map goes from empty to non-empty or back.
 */
static void tce_map_update(SpaprTceUserStorage *u, TceNode **path,
                           const unsigned *slot, SpaprTceWalkMode mode,
                           bool was, bool now)
{
    unsigned level;

    if (was == now) {
        return;
    }
    for (level = 0; level <= u->height; level++) {
        TceNode *n = path[level];
        unsigned bit = slot[level];
        bool was_empty = n->count[mode] == 0;

        if (now) {
            n->map[mode][bit / 64] |= 1ULL << (bit % 64);
            n->count[mode]++;
        } else {
            n->map[mode][bit / 64] &= ~(1ULL << (bit % 64));
            n->count[mode]--;
        }
        if (was_empty == (n->count[mode] == 0)) {
            return;
        }
        now = n->count[mode] != 0;
    }
}

static uint64_t tce_user_get(SpaprTceStorage *s, uint64_t index)
{
    SpaprTceUserStorage *u = tce_user(s);
    TceNode *n = u->root;
    unsigned level;

    for (level = u->height; n && level; level--) {
        n = n->child[tce_slot(index, level)];
    }
    return n ? n->tce[tce_slot(index, 0)] : 0;
}

static uint64_t tce_user_set(SpaprTceStorage *s, uint64_t index, uint64_t tce)
{
    SpaprTceUserStorage *u = tce_user(s);
    TceNode *path[TCE_RADIX_MAX_HEIGHT + 1];
    unsigned slot[TCE_RADIX_MAX_HEIGHT + 1];
    TceNode **link = &u->root;
    uint64_t old;
    int level;

    /* Descend, allocating the missing nodes only for a non-zero store. */
    for (level = u->height; level >= 0; level--) {
        if (!*link) {
            if (!tce) {
                return 0;
            }
            *link = tce_node_new(u, level);
        }
        path[level] = *link;
        slot[level] = tce_slot(index, level);
        if (level) {
            link = &path[level]->child[slot[level]];
        }
    }

    old = path[0]->tce[slot[0]];
    if (old == tce) {
        return old;
    }
    path[0]->tce[slot[0]] = tce;

    /* New nodes get linked into their parent's NONZERO map here. */
    tce_map_update(u, path, slot, SPAPR_TCE_WALK_NONZERO,
                   tce_in_map(old, SPAPR_TCE_WALK_NONZERO),
                   tce_in_map(tce, SPAPR_TCE_WALK_NONZERO));
    tce_map_update(u, path, slot, SPAPR_TCE_WALK_VALID,
                   tce_in_map(old, SPAPR_TCE_WALK_VALID),
                   tce_in_map(tce, SPAPR_TCE_WALK_VALID));
    u->nr_valid += tce_in_map(tce, SPAPR_TCE_WALK_VALID);
    u->nr_valid -= tce_in_map(old, SPAPR_TCE_WALK_VALID);

    /*
     * Free the nodes left without a non-zero entry, bottom up.  Their bits
     * in the parent's maps were already cleared by tce_map_update().
     */
    for (level = 0; level <= (int)u->height; level++) {
        if (path[level]->count[SPAPR_TCE_WALK_NONZERO]) {
            break;
        }
        tce_node_free(u, path[level], level);
        if (level == (int)u->height) {
            u->root = NULL;
        } else {
            path[level + 1]->child[slot[level + 1]] = NULL;
        }
    }
    return old;
}

/* Children whose maps a walk loads ahead of the one it visits. */
#define TCE_WALK_PREFETCH   4

/* Walk the subtree @n at @level, covering indexes from @base, clipped to [first, last]. */
static int tce_walk_node(const TceNode *n, unsigned level, uint64_t base,
                         uint64_t first, uint64_t last, SpaprTceWalkMode mode,
                         SpaprTceStorageWalkFn fn, void *opaque)
{
    unsigned shift = level * TCE_RADIX_BITS;
    uint64_t node_last = base + (1ULL << (shift + TCE_RADIX_BITS)) - 1;
    unsigned lo = first > base ? (first - base) >> shift : 0;
    unsigned hi = last < node_last ? (last - base) >> shift
                                   : TCE_RADIX_SLOTS - 1;
    unsigned i, ahead = lo, k;

    /* Prime the lookahead: TCE_WALK_PREFETCH children in flight. */
    for (k = 0; level && k < TCE_WALK_PREFETCH; k++) {
        ahead = tce_map_next(n->map[mode], ahead);
        if (ahead > hi) {
            break;
        }
        __builtin_prefetch(n->child[ahead]->map[mode]);
        ahead++;
    }

    for (i = tce_map_next(n->map[mode], lo); i <= hi;
         i = tce_map_next(n->map[mode], i + 1)) {
        uint64_t child_base = base + ((uint64_t)i << shift);
        int ret;

        if (level) {
            /*
             * Each child is a cache (and TLB) miss when entries are spread:
             * keep the next ones loading while this one is walked.
             */
            if (ahead <= hi) {
                ahead = tce_map_next(n->map[mode], ahead);
                if (ahead <= hi) {
                    __builtin_prefetch(n->child[ahead]->map[mode]);
                    ahead++;
                }
            }
            ret = tce_walk_node(n->child[i], level - 1, child_base,
                                first, last, mode, fn, opaque);
        } else {
            ret = fn(opaque, child_base, n->tce[i]);
        }
        if (ret) {
            return ret;
        }
    }
    return 0;
}

static int tce_user_walk(SpaprTceStorage *s, uint64_t first, uint64_t last,
                         SpaprTceWalkMode mode, SpaprTceStorageWalkFn fn,
                         void *opaque)
{
    SpaprTceUserStorage *u = tce_user(s);

    if (!u->root) {
        return 0;
    }
    return tce_walk_node(u->root, u->height, 0, first, last, mode, fn, opaque);
}

static uint64_t tce_user_count_valid(SpaprTceStorage *s)
{
    return tce_user(s)->nr_valid;
}

static uint64_t tce_user_bytes_used(SpaprTceStorage *s)
{
    SpaprTceUserStorage *u = tce_user(s);

    return sizeof(*u) + (u->nr_leaves + u->nr_interior) * sizeof(TceNode);
}

static void tce_user_clear_all(SpaprTceStorage *s)
{
    SpaprTceUserStorage *u = tce_user(s);

    if (u->root) {
        tce_node_free_tree(u, u->root, u->height);
        u->root = NULL;
    }
    assert(!u->nr_leaves && !u->nr_interior);
    u->nr_valid = 0;
}

static void tce_user_destroy(SpaprTceStorage *s)
{
    tce_user_clear_all(s);
    g_free(tce_user(s));
}

static const SpaprTceStorageOps spapr_tce_user_ops = {
    .kind = "user",
    .get = tce_user_get,
    .set = tce_user_set,
    .walk = tce_user_walk,
    .count_valid = tce_user_count_valid,
    .bytes_used = tce_user_bytes_used,
    .clear_all = tce_user_clear_all,
    .destroy = tce_user_destroy,
};

SpaprTceStorage *spapr_tce_storage_new_user(uint64_t nb_entries)
{
    SpaprTceUserStorage *u;

    assert(nb_entries >= 1 && nb_entries <= SPAPR_TCE_STORAGE_MAX_ENTRIES);
    u = g_new0(SpaprTceUserStorage, 1);
    u->parent.ops = &spapr_tce_user_ops;
    u->parent.nb_entries = nb_entries;
    while (u->height < TCE_RADIX_MAX_HEIGHT &&
           ((nb_entries - 1) >> (TCE_RADIX_BITS * (u->height + 1)))) {
        u->height++;
    }
    return &u->parent;
}

size_t spapr_tce_storage_user_node_bytes(void)
{
    return sizeof(TceNode);
}

size_t spapr_tce_storage_user_empty_bytes(void)
{
    return sizeof(SpaprTceUserStorage);
}

void spapr_tce_storage_user_nodes(SpaprTceStorage *s, uint64_t *leaves,
                                  uint64_t *interior)
{
    SpaprTceUserStorage *u = tce_user(s);

    *leaves = u->nr_leaves;
    *interior = u->nr_interior;
}
