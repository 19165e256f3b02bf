/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hw/vfio/iommu-soft.c: the kernel's rules and errnos per type */

#include "qemu/osdep.h"
#include "hw/vfio/iommu-soft.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define RW  VFIO_IOMMU_PERM_RW
#define RO  VFIO_IOMMU_PERM_READ
#define WO  VFIO_IOMMU_PERM_WRITE

#define RAM_VADDR 0x7f0000000000ULL   /* process address of "guest RAM" */
#define DMA64     (1ULL << 59)

/* A soft host with @cfg (NULL: defaults), type set up. */
static VFIOSoftIOMMU *soft_new(const VFIOSoftConfig *cfg, VFIOIOMMUType type)
{
    VFIOSoftIOMMU *s = vfio_soft_new(cfg, &error_abort);

    g_assert_cmpint(vfio_iommu_setup(vfio_soft_iommu(s), type), ==, 0);
    return s;
}

/* sPAPR v2 with 1 GiB of registered memory at RAM_VADDR. */
static VFIOSoftIOMMU *spapr_new(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);

    g_assert_cmpint(vfio_iommu_register_memory(vfio_soft_iommu(s), RAM_VADDR,
                                               GiB), ==, 0);
    return s;
}

static void soft_free(VFIOSoftIOMMU *s)
{
    vfio_iommu_release(vfio_soft_iommu(s));
}

static int map(VFIOSoftIOMMU *s, hwaddr iova, uint64_t size, uint64_t vaddr,
               uint32_t perm)
{
    return vfio_iommu_map(vfio_soft_iommu(s), iova, size, vaddr, perm);
}

static int unmap(VFIOSoftIOMMU *s, hwaddr iova, uint64_t *size)
{
    return vfio_iommu_unmap(vfio_soft_iommu(s), iova, size);
}

/* Asserts the read-back mappings equal @expect (n entries). */
static void assert_mappings(VFIOSoftIOMMU *s, const VFIOSoftMapping *expect,
                            guint n)
{
    GArray *a = vfio_soft_get_mappings(s);

    g_assert_cmpuint(a->len, ==, n);
    for (guint i = 0; i < n; i++) {
        VFIOSoftMapping *m = &g_array_index(a, VFIOSoftMapping, i);

        g_assert_cmphex(m->iova, ==, expect[i].iova);
        g_assert_cmphex(m->size, ==, expect[i].size);
        g_assert_cmphex(m->vaddr, ==, expect[i].vaddr);
        g_assert_cmpuint(m->perm, ==, expect[i].perm);
    }
    g_array_unref(a);
}

static guint nr_mappings(VFIOSoftIOMMU *s)
{
    GArray *a = vfio_soft_get_mappings(s);
    guint n = a->len;

    g_array_unref(a);
    return n;
}

/* ---- set-up ---- */

static void test_setup_errors(void)
{
    VFIOSoftConfig x86 = { .types = 1u << VFIO_IOMMU_TYPE1V2 };
    VFIOSoftIOMMU *s = vfio_soft_new(&x86, &error_abort);
    VFIOIOMMU *io = vfio_soft_iommu(s);
    VFIOIOMMUInfo info;
    uint64_t size = 4 * KiB;
    hwaddr start;

    /* Before SET_IOMMU every request is EINVAL. */
    g_assert_cmpint(vfio_iommu_info(io, &info), ==, -EINVAL);
    g_assert_cmpint(map(s, 0, 4 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(unmap(s, 0, &size), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 12, GiB, 1, &start), ==,
                    -EINVAL);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, 64 * KiB), ==,
                    -EINVAL);
    /* An x86 host has no sPAPR back end, nor type1 v1 here. */
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_SPAPR_TCE_V2), ==,
                    -ENODEV);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1), ==, -ENODEV);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, 0);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, -EINVAL);
    g_assert_true(vfio_soft_from_iommu(io) == s);
    soft_free(s);
}

