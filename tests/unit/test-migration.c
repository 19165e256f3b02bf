/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the DMA-state stream (migration/stream.c): a round trip
 * between two machines in turn, and every class of bad stream refused with
 * its exact error and the destination left byte-for-byte as it was.
 */

#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/ppc/spapr_drc.h"
#include "hw/pci-host/spapr.h"
#include "migration/migration.h"
#include "system/system.h"
#include "system/runstate.h"
#include "monitor/qmp.h"
#include "qom/object_interfaces.h"

#define RAM_SIZE    (1ULL << 30)
#define LIOBN0      0x80000000U
#define LIOBN1      0x80000001U
#define DDW_BUS     SPAPR_PCI_DMA64_WIN_ADDR_DEFAULT
#define DDW_ENTRIES (1U << 31)
#define UNIQUE_TCE  0x12345003ULL       /* found in the stream by value */
#define LIST_GPA    0x100000ULL

static SpaprMachineState *machine_up(const char *globals, uint64_t ram)
{
    SpaprMachineState *spapr;

    memory_map_init();
    if (globals) {
        g_assert_true(system_add_global(globals, &error_abort));
    }
    g_assert_true(system_create_machine("pseries", ram, &error_abort));
    spapr = spapr_machine();
    machine_reset(MACHINE(spapr));
    return spapr;
}

static void machine_down(void)
{
    machine_destroy(MACHINE(spapr_machine()));
    qdev_prop_clear_globals();
    memory_map_cleanup();
    migration_cleanup();
}

static SpaprPhbState *phb0(SpaprMachineState *spapr)
{
    return spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);
}

static target_ulong hcall(SpaprMachineState *spapr, target_ulong opcode,
                          target_ulong a0, target_ulong a1, target_ulong a2,
                          target_ulong a3, target_ulong *out)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };
    target_ulong ret = spapr_hypercall(spapr, opcode, args);

    if (out) {
        *out = args[0];
    }
    return ret;
}

static uint64_t get_tce(SpaprMachineState *spapr, uint32_t liobn,
                        uint64_t ioba)
{
    target_ulong tce = 0xdead;

    g_assert_cmpint(hcall(spapr, H_GET_TCE, liobn, ioba, 0, 0, &tce), ==,
                    H_SUCCESS);
    return tce;
}

/* Pseudo-random scattered DDW indexes: same sequence on both sides. */
static uint64_t scattered(unsigned i)
{
    return ((uint64_t)i * 2654435761u) % DDW_ENTRIES;
}

#define NSCATTER 5000

/*
 * The source state: default window with one entry, a poisoned entry (no
 * permission), a stuffed run and a direct-mapped run; a 2^31-entry DDW of
 * 64 KiB pages with scattered entries; a DRC with its indicator changed.
 */
static void make_source(SpaprMachineState *spapr)
{
    SpaprPhbState *phb = phb0(spapr);
    uint64_t list[512];

    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN0, 0x1000, UNIQUE_TCE, 0,
                          NULL), ==, H_SUCCESS);
    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN0, 0x3000, 0x7000, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmpint(hcall(spapr, H_STUFF_TCE, LIOBN0, 0x100000, 0x200001,
                          1000, NULL), ==, H_SUCCESS);
    for (unsigned i = 0; i < 512; i++) {
        list[i] = GUINT64_TO_BE(0x1000000ULL + ((uint64_t)i << 12) + 3);
    }
    address_space_write(&address_space_memory, LIST_GPA, list, sizeof(list));
    g_assert_cmpint(hcall(spapr, H_PUT_TCE_INDIRECT, LIOBN0, 0x800000,
                          LIST_GPA, 512, NULL), ==, H_SUCCESS);

    g_assert_true(spapr_tce_table_enable(phb->tcet[1], 16, DDW_BUS,
                                         DDW_ENTRIES, &error_abort));
    for (unsigned i = 0; i < NSCATTER; i++) {
        g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN1,
                              DDW_BUS + (scattered(i) << 16),
                              ((uint64_t)(i % 1000) << 16) | (1 + (i & 1)),
                              0, NULL), ==, H_SUCCESS);
    }
    phb->drcs[8]->dr_indicator = 1;
}

