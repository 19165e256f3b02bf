/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of chardev/, generated from chardev/trace-events. */
#include "trace-chardev.h"
