/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI and PHB hotplug driven as QEMU 7.2 under qtest: DRCs in the device
 * tree, the guest's RTAS side (sensor, indicators, configure-connector,
 * check-exception) and the monitor's (device_add, device_del,
 * DEVICE_DELETED, system_reset).  docs/user/hotplug.md.
 */

#include "qemu/osdep.h"
#include <libfdt.h>
#include "libqtest.h"
#include "vfio-edu.h"
#include "fdt-check.h"

#define WA          0x300000ULL     /* configure-connector work area */
#define EVBUF       0x400000ULL     /* check-exception buffer */
#define EVBUF_LEN   2048

#define PARAM_ERROR         RTAS_STATUS_PARAM_ERROR
#define NOT_CONFIGURABLE    0xffffdcd5U     /* -9003 */
#define NO_ERRORS_FOUND     1

static uint32_t ldl_be_p(const void *p)
{
    const uint8_t *b = p;

    return ((uint32_t)b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
}

static uint16_t lduw_be_p(const void *p)
{
    const uint8_t *b = p;

    return (b[0] << 8) | b[1];
}

static uint32_t rtas(QTestState *s, const char *name, uint32_t nargs,
                     const uint32_t *args, uint32_t nret, uint32_t *rets)
{
    g_assert_cmpint(qtest_rtas_call(s, name, nargs, args, nret, rets), ==, 0);
    return rets[0];
}

static uint32_t sense(QTestState *s, uint32_t index, uint32_t *state)
{
    uint32_t args[] = { 9003, index }, rets[2];
    uint32_t st = rtas(s, "get-sensor-state", 2, args, 2, rets);

    *state = rets[1];
    return st;
}

static uint32_t set_indicator(QTestState *s, uint32_t type, uint32_t index,
                              uint32_t value)
{
    uint32_t args[] = { type, index, value }, rets[1];

    return rtas(s, "set-indicator", 3, args, 1, rets);
}

/* One ibm,configure-connector step on DRC @index. */
static int32_t cc_step(QTestState *s, uint32_t index)
{
    uint32_t args[] = { (uint32_t)WA, (uint32_t)(WA >> 32) }, rets[1];

    qtest_writel(s, WA, index);
    return (int32_t)rtas(s, "ibm,configure-connector", 2, args, 1, rets);
}

static char *wa_string(QTestState *s, uint32_t off)
{
    char buf[256];

    qtest_memread(s, WA + off, buf, sizeof(buf));
    buf[sizeof(buf) - 1] = 0;
    return g_strdup(buf);
}

/*
 * Fetch one hotplug event; returns the RTAS status.  On success checks
 * the fixed parts of the log and returns its HP fields.
 */
static uint32_t fetch_event(QTestState *s, uint8_t *type, uint8_t *action,
                            uint32_t *index)
{
    uint32_t args[] = { 0, 0, 0x10000000, 0, (uint32_t)EVBUF, EVBUF_LEN };
    uint32_t rets[1];
    uint8_t log[116];
    uint32_t st = rtas(s, "check-exception", 6, args, 1, rets);

    if (st != 0) {
        return st;
    }
    qtest_memread(s, EVBUF, log, sizeof(log));
    g_assert_cmphex(ldl_be_p(log), ==, 0x063460e5);     /* summary */
    g_assert_cmpuint(ldl_be_p(log + 4), ==, 108);       /* extended length */
    g_assert_cmphex(log[8], ==, 0x86);                  /* valid, new, BE */
    g_assert_cmphex(log[10], ==, 0x8e);                 /* platform event */
    g_assert_cmphex(ldl_be_p(log + 20), ==, 0x49424d00); /* "IBM\0" */
    g_assert_cmphex(lduw_be_p(log + 24), ==, 0x5048);   /* Main-A "PH" */
    g_assert_cmpuint(lduw_be_p(log + 26), ==, 48);
    g_assert_cmpint(log[24 + 24], ==, 'H');
    g_assert_cmpuint(log[24 + 27], ==, 3);              /* sections */
    g_assert_cmphex(lduw_be_p(log + 72), ==, 0x5548);   /* Main-B "UH" */
    g_assert_cmpuint(lduw_be_p(log + 74), ==, 24);
    g_assert_cmphex(log[80], ==, 0x80);
    g_assert_cmphex(lduw_be_p(log + 96), ==, 0x4850);   /* "HP" */
    g_assert_cmpuint(lduw_be_p(log + 98), ==, 20);
    g_assert_cmpuint(log[100], ==, 1);                  /* version */
    g_assert_cmpuint(log[106], ==, 2);                  /* by DRC index */
    *type = log[104];
    *action = log[105];
    *index = ldl_be_p(log + 108);
    g_assert_cmphex(ldl_be_p(log + 112), ==, 0);
    return st;
}

static void assert_event(QTestState *s, uint8_t type, uint8_t action,
                         uint32_t index)
{
    uint8_t t, a;
    uint32_t i;

    g_assert_cmpuint(fetch_event(s, &t, &a, &i), ==, 0);
    g_assert_cmpuint(t, ==, type);
    g_assert_cmpuint(a, ==, action);
    g_assert_cmphex(i, ==, index);
}

static void assert_no_event(QTestState *s)
{
    uint8_t t, a;
    uint32_t i;

    g_assert_cmpuint(fetch_event(s, &t, &a, &i), ==, NO_ERRORS_FOUND);
}

static bool has_device(QTestState *s, const char *id)
{
    g_autofree char *qtree = qtest_hmp_text(s, "info qtree");
    g_autofree char *needle = g_strdup_printf("id \"%s\"", id);

    return strstr(qtree, needle) != NULL;
}

/*
 * DEVICE_DELETED for @id with @path; the devices that go with it (a PHB's
 * TCE tables: "path" only) come first and are skipped, as QEMU's
 * device-plug-test does.
 */
static void assert_deleted(QTestState *s, const char *id, const char *path)
{
    for (;;) {
        JsonObject *ev = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");
        JsonObject *data = json_object_get_object_member(ev, "data");

        if (json_object_has_member(data, "device")) {
            g_assert_cmpstr(json_object_get_string_member(data, "device"), ==,
                            id);
            g_assert_cmpstr(json_object_get_string_member(data, "path"), ==,
                            path);
            json_object_unref(ev);
            return;
        }
        json_object_unref(ev);
    }
}

static void device_add(QTestState *s, const char *id, const char *addr)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"iommu-testdev\", \"bus\": "
                             "\"pci.0\", \"addr\": \"%s\", \"id\": \"%s\"}}",
                             addr, id);
}

