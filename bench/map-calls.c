/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * map-calls: host IOMMU map calls and time for a guest that direct-maps its
 * RAM with H_PUT_TCE_INDIRECT (512 TCEs a call) through a VFIO container on
 * the soft host, coalesced against one host call per TCE, in one run.
 *
 *   map-calls [--ram-gib N] [--page-shift S]
 *
 * The guest (a pseries machine with N GiB of RAM, default 4) gets a DDW of
 * 2^S-byte TCEs (default 12) at 2^59 covering all of RAM; the container is
 * sPAPR TCE v2 (no mapping limit, so the per-TCE pass can finish).  Target:
 * exactly ceil(TCEs / 512) map calls when coalescing.
 */

#include "qemu/osdep.h"
#include "bench-util.h"
#include <time.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/vfio/iommu-soft.h"
#include "hw/vfio/vfio-container.h"
#include "system/system.h"

#define LIST_GPA    0x100000ULL
#define DMA64       (1ULL << 59)
#define LIOBN1      0x80000001U

static VFIOSoftIOMMU *soft;

static VFIOIOMMU *b_open(void *opaque, Error **errp)
{
    VFIOSoftConfig cfg = {
        .types = 1u << VFIO_IOMMU_SPAPR_TCE_V2,
        .host_page_shift = 12,
    };

    soft = vfio_soft_new(&cfg, errp);
    return soft ? vfio_soft_iommu(soft) : NULL;
}

static int b_set(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    return 0;
}

static const VFIOHostOps b_ops = {
    .name = "bench",
    .open_iommu = b_open,
    .set_container = b_set,
};

typedef struct Pass {
    uint64_t map_calls;
    uint64_t host_maps;         /* as counted by the soft host itself */
    uint64_t host_mappings;     /* mappings the host holds at the end */
    uint64_t ns;
    bool ok;
} Pass;

static Pass direct_map(SpaprMachineState *spapr, VFIOContainer *c,
                       uint64_t tces, unsigned shift)
{
    uint64_t list[SPAPR_TCE_INDIRECT_MAX];
    uint64_t t0;
    Pass p = { .ok = true };

    vfio_container_reset_stats(c);
    vfio_soft_reset_counters(soft);
    t0 = bench_now_ns();
    for (uint64_t i = 0; i < tces; i += SPAPR_TCE_INDIRECT_MAX) {
        uint64_t n = MIN(SPAPR_TCE_INDIRECT_MAX, tces - i);
        target_ulong args[SPAPR_HCALL_MAX_ARGS] = {
            LIOBN1, DMA64 + (i << shift), LIST_GPA, n,
        };

        for (uint64_t k = 0; k < n; k++) {
            list[k] = GUINT64_TO_BE(((i + k) << shift) | 3);
        }
        address_space_write(&address_space_memory, LIST_GPA, list, n * 8);
        if (spapr_hypercall(spapr, H_PUT_TCE_INDIRECT, args) != H_SUCCESS) {
            p.ok = false;
            break;
        }
    }
    p.ns = bench_now_ns() - t0;
    p.map_calls = vfio_container_get_stats(c).map_calls;
    p.host_maps = vfio_soft_get_counters(soft, VFIO_SOFT_OP_MAP).calls;
    {
        g_autoptr(GArray) m = vfio_soft_get_mappings(soft);

        p.host_mappings = m->len;
    }
    return p;
}

static void clear(SpaprMachineState *spapr, uint64_t tces)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { LIOBN1, DMA64, 0, tces };

    g_assert(spapr_hypercall(spapr, H_STUFF_TCE, args) == H_SUCCESS);
}

int main(int argc, char **argv)
{
    uint64_t ram_gib = 4;
    unsigned shift = 12;
    SpaprMachineState *spapr;
    SpaprPhbState *phb;
    VFIOGroup *group;
    uint64_t tces, target;
    Pass a, b;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--ram-gib")) {
            ram_gib = strtoull(argv[i + 1], NULL, 0);
        } else if (!strcmp(argv[i], "--page-shift")) {
            shift = strtoul(argv[i + 1], NULL, 0);
        }
    }
    tces = (ram_gib << 30) >> shift;
    target = (tces + SPAPR_TCE_INDIRECT_MAX - 1) / SPAPR_TCE_INDIRECT_MAX;

    memory_map_init();
    if (!system_create_machine("pseries", ram_gib << 30, &error_abort)) {
        return 1;
    }
    spapr = spapr_machine();
    phb = spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID);
    spapr_phb_dma_reset(phb);
    group = vfio_group_get(1, &phb->iommu_as, &b_ops, NULL, &error_abort);
    g_assert(spapr_tce_table_enable(phb->tcet[1], shift, DMA64, tces,
                                    &error_abort));

    printf("map-calls: direct map of %" PRIu64 " GiB with %u KiB TCEs "
           "(%" PRIu64 " TCEs, %" PRIu64 " H_PUT_TCE_INDIRECT calls), "
           "sPAPR v2 soft host\n", ram_gib, (1u << shift) >> 10, tces,
           target);
    a = direct_map(spapr, group->container, tces, shift);
    clear(spapr, tces);
    vfio_container_set_coalescing(group->container, false);
    b = direct_map(spapr, group->container, tces, shift);
    clear(spapr, tces);

    printf("%-22s %14s %14s\n", "", "coalesced", "per TCE");
    printf("%-22s %14" PRIu64 " %14" PRIu64 "\n", "container map calls",
           a.map_calls, b.map_calls);
    printf("%-22s %14" PRIu64 " %14" PRIu64 "\n", "soft host map calls",
           a.host_maps, b.host_maps);
    printf("%-22s %14" PRIu64 " %14" PRIu64 "\n", "host mappings after",
           a.host_mappings, b.host_mappings);
    printf("%-22s %14.1f %14.1f\n", "time (ms)", a.ns / 1e6, b.ns / 1e6);
    printf("%-22s %14.3f %14.3f\n", "us per INDIRECT call",
           a.ns / 1e3 / target, b.ns / 1e3 / target);
    printf("ratio: %.1f x fewer map calls, %.2f x faster; target ceil(TCEs / "
           "512) = %" PRIu64 ": %s\n",
           (double)b.map_calls / a.map_calls, (double)b.ns / a.ns, target,
           a.ok && b.ok && a.map_calls == target ? "met" : "MISSED");

    vfio_group_put(group);
    machine_destroy(MACHINE(spapr));
    memory_map_cleanup();
    return a.ok && b.ok && a.map_calls == target ? 0 : 1;
}
