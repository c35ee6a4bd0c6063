// SPDX-License-Identifier: GPL-2.0
/*
 * dmademo's vocabulary as strings (vocab.h): every name and header line that
 * the module, the user-space tool and the host tests print comes from here.
 */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif
#include "vocab.h"
#include "uapi.h"

static_assert(DMADEMO_NR_KIND_NAMES == DMADEMO_NR_KINDS, "uapi.h and vocab.h: the same kinds");

const char * const dmademo_strategy_names[DMADEMO_NR_STRATEGIES] = {
	[DMADEMO_COHERENT]	 = "coherent",
	[DMADEMO_POOL]		 = "pool",
	[DMADEMO_STREAMING]	 = "streaming",
	[DMADEMO_STREAMING_SYNC] = "streaming-sync",
	[DMADEMO_NONCOHERENT]	 = "noncoherent",
	[DMADEMO_CPU]		 = "cpu",
	[DMADEMO_SG]		 = "sg",
	[DMADEMO_SG_SYNC]	 = "sg-sync",
	[DMADEMO_NONCONTIGUOUS]	 = "noncontiguous",
	[DMADEMO_IOVA]		 = "iova",
	[DMADEMO_PHYS]		 = "phys",
};

/*
 * What the verdict compares: "coherent" (buffers the CPU maps uncached,
 * nothing to hand over) against "streaming" (cached buffers handed over by
 * map/unmap or sync); "cpu" is the baseline, in no family compared.
 */
const char * const dmademo_strategy_families[DMADEMO_NR_STRATEGIES] = {
	[DMADEMO_COHERENT]	 = "coherent",
	[DMADEMO_POOL]		 = "coherent",
	[DMADEMO_STREAMING]	 = "streaming",
	[DMADEMO_STREAMING_SYNC] = "streaming",
	[DMADEMO_NONCOHERENT]	 = "streaming",
	[DMADEMO_CPU]		 = "cpu",
	[DMADEMO_SG]		 = "streaming",
	[DMADEMO_SG_SYNC]	 = "streaming",
	[DMADEMO_NONCONTIGUOUS]	 = "streaming",
	[DMADEMO_IOVA]		 = "streaming",
	[DMADEMO_PHYS]		 = "streaming",
};

/*
 * What a strategy is measured against: the older calls a driver would use
 * for the same buffers (NULL: none). iova links the pages sg maps; phys
 * maps by physical address what streaming maps by virtual address.
 */
const char * const dmademo_strategy_baselines[DMADEMO_NR_STRATEGIES] = {
	[DMADEMO_IOVA]		 = "sg",
	[DMADEMO_PHYS]		 = "streaming",
};

const char * const dmademo_phase_names[DMADEMO_NR_PHASES] = {
	[DMADEMO_FILL]	 = "fill",
	[DMADEMO_TO_DEV] = "to_dev",
	[DMADEMO_PREP]	 = "prep",
	[DMADEMO_SUBMIT] = "submit",
	[DMADEMO_WAIT]	 = "wait",
	[DMADEMO_TO_CPU] = "to_cpu",
	[DMADEMO_READ]	 = "read",
	[DMADEMO_TOTAL]	 = "total",
	[DMADEMO_WAKE]	 = "wake",
	[DMADEMO_ALLOC]	 = "alloc",
	[DMADEMO_FREE]	 = "free",
	[DMADEMO_MAP]	 = "map",
	[DMADEMO_UNMAP]	 = "unmap",
};

const char * const dmademo_engine_names[DMADEMO_NR_ENGINES] = {
	[DMADEMO_ENGINE_IRQ]	= "irq",
	[DMADEMO_ENGINE_POLL]	= "poll",
	[DMADEMO_ENGINE_CPU]	= "cpu",
	[DMADEMO_ENGINE_NONE]	= "none",
};

/*
 * /dev/dmademo's kinds; in user space "uncached" is compared with "cached".
 * The dma-bufs are cached memory handed over by syncs: they are "cached".
 */
const char * const dmademo_kind_names[DMADEMO_NR_KIND_NAMES] = {
	[DMADEMO_KIND_COHERENT]	   = "coherent",
	[DMADEMO_KIND_WC]	   = "wc",
	[DMADEMO_KIND_CACHED]	   = "cached",
	[DMADEMO_KIND_UDMABUF]	   = "udmabuf",
	[DMADEMO_KIND_HEAP_SYSTEM] = "heap-system",
	[DMADEMO_KIND_HEAP_CMA]	   = "heap-cma",
};

const char * const dmademo_kind_families[DMADEMO_NR_KIND_NAMES] = {
	[DMADEMO_KIND_COHERENT]	   = "uncached",
	[DMADEMO_KIND_WC]	   = "uncached",
	[DMADEMO_KIND_CACHED]	   = "cached",
	[DMADEMO_KIND_UDMABUF]	   = "cached",
	[DMADEMO_KIND_HEAP_SYSTEM] = "cached",
	[DMADEMO_KIND_HEAP_CMA]	   = "cached",
};

/* results: a row per transfer; the phases after `ok` were appended later */
#define RESULTS_HEADER "strategy,size,iter,fill_ns,to_dev_ns,prep_ns,submit_ns,wait_ns,to_cpu_ns,read_ns,total_ns,ok,wake_ns,alloc_ns,free_ns,round,cpu,irq_cpu,map_ns,unmap_ns\n"
const char * const dmademo_results_header = RESULTS_HEADER;

/* summary: a row per strategy, size and phase */
#define SUMMARY_HEADER "strategy,size,phase,n,min_ns,p50_ns,p90_ns,p99_ns,max_ns,mean_ns,stddev_ns,mbps_p50,mbps_step,failed,need_sync,segments,p999_ns,p9999_ns,bounced\n"
const char * const dmademo_summary_header = SUMMARY_HEADER;

/* histogram: a row per non-empty bucket of a (strategy, size, phase) */
const char * const dmademo_histogram_header = "strategy,size,phase,lo_ns,hi_ns,count\n";
