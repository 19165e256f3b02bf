/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM and machine introspection over QMP, with QEMU's names, reply shapes
 * and error texts: query-machines, qom-list-types, qom-list, qom-get,
 * qom-set, qom-list-properties, device-list-properties.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qom/object.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"

static JsonNode *node_take_array(JsonArray *list)
{
    JsonNode *node = json_node_init_array(json_node_alloc(), list);

    json_array_unref(list);
    return node;
}

/* ---- query-machines ---- */

/*
 * [{"name": "none", "cpu-max": 1, ...}, {"name": "pseries",
 * "is-default": true, ...}].  No machine models vCPUs: "cpu-max" is 1 (what
 * QEMU reports for a machine that sets no maximum) and "hotpluggable-cpus"
 * false.
 */
static void qmp_query_machines(JsonObject *args, JsonNode **ret, Error **errp)
{
    GSList *machines;
    JsonArray *list;

    if (!qmp_args_check(args, NULL, errp)) {
        return;
    }
    list = json_array_new();
    machines = object_class_get_list(TYPE_MACHINE, false);
    for (GSList *l = machines; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", mc->name ? mc->name :
                                      object_class_get_name(l->data));
        if (mc->is_default) {
            json_object_set_boolean_member(info, "is-default", true);
        }
        json_object_set_int_member(info, "cpu-max", 1);
        json_object_set_boolean_member(info, "hotpluggable-cpus", false);
        json_object_set_boolean_member(info, "numa-mem-supported", false);
        json_object_set_boolean_member(info, "deprecated", false);
        json_array_add_object_element(list, info);
    }
    g_slist_free(machines);
    *ret = node_take_array(list);
}

/* ---- qom-list-types ---- */

/* [{"name": T, "abstract": true (only when it is), "parent": P}, ...] */
static void qmp_qom_list_types(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "implements", "abstract", NULL };
    const char *implements;
    bool abstract;
    GSList *classes;
    JsonArray *list;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_opt_str(args, "implements", NULL, &implements, errp) ||
        !qmp_arg_opt_bool(args, "abstract", false, &abstract, errp)) {
        return;
    }
    list = json_array_new();
    classes = object_class_get_list(implements, abstract);
    for (GSList *l = classes; l; l = l->next) {
        ObjectClass *oc = l->data;
        ObjectClass *parent = object_class_get_parent(oc);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", object_class_get_name(oc));
        if (object_class_is_abstract(oc)) {
            json_object_set_boolean_member(info, "abstract", true);
        }
        if (parent) {
            json_object_set_string_member(info, "parent",
                                          object_class_get_name(parent));
        }
        json_array_add_object_element(list, info);
    }
    g_slist_free(classes);
    *ret = node_take_array(list);
}

/* ---- paths ---- */

/* The object @path leads to from @start, following child<> and link<>. */
static Object *qom_resolve_from(Object *start, char **parts)
{
    Object *obj = start;

    for (char **p = parts; obj && *p; p++) {
        if (**p) {
            obj = object_resolve_path_component(obj, *p);
        }
    }
    return obj;
}

typedef struct PartialPath {
    char **parts;
    Object *found;
    bool ambiguous;
} PartialPath;

static int qom_partial_try(Object *obj, void *opaque)
{
    PartialPath *pp = opaque;
    Object *hit = qom_resolve_from(obj, pp->parts);

    if (hit && pp->found && hit != pp->found) {
        pp->ambiguous = true;
        return 1;
    }
    if (hit) {
        pp->found = hit;
    }
    return 0;
}

/*
 * QEMU's path rules: "/a/b" from the root; a partial path "b" or "a/b"
 * names the one object it leads to from some object of the tree, and is
 * ambiguous if it leads to several.  Errors: DeviceNotFound "Device 'P'
 * not found", or "Path 'P' is ambiguous".
 */
static Object *qom_resolve(const char *path, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    Object *obj = NULL;

    if (path[0] == '/') {
        obj = qom_resolve_from(object_get_root(), parts);
    } else if (*path) {
        PartialPath pp = { .parts = parts };

        qom_partial_try(object_get_root(), &pp);
        if (!pp.ambiguous) {
            object_child_foreach_recursive(object_get_root(), qom_partial_try,
                                           &pp);
        }
        if (pp.ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
            return NULL;
        }
        obj = pp.found;
    }
    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", path);
    }
    return obj;
}

/* ---- qom-list ---- */

