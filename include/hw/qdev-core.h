/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices and buses on top of the object model.
 *
 * Life of a device: qdev_new() (properties get their defaults), property
 * sets (strings or typed), qdev_realize() onto a bus (hotplug pre_plug,
 * DeviceClass.realize, child buses, plug), then qdev_unrealize() and
 * object_unparent() (which also unrealizes and leaves the bus).  Properties
 * are frozen while realized.  A device without a parent when it is realized
 * is put under /machine/unattached/device[N].
 *
 * A bus is a child object of the device that owns it (its QOM name is the
 * bus name) and keeps its devices in a list, newest first as QEMU does (so
 * `info qtree` shows the most recently plugged device at the top).
 */
#ifndef HW_QDEV_CORE_H
#define HW_QDEV_CORE_H

#include "qom/object.h"
#include "hw/hotplug.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"

OBJECT_DECLARE_TYPE(DeviceState, DeviceClass, DEVICE)
OBJECT_DECLARE_TYPE(BusState, BusClass, BUS)
typedef struct Property Property;

typedef void DeviceRealize(DeviceState *dev, Error **errp);
typedef void DeviceUnrealize(DeviceState *dev);
typedef void DeviceReset(DeviceState *dev);

struct DeviceClass {
    ObjectClass parent_class;

    const char *desc;               /* for -device help */
    /* This class's own properties: device_class_set_props(). */
    const Property *props;
    size_t props_count;
    bool user_creatable;            /* may be created by -device/device_add */
    bool hotpluggable;              /* may be added/removed while running */
    const char *bus_type;           /* the bus type it sits on, or NULL */

    /* Build the device; on failure set errp and leave nothing behind. */
    DeviceRealize *realize;
    /* Undo realize; cannot fail. */
    DeviceUnrealize *unrealize;
    /*
     * Back to power-on state (also called at machine reset).  Set it with
     * device_class_set_legacy_reset().
     */
    DeviceReset *legacy_reset;
};

struct DeviceState {
    Object parent_obj;

    char *id;                       /* -device id=, or NULL */
    bool realized;
    bool hotplugged;                /* created after machine init */
    bool pending_deleted_event;     /* unrealized: notify at finalize */
    char *canonical_path;           /* saved at unrealize for the notifier */
    BusState *parent_bus;
    GList *bus_link;                /* our node in parent_bus->children */
    GQueue child_bus;               /* BusState *, in creation order */
};

struct BusClass {
    ObjectClass parent_class;

    /* Extra `info qtree` lines for @dev on this bus (e.g. PCI addr). */
    void (*print_dev)(BusState *bus, DeviceState *dev, int indent,
                      GString *out);
    int automatic_ids;              /* next "<type>.N" name */
};

struct BusState {
    Object obj;

    DeviceState *parent;            /* owning device, NULL for the root */
    char *name;
    /* The handler wiring devices on this bus (not a reference). */
    HotplugHandler *hotplug_handler;
    int max_index;                  /* indexes handed out to children */
    GQueue children;                /* DeviceState *, newest first */
};

/*
 * Set by the integrator once machine init is over: from then on devices
 * are hot-plugged (dev->hotplugged, hotplug checks in device_add).
 */
extern bool qdev_hotplug;

/* ---- devices ---- */

/*
 * Give @dc the reset method @dev_reset (QEMU's name: "legacy" as opposed
 * to the three-phase Resettable interface, which this tree does not have).
 * Call from class_init; it replaces the parent class's method, so a
 * subclass that needs its parent's reset calls it itself.
 */
void device_class_set_legacy_reset(DeviceClass *dc, DeviceReset *dev_reset);

