/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pseries machine: guest RAM, hypercall/RTAS tables, LIOBN registry, reset. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_drc.h"
#include "hw/ppc/spapr_events.h"
#include "trace.h"

/* pseries guests see RAM in 256 MiB logical memory blocks. */
#define SPAPR_MEMORY_BLOCK_SIZE (256ULL << 20)

static SpaprMachineState *current_spapr;

SpaprMachineState *spapr_machine(void)
{
    return current_spapr;
}

/*
 * Walk the flat view of system memory from @gpa: each step is one binary
 * search and moves to the end of a RAM section, so a range that lies in
 * one RAM region (the usual case) costs a single lookup.
 */
bool spapr_gpa_range_in_ram(SpaprMachineState *spapr, hwaddr gpa, hwaddr len)
{
    hwaddr last, addr = gpa;
    MemoryRegionSection s;

    if (len == 0) {
        return true;
    }
    last = gpa + (len - 1);
    if (last < gpa) {
        return false;
    }
    for (;;) {
        hwaddr s_last;

        if (!address_space_find_section(&address_space_memory, addr, &s) ||
            !memory_region_is_ram(s.mr)) {
            return false;
        }
        s_last = memory_region_section_last(&s);
        if (s_last >= last) {
            return true;
        }
        addr = s_last + 1;
    }
}

typedef struct SpaprChoice {
    const char *name;
    ptrdiff_t offset;
    const char *const *values;
} SpaprChoice;

static const char *const cap_cfpc_values[] = { "broken", "workaround", "fixed", NULL };
static const char *const cap_ibs_values[] = {
    "broken", "workaround", "fixed-ibs", "fixed-ccd", "fixed-na", NULL
};
static const char *const ic_mode_values[] = { "xics", "xive", "dual", NULL };
static const char *const kvm_type_values[] = { "auto", "HV", "PR", NULL };
static const char *const resize_hpt_values[] = {
    "default", "disabled", "enabled", "required", NULL
};

/* String options whose value must be one of a fixed set, as in QEMU. */
static const SpaprChoice spapr_choices[] = {
    { "cap-cfpc", offsetof(SpaprMachineState, cap_cfpc), cap_cfpc_values },
    { "cap-sbbc", offsetof(SpaprMachineState, cap_sbbc), cap_cfpc_values },
    { "cap-ibs", offsetof(SpaprMachineState, cap_ibs), cap_ibs_values },
    { "ic-mode", offsetof(SpaprMachineState, ic_mode), ic_mode_values },
    { "kvm-type", offsetof(SpaprMachineState, kvm_type), kvm_type_values },
    { "resize-hpt", offsetof(SpaprMachineState, resize_hpt), resize_hpt_values },
};

static bool spapr_check_choices(SpaprMachineState *spapr, Error **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(spapr_choices); i++) {
        const SpaprChoice *c = &spapr_choices[i];
        const char *value = *(char **)((char *)spapr + c->offset);
        g_autofree char *list = NULL;

        if (!value || g_strv_contains(c->values, value)) {
            continue;
        }
        list = g_strjoinv(", ", (char **)c->values);
        error_setg(errp, "-M pseries,%s=%s: invalid value (one of: %s)",
                   c->name, value, list);
        return false;
    }
    return true;
}

static void spapr_phb_drcs_init(SpaprMachineState *spapr);

static void spapr_machine_init(MachineState *ms)
{
    SpaprMachineState *spapr = SPAPR_MACHINE(ms);
    Error *err = NULL;

    if (!spapr_check_choices(spapr, &err)) {
        error_report_err(err);
        exit(1);
    }
    if (ms->ram_size % SPAPR_MEMORY_BLOCK_SIZE) {
        error_report("-m: RAM size 0x%" PRIx64 " is not a multiple of the "
                     "256 MiB memory block size", ms->ram_size);
        exit(1);
    }
    /*
     * RAM starts at 0; the PHBs' PCI windows start at SPAPR_PCI_BASE
     * (32 TiB).  RAM reaching them would put device registers inside "guest
     * RAM" (and the later-added windows would hide that RAM anyway).
     */
    if (ms->ram_size > SPAPR_PCI_BASE) {
        error_report("-m: RAM size 0x%" PRIx64 " is too large: RAM must end "
                     "below the PCI windows at 0x%" PRIx64 " (max 32 TiB)",
                     ms->ram_size, (uint64_t)SPAPR_PCI_BASE);
        exit(1);
    }
    if (!memory_region_init_ram(&spapr->ram, OBJECT(ms), "ppc_spapr.ram",
                                ms->ram_size, &err)) {
        error_prepend(&err, "-m: ");
        error_report_err(err);
        exit(1);
    }
    memory_region_add_subregion(get_system_memory(), 0, &spapr->ram);

    spapr->tce_tables = g_hash_table_new(NULL, NULL);
    spapr->phbs = g_hash_table_new(g_int64_hash, g_int64_equal);
    spapr_hcall_init(spapr);
    spapr_rtas_init(spapr);
    spapr_tce_hcalls_init(spapr);
    spapr_pci_rtas_init(spapr);
    spapr_rtas_ddw_init(spapr);
    spapr_drc_init(spapr);
    spapr_events_init(spapr);
    spapr_phb_drcs_init(spapr);
    current_spapr = spapr;

    /* The default PHB exists even with -nodefaults, as in QEMU. */
    if (!spapr_phb_create_default(spapr, &err)) {
        error_prepend(&err, "default PHB: ");
        error_report_err(err);
        exit(1);
    }
    trace_spapr_machine_init(ms->ram_size);
}