static int qom_list_one(Object *obj, ObjectProperty *prop, void *opaque)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", prop->name);
    json_object_set_string_member(info, "type", prop->type);
    json_array_add_object_element(opaque, info);
    return 0;
}

/* {"path": P} -> [{"name": N, "type": T}, ...] in creation order */
static void qmp_qom_list(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "path", NULL };
    const char *path;
    Object *obj;
    JsonArray *list;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "path", &path, errp) ||
        !(obj = qom_resolve(path, errp))) {
        return;
    }
    list = json_array_new();
    object_property_foreach(obj, qom_list_one, list);
    *ret = node_take_array(list);
}

/* ---- qom-get / qom-set ---- */

static bool type_is_one_of(const char *type, const char *const *names)
{
    return g_strv_contains(names, type);
}

static const char *const qom_unsigned_types[] = {
    "uint8", "uint16", "uint32", "uint64", "size", NULL
};
static const char *const qom_signed_types[] = {
    "int8", "int16", "int32", "int64", "int", NULL
};

/*
 * @text, the plain string form of a property of type @type, as the JSON
 * value QEMU returns for that type: booleans and numbers typed, strings,
 * child<> and link<> paths (and anything else) as strings.
 */
static JsonNode *qom_value_node(const char *type, const char *text)
{
    JsonNode *node;
    uint64_t u;
    gint64 i;

    if (!strcmp(type, "bool") &&
        (!strcmp(text, "true") || !strcmp(text, "false"))) {
        node = json_node_new(JSON_NODE_VALUE);
        json_node_set_boolean(node, !strcmp(text, "true"));
        return node;
    }
    if (type_is_one_of(type, qom_unsigned_types) &&
        qemu_strtou64(text, &u) == 0) {
        return qmp_node_new_uint(u);
    }
    if (type_is_one_of(type, qom_signed_types) &&
        g_ascii_string_to_signed(text, 10, INT64_MIN, INT64_MAX, &i, NULL)) {
        return qmp_node_new_int(i);
    }
    node = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(node, text);
    return node;
}

/* {"path": P, "property": N} -> the value, typed as the property's type */
static void qmp_qom_get(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "path", "property", NULL };
    const char *path, *name;
    g_autofree char *text = NULL;
    ObjectProperty *prop;
    Object *obj;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "path", &path, errp) ||
        !qmp_arg_str(args, "property", &name, errp) ||
        !(obj = qom_resolve(path, errp)) ||
        !(prop = object_property_find_err(obj, name, errp))) {
        return;
    }
    if (!prop->get) {
        error_setg(errp, "Insufficient permission to perform this operation");
        return;
    }
    text = prop->get(obj, prop, false);
    *ret = qom_value_node(prop->type, text ? text : "");
}

/*
 * {"path": P, "property": N, "value": V}: V (a string, number or boolean)
 * goes through the property's own parser, as -device values do.
 */
static void qmp_qom_set(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "path", "property", "value", NULL };
    const char *path, *name;
    g_autofree char *text = NULL;
    JsonNode *value;
    ObjectProperty *prop;
    Object *obj;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "path", &path, errp) ||
        !qmp_arg_str(args, "property", &name, errp)) {
        return;
    }
    value = json_object_get_member(args, "value");
    if (!value) {
        error_setg(errp, "Parameter 'value' is missing");
        return;
    }
    if (!(obj = qom_resolve(path, errp)) ||
        !(prop = object_property_find_err(obj, name, errp))) {
        return;
    }
    switch (qmp_node_kind(value)) {
    case QMP_NODE_STRING:
        text = g_strdup(json_node_get_string(value));
        break;
    case QMP_NODE_INT:
        text = qmp_node_number_text(value);
        break;
    case QMP_NODE_BOOL:
        text = g_strdup(json_node_get_boolean(value) ? "true" : "false");
        break;
    default:
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, prop->type);
        return;
    }
    if (!prop->set) {
        error_setg(errp, "Insufficient permission to perform this operation");
        return;
    }
    object_property_parse(obj, name, text, errp);
}

/* ---- qom-list-properties / device-list-properties ---- */

typedef struct PropList {
    JsonArray *list;
    bool device_filter;         /* device-list-properties: skip the base */
    bool with_default;
} PropList;

