/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hw/misc/iommu-testdev.c: DMA through a test IOMMU, statuses. */

#include "qemu/osdep.h"
#include "hw/misc/iommu-testdev.h"
#include "hw/qdev-properties.h"

/*
 * Layout:
 *   test-itd-host: owns the PCI memory space; a root bus on it whose IOMMU
 *     hook returns dma_as.
 *   dma_as: container with the test IOMMU region (16 pages of 4 KiB) at
 *     WINDOW_BASE (above 4 GiB, so DMA_ADDR_HI matters); nothing else.
 *   The IOMMU translates page i to table[i].gpa in ram_as (64 KiB of RAM)
 *   with table[i].perm.
 *   The device's BAR 0 is at BAR_ADDR in the PCI memory space.
 */
#define TYPE_TEST_ITD_HOST "test-itd-host"

#define PAGE            0x1000ULL
#define WINDOW_PAGES    16
#define WINDOW_BASE     0x100000000ULL
#define RAM_SIZE        0x10000
#define BAR_ADDR        0x80000000ULL

OBJECT_DECLARE_SIMPLE_TYPE(TestItdHost, TEST_ITD_HOST)

struct TestItdHost {
    DeviceState parent_obj;
    MemoryRegion memspace;
};

static void test_itd_host_init(Object *obj)
{
    memory_region_init(&TEST_ITD_HOST(obj)->memspace, obj, "pci-mem",
                       UINT64_MAX);
}

static void test_itd_host_finalize(Object *obj)
{
    memory_region_finalize(&TEST_ITD_HOST(obj)->memspace);
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_ITD_HOST,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestItdHost),
        .instance_init = test_itd_host_init,
        .instance_finalize = test_itd_host_finalize,
    },
};

DEFINE_TYPES(test_types)

/* ---- the test IOMMU ---- */

static struct {
    hwaddr gpa;
    IOMMUAccessFlags perm;
} table[WINDOW_PAGES];
static unsigned translate_calls;

static MemoryRegion ram_root, ram, dma_root;
static IOMMUMemoryRegion iommu;
static AddressSpace ram_as, dma_as, mem_as;
static uint8_t *ram_ptr;

static IOMMUTLBEntry test_translate(IOMMUMemoryRegion *mr, hwaddr addr,
                                    IOMMUAccessFlags flag, int iommu_idx)
{
    unsigned page = addr / PAGE;

    translate_calls++;
    g_assert_cmpuint(page, <, WINDOW_PAGES);
    return (IOMMUTLBEntry) {
        .target_as = &ram_as,
        .iova = addr & ~(PAGE - 1),
        .translated_addr = table[page].gpa,
        .addr_mask = PAGE - 1,
        .perm = table[page].perm,
    };
}

static const IOMMUMemoryRegionOps test_iommu_ops = {
    .name = "test-iommu",
    .translate = test_translate,
};

static AddressSpace *test_iommu_fn(PCIBus *bus, void *opaque, int devfn)
{
    return &dma_as;
}

/* Map window page @page to RAM page @ram_page with @perm. */
static void map_page(unsigned page, unsigned ram_page, IOMMUAccessFlags perm)
{
    table[page].gpa = ram_page * PAGE;
    table[page].perm = perm;
}

/* ---- fixture ---- */

static TestItdHost *host;
static PCIBus *bus;
static PCIDevice *dev;

static void cfg_write(uint32_t addr, uint32_t val, uint32_t len)
{
    pci_host_config_write_common(dev, addr, pci_config_size(dev), val, len);
}

static uint32_t cfg_read(uint32_t addr, uint32_t len)
{
    return pci_host_config_read_common(dev, addr, pci_config_size(dev), len);
}

