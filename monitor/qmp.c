/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP protocol core: input stream splitting, request dispatch, replies. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "monitor/qmp.h"
#include "monitor-internal.h"
#include "trace.h"

struct MonitorQMP {
    Monitor common;
    bool open;
    bool negotiated;

    /*
     * Stream splitter: the bytes of the JSON value being received and the
     * lexical state needed to find where it ends.  Structure is counted
     * the way QEMU's streamer does (braces and brackets separately; a value
     * ends when both are back to zero or either goes negative), strings are
     * skipped with their escapes, and a top-level scalar ends at the first
     * blank or structural character.
     */
    GString *pending;
    int brace_count;
    int bracket_count;
    char quote;             /* '"' or '\'' inside a string, else 0 */
    bool escape;            /* previous byte was a '\\' inside a string */
    bool in_scalar;         /* top-level number/literal being read */
    /*
     * The value being received broke a limit and was answered with an
     * error: its remaining bytes are still scanned, so that the stream
     * picks up again at the next value, but neither kept nor parsed.
     */
    bool skipping;
    /*
     * A byte no JSON token can hold arrived (a raw control character or
     * 0xfe/0xff in a string, or a byte that starts no token outside one):
     * the value was answered with an error and dropped, and bytes are
     * skipped up to the next structural character, control character
     * other than tab, or 0xfe/0xff, which is read again as new input.
     * This is QEMU's lexer recovery, so a client can resynchronize.
     */
    bool recovering;
};

/* Every QMP monitor, for event delivery (a broadcast, never a search). */
static GPtrArray *qmp_monitors;

/* The monitor whose request is being dispatched (for qmp_capabilities). */
static MonitorQMP *qmp_cur_mon;

/* name -> QmpCommandFunc *; built-ins are added on first use. */
static GHashTable *qmp_commands;

static GHashTable *qmp_command_table(void)
{
    if (!qmp_commands) {
        qmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
        qmp_register_builtin_commands();
    }
    return qmp_commands;
}

void qmp_register_command(const char *name, QmpCommandFunc *fn)
{
    GHashTable *table = qmp_command_table();

    if (g_hash_table_contains(table, name)) {
        g_error("QMP command '%s' registered twice", name);
    }
    g_hash_table_insert(table, g_strdup(name), fn);
}

bool qmp_command_exists(const char *name)
{
    return g_hash_table_contains(qmp_command_table(), name);
}

static gint qmp_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

const char **qmp_command_names(guint *n)
{
    const char **names;

    names = (const char **)g_hash_table_get_keys_as_array(qmp_command_table(),
                                                          n);
    qsort(names, *n, sizeof(*names), qmp_name_cmp);
    return names;
}

bool qmp_command_call(const char *name, JsonObject *args, JsonNode **ret,
                      Error **errp)
{
    QmpCommandFunc *fn = g_hash_table_lookup(qmp_command_table(), name);
    g_autoptr(JsonObject) empty = NULL;
    Error *err = NULL;

    *ret = NULL;
    if (!fn) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return false;
    }
    if (!args) {
        empty = json_object_new();
        args = empty;
    }
    fn(args, ret, &err);
    if (err) {
        if (*ret) {
            json_node_unref(*ret);
            *ret = NULL;
        }
        error_propagate(errp, err);
        return false;
    }
    return true;
}

void qmp_capabilities_negotiate(JsonObject *args, Error **errp)
{
    static const char *const known[] = { "enable", NULL };
    JsonNode *enable;

    if (!qmp_cur_mon) {
        error_setg(errp, "qmp_capabilities is only valid on a QMP monitor");
        return;
    }
    if (qmp_cur_mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, "
                  "command ignored");
        return;
    }
    if (!qmp_args_check(args, known, errp)) {
        return;
    }
    enable = json_object_get_member(args, "enable");
    if (enable) {
        JsonArray *list;

        if (!JSON_NODE_HOLDS_ARRAY(enable)) {
            error_setg(errp, "Invalid parameter type for 'enable', "
                       "expected: array");
            return;
        }
        /* No capability is offered (no out-of-band execution here). */
        list = json_node_get_array(enable);
        if (json_array_get_length(list)) {
            JsonNode *cap = json_array_get_element(list, 0);

            if (qmp_node_kind(cap) == QMP_NODE_STRING) {
                error_setg(errp, "Capability '%s' not available",
                           json_node_get_string(cap));
            } else {
                error_setg(errp, "Invalid parameter type for 'enable[0]', "
                           "expected: string");
            }
            return;
        }
    }
    qmp_cur_mon->negotiated = true;
    trace_monitor_qmp_negotiated(qmp_cur_mon);
}

