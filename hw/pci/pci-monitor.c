/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI introspection: QMP query-pci (QEMU's PciInfo shape, one entry per
 * root bus of every PHB) and HMP "info pci" (its text form).
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_regs.h"
#include "hw/sysbus.h"
#include "monitor/monitor.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "trace.h"

/* Class descriptions QEMU prints; other classes print as "Class XXXX". */
static const struct {
    uint16_t class_id;
    const char *desc;
} pci_class_descs[] = {
    { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" },
    { 0x0106, "SATA controller" },
    { 0x0108, "NVMe controller" },
    { 0x0180, "Storage controller" },
    { 0x0200, "Ethernet controller" },
    { 0x0280, "Network controller" },
    { 0x0300, "VGA controller" },
    { 0x0380, "Display controller" },
    { 0x0600, "Host bridge" },
    { 0x0604, "PCI bridge" },
    { 0x0680, "Bridge" },
    { 0x0c03, "USB controller" },
};

static const char *pci_class_desc(uint16_t class_id)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(pci_class_descs); i++) {
        if (pci_class_descs[i].class_id == class_id) {
            return pci_class_descs[i].desc;
        }
    }
    return NULL;
}

static JsonArray *pci_query_regions(PCIDevice *dev)
{
    JsonArray *regions = json_array_new();

    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        const PCIIORegion *r = &dev->io_regions[i];
        JsonObject *region;

        if (!r->size) {
            continue;
        }
        region = json_object_new();
        json_object_set_int_member(region, "bar", i);
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            json_object_set_string_member(region, "type", "io");
        } else {
            json_object_set_string_member(region, "type", "memory");
            json_object_set_boolean_member(region, "prefetch",
                                    !!(r->type & PCI_BASE_ADDRESS_MEM_PREFETCH));
            json_object_set_boolean_member(region, "mem_type_64",
                                    !!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64));
        }
        /* QEMU's 'int': an unmapped BAR (all ones) reads -1. */
        json_object_set_int_member(region, "address", (int64_t)r->addr);
        json_object_set_int_member(region, "size", (int64_t)r->size);
        json_array_add_object_element(regions, region);
    }
    return regions;
}

static void pci_query_device(PCIBus *bus, PCIDevice *dev, void *opaque)
{
    JsonArray *devices = opaque;
    JsonObject *info = json_object_new();
    JsonObject *class_info = json_object_new();
    JsonObject *id = json_object_new();
    uint16_t class_id = pci_get_word(dev->config + PCI_CLASS_DEVICE);
    const char *desc = pci_class_desc(class_id);
    uint8_t pin = dev->config[PCI_INTERRUPT_PIN];
    uint8_t header = dev->config[PCI_HEADER_TYPE] &
                     ~PCI_HEADER_TYPE_MULTI_FUNCTION;

    json_object_set_int_member(info, "bus", pci_bus_num(bus));
    json_object_set_int_member(info, "slot", PCI_SLOT(dev->devfn));
    json_object_set_int_member(info, "function", PCI_FUNC(dev->devfn));
    if (desc) {
        json_object_set_string_member(class_info, "desc", desc);
    }
    json_object_set_int_member(class_info, "class", class_id);
    json_object_set_object_member(info, "class_info", class_info);
    json_object_set_int_member(id, "device",
                               pci_get_word(dev->config + PCI_DEVICE_ID));
    json_object_set_int_member(id, "vendor",
                               pci_get_word(dev->config + PCI_VENDOR_ID));
    if (header == PCI_HEADER_TYPE_NORMAL) {
        json_object_set_int_member(id, "subsystem",
                             pci_get_word(dev->config + PCI_SUBSYSTEM_ID));
        json_object_set_int_member(id, "subsystem-vendor",
                             pci_get_word(dev->config +
                                          PCI_SUBSYSTEM_VENDOR_ID));
    }
    json_object_set_object_member(info, "id", id);
    if (pin) {
        json_object_set_int_member(info, "irq",
                                   dev->config[PCI_INTERRUPT_LINE]);
    }
    json_object_set_int_member(info, "irq_pin", pin);
    json_object_set_string_member(info, "qdev_id",
                                  DEVICE(dev)->id ? DEVICE(dev)->id : "");
    json_object_set_array_member(info, "regions", pci_query_regions(dev));
    json_array_add_object_element(devices, info);
}

static void pci_query_bus(PCIBus *bus, JsonArray *list)
{
    JsonObject *info = json_object_new();
    JsonArray *devices = json_array_new();

    json_object_set_int_member(info, "bus", pci_bus_num(bus));
    pci_for_each_device(bus, pci_query_device, devices);
    json_object_set_array_member(info, "devices", devices);
    json_array_add_object_element(list, info);
}

