/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Introspection of TCE tables: QMP x-query-spapr-tce, x-query-kernel-tce and
 * HMP "info tce".
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "monitor/monitor.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "accel/kernel-tce.h"
#include "hw/ppc/spapr_iommu.h"

/* Entries returned by one x-query-spapr-tce call at most (page with start). */
#define SPAPR_TCE_QUERY_MAX_ENTRIES 4096

typedef struct TceQuery {
    bool has_liobn;
    uint32_t liobn;
    bool entries;
    uint64_t start;
    uint64_t count;
    JsonArray *tables;
} TceQuery;

typedef struct TceEntriesCollect {
    SpaprTceTable *tcet;
    JsonArray *out;
    uint64_t remaining;
} TceEntriesCollect;

static int tce_query_entry(void *opaque, uint64_t index, uint64_t tce)
{
    TceEntriesCollect *c = opaque;
    JsonObject *e = json_object_new();

    json_object_set_int_member(e, "index", index);
    qmp_object_set_uint_member(e, "ioba", c->tcet->bus_offset +
                               (index << c->tcet->page_shift));
    qmp_object_set_uint_member(e, "tce", tce);
    json_array_add_object_element(c->out, e);
    return --c->remaining == 0;
}

static void tce_query_table(SpaprTceTable *tcet, void *opaque)
{
    TceQuery *q = opaque;
    JsonObject *t;
    bool enabled = spapr_tce_table_enabled(tcet);

    if (q->has_liobn && q->liobn != tcet->liobn) {
        return;
    }
    t = json_object_new();
    json_object_set_int_member(t, "liobn", tcet->liobn);
    json_object_set_boolean_member(t, "enabled", enabled);
    qmp_object_set_uint_member(t, "bus-offset", tcet->bus_offset);
    json_object_set_int_member(t, "page-shift", tcet->page_shift);
    json_object_set_int_member(t, "nb-table", tcet->nb_table);
    json_object_set_string_member(t, "owner", enabled ?
                                  spapr_tce_storage_kind(tcet->storage) : "user");
    json_object_set_boolean_member(t, "need-vfio", tcet->need_vfio);
    /* IOMMU notifiers registered on the window (one per VFIO container) */
    json_object_set_int_member(t, "notifiers", tcet->iommu.notifiers ?
                               tcet->iommu.notifiers->len : 0);
    json_object_set_int_member(t, "valid-entries", enabled ?
                               spapr_tce_storage_count_valid(tcet->storage) : 0);
    json_object_set_int_member(t, "bytes-used", enabled ?
                               spapr_tce_storage_bytes_used(tcet->storage) : 0);
    json_object_set_int_member(t, "resync-failures", tcet->resync_failures);
    /* groups whose host table the kernel updates (kernel-tce=vfio) */
    json_object_set_int_member(t, "kernel-links",
                               kernel_tce_links(tcet->liobn));
    if (q->entries) {
        TceEntriesCollect c = {
            .tcet = tcet,
            .out = json_array_new(),
            .remaining = q->count,
        };

        if (enabled && q->start < tcet->nb_table) {
            spapr_tce_storage_for_each_valid(tcet->storage, q->start, tcet->nb_table - 1,
                                   tce_query_entry, &c);
        }
        json_object_set_array_member(t, "entries", c.out);
    }
    json_array_add_object_element(q->tables, t);
}

/*
 * x-query-spapr-tce [liobn] [entries: bool] [start] [count]: one object per
 * table (ordered by LIOBN); with entries, the valid entries from index
 * @start on, at most @count (default and maximum 4096) per table.
 */
