/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sPAPR ioctls of KVM, built where the uAPI headers define them (POWER). */

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "kvm-internal.h"

int kvm_spapr_tce_create64(int vm_fd, uint32_t liobn, uint32_t page_shift,
                           uint64_t offset, uint64_t size)
{
    struct kvm_create_spapr_tce_64 args = {
        .liobn = liobn,
        .page_shift = page_shift,
        .offset = offset,
        .size = size,
        .flags = 0,
    };
    int fd = ioctl(vm_fd, KVM_CREATE_SPAPR_TCE_64, &args);

    return fd < 0 ? -errno : fd;
}
