/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hw/pci: devfn allocation, config space, BARs, bus-master DMA. */

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"

/*
 * Test types:
 *   test-pci-host: a device owning memspace (2^64) and iospace (64 KiB);
 *     the fixture puts a root bus on it.
 *   test-pci-dev: ids 1234:5678 rev 0x42 class 0x0200 sub 1af4:1100;
 *     BAR0 4 KiB memory, BAR1 16 bytes I/O, BAR2 (+3) 1 MiB 64-bit
 *     prefetchable; "fail" makes realize fail after registering BAR0.
 *   test-pci-cfgdev: test-pci-dev whose config_read answers 0xcafef00d at
 *     0x40 and config_write records the last write.
 */
#define TYPE_TEST_PCI_HOST "test-pci-host"
#define TYPE_TEST_PCI_DEV "test-pci-dev"
#define TYPE_TEST_PCI_CFGDEV "test-pci-cfgdev"

#define BAR0_SIZE       0x1000
#define BAR1_SIZE       0x10
#define BAR2_SIZE       0x100000

OBJECT_DECLARE_SIMPLE_TYPE(TestPciHost, TEST_PCI_HOST)
OBJECT_DECLARE_SIMPLE_TYPE(TestPciDev, TEST_PCI_DEV)

struct TestPciHost {
    DeviceState parent_obj;
    MemoryRegion memspace;
    MemoryRegion iospace;
};

struct TestPciDev {
    PCIDevice parent_obj;
    bool fail;
    MemoryRegion bar0;
    MemoryRegion bar1;
    MemoryRegion bar2;
    uint32_t last_write;
    uint32_t cfg_write_addr;
    uint32_t cfg_write_val;
    unsigned resets;
};

/* ---- test-pci-host ---- */

static void test_host_init(Object *obj)
{
    TestPciHost *h = TEST_PCI_HOST(obj);

    memory_region_init(&h->memspace, obj, "pci-mem", UINT64_MAX);
    memory_region_init(&h->iospace, obj, "pci-io", 0x10000);
}

static void test_host_finalize(Object *obj)
{
    TestPciHost *h = TEST_PCI_HOST(obj);

    memory_region_finalize(&h->memspace);
    memory_region_finalize(&h->iospace);
}

/* ---- test-pci-dev ---- */

/* Reads return a tag of the BAR and the offset; writes are recorded. */
static uint64_t bar_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xba000000 | addr;
}

static void bar_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    TestPciDev *t = opaque;

    t->last_write = val;
}

static const MemoryRegionOps bar_ops = {
    .read = bar_read,
    .write = bar_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void test_dev_realize(PCIDevice *pd, Error **errp)
{
    TestPciDev *t = TEST_PCI_DEV(pd);

    memory_region_init_io(&t->bar0, OBJECT(t), &bar_ops, t, "bar0",
                          BAR0_SIZE);
    pci_register_bar(pd, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &t->bar0);
    if (t->fail) {
        error_setg(errp, "test-pci-dev: asked to fail");
        return;
    }
    memory_region_init_io(&t->bar1, OBJECT(t), &bar_ops, t, "bar1",
                          BAR1_SIZE);
    pci_register_bar(pd, 1, PCI_BASE_ADDRESS_SPACE_IO, &t->bar1);
    memory_region_init_io(&t->bar2, OBJECT(t), &bar_ops, t, "bar2",
                          BAR2_SIZE);
    pci_register_bar(pd, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &t->bar2);
}

static void test_dev_reset(PCIDevice *pd)
{
    TEST_PCI_DEV(pd)->resets++;
}

static void test_dev_finalize(Object *obj)
{
    TestPciDev *t = TEST_PCI_DEV(obj);

    /* No-ops for regions a (failed) realize did not initialise. */
    memory_region_finalize(&t->bar0);
    memory_region_finalize(&t->bar1);
    memory_region_finalize(&t->bar2);
}

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("fail", TestPciDev, fail, false),
};

static void test_dev_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = test_dev_realize;
    pc->reset = test_dev_reset;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x5678;
    pc->revision = 0x42;
    pc->class_id = 0x0200;
    pc->subsystem_vendor_id = 0x1af4;
    pc->subsystem_id = 0x1100;
    device_class_set_props(DEVICE_CLASS(oc), test_dev_props);
}

static uint32_t cfgdev_read(PCIDevice *d, uint32_t addr, uint32_t len)
{
    if (addr == 0x40 && len == 4) {
        return 0xcafef00d;
    }
    return pci_default_read_config(d, addr, len);
}

