/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random-operation model check: a seeded generator of long sequences of
 * TCE hcalls, DDW calls, vfio-pci plug/unplug on a soft host, guest unplug
 * completion, system_reset, injected host faults and migrate-and-reload
 * (the sequence goes on in a new process loaded from the stream of the
 * last one), against a model of
 * what the guest should read back.  After every step: host mappings ==
 * projection of the guest view (vfio-check.h), the process alive and
 * answering; every 256 steps: VmRSS and TCE storage bytes bounded.
 *
 *   model-check [--seeds FIRST-LAST] [--ops N]     (GLib test options too)
 *
 * Seed S runs IOMMU type S % 2 (spapr-tce-v2, type1v2) and kernel-tce
 * level (S / 2) % N of levels[] below.  A failure prints the seed, the
 * step and the one command that replays it.  docs/reliability.md.
 */

#include "qemu/osdep.h"
#include <signal.h>
#include <json-glib/json-glib.h>
#include "libqtest.h"
#include "vfio-check.h"
#include "spapr-guest.h"

#define H_SUCCESS       0
#define H_HARDWARE      (-1)
#define H_PARAMETER     (-4)
#define RTAS_OK         0U
#define RTAS_HW         0xffffffffU
#define RTAS_PARAM      0xfffffffdU
#define DRC             (0x40000000U | 3 << 3)     /* 00:03.0 */
#define LIST            0x200000ULL
#define DDW_BUS         (1ULL << 59)
#define RAM_PAGES       (64 << 8)                  /* 4K pages in 64 MiB */
#define HOT_ENTRIES     512                        /* where most puts land */
#define RSS_SLACK       (256ULL << 20)
#define STORAGE_MAX     (16ULL << 20)

/* kernel-tce levels (docs/user/kernel-tce.md): extend here. */
static const char *const levels[] = { "off", "on", "vfio" };
static const char *const iommu_types[] = { "spapr-tce-v2", "type1v2" };

typedef struct Window {
    bool active;
    bool is_default;            /* made by reset, not by a create */
    uint32_t liobn;
    uint64_t bus;
    unsigned shift;
    uint64_t entries;
    GHashTable *tce;            /* entry index -> TCE (non-zero only) */
} Window;

typedef enum { DEV_NONE, DEV_PLUGGED, DEV_CONFIGURED, DEV_PENDING } DevState;

typedef struct Model {
    QTestState *s;
    GRand *rand;
    Window win[2];              /* [0]: LIOBN ...00, [1]: ...01 */
    DevState dev;
    bool type1;                 /* the host is type1v2 */
    bool kernel_tce;            /* kernel-tce level other than off */
    unsigned faults;            /* armed (x-vfio-soft-fault) */
    uint64_t injected;          /* injected_total() when last looked */
    uint64_t resync_failures;   /* resync_failures() when last looked */
    bool desynced;              /* a resync failed: no host check */
    uint64_t desyncs;
    uint64_t rss0, rss_max, storage_max;
    uint64_t counts[16];
    const char *args;           /* the command line, without -device/-incoming */
    uint64_t loaded_entries;    /* entries checked right after the loads */
} Model;

/* What a failure prints. */
static unsigned cur_seed, cur_ops;
static uint64_t cur_step;
static const char *cur_op = "start";
static const char *argv0;
static bool verbose;            /* MODEL_CHECK_VERBOSE set: log each step */

