/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What QEMU's generic qtests ask of every binary: -machine none, machine,
 * QOM and PCI introspection over QMP, the HMP commands they run blindly,
 * and QMP numbers above 2^63 - 1 (docs/user/monitor.md).
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "libqtest.h"

#define hmp qtest_hmp_text

#define BUID_HI             0x08000000U
#define BUID_LO(index)      (0x20000000U + (index))
#define CFG                 0x1000U

/* Exact reply text of QMP command @json. */
static void assert_qmp(QTestState *s, const char *json, const char *expected)
{
    g_autofree char *reply = qtest_qmp_raw(s, json);

    g_assert_cmpstr(reply, ==, expected);
}

static void assert_hmp(QTestState *s, const char *cmd, const char *expected)
{
    g_autofree char *out = hmp(s, cmd);

    g_assert_cmpstr(out, ==, expected);
}

static void test_machine_none(void)
{
    QTestState *s = qtest_init("-machine none");
    g_autofree char *reply = NULL;

    assert_qmp(s, "{\"execute\": \"query-pci\"}", "{\"return\": []}");
    assert_qmp(s, "{\"execute\": \"x-query-spapr-tce\"}", "{\"return\": []}");
    assert_hmp(s, "info pci", "");
    assert_hmp(s, "info tce", "LIOBN     window           bus-offset shift "
               "   entries owner  need-vfio      valid      bytes\n");
    assert_hmp(s, "info qom-tree", "/machine (none-machine)\n"
               "  /peripheral (container)\n"
               "  /peripheral-anon (container)\n"
               "  /unattached (container)\n"
               "    /sysbus (System)\n");
    assert_hmp(s, "info mtree", "address-space: memory\n"
               "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
               "\n");
    reply = qtest_line(s, "readl 0x0");
    g_assert_cmpstr(reply, ==, "FAIL readl: access to 0x0+0x4 failed: "
                    "decode error");
    qtest_quit(s);
}

static void test_machine_none_ram(void)
{
    QTestState *s = qtest_init("-machine none -m 2");

    assert_hmp(s, "info mtree", "address-space: memory\n"
               "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
               "    0000000000000000-00000000001fffff (prio 0, ram): ram\n"
               "\n");
    qtest_writel(s, 0x1ffffc, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x1ffffc), ==, 0x12345678);
    qtest_quit(s);
}

static void test_query_machines(void)
{
    QTestState *s = qtest_init("-machine none");

    assert_qmp(s, "{\"execute\": \"query-machines\"}",
               "{\"return\": [{\"name\": \"none\", \"cpu-max\": 1, "
               "\"hotpluggable-cpus\": false, \"numa-mem-supported\": false, "
               "\"deprecated\": false}, {\"name\": \"pseries\", "
               "\"is-default\": true, \"cpu-max\": 1, "
               "\"hotpluggable-cpus\": false, \"numa-mem-supported\": false, "
               "\"deprecated\": false}]}");
    assert_qmp(s, "{\"execute\": \"query-machines\", \"arguments\": "
               "{\"x\": 1}}", "{\"error\": {\"class\": \"GenericError\", "
               "\"desc\": \"Parameter 'x' is unexpected\"}}");
    qtest_quit(s);
}

