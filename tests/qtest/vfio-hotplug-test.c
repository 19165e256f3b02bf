/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-pci plugged and unplugged at run time, for kernel-tce=off, on and
 * vfio: after every step the table's owner, need-vfio and IOMMU notifier
 * count, host mappings == guest view (vfio-check.h), DMA by the
 * edu-compatible function, and the KVM-VFIO stand-in's record (groups added
 * before the listener ran; at level vfio, each group linked to each window's
 * kernel table).  docs/user/hotplug.md "vfio-pci", docs/user/kernel-tce.md.
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
#define RTAS_OK         0U
#define LIOBN(phb, n)   (0x80000000U | (phb) << 8 | (n))
#define DDW_BUS         (1ULL << 59)
#define PCI_DRC(phb, slot)  (0x40000000U | (phb) << 16 | (slot) << 3)
#define BUF             VFIO_SOFT_EDU_BUF_ADDR

/* Where the test maps: page 0x8000 of the default window -> RAM 0x300000. */
#define IOVA            0x8000ULL
#define GPA             0x300000ULL

typedef struct Dev {
    unsigned phb, slot;
} Dev;

static void assert_deleted(QTestState *s, const char *id)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);

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

static void plug(QTestState *s, const char *id, Dev d, int group)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"vfio-pci\", \"soft-host\": \"h0\", "
                             "\"bus\": \"%s.0\", \"addr\": \"%u\", \"group\": "
                             "%d, \"id\": \"%s\"}}",
                             d.phb ? "phb1" : "pci", d.slot, group, id);
}

/* device_del, then the guest isolates the function: released. */
static void unplug_by_guest(QTestState *s, const char *id, Dev d)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"%s\"}}", id);
    guest_drc_isolate(s, PCI_DRC(d.phb, d.slot));
    assert_deleted(s, id);
}

/* device_del of a configured (or cold-plugged) device, then system_reset. */
static void unplug_by_reset(QTestState *s, const char *id)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"%s\"}}", id);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    assert_deleted(s, id);
}

/* The table @liobn: owner, need-vfio, notifiers as "owner/need/n". */
static char *table_state(QTestState *s, uint32_t liobn)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", "
                                "\"arguments\": {\"liobn\": %u}}", liobn);
    JsonObject *t = json_array_get_object_element(
        json_object_get_array_member(rsp, "return"), 0);
    char *r = g_strdup_printf("%s/%s/%" PRId64,
        json_object_get_string_member(t, "owner"),
        json_object_get_boolean_member(t, "need-vfio") ? "vfio" : "novfio",
        json_object_get_int_member(t, "notifiers"));

    json_object_unref(rsp);
    return r;
}

#define assert_table(s, liobn, expect) do {             \
        g_autofree char *_t = table_state((s), (liobn)); \
        g_assert_cmpstr(_t, ==, (expect));              \
    } while (0)

/*
 * @pattern with its "[...]" parts kept (brackets dropped) at level vfio and
 * left out at the others: the links only the vfio level makes.
 */
static char *at_level(const char *kt, const char *pattern)
{
    bool vfio = !strcmp(kt, "vfio");
    GString *r = g_string_new(NULL);
    bool in = false;

    for (const char *p = pattern; *p; p++) {
        if (*p == '[' || *p == ']') {
            in = *p == '[';
        } else if (!in || vfio) {
            g_string_append_c(r, *p);
        }
    }
    return g_string_free(r, FALSE);
}

#define assert_kvm_log(s, kt, pattern) do {             \
        g_autofree char *_l = guest_kvm_log(s);         \
        g_autofree char *_e = at_level((kt), (pattern)); \
        g_assert_cmpstr(_l, ==, _e);                    \
    } while (0)

static uint32_t cfg_addr(Dev d, uint32_t reg)
{
    return (d.slot << 11) | reg;
}

/* ibm,create-pe-dma-window through @d: 64 KiB pages, 2^32 bytes. */
static uint32_t ddw_create(QTestState *s, Dev d)
{
    uint32_t liobn = 0;
    uint64_t bus = 0;

    g_assert_cmphex(guest_ddw_create(s, d.phb, cfg_addr(d, 0), 16, 32, &liobn,
                                     &bus), ==, RTAS_OK);
    g_assert_cmphex(liobn, ==, LIOBN(d.phb, 1));
    g_assert_cmphex(bus, ==, DDW_BUS);
    return liobn;
}

