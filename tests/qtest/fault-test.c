/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host faults injected through the soft host: {ENOSPC, EFAULT, EBUSY,
 * ENOMEM} x {map, unmap, window-create, ...} x {type1v2, spapr-tce-v2} x
 * every guest or operator path that reaches the host, with the exact answer
 * (H_*, RTAS status, device_add error) and host mappings == guest view after.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "libqtest.h"
#include "vfio-check.h"
#include "spapr-guest.h"

#define H_SUCCESS       0
#define H_HARDWARE      (-1)
#define RTAS_OK         0U
#define RTAS_HW_ERROR   0xffffffffU
#define LIOBN           0x80000000ULL
#define DDW_LIOBN       0x80000001ULL
#define DDW_BUS         (1ULL << 59)
#define CFG(reg)        (0x1800U | (reg))       /* bus 0, devfn 3.0 */
#define TCE_ALL         "0x0-0xffffffffffffffff"

static const char *const errnos[] = { "ENOSPC", "EFAULT", "EBUSY", "ENOMEM" };
static const char *const strerrors[] = {
    "No space left on device", "Bad address", "Device or resource busy",
    "Cannot allocate memory",
};

typedef struct Case {
    const char *type;           /* "type1v2" or "spapr-tce-v2" */
    bool type1;
    const char *err;            /* errno name */
    const char *strerr;         /* its strerror() */
} Case;

/* ---- guest and operator actions -------------------------------------- */

/* A create next to the default window: LIOBN DDW_LIOBN at DDW_BUS. */
static uint32_t ddw_create(QTestState *s, uint32_t page_shift,
                           uint32_t window_shift)
{
    uint32_t liobn = DDW_LIOBN;
    uint64_t bus = DDW_BUS;
    uint32_t ret =
        guest_ddw_create(s, 0, CFG(0), page_shift, window_shift, &liobn, &bus);

    g_assert_cmphex(liobn, ==, DDW_LIOBN);
    g_assert_cmphex(bus, ==, DDW_BUS);
    return ret;
}

/* How many injected faults of @op instance 0 of h0 has returned. */
static uint64_t injected(QTestState *s, const char *op)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio-soft\", "
                                "\"arguments\": {\"id\": \"h0\"}}");
    JsonObject *inst = json_array_get_object_element(
        json_object_get_array_member(json_object_get_object_member(rsp,
            "return"), "instances"), 0);
    uint64_t n = json_object_get_int_member(json_object_get_object_member(
        json_object_get_object_member(inst, "counters"), op), "injected");

    json_object_unref(rsp);
    return n;
}

/* The op armed last and its injected count then. */
static const char *armed_op;
static uint64_t armed_base;

/* How many faults the op armed last returned since it was armed. */
static uint64_t fired(QTestState *s)
{
    return injected(s, armed_op) - armed_base;
}

/* The next call of @op on every instance of h0 fails with @err. */
static void arm(QTestState *s, const char *op, const char *err)
{
    armed_op = op;
    armed_base = injected(s, op);
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": \"%s\", "
                             "\"nth\": 1, \"errno\": \"%s\"}}", op, err);
}

static void disarm(QTestState *s, const char *op)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": \"%s\", "
                             "\"nth\": 0}}", op);
}

/* The table's resync_failures (x-query-spapr-tce) of @liobn. */
static int64_t resync_failures(QTestState *s, uint64_t liobn)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", "
                                "\"arguments\": {\"liobn\": %" PRIu64 "}}",
                                liobn);
    JsonObject *t = json_array_get_object_element(
        json_object_get_array_member(rsp, "return"), 0);
    int64_t n = json_object_get_int_member(t, "resync-failures");

    json_object_unref(rsp);
    return n;
}

static QTestState *start(const Case *c)
{
    return qtest_initf("-M pseries -object vfio-soft-host,id=h0,"
                       "iommu-type=%s%s -device vfio-pci,soft-host=h0,"
                       "bus=pci.0,addr=3,id=v0", c->type,
                       c->type1 ? ",iova-ranges=" TCE_ALL : "");
}

/* After a case: a machine reset leaves both sides empty, nothing armed. */
static void finish(QTestState *s, const Case *c)
{
    static const char *const ops[] = { "map", "unmap", "window-create",
                                       "window-remove" };

    for (unsigned i = 0; i < G_N_ELEMENTS(ops); i++) {
        disarm(s, ops[i]);
    }
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    vfio_assert_view(s, 1, "");
    g_assert_cmpint(resync_failures(s, LIOBN), ==, 0);
}

/* ---- the cases: one guest or operator path each ---------------------- */

