/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Built-in QMP commands and the argument helpers command implementations use. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/trace-control.h"
#include "system/runstate.h"
#include "monitor/qmp.h"
#include "monitor/hmp.h"
#include "migration/migration.h"
#include "monitor-internal.h"

/* --- Argument helpers --- */

/* QEMU's name of what a parameter of @kind expects. */
static const char *qmp_kind_name(QmpNodeKind kind)
{
    switch (kind) {
    case QMP_NODE_STRING:
        return "string";
    case QMP_NODE_BOOL:
        return "boolean";
    default:
        return "integer";
    }
}

/*
 * The member @name of @args if it is a @kind (an int64 for
 * QMP_NODE_INT), else NULL with an error; *@present says whether it exists.
 */
static JsonNode *qmp_arg_get(JsonObject *args, const char *name,
                             QmpNodeKind kind, bool *present, Error **errp)
{
    JsonNode *node = json_object_get_member(args, name);
    int64_t i;

    *present = node != NULL;
    if (!node) {
        return NULL;
    }
    if (qmp_node_kind(node) != kind ||
        (kind == QMP_NODE_INT && !qmp_node_get_int(node, &i))) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, qmp_kind_name(kind));
        return NULL;
    }
    return node;
}

static JsonNode *qmp_arg_required(JsonObject *args, const char *name,
                                  QmpNodeKind kind, Error **errp)
{
    Error *err = NULL;
    bool present;
    JsonNode *node = qmp_arg_get(args, name, kind, &present, &err);

    if (!present) {
        error_setg(errp, "Parameter '%s' is missing", name);
        return NULL;
    }
    error_propagate(errp, err);
    return node;
}

bool qmp_arg_str(JsonObject *args, const char *name, const char **val,
                 Error **errp)
{
    JsonNode *node = qmp_arg_required(args, name, QMP_NODE_STRING, errp);

    if (!node) {
        return false;
    }
    *val = json_node_get_string(node);
    return true;
}

bool qmp_arg_int(JsonObject *args, const char *name, int64_t *val,
                 Error **errp)
{
    JsonNode *node = qmp_arg_required(args, name, QMP_NODE_INT, errp);

    if (!node) {
        return false;
    }
    *val = json_node_get_int(node);
    return true;
}

