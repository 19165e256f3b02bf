/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator, as far as a machine without vCPUs can use it: a VM
 * whose sPAPR capabilities decide where TCE tables live.
 *
 * -accel kvm opens /dev/kvm, checks the API version, creates a VM and probes
 * the capabilities the TCE code needs (docs/specs/linux-interfaces.md §3;
 * docs/user/kernel-tce.md says what each changes).  No vCPU ever runs, so
 * the kernel's hypercall path never runs either: every TCE hypercall is
 * handled in user space, as the kernel hands back (H_TOO_HARD) what it does
 * not handle itself.  What KVM gives here:
 *   - on a host with KVM_CAP_SPAPR_TCE_64 (POWER), the TCE tables are the
 *     kernel's (KVM_CREATE_SPAPR_TCE_64, mmapped: the "kernel" storage
 *     owner), so their layout and lifetime are the kernel's;
 *   - everywhere else (x86: the capabilities are absent) the tables stay in
 *     user space, and a trace event says so once.
 * Single-threaded; the VM lives until kvm_accel_cleanup().
 */
#ifndef ACCEL_KVM_H
#define ACCEL_KVM_H

#include "qemu/osdep.h"

typedef struct Error Error;

/* What the VM reported (KVM_CHECK_EXTENSION on the VM fd). */
typedef struct KVMCaps {
    int api_version;            /* KVM_GET_API_VERSION: 12 */
    bool spapr_tce;             /* KVM_CAP_SPAPR_TCE */
    bool spapr_tce_64;          /* KVM_CAP_SPAPR_TCE_64 */
    bool spapr_tce_vfio;        /* KVM_CAP_SPAPR_TCE_VFIO */
    bool spapr_multitce;        /* KVM_CAP_SPAPR_MULTITCE */
    bool ppc_enable_hcall;      /* KVM_CAP_PPC_ENABLE_HCALL */
    bool vfio_device;           /* KVM_CREATE_DEVICE_TEST of KVM_DEV_TYPE_VFIO */
} KVMCaps;

/*
 * Open @dev ("/dev/kvm"), check the API version, create a VM and probe.
 * Fails with a one-line error naming @dev and the cause (the caller adds
 * "-accel kvm: ").  At most once per process (asserted).
 */
bool kvm_accel_init(const char *dev, Error **errp);

/* True between a successful kvm_accel_init() and kvm_accel_cleanup(). */
bool kvm_enabled(void);

/* The probed capabilities (all false before kvm_accel_init()). */
const KVMCaps *kvm_get_caps(void);

/* True when TCE tables can be the kernel's (KVM_CAP_SPAPR_TCE_64). */
bool kvm_has_spapr_tce_tables(void);

/*
 * The kernel's table for @liobn: KVM_CREATE_SPAPR_TCE_64 with the window's
 * page shift, its offset and size in pages.  The fd (for the kernel
 * storage owner: mmap it), or -ENOSYS without KVM or the capability, or the
 * kernel's -errno (EBUSY: the LIOBN has a table, EINVAL: bad geometry).
 */
int kvm_create_spapr_tce(uint32_t liobn, uint32_t page_shift, uint64_t offset,
                         uint64_t size);

/*
 * KVM_ENABLE_CAP(KVM_CAP_PPC_ENABLE_HCALL): let the kernel handle @opcode
 * (H_PUT_TCE_INDIRECT, H_STUFF_TCE) itself.  0 or -errno (-ENOSYS without
 * KVM or the capability).
 */
int kvm_enable_spapr_hcall(uint64_t opcode, bool enable);

/*
 * The KVM-VFIO pseudo device (docs/specs/linux-interfaces.md §3.4), created
 * on first use (one per VM).  Each returns 0 or -errno: -ENOSYS without
 * KVM, -errno of KVM_CREATE_DEVICE, or the kernel's answer:
 *   add: KVM_DEV_VFIO_GROUP_ADD of @group_fd (-EINVAL: not a VFIO group,
 *        -EEXIST: added already, -EBADF);
 *   del: KVM_DEV_VFIO_GROUP_DEL (-ENOENT: not added);
 *   set_spapr_tce: KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE {group_fd, table_fd}
 *        (-ENXIO on hosts without sPAPR TCE support, x86; -ENOENT: the
 *        group was not added; -EINVAL: no host table of the group matches
 *        the KVM table).
 */
int kvm_vfio_group_add(int group_fd);
int kvm_vfio_group_del(int group_fd);
int kvm_vfio_set_spapr_tce(int group_fd, int table_fd);

/* Close the VM and /dev/kvm. */
void kvm_accel_cleanup(void);

#endif /* ACCEL_KVM_H */
