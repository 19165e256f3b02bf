/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory regions, flat views, address spaces and listeners. */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include "exec/memory.h"
#include "memory-internal.h"
#include "trace.h"

/*
 * Flattening works on signed 128-bit addresses so that the 2^64 end of the
 * space and alias bases below 0 need no special cases; everything public
 * is uint64_t.
 */
typedef __int128 Addr128;

#define ADDR128_2_64 ((Addr128)1 << 64)

AddressSpace address_space_memory;
static MemoryRegion *system_memory;

static GList *address_spaces;       /* creation order */
static unsigned transaction_depth;
static bool update_pending;
static unsigned listener_depth;     /* >0 while listeners run */

/* ---- regions ---------------------------------------------------------- */

static Addr128 mr_size128(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? ADDR128_2_64 : (Addr128)mr->size;
}

static void memory_region_init_common(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      MemoryRegionType type)
{
    memset(mr, 0, sizeof(*mr));
    mr->owner = owner;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->size = size;
    mr->type = type;
    mr->initialized = true;
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    memory_region_init_common(mr, owner, name, size,
                              MEMORY_REGION_CONTAINER);
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    void *ptr;

    if (size == 0) {
        error_setg(errp, "RAM region '%s' must not be empty", name);
        return false;
    }
    if (size == UINT64_MAX || size > SIZE_MAX) {
        error_setg(errp, "RAM region '%s': size 0x%" PRIx64 " is too large",
                   name, size);
        return false;
    }
    ptr = mmap(NULL, size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ptr == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map 0x%" PRIx64
                         " bytes for RAM region '%s'", size, name);
        return false;
    }
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_RAM);
    mr->ram_ptr = ptr;
    mr->ram_mmap_len = size;
    trace_memory_region_init_ram(name, size);
    return true;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_IO);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    assert(orig && orig->initialized);
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_ALIAS);
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_refs++;
}

void memory_region_init_iommu(IOMMUMemoryRegion *iommu_mr, Object *owner,
                              const IOMMUMemoryRegionOps *ops,
                              const char *name, uint64_t size)
{
    assert(ops && ops->translate);
    memory_region_init_common(&iommu_mr->parent_obj, owner, name, size,
                              MEMORY_REGION_IOMMU);
    iommu_mr->ops = ops;
    iommu_mr->notifiers = g_ptr_array_new();
    iommu_mr->notify_flags = IOMMU_NOTIFIER_NONE;
    iommu_mr->delivering = 0;
    iommu_mr->generation = 0;
}

static void memory_topology_changed(void);

/*
 * An IOMMU region that is (re)placed or resized gets a new generation, so
 * every flat range rendered from it afterwards differs from the ranges
 * rendered before, even with the same geometry: listeners see region_del
 * of the old mappings and region_add of the new ones (the translations
 * behind the old ones may be gone).  Other regions keep generation 0.
 */
static void memory_region_bump_generation(MemoryRegion *mr)
{
    if (mr->type == MEMORY_REGION_IOMMU) {
        container_of(mr, IOMMUMemoryRegion, parent_obj)->generation++;
    }
}

static uint64_t memory_region_generation(const MemoryRegion *mr)
{
    if (mr->type != MEMORY_REGION_IOMMU) {
        return 0;
    }
    return container_of(mr, IOMMUMemoryRegion, parent_obj)->generation;
}

/*
 * Topology changes check !listener_depth before touching anything:
 * listeners must not change the topology (see MemoryListener).
 */

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    GList *l;

    assert(!listener_depth);
    assert(mr->initialized && subregion->initialized);
    assert(!subregion->container);
    assert(subregion != mr);
    subregion->container = mr;
    subregion->addr = offset;
    subregion->priority = priority;
    memory_region_bump_generation(subregion);
    /* Before the first sibling it ties or beats: later-added wins ties. */
    for (l = mr->subregions; l; l = l->next) {
        MemoryRegion *other = l->data;

        if (priority >= other->priority) {
            break;
        }
    }
    mr->subregions = g_list_insert_before(mr->subregions, l, subregion);
    trace_memory_region_add_subregion(mr->name, subregion->name, offset,
                                      priority);
    memory_topology_changed();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    memory_region_add_subregion_overlap(mr, offset, subregion, 0);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    assert(!listener_depth);
    assert(subregion->container == mr);
    mr->subregions = g_list_remove(mr->subregions, subregion);
    subregion->container = NULL;
    trace_memory_region_del_subregion(mr->name, subregion->name);
    memory_topology_changed();
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    assert(!listener_depth);
    assert(mr->initialized);
    assert(mr->type != MEMORY_REGION_RAM || size <= mr->ram_mmap_len);
    if (size == mr->size) {
        return;
    }
    trace_memory_region_set_size(mr->name, mr->size, size);
    mr->size = size;
    memory_region_bump_generation(mr);
    memory_topology_changed();
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    return mr->size;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name;
}

