/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory API: regions, address spaces, flat views, listeners, IOMMU regions
 * and their notifiers, and accesses through an address space.
 *
 * Model (QEMU's, simplified):
 *
 * - A MemoryRegion is a container, RAM, MMIO (ops), an alias of a window of
 *   another region, or an IOMMU region.  Any region may hold subregions at
 *   an offset with a priority; RAM, MMIO and IOMMU regions are "terminal":
 *   they fill the parts of their extent that no subregion covers.
 *
 * - Sizes are uint64_t and UINT64_MAX means 2^64 bytes ("the whole space"),
 *   as memory_region_init(..., UINT64_MAX) does in QEMU.  A region of exactly
 *   2^64 - 1 bytes cannot be described; nothing needs one.  A region that
 *   would extend past 2^64 is clipped at 2^64.
 *
 * - Overlap rule: among the subregions of one region, the one with the higher
 *   priority wins where they overlap; at equal priority the one added LATER
 *   wins (QEMU's rule).  A subregion's priority is only compared with its
 *   siblings'.  Subregions always win over the parent's own content.
 *
 * - An AddressSpace has a root region and a flat view: the sorted list of
 *   non-overlapping ranges that each map to one terminal region at an offset
 *   within it.  The flat views of all address spaces are recomputed whenever
 *   a topology change happens anywhere (subregion add/del, size change, AS
 *   creation), and the differences are delivered to the listeners.
 *
 * - Single-threaded; nothing here takes locks.  Memory accesses keep the flat
 *   view they started with alive (reference count), so an MMIO callback may
 *   change the topology in the middle of an access.
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* Regions take an owner only for bookkeeping; no QOM dependency here. */
typedef struct Object Object;

typedef struct MemoryRegion MemoryRegion;
typedef struct MemoryRegionOps MemoryRegionOps;
typedef struct IOMMUMemoryRegion IOMMUMemoryRegion;
typedef struct IOMMUMemoryRegionOps IOMMUMemoryRegionOps;
typedef struct IOMMUNotifier IOMMUNotifier;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;
typedef struct MemoryRegionSection MemoryRegionSection;
typedef struct IOMMUWindowCheck IOMMUWindowCheck;

/* ---- transaction results --------------------------------------------- */

/* Result of an access: MEMTX_OK or an OR of the error bits below. */
typedef uint32_t MemTxResult;
#define MEMTX_OK                0
#define MEMTX_ERROR             (1U << 0) /* the device reported an error */
#define MEMTX_DECODE_ERROR      (1U << 1) /* nothing at that address */
#define MEMTX_ACCESS_ERROR      (1U << 2) /* IOMMU entry forbids the access */
#define MEMTX_TRANSLATION_ERROR (1U << 3) /* IOMMU has no valid entry */

/* ---- MMIO ops --------------------------------------------------------- */

/*
 * Byte order of an MMIO device's registers.  The target (pseries) is big
 * endian, so DEVICE_NATIVE_ENDIAN behaves as DEVICE_BIG_ENDIAN.
 *
 * Accesses through an address space are byte oriented: the buffer holds the
 * bytes as they are in guest memory (what the CPU sees).  For an MMIO
 * access of N bytes at address A, the value passed to write() is the N
 * bytes of the buffer read in the device's byte order, and the value
 * returned by read() is stored into the buffer in the device's byte order.
 *
 * Example: qtest "writel A 0x11223344" stores the value in target (big
 * endian) order, i.e. the bytes 11 22 33 44, and calls address_space_write()
 * with them (as address_space_stl_be() does).  Then:
 *   DEVICE_BIG_ENDIAN / DEVICE_NATIVE_ENDIAN: write(opaque, A', 0x11223344, 4)
 *   DEVICE_LITTLE_ENDIAN:                     write(opaque, A', 0x44332211, 4)
 * where A' is A's offset within the region.  "readl A" of a register whose
 * read() returns 0x11223344 yields 0x11223344 for big/native and 0x44332211
 * for little endian.  RAM just stores the bytes 11 22 33 44.
 */
enum device_endian {
    DEVICE_NATIVE_ENDIAN,
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
};

/*
 * MMIO callbacks.  Called synchronously from address_space_rw() and
 * friends; they may access memory and change the topology.  A missing
 * callback makes the corresponding accesses fail with MEMTX_DECODE_ERROR.
 *
 * valid: what the bus accepts.  An access is split into the largest
 *   power-of-two pieces <= valid.max_access_size (default 4) that are
 *   naturally aligned to their offset in the region (unless valid.unaligned);
 *   a piece smaller than valid.min_access_size (default 1) fails with
 *   MEMTX_DECODE_ERROR and the rest of that section is skipped.
 * impl: what the callbacks implement (defaults 1 and 4).  A piece larger than
 *   impl.max_access_size is issued as consecutive impl.max_access_size
 *   accesses (ascending addresses); a piece smaller than
 *   impl.min_access_size is widened to one access of that size at the
 *   offset rounded down to it (two consecutive ones if an unaligned piece
 *   straddles a boundary of that size): a read extracts the bytes, a write sends the
 *   piece's bytes with the other bytes zero (no read-modify-write).
 * Sizes are 1, 2, 4 or 8.
 */
struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    enum device_endian endianness;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
    } impl;
};

