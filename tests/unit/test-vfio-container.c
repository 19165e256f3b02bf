/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of hw/vfio/container.c, listener.c and spapr.c: a pseries
 * machine's default PHB with groups on soft host IOMMUs; after every step the
 * host mappings must equal the projection of the valid TCEs of every enabled
 * window (check()).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/vfio/iommu-soft.h"
#include "hw/vfio/vfio-container.h"
#include "system/system.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define RAM_SIZE        GiB
#define LIST_GPA        0x100000ULL     /* TCE lists */
#define DATA_GPA        0x1000000ULL    /* what TCEs point at */
#define DMA64           (1ULL << 59)
#define LIOBN0          0x80000000U
#define LIOBN1          0x80000001U
#define TCE_RW          3ULL
#define TCE_RO          1ULL

/* ---- a host that hands out soft IOMMUs --------------------------------- */

typedef struct TestHost {
    VFIOSoftConfig cfg;
    bool refuse_join;           /* a context holding a group refuses more */
    GHashTable *groups;         /* VFIOIOMMU * -> number of groups */
    VFIOSoftIOMMU *soft[4];     /* opened, NULL once released */
    unsigned opened, released;
    /* a fault to inject into the next context right after opening it */
    VFIOSoftOp fault_op;
    uint64_t fault_nth;
    int fault_err;
} TestHost;

static VFIOIOMMU *th_open(void *opaque, Error **errp)
{
    TestHost *h = opaque;
    VFIOSoftIOMMU *s = vfio_soft_new(&h->cfg, errp);

    if (!s) {
        return NULL;
    }
    g_assert_cmpuint(h->opened, <, G_N_ELEMENTS(h->soft));
    h->soft[h->opened++] = s;
    if (h->fault_nth) {
        vfio_soft_inject_fault(s, h->fault_op, h->fault_nth, h->fault_err);
        h->fault_nth = 0;
    }
    return vfio_soft_iommu(s);
}

static int th_set(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    TestHost *h = opaque;
    unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(h->groups, iommu));

    if (h->refuse_join && n) {
        return -EPERM;
    }
    g_hash_table_insert(h->groups, iommu, GUINT_TO_POINTER(n + 1));
    return 0;
}

static void th_unset(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    TestHost *h = opaque;
    unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(h->groups, iommu));

    g_assert_cmpuint(n, >, 0);
    g_hash_table_insert(h->groups, iommu, GUINT_TO_POINTER(n - 1));
}

static void th_released(void *opaque, VFIOContainer *c)
{
    TestHost *h = opaque;
    VFIOSoftIOMMU *s = vfio_soft_from_iommu(c->iommu);

    /* everything is gone from the host before it is released */
    g_autoptr(GArray) maps = vfio_soft_get_mappings(s);
    g_assert_cmpuint(maps->len, ==, 0);
    g_assert_cmpuint(vfio_soft_busy_unregisters(s), ==, 0);
    for (unsigned i = 0; i < h->opened; i++) {
        if (h->soft[i] == s) {
            h->soft[i] = NULL;
        }
    }
    h->released++;
}

static const VFIOHostOps th_ops = {
    .name = "test",
    .open_iommu = th_open,
    .set_container = th_set,
    .unset_container = th_unset,
    .released = th_released,
};

/* ---- fixture ------------------------------------------------------------ */

typedef struct Fixture {
    SpaprMachineState *spapr;
    SpaprPhbState *phb;
    TestHost host;
    uint8_t *ram;
} Fixture;

static void fixture_init(Fixture *f, VFIOIOMMUType type)
{
    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    f->spapr = spapr_machine();
    f->phb = spapr_pci_find_phb(f->spapr, SPAPR_PCI_BASE_BUID);
    spapr_phb_dma_reset(f->phb);            /* the default window */
    f->ram = memory_region_get_ram_ptr(&f->spapr->ram);
    f->host = (TestHost) {
        .groups = g_hash_table_new(NULL, NULL),
    };
    f->host.cfg.types = 1u << type;
    f->host.cfg.host_page_shift = 12;       /* this host's pages: 4 KiB */
    if (type == VFIO_IOMMU_TYPE1V2) {
        /* one range that holds both the default window and DDW */
        f->host.cfg.nr_iova_ranges = 1;
        f->host.cfg.iova_ranges[0] = (VFIOIOVARange) { 0, (1ULL << 60) - 1 };
    }
    vfio_kvm_stub_log_reset();
}

static void fixture_free(Fixture *f)
{
    g_assert_cmpuint(f->host.released, ==, f->host.opened);
    g_hash_table_destroy(f->host.groups);
    machine_destroy(MACHINE(f->spapr));
    memory_map_cleanup();
}

static VFIOGroup *attach(Fixture *f, int groupid)
{
    return vfio_group_get(groupid, &f->phb->iommu_as, &th_ops, &f->host,
                          &error_abort);
}

/* ---- hypercalls --------------------------------------------------------- */

static target_ulong put(Fixture *f, uint32_t liobn, uint64_t ioba,
                        uint64_t tce)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { liobn, ioba, tce };

    return spapr_hypercall(f->spapr, H_PUT_TCE, args);
}

