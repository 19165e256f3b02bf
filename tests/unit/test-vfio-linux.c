/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the Linux VFIO back end (hw/vfio/iommu-linux.c,
 * device-linux.c) without /dev/vfio: the ioctl seam records every request
 * and its structure, a temp dir stands for /dev/vfio and for sysfs.
 */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <ftw.h>
#include <sys/mman.h>
#include <linux/vfio.h>
#include "hw/vfio/iommu-linux.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/vfio/vfio-container.h"
#include "system/system.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* ---- the fake kernel ------------------------------------------------------ */

typedef struct Call {
    unsigned long req;
    uint8_t arg[64];        /* the structure as passed (before answering) */
    uintptr_t value;        /* integer argument / pointer */
} Call;

static struct {
    GArray *calls;              /* Call */
    unsigned long ext;          /* the one IOMMU type CHECK_EXTENSION offers */
    const uint8_t *type1_info;  /* canned GET_INFO answer */
    size_t type1_len;
    int ret;                    /* the next map / unmap answer */
    int err;
    uint64_t unmapped;          /* UNMAP_DMA writes this back */
    uint32_t group_flags;
    int device_fd;
    uint32_t dev_regions;
    bool create_at_zero;        /* TCE_CREATE answers 0, not 1 << 59 */
} fk;

static void fake_reset(void)
{
    if (fk.calls) {
        g_array_unref(fk.calls);
    }
    memset(&fk, 0, sizeof(fk));
    fk.calls = g_array_new(FALSE, TRUE, sizeof(Call));
}

static Call *last_call(void)
{
    g_assert_cmpuint(fk.calls->len, >, 0);
    return &g_array_index(fk.calls, Call, fk.calls->len - 1);
}

static int fail(int err)
{
    errno = err;
    return -1;
}

static int fake_ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    void *arg;
    Call c = { .req = req };
    int ret;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    c.value = (uintptr_t)arg;
    if (arg && req != VFIO_CHECK_EXTENSION && req != VFIO_SET_IOMMU &&
        req != VFIO_GROUP_GET_DEVICE_FD) {
        memcpy(c.arg, arg, MIN(sizeof(c.arg), *(uint32_t *)arg));
    }
    if (req == VFIO_GROUP_SET_CONTAINER) {
        memcpy(c.arg, arg, sizeof(int));
    }
    if (req == VFIO_GROUP_GET_DEVICE_FD) {
        g_strlcpy((char *)c.arg, arg, sizeof(c.arg));
    }
    g_array_append_val(fk.calls, c);

    switch (req) {
    case VFIO_GET_API_VERSION:
        return VFIO_API_VERSION;
    case VFIO_CHECK_EXTENSION:
        return (uintptr_t)arg == fk.ext;
    case VFIO_SET_IOMMU:
        return 0;
    case VFIO_IOMMU_GET_INFO:
        if (fk.ext == VFIO_TYPE1v2_IOMMU) {
            struct vfio_iommu_type1_info *i = arg;

            if (i->argsz < fk.type1_len) {
                memcpy(i, fk.type1_info, sizeof(*i));
                i->argsz = fk.type1_len;
                i->cap_offset = 0;
                return 0;
            }
            memcpy(i, fk.type1_info, fk.type1_len);
            i->argsz = fk.type1_len;
            return 0;
        } else {
            struct vfio_iommu_spapr_tce_info *i = arg;

            i->flags = VFIO_IOMMU_SPAPR_INFO_DDW;
            i->dma32_window_start = 0;
            i->dma32_window_size = 2 * GiB;
            i->ddw.pgsizes = 4 * KiB | 64 * KiB | 16 * MiB;
            i->ddw.max_dynamic_windows_supported = 2;
            i->ddw.levels = 5;
            return 0;
        }
    case VFIO_IOMMU_SPAPR_TCE_CREATE:
        ((struct vfio_iommu_spapr_tce_create *)arg)->start_addr =
            fk.create_at_zero ? 0 : 1ULL << 59;
        return 0;
    case VFIO_IOMMU_MAP_DMA:
    case VFIO_IOMMU_UNMAP_DMA:
        if (req == VFIO_IOMMU_UNMAP_DMA) {
            ((struct vfio_iommu_type1_dma_unmap *)arg)->size = fk.unmapped;
        }
        ret = fk.ret;
        fk.ret = 0;
        return ret < 0 ? fail(fk.err) : ret;
    case VFIO_GROUP_GET_STATUS:
        ((struct vfio_group_status *)arg)->flags = fk.group_flags;
        return 0;
    case VFIO_GROUP_SET_CONTAINER:
        return fk.ret < 0 ? fail(fk.err) : 0;
    case VFIO_GROUP_GET_DEVICE_FD:
        return fk.device_fd;
    case VFIO_DEVICE_GET_INFO: {
        struct vfio_device_info *i = arg;

        i->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
        i->num_regions = fk.dev_regions;
        i->num_irqs = 5;
        return 0;
    }
    case VFIO_DEVICE_GET_REGION_INFO: {
        struct vfio_region_info *r = arg;

        r->offset = r->index * 0x10000ULL;
        r->size = 0;
        r->flags = 0;
        if (r->index == VFIO_PCI_BAR0_REGION_INDEX) {
            r->size = 0x2000;
            r->flags = VFIO_REGION_INFO_FLAG_READ |
                       VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;
        } else if (r->index == VFIO_PCI_CONFIG_REGION_INDEX) {
            r->size = 256;
            r->flags = VFIO_REGION_INFO_FLAG_READ |
                       VFIO_REGION_INFO_FLAG_WRITE;
        }
        return 0;
    }
    case VFIO_DEVICE_RESET:
    case VFIO_IOMMU_SPAPR_TCE_REMOVE:
    case VFIO_IOMMU_SPAPR_REGISTER_MEMORY:
    case VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY:
    case VFIO_GROUP_UNSET_CONTAINER:
        return 0;
    }
    return fail(ENOTTY);
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    return remove(p);
}

