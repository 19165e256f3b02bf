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

typedef struct Error Error;
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

/* Per-machine bound on the host memory all user-space TCE storages may hold. */
typedef struct SpaprTceBudget {
    uint64_t limit;   /* bytes; 0 = no limit */
    uint64_t used;    /* bytes currently held by the storages charged to it */
} SpaprTceBudget;

/* A run of entries: what spapr_tce_storage_for_each_run() reports. */
typedef struct SpaprTceRun {
    uint64_t index;   /* first entry of the run */
    uint64_t count;   /* >= 1 */
    uint64_t tce;     /* value of the first entry */
    /* false: all entries == tce; true: entry k == tce + (k << page_shift) */
    bool advance;
} SpaprTceRun;

/* Called once per run, in ascending order; return 0 to go on (as above). */
typedef int (*SpaprTceStorageRunFn)(void *opaque, const SpaprTceRun *run);

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
    /*
     * Entries [first, first + count) := tce (+ k << page_shift for the k-th
     * entry when @advance); count >= 1, no wrap past 2^64.  0 or -ENOSPC /
     * -ENOMEM with the storage unchanged; never fails when tce == 0.
     */
    int (*fill)(SpaprTceStorage *s, uint64_t first, uint64_t count,
                uint64_t tce, bool advance);
    /* See spapr_tce_storage_exchange(). */
    int (*exchange)(SpaprTceStorage *s, uint64_t index, uint64_t tce,
                    uint64_t *old);
    /* See spapr_tce_storage_can_write(). */
    bool (*can_write)(SpaprTceStorage *s, uint64_t nr_writes);
    /*
     * Visit entries of [first, last] selected by @mode in ascending order;
     * stop early as described for SpaprTceStorageWalkFn.
     */
    int (*walk)(SpaprTceStorage *s, uint64_t first, uint64_t last,
                SpaprTceWalkMode mode, SpaprTceStorageWalkFn fn,
                void *opaque);
    /* As walk, by maximal runs (see spapr_tce_storage_for_each_run()). */
    int (*walk_runs)(SpaprTceStorage *s, uint64_t first, uint64_t last,
                     SpaprTceWalkMode mode, SpaprTceStorageRunFn fn,
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
    uint32_t page_shift;    /* stride of advancing runs: 1 << page_shift */
};

/*
 * User-space owner: a run-aware radix ("hash array mapped trie").
 *
 * The index is cut into 6-bit digits: a node has 64 slots, a leaf (level
 * 0) slot is one entry, a level-l slot covers the aligned block of 64^l
 * entries below it; 1 to 6 levels depending on nb_entries (6 above 2^30
 * entries, i.e. for the 2^31-entry windows QEMU accepts).  A slot is
 * absent (all its entries are 0), a child node, or a run descriptor: the
 * value of the block's first entry plus an "advance" bit, meaning that the
 * whole block is one run (every entry equal, or entry k == value + (k <<
 * page_shift)).  Leaf slots are always descriptors (one entry each).
 *
 * A node is a header of four 64-bit maps (present, descriptor, advance,
 * valid: the slot holds a valid entry) plus an array of slots: compact
 * (room for 1, 4 or 16 slots, only the present ones, found by the popcount
 * of the present map below the slot) or direct (64 slots) once more than
 * 16 are present.  A node of capacity C takes 40 + 8 * C bytes.
 *
 * Canonical form, restored on the path of every write: a node whose 64
 * slots are descriptors that continue one another (one run) is freed and
 * becomes a descriptor in its parent, recursively; a node left empty is
 * freed; a node whose slots fall to an eighth of its capacity is shrunk.
 * So the layout depends on the contents only, not on the order of writes:
 * a run of any length costs at most two partial nodes per level (its ragged
 * ends), and a whole window filled with one value costs the root alone.
 * The root is never turned into a descriptor; it is freed when empty.
 *
 * Costs:
 *   - get: one descent of at most 6 levels, O(1);
 *   - set: O(1) (the descent, plus at most 64 comparisons per level when a
 *     node becomes full and may collapse); an overwrite or a store into a
 *     leaf with a free slot allocates nothing; the path to the leaf last
 *     stored into is kept until a node is allocated or freed, so get and
 *     set on that leaf (sequential access) skip the descent;
 *   - fill / clear of any range: O(levels * 64), whatever the count: slots
 *     covered whole become descriptors (or absent), the old subtrees below
 *     them are freed (that part is O(nodes freed));
 *   - walks: find-next-set-bit over the maps; for_each_run is O(runs + nodes
 *     on their paths, 64 slots per node); the per-entry walks are O(entries
 *     visited) (an entry of a descriptor is computed, not stored);
 *   - count_valid: O(1) (a counter);
 *   - memory: the handle when empty (no node is preallocated, even the
 *     root); an isolated entry costs at most one 1-slot node per level,
 *     6 * 48 = 288 bytes, less where it shares upper nodes with others; a
 *     run costs O(levels * 64 * 8) bytes whatever its length.  Removals
 *     shrink a node only once it uses an eighth of its capacity, so after
 *     removals a node may hold up to 8 times the bytes its slots need.
 *
 * Memory budget: a storage charges every byte it allocates (handle and
 * nodes, the figure bytes_used reports) to its SpaprTceBudget, if any, and
 * uncharges what it frees.  Before a write that stores non-zero values, the
 * nodes it needs are computed and allocated, all of them, before anything
 * changes: if they would take budget->used above budget->limit the write
 * returns -ENOSPC, if an allocation fails -ENOMEM, the storage unchanged.
 * (So a write that needs no new node succeeds even when used is above the
 * limit.)  Nodes are allocated with g_try_malloc().
 * Writes of 0 (set to 0, clear) never fail: splitting a run at the edges of
 * a cleared range may allocate up to two nodes per level, which are charged
 * even above the limit.
 */

