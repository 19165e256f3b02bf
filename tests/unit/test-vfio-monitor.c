/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of hw/vfio/vfio-monitor.c: x-query-vfio and "info vfio" on a
 * pseries machine's default PHB with groups on soft host IOMMUs, checked
 * as exact JSON and text.
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
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "system/system.h"
#include "vfio-test-fixture.h"

#define KiB (1ULL << 10)
#define GiB (1ULL << 30)
#define LIST_GPA        0x100000ULL
#define DATA_GPA        0x1000000ULL
#define DMA64           (1ULL << 59)
#define LIOBN0          0x80000000U
#define LIOBN1          0x80000001U
#define TCE_RW          3ULL
#define TCE_RO          1ULL

/* The shared fixture, with type1v2 taking the whole 64-bit space (windows
 * above 2^63 fit). */
static void fixture_init(VFIOTestFixture *f, VFIOIOMMUType type)
{
    vfio_test_fixture_init(f, type);
    if (type == VFIO_IOMMU_TYPE1V2) {
        f->host.cfg.nr_iova_ranges = 1;
        f->host.cfg.iova_ranges[0] = (VFIOIOVARange) { 0, UINT64_MAX };
    }
}

static target_ulong indirect(VFIOTestFixture *f, uint32_t liobn, uint64_t ioba,
                             uint64_t tce, uint64_t step, unsigned n)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { liobn, ioba, LIST_GPA, n };
    uint64_t list[SPAPR_TCE_INDIRECT_MAX];

    for (unsigned i = 0; i < n; i++) {
        list[i] = GUINT64_TO_BE(tce + i * step);
    }
    g_assert_cmpint(address_space_write(&address_space_memory, LIST_GPA, list,
                                        n * sizeof(uint64_t)), ==, MEMTX_OK);
    return spapr_hypercall(f->spapr, H_PUT_TCE_INDIRECT, args);
}

/* x-query-vfio with @args (JSON text or NULL): the reply or error text. */
static char *query(const char *args, bool ok)
{
    g_autoptr(JsonNode) a = args ? qmp_json_parse(args, strlen(args),
                                                  &error_abort) : NULL;
    JsonNode *ret = NULL;
    Error *err = NULL;
    char *out;

    if (!qmp_command_call("x-query-vfio", a ? json_node_get_object(a) : NULL,
                          &ret, &err)) {
        g_assert_false(ok);
        out = g_strdup(error_get_pretty(err));
        error_free(err);
        return out;
    }
    g_assert_true(ok);
    out = qmp_to_json(ret);
    json_node_unref(ret);
    return out;
}

static char *info_vfio(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    Monitor *mon = monitor_new_gstring(out);

    hmp_handle_line(mon, "info vfio");
    monitor_free(mon);
    return g_strdup(out->str);
}

/* ---- tests ---------------------------------------------------------------- */

/* No machine at all (-machine none), and a machine without containers. */
static void test_empty(void)
{
    g_autofree char *none = NULL, *txt = NULL, *mach = NULL;
    VFIOTestFixture f;

    memory_map_init();
    none = query(NULL, true);
    g_assert_cmpstr(none, ==, "[]");
    txt = info_vfio();
    g_assert_cmpstr(txt, ==, "No VFIO containers\r\n");
    memory_map_cleanup();

    fixture_init(&f, VFIO_IOMMU_TYPE1V2);
    mach = query(NULL, true);
    g_assert_cmpstr(mach, ==, "[]");
    vfio_test_fixture_free(&f);
}

static void test_errors(void)
{
    g_autofree char *e1 = query("{\"count\": 0}", false);
    g_autofree char *e2 = query("{\"count\": 4097}", false);
    g_autofree char *e3 = query("{\"start\": \"x\"}", false);
    g_autofree char *e4 = query("{\"bogus\": 1}", false);

    g_assert_cmpstr(e1, ==, "Parameter 'count' must be between 1 and 4096");
    g_assert_cmpstr(e2, ==, "Parameter 'count' must be between 1 and 4096");
    g_assert_cmpstr(e3, ==, "Parameter 'start' expects uint64");
    g_assert_cmpstr(e4, ==, "Parameter 'bogus' is unexpected");
}