/* H_PUT_TCE of a new entry, map fails: H_HARDWARE, the entry is cleared. */
static void case_put_map(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    arm(s, "map", c->err);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x2000, 0x301003), ==, H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw");
}

/* H_PUT_TCE over a mapped entry, map fails: the entry is gone on both sides. */
static void case_put_overwrite(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x2000, 0x301003), ==, H_SUCCESS);
    arm(s, "map", c->err);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x305001), ==, H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x2000+0x1000>0x301000:rw");
}

/* H_PUT_TCE clearing a mapped entry, unmap fails: resynchronised. */
static void case_put_unmap(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0, 0x300000, 0x1000, 3, 4), ==,
                    H_SUCCESS);
    arm(s, "unmap", c->err);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0), ==, H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x0+0x1000>0x300000:rw 0x2000+0x2000>0x302000:rw");
}

/* INDIRECT batch, map fails at commit: resynchronised, entries stay. */
static void case_indirect_map(QTestState *s, const Case *c)
{
    arm(s, "map", c->err);
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000, 3,
                                      8),
                    ==, H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x10000+0x8000>0x200000:rw");
}

/* INDIRECT clearing 4 of 8 entries, unmap fails: resynchronised. */
static void case_indirect_unmap(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000, 3,
                                      8),
                    ==, H_SUCCESS);
    arm(s, "unmap", c->err);
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x12000, 0, 0, 0, 4), ==,
                    H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x10000+0x2000>0x200000:rw "
                     "0x16000+0x2000>0x206000:rw");
}

/*
 * H_STUFF_TCE of one page 4 times, the first host map fails: the listener
 * holds entry 0's map in its batch and sends it when entry 1 (not
 * contiguous in RAM) comes, so the failure is seen at entry 1: the call
 * stops there with H_HARDWARE, entry 0 stays and is mapped again by the
 * resynchronisation, entries 1-3 are untouched.
 */
static void case_stuff_map(QTestState *s, const Case *c)
{
    arm(s, "map", c->err);
    g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x40000, 0x500003, 4), ==,
                    H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x40000+0x1000>0x500000:rw");
}

/* H_STUFF_TCE clearing 4 of 8 entries, unmap fails. */
static void case_stuff_unmap(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000, 3,
                                      8),
                    ==, H_SUCCESS);
    arm(s, "unmap", c->err);
    g_assert_cmpint(guest_stuff_tce(s, LIOBN, 0x12000, 0, 4), ==, H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x10000+0x2000>0x200000:rw "
                     "0x16000+0x2000>0x206000:rw");
}

/*
 * ibm,create-pe-dma-window, window-create fails: -1 and no window on
 * sPAPR v2; type1v2 has no host windows, the fault is never reached.
 */
static void case_ddw_create(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    arm(s, "window-create", c->err);
    g_assert_cmphex(ddw_create(s, 16, 32), ==, c->type1 ? RTAS_OK
                                                        : RTAS_HW_ERROR);
    g_assert_cmpuint(fired(s), ==, c->type1 ? 0 : 1);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw");
    if (!c->type1) {
        /* The fault is spent: the same create works now. */
        g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    }
    g_assert_cmpint(guest_put_tce(s, DDW_LIOBN, DDW_BUS, 0x300003), ==,
                    H_SUCCESS);
    vfio_assert_view(s, 1, "0x1000+0x1000>0x300000:rw "
                     "0x800000000000000+0x10000>0x300000:rw");
}

/* A DDW's INDIRECT batch of 512 64 KiB pages, map fails. */
static void case_ddw_map(QTestState *s, const Case *c)
{
    g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    arm(s, "map", c->err);
    g_assert_cmpint(guest_put_tce_run(s, DDW_LIOBN, DDW_BUS, 0x1000000, 0x10000,
                                      3, 512),
                    ==, H_HARDWARE);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "0x800000000000000+0x2000000>0x1000000:rw");
}

/*
 * ibm,remove-pe-dma-window of a mapped DDW, the host refuses to drop it
 * (unmap on type1v2, window-remove on sPAPR v2).  sPAPR v2: the container
 * tries the removal again at once (and, if the host still refuses, before
 * the next create), so the host window does not leak.
 */
static void case_ddw_remove(QTestState *s, const Case *c)
{
    const char *op = c->type1 ? "unmap" : "window-remove";

    g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    g_assert_cmpint(guest_put_tce_run(s, DDW_LIOBN, DDW_BUS, 0x1000000, 0x10000,
                                      3, 4),
                    ==, H_SUCCESS);
    arm(s, op, c->err);
    g_assert_cmphex(guest_ddw_remove(s, DDW_LIOBN), ==, RTAS_OK);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "");
    /* the slot is free: the same window can be created again */
    g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    vfio_assert_view(s, 1, "");
}

