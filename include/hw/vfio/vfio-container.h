/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIO containers and groups: one host IOMMU context per container, fed by
 * a listener on a DMA address space (a PHB's "pci@<buid>") that mirrors the
 * guest's TCE windows and their valid entries into the host IOMMU.
 *
 * docs/devel/vfio-container.md tells how the pieces fit; the contracts are
 * here.
 *
 * Address spaces, containers, groups (as QEMU arranges them):
 *   - a VFIOGroup (a host group number) belongs to exactly one container;
 *     the containers are kept per DMA address space;
 *   - vfio_group_get() of a new group first offers it to every container of
 *     that address space opened by the same host (VFIOHostOps.set_container
 *     may refuse, as the sPAPR kernel does with EPERM when the table ops
 *     differ), and opens a new container when all refuse;
 *   - a group number already used in another address space is refused with
 *     "group N used in multiple address spaces"; asked again for the same
 *     address space, the same group comes back with one more reference;
 *   - every container of an address space has its own listener, so each
 *     gets every window and every mapping.
 *
 * Attach order of a new container: open the host IOMMU, join the group to
 * it, set the IOMMU type (type1v2 first, then sPAPR TCE v2), read its info;
 * sPAPR v2: remove the host's default DMA-32 window and pre-register guest
 * RAM (a listener on address_space_memory); then the group goes into the
 * container's list and to the KVM-VFIO hook, and only then the DMA listener
 * is registered, so that region_add finds the group.  Any failure up to
 * the end of the listener's first region_add round (a window the host
 * cannot honour, a failed pre-registration, a failed replay) fails the
 * attach with that error and leaves nothing behind.
 *
 * Release: the last vfio_group_put() of the last group of a container
 * unregisters its listener (every window is unmapped and its host window
 * removed), unregisters guest RAM, tells the host (VFIOHostOps.released)
 * and releases the host IOMMU.  That is what device unplug drives.
 *
 * Windows (one VFIOGuestIOMMU per IOMMU section of the address space, per
 * container): bus address = the section's start in the address space + the
 * event's IOVA relative to the section (sections start at the window start
 * in the TCE case).  Non-IOMMU sections (the PHB's "msi" region) are
 * skipped.  region_add checks the window against the host:
 *   - type1v2: the whole window inside one of the host's valid IOVA ranges
 *     and a TCE page size the host can map (some host page size <= it),
 *     else an error naming the window, the sizes and the ranges;
 *   - sPAPR v2: a host window is created with the largest host page size
 *     <= both the TCE page size and the RAM backing page size (else an
 *     error naming the three), the level count checked against the host's
 *     maximum, and its bus address must be the guest window's;
 * then registers a MAP|UNMAP notifier with batch hooks and replays the
 * table (a just-created window is empty: the replay costs nothing).
 * region_del: notifier off, the window's range unmapped (one call), host
 * window removed.
 *
 * The consumer veto: the listener's iommu_window_check hook runs the same
 * checks (type1v2: IOVA ranges and page size; sPAPR v2: page size, levels,
 * a free slot, a trial create + remove) before a window exists, when its
 * owner asks (memory_region_iommu_check_window(); spapr_tce_table_enable()
 * does), so ibm,create-pe-dma-window and ibm,reset-pe-dma-window fail
 * instead of creating a window the host cannot honour.
 *
 * A listener cannot fail a topology change: after the attach, a window the
 * host cannot honour anyway (a path that cannot fail: machine or PHB reset,
 * the default window coming back; or a host that changed its mind after
 * the check) is "broken": its error is reported (error_report, a trace and
 * one VFIO_WINDOW_BROKEN event) and kept; every later MAP event on it fails
 * with -EIO, so the guest's put gets H_HARDWARE and the entry is cleared
 * (the host maps nothing in a broken window, so guest view == host stays
 * true for it).
 *
 * Host mapping state (per container): a RangeMap of VFIOMapping keyed by
 * IOVA, one entry per host map call that succeeded (minus what was unmapped
 * since); no list is ever scanned.  A container keeps at most max_mappings
 * of them (VFIO_CONTAINER_MAX_MAPPINGS): the guest's TCEs are bounded by the
 * machine's tce-storage-limit, but TCEs that cannot be coalesced (every
 * other entry valid, or one page stuffed over a whole window) cost a host
 * mapping each; past the bound a MAP fails with -ENOSPC, so the guest's call
 * gets H_HARDWARE and the entry is cleared (the consumer contract), and
 * memory stays bounded whatever the guest does.
 *
 * Coalescing: inside one batch (H_PUT_TCE_INDIRECT, H_STUFF_TCE, a reset,
 * a replay) MAP events contiguous in IOVA and host address with the same
 * permission are merged into one pending run, and UNMAP events contiguous
 * in IOVA into one pending span; both are flushed (span first, then run)
 * at batch_commit, when an event does not extend them, and before an
 * UNMAP that touches the pending run.  Outside a batch every event goes to
 * the host at once.  So every hcall's host updates are complete when it
 * returns; batch_commit returns the first host error of the batch, which
 * makes the TCE table resynchronise this container (see
 * include/hw/ppc/spapr_iommu.h, "Consumer failures").
 *
 * Splits: an unmap that covers only part of a host mapping cuts it.  On
 * type1v2 (which refuses to cut a mapping) the container unmaps the whole
 * mapping in the same call and maps the surviving parts again; on sPAPR v2
 * (page-granular unmap) only the bookkeeping splits.  Either way the
 * "splits" counter goes up by one per mapping cut.  An overwrite is never
 * an EEXIST: the table sends UNMAP of the old value first.
 *
 * Kernel link (sPAPR v2 with a kernel TCE table, -accel
 * qtest,kernel-tce=vfio or KVM with KVM_CAP_SPAPR_TCE_VFIO): region_add
 * links every group to the window's kernel table (KVM-VFIO SET_SPAPR_TCE,
 * after the host window is created, before the notifier) and registers the
 * notifier with IOMMU_NOTIFIER_KERNEL_LINKED, so the table stays in the
 * kernel; the link copies nothing, so the replay that follows maps what
 * the table holds.  From then on the kernel's fast path writes the host
 * table itself (the container never hears of it), and what user space
 * handles still arrives as events.  The container therefore keeps no
 * mappings for a linked window: every event goes to the host at once
 * (sPAPR v2 replaces on map and unmaps page ranges, so nothing needs
 * them), an unmap span never grows over a hole (the kernel may have
 * mapped it), and the mapping bound does not apply (the host table is as
 * large as the window).  A group that joins a container with linked
 * windows is linked to each of them, or the join fails; a host window
 * re-created (reset, DDW) is linked again by its region_add.  A window
 * stops being linked (its notifier drops KERNEL_LINKED, so the table
 * leaves the kernel and the kernel stops writing the host table) when it
 * breaks, and is found unlinked when its table left the kernel for another
 * consumer; it stays untracked: the host table still equals the guest view
 * and every later change arrives as an event.
 *
 * Single-threaded (main loop).  Nothing here aborts on guest input.
 */
