/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration of the machine's DMA state: a versioned, checksummed stream of
 * every TCE table, the PHBs' DMA window state and the DRC states, written
 * by `migrate` and read by `-incoming` / `migrate-incoming`.
 *
 * Stream format: docs/specs/migration-stream.md.  Commands, run states and
 * events: docs/user/migration.md.
 *
 * Costs: saving walks each table's storage by runs
 * (spapr_tce_storage_for_each_run()), and a run is one record in the
 * stream, so a save costs O(runs in use) for user-owned tables (a
 * kernel-owned table is scanned through the same API, see
 * include/hw/ppc/spapr_tce_storage.h); loading costs O(records).
 *
 * Loading is all-or-nothing: migration_load_buffer() parses and checks the
 * whole stream into a staging structure (header, checksum, version, every
 * record, and the match against this machine: RAM size, the same PHBs with
 * the same DMA properties, the same tables, window geometries the PHB
 * allows, TCE addresses in guest RAM, DRCs with the same devices attached,
 * room under the TCE storage limit) before it changes anything.  Only then
 * does it apply the state, in one memory transaction: every table is
 * disabled and re-enabled with the stream's geometry and entries, so
 * memory listeners (VFIO) see region_del + region_add and replay the
 * loaded entries: host mappings equal the guest view when the load
 * returns.
 *
 * Single-threaded (main loop).
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include "qemu/osdep.h"

typedef struct Error Error;

/* Stream header (docs/specs/migration-stream.md). */
#define MIGRATION_STREAM_MAGIC      "SPAPRDMA"
/*
 * The largest stream body -incoming and migrate-incoming read (they read
 * what the header announces, no more): a bound on the memory a source
 * that never ends could take.  A window's entries travel as runs, so real
 * streams are far below it (10^6 isolated TCEs: 16 MiB).
 */
#define MIGRATION_STREAM_MAX_BODY   (1ULL << 30)
#define MIGRATION_STREAM_VERSION    1

/* Figures of one save or load, for query-migrate and the benchmark. */
typedef struct MigrationStats {
    uint64_t tables;        /* TCE table records */
    uint64_t runs;          /* run records over all tables */
    uint64_t entries;       /* non-zero entries they stand for */
    uint64_t bytes;         /* stream length */
} MigrationStats;

/*
 * Serialize the machine's DMA state into a new buffer (g_byte_array_unref
 * it).  Never fails on a machine that exists; NULL with @errp set when
 * there is no pseries machine.  @stats may be NULL.
 */
GByteArray *migration_save_buffer(MigrationStats *stats, Error **errp);

/*
 * Validate the @len bytes at @buf as a whole stream for this machine, then
 * apply it (see the header comment).  Returns true, or false with @errp set
 * to a one-line reason and the machine unchanged.  Any byte sequence is
 * safe to pass (the fuzz target's entry point): nothing is allocated in
 * proportion to a size the stream claims, only to bytes it holds.
 * @stats may be NULL.
 */
bool migration_load_buffer(const uint8_t *buf, size_t len,
                           MigrationStats *stats, Error **errp);

/*
 * Only the validation half of migration_load_buffer(): true if the stream
 * would load, false with the error it would give.  Changes nothing.
 */
bool migration_check_buffer(const uint8_t *buf, size_t len, Error **errp);

/*
 * Migration blockers (QEMU's migrate_add_blocker()): while one is
 * registered, `migrate` fails with its @reason and changes nothing.
 * @owner identifies it (a device); adding a second blocker for the same
 * owner replaces the first.  migrate_del_blocker() of an owner without one
 * is a no-op.
 */
void migrate_add_blocker(const void *owner, const char *reason);
void migrate_del_blocker(const void *owner);
/* True with @errp set to the first blocker's reason if any is registered. */
bool migration_is_blocked(Error **errp);

/*
 * -incoming URI (system/main.c): "defer" or "file:PATH" / "exec:CMD".
 * Sets the run state to inmigrate; a file/exec URI is loaded from the
 * main loop once start-up is done (migration_incoming_start()).  Returns
 * false with @errp set for an unknown URI.
 */
bool migration_incoming_setup(const char *uri, Error **errp);

/*
 * Start-up is done (called once before the main loop): @autostart is false
 * with -S.  Schedules the load of a file/exec -incoming.
 */
void migration_incoming_start(bool autostart);

/* `cont` in inmigrate: start running once the load completes (QEMU's rule). */
void migration_incoming_autostart(void);

/* True while -incoming was given and no load has completed. */
bool migration_incoming_pending(void);

/*
 * QMP migrate, migrate-incoming, query-migrate, migrate-set-capabilities,
 * query-migrate-capabilities, migrate_cancel; HMP migrate, migrate_incoming
 * and info migrate.  system_monitor_init() calls it.
 */
void migration_monitor_init(void);

/* Forget every blocker and the migration state (tests, process exit). */
void migration_cleanup(void);

#endif /* MIGRATION_MIGRATION_H */
