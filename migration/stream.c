/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DMA-state stream: save the machine's TCE tables, PHB windows and DRC
 * states by runs, and load them all-or-nothing (docs/specs/migration-stream.md).
 */

#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/ppc/spapr_drc.h"
#include "hw/pci-host/spapr.h"
#include "exec/memory.h"
#include "migration/migration.h"
#include "migration-internal.h"
#include "trace.h"

/* ---- Writing ----------------------------------------------------------- */

static void put_u8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

static void put_u32(GByteArray *b, uint32_t v)
{
    uint32_t be = GUINT32_TO_BE(v);

    g_byte_array_append(b, (const guint8 *)&be, 4);
}

static void put_u64(GByteArray *b, uint64_t v)
{
    uint64_t be = GUINT64_TO_BE(v);

    g_byte_array_append(b, (const guint8 *)&be, 8);
}

static void patch_u64(GByteArray *b, size_t off, uint64_t v)
{
    uint64_t be = GUINT64_TO_BE(v);

    memcpy(b->data + off, &be, 8);
}

/* Open a record: type, then a length patched by record_end(). */
static size_t record_begin(GByteArray *b, uint8_t type)
{
    put_u8(b, type);
    put_u64(b, 0);
    return b->len;
}

static void record_end(GByteArray *b, size_t start)
{
    patch_u64(b, start - 8, b->len - start);
}

typedef struct SaveTable {
    GByteArray *b;
    uint64_t tables;
    uint64_t runs;
    uint64_t entries;
} SaveTable;

static int save_run(void *opaque, const SpaprTceRun *run)
{
    SaveTable *st = opaque;

    if (run->count == 1) {
        put_u8(st->b, MIG_RUN_ONE);
        put_u64(st->b, run->index);
    } else {
        put_u8(st->b, run->advance ? MIG_RUN_ADVANCE : MIG_RUN_SAME);
        put_u64(st->b, run->index);
        put_u64(st->b, run->count);
    }
    put_u64(st->b, run->tce);
    st->runs++;
    st->entries += run->count;
    return 0;
}

static void save_table(SpaprTceTable *tcet, void *opaque)
{
    SaveTable *st = opaque;
    SpaprPhbState *phb = spapr_phb_of_table(tcet);
    SaveTable t = { .b = st->b };
    size_t rec = record_begin(st->b, MIG_REC_TABLE);
    size_t counts;
    uint8_t flags = (spapr_tce_table_enabled(tcet) ? MIG_TABLE_ENABLED : 0) |
                    (tcet->def_win ? MIG_TABLE_DEF_WIN : 0);

    put_u32(st->b, tcet->liobn);
    put_u64(st->b, phb ? phb->buid : 0);
    put_u8(st->b, flags);
    put_u32(st->b, tcet->page_shift);
    put_u64(st->b, tcet->bus_offset);
    put_u32(st->b, tcet->nb_table);
    counts = st->b->len;
    put_u64(st->b, 0);      /* runs, patched below */
    put_u64(st->b, 0);      /* entries */
    if (spapr_tce_table_enabled(tcet)) {
        spapr_tce_storage_for_each_run(tcet->storage, 0, tcet->nb_table - 1,
                                       SPAPR_TCE_WALK_NONZERO, save_run, &t);
    }
    patch_u64(st->b, counts, t.runs);
    patch_u64(st->b, counts + 8, t.entries);
    record_end(st->b, rec);
    trace_migration_save_table(tcet->liobn, t.runs, t.entries);
    st->runs += t.runs;
    st->entries += t.entries;
    st->tables++;
}

static gint cmp_u32(gconstpointer a, gconstpointer b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* The PHBs by index. */
static GArray *sorted_phbs(SpaprMachineState *spapr)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(SpaprPhbState *));
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, spapr->phbs);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        g_array_append_val(a, v);
    }
    /* index is the first member compared: sort by it through a key array */
    for (guint i = 1; i < a->len; i++) {
        for (guint j = i; j > 0; j--) {
            SpaprPhbState *p = g_array_index(a, SpaprPhbState *, j - 1);
            SpaprPhbState *q = g_array_index(a, SpaprPhbState *, j);

            if (p->index <= q->index) {
                break;
            }
            g_array_index(a, SpaprPhbState *, j - 1) = q;
            g_array_index(a, SpaprPhbState *, j) = p;
        }
    }
    return a;
}

/* The DRC indexes, ascending. */
static GArray *sorted_drc_indexes(SpaprMachineState *spapr)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, spapr->drcs);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        uint32_t idx = GPOINTER_TO_UINT(k);

        g_array_append_val(a, idx);
    }
    g_array_sort(a, cmp_u32);
    return a;
}

