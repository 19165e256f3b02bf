/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the sPAPR TCE table (hw/ppc/spapr_iommu.c): every hypercall
 * rule with its exact H_* code, validate-then-commit, the IOMMU events and
 * batches consumers see, replay, need_vfio, enable/disable through a memory
 * listener, and the qtest "hcall" verb.  In-process, on a real pseries
 * machine with 1 GiB of RAM and a table owned by a test device.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include <json-glib/json-glib.h>
#include "monitor/monitor.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "system/qtest.h"
#include "system/system.h"

/* Not PCI LIOBNs: the machine's default PHB owns 0x80000000/0x80000001. */
#define LIOBN       0x71000000U
#define LIOBN_DDW   0x71000001U
#define RAM_SIZE    (1ULL << 30)
#define WIN_ENTRIES 0x40000U            /* 1 GiB of 4 KiB pages */
#define LIST_GPA    0x100000ULL         /* a TCE list page in guest RAM */

#define TYPE_TEST_TCE_OWNER "test-tce-owner"

static const TypeInfo test_owner_info = {
    .name = TYPE_TEST_TCE_OWNER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
};

typedef struct Fixture {
    SpaprMachineState *spapr;
    DeviceState *owner;
    SpaprTceTable *tcet;
    SpaprTceTable *ddw;
} Fixture;

/* One recorded notifier call. */
typedef struct Ev {
    char kind;                  /* 'B' begin, 'C' commit, 'M' map, 'U' unmap */
    uint64_t iova;
    uint64_t translated;
    uint64_t mask;
    int perm;
} Ev;

/*
 * A recording consumer with fault injection: fail the Nth call (1-based) of
 * a kind, or every MAP from the Nth on; 0 = never.
 */
typedef struct Rec {
    IOMMUNotifier n;
    GArray *evs;
    int fail_map_at;
    int fail_maps_from;
    int fail_unmap_at;
    int fail_begin_at;
    int fail_commit_at;
    int maps, unmaps, begins, commits;
} Rec;

static int rec_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    Rec *r = container_of(n, Rec, n);
    Ev e = {
        .kind = ev->type == IOMMU_NOTIFIER_MAP ? 'M' : 'U',
        .iova = ev->entry.iova,
        .translated = ev->entry.translated_addr,
        .mask = ev->entry.addr_mask,
        .perm = ev->entry.perm,
    };

    g_array_append_val(r->evs, e);
    if (e.kind == 'M') {
        ++r->maps;
        if (r->maps == r->fail_map_at ||
            (r->fail_maps_from && r->maps >= r->fail_maps_from)) {
            return -EIO;
        }
    } else if (++r->unmaps == r->fail_unmap_at) {
        return -EBUSY;
    }
    return 0;
}

static int rec_begin(IOMMUNotifier *n)
{
    Rec *r = container_of(n, Rec, n);
    Ev e = { .kind = 'B' };

    g_array_append_val(r->evs, e);
    return ++r->begins == r->fail_begin_at ? -ENOSPC : 0;
}

static int rec_commit(IOMMUNotifier *n)
{
    Rec *r = container_of(n, Rec, n);
    Ev e = { .kind = 'C' };

    g_array_append_val(r->evs, e);
    return ++r->commits == r->fail_commit_at ? -ENOSPC : 0;
}

static void rec_register(Rec *r, SpaprTceTable *tcet, IOMMUNotifierFlag flags)
{
    r->evs = g_array_new(FALSE, TRUE, sizeof(Ev));
    iommu_notifier_init(&r->n, rec_notify, flags, 0, HWADDR_MAX, 0);
    r->n.batch_begin = rec_begin;
    r->n.batch_commit = rec_commit;
    g_assert_cmpint(memory_region_register_iommu_notifier(
                        MEMORY_REGION_OF_IOMMU(&tcet->iommu), &r->n,
                        &error_abort), ==, 0);
}

static void rec_unregister(Rec *r, SpaprTceTable *tcet)
{
    memory_region_unregister_iommu_notifier(MEMORY_REGION_OF_IOMMU(&tcet->iommu),
                                            &r->n);
    g_array_free(r->evs, TRUE);
}

/*
 * The events as text, space separated: "M 0x1000->0x10000000 rw" for one
 * 4 KiB page, "+0x<size>" after the address for any other size.
 */
static char *rec_take(Rec *r)
{
    static const char *const perm[] = { "none", "ro", "wo", "rw" };
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < r->evs->len; i++) {
        Ev *e = &g_array_index(r->evs, Ev, i);

        if (s->len) {
            g_string_append_c(s, ' ');
        }
        if (e->kind == 'B' || e->kind == 'C') {
            g_string_append_c(s, e->kind);
            continue;
        }
        g_string_append_printf(s, "%c 0x%" PRIx64 "->0x%" PRIx64, e->kind,
                               e->iova, e->translated);
        if (e->mask != SPAPR_TCE_PAGE_MASK) {
            g_string_append_printf(s, "+0x%" PRIx64, e->mask + 1);
        }
        g_string_append_printf(s, " %s", perm[e->perm]);
    }
    g_array_set_size(r->evs, 0);
    return g_string_free(s, FALSE);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    f->spapr = spapr_machine();
    f->owner = qdev_new(TYPE_TEST_TCE_OWNER);
    object_property_add_child(container_get(qdev_get_machine(), "unattached"),
                              "tce-owner", OBJECT(f->owner));
    object_unref(OBJECT(f->owner));
    g_assert_true(qdev_realize(f->owner, NULL, &error_abort));
    f->tcet = spapr_tce_new_table(f->spapr, f->owner, LIOBN, &error_abort);
    f->ddw = spapr_tce_new_table(f->spapr, f->owner, LIOBN_DDW, &error_abort);
    g_assert_true(spapr_tce_table_enable(f->tcet, 12, 0, WIN_ENTRIES,
                                         &error_abort));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_destroy(MACHINE(f->spapr));
    memory_map_cleanup();
}

static target_ulong hcall(Fixture *f, target_ulong opcode, target_ulong a0,
                          target_ulong a1, target_ulong a2, target_ulong a3,
                          target_ulong *out)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };
    target_ulong ret = spapr_hypercall(f->spapr, opcode, args);

    if (out) {
        *out = args[0];
    }
    return ret;
}

