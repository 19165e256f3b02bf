/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stand-in for KVM's in-kernel TCE tables and TCE hcall handlers, usable on any host. */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
    GArray *links;          /* SimLink: host tables the fast path updates */
} SimTable;

/* KVM-VFIO SET_SPAPR_TCE: group @groupid's host table @hw. */
typedef struct SimLink {
    int groupid;
    KernelTceHwTable hw;
} SimLink;

static struct {
    KernelTceLevel level;
    GHashTable *tables;     /* liobn -> SimTable */
    bool indirect_on;
    bool stuff_on;
    const KernelTceGuestOps *guest;
    void *guest_opaque;
    uint64_t handled;
    uint64_t punted;
    uint64_t hw_maps;
    uint64_t hw_unmaps;
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
        } else if (!strcmp(*p, "kernel-tce=vfio")) {
            sim.level = KERNEL_TCE_VFIO;
        } else if (g_str_has_prefix(*p, "kernel-tce=")) {
            error_setg(errp, "-accel: kernel-tce=%s: expected off, on or vfio",
                       *p + strlen("kernel-tce="));
            return false;
        } else {
            error_setg(errp, "-accel: unknown option '%s'", *p);
            return false;
        }
    }
    return true;
}

bool kernel_tce_links_vfio(void)
{
    if (kvm_enabled()) {
        return kvm_has_spapr_tce_tables() && kvm_get_caps()->spapr_tce_vfio;
    }
    return sim.level == KERNEL_TCE_VFIO;
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
    g_array_unref(t->links);
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
        .links = g_array_new(FALSE, TRUE, sizeof(SimLink)),
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

/* The stand-in's table behind @fd (its own fd or a dup of it), or NULL. */
static SimTable *sim_find_by_fd(int fd)
{
    GHashTableIter it;
    struct stat want, st;
    gpointer v;

    if (!sim.tables || fstat(fd, &want) < 0) {
        return NULL;
    }
    g_hash_table_iter_init(&it, sim.tables);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        SimTable *t = v;

        if (fstat(t->fd, &st) == 0 && st.st_dev == want.st_dev &&
            st.st_ino == want.st_ino) {
            return t;
        }
    }
    return NULL;
}

/* KVM's match: same start, host page no larger, host window no smaller. */
static bool sim_hw_matches(SimTable *t, const KernelTceHwTable *hw)
{
    return hw->ops && hw->page_shift <= t->page_shift &&
           hw->start >> t->page_shift == t->offset &&
           !(hw->start & ((1ULL << t->page_shift) - 1)) &&
           hw->size >> t->page_shift >= t->size;
}

int kernel_tce_link_group(int table_fd, int groupid,
                          const KernelTceHwTable *hw, unsigned n)
{
    SimTable *t;
    SimLink link = { .groupid = groupid };
    unsigned i;

    if (sim.level != KERNEL_TCE_VFIO || kvm_enabled()) {
        trace_kernel_tce_link(groupid, table_fd, 0, -ENXIO);
        return -ENXIO;
    }
    t = sim_find_by_fd(table_fd);
    for (i = 0; t && i < n && !sim_hw_matches(t, &hw[i]); i++) {
        /* look for the first matching host table */
    }
    if (!t || i == n) {
        trace_kernel_tce_link(groupid, table_fd, t ? t->liobn : 0, -EINVAL);
        return -EINVAL;
    }
    link.hw = hw[i];
    for (i = 0; i < t->links->len; i++) {
        if (g_array_index(t->links, SimLink, i).groupid == groupid) {
            g_array_remove_index(t->links, i);
            break;
        }
    }
    g_array_append_val(t->links, link);
    trace_kernel_tce_link(groupid, table_fd, t->liobn, 0);
    return 0;
}

void kernel_tce_unlink_group(int groupid)
{
    GHashTableIter it;
    gpointer v;

    if (!sim.tables) {
        return;
    }
    g_hash_table_iter_init(&it, sim.tables);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        SimTable *t = v;

        for (guint i = 0; i < t->links->len; i++) {
            if (g_array_index(t->links, SimLink, i).groupid == groupid) {
                g_array_remove_index(t->links, i);
                trace_kernel_tce_unlink(groupid, t->liobn);
                break;
            }
        }
    }
}

unsigned kernel_tce_links(uint32_t liobn)
{
    SimTable *t = sim_find(liobn);

    return t ? t->links->len : 0;
}

