/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pseries device tree: built at machine reset, dumped on request. */

#include "qemu/osdep.h"
#include <libfdt.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_drc.h"
#include "hw/pci-host/spapr.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "trace.h"

/*
 * /rtas "rtas-size": what QEMU 7.2 reserves with one vCPU (its default
 * max_cpus): the 20-byte RTAS blob, the 2 KiB error log, 16 bytes of FWNMI
 * system-reset log per vCPU and 8 spare bytes.
 */
#define SPAPR_RTAS_MIN_SIZE         20
#define SPAPR_RTAS_ERROR_LOG_MAX    2048
#define SPAPR_RTAS_SIZE \
    (SPAPR_RTAS_MIN_SIZE + SPAPR_RTAS_ERROR_LOG_MAX + 2 * 8 + 8)
/* /rtas "rtas-version": the RTAS interface level (PAPR: 1). */
#define SPAPR_RTAS_VERSION          1

void *spapr_fdt_build(SpaprFdtWriteFn *write, void *opaque,
                      size_t initial_size, Error **errp)
{
    size_t size = MAX(initial_size, sizeof(struct fdt_header));

    for (;;) {
        void *fdt = g_malloc0(size);
        int ret = fdt_create_empty_tree(fdt, size);

        if (ret == 0) {
            ret = write(fdt, opaque);
        }
        if (ret == 0) {
            ret = fdt_pack(fdt);
        }
        if (ret == 0) {
            return fdt;
        }
        g_free(fdt);
        if (ret != -FDT_ERR_NOSPACE || size >= SPAPR_FDT_MAX_SIZE) {
            error_setg(errp, "cannot build the device tree: %s",
                       fdt_strerror(ret));
            return NULL;
        }
        size = MIN(size * 2, SPAPR_FDT_MAX_SIZE);
        trace_spapr_fdt_grow(size);
    }
}

static int spapr_fdt_reg64(void *fdt, int off, uint64_t addr, uint64_t size)
{
    fdt64_t reg[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

    return fdt_setprop(fdt, off, "reg", reg, sizeof(reg));
}

static bool spapr_has_hcall(SpaprMachineState *spapr, target_ulong opcode)
{
    return g_hash_table_contains(spapr->hcalls, &opcode);
}

/*
 * "ibm,hypertas-functions": the PAPR hypercall sets this model implements
 * completely, derived from the hypercall table.  QEMU also lists the MMU,
 * interrupt, VIO and SPLPAR sets, which need a vCPU.
 */
static int spapr_dt_hypertas(SpaprMachineState *spapr, void *fdt, int off)
{
    g_autoptr(GString) list = g_string_new(NULL);

    if (spapr_has_hcall(spapr, H_PUT_TCE) && spapr_has_hcall(spapr, H_GET_TCE)) {
        g_string_append_len(list, "hcall-tce", sizeof("hcall-tce"));
    }
    if (spapr_has_hcall(spapr, H_PUT_TCE_INDIRECT) &&
        spapr_has_hcall(spapr, H_STUFF_TCE)) {
        g_string_append_len(list, "hcall-multi-tce",
                            sizeof("hcall-multi-tce"));
    }
    if (!list->len) {
        return 0;
    }
    return fdt_setprop(fdt, off, "ibm,hypertas-functions", list->str,
                       list->len);
}

static int spapr_dt_rtas(SpaprMachineState *spapr, void *fdt)
{
    int off = fdt_add_subnode(fdt, 0, "rtas");
    int ret;

    if (off < 0) {
        return off;
    }
    /* Guests look RTAS calls up by name: one cell per call, its token. */
    for (uint32_t i = 0; i < G_N_ELEMENTS(spapr->rtas_table); i++) {
        if (!spapr->rtas_table[i].name) {
            continue;
        }
        ret = fdt_setprop_cell(fdt, off, spapr->rtas_table[i].name,
                               RTAS_TOKEN_BASE + i);
        if (ret < 0) {
            return ret;
        }
    }
    if ((ret = spapr_dt_hypertas(spapr, fdt, off)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "rtas-version",
                                SPAPR_RTAS_VERSION)) < 0 ||
        (ret = fdt_setprop_cell(fdt, off, "rtas-size", SPAPR_RTAS_SIZE)) < 0) {
        return ret;
    }
    return 0;
}

static gint spapr_dt_phb_cmp(gconstpointer a, gconstpointer b)
{
    const SpaprPhbState *pa = *(SpaprPhbState *const *)a;
    const SpaprPhbState *pb = *(SpaprPhbState *const *)b;

    return pa->index < pb->index ? -1 : pa->index > pb->index;
}

typedef struct SpaprFdtMachine {
    SpaprMachineState *spapr;
    GPtrArray *phbs;            /* SpaprPhbState *, by index */
} SpaprFdtMachine;

