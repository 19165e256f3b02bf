/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run state and the GLib main loop that serves qtest, QMP and HMP. */

#include "qemu/osdep.h"
#include "system/runstate.h"
#include "trace.h"

static RunState current_state = RUN_STATE_PRELAUNCH;
static bool shutdown_requested;
static bool reset_requested;
static void (*system_reset_fn)(void *opaque);
static void *system_reset_opaque;

static const char *const runstate_names[] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INMIGRATE] = "inmigrate",
    [RUN_STATE_FINISH_MIGRATE] = "finish-migrate",
    [RUN_STATE_POSTMIGRATE] = "postmigrate",
};

RunState runstate_get(void)
{
    return current_state;
}

const char *runstate_str(RunState state)
{
    assert(state < G_N_ELEMENTS(runstate_names));
    return runstate_names[state];
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

void runstate_set(RunState state)
{
    if (state != current_state) {
        trace_runstate_set(runstate_str(current_state), runstate_str(state));
        current_state = state;
    }
}

void vm_start(void)
{
    runstate_set(RUN_STATE_RUNNING);
}

void vm_stop(void)
{
    if (current_state == RUN_STATE_RUNNING) {
        runstate_set(RUN_STATE_PAUSED);
    }
}

void qemu_system_shutdown_request(void)
{
    trace_qemu_system_shutdown_request();
    shutdown_requested = true;
    g_main_context_wakeup(NULL);
}

void qemu_system_reset_request(void)
{
    trace_qemu_system_reset_request();
    reset_requested = true;
    g_main_context_wakeup(NULL);
}

void qemu_register_system_reset(void (*fn)(void *opaque), void *opaque)
{
    system_reset_fn = fn;
    system_reset_opaque = opaque;
}

bool qemu_shutdown_requested(void)
{
    return shutdown_requested;
}

void qemu_main_loop(void)
{
    while (!shutdown_requested) {
        g_main_context_iteration(NULL, TRUE);
        if (reset_requested) {
            reset_requested = false;
            if (system_reset_fn) {
                system_reset_fn(system_reset_opaque);
            }
        }
    }
    runstate_set(RUN_STATE_SHUTDOWN);
}
