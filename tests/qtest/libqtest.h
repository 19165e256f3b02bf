/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: start build/qemu-system-ppc64 and drive it as a guest (qtest
 * protocol) and as an operator (QMP, HMP through QMP).
 *
 * Every function fails the calling test (g_assert / g_error, which abort)
 * when the process misbehaves: an unexpected reply, a closed connection,
 * or no answer within QTEST_TIMEOUT_S seconds, so a hung binary fails the
 * test instead of hanging CI.  The child process is killed if the test
 * process dies (PR_SET_PDEATHSIG).
 *
 * Environment: QTEST_QEMU_BINARY (path to the binary; default
 * "./qemu-system-ppc64"), QTEST_LOG (set: the server logs its qtest traffic
 * on stderr and libqtest echoes QMP traffic there), QTEST_TRACE (passed
 * as "-trace <value>").
 */
#ifndef LIBQTEST_H
#define LIBQTEST_H

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>

#define QTEST_TIMEOUT_S 60

typedef struct QTestState QTestState;

/*
 * Start the binary the way QEMU's libqtest does: two listening unix
 * sockets in a fresh temporary directory, then
 *   /bin/sh -c "exec BINARY -qtest unix:SOCK -qtest-log /dev/null
 *     -chardev socket,path=QMPSOCK,id=char0 -mon chardev=char0,mode=control
 *     -display none -audio none EXTRA -accel qtest"
 * accept both connections, check "endianness" and complete the QMP
 * handshake (greeting, qmp_capabilities).  @extra_args may be NULL.
 */
QTestState *qtest_init(const char *extra_args);
/* Like qtest_init() with printf-style arguments. */
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/*
 * Stop the process (SIGTERM, then wait up to QTEST_TIMEOUT_S) and check
 * that it exited normally with the expected status (0 unless changed with
 * qtest_set_expected_status()); a death by signal fails the test.
 * Frees @s and removes the temporary directory.
 */
void qtest_quit(QTestState *s);
void qtest_set_expected_status(QTestState *s, int status);
/* The child's pid, e.g. to check it is still alive. */
pid_t qtest_pid(QTestState *s);

/* ---- raw protocol ---- */

/* Send exactly the formatted text (include the "\n" yourself). */
void qtest_sendf(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Next reply line without its newline ("IRQ ..." lines are skipped). */
char *qtest_recv_line(QTestState *s);
/* Send one request (a newline is appended) and return its reply line. */
char *qtest_line(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* ---- guest memory (big-endian target order), all assert "OK" ---- */

uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);
/* Copy guest memory with "read"/"write" (hex); @size 0 does nothing. */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/* The same with "b64read"/"b64write". */
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size);

/* ---- virtual clock; each returns the new time in ns ---- */

int64_t qtest_clock_step(QTestState *s, int64_t step_ns);
/* Advance to the next timer deadline (fails the test if there is none). */
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_set(QTestState *s, int64_t ns);

/* ---- pseries ---- */

/* Guest RAM that qtest_rtas_call() uses for its argument cells. */
#define QTEST_RTAS_SCRATCH 0x100000

/*
 * Call RTAS function @name: writes @nargs cells at QTEST_RTAS_SCRATCH
 * (big-endian, writel), sends "rtas NAME NARGS ARGS NRET RETS", and on
 * "OK 0" reads @nret cells into @rets and returns 0.  Returns -1 when the
 * server answers "OK <non-zero>" (no RTAS function by that name; @rets
 * untouched).  Any other reply fails the test.  At most 1024 cells each.
 */
int qtest_rtas_call(QTestState *s, const char *name, uint32_t nargs,
                    const uint32_t *args, uint32_t nret, uint32_t *rets);

/*
 * Make hypercall @name (e.g. "H_PUT_TCE") with @nargs arguments: sends
 * "hcall NAME 0xARG..." and parses "OK <ret> [0x<out>...]".  Returns the
 * H_* code (signed); up to @nout outputs are stored in @outs, outputs the
 * reply does not carry are set to 0.  A reply other than OK fails the test.
 */
int64_t qtest_hcall(QTestState *s, const char *name, unsigned nargs,
                    const uint64_t *args, unsigned nout, uint64_t *outs);

/* ---- QMP and HMP ---- */

/*
 * Send a QMP command (printf-style; the result must be valid JSON, which
 * json-glib parses strictly: double quotes) and return the response object
 * ("return" or "error" member).  Events received meanwhile are queued.
 * The caller owns the result: json_object_unref().
 */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/*
 * Send @text as it is (any bytes; a newline is appended) and return the
 * text of the next reply exactly as the binary wrote it, without the line
 * end.  Events received meanwhile are queued.  For checks of the JSON
 * layer itself (numbers json-glib cannot hold, error replies to bad
 * input).  Caller frees.
 */
char *qtest_qmp_raw(QTestState *s, const char *text);
/* Like qtest_qmp() and assert the response has "return"; drop it. */
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Wait for event @name (queued or new); returns it (caller unrefs). */
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *name);
void qtest_qmp_eventwait(QTestState *s, const char *name);
/*
 * Run an HMP command through "human-monitor-command" and return its output
 * (caller frees).  An "error" response fails the test.
 */
char *qtest_hmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* qtest_hmp() of one command, with QEMU's "\r\n" line ends as "\n". */
char *qtest_hmp_text(QTestState *s, const char *cmd);

/* ---- running the binary without a qtest connection ---- */

/*
 * Run "$QTEST_QEMU_BINARY -display none @args" to completion and return its
 * exit status (124 if it ran for 60 s: killed by timeout(1)); a death by
 * signal fails the test.  Its stdout and stderr go
 * to *@out / *@err when not NULL (caller frees).  For start-up errors and
 * dumpdtb, which end through exit() without the orderly teardown, so
 * LeakSanitizer is told not to report (ASAN_OPTIONS=detect_leaks=0).
 */
int qtest_run_binary(const char *args, char **out, char **err);

/* RTAS status cells (rets[0]) as read back with qtest_readl. */
#define RTAS_STATUS_SUCCESS     0x00000000U
#define RTAS_STATUS_HW_ERROR    0xffffffffU     /* -1 */
#define RTAS_STATUS_PARAM_ERROR 0xfffffffdU     /* -3 */

#endif /* LIBQTEST_H */
