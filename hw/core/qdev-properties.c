/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Static device properties: parsing, printing and defaults per type. */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "hw/qdev-properties.h"

static void *prop_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static void error_bad_value(Error **errp, Object *obj, const Property *prop,
                            const char *what, const char *str)
{
    error_setg(errp, "Property '%s.%s' expects %s, got '%s'",
               object_get_typename(obj), prop->name, what, str);
}

/* ---- bool ---- */

static bool set_bool(Object *obj, const Property *prop, void *ptr,
                     const char *str, Error **errp)
{
    static const char *const yes[] = { "on", "true", "yes" };
    static const char *const no[] = { "off", "false", "no" };

    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (!strcmp(str, yes[i]) || !strcmp(str, no[i])) {
            *(bool *)ptr = !strcmp(str, yes[i]);
            return true;
        }
    }
    error_bad_value(errp, obj, prop, "'on' or 'off'", str);
    return false;
}

static char *print_bool(const Property *prop, void *ptr, bool human)
{
    return g_strdup(*(bool *)ptr ? "true" : "false");
}

static void default_bool(const Property *prop, void *ptr)
{
    *(bool *)ptr = prop->defval.u;
}

static char *json_bool(const Property *prop)
{
    return g_strdup(prop->defval.u ? "true" : "false");
}

const PropertyInfo qdev_prop_bool = {
    .name = "bool",
    .set = set_bool,
    .print = print_bool,
    .set_default = default_bool,
    .default_json = json_bool,
};

/* ---- integers ---- */

/* Store @val in a field of @size bytes. */
static void store_uint(void *ptr, size_t size, uint64_t val)
{
    switch (size) {
    case 1:
        *(uint8_t *)ptr = val;
        break;
    case 2:
        *(uint16_t *)ptr = val;
        break;
    case 4:
        *(uint32_t *)ptr = val;
        break;
    default:
        *(uint64_t *)ptr = val;
        break;
    }
}

static uint64_t load_uint(void *ptr, size_t size)
{
    switch (size) {
    case 1:
        return *(uint8_t *)ptr;
    case 2:
        return *(uint16_t *)ptr;
    case 4:
        return *(uint32_t *)ptr;
    default:
        return *(uint64_t *)ptr;
    }
}

static bool set_unsigned(Object *obj, const Property *prop, void *ptr,
                         const char *str, size_t size, Error **errp)
{
    uint64_t max = size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
    uint64_t val;
    int ret = qemu_strtou64(str, &val);

    if (ret == -EINVAL) {
        error_bad_value(errp, obj, prop, "a number", str);
        return false;
    }
    if (ret == -ERANGE || val > max) {
        error_setg(errp, "Property '%s.%s' doesn't take value %s "
                   "(minimum: 0, maximum: %" PRIu64 ")",
                   object_get_typename(obj), prop->name, str, max);
        return false;
    }
    store_uint(ptr, size, val);
    return true;
}

static char *format_int(uint64_t val, bool is_signed, bool human)
{
    if (is_signed) {
        return human ? g_strdup_printf("%" PRId64 " (0x%" PRIx64 ")",
                                       (int64_t)val, val)
                     : g_strdup_printf("%" PRId64, (int64_t)val);
    }
    return human ? g_strdup_printf("%" PRIu64 " (0x%" PRIx64 ")", val, val)
                 : g_strdup_printf("%" PRIu64, val);
}

#define DEFINE_UINT_INFO(bits)                                              \
    static bool set_uint##bits(Object *obj, const Property *prop,          \
                               void *ptr, const char *str, Error **errp)   \
    {                                                                       \
        return set_unsigned(obj, prop, ptr, str, bits / 8, errp);          \
    }                                                                       \
    static char *print_uint##bits(const Property *prop, void *ptr,         \
                                  bool human)                               \
    {                                                                       \
        return format_int(load_uint(ptr, bits / 8), false, human);         \
    }                                                                       \
    static void default_uint##bits(const Property *prop, void *ptr)        \
    {                                                                       \
        store_uint(ptr, bits / 8, prop->defval.u);                         \
    }                                                                       \
    const PropertyInfo qdev_prop_uint##bits = {                            \
        .name = "uint" #bits,                                               \
        .set = set_uint##bits,                                              \
        .print = print_uint##bits,                                          \
        .set_default = default_uint##bits,                                  \
        .default_json = json_uint,                                          \
    };