/* BAR 0 of @d at PCI 0x80000000 + slot MiB: its CPU address. */
static uint64_t bar_of(Dev d)
{
    /* the 32-bit MMIO window: PCI 0x80000000 at 2^45 + (index + 1) * 2^31 */
    return (1ULL << 45) + (d.phb + 1ULL) * (1ULL << 31) +
           ((uint64_t)d.slot << 20);
}

/*
 * @d copies 8 bytes from bus @iova (RAM @gpa) to @iova + 0x100 through its
 * buffer; asserts the bytes arrived.
 */
static void assert_dma(QTestState *s, Dev d, uint64_t iova, uint64_t gpa)
{
    static const uint8_t pattern[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
    uint8_t buf[8];

    vfio_test_cfg_write(s, d.phb, cfg_addr(d, 0x10), 4,
                        0x80000000U + (d.slot << 20));
    vfio_test_cfg_write(s, d.phb, cfg_addr(d, 4), 2, 0x6);
    qtest_memwrite(s, gpa, pattern, sizeof(pattern));
    qtest_memset(s, gpa + 0x100, 0, sizeof(buf));
    g_assert_cmphex(edu_dma(s, bar_of(d), iova, BUF, 8, 0), ==, 0);
    g_assert_cmphex(edu_dma(s, bar_of(d), BUF, iova + 0x100, 8,
                            VFIO_SOFT_EDU_DMA_TO_RAM), ==, 0);
    qtest_memread(s, gpa + 0x100, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), pattern, sizeof(pattern));
}

static QTestState *start(const char *kt, const char *extra)
{
    return qtest_initf("-M pseries -nodefaults -accel qtest,kernel-tce=%s "
                       "-object vfio-soft-host,id=h0,iommu-type=spapr-tce-v2"
                       "%s", kt, extra);
}

/* The owner of a table nobody listens to: the kernel when it has tables. */
static const char *idle_owner(const char *kt)
{
    return strcmp(kt, "off") ? "kernel" : "user";
}

/* A table with one VFIO container listening: linked in the kernel at vfio. */
static const char *busy(const char *kt)
{
    return strcmp(kt, "vfio") ? "user/vfio/1" : "kernel/vfio/1";
}

#define VIEW        "0x8000+0x1000>0x300000:rw"
#define DDW_VIEW    VIEW " 0x800000000000000+0x10000>0x1000000:rw"

/* ---- tests ---------------------------------------------------------------- */

/* Cold-plugged, then unplugged by system_reset. */
static void test_coldplug_reset(gconstpointer data)
{
    const char *kt = data;
    QTestState *s = start(kt, " -device vfio-pci,soft-host=h0,bus=pci.0,"
                          "addr=3,id=v0");
    Dev d = { 0, 3 };
    g_autofree char *idle = g_strdup_printf("%s/novfio/0", idle_owner(kt));

    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; ]");
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, "");
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    vfio_assert_view(s, 1, VIEW);
    assert_dma(s, d, IOVA, GPA);
    unplug_by_reset(s, "v0");
    /* the reset re-creates the window (linked again) before the unplug */
    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; link 1 0x0 -> 0; ]del 1; ");
    assert_table(s, LIOBN(0, 0), idle);
    vfio_assert_view(s, 0, "");
    qtest_quit(s);
}

/*
 * Hot-added onto a mapped default window (replayed), a DDW created and
 * mapped, unplugged by the guest, replugged onto both windows: one
 * notifier per window each time, host == guest view after each step.
 */
