/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of qom/object.c: types, casts, lifecycle, properties, tree. */

#include "qemu/osdep.h"
#include "qom/object.h"

/*
 * Test types:
 *   test-animal (abstract) <- test-dog <- test-puppy
 *   test-cat implements test-pettable; test-puppy inherits test-pettable
 *   from test-dog.
 */
#define TYPE_TEST_ANIMAL "test-animal"
#define TYPE_TEST_DOG "test-dog"
#define TYPE_TEST_PUPPY "test-puppy"
#define TYPE_TEST_CAT "test-cat"
#define TYPE_TEST_PETTABLE "test-pettable"

OBJECT_DECLARE_TYPE(TestAnimal, TestAnimalClass, TEST_ANIMAL)
OBJECT_DECLARE_SIMPLE_TYPE(TestDog, TEST_DOG)

struct TestAnimal {
    Object parent_obj;
    int legs;
    char *name;
};

struct TestAnimalClass {
    ObjectClass parent_class;
    const char *(*sound)(TestAnimal *a);
};

struct TestDog {
    TestAnimal parent_obj;
    bool good;
};

/* An interface: the instance type is opaque, only the class is declared. */
typedef struct TestPettable TestPettable;
typedef struct TestPettableClass TestPettableClass;
struct TestPettableClass {
    InterfaceClass parent;
    int (*pet)(TestPettable *p);
};

#define TEST_PETTABLE(obj) \
    INTERFACE_CHECK(TestPettable, (obj), TYPE_TEST_PETTABLE)
DECLARE_CLASS_CHECKERS(TestPettableClass, TEST_PETTABLE, TYPE_TEST_PETTABLE)

/* Records init/finalize calls in order, e.g. "i:animal i:dog f:dog f:animal". */
static GString *events;

static void event(const char *what)
{
    if (events) {
        g_string_append_printf(events, "%s%s", events->len ? " " : "", what);
    }
}

static void animal_init(Object *obj)
{
    TEST_ANIMAL(obj)->legs = 4;
    event("i:animal");
}

static void animal_finalize(Object *obj)
{
    g_free(TEST_ANIMAL(obj)->name);
    event("f:animal");
}

static void dog_init(Object *obj)
{
    TEST_DOG(obj)->good = true;
    event("i:dog");
}

static void dog_finalize(Object *obj)
{
    event("f:dog");
}

static void puppy_init(Object *obj)
{
    event("i:puppy");
}

static void puppy_finalize(Object *obj)
{
    event("f:puppy");
}

static const char *dog_sound(TestAnimal *a)
{
    return "woof";
}

static const char *cat_sound(TestAnimal *a)
{
    return "meow";
}

static int dog_pet(TestPettable *p)
{
    return 1;
}

static int cat_pet(TestPettable *p)
{
    return 2;
}

static void dog_class_init(ObjectClass *oc, const void *data)
{
    TEST_ANIMAL_CLASS(oc)->sound = dog_sound;
    TEST_PETTABLE_CLASS(oc)->pet = dog_pet;
}

static void cat_class_init(ObjectClass *oc, const void *data)
{
    TEST_ANIMAL_CLASS(oc)->sound = cat_sound;
    TEST_PETTABLE_CLASS(oc)->pet = cat_pet;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_PETTABLE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(TestPettableClass),
    },
    {
        .name = TYPE_TEST_ANIMAL,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestAnimal),
        .instance_init = animal_init,
        .instance_finalize = animal_finalize,
        .abstract = true,
        .class_size = sizeof(TestAnimalClass),
    },
    {
        .name = TYPE_TEST_DOG,
        .parent = TYPE_TEST_ANIMAL,
        .instance_size = sizeof(TestDog),
        .instance_init = dog_init,
        .instance_finalize = dog_finalize,
        .class_init = dog_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_TEST_PETTABLE },
            { NULL },
        },
    },
    {
        .name = TYPE_TEST_PUPPY,
        .parent = TYPE_TEST_DOG,
        .instance_init = puppy_init,
        .instance_finalize = puppy_finalize,
    },
    {
        .name = TYPE_TEST_CAT,
        .parent = TYPE_TEST_ANIMAL,
        .class_init = cat_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_TEST_PETTABLE },
            { NULL },
        },
    },
};

DEFINE_TYPES(test_types)

