/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Monitor output object, QMP events, and monitors bound to chardevs. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "monitor/hmp.h"
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

/* --- Monitors on chardevs --- */

typedef struct MonitorChardev {
    Chardev *chr;
    MonitorQMP *qmp;        /* exactly one of qmp and hmp is set */
    MonitorHMP *hmp;
} MonitorChardev;

/* Chardev * -> MonitorChardev *, owned. */
static GHashTable *chardev_monitors;

/* A peer that is gone drops the output; CLOSED follows from the chardev. */
static void monitor_chr_out(void *opaque, const char *buf, size_t len)
{
    MonitorChardev *mc = opaque;

    qemu_chr_write_all(mc->chr, buf, len);
}

static void monitor_qmp_chr_read(void *opaque, const uint8_t *buf,
                                 size_t len)
{
    MonitorChardev *mc = opaque;

    monitor_qmp_feed(mc->qmp, buf, len);
}

static void monitor_qmp_chr_event(void *opaque, QEMUChrEvent event)
{
    MonitorChardev *mc = opaque;

    if (event == CHR_EVENT_OPENED) {
        monitor_qmp_open(mc->qmp);
    } else {
        monitor_qmp_close(mc->qmp);
    }
}

static void monitor_hmp_chr_read(void *opaque, const uint8_t *buf,
                                 size_t len)
{
    MonitorChardev *mc = opaque;

    monitor_hmp_feed(mc->hmp, buf, len);
}

static void monitor_hmp_chr_event(void *opaque, QEMUChrEvent event)
{
    MonitorChardev *mc = opaque;

    if (event == CHR_EVENT_OPENED) {
        monitor_hmp_open(mc->hmp);
    } else {
        monitor_hmp_close(mc->hmp);
    }
}

static MonitorChardev *monitor_chardev_new(Chardev *chr, Error **errp)
{
    MonitorChardev *mc;

    if (!chardev_monitors) {
        chardev_monitors = g_hash_table_new(NULL, NULL);
    }
    if (g_hash_table_contains(chardev_monitors, chr)) {
        error_setg(errp, "chardev '%s' already has a monitor",
                   qemu_chr_label(chr));
        return NULL;
    }
    mc = g_new0(MonitorChardev, 1);
    mc->chr = chr;
    g_hash_table_insert(chardev_monitors, chr, mc);
    return mc;
}

bool monitor_init_qmp(Chardev *chr, Error **errp)
{
    MonitorChardev *mc = monitor_chardev_new(chr, errp);

    if (!mc) {
        return false;
    }
    mc->qmp = monitor_qmp_new(monitor_chr_out, mc);
    /* Reports OPENED (the greeting) at once if a peer is connected. */
    qemu_chr_set_handlers(chr, monitor_qmp_chr_read, monitor_qmp_chr_event,
                          mc);
    return true;
}

bool monitor_init_hmp(Chardev *chr, Error **errp)
{
    MonitorChardev *mc = monitor_chardev_new(chr, errp);

    if (!mc) {
        return false;
    }
    mc->hmp = monitor_hmp_new(monitor_chr_out, mc);
    qemu_chr_set_handlers(chr, monitor_hmp_chr_read, monitor_hmp_chr_event,
                          mc);
    return true;
}

void monitor_cleanup(void)
{
    GHashTableIter iter;
    gpointer value;

    if (!chardev_monitors) {
        return;
    }
    g_hash_table_iter_init(&iter, chardev_monitors);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        MonitorChardev *mc = value;

        qemu_chr_set_handlers(mc->chr, NULL, NULL, NULL);
        monitor_qmp_free(mc->qmp);
        monitor_hmp_free(mc->hmp);
        g_free(mc);
    }
    g_hash_table_unref(chardev_monitors);
    chardev_monitors = NULL;
}
