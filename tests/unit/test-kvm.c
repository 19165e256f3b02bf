/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator (accel/kvm.c): opening a missing device, and on a
 * host whose /dev/kvm this process may open, the VM and its sPAPR
 * capabilities (none on x86_64: the TCE tables then stay in user space),
 * and the KVM-VFIO device with the kernel's answers to fds that are not
 * VFIO groups (no /dev/vfio here).
 */

#include "qemu/osdep.h"
#include <fcntl.h>
#include "qapi/error.h"
#include "accel/kvm.h"

static void test_missing_device(void)
{
    Error *err = NULL;

    g_assert_false(kvm_accel_init("/nonexistent/kvm", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "/nonexistent/kvm: No such file or directory");
    error_free(err);
    g_assert_false(kvm_enabled());
    g_assert_false(kvm_has_spapr_tce_tables());
    g_assert_cmpint(kvm_create_spapr_tce(0x80000000, 12, 0, 0x40000), ==,
                    -ENOSYS);
}

static void test_probe(void)
{
    const KVMCaps *caps;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        g_test_skip("/dev/kvm cannot be opened here");
        return;
    }
    close(fd);
    g_assert_true(kvm_accel_init("/dev/kvm", &error_abort));
    g_assert_true(kvm_enabled());
    caps = kvm_get_caps();
    g_assert_cmpint(caps->api_version, ==, 12);
#if defined(__x86_64__)
    /* The sPAPR capabilities are POWER's. */
    g_assert_false(caps->spapr_tce);
    g_assert_false(caps->spapr_tce_64);
    g_assert_false(caps->spapr_tce_vfio);
    g_assert_false(caps->spapr_multitce);
    g_assert_false(caps->ppc_enable_hcall);
    g_assert_false(kvm_has_spapr_tce_tables());
    g_assert_cmpint(kvm_create_spapr_tce(0x80000000, 12, 0, 0x40000), ==,
                    -ENOSYS);
#endif
    kvm_accel_cleanup();
    g_assert_false(kvm_enabled());
}

/*
 * The KVM-VFIO device: created on first use, one per VM; the kernel's
 * errnos come back as they are (docs/specs/linux-interfaces.md §3.4).
 */
static void test_vfio_device(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int devnull;

    g_assert_cmpint(kvm_vfio_group_add(0), ==, -ENOSYS);
    g_assert_cmpint(kvm_enable_spapr_hcall(0x144, true), ==, -ENOSYS);
    if (fd < 0) {
        g_test_skip("/dev/kvm cannot be opened here");
        return;
    }
    close(fd);
    g_assert_true(kvm_accel_init("/dev/kvm", &error_abort));
    if (!kvm_get_caps()->vfio_device) {
        kvm_accel_cleanup();
        g_test_skip("this KVM has no KVM-VFIO device");
        return;
    }
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    /* not a VFIO group */
    g_assert_cmpint(kvm_vfio_group_add(devnull), ==, -EINVAL);
    g_assert_cmpint(kvm_vfio_group_add(-1), ==, -EBADF);
    /* never added */
    g_assert_cmpint(kvm_vfio_group_del(devnull), ==, -ENOENT);
#if defined(__x86_64__)
    /* the sPAPR link is POWER's: x86 does not know the attribute */
    g_assert_cmpint(kvm_vfio_set_spapr_tce(devnull, devnull), ==, -ENXIO);
    /* nor the hcall switch (no capability: not even tried) */
    g_assert_cmpint(kvm_enable_spapr_hcall(0x144, true), ==, -ENOSYS);
#endif
    close(devnull);
    kvm_accel_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/missing-device", test_missing_device);
    g_test_add_func("/kvm/probe", test_probe);
    g_test_add_func("/kvm/vfio-device", test_vfio_device);
    return g_test_run();
}
