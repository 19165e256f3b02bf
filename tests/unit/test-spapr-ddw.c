/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DDW RTAS calls against tables that qtest cannot create: a VIO-like table
 * (owner not a PHB) and the PHB's window bookkeeping.  The guest-visible
 * rules are pinned by tests/qtest/spapr-ddw-test.c.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include "exec/memory.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "system/system.h"

#define RAM_SIZE        (1ULL << 30)
#define ARGS_GPA        0x10000
#define RETS_GPA        0x11000
#define VIO_LIOBN       0x71000001U

#define TYPE_TEST_VIO_OWNER "test-vio-owner"

static const TypeInfo test_vio_owner_info = {
    .name = TYPE_TEST_VIO_OWNER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
};

static SpaprMachineState *machine_new(void)
{
    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    return spapr_machine();
}

static void machine_free(SpaprMachineState *spapr)
{
    machine_destroy(MACHINE(spapr));
    memory_map_cleanup();
}

static int32_t remove_window(SpaprMachineState *spapr, uint32_t liobn)
{
    rtas_st(ARGS_GPA, 0, liobn);
    rtas_st(RETS_GPA, 0, 0xdeadbeef);
    g_assert_cmpint(spapr_rtas_call(spapr, RTAS_IBM_REMOVE_PE_DMA_WINDOW, 1,
                                    ARGS_GPA, 1, RETS_GPA), ==, H_SUCCESS);
    return rtas_ld(RETS_GPA, 0);
}

/* An enabled VIO-like table: remove refuses it and leaves it enabled. */
static void test_remove_vio_table(void)
{
    SpaprMachineState *spapr = machine_new();
    DeviceState *owner = qdev_new(TYPE_TEST_VIO_OWNER);
    SpaprTceTable *tcet;

    object_property_add_child(container_get(qdev_get_machine(), "unattached"),
                              "vio-owner", OBJECT(owner));
    object_unref(OBJECT(owner));
    g_assert_true(qdev_realize(owner, NULL, &error_abort));
    tcet = spapr_tce_new_table(spapr, owner, VIO_LIOBN, &error_abort);
    g_assert_true(spapr_tce_table_enable(tcet, 12, 0, 0x100, &error_abort));

    g_assert_null(spapr_phb_of_table(tcet));
    g_assert_cmpint(remove_window(spapr, VIO_LIOBN), ==, RTAS_OUT_PARAM_ERROR);
    g_assert_true(spapr_tce_table_enabled(tcet));
    machine_free(spapr);
}

/* The default PHB: its tables, their owner, the window count. */
static void test_default_phb(void)
{
    SpaprMachineState *spapr = machine_new();
    SpaprPhbState *phb = spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);

    g_assert_nonnull(phb);
    g_assert_null(spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID + 1));
    g_assert_null(spapr_pci_find_phb(NULL, SPAPR_PCI_BASE_BUID));
    g_assert_cmpstr(phb->dtbusname, ==, "pci@800000020000000");
    g_assert_cmphex(phb->dma_liobn[0], ==, 0x80000000);
    g_assert_cmphex(phb->dma_liobn[1], ==, 0x80000001);
    g_assert_cmphex(phb->mem_win_addr, ==, 0x200080000000ULL);
    g_assert_cmphex(phb->mem64_win_addr, ==, 0x210000000000ULL);
    g_assert_cmphex(phb->io_win_addr, ==, 0x200000000000ULL);
    g_assert_true(spapr_phb_of_table(phb->tcet[0]) == phb);
    g_assert_true(spapr_phb_of_table(phb->tcet[1]) == phb);

    /* Realize enables nothing; the DMA reset enables the default window. */
    g_assert_cmpuint(spapr_phb_dma_windows_enabled(phb), ==, 0);
    spapr_phb_dma_reset(phb);
    g_assert_cmpuint(spapr_phb_dma_windows_enabled(phb), ==, 1);
    g_assert_true(phb->tcet[0]->def_win);
    g_assert_cmpuint(phb->tcet[0]->nb_table, ==, 0x40000);
    g_assert_cmpint(remove_window(spapr, 0x80000001), ==,
                    RTAS_OUT_PARAM_ERROR);
    /* The default window itself, removed last, does not come back. */
    g_assert_cmpint(remove_window(spapr, 0x80000000), ==, RTAS_OUT_SUCCESS);
    g_assert_cmpuint(spapr_phb_dma_windows_enabled(phb), ==, 0);
    machine_free(spapr);
}

typedef struct ResetListener {
    MemoryListener l;
    SpaprPhbState *phb;
    GString *log;
} ResetListener;

/* Logs each section and whether the default window is enabled right then. */
static void reset_log(MemoryListener *l, MemoryRegionSection *s,
                      const char *what)
{
    ResetListener *r = container_of(l, ResetListener, l);

    g_string_append_printf(r->log, "%s %s 0x%" PRIx64 " def=%d; ", what,
                           memory_region_name(s->mr),
                           s->offset_within_address_space,
                           spapr_tce_table_enabled(r->phb->tcet[0]));
}