static void prop_list_add(PropList *pl, const char *name, const char *type,
                          const char *description, const char *defval)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", name);
    json_object_set_string_member(info, "type", type);
    if (description) {
        json_object_set_string_member(info, "description", description);
    }
    if (pl->with_default && defval) {
        JsonNode *node = qmp_json_parse(defval, strlen(defval), NULL);

        if (node) {
            json_object_set_member(info, "default-value", node);
        }
    }
    json_array_add_object_element(pl->list, info);
}

static int prop_list_one(Object *obj, ObjectProperty *prop, void *opaque)
{
    static const char *const skipped[] = {
        "type", "realized", "hotpluggable", "hotplugged", "parent_bus", NULL
    };
    PropList *pl = opaque;

    if (pl->device_filter && (g_strv_contains(skipped, prop->name) ||
                              g_str_has_prefix(prop->name, "legacy-"))) {
        return 0;
    }
    prop_list_add(pl, prop->name, prop->type, prop->description,
                  prop->defval);
    return 0;
}

/*
 * An abstract type has no instance to ask: list the static properties its
 * classes declare (device and machine property arrays), most derived
 * first.
 */
static void prop_list_class(PropList *pl, ObjectClass *oc)
{
    for (; oc; oc = object_class_get_parent(oc)) {
        const Property *props = NULL;
        size_t n = 0;

        if (object_class_dynamic_cast(oc, TYPE_DEVICE)) {
            props = device_class_own_props(oc, &n);
        } else if (object_class_dynamic_cast(oc, TYPE_MACHINE)) {
            ObjectClass *parent = object_class_get_parent(oc);

            props = MACHINE_CLASS(oc)->props;
            n = MACHINE_CLASS(oc)->props_count;
            if (parent && object_class_dynamic_cast(parent, TYPE_MACHINE) &&
                MACHINE_CLASS(parent)->props == props) {
                n = 0;                      /* inherited, listed later */
            }
        }
        for (const Property *p = props; p && p < props + n; p++) {
            g_autofree char *type = p->info == &qdev_prop_link ?
                g_strdup_printf("link<%s>", p->link_type) :
                g_strdup(p->info->name);

            prop_list_add(pl, p->name, type, p->description, NULL);
        }
    }
}

/*
 * A new, unparented instance of @oc: its properties are listed, then it is
 * dropped.  Nothing else sees it (it is never realized nor added to the
 * tree).
 */
static void prop_list_instance(PropList *pl, ObjectClass *oc)
{
    Object *obj = object_new_with_class(oc);

    object_property_foreach(obj, prop_list_one, pl);
    object_unref(obj);
}

/* {"typename": T} -> [{"name", "type", "description"?}, ...] */
static void qmp_qom_list_properties(JsonObject *args, JsonNode **ret,
                                    Error **errp)
{
    static const char *const known[] = { "typename", NULL };
    PropList pl = { 0 };
    const char *typename;
    ObjectClass *oc;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "typename", &typename, errp)) {
        return;
    }
    oc = object_class_by_name(typename);
    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Class '%s' not found", typename);
        return;
    }
    if (!object_class_dynamic_cast(oc, TYPE_OBJECT)) {
        error_setg(errp, "Parameter 'typename' expects a QOM type");
        return;
    }
    pl.list = json_array_new();
    if (object_class_is_abstract(oc)) {
        prop_list_class(&pl, oc);
    } else {
        prop_list_instance(&pl, oc);
    }
    *ret = node_take_array(pl.list);
}

/*
 * {"typename": T} -> [{"name", "type", "description"?, "default-value"?}]
 * for a concrete device type, without the properties every device has.
 */
static void qmp_device_list_properties(JsonObject *args, JsonNode **ret,
                                       Error **errp)
{
    static const char *const known[] = { "typename", NULL };
    PropList pl = { .device_filter = true, .with_default = true };
    const char *typename;
    ObjectClass *oc;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "typename", &typename, errp)) {
        return;
    }
    oc = object_class_by_name(typename);
    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device "
                   "type");
        return;
    }
    pl.list = json_array_new();
    prop_list_instance(&pl, oc);
    *ret = node_take_array(pl.list);
}

void monitor_qom_cmds_init(void)
{
    qmp_register_command("query-machines", qmp_query_machines);
    qmp_register_command("qom-list-types", qmp_qom_list_types);
    qmp_register_command("qom-list", qmp_qom_list);
    qmp_register_command("qom-get", qmp_qom_get);
    qmp_register_command("qom-set", qmp_qom_set);
    qmp_register_command("qom-list-properties", qmp_qom_list_properties);
    qmp_register_command("device-list-properties",
                         qmp_device_list_properties);
}
