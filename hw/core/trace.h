/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of hw/core/, generated from hw/core/trace-events. */
#include "trace-hw_core.h"
