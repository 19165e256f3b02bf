/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vfio-soft-host object: a factory of soft host IOMMU instances. */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qom/object_interfaces.h"
#include "hw/vfio/soft-host.h"
#include "hw/vfio/vfio-container.h"
#include "monitor/qmp.h"
#include "trace.h"

/* Which iommu-type a property applies to. */
#define FOR_TYPE1   (1u << VFIO_IOMMU_TYPE1V2)
#define FOR_SPAPR   (1u << VFIO_IOMMU_SPAPR_TCE_V2)
#define FOR_BOTH    (FOR_TYPE1 | FOR_SPAPR)

typedef enum SoftHostPropKind {
    SHP_TYPE,           /* iommu-type */
    SHP_RANGES,         /* START-LAST[:START-LAST...] */
    SHP_PGSIZES,        /* SIZE[:SIZE...] */
    SHP_U32,            /* a uint32 field of VFIOSoftConfig, > 0 */
    SHP_SIZE,           /* a uint64 field of VFIOSoftConfig */
    SHP_SHIFT,          /* a page size stored as a shift (uint32 field) */
    SHP_FAIL,           /* OP:N:ERRNO[+OP:N:ERRNO...] */
} SoftHostPropKind;

typedef struct SoftHostProp {
    const char *name;
    const char *type;
    SoftHostPropKind kind;
    size_t offset;          /* in VFIOSoftConfig (SHP_U32/SIZE/SHIFT) */
    unsigned types;         /* FOR_* */
    const char *desc;
} SoftHostProp;

#define CFG(field) offsetof(VFIOSoftConfig, field)

static const SoftHostProp soft_host_props[] = {
    { "iommu-type", "str", SHP_TYPE, 0, FOR_BOTH,
      "type1v2 or spapr-tce-v2 (required)" },
    { "iova-ranges", "str", SHP_RANGES, 0, FOR_TYPE1,
      "valid IOVA ranges, START-LAST[:START-LAST...] inclusive" },
    { "dma-entry-limit", "uint32", SHP_U32, CFG(dma_entry_limit), FOR_TYPE1,
      "most mappings at a time (default 65535)" },
    { "pgsizes", "str", SHP_PGSIZES, 0, FOR_BOTH,
      "IOMMU page sizes, SIZE[:SIZE...]" },
    { "max-window", "size", SHP_SIZE, CFG(max_window_size), FOR_SPAPR,
      "largest DMA window (default 4T)" },
    { "levels", "uint32", SHP_U32, CFG(max_levels), FOR_SPAPR,
      "most TCE table levels (default 5)" },
    { "dma32-start", "size", SHP_SIZE, CFG(dma32_start), FOR_SPAPR,
      "default window start (default 0)" },
    { "dma32-size", "size", SHP_SIZE, CFG(dma32_size), FOR_SPAPR,
      "default window size (default 2G)" },
    { "dma64-base", "size", SHP_SIZE, CFG(dma64_base), FOR_SPAPR,
      "second window start (default 1 << 59)" },
    { "host-page-size", "size", SHP_SHIFT, CFG(host_page_shift), FOR_SPAPR,
      "registration alignment (default 64K)" },
    { "backing-page-size", "size", SHP_SHIFT, CFG(backing_page_shift),
      FOR_SPAPR, "page size backing guest RAM (default: host page)" },
    { "memlock-limit", "size", SHP_SIZE, CFG(memlock_limit), FOR_BOTH,
      "locked-memory budget (default: none)" },
    { "fail", "str", SHP_FAIL, 0, FOR_BOTH,
      "faults armed on each new instance, OP:N:ERRNO[+OP:N:ERRNO...]" },
};

#define SOFT_HOST_NPROPS G_N_ELEMENTS(soft_host_props)

typedef struct SoftHostFault {
    VFIOSoftOp op;
    uint64_t nth;
    int err;
} SoftHostFault;

/* One instance: the ops view handed to the container, forwarding to s. */
typedef struct SoftHostInstance {
    VFIOIOMMU iommu;
    VFIOSoftHost *host;         /* NULL once the host is gone */
    VFIOSoftIOMMU *soft;
    int index;
} SoftHostInstance;

