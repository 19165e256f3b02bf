/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the PHB device-tree node and the grow-and-retry builder. */

#include "qemu/osdep.h"
#include "fdt-check.h"
#include "qapi/error.h"
#include "hw/ppc/spapr.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/spapr.h"

#define TEST_FDT_SIZE (64 * 1024)

/* A PHB as realize places it (docs/user/ddw.md, "Placement"), by hand. */
static void phb_fill(SpaprPhbState *phb, uint32_t index)
{
    memset(phb, 0, sizeof(*phb));
    phb->index = index;
    phb->mem_win_size = SPAPR_PCI_MEM32_WIN_SIZE;
    phb->mem64_win_size = SPAPR_PCI_MEM64_WIN_SIZE;
    phb->io_win_size = SPAPR_PCI_IO_WIN_SIZE;
    phb->dma_win_addr = 0;
    phb->dma_win_size = SPAPR_PCI_DMA_WIN_SIZE_DEFAULT;
    phb->dma64_win_addr = SPAPR_PCI_DMA64_WIN_ADDR_DEFAULT;
    phb->ddw_enabled = true;
    phb->page_size_mask = SPAPR_PCI_PGSZ_DEFAULT;
    phb->numa_node = -1;
    phb->pcie_ecs = true;
    phb->buid = SPAPR_PCI_BASE_BUID + index;
    phb->dma_liobn[0] = 0x80000000U | (index << 8);
    phb->dma_liobn[1] = 0x80000000U | (index << 8) | 1;
    phb->io_win_addr = SPAPR_PCI_BASE + index * SPAPR_PCI_IO_WIN_SIZE;
    phb->mem_win_addr = SPAPR_PCI_BASE + (index + 1) * SPAPR_PCI_MEM32_WIN_SIZE;
    phb->mem64_win_addr = SPAPR_PCI_BASE + (index + 1) * SPAPR_PCI_MEM64_WIN_SIZE;
}

/* A root-only tree holding @phb's node; returns the node offset. */
static void *phb_tree(SpaprPhbState *phb, int *node)
{
    void *fdt = g_malloc0(TEST_FDT_SIZE);
    Error *err = NULL;
    g_autofree char *path = g_strdup_printf("/pci@%" PRIx64, phb->buid);

    g_assert_cmpint(fdt_create_empty_tree(fdt, TEST_FDT_SIZE), ==, 0);
    g_assert_true(spapr_phb_dt_populate(phb, fdt, 0, &err));
    g_assert_null(err);
    *node = fdt_path_offset(fdt, path);
    g_assert_cmpint(*node, >=, 0);
    return fdt;
}

#define ASSERT_CELLS FDT_CHECK_CELLS
#define assert_string fdt_check_string
#define assert_absent fdt_check_absent
#define assert_phb_fixed fdt_check_phb_fixed

static void test_phb_default(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 0);
    fdt = phb_tree(&phb, &node);
    g_assert_cmpstr(fdt_get_name(fdt, node, NULL), ==, "pci@800000020000000");
    assert_phb_fixed(fdt, node);
    ASSERT_CELLS(fdt, node, "reg", 0x8000000, 0x20000000, 0, 0);
    ASSERT_CELLS(fdt, node, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00000000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2000, 0x80000000, 0, 0x80000000,
                 0x03000000, 0x2100, 0, 0x2100, 0, 0x100, 0);
    ASSERT_CELLS(fdt, node, "ibm,dma-window", 0x80000000, 0, 0, 0, 0x40000000);
    ASSERT_CELLS(fdt, node, "ibm,ddw-applicable", 0x2026, 0x2027, 0x2028);
    ASSERT_CELLS(fdt, node, "ibm,ddw-extensions", 0x2, 0x2029, 0x1);
    ASSERT_CELLS(fdt, node, "ibm,my-drc-index", 0x20000000);
    g_free(fdt);
}

static void test_phb_index2(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 2);
    fdt = phb_tree(&phb, &node);
    g_assert_cmpstr(fdt_get_name(fdt, node, NULL), ==, "pci@800000020000002");
    assert_phb_fixed(fdt, node);
    ASSERT_CELLS(fdt, node, "reg", 0x8000000, 0x20000002, 0, 0);
    ASSERT_CELLS(fdt, node, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00020000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2001, 0x80000000, 0, 0x80000000,
                 0x03000000, 0x2300, 0, 0x2300, 0, 0x100, 0);
    ASSERT_CELLS(fdt, node, "ibm,dma-window", 0x80000200, 0, 0, 0, 0x40000000);
    ASSERT_CELLS(fdt, node, "ibm,ddw-applicable", 0x2026, 0x2027, 0x2028);
    ASSERT_CELLS(fdt, node, "ibm,ddw-extensions", 0x2, 0x2029, 0x1);
    ASSERT_CELLS(fdt, node, "ibm,my-drc-index", 0x20000002);
    g_free(fdt);
}