static void cfgdev_write(PCIDevice *d, uint32_t addr, uint32_t val,
                         uint32_t len)
{
    TestPciDev *t = TEST_PCI_DEV(d);

    t->cfg_write_addr = addr;
    t->cfg_write_val = val;
    pci_default_write_config(d, addr, val, len);
}

static void test_cfgdev_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->config_read = cfgdev_read;
    pc->config_write = cfgdev_write;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_PCI_HOST,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestPciHost),
        .instance_init = test_host_init,
        .instance_finalize = test_host_finalize,
    },
    {
        .name = TYPE_TEST_PCI_DEV,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(TestPciDev),
        .instance_finalize = test_dev_finalize,
        .class_init = test_dev_class_init,
    },
    {
        .name = TYPE_TEST_PCI_CFGDEV,
        .parent = TYPE_TEST_PCI_DEV,
        .class_init = test_cfgdev_class_init,
    },
};

DEFINE_TYPES(test_types)

/* ---- fixture ---- */

static TestPciHost *host;
static PCIBus *bus;
static AddressSpace mem_as, io_as;

static void setup_min(uint8_t devfn_min)
{
    memory_map_init();
    host = TEST_PCI_HOST(object_new(TYPE_TEST_PCI_HOST));
    bus = pci_root_bus_new(DEVICE(host), NULL, &host->memspace,
                           &host->iospace, devfn_min);
    address_space_init(&mem_as, &host->memspace, "test-pci-mem");
    address_space_init(&io_as, &host->iospace, "test-pci-io");
}

static void setup(void)
{
    setup_min(0);
}

static void del_dev(PCIDevice *d)
{
    qdev_unrealize(DEVICE(d));
    qdev_set_parent_bus(DEVICE(d), NULL);
    object_unref(d);
}

static void del_one(PCIBus *b, PCIDevice *d, void *opaque)
{
    del_dev(d);
}

static void teardown(void)
{
    pci_for_each_device(bus, del_one, NULL);
    address_space_destroy(&mem_as);
    address_space_destroy(&io_as);
    object_unref(host);
    host = NULL;
    bus = NULL;
    memory_map_cleanup();
}

/* A device of @type at @addr (NULL: auto); NULL and @errp on failure. */
static PCIDevice *add_dev_full(const char *type, const char *addr,
                               const char *props, Error **errp)
{
    DeviceState *dev = qdev_new(type);

    if (addr && !object_property_parse(OBJECT(dev), "addr", addr, errp)) {
        object_unref(dev);
        return NULL;
    }
    if (props) {
        g_auto(GStrv) kv = g_strsplit(props, "=", 2);

        object_property_parse(OBJECT(dev), kv[0], kv[1], &error_abort);
    }
    if (!qdev_realize(dev, BUS(bus), errp)) {
        object_unref(dev);
        return NULL;
    }
    return PCI_DEVICE(dev);
}

static PCIDevice *add_dev(const char *addr)
{
    return add_dev_full(TYPE_TEST_PCI_DEV, addr, NULL, &error_abort);
}

static uint32_t cfg_read(PCIDevice *d, uint32_t addr, uint32_t len)
{
    return pci_host_config_read_common(d, addr, pci_config_size(d), len);
}

static void cfg_write(PCIDevice *d, uint32_t addr, uint32_t val, uint32_t len)
{
    pci_host_config_write_common(d, addr, pci_config_size(d), val, len);
}