/* New device of concrete type @name (aborts on an unknown type). */
DeviceState *qdev_new(const char *name);
/*
 * Realize @dev on @bus (NULL for a bus-less device).  Hotplug handler
 * pre_plug, DeviceClass.realize, plug.  On failure @dev is not on the bus,
 * not realized, and not in the tree unless it was before; the caller keeps
 * its reference.  Errors: the handler's or realize's, or "Device 'T' does
 * not support hotplugging" when hot-plugged and not hotpluggable.
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* qdev_realize() then drop the caller's reference (also on failure). */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
/* Unrealize @dev (devices on its buses first).  No-op if not realized. */
void qdev_unrealize(DeviceState *dev);
/* The legacy reset of @dev, then every device on its buses, recursively. */
void device_cold_reset(DeviceState *dev);
/* device_cold_reset() of every device on @bus, in bus order. */
void qbus_cold_reset(BusState *bus);

/* The machine object ("/machine"), or NULL before the machine exists. */
Object *qdev_get_machine(void);
/*
 * The handler for @dev: the machine's (MachineClass.get_hotplug_handler)
 * if it claims the device, else the parent bus's; NULL if none.
 */
HotplugHandler *qdev_get_hotplug_handler(DeviceState *dev);

/* Unique id lookup under /machine/peripheral; NULL if none. */
DeviceState *qdev_find_by_id(const char *id);
/* Depth-first search of @bus's subtree (devices and their buses) by id. */
DeviceState *qdev_find_recursive(BusState *bus, const char *id);

/*
 * The -device / device_add path: "TYPE,prop=val,...[,id=X][,bus=NAME]"
 * (also "driver=TYPE,...").  Creates, configures, realizes and files the
 * device under /machine/peripheral/ID or /machine/peripheral-anon/device[N].
 * Errors (nothing is left behind on any of them):
 *   "Parameter 'driver' is missing", "'T' is not a valid device model name",
 *   "Parameter 'driver' expects a non-abstract device type",
 *   "Parameter 'driver' expects a pluggable device type",
 *   "Parameter 'id' expects an identifier", "Duplicate device ID 'X'",
 *   "Bus 'B' not found" (class DeviceNotFound),
 *   "Device 'T' can't go on B bus", "No 'BT' bus found for device 'T'",
 *   "Bus 'B' does not support hotplugging",
 *   "Device 'T' does not support hotplugging", property and realize errors.
 */
DeviceState *qdev_device_add_from_str(const char *opts, Error **errp);
/*
 * Ask for @dev to be removed: the handler's unplug_request, or unplug and
 * object_unparent() at once when it has none.  Errors: "Bus 'B' does not
 * support hotplugging", "Device 'T' does not support hotplugging"
 * (also for a device without a handler), the handler's errors.
 */
bool qdev_unplug(DeviceState *dev, Error **errp);
/*
 * Called when a device that was realized and then unrealized goes away
 * (finalize), with its id (may be NULL via dev->id) and its canonical
 * path at unrealize time: the monitor emits DEVICE_DELETED from it.
 * NULL clears it.
 */
void qdev_set_device_deleted_notifier(void (*fn)(DeviceState *dev,
                                                 const char *path));

/* `-device TYPE,help`: "TYPE options:" then "  name=<type>  - ..." lines. */
bool qdev_device_help(const char *type, GString *out, Error **errp);
/* `-device help`: user-creatable devices, sorted, one line each. */
void qdev_device_list(GString *out);
/* `info qtree` from the main system bus. */
void qdev_print_tree(GString *out);

/* ---- buses ---- */

/*
 * Initialise a bus embedded in @parent's state (@size bytes at @bus).
 * Name: @name, else "<parent id>.<n>", else "<bus type>.<n>" lowercased.
 * The bus becomes the child @name of @parent (when given).
 */
void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name);
/* A heap-allocated bus; owned by @parent's tree (or the caller if NULL). */
BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name);
/* The first bus named @name anywhere in the tree, or NULL. */
BusState *qbus_find(const char *name);
/* The first bus of type @typename anywhere in the tree (depth-first). */
BusState *qbus_find_by_type(const char *typename);
/* Set the handler for devices on @bus (NULL: not hotpluggable). */
void qbus_set_hotplug_handler(BusState *bus, Object *handler);
bool qbus_is_hotpluggable(BusState *bus);
/* Put @dev on @bus (unplugging it from any previous one). */
void qdev_set_parent_bus(DeviceState *dev, BusState *bus);

#endif /* HW_QDEV_CORE_H */