static void test_bad_config(void)
{
    VFIOSoftConfig c = { .pgsizes = 0x800 };
    Error *err = NULL;

    g_assert_null(vfio_soft_new(&c, &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    c = (VFIOSoftConfig) {
        .nr_iova_ranges = 2,
        .iova_ranges = { { 0, 0xffff }, { 0x8000, 0x1ffff } },
    };
    g_assert_null(vfio_soft_new(&c, &err));
    g_assert_nonnull(err);
    error_free(err);
}

/* ---- type1v2 ---- */

static void test_t1_info(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    VFIOIOMMUInfo info;

    g_assert_cmpint(vfio_iommu_info(vfio_soft_iommu(s), &info), ==, 0);
    g_assert_cmpint(info.type, ==, VFIO_IOMMU_TYPE1V2);
    g_assert_cmphex(info.pgsizes, ==, 4 * KiB | 2 * MiB | GiB);
    g_assert_cmpuint(info.nr_iova_ranges, ==, 2);
    g_assert_cmphex(info.iova_ranges[0].start, ==, 0);
    g_assert_cmphex(info.iova_ranges[0].last, ==, 0xfedfffff);
    g_assert_cmphex(info.iova_ranges[1].start, ==, 0xfef00000);
    g_assert_cmphex(info.iova_ranges[1].last, ==, 0x7fffffffff);
    g_assert_cmpuint(info.dma_avail, ==, 65535);
    g_assert_cmpint(map(s, 0, 8 * KiB, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(vfio_iommu_info(vfio_soft_iommu(s), &info), ==, 0);
    g_assert_cmpuint(info.dma_avail, ==, 65534);
    soft_free(s);
}

static void test_t1_map_readback(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    static const VFIOSoftMapping expect[] = {
        { 0x1000, 0x2000, RAM_VADDR + 0x5000, RO },
        { 0x10000, 0x1000, RAM_VADDR, RW },
    };

    g_assert_cmpint(map(s, 0x10000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x1000, 0x2000, RAM_VADDR + 0x5000, RO), ==, 0);
    assert_mappings(s, expect, 2);
    soft_free(s);
}

static void test_t1_map_perm(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);

    g_assert_cmpint(map(s, 0, 4 * KiB, RAM_VADDR, 0), ==, -EINVAL);
    g_assert_cmpint(map(s, 0, 4 * KiB, RAM_VADDR, RW | 4), ==, -EINVAL);
    g_assert_cmpint(map(s, 0, 4 * KiB, RAM_VADDR, WO), ==, 0);
    soft_free(s);
}

static void test_t1_map_align(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);

    g_assert_cmpint(map(s, 0x800, 4 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, 0, 4 * KiB, RAM_VADDR + 0x800, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, 0, 6 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, 0, 0, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpuint(nr_mappings(s), ==, 0);
    soft_free(s);
}

static void test_t1_map_wrap(void)
{
    VFIOSoftConfig c = { .nr_iova_ranges = 1,
                         .iova_ranges = { { 0, UINT64_MAX } } };
    VFIOSoftIOMMU *s = soft_new(&c, VFIO_IOMMU_TYPE1V2);

    g_assert_cmpint(map(s, UINT64_MAX - 0xfff, 0x2000, RAM_VADDR, RW), ==,
                    -EINVAL);
    g_assert_cmpint(map(s, 0, 0x2000, UINT64_MAX - 0xfff, RW), ==, -EINVAL);
    /* Ending exactly at the top does not wrap. */
    g_assert_cmpint(map(s, UINT64_MAX - 0xfff, 0x1000, RAM_VADDR, RW), ==, 0);
    soft_free(s);
}

static void test_t1_map_iova_range(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);

    /* The MSI hole, across its edge, past the 39-bit top, a DDW at 2^59. */
    g_assert_cmpint(map(s, 0xfee00000, 4 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, 0xfedff000, 8 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, 1ULL << 39, 4 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, DMA64, 4 * KiB, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, 0xfedff000, 4 * KiB, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0xfef00000, 4 * KiB, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, (1ULL << 39) - 4 * KiB, 4 * KiB, RAM_VADDR, RW),
                    ==, 0);
    g_assert_cmpuint(nr_mappings(s), ==, 3);
    soft_free(s);
}

static void test_t1_map_overlap(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);

    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, -EEXIST);
    g_assert_cmpint(map(s, 0xf000, 0x2000, RAM_VADDR, RW), ==, -EEXIST);
    g_assert_cmpint(map(s, 0x13000, 0x1000, RAM_VADDR, RW), ==, -EEXIST);
    g_assert_cmpint(map(s, 0x0, 0x100000, RAM_VADDR, RW), ==, -EEXIST);
    g_assert_cmpint(map(s, 0x14000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpuint(nr_mappings(s), ==, 2);
    soft_free(s);
}

static void test_t1_map_limit(void)
{
    VFIOSoftConfig c = { .dma_entry_limit = 3 };
    VFIOSoftIOMMU *s = soft_new(&c, VFIO_IOMMU_TYPE1V2);
    VFIOIOMMUInfo info;
    uint64_t size = 0x1000;

    for (int i = 0; i < 3; i++) {
        g_assert_cmpint(map(s, i * 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    }
    g_assert_cmpint(map(s, 0x10000, 0x1000, RAM_VADDR, RW), ==, -ENOSPC);
    g_assert_cmpint(vfio_iommu_info(vfio_soft_iommu(s), &info), ==, 0);
    g_assert_cmpuint(info.dma_avail, ==, 0);
    /* Unmapping gives the entry back. */
    g_assert_cmpint(unmap(s, 0x1000, &size), ==, 0);
    g_assert_cmpint(map(s, 0x10000, 0x1000, RAM_VADDR, RW), ==, 0);
    soft_free(s);
}

static void test_t1_map_default_limit(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);

    for (uint64_t i = 0; i < 65535; i++) {
        g_assert_cmpint(map(s, i * 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    }
    g_assert_cmpint(map(s, 65535 * 0x1000ULL, 0x1000, RAM_VADDR, RW), ==,
                    -ENOSPC);
    soft_free(s);
}

static void test_t1_map_efault(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);

    g_assert_cmpint(vfio_soft_add_host_ram(s, RAM_VADDR, 1 * MiB), ==, 0);
    g_assert_cmpint(vfio_soft_add_host_ram(s, RAM_VADDR + 2 * MiB, MiB), ==, 0);
    g_assert_cmpint(vfio_soft_add_host_ram(s, RAM_VADDR, 4 * KiB), ==,
                    -EEXIST);
    g_assert_cmpint(map(s, 0, 0x1000, RAM_VADDR - 0x1000, RW), ==, -EFAULT);
    /* Runs into the hole between the two RAM blocks. */
    g_assert_cmpint(map(s, 0, 0x2000, RAM_VADDR + MiB - 0x1000, RW), ==,
                    -EFAULT);
    g_assert_cmpint(map(s, 0, MiB, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, MiB, MiB, RAM_VADDR + 2 * MiB, RW), ==, 0);
    soft_free(s);
}

static void test_t1_map_memlock(void)
{
    VFIOSoftConfig c = { .memlock_limit = 64 * KiB };
    VFIOSoftIOMMU *s = soft_new(&c, VFIO_IOMMU_TYPE1V2);
    uint64_t size = 32 * KiB;

    g_assert_cmpint(map(s, 0, 32 * KiB, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 1 * MiB, 36 * KiB, RAM_VADDR, RW), ==, -ENOMEM);
    g_assert_cmpint(map(s, 1 * MiB, 32 * KiB, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(unmap(s, 0, &size), ==, 0);
    g_assert_cmpint(map(s, 0, 32 * KiB, RAM_VADDR, RW), ==, 0);
    soft_free(s);
}

static void test_t1_unmap_split(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    static const VFIOSoftMapping expect[] = {
        { 0x10000, 0x4000, RAM_VADDR, RW },
    };
    uint64_t size;

    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, 0);
    size = 0x1000;          /* the head of the mapping */
    g_assert_cmpint(unmap(s, 0x10000, &size), ==, -EINVAL);
    size = 0x1000;          /* the tail */
    g_assert_cmpint(unmap(s, 0x13000, &size), ==, -EINVAL);
    size = 0x2000;          /* the middle */
    g_assert_cmpint(unmap(s, 0x11000, &size), ==, -EINVAL);
    size = 0x4000;          /* one page too early: cuts the end */
    g_assert_cmpint(unmap(s, 0xf000, &size), ==, -EINVAL);
    assert_mappings(s, expect, 1);
    soft_free(s);
}

static void test_t1_unmap_whole(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    static const VFIOSoftMapping expect[] = {
        { 0x40000, 0x1000, RAM_VADDR, RW },
    };
    uint64_t size;

    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x14000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x20000, 0x2000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x40000, 0x1000, RAM_VADDR, RW), ==, 0);
    /* One large range takes three whole mappings and the holes between. */
    size = 0x30000;
    g_assert_cmpint(unmap(s, 0x0, &size), ==, 0);
    g_assert_cmphex(size, ==, 0x7000);
    assert_mappings(s, expect, 1);
    soft_free(s);
}

static void test_t1_unmap_nothing(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    uint64_t size = 0x10000;

    g_assert_cmpint(map(s, 0x40000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(unmap(s, 0x0, &size), ==, 0);
    g_assert_cmphex(size, ==, 0);
    g_assert_cmpuint(nr_mappings(s), ==, 1);
    soft_free(s);
}

static void test_t1_unmap_align(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    uint64_t size = 0x1000;

    g_assert_cmpint(map(s, 0x0, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(unmap(s, 0x800, &size), ==, -EINVAL);
    size = 0x800;
    g_assert_cmpint(unmap(s, 0x0, &size), ==, -EINVAL);
    g_assert_cmphex(size, ==, 0x800);       /* untouched on failure */
    size = 0;
    g_assert_cmpint(unmap(s, 0x0, &size), ==, -EINVAL);
    size = 0x2000;
    g_assert_cmpint(unmap(s, UINT64_MAX - 0xfff, &size), ==, -EINVAL);
    g_assert_cmpuint(nr_mappings(s), ==, 1);
    soft_free(s);
}

static void test_t1_spapr_requests(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start = 0x1234;

    g_assert_cmpint(vfio_iommu_add_window(io, 12, GiB, 1, &start), ==,
                    -ENOTTY);
    g_assert_cmphex(start, ==, 0x1234);
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, -ENOTTY);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR, 64 * KiB), ==,
                    -ENOTTY);
    /* REGISTER_MEMORY's number is type1's DIRTY_PAGES: EINVAL. */
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, 64 * KiB), ==,
                    -EINVAL);
    soft_free(s);
}

/* ---- sPAPR TCE v2 ---- */

static void assert_window(VFIOSoftIOMMU *s, guint i, uint32_t slot,
                          hwaddr start, uint64_t size, uint32_t shift)
{
    GArray *a = vfio_soft_get_windows(s);
    VFIOSoftWindow *w;

    g_assert_cmpuint(i, <, a->len);
    w = &g_array_index(a, VFIOSoftWindow, i);
    g_assert_cmpuint(w->slot, ==, slot);
    g_assert_cmphex(w->start, ==, start);
    g_assert_cmphex(w->size, ==, size);
    g_assert_cmpuint(w->page_shift, ==, shift);
    g_array_unref(a);
}

static guint nr_windows(VFIOSoftIOMMU *s)
{
    GArray *a = vfio_soft_get_windows(s);
    guint n = a->len;

    g_array_unref(a);
    return n;
}

static void test_spapr_info(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);
    VFIOIOMMUInfo info;

    g_assert_cmpint(vfio_iommu_info(vfio_soft_iommu(s), &info), ==, 0);
    g_assert_cmpint(info.type, ==, VFIO_IOMMU_SPAPR_TCE_V2);
    g_assert_cmphex(info.dma32_start, ==, 0);
    g_assert_cmphex(info.dma32_size, ==, 2 * GiB);
    g_assert_cmphex(info.pgsizes, ==, 4 * KiB | 64 * KiB | 16 * MiB |
                    256 * MiB);
    g_assert_cmpuint(info.max_windows, ==, 2);
    g_assert_cmpuint(info.max_levels, ==, 5);
    soft_free(s);
}

static void test_spapr_default_window(void)
{
    VFIOSoftIOMMU *s = spapr_new();

    /* Pending until the first map creates it in slot 0. */
    g_assert_true(vfio_soft_default_window_pending(s));
    g_assert_cmpuint(nr_windows(s), ==, 0);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_false(vfio_soft_default_window_pending(s));
    assert_window(s, 0, 0, 0, 2 * GiB, 12);
    /* 2 GiB is the end of the default window. */
    g_assert_cmpint(map(s, 2 * GiB, 0x1000, RAM_VADDR, RW), ==, -ENXIO);
    g_assert_cmpint(map(s, 2 * GiB - 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    soft_free(s);
}

static void test_spapr_default_window_remove(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start = 1;

    /* REMOVE(0) while pending only cancels the default window. */
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, 0);
    g_assert_false(vfio_soft_default_window_pending(s));
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, -ENXIO);
    /* Slot 0 is free for a window of the user's making. */
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 2, &start), ==, 0);
    g_assert_cmphex(start, ==, 0);
    assert_window(s, 0, 0, 0, GiB, 16);
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, 0);
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, -EINVAL);
    soft_free(s);
}

