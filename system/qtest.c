/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qtest protocol server: request parsing, memory verbs, virtual clock. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "chardev/char.h"
#include "exec/memory.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "trace.h"

/*
 * Requests (QEMU's protocol; replies without their newline):
 *   readb|readw|readl|readq ADDR        OK 0x%016x (big-endian target order)
 *   writeb|writew|writel|writeq ADDR V  OK (V truncated to the access width)
 *   read ADDR LEN                       OK 0x<2*LEN hex digits> (LEN > 0)
 *   write ADDR LEN 0x<hex>              OK; short data is zero-padded
 *   b64read ADDR LEN                    OK <base64>
 *   b64write ADDR LEN <base64>          OK; short data is zero-padded
 *   memset ADDR LEN BYTE                OK (LEN 0 allowed)
 *   endianness                          OK big
 *   clock_step [NS]                     OK <new ns> | FAIL ...
 *   clock_set NS                        OK <ns> | FAIL <current ns>
 *   outb|outw|outl PORT V               OK (pseries has no port I/O)
 *   inb|inw|inl PORT                    OK 0x%04x, all ones
 *   anything registered with qtest_register_command()
 *   anything else                       FAIL Unknown command 'VERB'
 * Differences from QEMU, which asserts on bad input: wrong operand counts,
 * bad or overflowing numbers, lengths above QTEST_MAX_LEN, address ranges
 * that wrap and accesses whose MemTxResult is not MEMTX_OK all get a FAIL
 * reply.  irq_intercept_*, set_irq_in and module_load do not exist.
 */

/* Largest LEN that read, write, b64read, b64write and memset accept. */
#define QTEST_MAX_LEN (16 * 1024 * 1024)
/* Longest valid line: "write ADDR LEN 0x" + 2 * QTEST_MAX_LEN digits. */
#define QTEST_MAX_LINE (2 * QTEST_MAX_LEN + 4096)

typedef struct QTestVerb QTestVerb;
typedef void QTestVerbFunc(const QTestVerb *v, gchar **words, GString *reply);

struct QTestVerb {
    const char *name;
    int min_args;           /* operands after the verb */
    int max_args;
    const char *usage;      /* operands, for the FAIL reply */
    QTestVerbFunc *fn;
    unsigned size;          /* access width of sized verbs, in bytes */
};

static GHashTable *qtest_builtins;     /* name -> const QTestVerb * */
static GHashTable *qtest_extensions;   /* name -> QTestCommandFunc * */

static Chardev *qtest_chr;
static FILE *qtest_log_fp;
static GTimer *qtest_timer;            /* started when a client connects */
static GString *qtest_inbuf;
static bool qtest_discarding;          /* dropping the rest of a huge line */
static bool qtest_peer_gone;           /* a reply could not be sent */
static int64_t qtest_clock_ns;

/* ---- operand parsing ---------------------------------------------------- */

static bool qtest_get_u64(const QTestVerb *v, const char *word, uint64_t *out,
                          GString *reply)
{
    int ret = qemu_strtou64(word, out);

    if (ret == -ERANGE) {
        g_string_printf(reply, "FAIL %s: number out of range '%.64s'",
                        v->name, word);
    } else if (ret < 0) {
        g_string_printf(reply, "FAIL %s: invalid number '%.64s'",
                        v->name, word);
    }
    if (ret < 0) {
        trace_qtest_reject(v->name, reply->str);
        return false;
    }
    return true;
}

/* Reject an access whose last byte would lie beyond 2^64 - 1. */
static bool qtest_check_span(const QTestVerb *v, uint64_t addr, uint64_t len,
                             GString *reply)
{
    if (len && len - 1 > UINT64_MAX - addr) {
        g_string_printf(reply, "FAIL %s: range 0x%" PRIx64 "+0x%" PRIx64
                        " wraps around", v->name, addr, len);
        trace_qtest_reject(v->name, reply->str);
        return false;
    }
    return true;
}

