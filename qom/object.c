/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The object model: type registry, classes, instances, properties, tree. */

#include "qemu/osdep.h"
#include "qom/object.h"
#include "trace.h"

struct TypeImpl {
    const TypeInfo *info;
    Type parent_type;           /* resolved on class initialisation */
    size_t instance_size;
    size_t class_size;
    ObjectClass *class;         /* built lazily by type_initialize() */
};

/* Every registered type, by name.  Lives until exit. */
static GHashTable *type_table;

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

Type type_register_static(const TypeInfo *info)
{
    Type ti;

    g_assert(info->name);
    if (g_hash_table_contains(type_table_get(), info->name)) {
        fprintf(stderr, "Registering '%s' which already exists\n", info->name);
        abort();
    }
    ti = g_new0(struct TypeImpl, 1);
    ti->info = info;
    g_hash_table_insert(type_table, (gpointer)info->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int n)
{
    for (int i = 0; i < n; i++) {
        type_register_static(&infos[i]);
    }
}

static Type type_get_by_name(const char *name)
{
    return name ? g_hash_table_lookup(type_table_get(), name) : NULL;
}

static Type type_get_parent(Type ti)
{
    if (!ti->info->parent) {
        return NULL;
    }
    if (!ti->parent_type) {
        ti->parent_type = type_get_by_name(ti->info->parent);
        if (!ti->parent_type) {
            fprintf(stderr, "Type '%s' has unknown parent '%s'\n",
                    ti->info->name, ti->info->parent);
            abort();
        }
    }
    return ti->parent_type;
}

static bool type_is_ancestor(Type ti, Type target)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti == target) {
            return true;
        }
    }
    return false;
}

static void type_initialize(Type ti);

static bool type_is_interface(Type ti)
{
    return type_is_ancestor(ti, type_get_by_name(TYPE_INTERFACE));
}

/*
 * Give class @ti->class its own copy of interface @iface: a copy of the
 * parent class's implementation when it has one (so inherited methods
 * stay), else of the bare interface class.
 */
static void type_add_interface(Type ti, Type iface, InterfaceClass *inherited)
{
    InterfaceClass *ic;
    ObjectClass *tmpl;

    type_initialize(iface);
    tmpl = inherited ? OBJECT_CLASS(inherited) : iface->class;
    ic = g_malloc0(iface->class_size);
    memcpy(ic, tmpl, iface->class_size);
    OBJECT_CLASS(ic)->type = iface;
    OBJECT_CLASS(ic)->interfaces = NULL;
    ic->concrete_class = ti->class;
    ti->class->interfaces = g_slist_append(ti->class->interfaces, ic);
}

static bool class_has_interface(ObjectClass *oc, Type iface)
{
    for (GSList *l = oc->interfaces; l; l = l->next) {
        if (type_is_ancestor(OBJECT_CLASS(l->data)->type, iface)) {
            return true;
        }
    }
    return false;
}

static void type_initialize(Type ti)
{
    Type parent;

    if (ti->class) {
        return;
    }
    parent = type_get_parent(ti);
    if (parent) {
        type_initialize(parent);
    }
    ti->class_size = ti->info->class_size ? ti->info->class_size :
                     parent ? parent->class_size : sizeof(ObjectClass);
    ti->instance_size = ti->info->instance_size ? ti->info->instance_size :
                        parent ? parent->instance_size : sizeof(Object);
    g_assert(!parent || ti->class_size >= parent->class_size);
    g_assert(!parent || ti->instance_size >= parent->instance_size);

    ti->class = g_malloc0(ti->class_size);
    if (parent) {
        memcpy(ti->class, parent->class, parent->class_size);
        ti->class->interfaces = NULL;
        for (GSList *l = parent->class->interfaces; l; l = l->next) {
            InterfaceClass *ic = l->data;

            type_add_interface(ti, OBJECT_CLASS(ic)->type, ic);
        }
    }
    ti->class->type = ti;
    for (const InterfaceInfo *ii = ti->info->interfaces; ii && ii->type; ii++) {
        Type iface = type_get_by_name(ii->type);

        if (!iface) {
            fprintf(stderr, "Type '%s' implements unknown interface '%s'\n",
                    ti->info->name, ii->type);
            abort();
        }
        if (!class_has_interface(ti->class, iface)) {
            type_add_interface(ti, iface, NULL);
        }
    }
    if (ti->info->class_init) {
        ti->info->class_init(ti->class, ti->info->class_data);
    }
}

