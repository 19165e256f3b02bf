/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sPAPR PHB: placement of several PHBs (BUID, LIOBNs, windows, DMA
 * address space layout, bus names), start-up errors, reset, hot-plug and
 * unplug of a PHB, PCI config space through RTAS.
 */

#include "qemu/osdep.h"
#include "libqtest.h"

#define BUID_HI             0x08000000U
#define BUID_LO(index)      (0x20000000U + (index))

#define STATUS_SUCCESS      RTAS_STATUS_SUCCESS
#define STATUS_HW_ERROR     RTAS_STATUS_HW_ERROR
#define STATUS_PARAM_ERROR  RTAS_STATUS_PARAM_ERROR

/* HMP output with "\n" line ends. */
#define hmp qtest_hmp_text

/* ---- helpers ------------------------------------------------------------ */

typedef struct TceTable {
    uint32_t liobn;
    bool enabled;
    uint64_t bus_offset;
    uint64_t page_shift;
    uint64_t nb_table;
} TceTable;

/* Every TCE table, ordered by LIOBN; returns how many (at most @max). */
static size_t tce_tables(QTestState *s, TceTable *out, size_t max)
{
    JsonObject *resp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\"}");
    JsonArray *tables = json_object_get_array_member(resp, "return");
    size_t n = json_array_get_length(tables);

    g_assert_cmpuint(n, <=, max);
    for (size_t i = 0; i < n; i++) {
        JsonObject *t = json_array_get_object_element(tables, i);

        out[i] = (TceTable) {
            .liobn = json_object_get_int_member(t, "liobn"),
            .enabled = json_object_get_boolean_member(t, "enabled"),
            .bus_offset = json_object_get_int_member(t, "bus-offset"),
            .page_shift = json_object_get_int_member(t, "page-shift"),
            .nb_table = json_object_get_int_member(t, "nb-table"),
        };
    }
    json_object_unref(resp);
    return n;
}

/* Only the default windows of PHBs @indexes are enabled, at 0, 1 GiB. */
static void assert_default_windows(QTestState *s, const uint32_t *indexes,
                                   size_t n)
{
    TceTable t[64];
    size_t count = tce_tables(s, t, G_N_ELEMENTS(t));

    g_assert_cmpuint(count, ==, 2 * n);
    for (size_t i = 0; i < n; i++) {
        const TceTable *def = &t[2 * i], *ddw = &t[2 * i + 1];

        g_assert_cmphex(def->liobn, ==, 0x80000000U | indexes[i] << 8);
        g_assert_true(def->enabled);
        g_assert_cmphex(def->bus_offset, ==, 0);
        g_assert_cmpuint(def->page_shift, ==, 12);
        g_assert_cmphex(def->nb_table, ==, 0x40000);
        g_assert_cmphex(ddw->liobn, ==, 0x80000001U | indexes[i] << 8);
        g_assert_false(ddw->enabled);
        g_assert_cmpuint(ddw->nb_table, ==, 0);
    }
}

static uint32_t rtas_call(QTestState *s, const char *name, uint32_t nargs,
                          const uint32_t *args, uint32_t nret, uint32_t *rets)
{
    g_assert_cmpint(qtest_rtas_call(s, name, nargs, args, nret, rets), ==, 0);
    return rets[0];
}

static uint32_t ddw_create(QTestState *s, uint32_t index, uint32_t ps,
                           uint32_t ws)
{
    uint32_t args[] = { 0, BUID_HI, BUID_LO(index), ps, ws };
    uint32_t rets[4];

    return rtas_call(s, "ibm,create-pe-dma-window", 5, args, 4, rets);
}

/* ibm,query-pe-dma-window (6 outputs) on PHB @index: its status. */
static uint32_t ddw_query(QTestState *s, uint32_t index, uint32_t *avail)
{
    uint32_t args[] = { 0, BUID_HI, BUID_LO(index) };
    uint32_t rets[6];
    uint32_t status = rtas_call(s, "ibm,query-pe-dma-window", 3, args, 6,
                                rets);

    *avail = rets[1];
    return status;
}