/* The error of adding a test-pci-dev at @addr (with @props). */
static char *add_error(const char *addr, const char *props)
{
    Error *err = NULL;
    char *msg;

    g_assert_null(add_dev_full(TYPE_TEST_PCI_DEV, addr, props, &err));
    g_assert_nonnull(err);
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

/* ---- bus ---- */

static void test_bus_naming(void)
{
    DeviceState *h2;
    PCIBus *b2;
    int n;
    g_autofree char *next = NULL;

    /* Without a parent id: "pci.N", N counted per bus class (qbus_init). */
    setup();
    g_assert_true(g_str_has_prefix(BUS(bus)->name, "pci."));
    n = atoi(BUS(bus)->name + 4);
    g_assert(BUS(bus)->parent == DEVICE(host));
    g_assert_nonnull(object_dynamic_cast(OBJECT(bus), TYPE_PCI_BUS));
    g_assert_cmpint(pci_bus_num(bus), ==, 0);

    h2 = DEVICE(object_new(TYPE_TEST_PCI_HOST));
    h2->id = g_strdup("phb1");
    b2 = pci_root_bus_new(h2, NULL, &TEST_PCI_HOST(h2)->memspace, NULL, 0);
    g_assert_cmpstr(BUS(b2)->name, ==, "phb1.0");
    object_unref(h2);

    h2 = DEVICE(object_new(TYPE_TEST_PCI_HOST));
    b2 = pci_root_bus_new(h2, "mybus", &TEST_PCI_HOST(h2)->memspace, NULL, 0);
    g_assert_cmpstr(BUS(b2)->name, ==, "mybus");
    object_unref(h2);

    h2 = DEVICE(object_new(TYPE_TEST_PCI_HOST));
    b2 = pci_root_bus_new(h2, NULL, &TEST_PCI_HOST(h2)->memspace, NULL, 0);
    next = g_strdup_printf("pci.%d", n + 1);
    g_assert_cmpstr(BUS(b2)->name, ==, next);
    object_unref(h2);
    teardown();
}

static void test_bus_first(void)
{
    setup();
    g_assert_cmpstr(BUS(bus)->name, ==, "pci.0");
    teardown();
}

/* ---- devfn ---- */

static void test_devfn_auto(void)
{
    PCIDevice *a, *b, *c, *d;

    setup();
    a = add_dev(NULL);
    b = add_dev(NULL);
    c = add_dev("2");
    d = add_dev(NULL);
    g_assert_cmpint(a->devfn, ==, 0x00);
    g_assert_cmpint(b->devfn, ==, 0x08);
    g_assert_cmpint(c->devfn, ==, 0x10);
    g_assert_cmpint(d->devfn, ==, 0x18);     /* skips the explicit slot 2 */
    g_assert(pci_find_device(bus, 0, 0x10) == c);
    /* a slot with only function 3 in use is not free for auto */
    del_dev(b);
    add_dev_full(TYPE_TEST_PCI_DEV, "1.3", NULL, &error_abort);
    g_assert_cmpint(add_dev(NULL)->devfn, ==, 0x20);
    teardown();

    setup_min(0x30);
    g_assert_cmpint(add_dev(NULL)->devfn, ==, 0x30);
    g_assert_cmpint(add_dev(NULL)->devfn, ==, 0x38);
    g_assert_cmpint(add_dev("0")->devfn, ==, 0x00);  /* explicit below min */
    teardown();
}

static void test_devfn_explicit(void)
{
    PCIDevice *d;
    g_autofree char *shown = NULL;

    setup();
    g_assert_cmpint(add_dev("06")->devfn, ==, 0x30);
    g_assert_cmpint(add_dev("1f.7")->devfn, ==, 0xff);
    d = add_dev("a.3");
    g_assert_cmpint(d->devfn, ==, 0x53);
    shown = object_property_print(OBJECT(d), "addr");
    g_assert_cmpstr(shown, ==, "0a.3");
    teardown();
}

static void test_devfn_unset_print(void)
{
    DeviceState *dev;
    g_autofree char *shown = NULL;

    setup();
    dev = qdev_new(TYPE_TEST_PCI_DEV);
    g_assert_cmpint(PCI_DEVICE(dev)->devfn, ==, -1);
    shown = object_property_print(OBJECT(dev), "addr");
    g_assert_cmpstr(shown, ==, "<unset>");
    object_unref(dev);
    teardown();
}

static void test_devfn_duplicate(void)
{
    g_autofree char *msg = NULL;
    PCIDevice *first;

    setup();
    add_dev(NULL);
    first = add_dev("2");
    msg = add_error("2.0", NULL);
    g_assert_cmpstr(msg, ==, "PCI: slot 2 function 0 not available for "
                    "test-pci-dev, in use by test-pci-dev");
    g_assert(pci_find_device(bus, 0, 0x10) == first);
    g_assert_cmpuint(g_queue_get_length(&BUS(bus)->children), ==, 2);
    teardown();
}

static void test_devfn_bad_string(void)
{
    static const char *const bad[] = {
        "20", "1.8", "", "x", "1.", ".1", "-1", "1.0x", " 1", "1..0",
        "0:1.0",
    };

    setup();
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *msg = add_error(bad[i], NULL);
        g_autofree char *want = g_strdup_printf(
            "Property 'test-pci-dev.addr' doesn't take value '%s'", bad[i]);

        g_assert_cmpstr(msg, ==, want);
    }
    g_assert_true(g_queue_is_empty(&BUS(bus)->children));
    teardown();
}

