/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The object model: types, classes, interfaces, instance lifecycle,
 * reference counting, string-typed properties and the child tree.
 *
 * A type is described once by a static TypeInfo and registered from a
 * type_init() function (run by a constructor before main()).  Its class is
 * built lazily on first use: the parent's class is copied, then the type's
 * class_init() fills in the pointers it overrides.  class_init must be pure
 * (no registries, no allocation other than what the class itself owns).
 *
 * Instances are reference counted.  object_new() returns one reference,
 * owned by the caller.  object_property_add_child() makes the parent take
 * its own reference; object_unparent() drops it.  When the last reference
 * goes, all properties are released (children are unparented, links drop
 * their targets) and instance_finalize runs from the most derived type up
 * to TYPE_OBJECT.  Single-threaded: nothing here takes a lock.
 *
 * Casts: OBJECT_CHECK / OBJECT_CLASS_CHECK / INTERFACE_CHECK abort with a
 * message on a wrong type (a programming error); object_dynamic_cast()
 * returns NULL instead.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct ObjectProperty ObjectProperty;
typedef struct InterfaceClass InterfaceClass;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
/* A plain node of the tree: "/", "/machine/peripheral", ... */
#define TYPE_CONTAINER "container"

/*
 * Property accessors.  All values cross the property boundary as strings:
 * @set parses @value (and reports "Property 'TYPE.NAME' ..." errors);
 * @get returns a g_malloc'd string, in the plain form (what @set accepts)
 * or, with @human, in the form `info qtree` shows ("5 (0x5)").  @release
 * runs when the property is deleted (also when the object is finalized).
 * A NULL @set makes the property read-only; a NULL @get write-only.
 */
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               const char *value, Error **errp);
typedef char *ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                                bool human);
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);
/* The object a child<> or link<> property points at (path resolution). */
typedef Object *ObjectPropertyResolve(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;                 /* "uint32", "bool", "child<T>", "link<T>" */
    char *description;          /* may be NULL */
    char *defval;               /* JSON text of the default, or NULL */
    ObjectPropertySet *set;
    ObjectPropertyGet *get;
    ObjectPropertyRelease *release;
    ObjectPropertyResolve *resolve;     /* child<> and link<> only */
    void *opaque;
    GList *link;                /* in the owner's ordered list */
};

struct ObjectClass {
    Type type;
    GSList *interfaces;         /* InterfaceClass *, one per implemented iface */
    /* Called by object_unparent() before the object leaves its parent. */
    void (*unparent)(Object *obj);
};

struct Object {
    ObjectClass *class;
    GHashTable *properties;     /* name -> ObjectProperty * (lookup) */
    GQueue property_order;      /* ObjectProperty *, in insertion order */
    Object *parent;
    const char *parent_name;    /* name of our child<> property in parent */
    uint32_t ref;
    bool embedded;              /* object_initialize(): not freed */
};

/*
 * The class of an interface, as seen from one concrete class: the
 * concrete class_init fills the interface's methods through a checked
 * cast of its own class to the interface class.
 */
struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent;         /* NULL only for TYPE_OBJECT / TYPE_INTERFACE */
    size_t instance_size;       /* 0: inherit */
    void (*instance_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    size_t class_size;          /* 0: inherit */
    void (*class_init)(ObjectClass *oc, const void *data);
    const void *class_data;
    const InterfaceInfo *interfaces;    /* { NULL }-terminated, or NULL */
} TypeInfo;

/* Register @info (static storage).  A duplicate name is a programming error. */
Type type_register_static(const TypeInfo *info);
/* Register @n entries of @infos. */
void type_register_static_array(const TypeInfo *infos, int n);

/* Run @fn (which registers types) from a constructor, before main(). */
#define type_init(fn) \
    static void __attribute__((constructor)) do_type_init_ ## fn(void) \
    { \
        fn(); \
    }

/* Register a static TypeInfo array and nothing else. */
#define DEFINE_TYPES(infos) \
    static void do_register_types_ ## infos(void) \
    { \
        type_register_static_array(infos, G_N_ELEMENTS(infos)); \
    } \
    type_init(do_register_types_ ## infos)

/* ---- classes ---- */

/* The class of @typename (initialised on first use), or NULL if unknown. */
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *oc);
/* The parent class, or NULL for TYPE_OBJECT. */
ObjectClass *object_class_get_parent(ObjectClass *oc);
bool object_class_is_abstract(ObjectClass *oc);
/*
 * @oc if it is @typename or a subtype; the matching InterfaceClass if @oc
 * implements interface @typename; NULL otherwise.
 */
ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename);
/* As object_class_dynamic_cast(), aborting with a message on NULL. */
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func);
/*
 * Every class that is @implements_type (a type or an interface; NULL: all),
 * sorted by type name.  Free the list with g_slist_free().
 */
GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract);

/* ---- instances ---- */

/* New instance of a concrete type; unknown or abstract types abort. */
Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *oc);
/*
 * The user path: new instance of @typename, or NULL with an error if the
 * type is unknown ("Invalid object type 'X'") or abstract ("Object type
 * 'X' is abstract").
 */
Object *object_new_checked(const char *typename, Error **errp);

/*
 * Initialise an object embedded in a larger structure (@size bytes at
 * @data, at least the type's instance size).  Its memory is not freed at
 * finalize; the embedding structure must outlive the last reference.
 */
void object_initialize(void *data, size_t size, const char *typename);
/*
 * object_initialize() then add it as child @name of @parent, which then
 * holds the only reference (unparenting finalizes it).
 */
void object_initialize_child(Object *parent, const char *name, void *child,
                             size_t size, const char *typename);

Object *object_ref(void *obj);
/* Drop one reference; the last one finalizes and frees the object. */
void object_unref(void *obj);

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(Object *obj);
/* @obj if its type is or implements @typename, else NULL. */
Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(class) ((ObjectClass *)(class))

#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__, __func__))
#define OBJECT_CLASS_CHECK(class_type, class, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(class), \
                                                    (name), __FILE__, \
                                                    __LINE__, __func__))
#define OBJECT_GET_CLASS(class, obj, name) \
    OBJECT_CLASS_CHECK(class, object_get_class(OBJECT(obj)), name)
/* An interface "instance" is the object itself, under an opaque type. */
#define INTERFACE_CHECK(interface, obj, name) \
    ((interface *)object_dynamic_cast_assert(OBJECT((obj)), (name), \
                                             __FILE__, __LINE__, __func__))

/*
 * Declaring a type in its header (QEMU's helpers, same names and results).
 * With "#define TYPE_FOO_BAR "foo-bar"" in scope:
 *
 *   OBJECT_DECLARE_SIMPLE_TYPE(FooBar, FOO_BAR)
 *     typedef struct FooBar FooBar; g_autoptr(FooBar) (drops a reference);
 *     FooBar *FOO_BAR(const void *obj), a checked cast.  For a type whose
 *     class adds nothing (its TypeInfo leaves class_size 0).
 *   OBJECT_DECLARE_TYPE(FooBar, FooBarClass, FOO_BAR)
 *     the same plus typedef struct FooBarClass FooBarClass and the checked
 *     class casts FOO_BAR_CLASS(const void *klass) and
 *     FOO_BAR_GET_CLASS(const void *obj).
 *
 * Then define "struct FooBar { ParentState parent_obj; ... };" (and
 * "struct FooBarClass { ParentClass parent_class; ... };").  The casts are
 * inline functions: arguments are evaluated once and type-checked as
 * pointers.  The DECLARE_* pieces serve types whose typedefs live
 * elsewhere (interfaces: INTERFACE_CHECK plus DECLARE_CLASS_CHECKERS).
 */
#define DECLARE_INSTANCE_CHECKER(InstanceType, OBJ_NAME, TYPENAME)          \
    static inline G_GNUC_UNUSED InstanceType *OBJ_NAME(const void *obj)     \
    {                                                                       \
        return OBJECT_CHECK(InstanceType, obj, TYPENAME);                   \
    }

#define DECLARE_CLASS_CHECKERS(ClassType, OBJ_NAME, TYPENAME)               \
    static inline G_GNUC_UNUSED ClassType *                                 \
    OBJ_NAME##_GET_CLASS(const void *obj)                                   \
    {                                                                       \
        return OBJECT_GET_CLASS(ClassType, obj, TYPENAME);                  \
    }                                                                       \
    static inline G_GNUC_UNUSED ClassType *                                 \
    OBJ_NAME##_CLASS(const void *klass)                                     \
    {                                                                       \
        return OBJECT_CLASS_CHECK(ClassType, klass, TYPENAME);              \
    }

#define DECLARE_OBJ_CHECKERS(InstanceType, ClassType, OBJ_NAME, TYPENAME)   \
    DECLARE_INSTANCE_CHECKER(InstanceType, OBJ_NAME, TYPENAME)              \
    DECLARE_CLASS_CHECKERS(ClassType, OBJ_NAME, TYPENAME)

