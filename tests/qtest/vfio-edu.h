/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the VFIO qtests share to drive a vfio-pci function as a guest would:
 * its config space through a PHB's RTAS calls, the edu-compatible
 * function's registers and DMA (include/hw/vfio/soft-edu.h), and the soft
 * host's read-back.
 */
#ifndef TESTS_QTEST_VFIO_EDU_H
#define TESTS_QTEST_VFIO_EDU_H

#include "qemu/osdep.h"
#include "libqtest.h"

/*
 * ibm,read-pci-config / ibm,write-pci-config of @size bytes at @cfg_addr
 * behind PHB @phb (BUID 0x800000020000000 + @phb); the call must succeed.
 */
uint32_t vfio_test_cfg_read(QTestState *s, unsigned phb, uint32_t cfg_addr,
                            uint32_t size);
void vfio_test_cfg_write(QTestState *s, unsigned phb, uint32_t cfg_addr,
                         uint32_t size, uint32_t val);

/* edu's little-endian registers in the BAR at CPU address @bar. */
void edu_reg_write(QTestState *s, uint64_t bar, uint32_t reg, uint32_t val);
uint32_t edu_reg_read(QTestState *s, uint64_t bar, uint32_t reg);

/*
 * One DMA of @len bytes from @src to @dst (@cmd: direction bits); checks
 * the start bit reads 0 again (the model is synchronous) and returns the
 * status register.
 */
uint32_t edu_dma(QTestState *s, uint64_t bar, uint64_t src, uint64_t dst,
                 uint32_t len, uint32_t cmd);

/*
 * x-query-vfio-soft of host @id: the number of live instances in
 * *@instances, and the first one's mappings (-1 without any instance).
 */
int64_t vfio_test_soft_mappings(QTestState *s, const char *id,
                                unsigned *instances);

#endif /* TESTS_QTEST_VFIO_EDU_H */
