/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hw/vfio/soft-edu.c: the edu-compatible device behind VFIODeviceOps */

#include "qemu/osdep.h"
#include "hw/vfio/soft-edu.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define RAM_SIZE    (256 * KiB)
#define RAM_ALIGN   (64 * KiB)
#define CFG         VFIO_PCI_CONFIG_REGION_INDEX
#define BAR0        VFIO_PCI_BAR0_REGION_INDEX
#define BUF         VFIO_SOFT_EDU_BUF_ADDR
#define DMA64       (1ULL << 59)

/* A device, its soft IOMMU and the g_malloc'd "guest RAM" mapped into it. */
typedef struct Fixture {
    VFIOSoftEdu *edu;
    VFIODevice *dev;
    VFIOSoftIOMMU *iommu;
    uint8_t *ram;
} Fixture;

static uint64_t ram_vaddr(Fixture *f, uint64_t off)
{
    return (uint64_t)(uintptr_t)f->ram + off;
}

static void fixture_free(Fixture *f)
{
    vfio_device_release(f->dev);
    vfio_iommu_release(f->iommu ? vfio_soft_iommu(f->iommu) : NULL);
    g_aligned_free(f->ram);
}

/* The device alone, with @dma_mask (0: default). */
static void fixture_dev(Fixture *f, uint64_t dma_mask)
{
    VFIOSoftEduConfig cfg = { .dma_mask = dma_mask };

    memset(f, 0, sizeof(*f));
    f->edu = vfio_soft_edu_new(&cfg);
    f->dev = vfio_soft_edu_device(f->edu);
    f->ram = g_aligned_alloc0(RAM_SIZE, 1, RAM_ALIGN);
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        f->ram[i] = (uint8_t)(i * 7 + 3);
    }
}

/* type1v2 host, RAM declared; nothing mapped yet. */
static void fixture_type1(Fixture *f, uint64_t dma_mask)
{
    fixture_dev(f, dma_mask);
    f->iommu = vfio_soft_new(NULL, &error_abort);
    g_assert_cmpint(vfio_soft_add_host_ram(f->iommu, ram_vaddr(f, 0),
                                           RAM_SIZE), ==, 0);
    g_assert_cmpint(vfio_iommu_setup(vfio_soft_iommu(f->iommu),
                                     VFIO_IOMMU_TYPE1V2), ==, 0);
    vfio_soft_edu_set_iommu(f->edu, f->iommu);
}

static void map(Fixture *f, hwaddr iova, uint64_t size, uint64_t off,
                uint32_t perm)
{
    g_assert_cmpint(vfio_iommu_map(vfio_soft_iommu(f->iommu), iova, size,
                                   ram_vaddr(f, off), perm), ==, 0);
}

static uint64_t cfg_read(Fixture *f, uint64_t off, unsigned size)
{
    uint8_t b[8] = { 0 };
    uint64_t v = 0;

    g_assert_cmpint(vfio_device_region_read(f->dev, CFG, off, b, size), ==,
                    size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)b[i] << (8 * i);
    }
    return v;
}

static void cfg_write(Fixture *f, uint64_t off, uint64_t v, unsigned size)
{
    uint8_t b[8];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (8 * i);
    }
    g_assert_cmpint(vfio_device_region_write(f->dev, CFG, off, b, size), ==,
                    size);
}

static uint64_t bar_read(Fixture *f, uint64_t off, unsigned size)
{
    uint8_t b[8] = { 0 };
    uint64_t v = 0;

    g_assert_cmpint(vfio_device_region_read(f->dev, BAR0, off, b, size), ==,
                    size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)b[i] << (8 * i);
    }
    return v;
}

static void bar_write(Fixture *f, uint64_t off, uint64_t v, unsigned size)
{
    uint8_t b[8];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (8 * i);
    }
    g_assert_cmpint(vfio_device_region_write(f->dev, BAR0, off, b, size), ==,
                    size);
}

static void bus_master(Fixture *f, bool on)
{
    cfg_write(f, 0x04, on ? 0x0006 : 0x0002, 2);
}