static char *json_uint(const Property *prop)
{
    return g_strdup_printf("%" PRIu64, prop->defval.u);
}

DEFINE_UINT_INFO(8)
DEFINE_UINT_INFO(16)
DEFINE_UINT_INFO(32)
DEFINE_UINT_INFO(64)

static bool set_int32(Object *obj, const Property *prop, void *ptr,
                      const char *str, Error **errp)
{
    bool neg = str[0] == '-';
    uint64_t mag;
    int ret = qemu_strtou64(neg ? str + 1 : str, &mag);

    if (ret == -EINVAL) {
        error_bad_value(errp, obj, prop, "a number", str);
        return false;
    }
    if (ret == -ERANGE || mag > (neg ? (uint64_t)INT32_MAX + 1 : INT32_MAX)) {
        error_setg(errp, "Property '%s.%s' doesn't take value %s "
                   "(minimum: %d, maximum: %d)", object_get_typename(obj),
                   prop->name, str, INT32_MIN, INT32_MAX);
        return false;
    }
    *(int32_t *)ptr = neg ? (int32_t)-(int64_t)mag : (int32_t)mag;
    return true;
}

static char *print_int32(const Property *prop, void *ptr, bool human)
{
    return format_int((uint64_t)(int64_t)*(int32_t *)ptr, true, human);
}

static void default_int32(const Property *prop, void *ptr)
{
    *(int32_t *)ptr = prop->defval.i;
}

static char *json_int(const Property *prop)
{
    return g_strdup_printf("%" PRId64, prop->defval.i);
}

const PropertyInfo qdev_prop_int32 = {
    .name = "int32",
    .set = set_int32,
    .print = print_int32,
    .set_default = default_int32,
    .default_json = json_int,
};

/* ---- size ---- */

static bool set_size(Object *obj, const Property *prop, void *ptr,
                     const char *str, Error **errp)
{
    uint64_t val;
    int ret = qemu_strtosz(str, &val);

    if (ret == -ERANGE) {
        error_setg(errp, "Property '%s.%s' doesn't take value %s "
                   "(minimum: 0, maximum: %" PRIu64 ")",
                   object_get_typename(obj), prop->name, str, UINT64_MAX);
        return false;
    }
    if (ret < 0) {
        error_bad_value(errp, obj, prop,
                        "a size (a number with an optional suffix "
                        "B, K, M, G, T, P or E)", str);
        return false;
    }
    *(uint64_t *)ptr = val;
    return true;
}

/* "1073741824 (1 GiB)": three significant digits in the largest unit. */
static char *print_size(const Property *prop, void *ptr, bool human)
{
    static const char units[] = "BKMGTPE";
    uint64_t val = *(uint64_t *)ptr;
    int i = 0;

    if (!human) {
        return g_strdup_printf("%" PRIu64, val);
    }
    while (i < 6 && (double)val >= 1000.0 * (double)(1ULL << (10 * i))) {
        i++;
    }
    return g_strdup_printf("%" PRIu64 " (%0.3g %c%s)", val,
                           (double)val / (double)(1ULL << (10 * i)),
                           units[i], i ? "iB" : "");
}

static void default_size(const Property *prop, void *ptr)
{
    *(uint64_t *)ptr = prop->defval.u;
}

const PropertyInfo qdev_prop_size = {
    .name = "size",
    .set = set_size,
    .print = print_size,
    .set_default = default_size,
    .default_json = json_uint,
};

/* ---- string ---- */

static bool set_string(Object *obj, const Property *prop, void *ptr,
                       const char *str, Error **errp)
{
    g_free(*(char **)ptr);
    *(char **)ptr = g_strdup(str);
    return true;
}

static char *print_string(const Property *prop, void *ptr, bool human)
{
    const char *str = *(char **)ptr;

    if (!human) {
        return g_strdup(str ? str : "");
    }
    return str ? g_strdup_printf("\"%s\"", str) : g_strdup("<null>");
}

static void default_string(const Property *prop, void *ptr)
{
    *(char **)ptr = g_strdup(prop->defval_str);
}

static char *json_string(const Property *prop)
{
    return g_strdup_printf("\"%s\"", prop->defval_str);
}

