/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqtest: start the binary and drive it over qtest and QMP from a test. */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "libqtest.h"

/* Largest LEN the server accepts in one read/write request. */
#define QTEST_MAX_CHUNK (16 * 1024 * 1024)
#define QTEST_RTAS_MAX_CELLS 1024

struct QTestState {
    pid_t pid;
    int qtest_fd;
    int qmp_fd;
    char *tmpdir;
    char *qtest_path;
    char *qmp_path;
    GString *qtest_rx;      /* bytes received, not yet returned as lines */
    GString *qmp_rx;
    GQueue events;          /* JsonObject * of QMP events not yet waited for */
    int expected_status;
    bool log;
};

static gint64 qtest_deadline(void)
{
    return g_get_monotonic_time() + QTEST_TIMEOUT_S * G_USEC_PER_SEC;
}

/* Milliseconds left before @deadline; fails the test once it has passed. */
static int qtest_ms_left(gint64 deadline, const char *what)
{
    gint64 left = deadline - g_get_monotonic_time();

    if (left <= 0) {
        g_error("libqtest: no %s within %d s", what, QTEST_TIMEOUT_S);
    }
    return MIN(left / 1000 + 1, 100);
}

static void qtest_check_alive(QTestState *s, const char *what)
{
    int status;

    if (s->pid > 0 && waitpid(s->pid, &status, WNOHANG) == s->pid) {
        s->pid = -1;
        if (WIFSIGNALED(status)) {
            g_error("libqtest: QEMU died of signal %d (%s) while waiting for "
                    "%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
                    what);
        }
        g_error("libqtest: QEMU exited with status %d while waiting for %s",
                WEXITSTATUS(status), what);
    }
}

static int qtest_listen(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(sun.sun_path));
    strcpy(sun.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
        listen(fd, 1) < 0) {
        g_error("libqtest: cannot listen on %s: %s", path, strerror(errno));
    }
    return fd;
}

static int qtest_accept(QTestState *s, int lfd, const char *what)
{
    gint64 deadline = qtest_deadline();

    for (;;) {
        struct pollfd pfd = { .fd = lfd, .events = POLLIN };
        int ret = poll(&pfd, 1, qtest_ms_left(deadline, what));

        if (ret == 1) {
            int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                return fd;
            }
        }
        if (ret < 0 && errno != EINTR) {
            g_error("libqtest: poll: %s", strerror(errno));
        }
        qtest_check_alive(s, what);
    }
}

static void qtest_send_all(QTestState *s, int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            g_error("libqtest: send: %s", strerror(errno));
        }
        buf += n;
        len -= n;
    }
}

/* Read more bytes from @fd into @rx, waiting at most until @deadline. */
static void qtest_fill(QTestState *s, int fd, GString *rx, gint64 deadline,
                       const char *what)
{
    char buf[65536];

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ret = poll(&pfd, 1, qtest_ms_left(deadline, what));
        ssize_t n;

        if (ret < 0 && errno == EINTR) {
            continue;
        }
        if (ret <= 0) {
            qtest_check_alive(s, what);
            continue;
        }
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            qtest_check_alive(s, what);
            g_error("libqtest: connection closed while waiting for %s", what);
        }
        g_string_append_len(rx, buf, n);
        return;
    }
}

/* ---- start and stop ----------------------------------------------------- */