static void check_dest(SpaprMachineState *spapr)
{
    SpaprPhbState *phb = phb0(spapr);

    g_assert_cmphex(get_tce(spapr, LIOBN0, 0x1000), ==, UNIQUE_TCE);
    g_assert_cmphex(get_tce(spapr, LIOBN0, 0x2000), ==, 0);
    g_assert_cmphex(get_tce(spapr, LIOBN0, 0x3000), ==, 0x7000);
    for (unsigned i = 0; i < 1000; i++) {
        g_assert_cmphex(get_tce(spapr, LIOBN0, 0x100000 + i * 0x1000), ==,
                        0x200001);
    }
    g_assert_cmphex(get_tce(spapr, LIOBN0, 0x100000 + 1000 * 0x1000), ==, 0);
    for (unsigned i = 0; i < 512; i++) {
        g_assert_cmphex(get_tce(spapr, LIOBN0, 0x800000 + i * 0x1000), ==,
                        0x1000000ULL + ((uint64_t)i << 12) + 3);
    }
    g_assert_true(spapr_tce_table_enabled(phb->tcet[1]));
    g_assert_false(phb->tcet[1]->def_win);
    g_assert_true(phb->tcet[0]->def_win);
    g_assert_cmpuint(phb->tcet[1]->nb_table, ==, DDW_ENTRIES);
    g_assert_cmpuint(phb->tcet[1]->page_shift, ==, 16);
    g_assert_cmphex(phb->tcet[1]->bus_offset, ==, DDW_BUS);
    for (unsigned i = 0; i < NSCATTER; i++) {
        g_assert_cmphex(get_tce(spapr, LIOBN1, DDW_BUS + (scattered(i) << 16)),
                        ==, ((uint64_t)(i % 1000) << 16) | (1 + (i & 1)));
    }
    g_assert_cmpuint(spapr_tce_storage_count_valid(phb->tcet[0]->storage), ==,
                     1 + 1000 + 512);
    g_assert_cmpuint(phb->drcs[8]->dr_indicator, ==, 1);
}

static GByteArray *save(void)
{
    MigrationStats st;
    GByteArray *b = migration_save_buffer(&st, &error_abort);

    g_assert_cmpuint(st.bytes, ==, b->len);
    return b;
}

static GByteArray *source_stream(void)
{
    GByteArray *b;

    make_source(machine_up(NULL, RAM_SIZE));
    b = save();
    machine_down();
    return b;
}

static void test_round_trip(void)
{
    g_autoptr(GByteArray) b = source_stream();
    g_autoptr(GByteArray) again = NULL;
    MigrationStats st;
    SpaprMachineState *spapr = machine_up(NULL, RAM_SIZE);

    g_assert_true(migration_load_buffer(b->data, b->len, &st, &error_abort));
    g_assert_cmpuint(st.tables, ==, 2);
    /* one + poisoned + stuffed + direct map, then the scattered entries */
    g_assert_cmpuint(st.runs, ==, 4 + NSCATTER);
    g_assert_cmpuint(st.entries, ==, 1 + 1 + 1000 + 512 + NSCATTER);
    check_dest(spapr);
    /* Saving the loaded machine gives the same stream back. */
    again = save();
    g_assert_cmpmem(again->data, again->len, b->data, b->len);
    machine_down();
}

/* A direct-mapped window is a handful of runs, whatever its size. */
static void test_direct_map_is_one_run(void)
{
    SpaprMachineState *spapr = machine_up(NULL, RAM_SIZE);
    SpaprPhbState *phb = phb0(spapr);
    g_autoptr(GByteArray) b = NULL, empty = save();
    MigrationStats st;

    g_assert_cmpint(spapr_tce_storage_fill(phb->tcet[0]->storage, 0,
                                           RAM_SIZE >> 12, 3, true), ==, 0);
    b = migration_save_buffer(&st, &error_abort);
    g_assert_cmpuint(st.runs, ==, 1);
    g_assert_cmpuint(st.entries, ==, RAM_SIZE >> 12);
    /* One run record: kind, index, count, value. */
    g_assert_cmpuint(b->len, ==, empty->len + 1 + 8 + 8 + 8);
    machine_down();
    spapr = machine_up(NULL, RAM_SIZE);
    g_assert_true(migration_load_buffer(b->data, b->len, NULL, &error_abort));
    g_assert_cmphex(get_tce(spapr, LIOBN0, (RAM_SIZE >> 12) * 0x1000 - 0x1000),
                    ==, RAM_SIZE - 0x1000 + 3);
    machine_down();
}

/* ---- refusals ------------------------------------------------------------ */

