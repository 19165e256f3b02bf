/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pseries machine: guest RAM, the hypercall and RTAS tables it owns, the
 * LIOBN registry of TCE tables, and the PAPR constants they use.
 *
 * There is no vCPU.  Hypercalls and RTAS calls arrive through the qtest
 * protocol ("hcall" and "rtas" verbs) and are dispatched here exactly as the
 * guest's sc 1 and RTAS blob would reach them: by opcode, and by RTAS token
 * or name, with argument cells in guest memory.
 */
#ifndef HW_PPC_SPAPR_H
#define HW_PPC_SPAPR_H

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "hw/ppc/spapr_tce_storage.h"

typedef uint64_t target_ulong;

#define TYPE_SPAPR_MACHINE "pseries-machine"

OBJECT_DECLARE_SIMPLE_TYPE(SpaprMachineState, SPAPR_MACHINE)
typedef struct SpaprTceTable SpaprTceTable;

/* Hypercall return codes (PAPR; the values the guest sees in r3). */
#define H_SUCCESS        0
#define H_HARDWARE       -1
#define H_FUNCTION       -2
#define H_PRIVILEGE      -3
#define H_PARAMETER      -4
#define H_NO_MEM         -9

/* Hypercall opcodes handled by this model. */
#define H_GET_TCE           0x1C
#define H_PUT_TCE           0x20
#define H_STUFF_TCE         0x138
#define H_PUT_TCE_INDIRECT  0x13C
#define MAX_HCALL_OPCODE    0x450
/* QEMU/KVM private range; KVMPPC_H_RTAS is how the RTAS blob enters. */
#define KVMPPC_HCALL_BASE   0xF000
#define KVMPPC_H_RTAS       (KVMPPC_HCALL_BASE + 0x0)

/* Arguments r4..r12 of a hypercall; outputs are written back from args[0]. */
#define SPAPR_HCALL_MAX_ARGS 9

/*
 * A hypercall handler.  @args holds r4..r12 on entry; a handler that returns
 * values stores them in args[0], args[1], ... (r4, r5, ...).  It returns an
 * H_* code.  It must validate every argument before changing any state, and
 * must never end the process: guest input is untrusted.
 */
typedef target_ulong SpaprHcallFn(SpaprMachineState *spapr,
                                  target_ulong opcode, target_ulong *args);

/* RTAS status codes (rets[0]). */
#define RTAS_OUT_SUCCESS            0
#define RTAS_OUT_NO_ERRORS_FOUND    1
#define RTAS_OUT_HW_ERROR           -1
#define RTAS_OUT_BUSY               -2
#define RTAS_OUT_PARAM_ERROR        -3
#define RTAS_OUT_NOT_SUPPORTED      -3
#define RTAS_OUT_NOT_AUTHORIZED     -9002

/* RTAS tokens: QEMU's numbering, published in /rtas of the device tree. */
#define RTAS_TOKEN_BASE                 0x2000
#define RTAS_GET_TIME_OF_DAY            (RTAS_TOKEN_BASE + 0x01)
#define RTAS_CHECK_EXCEPTION            (RTAS_TOKEN_BASE + 0x0E)
#define RTAS_EVENT_SCAN                 (RTAS_TOKEN_BASE + 0x0F)
#define RTAS_READ_PCI_CONFIG            (RTAS_TOKEN_BASE + 0x14)
#define RTAS_WRITE_PCI_CONFIG           (RTAS_TOKEN_BASE + 0x15)
#define RTAS_IBM_READ_PCI_CONFIG        (RTAS_TOKEN_BASE + 0x16)
#define RTAS_IBM_WRITE_PCI_CONFIG       (RTAS_TOKEN_BASE + 0x17)
#define RTAS_SET_INDICATOR              (RTAS_TOKEN_BASE + 0x1A)
#define RTAS_GET_SENSOR_STATE           (RTAS_TOKEN_BASE + 0x1D)
#define RTAS_IBM_CONFIGURE_CONNECTOR    (RTAS_TOKEN_BASE + 0x1E)
#define RTAS_IBM_QUERY_PE_DMA_WINDOW    (RTAS_TOKEN_BASE + 0x26)
#define RTAS_IBM_CREATE_PE_DMA_WINDOW   (RTAS_TOKEN_BASE + 0x27)
#define RTAS_IBM_REMOVE_PE_DMA_WINDOW   (RTAS_TOKEN_BASE + 0x28)
#define RTAS_IBM_RESET_PE_DMA_WINDOW    (RTAS_TOKEN_BASE + 0x29)
#define RTAS_TOKEN_MAX                  (RTAS_TOKEN_BASE + 0x2D)

