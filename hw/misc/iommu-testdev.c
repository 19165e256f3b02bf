/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iommu-testdev: a PCI function whose registers start a DMA through its IOMMU. */

#include "qemu/osdep.h"
#include "hw/misc/iommu-testdev.h"
#include "trace.h"

static const char *iommu_testdev_dir(uint32_t cmd)
{
    return cmd == IOMMU_TESTDEV_CMD_DMA_READ ? "read" : "write";
}

/*
 * The status a failed DMA reports.  With Bus Master Enable clear the
 * bus-master address space is empty, so any failure is the master abort;
 * otherwise the most specific MemTxResult bit wins (a transfer spanning
 * several pages may collect several).
 */
static uint32_t iommu_testdev_status_of(IommuTestDevState *s, MemTxResult res)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (res == MEMTX_OK) {
        return IOMMU_TESTDEV_STATUS_OK;
    }
    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        return IOMMU_TESTDEV_STATUS_BUS_MASTER;
    }
    if (res & MEMTX_TRANSLATION_ERROR) {
        return IOMMU_TESTDEV_STATUS_TRANSLATION;
    }
    if (res & MEMTX_ACCESS_ERROR) {
        return IOMMU_TESTDEV_STATUS_PERMISSION;
    }
    if (res & MEMTX_DECODE_ERROR) {
        return IOMMU_TESTDEV_STATUS_DECODE;
    }
    return IOMMU_TESTDEV_STATUS_DEVICE_ERROR;
}

/*
 * Run command @cmd to completion.  Argument errors change nothing but the
 * status.  A DMA read fills the buffer only if the whole transfer worked;
 * a failed DMA write may have stored the pages that did translate (the
 * memory API attempts every page), as a real device would.
 */
static void iommu_testdev_run(IommuTestDevState *s, uint32_t cmd)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t tmp[IOMMU_TESTDEV_BUF_SIZE];
    MemTxResult res;

    if (cmd != IOMMU_TESTDEV_CMD_DMA_READ &&
        cmd != IOMMU_TESTDEV_CMD_DMA_WRITE) {
        trace_iommu_testdev_bad_command(cmd);
        s->dma_status = IOMMU_TESTDEV_STATUS_BAD_COMMAND;
        s->dma_result = MEMTX_OK;
        return;
    }
    if (s->dma_len == 0 || s->dma_len > IOMMU_TESTDEV_BUF_SIZE) {
        trace_iommu_testdev_bad_length(s->dma_len);
        s->dma_status = IOMMU_TESTDEV_STATUS_BAD_LENGTH;
        s->dma_result = MEMTX_OK;
        return;
    }

    trace_iommu_testdev_dma_start(iommu_testdev_dir(cmd), s->dma_addr,
                                  s->dma_len);
    s->dma_running = true;
    if (cmd == IOMMU_TESTDEV_CMD_DMA_READ) {
        res = pci_dma_read(pdev, s->dma_addr, tmp, s->dma_len);
        if (res == MEMTX_OK) {
            memcpy(s->buf, tmp, s->dma_len);
        }
    } else {
        res = pci_dma_write(pdev, s->dma_addr, s->buf, s->dma_len);
    }
    s->dma_running = false;

    s->dma_result = res;
    s->dma_status = iommu_testdev_status_of(s, res);
    if (s->dma_status == IOMMU_TESTDEV_STATUS_OK) {
        s->dma_count++;
    }
    trace_iommu_testdev_dma_done(iommu_testdev_dir(cmd), s->dma_addr,
                                 s->dma_len, res, s->dma_status);
}

static uint64_t iommu_testdev_reg_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    IommuTestDevState *s = opaque;

    switch (addr) {
    case IOMMU_TESTDEV_REG_ID:
        return IOMMU_TESTDEV_ID_VALUE;
    case IOMMU_TESTDEV_REG_VERSION:
        return IOMMU_TESTDEV_VERSION;
    case IOMMU_TESTDEV_REG_DMA_ADDR_LO:
        return (uint32_t)s->dma_addr;
    case IOMMU_TESTDEV_REG_DMA_ADDR_HI:
        return s->dma_addr >> 32;
    case IOMMU_TESTDEV_REG_DMA_LEN:
        return s->dma_len;
    case IOMMU_TESTDEV_REG_DMA_STATUS:
        return s->dma_status;
    case IOMMU_TESTDEV_REG_DMA_COUNT:
        return s->dma_count;
    case IOMMU_TESTDEV_REG_DMA_RESULT:
        return s->dma_result;
    default:
        return 0;       /* DMA_CMD and unassigned offsets */
    }
}

