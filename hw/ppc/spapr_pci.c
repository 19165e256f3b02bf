/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sPAPR PCI host bridge: placement, PCI windows, DMA windows, RTAS config. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/range.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_drc.h"
#include "hw/ppc/spapr_events.h"
#include "trace.h"

/* MSI window size under TCG (QEMU uses the host page size under KVM). */
#define SPAPR_PCI_MSI_WINDOW_SIZE   0x1000ULL

/* "index" not set: QEMU's default, refused at realize. */
#define SPAPR_PCI_INDEX_UNSET       UINT32_MAX

/* ---- registry ---------------------------------------------------------- */

SpaprPhbState *spapr_pci_find_phb(SpaprMachineState *spapr, uint64_t buid)
{
    if (!spapr || !spapr->phbs) {
        return NULL;
    }
    return g_hash_table_lookup(spapr->phbs, &buid);
}

PCIDevice *spapr_pci_find_dev(SpaprMachineState *spapr, uint64_t buid,
                              uint32_t config_addr)
{
    SpaprPhbState *phb = spapr_pci_find_phb(spapr, buid);

    if (!phb || !phb->bus) {
        return NULL;
    }
    return pci_find_device(phb->bus, (config_addr >> 16) & 0xff,
                           (config_addr >> 8) & 0xff);
}

/* ---- DMA windows ------------------------------------------------------- */

unsigned spapr_phb_dma_windows_enabled(SpaprPhbState *phb)
{
    unsigned n = 0;

    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        if (phb->tcet[i] && spapr_tce_table_enabled(phb->tcet[i])) {
            n++;
        }
    }
    return n;
}

SpaprPhbState *spapr_phb_of_table(SpaprTceTable *tcet)
{
    Object *owner = OBJECT(tcet)->parent;
    SpaprPhbState *phb;

    if (!owner || !object_dynamic_cast(owner, TYPE_SPAPR_PCI_HOST_BRIDGE)) {
        return NULL;
    }
    phb = SPAPR_PCI_HOST_BRIDGE(owner);
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        if (phb->tcet[i] == tcet) {
            return phb;
        }
    }
    return NULL;
}

/*
 * Every window off, the default one back on, in one memory transaction: one
 * rebuild of the flat views, and consumers still see each old window go
 * (region_del) and the default one come back empty (region_add), because a
 * re-added IOMMU region never compares equal to its former self.
 */
void spapr_phb_dma_reset(SpaprPhbState *phb)
{
    SpaprTceTable *def = phb->tcet[0];

    memory_region_transaction_begin();
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        if (phb->tcet[i]) {
            spapr_tce_table_disable(phb->tcet[i]);
        }
    }
    /*
     * The geometry was checked at realize: enabling cannot fail, and no
     * consumer may veto the default window here (it marks it broken).
     */
    spapr_tce_table_enable_forced(def, SPAPR_TCE_PAGE_SHIFT, phb->dma_win_addr,
                           phb->dma_win_size >> SPAPR_TCE_PAGE_SHIFT,
                           &error_abort);
    memory_region_transaction_commit();
    def->def_win = true;
    trace_spapr_pci_dma_reset(phb->index, def->liobn, phb->dma_win_addr,
                              phb->dma_win_size);
}

/* Every device on the PHB shares its one DMA address space. */
static AddressSpace *spapr_pci_dma_iommu(PCIBus *bus, void *opaque, int devfn)
{
    SpaprPhbState *phb = opaque;

    return &phb->iommu_as;
}

/*
 * The MSI window.  Emulated MSI is out of scope: writes are ignored (and
 * traced), reads return 0.  The window exists so that the DMA address
 * space has QEMU's layout (a VFIO listener sees it as a non-IOMMU section).
 */
static uint64_t spapr_msi_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void spapr_msi_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    SpaprPhbState *phb = opaque;

    trace_spapr_pci_msi_write(phb->index, addr, val);
}