#ifndef HW_VFIO_VFIO_CONTAINER_H
#define HW_VFIO_VFIO_CONTAINER_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "qemu/range-map.h"
#include "hw/vfio/vfio-iommu.h"

typedef struct VFIOContainer VFIOContainer;
typedef struct VFIOGroup VFIOGroup;
typedef struct VFIOAddressSpace VFIOAddressSpace;
typedef struct VFIOGuestIOMMU VFIOGuestIOMMU;

/*
 * Where groups and host IOMMU contexts come from: the Linux back end (group
 * fds, /dev/vfio/vfio) or a software host.  All calls from the main loop.
 */
typedef struct VFIOHostOps {
    const char *name;
    /*
     * A new, untyped host IOMMU context for a new container (opening
     * /dev/vfio/vfio).  NULL with @errp set on failure.  The container
     * owns it and releases it with vfio_iommu_release().
     */
    VFIOIOMMU *(*open_iommu)(void *opaque, Error **errp);
    /*
     * Attach group @groupid to the context @iommu (VFIO_GROUP_SET_CONTAINER).
     * 0, or a negative errno: -EPERM when the host refuses to share the
     * context (sPAPR: different table ops); the group then tries the next
     * container, or a new one.  A refusal for a new context fails the attach.
     */
    int (*set_container)(void *opaque, int groupid, VFIOIOMMU *iommu);
    /* Detach the group again (VFIO_GROUP_UNSET_CONTAINER); may be NULL. */
    void (*unset_container)(void *opaque, int groupid, VFIOIOMMU *iommu);
    /*
     * The group's fd, for the KVM-VFIO device (GROUP_ADD, SET_SPAPR_TCE),
     * or -1 for a group the kernel does not know (a software host).  May
     * be NULL (no fds).
     */
    int (*group_fd)(void *opaque, int groupid);
    /*
     * The container is going away: its mappings and windows are gone, its
     * host IOMMU is released right after this returns.  May be NULL.
     */
    void (*released)(void *opaque, VFIOContainer *container);
} VFIOHostOps;