/* ---- regions ---------------------------------------------------------- */

typedef enum MemoryRegionType {
    MEMORY_REGION_CONTAINER,
    MEMORY_REGION_RAM,
    MEMORY_REGION_IO,
    MEMORY_REGION_ALIAS,
    MEMORY_REGION_IOMMU,
} MemoryRegionType;

/*
 * A memory region.  Embed it in the owner's state; all fields are private
 * to system/memory.c, use the accessors below.
 */
struct MemoryRegion {
    Object *owner;
    char *name;
    uint64_t size;                  /* UINT64_MAX means 2^64 */
    MemoryRegionType type;
    bool initialized;
    /* RAM */
    void *ram_ptr;
    size_t ram_mmap_len;
    /* MMIO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* alias */
    MemoryRegion *alias;
    hwaddr alias_offset;
    /* placement */
    MemoryRegion *container;
    hwaddr addr;                    /* offset within container */
    int priority;
    GList *subregions;              /* priority descending, later first */
    /* references that forbid finalize */
    unsigned alias_refs;            /* aliases pointing at this region */
    unsigned as_root_refs;          /* address spaces rooted here */
};

/*
 * memory_region_init: initialize @mr as an empty container of @size bytes
 * (UINT64_MAX for the whole 2^64 space) named @name (copied).
 */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);

/*
 * memory_region_init_ram: initialize @mr as @size bytes of RAM, backed by
 * an anonymous private MAP_NORESERVE mapping: untouched pages cost nothing,
 * pages read before being written read as zero.  Fails (false, @errp set,
 * @mr left uninitialized) if @size is 0 or the mapping cannot be created.
 */
bool memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);

/*
 * memory_region_init_io: initialize @mr as an MMIO region of @size bytes
 * whose accesses call @ops with @opaque.  @ops may be NULL (every access
 * then fails with MEMTX_DECODE_ERROR).
 */
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);

/*
 * memory_region_init_alias: initialize @mr as a window of @size bytes onto
 * @orig starting at @offset within @orig.  @orig must outlive @mr (asserted
 * by memory_region_finalize(orig)).
 */
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);

/*
 * memory_region_add_subregion: place @subregion at @offset within @mr with
 * priority 0.  @subregion must not be in a container already (asserted).
 * Listeners are called before this returns.  Not callable from a listener.
 * Adding an IOMMU region makes its sections new (see MemoryListener).
 */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);

/* memory_region_add_subregion with an explicit @priority (see top). */
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);

/*
 * memory_region_del_subregion: remove @subregion from @mr (it must be a
 * subregion of @mr, asserted).  Listeners are called before this returns.
 */
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);

/*
 * memory_region_set_size: change @mr's size (UINT64_MAX = 2^64); a topology
 * change.  A RAM region cannot grow beyond its initial size (asserted).
 * Setting the current size is no change at all.  Resizing an IOMMU region
 * makes its sections new, even if it is resized back to the old size
 * before the transaction commits (see MemoryListener).
 */
void memory_region_set_size(MemoryRegion *mr, uint64_t size);

/* Size in bytes; UINT64_MAX for a 2^64-byte region. */
uint64_t memory_region_size(const MemoryRegion *mr);
const char *memory_region_name(const MemoryRegion *mr);
Object *memory_region_owner(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);
bool memory_region_is_iommu(const MemoryRegion *mr);
/* True if @mr is a subregion of some region (not: reachable from an AS). */
bool memory_region_is_mapped(const MemoryRegion *mr);
/* Host address of offset 0 of a RAM region (follows aliases); else NULL. */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* The IOMMU region behind @mr (following aliases), or NULL. */
IOMMUMemoryRegion *memory_region_get_iommu(MemoryRegion *mr);

/*
 * memory_region_finalize: release @mr (unmaps RAM, detaches subregions).
 * @mr must not be in a container, an address space root or an alias target,
 * and an IOMMU region must have no notifier left (all asserted).
 * Finalizing a region that was never initialized (zeroed) does nothing.
 */
