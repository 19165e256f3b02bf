/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the kernel TCE fast path stand-in (accel/kernel-tce-sim.c)
 * and of the table moves it causes (hw/ppc/spapr_iommu.c): the kernel's
 * create and hcall-enable rules, what it handles and what it punts, and a
 * table that moves to user space with its entries when the first IOMMU
 * notifier registers and back to the kernel when the last one goes.
 */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/stat.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "accel/kernel-tce.h"
#include "system/system.h"

#define LIOBN       0x71000000U
#define RAM_SIZE    (1ULL << 30)
#define WIN_ENTRIES 0x40000U
#define LIST_GPA    0x100000ULL

#define TYPE_TEST_KTCE_OWNER "test-ktce-owner"

static const TypeInfo test_owner_info = {
    .name = TYPE_TEST_KTCE_OWNER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
};

typedef struct Fixture {
    SpaprMachineState *spapr;
    SpaprTceTable *tcet;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    DeviceState *owner;

    kernel_tce_set_level(KERNEL_TCE_ON);
    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    f->spapr = spapr_machine();
    owner = qdev_new(TYPE_TEST_KTCE_OWNER);
    object_property_add_child(container_get(qdev_get_machine(), "unattached"),
                              "tce-owner", OBJECT(owner));
    object_unref(OBJECT(owner));
    g_assert_true(qdev_realize(owner, NULL, &error_abort));
    f->tcet = spapr_tce_new_table(f->spapr, owner, LIOBN, &error_abort);
    g_assert_true(spapr_tce_table_enable(f->tcet, 12, 0, WIN_ENTRIES,
                                         &error_abort));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_destroy(MACHINE(f->spapr));
    memory_map_cleanup();
    kernel_tce_reset();
    kernel_tce_set_level(KERNEL_TCE_OFF);
}

static target_ulong hcall(Fixture *f, target_ulong opcode, target_ulong a0,
                          target_ulong a1, target_ulong a2, target_ulong a3,
                          target_ulong *out)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };
    target_ulong ret = spapr_hypercall(f->spapr, opcode, args);

    if (out) {
        *out = args[0];
    }
    return ret;
}

static void stats(uint64_t want_handled, uint64_t want_punted)
{
    uint64_t handled, punted;

    kernel_tce_stats(&handled, &punted);
    g_assert_cmpuint(handled, ==, want_handled);
    g_assert_cmpuint(punted, ==, want_punted);
}

static void test_create_rules(void)
{
    int fd;

    kernel_tce_set_level(KERNEL_TCE_OFF);
    g_assert_cmpint(kernel_tce_create_table(1, 12, 0, 16), ==, -ENOSYS);
    kernel_tce_set_level(KERNEL_TCE_ON);
    g_assert_cmpint(kernel_tce_create_table(1, 12, 0, 0), ==, -EINVAL);
    g_assert_cmpint(kernel_tce_create_table(1, 11, 0, 16), ==, -EINVAL);
    g_assert_cmpint(kernel_tce_create_table(1, 35, 0, 16), ==, -EINVAL);
    g_assert_cmpint(kernel_tce_create_table(1, 16, UINT64_MAX >> 16, 1), ==,
                    -EINVAL);
    fd = kernel_tce_create_table(1, 12, 0, 16);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(kernel_tce_has_table(1));
    g_assert_cmpint(kernel_tce_create_table(1, 12, 0, 16), ==, -EBUSY);
    kernel_tce_release_table(1);
    close(fd);
    g_assert_false(kernel_tce_has_table(1));
    fd = kernel_tce_create_table(1, 12, 0, 16);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_cmpint(kernel_tce_enable_hcall(H_PUT_TCE, true), ==, -EINVAL);
    g_assert_cmpint(kernel_tce_enable_hcall(H_STUFF_TCE, true), ==, 0);
    kernel_tce_reset();
    g_assert_false(kernel_tce_has_table(1));
    kernel_tce_set_level(KERNEL_TCE_OFF);
}

/*
 * The stand-in's table is a memfd: clearing or reading an empty window
 * allocates none of it (KVM reads a hole as 0), so one H_STUFF_TCE of 0
 * over a large window costs nothing.
 */