static void test_hotplug_ddw_replug(gconstpointer data)
{
    const char *kt = data;
    QTestState *s = start(kt, "");
    Dev d = { 0, 3 };
    g_autofree char *idle = g_strdup_printf("%s/novfio/0", idle_owner(kt));

    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    assert_table(s, LIOBN(0, 0), idle);
    plug(s, "v0", d, 1);
    guest_drc_configure(s, PCI_DRC(0, 3));
    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; ]");
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, VIEW);
    assert_dma(s, d, IOVA, GPA);
    /* A DDW on a PHB with VFIO: created empty, then mapped. */
    g_assert_cmphex(ddw_create(s, d), ==, LIOBN(0, 1));
    assert_table(s, LIOBN(0, 1), busy(kt));
    vfio_assert_view(s, 1, VIEW);
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 1), DDW_BUS, 0x1000003), ==,
                    H_SUCCESS);
    /* (edu's 28-bit DMA mask cannot reach 2^59: the checker covers it) */
    vfio_assert_view(s, 1, DDW_VIEW);

    for (int round = 0; round < 2; round++) {
        unplug_by_guest(s, "v0", d);
        assert_table(s, LIOBN(0, 0), idle);
        assert_table(s, LIOBN(0, 1), idle);
        vfio_assert_view(s, 0, DDW_VIEW);
        /* replug: the DDW exists already; both windows replayed */
        plug(s, "v0", d, 1);
        guest_drc_configure(s, PCI_DRC(0, 3));
        assert_table(s, LIOBN(0, 0), busy(kt));
        assert_table(s, LIOBN(0, 1), busy(kt));
        vfio_assert_view(s, 1, DDW_VIEW);
        assert_dma(s, d, IOVA, GPA);
    }
    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; link 1 0x800000000000000 -> 0; ]"
                   "del 1; "
                   "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; link 1 0x800000000000000 -> 0; ]"
                   "del 1; "
                   "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; link 1 0x800000000000000 -> 0; ]");
    qtest_quit(s);
}

/*
 * Two functions in one group: unplugging one keeps the group (and the
 * container, untouched); the other still DMAs.
 */
static void test_one_group(gconstpointer data)
{
    const char *kt = data;
    QTestState *s = start(kt, "");
    Dev a = { 0, 3 }, b = { 0, 4 };

    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    plug(s, "va", a, 7);
    guest_drc_configure(s, PCI_DRC(0, 3));
    plug(s, "vb", b, 7);
    guest_drc_configure(s, PCI_DRC(0, 4));
    assert_kvm_log(s, kt, "add 7 (in-list, listener off); "
                   "[link 7 0x0 -> 0; ]");
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, VIEW);
    unplug_by_guest(s, "va", a);
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, VIEW);
    assert_dma(s, b, IOVA, GPA);
    assert_kvm_log(s, kt, "add 7 (in-list, listener off); "
                   "[link 7 0x0 -> 0; ]");
    qtest_quit(s);
}

/*
 * Two groups sharing one sPAPR v2 container: when one leaves, the host
 * clears the shared tables (docs/specs/linux-interfaces.md §4.9) and the
 * container replays them for the other, which still DMAs.
 */
static void test_two_groups(gconstpointer data)
{
    const char *kt = data;
    QTestState *s = start(kt, "");
    Dev a = { 0, 3 }, b = { 0, 4 };

    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    plug(s, "va", a, 1);
    guest_drc_configure(s, PCI_DRC(0, 3));
    plug(s, "vb", b, 2);
    guest_drc_configure(s, PCI_DRC(0, 4));
    /* the second group joins the running container */
    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; ]"
                   "add 2 (in-list, listener on); [link 2 0x0 -> 0; ]");
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, VIEW);
    assert_dma(s, b, IOVA, GPA);
    unplug_by_guest(s, "va", a);
    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; ]"
                   "add 2 (in-list, listener on); [link 2 0x0 -> 0; ]"
                   "del 1; ");
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, VIEW);
    assert_dma(s, b, IOVA, GPA);
    /* and back: a third group joins, the second leaves by reset */
    plug(s, "va", a, 3);
    vfio_assert_view(s, 1, VIEW);
    unplug_by_reset(s, "vb");
    assert_table(s, LIOBN(0, 0), busy(kt));
    vfio_assert_view(s, 1, "");
    qtest_quit(s);
}