void memory_region_finalize(MemoryRegion *mr);

/*
 * memory_region_transaction_begin/commit: batch topology changes; the flat
 * views are recomputed (and listeners called) once, at the outermost
 * commit.  Nestable.
 */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* ---- address spaces, sections and listeners --------------------------- */

/*
 * One range of a flat view as listeners see it.
 *
 * [offset_within_address_space, offset_within_address_space + size) of
 * @as maps to [offset_within_region, ...) of the terminal region @mr (RAM,
 * MMIO or IOMMU; never a container or an alias).  A section is never empty,
 * so size 0 unambiguously means 2^64 bytes (the section covers the whole
 * address space); memory_region_section_last() gives the inclusive last
 * address in every case.
 */
struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    uint64_t size;                  /* 0 means 2^64 */
};

/* Inclusive last address of @s in its address space (wraps correctly). */
static inline hwaddr memory_region_section_last(const MemoryRegionSection *s)
{
    return s->offset_within_address_space + s->size - 1;
}

/*
 * A listener on one address space.
 *
 * region_add(listener, section): the section appeared in the flat view.
 * region_del(listener, section): the section left the flat view.
 *
 * When: synchronously, from the call that changed the topology, after the
 *   new flat view is in place (lookups and accesses see the new view; the
 *   regions of deleted sections are still alive during region_del).  A
 *   change first calls region_del for every section that vanished or
 *   changed (in address order), then region_add for every new or changed
 *   section (in address order).  A section present and identical in both
 *   views (same range, region and offset) produces no call, except for an
 *   IOMMU region that was added as a subregion or resized since the old
 *   view was rendered (even back to the same geometry, e.g. del + add of
 *   the same window inside one transaction): its sections always count as
 *   changed (region_del of the old ones, then region_add of the new ones),
 *   because the translations behind the old sections may be gone and a
 *   consumer must drop what it mapped for them.  RAM, MMIO and alias
 *   geometry changes follow the plain rule.  For each
 *   section, region_add goes to listeners by ascending priority and
 *   region_del by descending priority; equal priorities keep registration
 *   order (reversed for region_del).
 * May: read the section, access memory, register/unregister IOMMU
 *   notifiers and replay them.  May NOT change the topology, register or
 *   unregister listeners, or create/destroy address spaces (asserted).
 * Failure: listeners cannot fail a topology change.  A listener that cannot
 *   honour a section records the error itself (and reports it on its own
 *   path, e.g. fails a later realize or reports to the operator).  What a
 *   consumer can do is refuse an IOMMU window *before* it exists, through
 *   iommu_window_check (see memory_region_iommu_check_window()); the
 *   owner of the window asks, and does not add it when a consumer says no.
 * Either callback may be NULL; so may iommu_window_check.
 */
struct MemoryListener {
    void (*region_add)(MemoryListener *listener, MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener, MemoryRegionSection *section);
    /*
     * iommu_window_check(listener, iommu_mr, window, errp): could this
     * listener honour @iommu_mr appearing at @window in its address space?
     * Return true, or false with @errp set (the text names the window, the
     * sizes and the limit).  It must not change the topology, register
     * listeners or notifiers, or change guest-visible state; it may ask
     * its own host (and undo what it asked).  A true answer is not a
     * promise: region_add may still fail (and then handles it as any
     * region_add failure).
     */
    bool (*iommu_window_check)(MemoryListener *listener,
                               IOMMUMemoryRegion *iommu_mr,
                               const IOMMUWindowCheck *window,
                               Error **errp);
    int priority;
    const char *name;               /* for trace events; may be NULL */
    /* private */
    AddressSpace *address_space;
};

/*
 * A window about to appear, as memory_region_iommu_check_window() shows it
 * to each listener: in the listener's address space.
 */
struct IOMMUWindowCheck {
    hwaddr start;               /* first address in the address space */
    hwaddr last;                /* inclusive last address */
    uint64_t page_size;         /* the IOMMU's page (translation granule) */
    /*
     * Every IOMMU window of the address space other than this one goes
     * away before it appears (a reset to a default window): resources the
     * current windows hold (host window slots) do not count against it.
     */
    bool replaces_all;
};

/* An address space; fields private. */
struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;
    GList *listeners;               /* ascending priority */
};

/*
 * address_space_init: create the address space @as (named @name, copied)
 * rooted at @root and compute its flat view.  Not callable from a listener.
 */
void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);

/*
 * address_space_destroy: release @as.  All its listeners must have been
 * unregistered (asserted).
 */
void address_space_destroy(AddressSpace *as);

/*
 * memory_listener_register: attach @listener to @as and call region_add
 * for every current section, in address order.  @listener must not be
 * registered already (asserted).
 */
