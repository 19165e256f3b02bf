/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main job (`make demo`): start spapr-iommu the way QEMU's libqtest
 * starts QEMU, then play a short guest + operator story over qtest, RTAS,
 * hypercalls and the monitor, printing each request and what came back.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "../tests/qtest/libqtest.h"

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
    s = qtest_init("-M pseries -m 1G");

    step("The machine as the operator sees it (HMP over QMP)");
    show_hmp(s, "info status");
    show_hmp(s, "info qtree");
    show_hmp(s, "info mtree");

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

    step("TCE hypercalls on a LIOBN without a table: the guest gets H_PARAMETER");
    args[0] = 0x80000000;
    args[1] = 0x1000;
    show_hcall(s, "H_GET_TCE", 2, args, 1, out);
    show_line(s, "hcall 0x1234");
    show_hmp(s, "info tce");

    qtest_quit(s);
    printf("\ndemo: done\n");
    return 0;
}