struct VFIOSoftHost {
    Object parent_obj;
    bool completed;
    VFIOIOMMUType type;
    VFIOSoftConfig cfg;
    uint64_t pgsizes;
    char *text[SOFT_HOST_NPROPS];   /* values as given, NULL when unset */
    GArray *faults;                 /* of SoftHostFault (fail=) */
    GPtrArray *instances;           /* of SoftHostInstance *, live ones */
    int next_index;
    GArray *host_ram;               /* of VFIOSoftRegion */
};

/* ---- errno and op names ---- */

static const struct {
    const char *name;
    int err;
} soft_errnos[] = {
    { "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
    { "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "EAGAIN", EAGAIN },
    { "ENOMEM", ENOMEM }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
    { "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL },
    { "ENOSPC", ENOSPC }, { "ENOTTY", ENOTTY }, { "ERANGE", ERANGE },
};

/* Monitor names of the ops (the vocabulary). */
static const char *const soft_host_op_names[VFIO_SOFT_OP__MAX] = {
    [VFIO_SOFT_OP_SETUP] = "setup",
    [VFIO_SOFT_OP_INFO] = "info",
    [VFIO_SOFT_OP_ADD_WINDOW] = "window-create",
    [VFIO_SOFT_OP_REMOVE_WINDOW] = "window-remove",
    [VFIO_SOFT_OP_MAP] = "map",
    [VFIO_SOFT_OP_UNMAP] = "unmap",
    [VFIO_SOFT_OP_REGISTER] = "register",
    [VFIO_SOFT_OP_UNREGISTER] = "unregister",
};

static bool parse_errno(const char *name, int *err, Error **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(soft_errnos); i++) {
        if (!strcmp(name, soft_errnos[i].name)) {
            *err = soft_errnos[i].err;
            return true;
        }
    }
    error_setg(errp, "unknown errno '%s' (EPERM, ENOENT, EIO, ENXIO, E2BIG, "
               "EAGAIN, ENOMEM, EFAULT, EBUSY, EEXIST, ENODEV, EINVAL, "
               "ENOSPC, ENOTTY or ERANGE)", name);
    return false;
}

static bool parse_op(const char *name, VFIOSoftOp *op, Error **errp)
{
    for (int i = 0; i < VFIO_SOFT_OP__MAX; i++) {
        if (!strcmp(name, soft_host_op_names[i])) {
            *op = i;
            return true;
        }
    }
    error_setg(errp, "unknown op '%s' (setup, info, window-create, "
               "window-remove, map, unmap, register or unregister)", name);
    return false;
}

/* ---- properties ---- */

static const char *soft_host_id(VFIOSoftHost *h)
{
    const char *id = object_get_canonical_path_component(OBJECT(h));

    return id ? id : "<anon>";
}

static bool parse_ranges(const char *str, VFIOSoftConfig *cfg, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(str, ":", -1);
    uint32_t n = 0;

    for (char **p = items; *p; p++) {
        g_auto(GStrv) ends = g_strsplit(*p, "-", 3);
        uint64_t start, last;

        if (n == VFIO_IOMMU_MAX_IOVA_RANGES) {
            error_setg(errp, "at most %d IOVA ranges",
                       VFIO_IOMMU_MAX_IOVA_RANGES);
            return false;
        }
        if (g_strv_length(ends) != 2 || qemu_strtou64(ends[0], &start) ||
            qemu_strtou64(ends[1], &last)) {
            error_setg(errp, "expects START-LAST[:START-LAST...], got '%s'",
                       str);
            return false;
        }
        cfg->iova_ranges[n].start = start;
        cfg->iova_ranges[n].last = last;
        n++;
    }
    cfg->nr_iova_ranges = n;
    return true;
}

static bool parse_pgsizes(const char *str, uint64_t *mask, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(str, ":", -1);

    *mask = 0;
    for (char **p = items; *p; p++) {
        uint64_t sz;

        if (qemu_strtosz(*p, &sz) < 0 || sz < 4096 || (sz & (sz - 1))) {
            error_setg(errp, "expects powers of two of at least 4K "
                       "separated by ':', got '%s'", str);
            return false;
        }
        *mask |= sz;
    }
    return true;
}

static bool parse_faults(const char *str, GArray *faults, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(str, "+", -1);

    g_array_set_size(faults, 0);
    for (char **p = items; *p; p++) {
        g_auto(GStrv) f = g_strsplit(*p, ":", 4);
        SoftHostFault sf;

        if (g_strv_length(f) != 3) {
            error_setg(errp, "expects OP:N:ERRNO[+OP:N:ERRNO...], got '%s'",
                       str);
            return false;
        }
        if (!parse_op(f[0], &sf.op, errp) || !parse_errno(f[2], &sf.err, errp)) {
            return false;
        }
        if (qemu_strtou64(f[1], &sf.nth) || sf.nth == 0) {
            error_setg(errp, "the count N of '%s' must be a number >= 1", *p);
            return false;
        }
        g_array_append_val(faults, sf);
    }
    return true;
}

static bool soft_host_prop_set(Object *obj, ObjectProperty *oprop,
                               const char *value, Error **errp)
{
    VFIOSoftHost *h = VFIO_SOFT_HOST(obj);
    const SoftHostProp *p = oprop->opaque;
    size_t i = p - soft_host_props;
    char *field = (char *)&h->cfg + p->offset;
    Error *err = NULL;
    uint64_t v;

    if (h->completed) {
        error_setg(errp, "Property '%s.%s' cannot be changed after creation",
                   TYPE_VFIO_SOFT_HOST, p->name);
        return false;
    }
    switch (p->kind) {
    case SHP_TYPE:
        if (!strcmp(value, "type1v2")) {
            h->type = VFIO_IOMMU_TYPE1V2;
        } else if (!strcmp(value, "spapr-tce-v2")) {
            h->type = VFIO_IOMMU_SPAPR_TCE_V2;
        } else {
            error_setg(errp, "Parameter 'iommu-type' does not accept value "
                       "'%s'", value);
            return false;
        }
        break;
    case SHP_RANGES:
        parse_ranges(value, &h->cfg, &err);
        break;
    case SHP_PGSIZES:
        parse_pgsizes(value, &h->pgsizes, &err);
        break;
    case SHP_U32:
        if (qemu_strtou64(value, &v) || v == 0 || v > UINT32_MAX) {
            error_setg(errp, "Property '%s.%s' doesn't take value %s "
                       "(minimum: 1, maximum: %u)", TYPE_VFIO_SOFT_HOST,
                       p->name, value, UINT32_MAX);
            return false;
        }
        *(uint32_t *)field = v;
        break;
    case SHP_SIZE:
        if (qemu_strtosz(value, &v) < 0) {
            error_setg(errp, "Property '%s.%s' expects a size, got '%s'",
                       TYPE_VFIO_SOFT_HOST, p->name, value);
            return false;
        }
        *(uint64_t *)field = v;
        break;
    case SHP_SHIFT:
        if (qemu_strtosz(value, &v) < 0 || v < 4096 || (v & (v - 1))) {
            error_setg(errp, "Property '%s.%s' expects a power of two of at "
                       "least 4K, got '%s'", TYPE_VFIO_SOFT_HOST, p->name,
                       value);
            return false;
        }
        *(uint32_t *)field = __builtin_ctzll(v);
        break;
    case SHP_FAIL:
        parse_faults(value, h->faults, &err);
        break;
    }
    if (err) {
        error_prepend(&err, "Property '%s.%s': ", TYPE_VFIO_SOFT_HOST,
                      p->name);
        error_propagate(errp, err);
        return false;
    }
    g_free(h->text[i]);
    h->text[i] = g_strdup(value);
    return true;
}

static char *soft_host_prop_get(Object *obj, ObjectProperty *oprop,
                                bool human)
{
    VFIOSoftHost *h = VFIO_SOFT_HOST(obj);
    const SoftHostProp *p = oprop->opaque;
    const char *text = h->text[p - soft_host_props];

    return human ? g_strdup_printf("\"%s\"", text ? text : "")
                 : g_strdup(text ? text : "");
}

/* ---- the object ---- */

static void soft_host_init(Object *obj)
{
    VFIOSoftHost *h = VFIO_SOFT_HOST(obj);

    h->faults = g_array_new(false, true, sizeof(SoftHostFault));
    h->instances = g_ptr_array_new();
    h->host_ram = g_array_new(false, true, sizeof(VFIOSoftRegion));
    for (size_t i = 0; i < SOFT_HOST_NPROPS; i++) {
        ObjectProperty *op;

        op = object_property_add(obj, soft_host_props[i].name,
                                 soft_host_props[i].type, soft_host_prop_get,
                                 soft_host_prop_set, NULL,
                                 (void *)&soft_host_props[i]);
        op->description = g_strdup(soft_host_props[i].desc);
    }
}

static void soft_host_finalize(Object *obj)
{
    VFIOSoftHost *h = VFIO_SOFT_HOST(obj);

    /* Instances a caller failed to release outlive us, detached. */
    for (guint i = 0; i < h->instances->len; i++) {
        ((SoftHostInstance *)h->instances->pdata[i])->host = NULL;
    }
    g_ptr_array_free(h->instances, true);
    g_array_free(h->faults, true);
    g_array_free(h->host_ram, true);
    for (size_t i = 0; i < SOFT_HOST_NPROPS; i++) {
        g_free(h->text[i]);
    }
}

static bool soft_host_complete(UserCreatable *uc, Error **errp)
{
    VFIOSoftHost *h = VFIO_SOFT_HOST(uc);
    VFIOSoftIOMMU *trial;
    Error *err = NULL;

    if (h->type == VFIO_IOMMU_TYPE_NONE) {
        error_setg(errp, "vfio-soft-host '%s': iommu-type is required "
                   "(type1v2 or spapr-tce-v2)", soft_host_id(h));
        return false;
    }
    for (size_t i = 0; i < SOFT_HOST_NPROPS; i++) {
        if (h->text[i] && !(soft_host_props[i].types & (1u << h->type))) {
            error_setg(errp, "vfio-soft-host '%s': %s applies to "
                       "iommu-type=%s only", soft_host_id(h),
                       soft_host_props[i].name,
                       h->type == VFIO_IOMMU_TYPE1V2 ? "spapr-tce-v2"
                                                     : "type1v2");
            return false;
        }
    }
    h->cfg.types = 1u << h->type;
    if (h->type == VFIO_IOMMU_TYPE1V2) {
        h->cfg.pgsizes = h->pgsizes;
    } else {
        h->cfg.spapr_pgsizes = h->pgsizes;
    }
    trial = vfio_soft_new(&h->cfg, &err);
    if (!trial) {
        error_prepend(&err, "vfio-soft-host '%s': ", soft_host_id(h));
        error_propagate(errp, err);
        return false;
    }
    vfio_iommu_release(vfio_soft_iommu(trial));
    h->completed = true;
    return true;
}

static bool soft_host_can_be_deleted(UserCreatable *uc)
{
    return VFIO_SOFT_HOST(uc)->instances->len == 0;
}

/* ---- instances: the ops forward to the soft engine ---- */

static SoftHostInstance *inst(VFIOIOMMU *iommu)
{
    return container_of(iommu, SoftHostInstance, iommu);
}

static VFIOIOMMU *inner(VFIOIOMMU *iommu)
{
    return vfio_soft_iommu(inst(iommu)->soft);
}

static int shi_setup(VFIOIOMMU *io, VFIOIOMMUType type)
{
    return vfio_iommu_setup(inner(io), type);
}

static int shi_info(VFIOIOMMU *io, VFIOIOMMUInfo *info)
{
    return vfio_iommu_info(inner(io), info);
}

static int shi_add_window(VFIOIOMMU *io, uint32_t page_shift, uint64_t size,
                          uint32_t levels, hwaddr *start)
{
    return vfio_iommu_add_window(inner(io), page_shift, size, levels, start);
}

static int shi_remove_window(VFIOIOMMU *io, hwaddr start)
{
    return vfio_iommu_remove_window(inner(io), start);
}

static int shi_map(VFIOIOMMU *io, hwaddr iova, uint64_t size, uint64_t vaddr,
                   uint32_t perm)
{
    return vfio_iommu_map(inner(io), iova, size, vaddr, perm);
}

static int shi_unmap(VFIOIOMMU *io, hwaddr iova, uint64_t *size)
{
    return vfio_iommu_unmap(inner(io), iova, size);
}

static int shi_register(VFIOIOMMU *io, uint64_t vaddr, uint64_t size)
{
    return vfio_iommu_register_memory(inner(io), vaddr, size);
}

static int shi_unregister(VFIOIOMMU *io, uint64_t vaddr, uint64_t size)
{
    return vfio_iommu_unregister_memory(inner(io), vaddr, size);
}

static void shi_release(VFIOIOMMU *io)
{
    SoftHostInstance *si = inst(io);

    if (si->host) {
        trace_vfio_soft_host_release(soft_host_id(si->host), si->index);
        g_ptr_array_remove(si->host->instances, si);
    }
    vfio_iommu_release(vfio_soft_iommu(si->soft));
    g_free(si);
}

static const VFIOIOMMUOps soft_host_ops = {
    .name = "soft",
    .setup = shi_setup,
    .info = shi_info,
    .add_window = shi_add_window,
    .remove_window = shi_remove_window,
    .map = shi_map,
    .unmap = shi_unmap,
    .register_memory = shi_register,
    .unregister_memory = shi_unregister,
    .release = shi_release,
};

VFIOIOMMUType vfio_soft_host_iommu_type(VFIOSoftHost *h)
{
    return h->type;
}

VFIOIOMMU *vfio_soft_host_new_iommu(VFIOSoftHost *h, Error **errp)
{
    VFIOSoftIOMMU *s = vfio_soft_new(&h->cfg, errp);
    SoftHostInstance *si;

    if (!s) {
        return NULL;
    }
    for (guint i = 0; i < h->host_ram->len; i++) {
        VFIOSoftRegion *r = &g_array_index(h->host_ram, VFIOSoftRegion, i);

        vfio_soft_add_host_ram(s, r->vaddr, r->size);
    }
    for (guint i = 0; i < h->faults->len; i++) {
        SoftHostFault *f = &g_array_index(h->faults, SoftHostFault, i);

        vfio_soft_inject_fault(s, f->op, f->nth, f->err);
    }
    si = g_new0(SoftHostInstance, 1);
    si->iommu.ops = &soft_host_ops;
    si->host = h;
    si->soft = s;
    si->index = h->next_index++;
    g_ptr_array_add(h->instances, si);
    trace_vfio_soft_host_new_iommu(soft_host_id(h), si->index);
    return &si->iommu;
}

VFIOSoftIOMMU *vfio_soft_host_get_soft(VFIOIOMMU *iommu)
{
    return iommu && iommu->ops == &soft_host_ops ? inst(iommu)->soft : NULL;
}

VFIOSoftHost *vfio_soft_host_of(VFIOIOMMU *iommu)
{
    return iommu && iommu->ops == &soft_host_ops ? inst(iommu)->host : NULL;
}

int vfio_soft_host_instance_index(VFIOIOMMU *iommu)
{
    return iommu && iommu->ops == &soft_host_ops ? inst(iommu)->index : -1;
}

unsigned vfio_soft_host_instance_count(VFIOSoftHost *h)
{
    return h->instances->len;
}

int vfio_soft_host_add_ram(VFIOSoftHost *h, uint64_t vaddr, uint64_t size)
{
    VFIOSoftRegion r = { .vaddr = vaddr, .size = size };

    if (!size || vaddr + size - 1 < vaddr) {
        return -EINVAL;
    }
    for (guint i = 0; i < h->host_ram->len; i++) {
        VFIOSoftRegion *o = &g_array_index(h->host_ram, VFIOSoftRegion, i);

        if (vaddr <= o->vaddr + o->size - 1 && o->vaddr <= vaddr + size - 1) {
            return -EEXIST;
        }
    }
    for (guint i = 0; i < h->instances->len; i++) {
        SoftHostInstance *si = h->instances->pdata[i];

        vfio_soft_add_host_ram(si->soft, vaddr, size);
    }
    g_array_append_val(h->host_ram, r);
    return 0;
}

bool vfio_soft_host_inject(VFIOSoftHost *h, int index, VFIOSoftOp op,
                           uint64_t nth, int err, Error **errp)
{
    bool found = false;

    if (!h->instances->len) {
        error_setg(errp, "vfio-soft-host '%s' has no IOMMU instance yet "
                   "(arm faults for new ones with its 'fail' property)",
                   soft_host_id(h));
        return false;
    }
    for (guint i = 0; i < h->instances->len; i++) {
        SoftHostInstance *si = h->instances->pdata[i];

        if (index < 0 || si->index == index) {
            trace_vfio_soft_host_fault(soft_host_id(h), si->index,
                                       soft_host_op_names[op], nth, err);
            vfio_soft_inject_fault(si->soft, op, nth, err);
            found = true;
        }
    }
    if (!found) {
        error_setg(errp, "vfio-soft-host '%s' has no IOMMU instance %d",
                   soft_host_id(h), index);
    }
    return found;
}

/* ---- monitor ---- */

static VFIOSoftHost *soft_host_find(const char *id, Error **errp)
{
    Object *root = object_resolve_path_component(object_get_root(),
                                                 "objects");
    Object *obj = root ? object_resolve_path_component(root, id) : NULL;

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_VFIO_SOFT_HOST)) {
        error_setg(errp, "object '%s' is not a %s", id, TYPE_VFIO_SOFT_HOST);
        return NULL;
    }
    return VFIO_SOFT_HOST(obj);
}

