/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-tree node of one sPAPR PHB (pci@<buid>) and of its PCI functions. */

#include "qemu/osdep.h"
#include <libfdt.h>
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_drc.h"
#include "trace.h"

/*
 * Open Firmware PCI bus binding: the first cell of a PCI address says which
 * space it is in (phys.hi "npt000ss bbbbbbbb dddddfff rrrrrrrr").
 */
#define OF_PCI_SPACE_CONFIG     0x00000000
#define OF_PCI_SPACE_IO         0x01000000
#define OF_PCI_SPACE_MEM32      0x02000000
#define OF_PCI_SPACE_MEM64      0x03000000

/*
 * MSIs a PE may use ("ibm,pe-total-#msi"): the size of the MSI range of
 * QEMU 7.2's interrupt controller, as observed (docs/user/device-tree.md).
 */
#define SPAPR_PHB_PE_TOTAL_MSI  0xd00

/* DRC index = type << 28 | id (docs/user/hotplug.md). */
static uint32_t spapr_phb_dt_drc_index(const SpaprPhbState *phb)
{
    return (SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB << SPAPR_DRC_INDEX_TYPE_SHIFT) |
           phb->index;
}

/* A function of the root bus (chassis 0): PHB index << 16 | devfn. */
static uint32_t spapr_pci_dt_drc_index(const SpaprPhbState *phb,
                                       unsigned devfn)
{
    return (SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI << SPAPR_DRC_INDEX_TYPE_SHIFT) |
           SPAPR_PCI_DRC_ID(phb->index, devfn);
}

/* Big-endian 64-bit value as two cells at @cells. */
static void spapr_fdt_cells64(fdt32_t *cells, uint64_t val)
{
    cells[0] = cpu_to_fdt32(val >> 32);
    cells[1] = cpu_to_fdt32((uint32_t)val);
}

/* One "ranges" entry: PCI address (3 cells), CPU address (2), size (2). */
static void spapr_phb_range(fdt32_t *cells, uint32_t space, uint64_t pci_addr,
                            uint64_t cpu_addr, uint64_t size)
{
    cells[0] = cpu_to_fdt32(space);
    spapr_fdt_cells64(&cells[1], pci_addr);
    spapr_fdt_cells64(&cells[3], cpu_addr);
    spapr_fdt_cells64(&cells[5], size);
}

/*
 * "ibm,dma-window" of the default window, from the PHB's properties (not
 * from the window's current state: DDW never shows in the tree, and the
 * tree is only built at reset, when the default window is the only one).
 * Unlike QEMU 7.2, which computes the size in 32 bits (a 4 GiB window
 * reads as 0), the two size cells carry the full 64-bit size.
 */
static int spapr_phb_dt_dma(SpaprPhbState *phb, void *fdt, int off)
{
    fdt32_t window[5];
    int ret;

    window[0] = cpu_to_fdt32(phb->dma_liobn[0]);
    spapr_fdt_cells64(&window[1], phb->dma_win_addr);
    spapr_fdt_cells64(&window[3], phb->dma_win_size);
    ret = fdt_setprop_cell(fdt, off, "ibm,#dma-address-cells", 2);
    if (ret < 0) {
        return ret;
    }
    ret = fdt_setprop_cell(fdt, off, "ibm,#dma-size-cells", 2);
    if (ret < 0) {
        return ret;
    }
    return fdt_setprop(fdt, off, "ibm,dma-window", window, sizeof(window));
}

/* The DDW advertisement (docs/user/device-tree.md): only with ddw=on. */
static int spapr_phb_dt_ddw(SpaprPhbState *phb, void *fdt, int off)
{
    const fdt32_t applicable[] = {
        cpu_to_fdt32(RTAS_IBM_QUERY_PE_DMA_WINDOW),
        cpu_to_fdt32(RTAS_IBM_CREATE_PE_DMA_WINDOW),
        cpu_to_fdt32(RTAS_IBM_REMOVE_PE_DMA_WINDOW),
    };
    /* Two extensions: the reset token, and "query returns 6 outputs". */
    const fdt32_t extensions[] = {
        cpu_to_fdt32(2),
        cpu_to_fdt32(RTAS_IBM_RESET_PE_DMA_WINDOW),
        cpu_to_fdt32(1),
    };
    int ret;

    if (!phb->ddw_enabled) {
        return 0;
    }
    ret = fdt_setprop(fdt, off, "ibm,ddw-applicable", applicable,
                      sizeof(applicable));
    if (ret < 0) {
        return ret;
    }
    return fdt_setprop(fdt, off, "ibm,ddw-extensions", extensions,
                       sizeof(extensions));
}