static void device_del(QTestState *s, const char *id)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"%s\"}}", id);
}

/* ---- the device tree -------------------------------------------------- */

static void *dump_tree(QTestState *s)
{
    g_autofree char *path = g_strdup_printf("%s/hp-dtb-%d", g_get_tmp_dir(),
                                            (int)getpid());
    gchar *blob;
    gsize len;

    qtest_qmp_assert_success(s, "{\"execute\": \"dumpdtb\", \"arguments\": "
                             "{\"filename\": \"%s\"}}", path);
    g_assert_true(g_file_get_contents(path, &blob, &len, NULL));
    unlink(path);
    g_assert_cmpint(fdt_check_header(blob), ==, 0);
    return blob;
}

/* The four DRC arrays of @node: @n DRCs, index @first + i, names, type. */
static void assert_drc_arrays(const void *fdt, int node, uint32_t n,
                              uint32_t first, const char *name_fmt,
                              uint32_t name_base, const char *type)
{
    const fdt32_t *idx, *dom;
    const char *names, *types;
    int len;

    idx = fdt_getprop(fdt, node, "ibm,drc-indexes", &len);
    g_assert_nonnull(idx);
    g_assert_cmpint(len, ==, 4 * (n + 1));
    g_assert_cmpuint(fdt32_to_cpu(idx[0]), ==, n);
    dom = fdt_getprop(fdt, node, "ibm,drc-power-domains", &len);
    g_assert_cmpint(len, ==, 4 * (n + 1));
    g_assert_cmpuint(fdt32_to_cpu(dom[0]), ==, n);
    names = fdt_getprop(fdt, node, "ibm,drc-names", &len);
    g_assert_cmpuint(ldl_be_p(names), ==, n);
    names += 4;
    types = fdt_getprop(fdt, node, "ibm,drc-types", &len);
    g_assert_cmpint(len, ==, 4 + n * (strlen(type) + 1));
    g_assert_cmpuint(ldl_be_p(types), ==, n);
    types += 4;
    for (uint32_t i = 0; i < n; i++) {
        g_autofree char *want = g_strdup_printf(name_fmt, name_base + i);

        g_assert_cmphex(fdt32_to_cpu(idx[1 + i]), ==, first + i);
        g_assert_cmphex(fdt32_to_cpu(dom[1 + i]), ==, 0xffffffff);
        g_assert_cmpstr(names, ==, want);
        names += strlen(names) + 1;
        g_assert_cmpstr(types, ==, type);
        types += strlen(types) + 1;
    }
}

