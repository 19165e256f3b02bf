/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry point: parse the command line completely, then bring the machine up
 * in one readable order (docs/devel/architecture.md, "Start-up order").
 *
 * Any bad option ends the process with one line on stderr and exit status 1
 * before the machine exists.  After start-up nothing the guest or the
 * operator does ends it, except quit / SIGTERM / a closed qtest client.
 */

#include "qemu/osdep.h"
#include <glib-unix.h>
#include <signal.h>
#include <sys/prctl.h>
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/trace-control.h"
#include "qom/object.h"
#include "hw/qdev-core.h"
#include "hw/boards.h"
#include "accel/kernel-tce.h"
#include "accel/kvm.h"
#include "exec/memory.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "migration/migration.h"

#define PROGNAME "spapr-iommu"

typedef struct StartupConfig {
    char *machine_opts;             /* -M: "pseries[,prop=val...]" (owned) */
    uint64_t ram_size;              /* -m, 0 = machine default */
    GPtrArray *objects;             /* -object strings, in order */
    GPtrArray *devices;             /* -device strings, in order */
    GPtrArray *globals;             /* -global DRIVER.PROP=VALUE */
    GPtrArray *chardevs;            /* -chardev strings */
    GPtrArray *mons;                /* -mon strings */
    GPtrArray *qmp;                 /* -qmp specs */
    GPtrArray *monitors;            /* -monitor specs (HMP) */
    const char *qtest;              /* -qtest spec */
    const char *qtest_log;          /* -qtest-log file */
    const char *incoming;           /* -incoming defer|file:PATH|exec:CMD */
    char *accel;                    /* -accel / -machine accel= (owned) */
    bool nodefaults;
    bool start_stopped;             /* -S */
    bool exit_with_parent;          /* -run-with exit-with-parent=on */
} StartupConfig;