/*
 * x-vfio-soft-fault {"id": H, "op": OP, "nth": N, "errno": "EIO"
 * [, "instance": I]}: the Nth call of OP from now fails (0 cancels).
 */
static void qmp_x_vfio_soft_fault(JsonObject *args, JsonNode **ret,
                                  Error **errp)
{
    static const char *const known[] = {
        "id", "op", "nth", "errno", "instance", NULL
    };
    const char *id, *opname, *errname;
    uint64_t nth;
    int64_t index;
    VFIOSoftHost *h;
    VFIOSoftOp op;
    int err;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "id", &id, errp) ||
        !qmp_arg_str(args, "op", &opname, errp) ||
        !qmp_arg_uint(args, "nth", &nth, errp) ||
        !qmp_arg_opt_str(args, "errno", "EIO", &errname, errp) ||
        !qmp_arg_opt_int(args, "instance", -1, &index, errp) ||
        !(h = soft_host_find(id, errp)) ||
        !parse_op(opname, &op, errp) || !parse_errno(errname, &err, errp)) {
        return;
    }
    if (index < -1 || index > INT_MAX) {
        error_setg(errp, "vfio-soft-host '%s' has no IOMMU instance %" PRId64,
                   id, index);
        return;
    }
    vfio_soft_host_inject(h, index, op, nth, err, errp);
}