/* Hotplug onto a second, cold-plugged PHB: its own address space. */
static void test_second_phb(gconstpointer data)
{
    const char *kt = data;
    QTestState *s = start(kt, " -device spapr-pci-host-bridge,index=1,"
                          "id=phb1");
    Dev d = { 1, 2 };
    g_autofree char *idle = g_strdup_printf("%s/novfio/0", idle_owner(kt));

    g_assert_cmpint(guest_put_tce(s, LIOBN(1, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    plug(s, "v1", d, 1);
    guest_drc_configure(s, PCI_DRC(1, 2));
    assert_table(s, LIOBN(0, 0), idle);
    assert_table(s, LIOBN(1, 0), busy(kt));
    vfio_assert_view_phb(s, 1, 1, VIEW);
    assert_dma(s, d, IOVA, GPA);
    unplug_by_guest(s, "v1", d);
    assert_table(s, LIOBN(1, 0), idle);
    vfio_assert_view_phb(s, 0, 1, VIEW);
    qtest_quit(s);
}

/* A PHB hot-added (and taken by the guest), then vfio-pci on it. */
static void test_phb_hotadd(gconstpointer data)
{
    const char *kt = data;
    QTestState *s = start(kt, "");
    Dev d = { 1, 2 };

    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"spapr-pci-host-bridge\", "
                             "\"index\": \"1\", \"id\": \"phb1\"}}");
    g_assert_cmphex(guest_set_indicator(s, 9003, 0x20000001, 1), ==, 0);
    guest_drc_configure(s, 0x20000001);
    g_assert_cmpint(guest_put_tce(s, LIOBN(1, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    plug(s, "v1", d, 1);
    guest_drc_configure(s, PCI_DRC(1, 2));
    assert_kvm_log(s, kt, "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; ]");
    assert_table(s, LIOBN(1, 0), busy(kt));
    vfio_assert_view_phb(s, 1, 1, VIEW);
    assert_dma(s, d, IOVA, GPA);
    qtest_quit(s);
}

/* x-query-kernel-tce as "handled/punted/host-maps/host-unmaps". */
static char *kernel_stats(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-kernel-tce\"}");
    JsonObject *r = json_object_get_object_member(rsp, "return");
    char *str;

    g_assert_cmpstr(json_object_get_string_member(r, "level"), ==, "vfio");
    str = g_strdup_printf("%" PRId64 "/%" PRId64 "/%" PRId64 "/%" PRId64,
                          json_object_get_int_member(r, "handled"),
                          json_object_get_int_member(r, "punted"),
                          json_object_get_int_member(r, "host-maps"),
                          json_object_get_int_member(r, "host-unmaps"));
    json_object_unref(rsp);
    return str;
}

#define assert_kernel_stats(s, expect) do {             \
        g_autofree char *_k = kernel_stats(s);          \
        g_assert_cmpstr(_k, ==, (expect));              \
    } while (0)

/* Host map and unmap calls the container made, "map/unmap". */
static char *container_calls(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    JsonObject *st = json_object_get_object_member(
        json_array_get_object_element(
            json_object_get_array_member(rsp, "return"), 0), "stats");
    char *str = g_strdup_printf("%" PRId64 "/%" PRId64,
                                json_object_get_int_member(st, "map"),
                                json_object_get_int_member(st, "unmap"));

    json_object_unref(rsp);
    return str;
}

#define assert_container_calls(s, expect) do {          \
        g_autofree char *_c = container_calls(s);       \
        g_assert_cmpstr(_c, ==, (expect));              \
    } while (0)

/*
 * kernel-tce=vfio: the kernel's fast path maps and unmaps in the linked
 * host table itself (the container makes no call); a host failure clears
 * the entry and punts the call, which user space then performs through the
 * container; H_STUFF_TCE unmaps one run per host call.
 */
static void test_fast_path(gconstpointer data)
{
    QTestState *s = start("vfio", " -device vfio-pci,soft-host=h0,bus=pci.0,"
                          "addr=3,id=v0");
    Dev d = { 0, 3 };

    assert_table(s, LIOBN(0, 0), "kernel/vfio/1");
    assert_kernel_stats(s, "0/0/0/0");
    assert_container_calls(s, "0/0");
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    assert_kernel_stats(s, "1/0/1/0");
    assert_container_calls(s, "0/0");
    vfio_assert_view(s, 1, VIEW);
    assert_dma(s, d, IOVA, GPA);
    /* the same value again: nothing changes, nothing is sent */
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    assert_kernel_stats(s, "2/0/1/0");

    /* the host fails the kernel's map: cleared, punted, user space maps */
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": "
                             "\"map\", \"nth\": 1, \"errno\": \"EIO\"}}");
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA + 0x1000, GPA + 0x1001),
                    ==, H_SUCCESS);
    assert_kernel_stats(s, "2/1/2/1");
    assert_container_calls(s, "1/0");
    vfio_assert_view(s, 1, "0x8000+0x1000>0x300000:rw "
                     "0x9000+0x1000>0x301000:r");
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA + 0x2000, GPA + 0x2003),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 1, "0x8000+0x1000>0x300000:rw "
                     "0x9000+0x1000>0x301000:r "
                     "0xa000+0x1000>0x302000:rw");
    assert_kernel_stats(s, "3/1/3/1");
    /* one clear of three entries: one unmap per run of valid entries */
    g_assert_cmpint(guest_stuff_tce(s, LIOBN(0, 0), IOVA, 0, 3), ==, H_SUCCESS);
    assert_kernel_stats(s, "4/1/3/2");
    assert_container_calls(s, "1/0");
    vfio_assert_view(s, 1, "");

    /* unplugged: no link left, the table stays the kernel's */
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    unplug_by_reset(s, "v0");
    assert_table(s, LIOBN(0, 0), "kernel/novfio/0");
    vfio_assert_view(s, 0, "");
    qtest_quit(s);
}

