/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: device and object property parsing (qom/, hw/core's
 * qdev properties, -device/-object/device_add/object-add strings).  An
 * input is u8 kind, then the text after "TYPE," up to the first NUL:
 *   kind % 4 == 0: -object vfio-soft-host,TEXT
 *              1: device_add vfio-pci,TEXT   (a soft host h0 exists)
 *              2: device_add spapr-pci-host-bridge,TEXT
 *              3: device_add iommu-testdev,TEXT
 * What gets created is deleted again (object-del, device_del), so each
 * input starts from the same machine.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-core.h"
#include "fuzz-machine.h"

#define MAX_TEXT        1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {
    "vfio-soft-host", "vfio-pci", "spapr-pci-host-bridge", "iommu-testdev",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL, *opts = NULL;
    unsigned kind;
    Error *err = NULL;

    fuzz_machine("spapr-tce-v2");
    if (size < 1) {
        return 0;
    }
    kind = data[0] % G_N_ELEMENTS(types);
    text = g_strndup((const char *)data + 1, MIN(size - 1, MAX_TEXT));
    opts = g_strdup_printf("%s,%s", types[kind], text);
    if (kind == 0) {
        Object *obj = user_creatable_add_from_str(opts, &err);

        if (obj) {
            g_autofree char *id =
                g_strdup(object_get_canonical_path_component(obj));

            user_creatable_del(id, &error_abort);
        }
    } else {
        DeviceState *dev = qdev_device_add_from_str(opts, &err);

        /*
         * As device_del: a hot-added function the guest has not taken
         * goes at once (a device that cannot be unplugged is unparented).
         */
        if (dev && !qdev_unplug(dev, &err)) {
            object_unparent(OBJECT(dev));
        }
    }
    error_free(err);
    fuzz_machine_reset();
    return 0;
}
