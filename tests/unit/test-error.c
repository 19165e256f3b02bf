/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of util/error.c and util/trace-control.c. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/trace-control.h"

static void test_error_setg(void)
{
    Error *err = NULL;

    error_setg(&err, "bad value %d", 7);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "bad value 7");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    error_prepend(&err, "-device foo: ");
    g_assert_cmpstr(error_get_pretty(err), ==, "-device foo: bad value 7");
    error_free(err);
}

static void test_error_errno(void)
{
    Error *err = NULL;

    error_setg_errno(&err, ENOENT, "open %s", "/x");
    g_assert_cmpstr(error_get_pretty(err), ==, "open /x: No such file or directory");
    error_free(err);
}

static void test_error_propagate_keeps_first(void)
{
    Error *err = NULL;
    Error *second = NULL;

    error_setg(&err, "first");
    error_setg(&second, "second");
    error_propagate(&err, second);
    g_assert_cmpstr(error_get_pretty(err), ==, "first");
    error_free(err);
}

static void test_error_class(void)
{
    Error *err = NULL;

    error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND, "The command x has not been found");
    g_assert_cmpstr(error_class_name(error_get_class(err)), ==, "CommandNotFound");
    error_free(err);
}

static void test_trace_opt_errors(void)
{
    Error *err = NULL;

    g_assert_false(trace_opt_parse("no_such_event_*", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "-trace no_such_event_*: no trace event matches this pattern");
    error_free_or_abort(&err);
    g_assert_false(trace_opt_parse("events=/nonexistent/file", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "-trace events=/nonexistent/file: "));
    error_free_or_abort(&err);
    g_assert_false(trace_opt_parse("enable=", &err));
    error_free_or_abort(&err);
}

static void test_trace_enable_and_emit(void)
{
    TraceEvent *ev = trace_event_find("util_error_example");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    Error *err = NULL;

    g_assert_nonnull(ev);
    g_assert_false(ev->state);
    g_assert_true(trace_opt_parse("enable=util_error_ex*", &err));
    g_assert_true(ev->state);
    trace_set_output(out);
    trace_event_emit(ev, "code %d", 42);
    trace_set_output(NULL);
    fclose(out);
    g_assert_nonnull(strstr(buf, ":util_error_example code 42\n"));
    g_assert_cmpuint(trace_enable_events("-util_error_example", true), ==, 1);
    g_assert_false(ev->state);
    free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/setg", test_error_setg);
    g_test_add_func("/error/errno", test_error_errno);
    g_test_add_func("/error/propagate-keeps-first", test_error_propagate_keeps_first);
    g_test_add_func("/error/class", test_error_class);
    g_test_add_func("/trace/opt-errors", test_trace_opt_errors);
    g_test_add_func("/trace/enable-and-emit", test_trace_enable_and_emit);
    return g_test_run();
}
