/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-hcall: in-process TCE updates per second through the hypercall
 * dispatcher (validation, sparse store, IOMMU events), with and without an
 * IOMMU notifier attached, measured side by side in one run.
 *
 *   bench-hcall [--updates N]
 *
 * H_PUT_TCE: one entry per call; H_PUT_TCE_INDIRECT: 512 per call;
 * H_STUFF_TCE: 512 per call.  Each pass maps then clears the same entries,
 * so the table is back to empty between passes.
 */

#include "qemu/osdep.h"
#include "bench-util.h"
#include <time.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"
#include "hw/pci-host/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "system/system.h"

#define LIOBN       0x80000001U
#define LIST_GPA    0x100000ULL

static const TypeInfo owner_info = {
    .name = "bench-tce-owner",
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
};

static uint64_t notified;       /* entries covered by the events */

/* An event may cover several entries (an aligned block): count entries. */
static int count_notify(IOMMUNotifier *n, const IOMMUTLBEvent *ev)
{
    notified += (ev->entry.addr_mask >> 16) + 1;
    return 0;
}

static target_ulong call(SpaprMachineState *spapr, target_ulong op,
                         target_ulong a0, target_ulong a1, target_ulong a2,
                         target_ulong a3)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };

    return spapr_hypercall(spapr, op, args);
}

/* Map then clear @n entries (n a multiple of 512); returns entries/s. */
static double run(SpaprMachineState *spapr, const char *how, uint64_t n)
{
    uint64_t t0 = bench_now_ns(), ns;
    target_ulong ret = H_SUCCESS;

    if (!strcmp(how, "put")) {
        for (uint64_t i = 0; i < n && ret == H_SUCCESS; i++) {
            ret = call(spapr, H_PUT_TCE, LIOBN, i << 16, (i << 16) % (1ULL << 30) | 3, 0);
        }
        for (uint64_t i = 0; i < n && ret == H_SUCCESS; i++) {
            ret = call(spapr, H_PUT_TCE, LIOBN, i << 16, 0, 0);
        }
    } else if (!strcmp(how, "indirect")) {
        for (uint64_t i = 0; i < n && ret == H_SUCCESS; i += 512) {
            ret = call(spapr, H_PUT_TCE_INDIRECT, LIOBN, i << 16, LIST_GPA, 512);
        }
        for (uint64_t i = 0; i < n && ret == H_SUCCESS; i += 512) {
            ret = call(spapr, H_STUFF_TCE, LIOBN, i << 16, 0, 512);
        }
    } else {
        for (uint64_t i = 0; i < n && ret == H_SUCCESS; i += 512) {
            ret = call(spapr, H_STUFF_TCE, LIOBN, i << 16, 0x10003, 512);
        }
        for (uint64_t i = 0; i < n && ret == H_SUCCESS; i += 512) {
            ret = call(spapr, H_STUFF_TCE, LIOBN, i << 16, 0, 512);
        }
    }
    ns = bench_now_ns() - t0;
    if (ret != H_SUCCESS) {
        fprintf(stderr, "bench-hcall: %s returned %" PRId64 "\n", how,
                (int64_t)ret);
        exit(1);
    }
    return 2.0 * n / (ns / 1e9);
}

int main(int argc, char **argv)
{
    guint64 updates = 1 << 20;
    GOptionEntry entries[] = {
        { "updates", 0, 0, G_OPTION_ARG_INT64, &updates,
          "entries mapped (then cleared) per pass", "N" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;
    static const char *const hows[] = { "put", "indirect", "stuff" };
    SpaprMachineState *spapr;
    DeviceState *owner;
    SpaprTceTable *tcet;
    IOMMUNotifier n;
    uint64_t list[512];

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr) ||
        updates < 512 || updates % 512 || updates > (1ULL << 31)) {
        fprintf(stderr, "bench-hcall: --updates must be a multiple of 512 "
                "in [512, 2^31]\n");
        return 1;
    }
    type_register_static(&owner_info);
    memory_map_init();
    system_create_machine("pseries", 1ULL << 30, &error_fatal);
    spapr = spapr_machine();
    /* The default PHB owns LIOBNs 0x80000000/1: free them for this test. */
    object_unparent(OBJECT(spapr_pci_find_phb(spapr, SPAPR_PCI_BASE_BUID)));
    owner = qdev_new("bench-tce-owner");
    object_property_add_child(container_get(qdev_get_machine(), "unattached"),
                              "owner", OBJECT(owner));
    object_unref(OBJECT(owner));
    qdev_realize(owner, NULL, &error_fatal);
    tcet = spapr_tce_new_table(spapr, owner, LIOBN, &error_fatal);
    /* A 2^47-byte window of 64 KiB pages at bus address 0. */
    spapr_tce_table_enable(tcet, 16, 0, 1U << 31, &error_fatal);
    for (unsigned i = 0; i < 512; i++) {
        list[i] = GUINT64_TO_BE((uint64_t)i << 16 | 3);
    }
    address_space_write(&address_space_memory, LIST_GPA, list, sizeof(list));

    printf("bench-hcall: TCE updates per second (map + clear of %" PRIu64
           " entries of a 2^31-entry 64 KiB-page window)\n", (uint64_t)updates);
    printf("%-10s %16s %16s %8s\n", "hcall", "no notifier", "1 notifier", "ratio");
    for (size_t h = 0; h < G_N_ELEMENTS(hows); h++) {
        double bare = 0, with = 0;

        /* Alternate three times and keep the best of each, so that neither
         * side gets the cold caches alone. */
        notified = 0;
        for (int rep = 0; rep < 3; rep++) {
            double r = run(spapr, hows[h], updates);

            bare = MAX(bare, r);
            iommu_notifier_init(&n, count_notify, IOMMU_NOTIFIER_IOTLB_EVENTS,
                                0, HWADDR_MAX, 0);
            memory_region_register_iommu_notifier(
                MEMORY_REGION_OF_IOMMU(&tcet->iommu), &n, &error_fatal);
            r = run(spapr, hows[h], updates);
            with = MAX(with, r);
            memory_region_unregister_iommu_notifier(
                MEMORY_REGION_OF_IOMMU(&tcet->iommu), &n);
        }
        if (notified != 3 * 2 * updates) {
            fprintf(stderr, "bench-hcall: %s: events covered %" PRIu64
                    " entries, expected %" PRIu64 "\n", hows[h], notified,
                    6 * (uint64_t)updates);
            return 1;
        }
        printf("%-10s %14.3g/s %14.3g/s %8.2f\n", hows[h], bare, with,
               bare / with);
    }
    machine_destroy(MACHINE(spapr));
    memory_map_cleanup();
    return 0;
}