/* ADDR LEN with 0 < LEN <= QTEST_MAX_LEN (or 0 if @zero_ok), no wrap. */
static bool qtest_get_range(const QTestVerb *v, gchar **words, bool zero_ok,
                            uint64_t *addr, uint64_t *len, GString *reply)
{
    if (!qtest_get_u64(v, words[1], addr, reply) ||
        !qtest_get_u64(v, words[2], len, reply)) {
        return false;
    }
    if (*len == 0 && !zero_ok) {
        g_string_printf(reply, "FAIL %s: length must be > 0", v->name);
    } else if (*len > QTEST_MAX_LEN) {
        g_string_printf(reply, "FAIL %s: length 0x%" PRIx64 " exceeds "
                        "0x%x bytes", v->name, *len, QTEST_MAX_LEN);
    } else {
        return qtest_check_span(v, *addr, *len, reply);
    }
    trace_qtest_reject(v->name, reply->str);
    return false;
}

/* ---- memory ------------------------------------------------------------- */

static const char *qtest_memtx_str(MemTxResult res)
{
    if (res & MEMTX_DECODE_ERROR) {
        return "decode error";
    } else if (res & MEMTX_TRANSLATION_ERROR) {
        return "translation error";
    } else if (res & MEMTX_ACCESS_ERROR) {
        return "access error";
    }
    return "device error";
}

/* Access guest memory; on failure fill @reply and return false. */
static bool qtest_mem_rw(const QTestVerb *v, hwaddr addr, void *buf,
                         uint64_t len, bool is_write, GString *reply)
{
    MemTxResult res;

    if (!len) {
        return true;
    }
    res = address_space_rw(&address_space_memory, addr, buf, len, is_write);
    trace_qtest_mem(v->name, addr, len, res);
    if (res != MEMTX_OK) {
        g_string_printf(reply, "FAIL %s: access to 0x%" PRIx64 "+0x%" PRIx64
                        " failed: %s", v->name, addr, len,
                        qtest_memtx_str(res));
        return false;
    }
    return true;
}

static void qtest_verb_read_sized(const QTestVerb *v, gchar **words,
                                  GString *reply)
{
    uint8_t buf[8];
    uint64_t addr, value = 0;
    unsigned i;

    if (!qtest_get_u64(v, words[1], &addr, reply) ||
        !qtest_check_span(v, addr, v->size, reply)) {
        return;
    }
    if (!qtest_mem_rw(v, addr, buf, v->size, false, reply)) {
        return;
    }
    for (i = 0; i < v->size; i++) {
        value = (value << 8) | buf[i];      /* big-endian target */
    }
    g_string_printf(reply, "OK 0x%016" PRIx64, value);
}

static void qtest_verb_write_sized(const QTestVerb *v, gchar **words,
                                   GString *reply)
{
    uint8_t buf[8];
    uint64_t addr, value;
    unsigned i;

    if (!qtest_get_u64(v, words[1], &addr, reply) ||
        !qtest_get_u64(v, words[2], &value, reply) ||
        !qtest_check_span(v, addr, v->size, reply)) {
        return;
    }
    /* Like QEMU, a value wider than the access keeps its low bytes. */
    for (i = 0; i < v->size; i++) {
        buf[i] = value >> (8 * (v->size - 1 - i));
    }
    if (qtest_mem_rw(v, addr, buf, v->size, true, reply)) {
        g_string_assign(reply, "OK");
    }
}

static void qtest_verb_read(const QTestVerb *v, gchar **words, GString *reply)
{
    static const char hex[] = "0123456789abcdef";
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len, i;

    if (!qtest_get_range(v, words, false, &addr, &len, reply)) {
        return;
    }
    data = g_malloc(len);
    if (!qtest_mem_rw(v, addr, data, len, false, reply)) {
        return;
    }
    g_string_assign(reply, "OK 0x");
    for (i = 0; i < len; i++) {
        g_string_append_c(reply, hex[data[i] >> 4]);
        g_string_append_c(reply, hex[data[i] & 0xf]);
    }
}