/* H_PUT_TCE_INDIRECT of @n TCEs @tce, @tce + @step, ... */
static target_ulong indirect(Fixture *f, uint32_t liobn, uint64_t ioba,
                             uint64_t tce, uint64_t step, unsigned n)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { liobn, ioba, LIST_GPA, n };
    uint64_t list[SPAPR_TCE_INDIRECT_MAX];

    for (unsigned i = 0; i < n; i++) {
        list[i] = GUINT64_TO_BE(tce + i * step);
    }
    g_assert_cmpint(address_space_write(&address_space_memory, LIST_GPA, list,
                                        n * sizeof(uint64_t)), ==, MEMTX_OK);
    return spapr_hypercall(f->spapr, H_PUT_TCE_INDIRECT, args);
}

static target_ulong stuff(Fixture *f, uint32_t liobn, uint64_t ioba,
                          uint64_t tce, uint64_t n)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { liobn, ioba, tce, n };

    return spapr_hypercall(f->spapr, H_STUFF_TCE, args);
}

/* ---- the invariant ------------------------------------------------------ */

typedef struct Seg {
    uint64_t iova, size, gpa;
    uint32_t perm;
} Seg;

static void seg_add(GArray *a, uint64_t iova, uint64_t size, uint64_t gpa,
                    uint32_t perm)
{
    Seg *l = a->len ? &g_array_index(a, Seg, a->len - 1) : NULL;

    if (l && l->iova + l->size == iova && l->gpa + l->size == gpa &&
        l->perm == perm) {
        l->size += size;
        return;
    }
    g_array_append_val(a, ((Seg) { iova, size, gpa, perm }));
}

typedef struct Proj {
    SpaprTceTable *tcet;
    GArray *segs;
} Proj;

static int proj_run(void *opaque, const SpaprTceRun *run)
{
    Proj *p = opaque;
    uint64_t ps = 1ULL << p->tcet->page_shift;
    uint64_t gpa = run->tce & ~(ps - 1);
    uint64_t bus = p->tcet->bus_offset + run->index * ps;

    for (uint64_t k = 0; k < run->count; k++) {
        seg_add(p->segs, bus + k * ps, ps, run->advance ? gpa + k * ps : gpa,
                run->tce & 3);
        if (run->advance && k == 0 && run->count > 1) {
            seg_add(p->segs, bus + ps, (run->count - 1) * ps, gpa + ps,
                    run->tce & 3);
            break;
        }
    }
    return 0;
}

static void segs_assert_equal(GArray *a, GArray *b)
{
    g_assert_cmpuint(a->len, ==, b->len);
    for (guint i = 0; i < a->len; i++) {
        Seg *x = &g_array_index(a, Seg, i), *y = &g_array_index(b, Seg, i);

        g_assert_cmphex(x->iova, ==, y->iova);
        g_assert_cmphex(x->size, ==, y->size);
        g_assert_cmphex(x->gpa, ==, y->gpa);
        g_assert_cmpuint(x->perm, ==, y->perm);
    }
}

/*
 * Soft host mappings == container's range map == projection of the valid
 * TCEs of every enabled window of the PHB.
 */
static void check_one(Fixture *f, VFIOContainer *c)
{
    VFIOSoftIOMMU *s = vfio_soft_from_iommu(c->iommu);
    g_autoptr(GArray) want = g_array_new(FALSE, TRUE, sizeof(Seg));
    g_autoptr(GArray) host = g_array_new(FALSE, TRUE, sizeof(Seg));
    g_autoptr(GArray) mine = g_array_new(FALSE, TRUE, sizeof(Seg));
    g_autoptr(GArray) sm = vfio_soft_get_mappings(s);
    g_autoptr(GArray) cm = vfio_container_get_mappings(c);
    uint64_t ram = (uint64_t)(uintptr_t)f->ram;

    for (unsigned w = 0; w < SPAPR_PCI_DMA_MAX_WINDOWS; w++) {
        SpaprTceTable *t = f->phb->tcet[w];
        Proj p = { t, want };

        if (t && spapr_tce_table_enabled(t)) {
            spapr_tce_storage_for_each_run(t->storage, 0, t->nb_table - 1,
                                           SPAPR_TCE_WALK_VALID, proj_run,
                                           &p);
        }
    }
    for (guint i = 0; i < sm->len; i++) {
        VFIOSoftMapping *m = &g_array_index(sm, VFIOSoftMapping, i);

        g_assert_cmphex(m->vaddr, >=, ram);
        seg_add(host, m->iova, m->size, m->vaddr - ram, m->perm);
    }
    for (guint i = 0; i < cm->len; i++) {
        VFIOMapping *m = &g_array_index(cm, VFIOMapping, i);

        g_assert_cmphex(m->vaddr - ram, ==, m->gpa);
        seg_add(mine, m->iova, m->size, m->gpa, m->perm);
    }
    segs_assert_equal(want, host);
    segs_assert_equal(want, mine);
    if (c->type == VFIO_IOMMU_TYPE1V2) {
        /* type1 keeps mappings whole: one host mapping per container entry */
        g_assert_cmpuint(sm->len, ==, cm->len);
    }
}

static void check(Fixture *f)
{
    for (GList *l = vfio_address_space_containers(&f->phb->iommu_as); l;
         l = l->next) {
        check_one(f, l->data);
    }
}

static VFIOContainerStats stats(VFIOGroup *g)
{
    return vfio_container_get_stats(g->container);
}

#define assert_stats(g, maps, unmaps, nsplits, errs) do {                   \
        VFIOContainerStats st_ = stats(g);                                  \
        g_assert_cmpuint(st_.map_calls, ==, (maps));                        \
        g_assert_cmpuint(st_.unmap_calls, ==, (unmaps));                    \
        g_assert_cmpuint(st_.splits, ==, (nsplits));                        \
        g_assert_cmpuint(st_.errors, ==, (errs));                           \
    } while (0)