static int spapr_phb_dt_props(SpaprPhbState *phb, void *fdt, int off)
{
    const fdt32_t bus_range[] = { cpu_to_fdt32(0), cpu_to_fdt32(0xff) };
    fdt32_t reg[4];
    fdt32_t ranges[3 * 7];
    size_t nranges = 0;
    int ret;

    spapr_fdt_cells64(&reg[0], phb->buid);
    spapr_fdt_cells64(&reg[2], 0);
    spapr_phb_range(&ranges[7 * nranges++], OF_PCI_SPACE_IO, 0,
                    phb->io_win_addr, phb->io_win_size);
    spapr_phb_range(&ranges[7 * nranges++], OF_PCI_SPACE_MEM32,
                    SPAPR_PCI_MEM_WIN_BUS_OFFSET, phb->mem_win_addr,
                    phb->mem_win_size);
    if (phb->mem64_win_size) {
        /* The 64-bit window is mapped 1:1: PCI address = CPU address. */
        spapr_phb_range(&ranges[7 * nranges++], OF_PCI_SPACE_MEM64,
                        phb->mem64_win_addr, phb->mem64_win_addr,
                        phb->mem64_win_size);
    }

    if ((ret = fdt_setprop_string(fdt, off, "device_type", "pci")) < 0 ||
        (ret = fdt_setprop_string(fdt, off, "compatible",
                                  "IBM,Logical_PHB")) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "#address-cells", 3)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "#size-cells", 2)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "#interrupt-cells", 1)) < 0 ||
        (ret = fdt_setprop(fdt, off, "used-by-rtas", NULL, 0)) < 0 ||
        (ret = fdt_setprop(fdt, off, "bus-range", bus_range,
                           sizeof(bus_range))) < 0 ||
        (ret = fdt_setprop(fdt, off, "ranges", ranges,
                           nranges * 7 * sizeof(fdt32_t))) < 0 ||
        (ret = fdt_setprop(fdt, off, "reg", reg, sizeof(reg))) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "ibm,pci-config-space-type", 1)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "ibm,pe-total-#msi",
                                SPAPR_PHB_PE_TOTAL_MSI)) < 0 ||
        (ret = spapr_phb_dt_dma(phb, fdt, off)) < 0 ||
        (ret = spapr_phb_dt_ddw(phb, fdt, off)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "ibm,my-drc-index",
                                spapr_phb_dt_drc_index(phb))) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "qemu,phb-enumerated", 1)) < 0) {
        return ret;
    }
    return 0;
}

static uint16_t pci_cfg_word(const uint8_t *config, unsigned off)
{
    return config[off] | (config[off + 1] << 8);
}

/*
 * Node names of PCI functions by class (Open Firmware PCI binding, as QEMU
 * names them): base class << 8 | subclass.  Others are "pci<vendor>,<device>".
 */
static const struct {
    uint16_t class;
    const char *name;
} spapr_pci_dt_names[] = {
    { 0x0100, "scsi" }, { 0x0101, "ide" }, { 0x0102, "fdc" },
    { 0x0104, "raid" }, { 0x0105, "ata" }, { 0x0106, "sata" },
    { 0x0107, "sas" }, { 0x0108, "nvme" }, { 0x0180, "storage" },
    { 0x0200, "ethernet" }, { 0x0201, "token-ring" }, { 0x0202, "fddi" },
    { 0x0203, "atm" }, { 0x0280, "network" },
    { 0x0300, "vga" }, { 0x0301, "xga" }, { 0x0302, "3d-controller" },
    { 0x0380, "display" },
    { 0x0400, "video" }, { 0x0401, "sound" }, { 0x0403, "audio" },
    { 0x0480, "multimedia-device" },
    { 0x0500, "memory" }, { 0x0501, "flash" },
    { 0x0600, "host" }, { 0x0601, "isa" }, { 0x0604, "pci" },
    { 0x0680, "other" },
    { 0x0700, "serial" }, { 0x0701, "parallel" }, { 0x0703, "modem" },
    { 0x0780, "communication-controller" },
    { 0x0800, "interrupt-controller" }, { 0x0801, "dma-controller" },
    { 0x0802, "timer" }, { 0x0803, "rtc" },
    { 0x0880, "system-peripheral" },
    { 0x0900, "keyboard" }, { 0x0902, "mouse" },
    { 0x0c03, "usb" }, { 0x0c05, "smb" },
};

static void spapr_pci_dt_name(const uint8_t *config, char *buf, size_t len)
{
    uint16_t class = pci_cfg_word(config, PCI_CLASS_DEVICE);

    for (size_t i = 0; i < G_N_ELEMENTS(spapr_pci_dt_names); i++) {
        if (spapr_pci_dt_names[i].class == class) {
            g_strlcpy(buf, spapr_pci_dt_names[i].name, len);
            return;
        }
    }
    g_snprintf(buf, len, "pci%x,%x", pci_cfg_word(config, PCI_VENDOR_ID),
               pci_cfg_word(config, PCI_DEVICE_ID));
}

/*
 * The node of one PCI function, "<name>@<slot>[,<fn>]": reg (its config
 * space address), identity, DRC index, location code.  No DMA properties:
 * functions use their PHB's window (docs/user/device-tree.md).
 */
