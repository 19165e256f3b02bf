/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DRCs: registry, state machine, device-tree arrays and their RTAS calls. */

#include "qemu/osdep.h"
#include <libfdt.h>
#include "qapi/error.h"
#include "hw/ppc/spapr_drc.h"
#include "trace.h"

/* ---- registry and identity --------------------------------------------- */

uint32_t spapr_drc_index(const SpaprDrc *drc)
{
    return ((uint32_t)drc->type_shift << SPAPR_DRC_INDEX_TYPE_SHIFT) |
           (drc->id & SPAPR_DRC_INDEX_ID_MASK);
}

uint32_t spapr_drc_type(const SpaprDrc *drc)
{
    return 1U << drc->type_shift;
}

bool spapr_drc_is_physical(const SpaprDrc *drc)
{
    return drc->type_shift == SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI;
}

char *spapr_drc_name(const SpaprDrc *drc)
{
    return g_strdup_printf("%s%d", spapr_drc_is_physical(drc) ? "C" : "PHB ",
                           (int)drc->id);
}

const char *spapr_drc_type_name(const SpaprDrc *drc)
{
    return spapr_drc_is_physical(drc) ? "28" : "PHB";
}

SpaprDrcState spapr_drc_empty_state(const SpaprDrc *drc)
{
    return spapr_drc_is_physical(drc) ? SPAPR_DRC_STATE_PHYSICAL_POWERON
                                      : SPAPR_DRC_STATE_LOGICAL_UNUSABLE;
}

static SpaprDrcState spapr_drc_ready_state(const SpaprDrc *drc)
{
    return spapr_drc_is_physical(drc) ? SPAPR_DRC_STATE_PHYSICAL_CONFIGURED
                                      : SPAPR_DRC_STATE_LOGICAL_CONFIGURED;
}

SpaprDrc *spapr_drc_new(SpaprMachineState *spapr, SpaprDrcTypeShift shift,
                        uint32_t id, Object *owner,
                        SpaprDrcPopulateFn *populate,
                        SpaprDrcReleaseFn *release)
{
    SpaprDrc *drc = g_new0(SpaprDrc, 1);

    drc->spapr = spapr;
    drc->type_shift = shift;
    drc->id = id;
    drc->owner = owner;
    drc->populate = populate;
    drc->release = release;
    drc->state = spapr_drc_empty_state(drc);
    drc->ccs_offset = -1;
    drc->ccs_depth = -1;
    g_assert(!g_hash_table_contains(spapr->drcs,
                                    GUINT_TO_POINTER(spapr_drc_index(drc))));
    g_hash_table_insert(spapr->drcs, GUINT_TO_POINTER(spapr_drc_index(drc)),
                        drc);
    return drc;
}

void spapr_drc_destroy(SpaprDrc *drc)
{
    g_hash_table_remove(drc->spapr->drcs,
                        GUINT_TO_POINTER(spapr_drc_index(drc)));
    g_free(drc->fdt);
    g_free(drc);
}

SpaprDrc *spapr_drc_by_index(SpaprMachineState *spapr, uint32_t index)
{
    if (!spapr || !spapr->drcs) {
        return NULL;
    }
    return g_hash_table_lookup(spapr->drcs, GUINT_TO_POINTER(index));
}

SpaprDrc *spapr_drc_by_id(SpaprMachineState *spapr, SpaprDrcTypeShift shift,
                          uint32_t id)
{
    return spapr_drc_by_index(spapr,
                              ((uint32_t)shift << SPAPR_DRC_INDEX_TYPE_SHIFT) |
                              (id & SPAPR_DRC_INDEX_ID_MASK));
}

SpaprDREntitySense spapr_drc_entity_sense(const SpaprDrc *drc)
{
    if (spapr_drc_is_physical(drc)) {
        return drc->dev ? SPAPR_DR_ENTITY_SENSE_PRESENT
                        : SPAPR_DR_ENTITY_SENSE_EMPTY;
    }
    return drc->state == SPAPR_DRC_STATE_LOGICAL_UNUSABLE ?
           SPAPR_DR_ENTITY_SENSE_UNUSABLE : SPAPR_DR_ENTITY_SENSE_PRESENT;
}

/* ---- plug, unplug, reset ------------------------------------------------ */

