/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of HMP (monitor/hmp.c, monitor/hmp-cmds.c). */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/trace-control.h"
#include "chardev/char.h"
#include "system/runstate.h"
#include "monitor/monitor.h"
#include "monitor/hmp.h"

/* Run @line on a GString monitor; returns the output (g_free it). */
static char *hmp(const char *line)
{
    GString *out = g_string_new(NULL);
    Monitor *mon = monitor_new_gstring(out);

    hmp_handle_line(mon, line);
    monitor_free(mon);
    return g_string_free(out, FALSE);
}

static void check_hmp(const char *line, const char *expected)
{
    g_autofree char *out = hmp(line);

    g_assert_cmpstr(out, ==, expected);
}

static char *last_args;

/* A component's command: echoes its arguments. */
static void test_cmd_echo(Monitor *mon, const char *args)
{
    g_free(last_args);
    last_args = g_strdup(args);
    monitor_printf(mon, "echo [%s]\n", args);
}

static void test_info_widgets(Monitor *mon, const char *args)
{
    monitor_printf(mon, "widgets: %d%s%s\n", 2, *args ? " filter " : "",
                   args);
}

#define HELP_ALL \
    "cont|c  -- resume the machine\r\n" \
    "echo|e [text] -- echo the arguments\r\n" \
    "help|? [cmd] -- list the commands, or describe one\r\n" \
    "info [subcommand] -- show information about the machine; without " \
    "a subcommand, list them\r\n" \
    "quit|q  -- ask the main loop to exit\r\n" \
    "stop|s  -- pause the machine\r\n" \
    "system_reset  -- ask the main loop to reset the machine\r\n" \
    "trace-event name on|off -- enable or disable the trace events " \
    "matching name\r\n"

#define HELP_INFO \
    "info status  -- show the run state of the machine (running|paused)\r\n" \
    "info trace-events [name] -- list trace events (matching name) with " \
    "state 0 or 1\r\n" \
    "info version  -- show the QEMU version followed and the package\r\n" \
    "info widgets [filter] -- count the widgets\r\n"

static void test_help(void)
{
    check_hmp("help", HELP_ALL);
    check_hmp("?", HELP_ALL);
    check_hmp("help stop", "stop|s  -- pause the machine\r\n");
    check_hmp("help s", "stop|s  -- pause the machine\r\n");
    check_hmp("help info", HELP_INFO);
    check_hmp("help info status", "info status  -- show the run state of the "
              "machine (running|paused)\r\n");
    check_hmp("help info nope", "unknown command: 'info nope'\r\n");
    check_hmp("help nope", "unknown command: 'nope'\r\n");
}

static void test_info(void)
{
    check_hmp("info", HELP_INFO);
    check_hmp("info widgets", "widgets: 2\r\n");
    check_hmp("  info   widgets   big  ones  ",
              "widgets: 2 filter big  ones\r\n");
    check_hmp("info nope", "unknown command: 'info nope'\r\n");
    check_hmp("info version", "7.2.0 (spapr-iommu 0.1.0)\r\n");
}

static void test_info_status(void)
{
    runstate_set(RUN_STATE_RUNNING);
    check_hmp("info status", "VM status: running\r\n");
    runstate_set(RUN_STATE_PAUSED);
    check_hmp("info status", "VM status: paused\r\n");
    runstate_set(RUN_STATE_PRELAUNCH);
    check_hmp("info status", "VM status: paused (prelaunch)\r\n");
}

static void test_unknown(void)
{
    check_hmp("frobnicate", "unknown command: 'frobnicate'\r\n");
    check_hmp("frobnicate now please", "unknown command: 'frobnicate'\r\n");
    check_hmp("", "");
    check_hmp("   \t ", "");
}

static void test_component_command(void)
{
    check_hmp("echo  a b  ", "echo [a b]\r\n");
    g_assert_cmpstr(last_args, ==, "a b");
    check_hmp("e", "echo []\r\n");
    g_assert_cmpstr(last_args, ==, "");
    check_hmp("echo\tx\ny", "echo [x\r\ny]\r\n");
    g_clear_pointer(&last_args, g_free);
}

