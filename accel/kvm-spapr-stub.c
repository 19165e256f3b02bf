/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sPAPR ioctls of KVM where the uAPI headers lack them (not POWER). */

#include "qemu/osdep.h"
#include "kvm-internal.h"

int kvm_spapr_tce_create64(int vm_fd, uint32_t liobn, uint32_t page_shift,
                           uint64_t offset, uint64_t size)
{
    return -ENOSYS;
}
