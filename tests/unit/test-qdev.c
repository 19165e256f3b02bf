/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hw/core: properties, realize, device_add, hotplug, printing. */

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include <json-glib/json-glib.h>
#include "monitor/monitor.h"
#include "monitor/qmp.h"

/*
 * Test types:
 *   test-machine "testboard" (prop board-flag; pseries is the default)
 *   test-host: a sys-bus-device owning bus "tbus.0" (type test-bus), its
 *     hotplug handler (pre_plug, plug, unplug_request, unplug)
 *   test-host-sync: test-host without unplug_request
 *   test-dev: on test-bus, one property of every kind
 *   test-subdev: test-dev plus its own property
 *   test-abstract-dev, test-nouser-dev, test-nohotplug-dev
 */
#define TYPE_TEST_MACHINE MACHINE_TYPE_NAME("testboard")
#define TYPE_TEST_BUS "test-bus"
#define TYPE_TEST_HOST "test-host"
#define TYPE_TEST_HOST_SYNC "test-host-sync"
#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_SUBDEV "test-subdev"
#define TYPE_TEST_ABSTRACT_DEV "test-abstract-dev"
#define TYPE_TEST_NOUSER_DEV "test-nouser-dev"
#define TYPE_TEST_NOHOTPLUG_DEV "test-nohotplug-dev"

OBJECT_DECLARE_SIMPLE_TYPE(TestMachine, TEST_MACHINE)
OBJECT_DECLARE_SIMPLE_TYPE(TestHost, TEST_HOST)
OBJECT_DECLARE_SIMPLE_TYPE(TestDev, TEST_DEV)

struct TestMachine {
    MachineState parent_obj;
    bool board_flag;
};

struct TestHost {
    SysBusDevice parent_obj;
    char *busname;
    bool hotplug;
    BusState *bus;
};

struct TestDev {
    DeviceState parent_obj;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    uint64_t sz;
    char *label;
    TestDev *peer;
    bool fail;
    uint32_t extra;
};

/* What the handlers and devices did, e.g. "pre_plug:d0 realize:d0 plug:d0". */
static GString *log_buf;
static bool fail_pre_plug, fail_plug;

static void log_event(const char *what, DeviceState *dev)
{
    g_string_append_printf(log_buf, "%s%s:%s", log_buf->len ? " " : "", what,
                           dev->id ? dev->id : "-");
}

static const char *log_take(void)
{
    static char *last;

    g_free(last);
    last = g_strdup(log_buf->str);
    g_string_truncate(log_buf, 0);
    return last;
}

/* ---- test-dev ---- */

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    log_event("realize", dev);
    if (TEST_DEV(dev)->fail) {
        error_setg(errp, "test-dev refuses to realize");
    }
}

static void test_dev_unrealize(DeviceState *dev)
{
    log_event("unrealize", dev);
}

static void test_dev_reset(DeviceState *dev)
{
    log_event("reset", dev);
}

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("flag", TestDev, flag, true),
    DEFINE_PROP_UINT8("u8", TestDev, u8, 1),
    DEFINE_PROP_UINT16("u16", TestDev, u16, 2),
    { .name = "u32", .info = &qdev_prop_uint32,
      .offset = offsetof(TestDev, u32), .set_default = true,
      .defval.u = 5, .description = "a 32-bit value" },
    DEFINE_PROP_UINT64("u64", TestDev, u64, 0x1211000),
    DEFINE_PROP_INT32("i32", TestDev, i32, -1),
    DEFINE_PROP_SIZE("sz", TestDev, sz, 1ULL << 30),
    DEFINE_PROP_STRING("label", TestDev, label),
    DEFINE_PROP_LINK("peer", TestDev, peer, TYPE_TEST_DEV, TestDev),
    DEFINE_PROP_BOOL("fail", TestDev, fail, false),
};

static const Property test_subdev_props[] = {
    DEFINE_PROP_UINT32("extra", TestDev, extra, 9),
};

static void test_dev_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = test_dev_realize;
    dc->unrealize = test_dev_unrealize;
    device_class_set_legacy_reset(dc, test_dev_reset);
    dc->bus_type = TYPE_TEST_BUS;
    dc->desc = "Test device";
    device_class_set_props(dc, test_dev_props);
}

static void test_subdev_class_init(ObjectClass *oc, const void *data)
{
    device_class_set_props(DEVICE_CLASS(oc), test_subdev_props);
}

static void test_nouser_class_init(ObjectClass *oc, const void *data)
{
    DEVICE_CLASS(oc)->user_creatable = false;
}

static void test_nohotplug_class_init(ObjectClass *oc, const void *data)
{
    DEVICE_CLASS(oc)->hotpluggable = false;
}

/* ---- test-host: owns tbus.0 and is its hotplug handler ---- */

static void host_realize(DeviceState *dev, Error **errp)
{
    TestHost *s = TEST_HOST(dev);

    log_event("realize", dev);
    s->bus = qbus_new(TYPE_TEST_BUS, dev, s->busname);
    if (s->hotplug) {
        qbus_set_hotplug_handler(s->bus, OBJECT(dev));
    }
}

static void host_reset(DeviceState *dev)
{
    log_event("reset", dev);
}

static void host_pre_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    log_event("pre_plug", dev);
    if (fail_pre_plug) {
        error_setg(errp, "pre_plug refused");
    }
}

static void host_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    log_event("plug", dev);
    if (fail_plug) {
        error_setg(errp, "plug refused");
    }
}

static void host_unplug_request(HotplugHandler *h, DeviceState *dev,
                                Error **errp)
{
    log_event("unplug_request", dev);
    if (TEST_DEV(dev)->fail) {
        error_setg(errp, "unplug already in progress");
    }
}

static void host_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    log_event("unplug", dev);
    qdev_unrealize(dev);
}

static const Property test_host_props[] = {
    DEFINE_PROP_STRING_DEFAULT("busname", TestHost, busname, "tbus.0"),
    DEFINE_PROP_BOOL("hotplug", TestHost, hotplug, true),
};

