/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Definitions shared by the files of monitor/ (not a public header). */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include <json-glib/json-glib.h>

typedef struct Error Error;

/* Output object: exactly one of @out and @buf is set. */
struct Monitor {
    MonitorOutputFn *out;
    void *opaque;
    GString *buf;
};

void monitor_init_sink(Monitor *mon, MonitorOutputFn *out, void *opaque);

/* Write every QMP client that completed negotiation (monitor/qmp.c). */
void monitor_qmp_broadcast(const char *json_line);

/* Sorted names of all QMP commands (query-commands); g_free() the array. */
const char **qmp_command_names(guint *n);

/* qmp_capabilities: the one command that needs the client it came from. */
void qmp_capabilities_negotiate(JsonObject *args, Error **errp);

/* HMP "help" and "info", registered by hmp-cmds.c. */
void hmp_help(Monitor *mon, const char *args);
void hmp_info(Monitor *mon, const char *args);

/* Built-in commands, registered when the registries are first used. */
void qmp_register_builtin_commands(void);
void hmp_register_builtin_commands(void);

#endif /* MONITOR_INTERNAL_H */