/* ---- attach and release ------------------------------------------------- */

static void test_attach_order(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    Fixture f;
    MemoryRegion other_root;
    AddressSpace other;
    Error *err = NULL;
    VFIOGroup *g;

    fixture_init(&f, type);
    g = attach(&f, 5);
    /* group in the list and given to KVM before the listener existed */
    g_assert_cmpstr(vfio_kvm_stub_log(), ==,
                    "add 5 (in-list, listener off); ");
    g_assert_true(g->container->listener_on);
    g_assert_cmpint(g->container->type, ==, type);
    g_assert_true(vfio_group_find(5) == g);

    /* the same group, same space: one more reference */
    g_assert_true(attach(&f, 5) == g);
    g_assert_cmpuint(g->refs, ==, 2);

    memory_region_init(&other_root, NULL, "other", UINT64_MAX);
    address_space_init(&other, &other_root, "other");
    g_assert_null(vfio_group_get(5, &other, &th_ops, &f.host, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "group 5 used in multiple address spaces");
    error_free(err);
    address_space_destroy(&other);
    memory_region_finalize(&other_root);

    /* the default window: the host knows it */
    {
        g_autoptr(GArray) w = vfio_container_get_windows(g->container);

        g_assert_cmpuint(w->len, ==, 1);
        g_assert_cmpstr(g_array_index(w, VFIOWindowInfo, 0).name, ==,
                        "tce-iommu-80000000");
        g_assert_false(g_array_index(w, VFIOWindowInfo, 0).broken);
        g_assert_cmphex(g_array_index(w, VFIOWindowInfo, 0).size, ==, GiB);
        g_assert_cmpint(g_array_index(w, VFIOWindowInfo, 0).host_window, ==,
                        type == VFIO_IOMMU_SPAPR_TCE_V2);
    }
    if (type == VFIO_IOMMU_SPAPR_TCE_V2) {
        g_autoptr(GArray) hw = vfio_soft_get_windows(f.host.soft[0]);
        g_autoptr(GArray) regs = vfio_soft_get_regions(f.host.soft[0]);

        /* default host window removed, the guest's created in slot 0 */
        g_assert_false(vfio_soft_default_window_pending(f.host.soft[0]));
        g_assert_cmpuint(hw->len, ==, 1);
        g_assert_cmphex(g_array_index(hw, VFIOSoftWindow, 0).start, ==, 0);
        g_assert_cmphex(g_array_index(hw, VFIOSoftWindow, 0).size, ==, GiB);
        g_assert_cmpuint(g_array_index(hw, VFIOSoftWindow, 0).page_shift, ==,
                         12);
        g_assert_cmpuint(regs->len, ==, 1);
        g_assert_cmphex(g_array_index(regs, VFIOSoftRegion, 0).vaddr, ==,
                        (uint64_t)(uintptr_t)f.ram);
        g_assert_cmphex(g_array_index(regs, VFIOSoftRegion, 0).size, ==,
                        RAM_SIZE);
    }
    g_assert_cmpint(put(&f, LIOBN0, 0x1000, DATA_GPA | TCE_RW), ==,
                    H_SUCCESS);
    check(&f);

    vfio_group_put(g);
    g_assert_cmpuint(f.host.released, ==, 0);
    vfio_group_put(g);
    g_assert_cmpuint(f.host.released, ==, 1);
    g_assert_null(vfio_group_find(5));
    g_assert_null(vfio_address_space_containers(&f.phb->iommu_as));
    g_assert_cmpstr(vfio_kvm_stub_log(), ==,
                    "add 5 (in-list, listener off); del 5; ");
    /* the table lost its consumer */
    g_assert_false(f.phb->tcet[0]->need_vfio);
    fixture_free(&f);
}

/* Entries set before the attach are replayed, coalesced. */
static void test_attach_replays(gconstpointer data)
{
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, GPOINTER_TO_INT(data));
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 512),
                    ==, H_SUCCESS);
    g_assert_cmpint(put(&f, LIOBN0, 0x400000, DATA_GPA | TCE_RO), ==,
                    H_SUCCESS);
    g = attach(&f, 1);
    check(&f);
    assert_stats(g, 2, 0, 0, 0);
    vfio_group_put(g);
    fixture_free(&f);
}

/* ---- hypercalls and coalescing ----------------------------------------- */

static void test_hcalls(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, type);
    g = attach(&f, 1);

    /* one INDIRECT of 512 contiguous TCEs: one map call */
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 512),
                    ==, H_SUCCESS);
    check(&f);
    assert_stats(g, 1, 0, 0, 0);

    /* a single put outside a batch maps at once */
    g_assert_cmpint(put(&f, LIOBN0, 0x300000, DATA_GPA | TCE_RO), ==,
                    H_SUCCESS);
    check(&f);
    assert_stats(g, 2, 0, 0, 0);

    /* STUFF of one value: the same page each time, one call per entry */
    g_assert_cmpint(stuff(&f, LIOBN0, 0x400000, DATA_GPA | TCE_RW, 4), ==,
                    H_SUCCESS);
    check(&f);
    assert_stats(g, 6, 0, 0, 0);

    /* STUFF 0 over all of it: unmaps coalesced, one call */
    vfio_container_reset_stats(g->container);
    g_assert_cmpint(stuff(&f, LIOBN0, 0, 0, 0x1000), ==, H_SUCCESS);
    check(&f);
    assert_stats(g, 0, 1, 0, 0);
    {
        g_autoptr(GArray) m = vfio_container_get_mappings(g->container);

        g_assert_cmpuint(m->len, ==, 0);
    }

    /* 512 non-contiguous TCEs (reversed pages): 512 map calls */
    vfio_container_reset_stats(g->container);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, (DATA_GPA + 511 * 4 * KiB) |
                             TCE_RW, -4 * KiB, 512), ==, H_SUCCESS);
    check(&f);
    assert_stats(g, 512, 0, 0, 0);
    vfio_group_put(g);
    fixture_free(&f);
}