static void setup(void)
{
    DeviceState *d;

    memory_map_init();
    memset(table, 0, sizeof(table));
    translate_calls = 0;

    memory_region_init(&ram_root, NULL, "ram-root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(&ram_root, 0, &ram);
    address_space_init(&ram_as, &ram_root, "test-ram");
    ram_ptr = memory_region_get_ram_ptr(&ram);

    memory_region_init(&dma_root, NULL, "dma-root", UINT64_MAX);
    memory_region_init_iommu(&iommu, NULL, &test_iommu_ops, "test-iommu",
                             WINDOW_PAGES * PAGE);
    memory_region_add_subregion(&dma_root, WINDOW_BASE,
                                MEMORY_REGION_OF_IOMMU(&iommu));
    address_space_init(&dma_as, &dma_root, "test-dma");

    host = TEST_ITD_HOST(object_new(TYPE_TEST_ITD_HOST));
    bus = pci_root_bus_new(DEVICE(host), NULL, &host->memspace, NULL, 0);
    pci_setup_iommu(bus, test_iommu_fn, NULL);
    address_space_init(&mem_as, &host->memspace, "test-pci-mem");

    d = qdev_new(TYPE_IOMMU_TESTDEV);
    g_assert_true(qdev_realize(d, BUS(bus), &error_abort));
    dev = PCI_DEVICE(d);
    cfg_write(PCI_BASE_ADDRESS_0, BAR_ADDR, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
}

static void teardown(void)
{
    qdev_unrealize(DEVICE(dev));
    qdev_set_parent_bus(DEVICE(dev), NULL);
    object_unref(dev);
    dev = NULL;
    address_space_destroy(&mem_as);
    object_unref(host);
    host = NULL;
    bus = NULL;
    address_space_destroy(&dma_as);
    memory_region_finalize(&dma_root);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&iommu));
    address_space_destroy(&ram_as);
    memory_region_finalize(&ram_root);
    memory_region_finalize(&ram);
    memory_map_cleanup();
}

/* ---- register access as a little-endian-aware driver does ---- */

static uint32_t reg_read(hwaddr off)
{
    uint32_t le;

    g_assert_cmpuint(address_space_read(&mem_as, BAR_ADDR + off, &le, 4), ==,
                     MEMTX_OK);
    return GUINT32_FROM_LE(le);
}

static void reg_write(hwaddr off, uint32_t val)
{
    uint32_t le = GUINT32_TO_LE(val);

    g_assert_cmpuint(address_space_write(&mem_as, BAR_ADDR + off, &le, 4), ==,
                     MEMTX_OK);
}

static void buf_load(hwaddr off, const void *data, hwaddr len)
{
    g_assert_cmpuint(address_space_write(&mem_as, BAR_ADDR +
                                         IOMMU_TESTDEV_BUF_OFFSET + off,
                                         data, len), ==, MEMTX_OK);
}

static void buf_fetch(hwaddr off, void *data, hwaddr len)
{
    g_assert_cmpuint(address_space_read(&mem_as, BAR_ADDR +
                                        IOMMU_TESTDEV_BUF_OFFSET + off,
                                        data, len), ==, MEMTX_OK);
}

/* Program and run one DMA; returns DMA_STATUS. */
static uint32_t dma(uint32_t cmd, uint64_t iova, uint32_t len)
{
    reg_write(IOMMU_TESTDEV_REG_DMA_ADDR_LO, (uint32_t)iova);
    reg_write(IOMMU_TESTDEV_REG_DMA_ADDR_HI, iova >> 32);
    reg_write(IOMMU_TESTDEV_REG_DMA_LEN, len);
    reg_write(IOMMU_TESTDEV_REG_DMA_CMD, cmd);
    return reg_read(IOMMU_TESTDEV_REG_DMA_STATUS);
}

static void fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = seed + i * 7;
    }
}

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* ---- tests ---- */

static void test_identity(void)
{
    uint32_t be;

    setup();
    g_assert_cmphex(cfg_read(PCI_VENDOR_ID, 2), ==, 0x1b36);
    g_assert_cmphex(cfg_read(PCI_DEVICE_ID, 2), ==, 0x0105);
    g_assert_cmphex(cfg_read(PCI_CLASS_REVISION, 4), ==, 0xff000001);
    cfg_write(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(PCI_BASE_ADDRESS_0, 4), ==, 0xffffe000);
    cfg_write(PCI_BASE_ADDRESS_0, BAR_ADDR, 4);

    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_ID), ==, 0x44544f49);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_VERSION), ==, 1);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_STATUS), ==,
                    IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 0);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_CMD), ==, 0);
    g_assert_cmphex(reg_read(0x100), ==, 0);
    /* A big-endian CPU load (qtest readl) sees the bytes swapped. */
    be = address_space_ldl_be(&mem_as, BAR_ADDR + IOMMU_TESTDEV_REG_ID, NULL);
    g_assert_cmphex(be, ==, GUINT32_SWAP_LE_BE(IOMMU_TESTDEV_ID_VALUE));
    /* ... and its bytes spell the id in memory order */
    {
        char id[4];

        address_space_read(&mem_as, BAR_ADDR, id, 4);
        g_assert_cmpmem(id, 4, "IOTD", 4);
    }
    teardown();
}

