/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the bench/ programs share: a clock, this process's memory figures,
 * and the model of QEMU's per-page replay they compare against.
 */
#ifndef BENCH_BENCH_UTIL_H
#define BENCH_BENCH_UTIL_H

#include "qemu/osdep.h"

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* VmRSS and VmSize of this process, in KiB (0 if /proc says nothing). */
void bench_vm_status(uint64_t *rss_kib, uint64_t *size_kib);

/* Called for each entry of the dense walk that has a permission. */
typedef void (*BenchDenseVisit)(void *opaque, uint64_t index, uint64_t tce);

/*
 * The walk QEMU's generic replay does over a dense table: for every page of
 * a window of @nb entries of 2^@page_shift bytes, call the IOMMU class's
 * translate through a function pointer (bounds check, read the entry,
 * build an entry by value), and hand the entries with a permission to
 * @visit.
 */
void bench_dense_walk(const uint64_t *table, uint64_t nb, unsigned page_shift,
                      BenchDenseVisit visit, void *opaque);

#endif /* BENCH_BENCH_UTIL_H */
