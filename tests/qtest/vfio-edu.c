/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VFIO qtest helpers: config space, edu registers and DMA, soft read-back. */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "hw/vfio/soft-edu.h"
#include "vfio-edu.h"

#define BUID_HI     0x08000000U
#define BUID_LO     0x20000000U

uint32_t vfio_test_cfg_read(QTestState *s, unsigned phb, uint32_t cfg_addr,
                            uint32_t size)
{
    uint32_t args[] = { cfg_addr, BUID_HI, BUID_LO + phb, size };
    uint32_t rets[2] = { 0xdeadbeef, 0xdeadbeef };

    g_assert_cmpint(qtest_rtas_call(s, "ibm,read-pci-config", 4, args, 2,
                                    rets), ==, 0);
    g_assert_cmphex(rets[0], ==, 0);
    return rets[1];
}

void vfio_test_cfg_write(QTestState *s, unsigned phb, uint32_t cfg_addr,
                         uint32_t size, uint32_t val)
{
    uint32_t args[] = { cfg_addr, BUID_HI, BUID_LO + phb, size, val };
    uint32_t rets[1] = { 0xdeadbeef };

    g_assert_cmpint(qtest_rtas_call(s, "ibm,write-pci-config", 5, args, 1,
                                    rets), ==, 0);
    g_assert_cmphex(rets[0], ==, 0);
}

/* A big-endian qtest access swaps: edu's registers are little-endian. */
void edu_reg_write(QTestState *s, uint64_t bar, uint32_t reg, uint32_t val)
{
    qtest_writel(s, bar + reg, __builtin_bswap32(val));
}

uint32_t edu_reg_read(QTestState *s, uint64_t bar, uint32_t reg)
{
    return __builtin_bswap32(qtest_readl(s, bar + reg));
}

uint32_t edu_dma(QTestState *s, uint64_t bar, uint64_t src, uint64_t dst,
                 uint32_t len, uint32_t cmd)
{
    edu_reg_write(s, bar, VFIO_SOFT_EDU_REG_DMA_SRC, (uint32_t)src);
    edu_reg_write(s, bar, VFIO_SOFT_EDU_REG_DMA_SRC + 4, src >> 32);
    edu_reg_write(s, bar, VFIO_SOFT_EDU_REG_DMA_DST, (uint32_t)dst);
    edu_reg_write(s, bar, VFIO_SOFT_EDU_REG_DMA_DST + 4, dst >> 32);
    edu_reg_write(s, bar, VFIO_SOFT_EDU_REG_DMA_COUNT, len);
    edu_reg_write(s, bar, VFIO_SOFT_EDU_REG_DMA_CMD,
                  cmd | VFIO_SOFT_EDU_DMA_START);
    g_assert_cmphex(edu_reg_read(s, bar, VFIO_SOFT_EDU_REG_DMA_CMD) &
                    VFIO_SOFT_EDU_DMA_START, ==, 0);
    return edu_reg_read(s, bar, VFIO_SOFT_EDU_REG_STATUS);
}

int64_t vfio_test_soft_mappings(QTestState *s, const char *id,
                                unsigned *instances)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio-soft\", "
                                "\"arguments\": {\"id\": \"%s\"}}", id);
    JsonObject *ret = json_object_get_object_member(rsp, "return");
    JsonArray *inst = json_object_get_array_member(ret, "instances");
    int64_t n = -1;

    *instances = json_array_get_length(inst);
    if (*instances) {
        n = json_array_get_length(json_object_get_array_member(
                json_array_get_object_element(inst, 0), "mappings"));
    }
    json_object_unref(rsp);
    return n;
}