void spapr_drc_attach(SpaprDrc *drc, DeviceState *dev)
{
    trace_spapr_drc_attach(spapr_drc_index(drc));
    g_assert(!drc->dev);
    g_assert(drc->state == spapr_drc_empty_state(drc));
    drc->dev = dev;
}

/*
 * Forget the device (and its fragment) first, then let the owner unplug
 * and unparent it: the DRC never points at a dying device.
 */
/*
 * Forget the device-tree fragment configure-connector walks: after an
 * isolation it may no longer describe the device (QEMU frees it too); the
 * next configure-connector builds it again.
 */
static void spapr_drc_forget_fdt(SpaprDrc *drc)
{
    g_free(drc->fdt);
    drc->fdt = NULL;
    drc->fdt_start_offset = 0;
}

static void spapr_drc_release(SpaprDrc *drc)
{
    DeviceState *dev = drc->dev;

    trace_spapr_drc_release(spapr_drc_index(drc));
    drc->dev = NULL;
    drc->unplug_requested = false;
    spapr_drc_forget_fdt(drc);
    if (dev && drc->release) {
        drc->release(dev);
    }
}

bool spapr_drc_unplug_requested(const SpaprDrc *drc)
{
    return drc->unplug_requested;
}

void spapr_drc_unplug_request(SpaprDrc *drc)
{
    trace_spapr_drc_unplug_request(spapr_drc_index(drc));
    g_assert(drc->dev);
    drc->unplug_requested = true;
    if (drc->state != spapr_drc_empty_state(drc)) {
        trace_spapr_drc_awaiting_guest(spapr_drc_index(drc));
        return;
    }
    spapr_drc_release(drc);
}

bool spapr_drc_reset(SpaprDrc *drc)
{
    bool released = false;

    trace_spapr_drc_reset(spapr_drc_index(drc));
    if (drc->unplug_requested) {
        spapr_drc_release(drc);
        released = true;
    }
    if (drc->dev) {
        drc->state = spapr_drc_ready_state(drc);
        drc->ccs_offset = drc->fdt_start_offset;
        drc->ccs_depth = 0;
    } else {
        drc->state = spapr_drc_empty_state(drc);
        drc->ccs_offset = -1;
        drc->ccs_depth = -1;
    }
    return released;
}

static gint drc_index_cmp(gconstpointer a, gconstpointer b)
{
    uint32_t x = GPOINTER_TO_UINT(*(gpointer const *)a);
    uint32_t y = GPOINTER_TO_UINT(*(gpointer const *)b);

    return x < y ? -1 : x > y;
}

/* The registered indexes, ascending (a snapshot: callers may release). */
static GPtrArray *spapr_drc_indexes(SpaprMachineState *spapr)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, spapr->drcs);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_ptr_array_add(keys, key);
    }
    g_ptr_array_sort(keys, drc_index_cmp);
    return keys;
}

void spapr_drc_reset_all(SpaprMachineState *spapr)
{
    g_autoptr(GPtrArray) keys = spapr_drc_indexes(spapr);

    for (guint i = 0; i < keys->len; i++) {
        SpaprDrc *drc = spapr_drc_by_index(spapr,
                                           GPOINTER_TO_UINT(keys->pdata[i]));

        if (drc) {
            spapr_drc_reset(drc);
        }
    }
}

/* ---- device tree ------------------------------------------------------- */