static void qtest_verb_b64read(const QTestVerb *v, gchar **words,
                               GString *reply)
{
    g_autofree uint8_t *data = NULL;
    g_autofree gchar *b64 = NULL;
    uint64_t addr, len;

    /* QEMU accepts LEN 0 here and answers "OK " (empty base64). */
    if (!qtest_get_range(v, words, true, &addr, &len, reply)) {
        return;
    }
    data = g_malloc0(len ? len : 1);
    if (!qtest_mem_rw(v, addr, data, len, false, reply)) {
        return;
    }
    b64 = g_base64_encode(data, len);
    g_string_printf(reply, "OK %s", b64);
}

static int qtest_hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

static void qtest_verb_write(const QTestVerb *v, gchar **words, GString *reply)
{
    g_autofree uint8_t *data = NULL;
    const char *hex = words[3];
    size_t hex_len = strlen(hex);
    uint64_t addr, len, i;

    if (!qtest_get_range(v, words, true, &addr, &len, reply)) {
        return;
    }
    if (hex_len < 3) {
        g_string_assign(reply, "ERR invalid argument size");
        trace_qtest_reject(v->name, reply->str);
        return;
    }
    if (hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
        g_string_assign(reply, "ERR invalid hex data: expected 0x prefix");
        trace_qtest_reject(v->name, reply->str);
        return;
    }
    for (i = 2; i < hex_len; i++) {
        if (qtest_hex_nibble(hex[i]) < 0) {
            g_string_printf(reply, "ERR invalid hex digit at offset %" PRIu64,
                            i);
            trace_qtest_reject(v->name, reply->str);
            return;
        }
    }
    /* Short data is zero-padded; extra digits and a lone last nibble are
     * ignored (QEMU's rule). */
    data = g_malloc0(len ? len : 1);
    for (i = 0; i < len && 2 * i + 4 <= hex_len; i++) {
        data[i] = qtest_hex_nibble(hex[2 * i + 2]) << 4 |
                  qtest_hex_nibble(hex[2 * i + 3]);
    }
    if (qtest_mem_rw(v, addr, data, len, true, reply)) {
        g_string_assign(reply, "OK");
    }
}

static void qtest_verb_b64write(const QTestVerb *v, gchar **words,
                                GString *reply)
{
    g_autofree uint8_t *data = NULL;
    g_autofree guchar *decoded = NULL;
    gsize out_len;
    uint64_t addr, len;

    if (!qtest_get_range(v, words, true, &addr, &len, reply)) {
        return;
    }
    if (strlen(words[3]) < 3) {
        g_string_assign(reply, "ERR invalid argument size");
        trace_qtest_reject(v->name, reply->str);
        return;
    }
    decoded = g_base64_decode(words[3], &out_len);
    if (out_len != len) {
        /* QEMU only logs this; short data is zero-padded here. */
        trace_qtest_b64write_mismatch(len, out_len);
    }
    data = g_malloc0(len ? len : 1);
    memcpy(data, decoded, MIN(out_len, len));
    if (qtest_mem_rw(v, addr, data, len, true, reply)) {
        g_string_assign(reply, "OK");
    }
}

static void qtest_verb_memset(const QTestVerb *v, gchar **words,
                              GString *reply)
{
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len, pattern;

    if (!qtest_get_range(v, words, true, &addr, &len, reply) ||
        !qtest_get_u64(v, words[3], &pattern, reply)) {
        return;
    }
    data = g_malloc(len ? len : 1);
    memset(data, (uint8_t)pattern, len);    /* low byte, as QEMU */
    if (qtest_mem_rw(v, addr, data, len, true, reply)) {
        g_string_assign(reply, "OK");
    }
}

/* ---- port I/O, endianness, clock ---------------------------------------- */

static bool qtest_get_port(const QTestVerb *v, const char *word,
                           uint64_t *port, GString *reply)
{
    if (!qtest_get_u64(v, word, port, reply)) {
        return false;
    }
    if (*port > 0xffff) {
        g_string_printf(reply, "FAIL %s: port 0x%" PRIx64 " out of range",
                        v->name, *port);
        trace_qtest_reject(v->name, reply->str);
        return false;
    }
    return true;
}

/*
 * pseries has no port I/O space (PCI I/O BARs live in system memory), so an
 * out is discarded and an in reads all ones, as QEMU's unassigned port
 * handler answers.
 */
