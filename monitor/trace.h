/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of monitor/, generated from monitor/trace-events. */
#include "trace-monitor.h"
