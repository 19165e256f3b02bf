/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMP core: command registries, line parsing, help, the line-based monitor. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "monitor/hmp.h"
#include "monitor-internal.h"
#include "trace.h"

typedef struct HmpCommand {
    char *name;             /* as registered, aliases included: "quit|q" */
    char *params;
    char *help;
    HmpCommandFunc *fn;
} HmpCommand;

/* One table of commands: every alias -> entry, plus the owning list. */
typedef struct HmpTable {
    GHashTable *by_name;    /* alias -> HmpCommand * (borrowed) */
    GPtrArray *all;         /* HmpCommand *, owned */
} HmpTable;

static HmpTable hmp_commands;
static HmpTable hmp_info_commands;

struct MonitorHMP {
    Monitor common;
    bool open;
    GString *line;
    bool discarding;        /* an over-long line is being skipped */
};

static void hmp_tables_init(void)
{
    if (!hmp_commands.by_name) {
        hmp_commands.by_name = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                     g_free, NULL);
        hmp_commands.all = g_ptr_array_new();
        hmp_info_commands.by_name = g_hash_table_new_full(g_str_hash,
                                                          g_str_equal,
                                                          g_free, NULL);
        hmp_info_commands.all = g_ptr_array_new();
        hmp_register_builtin_commands();
    }
}

static void hmp_table_add(HmpTable *table, const char *kind,
                          const char *name, const char *params,
                          const char *help, HmpCommandFunc *fn)
{
    HmpCommand *cmd = g_new0(HmpCommand, 1);
    g_auto(GStrv) aliases = g_strsplit(name, "|", -1);

    cmd->name = g_strdup(name);
    cmd->params = g_strdup(params ? params : "");
    cmd->help = g_strdup(help ? help : "");
    cmd->fn = fn;
    for (char **a = aliases; *a; a++) {
        if (!**a || g_hash_table_contains(table->by_name, *a)) {
            g_error("HMP %s '%s' registered twice or empty", kind, *a);
        }
        g_hash_table_insert(table->by_name, g_strdup(*a), cmd);
    }
    g_ptr_array_add(table->all, cmd);
}

void hmp_register_command(const char *name, const char *params,
                          const char *help, HmpCommandFunc *fn)
{
    hmp_tables_init();
    hmp_table_add(&hmp_commands, "command", name, params, help, fn);
}

void hmp_register_info(const char *name, const char *params,
                       const char *help, HmpCommandFunc *fn)
{
    hmp_tables_init();
    hmp_table_add(&hmp_info_commands, "info command", name, params, help, fn);
}

static gint hmp_command_cmp(gconstpointer a, gconstpointer b)
{
    const HmpCommand *ca = *(HmpCommand * const *)a;
    const HmpCommand *cb = *(HmpCommand * const *)b;

    return strcmp(ca->name, cb->name);
}

static void hmp_help_one(Monitor *mon, const char *prefix,
                         const HmpCommand *cmd)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, cmd->name, cmd->params,
                   cmd->help);
}

/* Every entry of @table, sorted by name, "PREFIXNAME PARAMS -- HELP". */
static void hmp_help_table(Monitor *mon, const char *prefix, HmpTable *table)
{
    g_ptr_array_sort(table->all, hmp_command_cmp);
    for (guint i = 0; i < table->all->len; i++) {
        hmp_help_one(mon, prefix, g_ptr_array_index(table->all, i));
    }
}

/* Split "NAME REST" into NAME (returned, g_free it) and *rest. */
static char *hmp_split_word(const char *line, const char **rest)
{
    const char *p = line;
    const char *start;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    start = p;
    while (*p && !g_ascii_isspace(*p)) {
        p++;
    }
    *rest = p;
    while (g_ascii_isspace(**rest)) {
        (*rest)++;
    }
    return g_strndup(start, p - start);
}

/* "help [command]" / "? [command]" */
void hmp_help(Monitor *mon, const char *args)
{
    const char *rest;
    g_autofree char *name = hmp_split_word(args, &rest);
    HmpCommand *cmd;

    hmp_tables_init();
    if (!*name) {
        hmp_help_table(mon, "", &hmp_commands);
        return;
    }
    if (!strcmp(name, "info")) {
        g_autofree char *sub = hmp_split_word(rest, &rest);

        if (!*sub) {
            hmp_help_table(mon, "info ", &hmp_info_commands);
            return;
        }
        cmd = g_hash_table_lookup(hmp_info_commands.by_name, sub);
        if (!cmd) {
            monitor_printf(mon, "unknown command: 'info %s'\n", sub);
            return;
        }
        hmp_help_one(mon, "info ", cmd);
        return;
    }
    cmd = g_hash_table_lookup(hmp_commands.by_name, name);
    if (!cmd) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
        return;
    }
    hmp_help_one(mon, "", cmd);
}

/*
 * Run @cmd with @args; a command that takes no parameters refuses any
 * text after its name, with QEMU's message.
 */
static void hmp_run(Monitor *mon, HmpCommand *cmd, const char *args)
{
    if (!cmd->params[0] && *args) {
        monitor_printf(mon, "%.*s: extraneous characters at the end of line\n",
                       (int)strcspn(cmd->name, "|"), cmd->name);
        return;
    }
    cmd->fn(mon, args);
}

