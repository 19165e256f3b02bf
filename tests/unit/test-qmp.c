/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the QMP protocol core (monitor/qmp.c, monitor/qmp-cmds.c). */

#include "qemu/osdep.h"
#include <math.h>
#include "qapi/error.h"
#include "qemu/trace-control.h"
#include "chardev/char.h"
#include "system/runstate.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "monitor/hmp.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
    "\"minor\": 2, \"major\": 7}, \"package\": \"spapr-iommu 0.1.0\"}, " \
    "\"capabilities\": []}}\r\n"
#define RET_EMPTY "{\"return\": {}}\r\n"

typedef struct Client {
    MonitorQMP *mon;
    GString *out;
} Client;

static void client_out(void *opaque, const char *buf, size_t len)
{
    Client *c = opaque;

    g_string_append_len(c->out, buf, len);
}

static Client *client_new(void)
{
    Client *c = g_new0(Client, 1);

    c->out = g_string_new(NULL);
    c->mon = monitor_qmp_new(client_out, c);
    return c;
}

static void client_free(Client *c)
{
    monitor_qmp_free(c->mon);
    g_string_free(c->out, TRUE);
    g_free(c);
}

/* Everything written since the last call. */
static char *client_take(Client *c)
{
    char *s = g_strdup(c->out->str);

    g_string_truncate(c->out, 0);
    return s;
}

static void client_send(Client *c, const char *text)
{
    monitor_qmp_feed(c->mon, text, strlen(text));
}

/* Send @req and check the output is exactly @expected. */
static void check_reply(Client *c, const char *req, const char *expected)
{
    g_autofree char *out = NULL;

    client_send(c, req);
    out = client_take(c);
    g_assert_cmpstr(out, ==, expected);
}

/* A connected client past negotiation. */
static Client *client_ready(void)
{
    Client *c = client_new();
    g_autofree char *greeting = NULL;

    monitor_qmp_open(c->mon);
    greeting = client_take(c);
    g_assert_cmpstr(greeting, ==, GREETING);
    check_reply(c, "{\"execute\": \"qmp_capabilities\"}", RET_EMPTY);
    g_assert_true(monitor_qmp_negotiated(c->mon));
    return c;
}

/* A command that echoes its typed arguments, for the helper tests. */
static void test_cmd_echo(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "s", "i", "b", "os", "oi", "ob",
                                         NULL };
    const char *s, *os;
    int64_t i, oi;
    bool b, ob;
    g_autofree char *text = NULL;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "s", &s, errp) ||
        !qmp_arg_int(args, "i", &i, errp) ||
        !qmp_arg_bool(args, "b", &b, errp) ||
        !qmp_arg_opt_str(args, "os", "dflt", &os, errp) ||
        !qmp_arg_opt_int(args, "oi", -7, &oi, errp) ||
        !qmp_arg_opt_bool(args, "ob", true, &ob, errp)) {
        return;
    }
    text = g_strdup_printf("%s %" PRId64 " %d %s %" PRId64 " %d",
                           s, i, b, os, oi, ob);
    *ret = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(*ret, text);
}

static void test_cmd_fail(JsonObject *args, JsonNode **ret, Error **errp)
{
    error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device 'x' not found");
}

static void test_greeting(void)
{
    Client *c = client_new();
    g_autofree char *out = NULL;

    client_send(c, "{\"execute\": \"qmp_capabilities\"}");
    out = client_take(c);
    g_assert_cmpstr(out, ==, "");           /* closed: input ignored */
    monitor_qmp_open(c->mon);
    g_free(out);
    out = client_take(c);
    g_assert_cmpstr(out, ==, GREETING);
    g_assert_false(monitor_qmp_negotiated(c->mon));
    client_free(c);
}

static void test_negotiation(void)
{
    Client *c = client_new();
    g_autofree char *out = NULL;

    monitor_qmp_open(c->mon);
    out = client_take(c);
    check_reply(c, "{\"execute\": \"query-status\", \"id\": 1}",
                "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                "\"Expecting capabilities negotiation with "
                "'qmp_capabilities'\"}, \"id\": 1}\r\n");
    check_reply(c, "{\"execute\": \"no-such-command\"}",
                "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                "\"Expecting capabilities negotiation with "
                "'qmp_capabilities'\"}}\r\n");
    check_reply(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
                "{\"enable\": [\"oob\"]}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Capability 'oob' not available\"}}\r\n");
    check_reply(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
                "{\"enable\": \"oob\"}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'enable', expected: "
                "array\"}}\r\n");
    check_reply(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
                "{\"x\": 1}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'x' is unexpected\"}}\r\n");
    g_assert_false(monitor_qmp_negotiated(c->mon));
    check_reply(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
                "{\"enable\": []}}", RET_EMPTY);
    g_assert_true(monitor_qmp_negotiated(c->mon));
    check_reply(c, "{\"execute\": \"qmp_capabilities\"}",
                "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                "\"Capabilities negotiation is already complete, command "
                "ignored\"}}\r\n");
    check_reply(c, "{\"execute\": \"no-such-command\"}",
                "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                "\"The command no-such-command has not been found\"}}\r\n");

    /* A new connection negotiates again; partial input is forgotten. */
    client_send(c, "{\"execute\": ");
    monitor_qmp_close(c->mon);
    g_assert_false(monitor_qmp_negotiated(c->mon));
    monitor_qmp_open(c->mon);
    g_free(out);
    out = client_take(c);
    g_assert_cmpstr(out, ==, GREETING);
    check_reply(c, "{\"execute\": \"query-status\"}",
                "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                "\"Expecting capabilities negotiation with "
                "'qmp_capabilities'\"}}\r\n");
    client_free(c);
}

