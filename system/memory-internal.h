/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flat views: shared between system/memory.c and system/physmem.c only. */
#ifndef SYSTEM_MEMORY_INTERNAL_H
#define SYSTEM_MEMORY_INTERNAL_H

#include "exec/memory.h"

/*
 * [start, last] (inclusive) of the AS maps to @mr at @offset_in_region.
 * @generation: @mr's IOMMU generation when the view was rendered (always 0
 * for other regions); two ranges that differ only in it are different
 * sections for listeners (see IOMMUMemoryRegion.generation).
 */
typedef struct FlatRange {
    MemoryRegion *mr;
    hwaddr start;
    hwaddr last;
    hwaddr offset_in_region;
    uint64_t generation;
} FlatRange;

/* An immutable, reference-counted flat view of one root. */
struct FlatView {
    unsigned ref;
    MemoryRegion *root;             /* unaliased root (mtree -f), or NULL */
    FlatRange *ranges;              /* sorted by start, non-overlapping */
    unsigned nr;
    unsigned nr_alloc;
};

FlatView *flatview_ref(FlatView *fv);
void flatview_unref(FlatView *fv);

/*
 * Index of the range containing @addr, or -1; *next (may be NULL) receives
 * the index of the first range starting after @addr (fv->nr if none).
 */
int flatview_lookup(const FlatView *fv, hwaddr addr, unsigned *next);

/* The section describing range @fr of @as. */
void flatview_section(AddressSpace *as, const FlatRange *fr,
                      MemoryRegionSection *section);

/* Address spaces in creation order (mtree). */
GList *memory_address_spaces(void);

/*
 * The region whose flat view equals @mr's: @mr with full-size zero-offset
 * aliases and lone zero-offset children followed (QEMU's rule), or NULL if
 * a container on the way is empty.
 */
MemoryRegion *memory_region_unalias_entire(MemoryRegion *mr);

#endif /* SYSTEM_MEMORY_INTERNAL_H */
