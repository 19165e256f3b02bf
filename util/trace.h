/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of util/, generated from util/trace-events. */
#include "trace-util.h"