static void test_stop_cont_reset(void)
{
    char *trace = NULL;
    size_t trace_len = 0;
    FILE *f;

    runstate_set(RUN_STATE_RUNNING);
    check_hmp("stop", "");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PAUSED);
    check_hmp("c", "");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    check_hmp("s", "");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PAUSED);
    check_hmp("cont", "");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    check_hmp("stop now", "stop: extraneous characters at the end of line\r\n");
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);

    f = open_memstream(&trace, &trace_len);
    trace_set_output(f);
    trace_enable_events("qemu_system_reset_request", true);
    check_hmp("system_reset", "");
    trace_enable_events("qemu_system_reset_request", false);
    trace_set_output(NULL);
    fclose(f);
    g_assert_nonnull(strstr(trace, ":qemu_system_reset_request"));
    free(trace);
}

static void test_trace_event(void)
{
    TraceEvent *cmd = trace_event_find("monitor_hmp_cmd");
    TraceEvent *unknown = trace_event_find("monitor_hmp_unknown");

    g_assert_nonnull(cmd);
    g_assert_nonnull(unknown);
    g_assert_false(cmd->state);
    check_hmp("info trace-events monitor_hmp_*",
              "monitor_hmp_cmd : state 0\r\nmonitor_hmp_unknown : state 0\r\n");
    check_hmp("trace-event monitor_hmp_unknown on", "");
    g_assert_true(unknown->state);
    check_hmp("info trace-events monitor_hmp_*",
              "monitor_hmp_cmd : state 0\r\nmonitor_hmp_unknown : state 1\r\n");
    check_hmp("trace-event monitor_hmp_* off", "");
    g_assert_false(unknown->state);
    check_hmp("trace-event no_such_event on",
              "Error: unknown event \"no_such_event\"\r\n");
    check_hmp("trace-event no_such_* on", "");
    check_hmp("trace-event monitor_hmp_cmd maybe", "Expected 'on' or 'off'\r\n");
    check_hmp("trace-event monitor_hmp_cmd",
              "trace-event: expected NAME on|off\r\n");
    check_hmp("trace-event a on b",
              "trace-event: extraneous characters at the end of line\r\n");
    g_assert_false(cmd->state);

    /* Unfiltered: every registered event, sorted, this file's included. */
    {
        g_autofree char *all = hmp("info trace-events");

        g_assert_nonnull(strstr(all, "\r\nmonitor_hmp_cmd : state 0\r\n"
                                "monitor_hmp_unknown : state 0\r\n"));
        g_assert_nonnull(strstr(all, "qemu_system_reset_request : state 0"));
    }
}

typedef struct Term {
    MonitorHMP *mon;
    GString *out;
} Term;

static void term_out(void *opaque, const char *buf, size_t len)
{
    g_string_append_len(((Term *)opaque)->out, buf, len);
}

static void term_feed(Term *t, const char *text)
{
    monitor_hmp_feed(t->mon, text, strlen(text));
}

static void check_term(Term *t, const char *expected)
{
    g_assert_cmpstr(t->out->str, ==, expected);
    g_string_truncate(t->out, 0);
}

