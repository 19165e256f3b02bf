/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The real-VFIO scenario, run inside the x86-64 guest of
 * tests/functional/run-real-vfio.sh: the binary opens QEMU's edu device
 * (bound to vfio-pci, host=$VFIO_EDU_HOST) through the Linux back end, and
 * this program drives it over qtest and QMP as a pseries guest would:
 * DDW, H_PUT_TCE, H_PUT_TCE_INDIRECT, edu DMA through real type1v2
 * mappings, faults after a cleared TCE and after a reset, a refused window
 * outside the host's IOVA ranges (docs/user/real-vfio.md).
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "libqtest.h"
#include "vfio-edu.h"

#define H_SUCCESS       0
#define RTAS_OK         0U
#define RTAS_HW_ERROR   0xffffffffU
#define LIOBN           0x80000000ULL
#define BUID_HI         0x08000000U
#define BUID_LO         0x20000000U
#define CFG(reg)        (0x1800U | (reg))       /* bus 0, devfn 3.0 */
#define BAR             ((1ULL << 45) + 0x80000000ULL)
#define TCE_LIST        0x400000ULL
/* Inside the 39-bit IOVA ranges of the emulated Intel IOMMU. */
#define DDW_ADDR        0x1000000000ULL
#define DDW_ADDR_STR    "0x1000000000"
#define PS64K           0x10000ULL

/* QEMU's edu (docs/user/real-vfio.md). */
#define EDU_ID          0x00
#define EDU_LIVE        0x04
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98
#define EDU_START       1U
#define EDU_TO_RAM      2U
#define EDU_BUF         0x40000ULL

static const char *edu_host;

static int64_t put_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                       uint64_t tce)
{
    uint64_t args[3] = { liobn, ioba, tce };

    return qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL);
}

static int64_t put_indirect(QTestState *s, uint64_t liobn, uint64_t ioba,
                            uint64_t gpa, uint32_t perm, unsigned n)
{
    uint64_t args[4] = { liobn, ioba, TCE_LIST, n };

    for (unsigned i = 0; i < n; i++) {
        qtest_writeq(s, TCE_LIST + 8 * i, (gpa + i * PS64K) | perm);
    }
    return qtest_hcall(s, "H_PUT_TCE_INDIRECT", 4, args, 0, NULL);
}

static uint32_t ddw_create(QTestState *s, uint32_t page_shift,
                           uint32_t window_shift, uint32_t *liobn,
                           uint64_t *bus)
{
    uint32_t args[] = { CFG(0), BUID_HI, BUID_LO, page_shift, window_shift };
    uint32_t rets[4] = { 0 };

    g_assert_cmpint(qtest_rtas_call(s, "ibm,create-pe-dma-window", 5, args,
                                    4, rets), ==, 0);
    if (rets[0] == RTAS_OK) {
        *liobn = rets[1];
        *bus = (uint64_t)rets[2] << 32 | rets[3];
    }
    return rets[0];
}

static uint32_t ddw_remove(QTestState *s, uint32_t liobn)
{
    uint32_t rets[1] = { 0xdeadbeef };

    g_assert_cmpint(qtest_rtas_call(s, "ibm,remove-pe-dma-window", 1, &liobn,
                                    1, rets), ==, 0);
    return rets[0];
}

static void edu_write64(QTestState *s, uint32_t reg, uint64_t val)
{
    /* edu ignores the upper half written alone: one 8-byte access */
    qtest_writeq(s, BAR + reg, __builtin_bswap64(val));
}

/* Start a DMA of @len bytes from @src to @dst; do not wait. */
static void edu_start(QTestState *s, uint64_t src, uint64_t dst,
                      uint32_t len, uint32_t cmd)
{
    edu_write64(s, EDU_DMA_SRC, src);
    edu_write64(s, EDU_DMA_DST, dst);
    edu_write64(s, EDU_DMA_CNT, len);
    edu_write64(s, EDU_DMA_CMD, cmd | EDU_START);
}

