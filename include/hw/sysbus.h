/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main system bus ("main-system-bus", type "System") and the base
 * type of devices that sit on it.  Memory regions and interrupts are the
 * devices' own business here (no MMIO table on SysBusDevice).
 */
#ifndef HW_SYSBUS_H
#define HW_SYSBUS_H

#include "hw/qdev-core.h"

#define TYPE_SYSTEM_BUS "System"
#define TYPE_SYS_BUS_DEVICE "sys-bus-device"

OBJECT_DECLARE_SIMPLE_TYPE(SysBusDevice, SYS_BUS_DEVICE)

struct SysBusDevice {
    DeviceState parent_obj;
};

/*
 * The main system bus, created on first use.  It is its own (method-less)
 * hotplug handler, so devices on it can be hot-plugged when their class is
 * hotpluggable; the machine claims those it wires itself.
 */
BusState *sysbus_get_default(void);
/* qdev_realize() on the main system bus. */
bool sysbus_realize(SysBusDevice *dev, Error **errp);
bool sysbus_realize_and_unref(SysBusDevice *dev, Error **errp);

#endif /* HW_SYSBUS_H */