int spapr_dt_drc(SpaprMachineState *spapr, void *fdt, int off, Object *owner,
                 uint32_t type_mask)
{
    g_autoptr(GPtrArray) keys = spapr ? spapr_drc_indexes(spapr)
                                      : g_ptr_array_new();
    g_autoptr(GArray) indexes = g_array_new(false, true, sizeof(fdt32_t));
    g_autoptr(GArray) domains = g_array_new(false, true, sizeof(fdt32_t));
    g_autoptr(GString) names = g_string_new(NULL);
    g_autoptr(GString) types = g_string_new(NULL);
    fdt32_t count;
    int ret;

    /* Each array starts with its element count, filled in at the end. */
    g_array_set_size(indexes, 1);
    g_array_set_size(domains, 1);
    g_string_set_size(names, sizeof(fdt32_t));
    g_string_set_size(types, sizeof(fdt32_t));
    for (guint i = 0; i < keys->len; i++) {
        SpaprDrc *drc = spapr_drc_by_index(spapr,
                                           GPOINTER_TO_UINT(keys->pdata[i]));
        g_autofree char *name = NULL;
        fdt32_t cell;

        if ((owner && drc->owner != owner) ||
            !(spapr_drc_type(drc) & type_mask)) {
            continue;
        }
        cell = cpu_to_fdt32(spapr_drc_index(drc));
        g_array_append_val(indexes, cell);
        cell = cpu_to_fdt32(UINT32_MAX);     /* power domain -1: none */
        g_array_append_val(domains, cell);
        name = spapr_drc_name(drc);
        g_string_append_len(names, name, strlen(name) + 1);
        g_string_append_len(types, spapr_drc_type_name(drc),
                            strlen(spapr_drc_type_name(drc)) + 1);
    }
    count = cpu_to_fdt32(indexes->len - 1);
    memcpy(indexes->data, &count, sizeof(count));
    memcpy(domains->data, &count, sizeof(count));
    memcpy(names->str, &count, sizeof(count));
    memcpy(types->str, &count, sizeof(count));

    if ((ret = fdt_setprop(fdt, off, "ibm,drc-indexes", indexes->data,
                           indexes->len * sizeof(fdt32_t))) < 0 ||
        (ret = fdt_setprop(fdt, off, "ibm,drc-power-domains", domains->data,
                           domains->len * sizeof(fdt32_t))) < 0 ||
        (ret = fdt_setprop(fdt, off, "ibm,drc-names", names->str,
                           names->len)) < 0 ||
        (ret = fdt_setprop(fdt, off, "ibm,drc-types", types->str,
                           types->len)) < 0) {
        return ret;
    }
    return 0;
}

/* ---- RTAS --------------------------------------------------------------- */

static uint32_t drc_isolate(SpaprDrc *drc)
{
    switch (drc->state) {
    case SPAPR_DRC_STATE_PHYSICAL_POWERON:
    case SPAPR_DRC_STATE_LOGICAL_AVAILABLE:
    case SPAPR_DRC_STATE_LOGICAL_UNUSABLE:
        return RTAS_OUT_SUCCESS;
    case SPAPR_DRC_STATE_PHYSICAL_UNISOLATE:
    case SPAPR_DRC_STATE_LOGICAL_UNISOLATE:
        return RTAS_OUT_PARAM_ERROR;        /* not configured yet */
    case SPAPR_DRC_STATE_PHYSICAL_CONFIGURED:
        drc->state = SPAPR_DRC_STATE_PHYSICAL_POWERON;
        spapr_drc_forget_fdt(drc);
        if (drc->unplug_requested) {
            spapr_drc_release(drc);
        }
        return RTAS_OUT_SUCCESS;
    case SPAPR_DRC_STATE_LOGICAL_CONFIGURED:
        drc->state = SPAPR_DRC_STATE_LOGICAL_AVAILABLE;
        spapr_drc_forget_fdt(drc);
        return RTAS_OUT_SUCCESS;
    default:
        return RTAS_OUT_HW_ERROR;
    }
}

static uint32_t drc_unisolate(SpaprDrc *drc)
{
    switch (drc->state) {
    case SPAPR_DRC_STATE_PHYSICAL_UNISOLATE:
    case SPAPR_DRC_STATE_PHYSICAL_CONFIGURED:
        return RTAS_OUT_SUCCESS;
    case SPAPR_DRC_STATE_LOGICAL_UNISOLATE:
    case SPAPR_DRC_STATE_LOGICAL_CONFIGURED:
        /* The guest refuses a pending removal: the request is dropped. */
        if (drc->unplug_requested && drc->dev) {
            drc->unplug_requested = false;
            trace_spapr_drc_unplug_rejected(spapr_drc_index(drc));
        }
        return RTAS_OUT_SUCCESS;
    case SPAPR_DRC_STATE_LOGICAL_UNUSABLE:
        return RTAS_OUT_PARAM_ERROR;
    case SPAPR_DRC_STATE_PHYSICAL_POWERON:
    case SPAPR_DRC_STATE_LOGICAL_AVAILABLE:
        if (!drc->dev) {
            return RTAS_OUT_PARAM_ERROR;    /* nothing to unisolate */
        }
        drc->state = spapr_drc_is_physical(drc) ?
                     SPAPR_DRC_STATE_PHYSICAL_UNISOLATE :
                     SPAPR_DRC_STATE_LOGICAL_UNISOLATE;
        drc->ccs_offset = drc->fdt_start_offset;
        drc->ccs_depth = 0;
        return RTAS_OUT_SUCCESS;
    default:
        return RTAS_OUT_HW_ERROR;
    }
}

