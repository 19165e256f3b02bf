/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration between two processes: `migrate file:` on one, `-incoming
 * file:` (or defer + migrate-incoming) on another; the TCEs (H_GET_TCE),
 * windows (x-query-spapr-tce), DRC states and soft-host mappings must
 * match after the load; refused streams leave the destination as it was;
 * commands, run states and MIGRATION events as in QEMU.
 */

#include "qemu/osdep.h"
#include <zlib.h>
#include "libqtest.h"
#include "vfio-check.h"
#include "spapr-guest.h"

#define H_SUCCESS       0
#define LIOBN0          0x80000000U
#define LIOBN1          0x80000001U
#define DDW_BUS         0x800000000000000ULL
#define NSCATTER        300

/* H_PUT_TCE, which must succeed. */
static void put_tce(QTestState *s, uint32_t liobn, uint64_t ioba, uint64_t tce)
{
    g_assert_cmpint(guest_put_tce(s, liobn, ioba, tce), ==, H_SUCCESS);
}

/* H_GET_TCE, which must succeed: the TCE. */
static uint64_t get_tce(QTestState *s, uint32_t liobn, uint64_t ioba)
{
    uint64_t tce = 0xdead;

    g_assert_cmpint(guest_get_tce(s, liobn, ioba, &tce), ==, H_SUCCESS);
    return tce;
}

/* ibm,create-pe-dma-window on PHB 0: 2^window_shift bytes of 2^page_shift. */
static void create_ddw(QTestState *s, uint32_t page_shift,
                       uint32_t window_shift)
{
    uint32_t liobn = 0;

    g_assert_cmphex(guest_ddw_create(s, 0, 0, page_shift, window_shift, &liobn,
                                     NULL), ==, 0);
    g_assert_cmphex(liobn, ==, LIOBN1);
}

static char *qmp_str(QTestState *s, const char *cmd)
{
    JsonObject *rsp = qtest_qmp(s, "%s", cmd);
    JsonNode *n = json_object_get_member(rsp, "return");
    JsonGenerator *g;
    char *out;

    g_assert_nonnull(n);
    g = json_generator_new();
    json_generator_set_root(g, n);
    out = json_generator_to_data(g, NULL);
    g_object_unref(g);
    json_object_unref(rsp);
    return out;
}

static char *status(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"query-status\"}");
    char *st = g_strdup(json_object_get_string_member(
        json_object_get_object_member(rsp, "return"), "status"));

    json_object_unref(rsp);
    return st;
}

static void assert_event_status(QTestState *s, const char *expect)
{
    JsonObject *ev = qtest_qmp_eventwait_ref(s, "MIGRATION");

    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(ev, "data"), "status"),
                    ==, expect);
    json_object_unref(ev);
}

static void events_on(QTestState *s)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"migrate-set-capabilities\", "
                             "\"arguments\": {\"capabilities\": [{\"capability\":"
                             " \"events\", \"state\": true}]}}");
}

static char *qmp_error(QTestState *s, const char *cmd)
{
    JsonObject *rsp = qtest_qmp(s, "%s", cmd);
    JsonObject *e = json_object_get_object_member(rsp, "error");
    char *desc;

    g_assert_nonnull(e);
    desc = g_strdup(json_object_get_string_member(e, "desc"));
    json_object_unref(rsp);
    return desc;
}

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/spapr-mig-%d-%s", g_get_tmp_dir(), getpid(),
                           name);
}

/* Migrate @src to @path with events; the source ends in postmigrate. */
static void migrate_out(QTestState *s, const char *path)
{
    g_autofree char *st = NULL, *rs = NULL;

    events_on(s);
    qtest_qmp_assert_success(s, "{\"execute\": \"migrate\", \"arguments\": "
                             "{\"uri\": \"file:%s\"}}", path);
    assert_event_status(s, "setup");
    assert_event_status(s, "active");
    qtest_qmp_eventwait(s, "STOP");
    assert_event_status(s, "completed");
    st = guest_migrate_wait(s, NULL);
    g_assert_cmpstr(st, ==, "completed");
    rs = status(s);
    g_assert_cmpstr(rs, ==, "postmigrate");
}

static uint64_t scattered(unsigned i)
{
    return ((uint64_t)i * 2654435761u) % (1ULL << 31);
}

/* ---- tests ---------------------------------------------------------------- */

/*
 * A 2^31-entry DDW with scattered entries, a poisoned entry, a stuffed run:
 * every non-zero entry and the windows survive, for both table owners.
 */