/* An unsigned value, QEMU's way: negative int64 wrap around. */
static bool qmp_node_to_uint(JsonNode *node, const char *name, uint64_t *val,
                             Error **errp)
{
    int64_t i;

    if (qmp_node_get_uint(node, val)) {
        return true;
    }
    if (qmp_node_get_int(node, &i)) {
        *val = (uint64_t)i;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects uint64", name);
    return false;
}

bool qmp_arg_uint(JsonObject *args, const char *name, uint64_t *val,
                  Error **errp)
{
    JsonNode *node = json_object_get_member(args, name);

    if (!node) {
        error_setg(errp, "Parameter '%s' is missing", name);
        return false;
    }
    return qmp_node_to_uint(node, name, val, errp);
}

bool qmp_arg_opt_uint(JsonObject *args, const char *name, uint64_t dflt,
                      uint64_t *val, Error **errp)
{
    JsonNode *node = json_object_get_member(args, name);

    if (!node) {
        *val = dflt;
        return true;
    }
    return qmp_node_to_uint(node, name, val, errp);
}

bool qmp_arg_bool(JsonObject *args, const char *name, bool *val,
                  Error **errp)
{
    JsonNode *node = qmp_arg_required(args, name, QMP_NODE_BOOL, errp);

    if (!node) {
        return false;
    }
    *val = json_node_get_boolean(node);
    return true;
}

bool qmp_arg_opt_str(JsonObject *args, const char *name, const char *dflt,
                     const char **val, Error **errp)
{
    bool present;
    JsonNode *node = qmp_arg_get(args, name, QMP_NODE_STRING, &present, errp);

    if (present && !node) {
        return false;
    }
    *val = node ? json_node_get_string(node) : dflt;
    return true;
}

bool qmp_arg_opt_int(JsonObject *args, const char *name, int64_t dflt,
                     int64_t *val, Error **errp)
{
    bool present;
    JsonNode *node = qmp_arg_get(args, name, QMP_NODE_INT, &present, errp);

    if (present && !node) {
        return false;
    }
    *val = node ? json_node_get_int(node) : dflt;
    return true;
}

bool qmp_arg_opt_bool(JsonObject *args, const char *name, bool dflt,
                      bool *val, Error **errp)
{
    bool present;
    JsonNode *node = qmp_arg_get(args, name, QMP_NODE_BOOL, &present, errp);

    if (present && !node) {
        return false;
    }
    *val = node ? json_node_get_boolean(node) : dflt;
    return true;
}

bool qmp_args_check(JsonObject *args, const char *const *known, Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(args);

    for (GList *l = members; l; l = l->next) {
        if (!known || !g_strv_contains(known, l->data)) {
            error_setg(errp, "Parameter '%s' is unexpected",
                       (const char *)l->data);
            return false;
        }
    }
    return true;
}

/* --- Commands --- */

static JsonNode *qmp_node_take_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

static void qmp_cmd_qmp_capabilities(JsonObject *args, JsonNode **ret,
                                     Error **errp)
{
    qmp_capabilities_negotiate(args, errp);
}

/* {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "..."} */
static void qmp_cmd_query_version(JsonObject *args, JsonNode **ret,
                                  Error **errp)
{
    JsonObject *info;
    JsonObject *qemu;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    info = json_object_new();
    qemu = json_object_new();
    json_object_set_int_member(qemu, "micro", MONITOR_QEMU_VERSION_MICRO);
    json_object_set_int_member(qemu, "minor", MONITOR_QEMU_VERSION_MINOR);
    json_object_set_int_member(qemu, "major", MONITOR_QEMU_VERSION_MAJOR);
    json_object_set_object_member(info, "qemu", qemu);
    json_object_set_string_member(info, "package", MONITOR_PACKAGE);
    *ret = qmp_node_take_object(info);
}

/* [{"name": "cont"}, ...], sorted by name. */
static void qmp_cmd_query_commands(JsonObject *args, JsonNode **ret,
                                   Error **errp)
{
    g_autofree const char **names = NULL;
    JsonArray *list;
    guint n;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    names = qmp_command_names(&n);
    list = json_array_new();
    for (guint i = 0; i < n; i++) {
        JsonObject *cmd = json_object_new();

        json_object_set_string_member(cmd, "name", names[i]);
        json_array_add_object_element(list, cmd);
    }
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, list);
}

/* {"status": "running", "running": true} */
static void qmp_cmd_query_status(JsonObject *args, JsonNode **ret,
                                 Error **errp)
{
    JsonObject *info;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    info = json_object_new();
    json_object_set_string_member(info, "status",
                                  runstate_str(runstate_get()));
    json_object_set_boolean_member(info, "running", runstate_is_running());
    *ret = qmp_node_take_object(info);
}

/* {} : the guest has no name (there is no -name option). */
static void qmp_cmd_query_name(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    *ret = qmp_node_take_object(json_object_new());
}

/*
 * stop and cont send QEMU's STOP and RESUME events when the run state
 * actually changes (QEMU sends them from vm_stop()/vm_start(); here the
 * run state code has no monitor dependency, so the commands do it).
 */
static void qmp_cmd_stop(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    if (runstate_is_running()) {
        vm_stop();
        qapi_event_send("STOP", NULL);
    }
}

static void qmp_cmd_cont(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        /* As QEMU: run once the incoming migration completes. */
        migration_incoming_autostart();
    } else if (!runstate_is_running()) {
        vm_start();
        qapi_event_send("RESUME", NULL);
    }
}

static void qmp_cmd_system_reset(JsonObject *args, JsonNode **ret,
                                 Error **errp)
{
    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    qemu_system_reset_request();
}

/* The reply goes out first; the main loop acts on the request afterwards. */
static void qmp_cmd_quit(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    qemu_system_shutdown_request();
}