static uint32_t drc_set_allocation(SpaprDrc *drc, uint32_t value)
{
    if (spapr_drc_is_physical(drc)) {
        return RTAS_OUT_PARAM_ERROR;        /* logical DRCs only */
    }
    switch (value) {
    case SPAPR_DR_ALLOCATION_STATE_USABLE:
        switch (drc->state) {
        case SPAPR_DRC_STATE_LOGICAL_AVAILABLE:
        case SPAPR_DRC_STATE_LOGICAL_UNISOLATE:
        case SPAPR_DRC_STATE_LOGICAL_CONFIGURED:
            return RTAS_OUT_SUCCESS;
        default:
            break;
        }
        /* Nothing to use, or a removal is pending. */
        if (!drc->dev || drc->unplug_requested) {
            return RTAS_OUT_PARAM_ERROR;
        }
        drc->state = SPAPR_DRC_STATE_LOGICAL_AVAILABLE;
        return RTAS_OUT_SUCCESS;
    case SPAPR_DR_ALLOCATION_STATE_UNUSABLE:
        switch (drc->state) {
        case SPAPR_DRC_STATE_LOGICAL_UNUSABLE:
            return RTAS_OUT_SUCCESS;
        case SPAPR_DRC_STATE_LOGICAL_AVAILABLE:
            break;
        default:
            return RTAS_OUT_PARAM_ERROR;
        }
        drc->state = SPAPR_DRC_STATE_LOGICAL_UNUSABLE;
        if (drc->unplug_requested) {
            spapr_drc_release(drc);
        }
        return RTAS_OUT_SUCCESS;
    default:
        return RTAS_OUT_PARAM_ERROR;
    }
}

static uint32_t drc_set_indicator(SpaprMachineState *spapr, uint32_t type,
                                  uint32_t index, uint32_t value)
{
    SpaprDrc *drc = spapr_drc_by_index(spapr, index);

    if (type != RTAS_SENSOR_TYPE_ISOLATION_STATE &&
        type != RTAS_SENSOR_TYPE_DR &&
        type != RTAS_SENSOR_TYPE_ALLOCATION_STATE) {
        return RTAS_OUT_NOT_SUPPORTED;
    }
    if (!drc) {
        return RTAS_OUT_PARAM_ERROR;
    }
    trace_spapr_drc_set_indicator(index, type, value, drc->state);
    switch (type) {
    case RTAS_SENSOR_TYPE_ISOLATION_STATE:
        if (value == SPAPR_DR_ISOLATION_STATE_ISOLATED) {
            return drc_isolate(drc);
        }
        if (value == SPAPR_DR_ISOLATION_STATE_UNISOLATED) {
            return drc_unisolate(drc);
        }
        return RTAS_OUT_PARAM_ERROR;
    case RTAS_SENSOR_TYPE_DR:
        if (!spapr_drc_is_physical(drc) || value > SPAPR_DR_INDICATOR_ACTION) {
            return RTAS_OUT_PARAM_ERROR;
        }
        drc->dr_indicator = value;
        return RTAS_OUT_SUCCESS;
    default:
        return drc_set_allocation(drc, value);
    }
}