/* Windows still available on PHB @index; the query must succeed. */
static uint32_t ddw_query_avail(QTestState *s, uint32_t index)
{
    uint32_t avail;

    g_assert_cmphex(ddw_query(s, index, &avail), ==, STATUS_SUCCESS);
    return avail;
}

/* @text contains @line as a whole line. */
static void assert_has_line(const char *text, const char *line)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    if (!g_strv_contains((const char *const *)lines, line)) {
        g_test_message("missing line '%s' in:\n%s", line, text);
        g_assert_not_reached();
    }
}

/* ---- placement ------------------------------------------------------------ */

#define THREE_PHBS  "-M pseries -nodefaults " \
                    "-device spapr-pci-host-bridge,index=1,id=phb1 " \
                    "-device spapr-pci-host-bridge,index=30"

static void test_placement(void)
{
    static const uint32_t indexes[] = { 0, 1, 30 };
    QTestState *s = qtest_init(THREE_PHBS);
    g_autofree char *mtree = hmp(s, "info mtree");
    g_autofree char *qtree = hmp(s, "info qtree");

    assert_default_windows(s, indexes, G_N_ELEMENTS(indexes));
    for (size_t i = 0; i < G_N_ELEMENTS(indexes); i++) {
        uint64_t buid = 0x800000020000000ULL + indexes[i];
        uint64_t io = (1ULL << 45) + indexes[i] * 0x10000ULL;
        uint64_t mem32 = (1ULL << 45) + (indexes[i] + 1ULL) * (1ULL << 31);
        uint64_t mem64 = (1ULL << 45) + (indexes[i] + 1ULL) * (1ULL << 40);
        g_autofree char *as = g_strdup_printf(
            "address-space: pci@%" PRIx64 "\n"
            "  0000000000000000-ffffffffffffffff (prio 0, i/o): "
            "pci@%" PRIx64 ".iommu-root\n"
            "    0000000000000000-ffffffffffffffff (prio 0, i/o): "
            "tce-root-%x\n"
            "    0000000000000000-ffffffffffffffff (prio 0, i/o): "
            "tce-root-%x\n"
            "      0000000000000000-000000003fffffff (prio 0, i/o): "
            "tce-iommu-%x\n"
            "    0000040000000000-0000040000000fff (prio 0, i/o): msi\n\n",
            buid, buid, 0x80000001U | indexes[i] << 8,
            0x80000000U | indexes[i] << 8, 0x80000000U | indexes[i] << 8);
        g_autofree char *io_line = g_strdup_printf(
            "    %016" PRIx64 "-%016" PRIx64 " (prio 0, i/o): alias "
            "pci@%" PRIx64 ".io-alias @pci@%" PRIx64 ".io "
            "0000000000000000-000000000000ffff", io, io + 0xffff, buid, buid);
        g_autofree char *mem32_line = g_strdup_printf(
            "    %016" PRIx64 "-%016" PRIx64 " (prio 0, i/o): alias "
            "pci@%" PRIx64 ".mmio32-alias @pci@%" PRIx64 ".mmio "
            "0000000080000000-00000000ffffffff", mem32, mem32 + 0x7fffffff,
            buid, buid);
        g_autofree char *mem64_line = g_strdup_printf(
            "    %016" PRIx64 "-%016" PRIx64 " (prio 0, i/o): alias "
            "pci@%" PRIx64 ".mmio64-alias @pci@%" PRIx64 ".mmio "
            "%016" PRIx64 "-%016" PRIx64, mem64, mem64 + (uint64_t)0xffffffffff,
            buid, buid, mem64, mem64 + (uint64_t)0xffffffffff);
        uint32_t avail = ddw_query_avail(s, indexes[i]);

        g_assert_nonnull(strstr(mtree, as));
        assert_has_line(mtree, io_line);
        assert_has_line(mtree, mem32_line);
        assert_has_line(mtree, mem64_line);
        g_assert_cmpuint(avail, ==, 1);
    }
    /* bus names: no id -> "pci.N", id -> "<id>.0" */
    assert_has_line(qtree, "    bus: pci.0");
    assert_has_line(qtree, "    bus: phb1.0");
    assert_has_line(qtree, "    bus: pci.1");
    assert_has_line(qtree, "    pgsz = 18944000 (0x1211000)");
    assert_has_line(qtree, "  dev: spapr-pci-host-bridge, id \"phb1\"");
    qtest_quit(s);
}

