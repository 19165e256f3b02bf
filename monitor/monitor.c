/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Monitor output object and QMP events. */

#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "monitor-internal.h"
#include "trace.h"

void monitor_init_sink(Monitor *mon, MonitorOutputFn *out, void *opaque)
{
    mon->out = out;
    mon->opaque = opaque;
    mon->buf = NULL;
}

Monitor *monitor_new_gstring(GString *out)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->buf = out;
    return mon;
}

void monitor_free(Monitor *mon)
{
    g_free(mon);
}

void monitor_puts(Monitor *mon, const char *str)
{
    GString *dst = mon->buf;
    g_autoptr(GString) tmp = NULL;

    if (!dst) {
        tmp = g_string_new(NULL);
        dst = tmp;
    }
    for (const char *p = str; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(dst, '\r');
        }
        g_string_append_c(dst, *p);
    }
    if (tmp && tmp->len) {
        mon->out(mon->opaque, tmp->str, tmp->len);
    }
}

void monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    g_autofree char *str = g_strdup_vprintf(fmt, ap);

    monitor_puts(mon, str);
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    monitor_vprintf(mon, fmt, ap);
    va_end(ap);
}

void qapi_event_send(const char *name, JsonObject *data)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
    JsonObject *ev = json_object_new();
    JsonObject *ts = json_object_new();
    gint64 now = g_get_real_time();
    g_autofree char *json = NULL;
    g_autofree char *line = NULL;

    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", data);
    }
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_node_take_object(node, ev);

    json = qmp_to_json(node);
    trace_monitor_event_send(name);
    line = g_strconcat(json, "\n", NULL);
    monitor_qmp_broadcast(line);
}