void memory_listener_register(MemoryListener *listener, AddressSpace *as);

/*
 * memory_listener_unregister: call region_del for every current section,
 * in address order, then detach @listener.  No-op if not registered.
 */
void memory_listener_unregister(MemoryListener *listener);

/*
 * address_space_find_section: the flat-view section of @as that contains
 * @addr.  Returns false (and leaves @section alone) if nothing is mapped
 * there.
 */
bool address_space_find_section(AddressSpace *as, hwaddr addr,
                                MemoryRegionSection *section);

/*
 * address_space_map_ram: host address of guest-physical @gpa in @as if
 * the whole range [gpa, gpa + len) lies in one RAM section (no IOMMU is
 * followed); @mr_out (may be NULL) receives the RAM region.  Returns NULL
 * (and leaves @mr_out alone) if len is 0, the range wraps, or any part is
 * not RAM of one region.  The pointer is valid until the region is
 * finalized.
 */
void *address_space_map_ram(AddressSpace *as, hwaddr gpa, hwaddr len,
                            MemoryRegion **mr_out);

/*
 * address_space_rw: read or write @len bytes at @addr of @as.
 *
 * The range is split at section boundaries.  RAM is copied; MMIO goes
 * through the region's ops (see MemoryRegionOps); IOMMU sections are
 * translated page by page: translate(offset in the IOMMU region, IOMMU_WO
 * for writes / IOMMU_RO for reads, index 0); permission NONE gives
 * MEMTX_TRANSLATION_ERROR, an entry without the needed bit (WO for writes,
 * RO for reads) MEMTX_ACCESS_ERROR, otherwise the access continues in
 * entry.target_as at translated_addr | (offset & addr_mask).  Unmapped
 * bytes give MEMTX_DECODE_ERROR.
 *
 * Every piece is attempted; the result is the OR of the pieces' results.
 * Bytes of a failed piece are not transferred: a read leaves them
 * unchanged in @buf (callers wanting QEMU's "unassigned reads as 0" zero
 * the buffer first), a write drops them.  @len 0 is MEMTX_OK.  A range
 * that wraps past 2^64 is MEMTX_DECODE_ERROR and nothing is accessed.
 */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len);

/*
 * Fixed-size accesses in big-endian (target) byte order, built on
 * address_space_rw().  @res may be NULL.  A failed load returns the bytes
 * that could be read with the others zero (0 if nothing was read).
 */
uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxResult *res);
uint16_t address_space_lduw_be(AddressSpace *as, hwaddr addr,
                               MemTxResult *res);
uint32_t address_space_ldl_be(AddressSpace *as, hwaddr addr,
                              MemTxResult *res);
uint64_t address_space_ldq_be(AddressSpace *as, hwaddr addr,
                              MemTxResult *res);
void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val,
                       MemTxResult *res);
void address_space_stw_be(AddressSpace *as, hwaddr addr, uint16_t val,
                          MemTxResult *res);
void address_space_stl_be(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxResult *res);
void address_space_stq_be(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxResult *res);

/* ---- system memory ---------------------------------------------------- */

/*
 * memory_map_init: create the "system" container (UINT64_MAX bytes) and
 * address_space_memory ("memory") on it.  Call once at start-up (or once
 * per test; pair with memory_map_cleanup()).
 */
void memory_map_init(void);

/*
 * memory_map_cleanup: destroy address_space_memory and the system
 * container (its subregions are detached, not finalized).  Listeners on
 * address_space_memory must be gone; other address spaces are untouched.
 */
void memory_map_cleanup(void);

/* The "system" container; NULL before memory_map_init(). */
MemoryRegion *get_system_memory(void);

extern AddressSpace address_space_memory;

/* ---- IOMMU ------------------------------------------------------------ */

typedef enum IOMMUAccessFlags {
    IOMMU_NONE = 0,
    IOMMU_RO = 1,
    IOMMU_WO = 2,
    IOMMU_RW = 3,
} IOMMUAccessFlags;

/*
 * One translation: [iova, iova + addr_mask] of the IOMMU region (region
 * relative) maps to [translated_addr, translated_addr + addr_mask] of
 * @target_as with permission @perm.  addr_mask is page size - 1 for
 * translations; an entry cropped for a notifier (see
 * memory_region_notify_iommu) has addr_mask = length - 1.
 */
typedef struct IOMMUTLBEntry {
    AddressSpace *target_as;
    hwaddr iova;
    hwaddr translated_addr;
    hwaddr addr_mask;
    IOMMUAccessFlags perm;
} IOMMUTLBEntry;