static void G_GNUC_NORETURN usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs(PROGNAME ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void print_help(void)
{
    printf("usage: " PROGNAME " [options]\n"
           "A vCPU-less model of the POWER pseries (sPAPR) IOMMU and PHB DMA.\n\n"
           "-M|-machine pseries[,prop=value...]|none  the machine (-M help)\n"
           "-m SIZE               guest RAM (default 1G; plain numbers are MiB)\n"
           "-device TYPE[,prop=value...]  add a device (-device help lists types)\n"
           "-object TYPE,id=ID[,prop=value...]  add an object (-object help)\n"
           "-global DRIVER.PROP=VALUE     default property value for a type\n"
           "-accel qtest|tcg[,kernel-tce=off|on]\n"
           "                      accelerator (no vCPU runs in either); kernel-tce:\n"
           "                      the in-kernel TCE fast path stand-in\n"
           "-qtest unix:PATH[,server=on,wait=off]|stdio  qtest protocol\n"
           "-qtest-log FILE       log qtest traffic\n"
           "-chardev socket,id=ID,path=PATH[,server=on,wait=off]|stdio,id=ID\n"
           "-mon chardev=ID[,mode=control|readline]  QMP or HMP on a chardev\n"
           "-qmp unix:PATH[,server=on,wait=off]  QMP monitor\n"
           "-monitor stdio|unix:PATH[,server=on,wait=off]  HMP monitor\n"
           "-trace PATTERN|enable=PATTERN|events=FILE  enable trace events\n"
           "-S                    do not start (run state prelaunch)\n"
           "-incoming defer|file:PATH|exec:CMD  load the DMA state (inmigrate)\n"
           "-nodefaults           accepted; the default PHB is part of the machine\n"
           "-display none, -audio none, -run-with exit-with-parent=on\n"
           "-version, -help\n"
           "See docs/user/command-line.md.\n");
}

/* -m SIZE or -m size=SIZE; a number without suffix is MiB, as in QEMU. */
static uint64_t parse_ram_size(const char *arg)
{
    uint64_t size;
    int ret;

    if (g_str_has_prefix(arg, "size=")) {
        arg += strlen("size=");
    }
    if (qemu_strtou64(arg, &size) == 0) {
        if (size > (UINT64_MAX >> 20)) {
            usage_error("-m %s: memory size is too large", arg);
        }
        size <<= 20;
    } else if ((ret = qemu_strtosz(arg, &size)) < 0) {
        usage_error("-m %s: invalid memory size", arg);
    }
    if (size == 0) {
        usage_error("-m %s: memory size must be greater than 0", arg);
    }
    return size;
}

static void parse_run_with(const char *arg, StartupConfig *cfg)
{
    if (!strcmp(arg, "exit-with-parent=on")) {
        cfg->exit_with_parent = true;
    } else if (strcmp(arg, "exit-with-parent=off")) {
        usage_error("-run-with %s: only exit-with-parent=on|off is supported",
                    arg);
    }
}

/* "-machine pseries,accel=qtest": QEMU's old spelling of -accel. */
static char *machine_opts_strip_accel(const char *opts, StartupConfig *cfg)
{
    g_auto(GStrv) parts = g_strsplit(opts, ",", -1);
    GString *out = g_string_new(NULL);

    for (char **p = parts; *p; p++) {
        if (g_str_has_prefix(*p, "accel=")) {
            g_free(cfg->accel);
            cfg->accel = g_strdup(*p + strlen("accel="));
            continue;
        }
        g_string_append_printf(out, "%s%s", out->len ? "," : "", *p);
    }
    return g_string_free(out, FALSE);
}

static void parse_cmdline(int argc, char **argv, StartupConfig *cfg)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *arg = NULL;

        if (opt[0] != '-') {
            usage_error("%s: invalid argument (expected an option)", opt);
        }
        if (opt[1] == '-') {
            opt++;                      /* --option == -option */
        }
#define WANT_ARG() do {                                                     \
            if (i + 1 >= argc) {                                            \
                usage_error("%s: requires an argument", opt);               \
            }                                                               \
            arg = argv[++i];                                                \
        } while (0)

        if (!strcmp(opt, "-help") || !strcmp(opt, "-h")) {
            print_help();
            exit(0);
        } else if (!strcmp(opt, "-version")) {
            printf(PROGNAME " version 0.1.0\n");
            exit(0);
        } else if (!strcmp(opt, "-M") || !strcmp(opt, "-machine")) {
            WANT_ARG();
            g_free(cfg->machine_opts);
            cfg->machine_opts = machine_opts_strip_accel(arg, cfg);
        } else if (!strcmp(opt, "-m")) {
            WANT_ARG();
            cfg->ram_size = parse_ram_size(arg);
        } else if (!strcmp(opt, "-device")) {
            WANT_ARG();
            g_ptr_array_add(cfg->devices, (gpointer)arg);
        } else if (!strcmp(opt, "-object")) {
            WANT_ARG();
            g_ptr_array_add(cfg->objects, (gpointer)arg);
        } else if (!strcmp(opt, "-global")) {
            WANT_ARG();
            g_ptr_array_add(cfg->globals, (gpointer)arg);
        } else if (!strcmp(opt, "-accel")) {
            WANT_ARG();
            if (!cfg->accel) {
                cfg->accel = g_strdup(arg);
            }
        } else if (!strcmp(opt, "-qtest")) {
            WANT_ARG();
            cfg->qtest = arg;
        } else if (!strcmp(opt, "-qtest-log")) {
            WANT_ARG();
            cfg->qtest_log = arg;
        } else if (!strcmp(opt, "-chardev")) {
            WANT_ARG();
            g_ptr_array_add(cfg->chardevs, (gpointer)arg);
        } else if (!strcmp(opt, "-mon")) {
            WANT_ARG();
            g_ptr_array_add(cfg->mons, (gpointer)arg);
        } else if (!strcmp(opt, "-qmp")) {
            WANT_ARG();
            g_ptr_array_add(cfg->qmp, (gpointer)arg);
        } else if (!strcmp(opt, "-monitor")) {
            WANT_ARG();
            g_ptr_array_add(cfg->monitors, (gpointer)arg);
        } else if (!strcmp(opt, "-trace")) {
            Error *err = NULL;

            WANT_ARG();
            if (!trace_opt_parse(arg, &err)) {
                error_report_err(err);
                exit(1);
            }
        } else if (!strcmp(opt, "-display")) {
            WANT_ARG();
            if (strcmp(arg, "none")) {
                usage_error("-display %s: only -display none is supported", arg);
            }
        } else if (!strcmp(opt, "-audio")) {
            WANT_ARG();
            if (strcmp(arg, "none")) {
                usage_error("-audio %s: only -audio none is supported", arg);
            }
        } else if (!strcmp(opt, "-run-with")) {
            WANT_ARG();
            parse_run_with(arg, cfg);
        } else if (!strcmp(opt, "-incoming")) {
            WANT_ARG();
            cfg->incoming = arg;
        } else if (!strcmp(opt, "-nodefaults")) {
            cfg->nodefaults = true;
        } else if (!strcmp(opt, "-S")) {
            cfg->start_stopped = true;
        } else if (!strcmp(opt, "-nographic")) {
            /* No display and no serial console exist: nothing to turn off. */
        } else {
            usage_error("%s: invalid option", opt);
        }
