/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmademo-mmap: what its options and sweep (dmademo-mmap.c), its cells
 * (mmap-cell.c), its dma-bufs (dmabuf.c) and its output (mmap-out.c) share.
 */
#ifndef DMADEMO_MMAP_H
#define DMADEMO_MMAP_H

#include <stdio.h>
#include <time.h>

#include "parse.h"	/* DMADEMO_MAX_SIZES */
#include "stats.h"
#include "uapi.h"
#include "vocab.h"
#include "version.h"	/* DMADEMO_VERSION */

#define PROG		"dmademo-mmap"
#define VERSION		DMADEMO_VERSION
#define KSFT_SKIP	4	/* this board cannot run it: kselftest's exit status */
#define MAX_SIZES	DMADEMO_MAX_SIZES
#define NR_ACCESS	2	/* word, byte */
#define NR_STRATEGIES	(DMADEMO_NR_KINDS * NR_ACCESS)
/* the application allocates them and /dev/dmademo imports them */
#define KIND_IS_DMABUF(k)	((k) >= DMADEMO_KIND_UDMABUF)

struct options {
	bool kind[DMADEMO_NR_KINDS], access[NR_ACCESS];
	u32 sizes[MAX_SIZES];
	unsigned int nr_sizes;
	u32 iterations, warmup;
	u32 touch_bytes;		/* the CPU's part of each buffer; 0: all of it */
	u32 sync_bytes;			/* cached: what SYNC hands over; 0: all of it */
	const char *access_arg, *output, *device;
	const char *cpu;		/* the CPU it runs on, or "any" */
	const char *cma_heap;		/* --cma-heap, else the one found (dmabuf.c) */
	bool quiet;
	/* kinds asked for that this kernel does not have, and why (dmabuf.c) */
	bool absent[DMADEMO_NR_KINDS];
	int absent_err[DMADEMO_NR_KINDS];
	char absent_why[DMADEMO_NR_KINDS][160];
};

/* a cell's two buffers, mapped */
struct bufs {
	u8 *src, *dst;
	size_t len;			/* of each mapping */
	int src_fd, dst_fd;		/* dma-bufs; -1: /dev/dmademo's own buffers */
	int src_memfd, dst_memfd;	/* udmabuf: the memfds under them; else -1 */
	bool held;			/* by /dev/dmademo (ALLOC, IMPORT): FREE them */
	bool need_sync;
	u32 segments;			/* of the larger mapping, as IMPORT saw it */
};

/* where the CPU hands the buffers over, around its accesses */
enum hand_over {
	BEFORE_FILL,			/* to_cpu */
	AFTER_FILL,			/* to_dev */
	AFTER_XFER,			/* to_cpu */
	AFTER_READ,			/* to_dev */
	NR_HAND_OVERS
};

/* one recorded round trip */
struct sample {
	u32 ns[DMADEMO_NR_PHASES];
	u32 cpu, irq_cpu;
	bool ok;
};

static inline u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* mmap-cell.c */
bool cells_init(const struct options *opt, int dev);
void run_cell(FILE *res, FILE *sum, unsigned int kind, unsigned int acc, u32 size,
	      long long *med);
bool cells_stopped(void);
int cells_exit_status(void);
void cells_write_skips(FILE *sum);
void cell_absent(unsigned int kind, unsigned int acc, u32 size);
const char *read_status(void);

/* dmabuf.c */
void dmabuf_probe(struct options *o);
int dmabuf_get(int dev, unsigned int kind, u32 size, struct bufs *b, const char **what);
void dmabuf_put(struct bufs *b);
int dmabuf_hand_over(const struct bufs *b, enum hand_over at, const char **what);

/* mmap-out.c */
const char *strategy_name(char *buf, size_t len, unsigned int kind, unsigned int acc);
const char *errname(int err);
u32 cell_write(FILE *res, FILE *sum, const char *name, u32 size, const struct sample *smp,
	       u32 rec, u32 *scratch, u64 wall_ns, bool need_sync, u32 segments, long long *med);
int make_dir(const char *path);
FILE *open_out(const char *dir, const char *file);
void close_out(FILE *f, const char *dir, const char *file);
void write_meta(const struct options *o, const char *date, u64 elapsed_ns, const char *status);
void print_table(const struct options *o, long long median[MAX_SIZES][NR_STRATEGIES]);

#endif /* DMADEMO_MMAP_H */