static void test_registers(void)
{
    uint64_t le64 = GUINT64_TO_LE(0x123456789abcdef0ULL);

    setup();
    reg_write(IOMMU_TESTDEV_REG_DMA_ADDR_LO, 0x89abcdef);
    reg_write(IOMMU_TESTDEV_REG_DMA_ADDR_HI, 0x01234567);
    reg_write(IOMMU_TESTDEV_REG_DMA_LEN, 0x42);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_ADDR_LO), ==, 0x89abcdef);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_ADDR_HI), ==, 0x01234567);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_LEN), ==, 0x42);
    /* one 8-byte access sets both halves */
    g_assert_cmpuint(address_space_write(&mem_as, BAR_ADDR +
                                         IOMMU_TESTDEV_REG_DMA_ADDR_LO,
                                         &le64, 8), ==, MEMTX_OK);
    g_assert_cmphex(IOMMU_TESTDEV(dev)->dma_addr, ==, 0x123456789abcdef0ULL);
    /* read-only registers ignore writes */
    reg_write(IOMMU_TESTDEV_REG_ID, 0);
    reg_write(IOMMU_TESTDEV_REG_DMA_COUNT, 5);
    reg_write(IOMMU_TESTDEV_REG_DMA_STATUS, 5);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_ID), ==,
                    IOMMU_TESTDEV_ID_VALUE);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 0);
    g_assert_cmphex(reg_read(IOMMU_TESTDEV_REG_DMA_STATUS), ==, 0);
    teardown();
}

static void test_buffer_window(void)
{
    uint8_t data[IOMMU_TESTDEV_BUF_SIZE], back[IOMMU_TESTDEV_BUF_SIZE];

    setup();
    fill_pattern(data, sizeof(data), 3);
    buf_load(0, data, sizeof(data));
    g_assert_cmpmem(IOMMU_TESTDEV(dev)->buf, sizeof(data), data,
                    sizeof(data));
    buf_fetch(0, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), data, sizeof(data));
    /* odd offsets and sizes */
    buf_load(0x123, "\xaa\xbb\xcc", 3);
    buf_fetch(0x122, back, 5);
    g_assert_cmpmem(back, 5, ((uint8_t[]){ data[0x122], 0xaa, 0xbb, 0xcc,
                                           data[0x126] }), 5);
    teardown();
}

static void test_dma_write(void)
{
    uint8_t data[0x40];

    setup();
    map_page(2, 5, IOMMU_RW);
    fill_pattern(data, sizeof(data), 0x11);
    buf_load(0, data, sizeof(data));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE,
                         WINDOW_BASE + 2 * PAGE + 0x10, sizeof(data)), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_RESULT), ==, MEMTX_OK);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 1);
    g_assert_cmpmem(ram_ptr + 5 * PAGE + 0x10, sizeof(data), data,
                    sizeof(data));
    /* nothing else in RAM changed */
    g_assert_true(all_zero(ram_ptr, 5 * PAGE + 0x10));
    g_assert_true(all_zero(ram_ptr + 5 * PAGE + 0x50,
                           RAM_SIZE - 5 * PAGE - 0x50));
    teardown();
}

static void test_dma_read(void)
{
    uint8_t back[0x80];

    setup();
    map_page(0, 9, IOMMU_RO);
    fill_pattern(ram_ptr + 9 * PAGE + 0xf00, 0x80, 0x5a);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ,
                         WINDOW_BASE + 0xf00, 0x80), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    buf_fetch(0, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), ram_ptr + 9 * PAGE + 0xf00, 0x80);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 1);
    teardown();
}