/* Unmapping the middle of a run. */
static void test_split_middle(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    bool t1 = type == VFIO_IOMMU_TYPE1V2;
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, type);
    g = attach(&f, 1);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 16),
                    ==, H_SUCCESS);
    vfio_container_reset_stats(g->container);
    g_assert_cmpint(put(&f, LIOBN0, 0x8000, 0), ==, H_SUCCESS);
    check(&f);
    /* type1v2: unmap the run whole, map both survivors; sPAPR: one unmap */
    assert_stats(g, t1 ? 2 : 0, 1, 1, 0);
    {
        g_autoptr(GArray) m = vfio_container_get_mappings(g->container);

        g_assert_cmpuint(m->len, ==, 2);
        g_assert_cmphex(g_array_index(m, VFIOMapping, 1).iova, ==, 0x9000);
        g_assert_cmphex(g_array_index(m, VFIOMapping, 1).gpa, ==,
                        DATA_GPA + 0x9000);
    }
    /* the first entry: one cut at the start */
    vfio_container_reset_stats(g->container);
    g_assert_cmpint(put(&f, LIOBN0, 0, 0), ==, H_SUCCESS);
    check(&f);
    assert_stats(g, t1 ? 1 : 0, 1, 1, 0);
    vfio_group_put(g);
    fixture_free(&f);
}

/* Overwriting inside a run, and a permission change: never EEXIST. */
static void test_overwrite(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    bool t1 = type == VFIO_IOMMU_TYPE1V2;
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, type);
    g = attach(&f, 1);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 16),
                    ==, H_SUCCESS);
    vfio_container_reset_stats(g->container);
    /* H_PUT_TCE elsewhere in the middle: UNMAP (split) then MAP */
    g_assert_cmpint(put(&f, LIOBN0, 0x5000, 0x2000000 | TCE_RW), ==,
                    H_SUCCESS);
    check(&f);
    assert_stats(g, t1 ? 3 : 1, 1, 1, 0);

    /* permission change of entries 8..11 in one INDIRECT */
    vfio_container_reset_stats(g->container);
    g_assert_cmpint(indirect(&f, LIOBN0, 0x8000, (DATA_GPA + 0x8000) | TCE_RO,
                             4 * KiB, 4), ==, H_SUCCESS);
    check(&f);
    /* one coalesced unmap (+ survivors on type1) and one map of the run */
    assert_stats(g, t1 ? 3 : 1, 1, 1, 0);

    /* overwrite all 16 with another contiguous run: 1 unmap-span, 1 map */
    vfio_container_reset_stats(g->container);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, 0x3000000 | TCE_RW, 4 * KiB, 16),
                    ==, H_SUCCESS);
    check(&f);
    assert_stats(g, 1, 1, 0, 0);
    vfio_group_put(g);
    fixture_free(&f);
}

/* Runs made by two calls stay two host mappings; a cut across both. */
static void test_run_across_calls(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    bool t1 = type == VFIO_IOMMU_TYPE1V2;
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, type);
    g = attach(&f, 1);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 512),
                    ==, H_SUCCESS);
    g_assert_cmpint(indirect(&f, LIOBN0, 0x200000,
                             (DATA_GPA + 0x200000) | TCE_RW, 4 * KiB, 512),
                    ==, H_SUCCESS);
    check(&f);
    assert_stats(g, 2, 0, 0, 0);
    vfio_container_reset_stats(g->container);
    /* clear 16 entries straddling the boundary of the two calls */
    g_assert_cmpint(stuff(&f, LIOBN0, 0x1f8000, 0, 16), ==, H_SUCCESS);
    check(&f);
    assert_stats(g, t1 ? 2 : 0, 1, 2, 0);
    vfio_group_put(g);
    fixture_free(&f);
}

/* ---- windows ------------------------------------------------------------ */

