/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict number parsing shared by the command line, qtest and the monitor. */

#include "qemu/osdep.h"
#include "qemu/cutils.h"

static int parse_u64_prefix(const char *str, const char **end, uint64_t *result)
{
    char *ep;
    unsigned long long val;

    if (!str || !g_ascii_isdigit(str[0])) {
        return -EINVAL;
    }
    errno = 0;
    val = strtoull(str, &ep, 0);
    if (errno == ERANGE) {
        return -ERANGE;
    }
    if (ep == str) {
        return -EINVAL;
    }
    *end = ep;
    *result = val;
    return 0;
}

int qemu_strtou64(const char *str, uint64_t *result)
{
    const char *end;
    uint64_t val;
    int ret = parse_u64_prefix(str, &end, &val);

    if (ret < 0) {
        return ret;
    }
    if (*end) {
        return -EINVAL;
    }
    *result = val;
    return 0;
}

int qemu_strtosz(const char *str, uint64_t *result)
{
    static const char suffixes[] = "BKMGTPE";
    const char *end;
    const char *pos;
    uint64_t val;
    unsigned shift;
    int ret = parse_u64_prefix(str, &end, &val);

    if (ret < 0) {
        return ret;
    }
    if (!*end) {
        *result = val;
        return 0;
    }
    if (end[1]) {
        return -EINVAL;
    }
    pos = strchr(suffixes, g_ascii_toupper(*end));
    if (!pos || !*pos) {
        return -EINVAL;
    }
    shift = 10 * (unsigned)(pos - suffixes);
    if (shift && val > (UINT64_MAX >> shift)) {
        return -ERANGE;
    }
    *result = val << shift;
    return 0;
}

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
