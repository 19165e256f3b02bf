/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The soft-host VFIO path end to end, over qtest and QMP only: after every
 * hypercall, RTAS call and reset, the host mappings of every container (its
 * own bookkeeping and the soft IOMMU's "hardware" read-back, x-query-vfio)
 * equal the projection of the valid TCEs of every enabled window
 * (x-query-spapr-tce), both sides merged into maximal runs; plus DMA by the
 * edu-compatible function, refused DDWs, and injected host faults.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/vfio/soft-edu.h"
#include "libqtest.h"
#include "vfio-check.h"
#include "vfio-edu.h"
#include "spapr-guest.h"

#define H_SUCCESS       0
#define H_HARDWARE      (-1)
#define H_PARAMETER     (-4)
#define RTAS_OK         0U
#define RTAS_HW_ERROR   0xffffffffU
#define LIOBN           0x80000000ULL
#define DDW_LIOBN       0x80000001ULL
#define DDW_BUS         (1ULL << 59)
#define CFG(reg)        (0x1800U | (reg))       /* bus 0, devfn 3.0 */
#define CFG4(reg)       (0x2000U | (reg))       /* bus 0, devfn 4.0 */
/* BAR 0 of 00:03.0 programmed at PCI 0x80000000: CPU 2^45 + that. */
#define BAR             ((1ULL << 45) + 0x80000000ULL)
#define TCE_ALL         "0x0-0xffffffffffffffff"

/* ---- guest and operator actions -------------------------------------------- */

/* BAR 0 at PCI 0x80000000, memory decoding and bus mastering on. */
static void edu_enable(QTestState *s)
{
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0x80000000);
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);
}

static QTestState *start(const char *type, const char *host_opts,
                         const char *extra)
{
    return qtest_initf("-M pseries -object vfio-soft-host,id=h0,iommu-type=%s%s "
                       "-device vfio-pci,soft-host=h0,bus=pci.0,addr=3,id=v0%s",
                       type, host_opts, extra);
}

/* ---- tests ------------------------------------------------------------------- */

/*
 * One device, every TCE hypercall, DDW create/remove/reset and system_reset
 * on both windows; the invariant after each step with the exact view.
 */
