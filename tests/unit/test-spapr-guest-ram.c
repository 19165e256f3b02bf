/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What "guest RAM" means for addresses the guest hands to the machine
 * (spapr_gpa_range_in_ram(): RAM sections of the flat view, nothing else),
 * and its users: TCE targets, TCE lists, KVMPPC_H_RTAS buffers and the qtest
 * "rtas" verb; plus the RTAS trace events that name the returned status.
 * In-process, on a pseries machine with 1 GiB of RAM.
 */

#include "qemu/osdep.h"
#include <stdio.h>
#include "qapi/error.h"
#include "qemu/trace-control.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/pci-host/spapr.h"
#include "system/qtest.h"
#include "system/system.h"

#define RAM_SIZE    (1ULL << 30)
#define LIOBN       0x71000000U
#define MMIO_GPA    0x10000000ULL   /* a device page laid over RAM */
#define MMIO_SIZE   0x1000ULL
#define EXTRA_SIZE  (256ULL << 20)  /* a second RAM region right after RAM */
#define IOMMU_GPA   0x80000000ULL   /* an IOMMU region in system memory */
#define IOMMU_SIZE  0x10000ULL
#define RTAS_BUF    0x100000ULL
#define ARGS_GPA    0x10000ULL
#define RETS_GPA    0x11000ULL

#define TYPE_TEST_OWNER "test-guest-ram-owner"

static const TypeInfo test_owner_info = {
    .name = TYPE_TEST_OWNER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
};

/* A device register page: counts accesses, reads as a valid-looking TCE. */
typedef struct Dev {
    MemoryRegion mr;
    unsigned reads;
    unsigned writes;
    uint64_t last_write;
} Dev;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    Dev *d = opaque;

    d->reads++;
    return 0x200003;        /* RAM page 0x200000, read/write */
}

static void dev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Dev *d = opaque;

    d->writes++;
    d->last_write = val;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static IOMMUTLBEntry iommu_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                     IOMMUAccessFlags flag, int iommu_idx)
{
    /* Identity onto system memory: the region is not RAM all the same. */
    return (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = addr & ~0xfffULL,
        .translated_addr = addr & ~0xfffULL,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
}

static const IOMMUMemoryRegionOps iommu_ops = {
    .name = "test-iommu",
    .translate = iommu_translate,
};

typedef struct Fixture {
    SpaprMachineState *spapr;
    SpaprTceTable *tcet;
    Dev dev;
    MemoryRegion extra;
    IOMMUMemoryRegion iommu;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    DeviceState *owner;

    memory_map_init();
    g_assert_true(system_create_machine("pseries", RAM_SIZE, &error_abort));
    f->spapr = spapr_machine();
    owner = qdev_new(TYPE_TEST_OWNER);
    object_property_add_child(container_get(qdev_get_machine(), "unattached"),
                              "guest-ram-owner", OBJECT(owner));
    object_unref(OBJECT(owner));
    g_assert_true(qdev_realize(owner, NULL, &error_abort));
    f->tcet = spapr_tce_new_table(f->spapr, owner, LIOBN, &error_abort);
    g_assert_true(spapr_tce_table_enable(f->tcet, 12, 0, 0x40000,
                                         &error_abort));

    /* A device page over RAM (higher priority), e.g. a mapped BAR. */
    memory_region_init_io(&f->dev.mr, NULL, &dev_ops, &f->dev, "test-dev",
                          MMIO_SIZE);
    memory_region_add_subregion_overlap(get_system_memory(), MMIO_GPA,
                                        &f->dev.mr, 1);
    /* More RAM right after the machine's (as a future DIMM would be). */
    g_assert_true(memory_region_init_ram(&f->extra, NULL, "test-extra-ram",
                                         EXTRA_SIZE, &error_abort));
    memory_region_add_subregion(get_system_memory(), RAM_SIZE, &f->extra);
    memory_region_init_iommu(&f->iommu, NULL, &iommu_ops, "test-iommu",
                             IOMMU_SIZE);
    memory_region_add_subregion(get_system_memory(), IOMMU_GPA,
                                MEMORY_REGION_OF_IOMMU(&f->iommu));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    MemoryRegion *sysmem = get_system_memory();

    memory_region_del_subregion(sysmem, MEMORY_REGION_OF_IOMMU(&f->iommu));
    memory_region_finalize(MEMORY_REGION_OF_IOMMU(&f->iommu));
    memory_region_del_subregion(sysmem, &f->extra);
    memory_region_finalize(&f->extra);
    memory_region_del_subregion(sysmem, &f->dev.mr);
    memory_region_finalize(&f->dev.mr);
    machine_destroy(MACHINE(f->spapr));
    memory_map_cleanup();
}

static bool in_ram(Fixture *f, hwaddr gpa, hwaddr len)
{
    return spapr_gpa_range_in_ram(f->spapr, gpa, len);
}

static target_ulong hcall(Fixture *f, target_ulong opcode, target_ulong a0,
                          target_ulong a1, target_ulong a2, target_ulong a3)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { a0, a1, a2, a3 };

    return spapr_hypercall(f->spapr, opcode, args);
}

