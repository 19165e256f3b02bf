/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RTAS event logs: the hotplug events a guest fetches with check-exception,
 * and event-scan.  Formats: docs/user/hotplug.md ("Hotplug event log").
 *
 * Events wait in SpaprMachineState.pending_events, oldest first, until the
 * guest fetches them or the machine resets.  There is no interrupt
 * controller: the guest (a qtest) polls with check-exception.  As under
 * QEMU's qtest (which fakes CAS), hotplug events belong to the dedicated
 * hot-plug event source (event mask bit 0x10000000).
 */
#ifndef HW_PPC_SPAPR_EVENTS_H
#define HW_PPC_SPAPR_EVENTS_H

#include "hw/ppc/spapr_drc.h"

/* Event classes of check-exception's mask: bit (31 - class). */
#define SPAPR_EVENT_CLASS_MASK_EPOW     0x40000000U
#define SPAPR_EVENT_CLASS_MASK_HOTPLUG  0x10000000U

/* Summary word of a hotplug log (v6, event, not recovered, ...). */
#define SPAPR_HP_LOG_SUMMARY            0x063460e5U
/* Bytes after the 8-byte header: v6 header, Main-A, Main-B, HP sections. */
#define SPAPR_HP_LOG_EXTENDED_LENGTH    108

#define RTAS_LOG_V6_HP_TYPE_PHB         4
#define RTAS_LOG_V6_HP_TYPE_PCI         5
#define RTAS_LOG_V6_HP_ACTION_ADD       1
#define RTAS_LOG_V6_HP_ACTION_REMOVE    2
#define RTAS_LOG_V6_HP_ID_DRC_INDEX     2

/* Queue an ADD / REMOVE event naming @drc by index. */
void spapr_hotplug_req_add_by_index(SpaprDrc *drc);
void spapr_hotplug_req_remove_by_index(SpaprDrc *drc);
/* Drop every pending event (machine reset, after the DRCs). */
void spapr_clear_pending_events(SpaprMachineState *spapr);
/* Number of events waiting. */
unsigned spapr_pending_events(SpaprMachineState *spapr);
/* Register check-exception and event-scan (the machine's init). */
void spapr_events_init(SpaprMachineState *spapr);

#endif /* HW_PPC_SPAPR_EVENTS_H */