int spapr_pci_dt_device(SpaprPhbState *phb, PCIDevice *d, void *fdt,
                        int bus_off)
{
    const uint8_t *config = d->config;
    unsigned slot = PCI_SLOT(d->devfn), fn = PCI_FUNC(d->devfn);
    uint32_t phys_hi = OF_PCI_SPACE_CONFIG |
                       (pci_bus_num(pci_get_bus(d)) << 16) | (d->devfn << 8);
    fdt32_t reg[5] = { cpu_to_fdt32(phys_hi), 0, 0, 0, 0 };
    uint32_t class_code = (config[PCI_CLASS_DEVICE + 1] << 16) |
                          (config[PCI_CLASS_DEVICE] << 8) |
                          config[PCI_CLASS_PROG];
    g_autofree char *loc_code = NULL;
    g_autofree char *node = NULL;
    char name[32];
    int off, ret;

    spapr_pci_dt_name(config, name, sizeof(name));
    node = fn ? g_strdup_printf("%s@%x,%x", name, slot, fn)
              : g_strdup_printf("%s@%x", name, slot);
    /* QEMU's made-up location code: type, PHB index, bus, slot, function,
     * in hex, so that functions at the same slot of two PHBs differ. */
    loc_code = g_strdup_printf("qemu_%s:%04x:%02x:%02x.%x",
                               object_get_typename(OBJECT(d)), phb->index,
                               pci_bus_num(pci_get_bus(d)), slot, fn);
    off = fdt_add_subnode(fdt, bus_off, node);
    if (off < 0) {
        return off;
    }
    if ((ret = fdt_setprop(fdt, off, "reg", reg, sizeof(reg))) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "vendor-id",
                                pci_cfg_word(config, PCI_VENDOR_ID))) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "device-id",
                                pci_cfg_word(config, PCI_DEVICE_ID))) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "revision-id",
                                config[PCI_REVISION_ID])) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "class-code", class_code)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "ibm,my-drc-index",
                                spapr_pci_dt_drc_index(phb, d->devfn))) < 0 ||
        (ret = fdt_setprop_string(fdt, off, "ibm,loc-code", loc_code)) < 0) {
        return ret;
    }
    return off;
}

typedef struct SpaprPciDtWalk {
    SpaprPhbState *phb;
    void *fdt;
    int bus_off;
    int ret;                    /* first libfdt error */
} SpaprPciDtWalk;

static void spapr_pci_dt_walk(PCIBus *bus, PCIDevice *d, void *opaque)
{
    SpaprPciDtWalk *w = opaque;

    if (w->ret >= 0) {
        int off = spapr_pci_dt_device(w->phb, d, w->fdt, w->bus_off);

        w->ret = off < 0 ? off : 0;
    }
}

/*
 * One node per function on the PHB's root bus.  libfdt puts a new node
 * first among its siblings: walking in devfn order lists them in
 * reverse, which only changes the order dtc prints them in.
 */
static int spapr_phb_dt_children(SpaprPhbState *phb, void *fdt, int bus_off)
{
    SpaprPciDtWalk w = { .phb = phb, .fdt = fdt, .bus_off = bus_off };

    if (!phb->bus) {
        return 0;
    }
    pci_for_each_device(phb->bus, spapr_pci_dt_walk, &w);
    return w.ret;
}

int spapr_phb_dt_write(SpaprPhbState *phb, void *fdt, int parent_off)
{
    g_autofree char *name = g_strdup_printf("pci@%" PRIx64, phb->buid);
    int off, ret;

    off = fdt_add_subnode(fdt, parent_off, name);
    if (off < 0) {
        return off;
    }
    ret = spapr_phb_dt_props(phb, fdt, off);
    if (ret >= 0) {
        ret = spapr_phb_dt_children(phb, fdt, off);
    }
    if (ret >= 0) {
        /* The PCI DRCs of the root bus (none with dynamic-reconfiguration=off). */
        ret = spapr_dt_drc(phb->spapr, fdt, off, OBJECT(phb),
                           SPAPR_DR_CONNECTOR_TYPE_PCI);
    }
    if (ret < 0) {
        /* Leave the tree as it was; deleting a node never needs space. */
        fdt_del_node(fdt, off);
        trace_spapr_phb_dt_error(phb->index, ret);
        return ret;
    }
    trace_spapr_phb_dt_write(phb->index, phb->buid);
    return off;
}

bool spapr_phb_dt_populate(SpaprPhbState *phb, void *fdt, int parent_off,
                           Error **errp)
{
    int ret = spapr_phb_dt_write(phb, fdt, parent_off);

    if (ret < 0) {
        error_setg(errp, "pci@%" PRIx64 ": cannot write the device tree "
                   "node: %s", phb->buid, fdt_strerror(ret));
        return false;
    }
    return true;
}