static void test_ddw(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    SpaprTceTable *t1;
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, type);
    g = attach(&f, 1);
    t1 = f.phb->tcet[1];
    g_assert_true(spapr_tce_table_enable(t1, 16, DMA64, 0x4000,
                                         &error_abort));
    {
        g_autoptr(GArray) w = vfio_container_get_windows(g->container);

        g_assert_cmpuint(w->len, ==, 2);
        g_assert_cmphex(g_array_index(w, VFIOWindowInfo, 1).bus_start, ==,
                        DMA64);
        g_assert_false(g_array_index(w, VFIOWindowInfo, 1).broken);
    }
    if (type == VFIO_IOMMU_SPAPR_TCE_V2) {
        g_autoptr(GArray) hw = vfio_soft_get_windows(f.host.soft[0]);

        g_assert_cmpuint(hw->len, ==, 2);
        g_assert_cmphex(g_array_index(hw, VFIOSoftWindow, 1).start, ==,
                        DMA64);
        /* 64 KiB TCEs over 4 KiB RAM pages: 4 KiB host pages */
        g_assert_cmpuint(g_array_index(hw, VFIOSoftWindow, 1).page_shift, ==,
                         12);
        g_assert_cmphex(g_array_index(hw, VFIOSoftWindow, 1).size, ==,
                        0x4000ULL << 16);
    }
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, TCE_RW, 64 * KiB, 512), ==,
                    H_SUCCESS);
    g_assert_cmpint(put(&f, LIOBN0, 0, DATA_GPA | TCE_RW), ==, H_SUCCESS);
    check(&f);
    assert_stats(g, 2, 0, 0, 0);

    /* remove the DDW: its range unmapped in one call, host window gone */
    spapr_tce_table_disable(t1);
    check(&f);
    assert_stats(g, 2, 1, 0, 0);
    if (type == VFIO_IOMMU_SPAPR_TCE_V2) {
        g_autoptr(GArray) hw = vfio_soft_get_windows(f.host.soft[0]);

        g_assert_cmpuint(hw->len, ==, 1);
    }

    /* DDW again, then a PHB DMA reset: everything gone but the default */
    g_assert_true(spapr_tce_table_enable(t1, 16, DMA64, 0x4000,
                                         &error_abort));
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, TCE_RW, 64 * KiB, 16), ==,
                    H_SUCCESS);
    spapr_phb_dma_reset(f.phb);
    check(&f);
    {
        g_autoptr(GArray) m = vfio_soft_get_mappings(f.host.soft[0]);
        g_autoptr(GArray) w = vfio_container_get_windows(g->container);

        g_assert_cmpuint(m->len, ==, 0);
        g_assert_cmpuint(w->len, ==, 1);
    }
    g_assert_cmpint(put(&f, LIOBN0, 0x2000, DATA_GPA | TCE_RW), ==,
                    H_SUCCESS);
    check(&f);
    vfio_group_put(g);
    fixture_free(&f);
}

/* type1v2: a window outside the IOVA ranges is broken; puts fail. */
static void test_type1_window_outside(void)
{
    Fixture f;
    VFIOGroup *g;
    Error *err = NULL;

    fixture_init(&f, VFIO_IOMMU_TYPE1V2);
    f.host.cfg.nr_iova_ranges = 0;          /* the default x86 ranges */
    g = attach(&f, 1);
    /* the container refuses it before it exists */
    g_assert_false(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x100,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: window tce-iommu-80000001 "
                    "[0x800000000000000, 0x800000000ffffff] "
                    "(size 0x1000000, TCE page 0x10000): the window is "
                    "outside the host's valid IOVA ranges "
                    "([0x0, 0xfedfffff], [0xfef00000, 0x7fffffffff])");
    g_clear_pointer(&err, error_free);
    g_assert_false(spapr_tce_table_enabled(f.phb->tcet[1]));
    /* a path that cannot fail: the window is there, but broken */
    g_assert_true(spapr_tce_table_enable_forced(f.phb->tcet[1], 16, DMA64,
                                                0x100, &error_abort));
    {
        g_autoptr(GArray) w = vfio_container_get_windows(g->container);
        VFIOWindowInfo *i = &g_array_index(w, VFIOWindowInfo, 1);

        g_assert_true(i->broken);
        g_assert_cmpstr(i->error, ==,
                        "vfio: window tce-iommu-80000001 "
                        "[0x800000000000000, 0x800000000ffffff] "
                        "(size 0x1000000, TCE page 0x10000): the window is "
                        "outside the host's valid IOVA ranges "
                        "([0x0, 0xfedfffff], [0xfef00000, 0x7fffffffff])");
    }
    g_assert_cmpint(put(&f, LIOBN1, DMA64, DATA_GPA | TCE_RW), ==,
                    H_HARDWARE);
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, DATA_GPA | TCE_RW, 64 * KiB,
                             8), ==, H_HARDWARE);
    check(&f);
    /* the default window still works */
    g_assert_cmpint(put(&f, LIOBN0, 0, DATA_GPA | TCE_RW), ==, H_SUCCESS);
    check(&f);
    vfio_group_put(g);

    /* at attach time the same problem fails the attach */
    f.host.cfg.nr_iova_ranges = 1;
    f.host.cfg.iova_ranges[0] = (VFIOIOVARange) { 0x100000000ULL,
                                                  (1ULL << 39) - 1 };
    g_assert_null(vfio_group_get(1, &f.phb->iommu_as, &th_ops, &f.host,
                                 &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: window tce-iommu-80000000 [0x0, 0x3fffffff] "
                    "(size 0x40000000, TCE page 0x1000): the window is "
                    "outside the host's valid IOVA ranges "
                    "([0x100000000, 0x7fffffffff])");
    error_free(err);
    g_assert_null(vfio_address_space_containers(&f.phb->iommu_as));
    g_assert_false(f.phb->tcet[0]->need_vfio);
    fixture_free(&f);
}