/*
 * ibm,create-pe-dma-window whose trial host window (the consumer veto's
 * probe, sPAPR v2) the host refuses to remove once: retried at once, so
 * the create succeeds and no host slot is lost; type1v2 has no windows.
 */
static void case_ddw_probe_remove(QTestState *s, const Case *c)
{
    if (c->type1) {
        g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
        vfio_assert_view(s, 1, "");
        return;
    }
    arm(s, "window-remove", c->err);
    g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "");
    g_assert_cmphex(guest_ddw_remove(s, DDW_LIOBN), ==, RTAS_OK);
    g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    vfio_assert_view(s, 1, "");
}

/*
 * ibm,reset-pe-dma-window after the default window was removed and a
 * 64 KiB DDW took its place (LIOBN 0x80000000 at 0): the host refuses to
 * drop the DDW's mappings (type1v2) or to create the default window again
 * (sPAPR v2).
 */
static void case_ddw_reset(QTestState *s, const Case *c)
{
    const char *op = c->type1 ? "unmap" : "window-create";
    uint32_t liobn = 0;
    uint64_t bus = 1;

    g_assert_cmphex(guest_ddw_remove(s, LIOBN), ==, RTAS_OK);
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 32, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(liobn, ==, LIOBN);
    g_assert_cmphex(bus, ==, 0);
    g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0, 0x1000000, 0x10000, 3, 4),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x0+0x40000>0x1000000:rw");
    arm(s, op, c->err);
    g_assert_cmphex(guest_ddw_reset(s, 0, CFG(0)), ==, RTAS_OK);
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_check_allow_broken = true;
    vfio_assert_view(s, 1, "");
    vfio_check_allow_broken = false;
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==,
                    c->type1 ? H_SUCCESS : H_HARDWARE);
}

/* system_reset with mappings in both windows, the host refuses an unmap. */
static void case_system_reset(QTestState *s, const Case *c)
{
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x1000, 0x300003), ==, H_SUCCESS);
    g_assert_cmphex(ddw_create(s, 16, 32), ==, RTAS_OK);
    g_assert_cmpint(guest_put_tce_run(s, DDW_LIOBN, DDW_BUS, 0x1000000, 0x10000,
                                      3, 4),
                    ==, H_SUCCESS);
    arm(s, "unmap", c->err);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    g_assert_cmpuint(fired(s), ==, 1);
    vfio_assert_view(s, 1, "");
}

typedef void (*CaseFn)(QTestState *s, const Case *c);

static const struct {
    const char *name;
    CaseFn fn;
} cases[] = {
    { "h-put-tce/map", case_put_map },
    { "h-put-tce/overwrite", case_put_overwrite },
    { "h-put-tce/unmap", case_put_unmap },
    { "h-put-tce-indirect/map", case_indirect_map },
    { "h-put-tce-indirect/unmap", case_indirect_unmap },
    { "h-stuff-tce/map", case_stuff_map },
    { "h-stuff-tce/unmap", case_stuff_unmap },
    { "ddw-create/window-create", case_ddw_create },
    { "ddw-map/map", case_ddw_map },
    { "ddw-remove", case_ddw_remove },
    { "ddw-create/probe-remove", case_ddw_probe_remove },
    { "ddw-reset", case_ddw_reset },
    { "system-reset/unmap", case_system_reset },
};

/* One machine per (type, path): the 4 errnos in turn, reset in between. */
static void test_case(gconstpointer data)
{
    unsigned idx = GPOINTER_TO_UINT(data);
    unsigned t = idx / G_N_ELEMENTS(cases), k = idx % G_N_ELEMENTS(cases);
    Case c = { .type = t ? "spapr-tce-v2" : "type1v2", .type1 = !t };
    QTestState *s = start(&c);

    for (unsigned e = 0; e < G_N_ELEMENTS(errnos); e++) {
        c.err = errnos[e];
        c.strerr = strerrors[e];
        cases[k].fn(s, &c);
        finish(s, &c);
    }
    qtest_quit(s);
}

/* ---- device_add with a fault armed on the new instance (fail=) ------- */

/*
 * The error device_add gives when the first call of @op fails with
 * @strerr, or NULL when the attach never makes that call (type1v2 has no
 * windows or pre-registration).
 */
