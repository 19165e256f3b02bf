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
