/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of user-creatable objects (qom/object_interfaces.c) and the
 * vfio-soft-host object (hw/vfio/soft-host.c): creation, errors, the
 * factory, fault injection, host RAM, link resolution of ids.
 */

#include "qemu/osdep.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-properties.h"
#include "hw/vfio/soft-host.h"

#define RW VFIO_IOMMU_PERM_RW

/* Create from an -object string; the object or NULL with *@msg set. */
static Object *add(const char *opts, char **msg)
{
    Error *err = NULL;
    Object *obj = user_creatable_add_from_str(opts, &err);

    if (msg) {
        *msg = err ? g_strdup(error_get_pretty(err)) : NULL;
    }
    if (err) {
        error_free(err);
    }
    return obj;
}

static void assert_add_error(const char *opts, const char *want)
{
    g_autofree char *msg = NULL;

    g_assert_null(add(opts, &msg));
    g_assert_cmpstr(msg, ==, want);
}

static void assert_del_error(const char *id, const char *want)
{
    Error *err = NULL;

    g_assert_false(user_creatable_del(id, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
}

static VFIOSoftHost *host_new(const char *opts)
{
    Object *obj = add(opts, NULL);

    g_assert_nonnull(obj);
    return VFIO_SOFT_HOST(obj);
}

static void test_add_del(void)
{
    Object *obj = add("vfio-soft-host,id=h0,iommu-type=type1v2", NULL);
    g_autofree char *path = NULL;

    g_assert_nonnull(obj);
    path = object_get_canonical_path(obj);
    g_assert_cmpstr(path, ==, "/objects/h0");
    g_assert(object_resolve_path("/objects/h0") == obj);
    g_assert_cmpuint(obj->ref, ==, 1);          /* /objects only */
    g_assert_true(user_creatable_del("h0", &error_abort));
    g_assert_null(object_resolve_path("/objects/h0"));
    /* qom-type= spells the type */
    g_assert_nonnull(add("qom-type=vfio-soft-host,id=h1,"
                         "iommu-type=spapr-tce-v2", NULL));
    g_assert_true(user_creatable_del("h1", &error_abort));
}

static void test_errors(void)
{
    assert_add_error("nope,id=x", "invalid object type: nope");
    assert_add_error("container,id=x",
                     "object type 'container' isn't supported by object-add");
    assert_add_error("user-creatable,id=x",
                     "invalid object type: user-creatable");
    assert_add_error("vfio-soft-host", "Parameter 'id' is missing");
    assert_add_error("id=x", "Parameter 'qom-type' is missing");
    assert_add_error("vfio-soft-host,id=9x",
                     "Parameter 'id' expects an identifier");
    assert_add_error("vfio-soft-host,id=x,bogus",
                     "Expected '=' after parameter 'bogus'");
    assert_add_error("vfio-soft-host,id=x,foo=1",
                     "Property 'vfio-soft-host.foo' not found");
    assert_add_error("vfio-soft-host,id=x",
                     "vfio-soft-host 'x': iommu-type is required (type1v2 "
                     "or spapr-tce-v2)");
    assert_add_error("vfio-soft-host,id=x,iommu-type=type1",
                     "Parameter 'iommu-type' does not accept value 'type1'");
    assert_add_error("vfio-soft-host,id=x,iommu-type=type1v2,levels=3",
                     "vfio-soft-host 'x': levels applies to "
                     "iommu-type=spapr-tce-v2 only");
    assert_add_error("vfio-soft-host,id=x,iommu-type=spapr-tce-v2,"
                     "iova-ranges=0-0xffff",
                     "vfio-soft-host 'x': iova-ranges applies to "
                     "iommu-type=type1v2 only");
    assert_add_error("vfio-soft-host,id=x,iommu-type=type1v2,iova-ranges=1",
                     "Property 'vfio-soft-host.iova-ranges': expects "
                     "START-LAST[:START-LAST...], got '1'");
    assert_add_error("vfio-soft-host,id=x,iommu-type=type1v2,"
                     "iova-ranges=0x10000-0xfffff:0x0-0xffff",
                     "vfio-soft-host 'x': IOVA range 1 is inverted, "
                     "overlapping or out of order");
    assert_add_error("vfio-soft-host,id=x,iommu-type=type1v2,pgsizes=4K:3K",
                     "Property 'vfio-soft-host.pgsizes': expects powers of "
                     "two of at least 4K separated by ':', got '4K:3K'");
    assert_add_error("vfio-soft-host,id=x,dma-entry-limit=0",
                     "Property 'vfio-soft-host.dma-entry-limit' doesn't take "
                     "value 0 (minimum: 1, maximum: 4294967295)");
    assert_add_error("vfio-soft-host,id=x,max-window=1Q",
                     "Property 'vfio-soft-host.max-window' expects a size, "
                     "got '1Q'");
    assert_add_error("vfio-soft-host,id=x,fail=map:1",
                     "Property 'vfio-soft-host.fail': expects "
                     "OP:N:ERRNO[+OP:N:ERRNO...], got 'map:1'");
    assert_add_error("vfio-soft-host,id=x,fail=map:1:EWHAT",
                     "Property 'vfio-soft-host.fail': unknown errno 'EWHAT' "
                     "(EPERM, ENOENT, EIO, ENXIO, E2BIG, EAGAIN, ENOMEM, "
                     "EFAULT, EBUSY, EEXIST, ENODEV, EINVAL, ENOSPC, ENOTTY "
                     "or ERANGE)");
    /* a refused object leaves nothing behind; the id is free again */
    g_assert_null(object_resolve_path("/objects/x"));
    g_assert_nonnull(add("vfio-soft-host,id=x,iommu-type=type1v2", NULL));
    assert_add_error("vfio-soft-host,id=x,iommu-type=type1v2",
                     "attempt to add duplicate property 'x' to object (type "
                     "'container')");
    assert_del_error("nope", "object 'nope' not found");
    g_assert_true(user_creatable_del("x", &error_abort));
}

static void test_set_after_complete(void)
{
    VFIOSoftHost *h = host_new("vfio-soft-host,id=h0,iommu-type=type1v2,"
                               "dma-entry-limit=7");
    Error *err = NULL;
    g_autofree char *v = object_property_get_str(OBJECT(h), "dma-entry-limit",
                                                 &error_abort);

    g_assert_cmpstr(v, ==, "7");
    g_assert_false(object_property_parse(OBJECT(h), "dma-entry-limit", "8",
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Property "
                    "'vfio-soft-host.dma-entry-limit' cannot be changed after "
                    "creation");
    error_free(err);
    user_creatable_del("h0", &error_abort);
}

static void test_help(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    Error *err = NULL;

    g_assert_cmpint(user_creatable_help("help", out, &error_abort), ==, 1);
    g_assert_cmpstr(out->str, ==, "List of user creatable objects:\n"
                    "  vfio-soft-host\n");
    g_string_truncate(out, 0);
    g_assert_cmpint(user_creatable_help("vfio-soft-host,id=a", out,
                                        &error_abort), ==, 0);
    g_assert_cmpint(user_creatable_help("vfio-soft-host,help", out,
                                        &error_abort), ==, 1);
    g_assert_true(g_str_has_prefix(out->str, "vfio-soft-host options:\n"
                                   "  backing-page-size=<size> - "));
    g_assert_nonnull(strstr(out->str, "\n  iommu-type=<str>       - type1v2 "
                            "or spapr-tce-v2 (required)\n"));
    g_assert_cmpint(user_creatable_help("nope,help", out, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==, "invalid object type: nope");
    error_free(err);
}

static void test_factory(void)
{
    VFIOSoftHost *h = host_new("vfio-soft-host,id=h0,iommu-type=type1v2,"
                               "dma-entry-limit=1,pgsizes=4K:2M");
    VFIOIOMMU *a = vfio_soft_host_new_iommu(h, &error_abort);
    VFIOIOMMU *b = vfio_soft_host_new_iommu(h, &error_abort);
    VFIOIOMMUInfo info;

    g_assert_cmpint(vfio_soft_host_iommu_type(h), ==, VFIO_IOMMU_TYPE1V2);
    g_assert_cmpint(vfio_soft_host_instance_index(a), ==, 0);
    g_assert_cmpint(vfio_soft_host_instance_index(b), ==, 1);
    g_assert(vfio_soft_host_of(a) == h);
    g_assert_nonnull(vfio_soft_host_get_soft(a));
    g_assert_cmpuint(vfio_soft_host_instance_count(h), ==, 2);
    g_assert_cmpstr(a->ops->name, ==, "soft");

    /* only the configured type; the configuration reaches the engine */
    g_assert_cmpint(vfio_iommu_setup(a, VFIO_IOMMU_SPAPR_TCE_V2), ==,
                    -ENODEV);
    g_assert_cmpint(vfio_iommu_setup(a, VFIO_IOMMU_TYPE1V2), ==, 0);
    g_assert_cmpint(vfio_iommu_info(a, &info), ==, 0);
    g_assert_cmphex(info.pgsizes, ==, 0x201000);
    g_assert_cmpuint(info.dma_avail, ==, 1);
    g_assert_cmpint(vfio_iommu_map(a, 0x10000, 0x1000, 0x1000000, RW), ==, 0);
    g_assert_cmpint(vfio_iommu_map(a, 0x20000, 0x1000, 0x2000000, RW), ==,
                    -ENOSPC);
    g_assert_cmpuint(vfio_soft_get_counters(vfio_soft_host_get_soft(a),
                                            VFIO_SOFT_OP_MAP).calls, ==, 2);

    /* in use while an instance exists */
    g_assert_false(user_creatable_can_be_deleted(USER_CREATABLE(h)));
    assert_del_error("h0", "object 'h0' is in use, can not be deleted");
    vfio_iommu_release(a);
    assert_del_error("h0", "object 'h0' is in use, can not be deleted");
    vfio_iommu_release(b);
    g_assert_cmpuint(vfio_soft_host_instance_count(h), ==, 0);
    /* numbers are not reused */
    b = vfio_soft_host_new_iommu(h, &error_abort);
    g_assert_cmpint(vfio_soft_host_instance_index(b), ==, 2);
    vfio_iommu_release(b);
    g_assert_true(user_creatable_del("h0", &error_abort));
    g_assert_null(vfio_soft_host_get_soft(NULL));
}

static void test_fail_property(void)
{
    VFIOSoftHost *h = host_new("vfio-soft-host,id=h0,iommu-type=spapr-tce-v2,"
                               "fail=register:2:EBUSY+window-create:1:ENOMEM");
    VFIOIOMMU *io = vfio_soft_host_new_iommu(h, &error_abort);
    VFIOSoftIOMMU *s = vfio_soft_host_get_soft(io);
    hwaddr start;

    g_assert_cmpint(vfio_iommu_setup(io, VFIO_IOMMU_SPAPR_TCE_V2), ==, 0);
    g_assert_cmpint(vfio_iommu_register_memory(io, 0x10000000, 0x10000), ==,
                    0);
    g_assert_cmpint(vfio_iommu_register_memory(io, 0x20000000, 0x10000), ==,
                    -EBUSY);
    g_assert_cmpint(vfio_iommu_register_memory(io, 0x20000000, 0x10000), ==,
                    0);
    g_assert_cmpint(vfio_iommu_add_window(io, 16, 1ULL << 30, 1, &start), ==,
                    -ENOMEM);
    g_assert_cmpuint(vfio_soft_get_counters(s, VFIO_SOFT_OP_REGISTER).injected,
                     ==, 1);
    g_assert_cmpuint(vfio_soft_get_counters(s,
                                            VFIO_SOFT_OP_ADD_WINDOW).injected,
                     ==, 1);
    vfio_iommu_release(io);
    user_creatable_del("h0", &error_abort);
}

static void test_inject(void)
{
    VFIOSoftHost *h = host_new("vfio-soft-host,id=h0,iommu-type=type1v2");
    VFIOIOMMU *a, *b;
    Error *err = NULL;

    g_assert_false(vfio_soft_host_inject(h, -1, VFIO_SOFT_OP_MAP, 1, EIO,
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "vfio-soft-host 'h0' has no "
                    "IOMMU instance yet (arm faults for new ones with its "
                    "'fail' property)");
    error_free(err);
    err = NULL;
    a = vfio_soft_host_new_iommu(h, &error_abort);
    b = vfio_soft_host_new_iommu(h, &error_abort);
    vfio_iommu_setup(a, VFIO_IOMMU_TYPE1V2);
    vfio_iommu_setup(b, VFIO_IOMMU_TYPE1V2);
    g_assert_false(vfio_soft_host_inject(h, 5, VFIO_SOFT_OP_MAP, 1, EIO,
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "vfio-soft-host 'h0' has no "
                    "IOMMU instance 5");
    error_free(err);
    g_assert_true(vfio_soft_host_inject(h, 1, VFIO_SOFT_OP_MAP, 1, EIO,
                                        &error_abort));
    g_assert_cmpint(vfio_iommu_map(a, 0x10000, 0x1000, 0x1000000, RW), ==, 0);
    g_assert_cmpint(vfio_iommu_map(b, 0x10000, 0x1000, 0x1000000, RW), ==,
                    -EIO);
    g_assert_true(vfio_soft_host_inject(h, -1, VFIO_SOFT_OP_UNMAP, 1,
                                        ENOSPC, &error_abort));
    {
        uint64_t size = 0x1000;

        g_assert_cmpint(vfio_iommu_unmap(a, 0x10000, &size), ==, -ENOSPC);
        g_assert_cmpint(vfio_iommu_unmap(b, 0x10000, &size), ==, -ENOSPC);
    }
    vfio_iommu_release(a);
    vfio_iommu_release(b);
    user_creatable_del("h0", &error_abort);
}

static void test_host_ram(void)
{
    VFIOSoftHost *h = host_new("vfio-soft-host,id=h0,iommu-type=type1v2");
    VFIOIOMMU *a = vfio_soft_host_new_iommu(h, &error_abort);
    VFIOIOMMU *b;

    g_assert_cmpint(vfio_soft_host_add_ram(h, 0x1000000, 0x100000), ==, 0);
    g_assert_cmpint(vfio_soft_host_add_ram(h, 0x10ff000, 0x2000), ==,
                    -EEXIST);
    g_assert_cmpint(vfio_soft_host_add_ram(h, 0x1000, 0), ==, -EINVAL);
    b = vfio_soft_host_new_iommu(h, &error_abort);
    vfio_iommu_setup(a, VFIO_IOMMU_TYPE1V2);
    vfio_iommu_setup(b, VFIO_IOMMU_TYPE1V2);
    /* declared to the instance that existed and to the new one */
    g_assert_cmpint(vfio_iommu_map(a, 0x10000, 0x1000, 0x1000000, RW), ==, 0);
    g_assert_cmpint(vfio_iommu_map(a, 0x20000, 0x1000, 0x2000000, RW), ==,
                    -EFAULT);
    g_assert_cmpint(vfio_iommu_map(b, 0x20000, 0x1000, 0x2000000, RW), ==,
                    -EFAULT);
    vfio_iommu_release(a);
    vfio_iommu_release(b);
    user_creatable_del("h0", &error_abort);
}

/* An object with a link<vfio-soft-host> "soft-host", set like -device's. */
typedef struct TestUser {
    Object parent_obj;
    VFIOSoftHost *host;
} TestUser;

static const Property test_user_link =
    DEFINE_PROP_LINK("soft-host", TestUser, host, TYPE_VFIO_SOFT_HOST,
                     VFIOSoftHost);

static void test_user_init(Object *obj)
{
    qdev_property_add_static(obj, &test_user_link);
}

static const TypeInfo test_user_info = {
    .name = "test-soft-host-user",
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(TestUser),
    .instance_init = test_user_init,
};

static void test_link_by_id(void)
{
    VFIOSoftHost *h = host_new("vfio-soft-host,id=h0,iommu-type=type1v2");
    Object *u = object_new("test-soft-host-user");
    Object *other;
    Error *err = NULL;
    g_autofree char *path = NULL;

    object_property_parse(u, "soft-host", "h0", &error_abort);
    g_assert(((TestUser *)u)->host == h);
    path = object_property_get_str(u, "soft-host", &error_abort);
    g_assert_cmpstr(path, ==, "/objects/h0");
    object_property_parse(u, "soft-host", "objects/h0", &error_abort);
    object_property_parse(u, "soft-host", "/objects/h0", &error_abort);
    g_assert(((TestUser *)u)->host == h);
    g_assert_false(object_property_parse(u, "soft-host", "h1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'h1' not found");
    error_free(err);
    err = NULL;
    /* two objects reached by the same partial path */
    other = object_new(TYPE_VFIO_SOFT_HOST);
    object_property_add_child(container_get(object_get_root(), "other"), "h0",
                              other);
    g_assert_false(object_property_parse(u, "soft-host", "h0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Path 'h0' is ambiguous");
    error_free(err);
    object_unparent(object_resolve_path("/other"));
    object_unref(other);
    object_unref(u);
    g_assert_true(user_creatable_del("h0", &error_abort));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_user_info);
    g_test_add_func("/object/add-del", test_add_del);
    g_test_add_func("/object/errors", test_errors);
    g_test_add_func("/object/help", test_help);
    g_test_add_func("/object/link-by-id", test_link_by_id);
    g_test_add_func("/vfio-soft-host/set-after-complete",
                    test_set_after_complete);
    g_test_add_func("/vfio-soft-host/factory", test_factory);
    g_test_add_func("/vfio-soft-host/fail-property", test_fail_property);
    g_test_add_func("/vfio-soft-host/inject", test_inject);
    g_test_add_func("/vfio-soft-host/host-ram", test_host_ram);
    return g_test_run();
}
