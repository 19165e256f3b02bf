/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace events: run-time control and output.
 *
 * Events are declared in each folder's trace-events file; scripts/tracetool.py
 * turns them into inline trace_<name>() functions that test a per-event flag
 * and call trace_event_emit() when it is set.  Output goes to stderr as
 * "<pid>@<seconds>.<microseconds>:<event> <formatted arguments>", one line
 * per event.  Single-threaded (Decision 9 of docs/devel/architecture.md):
 * no locking.
 */
#ifndef QEMU_TRACE_CONTROL_H
#define QEMU_TRACE_CONTROL_H

#include "qemu/osdep.h"

typedef struct Error Error;

typedef struct TraceEvent {
    const char *name;
    bool state;
} TraceEvent;

/* Called by generated code at start-up; @events is NULL-terminated. */
void trace_event_register_group(TraceEvent **events);

/* Print one event line; called by the generated trace_<name>() helpers. */
void trace_event_emit(const TraceEvent *ev, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Look an event up by exact name; NULL if there is none. */
TraceEvent *trace_event_find(const char *name);

/*
 * Enable or disable every event whose name matches @pattern (a glob with
 * '*' and '?'; a leading '-' inverts @state).  Returns the number of events
 * that matched.
 */
unsigned trace_enable_events(const char *pattern, bool state);

/*
 * Handle one -trace option: "PATTERN", "enable=PATTERN" or "events=FILE"
 * (a file of patterns, one per line, '#' comments).  A pattern that matches
 * no event, or an unreadable file, is an error.
 */
bool trace_opt_parse(const char *optarg, Error **errp);

/* Call @fn for every registered event, sorted by name. */
void trace_event_foreach(void (*fn)(const TraceEvent *ev, void *opaque),
                         void *opaque);

/* Redirect trace output (default stderr); for tests. */
void trace_set_output(FILE *out);

#endif /* QEMU_TRACE_CONTROL_H */
