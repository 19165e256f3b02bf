/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration commands, states and events (docs/user/migration.md): migrate
 * to file:/exec:, -incoming and migrate-incoming, query-migrate, blockers.
 */

#include "qemu/osdep.h"
#include <stdio.h>
#include <sys/wait.h>
#include "qapi/error.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "monitor/hmp.h"
#include "system/runstate.h"
#include "migration/migration.h"
#include "migration-internal.h"
#include "trace.h"

/* QEMU's MigrationStatus names that this model goes through. */
typedef enum MigStatus {
    MIG_STATUS_NONE,
    MIG_STATUS_SETUP,
    MIG_STATUS_CANCELLED,
    MIG_STATUS_ACTIVE,
    MIG_STATUS_COMPLETED,
    MIG_STATUS_FAILED,
} MigStatus;

static const char *const mig_status_names[] = {
    [MIG_STATUS_NONE] = "none",
    [MIG_STATUS_SETUP] = "setup",
    [MIG_STATUS_CANCELLED] = "cancelled",
    [MIG_STATUS_ACTIVE] = "active",
    [MIG_STATUS_COMPLETED] = "completed",
    [MIG_STATUS_FAILED] = "failed",
};

/* QEMU 7.2's capability names; only "events" changes anything here. */
static const char *const mig_cap_names[] = {
    "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress",
    "events", "postcopy-ram", "x-colo", "release-ram", "block",
    "return-path", "pause-before-switchover", "multifd",
    "dirty-bitmaps", "postcopy-blocktime", "late-block-activate",
    "x-ignore-shared", "validate-uuid", "background-snapshot",
    "zero-copy-send", "postcopy-preempt",
};
#define MIG_CAP_EVENTS 5

typedef struct MigBlocker {
    const void *owner;
    char *reason;
} MigBlocker;

/* The migration (outgoing or incoming) that query-migrate reports. */
static struct {
    MigStatus status;
    char *error_desc;
    int64_t start_us;
    int64_t setup_us;       /* when it went active */
    int64_t total_ms;
    int64_t downtime_ms;
    MigrationStats stats;

    /* Outgoing job between the command and the main loop. */
    FILE *out;
    bool out_exec;
    guint out_idle;

    /* Incoming. */
    bool in_pending;        /* -incoming given, nothing loaded yet */
    bool in_deferred;       /* -incoming defer: migrate-incoming expected */
    bool in_started;        /* a load was started (once only) */
    bool in_autostart;
    bool in_exit_on_error;
    char *in_uri;
    guint in_idle;

    bool caps[G_N_ELEMENTS(mig_cap_names)];
    GList *blockers;        /* MigBlocker, oldest first */
} mig;

static void mig_set_status(MigStatus status)
{
    JsonObject *data;

    trace_migration_set_state(mig_status_names[mig.status],
                              mig_status_names[status]);
    mig.status = status;
    if (!mig.caps[MIG_CAP_EVENTS]) {
        return;
    }
    data = json_object_new();
    json_object_set_string_member(data, "status", mig_status_names[status]);
    qapi_event_send("MIGRATION", data);
}

static void mig_fail(const char *desc)
{
    g_free(mig.error_desc);
    mig.error_desc = g_strdup(desc);
    mig_set_status(MIG_STATUS_FAILED);
}

static void mig_begin(void)
{
    g_clear_pointer(&mig.error_desc, g_free);
    mig.stats = (MigrationStats) { 0 };
    mig.total_ms = mig.downtime_ms = 0;
    mig.start_us = g_get_monotonic_time();
    mig_set_status(MIG_STATUS_SETUP);
}

static void mig_active(void)
{
    mig.setup_us = g_get_monotonic_time();
    mig_set_status(MIG_STATUS_ACTIVE);
}

static void mig_done(void)
{
    int64_t now = g_get_monotonic_time();

    mig.total_ms = (now - mig.start_us) / 1000;
    mig.downtime_ms = (now - mig.setup_us) / 1000;
}