static void iommu_testdev_reg_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    IommuTestDevState *s = opaque;

    switch (addr) {
    case IOMMU_TESTDEV_REG_DMA_ADDR_LO:
        s->dma_addr = (s->dma_addr & ~0xffffffffULL) | (uint32_t)val;
        break;
    case IOMMU_TESTDEV_REG_DMA_ADDR_HI:
        s->dma_addr = (s->dma_addr & 0xffffffffULL) | val << 32;
        break;
    case IOMMU_TESTDEV_REG_DMA_LEN:
        s->dma_len = val;
        break;
    case IOMMU_TESTDEV_REG_DMA_CMD:
        /* A DMA that lands on this BAR must not start another one. */
        if (s->dma_running) {
            trace_iommu_testdev_reentrant(val);
            return;
        }
        iommu_testdev_run(s, val);
        return;
    default:
        trace_iommu_testdev_reg_ignored(addr, val);
        return;
    }
    trace_iommu_testdev_reg_write(addr, val);
}

/* Registers: 32-bit little-endian; an 8-byte access covers two of them. */
static const MemoryRegionOps iommu_testdev_reg_ops = {
    .read = iommu_testdev_reg_read,
    .write = iommu_testdev_reg_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* Buffer window: little-endian ops keep the bytes in memory order. */
static uint64_t iommu_testdev_buf_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    IommuTestDevState *s = opaque;
    uint64_t val = 0;

    for (unsigned i = 0; i < size; i++) {
        val |= (uint64_t)s->buf[addr + i] << (8 * i);
    }
    return val;
}

static void iommu_testdev_buf_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    IommuTestDevState *s = opaque;

    for (unsigned i = 0; i < size; i++) {
        s->buf[addr + i] = val >> (8 * i);
    }
}

static const MemoryRegionOps iommu_testdev_buf_ops = {
    .read = iommu_testdev_buf_read,
    .write = iommu_testdev_buf_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void iommu_testdev_realize(PCIDevice *pdev, Error **errp)
{
    IommuTestDevState *s = IOMMU_TESTDEV(pdev);

    memory_region_init(&s->bar, OBJECT(s), "iommu-testdev",
                       IOMMU_TESTDEV_BAR_SIZE);
    memory_region_init_io(&s->regs_mr, OBJECT(s), &iommu_testdev_reg_ops, s,
                          "iommu-testdev-regs", IOMMU_TESTDEV_BUF_OFFSET);
    memory_region_init_io(&s->buf_mr, OBJECT(s), &iommu_testdev_buf_ops, s,
                          "iommu-testdev-buf", IOMMU_TESTDEV_BUF_SIZE);
    memory_region_add_subregion(&s->bar, 0, &s->regs_mr);
    memory_region_add_subregion(&s->bar, IOMMU_TESTDEV_BUF_OFFSET,
                                &s->buf_mr);
    pci_register_bar(pdev, IOMMU_TESTDEV_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->bar);
}

/* The PCI core has unmapped the BAR already: the regions can go. */
static void iommu_testdev_exit(PCIDevice *pdev)
{
    IommuTestDevState *s = IOMMU_TESTDEV(pdev);

    memory_region_finalize(&s->bar);
    memory_region_finalize(&s->regs_mr);
    memory_region_finalize(&s->buf_mr);
}

static void iommu_testdev_reset(PCIDevice *pdev)
{
    IommuTestDevState *s = IOMMU_TESTDEV(pdev);

    s->dma_addr = 0;
    s->dma_len = 0;
    s->dma_status = IOMMU_TESTDEV_STATUS_OK;
    s->dma_count = 0;
    s->dma_result = MEMTX_OK;
    memset(s->buf, 0, sizeof(s->buf));
    trace_iommu_testdev_reset();
}

static void iommu_testdev_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    dc->desc = "IOMMU test device (synchronous DMA through the PHB IOMMU)";
    dc->user_creatable = true;
    pc->realize = iommu_testdev_realize;
    pc->exit = iommu_testdev_exit;
    pc->reset = iommu_testdev_reset;
    pc->vendor_id = IOMMU_TESTDEV_VENDOR_ID;
    pc->device_id = IOMMU_TESTDEV_DEVICE_ID;
    pc->revision = IOMMU_TESTDEV_REVISION;
    pc->class_id = IOMMU_TESTDEV_CLASS_ID;
}

static const TypeInfo iommu_testdev_types[] = {
    {
        .name = TYPE_IOMMU_TESTDEV,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(IommuTestDevState),
        .class_init = iommu_testdev_class_init,
    },
};

DEFINE_TYPES(iommu_testdev_types)
