/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the consumer veto: a window a VFIO host cannot honour
 * fails ibm,create-pe-dma-window / ibm,reset-pe-dma-window with HW_ERROR
 * and leaves nothing behind; the paths that cannot fail (PHB DMA reset)
 * keep the window broken and send VFIO_WINDOW_BROKEN once.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/vfio/iommu-soft.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/vfio-monitor.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "system/system.h"
#include "vfio-test-fixture.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define ARGS_GPA        0x10000
#define RETS_GPA        0x11000
#define DATA_GPA        0x1000000ULL
#define DMA64           (1ULL << 59)
#define LIOBN0          0x80000000U
#define LIOBN1          0x80000001U
#define TCE_RW          3ULL

static int32_t create_window(VFIOTestFixture *f, uint32_t page_shift,
                             uint32_t window_shift)
{
    rtas_st(ARGS_GPA, 0, 0);
    rtas_st(ARGS_GPA, 1, f->phb->buid >> 32);
    rtas_st(ARGS_GPA, 2, f->phb->buid & UINT32_MAX);
    rtas_st(ARGS_GPA, 3, page_shift);
    rtas_st(ARGS_GPA, 4, window_shift);
    for (int i = 0; i < 4; i++) {
        rtas_st(RETS_GPA, i, 0xdeadbeef);
    }
    g_assert_cmpint(spapr_rtas_call(f->spapr, RTAS_IBM_CREATE_PE_DMA_WINDOW,
                                    5, ARGS_GPA, 4, RETS_GPA), ==, H_SUCCESS);
    return rtas_ld(RETS_GPA, 0);
}

static int32_t reset_windows(VFIOTestFixture *f)
{
    rtas_st(ARGS_GPA, 0, 0);
    rtas_st(ARGS_GPA, 1, f->phb->buid >> 32);
    rtas_st(ARGS_GPA, 2, f->phb->buid & UINT32_MAX);
    rtas_st(RETS_GPA, 0, 0xdeadbeef);
    g_assert_cmpint(spapr_rtas_call(f->spapr, RTAS_IBM_RESET_PE_DMA_WINDOW,
                                    3, ARGS_GPA, 1, RETS_GPA), ==, H_SUCCESS);
    return rtas_ld(RETS_GPA, 0);
}

/* x-query-spapr-tce of one LIOBN, as JSON text. */
static char *query_tce(uint32_t liobn)
{
    g_autofree char *args = g_strdup_printf("{\"liobn\": %u}", liobn);
    g_autoptr(JsonNode) a = qmp_json_parse(args, strlen(args), &error_abort);
    JsonNode *ret = NULL;
    char *out;

    g_assert_true(qmp_command_call("x-query-spapr-tce",
                                   json_node_get_object(a), &ret,
                                   &error_abort));
    out = qmp_to_json(ret);
    json_node_unref(ret);
    return out;
}

static guint container_windows(VFIOGroup *g)
{
    g_autoptr(GArray) w = vfio_container_get_windows(g->container);

    return w->len;
}

static guint host_windows(VFIOTestFixture *f)
{
    g_autoptr(GArray) w = vfio_soft_get_windows(f->host.soft);

    return w->len;
}

static guint host_mappings(VFIOTestFixture *f)
{
    g_autoptr(GArray) m = vfio_soft_get_mappings(f->host.soft);

    return m->len;
}

