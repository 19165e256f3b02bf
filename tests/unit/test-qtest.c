/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of system/qtest.c: every verb's reply, malformed lines, server. */

#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "qapi/error.h"
#include "exec/memory.h"
#include "system/qtest.h"
#include "system/runstate.h"

#define RAM_SIZE (32 * 1024 * 1024)

static MemoryRegion ram;
static char *tmpdir;

/* Send @line through the parser; check the exact reply. */
static void check(const char *line, const char *want)
{
    g_autoptr(GString) reply = g_string_new("stale");

    qtest_process_line(line, reply);
    if (strcmp(reply->str, want) != 0) {
        g_test_message("request '%.80s'", line);
    }
    g_assert_cmpstr(reply->str, ==, want);
}

static void test_sized(void)
{
    check("writel 0x1000 0x12345678", "OK");
    check("readl 0x1000", "OK 0x0000000012345678");
    /* Big-endian target: the most significant byte comes first. */
    check("readb 0x1000", "OK 0x0000000000000012");
    check("readb 0x1003", "OK 0x0000000000000078");
    check("readw 0x1002", "OK 0x0000000000005678");
    check("read 0x1000 4", "OK 0x12345678");
    check("writeq 0x2000 0x0123456789abcdef", "OK");
    check("readq 0x2000", "OK 0x0123456789abcdef");
    check("readl 0x2004", "OK 0x0000000089abcdef");
    check("writew 0x3000 0xbeef", "OK");
    check("readw 0x3000", "OK 0x000000000000beef");
    check("writeb 0x3001 17", "OK");        /* decimal */
    check("readw 0x3000", "OK 0x000000000000be11");
    check("writeb 0x3000 010", "OK");       /* octal, as strtoul base 0 */
    check("readb 0x3000", "OK 0x0000000000000008");
    /* A value wider than the access keeps its low bytes, as in QEMU. */
    check("writeb 0x3000 0x1ff", "OK");
    check("readb 0x3000", "OK 0x00000000000000ff");
    check("writel 0x3000 0xffffffffaabbccdd", "OK");
    check("readl 0x3000", "OK 0x00000000aabbccdd");
    /* Last bytes of RAM. */
    check("writeq 0x1fffff8 0x1122334455667788", "OK");
    check("readq 0x1fffff8", "OK 0x1122334455667788");
}

static void test_read_write(void)
{
    check("write 0x4000 4 0xdeadbeef", "OK");
    check("read 0x4000 4", "OK 0xdeadbeef");
    check("readl 0x4000", "OK 0x00000000deadbeef");
    /* Short data is zero-padded; a lone last nibble is ignored. */
    check("write 0x4000 4 0xab", "OK");
    check("read 0x4000 4", "OK 0xab000000");
    check("write 0x4000 2 0x123", "OK");
    check("read 0x4000 3", "OK 0x120000");
    /* Extra digits beyond LEN are ignored; upper case is fine. */
    check("write 0x4000 1 0XCAFE", "OK");
    check("read 0x4000 2", "OK 0xca00");
    check("write 0x4000 0 0x00", "OK");
    check("read 0x4000 1", "OK 0xca");
    check("read 0x1fffffe 2", "OK 0x7788");
}

static void test_b64(void)
{
    g_autofree guchar *pattern = g_malloc(4096);
    g_autofree gchar *b64 = NULL;
    g_autofree gchar *line = NULL;
    g_autofree gchar *want = NULL;
    int i;

    check("b64write 0x5000 5 aGVsbG8=", "OK");
    check("b64read 0x5000 5", "OK aGVsbG8=");
    check("read 0x5000 5", "OK 0x68656c6c6f");
    /* Less data than LEN: zero-padded (QEMU would read past its buffer). */
    check("b64write 0x5000 4 aGk=", "OK");
    check("read 0x5000 5", "OK 0x686900006f");
    /* More data than LEN: truncated. */
    check("b64write 0x5000 1 aGVsbG8=", "OK");
    check("read 0x5000 2", "OK 0x6869");
    check("b64read 0x5000 0", "OK ");

    for (i = 0; i < 4096; i++) {
        pattern[i] = i * 13 + 5;
    }
    b64 = g_base64_encode(pattern, 4096);
    line = g_strdup_printf("b64write 0x10000 4096 %s", b64);
    check(line, "OK");
    want = g_strdup_printf("OK %s", b64);
    check("b64read 0x10000 4096", want);
    check("readl 0x10ffc", "OK 0x00000000d1deebf8");
}

