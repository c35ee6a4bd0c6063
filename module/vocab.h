/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmademo's vocabulary, defined once: the strategies and their families,
 * the engines, the phases of a transfer, the families of the user-space buffers' kinds,
 * and the header lines of the three CSV files (results, summary, histogram).
 * The enums are here and their names in vocab.c, side by side; the module,
 * the user-space tool and the host tests build from these two files. The
 * module shows the lists in info, the collector copies info into meta, and
 * everything else (plots, verdict, guest suites) reads them from there and
 * finds the CSV columns by the header's names.
 *
 * Columns are appended, never reordered: older readers and folders must
 * keep working.
 */
#ifndef DMADEMO_VOCAB_H
#define DMADEMO_VOCAB_H

/* The buffer strategies of a run; each has a family, in vocab.c */
enum dmademo_strategy {
	DMADEMO_COHERENT,	/* dma_alloc_coherent() */
	DMADEMO_POOL,		/* dma_pool_alloc() and free per transfer */
	DMADEMO_STREAMING,	/* kmalloc() + dma_map_single() per transfer */
	DMADEMO_STREAMING_SYNC,	/* mapped once, dma_sync_single_for_*() */
	DMADEMO_NONCOHERENT,	/* dma_alloc_noncoherent() + syncs */
	DMADEMO_CPU,		/* memcpy(), no DMA: the baseline */
	DMADEMO_SG,		/* a page list, dma_map_sgtable() per transfer */
	DMADEMO_SG_SYNC,	/* a page list mapped once, synced */
	DMADEMO_NONCONTIGUOUS,	/* dma_alloc_noncontiguous() + syncs */
	DMADEMO_IOVA,		/* separate pages dma_iova_link()ed per transfer */
	DMADEMO_PHYS,		/* kmalloc() + dma_map_phys() per transfer */
	DMADEMO_NR_STRATEGIES
};

/*
 * The phases of one transfer, in the order of the results columns. Each
 * runs from one timestamp to the next, so the first seven add up to TOTAL.
 */
enum dmademo_phase {
	DMADEMO_FILL,		/* CPU writes the source pattern */
	DMADEMO_TO_DEV,		/* ownership to the device: map or sync */
	DMADEMO_PREP,		/* dmaengine_prep_dma_memcpy() */
	DMADEMO_SUBMIT,		/* dmaengine_submit() + dma_async_issue_pending() */
	DMADEMO_WAIT,		/* end of submit to the completion callback */
	DMADEMO_TO_CPU,		/* ownership back to the CPU: unmap or sync */
	DMADEMO_READ,		/* CPU reads (and verifies) the destination */
	DMADEMO_TOTAL,		/* first timestamp to last: the sum of the others */
	DMADEMO_WAKE,		/* callback to the thread taking the transfer back */
	DMADEMO_ALLOC,		/* per-transfer allocation (pool) */
	DMADEMO_FREE,		/* per-transfer free (pool) */
	DMADEMO_MAP,		/* the importer maps a dma-buf (dma_buf_map_attachment) */
	DMADEMO_UNMAP,		/* and unmaps it */
	DMADEMO_NR_PHASES
};

/* Who moves the bytes (engine.c) */
enum dmademo_engine_id {
	DMADEMO_ENGINE_IRQ,	/* dmaengine memcpy, the completion's interrupt */
	DMADEMO_ENGINE_POLL,	/* dmaengine memcpy, dmaengine_tx_status() polled */
	DMADEMO_ENGINE_CPU,	/* memcpy() by the CPU */
	DMADEMO_ENGINE_NONE,	/* map-only: a bound device, nothing transfers */
	DMADEMO_NR_ENGINES
};

/* the number of user-space buffer kinds (enum dmademo_kind in uapi.h) */
#define DMADEMO_NR_KIND_NAMES	6

extern const char * const dmademo_strategy_names[DMADEMO_NR_STRATEGIES];
extern const char * const dmademo_strategy_families[DMADEMO_NR_STRATEGIES];
extern const char * const dmademo_strategy_baselines[DMADEMO_NR_STRATEGIES];
extern const char * const dmademo_phase_names[DMADEMO_NR_PHASES];
extern const char * const dmademo_engine_names[DMADEMO_NR_ENGINES];
extern const char * const dmademo_kind_names[DMADEMO_NR_KIND_NAMES];
extern const char * const dmademo_kind_families[DMADEMO_NR_KIND_NAMES];

/* The header lines, each ending in a newline */
extern const char * const dmademo_results_header;
extern const char * const dmademo_summary_header;
extern const char * const dmademo_histogram_header;

#endif /* DMADEMO_VOCAB_H */