GByteArray *migration_save_buffer(MigrationStats *stats, Error **errp)
{
    SpaprMachineState *spapr = spapr_machine();
    GByteArray *b;
    g_autoptr(GArray) phbs = NULL;
    g_autoptr(GArray) drcs = NULL;
    SaveTable st;
    size_t rec;
    uint32_t crc;

    if (!spapr) {
        error_setg(errp, "There is no pseries machine to migrate");
        return NULL;
    }
    b = g_byte_array_new();
    st = (SaveTable) { .b = b };
    g_byte_array_append(b, (const guint8 *)MIGRATION_STREAM_MAGIC,
                        MIG_MAGIC_LEN);
    put_u32(b, MIGRATION_STREAM_VERSION);
    put_u32(b, 0);
    put_u64(b, 0);          /* body length, patched at the end */

    phbs = sorted_phbs(spapr);
    drcs = sorted_drc_indexes(spapr);

    rec = record_begin(b, MIG_REC_MACHINE);
    put_u64(b, MACHINE(spapr)->ram_size);
    put_u32(b, phbs->len);
    put_u32(b, g_hash_table_size(spapr->tce_tables));
    put_u32(b, drcs->len);
    record_end(b, rec);

    for (guint i = 0; i < phbs->len; i++) {
        SpaprPhbState *phb = g_array_index(phbs, SpaprPhbState *, i);

        rec = record_begin(b, MIG_REC_PHB);
        put_u32(b, phb->index);
        put_u64(b, phb->buid);
        put_u64(b, phb->dma_win_addr);
        put_u64(b, phb->dma_win_size);
        put_u64(b, phb->dma64_win_addr);
        put_u64(b, phb->page_size_mask);
        put_u8(b, phb->ddw_enabled);
        put_u8(b, phb->dr_enabled);
        put_u32(b, phb->tcet[0] ? phb->tcet[0]->liobn : 0);
        put_u32(b, phb->tcet[1] ? phb->tcet[1]->liobn : 0);
        record_end(b, rec);
    }

    spapr_tce_table_foreach(spapr, save_table, &st);

    for (guint i = 0; i < drcs->len; i++) {
        SpaprDrc *drc = spapr_drc_by_index(spapr, g_array_index(drcs, uint32_t, i));

        rec = record_begin(b, MIG_REC_DRC);
        put_u32(b, spapr_drc_index(drc));
        put_u32(b, drc->state);
        put_u8(b, (drc->dev ? MIG_DRC_ATTACHED : 0) |
                  (drc->unplug_requested ? MIG_DRC_UNPLUG : 0));
        put_u32(b, drc->dr_indicator);
        record_end(b, rec);
    }

    rec = record_begin(b, MIG_REC_END);
    record_end(b, rec);

    patch_u64(b, MIG_HEADER_LEN - 8, b->len - MIG_HEADER_LEN);
    crc = crc32(crc32(0L, Z_NULL, 0), b->data, b->len);
    put_u32(b, crc);

    trace_migration_save(st.tables, st.runs, st.entries, b->len);
    if (stats) {
        *stats = (MigrationStats) {
            .tables = st.tables, .runs = st.runs, .entries = st.entries,
            .bytes = b->len,
        };
    }
    return b;
}

/* ---- Reading ----------------------------------------------------------- */

typedef struct Reader {
    const uint8_t *p;
    size_t left;
} Reader;