/* Entries per leaf. */
#define SPAPR_TCE_USER_LEAF_ENTRIES 64

/* Levels of nodes above the leaves in the tallest tree (2^32 entries). */
#define SPAPR_TCE_USER_MAX_HEIGHT   5

/*
 * Create an empty user-space storage of @nb_entries entries
 * (1 <= nb_entries <= SPAPR_TCE_STORAGE_MAX_ENTRIES, asserted) whose
 * advancing runs step by 1 << @page_shift (2 <= page_shift <= 63, asserted:
 * the step must leave the permission bits alone).  @budget may be NULL (no
 * limit); otherwise the handle is charged to it at once, even above the
 * limit, and must outlive the storage.  Never fails (g_new aborts on OOM,
 * and an empty table allocates no node).
 */
SpaprTceStorage *spapr_tce_storage_new_user(uint64_t nb_entries,
                                            uint32_t page_shift,
                                            SpaprTceBudget *budget);

/*
 * Bytes of a radix node of the user owner holding @nr_slots slots (1..64),
 * as sized when it grew to them: 48, 72, 168 or 552.
 */
size_t spapr_tce_storage_user_node_bytes(unsigned nr_slots);

/* Bytes of an empty user-space storage handle (what bytes_used reports empty). */
size_t spapr_tce_storage_user_empty_bytes(void);

/*
 * Worst case bytes one set() or fill() of a user-space storage allocates:
 * two direct nodes per level.  What spapr_tce_storage_can_write() charges
 * per write.
 */
uint64_t spapr_tce_storage_user_write_bytes(SpaprTceStorage *s);

/*
 * Number of allocated leaves and interior nodes of a user-space storage
 * (@s must be one: asserted).  For tests and the benchmark.
 */
void spapr_tce_storage_user_nodes(SpaprTceStorage *s, uint64_t *leaves,
                                  uint64_t *interior);

