/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chardev registry, option parsing and buffered I/O on the GLib main loop. */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <glib-unix.h>
#include "chardev/char.h"
#include "char-internal.h"
#include "trace.h"

/* Upper bound on the time qemu_chr_delete() spends flushing output. */
#define CHR_FLUSH_TIMEOUT_MS 1000
#define CHR_READ_CHUNK 65536

typedef enum ChrBackend {
    CHR_BACKEND_SOCKET,
    CHR_BACKEND_STDIO,
} ChrBackend;

struct Chardev {
    char *label;
    ChrBackend backend;
    char *path;             /* socket path, NULL for stdio */
    bool server;

    int listen_fd;          /* server only; -1 otherwise */
    guint listen_tag;       /* source watching listen_fd while nobody is connected */

    int in_fd;              /* current connection; -1 when none */
    int out_fd;             /* == in_fd for sockets, 1 for stdio */
    guint in_tag;
    guint out_tag;
    bool connected;
    bool write_broken;      /* the peer stopped reading: writes fail */
    bool opened;            /* OPENED reported for this connection */
    GByteArray *outbuf;     /* bytes accepted by write_all, not yet sent */
    int stdin_flags;        /* stdio: stdin's flags before O_NONBLOCK */

    ChrReadFn *read_fn;
    ChrEventFn *event_fn;
    void *opaque;
};

/* Options common to both command-line forms, after parsing. */
typedef struct ChrOpts {
    ChrBackend backend;
    char *id;
    char *path;
    bool server;
    bool wait;
    bool has_wait;
} ChrOpts;

static GHashTable *chardevs;   /* label -> Chardev * */

/* ---- connection state -------------------------------------------------- */

static void chr_send_event(Chardev *chr, QEMUChrEvent event)
{
    trace_chardev_event(chr->label,
                        event == CHR_EVENT_OPENED ? "opened" : "closed");
    if (chr->event_fn) {
        chr->event_fn(chr->opaque, event);
    }
}

static gboolean chr_listen_ready(gint fd, GIOCondition cond, gpointer opaque);
static gboolean chr_in_ready(gint fd, GIOCondition cond, gpointer opaque);

static void chr_watch_listen(Chardev *chr)
{
    if (chr->server && chr->listen_fd >= 0 && !chr->listen_tag) {
        chr->listen_tag = g_unix_fd_add(chr->listen_fd, G_IO_IN,
                                        chr_listen_ready, chr);
    }
}

static void chr_attach(Chardev *chr, int in_fd, int out_fd)
{
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->connected = true;
    chr->write_broken = false;
    chr->opened = false;
    chr->in_tag = g_unix_fd_add(in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                chr_in_ready, chr);
    if (chr->event_fn) {
        chr->opened = true;
        chr_send_event(chr, CHR_EVENT_OPENED);
    }
}

/* Drop the connection without telling the handlers. */
static void chr_detach(Chardev *chr)
{
    if (chr->in_tag) {
        g_source_remove(chr->in_tag);
        chr->in_tag = 0;
    }
    if (chr->out_tag) {
        g_source_remove(chr->out_tag);
        chr->out_tag = 0;
    }
    if (chr->backend == CHR_BACKEND_SOCKET && chr->in_fd >= 0) {
        close(chr->in_fd);
    }
    chr->in_fd = -1;
    chr->out_fd = -1;
    chr->connected = false;
    g_byte_array_set_size(chr->outbuf, 0);
}

/* The peer hung up (or stdin hit EOF): report it and listen again. */
static void chr_hangup(Chardev *chr, int err)
{
    bool was_opened = chr->opened;

    trace_chardev_hangup(chr->label, err);
    chr_detach(chr);
    chr->opened = false;
    chr_watch_listen(chr);
    if (was_opened) {
        chr_send_event(chr, CHR_EVENT_CLOSED);
    }
}

static gboolean chr_listen_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    int conn = chr_socket_accept(fd, false);

    if (conn == -EAGAIN) {
        return G_SOURCE_CONTINUE;
    }
    if (conn < 0) {
        /* e.g. EMFILE: keep listening, the next attempt may succeed. */
        trace_chardev_accept_failed(chr->label, -conn);
        return G_SOURCE_CONTINUE;
    }
    trace_chardev_accept(chr->label, conn);
    /* One client at a time: stop listening until this one leaves. */
    chr->listen_tag = 0;
    chr_attach(chr, conn, conn);
    return G_SOURCE_REMOVE;
}