static void test_spapr_window_slots(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start = 0;

    /* The create instantiates the default window first: slot 1 for us. */
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 1ULL << 40, 2, &start), ==,
                    0);
    g_assert_cmphex(start, ==, DMA64);
    assert_window(s, 0, 0, 0, 2 * GiB, 12);
    assert_window(s, 1, 1, DMA64, 1ULL << 40, 16);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 2, &start), ==,
                    -ENOSPC);
    /* Remove by any address inside the window. */
    g_assert_cmpint(vfio_iommu_remove_window(io, DMA64 + 0x12345), ==, 0);
    g_assert_cmpuint(nr_windows(s), ==, 1);
    g_assert_cmpint(vfio_iommu_remove_window(io, DMA64), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 24, GiB, 1, &start), ==, 0);
    g_assert_cmphex(start, ==, DMA64);
    soft_free(s);
}

static void test_spapr_window_create_einval(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start = 7;

    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, 0);
    /* Page sizes outside 4K|64K|16M|256M. */
    g_assert_cmpint(vfio_iommu_add_window(io, 13, GiB, 1, &start), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 21, GiB, 1, &start), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 64, GiB, 1, &start), ==, -EINVAL);
    /* Levels 0 and above 5. */
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 0, &start), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 6, &start), ==, -EINVAL);
    /* Size 0, not a power of two, above the maximum, below one page. */
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 0, 1, &start), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 3 * GiB, 1, &start), ==,
                    -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 1ULL << 43, 1, &start), ==,
                    -EINVAL);
    g_assert_cmpint(vfio_iommu_add_window(io, 24, 64 * KiB, 1, &start), ==,
                    -EINVAL);
    g_assert_cmphex(start, ==, 7);
    g_assert_cmpuint(nr_windows(s), ==, 0);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 1ULL << 42, 5, &start), ==,
                    0);
    soft_free(s);
}

