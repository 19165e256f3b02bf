/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: byte streams over AF_UNIX sockets or stdin/stdout that
 * carry the qtest protocol, QMP and HMP.
 *
 * Scope: AF_UNIX stream sockets (client or server) and stdio only; there is
 * no TCP, telnet, pty, file or mux backend.  Everything runs on the default
 * GLib main context (g_main_context_default()); single-threaded, no locks.
 *
 * Events: a connected chardev reports CHR_EVENT_OPENED to its handlers as
 * soon as they are set (synchronously, inside qemu_chr_set_handlers()), or
 * when a client connects to a server socket that already has handlers.  It
 * reports CHR_EVENT_CLOSED when the peer hangs up (or stdin reaches EOF), but
 * only after an OPENED was reported.  A server socket then listens again and
 * accepts the next client; a client socket stays disconnected (no reconnect).
 *
 * Handlers (read and event callbacks) may call qemu_chr_write_all() but must
 * not call qemu_chr_delete() on the chardev that invoked them.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct Chardev Chardev;

typedef enum {
    CHR_EVENT_OPENED,
    CHR_EVENT_CLOSED,
} QEMUChrEvent;

/* Called from the main loop with the bytes just read (len > 0). */
typedef void ChrReadFn(void *opaque, const uint8_t *buf, size_t len);
/* Called on connection state changes, see the comment at the top. */
typedef void ChrEventFn(void *opaque, QEMUChrEvent event);

/*
 * Create a chardev named @label from a command-line backend @spec:
 *   "unix:PATH"                       connect to a listening socket at PATH
 *   "unix:PATH,server=on[,wait=off]"  listen at PATH (wait=on, the default
 *                                     for a server, blocks until the first
 *                                     client connects)
 *   "stdio"                           stdin/stdout
 * QEMU's legacy flags "server" (= server=on) and "nowait" (= wait=off) are
 * accepted.  PATH must not contain ','.
 * Errors: unknown backend, missing path, bad on/off value, unknown option,
 * duplicate label, socket/connect/bind/listen failures (naming PATH).
 * Returns the new chardev (registered under @label) or NULL with @errp set.
 * Start-up context (wait=on blocks the caller).
 */
Chardev *qemu_chr_new(const char *label, const char *spec, Error **errp);

/*
 * Create a chardev from a -chardev option string:
 *   "socket,id=X,path=P[,server=on|off][,wait=on|off]"  (also "server",
 *   "nowait") or "stdio,id=X".  The id becomes the label.
 * Errors as for qemu_chr_new() plus a missing id; TCP options (host=,
 * port=) are rejected with an error saying only unix sockets exist.
 */
Chardev *qemu_chr_new_from_opts(const char *opts, Error **errp);

/* The chardev registered under @id, or NULL. */
Chardev *qemu_chr_find(const char *id);

/* The label (id) the chardev was created with; owned by @chr. */
const char *qemu_chr_label(Chardev *chr);

/*
 * Install (or, with NULL functions, remove) the handlers of @chr.  If @chr
 * is connected and @event is non-NULL, @event(opaque, CHR_EVENT_OPENED) is
 * called before this function returns.
 */
void qemu_chr_set_handlers(Chardev *chr, ChrReadFn *read, ChrEventFn *event,
                           void *opaque);

/*
 * Most bytes queued for a peer that does not read (64 MiB): twice the
 * longest qtest reply ("read" of 16 MiB is 32 MiB of hex) and far above any
 * monitor reply.  A peer that lets more pile up is treated as gone.
 */
#define CHR_OUTBUF_MAX (64u * 1024 * 1024)

/*
 * Send @len bytes.  What the socket does not take at once is queued and
 * flushed from the main loop when the peer can read again; the main loop is
 * never blocked.  If the queue would exceed CHR_OUTBUF_MAX, the queued data
 * is dropped, this and later writes fail, and the connection is shut down:
 * CLOSED follows from the main loop (never from inside this call).
 * Returns false (and queues nothing) if nobody is connected, the peer hung
 * up or the limit was hit; true otherwise.
 */
bool qemu_chr_write_all(Chardev *chr, const void *buf, size_t len);

/*
 * Close and free @chr: flushes pending output for at most one second,
 * closes the connection without reporting CLOSED, unlinks a server socket
 * path and unregisters the label.  NULL is ignored.
 */
void qemu_chr_delete(Chardev *chr);

/* Delete every chardev (at exit): closes all, unlinks server socket paths. */
void qemu_chr_cleanup(void);

#endif /* CHARDEV_CHAR_H */
