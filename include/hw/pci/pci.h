/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI: the root bus ("PCI" bus type), PCI functions ("pci-device"), their
 * configuration space, BARs and bus-master DMA.
 *
 * Model (QEMU's, reduced to what a PHB and its devices need):
 *
 * - A PCI bus is created by its host bridge with pci_root_bus_new(), which
 *   hands over the bus's PCI memory and I/O spaces (@mem, @io): a BAR whose
 *   address is programmed and whose decode bit (command register) is set is
 *   mapped into that space at its PCI address.  The host bridge decides how
 *   CPU addresses reach those spaces (windows, aliases).
 *
 * - Each function sits at a devfn (slot << 3 | function), chosen with the
 *   "addr" property ("S" or "S.F", hex, as QEMU) or allocated as the first
 *   free slot (function 0) from the bus's devfn_min.  There are no bridges:
 *   the root bus is bus number 0 and the only bus.
 *
 * - DMA: a function masters through pci_get_address_space(dev), an address
 *   space whose root is a per-device "bus master container" holding an
 *   alias of the bus's IOMMU address space (pci_setup_iommu) only while the
 *   Bus Master Enable bit of its command register is set.  With the bit
 *   clear the container is empty and every DMA fails with
 *   MEMTX_DECODE_ERROR, as a master abort would; nothing else checks it.
 *
 * - Configuration space is 256 bytes (conventional PCI).  A host bridge
 *   reaches it with pci_host_config_read/write_common(), which bound-check
 *   the access and dispatch to PCIDeviceClass.config_read/config_write (or
 *   the defaults).  Values are host integers assembled from the little-endian
 *   register bytes: reading PCI_VENDOR_ID with len 2 returns the vendor id.
 *
 * Everything here runs in the main loop; nothing takes locks.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "exec/memory.h"
#include "hw/pci/pci_regs.h"

#define TYPE_PCI_BUS "PCI"
#define TYPE_PCI_DEVICE "pci-device"

OBJECT_DECLARE_SIMPLE_TYPE(PCIBus, PCI_BUS)
OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)

typedef uint64_t pcibus_t;

#define PCI_SLOT_MAX            32
#define PCI_FUNC_MAX            8
#define PCI_DEVFN_MAX           256
#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)

#define PCI_ROM_SLOT            6
#define PCI_NUM_REGIONS         7       /* six BARs and the expansion ROM */
#define PCI_BAR_UNMAPPED        (~(pcibus_t)0)

/* Red Hat's vendor id, under which QEMU's test devices live. */
#define PCI_VENDOR_ID_REDHAT    0x1b36

/* ---- the bus ---- */

/*
 * The IOMMU hook of a bus: the address space that DMA from @devfn goes
 * through (never NULL).  Called at device realize; the address space must
 * outlive the devices of the bus.
 */
typedef AddressSpace *PCIIOMMUFunc(PCIBus *bus, void *opaque, int devfn);

struct PCIBus {
    BusState qbus;

    MemoryRegion *address_space_mem;    /* PCI memory space (BARs) */
    MemoryRegion *address_space_io;     /* PCI I/O space (BARs) */
    uint8_t devfn_min;                  /* first devfn auto allocation tries */
    PCIDevice *devices[PCI_DEVFN_MAX];  /* realized functions by devfn */
    PCIIOMMUFunc *iommu_fn;             /* NULL: address_space_memory */
    void *iommu_opaque;
};

/*
 * pci_root_bus_new: create the root bus of a host bridge, a child of
 * @parent named @name (NULL: qbus_init naming, "<parent id>.0" or "pci.0").
 * @mem and @io are the bus's PCI memory and I/O spaces; they must outlive
 * the bus.  Auto-allocated devfns start at @devfn_min.  Cannot fail.
 */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min);

/*
 * pci_setup_iommu: DMA of devices realized on @bus from now on goes through
 * fn(bus, opaque, devfn).  Call before devices are plugged (the host
 * bridge's realize).
 */
void pci_setup_iommu(PCIBus *bus, PCIIOMMUFunc *fn, void *opaque);

/* The bus number of @bus: 0 (the root bus is the only bus). */
int pci_bus_num(PCIBus *bus);

