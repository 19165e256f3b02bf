/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Built-in HMP commands: text wrappers over the QMP commands. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/trace-control.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "monitor-internal.h"

/*
 * Run QMP command @name with @args (taken over, may be NULL); print the
 * error, if any, and return the result (NULL on error or for "{}").
 */
static JsonNode *hmp_call_qmp(Monitor *mon, const char *name,
                              JsonObject *args, bool *ok)
{
    g_autoptr(JsonObject) owned G_GNUC_UNUSED = args;
    JsonNode *ret = NULL;
    Error *err = NULL;

    *ok = qmp_command_call(name, args, &ret, &err);
    if (!*ok) {
        hmp_handle_error(mon, err);
    }
    return ret;
}

/* For commands with no arguments and no output. */
static void hmp_simple(Monitor *mon, const char *name, const char *args)
{
    g_autoptr(JsonNode) ret = NULL;
    bool ok;

    if (*args) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       name);
        return;
    }
    ret = hmp_call_qmp(mon, name, NULL, &ok);
}

static void hmp_quit(Monitor *mon, const char *args)
{
    hmp_simple(mon, "quit", args);
}

static void hmp_stop(Monitor *mon, const char *args)
{
    hmp_simple(mon, "stop", args);
}

static void hmp_cont(Monitor *mon, const char *args)
{
    hmp_simple(mon, "cont", args);
}

static void hmp_system_reset(Monitor *mon, const char *args)
{
    hmp_simple(mon, "system_reset", args);
}

/* "VM status: running", "VM status: paused", "VM status: paused (prelaunch)" */
static void hmp_info_status(Monitor *mon, const char *args)
{
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *info;
    const char *status;
    bool running;
    bool ok;

    ret = hmp_call_qmp(mon, "query-status", NULL, &ok);
    if (!ok) {
        return;
    }
    info = json_node_get_object(ret);
    status = json_object_get_string_member(info, "status");
    running = json_object_get_boolean_member(info, "running");
    monitor_printf(mon, "VM status: %s", running ? "running" : "paused");
    if (!running && strcmp(status, "paused") != 0) {
        monitor_printf(mon, " (%s)", status);
    }
    monitor_puts(mon, "\n");
}

static void hmp_info_version(Monitor *mon, const char *args)
{
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *info;
    JsonObject *qemu;
    bool ok;

    ret = hmp_call_qmp(mon, "query-version", NULL, &ok);
    if (!ok) {
        return;
    }
    info = json_node_get_object(ret);
    qemu = json_object_get_object_member(info, "qemu");
    monitor_printf(mon, "%" PRId64 ".%" PRId64 ".%" PRId64 " (%s)\n",
                   json_object_get_int_member(qemu, "major"),
                   json_object_get_int_member(qemu, "minor"),
                   json_object_get_int_member(qemu, "micro"),
                   json_object_get_string_member(info, "package"));
}

/* "trace-event NAME on|off" (NAME may be a pattern) */
static void hmp_trace_event(Monitor *mon, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args, " \t", -1);
    g_autoptr(JsonNode) ret = NULL;
    const char *name = NULL;
    const char *state = NULL;
    JsonObject *qargs;
    bool ok;

    for (char **w = words; *w; w++) {
        if (!**w) {
            continue;
        }
        if (!name) {
            name = *w;
        } else if (!state) {
            state = *w;
        } else {
            monitor_printf(mon, "trace-event: extraneous characters at the "
                           "end of line\n");
            return;
        }
    }
    if (!state) {
        monitor_printf(mon, "trace-event: expected NAME on|off\n");
        return;
    }
    if (strcmp(state, "on") != 0 && strcmp(state, "off") != 0) {
        monitor_printf(mon, "Expected 'on' or 'off'\n");
        return;
    }
    qargs = json_object_new();
    json_object_set_string_member(qargs, "name", name);
    json_object_set_boolean_member(qargs, "enable", !strcmp(state, "on"));
    ret = hmp_call_qmp(mon, "trace-event-set-state", qargs, &ok);
}

/* "NAME : state 0|1" per event, sorted, as QEMU prints them */
static void hmp_info_trace_events(Monitor *mon, const char *args)
{
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *qargs = json_object_new();
    JsonArray *list;
    bool ok;

    json_object_set_string_member(qargs, "name", *args ? args : "*");
    ret = hmp_call_qmp(mon, "trace-event-get-state", qargs, &ok);
    if (!ok) {
        return;
    }
    list = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *ev = json_array_get_object_element(list, i);

        monitor_printf(mon, "%s : state %d\n",
                       json_object_get_string_member(ev, "name"),
                       !strcmp(json_object_get_string_member(ev, "state"),
                               "enabled"));
    }
}

void hmp_register_builtin_commands(void)
{
    hmp_register_command("help|?", "[cmd]", "list the commands, or describe one", hmp_help);
    hmp_register_command("info", "[subcommand]",
                         "show information about the machine; "
                         "without a subcommand, list them",
                         hmp_info);
    hmp_register_command("quit|q", "", "ask the main loop to exit", hmp_quit);
    hmp_register_command("stop|s", "", "pause the machine", hmp_stop);
    hmp_register_command("cont|c", "", "resume the machine", hmp_cont);
    hmp_register_command("system_reset", "", "ask the main loop to reset the machine",
                         hmp_system_reset);
    hmp_register_command("trace-event", "name on|off",
                         "enable or disable the trace events matching name",
                         hmp_trace_event);
    hmp_register_info("status", "", "show the run state of the machine "
                      "(running|paused)", hmp_info_status);
    hmp_register_info("version", "", "show the QEMU version followed and the package",
                      hmp_info_version);
    hmp_register_info("trace-events", "[name]",
                      "list trace events (matching name) with "
                      "state 0 or 1",
                      hmp_info_trace_events);
}