/* Poll the start bit (edu completes after a 100 ms timer): true when done. */
static bool edu_wait(QTestState *s)
{
    for (int i = 0; i < 500; i++) {
        if (!(edu_reg_read(s, BAR, EDU_DMA_CMD) & EDU_START)) {
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

static void edu_dma_wait(QTestState *s, uint64_t src, uint64_t dst,
                         uint32_t len, uint32_t cmd)
{
    edu_start(s, src, dst, len, cmd);
    g_assert_true(edu_wait(s));
}

/* How many DMA remapping faults the guest kernel logged so far. */
static unsigned dmar_faults(void)
{
    g_autofree char *out = NULL;
    unsigned n = 0;

    if (!g_spawn_command_line_sync("dmesg", &out, NULL, NULL, NULL)) {
        return 0;
    }
    for (const char *p = out; (p = strstr(p, "DMAR: [DMA ")); p++) {
        n++;
    }
    return n;
}

static QTestState *start(const char *extra)
{
    return qtest_initf("-M pseries %s -device vfio-pci,host=%s,bus=pci.0,"
                       "addr=3,id=v0", extra, edu_host);
}

static QTestState *start_enabled(void)
{
    QTestState *s = start("-global spapr-pci-host-bridge.dma64_win_addr="
                          DDW_ADDR_STR);

    /* BAR 0 at PCI 0x80000000, memory decoding and bus mastering on */
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0x80000000);
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);
    return s;
}

static void fill(QTestState *s, uint64_t gpa, uint8_t byte, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    memset(buf, byte, len);
    qtest_memwrite(s, gpa, buf, len);
}

static void assert_bytes(QTestState *s, uint64_t gpa, const uint8_t *expect,
                         size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    qtest_memread(s, gpa, buf, len);
    g_assert_cmpmem(buf, len, expect, len);
}

/* The device answers through its BAR in the PHB's MMIO window. */
static void test_bar(void)
{
    QTestState *s = start_enabled();

    g_assert_cmphex(vfio_test_cfg_read(s, 0, CFG(0), 4), ==, 0x11e81234);
    g_assert_cmphex(edu_reg_read(s, BAR, EDU_ID), ==, 0x010000ed);
    edu_reg_write(s, BAR, EDU_LIVE, 0x12345678);
    g_assert_cmphex(edu_reg_read(s, BAR, EDU_LIVE), ==, ~0x12345678U);
    qtest_quit(s);
}

/*
 * Guest RAM -> device -> guest RAM through the default window (H_PUT_TCE)
 * and a DDW (H_PUT_TCE and H_PUT_TCE_INDIRECT); then a cleared TCE stops
 * the DMA (nothing lands, the kernel logs a DMAR fault).
 */
static void test_dma(void)
{
    QTestState *s = start_enabled();
    uint8_t pat[256], back[256];
    uint32_t liobn;
    uint64_t bus;
    unsigned faults;

    for (unsigned i = 0; i < sizeof(pat); i++) {
        pat[i] = i ^ 0xa5;
    }
    /* default window: 4 KiB TCEs at bus 0 */
    qtest_memwrite(s, 0x300000, pat, sizeof(pat));
    fill(s, 0x301000, 0x11, sizeof(pat));
    g_assert_cmpint(put_tce(s, LIOBN, 0x5000, 0x300000 | 1), ==, H_SUCCESS);
    g_assert_cmpint(put_tce(s, LIOBN, 0x6000, 0x301000 | 2), ==, H_SUCCESS);
    edu_dma_wait(s, 0x5000, EDU_BUF, sizeof(pat), 0);
    edu_dma_wait(s, EDU_BUF, 0x6000, sizeof(pat), EDU_TO_RAM);
    assert_bytes(s, 0x301000, pat, sizeof(pat));

    /* a DDW of 64 KiB TCEs, at dma64_win_addr */
    g_assert_cmphex(ddw_create(s, 16, 30, &liobn, &bus), ==, RTAS_OK);
    g_assert_cmphex(bus, ==, DDW_ADDR);
    for (unsigned i = 0; i < sizeof(back); i++) {
        back[i] = ~pat[i];
    }
    qtest_memwrite(s, 0x600000 + 0x100, back, sizeof(back));
    fill(s, 0x800000, 0x22, 4 * PS64K);
    g_assert_cmpint(put_tce(s, liobn, bus, 0x600000 | 1), ==, H_SUCCESS);
    g_assert_cmpint(put_indirect(s, liobn, bus + 4 * PS64K, 0x800000, 2, 4),
                    ==, H_SUCCESS);
    edu_dma_wait(s, bus + 0x100, EDU_BUF, sizeof(back), 0);
    /* into the third page of the indirect run */
    edu_dma_wait(s, EDU_BUF, bus + 6 * PS64K + 0x80, sizeof(back),
                 EDU_TO_RAM);
    assert_bytes(s, 0x800000 + 2 * PS64K + 0x80, back, sizeof(back));

    /* clear that TCE: the same DMA does not land */
    fill(s, 0x800000 + 2 * PS64K, 0x33, 0x1000);
    faults = dmar_faults();
    g_assert_cmpint(put_tce(s, liobn, bus + 6 * PS64K, 0), ==, H_SUCCESS);
    edu_dma_wait(s, EDU_BUF, bus + 6 * PS64K + 0x80, sizeof(back),
                 EDU_TO_RAM);
    {
        uint8_t want[0x1000];

        memset(want, 0x33, sizeof(want));
        assert_bytes(s, 0x800000 + 2 * PS64K, want, sizeof(want));
    }
    g_assert_cmpuint(dmar_faults(), >, faults);
    /* the neighbours still work */
    edu_dma_wait(s, EDU_BUF, bus + 7 * PS64K, sizeof(back), EDU_TO_RAM);
    assert_bytes(s, 0x800000 + 3 * PS64K, back, sizeof(back));

    g_assert_cmphex(ddw_remove(s, liobn), ==, RTAS_OK);
    qtest_quit(s);
}

/*
 * A DDW that does not fit the host's IOVA ranges is refused cleanly; the
 * process goes on and a window that fits is granted afterwards.
 */
static void test_outside_ranges(void)
{
    QTestState *s = start("");     /* dma64_win_addr 2^59: beyond 39 bits */
    uint32_t liobn;
    uint64_t bus;

    g_assert_cmphex(ddw_create(s, 16, 30, &liobn, &bus), ==, RTAS_HW_ERROR);
    qtest_quit(s);

    s = start_enabled();
    /* 2^36 + 2^39 ends beyond the last range (2^39 - 1) */
    g_assert_cmphex(ddw_create(s, 16, 39, &liobn, &bus), ==, RTAS_HW_ERROR);
    g_assert_cmphex(ddw_create(s, 16, 30, &liobn, &bus), ==, RTAS_OK);
    g_assert_cmphex(bus, ==, DDW_ADDR);
    qtest_quit(s);
}

/* A DMA started before system_reset does not land after it. */
static void test_reset(void)
{
    QTestState *s = start_enabled();
    uint8_t want[256];
    unsigned faults;
    uint32_t liobn;
    uint64_t bus;
    gint64 t0, t1;

    g_assert_cmphex(ddw_create(s, 16, 30, &liobn, &bus), ==, RTAS_OK);
    g_assert_cmpint(put_tce(s, liobn, bus, 0xa00000 | 3), ==, H_SUCCESS);
    fill(s, 0xa00000, 0x44, sizeof(want));
    memset(want, 0x44, sizeof(want));
    faults = dmar_faults();
    t0 = g_get_monotonic_time();
    edu_start(s, EDU_BUF, bus, sizeof(want), EDU_TO_RAM);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    t1 = g_get_monotonic_time();
    /* the device's timer is 100 ms: the reset must have come before it */
    if (t1 - t0 > 80 * 1000) {
        g_test_skip("the reset took longer than edu's DMA delay");
        qtest_quit(s);
        return;
    }
    /* after the reset the BAR is unassigned: wait on the clock, not on it */
    g_usleep(400 * 1000);
    assert_bytes(s, 0xa00000, want, sizeof(want));
    /*
     * The reset switched bus mastering off in the device, so its write
     * never reaches the IOMMU: no DMAR fault either.
     */
    g_assert_cmpuint(dmar_faults(), ==, faults);
    qtest_quit(s);
}

/*
 * A device without a reset of its own (edu: no FLR, no PM reset) keeps
 * running after system_reset unless bus mastering is switched off in the
 * device itself: a DMA started before the reset must not land in a
 * mapping the guest makes right after it at the same bus address.
 */
static void test_reset_remap(void)
{
    QTestState *s = start_enabled();
    uint8_t want[256];
    gint64 t0, t1;

    g_assert_cmpint(put_tce(s, LIOBN, 0x5000, 0xb00000 | 3), ==, H_SUCCESS);
    fill(s, 0xb00000, 0x55, sizeof(want));
    memset(want, 0x55, sizeof(want));
    t0 = g_get_monotonic_time();
    edu_start(s, EDU_BUF, 0x5000, sizeof(want), EDU_TO_RAM);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    g_assert_cmpint(put_tce(s, LIOBN, 0x5000, 0xb00000 | 3), ==, H_SUCCESS);
    t1 = g_get_monotonic_time();
    if (t1 - t0 > 80 * 1000) {
        g_test_skip("the reset took longer than edu's DMA delay");
        qtest_quit(s);
        return;
    }
    g_usleep(400 * 1000);
    assert_bytes(s, 0xb00000, want, sizeof(want));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    edu_host = g_getenv("VFIO_EDU_HOST");
    if (!edu_host) {
        g_printerr("vfio-real-test: set VFIO_EDU_HOST to edu's PCI address\n");
        return 77;
    }
    g_test_add_func("/vfio-real/bar", test_bar);
    g_test_add_func("/vfio-real/dma", test_dma);
    g_test_add_func("/vfio-real/outside-ranges", test_outside_ranges);
    g_test_add_func("/vfio-real/reset", test_reset);
    g_test_add_func("/vfio-real/reset-remap", test_reset_remap);
    return g_test_run();
}