static void test_drc_tree(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device spapr-pci-host-bridge,index=1,id=phb1 "
                               "-device spapr-pci-host-bridge,index=2,"
                               "dynamic-reconfiguration=off");
    g_autofree void *fdt = dump_tree(s);
    int phb0 = fdt_path_offset(fdt, "/pci@800000020000000");
    int phb1 = fdt_path_offset(fdt, "/pci@800000020000001");
    int phb2 = fdt_path_offset(fdt, "/pci@800000020000002");

    /* 31 PHB DRCs on the root, "PHB <n>", type "PHB" */
    assert_drc_arrays(fdt, 0, 31, 0x20000000, "PHB %u", 0, "PHB");
    /* 256 PCI DRCs per PHB, "C<id>" with id = index << 16 | devfn */
    assert_drc_arrays(fdt, phb0, 256, 0x40000000, "C%u", 0, "28");
    assert_drc_arrays(fdt, phb1, 256, 0x40010000, "C%u", 0x10000, "28");
    /* no DRCs without dynamic reconfiguration: four count-0 arrays */
    assert_drc_arrays(fdt, phb2, 0, 0, "", 0, "28");
    FDT_CHECK_CELLS(fdt, phb1, "ibm,my-drc-index", 0x20000001);
    qtest_quit(s);
}

/* ---- RTAS on DRCs ----------------------------------------------------- */

static void test_rtas_errors(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device iommu-testdev,bus=pci.0,addr=2,id=td");
    uint32_t args[7] = { 0 }, rets[2], state;

    /* cold-plugged: present and configured; empty slot: empty */
    g_assert_cmphex(sense(s, 0x40000010, &state), ==, 0);
    g_assert_cmpuint(state, ==, 1);
    g_assert_cmphex(sense(s, 0x40000018, &state), ==, 0);
    g_assert_cmpuint(state, ==, 0);
    /* the default PHB's DRC: logical, configured: present */
    g_assert_cmphex(sense(s, 0x20000000, &state), ==, 0);
    g_assert_cmpuint(state, ==, 1);
    /* an unused PHB DRC: unusable */
    g_assert_cmphex(sense(s, 0x20000003, &state), ==, 0);
    g_assert_cmpuint(state, ==, 2);
    /* no such DRC, sensor type other than entity sense, wrong cells */
    g_assert_cmphex(sense(s, 0x40000800 + 0x123456, &state), ==, PARAM_ERROR);
    args[0] = 9001;
    args[1] = 0x40000010;
    g_assert_cmphex(rtas(s, "get-sensor-state", 2, args, 2, rets), ==,
                    PARAM_ERROR);
    g_assert_cmphex(rtas(s, "get-sensor-state", 1, args, 2, rets), ==,
                    PARAM_ERROR);
    /* set-indicator: bad type, bad cells, no DRC, allocation on PCI */
    g_assert_cmphex(set_indicator(s, 9004, 0x40000010, 0), ==, PARAM_ERROR);
    g_assert_cmphex(rtas(s, "set-indicator", 2, args, 1, rets), ==,
                    PARAM_ERROR);
    g_assert_cmphex(set_indicator(s, 9001, 0x4fffffff, 0), ==, PARAM_ERROR);
    g_assert_cmphex(set_indicator(s, 9003, 0x40000010, 1), ==, PARAM_ERROR);
    /* DR indicator: 0..3 stored, 4 refused; logical DRCs have none */
    g_assert_cmphex(set_indicator(s, 9002, 0x40000010, 3), ==, 0);
    g_assert_cmphex(set_indicator(s, 9002, 0x40000010, 4), ==, PARAM_ERROR);
    g_assert_cmphex(set_indicator(s, 9002, 0x20000000, 1), ==, PARAM_ERROR);
    /* isolation value other than 0/1; unisolating an empty slot */
    g_assert_cmphex(set_indicator(s, 9001, 0x40000010, 2), ==, PARAM_ERROR);
    g_assert_cmphex(set_indicator(s, 9001, 0x40000018, 1), ==, PARAM_ERROR);
    /* configure-connector: empty slot not configurable, no DRC, cells */
    g_assert_cmphex(cc_step(s, 0x40000018), ==, (int32_t)NOT_CONFIGURABLE);
    g_assert_cmphex(cc_step(s, 0x4fffffff), ==, (int32_t)PARAM_ERROR);
    g_assert_cmphex(rtas(s, "ibm,configure-connector", 1, args, 1, rets), ==,
                    PARAM_ERROR);
    /* work area outside guest RAM */
    args[0] = 0;
    args[1] = 0x10;
    g_assert_cmphex(rtas(s, "ibm,configure-connector", 2, args, 1, rets), ==,
                    PARAM_ERROR);
    /* event-scan: always "no errors found"; check-exception cells */
    g_assert_cmphex(rtas(s, "event-scan", 4, args, 1, rets), ==,
                    NO_ERRORS_FOUND);
    g_assert_cmphex(rtas(s, "event-scan", 3, args, 1, rets), ==, PARAM_ERROR);
    g_assert_cmphex(rtas(s, "check-exception", 5, args, 1, rets), ==,
                    PARAM_ERROR);
    assert_no_event(s);
    qtest_quit(s);
}