static void test_round_trip(gconstpointer data)
{
    const char *kt = data;
    g_autofree char *path = tmp_path(kt);
    g_autofree char *args = g_strdup_printf("-M pseries -accel qtest,"
                                            "kernel-tce=%s", kt);
    g_autofree char *tables_src = NULL, *tables_dst = NULL, *st = NULL;
    g_autofree char *rs = NULL;
    QTestState *s = qtest_init(args), *d;

    create_ddw(s, 16, 47);
    put_tce(s, LIOBN0, 0x1000, 0x12345003);
    put_tce(s, LIOBN0, 0x3000, 0x7000);            /* no permission */
    /* The kernel stuffs only values without permission (poison). */
    g_assert_cmpint(guest_stuff_tce(s, LIOBN0, 0x200000, 0x5000000, 64), ==,
                    H_SUCCESS);
    for (unsigned i = 0; i < NSCATTER; i++) {
        put_tce(s, LIOBN1, DDW_BUS + (scattered(i) << 16),
                ((uint64_t)i << 16) | 2);
    }
    tables_src = qmp_str(s, "{\"execute\": \"x-query-spapr-tce\"}");
    migrate_out(s, path);
    qtest_quit(s);

    d = qtest_initf("%s -incoming file:%s", args, path);
    st = guest_migrate_wait(d, NULL);
    g_assert_cmpstr(st, ==, "completed");
    rs = status(d);
    g_assert_cmpstr(rs, ==, "running");
    g_assert_cmphex(get_tce(d, LIOBN0, 0x1000), ==, 0x12345003);
    g_assert_cmphex(get_tce(d, LIOBN0, 0x3000), ==, 0x7000);
    g_assert_cmphex(get_tce(d, LIOBN0, 0x2000), ==, 0);
    for (unsigned i = 0; i < 64; i++) {
        g_assert_cmphex(get_tce(d, LIOBN0, 0x200000 + i * 0x1000), ==,
                        0x5000000);
    }
    for (unsigned i = 0; i < NSCATTER; i++) {
        g_assert_cmphex(get_tce(d, LIOBN1, DDW_BUS + (scattered(i) << 16)), ==,
                        ((uint64_t)i << 16) | 2);
    }
    tables_dst = qmp_str(d, "{\"execute\": \"x-query-spapr-tce\"}");
    g_assert_cmpstr(tables_dst, ==, tables_src);
    qtest_quit(d);
    unlink(path);
}

/*
 * Soft-host vfio-pci on both sides: the destination's host mappings are
 * rebuilt from the loaded tables (host == guest view right after the
 * load), and a pending unplug travels: the destination's reset completes it.
 */
static void test_vfio_soft(gconstpointer data)
{
    g_autofree char *path = tmp_path("vfio");
    g_autofree char *args = g_strdup_printf(
        "-M pseries -nodefaults -accel qtest,kernel-tce=%s "
        "-object vfio-soft-host,id=h0,iommu-type=spapr-tce-v2 "
        "-device vfio-pci,soft-host=h0,bus=pci.0,addr=3,id=v0",
        (const char *)data);
    g_autofree char *view_src = NULL, *view_dst = NULL, *st = NULL;
    QTestState *s = qtest_init(args), *d;

    put_tce(s, LIOBN0, 0x8000, 0x300003);
    put_tce(s, LIOBN0, 0x9000, 0x301001);
    create_ddw(s, 16, 40);
    put_tce(s, LIOBN1, DDW_BUS + 0x30000, 0x1000003);
    view_src = vfio_check(s, 1);
    g_assert_cmpstr(view_src, !=, "");
    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"v0\"}}");
    migrate_out(s, path);
    qtest_quit(s);

    d = qtest_initf("%s -incoming file:%s", args, path);
    st = guest_migrate_wait(d, NULL);
    g_assert_cmpstr(st, ==, "completed");
    view_dst = vfio_check(d, 1);
    g_assert_cmpstr(view_dst, ==, view_src);
    /* The unplug the source's guest had not completed is pending here. */
    qtest_qmp_assert_success(d, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(d, "DEVICE_DELETED");
    qtest_quit(d);
    unlink(path);
}

/*
 * migrate-incoming of @uri (exit-on-error off) on @d, which must fail:
 * the failure's error-desc (g_free()).
 */
static char *incoming_failure(QTestState *d, const char *uri)
{
    g_autofree char *st = NULL;
    char *desc = NULL;

    qtest_qmp_assert_success(d, "{\"execute\": \"migrate-incoming\", "
                             "\"arguments\": {\"uri\": \"%s\", "
                             "\"exit-on-error\": false}}", uri);
    st = guest_migrate_wait(d, &desc);
    g_assert_cmpstr(st, ==, "failed");
    return desc;
}