/* ---- Blockers ----------------------------------------------------------- */

static GList *blocker_find(const void *owner)
{
    for (GList *l = mig.blockers; l; l = l->next) {
        if (((MigBlocker *)l->data)->owner == owner) {
            return l;
        }
    }
    return NULL;
}

void migrate_add_blocker(const void *owner, const char *reason)
{
    MigBlocker *b;
    GList *l = blocker_find(owner);

    if (l) {
        b = l->data;
        g_free(b->reason);
    } else {
        b = g_new0(MigBlocker, 1);
        b->owner = owner;
        mig.blockers = g_list_append(mig.blockers, b);
    }
    b->reason = g_strdup(reason);
}

void migrate_del_blocker(const void *owner)
{
    GList *l = blocker_find(owner);

    if (l) {
        MigBlocker *b = l->data;

        g_free(b->reason);
        g_free(b);
        mig.blockers = g_list_delete_link(mig.blockers, l);
    }
}

bool migration_is_blocked(Error **errp)
{
    if (mig.blockers) {
        MigBlocker *b = mig.blockers->data;

        trace_migration_blocked(b->reason);
        error_setg(errp, "%s", b->reason);
        return true;
    }
    return false;
}

/* ---- URIs --------------------------------------------------------------- */

static bool uri_split(const char *uri, bool *exec, const char **arg,
                      Error **errp)
{
    if (g_str_has_prefix(uri, "file:") && uri[5]) {
        *exec = false;
        *arg = uri + 5;
        return true;
    }
    if (g_str_has_prefix(uri, "exec:") && uri[5]) {
        *exec = true;
        *arg = uri + 5;
        return true;
    }
    error_setg(errp, "Parameter 'uri' expects a valid migration protocol");
    return false;
}

/* Read all of a file: or exec: source into a new byte array. */
static GByteArray *uri_read(const char *uri, Error **errp)
{
    const char *arg;
    bool exec;
    GByteArray *b;
    FILE *f;
    uint8_t chunk[65536];
    uint64_t want = MIG_HEADER_LEN;
    size_t n;
    int st;

    if (!uri_split(uri, &exec, &arg, errp)) {
        return NULL;
    }
    f = exec ? popen(arg, "r") : fopen(arg, "rb");
    if (!f) {
        error_setg_errno(errp, errno, "Unable to open %s", arg);
        return NULL;
    }
    b = g_byte_array_new();
    /*
     * Read what the header announces (body + CRC), no more: a source that
     * never ends (an exec: command) cannot make the process grow for ever.
     * Something that is not a stream stops at the header, for the loader
     * to refuse; a stream followed by more bytes is refused here.
     */
    while (b->len < want &&
           (n = fread(chunk, 1, MIN(sizeof(chunk), want - b->len), f)) > 0) {
        g_byte_array_append(b, chunk, n);
        if (want == MIG_HEADER_LEN && b->len == MIG_HEADER_LEN &&
            !memcmp(b->data, MIGRATION_STREAM_MAGIC, MIG_MAGIC_LEN)) {
            uint64_t body;

            memcpy(&body, b->data + MIG_HEADER_LEN - 8, 8);
            body = GUINT64_FROM_BE(body);
            if (body > MIGRATION_STREAM_MAX_BODY) {
                error_setg(errp, "Migration stream of %" PRIu64 " bytes is "
                           "over the limit (%" PRIu64 ")", body,
                           (uint64_t)MIGRATION_STREAM_MAX_BODY);
                exec ? pclose(f) : fclose(f);
                g_byte_array_unref(b);
                return NULL;
            }
            want = MIG_HEADER_LEN + body + 4;
        }
    }
    if (want > MIG_HEADER_LEN && b->len == want &&
        fread(chunk, 1, 1, f) == 1) {
        error_setg(errp, "Migration stream: bytes after its end in %s", arg);
        exec ? pclose(f) : fclose(f);
        g_byte_array_unref(b);
        return NULL;
    }
    if (ferror(f)) {
        error_setg_errno(errp, errno, "Unable to read %s", arg);
        exec ? pclose(f) : fclose(f);
        g_byte_array_unref(b);
        return NULL;
    }
    st = exec ? pclose(f) : fclose(f);
    if (exec && (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))) {
        error_setg(errp, "Incoming command '%s' failed (status %d)", arg, st);
        g_byte_array_unref(b);
        return NULL;
    }
    return b;
}