static const MemoryRegionOps spapr_msi_ops = {
    .read = spapr_msi_read,
    .write = spapr_msi_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- realize / unrealize ----------------------------------------------- */

/*
 * Everything the properties must satisfy, checked before anything is
 * created (validate, then commit).  docs/user/ddw.md lists the rules.
 */
static bool spapr_phb_check_props(SpaprPhbState *phb, SpaprMachineState *spapr,
                                  Error **errp)
{
    if (phb->index == SPAPR_PCI_INDEX_UNSET) {
        error_setg(errp, "\"index\" for PAPR PHB is mandatory (0..%d)",
                   SPAPR_PCI_MAX_INDEX);
        return false;
    }
    if (phb->index > SPAPR_PCI_MAX_INDEX) {
        error_setg(errp, "\"index\" %u for PAPR PHB is too large (max %d)",
                   phb->index, SPAPR_PCI_MAX_INDEX);
        return false;
    }
    if (spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID + phb->index)) {
        error_setg(errp, "\"index\" %u is already used by another PHB",
                   phb->index);
        return false;
    }
    if (phb->mem_win_size > SPAPR_PCI_MEM32_WIN_SIZE) {
        error_setg(errp, "32-bit memory window of size 0x%" PRIx64
                   " (max 2 GiB)", phb->mem_win_size);
        return false;
    }
    if (phb->mem64_win_size > SPAPR_PCI_MEM64_WIN_SIZE) {
        error_setg(errp, "64-bit memory window of size 0x%" PRIx64
                   " (max 1 TiB)", phb->mem64_win_size);
        return false;
    }
    if (phb->io_win_size > SPAPR_PCI_IO_WIN_SIZE) {
        error_setg(errp, "IO window of size 0x%" PRIx64 " (max 64 KiB)",
                   phb->io_win_size);
        return false;
    }
    if (phb->numa_node != -1) {
        error_setg(errp, "Invalid NUMA node ID %d for PCI host bridge "
                   "(no NUMA node is configured)", phb->numa_node);
        return false;
    }
    /* A TCE maps 4 KiB at least: create would pass the pgsz check and
     * then fail to enable the table. */
    if (phb->page_size_mask & ((1ULL << SPAPR_TCE_PAGE_SHIFT) - 1)) {
        error_setg(errp, "pgsz 0x%" PRIx64 " has page sizes below 4 KiB",
                   phb->page_size_mask);
        return false;
    }
    if (!phb->dma_win_size || phb->dma_win_size & SPAPR_TCE_PAGE_MASK) {
        error_setg(errp, "dma_win_size 0x%" PRIx64 " must be a non-zero "
                   "multiple of 4 KiB", phb->dma_win_size);
        return false;
    }
    if (phb->dma_win_size >> SPAPR_TCE_PAGE_SHIFT > UINT32_MAX) {
        error_setg(errp, "dma_win_size 0x%" PRIx64 " needs more than 2^32-1 "
                   "TCEs of 4 KiB", phb->dma_win_size);
        return false;
    }
    if (phb->dma_win_addr & SPAPR_TCE_PAGE_MASK ||
        phb->dma64_win_addr & SPAPR_TCE_PAGE_MASK) {
        error_setg(errp, "dma_win_addr 0x%" PRIx64 " and dma64_win_addr 0x%"
                   PRIx64 " must be multiples of 4 KiB", phb->dma_win_addr,
                   phb->dma64_win_addr);
        return false;
    }
    if (phb->dma_win_addr + phb->dma_win_size - 1 < phb->dma_win_addr) {
        error_setg(errp, "default DMA window 0x%" PRIx64 "+0x%" PRIx64
                   " wraps past 2^64", phb->dma_win_addr, phb->dma_win_size);
        return false;
    }
    if (ranges_overlap64(phb->dma_win_addr, phb->dma_win_size,
                         phb->dma64_win_addr, 1)) {
        error_setg(errp, "default DMA window 0x%" PRIx64 "+0x%" PRIx64
                   " overlaps dma64_win_addr 0x%" PRIx64, phb->dma_win_addr,
                   phb->dma_win_size, phb->dma64_win_addr);
        return false;
    }
    if (ranges_overlap64(phb->dma_win_addr, phb->dma_win_size,
                         SPAPR_PCI_MSI_WINDOW, SPAPR_PCI_MSI_WINDOW_SIZE)) {
        error_setg(errp, "default DMA window 0x%" PRIx64 "+0x%" PRIx64
                   " overlaps the MSI window at 0x%" PRIx64,
                   phb->dma_win_addr, phb->dma_win_size,
                   (uint64_t)SPAPR_PCI_MSI_WINDOW);
        return false;
    }
    return true;
}