static void test_type_hierarchy(void)
{
    ObjectClass *puppy = object_class_by_name(TYPE_TEST_PUPPY);
    ObjectClass *dog = object_class_by_name(TYPE_TEST_DOG);

    g_assert_nonnull(puppy);
    g_assert_cmpstr(object_class_get_name(puppy), ==, TYPE_TEST_PUPPY);
    g_assert(object_class_get_parent(puppy) == dog);
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(dog)), ==,
                    TYPE_TEST_ANIMAL);
    g_assert_true(object_class_is_abstract(
                      object_class_by_name(TYPE_TEST_ANIMAL)));
    g_assert_false(object_class_is_abstract(dog));
    g_assert_null(object_class_by_name("no-such-type"));
    g_assert(object_class_dynamic_cast(puppy, TYPE_TEST_ANIMAL) == puppy);
    g_assert_null(object_class_dynamic_cast(dog, TYPE_TEST_PUPPY));
    g_assert_null(object_class_dynamic_cast(dog, "no-such-type"));
    /* class_init of the parent is inherited by copy */
    g_assert(TEST_ANIMAL_CLASS(puppy)->sound == dog_sound);
}

static void test_class_list(void)
{
    GSList *l = object_class_get_list(TYPE_TEST_ANIMAL, false);
    GSList *all = object_class_get_list(TYPE_TEST_ANIMAL, true);
    GSList *pets = object_class_get_list(TYPE_TEST_PETTABLE, false);

    /* sorted by name, abstract ones only on request */
    g_assert_cmpuint(g_slist_length(l), ==, 3);
    g_assert_cmpstr(object_class_get_name(l->data), ==, TYPE_TEST_CAT);
    g_assert_cmpstr(object_class_get_name(l->next->data), ==, TYPE_TEST_DOG);
    g_assert_cmpstr(object_class_get_name(l->next->next->data), ==,
                    TYPE_TEST_PUPPY);
    g_assert_cmpuint(g_slist_length(all), ==, 4);
    g_assert_cmpuint(g_slist_length(pets), ==, 3);
    g_slist_free(l);
    g_slist_free(all);
    g_slist_free(pets);
}

static void test_lifecycle_order(void)
{
    Object *obj;

    events = g_string_new(NULL);
    obj = object_new(TYPE_TEST_PUPPY);
    g_assert_cmpstr(events->str, ==, "i:animal i:dog i:puppy");
    g_assert_cmpint(TEST_ANIMAL(obj)->legs, ==, 4);
    g_assert_true(TEST_DOG(obj)->good);
    g_string_truncate(events, 0);
    object_unref(obj);
    g_assert_cmpstr(events->str, ==, "f:puppy f:dog f:animal");
    g_string_free(events, true);
    events = NULL;
}

static void test_refcount(void)
{
    Object *obj;

    events = g_string_new(NULL);
    obj = object_new(TYPE_TEST_DOG);
    g_assert_cmpuint(obj->ref, ==, 1);
    g_assert(object_ref(obj) == obj);
    g_assert_cmpuint(obj->ref, ==, 2);
    g_string_truncate(events, 0);
    object_unref(obj);
    g_assert_cmpstr(events->str, ==, "");
    object_unref(obj);
    g_assert_cmpstr(events->str, ==, "f:dog f:animal");
    object_unref(NULL);                 /* allowed */
    g_string_free(events, true);
    events = NULL;
}

static void test_dynamic_cast(void)
{
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *cat = object_new(TYPE_TEST_CAT);

    g_assert(object_dynamic_cast(dog, TYPE_TEST_ANIMAL) == dog);
    g_assert(object_dynamic_cast(dog, TYPE_OBJECT) == dog);
    g_assert_null(object_dynamic_cast(cat, TYPE_TEST_DOG));
    g_assert_null(object_dynamic_cast(dog, TYPE_TEST_PUPPY));
    g_assert_null(object_dynamic_cast(NULL, TYPE_TEST_DOG));
    g_assert_cmpstr(object_get_typename(cat), ==, TYPE_TEST_CAT);
    /* checked casts that succeed return the same pointer */
    g_assert(TEST_ANIMAL(dog) == (TestAnimal *)dog);
    g_assert(TEST_DOG(dog) == (TestDog *)dog);
    g_assert_cmpstr(TEST_ANIMAL_GET_CLASS(cat)->sound(TEST_ANIMAL(cat)), ==,
                    "meow");
    object_unref(dog);
    object_unref(cat);
}