typedef enum IOMMUNotifierFlag {
    IOMMU_NOTIFIER_NONE = 0,
    IOMMU_NOTIFIER_UNMAP = 0x1,
    IOMMU_NOTIFIER_MAP = 0x2,
    IOMMU_NOTIFIER_DEVIOTLB_UNMAP = 0x4,
    /*
     * Set by a consumer that is linked to the region's in-kernel copy (a
     * TCE table the kernel's hcall path writes, with the kernel updating
     * the consumer's host IOMMU table itself: KVM-VFIO SET_SPAPR_TCE): it
     * does not need to hear of changes the kernel makes on its own.
     */
    IOMMU_NOTIFIER_KERNEL_LINKED = 0x8,
    /*
     * Derived by the memory API, never set by a consumer: in the flags a
     * region's notify_flag_changed receives, "at least one notifier is not
     * KERNEL_LINKED", so every change must reach the notifiers (a TCE
     * table must then leave the kernel).  KERNEL_LINKED itself never
     * appears there: a union cannot say that all notifiers have it.
     */
    IOMMU_NOTIFIER_NEEDS_USER = 0x10,
} IOMMUNotifierFlag;

#define IOMMU_NOTIFIER_IOTLB_EVENTS (IOMMU_NOTIFIER_MAP | IOMMU_NOTIFIER_UNMAP)

typedef struct IOMMUTLBEvent {
    IOMMUNotifierFlag type;         /* exactly one flag */
    IOMMUTLBEntry entry;
} IOMMUTLBEvent;

typedef enum IOMMUMemoryRegionAttr {
    IOMMU_ATTR_SPAPR_TCE_FD,
} IOMMUMemoryRegionAttr;

/*
 * The "IOMMU class": callbacks of an IOMMU region.  All addresses are
 * relative to the IOMMU region.
 *
 * name: the class's type name (e.g. "spapr-iommu-memory-region"); only
 *   shown by monitors.
 *
 * translate (required): the entry covering @addr, for an access of kind
 *   @flag (IOMMU_NONE when called by the generic replay), index @iommu_idx.
 *   Must not change the topology; must not notify.
 * replay (optional): deliver a MAP event for every valid entry within the
 *   notifier's range, through memory_region_notify_iommu_one() (which
 *   applies the notifier's flags, range and cropping), in ascending iova
 *   order.  Returns 0 when every entry was delivered, or the first negative
 *   value memory_region_notify_iommu_one() returned: the walk stops at that
 *   entry (later entries are not delivered).  Called only by
 *   memory_region_iommu_replay(), which brackets it in @notifier's batch:
 *   the op must not call batch hooks, register or unregister notifiers,
 *   notify other notifiers or change the topology.  Without it,
 *   memory_region_iommu_replay() walks the region in get_min_page_size()
 *   steps, calling translate, with the same stop-at-first-failure rule.
 * notify_flag_changed (optional): the union of the flags of the region's
 *   notifiers (KERNEL_LINKED replaced by the derived NEEDS_USER) changes
 *   from @old to @new.  Called before a registration
 *   takes effect (an error refuses it: return -errno and set @errp) and
 *   after an unregistration (errors are only reported).  May change the
 *   region's storage (e.g. move a TCE table out of the kernel) but not the
 *   topology.
 * get_min_page_size (optional): translation granule; 4096 when absent.
 * get_attr (optional): 0 and *@data filled, or -EINVAL (also when absent).
 * num_indexes (optional): number of IOMMU indexes; 1 when absent.
 */
struct IOMMUMemoryRegionOps {
    /* QOM-style type name of this IOMMU class, for display; may be NULL. */
    const char *name;
    IOMMUTLBEntry (*translate)(IOMMUMemoryRegion *iommu, hwaddr addr,
                               IOMMUAccessFlags flag, int iommu_idx);
    int (*replay)(IOMMUMemoryRegion *iommu, IOMMUNotifier *notifier);
    int (*notify_flag_changed)(IOMMUMemoryRegion *iommu,
                               IOMMUNotifierFlag old_flags,
                               IOMMUNotifierFlag new_flags, Error **errp);
    uint64_t (*get_min_page_size)(IOMMUMemoryRegion *iommu);
    int (*get_attr)(IOMMUMemoryRegion *iommu, IOMMUMemoryRegionAttr attr,
                    void *data);
    int (*num_indexes)(IOMMUMemoryRegion *iommu);
};