static void release_pointer(const Property *prop, void *ptr)
{
    g_clear_pointer((char **)ptr, g_free);
}

const PropertyInfo qdev_prop_string = {
    .name = "str",
    .set = set_string,
    .print = print_string,
    .set_default = default_string,
    .default_json = json_string,
    .release = release_pointer,
};

/* ---- link ---- */

typedef struct PartialLink {
    char **parts;
    const char *type;
    Object *found;
    bool ambiguous;
} PartialLink;

static int partial_link_try(Object *from, void *opaque)
{
    PartialLink *pl = opaque;
    Object *hit = from;

    for (char **p = pl->parts; hit && *p; p++) {
        hit = **p ? object_resolve_path_component(hit, *p) : hit;
    }
    if (!hit || !object_dynamic_cast(hit, pl->type)) {
        return 0;
    }
    if (pl->found && pl->found != hit) {
        pl->ambiguous = true;
        return 1;
    }
    pl->found = hit;
    return 0;
}

/*
 * A link value as QEMU resolves it: an absolute path, or a partial one
 * ("h0", "objects/h0") naming the one object of the link's type it leads
 * to from some node of the tree (an -object id finds /objects/ID).
 */
static Object *link_resolve(const Property *prop, const char *str,
                            Error **errp)
{
    g_auto(GStrv) parts = NULL;
    PartialLink pl = { .type = prop->link_type };

    if (str[0] == '/') {
        return object_resolve_path(str);
    }
    parts = g_strsplit(str, "/", -1);
    pl.parts = parts;
    partial_link_try(object_get_root(), &pl);
    if (!pl.ambiguous) {
        object_child_foreach_recursive(object_get_root(), partial_link_try,
                                       &pl);
    }
    if (pl.ambiguous) {
        error_setg(errp, "Path '%s' is ambiguous", str);
        return NULL;
    }
    return pl.found;
}

static bool set_link(Object *obj, const Property *prop, void *ptr,
                     const char *str, Error **errp)
{
    Object *target = NULL;

    if (*str) {
        Error *err = NULL;

        target = link_resolve(prop, str, &err);
        if (err) {
            error_propagate(errp, err);
            return false;
        }
        if (!target) {
            error_setg(errp, "Device '%s' not found", str);
            return false;
        }
        if (!object_dynamic_cast(target, prop->link_type)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       prop->name, prop->link_type);
            return false;
        }
    }
    object_ref(target);
    object_unref(*(Object **)ptr);
    *(Object **)ptr = target;
    return true;
}

static char *print_link(const Property *prop, void *ptr, bool human)
{
    Object *target = *(Object **)ptr;
    g_autofree char *path = target ? object_get_canonical_path(target) : NULL;

    if (human) {
        return g_strdup_printf("\"%s\"", path ? path : "");
    }
    return g_strdup(path ? path : "");
}

static void release_link(const Property *prop, void *ptr)
{
    Object **slot = ptr;

    object_unref(*slot);
    *slot = NULL;
}

const PropertyInfo qdev_prop_link = {
    .name = "link",
    .set = set_link,
    .print = print_link,
    .release = release_link,
};

/* ---- glue to QOM ---- */

static bool static_prop_set(Object *obj, ObjectProperty *oprop,
                            const char *value, Error **errp)
{
    const Property *prop = oprop->opaque;
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->realized) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", prop->name,
                   dev->id ? dev->id : "<anon>", object_get_typename(obj));
        return false;
    }
    return prop->info->set(obj, prop, prop_ptr(obj, prop), value, errp);
}

static char *static_prop_get(Object *obj, ObjectProperty *oprop, bool human)
{
    const Property *prop = oprop->opaque;

    return prop->info->print(prop, prop_ptr(obj, prop), human);
}

static void static_prop_release(Object *obj, ObjectProperty *oprop)
{
    const Property *prop = oprop->opaque;

    if (prop->info->release) {
        prop->info->release(prop, prop_ptr(obj, prop));
    }
}

static Object *static_link_resolve(Object *obj, ObjectProperty *oprop)
{
    return *(Object **)prop_ptr(obj, oprop->opaque);
}

