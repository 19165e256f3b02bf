/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the argument decoding of every RTAS call the machine
 * registers (hw/ppc/spapr_rtas*.c, the PCI, DRC and event calls).  An
 * input is a sequence of calls, each
 *   u8 token index (into the sorted registered tokens; 0xff: next u32 is
 *      a raw token), u8 nargs, u8 nret, nargs big-endian u32 cells
 * so that create/remove/reset/hotplug sequences are reachable.  Each call
 * goes in as a guest makes it: a KVMPPC_H_RTAS buffer (token, nargs, nret,
 * the cells, return cells pre-filled) in guest RAM, then the hcall.
 */

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "fuzz-machine.h"

#define MAX_CALLS       32
#define MAX_CELLS       24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void st32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SpaprMachineState *spapr = fuzz_machine("spapr-tce-v2");
    const uint32_t *tokens;
    guint ntokens;
    size_t off = 0;

    tokens = fuzz_rtas_tokens(&ntokens);
    for (int c = 0; c < MAX_CALLS && off + 3 <= size; c++) {
        uint8_t buf[4 * (3 + 2 * MAX_CELLS)];
        target_ulong args[SPAPR_HCALL_MAX_ARGS] = { FUZZ_RTAS_ARGS };
        uint32_t token, nargs, nret;

        if (data[off] == 0xff) {
            if (off + 7 > size) {
                break;
            }
            token = ld32(data + off + 1);
            off += 4;
        } else {
            token = tokens[data[off] % ntokens];
        }
        /* Up to MAX_CELLS real cells; a huge count now and then. */
        nargs = data[off + 1] == 0xff ? 0xffffffffu : data[off + 1] % MAX_CELLS;
        nret = data[off + 2] == 0xff ? 0xffffffffu : data[off + 2] % MAX_CELLS;
        off += 3;
        memset(buf, 0xde, sizeof(buf));
        st32(buf, token);
        st32(buf + 4, nargs);
        st32(buf + 8, nret);
        for (unsigned i = 0; i < MIN(nargs, MAX_CELLS); i++) {
            if (off + 4 <= size) {
                memcpy(buf + 12 + 4 * i, data + off, 4);
                off += 4;
            } else {
                st32(buf + 12 + 4 * i, 0);
            }
        }
        address_space_write(&address_space_memory, FUZZ_RTAS_ARGS,
                        buf, sizeof(buf));
        spapr_hypercall(spapr, KVMPPC_H_RTAS, args);
    }
    fuzz_machine_reset();
    return 0;
}