/*
 * A subscriber to one IOMMU region's mapping changes.
 *
 * notify(n, ev) (required): called for each event of a type in
 *   @notifier_flags whose range overlaps [start, end] (inclusive, region
 *   relative) on index @iommu_idx, with the entry cropped to [start, end].
 *   UNMAP events carry perm IOMMU_NONE.  Returns 0 or -errno; a failure is
 *   passed back to whoever sent the event: memory_region_notify_iommu()
 *   returns the first one, memory_region_notify_iommu_report() also names
 *   the failing notifier to the sender, and a replay stops at it and fails
 *   (memory_region_iommu_replay()).  A failure does not stop delivery of a
 *   notification to the other notifiers.  May access memory; must not
 *   register or unregister notifiers of the same region or change the
 *   topology.
 * batch_begin(n) / batch_commit(n) (optional): bracket a multi-entry update
 *   (begin, N notify, commit) so that a consumer can merge runs; returns 0
 *   or -errno.  Called for every notifier of the region, whatever its flags,
 *   and always paired: a notifier gets batch_commit exactly once for each
 *   batch_begin it got.  A notifier registered while a batch is open gets
 *   that batch's events but neither hook; one unregistered while a batch is
 *   open gets no commit (whoever unregisters it drops what it had pending).
 *   Batches do not nest: a second begin before the commit is not delivered
 *   again.  A failing hook does not undo the pairing: a notifier whose
 *   batch_begin failed still gets its batch_commit.  The hooks, like
 *   notify, must not register or unregister notifiers of the same region
 *   (asserted).
 *
 * Initialize with iommu_notifier_init(), then set the batch hooks if any.
 */
struct IOMMUNotifier {
    int (*notify)(IOMMUNotifier *n, const IOMMUTLBEvent *event);
    int (*batch_begin)(IOMMUNotifier *n);
    int (*batch_commit)(IOMMUNotifier *n);
    IOMMUNotifierFlag notifier_flags;
    hwaddr start;
    hwaddr end;
    int iommu_idx;
    /* private */
    IOMMUMemoryRegion *iommu_mr;    /* where registered, or NULL */
    bool in_batch;                  /* got batch_begin, commit pending */
};

/* An IOMMU region; embed it (parent_obj first) and use container_of. */
struct IOMMUMemoryRegion {
    MemoryRegion parent_obj;
    const IOMMUMemoryRegionOps *ops;
    GPtrArray *notifiers;           /* IOMMUNotifier *, registration order */
    IOMMUNotifierFlag notify_flags; /* union of the notifiers' flags, with
                                     * NEEDS_USER derived (above) */
    unsigned delivering;            /* >0 while notifying */
    bool reporting;                 /* in an IOMMUNotifyFailFn */
    /*
     * Bumped whenever the region is added as a subregion or resized; flat
     * ranges rendered with different generations are different sections
     * (see MemoryListener), so re-adding the same window is never silent.
     */
    uint64_t generation;
};

/* The MemoryRegion of an IOMMU region. */
static inline MemoryRegion *MEMORY_REGION_OF_IOMMU(IOMMUMemoryRegion *iommu)
{
    return &iommu->parent_obj;
}

/*
 * memory_region_init_iommu: initialize @iommu_mr as an IOMMU region of
 * @size bytes using @ops (translate required).
 */
void memory_region_init_iommu(IOMMUMemoryRegion *iommu_mr, Object *owner,
                              const IOMMUMemoryRegionOps *ops,
                              const char *name, uint64_t size);

/*
 * iommu_notifier_init: set @n's callback, flags (non-empty), inclusive
 * region-relative range [start, end] and index; clears the batch hooks.
 */
void iommu_notifier_init(IOMMUNotifier *n,
                         int (*fn)(IOMMUNotifier *n, const IOMMUTLBEvent *ev),
                         IOMMUNotifierFlag flags, hwaddr start, hwaddr end,
                         int iommu_idx);

/*
 * memory_region_register_iommu_notifier: add @n to the IOMMU region @mr
 * (an IOMMU region or an alias of one).  If the union of the notifiers'
 * flags changes, notify_flag_changed(old, new) is called first; if it fails
 * the notifier is not added and its -errno is returned with @errp set.
 * Returns 0 on success.  @n must not be registered already (asserted).
 * Does not replay: call memory_region_iommu_replay() for that.
 */
int memory_region_register_iommu_notifier(MemoryRegion *mr, IOMMUNotifier *n,
                                          Error **errp);

/*
 * memory_region_iommu_notifier_set_flags: change the flags of the
 * registered notifier @n to @flags (rules as at registration).  If the
 * union changes, notify_flag_changed(old, new) is called first; if it
 * refuses, @n keeps its flags and its -errno is returned with @errp set.
 * Returns 0 on success.  Used to drop IOMMU_NOTIFIER_KERNEL_LINKED when a
 * consumer stops being linked to the region's in-kernel copy.
 */