static void test_memset(void)
{
    check("memset 0x6000 8 0", "OK");
    check("memset 0x6001 3 0xa5", "OK");
    check("read 0x6000 5", "OK 0x00a5a5a500");
    check("memset 0x6000 0 0x11", "OK");
    check("read 0x6000 2", "OK 0x00a5");
    /* The low byte of the pattern, as QEMU's memset(). */
    check("memset 0x6000 1 0x1ff", "OK");
    check("readb 0x6000", "OK 0x00000000000000ff");
}

static void test_endianness(void)
{
    check("endianness", "OK big");
    check("endianness big", "FAIL endianness: expected no operands");
}

static void test_clock(void)
{
    g_assert_cmpint(qtest_clock_get_ns(), ==, 0);
    check("clock_step", "FAIL cannot advance clock to the next deadline "
          "because there is no pending deadline");
    check("clock_step 100", "OK 100");
    check("clock_step 0", "FAIL could not advance time");
    check("clock_step 0x10", "OK 116");
    check("clock_set 50", "FAIL 116");
    check("clock_set 116", "OK 116");
    check("clock_set 1000", "OK 1000");
    g_assert_cmpint(qtest_clock_get_ns(), ==, 1000);
    check("clock_step -1", "FAIL clock_step: invalid number '-1'");
    check("clock_set 9223372036854775808",
          "FAIL clock_set: number out of range '9223372036854775808'");
    check("clock_step 18446744073709551616",
          "FAIL clock_step: number out of range '18446744073709551616'");
    /* Saturates at INT64_MAX, then cannot move. */
    check("clock_step 9223372036854775807", "OK 9223372036854775807");
    check("clock_step 1", "FAIL could not advance time");
    check("clock_set 5", "FAIL 9223372036854775807");
    g_assert_cmpint(qtest_clock_get_ns(), ==, INT64_MAX);
}

static void test_pio(void)
{
    check("outb 0x80 0x12", "OK");
    check("outw 0xcf8 0x1234", "OK");
    check("outl 0xffff 0xffffffff", "OK");
    check("inb 0x80", "OK 0x00ff");
    check("inw 0xcfc", "OK 0xffff");
    check("inl 0", "OK 0xffffffff");
    check("outb 0x10000 1", "FAIL outb: port 0x10000 out of range");
    check("inl 0x10000", "FAIL inl: port 0x10000 out of range");
    check("outw 0x10 zz", "FAIL outw: invalid number 'zz'");
}