/* A DDW in the docs/user/ddw.md layout: tce-iommu under its root. */
static void test_mtree_after_create(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults");
    g_autofree char *mtree = NULL;

    g_assert_cmphex(ddw_create(s, 0, 16, 40), ==, STATUS_SUCCESS);
    mtree = hmp(s, "info mtree");
    g_assert_nonnull(strstr(mtree,
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): "
        "pci@800000020000000.iommu-root\n"
        "    0000000000000000-ffffffffffffffff (prio 0, i/o): tce-root-80000001\n"
        "      0800000000000000-080000ffffffffff (prio 0, i/o): tce-iommu-80000001\n"
        "    0000000000000000-ffffffffffffffff (prio 0, i/o): tce-root-80000000\n"
        "      0000000000000000-000000003fffffff (prio 0, i/o): tce-iommu-80000000\n"
        "    0000040000000000-0000040000000fff (prio 0, i/o): msi\n"));
    qtest_quit(s);
}

/* ---- start-up errors ------------------------------------------------------ */

static void expect_startup_error(const char *device, const char *msg)
{
    g_autofree char *args = g_strdup_printf("-accel qtest -nodefaults "
                                            "-device %s", device);
    g_autofree char *want = g_strdup_printf("spapr-iommu: -device %s: %s\n",
                                            device, msg);
    g_autofree char *err = NULL;

    g_assert_cmpint(qtest_run_binary(args, NULL, &err), ==, 1);
    g_assert_cmpstr(err, ==, want);
}

static void test_invalid_config(void)
{
    static const struct {
        const char *device;
        const char *msg;
    } cases[] = {
        { "spapr-pci-host-bridge",
          "\"index\" for PAPR PHB is mandatory (0..30)" },
        { "spapr-pci-host-bridge,index=31",
          "\"index\" 31 for PAPR PHB is too large (max 30)" },
        /* The machine's pre-plug finds PHB DRC 0 taken (QEMU's text). */
        { "spapr-pci-host-bridge,index=0", "PHB 0 already attached" },
        { "spapr-pci-host-bridge,index=1,mem_win_size=0x80001000",
          "32-bit memory window of size 0x80001000 (max 2 GiB)" },
        { "spapr-pci-host-bridge,index=1,mem64_win_size=2T",
          "64-bit memory window of size 0x20000000000 (max 1 TiB)" },
        { "spapr-pci-host-bridge,index=1,io_win_size=0x20000",
          "IO window of size 0x20000 (max 64 KiB)" },
        { "spapr-pci-host-bridge,index=1,numa_node=0",
          "Invalid NUMA node ID 0 for PCI host bridge (no NUMA node is "
          "configured)" },
        { "spapr-pci-host-bridge,index=1,dma_win_size=0",
          "dma_win_size 0x0 must be a non-zero multiple of 4 KiB" },
        { "spapr-pci-host-bridge,index=1,dma_win_size=0x1800",
          "dma_win_size 0x1800 must be a non-zero multiple of 4 KiB" },
        { "spapr-pci-host-bridge,index=1,dma_win_size=0x100000000000",
          "dma_win_size 0x100000000000 needs more than 2^32-1 TCEs of 4 KiB" },
        { "spapr-pci-host-bridge,index=1,dma_win_addr=0x800",
          "dma_win_addr 0x800 and dma64_win_addr 0x800000000000000 must be "
          "multiples of 4 KiB" },
        { "spapr-pci-host-bridge,index=1,dma_win_addr=0xfffffffffffff000,"
          "dma_win_size=0x2000",
          "default DMA window 0xfffffffffffff000+0x2000 wraps past 2^64" },
        { "spapr-pci-host-bridge,index=1,dma64_win_addr=0x3ffff000",
          "default DMA window 0x0+0x40000000 overlaps dma64_win_addr "
          "0x3ffff000" },
        { "spapr-pci-host-bridge,index=1,pgsz=0x1211800",
          "pgsz 0x1211800 has page sizes below 4 KiB" },
        { "spapr-pci-host-bridge,index=1,dma_win_addr=0x3ffffff0000",
          "default DMA window 0x3ffffff0000+0x40000000 overlaps the MSI "
          "window at 0x40000000000" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        expect_startup_error(cases[i].device, cases[i].msg);
    }
}

/* ---- reset and hot-plug ---------------------------------------------------- */

static void test_system_reset(void)
{
    static const uint32_t indexes[] = { 0, 1, 30 };
    QTestState *s = qtest_init(THREE_PHBS);
    uint32_t rm[] = { 0x80000100 }, rets[1];
    uint64_t put[] = { 0x80000000, 0x1000, 0x10000003 };
    uint64_t get[] = { 0x80000000, 0x1000 };
    uint64_t out[1];

    g_assert_cmphex(ddw_create(s, 0, 16, 30), ==, STATUS_SUCCESS);
    g_assert_cmphex(ddw_create(s, 1, 21, 40), ==, STATUS_SUCCESS);
    g_assert_cmphex(rtas_call(s, "ibm,remove-pe-dma-window", 1, rm, 1, rets),
                    ==, STATUS_SUCCESS);
    g_assert_cmphex(ddw_create(s, 30, 12, 30), ==, STATUS_SUCCESS);
    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, put, 0, NULL), ==, 0);

    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
    assert_default_windows(s, indexes, G_N_ELEMENTS(indexes));
    /* the default window is a fresh, empty one */
    g_assert_cmpint(qtest_hcall(s, "H_GET_TCE", 2, get, 1, out), ==, 0);
    g_assert_cmphex(out[0], ==, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(indexes); i++) {
        g_assert_cmpuint(ddw_query_avail(s, indexes[i]), ==, 1);
    }
    qtest_quit(s);
}