/* A transfer crossing pages follows each page's translation. */
static void test_dma_cross_page(void)
{
    uint8_t data[0x200];

    setup();
    map_page(3, 7, IOMMU_RW);
    map_page(4, 1, IOMMU_RW);
    fill_pattern(data, sizeof(data), 0x21);
    buf_load(0, data, sizeof(data));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE,
                         WINDOW_BASE + 4 * PAGE - 0x100, 0x200), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmpmem(ram_ptr + 8 * PAGE - 0x100, 0x100, data, 0x100);
    g_assert_cmpmem(ram_ptr + 1 * PAGE, 0x100, data + 0x100, 0x100);
    /* and read back across the same two pages */
    memset(IOMMU_TESTDEV(dev)->buf, 0, IOMMU_TESTDEV_BUF_SIZE);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ,
                         WINDOW_BASE + 4 * PAGE - 0x100, 0x200), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmpmem(IOMMU_TESTDEV(dev)->buf, 0x200, data, 0x200);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 2);
    teardown();
}

static void test_perm_ro(void)
{
    uint8_t data[16];

    setup();
    map_page(1, 2, IOMMU_RO);
    fill_pattern(data, sizeof(data), 1);
    buf_load(0, data, sizeof(data));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE + PAGE,
                         16), ==, IOMMU_TESTDEV_STATUS_PERMISSION);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_RESULT), ==,
                     MEMTX_ACCESS_ERROR);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 0);
    g_assert_true(all_zero(ram_ptr, RAM_SIZE));
    /* reading through the same entry is allowed */
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE + PAGE,
                         16), ==, IOMMU_TESTDEV_STATUS_OK);
    teardown();
}

static void test_perm_wo(void)
{
    uint8_t back[16];

    setup();
    map_page(1, 2, IOMMU_WO);
    memset(ram_ptr + 2 * PAGE, 0x77, 16);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE + PAGE,
                         16), ==, IOMMU_TESTDEV_STATUS_PERMISSION);
    buf_fetch(0, back, sizeof(back));
    g_assert_true(all_zero(back, sizeof(back)));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE + PAGE,
                         16), ==, IOMMU_TESTDEV_STATUS_OK);
    g_assert_true(all_zero(ram_ptr + 2 * PAGE, 16));
    teardown();
}

static void test_no_entry(void)
{
    uint8_t data[8] = { 9, 8, 7, 6, 5, 4, 3, 2 }, back[8];

    setup();
    buf_load(0, data, sizeof(data));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE + 6 * PAGE,
                         8), ==, IOMMU_TESTDEV_STATUS_TRANSLATION);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_RESULT), ==,
                     MEMTX_TRANSLATION_ERROR);
    g_assert_true(all_zero(ram_ptr, RAM_SIZE));
    /* a failed read leaves the buffer as it was */
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE + 6 * PAGE,
                         8), ==, IOMMU_TESTDEV_STATUS_TRANSLATION);
    buf_fetch(0, back, sizeof(back));
    g_assert_cmpmem(back, 8, data, 8);
    /* a read half in a valid page still fails as a whole */
    map_page(5, 3, IOMMU_RW);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ,
                         WINDOW_BASE + 6 * PAGE - 4, 8), ==,
                     IOMMU_TESTDEV_STATUS_TRANSLATION);
    buf_fetch(0, back, sizeof(back));
    g_assert_cmpmem(back, 8, data, 8);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 0);
    teardown();
}

static void test_outside_window(void)
{
    setup();
    for (unsigned i = 0; i < WINDOW_PAGES; i++) {
        map_page(i, i, IOMMU_RW);
    }
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE,
                         WINDOW_BASE + WINDOW_PAGES * PAGE, 4), ==,
                     IOMMU_TESTDEV_STATUS_DECODE);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_RESULT), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE - 4, 4), ==,
                     IOMMU_TESTDEV_STATUS_DECODE);
    /* the low 32 bits alone do not reach the window */
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, 0, 4), ==,
                     IOMMU_TESTDEV_STATUS_DECODE);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    teardown();
}