static const struct {
    const char *line;
    const char *reply;
} malformed[] = {
    { "", "FAIL Unknown command ''" },
    { "frobnicate 1 2", "FAIL Unknown command 'frobnicate'" },
    { "READL 0x1000", "FAIL Unknown command 'READL'" },
    { " readl 0x1000", "FAIL Unknown command ''" },
    { "irq_intercept_in /machine", "FAIL Unknown command 'irq_intercept_in'" },
    { "readl", "FAIL readl: expected ADDR" },
    { "readl 0x1000 4", "FAIL readl: expected ADDR" },
    { "readl  0x1000", "FAIL readl: expected ADDR" },
    { "readl 0x1000 ", "FAIL readl: expected ADDR" },
    { "readl xyz", "FAIL readl: invalid number 'xyz'" },
    { "readl 0x", "FAIL readl: invalid number '0x'" },
    { "readl 12ab", "FAIL readl: invalid number '12ab'" },
    { "readl -4", "FAIL readl: invalid number '-4'" },
    { "readl +4", "FAIL readl: invalid number '+4'" },
    { "readl 0x1000\r", "FAIL readl: invalid number '0x1000\r'" },
    { "readl 0x10000000000000000",
      "FAIL readl: number out of range '0x10000000000000000'" },
    { "writel 0x1000", "FAIL writel: expected ADDR VALUE" },
    { "writel 0x1000 1 2", "FAIL writel: expected ADDR VALUE" },
    { "writeq 0x1000 0x1ffffffffffffffff",
      "FAIL writeq: number out of range '0x1ffffffffffffffff'" },
    { "writew 0x1000 bad", "FAIL writew: invalid number 'bad'" },
    { "read 0x1000", "FAIL read: expected ADDR LEN" },
    { "read 0x1000 0", "FAIL read: length must be > 0" },
    { "read 0x1000 0x1000001", "FAIL read: length 0x1000001 exceeds "
      "0x1000000 bytes" },
    { "read 0x1000 99999999999999999999",
      "FAIL read: number out of range '99999999999999999999'" },
    { "b64read 0 0xffffffffffffffff", "FAIL b64read: length "
      "0xffffffffffffffff exceeds 0x1000000 bytes" },
    { "memset 0 0x2000000 0", "FAIL memset: length 0x2000000 exceeds "
      "0x1000000 bytes" },
    { "memset 0 1", "FAIL memset: expected ADDR LEN BYTE" },
    { "memset 0 1 x", "FAIL memset: invalid number 'x'" },
    { "write 0x1000 4", "FAIL write: expected ADDR LEN 0xDATA" },
    { "write 0x1000 4 0x", "ERR invalid argument size" },
    { "write 0x1000 4 ab", "ERR invalid argument size" },
    { "write 0x1000 4 zz12", "ERR invalid hex data: expected 0x prefix" },
    { "write 0x1000 4 0x12zz", "ERR invalid hex digit at offset 4" },
    { "write 0x1000 0x1000001 0x00", "FAIL write: length 0x1000001 exceeds "
      "0x1000000 bytes" },
    { "b64write 0x1000 4", "FAIL b64write: expected ADDR LEN B64DATA" },
    { "b64write 0x1000 4 ab", "ERR invalid argument size" },
    { "readq 0xfffffffffffffffc",
      "FAIL readq: range 0xfffffffffffffffc+0x8 wraps around" },
    { "writew 0xffffffffffffffff 1",
      "FAIL writew: range 0xffffffffffffffff+0x2 wraps around" },
    { "read 0xffffffffffffffff 2",
      "FAIL read: range 0xffffffffffffffff+0x2 wraps around" },
    { "memset 0xfffffffffffffff0 0x11 0",
      "FAIL memset: range 0xfffffffffffffff0+0x11 wraps around" },
    /* Accesses the memory API refuses. */
    { "readl 0x80000000",
      "FAIL readl: access to 0x80000000+0x4 failed: decode error" },
    { "writeq 0x80000000 1",
      "FAIL writeq: access to 0x80000000+0x8 failed: decode error" },
    { "read 0x1fffffe 4",
      "FAIL read: access to 0x1fffffe+0x4 failed: decode error" },
    { "write 0x1ffffff 2 0x0102",
      "FAIL write: access to 0x1ffffff+0x2 failed: decode error" },
    { "b64read 0xffffffffffffff00 0x100",
      "FAIL b64read: access to 0xffffffffffffff00+0x100 failed: decode error" },
    { "b64write 0x40000000 3 AAAA",
      "FAIL b64write: access to 0x40000000+0x3 failed: decode error" },
    { "memset 0x40000000 16 0",
      "FAIL memset: access to 0x40000000+0x10 failed: decode error" },
    { "clock_set", "FAIL clock_set: expected NS" },
    { "clock_set 1 2", "FAIL clock_set: expected NS" },
    { "clock_step 1 2", "FAIL clock_step: expected [NS]" },
    { "clock_set x", "FAIL clock_set: invalid number 'x'" },
    { "outb 1", "FAIL outb: expected PORT VALUE" },
    { "inw", "FAIL inw: expected PORT" },
};

static void test_malformed(void)
{
    size_t i;

    check("writel 0x1000 0x600dcafe", "OK");
    for (i = 0; i < G_N_ELEMENTS(malformed); i++) {
        check(malformed[i].line, malformed[i].reply);
        /* Still serving, and the rejected request changed nothing. */
        check("readl 0x1000", "OK 0x00000000600dcafe");
    }
}

static int ext_calls;

static void ext_count_words(gchar **words, GString *reply)
{
    ext_calls++;
    g_string_append_printf(reply, "OK %u %s", g_strv_length(words), words[0]);
}

static void ext_other(gchar **words, GString *reply)
{
    g_string_append(reply, "OK other");
}

static void ext_silent(gchar **words, GString *reply)
{
}

static void test_extension(void)
{
    qtest_register_command("hello", ext_count_words);
    check("hello", "OK 1 hello");
    check("hello a b", "OK 3 hello");
    g_assert_cmpint(ext_calls, ==, 2);
    /* Registering again replaces the handler. */
    qtest_register_command("hello", ext_other);
    check("hello a b", "OK other");
    g_assert_cmpint(ext_calls, ==, 2);
    /* A handler that forgets to answer still yields a reply. */
    qtest_register_command("silent", ext_silent);
    check("silent 1", "FAIL silent: no reply");
    /* Built-in verbs win over extensions. */
    qtest_register_command("endianness", ext_count_words);
    check("endianness", "OK big");
    g_assert_cmpint(ext_calls, ==, 2);
}

