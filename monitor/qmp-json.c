/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP JSON layer: a parser and a serializer over json-glib's JsonNode
 * that keep QEMU's number model (signed and unsigned 64-bit integers,
 * doubles) and never write anything that is not JSON.
 */

#include "qemu/osdep.h"
#include <math.h>
#include "qapi/error.h"
#include "monitor/qmp.h"

/*
 * JsonNode holds 64-bit signed integers only.  An unsigned value above
 * INT64_MAX is kept as a string value that starts with byte 0xff, which no
 * parsed string can contain (the parser accepts valid UTF-8 only), followed
 * by the decimal digits.  Only this file looks inside.
 */
#define QMP_UINT_MARK '\xff'

JsonNode *qmp_node_new_uint(uint64_t val)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    if (val <= INT64_MAX) {
        json_node_set_int(node, (int64_t)val);
    } else {
        g_autofree char *text = g_strdup_printf("%c%" PRIu64, QMP_UINT_MARK,
                                                val);

        json_node_set_string(node, text);
    }
    return node;
}

JsonNode *qmp_node_new_int(int64_t val)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(node, val);
    return node;
}

void qmp_object_set_uint_member(JsonObject *obj, const char *name,
                                uint64_t val)
{
    json_object_set_member(obj, name, qmp_node_new_uint(val));
}

/* The big unsigned value @node holds, if it is one. */
static bool qmp_node_big_uint(JsonNode *node, uint64_t *val)
{
    const char *str;

    if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        return false;
    }
    str = json_node_get_string(node);
    if (str[0] != QMP_UINT_MARK) {
        return false;
    }
    *val = g_ascii_strtoull(str + 1, NULL, 10);
    return true;
}

QmpNodeKind qmp_node_kind(JsonNode *node)
{
    uint64_t u;

    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        return QMP_NODE_NULL;
    }
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        return QMP_NODE_OBJECT;
    }
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        return QMP_NODE_ARRAY;
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING:
        return qmp_node_big_uint(node, &u) ? QMP_NODE_INT : QMP_NODE_STRING;
    case G_TYPE_BOOLEAN:
        return QMP_NODE_BOOL;
    case G_TYPE_DOUBLE:
        return QMP_NODE_DOUBLE;
    default:
        return QMP_NODE_INT;
    }
}

bool qmp_node_get_int(JsonNode *node, int64_t *val)
{
    if (qmp_node_kind(node) != QMP_NODE_INT ||
        json_node_get_value_type(node) != G_TYPE_INT64) {
        return false;
    }
    *val = json_node_get_int(node);
    return true;
}

bool qmp_node_get_uint(JsonNode *node, uint64_t *val)
{
    int64_t i;

    if (qmp_node_big_uint(node, val)) {
        return true;
    }
    if (!qmp_node_get_int(node, &i) || i < 0) {
        return false;
    }
    *val = i;
    return true;
}

char *qmp_node_number_text(JsonNode *node)
{
    uint64_t u;

    if (qmp_node_big_uint(node, &u)) {
        return g_strdup_printf("%" PRIu64, u);
    }
    switch (qmp_node_kind(node)) {
    case QMP_NODE_INT:
        return g_strdup_printf("%" PRId64, json_node_get_int(node));
    case QMP_NODE_DOUBLE:
        return qmp_to_json(node);
    default:
        return NULL;
    }
}

/* ---- Output ---- */

static void qmp_json_string(GString *out, const char *str)
{
    const char *p = str;

    g_string_append_c(out, '"');
    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            /* Not UTF-8 (the parser validates, so only from C callers). */
            c = 0xfffd;
            p++;
        } else {
            p = g_utf8_next_char(p);
        }
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c >= 0x20 && c <= 0x7e) {
                g_string_append_c(out, (char)c);
            } else if (c > 0xffff) {
                c -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 | (c >> 10), 0xdc00 | (c & 0x3ff));
            } else {
                g_string_append_printf(out, "\\u%04X", c);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void qmp_json_double(GString *out, double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!isfinite(d)) {
        /* JSON has no Inf or NaN; the parser never produces them. */
        g_string_append(out, "null");
        return;
    }
    g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g", d));
}