static uint64_t get_tce(Fixture *f, uint64_t ioba)
{
    target_ulong args[SPAPR_HCALL_MAX_ARGS] = { LIOBN, ioba };

    g_assert_cmpint(spapr_hypercall(f->spapr, H_GET_TCE, args), ==, H_SUCCESS);
    return args[0];
}

static void stl(hwaddr gpa, uint32_t val)
{
    MemTxResult res;

    address_space_stl_be(&address_space_memory, gpa, val, &res);
    g_assert_cmpint(res, ==, MEMTX_OK);
}

static uint32_t ldl(hwaddr gpa)
{
    MemTxResult res;
    uint32_t val = address_space_ldl_be(&address_space_memory, gpa, &res);

    g_assert_cmpint(res, ==, MEMTX_OK);
    return val;
}

/* The header of a KVMPPC_H_RTAS buffer at @buf (the cells are left alone). */
static void rtas_buffer(hwaddr buf, uint32_t token, uint32_t nargs,
                        uint32_t nret)
{
    stl(buf, token);
    stl(buf + 4, nargs);
    stl(buf + 8, nret);
}

static void check_line(const char *line, const char *want)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    qtest_process_line(line, reply);
    g_assert_cmpstr(reply->str, ==, want);
}

/* ---- the rule itself ---- */

static void test_rule(Fixture *f, gconstpointer data)
{
    /* Inside the machine's RAM, on either side of the device page. */
    g_assert_true(in_ram(f, 0, MMIO_GPA));
    g_assert_true(in_ram(f, MMIO_GPA + MMIO_SIZE,
                         RAM_SIZE - MMIO_GPA - MMIO_SIZE));
    g_assert_false(in_ram(f, 0, RAM_SIZE));
    g_assert_true(in_ram(f, MMIO_GPA - 0x1000, 0x1000));
    g_assert_true(in_ram(f, MMIO_GPA + MMIO_SIZE, 0x1000));
    /* Device registers laid over RAM are not RAM, even below ram_size. */
    g_assert_false(in_ram(f, MMIO_GPA, MMIO_SIZE));
    g_assert_false(in_ram(f, MMIO_GPA + 0xffc, 4));
    g_assert_false(in_ram(f, MMIO_GPA - 4, 8));
    g_assert_false(in_ram(f, 0, RAM_SIZE + 1));
    /* Two adjacent RAM regions form one RAM range. */
    g_assert_true(in_ram(f, RAM_SIZE - 0x1000, 0x2000));
    g_assert_true(in_ram(f, RAM_SIZE, EXTRA_SIZE));
    /* Past the extra RAM: a hole. */
    g_assert_false(in_ram(f, RAM_SIZE + EXTRA_SIZE - 4, 8));
    g_assert_false(in_ram(f, RAM_SIZE + EXTRA_SIZE, 1));
    /* An IOMMU region is not RAM, whatever it translates to. */
    g_assert_false(in_ram(f, IOMMU_GPA, 0x1000));
    /* The PHB's PCI windows (MMIO) are not RAM. */
    g_assert_false(in_ram(f, SPAPR_PCI_BASE, 0x1000));
    g_assert_false(in_ram(f, SPAPR_PCI_BASE + 2 * SPAPR_PCI_MEM32_WIN_SIZE,
                          0x1000));
    /* Wrap past 2^64, and the last byte of the space. */
    g_assert_false(in_ram(f, ~0ULL - 3, 8));
    g_assert_false(in_ram(f, 0x1000, ~0ULL));
    g_assert_false(in_ram(f, ~0ULL, 1));
    /* An empty range touches nothing. */
    g_assert_true(in_ram(f, ~0ULL, 0));
}

