/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events: the registry of generated events, -trace parsing, output. */

#include "qemu/osdep.h"
#include <sys/time.h>
#include "qapi/error.h"
#include "qemu/trace-control.h"

/* name -> TraceEvent *; filled by constructors before main() runs. */
static GHashTable *trace_events;
static FILE *trace_out;

void trace_event_register_group(TraceEvent **events)
{
    if (!trace_events) {
        trace_events = g_hash_table_new(g_str_hash, g_str_equal);
    }
    for (; *events; events++) {
        g_hash_table_insert(trace_events, (gpointer)(*events)->name, *events);
    }
}

void trace_set_output(FILE *out)
{
    trace_out = out;
}

void trace_event_emit(const TraceEvent *ev, const char *fmt, ...)
{
    FILE *out = trace_out ? trace_out : stderr;
    struct timeval tv;
    va_list ap;
    g_autofree char *args = NULL;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gettimeofday(&tv, NULL);
    fprintf(out, "%d@%ld.%06ld:%s %s\n", (int)getpid(), (long)tv.tv_sec,
            (long)tv.tv_usec, ev->name, args);
    fflush(out);
}

TraceEvent *trace_event_find(const char *name)
{
    return trace_events ? g_hash_table_lookup(trace_events, name) : NULL;
}

unsigned trace_enable_events(const char *pattern, bool state)
{
    GHashTableIter iter;
    gpointer value;
    unsigned matched = 0;

    if (pattern[0] == '-') {
        pattern++;
        state = !state;
    }
    if (!trace_events) {
        return 0;
    }
    g_hash_table_iter_init(&iter, trace_events);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        TraceEvent *ev = value;

        if (g_pattern_match_simple(pattern, ev->name)) {
            ev->state = state;
            matched++;
        }
    }
    return matched;
}

static bool trace_enable_pattern(const char *pattern, Error **errp)
{
    if (!trace_enable_events(pattern, true)) {
        error_setg(errp, "-trace %s: no trace event matches this pattern",
                   pattern);
        return false;
    }
    return true;
}

static bool trace_events_file(const char *path, Error **errp)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(path, &contents, NULL, &gerr)) {
        error_setg(errp, "-trace events=%s: %s", path, gerr->message);
        return false;
    }
    lines = g_strsplit(contents, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = g_strstrip(*l);

        if (!*line || line[0] == '#') {
            continue;
        }
        if (!trace_enable_pattern(line, errp)) {
            error_prepend(errp, "%s: ", path);
            return false;
        }
    }
    return true;
}

bool trace_opt_parse(const char *optarg, Error **errp)
{
    if (g_str_has_prefix(optarg, "events=")) {
        return trace_events_file(optarg + strlen("events="), errp);
    }
    if (g_str_has_prefix(optarg, "enable=")) {
        optarg += strlen("enable=");
    }
    if (!*optarg || strchr(optarg, ',') || strchr(optarg, '=')) {
        error_setg(errp, "-trace %s: expected PATTERN, enable=PATTERN or "
                   "events=FILE", optarg);
        return false;
    }
    return trace_enable_pattern(optarg, errp);
}

static gint trace_event_cmp(gconstpointer a, gconstpointer b)
{
    const TraceEvent *ea = *(TraceEvent * const *)a;
    const TraceEvent *eb = *(TraceEvent * const *)b;

    return strcmp(ea->name, eb->name);
}

void trace_event_foreach(void (*fn)(const TraceEvent *ev, void *opaque),
                         void *opaque)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    if (!trace_events) {
        return;
    }
    g_hash_table_iter_init(&iter, trace_events);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_ptr_array_add(sorted, value);
    }
    g_ptr_array_sort(sorted, trace_event_cmp);
    for (guint i = 0; i < sorted->len; i++) {
        fn(g_ptr_array_index(sorted, i), opaque);
    }
}
