/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RTAS: the call table (by token and by name), get-time-of-day, qtest "rtas". */

#include "qemu/osdep.h"
#include <time.h>
#include "qemu/cutils.h"
#include "hw/ppc/spapr.h"
#include "system/qtest.h"
#include "trace.h"

/* token, nargs, nret: the cells before the inputs of a KVMPPC_H_RTAS buffer. */
#define RTAS_HEADER_BYTES 12

/* Real-mode accesses ignore the top 4 address bits (PAPR real addressing). */
static hwaddr ppc64_phys_to_real(hwaddr addr)
{
    return addr & ~0xF000000000000000ULL;
}

uint32_t rtas_ld(target_ulong phys, int n)
{
    MemTxResult res;

    return address_space_ldl_be(&address_space_memory,
                                ppc64_phys_to_real(phys + 4 * (hwaddr)n), &res);
}

void rtas_st(target_ulong phys, int n, uint32_t val)
{
    MemTxResult res;

    address_space_stl_be(&address_space_memory,
                         ppc64_phys_to_real(phys + 4 * (hwaddr)n), val, &res);
}

void spapr_rtas_register(SpaprMachineState *spapr, uint32_t token,
                         const char *name, SpaprRtasFn *fn)
{
    uint32_t slot = token - RTAS_TOKEN_BASE;

    assert(token >= RTAS_TOKEN_BASE && token < RTAS_TOKEN_MAX);
    assert(!spapr->rtas_table[slot].fn);
    spapr->rtas_table[slot].name = name;
    spapr->rtas_table[slot].fn = fn;
    g_hash_table_insert(spapr->rtas_by_name, (gpointer)name,
                        GUINT_TO_POINTER(token));
}

uint32_t spapr_rtas_token(SpaprMachineState *spapr, const char *name)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(spapr->rtas_by_name, name));
}

target_ulong spapr_rtas_call(SpaprMachineState *spapr, uint32_t token,
                             uint32_t nargs, target_ulong args,
                             uint32_t nret, target_ulong rets)
{
    if (token >= RTAS_TOKEN_BASE && token < RTAS_TOKEN_MAX &&
        spapr->rtas_table[token - RTAS_TOKEN_BASE].fn) {
        const char *name = spapr->rtas_table[token - RTAS_TOKEN_BASE].name;

        trace_spapr_rtas_call(name, token, nargs, nret);
        spapr->rtas_table[token - RTAS_TOKEN_BASE].fn(spapr, token, nargs,
                                                      args, nret, rets);
        return H_SUCCESS;
    }
    trace_spapr_rtas_unknown(token);
    if (nret > 0) {
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
    }
    return H_PARAMETER;
}

