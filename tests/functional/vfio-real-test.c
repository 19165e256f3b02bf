/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The real-VFIO scenario, run inside the x86-64 guest of
 * tests/functional/run-real-vfio.sh: the binary opens QEMU's edu device
 * (bound to vfio-pci, host=$VFIO_EDU_HOST) through the Linux back end, and
 * this program drives it over qtest and QMP as a pseries guest would:
 * DDW, H_PUT_TCE, H_PUT_TCE_INDIRECT, edu DMA through real type1v2
 * mappings, faults after a cleared TCE and after a reset, a refused window
 * outside the host's IOVA ranges, hotplug through the monitor (plug,
 * unplug, replug: the replay matches the guest's view), -accel kvm with the
 * group on the real KVM-VFIO device, and the time of the real map/unmap
 * ioctls in the binary's own map path (docs/user/real-vfio.md).
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "hw/vfio/iommu-linux.h"
#include "hw/vfio/vfio-iommu.h"
#include "libqtest.h"
#include "vfio-edu.h"
#include "spapr-guest.h"

#define H_SUCCESS       0
#define RTAS_OK         0U
#define RTAS_HW_ERROR   0xffffffffU
#define LIOBN           0x80000000ULL
#define CFG(reg)        (0x1800U | (reg))       /* bus 0, devfn 3.0 */
#define DRC_SLOT3       0x40000018U             /* PCI DRC of pci.0 slot 3 */
#define BAR             ((1ULL << 45) + 0x80000000ULL)
/* Inside the 39-bit IOVA ranges of the emulated Intel IOMMU. */
#define DDW_ADDR        0x1000000000ULL
#define DDW_ADDR_STR    "0x1000000000"
#define PS64K           0x10000ULL

/* QEMU's edu (docs/user/real-vfio.md). */
#define EDU_ID          0x00
#define EDU_LIVE        0x04
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98
#define EDU_START       1U
#define EDU_TO_RAM      2U
#define EDU_BUF         0x40000ULL

static const char *edu_host;

static void edu_write64(QTestState *s, uint32_t reg, uint64_t val)
{
    /* edu ignores the upper half written alone: one 8-byte access */
    qtest_writeq(s, BAR + reg, __builtin_bswap64(val));
}

/* Start a DMA of @len bytes from @src to @dst; do not wait. */
static void edu_start(QTestState *s, uint64_t src, uint64_t dst,
                      uint32_t len, uint32_t cmd)
{
    edu_write64(s, EDU_DMA_SRC, src);
    edu_write64(s, EDU_DMA_DST, dst);
    edu_write64(s, EDU_DMA_CNT, len);
    edu_write64(s, EDU_DMA_CMD, cmd | EDU_START);
}

/* Poll the start bit (edu completes after a 100 ms timer): true when done. */
static bool edu_wait(QTestState *s)
{
    for (int i = 0; i < 500; i++) {
        if (!(edu_reg_read(s, BAR, EDU_DMA_CMD) & EDU_START)) {
            return true;
        }
        g_usleep(10 * 1000);
    }
    return false;
}

static void edu_dma_wait(QTestState *s, uint64_t src, uint64_t dst,
                         uint32_t len, uint32_t cmd)
{
    edu_start(s, src, dst, len, cmd);
    g_assert_true(edu_wait(s));
}

/*
 * How many DMA remapping fault events the guest kernel took so far: the
 * count of the IOMMU's fault interrupt ("dmar0" in /proc/interrupts).  The
 * kernel's "DMAR: [DMA Write ...]" lines would do too, but they are rate
 * limited (a few faults within 5 s and the records are no longer logged).
 */