static void test_query_status(void)
{
    Client *c = client_ready();

    runstate_set(RUN_STATE_PRELAUNCH);
    check_reply(c, "{\"execute\": \"query-status\"}",
                "{\"return\": {\"status\": \"prelaunch\", \"running\": "
                "false}}\r\n");
    runstate_set(RUN_STATE_RUNNING);
    check_reply(c, "{\"execute\": \"query-status\"}",
                "{\"return\": {\"status\": \"running\", \"running\": "
                "true}}\r\n");
    check_reply(c, "{\"execute\": \"query-status\", \"arguments\": "
                "{\"verbose\": true}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'verbose' is unexpected\"}}\r\n");
    client_free(c);
}

/* Split "{...}\r\n{...}\r\n" output into parsed objects. */
static GPtrArray *parse_lines(const char *out)
{
    GPtrArray *nodes = g_ptr_array_new_with_free_func(
        (GDestroyNotify)json_node_unref);
    g_auto(GStrv) lines = g_strsplit(out, "\r\n", -1);

    for (char **l = lines; *l; l++) {
        g_autoptr(JsonParser) p = json_parser_new();

        if (!**l) {
            continue;
        }
        g_assert_true(json_parser_load_from_data(p, *l, -1, NULL));
        g_ptr_array_add(nodes, json_node_copy(json_parser_get_root(p)));
    }
    return nodes;
}

/* Check @node is an event named @name with a sane timestamp. */
static JsonObject *check_event(JsonNode *node, const char *name)
{
    JsonObject *ev = json_node_get_object(node);
    JsonObject *ts;
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;

    g_assert_cmpstr(json_object_get_string_member(ev, "event"), ==, name);
    ts = json_object_get_object_member(ev, "timestamp");
    g_assert_cmpint(json_object_get_int_member(ts, "seconds"), <=, now);
    g_assert_cmpint(json_object_get_int_member(ts, "seconds"), >=, now - 5);
    g_assert_cmpint(json_object_get_int_member(ts, "microseconds"), >=, 0);
    g_assert_cmpint(json_object_get_int_member(ts, "microseconds"), <,
                    1000000);
    return ev;
}

static void test_stop_cont(void)
{
    Client *c = client_ready();
    g_autofree char *out = NULL;
    g_autoptr(GPtrArray) nodes = NULL;

    runstate_set(RUN_STATE_RUNNING);
    client_send(c, "{\"execute\": \"stop\", \"id\": \"s\"}");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PAUSED);
    out = client_take(c);
    nodes = parse_lines(out);
    g_assert_cmpuint(nodes->len, ==, 2);
    g_assert_false(json_object_has_member(
        check_event(g_ptr_array_index(nodes, 0), "STOP"), "data"));
    g_assert_true(g_str_has_suffix(out, "{\"return\": {}, \"id\": \"s\"}\r\n"));

    /* Already stopped: no second STOP. */
    check_reply(c, "{\"execute\": \"stop\"}", RET_EMPTY);
    check_reply(c, "{\"execute\": \"query-status\"}",
                "{\"return\": {\"status\": \"paused\", \"running\": "
                "false}}\r\n");

    g_free(out);
    g_ptr_array_unref(nodes);
    client_send(c, "{\"execute\": \"cont\"}");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    out = client_take(c);
    nodes = parse_lines(out);
    g_assert_cmpuint(nodes->len, ==, 2);
    check_event(g_ptr_array_index(nodes, 0), "RESUME");
    g_assert_true(g_str_has_suffix(out, "}\r\n" RET_EMPTY));
    check_reply(c, "{\"execute\": \"cont\"}", RET_EMPTY);
    check_reply(c, "{\"execute\": \"stop\", \"arguments\": {\"now\": 1}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'now' is unexpected\"}}\r\n");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    client_free(c);
}

