/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * object-add / object-del over QMP and object_add / object_del over HMP,
 * with QEMU 7.2's argument shapes (qom/object_interfaces.c does the work).
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "monitor/monitor.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"

/*
 * object-add {"qom-type": T, "id": ID, PROP: VALUE...}: the properties
 * are flat members, as QEMU 7.2 takes them; values may be strings,
 * integers or booleans.
 */
static void qmp_object_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(GPtrArray) props = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GList) members = NULL;
    const char *type, *id;

    if (!qmp_arg_str(args, "qom-type", &type, errp) ||
        !qmp_arg_str(args, "id", &id, errp)) {
        return;
    }
    members = json_object_get_members(args);
    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *node = json_object_get_member(args, name);
        char *value;

        if (!strcmp(name, "qom-type") || !strcmp(name, "id")) {
            continue;
        }
        value = qmp_node_option_text(node, name, errp);
        if (!value) {
            return;
        }
        g_ptr_array_add(props, g_strdup(name));
        g_ptr_array_add(props, value);
    }
    /* The reply is "{}": *@ret stays NULL. */
    user_creatable_add_type(type, id, props, errp);
}

/* object-del {"id": ID} */
static void qmp_object_del(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "id", NULL };
    const char *id;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "id", &id, errp)) {
        return;
    }
    user_creatable_del(id, errp);
}

static char *hmp_object_arg(Monitor *mon, const char *name,
                            const char *what, const char *args)
{
    const char *p = args;
    Error *err = NULL;
    g_autofree char *arg = hmp_get_str(&p, &err);

    if (!arg) {
        hmp_handle_error(mon, err);
        return NULL;
    }
    if (!*arg) {
        monitor_printf(mon, "%s: %s is required\n", name, what);
        return NULL;
    }
    if (!hmp_check_end(mon, name, p)) {
        return NULL;
    }
    return g_steal_pointer(&arg);
}

/* object_add TYPE,id=ID[,prop=value...] (as -object); help as -object. */
static void hmp_object_add(Monitor *mon, const char *args)
{
    g_autofree char *opts = hmp_object_arg(mon, "object_add",
                                           "[qom-type=]type,id=str[,prop=value]"
                                           "[,...]", args);
    g_autoptr(GString) out = g_string_new(NULL);
    Error *err = NULL;
    int help;

    if (!opts) {
        return;
    }
    help = user_creatable_help(opts, out, &err);
    if (help > 0) {
        monitor_puts(mon, out->str);
        return;
    }
    if (help == 0) {
        user_creatable_add_from_str(opts, &err);
    }
    if (err) {
        hmp_handle_error(mon, err);
    }
}

static void hmp_object_del(Monitor *mon, const char *args)
{
    g_autofree char *id = hmp_object_arg(mon, "object_del", "id", args);
    Error *err = NULL;

    if (id && !user_creatable_del(id, &err)) {
        hmp_handle_error(mon, err);
    }
}

void monitor_object_cmds_init(void)
{
    qmp_register_command("object-add", qmp_object_add);
    qmp_register_command("object-del", qmp_object_del);
    hmp_register_command("object_add", "[qom-type=]type,id=str[,prop=value]"
                         "[,...]", "create a user-creatable object (as "
                         "-object); 'object_add help' lists the types",
                         hmp_object_add);
    hmp_register_command("object_del", "id", "destroy a user-creatable object",
                         hmp_object_del);
}