#undef WANT_ARG
    }
}

/* "-accel NAME[,kernel-tce=off|on|vfio]" (include/accel/kernel-tce.h). */
static void check_accel(const char *accel)
{
    g_autofree char *name = g_strdup(accel ? accel : "qtest");
    char *opts = strchr(name, ',');
    Error *err = NULL;

    if (opts) {
        *opts++ = '\0';
    }
    if (!strcmp(name, "kvm")) {
        if (opts && *opts) {
            usage_error("-accel kvm: unknown option '%s' (kernel-tce= is for "
                        "the stand-in: -accel qtest,kernel-tce=on)", opts);
        }
        if (!kvm_accel_init("/dev/kvm", &err)) {
            usage_error("-accel kvm: %s", error_get_pretty(err));
        }
        /* Tables in the kernel where KVM can hold them (docs/user/kernel-tce.md). */
        kernel_tce_set_level(!kvm_has_spapr_tce_tables() ? KERNEL_TCE_OFF :
                             kvm_get_caps()->spapr_tce_vfio ? KERNEL_TCE_VFIO
                                                            : KERNEL_TCE_ON);
        return;
    }
    if (strcmp(name, "qtest") && strcmp(name, "tcg")) {
        usage_error("-accel %s: invalid accelerator (qtest or tcg)", name);
    }
    if (!kernel_tce_parse_options(opts, &err)) {
        usage_error("%s", error_get_pretty(err));
    }
}

/* "-mon chardev=ID[,mode=control|readline][,pretty=on|off]". */
static void monitor_from_mon_opts(const char *opts)
{
    g_auto(GStrv) parts = g_strsplit(opts, ",", -1);
    const char *id = NULL;
    bool control = false;
    Chardev *chr;
    Error *err = NULL;

    for (char **p = parts; *p; p++) {
        if (g_str_has_prefix(*p, "chardev=")) {
            id = *p + strlen("chardev=");
        } else if (!strcmp(*p, "mode=control")) {
            control = true;
        } else if (!strcmp(*p, "mode=readline")) {
            control = false;
        } else if (!g_str_has_prefix(*p, "pretty=")) {
            usage_error("-mon %s: invalid option '%s'", opts, *p);
        }
    }
    if (!id) {
        usage_error("-mon %s: chardev=ID is required", opts);
    }
    chr = qemu_chr_find(id);
    if (!chr) {
        usage_error("-mon %s: chardev '%s' not found", opts, id);
    }
    if (!(control ? monitor_init_qmp(chr, &err) : monitor_init_hmp(chr, &err))) {
        error_prepend(&err, "-mon %s: ", opts);
        error_report_err(err);
        exit(1);
    }
}

static void monitor_from_spec(const char *optname, const char *spec,
                              bool control, unsigned n)
{
    g_autofree char *label = g_strdup_printf("compat_monitor%u", n);
    Error *err = NULL;
    Chardev *chr = qemu_chr_new(label, spec, &err);

    if (chr) {
        if (control ? monitor_init_qmp(chr, &err) : monitor_init_hmp(chr, &err)) {
            return;
        }
    }
    error_prepend(&err, "%s %s: ", optname, spec);
    error_report_err(err);
    exit(1);
}

/* Start-up failed: report the operator's mistake on one line and exit 1. */
static void exit_if_failed(bool ok, Error **errp)
{
    if (!ok) {
        error_report_err(*errp);
        exit(1);
    }
}