Object *memory_region_owner(const MemoryRegion *mr)
{
    return mr->owner;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    while (mr->type == MEMORY_REGION_ALIAS) {
        mr = mr->alias;
    }
    return mr->type == MEMORY_REGION_RAM;
}

bool memory_region_is_iommu(const MemoryRegion *mr)
{
    while (mr->type == MEMORY_REGION_ALIAS) {
        mr = mr->alias;
    }
    return mr->type == MEMORY_REGION_IOMMU;
}

bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container != NULL;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->type == MEMORY_REGION_ALIAS) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (mr->type != MEMORY_REGION_RAM) {
        return NULL;
    }
    return (uint8_t *)mr->ram_ptr + offset;
}

IOMMUMemoryRegion *memory_region_get_iommu(MemoryRegion *mr)
{
    while (mr->type == MEMORY_REGION_ALIAS) {
        mr = mr->alias;
    }
    if (mr->type != MEMORY_REGION_IOMMU) {
        return NULL;
    }
    return container_of(mr, IOMMUMemoryRegion, parent_obj);
}

void memory_region_finalize(MemoryRegion *mr)
{
    if (!mr->initialized) {
        return;
    }
    assert(!mr->container);
    assert(!mr->alias_refs);
    assert(!mr->as_root_refs);
    /*
     * A pending transaction may still describe this region in the flat view
     * its commit will diff against (region_del would see freed state).
     */
    assert(!transaction_depth);
    /* Not reachable from any address space, so no flat view changes. */
    while (mr->subregions) {
        MemoryRegion *sub = mr->subregions->data;

        sub->container = NULL;
        mr->subregions = g_list_delete_link(mr->subregions, mr->subregions);
    }
    switch (mr->type) {
    case MEMORY_REGION_RAM:
        munmap(mr->ram_ptr, mr->ram_mmap_len);
        break;
    case MEMORY_REGION_ALIAS:
        mr->alias->alias_refs--;
        break;
    case MEMORY_REGION_IOMMU: {
        IOMMUMemoryRegion *iommu = container_of(mr, IOMMUMemoryRegion,
                                                parent_obj);

        assert(iommu->notifiers->len == 0);
        g_ptr_array_free(iommu->notifiers, true);
        iommu->notifiers = NULL;
        break;
    }
    default:
        break;
    }
    g_free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

/* ---- flat views ------------------------------------------------------- */

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *fv = g_new0(FlatView, 1);

    fv->ref = 1;
    fv->root = root;
    return fv;
}

FlatView *flatview_ref(FlatView *fv)
{
    fv->ref++;
    return fv;
}

void flatview_unref(FlatView *fv)
{
    if (fv && --fv->ref == 0) {
        g_free(fv->ranges);
        g_free(fv);
    }
}