static void test_phb_ddw_off(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 1);
    phb.ddw_enabled = false;
    phb.dma_liobn[1] = 0;
    fdt = phb_tree(&phb, &node);
    assert_phb_fixed(fdt, node);
    assert_absent(fdt, node, "ibm,ddw-applicable");
    assert_absent(fdt, node, "ibm,ddw-extensions");
    ASSERT_CELLS(fdt, node, "ibm,dma-window", 0x80000100, 0, 0, 0, 0x40000000);
    ASSERT_CELLS(fdt, node, "ibm,my-drc-index", 0x20000001);
    g_free(fdt);
}

static void test_phb_custom_dma(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 1);
    phb.dma_win_addr = 0x10000000;
    phb.dma_win_size = 0x20000000;
    fdt = phb_tree(&phb, &node);
    ASSERT_CELLS(fdt, node, "ibm,dma-window",
                 0x80000100, 0, 0x10000000, 0, 0x20000000);
    g_free(fdt);

    /* A window above 4 GiB: the address high cell is used too. */
    phb.dma_win_addr = 0x123400000000ULL;
    fdt = phb_tree(&phb, &node);
    ASSERT_CELLS(fdt, node, "ibm,dma-window",
                 0x80000100, 0x1234, 0, 0, 0x20000000);
    g_free(fdt);
}

/* QEMU 7.2 writes 0 here (32-bit size); we write the whole 4 GiB. */
static void test_phb_4g_window(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 0);
    phb.dma_win_size = 0x100000000ULL;
    fdt = phb_tree(&phb, &node);
    ASSERT_CELLS(fdt, node, "ibm,dma-window", 0x80000000, 0, 0, 1, 0);
    g_free(fdt);
}

static void test_phb_no_mem64(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 0);
    phb.mem64_win_size = 0;
    fdt = phb_tree(&phb, &node);
    ASSERT_CELLS(fdt, node, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00000000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2000, 0x80000000, 0, 0x80000000);
    g_free(fdt);
}

/* Smaller windows: the IO and MEM32 ranges say what is mapped. */
static void test_phb_small_windows(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 1);
    phb.io_win_size = 0x8000;
    phb.mem_win_size = 0x40000000;
    phb.mem64_win_size = 0;
    fdt = phb_tree(&phb, &node);
    ASSERT_CELLS(fdt, node, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00010000, 0, 0x8000,
                 0x02000000, 0, 0x80000000, 0x2001, 0x00000000, 0, 0x40000000);
    g_free(fdt);
}

/* A PHB without a PCI bus has no child nodes. */
static void test_phb_no_children(void)
{
    SpaprPhbState phb;
    int node;
    void *fdt;

    phb_fill(&phb, 0);
    fdt = phb_tree(&phb, &node);
    g_assert_cmpint(fdt_first_subnode(fdt, node), ==, -FDT_ERR_NOTFOUND);
    g_free(fdt);
}

static void test_phb_populate_nospace(void)
{
    char fdt[256];
    SpaprPhbState phb;
    Error *err = NULL;

    phb_fill(&phb, 0);
    g_assert_cmpint(fdt_create_empty_tree(fdt, sizeof(fdt)), ==, 0);
    g_assert_false(spapr_phb_dt_populate(&phb, fdt, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "pci@800000020000000: cannot write the device tree node: "
                    "FDT_ERR_NOSPACE");
    error_free(err);
    /* The partial node is gone. */
    g_assert_cmpint(fdt_path_offset(fdt, "/pci@800000020000000"), ==,
                    -FDT_ERR_NOTFOUND);
    g_assert_cmpint(fdt_first_subnode(fdt, 0), ==, -FDT_ERR_NOTFOUND);
    g_assert_cmpint(fdt_check_header(fdt), ==, 0);
}

static void test_phb_populate_twice(void)
{
    SpaprPhbState phb;
    Error *err = NULL;
    int node;
    void *fdt;

    phb_fill(&phb, 3);
    fdt = phb_tree(&phb, &node);
    g_assert_false(spapr_phb_dt_populate(&phb, fdt, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "pci@800000020000003: cannot write the device tree node: "
                    "FDT_ERR_EXISTS");
    error_free(err);
    g_assert_cmpint(spapr_phb_dt_write(&phb, fdt, 0), ==, -FDT_ERR_EXISTS);
    g_free(fdt);
}

/* ---- PCI functions below the PHB ---- */

#define TYPE_TEST_NIC   "test-fdt-nic"      /* class 0x0200: "ethernet" */
#define TYPE_TEST_OTHER "test-fdt-other"    /* class 0x00ff: no OF name */

static void test_nic_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->vendor_id = 0x1af4;
    pc->device_id = 0x1000;
    pc->revision = 0x01;
    pc->class_id = 0x0200;
}

static void test_other_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = 0x0005;
    pc->revision = 0x7;
    pc->class_id = 0x00ff;
}

