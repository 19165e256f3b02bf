/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator for a machine without vCPUs: a VM and its sPAPR caps. */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "qapi/error.h"
#include "accel/kvm.h"
#include "kvm-internal.h"
#include "trace.h"

/* The only API version there has ever been (KVM_GET_API_VERSION). */
#define KVM_API_VERSION_EXPECTED 12

static struct {
    int dev_fd;
    int vm_fd;
    bool enabled;
    KVMCaps caps;
} kvm = { .dev_fd = -1, .vm_fd = -1 };

/* KVM_CHECK_EXTENSION on the VM: > 0 means present. */
static bool kvm_vm_check(int cap)
{
    return ioctl(kvm.vm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

static bool kvm_probe_vfio_device(void)
{
    struct kvm_create_device cd = {
        .type = KVM_DEV_TYPE_VFIO,
        .flags = KVM_CREATE_DEVICE_TEST,
    };

    return ioctl(kvm.vm_fd, KVM_CREATE_DEVICE, &cd) == 0;
}

bool kvm_accel_init(const char *dev, Error **errp)
{
    int ret;

    assert(!kvm.enabled);
    kvm.dev_fd = open(dev, O_RDWR | O_CLOEXEC);
    if (kvm.dev_fd < 0) {
        error_setg_errno(errp, errno, "%s", dev);
        return false;
    }
    ret = ioctl(kvm.dev_fd, KVM_GET_API_VERSION, 0);
    if (ret != KVM_API_VERSION_EXPECTED) {
        error_setg(errp, "%s: KVM API version %d, expected %d", dev, ret,
                   KVM_API_VERSION_EXPECTED);
        goto fail;
    }
    do {
        kvm.vm_fd = ioctl(kvm.dev_fd, KVM_CREATE_VM, 0);
    } while (kvm.vm_fd < 0 && errno == EINTR);
    if (kvm.vm_fd < 0) {
        error_setg_errno(errp, errno, "%s: KVM_CREATE_VM", dev);
        goto fail;
    }
    kvm.caps = (KVMCaps) {
        .api_version = ret,
        .spapr_tce = kvm_vm_check(KVM_CAP_SPAPR_TCE),
        .spapr_tce_64 = kvm_vm_check(KVM_CAP_SPAPR_TCE_64),
        .spapr_tce_vfio = kvm_vm_check(KVM_CAP_SPAPR_TCE_VFIO),
        .spapr_multitce = kvm_vm_check(KVM_CAP_SPAPR_MULTITCE),
        .ppc_enable_hcall = kvm_vm_check(KVM_CAP_PPC_ENABLE_HCALL),
        .vfio_device = kvm_probe_vfio_device(),
    };
    kvm.enabled = true;
    trace_kvm_caps(kvm.caps.spapr_tce, kvm.caps.spapr_tce_64,
                   kvm.caps.spapr_tce_vfio, kvm.caps.spapr_multitce,
                   kvm.caps.ppc_enable_hcall, kvm.caps.vfio_device);
    if (!kvm.caps.spapr_tce_64) {
        trace_kvm_user_tce_tables();
    }
    return true;

fail:
    close(kvm.dev_fd);
    kvm.dev_fd = -1;
    return false;
}

bool kvm_enabled(void)
{
    return kvm.enabled;
}

const KVMCaps *kvm_get_caps(void)
{
    return &kvm.caps;
}

bool kvm_has_spapr_tce_tables(void)
{
    return kvm.enabled && kvm.caps.spapr_tce_64;
}

int kvm_create_spapr_tce(uint32_t liobn, uint32_t page_shift, uint64_t offset,
                         uint64_t size)
{
    int ret;

    if (!kvm_has_spapr_tce_tables()) {
        return -ENOSYS;
    }
    ret = kvm_spapr_tce_create64(kvm.vm_fd, liobn, page_shift, offset, size);
    trace_kvm_create_spapr_tce(liobn, page_shift, offset, size, ret);
    return ret;
}

void kvm_accel_cleanup(void)
{
    if (kvm.vm_fd >= 0) {
        close(kvm.vm_fd);
        kvm.vm_fd = -1;
    }
    if (kvm.dev_fd >= 0) {
        close(kvm.dev_fd);
        kvm.dev_fd = -1;
    }
    kvm.enabled = false;
    kvm.caps = (KVMCaps) { 0 };
}