static bool get_bytes(Reader *r, void *out, size_t n)
{
    if (r->left < n) {
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return true;
}

static bool get_u8(Reader *r, uint8_t *v)
{
    return get_bytes(r, v, 1);
}

static bool get_u32(Reader *r, uint32_t *v)
{
    uint32_t be;

    if (!get_bytes(r, &be, 4)) {
        return false;
    }
    *v = GUINT32_FROM_BE(be);
    return true;
}

static bool get_u64(Reader *r, uint64_t *v)
{
    uint64_t be;

    if (!get_bytes(r, &be, 8)) {
        return false;
    }
    *v = GUINT64_FROM_BE(be);
    return true;
}

/* One table as the stream describes it, entries staged in @entries. */
typedef struct StagedTable {
    SpaprTceTable *tcet;
    bool enabled;
    bool def_win;
    uint32_t page_shift;
    uint64_t bus_offset;
    uint32_t nb_table;
    SpaprTceStorage *entries;   /* NULL when disabled */
} StagedTable;

typedef struct StagedDrc {
    SpaprDrc *drc;
    uint32_t state;
    bool unplug_requested;
    uint32_t dr_indicator;
} StagedDrc;

typedef struct Staging {
    SpaprMachineState *spapr;
    GArray *tables;             /* StagedTable */
    GArray *drcs;               /* StagedDrc */
    GHashTable *seen;           /* record keys already read */
    uint64_t ram_end;           /* [0, ram_end) is known to be guest RAM */
    MigrationStats stats;
} Staging;

static void staging_free(Staging *s)
{
    if (s->tables) {
        for (guint i = 0; i < s->tables->len; i++) {
            spapr_tce_storage_destroy(
                g_array_index(s->tables, StagedTable, i).entries);
        }
        g_array_free(s->tables, TRUE);
    }
    if (s->drcs) {
        g_array_free(s->drcs, TRUE);
    }
    if (s->seen) {
        g_hash_table_destroy(s->seen);
    }
}

/* Record @key (kind << 32 | id) as seen; false if it was already. */
static bool staging_first(Staging *s, uint64_t key)
{
    return g_hash_table_add(s->seen, g_memdup2(&key, sizeof(key)));
}

#define TRUNCATED(errp, what) \
    error_setg(errp, "Migration stream truncated in %s", what)

static bool load_machine(Staging *s, Reader *r, uint32_t *nphb, uint32_t *ntab,
                         uint32_t *ndrc, Error **errp)
{
    uint64_t ram;

    if (!get_u64(r, &ram) || !get_u32(r, nphb) || !get_u32(r, ntab) ||
        !get_u32(r, ndrc)) {
        TRUNCATED(errp, "the machine record");
        return false;
    }
    if (ram != MACHINE(s->spapr)->ram_size) {
        error_setg(errp, "Migration stream: guest RAM is 0x%" PRIx64
                   " bytes, this machine has 0x%" PRIx64, ram,
                   MACHINE(s->spapr)->ram_size);
        return false;
    }
    if (*nphb != g_hash_table_size(s->spapr->phbs)) {
        error_setg(errp, "Migration stream: %u PHBs, this machine has %u",
                   *nphb, g_hash_table_size(s->spapr->phbs));
        return false;
    }
    if (*ntab != g_hash_table_size(s->spapr->tce_tables)) {
        error_setg(errp, "Migration stream: %u TCE tables, this machine "
                   "has %u", *ntab, g_hash_table_size(s->spapr->tce_tables));
        return false;
    }
    if (*ndrc != g_hash_table_size(s->spapr->drcs)) {
        error_setg(errp, "Migration stream: %u DRCs, this machine has %u",
                   *ndrc, g_hash_table_size(s->spapr->drcs));
        return false;
    }
    return true;
}

#define PHB_MISMATCH(errp, phb, field, fmt, a, b) \
    error_setg(errp, "Migration stream: PHB %u " field " is " fmt \
               ", this machine's is " fmt, (phb)->index, (a), (b))

static bool load_phb(Staging *s, Reader *r, Error **errp)
{
    uint32_t index, l0, l1;
    uint64_t buid, dwa, dws, d64, pgsz;
    uint8_t ddw, dr;
    SpaprPhbState *phb;

    if (!get_u32(r, &index) || !get_u64(r, &buid) || !get_u64(r, &dwa) ||
        !get_u64(r, &dws) || !get_u64(r, &d64) || !get_u64(r, &pgsz) ||
        !get_u8(r, &ddw) || !get_u8(r, &dr) || !get_u32(r, &l0) ||
        !get_u32(r, &l1)) {
        TRUNCATED(errp, "a PHB record");
        return false;
    }
    phb = spapr_pci_find_phb(s->spapr, buid);
    if (!phb || phb->index != index) {
        error_setg(errp, "Migration stream: PHB %u (BUID 0x%" PRIx64
                   ") is not on this machine", index, buid);
        return false;
    }
    if (!staging_first(s, (uint64_t)MIG_REC_PHB << 32 | index)) {
        error_setg(errp, "Migration stream: PHB %u appears twice", index);
        return false;
    }
    if (dwa != phb->dma_win_addr) {
        PHB_MISMATCH(errp, phb, "dma_win_addr", "0x%" PRIx64, dwa,
                     phb->dma_win_addr);
        return false;
    }
    if (dws != phb->dma_win_size) {
        PHB_MISMATCH(errp, phb, "dma_win_size", "0x%" PRIx64, dws,
                     phb->dma_win_size);
        return false;
    }
    if (d64 != phb->dma64_win_addr) {
        PHB_MISMATCH(errp, phb, "dma64_win_addr", "0x%" PRIx64, d64,
                     phb->dma64_win_addr);
        return false;
    }
    if (pgsz != phb->page_size_mask) {
        PHB_MISMATCH(errp, phb, "pgsz", "0x%" PRIx64, pgsz,
                     phb->page_size_mask);
        return false;
    }
    if (!!ddw != phb->ddw_enabled) {
        PHB_MISMATCH(errp, phb, "ddw", "%s", ddw ? "on" : "off",
                     phb->ddw_enabled ? "on" : "off");
        return false;
    }
    if (!!dr != phb->dr_enabled) {
        PHB_MISMATCH(errp, phb, "dynamic-reconfiguration", "%s",
                     dr ? "on" : "off", phb->dr_enabled ? "on" : "off");
        return false;
    }
    if (l0 != (phb->tcet[0] ? phb->tcet[0]->liobn : 0) ||
        l1 != (phb->tcet[1] ? phb->tcet[1]->liobn : 0)) {
        error_setg(errp, "Migration stream: PHB %u has LIOBNs 0x%x/0x%x, "
                   "this machine's has 0x%x/0x%x", index, l0, l1,
                   phb->tcet[0] ? phb->tcet[0]->liobn : 0,
                   phb->tcet[1] ? phb->tcet[1]->liobn : 0);
        return false;
    }
    return true;
}

/*
 * The window @t may exist on this machine: the table's own rules, and for
 * a PHB's table, the PHB's (default window geometry, DDW page sizes and
 * placement).
 */
static bool check_window(StagedTable *t, SpaprPhbState *phb, Error **errp)
{
    uint32_t liobn = t->tcet->liobn;
    uint64_t last;

    if (!t->enabled) {
        if (t->page_shift || t->bus_offset || t->nb_table) {
            error_setg(errp, "Migration stream: disabled TCE table 0x%x has "
                       "a geometry", liobn);
            return false;
        }
        return true;
    }
    if (!t->nb_table || t->page_shift < SPAPR_TCE_PAGE_SHIFT ||
        t->page_shift > 63 ||
        (t->nb_table - 1ULL) > (UINT64_MAX >> t->page_shift)) {
        error_setg(errp, "Migration stream: TCE table 0x%x has an invalid "
                   "geometry (%u entries of 2^%u bytes)", liobn, t->nb_table,
                   t->page_shift);
        return false;
    }
    last = ((uint64_t)t->nb_table - 1) << t->page_shift |
           ((1ULL << t->page_shift) - 1);
    if (t->bus_offset & ((1ULL << t->page_shift) - 1) ||
        t->bus_offset + last < t->bus_offset) {
        error_setg(errp, "Migration stream: TCE table 0x%x window at 0x%"
                   PRIx64 " is misaligned or wraps past 2^64", liobn,
                   t->bus_offset);
        return false;
    }
    if (!phb) {
        return true;
    }
    if (t->def_win) {
        if (t->page_shift != SPAPR_TCE_PAGE_SHIFT ||
            t->bus_offset != phb->dma_win_addr ||
            t->nb_table != phb->dma_win_size >> SPAPR_TCE_PAGE_SHIFT) {
            error_setg(errp, "Migration stream: default window 0x%x of PHB "
                       "%u (0x%" PRIx64 ", %u entries of 2^%u) is not this "
                       "machine's (0x%" PRIx64 ", %" PRIu64 " entries of "
                       "2^12)", liobn, phb->index, t->bus_offset, t->nb_table,
                       t->page_shift, phb->dma_win_addr,
                       phb->dma_win_size >> SPAPR_TCE_PAGE_SHIFT);
            return false;
        }
        return true;
    }
    if (!phb->ddw_enabled) {
        error_setg(errp, "Migration stream: PHB %u has a dynamic window "
                   "0x%x but ddw=off here", phb->index, liobn);
        return false;
    }
    if (!(phb->page_size_mask & (1ULL << t->page_shift)) ||
        (t->nb_table & (t->nb_table - 1)) ||
        (t->bus_offset != phb->dma_win_addr &&
         t->bus_offset != phb->dma64_win_addr)) {
        error_setg(errp, "Migration stream: dynamic window 0x%x of PHB %u "
                   "(0x%" PRIx64 ", %u entries of 2^%u) is outside this "
                   "machine's limits (pgsz 0x%" PRIx64 ")", liobn,
                   phb->index, t->bus_offset, t->nb_table, t->page_shift,
                   phb->page_size_mask);
        return false;
    }
    return true;
}

static bool load_runs(Staging *s, StagedTable *t, Reader *r, uint64_t nruns,
                      uint64_t nentries, Error **errp)
{
    uint32_t liobn = t->tcet->liobn;
    uint64_t mask = (1ULL << t->page_shift) - 1;
    uint64_t next = 0, total = 0;

    for (uint64_t i = 0; i < nruns; i++) {
        uint8_t kind;
        uint64_t index, count = 1, tce;
        int ret;

        if (!get_u8(r, &kind) || !get_u64(r, &index) ||
            (kind != MIG_RUN_ONE && !get_u64(r, &count)) ||
            !get_u64(r, &tce)) {
            error_setg(errp, "Migration stream truncated in the runs of TCE "
                       "table 0x%x", liobn);
            return false;
        }
        if (kind != MIG_RUN_ONE && kind != MIG_RUN_SAME &&
            kind != MIG_RUN_ADVANCE) {
            error_setg(errp, "Migration stream: TCE table 0x%x: unknown run "
                       "kind %u", liobn, kind);
            return false;
        }
        if (!count || index < next || index >= t->nb_table ||
            count > t->nb_table - index) {
            error_setg(errp, "Migration stream: TCE table 0x%x: run at "
                       "entry 0x%" PRIx64 " of 0x%" PRIx64 " entries is out "
                       "of order or outside the window", liobn, index, count);
            return false;
        }
        if (!tce || (kind == MIG_RUN_ADVANCE &&
                     count - 1 > (UINT64_MAX - tce) >> t->page_shift)) {
            error_setg(errp, "Migration stream: TCE table 0x%x: run at "
                       "entry 0x%" PRIx64 " has an invalid value 0x%" PRIx64,
                       liobn, index, tce);
            return false;
        }
        if (tce & SPAPR_TCE_PERM_MASK) {
            uint64_t span = kind == MIG_RUN_ADVANCE ? count : 1;

            uint64_t gpa = tce & ~mask, bytes = span << t->page_shift;

            if (span > (UINT64_MAX >> t->page_shift) ||
                (!(gpa < s->ram_end && bytes <= s->ram_end - gpa) &&
                 !spapr_gpa_range_in_ram(s->spapr, gpa, bytes))) {
                error_setg(errp, "Migration stream: TCE table 0x%x: entry "
                           "0x%" PRIx64 " maps 0x%" PRIx64 ", outside guest "
                           "RAM", liobn, index, tce);
                return false;
            }
        }
        if (kind == MIG_RUN_ONE) {
            ret = spapr_tce_storage_set(t->entries, index, tce);
        } else {
            ret = spapr_tce_storage_fill(t->entries, index, count, tce,
                                         kind == MIG_RUN_ADVANCE);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Migration stream: cannot stage TCE "
                             "table 0x%x", liobn);
            return false;
        }
        next = index + count;
        total += count;
    }
    if (total != nentries) {
        error_setg(errp, "Migration stream: TCE table 0x%x claims 0x%" PRIx64
                   " entries, its runs hold 0x%" PRIx64, liobn, nentries,
                   total);
        return false;
    }
    s->stats.runs += nruns;
    s->stats.entries += total;
    return true;
}