char *hmp_get_str(const char **p, Error **errp)
{
    const char *s = *p;
    g_autoptr(GString) out = g_string_new(NULL);

    while (g_ascii_isspace(*s)) {
        s++;
    }
    if (*s != '"') {
        while (*s && !g_ascii_isspace(*s)) {
            g_string_append_c(out, *s++);
        }
        *p = s;
        return g_string_free(g_steal_pointer(&out), FALSE);
    }
    for (s++; *s && *s != '"'; s++) {
        if (*s != '\\') {
            g_string_append_c(out, *s);
            continue;
        }
        switch (*++s) {
        case 'n':
            g_string_append_c(out, '\n');
            break;
        case 'r':
            g_string_append_c(out, '\r');
            break;
        case '\\':
        case '\'':
        case '"':
            g_string_append_c(out, *s);
            break;
        default:
            error_setg(errp, "unsupported escape code: '\\%c'", *s ? *s : ' ');
            return NULL;
        }
    }
    if (*s != '"') {
        error_setg(errp, "unterminated string");
        return NULL;
    }
    *p = s + 1;
    return g_string_free(g_steal_pointer(&out), FALSE);
}

bool hmp_check_end(Monitor *mon, const char *name, const char *rest)
{
    while (g_ascii_isspace(*rest)) {
        rest++;
    }
    if (*rest) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       name);
        return false;
    }
    return true;
}

/* "info [subcommand [args]]" */
void hmp_info(Monitor *mon, const char *args)
{
    const char *rest;
    g_autofree char *name = hmp_split_word(args, &rest);
    HmpCommand *cmd;

    hmp_tables_init();
    if (!*name) {
        hmp_help_table(mon, "info ", &hmp_info_commands);
        return;
    }
    cmd = g_hash_table_lookup(hmp_info_commands.by_name, name);
    if (!cmd) {
        g_autofree char *line = g_strdup_printf("info %s", name);

        trace_monitor_hmp_unknown(mon, line);
        monitor_printf(mon, "unknown command: '%s'\n", line);
        return;
    }
    trace_monitor_hmp_cmd(mon, cmd->name, rest);
    hmp_run(mon, cmd, rest);
}

void hmp_handle_line(Monitor *mon, const char *line)
{
    const char *rest;
    g_autofree char *name = hmp_split_word(line, &rest);
    g_autofree char *args = g_strchomp(g_strdup(rest));
    HmpCommand *cmd;

    hmp_tables_init();
    if (!*name) {
        return;
    }
    cmd = g_hash_table_lookup(hmp_commands.by_name, name);
    if (!cmd) {
        trace_monitor_hmp_unknown(mon, name);
        monitor_printf(mon, "unknown command: '%s'\n", name);
        return;
    }
    if (cmd->fn != hmp_info) {
        trace_monitor_hmp_cmd(mon, cmd->name, args);
    }
    hmp_run(mon, cmd, args);
}

void hmp_handle_error(Monitor *mon, Error *err)
{
    monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
    error_free(err);
}

/* --- The line-based monitor --- */

MonitorHMP *monitor_hmp_new(MonitorOutputFn *out, void *opaque)
{
    MonitorHMP *mon = g_new0(MonitorHMP, 1);

    monitor_init_sink(&mon->common, out, opaque);
    mon->line = g_string_new(NULL);
    return mon;
}

void monitor_hmp_open(MonitorHMP *mon)
{
    g_string_truncate(mon->line, 0);
    mon->discarding = false;
    mon->open = true;
    monitor_printf(&mon->common, "%s monitor - type 'help' for more "
                   "information\n", MONITOR_PACKAGE);
    monitor_puts(&mon->common, HMP_PROMPT);
}

void monitor_hmp_close(MonitorHMP *mon)
{
    g_string_truncate(mon->line, 0);
    mon->discarding = false;
    mon->open = false;
}

void monitor_hmp_feed(MonitorHMP *mon, const void *buf, size_t len)
{
    const char *p = buf;

    for (size_t i = 0; i < len && mon->open; i++) {
        if (p[i] != '\n') {
            if (mon->discarding) {
                continue;
            }
            if (mon->line->len >= HMP_MAX_LINE) {
                mon->discarding = true;
                g_string_truncate(mon->line, 0);
                continue;
            }
            g_string_append_c(mon->line, p[i]);
            continue;
        }
        if (mon->discarding) {
            mon->discarding = false;
            monitor_printf(&mon->common, "Error: command line longer than "
                           "%d bytes, discarded\n", HMP_MAX_LINE);
        } else {
            g_autofree char *line = NULL;

            if (mon->line->len && mon->line->str[mon->line->len - 1] == '\r') {
                g_string_truncate(mon->line, mon->line->len - 1);
            }
            /* A NUL byte ends the command: what follows is ignored. */
            line = g_strdup(mon->line->str);
            g_string_truncate(mon->line, 0);
            hmp_handle_line(&mon->common, line);
        }
        monitor_puts(&mon->common, HMP_PROMPT);
    }
}

Monitor *monitor_hmp_get_monitor(MonitorHMP *mon)
{
    return &mon->common;
}

void monitor_hmp_free(MonitorHMP *mon)
{
    if (!mon) {
        return;
    }
    g_string_free(mon->line, TRUE);
    g_free(mon);
}
