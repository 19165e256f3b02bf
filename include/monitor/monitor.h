/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitor: the operator's side of the machine (QMP and HMP) and the output
 * object both write through.
 *
 * A Monitor is an output sink with two kinds of backing:
 *   - a byte stream (a chardev, or any MonitorOutputFn for tests), and
 *   - a GString (human-monitor-command, tests).
 * As in QEMU, monitor_puts()/monitor_printf() turn every "\n" into "\r\n",
 * for both kinds of sink: QMP replies end in "\r\n" and the text a QMP
 * "human-monitor-command" returns has "\r\n" line ends.
 *
 * QMP lives in monitor/qmp.c (include/monitor/qmp.h), HMP in monitor/hmp.c
 * (include/monitor/hmp.h).  Single-threaded: everything runs on the main
 * loop (Decision 9 of docs/devel/architecture.md).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>

typedef struct Error Error;
typedef struct Chardev Chardev;
typedef struct Monitor Monitor;

/*
 * Version QMP and HMP report (greeting, query-version, info version): the
 * QEMU release whose QMP behaviour this model follows (Debian 12's QEMU,
 * 7.2.0), and the model's own name and version as the "package" string.
 */
#define MONITOR_QEMU_VERSION_MAJOR 7
#define MONITOR_QEMU_VERSION_MINOR 2
#define MONITOR_QEMU_VERSION_MICRO 0
#define MONITOR_PACKAGE "spapr-iommu 0.1.0"

/* A byte sink: called with @len > 0 bytes of output, in order. */
typedef void MonitorOutputFn(void *opaque, const char *buf, size_t len);

/*
 * A Monitor that appends its output to @out (not owned; must outlive the
 * monitor).  Free with monitor_free().  Any context.
 */
Monitor *monitor_new_gstring(GString *out);

/* Free a monitor made by monitor_new_gstring().  NULL is ignored. */
void monitor_free(Monitor *mon);

/* Write @str to @mon ("\n" becomes "\r\n"). */
void monitor_puts(Monitor *mon, const char *str);

/* printf-style monitor_puts(). */
void monitor_printf(Monitor *mon, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

/*
 * Send the QMP event @name to every QMP client that completed capabilities
 * negotiation:
 *   {"event": NAME, "data": {...}, "timestamp": {"seconds": S,
 *    "microseconds": U}}
 * "data" is left out when @data is NULL (QEMU's events without members, e.g.
 * STOP).  @data: the caller's reference is taken over (do not unref it
 * afterwards).  The line is written at once to each client's sink (a chardev
 * queues what the peer does not read yet).  Main loop context; may be called
 * from inside a QMP or HMP command.
 */
void qapi_event_send(const char *name, JsonObject *data);

/*
 * Run a QMP monitor on @chr: greeting on CHR_EVENT_OPENED, capabilities
 * negotiation again for every new client, replies and events written with
 * qemu_chr_write_all().  The monitor lives until monitor_cleanup().
 * Errors: @chr already has a monitor.  Start-up context.
 */
bool monitor_init_qmp(Chardev *chr, Error **errp);

/*
 * Run an HMP monitor on @chr: banner and "(qemu) " prompt on
 * CHR_EVENT_OPENED, one command per line.  Errors as monitor_init_qmp().
 */
bool monitor_init_hmp(Chardev *chr, Error **errp);

/*
 * Free every monitor made by monitor_init_qmp()/monitor_init_hmp() (their
 * chardev handlers are removed; the chardevs themselves are not deleted).
 * At exit, before qemu_chr_cleanup().
 */
void monitor_cleanup(void);

/*
 * Register device_add, device_del (and the DEVICE_DELETED event), info
 * mtree, info qtree and info qom-tree.  Once, at start-up.
 */
void monitor_qdev_cmds_init(void);

/*
 * Register the QOM and machine introspection commands: query-machines,
 * qom-list-types, qom-list, qom-get, qom-set, qom-list-properties,
 * device-list-properties.  Once, at start-up.
 */
void monitor_qom_cmds_init(void);

/*
 * Register object-add and object-del (QMP), object_add and object_del
 * (HMP).  Once, at start-up.
 */
void monitor_object_cmds_init(void);

#endif /* MONITOR_MONITOR_H */
