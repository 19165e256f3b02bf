/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting for operator-reachable paths.
 *
 * Convention: a function that can fail for reasons a user should
 * read takes "Error **errp" as its last parameter, returns bool (true on
 * success) or a pointer (NULL on failure), and sets exactly one error on
 * every failure path.  A caller that wants to handle the error passes the
 * address of a local "Error *err = NULL"; a caller that cannot recover
 * passes &error_fatal (start-up only) or &error_abort (programming errors).
 * Never pass NULL to throw an error away: use a local and error_free() it.
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include "qemu/osdep.h"

typedef struct Error Error;

/* QMP error classes, as QEMU names them in {"error": {"class": ...}}. */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
} ErrorClass;

/* Pass as errp to exit(1) with the message (start-up configuration only). */
extern Error *error_fatal;
/* Pass as errp to abort() on error: the failure is a programming error. */
extern Error *error_abort;

/*
 * Create an error with a printf-style message and store it in *errp.
 * @errp may be &error_fatal or &error_abort.  *errp must be NULL on entry.
 */
#define error_setg(errp, fmt, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, (fmt), ## __VA_ARGS__)
/* Like error_setg() and append ": strerror(os_errno)". */
#define error_setg_errno(errp, os_errno, fmt, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_errno), (fmt), ## __VA_ARGS__)
/* Like error_setg() with a QMP class other than GenericError. */
#define error_set(errp, err_class, fmt, ...) \
    error_set_internal((errp), __FILE__, __LINE__, __func__, (err_class), \
                       (fmt), ## __VA_ARGS__)

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);
void error_set_internal(Error **errp, const char *src, int line,
                        const char *func, ErrorClass err_class,
                        const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

/* Move @local_err into *@dst_errp (or free it if @dst_errp already holds one). */
void error_propagate(Error **dst_errp, Error *local_err);
/* Prepend a printf-style prefix to the message of *errp, if any. */
void error_prepend(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Append a hint line, printed after the message by error_report_err(). */
void error_append_hint(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
const char *error_class_name(ErrorClass err_class);
Error *error_copy(const Error *err);
void error_free(Error *err);
/* error_free() and set *errp to NULL; for use with g_autoptr-less code. */
void error_free_or_abort(Error **errp);

/*
 * Print "<prog>: <message>" (plus hints) on stderr and free @err.
 * The program name is set once by error_set_progname().
 */
void error_report_err(Error *err);
/* Print "<prog>: <message>" on stderr. */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Print "<prog>: warning: <message>" on stderr. */
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Print "<prog>: info: <message>" on stderr. */
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void error_set_progname(const char *progname);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif /* QAPI_ERROR_H */