/* Programs and starts a transfer; returns the status register after it. */
static uint32_t dma(Fixture *f, uint64_t src, uint64_t dst, uint64_t cnt,
                    bool to_ram)
{
    bar_write(f, VFIO_SOFT_EDU_REG_DMA_SRC, src, 8);
    bar_write(f, VFIO_SOFT_EDU_REG_DMA_DST, dst, 8);
    bar_write(f, VFIO_SOFT_EDU_REG_DMA_COUNT, cnt, 8);
    bar_write(f, VFIO_SOFT_EDU_REG_DMA_CMD,
              VFIO_SOFT_EDU_DMA_START | (to_ram ? VFIO_SOFT_EDU_DMA_TO_RAM : 0),
              8);
    /* synchronous: the start bit is clear once the write returned */
    g_assert_cmphex(bar_read(f, VFIO_SOFT_EDU_REG_DMA_CMD, 8), ==,
                    to_ram ? VFIO_SOFT_EDU_DMA_TO_RAM : 0);
    return bar_read(f, VFIO_SOFT_EDU_REG_STATUS, 4);
}

/* Fills the device buffer with @pattern + i through a RAM -> device DMA. */
static void load_buffer_via(Fixture *f, hwaddr iova, uint64_t ram_off)
{
    for (unsigned i = 0; i < VFIO_SOFT_EDU_BUF_SIZE; i++) {
        f->ram[ram_off + i] = (uint8_t)(0xa5 ^ i);
    }
    g_assert_cmphex(dma(f, iova, BUF, VFIO_SOFT_EDU_BUF_SIZE, false), ==, 0);
}

/* ---- info ---- */

static void test_info(void)
{
    Fixture f;
    VFIODeviceInfo info;
    VFIORegionInfo r;

    fixture_dev(&f, 0);
    g_assert(vfio_soft_edu_from_device(f.dev) == f.edu);
    g_assert_cmpint(vfio_device_get_info(f.dev, &info), ==, 0);
    g_assert_cmphex(info.flags, ==, VFIO_DEVICE_FLAGS_RESET |
                                    VFIO_DEVICE_FLAGS_PCI);
    g_assert_cmpuint(info.num_regions, ==, 9);
    g_assert_cmpuint(info.num_irqs, ==, 0);

    for (uint32_t i = 0; i < 9; i++) {
        g_assert_cmpint(vfio_device_region_info(f.dev, i, &r), ==, 0);
        g_assert_cmpuint(r.index, ==, i);
        g_assert_cmphex(r.offset, ==, (uint64_t)i << 40);
        if (i == BAR0) {
            g_assert_cmphex(r.size, ==, 1 * MiB);
            g_assert_cmphex(r.flags, ==, VFIO_REGION_INFO_FLAG_READ |
                                         VFIO_REGION_INFO_FLAG_WRITE);
        } else if (i == CFG) {
            g_assert_cmphex(r.size, ==, 256);
            g_assert_cmphex(r.flags, ==, VFIO_REGION_INFO_FLAG_READ |
                                         VFIO_REGION_INFO_FLAG_WRITE);
        } else {
            g_assert_cmphex(r.size, ==, 0);
            g_assert_cmphex(r.flags, ==, 0);
        }
    }
    g_assert_cmpint(vfio_device_region_info(f.dev, 9, &r), ==, -EINVAL);
    g_assert_cmpint(vfio_device_region_info(f.dev, UINT32_MAX, &r), ==,
                    -EINVAL);
    /* no region can be mapped: every BAR0 access is a register access */
    {
        void *p = NULL;

        g_assert_cmpint(vfio_device_region_mmap(f.dev, BAR0, 0, 4096, &p),
                        ==, -EINVAL);
        g_assert_null(p);
    }
    fixture_free(&f);
}

/* ---- config space ---- */