static gboolean on_term_signal(gpointer opaque)
{
    qemu_system_shutdown_request();
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    StartupConfig cfg = {
        .objects = g_ptr_array_new(),
        .devices = g_ptr_array_new(),
        .globals = g_ptr_array_new(),
        .chardevs = g_ptr_array_new(),
        .mons = g_ptr_array_new(),
        .qmp = g_ptr_array_new(),
        .monitors = g_ptr_array_new(),
    };
    unsigned nmon = 0;
    Error *err = NULL;

    error_set_progname(PROGNAME);
    signal(SIGPIPE, SIG_IGN);

    /* 1. The whole command line, before anything exists. */
    parse_cmdline(argc, argv, &cfg);
    check_accel(cfg.accel);
    if (cfg.incoming && !migration_incoming_setup(cfg.incoming, &err)) {
        usage_error("-incoming %s: %s", cfg.incoming, error_get_pretty(err));
    }
    if (cfg.exit_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
    }

    /* 2. Help requests need types, not a machine. */
    system_machine_help_and_exit(cfg.machine_opts);
    for (guint i = 0; i < cfg.devices->len; i++) {
        system_device_help_and_exit(g_ptr_array_index(cfg.devices, i));
    }
    for (guint i = 0; i < cfg.objects->len; i++) {
        system_object_help_and_exit(g_ptr_array_index(cfg.objects, i));
    }

    /* 3. Memory, machine, cold-plugged devices. */
    memory_map_init();
    for (guint i = 0; i < cfg.globals->len; i++) {
        exit_if_failed(system_add_global(g_ptr_array_index(cfg.globals, i),
                                         &err), &err);
    }
    exit_if_failed(system_create_machine(cfg.machine_opts ? cfg.machine_opts
                                                          : "pseries",
                                         cfg.ram_size, &err), &err);
    for (guint i = 0; i < cfg.objects->len; i++) {
        exit_if_failed(system_object_add(g_ptr_array_index(cfg.objects, i),
                                         &err), &err);
    }
    for (guint i = 0; i < cfg.devices->len; i++) {
        exit_if_failed(system_device_add(g_ptr_array_index(cfg.devices, i),
                                         &err), &err);
    }

    /* 4. Front ends: chardevs, monitors, qtest. */
    system_monitor_init();
    for (guint i = 0; i < cfg.chardevs->len; i++) {
        Error *err = NULL;
        const char *opts = g_ptr_array_index(cfg.chardevs, i);

        if (!qemu_chr_new_from_opts(opts, &err)) {
            error_prepend(&err, "-chardev %s: ", opts);
            error_report_err(err);
            exit(1);
        }
    }
    for (guint i = 0; i < cfg.mons->len; i++) {
        monitor_from_mon_opts(g_ptr_array_index(cfg.mons, i));
    }
    for (guint i = 0; i < cfg.qmp->len; i++) {
        monitor_from_spec("-qmp", g_ptr_array_index(cfg.qmp, i), true, nmon++);
    }
    for (guint i = 0; i < cfg.monitors->len; i++) {
        monitor_from_spec("-monitor", g_ptr_array_index(cfg.monitors, i),
                          false, nmon++);
    }
    if (cfg.qtest) {
        Error *err = NULL;

        if (!qtest_server_init(cfg.qtest, cfg.qtest_log, &err)) {
            error_prepend(&err, "-qtest %s: ", cfg.qtest);
            error_report_err(err);
            exit(1);
        }
    }

    /* 5. First reset (builds the device tree), then run. */
    exit_if_failed(system_machine_done(&err), &err);
    if (cfg.incoming) {
        migration_incoming_start(!cfg.start_stopped);
    } else if (!cfg.start_stopped) {
        vm_start();
    }
    g_unix_signal_add(SIGTERM, on_term_signal, NULL);
    g_unix_signal_add(SIGINT, on_term_signal, NULL);
    g_unix_signal_add(SIGHUP, on_term_signal, NULL);

    qemu_main_loop();

    /* 6. Orderly teardown, so that sanitizers see no leak. */
    system_cleanup();
    qemu_chr_cleanup();
    g_ptr_array_free(cfg.objects, TRUE);
    g_ptr_array_free(cfg.devices, TRUE);
    g_ptr_array_free(cfg.globals, TRUE);
    g_ptr_array_free(cfg.chardevs, TRUE);
    g_ptr_array_free(cfg.mons, TRUE);
    g_ptr_array_free(cfg.qmp, TRUE);
    g_ptr_array_free(cfg.monitors, TRUE);
    g_free(cfg.machine_opts);
    g_free(cfg.accel);
    return 0;
}
