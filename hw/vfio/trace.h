/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of hw/vfio/, generated from hw/vfio/trace-events. */
#include "trace-hw_vfio.h"