/* Remove a temp tree the test made. */
static void rm_rf(const char *dir)
{
    g_assert_cmpint(nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS), ==, 0);
}

static int devnull(void)
{
    int fd = open("/dev/null", O_RDWR);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

/* ---- return values -------------------------------------------------------- */

static void test_ret(void)
{
    g_assert_cmpint(vfio_linux_ret(0, 0), ==, 0);
    g_assert_cmpint(vfio_linux_ret(-1, EPERM), ==, -EPERM);
    g_assert_cmpint(vfio_linux_ret(-1, 0), ==, -EIO);
    g_assert_cmpint(vfio_linux_ret(1, 0), ==, -EINVAL);   /* sPAPR's +1 */
    g_assert_cmpint(vfio_linux_ret(7, EBUSY), ==, -EINVAL);
}

/* ---- the type1 GET_INFO chain -------------------------------------------- */

/* What a type1v2 container in an x86 guest answers (linux-interfaces §4.8). */
static size_t build_type1_info(uint8_t *b, size_t cap)
{
    struct vfio_iommu_type1_info h = {
        .flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
        .iova_pgsizes = 4 * KiB | 2 * MiB | GiB,
        .cap_offset = 24,
    };
    struct vfio_iommu_type1_info_cap_iova_range r = {
        .header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1,
                    .next = 24 + 16 + 2 * 16 },
        .nr_iovas = 2,
    };
    struct vfio_iova_range ranges[2] = {
        { 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffffULL },
    };
    struct vfio_iommu_type1_info_dma_avail a = {
        .header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
        .avail = 65535,
    };
    size_t len = 72 + sizeof(a);

    g_assert_cmpuint(sizeof(h), ==, 24);
    g_assert_cmpuint(sizeof(r), ==, 16);
    g_assert_cmpuint(cap, >=, len);
    memset(b, 0, cap);
    h.argsz = len;
    memcpy(b, &h, sizeof(h));
    memcpy(b + 24, &r, sizeof(r));
    memcpy(b + 40, ranges, sizeof(ranges));
    memcpy(b + 72, &a, sizeof(a));
    return len;
}

static void test_parse_info(void)
{
    uint8_t b[128];
    size_t len = build_type1_info(b, sizeof(b));
    VFIOIOMMUInfo info;
    struct vfio_info_cap_header *ch;

    g_assert_cmpint(vfio_linux_parse_type1_info(b, len, &info), ==, 0);
    g_assert_cmpint(info.type, ==, VFIO_IOMMU_TYPE1V2);
    g_assert_cmphex(info.pgsizes, ==, 4 * KiB | 2 * MiB | GiB);
    g_assert_cmpuint(info.nr_iova_ranges, ==, 2);
    g_assert_cmphex(info.iova_ranges[0].start, ==, 0);
    g_assert_cmphex(info.iova_ranges[0].last, ==, 0xfedfffff);
    g_assert_cmphex(info.iova_ranges[1].start, ==, 0xfef00000);
    g_assert_cmphex(info.iova_ranges[1].last, ==, 0x7fffffffffULL);
    g_assert_cmpuint(info.dma_avail, ==, 65535);

    /* cut short: the DMA_AVAIL capability lies outside */
    g_assert_cmpint(vfio_linux_parse_type1_info(b, len - 1, &info), ==,
                    -EINVAL);
    g_assert_cmpint(vfio_linux_parse_type1_info(b, 16, &info), ==, -EINVAL);

    /* an unknown capability is skipped */
    ch = (struct vfio_info_cap_header *)(b + 24);
    ch->id = 99;
    g_assert_cmpint(vfio_linux_parse_type1_info(b, len, &info), ==, 0);
    g_assert_cmpuint(info.nr_iova_ranges, ==, 1);   /* none reported: all */
    g_assert_cmphex(info.iova_ranges[0].last, ==, UINT64_MAX);
    g_assert_cmpuint(info.dma_avail, ==, 65535);

    /* a chain that loops back */
    len = build_type1_info(b, sizeof(b));
    ((struct vfio_info_cap_header *)(b + 72))->next = 24;
    g_assert_cmpint(vfio_linux_parse_type1_info(b, len, &info), ==, -EINVAL);

    /* more ranges than the model keeps */
    len = build_type1_info(b, sizeof(b));
    ((struct vfio_iommu_type1_info_cap_iova_range *)(b + 24))->nr_iovas = 17;
    g_assert_cmpint(vfio_linux_parse_type1_info(b, len, &info), ==, -E2BIG);

    /* no capabilities at all */
    len = build_type1_info(b, sizeof(b));
    ((struct vfio_iommu_type1_info *)b)->flags = VFIO_IOMMU_INFO_PGSIZES;
    g_assert_cmpint(vfio_linux_parse_type1_info(b, len, &info), ==, 0);
    g_assert_cmpuint(info.nr_iova_ranges, ==, 1);
    g_assert_cmpuint(info.dma_avail, ==, UINT32_MAX);
}

