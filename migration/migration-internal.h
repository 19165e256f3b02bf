/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Record and run codes of the DMA-state stream (docs/specs/migration-stream.md). */
#ifndef MIGRATION_MIGRATION_INTERNAL_H
#define MIGRATION_MIGRATION_INTERNAL_H

#define MIG_MAGIC_LEN       8
/* magic, version, flags, body length */
#define MIG_HEADER_LEN      (MIG_MAGIC_LEN + 4 + 4 + 8)

/* Record types. */
#define MIG_REC_MACHINE     1
#define MIG_REC_PHB         2
#define MIG_REC_TABLE       3
#define MIG_REC_DRC         4
#define MIG_REC_END         0xff

/* Table record flags. */
#define MIG_TABLE_ENABLED   0x1
#define MIG_TABLE_DEF_WIN   0x2

/* DRC record flags. */
#define MIG_DRC_ATTACHED    0x1
#define MIG_DRC_UNPLUG      0x2

/* Run kinds. */
#define MIG_RUN_ONE         1   /* index, tce */
#define MIG_RUN_SAME        2   /* index, count, tce: every entry == tce */
#define MIG_RUN_ADVANCE     3   /* index, count, tce: + k << page_shift */

#endif /* MIGRATION_MIGRATION_INTERNAL_H */