static void test_interface_cast(void)
{
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *puppy = object_new(TYPE_TEST_PUPPY);
    Object *cat = object_new(TYPE_TEST_CAT);
    Object *box = container_new();
    ObjectClass *ic;

    g_assert(object_dynamic_cast(dog, TYPE_TEST_PETTABLE) == dog);
    g_assert(object_dynamic_cast(dog, TYPE_INTERFACE) == dog);
    g_assert_null(object_dynamic_cast(box, TYPE_TEST_PETTABLE));
    /* each concrete class has its own interface class */
    ic = object_class_dynamic_cast(object_get_class(dog), TYPE_TEST_PETTABLE);
    g_assert_nonnull(ic);
    g_assert(ic != object_get_class(dog));
    g_assert(((InterfaceClass *)ic)->concrete_class == object_get_class(dog));
    g_assert_cmpint(TEST_PETTABLE_GET_CLASS(dog)->pet(TEST_PETTABLE(dog)),
                    ==, 1);
    g_assert_cmpint(TEST_PETTABLE_GET_CLASS(cat)->pet(TEST_PETTABLE(cat)),
                    ==, 2);
    /* inherited implementation, separate class copy */
    g_assert_cmpint(TEST_PETTABLE_GET_CLASS(puppy)->pet(TEST_PETTABLE(puppy)),
                    ==, 1);
    g_assert(((InterfaceClass *)TEST_PETTABLE_GET_CLASS(puppy))
             ->concrete_class == object_get_class(puppy));
    object_unref(dog);
    object_unref(puppy);
    object_unref(cat);
    object_unref(box);
}

/* What OBJECT_DECLARE_TYPE / OBJECT_DECLARE_SIMPLE_TYPE provide. */
static void test_declare_type(void)
{
    events = g_string_new(NULL);
    {
        g_autoptr(TestDog) dog = TEST_DOG(object_new(TYPE_TEST_PUPPY));
        const Object *cobj = OBJECT(dog);

        /* the casts take const pointers and return the same object */
        g_assert(TEST_ANIMAL(cobj) == &dog->parent_obj);
        g_assert(TEST_ANIMAL_GET_CLASS(cobj) ==
                 TEST_ANIMAL_CLASS(object_get_class(OBJECT(dog))));
        g_assert_cmpstr(TEST_ANIMAL_GET_CLASS(dog)->sound(TEST_ANIMAL(dog)),
                        ==, "woof");
        g_string_truncate(events, 0);
    }
    /* g_autoptr dropped the only reference */
    g_assert_cmpstr(events->str, ==, "f:puppy f:dog f:animal");
    g_string_free(events, true);
    events = NULL;
}

static void test_checked_cast_aborts(void)
{
    if (g_test_subprocess()) {
        Object *cat = object_new(TYPE_TEST_CAT);

        TEST_DOG(cat);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*is not an instance of type test-dog "
                              "(it is test-cat)*");
}

static void test_checked_class_cast_aborts(void)
{
    if (g_test_subprocess()) {
        TEST_PETTABLE_CLASS(object_class_by_name(TYPE_CONTAINER));
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*is not an instance of type test-pettable "
                              "(it is container)*");
}

static void test_abstract_new_aborts(void)
{
    if (g_test_subprocess()) {
        object_new(TYPE_TEST_ANIMAL);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*cannot instantiate abstract type "
                              "'test-animal'*");
}