static const char *perm_name(uint32_t perm)
{
    switch (perm & VFIO_IOMMU_PERM_RW) {
    case VFIO_IOMMU_PERM_RW:
        return "rw";
    case VFIO_IOMMU_PERM_READ:
        return "r";
    case VFIO_IOMMU_PERM_WRITE:
        return "w";
    default:
        return "none";
    }
}

static JsonArray *regions_json(GArray *regions)
{
    JsonArray *list = json_array_new();

    for (guint i = 0; i < regions->len; i++) {
        VFIOSoftRegion *r = &g_array_index(regions, VFIOSoftRegion, i);
        JsonObject *o = json_object_new();

        qmp_object_set_uint_member(o, "vaddr", r->vaddr);
        qmp_object_set_uint_member(o, "size", r->size);
        json_array_add_object_element(list, o);
    }
    return list;
}

static JsonObject *instance_json(VFIOSoftHost *h, SoftHostInstance *si)
{
    VFIOSoftIOMMU *s = si->soft;
    JsonObject *o = json_object_new();
    JsonObject *counters = json_object_new();
    JsonArray *list;
    GArray *arr;

    json_object_set_int_member(o, "instance", si->index);
    for (int op = 0; op < VFIO_SOFT_OP__MAX; op++) {
        VFIOSoftCounters c = vfio_soft_get_counters(s, op);
        JsonObject *co = json_object_new();

        qmp_object_set_uint_member(co, "calls", c.calls);
        qmp_object_set_uint_member(co, "failures", c.failures);
        qmp_object_set_uint_member(co, "injected", c.injected);
        json_object_set_object_member(counters, soft_host_op_names[op], co);
    }
    json_object_set_object_member(o, "counters", counters);
    if (h->type == VFIO_IOMMU_SPAPR_TCE_V2) {
        json_object_set_boolean_member(o, "default-window-pending",
                                       vfio_soft_default_window_pending(s));
        qmp_object_set_uint_member(o, "busy-unregisters",
                                   vfio_soft_busy_unregisters(s));
        arr = vfio_soft_get_windows(s);
        list = json_array_new();
        for (guint i = 0; i < arr->len; i++) {
            VFIOSoftWindow *w = &g_array_index(arr, VFIOSoftWindow, i);
            JsonObject *wo = json_object_new();

            json_object_set_int_member(wo, "slot", w->slot);
            qmp_object_set_uint_member(wo, "start", w->start);
            qmp_object_set_uint_member(wo, "size", w->size);
            json_object_set_int_member(wo, "page-shift", w->page_shift);
            json_object_set_int_member(wo, "levels", w->levels);
            json_array_add_object_element(list, wo);
        }
        g_array_unref(arr);
        json_object_set_array_member(o, "windows", list);
        arr = vfio_soft_get_regions(s);
        json_object_set_array_member(o, "regions", regions_json(arr));
        g_array_unref(arr);
    }
    arr = vfio_soft_get_mappings(s);
    list = json_array_new();
    for (guint i = 0; i < arr->len; i++) {
        VFIOSoftMapping *m = &g_array_index(arr, VFIOSoftMapping, i);
        JsonObject *mo = json_object_new();

        qmp_object_set_uint_member(mo, "iova", m->iova);
        qmp_object_set_uint_member(mo, "size", m->size);
        qmp_object_set_uint_member(mo, "vaddr", m->vaddr);
        json_object_set_string_member(mo, "perm", perm_name(m->perm));
        json_array_add_object_element(list, mo);
    }
    g_array_unref(arr);
    json_object_set_array_member(o, "mappings", list);
    return o;
}