static void test_host_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(oc);

    dc->realize = host_realize;
    device_class_set_legacy_reset(dc, host_reset);
    dc->user_creatable = true;
    dc->hotpluggable = true;
    device_class_set_props(dc, test_host_props);
    hc->pre_plug = host_pre_plug;
    hc->plug = host_plug;
    hc->unplug_request = host_unplug_request;
    hc->unplug = host_unplug;
}

static void test_host_sync_class_init(ObjectClass *oc, const void *data)
{
    HOTPLUG_HANDLER_CLASS(oc)->unplug_request = NULL;
}

/* ---- test-machine ---- */

static const Property test_machine_props[] = {
    DEFINE_PROP_BOOL("board-flag", TestMachine, board_flag, false),
};

static void test_machine_init(MachineState *ms)
{
    g_string_append(log_buf, "machine-init");
}

static void machine_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    log_event("machine-plug", dev);
}

/* The board claims test-subdev devices, as spapr claims its PHBs. */
static HotplugHandler *test_machine_get_hotplug_handler(MachineState *ms,
                                                         DeviceState *dev)
{
    if (object_dynamic_cast(OBJECT(dev), TYPE_TEST_SUBDEV)) {
        return HOTPLUG_HANDLER(ms);
    }
    return NULL;
}

static void test_machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    HOTPLUG_HANDLER_CLASS(oc)->plug = machine_plug;
    mc->get_hotplug_handler = test_machine_get_hotplug_handler;
    mc->name = "testboard";
    mc->desc = "Test board";
    mc->is_default = false;
    mc->default_ram_size = 256ULL << 20;
    machine_class_set_props(mc, test_machine_props);
    mc->init = test_machine_init;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_MACHINE,
        .parent = TYPE_MACHINE,
        .instance_size = sizeof(TestMachine),
        .class_init = test_machine_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_HOTPLUG_HANDLER },
            { NULL },
        },
    },
    {
        .name = TYPE_TEST_BUS,
        .parent = TYPE_BUS,
    },
    {
        .name = TYPE_TEST_HOST,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(TestHost),
        .class_init = test_host_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_HOTPLUG_HANDLER },
            { NULL },
        },
    },
    {
        .name = TYPE_TEST_HOST_SYNC,
        .parent = TYPE_TEST_HOST,
        .class_init = test_host_sync_class_init,
    },
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .class_init = test_dev_class_init,
    },
    {
        .name = TYPE_TEST_SUBDEV,
        .parent = TYPE_TEST_DEV,
        .class_init = test_subdev_class_init,
    },
    {
        .name = TYPE_TEST_ABSTRACT_DEV,
        .parent = TYPE_TEST_DEV,
        .abstract = true,
    },
    {
        .name = TYPE_TEST_NOUSER_DEV,
        .parent = TYPE_TEST_DEV,
        .class_init = test_nouser_class_init,
    },
    {
        .name = TYPE_TEST_NOHOTPLUG_DEV,
        .parent = TYPE_TEST_DEV,
        .class_init = test_nohotplug_class_init,
    },
};

DEFINE_TYPES(test_types)

/* ---- fixture: a machine with one test-host (bus tbus.0) ---- */

static MachineState *machine;
static DeviceState *host;

static void setup(const char *host_type, const char *host_props)
{
    g_autofree char *opts = g_strdup_printf("%s,id=host%s%s", host_type,
                                            host_props ? "," : "",
                                            host_props ? host_props : "");

    log_buf = g_string_new(NULL);
    qdev_hotplug = false;
    fail_pre_plug = fail_plug = false;
    machine = machine_create("testboard", &error_abort);
    host = qdev_device_add_from_str(opts, &error_abort);
    g_string_truncate(log_buf, 0);
}

static void teardown(void)
{
    machine_destroy(machine);
    g_assert_null(qdev_get_machine());
    g_assert_true(g_queue_is_empty(&sysbus_get_default()->children));
    machine = NULL;
    host = NULL;
    qdev_hotplug = false;
    qdev_set_device_deleted_notifier(NULL);
    g_string_free(log_buf, true);
    log_buf = NULL;
}

static BusState *tbus(void)
{
    return TEST_HOST(host)->bus;
}

static void assert_prop(DeviceState *dev, const char *name, const char *want)
{
    g_autofree char *got = object_property_print(OBJECT(dev), name);

    g_assert_cmpstr(got, ==, want);
}

/* Set @name=@value on a fresh test-dev and return the error message. */
static char *parse_error(const char *name, const char *value)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    Error *err = NULL;
    char *msg;

    g_assert_false(object_property_parse(OBJECT(dev), name, value, &err));
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    object_unref(dev);
    return msg;
}

/* ---- properties ---- */

/*
 * device_class_set_props() takes the count from the array (no end marker):
 * each class's own entries, the last one included, become properties.
 */
static void test_props_count(void)
{
    ObjectClass *dev_oc = object_class_by_name(TYPE_TEST_DEV);
    ObjectClass *sub_oc = object_class_by_name(TYPE_TEST_SUBDEV);
    ObjectClass *nouser_oc = object_class_by_name(TYPE_TEST_NOUSER_DEV);
    const Property *props;
    size_t n;

    props = device_class_own_props(dev_oc, &n);
    g_assert(props == test_dev_props);
    g_assert_cmpuint(n, ==, 10);
    g_assert_cmpuint(DEVICE_CLASS(dev_oc)->props_count, ==, 10);
    props = device_class_own_props(sub_oc, &n);
    g_assert(props == test_subdev_props);
    g_assert_cmpuint(n, ==, 1);
    /* a subclass that sets none only inherits its parent's */
    g_assert_null(device_class_own_props(nouser_oc, &n));
    g_assert_cmpuint(n, ==, 0);
    {
        DeviceState *dev = qdev_new(TYPE_TEST_SUBDEV);

        assert_prop(dev, "fail", "false");      /* last of test-dev */
        assert_prop(dev, "extra", "9 (0x9)");   /* only one of test-subdev */
        object_unref(dev);
    }
}