/* Undo whatever realize set up (also its partial work on failure). */
static void spapr_phb_teardown(SpaprPhbState *phb)
{
    MemoryRegion *sysmem = get_system_memory();

    if (phb->bus) {
        object_unparent(OBJECT(phb->bus));
        phb->bus = NULL;
    }
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        SpaprTceTable *tcet = phb->tcet[i];

        if (!tcet) {
            continue;
        }
        spapr_tce_table_disable(tcet);
        memory_region_del_subregion(&phb->iommu_root, spapr_tce_get_iommu(tcet));
        spapr_tce_table_destroy(tcet);
        phb->tcet[i] = NULL;
    }
    if (!phb->dtbusname) {
        return;
    }
    address_space_destroy(&phb->iommu_as);
    memory_region_del_subregion(&phb->iommu_root, &phb->msiwindow);
    memory_region_finalize(&phb->msiwindow);
    memory_region_finalize(&phb->iommu_root);
    memory_region_del_subregion(sysmem, &phb->iowindow);
    memory_region_finalize(&phb->iowindow);
    memory_region_del_subregion(sysmem, &phb->mem32window);
    memory_region_finalize(&phb->mem32window);
    if (memory_region_is_mapped(&phb->mem64window)) {
        memory_region_del_subregion(sysmem, &phb->mem64window);
    }
    memory_region_finalize(&phb->mem64window);
    memory_region_finalize(&phb->iospace);
    memory_region_finalize(&phb->memspace);
    g_free(phb->dtbusname);
    phb->dtbusname = NULL;
}

/* PCI memory and I/O spaces and their windows in system memory. */
static void spapr_phb_init_pci_windows(SpaprPhbState *phb)
{
    MemoryRegion *sysmem = get_system_memory();
    Object *owner = OBJECT(phb);
    g_autofree char *mmio = g_strdup_printf("%s.mmio", phb->dtbusname);
    g_autofree char *mmio32 = g_strdup_printf("%s.mmio32-alias", phb->dtbusname);
    g_autofree char *mmio64 = g_strdup_printf("%s.mmio64-alias", phb->dtbusname);
    g_autofree char *io = g_strdup_printf("%s.io", phb->dtbusname);
    g_autofree char *ioalias = g_strdup_printf("%s.io-alias", phb->dtbusname);

    memory_region_init(&phb->memspace, owner, mmio, UINT64_MAX);
    memory_region_init(&phb->iospace, owner, io, SPAPR_PCI_IO_WIN_SIZE);

    memory_region_init_alias(&phb->mem32window, owner, mmio32, &phb->memspace,
                             SPAPR_PCI_MEM_WIN_BUS_OFFSET, phb->mem_win_size);
    memory_region_add_subregion(sysmem, phb->mem_win_addr, &phb->mem32window);

    /* The 64-bit window maps PCI addresses 1:1; size 0 disables it. */
    memory_region_init_alias(&phb->mem64window, owner, mmio64, &phb->memspace,
                             phb->mem64_win_addr, phb->mem64_win_size);
    if (phb->mem64_win_size) {
        memory_region_add_subregion(sysmem, phb->mem64_win_addr,
                                    &phb->mem64window);
    }

    memory_region_init_alias(&phb->iowindow, owner, ioalias, &phb->iospace, 0,
                             phb->io_win_size);
    memory_region_add_subregion(sysmem, phb->io_win_addr, &phb->iowindow);
}

/*
 * The DMA side (docs/user/ddw.md, "DMA address space"): root region,
 * address space, MSI window, then one TCE table per window with its root
 * at offset 0.  The roots are added after the MSI window: at equal
 * priority the later region wins, so a window that covers 4 TiB takes
 * precedence over the MSI window there; elsewhere the empty roots let the
 * MSI window show through.
 */
