/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stand-in for KVM's in-kernel TCE tables and TCE hcall handlers, usable on any host. */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/mman.h>
#include "qapi/error.h"
#include "accel/kernel-tce.h"
#include "accel/kvm.h"
#include "hw/ppc/spapr.h"
#include "trace.h"

/* One in-kernel table: its own view of the memfd it hands out. */
typedef struct SimTable {
    uint32_t liobn;
    uint32_t page_shift;
    uint64_t offset;        /* window start, in IOMMU pages */
    uint64_t size;          /* entries */
    int fd;                 /* the sim's own reference */
    uint64_t *table;
    size_t len;
} SimTable;

static struct {
    KernelTceLevel level;
    GHashTable *tables;     /* liobn -> SimTable */
    bool indirect_on;
    bool stuff_on;
    const KernelTceGuestOps *guest;
    void *guest_opaque;
    uint64_t handled;
    uint64_t punted;
} sim;

KernelTceLevel kernel_tce_level(void)
{
    return sim.level;
}

void kernel_tce_set_level(KernelTceLevel level)
{
    sim.level = level;
}

bool kernel_tce_parse_options(const char *opts, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(opts ? opts : "", ",", -1);

    for (char **p = parts; *p; p++) {
        if (!**p) {
            continue;
        }
        if (!strcmp(*p, "kernel-tce=off")) {
            sim.level = KERNEL_TCE_OFF;
        } else if (!strcmp(*p, "kernel-tce=on")) {
            sim.level = KERNEL_TCE_ON;
        } else if (g_str_has_prefix(*p, "kernel-tce=")) {
            error_setg(errp, "-accel: kernel-tce=%s: expected off or on",
                       *p + strlen("kernel-tce="));
            return false;
        } else {
            error_setg(errp, "-accel: unknown option '%s'", *p);
            return false;
        }
    }
    return true;
}

void kernel_tce_set_guest(const KernelTceGuestOps *ops, void *opaque)
{
    sim.guest = ops;
    sim.guest_opaque = opaque;
}

static void sim_table_free(gpointer p)
{
    SimTable *t = p;

    munmap(t->table, t->len);
    close(t->fd);
    g_free(t);
}

static GHashTable *sim_tables(void)
{
    if (!sim.tables) {
        sim.tables = g_hash_table_new_full(NULL, NULL, NULL, sim_table_free);
    }
    return sim.tables;
}

static SimTable *sim_find(uint64_t liobn)
{
    if (liobn >> 32 || !sim.tables) {
        return NULL;
    }
    return g_hash_table_lookup(sim.tables, GUINT_TO_POINTER((uint32_t)liobn));
}

int kernel_tce_create_table(uint32_t liobn, uint32_t page_shift,
                            uint64_t offset, uint64_t size)
{
    size_t page = sysconf(_SC_PAGESIZE);
    SimTable *t;
    int fd, user_fd;
    void *map;
    size_t len;

    if (kvm_enabled()) {
        /*
         * Real KVM owns the table where it can; with no vCPU it never runs
         * a hypercall, so the stand-in keeps no table and punts them all.
         */
        return kvm_create_spapr_tce(liobn, page_shift, offset, size);
    }
    if (sim.level == KERNEL_TCE_OFF) {
        return -ENOSYS;
    }
    if (!size || page_shift < 12 || page_shift > 34 ||
        offset + size < offset || offset + size > UINT64_MAX >> page_shift ||
        size > (1ULL << 32)) {
        return -EINVAL;
    }
    if (sim_find(liobn)) {
        trace_kernel_tce_create_busy(liobn);
        return -EBUSY;
    }
    len = ROUND_UP(size * sizeof(uint64_t), page);
    fd = memfd_create("kvm-spapr-tce", MFD_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    if (ftruncate(fd, len) < 0) {
        int err = -errno;

        close(fd);
        return err;
    }
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        int err = -errno;

        close(fd);
        return err;
    }
    user_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (user_fd < 0) {
        int err = -errno;

        munmap(map, len);
        close(fd);
        return err;
    }
    t = g_new0(SimTable, 1);
    *t = (SimTable) {
        .liobn = liobn, .page_shift = page_shift, .offset = offset,
        .size = size, .fd = fd, .table = map, .len = len,
    };
    g_hash_table_insert(sim_tables(), GUINT_TO_POINTER(liobn), t);
    trace_kernel_tce_create(liobn, page_shift, offset, size);
    return user_fd;
}