static void on_abort(int sig)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf),
                     "\nmodel-check: FAILED seed %u at step %" PRIu64
                     " (%s); reproduce with:\n  QTEST_QEMU_BINARY=%s %s "
                     "--seeds %u-%u --ops %u\n", cur_seed, cur_step, cur_op,
                     getenv("QTEST_QEMU_BINARY") ?: "build/qemu-system-ppc64",
                     argv0, cur_seed, cur_seed, cur_ops);

    if (n > 0 && write(2, buf, MIN((size_t)n, sizeof(buf))) < 0) {
        /* nothing more to do */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

enum {
    OP_PUT, OP_GET, OP_STUFF, OP_INDIRECT, OP_DDW_QUERY, OP_DDW_CREATE,
    OP_DDW_REMOVE, OP_DDW_RESET, OP_PLUG, OP_UNPLUG, OP_GUEST, OP_RESET,
    OP_FAULT, OP_MIGRATE, OP__MAX
};
static const char *const op_names[] = {
    "put", "get", "stuff", "indirect", "ddw-query", "ddw-create",
    "ddw-remove", "ddw-reset", "device_add", "device_del", "guest-unplug",
    "system_reset", "fault", "migrate-reload",
};
/* Relative weights of the operations (a migrate-and-reload: 1 in 951). */
static const unsigned op_weights[] = {
    400, 150, 80, 80, 30, 40, 30, 20, 30, 30, 30, 10, 20, 1,
};

static void window_default(Window *w)
{
    w->active = true;
    w->is_default = true;
    w->liobn = 0x80000000U;
    w->bus = 0;
    w->shift = 12;
    w->entries = (1ULL << 30) >> 12;
    g_hash_table_remove_all(w->tce);
}

static void windows_reset(Model *m)
{
    window_default(&m->win[0]);
    m->win[1].active = false;
    g_hash_table_remove_all(m->win[1].tce);
}

static Window *window_of(Model *m, uint32_t liobn)
{
    return &m->win[liobn & 1];
}

static Window *pick_window(Model *m)
{
    Window *w = &m->win[g_rand_int_range(m->rand, 0, 2)];

    w = w->active ? w : &m->win[!(w - m->win)];
    return w->active ? w : NULL;
}

static uint64_t pick_entry(Model *m, Window *w)
{
    if (g_rand_int_range(m->rand, 0, 8)) {
        return g_rand_int_range(m->rand, 0, HOT_ENTRIES) % w->entries;
    }
    return ((uint64_t)g_rand_int(m->rand) << 20 ^ g_rand_int(m->rand)) %
           (w->entries + 4);        /* a few past the end */
}

/* A TCE: a page of the first 64 MiB, page-size aligned, permission 0-3. */
static uint64_t pick_tce(Model *m, Window *w)
{
    uint64_t page = 1ULL << w->shift;
    uint64_t gpa = ((uint64_t)g_rand_int_range(m->rand, 0x400, RAM_PAGES)
                    << 12) & ~(page - 1);

    if (!g_rand_int_range(m->rand, 0, 8)) {
        return 0;
    }
    return gpa | g_rand_int_range(m->rand, 0, 4);
}

static uint64_t model_get(Window *w, uint64_t entry)
{
    gpointer v = g_hash_table_lookup(w->tce, &entry);

    return v ? *(uint64_t *)v : 0;
}

static void model_set(Window *w, uint64_t entry, uint64_t tce)
{
    if (tce) {
        uint64_t *k = g_new(uint64_t, 2);

        k[0] = entry;
        k[1] = tce;
        g_hash_table_replace(w->tce, k, &k[1]);
    } else {
        g_hash_table_remove(w->tce, &entry);
    }
}

/* H_GET_TCE of @entry, compared with the model (which is updated). */
static void check_entry(Model *m, Window *w, uint64_t entry, bool resync)
{
    uint64_t got = 0;
    int64_t ret = guest_get_tce(m->s, w->liobn, w->bus + (entry << w->shift),
                                &got);

    g_assert_cmpint(ret, ==, H_SUCCESS);
    if (resync) {
        model_set(w, entry, got);
    } else {
        g_assert_cmphex(got, ==, model_get(w, entry));
    }
}

/* Faults the soft host has injected so far, over its live instances. */
static uint64_t injected_total(Model *m)
{
    JsonObject *rsp = qtest_qmp(m->s, "{\"execute\": \"x-query-vfio-soft\", "
                                "\"arguments\": {\"id\": \"h0\"}}");
    JsonArray *inst = json_object_get_array_member(
        json_object_get_object_member(rsp, "return"), "instances");
    uint64_t sum = 0;

    for (guint i = 0; i < json_array_get_length(inst); i++) {
        JsonObject *c = json_object_get_object_member(
            json_array_get_object_element(inst, i), "counters");
        GList *ops = json_object_get_members(c);

        for (GList *l = ops; l; l = l->next) {
            sum += json_object_get_int_member(
                json_object_get_object_member(c, l->data), "injected");
        }
        g_list_free(ops);
    }
    json_object_unref(rsp);
    return sum;
}

/* Was the failure just seen caused by an injected fault? */
static bool fault_fired(Model *m)
{
    uint64_t now = injected_total(m);
    bool fired = now > m->injected;

    m->injected = now;
    return fired;
}

/*
 * Is the window at @bus broken on the host (x-query-vfio "broken": a
 * window-create fault or a refused resize left it without a host window,
 * docs/user/ddw.md rule 8)?
 */
static bool window_broken(Model *m, uint64_t bus)
{
    JsonObject *rsp = qtest_qmp(m->s, "{\"execute\": \"x-query-vfio\"}");
    JsonArray *cs = json_object_get_array_member(rsp, "return");
    bool broken = false;

    for (guint i = 0; i < json_array_get_length(cs); i++) {
        JsonArray *ws = json_object_get_array_member(
            json_array_get_object_element(cs, i), "windows");

        for (guint k = 0; k < json_array_get_length(ws); k++) {
            JsonObject *o = json_array_get_object_element(ws, k);

            if ((uint64_t)json_object_get_int_member(o, "bus-start") == bus &&
                json_object_get_boolean_member(o, "broken")) {
                broken = true;
            }
        }
    }
    json_object_unref(rsp);
    return broken;
}

/*
 * After a failed update: H_HARDWARE only, and only for a fault injected by
 * this very call, a window the host holds broken, or a consumer a failed
 * resynchronisation left out of sync; the model is re-read.
 */
static void after_failure(Model *m, int64_t ret, Window *w, uint64_t entry,
                          uint64_t n)
{
    bool fired = fault_fired(m);
    bool broken = !fired && window_broken(m, w->bus);

    if (ret != H_HARDWARE || (!fired && !broken && !m->desynced)) {
        g_test_message("%s on LIOBN 0x%x (bus 0x%" PRIx64 ", shift %u) "
                       "entry 0x%" PRIx64 " n %" PRIu64 ": %" PRId64
                       " with %u faults armed, device state %d", cur_op,
                       w->liobn, w->bus, w->shift, entry, n, ret, m->faults,
                       m->dev);
    }
    g_assert_cmpint(ret, ==, H_HARDWARE);
    g_assert_true(fired || broken || m->desynced);
    for (uint64_t i = 0; i < n; i++) {
        check_entry(m, w, entry + i, true);
    }
}

static void op_put(Model *m)
{
    Window *w = pick_window(m);
    uint64_t entry = pick_entry(m, w), tce = pick_tce(m, w);
    int64_t ret = guest_put_tce(m->s, w->liobn, w->bus + (entry << w->shift),
                                tce);

    if (entry >= w->entries) {
        g_assert_cmpint(ret, ==, H_PARAMETER);
    } else if (ret == H_SUCCESS) {
        model_set(w, entry, tce);
    } else {
        after_failure(m, ret, w, entry, 1);
    }
}

static void op_get(Model *m)
{
    Window *w = pick_window(m);
    uint64_t entry = pick_entry(m, w);

    if (entry < w->entries) {
        check_entry(m, w, entry, false);
    }
}

/* Is the table of @liobn owned by the kernel (x-query-spapr-tce "owner")? */
static bool kernel_owned(Model *m, uint32_t liobn)
{
    JsonObject *rsp = qtest_qmp(m->s, "{\"execute\": \"x-query-spapr-tce\", "
                                "\"arguments\": {\"liobn\": %u}}", liobn);
    JsonArray *a = json_object_get_array_member(rsp, "return");
    bool kernel = json_array_get_length(a) == 1 &&
        !strcmp(json_object_get_string_member(
                    json_array_get_object_element(a, 0), "owner"), "kernel");

    json_object_unref(rsp);
    return kernel;
}

static void op_stuff(Model *m)
{
    Window *w = pick_window(m);
    uint64_t entry = g_rand_int_range(m->rand, 0, HOT_ENTRIES);
    uint64_t n = g_rand_int_range(m->rand, 1, 33), tce = pick_tce(m, w);
    int64_t ret;

    if (entry + n > w->entries) {
        return;
    }
    ret = guest_stuff_tce(m->s, w->liobn, w->bus + (entry << w->shift), tce,
                          n);
    if (m->kernel_tce && (tce & 3) && kernel_owned(m, w->liobn)) {
        /*
         * a kernel-owned table (no device, or at level vfio one linked to
         * it): the kernel stuffs only clears (kernel-tce.md)
         */
        g_assert_cmpint(ret, ==, H_PARAMETER);
        return;
    }
    if (ret == H_SUCCESS) {
        for (uint64_t i = 0; i < n; i++) {
            model_set(w, entry + i, tce);
        }
    } else {
        after_failure(m, ret, w, entry, n);
    }
}

static void op_indirect(Model *m)
{
    Window *w = pick_window(m);
    uint64_t entry = g_rand_int_range(m->rand, 0, HOT_ENTRIES);
    uint64_t n = g_rand_int_range(m->rand, 1, 9), tces[8];
    int64_t ret;

    if (entry + n > w->entries) {
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        tces[i] = pick_tce(m, w);
        qtest_writeq(m->s, LIST + 8 * i, tces[i]);
    }
    ret = guest_put_tce_indirect(m->s, w->liobn, w->bus + (entry << w->shift),
                                 LIST, n);
    if (ret == H_SUCCESS) {
        for (uint64_t i = 0; i < n; i++) {
            model_set(w, entry + i, tces[i]);
        }
    } else {
        after_failure(m, ret, w, entry, n);
    }
}

static unsigned avail(Model *m)
{
    return !m->win[0].active + !m->win[1].active;
}

static void op_ddw_query(Model *m)
{
    uint32_t out[5];

    g_assert_cmphex(guest_ddw_query(m->s, 0, 0x1800, out), ==, RTAS_OK);
    g_assert_cmpuint(out[0], ==, avail(m));
}

static void op_ddw_create(Model *m)
{
    static const unsigned shifts[] = { 12, 16, 21, 24 };
    unsigned ps = shifts[g_rand_int_range(m->rand, 0, 4)];
    unsigned ws = ps + g_rand_int_range(m->rand, 4, 19);
    uint32_t liobn = 0;
    uint64_t bus = 0;
    uint32_t st = guest_ddw_create(m->s, 0, 0x1800, ps, ws, &liobn, &bus);
    Window *w, *other;

    if (!avail(m)) {
        g_assert_cmphex(st, ==, RTAS_HW);
        return;
    }
    if (st != RTAS_OK) {
        /*
         * A refusing host: a fault injected by this call, or a window it
         * cannot hold (type1v2 ranges, a page size it lacks:
         * docs/user/ddw.md rule 8), which it refuses again alike.
         */
        g_assert_cmphex(st, ==, RTAS_HW);
        g_assert_cmpint(m->dev, !=, DEV_NONE);
        if (!fault_fired(m)) {
            st = guest_ddw_create(m->s, 0, 0x1800, ps, ws, &liobn, &bus);
            fault_fired(m);
            g_assert_cmphex(st, ==, RTAS_HW);
        }
        return;
    }
    w = window_of(m, liobn);
    other = &m->win[!(w - m->win)];
    g_assert_false(w->active);
    g_assert_cmphex(liobn & ~1U, ==, 0x80000000U);
    w->active = true;
    w->is_default = false;
    w->liobn = liobn;
    w->bus = bus;
    /* at dma_win_addr unless a window starts there (docs/user/ddw.md) */
    g_assert_cmphex(w->bus, ==, (other->active && other->bus == 0 ?
                                 DDW_BUS : 0));
    w->shift = ps;
    w->entries = 1ULL << (ws - ps);
    g_hash_table_remove_all(w->tce);
}

static void op_ddw_remove(Model *m)
{
    Window *w = &m->win[g_rand_int_range(m->rand, 0, 2)];
    uint32_t st = guest_ddw_remove(m->s, 0x80000000U | (w - m->win));

    if (!w->active) {
        g_assert_cmphex(st, ==, RTAS_PARAM);
        return;
    }
    if (st != RTAS_OK) {
        g_assert_cmphex(st, ==, RTAS_HW);
        g_assert_cmpint(m->dev, !=, DEV_NONE);
        return;
    }
    w->active = false;
    g_hash_table_remove_all(w->tce);
    /*
     * The last window gone, and it was not the default one: the default
     * comes back (docs/user/ddw.md).
     */
    if (!m->win[0].active && !m->win[1].active && !w->is_default) {
        window_default(&m->win[0]);
    }
}

static void op_ddw_reset(Model *m)
{
    uint32_t st = guest_ddw_reset(m->s, 0, 0x1800);

    if (st == RTAS_OK) {
        windows_reset(m);
    } else {
        g_assert_cmphex(st, ==, RTAS_HW);
        g_assert_cmpint(m->dev, !=, DEV_NONE);
    }
}

static void assert_deleted(Model *m)
{
    for (;;) {
        JsonObject *ev = qtest_qmp_eventwait_ref(m->s, "DEVICE_DELETED");
        JsonObject *data = json_object_get_object_member(ev, "data");
        bool ours = json_object_has_member(data, "device") &&
            !strcmp(json_object_get_string_member(data, "device"), "v0");

        json_object_unref(ev);
        if (ours) {
            break;
        }
    }
    m->dev = DEV_NONE;
    m->injected = injected_total(m);
}

static void op_plug(Model *m)
{
    JsonObject *rsp;

    if (m->dev != DEV_NONE) {
        return;
    }
    rsp = qtest_qmp(m->s, "{\"execute\": \"device_add\", \"arguments\": "
                    "{\"driver\": \"vfio-pci\", \"soft-host\": \"h0\", "
                    "\"bus\": \"pci.0\", \"addr\": \"3\", \"group\": 1, "
                    "\"id\": \"v0\"}}");
    /* type1v2 cannot hold a window outside its IOVA ranges: refused */
    if (json_object_has_member(rsp, "return")) {
        m->dev = DEV_PLUGGED;
    }
    json_object_unref(rsp);
    m->injected = injected_total(m);
}

static void op_guest_configure(Model *m)
{
    guest_drc_configure(m->s, DRC);
    m->dev = DEV_CONFIGURED;
}

static void op_unplug(Model *m)
{
    if (m->dev == DEV_NONE || m->dev == DEV_PENDING) {
        return;
    }
    qtest_qmp_assert_success(m->s, "{\"execute\": \"device_del\", "
                             "\"arguments\": {\"id\": \"v0\"}}");
    if (m->dev == DEV_PLUGGED) {
        assert_deleted(m);          /* never taken by the guest: at once */
    } else {
        m->dev = DEV_PENDING;
    }
}

/* The guest's part: take a fresh device, or release a pending one. */
static void op_guest(Model *m)
{
    if (m->dev == DEV_PLUGGED) {
        op_guest_configure(m);
    } else if (m->dev == DEV_PENDING) {
        guest_drc_isolate(m->s, DRC);
        assert_deleted(m);
    }
}

static void op_reset(Model *m)
{
    qtest_qmp_assert_success(m->s, "{\"execute\": \"system_reset\"}");
    if (m->dev == DEV_PENDING) {
        assert_deleted(m);
    } else if (m->dev == DEV_PLUGGED) {
        m->dev = DEV_CONFIGURED;    /* present at reset: the guest's now */
    }
    windows_reset(m);
}

static void op_fault(Model *m)
{
    static const char *const ops[] = { "map", "unmap", "window-create" };
    static const char *const errs[] = { "ENOSPC", "EFAULT", "EBUSY",
                                        "ENOMEM" };
    JsonObject *rsp;

    if (m->dev == DEV_NONE) {
        return;
    }
    rsp = qtest_qmp(m->s, "{\"execute\": \"x-vfio-soft-fault\", \"arguments\": "
                    "{\"id\": \"h0\", \"op\": \"%s\", \"nth\": %d, "
                    "\"errno\": \"%s\"}}",
                    ops[g_rand_int_range(m->rand, 0, 3)],
                    g_rand_int_range(m->rand, 1, 4),
                    errs[g_rand_int_range(m->rand, 0, 4)]);
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    m->faults++;
}

static uint64_t vm_rss(QTestState *s);
static uint64_t resync_failures(QTestState *s);
static void check_all(Model *m);

/*
 * Migrate to a file, quit, start a new process with the same command line
 * (the device on it if one is attached) and -incoming file:, and go on
 * there.  Armed faults do not travel (the soft host is not migrated); the
 * loaded tables are replayed to the new host, so host == guest view holds
 * again even where the source was out of sync.  Every entry of the model
 * is read back at once.
 */
static void op_migrate(Model *m)
{
    g_autofree char *path = g_strdup_printf("%s/model-check-%d.mig",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *st = NULL, *st2 = NULL;

    qtest_qmp_assert_success(m->s, "{\"execute\": \"migrate\", "
                             "\"arguments\": {\"uri\": \"file:%s\"}}", path);
    st = guest_migrate_wait(m->s, NULL);
    g_assert_cmpstr(st, ==, "completed");
    qtest_quit(m->s);
    m->s = qtest_initf("%s%s -incoming file:%s", m->args,
                       m->dev == DEV_NONE ? "" :
                       " -device vfio-pci,soft-host=h0,bus=pci.0,addr=3,"
                       "group=1,id=v0", path);
    st2 = guest_migrate_wait(m->s, NULL);
    g_assert_cmpstr(st2, ==, "completed");
    unlink(path);
    m->faults = 0;
    m->injected = injected_total(m);
    m->resync_failures = resync_failures(m->s);
    m->desynced = false;
    m->rss0 = vm_rss(m->s);
    for (int i = 0; i < 2; i++) {
        m->loaded_entries += m->win[i].active ?
                             g_hash_table_size(m->win[i].tce) : 0;
    }
    check_all(m);
}

static uint64_t vm_rss(QTestState *s)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", qtest_pid(s));
    g_autofree char *text = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    p = strstr(text, "VmRSS:");
    g_assert_nonnull(p);
    return g_ascii_strtoull(p + 6, NULL, 10) << 10;
}

static uint64_t storage_bytes(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\"}");
    JsonArray *a = json_object_get_array_member(rsp, "return");
    uint64_t sum = 0;

    for (guint i = 0; i < json_array_get_length(a); i++) {
        sum += json_object_get_int_member(json_array_get_object_element(a, i),
                                          "bytes-used");
    }
    json_object_unref(rsp);
    return sum;
}

