/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command line: every bad start-up option ends the process with exit status 1
 * and exactly one line on stderr; help requests exit 0; the pseries options
 * QEMU's own qtests pass are accepted.
 */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include "libqtest.h"

typedef struct Run {
    int status;
    char *out;
    char *err;
} Run;

static void run_binary(const char *args, Run *r)
{
    r->status = qtest_run_binary(args, &r->out, &r->err);
}

static void run_free(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Exit 1 with exactly @line (plus newline) on stderr. */
static void expect_error(const char *args, const char *line)
{
    g_autofree char *want = g_strdup_printf("%s\n", line);
    Run r;

    run_binary(args, &r);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_cmpstr(r.err, ==, want);
    run_free(&r);
}

/* Exit 1 with one stderr line that starts with @prefix. */
static void expect_error_prefix(const char *args, const char *prefix)
{
    Run r;

    run_binary(args, &r);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_true(g_str_has_prefix(r.err, prefix));
    g_assert_nonnull(strchr(r.err, '\n'));
    g_assert_cmpstr(strchr(r.err, '\n'), ==, "\n");
    run_free(&r);
}

static void test_bad_options(void)
{
    expect_error("-foo", "spapr-iommu: -foo: invalid option");
    expect_error("-m", "spapr-iommu: -m: requires an argument");
    expect_error("pseries", "spapr-iommu: pseries: invalid argument (expected an option)");
    expect_error("-m 0", "spapr-iommu: -m 0: memory size must be greater than 0");
    expect_error("-m 1Q", "spapr-iommu: -m 1Q: invalid memory size");
    expect_error("-m 100M", "spapr-iommu: -m: RAM size 0x6400000 is not a multiple "
                 "of the 256 MiB memory block size");
    /* RAM may not reach the PHBs' PCI windows at 32 TiB. */
    expect_error("-m 33T", "spapr-iommu: -m: RAM size 0x210000000000 is too "
                 "large: RAM must end below the PCI windows at 0x200000000000 "
                 "(max 32 TiB)");
    expect_error("-m 32769G", "spapr-iommu: -m: RAM size 0x200040000000 is too "
                 "large: RAM must end below the PCI windows at 0x200000000000 "
                 "(max 32 TiB)");
    expect_error("-display gtk",
                 "spapr-iommu: -display gtk: only -display none is supported");
    expect_error("-accel kvm,kernel-tce=on", "spapr-iommu: -accel kvm: unknown "
                 "option 'kernel-tce=on' (kernel-tce= is for the stand-in: "
                 "-accel qtest,kernel-tce=on)");
    expect_error("-accel hax", "spapr-iommu: -accel hax: invalid accelerator "
                 "(qtest or tcg)");
    expect_error("-trace no_such_event_xyz", "spapr-iommu: -trace "
                 "no_such_event_xyz: no trace event matches this pattern");
    expect_error("-run-with foo=on", "spapr-iommu: -run-with foo=on: only "
                 "exit-with-parent=on|off is supported");
}

static void test_bad_machine(void)
{
    expect_error_prefix("-M pc", "spapr-iommu: -M pc: unsupported machine type 'pc'");
    expect_error("-M pseries,cap-cfpc=bogus", "spapr-iommu: -M pseries,cap-cfpc=bogus: "
                 "invalid value (one of: broken, workaround, fixed)");
    expect_error("-M pseries,ic-mode=apic", "spapr-iommu: -M pseries,ic-mode=apic: "
                 "invalid value (one of: xics, xive, dual)");
    expect_error_prefix("-M pseries,no-such-prop=1",
                        "spapr-iommu: -M pseries,no-such-prop=1: Property ");
    expect_error_prefix("-M pseries,cap-htm=maybe",
                        "spapr-iommu: -M pseries,cap-htm=maybe: ");
}

static void test_bad_devices(void)
{
    expect_error("-device iommu-testdev,=1", "spapr-iommu: -device "
                 "iommu-testdev,=1: Property 'iommu-testdev.' not found");
    expect_error("-device iommu-testdev,nope=1", "spapr-iommu: -device "
                 "iommu-testdev,nope=1: Property 'iommu-testdev.nope' not "
                 "found");
    expect_error("-M none -device iommu-testdev", "spapr-iommu: -device "
                 "iommu-testdev: No 'PCI' bus found for device "
                 "'iommu-testdev'");
    expect_error("-device nosuchdev", "spapr-iommu: -device nosuchdev: "
                 "'nosuchdev' is not a valid device model name");
    expect_error_prefix("-device spapr-tce-table",
                        "spapr-iommu: -device spapr-tce-table: ");
    expect_error_prefix("-global nosuch.prop=1", "spapr-iommu: -global nosuch.prop=1: ");
    expect_error("-global foo", "spapr-iommu: -global foo: expected "
                 "DRIVER.PROPERTY=VALUE");
}

static void test_bad_frontends(void)
{
    expect_error_prefix("-qtest unix:/nonexistent/dir/sock",
                        "spapr-iommu: -qtest unix:/nonexistent/dir/sock: ");
    expect_error_prefix("-chardev socket,id=c0", "spapr-iommu: -chardev socket,id=c0: ");
    expect_error("-mon chardev=nope", "spapr-iommu: -mon chardev=nope: chardev "
                 "'nope' not found");
    expect_error_prefix("-qmp tcp:localhost:4444", "spapr-iommu: -qmp tcp:localhost:4444: ");
}

static void test_help(void)
{
    Run r;

    run_binary("-M help", &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, "Supported machines are:\n"
                    "none                 empty machine\n"
                    "pseries              pSeries Logical Partition (PAPR "
                    "compliant) (default)\n");
    run_free(&r);

    run_binary("-device help", &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.err, ==, "");
    run_free(&r);

    run_binary("-version", &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, "spapr-iommu version 0.1.0\n");
    run_free(&r);
}

/* The machine options QEMU's qtests pass are accepted as no-ops. */
static void test_qemu_harness_options(void)
{
    QTestState *s = qtest_init("-machine pseries,cap-cfpc=broken,cap-sbbc=broken,"
                               "cap-ibs=broken,cap-ccf-assist=off,cap-htm=off,"
                               "ic-mode=xics -m 512M -nodefaults");
    g_autofree char *status = qtest_hmp(s, "info status");

    g_assert_cmpstr(status, ==, "VM status: running\r\n");
    qtest_quit(s);
}

/*
 * -m 32T, the largest RAM: it ends exactly where the PCI windows start, and
 * only RAM is accepted as a TCE target (default window of the default PHB).
 */
static void test_ram_up_to_pci_windows(void)
{
    QTestState *s = qtest_init("-m 32T");
    uint64_t args[3] = { 0x80000000, 0, (32ULL << 40) - 0x1000 + 3 };

    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL), ==, 0);
    args[2] = (32ULL << 40) + 3;                        /* PHB 0 IO window */
    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL), ==, -4);
    args[2] = (32ULL << 40) + (2ULL << 30) + 3;         /* PHB 0 MMIO32 */
    g_assert_cmpint(qtest_hcall(s, "H_PUT_TCE", 3, args, 0, NULL), ==, -4);
    qtest_quit(s);
}