static uint64_t get_tce(Fixture *f, uint32_t liobn, uint64_t ioba)
{
    target_ulong tce = 0xdead;

    g_assert_cmpint(hcall(f, H_GET_TCE, liobn, ioba, 0, 0, &tce), ==, H_SUCCESS);
    return tce;
}

/* Write @n big-endian TCEs at LIST_GPA. */
static void write_list(const uint64_t *tces, unsigned n)
{
    g_autofree uint64_t *be = g_new(uint64_t, n);

    for (unsigned i = 0; i < n; i++) {
        be[i] = GUINT64_TO_BE(tces[i]);
    }
    g_assert_cmpint(address_space_write(&address_space_memory, LIST_GPA, be,
                                        n * sizeof(uint64_t)), ==, MEMTX_OK);
}

/* ---- H_PUT_TCE / H_GET_TCE ---- */

static void test_put_get(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0x12340003, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, 0x1000), ==, 0x12340003);
    /* Bits 2..11 are stored verbatim and returned as written. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x2000, 0x12345ffd, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0x12345ffd);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3000), ==, 0);
    /* Last entry of the window. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x3ffff000, 0x1001, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3ffff000), ==, 0x1001);
}

static void test_put_misaligned_ioba_rounds(Fixture *f, gconstpointer data)
{
    /* QEMU rounds a misaligned ioba down to the page (not an error). */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1fff, 0x5000003, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, 0x1000), ==, 0x5000003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x1abc), ==, 0x5000003);
}

static void test_put_bad_liobn(Fixture *f, gconstpointer data)
{
    target_ulong out = 0x77;

    g_assert_cmpint(hcall(f, H_PUT_TCE, 0x71000005, 0, 0x1003, 0, NULL),
                    ==, H_PARAMETER);
    /* Bits above 31 never name a table. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, 0x171000000ULL, 0, 0x1003, 0, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_GET_TCE, 0x171000000ULL, 0, 0, 0, &out),
                    ==, H_PARAMETER);
    g_assert_cmphex(out, ==, 0x171000000ULL);    /* r4 untouched */
    g_assert_cmphex(get_tce(f, LIOBN, 0), ==, 0);
}

static void test_put_out_of_window(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x40000000, 0x1003, 0, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_GET_TCE, LIOBN, 0x40000000, 0, 0, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, UINT64_MAX, 0x1003, 0, NULL),
                    ==, H_PARAMETER);
    /* Disabled table. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, 0, 0x1003, 0, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_GET_TCE, LIOBN_DDW, 0, 0, 0, NULL),
                    ==, H_PARAMETER);
}

static void test_put_below_window(Fixture *f, gconstpointer data)
{
    /* A DDW at 2^59: an ioba below it wraps to a huge index. */
    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 1U << 31,
                                         &error_abort));
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, (1ULL << 59) - 0x10000,
                          0x10003, 0, NULL), ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, (1ULL << 59) + (1ULL << 47),
                          0x10003, 0, NULL), ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW,
                          (1ULL << 59) + (1ULL << 47) - 0x10000, 0x10003, 0,
                          NULL), ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, (1ULL << 59) + (1ULL << 47) - 1), ==,
                    0x10003);
}

static void test_put_tce_outside_ram(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, 0x1003, 0, NULL), ==,
                    H_SUCCESS);
    /* First page past the end of RAM: refused, the old entry stays. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, RAM_SIZE | 3, 0, NULL), ==,
                    H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, 0xfffffffffffff001ULL, 0,
                          NULL), ==, H_PARAMETER);
    g_assert_cmphex(get_tce(f, LIOBN, 0), ==, 0x1003);
    /* Last page of RAM is fine. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, (RAM_SIZE - 0x1000) | 1, 0,
                          NULL), ==, H_SUCCESS);
    /* No permission bits: clears, whatever the address bits say. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, 0xfffffffffffff000ULL, 0,
                          NULL), ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, 0), ==, 0xfffffffffffff000ULL);
}

/* ---- H_PUT_TCE_INDIRECT ---- */

static void test_indirect_success_is_one_batch(Fixture *f, gconstpointer data)
{
    uint64_t tces[512];
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    for (unsigned i = 0; i < 512; i++) {
        tces[i] = (0x200000ULL + i * 0x1000) | 3;
    }
    write_list(tces, 512);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x10000, LIST_GPA, 512,
                          NULL), ==, H_SUCCESS);
    g_assert_cmpuint(r.evs->len, ==, 514);
    g_assert_cmpint(g_array_index(r.evs, Ev, 0).kind, ==, 'B');
    g_assert_cmpint(g_array_index(r.evs, Ev, 513).kind, ==, 'C');
    g_assert_cmphex(g_array_index(r.evs, Ev, 1).iova, ==, 0x10000);
    g_assert_cmphex(g_array_index(r.evs, Ev, 512).iova, ==, 0x10000 + 511 * 0x1000);
    g_assert_cmphex(g_array_index(r.evs, Ev, 512).translated, ==,
                    0x200000 + 511 * 0x1000);
    g_assert_cmphex(get_tce(f, LIOBN, 0x10000 + 511 * 0x1000), ==,
                    (0x200000ULL + 511 * 0x1000) | 3);
    rec_unregister(&r, f->tcet);
}

static void test_indirect_rejects(Fixture *f, gconstpointer data)
{
    uint64_t tces[512];

    for (unsigned i = 0; i < 512; i++) {
        tces[i] = (0x200000ULL + i * 0x1000) | 1;
    }
    write_list(tces, 512);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, LIST_GPA, 0, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, LIST_GPA, 513, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, LIST_GPA + 8, 1, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, RAM_SIZE, 1, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, 0x71000007, 0, LIST_GPA, 1,
                          NULL), ==, H_PARAMETER);
    /* The run would cross the end of the window. */
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x3ffff000, LIST_GPA, 2,
                          NULL), ==, H_PARAMETER);
    /* One bad TCE at the very end: nothing at all is written. */
    tces[511] = RAM_SIZE | 3;
    write_list(tces, 512);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, LIST_GPA, 512, NULL),
                    ==, H_PARAMETER);
    for (unsigned i = 0; i < 512; i++) {
        g_assert_cmphex(get_tce(f, LIOBN, i * 0x1000ULL), ==, 0);
    }
}