/* The window at @bus of container @n: "kernel-linked/tracked/broken". */
static char *window_state(QTestState *s, int n, uint64_t bus)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    JsonArray *w = json_object_get_array_member(
        json_array_get_object_element(
            json_object_get_array_member(rsp, "return"), n), "windows");
    char *str = NULL;

    for (guint i = 0; i < json_array_get_length(w); i++) {
        JsonObject *o = json_array_get_object_element(w, i);

        if ((uint64_t)json_object_get_int_member(o, "bus-start") == bus) {
            str = g_strdup_printf("%s/%s/%s",
                json_object_get_boolean_member(o, "kernel-linked") ?
                    "linked" : "unlinked",
                json_object_get_boolean_member(o, "tracked") ?
                    "tracked" : "untracked",
                json_object_get_boolean_member(o, "broken") ? "broken" : "ok");
        }
    }
    json_object_unref(rsp);
    g_assert_nonnull(str);
    return str;
}

#define assert_window(s, n, bus, expect) do {           \
        g_autofree char *_w = window_state((s), (n), (bus)); \
        g_assert_cmpstr(_w, ==, (expect));              \
    } while (0)

/*
 * kernel-tce=vfio: a second container that cannot be linked (type1v2)
 * takes the table out of the kernel; the first one's window is then no
 * longer linked (still untracked: the host matches the guest view), and a
 * group joining the first container later is not refused for a link it
 * cannot make.
 */
static void test_link_lost(gconstpointer data)
{
    QTestState *s = start("vfio", " -object vfio-soft-host,id=h1,"
                          "iommu-type=type1v2 -device vfio-pci,soft-host=h0,"
                          "bus=pci.0,addr=3,id=v0,group=1");
    Dev a = { 0, 3 }, c = { 0, 5 };

    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    assert_window(s, 0, 0, "linked/untracked/ok");
    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"vfio-pci\", \"soft-host\": \"h1\", "
                             "\"bus\": \"pci.0\", \"addr\": \"4\", "
                             "\"group\": 2, \"id\": \"v1\"}}");
    guest_drc_configure(s, PCI_DRC(0, 4));
    assert_table(s, LIOBN(0, 0), "user/vfio/2");
    assert_window(s, 0, 0, "unlinked/untracked/ok");
    vfio_assert_view(s, 2, VIEW);
    plug(s, "v2", c, 3);
    guest_drc_configure(s, PCI_DRC(0, 5));
    assert_kvm_log(s, "vfio", "add 1 (in-list, listener off); "
                   "[link 1 0x0 -> 0; ]add 2 (in-list, listener off); "
                   "add 3 (in-list, listener on); ");
    assert_window(s, 0, 0, "unlinked/untracked/ok");
    /* every change now arrives as an event, straight to the host */
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA + 0x1000, GPA + 0x1003),
                    ==, H_SUCCESS);
    vfio_assert_view(s, 2, "0x8000+0x2000>0x300000:rw");
    assert_dma(s, a, IOVA, GPA);
    assert_dma(s, c, IOVA + 0x1000, GPA + 0x1000);
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, 0), ==, H_SUCCESS);
    vfio_assert_view(s, 2, "0x9000+0x1000>0x301000:rw");
    qtest_quit(s);
}

/*
 * kernel-tce=vfio: a linked window that breaks (its replay fails after a
 * group left the shared container) is unlinked, so the kernel stops
 * mapping into it: later puts fail with H_HARDWARE and clear the entry.
 */
