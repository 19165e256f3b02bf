/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -object, object-add / object-del (QMP and HMP), /objects in the QOM tree,
 * and the vfio-soft-host monitor commands, with exact replies and errors.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "libqtest.h"

static void assert_qmp(QTestState *s, const char *json, const char *expected)
{
    g_autofree char *reply = qtest_qmp_raw(s, json);

    g_assert_cmpstr(reply, ==, expected);
}

static void assert_hmp(QTestState *s, const char *cmd, const char *expected)
{
    g_autofree char *out = qtest_hmp_text(s, cmd);

    g_assert_cmpstr(out, ==, expected);
}

#define ERR(text) "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" \
                  text "\"}}"

/* Exit 1 with exactly "spapr-iommu: @line" on stderr. */
static void expect_start_error(const char *args, const char *line)
{
    g_autofree char *want = g_strdup_printf("spapr-iommu: %s\n", line);
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(qtest_run_binary(args, &out, &err), ==, 1);
    g_assert_cmpstr(err, ==, want);
}

static void test_cmdline(void)
{
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(qtest_run_binary("-object help", &out, &err), ==, 0);
    g_assert_cmpstr(out, ==, "List of user creatable objects:\n"
                    "  vfio-soft-host\n");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(qtest_run_binary("-object vfio-soft-host,help", &out,
                                     &err), ==, 0);
    g_assert_true(g_str_has_prefix(out, "vfio-soft-host options:\n"));
    expect_start_error("-object nope,help",
                       "-object nope,help: invalid object type: nope");
    expect_start_error("-object nope,id=a",
                       "-object nope,id=a: invalid object type: nope");
    expect_start_error("-object vfio-soft-host,iommu-type=type1v2",
                       "-object vfio-soft-host,iommu-type=type1v2: "
                       "Parameter 'id' is missing");
    expect_start_error("-object vfio-soft-host,id=h0",
                       "-object vfio-soft-host,id=h0: vfio-soft-host 'h0': "
                       "iommu-type is required (type1v2 or spapr-tce-v2)");
    expect_start_error("-object vfio-soft-host,id=h0,iommu-type=type1v2 "
                       "-object vfio-soft-host,id=h0,iommu-type=type1v2",
                       "-object vfio-soft-host,id=h0,iommu-type=type1v2: "
                       "attempt to add duplicate property 'h0' to object "
                       "(type 'container')");
}

static void test_qmp(void)
{
    QTestState *s = qtest_init("-object vfio-soft-host,id=h0,"
                               "iommu-type=spapr-tce-v2,max-window=1T");

    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/objects/h0\", \"property\": \"max-window\"}}",
               "{\"return\": \"1T\"}");
    assert_qmp(s, "{\"execute\": \"object-add\", \"arguments\": "
               "{\"qom-type\": \"vfio-soft-host\", \"id\": \"h1\", "
               "\"iommu-type\": \"type1v2\", \"dma-entry-limit\": 100, "
               "\"iova-ranges\": \"0x0-0xfedfffff:0xfef00000-0x7fffffffff\"}}",
               "{\"return\": {}}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/objects/h1\", \"property\": \"dma-entry-limit\"}}",
               "{\"return\": 100}");
    assert_qmp(s, "{\"execute\": \"object-add\", \"arguments\": "
               "{\"qom-type\": \"vfio-soft-host\", \"id\": \"h1\", "
               "\"iommu-type\": \"type1v2\"}}",
               ERR("attempt to add duplicate property 'h1' to object "
                   "(type 'container')"));
    assert_qmp(s, "{\"execute\": \"object-add\", \"arguments\": "
               "{\"qom-type\": \"nope\", \"id\": \"x\"}}",
               ERR("invalid object type: nope"));
    assert_qmp(s, "{\"execute\": \"object-add\", \"arguments\": "
               "{\"qom-type\": \"vfio-soft-host\"}}",
               ERR("Parameter 'id' is missing"));
    assert_qmp(s, "{\"execute\": \"object-add\", \"arguments\": "
               "{\"qom-type\": \"spapr-pci-host-bridge\", \"id\": \"x\"}}",
               ERR("object type 'spapr-pci-host-bridge' isn't supported by "
                   "object-add"));
    assert_qmp(s, "{\"execute\": \"x-query-vfio-soft\", \"arguments\": "
               "{\"id\": \"h1\"}}",
               "{\"return\": {\"id\": \"h1\", \"iommu-type\": \"type1v2\", "
               "\"host-ram\": [], \"instances\": []}}");
    assert_qmp(s, "{\"execute\": \"x-query-vfio-soft\", \"arguments\": "
               "{\"id\": \"nope\"}}", ERR("object 'nope' not found"));
    assert_qmp(s, "{\"execute\": \"x-vfio-soft-fault\", \"arguments\": "
               "{\"id\": \"h0\", \"op\": \"map\", \"nth\": 1, "
               "\"errno\": \"EIO\"}}",
               ERR("vfio-soft-host 'h0' has no IOMMU instance yet (arm "
                   "faults for new ones with its 'fail' property)"));
    assert_qmp(s, "{\"execute\": \"x-vfio-soft-fault\", \"arguments\": "
               "{\"id\": \"h0\", \"op\": \"mop\", \"nth\": 1}}",
               ERR("unknown op 'mop' (setup, info, window-create, "
                   "window-remove, map, unmap, register or unregister)"));
    assert_qmp(s, "{\"execute\": \"object-del\", \"arguments\": "
               "{\"id\": \"h1\"}}", "{\"return\": {}}");
    assert_qmp(s, "{\"execute\": \"object-del\", \"arguments\": "
               "{\"id\": \"h1\"}}", ERR("object 'h1' not found"));
    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"/objects\"}}",
               "{\"return\": [{\"name\": \"h0\", \"type\": \"child<vfio-soft-host>\"}]}");
    qtest_quit(s);
}

static void test_hmp(void)
{
    QTestState *s = qtest_init("-machine none");

    assert_hmp(s, "object_add vfio-soft-host,id=h0,iommu-type=type1v2", "");
    assert_hmp(s, "object_add help", "List of user creatable objects:\n"
               "  vfio-soft-host\n");
    assert_hmp(s, "object_add vfio-soft-host,id=h0,iommu-type=type1v2",
               "Error: attempt to add duplicate property 'h0' to object "
               "(type 'container')\n");
    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"/objects\"}}",
               "{\"return\": [{\"name\": \"h0\", "
               "\"type\": \"child<vfio-soft-host>\"}]}");
    assert_hmp(s, "object_del nope", "Error: object 'nope' not found\n");
    assert_hmp(s, "object_del h0", "");
    assert_hmp(s, "object_del", "object_del: id is required\n");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/object/cmdline", test_cmdline);
    g_test_add_func("/object/qmp", test_qmp);
    g_test_add_func("/object/hmp", test_hmp);
    return g_test_run();
}