/* ---- H_STUFF_TCE ---- */

static void test_stuff(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x1000, 0x7000001, 3, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3000), ==, 0x7000001);
    g_assert_cmphex(get_tce(f, LIOBN, 0x4000), ==, 0);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    /* Clearing a big range notifies only the entries that were valid. */
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, 0, WIN_ENTRIES, NULL),
                    ==, H_SUCCESS);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "B U 0x1000->0x0 none U 0x2000->0x0+0x2000 none C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0);
    rec_unregister(&r, f->tcet);
}

static void test_stuff_rejects(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, 0x1003, 0, NULL), ==,
                    H_PARAMETER);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, 0x1003, WIN_ENTRIES + 1,
                          NULL), ==, H_PARAMETER);
    /* Crossing the end: nothing written, not even the entries that fit. */
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x3fffe000, 0x1003, 3, NULL),
                    ==, H_PARAMETER);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3fffe000), ==, 0);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, RAM_SIZE | 1, 1, NULL), ==,
                    H_PARAMETER);
    g_assert_cmphex(get_tce(f, LIOBN, 0), ==, 0);
}

/* ---- Events ---- */

static void test_events_overwrite(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    char *evs;

    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x5000, 0x10000003, 0, NULL),
                    ==, H_SUCCESS);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "M 0x5000->0x10000000 rw");
    g_free(evs);
    /* Valid over valid: the old translation is unmapped first. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x5000, 0x20000001, 0, NULL),
                    ==, H_SUCCESS);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "U 0x5000->0x0 none M 0x5000->0x20000000 ro");
    g_free(evs);
    /* The same value again: nothing changes, nothing is sent. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x5000, 0x20000001, 0, NULL),
                    ==, H_SUCCESS);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "");
    g_free(evs);
    /* Cleared: one UNMAP; clearing again sends nothing. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x5000, 0, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x5000, 0, 0, NULL), ==,
                    H_SUCCESS);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "U 0x5000->0x0 none");
    g_free(evs);
    rec_unregister(&r, f->tcet);
}

static void test_events_window_relative(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 0x4000,
                                         &error_abort));
    rec_register(&r, f->ddw, IOMMU_NOTIFIER_IOTLB_EVENTS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, (1ULL << 59) + 0x30000,
                          0x1234562, 0, NULL), ==, H_SUCCESS);
    g_assert_cmpuint(r.evs->len, ==, 1);
    g_assert_cmphex(g_array_index(r.evs, Ev, 0).iova, ==, 0x30000);
    g_assert_cmphex(g_array_index(r.evs, Ev, 0).translated, ==, 0x1230000);
    g_assert_cmphex(g_array_index(r.evs, Ev, 0).mask, ==, 0xffff);
    g_assert_cmpint(g_array_index(r.evs, Ev, 0).perm, ==, IOMMU_WO);
    g_array_set_size(r.evs, 0);
    rec_unregister(&r, f->ddw);
}

/*
 * A consumer failing to map entry 2 of an INDIRECT: entry 0 (rewritten with
 * the value it had) and entry 1 stay applied, entry 2 is cleared in the
 * table and in the consumer, entry 3 is untouched (Linux's in-kernel rule).
 */
static void test_consumer_map_failure(Fixture *f, gconstpointer data)
{
    uint64_t tces[4] = { 0x300003, 0x301003, 0x302003, 0x303003 };
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, 0x300003, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x3000, 0x500001, 0, NULL), ==,
                    H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_map_at = 2;
    write_list(tces, 4);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, LIST_GPA, 4, NULL),
                    ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==,
                    "B M 0x1000->0x301000 rw M 0x2000->0x302000 rw "
                    "U 0x2000->0x0 none C");
    g_assert_cmphex(get_tce(f, LIOBN, 0), ==, 0x300003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x1000), ==, 0x301003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3000), ==, 0x500001);
    g_assert_cmpuint(f->tcet->resync_failures, ==, 0);
    rec_unregister(&r, f->tcet);
}

/* A single put whose MAP fails: H_HARDWARE, the entry reads 0. */
static void test_consumer_put_failure(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_map_at = 1;
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x4000, 0x304003, 0, NULL),
                    ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "M 0x4000->0x304000 rw U 0x4000->0x0 none");
    g_assert_cmphex(get_tce(f, LIOBN, 0x4000), ==, 0);
    rec_unregister(&r, f->tcet);
}

/*
 * A consumer that fails to UNMAP cannot be trusted: the entry is cleared
 * (nobody was told the new value), and after the call the consumer unmaps
 * the whole window and gets a replay of the table.
 */
static void test_consumer_unmap_failure_resyncs(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0x301003, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x8000, 0x308001, 0, NULL), ==,
                    H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_unmap_at = 1;
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0x302003, 0, NULL),
                    ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==,
                    "U 0x1000->0x0 none "
                    "U 0x0->0x0+0x40000000 none B M 0x8000->0x308000 ro C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x1000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x8000), ==, 0x308001);
    g_assert_cmpuint(f->tcet->resync_failures, ==, 0);
    rec_unregister(&r, f->tcet);
}

static char *query(const char *args_json, bool expect_ok);

/*
 * A failed MAP whose clearing UNMAP fails too: the consumer resynchronises,
 * its replay fails as well, and that is counted and shown, not dropped.
 */
static void test_consumer_resync_failure_reported(Fixture *f,
                                                  gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;
    g_autofree char *q = NULL;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x8000, 0x308001, 0, NULL), ==,
                    H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_maps_from = 1;
    r.fail_unmap_at = 1;
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0x301003, 0, NULL),
                    ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==,
                    "M 0x1000->0x301000 rw U 0x1000->0x0 none "
                    "U 0x0->0x0+0x40000000 none B M 0x8000->0x308000 ro C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x1000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x8000), ==, 0x308001);
    g_assert_cmpuint(f->tcet->resync_failures, ==, 1);
    q = query("{\"liobn\": 1895825408}", true);
    g_assert_nonnull(strstr(q, "\"resync-failures\": 1, \"kernel-links\": 0}"));
    rec_unregister(&r, f->tcet);
}