static unsigned dmar_faults(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned n = 0;

    g_assert_true(g_file_get_contents("/proc/interrupts", &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *p = strchr(*l, ':');

        if (!p || !strstr(*l, "dmar")) {
            continue;
        }
        /* "IRQ:  COUNT [COUNT...]  CHIP ... dmar0": one count per CPU */
        for (p++; ; ) {
            char *end;
            unsigned long v = strtoul(p, &end, 10);

            if (end == p) {
                break;
            }
            n += v;
            p = end;
        }
    }
    return n;
}

static QTestState *start(const char *extra)
{
    return qtest_initf("-M pseries %s -device vfio-pci,host=%s,bus=pci.0,"
                       "addr=3,id=v0", extra, edu_host);
}

/* A machine without the device (hotplug), the DDW inside the ranges. */
static QTestState *start_hot(void)
{
    return qtest_init("-M pseries -global spapr-pci-host-bridge."
                      "dma64_win_addr=" DDW_ADDR_STR);
}

/* BAR 0 at PCI 0x80000000, memory decoding and bus mastering on. */
static void enable(QTestState *s)
{
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0x80000000);
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);
}

/* start() with the DDW inside the host's ranges, @extra, edu enabled. */
static QTestState *start_enabled_with(const char *extra)
{
    g_autofree char *opts = g_strdup_printf(
        "%s -global spapr-pci-host-bridge.dma64_win_addr=" DDW_ADDR_STR,
        extra);
    QTestState *s = start(opts);

    enable(s);
    return s;
}

static QTestState *start_enabled(void)
{
    return start_enabled_with("");
}

static void fill(QTestState *s, uint64_t gpa, uint8_t byte, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    memset(buf, byte, len);
    qtest_memwrite(s, gpa, buf, len);
}

static void assert_bytes(QTestState *s, uint64_t gpa, const uint8_t *expect,
                         size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    qtest_memread(s, gpa, buf, len);
    g_assert_cmpmem(buf, len, expect, len);
}

/* The device answers through its BAR in the PHB's MMIO window. */
static void test_bar(void)
{
    QTestState *s = start_enabled();

    g_assert_cmphex(vfio_test_cfg_read(s, 0, CFG(0), 4), ==, 0x11e81234);
    g_assert_cmphex(edu_reg_read(s, BAR, EDU_ID), ==, 0x010000ed);
    edu_reg_write(s, BAR, EDU_LIVE, 0x12345678);
    g_assert_cmphex(edu_reg_read(s, BAR, EDU_LIVE), ==, ~0x12345678U);
    qtest_quit(s);
}

/*
 * Guest RAM -> device -> guest RAM through the default window (H_PUT_TCE)
 * and a DDW (H_PUT_TCE and H_PUT_TCE_INDIRECT); then a cleared TCE stops
 * the DMA (nothing lands, the kernel logs a DMAR fault).
 */
static void test_dma(void)
{
    QTestState *s = start_enabled();
    uint8_t pat[256], back[256];
    uint32_t liobn;
    uint64_t bus;
    unsigned faults;

    for (unsigned i = 0; i < sizeof(pat); i++) {
        pat[i] = i ^ 0xa5;
    }
    /* default window: 4 KiB TCEs at bus 0 */
    qtest_memwrite(s, 0x300000, pat, sizeof(pat));
    fill(s, 0x301000, 0x11, sizeof(pat));
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x5000, 0x300000 | 1), ==,
                    H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x6000, 0x301000 | 2), ==,
                    H_SUCCESS);
    edu_dma_wait(s, 0x5000, EDU_BUF, sizeof(pat), 0);
    edu_dma_wait(s, EDU_BUF, 0x6000, sizeof(pat), EDU_TO_RAM);
    assert_bytes(s, 0x301000, pat, sizeof(pat));

    /* a DDW of 64 KiB TCEs, at dma64_win_addr */
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(bus, ==, DDW_ADDR);
    for (unsigned i = 0; i < sizeof(back); i++) {
        back[i] = ~pat[i];
    }
    qtest_memwrite(s, 0x600000 + 0x100, back, sizeof(back));
    fill(s, 0x800000, 0x22, 4 * PS64K);
    g_assert_cmpint(guest_put_tce(s, liobn, bus, 0x600000 | 1), ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce_run(s, liobn, bus + 4 * PS64K, 0x800000,
                                      PS64K, 2, 4),
                    ==, H_SUCCESS);
    edu_dma_wait(s, bus + 0x100, EDU_BUF, sizeof(back), 0);
    /* into the third page of the indirect run */
    edu_dma_wait(s, EDU_BUF, bus + 6 * PS64K + 0x80, sizeof(back),
                 EDU_TO_RAM);
    assert_bytes(s, 0x800000 + 2 * PS64K + 0x80, back, sizeof(back));

    /* clear that TCE: the same DMA does not land */
    fill(s, 0x800000 + 2 * PS64K, 0x33, 0x1000);
    faults = dmar_faults();
    g_assert_cmpint(guest_put_tce(s, liobn, bus + 6 * PS64K, 0), ==, H_SUCCESS);
    edu_dma_wait(s, EDU_BUF, bus + 6 * PS64K + 0x80, sizeof(back),
                 EDU_TO_RAM);
    {
        uint8_t want[0x1000];

        memset(want, 0x33, sizeof(want));
        assert_bytes(s, 0x800000 + 2 * PS64K, want, sizeof(want));
    }
    g_assert_cmpuint(dmar_faults(), >, faults);
    /* the neighbours still work */
    edu_dma_wait(s, EDU_BUF, bus + 7 * PS64K, sizeof(back), EDU_TO_RAM);
    assert_bytes(s, 0x800000 + 3 * PS64K, back, sizeof(back));

    g_assert_cmphex(guest_ddw_remove(s, liobn), ==, RTAS_OK);
    qtest_quit(s);
}