static const TypeInfo test_pci_types[] = {
    {
        .name = TYPE_TEST_NIC,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = test_nic_class_init,
    }, {
        .name = TYPE_TEST_OTHER,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = test_other_class_init,
    },
};

static DeviceState *test_pci_add(PCIBus *bus, const char *type,
                                 const char *addr)
{
    DeviceState *dev = qdev_new(type);

    g_assert_true(object_property_parse(OBJECT(dev), "addr", addr,
                                        &error_abort));
    g_assert_true(qdev_realize(dev, BUS(bus), &error_abort));
    return dev;
}

static void test_phb_children(void)
{
    MemoryRegion mem, io;
    SpaprPhbState phb;
    DeviceState *nic, *other, *nic26;
    int node, child;
    void *fdt;
    int len;

    memory_region_init(&mem, NULL, "test-pci-mem", UINT64_MAX);
    memory_region_init(&io, NULL, "test-pci-io", 0x10000);
    phb_fill(&phb, 1);
    phb.bus = pci_root_bus_new(NULL, "test-pci.0", &mem, &io, 0);
    nic = test_pci_add(phb.bus, TYPE_TEST_NIC, "2");
    other = test_pci_add(phb.bus, TYPE_TEST_OTHER, "3.1");
    nic26 = test_pci_add(phb.bus, TYPE_TEST_NIC, "0x1a");

    fdt = phb_tree(&phb, &node);
    child = fdt_subnode_offset(fdt, node, "ethernet@2");
    g_assert_cmpint(child, >=, 0);
    ASSERT_CELLS(fdt, child, "reg", 2 << 11, 0, 0, 0, 0);
    ASSERT_CELLS(fdt, child, "vendor-id", 0x1af4);
    ASSERT_CELLS(fdt, child, "device-id", 0x1000);
    ASSERT_CELLS(fdt, child, "revision-id", 0x01);
    ASSERT_CELLS(fdt, child, "class-code", 0x020000);
    ASSERT_CELLS(fdt, child, "ibm,my-drc-index", 0x40010010);
    assert_string(fdt, child, "ibm,loc-code",
                  "qemu_" TYPE_TEST_NIC ":0001:00:02.0");
    assert_absent(fdt, child, "ibm,dma-window");

    child = fdt_subnode_offset(fdt, node, "pci1b36,5@3,1");
    g_assert_cmpint(child, >=, 0);
    ASSERT_CELLS(fdt, child, "reg", (3 << 11) | (1 << 8), 0, 0, 0, 0);
    ASSERT_CELLS(fdt, child, "revision-id", 0x7);
    ASSERT_CELLS(fdt, child, "class-code", 0x00ff00);
    ASSERT_CELLS(fdt, child, "ibm,my-drc-index", 0x40010019);
    assert_string(fdt, child, "ibm,loc-code",
                  "qemu_" TYPE_TEST_OTHER ":0001:00:03.1");

    /* Slot 26: hex in the node name and in the location code. */
    child = fdt_subnode_offset(fdt, node, "ethernet@1a");
    g_assert_cmpint(child, >=, 0);
    ASSERT_CELLS(fdt, child, "ibm,my-drc-index", 0x400100d0);
    assert_string(fdt, child, "ibm,loc-code",
                  "qemu_" TYPE_TEST_NIC ":0001:00:1a.0");

    /* Exactly three children. */
    len = 0;
    fdt_for_each_subnode(child, fdt, node) {
        len++;
    }
    g_assert_cmpint(len, ==, 3);
    g_free(fdt);

    /* The bus and its devices hold each other: break the pairs. */
    for (DeviceState **d = (DeviceState *[]){ nic, other, nic26, NULL }; *d;
         d++) {
        qdev_unrealize(*d);
        qdev_set_parent_bus(*d, NULL);
        object_unref(*d);
    }
    object_unref(phb.bus);
    memory_region_finalize(&io);
    memory_region_finalize(&mem);
}

/* ---- spapr_fdt_build() ---- */

typedef struct TestWriter {
    SpaprPhbState phbs[3];
    unsigned calls;
} TestWriter;

static int write_phbs(void *fdt, void *opaque)
{
    TestWriter *w = opaque;
    int ret;

    w->calls++;
    ret = fdt_setprop_string(fdt, 0, "model", "test");
    for (int i = 2; ret >= 0 && i >= 0; i--) {
        ret = spapr_phb_dt_write(&w->phbs[i], fdt, 0);
    }
    return ret < 0 ? ret : 0;
}