/* get-time-of-day: 0 inputs; status, year, month, day, hour, min, sec, ns. */
static void rtas_get_time_of_day(SpaprMachineState *spapr, uint32_t token,
                                 uint32_t nargs, target_ulong args,
                                 uint32_t nret, target_ulong rets)
{
    struct timespec ts;
    struct tm tm;

    if (nargs != 0 || nret != 8) {
        if (nret > 0) {
            rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        }
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
    rtas_st(rets, 1, tm.tm_year + 1900);
    rtas_st(rets, 2, tm.tm_mon + 1);
    rtas_st(rets, 3, tm.tm_mday);
    rtas_st(rets, 4, tm.tm_hour);
    rtas_st(rets, 5, tm.tm_min);
    rtas_st(rets, 6, tm.tm_sec);
    rtas_st(rets, 7, ts.tv_nsec);
}

/*
 * Output cells an RTAS call may write: nret, but at least rets[0], because
 * the handlers store their status there even when the caller passed
 * nret == 0 (QEMU does; docs/user/tce-hypercalls.md).
 */
static hwaddr rtas_written_cells(uint32_t nret)
{
    return MAX(nret, 1);
}

/*
 * KVMPPC_H_RTAS: the guest's RTAS blob passes the address of a buffer holding
 * token, nargs, nret, then the argument and return cells.  The whole buffer
 * as the call will touch it (the 3 header cells, nargs inputs and
 * rtas_written_cells(nret) outputs) must be guest RAM, or the hcall fails
 * with H_PARAMETER before any handler runs.
 */
static target_ulong h_rtas(SpaprMachineState *spapr, target_ulong opcode,
                           target_ulong *args)
{
    target_ulong buf = ppc64_phys_to_real(args[0]);
    uint32_t token, nargs, nret;
    hwaddr len;

    if (!spapr_gpa_range_in_ram(spapr, buf, RTAS_HEADER_BYTES)) {
        trace_spapr_rtas_bad_buffer(buf, 0, 0, RTAS_HEADER_BYTES);
        return H_PARAMETER;
    }
    token = rtas_ld(buf, 0);
    nargs = rtas_ld(buf, 1);
    nret = rtas_ld(buf, 2);
    len = RTAS_HEADER_BYTES + 4 * ((hwaddr)nargs + rtas_written_cells(nret));
    if (!spapr_gpa_range_in_ram(spapr, buf, len)) {
        trace_spapr_rtas_bad_buffer(buf, nargs, nret, len);
        return H_PARAMETER;
    }
    return spapr_rtas_call(spapr, token, nargs, buf + RTAS_HEADER_BYTES, nret,
                           buf + RTAS_HEADER_BYTES + 4 * (hwaddr)nargs);
}

/*
 * qtest: "rtas NAME NARGS ARGS NRET RETS".  QEMU replies "OK 0" when the name
 * exists and "OK 18446744073709551612" (H_PARAMETER as unsigned) when it does
 * not; the RTAS status is in rets[0].  Unlike QEMU 7.2, a short line or cell
 * arrays outside guest RAM get "FAIL ..." instead of a crash.
 */
static void qtest_rtas(gchar **words, GString *reply)
{
    SpaprMachineState *spapr = spapr_machine();
    uint64_t nargs, args, nret, rets;
    uint32_t token;

    if (!spapr) {
        g_string_append(reply, "FAIL no pseries machine");
        return;
    }
    if (g_strv_length(words) != 6) {
        g_string_append(reply, "FAIL rtas: expected NAME NARGS ARGS NRET RETS");
        return;
    }
    if (qemu_strtou64(words[2], &nargs) < 0 || nargs > 1024 ||
        qemu_strtou64(words[3], &args) < 0 ||
        qemu_strtou64(words[4], &nret) < 0 || nret > 1024 ||
        qemu_strtou64(words[5], &rets) < 0) {
        g_string_append(reply, "FAIL rtas: bad number");
        return;
    }
    if (!spapr_gpa_range_in_ram(spapr, ppc64_phys_to_real(args), 4 * nargs) ||
        !spapr_gpa_range_in_ram(spapr, ppc64_phys_to_real(rets),
                                4 * rtas_written_cells(nret))) {
        g_string_append(reply, "FAIL rtas: argument cells outside guest RAM");
        return;
    }
    token = spapr_rtas_token(spapr, words[1]);
    if (!token) {
        trace_spapr_rtas_unknown_name(words[1]);
        g_string_append_printf(reply, "OK %" PRIu64, (uint64_t)H_PARAMETER);
        return;
    }
    spapr_rtas_call(spapr, token, nargs, args, nret, rets);
    g_string_append(reply, "OK 0");
}

void spapr_rtas_init(SpaprMachineState *spapr)
{
    spapr->rtas_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    spapr_rtas_register(spapr, RTAS_GET_TIME_OF_DAY, "get-time-of-day",
                        rtas_get_time_of_day);
    spapr_register_hypercall(spapr, KVMPPC_H_RTAS, "KVMPPC_H_RTAS", 0, h_rtas);
    qtest_register_command("rtas", qtest_rtas);
}
