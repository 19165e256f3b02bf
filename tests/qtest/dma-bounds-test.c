/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Nothing a guest sends makes the soft host map memory outside guest RAM:
 * TCEs at MMIO, at the PHB's windows, past the end of RAM, crossing it, and
 * TCE lists outside RAM are refused with the exact H_* code, and the host
 * mappings (read back from the soft IOMMU) stay == the guest view, all in RAM.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "libqtest.h"
#include "vfio-check.h"
#include "spapr-guest.h"

#define H_SUCCESS       0
#define H_PARAMETER     (-4)
#define LIOBN           0x80000000ULL
#define RAM_SIZE        0x40000000ULL           /* -M pseries default */
#define CFG(reg)        (0x1800U | (reg))
#define PHB_MEM         (1ULL << 45)            /* PHB 0's 32-bit MMIO window */
#define TCE_ALL         "0x0-0xffffffffffffffff"

/*
 * The invariant, and every range of the projection ("0xIOVA+0xSIZE>0xGPA:P")
 * inside guest RAM; returns the projection.
 */
static char *check_in_ram(QTestState *s)
{
    char *p = vfio_check(s, 1);
    g_auto(GStrv) runs = g_strsplit(p, " ", -1);

    for (unsigned i = 0; p[0] && runs[i]; i++) {
        uint64_t iova, size, gpa;

        g_assert_cmpint(sscanf(runs[i], "0x%" SCNx64 "+0x%" SCNx64 ">0x%"
                               SCNx64, &iova, &size, &gpa), ==, 3);
        g_assert_cmphex(gpa + size, <=, RAM_SIZE);
        g_assert_cmphex(gpa + size, >, gpa);
    }
    return p;
}

#define assert_view(s, expect) do {                  \
        g_autofree char *_p = check_in_ram(s);      \
        g_assert_cmpstr(_p, ==, (expect));          \
    } while (0)

static void test_hostile(gconstpointer data)
{
    const char *type = data;
    bool type1 = !strcmp(type, "type1v2");
    QTestState *s = qtest_initf("-M pseries -object vfio-soft-host,id=h0,"
                                "iommu-type=%s%s -device vfio-pci,"
                                "soft-host=h0,bus=pci.0,addr=3", type,
                                type1 ? ",iova-ranges=" TCE_ALL : "");
    static const uint64_t bad[] = {
        RAM_SIZE,                       /* the first page past RAM */
        RAM_SIZE + 0x1000,
        0x80000000ULL,
        PHB_MEM,                        /* the PHB's MMIO window */
        PHB_MEM + 0x80000000ULL,        /* a BAR there */
        0x40000000000ULL,               /* the MSI window's bus address */
        0xfffffffffffff000ULL,          /* the top of the address space */
    };
    uint32_t liobn;
    uint64_t bus;

    /* The last page of RAM is fine. */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0, (RAM_SIZE - 0x1000) | 3), ==,
                    H_SUCCESS);
    assert_view(s, "0x0+0x1000>0x3ffff000:rw");
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        for (uint64_t perm = 1; perm <= 3; perm++) {
            g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, bad[i] | perm), ==,
                            H_PARAMETER);
            g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x1000, bad[i] | perm, 4),
                            ==, H_PARAMETER);
            /* One bad TCE in the middle of a list: nothing applied. */
            qtest_writeq(s, GUEST_TCE_LIST, 0x300003);
            qtest_writeq(s, GUEST_TCE_LIST + 8, bad[i] | perm);
            qtest_writeq(s, GUEST_TCE_LIST + 16, 0x301003);
            g_assert_cmpint(guest_put_tce_indirect(s, LIOBN, 0x1000,
                                                   GUEST_TCE_LIST, 3),
                            ==, H_PARAMETER);
        }
        /* The list itself outside RAM. */
        g_assert_cmpint(guest_put_tce_indirect(s, LIOBN, 0x1000, bad[i], 1), ==,
                        H_PARAMETER);
    }
    /* A list in the last page of RAM is fine (zeros: clears nothing). */
    g_assert_cmpint(guest_put_tce_indirect(s, LIOBN, 0x1000, RAM_SIZE - 0x1000,
                                           512),
                    ==, H_SUCCESS);
    /* A list running past the end of RAM. */
    g_assert_cmpint(guest_put_tce_indirect(s, LIOBN, 0x1000, RAM_SIZE - 8, 2),
                    ==, H_PARAMETER);
    assert_view(s, "0x0+0x1000>0x3ffff000:rw");

    /*
     * 16 MiB pages: the last one fits.  A TCE's address bits below the
     * window's page size are ignored, so a TCE "in the last 64 KiB" maps
     * the whole last 16 MiB page, in RAM: no TCE can make a page cross the
     * end.  The first page past RAM is refused.
     */
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 24, 32, &liobn, &bus), ==,
                    0);
    g_assert_cmpint(guest_put_tce(s, liobn, bus, (RAM_SIZE - 0x1000000) | 3),
                    ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, liobn, bus + 0x1000000,
                                  (RAM_SIZE - 0x10000) | 3),
                    ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, liobn, bus + 0x2000000, RAM_SIZE | 3), ==,
                    H_PARAMETER);
    g_assert_cmpint(guest_put_tce(s, liobn, bus + 0x2000000,
                                  (RAM_SIZE + 0xfff000) | 3),
                    ==, H_PARAMETER);
    g_assert_cmpint(guest_stuff_tce(s, liobn, bus + 0x2000000, RAM_SIZE | 3, 2),
                    ==, H_PARAMETER);
    g_assert_cmpint(guest_stuff_tce(s, liobn, bus + 0x2000000,
                                    (RAM_SIZE - 0x800000) | 3, 2),
                    ==, H_SUCCESS);
    assert_view(s, "0x0+0x1000>0x3ffff000:rw "
                "0x800000000000000+0x1000000>0x3f000000:rw "
                "0x800000001000000+0x1000000>0x3f000000:rw "
                "0x800000002000000+0x1000000>0x3f000000:rw "
                "0x800000003000000+0x1000000>0x3f000000:rw");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/dma-bounds/type1v2/hostile-tces", "type1v2",
                         test_hostile);
    g_test_add_data_func("/dma-bounds/spapr-tce-v2/hostile-tces",
                         "spapr-tce-v2", test_hostile);
    return g_test_run();
}
