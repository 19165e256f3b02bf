/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accesses through an address space: RAM copies, MMIO dispatch, IOMMU walks. */

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "memory-internal.h"
#include "trace.h"

/* IOMMUs translating into IOMMUs: deeper than this is a loop. */
#define IOMMU_MAX_DEPTH 8

static MemTxResult address_space_rw_depth(AddressSpace *as, hwaddr addr,
                                          uint8_t *buf, hwaddr len,
                                          bool is_write, unsigned depth);

/* ---- byte order ------------------------------------------------------- */

static bool device_is_big_endian(const MemoryRegionOps *ops)
{
    /* The target (pseries) is big endian: native means big. */
    return ops->endianness != DEVICE_LITTLE_ENDIAN;
}

static uint64_t ld_dev(const uint8_t *p, unsigned size, bool big)
{
    uint64_t val = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned byte = big ? i : size - 1 - i;

        val = (val << 8) | p[byte];
    }
    return val;
}

static void st_dev(uint8_t *p, uint64_t val, unsigned size, bool big)
{
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned byte = big ? size - 1 - i : i;

        p[byte] = val;
        val >>= 8;
    }
}

/* ---- MMIO ------------------------------------------------------------- */

static unsigned pow2floor(uint64_t v)
{
    unsigned p = 1;

    while (p * 2 <= v && p < 8) {
        p *= 2;
    }
    return p;
}

static unsigned default_size(unsigned size, unsigned dflt)
{
    return size ? size : dflt;
}

/*
 * One device access of @size bytes at region offset @off, already valid
 * for the bus; adjusted to the implemented sizes (see MemoryRegionOps).
 */
static void mmio_dispatch(MemoryRegion *mr, hwaddr off, uint8_t *bytes,
                          unsigned size, bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    bool big = device_is_big_endian(ops);
    unsigned impl_min = default_size(ops->impl.min_access_size, 1);
    unsigned impl_max = default_size(ops->impl.max_access_size, 4);
    unsigned a;

    if (size < impl_min) {
        hwaddr base = off & ~(hwaddr)(impl_min - 1);

        /* An unaligned piece may straddle two implemented words. */
        for (unsigned done = 0; done < size; base += impl_min) {
            uint8_t word[8] = { 0 };
            unsigned shift = off + done - base;
            unsigned n = MIN(size - done, impl_min - shift);

            if (is_write) {
                memcpy(word + shift, bytes + done, n);
                ops->write(mr->opaque, base, ld_dev(word, impl_min, big),
                           impl_min);
            } else {
                st_dev(word, ops->read(mr->opaque, base, impl_min),
                       impl_min, big);
                memcpy(bytes + done, word + shift, n);
            }
            done += n;
        }
        return;
    }
    a = MIN(size, impl_max);
    for (unsigned i = 0; i < size; i += a) {
        if (is_write) {
            ops->write(mr->opaque, off + i, ld_dev(bytes + i, a, big), a);
        } else {
            st_dev(bytes + i, ops->read(mr->opaque, off + i, a), a, big);
        }
    }
}

/* Access [off, off + len) of MMIO region @mr, split as the bus allows. */
static MemTxResult mmio_rw(MemoryRegion *mr, hwaddr off, uint8_t *buf,
                           hwaddr len, bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned valid_min, valid_max;

    if (!ops || (is_write ? !ops->write : !ops->read)) {
        return MEMTX_DECODE_ERROR;
    }
    valid_min = default_size(ops->valid.min_access_size, 1);
    valid_max = default_size(ops->valid.max_access_size, 4);
    while (len) {
        unsigned l = pow2floor(MIN(len, valid_max));

        /* Largest naturally aligned piece unless the bus takes unaligned. */
        while (!ops->valid.unaligned && (off & (l - 1))) {
            l /= 2;
        }
        if (l < valid_min) {
            trace_memory_region_mmio_invalid(mr->name, off, l, is_write);
            return MEMTX_DECODE_ERROR;
        }
        mmio_dispatch(mr, off, buf, l, is_write);
        off += l;
        buf += l;
        len -= l;
    }
    return MEMTX_OK;
}

/* ---- IOMMU ------------------------------------------------------------ */

/* Access [off, off + len) of IOMMU region @mr, page by page. */
static MemTxResult iommu_rw(MemoryRegion *mr, hwaddr off, uint8_t *buf,
                            hwaddr len, bool is_write, unsigned depth)
{
    IOMMUMemoryRegion *iommu_mr = container_of(mr, IOMMUMemoryRegion,
                                               parent_obj);
    IOMMUAccessFlags need = is_write ? IOMMU_WO : IOMMU_RO;
    MemTxResult res = MEMTX_OK;

    if (depth >= IOMMU_MAX_DEPTH) {
        return MEMTX_DECODE_ERROR;
    }
    while (len) {
        IOMMUTLBEntry e = iommu_mr->ops->translate(iommu_mr, off, need, 0);
        hwaddr in_page = off & e.addr_mask;
        hwaddr step = len;

        /* Bytes left in this entry: addr_mask - in_page + 1, may be 2^64. */
        if (e.addr_mask - in_page < len - 1) {
            step = e.addr_mask - in_page + 1;
        }
        if (e.perm == IOMMU_NONE) {
            trace_memory_region_iommu_fault(mr->name, off, is_write,
                                            MEMTX_TRANSLATION_ERROR);
            res |= MEMTX_TRANSLATION_ERROR;
        } else if (!(e.perm & need)) {
            trace_memory_region_iommu_fault(mr->name, off, is_write,
                                            MEMTX_ACCESS_ERROR);
            res |= MEMTX_ACCESS_ERROR;
        } else {
            assert(e.target_as);
            res |= address_space_rw_depth(e.target_as,
                                          (e.translated_addr & ~e.addr_mask) |
                                          in_page, buf, step, is_write,
                                          depth + 1);
        }
        off += step;
        buf += step;
        len -= step;
    }
    return res;
}

