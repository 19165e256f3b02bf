/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Introspection of VFIO containers: QMP x-query-vfio and HMP "info vfio". */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "monitor/monitor.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/vfio-monitor.h"
#include "hw/vfio/iommu-soft.h"
#include "hw/qdev-core.h"
#include "hw/vfio/soft-host.h"
#include "trace.h"

/* Mappings listed per container and list by one call at most (page them). */
#define VFIO_QUERY_MAX_MAPPINGS 4096

const char *vfio_container_space_name(VFIOContainer *c)
{
    return c->space->as->name;
}

unsigned vfio_container_index(VFIOContainer *c)
{
    int i = g_list_index(c->space->containers, c);

    return i < 0 ? 0 : i;
}

/*
 * The soft IOMMU behind a container: a bare engine (unit tests) or the
 * instance of a vfio-soft-host object (what -device vfio-pci creates).
 */
static VFIOSoftIOMMU *container_soft(VFIOContainer *c)
{
    VFIOSoftIOMMU *s = vfio_soft_from_iommu(c->iommu);

    return s ? s : vfio_soft_host_get_soft(c->iommu);
}

static const char *vfio_type_name(VFIOIOMMUType type)
{
    switch (type) {
    case VFIO_IOMMU_TYPE1:
        return "type1";
    case VFIO_IOMMU_SPAPR_TCE:
        return "spapr-tce";
    case VFIO_IOMMU_TYPE1V2:
        return "type1v2";
    case VFIO_IOMMU_SPAPR_TCE_V2:
        return "spapr-tce-v2";
    default:
        return "none";
    }
}

static const char *vfio_perm_name(uint32_t perm)
{
    static const char *const names[] = { "none", "r", "w", "rw" };

    return names[perm & VFIO_IOMMU_PERM_RW];
}

/* ---- guest RAM, to name the guest address of a host mapping ------------ */

typedef struct RamSeg {
    uint64_t host;
    hwaddr gpa;
    uint64_t size;
} RamSeg;

typedef struct RamCollect {
    MemoryListener l;
    GArray *segs;               /* of RamSeg */
} RamCollect;

static void ram_collect_add(MemoryListener *l, MemoryRegionSection *s)
{
    RamCollect *rc = container_of(l, RamCollect, l);
    RamSeg seg;

    if (!memory_region_is_ram(s->mr) || !s->size) {
        return;
    }
    seg = (RamSeg) {
        .host = (uint64_t)(uintptr_t)memory_region_get_ram_ptr(s->mr) +
                s->offset_within_region,
        .gpa = s->offset_within_address_space,
        .size = s->size,
    };
    g_array_append_val(rc->segs, seg);
}

/*
 * The RAM sections of system memory now (a listener registered and gone
 * again: every current section is delivered at registration).
 */
static GArray *ram_segments(void)
{
    RamCollect rc = {
        .l = { .region_add = ram_collect_add, .name = "vfio-monitor" },
        .segs = g_array_new(FALSE, FALSE, sizeof(RamSeg)),
    };

    memory_listener_register(&rc.l, &address_space_memory);
    memory_listener_unregister(&rc.l);
    return rc.segs;
}

/* The guest address of process address @host, or false. */
static bool ram_gpa_of(GArray *segs, uint64_t host, hwaddr *gpa)
{
    for (guint i = 0; i < segs->len; i++) {
        RamSeg *s = &g_array_index(segs, RamSeg, i);

        if (host >= s->host && host - s->host < s->size) {
            *gpa = s->gpa + (host - s->host);
            return true;
        }
    }
    return false;
}

/* ---- x-query-vfio --------------------------------------------------------- */

typedef struct VfioQuery {
    uint64_t start;
    uint64_t count;
    GArray *ram;                /* of RamSeg, for the hardware lists */
    JsonArray *out;
} VfioQuery;

static JsonObject *query_mapping(hwaddr iova, uint64_t size, hwaddr gpa,
                                 bool has_gpa, uint32_t perm)
{
    JsonObject *m = json_object_new();

    qmp_object_set_uint_member(m, "iova", iova);
    qmp_object_set_uint_member(m, "size", size);
    if (has_gpa) {
        qmp_object_set_uint_member(m, "gpa", gpa);
    } else {
        json_object_set_null_member(m, "gpa");
    }
    json_object_set_string_member(m, "perm", vfio_perm_name(perm));
    return m;
}