/*
 * resync-failures over all tables: a consumer a fault left out of sync
 * (docs/user/tce-hypercalls.md, "a DMA consumer is out of sync"); host ==
 * guest view is not expected again until a reset resynchronises it.
 */
static uint64_t resync_failures(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\"}");
    JsonArray *a = json_object_get_array_member(rsp, "return");
    uint64_t sum = 0;

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *t = json_array_get_object_element(a, i);

        if (json_object_has_member(t, "resync-failures")) {
            sum += json_object_get_int_member(t, "resync-failures");
        }
    }
    json_object_unref(rsp);
    return sum;
}

static void check_bounds(Model *m)
{
    uint64_t rss = vm_rss(m->s), st = storage_bytes(m->s);

    m->rss_max = MAX(m->rss_max, rss);
    m->storage_max = MAX(m->storage_max, st);
    g_assert_cmpuint(rss, <, m->rss0 + RSS_SLACK);
    g_assert_cmpuint(st, <, STORAGE_MAX);
}

/* Every entry the model holds, compared with H_GET_TCE. */
static void check_all(Model *m)
{
    for (int i = 0; i < 2; i++) {
        Window *w = &m->win[i];
        GHashTableIter it;
        gpointer k;

        if (!w->active) {
            continue;
        }
        g_hash_table_iter_init(&it, w->tce);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            check_entry(m, w, *(uint64_t *)k, false);
        }
    }
}