static void test_new_checked(void)
{
    Error *err = NULL;
    Object *obj;

    g_assert_null(object_new_checked(TYPE_TEST_ANIMAL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Object type 'test-animal' is abstract");
    error_free_or_abort(&err);
    g_assert_null(object_new_checked("nope", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid object type 'nope'");
    error_free_or_abort(&err);
    g_assert_null(object_new_checked(TYPE_TEST_PETTABLE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid object type 'test-pettable'");
    error_free_or_abort(&err);
    obj = object_new_checked(TYPE_TEST_CAT, &err);
    g_assert_nonnull(obj);
    g_assert_null(err);
    object_unref(obj);
}

/* ---- properties ---- */

static bool legs_set(Object *obj, ObjectProperty *prop, const char *value,
                     Error **errp)
{
    char *end;
    long v = strtol(value, &end, 10);

    if (!*value || *end || v < 0 || v > 8) {
        error_setg(errp, "Property '%s.%s' expects 0..8, got '%s'",
                   object_get_typename(obj), prop->name, value);
        return false;
    }
    TEST_ANIMAL(obj)->legs = v;
    return true;
}

static char *legs_get(Object *obj, ObjectProperty *prop, bool human)
{
    int legs = TEST_ANIMAL(obj)->legs;

    return human ? g_strdup_printf("%d (0x%x)", legs, legs)
                 : g_strdup_printf("%d", legs);
}

static bool name_set(Object *obj, ObjectProperty *prop, const char *value,
                     Error **errp)
{
    g_free(TEST_ANIMAL(obj)->name);
    TEST_ANIMAL(obj)->name = g_strdup(value);
    return true;
}

static char *name_get(Object *obj, ObjectProperty *prop, bool human)
{
    return g_strdup(TEST_ANIMAL(obj)->name ? TEST_ANIMAL(obj)->name : "");
}

static Object *new_dog_with_props(void)
{
    Object *dog = object_new(TYPE_TEST_DOG);

    object_property_add(dog, "legs", "uint8", legs_get, legs_set, NULL, NULL);
    object_property_add(dog, "name", "str", name_get, name_set, NULL, NULL);
    object_property_add(dog, "ro", "str", name_get, NULL, NULL, NULL);
    return dog;
}

static void test_property_parse_print(void)
{
    Object *dog = new_dog_with_props();
    Error *err = NULL;
    char *s;

    g_assert_true(object_property_parse(dog, "legs", "3", &err));
    g_assert_null(err);
    g_assert_cmpint(TEST_ANIMAL(dog)->legs, ==, 3);
    s = object_property_print(dog, "legs");
    g_assert_cmpstr(s, ==, "3 (0x3)");
    g_free(s);
    s = object_property_get_str(dog, "legs", &err);
    g_assert_cmpstr(s, ==, "3");
    g_free(s);
    g_assert_cmpuint(object_property_get_uint(dog, "legs", &err), ==, 3);
    g_assert_true(object_property_set_uint(dog, "legs", 6, &err));
    g_assert_cmpint(object_property_get_int(dog, "legs", &err), ==, 6);
    g_assert_null(object_property_print(dog, "nope"));

    g_assert_false(object_property_parse(dog, "legs", "9", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.legs' expects 0..8, got '9'");
    error_free_or_abort(&err);
    g_assert_cmpint(TEST_ANIMAL(dog)->legs, ==, 6);

    g_assert_false(object_property_parse(dog, "tail", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.tail' not found");
    error_free_or_abort(&err);

    g_assert_false(object_property_parse(dog, "ro", "x", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.ro' is not writable");
    error_free_or_abort(&err);

    g_assert_null(object_property_get_str(dog, "tail", &err));
    error_free_or_abort(&err);
    g_assert_cmpuint(object_property_get_uint(dog, "name", &err), ==, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.name' is not an unsigned number");
    error_free_or_abort(&err);

    object_property_del(dog, "legs");
    g_assert_null(object_property_find(dog, "legs"));
    object_property_del(dog, "legs");   /* unknown: ignored */
    object_unref(dog);
}

static void test_props_from_str(void)
{
    Object *dog = new_dog_with_props();
    Error *err = NULL;

    g_assert_true(object_set_props_from_str(dog, "legs=2,name=a,,b", &err));
    g_assert_null(err);
    g_assert_cmpint(TEST_ANIMAL(dog)->legs, ==, 2);
    g_assert_cmpstr(TEST_ANIMAL(dog)->name, ==, "a,b");
    g_assert_true(object_set_props_from_str(dog, "", &err));

    /* stops at the first error; earlier ones stay applied */
    g_assert_false(object_set_props_from_str(dog, "legs=1,legs=99,name=z",
                                              &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.legs' expects 0..8, got '99'");
    error_free_or_abort(&err);
    g_assert_cmpint(TEST_ANIMAL(dog)->legs, ==, 1);
    g_assert_cmpstr(TEST_ANIMAL(dog)->name, ==, "a,b");

    g_assert_false(object_set_props_from_str(dog, "legs", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.legs' needs a value ('legs=...')");
    error_free_or_abort(&err);
    g_assert_false(object_set_props_from_str(dog, "fur=long", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.fur' not found");
    error_free_or_abort(&err);
    object_unref(dog);
}

static void test_opts_split(void)
{
    GPtrArray *kv = qemu_opts_split("e1000,id=n0,,x,flag,a=");

    g_assert_cmpuint(kv->len, ==, 8);
    g_assert_cmpstr(kv->pdata[0], ==, "e1000");
    g_assert_null(kv->pdata[1]);
    g_assert_cmpstr(kv->pdata[2], ==, "id");
    g_assert_cmpstr(kv->pdata[3], ==, "n0,x");
    g_assert_cmpstr(kv->pdata[4], ==, "flag");
    g_assert_null(kv->pdata[5]);
    g_assert_cmpstr(kv->pdata[6], ==, "a");
    g_assert_cmpstr(kv->pdata[7], ==, "");
    g_ptr_array_unref(kv);
}

/* ---- the tree ---- */

static void test_tree_paths(void)
{
    Object *root = object_get_root();
    Object *zoo = container_get(root, "test-zoo");
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *cat = object_new(TYPE_TEST_CAT);
    char *path;

    g_assert(container_get(root, "test-zoo") == zoo);
    object_property_add_child(zoo, "rex", dog);
    g_assert_cmpuint(dog->ref, ==, 2);
    object_unref(dog);                  /* the tree holds it now */
    object_property_add_child(dog, "flea[*]", cat);
    object_unref(cat);

    path = object_get_canonical_path(cat);
    g_assert_cmpstr(path, ==, "/test-zoo/rex/flea[0]");
    g_free(path);
    path = object_get_canonical_path(root);
    g_assert_cmpstr(path, ==, "/");
    g_free(path);
    g_assert_cmpstr(object_get_canonical_path_component(dog), ==, "rex");
    g_assert(object_resolve_path("/test-zoo/rex") == dog);
    g_assert(object_resolve_path("/test-zoo/rex/flea[0]") == cat);
    g_assert(object_resolve_path("/") == root);
    g_assert(object_resolve_path_type("/test-zoo/rex", TYPE_TEST_ANIMAL) ==
             dog);
    g_assert_null(object_resolve_path_type("/test-zoo/rex", TYPE_TEST_CAT));
    g_assert_null(object_resolve_path("/test-zoo/missing"));
    g_assert_null(object_resolve_path("/test-zoo/rex/flea[0]/deeper"));
    g_assert_null(object_resolve_path("test-zoo/rex"));
    g_assert_null(object_resolve_path(NULL));
    g_assert(object_property_get_link(dog, "flea[0]", &error_abort) == cat);

    object_unparent(zoo);               /* frees the whole subtree */
    g_assert_null(object_resolve_path("/test-zoo"));
}

static void test_tree_star_names(void)
{
    Object *box = container_new();
    Object *a = container_new(), *b = container_new(), *c = container_new();

    object_property_add_child(box, "item[*]", a);
    object_property_add_child(box, "item[*]", b);
    g_assert_cmpstr(object_get_canonical_path_component(b), ==, "item[1]");
    object_unparent(a);
    object_property_add_child(box, "item[*]", c);
    /* the first free index is reused */
    g_assert_cmpstr(object_get_canonical_path_component(c), ==, "item[0]");
    /* a detached object has no canonical path */
    g_assert_null(object_get_canonical_path(a));
    object_unref(a);
    object_unref(b);
    object_unref(c);
    object_unref(box);
}

static void test_tree_add_errors(void)
{
    Object *box = container_new();
    Object *other = container_new();
    Object *a = container_new();
    Object *b = container_new();
    Error *err = NULL;

    g_assert_nonnull(object_property_try_add_child(box, "x", a, &err));
    g_assert_null(object_property_try_add_child(box, "x", b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'x' to object "
                    "(type 'container')");
    error_free_or_abort(&err);
    g_assert_null(b->parent);
    g_assert_null(object_property_try_add_child(other, "y", a, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Object (type 'container') already has a parent");
    error_free_or_abort(&err);
    g_assert(a->parent == box);
    object_unref(a);
    object_unref(b);
    object_unref(other);
    object_unref(box);
}

static void test_unparent_finalizes_children(void)
{
    Object *box = container_new();
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *puppy = object_new(TYPE_TEST_PUPPY);

    object_property_add_child(box, "dog", dog);
    object_property_add_child(dog, "puppy", puppy);
    object_unref(puppy);
    events = g_string_new(NULL);
    object_unparent(dog);
    /* we still hold dog: nothing finalized yet, puppy still attached */
    g_assert_cmpstr(events->str, ==, "");
    g_assert_null(dog->parent);
    g_assert(object_resolve_path_component(dog, "puppy") == puppy);
    object_unparent(dog);               /* no parent: no-op */
    object_unref(dog);
    g_assert_cmpstr(events->str, ==,
                    "f:puppy f:dog f:animal f:dog f:animal");
    g_string_free(events, true);
    events = NULL;
    object_unref(box);
}

static int count_child(Object *child, void *opaque)
{
    (*(int *)opaque)++;
    return 0;
}

static int stop_at_second(Object *child, void *opaque)
{
    return ++(*(int *)opaque) == 2 ? 42 : 0;
}

static void test_child_foreach(void)
{
    Object *box = container_new();
    int n = 0;

    object_property_add(box, "not-a-child", "str", NULL, NULL, NULL, NULL);
    for (int i = 0; i < 3; i++) {
        Object *c = container_new();

        object_property_add_child(box, "c[*]", c);
        if (i == 0) {
            Object *gc = container_new();

            object_property_add_child(c, "gc", gc);
            object_unref(gc);
        }
        object_unref(c);
    }
    g_assert_cmpint(object_child_foreach(box, count_child, &n), ==, 0);
    g_assert_cmpint(n, ==, 3);
    n = 0;
    object_child_foreach_recursive(box, count_child, &n);
    g_assert_cmpint(n, ==, 4);
    n = 0;
    g_assert_cmpint(object_child_foreach(box, stop_at_second, &n), ==, 42);
    g_assert_cmpint(n, ==, 2);
    object_unref(box);
}

static void test_embedded_object(void)
{
    struct {
        int before;
        TestDog dog;
    } holder = { .before = 7 };
    Object *box = container_new();

    events = g_string_new(NULL);
    object_initialize_child(box, "embedded", &holder.dog, sizeof(holder.dog),
                            TYPE_TEST_DOG);
    g_assert_cmpuint(OBJECT(&holder.dog)->ref, ==, 1);
    g_assert_true(holder.dog.good);
    g_string_truncate(events, 0);
    object_unparent(OBJECT(&holder.dog));
    g_assert_cmpstr(events->str, ==, "f:dog f:animal");
    g_assert_cmpint(holder.before, ==, 7);
    g_string_free(events, true);
    events = NULL;
    object_unref(box);
}

static void test_print_tree(void)
{
    Object *machine = container_new();
    Object *b = container_new();
    Object *a = object_new(TYPE_TEST_DOG);
    GString *out = g_string_new(NULL);

    object_print_tree(out);
    g_assert_cmpstr(out->str, ==, "");  /* no /machine yet */
    object_property_add_child(object_get_root(), "machine", machine);
    object_property_add_child(machine, "zeta", b);
    object_property_add_child(machine, "alpha", a);
    object_property_add_child(b, "inner", container_new());
    object_unref(object_resolve_path("/machine/zeta/inner"));
    object_print_tree(out);
    g_assert_cmpstr(out->str, ==,
                    "/machine (container)\n"
                    "  /alpha (test-dog)\n"
                    "  /zeta (container)\n"
                    "    /inner (container)\n");
    object_unparent(machine);
    object_unref(machine);
    object_unref(a);
    object_unref(b);
    g_string_free(out, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qom/type/hierarchy", test_type_hierarchy);
    g_test_add_func("/qom/type/class-list", test_class_list);
    g_test_add_func("/qom/object/init-finalize-order", test_lifecycle_order);
    g_test_add_func("/qom/object/refcount", test_refcount);
    g_test_add_func("/qom/object/new-checked", test_new_checked);
    g_test_add_func("/qom/object/abstract-aborts", test_abstract_new_aborts);
    g_test_add_func("/qom/cast/dynamic", test_dynamic_cast);
    g_test_add_func("/qom/cast/interface", test_interface_cast);
    g_test_add_func("/qom/cast/declare-type", test_declare_type);
    g_test_add_func("/qom/cast/checked-aborts", test_checked_cast_aborts);
    g_test_add_func("/qom/cast/checked-class-aborts",
                    test_checked_class_cast_aborts);
    g_test_add_func("/qom/property/parse-print", test_property_parse_print);
    g_test_add_func("/qom/property/from-str", test_props_from_str);
    g_test_add_func("/qom/property/opts-split", test_opts_split);
    g_test_add_func("/qom/tree/paths", test_tree_paths);
    g_test_add_func("/qom/tree/star-names", test_tree_star_names);
    g_test_add_func("/qom/tree/add-errors", test_tree_add_errors);
    g_test_add_func("/qom/tree/unparent", test_unparent_finalizes_children);
    g_test_add_func("/qom/tree/foreach", test_child_foreach);
    g_test_add_func("/qom/tree/embedded", test_embedded_object);
    g_test_add_func("/qom/tree/print", test_print_tree);
    return g_test_run();
}