static void test_lifecycle(gconstpointer data)
{
    const char *type = data;
    bool type1 = !strcmp(type, "type1v2");
    /* type1v2: a host whose IOVA ranges take the 64-bit window too. */
    QTestState *s = start(type, type1 ? ",iova-ranges=" TCE_ALL : "", "");
    uint32_t liobn;
    uint64_t bus;

    vfio_assert_view(s, 1, "");
    /* H_PUT_TCE: three pages, contiguous in bus and RAM: one run. */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x5000, 0x300003), ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x6000, 0x301003), ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x7000, 0x302003), ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x3000>0x300000:rw");
    /* Overwrite the middle with a read-only TCE: three runs. */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x6000, 0x301001), ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw");
    /* H_PUT_TCE_INDIRECT: 16 pages; then H_STUFF_TCE clears 4 in the middle. */
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000, 2,
                                      16),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x10000>0x200000:w");
    g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x14000, 0, 4), ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x4000>0x200000:w "
                "0x18000+0x8000>0x208000:w");
    /* H_STUFF_TCE mapping one page 8 times (not contiguous in RAM). */
    g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x40000, 0x500003, 8), ==,
                    H_SUCCESS);
    {
        g_autofree char *p = vfio_check(s, 1);
        GString *want = g_string_new("0x5000+0x1000>0x300000:rw "
            "0x6000+0x1000>0x301000:r 0x7000+0x1000>0x302000:rw "
            "0x10000+0x4000>0x200000:w 0x18000+0x8000>0x208000:w");

        for (unsigned i = 0; i < 8; i++) {
            g_string_append_printf(want, " 0x%x+0x1000>0x500000:rw",
                                   0x40000 + i * 0x1000);
        }
        g_assert_cmpstr(p, ==, want->str);
        g_string_free(want, TRUE);
    }
    g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x40000, 0, 8), ==, H_SUCCESS);
    /* A TCE pointing outside guest RAM (MMIO): H_PARAMETER, nothing mapped. */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x8000, BAR | 3), ==, H_PARAMETER);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x8000, 0x80000000ULL | 3), ==,
                    H_PARAMETER);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x4000>0x200000:w "
                "0x18000+0x8000>0x208000:w");

    /* DDW: 64 KiB pages, 2^32 bytes, at 2^59. */
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 32, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(liobn, ==, DDW_LIOBN);
    g_assert_cmphex(bus, ==, DDW_BUS);
    g_assert_cmpint(guest_put_tce_run(s, DDW_LIOBN, DDW_BUS, 0x1000000, 0x10000,
                                      3, 512),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x4000>0x200000:w "
                "0x18000+0x8000>0x208000:w "
                "0x800000000000000+0x2000000>0x1000000:rw");
    /* H_PUT_TCE in the middle of the DDW run, then STUFF over its tail. */
    g_assert_cmpint(guest_put_tce(s, DDW_LIOBN, DDW_BUS + 0x100000, 0x7000001),
                    ==, H_SUCCESS);
    g_assert_cmpint(guest_stuff_tce(s, DDW_LIOBN, DDW_BUS + 0x1000000, 0, 256),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x4000>0x200000:w "
                "0x18000+0x8000>0x208000:w "
                "0x800000000000000+0x100000>0x1000000:rw "
                "0x800000000100000+0x10000>0x7000000:r "
                "0x800000000110000+0xef0000>0x1110000:rw");
    /* Remove the DDW: its mappings go, the default window's stay. */
    g_assert_cmphex(guest_ddw_remove(s, DDW_LIOBN), ==, RTAS_OK);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x4000>0x200000:w "
                "0x18000+0x8000>0x208000:w");
    /* Create again, map, then reset: one empty default window. */
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 32, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmpint(guest_put_tce(s, DDW_LIOBN, DDW_BUS, 0x1000003), ==,
                    H_SUCCESS);
    vfio_assert_view(s, 1, "0x5000+0x1000>0x300000:rw 0x6000+0x1000>0x301000:r "
                "0x7000+0x1000>0x302000:rw 0x10000+0x4000>0x200000:w "
                "0x18000+0x8000>0x208000:w "
                "0x800000000000000+0x10000>0x1000000:rw");
    g_assert_cmphex(guest_ddw_reset(s, 0, CFG(0)), ==, RTAS_OK);
    vfio_assert_view(s, 1, "");
    /* Map again, and a machine reset empties it all. */
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0, 0x300000, 0x1000, 1, 4), ==,
                    H_SUCCESS);
    vfio_assert_view(s, 1, "0x0+0x4000>0x300000:r");
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    vfio_assert_view(s, 1, "");
    qtest_quit(s);
}

/*
 * DMA by the edu-compatible function through the host mappings, refused
 * once the TCE is cleared, and after a device (machine) reset.
 */