/*
 * Kernel owner: the table the kernel holds (the fd KVM_CREATE_SPAPR_TCE_64
 * returns, or one of accel/kernel-tce-sim.c), seen through a mapping.
 *
 * mmap(fd) MAP_SHARED, PROT_READ|PROT_WRITE, length nb_entries * 8 rounded
 * up to the host page size (docs/specs/linux-interfaces.md §3.2: file page n
 * holds entries [n * E, (n + 1) * E), E = page size / 8, host-native u64,
 * pages allocated on demand by the kernel).
 *   - get/exchange/fill read and write the mapping; an entry is written
 *     only where its value changes.
 *   - The kernel writes entries behind user space's back, so neither a
 *     valid count nor a map of non-empty pages can be kept: count_valid and
 *     the walks (for_each_run included: runs are found by comparing
 *     neighbours) scan the window, O(nb_entries).  mincore() cannot be used
 *     to skip pages: a page the kernel allocated in its hcall path is not in
 *     this process's page tables until touched, so it would look absent.
 *     And a read fault on a KVM table fd allocates the page in the kernel,
 *     so a scan makes the kernel table dense.  A fd that answers
 *     lseek(SEEK_DATA / SEEK_HOLE) (the memfd of accel/kernel-tce-sim.c)
 *     tells where its pages are: scans and clears then visit only those,
 *     O(pages in use), and never fault a hole in; a KVM table fd has no
 *     lseek, so they read everything.  Hence @known_empty: the
 *     caller passes true when the table was just created and no hcall can
 *     have reached it yet; the storage keeps the flag until the first
 *     non-zero store through it or until spapr_tce_storage_kernel_exposed()
 *     (the table was handed to the kernel fast path), and while it holds,
 *     get returns 0 and walks, count_valid and clears return at once
 *     without touching the mapping.  Moving a fresh, never-exposed table is
 *     therefore free.
 *   - can_write is always true (the table is preallocated by size); no
 *     budget is charged: the kernel charges the memory to the process's
 *     locked-memory limit itself.
 *   - bytes_used reports the mapping length (an upper bound of what the
 *     kernel holds: it allocates lazily and does not say how much).
 *   - clear_all and fills of 0 write zeros only over non-zero entries (a
 *     scan as above: no stores into pages that hold nothing).
 *   - kind "kernel".
 */

/* Length of the mapping of a kernel table of @nb_entries entries. */
size_t spapr_tce_storage_kernel_map_len(uint64_t nb_entries);

/*
 * Wrap the kernel table @fd of @nb_entries entries (1..2^32, asserted),
 * advancing runs stepping by 1 << @page_shift (2..63, asserted).  Takes
 * ownership of @fd on success (destroy munmaps and closes it); on failure
 * (mmap error) sets @errp with the errno, leaves @fd open and returns NULL.
 */
SpaprTceStorage *spapr_tce_storage_new_kernel(int fd, uint64_t nb_entries,
                                              uint32_t page_shift,
                                              bool known_empty, Error **errp);

/*
 * The table was handed to a writer other than this storage (the kernel's
 * hcall path): drop the known_empty shortcut.  @s must be a kernel storage.
 */
void spapr_tce_storage_kernel_exposed(SpaprTceStorage *s);

/* True if @s is a kernel-owner storage. */
bool spapr_tce_storage_is_kernel(SpaprTceStorage *s);

/*
 * The kernel table's fd (owned by @s: do not close it), or -1 for a user
 * storage.  What KVM-VFIO SET_SPAPR_TCE takes as the table.
 */
int spapr_tce_storage_kernel_fd(SpaprTceStorage *s);

/* The owner's kind name: "user" or "kernel". */
const char *spapr_tce_storage_kind(SpaprTceStorage *s);

/* Number of entries of the window this storage covers. */
uint64_t spapr_tce_storage_nb_entries(SpaprTceStorage *s);

/* Entry at @index, verbatim (0 if never written).  @index < nb_entries. */
uint64_t spapr_tce_storage_get(SpaprTceStorage *s, uint64_t index);

/*
 * Store @tce verbatim at @index (< nb_entries).  Returns 0, or -ENOSPC (the
 * budget would be exceeded) / -ENOMEM (an allocation failed) with the
 * storage unchanged.  Storing 0 clears the entry, may free memory and never
 * fails; storing the value already there changes nothing.  Use
 * spapr_tce_storage_exchange() when the old value matters.  Runs form as
 * entries are stored: storing entries that continue a run (same value, or
 * value + (1 << page_shift) per entry) merges them into it, whatever order
 * they are stored in.
 */
int spapr_tce_storage_set(SpaprTceStorage *s, uint64_t index, uint64_t tce);