/*
 * x-query-vfio-soft {"id": H} -> {"id", "iommu-type", "host-ram": [...],
 * "instances": [{"instance", "counters", ["default-window-pending",
 * "busy-unregisters", "windows", "regions",] "mappings"}]}
 */
static void qmp_x_query_vfio_soft(JsonObject *args, JsonNode **ret,
                                  Error **errp)
{
    static const char *const known[] = { "id", NULL };
    JsonObject *o;
    JsonArray *list;
    VFIOSoftHost *h;
    const char *id;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "id", &id, errp) ||
        !(h = soft_host_find(id, errp))) {
        return;
    }
    o = json_object_new();
    json_object_set_string_member(o, "id", id);
    json_object_set_string_member(o, "iommu-type",
                                  h->type == VFIO_IOMMU_TYPE1V2 ?
                                  "type1v2" : "spapr-tce-v2");
    json_object_set_array_member(o, "host-ram", regions_json(h->host_ram));
    list = json_array_new();
    for (guint i = 0; i < h->instances->len; i++) {
        json_array_add_object_element(list,
                                      instance_json(h, h->instances->pdata[i]));
    }
    json_object_set_array_member(o, "instances", list);
    *ret = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
}

/* ---- The soft host as a VFIO host (groups and containers) ------------- */