static void test_config_ids(void)
{
    Fixture f;
    uint8_t all[256];

    fixture_dev(&f, 0);
    g_assert_cmphex(cfg_read(&f, 0x00, 4), ==, 0x11e81234);
    g_assert_cmphex(cfg_read(&f, 0x00, 2), ==, 0x1234);
    g_assert_cmphex(cfg_read(&f, 0x02, 2), ==, 0x11e8);
    g_assert_cmphex(cfg_read(&f, 0x04, 4), ==, 0);          /* command, status */
    g_assert_cmphex(cfg_read(&f, 0x08, 4), ==, 0x00ff0010); /* class, rev */
    g_assert_cmphex(cfg_read(&f, 0x0c, 4), ==, 0);          /* header type 0 */
    g_assert_cmphex(cfg_read(&f, 0x10, 4), ==, 0);          /* BAR0 */
    g_assert_cmphex(cfg_read(&f, 0x2c, 4), ==, 0x11001af4); /* subsystem */
    g_assert_cmphex(cfg_read(&f, 0x30, 4), ==, 0);          /* no ROM */
    g_assert_cmphex(cfg_read(&f, 0x34, 1), ==, 0);          /* no caps */
    g_assert_cmphex(cfg_read(&f, 0x3c, 4), ==, 0x00000100); /* pin A */

    /* one 256-byte read: the same bytes, the rest zero */
    g_assert_cmpint(vfio_device_region_read(f.dev, CFG, 0, all, 256), ==, 256);
    g_assert_cmphex(all[0], ==, 0x34);
    g_assert_cmphex(all[1], ==, 0x12);
    g_assert_cmphex(all[2], ==, 0xe8);
    g_assert_cmphex(all[3], ==, 0x11);
    g_assert_cmphex(all[8], ==, 0x10);
    g_assert_cmphex(all[0x0a], ==, 0xff);
    g_assert_cmphex(all[0x0b], ==, 0x00);
    for (unsigned i = 0x40; i < 256; i++) {
        g_assert_cmphex(all[i], ==, 0);
    }
    /* an unaligned 3-byte read is served piecewise */
    g_assert_cmphex(cfg_read(&f, 0x01, 3), ==, 0x11e812);
    fixture_free(&f);
}

static void test_config_writes(void)
{
    Fixture f;

    fixture_dev(&f, 0);
    /* read-only fields keep their values */
    cfg_write(&f, 0x00, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(&f, 0x00, 4), ==, 0x11e81234);
    cfg_write(&f, 0x08, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(&f, 0x08, 4), ==, 0x00ff0010);
    /* command: only the defined bits stick */
    cfg_write(&f, 0x04, 0xffff, 2);
    g_assert_cmphex(cfg_read(&f, 0x04, 2), ==, 0x0547);
    cfg_write(&f, 0x04, 0, 2);
    g_assert_cmphex(cfg_read(&f, 0x04, 2), ==, 0);
    /* BAR0 sizing: 1 MiB, 32-bit non-prefetchable memory */
    cfg_write(&f, 0x10, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(&f, 0x10, 4), ==, 0xfff00000);
    cfg_write(&f, 0x10, 0x80123456, 4);
    g_assert_cmphex(cfg_read(&f, 0x10, 4), ==, 0x80100000);
    /* BAR1..5 and the ROM are not implemented */
    cfg_write(&f, 0x14, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(&f, 0x14, 4), ==, 0);
    cfg_write(&f, 0x30, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(&f, 0x30, 4), ==, 0);
    /* interrupt line is scratch, pin is not */
    cfg_write(&f, 0x3c, 0xffff, 2);
    g_assert_cmphex(cfg_read(&f, 0x3c, 2), ==, 0x01ff);
    fixture_free(&f);
}

static void test_config_bad_access(void)
{
    Fixture f;
    uint8_t b[8] = { 0 };

    fixture_dev(&f, 0);
    g_assert_cmpint(vfio_device_region_read(f.dev, CFG, 256, b, 4), ==,
                    -EFAULT);
    g_assert_cmpint(vfio_device_region_read(f.dev, CFG, 254, b, 4), ==,
                    -EFAULT);
    g_assert_cmpint(vfio_device_region_write(f.dev, CFG, 253, b, 4), ==,
                    -EFAULT);
    g_assert_cmpint(vfio_device_region_read(f.dev, CFG, UINT64_MAX, b, 4), ==,
                    -EFAULT);
    g_assert_cmpint(vfio_device_region_read(f.dev, CFG, 0, b, 0), ==, 0);
    g_assert_cmpint(vfio_device_region_read(f.dev, CFG, 252, b, 4), ==, 4);
    fixture_free(&f);
}

/* ---- BAR0 ---- */