/* Random garbage and random verbs with random operands: never crashes. */
static void test_random_lines(void)
{
    static const char *const verbs[] = {
        "readb", "readw", "readl", "readq", "writeb", "writew", "writel",
        "writeq", "read", "write", "b64read", "b64write", "memset", "outb",
        "inl", "endianness", "clock_step", "clock_set", "nosuch", "",
    };
    static const char *const operands[] = {
        "0", "1", "0x1000", "0x1ffffff", "0x2000000", "0xffffffffffffffff",
        "0x1000000", "0x1000001", "-1", "0x", "AAAA", "0xabc", "zz", "",
        "18446744073709551616", "0x80000000", "aGVsbG8=", "0x0123456789",
    };
    g_autoptr(GString) line = g_string_new(NULL);
    g_autoptr(GString) reply = g_string_new(NULL);
    int i, j;

    for (i = 0; i < 3000; i++) {
        g_string_assign(line, verbs[g_test_rand_int_range(0,
                                                G_N_ELEMENTS(verbs))]);
        for (j = g_test_rand_int_range(0, 5); j > 0; j--) {
            g_string_append_c(line, ' ');
            if (g_test_rand_int_range(0, 8) == 0) {
                int c = g_test_rand_int_range(1, 256);

                /* The server splits at newlines: none inside a line. */
                g_string_append_c(line, c == '\n' ? 'x' : c);
            } else {
                g_string_append(line, operands[g_test_rand_int_range(0,
                                               G_N_ELEMENTS(operands))]);
            }
        }
        qtest_process_line(line->str, reply);
        g_assert_true(g_str_has_prefix(reply->str, "OK") ||
                      g_str_has_prefix(reply->str, "FAIL") ||
                      g_str_has_prefix(reply->str, "ERR"));
        g_assert_null(strchr(reply->str, '\n'));
    }
}

/* ---- the server over a unix socket, connected the libqtest way ---------- */

typedef struct Client {
    int fd;
    GString *rx;
} Client;

/* Read until @n reply lines have arrived (5 s at most). */
static void client_wait_lines(Client *c, int n)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    int lines = 0;

    while (g_get_monotonic_time() < deadline) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        char buf[65536];
        const char *p;

        lines = 0;
        for (p = c->rx->str; (p = strchr(p, '\n')); p++) {
            lines++;
        }
        if (lines >= n) {
            break;
        }
        g_main_context_iteration(NULL, FALSE);
        if (poll(&pfd, 1, 1) == 1) {
            ssize_t len = read(c->fd, buf, sizeof(buf));

            g_assert_cmpint(len, >, 0);
            g_string_append_len(c->rx, buf, len);
        }
    }
    g_assert_cmpint(lines, ==, n);
}

static void client_send(Client *c, const char *data, size_t len)
{
    size_t done = 0;

    while (done < len) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
        ssize_t n;

        /* The server only reads while the main loop runs. */
        g_main_context_iteration(NULL, FALSE);
        if (poll(&pfd, 1, 1) != 1) {
            continue;
        }
        n = send(c->fd, data + done, len - done, MSG_DONTWAIT);
        if (n < 0 && errno == EAGAIN) {
            continue;
        }
        g_assert_cmpint(n, >, 0);
        done += n;
    }
}