/* Index of the first range whose last address is >= @addr. */
static unsigned flatview_first_not_below(const FlatView *fv, hwaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (fv->ranges[mid].last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

int flatview_lookup(const FlatView *fv, hwaddr addr, unsigned *next)
{
    unsigned i = flatview_first_not_below(fv, addr);

    if (i < fv->nr && fv->ranges[i].start <= addr) {
        if (next) {
            *next = i + 1;
        }
        return i;
    }
    if (next) {
        *next = i;
    }
    return -1;
}

static void flatview_insert(FlatView *fv, unsigned pos, const FlatRange *fr)
{
    if (fv->nr == fv->nr_alloc) {
        fv->nr_alloc = MAX(16, fv->nr_alloc * 2);
        fv->ranges = g_renew(FlatRange, fv->ranges, fv->nr_alloc);
    }
    memmove(&fv->ranges[pos + 1], &fv->ranges[pos],
            (fv->nr - pos) * sizeof(FlatRange));
    fv->ranges[pos] = *fr;
    fv->nr++;
}

/* Map the parts of [lo, hi) not yet covered to terminal region @mr. */
static void flatview_fill_gaps(FlatView *fv, MemoryRegion *mr, Addr128 base,
                               Addr128 lo, Addr128 hi)
{
    unsigned i = flatview_first_not_below(fv, (hwaddr)lo);
    Addr128 cur = lo;

    while (cur < hi) {
        Addr128 gap_end = hi;
        FlatRange fr;

        if (i < fv->nr && (Addr128)fv->ranges[i].start <= cur) {
            cur = (Addr128)fv->ranges[i].last + 1;
            i++;
            continue;
        }
        if (i < fv->nr && (Addr128)fv->ranges[i].start < gap_end) {
            gap_end = fv->ranges[i].start;
        }
        fr.mr = mr;
        fr.start = (hwaddr)cur;
        fr.last = (hwaddr)(gap_end - 1);
        fr.offset_in_region = (hwaddr)(cur - base);
        fr.generation = memory_region_generation(mr);
        flatview_insert(fv, i, &fr);
        i++;
        cur = gap_end;
    }
}

/*
 * Render @mr, whose offset 0 is at address @base, clipped to [lo, hi).
 * Higher-precedence content is rendered first and never overwritten.
 */
static void render_region(FlatView *fv, MemoryRegion *mr, Addr128 base,
                          Addr128 lo, Addr128 hi)
{
    GList *l;

    lo = MAX(lo, base);
    hi = MIN(hi, base + mr_size128(mr));
    if (lo >= hi) {
        return;
    }
    if (mr->type == MEMORY_REGION_ALIAS) {
        render_region(fv, mr->alias, base - (Addr128)mr->alias_offset, lo, hi);
        return;
    }
    for (l = mr->subregions; l; l = l->next) {
        MemoryRegion *sub = l->data;

        render_region(fv, sub, base + (Addr128)sub->addr, lo, hi);
    }
    if (mr->type != MEMORY_REGION_CONTAINER) {
        flatview_fill_gaps(fv, mr, base, lo, hi);
    }
}

/* Merge neighbours that continue each other in the same region. */
static void flatview_simplify(FlatView *fv)
{
    unsigned i, out = 0;

    for (i = 0; i < fv->nr; i++) {
        FlatRange *prev = out ? &fv->ranges[out - 1] : NULL;
        FlatRange *cur = &fv->ranges[i];

        if (prev && prev->mr == cur->mr &&
            prev->generation == cur->generation &&
            prev->last + 1 == cur->start &&
            prev->offset_in_region + (cur->start - prev->start) ==
            cur->offset_in_region) {
            prev->last = cur->last;
        } else {
            fv->ranges[out++] = *cur;
        }
    }
    fv->nr = out;
}

MemoryRegion *memory_region_unalias_entire(MemoryRegion *mr)
{
    for (;;) {
        if (mr->type == MEMORY_REGION_ALIAS) {
            if (mr->alias_offset == 0 &&
                mr_size128(mr) >= mr_size128(mr->alias)) {
                mr = mr->alias;
                continue;
            }
        } else if (mr->type == MEMORY_REGION_CONTAINER) {
            MemoryRegion *child;

            if (!mr->subregions) {
                return NULL;
            }
            child = mr->subregions->data;
            if (!mr->subregions->next && child->addr == 0 &&
                mr_size128(mr) >= mr_size128(child)) {
                mr = child;
                continue;
            }
        }
        return mr;
    }
}

static FlatView *generate_flatview(MemoryRegion *root)
{
    FlatView *fv = flatview_new(memory_region_unalias_entire(root));

    /* As QEMU: a root that is also a subregion sits at its offset. */
    render_region(fv, root, root->container ? root->addr : 0, 0,
                  ADDR128_2_64);
    flatview_simplify(fv);
    return fv;
}

void flatview_section(AddressSpace *as, const FlatRange *fr,
                      MemoryRegionSection *section)
{
    section->mr = fr->mr;
    section->as = as;
    section->offset_within_region = fr->offset_in_region;
    section->offset_within_address_space = fr->start;
    section->size = fr->last - fr->start + 1;
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start == b->start && a->last == b->last &&
           a->offset_in_region == b->offset_in_region &&
           a->generation == b->generation;
}

/* ---- listeners -------------------------------------------------------- */

static void listener_call(MemoryListener *listener, const FlatRange *fr,
                          bool add)
{
    MemoryRegionSection section;
    AddressSpace *as = listener->address_space;
    const char *name = listener->name ? listener->name : "anonymous";

    flatview_section(as, fr, &section);
    if (add && listener->region_add) {
        trace_memory_listener_region_add(name, as->name, fr->mr->name,
                                         fr->start, section.size,
                                         fr->offset_in_region);
        listener->region_add(listener, &section);
    } else if (!add && listener->region_del) {
        trace_memory_listener_region_del(name, as->name, fr->mr->name,
                                         fr->start, section.size,
                                         fr->offset_in_region);
        listener->region_del(listener, &section);
    }
}

/* Deliver one range to all of @as's listeners in the order for @add. */
static void listeners_call(AddressSpace *as, const FlatRange *fr, bool add)
{
    GList *l = add ? as->listeners : g_list_last(as->listeners);

    while (l) {
        listener_call(l->data, fr, add);
        l = add ? l->next : l->prev;
    }
}

/*
 * One pass of the old/new comparison (both sorted by start): with @add
 * false, region_del for old ranges that are not in the new view; with
 * @add true, region_add for new ranges that are not in the old view.
 */
static void address_space_update_pass(AddressSpace *as, const FlatView *old,
                                      const FlatView *new, bool add)
{
    unsigned i = 0, j = 0;
    unsigned old_nr = old ? old->nr : 0;

    while (i < old_nr || j < new->nr) {
        const FlatRange *o = i < old_nr ? &old->ranges[i] : NULL;
        const FlatRange *n = j < new->nr ? &new->ranges[j] : NULL;

        if (o && (!n || o->start < n->start ||
                  (o->start == n->start && !flatrange_equal(o, n)))) {
            if (!add) {
                listeners_call(as, o, false);
            }
            i++;
        } else if (o && n && flatrange_equal(o, n)) {
            i++;
            j++;
        } else {
            if (add) {
                listeners_call(as, n, true);
            }
            j++;
        }
    }
}

static void memory_update_all(void)
{
    guint n = g_list_length(address_spaces), k = 0;
    g_autofree FlatView **old = g_new0(FlatView *, n + 1);
    GList *l;

    /* Install every new view first: listeners see a consistent world. */
    for (l = address_spaces; l; l = l->next, k++) {
        AddressSpace *as = l->data;

        old[k] = as->current_map;
        as->current_map = generate_flatview(as->root);
    }
    listener_depth++;
    for (l = address_spaces, k = 0; l; l = l->next, k++) {
        AddressSpace *as = l->data;

        if (as->listeners) {
            address_space_update_pass(as, old[k], as->current_map, false);
            address_space_update_pass(as, old[k], as->current_map, true);
        }
    }
    listener_depth--;
    for (k = 0; k < n; k++) {
        flatview_unref(old[k]);
    }
}

static void memory_topology_changed(void)
{
    /* Listeners must not change the topology (see MemoryListener). */
    assert(!listener_depth);
    if (transaction_depth) {
        update_pending = true;
        return;
    }
    memory_update_all();
}

void memory_region_transaction_begin(void)
{
    assert(!listener_depth);
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    assert(transaction_depth);
    if (--transaction_depth == 0 && update_pending) {
        update_pending = false;
        memory_update_all();
    }
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    GList *l;
    unsigned i;

    assert(!listener_depth);
    assert(!listener->address_space);
    /* After every listener of lower or equal priority. */
    for (l = as->listeners; l; l = l->next) {
        MemoryListener *other = l->data;

        if (listener->priority < other->priority) {
            break;
        }
    }
    as->listeners = g_list_insert_before(as->listeners, l, listener);
    listener->address_space = as;
    listener_depth++;
    for (i = 0; i < as->current_map->nr; i++) {
        listener_call(listener, &as->current_map->ranges[i], true);
    }
    listener_depth--;
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    unsigned i;

    if (!as) {
        return;
    }
    assert(!listener_depth);
    listener_depth++;
    for (i = 0; i < as->current_map->nr; i++) {
        listener_call(listener, &as->current_map->ranges[i], false);
    }
    listener_depth--;
    as->listeners = g_list_remove(as->listeners, listener);
    listener->address_space = NULL;
}

/* ---- address spaces --------------------------------------------------- */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    assert(!listener_depth);
    assert(root && root->initialized);
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name ? name : "anonymous");
    as->root = root;
    root->as_root_refs++;
    as->current_map = generate_flatview(root);
    address_spaces = g_list_append(address_spaces, as);
    trace_address_space_init(as->name, root->name);
}