static bool load_table(Staging *s, Reader *r, Error **errp)
{
    uint32_t liobn;
    uint64_t owner, nruns, nentries;
    uint8_t flags;
    StagedTable t = { 0 };
    SpaprPhbState *phb;

    if (!get_u32(r, &liobn) || !get_u64(r, &owner) || !get_u8(r, &flags) ||
        !get_u32(r, &t.page_shift) || !get_u64(r, &t.bus_offset) ||
        !get_u32(r, &t.nb_table) || !get_u64(r, &nruns) ||
        !get_u64(r, &nentries)) {
        TRUNCATED(errp, "a TCE table record");
        return false;
    }
    t.tcet = spapr_tce_find_by_liobn(s->spapr, liobn);
    if (!t.tcet) {
        error_setg(errp, "Migration stream: TCE table 0x%x is not on this "
                   "machine", liobn);
        return false;
    }
    if (!staging_first(s, (uint64_t)MIG_REC_TABLE << 32 | liobn)) {
        error_setg(errp, "Migration stream: TCE table 0x%x appears twice",
                   liobn);
        return false;
    }
    phb = spapr_phb_of_table(t.tcet);
    if (owner != (phb ? phb->buid : 0)) {
        error_setg(errp, "Migration stream: TCE table 0x%x belongs to BUID "
                   "0x%" PRIx64 ", here to 0x%" PRIx64, liobn, owner,
                   phb ? phb->buid : 0);
        return false;
    }
    if (flags & ~(MIG_TABLE_ENABLED | MIG_TABLE_DEF_WIN)) {
        error_setg(errp, "Migration stream: TCE table 0x%x: unknown flags "
                   "0x%x", liobn, flags);
        return false;
    }
    t.enabled = flags & MIG_TABLE_ENABLED;
    t.def_win = flags & MIG_TABLE_DEF_WIN;
    if (!check_window(&t, phb, errp)) {
        return false;
    }
    if (!t.enabled) {
        if (nruns || nentries) {
            error_setg(errp, "Migration stream: disabled TCE table 0x%x has "
                       "entries", liobn);
            return false;
        }
    } else {
        /* Charged to the machine's budget; staging lifts its limit. */
        t.entries = spapr_tce_storage_new_user(t.nb_table, t.page_shift,
                                               &s->spapr->tce_budget);
    }
    g_array_append_val(s->tables, t);
    s->stats.tables++;
    if (t.enabled && !load_runs(s, &g_array_index(s->tables, StagedTable,
                                                  s->tables->len - 1),
                                r, nruns, nentries, errp)) {
        return false;
    }
    return true;
}

