/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of hw/misc/, generated from hw/misc/trace-events. */
#include "trace-hw_misc.h"