/* ---- container requests --------------------------------------------------- */

static void test_type1v2(void)
{
    uint8_t canned[128];
    VFIOIOMMU *io;
    VFIOIOMMUInfo info;
    hwaddr start;
    uint64_t size;
    Call *c;

    fake_reset();
    fk.ext = VFIO_TYPE1v2_IOMMU;
    fk.type1_len = build_type1_info(canned, sizeof(canned));
    fk.type1_info = canned;
    io = vfio_linux_iommu_new(devnull(), fake_ioctl, &error_abort);
    g_assert_cmpuint(last_call()->req, ==, VFIO_GET_API_VERSION);

    /* sPAPR offered by nobody: asked, never set */
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_SPAPR_TCE_V2), ==,
                    -ENODEV);
    g_assert_cmpuint(last_call()->req, ==, VFIO_CHECK_EXTENSION);
    g_assert_cmpuint(last_call()->value, ==, VFIO_SPAPR_TCE_v2_IOMMU);
    g_assert_cmpint(vfio_iommu_info(io, &info), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, 0);
    c = &g_array_index(fk.calls, Call, fk.calls->len - 2);
    g_assert_cmpuint(c->req, ==, VFIO_CHECK_EXTENSION);
    g_assert_cmpuint(c->value, ==, VFIO_TYPE1v2_IOMMU);
    g_assert_cmpuint(last_call()->req, ==, VFIO_SET_IOMMU);
    g_assert_cmpuint(last_call()->value, ==, VFIO_TYPE1v2_IOMMU);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, -EINVAL);

    /* GET_INFO: once with the bare struct, again with what the chain needs */
    fk.calls->len = 0;
    g_assert_cmpint(vfio_iommu_info(io, &info), ==, 0);
    g_assert_cmpuint(fk.calls->len, ==, 2);
    g_assert_cmpuint(*(uint32_t *)g_array_index(fk.calls, Call, 0).arg, ==,
                     sizeof(struct vfio_iommu_type1_info));
    g_assert_cmpuint(*(uint32_t *)g_array_index(fk.calls, Call, 1).arg, ==,
                     fk.type1_len);
    g_assert_cmpuint(info.nr_iova_ranges, ==, 2);
    g_assert_cmphex(info.iova_ranges[1].start, ==, 0xfef00000);
    g_assert_cmpuint(info.dma_avail, ==, 65535);

    /* MAP_DMA: argsz and flags exactly */
    g_assert_cmpint(vfio_iommu_map(io, 0x100000, 0x3000, 0x7f0000001000ULL,
                                   VFIO_IOMMU_PERM_RW), ==, 0);
    {
        struct vfio_iommu_type1_dma_map m;

        memcpy(&m, last_call()->arg, sizeof(m));
        g_assert_cmpuint(last_call()->req, ==, VFIO_IOMMU_MAP_DMA);
        g_assert_cmpuint(m.argsz, ==, 32);
        g_assert_cmpuint(m.flags, ==, VFIO_DMA_MAP_FLAG_READ |
                                      VFIO_DMA_MAP_FLAG_WRITE);
        g_assert_cmphex(m.vaddr, ==, 0x7f0000001000ULL);
        g_assert_cmphex(m.iova, ==, 0x100000);
        g_assert_cmphex(m.size, ==, 0x3000);
    }
    g_assert_cmpint(vfio_iommu_map(io, 0, 0x1000, 0x1000,
                                   VFIO_IOMMU_PERM_READ), ==, 0);
    g_assert_cmpuint(((struct vfio_iommu_type1_dma_map *)last_call()->arg)
                     ->flags, ==, VFIO_DMA_MAP_FLAG_READ);
    fk.ret = -1;
    fk.err = EEXIST;
    g_assert_cmpint(vfio_iommu_map(io, 0, 0x1000, 0x1000,
                                   VFIO_IOMMU_PERM_READ), ==, -EEXIST);

    /* UNMAP_DMA: the size written back is returned */
    fk.unmapped = 0x2000;
    size = 0x10000;
    g_assert_cmpint(vfio_iommu_unmap(io, 0x100000, &size), ==, 0);
    {
        struct vfio_iommu_type1_dma_unmap u;

        memcpy(&u, last_call()->arg, sizeof(u));
        g_assert_cmpuint(u.argsz, ==, 24);
        g_assert_cmpuint(u.flags, ==, 0);
        g_assert_cmphex(u.iova, ==, 0x100000);
        g_assert_cmphex(u.size, ==, 0x10000);
    }
    g_assert_cmphex(size, ==, 0x2000);

    /* sPAPR requests never reach a type1 container (number aliasing) */
    fk.calls->len = 0;
    g_assert_cmpint(vfio_iommu_register_memory(io, 0, 64 * KiB), ==, -EINVAL);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, 0, 64 * KiB), ==,
                    -ENOTTY);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, GiB, 1, &start), ==,
                    -ENOTTY);
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, -ENOTTY);
    g_assert_cmpuint(fk.calls->len, ==, 0);
    vfio_iommu_release(io);
}

