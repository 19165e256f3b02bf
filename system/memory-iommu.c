/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IOMMU regions: notifier registration, event delivery, batches and replay. */

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "trace.h"

#define IOMMU_DEFAULT_PAGE_SIZE 4096

/* ---- IOMMU notifiers -------------------------------------------------- */

void iommu_notifier_init(IOMMUNotifier *n,
                         int (*fn)(IOMMUNotifier *n, const IOMMUTLBEvent *ev),
                         IOMMUNotifierFlag flags, hwaddr start, hwaddr end,
                         int iommu_idx)
{
    n->notify = fn;
    n->batch_begin = NULL;
    n->batch_commit = NULL;
    n->notifier_flags = flags;
    n->start = start;
    n->end = end;
    n->iommu_idx = iommu_idx;
    n->iommu_mr = NULL;
    n->in_batch = false;
}

int memory_region_iommu_num_indexes(IOMMUMemoryRegion *iommu_mr)
{
    return iommu_mr->ops->num_indexes ?
           iommu_mr->ops->num_indexes(iommu_mr) : 1;
}

uint64_t memory_region_iommu_get_min_page_size(IOMMUMemoryRegion *iommu_mr)
{
    return iommu_mr->ops->get_min_page_size ?
           iommu_mr->ops->get_min_page_size(iommu_mr) :
           IOMMU_DEFAULT_PAGE_SIZE;
}

int memory_region_iommu_get_attr(IOMMUMemoryRegion *iommu_mr,
                                 IOMMUMemoryRegionAttr attr, void *data)
{
    if (!iommu_mr->ops->get_attr) {
        return -EINVAL;
    }
    return iommu_mr->ops->get_attr(iommu_mr, attr, data);
}

/* What @n adds to its region's flags (include/exec/memory.h). */
static IOMMUNotifierFlag iommu_notifier_contribution(IOMMUNotifier *n)
{
    IOMMUNotifierFlag f = n->notifier_flags & ~IOMMU_NOTIFIER_KERNEL_LINKED;

    if (!(n->notifier_flags & IOMMU_NOTIFIER_KERNEL_LINKED)) {
        f |= IOMMU_NOTIFIER_NEEDS_USER;
    }
    return f;
}

static IOMMUNotifierFlag iommu_notifier_union(IOMMUMemoryRegion *iommu_mr)
{
    IOMMUNotifierFlag flags = IOMMU_NOTIFIER_NONE;
    guint i;

    for (i = 0; i < iommu_mr->notifiers->len; i++) {
        flags |= iommu_notifier_contribution(
            g_ptr_array_index(iommu_mr->notifiers, i));
    }
    return flags;
}

int memory_region_register_iommu_notifier(MemoryRegion *mr, IOMMUNotifier *n,
                                          Error **errp)
{
    IOMMUMemoryRegion *iommu_mr = memory_region_get_iommu(mr);
    IOMMUNotifierFlag old_flags, new_flags;

    assert(iommu_mr);
    assert(!n->iommu_mr);
    assert(n->notify);
    assert(n->notifier_flags & ~IOMMU_NOTIFIER_KERNEL_LINKED);
    assert(!(n->notifier_flags & IOMMU_NOTIFIER_NEEDS_USER));
    assert(n->start <= n->end);
    assert(n->iommu_idx >= 0 &&
           n->iommu_idx < memory_region_iommu_num_indexes(iommu_mr));
    assert(!iommu_mr->delivering);

    old_flags = iommu_mr->notify_flags;
    new_flags = old_flags | iommu_notifier_contribution(n);
    if (new_flags != old_flags && iommu_mr->ops->notify_flag_changed) {
        Error *err = NULL;
        int ret = iommu_mr->ops->notify_flag_changed(iommu_mr, old_flags,
                                                     new_flags, &err);

        if (ret < 0) {
            if (!err) {
                error_setg_errno(&err, -ret, "IOMMU region '%s' refused "
                                 "notifier flags 0x%x", mr->name, new_flags);
            }
            trace_memory_region_iommu_notifier_register(
                mr->name, n->notifier_flags, n->start, n->end, ret);
            error_propagate(errp, err);
            return ret;
        }
        assert(!err);
    }
    g_ptr_array_add(iommu_mr->notifiers, n);
    n->iommu_mr = iommu_mr;
    n->in_batch = false;            /* an open batch is not its batch */
    iommu_mr->notify_flags = new_flags;
    trace_memory_region_iommu_notifier_register(mr->name, n->notifier_flags,
                                                n->start, n->end, 0);
    return 0;
}