/* A batch that fails to commit: the call's entries stay, the consumer
 * resynchronises from the table. */
static void test_consumer_commit_failure_resyncs(Fixture *f,
                                                 gconstpointer data)
{
    uint64_t tces[2] = { 0x310003, 0x311003 };
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_commit_at = 1;
    write_list(tces, 2);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x2000, LIST_GPA, 2,
                          NULL), ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==,
                    "B M 0x2000->0x310000 rw M 0x3000->0x311000 rw C "
                    "U 0x0->0x0+0x40000000 none "
                    "B M 0x2000->0x310000+0x2000 rw C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0x310003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3000), ==, 0x311003);
    rec_unregister(&r, f->tcet);
}

/* A batch that cannot open refuses the call before any change. */
static void test_consumer_begin_failure_refuses(Fixture *f,
                                                gconstpointer data)
{
    uint64_t tces[2] = { 0x310003, 0x311003 };
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_begin_at = 1;
    write_list(tces, 2);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x2000, LIST_GPA, 2,
                          NULL), ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "B C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3000), ==, 0);
    rec_unregister(&r, f->tcet);
}

/* Clearing a range whose UNMAP a consumer fails: cleared anyway, resync. */
static void test_consumer_clear_failure_resyncs(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x1000, 0x700001, 2, NULL),
                    ==, H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_unmap_at = 1;
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, 0, 16, NULL), ==,
                    H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "B U 0x1000->0x0 none U 0x2000->0x0 none C "
                    "U 0x0->0x0+0x40000000 none B C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x1000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0);
    rec_unregister(&r, f->tcet);
}

/*
 * Two consumers: one failing never keeps the other from hearing every
 * event, and only the one that failed to unmap is resynchronised.
 */
static void test_consumer_two_consumers(Fixture *f, gconstpointer data)
{
    Rec a = { 0 }, b = { 0 };
    g_autofree char *ea = NULL, *eb = NULL, *ea2 = NULL, *eb2 = NULL;

    rec_register(&a, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    rec_register(&b, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    a.fail_map_at = 1;
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x4000, 0x304003, 0, NULL),
                    ==, H_HARDWARE);
    ea = rec_take(&a);
    eb = rec_take(&b);
    g_assert_cmpstr(ea, ==, "M 0x4000->0x304000 rw U 0x4000->0x0 none");
    g_assert_cmpstr(eb, ==, "M 0x4000->0x304000 rw U 0x4000->0x0 none");
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x1000, 0x700001, 2, NULL),
                    ==, H_SUCCESS);
    g_free(rec_take(&a));
    g_free(rec_take(&b));
    a.fail_unmap_at = a.unmaps + 1;
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, 0, 16, NULL), ==,
                    H_HARDWARE);
    ea2 = rec_take(&a);
    eb2 = rec_take(&b);
    g_assert_cmpstr(ea2, ==, "B U 0x1000->0x0 none U 0x2000->0x0 none C "
                    "U 0x0->0x0+0x40000000 none B C");
    g_assert_cmpstr(eb2, ==, "B U 0x1000->0x0 none U 0x2000->0x0 none C");
    rec_unregister(&b, f->tcet);
    rec_unregister(&a, f->tcet);
}

/* A reset cannot be refused: a consumer whose batch fails resyncs. */
static void test_consumer_reset_begin_failure(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x7000, 0x900003, 0, NULL), ==,
                    H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_begin_at = 1;
    device_cold_reset(DEVICE(f->tcet));
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "B U 0x7000->0x0 none C "
                    "U 0x0->0x0+0x40000000 none B C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x7000), ==, 0);
    rec_unregister(&r, f->tcet);
}

/*
 * H_STUFF_TCE of a valid value with a consumer: one MAP per entry; the
 * failing entry is cleared, earlier ones applied, later ones untouched.
 */
static void test_consumer_stuff_failure(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x14000, 0x800003, 0, NULL), ==,
                    H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    r.fail_map_at = 3;
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x10000, 0x700003, 5, NULL),
                    ==, H_HARDWARE);
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==,
                    "B M 0x10000->0x700000 rw M 0x11000->0x700000 rw "
                    "M 0x12000->0x700000 rw U 0x12000->0x0 none C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x10000), ==, 0x700003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x11000), ==, 0x700003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x12000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x13000), ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x14000), ==, 0x800003);
    rec_unregister(&r, f->tcet);
}

/*
 * H_STUFF_TCE of one valid value over a whole 2^31-entry window, nobody
 * listening: one storage fill, a few hundred bytes, whatever the window.
 */
static void test_stuff_whole_window(Fixture *f, gconstpointer data)
{
    uint64_t bus = 1ULL << 59;

    g_assert_true(spapr_tce_table_enable(f->ddw, 16, bus, 1U << 31,
                                         &error_abort));
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN_DDW, bus, 0x10003, 1U << 31,
                          NULL), ==, H_SUCCESS);
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->ddw->storage), ==,
                     1ULL << 31);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(f->ddw->storage), <, 1 << 20);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, bus), ==, 0x10003);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, bus + (0x12345ULL << 16)), ==,
                    0x10003);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, bus + (((1ULL << 31) - 1) << 16)),
                    ==, 0x10003);
    /* A single put splits the run. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, bus + (0x12345ULL << 16),
                          0x20001, 0, NULL), ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, bus + (0x12344ULL << 16)), ==,
                    0x10003);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, bus + (0x12345ULL << 16)), ==,
                    0x20001);
    g_assert_cmphex(get_tce(f, LIOBN_DDW, bus + (0x12346ULL << 16)), ==,
                    0x10003);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(f->ddw->storage), <, 1 << 20);
    /* Clearing it all is as cheap. */
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN_DDW, bus, 0, 1U << 31, NULL),
                    ==, H_SUCCESS);
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->ddw->storage), ==, 0);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(f->ddw->storage), ==,
                     spapr_tce_storage_user_empty_bytes());
}

/*
 * The machine's storage limit: a put that might not fit is H_NO_MEM and
 * changes nothing; clearing always works and makes room again.
 */
