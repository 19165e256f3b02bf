/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: QMP input (monitor/qmp-json.c's parser and printer,
 * monitor/qmp.c's byte-level reader, request checks and dispatch, and the
 * commands behind it) on a pseries machine with VFIO.  Each input is
 * parsed on its own (qmp_json_parse(), printed back and parsed again: the
 * same text), then fed to a fresh, negotiated QMP monitor.
 *
 * Inputs that name "dumpdtb" or hold a "\u" escape (which could spell it)
 * are not fed to the monitor: that command writes the file the input
 * names.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "monitor/qmp.h"
#include "fuzz-machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *opaque, const char *buf, size_t len)
{
}

static void parse_print(const uint8_t *data, size_t size)
{
    Error *err = NULL;
    JsonNode *node = qmp_json_parse((const char *)data, size, &err);
    g_autofree char *text = NULL, *again = NULL;
    JsonNode *node2;

    if (!node) {
        error_free(err);
        return;
    }
    text = qmp_to_json(node);
    node2 = qmp_json_parse(text, strlen(text), &error_abort);
    again = qmp_to_json(node2);
    if (strcmp(text, again)) {
        fprintf(stderr, "qmp_to_json is not stable: '%s' then '%s'\n",
                text, again);
        abort();
    }
    json_node_unref(node);
    json_node_unref(node2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char caps[] = "{\"execute\": \"qmp_capabilities\"}";
    MonitorQMP *mon;

    fuzz_machine("spapr-tce-v2");
    parse_print(data, size);
    if (memmem(data, size, "dumpdtb", 7) || memmem(data, size, "\\u", 2)) {
        return 0;
    }
    mon = monitor_qmp_new(sink, NULL);
    monitor_qmp_open(mon);
    monitor_qmp_feed(mon, caps, strlen(caps));
    monitor_qmp_feed(mon, data, size);
    monitor_qmp_free(mon);
    fuzz_machine_reset();
    return 0;
}