int memory_region_iommu_notifier_set_flags(IOMMUNotifier *n,
                                           IOMMUNotifierFlag flags,
                                           Error **errp);

/*
 * memory_region_unregister_iommu_notifier: remove @n; if the union of the
 * flags changes, notify_flag_changed(old, new) is called (an error is
 * reported, not returned).  No-op if @n is not registered on @mr.
 */
void memory_region_unregister_iommu_notifier(MemoryRegion *mr,
                                             IOMMUNotifier *n);

/*
 * memory_region_notify_iommu: deliver @event (by value, as QEMU) to the
 * notifiers of @iommu_mr on index @iommu_idx (see IOMMUNotifier).  An UNMAP
 * event must carry IOMMU_NONE (asserted).  Every matching notifier is
 * called, in registration order; returns the first error (0 if none).
 * Same as memory_region_notify_iommu_report(..., NULL, NULL).
 */
int memory_region_notify_iommu(IOMMUMemoryRegion *iommu_mr, int iommu_idx,
                               const IOMMUTLBEvent event);

/*
 * Told about one notifier whose hook failed with @err (negative errno):
 * for a caller that must resynchronise exactly the consumer that failed.
 *
 * When: synchronously, right after that notifier's hook returned @err and
 *   before the next notifier is called.
 * May: call memory_region_notify_iommu_one() on @n (e.g. UNMAP of its whole
 *   range) and memory_region_iommu_replay() for @n (inside an open batch
 *   the replay joins it; after a failed batch_commit @n's batch is closed,
 *   so the replay is a batch of its own); access memory; record @err.
 * May NOT: register or unregister notifiers (asserted, as for any hook),
 *   call memory_region_notify_iommu*() or memory_region_iommu_batch_*() of
 *   the region (asserted: delivery to the other notifiers is under way),
 *   or change the topology.
 */
typedef void (*IOMMUNotifyFailFn)(IOMMUNotifier *n, int err, void *opaque);

/*
 * memory_region_notify_iommu_report: as memory_region_notify_iommu(), and
 * calls @fail (if non-NULL) with @opaque for each notifier whose notify hook
 * returned an error, after that notifier's call.  Returns the first error
 * (0 if none), whatever @fail did about it.
 */
int memory_region_notify_iommu_report(IOMMUMemoryRegion *iommu_mr,
                                      int iommu_idx,
                                      const IOMMUTLBEvent *event,
                                      IOMMUNotifyFailFn fail, void *opaque);

/*
 * IOMMU_NOTIFIER_FOREACH: iterate the registered notifiers of @iommu_mr in
 * registration order, @n (an IOMMUNotifier * lvalue) naming each in turn;
 * for callers that must address one notifier (e.g. to unmap everything and
 * replay it).  The body must not register or unregister notifiers of
 * @iommu_mr.  Not nestable in one scope.
 */
#define IOMMU_NOTIFIER_FOREACH(n, iommu_mr)                                 \
    for (guint iommu_notifier_i_ = 0;                                     \
         iommu_notifier_i_ < (iommu_mr)->notifiers->len &&                 \
         ((n) = g_ptr_array_index((iommu_mr)->notifiers,                   \
                                  iommu_notifier_i_), true);               \
         iommu_notifier_i_++)

/* True when at least one notifier is registered on @iommu_mr (any flags). */
bool memory_region_iommu_has_notifiers(IOMMUMemoryRegion *iommu_mr);

/*
 * memory_region_notify_iommu_one: deliver @event to @n alone if @n's flags
 * include its type and its range overlaps the entry (cropping it); returns
 * @n's result, or 0 if not delivered.  For replay implementations.
 */
int memory_region_notify_iommu_one(IOMMUNotifier *n,
                                   const IOMMUTLBEvent *event);

/*
 * memory_region_iommu_batch_begin / _commit: open / close a batch on every
 * notifier (see IOMMUNotifier for the pairing rules), calling its
 * batch_begin / batch_commit hook if set, in registration order; return
 * the first error (0 if none) after calling all.  batch_commit is
 * memory_region_iommu_batch_commit_report(..., NULL, NULL).
 */
int memory_region_iommu_batch_begin(IOMMUMemoryRegion *iommu_mr);
int memory_region_iommu_batch_commit(IOMMUMemoryRegion *iommu_mr);

/*
 * memory_region_iommu_batch_commit_report: as
 * memory_region_iommu_batch_commit(), and calls @fail (if non-NULL) with
 * @opaque for each notifier whose batch_commit hook returned an error,
 * right after that hook (the notifier's batch is closed by then).
 */
int memory_region_iommu_batch_commit_report(IOMMUMemoryRegion *iommu_mr,
                                            IOMMUNotifyFailFn fail,
                                            void *opaque);