/* ---- TCE targets and TCE lists ---- */

static void test_put_tce_device_page(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, MMIO_GPA | 3, 0), ==,
                    H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, IOMMU_GPA | 1, 0), ==,
                    H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0, SPAPR_PCI_BASE | 3, 0), ==,
                    H_PARAMETER);
    g_assert_cmphex(get_tce(f, 0), ==, 0);
    g_assert_cmpint(hcall(f, H_STUFF_TCE, LIOBN, 0, MMIO_GPA | 2, 4), ==,
                    H_PARAMETER);
    g_assert_cmphex(get_tce(f, 0x3000), ==, 0);
    /* The extra RAM region is guest RAM. */
    g_assert_cmpint(hcall(f, H_PUT_TCE, LIOBN, 0x1000, RAM_SIZE | 3, 0), ==,
                    H_SUCCESS);
    g_assert_cmphex(get_tce(f, 0x1000), ==, RAM_SIZE | 3);
    g_assert_cmpuint(f->dev.reads + f->dev.writes, ==, 0);
}

/* A TCE list on a device page is never read through the device. */
static void test_indirect_list_on_device(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, MMIO_GPA, 4), ==,
                    H_PARAMETER);
    g_assert_cmpuint(f->dev.reads, ==, 0);
    g_assert_cmphex(get_tce(f, 0), ==, 0);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0, IOMMU_GPA, 1), ==,
                    H_PARAMETER);
    g_assert_cmpint(hcall(f, H_PUT_TCE_INDIRECT, LIOBN, 0,
                          RAM_SIZE + EXTRA_SIZE - 0x1000, 512), ==, H_SUCCESS);
}

/* ---- RTAS buffers ---- */

/*
 * nret == 0: the PCI and DDW handlers still store their status in rets[0]
 * (QEMU's behaviour), so that cell must be RAM too.
 */
static void test_h_rtas_nret0(Fixture *f, gconstpointer data)
{
    /* In RAM: rets[0] (right after the header) receives HW_ERROR. */
    rtas_buffer(RTAS_BUF, RTAS_IBM_READ_PCI_CONFIG, 0, 0);
    stl(RTAS_BUF + 12, 0xdeadbeef);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, RTAS_BUF, 0, 0, 0), ==, H_SUCCESS);
    g_assert_cmphex(ldl(RTAS_BUF + 12), ==, (uint32_t)RTAS_OUT_HW_ERROR);

    /* Header in RAM, rets[0] on the device page: refused, no device write. */
    rtas_buffer(MMIO_GPA - 12, RTAS_IBM_READ_PCI_CONFIG, 0, 0);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, MMIO_GPA - 12, 0, 0, 0), ==,
                    H_PARAMETER);
    g_assert_cmpuint(f->dev.writes, ==, 0);

    /* Header ends where guest RAM ends: rets[0] would be in the hole. */
    rtas_buffer(RAM_SIZE + EXTRA_SIZE - 12, RTAS_IBM_READ_PCI_CONFIG, 0, 0);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, RAM_SIZE + EXTRA_SIZE - 12, 0, 0,
                          0), ==, H_PARAMETER);
    /* Same with an unknown token (the nret > 0 rule is unchanged). */
    rtas_buffer(RAM_SIZE + EXTRA_SIZE - 12, 0x2fff, 0, 0);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, RAM_SIZE + EXTRA_SIZE - 12, 0, 0,
                          0), ==, H_PARAMETER);
}