static void test_bar0_registers(void)
{
    Fixture f;

    fixture_dev(&f, 0);
    g_assert_cmphex(bar_read(&f, 0x00, 4), ==, 0x010000ed);
    bar_write(&f, 0x04, 0x12345678, 4);
    g_assert_cmphex(bar_read(&f, 0x04, 4), ==, 0xedcba987);
    bar_write(&f, 0x04, 0, 4);
    g_assert_cmphex(bar_read(&f, 0x04, 4), ==, 0xffffffff);

    /* factorial, computed at once: status never shows "computing" */
    bar_write(&f, 0x08, 5, 4);
    g_assert_cmphex(bar_read(&f, 0x20, 4), ==, 0);
    g_assert_cmpuint(bar_read(&f, 0x08, 4), ==, 120);
    bar_write(&f, 0x08, 0, 4);
    g_assert_cmpuint(bar_read(&f, 0x08, 4), ==, 1);
    bar_write(&f, 0x08, 12, 4);
    g_assert_cmpuint(bar_read(&f, 0x08, 4), ==, 479001600);
    bar_write(&f, 0x08, 13, 4);                 /* 13! mod 2^32 */
    g_assert_cmpuint(bar_read(&f, 0x08, 4), ==, 1932053504);
    bar_write(&f, 0x08, 34, 4);
    g_assert_cmpuint(bar_read(&f, 0x08, 4), ==, 0);
    bar_write(&f, 0x08, 0xffffffff, 4);         /* no 4-billion-step loop */
    g_assert_cmpuint(bar_read(&f, 0x08, 4), ==, 0);

    /* status: only the IRQ-on-factorial bit is writable */
    bar_write(&f, 0x20, 0xffffffff, 4);
    g_assert_cmphex(bar_read(&f, 0x20, 4), ==, VFIO_SOFT_EDU_STATUS_IRQFACT);
    bar_write(&f, 0x08, 3, 4);
    g_assert_cmphex(bar_read(&f, 0x24, 4), ==, VFIO_SOFT_EDU_IRQ_FACT);
    bar_write(&f, 0x20, 0, 4);
    g_assert_cmphex(bar_read(&f, 0x20, 4), ==, 0);

    /* interrupt raise / acknowledge (recorded, not delivered) */
    bar_write(&f, 0x64, 0xffffffff, 4);
    bar_write(&f, 0x60, 0x5, 4);
    bar_write(&f, 0x64, 0x1, 4);
    g_assert_cmphex(bar_read(&f, 0x24, 4), ==, 0x4);

    /* DMA registers: 8 bytes, and 4 bytes zero-extend */
    bar_write(&f, 0x80, 0x1122334455667788ULL, 8);
    g_assert_cmphex(bar_read(&f, 0x80, 8), ==, 0x1122334455667788ULL);
    g_assert_cmphex(bar_read(&f, 0x80, 4), ==, 0x55667788);
    bar_write(&f, 0x80, 0xaabbccdd, 4);
    g_assert_cmphex(bar_read(&f, 0x80, 8), ==, 0xaabbccdd);
    bar_write(&f, 0x90, 0x10, 8);
    g_assert_cmphex(bar_read(&f, 0x90, 8), ==, 0x10);
    /* a command without the start bit is ignored */
    bar_write(&f, 0x98, 0x2, 8);
    g_assert_cmphex(bar_read(&f, 0x98, 8), ==, 0);

    /* sizes edu refuses: reads all ones, writes ignored */
    g_assert_cmphex(bar_read(&f, 0x00, 2), ==, 0xffff);
    g_assert_cmphex(bar_read(&f, 0x00, 1), ==, 0xff);
    g_assert_cmphex(bar_read(&f, 0x00, 8), ==, UINT64_MAX);
    g_assert_cmphex(bar_read(&f, 0x80, 2), ==, 0xffff);
    bar_write(&f, 0x04, 0x1, 2);
    g_assert_cmphex(bar_read(&f, 0x04, 4), ==, 0xffffffff);
    /* offsets without a register */
    g_assert_cmphex(bar_read(&f, 0x40, 4), ==, 0xffffffff);
    g_assert_cmphex(bar_read(&f, 0x84, 4), ==, 0xffffffff);
    g_assert_cmphex(bar_read(&f, 0xffffc, 4), ==, 0xffffffff);
    /* an 8-byte read at 0x04 is two 4-byte register reads */
    g_assert_cmphex(bar_read(&f, 0x04, 8), ==, 0xffffffffULL |
                    (uint64_t)6 << 32);     /* liveness, then 3! */
    fixture_free(&f);
}