/*
 * QEMU's order: the devices, then the DRCs (which completes pending
 * unplugs, outside any bus walk), then the events nobody fetched; the
 * tree is built last, without the devices just released.
 */
static void spapr_machine_reset(MachineState *ms)
{
    SpaprMachineState *spapr = SPAPR_MACHINE(ms);

    trace_spapr_machine_reset();
    qemu_devices_reset();
    spapr_drc_reset_all(spapr);
    spapr_clear_pending_events(spapr);
    spapr_fdt_reset(spapr);
}

/* ---- PHB hotplug through the PHB DRCs (docs/user/hotplug.md) ----------- */

static void spapr_phb_release(DeviceState *dev)
{
    HotplugHandler *handler = qdev_get_hotplug_handler(dev);

    hotplug_handler_unplug(handler, dev, &error_abort);
    object_unparent(OBJECT(dev));
}

static int spapr_phb_drc_populate(SpaprDrc *drc, void *fdt, int parent_off)
{
    return spapr_phb_dt_write(SPAPR_PCI_HOST_BRIDGE(drc->dev), fdt,
                              parent_off);
}

/* One logical DRC per possible PHB index, as QEMU creates them. */
static void spapr_phb_drcs_init(SpaprMachineState *spapr)
{
    for (uint32_t i = 0; i <= SPAPR_PCI_MAX_INDEX; i++) {
        spapr_drc_new(spapr, SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB, i, NULL,
                      spapr_phb_drc_populate, spapr_phb_release);
    }
}

static SpaprDrc *spapr_phb_drc(HotplugHandler *handler, DeviceState *dev)
{
    return spapr_drc_by_id(SPAPR_MACHINE(handler),
                           SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB,
                           SPAPR_PCI_HOST_BRIDGE(dev)->index);
}

static void spapr_machine_pre_plug(HotplugHandler *handler, DeviceState *dev,
                                   Error **errp)
{
    SpaprDrc *drc = spapr_phb_drc(handler, dev);

    if (drc && drc->dev) {
        error_setg(errp, "PHB %d already attached",
                   (int)SPAPR_PCI_HOST_BRIDGE(dev)->index);
    }
}

static void spapr_machine_plug(HotplugHandler *handler, DeviceState *dev,
                               Error **errp)
{
    SpaprDrc *drc = spapr_phb_drc(handler, dev);

    if (!drc) {
        return;                 /* realize refuses such an index */
    }
    spapr_drc_attach(drc, dev);
    if (dev->hotplugged) {
        spapr_hotplug_req_add_by_index(drc);
    } else {
        spapr_drc_reset(drc);
    }
}

static void spapr_machine_unplug_request(HotplugHandler *handler,
                                         DeviceState *dev, Error **errp)
{
    SpaprDrc *drc = spapr_phb_drc(handler, dev);

    if (!drc || drc->dev != dev) {
        error_setg(errp, "PHB hotplug not supported for this machine");
        return;
    }
    if (spapr_drc_unplug_requested(drc)) {
        error_setg(errp, "PCI Host Bridge unplug already in progress for "
                   "device %s", dev->id ? dev->id : "(null)");
        return;
    }
    spapr_drc_unplug_request(drc);
    spapr_hotplug_req_remove_by_index(drc);
}

static void spapr_machine_unplug(HotplugHandler *handler, DeviceState *dev,
                                 Error **errp)
{
    qdev_unrealize(dev);
}

static HotplugHandler *spapr_get_hotplug_handler(MachineState *ms,
                                                 DeviceState *dev)
{
    if (object_dynamic_cast(OBJECT(dev), TYPE_SPAPR_PCI_HOST_BRIDGE)) {
        return HOTPLUG_HANDLER(ms);
    }
    return NULL;
}

