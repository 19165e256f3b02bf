/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine base type: lookup by name, /machine and its containers. */

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include "trace.h"

MachineClass *machine_find_class(const char *name)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);

        if ((mc->name && !strcmp(mc->name, name)) ||
            !strcmp(object_class_get_name(l->data), name)) {
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_find_default_class(void)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        if (MACHINE_CLASS(l->data)->is_default) {
            found = MACHINE_CLASS(l->data);
        }
    }
    g_slist_free(list);
    return found;
}

void machine_help(GString *out)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);

    g_string_append(out, "Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);

        g_string_append_printf(out, "%-20s %s%s\n",
                               mc->name ? mc->name :
                               object_class_get_name(l->data),
                               mc->desc ? mc->desc : "",
                               mc->is_default ? " (default)" : "");
    }
    g_slist_free(list);
}

MachineState *machine_create(const char *name, Error **errp)
{
    MachineClass *mc = machine_find_class(name);
    Object *obj;

    if (!mc) {
        /* One line: operator errors never span several (-M help lists). */
        error_setg(errp, "unsupported machine type '%s'", name);
        return NULL;
    }
    if (qdev_get_machine()) {
        error_setg(errp, "A machine already exists");
        return NULL;
    }
    obj = object_new_with_class(OBJECT_CLASS(mc));
    object_property_add_child(object_get_root(), "machine", obj);
    object_unref(obj);
    container_get(obj, "peripheral");
    container_get(obj, "peripheral-anon");
    object_property_add_child(container_get(obj, "unattached"), "sysbus",
                              OBJECT(sysbus_get_default()));
    trace_machine_create(object_get_typename(obj));
    return MACHINE(obj);
}

void machine_run_init(MachineState *ms)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    trace_machine_init(object_get_typename(OBJECT(ms)), ms->ram_size);
    if (mc->init) {
        mc->init(ms);
    }
}

void qemu_devices_reset(void)
{
    qbus_cold_reset(sysbus_get_default());
}

void machine_reset(MachineState *ms)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    trace_machine_reset(object_get_typename(OBJECT(ms)));
    if (mc->reset) {
        mc->reset(ms);
    } else {
        qemu_devices_reset();
    }
}

void machine_destroy(MachineState *ms)
{
    object_unparent(OBJECT(ms));
}

void machine_class_set_props_n(MachineClass *mc, const Property *props,
                               size_t n)
{
    assert(n > 0);
    mc->props = props;
    mc->props_count = n;
}

/* Board properties: each machine class's own array, most derived first. */
static void machine_initfn(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    const Property *seen = NULL;

    ms->ram_size = MACHINE_GET_CLASS(ms)->default_ram_size;
    for (ObjectClass *oc = object_get_class(obj);
         oc && object_class_dynamic_cast(oc, TYPE_MACHINE);
         oc = object_class_get_parent(oc)) {
        const MachineClass *mc = MACHINE_CLASS(oc);

        if (!mc->props || mc->props == seen) {
            continue;
        }
        seen = mc->props;
        for (size_t i = 0; i < mc->props_count; i++) {
            qdev_property_add_static(obj, &mc->props[i]);
        }
    }
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_initfn,
    .abstract = true,
    .class_size = sizeof(MachineClass),
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}

type_init(machine_register_types)