static char *device_add_error(bool type1, const char *op, const char *strerr)
{
    if (!strcmp(op, "setup")) {
        /* The fault looks like a host without a usable type. */
        return g_strdup_printf("vfio: the soft host offers no supported IOMMU "
                               "type (type1v2, sPAPR TCE v2): %s", strerr);
    }
    if (!strcmp(op, "info")) {
        return g_strdup_printf("vfio: cannot read the host IOMMU info: %s",
                               strerr);
    }
    if (!strcmp(op, "map")) {
        return g_strdup_printf("vfio: window tce-iommu-80000000 [0x0, "
                               "0x3fffffff] (size 0x40000000, TCE page "
                               "0x1000): replay failed: replay of IOMMU "
                               "region 'tce-iommu-80000000' failed in "
                               "batch_commit: %s", strerr);
    }
    if (type1) {
        return NULL;
    }
    if (!strcmp(op, "register")) {
        return g_strdup_printf("vfio: cannot pre-register guest RAM at 0x0 "
                               "(0x40000000 bytes): %s", strerr);
    }
    if (!strcmp(op, "window-create")) {
        return g_strdup_printf("vfio: window tce-iommu-80000000 [0x0, "
                               "0x3fffffff] (size 0x40000000, TCE page "
                               "0x1000): cannot create a host DMA window of "
                               "0x40000000 bytes with 0x1000 pages, 2 "
                               "levels: %s", strerr);
    }
    g_assert_cmpstr(op, ==, "window-remove");
    return g_strdup_printf("vfio: cannot remove the host's default DMA "
                           "window at 0x0: %s", strerr);
}

static const char *const attach_ops[] = {
    "setup", "info", "register", "window-create", "window-remove", "map",
};

/*
 * device_add of vfio-pci on a soft host whose new instances fail the first
 * call of @op (its fail= property), with 8 TCEs mapped already (the attach
 * replays them): the exact error and no container left, or (a call the
 * attach does not make) a working device; the guest view is intact.
 */
static void test_device_add(gconstpointer data)
{
    unsigned idx = GPOINTER_TO_UINT(data);
    bool type1 = idx / G_N_ELEMENTS(attach_ops) == 0;
    const char *op = attach_ops[idx % G_N_ELEMENTS(attach_ops)];

    for (unsigned e = 0; e < G_N_ELEMENTS(errnos); e++) {
        QTestState *s = qtest_initf("-M pseries -object vfio-soft-host,id=h0,"
                                    "iommu-type=%s,fail=%s:1:%s",
                                    type1 ? "type1v2" : "spapr-tce-v2", op,
                                    errnos[e]);
        g_autofree char *want = device_add_error(type1, op, strerrors[e]);
        JsonObject *rsp;

        g_assert_cmpint(guest_put_tce_run(s, LIOBN, 0x10000, 0x200000, 0x1000,
                                          3, 8),
                        ==, H_SUCCESS);
        rsp = qtest_qmp(s, "{\"execute\": \"device_add\", \"arguments\": "
                        "{\"driver\": \"vfio-pci\", \"soft-host\": \"h0\", "
                        "\"bus\": \"pci.0\", \"addr\": \"3\", \"id\": "
                        "\"v0\"}}");
        if (want) {
            g_assert_true(json_object_has_member(rsp, "error"));
            g_assert_cmpstr(json_object_get_string_member(
                json_object_get_object_member(rsp, "error"), "desc"), ==,
                want);
            vfio_assert_view(s, 0, "0x10000+0x8000>0x200000:rw");
        } else {
            g_assert_true(json_object_has_member(rsp, "return"));
            vfio_assert_view(s, 1, "0x10000+0x8000>0x200000:rw");
        }
        json_object_unref(rsp);
        qtest_quit(s);
    }
}

int main(int argc, char **argv)
{
    static const char *const types[] = { "type1v2", "spapr-tce-v2" };

    g_test_init(&argc, &argv, NULL);
    for (unsigned t = 0; t < G_N_ELEMENTS(types); t++) {
        for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
            g_autofree char *path = g_strdup_printf("/fault/%s/%s", types[t],
                                                    cases[k].name);

            g_test_add_data_func(path, GUINT_TO_POINTER(t * G_N_ELEMENTS(cases)
                                                        + k), test_case);
        }
        for (unsigned k = 0; k < G_N_ELEMENTS(attach_ops); k++) {
            g_autofree char *path = g_strdup_printf("/fault/%s/device-add/%s",
                                                    types[t], attach_ops[k]);

            g_test_add_data_func(path, GUINT_TO_POINTER(
                t * G_N_ELEMENTS(attach_ops) + k), test_device_add);
        }
    }
    return g_test_run();
}