void address_space_destroy(AddressSpace *as)
{
    assert(!listener_depth);
    assert(!as->listeners);
    trace_address_space_destroy(as->name);
    address_spaces = g_list_remove(address_spaces, as);
    flatview_unref(as->current_map);
    as->root->as_root_refs--;
    g_free(as->name);
    memset(as, 0, sizeof(*as));
}

GList *memory_address_spaces(void)
{
    return address_spaces;
}

/* Where offset 0 of @mr is in @as (subregion links only); false if nowhere. */
static bool memory_region_offset_in(AddressSpace *as, MemoryRegion *mr,
                                    hwaddr *base)
{
    hwaddr off = 0;

    for (; mr; mr = mr->container) {
        if (mr == as->root) {
            *base = off;
            return true;
        }
        off += mr->addr;
    }
    return false;
}

bool memory_region_iommu_check_window(MemoryRegion *parent, hwaddr offset,
                                      IOMMUMemoryRegion *iommu_mr,
                                      uint64_t size, uint64_t page_size,
                                      bool replaces_all, Error **errp)
{
    assert(!listener_depth);
    for (GList *l = address_spaces; l; l = l->next) {
        AddressSpace *as = l->data;
        IOMMUWindowCheck w = {
            .page_size = page_size,
            .replaces_all = replaces_all,
        };
        hwaddr base;
        bool ok = true;

        if (!memory_region_offset_in(as, parent, &base)) {
            continue;
        }
        w.start = base + offset;
        w.last = w.start + size - 1;      /* size 0 (2^64) wraps right */
        for (GList *k = as->listeners; k && ok; k = k->next) {
            MemoryListener *ml = k->data;

            if (!ml->iommu_window_check) {
                continue;
            }
            listener_depth++;
            ok = ml->iommu_window_check(ml, iommu_mr, &w, errp);
            listener_depth--;
            trace_memory_iommu_check_window(ml->name ? ml->name : "anonymous",
                                            as->name, w.start, w.last, ok);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool address_space_find_section(AddressSpace *as, hwaddr addr,
                                MemoryRegionSection *section)
{
    int i = flatview_lookup(as->current_map, addr, NULL);

    if (i < 0) {
        return false;
    }
    flatview_section(as, &as->current_map->ranges[i], section);
    return true;
}

void *address_space_map_ram(AddressSpace *as, hwaddr gpa, hwaddr len,
                            MemoryRegion **mr_out)
{
    const FlatRange *fr;
    int i;

    if (len == 0 || gpa + (len - 1) < gpa) {
        return NULL;
    }
    i = flatview_lookup(as->current_map, gpa, NULL);
    if (i < 0) {
        return NULL;
    }
    fr = &as->current_map->ranges[i];
    if (fr->mr->type != MEMORY_REGION_RAM || gpa + (len - 1) > fr->last) {
        return NULL;
    }
    if (mr_out) {
        *mr_out = fr->mr;
    }
    return (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region +
           (gpa - fr->start);
}

/* ---- system memory ---------------------------------------------------- */

void memory_map_init(void)
{
    assert(!system_memory);
    system_memory = g_new0(MemoryRegion, 1);
    memory_region_init(system_memory, NULL, "system", UINT64_MAX);
    address_space_init(&address_space_memory, system_memory, "memory");
}

void memory_map_cleanup(void)
{
    if (!system_memory) {
        return;
    }
    address_space_destroy(&address_space_memory);
    memory_region_finalize(system_memory);
    g_free(system_memory);
    system_memory = NULL;
}

MemoryRegion *get_system_memory(void)
{
    return system_memory;
}