static void test_system_reset(void)
{
    Client *c = client_ready();
    char *trace = NULL;
    size_t trace_len = 0;
    FILE *f = open_memstream(&trace, &trace_len);

    trace_set_output(f);
    g_assert_cmpuint(trace_enable_events("qemu_system_reset_request", true),
                     ==, 1);
    check_reply(c, "{\"execute\": \"system_reset\"}", RET_EMPTY);
    trace_enable_events("qemu_system_reset_request", false);
    trace_set_output(NULL);
    fclose(f);
    g_assert_nonnull(strstr(trace, ":qemu_system_reset_request"));
    free(trace);
    client_free(c);
}

static void test_query_commands(void)
{
    Client *c = client_ready();

    check_reply(c, "{\"execute\": \"query-commands\"}",
                "{\"return\": [{\"name\": \"cont\"}, "
                "{\"name\": \"human-monitor-command\"}, "
                "{\"name\": \"qmp_capabilities\"}, "
                "{\"name\": \"query-commands\"}, {\"name\": \"query-name\"}, "
                "{\"name\": \"query-status\"}, "
                "{\"name\": \"query-version\"}, "
                "{\"name\": \"quit\"}, "
                "{\"name\": \"stop\"}, "
                "{\"name\": \"system_reset\"}, "
                "{\"name\": \"test-echo\"}, "
                "{\"name\": \"test-fail\"}, {\"name\": \"test-uint\"}, "
                "{\"name\": \"trace-event-get-state\"}, "
                "{\"name\": \"trace-event-set-state\"}]}\r\n");
    check_reply(c, "{\"execute\": \"query-version\"}",
                "{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
                "\"major\": 7}, \"package\": \"spapr-iommu 0.1.0\"}}\r\n");
    g_assert_true(qmp_command_exists("query-status"));
    g_assert_false(qmp_command_exists("device_add"));
    client_free(c);
}

static void test_human_monitor_command(void)
{
    Client *c = client_ready();

    runstate_set(RUN_STATE_RUNNING);
    check_reply(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                "{\"command-line\": \"info status\"}}",
                "{\"return\": \"VM status: running\\r\\n\"}\r\n");
    check_reply(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                "{\"command-line\": \"frobnicate 1\"}, \"id\": 9}",
                "{\"return\": \"unknown command: 'frobnicate'\\r\\n\", "
                "\"id\": 9}\r\n");
    check_reply(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                "{\"command-line\": \"\"}}", "{\"return\": \"\"}\r\n");
    check_reply(c, "{\"execute\": \"human-monitor-command\"}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'command-line' is missing\"}}\r\n");
    check_reply(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                "{\"command-line\": 7}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'command-line', expected: "
                "string\"}}\r\n");
    check_reply(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                "{\"command-line\": \"info status\", \"cpu-index\": 0}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'cpu-index' expects a CPU index: this machine "
                "has no vCPUs\"}}\r\n");
    /* HMP "stop" through QMP: the STOP event reaches this client too. */
    client_send(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                "{\"command-line\": \"stop\"}}");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PAUSED);
    {
        g_autofree char *out = client_take(c);
        g_autoptr(GPtrArray) nodes = parse_lines(out);

        g_assert_cmpuint(nodes->len, ==, 2);
        check_event(g_ptr_array_index(nodes, 0), "STOP");
        g_assert_true(g_str_has_suffix(out, "{\"return\": \"\"}\r\n"));
    }
    runstate_set(RUN_STATE_RUNNING);
    client_free(c);
}

static void test_id_echo(void)
{
    Client *c = client_ready();

    check_reply(c, "{\"id\": 42, \"execute\": \"cont\"}",
                "{\"return\": {}, \"id\": 42}\r\n");
    check_reply(c, "{\"execute\": \"cont\", \"id\": \"abc\"}",
                "{\"return\": {}, \"id\": \"abc\"}\r\n");
    check_reply(c, "{\"execute\": \"cont\", \"id\": {\"a\": [1, null]}}",
                "{\"return\": {}, \"id\": {\"a\": [1, null]}}\r\n");
    check_reply(c, "{\"execute\": \"test-fail\", \"id\": 1.5}",
                "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
                "\"Device 'x' not found\"}, \"id\": 1.5}\r\n");
    check_reply(c, "{\"execute\": 1, \"id\": false}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input member 'execute' must be a string\"}, "
                "\"id\": false}\r\n");
    client_free(c);
}

