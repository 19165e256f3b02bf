/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Introspection of VFIO containers: QMP x-query-vfio, HMP "info vfio" and
 * the VFIO_WINDOW_BROKEN event (docs/user/monitor.md).
 */
#ifndef HW_VFIO_VFIO_MONITOR_H
#define HW_VFIO_VFIO_MONITOR_H

#include "qemu/osdep.h"

typedef struct VFIOContainer VFIOContainer;
typedef struct VFIOGuestIOMMU VFIOGuestIOMMU;

/* Register x-query-vfio and "info vfio".  Once, at start-up. */
void vfio_monitor_init(void);

/*
 * The name and the index (creation order among the containers of its DMA
 * address space) that identify @c in x-query-vfio and in events.
 */
const char *vfio_container_space_name(VFIOContainer *c);
unsigned vfio_container_index(VFIOContainer *c);

/*
 * Send VFIO_WINDOW_BROKEN for window @g of its container (whose broken
 * error must be set): {"address-space", "container", "window",
 * "bus-start", "size", "error"}.  Main loop.
 */
void vfio_monitor_window_broken(VFIOGuestIOMMU *g);

#endif /* HW_VFIO_VFIO_MONITOR_H */