static void recrc(GByteArray *b)
{
    uint32_t crc = GUINT32_TO_BE(crc32(crc32(0L, Z_NULL, 0), b->data,
                                       b->len - 4));

    memcpy(b->data + b->len - 4, &crc, 4);
}

/* Offset of the big-endian u64 @v in @b (must be there once). */
static size_t find_u64(GByteArray *b, uint64_t v)
{
    uint64_t be = GUINT64_TO_BE(v);
    size_t found = 0;
    unsigned hits = 0;

    for (size_t i = 0; i + 8 <= b->len; i++) {
        if (!memcmp(b->data + i, &be, 8)) {
            found = i;
            hits++;
        }
    }
    g_assert_cmpuint(hits, ==, 1);
    return found;
}

typedef GByteArray *(*Mangle)(GByteArray *src);

typedef struct RefuseCase {
    const char *path;
    const char *globals;        /* of the destination */
    uint64_t ram;
    Mangle mangle;
    const char *error;          /* exact, or a prefix ending in '*' */
} RefuseCase;

static GByteArray *m_truncate(GByteArray *b)
{
    g_byte_array_set_size(b, 100);
    return b;
}

static GByteArray *m_tiny(GByteArray *b)
{
    g_byte_array_set_size(b, 5);
    return b;
}

static GByteArray *m_magic(GByteArray *b)
{
    b->data[0] = 'X';
    return b;
}

static GByteArray *m_version(GByteArray *b)
{
    b->data[11] = 2;
    return b;
}

static GByteArray *m_flip(GByteArray *b)
{
    b->data[b->len / 2] ^= 0x40;
    return b;
}

static GByteArray *m_outside_ram(GByteArray *b)
{
    size_t off = find_u64(b, UNIQUE_TCE);
    uint64_t be = GUINT64_TO_BE(RAM_SIZE | 3);

    memcpy(b->data + off, &be, 8);
    recrc(b);
    return b;
}

static GByteArray *m_outside_window(GByteArray *b)
{
    size_t off = find_u64(b, UNIQUE_TCE) - 8;   /* the run's index */
    uint64_t be = GUINT64_TO_BE(0x40000);

    memcpy(b->data + off, &be, 8);
    recrc(b);
    return b;
}

/* Offset of the bytes @pat[0..@n) in @b (must be there once). */
static size_t find_bytes(GByteArray *b, const void *pat, size_t n)
{
    size_t found = 0;
    unsigned hits = 0;

    for (size_t i = 0; i + n <= b->len; i++) {
        if (!memcmp(b->data + i, pat, n)) {
            found = i;
            hits++;
        }
    }
    g_assert_cmpuint(hits, ==, 1);
    return found;
}

/* The DDW moved onto the default window: overlapping windows. */
static GByteArray *m_overlap(GByteArray *b)
{
    uint32_t liobn = GUINT32_TO_BE(LIOBN1);
    uint64_t owner = GUINT64_TO_BE(SPAPR_PCI_BASE_BUID);
    uint8_t head[12];
    size_t off;

    memcpy(head, &liobn, 4);
    memcpy(head + 4, &owner, 8);
    /* liobn, owner, flags (1), page shift (4), then the bus address */
    off = find_bytes(b, head, sizeof(head)) + 4 + 8 + 1 + 4;

    memset(b->data + off, 0, 8);
    recrc(b);
    return b;
}

/* An empty slot's DRC (PCI slot 5) in a state only a device reaches. */
static GByteArray *m_drc_empty_configured(GByteArray *b)
{
    uint32_t pat[2] = { GUINT32_TO_BE(0x40000028),
                        GUINT32_TO_BE(SPAPR_DRC_STATE_PHYSICAL_POWERON) };
    size_t off = find_bytes(b, pat, sizeof(pat)) + 4;
    uint32_t st = GUINT32_TO_BE(SPAPR_DRC_STATE_PHYSICAL_CONFIGURED);

    memcpy(b->data + off, &st, 4);
    recrc(b);
    return b;
}

static GByteArray *m_none(GByteArray *b)
{
    return b;
}