/* Every cell: the header itself and the outputs, across a device page. */
static void test_h_rtas_cells(Fixture *f, gconstpointer data)
{
    /* Header on the device page: nothing is read from it. */
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, MMIO_GPA, 0, 0, 0), ==,
                    H_PARAMETER);
    g_assert_cmpuint(f->dev.reads, ==, 0);
    /* Outputs 1..7 of get-time-of-day run into the device page. */
    rtas_buffer(MMIO_GPA - 16, RTAS_GET_TIME_OF_DAY, 0, 8);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, MMIO_GPA - 16, 0, 0, 0), ==,
                    H_PARAMETER);
    g_assert_cmpuint(f->dev.writes, ==, 0);
    /* Inputs into the device page (ibm,read-pci-config takes 4). */
    rtas_buffer(MMIO_GPA - 20, RTAS_IBM_READ_PCI_CONFIG, 4, 2);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, MMIO_GPA - 20, 0, 0, 0), ==,
                    H_PARAMETER);
    g_assert_cmpuint(f->dev.reads + f->dev.writes, ==, 0);
    /* A buffer spanning both RAM regions is fine. */
    rtas_buffer(RAM_SIZE - 12, RTAS_GET_TIME_OF_DAY, 0, 8);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, RAM_SIZE - 12, 0, 0, 0), ==,
                    H_SUCCESS);
    g_assert_cmphex(ldl(RAM_SIZE), ==, RTAS_OUT_SUCCESS);
}

/* The qtest verb applies the same rule (rets[0] even with nret 0). */
static void test_qtest_rtas_verb(Fixture *f, gconstpointer data)
{
    g_autofree char *line = NULL;

    stl(RETS_GPA, 0xdeadbeef);
    line = g_strdup_printf("rtas ibm,read-pci-config 0 0x%llx 0 0x%llx",
                           ARGS_GPA, RETS_GPA);
    check_line(line, "OK 0");
    g_assert_cmphex(ldl(RETS_GPA), ==, (uint32_t)RTAS_OUT_HW_ERROR);
    g_free(line);
    line = g_strdup_printf("rtas ibm,read-pci-config 0 0x%llx 0 0x%llx",
                           ARGS_GPA, RAM_SIZE + EXTRA_SIZE);
    check_line(line, "FAIL rtas: argument cells outside guest RAM");
    g_free(line);
    line = g_strdup_printf("rtas ibm,read-pci-config 0 0x%llx 0 0x%llx",
                           ARGS_GPA, MMIO_GPA);
    check_line(line, "FAIL rtas: argument cells outside guest RAM");
    g_free(line);
    line = g_strdup_printf("rtas ibm,read-pci-config 4 0x%llx 2 0x%llx",
                           MMIO_GPA - 8, RETS_GPA);
    check_line(line, "FAIL rtas: argument cells outside guest RAM");
    g_assert_cmpuint(f->dev.reads + f->dev.writes, ==, 0);
}

/* ---- trace events name the status really returned ---- */