static void test_dma(gconstpointer data)
{
    QTestState *s = start(data, "", "");
    static const uint8_t pattern[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t buf[8];

    edu_enable(s);
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x8000, 0x300000, 0x1000, 3, 2),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x8000+0x2000>0x300000:rw");
    /* RAM -> buffer across the page boundary, buffer -> RAM back. */
    qtest_memwrite(s, 0x300ffc, pattern, sizeof(pattern));
    g_assert_cmphex(edu_dma(s, BAR, 0x8ffc, VFIO_SOFT_EDU_BUF_ADDR, 8, 0), ==, 0);
    g_assert_cmphex(edu_dma(s, BAR, VFIO_SOFT_EDU_BUF_ADDR, 0x8100, 8,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==, 0);
    qtest_memread(s, 0x300100, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), pattern, sizeof(pattern));
    /* Clear the second page: a transfer touching it moves nothing. */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x9000, 0), ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x8000+0x1000>0x300000:rw");
    qtest_memset(s, 0x300ff8, 0, 4);
    g_assert_cmphex(edu_dma(s, BAR, VFIO_SOFT_EDU_BUF_ADDR, 0x8ff8, 16,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(qtest_readl(s, 0x300ff8), ==, 0);
    g_assert_cmphex(edu_dma(s, BAR, VFIO_SOFT_EDU_BUF_ADDR, 0x8ff8, 8,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==, 0);
    g_assert_cmphex(qtest_readl(s, 0x300ff8), ==, 0x01020304);
    /* Device reset (machine reset): mappings gone, DMA faults. */
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    vfio_assert_view(s, 1, "");
    edu_enable(s);
    g_assert_cmphex(edu_dma(s, BAR, 0x8000, VFIO_SOFT_EDU_BUF_ADDR, 8, 0), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    qtest_quit(s);
}

/*
 * Three devices of one soft host in two groups: the second group joins the
 * first container; x-query-vfio and info vfio list each group's devices.
 */
static void test_one_container(gconstpointer data)
{
    QTestState *s = start(data, "", " -device vfio-pci,soft-host=h0,"
                          "bus=pci.0,addr=4,group=7,id=v1 -device vfio-pci,"
                          "soft-host=h0,bus=pci.0,addr=5,group=7");
    g_autofree char *info = NULL;
    g_autofree char *first = NULL;
    JsonObject *rsp;
    JsonArray *groups;
    JsonArray *devs;

    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0, 0x300000, 0x1000, 3, 8), ==,
                    H_SUCCESS);
    vfio_assert_view(s, 1, "0x0+0x8000>0x300000:rw");
    rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    groups = json_object_get_array_member(json_array_get_object_element(
        json_object_get_array_member(rsp, "return"), 0), "groups");
    g_assert_cmpuint(json_array_get_length(groups), ==, 2);
    g_assert_cmpint(json_object_get_int_member(
        json_array_get_object_element(groups, 0), "group"), ==, 1);
    devs = json_object_get_array_member(
        json_array_get_object_element(groups, 0), "devices");
    g_assert_cmpuint(json_array_get_length(devs), ==, 1);
    g_assert_cmpstr(json_array_get_string_element(devs, 0), ==,
                    "/machine/peripheral/v0");
    g_assert_cmpint(json_object_get_int_member(
        json_array_get_object_element(groups, 1), "group"), ==, 7);
    devs = json_object_get_array_member(
        json_array_get_object_element(groups, 1), "devices");
    g_assert_cmpuint(json_array_get_length(devs), ==, 2);
    g_assert_cmpstr(json_array_get_string_element(devs, 0), ==,
                    "/machine/peripheral/v1");
    g_assert_cmpstr(json_array_get_string_element(devs, 1), ==,
                    "/machine/peripheral-anon/device[0]");
    json_object_unref(rsp);
    info = qtest_hmp_text(s, "info vfio");
    first = g_strndup(info, strcspn(info, "\n"));
    g_assert_cmpstr(first, ==, g_str_equal(data, "type1v2") ?
                    "pci@800000020000000 container 0: backend soft, type "
                    "type1v2, groups 1 (v0) 7 (v1, "
                    "/machine/peripheral-anon/device[0])" :
                    "pci@800000020000000 container 0: backend soft, type "
                    "spapr-tce-v2, groups 1 (v0) 7 (v1, "
                    "/machine/peripheral-anon/device[0])");
    g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x2000, 0, 2), ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x0+0x2000>0x300000:rw 0x4000+0x4000>0x304000:rw");
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    vfio_assert_view(s, 1, "");
    qtest_quit(s);
}

/*
 * Two soft hosts on one PHB: the second host's group is refused by the
 * first container and gets its own; both mirror every window and mapping.
 */
static void test_two_containers(gconstpointer data)
{
    const char *type = data;
    bool type1 = !strcmp(type, "type1v2");
    const char *ranges = type1 ? ",iova-ranges=" TCE_ALL : "";
    g_autofree char *extra = g_strdup_printf(
        " -object vfio-soft-host,id=h1,iommu-type=%s%s -device vfio-pci,"
        "soft-host=h1,bus=pci.0,addr=4,id=v1", type, ranges);
    QTestState *s = start(type, ranges, extra);
    uint32_t liobn;
    uint64_t bus;

    vfio_assert_view(s, 2, "");
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    vfio_assert_view(s, 2, "0x1000+0x1000>0x300000:rw");
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmpint(guest_put_tce_run(s, DDW_LIOBN, DDW_BUS, 0x2000000, 0x10000,
                                      1, 64),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 2, "0x1000+0x1000>0x300000:rw "
                "0x800000000000000+0x400000>0x2000000:r");
    g_assert_cmpint(guest_stuff_tce(s, DDW_LIOBN, DDW_BUS + 0x10000, 0, 1), ==,
                    H_SUCCESS);
    vfio_assert_view(s, 2, "0x1000+0x1000>0x300000:rw "
                "0x800000000000000+0x10000>0x2000000:r "
                "0x800000000020000+0x3e0000>0x2020000:r");
    g_assert_cmphex(guest_ddw_remove(s, liobn), ==, RTAS_OK);
    vfio_assert_view(s, 2, "0x1000+0x1000>0x300000:rw");
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(guest_ddw_reset(s, 0, CFG(0)), ==, RTAS_OK);
    vfio_assert_view(s, 2, "");
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    vfio_assert_view(s, 2, "");
    qtest_quit(s);
}