/* -S starts in prelaunch; cont runs. */
/*
 * -accel kvm on a host whose /dev/kvm this process may open: a VM without
 * vCPUs; without the sPAPR capabilities (every non-POWER host) the TCE
 * tables stay in user space and the hypercalls work as with qtest.
 */
static void test_accel_kvm(void)
{
    QTestState *s;
    g_autofree char *put = NULL, *get = NULL, *info = NULL;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        g_test_skip("/dev/kvm cannot be opened here");
        return;
    }
    close(fd);
    s = qtest_init("-M pseries -accel kvm");
    put = qtest_line(s, "hcall H_PUT_TCE 0x80000000 0x1000 0x12340003");
    g_assert_cmpstr(put, ==, "OK 0");
    get = qtest_line(s, "hcall H_GET_TCE 0x80000000 0x1000");
    g_assert_cmpstr(get, ==, "OK 0 0x0000000012340003");
    info = qtest_hmp_text(s, "info tce");
#if defined(__x86_64__)
    g_assert_nonnull(strstr(info, "80000000  on       0x0000000000000000    "
                            "12     262144 user"));
#endif
    qtest_quit(s);
}

static void test_start_stopped(void)
{
    QTestState *s = qtest_init("-S");
    g_autofree char *before = qtest_hmp(s, "info status");
    g_autofree char *after = NULL;

    g_assert_cmpstr(before, ==, "VM status: paused (prelaunch)\r\n");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    after = qtest_hmp(s, "info status");
    g_assert_cmpstr(after, ==, "VM status: running\r\n");
    qtest_quit(s);
}

/* The monitor's device_add/device_del refuse bad input with QMP errors. */
static void check_qmp_error(QTestState *s, const char *cmd, const char *cls,
                            const char *desc)
{
    JsonObject *rsp = qtest_qmp(s, "%s", cmd);
    JsonObject *err = json_object_get_object_member(rsp, "error");

    g_assert_nonnull(err);
    g_assert_cmpstr(json_object_get_string_member(err, "class"), ==, cls);
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==, desc);
    json_object_unref(rsp);
}

static void test_monitor_device_errors(void)
{
    QTestState *s = qtest_init("");

    check_qmp_error(s, "{\"execute\": \"device_add\", \"arguments\": "
                    "{\"driver\": \"iommu-testdev,bus=pci.0\"}}",
                    "GenericError", "Parameter 'driver' expects a device type name");
    check_qmp_error(s, "{\"execute\": \"device_add\", \"arguments\": "
                    "{\"driver\": \"nosuchdev\"}}",
                    "GenericError", "'nosuchdev' is not a valid device model name");
    check_qmp_error(s, "{\"execute\": \"device_add\", \"arguments\": "
                    "{\"driver\": \"iommu-testdev\", \"addr\": [1]}}",
                    "GenericError",
                    "Parameter 'addr' expects a string, an integer or a boolean");
    check_qmp_error(s, "{\"execute\": \"device_del\", \"arguments\": "
                    "{\"id\": \"nope\"}}",
                    "DeviceNotFound", "Device 'nope' not found");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cmdline/bad-options", test_bad_options);
    g_test_add_func("/cmdline/bad-machine", test_bad_machine);
    g_test_add_func("/cmdline/bad-devices", test_bad_devices);
    g_test_add_func("/cmdline/bad-frontends", test_bad_frontends);
    g_test_add_func("/cmdline/help", test_help);
    g_test_add_func("/cmdline/qemu-harness-options", test_qemu_harness_options);
    g_test_add_func("/cmdline/ram-up-to-pci-windows", test_ram_up_to_pci_windows);
    g_test_add_func("/cmdline/start-stopped", test_start_stopped);
    g_test_add_func("/cmdline/accel-kvm", test_accel_kvm);
    g_test_add_func("/monitor/device-add-del-errors", test_monitor_device_errors);
    return g_test_run();
}
