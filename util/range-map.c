/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map of non-overlapping [start, last] ranges on a GLib balanced tree. */

#include "qemu/osdep.h"
#include "qemu/range-map.h"

struct RangeMap {
    GTree *tree;                /* key = value = RangeMapEntry *, by start */
    GDestroyNotify free_data;
};

static gint range_map_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    const RangeMapEntry *ea = a, *eb = b;

    return ea->start < eb->start ? -1 : ea->start > eb->start;
}

RangeMap *range_map_new(GDestroyNotify free_data)
{
    RangeMap *map = g_new0(RangeMap, 1);

    map->tree = g_tree_new_full(range_map_cmp, NULL, NULL, NULL);
    map->free_data = free_data;
    return map;
}

static gboolean range_map_free_one(gpointer key, gpointer value, gpointer opq)
{
    RangeMap *map = opq;
    RangeMapEntry *e = value;

    if (map->free_data && e->data) {
        map->free_data(e->data);
    }
    g_free(e);
    return FALSE;
}

void range_map_free(RangeMap *map)
{
    if (!map) {
        return;
    }
    g_tree_foreach(map->tree, range_map_free_one, map);
    g_tree_destroy(map->tree);
    g_free(map);
}

guint range_map_count(const RangeMap *map)
{
    return g_tree_nnodes(map->tree);
}

/* The node with the greatest start <= @addr, or NULL. */
static GTreeNode *range_map_floor(const RangeMap *map, uint64_t addr)
{
    RangeMapEntry key = { .start = addr };
    GTreeNode *n = g_tree_upper_bound(map->tree, &key);    /* start > addr */

    return n ? g_tree_node_previous(n) : g_tree_node_last(map->tree);
}

/* The first node meeting [start, last], or NULL. */
static GTreeNode *range_map_first_node(const RangeMap *map, uint64_t start,
                                       uint64_t last)
{
    RangeMapEntry key = { .start = start };
    GTreeNode *n = range_map_floor(map, start);
    RangeMapEntry *e;

    if (start > last) {
        return NULL;
    }
    if (n) {
        e = g_tree_node_value(n);
        if (e->last >= start) {
            return n;
        }
    }
    n = g_tree_lower_bound(map->tree, &key);               /* start >= start */
    if (!n) {
        return NULL;
    }
    e = g_tree_node_value(n);
    return e->start <= last ? n : NULL;
}

int range_map_insert(RangeMap *map, uint64_t start, uint64_t last, void *data)
{
    RangeMapEntry *e;

    if (start > last) {
        return -EINVAL;
    }
    if (range_map_first_node(map, start, last)) {
        return -EEXIST;
    }
    e = g_new(RangeMapEntry, 1);
    e->start = start;
    e->last = last;
    e->data = data;
    g_tree_insert(map->tree, e, e);
    return 0;
}

RangeMapEntry *range_map_lookup(const RangeMap *map, uint64_t addr)
{
    GTreeNode *n = range_map_floor(map, addr);
    RangeMapEntry *e = n ? g_tree_node_value(n) : NULL;

    return e && e->last >= addr ? e : NULL;
}

RangeMapEntry *range_map_find_start(const RangeMap *map, uint64_t start)
{
    RangeMapEntry key = { .start = start };

    return g_tree_lookup(map->tree, &key);
}

RangeMapEntry *range_map_first_in(const RangeMap *map, uint64_t start,
                                  uint64_t last)
{
    GTreeNode *n = range_map_first_node(map, start, last);

    return n ? g_tree_node_value(n) : NULL;
}

RangeMapEntry *range_map_next(const RangeMap *map, const RangeMapEntry *entry)
{
    GTreeNode *n = g_tree_lookup_node(map->tree, entry);

    n = n ? g_tree_node_next(n) : NULL;
    return n ? g_tree_node_value(n) : NULL;
}

bool range_map_overlaps(const RangeMap *map, uint64_t start, uint64_t last)
{
    return range_map_first_node(map, start, last) != NULL;
}

bool range_map_covers(const RangeMap *map, uint64_t start, uint64_t last)
{
    GTreeNode *n;
    RangeMapEntry *e;
    uint64_t next = start;     /* first address not yet known covered */

    if (start > last) {
        return false;
    }
    n = range_map_floor(map, start);
    while (n) {
        e = g_tree_node_value(n);
        if (e->start > next || e->last < next) {
            return false;
        }
        if (e->last >= last) {
            return true;
        }
        next = e->last + 1;
        n = g_tree_node_next(n);
    }
    return false;
}

int range_map_foreach(const RangeMap *map, uint64_t start, uint64_t last,
                      RangeMapWalkFn fn, void *opaque)
{
    GTreeNode *n = range_map_first_node(map, start, last);
    RangeMapEntry *e;
    int ret;

    while (n) {
        e = g_tree_node_value(n);
        if (e->start > last) {
            break;
        }
        n = g_tree_node_next(n);
        ret = fn(opaque, e);
        if (ret) {
            return ret;
        }
    }
    return 0;
}

void *range_map_steal(RangeMap *map, uint64_t start)
{
    RangeMapEntry key = { .start = start };
    RangeMapEntry *e = g_tree_lookup(map->tree, &key);
    void *data;

    if (!e) {
        return NULL;
    }
    g_tree_remove(map->tree, e);
    data = e->data;
    g_free(e);
    return data;
}

bool range_map_remove(RangeMap *map, uint64_t start)
{
    RangeMapEntry key = { .start = start };
    RangeMapEntry *e = g_tree_lookup(map->tree, &key);

    if (!e) {
        return false;
    }
    g_tree_remove(map->tree, e);
    range_map_free_one(e, e, map);
    return true;
}

int range_map_split(RangeMap *map, uint64_t at, RangeMapSplitFn fn,
                    void *opaque)
{
    RangeMapEntry *e = range_map_lookup(map, at);
    RangeMapEntry *upper;

    if (!e || e->start == at) {
        return 0;
    }
    /* The same payload twice would be freed twice. */
    assert(fn || !map->free_data);
    upper = g_new(RangeMapEntry, 1);
    upper->start = at;
    upper->last = e->last;
    upper->data = fn ? fn(opaque, e, at - e->start) : e->data;
    e->last = at - 1;           /* the key (start) is unchanged */
    g_tree_insert(map->tree, upper, upper);
    return 0;
}