static bool spapr_phb_init_dma(SpaprPhbState *phb, SpaprMachineState *spapr,
                               Error **errp)
{
    Object *owner = OBJECT(phb);
    g_autofree char *root = g_strdup_printf("%s.iommu-root", phb->dtbusname);
    unsigned windows = phb->ddw_enabled ? SPAPR_PCI_DMA_MAX_WINDOWS : 1;

    memory_region_init(&phb->iommu_root, owner, root, UINT64_MAX);
    address_space_init(&phb->iommu_as, &phb->iommu_root, phb->dtbusname);
    memory_region_init_io(&phb->msiwindow, owner, &spapr_msi_ops, phb, "msi",
                          SPAPR_PCI_MSI_WINDOW_SIZE);
    memory_region_add_subregion(&phb->iommu_root, SPAPR_PCI_MSI_WINDOW,
                                &phb->msiwindow);

    for (unsigned i = 0; i < windows; i++) {
        SpaprTceTable *tcet = spapr_tce_new_table(spapr, DEVICE(phb),
                                                  phb->dma_liobn[i], errp);

        if (!tcet) {
            return false;
        }
        phb->tcet[i] = tcet;
        memory_region_add_subregion(&phb->iommu_root, 0,
                                    spapr_tce_get_iommu(tcet));
    }
    return true;
}

/* ---- PCI hotplug (docs/user/hotplug.md) --------------------------------- */

/* A DRC's device leaves: the PHB's unplug, then out of the tree. */
static void spapr_pci_release(DeviceState *dev)
{
    HotplugHandler *handler = qdev_get_hotplug_handler(dev);

    hotplug_handler_unplug(handler, dev, &error_abort);
    object_unparent(OBJECT(dev));
}

/* The configure-connector fragment: the boot-time node of the function. */
static int spapr_pci_drc_populate(SpaprDrc *drc, void *fdt, int parent_off)
{
    return spapr_pci_dt_device(SPAPR_PCI_HOST_BRIDGE(drc->owner),
                               PCI_DEVICE(drc->dev), fdt, parent_off);
}

static void spapr_phb_add_drcs(SpaprPhbState *phb)
{
    if (!phb->dr_enabled) {
        return;
    }
    for (unsigned devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        phb->drcs[devfn] = spapr_drc_new(phb->spapr,
                                         SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI,
                                         SPAPR_PCI_DRC_ID(phb->index, devfn),
                                         OBJECT(phb), spapr_pci_drc_populate,
                                         spapr_pci_release);
    }
}

static void spapr_phb_remove_drcs(SpaprPhbState *phb)
{
    for (unsigned devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (phb->drcs[devfn]) {
            spapr_drc_destroy(phb->drcs[devfn]);
            phb->drcs[devfn] = NULL;
        }
    }
}

static SpaprDrc *spapr_phb_drc_of(SpaprPhbState *phb, int devfn)
{
    return devfn >= 0 && devfn < PCI_DEVFN_MAX ? phb->drcs[devfn] : NULL;
}

/*
 * Checks only.  The devfn of an auto-placed function is not known yet
 * (-1): the PCI core refuses a taken slot itself then.
 */
static void spapr_phb_pci_pre_plug(HotplugHandler *handler, DeviceState *dev,
                                   Error **errp)
{
    SpaprPhbState *phb = SPAPR_PCI_HOST_BRIDGE(handler);
    PCIDevice *pdev = PCI_DEVICE(dev);
    SpaprDrc *drc = spapr_phb_drc_of(phb, pdev->devfn);
    PCIDevice *fn0;

    if (!phb->dr_enabled && dev->hotplugged) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   object_get_typename(OBJECT(phb)));
        return;
    }
    if (pdev->devfn < 0) {
        return;
    }
    fn0 = phb->bus->devices[PCI_DEVFN(PCI_SLOT(pdev->devfn), 0)];
    if (dev->hotplugged && fn0 && PCI_FUNC(pdev->devfn) != 0) {
        error_setg(errp, "PCI: slot %d function 0 already occupied by %s, "
                   "additional functions can no longer be exposed to guest.",
                   PCI_SLOT(pdev->devfn), fn0->name);
        return;
    }
    if (drc && drc->dev) {
        error_setg(errp, "PCI: slot %d already occupied by %s",
                   PCI_SLOT(pdev->devfn), fn0 ? fn0->name :
                   PCI_DEVICE(drc->dev)->name);
    }
}