/*
 * An RTAS handler.  @args and @rets are guest-physical addresses of arrays of
 * 32-bit big-endian cells (nargs inputs, nret outputs).  The handler writes
 * its status in rets[0] with rtas_st(); it may do so even when nret == 0
 * (the PCI and DDW calls do, as in QEMU), so callers check that the nargs
 * inputs and MAX(nret, 1) outputs lie in guest RAM (spapr_gpa_range_in_ram())
 * before calling it.  It writes no other cell beyond nret.  Guest input is
 * untrusted.
 */
typedef void SpaprRtasFn(SpaprMachineState *spapr, uint32_t token,
                         uint32_t nargs, target_ulong args,
                         uint32_t nret, target_ulong rets);

struct SpaprMachineState {
    MachineState parent_obj;

    MemoryRegion ram;
    /* opcode -> SpaprHcall*, filled by spapr_register_hypercall(). */
    GHashTable *hcalls;
    /* name -> SpaprHcall* (same objects), for the qtest "hcall" verb. */
    GHashTable *hcalls_by_name;
    /* Indexed by token - RTAS_TOKEN_BASE. */
    struct {
        const char *name;
        SpaprRtasFn *fn;
    } rtas_table[RTAS_TOKEN_MAX - RTAS_TOKEN_BASE];
    /* RTAS name -> token, for the qtest "rtas NAME" verb. */
    GHashTable *rtas_by_name;
    /* LIOBN -> SpaprTceTable*, owned by the machine. */
    GHashTable *tce_tables;
    /*
     * BUID (uint64_t *) -> SpaprPhbState*: the realized PCI host bridges,
     * filled and emptied by their realize/unrealize (hw/ppc/spapr_pci.c).
     */
    GHashTable *phbs;
    /* DRC index -> SpaprDrc* (hw/ppc/spapr_drc.c), owned by their creators. */
    GHashTable *drcs;
    /* Queued RTAS event logs, oldest first (hw/ppc/spapr_events.c). */
    GQueue pending_events;
    uint32_t next_plid;         /* platform log id of the next event */

    /*
     * -M pseries options that concern vCPUs, interrupt controllers or KVM:
     * accepted, validated and recorded so that QEMU's test harness can start
     * this machine; they change nothing here (docs/user/command-line.md).
     */
    bool cap_htm, cap_vsx, cap_dfp, cap_nested_hv, cap_large_decr;
    bool cap_ccf_assist, cap_fwnmi, cap_rpt_invalidate, cap_ail_mode_3;
    char *cap_cfpc, *cap_sbbc, *cap_ibs;
    uint64_t cap_hpt_max_page_size;
    char *ic_mode;
    char *kvm_type;
    char *max_cpu_compat;
    char *resize_hpt;
    uint32_t vsmt;
    /* -M pseries,dumpdtb=FILE: write the device tree at the first reset, exit. */
    char *dumpdtb;
    /*
     * Host memory all user-space TCE tables may hold together
     * (-M pseries,tce-storage-limit=SIZE sets .limit; 0: no limit).
     */
    SpaprTceBudget tce_budget;
};

/* Default of -M pseries,tce-storage-limit. */
#define SPAPR_TCE_STORAGE_LIMIT_DEFAULT (256ULL << 20)

/* The machine, or NULL before it is created (qtest verbs check it). */
SpaprMachineState *spapr_machine(void);

/*
 * Register @fn for @opcode (a multiple of 4 up to MAX_HCALL_OPCODE, or in the
 * KVMPPC range) under @name ("H_PUT_TCE"); @nret is the number of values the
 * handler returns in args[] (shown by the qtest "hcall" verb).  Called from
 * init functions; registering an opcode twice is a programming error.
 */
void spapr_register_hypercall(SpaprMachineState *spapr, target_ulong opcode,
                              const char *name, unsigned nret,
                              SpaprHcallFn *fn);
/* Dispatch; unknown or unregistered opcodes return H_FUNCTION. */
target_ulong spapr_hypercall(SpaprMachineState *spapr, target_ulong opcode,
                             target_ulong *args);

/* Create the hypercall table and register the machine's own hypercalls. */
void spapr_hcall_init(SpaprMachineState *spapr);
/* Create the RTAS table and register the machine's own RTAS calls. */
void spapr_rtas_init(SpaprMachineState *spapr);

/* Register an RTAS call under @token and @name (e.g. "get-time-of-day"). */
void spapr_rtas_register(SpaprMachineState *spapr, uint32_t token,
                         const char *name, SpaprRtasFn *fn);
/*
 * Run RTAS call @token.  Returns H_SUCCESS for a known token, H_PARAMETER
 * (and rets[0] = -3) for an unknown one, as the KVMPPC_H_RTAS path does.
 */