static VFIOIOMMU *soft_host_open_iommu(void *opaque, Error **errp)
{
    return vfio_soft_host_new_iommu(opaque, errp);
}

/*
 * A group of this host joins any container this host opened; a container
 * of another host refuses it, as a kernel refuses to put groups of two
 * different IOMMU domains types in one container (EPERM).
 */
static int soft_host_set_container(void *opaque, int groupid,
                                   VFIOIOMMU *iommu)
{
    return vfio_soft_host_of(iommu) == opaque ? 0 : -EPERM;
}

/* A group detached: the soft IOMMU clears what the kernel clears. */
static void soft_host_unset_container(void *opaque, int groupid,
                                      VFIOIOMMU *iommu)
{
    VFIOSoftIOMMU *s = vfio_soft_host_get_soft(iommu);

    if (s) {
        vfio_soft_group_detached(s);
    }
}

const VFIOHostOps vfio_soft_host_ops = {
    .name = "soft",
    .open_iommu = soft_host_open_iommu,
    .set_container = soft_host_set_container,
    .unset_container = soft_host_unset_container,
};

void vfio_soft_host_monitor_init(void)
{
    qmp_register_command("x-vfio-soft-fault", qmp_x_vfio_soft_fault);
    qmp_register_command("x-query-vfio-soft", qmp_x_query_vfio_soft);
}

static void soft_host_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = soft_host_complete;
    ucc->can_be_deleted = soft_host_can_be_deleted;
}

static const TypeInfo soft_host_types[] = {
    {
        .name = TYPE_VFIO_SOFT_HOST,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(VFIOSoftHost),
        .instance_init = soft_host_init,
        .instance_finalize = soft_host_finalize,
        .class_init = soft_host_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE },
            { NULL }
        },
    },
};

DEFINE_TYPES(soft_host_types)
