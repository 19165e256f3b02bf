/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitor commands over other components: device_add / device_del with the
 * DEVICE_DELETED event, info mtree, info qtree, info qom-tree.  QMP holds
 * the implementation; HMP commands are text wrappers over it.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "qom/object.h"
#include "hw/qdev-core.h"
#include "exec/memory.h"
#include "monitor/monitor.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "trace.h"

/* Append ",name=value" with QEMU's option quoting (',' doubled). */
static void opts_append(GString *opts, const char *name, const char *value)
{
    g_string_append_printf(opts, ",%s=", name);
    for (const char *p = value; *p; p++) {
        if (*p == ',') {
            g_string_append_c(opts, ',');
        }
        g_string_append_c(opts, *p);
    }
}

/*
 * device_add {"driver": T, "id": X, "bus": B, PROP: VALUE...}: the same
 * path as -device.  Property values may be strings, integers or booleans.
 */
static void qmp_device_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(GString) opts = g_string_new(NULL);
    g_autoptr(GList) members = NULL;
    const char *driver;

    if (!qmp_arg_str(args, "driver", &driver, errp)) {
        return;
    }
    /* The driver heads the option string: it cannot carry options itself. */
    if (!*driver || strpbrk(driver, ",=")) {
        error_setg(errp, "Parameter 'driver' expects a device type name");
        return;
    }
    g_string_append(opts, driver);
    members = json_object_get_members(args);
    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *node = json_object_get_member(args, name);
        g_autofree char *value = NULL;

        if (!strcmp(name, "driver")) {
            continue;
        }
        value = qmp_node_option_text(node, name, errp);
        if (!value) {
            return;
        }
        opts_append(opts, name, value);
    }
    trace_qmp_device_add(opts->str);
    /* The reply is "{}": *@ret stays NULL (see QmpCommandFunc). */
    qdev_device_add_from_str(opts->str, errp);
}

static bool device_del(const char *id, Error **errp)
{
    DeviceState *dev = qdev_find_by_id(id);

    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return false;
    }
    trace_qmp_device_del(id);
    return qdev_unplug(dev, errp);
}

/* device_del {"id": X}: ask for the unplug; DEVICE_DELETED says when done. */
static void qmp_device_del(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const known[] = { "id", NULL };
    const char *id;

    if (!qmp_args_check(args, known, errp) ||
        !qmp_arg_str(args, "id", &id, errp)) {
        return;
    }
    /* The reply is "{}": *@ret stays NULL (see QmpCommandFunc). */
    device_del(id, errp);
}

static void device_deleted(DeviceState *dev, const char *path)
{
    JsonObject *data = json_object_new();

    if (dev->id) {
        json_object_set_string_member(data, "device", dev->id);
    }
    json_object_set_string_member(data, "path", path);
    qapi_event_send("DEVICE_DELETED", data);
}

/*
 * The one argument of device_add / device_del: a word or a quoted string,
 * and nothing after it.  NULL (message printed) on error.
 */
static char *hmp_one_arg(Monitor *mon, const char *name, const char *args)
{
    const char *p = args;
    Error *err = NULL;
    g_autofree char *arg = hmp_get_str(&p, &err);

    if (!arg) {
        hmp_handle_error(mon, err);
        return NULL;
    }
    if (!*arg) {
        monitor_printf(mon, "%s: %s is required\n", name,
                       !strcmp(name, "device_add") ?
                       "driver[,prop=value][,...]" : "id");
        return NULL;
    }
    if (!hmp_check_end(mon, name, p)) {
        return NULL;
    }
    return g_steal_pointer(&arg);
}

/*
 * device_add DRIVER[,prop=value...] (as -device); "device_add help" lists
 * the device types, "device_add DRIVER,help" the properties of one.
 */
static void hmp_device_add(Monitor *mon, const char *args)
{
    g_autofree char *opts = hmp_one_arg(mon, "device_add", args);
    g_autoptr(GString) out = g_string_new(NULL);
    Error *err = NULL;

    if (!opts) {
        return;
    }
    if (!strcmp(opts, "help") || !strcmp(opts, "?")) {
        qdev_device_list(out);
        monitor_puts(mon, out->str);
        return;
    }
    if (g_str_has_suffix(opts, ",help") || g_str_has_suffix(opts, ",?")) {
        g_autofree char *type = g_strndup(opts, strcspn(opts, ","));

        if (!qdev_device_help(type, out, &err)) {
            hmp_handle_error(mon, err);
            return;
        }
        monitor_puts(mon, out->str);
        return;
    }
    if (!qdev_device_add_from_str(opts, &err)) {
        hmp_handle_error(mon, err);
    }
}

static void hmp_device_del(Monitor *mon, const char *args)
{
    g_autofree char *id = hmp_one_arg(mon, "device_del", args);
    Error *err = NULL;

    if (id && !device_del(id, &err)) {
        hmp_handle_error(mon, err);
    }
}

static void hmp_info_mtree(Monitor *mon, const char *args)
{
    g_autoptr(GString) out = g_string_new(NULL);
    bool flatview = args && !strcmp(args, "-f");

    if (*args && !flatview) {
        if (args[0] == '-') {
            monitor_printf(mon, "mtree: unsupported option %.2s\n", args);
        } else {
            monitor_printf(mon, "mtree: extraneous characters at the end of "
                           "line\n");
        }
        return;
    }
    mtree_info(out, flatview);
    monitor_puts(mon, out->str);
}

static void hmp_info_qtree(Monitor *mon, const char *args)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qdev_print_tree(out);
    monitor_puts(mon, out->str);
}

static void hmp_info_qom_tree(Monitor *mon, const char *args)
{
    g_autoptr(GString) out = g_string_new(NULL);

    object_print_tree(out);
    monitor_puts(mon, out->str);
}

void monitor_qdev_cmds_init(void)
{
    qmp_register_command("device_add", qmp_device_add);
    qmp_register_command("device_del", qmp_device_del);
    hmp_register_command("device_add", "driver[,prop=value][,...]",
                         "add a device (as -device); 'device_add help' lists "
                         "the types, 'device_add DRIVER,help' the properties",
                         hmp_device_add);
    hmp_register_command("device_del", "id", "remove a device",
                         hmp_device_del);
    hmp_register_info("mtree", "[-f]",
                      "show the memory tree (-f: flat views)", hmp_info_mtree);
    hmp_register_info("qtree", "", "show the device tree", hmp_info_qtree);
    hmp_register_info("qom-tree", "", "show the QOM composition tree",
                      hmp_info_qom_tree);
    qdev_set_device_deleted_notifier(device_deleted);
}
