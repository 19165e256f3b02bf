/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A pseries machine with its default PHB's default window, and a VFIO host
 * that hands out one soft IOMMU (the last one opened is kept for read-back):
 * what the VFIO unit tests attach groups to.
 */
#ifndef TESTS_UNIT_VFIO_TEST_FIXTURE_H
#define TESTS_UNIT_VFIO_TEST_FIXTURE_H

#include "qemu/osdep.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/vfio/iommu-soft.h"
#include "hw/vfio/vfio-container.h"

typedef struct VFIOTestHost {
    VFIOSoftConfig cfg;         /* set before the first attach */
    VFIOSoftIOMMU *soft;        /* the last instance opened */
} VFIOTestHost;

typedef struct VFIOTestFixture {
    SpaprMachineState *spapr;
    SpaprPhbState *phb;
    VFIOTestHost host;
} VFIOTestFixture;

/* 1 GiB of RAM; the host takes @type only, 4 KiB host pages, no ranges. */
void vfio_test_fixture_init(VFIOTestFixture *f, VFIOIOMMUType type);
void vfio_test_fixture_free(VFIOTestFixture *f);

/* Group @groupid on the default PHB's DMA address space (must succeed). */
VFIOGroup *vfio_test_attach(VFIOTestFixture *f, int groupid);

/* H_PUT_TCE(@liobn, @ioba, @tce). */
target_ulong vfio_test_put(VFIOTestFixture *f, uint32_t liobn, uint64_t ioba,
                           uint64_t tce);

#endif /* TESTS_UNIT_VFIO_TEST_FIXTURE_H */
