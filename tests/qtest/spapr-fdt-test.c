/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's device tree as the binary writes it: -M pseries,dumpdtb=F
 * at start-up, QMP/HMP dumpdtb later (docs/user/device-tree.md).
 */

#include "qemu/osdep.h"
#include "fdt-check.h"
#include "libqtest.h"

#define PHB0 "/pci@800000020000000"
#define PHB1 "/pci@800000020000001"
#define PHB5 "/pci@800000020000005"

/* ---- helpers ---- */

/* Run the binary with -M pseries,dumpdtb=FILE @extra; return the blob. */
static void *dumpdtb_at_start(const char *extra)
{
    g_autofree char *dir = g_dir_make_tmp("spapr-fdt-test-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "start.dtb", NULL);
    g_autofree char *args = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *want = NULL;
    char *blob;
    gsize len;

    g_assert_nonnull(dir);
    args = g_strdup_printf("-M pseries,dumpdtb=%s -nodefaults -accel qtest %s",
                           file, extra ? extra : "");
    g_assert_cmpint(qtest_run_binary(args, &out, &err), ==, 0);
    want = g_strdup_printf("spapr-iommu: info: dtb dumped to %s. Exiting.\n",
                           file);
    g_assert_cmpstr(err, ==, want);
    g_assert_cmpstr(out, ==, "");

    g_assert_true(g_file_get_contents(file, &blob, &len, NULL));
    g_assert_cmpint(fdt_check_header(blob), ==, 0);
    g_assert_cmpuint(fdt_totalsize(blob), ==, len);
    g_assert_cmpint(unlink(file), ==, 0);
    g_assert_cmpint(rmdir(dir), ==, 0);
    return blob;
}

/* QMP dumpdtb into a temporary file; return the blob. */
static void *dumpdtb_qmp(QTestState *s)
{
    g_autofree char *dir = g_dir_make_tmp("spapr-fdt-test-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "qmp.dtb", NULL);
    char *blob;
    gsize len;

    g_assert_nonnull(dir);
    qtest_qmp_assert_success(s, "{\"execute\": \"dumpdtb\", \"arguments\": "
                             "{\"filename\": \"%s\"}}", file);
    g_assert_true(g_file_get_contents(file, &blob, &len, NULL));
    g_assert_cmpint(fdt_check_header(blob), ==, 0);
    g_assert_cmpuint(fdt_totalsize(blob), ==, len);
    g_assert_cmpint(unlink(file), ==, 0);
    g_assert_cmpint(rmdir(dir), ==, 0);
    return blob;
}

static int node_of(const void *fdt, const char *path)
{
    int node = fdt_path_offset(fdt, path);

    if (node < 0) {
        g_test_message("%s: %s", path, fdt_strerror(node));
    }
    g_assert_cmpint(node, >=, 0);
    return node;
}

/* The shared checks (tests/include/fdt-check.h), by node path. */
#define ASSERT_CELLS(fdt, path, name, ...) \
    FDT_CHECK_CELLS((fdt), node_of((fdt), (path)), (name), __VA_ARGS__)
#define ASSERT_STRING(fdt, path, name, str) \
    fdt_check_string((fdt), node_of((fdt), (path)), (name), (str))

static void assert_absent(const void *fdt, const char *path, const char *name)
{
    fdt_check_absent(fdt, node_of(fdt, path), name);
}

/* Property @name of @path is exactly @len bytes of @bytes (string lists). */
static void assert_bytes(const void *fdt, const char *path, const char *name,
                         const void *bytes, int len)
{
    int got;
    const void *val = fdt_getprop(fdt, node_of(fdt, path), name, &got);

    g_assert_nonnull(val);
    g_assert_cmpmem(val, got, bytes, len);
}

/* Byte-compare node @path (properties and subnodes) in two trees. */
static void assert_same_node(const void *a, const void *b, const char *path)
{
    int na = node_of(a, path), nb = node_of(b, path);
    int off, count = 0;

    fdt_for_each_property_offset(off, a, na) {
        const char *name;
        int la, lb;
        const void *va = fdt_getprop_by_offset(a, off, &name, &la);
        const void *vb = fdt_getprop(b, nb, name, &lb);

        g_assert_nonnull(vb);
        g_assert_cmpmem(va, la, vb, lb);
        count++;
    }
    fdt_for_each_property_offset(off, b, nb) {
        count--;
    }
    g_assert_cmpint(count, ==, 0);
    fdt_for_each_subnode(off, a, na) {
        g_autofree char *sub = g_strdup_printf("%s/%s", path,
                                               fdt_get_name(a, off, NULL));

        assert_same_node(a, b, sub);
        count++;
    }
    fdt_for_each_subnode(off, b, nb) {
        count--;
    }
    g_assert_cmpint(count, ==, 0);
}

/* ---- tests ---- */

static void test_start_root(void)
{
    g_autofree void *fdt = dumpdtb_at_start("-m 2G");

    ASSERT_STRING(fdt, "/", "model", "IBM pSeries (emulated by qemu)");
    ASSERT_STRING(fdt, "/", "compatible", "qemu,pseries");
    ASSERT_STRING(fdt, "/", "device_type", "chrp");
    ASSERT_CELLS(fdt, "/", "#address-cells", 2);
    ASSERT_CELLS(fdt, "/", "#size-cells", 2);
    ASSERT_STRING(fdt, "/memory@0", "device_type", "memory");
    ASSERT_CELLS(fdt, "/memory@0", "reg", 0, 0, 0, 0x80000000);
    node_of(fdt, "/chosen");
}

static void test_start_rtas(void)
{
    g_autofree void *fdt = dumpdtb_at_start(NULL);
    static const char hypertas[] = "hcall-tce\0hcall-multi-tce";

    ASSERT_CELLS(fdt, "/rtas", "get-time-of-day", 0x2001);
    assert_bytes(fdt, "/rtas", "ibm,hypertas-functions", hypertas,
                 sizeof(hypertas));
    ASSERT_CELLS(fdt, "/rtas", "rtas-version", 1);
    ASSERT_CELLS(fdt, "/rtas", "rtas-size", 0x82c);
    assert_absent(fdt, "/rtas", "no-such-call");
}

static void test_start_rtas_ddw_tokens(void)
{
    g_autofree void *fdt = dumpdtb_at_start(NULL);

    ASSERT_CELLS(fdt, "/rtas", "ibm,query-pe-dma-window", 0x2026);
    ASSERT_CELLS(fdt, "/rtas", "ibm,create-pe-dma-window", 0x2027);
    ASSERT_CELLS(fdt, "/rtas", "ibm,remove-pe-dma-window", 0x2028);
    ASSERT_CELLS(fdt, "/rtas", "ibm,reset-pe-dma-window", 0x2029);
}

static void assert_phb_common(const void *fdt, const char *phb)
{
    fdt_check_phb_fixed(fdt, node_of(fdt, phb));
}

static void test_start_default_phb(void)
{
    g_autofree void *fdt = dumpdtb_at_start(NULL);

    assert_phb_common(fdt, PHB0);
    ASSERT_CELLS(fdt, PHB0, "reg", 0x8000000, 0x20000000, 0, 0);
    ASSERT_CELLS(fdt, PHB0, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00000000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2000, 0x80000000, 0, 0x80000000,
                 0x03000000, 0x2100, 0, 0x2100, 0, 0x100, 0);
    ASSERT_CELLS(fdt, PHB0, "ibm,dma-window", 0x80000000, 0, 0, 0, 0x40000000);
    ASSERT_CELLS(fdt, PHB0, "ibm,ddw-applicable", 0x2026, 0x2027, 0x2028);
    ASSERT_CELLS(fdt, PHB0, "ibm,ddw-extensions", 0x2, 0x2029, 0x1);
    ASSERT_CELLS(fdt, PHB0, "ibm,my-drc-index", 0x20000000);
}

static void test_start_phb_ddw_off(void)
{
    g_autofree void *fdt =
        dumpdtb_at_start("-device spapr-pci-host-bridge,index=1,ddw=off");

    assert_phb_common(fdt, PHB1);
    ASSERT_CELLS(fdt, PHB1, "reg", 0x8000000, 0x20000001, 0, 0);
    ASSERT_CELLS(fdt, PHB1, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00010000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2001, 0x00000000, 0, 0x80000000,
                 0x03000000, 0x2200, 0, 0x2200, 0, 0x100, 0);
    ASSERT_CELLS(fdt, PHB1, "ibm,dma-window", 0x80000100, 0, 0, 0, 0x40000000);
    assert_absent(fdt, PHB1, "ibm,ddw-applicable");
    assert_absent(fdt, PHB1, "ibm,ddw-extensions");
    ASSERT_CELLS(fdt, PHB1, "ibm,my-drc-index", 0x20000001);
    /* The default PHB is unchanged. */
    ASSERT_CELLS(fdt, PHB0, "ibm,ddw-applicable", 0x2026, 0x2027, 0x2028);
}

static void test_start_phb_custom_window(void)
{
    g_autofree void *fdt = dumpdtb_at_start(
        "-device spapr-pci-host-bridge,index=1,dma_win_addr=0x10000000,"
        "dma_win_size=0x20000000,mem64_win_size=0 "
        "-device spapr-pci-host-bridge,index=2,dma_win_size=0x100000000");

    ASSERT_CELLS(fdt, PHB1, "ibm,dma-window",
                 0x80000100, 0, 0x10000000, 0, 0x20000000);
    ASSERT_CELLS(fdt, PHB1, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00010000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2001, 0x00000000, 0, 0x80000000);
    /* QEMU 7.2 says size 0 here; the full 4 GiB is written. */
    ASSERT_CELLS(fdt, "/pci@800000020000002", "ibm,dma-window",
                 0x80000200, 0, 0, 1, 0);
}

static void test_start_dumpdtb_write_error(void)
{
    g_autofree char *err = NULL;

    g_assert_cmpint(qtest_run_binary("-M pseries,dumpdtb=/nonexistent-dir/x.dtb "
                                     "-nodefaults", NULL, &err), ==, 1);
    g_assert_true(g_str_has_prefix(err, "spapr-iommu: Error saving FDT to "
                                   "file /nonexistent-dir/x.dtb: "));
    /* One line. */
    g_assert_cmpint(strchr(err, '\n') - err, ==, strlen(err) - 1);
}

/* QMP dumpdtb writes the tree of the last reset: same as at start-up. */
static void test_qmp_same_as_start(void)
{
    g_autofree void *start = dumpdtb_at_start(NULL);
    QTestState *s = qtest_init("-M pseries -nodefaults");
    g_autofree void *now = dumpdtb_qmp(s);

    g_assert_cmpmem(now, fdt_totalsize(now), start, fdt_totalsize(start));
    qtest_quit(s);
}

static void test_qmp_errors(void)
{
    QTestState *s = qtest_init("-M pseries");
    JsonObject *rsp;
    JsonObject *error;

    rsp = qtest_qmp(s, "{\"execute\": \"dumpdtb\", \"arguments\": "
                    "{\"filename\": \"/nonexistent-dir/x.dtb\"}}");
    error = json_object_get_object_member(rsp, "error");
    g_assert_nonnull(error);
    g_assert_cmpstr(json_object_get_string_member(error, "class"), ==,
                    "GenericError");
    g_assert_true(g_str_has_prefix(
        json_object_get_string_member(error, "desc"),
        "Error saving FDT to file /nonexistent-dir/x.dtb: "));
    json_object_unref(rsp);

    rsp = qtest_qmp(s, "{\"execute\": \"dumpdtb\"}");
    error = json_object_get_object_member(rsp, "error");
    g_assert_nonnull(error);
    g_assert_cmpstr(json_object_get_string_member(error, "desc"), ==,
                    "Parameter 'filename' is missing");
    json_object_unref(rsp);
    qtest_quit(s);
}

static void test_hmp(void)
{
    g_autofree char *dir = g_dir_make_tmp("spapr-fdt-test-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "hmp.dtb", NULL);
    g_autofree char *want = g_strdup_printf("dtb dumped to %s\r\n", file);
    g_autofree char *blob = NULL;
    QTestState *s = qtest_init("-M pseries");
    char *out;
    gsize len;

    out = qtest_hmp(s, "dumpdtb %s", file);
    g_assert_cmpstr(out, ==, want);
    g_free(out);
    g_assert_true(g_file_get_contents(file, &blob, &len, NULL));
    g_assert_cmpint(fdt_check_header(blob), ==, 0);
    g_assert_cmpuint(fdt_totalsize(blob), ==, len);

    out = qtest_hmp(s, "dumpdtb /nonexistent-dir/x.dtb");
    g_assert_true(g_str_has_prefix(out, "Error: Error saving FDT to file "
                                   "/nonexistent-dir/x.dtb: "));
    g_free(out);
    out = qtest_hmp(s, "dumpdtb");
    g_assert_cmpstr(out, ==, "Error: Parameter 'filename' is missing\r\n");
    g_free(out);
    qtest_quit(s);
    g_assert_cmpint(unlink(file), ==, 0);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/* True if the binary offers -device @type. */
static bool have_device(const char *type)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = g_strdup_printf("%s -device help", bin);
    g_autofree char *out = NULL;
    g_autofree char *want = g_strdup_printf("name \"%s\"", type);

    g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
    return strstr(out, want) != NULL;
}

/* A PCI function added with -device gets a node below its PHB. */
static void test_start_pci_child(void)
{
    g_autofree void *fdt = NULL;
    int phb, child, found = 0;

    if (!have_device("iommu-testdev")) {
        g_test_skip("no PCI device type (iommu-testdev) in this build");
        return;
    }
    fdt = dumpdtb_at_start("-device iommu-testdev,addr=2,bus=pci.0");
    phb = node_of(fdt, PHB0);
    fdt_for_each_subnode(child, fdt, phb) {
        g_autofree char *path = g_strdup_printf(PHB0 "/%s",
                                                fdt_get_name(fdt, child, NULL));

        g_assert_true(g_str_has_suffix(path, "@2"));
        ASSERT_CELLS(fdt, path, "reg", 0x1000, 0, 0, 0, 0);
        ASSERT_CELLS(fdt, path, "ibm,my-drc-index", 0x40000010);
        ASSERT_STRING(fdt, path, "ibm,loc-code",
                      "qemu_iommu-testdev:0000:00:02.0");
        /* iommu-testdev: 1b36:0105 rev 1, class 0xff0000 (others) */
        ASSERT_CELLS(fdt, path, "vendor-id", 0x1b36);
        ASSERT_CELLS(fdt, path, "device-id", 0x0105);
        ASSERT_CELLS(fdt, path, "revision-id", 0x01);
        ASSERT_CELLS(fdt, path, "class-code", 0xff0000);
        assert_absent(fdt, path, "ibm,dma-window");
        found++;
    }
    g_assert_cmpint(found, ==, 1);
}

/*
 * DDW create and removal of the default window change the windows, not the
 * tree: it shows the default window from the PHB's properties before and
 * after system_reset, byte for byte as at start-up.
 */
static void test_qmp_after_ddw_and_reset(void)
{
    g_autofree void *start = dumpdtb_at_start(
        "-device spapr-pci-host-bridge,index=1,ddw=off");
    QTestState *s = qtest_init("-M pseries "
                               "-device spapr-pci-host-bridge,index=1,ddw=off");
    const uint32_t create[] = { 0, 0x8000000, 0x20000000, 16, 30 };
    const uint32_t remove[] = { 0x80000000 };
    g_autofree void *before_reset = NULL;
    g_autofree void *after_reset = NULL;
    uint32_t rets[4];
    JsonObject *rsp;
    JsonArray *tables;

    g_assert_cmpint(qtest_rtas_call(s, "ibm,create-pe-dma-window", 5, create,
                                    4, rets), ==, 0);
    g_assert_cmpint(rets[0], ==, 0);
    g_assert_cmphex(rets[1], ==, 0x80000001);
    g_assert_cmphex(rets[2], ==, 0x08000000);
    g_assert_cmphex(rets[3], ==, 0);
    g_assert_cmpint(qtest_rtas_call(s, "ibm,remove-pe-dma-window", 1, remove,
                                    1, rets), ==, 0);
    g_assert_cmpint(rets[0], ==, 0);
    /* Only the DDW is left. */
    rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", "
                    "\"arguments\": {\"liobn\": 2147483648}}");
    tables = json_object_get_array_member(rsp, "return");
    g_assert_cmpuint(json_array_get_length(tables), ==, 1);
    g_assert_false(json_object_get_boolean_member(
        json_array_get_object_element(tables, 0), "enabled"));
    json_object_unref(rsp);

    before_reset = dumpdtb_qmp(s);
    assert_same_node(before_reset, start, PHB0);
    assert_same_node(before_reset, start, PHB1);

    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
    after_reset = dumpdtb_qmp(s);
    assert_same_node(after_reset, start, PHB0);
    assert_same_node(after_reset, start, PHB1);
    g_assert_cmpmem(after_reset, fdt_totalsize(after_reset),
                    start, fdt_totalsize(start));
    qtest_quit(s);
}

/*
 * A PHB hot-added with device_add is in the tree built at the next reset,
 * with its own index fields; after device_del and a reset it is gone.
 * The tree itself is only rebuilt at reset.
 */
static void test_qmp_hotplug_phb(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults");
    g_autofree void *before = NULL;
    g_autofree void *plugged = NULL;
    g_autofree void *unplugged = NULL;
    g_autofree void *start = dumpdtb_at_start(
        "-device spapr-pci-host-bridge,index=5");

    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"spapr-pci-host-bridge\", "
                             "\"index\": \"5\", \"id\": \"phb5\"}}");
    before = dumpdtb_qmp(s);
    g_assert_cmpint(fdt_path_offset(before, PHB5), ==, -FDT_ERR_NOTFOUND);

    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
    plugged = dumpdtb_qmp(s);
    assert_phb_common(plugged, PHB5);
    ASSERT_CELLS(plugged, PHB5, "reg", 0x8000000, 0x20000005, 0, 0);
    ASSERT_CELLS(plugged, PHB5, "ranges",
                 0x01000000, 0, 0, 0x2000, 0x00050000, 0, 0x10000,
                 0x02000000, 0, 0x80000000, 0x2003, 0x00000000, 0, 0x80000000,
                 0x03000000, 0x2600, 0, 0x2600, 0, 0x100, 0);
    ASSERT_CELLS(plugged, PHB5, "ibm,dma-window",
                 0x80000500, 0, 0, 0, 0x40000000);
    ASSERT_CELLS(plugged, PHB5, "ibm,my-drc-index", 0x20000005);
    /* byte for byte what a cold-plugged index 5 gets */
    assert_same_node(plugged, start, PHB5);
    assert_same_node(plugged, start, PHB0);

    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"phb5\"}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
    unplugged = dumpdtb_qmp(s);
    g_assert_cmpint(fdt_path_offset(unplugged, PHB5), ==, -FDT_ERR_NOTFOUND);
    g_assert_cmpmem(unplugged, fdt_totalsize(unplugged),
                    before, fdt_totalsize(before));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spapr-fdt/start/root", test_start_root);
    g_test_add_func("/spapr-fdt/start/rtas", test_start_rtas);
    g_test_add_func("/spapr-fdt/start/write-error",
                    test_start_dumpdtb_write_error);
    g_test_add_func("/spapr-fdt/qmp/same-as-start", test_qmp_same_as_start);
    g_test_add_func("/spapr-fdt/qmp/errors", test_qmp_errors);
    g_test_add_func("/spapr-fdt/hmp", test_hmp);
    g_test_add_func("/spapr-fdt/start/rtas-ddw-tokens",
                    test_start_rtas_ddw_tokens);
    g_test_add_func("/spapr-fdt/start/default-phb", test_start_default_phb);
    g_test_add_func("/spapr-fdt/start/phb-ddw-off", test_start_phb_ddw_off);
    g_test_add_func("/spapr-fdt/start/phb-custom-window",
                    test_start_phb_custom_window);
    g_test_add_func("/spapr-fdt/start/pci-child", test_start_pci_child);
    g_test_add_func("/spapr-fdt/qmp/after-ddw-and-reset",
                    test_qmp_after_ddw_and_reset);
    g_test_add_func("/spapr-fdt/qmp/hotplug-phb", test_qmp_hotplug_phb);
    return g_test_run();
}