/*
 * pci_find_device: the function at @devfn of bus number @bus_num below
 * @bus, or NULL (nothing there, or a bus number other than @bus's).
 */
PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn);

/* Call @fn for every function of @bus in devfn order. */
void pci_for_each_device(PCIBus *bus,
                         void (*fn)(PCIBus *bus, PCIDevice *d, void *opaque),
                         void *opaque);

/* ---- functions ---- */

typedef struct PCIIORegion {
    pcibus_t addr;              /* PCI address mapped at, or PCI_BAR_UNMAPPED */
    pcibus_t size;              /* 0: BAR not registered */
    uint8_t type;               /* PCI_BASE_ADDRESS_* low bits */
    MemoryRegion *memory;       /* the device's region (not owned here) */
    MemoryRegion *address_space;    /* bus space it maps into */
} PCIIORegion;

struct PCIDevice {
    DeviceState parent_obj;

    /* Configuration space, and which bits a config write may change. */
    uint8_t *config;            /* PCI_CONFIG_SPACE_SIZE bytes */
    uint8_t *wmask;             /* 1: writable */
    uint8_t *w1cmask;           /* 1: write-one-to-clear */

    /* "addr" property: devfn, or -1 before realize for auto allocation. */
    int32_t devfn;
    /* "multifunction" property: header type bit 7, other functions allowed. */
    bool multifunction;
    char *name;                 /* type name (for messages and traces) */

    PCIIORegion io_regions[PCI_NUM_REGIONS];

    /*
     * DMA: bus_master_as has bus_master_container_region as root; the alias
     * bus_master_enable_region (of the IOMMU address space's root) is its
     * subregion exactly while PCI_COMMAND_MASTER is set.
     */
    AddressSpace bus_master_as;
    MemoryRegion bus_master_container_region;
    MemoryRegion bus_master_enable_region;
    bool bus_master_enabled;
};

/*
 * The class of a PCI function.  realize/exit are the device's own; the PCI
 * core allocates the devfn and the config space before realize, unmaps and
 * forgets the BARs before exit (so exit may finalize their regions) and
 * frees the devfn after it.  DMA (pci_dma_*) still works inside exit.
 */
struct PCIDeviceClass {
    DeviceClass parent_class;

    /* Build the function (register BARs...); set errp on failure. */
    void (*realize)(PCIDevice *dev, Error **errp);
    /* Undo realize (optional). */
    void (*exit)(PCIDevice *dev);
    /*
     * Optional config space overrides; an override usually handles its own
     * registers and calls pci_default_read/write_config() for the rest.
     * @addr + @len is within pci_config_size(); @len is 1, 2 or 4.
     */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, uint32_t len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val,
                         uint32_t len);
    /* Device reset (optional), after the PCI core reset its registers. */
    void (*reset)(PCIDevice *dev);

    /* Read-only identity in the config header. */
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;          /* base class << 8 | sub class */
    uint16_t subsystem_vendor_id;   /* 0: none */
    uint16_t subsystem_id;
};

/* The bus @dev sits on (NULL before realize). */
PCIBus *pci_get_bus(const PCIDevice *dev);

/* The size of @dev's configuration space (PCI_CONFIG_SPACE_SIZE). */
uint32_t pci_config_size(const PCIDevice *dev);

/*
 * pci_register_bar: declare BAR @region_num (0..5) of @d, backed by @mr,
 * whose size (memory_region_size) must be a power of two (>= 16 for
 * memory, >= 4 for I/O).  @type: PCI_BASE_ADDRESS_SPACE_IO or
 * PCI_BASE_ADDRESS_SPACE_MEMORY, optionally with PCI_BASE_ADDRESS_MEM_TYPE_64
 * (uses the next BAR too) and PCI_BASE_ADDRESS_MEM_PREFETCH.  Call from
 * realize; a bad argument is a programming error (abort).  The BAR starts
 * unprogrammed (address 0, not mapped).
 */
void pci_register_bar(PCIDevice *d, int region_num, uint8_t type,
                      MemoryRegion *mr);

/* PCI address BAR @region_num is mapped at, or PCI_BAR_UNMAPPED. */
pcibus_t pci_get_bar_addr(PCIDevice *d, int region_num);