static void reset_add(MemoryListener *l, MemoryRegionSection *s)
{
    reset_log(l, s, "add");
}

static void reset_del(MemoryListener *l, MemoryRegionSection *s)
{
    reset_log(l, s, "del");
}

/*
 * The DMA reset turns every window off and the default one back on in one
 * memory transaction: listeners run once, after all of it (the default
 * window is already back when they hear of the old one going), and still
 * see the default window go and come back, empty.
 */
static void test_dma_reset_one_transaction(void)
{
    SpaprMachineState *spapr = machine_new();
    SpaprPhbState *phb = spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);
    ResetListener r = {
        .l = { .region_add = reset_add, .region_del = reset_del },
        .phb = phb,
        .log = g_string_new(NULL),
    };
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { 0x80000000, 0x1000, 0x5003 };

    spapr_phb_dma_reset(phb);
    g_assert_true(spapr_tce_table_enable(phb->tcet[1], 16, 1ULL << 59, 0x100,
                                         &error_abort));
    g_assert_cmpint(spapr_hypercall(spapr, H_PUT_TCE, args), ==, H_SUCCESS);
    memory_listener_register(&r.l, &phb->iommu_as);
    g_string_truncate(r.log, 0);
    spapr_phb_dma_reset(phb);
    g_assert_cmpstr(r.log->str, ==,
                    "del tce-iommu-80000000 0x0 def=1; "
                    "del tce-iommu-80000001 0x800000000000000 def=1; "
                    "add tce-iommu-80000000 0x0 def=1; ");
    g_assert_false(spapr_tce_table_enabled(phb->tcet[1]));
    g_assert_cmpuint(spapr_tce_storage_count_valid(phb->tcet[0]->storage), ==,
                     0);
    memory_listener_unregister(&r.l);
    g_string_free(r.log, TRUE);
    machine_free(spapr);
}

/*
 * Realize fails when a window's LIOBN is taken (here by a VIO-like table):
 * the partial PHB is undone, nothing is registered or mapped, and the
 * index can be used once the LIOBN is free.
 */
static void test_realize_liobn_taken(void)
{
    SpaprMachineState *spapr = machine_new();
    DeviceState *owner = qdev_new(TYPE_TEST_VIO_OWNER);
    DeviceState *dev = qdev_new(TYPE_SPAPR_PCI_HOST_BRIDGE);
    g_autoptr(GString) mtree = g_string_new(NULL);
    SpaprTceTable *tcet;
    Error *err = NULL;

    object_property_add_child(container_get(qdev_get_machine(), "unattached"),
                              "vio-owner", OBJECT(owner));
    object_unref(OBJECT(owner));
    g_assert_true(qdev_realize(owner, NULL, &error_abort));
    tcet = spapr_tce_new_table(spapr, owner, 0x80000101, &error_abort);

    qdev_prop_set_uint32(dev, "index", 1);
    g_assert_false(sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "a TCE table with LIOBN 0x80000101 already exists");
    error_free(err);
    g_assert_null(spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID + 1));
    g_assert_null(spapr_tce_find_by_liobn(spapr, 0x80000100));
    g_assert_true(spapr_tce_find_by_liobn(spapr, 0x80000101) == tcet);
    mtree_info(mtree, false);
    g_assert_null(strstr(mtree->str, "pci@800000020000001"));
    g_assert_null(strstr(mtree->str, "tce-root-80000100"));

    spapr_tce_table_destroy(tcet);
    dev = qdev_new(TYPE_SPAPR_PCI_HOST_BRIDGE);
    qdev_prop_set_uint32(dev, "index", 1);
    g_assert_true(sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_abort));
    g_assert_true(spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID + 1) ==
                  SPAPR_PCI_HOST_BRIDGE(dev));
    machine_free(spapr);
}

/* Without the pseries machine there is no registry: realize refuses. */
static void test_realize_no_machine(void)
{
    DeviceState *dev;
    Error *err = NULL;

    memory_map_init();
    dev = qdev_new(TYPE_SPAPR_PCI_HOST_BRIDGE);
    qdev_prop_set_uint32(dev, "index", 1);
    g_assert_false(sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "spapr-pci-host-bridge needs the pseries machine");
    error_free(err);
    memory_map_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_vio_owner_info);
    g_test_add_func("/spapr-ddw/remove/vio-table", test_remove_vio_table);
    g_test_add_func("/spapr-ddw/default-phb", test_default_phb);
    g_test_add_func("/spapr-ddw/phb/realize-liobn-taken",
                    test_realize_liobn_taken);
    g_test_add_func("/spapr-ddw/phb/dma-reset-one-transaction",
                    test_dma_reset_one_transaction);
    g_test_add_func("/spapr-ddw/phb/realize-no-machine",
                    test_realize_no_machine);
    return g_test_run();
}