static void qtest_verb_out(const QTestVerb *v, gchar **words, GString *reply)
{
    uint64_t port, value;

    if (qtest_get_port(v, words[1], &port, reply) &&
        qtest_get_u64(v, words[2], &value, reply)) {
        trace_qtest_pio(v->name, port, value);
        g_string_assign(reply, "OK");
    }
}

static void qtest_verb_in(const QTestVerb *v, gchar **words, GString *reply)
{
    uint64_t port;
    uint32_t value = v->size == 4 ? UINT32_MAX : (1u << (8 * v->size)) - 1;

    if (qtest_get_port(v, words[1], &port, reply)) {
        trace_qtest_pio(v->name, port, value);
        g_string_printf(reply, "OK 0x%04x", value);
    }
}

static void qtest_verb_endianness(const QTestVerb *v, gchar **words,
                                  GString *reply)
{
    g_string_assign(reply, "OK big");
}

static bool qtest_get_ns(const QTestVerb *v, const char *word, int64_t *ns,
                         GString *reply)
{
    uint64_t val;

    if (!qtest_get_u64(v, word, &val, reply)) {
        return false;
    }
    if (val > INT64_MAX) {
        g_string_printf(reply, "FAIL %s: number out of range '%.64s'",
                        v->name, word);
        trace_qtest_reject(v->name, reply->str);
        return false;
    }
    *ns = val;
    return true;
}

/* Move the clock forward to @target (never back); returns the new value. */
static int64_t qtest_clock_advance(int64_t target)
{
    if (target > qtest_clock_ns) {
        trace_qtest_clock(qtest_clock_ns, target);
        qtest_clock_ns = target;
    }
    return qtest_clock_ns;
}

static void qtest_verb_clock_step(const QTestVerb *v, gchar **words,
                                  GString *reply)
{
    int64_t old_ns = qtest_clock_ns;
    int64_t step, new_ns;

    if (!words[1]) {
        /* No timers exist in this model: there is never a next deadline. */
        g_string_assign(reply, "FAIL cannot advance clock to the next "
                        "deadline because there is no pending deadline");
        trace_qtest_reject(v->name, reply->str);
        return;
    }
    if (!qtest_get_ns(v, words[1], &step, reply)) {
        return;
    }
    new_ns = qtest_clock_advance(step > INT64_MAX - old_ns ? INT64_MAX
                                                           : old_ns + step);
    if (new_ns > old_ns) {
        g_string_printf(reply, "OK %" PRIi64, new_ns);
    } else {
        g_string_assign(reply, "FAIL could not advance time");
        trace_qtest_reject(v->name, reply->str);
    }
}

static void qtest_verb_clock_set(const QTestVerb *v, gchar **words,
                                 GString *reply)
{
    int64_t ns, new_ns;

    if (!qtest_get_ns(v, words[1], &ns, reply)) {
        return;
    }
    new_ns = qtest_clock_advance(ns);
    g_string_printf(reply, "%s %" PRIi64, new_ns == ns ? "OK" : "FAIL",
                    new_ns);
}

int64_t qtest_clock_get_ns(void)
{
    return qtest_clock_ns;
}

/* ---- dispatch ----------------------------------------------------------- */