target_ulong spapr_rtas_call(SpaprMachineState *spapr, uint32_t token,
                             uint32_t nargs, target_ulong args,
                             uint32_t nret, target_ulong rets);
/* Token of an RTAS call name, or 0 if there is none. */
uint32_t spapr_rtas_token(SpaprMachineState *spapr, const char *name);

/* Read input cell @n / write output cell @n (big-endian, guest memory). */
uint32_t rtas_ld(target_ulong phys, int n);
void rtas_st(target_ulong phys, int n, uint32_t val);

/*
 * True if every byte of [gpa, gpa + len) is guest RAM: covered by RAM
 * sections of the flat view of address_space_memory (several adjacent RAM
 * sections are fine), with no MMIO, no IOMMU region and no unmapped hole
 * in between.  False if the range wraps past 2^64.  An empty range (@len 0)
 * touches nothing and is accepted whatever @gpa is.  This is the one rule
 * for every guest-supplied address the machine reads or writes itself:
 * TCE targets, TCE lists and RTAS buffers (docs/user/tce-hypercalls.md,
 * "Guest RAM and TCE addresses").  Cost: one flat-view lookup per RAM
 * section the range spans.  @spapr is unused (the machine's RAM is in
 * address_space_memory).
 */
bool spapr_gpa_range_in_ram(SpaprMachineState *spapr, hwaddr gpa, hwaddr len);

/*
 * ---- The device tree (hw/ppc/spapr_fdt.c, hw/ppc/spapr_pci_fdt.c) ----
 *
 * The machine builds its flattened device tree at every machine reset and
 * keeps it in MachineState.fdt (docs/user/device-tree.md).  Every libfdt
 * failure becomes an Error carrying fdt_strerror()'s text; nothing aborts.
 */
typedef struct SpaprPhbState SpaprPhbState;

/* First buffer size of spapr_build_fdt(); doubled while too small. */
#define SPAPR_FDT_INITIAL_SIZE  (64 * 1024)
/* Largest tree the builders accept. */
#define SPAPR_FDT_MAX_SIZE      (16 * 1024 * 1024)

/*
 * Writes a tree into @fdt (an empty tree from fdt_create_empty_tree()).
 * Returns 0 or a negative libfdt error; -FDT_ERR_NOSPACE makes the caller
 * retry with a bigger buffer, so the writer must not keep state across calls.
 */
typedef int SpaprFdtWriteFn(void *fdt, void *opaque);

/*
 * Build a tree with @write, starting with an @initial_size buffer and
 * doubling it on -FDT_ERR_NOSPACE up to SPAPR_FDT_MAX_SIZE.  Returns the
 * packed blob (g_free it) or NULL with @errp set ("cannot build the device
 * tree: <libfdt message>").
 */
void *spapr_fdt_build(SpaprFdtWriteFn *write, void *opaque,
                      size_t initial_size, Error **errp);

/*
 * The machine's tree: root, /memory@0, /chosen, /rtas (one cell property
 * per registered RTAS call, ibm,hypertas-functions, rtas-version,
 * rtas-size) and one node per realized PHB (by index).  Returns a new blob
 * (g_free it) or NULL with @errp set.  Called at machine reset.
 */
void *spapr_build_fdt(SpaprMachineState *spapr, Error **errp);

/*
 * Write blob @fdt (fdt_totalsize() bytes) to @filename.  Errors: "This
 * machine doesn't have a FDT" when @fdt is NULL, "Error saving FDT to file
 * F: <reason>" when the write fails.
 */
bool spapr_fdt_dump(const void *fdt, const char *filename, Error **errp);

/*
 * Machine reset (after the devices): rebuild MachineState.fdt, freeing the
 * previous tree (a build failure is reported and leaves no tree).  With
 * -M pseries,dumpdtb=FILE, write the tree and exit(0) ("info: dtb dumped to
 * FILE. Exiting."), or exit(1) with a one-line error.
 */
void spapr_fdt_reset(SpaprMachineState *spapr);

/* Register QMP "dumpdtb" and HMP "dumpdtb FILE" (system_monitor_init()). */
void spapr_fdt_monitor_init(void);

/*
 * Add the node pci@<buid> of @phb (and one node per PCI function on its
 * root bus) under node @parent_off, with the cell layouts of
 * docs/user/device-tree.md.  Returns the new node's offset or a negative
 * libfdt error, in which case the tree is left as it was.  Reads only the
 * PHB's properties and placement fields (not its windows' state).
 * spapr_phb_dt_populate() (include/hw/pci-host/spapr.h) is the Error
 * variant.
 */
int spapr_phb_dt_write(SpaprPhbState *phb, void *fdt, int parent_off);

#endif /* HW_PPC_SPAPR_H */
