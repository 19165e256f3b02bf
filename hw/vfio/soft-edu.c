/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The soft host's edu-compatible device behind VFIODeviceOps, DMA via a soft IOMMU. */

#include "qemu/osdep.h"
#include "hw/vfio/soft-edu.h"
#include "trace.h"

/* Config space offsets and bits used here (PCI local bus header, type 0). */
#define CFG_VENDOR_ID       0x00
#define CFG_DEVICE_ID       0x02
#define CFG_COMMAND         0x04
#define CFG_REVISION        0x08
#define CFG_CLASS_DEVICE    0x0a
#define CFG_BAR0            0x10
#define CFG_SUBVENDOR_ID    0x2c
#define CFG_SUBSYSTEM_ID    0x2e
#define CFG_INTERRUPT_LINE  0x3c
#define CFG_INTERRUPT_PIN   0x3d

#define CMD_IO              0x0001
#define CMD_MEMORY          0x0002
#define CMD_MASTER          0x0004
#define CMD_PARITY          0x0040
#define CMD_SERR            0x0100
#define CMD_INTX_DISABLE    0x0400
#define CMD_WRITABLE        (CMD_IO | CMD_MEMORY | CMD_MASTER | CMD_PARITY | \
                             CMD_SERR | CMD_INTX_DISABLE)

/* Where a region starts in a vfio-pci device fd (the kernel's layout). */
#define REGION_OFFSET_SHIFT 40

/* Above this, n! has at least 32 factors of two: 0 modulo 2^32. */
#define FACT_ZERO_FROM      34

QEMU_BUILD_BUG_ON(VFIO_PCI_CONFIG_REGION_INDEX != 7);
QEMU_BUILD_BUG_ON(VFIO_PCI_NUM_REGIONS != VFIO_SOFT_EDU_NUM_REGIONS);

struct VFIOSoftEdu {
    VFIODevice parent;
    uint64_t dma_mask;
    VFIOSoftIOMMU *iommu;               /* NULL: detached, DMA fails */

    /* Config space, and which bits of each byte a write may change. */
    uint8_t config[VFIO_SOFT_EDU_CONFIG_SIZE];
    uint8_t wmask[VFIO_SOFT_EDU_CONFIG_SIZE];

    /* BAR0 registers */
    uint32_t liveness;
    uint32_t fact;
    uint32_t status;
    uint32_t irq_status;
    uint64_t dma_src;
    uint64_t dma_dst;
    uint64_t dma_cnt;
    uint64_t dma_cmd;
    uint8_t buf[VFIO_SOFT_EDU_BUF_SIZE];

    VFIOSoftEduStats stats;
};

