/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest-view TCE table storage: the owner-independent calls, the user-space radix owner and the kernel owner. */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
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

int spapr_tce_storage_set(SpaprTceStorage *s, uint64_t index, uint64_t tce)
{
    uint64_t old;

    return spapr_tce_storage_exchange(s, index, tce, &old);
}

int spapr_tce_storage_exchange(SpaprTceStorage *s, uint64_t index,
                               uint64_t tce, uint64_t *old)
{
    assert(index < s->nb_entries);
    return s->ops->exchange(s, index, tce, old);
}

/* An advancing fill from 0: its first entry is a clear, the rest is not. */
int spapr_tce_storage_fill(SpaprTceStorage *s, uint64_t first, uint64_t count,
                           uint64_t tce, bool advance)
{
    int ret;

    assert(count >= 1 && first < s->nb_entries &&
           count <= s->nb_entries - first);
    if (count == 1) {
        advance = false;
    }
    /* The last entry, tce + ((count - 1) << page_shift), must not wrap. */
    assert(!advance || (count - 1) <= (UINT64_MAX - tce) >> s->page_shift);
    if (advance && tce == 0) {
        ret = s->ops->fill(s, first + 1, count - 1, 1ULL << s->page_shift,
                           count > 2);
        if (!ret) {
            ret = s->ops->fill(s, first, 1, 0, false);
            assert(ret == 0);
        }
        return ret;
    }
    return s->ops->fill(s, first, count, tce, advance);
}

void spapr_tce_storage_clear(SpaprTceStorage *s, uint64_t first,
                             uint64_t count)
{
    int ret;

    assert(count >= 1 && first < s->nb_entries &&
           count <= s->nb_entries - first);
    ret = s->ops->fill(s, first, count, 0, false);
    assert(ret == 0);
}