/* --- Replies --- */

static void qmp_send(MonitorQMP *mon, JsonObject *rsp)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
    g_autofree char *json = NULL;

    json_node_set_object(node, rsp);
    json = qmp_to_json(node);
    trace_monitor_qmp_respond(mon, json);
    monitor_puts(&mon->common, json);
    monitor_puts(&mon->common, "\n");
}

/* Send an error reply built from @err (freed), echoing @id if any. */
static void qmp_send_error(MonitorQMP *mon, Error *err, JsonNode *id)
{
    g_autoptr(JsonObject) rsp = json_object_new();
    JsonObject *desc = json_object_new();

    trace_monitor_qmp_error(mon, error_class_name(error_get_class(err)),
                            error_get_pretty(err));
    json_object_set_string_member(desc, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(desc, "desc", error_get_pretty(err));
    json_object_set_object_member(rsp, "error", desc);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    error_free(err);
    qmp_send(mon, rsp);
}

static void qmp_send_return(MonitorQMP *mon, JsonNode *ret, JsonNode *id)
{
    g_autoptr(JsonObject) rsp = json_object_new();

    if (!ret) {
        ret = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(ret, json_object_new());
    }
    json_object_set_member(rsp, "return", ret);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    qmp_send(mon, rsp);
}

/* --- Dispatch --- */

/* Check the request's members (QEMU's rules and texts); NULL on error. */
static const char *qmp_check_request(JsonObject *req, Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(req);
    const char *command = NULL;

    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *val = json_object_get_member(req, name);

        if (!strcmp(name, "execute")) {
            if (qmp_node_kind(val) != QMP_NODE_STRING) {
                error_setg(errp, "QMP input member 'execute' must be a "
                           "string");
                return NULL;
            }
            command = json_node_get_string(val);
        } else if (!strcmp(name, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(val)) {
                error_setg(errp, "QMP input member 'arguments' must be an "
                           "object");
                return NULL;
            }
        } else if (strcmp(name, "id") != 0) {
            /* "exec-oob" too: out-of-band execution is never offered. */
            error_setg(errp, "QMP input member '%s' is unexpected", name);
            return NULL;
        }
    }
    if (!command) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    return command;
}

static void qmp_dispatch(MonitorQMP *mon, JsonNode *req_node)
{
    JsonObject *req;
    JsonNode *id;
    JsonNode *args_node;
    JsonNode *ret = NULL;
    const char *command;
    g_autofree char *id_json = NULL;
    Error *err = NULL;

    if (!JSON_NODE_HOLDS_OBJECT(req_node)) {
        error_setg(&err, "QMP input must be a JSON object");
        qmp_send_error(mon, err, NULL);
        return;
    }
    req = json_node_get_object(req_node);
    id = json_object_get_member(req, "id");
    command = qmp_check_request(req, &err);
    if (!command) {
        qmp_send_error(mon, err, id);
        return;
    }
    id_json = id ? qmp_to_json(id) : g_strdup("");
    trace_monitor_qmp_cmd(mon, command, id_json);

    if (!mon->negotiated && strcmp(command, "qmp_capabilities") != 0) {
        /* QEMU's wording while only qmp_capabilities exists. */
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Expecting capabilities negotiation with "
                  "'qmp_capabilities'");
        qmp_send_error(mon, err, id);
        return;
    }

    args_node = json_object_get_member(req, "arguments");
    qmp_cur_mon = mon;
    qmp_command_call(command, args_node ? json_node_get_object(args_node)
                                        : NULL, &ret, &err);
    qmp_cur_mon = NULL;
    if (err) {
        qmp_send_error(mon, err, id);
    } else {
        qmp_send_return(mon, ret, id);
    }
}