static JsonObject *qmp_receive(QTestState *s);

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = g_new0(QTestState, 1);
    const char *binary = g_getenv("QTEST_QEMU_BINARY");
    const char *trace = g_getenv("QTEST_TRACE");
    g_autofree char *trace_arg = NULL;
    g_autofree char *command = NULL;
    g_autofree char *reply = NULL;
    JsonObject *greeting;
    int qtest_lfd, qmp_lfd;

    if (!binary) {
        binary = "./qemu-system-ppc64";
    }
    s->log = g_getenv("QTEST_LOG") != NULL;
    s->tmpdir = g_dir_make_tmp("qtest-XXXXXX", NULL);
    g_assert_nonnull(s->tmpdir);
    s->qtest_path = g_strdup_printf("%s/qtest-%d.sock", s->tmpdir, getpid());
    s->qmp_path = g_strdup_printf("%s/qtest-%d.qmp", s->tmpdir, getpid());
    s->qtest_rx = g_string_new(NULL);
    s->qmp_rx = g_string_new(NULL);
    g_queue_init(&s->events);
    qtest_lfd = qtest_listen(s->qtest_path);
    qmp_lfd = qtest_listen(s->qmp_path);

    trace_arg = trace ? g_strdup_printf("-trace %s ", trace) : g_strdup("");
    command = g_strdup_printf("exec %s %s-qtest unix:%s -qtest-log %s "
                              "-chardev socket,path=%s,id=char0 "
                              "-mon chardev=char0,mode=control "
                              "-display none -audio none %s -accel qtest",
                              binary, trace_arg, s->qtest_path,
                              s->log ? "/dev/fd/2" : "/dev/null",
                              s->qmp_path, extra_args ? extra_args : "");
    if (s->log) {
        g_printerr("libqtest: %s\n", command);
    }

    s->pid = fork();
    g_assert_cmpint(s->pid, >=, 0);
    if (s->pid == 0) {
        /* Do not outlive a test that crashed or timed out. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        g_setenv("QEMU_AUDIO_DRV", "none", TRUE);
        execlp("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }

    s->qtest_fd = qtest_accept(s, qtest_lfd, "the qtest connection");
    s->qmp_fd = qtest_accept(s, qmp_lfd, "the QMP connection");
    close(qtest_lfd);
    close(qmp_lfd);
    unlink(s->qtest_path);
    unlink(s->qmp_path);

    reply = qtest_line(s, "endianness");
    g_assert_cmpstr(reply, ==, "OK big");

    greeting = qmp_receive(s);
    if (!json_object_has_member(greeting, "QMP")) {
        g_error("libqtest: the first QMP message is not the greeting");
    }
    json_object_unref(greeting);
    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\"}");
    return s;
}

QTestState *qtest_initf(const char *fmt, ...)
{
    g_autofree char *args = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qtest_init(args);
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

void qtest_quit(QTestState *s)
{
    gint64 deadline = qtest_deadline();
    int status;

    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        while (waitpid(s->pid, &status, WNOHANG) != s->pid) {
            if (g_get_monotonic_time() > deadline) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
                g_error("libqtest: QEMU did not exit within %d s of SIGTERM",
                        QTEST_TIMEOUT_S);
            }
            g_usleep(1000);
        }
        if (WIFSIGNALED(status)) {
            g_error("libqtest: QEMU died of signal %d (%s)%s",
                    WTERMSIG(status), strsignal(WTERMSIG(status)),
                    WCOREDUMP(status) ? " (core dumped)" : "");
        }
        if (WEXITSTATUS(status) != s->expected_status) {
            g_error("libqtest: QEMU exited with status %d, expected %d",
                    WEXITSTATUS(status), s->expected_status);
        }
    }
    close(s->qtest_fd);
    close(s->qmp_fd);
    g_queue_clear_full(&s->events, (GDestroyNotify)json_object_unref);
    g_string_free(s->qtest_rx, TRUE);
    g_string_free(s->qmp_rx, TRUE);
    rmdir(s->tmpdir);
    g_free(s->tmpdir);
    g_free(s->qtest_path);
    g_free(s->qmp_path);
    g_free(s);
}

/* ---- qtest protocol ----------------------------------------------------- */

void qtest_sendf(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_send_all(s, s->qtest_fd, text, strlen(text));
}

char *qtest_recv_line(QTestState *s)
{
    gint64 deadline = qtest_deadline();

    for (;;) {
        char *nl = memchr(s->qtest_rx->str, '\n', s->qtest_rx->len);

        if (nl) {
            char *line = g_strndup(s->qtest_rx->str, nl - s->qtest_rx->str);

            g_string_erase(s->qtest_rx, 0, nl - s->qtest_rx->str + 1);
            if (g_str_has_prefix(line, "IRQ ")) {
                g_free(line);
                continue;
            }
            return line;
        }
        qtest_fill(s, s->qtest_fd, s->qtest_rx, deadline, "a qtest reply");
    }
}

char *qtest_line(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_sendf(s, "%s\n", text);
    return qtest_recv_line(s);
}

/* Send a request; fail the test unless the reply starts with "OK". */
static char *qtest_ok(QTestState *s, const char *request)
{
    char *reply = qtest_line(s, "%s", request);

    if (strcmp(reply, "OK") != 0 && !g_str_has_prefix(reply, "OK ")) {
        g_error("libqtest: '%.80s' -> '%s'", request, reply);
    }
    return reply;
}

static void qtest_ok_nodata(QTestState *s, const char *request)
{
    g_free(qtest_ok(s, request));
}

/* "OK NUMBER" -> NUMBER. */
static uint64_t qtest_ok_u64(QTestState *s, const char *request)
{
    g_autofree char *reply = qtest_ok(s, request);
    char *end;
    uint64_t val;

    errno = 0;
    val = g_ascii_strtoull(reply + 2, &end, 0);
    if (reply[2] != ' ' || errno || *end) {
        g_error("libqtest: '%s' -> bad number in '%s'", request, reply);
    }
    return val;
}

static uint64_t qtest_read_sized(QTestState *s, char width, uint64_t addr)
{
    g_autofree char *req = g_strdup_printf("read%c 0x%" PRIx64, width, addr);

    return qtest_ok_u64(s, req);
}

static void qtest_write_sized(QTestState *s, char width, uint64_t addr,
                              uint64_t value)
{
    g_autofree char *req = g_strdup_printf("write%c 0x%" PRIx64 " 0x%" PRIx64,
                                           width, addr, value);

    qtest_ok_nodata(s, req);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, 'b', addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, 'w', addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, 'l', addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read_sized(s, 'q', addr);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write_sized(s, 'b', addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write_sized(s, 'w', addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write_sized(s, 'l', addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write_sized(s, 'q', addr, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    uint8_t *p = data;

    while (size) {
        size_t len = MIN(size, QTEST_MAX_CHUNK);
        g_autofree char *req = g_strdup_printf("read 0x%" PRIx64 " 0x%zx",
                                               addr, len);
        g_autofree char *reply = qtest_ok(s, req);
        size_t i;

        if (strlen(reply) != 5 + 2 * len || strncmp(reply, "OK 0x", 5)) {
            g_error("libqtest: '%s' -> '%.80s'", req, reply);
        }
        for (i = 0; i < len; i++) {
            int hi = g_ascii_xdigit_value(reply[5 + 2 * i]);
            int lo = g_ascii_xdigit_value(reply[6 + 2 * i]);

            g_assert_true(hi >= 0 && lo >= 0);
            p[i] = hi << 4 | lo;
        }
        p += len;
        addr += len;
        size -= len;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = data;

    while (size) {
        size_t len = MIN(size, QTEST_MAX_CHUNK);
        g_autoptr(GString) req = g_string_sized_new(64 + 2 * len);
        size_t i;

        g_string_printf(req, "write 0x%" PRIx64 " 0x%zx 0x", addr, len);
        for (i = 0; i < len; i++) {
            g_string_append_c(req, hex[p[i] >> 4]);
            g_string_append_c(req, hex[p[i] & 0xf]);
        }
        qtest_ok_nodata(s, req->str);
        p += len;
        addr += len;
        size -= len;
    }
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    uint8_t *p = data;

    while (size) {
        size_t len = MIN(size, QTEST_MAX_CHUNK);
        g_autofree char *req = g_strdup_printf("b64read 0x%" PRIx64 " 0x%zx",
                                               addr, len);
        g_autofree char *reply = qtest_ok(s, req);
        g_autofree guchar *bytes = NULL;
        gsize got;

        if (strlen(reply) < 3) {
            g_error("libqtest: '%s' returned no data", req);
        }
        bytes = g_base64_decode(reply + 3, &got);
        if (got != len) {
            g_error("libqtest: '%s' returned %zu bytes", req, (size_t)got);
        }
        memcpy(p, bytes, len);
        p += len;
        addr += len;
        size -= len;
    }
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *p = data;

    while (size) {
        size_t len = MIN(size, QTEST_MAX_CHUNK);
        g_autofree gchar *b64 = g_base64_encode(p, len);
        g_autofree char *req = g_strdup_printf("b64write 0x%" PRIx64
                                               " 0x%zx %s", addr, len, b64);

        qtest_ok_nodata(s, req);
        p += len;
        addr += len;
        size -= len;
    }
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    while (size) {
        size_t len = MIN(size, QTEST_MAX_CHUNK);
        g_autofree char *req = g_strdup_printf("memset 0x%" PRIx64
                                               " 0x%zx 0x%02x", addr, len,
                                               pattern);

        qtest_ok_nodata(s, req);
        addr += len;
        size -= len;
    }
}

int64_t qtest_clock_step(QTestState *s, int64_t step_ns)
{
    g_autofree char *req = g_strdup_printf("clock_step %" PRIi64, step_ns);

    return qtest_ok_u64(s, req);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return qtest_ok_u64(s, "clock_step");
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    g_autofree char *req = g_strdup_printf("clock_set %" PRIi64, ns);

    return qtest_ok_u64(s, req);
}

/* ---- pseries ------------------------------------------------------------ */

int qtest_rtas_call(QTestState *s, const char *name, uint32_t nargs,
                    const uint32_t *args, uint32_t nret, uint32_t *rets)
{
    const uint64_t args_gpa = QTEST_RTAS_SCRATCH;
    const uint64_t rets_gpa = QTEST_RTAS_SCRATCH + 4 * QTEST_RTAS_MAX_CELLS;
    g_autofree char *req = NULL;
    uint64_t ret;
    uint32_t i;

    g_assert_cmpuint(nargs, <=, QTEST_RTAS_MAX_CELLS);
    g_assert_cmpuint(nret, <=, QTEST_RTAS_MAX_CELLS);
    for (i = 0; i < nargs; i++) {
        qtest_writel(s, args_gpa + 4 * i, args[i]);
    }
    req = g_strdup_printf("rtas %s %u 0x%" PRIx64 " %u 0x%" PRIx64, name,
                          nargs, args_gpa, nret, rets_gpa);
    ret = qtest_ok_u64(s, req);
    if (ret != 0) {
        return -1;
    }
    for (i = 0; i < nret; i++) {
        rets[i] = qtest_readl(s, rets_gpa + 4 * i);
    }
    return 0;
}

int64_t qtest_hcall(QTestState *s, const char *name, unsigned nargs,
                    const uint64_t *args, unsigned nout, uint64_t *outs)
{
    g_autoptr(GString) req = g_string_new("hcall ");
    g_autofree char *reply = NULL;
    g_auto(GStrv) words = NULL;
    unsigned i, nwords;
    int64_t ret;
    char *end;

    g_string_append(req, name);
    for (i = 0; i < nargs; i++) {
        g_string_append_printf(req, " 0x%" PRIx64, args[i]);
    }
    reply = qtest_ok(s, req->str);
    words = g_strsplit(reply, " ", -1);
    nwords = g_strv_length(words);
    if (nwords < 2) {
        g_error("libqtest: '%s' -> '%s': no return code", req->str, reply);
    }
    /* The code is printed signed (H_PARAMETER = -4); accept unsigned too. */
    errno = 0;
    ret = words[1][0] == '-' ? g_ascii_strtoll(words[1], &end, 0)
                             : (int64_t)g_ascii_strtoull(words[1], &end, 0);
    if (errno || *end || end == words[1]) {
        g_error("libqtest: '%s' -> '%s': bad return code", req->str, reply);
    }
    for (i = 0; i < nout; i++) {
        outs[i] = 0;
        if (2 + i < nwords) {
            outs[i] = g_ascii_strtoull(words[2 + i], &end, 0);
            if (*end) {
                g_error("libqtest: '%s' -> '%s': bad output", req->str, reply);
            }
        }
    }
    return ret;
}

/* ---- QMP ---------------------------------------------------------------- */

/*
 * Length of the first complete JSON object in @buf, or 0 if it is not
 * complete yet.  Leading white space is part of it.
 */
static size_t qmp_object_len(const char *buf, size_t len)
{
    bool in_string = false, escaped = false, started = false;
    int depth = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        char c = buf[i];

        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
            started = true;
        } else if (c == '}' || c == ']') {
            depth--;
            if (started && depth == 0) {
                return i + 1;
            }
        }
    }
    return 0;
}

/* The text of the next QMP message, without surrounding blanks. */
static char *qmp_receive_text(QTestState *s)
{
    gint64 deadline = qtest_deadline();

    for (;;) {
        size_t len = qmp_object_len(s->qmp_rx->str, s->qmp_rx->len);

        if (len) {
            char *text = g_strndup(s->qmp_rx->str, len);

            g_string_erase(s->qmp_rx, 0, len);
            g_strstrip(text);
            if (s->log) {
                g_printerr("libqtest: QMP <- %s\n", text);
            }
            return text;
        }
        qtest_fill(s, s->qmp_fd, s->qmp_rx, deadline, "a QMP message");
    }
}

static JsonObject *qmp_parse_message(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    GError *gerr = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, text, -1, &gerr)) {
        g_error("libqtest: bad QMP JSON '%s': %s", text, gerr->message);
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_error("libqtest: QMP message is not an object: '%s'", text);
    }
    return json_object_ref(json_node_get_object(root));
}

/* The next QMP message, as an object (caller unrefs). */
static JsonObject *qmp_receive(QTestState *s)
{
    g_autofree char *text = qmp_receive_text(s);

    return qmp_parse_message(text);
}

char *qtest_qmp_raw(QTestState *s, const char *text)
{
    if (s->log) {
        g_printerr("libqtest: QMP -> %s\n", text);
    }
    qtest_send_all(s, s->qmp_fd, text, strlen(text));
    qtest_send_all(s, s->qmp_fd, "\n", 1);
    for (;;) {
        char *reply = qmp_receive_text(s);

        if (g_str_has_prefix(reply, "{\"event\"")) {
            g_queue_push_tail(&s->events, qmp_parse_message(reply));
            g_free(reply);
            continue;
        }
        return reply;
    }
}

static JsonObject *qtest_qmp_send_v(QTestState *s, const char *fmt,
                                    va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);

    if (s->log) {
        g_printerr("libqtest: QMP -> %s\n", text);
    }
    qtest_send_all(s, s->qmp_fd, text, strlen(text));
    qtest_send_all(s, s->qmp_fd, "\n", 1);
    for (;;) {
        JsonObject *msg = qmp_receive(s);

        if (json_object_has_member(msg, "event")) {
            g_queue_push_tail(&s->events, msg);
            continue;
        }
        if (json_object_has_member(msg, "return") ||
            json_object_has_member(msg, "error")) {
            return msg;
        }
        g_error("libqtest: unexpected QMP message");
    }
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    JsonObject *resp;
    va_list ap;

    va_start(ap, fmt);
    resp = qtest_qmp_send_v(s, fmt, ap);
    va_end(ap);
    return resp;
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    JsonObject *resp;
    va_list ap;

    va_start(ap, fmt);
    resp = qtest_qmp_send_v(s, fmt, ap);
    va_end(ap);
    if (!json_object_has_member(resp, "return")) {
        g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(),
                                                         resp);
        g_autofree char *text = json_to_string(node, FALSE);

        g_error("libqtest: QMP command failed: %s", text);
    }
    json_object_unref(resp);
}

