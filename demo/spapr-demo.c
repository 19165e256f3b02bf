/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main job (`make demo`): start spapr-iommu the way QEMU's libqtest
 * starts QEMU, then play a short guest + operator story over qtest, RTAS,
 * hypercalls and the monitor, printing each request and what came back.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/misc/iommu-testdev.h"
#include "hw/vfio/soft-edu.h"
#include "../tests/qtest/libqtest.h"

#define BUID_HI     0x08000000U
#define BUID_LO     0x20000000U
#define LIOBN       0x80000000ULL
/* BAR 0 of the test device at PCI 0x80000000 = CPU 2^45 + 0x80000000. */
#define BAR         ((1ULL << 45) + 0x80000000ULL)

static void step(const char *what)
{
    printf("\n== %s\n", what);
}

static void show_hmp(QTestState *s, const char *cmd)
{
    g_autofree char *out = qtest_hmp(s, "%s", cmd);

    printf("(qemu) %s\n", cmd);
    for (char *p = out; *p; p++) {
        if (*p != '\r') {
            putchar(*p);
        }
    }
}

static void show_line(QTestState *s, const char *line)
{
    g_autofree char *reply = qtest_line(s, "%s", line);

    printf("qtest> %s\n       %s\n", line, reply);
}

static int64_t show_hcall(QTestState *s, const char *name, unsigned nargs,
                          const uint64_t *args, unsigned nout, uint64_t *outs)
{
    int64_t ret = qtest_hcall(s, name, nargs, args, nout, outs);

    printf("hcall %s", name);
    for (unsigned i = 0; i < nargs; i++) {
        printf(" 0x%" PRIx64, args[i]);
    }
    printf(" -> %" PRId64, ret);
    for (unsigned i = 0; i < nout; i++) {
        printf(" 0x%016" PRIx64, outs[i]);
    }
    printf("\n");
    return ret;
}

static int rtas(QTestState *s, const char *name, uint32_t nargs,
                const uint32_t *args, uint32_t nret, uint32_t *rets)
{
    int ret = qtest_rtas_call(s, name, nargs, args, nret, rets);

    printf("rtas %s(", name);
    for (uint32_t i = 0; i < nargs; i++) {
        printf("%s0x%x", i ? ", " : "", args[i]);
    }
    printf(") ->");
    for (uint32_t i = 0; i < nret; i++) {
        printf(" 0x%08x", rets[i]);
    }
    printf("\n");
    return ret;
}

static void reg_write(QTestState *s, uint32_t reg, uint32_t val)
{
    /* PCI registers are little-endian; qtest accesses are big-endian. */
    qtest_writel(s, BAR + reg, __builtin_bswap32(val));
}

static uint32_t reg_read(QTestState *s, uint32_t reg)
{
    return __builtin_bswap32(qtest_readl(s, BAR + reg));
}

static const char *const dma_status[] = {
    "ok", "no translation", "permission denied", "nothing mapped there",
    "bus master off", "bad length", "bad command", "device error",
};

/* Tell the test device to DMA @len bytes at bus address @iova. */
static void device_dma(QTestState *s, const char *what, uint32_t cmd,
                       uint64_t iova, uint32_t len)
{
    uint32_t status;

    reg_write(s, IOMMU_TESTDEV_REG_DMA_ADDR_LO, (uint32_t)iova);
    reg_write(s, IOMMU_TESTDEV_REG_DMA_ADDR_HI, iova >> 32);
    reg_write(s, IOMMU_TESTDEV_REG_DMA_LEN, len);
    reg_write(s, IOMMU_TESTDEV_REG_DMA_CMD, cmd);
    status = reg_read(s, IOMMU_TESTDEV_REG_DMA_STATUS);
    printf("iommu-testdev: %s %u bytes at bus 0x%" PRIx64 " -> status %u (%s)\n",
           what, len, iova, status,
           status < G_N_ELEMENTS(dma_status) ? dma_status[status] : "?");
}

static void put_tce(QTestState *s, uint64_t liobn, uint64_t ioba, uint64_t tce)
{
    uint64_t args[3] = { liobn, ioba, tce };

    show_hcall(s, "H_PUT_TCE", 3, args, 0, NULL);
}

/* ---- VFIO on the soft host --------------------------------------------- */