static void test_qom_list_types(void)
{
    QTestState *s = qtest_init("-machine none");

    assert_qmp(s, "{\"execute\": \"qom-list-types\", \"arguments\": "
               "{\"implements\": \"pci-device\", \"abstract\": true}}",
               "{\"return\": [{\"name\": \"iommu-testdev\", "
               "\"parent\": \"pci-device\"}, {\"name\": \"pci-device\", "
               "\"abstract\": true, \"parent\": \"device\"}, "
               "{\"name\": \"vfio-pci\", \"parent\": \"pci-device\"}]}");
    assert_qmp(s, "{\"execute\": \"qom-list-types\", \"arguments\": "
               "{\"implements\": \"machine\"}}",
               "{\"return\": [{\"name\": \"none-machine\", "
               "\"parent\": \"machine\"}, {\"name\": \"pseries-machine\", "
               "\"parent\": \"machine\"}]}");
    /* Interfaces are abstract and have no parent but "interface". */
    assert_qmp(s, "{\"execute\": \"qom-list-types\", \"arguments\": "
               "{\"implements\": \"interface\", \"abstract\": true}}",
               "{\"return\": [{\"name\": \"System\", \"parent\": \"bus\"}, "
               "{\"name\": \"hotplug-handler\", "
               "\"abstract\": true, \"parent\": \"interface\"}, "
               "{\"name\": \"interface\", \"abstract\": true}, "
               "{\"name\": \"pseries-machine\", \"parent\": \"machine\"}, "
               "{\"name\": \"spapr-pci-host-bridge\", "
               "\"parent\": \"sys-bus-device\"}, "
               "{\"name\": \"user-creatable\", \"abstract\": true, "
               "\"parent\": \"interface\"}, "
               "{\"name\": \"vfio-soft-host\", \"parent\": \"object\"}]}");
    assert_qmp(s, "{\"execute\": \"qom-list-types\", \"arguments\": "
               "{\"implements\": \"nope\"}}", "{\"return\": []}");
    assert_qmp(s, "{\"execute\": \"qom-list-types\", \"arguments\": "
               "{\"abstract\": 1}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Invalid parameter type for 'abstract', expected: "
               "boolean\"}}");
    qtest_quit(s);
}

static void test_qom_list_get(void)
{
    QTestState *s = qtest_init("-machine pseries "
                               "-device iommu-testdev,id=td");

    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"/machine/peripheral\"}}",
               "{\"return\": [{\"name\": \"td\", "
               "\"type\": \"child<iommu-testdev>\"}]}");
    /* A partial path names the one object it leads to. */
    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"td\"}}",
               "{\"return\": [{\"name\": \"addr\", \"type\": \"int32\"}, "
               "{\"name\": \"multifunction\", \"type\": \"bool\"}]}");
    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"/nope\"}}",
               "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
               "\"Device '/nope' not found\"}}");
    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"peripheral-anon\"}}",
               "{\"return\": []}");

    /* Each value typed as QEMU types it. */
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"cap-vsx\"}}",
               "{\"return\": true}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"ic-mode\"}}",
               "{\"return\": \"dual\"}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"max-cpu-compat\"}}",
               "{\"return\": \"\"}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"cap-hpt-max-page-size\"}}",
               "{\"return\": 16777216}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"peripheral\"}}",
               "{\"return\": \"/machine/peripheral\"}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine/unattached/device[0]\", \"property\": "
               "\"numa_node\"}}", "{\"return\": -1}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine/unattached/device[0]\", \"property\": "
               "\"index\"}}", "{\"return\": 0}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"nope\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Property 'pseries-machine.nope' not found\"}}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Parameter 'property' is missing\"}}");

    /* qom-set goes through the property's parser. */
    assert_qmp(s, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"vsmt\", \"value\": 8}}",
               "{\"return\": {}}");
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"vsmt\"}}", "{\"return\": 8}");
    assert_qmp(s, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"vsmt\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Parameter 'value' is missing\"}}");
    assert_qmp(s, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
               "\"td\", \"property\": \"multifunction\", \"value\": true}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Attempt to set property 'multifunction' on device 'td' "
               "(type 'iommu-testdev') after it was realized\"}}");
    qtest_quit(s);
}

