/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-kernel-tce: what scanning a kernel-owned TCE table costs
 * (docs/user/kernel-tce.md, "What it costs").  A kernel table can only be
 * read by scanning it; spapr_tce_storage_count_valid() on the kernel owner
 * is that scan.  Side by side, for windows of 2^20, 2^24 and 2^27 entries
 * holding 100 valid entries spread over them:
 *   - a memfd table (the stand-in) whose pages exist only where written:
 *     the storage scans only those (lseek SEEK_DATA);
 *   - the same table with every page present: a full scan;
 *   - the first read of every entry of a table none of whose pages exist,
 *     through its mapping: what a KVM table fd costs, where nothing tells
 *     which pages exist and a read allocates the page.
 *
 *   bench-kernel-tce
 */

#include "qemu/osdep.h"
#include "bench-util.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "hw/ppc/spapr_tce_storage.h"

static void die(const char *what)
{
    perror(what);
    exit(1);
}

int main(void)
{
    static const uint64_t sizes[] = { 1ULL << 20, 1ULL << 24, 1ULL << 27 };

    printf("bench-kernel-tce: spapr_tce_storage_count_valid() of a kernel "
           "storage (memfd), 100 valid entries spread over the window\n");
    printf("%-12s %10s %18s %22s %26s\n", "entries", "table", "pages as written",
           "every page present", "first read, every page");
    for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++) {
        uint64_t n = sizes[k], c_sparse, c_full, sum = 0, t0;
        size_t len = spapr_tce_storage_kernel_map_len(n);
        double sparse_ms, full_ms, fault_ms;
        SpaprTceStorage *s;
        volatile uint64_t *kv;
        uint64_t *map;
        int fd = memfd_create("bench-kernel-tce", MFD_CLOEXEC);

        if (fd < 0 || ftruncate(fd, len) < 0) {
            die("memfd");
        }
        map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            die("mmap");
        }
        for (uint64_t i = 0; i < 100; i++) {
            map[(n / 100) * i] = (i << 12) | 3;
        }
        s = spapr_tce_storage_new_kernel(dup(fd), n, 12, false, &error_fatal);

        t0 = bench_now_ns();
        c_sparse = spapr_tce_storage_count_valid(s);
        sparse_ms = (bench_now_ns() - t0) / 1e6;

        for (uint64_t i = 0; i < n; i += 512) {
            if (!map[i]) {
                map[i] = 0x8;           /* no permission: allocates the page */
            }
        }
        t0 = bench_now_ns();
        c_full = spapr_tce_storage_count_valid(s);
        full_ms = (bench_now_ns() - t0) / 1e6;
        spapr_tce_storage_destroy(s);
        munmap(map, len);
        close(fd);

        /* A fresh table, read through its mapping: every read allocates. */
        fd = memfd_create("bench-kernel-tce", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, len) < 0) {
            die("memfd");
        }
        kv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (kv == MAP_FAILED) {
            die("mmap");
        }
        t0 = bench_now_ns();
        for (uint64_t i = 0; i < n; i++) {
            sum += kv[i] & 3;
        }
        fault_ms = (bench_now_ns() - t0) / 1e6;
        munmap((void *)kv, len);
        close(fd);

        if (c_sparse != 100 || c_full != 100 || sum) {
            fprintf(stderr, "bench-kernel-tce: counted %" PRIu64 " / %" PRIu64
                    " valid entries, expected 100\n", c_sparse, c_full);
            return 1;
        }
        printf("%-12" PRIu64 " %6zu MiB %15.2f ms %11.2f ms (%.2f ns/e) "
               "%13.2f ms (%.2f ns/e)\n", n, len >> 20, sparse_ms, full_ms,
               full_ms * 1e6 / n, fault_ms, fault_ms * 1e6 / n);
    }
    return 0;
}
