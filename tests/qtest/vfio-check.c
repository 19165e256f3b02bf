/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO invariant checker shared by the qtests (tests/qtest/vfio-check.h):
 * x-query-vfio against x-query-spapr-tce, PHB by PHB.  Windows linked to a
 * kernel table (kernel-tce=vfio) are checked on the hardware only: the
 * container keeps no mappings for them.
 */

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "vfio-check.h"

typedef struct Seg {
    uint64_t iova, size, gpa;
    uint32_t perm;              /* 1 r, 2 w, 3 rw */
} Seg;

bool vfio_check_allow_broken;

static const char *const perm_names[] = { "none", "r", "w", "rw" };

static uint64_t uint_member(JsonObject *o, const char *name)
{
    g_assert_true(json_object_has_member(o, name));
    return (uint64_t)json_object_get_int_member(o, name);
}

static uint32_t perm_of(const char *name)
{
    for (uint32_t i = 1; i < G_N_ELEMENTS(perm_names); i++) {
        if (!strcmp(name, perm_names[i])) {
            return i;
        }
    }
    g_assert_not_reached();
}

static gint seg_cmp(gconstpointer a, gconstpointer b)
{
    const Seg *x = a, *y = b;

    return x->iova < y->iova ? -1 : x->iova > y->iova;
}

/* Sort by IOVA, merge contiguous (IOVA and gpa) runs with one permission. */
static void seg_merge(GArray *segs)
{
    guint out = 0;

    g_array_sort(segs, seg_cmp);
    for (guint i = 0; i < segs->len; i++) {
        Seg *cur = &g_array_index(segs, Seg, i);
        Seg *last = out ? &g_array_index(segs, Seg, out - 1) : NULL;

        if (last && last->iova + last->size == cur->iova &&
            last->gpa + last->size == cur->gpa && last->perm == cur->perm) {
            last->size += cur->size;
        } else {
            g_array_index(segs, Seg, out++) = *cur;
        }
    }
    g_array_set_size(segs, out);
}

static char *seg_string(GArray *segs)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < segs->len; i++) {
        Seg *g = &g_array_index(segs, Seg, i);

        g_string_append_printf(s, "%s0x%" PRIx64 "+0x%" PRIx64 ">0x%" PRIx64
                               ":%s", i ? " " : "", g->iova, g->size, g->gpa,
                               perm_names[g->perm]);
    }
    return g_string_free(s, FALSE);
}

/* {iova, size, gpa, perm} objects of a mapping list, merged. */
static char *mapping_list(JsonObject *o)
{
    JsonArray *a = json_object_get_array_member(o, "mappings");
    g_autoptr(GArray) segs = g_array_new(FALSE, FALSE, sizeof(Seg));

    /* All of them in one answer (the tests stay below the 4096 page). */
    g_assert_cmpuint(json_array_get_length(a), ==,
                     uint_member(o, "nr-mappings"));
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *m = json_array_get_object_element(a, i);
        Seg g = {
            .iova = uint_member(m, "iova"),
            .size = uint_member(m, "size"),
            .gpa = uint_member(m, "gpa"),       /* never null: guest RAM */
            .perm = perm_of(json_object_get_string_member(m, "perm")),
        };

        g_array_append_val(segs, g);
    }
    seg_merge(segs);
    return seg_string(segs);
}

/* True if @segs has one starting at @iova (NULL: none). */
static bool seg_find(GArray *segs, uint64_t iova)
{
    for (guint i = 0; segs && i < segs->len; i++) {
        if (g_array_index(segs, Seg, i).iova == iova) {
            return true;
        }
    }
    return false;
}

/*
 * The guest view of PHB @phb: the valid TCEs of every enabled window as {ioba, tce} ->
 * {iova, size, gpa, perm} (entries paged 4096 at a time), merged; and the
 * enabled windows as "0xSTART+0xSIZE" in bus order.  Entries of the
 * windows starting at an address of @except are left out of the view.
 */