static void test_bad_input(void)
{
    Client *c = client_ready();
    g_autofree char *out = NULL;

    check_reply(c, "[1, 2]",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input must be a JSON object\"}}\r\n");
    check_reply(c, "42 ",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input must be a JSON object\"}}\r\n");
    check_reply(c, "\"execute\"",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input must be a JSON object\"}}\r\n");
    check_reply(c, "{\"arguments\": {}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input lacks member 'execute'\"}}\r\n");
    check_reply(c, "{\"execute\": \"cont\", \"argument\": {}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input member 'argument' is unexpected\"}}\r\n");
    check_reply(c, "{\"exec-oob\": \"cont\"}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input member 'exec-oob' is unexpected\"}}\r\n");
    check_reply(c, "{\"execute\": \"cont\", \"arguments\": [1]}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input member 'arguments' must be an object\"}}\r\n");
    check_reply(c, "{\"execute\": [\"cont\"]}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input member 'execute' must be a string\"}}\r\n");

    /* Syntax errors: QEMU's prefix and detail; the stream goes on. */
    client_send(c, "{\"execute\": }");
    out = client_take(c);
    g_assert_true(g_str_has_prefix(out, "{\"error\": {\"class\": "
                                   "\"GenericError\", \"desc\": "
                                   "\"JSON parse error, "));
    g_assert_true(g_str_has_suffix(out, "\"}}\r\n"));
    g_free(out);
    client_send(c, "{\"execute\": \"cont\",} tru }");
    out = client_take(c);
    {
        g_autoptr(GPtrArray) nodes = parse_lines(out);

        g_assert_cmpuint(nodes->len, ==, 3);
        for (guint i = 0; i < nodes->len; i++) {
            JsonObject *e = json_object_get_object_member(
                json_node_get_object(g_ptr_array_index(nodes, i)), "error");

            g_assert_true(g_str_has_prefix(
                json_object_get_string_member(e, "desc"),
                "JSON parse error, "));
        }
    }
    /* A brace closed by a bracket ends the value at once. */
    g_free(out);
    client_send(c, "{\"a\": ]");
    out = client_take(c);
    g_assert_true(g_str_has_prefix(out, "{\"error\": {\"class\": "
                                   "\"GenericError\", \"desc\": "
                                   "\"JSON parse error, "));
    /*
     * json-glib would cut a string at \u0000 and run "cont"; QEMU refuses
     * the request.  An escaped backslash before "u0000" is just text.
     */
    check_reply(c, "{\"execute\": \"cont\\u0000x\"}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"JSON parse error, \\\\u0000 is not supported\"}}\r\n");
    check_reply(c, "{'execute': 'cont', 'id': '\\u0000'}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"JSON parse error, \\\\u0000 is not supported\"}}\r\n");
    check_reply(c, "{\"execute\": \"cont\", \"id\": \"\\\\u0000\"}",
                "{\"return\": {}, \"id\": \"\\\\u0000\"}\r\n");
    /* Still alive. */
    check_reply(c, "\n\r\n  {\"execute\": \"cont\"}", RET_EMPTY);
    client_free(c);
}

static void test_arg_types(void)
{
    Client *c = client_ready();

    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": -3, \"b\": false}}",
                "{\"return\": \"x -3 0 dflt -7 1\"}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 9007199254740993, \"b\": true, "
                "\"os\": \"o\", \"oi\": 5, \"ob\": false}}",
                "{\"return\": \"x 9007199254740993 1 o 5 0\"}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"i\": 1, \"b\": true}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 's' is missing\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": 1, \"i\": 1, \"b\": true}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 's', expected: string\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1.0, \"b\": true}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'i', expected: integer\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1, \"b\": \"yes\"}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'b', expected: boolean\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'b' is missing\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1, \"b\": true, \"os\": null}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'os', expected: string\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1, \"b\": true, \"oi\": \"1\"}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'oi', expected: integer\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1, \"b\": true, \"ob\": 0}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'ob', expected: boolean\"}}\r\n");
    check_reply(c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"s\": \"x\", \"i\": 1, \"b\": true, \"zz\": 0}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'zz' is unexpected\"}}\r\n");
    client_free(c);
}

static void test_split_input(void)
{
    Client *c = client_ready();
    const char *req = "{\"execute\": \"test-echo\", \"id\": \"a}[\\\"\", "
                      "'arguments': {\"s\": \"{[}]\\\\\", \"i\": 12, "
                      "\"b\": true}}";
    g_autofree char *out = NULL;

    for (const char *p = req; *p; p++) {
        g_assert_cmpuint(c->out->len, ==, 0);
        monitor_qmp_feed(c->mon, p, 1);
    }
    out = client_take(c);
    g_assert_cmpstr(out, ==, "{\"return\": \"{[}]\\\\ 12 1 dflt -7 1\", "
                    "\"id\": \"a}[\\\"\"}\r\n");

    /* A scalar is complete only at its delimiter. */
    client_send(c, "12");
    g_assert_cmpuint(c->out->len, ==, 0);
    check_reply(c, "3\n",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input must be a JSON object\"}}\r\n");
    client_free(c);
}