static void spapr_phb_pci_plug(HotplugHandler *handler, DeviceState *dev,
                               Error **errp)
{
    SpaprPhbState *phb = SPAPR_PCI_HOST_BRIDGE(handler);
    PCIDevice *pdev = PCI_DEVICE(dev);
    SpaprDrc *drc = spapr_phb_drc_of(phb, pdev->devfn);
    unsigned slot = PCI_SLOT(pdev->devfn);

    if (!drc) {
        return;                 /* dynamic-reconfiguration=off */
    }
    spapr_drc_attach(drc, dev);
    if (!dev->hotplugged) {
        spapr_drc_reset(drc);   /* cold plug: ready at once */
        return;
    }
    /* Function 0 announces every present function of its slot. */
    if (PCI_FUNC(pdev->devfn) == 0) {
        for (unsigned fn = 0; fn < PCI_FUNC_MAX; fn++) {
            SpaprDrc *f = phb->drcs[PCI_DEVFN(slot, fn)];

            if (spapr_drc_entity_sense(f) == SPAPR_DR_ENTITY_SENSE_PRESENT) {
                spapr_hotplug_req_add_by_index(f);
            }
        }
    }
}

static void spapr_phb_pci_unplug(HotplugHandler *handler, DeviceState *dev,
                                 Error **errp)
{
    /* Back to idle before it goes, as QEMU does for slow guests. */
    device_cold_reset(dev);
    qdev_unrealize(dev);
}

static void spapr_phb_pci_unplug_request(HotplugHandler *handler,
                                         DeviceState *dev, Error **errp)
{
    SpaprPhbState *phb = SPAPR_PCI_HOST_BRIDGE(handler);
    PCIDevice *pdev = PCI_DEVICE(dev);
    SpaprDrc *drc = spapr_phb_drc_of(phb, pdev->devfn);
    unsigned slot = PCI_SLOT(pdev->devfn);
    /* The request may release @dev at once: nothing reads it afterwards. */
    bool fn0 = PCI_FUNC(pdev->devfn) == 0;

    if (!phb->dr_enabled || !drc || drc->dev != dev) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   object_get_typename(OBJECT(phb)));
        return;
    }
    if (spapr_drc_unplug_requested(drc)) {
        error_setg(errp, "PCI device unplug already in progress for device %s",
                   dev->id ? dev->id : "(null)");
        return;
    }
    /* Function 0 takes the other functions of its slot with it. */
    if (fn0) {
        for (unsigned fn = 1; fn < PCI_FUNC_MAX; fn++) {
            SpaprDrc *f = phb->drcs[PCI_DEVFN(slot, fn)];

            if (spapr_drc_entity_sense(f) == SPAPR_DR_ENTITY_SENSE_PRESENT &&
                !spapr_drc_unplug_requested(f)) {
                spapr_drc_unplug_request(f);
            }
        }
    }
    spapr_drc_unplug_request(drc);
    if (fn0) {
        for (int fn = PCI_FUNC_MAX - 1; fn >= 0; fn--) {
            SpaprDrc *f = phb->drcs[PCI_DEVFN(slot, fn)];

            if (spapr_drc_entity_sense(f) == SPAPR_DR_ENTITY_SENSE_PRESENT) {
                spapr_hotplug_req_remove_by_index(f);
            }
        }
    }
}