/* set-indicator: type, index, value -> status */
static void rtas_set_indicator(SpaprMachineState *spapr, uint32_t token,
                               uint32_t nargs, target_ulong args,
                               uint32_t nret, target_ulong rets)
{
    uint32_t ret;

    if (nargs != 3 || nret != 1) {
        trace_spapr_drc_rtas_bad_cells("set-indicator", nargs, nret);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    ret = drc_set_indicator(spapr, rtas_ld(args, 0), rtas_ld(args, 1),
                            rtas_ld(args, 2));
    if (ret != RTAS_OUT_SUCCESS) {
        trace_spapr_drc_set_indicator_failed(rtas_ld(args, 1),
                                             rtas_ld(args, 0),
                                             rtas_ld(args, 2), (int32_t)ret);
    }
    rtas_st(rets, 0, ret);
}

/*
 * get-sensor-state: type, index -> status, state.  Only the entity sense
 * exists.  QEMU also writes rets[1] (0) on errors; so do we, but never
 * beyond nret.
 */
static void rtas_get_sensor_state(SpaprMachineState *spapr, uint32_t token,
                                  uint32_t nargs, target_ulong args,
                                  uint32_t nret, target_ulong rets)
{
    uint32_t ret = RTAS_OUT_SUCCESS, state = 0;
    SpaprDrc *drc;

    if (nargs != 2 || nret != 2) {
        trace_spapr_drc_rtas_bad_cells("get-sensor-state", nargs, nret);
        ret = RTAS_OUT_PARAM_ERROR;
        goto out;
    }
    if (rtas_ld(args, 0) != RTAS_SENSOR_TYPE_ENTITY_SENSE) {
        trace_spapr_drc_sensor_unsupported(rtas_ld(args, 0), rtas_ld(args, 1));
        ret = RTAS_OUT_NOT_SUPPORTED;
        goto out;
    }
    drc = spapr_drc_by_index(spapr, rtas_ld(args, 1));
    if (!drc) {
        trace_spapr_drc_no_such_drc("get-sensor-state", rtas_ld(args, 1));
        ret = RTAS_OUT_PARAM_ERROR;
        goto out;
    }
    state = spapr_drc_entity_sense(drc);
out:
    rtas_st(rets, 0, ret);
    if (nret >= 2) {
        rtas_st(rets, 1, state);
    }
}

/* Copy @len bytes at work-area offset @off, clipped to the work area. */
static void cc_store(target_ulong wa, uint32_t off, const void *buf,
                     size_t len)
{
    MemTxResult res;

    len = MIN(len, (size_t)SPAPR_DR_CC_WA_LEN - off);
    res = address_space_write(&address_space_memory, wa + off, buf, len);
    (void)res;          /* the work area was checked to be guest RAM */
}

/* The device's fragment, built on the first configure-connector call. */
static int cc_fragment_write(void *fdt, void *opaque)
{
    SpaprDrc *drc = opaque;
    int off = drc->populate(drc, fdt, 0);

    return off < 0 ? off : 0;
}

static bool cc_build_fragment(SpaprDrc *drc)
{
    Error *err = NULL;
    void *fdt;
    int off;

    if (!drc->populate) {
        return false;
    }
    fdt = spapr_fdt_build(cc_fragment_write, drc, 4096, &err);
    if (!fdt) {
        trace_spapr_drc_fragment_failed(spapr_drc_index(drc),
                                        error_get_pretty(err));
        error_free(err);
        return false;
    }
    off = fdt_first_subnode(fdt, 0);
    if (off < 0) {
        g_free(fdt);
        return false;
    }
    drc->fdt = fdt;
    drc->fdt_start_offset = off;
    drc->ccs_offset = off;
    drc->ccs_depth = 0;
    return true;
}

/* One step of the walk: the response, with the work area filled. */
static int32_t cc_step(SpaprDrc *drc, target_ulong wa)
{
    for (;;) {
        int next = drc->ccs_offset;
        uint32_t tag = fdt_next_tag(drc->fdt, drc->ccs_offset, &next);
        const struct fdt_property *prop;
        const char *name;
        int len;

        switch (tag) {
        case FDT_BEGIN_NODE:
            drc->ccs_depth++;
            name = fdt_get_name(drc->fdt, drc->ccs_offset, NULL);
            if (!name) {
                return SPAPR_DR_CC_RESPONSE_ERROR;
            }
            rtas_st(wa, 2, SPAPR_DR_CC_VAL_DATA_OFFSET);
            cc_store(wa, SPAPR_DR_CC_VAL_DATA_OFFSET, name, strlen(name) + 1);
            drc->ccs_offset = next;
            return SPAPR_DR_CC_RESPONSE_NEXT_CHILD;
        case FDT_END_NODE:
            drc->ccs_depth--;
            if (drc->ccs_depth > 0) {
                drc->ccs_offset = next;
                return SPAPR_DR_CC_RESPONSE_PREV_PARENT;
            }
            /* Done: configured, and the walk can be replayed. */
            drc->state = spapr_drc_ready_state(drc);
            drc->ccs_offset = drc->fdt_start_offset;
            drc->ccs_depth = 0;
            trace_spapr_drc_configured(spapr_drc_index(drc));
            return SPAPR_DR_CC_RESPONSE_SUCCESS;
        case FDT_PROP: {
            uint32_t data_off;

            prop = fdt_get_property_by_offset(drc->fdt, drc->ccs_offset, &len);
            if (!prop) {
                return SPAPR_DR_CC_RESPONSE_ERROR;
            }
            name = fdt_string(drc->fdt, fdt32_to_cpu(prop->nameoff));
            if (!name) {
                return SPAPR_DR_CC_RESPONSE_ERROR;
            }
            data_off = SPAPR_DR_CC_VAL_DATA_OFFSET + strlen(name) + 1;
            /* The name and the whole value must fit the 4 KiB work area. */
            if (len < 0 || data_off > SPAPR_DR_CC_WA_LEN ||
                (uint32_t)len > SPAPR_DR_CC_WA_LEN - data_off) {
                return SPAPR_DR_CC_RESPONSE_ERROR;
            }
            rtas_st(wa, 2, SPAPR_DR_CC_VAL_DATA_OFFSET);
            cc_store(wa, SPAPR_DR_CC_VAL_DATA_OFFSET, name, strlen(name) + 1);
            rtas_st(wa, 3, len);
            rtas_st(wa, 4, data_off);
            cc_store(wa, data_off, prop->data, len);
            drc->ccs_offset = next;
            return SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY;
        }
        case FDT_NOP:
            drc->ccs_offset = next;
            continue;
        default:                /* FDT_END or a broken tree */
            return SPAPR_DR_CC_RESPONSE_ERROR;
        }
    }
}

/*
 * ibm,configure-connector: work-area address (low cell, high cell) ->
 * status.  The 4 KiB work area must be guest RAM (QEMU does not check;
 * we answer PARAM_ERROR and touch nothing).
 */
static void rtas_ibm_configure_connector(SpaprMachineState *spapr,
                                         uint32_t token, uint32_t nargs,
                                         target_ulong args, uint32_t nret,
                                         target_ulong rets)
{
    uint64_t wa;
    SpaprDrc *drc;
    int32_t rc;

    if (nargs != 2 || nret != 1) {
        trace_spapr_drc_rtas_bad_cells("ibm,configure-connector", nargs, nret);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    wa = ((uint64_t)rtas_ld(args, 1) << 32) | rtas_ld(args, 0);
    wa &= ~0xF000000000000000ULL;       /* real mode, as rtas_ld() */
    if (!spapr_gpa_range_in_ram(spapr, wa, SPAPR_DR_CC_WA_LEN)) {
        trace_spapr_drc_cc_bad_work_area(wa);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    drc = spapr_drc_by_index(spapr, rtas_ld(wa, 0));
    if (!drc) {
        trace_spapr_drc_no_such_drc("ibm,configure-connector",
                                    rtas_ld(wa, 0));
        rc = RTAS_OUT_PARAM_ERROR;
    } else if (drc->state != SPAPR_DRC_STATE_PHYSICAL_UNISOLATE &&
               drc->state != SPAPR_DRC_STATE_PHYSICAL_CONFIGURED &&
               drc->state != SPAPR_DRC_STATE_LOGICAL_UNISOLATE &&
               drc->state != SPAPR_DRC_STATE_LOGICAL_CONFIGURED) {
        rc = SPAPR_DR_CC_RESPONSE_NOT_CONFIGURABLE;
    } else if (!drc->dev || (!drc->fdt && !cc_build_fragment(drc))) {
        rc = SPAPR_DR_CC_RESPONSE_ERROR;
    } else {
        rc = cc_step(drc, wa);
    }
    trace_spapr_drc_configure_connector(rtas_ld(wa, 0), rc);
    rtas_st(rets, 0, rc);
}

void spapr_drc_init(SpaprMachineState *spapr)
{
    spapr->drcs = g_hash_table_new(NULL, NULL);
    spapr_rtas_register(spapr, RTAS_SET_INDICATOR, "set-indicator",
                        rtas_set_indicator);
    spapr_rtas_register(spapr, RTAS_GET_SENSOR_STATE, "get-sensor-state",
                        rtas_get_sensor_state);
    spapr_rtas_register(spapr, RTAS_IBM_CONFIGURE_CONNECTOR,
                        "ibm,configure-connector",
                        rtas_ibm_configure_connector);
}
