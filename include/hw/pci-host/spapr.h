/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sPAPR PCI host bridge (PHB): one PCI root bus, its MMIO/IO windows in
 * system memory, and its DMA address space "pci@<buid>.iommu-root" that
 * holds the TCE tables of its DMA windows (default window + DDW) and the
 * MSI window.  Placement, DMA address space and reset: docs/user/ddw.md;
 * the device-tree node: docs/user/device-tree.md.
 *
 * Every device on the PHB shares one DMA address space (the whole PHB is one
 * PE): hence one VFIO container per PHB later.
 */
#ifndef HW_PCI_HOST_SPAPR_H
#define HW_PCI_HOST_SPAPR_H

#include "qemu/osdep.h"
#include "hw/sysbus.h"
#include "exec/memory.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

#define TYPE_SPAPR_PCI_HOST_BRIDGE "spapr-pci-host-bridge"
OBJECT_DECLARE_SIMPLE_TYPE(SpaprPhbState, SPAPR_PCI_HOST_BRIDGE)

#define SPAPR_PCI_DMA_MAX_WINDOWS       2
#define SPAPR_PCI_MAX_INDEX             30      /* 31 PHBs: index 0..30 */

/* Placement (docs/user/ddw.md, "Placement"). */
#define SPAPR_PCI_BASE_BUID             0x800000020000000ULL
#define SPAPR_PCI_BASE                  (1ULL << 45)    /* 32 TiB */
#define SPAPR_PCI_LIMIT                 (1ULL << 46)
#define SPAPR_PCI_IO_WIN_SIZE           0x10000
#define SPAPR_PCI_MEM32_WIN_SIZE        (1ULL << 31)
#define SPAPR_PCI_MEM64_WIN_SIZE        (1ULL << 40)
#define SPAPR_PCI_MEM_WIN_BUS_OFFSET    0x80000000ULL   /* PCI address of MMIO32 */

/* Defaults of the DMA properties. */
#define SPAPR_PCI_DMA_WIN_SIZE_DEFAULT  0x40000000ULL   /* 1 GiB, 4 KiB TCEs */
#define SPAPR_PCI_DMA64_WIN_ADDR_DEFAULT 0x800000000000000ULL   /* 2^59 */
#define SPAPR_PCI_PGSZ_DEFAULT          0x1211000ULL    /* 4K, 64K, 2M, 16M */
#define SPAPR_PCI_MSI_WINDOW            0x40000000000ULL /* 4 TiB */

struct SpaprPhbState {
    SysBusDevice parent_obj;

    /* Properties (QEMU 7.2 names and defaults). */
    uint32_t index;             /* "index" (0..30; required) */
    uint64_t mem_win_size;      /* "mem_win_size" */
    uint64_t mem64_win_size;    /* "mem64_win_size" */
    uint64_t io_win_size;       /* "io_win_size" */
    uint64_t dma_win_addr;      /* "dma_win_addr" */
    uint64_t dma_win_size;      /* "dma_win_size" */
    uint64_t dma64_win_addr;    /* "dma64_win_addr" */
    bool ddw_enabled;           /* "ddw" */
    uint64_t page_size_mask;    /* "pgsz": bit n = 2^n-byte pages allowed */
    bool dr_enabled;            /* "dynamic-reconfiguration" */
    int32_t numa_node;          /* "numa_node" (-1: none) */
    bool pcie_ecs;              /* "pcie-extended-configuration-space" */

    /* Derived at realize from index. */
    uint64_t buid;
    char *dtbusname;            /* "pci@800000020000000" */
    uint32_t dma_liobn[SPAPR_PCI_DMA_MAX_WINDOWS];
    uint64_t io_win_addr;
    uint64_t mem_win_addr;      /* CPU address of the 32-bit MMIO window */
    uint64_t mem64_win_addr;

    /* PCI side: memory and I/O spaces of the root bus, windows onto them. */
    PCIBus *bus;
    MemoryRegion memspace;
    MemoryRegion iospace;
    MemoryRegion mem32window;   /* alias in system memory */
    MemoryRegion mem64window;
    MemoryRegion iowindow;

    /* DMA side. */
    MemoryRegion iommu_root;    /* "<dtbusname>.iommu-root", 2^64 */
    AddressSpace iommu_as;      /* named after dtbusname */
    MemoryRegion msiwindow;
    SpaprTceTable *tcet[SPAPR_PCI_DMA_MAX_WINDOWS];  /* [1] NULL if ddw=off */

    /* The machine whose registry (spapr->phbs) holds us while realized. */
    SpaprMachineState *spapr;
    /* PCI DRCs of the root bus by devfn (all NULL when dr_enabled is off). */
    struct SpaprDrc *drcs[256];
};

/* The PHB whose BUID is @buid, or NULL (also when @spapr is NULL). */
SpaprPhbState *spapr_pci_find_phb(SpaprMachineState *spapr, uint64_t buid);

/*
 * The PCI function at RTAS config address @config_addr
 * ((bus << 16) | (devfn << 8) | register) under the PHB @buid, or NULL.
 */
PCIDevice *spapr_pci_find_dev(SpaprMachineState *spapr, uint64_t buid,
                              uint32_t config_addr);

/*
 * The PHB that owns @tcet as one of its DMA windows, or NULL (a VIO
 * table, or any table that is not a PHB's).  Guest input reaches this
 * (ibm,remove-pe-dma-window), so it never asserts.
 */
SpaprPhbState *spapr_phb_of_table(SpaprTceTable *tcet);

/*
 * Create and realize the default PHB (index 0, no id: its bus is "pci.0")
 * on the main system bus.  Called by the machine's init.
 */
SpaprPhbState *spapr_phb_create_default(SpaprMachineState *spapr,
                                        Error **errp);

/*
 * DMA reset (docs/user/ddw.md): disable every window, enable dma_liobn[0] at
 * dma_win_addr with dma_win_size >> 12 entries of 4 KiB, set def_win.
 * Used by PHB reset, ibm,reset-pe-dma-window and the remove-window rule.
 */
void spapr_phb_dma_reset(SpaprPhbState *phb);

/* Number of enabled DMA windows of @phb. */
unsigned spapr_phb_dma_windows_enabled(SpaprPhbState *phb);

/*
 * Register the RTAS PCI config calls (ibm,read/write-pci-config and the
 * BUID-less read/write-pci-config on the default PHB) and the four DDW
 * calls (hw/ppc/spapr_rtas_ddw.c).  The machine's init calls both.
 */
void spapr_pci_rtas_init(SpaprMachineState *spapr);
void spapr_rtas_ddw_init(SpaprMachineState *spapr);

/*
 * Write the node of PCI function @d of @phb under node @bus_off of @fdt
 * (what the PHB's node holds for it at boot, and the fragment that
 * ibm,configure-connector hands out).  Returns the node's offset or a
 * negative libfdt error.
 */
int spapr_pci_dt_device(SpaprPhbState *phb, PCIDevice *d, void *fdt,
                        int bus_off);

/*
 * Write the PHB's node (and its PCI children) under @bus_off ("/") of @fdt.
 * libfdt errors become an Error; nothing aborts.
 */
bool spapr_phb_dt_populate(SpaprPhbState *phb, void *fdt, int parent_off,
                           Error **errp);

#endif /* HW_PCI_HOST_SPAPR_H */