/* ---- Outgoing ------------------------------------------------------------ */

static bool mig_out_write(GByteArray *b, Error **errp)
{
    size_t n = fwrite(b->data, 1, b->len, mig.out);
    int err = errno;
    int st = mig.out_exec ? pclose(mig.out) : fclose(mig.out);

    mig.out = NULL;
    if (n != b->len) {
        error_setg_errno(errp, err, "Unable to write the migration stream");
        return false;
    }
    if (st != 0) {
        if (mig.out_exec) {
            error_setg(errp, "Migration command failed (status %d)", st);
        } else {
            error_setg_errno(errp, errno, "Unable to write the migration "
                             "stream");
        }
        return false;
    }
    return true;
}

/* The outgoing migration proper, from the main loop after the reply. */
static gboolean mig_out_run(gpointer opaque)
{
    RunState prev = runstate_get();
    bool was_running = runstate_is_running();
    g_autoptr(GByteArray) b = NULL;
    Error *err = NULL;

    mig.out_idle = 0;
    mig_active();
    runstate_set(RUN_STATE_FINISH_MIGRATE);
    if (was_running) {
        qapi_event_send("STOP", NULL);
    }
    b = migration_save_buffer(&mig.stats, &err);
    if (b && mig_out_write(b, &err)) {
        mig_done();
        runstate_set(RUN_STATE_POSTMIGRATE);
        mig_set_status(MIG_STATUS_COMPLETED);
        return G_SOURCE_REMOVE;
    }
    if (mig.out) {
        mig.out_exec ? pclose(mig.out) : fclose(mig.out);
        mig.out = NULL;
    }
    mig_done();
    mig_fail(error_get_pretty(err));
    error_free(err);
    if (was_running) {
        vm_start();
        qapi_event_send("RESUME", NULL);
    } else {
        runstate_set(prev);
    }
    return G_SOURCE_REMOVE;
}

static bool mig_in_progress(void)
{
    return mig.status == MIG_STATUS_SETUP || mig.status == MIG_STATUS_ACTIVE;
}

static void qmp_migrate(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = {
        "uri", "blk", "inc", "detach", "resume", NULL
    };
    const char *uri, *arg;
    bool flag, exec;
    FILE *f;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "uri", &uri, errp) ||
        !qmp_arg_opt_bool(args, "blk", false, &flag, errp) ||
        !qmp_arg_opt_bool(args, "inc", false, &flag, errp) ||
        !qmp_arg_opt_bool(args, "detach", false, &flag, errp) ||
        !qmp_arg_opt_bool(args, "resume", false, &flag, errp)) {
        return;
    }
    if (mig_in_progress() || mig.out_idle) {
        error_setg(errp, "There's a migration process in progress");
        return;
    }
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        error_setg(errp, "Guest is waiting for an incoming migration");
        return;
    }
    if (migration_is_blocked(errp) || !uri_split(uri, &exec, &arg, errp)) {
        return;
    }
    f = exec ? popen(arg, "w") : fopen(arg, "wb");
    if (!f) {
        error_setg_errno(errp, errno, "Unable to open %s", arg);
        return;
    }
    mig.out = f;
    mig.out_exec = exec;
    mig_begin();
    mig.out_idle = g_idle_add(mig_out_run, NULL);
}

/* The pending outgoing job now (HMP migrate waits for its end). */
static void mig_out_run_now(void)
{
    if (mig.out_idle) {
        g_source_remove(mig.out_idle);
        mig_out_run(NULL);
    }
}

