/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user-creatable interface and -object / object-add / object-del. */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "trace.h"

bool user_creatable_complete(UserCreatable *uc, Error **errp)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    return !ucc->complete || ucc->complete(uc, errp);
}

bool user_creatable_can_be_deleted(UserCreatable *uc)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    return !ucc->can_be_deleted || ucc->can_be_deleted(uc);
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "objects");
}

/* The class of a type object-add may create, or NULL with QEMU's error. */
static ObjectClass *user_creatable_class(const char *type, Error **errp)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_OBJECT)) {
        error_setg(errp, "invalid object type: %s", type);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_USER_CREATABLE)) {
        error_setg(errp, "object type '%s' isn't supported by object-add",
                   type);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "object type '%s' is abstract", type);
        return NULL;
    }
    return oc;
}

Object *user_creatable_add_type(const char *type, const char *id,
                                GPtrArray *props, Error **errp)
{
    Object *parent, *obj;
    ObjectClass *oc;

    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }
    oc = user_creatable_class(type, errp);
    if (!oc) {
        return NULL;
    }
    obj = object_new_with_class(oc);
    for (guint i = 0; props && i < props->len; i += 2) {
        const char *key = props->pdata[i];
        const char *val = props->pdata[i + 1];

        if (!val) {
            error_setg(errp, "Expected '=' after parameter '%s'", key);
            goto fail;
        }
        if (!object_property_parse(obj, key, val, errp)) {
            goto fail;
        }
    }
    parent = object_get_objects_root();
    if (!object_property_try_add_child(parent, id, obj, errp)) {
        goto fail;
    }
    if (!user_creatable_complete(USER_CREATABLE(obj), errp)) {
        object_unparent(obj);
        goto fail;
    }
    trace_user_creatable_add(type, id);
    object_unref(obj);              /* /objects holds it now */
    return obj;

fail:
    object_unref(obj);
    return NULL;
}

Object *user_creatable_add_from_str(const char *opts, Error **errp)
{
    g_autoptr(GPtrArray) kv = qemu_opts_split(opts);
    g_autoptr(GPtrArray) props = g_ptr_array_new();
    const char *type = NULL, *id = NULL;

    for (guint i = 0; i < kv->len; i += 2) {
        const char *key = kv->pdata[i];
        const char *val = kv->pdata[i + 1];

        if (i == 0 && !val) {
            type = key;             /* the leading TYPE word */
        } else if (!strcmp(key, "qom-type") && val) {
            type = val;
        } else if (!strcmp(key, "id") && val) {
            id = val;
        } else if (*key || val) {
            g_ptr_array_add(props, (gpointer)key);
            g_ptr_array_add(props, (gpointer)val);
        }
    }
    if (!type || !*type) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    return user_creatable_add_type(type, id, props, errp);
}

static int help_line_one(Object *obj, ObjectProperty *prop, void *opaque)
{
    GString *line;

    if (!prop->set) {
        return 0;
    }
    line = g_string_new(NULL);
    g_string_append_printf(line, "  %s=<%s>", prop->name, prop->type);
    if (prop->description || prop->defval) {
        if (line->len < 24) {
            g_string_append_printf(line, "%*s", 24 - (int)line->len, "");
        }
        g_string_append(line, " - ");
    }
    if (prop->description) {
        g_string_append(line, prop->description);
    }
    if (prop->defval) {
        g_string_append_printf(line, " (default: %s)", prop->defval);
    }
    g_ptr_array_add(opaque, g_string_free(line, false));
    return 0;
}

static gint str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int user_creatable_help(const char *opts, GString *out, Error **errp)
{
    g_autoptr(GPtrArray) lines = NULL;
    g_autofree char *type = NULL;
    ObjectClass *oc;
    Object *obj;

    if (!strcmp(opts, "help") || !strcmp(opts, "?")) {
        GSList *list = object_class_get_list(TYPE_USER_CREATABLE, false);

        g_string_append(out, "List of user creatable objects:\n");
        for (GSList *l = list; l; l = l->next) {
            g_string_append_printf(out, "  %s\n",
                                   object_class_get_name(l->data));
        }
        g_slist_free(list);
        return 1;
    }
    if (!g_str_has_suffix(opts, ",help") && !g_str_has_suffix(opts, ",?")) {
        return 0;
    }
    type = g_strndup(opts, strcspn(opts, ","));
    oc = user_creatable_class(type, errp);
    if (!oc) {
        return -1;
    }
    /* Properties are added per instance: ask a throw-away one. */
    lines = g_ptr_array_new_with_free_func(g_free);
    obj = object_new_with_class(oc);
    object_property_foreach(obj, help_line_one, lines);
    object_unref(obj);
    if (!lines->len) {
        g_string_append_printf(out, "There are no options for %s.\n", type);
        return 1;
    }
    g_ptr_array_sort(lines, str_cmp);
    g_string_append_printf(out, "%s options:\n", type);
    for (guint i = 0; i < lines->len; i++) {
        g_string_append_printf(out, "%s\n", (char *)lines->pdata[i]);
    }
    return 1;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *root = object_resolve_path_component(object_get_root(),
                                                 "objects");
    Object *obj = root ? object_resolve_path_component(root, id) : NULL;

    if (!obj || !object_dynamic_cast(obj, TYPE_USER_CREATABLE)) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (!user_creatable_can_be_deleted(USER_CREATABLE(obj))) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    trace_user_creatable_del(id);
    object_unparent(obj);
    return true;
}

void user_creatable_cleanup(void)
{
    Object *root = object_resolve_path_component(object_get_root(),
                                                 "objects");

    if (root) {
        object_unparent(root);
    }
}

static const TypeInfo user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(UserCreatableClass),
};

static void register_user_creatable(void)
{
    type_register_static(&user_creatable_info);
}

type_init(register_user_creatable)
