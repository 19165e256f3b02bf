/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: migration stream loading (migration_load_buffer(),
 * migration/stream.c) on the fuzz machine (two PHBs with their windows and
 * DRCs, a vfio-pci function on a soft sPAPR host that replays a load).
 * An input is a whole stream, loaded twice: as it is (header and checksum
 * checks), then with its body length and CRC made right, so that the
 * mutations reach the records.  After each load:
 *   - a refused load left the machine as it was: its re-saved stream is
 *     byte-for-byte the one saved before the input;
 *   - an accepted load left a machine whose re-saved stream loads again
 *     and re-saves to itself (the load applied exactly what it checked);
 * then the start state is loaded back (which must succeed) and checked.
 *
 * FUZZ_MIGRATION_WRITE_SEEDS=DIR fuzz-migration writes the seed corpus
 * (streams saved from this machine: empty, entries, DDWs, a pending
 * unplug) into DIR and exits; tests/fuzz/make-corpus.py documents it.
 */

#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr_iommu.h"
#include "migration/migration.h"
#include "fuzz-machine.h"

#define LIOBN0          0x80000000U
#define LIOBN1          0x80000001U
#define PHB1_LIOBN0     0x80000100U
#define FUZZ_LIST_BASE  0x200000ULL

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GByteArray *start_stream;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz-migration: %s\n", what);
    abort();
}

static GByteArray *save(void)
{
    GByteArray *b = migration_save_buffer(NULL, &error_abort);

    if (!b) {
        fail("cannot save");
    }
    return b;
}

static bool same(GByteArray *a, GByteArray *b)
{
    return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

static void st32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* An RTAS call by name with @nargs cells; returns the status cell. */
static uint32_t rtas(SpaprMachineState *spapr, const char *name,
                     const uint32_t *cells, unsigned nargs, unsigned nret)
{
    uint8_t buf[4 * 8];
    uint32_t status;

    for (unsigned i = 0; i < nargs; i++) {
        st32(buf + 4 * i, cells[i]);
    }
    address_space_write(&address_space_memory, FUZZ_RTAS_ARGS, buf, 4 * nargs);
    spapr_rtas_call(spapr, spapr_rtas_token(spapr, name), nargs,
                    FUZZ_RTAS_ARGS, nret, FUZZ_RTAS_RETS);
    address_space_read(&address_space_memory, FUZZ_RTAS_RETS, &status, 4);
    return GUINT32_FROM_BE(status);
}

static void hcall(SpaprMachineState *spapr, target_ulong opcode,
                  target_ulong a0, target_ulong a1, target_ulong a2,
                  target_ulong a3)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };

    if (spapr_hypercall(spapr, opcode, args) != H_SUCCESS) {
        fail("seed hcall failed");
    }
}

/* Back to the start state; must load. */
static void restore(void)
{
    Error *err = NULL;

    if (!migration_load_buffer(start_stream->data, start_stream->len, NULL,
                               &err)) {
        fprintf(stderr, "fuzz-migration: start stream refused: %s\n",
                error_get_pretty(err));
        abort();
    }
}

static void write_seed(const char *dir, const char *name)
{
    g_autoptr(GByteArray) b = save();
    g_autofree char *path = g_build_filename(dir, name, NULL);

    if (!g_file_set_contents(path, (const char *)b->data, b->len, NULL)) {
        fail("cannot write a seed");
    }
    restore();
}