void kernel_tce_release_table(uint32_t liobn)
{
    if (sim.tables && g_hash_table_remove(sim.tables,
                                          GUINT_TO_POINTER(liobn))) {
        trace_kernel_tce_release(liobn);
    }
}

bool kernel_tce_has_table(uint32_t liobn)
{
    return sim_find(liobn) != NULL;
}

int kernel_tce_enable_hcall(uint64_t opcode, bool enable)
{
    if (opcode == H_PUT_TCE_INDIRECT) {
        sim.indirect_on = enable;
    } else if (opcode == H_STUFF_TCE) {
        sim.stuff_on = enable;
    } else {
        return -EINVAL;
    }
    return 0;
}

/* The window check: aligned, and [ioba, ioba + npages pages) inside. */
static bool sim_ioba_ok(SimTable *t, uint64_t ioba, uint64_t npages,
                        uint64_t *index)
{
    uint64_t idx;

    if (ioba & ((1ULL << t->page_shift) - 1)) {
        return false;
    }
    idx = (ioba >> t->page_shift) - t->offset;
    if (idx >= t->size || npages > t->size - idx) {
        return false;
    }
    *index = idx;
    return true;
}

/* A TCE the kernel can take: clears always; maps page-aligned guest RAM. */
static bool sim_tce_ok(SimTable *t, uint64_t tce)
{
    uint64_t page = 1ULL << t->page_shift;
    uint64_t gpa = tce & ~3ULL;

    if (!(tce & 3)) {
        return true;
    }
    return !(gpa & (page - 1)) && sim.guest &&
           sim.guest->in_ram(sim.guest_opaque, gpa, page);
}

/*
 * Entries are read with pread(): a read through the shared mapping would
 * allocate the memfd page behind a hole, where KVM's table reads a hole as
 * zero without allocating.  Storing 0 into a hole is skipped for the same
 * reason.
 */
static uint64_t sim_read(SimTable *t, uint64_t index)
{
    uint64_t v = 0;

    if (pread(t->fd, &v, sizeof(v), index * sizeof(v)) != sizeof(v)) {
        return t->table[index];
    }
    return v;
}

static void sim_write(SimTable *t, uint64_t index, uint64_t tce)
{
    if (tce || sim_read(t, index)) {
        t->table[index] = tce;
    }
}

static int64_t sim_put(SimTable *t, uint64_t *args)
{
    uint64_t index;

    if (!sim_ioba_ok(t, args[1], 1, &index)) {
        return H_PARAMETER;
    }
    if (!sim_tce_ok(t, args[2])) {
        return KERNEL_TCE_H_TOO_HARD;
    }
    sim_write(t, index, args[2]);
    return H_SUCCESS;
}

static int64_t sim_get(SimTable *t, uint64_t *args)
{
    uint64_t index;

    if (!sim_ioba_ok(t, args[1], 1, &index)) {
        return H_PARAMETER;
    }
    args[0] = sim_read(t, index);
    return H_SUCCESS;
}

