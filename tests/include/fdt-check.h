/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test assertions on flattened device trees (libfdt), shared by the unit
 * and qtest suites: exact cells, exact strings, absent properties, and the
 * properties every sPAPR PHB node carries whatever its index.
 */
#ifndef TESTS_FDT_CHECK_H
#define TESTS_FDT_CHECK_H

#include "qemu/osdep.h"
#include <libfdt.h>

/* Property @name of @node is exactly the cells @cells[0..n). */
static inline void fdt_check_cells(const void *fdt, int node, const char *name,
                                   const uint32_t *cells, size_t n)
{
    int len;
    const fdt32_t *val = fdt_getprop(fdt, node, name, &len);

    if (!val) {
        g_test_message("%s: %s", name, fdt_strerror(len));
    }
    g_assert_nonnull(val);
    g_assert_cmpint(len, ==, n * sizeof(fdt32_t));
    for (size_t i = 0; i < n; i++) {
        g_assert_cmphex(fdt32_to_cpu(val[i]), ==, cells[i]);
    }
}

#define FDT_CHECK_CELLS(fdt, node, name, ...) do { \
        const uint32_t expect_[] = { __VA_ARGS__ }; \
        fdt_check_cells((fdt), (node), (name), expect_, G_N_ELEMENTS(expect_)); \
    } while (0)

/* Property @name of @node is exactly the NUL-terminated string @str. */
static inline void fdt_check_string(const void *fdt, int node, const char *name,
                                    const char *str)
{
    int len;
    const char *val = fdt_getprop(fdt, node, name, &len);

    g_assert_nonnull(val);
    g_assert_cmpint(len, ==, strlen(str) + 1);
    g_assert_cmpstr(val, ==, str);
}

/* @node has no property @name. */
static inline void fdt_check_absent(const void *fdt, int node, const char *name)
{
    int len;

    g_assert_null(fdt_getprop(fdt, node, name, &len));
    g_assert_cmpint(len, ==, -FDT_ERR_NOTFOUND);
}

/* What every PHB node carries, independent of its index and DMA properties. */
static inline void fdt_check_phb_fixed(const void *fdt, int node)
{
    int len;

    fdt_check_string(fdt, node, "device_type", "pci");
    fdt_check_string(fdt, node, "compatible", "IBM,Logical_PHB");
    g_assert_nonnull(fdt_getprop(fdt, node, "used-by-rtas", &len));
    g_assert_cmpint(len, ==, 0);
    FDT_CHECK_CELLS(fdt, node, "bus-range", 0, 0xff);
    FDT_CHECK_CELLS(fdt, node, "#address-cells", 3);
    FDT_CHECK_CELLS(fdt, node, "#size-cells", 2);
    FDT_CHECK_CELLS(fdt, node, "#interrupt-cells", 1);
    FDT_CHECK_CELLS(fdt, node, "ibm,pci-config-space-type", 1);
    FDT_CHECK_CELLS(fdt, node, "ibm,pe-total-#msi", 0xd00);
    FDT_CHECK_CELLS(fdt, node, "qemu,phb-enumerated", 1);
    FDT_CHECK_CELLS(fdt, node, "ibm,#dma-address-cells", 2);
    FDT_CHECK_CELLS(fdt, node, "ibm,#dma-size-cells", 2);
}

#endif /* TESTS_FDT_CHECK_H */