static void test_hotplug_phb(void)
{
    static const uint32_t before[] = { 0 }, with[] = { 0, 5 };
    QTestState *s = qtest_init("-M pseries -nodefaults");
    g_autofree char *qtree = NULL;
    JsonObject *resp;
    uint32_t avail;

    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"spapr-pci-host-bridge\", "
                             "\"index\": \"5\", \"id\": \"phb5\"}}");
    /* a hot-plugged PHB is reset at once: its default window is there */
    assert_default_windows(s, with, G_N_ELEMENTS(with));
    g_assert_cmphex(ddw_create(s, 5, 16, 30), ==, STATUS_SUCCESS);
    qtree = hmp(s, "info qtree");
    assert_has_line(qtree, "    bus: phb5.0");

    resp = qtest_qmp(s, "{\"execute\": \"device_add\", \"arguments\": "
                     "{\"driver\": \"spapr-pci-host-bridge\", "
                     "\"index\": \"5\"}}");
    g_assert_true(json_object_has_member(resp, "error"));
    json_object_unref(resp);

    /* unplug with a DDW active: everything goes, LIOBNs included */
    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"phb5\"}}");
    assert_default_windows(s, before, G_N_ELEMENTS(before));
    g_assert_cmphex(ddw_query(s, 5, &avail), ==, STATUS_PARAM_ERROR);
    {
        g_autofree char *mtree = hmp(s, "info mtree");

        g_assert_null(strstr(mtree, "pci@800000020000005"));
    }
    /* and the index can be used again */
    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"spapr-pci-host-bridge\", "
                             "\"index\": \"5\", \"id\": \"phb5b\"}}");
    assert_default_windows(s, with, G_N_ELEMENTS(with));
    qtest_quit(s);
}

/* ---- PCI config space through RTAS ------------------------------------------ */

