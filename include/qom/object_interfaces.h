/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-creatable objects: the TYPE_USER_CREATABLE interface and the
 * -object / object-add / object-del machinery behind it, with QEMU's names,
 * tree layout (/objects/ID) and error texts (docs/user/command-line.md).
 *
 * Life of a user-created object: a new instance of the type, its
 * properties set in the order given, then it becomes child ID of /objects
 * (which takes the only long-lived reference), then complete() runs; if
 * complete fails the object leaves the tree and is freed.  object-del asks
 * can_be_deleted() first, then unparents it.  Main loop only.
 */
#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"

/* An opaque "instance" type of the interface: the object itself. */
typedef struct UserCreatable UserCreatable;
typedef struct UserCreatableClass UserCreatableClass;

#define USER_CREATABLE(obj) \
    INTERFACE_CHECK(UserCreatable, (obj), TYPE_USER_CREATABLE)
DECLARE_CLASS_CHECKERS(UserCreatableClass, USER_CREATABLE, TYPE_USER_CREATABLE)

struct UserCreatableClass {
    InterfaceClass parent_class;
    /*
     * Called once after every property given by the user is set: validate
     * them together and bring the object to life.  NULL: nothing to do.
     * Returns false with @errp set to refuse the object.
     */
    bool (*complete)(UserCreatable *uc, Error **errp);
    /* False while something uses the object.  NULL: always deletable. */
    bool (*can_be_deleted)(UserCreatable *uc);
};

/* Run the class's complete() (true if there is none). */
bool user_creatable_complete(UserCreatable *uc, Error **errp);
/* Ask the class's can_be_deleted() (true if there is none). */
bool user_creatable_can_be_deleted(UserCreatable *uc);

/* The "/objects" container, created on first use. */
Object *object_get_objects_root(void);

/*
 * Create object @id of @type with @props (a GPtrArray of alternating key
 * and value strings as qemu_opts_split() returns; may be NULL).
 * Returns the object (borrowed: /objects holds it) or NULL with one of
 * QEMU's errors:
 *   "Parameter 'id' expects an identifier"  (letters, digits, '-', '.',
 *                                            '_', starting with a letter)
 *   "invalid object type: T"
 *   "object type 'T' isn't supported by object-add"  (not user-creatable)
 *   "object type 'T' is abstract"
 *   a property's own error ("Property 'T.N' not found", ...)
 *   "attempt to add duplicate property 'ID' to object (type 'container')"
 *   complete()'s error.
 * A bare word (key with no value) in @props is "Expected '=' after
 * parameter 'W'".
 */
Object *user_creatable_add_type(const char *type, const char *id,
                                GPtrArray *props, Error **errp);

/*
 * The -object / object_add string form: "TYPE,id=ID[,prop=value...]"
 * (",," is a literal comma; "qom-type=TYPE" may stand for the leading
 * TYPE).  Errors as above plus "Parameter 'qom-type' is missing" and
 * "Parameter 'id' is missing".
 */
Object *user_creatable_add_from_str(const char *opts, Error **errp);

/*
 * Help requests: "help" (or "?") lists the user-creatable types,
 * "TYPE,help" the settable properties of one, in QEMU's layout.  Returns
 * 1 with the text appended to @out, 0 if @opts is not a help request, -1
 * with @errp set for an unknown or not user-creatable TYPE.
 */
int user_creatable_help(const char *opts, GString *out, Error **errp);

/*
 * object-del: remove /objects/@id.  Errors: "object 'ID' not found",
 * "object 'ID' is in use, can not be deleted".
 */
bool user_creatable_del(const char *id, Error **errp);

/* Remove every user-created object (exit path, after the machine). */
void user_creatable_cleanup(void);


#endif /* QOM_OBJECT_INTERFACES_H */