/*
 * A DDW that does not fit the host's IOVA ranges is refused cleanly; the
 * process goes on and a window that fits is granted afterwards.
 */
static void test_outside_ranges(void)
{
    QTestState *s = start("");     /* dma64_win_addr 2^59: beyond 39 bits */
    uint32_t liobn;
    uint64_t bus;

    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_HW_ERROR);
    qtest_quit(s);

    s = start_enabled();
    /* 2^36 + 2^39 ends beyond the last range (2^39 - 1) */
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 39, &liobn, &bus), ==,
                    RTAS_HW_ERROR);
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(bus, ==, DDW_ADDR);
    qtest_quit(s);
}

/* A DMA started before system_reset does not land after it. */
static void test_reset(void)
{
    QTestState *s = start_enabled();
    uint8_t want[256];
    unsigned faults;
    uint32_t liobn;
    uint64_t bus;
    gint64 t0, t1;

    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmpint(guest_put_tce(s, liobn, bus, 0xa00000 | 3), ==, H_SUCCESS);
    fill(s, 0xa00000, 0x44, sizeof(want));
    memset(want, 0x44, sizeof(want));
    faults = dmar_faults();
    t0 = g_get_monotonic_time();
    edu_start(s, EDU_BUF, bus, sizeof(want), EDU_TO_RAM);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    t1 = g_get_monotonic_time();
    /* the device's timer is 100 ms: the reset must have come before it */
    if (t1 - t0 > 80 * 1000) {
        g_test_skip("the reset took longer than edu's DMA delay");
        qtest_quit(s);
        return;
    }
    /* after the reset the BAR is unassigned: wait on the clock, not on it */
    g_usleep(400 * 1000);
    assert_bytes(s, 0xa00000, want, sizeof(want));
    /*
     * The reset switched bus mastering off in the device, so its write
     * never reaches the IOMMU: no DMAR fault either.
     */
    g_assert_cmpuint(dmar_faults(), ==, faults);
    qtest_quit(s);
}

/*
 * A device without a reset of its own (edu: no FLR, no PM reset) keeps
 * running after system_reset unless bus mastering is switched off in the
 * device itself: a DMA started before the reset must not land in a
 * mapping the guest makes right after it at the same bus address.
 */
static void test_reset_remap(void)
{
    QTestState *s = start_enabled();
    uint8_t want[256];
    gint64 t0, t1;

    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x5000, 0xb00000 | 3), ==,
                    H_SUCCESS);
    fill(s, 0xb00000, 0x55, sizeof(want));
    memset(want, 0x55, sizeof(want));
    t0 = g_get_monotonic_time();
    edu_start(s, EDU_BUF, 0x5000, sizeof(want), EDU_TO_RAM);
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x5000, 0xb00000 | 3), ==,
                    H_SUCCESS);
    t1 = g_get_monotonic_time();
    if (t1 - t0 > 80 * 1000) {
        g_test_skip("the reset took longer than edu's DMA delay");
        qtest_quit(s);
        return;
    }
    g_usleep(400 * 1000);
    assert_bytes(s, 0xb00000, want, sizeof(want));
    qtest_quit(s);
}

