/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hotplug-handler interface: the object (a bus owner or the machine)
 * that wires a device in and out.
 *
 * Plug sequence (cold and hot plug alike, from qdev_realize()):
 *   pre_plug (checks only: may refuse, must change nothing)
 *   -> DeviceClass.realize -> plug (wire the device in; may fail, then the
 *   device is unrealized again).  dev->hotplugged tells the two apart.
 * Unplug sequence (qdev_unplug()): unplug_request when the handler has one
 * (asks the guest; the handler later calls hotplug_handler_unplug() and
 * object_unparent() when the guest agrees), else unplug at once followed by
 * object_unparent().
 */
#ifndef HW_HOTPLUG_H
#define HW_HOTPLUG_H

#include "qom/object.h"

#define TYPE_HOTPLUG_HANDLER "hotplug-handler"

typedef struct HotplugHandler HotplugHandler;   /* the implementing Object */
typedef struct DeviceState DeviceState;

typedef void HotplugFn(HotplugHandler *hotplug_dev, DeviceState *plugged_dev,
                       Error **errp);

typedef struct HotplugHandlerClass HotplugHandlerClass;

struct HotplugHandlerClass {
    InterfaceClass parent;

    HotplugFn *pre_plug;            /* optional */
    HotplugFn *plug;                /* optional */
    HotplugFn *unplug_request;      /* optional: asynchronous unplug */
    HotplugFn *unplug;              /* optional */
};

#define HOTPLUG_HANDLER(obj) \
    INTERFACE_CHECK(HotplugHandler, (obj), TYPE_HOTPLUG_HANDLER)
DECLARE_CLASS_CHECKERS(HotplugHandlerClass, HOTPLUG_HANDLER,
                       TYPE_HOTPLUG_HANDLER)

/*
 * Call the handler's method if it has one (a missing method succeeds).
 * Each traces the call; errors are the handler's.
 */
void hotplug_handler_pre_plug(HotplugHandler *handler, DeviceState *dev,
                              Error **errp);
void hotplug_handler_plug(HotplugHandler *handler, DeviceState *dev,
                          Error **errp);
void hotplug_handler_unplug_request(HotplugHandler *handler, DeviceState *dev,
                                    Error **errp);
void hotplug_handler_unplug(HotplugHandler *handler, DeviceState *dev,
                            Error **errp);
/* True if the handler implements unplug_request. */
bool hotplug_handler_has_unplug_request(HotplugHandler *handler);

#endif /* HW_HOTPLUG_H */