int memory_region_iommu_notifier_set_flags(IOMMUNotifier *n,
                                           IOMMUNotifierFlag flags,
                                           Error **errp)
{
    IOMMUMemoryRegion *iommu_mr = n->iommu_mr;
    IOMMUNotifierFlag old_flags, new_flags, saved = n->notifier_flags;

    assert(iommu_mr);
    assert(flags & ~IOMMU_NOTIFIER_KERNEL_LINKED);
    assert(!(flags & IOMMU_NOTIFIER_NEEDS_USER));
    assert(!iommu_mr->delivering);
    old_flags = iommu_mr->notify_flags;
    n->notifier_flags = flags;
    new_flags = iommu_notifier_union(iommu_mr);
    if (new_flags != old_flags && iommu_mr->ops->notify_flag_changed) {
        Error *err = NULL;
        int ret = iommu_mr->ops->notify_flag_changed(iommu_mr, old_flags,
                                                     new_flags, &err);

        if (ret < 0) {
            n->notifier_flags = saved;
            if (!err) {
                error_setg_errno(&err, -ret, "IOMMU region '%s' refused "
                                 "notifier flags 0x%x",
                                 MEMORY_REGION_OF_IOMMU(iommu_mr)->name,
                                 new_flags);
            }
            error_propagate(errp, err);
            return ret;
        }
        assert(!err);
    }
    iommu_mr->notify_flags = new_flags;
    trace_memory_region_iommu_notifier_set_flags(
        MEMORY_REGION_OF_IOMMU(iommu_mr)->name, saved, flags, old_flags,
        new_flags);
    return 0;
}

void memory_region_unregister_iommu_notifier(MemoryRegion *mr,
                                             IOMMUNotifier *n)
{
    IOMMUMemoryRegion *iommu_mr = memory_region_get_iommu(mr);
    IOMMUNotifierFlag old_flags, new_flags;

    assert(iommu_mr);
    if (n->iommu_mr != iommu_mr) {
        return;
    }
    assert(!iommu_mr->delivering);
    g_ptr_array_remove(iommu_mr->notifiers, n);
    n->iommu_mr = NULL;
    n->in_batch = false;
    old_flags = iommu_mr->notify_flags;
    new_flags = iommu_notifier_union(iommu_mr);
    iommu_mr->notify_flags = new_flags;
    trace_memory_region_iommu_notifier_unregister(mr->name, n->notifier_flags,
                                                  old_flags, new_flags);
    if (new_flags != old_flags && iommu_mr->ops->notify_flag_changed) {
        Error *err = NULL;

        if (iommu_mr->ops->notify_flag_changed(iommu_mr, old_flags,
                                               new_flags, &err) < 0 && err) {
            error_report_err(err);
        } else {
            error_free(err);
        }
    }
}

int memory_region_notify_iommu_one(IOMMUNotifier *n,
                                   const IOMMUTLBEvent *event)
{
    const IOMMUTLBEntry *entry = &event->entry;
    hwaddr entry_last = entry->iova + entry->addr_mask;
    IOMMUTLBEvent cropped = *event;

    if (entry_last < entry->iova) {
        entry_last = HWADDR_MAX;
    }
    if (!(n->notifier_flags & event->type) ||
        n->start > entry_last || n->end < entry->iova) {
        return 0;
    }
    if (entry->iova < n->start) {
        cropped.entry.iova = n->start;
        cropped.entry.translated_addr += n->start - entry->iova;
    }
    cropped.entry.addr_mask = MIN(entry_last, n->end) - cropped.entry.iova;
    return n->notify(n, &cropped);
}

