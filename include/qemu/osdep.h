/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Includes every translation unit needs first: C library, GLib and the
 * fixed-width address types used across the tree.
 */
#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>

/* A bus or guest-physical address. Field names say which space they hold. */
typedef uint64_t hwaddr;
#define HWADDR_MAX UINT64_MAX
#define HWADDR_PRIx PRIx64

#define QEMU_BUILD_BUG_ON(x) _Static_assert(!(x), #x)
/* 0 in an expression, or a compile error when @x is true. */
#define QEMU_BUILD_BUG_ON_ZERO(x) (sizeof(struct { int : (x) ? -1 : 1; }) * 0)

/* Number of elements of the array @x; a pointer does not compile. */
#define ARRAY_SIZE(x)                                                   \
    (sizeof(x) / sizeof((x)[0]) +                                       \
     QEMU_BUILD_BUG_ON_ZERO(__builtin_types_compatible_p(__typeof__(x), \
                                                         __typeof__(&(x)[0]))))

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ROUND_DOWN(n, d) ((n) & -(0 ? (n) : (d)))
#define ROUND_UP(n, d)   ROUND_DOWN((n) + (d) - 1, (d))
#define QEMU_IS_ALIGNED(n, m) (((n) % (m)) == 0)

#endif /* QEMU_OSDEP_H */
