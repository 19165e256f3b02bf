/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP: the JSON monitor protocol (json-glib), its command registry, argument
 * helpers for command implementations and the byte-level protocol core.
 *
 * Wire format follows QEMU 7.2: a greeting on connect, capabilities
 * negotiation (only "qmp_capabilities" is accepted until it succeeds; no
 * capability is offered), then one reply per request:
 *   {"return": VALUE[, "id": ID]} or
 *   {"error": {"class": CLASS, "desc": TEXT}[, "id": ID]}
 * each on its own line ending "\r\n".  Input is a stream of JSON values,
 * split and concatenated freely across reads.  A value that is not valid
 * JSON or not a valid request gets an error reply; one that grows past
 * 16 MiB or 1024 levels of nesting gets one error reply ("JSON token size
 * limit exceeded" / "JSON nesting depth limit exceeded", QEMU's texts) as
 * soon as the limit is hit, and its remaining bytes are skipped; the
 * connection always stays up.  Single-quoted strings are accepted as in
 * QEMU.  Syntax errors read "JSON parse error, DETAIL" (see
 * qmp_json_parse()).
 */
#ifndef MONITOR_QMP_H
#define MONITOR_QMP_H

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "monitor/monitor.h"

typedef struct Error Error;

/* Largest JSON value accepted, in bytes; larger ones are an error. */
#define MONITOR_QMP_MAX_VALUE_SIZE (16u << 20)
/* Deepest nesting of objects and arrays accepted. */
#define MONITOR_QMP_MAX_NESTING 1024

/*
 * A command implementation.  @args is the request's "arguments" object (an
 * empty object when absent; borrowed).  On success set *@ret to a new node
 * (ownership passes to the caller) or leave it NULL for "{}"; on failure set
 * one error in @errp and leave *@ret NULL.  Main loop context.
 */
typedef void QmpCommandFunc(JsonObject *args, JsonNode **ret, Error **errp);

/*
 * Register command @name.  May be called from any component's init code,
 * before or after the monitors start.  Registering a name twice aborts (a
 * programming error).  @name is copied.
 */
void qmp_register_command(const char *name, QmpCommandFunc *fn);

/* True if a command @name is registered. */
bool qmp_command_exists(const char *name);

/*
 * Run the registered command @name directly (not through a QMP client), as
 * HMP wrappers do.  @args may be NULL (no arguments).  Returns true with
 * *@ret set (possibly to NULL, meaning "{}"), or false with @errp set: no
 * such command (class CommandNotFound, "The command NAME has not been
 * found") or the command's own error.  "qmp_capabilities" only works from a
 * QMP client.
 */
bool qmp_command_call(const char *name, JsonObject *args, JsonNode **ret,
                      Error **errp);

/*
 * Argument helpers for command implementations.  Errors use QEMU's texts:
 *   missing:       "Parameter 'NAME' is missing"
 *   wrong type:    "Invalid parameter type for 'NAME', expected: string"
 *                  (or "integer", "boolean")
 *   unexpected:    "Parameter 'NAME' is unexpected"
 * A JSON null counts as the wrong type, and so does an int64 parameter
 * given an integer above INT64_MAX, as in QEMU.  A uint64 parameter takes
 * 0..2^64 - 1 and, as QEMU does, a negative integer as its two's
 * complement; anything else is "Parameter 'NAME' expects uint64".
 * Strings are borrowed from @args.
 * Each returns true on success, false with @errp set.
 */
bool qmp_arg_str(JsonObject *args, const char *name, const char **val,
                 Error **errp);
bool qmp_arg_int(JsonObject *args, const char *name, int64_t *val,
                 Error **errp);
/* An integer in 0..2^64 - 1 (QEMU's 'uint64'). */
bool qmp_arg_uint(JsonObject *args, const char *name, uint64_t *val,
                  Error **errp);
bool qmp_arg_bool(JsonObject *args, const char *name, bool *val,
                  Error **errp);
/* Optional variants: *@val = @dflt when the member is absent. */
bool qmp_arg_opt_str(JsonObject *args, const char *name, const char *dflt,
                     const char **val, Error **errp);
bool qmp_arg_opt_int(JsonObject *args, const char *name, int64_t dflt,
                     int64_t *val, Error **errp);
bool qmp_arg_opt_uint(JsonObject *args, const char *name, uint64_t dflt,
                      uint64_t *val, Error **errp);
bool qmp_arg_opt_bool(JsonObject *args, const char *name, bool dflt,
                      bool *val, Error **errp);
/*
 * Reject any member of @args whose name is not in @known (NULL-terminated;
 * @known itself may be NULL for "no arguments").  Call it first in every
 * command so that typos are errors, as with QEMU's schema.
 */
bool qmp_args_check(JsonObject *args, const char *const *known, Error **errp);

/*
 * Serialize @node as QEMU does: compact, ", " and ": " separators, object
 * members in insertion order, non-ASCII and control characters as \uXXXX,
 * doubles with 17 significant digits.  Unsigned values made by
 * qmp_node_new_uint() print as unsigned; a non-finite double (which only C
 * code can make) prints as null, so the output is always JSON.
 * Returns a new string (g_free it).
 */
char *qmp_to_json(JsonNode *node);

/*
 * Parse one JSON value (@len bytes of @text), with QEMU's extensions and
 * number model:
 *   - strings in double or single quotes, valid UTF-8 only, no raw control
 *     characters, no \u0000;
 *   - an integer that fits int64 is one; a larger non-negative integer up to
 *     2^64 - 1 is unsigned (qmp_node_get_uint()); any other number is a
 *     double, and one that overflows a double (1e400) is refused;
 *   - a duplicate key in an object is refused.
 * Returns the value, NULL without an error for blank input, or NULL with
 * "JSON parse error, DETAIL" (QEMU's texts: "premature EOI", "invalid
 * keyword 'X'", "expecting value", "duplicate key", ...).
 */
JsonNode *qmp_json_parse(const char *text, size_t len, Error **errp);

/*
 * Numbers.  JsonNode holds signed 64-bit integers only; the JSON layer
 * keeps integers above INT64_MAX as unsigned values that only these
 * functions and the serializer understand.  Commands build numbers with
 * json_object_set_int_member() / qmp_node_new_int() when signed and with
 * qmp_object_set_uint_member() / qmp_node_new_uint() when unsigned (bus
 * addresses, uint64 properties), and read arguments with qmp_arg_*.
 */
typedef enum QmpNodeKind {
    QMP_NODE_NULL,
    QMP_NODE_OBJECT,
    QMP_NODE_ARRAY,
    QMP_NODE_STRING,
    QMP_NODE_BOOL,
    QMP_NODE_INT,           /* int64 or an unsigned value above INT64_MAX */
    QMP_NODE_DOUBLE,
} QmpNodeKind;

QmpNodeKind qmp_node_kind(JsonNode *node);
JsonNode *qmp_node_new_int(int64_t val);
JsonNode *qmp_node_new_uint(uint64_t val);
void qmp_object_set_uint_member(JsonObject *obj, const char *name,
                                uint64_t val);
/* True with *@val if @node is an integer that fits int64. */
bool qmp_node_get_int(JsonNode *node, int64_t *val);
/* True with *@val if @node is an integer in 0..2^64 - 1. */
bool qmp_node_get_uint(JsonNode *node, uint64_t *val);
/* The decimal text of a number node (g_free it), or NULL for others. */
char *qmp_node_number_text(JsonNode *node);
/*
 * Member @name's value as a property option string, the way -device and
 * -object would spell it: a string as is, an integer in decimal, a boolean
 * "on"/"off" (g_free it).  NULL with QEMU's error for any other kind.
 */
char *qmp_node_option_text(JsonNode *node, const char *name, Error **errp);

/*
 * The byte-level protocol core, with no chardev: bytes in through
 * monitor_qmp_feed(), bytes out through @out.  monitor_init_qmp() binds one
 * of these to a chardev; tests drive it directly.
 */
typedef struct MonitorQMP MonitorQMP;

/* A new, closed QMP monitor writing to @out(@opaque).  Any context. */
MonitorQMP *monitor_qmp_new(MonitorOutputFn *out, void *opaque);

/*
 * A client connected: forget any partial input, require negotiation again
 * and send the greeting.
 */
void monitor_qmp_open(MonitorQMP *mon);

/*
 * The client left: forget partial input and negotiation; no events are
 * sent until the next monitor_qmp_open() and negotiation.
 */
void monitor_qmp_close(MonitorQMP *mon);

/*
 * Feed @len bytes of client input; every complete JSON value is handled
 * (and replied to) before this returns.  Ignored while closed.
 */
void monitor_qmp_feed(MonitorQMP *mon, const void *buf, size_t len);

/* True once "qmp_capabilities" succeeded on the current connection. */
bool monitor_qmp_negotiated(MonitorQMP *mon);

/* The Monitor (output object) of @mon. */
Monitor *monitor_qmp_get_monitor(MonitorQMP *mon);

/* Free @mon; NULL is ignored.  Not from inside its own command. */
void monitor_qmp_free(MonitorQMP *mon);

#endif /* MONITOR_QMP_H */
