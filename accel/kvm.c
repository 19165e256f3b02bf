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
    int vfio_fd;                /* the KVM-VFIO device, once created */
    bool enabled;
    KVMCaps caps;
} kvm = { .dev_fd = -1, .vm_fd = -1, .vfio_fd = -1 };

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

int kvm_enable_spapr_hcall(uint64_t opcode, bool enable)
{
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_PPC_ENABLE_HCALL,
        .args = { opcode, enable },
    };
    int ret;

    if (!kvm.enabled || !kvm.caps.ppc_enable_hcall) {
        return -ENOSYS;
    }
    ret = ioctl(kvm.vm_fd, KVM_ENABLE_CAP, &cap) < 0 ? -errno : 0;
    trace_kvm_enable_hcall(opcode, ret);
    return ret;
}

/* The KVM-VFIO device's fd, created on first use; or -errno. */
static int kvm_vfio_device(void)
{
    struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

    if (!kvm.enabled) {
        return -ENOSYS;
    }
    if (kvm.vfio_fd < 0) {
        if (ioctl(kvm.vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
            return -errno;
        }
        kvm.vfio_fd = cd.fd;
        trace_kvm_vfio_device(kvm.vfio_fd);
    }
    return kvm.vfio_fd;
}

static int kvm_vfio_attr(uint64_t attr, void *payload)
{
    struct kvm_device_attr a = {
        .group = KVM_DEV_VFIO_GROUP,
        .attr = attr,
        .addr = (uint64_t)(uintptr_t)payload,
    };
    int fd = kvm_vfio_device();

    if (fd < 0) {
        return fd;
    }
    return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

int kvm_vfio_group_add(int group_fd)
{
    int32_t fd = group_fd;
    int ret = kvm_vfio_attr(KVM_DEV_VFIO_GROUP_ADD, &fd);

    trace_kvm_vfio_group("add", group_fd, ret);
    return ret;
}

int kvm_vfio_group_del(int group_fd)
{
    int32_t fd = group_fd;
    int ret = kvm_vfio_attr(KVM_DEV_VFIO_GROUP_DEL, &fd);

    trace_kvm_vfio_group("del", group_fd, ret);
    return ret;
}

int kvm_vfio_set_spapr_tce(int group_fd, int table_fd)
{
    struct kvm_vfio_spapr_tce p = { .groupfd = group_fd, .tablefd = table_fd };
    int ret = kvm_vfio_attr(KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, &p);

    trace_kvm_vfio_set_spapr_tce(group_fd, table_fd, ret);
    return ret;
}

void kvm_accel_cleanup(void)
{
    if (kvm.vfio_fd >= 0) {
        close(kvm.vfio_fd);
        kvm.vfio_fd = -1;
    }
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