/* The edu-compatible function at 00:03.0: config address and BAR 0. */
#define VFIO_CFG(reg)   (0x1800U | (reg))
#define VFIO_BAR        ((1ULL << 45) + 0x80000000ULL)

static void edu_write(QTestState *s, uint32_t reg, uint32_t val)
{
    qtest_writel(s, VFIO_BAR + reg, __builtin_bswap32(val));
}

static uint32_t edu_read(QTestState *s, uint32_t reg)
{
    return __builtin_bswap32(qtest_readl(s, VFIO_BAR + reg));
}

/* Run one edu DMA and print the outcome; returns the status register. */
static uint32_t edu_dma(QTestState *s, const char *what, uint64_t src,
                        uint64_t dst, uint32_t len, uint32_t cmd)
{
    uint32_t status;

    edu_write(s, VFIO_SOFT_EDU_REG_DMA_SRC, (uint32_t)src);
    edu_write(s, VFIO_SOFT_EDU_REG_DMA_SRC + 4, src >> 32);
    edu_write(s, VFIO_SOFT_EDU_REG_DMA_DST, (uint32_t)dst);
    edu_write(s, VFIO_SOFT_EDU_REG_DMA_DST + 4, dst >> 32);
    edu_write(s, VFIO_SOFT_EDU_REG_DMA_COUNT, len);
    edu_write(s, VFIO_SOFT_EDU_REG_DMA_CMD, cmd | VFIO_SOFT_EDU_DMA_START);
    status = edu_read(s, VFIO_SOFT_EDU_REG_STATUS);
    printf("edu: %s, %u bytes, 0x%" PRIx64 " -> 0x%" PRIx64 ": status 0x%x "
           "(%s)\n", what, len, src, dst, status,
           status & VFIO_SOFT_EDU_STATUS_DMA_FAULT ? "DMA fault" : "done");
    return status;
}

static void vfio_chapter(void)
{
    QTestState *s;
    uint32_t r[2];
    char text[17] = "";

    step("VFIO: a second machine with a software host IOMMU (sPAPR TCE v2) "
         "and vfio-pci on it: an edu-compatible function at 00:03.0");
    printf("-object vfio-soft-host,id=h0,iommu-type=spapr-tce-v2 "
           "-device vfio-pci,soft-host=h0,bus=pci.0,addr=3,id=vfio0\n");
    s = qtest_init("-M pseries -m 1G -object vfio-soft-host,id=h0,"
                   "iommu-type=spapr-tce-v2 -device vfio-pci,soft-host=h0,"
                   "bus=pci.0,addr=3,id=vfio0");
    {
        uint32_t cfg_id[] = { VFIO_CFG(0), BUID_HI, BUID_LO, 4 };
        uint32_t cfg_bar[] = { VFIO_CFG(0x10), BUID_HI, BUID_LO, 4,
                               0x80000000 };
        uint32_t cfg_cmd[] = { VFIO_CFG(4), BUID_HI, BUID_LO, 2, 0x6 };

        rtas(s, "ibm,read-pci-config", 4, cfg_id, 2, r);
        printf("   vendor:device = %04x:%04x (QEMU's edu), read from the "
               "device's VFIO config region\n", r[1] & 0xffff, r[1] >> 16);
        rtas(s, "ibm,write-pci-config", 5, cfg_bar, 1, r);
        rtas(s, "ibm,write-pci-config", 5, cfg_cmd, 1, r);
        printf("   BAR 0 register: 0x%08x (edu ID register 0x%08x)\n",
               0x80000000, edu_read(s, VFIO_SOFT_EDU_REG_ID));
    }
    show_hmp(s, "info vfio");

    step("The guest maps bus 0x10000..0x13fff to RAM 0x300000..0x303fff "
         "with one H_PUT_TCE_INDIRECT: one host map call");
    for (unsigned i = 0; i < 4; i++) {
        qtest_writeq(s, 0x400000 + 8 * i, (0x300000 + i * 0x1000) | 3);
    }
    show_hcall(s, "H_PUT_TCE_INDIRECT", 4,
               (uint64_t[]) { LIOBN, 0x10000, 0x400000, 4 }, 0, NULL);
    show_hmp(s, "info vfio");

    step("The device copies guest RAM into its buffer and back to another "
         "page, through the host mappings only");
    qtest_memwrite(s, 0x300000, "VFIO soft DMA ok", 16);
    edu_dma(s, "RAM -> device", 0x10000, VFIO_SOFT_EDU_BUF_ADDR, 16, 0);
    edu_dma(s, "device -> RAM", VFIO_SOFT_EDU_BUF_ADDR, 0x12000, 16,
            VFIO_SOFT_EDU_DMA_TO_RAM);
    qtest_memread(s, 0x302000, text, 16);
    printf("   guest RAM 0x302000 now reads \"%s\"\n", text);

    step("The guest clears the four TCEs (H_STUFF_TCE): the host mapping goes, "
         "the same DMA now faults and RAM stays untouched");
    show_hcall(s, "H_STUFF_TCE", 4, (uint64_t[]) { LIOBN, 0x10000, 0, 4 }, 0,
               NULL);
    show_hmp(s, "info vfio");
    qtest_memset(s, 0x302000, 0, 16);
    edu_dma(s, "device -> RAM", VFIO_SOFT_EDU_BUF_ADDR, 0x12000, 16,
            VFIO_SOFT_EDU_DMA_TO_RAM);
    printf("   guest RAM 0x302000 reads 0x%016" PRIx64 "\n",
           qtest_readq(s, 0x302000));
    qtest_quit(s);
}