static void test_props_defaults_print(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    TestDev *t = TEST_DEV(dev);

    g_assert_true(t->flag);
    g_assert_cmpuint(t->u8, ==, 1);
    g_assert_cmpuint(t->u64, ==, 0x1211000);
    g_assert_cmpint(t->i32, ==, -1);
    g_assert_null(t->label);
    assert_prop(dev, "flag", "true");
    assert_prop(dev, "u8", "1 (0x1)");
    assert_prop(dev, "u16", "2 (0x2)");
    assert_prop(dev, "u32", "5 (0x5)");
    assert_prop(dev, "u64", "18944000 (0x1211000)");
    assert_prop(dev, "i32", "-1 (0xffffffffffffffff)");
    assert_prop(dev, "sz", "1073741824 (1 GiB)");
    assert_prop(dev, "label", "<null>");
    assert_prop(dev, "peer", "\"\"");
    qdev_prop_set_string(dev, "label", "hello");
    assert_prop(dev, "label", "\"hello\"");
    qdev_prop_set_uint64(dev, "sz", 1536);
    assert_prop(dev, "sz", "1536 (1.5 KiB)");
    qdev_prop_set_uint64(dev, "sz", 999);
    assert_prop(dev, "sz", "999 (999 B)");
    qdev_prop_set_bit(dev, "flag", false);
    assert_prop(dev, "flag", "false");
    /* the plain form is what parse accepts */
    g_assert_false(object_property_get_bool(OBJECT(dev), "flag",
                                            &error_abort));
    g_assert_cmpint(object_property_get_int(OBJECT(dev), "i32", &error_abort),
                    ==, -1);
    g_assert_cmpuint(object_property_get_uint(OBJECT(dev), "u64",
                                              &error_abort), ==, 18944000);
    object_unref(dev);
}

static void test_props_parse_ok(void)
{
    static const struct {
        const char *name, *value, *printed;
    } cases[] = {
        { "flag", "off", "false" }, { "flag", "on", "true" },
        { "flag", "no", "false" }, { "flag", "yes", "true" },
        { "flag", "false", "false" }, { "flag", "true", "true" },
        { "u8", "255", "255 (0xff)" }, { "u8", "0x10", "16 (0x10)" },
        { "u16", "65535", "65535 (0xffff)" },
        { "u32", "0xffffffff", "4294967295 (0xffffffff)" },
        { "u64", "18446744073709551615",
          "18446744073709551615 (0xffffffffffffffff)" },
        { "i32", "-2147483648", "-2147483648 (0xffffffff80000000)" },
        { "i32", "2147483647", "2147483647 (0x7fffffff)" },
        { "i32", "0x10", "16 (0x10)" },
        { "sz", "4096", "4096 (4 KiB)" }, { "sz", "4k", "4096 (4 KiB)" },
        { "sz", "4K", "4096 (4 KiB)" }, { "sz", "2M", "2097152 (2 MiB)" },
        { "sz", "1G", "1073741824 (1 GiB)" },
        { "sz", "1T", "1099511627776 (1 TiB)" },
        { "sz", "1P", "1125899906842624 (1 PiB)" },
        { "sz", "1E", "1152921504606846976 (1 EiB)" },
        { "sz", "512B", "512 (512 B)" }, { "sz", "0", "0 (0 B)" },
        { "label", "a b", "\"a b\"" }, { "label", "", "<null>" },
    };
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = NULL;

        object_property_parse(OBJECT(dev), cases[i].name, cases[i].value,
                              &error_abort);
        got = object_property_print(OBJECT(dev), cases[i].name);
        /* qtree prints an empty string as <null>, as QEMU does */
        if (!strcmp(got, "\"\"")) {
            g_free(got);
            got = g_strdup("<null>");
        }
        g_assert_cmpstr(got, ==, cases[i].printed);
    }
    object_unref(dev);
}