/*
 * type1v2: a DDW above 2^63 (uint64 values), mappings coalesced by one
 * H_PUT_TCE_INDIRECT, a read-only one, counters, the hardware read-back.
 */
static void test_type1(void)
{
    const uint64_t high = 0x8000000000000000ULL;
    g_autofree char *all = NULL, *page = NULL, *txt = NULL;
    VFIOTestFixture f;
    VFIOGroup *g;

    fixture_init(&f, VFIO_IOMMU_TYPE1V2);
    g = vfio_test_attach(&f, 7);
    g_assert_true(spapr_tce_table_enable(f.phb->tcet[1], 16, high, 0x10,
                                         &error_abort));
    g_assert_cmpint(indirect(&f, LIOBN0, 0x2000, DATA_GPA | TCE_RW, 4 * KiB,
                             3), ==, H_SUCCESS);
    g_assert_cmpint(vfio_test_put(&f, LIOBN1, high + 0x10000, DATA_GPA | TCE_RO), ==,
                    H_SUCCESS);
    all = query(NULL, true);
    g_assert_cmpstr(all, ==,
        "[{\"address-space\": \"pci@800000020000000\", \"container\": 0, "
        "\"backend\": \"soft\", \"iommu-type\": \"type1v2\", "
        "\"groups\": [{\"group\": 7, \"devices\": []}], "
        "\"windows\": [{\"name\": \"tce-iommu-80000000\", \"bus-start\": 0, "
        "\"size\": 1073741824, \"page-size\": 4096, \"host-window\": false, "
        "\"host-page-size\": 0, \"levels\": 0, \"broken\": false, \"kernel-linked\": false, \"tracked\": true}, "
        "{\"name\": \"tce-iommu-80000001\", "
        "\"bus-start\": 9223372036854775808, \"size\": 1048576, "
        "\"page-size\": 65536, \"host-window\": false, "
        "\"host-page-size\": 0, \"levels\": 0, \"broken\": false, \"kernel-linked\": false, \"tracked\": true}], "
        "\"prereg\": [], "
        "\"stats\": {\"map\": 2, \"unmap\": 0, \"splits\": 0, \"errors\": 0}, "
        "\"nr-mappings\": 2, "
        "\"mappings\": [{\"iova\": 8192, \"size\": 12288, "
        "\"gpa\": 16777216, \"perm\": \"rw\"}, "
        "{\"iova\": 9223372036854841344, \"size\": 65536, "
        "\"gpa\": 16777216, \"perm\": \"r\"}], "
        "\"hardware\": {\"nr-mappings\": 2, "
        "\"mappings\": [{\"iova\": 8192, \"size\": 12288, "
        "\"gpa\": 16777216, \"perm\": \"rw\"}, "
        "{\"iova\": 9223372036854841344, \"size\": 65536, "
        "\"gpa\": 16777216, \"perm\": \"r\"}], "
        "\"windows\": [], \"registered\": []}}]");

    /* paging: from IOVA 0x2001 on, one at most */
    page = query("{\"start\": 8193, \"count\": 1}", true);
    g_assert_nonnull(strstr(page,
        "\"nr-mappings\": 2, \"mappings\": [{\"iova\": 9223372036854841344, "
        "\"size\": 65536, \"gpa\": 16777216, \"perm\": \"r\"}], "
        "\"hardware\": {\"nr-mappings\": 2, \"mappings\": [{\"iova\": "
        "9223372036854841344, "));

    txt = info_vfio();
    g_assert_cmpstr(txt, ==,
        "pci@800000020000000 container 0: backend soft, type type1v2, "
        "groups 7\r\n"
        "  window tce-iommu-80000000 0x0000000000000000 size 0x40000000 "
        "page 0x1000\r\n"
        "  window tce-iommu-80000001 0x8000000000000000 size 0x100000 "
        "page 0x10000\r\n"
        "  mappings 2, map 2 unmap 0 splits 0 errors 0\r\n"
        "  hardware mappings 2\r\n");
    vfio_group_put(g);
    vfio_test_fixture_free(&f);
}

