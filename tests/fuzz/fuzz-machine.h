/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine every libFuzzer target of tests/fuzz/ feeds: built once per
 * process the way system/main.c builds it, and put back to its start state
 * after each input so that an input leaks nothing and runs alike whatever
 * ran before it.
 */
#ifndef TESTS_FUZZ_FUZZ_MACHINE_H
#define TESTS_FUZZ_FUZZ_MACHINE_H

#include "qemu/osdep.h"
#include "hw/ppc/spapr.h"

/* Guest RAM of the fuzzed machine. */
#define FUZZ_RAM_SIZE           (256ULL << 20)
/* Where the targets put RTAS argument and return cells in guest RAM. */
#define FUZZ_RTAS_ARGS          0x100000ULL
#define FUZZ_RTAS_RETS          0x101000ULL

/*
 * Once per process: a pseries machine with FUZZ_RAM_SIZE of RAM, a second
 * PHB (index 1, id phb1), a vfio-soft-host "h0" of IOMMU type @iommu_type
 * ("spapr-tce-v2" or "type1v2") and a vfio-pci function on it at 00:03.0
 * (id v0), the monitor commands, and the first reset.  Later calls return
 * the same machine.  Aborts on failure: a target without its machine
 * would find nothing.
 */
SpaprMachineState *fuzz_machine(const char *iommu_type);

/*
 * After each input: machine reset (every DMA window back to its default,
 * every TCE cleared, pending unplugs done), and the scratch RAM the
 * targets write cleared.
 */
void fuzz_machine_reset(void);

/* Sorted arrays of the RTAS tokens / hcall opcodes the machine registered. */
const uint32_t *fuzz_rtas_tokens(guint *n);
const uint64_t *fuzz_hcall_opcodes(guint *n);

#endif