static void test_clear_allocates_nothing(void)
{
    uint64_t args[4] = { 7, 0, 0, 1ULL << 24 };
    struct stat st;
    int fd;

    kernel_tce_set_level(KERNEL_TCE_ON);
    fd = kernel_tce_create_table(7, 12, 0, 1ULL << 24);    /* 128 MiB */
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(kernel_tce_enable_hcall(H_STUFF_TCE, true), ==, 0);
    g_assert_cmpint(kernel_tce_hcall(H_STUFF_TCE, args), ==, H_SUCCESS);
    args[1] = 0x123456000;
    g_assert_cmpint(kernel_tce_hcall(H_GET_TCE, args), ==, H_SUCCESS);
    g_assert_cmphex(args[0], ==, 0);
    g_assert_cmpint(fstat(fd, &st), ==, 0);
    g_assert_cmpint(st.st_blocks, ==, 0);
    close(fd);
    kernel_tce_reset();
    kernel_tce_set_level(KERNEL_TCE_OFF);
}

/*
 * A kernel table takes its whole window (as KVM charges it): one that does
 * not fit the machine's storage limit stays in user space.
 */
static void test_kernel_table_charged(Fixture *f, gconstpointer data)
{
    SpaprTceBudget *b = &f->spapr->tce_budget;
    uint64_t before = b->used;

    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "kernel");
    g_assert_cmpuint(before, >=, WIN_ENTRIES * 8);
    spapr_tce_table_disable(f->tcet);
    g_assert_cmpuint(b->used, ==, before - WIN_ENTRIES * 8);
    /* 2^20 entries: an 8 MiB kernel table, over a 1 MiB allowance. */
    b->limit = b->used + (1 << 20);
    g_assert_true(spapr_tce_table_enable(f->tcet, 12, 0, 1U << 20,
                                         &error_abort));
    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "user");
    g_assert_false(kernel_tce_has_table(LIOBN));
    spapr_tce_table_disable(f->tcet);
    /* The default window's 2 MiB fit again under the default limit. */
    b->limit = SPAPR_TCE_STORAGE_LIMIT_DEFAULT;
    g_assert_true(spapr_tce_table_enable(f->tcet, 12, 0, WIN_ENTRIES,
                                         &error_abort));
    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "kernel");
    g_assert_cmpuint(b->used, ==, before);
}

/* INDIRECT and STUFF reach the kernel only once enabled. */
static void test_hcall_enable(Fixture *f, gconstpointer data)
{
    uint64_t list[2] = { GUINT64_TO_BE(0x200003), GUINT64_TO_BE(0x201003) };
    target_ulong tce;

    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "kernel");
    stats(0, 0);
    g_assert_cmpint(address_space_write(&address_space_memory, LIST_GPA, list,
                                        sizeof(list)), ==, MEMTX_OK);
    kernel_tce_enable_hcall(H_PUT_TCE_INDIRECT, false);
    kernel_tce_enable_hcall(H_STUFF_TCE, false);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x8000, LIST_GPA, 2,
                          NULL), ==, H_SUCCESS);
    /* H_STUFF_TCE with R/W: user space's rules while the kernel's is off */
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x20000, 0x300003, 2, NULL),
                    ==, H_SUCCESS);
    stats(0, 2);
    kernel_tce_enable_hcall(H_PUT_TCE_INDIRECT, true);
    kernel_tce_enable_hcall(H_STUFF_TCE, true);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x20000, 0x300003, 2, NULL),
                    ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0x20000, 0, 2, NULL),
                    ==, H_SUCCESS);
    g_assert_cmpint(hcall(f, H_GET_TCE, LIOBN, 0x9000, 0, 0, &tce), ==,
                    H_SUCCESS);
    g_assert_cmphex(tce, ==, 0x201003);
    stats(3, 2);
    /* a list outside RAM: punted, user space says H_PARAMETER */
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0x8000, RAM_SIZE, 1,
                          NULL), ==, H_PARAMETER);
    stats(3, 3);
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->tcet->storage), ==, 2);
}

typedef struct Maps {
    IOMMUNotifier n;
    GString *log;
} Maps;

static int maps_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    Maps *m = container_of(n, Maps, n);

    g_string_append_printf(m->log, "%s0x%" PRIx64 "->0x%" PRIx64 "+0x%" PRIx64
                           " ", ev->type == IOMMU_NOTIFIER_MAP ? "M" : "U",
                           ev->entry.iova, ev->entry.translated_addr,
                           ev->entry.addr_mask + 1);
    return 0;
}

/*
 * Entries the kernel wrote move to user space with the table when the
 * first notifier registers, a replay delivers them, later hcalls are user
 * space's (and notify); the last notifier gone, the table goes back to
 * the kernel with its entries.
 */