/* ---- classes ---- */

ObjectClass *object_class_by_name(const char *typename)
{
    Type ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->class;
}

const char *object_class_get_name(ObjectClass *oc)
{
    return oc->type->info->name;
}

ObjectClass *object_class_get_parent(ObjectClass *oc)
{
    Type parent = type_get_parent(oc->type);

    if (!parent) {
        return NULL;
    }
    type_initialize(parent);
    return parent->class;
}

/* Interfaces count as abstract: they are never instantiated. */
bool object_class_is_abstract(ObjectClass *oc)
{
    return oc->type->info->abstract || type_is_interface(oc->type);
}

ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename)
{
    Type target;

    if (!oc) {
        return NULL;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    if (type_is_ancestor(oc->type, target)) {
        return oc;
    }
    for (GSList *l = oc->interfaces; l; l = l->next) {
        ObjectClass *ic = l->data;

        if (type_is_ancestor(ic->type, target)) {
            return ic;
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func)
{
    ObjectClass *ret = object_class_dynamic_cast(oc, typename);

    if (!ret && oc) {
        fprintf(stderr, "%s:%d:%s: Object class %p is not an instance of "
                "type %s (it is %s)\n", file, line, func, (void *)oc,
                typename, object_class_get_name(oc));
        abort();
    }
    return ret;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract)
{
    GHashTableIter iter;
    gpointer value;
    GSList *list = NULL;

    g_hash_table_iter_init(&iter, type_table_get());
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Type ti = value;

        type_initialize(ti);
        if (!include_abstract && object_class_is_abstract(ti->class)) {
            continue;
        }
        if (implements_type &&
            !object_class_dynamic_cast(ti->class, implements_type)) {
            continue;
        }
        list = g_slist_prepend(list, ti->class);
    }
    return g_slist_sort(list, class_name_cmp);
}

/* ---- instances ---- */

static void object_init_with_type(Object *obj, Type ti)
{
    Type parent = type_get_parent(ti);

    if (parent) {
        object_init_with_type(obj, parent);
    }
    if (ti->info->instance_init) {
        ti->info->instance_init(obj);
    }
}

static void object_init_in_place(Object *obj, ObjectClass *oc)
{
    Type ti = oc->type;

    if (ti->info->abstract) {
        fprintf(stderr, "cannot instantiate abstract type '%s'\n",
                ti->info->name);
        abort();
    }
    g_assert(!type_is_interface(ti));
    obj->class = oc;
    obj->ref = 1;
    obj->properties = g_hash_table_new(g_str_hash, g_str_equal);
    g_queue_init(&obj->property_order);
    object_init_with_type(obj, ti);
}

Object *object_new_with_class(ObjectClass *oc)
{
    Object *obj = g_malloc0(oc->type->instance_size);

    object_init_in_place(obj, oc);
    return obj;
}

void object_initialize(void *data, size_t size, const char *typename)
{
    ObjectClass *oc = object_class_by_name(typename);
    Object *obj = data;

    if (!oc) {
        fprintf(stderr, "unknown type '%s'\n", typename);
        abort();
    }
    g_assert(size >= oc->type->instance_size);
    memset(data, 0, size);
    obj->embedded = true;
    object_init_in_place(obj, oc);
}

void object_initialize_child(Object *parent, const char *name, void *child,
                             size_t size, const char *typename)
{
    object_initialize(child, size, typename);
    object_property_add_child(parent, name, child);
    object_unref(child);
}

Object *object_new(const char *typename)
{
    ObjectClass *oc = object_class_by_name(typename);

    if (!oc) {
        fprintf(stderr, "unknown type '%s'\n", typename);
        abort();
    }
    return object_new_with_class(oc);
}

Object *object_new_checked(const char *typename, Error **errp)
{
    ObjectClass *oc = object_class_by_name(typename);

    if (!oc || type_is_interface(oc->type)) {
        error_setg(errp, "Invalid object type '%s'", typename);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Object type '%s' is abstract", typename);
        return NULL;
    }
    return object_new_with_class(oc);
}

static void object_property_del_all(Object *obj)
{
    ObjectProperty *prop;

    /* Newest first: a property may depend on an older one. */
    while ((prop = g_queue_peek_tail(&obj->property_order))) {
        object_property_del(obj, prop->name);
    }
}

static void object_finalize(Object *obj)
{
    g_assert(!obj->parent);
    object_property_del_all(obj);
    for (Type ti = obj->class->type; ti; ti = type_get_parent(ti)) {
        if (ti->info->instance_finalize) {
            ti->info->instance_finalize(obj);
        }
    }
    g_hash_table_destroy(obj->properties);
    if (!obj->embedded) {
        g_free(obj);
    }
}

Object *object_ref(void *opaque)
{
    Object *obj = opaque;

    if (obj) {
        g_assert(obj->ref > 0);
        obj->ref++;
    }
    return obj;
}

void object_unref(void *opaque)
{
    Object *obj = opaque;

    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (--obj->ref == 0) {
        object_finalize(obj);
    }
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(Object *obj)
{
    return object_class_get_name(obj->class);
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->class, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d:%s: Object %p is not an instance of type %s "
                "(it is %s)\n", file, line, func, (void *)obj, typename,
                object_get_typename(obj));
        abort();
    }
    return obj;
}

/* ---- properties ---- */

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop;

    if (g_hash_table_contains(obj->properties, name)) {
        fprintf(stderr, "attempt to add duplicate property '%s' to object "
                "(type '%s')\n", name, object_get_typename(obj));
        abort();
    }
    prop = g_new0(ObjectProperty, 1);
    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    g_hash_table_insert(obj->properties, prop->name, prop);
    g_queue_push_tail(&obj->property_order, prop);
    prop->link = obj->property_order.tail;
    return prop;
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    if (prop->release) {
        prop->release(obj, prop);
    }
    g_hash_table_remove(obj->properties, prop->name);
    g_queue_delete_link(&obj->property_order, prop->link);
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop->defval);
    g_free(prop);
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    return g_hash_table_lookup(obj->properties, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

int object_property_foreach(Object *obj,
                            int (*fn)(Object *obj, ObjectProperty *prop,
                                      void *opaque),
                            void *opaque)
{
    for (GList *l = obj->property_order.head; l;) {
        GList *next = l->next;  /* @fn may delete the current property */
        int ret = fn(obj, l->data, opaque);

        if (ret) {
            return ret;
        }
        l = next;
    }
    return 0;
}

bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    if (!prop->set(obj, prop, value, errp)) {
        return false;
    }
    trace_object_property_parse(object_get_typename(obj), name, value);
    return true;
}