static void qmp_x_query_spapr_tce(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = {
        "liobn", "entries", "start", "count", NULL
    };
    SpaprMachineState *spapr = spapr_machine();
    TceQuery q = { 0 };
    int64_t liobn, start, count;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_opt_int(args, "liobn", -1, &liobn, errp) ||
        !qmp_arg_opt_bool(args, "entries", false, &q.entries, errp) ||
        !qmp_arg_opt_int(args, "start", 0, &start, errp) ||
        !qmp_arg_opt_int(args, "count", SPAPR_TCE_QUERY_MAX_ENTRIES, &count,
                         errp)) {
        return;
    }
    if (args && json_object_has_member(args, "liobn") &&
        (liobn < 0 || liobn > UINT32_MAX || !spapr ||
         !spapr_tce_find_by_liobn(spapr, liobn))) {
        error_setg(errp, "No TCE table with LIOBN 0x%" PRIx64, (uint64_t)liobn);
        return;
    }
    if (start < 0) {
        error_setg(errp, "Parameter 'start' must not be negative");
        return;
    }
    if (count < 1 || count > SPAPR_TCE_QUERY_MAX_ENTRIES) {
        error_setg(errp, "Parameter 'count' must be between 1 and %d",
                   SPAPR_TCE_QUERY_MAX_ENTRIES);
        return;
    }
    q.has_liobn = liobn >= 0;
    q.liobn = liobn;
    q.start = start;
    q.count = count;
    q.tables = json_array_new();
    if (spapr) {                /* other machines have no TCE tables */
        spapr_tce_table_foreach(spapr, tce_query_table, &q);
    }
    *ret = json_node_init_array(json_node_alloc(), q.tables);
    json_array_unref(q.tables);
}

/*
 * x-query-kernel-tce: the kernel fast path's level and counters since start:
 * {"level": "off"|"on"|"vfio", "handled", "punted", "host-maps",
 * "host-unmaps"} (host calls the fast path made in linked host tables).
 */
static void qmp_x_query_kernel_tce(JsonObject *args, JsonNode **ret,
                                   Error **errp)
{
    static const char *const known[] = { NULL };
    static const char *const levels[] = { "off", "on", "vfio" };
    JsonObject *o;
    uint64_t handled, punted, maps, unmaps;

    if (!qmp_args_check(args, known, errp)) {
        return;
    }
    kernel_tce_stats(&handled, &punted);
    kernel_tce_hw_stats(&maps, &unmaps);
    o = json_object_new();
    json_object_set_string_member(o, "level", levels[kernel_tce_level()]);
    qmp_object_set_uint_member(o, "handled", handled);
    qmp_object_set_uint_member(o, "punted", punted);
    qmp_object_set_uint_member(o, "host-maps", maps);
    qmp_object_set_uint_member(o, "host-unmaps", unmaps);
    *ret = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
}

static void hmp_info_tce_table(SpaprTceTable *tcet, void *opaque)
{
    Monitor *mon = opaque;

    if (!spapr_tce_table_enabled(tcet)) {
        monitor_printf(mon, "%08x  %-8s %18s %5s %10s %-6s %-9s %10s %10s\n",
                       tcet->liobn, "off", "-", "-", "-", "-",
                       tcet->need_vfio ? "yes" : "no", "0", "0");
        return;
    }
    monitor_printf(mon, "%08x  %-8s 0x%016" PRIx64 " %5u %10u %-6s %-9s "
                   "%10" PRIu64 " %10" PRIu64 "\n",
                   tcet->liobn, "on", tcet->bus_offset, tcet->page_shift,
                   tcet->nb_table, spapr_tce_storage_kind(tcet->storage),
                   tcet->need_vfio ? "yes" : "no",
                   spapr_tce_storage_count_valid(tcet->storage),
                   spapr_tce_storage_bytes_used(tcet->storage));
}

static void hmp_info_tce(Monitor *mon, const char *args)
{
    SpaprMachineState *spapr = spapr_machine();

    monitor_printf(mon, "%-8s  %-8s %18s %5s %10s %-6s %-9s %10s %10s\n",
                   "LIOBN", "window", "bus-offset", "shift", "entries",
                   "owner", "need-vfio", "valid", "bytes");
    if (!spapr) {
        return;
    }
    spapr_tce_table_foreach(spapr, hmp_info_tce_table, mon);
    if (spapr->tce_budget.limit) {
        monitor_printf(mon, "TCE storage: %" PRIu64 " of %" PRIu64
                       " bytes (tce-storage-limit)\n",
                       spapr->tce_budget.used, spapr->tce_budget.limit);
    } else {
        monitor_printf(mon, "TCE storage: %" PRIu64 " bytes (no limit)\n",
                       spapr->tce_budget.used);
    }
}

void spapr_tce_monitor_init(void)
{
    qmp_register_command("x-query-spapr-tce", qmp_x_query_spapr_tce);
    qmp_register_command("x-query-kernel-tce", qmp_x_query_kernel_tce);
    hmp_register_info("tce", "", "show the sPAPR TCE tables (DMA windows)",
                      hmp_info_tce);
}
