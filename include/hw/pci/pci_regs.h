/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration space layout: offsets and bits of the type 0 header
 * (PCI Local Bus Specification 3.0, chapter 6).  Facts only.
 */
#ifndef HW_PCI_PCI_REGS_H
#define HW_PCI_PCI_REGS_H

#define PCI_CONFIG_SPACE_SIZE           0x100
#define PCIE_CONFIG_SPACE_SIZE          0x1000

#define PCI_VENDOR_ID                   0x00    /* 16 bits */
#define PCI_DEVICE_ID                   0x02    /* 16 bits */

#define PCI_COMMAND                     0x04    /* 16 bits */
#define  PCI_COMMAND_IO                 0x0001  /* respond to I/O space */
#define  PCI_COMMAND_MEMORY             0x0002  /* respond to memory space */
#define  PCI_COMMAND_MASTER             0x0004  /* bus mastering (DMA) */
#define  PCI_COMMAND_SPECIAL            0x0008
#define  PCI_COMMAND_INVALIDATE         0x0010
#define  PCI_COMMAND_VGA_PALETTE        0x0020
#define  PCI_COMMAND_PARITY             0x0040
#define  PCI_COMMAND_WAIT               0x0080
#define  PCI_COMMAND_SERR               0x0100
#define  PCI_COMMAND_FAST_BACK          0x0200
#define  PCI_COMMAND_INTX_DISABLE       0x0400

#define PCI_STATUS                      0x06    /* 16 bits */
#define  PCI_STATUS_INTERRUPT           0x0008
#define  PCI_STATUS_CAP_LIST            0x0010
#define  PCI_STATUS_66MHZ               0x0020
#define  PCI_STATUS_FAST_BACK           0x0080
#define  PCI_STATUS_PARITY              0x0100  /* master data parity error */
#define  PCI_STATUS_DEVSEL_MASK         0x0600
#define  PCI_STATUS_SIG_TARGET_ABORT    0x0800
#define  PCI_STATUS_REC_TARGET_ABORT    0x1000
#define  PCI_STATUS_REC_MASTER_ABORT    0x2000
#define  PCI_STATUS_SIG_SYSTEM_ERROR    0x4000
#define  PCI_STATUS_DETECTED_PARITY     0x8000

#define PCI_CLASS_REVISION              0x08    /* revision + class, 32 bits */
#define PCI_REVISION_ID                 0x08
#define PCI_CLASS_PROG                  0x09
#define PCI_CLASS_DEVICE                0x0a    /* 16 bits: base + sub class */
#define PCI_CACHE_LINE_SIZE             0x0c
#define PCI_LATENCY_TIMER               0x0d
#define PCI_HEADER_TYPE                 0x0e
#define  PCI_HEADER_TYPE_NORMAL         0x00
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BIST                        0x0f

#define PCI_BASE_ADDRESS_0              0x10    /* 32 bits each */
#define PCI_BASE_ADDRESS_1              0x14
#define PCI_BASE_ADDRESS_2              0x18
#define PCI_BASE_ADDRESS_3              0x1c
#define PCI_BASE_ADDRESS_4              0x20
#define PCI_BASE_ADDRESS_5              0x24
#define  PCI_BASE_ADDRESS_SPACE         0x01
#define  PCI_BASE_ADDRESS_SPACE_IO      0x01
#define  PCI_BASE_ADDRESS_SPACE_MEMORY  0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x06
#define  PCI_BASE_ADDRESS_MEM_TYPE_32   0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define  PCI_BASE_ADDRESS_MEM_MASK      (~0x0fULL)
#define  PCI_BASE_ADDRESS_IO_MASK       (~0x03ULL)

#define PCI_CARDBUS_CIS                 0x28
#define PCI_SUBSYSTEM_VENDOR_ID         0x2c
#define PCI_SUBSYSTEM_ID                0x2e
#define PCI_ROM_ADDRESS                 0x30
#define  PCI_ROM_ADDRESS_ENABLE         0x01
#define PCI_CAPABILITY_LIST             0x34
#define PCI_INTERRUPT_LINE              0x3c
#define PCI_INTERRUPT_PIN               0x3d
#define PCI_MIN_GNT                     0x3e
#define PCI_MAX_LAT                     0x3f

/* Class codes used in this tree (base class << 8 | sub class). */
#define PCI_CLASS_OTHERS                0xff00
#define PCI_CLASS_BRIDGE_HOST           0x0600

#endif /* HW_PCI_PCI_REGS_H */