static void spapr_machine_finalize(Object *obj)
{
    SpaprMachineState *spapr = SPAPR_MACHINE(obj);

    if (current_spapr == spapr) {
        current_spapr = NULL;
    }
    if (spapr->drcs) {
        g_autoptr(GList) drcs = g_hash_table_get_values(spapr->drcs);

        for (GList *l = drcs; l; l = l->next) {
            spapr_drc_destroy(l->data);
        }
        g_hash_table_destroy(spapr->drcs);
        spapr->drcs = NULL;
        spapr_clear_pending_events(spapr);
    }
    if (spapr->tce_tables) {
        g_hash_table_destroy(spapr->tce_tables);
        g_hash_table_destroy(spapr->phbs);
        g_hash_table_destroy(spapr->hcalls);
        g_hash_table_destroy(spapr->hcalls_by_name);
        g_hash_table_destroy(spapr->rtas_by_name);
        if (memory_region_is_mapped(&spapr->ram)) {
            memory_region_del_subregion(get_system_memory(), &spapr->ram);
        }
        memory_region_finalize(&spapr->ram);
    }
    g_free(MACHINE(obj)->fdt);
    MACHINE(obj)->fdt = NULL;
}

static const Property spapr_machine_props[] = {
    DEFINE_PROP_BOOL("cap-htm", SpaprMachineState, cap_htm, false),
    DEFINE_PROP_BOOL("cap-vsx", SpaprMachineState, cap_vsx, true),
    DEFINE_PROP_BOOL("cap-dfp", SpaprMachineState, cap_dfp, true),
    DEFINE_PROP_STRING_DEFAULT("cap-cfpc", SpaprMachineState, cap_cfpc, "workaround"),
    DEFINE_PROP_STRING_DEFAULT("cap-sbbc", SpaprMachineState, cap_sbbc, "workaround"),
    DEFINE_PROP_STRING_DEFAULT("cap-ibs", SpaprMachineState, cap_ibs, "workaround"),
    DEFINE_PROP_SIZE("cap-hpt-max-page-size", SpaprMachineState,
                     cap_hpt_max_page_size, 16ULL << 20),
    DEFINE_PROP_BOOL("cap-nested-hv", SpaprMachineState, cap_nested_hv, false),
    DEFINE_PROP_BOOL("cap-large-decr", SpaprMachineState, cap_large_decr, true),
    DEFINE_PROP_BOOL("cap-ccf-assist", SpaprMachineState, cap_ccf_assist, true),
    DEFINE_PROP_BOOL("cap-fwnmi", SpaprMachineState, cap_fwnmi, true),
    DEFINE_PROP_BOOL("cap-rpt-invalidate", SpaprMachineState,
                     cap_rpt_invalidate, false),
    DEFINE_PROP_BOOL("cap-ail-mode-3", SpaprMachineState, cap_ail_mode_3, true),
    DEFINE_PROP_STRING_DEFAULT("ic-mode", SpaprMachineState, ic_mode, "dual"),
    DEFINE_PROP_STRING_DEFAULT("kvm-type", SpaprMachineState, kvm_type, "auto"),
    DEFINE_PROP_STRING("max-cpu-compat", SpaprMachineState, max_cpu_compat),
    DEFINE_PROP_STRING_DEFAULT("resize-hpt", SpaprMachineState, resize_hpt,
                               "default"),
    DEFINE_PROP_UINT32("vsmt", SpaprMachineState, vsmt, 0),
    DEFINE_PROP_STRING("dumpdtb", SpaprMachineState, dumpdtb),
    DEFINE_PROP_SIZE("tce-storage-limit", SpaprMachineState, tce_budget.limit,
                     SPAPR_TCE_STORAGE_LIMIT_DEFAULT),
};

static void spapr_machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(oc);

    mc->name = "pseries";
    mc->get_hotplug_handler = spapr_get_hotplug_handler;
    hc->pre_plug = spapr_machine_pre_plug;
    hc->plug = spapr_machine_plug;
    hc->unplug_request = spapr_machine_unplug_request;
    hc->unplug = spapr_machine_unplug;
    mc->desc = "pSeries Logical Partition (PAPR compliant)";
    mc->is_default = true;
    mc->default_ram_size = 1ULL << 30;
    machine_class_set_props(mc, spapr_machine_props);
    mc->init = spapr_machine_init;
    mc->reset = spapr_machine_reset;
}

static const TypeInfo spapr_machine_info = {
    .name = TYPE_SPAPR_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(SpaprMachineState),
    .instance_finalize = spapr_machine_finalize,
    .class_size = sizeof(MachineClass),
    .class_init = spapr_machine_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_HOTPLUG_HANDLER },
        { NULL },
    },
};

static void spapr_machine_register_types(void)
{
    type_register_static(&spapr_machine_info);
}

type_init(spapr_machine_register_types)