static void test_line_monitor(void)
{
    Term t = { .out = g_string_new(NULL) };
    g_autofree char *longline = g_strnfill(HMP_MAX_LINE + 10, 'x');

    t.mon = monitor_hmp_new(term_out, &t);
    term_feed(&t, "echo ignored\n");
    check_term(&t, "");
    monitor_hmp_open(t.mon);
    check_term(&t, "spapr-iommu 0.1.0 monitor - type 'help' for more "
               "information\r\n(qemu) ");
    term_feed(&t, "ec");
    term_feed(&t, "ho 1");
    check_term(&t, "");
    term_feed(&t, "\r\n");
    check_term(&t, "echo [1]\r\n(qemu) ");
    term_feed(&t, "echo 2\necho 3\n\nnope\n");
    check_term(&t, "echo [2]\r\n(qemu) echo [3]\r\n(qemu) (qemu) "
               "unknown command: 'nope'\r\n(qemu) ");
    term_feed(&t, longline);
    term_feed(&t, "\necho 4\n");
    check_term(&t, "Error: command line longer than 4096 bytes, "
               "discarded\r\n(qemu) echo [4]\r\n(qemu) ");
    term_feed(&t, "echo partial");
    monitor_hmp_close(t.mon);
    monitor_hmp_open(t.mon);
    g_string_truncate(t.out, 0);
    term_feed(&t, "\n");
    check_term(&t, "(qemu) ");
    g_assert_true(monitor_hmp_get_monitor(t.mon) != NULL);
    monitor_hmp_free(t.mon);
    g_string_free(t.out, TRUE);
}

static void test_register_twice(void)
{
    if (g_test_subprocess()) {
        hmp_register_info("status", "", "again", test_info_widgets);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*HMP info command 'status' registered twice*");
}

static void peer_read(void *opaque, const uint8_t *buf, size_t len)
{
    g_string_append_len(opaque, (const char *)buf, len);
}

static void peer_event(void *opaque, QEMUChrEvent event)
{
}

/* Run the main loop until @rx ends with the prompt (5 s at most). */
static char *peer_wait_prompt(GString *rx)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    char *out;

    while (!g_str_has_suffix(rx->str, HMP_PROMPT) &&
           g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    out = g_strdup(rx->str);
    g_string_truncate(rx, 0);
    return out;
}

static void test_chardev(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-hmp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "hmp.sock", NULL);
    g_autofree char *srv_spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                                path);
    g_autofree char *cli_spec = g_strdup_printf("unix:%s", path);
    g_autoptr(GString) rx = g_string_new(NULL);
    g_autofree char *banner = NULL;
    g_autofree char *out = NULL;
    Chardev *srv, *cli;

    srv = qemu_chr_new("hmp", srv_spec, &error_abort);
    g_assert_true(monitor_init_hmp(srv, &error_abort));
    cli = qemu_chr_new("cli", cli_spec, &error_abort);
    qemu_chr_set_handlers(cli, peer_read, peer_event, rx);
    banner = peer_wait_prompt(rx);
    g_assert_cmpstr(banner, ==, "spapr-iommu 0.1.0 monitor - type 'help' "
                    "for more information\r\n(qemu) ");
    g_assert_true(qemu_chr_write_all(cli, "echo hi\r\n", 9));
    out = peer_wait_prompt(rx);
    g_assert_cmpstr(out, ==, "echo [hi]\r\n(qemu) ");
    qemu_chr_delete(cli);
    monitor_cleanup();
    qemu_chr_cleanup();
    rmdir(dir);
}

static void test_quit(void)
{
    g_assert_false(qemu_shutdown_requested());
    check_hmp("q", "");
    g_assert_true(qemu_shutdown_requested());
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* As a component's init code would. */
    hmp_register_command("echo|e", "[text]", "echo the arguments",
                         test_cmd_echo);
    hmp_register_info("widgets", "[filter]", "count the widgets",
                      test_info_widgets);

    g_test_add_func("/hmp/help", test_help);
    g_test_add_func("/hmp/info", test_info);
    g_test_add_func("/hmp/info-status", test_info_status);
    g_test_add_func("/hmp/unknown", test_unknown);
    g_test_add_func("/hmp/component-command", test_component_command);
    g_test_add_func("/hmp/stop-cont-reset", test_stop_cont_reset);
    g_test_add_func("/hmp/trace-event", test_trace_event);
    g_test_add_func("/hmp/line-monitor", test_line_monitor);
    g_test_add_func("/hmp/register-twice", test_register_twice);
    g_test_add_func("/hmp/chardev", test_chardev);
    g_test_add_func("/hmp/quit", test_quit);
    return g_test_run();
}
