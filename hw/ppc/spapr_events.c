/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RTAS event logs: hotplug events for check-exception, and event-scan. */

#include "qemu/osdep.h"
#include <time.h>
#include "hw/ppc/spapr_events.h"
#include "trace.h"

/* One queued log: the summary word and the extended part (big-endian). */
typedef struct SpaprEventLogEntry {
    uint32_t summary;
    uint32_t extended_length;
    uint8_t *extended_log;
} SpaprEventLogEntry;

/* Byte offsets inside the extended part (docs/user/hotplug.md). */
#define V6_HDR_LEN      16
#define MAINA_LEN       48
#define MAINB_LEN       24
#define HP_LEN          20
#define MAINA_OFF       V6_HDR_LEN
#define MAINB_OFF       (MAINA_OFF + MAINA_LEN)
#define HP_OFF          (MAINB_OFF + MAINB_LEN)

G_STATIC_ASSERT(HP_OFF + HP_LEN == SPAPR_HP_LOG_EXTENDED_LENGTH);

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static uint8_t to_bcd(unsigned v)
{
    return ((v / 10) << 4) | (v % 10);
}

/* Section header: id, length, version, subtype, creator component. */
static void section_header(uint8_t *p, uint16_t id, uint16_t len,
                           uint8_t version)
{
    put_be16(p, id);
    put_be16(p + 2, len);
    p[4] = version;
}

static void spapr_hotplug_req_event(SpaprDrc *drc, uint8_t action)
{
    SpaprMachineState *spapr = drc->spapr;
    SpaprEventLogEntry *entry = g_new0(SpaprEventLogEntry, 1);
    uint8_t *log = g_malloc0(SPAPR_HP_LOG_EXTENDED_LENGTH);
    uint8_t *maina = log + MAINA_OFF, *mainb = log + MAINB_OFF;
    uint8_t *hp = log + HP_OFF;
    time_t now = time(NULL);
    unsigned year;
    struct tm tm;

    entry->summary = SPAPR_HP_LOG_SUMMARY;
    entry->extended_length = SPAPR_HP_LOG_EXTENDED_LENGTH;
    entry->extended_log = log;

    /* v6 header: valid, new log, big-endian; PowerPC platform event; IBM. */
    log[0] = 0x80 | 0x04 | 0x02;
    log[2] = 0x80 | 0x0e;
    put_be32(log + 12, 0x49424d00);

    /* Main-A "PH": BCD creation date and time, creator 'H', 3 sections. */
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
    section_header(maina, 0x5048, MAINA_LEN, 0);
    put_be32(maina + 8, (to_bcd(year / 100) << 24) |
                        (to_bcd(year % 100) << 16) |
                        (to_bcd(tm.tm_mon + 1) << 8) | to_bcd(tm.tm_mday));
    put_be32(maina + 12, (to_bcd(tm.tm_hour) << 24) |
                         (to_bcd(tm.tm_min) << 16) |
                         (to_bcd(tm.tm_sec) << 8));
    maina[24] = 'H';
    maina[27] = 3;
    put_be32(maina + 40, spapr->next_plid++);

    /* Main-B "UH": subsystem 0x80, informational. */
    section_header(mainb, 0x5548, MAINB_LEN, 0);
    mainb[8] = 0x80;

    /* HP: version 1, type, action, identified by DRC index. */
    section_header(hp, 0x4850, HP_LEN, 1);
    hp[8] = spapr_drc_is_physical(drc) ? RTAS_LOG_V6_HP_TYPE_PCI
                                       : RTAS_LOG_V6_HP_TYPE_PHB;
    hp[9] = action;
    hp[10] = RTAS_LOG_V6_HP_ID_DRC_INDEX;
    put_be32(hp + 12, spapr_drc_index(drc));

    g_queue_push_tail(&spapr->pending_events, entry);
    trace_spapr_event_queue(spapr_drc_index(drc), action,
                            g_queue_get_length(&spapr->pending_events));
}