/* ---- Hotplug of vfio-pci --------------------------------------------------- */

#define HP_DRC      0x40000018U     /* PCI DRC of PHB 0, slot 3 */
#define HP_WA       0x700000ULL     /* configure-connector work area */

/* The guest takes the slot: unisolate, walk ibm,configure-connector. */
static void guest_configure(QTestState *s)
{
    uint32_t ind[] = { 9001, HP_DRC, 1 };
    uint32_t cc[] = { (uint32_t)HP_WA, 0 };
    uint32_t r[1];
    int32_t st;
    unsigned steps = 0;

    rtas(s, "set-indicator", 3, ind, 1, r);
    do {
        qtest_writel(s, HP_WA, HP_DRC);
        qtest_rtas_call(s, "ibm,configure-connector", 2, cc, 1, r);
        st = (int32_t)r[0];
        steps++;
    } while ((st == 2 || st == 3 || st == 4) && steps < 1000);
    printf("rtas ibm,configure-connector x %u -> %d (configured)\n", steps,
           st);
}

static void edu_setup(QTestState *s)
{
    uint32_t bar[] = { VFIO_CFG(0x10), BUID_HI, BUID_LO, 4, 0x80000000 };
    uint32_t cmd[] = { VFIO_CFG(4), BUID_HI, BUID_LO, 2, 0x6 };
    uint32_t r[1];

    qtest_rtas_call(s, "ibm,write-pci-config", 5, bar, 1, r);
    qtest_rtas_call(s, "ibm,write-pci-config", 5, cmd, 1, r);
}

static void edu_copy(QTestState *s, const char *msg)
{
    char text[17] = "";

    qtest_memwrite(s, 0x300000, msg, 16);
    qtest_memset(s, 0x302000, 0, 16);
    edu_dma(s, "RAM -> device", 0x10000, VFIO_SOFT_EDU_BUF_ADDR, 16, 0);
    edu_dma(s, "device -> RAM", VFIO_SOFT_EDU_BUF_ADDR, 0x12000, 16,
            VFIO_SOFT_EDU_DMA_TO_RAM);
    qtest_memread(s, 0x302000, text, 16);
    printf("   guest RAM 0x302000 now reads \"%s\"\n", text);
}

