/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP: the human monitor.  One command per line, "(qemu) " prompt, text
 * output.  Commands are thin wrappers: where a QMP command exists, the HMP
 * command calls it (qmp_command_call()) and formats its result.
 *
 * Texts follow QEMU: "unknown command: 'foo'", "unknown command: 'info foo'",
 * "help" lines "NAME PARAMS -- HELP", errors "Error: MESSAGE".
 */
#ifndef MONITOR_HMP_H
#define MONITOR_HMP_H

#include "qemu/osdep.h"
#include "monitor/monitor.h"

typedef struct Error Error;

/*
 * A command implementation.  @args is the rest of the line after the
 * command name (for "info X", after X), leading and trailing blanks
 * removed; "" when there is none.  Writes its output to @mon.
 */
typedef void HmpCommandFunc(Monitor *mon, const char *args);

/*
 * Register a top-level command or an "info" subcommand.  @name may list
 * aliases as QEMU does, "quit|q"; the first is the name shown by "help".
 * @params and @help are shown by "help" ("NAME PARAMS -- HELP").  May be
 * called from any component's init code, before or after the monitors
 * start.  Registering a name twice aborts (a programming error).  Strings
 * are copied.
 */
void hmp_register_command(const char *name, const char *params,
                          const char *help, HmpCommandFunc *fn);
void hmp_register_info(const char *name, const char *params,
                       const char *help, HmpCommandFunc *fn);

/*
 * Run one command line on @mon (no prompt is printed).  Empty lines do
 * nothing.  Used by the HMP monitor, human-monitor-command and tests.
 */
void hmp_handle_line(Monitor *mon, const char *line);

/*
 * Argument helpers with QEMU's HMP rules.  hmp_get_str() reads one
 * argument at *@p (leading blanks skipped): a word up to the next blank,
 * or a double-quoted string with the escapes \n \r \\ \' \"
 * ("unterminated string", "unsupported escape code: '\X'").  It moves *@p
 * past it and returns it (g_free it), or NULL with @errp set.
 * hmp_check_end() prints "NAME: extraneous characters at the end of line"
 * and returns false when anything but blanks is left in @rest.
 *
 * A command registered with empty @params gets that check before it runs.
 */
char *hmp_get_str(const char **p, Error **errp);
bool hmp_check_end(Monitor *mon, const char *name, const char *rest);

/* Print "Error: MESSAGE\n" on @mon and free @err. */
void hmp_handle_error(Monitor *mon, Error *err);

/* The prompt printed after the banner and after every line. */
#define HMP_PROMPT "(qemu) "
/* Longest command line accepted; longer lines are discarded with an error. */
#define HMP_MAX_LINE 4096

/* The byte-level HMP core, as for QMP (see monitor_qmp_new()). */
typedef struct MonitorHMP MonitorHMP;

MonitorHMP *monitor_hmp_new(MonitorOutputFn *out, void *opaque);
/* A client connected: print the banner and the prompt. */
void monitor_hmp_open(MonitorHMP *mon);
/* The client left: forget a partial line. */
void monitor_hmp_close(MonitorHMP *mon);
/*
 * Feed input bytes; each complete line ("\n", an optional "\r" before it is
 * dropped) is run, then the prompt is printed.  Ignored while closed.
 */
void monitor_hmp_feed(MonitorHMP *mon, const void *buf, size_t len);
Monitor *monitor_hmp_get_monitor(MonitorHMP *mon);
void monitor_hmp_free(MonitorHMP *mon);

#endif /* MONITOR_HMP_H */