/* Which of the @n pages at @p are resident (mincore), as "1010...". */
static char *resident(void *p, unsigned n)
{
    unsigned char vec[8];
    char *r = g_malloc0(n + 1);

    g_assert_cmpuint(n, <=, sizeof(vec));
    g_assert_cmpint(mincore(p, n * (size_t)sysconf(_SC_PAGESIZE), vec), ==, 0);
    for (unsigned i = 0; i < n; i++) {
        r[i] = vec[i] & 1 ? '1' : '0';
    }
    return r;
}

/*
 * A read-only type1 map first faults its range in writable: type1 pins a
 * read-only range without FOLL_WRITE, and a page the guest never wrote
 * would be pinned as the shared zero page, never seeing the guest's later
 * writes.  A writable map leaves that to the kernel's pinning.
 */
static void test_type1v2_read_only_populated(void)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    uint8_t *ram = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_autofree char *before = NULL, *after = NULL;
    VFIOIOMMU *io;

    g_assert_true(ram != MAP_FAILED);
    if (madvise(ram + 3 * ps, ps, MADV_POPULATE_WRITE) < 0) {
        g_test_skip("no MADV_POPULATE_WRITE on this kernel (5.14)");
        munmap(ram, 4 * ps);
        return;
    }
    before = resident(ram, 4);
    g_assert_cmpstr(before, ==, "0001");
    fake_reset();
    fk.ext = VFIO_TYPE1v2_IOMMU;
    io = vfio_linux_iommu_new(devnull(), fake_ioctl, &error_abort);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, 0);
    g_assert_cmpint(vfio_iommu_map(io, 0, 2 * ps, (uintptr_t)ram,
                                   VFIO_IOMMU_PERM_READ), ==, 0);
    g_assert_cmpuint(last_call()->req, ==, VFIO_IOMMU_MAP_DMA);
    g_assert_cmpint(vfio_iommu_map(io, 2 * ps, ps, (uintptr_t)ram + 2 * ps,
                                   VFIO_IOMMU_PERM_WRITE), ==, 0);
    after = resident(ram, 4);
    g_assert_cmpstr(after, ==, "1101");
    vfio_iommu_release(io);
    munmap(ram, 4 * ps);
}

static void test_spapr_v2(void)
{
    VFIOIOMMU *io;
    VFIOIOMMUInfo info;
    hwaddr start = 0;
    uint64_t size;

    fake_reset();
    fk.ext = VFIO_SPAPR_TCE_v2_IOMMU;
    io = vfio_linux_iommu_new(devnull(), fake_ioctl, &error_abort);
    /* the container tries type1v2 first */
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_TYPE1V2), ==, -ENODEV);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_SPAPR_TCE_V2), ==, 0);
    g_assert_cmpuint(last_call()->value, ==, VFIO_SPAPR_TCE_v2_IOMMU);

    g_assert_cmpint(vfio_iommu_info(io, &info), ==, 0);
    g_assert_cmpuint(last_call()->req, ==, VFIO_IOMMU_SPAPR_TCE_GET_INFO);
    g_assert_cmpuint(*(uint32_t *)last_call()->arg, ==, 32);  /* with ddw */
    g_assert_cmphex(info.dma32_start, ==, 0);
    g_assert_cmphex(info.dma32_size, ==, 2 * GiB);
    g_assert_cmphex(info.pgsizes, ==, 4 * KiB | 64 * KiB | 16 * MiB);
    g_assert_cmpuint(info.max_windows, ==, 2);
    g_assert_cmpuint(info.max_levels, ==, 5);

    /* the default window goes first (as the container does at setup) */
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, 0);
    {
        struct vfio_iommu_spapr_tce_remove r;

        memcpy(&r, last_call()->arg, sizeof(r));
        g_assert_cmpuint(last_call()->req, ==, VFIO_IOMMU_SPAPR_TCE_REMOVE);
        g_assert_cmpuint(r.argsz, ==, 16);
        g_assert_cmpuint(r.flags, ==, 0);
        g_assert_cmphex(r.start_addr, ==, 0);
    }
    g_assert_cmpint(vfio_iommu_register_memory(io, 0x7f0000000000ULL, GiB),
                    ==, 0);
    {
        struct vfio_iommu_spapr_register_memory r;

        memcpy(&r, last_call()->arg, sizeof(r));
        g_assert_cmpuint(last_call()->req, ==,
                         VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
        g_assert_cmpuint(r.argsz, ==, 24);
        g_assert_cmpuint(r.flags, ==, 0);
        g_assert_cmphex(r.vaddr, ==, 0x7f0000000000ULL);
        g_assert_cmphex(r.size, ==, GiB);
    }
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 4 * GiB, 2, &start), ==, 0);
    {
        struct vfio_iommu_spapr_tce_create cr;

        memcpy(&cr, last_call()->arg, sizeof(cr));
        g_assert_cmpuint(cr.argsz, ==, 40);
        g_assert_cmpuint(cr.flags, ==, 0);
        g_assert_cmpuint(cr.page_shift, ==, 16);
        g_assert_cmphex(cr.window_size, ==, 4 * GiB);
        g_assert_cmpuint(cr.levels, ==, 2);
    }
    g_assert_cmphex(start, ==, 1ULL << 59);     /* the kernel's choice */

    /* a misaligned IOVA: the kernel returns +1 */
    fk.ret = 1;
    g_assert_cmpint(vfio_iommu_map(io, (1ULL << 59) + 0x1000, 64 * KiB,
                                   0x7f0000000000ULL, VFIO_IOMMU_PERM_RW),
                    ==, -EINVAL);
    fk.ret = 1;
    size = 64 * KiB;
    g_assert_cmpint(vfio_iommu_unmap(io, (1ULL << 59) + 0x1000, &size), ==,
                    -EINVAL);
    fk.ret = -1;
    fk.err = ENXIO;
    g_assert_cmpint(vfio_iommu_map(io, 4 * GiB, 64 * KiB, 0x7f0000000000ULL,
                                   VFIO_IOMMU_PERM_RW), ==, -ENXIO);
    /* sPAPR does not write the size back: whatever is there is ignored */
    fk.unmapped = 0;
    size = 64 * KiB;
    g_assert_cmpint(vfio_iommu_unmap(io, 1ULL << 59, &size), ==, 0);
    g_assert_cmphex(size, ==, 64 * KiB);
    g_assert_cmpint(vfio_iommu_unregister_memory(io, 0x7f0000000000ULL, GiB),
                    ==, 0);
    g_assert_cmpuint(last_call()->req, ==, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY);
    vfio_iommu_release(io);
}

