/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up steps behind the command line (system/vl.c), in the order
 * system/main.c calls them.  Functions taking errp report operator mistakes
 * (the caller prints them and exits 1); they never exit themselves, except
 * the *_and_exit helpers for "help" requests.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "qemu/osdep.h"

typedef struct Error Error;

/* "-device help" / "-device TYPE,help": print and exit 0; else return. */
void system_device_help_and_exit(const char *opts);
/* "-M help": print the machines and exit 0; else return. */
void system_machine_help_and_exit(const char *opts);

/* "-object help" / "-object TYPE,help": print and exit 0; else return. */
void system_object_help_and_exit(const char *opts);
/* -object TYPE,id=ID[,prop=value...]: a user-creatable object. */
bool system_object_add(const char *opts, Error **errp);

/* -global DRIVER.PROP=VALUE. */
bool system_add_global(const char *spec, Error **errp);

/*
 * Create and initialise the machine from "-M NAME[,prop=value...]" and -m
 * (@ram_size 0: the machine's default).
 */
bool system_create_machine(const char *opts, uint64_t ram_size, Error **errp);

/* -device TYPE[,prop=value...] (cold plug). */
bool system_device_add(const char *opts, Error **errp);

/* Register the monitor commands of every component (QMP and HMP). */
void system_monitor_init(void);

/*
 * End of start-up: devices added from now on are hot-plugged; first machine
 * reset.  With -M pseries,dumpdtb=FILE the device tree is written and the
 * process exits 0 here.
 */
bool system_machine_done(Error **errp);

/* Tear everything down (exit path), so that sanitizers report real leaks. */
void system_cleanup(void);

#endif /* SYSTEM_SYSTEM_H */