static void test_spapr_window_memlock(void)
{
    /* The table costs 16 bytes per page: a 1 GiB window of 64K is 256 KiB. */
    VFIOSoftConfig c = { .memlock_limit = GiB + 256 * KiB };
    VFIOSoftIOMMU *s = soft_new(&c, VFIO_IOMMU_SPAPR_TCE_V2);
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start;

    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, GiB), ==, 0);
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, 0);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 2 * GiB, 1, &start), ==,
                    -ENOMEM);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 1, &start), ==, 0);
    soft_free(s);
}

static void test_spapr_map_eperm(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);
    uint64_t size = 0x1000;

    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, -EPERM);
    g_assert_cmpint(unmap(s, 0x1000, &size), ==, -EPERM);
    /* The default window was not instantiated by the refused calls. */
    g_assert_true(vfio_soft_default_window_pending(s));
    soft_free(s);
}

static void test_spapr_map_unregistered(void)
{
    VFIOSoftIOMMU *s = spapr_new();

    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR - 0x1000, RW), ==,
                    -EINVAL);
    /* Runs past the end of the registered gigabyte. */
    g_assert_cmpint(map(s, 0x1000, 0x2000, RAM_VADDR + GiB - 0x1000, RW), ==,
                    -EINVAL);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR + GiB - 0x1000, RW), ==,
                    0);
    soft_free(s);
}