/* -incoming defer -S: inmigrate, migrate-incoming, events, then paused. */
static void test_defer(void)
{
    g_autofree char *path = tmp_path("defer");
    g_autofree char *st = NULL, *rs = NULL, *e1 = NULL, *e2 = NULL;
    g_autofree char *e3 = NULL, *cmd = NULL;
    QTestState *s = qtest_init("-M pseries"), *d;

    put_tce(s, LIOBN0, 0x1000, 0x4003);
    migrate_out(s, path);
    qtest_quit(s);

    d = qtest_init("-M pseries -S -incoming defer");
    rs = status(d);
    g_assert_cmpstr(rs, ==, "inmigrate");
    e1 = qmp_error(d, "{\"execute\": \"migrate\", \"arguments\": "
                   "{\"uri\": \"file:/dev/null\"}}");
    g_assert_cmpstr(e1, ==, "Guest is waiting for an incoming migration");
    e3 = qmp_error(d, "{\"execute\": \"migrate-incoming\", \"arguments\": "
                   "{\"uri\": \"tcp:localhost:4444\"}}");
    g_assert_cmpstr(e3, ==, "Parameter 'uri' expects a valid migration "
                    "protocol");
    events_on(d);
    qtest_qmp_assert_success(d, "{\"execute\": \"migrate-incoming\", "
                             "\"arguments\": {\"uri\": \"file:%s\"}}", path);
    assert_event_status(d, "setup");
    assert_event_status(d, "active");
    assert_event_status(d, "completed");
    st = guest_migrate_wait(d, NULL);
    g_assert_cmpstr(st, ==, "completed");
    g_free(rs);
    rs = status(d);
    g_assert_cmpstr(rs, ==, "paused");
    g_assert_cmphex(get_tce(d, LIOBN0, 0x1000), ==, 0x4003);
    cmd = g_strdup_printf("{\"execute\": \"migrate-incoming\", "
                          "\"arguments\": {\"uri\": \"file:%s\"}}", path);
    e2 = qmp_error(d, cmd);
    g_assert_cmpstr(e2, ==, "The incoming migration has already been started");
    qtest_quit(d);
    unlink(path);
}

/* cont in inmigrate (with -S) does not run yet; it runs once loaded. */
static void test_cont_in_inmigrate(void)
{
    g_autofree char *path = tmp_path("cont");
    g_autofree char *st = NULL, *rs1 = NULL, *rs2 = NULL;
    QTestState *s = qtest_init("-M pseries"), *d;

    migrate_out(s, path);
    qtest_quit(s);
    d = qtest_init("-M pseries -S -incoming defer");
    qtest_qmp_assert_success(d, "{\"execute\": \"cont\"}");
    rs1 = status(d);
    g_assert_cmpstr(rs1, ==, "inmigrate");
    qtest_qmp_assert_success(d, "{\"execute\": \"migrate-incoming\", "
                             "\"arguments\": {\"uri\": \"file:%s\"}}", path);
    st = guest_migrate_wait(d, NULL);
    g_assert_cmpstr(st, ==, "completed");
    rs2 = status(d);
    g_assert_cmpstr(rs2, ==, "running");
    qtest_quit(d);
    unlink(path);
}

/* A corrupted stream: failed, the error in query-migrate, nothing applied. */
static void test_refused(void)
{
    g_autofree char *path = tmp_path("bad");
    g_autofree char *uri = NULL;
    g_autofree char *desc = NULL, *rs = NULL, *before = NULL;
    g_autofree char *after = NULL, *contents = NULL;
    gsize len;
    QTestState *s = qtest_init("-M pseries"), *d;

    put_tce(s, LIOBN0, 0x1000, 0x4003);
    migrate_out(s, path);
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    contents[len / 2] ^= 1;
    g_assert_true(g_file_set_contents(path, contents, len, NULL));

    d = qtest_init("-M pseries -incoming defer");
    put_tce(d, LIOBN0, 0x2000, 0x8003);
    before = qmp_str(d, "{\"execute\": \"x-query-spapr-tce\"}");
    uri = g_strdup_printf("file:%s", path);
    desc = incoming_failure(d, uri);
    g_assert_true(g_str_has_prefix(desc, "Migration stream checksum "
                                   "mismatch (stream 0x"));
    rs = status(d);
    g_assert_cmpstr(rs, ==, "inmigrate");
    after = qmp_str(d, "{\"execute\": \"x-query-spapr-tce\"}");
    g_assert_cmpstr(after, ==, before);
    g_assert_cmphex(get_tce(d, LIOBN0, 0x2000), ==, 0x8003);
    g_assert_cmphex(get_tce(d, LIOBN0, 0x1000), ==, 0);
    qtest_quit(d);
    unlink(path);
}

