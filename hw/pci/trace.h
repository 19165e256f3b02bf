/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace events of hw/pci/, generated from hw/pci/trace-events. */
#include "trace-hw_pci.h"