static void test_devfn_multifunction(void)
{
    g_autofree char *m1 = NULL, *m2 = NULL;
    PCIDevice *f0;

    setup();
    f0 = add_dev("1");
    g_assert_cmphex(cfg_read(f0, PCI_HEADER_TYPE, 1), ==, 0x00);
    m1 = add_error("1.1", NULL);
    g_assert_cmpstr(m1, ==, "PCI: single function device can't be populated "
                    "in function 1.1");
    del_dev(f0);

    add_dev_full(TYPE_TEST_PCI_DEV, "1.2", NULL, &error_abort);
    m2 = add_error("1.0", NULL);
    g_assert_cmpstr(m2, ==, "PCI: 1.0 indicates single function, but 1.2 is "
                    "already populated.");
    f0 = add_dev_full(TYPE_TEST_PCI_DEV, "1.0", "multifunction=on",
                      &error_abort);
    g_assert_cmphex(cfg_read(f0, PCI_HEADER_TYPE, 1), ==, 0x80);
    g_assert_nonnull(add_dev_full(TYPE_TEST_PCI_DEV, "1.1", NULL,
                                  &error_abort));
    teardown();
}

static void test_devfn_full(void)
{
    g_autofree char *msg = NULL;

    setup_min(0xf8);
    g_assert_cmpint(add_dev(NULL)->devfn, ==, 0xf8);
    msg = add_error(NULL, NULL);
    g_assert_cmpstr(msg, ==, "PCI: no slot/function available for "
                    "test-pci-dev, all in use or reserved");
    teardown();
}

static void test_devfn_realize_failure(void)
{
    g_autofree char *msg = NULL;
    PCIDevice *d;

    setup();
    msg = add_error(NULL, "fail=on");
    g_assert_cmpstr(msg, ==, "test-pci-dev: asked to fail");
    g_assert_null(pci_find_device(bus, 0, 0));
    /* BAR0 was registered before the failure: nothing stays mapped */
    d = add_dev(NULL);
    g_assert_cmpint(d->devfn, ==, 0);
    teardown();
}

static void assert_decode(AddressSpace *as, hwaddr addr, uint32_t want,
                          MemTxResult want_res)
{
    MemTxResult res;
    uint32_t got = address_space_ldl_be(as, addr, &res);

    g_assert_cmpuint(res, ==, want_res);
    if (want_res == MEMTX_OK) {
        g_assert_cmphex(got, ==, want);
    }
}

static void test_devfn_unrealize_frees(void)
{
    PCIDevice *d;

    setup();
    d = add_dev("3");
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x80000000, 4);
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    g_assert_cmphex(address_space_ldl_be(&mem_as, 0x80000000, NULL), ==,
                    0xba000000);
    del_dev(d);
    g_assert_null(pci_find_device(bus, 0, 0x18));
    assert_decode(&mem_as, 0x80000000, 0, MEMTX_DECODE_ERROR);
    g_assert_cmpint(add_dev("3")->devfn, ==, 0x18);
    teardown();
}

static void test_find_and_foreach_cb(PCIBus *b, PCIDevice *d, void *opaque)
{
    g_string_append_printf(opaque, "%02x ", d->devfn);
}

static void test_find_and_foreach(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    PCIDevice *d;

    setup();
    add_dev("5");
    d = add_dev("1.0");
    add_dev("3");
    g_assert(pci_find_device(bus, 0, 0x08) == d);
    g_assert_null(pci_find_device(bus, 1, 0x08));
    g_assert_null(pci_find_device(bus, 0, 0x09));
    g_assert(pci_get_bus(d) == bus);
    pci_for_each_device(bus, test_find_and_foreach_cb, seen);
    g_assert_cmpstr(seen->str, ==, "08 18 28 ");
    teardown();
}

/* ---- config space ---- */

static void test_config_ids(void)
{
    PCIDevice *d;

    setup();
    d = add_dev(NULL);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID, 2), ==, 0x1234);
    g_assert_cmphex(cfg_read(d, PCI_DEVICE_ID, 2), ==, 0x5678);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID, 4), ==, 0x56781234);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID, 1), ==, 0x34);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID + 1, 1), ==, 0x12);
    g_assert_cmphex(cfg_read(d, PCI_REVISION_ID, 1), ==, 0x42);
    g_assert_cmphex(cfg_read(d, PCI_CLASS_DEVICE, 2), ==, 0x0200);
    g_assert_cmphex(cfg_read(d, PCI_CLASS_REVISION, 4), ==, 0x02000042);
    g_assert_cmphex(cfg_read(d, PCI_SUBSYSTEM_VENDOR_ID, 2), ==, 0x1af4);
    g_assert_cmphex(cfg_read(d, PCI_SUBSYSTEM_ID, 2), ==, 0x1100);
    g_assert_cmphex(cfg_read(d, PCI_HEADER_TYPE, 1), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_STATUS, 2), ==, 0);

    /* read-only */
    cfg_write(d, PCI_VENDOR_ID, 0xffffffff, 4);
    cfg_write(d, PCI_CLASS_REVISION, 0xffffffff, 4);
    cfg_write(d, PCI_HEADER_TYPE, 0xff, 1);
    cfg_write(d, PCI_SUBSYSTEM_VENDOR_ID, 0, 4);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID, 4), ==, 0x56781234);
    g_assert_cmphex(cfg_read(d, PCI_CLASS_REVISION, 4), ==, 0x02000042);
    g_assert_cmphex(cfg_read(d, PCI_HEADER_TYPE, 1), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_SUBSYSTEM_VENDOR_ID, 4), ==, 0x11001af4);

    /* writable scratch registers */
    cfg_write(d, PCI_INTERRUPT_LINE, 0x1234, 2);
    g_assert_cmphex(cfg_read(d, PCI_INTERRUPT_LINE, 2), ==, 0x34);
    teardown();
}

