/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qtest protocol against the real binary: handshake, RAM, errors, RTAS. */

#include "qemu/osdep.h"
#include <time.h>
#include "libqtest.h"

#define RTAS_OUT_SUCCESS 0

static void test_handshake(void)
{
    QTestState *s = qtest_init("-M pseries");
    g_autofree char *reply = qtest_line(s, "endianness");

    g_assert_cmpstr(reply, ==, "OK big");
    g_assert_cmpint(kill(qtest_pid(s), 0), ==, 0);
    qtest_quit(s);
}

static void test_ram(void)
{
    QTestState *s = qtest_init("-M pseries");
    uint8_t out[300], in[300];
    size_t i;

    qtest_writel(s, 0x1000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0x12345678);
    g_assert_cmphex(qtest_readb(s, 0x1000), ==, 0x12);     /* big-endian */
    g_assert_cmphex(qtest_readw(s, 0x1002), ==, 0x5678);
    qtest_writeq(s, 0x2000, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readq(s, 0x2000), ==, 0x0123456789abcdefULL);
    qtest_writew(s, 0x2000, 0xbeef);
    qtest_writeb(s, 0x2002, 0x42);
    g_assert_cmphex(qtest_readl(s, 0x2000), ==, 0xbeef4267);

    for (i = 0; i < sizeof(out); i++) {
        out[i] = i * 31 + 7;
    }
    qtest_memwrite(s, 0x3000, out, sizeof(out));
    qtest_memread(s, 0x3000, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
    memset(in, 0, sizeof(in));
    qtest_bufread(s, 0x3000, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
    qtest_bufwrite(s, 0x4000, out, sizeof(out));
    g_assert_cmphex(qtest_readb(s, 0x4000 + 299), ==, out[299]);
    qtest_memset(s, 0x3000, 0xa5, 16);
    g_assert_cmphex(qtest_readq(s, 0x3008), ==, 0xa5a5a5a5a5a5a5a5ULL);
    g_assert_cmphex(qtest_readb(s, 0x3010), ==, out[16]);
    qtest_quit(s);
}

static void test_malformed(void)
{
    QTestState *s = qtest_init("-M pseries");
    static const struct {
        const char *line;
        const char *reply;
    } cases[] = {
        { "frobnicate", "FAIL Unknown command 'frobnicate'" },
        { "readl", "FAIL readl: expected ADDR" },
        { "readl zz", "FAIL readl: invalid number 'zz'" },
        { "read 0x1000 0", "FAIL read: length must be > 0" },
        { "writel 0x1000 0x10000000000000000",
          "FAIL writel: number out of range '0x10000000000000000'" },
        { "write 0x1000 4 0x", "ERR invalid argument size" },
        { "clock_step", "FAIL cannot advance clock to the next deadline "
          "because there is no pending deadline" },
    };
    size_t i;

    qtest_writel(s, 0x1000, 0xfeedf00d);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *reply = qtest_line(s, "%s", cases[i].line);

        g_assert_cmpstr(reply, ==, cases[i].reply);
        g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0xfeedf00d);
    }
    /* A request split across writes is assembled before it runs. */
    qtest_sendf(s, "rea");
    qtest_sendf(s, "dl 0x1000\nendian");
    qtest_sendf(s, "ness\n");
    {
        g_autofree char *r1 = qtest_recv_line(s);
        g_autofree char *r2 = qtest_recv_line(s);

        g_assert_cmpstr(r1, ==, "OK 0x00000000feedf00d");
        g_assert_cmpstr(r2, ==, "OK big");
    }
    qtest_quit(s);
}

/* QEMU's rtas-test: status 0 and the time within 5 s of the host's. */
static void test_rtas_get_time_of_day(void)
{
    QTestState *s = qtest_init("-M pseries");
    uint32_t rets[8];
    struct tm tm = { 0 };
    time_t t1, t2;

    t1 = time(NULL);
    g_assert_cmpint(qtest_rtas_call(s, "get-time-of-day", 0, NULL, 8, rets),
                    ==, 0);
    g_assert_cmpint(rets[0], ==, RTAS_OUT_SUCCESS);
    tm.tm_year = rets[1] - 1900;
    tm.tm_mon = rets[2] - 1;
    tm.tm_mday = rets[3];
    tm.tm_hour = rets[4];
    tm.tm_min = rets[5];
    tm.tm_sec = rets[6];
    t2 = timegm(&tm);
    g_assert_cmpint(t2 - t1, <, 5);
    g_assert_cmpint(t1 - t2, <, 5);
    g_assert_cmpint(qtest_rtas_call(s, "no-such-call", 0, NULL, 1, rets),
                    ==, -1);
    qtest_quit(s);
}

static void check_reply(QTestState *s, const char *line, const char *want)
{
    g_autofree char *reply = qtest_line(s, "%s", line);

    g_assert_cmpstr(reply, ==, want);
}

/* The rtas verb's replies, and what it refuses instead of crashing. */
static void test_rtas_verb_errors(void)
{
    QTestState *s = qtest_init("-M pseries");

    qtest_writel(s, 0x100000, 0xdeadbeef);
    check_reply(s, "rtas no-such-call 0 0x100000 1 0x100000",
                "OK 18446744073709551612");
    g_assert_cmphex(qtest_readl(s, 0x100000), ==, 0xdeadbeef);
    /* QEMU 7.2 aborts on a short line. */
    check_reply(s, "rtas get-time-of-day 0 0x100000 8",
                "FAIL rtas: expected NAME NARGS ARGS NRET RETS");
    check_reply(s, "rtas", "FAIL rtas: expected NAME NARGS ARGS NRET RETS");
    check_reply(s, "rtas get-time-of-day zz 0x100000 8 0x100000",
                "FAIL rtas: bad number");
    check_reply(s, "rtas get-time-of-day 0 0x100000 1025 0x100000",
                "FAIL rtas: bad number");
    /* Cells must lie in guest RAM (1 GiB). */
    check_reply(s, "rtas get-time-of-day 0 0x100000 8 0x3ffffff0",
                "FAIL rtas: argument cells outside guest RAM");
    check_reply(s, "rtas get-time-of-day 1 0xfffffffffffffffc 8 0x100000",
                "FAIL rtas: argument cells outside guest RAM");
    /* Wrong nargs/nret: status -3 in rets[0]. */
    check_reply(s, "rtas get-time-of-day 1 0x100000 8 0x100000", "OK 0");
    g_assert_cmphex(qtest_readl(s, 0x100000), ==, 0xfffffffd);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qtest-protocol/handshake", test_handshake);
    g_test_add_func("/qtest-protocol/ram", test_ram);
    g_test_add_func("/qtest-protocol/malformed", test_malformed);
    g_test_add_func("/qtest-protocol/rtas/get-time-of-day",
                    test_rtas_get_time_of_day);
    g_test_add_func("/qtest-protocol/rtas/verb-errors", test_rtas_verb_errors);
    return g_test_run();
}
