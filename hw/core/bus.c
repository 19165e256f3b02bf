/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buses: naming, the ordered device list, lookup by name and type. */

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "trace.h"

static char *qbus_auto_name(BusState *bus, DeviceState *parent)
{
    BusClass *bc = BUS_GET_CLASS(bus);
    char *name;

    if (parent && parent->id) {
        return g_strdup_printf("%s.%u", parent->id,
                               g_queue_get_length(&parent->child_bus));
    }
    name = g_strdup_printf("%s.%d", object_get_typename(OBJECT(bus)),
                           bc->automatic_ids++);
    for (char *p = name; *p; p++) {
        *p = g_ascii_tolower(*p);
    }
    return name;
}

static void qbus_attach(BusState *bus, DeviceState *parent, const char *name)
{
    bus->parent = parent;
    bus->name = name ? g_strdup(name) : qbus_auto_name(bus, parent);
    if (parent) {
        g_queue_push_tail(&parent->child_bus, bus);
        object_property_add_child(OBJECT(parent), bus->name, OBJECT(bus));
    }
}

void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name)
{
    object_initialize(bus, size, typename);
    qbus_attach(bus, parent, name);
    if (parent) {
        object_unref(bus);      /* the parent's child<> holds it now */
    }
}

BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name)
{
    BusState *bus = BUS(object_new(typename));

    qbus_attach(bus, parent, name);
    if (parent) {
        object_unref(bus);
    }
    return bus;
}

/* Leaving the tree: unplug every device, then leave the parent's list. */
static void bus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);
    DeviceState *dev;

    while ((dev = g_queue_peek_head(&bus->children))) {
        if (OBJECT(dev)->parent) {
            object_unparent(OBJECT(dev));
        } else {
            qdev_set_parent_bus(dev, NULL);
        }
    }
    if (bus->parent) {
        g_queue_remove(&bus->parent->child_bus, bus);
        bus->parent = NULL;
    }
}

static void bus_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    g_assert(g_queue_is_empty(&bus->children));
    g_free(bus->name);
}

/*
 * The bus and the device hold a reference on each other while the device
 * is on the bus; unparenting either side breaks the pair.
 */
void qdev_set_parent_bus(DeviceState *dev, BusState *bus)
{
    BusState *old = dev->parent_bus;

    if (old) {
        trace_qbus_remove_child(old->name, object_get_typename(OBJECT(dev)));
        g_queue_delete_link(&old->children, dev->bus_link);
        dev->bus_link = NULL;
        dev->parent_bus = NULL;
    }
    if (bus) {
        trace_qbus_add_child(bus->name, object_get_typename(OBJECT(dev)),
                             bus->max_index);
        bus->max_index++;
        g_queue_push_head(&bus->children, dev);
        dev->bus_link = bus->children.head;
        dev->parent_bus = bus;
        object_ref(bus);
        object_ref(dev);
    }
    if (old) {
        /* Last: either may be finalized here. */
        object_unref(old);
        object_unref(dev);
    }
}

void qbus_set_hotplug_handler(BusState *bus, Object *handler)
{
    bus->hotplug_handler = handler ? HOTPLUG_HANDLER(handler) : NULL;
}

bool qbus_is_hotpluggable(BusState *bus)
{
    return bus->hotplug_handler != NULL;
}

typedef struct BusSearch {
    const char *name;
    const char *type;
    BusState *found;
} BusSearch;

static int bus_search_one(Object *obj, void *opaque)
{
    BusSearch *s = opaque;
    BusState *bus = (BusState *)object_dynamic_cast(obj, TYPE_BUS);

    if (!bus) {
        return 0;
    }
    if ((s->name && !strcmp(bus->name, s->name)) ||
        (s->type && object_dynamic_cast(obj, s->type))) {
        s->found = bus;
        return 1;
    }
    return 0;
}

BusState *qbus_find(const char *name)
{
    BusSearch s = { .name = name };

    object_child_foreach_recursive(object_get_root(), bus_search_one, &s);
    return s.found;
}

BusState *qbus_find_by_type(const char *typename)
{
    BusSearch s = { .type = typename };

    object_child_foreach_recursive(object_get_root(), bus_search_one, &s);
    return s.found;
}

static void bus_class_init(ObjectClass *oc, const void *data)
{
    oc->unparent = bus_unparent;
}

static const TypeInfo bus_info = {
    .name = TYPE_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(BusState),
    .instance_finalize = bus_finalize,
    .abstract = true,
    .class_size = sizeof(BusClass),
    .class_init = bus_class_init,
};

static void bus_register_types(void)
{
    type_register_static(&bus_info);
}

type_init(bus_register_types)
