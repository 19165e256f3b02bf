/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A map of non-overlapping inclusive ranges [start, last] of a 64-bit space,
 * each carrying a payload pointer.
 *
 * Built on a GLib balanced tree keyed by the range start: insert, lookup of
 * the range covering an address, remove and split cost O(log n); iterating
 * the k ranges that meet a span costs O(log n + k).  Nothing ever scans a
 * list.  Ranges are inclusive so that the top of the space (last =
 * UINT64_MAX) can be held without overflow; a range's size is last - start
 * + 1 and callers that need it must mind the full-space case.
 *
 * Payloads: the map owns them when created with a free function (called on
 * remove and on range_map_free()), otherwise the caller does.
 *
 * Single-threaded: no locking.  A callback passed to range_map_foreach()
 * must not insert into or remove from the map it walks; it may change the
 * payload pointer of the entry it is given.
 */
#ifndef QEMU_RANGE_MAP_H
#define QEMU_RANGE_MAP_H

#include "qemu/osdep.h"

typedef struct RangeMap RangeMap;

/* One range.  start and last are read-only for users; data is theirs. */
typedef struct RangeMapEntry {
    uint64_t start;
    uint64_t last;              /* inclusive */
    void *data;
} RangeMapEntry;

/*
 * Walk callback: called in ascending start order.  Return 0 to go on,
 * anything else to stop: range_map_foreach() then returns that value.
 */
typedef int (*RangeMapWalkFn)(void *opaque, RangeMapEntry *entry);

/*
 * Split callback: @entry is about to become [entry->start, at - 1]; return
 * the payload of the new upper range [at, old last].  @offset = at -
 * entry->start.  It may also change entry->data (the lower part's payload).
 */
typedef void *(*RangeMapSplitFn)(void *opaque, RangeMapEntry *entry,
                                 uint64_t offset);

/* A new empty map; @free_data (may be NULL) frees payloads the map drops. */
RangeMap *range_map_new(GDestroyNotify free_data);

/* Frees the map, its entries and (with a free function) their payloads. */
void range_map_free(RangeMap *map);

/* Number of ranges held. */
guint range_map_count(const RangeMap *map);

/*
 * Adds [start, last] with @data.  Returns 0, -EINVAL if start > last, or
 * -EEXIST if the range meets one already held (nothing changes then).
 */
int range_map_insert(RangeMap *map, uint64_t start, uint64_t last,
                     void *data);

/* The range that contains @addr, or NULL. */
RangeMapEntry *range_map_lookup(const RangeMap *map, uint64_t addr);

/* The range that starts exactly at @start, or NULL. */
RangeMapEntry *range_map_find_start(const RangeMap *map, uint64_t start);

/*
 * The range with the lowest start among those meeting [start, last], or
 * NULL if none does (or if start > last).
 */
RangeMapEntry *range_map_first_in(const RangeMap *map, uint64_t start,
                                  uint64_t last);

/* The range after @entry in start order (which must be held), or NULL. */
RangeMapEntry *range_map_next(const RangeMap *map, const RangeMapEntry *entry);

/* True if some range meets [start, last]. */
bool range_map_overlaps(const RangeMap *map, uint64_t start, uint64_t last);

/*
 * True if every address of [start, last] lies in some range (adjacent
 * ranges together may cover it).  False if start > last.
 */
bool range_map_covers(const RangeMap *map, uint64_t start, uint64_t last);

/*
 * Calls @fn for each range meeting [start, last] (whole ranges, even those
 * reaching outside the span), in ascending order.  Returns 0 or the first
 * non-zero value @fn returned.
 */
int range_map_foreach(const RangeMap *map, uint64_t start, uint64_t last,
                      RangeMapWalkFn fn, void *opaque);

/*
 * Removes the range that starts exactly at @start and returns its payload
 * without freeing it.  NULL if no range starts there (or its payload was).
 */
void *range_map_steal(RangeMap *map, uint64_t start);

/*
 * Removes the range that starts exactly at @start, freeing its payload with
 * the map's free function.  Returns false if no range starts there.
 */
bool range_map_remove(RangeMap *map, uint64_t start);

/*
 * Splits the range that contains @at into [start, at - 1] and [at, last],
 * the upper part taking the payload @fn returns (NULL @fn: the same payload
 * pointer, for maps without a free function).  Nothing to do, and 0, when
 * no range contains @at or one starts exactly there.  Returns 0.
 */
int range_map_split(RangeMap *map, uint64_t at, RangeMapSplitFn fn,
                    void *opaque);

#endif /* QEMU_RANGE_MAP_H */
