/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "none" machine: no PHB, no RAM unless -m asks for some (then plain
 * RAM at guest address 0), no hypercalls.  QEMU's generic qtests start
 * every binary with -machine none to introspect types and machines.
 */

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "trace.h"

#define TYPE_NULL_MACHINE MACHINE_TYPE_NAME("none")

typedef struct NullMachineState {
    MachineState parent_obj;

    MemoryRegion ram;
    bool has_ram;
} NullMachineState;

#define NULL_MACHINE(obj) OBJECT_CHECK(NullMachineState, (obj), \
                                       TYPE_NULL_MACHINE)

static void null_machine_init(MachineState *ms)
{
    NullMachineState *nms = NULL_MACHINE(ms);
    Error *err = NULL;

    if (!ms->ram_size) {
        return;
    }
    if (!memory_region_init_ram(&nms->ram, OBJECT(ms), "ram", ms->ram_size,
                                &err)) {
        error_prepend(&err, "-m: ");
        error_report_err(err);
        exit(1);
    }
    memory_region_add_subregion(get_system_memory(), 0, &nms->ram);
    nms->has_ram = true;
    trace_null_machine_ram(ms->ram_size);
}

static void null_machine_finalize(Object *obj)
{
    NullMachineState *nms = NULL_MACHINE(obj);

    if (!nms->has_ram) {
        return;
    }
    if (memory_region_is_mapped(&nms->ram)) {
        memory_region_del_subregion(get_system_memory(), &nms->ram);
    }
    memory_region_finalize(&nms->ram);
}

static void null_machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "none";
    mc->desc = "empty machine";
    mc->default_ram_size = 0;
    mc->init = null_machine_init;
}

static const TypeInfo null_machine_info = {
    .name = TYPE_NULL_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(NullMachineState),
    .instance_finalize = null_machine_finalize,
    .class_size = sizeof(MachineClass),
    .class_init = null_machine_class_init,
};

static void null_machine_register_types(void)
{
    type_register_static(&null_machine_info);
}

type_init(null_machine_register_types)