/* A TCE page size the host lacks. */
static void test_page_size_lacking(void)
{
    Fixture f;
    VFIOGroup *g;
    Error *err = NULL;

    /* type1v2 with 64 KiB pages only: the 4 KiB default window fails */
    fixture_init(&f, VFIO_IOMMU_TYPE1V2);
    f.host.cfg.pgsizes = 64 * KiB;
    g_assert_null(vfio_group_get(1, &f.phb->iommu_as, &th_ops, &f.host,
                                 &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: window tce-iommu-80000000 [0x0, 0x3fffffff] "
                    "(size 0x40000000, TCE page 0x1000): TCE page size "
                    "0x1000 is not supported by the host IOMMU (page sizes "
                    "0x10000)");
    g_clear_pointer(&err, error_free);
    fixture_free(&f);

    /* sPAPR v2 offering 64 KiB and 16 MiB: a 4 KiB DDW at run time */
    fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    f.host.cfg.spapr_pgsizes = 64 * KiB | 16 * MiB;
    f.host.cfg.host_page_shift = 12;
    spapr_tce_table_disable(f.phb->tcet[0]);    /* no 4 KiB window yet */
    g = attach(&f, 1);
    g_assert_false(spapr_tce_table_enable(f.phb->tcet[1], 12, DMA64, 0x100,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: window tce-iommu-80000001 "
                    "[0x800000000000000, 0x8000000000fffff] "
                    "(size 0x100000, TCE page 0x1000): no host IOMMU "
                    "page size fits: TCE page size 0x1000, RAM backing "
                    "page size 0x1000, host page sizes 0x1010000");
    g_clear_pointer(&err, error_free);
    g_assert_true(spapr_tce_table_enable_forced(f.phb->tcet[1], 12, DMA64,
                                                0x100, &error_abort));
    {
        g_autoptr(GArray) w = vfio_container_get_windows(g->container);

        g_assert_cmpstr(g_array_index(w, VFIOWindowInfo, 0).error, ==,
                        "vfio: window tce-iommu-80000001 "
                        "[0x800000000000000, 0x8000000000fffff] "
                        "(size 0x100000, TCE page 0x1000): no host IOMMU "
                        "page size fits: TCE page size 0x1000, RAM backing "
                        "page size 0x1000, host page sizes 0x1010000");
    }
    g_assert_cmpint(put(&f, LIOBN1, DMA64, DATA_GPA | TCE_RW), ==,
                    H_HARDWARE);
    check(&f);
    vfio_group_put(g);
    fixture_free(&f);
}

static void test_pick_page_size(void)
{
    uint64_t all = 4 * KiB | 64 * KiB | 16 * MiB | 256 * MiB;

    g_assert_cmphex(vfio_spapr_pick_page_size(all, 64 * KiB, 4 * KiB), ==,
                    4 * KiB);
    g_assert_cmphex(vfio_spapr_pick_page_size(all, 16 * MiB, 16 * MiB), ==,
                    16 * MiB);
    g_assert_cmphex(vfio_spapr_pick_page_size(all, 1 * GiB, 64 * KiB), ==,
                    64 * KiB);
    g_assert_cmphex(vfio_spapr_pick_page_size(all, 32 * MiB, 1 * GiB), ==,
                    16 * MiB);
    g_assert_cmphex(vfio_spapr_pick_page_size(64 * KiB, 4 * KiB, 4 * KiB),
                    ==, 0);
    g_assert_cmphex(vfio_spapr_pick_page_size(all, 0, 4 * KiB), ==, 0);
}

/* ---- several groups ---------------------------------------------------- */

static void test_two_groups(gconstpointer data)
{
    VFIOIOMMUType type = GPOINTER_TO_INT(data);
    Fixture f;
    VFIOGroup *a, *b;

    /* one container */
    fixture_init(&f, type);
    a = attach(&f, 1);
    b = attach(&f, 2);
    g_assert_true(a->container == b->container);
    g_assert_cmpuint(f.host.opened, ==, 1);
    g_assert_cmpstr(vfio_kvm_stub_log(), ==,
                    "add 1 (in-list, listener off); "
                    "add 2 (in-list, listener on); ");
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 64),
                    ==, H_SUCCESS);
    check(&f);
    vfio_group_put(a);
    g_assert_cmpuint(f.host.released, ==, 0);
    check(&f);
    vfio_group_put(b);
    g_assert_cmpuint(f.host.released, ==, 1);
    fixture_free(&f);

    /* two containers: the host refuses to share (sPAPR: EPERM) */
    fixture_init(&f, type);
    f.host.refuse_join = true;
    a = attach(&f, 1);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 64),
                    ==, H_SUCCESS);
    b = attach(&f, 2);
    g_assert_true(a->container != b->container);
    g_assert_cmpuint(g_list_length(
                         vfio_address_space_containers(&f.phb->iommu_as)),
                     ==, 2);
    check(&f);
    assert_stats(b, 1, 0, 0, 0);            /* its replay: one call */
    g_assert_true(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x100,
                                         &error_abort));
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, TCE_RW, 64 * KiB, 16), ==,
                    H_SUCCESS);
    g_assert_cmpint(put(&f, LIOBN0, 0x4000, 0), ==, H_SUCCESS);
    check(&f);
    assert_stats(a, 3 + (type == VFIO_IOMMU_TYPE1V2 ? 2 : 0) - 1, 1, 1, 0);
    vfio_group_put(b);
    check(&f);
    vfio_group_put(a);
    g_assert_cmpuint(f.host.released, ==, 2);
    fixture_free(&f);
}

/* ---- fault injection --------------------------------------------------- */

static VFIOSoftIOMMU *soft_of(VFIOGroup *g)
{
    return vfio_soft_from_iommu(g->container->iommu);
}

static void test_fault_map(gconstpointer data)
{
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, GPOINTER_TO_INT(data));
    g = attach(&f, 1);
    /* the coalesced map at batch_commit fails: resync, H_HARDWARE */
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_MAP, 1, ENOSPC);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 32),
                    ==, H_HARDWARE);
    check(&f);
    g_assert_cmpuint(f.phb->tcet[0]->resync_failures, ==, 0);
    /* a mid-batch flush failing (non-contiguous entries) */
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_MAP, 2, EFAULT);
    g_assert_cmpint(indirect(&f, LIOBN0, 0x100000, DATA_GPA | TCE_RW,
                             8 * KiB, 8), ==, H_HARDWARE);
    check(&f);
    /* a single put */
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_MAP, 1, ENOMEM);
    g_assert_cmpint(put(&f, LIOBN0, 0x200000, DATA_GPA | TCE_RW), ==,
                    H_HARDWARE);
    g_assert_cmphex(spapr_tce_storage_get(f.phb->tcet[0]->storage, 0x200),
                    ==, 0);
    check(&f);
    g_assert_cmpuint(stats(g).errors, ==, 3);
    vfio_group_put(g);
    fixture_free(&f);
}

