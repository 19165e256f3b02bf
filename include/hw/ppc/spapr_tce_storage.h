/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Storage of a guest-view TCE table: one interface, two owners (user space
 * or the kernel's TCE fast path).
 *
 * A SpaprTceStorage holds the nb_entries 64-bit TCEs of one DMA window, as
 * the guest wrote them (H_PUT_TCE, H_PUT_TCE_INDIRECT, H_STUFF_TCE) and as
 * H_GET_TCE returns them: values are stored verbatim, host-native.  It is a
 * pure data structure: no QOM, no memory API, no notifications.  The TCE
 * table object (hw/ppc/spapr_iommu.c) owns one, validates every hcall
 * argument first, and decides what to notify.
 *
 * Entry states:
 *   - zero:     nothing stored;
 *   - valid:    permission bits (SPAPR_TCE_PERM_MASK, bits 0..1) non-zero;
 *               visited by spapr_tce_storage_for_each_valid(), counted by
 *               spapr_tce_storage_count_valid();
 *   - invalid but non-zero: permission 0 with address bits set (a guest can
 *               "poison" an entry that way, e.g. with H_STUFF_TCE).  It is
 *               stored and returned verbatim by get (PAPR: H_GET_TCE returns
 *               what was written), copied by spapr_tce_storage_move(), but
 *               is neither counted nor visited as valid: it maps nothing.
 *
 * Index range: 0 <= index < nb_entries, nb_entries in [1, 2^32].  QEMU
 * accepts windows of at most 2^31 entries but the storage has no limit below
 * 2^32.  An index out of range is a programming error (the hcall layer
 * validates the IOBA first) and asserts.
 *
 * Single-threaded: no locking.  A callback passed to a for_each function
 * must not modify the storage it iterates.
 */
#ifndef HW_PPC_SPAPR_TCE_STORAGE_H
#define HW_PPC_SPAPR_TCE_STORAGE_H

#include "qemu/osdep.h"

/* Permission bits of a TCE (bit 0: device may read, bit 1: may write). */
#define SPAPR_TCE_PERM_MASK         0x3ULL

/* Largest window the storage accepts, in entries. */
#define SPAPR_TCE_STORAGE_MAX_ENTRIES (1ULL << 32)

typedef struct SpaprTceStorage SpaprTceStorage;
typedef struct SpaprTceStorageOps SpaprTceStorageOps;

/* Which entries a walk visits. */
typedef enum SpaprTceWalkMode {
    SPAPR_TCE_WALK_NONZERO = 0, /* every entry that is not 0 */
    SPAPR_TCE_WALK_VALID = 1,   /* entries whose permission bits are set */
} SpaprTceWalkMode;

/*
 * Called once per visited entry, in ascending index order.  Return 0 to go
 * on, anything else to stop the walk: the walk then returns that value.
 * Must not modify the storage being walked.
 */
typedef int (*SpaprTceStorageWalkFn)(void *opaque, uint64_t index,
                                     uint64_t tce);

/*
 * The owner-specific half.  Every hook is mandatory; callers go through the
 * spapr_tce_storage_* wrappers below, which check the index range before
 * calling in, so hooks may assume valid arguments.
 */
struct SpaprTceStorageOps {
    /* "user" or "kernel": shows up in traces and in `info` output. */
    const char *kind;
    /* Return the entry at @index (0 if never written). */
    uint64_t (*get)(SpaprTceStorage *s, uint64_t index);
    /* Store @tce at @index, return the previous value. */
    uint64_t (*set)(SpaprTceStorage *s, uint64_t index, uint64_t tce);
    /*
     * Visit entries of [first, last] selected by @mode in ascending order;
     * stop early as described for SpaprTceStorageWalkFn.
     */
    int (*walk)(SpaprTceStorage *s, uint64_t first, uint64_t last,
                SpaprTceWalkMode mode, SpaprTceStorageWalkFn fn,
                void *opaque);
    /* Number of valid entries. */
    uint64_t (*count_valid)(SpaprTceStorage *s);
    /* Bytes of host memory this storage holds (see spapr_tce_storage_bytes_used). */
    uint64_t (*bytes_used)(SpaprTceStorage *s);
    /* Set every entry to 0, releasing what can be released. */
    void (*clear_all)(SpaprTceStorage *s);
    /* Release everything, including @s itself. */
    void (*destroy)(SpaprTceStorage *s);
};

/* The common head of every owner's storage; owners embed it first. */
struct SpaprTceStorage {
    const SpaprTceStorageOps *ops;
    uint64_t nb_entries;
};

/*
 * User-space owner.
 *
 * A radix tree over the entry index, 9 bits per level: leaves hold 512 TCEs
 * (4 KiB), interior nodes hold 512 child pointers; 1 to 4 levels depending
 * on nb_entries (4 for more than 2^27 entries).  Every node, leaf or
 * interior, carries two 512-bit maps: "non-zero" (leaf: the entry is not 0;
 * interior: the child exists) and "valid" (leaf: the entry has permission
 * bits; interior: the child's subtree holds at least one valid entry).
 * A node is allocated on the first non-zero store under it and freed as
 * soon as its "non-zero" map is empty, so a leaf holding only invalid but
 * non-zero entries is kept.  Consequences:
 *   - memory: sizeof the handle when empty (no node is preallocated, even the
 *     root), then one leaf per 512-entry block in use plus its ancestors:
 *     proportional to the entries in use, never to the window size;
 *   - get/set: one descent of at most 4 levels, O(1);
 *   - walks: find-next-set-bit over the maps, so empty regions and subtrees
 *     without valid entries cost one bit scan; a walk is O(entries visited
 *     + nodes on their paths), independent of the window size.
 */

/* Entries per leaf. */
#define SPAPR_TCE_USER_LEAF_ENTRIES 512

/*
 * Create an empty user-space storage of @nb_entries entries
 * (1 <= nb_entries <= SPAPR_TCE_STORAGE_MAX_ENTRIES, asserted).  Never fails
 * (g_new aborts on OOM, and an empty table allocates no node).
 */
SpaprTceStorage *spapr_tce_storage_new_user(uint64_t nb_entries);

/* Bytes of one radix node of the user owner. */
size_t spapr_tce_storage_user_node_bytes(void);

/* Bytes of an empty user-space storage handle (what bytes_used reports empty). */
size_t spapr_tce_storage_user_empty_bytes(void);

/*
 * Number of allocated leaves and interior nodes of a user-space storage
 * (@s must be one: asserted).  For tests and the benchmark.
 */
void spapr_tce_storage_user_nodes(SpaprTceStorage *s, uint64_t *leaves,
                                  uint64_t *interior);

/*
 * Kernel owner (designed, not implemented yet: lands with the hotplug work).
 *
 *   SpaprTceStorage *spapr_tce_storage_new_kernel(int fd, uint64_t nb_entries,
 *                                                 bool known_empty,
 *                                                 Error **errp);
 *
 * Wraps the fd returned by KVM_CREATE_SPAPR_TCE_64 (or by kernel-tce-sim):
 * mmap(fd) MAP_SHARED, PROT_READ|PROT_WRITE, length nb_entries * 8 rounded
 * up to the host page size (kernel-interfaces.md 3.2: file page n holds
 * entries [n * E, (n + 1) * E), E = page size / 8, host-native u64, pages
 * allocated on demand by the kernel).  It takes ownership of @fd on success
 * (destroy munmaps and closes it); on failure (mmap error) sets @errp with
 * the errno, leaves @fd open and returns NULL.
 *   - get/set read/write the mapping; set returns the previous value.
 *   - The kernel writes entries behind user space's back, so neither a
 *     valid count nor a map of non-empty pages can be kept: count_valid and
 *     walk scan the window, O(nb_entries).  mincore() cannot be used to skip
 *     pages: a page the kernel allocated in its hcall path is not in this
 *     process's page tables until touched, so it would look absent.  And a
 *     read fault on the fd allocates the page in the kernel, so a scan makes
 *     the kernel table dense.  Hence @known_empty: the caller passes true
 *     when the table was just created and no hcall can have reached it yet;
 *     the storage keeps the flag until the first set() through it or until
 *     spapr_tce_storage_kernel_exposed() (the table was handed to the
 *     kernel fast path), and while it holds, walks and count_valid return
 *     at once.  Moving a fresh, never-exposed table is therefore free.
 *   - bytes_used reports the mapping length (an upper bound of what the
 *     kernel holds: it allocates lazily and does not say how much).
 *   - clear_all writes zeros only over non-zero entries (a scan), so that it
 *     does not allocate kernel pages.
 *   - kind "kernel".
 */

/* The owner's kind name: "user" or "kernel". */
const char *spapr_tce_storage_kind(SpaprTceStorage *s);

/* Number of entries of the window this storage covers. */
uint64_t spapr_tce_storage_nb_entries(SpaprTceStorage *s);

/* Entry at @index, verbatim (0 if never written).  @index < nb_entries. */
uint64_t spapr_tce_storage_get(SpaprTceStorage *s, uint64_t index);

/*
 * Store @tce verbatim at @index (< nb_entries) and return the previous
 * value.  Storing 0 clears the entry and may free memory.
 */
uint64_t spapr_tce_storage_set(SpaprTceStorage *s, uint64_t index,
                               uint64_t tce);

/*
 * Call @fn for each valid entry (permission bits set) with index in
 * [@first, @last], in ascending index order.  Requires first <= last <
 * nb_entries.  Returns 0 after visiting all of them, or the first non-zero
 * value @fn returned (the walk stops there).
 */
int spapr_tce_storage_for_each_valid(SpaprTceStorage *s, uint64_t first,
                                     uint64_t last, SpaprTceStorageWalkFn fn,
                                     void *opaque);

/*
 * As spapr_tce_storage_for_each_valid(), but visits every non-zero entry,
 * including invalid ones (permission 0, address bits set).  For copying and
 * migration.
 */
int spapr_tce_storage_for_each_nonzero(SpaprTceStorage *s, uint64_t first,
                                       uint64_t last,
                                       SpaprTceStorageWalkFn fn, void *opaque);

/* Number of valid entries. */
uint64_t spapr_tce_storage_count_valid(SpaprTceStorage *s);

/*
 * Host memory held by the storage, in bytes: the handle plus every node the
 * owner allocated (user owner; malloc overhead not counted), or the mapping
 * length (kernel owner).
 */
uint64_t spapr_tce_storage_bytes_used(SpaprTceStorage *s);

/* Zero every entry.  Sends nothing to anyone: the caller notifies if needed. */
void spapr_tce_storage_clear_all(SpaprTceStorage *s);

/* Free @s and everything it holds.  NULL is accepted and ignored. */
void spapr_tce_storage_destroy(SpaprTceStorage *s);

/*
 * Make @dst an exact copy of @src: clear @dst, then store every non-zero
 * entry of @src (valid or not) at the same index.  Both must have the same
 * nb_entries (asserted).  @src is left unchanged; the caller then destroys
 * it (this is how a table moves between the kernel and user space when
 * need_vfio changes).  Cost: O(non-zero entries) when @src is the user
 * owner, plus @dst's clear.  Returns the number of entries copied.
 */
uint64_t spapr_tce_storage_move(SpaprTceStorage *dst, SpaprTceStorage *src);

#endif /* HW_PPC_SPAPR_TCE_STORAGE_H */