/* ---- groups --------------------------------------------------------------- */

static char *make_dev_dir(const char *tmp, const char *const *files)
{
    char *dir = g_build_filename(tmp, "dev-vfio", NULL);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    for (; *files; files++) {
        g_autofree char *p = g_build_filename(dir, *files, NULL);

        g_assert_true(g_file_set_contents(p, "", 0, NULL));
    }
    return dir;
}

static void test_groups(void)
{
    static const char *const files[] = { "vfio", "5", NULL };
    g_autofree char *tmp = g_dir_make_tmp("vfio-linux-XXXXXX", NULL);
    g_autofree char *dir = make_dev_dir(tmp, files);
    g_autofree char *nodir = g_build_filename(tmp, "nothing", NULL);
    VFIOLinuxHost *h = vfio_linux_host_new(nodir, fake_ioctl);
    const char *who = "vfio-pci: host=0000:01:00.0";
    Error *err = NULL;
    VFIOIOMMU *io;
    VFIODevice *dev;
    char *msg;
    int cfd;

    fake_reset();
    fk.ext = VFIO_TYPE1v2_IOMMU;
    g_assert_false(vfio_linux_group_open(h, 5, who, &err));
    msg = g_strdup_printf("vfio-pci: host=0000:01:00.0: %s does not exist "
                          "(no VFIO driver on this host: load vfio-pci)",
                          nodir);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_free(msg);
    g_clear_pointer(&err, error_free);
    vfio_linux_host_free(h);

    h = vfio_linux_host_new(dir, fake_ioctl);
    g_assert_false(vfio_linux_group_open(h, 7, who, &err));
    msg = g_strdup_printf("vfio-pci: host=0000:01:00.0: %s/7: no such group",
                          dir);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_free(msg);
    g_clear_pointer(&err, error_free);

    fk.group_flags = VFIO_GROUP_FLAGS_CONTAINER_SET;    /* not viable */
    g_assert_false(vfio_linux_group_open(h, 5, who, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio-pci: host=0000:01:00.0: group 5 is not viable (are "
                    "all its devices bound to vfio-pci?)");
    g_clear_pointer(&err, error_free);
    g_assert_cmpuint(*(uint32_t *)last_call()->arg, ==,
                     sizeof(struct vfio_group_status));
    g_assert_cmpint(vfio_linux_group_fd(h, 5), ==, -1);

    fk.group_flags = VFIO_GROUP_FLAGS_VIABLE;
    g_assert_true(vfio_linux_group_open(h, 5, who, &error_abort));
    g_assert_true(vfio_linux_group_open(h, 5, who, &error_abort)); /* ref */
    g_assert_cmpint(vfio_linux_group_fd(h, 5), >=, 0);

    /* the container: /dev/vfio/vfio; SET_CONTAINER passes its fd */
    io = vfio_linux_host_ops.open_iommu(h, &error_abort);
    cfd = vfio_linux_iommu_fd(io);
    g_assert_cmpint(vfio_linux_host_ops.set_container(h, 5, io), ==, 0);
    g_assert_cmpuint(last_call()->req, ==, VFIO_GROUP_SET_CONTAINER);
    g_assert_cmpint(*(int *)last_call()->arg, ==, cfd);
    fk.ret = -1;
    fk.err = EPERM;                 /* sPAPR: other table ops */
    g_assert_cmpint(vfio_linux_host_ops.set_container(h, 5, io), ==, -EPERM);
    fk.ret = 0;

    /* the device fd, by name */
    fk.device_fd = devnull();
    dev = vfio_linux_group_get_device(h, 5, "0000:01:00.0", who,
                                      &error_abort);
    g_assert_cmpuint(last_call()->req, ==, VFIO_GROUP_GET_DEVICE_FD);
    g_assert_cmpstr((char *)last_call()->arg, ==, "0000:01:00.0");
    vfio_device_release(dev);
    fk.device_fd = -1;
    errno = 0;
    g_assert_null(vfio_linux_group_get_device(h, 5, "0000:01:00.1", who,
                                              &err));
    g_clear_pointer(&err, error_free);

    vfio_linux_host_ops.unset_container(h, 5, io);
    g_assert_cmpuint(last_call()->req, ==, VFIO_GROUP_UNSET_CONTAINER);
    vfio_iommu_release(io);
    vfio_linux_group_close(h, 5);
    g_assert_cmpint(vfio_linux_group_fd(h, 5), >=, 0);
    vfio_linux_group_close(h, 5);
    g_assert_cmpint(vfio_linux_group_fd(h, 5), ==, -1);
    vfio_linux_host_free(h);
    rm_rf(tmp);
}

/* ---- sysfs ---------------------------------------------------------------- */

/* root/bus/pci/devices/NAME with iommu_group and driver links (or not). */
static void fake_device(const char *root, const char *name, const char *group,
                        const char *driver)
{
    g_autofree char *dir = g_build_filename(root, "bus/pci/devices", name,
                                            NULL);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    if (group) {
        g_autofree char *l = g_build_filename(dir, "iommu_group", NULL);
        g_autofree char *t = g_strdup_printf("../../../../kernel/iommu_groups/%s",
                                             group);

        g_assert_cmpint(symlink(t, l), ==, 0);
    }
    if (driver) {
        g_autofree char *l = g_build_filename(dir, "driver", NULL);
        g_autofree char *t = g_strdup_printf("../../../../bus/pci/drivers/%s",
                                             driver);

        g_assert_cmpint(symlink(t, l), ==, 0);
    }
}

static void expect_resolve_error(const char *host, const char *sysfsdev,
                                 const char *msg)
{
    g_autofree char *who = g_strdup_printf("vfio-pci: %s=%s",
                                           host ? "host" : "sysfsdev",
                                           host ? host : sysfsdev);
    g_autofree char *expected = g_strdup_printf("%s: %s", who, msg);
    char *name = NULL;
    int group = -1;
    Error *err = NULL;

    g_assert_false(vfio_linux_resolve(host, sysfsdev, who, &name, &group,
                                      &err));
    g_assert_cmpstr(error_get_pretty(err), ==, expected);
    g_assert_null(name);
    error_free(err);
}

static void test_sysfs(void)
{
    g_autofree char *root = g_dir_make_tmp("vfio-sysfs-XXXXXX", NULL);
    g_autofree char *missing = NULL;
    g_autofree char *sysdir = NULL;
    char *name = NULL;
    int group = -1;

    fake_device(root, "0000:01:00.0", "12", "vfio-pci");
    fake_device(root, "0000:02:00.0", "13", "e1000e");
    fake_device(root, "0000:03:00.0", "14", NULL);
    fake_device(root, "0000:04:00.0", NULL, "vfio-pci");
    fake_device(root, "0001:0a:1f.7", "3", "vfio-pci");
    vfio_linux_set_sysfs_root(root);

    g_assert_true(vfio_linux_resolve("0000:01:00.0", NULL, "w", &name, &group,
                                     &error_abort));
    g_assert_cmpstr(name, ==, "0000:01:00.0");
    g_assert_cmpint(group, ==, 12);
    g_free(name);
    g_assert_true(vfio_linux_resolve("01:00.0", NULL, "w", &name, &group,
                                     &error_abort));           /* short form */
    g_assert_cmpstr(name, ==, "0000:01:00.0");
    g_free(name);
    g_assert_true(vfio_linux_resolve("0001:0A:1F.7", NULL, "w", &name, &group,
                                     &error_abort));           /* case */
    g_assert_cmpstr(name, ==, "0001:0a:1f.7");
    g_assert_cmpint(group, ==, 3);
    g_free(name);
    sysdir = g_build_filename(root, "bus/pci/devices/0000:01:00.0/", NULL);
    g_assert_true(vfio_linux_resolve(NULL, sysdir, "w", &name, &group,
                                     &error_abort));
    g_assert_cmpstr(name, ==, "0000:01:00.0");
    g_assert_cmpint(group, ==, 12);
    g_free(name);

    expect_resolve_error("1:0.0", NULL,
                         "not a PCI address (DDDD:BB:DD.F or BB:DD.F)");
    expect_resolve_error("0000:01:20.0", NULL,
                         "not a PCI address (DDDD:BB:DD.F or BB:DD.F)");
    expect_resolve_error("0000:01:00.8", NULL,
                         "not a PCI address (DDDD:BB:DD.F or BB:DD.F)");
    expect_resolve_error("0000:01:00.0x", NULL,
                         "not a PCI address (DDDD:BB:DD.F or BB:DD.F)");
    missing = g_strdup_printf("no such device (%s/bus/pci/devices/"
                              "0000:05:00.0 does not exist)", root);
    expect_resolve_error("0000:05:00.0", NULL, missing);
    expect_resolve_error("0000:02:00.0", NULL,
                         "the device is bound to e1000e, not vfio-pci");
    expect_resolve_error("0000:03:00.0", NULL,
                         "the device is bound to no driver; bind it to "
                         "vfio-pci");
    expect_resolve_error("0000:04:00.0", NULL,
                         "the device has no IOMMU group (no IOMMU enabled "
                         "on this host?)");
    vfio_linux_set_sysfs_root(NULL);
    rm_rf(root);
}

/* ---- devices -------------------------------------------------------------- */

static void test_device(void)
{
    g_autofree char *tmp = g_dir_make_tmp("vfio-dev-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(tmp, "fd", NULL);
    uint8_t cfg[256] = { 0x34, 0x12, 0xe8, 0x11 };
    VFIODeviceInfo di;
    VFIORegionInfo ri;
    VFIODevice *dev;
    uint32_t v = 0;
    void *map = NULL;
    int fd;

    fake_reset();
    fk.dev_regions = 9;
    fd = open(path, O_RDWR | O_CREAT, 0600);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 8 * 0x10000), ==, 0);
    g_assert_cmpint(pwrite(fd, cfg, sizeof(cfg), 7 * 0x10000), ==, 256);
    dev = vfio_linux_device_new(fd, fake_ioctl);

    g_assert_cmpint(vfio_device_get_info(dev, &di), ==, 0);
    g_assert_cmpuint(last_call()->req, ==, VFIO_DEVICE_GET_INFO);
    g_assert_cmpuint(*(uint32_t *)last_call()->arg, ==,
                     sizeof(struct vfio_device_info));
    g_assert_cmpuint(di.num_regions, ==, 9);
    g_assert_cmpint(vfio_device_region_info(dev, 9, &ri), ==, -EINVAL);
    g_assert_cmpint(vfio_device_region_info(dev, 7, &ri), ==, 0);
    {
        struct vfio_region_info r;

        memcpy(&r, last_call()->arg, sizeof(r));
        g_assert_cmpuint(r.argsz, ==, sizeof(r));
        g_assert_cmpuint(r.index, ==, 7);
    }
    g_assert_cmphex(ri.offset, ==, 7 * 0x10000);
    g_assert_cmpuint(ri.size, ==, 256);

    /* config reads are preads at the region's offset */
    g_assert_cmpint(vfio_device_region_read(dev, 7, 0, &v, 4), ==, 4);
    g_assert_cmphex(GUINT32_FROM_LE(v), ==, 0x11e81234);
    /* a region the device lacks, or without the flag */
    g_assert_cmpint(vfio_device_region_read(dev, 2, 0, &v, 4), ==, -EINVAL);
    g_assert_cmpint(vfio_device_region_mmap(dev, 7, 0, 4096, &map), ==,
                    -EINVAL);

    /* BAR0: written through pwrite, seen through the mapping */
    v = GUINT32_TO_LE(0xcafef00d);
    g_assert_cmpint(vfio_device_region_write(dev, 0, 0x10, &v, 4), ==, 4);
    g_assert_cmpint(vfio_device_region_mmap(dev, 0, 0x100, 4096, &map), ==,
                    -EINVAL);                       /* not page aligned */
    g_assert_cmpint(vfio_device_region_mmap(dev, 0, 0, 0x4000, &map), ==,
                    -EINVAL);                       /* beyond the region */
    g_assert_cmpint(vfio_device_region_mmap(dev, 0, 0, 0x2000, &map), ==, 0);
    g_assert_cmphex(GUINT32_FROM_LE(*(uint32_t *)((uint8_t *)map + 0x10)),
                    ==, 0xcafef00d);
    vfio_device_region_munmap(dev, map, 0x2000);

    g_assert_cmpint(vfio_device_reset(dev), ==, 0);
    g_assert_cmpuint(last_call()->req, ==, VFIO_DEVICE_RESET);
    vfio_device_release(dev);
    rm_rf(tmp);
}

/* ---- hostile TCEs: every MAP_DMA stays inside the guest RAM block ------- */

static VFIOIOMMU *hostile_open(void *opaque, Error **errp)
{
    return vfio_linux_iommu_new(devnull(), fake_ioctl, errp);
}

static int hostile_set_container(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    return 0;
}

static const VFIOHostOps hostile_host_ops = {
    .name = "linux-fake",
    .open_iommu = hostile_open,
    .set_container = hostile_set_container,
};

static target_ulong hcall(SpaprMachineState *spapr, target_ulong op,
                          uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };

    return spapr_hypercall(spapr, op, args);
}