static void test_move_and_back(Fixture *f, gconstpointer data)
{
    IOMMUMemoryRegion *iommu = &f->tcet->iommu;
    Maps m = { .log = g_string_new(NULL) };
    Error *err = NULL;
    target_ulong tce;

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0x10000003, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x2000, 0x10001003, 0, NULL),
                    ==, H_SUCCESS);
    stats(2, 0);
    g_assert_true(kernel_tce_has_table(LIOBN));

    iommu_notifier_init(&m.n, maps_notify, IOMMU_NOTIFIER_IOTLB_EVENTS, 0,
                        HWADDR_MAX, 0);
    g_assert_cmpint(memory_region_register_iommu_notifier(
                        MEMORY_REGION_OF_IOMMU(iommu), &m.n, &error_abort),
                    ==, 0);
    g_assert_true(f->tcet->need_vfio);
    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "user");
    g_assert_false(kernel_tce_has_table(LIOBN));
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->tcet->storage), ==, 2);
    g_assert_true(memory_region_iommu_replay(iommu, &m.n, &err));
    g_assert_cmpstr(m.log->str, ==, "M0x1000->0x10000000+0x1000 "
                    "M0x2000->0x10001000+0x1000 ");
    g_string_truncate(m.log, 0);

    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, 0, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpstr(m.log->str, ==, "U0x1000->0x0+0x1000 ");
    stats(2, 1);

    memory_region_unregister_iommu_notifier(MEMORY_REGION_OF_IOMMU(iommu),
                                            &m.n);
    g_assert_false(f->tcet->need_vfio);
    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "kernel");
    g_assert_true(kernel_tce_has_table(LIOBN));
    g_assert_cmpint(hcall(f, H_GET_TCE, LIOBN, 0x2000, 0, 0, &tce), ==,
                    H_SUCCESS);
    g_assert_cmphex(tce, ==, 0x10001003);
    stats(3, 1);
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->tcet->storage), ==, 1);

    /* disabling gives the LIOBN back to the kernel */
    spapr_tce_table_disable(f->tcet);
    g_assert_false(kernel_tce_has_table(LIOBN));
    g_string_free(m.log, TRUE);
}

/*
 * A kernel table whose entries do not fit the machine's storage limit in
 * user space: the first notifier is refused (a consumer must never be
 * left blind to a kernel writing behind its back) and nothing changes.
 */
static void test_move_refused(Fixture *f, gconstpointer data)
{
    IOMMUMemoryRegion *iommu = &f->tcet->iommu;
    Maps m = { .log = g_string_new(NULL) };
    Error *err = NULL;

    for (uint64_t i = 0; i < 64; i++) {
        g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, i << 24,
                              0x10000003 + (i << 13), 0, NULL), ==, H_SUCCESS);
    }
    f->spapr->tce_budget.limit = f->spapr->tce_budget.used + 1024;
    iommu_notifier_init(&m.n, maps_notify, IOMMU_NOTIFIER_IOTLB_EVENTS, 0,
                        HWADDR_MAX, 0);
    g_assert_cmpint(memory_region_register_iommu_notifier(
                        MEMORY_REGION_OF_IOMMU(iommu), &m.n, &err),
                    ==, -ENOSPC);
    g_assert_cmpstr(error_get_pretty(err), ==, "spapr-tce-table 0x71000000: "
                    "cannot move 64 valid entries to user storage "
                    "(tce-storage-limit?)");
    error_free(err);
    g_assert_false(f->tcet->need_vfio);
    g_assert_cmpstr(spapr_tce_storage_kind(f->tcet->storage), ==, "kernel");
    g_assert_true(kernel_tce_has_table(LIOBN));
    g_assert_cmpuint(spapr_tce_storage_count_valid(f->tcet->storage), ==, 64);
    g_string_free(m.log, TRUE);
}

/* A host table that records the kernel's calls. */
static int rec_map(void *hw, uint64_t iova, uint64_t size, uint64_t vaddr,
                   uint32_t perm)
{
    g_string_append_printf(hw, "map 0x%" PRIx64 "+0x%" PRIx64 " %u; ", iova,
                           size, perm);
    return 0;
}

static int rec_unmap(void *hw, uint64_t iova, uint64_t size)
{
    g_string_append_printf(hw, "unmap 0x%" PRIx64 "+0x%" PRIx64 "; ", iova,
                           size);
    return 0;
}

static const KernelTceHwOps rec_ops = { .map = rec_map, .unmap = rec_unmap };

static bool fake_in_ram(void *opaque, uint64_t gpa, uint64_t len)
{
    return gpa + len <= RAM_SIZE;
}

static bool fake_hva(void *opaque, uint64_t gpa, uint64_t len, uint64_t *hva)
{
    *hva = 0x7f0000000000ULL + gpa;
    return true;
}

