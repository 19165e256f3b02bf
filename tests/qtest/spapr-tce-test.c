/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCE hypercalls end to end, as a guest would make them: through the qtest
 * "hcall" verb on the default window of the default PHB and on a DDW, with
 * the results checked by H_GET_TCE, x-query-spapr-tce and DMA from
 * iommu-testdev landing in (or refused from) guest RAM.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/misc/iommu-testdev.h"
#include "libqtest.h"

#define H_SUCCESS       0
#define H_PARAMETER     (-4)
#define H_NO_MEM        (-9)
#define LIOBN           0x80000000ULL
#define LIOBN_DDW       0x80000001ULL
#define DDW_BUS         0x800000000000000ULL
#define BUID_HI         0x08000000U
#define BUID_LO         0x20000000U
#define LIST_GPA        0x400000ULL
/* BAR 0 of the test device, programmed at PCI 0x80000000: CPU 2^45 + that. */
#define BAR             ((1ULL << 45) + 0x80000000ULL)

static int64_t hcall(QTestState *s, const char *name, uint64_t a0, uint64_t a1,
                     uint64_t a2, uint64_t a3, unsigned nargs, uint64_t *out)
{
    uint64_t args[4] = { a0, a1, a2, a3 };

    return qtest_hcall(s, name, nargs, args, out ? 1 : 0, out);
}

static uint64_t get_tce(QTestState *s, uint64_t liobn, uint64_t ioba)
{
    uint64_t tce = 0xdead;

    g_assert_cmpint(hcall(s, "H_GET_TCE", liobn, ioba, 0, 0, 2, &tce), ==,
                    H_SUCCESS);
    return tce;
}

/* valid-entries of one table, from x-query-spapr-tce. */
static int64_t valid_entries(QTestState *s, uint64_t liobn)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", "
                                "\"arguments\": {\"liobn\": %" PRIu64 "}}", liobn);
    JsonArray *tables = json_object_get_array_member(rsp, "return");
    int64_t n = json_object_get_int_member(
        json_array_get_object_element(tables, 0), "valid-entries");

    json_object_unref(rsp);
    return n;
}

static void test_put_get_default_window(void)
{
    QTestState *s = qtest_init("-M pseries");
    g_autofree char *get = NULL, *bad = NULL;

    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN, 0x1000, 0x12340003, 0, 3, NULL),
                    ==, H_SUCCESS);
    get = qtest_line(s, "hcall H_GET_TCE 0x80000000 0x1000");
    g_assert_cmpstr(get, ==, "OK 0 0x0000000012340003");
    /* The window is 1 GiB: 0x40000000 is past its end. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN, 0x40000000, 0x1003, 0, 3, NULL),
                    ==, H_PARAMETER);
    /* The DDW table exists but is disabled until created. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN_DDW, DDW_BUS, 0x1003, 0, 3, NULL),
                    ==, H_PARAMETER);
    /* A page outside the 1 GiB of RAM. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN, 0x2000, 0x40000001, 0, 3, NULL),
                    ==, H_PARAMETER);
    /* Arguments not given are 0, like registers the guest left clear. */
    bad = qtest_line(s, "hcall H_PUT_TCE 0x80000000");
    g_assert_cmpstr(bad, ==, "OK 0");
    g_assert_cmpint(valid_entries(s, LIOBN), ==, 1);
    qtest_quit(s);
}