static bool load_drc(Staging *s, Reader *r, Error **errp)
{
    uint32_t index, state, ind;
    uint8_t flags;
    StagedDrc d;
    bool physical;

    if (!get_u32(r, &index) || !get_u32(r, &state) || !get_u8(r, &flags) ||
        !get_u32(r, &ind)) {
        TRUNCATED(errp, "a DRC record");
        return false;
    }
    d.drc = spapr_drc_by_index(s->spapr, index);
    if (!d.drc) {
        error_setg(errp, "Migration stream: DRC 0x%x is not on this machine",
                   index);
        return false;
    }
    if (!staging_first(s, (uint64_t)MIG_REC_DRC << 32 | index)) {
        error_setg(errp, "Migration stream: DRC 0x%x appears twice", index);
        return false;
    }
    if (flags & ~(MIG_DRC_ATTACHED | MIG_DRC_UNPLUG)) {
        error_setg(errp, "Migration stream: DRC 0x%x: unknown flags 0x%x",
                   index, flags);
        return false;
    }
    if (!!(flags & MIG_DRC_ATTACHED) != !!d.drc->dev) {
        error_setg(errp, "Migration stream: DRC 0x%x has %s device, this "
                   "machine's has %s", index,
                   flags & MIG_DRC_ATTACHED ? "a" : "no",
                   d.drc->dev ? "one" : "none");
        return false;
    }
    physical = spapr_drc_is_physical(d.drc);
    if ((physical && (state < SPAPR_DRC_STATE_PHYSICAL_AVAILABLE ||
                      state > SPAPR_DRC_STATE_PHYSICAL_CONFIGURED)) ||
        (!physical && (state < SPAPR_DRC_STATE_LOGICAL_UNUSABLE ||
                       state > SPAPR_DRC_STATE_LOGICAL_CONFIGURED)) ||
        ind > SPAPR_DR_INDICATOR_ACTION ||
        ((flags & MIG_DRC_UNPLUG) && !d.drc->dev)) {
        error_setg(errp, "Migration stream: DRC 0x%x has an invalid state "
                   "(%u, indicator %u, flags 0x%x)", index, state, ind,
                   flags);
        return false;
    }
    /*
     * Reachable states only: a DRC without a device is in its empty state
     * (attaching asserts it), and an unplug requested in the empty state
     * would have released the device at once.
     */
    if ((!d.drc->dev && state != spapr_drc_empty_state(d.drc)) ||
        /* a physical DRC is never made "available" here (QEMU neither) */
        (d.drc->dev && physical &&
         state == SPAPR_DRC_STATE_PHYSICAL_AVAILABLE) ||
        ((flags & MIG_DRC_UNPLUG) && state == spapr_drc_empty_state(d.drc))) {
        error_setg(errp, "Migration stream: DRC 0x%x: state %u cannot go "
                   "with %s", index, state, !d.drc->dev ? "no device" :
                   (flags & MIG_DRC_UNPLUG) ? "a pending unplug" : "a device");
        return false;
    }
    d.state = state;
    d.unplug_requested = flags & MIG_DRC_UNPLUG;
    d.dr_indicator = ind;
    g_array_append_val(s->drcs, d);
    return true;
}

