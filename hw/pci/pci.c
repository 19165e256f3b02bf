/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI root bus, PCI functions: devfn, config space, BAR mapping, bus-master DMA. */

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "trace.h"

#define PCI_NUM_BARS            PCI_ROM_SLOT    /* BARs 0..5; no ROM BAR */

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b,
                           uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

static uint32_t pci_bar_offset(int reg)
{
    return PCI_BASE_ADDRESS_0 + reg * 4;
}

/* ---- the bus ---- */

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min)
{
    PCIBus *bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, parent, name));

    bus->address_space_mem = mem;
    bus->address_space_io = io;
    bus->devfn_min = devfn_min;
    trace_pci_root_bus_new(BUS(bus)->name, devfn_min);
    return bus;
}

void pci_setup_iommu(PCIBus *bus, PCIIOMMUFunc *fn, void *opaque)
{
    bus->iommu_fn = fn;
    bus->iommu_opaque = opaque;
}

int pci_bus_num(PCIBus *bus)
{
    return 0;
}

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn)
{
    if (bus_num != pci_bus_num(bus)) {
        return NULL;
    }
    return bus->devices[devfn];
}

void pci_for_each_device(PCIBus *bus,
                         void (*fn)(PCIBus *bus, PCIDevice *d, void *opaque),
                         void *opaque)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            fn(bus, bus->devices[devfn], opaque);
        }
    }
}

static const char *pci_class_name(uint16_t class_id)
{
    static const struct {
        uint16_t id;
        const char *name;
    } names[] = {
        { 0x0100, "SCSI controller" },
        { 0x0106, "SATA controller" },
        { 0x0108, "NVMe controller" },
        { 0x0200, "Ethernet controller" },
        { 0x0300, "VGA controller" },
        { 0x0600, "Host bridge" },
        { 0x0604, "PCI bridge" },
        { 0x0c03, "USB controller" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (names[i].id == class_id) {
            return names[i].name;
        }
    }
    return NULL;
}

/* `info qtree` lines of a function: class, address, ids, BARs (QEMU's). */
static void pci_bus_print_dev(BusState *qbus, DeviceState *qdev, int indent,
                              GString *out)
{
    PCIDevice *d = PCI_DEVICE(qdev);
    uint16_t class_id = pci_get_word(d->config + PCI_CLASS_DEVICE);
    const char *cname = pci_class_name(class_id);

    if (cname) {
        g_string_append_printf(out, "%*sclass %s", indent, "", cname);
    } else {
        g_string_append_printf(out, "%*sclass Class %04x", indent, "",
                               class_id);
    }
    g_string_append_printf(out, ", addr %02x:%02x.%x, pci id %04x:%04x "
                           "(sub %04x:%04x)\n",
                           pci_bus_num(PCI_BUS(qbus)),
                           PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
                           pci_get_word(d->config + PCI_VENDOR_ID),
                           pci_get_word(d->config + PCI_DEVICE_ID),
                           pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID),
                           pci_get_word(d->config + PCI_SUBSYSTEM_ID));
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];

        if (!r->size) {
            continue;
        }
        g_string_append_printf(out, "%*sbar %d: %s at 0x%" PRIx64
                               " [0x%" PRIx64 "]\n", indent, "", i,
                               r->type & PCI_BASE_ADDRESS_SPACE_IO ?
                               "i/o" : "mem",
                               r->addr, r->addr + r->size - 1);
    }
}

static void pci_bus_class_init(ObjectClass *oc, const void *data)
{
    BusClass *bc = BUS_CLASS(oc);

    bc->print_dev = pci_bus_print_dev;
}

/* ---- the "addr" property: "S" or "S.F" in hex ---- */