static void qmp_json_node(GString *out, JsonNode *node)
{
    uint64_t u;

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *obj = json_node_get_object(node);
        g_autoptr(GList) members = json_object_get_members(obj);
        const char *sep = "";

        g_string_append_c(out, '{');
        for (GList *l = members; l; l = l->next) {
            g_string_append(out, sep);
            qmp_json_string(out, l->data);
            g_string_append(out, ": ");
            qmp_json_node(out, json_object_get_member(obj, l->data));
            sep = ", ";
        }
        g_string_append_c(out, '}');
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *arr = json_node_get_array(node);
        guint len = json_array_get_length(arr);

        g_string_append_c(out, '[');
        for (guint i = 0; i < len; i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            qmp_json_node(out, json_array_get_element(arr, i));
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:
            if (qmp_node_big_uint(node, &u)) {
                g_string_append_printf(out, "%" PRIu64, u);
            } else {
                qmp_json_string(out, json_node_get_string(node));
            }
            break;
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                             : "false");
            break;
        case G_TYPE_DOUBLE:
            qmp_json_double(out, json_node_get_double(node));
            break;
        default:
            g_string_append_printf(out, "%" PRId64,
                                   (int64_t)json_node_get_int(node));
            break;
        }
        break;
    }
}

char *qmp_to_json(JsonNode *node)
{
    GString *out = g_string_new(NULL);

    qmp_json_node(out, node);
    return g_string_free(out, FALSE);
}

/* ---- Input ---- */

typedef struct JsonIn {
    const char *p;
    const char *end;
    Error **errp;
} JsonIn;

static JsonNode *json_in_value(JsonIn *in);

static bool json_in_fail(JsonIn *in, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool json_in_fail(JsonIn *in, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(in->errp, "JSON parse error, %s", msg);
    return false;
}

static void json_in_blank(JsonIn *in)
{
    while (in->p < in->end && strchr(" \t\r\n", *in->p) && *in->p) {
        in->p++;
    }
}

/* At end of input: "premature EOI" (QEMU's text) and false. */
static bool json_in_more(JsonIn *in)
{
    json_in_blank(in);
    if (in->p >= in->end) {
        return json_in_fail(in, "premature EOI");
    }
    return true;
}

static int json_hex4(const char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);

        if (d < 0) {
            return -1;
        }
        v = v << 4 | d;
    }
    return v;
}

/* A string in double or single quotes; returns it (g_free) or NULL. */
static char *json_in_string(JsonIn *in)
{
    char quote = *in->p++;
    g_autoptr(GString) s = g_string_new(NULL);

    for (;;) {
        const char *start = in->p;
        gunichar c;

        if (in->p >= in->end) {
            json_in_fail(in, "premature EOI");
            return NULL;
        }
        if (*in->p == quote) {
            in->p++;
            return g_string_free(g_steal_pointer(&s), FALSE);
        }
        if ((unsigned char)*in->p < 0x20) {
            json_in_fail(in, "control character in string");
            return NULL;
        }
        if (*in->p != '\\') {
            c = g_utf8_get_char_validated(in->p, in->end - in->p);
            if (c == (gunichar)-1 || c == (gunichar)-2) {
                json_in_fail(in, "invalid UTF-8 sequence in string");
                return NULL;
            }
            in->p = g_utf8_next_char(in->p);
            g_string_append_len(s, start, in->p - start);
            continue;
        }
        in->p++;
        if (in->p >= in->end) {
            json_in_fail(in, "premature EOI");
            return NULL;
        }
        switch (*in->p++) {
        case '"':
            g_string_append_c(s, '"');
            break;
        case '\'':
            g_string_append_c(s, '\'');
            break;
        case '\\':
            g_string_append_c(s, '\\');
            break;
        case '/':
            g_string_append_c(s, '/');
            break;
        case 'b':
            g_string_append_c(s, '\b');
            break;
        case 'f':
            g_string_append_c(s, '\f');
            break;
        case 'n':
            g_string_append_c(s, '\n');
            break;
        case 'r':
            g_string_append_c(s, '\r');
            break;
        case 't':
            g_string_append_c(s, '\t');
            break;
        case 'u': {
            int hi = in->end - in->p >= 4 ? json_hex4(in->p) : -1;

            if (hi < 0) {
                json_in_fail(in, "invalid escape sequence in string");
                return NULL;
            }
            in->p += 4;
            if (hi == 0) {
                json_in_fail(in, "\\u0000 is not supported");
                return NULL;
            }
            c = hi;
            if (hi >= 0xd800 && hi <= 0xdbff) {
                int lo = in->end - in->p >= 6 && in->p[0] == '\\' &&
                         in->p[1] == 'u' ? json_hex4(in->p + 2) : -1;

                if (lo < 0xdc00 || lo > 0xdfff) {
                    json_in_fail(in, "missing \\uDC00-\\uDFFF after "
                                 "\\uD800-\\uDBFF in string");
                    return NULL;
                }
                in->p += 6;
                c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
            } else if (hi >= 0xdc00 && hi <= 0xdfff) {
                json_in_fail(in, "invalid \\u escape (lone low surrogate) "
                             "in string");
                return NULL;
            }
            g_string_append_unichar(s, c);
            break;
        }
        default:
            json_in_fail(in, "invalid escape sequence in string");
            return NULL;
        }
    }
}

