/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the bench/ programs share (bench/bench-util.h). */

#include "qemu/osdep.h"
#include <time.h>
#include "hw/ppc/spapr_tce_storage.h"
#include "bench-util.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void bench_vm_status(uint64_t *rss_kib, uint64_t *size_kib)
{
    g_autofree char *text = NULL;
    char *p;

    *rss_kib = *size_kib = 0;
    if (!g_file_get_contents("/proc/self/status", &text, NULL, NULL)) {
        return;
    }
    p = strstr(text, "VmRSS:");
    if (p) {
        *rss_kib = g_ascii_strtoull(p + 6, NULL, 10);
    }
    p = strstr(text, "VmSize:");
    if (p) {
        *size_kib = g_ascii_strtoull(p + 7, NULL, 10);
    }
}

typedef struct DenseEntry {
    uint64_t iova;
    uint64_t translated_addr;
    uint64_t addr_mask;
    int perm;
} DenseEntry;

typedef struct DenseTable {
    const uint64_t *table;
    uint64_t nb;
    unsigned page_shift;
} DenseTable;

static DenseEntry __attribute__((noinline))
dense_translate(const DenseTable *t, uint64_t addr)
{
    DenseEntry e = { .addr_mask = ~0ULL };
    uint64_t index = addr >> t->page_shift;

    if (index < t->nb) {
        uint64_t tce = t->table[index];
        uint64_t mask = (1ULL << t->page_shift) - 1;

        e.iova = addr & ~mask;
        e.translated_addr = tce & ~mask;
        e.addr_mask = mask;
        e.perm = tce & SPAPR_TCE_PERM_MASK;
    }
    return e;
}

/* Through a volatile pointer, as QEMU calls the class's hook. */
static DenseEntry (*volatile dense_translate_fn)(const DenseTable *, uint64_t) =
    dense_translate;

void bench_dense_walk(const uint64_t *table, uint64_t nb, unsigned page_shift,
                      BenchDenseVisit visit, void *opaque)
{
    const DenseTable t = { .table = table, .nb = nb, .page_shift = page_shift };
    DenseEntry (*translate)(const DenseTable *, uint64_t) = dense_translate_fn;
    uint64_t page = 1ULL << page_shift;

    for (uint64_t addr = 0; addr < (nb << page_shift); addr += page) {
        DenseEntry e = translate(&t, addr);

        if (e.perm) {
            visit(opaque, e.iova >> page_shift, e.translated_addr | e.perm);
        }
    }
}