/* The first container's host map and unmap calls so far (x-query-vfio). */
static void host_calls(QTestState *s, uint64_t *map, uint64_t *unmap)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    JsonArray *arr = json_object_get_array_member(rsp, "return");
    JsonObject *st = json_object_get_object_member(
        json_array_get_object_element(arr, 0), "stats");

    *map = json_object_get_int_member(st, "map");
    *unmap = json_object_get_int_member(st, "unmap");
    json_object_unref(rsp);
}

#define BENCH_TCES 64
#define BENCH_ROUNDS 8  /* coalesced rounds: samples of the 4 MiB ioctls */

/*
 * start_enabled() with the binary's MAP_DMA/UNMAP_DMA trace events (each
 * carries the time its ioctl took) going to the file @path: its stderr.
 */
static QTestState *start_traced(const char *path)
{
    QTestState *s;
    int saved, fd;

    fflush(stderr);
    saved = dup(STDERR_FILENO);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_cmpint(saved, >=, 0);
    g_assert_cmpint(fd, >=, 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    s = start_enabled_with("-trace vfio_linux_map -trace vfio_linux_unmap");
    dup2(saved, STDERR_FILENO);
    close(saved);
    return s;
}

typedef struct IoctlTime {
    unsigned n;
    uint64_t ns;
} IoctlTime;

/*
 * Sum, from the trace in @path, the time of the successful @what calls
 * ("MAP_DMA", "UNMAP_DMA") of @size bytes.
 */
static IoctlTime ioctl_time(const char *path, const char *what, uint64_t size)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *key = g_strdup_printf(" %s iova ", what);
    IoctlTime t = { 0 };

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        const char *p = strstr(*l, key), *sz, *in;
        uint64_t n, ns;

        if (!p || !(sz = strstr(p, " size 0x")) || !(in = strstr(p, " in ")) ||
            !strstr(p, " ret 0 ")) {
            continue;
        }
        n = g_ascii_strtoull(sz + strlen(" size 0x"), NULL, 16);
        ns = g_ascii_strtoull(in + strlen(" in "), NULL, 10);
        if (n == size) {
            t.n++;
            t.ns += ns;
        }
    }
    return t;
}

static double us_per_call(IoctlTime t)
{
    return t.n ? t.ns / 1000.0 / t.n : 0;
}

/*
 * The same guest workload, 64 contiguous 64 KiB TCEs put then cleared,
 * once as one H_PUT_TCE_INDIRECT + one H_STUFF_TCE (the listener coalesces
 * the batch into one host call each way) and once as one H_PUT_TCE per TCE
 * (one host call per TCE each way): host calls and wall time per TCE.
 * The binary's MAP_DMA/UNMAP_DMA trace events time each real ioctl of the
 * workload (the coalesced round repeated for BENCH_ROUNDS samples): the
 * ioctl's share of the map path (figures in docs/benchmarks.md).
 */