/*
 * memory_region_iommu_replay: deliver the current mappings to @n as MAP
 * events only (never UNMAP), in ascending iova order, through the region's
 * replay op when it has one, else by translating every get_min_page_size()
 * step of @n's range within the region and notifying entries whose
 * permission is not NONE (an entry larger than the granule is delivered
 * once and the walk resumes after it).  Nothing is delivered (and true is
 * returned) if @n does not take MAP events.  @n need not be registered.
 *
 * Batch: the replay is one batch for @n: batch_begin, the MAP events,
 * batch_commit (a replay op must not call them itself).  Inside a batch @n
 * already has open, it joins that batch (no hook is called; the caller's
 * commit closes it).
 *
 * Failure: returns true if every hook called returned 0.  Otherwise returns
 * false with @errp set (error_setg_errno: the region's name, the stage that
 * failed and the errno):
 *   - batch_begin fails: nothing is delivered, and batch_commit is still
 *     called (pairing, as memory_region_iommu_batch_begin()); its result is
 *     ignored, the error is batch_begin's;
 *   - notify fails: the walk stops at that entry (later entries are not
 *     delivered), batch_commit is still called, the error is notify's;
 *   - batch_commit fails (after a complete walk): the error is its own.
 * What @n received before the failure stays delivered: a caller wanting
 * all-or-nothing unmaps @n's range itself.
 */
bool memory_region_iommu_replay(IOMMUMemoryRegion *iommu_mr,
                                IOMMUNotifier *n, Error **errp);

/* Translation granule of @iommu_mr (get_min_page_size, default 4096). */
uint64_t memory_region_iommu_get_min_page_size(IOMMUMemoryRegion *iommu_mr);

/*
 * memory_region_iommu_check_window: the consumer veto.  Before an owner
 * makes @iommu_mr (not mapped yet) a subregion of @parent at @offset,
 * @size bytes (0: 2^64) with pages of @page_size bytes, it asks every
 * listener with an iommu_window_check hook of every address space from
 * whose root @parent is reached by subregion links (not through aliases;
 * the window is taken as wholly visible, priorities are not looked at).
 * Returns true if nobody refuses; false with the first refusal's error in
 * @errp (address spaces in creation order, listeners in priority order).
 * Nothing changes either way.  Not callable from a listener (asserted);
 * the owner must not change the topology between this call and the add
 * if it relies on the answer.  @replaces_all: see IOMMUWindowCheck.
 */
bool memory_region_iommu_check_window(MemoryRegion *parent, hwaddr offset,
                                      IOMMUMemoryRegion *iommu_mr,
                                      uint64_t size, uint64_t page_size,
                                      bool replaces_all, Error **errp);

/* get_attr of @iommu_mr; -EINVAL if it has none. */
int memory_region_iommu_get_attr(IOMMUMemoryRegion *iommu_mr,
                                 IOMMUMemoryRegionAttr attr, void *data);

/* Number of IOMMU indexes of @iommu_mr (default 1). */
int memory_region_iommu_num_indexes(IOMMUMemoryRegion *iommu_mr);

/* ---- monitor ---------------------------------------------------------- */

/*
 * mtree_info: append QEMU's "info mtree" text to @out.
 *
 * Without @flatview: for each distinct root (in order of its first address
 * space), "address-space: NAME" for each address space on it (sorted by
 * name), then the region tree, then an empty line.  A region line is
 *   INDENT START-END (prio P, TYPE): NAME
 * with START/END as %016"PRIx64" (END inclusive; END = START for an empty
 * region), INDENT two spaces per level (the root is at level 1), TYPE "ram"
 * for RAM and "i/o" for containers, MMIO and IOMMU regions.  An alias reads
 *   INDENT START-END (prio P, TYPE): alias NAME @TARGET TSTART-TEND
 * with TYPE the target's.  Children are sorted by address, then by
 * descending priority, then later-added first.  A line whose END wraps is
 * prefixed by "[DETECTED OVERFLOW!] ".  Then every alias target met, in
 * order: "memory-region: TARGET", its tree, an empty line.
 *
 * With @flatview: one block per distinct flat view ("FlatView #N", N from
 * 0), with a line ' AS "NAME", root: ROOT' per address space sharing it
 * (", alias TARGET" appended if the root is an alias), " Root memory
 * region: R" (or "(none)"), the ranges as "  START-END (prio P, TYPE):
 * NAME" (" @OFFSET" appended when the offset within the region is not 0)
 * or "  No rendered FlatView", then an empty line.
 */
void mtree_info(GString *out, bool flatview);

#endif /* EXEC_MEMORY_H */