static JsonArray *query_windows(VFIOContainer *c)
{
    g_autoptr(GArray) w = vfio_container_get_windows(c);
    JsonArray *a = json_array_new();

    for (guint i = 0; i < w->len; i++) {
        VFIOWindowInfo *wi = &g_array_index(w, VFIOWindowInfo, i);
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "name", wi->name);
        qmp_object_set_uint_member(o, "bus-start", wi->bus_start);
        qmp_object_set_uint_member(o, "size", wi->size);
        qmp_object_set_uint_member(o, "page-size", 1ULL << wi->tce_page_shift);
        json_object_set_boolean_member(o, "host-window", wi->host_window);
        qmp_object_set_uint_member(o, "host-page-size", wi->host_window ?
                                   1ULL << wi->host_page_shift : 0);
        json_object_set_int_member(o, "levels", wi->levels);
        json_object_set_boolean_member(o, "broken", wi->broken);
        if (wi->broken) {
            json_object_set_string_member(o, "error", wi->error);
        }
        json_object_set_boolean_member(o, "kernel-linked", wi->kernel_linked);
        json_object_set_boolean_member(o, "tracked", wi->tracked);
        json_array_add_object_element(a, o);
    }
    return a;
}

static JsonArray *query_prereg(VFIOContainer *c)
{
    JsonArray *a = json_array_new();

    if (!c->prereg) {
        return a;
    }
    for (RangeMapEntry *e = range_map_first_in(c->prereg, 0, UINT64_MAX); e;
         e = range_map_next(c->prereg, e)) {
        VFIOPrereg *p = e->data;
        JsonObject *o = json_object_new();

        qmp_object_set_uint_member(o, "gpa", p->gpa);
        qmp_object_set_uint_member(o, "size", p->size);
        qmp_object_set_uint_member(o, "users", p->users);
        json_array_add_object_element(a, o);
    }
    return a;
}

/* The container's own mappings from IOVA @q->start on, @q->count at most. */
static JsonArray *query_mappings(VFIOContainer *c, VfioQuery *q)
{
    JsonArray *a = json_array_new();
    uint64_t n = 0;

    for (RangeMapEntry *e = range_map_first_in(c->mappings, q->start,
                                               UINT64_MAX);
         e && n < q->count; e = range_map_next(c->mappings, e)) {
        VFIOMapping *m = e->data;

        if (m->iova < q->start) {
            continue;           /* starts below the page: listed before */
        }
        json_array_add_object_element(a, query_mapping(m->iova, m->size,
                                                       m->gpa, true,
                                                       m->perm));
        n++;
    }
    return a;
}

/* What the soft host IOMMU itself holds: mappings, windows, registrations. */
static JsonObject *query_hardware(VFIOSoftIOMMU *s, VfioQuery *q)
{
    g_autoptr(GArray) maps = vfio_soft_get_mappings(s);
    g_autoptr(GArray) wins = vfio_soft_get_windows(s);
    g_autoptr(GArray) regs = vfio_soft_get_regions(s);
    JsonObject *o = json_object_new();
    JsonArray *a = json_array_new();
    uint64_t n = 0;

    for (guint i = 0; i < maps->len && n < q->count; i++) {
        VFIOSoftMapping *m = &g_array_index(maps, VFIOSoftMapping, i);
        hwaddr gpa = 0;
        bool has_gpa;

        if (m->iova < q->start) {
            continue;
        }
        has_gpa = ram_gpa_of(q->ram, m->vaddr, &gpa);
        json_array_add_object_element(a, query_mapping(m->iova, m->size, gpa,
                                                       has_gpa, m->perm));
        n++;
    }
    qmp_object_set_uint_member(o, "nr-mappings", maps->len);
    json_object_set_array_member(o, "mappings", a);

    a = json_array_new();
    for (guint i = 0; i < wins->len; i++) {
        VFIOSoftWindow *w = &g_array_index(wins, VFIOSoftWindow, i);
        JsonObject *wo = json_object_new();

        json_object_set_int_member(wo, "slot", w->slot);
        qmp_object_set_uint_member(wo, "start", w->start);
        qmp_object_set_uint_member(wo, "size", w->size);
        qmp_object_set_uint_member(wo, "page-size", 1ULL << w->page_shift);
        json_object_set_int_member(wo, "levels", w->levels);
        json_array_add_object_element(a, wo);
    }
    json_object_set_array_member(o, "windows", a);

    a = json_array_new();
    for (guint i = 0; i < regs->len; i++) {
        VFIOSoftRegion *r = &g_array_index(regs, VFIOSoftRegion, i);
        JsonObject *ro = json_object_new();
        hwaddr gpa = 0;

        if (ram_gpa_of(q->ram, r->vaddr, &gpa)) {
            qmp_object_set_uint_member(ro, "gpa", gpa);
        } else {
            json_object_set_null_member(ro, "gpa");
        }
        qmp_object_set_uint_member(ro, "size", r->size);
        json_array_add_object_element(a, ro);
    }
    json_object_set_array_member(o, "registered", a);
    return o;
}

