/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of chardev/: option parsing, unix sockets, stdio, events. */

#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "qapi/error.h"
#include "chardev/char.h"

typedef struct Peer {
    GByteArray *rx;
    int opened;
    int closed;
} Peer;

static char *tmpdir;

static void peer_read(void *opaque, const uint8_t *buf, size_t len)
{
    Peer *p = opaque;

    g_byte_array_append(p->rx, buf, len);
}

static void peer_event(void *opaque, QEMUChrEvent event)
{
    Peer *p = opaque;

    if (event == CHR_EVENT_OPENED) {
        p->opened++;
    } else {
        p->closed++;
    }
}

static void peer_init(Peer *p)
{
    memset(p, 0, sizeof(*p));
    p->rx = g_byte_array_new();
}

static void peer_free(Peer *p)
{
    g_byte_array_unref(p->rx);
}

/* Run the main loop until *@counter reaches @want (5 s at most). */
static void wait_count(int *counter, int want)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (*counter < want && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    g_assert_cmpint(*counter, ==, want);
}

static void wait_rx(Peer *p, size_t len)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (p->rx->len < len && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    g_assert_cmpuint(p->rx->len, ==, len);
}

static char *sock_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

/* A raw listening socket at @path, as libqtest makes them. */
static int raw_listen(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static void check_new_error(const char *spec, const char *msg)
{
    Error *err = NULL;

    g_assert_null(qemu_chr_new("t", spec, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    g_assert_null(qemu_chr_find("t"));
}

static void check_opts_error(const char *opts, const char *msg)
{
    Error *err = NULL;

    g_assert_null(qemu_chr_new_from_opts(opts, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_parse_unknown_backend(void)
{
    check_new_error("pipe:/tmp/x", "'pipe' is not a valid char driver name");
    check_new_error("file", "'file' is not a valid char driver name");
    check_new_error("", "'' is not a valid char driver name");
    check_opts_error("pty,id=a", "'pty' is not a valid char driver name");
    check_new_error("tcp:localhost:4444",
                    "'tcp' chardevs are not supported: only unix sockets "
                    "and stdio");
    check_opts_error("socket,id=a,host=localhost,port=4444",
                     "chardev: socket: TCP is not supported, use path=PATH "
                     "(AF_UNIX)");
}

static void test_parse_missing_path(void)
{
    check_new_error("unix:", "chardev: socket: no path given");
    check_new_error("unix:,server=on", "chardev: socket: no path given");
    check_opts_error("socket,id=a", "chardev: socket: no path given");
    check_opts_error("socket,id=a,path=", "chardev: socket: no path given");
}

static void test_parse_bad_bool(void)
{
    check_new_error("unix:/nonexistent/s,server=maybe",
                    "Parameter 'server' expects 'on' or 'off'");
    check_new_error("unix:/nonexistent/s,server=on,wait=1",
                    "Parameter 'wait' expects 'on' or 'off'");
    check_opts_error("socket,id=a,path=/x,server=",
                     "Parameter 'server' expects 'on' or 'off'");
}

static void test_parse_unknown_option(void)
{
    check_new_error("unix:/nonexistent/s,reconnect=1",
                    "Invalid parameter 'reconnect'");
    check_new_error("stdio,signal=off", "Invalid parameter 'signal'");
    check_new_error("unix:/x,id=foo", "Invalid parameter 'id'");
    check_new_error("unix:/x,path=/y", "Invalid parameter 'path'");
    check_opts_error("stdio,id=a,path=/x", "Invalid parameter 'path'");
    check_opts_error("socket,id=a,path=/x,bogus", "Invalid parameter 'bogus'");
    check_opts_error("socket,path=/x", "Parameter 'id' is missing");
    check_opts_error("stdio", "Parameter 'id' is missing");
    check_new_error("unix:/x,wait=off",
                    "'wait' option is incompatible with socket in client "
                    "connect mode");
}

static void test_connect_errors(void)
{
    g_autofree char *missing = sock_path("missing.sock");
    g_autofree char *refused = sock_path("refused.sock");
    g_autofree char *msg = NULL;
    g_autofree char *longpath = g_strnfill(200, 'a');
    g_autofree char *longspec = g_strconcat("unix:/", longpath, NULL);
    g_autofree char *longmsg = NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    msg = g_strdup_printf("Failed to connect to '%s': No such file or "
                          "directory", missing);
    {
        g_autofree char *spec = g_strconcat("unix:", missing, NULL);

        check_new_error(spec, msg);
    }

    /* Bound but not listening: the kernel refuses the connection. */
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(sun.sun_path, refused, sizeof(sun.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_free(msg);
    msg = g_strdup_printf("Failed to connect to '%s': Connection refused",
                          refused);
    {
        g_autofree char *spec = g_strconcat("unix:", refused, NULL);

        check_new_error(spec, msg);
    }
    close(fd);
    unlink(refused);

    longmsg = g_strdup_printf("UNIX socket path '/%s' is too long", longpath);
    check_new_error(longspec, longmsg);
    {
        g_autofree char *spec = g_strconcat(longspec, ",server=on,wait=off",
                                            NULL);

        check_new_error(spec, longmsg);
    }
}

static void test_server_client(void)
{
    g_autofree char *path = sock_path("pair.sock");
    g_autofree char *srv_spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                                path);
    g_autofree char *cli_spec = g_strdup_printf("unix:%s", path);
    Chardev *srv, *cli, *cli2;
    Peer ps, pc, pc2;

    peer_init(&ps);
    peer_init(&pc);
    peer_init(&pc2);

    srv = qemu_chr_new("srv", srv_spec, &error_abort);
    g_assert(qemu_chr_find("srv") == srv);
    g_assert_cmpstr(qemu_chr_label(srv), ==, "srv");
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    qemu_chr_set_handlers(srv, peer_read, peer_event, &ps);
    g_assert_cmpint(ps.opened, ==, 0);
    /* Nobody connected: writes are refused, not queued. */
    g_assert_false(qemu_chr_write_all(srv, "x", 1));

    cli = qemu_chr_new("cli", cli_spec, &error_abort);
    qemu_chr_set_handlers(cli, peer_read, peer_event, &pc);
    g_assert_cmpint(pc.opened, ==, 1);       /* synchronous */
    wait_count(&ps.opened, 1);

    g_assert_true(qemu_chr_write_all(cli, "hello\n", 6));
    wait_rx(&ps, 6);
    g_assert_cmpmem(ps.rx->data, ps.rx->len, "hello\n", 6);
    g_assert_true(qemu_chr_write_all(srv, "OK\n", 3));
    wait_rx(&pc, 3);
    g_assert_cmpmem(pc.rx->data, pc.rx->len, "OK\n", 3);

    /* Client leaves: the server reports CLOSED and accepts the next one. */
    qemu_chr_delete(cli);
    g_assert_null(qemu_chr_find("cli"));
    g_assert_cmpint(pc.closed, ==, 0);       /* delete reports nothing */
    wait_count(&ps.closed, 1);
    g_assert_false(qemu_chr_write_all(srv, "x", 1));

    cli2 = qemu_chr_new("cli2", cli_spec, &error_abort);
    qemu_chr_set_handlers(cli2, peer_read, peer_event, &pc2);
    wait_count(&ps.opened, 2);
    g_assert_true(qemu_chr_write_all(srv, "again", 5));
    wait_rx(&pc2, 5);
    g_assert_cmpmem(pc2.rx->data, pc2.rx->len, "again", 5);

    /* Server goes: the client sees the hang-up, writes then fail. */
    qemu_chr_delete(srv);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    wait_count(&pc2.closed, 1);
    g_assert_false(qemu_chr_write_all(cli2, "x", 1));

    qemu_chr_cleanup();
    g_assert_null(qemu_chr_find("cli2"));
    peer_free(&ps);
    peer_free(&pc);
    peer_free(&pc2);
}

static void test_duplicate_label(void)
{
    g_autofree char *path = sock_path("dup.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    g_autofree char *opts = g_strdup_printf("socket,id=mon0,path=%s,server,"
                                            "nowait", path);
    Chardev *chr;

    chr = qemu_chr_new_from_opts(opts, &error_abort);
    g_assert(qemu_chr_find("mon0") == chr);
    check_opts_error(opts, "Chardev 'mon0' already exists");
    g_assert(qemu_chr_find("mon0") == chr);
    g_assert_nonnull(qemu_chr_new("other", spec, &error_abort));

    qemu_chr_cleanup();
    g_assert_null(qemu_chr_find("mon0"));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

/* The peer hangs up on a client chardev (as libqtest does at quit). */
static void test_client_hangup(void)
{
    g_autofree char *path = sock_path("raw.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    int lfd = raw_listen(path);
    int conn;
    Chardev *chr;
    Peer p;
    char buf[16];

    peer_init(&p);
    chr = qemu_chr_new("qtest", spec, &error_abort);
    conn = accept(lfd, NULL, NULL);
    g_assert_cmpint(conn, >=, 0);
    qemu_chr_set_handlers(chr, peer_read, peer_event, &p);
    g_assert_cmpint(p.opened, ==, 1);

    /* Partial data then hang-up: the bytes arrive before CLOSED. */
    g_assert_cmpint(write(conn, "rea", 3), ==, 3);
    g_assert_true(qemu_chr_write_all(chr, "abc", 3));
    g_assert_cmpint(read(conn, buf, sizeof(buf)), ==, 3);
    close(conn);
    wait_count(&p.closed, 1);
    g_assert_cmpmem(p.rx->data, p.rx->len, "rea", 3);
    g_assert_false(qemu_chr_write_all(chr, "x", 1));
    /* A client does not reconnect by itself. */
    g_assert_cmpint(p.opened, ==, 1);

    qemu_chr_delete(chr);
    close(lfd);
    unlink(path);
    peer_free(&p);
}

/* More than the socket buffer: queued, flushed from the main loop. */
static void test_large_write(void)
{
    g_autofree char *path = sock_path("big.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    const size_t len = 4 * 1024 * 1024;
    g_autofree uint8_t *data = g_malloc(len);
    g_autofree uint8_t *got = g_malloc(len);
    size_t have = 0;
    gint64 deadline;
    int lfd = raw_listen(path);
    int conn;
    Chardev *chr;
    size_t i;

    for (i = 0; i < len; i++) {
        data[i] = i * 7 + (i >> 12);
    }
    chr = qemu_chr_new("big", spec, &error_abort);
    conn = accept(lfd, NULL, NULL);
    g_assert_cmpint(conn, >=, 0);

    /* Returns at once even though nobody reads yet. */
    g_assert_true(qemu_chr_write_all(chr, data, len));
    g_assert_true(qemu_chr_write_all(chr, "!", 1));

    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (have < len + 1 && g_get_monotonic_time() < deadline) {
        struct pollfd pfd = { .fd = conn, .events = POLLIN };
        uint8_t buf[65536];

        g_main_context_iteration(NULL, FALSE);
        if (poll(&pfd, 1, 1) == 1) {
            ssize_t n = read(conn, buf, sizeof(buf));

            g_assert_cmpint(n, >, 0);
            if (have < len) {
                size_t take = MIN((size_t)n, len - have);

                memcpy(got + have, buf, take);
                if ((size_t)n > take) {
                    g_assert_cmpint(n - take, ==, 1);
                    g_assert_cmpint(buf[take], ==, '!');
                }
            } else {
                g_assert_cmpint(n, ==, 1);
                g_assert_cmpint(buf[0], ==, '!');
            }
            have += n;
        }
    }
    g_assert_cmpuint(have, ==, len + 1);
    g_assert_cmpmem(got, len, data, len);

    qemu_chr_delete(chr);
    close(conn);
    close(lfd);
    unlink(path);
}

/*
 * A peer that never reads: queued output stops at CHR_OUTBUF_MAX, the write
 * that would pass it fails, and the connection is closed (CLOSED reported
 * from the main loop, EOF seen by the peer) instead of memory growing.
 */
static void test_stalled_peer(void)
{
    g_autofree char *path = sock_path("stall.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    const size_t chunk = 1024 * 1024;
    g_autofree uint8_t *data = g_malloc0(chunk);
    size_t accepted = 0;
    int lfd = raw_listen(path);
    int conn, rcvbuf = 4096;
    Chardev *chr;
    Peer p;
    char buf[65536];
    ssize_t n;

    peer_init(&p);
    chr = qemu_chr_new("stall", spec, &error_abort);
    conn = accept(lfd, NULL, NULL);
    g_assert_cmpint(conn, >=, 0);
    setsockopt(conn, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    qemu_chr_set_handlers(chr, peer_read, peer_event, &p);

    while (accepted <= 2 * CHR_OUTBUF_MAX &&
           qemu_chr_write_all(chr, data, chunk)) {
        accepted += chunk;
        g_main_context_iteration(NULL, FALSE);
    }
    /* The socket buffers take a little; the queue holds the limit. */
    g_assert_cmpuint(accepted, >=, CHR_OUTBUF_MAX);
    g_assert_cmpuint(accepted, <=, CHR_OUTBUF_MAX + 8 * chunk);
    g_assert_false(qemu_chr_write_all(chr, "x", 1));
    g_assert_cmpint(p.closed, ==, 0);       /* not from inside the write */
    wait_count(&p.closed, 1);

    /* The peer reads what the kernel holds, then end of file. */
    do {
        n = read(conn, buf, sizeof(buf));
    } while (n > 0);
    g_assert_cmpint(n, ==, 0);

    qemu_chr_delete(chr);
    peer_free(&p);
    close(conn);
    close(lfd);
    unlink(path);
}

/* wait=on blocks qemu_chr_new() until the first client connects. */
static void test_server_wait(void)
{
    g_autofree char *path = sock_path("wait.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on", path);
    Chardev *chr;
    Peer p;
    pid_t pid;
    int status;

    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        int i;

        g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
        for (i = 0; i < 5000; i++) {
            if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
                _exit(write(fd, "hi", 2) == 2 ? 0 : 2);
            }
            g_usleep(1000);
        }
        _exit(1);
    }

    peer_init(&p);
    chr = qemu_chr_new("wait", spec, &error_abort);
    qemu_chr_set_handlers(chr, peer_read, peer_event, &p);
    g_assert_cmpint(p.opened, ==, 1);        /* already connected */
    wait_count(&p.closed, 1);                 /* child wrote and exited */
    g_assert_cmpmem(p.rx->data, p.rx->len, "hi", 2);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    qemu_chr_cleanup();
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    peer_free(&p);
}

static void test_stdio_child(void)
{
    int in[2], out[2];
    Chardev *chr;
    Peer p;
    char buf[16];

    g_assert_cmpint(pipe(in), ==, 0);
    g_assert_cmpint(pipe(out), ==, 0);
    g_assert_cmpint(dup2(in[0], STDIN_FILENO), ==, STDIN_FILENO);
    g_assert_cmpint(dup2(out[1], STDOUT_FILENO), ==, STDOUT_FILENO);
    close(in[0]);
    close(out[1]);

    peer_init(&p);
    chr = qemu_chr_new("stdio", "stdio", &error_abort);
    qemu_chr_set_handlers(chr, peer_read, peer_event, &p);
    g_assert_cmpint(p.opened, ==, 1);
    g_assert_cmpint(write(in[1], "ping\n", 5), ==, 5);
    wait_rx(&p, 5);
    g_assert_cmpmem(p.rx->data, p.rx->len, "ping\n", 5);
    g_assert_true(qemu_chr_write_all(chr, "pong\n", 5));
    g_assert_cmpint(read(out[0], buf, sizeof(buf)), ==, 5);
    g_assert_cmpmem(buf, 5, "pong\n", 5);

    /* EOF on stdin is a hang-up. */
    close(in[1]);
    wait_count(&p.closed, 1);
    g_assert_false(qemu_chr_write_all(chr, "x", 1));

    qemu_chr_cleanup();
    close(out[0]);
    peer_free(&p);
}

/* Runs in a child: stdin/stdout are replaced by pipes. */
static void test_stdio(void)
{
    if (g_test_subprocess()) {
        test_stdio_child();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-char-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/char/parse/unknown-backend", test_parse_unknown_backend);
    g_test_add_func("/char/parse/missing-path", test_parse_missing_path);
    g_test_add_func("/char/parse/bad-on-off", test_parse_bad_bool);
    g_test_add_func("/char/parse/unknown-option", test_parse_unknown_option);
    g_test_add_func("/char/socket/connect-errors", test_connect_errors);
    g_test_add_func("/char/socket/server-client", test_server_client);
    g_test_add_func("/char/socket/duplicate-label", test_duplicate_label);
    g_test_add_func("/char/socket/client-hangup", test_client_hangup);
    g_test_add_func("/char/socket/large-write", test_large_write);
    g_test_add_func("/char/socket/stalled-peer", test_stalled_peer);
    g_test_add_func("/char/socket/server-wait", test_server_wait);
    g_test_add_func("/char/stdio", test_stdio);
    ret = g_test_run();

    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