/* ---- PCI hotplug ------------------------------------------------------ */

/* A hot-added device no guest configured goes at once on device_del. */
static void test_pci_unconfigured(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults");
    uint32_t state;

    device_add(s, "hp0", "5");
    g_assert_true(has_device(s, "hp0"));
    g_assert_cmphex(sense(s, 0x40000028, &state), ==, 0);
    g_assert_cmpuint(state, ==, 1);
    assert_event(s, 5, 1, 0x40000028);
    assert_no_event(s);
    device_del(s, "hp0");
    assert_deleted(s, "hp0", "/machine/peripheral/hp0");
    g_assert_false(has_device(s, "hp0"));
    g_assert_cmphex(sense(s, 0x40000028, &state), ==, 0);
    g_assert_cmpuint(state, ==, 0);
    /* released before the REMOVE event: the slot is empty, none queued */
    assert_no_event(s);
    /* the slot can be used again */
    device_add(s, "hp0b", "5");
    assert_event(s, 5, 1, 0x40000028);
    qtest_quit(s);
}

/*
 * vfio-pci hot-added onto a PHB whose window already maps a page: the
 * attach replays it to the new container; an unplug releases the container
 * (no instance, no mapping left on the host); a replug maps it again.
 */
static void test_vfio_plug_unplug_replug(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-object vfio-soft-host,id=h0,"
                               "iommu-type=spapr-tce-v2");
    uint64_t args[3] = { 0x80000000, 0x5000, 0x300003 };
    unsigned instances;

    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL), ==, 0);
    g_assert_cmpint(vfio_test_soft_mappings(s, "h0", &instances), ==, -1);
    g_assert_cmpuint(instances, ==, 0);
    for (int round = 0; round < 2; round++) {
        qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", "
                                 "\"arguments\": {\"driver\": \"vfio-pci\", "
                                 "\"soft-host\": \"h0\", \"bus\": \"pci.0\", "
                                 "\"addr\": \"5\", \"id\": \"v0\"}}");
        assert_event(s, 5, 1, 0x40000028);
        g_assert_cmpint(vfio_test_soft_mappings(s, "h0", &instances), ==, 1);
        g_assert_cmpuint(instances, ==, 1);
        device_del(s, "v0");
        assert_deleted(s, "v0", "/machine/peripheral/v0");
        g_assert_cmpint(vfio_test_soft_mappings(s, "h0", &instances), ==, -1);
        g_assert_cmpuint(instances, ==, 0);
    }
    qtest_quit(s);
}