static void test_concatenated_input(void)
{
    Client *c = client_ready();

    check_reply(c, "{\"execute\": \"cont\", \"id\": 1}{\"execute\": "
                "\"cont\", \"id\": 2}\n[]7{\"execute\": \"cont\", \"id\": 3}",
                "{\"return\": {}, \"id\": 1}\r\n"
                "{\"return\": {}, \"id\": 2}\r\n"
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input must be a JSON object\"}}\r\n"
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"QMP input must be a JSON object\"}}\r\n"
                "{\"return\": {}, \"id\": 3}\r\n");
    client_free(c);
}

static void test_oversized_input(void)
{
    Client *c = client_ready();
    size_t chunk = 1 << 20;
    g_autofree char *a = g_malloc(chunk);
    g_autofree char *out = NULL;

    memset(a, 'a', chunk);
    client_send(c, "{\"execute\": \"test-echo\", \"arguments\": {\"s\": \"");
    for (int i = 0; i < 17; i++) {
        monitor_qmp_feed(c->mon, a, chunk);
    }
    out = client_take(c);
    g_assert_cmpstr(out, ==, "{\"error\": {\"class\": \"GenericError\", "
                    "\"desc\": \"JSON token size limit exceeded\"}}\r\n");
    /* The rest of the value is skipped without replies, then all is well. */
    check_reply(c, "\", \"i\": 1, \"b\": true}}", "");
    check_reply(c, "{\"execute\": \"cont\"}", RET_EMPTY);
    client_free(c);
}

static void test_deep_nesting(void)
{
    Client *c = client_ready();
    GString *deep = g_string_new(NULL);
    g_autofree char *out = NULL;

    for (int i = 0; i < MONITOR_QMP_MAX_NESTING + 10; i++) {
        g_string_append(deep, "[");
    }
    client_send(c, deep->str);
    out = client_take(c);
    g_assert_cmpstr(out, ==, "{\"error\": {\"class\": \"GenericError\", "
                    "\"desc\": \"JSON nesting depth limit exceeded\"}}\r\n");
    g_string_assign(deep, "");
    for (int i = 0; i < MONITOR_QMP_MAX_NESTING + 10; i++) {
        g_string_append(deep, "]");
    }
    check_reply(c, deep->str, "");
    check_reply(c, "{\"execute\": \"cont\"}", RET_EMPTY);
    g_string_free(deep, TRUE);
    client_free(c);
}

static void test_events(void)
{
    Client *a = client_ready();
    Client *b = client_new();
    Client *closed = client_new();
    g_autofree char *out = NULL;
    g_autoptr(GPtrArray) nodes = NULL;
    JsonObject *data;
    JsonObject *ev;

    monitor_qmp_open(b->mon);
    g_free(client_take(b));

    data = json_object_new();
    json_object_set_string_member(data, "device", "vfio0");
    qapi_event_send("DEVICE_DELETED", data);

    /* b is connected but not negotiated, closed is not connected. */
    g_assert_cmpuint(b->out->len, ==, 0);
    g_assert_cmpuint(closed->out->len, ==, 0);
    out = client_take(a);
    nodes = parse_lines(out);
    g_assert_cmpuint(nodes->len, ==, 1);
    ev = check_event(g_ptr_array_index(nodes, 0), "DEVICE_DELETED");
    data = json_object_get_object_member(ev, "data");
    g_assert_cmpstr(json_object_get_string_member(data, "device"), ==,
                    "vfio0");
    g_assert_true(g_str_has_prefix(out, "{\"event\": \"DEVICE_DELETED\", "
                                   "\"data\": {\"device\": \"vfio0\"}, "
                                   "\"timestamp\": {\"seconds\": "));

    check_reply(b, "{\"execute\": \"qmp_capabilities\"}", RET_EMPTY);
    qapi_event_send("RESET", NULL);
    g_free(out);
    out = client_take(b);
    g_assert_true(g_str_has_prefix(out, "{\"event\": \"RESET\", "
                                   "\"timestamp\": {\"seconds\": "));
    g_free(out);
    out = client_take(a);
    g_assert_true(g_str_has_prefix(out, "{\"event\": \"RESET\", "));

    monitor_qmp_close(a->mon);
    qapi_event_send("RESET", NULL);
    g_assert_cmpuint(a->out->len, ==, 0);
    g_assert_cmpuint(b->out->len, >, 0);
    client_free(a);
    client_free(b);
    client_free(closed);
}

