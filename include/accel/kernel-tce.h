/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel TCE fast path: in-kernel TCE tables and the hcall handlers that
 * write them before user space sees the call.
 *
 * On a POWER host with KVM these are KVM's (KVM_CREATE_SPAPR_TCE_64 and the
 * in-kernel H_PUT_TCE family, docs/specs/linux-interfaces.md §2-§3).  Here
 * no vCPU runs, so accel/kernel-tce-sim.c stands in for the kernel on any
 * host: it creates fd-backed tables (memfd, pages on demand) with KVM's
 * mmap layout, and the hypercall dispatcher (hw/ppc/spapr_hcall.c) offers
 * every TCE hcall to kernel_tce_hcall() first.  What the "kernel" handles
 * it writes into its own view of the table, behind user space's back: no
 * IOMMU notifier runs.  What it punts (KERNEL_TCE_H_TOO_HARD) goes to the
 * user-space handler, which writes the same table through its mapping
 * (the kernel owner of include/hw/ppc/spapr_tce_storage.h).
 *
 * Levels (-accel qtest,kernel-tce=off|on|vfio; docs/user/kernel-tce.md):
 *   off  no kernel tables: every hcall is user space's (the default);
 *   on   a table is created in the kernel when its window is enabled; the
 *        first IOMMU notifier (need_vfio) moves it to user space with its
 *        entries, the last one moves it back (hw/ppc/spapr_iommu.c);
 *   vfio as on, and the kernel can also forward its updates to host IOMMU
 *        tables linked to a table (KVM-VFIO SET_SPAPR_TCE, KVM_CAP_SPAPR_
 *        TCE_VFIO): a table whose notifiers are all linked stays in the
 *        kernel, and the fast path maps and unmaps in the linked host
 *        tables itself, as KVM updates real hardware.
 *
 * Single-threaded, like the rest of the model.
 */
#ifndef ACCEL_KERNEL_TCE_H
#define ACCEL_KERNEL_TCE_H

#include "qemu/osdep.h"

typedef struct Error Error;

/* KVM's internal "exit to user space" answer of an in-kernel handler. */
#define KERNEL_TCE_H_TOO_HARD   9999

typedef enum KernelTceLevel {
    KERNEL_TCE_OFF = 0,
    KERNEL_TCE_ON = 1,
    KERNEL_TCE_VFIO = 2,
} KernelTceLevel;

/* How the "kernel" sees guest memory (the machine provides it). */
typedef struct KernelTceGuestOps {
    /* [gpa, gpa + len) is guest RAM (KVM: covered by memslots). */
    bool (*in_ram)(void *opaque, uint64_t gpa, uint64_t len);
    /* Read guest RAM; false if it cannot be read. */
    bool (*read)(void *opaque, uint64_t gpa, void *buf, uint64_t len);
    /*
     * The process address of guest RAM [gpa, gpa + len) (KVM: memslots);
     * false if it is not one block of RAM.
     */
    bool (*hva)(void *opaque, uint64_t gpa, uint64_t len, uint64_t *hva);
} KernelTceGuestOps;

/*
 * One host IOMMU table the kernel can update for a linked TCE table (KVM:
 * an iommu_table of the group's table group).  @map and @unmap have the
 * VFIO container's semantics (include/hw/vfio/vfio-iommu.h: sPAPR v2, a
 * map replaces what is there) and return 0 or -errno.  Two entries with
 * the same @hw are the same table (groups of one container share theirs).
 */
typedef struct KernelTceHwOps {
    int (*map)(void *hw, uint64_t iova, uint64_t size, uint64_t vaddr,
               uint32_t perm);
    int (*unmap)(void *hw, uint64_t iova, uint64_t size);
} KernelTceHwOps;

typedef struct KernelTceHwTable {
    const KernelTceHwOps *ops;
    void *hw;
    uint64_t start;             /* bus address of the table's window */
    uint32_t page_shift;        /* its IOMMU page */
    uint64_t size;              /* its window, bytes */
} KernelTceHwTable;

/* The level in force; KERNEL_TCE_OFF until set. */
KernelTceLevel kernel_tce_level(void);
void kernel_tce_set_level(KernelTceLevel level);

/*
 * True when the kernel forwards fast-path updates to linked host tables:
 * level vfio of the stand-in, or real KVM with KVM_CAP_SPAPR_TCE_VFIO.
 */
bool kernel_tce_links_vfio(void);