static int64_t sim_put_indirect(SimTable *t, uint64_t *args)
{
    uint64_t tces[512];
    uint64_t npages = args[3];
    uint64_t index;

    if (!sim.indirect_on) {
        return KERNEL_TCE_H_TOO_HARD;
    }
    if (npages > 512 || (args[2] & 0xfff)) {
        return H_PARAMETER;
    }
    if (!sim_ioba_ok(t, args[1], npages, &index)) {
        return H_PARAMETER;
    }
    if (!npages) {
        return KERNEL_TCE_H_TOO_HARD;   /* user space's answer stands */
    }
    if (!sim.guest ||
        !sim.guest->in_ram(sim.guest_opaque, args[2], npages * 8) ||
        !sim.guest->read(sim.guest_opaque, args[2], tces, npages * 8)) {
        return KERNEL_TCE_H_TOO_HARD;
    }
    for (uint64_t i = 0; i < npages; i++) {
        tces[i] = GUINT64_FROM_BE(tces[i]);
        if (!sim_tce_ok(t, tces[i])) {
            return KERNEL_TCE_H_TOO_HARD;
        }
    }
    for (uint64_t i = 0; i < npages; i++) {
        sim_write(t, index + i, tces[i]);
    }
    return H_SUCCESS;
}

/*
 * Store @tce (no permission bits: a clear or a poison) in [index, index + n):
 * only the pages that exist are visited for a clear (lseek SEEK_DATA), so
 * clearing a window costs what is in it, not its size, and allocates
 * nothing.
 */
static void sim_clear(SimTable *t, uint64_t index, uint64_t n, uint64_t tce)
{
    off_t pos = index * sizeof(uint64_t);
    off_t end = (index + n) * sizeof(uint64_t);

    if (tce) {
        for (uint64_t i = 0; i < n; i++) {
            sim_write(t, index + i, tce);
        }
        return;
    }
    while (pos < end) {
        off_t data = lseek(t->fd, pos, SEEK_DATA);
        off_t hole;

        if (data < 0 || data >= end) {
            return;                     /* ENXIO: no data past @pos */
        }
        hole = lseek(t->fd, data, SEEK_HOLE);
        if (hole < 0 || hole > end) {
            hole = end;
        }
        for (off_t o = MAX(data, pos); o < hole; o += sizeof(uint64_t)) {
            uint64_t i = o / sizeof(uint64_t);

            if (t->table[i]) {
                t->table[i] = 0;
            }
        }
        pos = hole;
    }
}

static int64_t sim_stuff(SimTable *t, uint64_t *args)
{
    uint64_t index;

    if (!sim.stuff_on || !args[3]) {
        return KERNEL_TCE_H_TOO_HARD;
    }
    if (!sim_ioba_ok(t, args[1], args[3], &index)) {
        return H_PARAMETER;
    }
    if (args[2] & 3) {
        return H_PARAMETER;     /* the kernel only clears */
    }
    sim_clear(t, index, args[3], args[2]);
    return H_SUCCESS;
}

int64_t kernel_tce_hcall(uint64_t opcode, uint64_t *args)
{
    SimTable *t;
    int64_t ret;

    if (opcode != H_PUT_TCE && opcode != H_GET_TCE &&
        opcode != H_PUT_TCE_INDIRECT && opcode != H_STUFF_TCE) {
        return KERNEL_TCE_H_TOO_HARD;
    }
    t = sim_find(args[0]);
    if (!t) {
        ret = KERNEL_TCE_H_TOO_HARD;
    } else if (opcode == H_PUT_TCE) {
        ret = sim_put(t, args);
    } else if (opcode == H_GET_TCE) {
        ret = sim_get(t, args);
    } else if (opcode == H_PUT_TCE_INDIRECT) {
        ret = sim_put_indirect(t, args);
    } else {
        ret = sim_stuff(t, args);
    }
    if (ret == KERNEL_TCE_H_TOO_HARD) {
        sim.punted++;
        trace_kernel_tce_punt(opcode, args[0]);
    } else {
        sim.handled++;
        trace_kernel_tce_handled(opcode, args[0], ret);
    }
    return ret;
}

void kernel_tce_stats(uint64_t *handled, uint64_t *punted)
{
    *handled = sim.handled;
    *punted = sim.punted;
}

void kernel_tce_reset(void)
{
    if (sim.tables) {
        g_hash_table_remove_all(sim.tables);
    }
    sim.indirect_on = false;
    sim.stuff_on = false;
    sim.handled = 0;
    sim.punted = 0;
}