static int spapr_fdt_write_machine(void *fdt, void *opaque)
{
    SpaprFdtMachine *m = opaque;
    MachineState *ms = MACHINE(m->spapr);
    int off, ret;

    if ((ret = fdt_setprop_string(fdt, 0, "device_type", "chrp")) < 0 ||
        (ret = fdt_setprop_string(fdt, 0, "model",
                                  "IBM pSeries (emulated by qemu)")) < 0 ||
        (ret = fdt_setprop_string(fdt, 0, "compatible", "qemu,pseries")) < 0 ||
        (ret = fdt_setprop_cell(fdt, 0, "#address-cells", 2)) < 0 ||
        (ret = fdt_setprop_cell(fdt, 0, "#size-cells", 2)) < 0 ||
        /* The PHB DRCs (docs/user/hotplug.md, "DRCs in the device tree"). */
        (ret = spapr_dt_drc(m->spapr, fdt, 0, NULL,
                            SPAPR_DR_CONNECTOR_TYPE_PHB)) < 0) {
        return ret;
    }

    off = fdt_add_subnode(fdt, 0, "memory@0");
    if (off < 0) {
        return off;
    }
    if ((ret = fdt_setprop_string(fdt, off, "device_type", "memory")) < 0 ||
        (ret = spapr_fdt_reg64(fdt, off, 0, ms->ram_size)) < 0) {
        return ret;
    }

    off = fdt_add_subnode(fdt, 0, "chosen");
    if (off < 0) {
        return off;
    }

    ret = spapr_dt_rtas(m->spapr, fdt);
    if (ret < 0) {
        return ret;
    }

    for (guint i = 0; i < m->phbs->len; i++) {
        ret = spapr_phb_dt_write(g_ptr_array_index(m->phbs, i), fdt, 0);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

void *spapr_build_fdt(SpaprMachineState *spapr, Error **errp)
{
    g_autoptr(GPtrArray) phbs = g_ptr_array_new();
    SpaprFdtMachine m = { .spapr = spapr, .phbs = phbs };
    GHashTableIter iter;
    gpointer phb;
    void *fdt;

    /* The machine's registry holds the realized PHBs. */
    if (spapr->phbs) {
        g_hash_table_iter_init(&iter, spapr->phbs);
        while (g_hash_table_iter_next(&iter, NULL, &phb)) {
            g_ptr_array_add(phbs, phb);
        }
    }
    g_ptr_array_sort(phbs, spapr_dt_phb_cmp);
    fdt = spapr_fdt_build(spapr_fdt_write_machine, &m, SPAPR_FDT_INITIAL_SIZE,
                          errp);
    if (fdt) {
        trace_spapr_fdt_build(fdt_totalsize(fdt), phbs->len);
    }
    return fdt;
}

bool spapr_fdt_dump(const void *fdt, const char *filename, Error **errp)
{
    g_autoptr(GError) gerr = NULL;

    if (!fdt) {
        error_setg(errp, "This machine doesn't have a FDT");
        return false;
    }
    if (!g_file_set_contents(filename, fdt, fdt_totalsize(fdt), &gerr)) {
        error_setg(errp, "Error saving FDT to file %s: %s", filename,
                   gerr->message);
        return false;
    }
    trace_spapr_fdt_dump(filename, fdt_totalsize(fdt));
    return true;
}

void spapr_fdt_reset(SpaprMachineState *spapr)
{
    MachineState *ms = MACHINE(spapr);
    Error *err = NULL;

    g_free(ms->fdt);
    ms->fdt = spapr_build_fdt(spapr, &err);
    if (!ms->fdt) {
        /* No guest reads the tree here: report, and dumpdtb will say so. */
        error_report_err(err);
        err = NULL;
    }
    if (!spapr->dumpdtb) {
        return;
    }
    /* -M pseries,dumpdtb=FILE: the first reset (start-up) ends the process. */
    if (!spapr_fdt_dump(ms->fdt, spapr->dumpdtb, &err)) {
        error_report_err(err);
        exit(1);
    }
    info_report("dtb dumped to %s. Exiting.", spapr->dumpdtb);
    exit(0);
}

/* dumpdtb {"filename": F}: write the tree built at the last reset. */
static void qmp_dumpdtb(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "filename", NULL };
    SpaprMachineState *spapr = spapr_machine();
    const char *filename;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "filename", &filename, errp)) {
        return;
    }
    spapr_fdt_dump(spapr ? MACHINE(spapr)->fdt : NULL, filename, errp);
}

static void hmp_dumpdtb(Monitor *mon, const char *args)
{
    g_autoptr(JsonObject) qargs = json_object_new();
    JsonNode *ret = NULL;
    Error *err = NULL;

    if (*args) {
        json_object_set_string_member(qargs, "filename", args);
    }
    if (!qmp_command_call("dumpdtb", qargs, &ret, &err)) {
        hmp_handle_error(mon, err);
        return;
    }
    if (ret) {
        json_node_unref(ret);
    }
    monitor_printf(mon, "dtb dumped to %s\n", args);
}

void spapr_fdt_monitor_init(void)
{
    qmp_register_command("dumpdtb", qmp_dumpdtb);
    hmp_register_command("dumpdtb", "filename",
                         "dump the device tree blob to a file", hmp_dumpdtb);
}