/* type1v2 with its default IOVA ranges (up to 2^39): no DDW at 2^59. */
static void test_ddw_outside_ranges(void)
{
    QTestState *s = start("type1v2", "", "");
    JsonObject *rsp;
    uint32_t liobn = 0;
    uint64_t bus = 0;

    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 32, &liobn, &bus), ==,
                    RTAS_HW_ERROR);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw");
    rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", \"arguments\": "
                    "{\"liobn\": %llu}}", DDW_LIOBN);
    g_assert_false(json_object_get_boolean_member(json_array_get_object_element(
        json_object_get_array_member(rsp, "return"), 0), "enabled"));
    json_object_unref(rsp);
    /* A reset back to the default window is fine: nothing was left. */
    g_assert_cmphex(guest_ddw_reset(s, 0, CFG(0)), ==, RTAS_OK);
    vfio_assert_view(s, 1, "");
    qtest_quit(s);
}

/*
 * A host without a page size for the 4 KiB default window: the window comes
 * at machine reset, which cannot fail, so it is broken (puts on it get
 * H_HARDWARE, nothing is mapped); on type1v2 a 64 KiB DDW works.
 */
static void test_page_size(gconstpointer data)
{
    const char *type = data;
    bool type1 = !strcmp(type, "type1v2");
    QTestState *s = start(type, type1 ? ",pgsizes=64K:2M,iova-ranges=" TCE_ALL
                                      : ",pgsizes=64K:16M", "");
    JsonObject *rsp;
    JsonObject *w;
    uint32_t liobn = 0;
    uint64_t bus = 0;

    rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    w = json_array_get_object_element(json_object_get_array_member(
        json_array_get_object_element(json_object_get_array_member(rsp,
            "return"), 0), "windows"), 0);
    g_assert_true(json_object_get_boolean_member(w, "broken"));
    g_assert_cmpstr(json_object_get_string_member(w, "error"), ==, type1 ?
                    "vfio: window tce-iommu-80000000 [0x0, 0x3fffffff] (size "
                    "0x40000000, TCE page 0x1000): TCE page size 0x1000 is not "
                    "supported by the host IOMMU (page sizes 0x210000)" :
                    "vfio: window tce-iommu-80000000 [0x0, 0x3fffffff] (size "
                    "0x40000000, TCE page 0x1000): no host IOMMU page size "
                    "fits: TCE page size 0x1000, RAM backing page size 0x1000, "
                    "host page sizes 0x1010000");
    json_object_unref(rsp);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_HARDWARE);
    vfio_check_allow_broken = true;
    vfio_assert_view(s, 1, "");
    if (type1) {
        g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus),
                        ==, RTAS_OK);
        g_assert_cmpint(guest_put_tce_run(s, liobn, bus, 0x1000000, 0x10000, 3,
                                          4),
                        ==, H_SUCCESS);
        vfio_assert_view(s, 1, "0x800000000000000+0x40000>0x1000000:rw");
    } else {
        /*
         * sPAPR v2 also needs a host page <= the RAM backing page (4 KiB
         * here): no window fits, the DDW create is refused up front.
         */
        g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus),
                        ==, RTAS_HW_ERROR);
        vfio_assert_view(s, 1, "");
    }
    vfio_check_allow_broken = false;
    /* Back to the default window only: the RTAS reset is refused. */
    g_assert_cmphex(guest_ddw_reset(s, 0, CFG(0)), ==, RTAS_HW_ERROR);
    qtest_quit(s);
}

