/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device lifecycle: creation, realize/unrealize, reset, unparent. */

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/boards.h"
#include "trace.h"

bool qdev_hotplug;

static void (*device_deleted_notifier)(DeviceState *dev, const char *path);

void qdev_set_device_deleted_notifier(void (*fn)(DeviceState *dev,
                                                 const char *path))
{
    device_deleted_notifier = fn;
}

static const char *dev_id(DeviceState *dev)
{
    return dev->id ? dev->id : "";
}

DeviceState *qdev_new(const char *name)
{
    return DEVICE(object_new(name));
}

Object *qdev_get_machine(void)
{
    return object_resolve_path_component(object_get_root(), "machine");
}

HotplugHandler *qdev_get_hotplug_handler(DeviceState *dev)
{
    Object *machine = qdev_get_machine();
    HotplugHandler *handler = NULL;

    if (machine) {
        MachineClass *mc = MACHINE_GET_CLASS(machine);

        if (mc->get_hotplug_handler) {
            handler = mc->get_hotplug_handler(MACHINE(machine), dev);
        }
    }
    if (!handler && dev->parent_bus) {
        handler = dev->parent_bus->hotplug_handler;
    }
    return handler;
}

/* Undo DeviceClass.realize and mark the device for DEVICE_DELETED. */
static void device_unrealize_one(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Object *obj = OBJECT(dev);
    Object *machine = qdev_get_machine();
    HotplugHandler *handler;
    bool filed = false;
    Error *err = NULL;

    g_assert(!dev->realized);
    if (bus) {
        g_assert(dc->bus_type && object_dynamic_cast(OBJECT(bus),
                                                     dc->bus_type));
        qdev_set_parent_bus(dev, bus);
    } else {
        g_assert(!dc->bus_type);
    }
    if (!obj->parent && machine) {
        object_property_add_child(container_get(machine, "unattached"),
                                  "device[*]", obj);
        filed = true;
    }
    if (dev->hotplugged && !dc->hotpluggable) {
        error_setg(&err, "Device '%s' does not support hotplugging",
                   object_get_typename(obj));
        goto fail;
    }
    handler = qdev_get_hotplug_handler(dev);
    if (handler) {
        hotplug_handler_pre_plug(handler, dev, &err);
        if (err) {
            goto fail;
        }
    }
    if (dc->realize) {
        dc->realize(dev, &err);
        if (err) {
            goto fail;
        }
    }
    dev->realized = true;
    if (dev->hotplugged) {
        device_cold_reset(dev);
    }
    if (handler) {
        hotplug_handler_plug(handler, dev, &err);
        if (err) {
            device_unrealize_one(dev);
            goto fail;
        }
    }
    dev->pending_deleted_event = false;
    trace_qdev_realize(object_get_typename(obj), dev_id(dev),
                       bus ? bus->name : "");
    return true;

fail:
    trace_qdev_realize_failed(object_get_typename(obj), dev_id(dev),
                              error_get_pretty(err));
    if (bus) {
        qdev_set_parent_bus(dev, NULL);
    }
    if (filed) {
        object_unparent(obj);
    }
    error_propagate(errp, err);
    return false;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(dev);
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    if (!dev->realized) {
        return;
    }
    for (GList *b = dev->child_bus.head; b; b = b->next) {
        BusState *bus = b->data;

        for (GList *d = bus->children.head; d; d = d->next) {
            qdev_unrealize(d->data);
        }
    }
    device_unrealize_one(dev);
    g_free(dev->canonical_path);
    dev->canonical_path = object_get_canonical_path(OBJECT(dev));
    dev->pending_deleted_event = true;
    trace_qdev_unrealize(object_get_typename(OBJECT(dev)), dev_id(dev));
}

void device_class_set_legacy_reset(DeviceClass *dc, DeviceReset *dev_reset)
{
    dc->legacy_reset = dev_reset;
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    trace_qdev_reset(object_get_typename(OBJECT(dev)), dev_id(dev));
    if (dc->legacy_reset) {
        dc->legacy_reset(dev);
    }
    for (GList *b = dev->child_bus.head; b; b = b->next) {
        qbus_cold_reset(b->data);
    }
}

void qbus_cold_reset(BusState *bus)
{
    for (GList *d = bus->children.head; d; d = d->next) {
        device_cold_reset(d->data);
    }
}

DeviceState *qdev_find_by_id(const char *id)
{
    Object *peripheral = object_resolve_path("/machine/peripheral");
    Object *obj;

    if (!peripheral) {
        return NULL;
    }
    obj = object_resolve_path_component(peripheral, id);
    return (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
}

DeviceState *qdev_find_recursive(BusState *bus, const char *id)
{
    for (GList *d = bus->children.head; d; d = d->next) {
        DeviceState *dev = d->data;

        if (dev->id && !strcmp(dev->id, id)) {
            return dev;
        }
        for (GList *b = dev->child_bus.head; b; b = b->next) {
            DeviceState *found = qdev_find_recursive(b->data, id);

            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

/* ---- the device type ---- */

/* Static properties: most derived class first, each array once. */
static void device_initfn(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    dev->hotplugged = qdev_hotplug;
    for (ObjectClass *oc = object_get_class(obj);
         oc && object_class_dynamic_cast(oc, TYPE_DEVICE);
         oc = object_class_get_parent(oc)) {
        size_t n;
        const Property *props = device_class_own_props(oc, &n);

        for (size_t i = 0; i < n; i++) {
            qdev_property_add_static(obj, &props[i]);
        }
    }
    qdev_prop_set_globals(dev);
}

/* Leaving the tree: unrealize, drop child buses, leave the parent bus. */
static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    BusState *bus;

    qdev_unrealize(dev);
    while ((bus = g_queue_peek_head(&dev->child_bus))) {
        object_unparent(OBJECT(bus));
    }
    if (dev->parent_bus) {
        qdev_set_parent_bus(dev, NULL);
    }
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    if (dev->pending_deleted_event) {
        trace_qdev_device_deleted(dev_id(dev), dev->canonical_path ?
                                  dev->canonical_path : "");
        if (device_deleted_notifier) {
            device_deleted_notifier(dev, dev->canonical_path);
        }
    }
    g_assert(g_queue_is_empty(&dev->child_bus));
    g_free(dev->canonical_path);
    g_free(dev->id);
}

static void device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    oc->unparent = device_unparent;
    /* QEMU's defaults: creatable and hotpluggable unless a class says no. */
    dc->user_creatable = true;
    dc->hotpluggable = true;
}

static const TypeInfo device_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_init = device_initfn,
    .instance_finalize = device_finalize,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
    .class_init = device_class_init,
};

static void qdev_register_types(void)
{
    type_register_static(&device_info);
}

type_init(qdev_register_types)