/*
 * The container keeps at most max_mappings host mappings: TCEs that cannot
 * be coalesced each cost one; past the bound the put fails cleanly.
 */
static void test_max_mappings(gconstpointer data)
{
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, GPOINTER_TO_INT(data));
    g = attach(&f, 1);
    g_assert_cmpuint(g->container->max_mappings, ==,
                     VFIO_CONTAINER_MAX_MAPPINGS);
    vfio_container_set_max_mappings(g->container, 3);
    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmpint(put(&f, LIOBN0, i * 0x2000, DATA_GPA | TCE_RW), ==,
                        H_SUCCESS);
    }
    g_assert_cmpint(put(&f, LIOBN0, 0x6000, DATA_GPA | TCE_RW), ==,
                    H_HARDWARE);
    g_assert_cmphex(spapr_tce_storage_get(f.phb->tcet[0]->storage, 6), ==, 0);
    check(&f);
    /* one page over eight entries: each entry is a mapping of its own */
    g_assert_cmpint(stuff(&f, LIOBN0, 0x10000, DATA_GPA | TCE_RW, 8), ==,
                    H_HARDWARE);
    check(&f);
    /* unmapping makes room again */
    g_assert_cmpint(put(&f, LIOBN0, 0, 0), ==, H_SUCCESS);
    g_assert_cmpint(put(&f, LIOBN0, 0x6000, DATA_GPA | TCE_RW), ==,
                    H_SUCCESS);
    check(&f);
    vfio_group_put(g);
    fixture_free(&f);
}

/* A group number is one host's: another host asking for it is refused. */
static void test_group_other_host(void)
{
    Fixture f;
    VFIOGroup *g;
    TestHost other = { .groups = g_hash_table_new(NULL, NULL) };
    Error *err = NULL;

    fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    g = attach(&f, 1);
    g_assert_null(vfio_group_get(1, &f.phb->iommu_as, &th_ops, &other, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "group 1 belongs to another VFIO host");
    error_free(err);
    g_assert_cmpuint(g->refs, ==, 1);
    vfio_group_put(g);
    g_hash_table_destroy(other.groups);
    fixture_free(&f);
}

static void test_fault_unmap(gconstpointer data)
{
    Fixture f;
    VFIOGroup *g;

    fixture_init(&f, GPOINTER_TO_INT(data));
    g = attach(&f, 1);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 32),
                    ==, H_SUCCESS);
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_UNMAP, 1, EINVAL);
    g_assert_cmpint(stuff(&f, LIOBN0, 0x4000, 0, 4), ==, H_HARDWARE);
    check(&f);
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_UNMAP, 1, EINVAL);
    g_assert_cmpint(put(&f, LIOBN0, 0x10000, DATA_GPA | TCE_RO), ==,
                    H_HARDWARE);
    check(&f);
    /* a window going away while the host refuses the unmap once */
    g_assert_true(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x100,
                                         &error_abort));
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, TCE_RW, 64 * KiB, 16), ==,
                    H_SUCCESS);
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_UNMAP, 1, EINVAL);
    spapr_tce_table_disable(f.phb->tcet[1]);
    check(&f);
    g_assert_cmpuint(f.phb->tcet[0]->resync_failures, ==, 0);
    vfio_group_put(g);
    fixture_free(&f);
}

/*
 * type1v2 says how many bytes an unmap removed: a host that unmapped more
 * (or less) than the container had mapped there no longer matches the
 * bookkeeping; the unmap fails (-EIO) and the table resynchronises it.
 */
static void test_unmap_mismatch(void)
{
    Fixture f;
    VFIOGroup *g;
    VFIOContainer *c;
    g_autoptr(GArray) host = NULL;

    fixture_init(&f, VFIO_IOMMU_TYPE1V2);
    g = attach(&f, 1);
    c = g->container;
    g_assert_cmpint(put(&f, LIOBN0, 0x2000, DATA_GPA | TCE_RW), ==,
                    H_SUCCESS);
    g_assert_cmpint(put(&f, LIOBN0, 0x4000, DATA_GPA | TCE_RW), ==,
                    H_SUCCESS);
    /* a host mapping the container does not know about, in the hole */
    g_assert_cmpint(vfio_iommu_map(c->iommu, 0x3000, 0x1000, 0x7f0000000000,
                                   VFIO_IOMMU_PERM_RW), ==, 0);
    vfio_container_reset_stats(c);
    /* one span over the hole: the host unmaps 0x3000 bytes, 0x2000 known */
    g_assert_cmpint(stuff(&f, LIOBN0, 0x2000, 0, 3), ==, H_HARDWARE);
    g_assert_cmpuint(vfio_container_get_stats(c).errors, ==, 1);
    g_assert_cmpuint(f.phb->tcet[0]->resync_failures, ==, 0);
    host = vfio_soft_get_mappings(soft_of(g));
    g_assert_cmpuint(host->len, ==, 0);
    check(&f);
    vfio_group_put(g);
    fixture_free(&f);
}

