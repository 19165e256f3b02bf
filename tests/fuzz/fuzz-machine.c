/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine the libFuzzer targets feed (fuzz-machine.h). */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "system/system.h"
#include "fuzz-machine.h"

static SpaprMachineState *fuzz_spapr;
static uint32_t *rtas_tokens;
static guint n_rtas_tokens;
static uint64_t *hcall_opcodes;
static guint n_hcall_opcodes;

static gint cmp_u32(gconstpointer a, gconstpointer b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

SpaprMachineState *fuzz_machine(const char *iommu_type)
{
    g_autofree char *host = NULL;
    GHashTableIter it;
    gpointer key, value;
    guint i;

    if (fuzz_spapr) {
        return fuzz_spapr;
    }
    memory_map_init();
    host = g_strdup_printf("vfio-soft-host,id=h0,iommu-type=%s", iommu_type);
    if (!system_create_machine("pseries", FUZZ_RAM_SIZE, &error_abort) ||
        !system_object_add(host, &error_abort) ||
        !system_device_add("spapr-pci-host-bridge,index=1,id=phb1",
                           &error_abort) ||
        !system_device_add("vfio-pci,soft-host=h0,bus=pci.0,addr=3,id=v0",
                           &error_abort)) {
        abort();
    }
    system_monitor_init();
    if (!system_machine_done(&error_abort)) {
        abort();
    }
    fuzz_spapr = spapr_machine();

    n_rtas_tokens = g_hash_table_size(fuzz_spapr->rtas_by_name);
    rtas_tokens = g_new(uint32_t, n_rtas_tokens);
    i = 0;
    g_hash_table_iter_init(&it, fuzz_spapr->rtas_by_name);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        rtas_tokens[i++] = GPOINTER_TO_UINT(value);
    }
    qsort(rtas_tokens, n_rtas_tokens, sizeof(uint32_t), cmp_u32);

    n_hcall_opcodes = g_hash_table_size(fuzz_spapr->hcalls);
    hcall_opcodes = g_new(uint64_t, n_hcall_opcodes);
    i = 0;
    g_hash_table_iter_init(&it, fuzz_spapr->hcalls);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        hcall_opcodes[i++] = *(const int64_t *)key;
    }
    qsort(hcall_opcodes, n_hcall_opcodes, sizeof(uint64_t), cmp_u64);
    return fuzz_spapr;
}

void fuzz_machine_reset(void)
{
    static const uint8_t zero[0x2000];

    machine_reset(MACHINE(fuzz_spapr));
    address_space_write(&address_space_memory, FUZZ_RTAS_ARGS,
                        zero, sizeof(zero));
}

const uint32_t *fuzz_rtas_tokens(guint *n)
{
    *n = n_rtas_tokens;
    return rtas_tokens;
}

const uint64_t *fuzz_hcall_opcodes(guint *n)
{
    *n = n_hcall_opcodes;
    return hcall_opcodes;
}