/* Every property of every object of both machines reads without error. */
static int check_all_props(QTestState *s, const char *path)
{
    JsonObject *resp = qtest_qmp(s, "{\"execute\": \"qom-list\", "
                                 "\"arguments\": {\"path\": \"%s\"}}", path);
    JsonArray *props = json_object_get_array_member(resp, "return");
    int count = 0;

    for (guint i = 0; i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);
        const char *name = json_object_get_string_member(p, "name");
        const char *type = json_object_get_string_member(p, "type");
        g_autofree char *child = g_strdup_printf("%s/%s",
                                                 strcmp(path, "/") ? path : "",
                                                 name);
        JsonObject *val = qtest_qmp(s, "{\"execute\": \"qom-get\", "
                                    "\"arguments\": {\"path\": \"%s\", "
                                    "\"property\": \"%s\"}}", path, name);

        g_assert_true(json_object_has_member(val, "return"));
        count++;
        if (g_str_has_prefix(type, "child<")) {
            g_assert_cmpstr(json_object_get_string_member(val, "return"), ==,
                            child);
            count += check_all_props(s, child);
        }
        json_object_unref(val);
    }
    json_object_unref(resp);
    return count;
}

static void test_qom_get_everything(void)
{
    QTestState *s = qtest_init("-machine none");

    g_assert_cmpint(check_all_props(s, "/"), ==, 5);
    qtest_quit(s);
    s = qtest_init("-machine pseries -device iommu-testdev,id=td");
    g_assert_cmpint(check_all_props(s, "/"), ==, 44);
    qtest_quit(s);
}

static void test_list_properties(void)
{
    QTestState *s = qtest_init("-machine none");

    assert_qmp(s, "{\"execute\": \"device-list-properties\", \"arguments\": "
               "{\"typename\": \"iommu-testdev\"}}",
               "{\"return\": [{\"name\": \"addr\", \"type\": \"int32\", "
               "\"description\": \"Slot and optional function number, "
               "example: 06.0 or 06\", \"default-value\": -1}, "
               "{\"name\": \"multifunction\", \"type\": \"bool\", "
               "\"default-value\": false}]}");
    assert_qmp(s, "{\"execute\": \"device-list-properties\", \"arguments\": "
               "{\"typename\": \"pci-device\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Parameter 'typename' expects a non-abstract device "
               "type\"}}");
    assert_qmp(s, "{\"execute\": \"device-list-properties\", \"arguments\": "
               "{\"typename\": \"container\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Parameter 'typename' expects a non-abstract device "
               "type\"}}");
    assert_qmp(s, "{\"execute\": \"device-list-properties\", \"arguments\": "
               "{\"typename\": \"nope\"}}",
               "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
               "\"Device 'nope' not found\"}}");
    /* Abstract types: the properties their classes declare. */
    assert_qmp(s, "{\"execute\": \"qom-list-properties\", \"arguments\": "
               "{\"typename\": \"pci-device\"}}",
               "{\"return\": [{\"name\": \"addr\", \"type\": \"int32\", "
               "\"description\": \"Slot and optional function number, "
               "example: 06.0 or 06\"}, {\"name\": \"multifunction\", "
               "\"type\": \"bool\"}]}");
    assert_qmp(s, "{\"execute\": \"qom-list-properties\", \"arguments\": "
               "{\"typename\": \"none-machine\"}}", "{\"return\": []}");
    assert_qmp(s, "{\"execute\": \"qom-list-properties\", \"arguments\": "
               "{\"typename\": \"interface\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Parameter 'typename' expects a QOM type\"}}");
    assert_qmp(s, "{\"execute\": \"qom-list-properties\", \"arguments\": "
               "{\"typename\": \"nope\"}}",
               "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
               "\"Class 'nope' not found\"}}");
    /* Introspection leaves nothing behind. */
    assert_hmp(s, "info qom-tree", "/machine (none-machine)\n"
               "  /peripheral (container)\n"
               "  /peripheral-anon (container)\n"
               "  /unattached (container)\n"
               "    /sysbus (System)\n");
    qtest_quit(s);
}