/* sPAPR: window create fails at run time (broken) and at attach (error). */
static void test_fault_window_create(void)
{
    Fixture f;
    VFIOGroup *g;
    Error *err = NULL;

    fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    g = attach(&f, 1);
    /* the trial create fails: the enable fails, nothing is left */
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_ADD_WINDOW, 1, ENOMEM);
    g_assert_false(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x100,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: window tce-iommu-80000001 "
                    "[0x800000000000000, 0x800000000ffffff] "
                    "(size 0x1000000, TCE page 0x10000): cannot create a "
                    "host DMA window of 0x1000000 bytes with 0x1000 pages, "
                    "1 levels: Cannot allocate memory");
    g_clear_pointer(&err, error_free);
    g_assert_false(spapr_tce_table_enabled(f.phb->tcet[1]));
    /* the trial passes, the real create fails: a broken window */
    vfio_soft_inject_fault(soft_of(g), VFIO_SOFT_OP_ADD_WINDOW, 2, ENOMEM);
    g_assert_true(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x100,
                                         &error_abort));
    {
        g_autoptr(GArray) w = vfio_container_get_windows(g->container);

        g_assert_true(g_array_index(w, VFIOWindowInfo, 1).broken);
        g_assert_nonnull(strstr(g_array_index(w, VFIOWindowInfo, 1).error,
                                "cannot create a host DMA window of "
                                "0x1000000 bytes with 0x1000 pages, 1 "
                                "levels: "));
    }
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, DATA_GPA | TCE_RW, 64 * KiB,
                             4), ==, H_HARDWARE);
    g_assert_cmpint(indirect(&f, LIOBN0, 0, DATA_GPA | TCE_RW, 4 * KiB, 4),
                    ==, H_SUCCESS);
    check(&f);
    /* remove and create again: the host honours it this time */
    spapr_tce_table_disable(f.phb->tcet[1]);
    g_assert_true(spapr_tce_table_enable(f.phb->tcet[1], 16, DMA64, 0x100,
                                         &error_abort));
    g_assert_cmpint(indirect(&f, LIOBN1, DMA64, DATA_GPA | TCE_RW, 64 * KiB,
                             4), ==, H_SUCCESS);
    check(&f);
    vfio_group_put(g);

    f.host.fault_op = VFIO_SOFT_OP_ADD_WINDOW;
    f.host.fault_nth = 1;
    f.host.fault_err = ENOSPC;
    g_assert_null(vfio_group_get(1, &f.phb->iommu_as, &th_ops, &f.host,
                                 &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "vfio: window tce-iommu-80000000"));
    error_free(err);
    g_assert_null(vfio_address_space_containers(&f.phb->iommu_as));
    fixture_free(&f);
}

static void test_fault_register(void)
{
    Fixture f;
    Error *err = NULL;
    VFIOGroup *g;

    fixture_init(&f, VFIO_IOMMU_SPAPR_TCE_V2);
    f.host.fault_op = VFIO_SOFT_OP_REGISTER;
    f.host.fault_nth = 1;
    f.host.fault_err = ENOMEM;
    g_assert_null(vfio_group_get(1, &f.phb->iommu_as, &th_ops, &f.host,
                                 &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio: cannot pre-register guest RAM at 0x0 "
                    "(0x40000000 bytes): Cannot allocate memory");
    error_free(err);
    g_assert_cmpuint(f.host.released, ==, 1);
    /* the guest works without a consumer, and with one again */
    g_assert_cmpint(put(&f, LIOBN0, 0, DATA_GPA | TCE_RW), ==, H_SUCCESS);
    g = attach(&f, 1);
    check(&f);
    vfio_group_put(g);
    fixture_free(&f);
}

static void add_typed(const char *name, GTestDataFunc fn)
{
    g_autofree char *t1 = g_strdup_printf("/vfio-container/type1v2/%s", name);
    g_autofree char *sp = g_strdup_printf("/vfio-container/spapr-v2/%s",
                                          name);

    g_test_add_data_func(t1, GINT_TO_POINTER(VFIO_IOMMU_TYPE1V2), fn);
    g_test_add_data_func(sp, GINT_TO_POINTER(VFIO_IOMMU_SPAPR_TCE_V2), fn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_typed("attach-order", test_attach_order);
    add_typed("attach-replays", test_attach_replays);
    add_typed("hcalls", test_hcalls);
    add_typed("split/middle", test_split_middle);
    add_typed("split/overwrite", test_overwrite);
    add_typed("split/across-calls", test_run_across_calls);
    add_typed("ddw", test_ddw);
    add_typed("two-groups", test_two_groups);
    add_typed("fault/map", test_fault_map);
    add_typed("fault/unmap", test_fault_unmap);
    add_typed("max-mappings", test_max_mappings);
    g_test_add_func("/vfio-container/group-of-another-host",
                    test_group_other_host);
    g_test_add_func("/vfio-container/type1v2/window-outside-ranges",
                    test_type1_window_outside);
    g_test_add_func("/vfio-container/type1v2/unmap-size-mismatch",
                    test_unmap_mismatch);
    g_test_add_func("/vfio-container/page-size-lacking",
                    test_page_size_lacking);
    g_test_add_func("/vfio-container/spapr-v2/pick-page-size",
                    test_pick_page_size);
    g_test_add_func("/vfio-container/spapr-v2/fault/window-create",
                    test_fault_window_create);
    g_test_add_func("/vfio-container/spapr-v2/fault/register",
                    test_fault_register);
    return g_test_run();
}
