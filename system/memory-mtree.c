/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "info mtree": the region trees and flat views as text, in QEMU's layout. */

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "memory-internal.h"

#define MTREE_INDENT "  "

static const char *mtree_type(const MemoryRegion *mr)
{
    while (mr->type == MEMORY_REGION_ALIAS) {
        mr = mr->alias;
    }
    return mr->type == MEMORY_REGION_RAM ? "ram" : "i/o";
}

/* Inclusive end of a region of @size at @start (start for an empty one). */
static hwaddr mtree_end(hwaddr start, uint64_t size)
{
    if (size == UINT64_MAX) {
        return start + UINT64_MAX;
    }
    return size ? start + size - 1 : start;
}

static int mtree_child_cmp(gconstpointer a, gconstpointer b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return 0;
}

static void mtree_print_mr(GString *out, const MemoryRegion *mr,
                           unsigned level, hwaddr base, GPtrArray *aliases)
{
    /* A top-level region that is also a subregion shows at its offset. */
    hwaddr start = base + (mr->container ? mr->addr : 0);
    hwaddr end = mtree_end(start, mr->size);
    g_autoptr(GPtrArray) children = g_ptr_array_new();
    unsigned i;
    GList *l;

    if (start < base || end < start) {
        g_string_append(out, "[DETECTED OVERFLOW!] ");
    }
    for (i = 0; i < level; i++) {
        g_string_append(out, MTREE_INDENT);
    }
    g_string_append_printf(out, "%016" PRIx64 "-%016" PRIx64
                           " (prio %d, %s): ", start, end, mr->priority,
                           mtree_type(mr));
    if (mr->type == MEMORY_REGION_ALIAS) {
        if (!g_ptr_array_find(aliases, mr->alias, NULL)) {
            g_ptr_array_add(aliases, mr->alias);
        }
        g_string_append_printf(out, "alias %s @%s %016" PRIx64 "-%016" PRIx64
                               "\n", mr->name, mr->alias->name,
                               mr->alias_offset,
                               mtree_end(mr->alias_offset, mr->size));
    } else {
        g_string_append_printf(out, "%s\n", mr->name);
    }

    /*
     * By address, then higher priority first; GLib's sort is stable, so
     * ties keep the subregion order (later-added first).
     */
    for (l = mr->subregions; l; l = l->next) {
        g_ptr_array_add(children, l->data);
    }
    g_ptr_array_sort(children, mtree_child_cmp);
    for (i = 0; i < children->len; i++) {
        mtree_print_mr(out, g_ptr_array_index(children, i), level + 1, start,
                       aliases);
    }
}

static int as_name_cmp(gconstpointer a, gconstpointer b)
{
    const AddressSpace *x = *(AddressSpace *const *)a;
    const AddressSpace *y = *(AddressSpace *const *)b;

    return strcmp(x->name, y->name);
}

/*
 * Group the address spaces by root (@by_view false) or by flat-view root,
 * groups in order of their first address space.  Returns a GPtrArray of
 * GPtrArray of AddressSpace.
 */
static GPtrArray *mtree_group_as(bool by_view)
{
    GPtrArray *groups = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_ptr_array_unref);
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    GList *l;

    for (l = memory_address_spaces(); l; l = l->next) {
        AddressSpace *as = l->data;
        void *key = by_view ? (void *)as->current_map->root : (void *)as->root;
        guint idx;

        /* Views without a root (empty) are one shared view, as in QEMU. */
        if (!g_ptr_array_find(keys, key, &idx)) {
            idx = groups->len;
            g_ptr_array_add(keys, key);
            g_ptr_array_add(groups, g_ptr_array_new());
        }
        g_ptr_array_add(g_ptr_array_index(groups, idx), as);
    }
    return groups;
}

static void mtree_info_as(GString *out)
{
    g_autoptr(GPtrArray) groups = mtree_group_as(false);
    g_autoptr(GPtrArray) aliases = g_ptr_array_new();
    unsigned g, i;

    for (g = 0; g < groups->len; g++) {
        GPtrArray *group = g_ptr_array_index(groups, g);
        AddressSpace *first;

        g_ptr_array_sort(group, as_name_cmp);
        for (i = 0; i < group->len; i++) {
            AddressSpace *as = g_ptr_array_index(group, i);

            g_string_append_printf(out, "address-space: %s\n", as->name);
        }
        first = g_ptr_array_index(group, 0);
        mtree_print_mr(out, first->root, 1, 0, aliases);
        g_string_append(out, "\n");
    }
    /* The list may grow while printing (aliases of aliases). */
    for (i = 0; i < aliases->len; i++) {
        const MemoryRegion *mr = g_ptr_array_index(aliases, i);

        g_string_append_printf(out, "memory-region: %s\n", mr->name);
        mtree_print_mr(out, mr, 1, 0, aliases);
        g_string_append(out, "\n");
    }
}

static void mtree_print_flatview(GString *out, unsigned n, GPtrArray *group)
{
    AddressSpace *first = g_ptr_array_index(group, 0);
    FlatView *fv = first->current_map;
    unsigned i;

    g_string_append_printf(out, "FlatView #%u\n", n);
    for (i = 0; i < group->len; i++) {
        AddressSpace *as = g_ptr_array_index(group, i);

        g_string_append_printf(out, " AS \"%s\", root: %s", as->name,
                               as->root->name);
        if (as->root->type == MEMORY_REGION_ALIAS) {
            g_string_append_printf(out, ", alias %s", as->root->alias->name);
        }
        g_string_append(out, "\n");
    }
    g_string_append_printf(out, " Root memory region: %s\n",
                           fv->root ? fv->root->name : "(none)");
    if (!fv->nr) {
        g_string_append(out, MTREE_INDENT "No rendered FlatView\n\n");
        return;
    }
    for (i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];

        g_string_append_printf(out, MTREE_INDENT "%016" PRIx64 "-%016" PRIx64
                               " (prio %d, %s): %s", fr->start, fr->last,
                               fr->mr->priority, mtree_type(fr->mr),
                               fr->mr->name);
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @%016" PRIx64, fr->offset_in_region);
        }
        g_string_append(out, "\n");
    }
    g_string_append(out, "\n");
}

static void mtree_info_flatview(GString *out)
{
    g_autoptr(GPtrArray) groups = mtree_group_as(true);
    unsigned g;

    for (g = 0; g < groups->len; g++) {
        mtree_print_flatview(out, g, g_ptr_array_index(groups, g));
    }
}

void mtree_info(GString *out, bool flatview)
{
    if (flatview) {
        mtree_info_flatview(out);
    } else {
        mtree_info_as(out);
    }
}