static void query_container(VFIOContainer *c, void *opaque)
{
    VfioQuery *q = opaque;
    VFIOContainerStats st = vfio_container_get_stats(c);
    VFIOSoftIOMMU *soft = container_soft(c);
    JsonObject *o = json_object_new();
    JsonObject *so = json_object_new();
    JsonArray *groups = json_array_new();

    json_object_set_string_member(o, "address-space",
                                  vfio_container_space_name(c));
    json_object_set_int_member(o, "container", vfio_container_index(c));
    json_object_set_string_member(o, "backend", c->iommu->ops->name);
    json_object_set_string_member(o, "iommu-type", vfio_type_name(c->type));
    for (GList *l = c->groups; l; l = l->next) {
        VFIOGroup *g = l->data;
        JsonObject *go = json_object_new();
        JsonArray *devs = json_array_new();

        json_object_set_int_member(go, "group", g->groupid);
        for (GList *d = g->devices; d; d = d->next) {
            g_autofree char *path = object_get_canonical_path(OBJECT(d->data));

            json_array_add_string_element(devs, path);
        }
        json_object_set_array_member(go, "devices", devs);
        json_array_add_object_element(groups, go);
    }
    json_object_set_array_member(o, "groups", groups);
    json_object_set_array_member(o, "windows", query_windows(c));
    json_object_set_array_member(o, "prereg", query_prereg(c));
    qmp_object_set_uint_member(so, "map", st.map_calls);
    qmp_object_set_uint_member(so, "unmap", st.unmap_calls);
    qmp_object_set_uint_member(so, "splits", st.splits);
    qmp_object_set_uint_member(so, "errors", st.errors);
    json_object_set_object_member(o, "stats", so);
    qmp_object_set_uint_member(o, "nr-mappings", range_map_count(c->mappings));
    json_object_set_array_member(o, "mappings", query_mappings(c, q));
    if (soft) {
        json_object_set_object_member(o, "hardware", query_hardware(soft, q));
    }
    json_array_add_object_element(q->out, o);
}

/*
 * x-query-vfio [start] [count]: one object per container, address spaces
 * in creation order, containers in creation order within one; the
 * mapping lists hold the mappings starting at IOVA @start or above, at
 * most @count (default and maximum 4096) each.
 */
static void qmp_x_query_vfio(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "start", "count", NULL };
    VfioQuery q = { 0 };
    int64_t count;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_opt_uint(args, "start", 0, &q.start, errp) ||
        !qmp_arg_opt_int(args, "count", VFIO_QUERY_MAX_MAPPINGS, &count,
                         errp)) {
        return;
    }
    if (count < 1 || count > VFIO_QUERY_MAX_MAPPINGS) {
        error_setg(errp, "Parameter 'count' must be between 1 and %d",
                   VFIO_QUERY_MAX_MAPPINGS);
        return;
    }
    q.count = count;
    q.out = json_array_new();
    q.ram = ram_segments();
    vfio_container_foreach(query_container, &q);
    g_array_unref(q.ram);
    *ret = json_node_init_array(json_node_alloc(), q.out);
    json_array_unref(q.out);
}

/*
 * x-query-vfio-kvm: {"log": ...}, the KVM-VFIO stand-in's record of group
 * additions and deletions since start ("add N (in-list, listener off); del
 * N; ", include/hw/vfio/vfio-container.h).
 */
static void qmp_x_query_vfio_kvm(JsonObject *args, JsonNode **ret,
                                 Error **errp)
{
    static const char *const known[] = { NULL };
    JsonObject *o;

    if (!qmp_args_check(args, known, errp)) {
        return;
    }
    o = json_object_new();
    json_object_set_string_member(o, "log", vfio_kvm_stub_log());
    *ret = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
}

