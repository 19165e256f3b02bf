/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state of the machine and requests that the main loop acts on.
 *
 * Requests (shutdown, reset) are recorded and handled by the main loop on its
 * next iteration, never inside the caller: a QMP "quit" or "system_reset"
 * handler returns its reply first.  Single-threaded.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "qemu/osdep.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH,
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_INMIGRATE,        /* -incoming: waiting for / loading a stream */
    RUN_STATE_FINISH_MIGRATE,   /* source: stopped while the state is saved */
    RUN_STATE_POSTMIGRATE,      /* source: a migration completed */
} RunState;

RunState runstate_get(void);
/*
 * QEMU's names: "prelaunch", "running", "paused", "shutdown", "inmigrate",
 * "finish-migrate", "postmigrate".
 */
const char *runstate_str(RunState state);
bool runstate_is_running(void);
void runstate_set(RunState state);

/* Start or stop the (vCPU-less) machine: only the run state changes. */
void vm_start(void);
void vm_stop(void);

/* Ask the main loop to exit (quit, SIGTERM, qtest client gone). */
void qemu_system_shutdown_request(void);
/* Ask the main loop to reset the machine (system_reset). */
void qemu_system_reset_request(void);

/*
 * The reset handler the main loop calls for a reset request; the machine
 * registers it.  Called from the main loop only.
 */
void qemu_register_system_reset(void (*fn)(void *opaque), void *opaque);

/* Run the GLib main loop until a shutdown request; returns then. */
void qemu_main_loop(void);
/* True once a shutdown was requested. */
bool qemu_shutdown_requested(void);

#endif /* SYSTEM_RUNSTATE_H */