static unsigned pick_op(Model *m)
{
    unsigned total = 0, r;

    for (unsigned i = 0; i < OP__MAX; i++) {
        total += op_weights[i];
    }
    r = g_rand_int_range(m->rand, 0, total);
    for (unsigned i = 0; i < OP__MAX; i++) {
        if (r < op_weights[i]) {
            return i;
        }
        r -= op_weights[i];
    }
    g_assert_not_reached();
}

static void run_seed(unsigned seed, unsigned nops)
{
    const char *type = iommu_types[seed % 2];
    const char *level = levels[(seed / 2) % G_N_ELEMENTS(levels)];
    Model m = { .rand = g_rand_new_with_seed(seed), .type1 = seed % 2,
                .kernel_tce = strcmp(level, "off") != 0 };
    g_autofree char *args = NULL;

    cur_seed = seed;
    cur_step = 0;
    cur_op = "start";
    for (int i = 0; i < 2; i++) {
        m.win[i].tce = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                             g_free, NULL);
    }
    windows_reset(&m);
    args = g_strdup_printf("-M pseries -nodefaults -m 256M "
                           "-accel qtest,kernel-tce=%s "
                           "-object vfio-soft-host,id=h0,iommu-type=%s",
                           level, type);
    m.args = args;
    m.s = qtest_init(args);
    m.rss0 = vm_rss(m.s);
    for (cur_step = 1; cur_step <= nops; cur_step++) {
        unsigned op = pick_op(&m);

        cur_op = op_names[op];
        m.counts[op]++;
        if (verbose) {
            g_test_message("step %" PRIu64 ": %s (device %d, faults %u)",
                           cur_step, cur_op, m.dev, m.faults);
        }
        if (op <= OP_INDIRECT && !m.win[0].active && !m.win[1].active) {
            op = OP_DDW_QUERY;      /* no window to put into */
        }
        switch (op) {
        case OP_PUT: op_put(&m); break;
        case OP_GET: op_get(&m); break;
        case OP_STUFF: op_stuff(&m); break;
        case OP_INDIRECT: op_indirect(&m); break;
        case OP_DDW_QUERY: op_ddw_query(&m); break;
        case OP_DDW_CREATE: op_ddw_create(&m); break;
        case OP_DDW_REMOVE: op_ddw_remove(&m); break;
        case OP_DDW_RESET: op_ddw_reset(&m); break;
        case OP_PLUG: op_plug(&m); break;
        case OP_UNPLUG: op_unplug(&m); break;
        case OP_GUEST: op_guest(&m); break;
        case OP_RESET: op_reset(&m); break;
        case OP_FAULT: op_fault(&m); break;
        case OP_MIGRATE: op_migrate(&m); break;
        }
        cur_op = "invariant";
        if (m.faults) {
            uint64_t rf = resync_failures(m.s);

            if (op == OP_RESET || m.dev == DEV_NONE) {
                m.desynced = false;
            }
            if (rf > m.resync_failures) {
                m.desynced = true;
                m.desyncs++;
            }
            m.resync_failures = rf;
            if (m.dev == DEV_NONE) {
                m.faults = 0;
            }
        }
        /* a window-create fault leaves a broken window (docs/user/ddw.md) */
        vfio_check_allow_broken = m.faults > 0;
        if (!m.desynced) {
            g_free(vfio_check(m.s, m.dev != DEV_NONE));
        }
        if (cur_step % 256 == 0) {
            cur_op = "bounds";
            check_bounds(&m);
            check_all(&m);
        }
    }
    check_bounds(&m);
    check_all(&m);
    g_test_message("seed %u (%s, kernel-tce=%s): %u ops, rss %" PRIu64
                   " -> max %" PRIu64 " KiB, storage max %" PRIu64 " B, "
                   "%" PRIu64 " failed resyncs, %" PRIu64 " entries checked "
                   "after %" PRIu64 " loads", seed, type, level, nops,
                   m.rss0 >> 10, m.rss_max >> 10, m.storage_max, m.desyncs,
                   m.loaded_entries, m.counts[OP_MIGRATE]);
    {
        g_autoptr(GString) line = g_string_new("ops:");

        for (unsigned i = 0; i < OP__MAX; i++) {
            g_string_append_printf(line, " %s %" PRIu64, op_names[i],
                                   m.counts[i]);
        }
        g_test_message("%s", line->str);
    }
    qtest_quit(m.s);
    for (int i = 0; i < 2; i++) {
        g_hash_table_destroy(m.win[i].tce);
    }
    g_rand_free(m.rand);
}