static void test_config_no_device(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults");
    uint32_t rd[] = { 0x1000, BUID_HI, BUID_LO(0), 4 };
    uint32_t rd_bad_buid[] = { 0x1000, BUID_HI, BUID_LO(3), 4 };
    uint32_t rd_short[] = { 0x1000, BUID_HI, BUID_LO(0) };
    uint32_t wr[] = { 0x1004, BUID_HI, BUID_LO(0), 2, 6 };
    uint32_t rets[2];

    /* no function at 00:02.0, no PHB 3: HW_ERROR as in QEMU */
    g_assert_cmphex(rtas_call(s, "ibm,read-pci-config", 4, rd, 2, rets), ==,
                    STATUS_HW_ERROR);
    g_assert_cmphex(rtas_call(s, "ibm,read-pci-config", 4, rd_bad_buid, 2,
                              rets), ==, STATUS_HW_ERROR);
    g_assert_cmphex(rtas_call(s, "ibm,write-pci-config", 5, wr, 1, rets), ==,
                    STATUS_HW_ERROR);
    /* wrong nargs / nret: HW_ERROR, as QEMU answers (not -3) */
    g_assert_cmphex(rtas_call(s, "ibm,read-pci-config", 3, rd_short, 2, rets),
                    ==, STATUS_HW_ERROR);
    g_assert_cmphex(rtas_call(s, "ibm,read-pci-config", 4, rd, 1, rets), ==,
                    STATUS_HW_ERROR);
    g_assert_cmphex(rtas_call(s, "ibm,write-pci-config", 4, wr, 1, rets), ==,
                    STATUS_HW_ERROR);
    g_assert_cmphex(rtas_call(s, "read-pci-config", 2, rd, 1, rets), ==,
                    STATUS_HW_ERROR);
    g_assert_cmphex(rtas_call(s, "write-pci-config", 2, rd, 1, rets), ==,
                    STATUS_HW_ERROR);
    qtest_quit(s);
}

/* iommu-testdev ids and registers (include/hw/misc/iommu-testdev.h). */
#define TESTDEV_IDS         0x01051b36U     /* device << 16 | vendor */
#define TESTDEV_REG_ID      0x00
#define TESTDEV_ID_VALUE    0x44544f49U     /* "IOTD", little-endian */
#define TESTDEV_DMA_ADDR_LO 0x08
#define TESTDEV_DMA_ADDR_HI 0x0c
#define TESTDEV_DMA_LEN     0x10
#define TESTDEV_DMA_CMD     0x14
#define TESTDEV_DMA_STATUS  0x18
#define TESTDEV_BUF         0x1000
#define TESTDEV_CMD_READ    1
#define TESTDEV_STATUS_TRANSLATION 1
#define TESTDEV_STATUS_DECODE      3

/* ibm,read-pci-config with rets[1] pre-filled with 0xdeadbeef. */
static uint32_t cfg_read(QTestState *s, uint32_t index, uint32_t addr,
                         uint32_t size, uint32_t *val)
{
    const uint64_t args_gpa = 0x200000, rets_gpa = 0x201000;
    uint32_t args[] = { addr, BUID_HI, BUID_LO(index), size };
    g_autofree char *reply = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(args); i++) {
        qtest_writel(s, args_gpa + 4 * i, args[i]);
    }
    qtest_writel(s, rets_gpa + 4, 0xdeadbeef);
    reply = qtest_line(s, "rtas ibm,read-pci-config 4 0x%" PRIx64 " 2 0x%"
                       PRIx64, args_gpa, rets_gpa);
    g_assert_cmpstr(reply, ==, "OK 0");
    *val = qtest_readl(s, rets_gpa + 4);
    return qtest_readl(s, rets_gpa);
}

static uint32_t cfg_write(QTestState *s, uint32_t index, uint32_t addr,
                          uint32_t size, uint32_t val)
{
    uint32_t args[] = { addr, BUID_HI, BUID_LO(index), size, val };
    uint32_t rets[1];

    return rtas_call(s, "ibm,write-pci-config", 5, args, 1, rets);
}