static gboolean chr_in_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    uint8_t buf[CHR_READ_CHUNK];
    ssize_t n;

    n = read(fd, buf, sizeof(buf));
    if (n > 0) {
        if (chr->read_fn) {
            chr->read_fn(chr->opaque, buf, n);
        }
        return chr->in_tag ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    /* chr_detach() removes this source; returning REMOVE is then harmless. */
    chr_hangup(chr, n < 0 ? errno : 0);
    return G_SOURCE_REMOVE;
}

/* ---- output ------------------------------------------------------------ */

/* Write what the fd takes now.  Returns bytes written or -errno. */
static ssize_t chr_raw_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n;

        if (chr->backend == CHR_BACKEND_SOCKET) {
            n = send(chr->out_fd, buf + done, len - done, MSG_NOSIGNAL);
        } else {
            n = write(chr->out_fd, buf + done, len - done);
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            return -errno;
        }
        done += n;
    }
    return done;
}

static void chr_write_failed(Chardev *chr, int err)
{
    /*
     * The peer is gone for writing.  The hang-up itself is reported by the
     * input watch when it reads EOF, so handlers never see CLOSED from
     * inside their own qemu_chr_write_all() call.
     */
    trace_chardev_write_broken(chr->label, err);
    chr->write_broken = true;
    g_byte_array_set_size(chr->outbuf, 0);
    if (chr->out_tag) {
        g_source_remove(chr->out_tag);
        chr->out_tag = 0;
    }
}

/* Returns false if the connection broke. */
static bool chr_flush(Chardev *chr)
{
    ssize_t n;

    if (!chr->outbuf->len) {
        return true;
    }
    n = chr_raw_write(chr, chr->outbuf->data, chr->outbuf->len);
    if (n < 0) {
        chr_write_failed(chr, -n);
        return false;
    }
    g_byte_array_remove_range(chr->outbuf, 0, n);
    return true;
}

static gboolean chr_out_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;

    if (!chr_flush(chr)) {
        return G_SOURCE_REMOVE;     /* out_tag already cleared */
    }
    if (chr->outbuf->len) {
        return G_SOURCE_CONTINUE;
    }
    chr->out_tag = 0;
    return G_SOURCE_REMOVE;
}

bool qemu_chr_write_all(Chardev *chr, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    ssize_t n = 0;

    if (!chr->connected || chr->write_broken) {
        return false;
    }
    if (!chr->outbuf->len) {
        n = chr_raw_write(chr, p, len);
        if (n < 0) {
            chr_write_failed(chr, -n);
            return false;
        }
    }
    if ((size_t)n < len) {
        if (chr->outbuf->len + (len - n) > CHR_OUTBUF_MAX) {
            chr_write_failed(chr, ENOBUFS);
            /*
             * Make the input watch see end of file, so that CLOSED is
             * reported from the main loop; stdin cannot be shut down.
             */
            if (chr->backend == CHR_BACKEND_SOCKET) {
                shutdown(chr->in_fd, SHUT_RDWR);
            }
            return false;
        }
        g_byte_array_append(chr->outbuf, p + n, len - n);
        trace_chardev_write_queued(chr->label, chr->outbuf->len);
        if (!chr->out_tag) {
            chr->out_tag = g_unix_fd_add(chr->out_fd, G_IO_OUT,
                                         chr_out_ready, chr);
        }
    }
    return true;
}

/* Bounded blocking flush for qemu_chr_delete(). */
static void chr_flush_before_close(Chardev *chr)
{
    gint64 deadline = g_get_monotonic_time() + CHR_FLUSH_TIMEOUT_MS * 1000;

    while (chr->connected && !chr->write_broken && chr->outbuf->len) {
        struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;

        if (left <= 0 || poll(&pfd, 1, left) <= 0 || !chr_flush(chr)) {
            break;
        }
    }
}

/* ---- option parsing ---------------------------------------------------- */

static bool chr_parse_bool(const char *name, const char *value, bool *out,
                           Error **errp)
{
    if (!strcmp(value, "on") || !strcmp(value, "yes") ||
        !strcmp(value, "true")) {
        *out = true;
    } else if (!strcmp(value, "off") || !strcmp(value, "no") ||
               !strcmp(value, "false")) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
        return false;
    }
    return true;
}

/*
 * Parse "key=value" and legacy flag words into @o.  @allow_id_path is true
 * for the -chardev form, where id= and path= are options.
 */