/* Call counters of one container (host calls made, whatever the result). */
typedef struct VFIOContainerStats {
    uint64_t map_calls;
    uint64_t unmap_calls;
    uint64_t splits;            /* host mappings cut by an unmap */
    uint64_t errors;            /* host calls that failed */
} VFIOContainerStats;

/* One host mapping as the container keeps it. */
typedef struct VFIOMapping {
    hwaddr iova;                /* bus address */
    uint64_t size;
    hwaddr gpa;                 /* guest physical address of the first byte */
    uint64_t vaddr;             /* process address of the first byte */
    uint32_t perm;              /* VFIO_IOMMU_PERM_* */
    /* private: the pre-registered region it points into (sPAPR), or NULL */
    struct VFIOPrereg *prereg;
} VFIOMapping;

/* One guest window as the container sees it. */
typedef struct VFIOWindowInfo {
    const char *name;           /* the IOMMU region's name */
    hwaddr bus_start;
    uint64_t size;
    uint32_t tce_page_shift;
    bool host_window;           /* sPAPR: a host window was created */
    uint32_t host_page_shift;   /* sPAPR: its page size */
    uint32_t levels;            /* sPAPR: its table levels */
    bool broken;                /* the host could not honour it */
    const char *error;          /* why, while broken; else NULL */
    bool kernel_linked;         /* the kernel updates its host table */
    bool tracked;               /* the container keeps its mappings */
} VFIOWindowInfo;

/* A pre-registered guest RAM range (sPAPR v2). */
typedef struct VFIOPrereg {
    uint64_t vaddr;
    uint64_t size;
    hwaddr gpa;
    uint64_t users;             /* host mappings pointing into it */
    bool dying;                 /* RAM gone: unregister when users is 0 */
} VFIOPrereg;

struct VFIOAddressSpace {
    AddressSpace *as;
    GList *containers;          /* VFIOContainer * */
};

struct VFIOGroup {
    int groupid;
    unsigned refs;
    VFIOContainer *container;
    /*
     * The devices (DeviceState *) using the group, in realize order: each
     * vfio-pci appends itself once its group is attached and removes itself
     * before its vfio_group_put().  Only for introspection.
     */
    GList *devices;
};

struct VFIOContainer {
    VFIOAddressSpace *space;
    const VFIOHostOps *host_ops;
    void *host_opaque;
    VFIOIOMMU *iommu;
    VFIOIOMMUType type;
    VFIOIOMMUInfo info;
    GList *groups;              /* VFIOGroup *, in attach order */

    RangeMap *mappings;         /* iova -> VFIOMapping (owned) */
    RangeMap *prereg;           /* vaddr -> VFIOPrereg (owned), sPAPR */
    GList *giommus;             /* VFIOGuestIOMMU *, one per window */

    MemoryListener listener;    /* on space->as */
    bool listener_on;
    MemoryListener prereg_listener; /* on address_space_memory, sPAPR */
    bool prereg_on;
    /* Page size backing guest RAM (host page size; hugetlbfs would differ) */
    uint64_t ram_page_size;

    bool initialized;           /* the attach that created it completed */
    Error *error;               /* first failure while not initialized */
    bool no_coalesce;           /* bench only: one host call per event */
    unsigned max_mappings;      /* host mappings kept at most */
    GArray *stale_windows;      /* sPAPR: hwaddr of host windows whose
                                 * removal failed, retried before a create */
    VFIOContainerStats stats;
};