static void test_trace_commands(void)
{
    Client *c = client_ready();
    TraceEvent *ev = trace_event_find("monitor_qmp_broadcast");

    g_assert_nonnull(ev);
    check_reply(c, "{\"execute\": \"trace-event-set-state\", \"arguments\": "
                "{\"name\": \"monitor_qmp_broadcast\", \"enable\": true}}",
                RET_EMPTY);
    g_assert_true(ev->state);
    check_reply(c, "{\"execute\": \"trace-event-get-state\", \"arguments\": "
                "{\"name\": \"monitor_qmp_b*\"}}",
                "{\"return\": [{\"name\": \"monitor_qmp_broadcast\", "
                "\"state\": \"enabled\"}]}\r\n");
    check_reply(c, "{\"execute\": \"trace-event-set-state\", \"arguments\": "
                "{\"name\": \"monitor_qmp_b*\", \"enable\": false}}",
                RET_EMPTY);
    g_assert_false(ev->state);
    check_reply(c, "{\"execute\": \"trace-event-set-state\", \"arguments\": "
                "{\"name\": \"no_such_event\", \"enable\": false}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"unknown event \\\"no_such_event\\\"\"}}\r\n");
    check_reply(c, "{\"execute\": \"trace-event-get-state\", \"arguments\": "
                "{\"name\": \"no_such_*\"}}", "{\"return\": []}\r\n");
    client_free(c);
}

static void test_to_json(void)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autofree char *json = NULL;

    g_assert_true(json_parser_load_from_data(p,
        "{\"s\": \"q\\\" b\\\\ n\\n t\\t \\u0001 \\u00e9 \\ud83d\\ude00 /\", "
        "\"a\": [], \"o\": {}, \"n\": null, \"d\": -0.5, \"i\": -12, "
        "\"t\": true}", -1, NULL));
    json = qmp_to_json(json_parser_get_root(p));
    g_assert_cmpstr(json, ==,
        "{\"s\": \"q\\\" b\\\\ n\\n t\\t \\u0001 \\u00E9 \\uD83D\\uDE00 /\", "
        "\"a\": [], \"o\": {}, \"n\": null, \"d\": -0.5, \"i\": -12, "
        "\"t\": true}");
}

static void test_command_call(void)
{
    JsonNode *ret = NULL;
    Error *err = NULL;

    g_assert_false(qmp_command_call("nope", NULL, &ret, &err));
    g_assert_null(ret);
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_COMMAND_NOT_FOUND);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "The command nope has not been found");
    error_free_or_abort(&err);
    g_assert_false(qmp_command_call("qmp_capabilities", NULL, &ret, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "qmp_capabilities is only valid on a QMP monitor");
    error_free_or_abort(&err);
    g_assert_true(qmp_command_call("query-status", NULL, &ret, &err));
    g_assert_nonnull(ret);
    json_node_unref(ret);
}