/*
 * pci_default_read_config / pci_default_write_config: the standard config
 * space behaviour.  Reads return the bytes at @addr as a little-endian
 * integer of @len bytes.  Writes change only the wmask bits and clear the
 * w1cmask bits written as 1; a write touching the command register or a
 * BAR remaps the BARs (pci_update_mappings) and updates bus mastering.
 * @addr + @len must be within pci_config_size(), @len 1, 2 or 4.
 */
uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, uint32_t len);
void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              uint32_t len);

/*
 * pci_host_config_read_common / pci_host_config_write_common: a host
 * bridge's config access to @d at @addr of @len bytes (1, 2 or 4), with
 * @limit the size of the config space the host bridge exposes (usually
 * pci_config_size(d)).  An access with @addr + @len > @limit (or a bad
 * @len) reads as 0xffffffff (QEMU's ~0, whatever @len) and writes are
 * ignored; otherwise PCIDeviceClass.config_read/config_write or the
 * defaults run.  Guest-reachable: never aborts.
 */
uint32_t pci_host_config_read_common(PCIDevice *d, uint32_t addr,
                                     uint32_t limit, uint32_t len);
void pci_host_config_write_common(PCIDevice *d, uint32_t addr,
                                  uint32_t limit, uint32_t val, uint32_t len);

/*
 * (Re)map every BAR of @d according to its config space: a BAR is mapped
 * into its bus space at its programmed address when the matching decode
 * bit (PCI_COMMAND_MEMORY / PCI_COMMAND_IO) is set and the address is
 * valid (non-zero, the whole BAR below 2^32 for 32-bit BARs, no wrap).
 * Called by config writes; exported for devices that rewrite BARs.
 */
void pci_update_mappings(PCIDevice *d);

/* ---- DMA ---- */

/*
 * pci_device_iommu_address_space: the address space DMA from @dev is
 * translated through: the bus's IOMMU hook for its devfn, or
 * address_space_memory when the bus has none.  Ignores bus mastering.
 */
AddressSpace *pci_device_iommu_address_space(PCIDevice *dev);

/*
 * pci_get_address_space: @dev's bus-master address space (valid between
 * realize and unrealize): the IOMMU address space while PCI_COMMAND_MASTER
 * is set, empty (every access MEMTX_DECODE_ERROR) while it is clear.
 */
AddressSpace *pci_get_address_space(PCIDevice *dev);

/*
 * pci_dma_read / pci_dma_write: DMA of @len bytes at bus address @addr
 * through pci_get_address_space(dev).  Result as address_space_rw():
 * MEMTX_OK, or the error bits (MEMTX_TRANSLATION_ERROR no IOMMU entry,
 * MEMTX_ACCESS_ERROR permission, MEMTX_DECODE_ERROR nothing there or bus
 * mastering disabled).
 */
MemTxResult pci_dma_read(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len);
MemTxResult pci_dma_write(PCIDevice *dev, hwaddr addr, const void *buf,
                          hwaddr len);

/* ---- config space byte helpers (little-endian registers) ---- */

static inline void pci_set_byte(uint8_t *config, uint8_t val)
{
    config[0] = val;
}

static inline uint8_t pci_get_byte(const uint8_t *config)
{
    return config[0];
}

static inline void pci_set_word(uint8_t *config, uint16_t val)
{
    config[0] = val;
    config[1] = val >> 8;
}

static inline uint16_t pci_get_word(const uint8_t *config)
{
    return config[0] | (uint16_t)config[1] << 8;
}

static inline void pci_set_long(uint8_t *config, uint32_t val)
{
    pci_set_word(config, val);
    pci_set_word(config + 2, val >> 16);
}

static inline uint32_t pci_get_long(const uint8_t *config)
{
    return pci_get_word(config) | (uint32_t)pci_get_word(config + 2) << 16;
}

static inline void pci_set_quad(uint8_t *config, uint64_t val)
{
    pci_set_long(config, val);
    pci_set_long(config + 4, val >> 32);
}

static inline uint64_t pci_get_quad(const uint8_t *config)
{
    return pci_get_long(config) | (uint64_t)pci_get_long(config + 4) << 32;
}

/* Register QMP query-pci and HMP "info pci" (hw/pci/pci-monitor.c). */
void pci_monitor_init(void);

#endif /* HW_PCI_PCI_H */