static void qmp_migrate_cancel(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    /* Only a migration whose job has not run yet can be cancelled. */
    if (mig.out_idle) {
        g_source_remove(mig.out_idle);
        mig.out_idle = 0;
        mig.out_exec ? pclose(mig.out) : fclose(mig.out);
        mig.out = NULL;
        mig_set_status(MIG_STATUS_CANCELLED);
    }
}

/* ---- Incoming ------------------------------------------------------------ */

static gboolean mig_in_run(gpointer opaque)
{
    g_autoptr(GByteArray) b = NULL;
    Error *err = NULL;

    mig.in_idle = 0;
    mig_active();
    b = uri_read(mig.in_uri, &err);
    if (b && migration_load_buffer(b->data, b->len, &mig.stats, &err)) {
        mig_done();
        mig.in_pending = false;
        mig_set_status(MIG_STATUS_COMPLETED);
        if (mig.in_autostart) {
            vm_start();
            qapi_event_send("RESUME", NULL);
        } else {
            runstate_set(RUN_STATE_PAUSED);
        }
        return G_SOURCE_REMOVE;
    }
    mig_done();
    mig_fail(error_get_pretty(err));
    if (mig.in_exit_on_error) {
        error_report("load of migration failed: %s", error_get_pretty(err));
        exit(1);
    }
    error_free(err);
    return G_SOURCE_REMOVE;
}

static void mig_in_start(const char *uri)
{
    g_free(mig.in_uri);
    mig.in_uri = g_strdup(uri);
    mig.in_started = true;
    trace_migration_incoming(uri);
    mig_begin();
    mig.in_idle = g_idle_add(mig_in_run, NULL);
}

bool migration_incoming_setup(const char *uri, Error **errp)
{
    const char *arg;
    bool exec;

    if (strcmp(uri, "defer") && !uri_split(uri, &exec, &arg, errp)) {
        return false;
    }
    mig.in_pending = true;
    mig.in_deferred = !strcmp(uri, "defer");
    mig.in_exit_on_error = true;
    if (!mig.in_deferred) {
        g_free(mig.in_uri);
        mig.in_uri = g_strdup(uri);
    }
    return true;
}

void migration_incoming_start(bool autostart)
{
    if (!mig.in_pending) {
        return;
    }
    mig.in_autostart = autostart;
    runstate_set(RUN_STATE_INMIGRATE);
    if (!mig.in_deferred) {
        g_autofree char *uri = g_strdup(mig.in_uri);

        mig_in_start(uri);
    }
}

void migration_incoming_autostart(void)
{
    mig.in_autostart = true;
}

bool migration_incoming_pending(void)
{
    return mig.in_pending;
}

static void qmp_migrate_incoming(JsonObject *args, JsonNode **ret,
                                 Error **errp)
{
    static const char *const known[] = { "uri", "exit-on-error", NULL };
    const char *uri, *arg;
    bool exec, exit_on_error;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "uri", &uri, errp) ||
        !qmp_arg_opt_bool(args, "exit-on-error", true, &exit_on_error,
                          errp)) {
        return;
    }
    if (!mig.in_deferred) {
        error_setg(errp, "For use with '-incoming defer'");
        return;
    }
    if (mig.in_started) {
        error_setg(errp, "The incoming migration has already been started");
        return;
    }
    if (!uri_split(uri, &exec, &arg, errp)) {
        return;
    }
    mig.in_exit_on_error = exit_on_error;
    mig_in_start(uri);
}

/* ---- query-migrate, capabilities ---------------------------------------- */

static JsonNode *take_object(JsonObject *obj)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(n, obj);
    return n;
}