char *object_property_print(Object *obj, const char *name)
{
    ObjectProperty *prop = object_property_find(obj, name);

    return prop && prop->get ? prop->get(obj, prop, true) : NULL;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->get(obj, prop, false);
}

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp)
{
    return object_property_parse(obj, name, value, errp);
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    return object_property_parse(obj, name, value ? "on" : "off", errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64, value);
    return object_property_parse(obj, name, buf, errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRId64, value);
    return object_property_parse(obj, name, buf, errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    g_autofree char *str = object_property_get_str(obj, name, errp);

    return str && (!strcmp(str, "on") || !strcmp(str, "true"));
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    g_autofree char *str = object_property_get_str(obj, name, errp);
    char *end;
    uint64_t val;

    if (!str) {
        return 0;
    }
    val = g_ascii_strtoull(str, &end, 0);
    if (!*str || *end) {
        error_setg(errp, "Property '%s.%s' is not an unsigned number",
                   object_get_typename(obj), name);
        return 0;
    }
    return val;
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    g_autofree char *str = object_property_get_str(obj, name, errp);
    char *end;
    int64_t val;

    if (!str) {
        return 0;
    }
    val = g_ascii_strtoll(str, &end, 0);
    if (!*str || *end) {
        error_setg(errp, "Property '%s.%s' is not a number",
                   object_get_typename(obj), name);
        return 0;
    }
    return val;
}

static bool prop_is_child(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "child<");
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->resolve) {
        error_setg(errp, "Property '%s.%s' is not a link",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->resolve(obj, prop);
}

bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp)
{
    g_autofree char *path = NULL;

    if (target) {
        path = object_get_canonical_path(target);
        if (!path) {
            error_setg(errp, "Object (type '%s') for link '%s' is not in the "
                       "tree", object_get_typename(target), name);
            return false;
        }
    }
    return object_property_parse(obj, name, path ? path : "", errp);
}