/* Config space through RTAS; values are host integers (no swap needed). */
static void test_config_testdev(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device iommu-testdev,bus=pci.0,addr=2 "
                               "-device spapr-pci-host-bridge,index=1,id=phb1 "
                               "-device iommu-testdev,bus=phb1.0,addr=3");
    uint32_t val, args[3], rets[2];

    g_assert_cmphex(cfg_read(s, 0, 0x1000, 4, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, TESTDEV_IDS);
    g_assert_cmphex(cfg_read(s, 0, 0x1000, 2, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, 0x1b36);
    g_assert_cmphex(cfg_read(s, 0, 0x1002, 2, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, 0x0105);
    g_assert_cmphex(cfg_read(s, 0, 0x1001, 1, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, 0x1b);
    /* the other PHB's device, at 00:03.0 of its own bus */
    g_assert_cmphex(cfg_read(s, 1, 0x1800, 4, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, TESTDEV_IDS);

    /* command register: memory decode + bus master, read back */
    g_assert_cmphex(cfg_write(s, 0, 0x1004, 2, 0x6), ==, STATUS_SUCCESS);
    g_assert_cmphex(cfg_read(s, 0, 0x1004, 2, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, 0x6);

    /* QEMU's HW_ERROR cases: rets[1] is left alone */
    g_assert_cmphex(cfg_read(s, 1, 0x1000, 4, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(val, ==, 0xdeadbeef);
    g_assert_cmphex(cfg_read(s, 0, 0x1800, 4, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(cfg_read(s, 0, 0x1000, 3, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(cfg_read(s, 0, 0x1001, 2, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(cfg_read(s, 0, 0x1002, 4, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(cfg_read(s, 0, 0x10001000, 4, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(cfg_read(s, 0, 0x11000, 4, &val), ==, STATUS_HW_ERROR);
    g_assert_cmphex(cfg_write(s, 0, 0x1004, 8, 0), ==, STATUS_HW_ERROR);

    /* read-pci-config without BUID: the default PHB */
    args[0] = 0x1000;
    args[1] = 4;
    g_assert_cmphex(rtas_call(s, "read-pci-config", 2, args, 2, rets), ==,
                    STATUS_SUCCESS);
    g_assert_cmphex(rets[1], ==, TESTDEV_IDS);
    args[0] = 0x1004;
    args[1] = 2;
    args[2] = 0x2;
    g_assert_cmphex(rtas_call(s, "write-pci-config", 3, args, 1, rets), ==,
                    STATUS_SUCCESS);
    g_assert_cmphex(cfg_read(s, 0, 0x1004, 2, &val), ==, STATUS_SUCCESS);
    g_assert_cmphex(val, ==, 0x2);
    qtest_quit(s);
}

/*
 * The whole path as libqos uses it: BAR 0 at PCI 0x80000000 is reached at
 * CPU 2^45 + 0x80000000 (MMIO32 window, PCI data little-endian, so a
 * big-endian readl sees it swapped), and the device's DMA goes through the
 * PHB's DMA address space: default window, then a DDW at 2^59.
 */
static void test_testdev_dma(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device iommu-testdev,bus=pci.0,addr=2");
    const uint64_t bar = (1ULL << 45) + 0x80000000ULL;
    uint64_t put[] = { 0x80000000, 0x5000, 0x300000 | 3 };
    uint64_t put64[] = { 0x80000001, 0x800000000010000ULL, 0x310000 | 1 };
    uint32_t args[] = { 0, BUID_HI, BUID_LO(0), 16, 30 };
    uint32_t rets[4];

    g_assert_cmphex(cfg_write(s, 0, 0x1010, 4, 0x80000000), ==, STATUS_SUCCESS);
    g_assert_cmphex(cfg_write(s, 0, 0x1004, 2, 0x6), ==, STATUS_SUCCESS);
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_REG_ID), ==,
                    __builtin_bswap32(TESTDEV_ID_VALUE));

    /* default window: TCE for bus 0x5000 -> guest 0x300000 */
    qtest_writel(s, 0x300000, 0x11223344);
    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, put, 0, NULL), ==, 0);
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_LO, __builtin_bswap32(0x5000));
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_HI, 0);
    qtest_writel(s, bar + TESTDEV_DMA_LEN, __builtin_bswap32(4));
    qtest_writel(s, bar + TESTDEV_DMA_CMD, __builtin_bswap32(TESTDEV_CMD_READ));
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_DMA_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_BUF), ==, 0x11223344);

    /* a DDW at 2^59 with 64 KiB pages */
    g_assert_cmpint(qtest_rtas_call(s, "ibm,create-pe-dma-window", 5, args, 4,
                                    rets), ==, 0);
    g_assert_cmphex(rets[0], ==, STATUS_SUCCESS);
    qtest_writel(s, 0x310000 + 0x20, 0xcafef00d);
    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, put64, 0, NULL), ==, 0);
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_LO, __builtin_bswap32(0x10020));
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_HI, __builtin_bswap32(0x08000000));
    qtest_writel(s, bar + TESTDEV_DMA_CMD, __builtin_bswap32(TESTDEV_CMD_READ));
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_DMA_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_BUF), ==, 0xcafef00d);

    /* in the default window, but no TCE there: translation error */
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_LO, __builtin_bswap32(0x6000));
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_HI, 0);
    qtest_writel(s, bar + TESTDEV_DMA_CMD, __builtin_bswap32(TESTDEV_CMD_READ));
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_DMA_STATUS), ==,
                    __builtin_bswap32(TESTDEV_STATUS_TRANSLATION));

    /* outside every window: nothing there, a decode error */
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_LO, __builtin_bswap32(0x40000000));
    qtest_writel(s, bar + TESTDEV_DMA_ADDR_HI, 0);
    qtest_writel(s, bar + TESTDEV_DMA_CMD, __builtin_bswap32(TESTDEV_CMD_READ));
    g_assert_cmphex(qtest_readl(s, bar + TESTDEV_DMA_STATUS), ==,
                    __builtin_bswap32(TESTDEV_STATUS_DECODE));
    qtest_quit(s);
}