static void write_seeds(SpaprMachineState *spapr, const char *dir)
{
    /* BUIDs of PHB 0 and 1, the DDW arguments of fuzz-hcall. */
    static const uint32_t ddw0[] = { 0, 0x08000000, 0x20000000, 16, 32 };
    static const uint32_t ddw1[] = { 0, 0x08000000, 0x20000001, 21, 40 };
    static const uint32_t rm1[] = { PHB1_LIOBN0 };
    uint64_t list[8];

    g_mkdir_with_parents(dir, 0755);
    write_seed(dir, "empty");

    /* Default window: one entry, a poisoned one, a stuffed run and a
     * direct map through a TCE list. */
    hcall(spapr, H_PUT_TCE, LIOBN0, 0x1000, 0x300003, 0);
    hcall(spapr, H_PUT_TCE, LIOBN0, 0x3000, 0x7000, 0);
    hcall(spapr, H_STUFF_TCE, LIOBN0, 0x100000, 0x200001, 16);
    for (unsigned i = 0; i < 8; i++) {
        list[i] = GUINT64_TO_BE(0x1000000ULL + ((uint64_t)i << 12) + 3);
    }
    address_space_write(&address_space_memory, FUZZ_LIST_BASE, list,
                        sizeof(list));
    hcall(spapr, H_PUT_TCE_INDIRECT, LIOBN0, 0x800000, FUZZ_LIST_BASE, 8);
    write_seed(dir, "entries");

    /* A DDW beside the default window on PHB 0, with entries; on PHB 1
     * the default window removed and a DDW in its place. */
    if (rtas(spapr, "ibm,create-pe-dma-window", ddw0, 5, 4) ||
        rtas(spapr, "ibm,remove-pe-dma-window", rm1, 1, 1) ||
        rtas(spapr, "ibm,create-pe-dma-window", ddw1, 5, 4)) {
        fail("seed DDW calls failed");
    }
    hcall(spapr, H_PUT_TCE, LIOBN1, (1ULL << 59) + 0x30000, 0x1000003, 0);
    hcall(spapr, H_STUFF_TCE, LIOBN1, 1ULL << 59, 0x2000001, 4);
    hcall(spapr, H_PUT_TCE, LIOBN0, 0x2000, 0x400002, 0);
    write_seed(dir, "ddw");

    /* The operator asked for v0's removal; the guest has not answered. */
    hcall(spapr, H_PUT_TCE, LIOBN0, 0x5000, 0x500003, 0);
    if (!qdev_unplug(qdev_find_by_id("v0"), &error_abort)) {
        fail("device_del v0");
    }
    write_seed(dir, "unplug-pending");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_MIGRATION_WRITE_SEEDS");
    SpaprMachineState *spapr = fuzz_machine("spapr-tce-v2");

    start_stream = save();
    if (dir) {
        write_seeds(spapr, dir);
        exit(0);
    }
    return 0;
}

/* One load and the checks after it (see the top of the file). */
static void load_one(const uint8_t *data, size_t size)
{
    g_autoptr(GByteArray) after = NULL;
    g_autoptr(GByteArray) again = NULL;
    g_autoptr(GByteArray) back = NULL;
    Error *err = NULL;

    if (!migration_load_buffer(data, size, NULL, &err)) {
        error_free(err);
        after = save();
        if (!same(after, start_stream)) {
            fail("a refused load changed the machine");
        }
        return;
    }
    after = save();
    if (!migration_load_buffer(after->data, after->len, NULL, &err)) {
        fprintf(stderr, "fuzz-migration: the re-saved stream of an accepted "
                "load is refused: %s\n", error_get_pretty(err));
        abort();
    }
    again = save();
    if (!same(after, again)) {
        fail("loading a re-saved stream does not give it back");
    }
    restore();
    back = save();
    if (!same(back, start_stream)) {
        fail("the start stream does not give the start state back");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* header 24 bytes (body length at 16), CRC-32 in the last 4 */
    g_autofree uint8_t *fixed = NULL;
    uint64_t body;
    uint32_t crc;

    load_one(data, size);
    if (size < 28) {
        return 0;
    }
    fixed = g_memdup2(data, size);
    body = GUINT64_TO_BE(size - 28);
    memcpy(fixed + 16, &body, 8);
    crc = GUINT32_TO_BE(crc32(crc32(0L, Z_NULL, 0), fixed, size - 4));
    memcpy(fixed + size - 4, &crc, 4);
    load_one(fixed, size);
    return 0;
}