static void hotplug_chapter(void)
{
    QTestState *s;
    uint32_t r[4];
    static const char plug[] = "{\"execute\": \"device_add\", \"arguments\": "
        "{\"driver\": \"vfio-pci\", \"soft-host\": \"h0\", \"bus\": "
        "\"pci.0\", \"addr\": \"3\", \"id\": \"vfio0\"}}";

    step("Hotplug: a machine with the soft host (sPAPR TCE v2) and no "
         "device; the guest maps bus 0x10000..0x13fff first");
    s = qtest_init("-M pseries -m 1G -nodefaults -object vfio-soft-host,"
                   "id=h0,iommu-type=spapr-tce-v2");
    for (unsigned i = 0; i < 4; i++) {
        qtest_writeq(s, 0x400000 + 8 * i, (0x300000 + i * 0x1000) | 3);
    }
    show_hcall(s, "H_PUT_TCE_INDIRECT", 4,
               (uint64_t[]) { LIOBN, 0x10000, 0x400000, 4 }, 0, NULL);
    show_hmp(s, "info vfio");

    step("device_add vfio-pci at 00:03.0: a container, the group known to "
         "KVM-VFIO before the listener runs, the window replayed");
    printf("-> %s\n", plug);
    qtest_qmp_assert_success(s, plug);
    guest_configure(s);
    show_hmp(s, "info vfio");
    edu_setup(s);
    edu_copy(s, "hotplugged DMA!!");

    step("The guest creates a DDW (64 KiB pages, 2^32 bytes) and maps a page "
         "in it: the new window costs no replay (it is empty)");
    {
        uint32_t c[] = { VFIO_CFG(0), BUID_HI, BUID_LO, 16, 32 };
        uint64_t liobn, bus;

        rtas(s, "ibm,create-pe-dma-window", 5, c, 4, r);
        liobn = r[1];
        bus = (uint64_t)r[2] << 32 | r[3];
        put_tce(s, liobn, bus, 0x1000000 | 3);
    }
    show_hmp(s, "info vfio");
    edu_copy(s, "DMA after a DDW ");

    step("device_del: the guest isolates the slot, the device goes; the "
         "container is released (host unmapped, windows removed)");
    {
        uint32_t ind[] = { 9001, HP_DRC, 0 };

        qtest_qmp_assert_success(s, "{\"execute\": \"device_del\", "
                                 "\"arguments\": {\"id\": \"vfio0\"}}");
        rtas(s, "set-indicator", 3, ind, 1, r);
        qtest_qmp_eventwait(s, "DEVICE_DELETED");
        printf("DEVICE_DELETED vfio0\n");
    }
    show_hmp(s, "info vfio");
    show_hmp(s, "info tce");

    step("Replug the same device: both windows replayed, DMA again");
    printf("-> %s\n", plug);
    qtest_qmp_assert_success(s, plug);
    guest_configure(s);
    show_hmp(s, "info vfio");
    edu_setup(s);
    edu_copy(s, "replugged DMA ok");
    qtest_quit(s);
}

/* ---- The kernel's fast path, linked to VFIO, and migration ------------- */

static void show_qmp(QTestState *s, const char *cmd)
{
    JsonObject *rsp = qtest_qmp(s, "%s", cmd);
    g_autofree char *text = NULL;
    JsonNode *node = json_node_alloc();

    json_node_init_object(node, rsp);
    text = json_to_string(node, FALSE);
    printf("-> %s\n<- %s\n", cmd, text);
    json_node_unref(node);
    json_object_unref(rsp);
}