static void test_build_grows(void)
{
    TestWriter w = { 0 };
    Error *err = NULL;
    void *small, *big;

    for (int i = 0; i < 3; i++) {
        phb_fill(&w.phbs[i], i);
    }
    big = spapr_fdt_build(write_phbs, &w, SPAPR_FDT_INITIAL_SIZE, &err);
    g_assert_nonnull(big);
    g_assert_cmpuint(w.calls, ==, 1);
    /* Packed: no free space left at the end. */
    g_assert_cmpuint(fdt_totalsize(big), <, 4096);
    g_assert_cmpuint(fdt_totalsize(big), ==,
                     fdt_off_dt_strings(big) + fdt_size_dt_strings(big));

    w.calls = 0;
    small = spapr_fdt_build(write_phbs, &w, 128, &err);
    g_assert_nonnull(small);
    g_assert_null(err);
    g_assert_cmpuint(w.calls, >, 1);
    g_assert_cmpmem(small, fdt_totalsize(small), big, fdt_totalsize(big));
    g_assert_cmpint(fdt_path_offset(small, "/pci@800000020000002"), >=, 0);
    g_free(small);
    g_free(big);
}

static int write_bad(void *fdt, void *opaque)
{
    return -FDT_ERR_BADVALUE;
}

static int write_huge(void *fdt, void *opaque)
{
    return fdt_setprop_placeholder(fdt, 0, "huge", SPAPR_FDT_MAX_SIZE, NULL);
}

static void test_build_errors(void)
{
    Error *err = NULL;

    g_assert_null(spapr_fdt_build(write_bad, NULL, 1024, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot build the device tree: FDT_ERR_BADVALUE");
    error_free(err);
    err = NULL;

    g_assert_null(spapr_fdt_build(write_huge, NULL, SPAPR_FDT_MAX_SIZE / 2,
                                  &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot build the device tree: FDT_ERR_NOSPACE");
    error_free(err);
}

/* ---- spapr_fdt_dump() ---- */

static void test_dump(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-spapr-fdt-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "t.dtb", NULL);
    g_autofree char *bad = g_build_filename(dir, "missing", "t.dtb", NULL);
    g_autofree char *contents = NULL;
    SpaprPhbState phb;
    Error *err = NULL;
    gsize len;
    int node;
    void *fdt;

    g_assert_nonnull(dir);
    phb_fill(&phb, 0);
    fdt = phb_tree(&phb, &node);
    g_assert_cmpint(fdt_pack(fdt), ==, 0);

    g_assert_true(spapr_fdt_dump(fdt, file, &err));
    g_assert_true(g_file_get_contents(file, &contents, &len, NULL));
    g_assert_cmpmem(contents, len, fdt, fdt_totalsize(fdt));

    g_assert_false(spapr_fdt_dump(NULL, file, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "This machine doesn't have a FDT");
    error_free(err);
    err = NULL;

    g_assert_false(spapr_fdt_dump(fdt, bad, &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "Error saving FDT to file "));
    g_assert_nonnull(strstr(error_get_pretty(err), "No such file or directory"));
    error_free(err);

    g_assert_cmpint(unlink(file), ==, 0);
    g_assert_cmpint(rmdir(dir), ==, 0);
    g_free(fdt);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    type_register_static_array(test_pci_types, G_N_ELEMENTS(test_pci_types));
    g_test_add_func("/spapr-fdt/phb/default", test_phb_default);
    g_test_add_func("/spapr-fdt/phb/index2", test_phb_index2);
    g_test_add_func("/spapr-fdt/phb/ddw-off", test_phb_ddw_off);
    g_test_add_func("/spapr-fdt/phb/custom-dma-window", test_phb_custom_dma);
    g_test_add_func("/spapr-fdt/phb/4g-window-full-size", test_phb_4g_window);
    g_test_add_func("/spapr-fdt/phb/no-mem64", test_phb_no_mem64);
    g_test_add_func("/spapr-fdt/phb/small-windows", test_phb_small_windows);
    g_test_add_func("/spapr-fdt/phb/no-bus-no-children", test_phb_no_children);
    g_test_add_func("/spapr-fdt/phb/pci-children", test_phb_children);
    g_test_add_func("/spapr-fdt/phb/populate-nospace", test_phb_populate_nospace);
    g_test_add_func("/spapr-fdt/phb/populate-twice", test_phb_populate_twice);
    g_test_add_func("/spapr-fdt/build/grows", test_build_grows);
    g_test_add_func("/spapr-fdt/build/errors", test_build_errors);
    g_test_add_func("/spapr-fdt/dump", test_dump);
    memory_map_init();
    ret = g_test_run();
    memory_map_cleanup();
    return ret;
}
