/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of util/cutils.c: strict number and size parsing. */

#include "qemu/osdep.h"
#include "qemu/cutils.h"

static void test_strtou64(void)
{
    uint64_t v = 42;

    g_assert_cmpint(qemu_strtou64("0", &v), ==, 0);
    g_assert_cmpuint(v, ==, 0);
    g_assert_cmpint(qemu_strtou64("0x80000000", &v), ==, 0);
    g_assert_cmpuint(v, ==, 0x80000000);
    g_assert_cmpint(qemu_strtou64("18446744073709551615", &v), ==, 0);
    g_assert_cmpuint(v, ==, UINT64_MAX);
    g_assert_cmpint(qemu_strtou64("010", &v), ==, 0);
    g_assert_cmpuint(v, ==, 8);
    v = 7;
    g_assert_cmpint(qemu_strtou64("18446744073709551616", &v), ==, -ERANGE);
    g_assert_cmpint(qemu_strtou64("0x1g", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("-1", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64(" 1", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("0x", &v), ==, -EINVAL);
    g_assert_cmpuint(v, ==, 7);
}

static void test_strtosz(void)
{
    uint64_t v = 0;

    g_assert_cmpint(qemu_strtosz("1G", &v), ==, 0);
    g_assert_cmpuint(v, ==, 1ULL << 30);
    g_assert_cmpint(qemu_strtosz("512m", &v), ==, 0);
    g_assert_cmpuint(v, ==, 512ULL << 20);
    g_assert_cmpint(qemu_strtosz("4096", &v), ==, 0);
    g_assert_cmpuint(v, ==, 4096);
    g_assert_cmpint(qemu_strtosz("4096B", &v), ==, 0);
    g_assert_cmpuint(v, ==, 0x1000);
    g_assert_cmpint(qemu_strtosz("16E", &v), ==, -ERANGE);
    g_assert_cmpint(qemu_strtosz("1Q", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("1GB", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("G", &v), ==, -EINVAL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtou64", test_strtou64);
    g_test_add_func("/cutils/strtosz", test_strtosz);
    return g_test_run();
}