/*
 * query-pci: [{"bus": 0, "devices": [PciDeviceInfo...]}, ...], one entry
 * per root bus of every host bridge on the system bus, in the order the
 * bridges were created (the machine's default PHB first).
 */
static void qmp_query_pci(JsonObject *args, JsonNode **ret, Error **errp)
{
    BusState *sysbus = sysbus_get_default();
    JsonArray *list;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    list = json_array_new();
    /* The system bus lists its children newest first. */
    for (GList *d = sysbus->children.tail; d; d = d->prev) {
        DeviceState *host = d->data;

        for (GList *b = host->child_bus.head; b; b = b->next) {
            PCIBus *bus = (PCIBus *)object_dynamic_cast(b->data,
                                                        TYPE_PCI_BUS);

            if (bus) {
                pci_query_bus(bus, list);
            }
        }
    }
    trace_pci_query(json_array_get_length(list));
    *ret = json_node_init_array(json_node_alloc(), list);
    json_array_unref(list);
}

static void hmp_info_pci_device(Monitor *mon, JsonObject *dev)
{
    JsonObject *class_info = json_object_get_object_member(dev, "class_info");
    JsonObject *id = json_object_get_object_member(dev, "id");
    JsonArray *regions = json_object_get_array_member(dev, "regions");

    monitor_printf(mon, "  Bus %2" PRId64 ", device %3" PRId64
                   ", function %" PRId64 ":\n",
                   json_object_get_int_member(dev, "bus"),
                   json_object_get_int_member(dev, "slot"),
                   json_object_get_int_member(dev, "function"));
    if (json_object_has_member(class_info, "desc")) {
        monitor_printf(mon, "    %s",
                       json_object_get_string_member(class_info, "desc"));
    } else {
        monitor_printf(mon, "    Class %04" PRIx64,
                       json_object_get_int_member(class_info, "class"));
    }
    monitor_printf(mon, ": PCI device %04" PRIx64 ":%04" PRIx64 "\n",
                   json_object_get_int_member(id, "vendor"),
                   json_object_get_int_member(id, "device"));
    if (json_object_has_member(id, "subsystem")) {
        monitor_printf(mon, "      PCI subsystem %04" PRIx64 ":%04" PRIx64 "\n",
                       json_object_get_int_member(id, "subsystem-vendor"),
                       json_object_get_int_member(id, "subsystem"));
    }
    if (json_object_has_member(dev, "irq")) {
        monitor_printf(mon, "      IRQ %" PRId64 ", pin %c\n",
                       json_object_get_int_member(dev, "irq"),
                       (char)('A' + json_object_get_int_member(dev, "irq_pin")
                              - 1));
    }
    for (guint i = 0; i < json_array_get_length(regions); i++) {
        JsonObject *r = json_array_get_object_element(regions, i);
        uint64_t addr = json_object_get_int_member(r, "address");
        uint64_t size = json_object_get_int_member(r, "size");

        monitor_printf(mon, "      BAR%" PRId64 ": ",
                       json_object_get_int_member(r, "bar"));
        if (!strcmp(json_object_get_string_member(r, "type"), "io")) {
            monitor_printf(mon, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n",
                           addr, addr + size - 1);
        } else {
            monitor_printf(mon, "%d bit%s memory at 0x%08" PRIx64
                           " [0x%08" PRIx64 "].\n",
                           json_object_get_boolean_member(r, "mem_type_64")
                           ? 64 : 32,
                           json_object_get_boolean_member(r, "prefetch")
                           ? " prefetchable" : "",
                           addr, addr + size - 1);
        }
    }
    monitor_printf(mon, "      id \"%s\"\n",
                   json_object_get_string_member(dev, "qdev_id"));
}

/* info pci: QEMU's layout, every function of every root bus. */
static void hmp_info_pci(Monitor *mon, const char *args)
{
    g_autoptr(JsonNode) ret = NULL;
    Error *err = NULL;
    JsonArray *buses;

    if (!qmp_command_call("query-pci", NULL, &ret, &err)) {
        hmp_handle_error(mon, err);
        return;
    }
    buses = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(buses); i++) {
        JsonObject *bus = json_array_get_object_element(buses, i);
        JsonArray *devices = json_object_get_array_member(bus, "devices");

        for (guint j = 0; j < json_array_get_length(devices); j++) {
            hmp_info_pci_device(mon, json_array_get_object_element(devices,
                                                                   j));
        }
    }
}

void pci_monitor_init(void)
{
    qmp_register_command("query-pci", qmp_query_pci);
    hmp_register_info("pci", "", "show PCI info", hmp_info_pci);
}
