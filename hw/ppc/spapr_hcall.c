/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hypercall dispatch by opcode, and the qtest "hcall" verb that enters it. */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "accel/kernel-tce.h"
#include "system/qtest.h"
#include "trace.h"

typedef struct SpaprHcall {
    target_ulong opcode;
    const char *name;
    unsigned nret;
    SpaprHcallFn *fn;
} SpaprHcall;

static bool spapr_hcall_opcode_valid(target_ulong opcode)
{
    if (opcode >= KVMPPC_HCALL_BASE) {
        return opcode <= KVMPPC_HCALL_BASE + 0xFFF;
    }
    return opcode && opcode <= MAX_HCALL_OPCODE && !(opcode & 3);
}

void spapr_register_hypercall(SpaprMachineState *spapr, target_ulong opcode,
                              const char *name, unsigned nret,
                              SpaprHcallFn *fn)
{
    SpaprHcall *hc = g_new0(SpaprHcall, 1);

    assert(spapr_hcall_opcode_valid(opcode));
    assert(nret <= SPAPR_HCALL_MAX_ARGS);
    assert(!g_hash_table_contains(spapr->hcalls, &opcode));
    hc->opcode = opcode;
    hc->name = name;
    hc->nret = nret;
    hc->fn = fn;
    g_hash_table_insert(spapr->hcalls, &hc->opcode, hc);
    g_hash_table_insert(spapr->hcalls_by_name, (gpointer)name, hc);
}

target_ulong spapr_hypercall(SpaprMachineState *spapr, target_ulong opcode,
                             target_ulong *args)
{
    SpaprHcall *hc = g_hash_table_lookup(spapr->hcalls, &opcode);
    target_ulong ret;

    /*
     * The kernel fast path first, as KVM runs its handlers before exiting
     * to user space: what it punts (H_TOO_HARD) is user space's whole call.
     */
    if (kernel_tce_level() != KERNEL_TCE_OFF) {
        int64_t kret = kernel_tce_hcall(opcode, args);

        if (kret != KERNEL_TCE_H_TOO_HARD) {
            spapr_tce_kernel_handled(spapr, args[0]);
            trace_spapr_hcall_kernel(opcode, kret);
            return kret;
        }
    }
    if (!hc) {
        trace_spapr_hcall_unknown(opcode);
        return H_FUNCTION;
    }
    ret = hc->fn(spapr, opcode, args);
    trace_spapr_hcall(hc->name, opcode, (int64_t)ret);
    return ret;
}

/*
 * qtest: "hcall <opcode|name> [arg...]" -> "OK <ret> [0x<out>...]".
 * <ret> is the H_* code in signed decimal; one 0x%016 value follows per
 * output the hypercall defines.  An unregistered opcode gives "OK -2"
 * (H_FUNCTION), as the guest would see it.
 */
static void qtest_hcall(gchar **words, GString *reply)
{
    SpaprMachineState *spapr = spapr_machine();
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { 0 };
    uint64_t opcode;
    unsigned nargs = g_strv_length(words) - 1;
    SpaprHcall *hc;
    target_ulong ret;

    if (!spapr) {
        g_string_append(reply, "FAIL no pseries machine");
        return;
    }
    if (nargs < 1) {
        g_string_append(reply, "FAIL hcall: missing opcode");
        return;
    }
    nargs--;
    if (nargs > SPAPR_HCALL_MAX_ARGS) {
        g_string_append_printf(reply, "FAIL hcall: at most %d arguments",
                               SPAPR_HCALL_MAX_ARGS);
        return;
    }
    hc = g_hash_table_lookup(spapr->hcalls_by_name, words[1]);
    if (hc) {
        opcode = hc->opcode;
    } else if (qemu_strtou64(words[1], &opcode) < 0) {
        g_string_append_printf(reply, "FAIL hcall: unknown hypercall '%s'",
                               words[1]);
        return;
    }
    for (unsigned i = 0; i < nargs; i++) {
        if (qemu_strtou64(words[2 + i], &args[i]) < 0) {
            g_string_append_printf(reply, "FAIL hcall: bad argument '%s'",
                                   words[2 + i]);
            return;
        }
    }
    hc = g_hash_table_lookup(spapr->hcalls, &opcode);
    ret = spapr_hypercall(spapr, opcode, args);
    g_string_append_printf(reply, "OK %" PRId64, (int64_t)ret);
    if (hc && ret == H_SUCCESS) {
        for (unsigned i = 0; i < hc->nret; i++) {
            g_string_append_printf(reply, " 0x%016" PRIx64, args[i]);
        }
    }
}

void spapr_hcall_init(SpaprMachineState *spapr)
{
    spapr->hcalls = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                          NULL, g_free);
    spapr->hcalls_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    qtest_register_command("hcall", qtest_hcall);
}