static void test_storage_limit(Fixture *f, gconstpointer data)
{
    SpaprTceBudget *b = &f->spapr->tce_budget;
    uint64_t index, limited = 0;

    g_assert_cmpuint(b->limit, ==, SPAPR_TCE_STORAGE_LIMIT_DEFAULT);
    b->limit = b->used + 8 * 1024;
    /* Isolated entries, one per 2 MiB of IOVA: each costs its own nodes. */
    for (index = 0; index < WIN_ENTRIES; index += 512) {
        target_ulong ret = hcall(f, H_PUT_TCE, LIOBN, index << 12,
                                 0x100003, 0, NULL);

        if (ret == H_NO_MEM) {
            limited = index;
            break;
        }
        g_assert_cmpint(ret, ==, H_SUCCESS);
    }
    g_assert_cmpuint(limited, >, 0);
    g_assert_cmpuint(b->used, <=, b->limit);
    g_assert_cmphex(get_tce(f, LIOBN, limited << 12), ==, 0);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, limited << 12, 0x100003, 1,
                          NULL), ==, H_NO_MEM);
    g_assert_cmphex(get_tce(f, LIOBN, limited << 12), ==, 0);
    /* Clearing needs no room. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, 0, 0, NULL), ==, H_SUCCESS);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, 0, WIN_ENTRIES, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, limited << 12, 0x100003, 0,
                          NULL), ==, H_SUCCESS);
    g_assert_cmphex(get_tce(f, LIOBN, limited << 12), ==, 0x100003);
}

/* ---- Replay, need_vfio, notifier flags ---- */

static void test_replay_valid_only(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 1U << 31,
                                         &error_abort));
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW,
                          (1ULL << 59) + (((1ULL << 31) - 1) << 16), 0x20001,
                          0, NULL), ==, H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, (1ULL << 59) + 0x10000,
                          0x30003, 0, NULL), ==, H_SUCCESS);
    /* A cleared entry with address bits is not replayed. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, (1ULL << 59) + 0x20000,
                          0x40000, 0, NULL), ==, H_SUCCESS);
    r.evs = g_array_new(FALSE, TRUE, sizeof(Ev));
    iommu_notifier_init(&r.n, rec_notify, IOMMU_NOTIFIER_IOTLB_EVENTS, 0,
                        HWADDR_MAX, 0);
    r.n.batch_begin = rec_begin;
    r.n.batch_commit = rec_commit;
    g_assert_true(memory_region_iommu_replay(&f->ddw->iommu, &r.n,
                                             &error_abort));
    g_assert_cmpuint(r.evs->len, ==, 4);
    g_assert_cmphex(g_array_index(r.evs, Ev, 1).iova, ==, 0x10000);
    g_assert_cmphex(g_array_index(r.evs, Ev, 1).translated, ==, 0x30000);
    g_assert_cmphex(g_array_index(r.evs, Ev, 2).iova, ==,
                    ((1ULL << 31) - 1) << 16);
    g_assert_cmpint(g_array_index(r.evs, Ev, 2).perm, ==, IOMMU_RO);
    g_array_set_size(r.evs, 0);
    /* A notifier on part of the window sees only its part. */
    r.n.start = 0x20000;
    g_assert_true(memory_region_iommu_replay(&f->ddw->iommu, &r.n,
                                             &error_abort));
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "B M 0x7fffffff0000->0x20000+0x10000 ro C");
    g_array_free(r.evs, TRUE);
}

/*
 * Replay hands a run whose addresses advance with the index on as the
 * largest blocks aligned in both IOVA and guest address: a 2 MiB direct
 * map is one event, an unaligned run of 7 pages three.
 */
static void test_replay_blocks(Fixture *f, gconstpointer data)
{
    uint64_t tces[512];
    Rec r = { 0 };
    g_autofree char *evs = NULL;
    Error *err = NULL;

    for (unsigned i = 0; i < 512; i++) {
        tces[i] = (0x200000ULL + i * 0x1000) | 3;
    }
    write_list(tces, 512);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x200000, LIST_GPA,
                          512, NULL), ==, H_SUCCESS);
    for (unsigned i = 0; i < 7; i++) {
        tces[i] = (0x301000ULL + i * 0x1000) | 1;
    }
    write_list(tces, 7);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x1000, LIST_GPA, 7,
                          NULL), ==, H_SUCCESS);
    r.evs = g_array_new(FALSE, TRUE, sizeof(Ev));
    iommu_notifier_init(&r.n, rec_notify, IOMMU_NOTIFIER_IOTLB_EVENTS, 0,
                        HWADDR_MAX, 0);
    r.n.batch_begin = rec_begin;
    r.n.batch_commit = rec_commit;
    g_assert_true(memory_region_iommu_replay(&f->tcet->iommu, &r.n, &err));
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==,
                    "B M 0x1000->0x301000 ro M 0x2000->0x302000+0x2000 ro "
                    "M 0x4000->0x304000+0x4000 ro "
                    "M 0x200000->0x200000+0x200000 rw C");
    /* A failing consumer stops the replay, and the caller hears of it. */
    r.fail_map_at = r.maps + 2;
    g_assert_false(memory_region_iommu_replay(&f->tcet->iommu, &r.n, &err));
    g_assert_nonnull(err);
    error_free(err);
    g_free(rec_take(&r));
    g_array_free(r.evs, TRUE);
}