static VFIOSoftEdu *edu_of(VFIODevice *dev)
{
    return container_of(dev, VFIOSoftEdu, parent);
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint16_t cfg_command(VFIOSoftEdu *e)
{
    return get_le(&e->config[CFG_COMMAND], 2);
}

/* ---- config space ---- */

static void config_init(VFIOSoftEdu *e)
{
    memset(e->config, 0, sizeof(e->config));
    memset(e->wmask, 0, sizeof(e->wmask));

    put_le(&e->config[CFG_VENDOR_ID], VFIO_SOFT_EDU_VENDOR_ID, 2);
    put_le(&e->config[CFG_DEVICE_ID], VFIO_SOFT_EDU_DEVICE_ID, 2);
    e->config[CFG_REVISION] = VFIO_SOFT_EDU_REVISION;
    put_le(&e->config[CFG_CLASS_DEVICE], VFIO_SOFT_EDU_CLASS, 2);
    put_le(&e->config[CFG_SUBVENDOR_ID], VFIO_SOFT_EDU_SUBVENDOR_ID, 2);
    put_le(&e->config[CFG_SUBSYSTEM_ID], VFIO_SOFT_EDU_SUBSYSTEM_ID, 2);
    e->config[CFG_INTERRUPT_PIN] = 1;           /* INTA, as edu */

    put_le(&e->wmask[CFG_COMMAND], CMD_WRITABLE, 2);
    /* BAR0: 32-bit non-prefetchable memory, size-aligned address bits */
    put_le(&e->wmask[CFG_BAR0], ~(uint32_t)(VFIO_SOFT_EDU_BAR0_SIZE - 1), 4);
    e->wmask[CFG_INTERRUPT_LINE] = 0xff;
}

static void config_access(VFIOSoftEdu *e, uint64_t offset, uint8_t *buf,
                          unsigned size, bool write)
{
    uint16_t old = cfg_command(e);

    if (!write) {
        memcpy(buf, &e->config[offset], size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t m = e->wmask[offset + i];

        e->config[offset + i] = (e->config[offset + i] & ~m) | (buf[i] & m);
    }
    if ((old ^ cfg_command(e)) & CMD_MASTER) {
        trace_vfio_soft_edu_bus_master(!!(cfg_command(e) & CMD_MASTER));
    }
}

/* ---- DMA ---- */

static void dma_fail(VFIOSoftEdu *e, hwaddr iova, const char *why)
{
    e->status |= VFIO_SOFT_EDU_STATUS_DMA_FAULT;
    e->stats.dma_faults++;
    trace_vfio_soft_edu_dma_fault(iova, why);
}

/*
 * Walks [iova, iova + len) through the IOMMU.  With @copy false only checks
 * that every byte is mapped with @access; with @copy true also moves the
 * bytes between the mapped memory and @buf.  Returns false at the first
 * fault, *@fault_iova set.
 */
static bool dma_walk(VFIOSoftEdu *e, hwaddr iova, uint8_t *buf, uint64_t len,
                     uint32_t access, bool copy, hwaddr *fault_iova)
{
    while (len) {
        VFIOSoftTranslation t;
        uint64_t n;

        if (!vfio_soft_translate(e->iommu, iova, access, &t)) {
            *fault_iova = iova;
            return false;
        }
        n = t.len && t.len < len ? t.len : len;
        if (copy) {
            void *host = (void *)(uintptr_t)t.vaddr;

            if (access == VFIO_IOMMU_PERM_WRITE) {
                memmove(host, buf, n);
            } else {
                memmove(buf, host, n);
            }
        }
        iova += n;
        buf += n;
        len -= n;
    }
    return true;
}

/*
 * Runs the transfer the command register describes, to completion.  All
 * checks and the whole translation come before the first byte moves.
 */
static void dma_run(VFIOSoftEdu *e)
{
    bool to_ram = e->dma_cmd & VFIO_SOFT_EDU_DMA_TO_RAM;
    uint64_t buf_addr = to_ram ? e->dma_src : e->dma_dst;
    uint64_t ram_addr = to_ram ? e->dma_dst : e->dma_src;
    uint32_t access = to_ram ? VFIO_IOMMU_PERM_WRITE : VFIO_IOMMU_PERM_READ;
    uint64_t cnt = e->dma_cnt;
    hwaddr iova = ram_addr & e->dma_mask;
    hwaddr fault_iova;
    uint8_t *buf;

    e->status &= ~VFIO_SOFT_EDU_STATUS_DMA_FAULT;
    trace_vfio_soft_edu_dma(e->dma_src, e->dma_dst, cnt, e->dma_cmd);

    if (!(cfg_command(e) & CMD_MASTER)) {
        dma_fail(e, iova, "bus master off");
        return;
    }
    if (buf_addr < VFIO_SOFT_EDU_BUF_ADDR ||
        cnt > VFIO_SOFT_EDU_BUF_SIZE ||
        buf_addr - VFIO_SOFT_EDU_BUF_ADDR > VFIO_SOFT_EDU_BUF_SIZE - cnt) {
        dma_fail(e, iova, "buffer range outside 0x40000..0x40fff");
        return;
    }
    if (iova != ram_addr) {
        trace_vfio_soft_edu_dma_clamp(ram_addr, iova);
    }
    if (cnt && iova + cnt - 1 < iova) {
        dma_fail(e, iova, "address wraps");
        return;
    }
    if (!e->iommu) {
        dma_fail(e, iova, "no host IOMMU attached");
        return;
    }

    buf = e->buf + (buf_addr - VFIO_SOFT_EDU_BUF_ADDR);
    if (!dma_walk(e, iova, buf, cnt, access, false, &fault_iova)) {
        e->stats.last_fault_iova = fault_iova;
        dma_fail(e, fault_iova, to_ram ? "IOVA not mapped writable"
                                       : "IOVA not mapped readable");
        return;
    }
    dma_walk(e, iova, buf, cnt, access, true, &fault_iova);
    e->stats.dma_done++;
}

/* ---- BAR0 ---- */

static uint32_t factorial(uint32_t n)
{
    uint32_t r = 1;

    if (n >= FACT_ZERO_FROM) {
        return 0;
    }
    while (n > 1) {
        r *= n--;
    }
    return r;
}

/* One register access as edu decodes it; unknown offsets read all ones. */
static uint64_t bar0_read(VFIOSoftEdu *e, uint64_t addr, unsigned size)
{
    if ((addr < 0x80 && size != 4) ||
        (addr >= 0x80 && size != 4 && size != 8)) {
        return ~0ull;
    }
    switch (addr) {
    case VFIO_SOFT_EDU_REG_ID:
        return VFIO_SOFT_EDU_ID;
    case VFIO_SOFT_EDU_REG_LIVENESS:
        return e->liveness;
    case VFIO_SOFT_EDU_REG_FACT:
        return e->fact;
    case VFIO_SOFT_EDU_REG_STATUS:
        return e->status;
    case VFIO_SOFT_EDU_REG_IRQ_STATUS:
        return e->irq_status;
    case VFIO_SOFT_EDU_REG_DMA_SRC:
        return e->dma_src;
    case VFIO_SOFT_EDU_REG_DMA_DST:
        return e->dma_dst;
    case VFIO_SOFT_EDU_REG_DMA_COUNT:
        return e->dma_cnt;
    case VFIO_SOFT_EDU_REG_DMA_CMD:
        return e->dma_cmd;
    default:
        return ~0ull;
    }
}

static void bar0_write(VFIOSoftEdu *e, uint64_t addr, uint64_t val,
                       unsigned size)
{
    if ((addr < 0x80 && size != 4) ||
        (addr >= 0x80 && size != 4 && size != 8)) {
        return;
    }
    switch (addr) {
    case VFIO_SOFT_EDU_REG_LIVENESS:
        e->liveness = ~val;
        break;
    case VFIO_SOFT_EDU_REG_FACT:
        e->fact = factorial(val);
        if (e->status & VFIO_SOFT_EDU_STATUS_IRQFACT) {
            e->irq_status |= VFIO_SOFT_EDU_IRQ_FACT;
        }
        break;
    case VFIO_SOFT_EDU_REG_STATUS:
        e->status = (e->status & ~VFIO_SOFT_EDU_STATUS_IRQFACT) |
                    (val & VFIO_SOFT_EDU_STATUS_IRQFACT);
        break;
    case VFIO_SOFT_EDU_REG_IRQ_RAISE:
        e->irq_status |= val;
        break;
    case VFIO_SOFT_EDU_REG_IRQ_ACK:
        e->irq_status &= ~val;
        break;
    case VFIO_SOFT_EDU_REG_DMA_SRC:
        e->dma_src = val;
        break;
    case VFIO_SOFT_EDU_REG_DMA_DST:
        e->dma_dst = val;
        break;
    case VFIO_SOFT_EDU_REG_DMA_COUNT:
        e->dma_cnt = val;
        break;
    case VFIO_SOFT_EDU_REG_DMA_CMD:
        if (!(val & VFIO_SOFT_EDU_DMA_START)) {
            break;          /* edu ignores a command without the start bit */
        }
        e->dma_cmd = val;
        dma_run(e);
        e->dma_cmd &= ~(uint64_t)VFIO_SOFT_EDU_DMA_START;
        if (e->dma_cmd & VFIO_SOFT_EDU_DMA_IRQ) {
            e->irq_status |= VFIO_SOFT_EDU_IRQ_DMA;
        }
        break;
    default:
        break;
    }
}

/* ---- VFIODeviceOps ---- */

static int edu_get_info(VFIODevice *dev, VFIODeviceInfo *info)
{
    info->flags = VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_PCI;
    info->num_regions = VFIO_SOFT_EDU_NUM_REGIONS;
    info->num_irqs = 0;
    return 0;
}

static int edu_region_info(VFIODevice *dev, uint32_t index,
                           VFIORegionInfo *info)
{
    if (index >= VFIO_SOFT_EDU_NUM_REGIONS) {
        return -EINVAL;
    }
    info->index = index;
    info->offset = (uint64_t)index << REGION_OFFSET_SHIFT;
    info->flags = 0;
    info->size = 0;
    if (index == VFIO_PCI_BAR0_REGION_INDEX) {
        info->size = VFIO_SOFT_EDU_BAR0_SIZE;
    } else if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
        info->size = VFIO_SOFT_EDU_CONFIG_SIZE;
    }
    if (info->size) {
        info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
    }
    return 0;
}

/* Largest naturally aligned piece of at most @max bytes at @offset. */
static unsigned piece_size(uint64_t offset, size_t len, unsigned max)
{
    unsigned size = max;

    while (size > 1 && (size > len || (offset & (size - 1)))) {
        size >>= 1;
    }
    return size;
}

static ssize_t edu_region_rw(VFIODevice *dev, uint32_t index,
                             uint64_t offset, uint8_t *buf, size_t len,
                             bool write)
{
    VFIOSoftEdu *e = edu_of(dev);
    size_t done = 0;

    if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
        if (!len) {
            return 0;
        }
        if (offset >= VFIO_SOFT_EDU_CONFIG_SIZE ||
            len > VFIO_SOFT_EDU_CONFIG_SIZE - offset) {
            return -EFAULT;
        }
        while (done < len) {
            unsigned size = piece_size(offset + done, len - done, 4);

            config_access(e, offset + done, buf + done, size, write);
            done += size;
        }
        return done;
    }
    if (index != VFIO_PCI_BAR0_REGION_INDEX) {
        return -EINVAL;         /* out of range or not implemented */
    }
    if (offset >= VFIO_SOFT_EDU_BAR0_SIZE) {
        return -EINVAL;
    }
    len = MIN(len, VFIO_SOFT_EDU_BAR0_SIZE - offset);
    while (done < len) {
        unsigned size = piece_size(offset + done, len - done, 8);

        if (write) {
            bar0_write(e, offset + done, get_le(buf + done, size), size);
        } else {
            put_le(buf + done, bar0_read(e, offset + done, size), size);
        }
        done += size;
    }
    return done;
}

