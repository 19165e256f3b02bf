/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of migration/, generated from migration/trace-events. */
#include "trace-migration.h"
