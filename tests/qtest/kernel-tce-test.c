/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel TCE fast path stand-in end to end: -accel qtest,kernel-tce=
 * off|on, TCE hcalls answered by the "kernel" or punted to user space,
 * table owners in x-query-spapr-tce, and a vfio-pci on a soft host moving
 * the table to user space so that its host mappings follow the guest view.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/vfio/soft-edu.h"
#include "libqtest.h"
#include "vfio-edu.h"

#define H_SUCCESS       0
#define H_PARAMETER     (-4)
#define LIOBN           0x80000000ULL
#define CFG(reg)        (0x1800U | (reg))       /* bus 0, devfn 3.0 */
#define BAR             ((1ULL << 45) + 0x80000000ULL)
#define LIST_GPA        0x400000ULL

static int64_t hc(QTestState *s, const char *name, uint64_t a0, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t *out)
{
    uint64_t args[4] = { a0, a1, a2, a3 };

    return qtest_hcall(s, name, 4, args, out ? 1 : 0, out);
}

static uint64_t get_tce(QTestState *s, uint64_t ioba)
{
    uint64_t tce = 0xdead;

    g_assert_cmpint(hc(s, "H_GET_TCE", LIOBN, ioba, 0, 0, &tce), ==,
                    H_SUCCESS);
    return tce;
}

/* One member of the default window's x-query-spapr-tce entry. */
static JsonObject *query(QTestState *s)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", "
                                "\"arguments\": {\"liobn\": %" PRIu64 "}}", (uint64_t)
                                LIOBN);
    JsonObject *t = json_array_get_object_element(
        json_object_get_array_member(rsp, "return"), 0);

    json_object_ref(t);
    json_object_unref(rsp);
    return t;
}

static void check_table(QTestState *s, const char *owner, bool need_vfio,
                        int64_t valid)
{
    JsonObject *t = query(s);

    g_assert_cmpstr(json_object_get_string_member(t, "owner"), ==, owner);
    g_assert_cmpint(json_object_get_boolean_member(t, "need-vfio"), ==,
                    need_vfio);
    g_assert_cmpint(json_object_get_int_member(t, "valid-entries"), ==, valid);
    json_object_unref(t);
}

static void test_off(void)
{
    QTestState *s = qtest_init("-M pseries -accel qtest,kernel-tce=off");

    check_table(s, "user", false, 0);
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x1000, 0x12340003, 0, NULL),
                    ==, H_SUCCESS);
    /* user space rounds a misaligned ioba down */
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x2001, 0x22000003, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(s, 0x2000), ==, 0x22000003);
    check_table(s, "user", false, 2);
    qtest_quit(s);
}

/* The kernel's rules, and what it punts to user space. */
static void test_on_hcalls(void)
{
    QTestState *s = qtest_init("-M pseries -accel qtest,kernel-tce=on");
    uint64_t list[4];

    check_table(s, "kernel", false, 0);
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x1000, 0x12340003, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(s, 0x1000), ==, 0x12340003);
    /* the kernel refuses a misaligned ioba (user space would round it) */
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x2001, 0x22000003, 0, NULL),
                    ==, H_PARAMETER);
    /* a TCE outside RAM: punted; user space answers H_PARAMETER */
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x2000, 0x40000001, 0, NULL),
                    ==, H_PARAMETER);
    /* a poisoned entry is stored verbatim */
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x3000, 0xdead000, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmphex(get_tce(s, 0x3000), ==, 0xdead000);
    /* the kernel only clears with STUFF */
    g_assert_cmpint(hc(s, "H_STUFF_TCE", LIOBN, 0x4000, 0x5003, 4, NULL),
                    ==, H_PARAMETER);
    g_assert_cmphex(get_tce(s, 0x4000), ==, 0);
    /* INDIRECT in the kernel */
    for (unsigned i = 0; i < 4; i++) {
        list[i] = GUINT64_TO_BE(0x100000 + i * 0x1000 + 3);
    }
    qtest_memwrite(s, LIST_GPA, list, sizeof(list));
    g_assert_cmpint(hc(s, "H_PUT_TCE_INDIRECT", LIOBN, 0x10000, LIST_GPA, 4,
                       NULL), ==, H_SUCCESS);
    g_assert_cmphex(get_tce(s, 0x13000), ==, 0x103003);
    /* user space reads the kernel's table: 5 valid, 1 poisoned */
    check_table(s, "kernel", false, 5);
    g_assert_cmpint(hc(s, "H_STUFF_TCE", LIOBN, 0x10000, 0, 4, NULL),
                    ==, H_SUCCESS);
    check_table(s, "kernel", false, 1);
    /* a reset clears the kernel's table */
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    check_table(s, "kernel", false, 0);
    g_assert_cmphex(get_tce(s, 0x3000), ==, 0);
    qtest_quit(s);
}

/*
 * A cold-plugged vfio-pci registers its notifier when the window appears:
 * the fresh kernel table moves to user space at once (need_vfio), every
 * hcall is then punted and notifies VFIO, so the host follows the guest.
 */
/* Mappings of soft host h0's one instance. */
static int64_t soft_mappings(QTestState *s)
{
    unsigned instances;
    int64_t n = vfio_test_soft_mappings(s, "h0", &instances);

    g_assert_cmpuint(instances, ==, 1);
    return n;
}

static void test_on_vfio_moves_to_user(void)
{
    QTestState *s = qtest_init("-M pseries -accel qtest,kernel-tce=on "
                               "-object vfio-soft-host,id=h0,"
                               "iommu-type=spapr-tce-v2 "
                               "-device vfio-pci,soft-host=h0,bus=pci.0,"
                               "addr=3,id=v0");
    static const uint8_t pattern[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    check_table(s, "user", true, 0);
    vfio_test_cfg_write(s, 0, CFG(0x10), 4, 0x80000000);
    vfio_test_cfg_write(s, 0, CFG(4), 2, 0x6);
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x5000, 0x300003, 0, NULL),
                    ==, H_SUCCESS);
    g_assert_cmpuint(soft_mappings(s), ==, 1);
    qtest_memwrite(s, 0x300040, pattern, sizeof(pattern));
    g_assert_cmphex(edu_dma(s, BAR, 0x5040, VFIO_SOFT_EDU_BUF_ADDR, 8, 0), ==, 0);
    /* a misaligned ioba is user space's now: rounded down */
    g_assert_cmpint(hc(s, "H_PUT_TCE", LIOBN, 0x5001, 0, 0, NULL), ==,
                    H_SUCCESS);
    g_assert_cmpuint(soft_mappings(s), ==, 0);
    g_assert_cmphex(edu_dma(s, BAR, 0x5040, VFIO_SOFT_EDU_BUF_ADDR, 8, 0), ==,
                    VFIO_SOFT_EDU_STATUS_DMA_FAULT);
    check_table(s, "user", true, 0);
    qtest_quit(s);
}

static void test_bad_option(void)
{
    g_autofree char *err = NULL;

    g_assert_cmpint(qtest_run_binary("-M pseries -accel qtest,kernel-tce=maybe",
                                     NULL, &err), ==, 1);
    g_assert_nonnull(strstr(err, "-accel: kernel-tce=maybe: expected off, on "
                            "or vfio"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kernel-tce/off", test_off);
    g_test_add_func("/kernel-tce/on/hcalls", test_on_hcalls);
    g_test_add_func("/kernel-tce/on/vfio-moves-to-user",
                   test_on_vfio_moves_to_user);
    g_test_add_func("/kernel-tce/bad-option", test_bad_option);
    return g_test_run();
}