static const RefuseCase refuse_cases[] = {
    { "/migration/refuse/truncated", NULL, RAM_SIZE, m_truncate,
      "Migration stream truncated: header says *" },
    { "/migration/refuse/no-header", NULL, RAM_SIZE, m_tiny,
      "Migration stream truncated: 5 bytes, no header" },
    { "/migration/refuse/magic", NULL, RAM_SIZE, m_magic,
      "Not a migration stream (bad magic)" },
    { "/migration/refuse/version", NULL, RAM_SIZE, m_version,
      "Unsupported migration stream version 2 (this build reads version 1)" },
    { "/migration/refuse/checksum", NULL, RAM_SIZE, m_flip,
      "Migration stream checksum mismatch (stream 0x*" },
    { "/migration/refuse/tce-outside-ram", NULL, RAM_SIZE, m_outside_ram,
      "Migration stream: TCE table 0x80000000: entry 0x1 maps 0x40000003, "
      "outside guest RAM" },
    { "/migration/refuse/run-outside-window", NULL, RAM_SIZE,
      m_outside_window,
      "Migration stream: TCE table 0x80000000: run at entry 0x40000 of 0x1 "
      "entries is out of order or outside the window" },
    { "/migration/refuse/overlapping-windows", NULL, RAM_SIZE, m_overlap,
      "Migration stream: TCE tables 0x80000000 and 0x80000001 of PHB 0 "
      "overlap" },
    { "/migration/refuse/drc-state-without-device", NULL, RAM_SIZE,
      m_drc_empty_configured,
      "Migration stream: DRC 0x40000028: state 8 cannot go with no device" },
    { "/migration/refuse/ram-size", NULL, RAM_SIZE * 2, m_none,
      "Migration stream: guest RAM is 0x40000000 bytes, this machine has "
      "0x80000000" },
    { "/migration/refuse/phb-window", "spapr-pci-host-bridge.dma_win_size="
      "0x80000000", RAM_SIZE, m_none,
      "Migration stream: PHB 0 dma_win_size is 0x40000000, this machine's "
      "is 0x80000000" },
    { "/migration/refuse/phb-ddw-off", "spapr-pci-host-bridge.ddw=off",
      RAM_SIZE, m_none,
      "Migration stream: 2 TCE tables, this machine has 1" },
    { "/migration/refuse/phb-pgsz", "spapr-pci-host-bridge.pgsz=0x1000",
      RAM_SIZE, m_none,
      "Migration stream: PHB 0 pgsz is 0x1211000, this machine's is 0x1000" },
};

static void test_refuse(gconstpointer data)
{
    const RefuseCase *c = data;
    g_autoptr(GByteArray) bad = c->mangle(source_stream());
    g_autoptr(GByteArray) before = NULL, after = NULL;
    SpaprMachineState *spapr = machine_up(c->globals, c->ram);
    Error *err = NULL;
    size_t n = strlen(c->error);

    /* The destination has state of its own, which must survive. */
    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN0, 0x5000, 0x9003, 0, NULL),
                    ==, H_SUCCESS);
    before = save();
    g_assert_false(migration_check_buffer(bad->data, bad->len, &err));
    error_free(err);
    err = NULL;
    g_assert_false(migration_load_buffer(bad->data, bad->len, NULL, &err));
    if (c->error[n - 1] == '*') {
        g_autofree char *prefix = g_strndup(c->error, n - 1);

        g_assert_true(g_str_has_prefix(error_get_pretty(err), prefix));
    } else {
        g_assert_cmpstr(error_get_pretty(err), ==, c->error);
    }
    error_free(err);
    after = save();
    g_assert_cmpmem(after->data, after->len, before->data, before->len);
    g_assert_cmphex(get_tce(spapr, LIOBN0, 0x5000), ==, 0x9003);
    machine_down();
}

/* Every prefix of a good stream is refused, nothing applied. */
static void test_every_truncation(void)
{
    g_autoptr(GByteArray) b = NULL;
    SpaprMachineState *spapr = machine_up(NULL, RAM_SIZE);

    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN0, 0x1000, UNIQUE_TCE, 0,
                          NULL), ==, H_SUCCESS);
    b = save();
    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN0, 0x1000, 0, 0, NULL), ==,
                    H_SUCCESS);
    for (size_t len = 0; len < b->len; len++) {
        Error *err = NULL;

        g_assert_false(migration_load_buffer(b->data, len, NULL, &err));
        g_assert_nonnull(err);
        error_free(err);
        g_assert_cmphex(get_tce(spapr, LIOBN0, 0x1000), ==, 0);
    }
    g_assert_true(migration_load_buffer(b->data, b->len, NULL, &error_abort));
    g_assert_cmphex(get_tce(spapr, LIOBN0, 0x1000), ==, UNIQUE_TCE);
    machine_down();
}

