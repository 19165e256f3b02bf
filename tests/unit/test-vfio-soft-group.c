/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio-soft-host object as the host of VFIO groups and containers:
 * a group attached to the default PHB's DMA address space through
 * vfio_soft_host_ops gets a container on a new soft instance, TCE
 * hypercalls reach that instance, and the object cannot be deleted while
 * the instance lives.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/vfio/soft-host.h"
#include "hw/vfio/vfio-container.h"
#include "qom/object_interfaces.h"
#include "system/system.h"

#define RAM_SIZE    (1ULL << 30)

static target_ulong hcall(SpaprMachineState *spapr, target_ulong op,
                          target_ulong a0, target_ulong a1, target_ulong a2,
                          target_ulong a3)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };

    return spapr_hypercall(spapr, op, args);
}

static void run(const char *type)
{
    g_autofree char *opts = g_strdup_printf("vfio-soft-host,id=h0,"
                                            "iommu-type=%s", type);
    SpaprMachineState *spapr;
    SpaprPhbState *phb;
    VFIOSoftHost *h;
    VFIOGroup *g, *g2;
    VFIOSoftIOMMU *soft;
    uint8_t *ram;
    Error *err = NULL;
    g_autoptr(GArray) maps = NULL;
    VFIOSoftMapping *m;

    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    spapr = spapr_machine();
    phb = spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);
    spapr_phb_dma_reset(phb);
    ram = memory_region_get_ram_ptr(&spapr->ram);
    h = VFIO_SOFT_HOST(user_creatable_add_from_str(opts, &error_abort));

    g = vfio_group_get(7, &phb->iommu_as, &vfio_soft_host_ops, h,
                       &error_abort);
    g_assert_cmpuint(vfio_soft_host_instance_count(h), ==, 1);
    g_assert_cmpstr(g->container->host_ops->name, ==, "soft");
    soft = vfio_soft_host_get_soft(g->container->iommu);
    g_assert_nonnull(soft);
    /* A second group of the same host shares the container. */
    g2 = vfio_group_get(8, &phb->iommu_as, &vfio_soft_host_ops, h,
                        &error_abort);
    g_assert_true(g2->container == g->container);
    g_assert_cmpuint(vfio_soft_host_instance_count(h), ==, 1);

    /* A guest put reaches the instance: bus 0x5000 -> RAM 0x300000. */
    g_assert_cmpint(hcall(spapr, H_PUT_TCE, 0x80000000, 0x5000, 0x300003, 0),
                    ==, H_SUCCESS);
    maps = vfio_soft_get_mappings(soft);
    g_assert_cmpuint(maps->len, ==, 1);
    m = &g_array_index(maps, VFIOSoftMapping, 0);
    g_assert_cmphex(m->iova, ==, 0x5000);
    g_assert_cmphex(m->size, ==, 0x1000);
    g_assert_cmphex(m->vaddr, ==, (uintptr_t)ram + 0x300000);
    g_assert_cmpuint(m->perm, ==, VFIO_IOMMU_PERM_RW);

    /* In use: object-del refuses. */
    g_assert_false(user_creatable_del("h0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object 'h0' is in use, can not be deleted");
    error_free(err);
    err = NULL;

    vfio_group_put(g2);
    vfio_group_put(g);
    g_assert_cmpuint(vfio_soft_host_instance_count(h), ==, 0);
    g_assert_true(user_creatable_del("h0", &error_abort));
    machine_destroy(MACHINE(spapr));
    memory_map_cleanup();
}

static void test_type1v2(void)
{
    run("type1v2");
}

static void test_spapr(void)
{
    run("spapr-tce-v2");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-soft-host/group/type1v2", test_type1v2);
    g_test_add_func("/vfio-soft-host/group/spapr-tce-v2", test_spapr);
    return g_test_run();
}