static void test_config_command_status(void)
{
    PCIDevice *d;

    setup();
    d = add_dev(NULL);
    g_assert_cmphex(cfg_read(d, PCI_COMMAND, 2), ==, 0);
    cfg_write(d, PCI_COMMAND, 0xffff, 2);
    g_assert_cmphex(cfg_read(d, PCI_COMMAND, 2), ==,
                    PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                    PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                    PCI_COMMAND_INTX_DISABLE);
    g_assert_true(d->bus_master_enabled);
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY, 1);
    g_assert_cmphex(cfg_read(d, PCI_COMMAND, 2), ==, PCI_COMMAND_MEMORY |
                    PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    g_assert_false(d->bus_master_enabled);

    /* status: error bits are write-one-to-clear, the rest read-only */
    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT |
                 PCI_STATUS_DETECTED_PARITY | PCI_STATUS_66MHZ);
    cfg_write(d, PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_66MHZ,
              2);
    g_assert_cmphex(cfg_read(d, PCI_STATUS, 2), ==,
                    PCI_STATUS_DETECTED_PARITY | PCI_STATUS_66MHZ);
    cfg_write(d, PCI_STATUS, 0, 2);
    g_assert_cmphex(cfg_read(d, PCI_STATUS, 2), ==,
                    PCI_STATUS_DETECTED_PARITY | PCI_STATUS_66MHZ);
    /* a 4-byte write at COMMAND reaches both registers */
    cfg_write(d, PCI_COMMAND, (uint32_t)PCI_STATUS_DETECTED_PARITY << 16 |
              PCI_COMMAND_MASTER, 4);
    g_assert_cmphex(cfg_read(d, PCI_COMMAND, 4), ==,
                    (uint32_t)PCI_STATUS_66MHZ << 16 | PCI_COMMAND_MASTER);
    g_assert_true(d->bus_master_enabled);
    teardown();
}

static void test_config_bounds(void)
{
    PCIDevice *d;

    setup();
    d = add_dev(NULL);
    /* addr + len > limit */
    g_assert_cmphex(pci_host_config_read_common(d, 0xfe, 0x100, 4), ==,
                    0xffffffff);
    g_assert_cmphex(pci_host_config_read_common(d, 0xff, 0x100, 2), ==,
                    0xffffffff);
    g_assert_cmphex(pci_host_config_read_common(d, 0x100, 0x100, 1), ==,
                    0xffffffff);
    g_assert_cmphex(pci_host_config_read_common(d, 0xfffffffe, 0x100, 4), ==,
                    0xffffffff);
    g_assert_cmphex(pci_host_config_read_common(d, 0xff, 0x100, 1), ==, 0);
    /* the host's limit is honoured below the config size */
    g_assert_cmphex(pci_host_config_read_common(d, 0x3c, 0x3c, 1), ==,
                    0xffffffff);
    /* a limit beyond the config space is clamped to it */
    g_assert_cmphex(pci_host_config_read_common(d, 0x100, 0x1000, 4), ==,
                    0xffffffff);
    /* bad lengths */
    g_assert_cmphex(pci_host_config_read_common(d, 0, 0x100, 3), ==,
                    0xffffffff);
    g_assert_cmphex(pci_host_config_read_common(d, 0, 0x100, 0), ==,
                    0xffffffff);
    g_assert_cmphex(pci_host_config_read_common(d, 0, 0x100, 8), ==,
                    0xffffffff);

    /* out-of-bounds writes are dropped */
    pci_host_config_write_common(d, PCI_INTERRUPT_LINE, PCI_INTERRUPT_LINE,
                                 0x55, 1);
    pci_host_config_write_common(d, PCI_INTERRUPT_LINE, 0x3e, 0x5555, 4);
    pci_host_config_write_common(d, PCI_INTERRUPT_LINE, 0x100, 0x5555, 3);
    pci_host_config_write_common(d, PCI_COMMAND, 0x100, 0xffff, 0);
    g_assert_cmphex(cfg_read(d, PCI_INTERRUPT_LINE, 1), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_COMMAND, 2), ==, 0);
    pci_host_config_write_common(d, PCI_INTERRUPT_LINE, 0x3d, 0x55, 1);
    g_assert_cmphex(cfg_read(d, PCI_INTERRUPT_LINE, 1), ==, 0x55);
    teardown();
}

