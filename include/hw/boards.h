/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine base type.  A board (hw/ppc/spapr.c) subclasses TYPE_MACHINE
 * as "NAME-machine" (MACHINE_TYPE_NAME) and fills MachineClass.
 *
 * Start-up order for the integrator:
 *   ms = machine_create("pseries", &err);      -> /machine + containers
 *   object_set_props_from_str(OBJECT(ms), "a=b", &err);   (-M props)
 *   ms->ram_size = ...;                                  (-m)
 *   machine_run_init(ms);                      -> MachineClass.init
 *   qdev_device_add_from_str(...) for each -device
 *   qdev_hotplug = true;  machine_reset(ms);
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "hw/qdev-core.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(machinename) (machinename TYPE_MACHINE_SUFFIX)

OBJECT_DECLARE_TYPE(MachineState, MachineClass, MACHINE)

struct MachineClass {
    ObjectClass parent_class;

    const char *name;               /* "pseries", for -M */
    const char *desc;
    bool is_default;                /* picked when -M is absent */
    uint64_t default_ram_size;
    /* -M NAME,prop=val (own, not inherited): machine_class_set_props(). */
    const Property *props;
    size_t props_count;

    /* Build the board (RAM, buses, default devices); errors exit. */
    void (*init)(MachineState *ms);
    /* Machine reset; NULL: cold-reset every device on the system bus. */
    void (*reset)(MachineState *ms);
    /* Claim @dev for the machine's own hotplug handler, or return NULL. */
    HotplugHandler *(*get_hotplug_handler)(MachineState *ms,
                                           DeviceState *dev);
};

struct MachineState {
    Object parent_obj;

    uint64_t ram_size;              /* default_ram_size until -m */
    void *fdt;                      /* device tree blob, board-owned */
};

/*
 * Hand the static array @props (board properties, -M NAME,prop=value) to
 * @mc from class_init; the count comes from the array, as for
 * device_class_set_props().
 */
#define machine_class_set_props(mc, props) \
    machine_class_set_props_n((mc), (props), ARRAY_SIZE(props))
void machine_class_set_props_n(MachineClass *mc, const Property *props,
                               size_t n);

/* The concrete machine class whose name is @name (or whose type is). */
MachineClass *machine_find_class(const char *name);
/* The class with is_default, or NULL. */
MachineClass *machine_find_default_class(void);
/* `-M help`: "Supported machines are:" then "NAME  DESC[ (default)]". */
void machine_help(GString *out);

/*
 * Create the machine @name (a machine name or type name) as /machine with
 * the containers peripheral, peripheral-anon and unattached, and the main
 * system bus at /machine/unattached/sysbus.  The tree holds the machine.
 * Errors: "unsupported machine type 'X'" (with a -M help hint), a machine
 * already exists.
 */
MachineState *machine_create(const char *name, Error **errp);
/* Run MachineClass.init. */
void machine_run_init(MachineState *ms);
/* MachineClass.reset, or qemu_devices_reset() when the board has none. */
void machine_reset(MachineState *ms);
/* Cold-reset every device on the main system bus, recursively. */
void qemu_devices_reset(void);
/* Unparent /machine: every device is unrealized and freed (tests, exit). */
void machine_destroy(MachineState *ms);

#endif /* HW_BOARDS_H */