/* Per container, per IOMMU section (guest window). */
struct VFIOGuestIOMMU {
    VFIOContainer *container;
    IOMMUMemoryRegion *iommu_mr;
    hwaddr bus_start;
    hwaddr bus_last;
    hwaddr iova_offset;         /* bus address = iova_offset + event iova */
    uint32_t page_shift;        /* TCE page size */
    IOMMUNotifier n;
    bool registered;
    bool host_window;
    uint32_t host_page_shift;
    uint32_t levels;
    Error *broken;              /* set: the window is broken (why) */
    /*
     * untracked: every group of the container was linked to the window's
     * kernel TCE table (KVM-VFIO SET_SPAPR_TCE) when the window came, so the
     * kernel's fast path may write the host table: the container keeps no
     * bookkeeping for the window, for its whole life (even once the link
     * is gone), and sends every event to the host as it comes (see "Kernel
     * link").  Whether the window is still linked is its notifier's
     * IOMMU_NOTIFIER_KERNEL_LINKED flag (vfio_giommu_kernel_linked()).
     */
    bool untracked;

    bool in_batch;
    int batch_err;              /* first host error inside the open batch */
    bool map_pending;
    VFIOMapping pending;        /* the run being merged */
    bool unmap_pending;
    hwaddr unmap_first, unmap_last;
};

/*
 * The group @groupid for DMA address space @as, attached to a container
 * (see the attach order above).  A group already attached for @as is
 * returned with one more reference (@ops/@opaque must be the same host).
 * Errors (NULL, @errp set, nothing left behind): "group N used in multiple
 * address spaces", the host refusing a new context, no supported IOMMU
 * type, the KVM hook failing, a window or RAM the host cannot take.
 */
VFIOGroup *vfio_group_get(int groupid, AddressSpace *as,
                          const VFIOHostOps *ops, void *opaque, Error **errp);

/* Drop a reference; the last one detaches (and may release the container). */
void vfio_group_put(VFIOGroup *group);

/* The group with that number, or NULL. */
VFIOGroup *vfio_group_find(int groupid);

/* The containers of @as, in creation order (NULL if none); do not free. */
GList *vfio_address_space_containers(AddressSpace *as);

/* Call @fn for every container of every address space. */
void vfio_container_foreach(void (*fn)(VFIOContainer *c, void *opaque),
                            void *opaque);

/* Host mappings in ascending IOVA order; g_array_unref(). Of VFIOMapping. */
GArray *vfio_container_get_mappings(VFIOContainer *c);

/* Guest windows by bus address; g_array_unref().  Of VFIOWindowInfo. */
GArray *vfio_container_get_windows(VFIOContainer *c);

/* Counters since creation or the last reset. */
VFIOContainerStats vfio_container_get_stats(VFIOContainer *c);
void vfio_container_reset_stats(VFIOContainer *c);

/* Host mappings a container keeps at most, by default (about 2^20 x 100
 * bytes of bookkeeping). */
#define VFIO_CONTAINER_MAX_MAPPINGS (1u << 20)

/* Change @c's bound (tests and benches). */
void vfio_container_set_max_mappings(VFIOContainer *c, unsigned max);

/* Bench only: @on false makes every MAP/UNMAP event one host call. */
void vfio_container_set_coalescing(VFIOContainer *c, bool on);

/*
 * The KVM-VFIO device hook: every group that joins a container is added
 * before the DMA listener is registered, and deleted when it leaves.
 * set_spapr_tce links a group to the kernel TCE table of window @g
 * (@table_fd): 0 or -errno.
 *
 * The default ops (installed at start, and by vfio_kvm_set_ops(NULL,
 * NULL)) send a group that has an fd (VFIOHostOps.group_fd) to the real
 * KVM-VFIO device under -accel kvm (include/accel/kvm.h), and every other
 * group to the stand-in: its links go to accel/kernel-tce-sim.c
 * (kernel_tce_link_group(), with the container's host windows as the
 * group's host tables).  Both record the calls, in order, as
 * "add N (in-list, listener off[, kvm]); link N 0xBUS -> RET; del N; ";
 * the record keeps its last 64 KiB (whole entries).
 */