static void test_bench_calls(void)
{
    g_autofree char *trace = g_strdup_printf("/tmp/bench-calls-%d.trace",
                                             getpid());
    QTestState *s = start_traced(trace);
    IoctlTime map1, unmap1, map64, unmap64;
    double coalesced_us, warm_us;
    uint64_t m0, u0, m1, u1, m2, u2;
    uint32_t liobn;
    uint64_t bus;
    gint64 t0, t1, t2;

    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    /* RAM the guest already used: the maps pin pages, not allocate them */
    qtest_memset(s, 0x1000000, 1, BENCH_TCES * PS64K);
    host_calls(s, &m0, &u0);
    for (unsigned i = 0; i < BENCH_TCES; i++) {      /* the TCE list */
        qtest_writeq(s, GUEST_TCE_LIST + 8 * i, (0x1000000 + i * PS64K) | 3);
    }
    t0 = g_get_monotonic_time();
    g_assert_cmpint(guest_put_tce_indirect(s, liobn, bus, GUEST_TCE_LIST,
                                           BENCH_TCES), ==, H_SUCCESS);
    g_assert_cmpint(guest_stuff_tce(s, liobn, bus, 0, BENCH_TCES), ==,
                    H_SUCCESS);
    t1 = g_get_monotonic_time();
    host_calls(s, &m1, &u1);
    g_assert_cmpuint(m1 - m0, ==, 1);
    g_assert_cmpuint(u1 - u0, ==, 1);
    coalesced_us = (double)(t1 - t0) / BENCH_TCES;
    for (unsigned r = 1; r < BENCH_ROUNDS; r++) {   /* more samples, untimed */
        g_assert_cmpint(guest_put_tce_indirect(s, liobn, bus, GUEST_TCE_LIST,
                                               BENCH_TCES), ==, H_SUCCESS);
        g_assert_cmpint(guest_stuff_tce(s, liobn, bus, 0, BENCH_TCES), ==,
                        H_SUCCESS);
    }
    warm_us = (double)(g_get_monotonic_time() - t1) / (BENCH_ROUNDS - 1) /
              BENCH_TCES;
    host_calls(s, &m0, &u0);
    g_assert_cmpuint(m0 - m1, ==, BENCH_ROUNDS - 1);
    g_assert_cmpuint(u0 - u1, ==, BENCH_ROUNDS - 1);
    m1 = m0;
    u1 = u0;
    t1 = g_get_monotonic_time();
    for (unsigned i = 0; i < BENCH_TCES; i++) {
        g_assert_cmpint(guest_put_tce(s, liobn, bus + i * PS64K,
                                      (0x1000000 + i * PS64K) | 3),
                        ==, H_SUCCESS);
    }
    for (unsigned i = 0; i < BENCH_TCES; i++) {
        g_assert_cmpint(guest_put_tce(s, liobn, bus + i * PS64K, 0), ==,
                        H_SUCCESS);
    }
    t2 = g_get_monotonic_time();
    host_calls(s, &m2, &u2);
    g_test_message("bench-calls: %d TCEs of 64 KiB put and cleared: "
                   "coalesced %" PRIu64 " map + %" PRIu64 " unmap calls, "
                   "%.1f us/TCE (first round), %.1f us/TCE (next %d); one "
                   "call per TCE %" PRIu64 " map + %" PRIu64 " unmap calls, "
                   "%.1f us/TCE", BENCH_TCES, (uint64_t)1, (uint64_t)1,
                   coalesced_us, warm_us, BENCH_ROUNDS - 1, m2 - m1, u2 - u1,
                   (double)(t2 - t1) / BENCH_TCES);
    g_assert_cmpuint(m2 - m1, ==, BENCH_TCES);
    g_assert_cmpuint(u2 - u1, ==, BENCH_TCES);
    qtest_quit(s);

    /* the real ioctls of that workload, timed inside the binary */
    map1 = ioctl_time(trace, "MAP_DMA", BENCH_TCES * PS64K);
    unmap1 = ioctl_time(trace, "UNMAP_DMA", BENCH_TCES * PS64K);
    map64 = ioctl_time(trace, "MAP_DMA", PS64K);
    unmap64 = ioctl_time(trace, "UNMAP_DMA", PS64K);
    g_test_message("bench-map-path: ioctl time in the binary's map path: "
                   "coalesced %u x 4 MiB MAP_DMA %.1f us, UNMAP_DMA %.1f us "
                   "per call; one call per TCE %u x 64 KiB MAP_DMA %.1f us, "
                   "UNMAP_DMA %.1f us per call", map1.n, us_per_call(map1),
                   us_per_call(unmap1), map64.n, us_per_call(map64),
                   us_per_call(unmap64));
    g_assert_cmpuint(map1.n, ==, BENCH_ROUNDS);
    g_assert_cmpuint(unmap1.n, ==, BENCH_ROUNDS);
    g_assert_cmpuint(map64.n, ==, BENCH_TCES);
    g_assert_cmpuint(unmap64.n, ==, BENCH_TCES);
    unlink(trace);
}

/*
 * Time per real VFIO_IOMMU_MAP_DMA / UNMAP_DMA through this project's
 * Linux back end (hw/vfio/iommu-linux.c) on the guest's type1v2 container,
 * for mappings of 4 KiB, 64 KiB and 2 MiB.
 */