#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_OBJ_NAME)       \
    typedef struct InstanceType InstanceType;                               \
    typedef struct ClassType ClassType;                                     \
    G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceType, object_unref)               \
    DECLARE_OBJ_CHECKERS(InstanceType, ClassType, MODULE_OBJ_NAME,          \
                         TYPE_##MODULE_OBJ_NAME)

#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_OBJ_NAME)           \
    typedef struct InstanceType InstanceType;                               \
    G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceType, object_unref)               \
    DECLARE_INSTANCE_CHECKER(InstanceType, MODULE_OBJ_NAME,                 \
                             TYPE_##MODULE_OBJ_NAME)

/* ---- properties ---- */

/*
 * Add a property; a duplicate name is a programming error (aborts).
 * Returns the property so that the caller can fill description/defval.
 */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
/* Delete (and release) a property; unknown names are ignored. */
void object_property_del(Object *obj, const char *name);
/* The property, or NULL. */
ObjectProperty *object_property_find(Object *obj, const char *name);
/* The property, or NULL and "Property 'TYPE.NAME' not found". */
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);
/* Properties in insertion order: call @fn until it returns non-zero. */
int object_property_foreach(Object *obj,
                            int (*fn)(Object *obj, ObjectProperty *prop,
                                      void *opaque),
                            void *opaque);

/*
 * Set property @name from its string form (the -device / -M syntax).
 * Errors: not found, read-only, or the type's parse/range error.
 */
bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp);
/*
 * The value of @name as g_malloc'd text in `info qtree` form (integers as
 * "5 (0x5)", sizes as "1073741824 (1 GiB)", strings quoted), or NULL if
 * there is no such readable property.
 */
char *object_property_print(Object *obj, const char *name);
/* The plain string form (what object_property_parse accepts), or NULL. */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
/* Typed conveniences over the string forms above. */
bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp);
/* Set a link property to @target (NULL clears it). */
bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
/* Returns 0 with an error when unset/unparsable. */
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
/* The target of a link (or child) property, or NULL. */
Object *object_property_get_link(Object *obj, const char *name, Error **errp);

/*
 * Apply "a=b,c=d" (",," escapes a comma in a value) to @obj in order;
 * stops at the first error.  The caller strips any leading type word.
 */
bool object_set_props_from_str(Object *obj, const char *props, Error **errp);

/*
 * Split "a=b,c=d" into (key, value) pairs, ",," meaning a literal comma.
 * A bare word is returned with value NULL.  Returns a GPtrArray of
 * alternating g_malloc'd key and value strings (free with
 * g_ptr_array_unref: it has g_free as element free function).
 */
GPtrArray *qemu_opts_split(const char *str);

/* ---- the tree ---- */

/* The root "/" (a container), created on first use. */
Object *object_get_root(void);
/* A new, unparented container (one reference owned by the caller). */
Object *container_new(void);
/*
 * The child @name of @parent, creating a container there if missing.
 * @path is a single component.
 */
Object *container_get(Object *parent, const char *name);

/*
 * Make @child a child of @parent under @name; "foo[*]" picks the first
 * free "foo[N]".  The parent takes a reference.  Errors: @child already
 * has a parent, or the name is taken ("attempt to add duplicate property
 * 'NAME' to object (type 'T')").  Returns the property or NULL.
 */
ObjectProperty *object_property_try_add_child(Object *parent,
                                              const char *name,
                                              Object *child, Error **errp);
/* As above; a failure is a programming error (aborts). */
ObjectProperty *object_property_add_child(Object *parent, const char *name,
                                          Object *child);
/*
 * Detach @obj from its parent (after the class unparent hook, which for a
 * device unrealizes it).  Drops the parent's reference.  No-op if @obj has
 * no parent.
 */
void object_unparent(Object *obj);
/* Children (child<> properties) in insertion order; stop at non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Depth-first, pre-order over the whole subtree below @obj. */
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);
/* The child<> or link<> target named @part of @parent, or NULL. */
Object *object_resolve_path_component(Object *parent, const char *part);
/* Resolve an absolute path ("/machine/peripheral/nic0"); NULL if missing. */
Object *object_resolve_path(const char *path);
/* As object_resolve_path(), and NULL unless the object is a @typename. */
Object *object_resolve_path_type(const char *path, const char *typename);
/* "/machine/peripheral/nic0" (g_free it), or NULL if not in the tree. */
char *object_get_canonical_path(Object *obj);
/* The last path component (not a copy), or NULL for the root/detached. */
const char *object_get_canonical_path_component(Object *obj);

/* `info qom-tree`: "/machine (pseries-machine)", children indented, sorted. */
void object_print_tree(GString *out);

#endif /* QOM_OBJECT_H */