static bool pci_devfn_parse(const char *str, int32_t *devfn)
{
    unsigned long slot, func = 0;
    char *end;

    if (!g_ascii_isxdigit(str[0])) {
        return false;
    }
    slot = strtoul(str, &end, 16);
    if (*end == '.') {
        if (!g_ascii_isxdigit(end[1])) {
            return false;
        }
        func = strtoul(end + 1, &end, 16);
    }
    if (*end || slot >= PCI_SLOT_MAX || func >= PCI_FUNC_MAX) {
        return false;
    }
    *devfn = PCI_DEVFN(slot, func);
    return true;
}

static bool pci_devfn_prop_set(Object *obj, const Property *prop, void *ptr,
                               const char *str, Error **errp)
{
    if (!pci_devfn_parse(str, ptr)) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                   object_get_typename(obj), prop->name, str);
        return false;
    }
    return true;
}

static char *pci_devfn_prop_print(const Property *prop, void *ptr,
                                  bool human)
{
    int32_t devfn = *(int32_t *)ptr;

    if (devfn < 0) {
        return g_strdup("<unset>");
    }
    return g_strdup_printf("%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
}

static void pci_devfn_prop_default(const Property *prop, void *ptr)
{
    *(int32_t *)ptr = prop->defval.i;
}

static char *pci_devfn_prop_json(const Property *prop)
{
    return g_strdup_printf("%" PRId64, prop->defval.i);
}

static const PropertyInfo pci_devfn_prop_info = {
    .name = "int32",
    .set = pci_devfn_prop_set,
    .print = pci_devfn_prop_print,
    .set_default = pci_devfn_prop_default,
    .default_json = pci_devfn_prop_json,
};

static const Property pci_device_props[] = {
    { .name = "addr", .info = &pci_devfn_prop_info,
      .offset = qdev_prop_offset(PCIDevice, devfn, int32_t),
      .set_default = true, .defval.i = -1,
      .description = "Slot and optional function number, example: 06.0 "
                     "or 06" },
    DEFINE_PROP_BOOL("multifunction", PCIDevice, multifunction, false),
};

/* ---- config space ---- */

PCIBus *pci_get_bus(const PCIDevice *dev)
{
    BusState *qbus = dev->parent_obj.parent_bus;

    return qbus ? PCI_BUS(qbus) : NULL;
}

uint32_t pci_config_size(const PCIDevice *dev)
{
    return PCI_CONFIG_SPACE_SIZE;
}

/* Identity, header type and the writable / write-1-to-clear masks. */
static void pci_config_init(PCIDevice *d, PCIDeviceClass *pc)
{
    uint8_t *wm = d->wmask;

    memset(d->config, 0, PCI_CONFIG_SPACE_SIZE);
    memset(d->wmask, 0, PCI_CONFIG_SPACE_SIZE);
    memset(d->w1cmask, 0, PCI_CONFIG_SPACE_SIZE);

    pci_set_word(d->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(d->config + PCI_DEVICE_ID, pc->device_id);
    pci_set_byte(d->config + PCI_REVISION_ID, pc->revision);
    pci_set_word(d->config + PCI_CLASS_DEVICE, pc->class_id);
    pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id);
    pci_set_word(d->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    pci_set_byte(d->config + PCI_HEADER_TYPE,
                 d->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION :
                 PCI_HEADER_TYPE_NORMAL);

    pci_set_word(wm + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                 PCI_COMMAND_INTX_DISABLE);
    pci_set_byte(wm + PCI_CACHE_LINE_SIZE, 0xff);
    pci_set_byte(wm + PCI_INTERRUPT_LINE, 0xff);
    pci_set_word(d->w1cmask + PCI_STATUS, PCI_STATUS_PARITY |
                 PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_TARGET_ABORT |
                 PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR |
                 PCI_STATUS_DETECTED_PARITY);
}

/*
 * The PCI address BAR @reg decodes at, or PCI_BAR_UNMAPPED: its decode bit
 * must be set and the programmed range valid.  Address 0 counts as
 * unprogrammed (the reset value), and a 32-bit BAR reaching 0xffffffff is
 * the all-ones sizing pattern, not an address (QEMU's rules).
 */
static pcibus_t pci_bar_address(PCIDevice *d, int reg)
{
    PCIIORegion *r = &d->io_regions[reg];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    bool is_io = r->type & PCI_BASE_ADDRESS_SPACE_IO;
    bool is_64 = r->type & PCI_BASE_ADDRESS_MEM_TYPE_64;
    pcibus_t addr, last;

    if (!r->address_space ||
        !(cmd & (is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY))) {
        return PCI_BAR_UNMAPPED;
    }
    if (is_64) {
        addr = pci_get_quad(d->config + pci_bar_offset(reg));
    } else {
        addr = pci_get_long(d->config + pci_bar_offset(reg));
    }
    addr &= ~(r->size - 1);
    last = addr + r->size - 1;
    if (addr == 0 || last <= addr || last == PCI_BAR_UNMAPPED) {
        return PCI_BAR_UNMAPPED;
    }
    if (!is_64 && last >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_unmap_bar(PCIDevice *d, int reg)
{
    PCIIORegion *r = &d->io_regions[reg];

    if (r->addr == PCI_BAR_UNMAPPED) {
        return;
    }
    trace_pci_update_mappings_del(d->name, d->devfn, reg, r->addr, r->size);
    memory_region_del_subregion(r->address_space, r->memory);
    r->addr = PCI_BAR_UNMAPPED;
}

void pci_update_mappings(PCIDevice *d)
{
    memory_region_transaction_begin();
    for (int reg = 0; reg < PCI_NUM_REGIONS; reg++) {
        PCIIORegion *r = &d->io_regions[reg];
        pcibus_t addr;

        if (!r->size) {
            continue;
        }
        addr = pci_bar_address(d, reg);
        if (addr == r->addr) {
            continue;
        }
        pci_unmap_bar(d, reg);
        if (addr != PCI_BAR_UNMAPPED) {
            trace_pci_update_mappings_add(d->name, d->devfn, reg, addr,
                                          r->size);
            /* Priority 1: above whatever the bus space holds itself. */
            memory_region_add_subregion_overlap(r->address_space, addr,
                                                r->memory, 1);
            r->addr = addr;
        }
    }
    memory_region_transaction_commit();
}

/* Follow the Bus Master Enable bit: plug or unplug the DMA alias. */
static void pci_update_bus_master(PCIDevice *d)
{
    bool enable = pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER;

    if (enable == d->bus_master_enabled) {
        return;
    }
    if (enable) {
        memory_region_add_subregion(&d->bus_master_container_region, 0,
                                    &d->bus_master_enable_region);
    } else {
        memory_region_del_subregion(&d->bus_master_container_region,
                                    &d->bus_master_enable_region);
    }
    d->bus_master_enabled = enable;
    trace_pci_bus_master(d->name, d->devfn, enable);
}

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, uint32_t len)
{
    uint32_t val = 0;

    assert(len >= 1 && len <= 4 && addr + len <= pci_config_size(d));
    for (uint32_t i = 0; i < len; i++) {
        val |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return val;
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              uint32_t len)
{
    assert(len >= 1 && len <= 4 && addr + len <= pci_config_size(d));
    for (uint32_t i = 0; i < len; i++) {
        uint8_t byte = val >> (8 * i);
        uint8_t wm = d->wmask[addr + i];
        uint8_t w1c = d->w1cmask[addr + i];

        d->config[addr + i] = (d->config[addr + i] & ~wm) | (byte & wm);
        d->config[addr + i] &= ~(byte & w1c);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS)) {
        pci_update_mappings(d);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        pci_update_bus_master(d);
    }
}

static bool pci_config_access_ok(uint32_t addr, uint32_t limit, uint32_t len)
{
    return (len == 1 || len == 2 || len == 4) && addr <= limit &&
           len <= limit - addr;
}

uint32_t pci_host_config_read_common(PCIDevice *d, uint32_t addr,
                                     uint32_t limit, uint32_t len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    uint32_t val;

    limit = MIN(limit, pci_config_size(d));
    if (!pci_config_access_ok(addr, limit, len)) {
        trace_pci_cfg_bad_access(d->name, d->devfn, addr, len, limit);
        return ~0U;
    }
    val = pc->config_read ? pc->config_read(d, addr, len) :
          pci_default_read_config(d, addr, len);
    trace_pci_cfg_read(d->name, d->devfn, addr, len, val);
    return val;
}

void pci_host_config_write_common(PCIDevice *d, uint32_t addr,
                                  uint32_t limit, uint32_t val, uint32_t len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    limit = MIN(limit, pci_config_size(d));
    if (!pci_config_access_ok(addr, limit, len)) {
        trace_pci_cfg_bad_access(d->name, d->devfn, addr, len, limit);
        return;
    }
    trace_pci_cfg_write(d->name, d->devfn, addr, len, val);
    if (pc->config_write) {
        pc->config_write(d, addr, val, len);
    } else {
        pci_default_write_config(d, addr, val, len);
    }
}

/* ---- BARs ---- */

void pci_register_bar(PCIDevice *d, int region_num, uint8_t type,
                      MemoryRegion *mr)
{
    PCIBus *bus = pci_get_bus(d);
    PCIIORegion *r;
    uint64_t size = memory_region_size(mr);
    bool is_io = type & PCI_BASE_ADDRESS_SPACE_IO;
    bool is_64 = !is_io && (type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    uint32_t off = pci_bar_offset(region_num);
    uint64_t wmask;

    assert(bus);
    assert(region_num >= 0 && region_num < (is_64 ? PCI_NUM_BARS - 1 :
                                            PCI_NUM_BARS));
    assert(size && (size & (size - 1)) == 0 && size <= (1ULL << 63));
    assert(size >= (is_io ? 4 : 16));
    assert(is_64 || size <= (1ULL << 31));
    r = &d->io_regions[region_num];
    assert(!r->size);
    if (is_io) {
        type = PCI_BASE_ADDRESS_SPACE_IO;
    } else {
        type &= PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;
    }

    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = mr;
    r->address_space = is_io ? bus->address_space_io :
                       bus->address_space_mem;

    wmask = ~(size - 1);
    if (is_64) {
        pci_set_quad(d->config + off, type);
        pci_set_quad(d->wmask + off, wmask);
    } else {
        pci_set_long(d->config + off, type);
        pci_set_long(d->wmask + off, (uint32_t)wmask);
    }
    trace_pci_register_bar(d->name, d->devfn, region_num, type, size);
}

pcibus_t pci_get_bar_addr(PCIDevice *d, int region_num)
{
    assert(region_num >= 0 && region_num < PCI_NUM_REGIONS);
    return d->io_regions[region_num].addr;
}

static void pci_unmap_all_bars(PCIDevice *d)
{
    memory_region_transaction_begin();
    for (int reg = 0; reg < PCI_NUM_REGIONS; reg++) {
        pci_unmap_bar(d, reg);
    }
    memory_region_transaction_commit();
    memset(d->io_regions, 0, sizeof(d->io_regions));
    for (int reg = 0; reg < PCI_NUM_REGIONS; reg++) {
        d->io_regions[reg].addr = PCI_BAR_UNMAPPED;
    }
}

/* ---- DMA ---- */

AddressSpace *pci_device_iommu_address_space(PCIDevice *dev)
{
    PCIBus *bus = pci_get_bus(dev);

    if (bus && bus->iommu_fn) {
        return bus->iommu_fn(bus, bus->iommu_opaque, dev->devfn);
    }
    return &address_space_memory;
}

AddressSpace *pci_get_address_space(PCIDevice *dev)
{
    return &dev->bus_master_as;
}

MemTxResult pci_dma_read(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len)
{
    return address_space_read(pci_get_address_space(dev), addr, buf, len);
}

MemTxResult pci_dma_write(PCIDevice *dev, hwaddr addr, const void *buf,
                          hwaddr len)
{
    return address_space_write(pci_get_address_space(dev), addr, buf, len);
}

/*
 * The bus-master address space: an empty container (DMA fails with
 * MEMTX_DECODE_ERROR) that holds an alias of the IOMMU address space's
 * root while PCI_COMMAND_MASTER is set.  QEMU builds it the same way and
 * toggles the alias with memory_region_set_enabled(); here the alias is
 * added and removed.
 */
static void pci_bus_master_init(PCIDevice *d)
{
    AddressSpace *iommu_as = pci_device_iommu_address_space(d);

    memory_region_init(&d->bus_master_container_region, OBJECT(d),
                       "bus master container", UINT64_MAX);
    memory_region_init_alias(&d->bus_master_enable_region, OBJECT(d),
                             "bus master", iommu_as->root, 0,
                             memory_region_size(iommu_as->root));
    d->bus_master_enabled = false;
    address_space_init(&d->bus_master_as, &d->bus_master_container_region,
                       d->name);
}

static void pci_bus_master_cleanup(PCIDevice *d)
{
    if (d->bus_master_enabled) {
        memory_region_del_subregion(&d->bus_master_container_region,
                                    &d->bus_master_enable_region);
        d->bus_master_enabled = false;
    }
    address_space_destroy(&d->bus_master_as);
    memory_region_finalize(&d->bus_master_enable_region);
    memory_region_finalize(&d->bus_master_container_region);
}

/* ---- devfn allocation ---- */

static bool pci_slot_free(PCIBus *bus, int slot)
{
    for (int func = 0; func < PCI_FUNC_MAX; func++) {
        if (bus->devices[PCI_DEVFN(slot, func)]) {
            return false;
        }
    }
    return true;
}

/*
 * Pick @d's devfn: the "addr" property, or the first free slot (function
 * 0) from devfn_min.  A function other than 0 needs a multifunction
 * function 0 in its slot, and a single-function function 0 needs an
 * otherwise empty slot (QEMU's rules and messages).
 */
static int pci_claim_devfn(PCIBus *bus, PCIDevice *d, Error **errp)
{
    int devfn = d->devfn;
    int slot, func;
    PCIDevice *f0;

    if (devfn < 0) {
        for (devfn = bus->devfn_min; devfn < PCI_DEVFN_MAX;
             devfn += PCI_FUNC_MAX) {
            if (pci_slot_free(bus, PCI_SLOT(devfn))) {
                break;
            }
        }
        if (devfn >= PCI_DEVFN_MAX) {
            error_setg(errp, "PCI: no slot/function available for %s, "
                       "all in use or reserved", d->name);
            return -1;
        }
        devfn = PCI_DEVFN(PCI_SLOT(devfn), 0);
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, "
                   "in use by %s", PCI_SLOT(devfn), PCI_FUNC(devfn), d->name,
                   bus->devices[devfn]->name);
        return -1;
    }

    slot = PCI_SLOT(devfn);
    func = PCI_FUNC(devfn);
    f0 = bus->devices[PCI_DEVFN(slot, 0)];
    if (func && f0 && !f0->multifunction) {
        error_setg(errp, "PCI: single function device can't be populated "
                   "in function %x.%x", slot, func);
        return -1;
    }
    if (!func && !d->multifunction) {
        for (int f = 1; f < PCI_FUNC_MAX; f++) {
            if (bus->devices[PCI_DEVFN(slot, f)]) {
                error_setg(errp, "PCI: %x.0 indicates single function, "
                           "but %x.%x is already populated.", slot, slot, f);
                return -1;
            }
        }
    }
    return devfn;
}

/* ---- the device ---- */

static void pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    PCIBus *bus = pci_get_bus(d);
    int32_t requested = d->devfn;
    Error *err = NULL;
    int devfn;

    assert(bus);
    devfn = pci_claim_devfn(bus, d, errp);
    if (devfn < 0) {
        return;
    }
    d->devfn = devfn;
    bus->devices[devfn] = d;
    pci_config_init(d, pc);
    pci_unmap_all_bars(d);
    pci_bus_master_init(d);
    trace_pci_device_realize(d->name, devfn);

    if (pc->realize) {
        pc->realize(d, &err);
        if (err) {
            error_propagate(errp, err);
            pci_unmap_all_bars(d);
            pci_bus_master_cleanup(d);
            bus->devices[devfn] = NULL;
            d->devfn = requested;
        }
    }
}

static void pci_qdev_unrealize(DeviceState *qdev)
{
    PCIDevice *d = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    PCIBus *bus = pci_get_bus(d);

    /* As QEMU: the BARs go first, so exit may release their regions. */
    pci_unmap_all_bars(d);
    if (pc->exit) {
        pc->exit(d);
    }
    pci_bus_master_cleanup(d);
    if (bus && bus->devices[d->devfn] == d) {
        bus->devices[d->devfn] = NULL;
    }
    trace_pci_device_unrealize(d->name, d->devfn);
}

/*
 * Power-on state of the PCI registers: decoding and mastering off, error
 * status clear, BARs back to their type bits, then the device's own reset.
 */
static void pci_device_reset(DeviceState *qdev)
{
    PCIDevice *d = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint16_t status = pci_get_word(d->config + PCI_STATUS);

    pci_set_word(d->config + PCI_COMMAND,
                 cmd & ~pci_get_word(d->wmask + PCI_COMMAND));
    pci_set_word(d->config + PCI_STATUS,
                 status & ~pci_get_word(d->w1cmask + PCI_STATUS));
    pci_set_byte(d->config + PCI_CACHE_LINE_SIZE, 0);
    pci_set_byte(d->config + PCI_INTERRUPT_LINE, 0);
    for (int reg = 0; reg < PCI_NUM_BARS; reg++) {
        PCIIORegion *r = &d->io_regions[reg];

        if (!r->size) {
            continue;
        }
        if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            pci_set_quad(d->config + pci_bar_offset(reg), r->type);
        } else {
            pci_set_long(d->config + pci_bar_offset(reg), r->type);
        }
    }
    pci_update_mappings(d);
    pci_update_bus_master(d);
    trace_pci_device_reset(d->name, d->devfn);
    if (pc->reset) {
        pc->reset(d);
    }
}

static void pci_device_instance_init(Object *obj)
{
    PCIDevice *d = PCI_DEVICE(obj);

    d->config = g_malloc0(PCI_CONFIG_SPACE_SIZE);
    d->wmask = g_malloc0(PCI_CONFIG_SPACE_SIZE);
    d->w1cmask = g_malloc0(PCI_CONFIG_SPACE_SIZE);
    d->name = g_strdup(object_get_typename(obj));
    for (int reg = 0; reg < PCI_NUM_REGIONS; reg++) {
        d->io_regions[reg].addr = PCI_BAR_UNMAPPED;
    }
}

static void pci_device_instance_finalize(Object *obj)
{
    PCIDevice *d = PCI_DEVICE(obj);

    g_free(d->config);
    g_free(d->wmask);
    g_free(d->w1cmask);
    g_free(d->name);
}

static void pci_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    device_class_set_legacy_reset(dc, pci_device_reset);
    dc->bus_type = TYPE_PCI_BUS;
    dc->hotpluggable = true;
    device_class_set_props(dc, pci_device_props);
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .class_init = pci_bus_class_init,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .instance_init = pci_device_instance_init,
        .instance_finalize = pci_device_instance_finalize,
        .abstract = true,
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_device_class_init,
    },
};

DEFINE_TYPES(pci_types)