static void test_register_twice(void)
{
    if (g_test_subprocess()) {
        qmp_register_command("cont", test_cmd_fail);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*QMP command 'cont' registered twice*");
}

/* A peer chardev collecting what the monitor sends. */
typedef struct Peer {
    GString *rx;
} Peer;

static void peer_read(void *opaque, const uint8_t *buf, size_t len)
{
    g_string_append_len(((Peer *)opaque)->rx, (const char *)buf, len);
}

static void peer_event(void *opaque, QEMUChrEvent event)
{
}

/* Run the main loop until @p received a line ending "\r\n" (5 s at most). */
static char *peer_wait_line(Peer *p)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    char *line;

    while (!g_str_has_suffix(p->rx->str, "\r\n") &&
           g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    line = g_strdup(p->rx->str);
    g_string_truncate(p->rx, 0);
    return line;
}

static void test_chardev(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-qmp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qmp.sock", NULL);
    g_autofree char *srv_spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                                path);
    g_autofree char *cli_spec = g_strdup_printf("unix:%s", path);
    Peer peer = { .rx = g_string_new(NULL) };
    Chardev *srv, *cli;
    Error *err = NULL;
    char *line;

    srv = qemu_chr_new("qmp", srv_spec, &error_abort);
    g_assert_true(monitor_init_qmp(srv, &error_abort));
    g_assert_false(monitor_init_qmp(srv, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "chardev 'qmp' already has a monitor");
    error_free_or_abort(&err);

    for (int round = 0; round < 2; round++) {
        cli = qemu_chr_new("cli", cli_spec, &error_abort);
        qemu_chr_set_handlers(cli, peer_read, peer_event, &peer);
        line = peer_wait_line(&peer);
        g_assert_cmpstr(line, ==, GREETING);
        g_free(line);
        g_assert_true(qemu_chr_write_all(cli, "{\"execute\": \"cont\"}", 19));
        line = peer_wait_line(&peer);
        g_assert_cmpstr(line, ==, "{\"error\": {\"class\": \"CommandNotFound\", "
                        "\"desc\": \"Expecting capabilities negotiation with "
                        "'qmp_capabilities'\"}}\r\n");
        g_free(line);
        g_assert_true(qemu_chr_write_all(cli, "{\"execute\": "
                                         "\"qmp_capabilities\"}\n", 32));
        line = peer_wait_line(&peer);
        g_assert_cmpstr(line, ==, RET_EMPTY);
        g_free(line);
        /*
         * The client leaves; the server accepts the next one only after
         * it saw the hang-up, and that one must negotiate again.
         */
        qemu_chr_delete(cli);
    }
    monitor_cleanup();
    qemu_chr_cleanup();
    rmdir(dir);
    g_string_free(peer.rx, TRUE);
}

static void test_quit(void)
{
    Client *c = client_ready();

    g_assert_false(qemu_shutdown_requested());
    check_reply(c, "{\"execute\": \"quit\", \"id\": \"q\"}",
                "{\"return\": {}, \"id\": \"q\"}\r\n");
    g_assert_true(qemu_shutdown_requested());
    client_free(c);
}

#define PARSE_ERROR(detail) \
    "{\"error\": {\"class\": \"GenericError\", \"desc\": " \
    "\"JSON parse error, " detail "\"}}\r\n"

/* The parser's errors, with QEMU's texts. */
static void test_json_parse_errors(void)
{
    Client *c = client_ready();

    check_reply(c, "{\"execute\": }", PARSE_ERROR("expecting value"));
    check_reply(c, "{'execute': 'query-name', 'execute': 'stop'}",
                PARSE_ERROR("duplicate key"));
    check_reply(c, "{\"execute\": tru}",
                PARSE_ERROR("invalid keyword 'tru'"));
    check_reply(c, "{1: 2}", PARSE_ERROR("key is not a string in object"));
    check_reply(c, "{'a' 2}", PARSE_ERROR("missing : in object pair"));
    check_reply(c, "{'a': 2 'b': 3}",
                PARSE_ERROR("expected separator in dict"));
    check_reply(c, "[1 2]", PARSE_ERROR("expected separator in list"));
    check_reply(c, "{'a': 01}", PARSE_ERROR("stray '01'"));
    check_reply(c, "{'a': '\\q'}",
                PARSE_ERROR("invalid escape sequence in string"));
    check_reply(c, "{'a': '\\udc00'}",
                PARSE_ERROR("invalid \\\\u escape (lone low surrogate) "
                            "in string"));
    /* A surrogate pair is one character, written back escaped. */
    check_reply(c, "{'execute': 'query-name', 'id': '\\ud83d\\ude00'}",
                "{\"return\": {}, \"id\": \"\\uD83D\\uDE00\"}\r\n");
    check_reply(c, "{\"execute\": \"query-name\"}", RET_EMPTY);
    client_free(c);
}

/*
 * A byte no token can hold is answered at once (QEMU's lexer), not when
 * the braces close, and input is skipped up to a point where a new value
 * can start.
 */
static void test_json_lexer_recovery(void)
{
    Client *c = client_ready();

    check_reply(c, "{\x01", PARSE_ERROR("stray '\\\\x01'"));
    check_reply(c, "{\"execute\": \"query-name\"}", RET_EMPTY);
    check_reply(c, "{\xff", PARSE_ERROR("stray '\\\\xFF'"));
    check_reply(c, "{\"execute\": \"query-name\"}", RET_EMPTY);
    check_reply(c, "{'bad \xff", PARSE_ERROR("stray '\\\\xFF'"));
    check_reply(c, "{\"execute\": \"query-name\"}", RET_EMPTY);
    /* A raw newline inside a string. */
    check_reply(c, "{'execute': 'nonexistent', 'id':'\n",
                PARSE_ERROR("stray '\\\\x0A'"));
    check_reply(c, "{\"execute\": \"query-name\"}", RET_EMPTY);
    check_reply(c, "%p", PARSE_ERROR("stray '%'"));
    check_reply(c, "{\"execute\": \"query-name\"}", RET_EMPTY);
    /* Recovery skips the rest of a word; "{" starts the next value. */
    check_reply(c, "{'a': \x01 junk junk {\"execute\": \"query-name\"}",
                PARSE_ERROR("stray '\\\\x01'") RET_EMPTY);
    client_free(c);
}

static void test_cmd_uint(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "u", "i", NULL };
    uint64_t u;
    int64_t i;
    JsonObject *out;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_uint(args, "u", &u, errp) ||
        !qmp_arg_opt_int(args, "i", 0, &i, errp)) {
        return;
    }
    out = json_object_new();
    qmp_object_set_uint_member(out, "u", u);
    json_object_set_int_member(out, "i", i);
    *ret = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
}

