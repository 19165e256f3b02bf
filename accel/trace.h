/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of accel/, generated from accel/trace-events. */
#include "trace-accel.h"