static const QTestVerb qtest_verbs[] = {
    { "readb", 1, 1, "ADDR", qtest_verb_read_sized, 1 },
    { "readw", 1, 1, "ADDR", qtest_verb_read_sized, 2 },
    { "readl", 1, 1, "ADDR", qtest_verb_read_sized, 4 },
    { "readq", 1, 1, "ADDR", qtest_verb_read_sized, 8 },
    { "writeb", 2, 2, "ADDR VALUE", qtest_verb_write_sized, 1 },
    { "writew", 2, 2, "ADDR VALUE", qtest_verb_write_sized, 2 },
    { "writel", 2, 2, "ADDR VALUE", qtest_verb_write_sized, 4 },
    { "writeq", 2, 2, "ADDR VALUE", qtest_verb_write_sized, 8 },
    { "read", 2, 2, "ADDR LEN", qtest_verb_read },
    { "write", 3, 3, "ADDR LEN 0xDATA", qtest_verb_write },
    { "b64read", 2, 2, "ADDR LEN", qtest_verb_b64read },
    { "b64write", 3, 3, "ADDR LEN B64DATA", qtest_verb_b64write },
    { "memset", 3, 3, "ADDR LEN BYTE", qtest_verb_memset },
    { "outb", 2, 2, "PORT VALUE", qtest_verb_out, 1 },
    { "outw", 2, 2, "PORT VALUE", qtest_verb_out, 2 },
    { "outl", 2, 2, "PORT VALUE", qtest_verb_out, 4 },
    { "inb", 1, 1, "PORT", qtest_verb_in, 1 },
    { "inw", 1, 1, "PORT", qtest_verb_in, 2 },
    { "inl", 1, 1, "PORT", qtest_verb_in, 4 },
    { "endianness", 0, 0, "no operands", qtest_verb_endianness },
    { "clock_step", 0, 1, "[NS]", qtest_verb_clock_step },
    { "clock_set", 1, 1, "NS", qtest_verb_clock_set },
};

static void qtest_tables_init(void)
{
    size_t i;

    if (qtest_builtins) {
        return;
    }
    qtest_builtins = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < G_N_ELEMENTS(qtest_verbs); i++) {
        g_hash_table_insert(qtest_builtins, (gpointer)qtest_verbs[i].name,
                            (gpointer)&qtest_verbs[i]);
    }
    qtest_extensions = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
}

void qtest_register_command(const char *verb, QTestCommandFunc *fn)
{
    qtest_tables_init();
    g_hash_table_replace(qtest_extensions, g_strdup(verb), fn);
}

void qtest_process_line(const char *line, GString *reply)
{
    g_auto(GStrv) words = g_strsplit(line, " ", -1);
    const char *verb = words[0] ? words[0] : "";
    const QTestVerb *v;
    QTestCommandFunc *ext;
    int nargs;

    qtest_tables_init();
    g_string_truncate(reply, 0);

    v = g_hash_table_lookup(qtest_builtins, verb);
    if (v) {
        nargs = g_strv_length(words) - 1;
        if (nargs < v->min_args || nargs > v->max_args) {
            g_string_printf(reply, "FAIL %s: expected %s", v->name, v->usage);
            trace_qtest_reject(v->name, reply->str);
            return;
        }
        trace_qtest_command(v->name);
        v->fn(v, words, reply);
        return;
    }
    ext = g_hash_table_lookup(qtest_extensions, verb);
    if (ext) {
        trace_qtest_command(verb);
        ext(words, reply);
        if (!reply->len) {
            /* A handler must answer; never leave the client waiting. */
            g_string_printf(reply, "FAIL %s: no reply", verb);
        }
        return;
    }
    g_string_printf(reply, "FAIL Unknown command '%s'", verb);
    trace_qtest_reject(verb, reply->str);
}

/* ---- server ------------------------------------------------------------- */

static double qtest_elapsed(void)
{
    return qtest_timer ? g_timer_elapsed(qtest_timer, NULL) : 0.0;
}

/* False if the client is gone: later requests are then not served. */
static bool qtest_send_reply(GString *reply)
{
    if (qtest_log_fp) {
        fprintf(qtest_log_fp, "[S +%.06f] %s\n", qtest_elapsed(), reply->str);
    }
    g_string_append_c(reply, '\n');
    if (!qemu_chr_write_all(qtest_chr, reply->str, reply->len)) {
        trace_qtest_send_failed();
        qtest_peer_gone = true;
        return false;
    }
    return true;
}

static void qtest_handle_line(const char *line)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    if (qtest_log_fp) {
        fprintf(qtest_log_fp, "[R +%.06f] %s\n", qtest_elapsed(), line);
    }
    qtest_process_line(line, reply);
    qtest_send_reply(reply);
}