static void test_need_vfio(Fixture *f, gconstpointer data)
{
    Rec a = { 0 }, b = { 0 };
    IOMMUNotifier dev;
    Error *err = NULL;

    g_assert_false(f->tcet->need_vfio);
    rec_register(&a, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    g_assert_true(f->tcet->need_vfio);
    rec_register(&b, f->tcet, IOMMU_NOTIFIER_MAP);
    rec_unregister(&a, f->tcet);
    g_assert_true(f->tcet->need_vfio);
    rec_unregister(&b, f->tcet);
    g_assert_false(f->tcet->need_vfio);
    /* Device-IOTLB notifiers are refused and change nothing. */
    iommu_notifier_init(&dev, rec_notify, IOMMU_NOTIFIER_DEVIOTLB_UNMAP, 0,
                        HWADDR_MAX, 0);
    g_assert_cmpint(memory_region_register_iommu_notifier(
                        MEMORY_REGION_OF_IOMMU(&f->tcet->iommu), &dev, &err),
                    ==, -EINVAL);
    g_assert_cmpstr(error_get_pretty(err), ==, "spapr-tce-table 0x71000000 does "
                    "not support dev-iotlb notifiers");
    error_free(err);
    g_assert_false(f->tcet->need_vfio);
}

static void test_translate(Fixture *f, gconstpointer data)
{
    uint32_t word = 0x11223344, back = 0;
    MemTxResult res;
    AddressSpace as;

    address_space_init(&as, &f->tcet->root, "test-dma");
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x4000, 0x800003, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x5000, 0x801001, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(address_space_write(&as, 0x4010, &word, 4), ==, MEMTX_OK);
    g_assert_cmpint(address_space_read(&address_space_memory, 0x800010, &back, 4),
                    ==, MEMTX_OK);
    g_assert_cmphex(back, ==, 0x11223344);
    res = address_space_write(&as, 0x5000, &word, 4);
    g_assert_cmpint(res, ==, MEMTX_ACCESS_ERROR);
    res = address_space_read(&as, 0x6000, &back, 4);
    g_assert_cmpint(res, ==, MEMTX_TRANSLATION_ERROR);
    res = address_space_read(&as, 0x40000000, &back, 4);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    address_space_destroy(&as);
}

/* ---- Enable / disable through a listener ---- */

typedef struct ListenRec {
    MemoryListener l;
    GString *log;
} ListenRec;

static void listen_add(MemoryListener *l, MemoryRegionSection *s)
{
    ListenRec *r = container_of(l, ListenRec, l);

    g_string_append_printf(r->log, "add %s 0x%" PRIx64 "+0x%" PRIx64 "; ",
                           memory_region_name(s->mr),
                           s->offset_within_address_space, s->size);
}

static void listen_del(MemoryListener *l, MemoryRegionSection *s)
{
    ListenRec *r = container_of(l, ListenRec, l);

    g_string_append_printf(r->log, "del %s 0x%" PRIx64 "+0x%" PRIx64 "; ",
                           memory_region_name(s->mr),
                           s->offset_within_address_space, s->size);
}

static void test_enable_disable_listener(Fixture *f, gconstpointer data)
{
    ListenRec r = {
        .l = { .region_add = listen_add, .region_del = listen_del },
        .log = g_string_new(NULL),
    };
    AddressSpace as;
    Error *err = NULL;

    address_space_init(&as, &f->ddw->root, "test-ddw");
    memory_listener_register(&r.l, &as);
    g_assert_cmpstr(r.log->str, ==, "");
    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 0x4000,
                                         &error_abort));
    g_assert_cmpstr(r.log->str, ==,
                    "add tce-iommu-71000001 0x800000000000000+0x40000000; ");
    g_assert_false(spapr_tce_table_enable(f->ddw, 12, 0, 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "TCE table 0x71000001 is already enabled");
    error_free_or_abort(&err);
    g_string_truncate(r.log, 0);
    spapr_tce_table_disable(f->ddw);
    g_assert_cmpstr(r.log->str, ==,
                    "del tce-iommu-71000001 0x800000000000000+0x40000000; ");
    g_assert_cmpuint(f->ddw->nb_table, ==, 0);
    g_assert_null(f->ddw->storage);
    /* Geometry errors change nothing. */
    g_assert_false(spapr_tce_table_enable(f->ddw, 11, 0, 1, &err));
    error_free_or_abort(&err);
    g_assert_false(spapr_tce_table_enable(f->ddw, 12, 0, 0, &err));
    error_free_or_abort(&err);
    g_assert_false(spapr_tce_table_enable(f->ddw, 16, 0x8000, 1, &err));
    error_free_or_abort(&err);
    g_assert_false(spapr_tce_table_enable(f->ddw, 60, 1ULL << 63, 16, &err));
    error_free_or_abort(&err);
    g_assert_false(spapr_tce_table_enabled(f->ddw));
    /*
     * Disable + enable of the same geometry in one transaction: the window
     * is new (its entries are gone), so listeners see it go and come back.
     */
    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 0x4000,
                                         &error_abort));
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN_DDW, 1ULL << 59, 0x10003, 0,
                          NULL), ==, H_SUCCESS);
    g_string_truncate(r.log, 0);
    memory_region_transaction_begin();
    spapr_tce_table_disable(f->ddw);
    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 0x4000,
                                         &error_abort));
    memory_region_transaction_commit();
    g_assert_cmpstr(r.log->str, ==,
                    "del tce-iommu-71000001 0x800000000000000+0x40000000; "
                    "add tce-iommu-71000001 0x800000000000000+0x40000000; ");
    g_assert_cmphex(get_tce(f, LIOBN_DDW, 1ULL << 59), ==, 0);
    spapr_tce_table_disable(f->ddw);
    memory_listener_unregister(&r.l);
    address_space_destroy(&as);
    g_string_free(r.log, TRUE);
}

static void test_clear_notifies(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    g_autofree char *evs = NULL;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x7000, 0x900003, 0, NULL), ==,
                    H_SUCCESS);
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    device_cold_reset(DEVICE(f->tcet));
    evs = rec_take(&r);
    g_assert_cmpstr(evs, ==, "B U 0x7000->0x0 none C");
    g_assert_cmphex(get_tce(f, LIOBN, 0x7000), ==, 0);
    rec_unregister(&r, f->tcet);
}

static void test_sparse_window_cost(Fixture *f, gconstpointer data)
{
    g_assert_true(spapr_tce_table_enable(f->ddw, 16, 1ULL << 59, 1U << 31,
                                         &error_abort));
    g_assert_cmpuint(spapr_tce_storage_bytes_used(f->ddw->storage), <, 1 << 20);
    g_assert_cmpuint(spapr_tce_storage_bytes_used(f->ddw->storage), ==,
                     spapr_tce_storage_user_empty_bytes());
}

