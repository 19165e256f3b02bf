/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to chardev/: AF_UNIX socket set-up shared by char.c. */
#ifndef CHARDEV_CHAR_INTERNAL_H
#define CHARDEV_CHAR_INTERNAL_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/*
 * Connect a non-blocking stream socket to the listening socket at @path.
 * Returns the fd, or -1 with @errp set ("Failed to connect to 'PATH': ...").
 */
int chr_socket_connect(const char *path, Error **errp);

/*
 * Listen at @path (a stale file there is unlinked first).  The socket file
 * is created with mode 0600 (owner only) whatever the process umask.  The
 * returned fd is non-blocking.  Returns -1 with @errp set on failure.
 */
int chr_socket_listen(const char *path, Error **errp);

/*
 * Accept one client on @listen_fd.  @block waits until a client arrives
 * (start-up only, wait=on).  Returns a non-blocking fd, -EAGAIN when
 * nobody is waiting (only if !@block), or another -errno.
 */
int chr_socket_accept(int listen_fd, bool block);

#endif /* CHARDEV_CHAR_INTERNAL_H */