/* type1v2 whose IOVA ranges end below 2^59: a DDW there is refused. */
static void test_type1_ddw_refused(void)
{
    g_autofree char *tce = NULL;
    VFIOTestFixture f;
    VFIOGroup *g;

    vfio_test_fixture_init(&f, VFIO_IOMMU_TYPE1V2);
    f.host.cfg.nr_iova_ranges = 1;
    f.host.cfg.iova_ranges[0] = (VFIOIOVARange) { 0, DMA64 - 1 };
    g = vfio_test_attach(&f, 1);
    g_assert_cmpint(create_window(&f, 16, 24), ==, RTAS_OUT_HW_ERROR);
    g_assert_cmphex(rtas_ld(RETS_GPA, 1), ==, 0xdeadbeef);
    tce = query_tce(LIOBN1);
    g_assert_cmpstr(tce, ==,
        "[{\"liobn\": 2147483649, \"enabled\": false, \"bus-offset\": 0, "
        "\"page-shift\": 0, \"nb-table\": 0, \"owner\": \"user\", "
        "\"need-vfio\": false, \"notifiers\": 0, "
        "\"valid-entries\": 0, \"bytes-used\": 0, "
        "\"resync-failures\": 0, \"kernel-links\": 0}]");
    g_assert_cmpuint(container_windows(g), ==, 1);
    g_assert_cmpuint(host_mappings(&f), ==, 0);
    g_assert_cmpuint(spapr_phb_dma_windows_enabled(f.phb), ==, 1);
    /* the default window is untouched and works */
    g_assert_cmpint(vfio_test_put(&f, LIOBN0, 0, DATA_GPA | TCE_RW), ==, H_SUCCESS);
    g_assert_cmpuint(host_mappings(&f), ==, 1);
    vfio_group_put(g);
    vfio_test_fixture_free(&f);
}

/*
 * sPAPR v2 whose largest window is 16 MiB: a 1 GiB DDW fails the trial
 * create and leaves no host window; a 16 MiB one is created.
 */
static void test_spapr_max_window(void)
{
    VFIOTestFixture f;
    VFIOGroup *g;

    vfio_test_fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    f.host.cfg.max_window_size = 16 * MiB;
    spapr_tce_table_disable(f.phb->tcet[0]);    /* 1 GiB: over the limit */
    g = vfio_test_attach(&f, 1);
    g_assert_cmpint(create_window(&f, 16, 30), ==, RTAS_OUT_HW_ERROR);
    g_assert_cmpuint(spapr_phb_dma_windows_enabled(f.phb), ==, 0);
    g_assert_cmpuint(container_windows(g), ==, 0);
    g_assert_cmpuint(host_windows(&f), ==, 0);
    g_assert_cmpuint(vfio_container_get_stats(g->container).errors, ==, 1);

    g_assert_cmpint(create_window(&f, 16, 24), ==, RTAS_OUT_SUCCESS);
    g_assert_cmphex(rtas_ld(RETS_GPA, 1), ==, LIOBN0);
    g_assert_cmpuint(container_windows(g), ==, 1);
    g_assert_cmpuint(host_windows(&f), ==, 1);
    /* trial create + remove, then the real create */
    g_assert_cmpuint(vfio_soft_get_counters(f.host.soft,
                                            VFIO_SOFT_OP_ADD_WINDOW).calls,
                     ==, 3);
    vfio_group_put(g);
    vfio_test_fixture_free(&f);
}