void spapr_hotplug_req_add_by_index(SpaprDrc *drc)
{
    spapr_hotplug_req_event(drc, RTAS_LOG_V6_HP_ACTION_ADD);
}

void spapr_hotplug_req_remove_by_index(SpaprDrc *drc)
{
    spapr_hotplug_req_event(drc, RTAS_LOG_V6_HP_ACTION_REMOVE);
}

static void spapr_event_free(SpaprEventLogEntry *entry)
{
    g_free(entry->extended_log);
    g_free(entry);
}

void spapr_clear_pending_events(SpaprMachineState *spapr)
{
    SpaprEventLogEntry *entry;

    while ((entry = g_queue_pop_head(&spapr->pending_events))) {
        spapr_event_free(entry);
    }
}

unsigned spapr_pending_events(SpaprMachineState *spapr)
{
    return g_queue_get_length(&spapr->pending_events);
}

/*
 * check-exception: vector offset, additional info, event mask, critical,
 * buffer, length [, extended info] -> status.  The oldest event of a class
 * in the mask is written as an 8-byte header (summary, extended length)
 * and its extended part, at most @length bytes (QEMU writes the whole log
 * whatever the length), and dequeued.  The buffer must be guest RAM or the
 * call fails with PARAM_ERROR and the event stays queued.
 */
static void rtas_check_exception(SpaprMachineState *spapr, uint32_t token,
                                 uint32_t nargs, target_ulong args,
                                 uint32_t nret, target_ulong rets)
{
    uint32_t mask, buf, len;
    SpaprEventLogEntry *entry;
    g_autofree uint8_t *out = NULL;
    size_t total;

    if (nargs < 6 || nargs > 7 || nret != 1) {
        trace_spapr_event_bad_cells("check-exception", nargs, nret);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    mask = rtas_ld(args, 2);
    buf = rtas_ld(args, 4);
    len = rtas_ld(args, 5);
    /* Every queued event is a hotplug event. */
    entry = (mask & SPAPR_EVENT_CLASS_MASK_HOTPLUG) ?
            g_queue_peek_head(&spapr->pending_events) : NULL;
    if (!entry) {
        rtas_st(rets, 0, RTAS_OUT_NO_ERRORS_FOUND);
        return;
    }
    total = MIN((size_t)len, 8 + (size_t)entry->extended_length);
    if (!spapr_gpa_range_in_ram(spapr, buf, total)) {
        trace_spapr_event_bad_buffer(buf, len);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    out = g_malloc(8 + entry->extended_length);
    put_be32(out, entry->summary);
    put_be32(out + 4, entry->extended_length);
    memcpy(out + 8, entry->extended_log, entry->extended_length);
    address_space_write(&address_space_memory, buf, out, total);
    g_queue_pop_head(&spapr->pending_events);
    trace_spapr_event_delivered(buf, total,
                                g_queue_get_length(&spapr->pending_events));
    spapr_event_free(entry);
    rtas_st(rets, 0, RTAS_OUT_SUCCESS);
}

/*
 * event-scan: 4 inputs, 1 output.  QEMU only re-raises the interrupts of
 * pending events and answers "no errors found"; there are no interrupts
 * here, so only the answer remains.
 */
static void rtas_event_scan(SpaprMachineState *spapr, uint32_t token,
                            uint32_t nargs, target_ulong args,
                            uint32_t nret, target_ulong rets)
{
    if (nargs != 4 || nret != 1) {
        trace_spapr_event_bad_cells("event-scan", nargs, nret);
        rtas_st(rets, 0, RTAS_OUT_PARAM_ERROR);
        return;
    }
    rtas_st(rets, 0, RTAS_OUT_NO_ERRORS_FOUND);
}

void spapr_events_init(SpaprMachineState *spapr)
{
    g_queue_init(&spapr->pending_events);
    spapr_rtas_register(spapr, RTAS_CHECK_EXCEPTION, "check-exception",
                        rtas_check_exception);
    spapr_rtas_register(spapr, RTAS_EVENT_SCAN, "event-scan",
                        rtas_event_scan);
}