static char *guest_view_except(QTestState *s, unsigned phb, char **windows,
                               GArray *except)
{
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\"}");
    JsonArray *tables = json_object_get_array_member(rsp, "return");
    g_autoptr(GArray) segs = g_array_new(FALSE, FALSE, sizeof(Seg));
    g_autoptr(GArray) wins = g_array_new(FALSE, FALSE, sizeof(Seg));

    for (guint i = 0; i < json_array_get_length(tables); i++) {
        JsonObject *t = json_array_get_object_element(tables, i);
        uint64_t liobn = uint_member(t, "liobn");
        uint64_t shift = uint_member(t, "page-shift");
        uint64_t start = 0, got;
        Seg w;

        /* PCI LIOBNs: 0x80000000 | PHB index << 8 | window number */
        if (!(liobn & 0x80000000U) || ((liobn >> 8) & 0xff) != phb ||
            !json_object_get_boolean_member(t, "enabled")) {
            continue;
        }
        w = (Seg) { .iova = uint_member(t, "bus-offset"),
                    .size = uint_member(t, "nb-table") << shift };
        g_array_append_val(wins, w);
        if (seg_find(except, w.iova)) {
            continue;
        }
        do {
            JsonObject *r = qtest_qmp(s, "{\"execute\": \"x-query-spapr-tce\", "
                                      "\"arguments\": {\"liobn\": %" PRIu64
                                      ", \"entries\": true, \"start\": %"
                                      PRIu64 "}}", liobn, start);
            JsonObject *tt = json_array_get_object_element(
                json_object_get_array_member(r, "return"), 0);
            JsonArray *e = json_object_get_array_member(tt, "entries");

            got = json_array_get_length(e);
            for (guint k = 0; k < got; k++) {
                JsonObject *en = json_array_get_object_element(e, k);
                uint64_t tce = uint_member(en, "tce");
                Seg g = {
                    .iova = uint_member(en, "ioba"),
                    .size = 1ULL << shift,
                    .gpa = tce & ~((1ULL << shift) - 1),
                    .perm = tce & 3,
                };

                start = uint_member(en, "index") + 1;
                if (g.perm) {
                    g_array_append_val(segs, g);
                }
            }
            json_object_unref(r);
        } while (got == 4096);
    }
    json_object_unref(rsp);
    g_array_sort(wins, seg_cmp);
    {
        GString *ws = g_string_new(NULL);

        for (guint i = 0; i < wins->len; i++) {
            Seg *w = &g_array_index(wins, Seg, i);

            g_string_append_printf(ws, "%s0x%" PRIx64 "+0x%" PRIx64,
                                   i ? " " : "", w->iova, w->size);
        }
        *windows = g_string_free(ws, FALSE);
    }
    seg_merge(segs);
    return seg_string(segs);
}

static char *guest_view(QTestState *s, unsigned phb, char **windows)
{
    return guest_view_except(s, phb, windows, NULL);
}

/*
 * "0xSTART+0xSIZE" of a window list in bus order (@start names the start
 * member); @skip_broken leaves broken windows out.
 */
static char *window_list(JsonArray *a, const char *start, bool skip_broken)
{
    g_autoptr(GArray) wins = g_array_new(FALSE, FALSE, sizeof(Seg));
    GString *ws = g_string_new(NULL);

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        Seg w = { .iova = uint_member(o, start), .size = uint_member(o, "size") };

        if (skip_broken && json_object_get_boolean_member(o, "broken")) {
            g_assert_true(vfio_check_allow_broken);
            continue;
        }
        g_array_append_val(wins, w);
    }
    g_array_sort(wins, seg_cmp);
    for (guint i = 0; i < wins->len; i++) {
        Seg *w = &g_array_index(wins, Seg, i);

        g_string_append_printf(ws, "%s0x%" PRIx64 "+0x%" PRIx64, i ? " " : "",
                               w->iova, w->size);
    }
    return g_string_free(ws, FALSE);
}