static void test_broken_unlinks(gconstpointer data)
{
    QTestState *s = start("vfio", "");
    Dev a = { 0, 3 }, b = { 0, 4 };
    uint64_t args[1] = { LIOBN(0, 0) };

    plug(s, "va", a, 1);
    guest_drc_configure(s, PCI_DRC(0, 3));
    plug(s, "vb", b, 2);
    guest_drc_configure(s, PCI_DRC(0, 4));
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, GPA | 3), ==,
                    H_SUCCESS);
    assert_table(s, LIOBN(0, 0), "kernel/vfio/1");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-vfio-soft-fault\", "
                             "\"arguments\": {\"id\": \"h0\", \"op\": "
                             "\"map\", \"nth\": 1, \"errno\": \"EIO\"}}");
    unplug_by_guest(s, "va", a);
    assert_window(s, 0, 0, "unlinked/untracked/broken");
    assert_table(s, LIOBN(0, 0), "user/vfio/1");
    {
        g_autofree char *before = kernel_stats(s);
        g_autofree char *after = NULL;

        /* user space's now: the kernel maps nothing more into it */
        g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA + 0x1000, GPA | 3),
                        ==, H_HARDWARE);
        after = kernel_stats(s);
        /* host-maps/host-unmaps unchanged (the table is punted now) */
        g_assert_cmpstr(strchr(strchr(after, '/') + 1, '/'), ==,
                        strchr(strchr(before, '/') + 1, '/'));
    }
    /* the entry the broken window could not take is gone; clear the other */
    g_assert_cmpint(guest_put_tce(s, LIOBN(0, 0), IOVA, 0), ==, H_SUCCESS);
    vfio_check_allow_broken = true;
    vfio_assert_view(s, 1, "");
    vfio_check_allow_broken = false;
    (void)args;
    qtest_quit(s);
}

/*
 * kernel-tce=vfio: every DDW the guest creates adds a link entry to the
 * KVM-VFIO record; the record keeps its last 64 KiB, whole entries.
 */
static void test_record_bounded(gconstpointer data)
{
    QTestState *s = start("vfio", " -device vfio-pci,soft-host=h0,bus=pci.0,"
                          "addr=3,id=v0");
    Dev d = { 0, 3 };
    g_autofree char *log = NULL;

    for (int i = 0; i < 2500; i++) {
        uint32_t liobn = 0;

        g_assert_cmphex(guest_ddw_create(s, 0, cfg_addr(d, 0), 16, 32, &liobn,
                                         NULL), ==, RTAS_OK);
        g_assert_cmphex(guest_ddw_remove(s, liobn), ==, RTAS_OK);
    }
    log = guest_kvm_log(s);
    g_assert_cmpuint(strlen(log), <=, 64 * 1024);
    g_assert_cmpuint(strlen(log), >, 60 * 1024);
    g_assert_true(g_str_has_prefix(log, "link 1 0x"));
    g_assert_true(g_str_has_suffix(log, "link 1 0x800000000000000 -> 0; "));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    static const char *const levels[] = { "off", "on", "vfio" };
    static const struct {
        const char *name;
        GTestDataFunc fn;
    } cases[] = {
        { "coldplug-reset", test_coldplug_reset },
        { "hotplug-ddw-replug", test_hotplug_ddw_replug },
        { "one-group", test_one_group },
        { "two-groups", test_two_groups },
        { "second-phb", test_second_phb },
        { "phb-hotadd", test_phb_hotadd },
    };

    g_test_init(&argc, &argv, NULL);
    for (unsigned i = 0; i < G_N_ELEMENTS(levels); i++) {
        for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
            g_autofree char *path = g_strdup_printf(
                "/vfio-hotplug/kernel-tce=%s/%s", levels[i], cases[k].name);

            g_test_add_data_func(path, levels[i], cases[k].fn);
        }
    }
    g_test_add_data_func("/vfio-hotplug/kernel-tce=vfio/fast-path", NULL,
                         test_fast_path);
    g_test_add_data_func("/vfio-hotplug/kernel-tce=vfio/link-lost", NULL,
                         test_link_lost);
    g_test_add_data_func("/vfio-hotplug/kernel-tce=vfio/broken-unlinks", NULL,
                         test_broken_unlinks);
    g_test_add_data_func("/vfio-hotplug/kernel-tce=vfio/record-bounded", NULL,
                         test_record_bounded);
    return g_test_run();
}