/* Bytes the machine's tables hold now (what an apply gives back). */
static void add_table_bytes(SpaprTceTable *tcet, void *opaque)
{
    if (tcet->storage) {
        *(uint64_t *)opaque += spapr_tce_storage_bytes_used(tcet->storage);
    }
}

static bool stage_body(Staging *s, Reader *r, Error **errp)
{
    uint32_t nphb = 0, ntab = 0, ndrc = 0;
    unsigned seen_phb = 0, seen_tab = 0, seen_drc = 0;
    bool have_machine = false;

    for (;;) {
        uint8_t type;
        uint64_t len;
        Reader rec;
        bool ok;

        if (!get_u8(r, &type) || !get_u64(r, &len)) {
            TRUNCATED(errp, "a record header");
            return false;
        }
        if (len > r->left) {
            error_setg(errp, "Migration stream truncated: a record of %"
                       PRIu64 " bytes, %zu left", len, r->left);
            return false;
        }
        rec = (Reader) { .p = r->p, .left = len };
        r->p += len;
        r->left -= len;
        if (type == MIG_REC_END) {
            break;
        }
        if (!have_machine && type != MIG_REC_MACHINE) {
            error_setg(errp, "Migration stream: the first record is not the "
                       "machine's (type %u)", type);
            return false;
        }
        switch (type) {
        case MIG_REC_MACHINE:
            if (have_machine) {
                error_setg(errp, "Migration stream: two machine records");
                return false;
            }
            ok = load_machine(s, &rec, &nphb, &ntab, &ndrc, errp);
            have_machine = true;
            break;
        case MIG_REC_PHB:
            ok = load_phb(s, &rec, errp);
            seen_phb++;
            break;
        case MIG_REC_TABLE:
            ok = load_table(s, &rec, errp);
            seen_tab++;
            break;
        case MIG_REC_DRC:
            ok = load_drc(s, &rec, errp);
            seen_drc++;
            break;
        default:
            error_setg(errp, "Migration stream: unknown record type %u", type);
            return false;
        }
        if (!ok) {
            return false;
        }
        if (rec.left) {
            error_setg(errp, "Migration stream: %zu stray bytes in a record "
                       "of type %u", rec.left, type);
            return false;
        }
    }
    if (r->left) {
        error_setg(errp, "Migration stream: %zu bytes after the end record",
                   r->left);
        return false;
    }
    if (!have_machine || seen_phb != nphb || seen_tab != ntab ||
        seen_drc != ndrc) {
        error_setg(errp, "Migration stream is incomplete: %u/%u PHBs, %u/%u "
                   "TCE tables, %u/%u DRCs", seen_phb, nphb, seen_tab, ntab,
                   seen_drc, ndrc);
        return false;
    }
    return true;
}

/*
 * The staged windows as a set, PHB by PHB: what the guest could reach
 * (the default window flag only on the PHB's first table, enabled windows
 * that do not overlap), and what the consumers of each DMA address space
 * take (the veto of a DMA reset: every window replaced; a VFIO container
 * checks the page size and levels its host can honour).
 */