/*
 * Parse the options of "-accel NAME[,kernel-tce=off|on|vfio]" (NAME qtest, tcg or
 * kvm; the name itself is checked by the caller) and set the level.  The
 * string is what follows the name (may be NULL or empty).
 */
bool kernel_tce_parse_options(const char *opts, Error **errp);

/* The machine's guest memory for the in-kernel checks; NULL ops unset it. */
void kernel_tce_set_guest(const KernelTceGuestOps *ops, void *opaque);

/*
 * KVM_CREATE_SPAPR_TCE_64: a table for @liobn of @size entries of
 * 2^@page_shift bytes, the window starting at bus page @offset.  Returns a
 * new fd (the caller owns it; mmap layout of docs/specs/linux-interfaces.md
 * §3.2) or -errno: -ENOSYS at level off, -EINVAL for a bad geometry
 * (size 0, page_shift outside [12, 34], offset + size past 2^64 >>
 * page_shift), -EBUSY if @liobn already has a table.  The LIOBN stays
 * registered until kernel_tce_release_table() (KVM: until the fd is
 * closed; a memfd cannot tell, so user space says so).
 */
int kernel_tce_create_table(uint32_t liobn, uint32_t page_shift,
                            uint64_t offset, uint64_t size);

/* The table of @liobn is gone (its fd closed); no-op if it has none. */
void kernel_tce_release_table(uint32_t liobn);

/* True if the kernel holds a table for @liobn. */
bool kernel_tce_has_table(uint32_t liobn);

/*
 * KVM_ENABLE_CAP(KVM_CAP_PPC_ENABLE_HCALL): switch in-kernel handling of
 * H_PUT_TCE_INDIRECT or H_STUFF_TCE on or off.  0, or -EINVAL for another
 * opcode (H_PUT_TCE and H_GET_TCE are always on).  Under -accel kvm it is
 * the real kernel's switch (kvm_enable_spapr_hcall(); 0 without the
 * capability, where there are no kernel tables to use it).
 */
int kernel_tce_enable_hcall(uint64_t opcode, bool enable);

/*
 * The in-kernel handler: @args as the guest passed them (args[0] receives
 * H_GET_TCE's result).  Returns the H_* answer to the guest, or
 * KERNEL_TCE_H_TOO_HARD: user space must perform the whole call (not a TCE
 * hcall, not enabled, no kernel table for the LIOBN, a TCE or TCE list the
 * kernel cannot check, a linked host table that failed).  A punted call
 * changed nothing, except after a linked host table failed: the entry it
 * failed on is cleared, and entries a multi-TCE call wrote before it stay
 * (kernel_tce_link_group()); user space's redo writes them again with the
 * same values, which tells nobody anything.
 */
int64_t kernel_tce_hcall(uint64_t opcode, uint64_t *args);

/*
 * KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, the stand-in's half: link the table
 * behind @table_fd (an fd kernel_tce_create_table() returned, or a dup of
 * it) to group @groupid, whose host tables are @hw[0..@n).  As KVM does,
 * the kernel picks the host table whose window starts where the TCE
 * table's does, with an IOMMU page no larger and a window no smaller, and
 * copies nothing: entries already in the table must be replayed by the
 * caller.  Linking the same group and table again replaces the link.
 * 0, -ENXIO below level vfio (x86's answer), -EINVAL: @table_fd is no
 * table of the stand-in, or no host table matches.
 *
 * From then on the fast path updates the linked host tables before it
 * writes an entry.  A host failure clears that entry (in the table and the
 * host tables) and punts the call: user space then performs the whole
 * call and its consumers fail it by their own rules.  Links go when the
 * group is deleted (kernel_tce_unlink_group(): KVM-VFIO GROUP_DEL, to be
 * called before the host tables go) or the table is released.
 */
int kernel_tce_link_group(int table_fd, int groupid,
                          const KernelTceHwTable *hw, unsigned n);

/* Drop every link of group @groupid (KVM-VFIO GROUP_DEL). */
void kernel_tce_unlink_group(int groupid);

/* Links (group, table) of @liobn's table; 0 if it has none. */
unsigned kernel_tce_links(uint32_t liobn);

/* Hcalls the kernel handled / punted since start or the last reset. */
void kernel_tce_stats(uint64_t *handled, uint64_t *punted);

/* Host map/unmap calls the fast path made since start or the last reset. */
void kernel_tce_hw_stats(uint64_t *maps, uint64_t *unmaps);

/* Drop every table, disable INDIRECT and STUFF, zero the stats (tests). */
void kernel_tce_reset(void);

#endif /* ACCEL_KERNEL_TCE_H */
