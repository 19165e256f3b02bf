/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hotplug-handler interface type and its call wrappers. */

#include "qemu/osdep.h"
#include "hw/hotplug.h"
#include "hw/qdev-core.h"
#include "trace.h"

static void hotplug_call(HotplugHandler *handler, DeviceState *dev,
                         size_t method_offset, const char *what, Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(handler);
    HotplugFn *fn = *(HotplugFn **)((char *)hc + method_offset);

    if (fn) {
        trace_hotplug_handler_call(what, object_get_typename(OBJECT(handler)),
                                   object_get_typename(OBJECT(dev)),
                                   dev->id ? dev->id : "");
        fn(handler, dev, errp);
    }
}

void hotplug_handler_pre_plug(HotplugHandler *handler, DeviceState *dev,
                              Error **errp)
{
    hotplug_call(handler, dev, offsetof(HotplugHandlerClass, pre_plug),
                 "pre_plug", errp);
}

void hotplug_handler_plug(HotplugHandler *handler, DeviceState *dev,
                          Error **errp)
{
    hotplug_call(handler, dev, offsetof(HotplugHandlerClass, plug),
                 "plug", errp);
}

void hotplug_handler_unplug_request(HotplugHandler *handler, DeviceState *dev,
                                    Error **errp)
{
    hotplug_call(handler, dev, offsetof(HotplugHandlerClass, unplug_request),
                 "unplug_request", errp);
}

void hotplug_handler_unplug(HotplugHandler *handler, DeviceState *dev,
                            Error **errp)
{
    hotplug_call(handler, dev, offsetof(HotplugHandlerClass, unplug),
                 "unplug", errp);
}

bool hotplug_handler_has_unplug_request(HotplugHandler *handler)
{
    return HOTPLUG_HANDLER_GET_CLASS(handler)->unplug_request != NULL;
}

static const TypeInfo hotplug_handler_info = {
    .name = TYPE_HOTPLUG_HANDLER,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(HotplugHandlerClass),
};

static void hotplug_register_types(void)
{
    type_register_static(&hotplug_handler_info);
}

type_init(hotplug_register_types)