static void test_indirect_and_stuff(void)
{
    QTestState *s = qtest_init("-M pseries");

    for (unsigned i = 0; i < 512; i++) {
        qtest_writeq(s, LIST_GPA + 8 * i, (0x1000000ULL + i * 0x1000) | 3);
    }
    g_assert_cmpint(hcall(s, "H_PUT_TCE_INDIRECT", LIOBN, 0x100000, LIST_GPA, 512,
                          4, NULL), ==, H_SUCCESS);
    g_assert_cmphex(get_tce(s, LIOBN, 0x100000), ==, 0x1000003);
    g_assert_cmphex(get_tce(s, LIOBN, 0x100000 + 511 * 0x1000), ==,
                    (0x1000000ULL + 511 * 0x1000) | 3);
    g_assert_cmpint(valid_entries(s, LIOBN), ==, 512);

    /* One bad entry: nothing of the call is written. */
    qtest_writeq(s, LIST_GPA + 8 * 7, 0x80000000ULL | 3);
    g_assert_cmpint(hcall(s, "H_PUT_TCE_INDIRECT", LIOBN, 0x400000, LIST_GPA, 8,
                          4, NULL), ==, H_PARAMETER);
    g_assert_cmphex(get_tce(s, LIOBN, 0x400000), ==, 0);
    g_assert_cmpint(hcall(s, "H_PUT_TCE_INDIRECT", LIOBN, 0x400000, LIST_GPA + 8,
                          1, 4, NULL), ==, H_PARAMETER);  /* unaligned list */

    /* STUFF clears the 512 entries and the rest of the window in one call. */
    g_assert_cmpint(hcall(s, "H_STUFF_TCE", LIOBN, 0, 0, 0x40000, 4, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(valid_entries(s, LIOBN), ==, 0);
    g_assert_cmpint(hcall(s, "H_STUFF_TCE", LIOBN, 0x3ffff000, 0x1001, 2, 4, NULL),
                    ==, H_PARAMETER);
    g_assert_cmphex(get_tce(s, LIOBN, 0x3ffff000), ==, 0);
    qtest_quit(s);
}

/* ---- DMA through the test device ---- */

static void cfg_write(QTestState *s, uint32_t addr, uint32_t size, uint32_t val)
{
    uint32_t args[] = { addr, BUID_HI, BUID_LO, size, val };
    uint32_t rets[1] = { 0xdeadbeef };

    g_assert_cmpint(qtest_rtas_call(s, "ibm,write-pci-config", 5, args, 1, rets),
                    ==, 0);
    g_assert_cmphex(rets[0], ==, 0);
}

/* Registers are little-endian: a big-endian qtest access swaps them. */
static void reg_write(QTestState *s, uint32_t reg, uint32_t val)
{
    qtest_writel(s, BAR + reg, __builtin_bswap32(val));
}

static uint32_t reg_read(QTestState *s, uint32_t reg)
{
    return __builtin_bswap32(qtest_readl(s, BAR + reg));
}

/* Run one DMA of @len bytes at bus address @iova; return DMA_STATUS. */
static uint32_t dma(QTestState *s, uint32_t cmd, uint64_t iova, uint32_t len)
{
    reg_write(s, IOMMU_TESTDEV_REG_DMA_ADDR_LO, (uint32_t)iova);
    reg_write(s, IOMMU_TESTDEV_REG_DMA_ADDR_HI, iova >> 32);
    reg_write(s, IOMMU_TESTDEV_REG_DMA_LEN, len);
    reg_write(s, IOMMU_TESTDEV_REG_DMA_CMD, cmd);
    return reg_read(s, IOMMU_TESTDEV_REG_DMA_STATUS);
}

static QTestState *start_with_testdev(void)
{
    QTestState *s = qtest_init("-M pseries -device iommu-testdev,bus=pci.0,addr=2");

    cfg_write(s, 0x1010, 4, 0x80000000);    /* BAR 0 */
    cfg_write(s, 0x1004, 2, 0x6);           /* memory decode + bus master */
    g_assert_cmphex(reg_read(s, IOMMU_TESTDEV_REG_ID), ==,
                    IOMMU_TESTDEV_ID_VALUE);
    return s;
}

static void check_dma_window(QTestState *s, uint64_t liobn, uint64_t iova,
                             uint64_t page)
{
    static const uint8_t pattern[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    const uint64_t gpa = 0x2000000;     /* where the TCE points */
    uint8_t ram[8];

    /* Device write through an RW TCE lands at the TCE's address. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", liobn, iova, gpa | 3, 0, 3, NULL), ==,
                    H_SUCCESS);
    qtest_memset(s, gpa, 0, page);
    qtest_memwrite(s, BAR + IOMMU_TESTDEV_BUF_OFFSET, pattern, sizeof(pattern));
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_WRITE, iova + 0x10, 8), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    qtest_memread(s, gpa + 0x10, ram, sizeof(ram));
    g_assert_cmpmem(ram, sizeof(ram), pattern, sizeof(pattern));
    g_assert_cmphex(qtest_readq(s, gpa), ==, 0);    /* nothing else touched */

    /* Device read through it fetches guest RAM. */
    qtest_writel(s, gpa + 0x100, 0xa1b2c3d4);
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_READ, iova + 0x100, 4), ==,
                     IOMMU_TESTDEV_STATUS_OK);
    g_assert_cmphex(qtest_readl(s, BAR + IOMMU_TESTDEV_BUF_OFFSET), ==,
                    0xa1b2c3d4);

    /* A read-only TCE refuses a device write and RAM stays as it was. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", liobn, iova, gpa | 1, 0, 3, NULL), ==,
                    H_SUCCESS);
    qtest_memset(s, gpa, 0, 16);
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_WRITE, iova, 8), ==,
                     IOMMU_TESTDEV_STATUS_PERMISSION);
    g_assert_cmphex(qtest_readq(s, gpa), ==, 0);
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_READ, iova, 8), ==,
                     IOMMU_TESTDEV_STATUS_OK);

    /* Cleared: no translation any more. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", liobn, iova, 0, 0, 3, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_READ, iova, 8), ==,
                     IOMMU_TESTDEV_STATUS_TRANSLATION);
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_WRITE, iova, 8), ==,
                     IOMMU_TESTDEV_STATUS_TRANSLATION);
}

static void test_dma_default_window(void)
{
    QTestState *s = start_with_testdev();

    check_dma_window(s, LIOBN, 0x7000, 0x1000);
    /* Past the end of the 1 GiB window: nothing is mapped there. */
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_READ, 0x40000000, 4), ==,
                     IOMMU_TESTDEV_STATUS_DECODE);
    /* Bus master off: the device cannot DMA at all. */
    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN, 0x7000, 0x2000003, 0, 3, NULL),
                    ==, H_SUCCESS);
    cfg_write(s, 0x1004, 2, 0x2);
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_READ, 0x7000, 4), ==,
                     IOMMU_TESTDEV_STATUS_BUS_MASTER);
    qtest_quit(s);
}