/* A blocker refuses migrate with its text and changes nothing. */
static void test_blocker(void)
{
    static int owner;
    g_autofree char *path = g_strdup_printf("%s/spapr-mig-blocker-%d",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    JsonObject *args = json_object_new();
    JsonNode *ret = NULL;
    Error *err = NULL;

    machine_up(NULL, RAM_SIZE);
    runstate_set(RUN_STATE_RUNNING);
    json_object_set_string_member(args, "uri", uri);
    migrate_add_blocker(&owner, "Migration is currently not supported with "
                        "vIOMMU enabled");
    g_assert_false(qmp_command_call("migrate", args, &ret, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Migration is currently not "
                    "supported with vIOMMU enabled");
    error_free(err);
    err = NULL;
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    g_assert_true(qmp_command_call("query-migrate", NULL, &ret, &error_abort));
    g_assert_cmpuint(json_object_get_size(json_node_get_object(ret)), ==, 0);
    json_node_unref(ret);
    ret = NULL;

    /* Gone with its device: migrate goes ahead. */
    migrate_del_blocker(&owner);
    g_assert_true(qmp_command_call("migrate", args, &ret, &error_abort));
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_POSTMIGRATE);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    unlink(path);
    json_object_unref(args);
    runstate_set(RUN_STATE_PRELAUNCH);
    machine_down();
}

/* A machine with a vfio-pci function on a soft sPAPR v2 host. */
static SpaprMachineState *machine_with_vfio(void)
{
    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    g_assert_true(system_object_add("vfio-soft-host,id=h0,"
                                    "iommu-type=spapr-tce-v2", &error_abort));
    g_assert_true(system_device_add("vfio-pci,soft-host=h0,"
                                    "addr=3,id=v0", &error_abort));
    g_assert_true(system_machine_done(&error_abort));
    return spapr_machine();
}

static void machine_with_vfio_down(void)
{
    machine_down();
    g_assert_true(user_creatable_del("h0", &error_abort));
}

/*
 * Only a DDW at dma64_win_addr (made beside the default window, which the
 * guest then removed): the host hands its first window slot out at bus 0,
 * so the loaded window used to be placed there and held broken (every put
 * H_HARDWARE, its entries not mapped).  The load makes it in the slot the
 * source had it in.
 */
static void test_lone_ddw_with_vfio(void)
{
    SpaprMachineState *spapr = machine_with_vfio();
    SpaprPhbState *phb = phb0(spapr);
    g_autoptr(GByteArray) b = NULL;

    g_assert_true(spapr_tce_table_enable(phb->tcet[1], 16, DDW_BUS, 1 << 16,
                                         &error_abort));
    spapr_tce_table_disable(phb->tcet[0]);
    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN1, DDW_BUS + 0x30000,
                          0x1000003, 0, NULL), ==, H_SUCCESS);
    b = save();
    machine_with_vfio_down();

    spapr = machine_with_vfio();
    phb = phb0(spapr);
    g_assert_true(migration_load_buffer(b->data, b->len, NULL, &error_abort));
    g_assert_false(spapr_tce_table_enabled(phb->tcet[0]));
    g_assert_cmphex(phb->tcet[1]->bus_offset, ==, DDW_BUS);
    g_assert_cmphex(get_tce(spapr, LIOBN1, DDW_BUS + 0x30000), ==, 0x1000003);
    g_assert_cmpint(hcall(spapr, H_PUT_TCE, LIOBN1, DDW_BUS + 0x40000,
                          0x1010003, 0, NULL), ==, H_SUCCESS);
    machine_with_vfio_down();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_monitor_init();
    g_test_add_func("/migration/blocker", test_blocker);
    g_test_add_func("/migration/round-trip", test_round_trip);
    g_test_add_func("/migration/vfio/lone-ddw", test_lone_ddw_with_vfio);
    g_test_add_func("/migration/direct-map-is-one-run",
                    test_direct_map_is_one_run);
    g_test_add_func("/migration/refuse/every-truncation",
                    test_every_truncation);
    for (unsigned i = 0; i < G_N_ELEMENTS(refuse_cases); i++) {
        g_test_add_data_func(refuse_cases[i].path, &refuse_cases[i],
                             test_refuse);
    }
    return g_test_run();
}