static void qmp_query_migrate(JsonObject *args, JsonNode **ret, Error **errp)
{
    JsonObject *info, *dma;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    info = json_object_new();
    if (mig.status != MIG_STATUS_NONE) {
        json_object_set_string_member(info, "status",
                                      mig_status_names[mig.status]);
    }
    if (mig.status == MIG_STATUS_COMPLETED) {
        json_object_set_int_member(info, "total-time", mig.total_ms);
        json_object_set_int_member(info, "downtime", mig.downtime_ms);
        json_object_set_int_member(info, "setup-time",
                                   (mig.setup_us - mig.start_us) / 1000);
        dma = json_object_new();
        qmp_object_set_uint_member(dma, "tables", mig.stats.tables);
        qmp_object_set_uint_member(dma, "runs", mig.stats.runs);
        qmp_object_set_uint_member(dma, "entries", mig.stats.entries);
        qmp_object_set_uint_member(dma, "bytes", mig.stats.bytes);
        json_object_set_object_member(info, "x-spapr-dma", dma);
    }
    if (mig.status == MIG_STATUS_FAILED && mig.error_desc) {
        json_object_set_string_member(info, "error-desc", mig.error_desc);
    }
    *ret = take_object(info);
}

static void qmp_migrate_set_capabilities(JsonObject *args, JsonNode **ret,
                                         Error **errp)
{
    static const char *const known[] = { "capabilities", NULL };
    static const char *const cap_known[] = { "capability", "state", NULL };
    bool caps[G_N_ELEMENTS(mig_cap_names)];
    JsonNode *node;
    JsonArray *list;

    if (!qmp_args_check(args, known, errp)) {
        return;
    }
    node = json_object_get_member(args, "capabilities");
    if (!node) {
        error_setg(errp, "Parameter 'capabilities' is missing");
        return;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        error_setg(errp, "Invalid parameter type for 'capabilities', "
                   "expected: array");
        return;
    }
    if (mig_in_progress()) {
        error_setg(errp, "There's a migration process in progress");
        return;
    }
    memcpy(caps, mig.caps, sizeof(caps));
    list = json_node_get_array(node);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonNode *el = json_array_get_element(list, i);
        JsonObject *o;
        const char *name;
        bool state;
        guint c;

        if (!JSON_NODE_HOLDS_OBJECT(el)) {
            error_setg(errp, "Invalid parameter type for 'capabilities[%u]', "
                       "expected: object", i);
            return;
        }
        o = json_node_get_object(el);
        if (!qmp_args_check(o, cap_known, errp) ||
            !qmp_arg_str(o, "capability", &name, errp) ||
            !qmp_arg_bool(o, "state", &state, errp)) {
            return;
        }
        for (c = 0; c < G_N_ELEMENTS(mig_cap_names); c++) {
            if (!strcmp(name, mig_cap_names[c])) {
                break;
            }
        }
        if (c == G_N_ELEMENTS(mig_cap_names)) {
            error_setg(errp, "Parameter 'capability' does not accept value "
                       "'%s'", name);
            return;
        }
        caps[c] = state;
    }
    memcpy(mig.caps, caps, sizeof(caps));
}

static void qmp_query_migrate_capabilities(JsonObject *args, JsonNode **ret,
                                           Error **errp)
{
    JsonArray *list;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    list = json_array_new();
    for (guint c = 0; c < G_N_ELEMENTS(mig_cap_names); c++) {
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "capability", mig_cap_names[c]);
        json_object_set_boolean_member(o, "state", mig.caps[c]);
        json_array_add_object_element(list, o);
    }
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, list);
}

/* ---- HMP ------------------------------------------------------------------ */

static bool hmp_run(Monitor *mon, const char *name, JsonObject *args)
{
    g_autoptr(JsonNode) ret = NULL;
    Error *err = NULL;
    bool ok = qmp_command_call(name, args, &ret, &err);

    if (args) {
        json_object_unref(args);
    }
    if (!ok) {
        hmp_handle_error(mon, err);
    }
    return ok;
}

