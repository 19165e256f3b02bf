/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server: the guest's side of the machine (memory
 * accesses, hypercalls, RTAS calls, the virtual clock) arrives as text lines.
 *
 * Protocol (QEMU's, see docs in system/qtest.c): one request per
 * newline-terminated line, words separated by single spaces, numbers in C
 * notation (decimal, 0x hex, 0 octal); one reply line per request, starting
 * with "OK", "FAIL" or "ERR".  Nothing a client sends can end the process:
 * malformed requests get FAIL/ERR replies and the server keeps going.
 *
 * Single-threaded: everything here runs on the GLib main loop.
 */
#ifndef SYSTEM_QTEST_H
#define SYSTEM_QTEST_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/*
 * An extension verb.  @words is the request split at spaces (words[0] is
 * the verb, NULL-terminated; the handler may modify the strings).  The
 * handler appends its reply to @reply (empty on entry) without the
 * trailing newline, e.g. "OK 0" or "FAIL reason".  It must validate every
 * word: the client is untrusted.
 */
typedef void QTestCommandFunc(gchar **words, GString *reply);

/*
 * Register @fn for requests whose first word is @verb (the machine adds
 * "rtas", the TCE code "hcall").  Registering a verb again replaces the
 * previous handler (a machine created twice in one test process).  Built-in
 * verbs take precedence over extensions.  @verb is copied.
 */
void qtest_register_command(const char *verb, QTestCommandFunc *fn);

/*
 * Start the qtest server on the chardev described by @spec (as -qtest takes
 * it: "unix:PATH" to connect to a listening client, the libqtest way;
 * "unix:PATH,server=on,wait=off"; "stdio").  @logfile: NULL logs to stderr
 * (QEMU's default), "none" disables the log, anything else is a file
 * truncated and written with "[R +secs] request" / "[S +secs] reply" lines.
 * Errors: a second server, the log file cannot be opened, chardev errors
 * (prefixed with "qtest: ").  Start-up context.
 */
bool qtest_server_init(const char *spec, const char *logfile, Error **errp);

/* Stop the server (if any): delete its chardev and close the log. */
void qtest_server_cleanup(void);

/* True once qtest_server_init() succeeded (and until cleanup). */
bool qtest_enabled(void);

/*
 * Handle one request @line (without its newline) and store the reply,
 * without its newline, in @reply (whose previous contents are dropped).
 * Works without a server, for unit tests and fuzzing.  Memory verbs use
 * address_space_memory, which must have been set up (memory_map_init()).
 */
void qtest_process_line(const char *line, GString *reply);

/*
 * The virtual clock the qtest client drives with clock_step / clock_set,
 * in nanoseconds; starts at 0 and only moves forward.
 */
int64_t qtest_clock_get_ns(void);

#endif /* SYSTEM_QTEST_H */