static void spapr_phb_realize(DeviceState *dev, Error **errp)
{
    SpaprPhbState *phb = SPAPR_PCI_HOST_BRIDGE(dev);
    Object *machine = qdev_get_machine();
    SpaprMachineState *spapr;

    if (!machine || !object_dynamic_cast(machine, TYPE_SPAPR_MACHINE)) {
        error_setg(errp, "%s needs the pseries machine",
                   TYPE_SPAPR_PCI_HOST_BRIDGE);
        return;
    }
    spapr = SPAPR_MACHINE(machine);
    if (!spapr_phb_check_props(phb, spapr, errp)) {
        return;
    }

    /* Placement from the index alone (docs/user/ddw.md, "Placement"). */
    phb->buid = SPAPR_PCI_BASE_BUID + phb->index;
    phb->dtbusname = g_strdup_printf("pci@%" PRIx64, phb->buid);
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        phb->dma_liobn[i] = SPAPR_PCI_LIOBN(phb->index, i);
    }
    phb->io_win_addr = SPAPR_PCI_BASE + phb->index * SPAPR_PCI_IO_WIN_SIZE;
    phb->mem_win_addr = SPAPR_PCI_BASE +
                        (phb->index + 1ULL) * SPAPR_PCI_MEM32_WIN_SIZE;
    phb->mem64_win_addr = SPAPR_PCI_BASE +
                          (phb->index + 1ULL) * SPAPR_PCI_MEM64_WIN_SIZE;

    spapr_phb_init_pci_windows(phb);
    if (!spapr_phb_init_dma(phb, spapr, errp)) {
        spapr_phb_teardown(phb);
        return;
    }

    /* The root bus is "<id>.0", or "pci.N" for a PHB without an id. */
    phb->bus = pci_root_bus_new(dev, NULL, &phb->memspace, &phb->iospace, 0);
    pci_setup_iommu(phb->bus, spapr_pci_dma_iommu, phb);

    phb->spapr = spapr;
    g_hash_table_insert(spapr->phbs, &phb->buid, phb);
    /* The PHB plugs the devices of its bus (checks, DRCs, events). */
    qbus_set_hotplug_handler(BUS(phb->bus), OBJECT(phb));
    spapr_phb_add_drcs(phb);
    trace_spapr_pci_realize(phb->index, phb->buid, phb->dma_liobn[0],
                            phb->ddw_enabled);
}

static void spapr_phb_unrealize(DeviceState *dev)
{
    SpaprPhbState *phb = SPAPR_PCI_HOST_BRIDGE(dev);

    trace_spapr_pci_unrealize(phb->index);
    spapr_phb_remove_drcs(phb);
    if (phb->spapr) {
        g_hash_table_remove(phb->spapr->phbs, &phb->buid);
        phb->spapr = NULL;
    }
    spapr_phb_teardown(phb);
}

/*
 * PHB reset (docs/user/ddw.md, "DMA reset"): the DMA reset, then a reset
 * of the TCE tables (they are QOM children, not on a bus); the devices on
 * the root bus are reset by device_cold_reset() after this returns.
 */
static void spapr_phb_reset(DeviceState *dev)
{
    SpaprPhbState *phb = SPAPR_PCI_HOST_BRIDGE(dev);

    spapr_phb_dma_reset(phb);
    for (unsigned i = 0; i < SPAPR_PCI_DMA_MAX_WINDOWS; i++) {
        if (phb->tcet[i]) {
            device_cold_reset(DEVICE(phb->tcet[i]));
        }
    }
}

static const Property spapr_phb_props[] = {
    DEFINE_PROP_UINT32("index", SpaprPhbState, index, SPAPR_PCI_INDEX_UNSET),
    DEFINE_PROP_SIZE("mem_win_size", SpaprPhbState, mem_win_size,
                     SPAPR_PCI_MEM32_WIN_SIZE),
    DEFINE_PROP_SIZE("mem64_win_size", SpaprPhbState, mem64_win_size,
                     SPAPR_PCI_MEM64_WIN_SIZE),
    DEFINE_PROP_SIZE("io_win_size", SpaprPhbState, io_win_size,
                     SPAPR_PCI_IO_WIN_SIZE),
    DEFINE_PROP_BOOL("dynamic-reconfiguration", SpaprPhbState, dr_enabled,
                     true),
    DEFINE_PROP_UINT64("dma_win_addr", SpaprPhbState, dma_win_addr, 0),
    DEFINE_PROP_UINT64("dma_win_size", SpaprPhbState, dma_win_size,
                       SPAPR_PCI_DMA_WIN_SIZE_DEFAULT),
    DEFINE_PROP_UINT64("dma64_win_addr", SpaprPhbState, dma64_win_addr,
                       SPAPR_PCI_DMA64_WIN_ADDR_DEFAULT),
    DEFINE_PROP_BOOL("ddw", SpaprPhbState, ddw_enabled, true),
    DEFINE_PROP_UINT64("pgsz", SpaprPhbState, page_size_mask,
                       SPAPR_PCI_PGSZ_DEFAULT),
    DEFINE_PROP_INT32("numa_node", SpaprPhbState, numa_node, -1),
    DEFINE_PROP_BOOL("pcie-extended-configuration-space", SpaprPhbState,
                     pcie_ecs, true),
};