static void test_bar0_bad_access(void)
{
    Fixture f;
    uint8_t b[16] = { 0 };

    fixture_dev(&f, 0);
    for (uint32_t i = 1; i < 9; i++) {
        if (i == CFG) {
            continue;
        }
        g_assert_cmpint(vfio_device_region_read(f.dev, i, 0, b, 4), ==,
                        -EINVAL);
        g_assert_cmpint(vfio_device_region_write(f.dev, i, 0, b, 4), ==,
                        -EINVAL);
    }
    g_assert_cmpint(vfio_device_region_read(f.dev, 9, 0, b, 4), ==, -EINVAL);
    g_assert_cmpint(vfio_device_region_read(f.dev, BAR0, 1 * MiB, b, 4), ==,
                    -EINVAL);
    g_assert_cmpint(vfio_device_region_write(f.dev, BAR0, UINT64_MAX, b, 4),
                    ==, -EINVAL);
    /* past the end: cut to a short count */
    g_assert_cmpint(vfio_device_region_read(f.dev, BAR0, 1 * MiB - 4, b, 16),
                    ==, 4);
    g_assert_cmpint(vfio_device_region_read(f.dev, BAR0, 0, b, 0), ==, 0);
    fixture_free(&f);
}

/* ---- DMA ---- */

static void test_dma_type1(void)
{
    Fixture f;
    VFIOSoftEduStats st;

    fixture_type1(&f, 0);
    map(&f, 0x100000, 16 * KiB, 0, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);

    /* RAM -> device: 256 bytes from IOVA 0x100010 to buffer offset 0x20 */
    g_assert_cmphex(dma(&f, 0x100010, BUF + 0x20, 0x100, false), ==, 0);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu) + 0x20, 0x100,
                    f.ram + 0x10, 0x100);
    g_assert_cmphex(vfio_soft_edu_buffer(f.edu)[0x1f], ==, 0);
    g_assert_cmphex(vfio_soft_edu_buffer(f.edu)[0x120], ==, 0);

    /* device -> RAM: back to IOVA 0x102000 */
    g_assert_cmphex(dma(&f, BUF + 0x20, 0x102000, 0x100, true), ==, 0);
    g_assert_cmpmem(f.ram + 0x2000, 0x100, f.ram + 0x10, 0x100);
    g_assert_cmphex(f.ram[0x2100], ==, (uint8_t)(0x2100 * 7 + 3));

    /* a transfer ending exactly at the buffer's end is fine */
    g_assert_cmphex(dma(&f, 0x100000, BUF + 0xf00, 0x100, false), ==, 0);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu) + 0xf00, 0x100, f.ram, 0x100);

    st = vfio_soft_edu_get_stats(f.edu);
    g_assert_cmpuint(st.dma_done, ==, 3);
    g_assert_cmpuint(st.dma_faults, ==, 0);
    fixture_free(&f);
}

/* Two mappings adjacent in IOVA, apart in host memory. */
static void test_dma_across_mappings(void)
{
    Fixture f;

    fixture_type1(&f, 0);
    map(&f, 0x200000, 4 * KiB, 0x10000, VFIO_IOMMU_PERM_RW);
    map(&f, 0x201000, 4 * KiB, 0x30000, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);

    g_assert_cmphex(dma(&f, 0x200800, BUF, 0x1000, false), ==, 0);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu), 0x800, f.ram + 0x10800,
                    0x800);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu) + 0x800, 0x800,
                    f.ram + 0x30000, 0x800);

    memset(f.ram + 0x10000, 0, 4 * KiB);
    memset(f.ram + 0x30000, 0, 4 * KiB);
    g_assert_cmphex(dma(&f, BUF, 0x200800, 0x1000, true), ==, 0);
    g_assert_cmpmem(f.ram + 0x10800, 0x800, vfio_soft_edu_buffer(f.edu),
                    0x800);
    g_assert_cmpmem(f.ram + 0x30000, 0x800,
                    vfio_soft_edu_buffer(f.edu) + 0x800, 0x800);
    g_assert_cmphex(f.ram[0x107ff], ==, 0);
    g_assert_cmphex(f.ram[0x30800], ==, 0);
    fixture_free(&f);
}

/*
 * sPAPR v2: default window removed, a 64 KiB-page window in slot 0 and a
 * DDW in slot 1 at 2^59 (which needs a dma_mask wider than edu's 28 bits).
 */