static void test_dma_ddw_2_59(void)
{
    QTestState *s = start_with_testdev();
    uint32_t args[] = { 0x1000, BUID_HI, BUID_LO, 16, 40 };
    uint32_t rets[4];

    g_assert_cmpint(qtest_rtas_call(s, "ibm,create-pe-dma-window", 5, args, 4,
                                    rets), ==, 0);
    g_assert_cmphex(rets[0], ==, 0);
    g_assert_cmphex(rets[1], ==, LIOBN_DDW);
    g_assert_cmphex(((uint64_t)rets[2] << 32) | rets[3], ==, DDW_BUS);
    check_dma_window(s, LIOBN_DDW, DDW_BUS + 0x30000, 0x10000);
    /* The same page of the default window maps nothing. */
    g_assert_cmpuint(dma(s, IOMMU_TESTDEV_CMD_DMA_READ, 0x30000, 4), ==,
                     IOMMU_TESTDEV_STATUS_TRANSLATION);
    qtest_quit(s);
}

/* system_reset drops every mapping: the default window is back, empty. */
static void test_reset_clears(void)
{
    QTestState *s = start_with_testdev();

    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN, 0x7000, 0x2000003, 0, 3, NULL),
                    ==, H_SUCCESS);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
    g_assert_cmphex(get_tce(s, LIOBN, 0x7000), ==, 0);
    g_assert_cmpint(valid_entries(s, LIOBN), ==, 0);
    qtest_quit(s);
}

/*
 * -M pseries,tce-storage-limit: past it a put is H_NO_MEM and changes
 * nothing; unmapping still works; `info tce` shows the limit.
 */
static void test_storage_limit(void)
{
    QTestState *s = qtest_init("-M pseries,tce-storage-limit=32K");
    g_autofree char *info = NULL;
    uint64_t ioba;
    int64_t ret = H_SUCCESS;

    /* Isolated entries 2 MiB of IOVA apart, each with nodes of its own. */
    for (ioba = 0; ioba < 0x40000000; ioba += 0x200000) {
        ret = hcall(s, "H_PUT_TCE", LIOBN, ioba, 0x100003, 0, 3, NULL);
        if (ret != H_SUCCESS) {
            break;
        }
    }
    g_assert_cmpint(ret, ==, H_NO_MEM);
    g_assert_cmphex(get_tce(s, LIOBN, ioba), ==, 0);
    g_assert_cmpint(hcall(s, "H_PUT_TCE", LIOBN, 0, 0, 0, 3, NULL), ==,
                    H_SUCCESS);
    info = qtest_hmp_text(s, "info tce");
    g_assert_nonnull(strstr(info, " of 32768 bytes (tce-storage-limit)"));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spapr-tce/hcall/put-get", test_put_get_default_window);
    g_test_add_func("/spapr-tce/hcall/indirect-stuff", test_indirect_and_stuff);
    g_test_add_func("/spapr-tce/dma/default-window", test_dma_default_window);
    g_test_add_func("/spapr-tce/dma/ddw-2^59", test_dma_ddw_2_59);
    g_test_add_func("/spapr-tce/reset-clears", test_reset_clears);
    g_test_add_func("/spapr-tce/storage-limit", test_storage_limit);
    return g_test_run();
}