static void test_bench_ioctl(void)
{
    static const uint64_t sizes[] = { 0x1000, 0x10000, 0x200000 };
    const uint64_t total = 32 * 1024 * 1024;
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL;
    VFIOLinuxHost *h = vfio_linux_host_new("/dev/vfio", ioctl);
    VFIOIOMMU *io;
    uint8_t *buf;
    int group;

    g_assert_true(vfio_linux_resolve(edu_host, NULL, "bench", &name, &group,
                                     NULL));
    g_assert_true(vfio_linux_group_open(h, group, "bench", NULL));
    io = vfio_linux_host_ops.open_iommu(h, NULL);
    g_assert_nonnull(io);
    g_assert_cmpint(vfio_linux_host_ops.set_container(h, group, io), ==, 0);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, 0);
    buf = mmap(NULL, total, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(buf != MAP_FAILED);
    memset(buf, 1, total);
    for (unsigned k = 0; k < G_N_ELEMENTS(sizes); k++) {
        unsigned n = MIN(total / sizes[k], 256);
        gint64 t0, t1, t2;

        t0 = g_get_monotonic_time();
        for (unsigned i = 0; i < n; i++) {
            g_assert_cmpint(vfio_iommu_map(io, DDW_ADDR + i * sizes[k],
                                           sizes[k],
                                           (uintptr_t)buf + i * sizes[k],
                                           VFIO_IOMMU_PERM_RW), ==, 0);
        }
        t1 = g_get_monotonic_time();
        for (unsigned i = 0; i < n; i++) {
            uint64_t size = sizes[k];

            g_assert_cmpint(vfio_iommu_unmap(io, DDW_ADDR + i * sizes[k],
                                             &size), ==, 0);
            g_assert_cmphex(size, ==, sizes[k]);
        }
        t2 = g_get_monotonic_time();
        g_test_message("bench-ioctl: %u x %" PRIu64 " KiB: MAP_DMA %.1f us, "
                       "UNMAP_DMA %.1f us per call", n, sizes[k] >> 10,
                       (double)(t1 - t0) / n, (double)(t2 - t1) / n);
    }
    munmap(buf, total);
    vfio_linux_host_ops.unset_container(h, group, io);
    vfio_iommu_release(io);
    vfio_linux_group_close(h, group);
    vfio_linux_host_free(h);
}

/* ---- hotplug and -accel kvm ------------------------------------------ */

/* The IOMMU group of edu in this guest (its /dev/vfio/N). */
static int edu_group(void)
{
    g_autofree char *name = NULL;
    int group = -1;

    g_assert_true(vfio_linux_resolve(edu_host, NULL, "test", &name, &group,
                                     NULL));
    return group;
}

/* device_add of edu as vfio-pci at pci.0 slot 3, taken by the guest. */
static void plug(QTestState *s)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_add\", \"arguments\": "
                             "{\"driver\": \"vfio-pci\", \"host\": \"%s\", "
                             "\"bus\": \"pci.0\", \"addr\": \"3\", "
                             "\"id\": \"v0\"}}", edu_host);
    guest_drc_configure(s, DRC_SLOT3);
    enable(s);
}

/* device_del, the guest isolates the slot: DEVICE_DELETED for v0. */
static void unplug(QTestState *s)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", \"arguments\": "
                             "{\"id\": \"v0\"}}");
    guest_drc_isolate(s, DRC_SLOT3);
    for (;;) {
        JsonObject *ev = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");
        JsonObject *data = json_object_get_object_member(ev, "data");
        bool ours = json_object_has_member(data, "device");

        if (ours) {
            g_assert_cmpstr(json_object_get_string_member(data, "device"), ==,
                            "v0");
        }
        json_object_unref(ev);
        if (ours) {
            return;
        }
    }
}

#define assert_kvm_log(s, expect) do {                  \
        g_autofree char *_l = guest_kvm_log(s);         \
        g_assert_cmpstr(_l, ==, (expect));              \
    } while (0)

/*
 * The host mappings the containers made (x-query-vfio), as
 * "0xIOVA+0xSIZE>0xGPA:PERM ...", or "none" without a container.
 */
