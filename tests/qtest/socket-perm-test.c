/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The listening sockets of the binary (qtest, QMP, HMP, chardev server)
 * are created owner-only, mode 0600, whatever the umask it starts with.
 */

#include "qemu/osdep.h"
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "libqtest.h"

/* Mode bits (permissions) of @path, which must be a socket. */
static unsigned sock_mode(const char *path)
{
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_true(S_ISSOCK(st.st_mode));
    return st.st_mode & 07777;
}

/*
 * QMP, HMP and a chardev server (-mon) next to libqtest's own connections,
 * started with umask @mask; a stale file at one path is replaced.
 */
static void test_monitors(gconstpointer data)
{
    mode_t mask = GPOINTER_TO_UINT(data);
    g_autofree char *dir = g_dir_make_tmp("sockperm-XXXXXX", NULL);
    g_autofree char *qmp = g_strdup_printf("%s/qmp", dir);
    g_autofree char *hmp = g_strdup_printf("%s/hmp", dir);
    g_autofree char *chr = g_strdup_printf("%s/chr", dir);
    mode_t old;
    QTestState *s;

    g_assert_nonnull(dir);
    /* A left-over regular file, world-writable: replaced by the socket. */
    g_assert_true(g_file_set_contents(chr, "stale", -1, NULL));
    g_assert_cmpint(chmod(chr, 0666), ==, 0);
    old = umask(mask);
    s = qtest_initf("-qmp unix:%s,server=on,wait=off "
                    "-monitor unix:%s,server=on,wait=off "
                    "-chardev socket,id=c1,path=%s,server=on,wait=off "
                    "-mon chardev=c1,mode=readline", qmp, hmp, chr);
    umask(old);
    /* A round trip: start-up, which creates the sockets, is over. */
    qtest_qmp_assert_success(s, "{\"execute\": \"query-status\"}");
    g_assert_cmpuint(sock_mode(qmp), ==, 0600);
    g_assert_cmpuint(sock_mode(hmp), ==, 0600);
    g_assert_cmpuint(sock_mode(chr), ==, 0600);
    qtest_quit(s);
    unlink(qmp);
    unlink(hmp);
    unlink(chr);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/* Connect to @path, retrying while the binary has not bound it yet. */
static int connect_retry(const char *path, GPid pid)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int status;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(sun.sun_path));
    strcpy(sun.sun_path, path);
    while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        g_assert_true(errno == ENOENT || errno == ECONNREFUSED ||
                      errno == EINTR);
        /* The binary must still be starting, not dead. */
        g_assert_cmpint(waitpid(pid, &status, WNOHANG), ==, 0);
        g_usleep(10 * 1000);
    }
    return fd;
}

/*
 * -qtest unix:PATH,server=on: the binary listens for its qtest client
 * (wait=on blocks start-up in accept, so the file is there once we are
 * connected), with umask 0.
 */
static void test_qtest_server(void)
{
    const char *binary = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *dir = g_dir_make_tmp("sockperm-XXXXXX", NULL);
    g_autofree char *path = g_strdup_printf("%s/qtest", dir);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=on", path);
    const char *argv[] = {
        binary ? binary : "./qemu-system-ppc64", "-display", "none",
        "-qtest", spec, "-qtest-log", "/dev/null", "-accel", "qtest", NULL
    };
    g_autoptr(GError) gerr = NULL;
    GPid pid;
    mode_t old;
    int status;
    int fd;

    g_assert_nonnull(dir);
    old = umask(0);
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                &gerr));
    umask(old);
    fd = connect_retry(path, pid);
    g_assert_cmpuint(sock_mode(path), ==, 0600);
    close(fd);
    kill(pid, SIGTERM);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/socket-perm/monitors/umask-000",
                         GUINT_TO_POINTER(0), test_monitors);
    g_test_add_data_func("/socket-perm/monitors/umask-022",
                         GUINT_TO_POINTER(022), test_monitors);
    g_test_add_func("/socket-perm/qtest-server/umask-000", test_qtest_server);
    return g_test_run();
}