/* The last bus address of an enabled staged window (checked: no wrap). */
static uint64_t staged_last(const StagedTable *t)
{
    return t->bus_offset + (((uint64_t)t->nb_table - 1) << t->page_shift |
                            ((1ULL << t->page_shift) - 1));
}

static bool check_window_set(Staging *s, Error **errp)
{
    for (guint i = 0; i < s->tables->len; i++) {
        StagedTable *t = &g_array_index(s->tables, StagedTable, i);
        SpaprPhbState *phb = spapr_phb_of_table(t->tcet);

        if (!phb) {
            continue;
        }
        if (t->def_win && t->tcet != phb->tcet[0]) {
            error_setg(errp, "Migration stream: TCE table 0x%x of PHB %u "
                       "cannot be its default window", t->tcet->liobn,
                       phb->index);
            return false;
        }
        if (!t->enabled) {
            continue;
        }
        for (guint k = i + 1; k < s->tables->len; k++) {
            StagedTable *o = &g_array_index(s->tables, StagedTable, k);

            if (o->enabled && spapr_phb_of_table(o->tcet) == phb &&
                staged_last(t) >= o->bus_offset &&
                staged_last(o) >= t->bus_offset) {
                error_setg(errp, "Migration stream: TCE tables 0x%x and 0x%x "
                           "of PHB %u overlap", t->tcet->liobn,
                           o->tcet->liobn, phb->index);
                return false;
            }
        }
        if (!spapr_tce_table_check_window(t->tcet, t->page_shift,
                                          t->bus_offset, t->nb_table, true,
                                          errp)) {
            error_prepend(errp, "Migration stream: TCE table 0x%x: ",
                          t->tcet->liobn);
            return false;
        }
    }
    return true;
}

/* Header, checksum and body into @s; nothing of the machine changes. */
static bool stage(Staging *s, const uint8_t *buf, size_t len, Error **errp)
{
    SpaprTceBudget *budget;
    uint64_t limit, held = 0;
    Reader r = { .p = buf, .left = len };
    char magic[MIG_MAGIC_LEN];
    uint32_t version, flags, crc_stream, crc;
    uint64_t body;
    bool ok;

    s->spapr = spapr_machine();
    if (!s->spapr) {
        error_setg(errp, "There is no pseries machine to load into");
        return false;
    }
    s->tables = g_array_new(FALSE, TRUE, sizeof(StagedTable));
    s->drcs = g_array_new(FALSE, TRUE, sizeof(StagedDrc));
    s->seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    /* One look-up for the common case: RAM from 0, one piece. */
    if (spapr_gpa_range_in_ram(s->spapr, 0, MACHINE(s->spapr)->ram_size)) {
        s->ram_end = MACHINE(s->spapr)->ram_size;
    }

    if (!get_bytes(&r, magic, MIG_MAGIC_LEN)) {
        error_setg(errp, "Migration stream truncated: %zu bytes, no header",
                   len);
        return false;
    }
    if (memcmp(magic, MIGRATION_STREAM_MAGIC, MIG_MAGIC_LEN)) {
        error_setg(errp, "Not a migration stream (bad magic)");
        return false;
    }
    if (!get_u32(&r, &version) || !get_u32(&r, &flags) ||
        !get_u64(&r, &body)) {
        error_setg(errp, "Migration stream truncated: %zu bytes, no header",
                   len);
        return false;
    }
    if (version != MIGRATION_STREAM_VERSION) {
        error_setg(errp, "Unsupported migration stream version %u (this "
                   "build reads version %u)", version,
                   MIGRATION_STREAM_VERSION);
        return false;
    }
    if (flags) {
        error_setg(errp, "Migration stream: unknown header flags 0x%x", flags);
        return false;
    }
    if (r.left < 4 || body != r.left - 4) {
        error_setg(errp, "Migration stream truncated: header says %" PRIu64
                   " bytes of records, %zu present", body,
                   r.left < 4 ? 0 : r.left - 4);
        return false;
    }
    memcpy(&crc_stream, buf + len - 4, 4);
    crc_stream = GUINT32_FROM_BE(crc_stream);
    crc = crc32(crc32(0L, Z_NULL, 0), buf, len - 4);
    if (crc != crc_stream) {
        error_setg(errp, "Migration stream checksum mismatch (stream 0x%08x, "
                   "computed 0x%08x)", crc_stream, crc);
        return false;
    }
    r.left -= 4;

    /* Staged entries are charged as they will be once applied; the limit
     * is checked once, below, against what the machine holds then. */
    budget = &s->spapr->tce_budget;
    limit = budget->limit;
    budget->limit = 0;
    ok = stage_body(s, &r, errp);
    budget->limit = limit;
    if (!ok) {
        return false;
    }
    if (!check_window_set(s, errp)) {
        return false;
    }
    spapr_tce_table_foreach(s->spapr, add_table_bytes, &held);
    if (limit && budget->used - held > limit) {
        error_setg(errp, "Migration stream: its TCE tables need %" PRIu64
                   " bytes, over tce-storage-limit (%" PRIu64 ")",
                   budget->used - held, limit);
        return false;
    }
    s->stats.bytes = len;
    return true;
}