static char *host_mappings(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    JsonArray *arr = json_object_get_array_member(rsp, "return");
    GString *r = g_string_new(NULL);

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonArray *m = json_object_get_array_member(
            json_array_get_object_element(arr, i), "mappings");

        for (guint k = 0; k < json_array_get_length(m); k++) {
            JsonObject *o = json_array_get_object_element(m, k);

            g_string_append_printf(r, "%s0x%" PRIx64 "+0x%" PRIx64 ">0x%"
                                   PRIx64 ":%s", r->len ? " " : "",
                                   json_object_get_int_member(o, "iova"),
                                   json_object_get_int_member(o, "size"),
                                   json_object_get_int_member(o, "gpa"),
                                   json_object_get_string_member(o, "perm"));
        }
    }
    if (!json_array_get_length(arr)) {
        g_string_append(r, "none");
    }
    json_object_unref(rsp);
    return g_string_free(r, FALSE);
}

#define assert_mappings(s, expect) do {                 \
        g_autofree char *_m = host_mappings(s);         \
        g_assert_cmpstr(_m, ==, (expect));              \
    } while (0)

#define PAT_GPA         0x300000ULL     /* the pattern edu fetches */
#define PAT_LEN         256

static uint8_t pattern[PAT_LEN];

/* edu fetches the pattern through bus @iova (mapped readable). */
static void load_pattern(QTestState *s, uint64_t iova)
{
    for (unsigned i = 0; i < PAT_LEN; i++) {
        pattern[i] = i * 7 + 1;
    }
    qtest_memwrite(s, PAT_GPA, pattern, PAT_LEN);
    edu_dma_wait(s, iova, EDU_BUF, PAT_LEN, 0);
}

/* edu writes the pattern to bus @iova: it lands at RAM @gpa. */
static void assert_lands(QTestState *s, uint64_t iova, uint64_t gpa)
{
    fill(s, gpa, 0x5a, PAT_LEN);
    edu_dma_wait(s, EDU_BUF, iova, PAT_LEN, EDU_TO_RAM);
    assert_bytes(s, gpa, pattern, PAT_LEN);
}

/*
 * edu writes the pattern to bus @iova: nothing reaches RAM @gpa (the page
 * the guest had there once) and the guest IOMMU raises a fault event.
 */
static void assert_faults(QTestState *s, uint64_t iova, uint64_t gpa)
{
    uint8_t want[PAT_LEN];
    unsigned faults = dmar_faults();

    fill(s, gpa, 0x5a, PAT_LEN);
    memset(want, 0x5a, PAT_LEN);
    edu_dma_wait(s, EDU_BUF, iova, PAT_LEN, EDU_TO_RAM);
    assert_bytes(s, gpa, want, PAT_LEN);
    g_assert_cmpuint(dmar_faults(), >, faults);
}

/*
 * vfio-pci plugged, unplugged and replugged through the monitor on a
 * running machine, the guest taking and releasing the slot; the windows
 * (default and a DDW) change while the device is away.  After each plug,
 * DMA through the valid entries lands and DMA through the others faults:
 * the replay made the real host mappings match the guest's view.
 */
