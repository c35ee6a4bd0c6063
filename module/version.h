/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmademo's version, defined here alone: the module (MODULE_VERSION, the
 * version= line of its meta), bench/dmademo-mmap (--version, its meta) and
 * the Debian packages (scripts/deb reads it from this file) take it from
 * this line.
 */
#ifndef DMADEMO_VERSION_H
#define DMADEMO_VERSION_H

#define DMADEMO_VERSION		"1.2.0"

#endif /* DMADEMO_VERSION_H */