static ssize_t edu_region_read(VFIODevice *dev, uint32_t index,
                               uint64_t offset, void *buf, size_t len)
{
    return edu_region_rw(dev, index, offset, buf, len, false);
}

static ssize_t edu_region_write(VFIODevice *dev, uint32_t index,
                                uint64_t offset, const void *buf, size_t len)
{
    /* the write path only reads from @buf */
    return edu_region_rw(dev, index, offset, (uint8_t *)buf, len, true);
}

static void edu_reset_state(VFIOSoftEdu *e)
{
    uint16_t cmd = 0;

    e->liveness = 0;
    e->fact = 0;
    e->status = 0;
    e->irq_status = 0;
    e->dma_src = 0;
    e->dma_dst = 0;
    e->dma_cnt = 0;
    e->dma_cmd = 0;
    memset(e->buf, 0, sizeof(e->buf));
    put_le(&e->config[CFG_COMMAND], cmd, 2);
}

static int edu_reset(VFIODevice *dev)
{
    VFIOSoftEdu *e = edu_of(dev);

    /*
     * No DMA can be in flight: a transfer runs to completion inside the
     * command write that starts it, so it either landed before this call
     * or never will; clearing the DMA registers and the bus master bit
     * leaves nothing that could run later.
     */
    edu_reset_state(e);
    e->stats.resets++;
    trace_vfio_soft_edu_reset();
    return 0;
}