static const KernelTceGuestOps fake_guest = {
    .in_ram = fake_in_ram,
    .hva = fake_hva,
};

/*
 * KVM-VFIO SET_SPAPR_TCE, the stand-in's half: only at level vfio (x86's
 * ENXIO below), only a table of the stand-in and a host table that
 * matches it (same start, host page no larger, window no smaller); the
 * fast path then updates the host table; links go with the group.
 */
static void test_link_rules(void)
{
    g_autoptr(GString) hw = g_string_new(NULL);
    KernelTceHwTable t[] = {
        /* starts elsewhere */
        { &rec_ops, hw, 0x10000, 12, 1ULL << 20 },
        /* host page larger than the TCE page */
        { &rec_ops, hw, 0, 16, 1ULL << 20 },
        /* window too small */
        { &rec_ops, hw, 0, 12, 0x8000 },
        /* the match */
        { &rec_ops, hw, 0, 12, 1ULL << 20 },
    };
    uint64_t put[3] = { 9, 0x3000, 0x5003 };
    uint64_t clr[3] = { 9, 0x3000, 0 };
    int fd, dup_fd, devnull = open("/dev/null", O_RDONLY);

    kernel_tce_set_level(KERNEL_TCE_ON);
    fd = kernel_tce_create_table(9, 12, 0, 16);     /* 64 KiB window */
    g_assert_cmpint(fd, >=, 0);
    g_assert_false(kernel_tce_links_vfio());
    g_assert_cmpint(kernel_tce_link_group(fd, 1, &t[3], 1), ==, -ENXIO);
    kernel_tce_set_level(KERNEL_TCE_VFIO);
    kernel_tce_set_guest(&fake_guest, NULL);
    g_assert_true(kernel_tce_links_vfio());
    g_assert_cmpint(kernel_tce_link_group(devnull, 1, &t[3], 1), ==, -EINVAL);
    g_assert_cmpint(kernel_tce_link_group(fd, 1, t, 3), ==, -EINVAL);
    g_assert_cmpuint(kernel_tce_links(9), ==, 0);
    /* a dup of the table's fd names the same table */
    dup_fd = dup(fd);
    g_assert_cmpint(kernel_tce_link_group(dup_fd, 1, t, 4), ==, 0);
    g_assert_cmpint(kernel_tce_link_group(fd, 1, t, 4), ==, 0);
    g_assert_cmpint(kernel_tce_link_group(fd, 2, &t[3], 1), ==, 0);
    g_assert_cmpuint(kernel_tce_links(9), ==, 2);

    /* two groups, one host table: one call each */
    g_assert_cmpint(kernel_tce_hcall(H_PUT_TCE, put), ==, H_SUCCESS);
    g_assert_cmpint(kernel_tce_hcall(H_PUT_TCE, clr), ==, H_SUCCESS);
    g_assert_cmpint(kernel_tce_hcall(H_PUT_TCE, clr), ==, H_SUCCESS);
    g_assert_cmpstr(hw->str, ==, "map 0x3000+0x1000 3; unmap 0x3000+0x1000; ");

    kernel_tce_unlink_group(1);
    g_assert_cmpuint(kernel_tce_links(9), ==, 1);
    kernel_tce_release_table(9);
    g_assert_cmpuint(kernel_tce_links(9), ==, 0);
    close(dup_fd);
    close(fd);
    close(devnull);
    kernel_tce_set_guest(NULL, NULL);
    kernel_tce_reset();
    kernel_tce_set_level(KERNEL_TCE_OFF);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_owner_info);
    g_test_add_func("/kernel-tce/sim/create-rules", test_create_rules);
    g_test_add_func("/kernel-tce/sim/link-rules", test_link_rules);
    g_test_add("/kernel-tce/sim/hcall-enable", Fixture, NULL, fixture_setup,
               test_hcall_enable, fixture_teardown);
    g_test_add("/kernel-tce/move/to-user-and-back", Fixture, NULL,
               fixture_setup, test_move_and_back, fixture_teardown);
    g_test_add_func("/kernel-tce/sim/clear-allocates-nothing",
                    test_clear_allocates_nothing);
    g_test_add("/kernel-tce/kernel-table-charged", Fixture, NULL,
               fixture_setup, test_kernel_table_charged, fixture_teardown);
    g_test_add("/kernel-tce/move/refused-keeps-notifier-out", Fixture, NULL,
               fixture_setup, test_move_refused, fixture_teardown);
    return g_test_run();
}