static void test_spapr_map_adjacent_regions(void)
{
    VFIOSoftIOMMU *s = spapr_new();

    g_assert_cmpint(vfio_iommu_register_memory(vfio_soft_iommu(s),
                                               RAM_VADDR + GiB, GiB), ==, 0);
    /* Each page is in one region or the other: allowed. */
    g_assert_cmpint(map(s, 0x1000, 0x2000, RAM_VADDR + GiB - 0x1000, RW), ==,
                    0);
    soft_free(s);
}

static void test_spapr_map_window(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start;

    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 1, &start), ==, 0);
    /* Between the windows, past the 64-bit one. */
    g_assert_cmpint(map(s, 4 * GiB, 0x1000, RAM_VADDR, RW), ==, -ENXIO);
    g_assert_cmpint(map(s, DMA64 + GiB, 0x10000, RAM_VADDR, RW), ==, -ENXIO);
    /* 64K window: size and vaddr in 64K pages, iova too (kernel: +1). */
    g_assert_cmpint(map(s, DMA64, 0x1000, RAM_VADDR, RW), ==, -EINVAL);
    g_assert_cmpint(map(s, DMA64, 0x10000, RAM_VADDR + 0x1000, RW), ==,
                    -EINVAL);
    g_assert_cmpint(map(s, DMA64 + 0x1000, 0x10000, RAM_VADDR, RW), ==,
                    -EINVAL);
    /* Starting inside, running past the window end. */
    g_assert_cmpint(map(s, DMA64 + GiB - 0x10000, 0x20000, RAM_VADDR, RW), ==,
                    -EINVAL);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, 0), ==, -EINVAL);
    g_assert_cmpuint(nr_mappings(s), ==, 0);
    g_assert_cmpint(map(s, DMA64 + GiB - 0x10000, 0x10000, RAM_VADDR, RW), ==,
                    0);
    /* Size 0 maps no page and succeeds. */
    g_assert_cmpint(map(s, DMA64, 0, RAM_VADDR, RW), ==, 0);
    g_assert_cmpuint(nr_mappings(s), ==, 1);
    soft_free(s);
}

static void test_spapr_map_overwrite(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    static const VFIOSoftMapping expect[] = {
        { 0x10000, 0x1000, RAM_VADDR, RW },
        { 0x11000, 0x2000, RAM_VADDR + 0x100000, RO },
        { 0x13000, 0x1000, RAM_VADDR + 0x3000, RW },
    };

    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, 0);
    /* No EEXIST on sPAPR: the middle TCEs are replaced. */
    g_assert_cmpint(map(s, 0x11000, 0x2000, RAM_VADDR + 0x100000, RO), ==, 0);
    assert_mappings(s, expect, 3);
    soft_free(s);
}

static void test_spapr_map_large_page(void)
{
    VFIOSoftConfig c = { .backing_page_shift = 24 };
    VFIOSoftIOMMU *plain = spapr_new();
    VFIOSoftIOMMU *huge = soft_new(&c, VFIO_IOMMU_SPAPR_TCE_V2);
    hwaddr start;

    /* 16M IOMMU pages over 64K host pages: refused. */
    g_assert_cmpint(vfio_iommu_add_window(vfio_soft_iommu(plain), 24, GiB, 1,
                                          &start), ==, 0);
    g_assert_cmpint(map(plain, DMA64, 16 * MiB, RAM_VADDR, RW), ==, -EINVAL);

    /* Backed by 16M pages, region aligned to them: allowed. */
    g_assert_cmpint(vfio_iommu_register_memory(vfio_soft_iommu(huge),
                                               RAM_VADDR, GiB), ==, 0);
    g_assert_cmpint(vfio_iommu_register_memory(vfio_soft_iommu(huge),
                                               RAM_VADDR + 2 * GiB,
                                               16 * MiB + 64 * KiB), ==, 0);
    g_assert_cmpint(vfio_iommu_add_window(vfio_soft_iommu(huge), 24, GiB, 1,
                                          &start), ==, 0);
    g_assert_cmpint(map(huge, DMA64, 16 * MiB, RAM_VADDR, RW), ==, 0);
    /* A region whose length is not a multiple of 16M: refused. */
    g_assert_cmpint(map(huge, DMA64 + 16 * MiB, 16 * MiB, RAM_VADDR + 2 * GiB,
                        RW), ==, -EINVAL);
    soft_free(plain);
    soft_free(huge);
}

