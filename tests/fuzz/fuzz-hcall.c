/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: hcall argument handling (hw/ppc/spapr_hcall.c and the
 * TCE hcalls of hw/ppc/spapr_iommu.c) on a machine whose default PHB has a
 * default window and a DDW, with a vfio-pci function behind a soft sPAPR
 * host listening to both, so that every accepted TCE reaches the host
 * IOMMU.  An input is a sequence of records:
 *   u8 sel < 0x80: hcall opcodes[sel % n] with 4 big-endian u64 arguments
 *   u8 sel >= 0x80: u8 page, 8 big-endian u64 written to guest RAM at
 *      FUZZ_LIST_BASE + (page % 16) * 4 KiB (TCE lists for _INDIRECT)
 */

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "fuzz-machine.h"

#define MAX_RECORDS     64
#define FUZZ_LIST_BASE  0x200000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t ld64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static void st32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* ibm,create-pe-dma-window on PHB 0: 64 KiB pages, 2^32 bytes at 2^59. */
static void create_ddw(SpaprMachineState *spapr)
{
    static const uint32_t cells[] = { 0, 0x08000000, 0x20000000, 16, 32 };
    uint8_t buf[4 * 5];

    for (int i = 0; i < 5; i++) {
        st32(buf + 4 * i, cells[i]);
    }
    address_space_write(&address_space_memory, FUZZ_RTAS_ARGS,
                        buf, sizeof(buf));
    spapr_rtas_call(spapr, spapr_rtas_token(spapr, "ibm,create-pe-dma-window"),
                    5, FUZZ_RTAS_ARGS, 4, FUZZ_RTAS_RETS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SpaprMachineState *spapr = fuzz_machine("spapr-tce-v2");
    const uint64_t *opcodes;
    guint nopcodes;
    size_t off = 0;

    opcodes = fuzz_hcall_opcodes(&nopcodes);
    create_ddw(spapr);
    for (int r = 0; r < MAX_RECORDS && off < size; r++) {
        uint8_t sel = data[off++];

        if (sel >= 0x80) {
            uint8_t page[64];

            if (off + 1 + sizeof(page) > size) {
                break;
            }
            memcpy(page, data + off + 1, sizeof(page));
            address_space_write(&address_space_memory,
                        FUZZ_LIST_BASE + (data[off] % 16) * 4096ULL,
                        page, sizeof(page));
            off += 1 + sizeof(page);
        } else {
            target_ulong args[SPAPR_HCALL_MAX_ARGS] = { 0 };

            for (int i = 0; i < 4 && off + 8 <= size; i++, off += 8) {
                args[i] = ld64(data + off);
            }
            spapr_hypercall(spapr, opcodes[sel % nopcodes], args);
        }
    }
    fuzz_machine_reset();
    return 0;
}