/*
 * A number, as QEMU reads them: an integer that fits int64 stays one, a
 * non-negative integer up to UINT64_MAX is unsigned, anything else is a
 * double.  A double that overflows (1e400) is refused: it has no JSON
 * spelling to be written back with.
 */
static JsonNode *json_in_number(JsonIn *in)
{
    const char *start = in->p;
    const char *p = in->p;
    bool is_int = true;
    g_autofree char *text = NULL;
    JsonNode *node;

    if (p < in->end && *p == '-') {
        p++;
    }
    if (p >= in->end || !g_ascii_isdigit(*p)) {
        goto bad;
    }
    if (*p == '0' && p + 1 < in->end && g_ascii_isdigit(p[1])) {
        goto bad;
    }
    while (p < in->end && g_ascii_isdigit(*p)) {
        p++;
    }
    if (p < in->end && *p == '.') {
        is_int = false;
        p++;
        if (p >= in->end || !g_ascii_isdigit(*p)) {
            goto bad;
        }
        while (p < in->end && g_ascii_isdigit(*p)) {
            p++;
        }
    }
    if (p < in->end && (*p == 'e' || *p == 'E')) {
        is_int = false;
        p++;
        if (p < in->end && (*p == '+' || *p == '-')) {
            p++;
        }
        if (p >= in->end || !g_ascii_isdigit(*p)) {
            goto bad;
        }
        while (p < in->end && g_ascii_isdigit(*p)) {
            p++;
        }
    }
    if (p < in->end && (g_ascii_isalnum(*p) || *p == '.' || *p == '_')) {
        goto bad;
    }
    in->p = p;
    text = g_strndup(start, p - start);
    if (is_int) {
        gint64 i;
        guint64 u;

        if (g_ascii_string_to_signed(text, 10, INT64_MIN, INT64_MAX, &i,
                                      NULL)) {
            return qmp_node_new_int(i);
        }
        if (text[0] != '-' &&
            g_ascii_string_to_unsigned(text, 10, 0, UINT64_MAX, &u, NULL)) {
            return qmp_node_new_uint(u);
        }
    }
    node = json_node_new(JSON_NODE_VALUE);
    json_node_set_double(node, g_ascii_strtod(text, NULL));
    if (!isfinite(json_node_get_double(node))) {
        json_node_unref(node);
        json_in_fail(in, "number '%s' is out of range", text);
        return NULL;
    }
    return node;

bad:
    while (p < in->end && (g_ascii_isalnum(*p) || strchr("+-._", *p))) {
        p++;
    }
    text = g_strndup(start, MAX(p - start, 1));
    json_in_fail(in, "stray '%s'", text);
    return NULL;
}

static JsonNode *json_in_object(JsonIn *in)
{
    g_autoptr(JsonObject) obj = json_object_new();
    JsonNode *node;

    in->p++;                                    /* '{' */
    if (!json_in_more(in)) {
        return NULL;
    }
    if (*in->p != '}') {
        for (;;) {
            g_autofree char *key = NULL;
            JsonNode *val;

            if (!json_in_more(in)) {
                return NULL;
            }
            if (*in->p != '"' && *in->p != '\'') {
                json_in_fail(in, "key is not a string in object");
                return NULL;
            }
            key = json_in_string(in);
            if (!key || !json_in_more(in)) {
                return NULL;
            }
            if (*in->p != ':') {
                json_in_fail(in, "missing : in object pair");
                return NULL;
            }
            in->p++;
            val = json_in_value(in);
            if (!val) {
                return NULL;
            }
            if (json_object_has_member(obj, key)) {
                json_node_unref(val);
                json_in_fail(in, "duplicate key");
                return NULL;
            }
            json_object_set_member(obj, key, val);
            if (!json_in_more(in)) {
                return NULL;
            }
            if (*in->p == '}') {
                break;
            }
            if (*in->p != ',') {
                json_in_fail(in, "expected separator in dict");
                return NULL;
            }
            in->p++;
        }
    }
    in->p++;                                    /* '}' */
    node = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(node, obj);
    return node;
}