static void test_dma_spapr(void)
{
    Fixture f;
    VFIOIOMMU *io;
    hwaddr start;

    fixture_dev(&f, UINT64_MAX);
    f.iommu = vfio_soft_new(NULL, &error_abort);
    io = vfio_soft_iommu(f.iommu);
    g_assert_cmpint(vfio_soft_add_host_ram(f.iommu, ram_vaddr(&f, 0),
                                           RAM_SIZE), ==, 0);
    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_SPAPR_TCE_V2), ==, 0);
    g_assert_cmpint(vfio_iommu_register_memory(io, ram_vaddr(&f, 0),
                                               RAM_SIZE), ==, 0);
    g_assert_cmpint(vfio_iommu_remove_window(io, 0), ==, 0);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 1ULL << 30, 1, &start),
                    ==, 0);
    g_assert_cmphex(start, ==, 0);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 1ULL << 30, 1, &start),
                    ==, 0);
    g_assert_cmphex(start, ==, DMA64);
    vfio_soft_edu_set_iommu(f.edu, f.iommu);
    map(&f, 0x10000, 64 * KiB, 0x20000, VFIO_IOMMU_PERM_RW);
    map(&f, DMA64 + 0x30000, 64 * KiB, 0x10000, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);

    /* RAM -> device through the 32-bit window */
    load_buffer_via(&f, 0x10000, 0x20000);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu), 4096, f.ram + 0x20000, 4096);

    /* device -> RAM through the DDW */
    memset(f.ram + 0x10000, 0, 64 * KiB);
    g_assert_cmphex(dma(&f, BUF, DMA64 + 0x30100, 4096, true), ==, 0);
    g_assert_cmpmem(f.ram + 0x10100, 4096, f.ram + 0x20000, 4096);
    g_assert_cmphex(f.ram[0x100ff], ==, 0);
    g_assert_cmphex(f.ram[0x11100], ==, 0);

    /* a page-granular unmap makes the next transfer fail */
    {
        uint64_t size = 64 * KiB;

        g_assert_cmpint(vfio_iommu_unmap(io, DMA64 + 0x30000, &size), ==, 0);
    }
    memset(f.ram + 0x10000, 0, 64 * KiB);
    g_assert_cmphex(dma(&f, BUF, DMA64 + 0x30100, 4096, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    for (unsigned i = 0; i < 64 * KiB; i++) {
        g_assert_cmphex(f.ram[0x10000 + i], ==, 0);
    }
    g_assert_cmphex(vfio_soft_edu_get_stats(f.edu).last_fault_iova, ==,
                    DMA64 + 0x30100);
    fixture_free(&f);
}

/* Unmapped IOVA, a partly mapped range, a read-only mapping: nothing moves. */
static void test_dma_fault(void)
{
    Fixture f;
    uint8_t *before = g_malloc(RAM_SIZE);
    uint8_t buf_before[VFIO_SOFT_EDU_BUF_SIZE];
    VFIOSoftEduStats st;

    fixture_type1(&f, 0);
    map(&f, 0x100000, 4 * KiB, 0, VFIO_IOMMU_PERM_RW);
    map(&f, 0x300000, 4 * KiB, 0x8000, VFIO_IOMMU_PERM_READ);
    bus_master(&f, true);
    load_buffer_via(&f, 0x100000, 0);
    memcpy(before, f.ram, RAM_SIZE);
    memcpy(buf_before, vfio_soft_edu_buffer(f.edu), sizeof(buf_before));

    /* never mapped */
    g_assert_cmphex(dma(&f, BUF, 0x500000, 0x10, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(vfio_soft_edu_get_stats(f.edu).last_fault_iova, ==,
                    0x500000);
    /* first page mapped, the rest not: not even the first byte lands */
    g_assert_cmphex(dma(&f, BUF, 0x100800, 0x1000, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(vfio_soft_edu_get_stats(f.edu).last_fault_iova, ==,
                    0x101000);
    /* write through a read-only mapping */
    g_assert_cmphex(dma(&f, BUF, 0x300000, 0x10, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);

    /* RAM -> device from an unmapped IOVA leaves the buffer alone */
    g_assert_cmphex(dma(&f, 0x500000, BUF, 0x100, false), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu), sizeof(buf_before),
                    buf_before, sizeof(buf_before));

    /* the read-only mapping serves a read; the fault bit clears */
    g_assert_cmphex(dma(&f, 0x300000, BUF, 0x10, false), ==, 0);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu), 0x10, f.ram + 0x8000, 0x10);

    /* a status write cannot clear or set the fault bit */
    g_assert_cmphex(dma(&f, 0x500000, BUF, 0x10, false), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    bar_write(&f, VFIO_SOFT_EDU_REG_STATUS, 0, 4);
    g_assert_cmphex(bar_read(&f, VFIO_SOFT_EDU_REG_STATUS, 4), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);

    st = vfio_soft_edu_get_stats(f.edu);
    g_assert_cmpuint(st.dma_done, ==, 2);
    g_assert_cmpuint(st.dma_faults, ==, 5);
    g_free(before);
    fixture_free(&f);
}

/* Buffer-side checks edu aborts on in QEMU 7.2: here a clean fault. */
static void test_dma_buffer_range(void)
{
    Fixture f;
    uint8_t *before = g_malloc(RAM_SIZE);

    fixture_type1(&f, 0);
    map(&f, 0x100000, 16 * KiB, 0, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);
    memcpy(before, f.ram, RAM_SIZE);

    g_assert_cmphex(dma(&f, 0x100000, BUF + 0xf01, 0x100, false), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(dma(&f, 0x100000, BUF - 1, 0x10, false), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(dma(&f, BUF, 0x100000, 0x1001, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(dma(&f, UINT64_MAX, 0x100000, 0x10, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(dma(&f, BUF, 0x100000, UINT64_MAX, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    for (unsigned i = 0; i < VFIO_SOFT_EDU_BUF_SIZE; i++) {
        g_assert_cmphex(vfio_soft_edu_buffer(f.edu)[i], ==, 0);
    }
    /* zero bytes: nothing to move, not a fault */
    g_assert_cmphex(dma(&f, BUF, 0x100000, 0, true), ==, 0);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    g_free(before);
    fixture_free(&f);
}

/* edu's 28-bit dma_mask clamps the RAM-side address before translation. */
static void test_dma_mask(void)
{
    Fixture f;

    fixture_type1(&f, 0);
    map(&f, 0x100000, 4 * KiB, 0, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);
    g_assert_cmphex(dma(&f, 0x10100000, BUF, 0x10, false), ==, 0);
    g_assert_cmpmem(vfio_soft_edu_buffer(f.edu), 0x10, f.ram, 0x10);
    fixture_free(&f);

    fixture_type1(&f, UINT64_MAX);
    map(&f, 0x100000, 4 * KiB, 0, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);
    g_assert_cmphex(dma(&f, 0x10100000, BUF, 0x10, false), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmphex(vfio_soft_edu_get_stats(f.edu).last_fault_iova, ==,
                    0x10100000);
    fixture_free(&f);
}

static void test_dma_bus_master_off(void)
{
    Fixture f;
    uint8_t *before = g_malloc(RAM_SIZE);

    fixture_type1(&f, 0);
    map(&f, 0x100000, 16 * KiB, 0, VFIO_IOMMU_PERM_RW);
    bus_master(&f, true);
    load_buffer_via(&f, 0x100000, 0);
    memset(f.ram, 0, RAM_SIZE);
    memcpy(before, f.ram, RAM_SIZE);

    bus_master(&f, false);
    g_assert_cmphex(dma(&f, BUF, 0x100000, 0x1000, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    /* the registers keep the transfer; turning the bit on does not run it */
    g_assert_cmphex(bar_read(&f, VFIO_SOFT_EDU_REG_DMA_COUNT, 8), ==,
                    0x1000);
    bus_master(&f, true);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    g_assert_cmphex(dma(&f, BUF, 0x100000, 0x1000, true), ==, 0);
    g_assert_cmpmem(f.ram, 0x1000, vfio_soft_edu_buffer(f.edu), 0x1000);

    /* no IOMMU attached */
    vfio_soft_edu_set_iommu(f.edu, NULL);
    memset(f.ram, 0, RAM_SIZE);
    g_assert_cmphex(dma(&f, BUF, 0x100000, 0x1000, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    g_free(before);
    fixture_free(&f);
}

static void test_reset(void)
{
    Fixture f;
    uint8_t *before = g_malloc(RAM_SIZE);

    fixture_type1(&f, 0);
    map(&f, 0x100000, 16 * KiB, 0, VFIO_IOMMU_PERM_RW);
    cfg_write(&f, 0x10, 0x80000000, 4);
    cfg_write(&f, 0x3c, 0x0b, 1);
    bus_master(&f, true);
    load_buffer_via(&f, 0x100000, 0);
    bar_write(&f, 0x04, 1, 4);
    bar_write(&f, 0x20, VFIO_SOFT_EDU_STATUS_IRQFACT, 4);
    bar_write(&f, 0x08, 4, 4);
    bar_write(&f, 0x60, 0x8, 4);

    /* a transfer started before the reset has landed when the write returns */
    memset(f.ram + 0x2000, 0, 0x1000);
    g_assert_cmphex(dma(&f, BUF, 0x102000, 0x1000, true), ==,
                    VFIO_SOFT_EDU_STATUS_IRQFACT);
    g_assert_cmpmem(f.ram + 0x2000, 0x1000, vfio_soft_edu_buffer(f.edu),
                    0x1000);

    g_assert_cmpint(vfio_device_reset(f.dev), ==, 0);
    memcpy(before, f.ram, RAM_SIZE);

    /* registers back to their reset values, buffer cleared */
    g_assert_cmphex(bar_read(&f, 0x00, 4), ==, 0x010000ed);
    g_assert_cmphex(bar_read(&f, 0x04, 4), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x08, 4), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x20, 4), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x24, 4), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x80, 8), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x88, 8), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x90, 8), ==, 0);
    g_assert_cmphex(bar_read(&f, 0x98, 8), ==, 0);
    for (unsigned i = 0; i < VFIO_SOFT_EDU_BUF_SIZE; i++) {
        g_assert_cmphex(vfio_soft_edu_buffer(f.edu)[i], ==, 0);
    }
    /* bus master (the whole command register) off; the rest of config kept */
    g_assert_cmphex(cfg_read(&f, 0x04, 2), ==, 0);
    g_assert_cmphex(cfg_read(&f, 0x00, 4), ==, 0x11e81234);
    g_assert_cmphex(cfg_read(&f, 0x10, 4), ==, 0x80000000);
    g_assert_cmphex(cfg_read(&f, 0x3c, 2), ==, 0x010b);

    /* nothing lands after the reset, and a new transfer needs bus master */
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    g_assert_cmphex(dma(&f, BUF, 0x102000, 0x1000, true), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    g_assert_cmpmem(f.ram, RAM_SIZE, before, RAM_SIZE);
    bus_master(&f, true);
    g_assert_cmphex(dma(&f, BUF, 0x102000, 0x1000, true), ==, 0);
    for (unsigned i = 0; i < 0x1000; i++) {
        g_assert_cmphex(f.ram[0x2000 + i], ==, 0);     /* the cleared buffer */
    }
    g_assert_cmpuint(vfio_soft_edu_get_stats(f.edu).resets, ==, 1);
    g_free(before);
    fixture_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-soft-edu/info", test_info);
    g_test_add_func("/vfio-soft-edu/config/ids", test_config_ids);
    g_test_add_func("/vfio-soft-edu/config/writes", test_config_writes);
    g_test_add_func("/vfio-soft-edu/config/bad-access", test_config_bad_access);
    g_test_add_func("/vfio-soft-edu/bar0/registers", test_bar0_registers);
    g_test_add_func("/vfio-soft-edu/bar0/bad-access", test_bar0_bad_access);
    g_test_add_func("/vfio-soft-edu/dma/type1v2", test_dma_type1);
    g_test_add_func("/vfio-soft-edu/dma/across-mappings",
                    test_dma_across_mappings);
    g_test_add_func("/vfio-soft-edu/dma/spapr-v2", test_dma_spapr);
    g_test_add_func("/vfio-soft-edu/dma/fault", test_dma_fault);
    g_test_add_func("/vfio-soft-edu/dma/buffer-range", test_dma_buffer_range);
    g_test_add_func("/vfio-soft-edu/dma/mask", test_dma_mask);
    g_test_add_func("/vfio-soft-edu/dma/bus-master-off",
                    test_dma_bus_master_off);
    g_test_add_func("/vfio-soft-edu/reset", test_reset);
    return g_test_run();
}