static void test_query_pci(void)
{
    QTestState *s = qtest_init("-machine pseries "
                               "-device spapr-pci-host-bridge,index=1,id=phb1 "
                               "-device iommu-testdev,id=td,bus=pci.0,addr=3.0 "
                               "-device iommu-testdev,bus=phb1.0,addr=0x1f");

    assert_qmp(s, "{\"execute\": \"query-pci\"}",
               "{\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, "
               "\"slot\": 3, \"function\": 0, \"class_info\": "
               "{\"class\": 65280}, \"id\": {\"device\": 261, "
               "\"vendor\": 6966, \"subsystem\": 0, \"subsystem-vendor\": 0}, "
               "\"irq_pin\": 0, \"qdev_id\": \"td\", \"regions\": "
               "[{\"bar\": 0, \"type\": \"memory\", \"prefetch\": false, "
               "\"mem_type_64\": false, \"address\": -1, \"size\": 8192}]}]}, "
               "{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 31, "
               "\"function\": 0, \"class_info\": {\"class\": 65280}, "
               "\"id\": {\"device\": 261, \"vendor\": 6966, "
               "\"subsystem\": 0, \"subsystem-vendor\": 0}, \"irq_pin\": 0, "
               "\"qdev_id\": \"\", \"regions\": [{\"bar\": 0, "
               "\"type\": \"memory\", \"prefetch\": false, "
               "\"mem_type_64\": false, \"address\": -1, "
               "\"size\": 8192}]}]}]}");
    assert_hmp(s, "info pci",
               "  Bus  0, device   3, function 0:\n"
               "    Class ff00: PCI device 1b36:0105\n"
               "      PCI subsystem 0000:0000\n"
               "      BAR0: 32 bit memory at 0xffffffffffffffff "
               "[0x00001ffe].\n"
               "      id \"td\"\n"
               "  Bus  0, device  31, function 0:\n"
               "    Class ff00: PCI device 1b36:0105\n"
               "      PCI subsystem 0000:0000\n"
               "      BAR0: 32 bit memory at 0xffffffffffffffff "
               "[0x00001ffe].\n"
               "      id \"\"\n");
    assert_hmp(s, "info pci x", "pci: extraneous characters at the end of "
               "line\n");
    qtest_quit(s);
}

/* The DDW at bus offset 2^63 reads back unsigned, in QMP and HMP. */
static void test_uint64_bus_offset(void)
{
    QTestState *s = qtest_init("-machine pseries -global "
                               "spapr-pci-host-bridge.dma64_win_addr="
                               "0x8000000000000000");
    uint32_t args[] = { CFG, BUID_HI, BUID_LO(0), 16, 24 };
    uint32_t rets[4];
    g_autofree char *reply = NULL;

    g_assert_cmpint(qtest_rtas_call(s, "ibm,create-pe-dma-window", 5, args,
                                    4, rets), ==, 0);
    g_assert_cmphex(rets[0], ==, 0);
    g_assert_cmphex(rets[2], ==, 0x80000000);
    g_assert_cmphex(rets[3], ==, 0);
    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, (uint64_t[]) {
                        rets[1], 0x8000000000010000ULL, 0x10000003 },
                    0, NULL), ==, 0);
    reply = qtest_qmp_raw(s, "{\"execute\": \"x-query-spapr-tce\", "
                          "\"arguments\": {\"liobn\": 2147483649, "
                          "\"entries\": true}}");
    g_assert_true(g_str_has_prefix(reply, "{\"return\": [{\"liobn\": "
                  "2147483649, \"enabled\": true, \"bus-offset\": "
                  "9223372036854775808, \"page-shift\": 16, "
                  "\"nb-table\": 256, "));
    g_assert_true(g_str_has_suffix(reply, "\"entries\": [{\"index\": 1, "
                  "\"ioba\": 9223372036854841344, \"tce\": 268435459}]}]}"));
    assert_qmp(s, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine/unattached/device[0]\", \"property\": "
               "\"dma64_win_addr\"}}",
               "{\"return\": 9223372036854775808}");
    qtest_quit(s);
}