/*
 * An exec: source that never ends: the destination reads what the header
 * announces, sees there is more and refuses the load, instead of growing
 * for ever; a file with bytes after the stream is refused the same way.
 */
static void test_endless_source(void)
{
    g_autofree char *path = tmp_path("endless");
    g_autofree char *uri = NULL;
    g_autofree char *desc = NULL;
    QTestState *s = qtest_init("-M pseries"), *d;

    put_tce(s, LIOBN0, 0x1000, 0x4003);
    migrate_out(s, path);
    qtest_quit(s);
    d = qtest_init("-M pseries -incoming defer");
    uri = g_strdup_printf("exec:cat %s; exec cat /dev/zero", path);
    desc = incoming_failure(d, uri);
    g_assert_true(g_str_has_prefix(desc, "Migration stream: bytes after "
                                   "its end in cat "));
    g_assert_cmphex(get_tce(d, LIOBN0, 0x1000), ==, 0);
    qtest_quit(d);

    /* the same for a file with bytes after the stream */
    {
        g_autofree char *contents = NULL;
        g_autofree char *longer = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
        longer = g_malloc(len + 8);
        memcpy(longer, contents, len);
        memcpy(longer + len, "junkjunk", 8);
        g_assert_true(g_file_set_contents(path, longer, len + 8, NULL));
    }
    g_free(desc);
    d = qtest_init("-M pseries -incoming defer");
    g_free(uri);
    uri = g_strdup_printf("file:%s", path);
    desc = incoming_failure(d, uri);
    g_assert_true(g_str_has_prefix(desc, "Migration stream: bytes after "
                                   "its end in /"));
    qtest_quit(d);
    unlink(path);
}

/*
 * A stream that puts a device's (physical) DRC in "available", a state no
 * guest flow reaches here: refused, the destination unchanged.
 */
static void test_drc_unreachable(void)
{
    g_autofree char *path = tmp_path("drc");
    g_autofree char *uri = NULL;
    g_autofree char *contents = NULL;
    g_autofree char *desc = NULL;
    const char *args = "-M pseries -nodefaults "
                       "-object vfio-soft-host,id=h0,iommu-type=spapr-tce-v2 "
                       "-device vfio-pci,soft-host=h0,bus=pci.0,addr=3,id=v0";
    uint32_t pat[2] = { GUINT32_TO_BE(0x40000018), GUINT32_TO_BE(8) };
    QTestState *s = qtest_init(args), *d;
    gsize len, hits = 0, off = 0;
    uint32_t crc;

    migrate_out(s, path);
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    for (gsize i = 0; i + sizeof(pat) <= len; i++) {
        if (!memcmp(contents + i, pat, sizeof(pat))) {
            off = i + 4;
            hits++;
        }
    }
    g_assert_cmpuint(hits, ==, 1);
    contents[off + 3] = 5;          /* PHYSICAL_AVAILABLE */
    crc = GUINT32_TO_BE(crc32(crc32(0L, Z_NULL, 0),
                              (const Bytef *)contents, len - 4));
    memcpy(contents + len - 4, &crc, 4);
    g_assert_true(g_file_set_contents(path, contents, len, NULL));

    d = qtest_initf("%s -incoming defer", args);
    uri = g_strdup_printf("file:%s", path);
    desc = incoming_failure(d, uri);
    g_assert_cmpstr(desc, ==, "Migration stream: DRC 0x40000018: state 5 "
                    "cannot go with a device");
    qtest_quit(d);
    unlink(path);
}

/* A header announcing more than the bound: refused before reading it. */
static void test_over_limit(void)
{
    g_autofree char *path = tmp_path("huge");
    g_autofree char *uri = NULL;
    g_autofree char *desc = NULL;
    uint8_t hdr[24] = "SPAPRDMA";
    uint32_t version = GUINT32_TO_BE(1);
    uint64_t body = GUINT64_TO_BE(4ULL << 30);
    QTestState *d;

    memcpy(hdr + 8, &version, 4);
    memcpy(hdr + 16, &body, 8);
    g_assert_true(g_file_set_contents(path, (char *)hdr, sizeof(hdr), NULL));
    d = qtest_init("-M pseries -incoming defer");
    uri = g_strdup_printf("file:%s", path);
    desc = incoming_failure(d, uri);
    g_assert_cmpstr(desc, ==, "Migration stream of 4294967296 bytes is over "
                    "the limit (1073741824)");
    qtest_quit(d);
    unlink(path);
}