/*
 * Unplugging a PHB with a function on its bus takes the function, the
 * DMA windows, the LIOBNs and every memory region with it.
 */
static void test_hotplug_phb_with_device(void)
{
    static const uint32_t before[] = { 0 };
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device spapr-pci-host-bridge,index=5,id=phb5 "
                               "-device iommu-testdev,bus=phb5.0,addr=3,id=td");
    uint32_t rm[] = { 0x80000501 }, rets[1], avail;
    g_autofree char *mtree = NULL;
    g_autofree char *qom = NULL;
    g_autofree char *qtree = NULL;

    g_assert_cmphex(cfg_write(s, 5, 0x1804, 2, 0x6), ==, STATUS_SUCCESS);
    g_assert_cmphex(ddw_create(s, 5, 16, 30), ==, STATUS_SUCCESS);

    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"phb5\"}}");
    /*
     * A cold-plugged PHB waits for the guest (its DRC is ready), as in
     * QEMU: still there with its DDW until the reset completes the unplug.
     */
    g_assert_cmphex(ddw_query(s, 5, &avail), ==, STATUS_SUCCESS);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    assert_default_windows(s, before, G_N_ELEMENTS(before));
    g_assert_cmphex(ddw_query(s, 5, &avail), ==, STATUS_PARAM_ERROR);
    g_assert_cmphex(rtas_call(s, "ibm,remove-pe-dma-window", 1, rm, 1, rets),
                    ==, STATUS_PARAM_ERROR);
    g_assert_cmphex(cfg_write(s, 5, 0x1804, 2, 0x6), ==, STATUS_HW_ERROR);
    mtree = hmp(s, "info mtree");
    g_assert_null(strstr(mtree, "pci@800000020000005"));
    g_assert_null(strstr(mtree, "80000500"));
    g_assert_null(strstr(mtree, "80000501"));
    g_assert_null(strstr(mtree, "iommu-testdev"));
    qom = hmp(s, "info qom-tree");
    g_assert_null(strstr(qom, "tce-table-8000050"));
    g_assert_null(strstr(qom, "iommu-testdev"));
    qtree = hmp(s, "info qtree");
    g_assert_null(strstr(qtree, "phb5"));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spapr-phb/placement", test_placement);
    g_test_add_func("/spapr-phb/mtree-after-create", test_mtree_after_create);
    g_test_add_func("/spapr-phb/invalid-config", test_invalid_config);
    g_test_add_func("/spapr-phb/system-reset", test_system_reset);
    g_test_add_func("/spapr-phb/hotplug", test_hotplug_phb);
    g_test_add_func("/spapr-phb/hotplug/unplug-with-device",
                    test_hotplug_phb_with_device);
    g_test_add_func("/spapr-phb/config/no-device", test_config_no_device);
    g_test_add_func("/spapr-phb/config/iommu-testdev", test_config_testdev);
    g_test_add_func("/spapr-phb/dma/iommu-testdev", test_testdev_dma);
    return g_test_run();
}