typedef struct VFIOKvmOps {
    bool (*add_group)(void *opaque, VFIOGroup *group, Error **errp);
    void (*del_group)(void *opaque, VFIOGroup *group);
    int (*set_spapr_tce)(void *opaque, VFIOGroup *group, VFIOGuestIOMMU *g,
                         int table_fd);
} VFIOKvmOps;

void vfio_kvm_set_ops(const VFIOKvmOps *ops, void *opaque);
const char *vfio_kvm_stub_log(void);
void vfio_kvm_stub_log_reset(void);

/* ---- internal to hw/vfio/ ------------------------------------------- */

/* container.c: host calls with bookkeeping.  0 or -errno. */
int vfio_container_dma_map(VFIOContainer *c, hwaddr iova, uint64_t size,
                           hwaddr gpa, uint64_t vaddr, uint32_t perm);
int vfio_container_dma_unmap(VFIOContainer *c, hwaddr first, hwaddr last);
/* The same without bookkeeping (kernel-linked windows): one host call. */
int vfio_container_host_map(VFIOContainer *c, hwaddr iova, uint64_t size,
                            uint64_t vaddr, uint32_t perm);
int vfio_container_host_unmap(VFIOContainer *c, hwaddr first, hwaddr last);
/*
 * Link every group of @c to the kernel table of window @g (after its host
 * window exists, before its notifier): true when all are linked.  A window
 * whose table is not the kernel's, or whose link fails for a group, stays
 * unlinked (its table then moves to user space when the notifier comes).
 */
bool vfio_container_link_window(VFIOContainer *c, VFIOGuestIOMMU *g);
/*
 * Stop the kernel writing @g's host table: its notifier drops
 * KERNEL_LINKED (the table leaves the kernel, which drops the links).
 * False with @errp set if the table could not leave (its storage limit).
 */
bool vfio_giommu_unlink(VFIOGuestIOMMU *g, Error **errp);

/* @g's notifier says it is linked to the kernel's table. */
static inline bool vfio_giommu_kernel_linked(const VFIOGuestIOMMU *g)
{
    return g->n.notifier_flags & IOMMU_NOTIFIER_KERNEL_LINKED;
}

/* listener.c */
void vfio_listener_init(VFIOContainer *c);
/*
 * Unmap every window that has a host window and replay its valid TCEs
 * (after a group left a shared sPAPR v2 container, which clears them all
 * on the host); a window whose replay fails is broken.
 */
void vfio_listener_replay_windows(VFIOContainer *c);
int vfio_giommu_flush(VFIOGuestIOMMU *g);

/* spapr.c */
bool vfio_spapr_container_setup(VFIOContainer *c, Error **errp);
void vfio_spapr_container_teardown(VFIOContainer *c);
bool vfio_spapr_add_window(VFIOContainer *c, VFIOGuestIOMMU *g, Error **errp);
/*
 * The preflight of a window create (the listener's iommu_window_check):
 * page size and levels as vfio_spapr_add_window(); unless @replaces_all, a
 * free slot and a trial create + remove on the host (its size limit, its
 * placement).  Leaves no host window behind.
 */
bool vfio_spapr_check_window(VFIOContainer *c, hwaddr bus_start,
                             uint64_t size, uint32_t tce_shift,
                             bool replaces_all, Error **errp);
void vfio_spapr_remove_window(VFIOContainer *c, VFIOGuestIOMMU *g);
bool vfio_spapr_remove_stale_windows(VFIOContainer *c);
void vfio_spapr_prereg_get(VFIOContainer *c, VFIOMapping *m);
void vfio_spapr_prereg_put(VFIOContainer *c, VFIOMapping *m);
/* Largest page size in @pgsizes <= MIN(@tce, @ram), or 0. */
uint64_t vfio_spapr_pick_page_size(uint64_t pgsizes, uint64_t tce,
                                   uint64_t ram);

#endif /* HW_VFIO_VFIO_CONTAINER_H */
