/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO invariant checker of the qtests: host mappings of every
 * container == the projection of the valid TCEs of its PHB's windows.
 */
#ifndef TESTS_QTEST_VFIO_CHECK_H
#define TESTS_QTEST_VFIO_CHECK_H

#include "libqtest.h"

/* Broken windows are allowed (skipped) while this is set. */
extern bool vfio_check_allow_broken;

/*
 * Checks, over QMP, each of the @ncontainers containers (all address
 * spaces): its own mappings (but none in kernel-linked windows, whose host
 * tables the kernel writes) == the soft IOMMU's read-back ("hardware") ==
 * the projection of the valid TCEs of every enabled window of its PHB (the
 * address space "pci@<BUID>" names it), both merged into maximal runs; its
 * windows == those enabled windows (and, sPAPR v2, the hardware's windows
 * too); container numbers count up from 0 within each address space.
 * Returns the projection of PHB @phb ("0xIOVA+0xSIZE>0xGPA:PERM ...",
 * maximal runs, "" when nothing is mapped) for exact comparisons.
 */
char *vfio_check_phb(QTestState *s, guint ncontainers, unsigned phb);

/* vfio_check_phb() for PHB 0. */
char *vfio_check(QTestState *s, guint ncontainers);

/* vfio_check_phb() and compare the projection with @expect. */
#define vfio_assert_view_phb(s, n, phb, expect) do {            \
        g_autofree char *_p = vfio_check_phb((s), (n), (phb));  \
        g_assert_cmpstr(_p, ==, (expect));                      \
    } while (0)

#define vfio_assert_view(s, n, expect) vfio_assert_view_phb(s, n, 0, expect)

#endif
