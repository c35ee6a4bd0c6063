/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of the values written to dmademo's debugfs knobs.
 *
 * Plain C on top of the kernel's kstrto*() helpers: the same file builds
 * into the module and, with bench/kshim.h standing in for the kernel
 * headers, into the host unit tests and fuzzers.
 */
#ifndef DMADEMO_PARSE_H
#define DMADEMO_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "kshim.h"
#endif
#include "vocab.h"

enum dmademo_fault {
	DMADEMO_FAULT_NONE,
	DMADEMO_FAULT_CORRUPT,		/* flip a destination byte: verify must catch it */
	DMADEMO_FAULT_TIMEOUT,		/* submit without issue_pending: the wait times out */
	DMADEMO_FAULT_SKIP_UNMAP,	/* streaming: leak one source mapping */
	DMADEMO_FAULT_WRONG_DIR,	/* streaming-sync: sync_for_cpu in the wrong direction */
	DMADEMO_FAULT_STUCK,		/* like timeout, and the channel cannot be stopped */
	DMADEMO_FAULT_OVERRUN,		/* a byte past a coherent destination: the guard sees it */
	DMADEMO_FAULT_MAP_ERROR,	/* streaming, sg: the destination's mapping fails */
	DMADEMO_FAULT_PREP_ERROR,	/* the last piece's dmaengine_prep_dma_memcpy() fails */
	DMADEMO_FAULT_SUBMIT_ERROR,	/* the last piece's dmaengine_submit() fails */
	DMADEMO_NR_FAULTS
};

enum dmademo_completion {
	DMADEMO_COMPLETION_IRQ,		/* DMA_PREP_INTERRUPT, sleep until the callback */
	DMADEMO_COMPLETION_POLL,	/* no interrupt, poll dmaengine_tx_status() */
	DMADEMO_NR_COMPLETIONS
};

/* The directions of the source and destination mappings in map-only runs. */
enum dmademo_direction {
	DMADEMO_DIR_TRANSFER,		/* source to-device, destination from-device */
	DMADEMO_DIR_TO_DEVICE,		/* both DMA_TO_DEVICE */
	DMADEMO_DIR_FROM_DEVICE,	/* both DMA_FROM_DEVICE */
	DMADEMO_DIR_BIDIRECTIONAL,	/* both DMA_BIDIRECTIONAL */
	DMADEMO_NR_DIRECTIONS
};

/* How a run keeps its transfers' phases. */
enum dmademo_record {
	DMADEMO_RECORD_SAMPLES,		/* every transfer: results, exact percentiles */
	DMADEMO_RECORD_HISTOGRAM,	/* log-linear histograms: fixed memory (hist.h) */
	DMADEMO_NR_RECORDS
};

#define DMADEMO_MAX_SIZES	32
#define DMADEMO_MAX_SIZE	(64U << 20)	/* bytes per buffer */

extern const char * const dmademo_fault_names[DMADEMO_NR_FAULTS];
extern const char * const dmademo_completion_names[DMADEMO_NR_COMPLETIONS];
extern const char * const dmademo_direction_names[DMADEMO_NR_DIRECTIONS];
extern const char * const dmademo_record_names[DMADEMO_NR_RECORDS];

/*
 * Every parser takes a NUL-terminated string with at most one trailing
 * newline, returns 0 or a negative errno, stores nothing on error, and sets
 * *why to a short static description of what was wrong.
 */
int dmademo_parse_u32(const char *buf, u32 min, u32 max, u32 *val,
		      const char **why);
int dmademo_parse_name(const char *buf, const char * const *names,
		       unsigned int nr, unsigned int *idx, const char **why);
int dmademo_parse_sizes(char *buf, u32 *sizes, unsigned int *nr,
			const char **why);
void dmademo_strategies_all(u32 absent, u8 *list, unsigned int *nr);
int dmademo_parse_strategies(char *buf, u32 absent, u8 *list,
			     unsigned int *nr, const char **why);
/* "dma<N>chan<N>", "any" or "none", without a newline */
bool dmademo_chan_name_valid(const char *name);

#endif /* DMADEMO_PARSE_H */