/* ---- address spaces --------------------------------------------------- */

static MemTxResult flatview_rw(AddressSpace *as, FlatView *fv, hwaddr addr,
                               uint8_t *buf, hwaddr len, bool is_write,
                               unsigned depth)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        unsigned next;
        int i = flatview_lookup(fv, addr, &next);
        hwaddr step = len;

        if (i < 0) {
            /* A hole up to the next range (or the end of the access). */
            if (next < fv->nr && fv->ranges[next].start - addr < len) {
                step = fv->ranges[next].start - addr;
            }
            trace_address_space_unassigned(as->name, addr, step, is_write);
            res |= MEMTX_DECODE_ERROR;
        } else {
            const FlatRange *fr = &fv->ranges[i];
            MemoryRegion *mr = fr->mr;
            hwaddr off = fr->offset_in_region + (addr - fr->start);

            if (fr->last - addr < len - 1) {
                step = fr->last - addr + 1;
            }
            switch (mr->type) {
            case MEMORY_REGION_RAM:
                if (is_write) {
                    memcpy((uint8_t *)mr->ram_ptr + off, buf, step);
                } else {
                    memcpy(buf, (uint8_t *)mr->ram_ptr + off, step);
                }
                break;
            case MEMORY_REGION_IO:
                res |= mmio_rw(mr, off, buf, step, is_write);
                break;
            case MEMORY_REGION_IOMMU:
                res |= iommu_rw(mr, off, buf, step, is_write, depth);
                break;
            default:
                g_assert_not_reached();
            }
        }
        addr += step;
        buf += step;
        len -= step;
    }
    return res;
}

static MemTxResult address_space_rw_depth(AddressSpace *as, hwaddr addr,
                                          uint8_t *buf, hwaddr len,
                                          bool is_write, unsigned depth)
{
    FlatView *fv;
    MemTxResult res;

    if (len == 0) {
        return MEMTX_OK;
    }
    if (addr + (len - 1) < addr) {
        trace_address_space_unassigned(as->name, addr, len, is_write);
        return MEMTX_DECODE_ERROR;
    }
    /* An MMIO callback may change the topology: keep this view alive. */
    fv = flatview_ref(as->current_map);
    res = flatview_rw(as, fv, addr, buf, len, is_write, depth);
    flatview_unref(fv);
    return res;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write)
{
    return address_space_rw_depth(as, addr, buf, len, is_write, 0);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len)
{
    return address_space_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len)
{
    /* Writes never modify the buffer; rw shares one signature. */
    return address_space_rw(as, addr, (void *)buf, len, true);
}

/* ---- fixed-size big-endian accessors ---------------------------------- */

static uint64_t address_space_ld_be(AddressSpace *as, hwaddr addr,
                                    unsigned size, MemTxResult *res)
{
    uint8_t bytes[8] = { 0 };
    MemTxResult r = address_space_read(as, addr, bytes, size);

    if (res) {
        *res = r;
    }
    return ld_dev(bytes, size, true);
}

static void address_space_st_be(AddressSpace *as, hwaddr addr, uint64_t val,
                                unsigned size, MemTxResult *res)
{
    uint8_t bytes[8];
    MemTxResult r;

    st_dev(bytes, val, size, true);
    r = address_space_write(as, addr, bytes, size);
    if (res) {
        *res = r;
    }
}

uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxResult *res)
{
    return address_space_ld_be(as, addr, 1, res);
}

uint16_t address_space_lduw_be(AddressSpace *as, hwaddr addr,
                               MemTxResult *res)
{
    return address_space_ld_be(as, addr, 2, res);
}

uint32_t address_space_ldl_be(AddressSpace *as, hwaddr addr,
                              MemTxResult *res)
{
    return address_space_ld_be(as, addr, 4, res);
}

uint64_t address_space_ldq_be(AddressSpace *as, hwaddr addr,
                              MemTxResult *res)
{
    return address_space_ld_be(as, addr, 8, res);
}

void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val,
                       MemTxResult *res)
{
    address_space_st_be(as, addr, val, 1, res);
}

void address_space_stw_be(AddressSpace *as, hwaddr addr, uint16_t val,
                          MemTxResult *res)
{
    address_space_st_be(as, addr, val, 2, res);
}

void address_space_stl_be(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxResult *res)
{
    address_space_st_be(as, addr, val, 4, res);
}

void address_space_stq_be(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxResult *res)
{
    address_space_st_be(as, addr, val, 8, res);
}