void qdev_property_add_static(Object *obj, const Property *prop)
{
    g_autofree char *type = NULL;
    ObjectProperty *oprop;

    if (prop->info == &qdev_prop_link) {
        type = g_strdup_printf("link<%s>", prop->link_type);
    } else {
        type = g_strdup(prop->info->name);
    }
    oprop = object_property_add(obj, prop->name, type, static_prop_get,
                                static_prop_set, static_prop_release,
                                (void *)prop);
    if (prop->info == &qdev_prop_link) {
        oprop->resolve = static_link_resolve;
    }
    oprop->description = g_strdup(prop->description);
    if (prop->set_default && prop->info->set_default) {
        prop->info->set_default(prop, prop_ptr(obj, prop));
        if (prop->info->default_json) {
            oprop->defval = prop->info->default_json(prop);
        }
    }
}

void device_class_set_props_n(DeviceClass *dc, const Property *props,
                              size_t n)
{
    assert(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert(props[i].name && props[i].info);
    }
    dc->props = props;
    dc->props_count = n;
}

const Property *device_class_own_props(ObjectClass *oc, size_t *n)
{
    ObjectClass *parent = object_class_get_parent(oc);
    const Property *props = DEVICE_CLASS(oc)->props;

    if (parent && object_class_dynamic_cast(parent, TYPE_DEVICE) &&
        DEVICE_CLASS(parent)->props == props) {
        *n = 0;
        return NULL;
    }
    *n = DEVICE_CLASS(oc)->props_count;
    return props;
}

static void prop_set_or_abort(DeviceState *dev, const char *name,
                              const char *value)
{
    object_property_parse(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value)
{
    prop_set_or_abort(dev, name, value ? "on" : "off");
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value)
{
    object_property_set_int(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value)
{
    prop_set_or_abort(dev, name, value);
}

/* ---- -global DRIVER.PROP=VALUE ---- */

typedef struct GlobalProperty {
    char *driver;
    char *property;
    char *value;
} GlobalProperty;

/* In registration order: a later -global for the same property wins. */
static GPtrArray *global_props;

static void global_prop_free(gpointer p)
{
    GlobalProperty *g = p;

    g_free(g->driver);
    g_free(g->property);
    g_free(g->value);
    g_free(g);
}

bool qdev_prop_register_global(const char *spec, Error **errp)
{
    const char *dot = strchr(spec, '.');
    const char *eq = dot ? strchr(dot, '=') : NULL;
    g_autofree char *driver = NULL;
    g_autofree char *property = NULL;
    ObjectClass *oc;
    GlobalProperty *g;

    if (!dot || !eq || dot == spec || eq == dot + 1) {
        error_setg(errp, "-global %s: expected DRIVER.PROPERTY=VALUE", spec);
        return false;
    }
    driver = g_strndup(spec, dot - spec);
    property = g_strndup(dot + 1, eq - dot - 1);
    oc = object_class_by_name(driver);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "-global %s: '%s' is not a valid device model name",
                   spec, driver);
        return false;
    }
    if (!object_class_is_abstract(oc)) {
        /* Check the property and its value once, on a throwaway instance. */
        Object *probe = object_new(driver);
        bool ok = object_property_parse(probe, property, eq + 1, errp);

        object_unref(probe);
        if (!ok) {
            error_prepend(errp, "-global %s: ", spec);
            return false;
        }
    }
    if (!global_props) {
        global_props = g_ptr_array_new_with_free_func(global_prop_free);
    }
    g = g_new0(GlobalProperty, 1);
    g->driver = g_steal_pointer(&driver);
    g->property = g_steal_pointer(&property);
    g->value = g_strdup(eq + 1);
    g_ptr_array_add(global_props, g);
    return true;
}

void qdev_prop_set_globals(DeviceState *dev)
{
    if (!global_props) {
        return;
    }
    for (guint i = 0; i < global_props->len; i++) {
        GlobalProperty *g = g_ptr_array_index(global_props, i);
        Error *err = NULL;

        if (!object_dynamic_cast(OBJECT(dev), g->driver) ||
            !object_property_find(OBJECT(dev), g->property)) {
            continue;
        }
        /* Values were checked at registration; report, never abort. */
        if (!object_property_parse(OBJECT(dev), g->property, g->value, &err)) {
            error_report_err(err);
        }
    }
}

void qdev_prop_clear_globals(void)
{
    if (global_props) {
        g_ptr_array_free(global_props, TRUE);
        global_props = NULL;
    }
}
