/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operator's side of qdev: -device/device_add, unplug, help, qtree. */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include "trace.h"

/* The class of a device type the operator may create now. */
static DeviceClass *qdev_get_device_class(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    DeviceClass *dc;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    return dc;
}

/* The bus named by "bus=" or the first one of the device's bus type. */
static BusState *qdev_pick_bus(DeviceClass *dc, const char *driver,
                               const char *busname, Error **errp)
{
    BusState *bus;

    if (busname) {
        bus = qbus_find(busname);
        if (!bus) {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Bus '%s' not found", busname);
            return NULL;
        }
        if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return NULL;
        }
        return bus;
    }
    if (!dc->bus_type) {
        return NULL;
    }
    bus = qbus_find_by_type(dc->bus_type);
    if (!bus) {
        error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
                   driver);
    }
    return bus;
}

static const char *opt_find(GPtrArray *kv, const char *key)
{
    for (guint i = 0; i < kv->len; i += 2) {
        if (!strcmp(kv->pdata[i], key)) {
            return kv->pdata[i + 1] ? kv->pdata[i + 1] : "on";
        }
    }
    return NULL;
}

DeviceState *qdev_device_add_from_str(const char *opts, Error **errp)
{
    g_autoptr(GPtrArray) kv = qemu_opts_split(opts);
    const char *driver, *id, *busname;
    guint first = 0;
    DeviceClass *dc;
    BusState *bus = NULL;
    Object *machine = qdev_get_machine();
    Object *container;
    DeviceState *dev;
    Error *err = NULL;

    /* "TYPE,..." or "driver=TYPE,..." */
    if (kv->len && !kv->pdata[1] && *(char *)kv->pdata[0]) {
        driver = kv->pdata[0];
        first = 2;
    } else {
        driver = opt_find(kv, "driver");
    }
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    id = opt_find(kv, "id");
    busname = opt_find(kv, "bus");
    if (!machine) {
        error_setg(errp, "Cannot add device '%s' before the machine exists",
                   driver);
        return NULL;
    }

    dc = qdev_get_device_class(driver, errp);
    if (!dc) {
        return NULL;
    }
    bus = qdev_pick_bus(dc, driver, busname, errp);
    if (!bus && dc->bus_type) {
        return NULL;
    }
    if (qdev_hotplug && bus && !qbus_is_hotpluggable(bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging", bus->name);
        return NULL;
    }
    if (qdev_hotplug && !dc->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging", driver);
        return NULL;
    }
    if (id && !id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }
    if (id && qdev_find_by_id(id)) {
        error_setg(errp, "Duplicate device ID '%s'", id);
        return NULL;
    }

    dev = qdev_new(driver);
    if (id) {
        dev->id = g_strdup(id);
        container = container_get(machine, "peripheral");
        object_property_add_child(container, id, OBJECT(dev));
    } else {
        container = container_get(machine, "peripheral-anon");
        object_property_add_child(container, "device[*]", OBJECT(dev));
    }
    for (guint i = first; i < kv->len; i += 2) {
        const char *key = kv->pdata[i];
        const char *val = kv->pdata[i + 1];

        /*
         * Only an empty word (a trailing comma) is skipped: an empty name
         * with a value is a property that does not exist, as in QEMU.
         */
        if ((!*key && !val) || !strcmp(key, "driver") || !strcmp(key, "id") ||
            !strcmp(key, "bus")) {
            continue;
        }
        if (!object_property_parse(OBJECT(dev), key, val ? val : "on",
                                   &err)) {
            goto fail;
        }
    }
    if (!qdev_realize(dev, bus, &err)) {
        goto fail;
    }
    trace_qdev_device_add(driver, id ? id : "", bus ? bus->name : "");
    object_unref(dev);          /* the container's child<> keeps it */
    return dev;

fail:
    object_unparent(OBJECT(dev));
    object_unref(dev);
    error_propagate(errp, err);
    return NULL;
}

bool qdev_unplug(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    const char *type = object_get_typename(OBJECT(dev));
    HotplugHandler *handler;
    Error *err = NULL;

    if (dev->parent_bus && !qbus_is_hotpluggable(dev->parent_bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return false;
    }
    handler = qdev_get_hotplug_handler(dev);
    if (!dc->hotpluggable || !handler) {
        error_setg(errp, "Device '%s' does not support hotplugging", type);
        return false;
    }
    if (hotplug_handler_has_unplug_request(handler)) {
        trace_qdev_unplug(type, dev->id ? dev->id : "", 1);
        hotplug_handler_unplug_request(handler, dev, &err);
    } else {
        trace_qdev_unplug(type, dev->id ? dev->id : "", 0);
        hotplug_handler_unplug(handler, dev, &err);
        if (!err) {
            object_unparent(OBJECT(dev));
        }
    }
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

/* ---- help ---- */

static gint str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One "  name=<type>   - desc (default: X)" line, QEMU's layout. */
static char *prop_help_line(const Property *prop)
{
    GString *line = g_string_new(NULL);
    g_autofree char *defval = NULL;

    if (prop->set_default && prop->info->default_json) {
        defval = prop->info->default_json(prop);
    }
    if (prop->info == &qdev_prop_link) {
        g_string_append_printf(line, "  %s=<link<%s>>", prop->name,
                               prop->link_type);
    } else {
        g_string_append_printf(line, "  %s=<%s>", prop->name,
                               prop->info->name);
    }
    if (prop->description || defval) {
        if (line->len < 24) {
            g_string_append_printf(line, "%*s", 24 - (int)line->len, "");
        }
        g_string_append(line, " - ");
    }
    if (prop->description) {
        g_string_append(line, prop->description);
    }
    if (defval) {
        g_string_append_printf(line, " (default: %s)", defval);
    }
    return g_string_free(line, false);
}

bool qdev_device_help(const char *type, GString *out, Error **errp)
{
    DeviceClass *dc = qdev_get_device_class(type, errp);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    if (!dc) {
        return false;
    }
    for (ObjectClass *oc = OBJECT_CLASS(dc);
         oc && object_class_dynamic_cast(oc, TYPE_DEVICE);
         oc = object_class_get_parent(oc)) {
        size_t n;
        const Property *props = device_class_own_props(oc, &n);

        for (size_t i = 0; i < n; i++) {
            g_ptr_array_add(lines, prop_help_line(&props[i]));
        }
    }
    if (!lines->len) {
        g_string_append_printf(out, "There are no options for %s.\n", type);
        return true;
    }
    g_ptr_array_sort(lines, str_cmp);
    g_string_append_printf(out, "%s options:\n", type);
    for (guint i = 0; i < lines->len; i++) {
        g_string_append_printf(out, "%s\n", (char *)lines->pdata[i]);
    }
    return true;
}

void qdev_device_list(GString *out)
{
    GSList *list = object_class_get_list(TYPE_DEVICE, false);

    for (GSList *l = list; l; l = l->next) {
        DeviceClass *dc = DEVICE_CLASS(l->data);

        if (!dc->user_creatable) {
            continue;
        }
        g_string_append_printf(out, "name \"%s\"",
                               object_class_get_name(l->data));
        if (dc->bus_type) {
            g_string_append_printf(out, ", bus %s", dc->bus_type);
        }
        if (dc->desc) {
            g_string_append_printf(out, ", desc \"%s\"", dc->desc);
        }
        g_string_append_c(out, '\n');
    }
    g_slist_free(list);
}

/* ---- info qtree ---- */

static void qbus_print(GString *out, BusState *bus, int indent);

static void qdev_print_props(GString *out, DeviceState *dev,
                             const Property *props, size_t n, int indent)
{
    for (const Property *p = props; p < props + n; p++) {
        g_autofree char *value = object_property_print(OBJECT(dev), p->name);

        if (value) {
            g_string_append_printf(out, "%*s%s = %s\n", indent, "", p->name,
                                   *value ? value : "<null>");
        }
    }
}

static void qdev_print(GString *out, DeviceState *dev, int indent)
{
    BusClass *bc;

    g_string_append_printf(out, "%*sdev: %s, id \"%s\"\n", indent, "",
                           object_get_typename(OBJECT(dev)),
                           dev->id ? dev->id : "");
    indent += 2;
    for (ObjectClass *oc = object_get_class(OBJECT(dev));
         oc && object_class_dynamic_cast(oc, TYPE_DEVICE);
         oc = object_class_get_parent(oc)) {
        size_t n;
        const Property *props = device_class_own_props(oc, &n);

        qdev_print_props(out, dev, props, n, indent);
    }
    bc = dev->parent_bus ? BUS_GET_CLASS(dev->parent_bus) : NULL;
    if (bc && bc->print_dev) {
        bc->print_dev(dev->parent_bus, dev, indent, out);
    }
    for (GList *b = dev->child_bus.head; b; b = b->next) {
        qbus_print(out, b->data, indent);
    }
}

static void qbus_print(GString *out, BusState *bus, int indent)
{
    g_string_append_printf(out, "%*sbus: %s\n", indent, "", bus->name);
    indent += 2;
    g_string_append_printf(out, "%*stype %s\n", indent, "",
                           object_get_typename(OBJECT(bus)));
    for (GList *d = bus->children.head; d; d = d->next) {
        qdev_print(out, d->data, indent);
    }
}

void qdev_print_tree(GString *out)
{
    qbus_print(out, sysbus_get_default(), 0);
}