static void test_hotplug(void)
{
    QTestState *s = start_hot();
    int group = edu_group();
    g_autofree char *add = g_strdup_printf("add %d (in-list, listener off); ",
                                           group);
    g_autofree char *del = g_strdup_printf("del %d; ", group);
    g_autofree char *log = NULL;
    uint32_t liobn;
    uint64_t bus;

    /* mapped before the device exists: replayed at plug */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x5000, PAT_GPA | 1), ==,
                    H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x6000, 0x301000 | 2), ==,
                    H_SUCCESS);
    assert_mappings(s, "none");
    assert_kvm_log(s, "");

    plug(s);
    assert_kvm_log(s, add);
    assert_mappings(s, "0x5000+0x1000>0x300000:r 0x6000+0x1000>0x301000:w");
    load_pattern(s, 0x5000);
    assert_lands(s, 0x6000, 0x301000);
    assert_faults(s, 0x7000, 0x302000);           /* never mapped */
    g_assert_cmphex(guest_ddw_create(s, 0, CFG(0), 16, 30, &liobn, &bus), ==,
                    RTAS_OK);
    g_assert_cmphex(bus, ==, DDW_ADDR);
    g_assert_cmpint(guest_put_tce(s, liobn, bus, 0x400000 | 2), ==, H_SUCCESS);
    assert_lands(s, bus, 0x400000);

    unplug(s);
    log = g_strconcat(add, del, NULL);
    assert_kvm_log(s, log);
    assert_mappings(s, "none");
    /* while it is away: one entry put, one cleared, in each window */
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x7000, 0x302000 | 2), ==,
                    H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x6000, 0), ==, H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, liobn, bus + PS64K, 0x410000 | 2), ==,
                    H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, liobn, bus, 0), ==, H_SUCCESS);

    plug(s);
    g_free(log);
    log = g_strconcat(add, del, add, NULL);
    assert_kvm_log(s, log);
    assert_mappings(s, "0x5000+0x1000>0x300000:r 0x7000+0x1000>0x302000:w "
                    "0x1000010000+0x10000>0x410000:w");
    load_pattern(s, 0x5000);
    assert_lands(s, 0x7000, 0x302000);            /* put while away */
    assert_lands(s, bus + PS64K, 0x410000);
    assert_faults(s, 0x6000, 0x301000);           /* cleared while away */
    assert_faults(s, bus, 0x400000);

    unplug(s);
    g_free(log);
    log = g_strconcat(add, del, add, del, NULL);
    assert_kvm_log(s, log);
    qtest_quit(s);
}

/*
 * -accel kvm: the binary opens the guest's /dev/kvm (x86: no sPAPR
 * capabilities, the TCE tables stay in user space) and the group reaches
 * the real KVM-VFIO device before the DMA listener runs; unplugged, it is
 * deleted from it; replugged, added again.  DMA works throughout.
 */
static void test_kvm(void)
{
    const char *why = g_getenv("FUNCTIONAL_KVM_SKIP");
    int group = edu_group();
    g_autofree char *add = g_strdup_printf("add %d (in-list, listener off, "
                                           "kvm); ", group);
    g_autofree char *del = g_strdup_printf("del %d; ", group);
    g_autofree char *log = NULL;
    QTestState *s;
    JsonObject *rsp;

    if (why && *why) {
        g_test_skip(why);
        return;
    }
    if (access("/dev/kvm", R_OK | W_OK)) {
        g_test_skip("no usable /dev/kvm in the guest");
        return;
    }
    s = start_enabled_with("-accel kvm");
    assert_kvm_log(s, add);
    rsp = qtest_qmp(s, "{\"execute\": \"x-query-kernel-tce\"}");
    g_assert_cmpstr(json_object_get_string_member(
        json_object_get_object_member(rsp, "return"), "level"), ==, "off");
    json_object_unref(rsp);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x5000, PAT_GPA | 1), ==,
                    H_SUCCESS);
    g_assert_cmpint(guest_put_tce(s, LIOBN, 0x6000, 0x301000 | 2), ==,
                    H_SUCCESS);
    load_pattern(s, 0x5000);
    assert_lands(s, 0x6000, 0x301000);

    unplug(s);
    log = g_strconcat(add, del, NULL);
    assert_kvm_log(s, log);
    plug(s);
    g_free(log);
    log = g_strconcat(add, del, add, NULL);
    assert_kvm_log(s, log);
    load_pattern(s, 0x5000);
    assert_lands(s, 0x6000, 0x301000);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    edu_host = g_getenv("VFIO_EDU_HOST");
    if (!edu_host) {
        g_printerr("vfio-real-test: set VFIO_EDU_HOST to edu's PCI address\n");
        return 77;
    }
    g_test_add_func("/vfio-real/bar", test_bar);
    g_test_add_func("/vfio-real/dma", test_dma);
    g_test_add_func("/vfio-real/outside-ranges", test_outside_ranges);
    g_test_add_func("/vfio-real/reset", test_reset);
    g_test_add_func("/vfio-real/reset-remap", test_reset_remap);
    g_test_add_func("/vfio-real/hotplug", test_hotplug);
    g_test_add_func("/vfio-real/kvm", test_kvm);
    g_test_add_func("/vfio-real/bench/calls", test_bench_calls);
    g_test_add_func("/vfio-real/bench/ioctl", test_bench_ioctl);
    return g_test_run();
}