static void spapr_phb_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(oc);

    dc->desc = "sPAPR PCI host bridge (PHB) with its DMA windows";
    hc->pre_plug = spapr_phb_pci_pre_plug;
    hc->plug = spapr_phb_pci_plug;
    hc->unplug_request = spapr_phb_pci_unplug_request;
    hc->unplug = spapr_phb_pci_unplug;
    dc->realize = spapr_phb_realize;
    dc->unrealize = spapr_phb_unrealize;
    device_class_set_legacy_reset(dc, spapr_phb_reset);
    dc->user_creatable = true;
    dc->hotpluggable = true;
    device_class_set_props(dc, spapr_phb_props);
}

static const TypeInfo spapr_phb_info = {
    .name = TYPE_SPAPR_PCI_HOST_BRIDGE,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SpaprPhbState),
    .class_init = spapr_phb_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_HOTPLUG_HANDLER },
        { NULL },
    },
};

static void spapr_phb_register_types(void)
{
    type_register_static(&spapr_phb_info);
}

type_init(spapr_phb_register_types)

SpaprPhbState *spapr_phb_create_default(SpaprMachineState *spapr,
                                        Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_SPAPR_PCI_HOST_BRIDGE);

    qdev_prop_set_uint32(dev, "index", 0);
    if (!sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), errp)) {
        return NULL;
    }
    return SPAPR_PCI_HOST_BRIDGE(dev);
}

/* ---- RTAS: PCI configuration space ------------------------------------ */

/*
 * Register number: bits 7:0 of the config address, extended by its bits
 * 31:28 as register bits 11:8 (Linux's rtas_config_addr() encoding).
 */
static uint32_t rtas_pci_cfgaddr(uint32_t config_addr)
{
    return ((config_addr >> 20) & 0xf00) | (config_addr & 0xff);
}

/*
 * QEMU's rules (spapr_pci.c): a size other than 1, 2 or 4, no device at
 * the address, a misaligned register or one beyond the device's config
 * space give HW_ERROR and leave rets[1] unwritten (Linux then reads ~0).
 */
static PCIDevice *spapr_pci_config_target(SpaprMachineState *spapr,
                                          uint64_t buid, uint32_t config_addr,
                                          uint32_t size, uint32_t *reg)
{
    PCIDevice *dev;

    if (size != 1 && size != 2 && size != 4) {
        trace_spapr_pci_config_bad(buid, config_addr, size, "size");
        return NULL;
    }
    dev = spapr_pci_find_dev(spapr, buid, config_addr);
    *reg = rtas_pci_cfgaddr(config_addr);
    if (!dev) {
        trace_spapr_pci_config_bad(buid, config_addr, size, "no device");
        return NULL;
    }
    if (*reg % size || *reg >= pci_config_size(dev)) {
        trace_spapr_pci_config_bad(buid, config_addr, size, "register");
        return NULL;
    }
    return dev;
}