static bool qmp_event_is(JsonObject *msg, const char *name)
{
    const char *ev = json_object_get_string_member_with_default(msg, "event",
                                                                NULL);

    return ev && !strcmp(ev, name);
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *name)
{
    GList *l;

    for (l = s->events.head; l; l = l->next) {
        if (qmp_event_is(l->data, name)) {
            JsonObject *msg = l->data;

            g_queue_delete_link(&s->events, l);
            return msg;
        }
    }
    for (;;) {
        JsonObject *msg = qmp_receive(s);

        if (qmp_event_is(msg, name)) {
            return msg;
        }
        if (json_object_has_member(msg, "event")) {
            g_queue_push_tail(&s->events, msg);
        } else {
            json_object_unref(msg);     /* a stray response */
        }
    }
}

void qtest_qmp_eventwait(QTestState *s, const char *name)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, name));
}

char *qtest_hmp(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmdline = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *request = NULL;
    JsonObject *resp;
    JsonNode *ret;
    char *out;
    va_list ap;

    va_start(ap, fmt);
    cmdline = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, "human-monitor-command");
    json_builder_set_member_name(b, "arguments");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "command-line");
    json_builder_add_string_value(b, cmdline);
    json_builder_end_object(b);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    request = json_to_string(root, FALSE);

    resp = qtest_qmp(s, "%s", request);
    ret = json_object_get_member(resp, "return");
    if (!ret || !JSON_NODE_HOLDS_VALUE(ret) ||
        json_node_get_value_type(ret) != G_TYPE_STRING) {
        g_error("libqtest: HMP '%s' failed", cmdline);
    }
    out = g_strdup(json_node_get_string(ret));
    json_object_unref(resp);
    return out;
}

char *qtest_hmp_text(QTestState *s, const char *cmd)
{
    g_autofree char *raw = qtest_hmp(s, "%s", cmd);
    g_auto(GStrv) parts = g_strsplit(raw, "\r\n", -1);

    return g_strjoinv("\n", parts);
}

int qtest_run_binary(const char *args, char **out, char **err)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL;
    g_autofree char *o = NULL;
    g_autofree char *e = NULL;
    g_auto(GStrv) argv = NULL;
    g_auto(GStrv) envp = NULL;
    g_autoptr(GError) gerr = NULL;
    int wait_status;

    g_assert_nonnull(bin);
    /* A run that should stop at once but does not fails in 60 s (124). */
    cmd = g_strdup_printf("timeout 60 %s -display none %s", bin, args);
    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, &gerr));
    envp = g_environ_setenv(g_get_environ(), "ASAN_OPTIONS", "detect_leaks=0",
                            TRUE);
    g_assert_true(g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, &o, &e, &wait_status, &gerr));
    g_assert_true(WIFEXITED(wait_status));
    if (out) {
        *out = g_steal_pointer(&o);
    }
    if (err) {
        *err = g_steal_pointer(&e);
    }
    return WEXITSTATUS(wait_status);
}