/* QMP numbers: the JSON layer keeps QEMU's int64 / uint64 / double. */
static void test_json_numbers(void)
{
    QTestState *s = qtest_init("-machine none");

    assert_qmp(s, "{\"execute\": \"query-name\", \"id\": "
               "18446744073709551615}",
               "{\"return\": {}, \"id\": 18446744073709551615}");
    assert_qmp(s, "{\"execute\": \"query-name\", \"id\": "
               "9223372036854775808}",
               "{\"return\": {}, \"id\": 9223372036854775808}");
    assert_qmp(s, "{\"execute\": \"query-name\", \"id\": "
               "-9223372036854775808}",
               "{\"return\": {}, \"id\": -9223372036854775808}");
    /* Past 2^64 - 1 an integer is a double, as in QEMU. */
    assert_qmp(s, "{\"execute\": \"query-name\", \"id\": "
               "18446744073709551616}",
               "{\"return\": {}, \"id\": 1.8446744073709552e+19}");
    assert_qmp(s, "{\"execute\": \"query-name\", \"id\": 0.5}",
               "{\"return\": {}, \"id\": 0.5}");
    /* A double that overflows has no JSON spelling: refused. */
    assert_qmp(s, "{\"execute\": \"query-name\", \"id\": 1e400}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"JSON parse error, number '1e400' is out of range\"}}");
    assert_qmp(s, "{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"info status\", \"cpu-index\": "
               "9223372036854775808}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Invalid parameter type for 'cpu-index', expected: "
               "integer\"}}");
    qtest_quit(s);
}

/* device_add and -device refuse unknown and empty property names. */
static void test_device_add_props(void)
{
    QTestState *s = qtest_init("-machine pseries");

    assert_qmp(s, "{\"execute\": \"device_add\", \"arguments\": "
               "{\"driver\": \"spapr-pci-host-bridge\", \"index\": 2, "
               "\"\": \"1\"}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Property 'spapr-pci-host-bridge.' not found\"}}");
    assert_qmp(s, "{\"execute\": \"device_add\", \"arguments\": "
               "{\"driver\": \"spapr-pci-host-bridge\", \"index\": 2, "
               "\"nope\": 1}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Property 'spapr-pci-host-bridge.nope' not found\"}}");
    assert_hmp(s, "device_add spapr-pci-host-bridge,index=2,=1",
               "Error: Property 'spapr-pci-host-bridge.' not found\n");
    /* Nothing was left behind by the failed attempts. */
    assert_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
               "{\"path\": \"/machine/peripheral-anon\"}}", "{\"return\": []}");
    assert_qmp(s, "{\"execute\": \"device_add\", \"arguments\": "
               "{\"driver\": \"spapr-pci-host-bridge\", \"index\": 2, "
               "\"id\": \"phb2\"}}", "{\"return\": {}}");
    qtest_quit(s);
}