static void edu_release(VFIODevice *dev)
{
    g_free(edu_of(dev));
}

const VFIODeviceOps vfio_soft_edu_ops = {
    .name = "soft-edu",
    .get_info = edu_get_info,
    .region_info = edu_region_info,
    .region_read = edu_region_read,
    .region_write = edu_region_write,
    .reset = edu_reset,
    .release = edu_release,
};

/* ---- public ---- */

VFIOSoftEdu *vfio_soft_edu_new(const VFIOSoftEduConfig *cfg)
{
    VFIOSoftEdu *e = g_new0(VFIOSoftEdu, 1);

    e->parent.ops = &vfio_soft_edu_ops;
    e->dma_mask = cfg && cfg->dma_mask ? cfg->dma_mask
                                       : VFIO_SOFT_EDU_DEFAULT_DMA_MASK;
    config_init(e);
    edu_reset_state(e);
    return e;
}

VFIODevice *vfio_soft_edu_device(VFIOSoftEdu *e)
{
    return &e->parent;
}

VFIOSoftEdu *vfio_soft_edu_from_device(VFIODevice *dev)
{
    return dev && dev->ops == &vfio_soft_edu_ops ? edu_of(dev) : NULL;
}

void vfio_soft_edu_set_iommu(VFIOSoftEdu *e, VFIOSoftIOMMU *iommu)
{
    e->iommu = iommu;
}

VFIOSoftEduStats vfio_soft_edu_get_stats(VFIOSoftEdu *e)
{
    return e->stats;
}

const uint8_t *vfio_soft_edu_buffer(VFIOSoftEdu *e)
{
    return e->buf;
}
