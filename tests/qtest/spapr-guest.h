/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a pseries guest does over qtest, shared by the qtests and the
 * functional test: the TCE hypercalls, the DDW RTAS calls of a PHB, the
 * DRC flows (unisolate and configure-connector walk, isolate), and a few
 * QMP read-backs the tests compare after them.
 */
#ifndef TESTS_QTEST_SPAPR_GUEST_H
#define TESTS_QTEST_SPAPR_GUEST_H

#include "qemu/osdep.h"
#include "libqtest.h"

/* BUID of PHB @phb, in the two cells the RTAS calls take. */
#define GUEST_BUID_HI           0x08000000U
#define GUEST_BUID_LO(phb)      (0x20000000U + (phb))

/* Guest page guest_put_tce_run() writes its TCE list to. */
#define GUEST_TCE_LIST          0x400000ULL

/* Guest page guest_drc_configure() uses as its work area. */
#define GUEST_CC_WORK_AREA      0x700000ULL

/* set-indicator's isolation-state indicator. */
#define GUEST_ISOLATION_STATE   9001U

/* ---- TCE hypercalls: each returns the H_* code (signed) ---- */

/* H_PUT_TCE of @tce at @ioba of the window @liobn. */
int64_t guest_put_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                      uint64_t tce);

/*
 * H_PUT_TCE_INDIRECT of the @n TCEs at guest address @list, as they are
 * (nothing is written there first).
 */
int64_t guest_put_tce_indirect(QTestState *s, uint64_t liobn, uint64_t ioba,
                               uint64_t list, uint64_t n);

/*
 * Writes @n TCEs to GUEST_TCE_LIST (TCE i: (@gpa + i * @psize) |
 * @perm, or 0 when @perm is 0) and makes H_PUT_TCE_INDIRECT of them at
 * @ioba.
 */
int64_t guest_put_tce_run(QTestState *s, uint64_t liobn, uint64_t ioba,
                          uint64_t gpa, uint64_t psize, uint32_t perm,
                          unsigned n);

/* H_STUFF_TCE: @tce into @n entries from @ioba. */
int64_t guest_stuff_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                        uint64_t tce, uint64_t n);

/* H_GET_TCE of @ioba; the TCE in *@tce (0 when the reply carries none). */
int64_t guest_get_tce(QTestState *s, uint64_t liobn, uint64_t ioba,
                      uint64_t *tce);

/* ---- RTAS: each returns the status cell (rets[0]) ---- */

/*
 * RTAS call @name with @nargs cells @args and @nret (>= 1) cells into
 * @rets; the binary must know the function (the test fails otherwise).
 */
uint32_t guest_rtas(QTestState *s, const char *name, uint32_t nargs,
                    const uint32_t *args, uint32_t nret, uint32_t *rets);

/*
 * ibm,query-pe-dma-window through the function at config address
 * @cfg_addr behind PHB @phb; the five output cells (available windows,
 * largest block, page sizes, ...) in @out when not NULL.
 */
uint32_t guest_ddw_query(QTestState *s, unsigned phb, uint32_t cfg_addr,
                         uint32_t *out);

/*
 * ibm,create-pe-dma-window of 2^@window_shift bytes of 2^@page_shift
 * pages through @cfg_addr behind PHB @phb.  On RTAS_STATUS_SUCCESS the new
 * window's LIOBN is in *@liobn and its bus address in *@bus (each when not
 * NULL); otherwise both are untouched.
 */
uint32_t guest_ddw_create(QTestState *s, unsigned phb, uint32_t cfg_addr,
                          uint32_t page_shift, uint32_t window_shift,
                          uint32_t *liobn, uint64_t *bus);

/* ibm,remove-pe-dma-window of the window @liobn. */
uint32_t guest_ddw_remove(QTestState *s, uint32_t liobn);

/* ibm,reset-pe-dma-window through @cfg_addr behind PHB @phb. */
uint32_t guest_ddw_reset(QTestState *s, unsigned phb, uint32_t cfg_addr);

/* set-indicator of indicator @type of DRC @index to @value. */
uint32_t guest_set_indicator(QTestState *s, uint32_t type, uint32_t index,
                             uint32_t value);

/*
 * The guest takes DRC @index: unisolates it (the call must return 0) and
 * walks ibm,configure-connector (work area GUEST_CC_WORK_AREA)
 * until it returns 0 (anything but 0 or "more to come" fails the test, as
 * do 1000 steps).
 */
void guest_drc_configure(QTestState *s, uint32_t index);

/* The guest isolates DRC @index (releasing it); the call must return 0. */
void guest_drc_isolate(QTestState *s, uint32_t index);

/* ---- QMP read-back ---- */

/* The KVM-VFIO stand-in's record since start (x-query-vfio-kvm "log"). */
char *guest_kvm_log(QTestState *s);

/*
 * query-migrate's status ("" for none), polled until it is neither
 * "setup" nor "active"; its error-desc in *@error_desc (NULL without one)
 * when @error_desc is not NULL.  Caller frees.
 */
char *guest_migrate_wait(QTestState *s, char **error_desc);

#endif /* TESTS_QTEST_SPAPR_GUEST_H */
