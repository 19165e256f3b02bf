/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict number parsing shared by the command line, qtest and the monitor. */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

#include "qemu/osdep.h"

/*
 * Parse all of @str as an unsigned 64-bit number: decimal, 0x hex or 0 octal
 * (base auto-detection, as qtest and QEMU's option parsers do).  Leading
 * white space, a sign, trailing characters and overflow are rejected.
 * Returns 0, or -EINVAL (not a number) / -ERANGE (does not fit).
 */
int qemu_strtou64(const char *str, uint64_t *result);

/*
 * Parse a size: a number as above, optionally followed by one suffix
 * B, K/k, M, G, T, P, E (powers of 1024).  Returns 0, -EINVAL or -ERANGE.
 */
int qemu_strtosz(const char *str, uint64_t *result);

/*
 * QEMU's rule for the ids of devices and objects: a letter first, then
 * letters, digits, '-', '.' and '_'.
 */
bool id_wellformed(const char *id);

#endif /* QEMU_CUTILS_H */