typedef struct SeedRun {
    unsigned seed, ops;
} SeedRun;

static void test_seed(gconstpointer data)
{
    const SeedRun *r = data;

    cur_ops = r->ops;
    run_seed(r->seed, r->ops);
}

int main(int argc, char **argv)
{
    unsigned first = 1, last = 8, ops = 12500;
    GPtrArray *runs = g_ptr_array_new_with_free_func(g_free);
    int out = 1, ret;

    argv0 = argv[0];
    /*
     * Under ASan freed memory sits in a quarantine of up to 256 MiB, which
     * the RSS bound would take for growth: keep the binary's small.
     */
    {
        const char *asan = getenv("ASAN_OPTIONS");
        g_autofree char *opts = g_strdup_printf("%s%squarantine_size_mb=16",
                                                asan ? asan : "",
                                                asan && *asan ? ":" : "");

        g_setenv("ASAN_OPTIONS", opts, TRUE);
    }
    verbose = getenv("MODEL_CHECK_VERBOSE") != NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
            if (sscanf(argv[++i], "%u-%u", &first, &last) == 1) {
                last = first;
            }
        } else if (!strcmp(argv[i], "--ops") && i + 1 < argc) {
            ops = strtoul(argv[++i], NULL, 0);
        } else {
            argv[out++] = argv[i];
        }
    }
    argc = out;
    g_test_init(&argc, &argv, NULL);
    signal(SIGABRT, on_abort);
    for (unsigned seed = first; seed <= last; seed++) {
        SeedRun *r = g_new(SeedRun, 1);
        g_autofree char *path = g_strdup_printf("/model-check/seed-%u", seed);

        r->seed = seed;
        r->ops = ops;
        g_ptr_array_add(runs, r);
        g_test_add_data_func(path, r, test_seed);
    }
    ret = g_test_run();
    g_ptr_array_free(runs, TRUE);
    return ret;
}