/* The guest configures the device; the unplug then waits for it. */
static void test_pci_configured(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults");
    /* libfdt puts each new property first: the reverse of writing order */
    static const char *const props[] = {
        "ibm,loc-code", "ibm,my-drc-index", "class-code", "revision-id",
        "device-id", "vendor-id", "reg",
    };
    JsonObject *resp;
    g_autofree char *node = NULL;
    uint32_t state;
    int32_t rc;

    device_add(s, "hp1", "6");
    assert_event(s, 5, 1, 0x40000030);
    /* not unisolated yet: not configurable */
    g_assert_cmpint(cc_step(s, 0x40000030), ==, -9003);
    g_assert_cmphex(set_indicator(s, 9001, 0x40000030, 1), ==, 0);
    /* isolating an unconfigured (unisolated) DRC is refused */
    g_assert_cmphex(set_indicator(s, 9001, 0x40000030, 0), ==, PARAM_ERROR);

    /* the walk: the node, its 7 properties, then done */
    g_assert_cmpint(cc_step(s, 0x40000030), ==, 2);
    g_assert_cmpuint(qtest_readl(s, WA + 8), ==, 20);
    node = wa_string(s, 20);
    g_assert_cmpstr(node, ==, "pci1b36,105@6");
    for (size_t i = 0; i < G_N_ELEMENTS(props); i++) {
        g_autofree char *name = NULL;

        g_assert_cmpint(cc_step(s, 0x40000030), ==, 3);
        g_assert_cmpuint(qtest_readl(s, WA + 8), ==, 20);
        name = wa_string(s, 20);
        g_assert_cmpstr(name, ==, props[i]);
        g_assert_cmpuint(qtest_readl(s, WA + 16), ==, 20 + strlen(name) + 1);
        if (!strcmp(name, "ibm,my-drc-index")) {
            g_assert_cmpuint(qtest_readl(s, WA + 12), ==, 4);
            g_assert_cmphex(qtest_readl(s, WA + 20 + strlen(name) + 1), ==,
                            0x40000030);
        }
        if (!strcmp(name, "vendor-id")) {
            g_assert_cmphex(qtest_readl(s, WA + 20 + strlen(name) + 1), ==,
                            0x1b36);
        }
    }
    g_assert_cmpint(cc_step(s, 0x40000030), ==, 0);
    /* configured: the walk may be replayed */
    rc = cc_step(s, 0x40000030);
    g_assert_cmpint(rc, ==, 2);

    device_del(s, "hp1");
    g_assert_true(has_device(s, "hp1"));
    assert_event(s, 5, 2, 0x40000030);
    resp = qtest_qmp(s, "{\"execute\": \"device_del\", \"arguments\": "
                     "{\"id\": \"hp1\"}}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(resp, "error"), "desc"),
                    ==, "PCI device unplug already in progress for device hp1");
    json_object_unref(resp);
    g_assert_true(has_device(s, "hp1"));

    /* the guest isolates it: released */
    g_assert_cmphex(set_indicator(s, 9001, 0x40000030, 0), ==, 0);
    assert_deleted(s, "hp1", "/machine/peripheral/hp1");
    g_assert_false(has_device(s, "hp1"));
    g_assert_cmphex(sense(s, 0x40000030, &state), ==, 0);
    g_assert_cmpuint(state, ==, 0);
    qtest_quit(s);
}

/* Cold-plugged devices wait; system_reset completes and clears events. */
static void test_pci_reset_completes(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device iommu-testdev,bus=pci.0,addr=2,id=td");

    device_del(s, "td");
    g_assert_true(has_device(s, "td"));
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    assert_deleted(s, "td", "/machine/peripheral/td");
    g_assert_false(has_device(s, "td"));
    /* the REMOVE event nobody fetched is gone with the reset */
    assert_no_event(s);
    qtest_quit(s);
}