/* A map fault: the put gets H_HARDWARE, the entry is cleared. */
static void test_fault_map(gconstpointer data)
{
    QTestState *s = start(data, "", "");

    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": \"map\", "
                             "\"nth\": 1, \"errno\": \"EIO\"}}");
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x2000, 0x301003), ==, H_HARDWARE);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw");
    /*
     * Inside an INDIRECT batch the 8 TCEs are one map call, made at the
     * batch commit: it fails, the hcall gets H_HARDWARE, and the table
     * resynchronises the container (unmap the window, replay its valid
     * TCEs): the entries stay in the guest view and are mapped again.
     */
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": \"map\", "
                             "\"nth\": 1, \"errno\": \"ENOMEM\"}}");
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000, 3,
                                      8),
                    ==, H_HARDWARE);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw 0x10000+0x8000>0x200000:rw");
    /* The fault is spent: the same put (an overwrite) works now. */
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000, 3,
                                      8),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw 0x10000+0x8000>0x200000:rw");
    qtest_quit(s);
}

/* An unmap fault: whatever the guest is told, guest view == host after. */
static void test_fault_unmap(gconstpointer data)
{
    QTestState *s = start(data, "", "");
    int64_t ret;

    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0, 0x300000, 0x1000, 3, 4), ==,
                    H_SUCCESS);
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": \"unmap\", "
                             "\"nth\": 1, \"errno\": \"EIO\"}}");
    ret = guest_put_tce(s, LIOBN, 0x1000, 0);
    g_assert_cmpint(ret, ==, H_HARDWARE);
    vfio_assert_view(s, 1, "0x0+0x1000>0x300000:rw 0x2000+0x2000>0x302000:rw");
    qtest_quit(s);
}

/* A window-create fault (sPAPR v2): the DDW create fails, nothing is left. */
static void test_fault_window(void)
{
    QTestState *s = start("spapr-tce-v2", "", "");
    uint32_t liobn = 0;
    uint64_t bus = 0;

    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": "
                             "\"window-create\", \"nth\": 1, \"errno\": "
                             "\"ENOSPC\"}}");
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 32, &liobn, &bus), ==,
                    RTAS_HW_ERROR);
    vfio_assert_view(s, 1, "");
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 32, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(bus, ==, DDW_BUS);
    g_assert_cmpint(guest_put_tce(s, liobn, DDW_BUS, 0x300003), ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x800000000000000+0x10000>0x300000:rw");
    qtest_quit(s);
}

/*
 * A register fault (sPAPR v2).  Guest RAM is registered once, when the
 * container is created, so the fault is armed for new instances with the
 * host's fail= property (x-vfio-soft-fault arms live ones only): the
 * device fails to realize, with the errno.
 */
static void test_fault_register(void)
{
    g_autofree char *err = NULL;

    g_assert_cmpint(qtest_run_binary(
        "-M pseries -object vfio-soft-host,id=h0,iommu-type=spapr-tce-v2,"
        "fail=register:1:ENOMEM -device vfio-pci,soft-host=h0,bus=pci.0,"
        "addr=3", NULL, &err), ==, 1);
    g_assert_cmpstr(err, ==, "spapr-iommu: -device vfio-pci,soft-host=h0,"
                    "bus=pci.0,addr=3: vfio: cannot pre-register guest RAM at "
                    "0x0 (0x40000000 bytes): Cannot allocate memory\n");
}

int main(int argc, char **argv)
{
    static const char *const types[] = { "type1v2", "spapr-tce-v2" };

    g_test_init(&argc, &argv, NULL);
    for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
        static const struct {
            const char *name;
            GTestDataFunc fn;
        } cases[] = {
            { "lifecycle", test_lifecycle },
            { "dma", test_dma },
            { "one-container", test_one_container },
            { "two-containers", test_two_containers },
            { "fault/map", test_fault_map },
            { "fault/unmap", test_fault_unmap },
            { "page-size-missing", test_page_size },
        };

        for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
            g_autofree char *path = g_strdup_printf("/vfio-soft/%s/%s",
                                                    types[i], cases[k].name);

            g_test_add_data_func(path, types[i], cases[k].fn);
        }
    }
    g_test_add_func("/vfio-soft/type1v2/ddw-outside-ranges",
                    test_ddw_outside_ranges);
    g_test_add_func("/vfio-soft/spapr-tce-v2/fault/window-create",
                    test_fault_window);
    g_test_add_func("/vfio-soft/spapr-tce-v2/fault/register",
                    test_fault_register);
    return g_test_run();
}