static void test_spapr_unmap(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    static const VFIOSoftMapping expect[] = {
        { 0x10000, 0x1000, RAM_VADDR, RW },
        { 0x13000, 0x1000, RAM_VADDR + 0x3000, RW },
    };
    uint64_t size;

    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, 0);
    /* Any page range: cuts the mapping, size not written back. */
    size = 0x2000;
    g_assert_cmpint(unmap(s, 0x11000, &size), ==, 0);
    g_assert_cmphex(size, ==, 0x2000);
    assert_mappings(s, expect, 2);
    /* Unmapped pages again: fine. */
    g_assert_cmpint(unmap(s, 0x11000, &size), ==, 0);
    size = 0x800;
    g_assert_cmpint(unmap(s, 0x10000, &size), ==, -EINVAL);
    size = 0x1000;
    g_assert_cmpint(unmap(s, 0x10800, &size), ==, -EINVAL);
    g_assert_cmpint(unmap(s, 4 * GiB, &size), ==, -ENXIO);
    size = 0x2000;
    g_assert_cmpint(unmap(s, 2 * GiB - 0x1000, &size), ==, -EINVAL);
    assert_mappings(s, expect, 2);
    soft_free(s);
}

static void test_spapr_remove_clears(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOIOMMU *io = vfio_soft_iommu(s);
    static const VFIOSoftMapping expect[] = {
        { 0x1000, 0x1000, RAM_VADDR, RW },
    };
    hwaddr start;

    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 1, &start), ==, 0);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, DMA64, 0x20000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(vfio_iommu_remove_window(io, DMA64), ==, 0);
    assert_mappings(s, expect, 1);
    soft_free(s);
}

static void test_spapr_register(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);
    VFIOIOMMU *io = vfio_soft_iommu(s);
    GArray *a;

    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, MiB), ==, 0);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, MiB), ==, -EBUSY);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, 2 * MiB), ==,
                    -EINVAL);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR + 512 * KiB, MiB),
                    ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR - 64 * KiB,
                                               128 * KiB), ==, -EINVAL);
    /* Host page (64K) alignment, size 0, wrap. */
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR + 2 * MiB + 0x1000,
                                               64 * KiB), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR + 2 * MiB,
                                               4 * KiB), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR + 2 * MiB, 0),
                    ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_register_memory(io, UINT64_MAX - 0xffff,
                                               128 * KiB), ==, -EINVAL);
    /* Adjacent is fine. */
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR + MiB, MiB), ==,
                    0);
    a = vfio_soft_get_regions(s);
    g_assert_cmpuint(a->len, ==, 2);
    g_assert_cmphex(g_array_index(a, VFIOSoftRegion, 1).vaddr, ==,
                    RAM_VADDR + MiB);
    g_array_unref(a);
    soft_free(s);
}

static void test_spapr_register_efault(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);
    VFIOIOMMU *io = vfio_soft_iommu(s);
    VFIOSoftConfig c = { .memlock_limit = MiB };
    VFIOSoftIOMMU *lim = soft_new(&c, VFIO_IOMMU_SPAPR_TCE_V2);

    g_assert_cmpint(vfio_soft_add_host_ram(s, RAM_VADDR, MiB), ==, 0);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, 2 * MiB), ==,
                    -EFAULT);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, MiB), ==, 0);
    g_assert_cmpint(vfio_iommu_register_memory(vfio_soft_iommu(lim), RAM_VADDR,
                                               2 * MiB), ==, -ENOMEM);
    soft_free(s);
    soft_free(lim);
}

static void test_spapr_unregister(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);
    VFIOIOMMU *io = vfio_soft_iommu(s);

    /* No process bound yet. */
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR, MiB), ==,
                    -EPERM);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, 2 * MiB), ==, 0);
    /* Bounds must match exactly. */
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR, MiB), ==,
                    -ENOENT);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR + MiB, MiB), ==,
                    -ENOENT);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR + 0x1000,
                                                 2 * MiB), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR, 2 * MiB), ==,
                    0);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR, 2 * MiB), ==,
                    -ENOENT);
    /* Maps after the last region went: still enabled, vaddr not registered. */
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, -EINVAL);
    soft_free(s);
}

static void test_spapr_unregister_busy(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOIOMMU *io = vfio_soft_iommu(s);
    uint64_t size = 0x1000;

    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR + GiB, MiB), ==,
                    0);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR + GiB, RW), ==, 0);
    g_assert_cmpint(unmap(s, 0x1000, &size), ==, 0);
    /* Unmapped first: a clean unregister. */
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR + GiB, MiB), ==,
                    0);
    g_assert_cmpuint(vfio_soft_busy_unregisters(s), ==, 0);
    /* Still mapped: the kernel answers 0 anyway; counted. */
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, RAM_VADDR, GiB), ==, 0);
    g_assert_cmpuint(vfio_soft_busy_unregisters(s), ==, 1);
    soft_free(s);
}

/* ---- counters, faults, translation ---- */