/* Forget the value being received; the next byte starts a new one. */
static void qmp_input_reset(MonitorQMP *mon)
{
    g_string_truncate(mon->pending, 0);
    mon->brace_count = 0;
    mon->bracket_count = 0;
    mon->quote = 0;
    mon->escape = false;
    mon->in_scalar = false;
    mon->skipping = false;
    mon->recovering = false;
}

/* The value being received broke a limit: reply @why, skip the rest. */
static void qmp_input_overflow(MonitorQMP *mon, const char *why)
{
    Error *err = NULL;

    g_string_truncate(mon->pending, 0);
    mon->skipping = true;
    error_setg(&err, "%s", why);
    trace_monitor_qmp_input_error(mon, why);
    qmp_send_error(mon, err, NULL);
}

/* One complete JSON value (text in mon->pending) arrived. */
static void qmp_handle_value(MonitorQMP *mon)
{
    bool skipped = mon->skipping;
    size_t len = mon->pending->len;
    g_autofree char *text = g_string_free(mon->pending, FALSE);
    g_autoptr(JsonNode) root = NULL;
    Error *err = NULL;

    mon->pending = g_string_new(NULL);
    qmp_input_reset(mon);
    if (skipped) {
        return;
    }

    root = qmp_json_parse(text, len, &err);
    if (err) {
        trace_monitor_qmp_input_error(mon, error_get_pretty(err));
        qmp_send_error(mon, err, NULL);
        return;
    }
    if (!root) {
        return;     /* blanks only */
    }
    qmp_dispatch(mon, root);
}

static void qmp_input_keep(MonitorQMP *mon, char c)
{
    if (!mon->skipping) {
        g_string_append_c(mon->pending, c);
    }
}

static bool qmp_is_delimiter(char c)
{
    return g_ascii_isspace(c) || strchr("{}[]\"':,", c);
}

/* True if @c may appear in a JSON text outside strings (QEMU's lexer). */
static bool qmp_byte_ok_outside(char c)
{
    return g_ascii_isspace(c) || (c && strchr("{}[]:,\"'-+.E", c)) ||
           g_ascii_isdigit(c) || (c >= 'a' && c <= 'z');
}

/* True if @c may appear raw inside a string. */
static bool qmp_byte_ok_in_string(char c)
{
    unsigned char u = c;

    return u >= 0x20 && u < 0xfe;
}

/* Where lexer recovery stops: @c is read again as new input. */
static bool qmp_byte_resyncs(char c)
{
    unsigned char u = c;

    return (c && strchr("{}[]:,", c)) || (u < 0x20 && c != '\t') ||
           u >= 0xfe;
}

/* @c cannot be part of any token: one error reply, then recovery. */
static void qmp_input_lex_error(MonitorQMP *mon, char c)
{
    unsigned char u = c;
    g_autofree char *what = g_ascii_isprint(c) ? g_strdup_printf("%c", c)
                                : g_strdup_printf("\\x%02X", u);
    g_autofree char *why = g_strdup_printf("JSON parse error, stray '%s'",
                                           what);
    bool skipped = mon->skipping;
    Error *err = NULL;

    qmp_input_reset(mon);
    mon->recovering = true;
    trace_monitor_qmp_input_error(mon, why);
    if (!skipped) {
        error_setg(&err, "%s", why);
        qmp_send_error(mon, err, NULL);
    }
}