/* QEMU's number model: int64, uint64 above INT64_MAX, double. */
static void test_json_numbers(void)
{
    Client *c = client_ready();
    g_autoptr(JsonNode) inf = json_node_new(JSON_NODE_VALUE);
    g_autoptr(JsonNode) big = qmp_node_new_uint(UINT64_MAX);
    g_autoptr(JsonNode) small = qmp_node_new_uint(5);
    g_autofree char *inf_text = NULL;
    g_autofree char *big_text = NULL;
    uint64_t u;
    int64_t i;

    check_reply(c, "{'execute': 'test-uint', 'arguments': "
                "{'u': 18446744073709551615}, 'id': 9223372036854775808}",
                "{\"return\": {\"u\": 18446744073709551615, \"i\": 0}, "
                "\"id\": 9223372036854775808}\r\n");
    /* A negative value is its two's complement, as in QEMU. */
    check_reply(c, "{'execute': 'test-uint', 'arguments': {'u': -1}}",
                "{\"return\": {\"u\": 18446744073709551615, \"i\": 0}}"
                "\r\n");
    check_reply(c, "{'execute': 'test-uint', 'arguments': {'u': 1.5}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'u' expects uint64\"}}\r\n");
    check_reply(c, "{'execute': 'test-uint', 'arguments': {'u': 1, "
                "'i': 9223372036854775808}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 'i', expected: integer\"}}\r\n");
    /* A big unsigned value is an integer, never a string. */
    check_reply(c, "{'execute': 'test-echo', 'arguments': {'s': "
                "18446744073709551615, 'i': 1, 'b': true}}",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Invalid parameter type for 's', expected: string\"}}\r\n");
    check_reply(c, "{'execute': 'query-name', 'id': 18446744073709551616}",
                "{\"return\": {}, \"id\": 1.8446744073709552e+19}\r\n");
    check_reply(c, "{'execute': 'query-name', 'id': -1.5e-3}",
                "{\"return\": {}, \"id\": -0.0015}\r\n");
    check_reply(c, "{'execute': 'query-name', 'id': 1e400}",
                PARSE_ERROR("number '1e400' is out of range"));
    check_reply(c, "{'execute': 'query-name', 'id': -1e400}",
                PARSE_ERROR("number '-1e400' is out of range"));

    /* The C side. */
    big_text = qmp_to_json(big);
    g_assert_cmpstr(big_text, ==, "18446744073709551615");
    g_assert_cmpint(qmp_node_kind(big), ==, QMP_NODE_INT);
    g_assert_true(qmp_node_get_uint(big, &u));
    g_assert_cmphex(u, ==, UINT64_MAX);
    g_assert_false(qmp_node_get_int(big, &i));
    g_assert_true(qmp_node_get_int(small, &i));
    g_assert_cmpint(i, ==, 5);
    json_node_set_double(inf, INFINITY);
    inf_text = qmp_to_json(inf);
    g_assert_cmpstr(inf_text, ==, "null");
    client_free(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qmp_register_command("test-echo", test_cmd_echo);
    qmp_register_command("test-uint", test_cmd_uint);
    qmp_register_command("test-fail", test_cmd_fail);

    g_test_add_func("/qmp/greeting", test_greeting);
    g_test_add_func("/qmp/negotiation", test_negotiation);
    g_test_add_func("/qmp/query-status", test_query_status);
    g_test_add_func("/qmp/stop-cont", test_stop_cont);
    g_test_add_func("/qmp/system-reset", test_system_reset);
    g_test_add_func("/qmp/query-commands", test_query_commands);
    g_test_add_func("/qmp/human-monitor-command", test_human_monitor_command);
    g_test_add_func("/qmp/id-echo", test_id_echo);
    g_test_add_func("/qmp/input/bad", test_bad_input);
    g_test_add_func("/qmp/input/arg-types", test_arg_types);
    g_test_add_func("/qmp/input/split", test_split_input);
    g_test_add_func("/qmp/input/concatenated", test_concatenated_input);
    g_test_add_func("/qmp/input/oversized", test_oversized_input);
    g_test_add_func("/qmp/input/deep-nesting", test_deep_nesting);
    g_test_add_func("/qmp/events", test_events);
    g_test_add_func("/qmp/trace-event", test_trace_commands);
    g_test_add_func("/qmp/to-json", test_to_json);
    g_test_add_func("/qmp/command-call", test_command_call);
    g_test_add_func("/qmp/register-twice", test_register_twice);
    g_test_add_func("/qmp/chardev", test_chardev);
    g_test_add_func("/qmp/quit", test_quit);
    g_test_add_func("/qmp/json/parse-errors", test_json_parse_errors);
    g_test_add_func("/qmp/json/lexer-recovery", test_json_lexer_recovery);
    g_test_add_func("/qmp/json/numbers", test_json_numbers);
    return g_test_run();
}
