/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A pseries guest's hypercalls, DDW and DRC RTAS calls over qtest. */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "spapr-guest.h"

int64_t guest_put_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                      uint64_t tce)
{
    uint64_t args[3] = { liobn, ioba, tce };

    return qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL);
}

int64_t guest_put_tce_indirect(QTestState *s, uint64_t liobn, uint64_t ioba,
                               uint64_t list, uint64_t n)
{
    uint64_t args[4] = { liobn, ioba, list, n };

    return qtest_hcall(s, "H_PUT_TCE_INDIRECT", 4, args, 0, NULL);
}

int64_t guest_put_tce_run(QTestState *s, uint64_t liobn, uint64_t ioba,
                          uint64_t gpa, uint64_t psize, uint32_t perm,
                          unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        qtest_writeq(s, GUEST_TCE_LIST + 8 * i,
                     perm ? (gpa + i * psize) | perm : 0);
    }
    return guest_put_tce_indirect(s, liobn, ioba, GUEST_TCE_LIST, n);
}

int64_t guest_stuff_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                        uint64_t tce, uint64_t n)
{
    uint64_t args[4] = { liobn, ioba, tce, n };

    return qtest_hcall(s, "H_STUFF_TCE", 4, args, 0, NULL);
}

int64_t guest_get_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                      uint64_t *tce)
{
    uint64_t args[2] = { liobn, ioba };

    return qtest_hcall(s, "H_GET_TCE", 2, args, 1, tce);
}

uint32_t guest_rtas(QTestState *s, const char *name, uint32_t nargs,
                    const uint32_t *args, uint32_t nret, uint32_t *rets)
{
    g_assert_cmpuint(nret, >=, 1);
    g_assert_cmpint(qtest_rtas_call(s, name, nargs, args, nret, rets), ==, 0);
    return rets[0];
}

uint32_t guest_ddw_query(QTestState *s, unsigned phb, uint32_t cfg_addr,
                         uint32_t *out)
{
    uint32_t args[] = { cfg_addr, GUEST_BUID_HI, GUEST_BUID_LO(phb) };
    uint32_t rets[6] = { 0 };
    uint32_t st = guest_rtas(s, "ibm,query-pe-dma-window", 3, args, 6, rets);

    if (out) {
        memcpy(out, rets + 1, 5 * sizeof(*out));
    }
    return st;
}

uint32_t guest_ddw_create(QTestState *s, unsigned phb, uint32_t cfg_addr,
                          uint32_t page_shift, uint32_t window_shift,
                          uint32_t *liobn, uint64_t *bus)
{
    uint32_t args[] = { cfg_addr, GUEST_BUID_HI, GUEST_BUID_LO(phb), page_shift,
                        window_shift };
    uint32_t rets[4] = { 0 };
    uint32_t st = guest_rtas(s, "ibm,create-pe-dma-window", 5, args, 4, rets);

    if (st == RTAS_STATUS_SUCCESS) {
        if (liobn) {
            *liobn = rets[1];
        }
        if (bus) {
            *bus = (uint64_t)rets[2] << 32 | rets[3];
        }
    }
    return st;
}

uint32_t guest_ddw_remove(QTestState *s, uint32_t liobn)
{
    uint32_t rets[1] = { 0xdeadbeef };

    return guest_rtas(s, "ibm,remove-pe-dma-window", 1, &liobn, 1, rets);
}

uint32_t guest_ddw_reset(QTestState *s, unsigned phb, uint32_t cfg_addr)
{
    uint32_t args[] = { cfg_addr, GUEST_BUID_HI, GUEST_BUID_LO(phb) };
    uint32_t rets[1] = { 0xdeadbeef };

    return guest_rtas(s, "ibm,reset-pe-dma-window", 3, args, 1, rets);
}

uint32_t guest_set_indicator(QTestState *s, uint32_t type, uint32_t index,
                             uint32_t value)
{
    uint32_t args[] = { type, index, value }, rets[1] = { 0xdeadbeef };

    return guest_rtas(s, "set-indicator", 3, args, 1, rets);
}

void guest_drc_configure(QTestState *s, uint32_t index)
{
    uint32_t args[] = { (uint32_t)GUEST_CC_WORK_AREA,
                        (uint32_t)(GUEST_CC_WORK_AREA >> 32) };
    uint32_t rets[1];
    int32_t st;
    int steps = 0;

    g_assert_cmphex(guest_set_indicator(s, GUEST_ISOLATION_STATE, index, 1), ==,
                    0);
    do {
        qtest_writel(s, GUEST_CC_WORK_AREA, index);
        st =
            (int32_t)guest_rtas(s, "ibm,configure-connector", 2, args, 1, rets);
        g_assert_cmpint(++steps, <, 1000);
    } while (st == 2 || st == 3 || st == 4);
    g_assert_cmpint(st, ==, 0);
}

void guest_drc_isolate(QTestState *s, uint32_t index)
{
    g_assert_cmphex(guest_set_indicator(s, GUEST_ISOLATION_STATE, index, 0), ==,
                    0);
}

char *guest_kvm_log(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio-kvm\"}");
    char *r = g_strdup(json_object_get_string_member(
        json_object_get_object_member(rsp, "return"), "log"));

    json_object_unref(rsp);
    return r;
}

char *guest_migrate_wait(QTestState *s, char **error_desc)
{
    for (;;) {
        JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"query-migrate\"}");
        JsonObject *r = json_object_get_object_member(rsp, "return");
        const char *st = json_object_has_member(r, "status")
                             ? json_object_get_string_member(r, "status")
                             : "";
        char *ret = g_strdup(st);

        if (strcmp(st, "setup") && strcmp(st, "active")) {
            if (error_desc) {
                *error_desc = json_object_has_member(r, "error-desc")
                                  ? g_strdup(json_object_get_string_member(
                                        r, "error-desc"))
                                  : NULL;
            }
            json_object_unref(rsp);
            return ret;
        }
        g_free(ret);
        json_object_unref(rsp);
    }
}