bool memory_region_iommu_has_notifiers(IOMMUMemoryRegion *iommu_mr)
{
    return iommu_mr->notifiers->len > 0;
}

/* Tell @fail about @n's failure @err; the callback must not re-enter. */
static void iommu_report_failure(IOMMUMemoryRegion *iommu_mr, IOMMUNotifier *n,
                                 int err, IOMMUNotifyFailFn fail, void *opaque)
{
    trace_memory_region_iommu_notifier_failed(iommu_mr->parent_obj.name,
                                              n->notifier_flags, n->start,
                                              n->end, err);
    if (fail) {
        iommu_mr->reporting = true;
        fail(n, err, opaque);
        iommu_mr->reporting = false;
    }
}

int memory_region_notify_iommu_report(IOMMUMemoryRegion *iommu_mr,
                                      int iommu_idx,
                                      const IOMMUTLBEvent *event,
                                      IOMMUNotifyFailFn fail, void *opaque)
{
    int first_err = 0;
    guint i;

    assert(!iommu_mr->reporting);
    assert(event->type == IOMMU_NOTIFIER_MAP ||
           event->type == IOMMU_NOTIFIER_UNMAP ||
           event->type == IOMMU_NOTIFIER_DEVIOTLB_UNMAP);
    if (event->type == IOMMU_NOTIFIER_UNMAP) {
        assert(event->entry.perm == IOMMU_NONE);
    }
    trace_memory_region_notify_iommu(iommu_mr->parent_obj.name,
                                     event->entry.iova,
                                     event->entry.translated_addr,
                                     event->entry.addr_mask,
                                     event->entry.perm, event->type);
    iommu_mr->delivering++;
    for (i = 0; i < iommu_mr->notifiers->len; i++) {
        IOMMUNotifier *n = g_ptr_array_index(iommu_mr->notifiers, i);
        int ret;

        if (n->iommu_idx != iommu_idx) {
            continue;
        }
        ret = memory_region_notify_iommu_one(n, event);
        if (ret < 0) {
            if (!first_err) {
                first_err = ret;
            }
            iommu_report_failure(iommu_mr, n, ret, fail, opaque);
        }
    }
    iommu_mr->delivering--;
    return first_err;
}

int memory_region_notify_iommu(IOMMUMemoryRegion *iommu_mr, int iommu_idx,
                               const IOMMUTLBEvent event)
{
    return memory_region_notify_iommu_report(iommu_mr, iommu_idx, &event,
                                             NULL, NULL);
}

static int iommu_batch_call(IOMMUMemoryRegion *iommu_mr, bool commit,
                            IOMMUNotifyFailFn fail, void *opaque)
{
    int first_err = 0;
    guint i;

    assert(!iommu_mr->reporting);
    trace_memory_region_iommu_batch(iommu_mr->parent_obj.name, commit);
    iommu_mr->delivering++;
    for (i = 0; i < iommu_mr->notifiers->len; i++) {
        IOMMUNotifier *n = g_ptr_array_index(iommu_mr->notifiers, i);
        int (*hook)(IOMMUNotifier *n) = commit ? n->batch_commit :
                                                 n->batch_begin;
        int ret;

        /* Pair the hooks per notifier (IOMMUNotifier contract). */
        if (n->in_batch != commit) {
            continue;
        }
        n->in_batch = !commit;
        ret = hook ? hook(n) : 0;
        if (ret < 0) {
            if (!first_err) {
                first_err = ret;
            }
            iommu_report_failure(iommu_mr, n, ret, fail, opaque);
        }
    }
    iommu_mr->delivering--;
    return first_err;
}

int memory_region_iommu_batch_begin(IOMMUMemoryRegion *iommu_mr)
{
    return iommu_batch_call(iommu_mr, false, NULL, NULL);
}

