/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of system/, generated from system/trace-events. */
#include "trace-system.h"