static bool chr_parse_options(char **words, ChrOpts *o, bool allow_id_path,
                              Error **errp)
{
    for (; *words; words++) {
        const char *word = *words;
        const char *eq = strchr(word, '=');
        g_autofree char *key = eq ? g_strndup(word, eq - word) : g_strdup(word);
        const char *value = eq ? eq + 1 : NULL;
        bool sock = o->backend == CHR_BACKEND_SOCKET;

        if (allow_id_path && value && !strcmp(key, "id")) {
            g_free(o->id);
            o->id = g_strdup(value);
        } else if (allow_id_path && sock && value && !strcmp(key, "path")) {
            g_free(o->path);
            o->path = g_strdup(value);
        } else if (sock && !strcmp(key, "server")) {
            if (value && !chr_parse_bool(key, value, &o->server, errp)) {
                return false;
            }
            o->server = value ? o->server : true;
        } else if (sock && !strcmp(key, "wait")) {
            if (value && !chr_parse_bool(key, value, &o->wait, errp)) {
                return false;
            }
            o->wait = value ? o->wait : true;
            o->has_wait = true;
        } else if (sock && !value && !strcmp(key, "nowait")) {
            o->wait = false;
            o->has_wait = true;
        } else if (sock && (!strcmp(key, "host") || !strcmp(key, "port"))) {
            error_setg(errp, "chardev: socket: TCP is not supported, "
                       "use path=PATH (AF_UNIX)");
            return false;
        } else {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    if (o->backend == CHR_BACKEND_SOCKET) {
        if (!o->path || !*o->path) {
            error_setg(errp, "chardev: socket: no path given");
            return false;
        }
        if (!o->server && o->has_wait) {
            error_setg(errp, "'wait' option is incompatible with socket in "
                       "client connect mode");
            return false;
        }
        if (!o->has_wait) {
            o->wait = true;     /* QEMU's default for a server socket */
        }
    }
    return true;
}

static void chr_unknown_backend(const char *name, Error **errp)
{
    if (!strcmp(name, "tcp")) {
        error_setg(errp, "'tcp' chardevs are not supported: only unix "
                   "sockets and stdio");
    } else {
        error_setg(errp, "'%s' is not a valid char driver name", name);
    }
}

static bool chr_parse_backend(const char *name, ChrBackend *backend,
                              Error **errp)
{
    if (!strcmp(name, "socket")) {
        *backend = CHR_BACKEND_SOCKET;
    } else if (!strcmp(name, "stdio")) {
        *backend = CHR_BACKEND_STDIO;
    } else {
        chr_unknown_backend(name, errp);
        return false;
    }
    return true;
}

static void chr_opts_clear(ChrOpts *o)
{
    g_free(o->id);
    g_free(o->path);
}

/* ---- creation and registry --------------------------------------------- */

static bool chr_open_socket(Chardev *chr, const ChrOpts *o, Error **errp)
{
    int fd;

    if (!o->server) {
        fd = chr_socket_connect(o->path, errp);
        if (fd < 0) {
            return false;
        }
        trace_chardev_connect(chr->label, o->path, fd);
        chr_attach(chr, fd, fd);
        return true;
    }

    chr->listen_fd = chr_socket_listen(o->path, errp);
    if (chr->listen_fd < 0) {
        return false;
    }
    trace_chardev_listen(chr->label, o->path, chr->listen_fd, o->wait);
    if (o->wait) {
        fd = chr_socket_accept(chr->listen_fd, true);
        if (fd < 0) {
            error_setg_errno(errp, -fd, "Failed to accept a connection on %s",
                             o->path);
            return false;
        }
        trace_chardev_accept(chr->label, fd);
        chr_attach(chr, fd, fd);
    } else {
        chr_watch_listen(chr);
    }
    return true;
}

static bool chr_open_stdio(Chardev *chr, Error **errp)
{
    int flags = fcntl(STDIN_FILENO, F_GETFL);

    if (flags < 0 || fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "cannot make stdin non-blocking");
        return false;
    }
    chr->stdin_flags = flags;
    chr_attach(chr, STDIN_FILENO, STDOUT_FILENO);
    return true;
}

static Chardev *chr_create(const char *label, ChrOpts *o, Error **errp)
{
    Chardev *chr;
    bool ok;

    if (!chardevs) {
        chardevs = g_hash_table_new(g_str_hash, g_str_equal);
    }
    if (g_hash_table_contains(chardevs, label)) {
        error_setg(errp, "Chardev '%s' already exists", label);
        return NULL;
    }

    chr = g_new0(Chardev, 1);
    chr->label = g_strdup(label);
    chr->backend = o->backend;
    chr->path = g_strdup(o->path);
    chr->server = o->server;
    chr->listen_fd = -1;
    chr->in_fd = -1;
    chr->out_fd = -1;
    chr->stdin_flags = -1;
    chr->outbuf = g_byte_array_new();
    trace_chardev_new(label, o->backend == CHR_BACKEND_SOCKET ? "socket" :
                      "stdio", o->path ? o->path : "", o->server);

    if (o->backend == CHR_BACKEND_SOCKET) {
        ok = chr_open_socket(chr, o, errp);
    } else {
        ok = chr_open_stdio(chr, errp);
    }
    if (!ok) {
        qemu_chr_delete(chr);
        return NULL;
    }
    g_hash_table_insert(chardevs, chr->label, chr);
    return chr;
}

Chardev *qemu_chr_new(const char *label, const char *spec, Error **errp)
{
    g_auto(GStrv) words = g_strsplit(spec, ",", -1);
    ChrOpts o = { 0 };
    Chardev *chr = NULL;
    const char *colon;

    if (!words[0]) {
        error_setg(errp, "'' is not a valid char driver name");
        return NULL;
    }
    colon = strchr(words[0], ':');
    if (colon && !strncmp(words[0], "unix:", 5)) {
        o.backend = CHR_BACKEND_SOCKET;
        o.path = g_strdup(colon + 1);
    } else if (!colon && !strcmp(words[0], "stdio")) {
        o.backend = CHR_BACKEND_STDIO;
    } else {
        g_autofree char *name = colon ? g_strndup(words[0], colon - words[0])
                                      : g_strdup(words[0]);

        chr_unknown_backend(name, errp);
        return NULL;
    }
    if (chr_parse_options(words + 1, &o, false, errp)) {
        chr = chr_create(label, &o, errp);
    }
    chr_opts_clear(&o);
    return chr;
}

Chardev *qemu_chr_new_from_opts(const char *opts, Error **errp)
{
    g_auto(GStrv) words = g_strsplit(opts, ",", -1);
    ChrOpts o = { 0 };
    Chardev *chr = NULL;

    if (!words[0]) {
        error_setg(errp, "'' is not a valid char driver name");
        return NULL;
    }
    if (!chr_parse_backend(words[0], &o.backend, errp)) {
        return NULL;
    }
    if (!chr_parse_options(words + 1, &o, true, errp)) {
        goto out;
    }
    if (!o.id || !*o.id) {
        error_setg(errp, "Parameter 'id' is missing");
        goto out;
    }
    chr = chr_create(o.id, &o, errp);
out:
    chr_opts_clear(&o);
    return chr;
}

Chardev *qemu_chr_find(const char *id)
{
    return chardevs ? g_hash_table_lookup(chardevs, id) : NULL;
}

const char *qemu_chr_label(Chardev *chr)
{
    return chr->label;
}

void qemu_chr_set_handlers(Chardev *chr, ChrReadFn *read, ChrEventFn *event,
                           void *opaque)
{
    chr->read_fn = read;
    chr->event_fn = event;
    chr->opaque = opaque;
    chr->opened = false;
    if (chr->connected && event) {
        chr->opened = true;
        chr_send_event(chr, CHR_EVENT_OPENED);
    }
}

void qemu_chr_delete(Chardev *chr)
{
    if (!chr) {
        return;
    }
    trace_chardev_delete(chr->label, chr->outbuf->len);
    chr_flush_before_close(chr);
    chr_detach(chr);
    if (chr->listen_tag) {
        g_source_remove(chr->listen_tag);
    }
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        unlink(chr->path);
    }
    if (chr->stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, chr->stdin_flags);
    }
    if (chardevs && g_hash_table_lookup(chardevs, chr->label) == chr) {
        g_hash_table_remove(chardevs, chr->label);
    }
    g_byte_array_unref(chr->outbuf);
    g_free(chr->path);
    g_free(chr->label);
    g_free(chr);
}

void qemu_chr_cleanup(void)
{
    GList *all, *l;

    if (!chardevs) {
        return;
    }
    all = g_hash_table_get_values(chardevs);
    for (l = all; l; l = l->next) {
        qemu_chr_delete(l->data);
    }
    g_list_free(all);
    g_hash_table_destroy(chardevs);
    chardevs = NULL;
}