static void test_config_override(void)
{
    PCIDevice *d;
    TestPciDev *t;

    setup();
    d = add_dev_full(TYPE_TEST_PCI_CFGDEV, NULL, NULL, &error_abort);
    t = TEST_PCI_DEV(d);
    g_assert_cmphex(cfg_read(d, 0x40, 4), ==, 0xcafef00d);
    g_assert_cmphex(cfg_read(d, 0x40, 2), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID, 2), ==, 0x1234);
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmphex(t->cfg_write_addr, ==, PCI_COMMAND);
    g_assert_cmphex(t->cfg_write_val, ==, PCI_COMMAND_MASTER);
    g_assert_true(d->bus_master_enabled);
    /* the bounds check runs before the override */
    t->cfg_write_addr = 0;
    pci_host_config_write_common(d, 0xfe, 0x100, 1, 4);
    g_assert_cmphex(t->cfg_write_addr, ==, 0);
    teardown();
}

/* ---- BARs ---- */

static void test_bar_sizing(void)
{
    PCIDevice *d;

    setup();
    d = add_dev(NULL);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_0, 4), ==, 0x0);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_1, 4), ==, 0x1);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_2, 4), ==, 0xc);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_3, 4), ==, 0x0);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_4, 4), ==, 0x0);
    for (int i = 0; i < 6; i++) {
        cfg_write(d, PCI_BASE_ADDRESS_0 + 4 * i, 0xffffffff, 4);
    }
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_0, 4), ==, 0xfffff000);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_1, 4), ==, 0xfffffff1);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_2, 4), ==, 0xfff0000c);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_3, 4), ==, 0xffffffff);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_4, 4), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_5, 4), ==, 0);
    g_assert_cmphex(d->io_regions[0].size, ==, BAR0_SIZE);
    g_assert_cmphex(d->io_regions[2].type, ==, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    /* programming keeps the type bits and drops the low address bits */
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x80001234, 4);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_0, 4), ==, 0x80001000);
    cfg_write(d, PCI_BASE_ADDRESS_1, 0x1236, 4);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_1, 4), ==, 0x1231);
    teardown();
}

static void test_bar_mapping(void)
{
    PCIDevice *d;
    TestPciDev *t;

    setup();
    d = add_dev(NULL);
    t = TEST_PCI_DEV(d);
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x80001000, 4);
    cfg_write(d, PCI_BASE_ADDRESS_1, 0x1000, 4);
    cfg_write(d, PCI_BASE_ADDRESS_2, 0x00100000, 4);
    cfg_write(d, PCI_BASE_ADDRESS_3, 0x2, 4);
    /* not decoding yet */
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    assert_decode(&mem_as, 0x80001000, 0, MEMTX_DECODE_ERROR);

    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, 0x80001000);
    g_assert_cmphex(pci_get_bar_addr(d, 1), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(pci_get_bar_addr(d, 2), ==, 0x200100000ULL);
    assert_decode(&mem_as, 0x80001000, 0xba000000, MEMTX_OK);
    assert_decode(&mem_as, 0x80001ffc, 0xba000ffc, MEMTX_OK);
    assert_decode(&mem_as, 0x80002000, 0, MEMTX_DECODE_ERROR);
    assert_decode(&mem_as, 0x2001ffff0ULL, 0xba0ffff0, MEMTX_OK);
    assert_decode(&io_as, 0x1000, 0, MEMTX_DECODE_ERROR);
    address_space_stl_be(&mem_as, 0x80001010, 0x600dcafe, NULL);
    g_assert_cmphex(t->last_write, ==, 0x600dcafe);

    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    g_assert_cmphex(pci_get_bar_addr(d, 1), ==, 0x1000);
    assert_decode(&io_as, 0x1004, 0xba000004, MEMTX_OK);

    /* moving a BAR remaps it */
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x90000000, 4);
    assert_decode(&mem_as, 0x80001000, 0, MEMTX_DECODE_ERROR);
    assert_decode(&mem_as, 0x90000008, 0xba000008, MEMTX_OK);
    /* sizing while decoding unmaps (all ones is not an address) */
    cfg_write(d, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    assert_decode(&mem_as, 0xfffff000, 0, MEMTX_DECODE_ERROR);
    cfg_write(d, PCI_BASE_ADDRESS_2, 0xffffffff, 4);
    cfg_write(d, PCI_BASE_ADDRESS_3, 0xffffffff, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 2), ==, PCI_BAR_UNMAPPED);
    /* address 0 is unprogrammed */
    cfg_write(d, PCI_BASE_ADDRESS_0, 0, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    assert_decode(&mem_as, 0, 0, MEMTX_DECODE_ERROR);
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x90000000, 4);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, 0x90000000);

    /* clearing the decode bits unmaps */
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_IO, 2);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    assert_decode(&mem_as, 0x90000008, 0, MEMTX_DECODE_ERROR);
    assert_decode(&io_as, 0x1004, 0xba000004, MEMTX_OK);
    cfg_write(d, PCI_COMMAND, 0, 2);
    assert_decode(&io_as, 0x1004, 0, MEMTX_DECODE_ERROR);
    teardown();
}