int kernel_tce_enable_hcall(uint64_t opcode, bool enable)
{
    if (kvm_enabled()) {
        /* The real kernel's switch; the stand-in has no table to use it. */
        int ret = kvm_enable_spapr_hcall(opcode, enable);

        return ret == -ENOSYS ? 0 : ret;
    }
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

/* True for the first link of @t with its host table (groups share them). */
static bool sim_link_first(SimTable *t, guint i)
{
    void *hw = g_array_index(t->links, SimLink, i).hw.hw;

    for (guint j = 0; j < i; j++) {
        if (g_array_index(t->links, SimLink, j).hw.hw == hw) {
            return false;
        }
    }
    return true;
}

/*
 * Unmap entries [index, index + n) in every linked host table: 0 or the
 * first error (every table is still tried).
 */
static int sim_hw_unmap(SimTable *t, uint64_t index, uint64_t n)
{
    uint64_t iova = (t->offset + index) << t->page_shift;
    int err = 0;

    for (guint i = 0; i < t->links->len; i++) {
        const KernelTceHwTable *hw = &g_array_index(t->links, SimLink, i).hw;
        int ret;

        if (!sim_link_first(t, i)) {
            continue;
        }
        sim.hw_unmaps++;
        ret = hw->ops->unmap(hw->hw, iova, n << t->page_shift);
        trace_kernel_tce_hw_unmap(t->liobn, iova, n << t->page_shift, ret);
        err = err ? err : ret;
    }
    return err;
}

/*
 * Entry @index goes from @old to @tce: the linked host tables follow (a
 * map replaces a translation; a clear unmaps a valid one).  0 or -errno.
 */
static int sim_hw_set(SimTable *t, uint64_t index, uint64_t old, uint64_t tce)
{
    uint64_t page = 1ULL << t->page_shift;
    uint64_t iova = (t->offset + index) << t->page_shift;
    uint64_t hva;

    if (!t->links->len) {
        return 0;
    }
    if (!(tce & 3)) {
        return old & 3 ? sim_hw_unmap(t, index, 1) : 0;
    }
    if (!sim.guest || !sim.guest->hva ||
        !sim.guest->hva(sim.guest_opaque, tce & ~3ULL, page, &hva)) {
        return -EFAULT;
    }
    for (guint i = 0; i < t->links->len; i++) {
        const KernelTceHwTable *hw = &g_array_index(t->links, SimLink, i).hw;
        int ret;

        if (!sim_link_first(t, i)) {
            continue;
        }
        sim.hw_maps++;
        ret = hw->ops->map(hw->hw, iova, page, hva, tce & 3);
        trace_kernel_tce_hw_map(t->liobn, iova, page, tce & ~3ULL, ret);
        if (ret) {
            return ret;
        }
    }
    return 0;
}

/*
 * Write entry @index, updating linked host tables first.  A host failure
 * clears the entry everywhere (the kernel's rule) and returns false: the
 * call is then punted.
 */
static bool sim_update(SimTable *t, uint64_t index, uint64_t tce)
{
    uint64_t old = sim_read(t, index);

    if (old == tce) {
        return true;            /* nothing changes, nothing to tell */
    }
    if (sim_hw_set(t, index, old, tce)) {
        /*
         * Cleared everywhere; if even the unmap fails, the host may still
         * hold the old translation: the entry keeps it, so that user
         * space's redo sees the change to make.
         */
        if (!sim_hw_unmap(t, index, 1)) {
            sim_write(t, index, 0);
        }
        return false;
    }
    sim_write(t, index, tce);
    return true;
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
    return sim_update(t, index, args[2]) ? H_SUCCESS : KERNEL_TCE_H_TOO_HARD;
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
        if (!sim_update(t, index + i, tces[i])) {
            return KERNEL_TCE_H_TOO_HARD;   /* earlier entries stay */
        }
    }
    return H_SUCCESS;
}

/*
 * Clear the run [first, first + n) of valid entries: the linked host
 * tables first; if they fail, the entries stay as they are (user space
 * redoes the call and unmaps them through its consumers).
 */
static bool sim_clear_run(SimTable *t, uint64_t first, uint64_t n)
{
    if (!n) {
        return true;
    }
    if (t->links->len && sim_hw_unmap(t, first, n)) {
        return false;
    }
    for (uint64_t i = first; i < first + n; i++) {
        t->table[i] = 0;
    }
    return true;
}

/*
 * Store @tce (no permission bits: a clear or a poison) in [index, index + n):
 * only the pages that exist are visited for a clear (lseek SEEK_DATA), so
 * clearing a window costs what is in it, not its size, and allocates
 * nothing.  Valid entries are cleared in runs, so that linked host tables
 * get one unmap per run.  False: a host table failed, the call must be
 * punted (entries before the failing run are cleared).
 */
static bool sim_clear(SimTable *t, uint64_t index, uint64_t n, uint64_t tce)
{
    off_t pos = index * sizeof(uint64_t);
    off_t end = (index + n) * sizeof(uint64_t);
    uint64_t run = 0, run_n = 0;

    if (tce) {
        for (uint64_t i = 0; i < n; i++) {
            if (!sim_update(t, index + i, tce)) {
                return false;
            }
        }
        return true;
    }
    while (pos < end) {
        off_t data = lseek(t->fd, pos, SEEK_DATA);
        off_t hole;

        if (data < 0 || data >= end) {
            break;                      /* ENXIO: no data past @pos */
        }
        hole = lseek(t->fd, data, SEEK_HOLE);
        if (hole < 0 || hole > end) {
            hole = end;
        }
        for (off_t o = MAX(data, pos); o < hole; o += sizeof(uint64_t)) {
            uint64_t i = o / sizeof(uint64_t);
            uint64_t v = t->table[i];

            if (!v) {
                continue;
            }
            if (!(v & 3)) {
                t->table[i] = 0;        /* a poison: nothing on the host */
                continue;
            }
            if (run_n && run + run_n == i) {
                run_n++;
                continue;
            }
            if (!sim_clear_run(t, run, run_n)) {
                return false;
            }
            run = i;
            run_n = 1;
        }
        pos = hole;
    }
    return sim_clear_run(t, run, run_n);
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
    return sim_clear(t, index, args[3], args[2]) ? H_SUCCESS :
                                                   KERNEL_TCE_H_TOO_HARD;
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

void kernel_tce_hw_stats(uint64_t *maps, uint64_t *unmaps)
{
    *maps = sim.hw_maps;
    *unmaps = sim.hw_unmaps;
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
    sim.hw_maps = 0;
    sim.hw_unmaps = 0;
}