static JsonNode *json_in_array(JsonIn *in)
{
    g_autoptr(JsonArray) arr = json_array_new();
    JsonNode *node;

    in->p++;                                    /* '[' */
    if (!json_in_more(in)) {
        return NULL;
    }
    if (*in->p != ']') {
        for (;;) {
            JsonNode *val = json_in_value(in);

            if (!val) {
                return NULL;
            }
            json_array_add_element(arr, val);
            if (!json_in_more(in)) {
                return NULL;
            }
            if (*in->p == ']') {
                break;
            }
            if (*in->p != ',') {
                json_in_fail(in, "expected separator in list");
                return NULL;
            }
            in->p++;
        }
    }
    in->p++;                                    /* ']' */
    node = json_node_new(JSON_NODE_ARRAY);
    json_node_set_array(node, arr);
    return node;
}

static JsonNode *json_in_value(JsonIn *in)
{
    static const char *const keywords[] = { "true", "false", "null" };
    const char *start;

    if (!json_in_more(in)) {
        return NULL;
    }
    switch (*in->p) {
    case '{':
        return json_in_object(in);
    case '[':
        return json_in_array(in);
    case '"':
    case '\'': {
        g_autofree char *str = json_in_string(in);
        JsonNode *node;

        if (!str) {
            return NULL;
        }
        node = json_node_new(JSON_NODE_VALUE);
        json_node_set_string(node, str);
        return node;
    }
    case '-':
    case '0' ... '9':
        return json_in_number(in);
    default:
        break;
    }
    start = in->p;
    while (in->p < in->end && g_ascii_isalpha(*in->p)) {
        in->p++;
    }
    if (in->p == start) {
        g_autofree char *c = g_strndup(start, 1);

        if (strchr("}]:,", *start)) {
            json_in_fail(in, "expecting value");
        } else {
            json_in_fail(in, "stray '%s'", c);
        }
        return NULL;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(keywords); i++) {
        if (in->p - start == (ptrdiff_t)strlen(keywords[i]) &&
            !strncmp(start, keywords[i], in->p - start)) {
            JsonNode *node;

            if (i == 2) {
                return json_node_new(JSON_NODE_NULL);
            }
            node = json_node_new(JSON_NODE_VALUE);
            json_node_set_boolean(node, i == 0);
            return node;
        }
    }
    {
        g_autofree char *word = g_strndup(start, in->p - start);

        json_in_fail(in, "invalid keyword '%s'", word);
    }
    return NULL;
}

JsonNode *qmp_json_parse(const char *text, size_t len, Error **errp)
{
    JsonIn in = { .p = text, .end = text + len, .errp = errp };
    JsonNode *node;

    json_in_blank(&in);
    if (in.p >= in.end) {
        return NULL;
    }
    node = json_in_value(&in);
    if (!node) {
        return NULL;
    }
    json_in_blank(&in);
    if (in.p < in.end) {
        g_autofree char *rest = g_strndup(in.p, MIN(in.end - in.p, 16));

        json_node_unref(node);
        json_in_fail(&in, "stray '%s'", rest);
        return NULL;
    }
    return node;
}

char *qmp_node_option_text(JsonNode *node, const char *name, Error **errp)
{
    switch (qmp_node_kind(node)) {
    case QMP_NODE_STRING:
        return g_strdup(json_node_get_string(node));
    case QMP_NODE_INT:
        return qmp_node_number_text(node);
    case QMP_NODE_BOOL:
        return g_strdup(json_node_get_boolean(node) ? "on" : "off");
    default:
        error_setg(errp, "Parameter '%s' expects a string, an integer or "
                   "a boolean", name);
        return NULL;
    }
}