static void test_hmp(void)
{
    QTestState *s = qtest_init("-machine none");
    g_autofree char *info = NULL;
    g_auto(GStrv) lines = NULL;
    int n = 0;

    assert_hmp(s, "info tce info tce", "tce: extraneous characters at the "
               "end of line\n");
    assert_hmp(s, "info status now", "status: extraneous characters at the "
               "end of line\n");
    assert_hmp(s, "stop please", "stop: extraneous characters at the end of "
               "line\n");
    assert_hmp(s, "info nope", "unknown command: 'info nope'\n");
    assert_hmp(s, "nope 1 2", "unknown command: 'nope'\n");
    assert_hmp(s, "info mtree -x", "mtree: unsupported option -x\n");
    assert_hmp(s, "device_add help",
               "name \"iommu-testdev\", bus PCI, desc \"IOMMU test device "
               "(synchronous DMA through the PHB IOMMU)\"\n"
               "name \"spapr-pci-host-bridge\", bus System, desc \"sPAPR PCI "
               "host bridge (PHB) with its DMA windows\"\n"
               "name \"vfio-pci\", bus PCI, desc \"VFIO-based PCI device "
               "assignment\"\n");
    assert_hmp(s, "device_add \"iommu-testdev,help\"",
               "iommu-testdev options:\n"
               "  addr=<int32>           - Slot and optional function number, "
               "example: 06.0 or 06 (default: -1)\n"
               "  multifunction=<bool>   -  (default: false)\n");
    assert_hmp(s, "device_add device,help",
               "Error: Parameter 'driver' expects a non-abstract device "
               "type\n");
    assert_hmp(s, "device_add \"nope,help\"",
               "Error: 'nope' is not a valid device model name\n");
    assert_hmp(s, "device_add \"iommu-testdev", "Error: unterminated string\n");
    assert_hmp(s, "device_add iommu-testdev extra",
               "device_add: extraneous characters at the end of line\n");
    assert_hmp(s, "device_del a b",
               "device_del: extraneous characters at the end of line\n");

    /* Every "info" subcommand "help info" lists answers on machine none. */
    info = hmp(s, "help info");
    lines = g_strsplit(info, "\n", -1);
    for (char **l = lines; *l && **l; l++) {
        g_autofree char *cmd = g_strndup(*l, strcspn(*l + 5, " ") + 5);
        g_autofree char *out = hmp(s, cmd);

        g_assert_true(g_str_has_prefix(*l, "info "));
        g_assert_null(strstr(out, "Error"));
        g_assert_null(strstr(out, "unknown command"));
        n++;
    }
    g_assert_cmpint(n, ==, 10);
    qtest_quit(s);
}

static void test_query_commands(void)
{
    QTestState *s = qtest_init("-machine none");
    JsonObject *resp = qtest_qmp(s, "{\"execute\": \"query-commands\"}");
    JsonArray *list = json_object_get_array_member(resp, "return");
    g_autoptr(GString) names = g_string_new(NULL);

    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *cmd = json_array_get_object_element(list, i);

        g_string_append_printf(names, "%s%s", i ? " " : "",
                               json_object_get_string_member(cmd, "name"));
    }
    g_assert_cmpstr(names->str, ==,
                    "cont device-list-properties device_add device_del "
                    "dumpdtb human-monitor-command migrate migrate-incoming "
                    "migrate-set-capabilities migrate_cancel "
                    "object-add object-del "
                    "qmp_capabilities "
                    "qom-get qom-list qom-list-properties qom-list-types "
                    "qom-set query-commands query-machines query-migrate "
                    "query-migrate-capabilities query-name "
                    "query-pci query-status query-version quit stop "
                    "system_reset trace-event-get-state "
                    "trace-event-set-state x-query-kernel-tce x-query-spapr-tce "
                    "x-query-vfio x-query-vfio-kvm x-query-vfio-soft "
                    "x-vfio-soft-fault");
    json_object_unref(resp);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/monitor-introspect/machine-none", test_machine_none);
    g_test_add_func("/monitor-introspect/machine-none-ram",
                    test_machine_none_ram);
    g_test_add_func("/monitor-introspect/query-machines",
                    test_query_machines);
    g_test_add_func("/monitor-introspect/qom-list-types",
                    test_qom_list_types);
    g_test_add_func("/monitor-introspect/qom-list-get", test_qom_list_get);
    g_test_add_func("/monitor-introspect/qom-get-everything",
                    test_qom_get_everything);
    g_test_add_func("/monitor-introspect/list-properties",
                    test_list_properties);
    g_test_add_func("/monitor-introspect/query-pci", test_query_pci);
    g_test_add_func("/monitor-introspect/uint64-bus-offset",
                    test_uint64_bus_offset);
    g_test_add_func("/monitor-introspect/json-numbers", test_json_numbers);
    g_test_add_func("/monitor-introspect/device-add-props",
                    test_device_add_props);
    g_test_add_func("/monitor-introspect/hmp", test_hmp);
    g_test_add_func("/monitor-introspect/query-commands",
                    test_query_commands);
    return g_test_run();
}