static void test_dr_off(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device spapr-pci-host-bridge,index=2,id=phb2,"
                               "dynamic-reconfiguration=off "
                               "-device iommu-testdev,bus=phb2.0,addr=2,id=td");
    JsonObject *resp;

    resp = qtest_qmp(s, "{\"execute\": \"device_add\", \"arguments\": "
                     "{\"driver\": \"iommu-testdev\", \"bus\": \"phb2.0\"}}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(resp, "error"), "desc"),
                    ==, "Bus 'spapr-pci-host-bridge' does not support "
                    "hotplugging");
    json_object_unref(resp);
    resp = qtest_qmp(s, "{\"execute\": \"device_del\", \"arguments\": "
                     "{\"id\": \"td\"}}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(resp, "error"), "desc"),
                    ==, "Bus 'spapr-pci-host-bridge' does not support "
                    "hotplugging");
    json_object_unref(resp);
    qtest_quit(s);
}

/* ---- PHB hotplug ------------------------------------------------------ */

static void test_phb(void)
{
    QTestState *s = qtest_init("-M pseries -nodefaults "
                               "-device spapr-pci-host-bridge,index=1,id=phb1");
    JsonObject *resp;
    uint32_t state;

    /* hot-added: ADD event, unusable until the guest allocates it */
    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"spapr-pci-host-bridge\", "
                             "\"index\": \"5\", \"id\": \"phb5\"}}");
    assert_event(s, 4, 1, 0x20000005);
    g_assert_cmphex(sense(s, 0x20000005, &state), ==, 0);
    g_assert_cmpuint(state, ==, 2);
    /* the guest takes it: usable, unisolated, node walked, configured */
    g_assert_cmphex(set_indicator(s, 9003, 0x20000005, 1), ==, 0);
    g_assert_cmphex(set_indicator(s, 9001, 0x20000005, 1), ==, 0);
    g_assert_cmpint(cc_step(s, 0x20000005), ==, 2);
    {
        g_autofree char *node = wa_string(s, 20);

        g_assert_cmpstr(node, ==, "pci@800000020000005");
    }
    while ((state = cc_step(s, 0x20000005)) == 3 || state == 2 ||
           state == 4) {
    }
    g_assert_cmpint(state, ==, 0);
    /* now the unplug waits for the guest: isolate, then unusable */
    device_del(s, "phb5");
    assert_event(s, 4, 2, 0x20000005);
    resp = qtest_qmp(s, "{\"execute\": \"device_del\", \"arguments\": "
                     "{\"id\": \"phb5\"}}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(resp, "error"), "desc"),
                    ==, "PCI Host Bridge unplug already in progress for "
                    "device phb5");
    json_object_unref(resp);
    g_assert_true(has_device(s, "phb5"));
    g_assert_cmphex(set_indicator(s, 9001, 0x20000005, 0), ==, 0);
    g_assert_true(has_device(s, "phb5"));
    g_assert_cmphex(set_indicator(s, 9003, 0x20000005, 0), ==, 0);
    assert_deleted(s, "phb5", "/machine/peripheral/phb5");
    g_assert_false(has_device(s, "phb5"));

    /* cold-plugged PHB: pending until system_reset */
    device_del(s, "phb1");
    g_assert_true(has_device(s, "phb1"));
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    assert_deleted(s, "phb1", "/machine/peripheral/phb1");
    g_assert_false(has_device(s, "phb1"));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spapr-hotplug/drc/device-tree", test_drc_tree);
    g_test_add_func("/spapr-hotplug/drc/rtas-errors", test_rtas_errors);
    g_test_add_func("/spapr-hotplug/pci/unconfigured", test_pci_unconfigured);
    g_test_add_func("/spapr-hotplug/vfio/plug-unplug-replug",
                    test_vfio_plug_unplug_replug);
    g_test_add_func("/spapr-hotplug/pci/configured", test_pci_configured);
    g_test_add_func("/spapr-hotplug/pci/reset-completes",
                    test_pci_reset_completes);
    g_test_add_func("/spapr-hotplug/pci/dr-off", test_dr_off);
    g_test_add_func("/spapr-hotplug/phb", test_phb);
    return g_test_run();
}