static void spapr_pci_config_read(SpaprMachineState *spapr, uint64_t buid,
                                  uint32_t config_addr, uint32_t size,
                                  target_ulong rets)
{
    uint32_t reg, val;
    PCIDevice *dev = spapr_pci_config_target(spapr, buid, config_addr, size,
                                             &reg);

    if (!dev) {
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    val = pci_host_config_read_common(dev, reg, pci_config_size(dev), size);
    trace_spapr_pci_config_read(buid, config_addr, size, val);
    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
    rtas_st(rets, 1, val);
}

static void spapr_pci_config_write(SpaprMachineState *spapr, uint64_t buid,
                                   uint32_t config_addr, uint32_t size,
                                   uint32_t val, target_ulong rets)
{
    uint32_t reg;
    PCIDevice *dev = spapr_pci_config_target(spapr, buid, config_addr, size,
                                             &reg);

    if (!dev) {
        rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
        return;
    }
    trace_spapr_pci_config_write(buid, config_addr, size, val);
    pci_host_config_write_common(dev, reg, pci_config_size(dev), val, size);
    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
}

/*
 * Wrong nargs/nret: HW_ERROR in rets[0].  QEMU has answered -1 here since
 * these calls exist (the DDW calls answer -3); a guest sees only failure.
 */
static bool rtas_pci_check_cells(const char *name, uint32_t nargs,
                                 uint32_t want_args, uint32_t nret,
                                 uint32_t want_ret, target_ulong rets)
{
    if (nargs == want_args && nret == want_ret) {
        return true;
    }
    trace_spapr_pci_rtas_bad_cells(name, nargs, nret);
    rtas_st(rets, 0, RTAS_OUT_HW_ERROR);
    return false;
}

static uint64_t rtas_ld_buid(target_ulong args, int n)
{
    return ((uint64_t)rtas_ld(args, n) << 32) | rtas_ld(args, n + 1);
}

/* ibm,read-pci-config: config_addr, BUID hi, BUID lo, size -> status, value */
static void rtas_ibm_read_pci_config(SpaprMachineState *spapr, uint32_t token,
                                     uint32_t nargs, target_ulong args,
                                     uint32_t nret, target_ulong rets)
{
    if (rtas_pci_check_cells("ibm,read-pci-config", nargs, 4, nret, 2, rets)) {
        spapr_pci_config_read(spapr, rtas_ld_buid(args, 1), rtas_ld(args, 0),
                              rtas_ld(args, 3), rets);
    }
}

/* ibm,write-pci-config: config_addr, BUID hi, BUID lo, size, value -> status */
static void rtas_ibm_write_pci_config(SpaprMachineState *spapr, uint32_t token,
                                      uint32_t nargs, target_ulong args,
                                      uint32_t nret, target_ulong rets)
{
    if (rtas_pci_check_cells("ibm,write-pci-config", nargs, 5, nret, 1, rets)) {
        spapr_pci_config_write(spapr, rtas_ld_buid(args, 1), rtas_ld(args, 0),
                               rtas_ld(args, 3), rtas_ld(args, 4), rets);
    }
}

/*
 * read-pci-config / write-pci-config (no BUID): the default PHB (index 0).
 * Modern QEMU looks up BUID 0 here and so always fails; the PAPR calls
 * address "the" PCI bus, which is the default PHB's (docs/user/ddw.md).
 */
static void rtas_read_pci_config(SpaprMachineState *spapr, uint32_t token,
                                 uint32_t nargs, target_ulong args,
                                 uint32_t nret, target_ulong rets)
{
    if (rtas_pci_check_cells("read-pci-config", nargs, 2, nret, 2, rets)) {
        spapr_pci_config_read(spapr, SPAPR_PCI_BASE_BUID, rtas_ld(args, 0),
                              rtas_ld(args, 1), rets);
    }
}

static void rtas_write_pci_config(SpaprMachineState *spapr, uint32_t token,
                                  uint32_t nargs, target_ulong args,
                                  uint32_t nret, target_ulong rets)
{
    if (rtas_pci_check_cells("write-pci-config", nargs, 3, nret, 1, rets)) {
        spapr_pci_config_write(spapr, SPAPR_PCI_BASE_BUID, rtas_ld(args, 0),
                               rtas_ld(args, 1), rtas_ld(args, 2), rets);
    }
}

void spapr_pci_rtas_init(SpaprMachineState *spapr)
{
    spapr_rtas_register(spapr, RTAS_READ_PCI_CONFIG, "read-pci-config",
                        rtas_read_pci_config);
    spapr_rtas_register(spapr, RTAS_WRITE_PCI_CONFIG, "write-pci-config",
                        rtas_write_pci_config);
    spapr_rtas_register(spapr, RTAS_IBM_READ_PCI_CONFIG, "ibm,read-pci-config",
                        rtas_ibm_read_pci_config);
    spapr_rtas_register(spapr, RTAS_IBM_WRITE_PCI_CONFIG,
                        "ibm,write-pci-config", rtas_ibm_write_pci_config);
}