static void test_duplicate_liobn(Fixture *f, gconstpointer data)
{
    Error *err = NULL;

    g_assert_null(spapr_tce_new_table(f->spapr, f->owner, LIOBN, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "a TCE table with LIOBN 0x71000000 already exists");
    error_free(err);
    g_assert_true(spapr_tce_find_by_liobn(f->spapr, LIOBN) == f->tcet);
}

static void test_destroy_frees_liobn(Fixture *f, gconstpointer data)
{
    spapr_tce_table_destroy(f->ddw);
    g_assert_null(spapr_tce_find_by_liobn(f->spapr, LIOBN_DDW));
    f->ddw = spapr_tce_new_table(f->spapr, f->owner, LIOBN_DDW, &error_abort);
    g_assert_nonnull(f->ddw);
}

/* The owner change keeps every entry and tells no consumer anything. */
static void test_set_storage(Fixture *f, gconstpointer data)
{
    Rec r = { 0 };
    SpaprTceStorage *old;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x2000, 0x700003, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x3000, 0x9000, 0, NULL), ==,
                    H_SUCCESS);     /* no permission, address bits kept */
    rec_register(&r, f->tcet, IOMMU_NOTIFIER_IOTLB_EVENTS);
    old = f->tcet->storage;
    g_assert_true(spapr_tce_table_set_storage(f->tcet,
                      spapr_tce_storage_new_user(WIN_ENTRIES, 12,
                                                 &f->spapr->tce_budget),
                      &error_abort));
    g_assert_true(f->tcet->storage != old);
    g_assert_cmpuint(r.evs->len, ==, 0);
    g_assert_cmphex(get_tce(f, LIOBN, 0x2000), ==, 0x700003);
    g_assert_cmphex(get_tce(f, LIOBN, 0x3000), ==, 0x9000);
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->tcet->storage), ==, 1);
    /* Updates go on through the new storage, with their events. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x2000, 0, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpuint(r.evs->len, ==, 1);
    rec_unregister(&r, f->tcet);
}

/* ---- The qtest "hcall" verb ---- */

static void check_line(const char *line, const char *want)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    qtest_process_line(line, reply);
    g_assert_cmpstr(reply->str, ==, want);
}

static void test_qtest_hcall_verb(Fixture *f, gconstpointer data)
{
    check_line("hcall H_PUT_TCE 0x71000000 0x1000 0x12340003", "OK 0");
    check_line("hcall H_GET_TCE 0x71000000 0x1000", "OK 0 0x0000000012340003");
    check_line("hcall 0x1c 0x71000000 0x1000", "OK 0 0x0000000012340003");
    check_line("hcall H_GET_TCE 0x71000009 0x1000", "OK -4");
    check_line("hcall 0x1234 1 2", "OK -2");
    check_line("hcall H_NOPE 1", "FAIL hcall: unknown hypercall 'H_NOPE'");
    check_line("hcall H_GET_TCE 0x71000000 zz", "FAIL hcall: bad argument 'zz'");
    check_line("hcall", "FAIL hcall: missing opcode");
    check_line("hcall H_PUT_TCE 1 2 3 4 5 6 7 8 9 10",
               "FAIL hcall: at most 9 arguments");
}

/* KVMPPC_H_RTAS: the RTAS blob's entry, a buffer of token/nargs/nret/cells. */
static void test_h_rtas(Fixture *f, gconstpointer data)
{
    MemTxResult res;

    address_space_stl_be(&address_space_memory, 0x100000, RTAS_GET_TIME_OF_DAY,
                         &res);
    address_space_stl_be(&address_space_memory, 0x100004, 0, &res);
    address_space_stl_be(&address_space_memory, 0x100008, 8, &res);
    address_space_stl_be(&address_space_memory, 0x10000c, 0xdeadbeef, &res);
    check_line("hcall KVMPPC_H_RTAS 0x100000", "OK 0");
    g_assert_cmphex(address_space_ldl_be(&address_space_memory, 0x10000c, &res),
                    ==, RTAS_OUT_SUCCESS);
    /* The top 4 bits of a real address are ignored (real-mode aliasing). */
    address_space_stl_be(&address_space_memory, 0x10000c, 0xdeadbeef, &res);
    check_line("hcall KVMPPC_H_RTAS 0xf000000000100000", "OK 0");
    g_assert_cmphex(address_space_ldl_be(&address_space_memory, 0x10000c, &res),
                    ==, RTAS_OUT_SUCCESS);
    /* Unknown token: H_PARAMETER and rets[0] = -3. */
    address_space_stl_be(&address_space_memory, 0x100000, 0x2fff, &res);
    check_line("hcall KVMPPC_H_RTAS 0x100000", "OK -4");
    g_assert_cmphex(address_space_ldl_be(&address_space_memory, 0x10000c, &res),
                    ==, (uint32_t)RTAS_OUT_PARAM_ERROR);
    /* Buffer or cells outside RAM: H_PARAMETER, nothing called. */
    check_line("hcall KVMPPC_H_RTAS 0x3ffffffc", "OK -4");
    address_space_stl_be(&address_space_memory, 0x3ffffff0, RTAS_GET_TIME_OF_DAY,
                         &res);
    address_space_stl_be(&address_space_memory, 0x3ffffff4, 0, &res);
    address_space_stl_be(&address_space_memory, 0x3ffffff8, 8, &res);
    check_line("hcall KVMPPC_H_RTAS 0x3ffffff0", "OK -4");
}

/* ---- Introspection: x-query-spapr-tce and info tce ---- */

static char *query(const char *args_json, bool expect_ok)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *args = NULL;
    JsonNode *ret = NULL;
    Error *err = NULL;
    char *text;
    bool ok;

    if (args_json) {
        g_assert_true(json_parser_load_from_data(parser, args_json, -1, NULL));
        args = json_node_get_object(json_parser_get_root(parser));
    }
    ok = qmp_command_call("x-query-spapr-tce", args, &ret, &err);
    g_assert_cmpint(ok, ==, expect_ok);
    if (!ok) {
        text = g_strdup(error_get_pretty(err));
        error_free(err);
        return text;
    }
    text = qmp_to_json(ret);
    json_node_unref(ret);
    return text;
}