GPtrArray *qemu_opts_split(const char *str)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *p = str;

    while (*p) {
        GString *key = g_string_new(NULL);
        GString *val = NULL;

        /* key: up to '=' or ','; value: up to a single ',' (",," escapes) */
        while (*p && *p != '=' && *p != ',') {
            g_string_append_c(key, *p++);
        }
        if (*p == '=') {
            p++;
            val = g_string_new(NULL);
            while (*p) {
                if (*p == ',' && p[1] == ',') {
                    g_string_append_c(val, ',');
                    p += 2;
                } else if (*p == ',') {
                    break;
                } else {
                    g_string_append_c(val, *p++);
                }
            }
        }
        if (*p == ',') {
            p++;
        }
        g_ptr_array_add(out, g_string_free(key, false));
        g_ptr_array_add(out, val ? g_string_free(val, false) : NULL);
    }
    return out;
}

bool object_set_props_from_str(Object *obj, const char *props, Error **errp)
{
    g_autoptr(GPtrArray) kv = qemu_opts_split(props);

    for (guint i = 0; i < kv->len; i += 2) {
        const char *key = kv->pdata[i];
        const char *val = kv->pdata[i + 1];

        if (!*key) {
            continue;           /* tolerate "a=b,,"-style empty items */
        }
        if (!val) {
            error_setg(errp, "Property '%s.%s' needs a value ('%s=...')",
                       object_get_typename(obj), key, key);
            return false;
        }
        if (!object_property_parse(obj, key, val, errp)) {
            return false;
        }
    }
    return true;
}

/* ---- the tree ---- */

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
};

Object *container_new(void)
{
    return object_new(TYPE_CONTAINER);
}

static Object *root;

Object *object_get_root(void)
{
    if (!root) {
        root = container_new();
    }
    return root;
}

Object *container_get(Object *parent, const char *name)
{
    Object *child = object_resolve_path_component(parent, name);

    if (!child) {
        child = container_new();
        object_property_add_child(parent, name, child);
        object_unref(child);
    }
    return child;
}

static char *child_get(Object *obj, ObjectProperty *prop, bool human)
{
    g_autofree char *path = object_get_canonical_path(prop->opaque);

    return human ? g_strdup_printf("\"%s\"", path) : g_steal_pointer(&path);
}

static Object *child_resolve(Object *obj, ObjectProperty *prop)
{
    return prop->opaque;
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->class->unparent) {
        child->class->unparent(child);
    }
    child->parent = NULL;
    child->parent_name = NULL;
    object_unref(child);
}

ObjectProperty *object_property_try_add_child(Object *parent,
                                              const char *name,
                                              Object *child, Error **errp)
{
    g_autofree char *type = NULL;
    g_autofree char *picked = NULL;
    ObjectProperty *prop;

    if (child->parent) {
        error_setg(errp, "Object (type '%s') already has a parent",
                   object_get_typename(child));
        return NULL;
    }
    if (g_str_has_suffix(name, "[*]")) {
        g_autofree char *base = g_strndup(name, strlen(name) - 3);

        for (unsigned i = 0;; i++) {
            g_free(picked);
            picked = g_strdup_printf("%s[%u]", base, i);
            if (!object_property_find(parent, picked)) {
                break;
            }
        }
        name = picked;
    } else if (object_property_find(parent, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(parent));
        return NULL;
    }
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_add(parent, name, type, child_get, NULL,
                               child_release, child);
    prop->resolve = child_resolve;
    object_ref(child);
    child->parent = parent;
    child->parent_name = prop->name;
    return prop;
}

