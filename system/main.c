/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry point: command-line parsing and start-up order (placeholder). */

#include "qemu/osdep.h"
#include "qapi/error.h"

int main(int argc, char **argv)
{
    error_set_progname("spapr-iommu");
    return 0;
}