/* Drop the request being received: it cannot be valid. */
static void qtest_discard_line(void)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    g_string_printf(reply, "FAIL request longer than %u bytes",
                    QTEST_MAX_LINE);
    trace_qtest_reject("", reply->str);
    g_string_truncate(qtest_inbuf, 0);
    qtest_discarding = true;
    qtest_send_reply(reply);
}

/* Split the stream into lines; a partial line waits for its newline. */
static void qtest_read(void *opaque, const uint8_t *buf, size_t len)
{
    const uint8_t *end = buf + len;

    /*
     * Once a reply could not be sent, the rest of what the client queued
     * is dropped: serving it (up to 16 MiB per request) would keep the
     * main loop busy for a reader that is gone.  CLOSED follows.
     */
    while (buf < end && !qtest_peer_gone) {
        const uint8_t *nl = memchr(buf, '\n', end - buf);
        size_t chunk = (nl ? nl : end) - buf;

        if (!qtest_discarding) {
            if (qtest_inbuf->len + chunk > QTEST_MAX_LINE) {
                qtest_discard_line();
            } else {
                g_string_append_len(qtest_inbuf, (const char *)buf, chunk);
            }
        }
        buf += chunk;
        if (!nl) {
            break;
        }
        buf++;
        if (qtest_discarding) {
            qtest_discarding = false;
            continue;
        }
        /* An embedded NUL ends the request early, as in QEMU. */
        qtest_handle_line(qtest_inbuf->str);
        g_string_truncate(qtest_inbuf, 0);
    }
}

static void qtest_event(void *opaque, QEMUChrEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        g_string_truncate(qtest_inbuf, 0);
        qtest_discarding = false;
        qtest_peer_gone = false;
        if (qtest_timer) {
            g_timer_destroy(qtest_timer);
        }
        qtest_timer = g_timer_new();
        trace_qtest_connection("opened");
        if (qtest_log_fp) {
            fprintf(qtest_log_fp, "[I %.06f] OPENED\n", qtest_elapsed());
        }
        break;
    case CHR_EVENT_CLOSED:
        trace_qtest_connection("closed");
        if (qtest_log_fp) {
            fprintf(qtest_log_fp, "[I +%.06f] CLOSED\n", qtest_elapsed());
        }
        /*
         * The test that drove us is gone: exit rather than linger (QEMU
         * relies on exit-with-parent for the same effect).
         */
        qemu_system_shutdown_request();
        break;
    }
}

bool qtest_server_init(const char *spec, const char *logfile, Error **errp)
{
    Error *err = NULL;

    if (qtest_chr) {
        error_setg(errp, "Only one instance of qtest can be created");
        return false;
    }
    if (!logfile) {
        qtest_log_fp = stderr;
    } else if (strcmp(logfile, "none") != 0) {
        qtest_log_fp = fopen(logfile, "w");
        if (!qtest_log_fp) {
            error_setg_errno(errp, errno, "Cannot open qtest log '%s'",
                             logfile);
            return false;
        }
        setvbuf(qtest_log_fp, NULL, _IOLBF, 0);
    }
    qtest_chr = qemu_chr_new("qtest", spec, &err);
    if (!qtest_chr) {
        error_prepend(&err, "qtest: ");
        error_propagate(errp, err);
        qtest_server_cleanup();
        return false;
    }
    qtest_tables_init();
    qtest_inbuf = g_string_new(NULL);
    trace_qtest_server_init(spec);
    qemu_chr_set_handlers(qtest_chr, qtest_read, qtest_event, NULL);
    return true;
}

void qtest_server_cleanup(void)
{
    if (qtest_chr) {
        qemu_chr_delete(qtest_chr);
        qtest_chr = NULL;
    }
    if (qtest_log_fp && qtest_log_fp != stderr) {
        fclose(qtest_log_fp);
    }
    qtest_log_fp = NULL;
    if (qtest_inbuf) {
        g_string_free(qtest_inbuf, TRUE);
        qtest_inbuf = NULL;
    }
    if (qtest_timer) {
        g_timer_destroy(qtest_timer);
        qtest_timer = NULL;
    }
    qtest_discarding = false;
    qtest_peer_gone = false;
}

bool qtest_enabled(void)
{
    return qtest_chr != NULL;
}