ObjectProperty *object_property_add_child(Object *parent, const char *name,
                                          Object *child)
{
    return object_property_try_add_child(parent, name, child, &error_abort);
}

void object_unparent(Object *obj)
{
    if (obj->parent) {
        object_property_del(obj->parent, obj->parent_name);
    }
}

typedef struct ChildIter {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
    bool recursive;
} ChildIter;

static int child_iter_one(Object *obj, ObjectProperty *prop, void *opaque)
{
    ChildIter *it = opaque;
    int ret;

    if (!prop_is_child(prop)) {
        return 0;
    }
    ret = it->fn(prop->opaque, it->opaque);
    if (!ret && it->recursive) {
        ret = object_property_foreach(prop->opaque, child_iter_one, it);
    }
    return ret;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    ChildIter it = { .fn = fn, .opaque = opaque, .recursive = false };

    return object_property_foreach(obj, child_iter_one, &it);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    ChildIter it = { .fn = fn, .opaque = opaque, .recursive = true };

    return object_property_foreach(obj, child_iter_one, &it);
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    return prop && prop->resolve ? prop->resolve(parent, prop) : NULL;
}

Object *object_resolve_path(const char *path)
{
    g_auto(GStrv) parts = NULL;
    Object *obj = object_get_root();

    if (!path || path[0] != '/') {
        return NULL;
    }
    parts = g_strsplit(path + 1, "/", 0);
    for (int i = 0; parts[i] && obj; i++) {
        if (!*parts[i]) {
            continue;           /* "/" itself, or a doubled slash */
        }
        obj = object_resolve_path_component(obj, parts[i]);
    }
    return obj;
}

Object *object_resolve_path_type(const char *path, const char *typename)
{
    return object_dynamic_cast(object_resolve_path(path), typename);
}

const char *object_get_canonical_path_component(Object *obj)
{
    return obj->parent_name;
}

char *object_get_canonical_path(Object *obj)
{
    GString *path;
    GPtrArray *names;

    if (obj == root) {
        return g_strdup("/");
    }
    names = g_ptr_array_new();
    for (; obj->parent; obj = obj->parent) {
        g_ptr_array_add(names, (gpointer)obj->parent_name);
    }
    if (obj != root) {
        g_ptr_array_free(names, true);
        return NULL;
    }
    path = g_string_new(NULL);
    for (guint i = names->len; i > 0; i--) {
        g_string_append_printf(path, "/%s",
                               (const char *)g_ptr_array_index(names, i - 1));
    }
    g_ptr_array_free(names, true);
    return g_string_free(path, false);
}

static int collect_child(Object *child, void *opaque)
{
    g_ptr_array_add(opaque, child);
    return 0;
}

static gint child_name_cmp(gconstpointer a, gconstpointer b)
{
    const Object *x = *(Object *const *)a;
    const Object *y = *(Object *const *)b;

    return strcmp(x->parent_name, y->parent_name);
}

static void print_tree(GString *out, Object *obj, const char *name,
                       int indent)
{
    g_autoptr(GPtrArray) children = g_ptr_array_new();

    g_string_append_printf(out, "%*s/%s (%s)\n", indent, "", name,
                           object_get_typename(obj));
    object_child_foreach(obj, collect_child, children);
    g_ptr_array_sort(children, child_name_cmp);
    for (guint i = 0; i < children->len; i++) {
        Object *child = g_ptr_array_index(children, i);

        print_tree(out, child, child->parent_name, indent + 2);
    }
}

void object_print_tree(GString *out)
{
    Object *machine = object_resolve_path("/machine");

    if (machine) {
        print_tree(out, machine, "machine", 0);
    }
}

/* ---- base types ---- */

static const TypeInfo object_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
};

static const TypeInfo interface_info = {
    .name = TYPE_INTERFACE,
    .class_size = sizeof(InterfaceClass),
    .abstract = true,
};

static void register_base_types(void)
{
    type_register_static(&object_info);
    type_register_static(&interface_info);
    type_register_static(&container_info);
}

type_init(register_base_types)
