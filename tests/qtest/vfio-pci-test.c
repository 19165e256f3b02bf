/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-pci on the soft host, end to end as a guest and an operator drive
 * it: the edu-compatible function's config space and BAR through the PHB,
 * its DMA into guest RAM through the TCEs the guest puts (and through the
 * host mappings they become), its failure once the TCE is cleared, and
 * what x-query-vfio-soft reads back from the "hardware".
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/vfio/soft-edu.h"
#include "libqtest.h"
#include "vfio-edu.h"

#define H_SUCCESS       0
#define LIOBN           0x80000000ULL
#define CFG(reg)        (0x1800U | (reg))       /* bus 0, devfn 3.0 */
/* BAR 0 programmed at PCI 0x80000000: CPU 2^45 + that. */
#define BAR             ((1ULL << 45) + 0x80000000ULL)

static int64_t put_tce(QTestState *s, uint64_t ioba, uint64_t tce)
{
    uint64_t args[3] = { LIOBN, ioba, tce };

    return qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL);
}

/* Mappings of soft host h0's one instance. */
static int64_t soft_mappings(QTestState *s)
{
    unsigned instances;
    int64_t n = vfio_test_soft_mappings(s, "h0", &instances);

    g_assert_cmpuint(instances, ==, 1);
    return n;
}

static void run(const char *type)
{
    g_autofree char *args = g_strdup_printf(
        "-M pseries -object vfio-soft-host,id=h0,iommu-type=%s "
        "-device vfio-pci,soft-host=h0,bus=pci.0,addr=3,id=v0", type);
    QTestState *s = qtest_init(args);
    static const uint8_t pattern[16] = {
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
        0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01,
    };
    uint8_t buf[16];

    /* Identity from the device, through the PHB's config RTAS calls. */
    g_assert_cmphex(vfio_test_cfg_read(s, 0, CFG(0), 4), ==, 0x11e81234);
    g_assert_cmphex(vfio_test_cfg_read(s, 0, CFG(0x2c), 4), ==, 0x11001af4);
    /* BAR 0: 1 MiB of 32-bit memory, emulated (the device never sees it). */
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0xffffffff);
    g_assert_cmphex(vfio_test_cfg_read(s, 0, CFG(0x10), 4), ==, 0xfff00000);
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0x80000000);
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);               /* memory + bus master */
    g_assert_cmphex(edu_reg_read(s, BAR, VFIO_SOFT_EDU_REG_ID), ==, VFIO_SOFT_EDU_ID);
    edu_reg_write(s, BAR, VFIO_SOFT_EDU_REG_LIVENESS, 0x12345678);
    g_assert_cmphex(edu_reg_read(s, BAR, VFIO_SOFT_EDU_REG_LIVENESS), ==, 0xedcba987);

    /* Guest RAM -> device through the TCE at bus 0x5000. */
    g_assert_cmpuint(soft_mappings(s), ==, 0);
    g_assert_cmpint(put_tce(s, 0x5000, 0x300003), ==, H_SUCCESS);
    g_assert_cmpuint(soft_mappings(s), ==, 1);
    qtest_memwrite(s, 0x300040, pattern, sizeof(pattern));
    g_assert_cmphex(edu_dma(s, BAR, 0x5040, VFIO_SOFT_EDU_BUF_ADDR, 16, 0), ==, 0);
    /* Device -> guest RAM through the TCE at bus 0x6000 (write allowed). */
    g_assert_cmpint(put_tce(s, 0x6000, 0x310002), ==, H_SUCCESS);
    g_assert_cmphex(edu_dma(s, BAR, VFIO_SOFT_EDU_BUF_ADDR, 0x6080, 16,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==, 0);
    qtest_memread(s, 0x310080, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), pattern, sizeof(pattern));

    /* Cleared TCE: the host mapping is gone, the DMA faults, RAM stays. */
    g_assert_cmpint(put_tce(s, 0x6000, 0), ==, H_SUCCESS);
    g_assert_cmpuint(soft_mappings(s), ==, 1);
    qtest_memset(s, 0x310080, 0, 16);
    g_assert_cmphex(edu_dma(s, BAR, VFIO_SOFT_EDU_BUF_ADDR, 0x6080, 16,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(qtest_readq(s, 0x310080), ==, 0);
    /* A read-only TCE: the device may read, not write. */
    g_assert_cmpint(put_tce(s, 0x6000, 0x310001), ==, H_SUCCESS);
    g_assert_cmphex(edu_dma(s, BAR, VFIO_SOFT_EDU_BUF_ADDR, 0x6080, 16,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(qtest_readq(s, 0x310080), ==, 0);

    /* Bus master off: no DMA at all. */
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x2);
    g_assert_cmphex(edu_dma(s, BAR, 0x5040, VFIO_SOFT_EDU_BUF_ADDR, 16, 0), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);

    /*
     * system_reset: the device is reset (bus master off), the window comes
     * back empty and the host holds no mapping any more.
     */
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    g_assert_cmpuint(soft_mappings(s), ==, 0);
    g_assert_cmphex(vfio_test_cfg_read(s, 0, CFG(4), 2) & 0x4, ==, 0);
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0x80000000);
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);
    g_assert_cmphex(edu_dma(s, BAR, 0x5040, VFIO_SOFT_EDU_BUF_ADDR, 16, 0), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpint(put_tce(s, 0x5000, 0x300003), ==, H_SUCCESS);
    g_assert_cmphex(edu_dma(s, BAR, 0x5040, VFIO_SOFT_EDU_BUF_ADDR, 16, 0), ==, 0);
    qtest_quit(s);
}

static void test_spapr(void)
{
    run("spapr-tce-v2");
}

static void test_type1v2(void)
{
    run("type1v2");
}

/* Operator mistakes are one-line errors naming what is wrong. */
static void test_errors(void)
{
    g_autofree char *e1 = NULL, *e2 = NULL;

    g_assert_cmpint(qtest_run_binary("-M pseries -device vfio-pci,bus=pci.0",
                                     NULL, &e1), ==, 1);
    g_assert_cmpint(qtest_run_binary("-M pseries -device vfio-pci,"
                                     "host=0000:01:00.0,bus=pci.0", NULL, &e2),
                    ==, 1);

    g_assert_nonnull(strstr(e1, "vfio-pci: soft-host=ID (a vfio-soft-host "
                            "object) must be set"));
    if (g_file_test("/dev/vfio", G_FILE_TEST_EXISTS)) {
        /* a VFIO host: the answer depends on its devices */
        return;
    }
    /* one line, naming the device */
    g_assert_nonnull(strstr(e2, "vfio-pci: host=0000:01:00.0: /dev/vfio does "
                            "not exist (no VFIO driver on this host: load "
                            "vfio-pci)\n"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-pci/soft/spapr-tce-v2", test_spapr);
    g_test_add_func("/vfio-pci/soft/type1v2", test_type1v2);
    g_test_add_func("/vfio-pci/errors", test_errors);
    return g_test_run();
}
