/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of hw/ppc/, generated from hw/ppc/trace-events. */
#include "trace-hw_ppc.h"