/* ---- Applying ---------------------------------------------------------- */

/*
 * A PHB whose only window sits at dma64_win_addr (the guest created a DDW
 * beside the default window, then removed the default one): a host that
 * hands out its window slots in order (sPAPR v2: the first window at 0)
 * would place a lone new window at dma_win_addr, and the container would
 * hold it broken.  The source got there with the default window present
 * when the DDW was made; do the same: an empty default window on the free
 * table, in the same transaction (listeners add in address order), removed
 * once the other window exists.  Returns the placeholder or NULL.
 */
static SpaprTceTable *placeholder_window(SpaprPhbState *phb)
{
    SpaprTceTable *lone = NULL, *free_tcet = NULL;

    if (!phb->tcet[1] || phb->dma64_win_addr == phb->dma_win_addr) {
        return NULL;
    }
    for (unsigned i = 0; i < 2; i++) {
        if (spapr_tce_table_enabled(phb->tcet[i])) {
            if (lone) {
                return NULL;
            }
            lone = phb->tcet[i];
        } else {
            free_tcet = phb->tcet[i];
        }
    }
    if (!lone || lone->bus_offset != phb->dma64_win_addr ||
        !spapr_tce_table_enable_forced(free_tcet, SPAPR_TCE_PAGE_SHIFT,
                                       phb->dma_win_addr,
                                       phb->dma_win_size >>
                                       SPAPR_TCE_PAGE_SHIFT, NULL)) {
        return NULL;
    }
    return free_tcet;
}

static void apply(Staging *s)
{
    g_autoptr(GPtrArray) placeholders = g_ptr_array_new();
    GHashTableIter it;
    gpointer phb;

    memory_region_transaction_begin();
    for (guint i = 0; i < s->tables->len; i++) {
        StagedTable *t = &g_array_index(s->tables, StagedTable, i);
        SpaprTceTable *tcet = t->tcet;
        Error *err = NULL;

        spapr_tce_table_disable(tcet);
        tcet->def_win = t->def_win;
        if (!t->enabled) {
            continue;
        }
        /* Checked by check_window(): the table's own rules hold. */
        if (!spapr_tce_table_enable_forced(tcet, t->page_shift, t->bus_offset,
                                           t->nb_table, &err)) {
            error_report_err(err);
            continue;
        }
        if (spapr_tce_storage_is_kernel(tcet->storage)) {
            /* The kernel's own table: copy the runs in (O(runs)). */
            int ret = spapr_tce_storage_move(tcet->storage, t->entries);

            if (ret < 0) {
                error_report("migration: TCE table 0x%x: cannot copy the "
                             "entries into the kernel table: %s",
                             tcet->liobn, strerror(-ret));
            }
        } else {
            /* The staged storage becomes the table's (same owner kind). */
            spapr_tce_storage_destroy(tcet->storage);
            tcet->storage = t->entries;
            t->entries = NULL;
        }
        trace_migration_load_table(tcet->liobn, t->nb_table,
                                   spapr_tce_storage_count_valid(tcet->storage));
    }
    g_hash_table_iter_init(&it, s->spapr->phbs);
    while (g_hash_table_iter_next(&it, NULL, &phb)) {
        SpaprTceTable *p = placeholder_window(phb);

        if (p) {
            g_ptr_array_add(placeholders, p);
        }
    }
    /* Listeners see region_del + region_add here and replay the entries. */
    memory_region_transaction_commit();
    for (guint i = 0; i < placeholders->len; i++) {
        spapr_tce_table_disable(placeholders->pdata[i]);
    }

    for (guint i = 0; i < s->drcs->len; i++) {
        StagedDrc *d = &g_array_index(s->drcs, StagedDrc, i);

        d->drc->state = d->state;
        d->drc->unplug_requested = d->unplug_requested;
        d->drc->dr_indicator = d->dr_indicator;
        /* The configure-connector walk starts again (not migrated). */
        g_free(d->drc->fdt);
        d->drc->fdt = NULL;
        d->drc->ccs_offset = 0;
        d->drc->ccs_depth = 0;
    }
}

bool migration_check_buffer(const uint8_t *buf, size_t len, Error **errp)
{
    Staging s = { 0 };
    bool ok = stage(&s, buf, len, errp);

    staging_free(&s);
    return ok;
}

bool migration_load_buffer(const uint8_t *buf, size_t len,
                           MigrationStats *stats, Error **errp)
{
    Staging s = { 0 };
    bool ok = stage(&s, buf, len, errp);

    if (ok) {
        apply(&s);
        trace_migration_load(s.stats.tables, s.stats.runs, s.stats.entries,
                             len);
        if (stats) {
            *stats = s.stats;
        }
    } else {
        trace_migration_load_refused(len);
    }
    staging_free(&s);
    return ok;
}