static void test_server(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "qtest.sock", NULL);
    g_autofree char *log = g_build_filename(tmpdir, "qtest.log", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    g_autofree char *logtext = NULL;
    g_autofree char *big = NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    Error *err = NULL;
    Client c = { .rx = g_string_new(NULL) };
    int lfd;
    size_t big_len;

    g_assert_false(qtest_enabled());
    qtest_server_init("tcp:localhost:1", NULL, &err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "qtest: 'tcp' chardevs are not supported: only unix "
                    "sockets and stdio");
    error_free(err);
    err = NULL;
    g_assert_false(qtest_server_init(spec, "/nonexistent/dir/log", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Cannot open qtest log "
                    "'/nonexistent/dir/log': No such file or directory");
    error_free(err);
    err = NULL;
    g_assert_false(qtest_enabled());

    /* libqtest listens, the server connects. */
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    g_assert_true(qtest_server_init(spec, log, &error_abort));
    g_assert_true(qtest_enabled());
    c.fd = accept(lfd, NULL, NULL);
    g_assert_cmpint(c.fd, >=, 0);

    g_assert_false(qtest_server_init(spec, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Only one instance of qtest can be created");
    error_free(err);

    /* Several requests in one write, the last one split across writes. */
    client_send(&c, "endianness\nwritel 0x1000 0xcafe\nre", 34);
    client_wait_lines(&c, 2);
    client_send(&c, "adl 0x1000\nbogus\n", 17);
    client_wait_lines(&c, 4);
    g_assert_cmpstr(c.rx->str, ==, "OK big\nOK\nOK 0x000000000000cafe\n"
                    "FAIL Unknown command 'bogus'\n");
    g_string_truncate(c.rx, 0);

    /* A line longer than any valid request is dropped with one FAIL. */
    big_len = 2 * 16 * 1024 * 1024 + 8192;
    big = g_malloc(big_len + 1);
    memset(big, 'x', big_len);
    big[big_len] = '\n';
    client_send(&c, big, big_len + 1);
    client_send(&c, "readl 0x1000\n", 13);
    client_wait_lines(&c, 2);
    g_assert_cmpstr(c.rx->str, ==, "FAIL request longer than 33558528 "
                    "bytes\nOK 0x000000000000cafe\n");

    /* Hang-up: the server asks the main loop to exit. */
    g_assert_false(qemu_shutdown_requested());
    close(c.fd);
    {
        gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

        while (!qemu_shutdown_requested() &&
               g_get_monotonic_time() < deadline) {
            if (!g_main_context_iteration(NULL, FALSE)) {
                g_usleep(1000);
            }
        }
    }
    g_assert_true(qemu_shutdown_requested());

    qtest_server_cleanup();
    g_assert_false(qtest_enabled());
    close(lfd);
    unlink(path);

    g_assert_true(g_file_get_contents(log, &logtext, NULL, NULL));
    g_assert_true(g_regex_match_simple(
        "^\\[I [0-9]+\\.[0-9]{6}\\] OPENED\n"
        "\\[R \\+[0-9]+\\.[0-9]{6}\\] endianness\n"
        "\\[S \\+[0-9]+\\.[0-9]{6}\\] OK big\n"
        "\\[R \\+[0-9]+\\.[0-9]{6}\\] writel 0x1000 0xcafe\n"
        "\\[S \\+[0-9]+\\.[0-9]{6}\\] OK\n", logtext, 0, 0));
    g_assert_nonnull(strstr(logtext, "] CLOSED\n"));
    unlink(log);
    g_string_free(c.rx, TRUE);
}

/*
 * A client that pipelines many requests and leaves before reading any
 * reply: the first reply that cannot be sent ends the processing of the
 * rest (each could be a 16 MiB read), instead of serving the dead peer.
 */
static void test_server_peer_gone(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "gone.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    g_autoptr(GString) reqs = g_string_new(NULL);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    gint64 deadline;
    int lfd, fd, i;

    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    g_assert_true(qtest_server_init(spec, "none", &error_abort));
    fd = accept(lfd, NULL, NULL);
    g_assert_cmpint(fd, >=, 0);

    qtest_register_command("count", ext_count_words);
    ext_calls = 0;
    for (i = 0; i < 1000; i++) {
        g_string_append(reqs, "count\n");
    }
    g_assert_cmpint(send(fd, reqs->str, reqs->len, 0), ==, reqs->len);
    close(fd);

    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (ext_calls == 0 && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    while (g_main_context_iteration(NULL, FALSE)) {
        /* let the hang-up through */
    }
    g_assert_cmpint(ext_calls, ==, 1);

    qtest_server_cleanup();
    close(lfd);
    unlink(path);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-qtest-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    memory_map_init();
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &ram);

    g_test_add_func("/qtest/mem/sized", test_sized);
    g_test_add_func("/qtest/mem/read-write", test_read_write);
    g_test_add_func("/qtest/mem/b64", test_b64);
    g_test_add_func("/qtest/mem/memset", test_memset);
    g_test_add_func("/qtest/endianness", test_endianness);
    g_test_add_func("/qtest/clock", test_clock);
    g_test_add_func("/qtest/pio", test_pio);
    g_test_add_func("/qtest/malformed", test_malformed);
    g_test_add_func("/qtest/extension", test_extension);
    g_test_add_func("/qtest/random-lines", test_random_lines);
    g_test_add_func("/qtest/server", test_server);
    g_test_add_func("/qtest/server-peer-gone", test_server_peer_gone);
    ret = g_test_run();

    memory_region_del_subregion(get_system_memory(), &ram);
    memory_region_finalize(&ram);
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
