/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VFIO unit tests' machine and soft host (vfio-test-fixture.h). */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "system/system.h"
#include "vfio-test-fixture.h"

static VFIOIOMMU *vfio_test_host_open(void *opaque, Error **errp)
{
    VFIOTestHost *h = opaque;

    h->soft = vfio_soft_new(&h->cfg, errp);
    return h->soft ? vfio_soft_iommu(h->soft) : NULL;
}

static int vfio_test_host_set(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    return 0;
}

static const VFIOHostOps vfio_test_host_ops = {
    .name = "test",
    .open_iommu = vfio_test_host_open,
    .set_container = vfio_test_host_set,
};

void vfio_test_fixture_init(VFIOTestFixture *f, VFIOIOMMUType type)
{
    memory_map_init();
    g_assert_true(system_create_machine("pseries", 1ULL << 30, &error_abort));
    f->spapr = spapr_machine();
    f->phb = spapr_pci_find_phb(f->spapr, SPAPR_PCI_BASE_BUID);
    spapr_phb_dma_reset(f->phb);
    f->host = (VFIOTestHost) { 0 };
    f->host.cfg.types = 1u << type;
    f->host.cfg.host_page_shift = 12;
}

void vfio_test_fixture_free(VFIOTestFixture *f)
{
    machine_destroy(MACHINE(f->spapr));
    memory_map_cleanup();
}

VFIOGroup *vfio_test_attach(VFIOTestFixture *f, int groupid)
{
    return vfio_group_get(groupid, &f->phb->iommu_as, &vfio_test_host_ops,
                          &f->host, &error_abort);
}

target_ulong vfio_test_put(VFIOTestFixture *f, uint32_t liobn, uint64_t ioba,
                           uint64_t tce)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { liobn, ioba, tce };

    return spapr_hypercall(f->spapr, H_PUT_TCE, args);
}
