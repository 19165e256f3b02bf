/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of system/memory.c, physmem.c and memory-mtree.c. */

#include "qemu/osdep.h"
#include "exec/memory.h"

/* ---- helpers: a recording listener ------------------------------------ */

typedef struct RecListener {
    MemoryListener listener;
    GString *log;                   /* shared between listeners if wanted */
} RecListener;

static void rec_log(MemoryListener *l, const char *what,
                    MemoryRegionSection *s)
{
    RecListener *r = container_of(l, RecListener, listener);

    if (l->name) {
        g_string_append_printf(r->log, "%s:", l->name);
    }
    g_string_append_printf(r->log, "%s %s 0x%" PRIx64 "+0x%" PRIx64
                           " @0x%" PRIx64 "\n", what, s->mr->name,
                           s->offset_within_address_space, s->size,
                           s->offset_within_region);
}

static void rec_add(MemoryListener *l, MemoryRegionSection *s)
{
    rec_log(l, "add", s);
}

static void rec_del(MemoryListener *l, MemoryRegionSection *s)
{
    rec_log(l, "del", s);
}

static void rec_init(RecListener *r, GString *log, const char *name,
                     int priority)
{
    memset(r, 0, sizeof(*r));
    r->listener.region_add = rec_add;
    r->listener.region_del = rec_del;
    r->listener.name = name;
    r->listener.priority = priority;
    r->log = log;
}

/* Compare and reset the log. */
static void log_check(GString *log, const char *expected)
{
    g_assert_cmpstr(log->str, ==, expected);
    g_string_truncate(log, 0);
}

/* A 64 KiB address space test bed: root container "root" + listener. */
typedef struct Bed {
    MemoryRegion root;
    AddressSpace as;
    RecListener rec;
    GString *log;
} Bed;

static void bed_init(Bed *b, uint64_t size)
{
    b->log = g_string_new("");
    memory_region_init(&b->root, NULL, "root", size);
    address_space_init(&b->as, &b->root, "test");
    rec_init(&b->rec, b->log, NULL, 0);
    memory_listener_register(&b->rec.listener, &b->as);
}

static void bed_fini(Bed *b)
{
    memory_listener_unregister(&b->rec.listener);
    address_space_destroy(&b->as);
    memory_region_finalize(&b->root);
    g_string_free(b->log, true);
}

static void io_init(MemoryRegion *mr, const char *name, uint64_t size)
{
    memory_region_init_io(mr, NULL, NULL, NULL, name, size);
}

/* ---- listeners and flattening ----------------------------------------- */

static void test_listener_replay_on_register(void)
{
    Bed b;
    MemoryRegion a, c;
    RecListener late;

    bed_init(&b, 0x10000);
    io_init(&a, "a", 0x1000);
    io_init(&c, "c", 0x2000);
    memory_region_add_subregion(&b.root, 0x4000, &a);
    memory_region_add_subregion(&b.root, 0x1000, &c);
    log_check(b.log, "add a 0x4000+0x1000 @0x0\n"
                     "add c 0x1000+0x2000 @0x0\n");

    /* A late listener gets every section, in address order. */
    rec_init(&late, b.log, "late", 0);
    memory_listener_register(&late.listener, &b.as);
    log_check(b.log, "late:add c 0x1000+0x2000 @0x0\n"
                     "late:add a 0x4000+0x1000 @0x0\n");
    memory_listener_unregister(&late.listener);
    log_check(b.log, "late:del c 0x1000+0x2000 @0x0\n"
                     "late:del a 0x4000+0x1000 @0x0\n");
    /* Unregistering twice is a no-op. */
    memory_listener_unregister(&late.listener);
    log_check(b.log, "");

    memory_region_del_subregion(&b.root, &a);
    log_check(b.log, "del a 0x4000+0x1000 @0x0\n");
    memory_region_del_subregion(&b.root, &c);
    log_check(b.log, "del c 0x1000+0x2000 @0x0\n");
    memory_region_finalize(&a);
    memory_region_finalize(&c);
    bed_fini(&b);
}

static void test_listener_unchanged_no_call(void)
{
    Bed b;
    MemoryRegion a, c;

    bed_init(&b, 0x10000);
    io_init(&a, "a", 0x1000);
    io_init(&c, "c", 0x1000);
    memory_region_add_subregion(&b.root, 0x0, &a);
    log_check(b.log, "add a 0x0+0x1000 @0x0\n");
    /* Adding elsewhere leaves "a" alone. */
    memory_region_add_subregion(&b.root, 0x8000, &c);
    log_check(b.log, "add c 0x8000+0x1000 @0x0\n");
    /* Same size again: not a change at all. */
    memory_region_set_size(&a, 0x1000);
    log_check(b.log, "");
    memory_region_del_subregion(&b.root, &c);
    memory_region_del_subregion(&b.root, &a);
    log_check(b.log, "del c 0x8000+0x1000 @0x0\n"
                     "del a 0x0+0x1000 @0x0\n");
    memory_region_finalize(&a);
    memory_region_finalize(&c);
    bed_fini(&b);
}

static void test_listener_resize(void)
{
    Bed b;
    MemoryRegion a;

    bed_init(&b, 0x10000);
    io_init(&a, "a", 0x1000);
    memory_region_add_subregion(&b.root, 0x2000, &a);
    log_check(b.log, "add a 0x2000+0x1000 @0x0\n");
    memory_region_set_size(&a, 0x3000);
    log_check(b.log, "del a 0x2000+0x1000 @0x0\n"
                     "add a 0x2000+0x3000 @0x0\n");
    /* Clipped by the container (0x10000). */
    memory_region_set_size(&a, 0x20000);
    log_check(b.log, "del a 0x2000+0x3000 @0x0\n"
                     "add a 0x2000+0xe000 @0x0\n");
    memory_region_set_size(&a, 0);
    log_check(b.log, "del a 0x2000+0xe000 @0x0\n");
    g_assert_cmpuint(memory_region_size(&a), ==, 0);
    memory_region_del_subregion(&b.root, &a);
    log_check(b.log, "");
    memory_region_finalize(&a);
    bed_fini(&b);
}

static void test_flat_priority_hole(void)
{
    Bed b;
    MemoryRegion low, high;

    bed_init(&b, 0x10000);
    io_init(&low, "low", 0x3000);
    io_init(&high, "high", 0x1000);
    memory_region_add_subregion_overlap(&b.root, 0x0, &low, 0);
    log_check(b.log, "add low 0x0+0x3000 @0x0\n");
    memory_region_add_subregion_overlap(&b.root, 0x1000, &high, 1);
    /* The hole splits "low": the old section goes, three come. */
    log_check(b.log, "del low 0x0+0x3000 @0x0\n"
                     "add low 0x0+0x1000 @0x0\n"
                     "add high 0x1000+0x1000 @0x0\n"
                     "add low 0x2000+0x1000 @0x2000\n");
    memory_region_del_subregion(&b.root, &high);
    log_check(b.log, "del low 0x0+0x1000 @0x0\n"
                     "del high 0x1000+0x1000 @0x0\n"
                     "del low 0x2000+0x1000 @0x2000\n"
                     "add low 0x0+0x3000 @0x0\n");
    memory_region_del_subregion(&b.root, &low);
    log_check(b.log, "del low 0x0+0x3000 @0x0\n");
    memory_region_finalize(&low);
    memory_region_finalize(&high);
    bed_fini(&b);
}

static void test_flat_priority_order_independent(void)
{
    Bed b;
    MemoryRegion low, high;

    bed_init(&b, 0x10000);
    io_init(&low, "low", 0x3000);
    io_init(&high, "high", 0x1000);
    /* Higher priority added first still wins over the later, lower one. */
    memory_region_add_subregion_overlap(&b.root, 0x1000, &high, 5);
    memory_region_add_subregion_overlap(&b.root, 0x0, &low, -1);
    log_check(b.log, "add high 0x1000+0x1000 @0x0\n"
                     "add low 0x0+0x1000 @0x0\n"
                     "add low 0x2000+0x1000 @0x2000\n");
    memory_region_del_subregion(&b.root, &low);
    memory_region_del_subregion(&b.root, &high);
    log_check(b.log, "del low 0x0+0x1000 @0x0\n"
                     "del low 0x2000+0x1000 @0x2000\n"
                     "del high 0x1000+0x1000 @0x0\n");
    memory_region_finalize(&low);
    memory_region_finalize(&high);
    bed_fini(&b);
}

static void test_flat_equal_priority_later_wins(void)
{
    Bed b;
    MemoryRegion first, second;
    MemoryRegionSection s;

    bed_init(&b, 0x10000);
    io_init(&first, "first", 0x2000);
    io_init(&second, "second", 0x2000);
    memory_region_add_subregion(&b.root, 0x0, &first);
    memory_region_add_subregion(&b.root, 0x1000, &second);
    log_check(b.log, "add first 0x0+0x2000 @0x0\n"
                     "del first 0x0+0x2000 @0x0\n"
                     "add first 0x0+0x1000 @0x0\n"
                     "add second 0x1000+0x2000 @0x0\n");
    g_assert_true(address_space_find_section(&b.as, 0x1800, &s));
    g_assert_true(s.mr == &second);
    g_assert_cmpuint(s.offset_within_region, ==, 0x800 - 0x800);
    g_assert_cmpuint(s.offset_within_address_space, ==, 0x1000);
    g_assert_false(address_space_find_section(&b.as, 0x3000, &s));
    memory_region_del_subregion(&b.root, &first);
    memory_region_del_subregion(&b.root, &second);
    log_check(b.log, "del first 0x0+0x1000 @0x0\n"
                     "del second 0x1000+0x2000 @0x0\n");
    memory_region_finalize(&first);
    memory_region_finalize(&second);
    bed_fini(&b);
}

static void test_listener_unmapped_container(void)
{
    Bed b;
    MemoryRegion box, inner;

    bed_init(&b, 0x10000);
    memory_region_init(&box, NULL, "box", 0x4000);
    io_init(&inner, "inner", 0x1000);
    memory_region_add_subregion(&box, 0x1000, &inner);
    log_check(b.log, "");
    memory_region_add_subregion(&b.root, 0x8000, &box);
    log_check(b.log, "add inner 0x9000+0x1000 @0x0\n");
    /* A container is not a section of its own. */
    memory_region_del_subregion(&b.root, &box);
    log_check(b.log, "del inner 0x9000+0x1000 @0x0\n");
    memory_region_del_subregion(&box, &inner);
    log_check(b.log, "");
    memory_region_finalize(&inner);
    memory_region_finalize(&box);
    bed_fini(&b);
}

static void test_listener_priority_order(void)
{
    Bed b;
    RecListener hi, lo, mid;
    MemoryRegion a;

    bed_init(&b, 0x10000);
    memory_listener_unregister(&b.rec.listener);
    rec_init(&hi, b.log, "hi", 10);
    rec_init(&lo, b.log, "lo", 0);
    rec_init(&mid, b.log, "mid", 5);
    memory_listener_register(&hi.listener, &b.as);
    memory_listener_register(&lo.listener, &b.as);
    memory_listener_register(&mid.listener, &b.as);
    io_init(&a, "a", 0x1000);
    memory_region_add_subregion(&b.root, 0x0, &a);
    log_check(b.log, "lo:add a 0x0+0x1000 @0x0\n"
                     "mid:add a 0x0+0x1000 @0x0\n"
                     "hi:add a 0x0+0x1000 @0x0\n");
    memory_region_del_subregion(&b.root, &a);
    log_check(b.log, "hi:del a 0x0+0x1000 @0x0\n"
                     "mid:del a 0x0+0x1000 @0x0\n"
                     "lo:del a 0x0+0x1000 @0x0\n");
    memory_listener_unregister(&hi.listener);
    memory_listener_unregister(&lo.listener);
    memory_listener_unregister(&mid.listener);
    memory_region_finalize(&a);
    address_space_destroy(&b.as);
    memory_region_finalize(&b.root);
    g_string_free(b.log, true);
}