/* Run @fn with events matching @pattern captured; their text without prefix. */
static char *capture_trace(const char *pattern, void (*fn)(Fixture *),
                           Fixture *f)
{
    g_autofree char *enable = g_strdup_printf("enable=%s", pattern);
    g_autofree char *disable = g_strdup_printf("-%s", pattern);
    g_auto(GStrv) lines = NULL;
    GString *out = g_string_new(NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    g_assert_true(trace_opt_parse(enable, &error_abort));
    trace_set_output(fp);
    fn(f);
    trace_set_output(NULL);
    trace_enable_events(disable, true);
    fclose(fp);
    lines = g_strsplit(buf, "\n", -1);
    for (char **l = lines; *l && **l; l++) {
        const char *colon = strchr(*l, ':');

        g_assert_nonnull(colon);
        g_string_append_printf(out, "%s\n", colon + 1);
    }
    free(buf);
    return g_string_free(out, FALSE);
}

static void pci_config_bad_cells(Fixture *f)
{
    stl(RETS_GPA, 0xdeadbeef);
    g_assert_cmpint(spapr_rtas_call(f->spapr, RTAS_IBM_READ_PCI_CONFIG, 3,
                                    ARGS_GPA, 2, RETS_GPA), ==, H_SUCCESS);
    g_assert_cmphex(ldl(RETS_GPA), ==, (uint32_t)RTAS_OUT_HW_ERROR);
    stl(RETS_GPA, 0xdeadbeef);
    g_assert_cmpint(spapr_rtas_call(f->spapr, RTAS_WRITE_PCI_CONFIG, 3,
                                    ARGS_GPA, 0, RETS_GPA), ==, H_SUCCESS);
    g_assert_cmphex(ldl(RETS_GPA), ==, (uint32_t)RTAS_OUT_HW_ERROR);
}

static void test_trace_pci_bad_cells(Fixture *f, gconstpointer data)
{
    g_autofree char *got = capture_trace("spapr_pci_rtas_bad_cells",
                                         pci_config_bad_cells, f);

    g_assert_cmpstr(got, ==,
                    "spapr_pci_rtas_bad_cells ibm,read-pci-config nargs 3 "
                    "nret 2 -> HW_ERROR\n"
                    "spapr_pci_rtas_bad_cells write-pci-config nargs 3 "
                    "nret 0 -> HW_ERROR\n");
}

static void h_rtas_bad_buffers(Fixture *f)
{
    rtas_buffer(RAM_SIZE + EXTRA_SIZE - 12, RTAS_IBM_READ_PCI_CONFIG, 0, 0);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, RAM_SIZE + EXTRA_SIZE - 12, 0, 0,
                          0), ==, H_PARAMETER);
    g_assert_cmpint(hcall(f, KVMPPC_H_RTAS, MMIO_GPA, 0, 0, 0), ==,
                    H_PARAMETER);
}

static void test_trace_h_rtas_bad_buffer(Fixture *f, gconstpointer data)
{
    g_autofree char *got = capture_trace("spapr_rtas_bad_buffer",
                                         h_rtas_bad_buffers, f);

    g_assert_cmpstr(got, ==,
                    "spapr_rtas_bad_buffer buffer 0x4ffffff4 nargs 0 nret 0: "
                    "0x10 bytes not all guest RAM -> H_PARAMETER\n"
                    "spapr_rtas_bad_buffer buffer 0x10000000 nargs 0 nret 0: "
                    "0xc bytes not all guest RAM -> H_PARAMETER\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_owner_info);

#define ADD(path, fn) \
    g_test_add("/spapr-guest-ram/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("rule/flat-view", test_rule);
    ADD("tce/device-page-refused", test_put_tce_device_page);
    ADD("tce/list-on-device-page", test_indirect_list_on_device);
    ADD("rtas/nret0-writes-rets0", test_h_rtas_nret0);
    ADD("rtas/every-cell", test_h_rtas_cells);
    ADD("rtas/qtest-verb", test_qtest_rtas_verb);
    ADD("trace/pci-bad-cells-hw-error", test_trace_pci_bad_cells);
    ADD("trace/h-rtas-bad-buffer", test_trace_h_rtas_bad_buffer);
#undef ADD
    return g_test_run();
}
