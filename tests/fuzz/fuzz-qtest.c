/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the qtest line parser (system/qtest.c) and the verbs
 * it dispatches to, "rtas" and "hcall" included, on a pseries machine
 * with VFIO.  An input is up to 64 lines.
 */

#include "qemu/osdep.h"
#include "system/qtest.h"
#include "fuzz-machine.h"

#define MAX_LINES       64
#define MAX_LINE        4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GString *reply = g_string_new(NULL);
    const char *p = (const char *)data, *end = p + size;

    fuzz_machine("spapr-tce-v2");
    for (int n = 0; p < end && n < MAX_LINES; n++) {
        const char *nl = memchr(p, '\n', end - p);
        size_t len = (nl ? nl : end) - p;
        g_autofree char *line = g_strndup(p, MIN(len, MAX_LINE));

        g_string_truncate(reply, 0);
        qtest_process_line(line, reply);
        p += len + 1;
    }
    g_string_free(reply, TRUE);
    fuzz_machine_reset();
    return 0;
}