static void test_listener_del_before_add(void)
{
    Bed b;
    MemoryRegion a, c, d;

    bed_init(&b, 0x10000);
    io_init(&a, "a", 0x1000);
    io_init(&c, "c", 0x1000);
    io_init(&d, "d", 0x1000);
    memory_region_add_subregion(&b.root, 0x3000, &a);
    memory_region_add_subregion(&b.root, 0x5000, &c);
    log_check(b.log, "add a 0x3000+0x1000 @0x0\n"
                     "add c 0x5000+0x1000 @0x0\n");
    /* One transaction: every del (address order), then every add. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&b.root, &c);
    memory_region_del_subregion(&b.root, &a);
    memory_region_add_subregion(&b.root, 0x6000, &a);
    memory_region_add_subregion(&b.root, 0x1000, &d);
    log_check(b.log, "");
    memory_region_transaction_commit();
    log_check(b.log, "del a 0x3000+0x1000 @0x0\n"
                     "del c 0x5000+0x1000 @0x0\n"
                     "add d 0x1000+0x1000 @0x0\n"
                     "add a 0x6000+0x1000 @0x0\n");
    memory_region_del_subregion(&b.root, &a);
    memory_region_del_subregion(&b.root, &d);
    log_check(b.log, "del a 0x6000+0x1000 @0x0\n"
                     "del d 0x1000+0x1000 @0x0\n");
    memory_region_finalize(&a);
    memory_region_finalize(&c);
    memory_region_finalize(&d);
    bed_fini(&b);
}

static void test_flat_alias(void)
{
    Bed b;
    MemoryRegion ram, win;
    Error *err = NULL;
    uint8_t v = 0;

    bed_init(&b, 0x10000);
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x4000, &err));
    g_assert_null(err);
    memory_region_init_alias(&win, NULL, "win", &ram, 0x1000, 0x2000);
    memory_region_add_subregion(&b.root, 0x8000, &win);
    /* Sections name the terminal region, never the alias. */
    log_check(b.log, "add ram 0x8000+0x2000 @0x1000\n");
    g_assert_true(memory_region_is_ram(&win));
    g_assert_true(memory_region_get_ram_ptr(&win) ==
                  (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x1000);
    ((uint8_t *)memory_region_get_ram_ptr(&ram))[0x1005] = 0x5a;
    g_assert_cmpuint(address_space_read(&b.as, 0x8005, &v, 1), ==, MEMTX_OK);
    g_assert_cmpuint(v, ==, 0x5a);
    /* Alias window clipped by the target's end. */
    memory_region_set_size(&win, 0x8000);
    log_check(b.log, "del ram 0x8000+0x2000 @0x1000\n"
                     "add ram 0x8000+0x3000 @0x1000\n");
    memory_region_del_subregion(&b.root, &win);
    log_check(b.log, "del ram 0x8000+0x3000 @0x1000\n");
    memory_region_finalize(&win);
    memory_region_finalize(&ram);
    bed_fini(&b);
}

/* ---- a fake IOMMU ----------------------------------------------------- */

#define FAKE_PAGE 0x1000ULL
#define FAKE_PAGES 16

typedef struct FakeIOMMU {
    IOMMUMemoryRegion iommu;
    AddressSpace *target;
    uint64_t tce[FAKE_PAGES];       /* translated | perm, as a TCE */
    GString *log;
    int flag_changed_ret;
    bool flag_changed_sets_error;
    unsigned translate_calls;
} FakeIOMMU;

static IOMMUTLBEntry fake_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                    IOMMUAccessFlags flag, int iommu_idx)
{
    FakeIOMMU *f = container_of(iommu, FakeIOMMU, iommu);
    IOMMUTLBEntry e = {
        .target_as = f->target,
        .addr_mask = ~0ULL,
        .perm = IOMMU_NONE,
    };
    uint64_t idx = addr / FAKE_PAGE;

    f->translate_calls++;
    if (idx < FAKE_PAGES) {
        e.iova = addr & ~(FAKE_PAGE - 1);
        e.translated_addr = f->tce[idx] & ~(FAKE_PAGE - 1);
        e.addr_mask = FAKE_PAGE - 1;
        e.perm = f->tce[idx] & IOMMU_RW;
    }
    return e;
}

static int fake_flag_changed(IOMMUMemoryRegion *iommu, IOMMUNotifierFlag old,
                             IOMMUNotifierFlag new, Error **errp)
{
    FakeIOMMU *f = container_of(iommu, FakeIOMMU, iommu);

    g_string_append_printf(f->log, "flags 0x%x->0x%x\n", old, new);
    if (f->flag_changed_ret && f->flag_changed_sets_error) {
        error_setg(errp, "no room for a notifier");
    }
    return f->flag_changed_ret;
}

static int fake_replay(IOMMUMemoryRegion *iommu, IOMMUNotifier *n)
{
    FakeIOMMU *f = container_of(iommu, FakeIOMMU, iommu);
    IOMMUTLBEvent ev = {
        .type = IOMMU_NOTIFIER_MAP,
        .entry = {
            .target_as = f->target, .iova = 0x2000,
            .translated_addr = 0x7000, .addr_mask = FAKE_PAGE - 1,
            .perm = IOMMU_RW,
        },
    };

    g_string_append(f->log, "replay op\n");
    return memory_region_notify_iommu_one(n, &ev);
}

static const IOMMUMemoryRegionOps fake_ops = {
    .translate = fake_translate,
    .notify_flag_changed = fake_flag_changed,
};

static const IOMMUMemoryRegionOps fake_ops_replay = {
    .translate = fake_translate,
    .notify_flag_changed = fake_flag_changed,
    .replay = fake_replay,
};

static void fake_init(FakeIOMMU *f, const IOMMUMemoryRegionOps *ops,
                      const char *name, GString *log, AddressSpace *target)
{
    memset(f, 0, sizeof(*f));
    f->log = log;
    f->target = target;
    memory_region_init_iommu(&f->iommu, NULL, ops, name,
                             FAKE_PAGES * FAKE_PAGE);
}

/* A notifier that logs what it gets. */
typedef struct RecNotifier {
    IOMMUNotifier n;
    const char *name;
    GString *log;
    int ret;                        /* every hook's result */
    int fail_ret;                   /* notify's result for fail_iova only */
    hwaddr fail_iova;
    int begin_ret;                  /* batch_begin's when ret is 0 */
    int commit_ret;                 /* batch_commit's when ret is 0 */
} RecNotifier;

static int rec_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    RecNotifier *r = container_of(n, RecNotifier, n);

    g_string_append_printf(r->log, "%s %s iova 0x%" PRIx64 " xl 0x%" PRIx64
                           " mask 0x%" PRIx64 " perm %d\n", r->name,
                           ev->type == IOMMU_NOTIFIER_MAP ? "map" : "unmap",
                           ev->entry.iova, ev->entry.translated_addr,
                           ev->entry.addr_mask, ev->entry.perm);
    if (r->fail_ret && ev->entry.iova == r->fail_iova) {
        return r->fail_ret;
    }
    return r->ret;
}

static int rec_batch_begin(IOMMUNotifier *n)
{
    RecNotifier *r = container_of(n, RecNotifier, n);

    g_string_append_printf(r->log, "%s begin\n", r->name);
    return r->ret ? r->ret : r->begin_ret;
}

static int rec_batch_commit(IOMMUNotifier *n)
{
    RecNotifier *r = container_of(n, RecNotifier, n);

    g_string_append_printf(r->log, "%s commit\n", r->name);
    return r->ret ? r->ret : r->commit_ret;
}

static void rec_notifier_init(RecNotifier *r, const char *name, GString *log,
                              IOMMUNotifierFlag flags, hwaddr start,
                              hwaddr end)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->log = log;
    iommu_notifier_init(&r->n, rec_notify, flags, start, end, 0);
}

static IOMMUTLBEvent map_event(hwaddr iova, hwaddr xl, hwaddr mask,
                               IOMMUAccessFlags perm)
{
    IOMMUTLBEvent ev = {
        .type = IOMMU_NOTIFIER_MAP,
        .entry = { .iova = iova, .translated_addr = xl, .addr_mask = mask,
                   .perm = perm },
    };
    return ev;
}

static IOMMUTLBEvent unmap_event(hwaddr iova, hwaddr mask)
{
    IOMMUTLBEvent ev = map_event(iova, 0, mask, IOMMU_NONE);

    ev.type = IOMMU_NOTIFIER_UNMAP;
    return ev;
}

/* ---- IOMMU notifiers -------------------------------------------------- */