/* ---- info vfio ------------------------------------------------------------ */

static void hmp_info_vfio_container(VFIOContainer *c, void *opaque)
{
    Monitor *mon = opaque;
    VFIOContainerStats st = vfio_container_get_stats(c);
    g_autoptr(GArray) w = vfio_container_get_windows(c);
    VFIOSoftIOMMU *soft = container_soft(c);

    monitor_printf(mon, "%s container %u: backend %s, type %s, groups",
                   vfio_container_space_name(c), vfio_container_index(c),
                   c->iommu->ops->name, vfio_type_name(c->type));
    for (GList *l = c->groups; l; l = l->next) {
        VFIOGroup *g = l->data;

        monitor_printf(mon, " %d", g->groupid);
        for (GList *d = g->devices; d; d = d->next) {
            DeviceState *dev = d->data;
            g_autofree char *path = dev->id ? NULL :
                object_get_canonical_path(OBJECT(dev));

            monitor_printf(mon, "%s%s", d == g->devices ? " (" : ", ",
                           dev->id ? dev->id : path);
        }
        if (g->devices) {
            monitor_printf(mon, ")");
        }
    }
    monitor_printf(mon, "\n");
    for (guint i = 0; i < w->len; i++) {
        VFIOWindowInfo *wi = &g_array_index(w, VFIOWindowInfo, i);

        monitor_printf(mon, "  window %s 0x%016" PRIx64 " size 0x%" PRIx64
                       " page 0x%" PRIx64, wi->name, wi->bus_start, wi->size,
                       (uint64_t)1 << wi->tce_page_shift);
        if (wi->host_window) {
            monitor_printf(mon, " host page 0x%" PRIx64 " levels %u",
                           (uint64_t)1 << wi->host_page_shift, wi->levels);
        }
        monitor_printf(mon, "%s%s\n", wi->kernel_linked ? " kernel-linked" : "",
                       wi->broken ? " BROKEN" : "");
        if (wi->broken) {
            monitor_printf(mon, "    %s\n", wi->error);
        }
    }
    monitor_printf(mon, "  mappings %u, map %" PRIu64 " unmap %" PRIu64
                   " splits %" PRIu64 " errors %" PRIu64 "\n",
                   range_map_count(c->mappings), st.map_calls, st.unmap_calls,
                   st.splits, st.errors);
    if (c->prereg && range_map_count(c->prereg)) {
        monitor_printf(mon, "  pre-registered ranges %u\n",
                       range_map_count(c->prereg));
    }
    if (soft) {
        g_autoptr(GArray) maps = vfio_soft_get_mappings(soft);

        monitor_printf(mon, "  hardware mappings %u\n", maps->len);
    }
}

static void count_container(VFIOContainer *c, void *opaque)
{
    (*(unsigned *)opaque)++;
}

static void hmp_info_vfio(Monitor *mon, const char *args)
{
    unsigned n = 0;

    vfio_container_foreach(count_container, &n);
    if (!n) {
        monitor_printf(mon, "No VFIO containers\n");
        return;
    }
    vfio_container_foreach(hmp_info_vfio_container, mon);
}

/* ---- events --------------------------------------------------------------- */

void vfio_monitor_window_broken(VFIOGuestIOMMU *g)
{
    VFIOContainer *c = g->container;
    JsonObject *data = json_object_new();

    json_object_set_string_member(data, "address-space",
                                  vfio_container_space_name(c));
    json_object_set_int_member(data, "container", vfio_container_index(c));
    json_object_set_string_member(data, "window", memory_region_name(
                                  MEMORY_REGION_OF_IOMMU(g->iommu_mr)));
    qmp_object_set_uint_member(data, "bus-start", g->bus_start);
    qmp_object_set_uint_member(data, "size", g->bus_last - g->bus_start + 1);
    json_object_set_string_member(data, "error", g->broken ?
                                  error_get_pretty(g->broken) : "");
    trace_vfio_monitor_window_broken(g->bus_start);
    qapi_event_send("VFIO_WINDOW_BROKEN", data);
}

void vfio_monitor_init(void)
{
    qmp_register_command("x-query-vfio", qmp_x_query_vfio);
    qmp_register_command("x-query-vfio-kvm", qmp_x_query_vfio_kvm);
    hmp_register_info("vfio", "", "show the VFIO containers, their windows "
                      "and host mappings", hmp_info_vfio);
}