static void test_bus_master_off(void)
{
    uint8_t data[4] = { 1, 2, 3, 4 };

    setup();
    map_page(0, 0, IOMMU_RW);
    buf_load(0, data, sizeof(data));
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    translate_calls = 0;
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_BUS_MASTER);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_RESULT), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(translate_calls, ==, 0);
    g_assert_true(all_zero(ram_ptr, RAM_SIZE));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_BUS_MASTER);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmpmem(ram_ptr, 4, data, 4);
    teardown();
}

static void test_bad_length(void)
{
    uint8_t data[4] = { 1, 2, 3, 4 }, back[4];

    setup();
    map_page(0, 0, IOMMU_RW);
    buf_load(0, data, sizeof(data));
    memset(ram_ptr, 0x55, 8);
    translate_calls = 0;
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE, 0), ==,
                     IOMMU_TESTDEV_STATUS_BAD_LENGTH);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE, 4097), ==,
                     IOMMU_TESTDEV_STATUS_BAD_LENGTH);
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE,
                         0xffffffff), ==, IOMMU_TESTDEV_STATUS_BAD_LENGTH);
    g_assert_cmpuint(translate_calls, ==, 0);
    g_assert_cmpuint(ram_ptr[0], ==, 0x55);
    buf_fetch(0, back, sizeof(back));
    g_assert_cmpmem(back, 4, data, 4);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 0);
    /* the maximum is accepted */
    for (unsigned i = 0; i < 2; i++) {
        map_page(i, i, IOMMU_RW);
    }
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE + 0x800,
                         4096), ==, IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmpmem(ram_ptr + 0x800, 4, data, 4);
    teardown();
}

static void test_bad_command(void)
{
    setup();
    map_page(0, 0, IOMMU_RW);
    translate_calls = 0;
    g_assert_cmpuint(dma(0, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_BAD_COMMAND);
    g_assert_cmpuint(dma(3, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_BAD_COMMAND);
    g_assert_cmpuint(translate_calls, ==, 0);
    /* a good command after a bad one reports OK again */
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_READ, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    teardown();
}

static void test_reset(void)
{
    uint8_t data[4] = { 1, 2, 3, 4 }, back[4];

    setup();
    map_page(0, 0, IOMMU_RW);
    buf_load(0, data, sizeof(data));
    g_assert_cmpuint(dma(IOMMU_TESTDEV_CMD_DMA_WRITE, WINDOW_BASE, 4), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    dma(7, WINDOW_BASE, 4);
    device_cold_reset(DEVICE(dev));
    /* the PCI reset turned decoding off: turn it back on to look */
    cfg_write(PCI_BASE_ADDRESS_0, BAR_ADDR, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_STATUS), ==, 0);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_COUNT), ==, 0);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_ADDR_HI), ==, 0);
    g_assert_cmpuint(reg_read(IOMMU_TESTDEV_REG_DMA_LEN), ==, 0);
    buf_fetch(0, back, sizeof(back));
    g_assert_true(all_zero(back, sizeof(back)));
    g_assert_false(dev->bus_master_enabled);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iommu-testdev/identity", test_identity);
    g_test_add_func("/iommu-testdev/registers", test_registers);
    g_test_add_func("/iommu-testdev/buffer-window", test_buffer_window);
    g_test_add_func("/iommu-testdev/dma/write", test_dma_write);
    g_test_add_func("/iommu-testdev/dma/read", test_dma_read);
    g_test_add_func("/iommu-testdev/dma/cross-page", test_dma_cross_page);
    g_test_add_func("/iommu-testdev/error/perm-ro", test_perm_ro);
    g_test_add_func("/iommu-testdev/error/perm-wo", test_perm_wo);
    g_test_add_func("/iommu-testdev/error/no-entry", test_no_entry);
    g_test_add_func("/iommu-testdev/error/outside-window",
                    test_outside_window);
    g_test_add_func("/iommu-testdev/error/bus-master-off",
                    test_bus_master_off);
    g_test_add_func("/iommu-testdev/error/bad-length", test_bad_length);
    g_test_add_func("/iommu-testdev/error/bad-command", test_bad_command);
    g_test_add_func("/iommu-testdev/reset", test_reset);
    return g_test_run();
}