int memory_region_iommu_batch_commit_report(IOMMUMemoryRegion *iommu_mr,
                                            IOMMUNotifyFailFn fail,
                                            void *opaque)
{
    return iommu_batch_call(iommu_mr, true, fail, opaque);
}

int memory_region_iommu_batch_commit(IOMMUMemoryRegion *iommu_mr)
{
    return memory_region_iommu_batch_commit_report(iommu_mr, NULL, NULL);
}

/*
 * Generic replay: translate each granule of @n's range within the region.
 * Returns 0, or the first notify error (the walk stops there).
 */
static int iommu_replay_walk(IOMMUMemoryRegion *iommu_mr, IOMMUNotifier *n)
{
    uint64_t gran = memory_region_iommu_get_min_page_size(iommu_mr);
    uint64_t size = iommu_mr->parent_obj.size;
    hwaddr last, addr;

    assert(gran && !(gran & (gran - 1)));
    if (size == 0 || n->start >= size) {
        return 0;
    }
    last = MIN(n->end, size == UINT64_MAX ? HWADDR_MAX : size - 1);
    for (addr = ROUND_DOWN(n->start, gran); ; addr += gran) {
        IOMMUTLBEvent ev = {
            .type = IOMMU_NOTIFIER_MAP,
            .entry = iommu_mr->ops->translate(iommu_mr, addr, IOMMU_NONE,
                                              n->iommu_idx),
        };

        if (ev.entry.perm != IOMMU_NONE) {
            hwaddr entry_last = ev.entry.iova + ev.entry.addr_mask;
            int ret = memory_region_notify_iommu_one(n, &ev);

            if (ret < 0) {
                return ret;
            }
            /*
             * An entry larger than the granule is delivered once: a
             * consumer must not see the same mapping as several MAPs.
             */
            if (entry_last < ev.entry.iova) {
                entry_last = HWADDR_MAX;
            }
            if (ev.entry.iova <= addr && entry_last >= addr) {
                if (entry_last >= last) {
                    break;
                }
                addr = ROUND_DOWN(entry_last, gran);
            }
        }
        if (last - addr < gran) {
            break;
        }
    }
    return 0;
}

bool memory_region_iommu_replay(IOMMUMemoryRegion *iommu_mr,
                                IOMMUNotifier *n, Error **errp)
{
    bool delegated = iommu_mr->ops->replay != NULL;
    const char *stage = NULL;
    bool own_batch;
    int err = 0;

    if (!(n->notifier_flags & IOMMU_NOTIFIER_MAP)) {
        return true;
    }
    trace_memory_region_iommu_replay(iommu_mr->parent_obj.name, delegated,
                                     n->start, n->end);
    iommu_mr->delivering++;
    /*
     * A replay is one batch for @n (so a consumer can merge the runs it
     * maps), whoever walks the entries; inside a batch @n already has open,
     * it joins that batch instead of nesting.  The hooks stay paired even
     * when one fails (IOMMUNotifier contract).
     */
    own_batch = !n->in_batch;
    if (own_batch && n->batch_begin) {
        int ret = n->batch_begin(n);

        if (ret < 0) {
            err = ret;
            stage = "batch_begin";
        }
    }
    n->in_batch = true;
    if (!err) {
        int ret = delegated ? iommu_mr->ops->replay(iommu_mr, n) :
                              iommu_replay_walk(iommu_mr, n);

        if (ret < 0) {
            err = ret;
            stage = "notify";
        }
    }
    if (own_batch) {
        n->in_batch = false;
        if (n->batch_commit) {
            int ret = n->batch_commit(n);

            if (ret < 0 && !err) {
                err = ret;
                stage = "batch_commit";
            }
        }
    }
    iommu_mr->delivering--;
    if (err) {
        trace_memory_region_iommu_replay_failed(iommu_mr->parent_obj.name,
                                                stage, err);
        error_setg_errno(errp, -err, "replay of IOMMU region '%s' failed "
                         "in %s", iommu_mr->parent_obj.name, stage);
        return false;
    }
    return true;
}