/* A machine with other PHB properties refuses the stream and exits 1. */
static void test_mismatch_exits(void)
{
    g_autofree char *path = tmp_path("mismatch");
    g_autofree char *args = NULL, *err = NULL;
    QTestState *s = qtest_init("-M pseries");

    migrate_out(s, path);
    qtest_quit(s);
    args = g_strdup_printf("-M pseries -global spapr-pci-host-bridge."
                           "dma_win_size=0x80000000 -incoming file:%s", path);
    g_assert_cmpint(qtest_run_binary(args, NULL, &err), ==, 1);
    g_assert_cmpstr(err, ==, "spapr-iommu: load of migration failed: "
                    "Migration stream: PHB 0 dma_win_size is 0x40000000, this "
                    "machine's is 0x80000000\n");
    unlink(path);
}

static void test_errors(void)
{
    QTestState *s = qtest_init("-M pseries");
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *st = NULL;

    e1 = qmp_error(s, "{\"execute\": \"migrate-incoming\", \"arguments\": "
                   "{\"uri\": \"file:/dev/null\"}}");
    g_assert_cmpstr(e1, ==, "For use with '-incoming defer'");
    e2 = qmp_error(s, "{\"execute\": \"migrate\", \"arguments\": "
                   "{\"uri\": \"tcp:127.0.0.1:1\"}}");
    g_assert_cmpstr(e2, ==, "Parameter 'uri' expects a valid migration "
                    "protocol");
    e3 = qmp_error(s, "{\"execute\": \"migrate\", \"arguments\": "
                   "{\"uri\": \"file:/nonexistent/dir/x\"}}");
    g_assert_cmpstr(e3, ==, "Unable to open /nonexistent/dir/x: No such file "
                    "or directory");
    st = status(s);
    g_assert_cmpstr(st, ==, "running");
    qtest_quit(s);
}

/* HMP migrate waits for the end; exec: runs a command; info migrate. */
static void test_hmp_exec(void)
{
    g_autofree char *path = tmp_path("exec");
    g_autofree char *out = NULL, *info = NULL, *st = NULL, *cmd = NULL;
    QTestState *s = qtest_init("-M pseries"), *d;

    put_tce(s, LIOBN0, 0x1000, 0x4003);
    cmd = g_strdup_printf("migrate \"exec:cat > %s\"", path);
    out = qtest_hmp_text(s, cmd);
    g_assert_cmpstr(out, ==, "");
    info = qtest_hmp_text(s, "info migrate");
    g_assert_true(g_str_has_prefix(info, "capabilities: events: off\n"
                                   "Migration status: completed\n"
                                   "total time: "));
    g_assert_nonnull(strstr(info, "DMA state: 2 tables, 1 runs, 1 entries, "));
    qtest_quit(s);

    d = qtest_initf("-M pseries -incoming \"exec:cat %s\"", path);
    st = guest_migrate_wait(d, NULL);
    g_assert_cmpstr(st, ==, "completed");
    g_assert_cmphex(get_tce(d, LIOBN0, 0x1000), ==, 0x4003);
    qtest_quit(d);
    unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/migration/round-trip/kernel-tce-off", "off",
                         test_round_trip);
    g_test_add_data_func("/migration/round-trip/kernel-tce-on", "on",
                         test_round_trip);
    g_test_add_data_func("/migration/vfio-soft/kernel-tce-off", "off",
                         test_vfio_soft);
    g_test_add_data_func("/migration/vfio-soft/kernel-tce-on", "on",
                         test_vfio_soft);
    g_test_add_data_func("/migration/vfio-soft/kernel-tce-vfio", "vfio",
                         test_vfio_soft);
    g_test_add_func("/migration/defer", test_defer);
    g_test_add_func("/migration/cont-in-inmigrate", test_cont_in_inmigrate);
    g_test_add_func("/migration/refused", test_refused);
    g_test_add_func("/migration/mismatch-exits", test_mismatch_exits);
    g_test_add_func("/migration/endless-source", test_endless_source);
    g_test_add_func("/migration/over-limit", test_over_limit);
    g_test_add_func("/migration/drc-unreachable", test_drc_unreachable);
    g_test_add_func("/migration/errors", test_errors);
    g_test_add_func("/migration/hmp-exec", test_hmp_exec);
    return g_test_run();
}