/* migrate [-d] uri: waits for the end unless -d, as QEMU's HMP does. */
static void hmp_migrate(Monitor *mon, const char *args)
{
    const char *p = args;
    g_autofree char *uri = NULL;
    bool detach = false;
    JsonObject *a;
    Error *err = NULL;

    uri = hmp_get_str(&p, &err);
    if (uri && !strcmp(uri, "-d")) {
        detach = true;
        g_free(uri);
        uri = hmp_get_str(&p, &err);
    }
    if (!uri) {
        hmp_handle_error(mon, err);
        return;
    }
    if (!hmp_check_end(mon, "migrate", p)) {
        return;
    }
    a = json_object_new();
    json_object_set_string_member(a, "uri", uri);
    if (!hmp_run(mon, "migrate", a) || detach) {
        return;
    }
    mig_out_run_now();
    if (mig.status == MIG_STATUS_FAILED && mig.error_desc) {
        monitor_printf(mon, "Error: %s\n", mig.error_desc);
    }
}

static void hmp_migrate_incoming(Monitor *mon, const char *args)
{
    const char *p = args;
    g_autofree char *uri = NULL;
    JsonObject *a;
    Error *err = NULL;

    uri = hmp_get_str(&p, &err);
    if (!uri) {
        hmp_handle_error(mon, err);
        return;
    }
    if (!hmp_check_end(mon, "migrate_incoming", p)) {
        return;
    }
    a = json_object_new();
    json_object_set_string_member(a, "uri", uri);
    hmp_run(mon, "migrate-incoming", a);
}

static void hmp_migrate_cancel(Monitor *mon, const char *args)
{
    hmp_run(mon, "migrate_cancel", NULL);
}

static void hmp_info_migrate(Monitor *mon, const char *args)
{
    monitor_printf(mon, "capabilities: events: %s\n",
                   mig.caps[MIG_CAP_EVENTS] ? "on" : "off");
    if (mig.status == MIG_STATUS_NONE) {
        return;
    }
    monitor_printf(mon, "Migration status: %s", mig_status_names[mig.status]);
    if (mig.status == MIG_STATUS_FAILED && mig.error_desc) {
        monitor_printf(mon, " (%s)\n", mig.error_desc);
    } else {
        monitor_puts(mon, "\n");
    }
    if (mig.status == MIG_STATUS_COMPLETED) {
        monitor_printf(mon, "total time: %" PRId64 " ms\n", mig.total_ms);
        monitor_printf(mon, "downtime: %" PRId64 " ms\n", mig.downtime_ms);
        monitor_printf(mon, "DMA state: %" PRIu64 " tables, %" PRIu64
                       " runs, %" PRIu64 " entries, %" PRIu64 " bytes\n",
                       mig.stats.tables, mig.stats.runs, mig.stats.entries,
                       mig.stats.bytes);
    }
}

void migration_monitor_init(void)
{
    qmp_register_command("migrate", qmp_migrate);
    qmp_register_command("migrate_cancel", qmp_migrate_cancel);
    qmp_register_command("migrate-incoming", qmp_migrate_incoming);
    qmp_register_command("query-migrate", qmp_query_migrate);
    qmp_register_command("migrate-set-capabilities",
                         qmp_migrate_set_capabilities);
    qmp_register_command("query-migrate-capabilities",
                         qmp_query_migrate_capabilities);
    hmp_register_command("migrate", "[-d] uri",
                         "migrate to URI (file:PATH or exec:CMD; -d: do not "
                         "wait for completion)", hmp_migrate);
    hmp_register_command("migrate_incoming", "uri",
                         "continue an incoming migration from -incoming defer",
                         hmp_migrate_incoming);
    hmp_register_command("migrate_cancel", "", "cancel the current migration",
                         hmp_migrate_cancel);
    hmp_register_info("migrate", "", "show migration status",
                      hmp_info_migrate);
}

void migration_cleanup(void)
{
    if (mig.out_idle) {
        g_source_remove(mig.out_idle);
    }
    if (mig.in_idle) {
        g_source_remove(mig.in_idle);
    }
    if (mig.out) {
        mig.out_exec ? pclose(mig.out) : fclose(mig.out);
    }
    while (mig.blockers) {
        migrate_del_blocker(((MigBlocker *)mig.blockers->data)->owner);
    }
    g_free(mig.error_desc);
    g_free(mig.in_uri);
    memset(&mig, 0, sizeof(mig));
}
