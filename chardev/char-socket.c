/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AF_UNIX stream sockets for chardevs: connect, listen, accept. */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include "char-internal.h"

static bool chr_sockaddr_fill(struct sockaddr_un *sun, const char *path,
                              Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return false;
    }
    strcpy(sun->sun_path, path);
    return true;
}

static int chr_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
}

/* A new AF_UNIX stream socket and the address of @path, or -1. */
static int chr_socket_new(const char *path, struct sockaddr_un *sun,
                          Error **errp)
{
    int fd;

    if (!chr_sockaddr_fill(sun, path, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
    }
    return fd;
}

int chr_socket_connect(const char *path, Error **errp)
{
    struct sockaddr_un sun;
    int fd = chr_socket_new(path, &sun, errp);
    int ret;

    if (fd < 0) {
        return -1;
    }
    /*
     * A unix connect completes (or fails) immediately unless the listen
     * backlog is full; connect blocking, then switch to non-blocking I/O.
     */
    do {
        ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", path);
        close(fd);
        return -1;
    }
    ret = chr_set_nonblock(fd);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to set socket non-blocking");
        close(fd);
        return -1;
    }
    return fd;
}

int chr_socket_listen(const char *path, Error **errp)
{
    struct sockaddr_un sun;
    int fd = chr_socket_new(path, &sun, errp);
    mode_t old_umask;
    int saved_errno;
    int ret;

    if (fd < 0) {
        return -1;
    }
    /* Like QEMU: a left-over socket file from a previous run is replaced. */
    if (unlink(path) < 0 && errno != ENOENT) {
        error_setg_errno(errp, errno, "Failed to unlink socket %s", path);
        goto fail;
    }
    /*
     * Whoever can connect drives the machine (QMP, HMP, qtest): the socket
     * file is created owner-only (0600) whatever the caller's umask.  The
     * umask is narrowed around bind(), which creates the file with
     * 0777 & ~umask: no other mode exists even for an instant, where a
     * chmod() after bind() would leave a window (and follow a symlink put
     * in its place).  The umask is per process; the process has one
     * thread.
     */
    old_umask = umask(S_IXUSR | S_IRWXG | S_IRWXO);
    ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
    saved_errno = errno;
    umask(old_umask);
    if (ret < 0) {
        error_setg_errno(errp, saved_errno, "Failed to bind socket to %s",
                         path);
        goto fail;
    }
    if (listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket %s", path);
        unlink(path);
        goto fail;
    }
    ret = chr_set_nonblock(fd);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to set socket non-blocking");
        unlink(path);
        goto fail;
    }
    return fd;

fail:
    close(fd);
    return -1;
}

int chr_socket_accept(int listen_fd, bool block)
{
    int fd, ret;

    for (;;) {
        if (block) {
            struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };

            if (poll(&pfd, 1, -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return -errno;
            }
        }
        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            break;
        }
        if (errno == EINTR || (block && errno == EAGAIN)) {
            continue;
        }
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    ret = chr_set_nonblock(fd);
    if (ret < 0) {
        close(fd);
        return ret;
    }
    return fd;
}
