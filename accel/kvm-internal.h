/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel/ internals: the ioctls whose structures only some architectures'
 * uAPI headers define.  accel/meson.build builds kvm-spapr.c where
 * <linux/kvm.h> has struct kvm_create_spapr_tce_64 (POWER) and
 * kvm-spapr-stub.c elsewhere.
 */
#ifndef ACCEL_KVM_INTERNAL_H
#define ACCEL_KVM_INTERNAL_H

/*
 * Only libc and uAPI headers here and in kvm-spapr.c: the CI compiles
 * kvm-spapr.c with the ppc64el cross compiler on its own
 * (scripts/cross-check-ppc64el.sh), where no POWER GLib is installed.
 */
#include <stdint.h>

/* KVM_CREATE_SPAPR_TCE_64 on @vm_fd: the table fd, or -errno (-ENOSYS
 * where the architecture has no such ioctl). */
int kvm_spapr_tce_create64(int vm_fd, uint32_t liobn, uint32_t page_shift,
                           uint64_t offset, uint64_t size);

#endif /* ACCEL_KVM_INTERNAL_H */
