/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The soft host's edu-compatible device: a VFIODeviceOps back end that looks
 * like QEMU's `edu` PCI device seen through vfio-pci, with a DMA engine that
 * reaches process memory only through a software host IOMMU's mappings.
 *
 * docs/devel/vfio-device.md describes the model and where it differs from
 * QEMU's edu; the contracts are here.
 *
 * Regions: BAR0 (1 MiB, read/write, not mmappable: every access is a
 * register access) and the config region (256 bytes, read/write); every
 * other index of the 9 has size 0.  Device flags: RESET | PCI.
 *
 * DMA: runs synchronously inside the BAR0 write of the command register
 * (no timer): when that write returns, the transfer has landed or failed,
 * and the start bit reads 0 again.  The address on the RAM side is first
 * masked with dma_mask, as edu does, then translated page by page through
 * the attached VFIOSoftIOMMU (vfio_soft_translate(): read access for
 * RAM -> device, write access for device -> RAM).  The whole transfer is
 * translated before a byte moves, so a transfer that meets an unmapped
 * IOVA or a mapping without the needed permission moves nothing.  A failed
 * transfer (translation fault, buffer range outside 0x40000..0x40fff, no
 * IOMMU attached, bus master off) sets VFIO_SOFT_EDU_STATUS_DMA_FAULT in
 * the status register and traces why; the start bit clears as on success.
 *
 * The memory a mapping points to is trusted to be this process's memory
 * (the container maps guest RAM only); the device never checks it.
 */
#ifndef HW_VFIO_SOFT_EDU_H
#define HW_VFIO_SOFT_EDU_H

#include "qemu/osdep.h"
#include "hw/vfio/vfio-device.h"
#include "hw/vfio/iommu-soft.h"

/* Identity, as QEMU's edu (docs/devel/vfio-device.md). */
#define VFIO_SOFT_EDU_VENDOR_ID     0x1234
#define VFIO_SOFT_EDU_DEVICE_ID     0x11e8
#define VFIO_SOFT_EDU_REVISION      0x10
#define VFIO_SOFT_EDU_CLASS         0x00ff    /* config bytes 0x0a-0x0b */
#define VFIO_SOFT_EDU_SUBVENDOR_ID  0x1af4
#define VFIO_SOFT_EDU_SUBSYSTEM_ID  0x1100
#define VFIO_SOFT_EDU_CONFIG_SIZE   256
#define VFIO_SOFT_EDU_BAR0_SIZE     (1u << 20)
#define VFIO_SOFT_EDU_NUM_REGIONS   9

/* BAR0 registers (offsets); below 0x80 only 4-byte accesses, 4 or 8 above. */
#define VFIO_SOFT_EDU_REG_ID        0x00    /* reads 0x010000ed */
#define VFIO_SOFT_EDU_REG_LIVENESS  0x04    /* reads ~(last value written) */
#define VFIO_SOFT_EDU_REG_FACT      0x08    /* write n, read n! (mod 2^32) */
#define VFIO_SOFT_EDU_REG_STATUS    0x20
#define VFIO_SOFT_EDU_REG_IRQ_STATUS 0x24
#define VFIO_SOFT_EDU_REG_IRQ_RAISE 0x60
#define VFIO_SOFT_EDU_REG_IRQ_ACK   0x64
#define VFIO_SOFT_EDU_REG_DMA_SRC   0x80
#define VFIO_SOFT_EDU_REG_DMA_DST   0x88
#define VFIO_SOFT_EDU_REG_DMA_COUNT 0x90
#define VFIO_SOFT_EDU_REG_DMA_CMD   0x98

#define VFIO_SOFT_EDU_ID            0x010000edu

/* Status register bits. */
#define VFIO_SOFT_EDU_STATUS_COMPUTING 0x01   /* never seen: synchronous */
#define VFIO_SOFT_EDU_STATUS_IRQFACT   0x80   /* guest-writable, as edu */
/*
 * Extension (edu has no error bit): the last DMA failed.  Set when a
 * transfer fails, cleared when a transfer starts, on reset, and never by a
 * status write.  Reads 0 on a real edu.
 */
#define VFIO_SOFT_EDU_STATUS_DMA_FAULT 0x100

/* Interrupt status bits (recorded only: no interrupt is delivered). */
#define VFIO_SOFT_EDU_IRQ_FACT      0x001
#define VFIO_SOFT_EDU_IRQ_DMA       0x100

/* DMA command register bits. */
#define VFIO_SOFT_EDU_DMA_START     0x1     /* write 1: run; reads 0 after */
#define VFIO_SOFT_EDU_DMA_TO_RAM    0x2     /* 0: RAM -> buffer, 1: buffer -> RAM */
#define VFIO_SOFT_EDU_DMA_IRQ       0x4     /* set IRQ_DMA when done */

/* The device's DMA buffer, as seen in the DMA address registers. */
#define VFIO_SOFT_EDU_BUF_ADDR      0x40000
#define VFIO_SOFT_EDU_BUF_SIZE      4096

/* QEMU's edu default: 28-bit DMA addresses. */
#define VFIO_SOFT_EDU_DEFAULT_DMA_MASK ((1ull << 28) - 1)

typedef struct VFIOSoftEdu VFIOSoftEdu;

typedef struct VFIOSoftEduConfig {
    /* Mask applied to the RAM-side DMA address; 0: the 28-bit default. */
    uint64_t dma_mask;
} VFIOSoftEduConfig;

/* What the device did, for tests and the monitor. */
typedef struct VFIOSoftEduStats {
    uint64_t dma_done;          /* transfers that moved their bytes */
    uint64_t dma_faults;        /* transfers that failed (any reason) */
    uint64_t resets;
    hwaddr last_fault_iova;     /* IOVA of the last translation fault */
} VFIOSoftEduStats;

/*
 * A new device in its reset state, attached to no IOMMU (every DMA fails
 * until vfio_soft_edu_set_iommu()).  @cfg may be NULL.  Free it with
 * vfio_device_release() on vfio_soft_edu_device().
 */
VFIOSoftEdu *vfio_soft_edu_new(const VFIOSoftEduConfig *cfg);

/* The ops view of @e, and back (NULL if @dev is not a soft edu). */
VFIODevice *vfio_soft_edu_device(VFIOSoftEdu *e);
VFIOSoftEdu *vfio_soft_edu_from_device(VFIODevice *dev);

extern const VFIODeviceOps vfio_soft_edu_ops;

/*
 * The host IOMMU the device's DMA goes through (its group's container);
 * NULL detaches.  The caller detaches before releasing that IOMMU.
 */
void vfio_soft_edu_set_iommu(VFIOSoftEdu *e, VFIOSoftIOMMU *iommu);

VFIOSoftEduStats vfio_soft_edu_get_stats(VFIOSoftEdu *e);

/* The 4 KiB DMA buffer (read-only view; edu does not expose it in BAR0). */
const uint8_t *vfio_soft_edu_buffer(VFIOSoftEdu *e);

#endif /* HW_VFIO_SOFT_EDU_H */