static void test_counters(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    VFIOSoftCounters c;
    uint64_t size = 0x1000;

    g_assert_cmpint(map(s, 0, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0, 0x1000, RAM_VADDR, RW), ==, -EEXIST);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(unmap(s, 0, &size), ==, 0);
    c = vfio_soft_get_counters(s, VFIO_SOFT_OP_MAP);
    g_assert_cmpuint(c.calls, ==, 3);
    g_assert_cmpuint(c.failures, ==, 1);
    g_assert_cmpuint(c.injected, ==, 0);
    c = vfio_soft_get_counters(s, VFIO_SOFT_OP_UNMAP);
    g_assert_cmpuint(c.calls, ==, 1);
    g_assert_cmpuint(c.failures, ==, 0);
    c = vfio_soft_get_counters(s, VFIO_SOFT_OP_SETUP);
    g_assert_cmpuint(c.calls, ==, 1);
    vfio_soft_reset_counters(s);
    g_assert_cmpuint(vfio_soft_get_counters(s, VFIO_SOFT_OP_MAP).calls, ==, 0);
    g_assert_cmpstr(vfio_soft_op_name(VFIO_SOFT_OP_ADD_WINDOW), ==,
                    "add-window");
    soft_free(s);
}

static void test_fault_map(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    VFIOSoftCounters c;

    vfio_soft_inject_fault(s, VFIO_SOFT_OP_MAP, 3, ENOMEM);
    g_assert_cmpint(map(s, 0x0000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x1000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(map(s, 0x2000, 0x1000, RAM_VADDR, RW), ==, -ENOMEM);
    g_assert_cmpint(map(s, 0x2000, 0x1000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpuint(nr_mappings(s), ==, 3);
    c = vfio_soft_get_counters(s, VFIO_SOFT_OP_MAP);
    g_assert_cmpuint(c.calls, ==, 4);
    g_assert_cmpuint(c.failures, ==, 1);
    g_assert_cmpuint(c.injected, ==, 1);
    /* Cancelled before it fires. */
    vfio_soft_inject_fault(s, VFIO_SOFT_OP_MAP, 1, EIO);
    vfio_soft_inject_fault(s, VFIO_SOFT_OP_MAP, 0, 0);
    g_assert_cmpint(map(s, 0x3000, 0x1000, RAM_VADDR, RW), ==, 0);
    soft_free(s);
}

static void test_fault_unmap(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    uint64_t size = 0x1000;

    g_assert_cmpint(map(s, 0x0000, 0x1000, RAM_VADDR, RW), ==, 0);
    vfio_soft_inject_fault(s, VFIO_SOFT_OP_UNMAP, 1, EIO);
    g_assert_cmpint(unmap(s, 0, &size), ==, -EIO);
    g_assert_cmphex(size, ==, 0x1000);
    g_assert_cmpuint(nr_mappings(s), ==, 1);
    g_assert_cmpint(unmap(s, 0, &size), ==, 0);
    g_assert_cmpuint(nr_mappings(s), ==, 0);
    soft_free(s);
}

static void test_fault_window_register(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_SPAPR_TCE_V2);
    VFIOIOMMU *io = vfio_soft_iommu(s);
    hwaddr start = 5;

    vfio_soft_inject_fault(s, VFIO_SOFT_OP_REGISTER, 1, ENOMEM);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, GiB), ==,
                    -ENOMEM);
    /* Nothing registered: maps are still refused. */
    g_assert_cmpint(map(s, 0, 0x1000, RAM_VADDR, RW), ==, -EPERM);
    g_assert_cmpint(vfio_iommu_register_memory(io, RAM_VADDR, GiB), ==, 0);

    vfio_soft_inject_fault(s, VFIO_SOFT_OP_ADD_WINDOW, 2, EBUSY);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 1, &start), ==, 0);
    g_assert_cmpint(vfio_iommu_remove_window(io, DMA64), ==, 0);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 1, &start), ==, -EBUSY);
    g_assert_cmpuint(nr_windows(s), ==, 1);     /* the default one */
    g_assert_cmpuint(vfio_soft_get_counters(s, VFIO_SOFT_OP_ADD_WINDOW)
                     .injected, ==, 1);
    soft_free(s);
}

static void test_translate(void)
{
    VFIOSoftIOMMU *s = soft_new(NULL, VFIO_IOMMU_TYPE1V2);
    VFIOSoftTranslation t = { 0 };
    uint64_t size = 0x2000;

    g_assert_cmpint(map(s, 0x10000, 0x2000, RAM_VADDR + 0x8000, RO), ==, 0);
    g_assert_true(vfio_soft_translate(s, 0x10abc, RO, &t));
    g_assert_cmphex(t.vaddr, ==, RAM_VADDR + 0x8abc);
    g_assert_cmphex(t.len, ==, 0x2000 - 0xabc);
    g_assert_cmpuint(t.perm, ==, RO);
    /* Writes through a read-only mapping and unmapped IOVAs fault. */
    g_assert_false(vfio_soft_translate(s, 0x10abc, WO, &t));
    g_assert_false(vfio_soft_translate(s, 0x12000, RO, &t));
    g_assert_false(vfio_soft_translate(s, 0xf000, RO, &t));
    g_assert_cmpint(unmap(s, 0x10000, &size), ==, 0);
    g_assert_false(vfio_soft_translate(s, 0x10abc, RO, &t));
    soft_free(s);
}

