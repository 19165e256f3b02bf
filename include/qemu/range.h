/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address ranges given as (start, size). */
#ifndef QEMU_RANGE_H
#define QEMU_RANGE_H

#include "qemu/osdep.h"

/*
 * True if [a, a + a_size) and [b, b + b_size) share an address.  Sizes must
 * be non-zero and neither range may wrap past 2^64 (callers check).
 */
static inline bool ranges_overlap64(uint64_t a, uint64_t a_size,
                                    uint64_t b, uint64_t b_size)
{
    return a <= b + (b_size - 1) && b <= a + (a_size - 1);
}

#endif /* QEMU_RANGE_H */