bool spapr_tce_storage_can_write(SpaprTceStorage *s, uint64_t nr_writes)
{
    return s->ops->can_write(s, nr_writes);
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

int spapr_tce_storage_for_each_run(SpaprTceStorage *s, uint64_t first,
                                   uint64_t last, SpaprTceWalkMode mode,
                                   SpaprTceStorageRunFn fn, void *opaque)
{
    assert(first <= last && last < s->nb_entries);
    return s->ops->walk_runs(s, first, last, mode, fn, opaque);
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

static int tce_move_run(void *opaque, const SpaprTceRun *run)
{
    SpaprTceStorage *dst = opaque;

    return dst->ops->fill(dst, run->index, run->count, run->tce, run->advance);
}

int spapr_tce_storage_move(SpaprTceStorage *dst, SpaprTceStorage *src)
{
    int ret;

    assert(dst != src);
    assert(dst->nb_entries == src->nb_entries);
    assert(dst->page_shift == src->page_shift);
    dst->ops->clear_all(dst);
    ret = src->ops->walk_runs(src, 0, src->nb_entries - 1,
                              SPAPR_TCE_WALK_NONZERO, tce_move_run, dst);
    if (ret) {
        dst->ops->clear_all(dst);
    }
    return ret;
}

/*
 * User-space owner: a run-aware radix of 64-slot nodes.  The layout and
 * its costs are described in the header.
 */

#define TCE_BITS            6
#define TCE_SLOTS           64
#define TCE_ALL             (~0ULL)
#define TCE_COMPACT_MAX     16
#define TCE_MAX_HEIGHT      SPAPR_TCE_USER_MAX_HEIGHT
/* Nodes one write may allocate: two per level (the two ends of its range). */
#define TCE_MAX_ALLOCS      (2 * (TCE_MAX_HEIGHT + 1))

QEMU_BUILD_BUG_ON(SPAPR_TCE_USER_LEAF_ENTRIES != TCE_SLOTS);
QEMU_BUILD_BUG_ON(TCE_BITS * (TCE_MAX_HEIGHT + 1) < 32);

typedef struct TceNode TceNode;

typedef union TceSlot {
    uint64_t tce;       /* descriptor: the value of the block's first entry */
    TceNode *child;
} TceSlot;

struct TceNode {
    uint64_t present;   /* the slot holds something (else its block is 0) */
    uint64_t desc;      /* the slot is a descriptor (all of a leaf's are) */
    uint64_t adv;       /* the descriptor advances (levels >= 1 only) */
    uint64_t valid;     /* the slot's block holds a valid entry */
    uint32_t cap;       /* slots allocated: 1, 4, 16 (compact) or 64 */
    uint32_t unused;
    TceSlot slot[];     /* compact: the present slots in order; direct: all */
};

QEMU_BUILD_BUG_ON(sizeof(TceNode) != 40);

typedef struct SpaprTceUserStorage {
    SpaprTceStorage parent;
    TceNode *root;          /* at level 'height'; NULL while all entries are 0 */
    unsigned height;        /* levels above the leaves (0: the root is a leaf) */
    SpaprTceBudget *budget;
    uint64_t bytes;         /* handle + nodes, what is charged to the budget */
    uint64_t nr_valid;
    uint64_t nr_leaves;
    uint64_t nr_interior;
    /*
     * The path to the leaf set() last reached, reused while no node was
     * allocated or freed since (gen == path_gen): sequential accesses then
     * skip the descent.
     */
    uint64_t gen;           /* bumped by every node allocation and free */
    uint64_t path_gen;
    uint64_t path_block;    /* index >> TCE_BITS of the leaf's entries */
    TceNode *path[SPAPR_TCE_USER_MAX_HEIGHT + 1];
    unsigned path_slot[SPAPR_TCE_USER_MAX_HEIGHT + 1];
} SpaprTceUserStorage;

static const SpaprTceStorageOps spapr_tce_user_ops;

static SpaprTceUserStorage *tce_user(SpaprTceStorage *s)
{
    assert(s->ops == &spapr_tce_user_ops);
    return container_of(s, SpaprTceUserStorage, parent);
}

static inline uint64_t tce_bit(unsigned i)
{
    return 1ULL << i;
}

/* Slots [i0, i1] as a map. */
static inline uint64_t tce_bits(unsigned i0, unsigned i1)
{
    uint64_t upto = i1 == TCE_SLOTS - 1 ? TCE_ALL : tce_bit(i1 + 1) - 1;

    return upto & ~(tce_bit(i0) - 1);
}

/*
 * Bit count without the libgcc call __builtin_popcountll() becomes when
 * the build does not target a CPU with a popcount instruction.
 */
static inline unsigned tce_popcount(uint64_t map)
{
#ifdef __POPCNT__
    return __builtin_popcountll(map);
#else
    map -= (map >> 1) & 0x5555555555555555ULL;
    map = (map & 0x3333333333333333ULL) + ((map >> 2) & 0x3333333333333333ULL);
    map = (map + (map >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (map * 0x0101010101010101ULL) >> 56;
#endif
}

static inline unsigned tce_ctz(uint64_t map)
{
    return __builtin_ctzll(map);
}

/* Where slot @i (present, or about to be inserted) lives in n->slot[]. */
static inline unsigned tce_pos(const TceNode *n, unsigned i)
{
    if (n->cap == TCE_SLOTS || n->cap == 1) {
        return n->cap == 1 ? 0 : i;
    }
    return tce_popcount(n->present & (tce_bit(i) - 1));
}

static inline unsigned tce_slot_index(uint64_t index, unsigned level)
{
    return (index >> (TCE_BITS * level)) & (TCE_SLOTS - 1);
}

static inline bool tce_is_valid(uint64_t tce)
{
    return (tce & SPAPR_TCE_PERM_MASK) != 0;
}

static unsigned tce_cap_for(unsigned nr)
{
    unsigned cap = 1;

    if (nr > TCE_COMPACT_MAX) {
        return TCE_SLOTS;
    }
    while (cap < nr) {
        cap <<= 2;
    }
    return cap;
}

static size_t tce_node_bytes(unsigned cap)
{
    return sizeof(TceNode) + cap * sizeof(TceSlot);
}

static void tce_charge(SpaprTceUserStorage *u, uint64_t bytes)
{
    u->bytes += bytes;
    if (u->budget) {
        u->budget->used += bytes;
    }
}

static void tce_uncharge(SpaprTceUserStorage *u, uint64_t bytes)
{
    assert(u->bytes >= bytes);
    u->bytes -= bytes;
    if (u->budget) {
        assert(u->budget->used >= bytes);
        u->budget->used -= bytes;
    }
}

/* True when @bytes more would take the budget above its limit. */
static bool tce_over_budget(SpaprTceUserStorage *u, uint64_t bytes)
{
    SpaprTceBudget *b = u->budget;

    return b && b->limit && (b->used > b->limit || bytes > b->limit - b->used);
}

/* Make @mem (charged already, @cap slots) an empty node at @level. */
static TceNode *tce_node_init(SpaprTceUserStorage *u, void *mem, unsigned cap,
                              unsigned level)
{
    TceNode *n = mem;

    n->present = n->desc = n->adv = n->valid = 0;
    n->cap = cap;
    n->unused = 0;
    u->gen++;
    if (level) {
        u->nr_interior++;
    } else {
        u->nr_leaves++;
    }
    return n;
}

static void tce_node_release(SpaprTceUserStorage *u, TceNode *n,
                             unsigned level)
{
    u->gen++;
    if (level) {
        u->nr_interior--;
    } else {
        u->nr_leaves--;
    }
    tce_uncharge(u, tce_node_bytes(n->cap));
    g_free(n);
}

/* Copy @src's maps and slots into @dst (room for them: the caller checked). */
static void tce_node_copy(TceNode *dst, const TceNode *src)
{
    uint64_t map = src->present;
    unsigned k = 0;

    dst->present = src->present;
    dst->desc = src->desc;
    dst->adv = src->adv;
    dst->valid = src->valid;
    while (map) {
        unsigned i = tce_ctz(map);

        map &= map - 1;
        dst->slot[dst->cap == TCE_SLOTS ? i : k] =
            src->slot[src->cap == TCE_SLOTS ? i : k];
        k++;
    }
}

/* Make room for slot @i (absent; the node has a free slot) and return it. */
static TceSlot *tce_slot_insert(TceNode *n, unsigned i)
{
    unsigned pos = tce_pos(n, i);

    if (n->cap != TCE_SLOTS) {
        unsigned nr = tce_popcount(n->present);

        assert(nr < n->cap);
        memmove(&n->slot[pos + 1], &n->slot[pos],
                (nr - pos) * sizeof(TceSlot));
    }
    n->present |= tce_bit(i);
    return &n->slot[pos];
}

static void tce_slot_remove(TceNode *n, unsigned i)
{
    unsigned pos = tce_pos(n, i);
    uint64_t b = tce_bit(i);

    if (n->cap != TCE_SLOTS) {
        unsigned nr = tce_popcount(n->present);

        memmove(&n->slot[pos], &n->slot[pos + 1],
                (nr - pos - 1) * sizeof(TceSlot));
    }
    n->present &= ~b;
    n->desc &= ~b;
    n->adv &= ~b;
    n->valid &= ~b;
}

/* Free the subtree @n at @level; return the number of valid entries it held. */
static uint64_t tce_free_tree(SpaprTceUserStorage *u, TceNode *n,
                              unsigned level)
{
    uint64_t map = n->present, nr_valid = 0;
    unsigned k = 0;

    while (map) {
        unsigned i = tce_ctz(map);
        unsigned pos = n->cap == TCE_SLOTS ? i : k;

        map &= map - 1;
        k++;
        if (n->desc & tce_bit(i)) {
            if (n->valid & tce_bit(i)) {
                nr_valid += 1ULL << (TCE_BITS * level);
            }
        } else {
            nr_valid += tce_free_tree(u, n->slot[pos].child, level - 1);
        }
    }
    tce_node_release(u, n, level);
    return nr_valid;
}

/*
 * If the 64 slots of @c (at @level) are descriptors that make one run,
 * return true and that run's first value and advance flag.
 */
static bool tce_collapsible(SpaprTceUserStorage *u, const TceNode *c,
                            unsigned level, uint64_t *tce, bool *adv)
{
    unsigned shift = TCE_BITS * level + u->parent.page_shift;
    uint64_t v0, stride;
    unsigned j;

    if (c->present != TCE_ALL || c->desc != TCE_ALL) {
        return false;
    }
    v0 = c->slot[0].tce;
    if (c->adv == 0 && c->slot[1].tce == v0) {
        for (j = 2; j < TCE_SLOTS; j++) {
            if (c->slot[j].tce != v0) {
                return false;
            }
        }
        *tce = v0;
        *adv = false;
        return true;
    }
    if (c->adv != (level ? TCE_ALL : 0) || shift >= 64) {
        return false;
    }
    stride = 1ULL << shift;
    for (j = 1; j < TCE_SLOTS; j++) {
        uint64_t prev = c->slot[j - 1].tce;

        if (prev > UINT64_MAX - stride || c->slot[j].tce != prev + stride) {
            return false;
        }
    }
    *tce = v0;
    *adv = true;
    return true;
}

/*
 * Halve (or more) the capacity of @*ref (at @level) when it uses an eighth
 * of it.  Optional: skipped when the budget or malloc says no.
 */
static void tce_node_shrink(SpaprTceUserStorage *u, TceNode **ref,
                            unsigned level)
{
    TceNode *n = *ref, *m;
    unsigned nr = tce_popcount(n->present), cap;
    void *mem;

    if (n->cap == 1 || nr * 8 > n->cap) {
        return;
    }
    cap = tce_cap_for(nr * 2);
    if (tce_over_budget(u, tce_node_bytes(cap))) {
        return;
    }
    mem = g_try_malloc(tce_node_bytes(cap));
    if (!mem) {
        return;
    }
    tce_charge(u, tce_node_bytes(cap));
    m = tce_node_init(u, mem, cap, level);
    tce_node_copy(m, n);
    tce_node_release(u, n, level);
    *ref = m;
}

/*
 * Bring slot @i of @n (at @level >= 1), a child that was just modified,
 * back to canonical form: free it if empty, turn it into a descriptor if it
 * is one run, shrink it, and update @n's valid map.  Returns true if @n's
 * maps changed (so @n's own parent may have to be fixed too).
 */
static bool tce_fix_slot(SpaprTceUserStorage *u, TceNode *n, unsigned i,
                         unsigned level)
{
    unsigned pos = tce_pos(n, i);
    TceNode *c = n->slot[pos].child;
    uint64_t b = tce_bit(i), tce;
    bool adv, was_valid = n->valid & b;

    if (!c->present) {
        tce_node_release(u, c, level - 1);
        tce_slot_remove(n, i);
        return true;
    }
    if (tce_collapsible(u, c, level - 1, &tce, &adv)) {
        tce_node_release(u, c, level - 1);
        n->slot[pos].tce = tce;
        n->desc |= b;
        n->adv = adv ? n->adv | b : n->adv & ~b;
        n->valid = tce_is_valid(tce) ? n->valid | b : n->valid & ~b;
        return true;
    }
    if (c->cap > 1 && tce_popcount(c->present) * 8 <= c->cap) {
        tce_node_shrink(u, &n->slot[pos].child, level - 1);
        c = n->slot[pos].child;
    }
    n->valid = c->valid ? n->valid | b : n->valid & ~b;
    return was_valid != !!c->valid;
}

/* One write: [first, last] := tce (+ k << page_shift if adv); tce 0: clear. */
typedef struct TceWrite {
    SpaprTceUserStorage *u;
    uint64_t first;
    uint64_t tce;
    bool adv;
    /* The nodes it allocates, planned then allocated before any change. */
    unsigned nr_allocs;
    uint32_t cap[TCE_MAX_ALLOCS];
    void *mem[TCE_MAX_ALLOCS];
    uint64_t need;
} TceWrite;

static inline uint64_t tce_write_value(const TceWrite *w, uint64_t index)
{
    return w->tce + (w->adv ? (index - w->first) << w->u->parent.page_shift
                            : 0);
}

/* How [a, b] meets the 64 slots of a node at @level covering from @base. */
typedef struct TceSpan {
    unsigned i0, i1;
    uint64_t full;      /* slots covered whole */
    uint64_t partial;   /* slots covered in part: at most i0 and i1 */
} TceSpan;

static void tce_span(unsigned level, uint64_t base, uint64_t a, uint64_t b,
                     TceSpan *sp)
{
    unsigned shift = TCE_BITS * level;
    uint64_t mask = (1ULL << shift) - 1;

    sp->i0 = (a - base) >> shift;
    sp->i1 = (b - base) >> shift;
    sp->full = tce_bits(sp->i0, sp->i1);
    sp->partial = 0;
    if (a & mask) {
        sp->partial |= tce_bit(sp->i0);
    }
    if ((b & mask) != mask) {
        sp->partial |= tce_bit(sp->i1);
    }
    sp->full &= ~sp->partial;
}

/* Slots a node has after the write, from @present before it. */
static uint64_t tce_span_present(const TceWrite *w, const TceSpan *sp,
                                 uint64_t present)
{
    return w->tce ? present | sp->full | sp->partial : present & ~sp->full;
}

enum { TCE_NODE_OLD, TCE_NODE_FRESH, TCE_NODE_SPLIT };

static void tce_plan_alloc(TceWrite *w, unsigned cap)
{
    assert(w->nr_allocs < TCE_MAX_ALLOCS);
    w->cap[w->nr_allocs++] = cap;
    w->need += tce_node_bytes(cap);
}

/*
 * Plan the nodes writing [a, b] allocates below a node at @level covering
 * from @base that is @n (TCE_NODE_OLD), or a node to create: empty
 * (TCE_NODE_FRESH) or split from a descriptor (TCE_NODE_SPLIT, full).
 * Mirrors tce_assign() decision for decision.
 */
static void tce_plan(TceWrite *w, const TceNode *n, int kind, unsigned level,
                     uint64_t base, uint64_t a, uint64_t b)
{
    unsigned shift = TCE_BITS * level;
    uint64_t present, map;
    TceSpan sp;

    tce_span(level, base, a, b, &sp);
    present = kind == TCE_NODE_OLD ? n->present
            : kind == TCE_NODE_SPLIT ? TCE_ALL : 0;
    map = tce_span_present(w, &sp, present);
    if (kind == TCE_NODE_SPLIT) {
        tce_plan_alloc(w, TCE_SLOTS);
    } else if (kind == TCE_NODE_FRESH ||
               tce_popcount(map) > n->cap) {
        tce_plan_alloc(w, tce_cap_for(tce_popcount(map)));
    }
    for (map = sp.partial; map; map &= map - 1) {
        unsigned i = tce_ctz(map);
        uint64_t sb = base + ((uint64_t)i << shift);
        uint64_t sa = MAX(a, sb), se = MIN(b, sb + (1ULL << shift) - 1);
        const TceNode *c = NULL;
        int ck;

        if (kind == TCE_NODE_SPLIT ||
            (kind == TCE_NODE_OLD && (n->desc & tce_bit(i)))) {
            ck = TCE_NODE_SPLIT;
        } else if (kind == TCE_NODE_OLD && (n->present & tce_bit(i))) {
            ck = TCE_NODE_OLD;
            c = n->slot[tce_pos(n, i)].child;
        } else {
            ck = TCE_NODE_FRESH;
            if (!w->tce) {
                continue;
            }
        }
        tce_plan(w, c, ck, level - 1, sb, sa, se);
    }
}

/* Take the planned allocation of @cap slots as a new node at @level. */
static TceNode *tce_take(TceWrite *w, unsigned cap, unsigned level)
{
    unsigned k;

    for (k = 0; k < w->nr_allocs; k++) {
        if (w->mem[k] && w->cap[k] == cap) {
            void *mem = w->mem[k];

            w->mem[k] = NULL;
            return tce_node_init(w->u, mem, cap, level);
        }
    }
    g_assert_not_reached();     /* tce_plan() and tce_assign() disagree */
}

/* Store the block of slot @i of @n (at @level) covered whole, from @sb. */
static void tce_put_block(TceWrite *w, TceNode *n, unsigned i, unsigned level,
                          uint64_t sb)
{
    SpaprTceUserStorage *u = w->u;
    uint64_t b = tce_bit(i), block = 1ULL << (TCE_BITS * level), v;
    TceSlot *slot;

    if (n->present & b) {
        unsigned pos = tce_pos(n, i);

        if (n->desc & b) {
            u->nr_valid -= n->valid & b ? block : 0;
        } else {
            u->nr_valid -= tce_free_tree(u, n->slot[pos].child, level - 1);
        }
        if (!w->tce) {
            tce_slot_remove(n, i);
            return;
        }
        slot = &n->slot[pos];
    } else {
        if (!w->tce) {
            return;
        }
        slot = tce_slot_insert(n, i);
    }
    v = tce_write_value(w, sb);
    slot->tce = v;
    n->desc |= b;
    n->adv = w->adv && level ? n->adv | b : n->adv & ~b;
    if (tce_is_valid(v)) {
        n->valid |= b;
        u->nr_valid += block;
    } else {
        n->valid &= ~b;
    }
}

/* Replace descriptor slot @i of @n (at @level >= 1) by a full child node. */
static TceNode *tce_split(TceWrite *w, TceNode *n, unsigned i, unsigned level)
{
    unsigned pos = tce_pos(n, i), j;
    uint64_t b = tce_bit(i), v = n->slot[pos].tce;
    unsigned step = TCE_BITS * (level - 1) + w->u->parent.page_shift;
    bool adv = n->adv & b;
    TceNode *c = tce_take(w, TCE_SLOTS, level - 1);

    c->present = c->desc = TCE_ALL;
    c->adv = adv && level > 1 ? TCE_ALL : 0;
    c->valid = tce_is_valid(v) ? TCE_ALL : 0;
    for (j = 0; j < TCE_SLOTS; j++) {
        /* No overflow: the descriptor's block does not wrap. */
        c->slot[j].tce = adv ? v + ((uint64_t)j << step) : v;
    }
    n->slot[pos].child = c;
    n->desc &= ~b;
    n->adv &= ~b;
    return c;
}

/* Write [a, b] into the node @*ref at @level covering from @base. */
static void tce_assign(TceWrite *w, TceNode **ref, unsigned level,
                       uint64_t base, uint64_t a, uint64_t b)
{
    unsigned shift = TCE_BITS * level;
    TceNode *n = *ref;
    uint64_t map;
    unsigned nr;
    TceSpan sp;

    tce_span(level, base, a, b, &sp);
    nr = tce_popcount(tce_span_present(w, &sp, n->present));
    if (nr > n->cap) {
        TceNode *g = tce_take(w, tce_cap_for(nr), level);

        tce_node_copy(g, n);
        tce_node_release(w->u, n, level);
        *ref = n = g;
    }
    for (map = sp.full | sp.partial; map; map &= map - 1) {
        unsigned i = tce_ctz(map);
        uint64_t sb = base + ((uint64_t)i << shift);
        uint64_t sa, se;

        if (sp.full & tce_bit(i)) {
            tce_put_block(w, n, i, level, sb);
            continue;
        }
        sa = MAX(a, sb);
        se = MIN(b, sb + (1ULL << shift) - 1);
        if (!(n->present & tce_bit(i))) {
            TceSpan csp;
            TceNode *c;

            if (!w->tce) {
                continue;
            }
            tce_span(level - 1, sb, sa, se, &csp);
            c = tce_take(w, tce_cap_for(tce_popcount(csp.full | csp.partial)),
                         level - 1);
            tce_slot_insert(n, i)->child = c;
        } else if (n->desc & tce_bit(i)) {
            tce_split(w, n, i, level);
        }
        tce_assign(w, &n->slot[tce_pos(n, i)].child, level - 1, sb, sa, se);
        tce_fix_slot(w->u, n, i, level);
    }
}

static uint64_t tce_user_get(SpaprTceStorage *s, uint64_t index)
{
    SpaprTceUserStorage *u = tce_user(s);
    const TceNode *n = u->root;
    int level = u->height;

    if (u->path_gen == u->gen && (index >> TCE_BITS) == u->path_block) {
        n = u->path[0];
        level = 0;
    }
    for (; n; level--) {
        unsigned i = tce_slot_index(index, level);
        uint64_t b = tce_bit(i);
        unsigned pos;

        if (!(n->present & b)) {
            return 0;
        }
        pos = tce_pos(n, i);
        if (n->desc & b) {
            uint64_t off = index & ((1ULL << (TCE_BITS * level)) - 1);

            return n->slot[pos].tce +
                   (n->adv & b ? off << s->page_shift : 0);
        }
        n = n->slot[pos].child;
    }
    return 0;
}

/*
 * Give the full leaf path[0] room for one more slot, in place in its
 * parent (path[1], slot[1]) or as the root: the growth a leaf filled in
 * order needs, without the general write's planning.  NULL (nothing
 * changed) when the budget or malloc says no: the general path then
 * decides (and reports -ENOSPC or -ENOMEM).
 */
static TceNode *tce_leaf_grow(SpaprTceUserStorage *u, TceNode **path,
                              const unsigned *slot)
{
    TceNode *n = path[0], *m;
    TceNode **ref = u->height ?
        &path[1]->slot[tce_pos(path[1], slot[1])].child : &u->root;
    unsigned cap = tce_cap_for(tce_popcount(n->present) + 1);
    size_t bytes = tce_node_bytes(cap);
    void *mem;

    if (tce_over_budget(u, bytes)) {
        return NULL;
    }
    mem = g_try_malloc(bytes);
    if (!mem) {
        return NULL;
    }
    tce_charge(u, bytes);
    m = tce_node_init(u, mem, cap, 0);
    tce_node_copy(m, n);
    tce_node_release(u, n, 0);
    *ref = m;
    path[0] = m;
    return m;
}

/*
 * set() without planning: an existing leaf entry overwritten or cleared,
 * or a new entry in an existing leaf (grown by one size if full).  Returns false (having changed
 * nothing) when the general path is needed.
 */
static bool tce_user_set_fast(SpaprTceUserStorage *u, uint64_t index,
                              uint64_t tce, uint64_t *old_out)
{
    TceNode *lpath[TCE_MAX_HEIGHT + 1];
    unsigned lslot[TCE_MAX_HEIGHT + 1];
    TceNode **path = lpath;
    unsigned *slot = lslot;
    TceNode *n = u->root;
    unsigned level = u->height, i, pos;
    uint64_t b, old, valid_before;
    bool removed = false;

    *old_out = 0;
    if (!n) {
        return !tce;
    }
    if (u->path_gen == u->gen && (index >> TCE_BITS) == u->path_block) {
        /* the same leaf as last time: only slot[0] changes */
        path = u->path;
        slot = u->path_slot;
        n = path[0];
        level = 0;
    }
    for (;;) {
        i = tce_slot_index(index, level);
        b = tce_bit(i);
        path[level] = n;
        slot[level] = i;
        if (!(n->present & b)) {
            if (!tce) {
                return true;
            }
            if (level) {
                return false;
            }
            if (tce_popcount(n->present) >= n->cap) {
                n = tce_leaf_grow(u, path, slot);
                if (!n) {
                    return false;
                }
            }
            valid_before = n->valid;
            tce_slot_insert(n, i)->tce = tce;
            n->desc |= b;
            if (tce_is_valid(tce)) {
                n->valid |= b;
                u->nr_valid++;
            }
            break;
        }
        pos = tce_pos(n, i);
        if (n->desc & b) {
            uint64_t off = index & ((1ULL << (TCE_BITS * level)) - 1);

            old = n->slot[pos].tce + (n->adv & b ? off << u->parent.page_shift
                                                 : 0);
            *old_out = old;
            if (old == tce) {
                return true;
            }
            if (level) {
                return false;
            }
            valid_before = n->valid;
            u->nr_valid -= tce_is_valid(old);
            if (!tce) {
                tce_slot_remove(n, i);
                removed = true;
            } else {
                n->slot[pos].tce = tce;
                u->nr_valid += tce_is_valid(tce);
                n->valid = tce_is_valid(tce) ? n->valid | b : n->valid & ~b;
            }
            break;
        }
        n = n->slot[pos].child;
        level--;
    }
    /* path[] leads to this leaf until a node is allocated or freed. */
    if (path == lpath) {
        memcpy(u->path, lpath, sizeof(lpath[0]) * (u->height + 1));
        memcpy(u->path_slot, lslot, sizeof(lslot[0]) * (u->height + 1));
    }
    u->path_gen = u->gen;
    u->path_block = index >> TCE_BITS;
    /*
     * Nothing above the leaf changes unless the leaf lost an entry (it may
     * be empty or shrink), became full (it may collapse into a run), or
     * started or stopped holding valid entries.
     */
    if (!removed && n->present != TCE_ALL && !valid_before == !n->valid) {
        return true;
    }
    for (level = 1; level <= u->height; level++) {
        if (!tce_fix_slot(u, path[level], slot[level], level)) {
            break;
        }
    }
    if (!u->root->present) {
        tce_node_release(u, u->root, u->height);
        u->root = NULL;
    }
    return true;
}

static int tce_user_write(SpaprTceUserStorage *u, uint64_t first,
                          uint64_t count, uint64_t tce, bool adv);

static int tce_user_fill(SpaprTceStorage *s, uint64_t first, uint64_t count,
                         uint64_t tce, bool adv)
{
    SpaprTceUserStorage *u = tce_user(s);

    uint64_t old;

    if (count == 1 && tce_user_set_fast(u, first, tce, &old)) {
        return 0;
    }
    return tce_user_write(u, first, count, tce, adv);
}

static int tce_user_exchange(SpaprTceStorage *s, uint64_t index, uint64_t tce,
                             uint64_t *old)
{
    SpaprTceUserStorage *u = tce_user(s);

    if (tce_user_set_fast(u, index, tce, old)) {
        return 0;
    }
    *old = tce_user_get(s, index);
    return *old == tce ? 0 : tce_user_write(u, index, 1, tce, false);
}

/* The general write: plan, allocate, then change. */
static int tce_user_write(SpaprTceUserStorage *u, uint64_t first,
                          uint64_t count, uint64_t tce, bool adv)
{
    uint64_t last = first + count - 1;
    TceWrite w = {
        .u = u, .first = first, .tce = tce, .adv = adv && tce && count > 1,
    };
    unsigned k;

    if (!u->root) {
        if (!tce) {
            return 0;
        }
        tce_plan(&w, NULL, TCE_NODE_FRESH, u->height, 0, first, last);
    } else {
        tce_plan(&w, u->root, TCE_NODE_OLD, u->height, 0, first, last);
    }
    /* Every node it needs, before any change. */
    if (tce && tce_over_budget(u, w.need)) {
        return -ENOSPC;
    }
    for (k = 0; k < w.nr_allocs; k++) {
        size_t bytes = tce_node_bytes(w.cap[k]);

        /* A clear cannot fail: its few nodes are taken from malloc's reserve. */
        w.mem[k] = tce ? g_try_malloc(bytes) : g_malloc(bytes);
        if (!w.mem[k]) {
            while (k--) {
                g_free(w.mem[k]);
            }
            return -ENOMEM;
        }
    }
    tce_charge(u, w.need);

    if (!u->root) {
        TceSpan sp;

        tce_span(u->height, 0, first, last, &sp);
        u->root = tce_take(&w, tce_cap_for(tce_popcount(sp.full | sp.partial)),
                           u->height);
    }
    tce_assign(&w, &u->root, u->height, 0, first, last);
    if (!u->root->present) {
        tce_node_release(u, u->root, u->height);
        u->root = NULL;
    } else {
        tce_node_shrink(u, &u->root, u->height);
    }
    for (k = 0; k < w.nr_allocs; k++) {
        assert(!w.mem[k]);      /* every planned node was used */
    }
    return 0;
}

static bool tce_user_can_write(SpaprTceStorage *s, uint64_t nr_writes)
{
    SpaprTceUserStorage *u = tce_user(s);
    SpaprTceBudget *b = u->budget;
    uint64_t need;

    if (!b || !b->limit) {
        return true;
    }

    /* A multiplication, not a division: this runs on every hypercall. */
    return b->used <= b->limit &&
           !__builtin_mul_overflow(nr_writes,
                                   spapr_tce_storage_user_write_bytes(s),
                                   &need) &&
           need <= b->limit - b->used;
}

/*
 * Walks: the slots of a range come out as pieces (a descriptor's block,
 * clipped, or one leaf entry), in ascending order; a piece handler turns
 * them into entries or merges them into maximal runs.
 */
typedef struct TceWalk TceWalk;
struct TceWalk {
    int (*piece)(TceWalk *wk, uint64_t index, uint64_t count, uint64_t tce,
                 bool adv);
    uint32_t page_shift;
    SpaprTceStorageWalkFn entry_fn;
    SpaprTceStorageRunFn run_fn;
    void *opaque;
    bool have;          /* run: the pending run below */
    SpaprTceRun run;
};

static int tce_walk_node(TceWalk *wk, const TceNode *n, unsigned level,
                         uint64_t base, uint64_t first, uint64_t last,
                         SpaprTceWalkMode mode)
{
    unsigned shift = TCE_BITS * level;
    uint64_t node_last = base + ((uint64_t)TCE_SLOTS << shift) - 1;
    unsigned i0 = first > base ? (first - base) >> shift : 0;
    unsigned i1 = last < node_last ? (last - base) >> shift : TCE_SLOTS - 1;
    uint64_t map = (mode == SPAPR_TCE_WALK_VALID ? n->valid : n->present) &
                   tce_bits(i0, i1);

    while (map) {
        unsigned i = tce_ctz(map);
        uint64_t b = tce_bit(i), sb = base + ((uint64_t)i << shift);
        const TceSlot *slot = &n->slot[tce_pos(n, i)];
        int ret;

        map &= map - 1;
        /*
         * Walks are bound by the latency of loading child nodes: start
         * loading the next sibling's child while this slot is handled.
         */
        if (map && !(n->desc & tce_bit(tce_ctz(map)))) {
            __builtin_prefetch(n->slot[tce_pos(n, tce_ctz(map))].child);
        }
        if (n->desc & b) {
            uint64_t lo = MAX(sb, first);
            uint64_t hi = MIN(sb + (1ULL << shift) - 1, last);
            bool adv = n->adv & b;

            ret = wk->piece(wk, lo, hi - lo + 1,
                            slot->tce + (adv ? (lo - sb) << wk->page_shift : 0),
                            adv);
        } else {
            ret = tce_walk_node(wk, slot->child, level - 1, sb, first, last,
                                mode);
        }
        if (ret) {
            return ret;
        }
    }
    return 0;
}

static int tce_piece_entries(TceWalk *wk, uint64_t index, uint64_t count,
                             uint64_t tce, bool adv)
{
    uint64_t k;

    for (k = 0; k < count; k++) {
        int ret = wk->entry_fn(wk->opaque, index + k,
                               tce + (adv ? k << wk->page_shift : 0));

        if (ret) {
            return ret;
        }
    }
    return 0;
}

/* Can a piece at index run.index + run.count extend the pending run? */
static bool tce_run_continues(const TceWalk *wk, uint64_t count, uint64_t tce,
                              bool adv)
{
    const SpaprTceRun *r = &wk->run;
    uint64_t step = 1ULL << wk->page_shift, last;

    if (r->count == 1) {
        if (tce == r->tce) {
            return !adv;
        }
        return (adv || count == 1) && r->tce <= UINT64_MAX - step &&
               tce == r->tce + step;
    }
    if (!r->advance) {
        return tce == r->tce && !adv;
    }
    if (!adv && count > 1) {
        return false;
    }
    last = r->tce + ((r->count - 1) << wk->page_shift);
    return last <= UINT64_MAX - step && tce == last + step;
}

static int tce_piece_runs(TceWalk *wk, uint64_t index, uint64_t count,
                          uint64_t tce, bool adv)
{
    if (count == 1) {
        adv = false;
    }
    if (wk->have && index == wk->run.index + wk->run.count &&
        tce_run_continues(wk, count, tce, adv)) {
        if (wk->run.count == 1 && tce != wk->run.tce) {
            wk->run.advance = true;
        }
        wk->run.count += count;
        return 0;
    }
    if (wk->have) {
        int ret = wk->run_fn(wk->opaque, &wk->run);

        if (ret) {
            wk->have = false;
            return ret;
        }
    }
    wk->run = (SpaprTceRun) {
        .index = index, .count = count, .tce = tce, .advance = adv,
    };
    wk->have = true;
    return 0;
}

static int tce_user_walk(SpaprTceStorage *s, uint64_t first, uint64_t last,
                         SpaprTceWalkMode mode, SpaprTceStorageWalkFn fn,
                         void *opaque)
{
    SpaprTceUserStorage *u = tce_user(s);
    TceWalk wk = {
        .piece = tce_piece_entries, .page_shift = s->page_shift,
        .entry_fn = fn, .opaque = opaque,
    };

    if (!u->root) {
        return 0;
    }
    return tce_walk_node(&wk, u->root, u->height, 0, first, last, mode);
}

static int tce_user_walk_runs(SpaprTceStorage *s, uint64_t first,
                              uint64_t last, SpaprTceWalkMode mode,
                              SpaprTceStorageRunFn fn, void *opaque)
{
    SpaprTceUserStorage *u = tce_user(s);
    TceWalk wk = {
        .piece = tce_piece_runs, .page_shift = s->page_shift,
        .run_fn = fn, .opaque = opaque,
    };
    int ret;

    if (!u->root) {
        return 0;
    }
    ret = tce_walk_node(&wk, u->root, u->height, 0, first, last, mode);
    if (!ret && wk.have) {
        ret = fn(opaque, &wk.run);
    }
    return ret;
}

static uint64_t tce_user_count_valid(SpaprTceStorage *s)
{
    return tce_user(s)->nr_valid;
}

static uint64_t tce_user_bytes_used(SpaprTceStorage *s)
{
    return tce_user(s)->bytes;
}

static void tce_user_clear_all(SpaprTceStorage *s)
{
    SpaprTceUserStorage *u = tce_user(s);

    if (u->root) {
        tce_free_tree(u, u->root, u->height);
        u->root = NULL;
    }
    assert(!u->nr_leaves && !u->nr_interior);
    assert(u->bytes == sizeof(*u));
    u->nr_valid = 0;
}

static void tce_user_destroy(SpaprTceStorage *s)
{
    SpaprTceUserStorage *u = tce_user(s);

    tce_user_clear_all(s);
    tce_uncharge(u, sizeof(*u));
    g_free(u);
}

static const SpaprTceStorageOps spapr_tce_user_ops = {
    .kind = "user",
    .get = tce_user_get,
    .fill = tce_user_fill,
    .exchange = tce_user_exchange,
    .can_write = tce_user_can_write,
    .walk = tce_user_walk,
    .walk_runs = tce_user_walk_runs,
    .count_valid = tce_user_count_valid,
    .bytes_used = tce_user_bytes_used,
    .clear_all = tce_user_clear_all,
    .destroy = tce_user_destroy,
};

SpaprTceStorage *spapr_tce_storage_new_user(uint64_t nb_entries,
                                            uint32_t page_shift,
                                            SpaprTceBudget *budget)
{
    SpaprTceUserStorage *u;

    assert(nb_entries >= 1 && nb_entries <= SPAPR_TCE_STORAGE_MAX_ENTRIES);
    assert(page_shift >= 2 && page_shift <= 63);
    u = g_new0(SpaprTceUserStorage, 1);
    u->parent.ops = &spapr_tce_user_ops;
    u->parent.nb_entries = nb_entries;
    u->parent.page_shift = page_shift;
    u->budget = budget;
    u->path_gen = UINT64_MAX;
    while (u->height < TCE_MAX_HEIGHT &&
           ((nb_entries - 1) >> (TCE_BITS * (u->height + 1)))) {
        u->height++;
    }
    tce_charge(u, sizeof(*u));
    return &u->parent;
}

size_t spapr_tce_storage_user_node_bytes(unsigned nr_slots)
{
    assert(nr_slots >= 1 && nr_slots <= TCE_SLOTS);
    return tce_node_bytes(tce_cap_for(nr_slots));
}

size_t spapr_tce_storage_user_empty_bytes(void)
{
    return sizeof(SpaprTceUserStorage);
}

uint64_t spapr_tce_storage_user_write_bytes(SpaprTceStorage *s)
{
    return 2 * (tce_user(s)->height + 1) * tce_node_bytes(TCE_SLOTS);
}

void spapr_tce_storage_user_nodes(SpaprTceStorage *s, uint64_t *leaves,
                                  uint64_t *interior)
{
    SpaprTceUserStorage *u = tce_user(s);

    *leaves = u->nr_leaves;
    *interior = u->nr_interior;
}

/*
 * Kernel owner: the table the kernel (KVM, or accel/kernel-tce-sim.c)
 * holds, seen through a shared mapping of its fd.  The layout, the
 * known_empty rule and the costs are described in the header.
 */

typedef struct SpaprTceKernelStorage {
    SpaprTceStorage parent;
    int fd;
    uint64_t *table;        /* nb_entries host-native u64, MAP_SHARED */
    size_t map_len;         /* nb_entries * 8 rounded up to the host page */
    bool known_empty;       /* nothing can be non-zero: walks return at once */
    bool seekable;          /* lseek(SEEK_DATA/SEEK_HOLE) finds the pages */
} SpaprTceKernelStorage;

static const SpaprTceStorageOps spapr_tce_kernel_ops;

static SpaprTceKernelStorage *tce_kernel(SpaprTceStorage *s)
{
    assert(s->ops == &spapr_tce_kernel_ops);
    return container_of(s, SpaprTceKernelStorage, parent);
}

/*
 * The next stretch [*start, *end] of [from, last] that may hold non-zero
 * entries.  A fd that answers SEEK_DATA/SEEK_HOLE (a memfd) tells where its
 * pages are, so holes are skipped without being touched; a KVM table fd
 * does not (no lseek), so the whole range is one stretch.
 */
static bool tce_kernel_next_data(SpaprTceKernelStorage *k, uint64_t from,
                                 uint64_t last, uint64_t *start,
                                 uint64_t *end)
{
    off_t data, hole;

    if (from > last) {
        return false;
    }
    if (!k->seekable) {
        *start = from;
        *end = last;
        return true;
    }
    data = lseek(k->fd, from * sizeof(uint64_t), SEEK_DATA);
    if (data < 0) {
        return false;       /* ENXIO: no page at or after @from */
    }
    hole = lseek(k->fd, data, SEEK_HOLE);
    if (hole < 0 || (uint64_t)hole > k->map_len) {
        hole = k->map_len;
    }
    *start = MAX(from, (uint64_t)data / sizeof(uint64_t));
    *end = MIN(last, (uint64_t)hole / sizeof(uint64_t) - 1);
    return *start <= *end;
}

static uint64_t tce_kernel_get(SpaprTceStorage *s, uint64_t index)
{
    SpaprTceKernelStorage *k = tce_kernel(s);

    return k->known_empty ? 0 : k->table[index];
}

/* Entries are written only where they differ: a clear of a never-written
 * page stays a read. */
static int tce_kernel_fill(SpaprTceStorage *s, uint64_t first, uint64_t count,
                           uint64_t tce, bool advance)
{
    SpaprTceKernelStorage *k = tce_kernel(s);
    uint64_t step = advance ? 1ULL << s->page_shift : 0;

    if (k->known_empty) {
        if (tce == 0 && !advance) {
            return 0;
        }
        k->known_empty = false;
    }
    if (tce == 0 && !advance) {
        uint64_t a, b, from = first;

        while (tce_kernel_next_data(k, from, first + count - 1, &a, &b)) {
            for (uint64_t i = a; i <= b; i++) {
                if (k->table[i]) {
                    k->table[i] = 0;
                }
            }
            from = b + 1;
        }
        return 0;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t v = tce + i * step;

        if (k->table[first + i] != v) {
            k->table[first + i] = v;
        }
    }
    return 0;
}

static int tce_kernel_exchange(SpaprTceStorage *s, uint64_t index,
                               uint64_t tce, uint64_t *old)
{
    SpaprTceKernelStorage *k = tce_kernel(s);

    if (k->known_empty) {
        *old = 0;
        if (tce == 0) {
            return 0;
        }
        k->known_empty = false;
    }
    *old = k->table[index];
    if (*old != tce) {
        k->table[index] = tce;
    }
    return 0;
}

/* The kernel's table is fixed-size: a write never needs memory. */
static bool tce_kernel_can_write(SpaprTceStorage *s, uint64_t nr_writes)
{
    return true;
}

static inline bool tce_kernel_selected(uint64_t tce, SpaprTceWalkMode mode)
{
    return mode == SPAPR_TCE_WALK_VALID ? (tce & SPAPR_TCE_PERM_MASK) != 0
                                        : tce != 0;
}

static int tce_kernel_walk(SpaprTceStorage *s, uint64_t first, uint64_t last,
                           SpaprTceWalkMode mode, SpaprTceStorageWalkFn fn,
                           void *opaque)
{
    SpaprTceKernelStorage *k = tce_kernel(s);

    uint64_t a, b, from = first;

    if (k->known_empty) {
        return 0;
    }
    while (tce_kernel_next_data(k, from, last, &a, &b)) {
        for (uint64_t i = a; i <= b; i++) {
            uint64_t tce = k->table[i];

            if (tce && tce_kernel_selected(tce, mode)) {
                int ret = fn(opaque, i, tce);

                if (ret) {
                    return ret;
                }
            }
        }
        from = b + 1;
    }
    return 0;
}

/* Does @tce continue @run by one entry at run->index + run->count? */
static bool tce_kernel_continues(const SpaprTceRun *run, uint64_t tce,
                                 uint32_t page_shift)
{
    if (run->count == 1) {
        return tce == run->tce ||
               (run->tce <= UINT64_MAX - (1ULL << page_shift) &&
                tce == run->tce + (1ULL << page_shift));
    }
    if (!run->advance) {
        return tce == run->tce;
    }
    return run->count <= (UINT64_MAX - run->tce) >> page_shift &&
           tce == run->tce + (run->count << page_shift);
}

/*
 * Feed entry @i (@tce; 0 for an entry of a hole) to the run being built:
 * extend it, or report it and start another.  Returns @fn's non-zero value.
 */
static int tce_kernel_run_step(SpaprTceRun *run, uint64_t i, uint64_t tce,
                               SpaprTceWalkMode mode, uint32_t page_shift,
                               SpaprTceStorageRunFn fn, void *opaque)
{
    bool selected = tce && tce_kernel_selected(tce, mode);
    int ret = 0;

    if (selected && run->count && tce_kernel_continues(run, tce, page_shift)) {
        if (run->count == 1) {
            run->advance = tce != run->tce;
        }
        run->count++;
        return 0;
    }
    if (run->count) {
        ret = fn(opaque, run);
        run->count = 0;
    }
    if (selected) {
        *run = (SpaprTceRun) { .index = i, .count = 1, .tce = tce };
    }
    return ret;
}

/*
 * Maximal runs, greedily from the left: a run is extended while the next
 * selected entry continues it, so two consecutive reported runs can never
 * be merged (the second's first entry did not continue the first).  A
 * stretch's end is followed by a hole (SEEK_HOLE) or by @last: the run
 * is reported there.
 */
static int tce_kernel_walk_runs(SpaprTceStorage *s, uint64_t first,
                                uint64_t last, SpaprTceWalkMode mode,
                                SpaprTceStorageRunFn fn, void *opaque)
{
    SpaprTceKernelStorage *k = tce_kernel(s);
    SpaprTceRun run = { 0 };
    uint64_t a, b, from = first;
    int ret;

    if (k->known_empty) {
        return 0;
    }
    while (tce_kernel_next_data(k, from, last, &a, &b)) {
        for (uint64_t i = a; i <= b; i++) {
            ret = tce_kernel_run_step(&run, i, k->table[i], mode,
                                      s->page_shift, fn, opaque);
            if (ret) {
                return ret;
            }
        }
        ret = tce_kernel_run_step(&run, b + 1, 0, mode, s->page_shift, fn,
                                  opaque);
        if (ret) {
            return ret;
        }
        from = b + 1;
    }
    return 0;
}

static uint64_t tce_kernel_count_valid(SpaprTceStorage *s)
{
    SpaprTceKernelStorage *k = tce_kernel(s);
    uint64_t n = 0, a, b, from = 0;

    if (k->known_empty) {
        return 0;
    }
    while (tce_kernel_next_data(k, from, s->nb_entries - 1, &a, &b)) {
        for (uint64_t i = a; i <= b; i++) {
            n += (k->table[i] & SPAPR_TCE_PERM_MASK) != 0;
        }
        from = b + 1;
    }
    return n;
}

static uint64_t tce_kernel_bytes_used(SpaprTceStorage *s)
{
    return tce_kernel(s)->map_len;
}

static void tce_kernel_clear_all(SpaprTceStorage *s)
{
    tce_kernel_fill(s, 0, s->nb_entries, 0, false);
}

static void tce_kernel_destroy(SpaprTceStorage *s)
{
    SpaprTceKernelStorage *k = tce_kernel(s);

    munmap(k->table, k->map_len);
    close(k->fd);
    g_free(k);
}

static const SpaprTceStorageOps spapr_tce_kernel_ops = {
    .kind = "kernel",
    .get = tce_kernel_get,
    .fill = tce_kernel_fill,
    .exchange = tce_kernel_exchange,
    .can_write = tce_kernel_can_write,
    .walk = tce_kernel_walk,
    .walk_runs = tce_kernel_walk_runs,
    .count_valid = tce_kernel_count_valid,
    .bytes_used = tce_kernel_bytes_used,
    .clear_all = tce_kernel_clear_all,
    .destroy = tce_kernel_destroy,
};

size_t spapr_tce_storage_kernel_map_len(uint64_t nb_entries)
{
    size_t page = sysconf(_SC_PAGESIZE);

    return ROUND_UP(nb_entries * sizeof(uint64_t), page);
}

SpaprTceStorage *spapr_tce_storage_new_kernel(int fd, uint64_t nb_entries,
                                              uint32_t page_shift,
                                              bool known_empty, Error **errp)
{
    SpaprTceKernelStorage *k;
    size_t len;
    void *map;

    assert(nb_entries >= 1 && nb_entries <= SPAPR_TCE_STORAGE_MAX_ENTRIES);
    assert(page_shift >= 2 && page_shift <= 63);
    len = spapr_tce_storage_kernel_map_len(nb_entries);
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map the kernel TCE table "
                         "(%" PRIu64 " entries, fd %d)", nb_entries, fd);
        return NULL;
    }
    k = g_new0(SpaprTceKernelStorage, 1);
    k->parent.ops = &spapr_tce_kernel_ops;
    k->parent.nb_entries = nb_entries;
    k->parent.page_shift = page_shift;
    k->fd = fd;
    k->table = map;
    k->map_len = len;
    k->known_empty = known_empty;
    k->seekable = lseek(fd, 0, SEEK_HOLE) >= 0;
    return &k->parent;
}

void spapr_tce_storage_kernel_exposed(SpaprTceStorage *s)
{
    tce_kernel(s)->known_empty = false;
}

bool spapr_tce_storage_is_kernel(SpaprTceStorage *s)
{
    return s->ops == &spapr_tce_kernel_ops;
}

int spapr_tce_storage_kernel_fd(SpaprTceStorage *s)
{
    return spapr_tce_storage_is_kernel(s) ? tce_kernel(s)->fd : -1;
}