static void migration_chapter(void)
{
    static const char args[] = "-M pseries -m 1G -nodefaults "
        "-accel qtest,kernel-tce=vfio -object vfio-soft-host,id=h0,"
        "iommu-type=spapr-tce-v2 -device vfio-pci,soft-host=h0,bus=pci.0,"
        "addr=3,id=vfio0";
    g_autofree char *path = g_strdup_printf("%s/spapr-demo-%d.mig",
                                            g_get_tmp_dir(), getpid());
    QTestState *s, *d;
    char text[17] = "";

    step("The kernel TCE fast path linked to VFIO (-accel qtest,"
         "kernel-tce=vfio): the table stays in the kernel, whose H_PUT_TCE "
         "maps in the host table itself");
    printf("%s\n", args);
    s = qtest_init(args);
    show_qmp(s, "{\"execute\": \"x-query-vfio-kvm\"}");
    edu_setup(s);
    for (unsigned i = 0; i < 4; i++) {
        put_tce(s, LIOBN, 0x10000 + i * 0x1000, (0x300000 + i * 0x1000) | 3);
    }
    show_qmp(s, "{\"execute\": \"x-query-kernel-tce\"}");
    show_hmp(s, "info tce");
    show_hmp(s, "info vfio");
    edu_copy(s, "kernel-linked ok");

    step("migrate to a file, then a second process with -incoming: the TCE "
         "tables, windows and DRCs travel; the host mappings are rebuilt");
    {
        g_autofree char *cmd = g_strdup_printf(
            "{\"execute\": \"migrate\", \"arguments\": {\"uri\": "
            "\"file:%s\"}}", path);

        printf("-> %s\n", cmd);
        qtest_qmp_assert_success(s, "%s", cmd);
        for (;;) {
            g_autofree char *info = qtest_hmp(s, "info migrate");

            if (strstr(info, "completed") || strstr(info, "failed")) {
                printf("(qemu) info migrate\n%s", info);
                break;
            }
            g_usleep(1000);
        }
    }
    qtest_quit(s);
    d = qtest_initf("%s -incoming file:%s", args, path);
    for (;;) {
        g_autofree char *info = qtest_hmp(d, "info migrate");

        if (strstr(info, "completed") || strstr(info, "failed")) {
            printf("destination (qemu) info migrate\n%s", info);
            break;
        }
        g_usleep(1000);
    }
    show_hmp(d, "info tce");
    show_hmp(d, "info vfio");
    edu_setup(d);
    qtest_memwrite(d, 0x300000, "migrated DMA ok!", 16);
    edu_dma(d, "RAM -> device", 0x10000, VFIO_SOFT_EDU_BUF_ADDR, 16, 0);
    edu_dma(d, "device -> RAM", VFIO_SOFT_EDU_BUF_ADDR, 0x12000, 16,
            VFIO_SOFT_EDU_DMA_TO_RAM);
    qtest_memread(d, 0x302000, text, 16);
    printf("   destination guest RAM 0x302000 now reads \"%s\"\n", text);
    qtest_quit(d);
    unlink(path);
}