/* The PHB index of an address space named "pci@<BUID>". */
static unsigned phb_of(const char *as)
{
    g_assert_true(g_str_has_prefix(as, "pci@"));
    return g_ascii_strtoull(as + 4, NULL, 16) - 0x800000020000000ULL;
}

char *vfio_check_phb(QTestState *s, guint ncontainers, unsigned phb)
{
    g_autofree char *windows = NULL;
    char *proj = guest_view(s, phb, &windows);
    JsonObject *rsp = qtest_qmp(s, "{\"execute\": \"x-query-vfio\"}");
    JsonArray *cs = json_object_get_array_member(rsp, "return");
    g_autofree char *last_as = NULL;
    int next = 0;

    g_assert_cmpuint(json_array_get_length(cs), ==, ncontainers);
    for (guint i = 0; i < ncontainers; i++) {
        JsonObject *c = json_array_get_object_element(cs, i);
        JsonObject *hw = json_object_get_object_member(c, "hardware");
        const char *as = json_object_get_string_member(c, "address-space");
        unsigned p = phb_of(as);
        g_autofree char *pwin = NULL;
        g_autofree char *pproj = p == phb ? NULL : guest_view(s, p, &pwin);
        const char *want = p == phb ? proj : pproj;
        const char *want_win = p == phb ? windows : pwin;
        g_autofree char *own = mapping_list(c);
        g_autofree char *host = mapping_list(hw);
        JsonArray *cwa = json_object_get_array_member(c, "windows");
        g_autofree char *cw = window_list(cwa, "bus-start", false);
        g_autofree char *cw_ok = window_list(cwa, "bus-start", true);

        /* address spaces in creation order, containers numbered in each */
        if (!last_as || strcmp(last_as, as)) {
            g_free(last_as);
            last_as = g_strdup(as);
            next = 0;
        }
        g_assert_cmpint(json_object_get_int_member(c, "container"), ==,
                        next++);
        /*
         * The kernel writes the host tables of linked windows behind the
         * container's back: it keeps no mappings for them (untracked).
         */
        {
            g_autoptr(GArray) linked = g_array_new(FALSE, FALSE, sizeof(Seg));
            g_autofree char *unused = NULL;
            g_autofree char *own_want = NULL;

            for (guint k = 0; k < json_array_get_length(cwa); k++) {
                JsonObject *w = json_array_get_object_element(cwa, k);
                Seg l = { .iova = uint_member(w, "bus-start") };

                if (!json_object_get_boolean_member(w, "tracked")) {
                    g_array_append_val(linked, l);
                }
            }
            own_want = linked->len ? guest_view_except(s, p, &unused, linked)
                                   : g_strdup(want);
            g_assert_cmpstr(own, ==, own_want);
        }
        g_assert_cmpstr(host, ==, want);
        g_assert_cmpstr(cw, ==, want_win);
        if (!vfio_check_allow_broken) {
            g_assert_cmpstr(cw_ok, ==, want_win);
        }
        if (!strcmp(json_object_get_string_member(c, "iommu-type"),
                    "spapr-tce-v2")) {
            g_autofree char *hwin = window_list(
                json_object_get_array_member(hw, "windows"), "start", false);
            g_autoptr(JsonArray) with_host = json_array_new();
            g_autofree char *cw_host = NULL;

            /* the host windows the container believes in (a window broken
             * after its creation keeps its host window) */
            for (guint k = 0; k < json_array_get_length(cwa); k++) {
                JsonObject *w = json_array_get_object_element(cwa, k);

                if (json_object_get_boolean_member(w, "host-window")) {
                    json_array_add_object_element(with_host,
                                                  json_object_ref(w));
                }
            }
            cw_host = window_list(with_host, "bus-start", false);
            g_assert_cmpstr(hwin, ==, cw_host);
            if (!vfio_check_allow_broken) {
                g_assert_cmpstr(hwin, ==, cw_ok);
            }
        }
    }
    json_object_unref(rsp);
    return proj;
}

char *vfio_check(QTestState *s, guint ncontainers)
{
    return vfio_check_phb(s, ncontainers, 0);
}