static void test_query(Fixture *f, gconstpointer data)
{
    g_autofree char *all = NULL, *one = NULL, *page = NULL;
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
    g_autofree char *line = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    Monitor *mon = monitor_new_gstring(out);

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x3000, 0x10000003, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0x20000001, 0, NULL), ==,
                    H_SUCCESS);
    /* 344 bytes: the handle plus a 3-level radix (root, one level-1 node
     * of one slot each, and a leaf holding the two entries). */
    g_assert_cmpuint(spapr_tce_storage_user_empty_bytes() +
                     2 * spapr_tce_storage_user_node_bytes(1) +
                     spapr_tce_storage_user_node_bytes(2), ==, 344);
    all = query("{\"liobn\": 1895825408}", true);
    g_assert_cmpstr(all, ==,
        "[{\"liobn\": 1895825408, \"enabled\": true, \"bus-offset\": 0, "
        "\"page-shift\": 12, \"nb-table\": 262144, \"owner\": \"user\", "
        "\"need-vfio\": false, \"notifiers\": 0, "
        "\"valid-entries\": 2, \"bytes-used\": 344, "
        "\"resync-failures\": 0, \"kernel-links\": 0}]");
    g_free(all);
    all = query("{\"liobn\": 1895825409}", true);
    g_assert_cmpstr(all, ==,
        "[{\"liobn\": 1895825409, \"enabled\": false, \"bus-offset\": 0, "
        "\"page-shift\": 0, \"nb-table\": 0, \"owner\": \"user\", "
        "\"need-vfio\": false, \"notifiers\": 0, "
        "\"valid-entries\": 0, \"bytes-used\": 0, "
        "\"resync-failures\": 0, \"kernel-links\": 0}]");
    one = query("{\"liobn\": 1895825408, \"entries\": true}", true);
    g_assert_nonnull(strstr(one, "\"entries\": [{\"index\": 1, \"ioba\": 4096, "
                            "\"tce\": 536870913}, {\"index\": 3, \"ioba\": 12288, "
                            "\"tce\": 268435459}]}]"));
    page = query("{\"liobn\": 1895825408, \"entries\": true, \"start\": 2, "
                  "\"count\": 1}", true);
    g_assert_nonnull(strstr(page, "\"entries\": [{\"index\": 3, "));
    e1 = query("{\"liobn\": 5}", false);
    g_assert_cmpstr(e1, ==, "No TCE table with LIOBN 0x5");
    e2 = query("{\"count\": 0}", false);
    g_assert_cmpstr(e2, ==, "Parameter 'count' must be between 1 and 4096");
    e3 = query("{\"entries\": 1}", false);
    g_assert_cmpstr(e3, ==, "Invalid parameter type for 'entries', expected: boolean");
    e4 = query("{\"bogus\": 1}", false);
    g_assert_cmpstr(e4, ==, "Parameter 'bogus' is unexpected");

    hmp_handle_line(mon, "info tce");
    g_assert_true(g_str_has_prefix(out->str,
        "LIOBN     window           bus-offset shift    entries owner  need-vfio      valid      bytes\r\n"));
    g_assert_nonnull(strstr(out->str,
        "71000000  on       0x0000000000000000    12     262144 user   no                 2        344\r\n"
        "71000001  off                       -     -          - -      no                 0          0\r\n"));
    line = g_strdup_printf("\r\nTCE storage: %" PRIu64 " of 268435456 bytes "
                           "(tce-storage-limit)\r\n",
                           f->spapr->tce_budget.used);
    g_assert_true(g_str_has_suffix(out->str, line));
    g_assert_cmpuint(f->spapr->tce_budget.used, >=, 344);
    monitor_free(mon);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_owner_info);
    spapr_tce_monitor_init();

#define ADD(path, fn) \
    g_test_add("/spapr-tce/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("put/get", test_put_get);
    ADD("put/misaligned-ioba-rounds", test_put_misaligned_ioba_rounds);
    ADD("put/bad-liobn", test_put_bad_liobn);
    ADD("put/out-of-window", test_put_out_of_window);
    ADD("put/below-window", test_put_below_window);
    ADD("put/tce-outside-ram", test_put_tce_outside_ram);
    ADD("indirect/one-batch", test_indirect_success_is_one_batch);
    ADD("indirect/rejects-change-nothing", test_indirect_rejects);
    ADD("stuff/clear-notifies-valid-only", test_stuff);
    ADD("stuff/rejects-change-nothing", test_stuff_rejects);
    ADD("notify/overwrite", test_events_overwrite);
    ADD("notify/window-relative", test_events_window_relative);
    ADD("consumer/map-failure-stops-at-entry", test_consumer_map_failure);
    ADD("consumer/put-failure", test_consumer_put_failure);
    ADD("consumer/unmap-failure-resyncs", test_consumer_unmap_failure_resyncs);
    ADD("consumer/resync-failure-reported",
        test_consumer_resync_failure_reported);
    ADD("consumer/commit-failure-resyncs",
        test_consumer_commit_failure_resyncs);
    ADD("consumer/begin-failure-refuses", test_consumer_begin_failure_refuses);
    ADD("consumer/stuff-failure", test_consumer_stuff_failure);
    ADD("consumer/clear-failure-resyncs", test_consumer_clear_failure_resyncs);
    ADD("consumer/two-consumers", test_consumer_two_consumers);
    ADD("consumer/reset-begin-failure-resyncs",
        test_consumer_reset_begin_failure);
    ADD("stuff/whole-window-is-one-run", test_stuff_whole_window);
    ADD("storage/limit", test_storage_limit);
    ADD("replay/valid-only", test_replay_valid_only);
    ADD("replay/aligned-blocks", test_replay_blocks);
    ADD("need-vfio", test_need_vfio);
    ADD("translate", test_translate);
    ADD("enable-disable/listener", test_enable_disable_listener);
    ADD("reset/notifies", test_clear_notifies);
    ADD("storage/sparse-2^31", test_sparse_window_cost);
    ADD("storage/owner-change", test_set_storage);
    ADD("liobn/duplicate", test_duplicate_liobn);
    ADD("liobn/destroy-frees", test_destroy_frees_liobn);
    ADD("qtest/hcall-verb", test_qtest_hcall_verb);
    ADD("monitor/query-and-info", test_query);
    ADD("rtas/kvmppc-h-rtas", test_h_rtas);
#undef ADD
    return g_test_run();
}