static void test_translate_spapr_split(void)
{
    VFIOSoftIOMMU *s = spapr_new();
    VFIOSoftTranslation t;
    uint64_t size = 0x1000;

    g_assert_cmpint(map(s, 0x10000, 0x4000, RAM_VADDR, RW), ==, 0);
    g_assert_cmpint(unmap(s, 0x11000, &size), ==, 0);
    g_assert_false(vfio_soft_translate(s, 0x11000, RO, &t));
    g_assert_true(vfio_soft_translate(s, 0x12010, WO, &t));
    g_assert_cmphex(t.vaddr, ==, RAM_VADDR + 0x2010);
    g_assert_cmphex(t.len, ==, 0x1ff0);
    soft_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-soft/setup/errors", test_setup_errors);
    g_test_add_func("/vfio-soft/setup/bad-config", test_bad_config);

    g_test_add_func("/vfio-soft/type1v2/info", test_t1_info);
    g_test_add_func("/vfio-soft/type1v2/map/readback", test_t1_map_readback);
    g_test_add_func("/vfio-soft/type1v2/map/perm-einval", test_t1_map_perm);
    g_test_add_func("/vfio-soft/type1v2/map/align-einval", test_t1_map_align);
    g_test_add_func("/vfio-soft/type1v2/map/wrap-einval", test_t1_map_wrap);
    g_test_add_func("/vfio-soft/type1v2/map/iova-range-einval",
                    test_t1_map_iova_range);
    g_test_add_func("/vfio-soft/type1v2/map/overlap-eexist",
                    test_t1_map_overlap);
    g_test_add_func("/vfio-soft/type1v2/map/entry-limit-enospc",
                    test_t1_map_limit);
    g_test_add_func("/vfio-soft/type1v2/map/default-limit-65535",
                    test_t1_map_default_limit);
    g_test_add_func("/vfio-soft/type1v2/map/unpinnable-efault",
                    test_t1_map_efault);
    g_test_add_func("/vfio-soft/type1v2/map/memlock-enomem",
                    test_t1_map_memlock);
    g_test_add_func("/vfio-soft/type1v2/unmap/split-einval",
                    test_t1_unmap_split);
    g_test_add_func("/vfio-soft/type1v2/unmap/whole-mappings",
                    test_t1_unmap_whole);
    g_test_add_func("/vfio-soft/type1v2/unmap/nothing-size-0",
                    test_t1_unmap_nothing);
    g_test_add_func("/vfio-soft/type1v2/unmap/align-einval",
                    test_t1_unmap_align);
    g_test_add_func("/vfio-soft/type1v2/spapr-requests-enotty",
                    test_t1_spapr_requests);

    g_test_add_func("/vfio-soft/spapr/info", test_spapr_info);
    g_test_add_func("/vfio-soft/spapr/window/default-lazy",
                    test_spapr_default_window);
    g_test_add_func("/vfio-soft/spapr/window/default-remove",
                    test_spapr_default_window_remove);
    g_test_add_func("/vfio-soft/spapr/window/slots-enospc",
                    test_spapr_window_slots);
    g_test_add_func("/vfio-soft/spapr/window/create-einval",
                    test_spapr_window_create_einval);
    g_test_add_func("/vfio-soft/spapr/window/memlock-enomem",
                    test_spapr_window_memlock);
    g_test_add_func("/vfio-soft/spapr/window/remove-clears",
                    test_spapr_remove_clears);
    g_test_add_func("/vfio-soft/spapr/map/unregistered-eperm",
                    test_spapr_map_eperm);
    g_test_add_func("/vfio-soft/spapr/map/vaddr-einval",
                    test_spapr_map_unregistered);
    g_test_add_func("/vfio-soft/spapr/map/adjacent-regions",
                    test_spapr_map_adjacent_regions);
    g_test_add_func("/vfio-soft/spapr/map/window-enxio-einval",
                    test_spapr_map_window);
    g_test_add_func("/vfio-soft/spapr/map/overwrite", test_spapr_map_overwrite);
    g_test_add_func("/vfio-soft/spapr/map/large-page-einval",
                    test_spapr_map_large_page);
    g_test_add_func("/vfio-soft/spapr/unmap/any-range", test_spapr_unmap);
    g_test_add_func("/vfio-soft/spapr/register/ebusy-einval",
                    test_spapr_register);
    g_test_add_func("/vfio-soft/spapr/register/efault-enomem",
                    test_spapr_register_efault);
    g_test_add_func("/vfio-soft/spapr/unregister/enoent-eperm",
                    test_spapr_unregister);
    g_test_add_func("/vfio-soft/spapr/unregister/busy",
                    test_spapr_unregister_busy);

    g_test_add_func("/vfio-soft/counters", test_counters);
    g_test_add_func("/vfio-soft/fault/map-nth", test_fault_map);
    g_test_add_func("/vfio-soft/fault/unmap", test_fault_unmap);
    g_test_add_func("/vfio-soft/fault/window-register",
                    test_fault_window_register);
    g_test_add_func("/vfio-soft/translate/type1v2", test_translate);
    g_test_add_func("/vfio-soft/translate/spapr-split",
                    test_translate_spapr_split);
    return g_test_run();
}