/*
 * As spapr_tce_storage_set(), and *@old receives the value the entry held
 * before the call (whether or not the call succeeds): one descent where
 * get() then set() take two.
 */
int spapr_tce_storage_exchange(SpaprTceStorage *s, uint64_t index,
                               uint64_t tce, uint64_t *old);

/*
 * Entries [first, first + count) := @tce (advance false) or tce + (k <<
 * page_shift) for the k-th entry (advance true).  count >= 1 and first +
 * count <= nb_entries (asserted); an advancing fill must not wrap past 2^64
 * (asserted: the caller computes the values, it checks them).  Cost
 * O(levels * 64) whatever count (plus the nodes it frees).  Returns 0, or
 * -ENOSPC / -ENOMEM with the storage unchanged; a fill with tce == 0 and
 * advance false is a clear and never fails.
 */
int spapr_tce_storage_fill(SpaprTceStorage *s, uint64_t first, uint64_t count,
                           uint64_t tce, bool advance);

/*
 * Zero entries [first, first + count) (count >= 1, within the window:
 * asserted).  Never fails; allocates at most two nodes per level (splitting
 * runs at the edges), never in proportion to count.
 */
void spapr_tce_storage_clear(SpaprTceStorage *s, uint64_t first,
                             uint64_t count);

/*
 * True when @nr_writes set()/fill() calls made right after (no other write
 * in between) cannot fail for the budget: used + nr_writes * worst case
 * bytes of one write <= limit (always true without a budget or limit).  A
 * sound bound, not an exact one: a write can succeed when this is false.
 */
bool spapr_tce_storage_can_write(SpaprTceStorage *s, uint64_t nr_writes);

/*
 * Call @fn for each valid entry (permission bits set) with index in
 * [@first, @last], in ascending index order.  Requires first <= last <
 * nb_entries.  Returns 0 after visiting all of them, or the first non-zero
 * value @fn returned (the walk stops there).  O(entries visited): a run
 * of n entries costs n calls.
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

/*
 * Visit the entries of [first, last] (first <= last < nb_entries) selected
 * by @mode as MAXIMAL runs in ascending order: two consecutive reported
 * runs could never be merged into one run; count == 1 runs have advance ==
 * false; an advancing run never wraps past 2^64.  Stops like the other
 * walks (returns @fn's first non-zero value).  Cost O(runs visited + nodes
 * on their paths), independent of the number of entries in each run.
 */
int spapr_tce_storage_for_each_run(SpaprTceStorage *s, uint64_t first,
                                   uint64_t last, SpaprTceWalkMode mode,
                                   SpaprTceStorageRunFn fn, void *opaque);

/* Number of valid entries, O(1). */
uint64_t spapr_tce_storage_count_valid(SpaprTceStorage *s);

/*
 * Host memory held by the storage, in bytes: the handle plus every node the
 * owner allocated (user owner; malloc overhead not counted; the figure
 * charged to its budget), or the mapping length (kernel owner).
 */
uint64_t spapr_tce_storage_bytes_used(SpaprTceStorage *s);

/*
 * Zero every entry.  Sends nothing to anyone: the caller notifies if
 * needed.  Allocates nothing; O(nodes freed).
 */
void spapr_tce_storage_clear_all(SpaprTceStorage *s);

/*
 * Free @s and everything it holds, uncharging it from its budget.  NULL is
 * accepted and ignored.  Allocates nothing.
 */
void spapr_tce_storage_destroy(SpaprTceStorage *s);

/*
 * Make @dst an exact copy of @src: clear @dst, then store every non-zero
 * run of @src (valid or not) at the same index.  Both must have the same
 * nb_entries and page_shift (asserted).  @src is left unchanged; the caller
 * then destroys it (this is how a table moves between the kernel and user
 * space when need_vfio changes).  Cost: O(runs of src) fills when @src is
 * the user owner, plus @dst's clear.  Returns 0, or -ENOSPC / -ENOMEM (a
 * fill into @dst failed): @dst is then left cleared.
 */
int spapr_tce_storage_move(SpaprTceStorage *dst, SpaprTceStorage *src);

#endif /* HW_PPC_SPAPR_TCE_STORAGE_H */