int main(int argc, char **argv)
{
    QTestState *s;
    uint32_t tod[8];
    uint64_t args[4], out[1];

    if (!g_getenv("QTEST_QEMU_BINARY")) {
        g_setenv("QTEST_QEMU_BINARY", "build/qemu-system-ppc64", TRUE);
    }
    printf("spapr-iommu demo: a pseries machine without vCPUs, driven like "
           "QEMU's qtests\n");
    s = qtest_init("-M pseries -m 1G -device iommu-testdev,bus=pci.0,addr=2,id=dma0");

    step("The machine as the operator sees it (HMP over QMP)");
    show_hmp(s, "info status");
    show_hmp(s, "info qtree");

    step("The guest side arrives over qtest: big-endian target, guest RAM");
    show_line(s, "endianness");
    show_line(s, "writeq 0x2000 0x0123456789abcdef");
    show_line(s, "readl 0x2004");
    show_line(s, "read 0x2000 8");
    show_line(s, "readl 0x40000000");

    step("RTAS: get-time-of-day, cells in guest RAM");
    if (rtas(s, "get-time-of-day", 0, NULL, 8, tod) == 0 && tod[0] == 0) {
        printf("   status 0: %04u-%02u-%02u %02u:%02u:%02u UTC\n", tod[1], tod[2],
               tod[3], tod[4], tod[5], tod[6]);
    }

    step("The default PHB: BUID 0x800000020000000, default DMA window LIOBN "
         "0x80000000 (bus 0..1 GiB, 4 KiB TCEs), plus an iommu-testdev at 00:02.0");
    show_hmp(s, "info tce");
    {
        uint32_t cfg_bar[] = { 0x1010, BUID_HI, BUID_LO, 4, 0x80000000 };
        uint32_t cfg_cmd[] = { 0x1004, BUID_HI, BUID_LO, 2, 0x6 };
        uint32_t cfg_id[] = { 0x1000, BUID_HI, BUID_LO, 4 };
        uint32_t r[2];

        rtas(s, "ibm,read-pci-config", 4, cfg_id, 2, r);
        printf("   vendor:device = %04x:%04x\n", r[1] & 0xffff, r[1] >> 16);
        rtas(s, "ibm,write-pci-config", 5, cfg_bar, 1, r);
        rtas(s, "ibm,write-pci-config", 5, cfg_cmd, 1, r);
    }

    step("The guest maps bus page 0x5000 to guest RAM 0x300000 (H_PUT_TCE, RW) "
         "and the device writes through it");
    put_tce(s, LIOBN, 0x5000, 0x300000 | 3);
    args[0] = LIOBN;
    args[1] = 0x5000;
    show_hcall(s, "H_GET_TCE", 2, args, 1, out);
    qtest_memwrite(s, BAR + IOMMU_TESTDEV_BUF_OFFSET, "spapr-iommu DMA!", 16);
    device_dma(s, "DMA write", IOMMU_TESTDEV_CMD_DMA_WRITE, 0x5010, 16);
    show_line(s, "read 0x300010 16");
    {
        char text[17] = "";

        qtest_memread(s, 0x300010, text, 16);
        printf("   guest RAM 0x300010 now reads \"%s\"\n", text);
    }

    step("Read-only TCE: the device may read, not write; cleared TCE: nothing");
    put_tce(s, LIOBN, 0x5000, 0x300000 | 1);
    device_dma(s, "DMA write", IOMMU_TESTDEV_CMD_DMA_WRITE, 0x5010, 16);
    device_dma(s, "DMA read", IOMMU_TESTDEV_CMD_DMA_READ, 0x5010, 16);
    put_tce(s, LIOBN, 0x5000, 0);
    device_dma(s, "DMA read", IOMMU_TESTDEV_CMD_DMA_READ, 0x5010, 16);

    step("Dynamic DMA Window: query, then create 64 KiB pages x 2^31 (128 TiB)");
    {
        uint32_t q[] = { 0x1000, BUID_HI, BUID_LO };
        uint32_t c[] = { 0x1000, BUID_HI, BUID_LO, 16, 47 };
        uint32_t r[6];
        uint64_t ddw_liobn, ddw_bus;

        rtas(s, "ibm,query-pe-dma-window", 3, q, 6, r);
        printf("   available %u, page sizes mask 0x%x\n", r[1], r[4]);
        rtas(s, "ibm,create-pe-dma-window", 5, c, 4, r);
        ddw_liobn = r[1];
        ddw_bus = (uint64_t)r[2] << 32 | r[3];
        printf("   window LIOBN 0x%" PRIx64 " at bus 0x%" PRIx64
               " (created in O(1): the table is sparse)\n", ddw_liobn, ddw_bus);
        show_hmp(s, "info tce");

        step("A TCE at the very end of the 128 TiB window, and DMA through it");
        put_tce(s, ddw_liobn, ddw_bus + (((1ULL << 31) - 1) << 16),
                0x310000 | 3);
        qtest_writel(s, 0x310020, 0xcafef00d);
        device_dma(s, "DMA read", IOMMU_TESTDEV_CMD_DMA_READ,
                   ddw_bus + (((1ULL << 31) - 1) << 16) + 0x20, 4);
        printf("   device buffer now holds 0x%08x\n",
               qtest_readl(s, BAR + IOMMU_TESTDEV_BUF_OFFSET));
        show_hmp(s, "info tce");

        step("The guest direct-maps its 1 GiB of RAM into the DDW (H_PUT_TCE_INDIRECT, "
             "512 TCEs a call), then H_STUFF_TCE fills the rest of the 2^31 entries: "
             "runs are stored as runs");
        for (uint64_t i = 0; i < 16384; i += 512) {
            uint64_t args[4] = { ddw_liobn, ddw_bus + (i << 16), 0x400000, 512 };
            int64_t ret;

            for (uint64_t k = 0; k < 512; k++) {
                qtest_writeq(s, 0x400000 + k * 8, ((i + k) << 16) | 3);
            }
            ret = qtest_hcall(s, "H_PUT_TCE_INDIRECT", 4, args, 0, NULL);
            g_assert_cmpint(ret, ==, 0);
        }
        printf("32 x H_PUT_TCE_INDIRECT of 512 TCEs (guest RAM 0..1 GiB) -> 0\n");
        show_hcall(s, "H_STUFF_TCE", 4, (uint64_t[]) {
                       ddw_liobn, ddw_bus + (16384ULL << 16), 0x10003,
                       (1ULL << 31) - 16384 - 1 }, 0, NULL);
        show_hmp(s, "info tce");
    }

    step("The DMA address space of the PHB");
    show_hmp(s, "info mtree");

    step("system_reset: every PHB is back to its one, empty, default window");
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
    show_hmp(s, "info tce");

    qtest_quit(s);

    vfio_chapter();
    hotplug_chapter();
    migration_chapter();
    printf("\ndemo: done\n");
    return 0;
}