static void test_bar_two_devices(void)
{
    PCIDevice *a, *b;

    setup();
    a = add_dev(NULL);
    b = add_dev(NULL);
    cfg_write(a, PCI_BASE_ADDRESS_0, 0x80000000, 4);
    cfg_write(b, PCI_BASE_ADDRESS_0, 0x80004000, 4);
    cfg_write(a, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    cfg_write(b, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    address_space_stl_be(&mem_as, 0x80000000, 1, NULL);
    address_space_stl_be(&mem_as, 0x80004000, 2, NULL);
    g_assert_cmpuint(TEST_PCI_DEV(a)->last_write, ==, 1);
    g_assert_cmpuint(TEST_PCI_DEV(b)->last_write, ==, 2);
    teardown();
}

static void test_reset(void)
{
    PCIDevice *d;

    setup();
    d = add_dev(NULL);
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x80000000, 4);
    cfg_write(d, PCI_BASE_ADDRESS_3, 0x1, 4);
    cfg_write(d, PCI_INTERRUPT_LINE, 9, 1);
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, 0x80000000);

    device_cold_reset(DEVICE(d));
    g_assert_cmpuint(TEST_PCI_DEV(d)->resets, ==, 1);
    g_assert_cmphex(cfg_read(d, PCI_COMMAND, 4), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_2, 4), ==, 0xc);
    g_assert_cmphex(cfg_read(d, PCI_BASE_ADDRESS_3, 4), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_INTERRUPT_LINE, 1), ==, 0);
    g_assert_cmphex(cfg_read(d, PCI_VENDOR_ID, 4), ==, 0x56781234);
    g_assert_cmphex(pci_get_bar_addr(d, 0), ==, PCI_BAR_UNMAPPED);
    g_assert_false(d->bus_master_enabled);
    assert_decode(&mem_as, 0x80000000, 0, MEMTX_DECODE_ERROR);
    teardown();
}

static void test_qtree_print(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    PCIDevice *d;

    setup();
    d = add_dev("2.0");
    cfg_write(d, PCI_BASE_ADDRESS_0, 0x80000000, 4);
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    BUS_GET_CLASS(bus)->print_dev(BUS(bus), DEVICE(d), 4, out);
    g_assert_cmpstr(out->str, ==,
        "    class Ethernet controller, addr 00:02.0, pci id 1234:5678 "
        "(sub 1af4:1100)\n"
        "    bar 0: mem at 0x80000000 [0x80000fff]\n"
        "    bar 1: i/o at 0xffffffffffffffff [0xe]\n"
        "    bar 2: mem at 0xffffffffffffffff [0xffffe]\n");
    teardown();
}

/* ---- DMA ---- */

