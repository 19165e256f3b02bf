/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of qom/, generated from qom/trace-events. */
#include "trace-qom.h"