void monitor_qmp_feed(MonitorQMP *mon, const void *buf, size_t len)
{
    const char *p = buf;
    size_t i = 0;

    /* A command may end the connection (a write that finds the peer gone). */
    while (i < len && mon->open) {
        char c = p[i];

        if (mon->recovering) {
            if (qmp_byte_resyncs(c)) {
                mon->recovering = false;
            } else {
                i++;
            }
            continue;
        }
        if (mon->quote ? !qmp_byte_ok_in_string(c)
                       : !qmp_byte_ok_outside(c)) {
            i++;
            qmp_input_lex_error(mon, c);
            continue;
        }
        if (mon->quote) {
            qmp_input_keep(mon, c);
            i++;
            if (mon->escape) {
                mon->escape = false;
            } else if (c == '\\') {
                mon->escape = true;
            } else if (c == mon->quote) {
                mon->quote = 0;
                if (!mon->brace_count && !mon->bracket_count) {
                    qmp_handle_value(mon);
                    continue;
                }
            }
        } else if (mon->in_scalar) {
            if (qmp_is_delimiter(c)) {
                /* The scalar ends here; @c starts what follows. */
                qmp_handle_value(mon);
                continue;
            }
            qmp_input_keep(mon, c);
            i++;
        } else if (!mon->brace_count && !mon->bracket_count) {
            i++;
            if (g_ascii_isspace(c)) {
                continue;
            }
            qmp_input_keep(mon, c);
            switch (c) {
            case '{':
                mon->brace_count++;
                break;
            case '[':
                mon->bracket_count++;
                break;
            case '"':
            case '\'':
                mon->quote = c;
                break;
            case '}':
            case ']':
            case ':':
            case ',':
                qmp_handle_value(mon);  /* stray: a parse error */
                continue;
            default:
                mon->in_scalar = true;
                break;
            }
        } else {
            qmp_input_keep(mon, c);
            i++;
            switch (c) {
            case '{':
                mon->brace_count++;
                break;
            case '}':
                mon->brace_count--;
                break;
            case '[':
                mon->bracket_count++;
                break;
            case ']':
                mon->bracket_count--;
                break;
            case '"':
            case '\'':
                mon->quote = c;
                break;
            default:
                break;
            }
            if (mon->brace_count < 0 || mon->bracket_count < 0 ||
                (!mon->brace_count && !mon->bracket_count)) {
                qmp_handle_value(mon);
                continue;
            }
            if (mon->brace_count + mon->bracket_count >
                MONITOR_QMP_MAX_NESTING) {
                if (!mon->skipping) {
                    qmp_input_overflow(mon,
                                       "JSON nesting depth limit exceeded");
                }
                continue;
            }
        }
        if (mon->pending->len > MONITOR_QMP_MAX_VALUE_SIZE) {
            qmp_input_overflow(mon, "JSON token size limit exceeded");
        }
    }
}

/* --- Monitor lifecycle --- */

static void qmp_send_greeting(MonitorQMP *mon)
{
    g_autoptr(JsonObject) rsp = json_object_new();
    JsonObject *qmp = json_object_new();
    g_autoptr(JsonNode) version = NULL;
    Error *err = NULL;

    qmp_command_call("query-version", NULL, &version, &err);
    assert(!err && version);
    json_object_set_member(qmp, "version", g_steal_pointer(&version));
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    json_object_set_object_member(rsp, "QMP", qmp);
    qmp_send(mon, rsp);
}

MonitorQMP *monitor_qmp_new(MonitorOutputFn *out, void *opaque)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    monitor_init_sink(&mon->common, out, opaque);
    mon->pending = g_string_new(NULL);
    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(qmp_monitors, mon);
    return mon;
}

void monitor_qmp_open(MonitorQMP *mon)
{
    qmp_input_reset(mon);
    mon->negotiated = false;
    mon->open = true;
    trace_monitor_qmp_open(mon);
    qmp_send_greeting(mon);
}

void monitor_qmp_close(MonitorQMP *mon)
{
    qmp_input_reset(mon);
    mon->negotiated = false;
    mon->open = false;
    trace_monitor_qmp_close(mon);
}

bool monitor_qmp_negotiated(MonitorQMP *mon)
{
    return mon->negotiated;
}

Monitor *monitor_qmp_get_monitor(MonitorQMP *mon)
{
    return &mon->common;
}

void monitor_qmp_free(MonitorQMP *mon)
{
    if (!mon) {
        return;
    }
    assert(mon != qmp_cur_mon);
    g_ptr_array_remove(qmp_monitors, mon);
    if (!qmp_monitors->len) {
        g_ptr_array_unref(qmp_monitors);
        qmp_monitors = NULL;
    }
    g_string_free(mon->pending, TRUE);
    g_free(mon);
}

void monitor_qmp_broadcast(const char *json_line)
{
    guint sent = 0;

    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(qmp_monitors, i);

        if (mon->open && mon->negotiated) {
            monitor_puts(&mon->common, json_line);
            sent++;
        }
    }
    trace_monitor_qmp_broadcast(sent);
}
