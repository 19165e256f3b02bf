/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dynamic-reconfiguration connectors (DRCs): the slots through which the
 * guest learns about, configures and releases hot-pluggable resources.
 * Facts (indexes, names, states, RTAS formats): docs/user/hotplug.md.
 *
 * A DRC is a plain object registered in its machine (SpaprMachineState.drcs,
 * by index); it is not a QOM device.  PCI DRCs are "physical" (one per devfn
 * of a PHB's root bus, owned by the PHB, created at its realize when
 * dynamic-reconfiguration=on); PHB DRCs are "logical" (one per possible PHB
 * index, owned by the machine, created at machine init).
 *
 * State machine (QEMU 7.2's): a physical DRC is empty in PHYSICAL_POWERON
 * and ready in PHYSICAL_CONFIGURED; a logical one is empty in
 * LOGICAL_UNUSABLE and ready in LOGICAL_CONFIGURED.  A cold-plugged device
 * starts ready (spapr_drc_reset()), a hot-plugged one empty; the guest
 * moves it with set-indicator and ibm,configure-connector.  An unplug
 * request on a DRC in its empty state releases the device at once;
 * otherwise it waits for the guest to isolate it (or make it unusable), or
 * for the next machine reset (spapr_drc_reset_all()).
 *
 * Releasing a DRC's device calls its release hook, which unrealizes and
 * unparents the device: callers must not be walking a bus then.
 */
#ifndef HW_PPC_SPAPR_DRC_H
#define HW_PPC_SPAPR_DRC_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"

/* Type shifts: DRC index = shift << 28 | id; type mask = 1 << shift. */
typedef enum {
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_CPU = 1,
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB = 2,
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_VIO = 3,
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI = 4,
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_LMB = 8,
} SpaprDrcTypeShift;

#define SPAPR_DR_CONNECTOR_TYPE_PHB (1U << SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB)
#define SPAPR_DR_CONNECTOR_TYPE_PCI (1U << SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI)

#define SPAPR_DRC_INDEX_TYPE_SHIFT  28
#define SPAPR_DRC_INDEX_ID_MASK     ((1U << SPAPR_DRC_INDEX_TYPE_SHIFT) - 1)

/* PCI DRC id: PHB index << 16 | chassis << 8 | devfn (chassis 0: root). */
#define SPAPR_PCI_DRC_ID(phb_index, devfn)  (((phb_index) << 16) | (devfn))

/* States (the numbers QEMU migrates). */
typedef enum {
    SPAPR_DRC_STATE_INVALID             = 0,
    SPAPR_DRC_STATE_LOGICAL_UNUSABLE    = 1,
    SPAPR_DRC_STATE_LOGICAL_AVAILABLE   = 2,
    SPAPR_DRC_STATE_LOGICAL_UNISOLATE   = 3,
    SPAPR_DRC_STATE_LOGICAL_CONFIGURED  = 4,
    SPAPR_DRC_STATE_PHYSICAL_AVAILABLE  = 5,
    SPAPR_DRC_STATE_PHYSICAL_POWERON    = 6,
    SPAPR_DRC_STATE_PHYSICAL_UNISOLATE  = 7,
    SPAPR_DRC_STATE_PHYSICAL_CONFIGURED = 8,
} SpaprDrcState;

/* RTAS sensor / indicator types (set-indicator, get-sensor-state). */
#define RTAS_SENSOR_TYPE_ISOLATION_STATE    9001
#define RTAS_SENSOR_TYPE_DR                 9002
#define RTAS_SENSOR_TYPE_ALLOCATION_STATE   9003
#define RTAS_SENSOR_TYPE_ENTITY_SENSE       RTAS_SENSOR_TYPE_ALLOCATION_STATE

#define SPAPR_DR_ISOLATION_STATE_ISOLATED   0
#define SPAPR_DR_ISOLATION_STATE_UNISOLATED 1
#define SPAPR_DR_ALLOCATION_STATE_UNUSABLE  0
#define SPAPR_DR_ALLOCATION_STATE_USABLE    1
#define SPAPR_DR_INDICATOR_INACTIVE         0
#define SPAPR_DR_INDICATOR_ACTION           3   /* largest valid value */

typedef enum {
    SPAPR_DR_ENTITY_SENSE_EMPTY     = 0,
    SPAPR_DR_ENTITY_SENSE_PRESENT   = 1,
    SPAPR_DR_ENTITY_SENSE_UNUSABLE  = 2,
} SpaprDREntitySense;

/* ibm,configure-connector status values (rets[0]). */
#define SPAPR_DR_CC_RESPONSE_SUCCESS            0
#define SPAPR_DR_CC_RESPONSE_NEXT_CHILD         2
#define SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY      3
#define SPAPR_DR_CC_RESPONSE_PREV_PARENT        4
#define SPAPR_DR_CC_RESPONSE_ERROR              -1
#define SPAPR_DR_CC_RESPONSE_NOT_CONFIGURABLE   -9003

/* Work area of ibm,configure-connector: 4 KiB, strings from byte 20. */
#define SPAPR_DR_CC_WA_LEN          4096
#define SPAPR_DR_CC_VAL_DATA_OFFSET 20

typedef struct SpaprDrc SpaprDrc;

/*
 * Write the node of @drc->dev under node @parent_off of @fdt; return the
 * node's offset or a negative libfdt error (the caller retries with a
 * bigger tree on -FDT_ERR_NOSPACE).
 */
typedef int SpaprDrcPopulateFn(SpaprDrc *drc, void *fdt, int parent_off);
/* Unplug @dev and drop it from the tree (the owner's hotplug unplug). */
typedef void SpaprDrcReleaseFn(DeviceState *dev);

struct SpaprDrc {
    SpaprMachineState *spapr;
    SpaprDrcTypeShift type_shift;
    uint32_t id;
    Object *owner;              /* the PHB (PCI), NULL (PHB DRCs) */
    SpaprDrcState state;
    DeviceState *dev;           /* attached device, not a reference */
    bool unplug_requested;
    uint32_t dr_indicator;      /* physical DRCs: set-indicator 9002 */
    SpaprDrcPopulateFn *populate;
    SpaprDrcReleaseFn *release;

    /* configure-connector: the device's fragment and the walk position. */
    void *fdt;
    int fdt_start_offset;
    int ccs_offset;
    int ccs_depth;
};

/*
 * New DRC in its empty state, registered in @spapr under its index.
 * Creating an index twice is a programming error.
 */
SpaprDrc *spapr_drc_new(SpaprMachineState *spapr, SpaprDrcTypeShift shift,
                        uint32_t id, Object *owner,
                        SpaprDrcPopulateFn *populate,
                        SpaprDrcReleaseFn *release);
/* Unregister and free @drc (its device, if any, is left alone). */
void spapr_drc_destroy(SpaprDrc *drc);

/* Lookups (NULL if none; also when @spapr is NULL). */
SpaprDrc *spapr_drc_by_index(SpaprMachineState *spapr, uint32_t index);
SpaprDrc *spapr_drc_by_id(SpaprMachineState *spapr, SpaprDrcTypeShift shift,
                          uint32_t id);

uint32_t spapr_drc_index(const SpaprDrc *drc);
/* 1 << type shift (SPAPR_DR_CONNECTOR_TYPE_*). */
uint32_t spapr_drc_type(const SpaprDrc *drc);
/* "C<id>" / "PHB <id>" (decimal id); g_free it. */
char *spapr_drc_name(const SpaprDrc *drc);
/* The ibm,drc-types string: "28" (PCI), "PHB". */
const char *spapr_drc_type_name(const SpaprDrc *drc);
bool spapr_drc_is_physical(const SpaprDrc *drc);

/*
 * The state of a DRC with no device (physical: POWERON, logical:
 * UNUSABLE): a device is attached only there, and an unplug requested
 * there releases the device at once.
 */
SpaprDrcState spapr_drc_empty_state(const SpaprDrc *drc);
SpaprDREntitySense spapr_drc_entity_sense(const SpaprDrc *drc);

/* Attach @dev (the DRC must be empty and in its empty state). */
void spapr_drc_attach(SpaprDrc *drc, DeviceState *dev);
/*
 * Mark the attached device for removal; release it now if the DRC is in
 * its empty state (the guest never configured it).
 */
void spapr_drc_unplug_request(SpaprDrc *drc);
bool spapr_drc_unplug_requested(const SpaprDrc *drc);
/*
 * Machine-reset behaviour of one DRC: a pending unplug completes (the
 * device is released); an attached device is ready, an empty DRC in its
 * empty state; the configure-connector walk rewinds.  Returns true if a
 * device was released.
 */
bool spapr_drc_reset(SpaprDrc *drc);
/*
 * spapr_drc_reset() of every DRC of @spapr, by ascending index.  Safe
 * against DRCs that disappear on the way (a released PHB takes its PCI
 * DRCs with it).  Called after the devices' reset.
 */
void spapr_drc_reset_all(SpaprMachineState *spapr);

/*
 * ibm,drc-indexes, -power-domains, -names and -types on node @off for the
 * DRCs owned by @owner (any owner if NULL) whose type is in @type_mask,
 * by ascending index.  0 or a negative libfdt error.
 */
int spapr_dt_drc(SpaprMachineState *spapr, void *fdt, int off, Object *owner,
                 uint32_t type_mask);

/*
 * Create the registry and register set-indicator, get-sensor-state and
 * ibm,configure-connector.  The machine's init calls it.
 */
void spapr_drc_init(SpaprMachineState *spapr);

#endif /* HW_PPC_SPAPR_DRC_H */