static void test_dma_bus_master(void)
{
    MemoryRegion ram;
    uint8_t *host_ram;
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];
    PCIDevice *d;

    setup();
    memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    host_ram = memory_region_get_ram_ptr(&ram);
    d = add_dev(NULL);
    g_assert(pci_device_iommu_address_space(d) == &address_space_memory);
    g_assert(pci_get_address_space(d) == &d->bus_master_as);

    /* off after realize: a master abort, RAM untouched */
    g_assert_cmpuint(pci_dma_write(d, 0x100, buf, 8), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(host_ram[0x100], ==, 0);
    g_assert_cmpuint(pci_dma_read(d, 0x100, back, 8), ==, MEMTX_DECODE_ERROR);

    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmpuint(pci_dma_write(d, 0x100, buf, 8), ==, MEMTX_OK);
    g_assert_cmpmem(host_ram + 0x100, 8, buf, 8);
    memset(back, 0, sizeof(back));
    g_assert_cmpuint(pci_dma_read(d, 0x100, back, 8), ==, MEMTX_OK);
    g_assert_cmpmem(back, 8, buf, 8);
    /* beyond RAM: decode error with mastering on */
    g_assert_cmpuint(pci_dma_read(d, 0x10000, back, 8), ==,
                     MEMTX_DECODE_ERROR);

    cfg_write(d, PCI_COMMAND, 0, 2);
    host_ram[0x200] = 0xaa;
    g_assert_cmpuint(pci_dma_write(d, 0x200, buf, 8), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(host_ram[0x200], ==, 0xaa);
    teardown();
    memory_region_finalize(&ram);
}

typedef struct IommuHook {
    MemoryRegion root;
    MemoryRegion ram;
    AddressSpace as;
    int calls;
    int last_devfn;
} IommuHook;

static AddressSpace *hook_fn(PCIBus *b, void *opaque, int devfn)
{
    IommuHook *h = opaque;

    g_assert(b == bus);
    h->calls++;
    h->last_devfn = devfn;
    return &h->as;
}

static void test_dma_iommu_hook(void)
{
    IommuHook h = { 0 };
    uint32_t val = 0x11223344;
    uint8_t *p;
    PCIDevice *d;

    setup();
    memory_region_init(&h.root, NULL, "dma-root", UINT64_MAX);
    memory_region_init_ram(&h.ram, NULL, "dma-ram", 0x1000, &error_abort);
    memory_region_add_subregion(&h.root, 0x40000000, &h.ram);
    address_space_init(&h.as, &h.root, "dma");
    pci_setup_iommu(bus, hook_fn, &h);

    d = add_dev("4.0");
    g_assert_cmpint(h.last_devfn, ==, 0x20);
    g_assert(pci_device_iommu_address_space(d) == &h.as);
    cfg_write(d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmpuint(pci_dma_write(d, 0x40000010, &val, 4), ==, MEMTX_OK);
    p = memory_region_get_ram_ptr(&h.ram);
    g_assert_cmpmem(p + 0x10, 4, &val, 4);
    g_assert_cmpuint(pci_dma_write(d, 0x10, &val, 4), ==, MEMTX_DECODE_ERROR);
    teardown();
    address_space_destroy(&h.as);
    memory_region_finalize(&h.root);
    memory_region_finalize(&h.ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* First: the very first PCI bus of a process is "pci.0". */
    g_test_add_func("/pci/bus/first-is-pci.0", test_bus_first);
    g_test_add_func("/pci/bus/naming", test_bus_naming);
    g_test_add_func("/pci/bus/find-and-foreach", test_find_and_foreach);
    g_test_add_func("/pci/devfn/auto", test_devfn_auto);
    g_test_add_func("/pci/devfn/explicit", test_devfn_explicit);
    g_test_add_func("/pci/devfn/unset-print", test_devfn_unset_print);
    g_test_add_func("/pci/devfn/duplicate", test_devfn_duplicate);
    g_test_add_func("/pci/devfn/bad-string", test_devfn_bad_string);
    g_test_add_func("/pci/devfn/multifunction", test_devfn_multifunction);
    g_test_add_func("/pci/devfn/full", test_devfn_full);
    g_test_add_func("/pci/devfn/realize-failure", test_devfn_realize_failure);
    g_test_add_func("/pci/devfn/unrealize-frees", test_devfn_unrealize_frees);
    g_test_add_func("/pci/config/ids", test_config_ids);
    g_test_add_func("/pci/config/command-status", test_config_command_status);
    g_test_add_func("/pci/config/bounds", test_config_bounds);
    g_test_add_func("/pci/config/override", test_config_override);
    g_test_add_func("/pci/bar/sizing", test_bar_sizing);
    g_test_add_func("/pci/bar/mapping", test_bar_mapping);
    g_test_add_func("/pci/bar/two-devices", test_bar_two_devices);
    g_test_add_func("/pci/device/reset", test_reset);
    g_test_add_func("/pci/device/qtree-print", test_qtree_print);
    g_test_add_func("/pci/dma/bus-master", test_dma_bus_master);
    g_test_add_func("/pci/dma/iommu-hook", test_dma_iommu_hook);
    return g_test_run();
}