/* {"command-line": "info status"} -> "VM status: running\r\n" */
static void qmp_cmd_human_monitor_command(JsonObject *args, JsonNode **ret,
                                          Error **errp)
{
    static const char *const known[] = { "command-line", "cpu-index", NULL };
    const char *line;
    int64_t cpu_index;
    g_autoptr(GString) out = NULL;
    Monitor *mon;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "command-line", &line, errp) ||
        !qmp_arg_opt_int(args, "cpu-index", -1, &cpu_index, errp)) {
        return;
    }
    if (cpu_index != -1) {
        /* The machine has no vCPUs. */
        error_setg(errp, "Parameter 'cpu-index' expects a CPU index: "
                   "this machine has no vCPUs");
        return;
    }
    out = g_string_new(NULL);
    mon = monitor_new_gstring(out);
    hmp_handle_line(mon, line);
    monitor_free(mon);
    *ret = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(*ret, out->str);
}

static bool trace_name_is_pattern(const char *name)
{
    return strpbrk(name, "*?") != NULL;
}

/* QEMU: a pattern may match nothing; an exact name must exist. */
static bool qmp_trace_check_name(const char *name, Error **errp)
{
    if (!trace_name_is_pattern(name) && !trace_event_find(name)) {
        error_setg(errp, "unknown event \"%s\"", name);
        return false;
    }
    return true;
}

/* {"name": PATTERN, "enable": BOOL[, "ignore-unavailable": BOOL]} */
static void qmp_cmd_trace_event_set_state(JsonObject *args, JsonNode **ret,
                                          Error **errp)
{
    static const char *const known[] = {
        "name", "enable", "ignore-unavailable", NULL
    };
    const char *name;
    bool enable;
    bool ignore;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "name", &name, errp) ||
        !qmp_arg_bool(args, "enable", &enable, errp) ||
        !qmp_arg_opt_bool(args, "ignore-unavailable", false, &ignore, errp) ||
        !qmp_trace_check_name(name, errp)) {
        return;
    }
    /* Every event is compiled in, so "ignore-unavailable" changes nothing. */
    trace_enable_events(name, enable);
}

typedef struct TraceStateList {
    const char *pattern;
    JsonArray *list;
} TraceStateList;

static void qmp_trace_state_add(const TraceEvent *ev, void *opaque)
{
    TraceStateList *s = opaque;
    JsonObject *info;

    if (!g_pattern_match_simple(s->pattern, ev->name)) {
        return;
    }
    info = json_object_new();
    json_object_set_string_member(info, "name", ev->name);
    json_object_set_string_member(info, "state",
                                  ev->state ? "enabled" : "disabled");
    json_array_add_object_element(s->list, info);
}

/* {"name": PATTERN} -> [{"name": N, "state": "enabled"|"disabled"}, ...] */
static void qmp_cmd_trace_event_get_state(JsonObject *args, JsonNode **ret,
                                          Error **errp)
{
    static const char *const known[] = { "name", NULL };
    TraceStateList s;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "name", &s.pattern, errp) ||
        !qmp_trace_check_name(s.pattern, errp)) {
        return;
    }
    s.list = json_array_new();
    trace_event_foreach(qmp_trace_state_add, &s);
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, s.list);
}

void qmp_register_builtin_commands(void)
{
    qmp_register_command("qmp_capabilities", qmp_cmd_qmp_capabilities);
    qmp_register_command("query-version", qmp_cmd_query_version);
    qmp_register_command("query-commands", qmp_cmd_query_commands);
    qmp_register_command("query-status", qmp_cmd_query_status);
    qmp_register_command("query-name", qmp_cmd_query_name);
    qmp_register_command("stop", qmp_cmd_stop);
    qmp_register_command("cont", qmp_cmd_cont);
    qmp_register_command("system_reset", qmp_cmd_system_reset);
    qmp_register_command("quit", qmp_cmd_quit);
    qmp_register_command("human-monitor-command",
                         qmp_cmd_human_monitor_command);
    qmp_register_command("trace-event-set-state",
                         qmp_cmd_trace_event_set_state);
    qmp_register_command("trace-event-get-state",
                         qmp_cmd_trace_event_get_state);
}