/* sPAPR v2 with both slots taken: the third window never reaches the host. */
static void test_spapr_no_slot(void)
{
    VFIOTestFixture f;
    VFIOGroup *g;
    Error *err = NULL;

    vfio_test_fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    g = vfio_test_attach(&f, 1);
    g_assert_cmpint(create_window(&f, 16, 24), ==, RTAS_OUT_SUCCESS);
    /* a third window of the same address space (a test-made one) */
    g_assert_false(memory_region_iommu_check_window(
        spapr_tce_get_iommu(f.phb->tcet[1]), 1ULL << 60,
        &f.phb->tcet[1]->iommu, 64 * KiB, 4 * KiB, false,
        &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: window tce-iommu-80000001 "
                    "[0x1000000000000000, 0x100000000000ffff] "
                    "(size 0x10000, TCE page 0x1000): the host has no free "
                    "DMA window slot (2 of 2 in use)");
    error_free(err);
    vfio_group_put(g);
    vfio_test_fixture_free(&f);
}

/* ---- the event -------------------------------------------------------- */

static unsigned count_events(const char *s)
{
    unsigned n = 0;

    while ((s = strstr(s, "\"VFIO_WINDOW_BROKEN\""))) {
        n++;
        s++;
    }
    return n;
}

static void out_append(void *opaque, const char *buf, size_t len)
{
    g_string_append_len(opaque, buf, len);
}

/*
 * A host with one-level tables: ibm,reset-pe-dma-window (a 1 GiB default
 * window of 4 KiB pages needs two) fails and changes nothing; a PHB DMA reset (cannot fail) brings
 * the window back broken and sends one VFIO_WINDOW_BROKEN.
 */
static void test_reset_refused_and_event(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    MonitorQMP *qmp = monitor_qmp_new(out_append, out);
    static const char caps[] = "{\"execute\": \"qmp_capabilities\"}";
    const char *ev;
    VFIOTestFixture f;
    VFIOGroup *g;

    monitor_qmp_open(qmp);
    monitor_qmp_feed(qmp, caps, strlen(caps));
    vfio_test_fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    f.host.cfg.max_levels = 1;                  /* 1 GiB of 4 KiB: 2 */
    spapr_tce_table_disable(f.phb->tcet[0]);
    g = vfio_test_attach(&f, 1);
    g_assert_cmpint(create_window(&f, 16, 24), ==, RTAS_OUT_SUCCESS);
    g_string_truncate(out, 0);

    /* (with no window left, the create took LIOBN0 at bus 0) */
    g_assert_cmpint(reset_windows(&f), ==, RTAS_OUT_HW_ERROR);
    g_assert_cmpuint(f.phb->tcet[0]->page_shift, ==, 16);
    g_assert_cmpuint(f.phb->tcet[0]->nb_table, ==, 256);
    g_assert_false(spapr_tce_table_enabled(f.phb->tcet[1]));
    g_assert_cmpuint(host_windows(&f), ==, 1);
    g_assert_cmpuint(out->len, ==, 0);

    spapr_phb_dma_reset(f.phb);
    g_assert_cmpuint(f.phb->tcet[0]->page_shift, ==, 12);
    g_assert_cmpuint(f.phb->tcet[0]->nb_table, ==, 262144);
    g_assert_cmpuint(host_windows(&f), ==, 0);
    ev = out->str;
    g_assert_true(g_str_has_prefix(ev,
        "{\"event\": \"VFIO_WINDOW_BROKEN\", \"data\": {"
        "\"address-space\": \"pci@800000020000000\", \"container\": 0, "
        "\"window\": \"tce-iommu-80000000\", \"bus-start\": 0, "
        "\"size\": 1073741824, \"error\": \"vfio: window tce-iommu-80000000 "
        "[0x0, 0x3fffffff] (size 0x40000000, TCE page 0x1000): a host "
        "window of 0x40000000 bytes with 0x1000 pages needs 2 table levels, "
        "the host allows 1\"}, \"timestamp\": {"));
    /* once, and not again for a put on it */
    g_assert_cmpuint(count_events(out->str), ==, 1);
    g_assert_cmpint(vfio_test_put(&f, LIOBN0, 0, DATA_GPA | TCE_RW), ==, H_HARDWARE);
    g_assert_cmpuint(count_events(out->str), ==, 1);
    g_assert_cmpuint(host_mappings(&f), ==, 0);
    vfio_group_put(g);
    vfio_test_fixture_free(&f);
    monitor_qmp_free(qmp);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    spapr_tce_monitor_init();
    vfio_monitor_init();
    g_test_add_func("/vfio-window-check/type1v2/ddw-outside-ranges",
                    test_type1_ddw_refused);
    g_test_add_func("/vfio-window-check/spapr/max-window",
                    test_spapr_max_window);
    g_test_add_func("/vfio-window-check/spapr/no-slot", test_spapr_no_slot);
    g_test_add_func("/vfio-window-check/reset/refused-then-event",
                    test_reset_refused_and_event);
    return g_test_run();
}