static void test_props_parse_errors(void)
{
    static const struct {
        const char *name, *value, *msg;
    } cases[] = {
        { "u8", "300", "Property 'test-dev.u8' doesn't take value 300 "
          "(minimum: 0, maximum: 255)" },
        { "u16", "65536", "Property 'test-dev.u16' doesn't take value 65536 "
          "(minimum: 0, maximum: 65535)" },
        { "u32", "0x100000000", "Property 'test-dev.u32' doesn't take value "
          "0x100000000 (minimum: 0, maximum: 4294967295)" },
        { "u64", "18446744073709551616", "Property 'test-dev.u64' doesn't "
          "take value 18446744073709551616 (minimum: 0, maximum: "
          "18446744073709551615)" },
        { "i32", "2147483648", "Property 'test-dev.i32' doesn't take value "
          "2147483648 (minimum: -2147483648, maximum: 2147483647)" },
        { "i32", "-2147483649", "Property 'test-dev.i32' doesn't take value "
          "-2147483649 (minimum: -2147483648, maximum: 2147483647)" },
        { "u8", "-1", "Property 'test-dev.u8' expects a number, got '-1'" },
        { "u32", "12abc", "Property 'test-dev.u32' expects a number, got "
          "'12abc'" },
        { "u32", "", "Property 'test-dev.u32' expects a number, got ''" },
        { "i32", "-", "Property 'test-dev.i32' expects a number, got '-'" },
        { "flag", "maybe", "Property 'test-dev.flag' expects 'on' or 'off', "
          "got 'maybe'" },
        { "flag", "ON", "Property 'test-dev.flag' expects 'on' or 'off', "
          "got 'ON'" },
        { "sz", "1X", "Property 'test-dev.sz' expects a size (a number with "
          "an optional suffix B, K, M, G, T, P or E), got '1X'" },
        { "sz", "1KB", "Property 'test-dev.sz' expects a size (a number with "
          "an optional suffix B, K, M, G, T, P or E), got '1KB'" },
        { "sz", "16E", "Property 'test-dev.sz' doesn't take value 16E "
          "(minimum: 0, maximum: 18446744073709551615)" },
        { "nope", "1", "Property 'test-dev.nope' not found" },
        { "peer", "/no/such/path", "Device '/no/such/path' not found" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *msg = parse_error(cases[i].name, cases[i].value);

        g_assert_cmpstr(msg, ==, cases[i].msg);
    }
}

static void test_props_value_kept_on_error(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    Error *err = NULL;

    g_assert_false(object_property_parse(OBJECT(dev), "u8", "256", &err));
    error_free_or_abort(&err);
    g_assert_cmpuint(TEST_DEV(dev)->u8, ==, 1);
    object_unref(dev);
}

static void test_props_link(void)
{
    DeviceState *a, *b;
    Error *err = NULL;

    setup(TYPE_TEST_HOST, NULL);
    a = qdev_device_add_from_str("test-dev,id=a", &error_abort);
    b = qdev_new(TYPE_TEST_DEV);
    g_assert_cmpuint(OBJECT(a)->ref, ==, 2);        /* tree + bus */
    object_property_parse(OBJECT(b), "peer", "/machine/peripheral/a",
                          &error_abort);
    g_assert(TEST_DEV(b)->peer == TEST_DEV(a));
    g_assert_cmpuint(OBJECT(a)->ref, ==, 3);
    assert_prop(b, "peer", "\"/machine/peripheral/a\"");
    g_assert(object_property_get_link(OBJECT(b), "peer", &error_abort) ==
             OBJECT(a));
    g_assert(object_resolve_path_component(OBJECT(b), "peer") == OBJECT(a));

    g_assert_false(object_property_parse(OBJECT(b), "peer",
                                         "/machine/peripheral/host", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'peer', expected: test-dev");
    error_free_or_abort(&err);
    g_assert(TEST_DEV(b)->peer == TEST_DEV(a));

    object_property_set_link(OBJECT(b), "peer", NULL, &error_abort);
    g_assert_null(TEST_DEV(b)->peer);
    g_assert_cmpuint(OBJECT(a)->ref, ==, 2);
    g_assert_false(object_property_set_link(OBJECT(b), "peer", OBJECT(b),
                                            &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Object (type 'test-dev') for link 'peer' is not in the "
                    "tree");
    error_free_or_abort(&err);
    g_assert_null(object_property_get_link(OBJECT(b), "u8", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dev.u8' is not a link");
    error_free_or_abort(&err);

    /* the link's reference is dropped when the holder goes */
    object_property_set_link(OBJECT(b), "peer", OBJECT(a), &error_abort);
    g_assert_cmpuint(OBJECT(a)->ref, ==, 3);
    object_unref(b);
    g_assert_cmpuint(OBJECT(a)->ref, ==, 2);
    teardown();
}

static void test_props_after_realize(void)
{
    DeviceState *dev;
    Error *err = NULL;

    setup(TYPE_TEST_HOST, NULL);
    dev = qdev_device_add_from_str("test-dev,id=d0,u32=7", &error_abort);
    g_assert_false(object_property_parse(OBJECT(dev), "u32", "8", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Attempt to set property 'u32' on device 'd0' (type "
                    "'test-dev') after it was realized");
    error_free_or_abort(&err);
    g_assert_cmpuint(TEST_DEV(dev)->u32, ==, 7);
    teardown();
}

static void test_subclass_props(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_SUBDEV);

    assert_prop(dev, "extra", "9 (0x9)");
    assert_prop(dev, "u32", "5 (0x5)");
    /* subclass entries are added first */
    g_assert_cmpstr(((ObjectProperty *)OBJECT(dev)->property_order.head->data)
                    ->name, ==, "extra");
    object_unref(dev);
}

/* ---- help ---- */

static void test_device_help(void)
{
    GString *out = g_string_new(NULL);
    Error *err = NULL;

    g_assert_true(qdev_device_help(TYPE_TEST_DEV, out, &error_abort));
    g_assert_cmpstr(out->str, ==,
                    "test-dev options:\n"
                    "  fail=<bool>            -  (default: false)\n"
                    "  flag=<bool>            -  (default: true)\n"
                    "  i32=<int32>            -  (default: -1)\n"
                    "  label=<str>\n"
                    "  peer=<link<test-dev>>\n"
                    "  sz=<size>              -  (default: 1073741824)\n"
                    "  u16=<uint16>           -  (default: 2)\n"
                    "  u32=<uint32>           - a 32-bit value "
                    "(default: 5)\n"
                    "  u64=<uint64>           -  (default: 18944000)\n"
                    "  u8=<uint8>             -  (default: 1)\n");
    g_string_truncate(out, 0);
    g_assert_true(qdev_device_help(TYPE_TEST_SUBDEV, out, &error_abort));
    g_assert_true(g_str_has_prefix(out->str, "test-subdev options:\n"));
    g_assert_nonnull(strstr(out->str,
                            "\n  extra=<uint32>         -  (default: 9)\n"));
    g_assert_nonnull(strstr(out->str, "\n  u8=<uint8> "));
    g_string_truncate(out, 0);
    g_assert_true(qdev_device_help(TYPE_TEST_HOST, out, &error_abort));
    g_assert_cmpstr(out->str, ==,
                    "test-host options:\n"
                    "  busname=<str>          -  (default: \"tbus.0\")\n"
                    "  hotplug=<bool>         -  (default: true)\n");

    g_string_truncate(out, 0);
    g_assert_false(qdev_device_help("nope", out, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'nope' is not a valid device model name");
    error_free_or_abort(&err);
    g_assert_false(qdev_device_help(TYPE_TEST_ABSTRACT_DEV, out, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'driver' expects a non-abstract device type");
    error_free_or_abort(&err);
    g_assert_cmpstr(out->str, ==, "");
    g_string_free(out, true);
}

static void test_device_list(void)
{
    GString *out = g_string_new(NULL);

    qdev_device_list(out);
    g_assert_nonnull(strstr(out->str,
                            "name \"test-dev\", bus test-bus, "
                            "desc \"Test device\"\n"
                            "name \"test-host\", bus System\n"
                            "name \"test-host-sync\", bus System\n"
                            "name \"test-nohotplug-dev\", bus test-bus, "
                            "desc \"Test device\"\n"
                            "name \"test-subdev\", bus test-bus, "
                            "desc \"Test device\"\n"));
    g_assert_null(strstr(out->str, "test-nouser-dev"));
    g_assert_null(strstr(out->str, "test-abstract-dev"));
    g_string_free(out, true);
}

/* ---- realize ---- */

static void test_realize_cold(void)
{
    DeviceState *dev;
    g_autofree char *path = NULL;

    setup(TYPE_TEST_HOST, NULL);
    dev = qdev_new(TYPE_TEST_DEV);
    g_assert_false(dev->hotplugged);
    g_assert_true(qdev_realize(dev, tbus(), &error_abort));
    g_assert_cmpstr(log_take(), ==, "pre_plug:- realize:- plug:-");
    g_assert_true(dev->realized);
    g_assert(dev->parent_bus == tbus());
    g_assert(g_queue_peek_head(&tbus()->children) == dev);
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_cmpstr(path, ==, "/machine/unattached/device[0]");
    g_assert_cmpuint(OBJECT(dev)->ref, ==, 3);  /* caller, tree, bus */

    qdev_unrealize(dev);
    g_assert_false(dev->realized);
    g_assert_cmpstr(log_take(), ==, "unrealize:-");
    qdev_unrealize(dev);                        /* no-op */
    g_assert_cmpstr(log_take(), ==, "");
    object_unparent(OBJECT(dev));
    g_assert_null(dev->parent_bus);
    g_assert_cmpuint(OBJECT(dev)->ref, ==, 1);
    object_unref(dev);
    teardown();
}

static void test_realize_and_unref(void)
{
    DeviceState *dev;
    Error *err = NULL;

    setup(TYPE_TEST_HOST, NULL);
    dev = qdev_new(TYPE_TEST_DEV);
    g_assert_true(qdev_realize_and_unref(dev, tbus(), &error_abort));
    g_assert_cmpuint(OBJECT(dev)->ref, ==, 2);  /* tree, bus */
    /* on failure the reference is dropped too (ASan would see a leak) */
    dev = qdev_new(TYPE_TEST_DEV);
    qdev_prop_set_bit(dev, "fail", true);
    g_assert_false(qdev_realize_and_unref(dev, tbus(), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "test-dev refuses to realize");
    error_free(err);
    teardown();
}

/* After a failed realize: not on the bus, not in the tree, only our ref. */
static void assert_nothing_left(DeviceState *dev)
{
    g_assert_false(dev->realized);
    g_assert_null(dev->parent_bus);
    g_assert_null(OBJECT(dev)->parent);
    g_assert_true(g_queue_is_empty(&tbus()->children));
    g_assert_cmpuint(OBJECT(dev)->ref, ==, 1);
    g_assert_null(object_resolve_path("/machine/unattached/device[0]"));
}

static void test_realize_failure(void)
{
    DeviceState *dev;
    Error *err = NULL;

    setup(TYPE_TEST_HOST, NULL);
    dev = qdev_new(TYPE_TEST_DEV);
    qdev_prop_set_bit(dev, "fail", true);
    g_assert_false(qdev_realize(dev, tbus(), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "test-dev refuses to realize");
    error_free_or_abort(&err);
    g_assert_cmpstr(log_take(), ==, "pre_plug:- realize:-");
    assert_nothing_left(dev);

    /* pre_plug refuses: realize is never called */
    qdev_prop_set_bit(dev, "fail", false);
    fail_pre_plug = true;
    g_assert_false(qdev_realize(dev, tbus(), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "pre_plug refused");
    error_free_or_abort(&err);
    g_assert_cmpstr(log_take(), ==, "pre_plug:-");
    assert_nothing_left(dev);

    /* plug refuses: realize is undone */
    fail_pre_plug = false;
    fail_plug = true;
    g_assert_false(qdev_realize(dev, tbus(), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "plug refused");
    error_free_or_abort(&err);
    g_assert_cmpstr(log_take(), ==,
                    "pre_plug:- realize:- plug:- unrealize:-");
    assert_nothing_left(dev);

    /* and it can still be realized afterwards */
    fail_plug = false;
    g_assert_true(qdev_realize(dev, tbus(), &error_abort));
    object_unref(dev);
    teardown();
}

/* ---- device_add ---- */

static void test_device_add(void)
{
    DeviceState *dev, *anon;
    BusState *bus;
    g_autofree char *path = NULL;

    setup(TYPE_TEST_HOST, NULL);
    dev = qdev_device_add_from_str("test-dev,id=nic0,bus=tbus.0,u32=0x20,"
                                   "label=a,,b,flag=off", &error_abort);
    g_assert_cmpstr(log_take(), ==, "pre_plug:nic0 realize:nic0 plug:nic0");
    g_assert_cmpstr(dev->id, ==, "nic0");
    g_assert_cmpuint(TEST_DEV(dev)->u32, ==, 32);
    g_assert_cmpstr(TEST_DEV(dev)->label, ==, "a,b");
    g_assert_false(TEST_DEV(dev)->flag);
    g_assert(object_resolve_path("/machine/peripheral/nic0") == OBJECT(dev));
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_cmpstr(path, ==, "/machine/peripheral/nic0");
    g_assert(qdev_find_by_id("nic0") == dev);
    g_assert_null(qdev_find_by_id("nic1"));
    g_assert(qdev_find_recursive(sysbus_get_default(), "nic0") == dev);
    g_assert(qdev_find_recursive(sysbus_get_default(), "host") == host);
    g_assert_null(qdev_find_recursive(sysbus_get_default(), "zz"));
    g_assert_cmpuint(OBJECT(dev)->ref, ==, 2);  /* tree, bus */

    /* no bus=: the first bus of the device's type; no id: anon; bare key */
    anon = qdev_device_add_from_str("test-subdev", &error_abort);
    g_assert(anon->parent_bus == tbus());
    g_assert(object_resolve_path("/machine/peripheral-anon/device[0]") ==
             OBJECT(anon));
    anon = qdev_device_add_from_str("driver=test-dev,flag", &error_abort);
    g_assert_true(TEST_DEV(anon)->flag);
    g_assert(object_resolve_path("/machine/peripheral-anon/device[1]") ==
             OBJECT(anon));
    bus = qbus_find("tbus.0");
    g_assert(bus == tbus());
    g_assert_null(qbus_find("tbus.9"));
    g_assert(qbus_find("main-system-bus") == sysbus_get_default());
    teardown();
}

/* Each error, and nothing left behind afterwards. */
static void test_device_add_errors(void)
{
    static const struct {
        const char *opts, *msg;
    } cases[] = {
        { "", "Parameter 'driver' is missing" },
        { "id=x", "Parameter 'driver' is missing" },
        { "foo", "'foo' is not a valid device model name" },
        { "container", "'container' is not a valid device model name" },
        { "test-abstract-dev",
          "Parameter 'driver' expects a non-abstract device type" },
        { "test-nouser-dev",
          "Parameter 'driver' expects a pluggable device type" },
        { "test-dev,id=host", "Duplicate device ID 'host'" },
        { "test-dev,id=1x", "Parameter 'id' expects an identifier" },
        { "test-dev,id=a/b", "Parameter 'id' expects an identifier" },
        { "test-dev,bus=nobus", "Bus 'nobus' not found" },
        { "test-dev,bus=main-system-bus",
          "Device 'test-dev' can't go on System bus" },
        { "test-host,id=h2,bus=tbus.0",
          "Device 'test-host' can't go on test-bus bus" },
        { "test-dev,id=d,u8=300", "Property 'test-dev.u8' doesn't take "
          "value 300 (minimum: 0, maximum: 255)" },
        { "test-dev,id=d,flag=maybe", "Property 'test-dev.flag' expects "
          "'on' or 'off', got 'maybe'" },
        { "test-dev,id=d,sz=1Q", "Property 'test-dev.sz' expects a size (a "
          "number with an optional suffix B, K, M, G, T, P or E), got '1Q'" },
        { "test-dev,id=d,colour=red", "Property 'test-dev.colour' not found" },
        { "test-dev,id=d,fail=on", "test-dev refuses to realize" },
    };
    Object *peripheral;

    setup(TYPE_TEST_HOST, NULL);
    peripheral = object_resolve_path("/machine/peripheral");
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;

        g_assert_null(qdev_device_add_from_str(cases[i].opts, &err));
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        error_free(err);
        g_assert_null(object_resolve_path("/machine/peripheral/d"));
        g_assert_null(object_resolve_path(
                          "/machine/peripheral-anon/device[0]"));
        g_assert_true(g_queue_is_empty(&tbus()->children));
        g_assert_cmpuint(g_hash_table_size(peripheral->properties), ==, 1);
    }
    teardown();
}

static void test_device_add_error_class(void)
{
    Error *err = NULL;

    setup(TYPE_TEST_HOST, NULL);
    g_assert_null(qdev_device_add_from_str("test-dev,bus=x", &err));
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free(err);
    teardown();
}

static void test_device_add_no_bus(void)
{
    Error *err = NULL;

    log_buf = g_string_new(NULL);
    machine = machine_create("testboard", &error_abort);
    g_assert_null(qdev_device_add_from_str("test-dev", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "No 'test-bus' bus found for device 'test-dev'");
    error_free(err);
    machine_destroy(machine);
    g_string_free(log_buf, true);
    log_buf = NULL;
}

static void test_device_add_no_machine(void)
{
    Error *err = NULL;

    g_assert_null(qdev_device_add_from_str("test-host", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot add device 'test-host' before the machine exists");
    error_free(err);
}

/* ---- hotplug ---- */

static GString *deleted;

static void on_deleted(DeviceState *dev, const char *path)
{
    g_string_append_printf(deleted, "%s%s@%s", deleted->len ? " " : "",
                           dev->id ? dev->id : "-", path);
}

static void test_hotplug_order(void)
{
    DeviceState *dev;
    HotplugHandler *handler;

    setup(TYPE_TEST_HOST, NULL);
    deleted = g_string_new(NULL);
    qdev_set_device_deleted_notifier(on_deleted);
    qdev_hotplug = true;
    dev = qdev_device_add_from_str("test-dev,id=hp0", &error_abort);
    g_assert_true(dev->hotplugged);
    g_assert_cmpstr(log_take(), ==,
                    "pre_plug:hp0 realize:hp0 reset:hp0 plug:hp0");

    g_assert_true(qdev_unplug(dev, &error_abort));
    g_assert_cmpstr(log_take(), ==, "unplug_request:hp0");
    /* pending: still there until the guest agrees */
    g_assert(qdev_find_by_id("hp0") == dev);
    g_assert_true(dev->realized);
    g_assert_cmpstr(deleted->str, ==, "");

    /* the guest agreed: the handler finishes the job */
    handler = qdev_get_hotplug_handler(dev);
    g_assert(handler == HOTPLUG_HANDLER(host));
    hotplug_handler_unplug(handler, dev, &error_abort);
    object_unparent(OBJECT(dev));
    g_assert_cmpstr(log_take(), ==, "unplug:hp0 unrealize:hp0");
    g_assert_null(qdev_find_by_id("hp0"));
    g_assert_true(g_queue_is_empty(&tbus()->children));
    g_assert_cmpstr(deleted->str, ==, "hp0@/machine/peripheral/hp0");

    /* an unplug request the handler refuses */
    dev = qdev_device_add_from_str("test-dev,id=hp1", &error_abort);
    log_take();
    TEST_DEV(dev)->fail = true;
    {
        Error *err = NULL;

        g_assert_false(qdev_unplug(dev, &err));
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "unplug already in progress");
        error_free(err);
    }
    g_assert(qdev_find_by_id("hp1") == dev);
    teardown();
    g_string_free(deleted, true);
}

static void test_hotplug_sync_unplug(void)
{
    DeviceState *dev;

    setup(TYPE_TEST_HOST_SYNC, NULL);
    deleted = g_string_new(NULL);
    qdev_set_device_deleted_notifier(on_deleted);
    qdev_hotplug = true;
    dev = qdev_device_add_from_str("test-dev,id=hp0", &error_abort);
    log_take();
    g_assert_true(qdev_unplug(dev, &error_abort));
    g_assert_cmpstr(log_take(), ==, "unplug:hp0 unrealize:hp0");
    g_assert_null(qdev_find_by_id("hp0"));
    g_assert_cmpstr(deleted->str, ==, "hp0@/machine/peripheral/hp0");
    /* the id is free again */
    dev = qdev_device_add_from_str("test-dev,id=hp0", &error_abort);
    g_assert_nonnull(dev);
    teardown();
    g_string_free(deleted, true);
}

static void test_hotplug_errors(void)
{
    DeviceState *cold;
    Error *err = NULL;

    setup(TYPE_TEST_HOST, NULL);
    cold = qdev_device_add_from_str("test-nohotplug-dev,id=cold",
                                    &error_abort);
    qdev_hotplug = true;
    g_assert_null(qdev_device_add_from_str("test-nohotplug-dev,id=d", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'test-nohotplug-dev' does not support "
                    "hotplugging");
    error_free_or_abort(&err);
    g_assert_false(qdev_unplug(cold, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'test-nohotplug-dev' does not support "
                    "hotplugging");
    error_free_or_abort(&err);
    g_assert(qdev_find_by_id("cold") == cold);
    teardown();

    /* a bus without a handler */
    setup(TYPE_TEST_HOST, "hotplug=off");
    cold = qdev_device_add_from_str("test-dev,id=cold", &error_abort);
    qdev_hotplug = true;
    g_assert_null(qdev_device_add_from_str("test-dev,id=d", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Bus 'tbus.0' does not support hotplugging");
    error_free_or_abort(&err);
    g_assert_false(qdev_unplug(cold, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Bus 'tbus.0' does not support hotplugging");
    error_free_or_abort(&err);
    /* a hot-plugged device created by board code gets the same check */
    cold = qdev_new(TYPE_TEST_NOHOTPLUG_DEV);
    g_assert_false(qdev_realize_and_unref(cold, tbus(), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'test-nohotplug-dev' does not support "
                    "hotplugging");
    error_free_or_abort(&err);
    teardown();
}

/* Unplugging a host takes its bus and the devices on it along. */
static void test_unplug_host_with_children(void)
{
    setup(TYPE_TEST_HOST, NULL);
    deleted = g_string_new(NULL);
    qdev_set_device_deleted_notifier(on_deleted);
    qdev_device_add_from_str("test-dev,id=c0", &error_abort);
    qdev_device_add_from_str("test-dev,id=c1", &error_abort);
    qdev_hotplug = true;
    log_take();
    g_assert_true(qdev_unplug(host, &error_abort));
    g_assert_cmpstr(log_take(), ==, "unrealize:c1 unrealize:c0");
    g_assert_null(qdev_find_by_id("host"));
    g_assert_null(qdev_find_by_id("c0"));
    g_assert_null(qbus_find("tbus.0"));
    g_assert_cmpstr(deleted->str, ==,
                    "c1@/machine/peripheral/c1 c0@/machine/peripheral/c0 "
                    "host@/machine/peripheral/host");
    teardown();
    g_string_free(deleted, true);
}

static void test_hotplug_machine_handler(void)
{
    DeviceState *dev;

    setup(TYPE_TEST_HOST, NULL);
    dev = qdev_device_add_from_str("test-subdev,id=s0", &error_abort);
    g_assert_cmpstr(log_take(), ==, "realize:s0 machine-plug:s0");
    g_assert(qdev_get_hotplug_handler(dev) == HOTPLUG_HANDLER(machine));
    /* the machine has no unplug_request: unplug at once (no-op method) */
    g_assert_true(qdev_unplug(dev, &error_abort));
    g_assert_null(qdev_find_by_id("s0"));
    g_assert_cmpstr(log_take(), ==, "unrealize:s0");
    teardown();
}

/* ---- QMP device_add / device_del ---- */

/* Run QMP @cmd with @args (JSON text); return the reply as JSON, "{}" if empty. */
static char *qmp_call(const char *cmd, const char *args)
{
    g_autoptr(JsonNode) node = json_from_string(args, NULL);
    JsonNode *ret = NULL;
    char *json;

    g_assert_nonnull(node);
    g_assert_true(qmp_command_call(cmd, json_node_get_object(node), &ret,
                                   &error_abort));
    if (!ret) {
        return g_strdup("{}");
    }
    json = qmp_to_json(ret);
    json_node_unref(ret);
    return json;
}

/*
 * Cycles of device_add / device_del through QMP.  Each reply is "{}"; the
 * sanitizer build (LSan, GLib without its slice allocator) fails this test
 * if a reply object is leaked, as every successful call used to.
 */
static void test_qmp_device_add_del(void)
{
    setup(TYPE_TEST_HOST_SYNC, NULL);
    monitor_qdev_cmds_init();
    qdev_hotplug = true;
    for (int i = 0; i < 3; i++) {
        g_autofree char *add = NULL;
        g_autofree char *del = NULL;

        add = qmp_call("device_add", "{\"driver\": \"test-dev\", "
                       "\"id\": \"q0\", \"u32\": 7}");
        g_assert_cmpstr(add, ==, "{}");
        g_assert_nonnull(qdev_find_by_id("q0"));
        assert_prop(qdev_find_by_id("q0"), "u32", "7 (0x7)");
        del = qmp_call("device_del", "{\"id\": \"q0\"}");
        g_assert_cmpstr(del, ==, "{}");
        g_assert_null(qdev_find_by_id("q0"));
    }
    g_assert_cmpstr(log_take(), ==,
                    "pre_plug:q0 realize:q0 reset:q0 plug:q0 "
                    "unplug:q0 unrealize:q0 "
                    "pre_plug:q0 realize:q0 reset:q0 plug:q0 "
                    "unplug:q0 unrealize:q0 "
                    "pre_plug:q0 realize:q0 reset:q0 plug:q0 "
                    "unplug:q0 unrealize:q0");
    teardown();
}

/* ---- reset ---- */

static void test_cold_reset_order(void)
{
    setup(TYPE_TEST_HOST, NULL);
    qdev_device_add_from_str("test-dev,id=d0", &error_abort);
    qdev_device_add_from_str("test-dev,id=d1", &error_abort);
    log_take();
    device_cold_reset(host);
    g_assert_cmpstr(log_take(), ==, "reset:host reset:d1 reset:d0");
    machine_reset(machine);
    g_assert_cmpstr(log_take(), ==, "reset:host reset:d1 reset:d0");
    teardown();
}

/* ---- printing ---- */

static void test_qtree(void)
{
    GString *out = g_string_new(NULL);

    setup(TYPE_TEST_HOST, NULL);
    qdev_device_add_from_str("test-subdev,id=s0,label=x", &error_abort);
    qdev_print_tree(out);
    g_assert_cmpstr(out->str, ==,
                    "bus: main-system-bus\n"
                    "  type System\n"
                    "  dev: test-host, id \"host\"\n"
                    "    busname = \"tbus.0\"\n"
                    "    hotplug = true\n"
                    "    bus: tbus.0\n"
                    "      type test-bus\n"
                    "      dev: test-subdev, id \"s0\"\n"
                    "        extra = 9 (0x9)\n"
                    "        flag = true\n"
                    "        u8 = 1 (0x1)\n"
                    "        u16 = 2 (0x2)\n"
                    "        u32 = 5 (0x5)\n"
                    "        u64 = 18944000 (0x1211000)\n"
                    "        i32 = -1 (0xffffffffffffffff)\n"
                    "        sz = 1073741824 (1 GiB)\n"
                    "        label = \"x\"\n"
                    "        peer = \"\"\n"
                    "        fail = false\n");
    teardown();
    g_string_free(out, true);
}

static void test_qom_tree(void)
{
    GString *out = g_string_new(NULL);

    setup(TYPE_TEST_HOST, NULL);
    qdev_device_add_from_str("test-dev,id=nic0", &error_abort);
    qdev_device_add_from_str("test-dev", &error_abort);
    object_print_tree(out);
    g_assert_cmpstr(out->str, ==,
                    "/machine (testboard-machine)\n"
                    "  /peripheral (container)\n"
                    "    /host (test-host)\n"
                    "      /tbus.0 (test-bus)\n"
                    "    /nic0 (test-dev)\n"
                    "  /peripheral-anon (container)\n"
                    "    /device[0] (test-dev)\n"
                    "  /unattached (container)\n"
                    "    /sysbus (System)\n");
    teardown();
    g_string_free(out, true);
}

/* ---- machine ---- */

static void test_machine(void)
{
    MachineClass *mc = machine_find_class("testboard");
    MachineState *ms;
    GString *out = g_string_new(NULL);
    Error *err = NULL;

    g_assert_nonnull(mc);
    g_assert(machine_find_class(TYPE_TEST_MACHINE) == mc);
    g_assert(machine_find_default_class() == machine_find_class("pseries"));
    g_assert_null(machine_find_class("pc"));
    g_assert_null(machine_find_class(TYPE_MACHINE));    /* abstract */
    g_assert_null(machine_create("pc", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "unsupported machine type 'pc'");
    error_free_or_abort(&err);
    g_assert_null(qdev_get_machine());

    log_buf = g_string_new(NULL);
    ms = machine_create("testboard", &error_abort);
    g_assert(qdev_get_machine() == OBJECT(ms));
    g_assert_cmpuint(ms->ram_size, ==, 256ULL << 20);
    g_assert_nonnull(object_resolve_path("/machine/peripheral"));
    g_assert_nonnull(object_resolve_path("/machine/peripheral-anon"));
    g_assert_nonnull(object_resolve_path("/machine/unattached"));
    g_assert(object_resolve_path("/machine/unattached/sysbus") ==
             OBJECT(sysbus_get_default()));
    g_assert_null(machine_create("testboard", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "A machine already exists");
    error_free_or_abort(&err);

    g_assert_true(object_set_props_from_str(OBJECT(ms), "board-flag=on",
                                            &error_abort));
    g_assert_true(((TestMachine *)ms)->board_flag);
    g_assert_false(object_set_props_from_str(OBJECT(ms), "board-flag=2",
                                             &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'testboard-machine.board-flag' expects 'on' or "
                    "'off', got '2'");
    error_free_or_abort(&err);
    g_assert_false(object_set_props_from_str(OBJECT(ms), "nope=1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'testboard-machine.nope' not found");
    error_free_or_abort(&err);
    machine_run_init(ms);
    g_assert_cmpstr(log_take(), ==, "machine-init");

    machine_help(out);
    g_assert_cmpstr(out->str, ==,
                    "Supported machines are:\n"
                    "none                 empty machine\n"
                    "pseries              pSeries Logical Partition (PAPR "
                    "compliant) (default)\n"
                    "testboard            Test board\n");
    machine_destroy(ms);
    g_assert_null(qdev_get_machine());
    g_string_free(out, true);
    g_string_free(log_buf, true);
    log_buf = NULL;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdev/props/count", test_props_count);
    g_test_add_func("/qdev/props/defaults-print", test_props_defaults_print);
    g_test_add_func("/qdev/props/parse-ok", test_props_parse_ok);
    g_test_add_func("/qdev/props/parse-errors", test_props_parse_errors);
    g_test_add_func("/qdev/props/kept-on-error",
                    test_props_value_kept_on_error);
    g_test_add_func("/qdev/props/link", test_props_link);
    g_test_add_func("/qdev/props/after-realize", test_props_after_realize);
    g_test_add_func("/qdev/props/subclass", test_subclass_props);
    g_test_add_func("/qdev/help/device", test_device_help);
    g_test_add_func("/qdev/help/list", test_device_list);
    g_test_add_func("/qdev/realize/cold", test_realize_cold);
    g_test_add_func("/qdev/realize/and-unref", test_realize_and_unref);
    g_test_add_func("/qdev/realize/failure-leaves-nothing",
                    test_realize_failure);
    g_test_add_func("/qdev/device-add/ok", test_device_add);
    g_test_add_func("/qdev/device-add/errors", test_device_add_errors);
    g_test_add_func("/qdev/device-add/error-class",
                    test_device_add_error_class);
    g_test_add_func("/qdev/device-add/no-bus", test_device_add_no_bus);
    g_test_add_func("/qdev/device-add/no-machine", test_device_add_no_machine);
    g_test_add_func("/qdev/hotplug/order", test_hotplug_order);
    g_test_add_func("/qdev/hotplug/sync-unplug", test_hotplug_sync_unplug);
    g_test_add_func("/qdev/hotplug/errors", test_hotplug_errors);
    g_test_add_func("/qdev/hotplug/unplug-host",
                    test_unplug_host_with_children);
    g_test_add_func("/qdev/hotplug/machine-handler",
                    test_hotplug_machine_handler);
    g_test_add_func("/qdev/qmp/device-add-del", test_qmp_device_add_del);
    g_test_add_func("/qdev/reset/order", test_cold_reset_order);
    g_test_add_func("/qdev/print/qtree", test_qtree);
    g_test_add_func("/qdev/print/qom-tree", test_qom_tree);
    g_test_add_func("/qdev/machine", test_machine);
    return g_test_run();
}
