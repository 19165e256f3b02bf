/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up steps behind the command line: machine, devices, globals, help. */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "exec/memory.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "monitor/monitor.h"
#include "hw/pci/pci.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_iommu.h"
#include "hw/vfio/soft-host.h"
#include "accel/kvm.h"
#include "qom/object_interfaces.h"
#include "hw/vfio/vfio-monitor.h"
#include "migration/migration.h"

static MachineState *current_machine;

/* system_reset from the monitor, run by the main loop. */
static void system_reset_machine(void *opaque)
{
    JsonObject *data = json_object_new();

    machine_reset(opaque);
    json_object_set_boolean_member(data, "guest", false);
    json_object_set_string_member(data, "reason", "host-qmp-system-reset");
    qapi_event_send("RESET", data);
}

void system_device_help_and_exit(const char *opts)
{
    g_autoptr(GString) out = g_string_new(NULL);
    Error *err = NULL;

    if (!strcmp(opts, "help") || !strcmp(opts, "?")) {
        qdev_device_list(out);
    } else if (g_str_has_suffix(opts, ",help") || g_str_has_suffix(opts, ",?")) {
        g_autofree char *type = g_strndup(opts, strcspn(opts, ","));

        if (!qdev_device_help(type, out, &err)) {
            error_prepend(&err, "-device %s: ", opts);
            error_report_err(err);
            exit(1);
        }
    } else {
        return;
    }
    fputs(out->str, stdout);
    exit(0);
}

void system_machine_help_and_exit(const char *opts)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (!opts || (strcmp(opts, "help") && strcmp(opts, "?"))) {
        return;
    }
    machine_help(out);
    fputs(out->str, stdout);
    exit(0);
}

void system_object_help_and_exit(const char *opts)
{
    g_autoptr(GString) out = g_string_new(NULL);
    Error *err = NULL;
    int ret = user_creatable_help(opts, out, &err);

    if (ret < 0) {
        error_prepend(&err, "-object %s: ", opts);
        error_report_err(err);
        exit(1);
    }
    if (ret > 0) {
        fputs(out->str, stdout);
        exit(0);
    }
}

bool system_object_add(const char *opts, Error **errp)
{
    if (!user_creatable_add_from_str(opts, errp)) {
        error_prepend(errp, "-object %s: ", opts);
        return false;
    }
    return true;
}

bool system_add_global(const char *spec, Error **errp)
{
    return qdev_prop_register_global(spec, errp);
}

bool system_create_machine(const char *opts, uint64_t ram_size, Error **errp)
{
    size_t name_len = strcspn(opts, ",");
    g_autofree char *name = g_strndup(opts, name_len);
    MachineState *ms;

    ms = machine_create(name, errp);
    if (!ms) {
        error_prepend(errp, "-M %s: ", opts);
        return false;
    }
    if (opts[name_len] == ',' &&
        !object_set_props_from_str(OBJECT(ms), opts + name_len + 1, errp)) {
        error_prepend(errp, "-M %s: ", opts);
        machine_destroy(ms);
        return false;
    }
    if (ram_size) {
        ms->ram_size = ram_size;
    }
    machine_run_init(ms);
    current_machine = ms;
    qemu_register_system_reset(system_reset_machine, ms);
    return true;
}

bool system_device_add(const char *opts, Error **errp)
{
    if (!qdev_device_add_from_str(opts, errp)) {
        error_prepend(errp, "-device %s: ", opts);
        return false;
    }
    return true;
}

void system_monitor_init(void)
{
    monitor_qdev_cmds_init();
    monitor_qom_cmds_init();
    monitor_object_cmds_init();
    vfio_soft_host_monitor_init();
    pci_monitor_init();
    spapr_tce_monitor_init();
    spapr_fdt_monitor_init();
    vfio_monitor_init();
    migration_monitor_init();
}

bool system_machine_done(Error **errp)
{
    qdev_hotplug = true;
    machine_reset(current_machine);
    return true;
}

void system_cleanup(void)
{
    qtest_server_cleanup();
    monitor_cleanup();
    if (current_machine) {
        machine_destroy(current_machine);
        current_machine = NULL;
    }
    user_creatable_cleanup();
    qdev_prop_clear_globals();
    memory_map_cleanup();
    kvm_accel_cleanup();
    migration_cleanup();
}