/*
 * The machine (1 GiB of RAM), a group on the default PHB over the Linux
 * back end with the fake kernel, then TCEs at MMIO, at the PHB's windows,
 * past the end of RAM, and TCE lists outside RAM: H_PARAMETER each, and
 * the only MAP_DMA (type1v2) / REGISTER_MEMORY (sPAPR v2) requests the
 * kernel sees are for the one valid TCE / guest RAM, inside the RAM block.
 */
static void test_hostile_tces(gconstpointer data)
{
    bool type1 = GPOINTER_TO_UINT(data);
    static const uint64_t bad[] = {
        GiB, GiB + 4 * KiB, 2 * GiB, 1ULL << 45, (1ULL << 45) + 2 * GiB,
        0x40000000000ULL, 0xfffffffffffff000ULL,
    };
    uint8_t canned[128];
    SpaprMachineState *spapr;
    SpaprPhbState *phb;
    VFIOGroup *group;
    uint64_t ram, maps = 0, regs = 0;

    fake_reset();
    fk.ext = type1 ? VFIO_TYPE1v2_IOMMU : VFIO_SPAPR_TCE_v2_IOMMU;
    fk.type1_len = build_type1_info(canned, sizeof(canned));
    fk.type1_info = canned;
    fk.create_at_zero = true;      /* the default window, where the guest's is */
    memory_map_init();
    g_assert_true(system_create_machine("pseries", GiB, &error_abort));
    spapr = spapr_machine();
    phb = spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);
    spapr_phb_dma_reset(phb);
    ram = (uintptr_t)memory_region_get_ram_ptr(&spapr->ram);
    group = vfio_group_get(1, &phb->iommu_as, &hostile_host_ops, NULL,
                           &error_abort);

    g_assert_cmpint(hcall(spapr, H_PUT_TCE, 0x80000000, 0, (GiB - 4 * KiB) | 3,
                          0), ==, H_SUCCESS);
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        for (uint64_t perm = 1; perm <= 3; perm++) {
            g_assert_cmpint(hcall(spapr, H_PUT_TCE, 0x80000000, 0x1000,
                                  bad[i] | perm, 0), ==, H_PARAMETER);
            g_assert_cmpint(hcall(spapr, H_STUFF_TCE, 0x80000000, 0x1000,
                                  bad[i] | perm, 4), ==, H_PARAMETER);
        }
        g_assert_cmpint(hcall(spapr, H_PUT_TCE_INDIRECT, 0x80000000, 0x1000,
                              bad[i], 1), ==, H_PARAMETER);
    }
    g_assert_cmpint(hcall(spapr, H_PUT_TCE_INDIRECT, 0x80000000, 0x1000,
                          GiB - 8, 2), ==, H_PARAMETER);

    for (guint i = 0; i < fk.calls->len; i++) {
        Call *c = &g_array_index(fk.calls, Call, i);
        uint64_t vaddr, size;

        if (c->req == VFIO_IOMMU_MAP_DMA) {
            struct vfio_iommu_type1_dma_map *m = (void *)c->arg;

            vaddr = m->vaddr;
            size = m->size;
            if (type1) {
                g_assert_cmphex(m->iova, ==, 0);
            }
            maps++;
        } else if (c->req == VFIO_IOMMU_SPAPR_REGISTER_MEMORY) {
            struct vfio_iommu_spapr_register_memory *r = (void *)c->arg;

            vaddr = r->vaddr;
            size = r->size;
            regs++;
        } else {
            continue;
        }
        g_assert_cmphex(vaddr, >=, ram);
        g_assert_cmphex(size, >, 0);
        g_assert_cmphex(vaddr + size, <=, ram + GiB);
        g_assert_cmphex(vaddr + size, >, vaddr);
    }
    /* The one valid TCE, the last page of RAM, and nothing else. */
    g_assert_cmpuint(maps, ==, 1);
    g_assert_cmpuint(regs, ==, type1 ? 0 : 1);
    for (guint i = 0; i < fk.calls->len; i++) {
        Call *c = &g_array_index(fk.calls, Call, i);

        if (c->req == VFIO_IOMMU_MAP_DMA) {
            struct vfio_iommu_type1_dma_map *m = (void *)c->arg;

            g_assert_cmphex(m->vaddr, ==, ram + GiB - 4 * KiB);
            g_assert_cmphex(m->size, ==, 4 * KiB);
        }
    }
    fk.unmapped = 4 * KiB;         /* the release unmaps the one page */
    vfio_group_put(group);
    machine_destroy(MACHINE(spapr));
    memory_map_cleanup();
    fake_reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-linux/ret", test_ret);
    g_test_add_func("/vfio-linux/type1-info/parse", test_parse_info);
    g_test_add_func("/vfio-linux/container/type1v2", test_type1v2);
    g_test_add_func("/vfio-linux/container/type1v2/read-only-populated",
                    test_type1v2_read_only_populated);
    g_test_add_func("/vfio-linux/container/spapr-v2", test_spapr_v2);
    g_test_add_func("/vfio-linux/groups", test_groups);
    g_test_add_func("/vfio-linux/sysfs", test_sysfs);
    g_test_add_func("/vfio-linux/device", test_device);
    g_test_add_data_func("/vfio-linux/hostile-tces/type1v2",
                         GUINT_TO_POINTER(1), test_hostile_tces);
    g_test_add_data_func("/vfio-linux/hostile-tces/spapr-tce-v2",
                         GUINT_TO_POINTER(0), test_hostile_tces);
    return g_test_run();
}