static void test_iommu_flags_filter(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier map_only, both;
    IOMMUTLBEvent ev;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&map_only, "m", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    rec_notifier_init(&both, "b", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    g_assert_cmpint(memory_region_register_iommu_notifier(mr, &map_only.n,
                                                          &error_abort), ==, 0);
    g_assert_cmpint(memory_region_register_iommu_notifier(mr, &both.n,
                                                          &error_abort), ==, 0);
    log_check(log, "flags 0x0->0x12\nflags 0x12->0x13\n");
    ev = map_event(0x3000, 0x9000, 0xfff, IOMMU_RO);
    g_assert_cmpint(memory_region_notify_iommu(&f.iommu, 0, ev), ==, 0);
    log_check(log, "m map iova 0x3000 xl 0x9000 mask 0xfff perm 1\n"
                   "b map iova 0x3000 xl 0x9000 mask 0xfff perm 1\n");
    ev = unmap_event(0x3000, 0xfff);
    g_assert_cmpint(memory_region_notify_iommu(&f.iommu, 0, ev), ==, 0);
    log_check(log, "b unmap iova 0x3000 xl 0x0 mask 0xfff perm 0\n");
    /* Another IOMMU index reaches nobody. */
    ev = map_event(0x3000, 0x9000, 0xfff, IOMMU_RO);
    g_assert_cmpint(memory_region_notify_iommu(&f.iommu, 1, ev), ==, 0);
    log_check(log, "");
    memory_region_unregister_iommu_notifier(mr, &both.n);
    memory_region_unregister_iommu_notifier(mr, &map_only.n);
    log_check(log, "flags 0x13->0x12\nflags 0x12->0x0\n");
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_range_crop(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier r;
    IOMMUTLBEvent ev;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_IOTLB_EVENTS,
                      0x4000, 0x5fff);
    memory_region_register_iommu_notifier(mr, &r.n, &error_abort);
    g_string_truncate(log, 0);
    /* Entirely before and after: not delivered. */
    ev = map_event(0x3000, 0x9000, 0xfff, IOMMU_RW);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    ev = map_event(0x6000, 0x9000, 0xfff, IOMMU_RW);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    log_check(log, "");
    /* Inside: as is. */
    ev = map_event(0x5000, 0x9000, 0xfff, IOMMU_WO);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    log_check(log, "n map iova 0x5000 xl 0x9000 mask 0xfff perm 2\n");
    /* Straddling both ends: cropped to [0x4000, 0x5fff]. */
    ev = map_event(0x0, 0x100000, 0xffff, IOMMU_RW);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    log_check(log, "n map iova 0x4000 xl 0x104000 mask 0x1fff perm 3\n");
    /* An entry covering everything (mask all ones) is cropped too. */
    ev = unmap_event(0x0, ~0ULL);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    log_check(log, "n unmap iova 0x4000 xl 0x4000 mask 0x1fff perm 0\n");
    memory_region_unregister_iommu_notifier(mr, &r.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_first_error(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier a, b, c;
    IOMMUTLBEvent ev = map_event(0x0, 0x0, 0xfff, IOMMU_RW);
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    rec_notifier_init(&c, "c", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    a.ret = -EIO;
    b.ret = -ENOSPC;
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &c.n, &error_abort);
    g_string_truncate(log, 0);
    g_assert_cmpint(memory_region_notify_iommu(&f.iommu, 0, ev), ==, -EIO);
    log_check(log, "a map iova 0x0 xl 0x0 mask 0xfff perm 3\n"
                   "b map iova 0x0 xl 0x0 mask 0xfff perm 3\n"
                   "c map iova 0x0 xl 0x0 mask 0xfff perm 3\n");
    memory_region_unregister_iommu_notifier(mr, &a.n);
    memory_region_unregister_iommu_notifier(mr, &b.n);
    memory_region_unregister_iommu_notifier(mr, &c.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_flag_changed(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier n1, n2, n3;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&n1, "1", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    rec_notifier_init(&n2, "2", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    rec_notifier_init(&n3, "3", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    memory_region_register_iommu_notifier(mr, &n1.n, &error_abort);
    log_check(log, "flags 0x0->0x12\n");
    memory_region_register_iommu_notifier(mr, &n2.n, &error_abort);
    log_check(log, "flags 0x12->0x13\n");
    /* The union does not change: no call. */
    memory_region_register_iommu_notifier(mr, &n3.n, &error_abort);
    log_check(log, "");
    g_assert_cmpint(f.iommu.notify_flags, ==,
                    IOMMU_NOTIFIER_IOTLB_EVENTS | IOMMU_NOTIFIER_NEEDS_USER);
    memory_region_unregister_iommu_notifier(mr, &n2.n);
    log_check(log, "flags 0x13->0x12\n");
    memory_region_unregister_iommu_notifier(mr, &n1.n);
    log_check(log, "");
    /* Not registered (any more): no-op. */
    memory_region_unregister_iommu_notifier(mr, &n1.n);
    log_check(log, "");
    memory_region_unregister_iommu_notifier(mr, &n3.n);
    log_check(log, "flags 0x12->0x0\n");
    memory_region_finalize(mr);
    g_string_free(log, true);
}

/*
 * KERNEL_LINKED never reaches the region; NEEDS_USER is there while at least
 * one notifier lacks KERNEL_LINKED.
 */
static void test_iommu_flag_kernel_linked(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier a, b, u;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_IOTLB_EVENTS |
                      IOMMU_NOTIFIER_KERNEL_LINKED, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_IOTLB_EVENTS |
                      IOMMU_NOTIFIER_KERNEL_LINKED, 0, ~0ULL);
    rec_notifier_init(&u, "u", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    log_check(log, "flags 0x0->0x3\n");
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    log_check(log, "");
    memory_region_register_iommu_notifier(mr, &u.n, &error_abort);
    log_check(log, "flags 0x3->0x13\n");
    memory_region_unregister_iommu_notifier(mr, &a.n);
    log_check(log, "");
    memory_region_unregister_iommu_notifier(mr, &u.n);
    log_check(log, "flags 0x13->0x3\n");
    memory_region_unregister_iommu_notifier(mr, &b.n);
    log_check(log, "flags 0x3->0x0\n");
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_flag_changed_refused(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier n1, n2;
    IOMMUTLBEvent ev = map_event(0x0, 0x0, 0xfff, IOMMU_RW);
    Error *err = NULL;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&n1, "1", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    rec_notifier_init(&n2, "2", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);

    f.flag_changed_ret = -ENOSPC;
    f.flag_changed_sets_error = true;
    g_assert_cmpint(memory_region_register_iommu_notifier(mr, &n1.n, &err),
                    ==, -ENOSPC);
    g_assert_cmpstr(error_get_pretty(err), ==, "no room for a notifier");
    error_free(err);
    err = NULL;
    log_check(log, "flags 0x0->0x12\n");
    g_assert_cmpint(f.iommu.notify_flags, ==, IOMMU_NOTIFIER_NONE);
    g_assert_cmpint(memory_region_notify_iommu(&f.iommu, 0, ev), ==, 0);
    log_check(log, "");

    /* A callback that fails without an error still sets exactly one. */
    f.flag_changed_sets_error = false;
    f.flag_changed_ret = -EBUSY;
    g_assert_cmpint(memory_region_register_iommu_notifier(mr, &n1.n, &err),
                    ==, -EBUSY);
    g_assert_cmpstr(error_get_pretty(err), ==, "IOMMU region 'iommu' refused "
                    "notifier flags 0x12: Device or resource busy");
    error_free(err);
    err = NULL;
    log_check(log, "flags 0x0->0x12\n");

    /* The notifier was not added: it can be registered once allowed. */
    f.flag_changed_ret = 0;
    g_assert_cmpint(memory_region_register_iommu_notifier(mr, &n1.n, &err),
                    ==, 0);
    g_assert_null(err);
    log_check(log, "flags 0x0->0x12\n");
    /* Refusal only happens on a change of the union. */
    f.flag_changed_ret = -ENOSPC;
    g_assert_cmpint(memory_region_register_iommu_notifier(mr, &n2.n, &err),
                    ==, 0);
    log_check(log, "");
    f.flag_changed_ret = 0;
    memory_region_unregister_iommu_notifier(mr, &n1.n);
    memory_region_unregister_iommu_notifier(mr, &n2.n);
    log_check(log, "flags 0x12->0x0\n");
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_batch(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier a, b;
    IOMMUTLBEvent ev;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_UNMAP, 0, ~0ULL);
    a.n.batch_begin = rec_batch_begin;
    a.n.batch_commit = rec_batch_commit;
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    g_string_truncate(log, 0);

    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    ev = map_event(0x0, 0x10000, 0xfff, IOMMU_RW);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    ev = map_event(0x1000, 0x11000, 0xfff, IOMMU_RW);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    ev = unmap_event(0x2000, 0xfff);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, 0);
    log_check(log, "a begin\n"
                   "a map iova 0x0 xl 0x10000 mask 0xfff perm 3\n"
                   "a map iova 0x1000 xl 0x11000 mask 0xfff perm 3\n"
                   "a unmap iova 0x2000 xl 0x0 mask 0xfff perm 0\n"
                   "b unmap iova 0x2000 xl 0x0 mask 0xfff perm 0\n"
                   "a commit\n");
    /* Hook errors come back, after every hook ran. */
    a.ret = -EFAULT;
    b.n.batch_commit = rec_batch_commit;
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, -EFAULT);
    log_check(log, "a begin\n");
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, -EFAULT);
    log_check(log, "a commit\nb commit\n");
    memory_region_unregister_iommu_notifier(mr, &a.n);
    memory_region_unregister_iommu_notifier(mr, &b.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

/* Every notifier gets batch_commit exactly once per batch_begin. */
static void test_iommu_batch_pairing(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier a, b;
    MemoryRegion *mr;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    a.n.batch_begin = b.n.batch_begin = rec_batch_begin;
    a.n.batch_commit = b.n.batch_commit = rec_batch_commit;
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    g_string_truncate(log, 0);

    /* Registered mid-batch: the events, but no commit without a begin. */
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    memory_region_notify_iommu(&f.iommu, 0, unmap_event(0x1000, 0xfff));
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, 0);
    log_check(log, "a begin\n"
                   "a unmap iova 0x1000 xl 0x0 mask 0xfff perm 0\n"
                   "b unmap iova 0x1000 xl 0x0 mask 0xfff perm 0\n"
                   "a commit\n");

    /* A commit without a begin, and a second begin, deliver nothing. */
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, 0);
    log_check(log, "");
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    log_check(log, "a begin\nb begin\n");

    /* Unregistered mid-batch: no commit, now or after re-registering. */
    memory_region_unregister_iommu_notifier(mr, &a.n);
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, 0);
    log_check(log, "b commit\n");

    memory_region_unregister_iommu_notifier(mr, &a.n);
    memory_region_unregister_iommu_notifier(mr, &b.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_replay_delegated(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier r, unmap_only;

    fake_init(&f, &fake_ops_replay, "iommu", log, NULL);
    f.tce[1] = 0x5000 | IOMMU_RW;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    /* The op alone runs: no generic walk (no translate calls). */
    log_check(log, "replay op\n"
                   "n map iova 0x2000 xl 0x7000 mask 0xfff perm 3\n");
    g_assert_cmpuint(f.translate_calls, ==, 0);
    /* A notifier without MAP gets nothing. */
    rec_notifier_init(&unmap_only, "u", log, IOMMU_NOTIFIER_UNMAP, 0, ~0ULL);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &unmap_only.n,
                                             &error_abort));
    log_check(log, "");
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

/* A replay is one batch for its notifier; inside an open batch it joins it. */
static void test_iommu_replay_batch(void)
{
    GString *log = g_string_new("");
    MemoryRegion *mr;
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops_replay, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    f.tce[1] = 0x5000 | IOMMU_RW;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    r.n.batch_begin = rec_batch_begin;
    r.n.batch_commit = rec_batch_commit;
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    log_check(log, "n begin\n"
                   "replay op\n"
                   "n map iova 0x2000 xl 0x7000 mask 0xfff perm 3\n"
                   "n commit\n");
    memory_region_register_iommu_notifier(mr, &r.n, &error_abort);
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, 0);
    log_check(log, "flags 0x0->0x13\n"
                   "n begin\n"
                   "replay op\n"
                   "n map iova 0x2000 xl 0x7000 mask 0xfff perm 3\n"
                   "n commit\n");
    memory_region_unregister_iommu_notifier(mr, &r.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_replay_walk(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    f.tce[0] = 0x40000 | IOMMU_RO;
    f.tce[3] = 0x43000 | IOMMU_RW;
    f.tce[9] = 0x49000 | IOMMU_WO;
    f.tce[15] = 0x4f000 | IOMMU_RO;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    log_check(log, "n map iova 0x0 xl 0x40000 mask 0xfff perm 1\n"
                   "n map iova 0x3000 xl 0x43000 mask 0xfff perm 3\n"
                   "n map iova 0x9000 xl 0x49000 mask 0xfff perm 2\n"
                   "n map iova 0xf000 xl 0x4f000 mask 0xfff perm 1\n");
    g_assert_cmpuint(f.translate_calls, ==, FAKE_PAGES);

    /* Only the notifier's range is walked (one granule per step). */
    f.translate_calls = 0;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0x2800, 0x9fff);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    log_check(log, "n map iova 0x3000 xl 0x43000 mask 0xfff perm 3\n"
                   "n map iova 0x9000 xl 0x49000 mask 0xfff perm 2\n");
    g_assert_cmpuint(f.translate_calls, ==, 8);
    g_assert_cmpuint(memory_region_iommu_get_min_page_size(&f.iommu), ==,
                     4096);
    g_assert_cmpint(memory_region_iommu_get_attr(&f.iommu,
                                                 IOMMU_ATTR_SPAPR_TCE_FD,
                                                 NULL), ==, -EINVAL);
    g_assert_cmpint(memory_region_iommu_num_indexes(&f.iommu), ==, 1);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

/* Pages 4..7 form one 16 KiB entry; the rest as fake_translate. */
static IOMMUTLBEntry big_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                   IOMMUAccessFlags flag, int iommu_idx)
{
    IOMMUTLBEntry e = fake_translate(iommu, addr, flag, iommu_idx);

    if (addr >= 0x4000 && addr < 0x8000) {
        e.iova = 0x4000;
        e.translated_addr = 0x80000;
        e.addr_mask = 0x3fff;
        e.perm = IOMMU_RW;
    }
    return e;
}

static const IOMMUMemoryRegionOps big_ops = {
    .translate = big_translate,
};

static void test_iommu_replay_walk_large_entry(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &big_ops, "iommu", log, NULL);
    f.tce[9] = 0x49000 | IOMMU_RO;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    /* One MAP for the 16 KiB entry, not one per 4 KiB granule. */
    log_check(log, "n map iova 0x4000 xl 0x80000 mask 0x3fff perm 3\n"
                   "n map iova 0x9000 xl 0x49000 mask 0xfff perm 1\n");
    g_assert_cmpuint(f.translate_calls, ==, FAKE_PAGES - 3);

    /* Started inside the entry: cropped once; ending inside: stops. */
    f.translate_calls = 0;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0x5800, 0x6fff);
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    log_check(log, "n map iova 0x5800 xl 0x81800 mask 0x17ff perm 3\n");
    g_assert_cmpuint(f.translate_calls, ==, 1);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

/* The VFIO pattern: region_add registers a notifier and replays. */
typedef struct VfioLike {
    MemoryListener listener;
    RecNotifier rn;
    IOMMUMemoryRegion *iommu;
    hwaddr iommu_offset;
} VfioLike;

static void vfio_like_add(MemoryListener *l, MemoryRegionSection *s)
{
    VfioLike *v = container_of(l, VfioLike, listener);
    IOMMUMemoryRegion *iommu = memory_region_get_iommu(s->mr);

    if (!iommu) {
        return;
    }
    v->iommu = iommu;
    v->iommu_offset = s->offset_within_address_space -
                      s->offset_within_region;
    v->rn.n.start = s->offset_within_region;
    v->rn.n.end = s->offset_within_region + s->size - 1;
    memory_region_register_iommu_notifier(s->mr, &v->rn.n, &error_abort);
    g_assert_true(memory_region_iommu_replay(iommu, &v->rn.n,
                                             &error_abort));
}

static void vfio_like_del(MemoryListener *l, MemoryRegionSection *s)
{
    VfioLike *v = container_of(l, VfioLike, listener);

    if (memory_region_get_iommu(s->mr)) {
        memory_region_unregister_iommu_notifier(s->mr, &v->rn.n);
        v->iommu = NULL;
    }
}

static void test_listener_registers_notifier(void)
{
    Bed b;
    FakeIOMMU f;
    VfioLike v = {
        .listener = { .region_add = vfio_like_add,
                      .region_del = vfio_like_del, .name = "vfio" },
    };

    bed_init(&b, UINT64_MAX);
    fake_init(&f, &fake_ops, "tce", b.log, NULL);
    f.tce[2] = 0x80000 | IOMMU_RW;
    rec_notifier_init(&v.rn, "vfio", b.log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, 0);
    memory_listener_register(&v.listener, &b.as);
    memory_region_add_subregion(&b.root, 0x100000,
                                MEMORY_REGION_OF_IOMMU(&f.iommu));
    log_check(b.log, "add tce 0x100000+0x10000 @0x0\n"
                     "flags 0x0->0x13\n"
                     "vfio map iova 0x2000 xl 0x80000 mask 0xfff perm 3\n");
    g_assert_true(v.iommu == &f.iommu);
    g_assert_cmpuint(v.iommu_offset, ==, 0x100000);
    memory_region_del_subregion(&b.root, MEMORY_REGION_OF_IOMMU(&f.iommu));
    /* region_del in reverse registration order: vfio-like goes first. */
    log_check(b.log, "flags 0x13->0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n");
    g_assert_null(v.iommu);
    memory_listener_unregister(&v.listener);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    bed_fini(&b);
}

/*
 * Re-adding an IOMMU region (the TCE window disable + enable pattern) is
 * never silent, even with the same geometry in one transaction: the table
 * behind the old sections was destroyed in between.
 */
static void test_listener_iommu_readd_transaction(void)
{
    Bed b;
    FakeIOMMU f;
    MemoryRegion tce_root, mmio;
    MemoryRegion *mr;
    RecListener second;

    bed_init(&b, UINT64_MAX);
    rec_init(&second, b.log, "2nd", 1);
    memory_listener_register(&second.listener, &b.as);
    memory_region_init(&tce_root, NULL, "tce-root", UINT64_MAX);
    fake_init(&f, &fake_ops, "tce", b.log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    io_init(&mmio, "mmio", 0x1000);
    memory_region_add_subregion(&tce_root, 0x100000, mr);
    memory_region_add_subregion(&b.root, 0, &tce_root);
    memory_region_add_subregion(&b.root, 0x10000, &mmio);
    log_check(b.log, "add tce 0x100000+0x10000 @0x0\n"
                     "2nd:add tce 0x100000+0x10000 @0x0\n"
                     "add mmio 0x10000+0x1000 @0x0\n"
                     "2nd:add mmio 0x10000+0x1000 @0x0\n");

    /* Disable + enable with the same geometry: del (all), then add. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&tce_root, mr);
    memory_region_set_size(mr, 0);
    memory_region_set_size(mr, 0x10000);
    memory_region_add_subregion(&tce_root, 0x100000, mr);
    memory_region_transaction_commit();
    log_check(b.log, "2nd:del tce 0x100000+0x10000 @0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n"
                     "add tce 0x100000+0x10000 @0x0\n"
                     "2nd:add tce 0x100000+0x10000 @0x0\n");

    /* del + add alone, and a resize back alone, are new as well. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&tce_root, mr);
    memory_region_add_subregion(&tce_root, 0x100000, mr);
    memory_region_transaction_commit();
    log_check(b.log, "2nd:del tce 0x100000+0x10000 @0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n"
                     "add tce 0x100000+0x10000 @0x0\n"
                     "2nd:add tce 0x100000+0x10000 @0x0\n");
    memory_region_transaction_begin();
    memory_region_set_size(mr, 0x8000);
    memory_region_set_size(mr, 0x10000);
    memory_region_transaction_commit();
    log_check(b.log, "2nd:del tce 0x100000+0x10000 @0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n"
                     "add tce 0x100000+0x10000 @0x0\n"
                     "2nd:add tce 0x100000+0x10000 @0x0\n");

    /* RAM/MMIO keep the plain rule: same geometry, no event. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&b.root, &mmio);
    memory_region_set_size(&mmio, 0);
    memory_region_set_size(&mmio, 0x1000);
    memory_region_add_subregion(&b.root, 0x10000, &mmio);
    memory_region_transaction_commit();
    log_check(b.log, "");

    memory_listener_unregister(&second.listener);
    log_check(b.log, "2nd:del mmio 0x10000+0x1000 @0x0\n"
                     "2nd:del tce 0x100000+0x10000 @0x0\n");
    memory_region_del_subregion(&b.root, &mmio);
    memory_region_del_subregion(&b.root, &tce_root);
    memory_region_del_subregion(&tce_root, mr);
    log_check(b.log, "del mmio 0x10000+0x1000 @0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n");
    memory_region_finalize(mr);
    memory_region_finalize(&mmio);
    memory_region_finalize(&tce_root);
    bed_fini(&b);
}

static void test_listener_iommu_readd_no_transaction(void)
{
    Bed b;
    FakeIOMMU f;
    MemoryRegion *mr;

    bed_init(&b, UINT64_MAX);
    fake_init(&f, &fake_ops, "tce", b.log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    memory_region_add_subregion(&b.root, 0x100000, mr);
    log_check(b.log, "add tce 0x100000+0x10000 @0x0\n");
    memory_region_del_subregion(&b.root, mr);
    log_check(b.log, "del tce 0x100000+0x10000 @0x0\n");
    memory_region_set_size(mr, 0);
    memory_region_set_size(mr, 0x10000);
    log_check(b.log, "");
    memory_region_add_subregion(&b.root, 0x100000, mr);
    log_check(b.log, "add tce 0x100000+0x10000 @0x0\n");
    memory_region_set_size(mr, 0x8000);
    log_check(b.log, "del tce 0x100000+0x10000 @0x0\n"
                     "add tce 0x100000+0x8000 @0x0\n");
    /* Same size again: nothing happened, nothing is told. */
    memory_region_set_size(mr, 0x8000);
    log_check(b.log, "");
    memory_region_del_subregion(&b.root, mr);
    log_check(b.log, "del tce 0x100000+0x8000 @0x0\n");
    memory_region_finalize(mr);
    bed_fini(&b);
}

/* Changes elsewhere leave an IOMMU region's sections alone. */
static void test_listener_iommu_unrelated_change(void)
{
    Bed b;
    FakeIOMMU f;
    MemoryRegion a, c, high;
    MemoryRegion *mr;

    bed_init(&b, UINT64_MAX);
    fake_init(&f, &fake_ops, "tce", b.log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    io_init(&a, "a", 0x1000);
    io_init(&c, "c", 0x1000);
    io_init(&high, "high", 0x1000);
    memory_region_add_subregion(&b.root, 0x100000, mr);
    memory_region_add_subregion(&b.root, 0x1000, &a);
    log_check(b.log, "add tce 0x100000+0x10000 @0x0\n"
                     "add a 0x1000+0x1000 @0x0\n");
    memory_region_transaction_begin();
    memory_region_del_subregion(&b.root, &a);
    memory_region_add_subregion(&b.root, 0x200000, &c);
    memory_region_set_size(&c, 0x2000);
    memory_region_transaction_commit();
    log_check(b.log, "del a 0x1000+0x1000 @0x0\n"
                     "add c 0x200000+0x2000 @0x0\n");
    memory_region_add_subregion(&b.root, 0x1000, &a);
    log_check(b.log, "add a 0x1000+0x1000 @0x0\n");
    /* Punching a hole splits it: the plain rule, nothing more. */
    memory_region_add_subregion_overlap(&b.root, 0x104000, &high, 1);
    log_check(b.log, "del tce 0x100000+0x10000 @0x0\n"
                     "add tce 0x100000+0x4000 @0x0\n"
                     "add high 0x104000+0x1000 @0x0\n"
                     "add tce 0x105000+0xb000 @0x5000\n");
    memory_region_del_subregion(&b.root, &high);
    log_check(b.log, "del tce 0x100000+0x4000 @0x0\n"
                     "del high 0x104000+0x1000 @0x0\n"
                     "del tce 0x105000+0xb000 @0x5000\n"
                     "add tce 0x100000+0x10000 @0x0\n");
    memory_region_del_subregion(&b.root, &a);
    memory_region_del_subregion(&b.root, &c);
    memory_region_del_subregion(&b.root, mr);
    log_check(b.log, "del a 0x1000+0x1000 @0x0\n"
                     "del c 0x200000+0x2000 @0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n");
    memory_region_finalize(&a);
    memory_region_finalize(&c);
    memory_region_finalize(&high);
    memory_region_finalize(mr);
    bed_fini(&b);
}

/* The consumer drops its notifier and registers + replays a new one. */
static void test_listener_iommu_readd_consumer(void)
{
    Bed b;
    FakeIOMMU f;
    MemoryRegion *mr;
    VfioLike v = {
        .listener = { .region_add = vfio_like_add,
                      .region_del = vfio_like_del, .name = "vfio" },
    };

    bed_init(&b, UINT64_MAX);
    fake_init(&f, &fake_ops, "tce", b.log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    f.tce[2] = 0x80000 | IOMMU_RW;
    rec_notifier_init(&v.rn, "vfio", b.log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, 0);
    memory_listener_register(&v.listener, &b.as);
    memory_region_add_subregion(&b.root, 0x100000, mr);
    log_check(b.log, "add tce 0x100000+0x10000 @0x0\n"
                     "flags 0x0->0x13\n"
                     "vfio map iova 0x2000 xl 0x80000 mask 0xfff perm 3\n");
    /* The guest frees the window and makes a new one, same geometry. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&b.root, mr);
    memory_region_set_size(mr, 0);
    f.tce[2] = 0;
    f.tce[3] = 0x90000 | IOMMU_RO;
    memory_region_set_size(mr, 0x10000);
    memory_region_add_subregion(&b.root, 0x100000, mr);
    memory_region_transaction_commit();
    log_check(b.log, "flags 0x13->0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n"
                     "add tce 0x100000+0x10000 @0x0\n"
                     "flags 0x0->0x13\n"
                     "vfio map iova 0x3000 xl 0x90000 mask 0xfff perm 1\n");
    memory_region_del_subregion(&b.root, mr);
    log_check(b.log, "flags 0x13->0x0\n"
                     "del tce 0x100000+0x10000 @0x0\n");
    memory_listener_unregister(&v.listener);
    memory_region_finalize(mr);
    bed_fini(&b);
}

/* A listener that (wrongly) changes the topology from region_add. */
static MemoryRegion bad_extra;

static void bad_add(MemoryListener *l, MemoryRegionSection *s)
{
    memory_region_add_subregion(s->mr->container, 0x8000, &bad_extra);
}

static void test_listener_topology_change_asserts(void)
{
    if (g_test_subprocess()) {
        Bed b;
        MemoryRegion a;
        MemoryListener bad = { .region_add = bad_add };

        bed_init(&b, 0x10000);
        io_init(&a, "a", 0x1000);
        io_init(&bad_extra, "extra", 0x1000);
        memory_listener_register(&bad, &b.as);
        memory_region_add_subregion(&b.root, 0, &a);
        return;                     /* not reached */
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*Assertion*listener_depth*failed*");
}

static void test_iommu_unregister_error_reported(void)
{
    if (g_test_subprocess()) {
        GString *log = g_string_new("");
        FakeIOMMU f;
        RecNotifier r;
        MemoryRegion *mr;

        fake_init(&f, &fake_ops, "iommu", log, NULL);
        mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
        rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
        memory_region_register_iommu_notifier(mr, &r.n, &error_abort);
        f.flag_changed_ret = -EIO;
        f.flag_changed_sets_error = true;
        /* Cannot fail: reported, and the notifier is gone anyway. */
        memory_region_unregister_iommu_notifier(mr, &r.n);
        g_assert_null(r.n.iommu_mr);
        g_assert_cmpuint(f.iommu.notifiers->len, ==, 0);
        g_assert_cmpint(f.iommu.notify_flags, ==, IOMMU_NOTIFIER_NONE);
        memory_region_finalize(mr);
        g_string_free(log, true);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*no room for a notifier*");
}

static int two_indexes(IOMMUMemoryRegion *iommu)
{
    return 2;
}

static uint64_t page_64k(IOMMUMemoryRegion *iommu)
{
    return 0x10000;
}

static int attr_fd(IOMMUMemoryRegion *iommu, IOMMUMemoryRegionAttr attr,
                   void *data)
{
    *(int *)data = 42;
    return 0;
}

static const IOMMUMemoryRegionOps fake_ops_full = {
    .translate = fake_translate,
    .num_indexes = two_indexes,
    .get_min_page_size = page_64k,
    .get_attr = attr_fd,
};

static void test_iommu_optional_ops(void)
{
    GString *log = g_string_new("");
    FakeIOMMU f;
    RecNotifier r;
    MemoryRegion alias, *mr;
    IOMMUTLBEvent ev = map_event(0x0, 0x0, 0xffff, IOMMU_RW);
    int fd = -1;

    fake_init(&f, &fake_ops_full, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    g_assert_cmpint(memory_region_iommu_num_indexes(&f.iommu), ==, 2);
    g_assert_cmpuint(memory_region_iommu_get_min_page_size(&f.iommu), ==,
                     0x10000);
    g_assert_cmpint(memory_region_iommu_get_attr(&f.iommu,
                                                 IOMMU_ATTR_SPAPR_TCE_FD,
                                                 &fd), ==, 0);
    g_assert_cmpint(fd, ==, 42);
    /* Registration through an alias reaches the IOMMU region. */
    memory_region_init_alias(&alias, NULL, "alias", mr, 0, 0x10000);
    g_assert_true(memory_region_is_iommu(&alias));
    g_assert_true(memory_region_get_iommu(&alias) == &f.iommu);
    g_assert_false(memory_region_is_ram(&alias));
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    r.n.iommu_idx = 1;
    g_assert_cmpint(memory_region_register_iommu_notifier(&alias, &r.n,
                                                          &error_abort), ==, 0);
    memory_region_notify_iommu(&f.iommu, 0, ev);
    log_check(log, "");
    memory_region_notify_iommu(&f.iommu, 1, ev);
    log_check(log, "n map iova 0x0 xl 0x0 mask 0xffff perm 3\n");
    /* The generic walk steps by 64 KiB: one translate for 16 pages. */
    f.tce[0] = 0x30000 | IOMMU_RO;
    g_assert_true(memory_region_iommu_replay(&f.iommu, &r.n,
                                             &error_abort));
    log_check(log, "n map iova 0x0 xl 0x30000 mask 0xfff perm 1\n");
    g_assert_cmpuint(f.translate_calls, ==, 1);
    memory_region_unregister_iommu_notifier(&alias, &r.n);
    memory_region_finalize(&alias);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

/* ---- replay failures -------------------------------------------------- */

static void test_iommu_replay_walk_error(void)
{
    GString *log = g_string_new("");
    Error *err = NULL;
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    f.tce[0] = 0x40000 | IOMMU_RO;
    f.tce[3] = 0x43000 | IOMMU_RW;
    f.tce[9] = 0x49000 | IOMMU_WO;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    r.n.batch_begin = rec_batch_begin;
    r.n.batch_commit = rec_batch_commit;
    r.fail_ret = -EIO;
    r.fail_iova = 0x3000;
    /* The walk stops at the failing entry; the batch is still closed. */
    g_assert_false(memory_region_iommu_replay(&f.iommu, &r.n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "replay of IOMMU region "
                    "'iommu' failed in notify: Input/output error");
    error_free(err);
    err = NULL;
    log_check(log, "n begin\n"
                   "n map iova 0x0 xl 0x40000 mask 0xfff perm 1\n"
                   "n map iova 0x3000 xl 0x43000 mask 0xfff perm 3\n"
                   "n commit\n");
    g_assert_cmpuint(f.translate_calls, ==, 4);
    g_assert_false(r.n.in_batch);
    /* A failure at the first entry delivers just that one. */
    r.fail_iova = 0x0;
    g_assert_false(memory_region_iommu_replay(&f.iommu, &r.n, &err));
    error_free(err);
    log_check(log, "n begin\n"
                   "n map iova 0x0 xl 0x40000 mask 0xfff perm 1\n"
                   "n commit\n");
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

static void test_iommu_replay_delegated_error(void)
{
    GString *log = g_string_new("");
    Error *err = NULL;
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops_replay, "iommu", log, NULL);
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    r.fail_ret = -ENOSPC;
    r.fail_iova = 0x2000;
    g_assert_false(memory_region_iommu_replay(&f.iommu, &r.n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "replay of IOMMU region "
                    "'iommu' failed in notify: No space left on device");
    error_free(err);
    log_check(log, "replay op\n"
                   "n map iova 0x2000 xl 0x7000 mask 0xfff perm 3\n");
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

/* A failing batch_begin: no walk, but the commit still pairs it. */
static void test_iommu_replay_begin_error(void)
{
    GString *log = g_string_new("");
    Error *err = NULL;
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops_replay, "iommu", log, NULL);
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    r.n.batch_begin = rec_batch_begin;
    r.n.batch_commit = rec_batch_commit;
    r.begin_ret = -EBUSY;
    r.commit_ret = -EIO;            /* ignored: begin's error is reported */
    g_assert_false(memory_region_iommu_replay(&f.iommu, &r.n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "replay of IOMMU region "
                    "'iommu' failed in batch_begin: Device or resource busy");
    error_free(err);
    log_check(log, "n begin\nn commit\n");
    g_assert_cmpuint(f.translate_calls, ==, 0);
    g_assert_false(r.n.in_batch);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

static void test_iommu_replay_commit_error(void)
{
    GString *log = g_string_new("");
    Error *err = NULL;
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    f.tce[2] = 0x42000 | IOMMU_RW;
    f.tce[5] = 0x45000 | IOMMU_RW;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    r.n.batch_begin = rec_batch_begin;
    r.n.batch_commit = rec_batch_commit;
    r.commit_ret = -EFAULT;
    g_assert_false(memory_region_iommu_replay(&f.iommu, &r.n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "replay of IOMMU region "
                    "'iommu' failed in batch_commit: Bad address");
    error_free(err);
    log_check(log, "n begin\n"
                   "n map iova 0x2000 xl 0x42000 mask 0xfff perm 3\n"
                   "n map iova 0x5000 xl 0x45000 mask 0xfff perm 3\n"
                   "n commit\n");
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    g_string_free(log, true);
}

/* Inside an open batch the replay joins it: no hook, the error still. */
static void test_iommu_replay_joined_error(void)
{
    GString *log = g_string_new("");
    Error *err = NULL;
    MemoryRegion *mr;
    FakeIOMMU f;
    RecNotifier r;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    f.tce[1] = 0x41000 | IOMMU_RO;
    f.tce[4] = 0x44000 | IOMMU_RO;
    rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    r.n.batch_begin = rec_batch_begin;
    r.n.batch_commit = rec_batch_commit;
    memory_region_register_iommu_notifier(mr, &r.n, &error_abort);
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    r.fail_ret = -EIO;
    r.fail_iova = 0x1000;
    g_assert_false(memory_region_iommu_replay(&f.iommu, &r.n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "replay of IOMMU region "
                    "'iommu' failed in notify: Input/output error");
    error_free(err);
    g_assert_true(r.n.in_batch);
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, 0);
    log_check(log, "flags 0x0->0x12\n"
                   "n begin\n"
                   "n map iova 0x1000 xl 0x41000 mask 0xfff perm 1\n"
                   "n commit\n");
    memory_region_unregister_iommu_notifier(mr, &r.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

/* ---- per-notifier failure reports ------------------------------------- */

typedef struct Resync {
    IOMMUMemoryRegion *iommu;
    GString *log;
    bool replay;                    /* unmap everything and replay */
} Resync;

/* The resynchronisation a VFIO-like sender does for one consumer. */
static void resync_fail(IOMMUNotifier *n, int err, void *opaque)
{
    Resync *rs = opaque;
    RecNotifier *r = container_of(n, RecNotifier, n);

    g_string_append_printf(rs->log, "fail %s %d\n", r->name, err);
    if (!rs->replay) {
        return;
    }
    r->fail_ret = 0;
    r->commit_ret = 0;
    g_assert_cmpint(memory_region_notify_iommu_one(n, &(IOMMUTLBEvent) {
        .type = IOMMU_NOTIFIER_UNMAP,
        .entry = { .iova = 0, .addr_mask = HWADDR_MAX, .perm = IOMMU_NONE },
    }), ==, 0);
    g_assert_true(memory_region_iommu_replay(rs->iommu, n, &error_abort));
}

static void test_iommu_notify_report(void)
{
    GString *log = g_string_new("");
    IOMMUTLBEvent ev = map_event(0x5000, 0x95000, 0xfff, IOMMU_RW);
    MemoryRegion *mr;
    FakeIOMMU f;
    RecNotifier a, b, c, other_idx;
    Resync rs = { .log = log };

    fake_init(&f, &fake_ops_full, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rs.iommu = &f.iommu;
    f.tce[0] = 0x40000 | IOMMU_RO;
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    rec_notifier_init(&c, "c", log, IOMMU_NOTIFIER_IOTLB_EVENTS,
                      0x0, 0x1ffff);
    rec_notifier_init(&other_idx, "x", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
    other_idx.n.iommu_idx = 1;
    other_idx.ret = -EPERM;
    a.fail_ret = -EIO;
    a.fail_iova = 0x5000;
    c.fail_ret = -ENOSPC;
    c.fail_iova = 0x5000;
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &c.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &other_idx.n, &error_abort);
    g_string_truncate(log, 0);

    /* Each failure is told right after its notifier, first error back. */
    g_assert_cmpint(memory_region_notify_iommu_report(&f.iommu, 0, &ev,
                                                      resync_fail, &rs),
                    ==, -EIO);
    log_check(log, "a map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "fail a -5\n"
                   "b map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "c map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "fail c -28\n");

    /* The callback resynchronises exactly the failed consumer. */
    a.fail_ret = c.fail_ret = -EIO;
    rs.replay = true;
    g_assert_cmpint(memory_region_notify_iommu_report(&f.iommu, 0, &ev,
                                                      resync_fail, &rs),
                    ==, -EIO);
    log_check(log, "a map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "fail a -5\n"
                   "a unmap iova 0x0 xl 0x0 mask 0xffffffffffffffff perm 0\n"
                   "a map iova 0x0 xl 0x40000 mask 0xfff perm 1\n"
                   "b map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "c map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "fail c -5\n"
                   "c unmap iova 0x0 xl 0x0 mask 0x1ffff perm 0\n"
                   "c map iova 0x0 xl 0x40000 mask 0xfff perm 1\n");

    /* No failure: no call, 0.  No callback: the plain first error. */
    g_assert_cmpint(memory_region_notify_iommu_report(&f.iommu, 0, &ev,
                                                      resync_fail, &rs),
                    ==, 0);
    g_string_truncate(log, 0);
    g_assert_cmpint(memory_region_notify_iommu_report(&f.iommu, 1, &ev,
                                                      NULL, NULL),
                    ==, -EPERM);
    log_check(log, "x map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n");
    rs.replay = false;
    g_assert_cmpint(memory_region_notify_iommu_report(&f.iommu, 1, &ev,
                                                      resync_fail, &rs),
                    ==, -EPERM);
    log_check(log, "x map iova 0x5000 xl 0x95000 mask 0xfff perm 3\n"
                   "fail x -1\n");

    memory_region_unregister_iommu_notifier(mr, &a.n);
    memory_region_unregister_iommu_notifier(mr, &b.n);
    memory_region_unregister_iommu_notifier(mr, &c.n);
    memory_region_unregister_iommu_notifier(mr, &other_idx.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_batch_commit_report(void)
{
    GString *log = g_string_new("");
    MemoryRegion *mr;
    FakeIOMMU f;
    RecNotifier a, b;
    Resync rs = { .log = log, .replay = true };

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    rs.iommu = &f.iommu;
    f.tce[7] = 0x47000 | IOMMU_WO;
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_IOTLB_EVENTS, 0, ~0ULL);
    a.n.batch_begin = b.n.batch_begin = rec_batch_begin;
    a.n.batch_commit = b.n.batch_commit = rec_batch_commit;
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    g_string_truncate(log, 0);

    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    g_assert_cmpint(memory_region_notify_iommu(&f.iommu, 0,
                                               unmap_event(0x3000, 0xfff)),
                    ==, 0);
    a.commit_ret = -EIO;
    /* a's batch is closed when told: its replay is a batch of its own. */
    g_assert_cmpint(memory_region_iommu_batch_commit_report(&f.iommu,
                                                            resync_fail, &rs),
                    ==, -EIO);
    log_check(log, "a begin\n"
                   "b begin\n"
                   "a unmap iova 0x3000 xl 0x0 mask 0xfff perm 0\n"
                   "b unmap iova 0x3000 xl 0x0 mask 0xfff perm 0\n"
                   "a commit\n"
                   "fail a -5\n"
                   "a unmap iova 0x0 xl 0x0 mask 0xffffffffffffffff perm 0\n"
                   "a begin\n"
                   "a map iova 0x7000 xl 0x47000 mask 0xfff perm 2\n"
                   "a commit\n"
                   "b commit\n");
    g_assert_false(a.n.in_batch);
    g_assert_false(b.n.in_batch);
    /* The plain commit is the same without a callback. */
    g_assert_cmpint(memory_region_iommu_batch_begin(&f.iommu), ==, 0);
    b.commit_ret = -ENOMEM;
    g_assert_cmpint(memory_region_iommu_batch_commit(&f.iommu), ==, -ENOMEM);
    log_check(log, "a begin\nb begin\na commit\nb commit\n");

    memory_region_unregister_iommu_notifier(mr, &a.n);
    memory_region_unregister_iommu_notifier(mr, &b.n);
    memory_region_finalize(mr);
    g_string_free(log, true);
}

static void test_iommu_notifier_foreach(void)
{
    GString *log = g_string_new("");
    g_autoptr(GString) names = g_string_new("");
    IOMMUNotifier *n;
    MemoryRegion *mr;
    FakeIOMMU f;
    RecNotifier a, b;

    fake_init(&f, &fake_ops, "iommu", log, NULL);
    mr = MEMORY_REGION_OF_IOMMU(&f.iommu);
    g_assert_false(memory_region_iommu_has_notifiers(&f.iommu));
    IOMMU_NOTIFIER_FOREACH(n, &f.iommu) {
        g_assert_not_reached();
    }
    rec_notifier_init(&a, "a", log, IOMMU_NOTIFIER_UNMAP, 0, ~0ULL);
    rec_notifier_init(&b, "b", log, IOMMU_NOTIFIER_MAP, 0x1000, 0x1fff);
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    g_assert_true(memory_region_iommu_has_notifiers(&f.iommu));
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    IOMMU_NOTIFIER_FOREACH(n, &f.iommu) {
        g_string_append_printf(names, "%s ",
                               container_of(n, RecNotifier, n)->name);
    }
    g_assert_cmpstr(names->str, ==, "a b ");
    memory_region_unregister_iommu_notifier(mr, &a.n);
    g_assert_true(memory_region_iommu_has_notifiers(&f.iommu));
    memory_region_unregister_iommu_notifier(mr, &b.n);
    g_assert_false(memory_region_iommu_has_notifiers(&f.iommu));
    memory_region_finalize(mr);
    g_string_free(log, true);
}

/* A failure callback must not send to the other notifiers. */
static FakeIOMMU reenter_iommu;

static void reenter_fail(IOMMUNotifier *n, int err, void *opaque)
{
    memory_region_notify_iommu(&reenter_iommu.iommu, 0,
                               unmap_event(0x0, 0xfff));
}

static void test_iommu_report_reentry_asserts(void)
{
    if (g_test_subprocess()) {
        GString *log = g_string_new("");
        IOMMUTLBEvent ev = map_event(0x0, 0x0, 0xfff, IOMMU_RW);
        RecNotifier r;

        fake_init(&reenter_iommu, &fake_ops, "iommu", log, NULL);
        rec_notifier_init(&r, "n", log, IOMMU_NOTIFIER_MAP, 0, ~0ULL);
        r.ret = -EIO;
        memory_region_register_iommu_notifier(
            MEMORY_REGION_OF_IOMMU(&reenter_iommu.iommu), &r.n,
            &error_abort);
        memory_region_notify_iommu_report(&reenter_iommu.iommu, 0, &ev,
                                          reenter_fail, NULL);
        return;                     /* not reached */
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*Assertion*reporting*failed*");
}

/* ---- the PHB DMA view and 2^64-byte sections ------------------------- */

static void test_phb_dma_view(void)
{
    MemoryRegion iommu_root, tce_root;
    FakeIOMMU tce;
    AddressSpace dma_as;
    RecListener rec;
    GString *log = g_string_new("");
    g_autoptr(GString) out = g_string_new("");
    MemoryRegionSection s;

    memory_region_init(&iommu_root, NULL, "pci@800000020000000.iommu-root",
                       UINT64_MAX);
    address_space_init(&dma_as, &iommu_root, "pci@800000020000000");
    memory_region_init(&tce_root, NULL, "tce-root-80000000", UINT64_MAX);
    fake_init(&tce, &fake_ops, "tce-iommu-80000000", log, NULL);
    memory_region_set_size(MEMORY_REGION_OF_IOMMU(&tce.iommu), 0x40000000);
    memory_region_add_subregion(&tce_root, 0,
                                MEMORY_REGION_OF_IOMMU(&tce.iommu));
    memory_region_add_subregion(&iommu_root, 0, &tce_root);
    rec_init(&rec, log, NULL, 0);
    memory_listener_register(&rec.listener, &dma_as);
    log_check(log, "add tce-iommu-80000000 0x0+0x40000000 @0x0\n");

    mtree_info(out, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: pci@800000020000000\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): "
        "pci@800000020000000.iommu-root\n"
        "    0000000000000000-ffffffffffffffff (prio 0, i/o): "
        "tce-root-80000000\n"
        "      0000000000000000-000000003fffffff (prio 0, i/o): "
        "tce-iommu-80000000\n"
        "\n");

    /* An IOMMU region over the whole space: size 0 means 2^64. */
    memory_region_set_size(MEMORY_REGION_OF_IOMMU(&tce.iommu), UINT64_MAX);
    log_check(log, "del tce-iommu-80000000 0x0+0x40000000 @0x0\n"
                   "add tce-iommu-80000000 0x0+0x0 @0x0\n");
    g_assert_true(address_space_find_section(&dma_as, 0x1234, &s));
    g_assert_cmpuint(s.size, ==, 0);
    g_assert_cmpuint(memory_region_section_last(&s), ==, UINT64_MAX);
    g_assert_cmpuint(memory_region_size(MEMORY_REGION_OF_IOMMU(&tce.iommu)),
                     ==, UINT64_MAX);

    memory_listener_unregister(&rec.listener);
    log_check(log, "del tce-iommu-80000000 0x0+0x0 @0x0\n");
    memory_region_del_subregion(&iommu_root, &tce_root);
    memory_region_del_subregion(&tce_root, MEMORY_REGION_OF_IOMMU(&tce.iommu));
    address_space_destroy(&dma_as);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&tce.iommu));
    memory_region_finalize(&tce_root);
    memory_region_finalize(&iommu_root);
    g_string_free(log, true);
}

/* ---- accesses --------------------------------------------------------- */

static void test_rw_ram(void)
{
    Bed b;
    MemoryRegion ram, *found = NULL;
    uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, outb[8] = { 0 };
    uint8_t *hva;
    Error *err = NULL;

    bed_init(&b, 0x100000);
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &err));
    memory_region_add_subregion(&b.root, 0x20000, &ram);
    hva = memory_region_get_ram_ptr(&ram);
    g_assert_nonnull(hva);
    /* Untouched RAM reads as zero. */
    g_assert_cmpuint(hva[0xffff], ==, 0);
    g_assert_cmpuint(address_space_write(&b.as, 0x20ffc, in, 4), ==,
                     MEMTX_OK);
    g_assert_cmpmem(hva + 0xffc, 4, in, 4);
    g_assert_cmpuint(address_space_read(&b.as, 0x20ffc, outb, 4), ==,
                     MEMTX_OK);
    g_assert_cmpmem(outb, 4, in, 4);
    g_assert_cmpuint(address_space_rw(&b.as, 0x20000, outb, 0, true), ==,
                     MEMTX_OK);

    /* gpa -> hva for VFIO. */
    g_assert_true(address_space_map_ram(&b.as, 0x20ffc, 4, &found) ==
                  hva + 0xffc);
    g_assert_true(found == &ram);
    g_assert_true(address_space_map_ram(&b.as, 0x20000, 0x10000, NULL) ==
                  hva);
    found = NULL;
    g_assert_null(address_space_map_ram(&b.as, 0x20000, 0x10001, &found));
    g_assert_null(address_space_map_ram(&b.as, 0x1f000, 0x2000, &found));
    g_assert_null(address_space_map_ram(&b.as, 0x20000, 0, &found));
    g_assert_null(address_space_map_ram(&b.as, ~0ULL, 2, &found));
    g_assert_null(found);

    /* Big-endian fixed-size helpers. */
    address_space_stl_be(&b.as, 0x20100, 0x11223344, NULL);
    g_assert_cmpuint(hva[0x100], ==, 0x11);
    g_assert_cmpuint(hva[0x103], ==, 0x44);
    g_assert_cmpuint(address_space_ldl_be(&b.as, 0x20100, NULL), ==,
                     0x11223344);
    address_space_stq_be(&b.as, 0x20200, 0x0102030405060708ULL, NULL);
    g_assert_cmpuint(hva[0x200], ==, 0x01);
    g_assert_cmpuint(address_space_ldq_be(&b.as, 0x20200, NULL), ==,
                     0x0102030405060708ULL);
    address_space_stw_be(&b.as, 0x20300, 0xabcd, NULL);
    g_assert_cmpuint(address_space_lduw_be(&b.as, 0x20300, NULL), ==, 0xabcd);
    address_space_stb(&b.as, 0x20301, 0x99, NULL);
    g_assert_cmpuint(address_space_ldub(&b.as, 0x20301, NULL), ==, 0x99);

    memory_region_del_subregion(&b.root, &ram);
    memory_region_finalize(&ram);
    bed_fini(&b);
}

static void test_ram_init_errors(void)
{
    MemoryRegion ram;
    Error *err = NULL;

    g_assert_false(memory_region_init_ram(&ram, NULL, "empty", 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "RAM region 'empty' must not be empty");
    error_free(err);
    err = NULL;
    g_assert_false(memory_region_init_ram(&ram, NULL, "all", UINT64_MAX,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "RAM region 'all': size 0xffffffffffffffff is too large");
    error_free(err);
    err = NULL;
    /* More than the host's virtual address space. */
    g_assert_false(memory_region_init_ram(&ram, NULL, "huge", 1ULL << 62,
                                          &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "cannot map "
                            "0x4000000000000000 bytes for RAM region 'huge'"));
    error_free(err);
}

static void test_ram_noreserve(void)
{
    MemoryRegion ram;
    Error *err = NULL;

    /* 1 GiB costs nothing until touched. */
    g_assert_true(memory_region_init_ram(&ram, NULL, "big", 1ULL << 30, &err));
    g_assert_null(err);
    ((uint8_t *)memory_region_get_ram_ptr(&ram))[(1ULL << 30) - 1] = 1;
    memory_region_finalize(&ram);
    /* Finalizing twice (or a zeroed region) is harmless. */
    memory_region_finalize(&ram);
}

typedef struct MmioDev {
    MemoryRegion mr;
    GString *log;
    uint64_t read_val;
} MmioDev;

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    MmioDev *d = opaque;

    g_string_append_printf(d->log, "r 0x%" PRIx64 " %u\n", addr, size);
    return d->read_val;
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    MmioDev *d = opaque;

    g_string_append_printf(d->log, "w 0x%" PRIx64 " 0x%" PRIx64 " %u\n",
                           addr, val, size);
}

static void mmio_init(MmioDev *d, const MemoryRegionOps *ops, GString *log,
                      const char *name)
{
    memset(d, 0, sizeof(*d));
    d->log = log;
    memory_region_init_io(&d->mr, NULL, ops, d, name, 0x100);
}

static const MemoryRegionOps ops_be = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .max_access_size = 8 }, .impl = { .max_access_size = 8 },
};
static const MemoryRegionOps ops_le = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .max_access_size = 8 }, .impl = { .max_access_size = 8 },
};
static const MemoryRegionOps ops_native = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .max_access_size = 8 }, .impl = { .max_access_size = 8 },
};

static void test_rw_mmio_endianness(void)
{
    Bed b;
    MmioDev be, le, nat;
    uint8_t bytes[4];

    bed_init(&b, 0x10000);
    mmio_init(&be, &ops_be, b.log, "be");
    mmio_init(&le, &ops_le, b.log, "le");
    mmio_init(&nat, &ops_native, b.log, "native");
    memory_region_add_subregion(&b.root, 0x1000, &be.mr);
    memory_region_add_subregion(&b.root, 0x2000, &le.mr);
    memory_region_add_subregion(&b.root, 0x3000, &nat.mr);
    g_string_truncate(b.log, 0);

    /* qtest "writel" stores the value big-endian and writes the bytes. */
    address_space_stl_be(&b.as, 0x1010, 0x11223344, NULL);
    address_space_stl_be(&b.as, 0x2010, 0x11223344, NULL);
    address_space_stl_be(&b.as, 0x3010, 0x11223344, NULL);
    log_check(b.log, "w 0x10 0x11223344 4\n"
                     "w 0x10 0x44332211 4\n"
                     "w 0x10 0x11223344 4\n");
    be.read_val = le.read_val = nat.read_val = 0xa1b2c3d4;
    g_assert_cmpuint(address_space_ldl_be(&b.as, 0x1020, NULL), ==,
                     0xa1b2c3d4);
    g_assert_cmpuint(address_space_ldl_be(&b.as, 0x2020, NULL), ==,
                     0xd4c3b2a1);
    g_assert_cmpuint(address_space_ldl_be(&b.as, 0x3020, NULL), ==,
                     0xa1b2c3d4);
    log_check(b.log, "r 0x20 4\nr 0x20 4\nr 0x20 4\n");
    /* The bytes in the buffer are what the CPU sees. */
    g_assert_cmpuint(address_space_read(&b.as, 0x2020, bytes, 4), ==,
                     MEMTX_OK);
    g_assert_cmpuint(bytes[0], ==, 0xd4);
    g_assert_cmpuint(bytes[3], ==, 0xa1);
    log_check(b.log, "r 0x20 4\n");
    /* 8 and 2 bytes too. */
    address_space_stq_be(&b.as, 0x2008, 0x0102030405060708ULL, NULL);
    address_space_stw_be(&b.as, 0x1002, 0xbeef, NULL);
    log_check(b.log, "w 0x8 0x807060504030201 8\n"
                     "w 0x2 0xbeef 2\n");

    memory_region_del_subregion(&b.root, &be.mr);
    memory_region_del_subregion(&b.root, &le.mr);
    memory_region_del_subregion(&b.root, &nat.mr);
    memory_region_finalize(&be.mr);
    memory_region_finalize(&le.mr);
    memory_region_finalize(&nat.mr);
    bed_fini(&b);
}

static const MemoryRegionOps ops_default_sizes = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_BIG_ENDIAN,
};
static const MemoryRegionOps ops_impl_bytes = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl = { .max_access_size = 1 },
};
static const MemoryRegionOps ops_impl_words = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};
static const MemoryRegionOps ops_valid_words = {
    .read = mmio_read, .write = mmio_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static void test_rw_mmio_split(void)
{
    Bed b;
    MmioDev d;
    uint8_t buf[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    uint8_t rd[8];

    bed_init(&b, 0x10000);
    /* Defaults: at most 4 bytes, naturally aligned. */
    mmio_init(&d, &ops_default_sizes, b.log, "dev");
    memory_region_add_subregion(&b.root, 0x1000, &d.mr);
    g_string_truncate(b.log, 0);
    g_assert_cmpuint(address_space_write(&b.as, 0x1000, buf, 8), ==,
                     MEMTX_OK);
    log_check(b.log, "w 0x0 0x11223344 4\nw 0x4 0x55667788 4\n");
    g_assert_cmpuint(address_space_write(&b.as, 0x1002, buf, 4), ==,
                     MEMTX_OK);
    log_check(b.log, "w 0x2 0x1122 2\nw 0x4 0x3344 2\n");
    g_assert_cmpuint(address_space_write(&b.as, 0x1001, buf, 7), ==,
                     MEMTX_OK);
    log_check(b.log, "w 0x1 0x11 1\nw 0x2 0x2233 2\nw 0x4 0x44556677 4\n");
    memory_region_del_subregion(&b.root, &d.mr);
    memory_region_finalize(&d.mr);

    /* impl max 1: a 4-byte access becomes 4 byte accesses, in order. */
    mmio_init(&d, &ops_impl_bytes, b.log, "dev");
    memory_region_add_subregion(&b.root, 0x1000, &d.mr);
    g_string_truncate(b.log, 0);
    g_assert_cmpuint(address_space_write(&b.as, 0x1004, buf, 4), ==,
                     MEMTX_OK);
    log_check(b.log, "w 0x4 0x11 1\nw 0x5 0x22 1\nw 0x6 0x33 1\n"
                     "w 0x7 0x44 1\n");
    memory_region_del_subregion(&b.root, &d.mr);
    memory_region_finalize(&d.mr);

    /* impl min 4: a byte read is widened to the aligned word. */
    mmio_init(&d, &ops_impl_words, b.log, "dev");
    d.read_val = 0xa0b1c2d3;
    memory_region_add_subregion(&b.root, 0x1000, &d.mr);
    g_string_truncate(b.log, 0);
    g_assert_cmpuint(address_space_read(&b.as, 0x1006, rd, 1), ==, MEMTX_OK);
    g_assert_cmpuint(rd[0], ==, 0xc2);
    g_assert_cmpuint(address_space_write(&b.as, 0x1007, buf, 1), ==,
                     MEMTX_OK);
    log_check(b.log, "r 0x4 4\nw 0x4 0x11 4\n");
    memory_region_del_subregion(&b.root, &d.mr);
    memory_region_finalize(&d.mr);

    /* valid min 4: a 2-byte access is refused, the device never sees it. */
    mmio_init(&d, &ops_valid_words, b.log, "dev");
    memory_region_add_subregion(&b.root, 0x1000, &d.mr);
    g_string_truncate(b.log, 0);
    memset(rd, 0xee, sizeof(rd));
    g_assert_cmpuint(address_space_read(&b.as, 0x1000, rd, 2), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(address_space_write(&b.as, 0x1002, buf, 4), ==,
                     MEMTX_DECODE_ERROR);
    log_check(b.log, "");
    g_assert_cmpuint(rd[0], ==, 0xee);
    memory_region_del_subregion(&b.root, &d.mr);
    memory_region_finalize(&d.mr);

    /* No ops at all: decode error. */
    io_init(&d.mr, "dead", 0x100);
    memory_region_add_subregion(&b.root, 0x1000, &d.mr);
    g_assert_cmpuint(address_space_read(&b.as, 0x1000, rd, 4), ==,
                     MEMTX_DECODE_ERROR);
    memory_region_del_subregion(&b.root, &d.mr);
    memory_region_finalize(&d.mr);
    bed_fini(&b);
}

/* Words 0x00112233 at 0 and 0x44556677 at 4; writes are logged. */
static uint64_t wide_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 0 ? 0x00112233 : 0x44556677;
}

static void wide_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    g_string_append_printf(opaque, "w 0x%" PRIx64 " 0x%" PRIx64 " %u\n",
                           addr, val, size);
}

static const MemoryRegionOps wide_unaligned_ops = {
    .read = wide_read,
    .write = wide_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* An unaligned piece narrower than impl.min that straddles two words. */
static void test_rw_mmio_widen_straddle(void)
{
    Bed b;
    MemoryRegion io;
    uint8_t buf[2] = { 0 };
    const uint8_t data[2] = { 0xaa, 0xbb };

    bed_init(&b, 0x10000);
    memory_region_init_io(&io, NULL, &wide_unaligned_ops, b.log, "io", 8);
    memory_region_add_subregion(&b.root, 0x1000, &io);
    g_string_truncate(b.log, 0);
    g_assert_cmphex(address_space_read(&b.as, 0x1003, buf, 2), ==, MEMTX_OK);
    g_assert_cmphex(buf[0], ==, 0x33);
    g_assert_cmphex(buf[1], ==, 0x44);
    g_assert_cmphex(address_space_write(&b.as, 0x1003, data, 2), ==,
                    MEMTX_OK);
    log_check(b.log, "w 0x0 0xaa 4\nw 0x4 0xbb000000 4\n");
    memory_region_del_subregion(&b.root, &io);
    memory_region_finalize(&io);
    bed_fini(&b);
}

static void test_rw_cross_sections(void)
{
    Bed b;
    MemoryRegion r1, r2;
    uint8_t *h1, *h2;
    uint8_t buf[0x30];
    unsigned i;

    bed_init(&b, 0x10000);
    memory_region_init_ram(&r1, NULL, "r1", 0x1000, &error_abort);
    memory_region_init_ram(&r2, NULL, "r2", 0x1000, &error_abort);
    /* r1 [0x1000,0x2000) r2 [0x2000,0x3000), a hole, nothing after. */
    memory_region_add_subregion(&b.root, 0x1000, &r1);
    memory_region_add_subregion(&b.root, 0x2000, &r2);
    h1 = memory_region_get_ram_ptr(&r1);
    h2 = memory_region_get_ram_ptr(&r2);
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = i + 1;
    }
    g_assert_cmpuint(address_space_write(&b.as, 0x1ff0, buf, 0x20), ==,
                     MEMTX_OK);
    g_assert_cmpuint(h1[0xff0], ==, 1);
    g_assert_cmpuint(h1[0xfff], ==, 0x10);
    g_assert_cmpuint(h2[0x0], ==, 0x11);
    g_assert_cmpuint(h2[0xf], ==, 0x20);
    /* Partly past the end: the mapped bytes go, the rest decode-fails. */
    g_assert_cmpuint(address_space_write(&b.as, 0x2ff0, buf, 0x30), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(h2[0xff0], ==, 1);
    g_assert_cmpuint(h2[0xfff], ==, 0x10);
    /* Reads of unmapped bytes leave the buffer alone. */
    memset(buf, 0xcc, sizeof(buf));
    g_assert_cmpuint(address_space_read(&b.as, 0xff8, buf, 0x10), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(buf[0], ==, 0xcc);
    g_assert_cmpuint(buf[7], ==, 0xcc);
    g_assert_cmpuint(buf[8], ==, 0x00);
    g_assert_cmpuint(address_space_ldl_be(&b.as, 0x8000, NULL), ==, 0);
    memory_region_del_subregion(&b.root, &r1);
    memory_region_del_subregion(&b.root, &r2);
    memory_region_finalize(&r1);
    memory_region_finalize(&r2);
    bed_fini(&b);
}

static void test_rw_overflow(void)
{
    Bed b;
    MemoryRegion ram;
    uint8_t buf[4] = { 9, 9, 9, 9 };
    uint8_t *hva;
    MemTxResult res = MEMTX_OK;

    bed_init(&b, UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "top", 0x1000, &error_abort);
    memory_region_add_subregion(&b.root, UINT64_MAX - 0xfff, &ram);
    hva = memory_region_get_ram_ptr(&ram);
    log_check(b.log, "add top 0xfffffffffffff000+0x1000 @0x0\n");
    /* The last bytes of the space are fine... */
    g_assert_cmpuint(address_space_write(&b.as, UINT64_MAX - 3, buf, 4), ==,
                     MEMTX_OK);
    g_assert_cmpuint(hva[0xfff], ==, 9);
    /* ...one more wraps: refused, nothing written. */
    memset(buf, 7, sizeof(buf));
    g_assert_cmpuint(address_space_write(&b.as, UINT64_MAX - 2, buf, 4), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(hva[0xffd], ==, 9);
    address_space_stl_be(&b.as, UINT64_MAX, 0, &res);
    g_assert_cmpuint(res, ==, MEMTX_DECODE_ERROR);
    g_assert_cmpuint(address_space_rw(&b.as, UINT64_MAX, buf, 0, false), ==,
                     MEMTX_OK);
    memory_region_del_subregion(&b.root, &ram);
    memory_region_finalize(&ram);
    bed_fini(&b);
}

static void test_rw_iommu(void)
{
    Bed sys, dma;
    MemoryRegion ram;
    FakeIOMMU f;
    uint8_t *hva;
    uint8_t buf[0x2000];
    MemTxResult res;

    bed_init(&sys, UINT64_MAX);
    bed_init(&dma, UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x100000, &error_abort);
    memory_region_add_subregion(&sys.root, 0, &ram);
    hva = memory_region_get_ram_ptr(&ram);
    fake_init(&f, &fake_ops, "tce", sys.log, &sys.as);
    /* Window at bus address 0x80000000, 16 pages. */
    memory_region_add_subregion(&dma.root, 0x80000000,
                                MEMORY_REGION_OF_IOMMU(&f.iommu));
    f.tce[0] = 0x5000 | IOMMU_RW;
    f.tce[1] = 0x9000 | IOMMU_RW;   /* not contiguous with page 0 */
    f.tce[2] = 0x7000 | IOMMU_RO;
    f.tce[3] = 0x8000 | IOMMU_WO;

    /* Translate OK, across a page boundary into two host places. */
    address_space_stl_be(&dma.as, 0x80000ffe, 0xaabbccdd, &res);
    g_assert_cmpuint(res, ==, MEMTX_OK);
    g_assert_cmpuint(hva[0x5ffe], ==, 0xaa);
    g_assert_cmpuint(hva[0x5fff], ==, 0xbb);
    g_assert_cmpuint(hva[0x9000], ==, 0xcc);
    g_assert_cmpuint(hva[0x9001], ==, 0xdd);
    g_assert_cmpuint(address_space_ldl_be(&dma.as, 0x80000ffe, &res), ==,
                     0xaabbccdd);
    g_assert_cmpuint(res, ==, MEMTX_OK);

    /* Permission: write to a RO page, read from a WO page. */
    address_space_stl_be(&dma.as, 0x80002010, 0x01020304, &res);
    g_assert_cmpuint(res, ==, MEMTX_ACCESS_ERROR);
    g_assert_cmpuint(hva[0x7010], ==, 0);
    hva[0x7010] = 0x42;
    g_assert_cmpuint(address_space_ldub(&dma.as, 0x80002010, &res), ==, 0x42);
    g_assert_cmpuint(res, ==, MEMTX_OK);
    address_space_stl_be(&dma.as, 0x80003000, 0x01020304, &res);
    g_assert_cmpuint(res, ==, MEMTX_OK);
    g_assert_cmpuint(hva[0x8003], ==, 0x04);
    g_assert_cmpuint(address_space_ldl_be(&dma.as, 0x80003000, &res), ==, 0);
    g_assert_cmpuint(res, ==, MEMTX_ACCESS_ERROR);

    /* No valid entry. */
    g_assert_cmpuint(address_space_ldl_be(&dma.as, 0x80004000, &res), ==, 0);
    g_assert_cmpuint(res, ==, MEMTX_TRANSLATION_ERROR);
    /* Valid page followed by an invalid one: both results. */
    memset(buf, 0x3c, sizeof(buf));
    g_assert_cmpuint(address_space_write(&dma.as, 0x80003800, buf, 0x1000),
                     ==, MEMTX_TRANSLATION_ERROR);
    g_assert_cmpuint(hva[0x8fff], ==, 0x3c);
    /* Out of the window: nothing there. */
    g_assert_cmpuint(address_space_ldl_be(&dma.as, 0x80010000, &res), ==, 0);
    g_assert_cmpuint(res, ==, MEMTX_DECODE_ERROR);
    /* Translated to an address with no RAM. */
    f.tce[5] = 0x40000000 | IOMMU_RW;
    g_assert_cmpuint(address_space_ldl_be(&dma.as, 0x80005000, &res), ==, 0);
    g_assert_cmpuint(res, ==, MEMTX_DECODE_ERROR);

    memory_region_del_subregion(&dma.root, MEMORY_REGION_OF_IOMMU(&f.iommu));
    memory_region_del_subregion(&sys.root, &ram);
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    memory_region_finalize(&ram);
    bed_fini(&dma);
    bed_fini(&sys);
}

static void test_rw_iommu_loop(void)
{
    Bed dma;
    FakeIOMMU f;
    MemTxResult res;

    bed_init(&dma, UINT64_MAX);
    fake_init(&f, &fake_ops, "self", dma.log, &dma.as);
    memory_region_add_subregion(&dma.root, 0,
                                MEMORY_REGION_OF_IOMMU(&f.iommu));
    f.tce[0] = 0x0 | IOMMU_RW;      /* translates onto itself */
    address_space_ldl_be(&dma.as, 0x10, &res);
    g_assert_cmpuint(res, ==, MEMTX_DECODE_ERROR);
    memory_region_del_subregion(&dma.root, MEMORY_REGION_OF_IOMMU(&f.iommu));
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f.iommu));
    bed_fini(&dma);
}

/* An MMIO write that unmaps its own region and maps RAM in its place. */
typedef struct SelfUnmap {
    MemoryRegion mr;
    MemoryRegion *container;
    MemoryRegion ram;
    unsigned writes;
} SelfUnmap;

static void self_unmap_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    SelfUnmap *s = opaque;

    if (s->writes++ == 0) {
        memory_region_del_subregion(s->container, &s->mr);
        memory_region_add_subregion(s->container, 0x1000, &s->ram);
    }
}

static const MemoryRegionOps self_unmap_ops = {
    .write = self_unmap_write,
    .endianness = DEVICE_BIG_ENDIAN,
};

static void test_rw_topology_change_in_mmio(void)
{
    Bed b;
    SelfUnmap s = { .container = NULL };
    uint8_t buf[16] = { 0 };

    bed_init(&b, 0x10000);
    s.container = &b.root;
    memory_region_init_io(&s.mr, NULL, &self_unmap_ops, &s, "self", 0x1000);
    memory_region_init_ram(&s.ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&b.root, 0x1000, &s.mr);
    g_string_truncate(b.log, 0);
    /* The access finishes on the view it started with. */
    g_assert_cmpuint(address_space_write(&b.as, 0x1000, buf, 16), ==,
                     MEMTX_OK);
    g_assert_cmpuint(s.writes, ==, 4);
    log_check(b.log, "del self 0x1000+0x1000 @0x0\n"
                     "add ram 0x1000+0x1000 @0x0\n");
    memory_region_del_subregion(&b.root, &s.ram);
    memory_region_finalize(&s.ram);
    memory_region_finalize(&s.mr);
    bed_fini(&b);
}

/* ---- mtree ------------------------------------------------------------ */

static void test_mtree_tree(void)
{
    MemoryRegion sys, ram, io_lo, io_hi, box, win, winwin;
    AddressSpace as_a, as_b, as_c;
    g_autoptr(GString) out = g_string_new("");

    memory_region_init(&sys, NULL, "sys", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x40000000, &error_abort);
    io_init(&io_lo, "io-lo", 0x1000);
    io_init(&io_hi, "io-hi", 0x1000);
    memory_region_init(&box, NULL, "box", 0x10000);
    memory_region_init_alias(&win, NULL, "win", &ram, 0x1000, 0x2000);
    memory_region_init_alias(&winwin, NULL, "winwin", &win, 0x0, 0x1000);
    memory_region_add_subregion(&sys, 0, &ram);
    memory_region_add_subregion(&sys, 0x80000000, &box);
    memory_region_add_subregion_overlap(&box, 0x100, &io_lo, 0);
    memory_region_add_subregion_overlap(&box, 0x100, &io_hi, 2);
    memory_region_add_subregion(&box, 0x0, &winwin);
    memory_region_add_subregion(&sys, 0x100000000ULL, &win);
    address_space_init(&as_b, &sys, "zeta");
    address_space_init(&as_a, &sys, "alpha");
    address_space_init(&as_c, &box, "box-as");

    mtree_info(out, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: alpha\n"
        "address-space: zeta\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): sys\n"
        "    0000000000000000-000000003fffffff (prio 0, ram): ram\n"
        "    0000000080000000-000000008000ffff (prio 0, i/o): box\n"
        "      0000000080000000-0000000080000fff (prio 0, ram): "
        "alias winwin @win 0000000000000000-0000000000000fff\n"
        "      0000000080000100-00000000800010ff (prio 2, i/o): io-hi\n"
        "      0000000080000100-00000000800010ff (prio 0, i/o): io-lo\n"
        "    0000000100000000-0000000100001fff (prio 0, ram): "
        "alias win @ram 0000000000001000-0000000000002fff\n"
        "\n"
        "address-space: box-as\n"
        "  0000000080000000-000000008000ffff (prio 0, i/o): box\n"
        "    0000000080000000-0000000080000fff (prio 0, ram): "
        "alias winwin @win 0000000000000000-0000000000000fff\n"
        "    0000000080000100-00000000800010ff (prio 2, i/o): io-hi\n"
        "    0000000080000100-00000000800010ff (prio 0, i/o): io-lo\n"
        "\n"
        "memory-region: win\n"
        "  0000000100000000-0000000100001fff (prio 0, ram): "
        "alias win @ram 0000000000001000-0000000000002fff\n"
        "\n"
        "memory-region: ram\n"
        "  0000000000000000-000000003fffffff (prio 0, ram): ram\n"
        "\n");

    g_string_truncate(out, 0);
    mtree_info(out, true);
    g_assert_cmpstr(out->str, ==,
        "FlatView #0\n"
        " AS \"zeta\", root: sys\n"
        " AS \"alpha\", root: sys\n"
        " Root memory region: sys\n"
        "  0000000000000000-000000003fffffff (prio 0, ram): ram\n"
        "  0000000080000000-00000000800000ff (prio 0, ram): ram @0000000000001000\n"
        "  0000000080000100-00000000800010ff (prio 2, i/o): io-hi\n"
        "  0000000100000000-0000000100001fff (prio 0, ram): ram @0000000000001000\n"
        "\n"
        "FlatView #1\n"
        " AS \"box-as\", root: box\n"
        " Root memory region: box\n"
        "  0000000080000000-00000000800000ff (prio 0, ram): ram @0000000000001000\n"
        "  0000000080000100-00000000800010ff (prio 2, i/o): io-hi\n"
        "\n");

    address_space_destroy(&as_a);
    address_space_destroy(&as_b);
    address_space_destroy(&as_c);
    memory_region_del_subregion(&sys, &win);
    memory_region_del_subregion(&box, &winwin);
    memory_region_finalize(&winwin);
    memory_region_finalize(&win);
    memory_region_del_subregion(&sys, &box);
    memory_region_del_subregion(&sys, &ram);
    memory_region_finalize(&box);
    memory_region_finalize(&io_lo);
    memory_region_finalize(&io_hi);
    memory_region_finalize(&ram);
    memory_region_finalize(&sys);
}

static void test_mtree_flatview_shared_and_empty(void)
{
    MemoryRegion top, empty, inner, io;
    AddressSpace as_top, as_alias, as_empty;
    g_autoptr(GString) out = g_string_new("");

    memory_region_init(&top, NULL, "top", UINT64_MAX);
    io_init(&io, "dev", 0x10);
    memory_region_add_subregion(&top, 0x20, &io);
    memory_region_init_alias(&inner, NULL, "top-alias", &top, 0, UINT64_MAX);
    memory_region_init(&empty, NULL, "nothing", 0x1000);
    address_space_init(&as_top, &top, "top-as");
    address_space_init(&as_empty, &empty, "empty-as");
    address_space_init(&as_alias, &inner, "alias-as");
    mtree_info(out, true);
    g_assert_cmpstr(out->str, ==,
        "FlatView #0\n"
        " AS \"top-as\", root: top\n"
        " AS \"alias-as\", root: top-alias, alias top\n"
        " Root memory region: top\n"
        "  0000000000000020-000000000000002f (prio 0, i/o): dev\n"
        "\n"
        "FlatView #1\n"
        " AS \"empty-as\", root: nothing\n"
        " Root memory region: (none)\n"
        "  No rendered FlatView\n"
        "\n");
    address_space_destroy(&as_top);
    address_space_destroy(&as_empty);
    address_space_destroy(&as_alias);
    memory_region_finalize(&inner);
    memory_region_del_subregion(&top, &io);
    memory_region_finalize(&io);
    memory_region_finalize(&top);
    memory_region_finalize(&empty);
}

static void test_mtree_empty_region(void)
{
    MemoryRegion root, zero;
    AddressSpace as;
    g_autoptr(GString) out = g_string_new("");

    /* A zero-sized region shows START-START, as QEMU 7.2 does. */
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    io_init(&zero, "tce-iommu-80000001", 0);
    memory_region_add_subregion(&root, 0x0800000000000000ULL, &zero);
    address_space_init(&as, &root, "dma");
    mtree_info(out, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: dma\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): root\n"
        "    0800000000000000-0800000000000000 (prio 0, i/o): "
        "tce-iommu-80000001\n"
        "\n");
    address_space_destroy(&as);
    memory_region_del_subregion(&root, &zero);
    memory_region_finalize(&zero);
    memory_region_finalize(&root);
}

/* ---- system memory ---------------------------------------------------- */

static void test_system_memory(void)
{
    MemoryRegion ram;
    g_autoptr(GString) out = g_string_new("");

    memory_map_init();
    g_assert_cmpstr(memory_region_name(get_system_memory()), ==, "system");
    g_assert_cmpuint(memory_region_size(get_system_memory()), ==, UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ppc_spapr.ram", 0x40000000,
                           &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    address_space_stl_be(&address_space_memory, 0x1000, 0xdeadbeef, NULL);
    g_assert_cmpuint(address_space_ldl_be(&address_space_memory, 0x1000,
                                          NULL), ==, 0xdeadbeef);
    mtree_info(out, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000000000-000000003fffffff (prio 0, ram): ppc_spapr.ram\n"
        "\n");
    /* Cleanup detaches the RAM; the owner finalizes it. */
    memory_map_cleanup();
    g_assert_null(get_system_memory());
    g_assert_false(memory_region_is_mapped(&ram));
    memory_region_finalize(&ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/listener/replay-on-register",
                    test_listener_replay_on_register);
    g_test_add_func("/memory/listener/unchanged-no-call",
                    test_listener_unchanged_no_call);
    g_test_add_func("/memory/listener/resize", test_listener_resize);
    g_test_add_func("/memory/listener/unmapped-container",
                    test_listener_unmapped_container);
    g_test_add_func("/memory/listener/priority-order",
                    test_listener_priority_order);
    g_test_add_func("/memory/listener/del-before-add",
                    test_listener_del_before_add);
    g_test_add_func("/memory/listener/registers-notifier",
                    test_listener_registers_notifier);
    g_test_add_func("/memory/listener/topology-change-asserts",
                    test_listener_topology_change_asserts);
    g_test_add_func("/memory/listener/iommu-readd-transaction",
                    test_listener_iommu_readd_transaction);
    g_test_add_func("/memory/listener/iommu-readd-no-transaction",
                    test_listener_iommu_readd_no_transaction);
    g_test_add_func("/memory/listener/iommu-unrelated-change",
                    test_listener_iommu_unrelated_change);
    g_test_add_func("/memory/listener/iommu-readd-consumer",
                    test_listener_iommu_readd_consumer);
    g_test_add_func("/memory/flat/priority-hole", test_flat_priority_hole);
    g_test_add_func("/memory/flat/priority-order-independent",
                    test_flat_priority_order_independent);
    g_test_add_func("/memory/flat/equal-priority-later-wins",
                    test_flat_equal_priority_later_wins);
    g_test_add_func("/memory/flat/alias", test_flat_alias);
    g_test_add_func("/memory/flat/phb-dma-view", test_phb_dma_view);
    g_test_add_func("/memory/iommu/flags-filter", test_iommu_flags_filter);
    g_test_add_func("/memory/iommu/range-crop", test_iommu_range_crop);
    g_test_add_func("/memory/iommu/first-error", test_iommu_first_error);
    g_test_add_func("/memory/iommu/flag-changed", test_iommu_flag_changed);
    g_test_add_func("/memory/iommu/flag-kernel-linked",
                    test_iommu_flag_kernel_linked);
    g_test_add_func("/memory/iommu/flag-changed-refused",
                    test_iommu_flag_changed_refused);
    g_test_add_func("/memory/iommu/unregister-error-reported",
                    test_iommu_unregister_error_reported);
    g_test_add_func("/memory/iommu/optional-ops", test_iommu_optional_ops);
    g_test_add_func("/memory/iommu/batch", test_iommu_batch);
    g_test_add_func("/memory/iommu/batch-pairing", test_iommu_batch_pairing);
    g_test_add_func("/memory/iommu/replay-delegated",
                    test_iommu_replay_delegated);
    g_test_add_func("/memory/iommu/replay-batch", test_iommu_replay_batch);
    g_test_add_func("/memory/iommu/replay-walk", test_iommu_replay_walk);
    g_test_add_func("/memory/iommu/replay-walk-large-entry",
                    test_iommu_replay_walk_large_entry);
    g_test_add_func("/memory/iommu/replay-walk-error",
                    test_iommu_replay_walk_error);
    g_test_add_func("/memory/iommu/replay-delegated-error",
                    test_iommu_replay_delegated_error);
    g_test_add_func("/memory/iommu/replay-begin-error",
                    test_iommu_replay_begin_error);
    g_test_add_func("/memory/iommu/replay-commit-error",
                    test_iommu_replay_commit_error);
    g_test_add_func("/memory/iommu/replay-joined-error",
                    test_iommu_replay_joined_error);
    g_test_add_func("/memory/iommu/notify-report", test_iommu_notify_report);
    g_test_add_func("/memory/iommu/batch-commit-report",
                    test_iommu_batch_commit_report);
    g_test_add_func("/memory/iommu/notifier-foreach",
                    test_iommu_notifier_foreach);
    g_test_add_func("/memory/iommu/report-reentry-asserts",
                    test_iommu_report_reentry_asserts);
    g_test_add_func("/memory/ram/init-errors", test_ram_init_errors);
    g_test_add_func("/memory/ram/noreserve", test_ram_noreserve);
    g_test_add_func("/memory/rw/ram", test_rw_ram);
    g_test_add_func("/memory/rw/mmio-endianness", test_rw_mmio_endianness);
    g_test_add_func("/memory/rw/mmio-split", test_rw_mmio_split);
    g_test_add_func("/memory/rw/mmio-widen-straddle",
                    test_rw_mmio_widen_straddle);
    g_test_add_func("/memory/rw/cross-sections", test_rw_cross_sections);
    g_test_add_func("/memory/rw/overflow", test_rw_overflow);
    g_test_add_func("/memory/rw/iommu", test_rw_iommu);
    g_test_add_func("/memory/rw/iommu-loop", test_rw_iommu_loop);
    g_test_add_func("/memory/rw/topology-change-in-mmio",
                    test_rw_topology_change_in_mmio);
    g_test_add_func("/memory/mtree/tree", test_mtree_tree);
    g_test_add_func("/memory/mtree/flatview-shared-and-empty",
                    test_mtree_flatview_shared_and_empty);
    g_test_add_func("/memory/mtree/empty-region", test_mtree_empty_region);
    g_test_add_func("/memory/system-memory", test_system_memory);
    return g_test_run();
}