/* sPAPR v2: host windows, pre-registered RAM, and a broken window. */
static void test_spapr(void)
{
    g_autofree char *all = NULL, *txt = NULL;
    VFIOTestFixture f;
    VFIOGroup *g;

    fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    g = vfio_test_attach(&f, 3);
    g_assert_true(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x10,
                                         &error_abort));
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, DATA_GPA | TCE_RW, 64 * KiB,
                             2), ==, H_SUCCESS);
    all = query(NULL, true);
    g_assert_cmpstr(all, ==,
        "[{\"address-space\": \"pci@800000020000000\", \"container\": 0, "
        "\"backend\": \"soft\", \"iommu-type\": \"spapr-tce-v2\", "
        "\"groups\": [{\"group\": 3, \"devices\": []}], "
        "\"windows\": [{\"name\": \"tce-iommu-80000000\", \"bus-start\": 0, "
        "\"size\": 1073741824, \"page-size\": 4096, \"host-window\": true, "
        "\"host-page-size\": 4096, \"levels\": 2, \"broken\": false, \"kernel-linked\": false, \"tracked\": true}, "
        "{\"name\": \"tce-iommu-80000001\", "
        "\"bus-start\": 576460752303423488, \"size\": 1048576, "
        "\"page-size\": 65536, \"host-window\": true, "
        "\"host-page-size\": 4096, \"levels\": 1, \"broken\": false, \"kernel-linked\": false, \"tracked\": true}], "
        "\"prereg\": [{\"gpa\": 0, \"size\": 1073741824, \"users\": 1}], "
        "\"stats\": {\"map\": 1, \"unmap\": 0, \"splits\": 0, \"errors\": 0}, "
        "\"nr-mappings\": 1, "
        "\"mappings\": [{\"iova\": 576460752303423488, \"size\": 131072, "
        "\"gpa\": 16777216, \"perm\": \"rw\"}], "
        "\"hardware\": {\"nr-mappings\": 1, "
        "\"mappings\": [{\"iova\": 576460752303423488, \"size\": 131072, "
        "\"gpa\": 16777216, \"perm\": \"rw\"}], "
        "\"windows\": [{\"slot\": 0, \"start\": 0, \"size\": 1073741824, "
        "\"page-size\": 4096, \"levels\": 2}, "
        "{\"slot\": 1, \"start\": 576460752303423488, \"size\": 1048576, "
        "\"page-size\": 4096, \"levels\": 1}], "
        "\"registered\": [{\"gpa\": 0, \"size\": 1073741824}]}}]");
    txt = info_vfio();
    g_assert_cmpstr(txt, ==,
        "pci@800000020000000 container 0: backend soft, type spapr-tce-v2, "
        "groups 3\r\n"
        "  window tce-iommu-80000000 0x0000000000000000 size 0x40000000 "
        "page 0x1000 host page 0x1000 levels 2\r\n"
        "  window tce-iommu-80000001 0x0800000000000000 size 0x100000 "
        "page 0x10000 host page 0x1000 levels 1\r\n"
        "  mappings 1, map 1 unmap 0 splits 0 errors 0\r\n"
        "  pre-registered ranges 1\r\n"
        "  hardware mappings 1\r\n");
    vfio_group_put(g);
    vfio_test_fixture_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vfio_monitor_init();
    g_test_add_func("/vfio-monitor/query/empty", test_empty);
    g_test_add_func("/vfio-monitor/query/errors", test_errors);
    g_test_add_func("/vfio-monitor/query/type1v2", test_type1);
    g_test_add_func("/vfio-monitor/query/spapr-tce-v2", test_spapr);
    return g_test_run();
}
