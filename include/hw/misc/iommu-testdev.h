/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iommu-testdev: a PCI function that performs one DMA per command through
 * its bus-master address space (i.e. the PHB's IOMMU), so that translation
 * can be tested from qtest or unit tests without a guest driver.  The
 * register map below is shared by the device and its tests; the full
 * description is docs/specs/iommu-testdev.md.
 *
 * BAR 0 (32-bit memory, 8 KiB):
 *   0x0000..0x0fff  registers, 32-bit little-endian (4- or 8-byte access)
 *   0x1000..0x1fff  the device's 4 KiB DMA buffer, byte addressable
 *                   (accesses of 1..8 bytes, memory byte order)
 *
 * DMA is synchronous: writing DMA_CMD performs the whole transfer before the
 * write returns, then DMA_STATUS / DMA_RESULT tell the outcome.
 */
#ifndef HW_MISC_IOMMU_TESTDEV_H
#define HW_MISC_IOMMU_TESTDEV_H

#include "hw/pci/pci.h"

#define TYPE_IOMMU_TESTDEV "iommu-testdev"

/* Ids: Red Hat's test vendor; 0x0005 is QEMU's pci-testdev, not reused. */
#define IOMMU_TESTDEV_VENDOR_ID         PCI_VENDOR_ID_REDHAT    /* 0x1b36 */
#define IOMMU_TESTDEV_DEVICE_ID         0x0105
#define IOMMU_TESTDEV_REVISION          0x01
#define IOMMU_TESTDEV_CLASS_ID          PCI_CLASS_OTHERS        /* 0xff00 */

#define IOMMU_TESTDEV_BAR               0
#define IOMMU_TESTDEV_BAR_SIZE          0x2000
#define IOMMU_TESTDEV_BUF_OFFSET        0x1000  /* buffer window in BAR 0 */
#define IOMMU_TESTDEV_BUF_SIZE          0x1000  /* = maximum DMA length */

/* Registers (offsets in BAR 0). */
#define IOMMU_TESTDEV_REG_ID            0x00    /* RO: IOMMU_TESTDEV_ID_VALUE */
#define IOMMU_TESTDEV_REG_VERSION       0x04    /* RO: IOMMU_TESTDEV_VERSION */
#define IOMMU_TESTDEV_REG_DMA_ADDR_LO   0x08    /* RW: bus address bits 31..0 */
#define IOMMU_TESTDEV_REG_DMA_ADDR_HI   0x0c    /* RW: bus address bits 63..32 */
#define IOMMU_TESTDEV_REG_DMA_LEN       0x10    /* RW: bytes, 1..4096 */
#define IOMMU_TESTDEV_REG_DMA_CMD       0x14    /* WO: start a DMA; reads 0 */
#define IOMMU_TESTDEV_REG_DMA_STATUS    0x18    /* RO: IOMMU_TESTDEV_STATUS_* */
#define IOMMU_TESTDEV_REG_DMA_COUNT     0x1c    /* RO: successful DMAs */
#define IOMMU_TESTDEV_REG_DMA_RESULT    0x20    /* RO: MemTxResult of last DMA */

#define IOMMU_TESTDEV_ID_VALUE          0x44544f49  /* bytes "IOTD" */
#define IOMMU_TESTDEV_VERSION           1

/* DMA_CMD values; the buffer side always starts at buffer offset 0. */
#define IOMMU_TESTDEV_CMD_DMA_READ      1   /* bus address -> buffer */
#define IOMMU_TESTDEV_CMD_DMA_WRITE     2   /* buffer -> bus address */

/* DMA_STATUS values (of the last command; 0 after reset). */
#define IOMMU_TESTDEV_STATUS_OK             0
#define IOMMU_TESTDEV_STATUS_TRANSLATION    1   /* MEMTX_TRANSLATION_ERROR */
#define IOMMU_TESTDEV_STATUS_PERMISSION     2   /* MEMTX_ACCESS_ERROR */
#define IOMMU_TESTDEV_STATUS_DECODE         3   /* MEMTX_DECODE_ERROR */
#define IOMMU_TESTDEV_STATUS_BUS_MASTER     4   /* Bus Master Enable clear */
#define IOMMU_TESTDEV_STATUS_BAD_LENGTH     5   /* DMA_LEN 0 or > 4096 */
#define IOMMU_TESTDEV_STATUS_BAD_COMMAND    6   /* unknown command */
#define IOMMU_TESTDEV_STATUS_DEVICE_ERROR   7   /* MEMTX_ERROR */

OBJECT_DECLARE_SIMPLE_TYPE(IommuTestDevState, IOMMU_TESTDEV)

struct IommuTestDevState {
    PCIDevice parent_obj;

    MemoryRegion bar;           /* container: regs + buf */
    MemoryRegion regs_mr;
    MemoryRegion buf_mr;

    uint64_t dma_addr;          /* bus address (iova) */
    uint32_t dma_len;
    uint32_t dma_status;
    uint32_t dma_count;
    uint32_t dma_result;        /* MemTxResult */
    bool dma_running;           /* a DMA is in progress (re-entry guard) */
    uint8_t buf[IOMMU_TESTDEV_BUF_SIZE];
};

#endif /* HW_MISC_IOMMU_TESTDEV_H */
