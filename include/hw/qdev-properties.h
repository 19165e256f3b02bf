/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties: a field of the device state described by a
 * Property (name, type, offset, default).  A class lists its own in a
 * static array (no end marker) and hands it over with
 * device_class_set_props() from class_init; each instance gets one QOM
 * property per entry (subclass entries first), set to its default at
 * qdev_new() time.
 *
 * String forms (object_property_parse):
 *   bool    on/off, true/false, yes/no
 *   uint*   decimal or 0x hex, range-checked; int32 may be negative
 *   size    a number with an optional suffix B, K/k, M, G, T, P, E
 *           (powers of 1024)
 *   str     any text
 *   link    a QOM path to an object of the link's type ("" clears it)
 * Range errors read "Property 'T.N' doesn't take value V (minimum: A,
 * maximum: B)".  Setting any of them on a realized device is an error.
 */
#ifndef HW_QDEV_PROPERTIES_H
#define HW_QDEV_PROPERTIES_H

#include "hw/qdev-core.h"

typedef struct PropertyInfo PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;               /* of the field in the device state */
    bool set_default;
    union {
        int64_t i;
        uint64_t u;
    } defval;
    const char *defval_str;         /* DEFINE_PROP_STRING default, or NULL */
    const char *link_type;          /* DEFINE_PROP_LINK target type */
    const char *description;        /* shown by -device T,help */
};

/* How one kind of property is parsed, printed and released. */
struct PropertyInfo {
    const char *name;               /* "uint32", "size", ... as in help */
    /* Parse @str into the field at @ptr; errors name "T.N". */
    bool (*set)(Object *obj, const Property *prop, void *ptr,
                const char *str, Error **errp);
    /* g_malloc'd plain or `info qtree` (@human) form of the field. */
    char *(*print)(const Property *prop, void *ptr, bool human);
    /* Store the default in the field (called at instance init). */
    void (*set_default)(const Property *prop, void *ptr);
    /* JSON text of the default for help, or NULL. */
    char *(*default_json)(const Property *prop);
    /* Free what the field owns (instance finalize). */
    void (*release)(const Property *prop, void *ptr);
};

extern const PropertyInfo qdev_prop_bool;
extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_size;
extern const PropertyInfo qdev_prop_string;
extern const PropertyInfo qdev_prop_link;

/* Type-checked offset of @field (of type @type) in @state. */
#define qdev_prop_offset(state, field, type) \
    (offsetof(state, field) + \
     0 * sizeof((type *)0 - &((state *)0)->field))

#define DEFINE_PROP_SIGNED_(_name, _state, _field, _type, _info, _def) \
    { .name = (_name), .info = &(_info), \
      .offset = qdev_prop_offset(_state, _field, _type), \
      .set_default = true, .defval.i = (_def) }
#define DEFINE_PROP_UNSIGNED_(_name, _state, _field, _type, _info, _def) \
    { .name = (_name), .info = &(_info), \
      .offset = qdev_prop_offset(_state, _field, _type), \
      .set_default = true, .defval.u = (_def) }

#define DEFINE_PROP_BOOL(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, bool, qdev_prop_bool, _d)
#define DEFINE_PROP_UINT8(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, uint8_t, qdev_prop_uint8, _d)
#define DEFINE_PROP_UINT16(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, uint16_t, qdev_prop_uint16, _d)
#define DEFINE_PROP_UINT32(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, uint32_t, qdev_prop_uint32, _d)
#define DEFINE_PROP_UINT64(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, uint64_t, qdev_prop_uint64, _d)
#define DEFINE_PROP_INT32(_n, _s, _f, _d) \
    DEFINE_PROP_SIGNED_(_n, _s, _f, int32_t, qdev_prop_int32, _d)
#define DEFINE_PROP_SIZE(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED_(_n, _s, _f, uint64_t, qdev_prop_size, _d)
/* A char * field (g_free'd at finalize); default NULL. */
#define DEFINE_PROP_STRING(_n, _s, _f) \
    { .name = (_n), .info = &qdev_prop_string, \
      .offset = qdev_prop_offset(_s, _f, char *) }
/* A char * field with a default string. */
#define DEFINE_PROP_STRING_DEFAULT(_n, _s, _f, _d) \
    { .name = (_n), .info = &qdev_prop_string, \
      .offset = qdev_prop_offset(_s, _f, char *), \
      .set_default = true, .defval_str = (_d) }
/* A _ptr_type * field holding a reference to an object of @_type. */
#define DEFINE_PROP_LINK(_n, _s, _f, _type, _ptr_type) \
    { .name = (_n), .info = &qdev_prop_link, \
      .offset = qdev_prop_offset(_s, _f, _ptr_type *), \
      .link_type = (_type) }

/*
 * Hand the static array @props to @dc from class_init; its length is taken
 * from the array's type, so @props must be the array itself (not a
 * pointer), with at least one entry.  As QEMU 9.2+: no end marker.
 */
#define device_class_set_props(dc, props) \
    device_class_set_props_n((dc), (props), ARRAY_SIZE(props))
/* The same with an explicit count @n (> 0) of entries. */
void device_class_set_props_n(DeviceClass *dc, const Property *props,
                              size_t n);
/*
 * The Property array class @oc itself set, its length in *@n (NULL and 0
 * when it only inherited its parent's).  Walking a device class and its
 * parents with this visits each array once, most derived first: instance
 * init, help and qtree do.
 */
const Property *device_class_own_props(ObjectClass *oc, size_t *n);

/*
 * Add one QOM property for @prop to @obj (any object with the field at
 * prop->offset) and store its default.  Used by devices at instance init;
 * other objects (machines) may use it for their own Property arrays.
 * What the field owns (a string, a link reference) is released with the
 * property, i.e. before instance_finalize runs.
 */
void qdev_property_add_static(Object *obj, const Property *prop);

/* Programmatic sets for board code; a failure is a programming error. */
void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value);
void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value);
void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value);

/*
 * -global DRIVER.PROPERTY=VALUE: a default for PROPERTY of every device of
 * type DRIVER (or a subtype) created afterwards, applied after the class
 * defaults and before -device / device_add properties.  The driver, the
 * property and (for a concrete type) the value are checked at registration.
 */
bool qdev_prop_register_global(const char *spec, Error **errp);
/* Apply the registered globals to @dev (called by TYPE_DEVICE's init). */
void qdev_prop_set_globals(DeviceState *dev);
/* Forget every registered global (tests, exit). */
void qdev_prop_clear_globals(void);

#endif /* HW_QDEV_PROPERTIES_H */
