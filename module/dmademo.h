/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmademo: coherent vs streaming DMA, measured phase by phase.
 *
 * Shared types. Data flows one way: the knobs fill dmademo.params; "start"
 * copies them into a new dmademo_result; the run thread fills the result's
 * preallocated samples and, when a (strategy, size) cell has run its last
 * round, the cell's statistics; the debugfs readers print the result they
 * took a reference on.
 */
#ifndef DMADEMO_H
#define DMADEMO_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dmaengine.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "hist.h"
#include "parse.h"
#include "stats.h"
#include "version.h"

#define DMADEMO_MAX_ITERATIONS	1000000U
#define DMADEMO_MAX_SAMPLES	2000000U	/* per run: 104 MB of samples */
#define DMADEMO_MAX_ROUNDS	1000U
#define DMADEMO_EVICT_BYTES	SZ_8M	/* cold runs: more than any Pi's last-level cache */
#define DMADEMO_MAX_DEPTH	64U
#define DMADEMO_MAX_TIMEOUT_MS	60000U
#define DMADEMO_COPY_MAX	PAGE_SIZE
#define DMADEMO_MAX_THREADS	1024U	/* and no more than the CPUs online */
#define DMADEMO_MAX_DURATION_MS	86400000U	/* a day per step */

enum dmademo_state {
	DMADEMO_IDLE,
	DMADEMO_RUNNING,
	DMADEMO_DONE,
	DMADEMO_STOPPED,
	DMADEMO_FAILED,
};

#define DMADEMO_CPU_ANY		U32_MAX

struct dmademo_params {
	u8 strategies[DMADEMO_NR_STRATEGIES];
	unsigned int nr_strategies;
	bool strategy_all;	/* "all": those the run's device can take */
	u32 sizes[DMADEMO_MAX_SIZES];
	unsigned int nr_sizes;
	u32 iterations;
	u32 warmup;
	u32 verify;
	u32 touch;
	u32 depth;
	u32 timeout_ms;
	u32 inject;		/* enum dmademo_fault, applied once per run */
	u32 rounds;		/* the whole sweep, repeated */
	u32 shuffle;		/* strategies in a seeded order within a size */
	u32 seed;		/* 0: a new one each run */
	u32 cpu;		/* the run thread's CPU, or DMADEMO_CPU_ANY */
	u32 touch_bytes;	/* bytes the CPU fills and reads; 0: all */
	u32 sync_bytes;		/* bytes the syncing strategies sync; 0: all */
	u32 cold;		/* evict the caches before every transfer */
	u32 completion;		/* enum dmademo_completion */
	u32 dma_bits;		/* map-only: the bound device's mask for the run; 0: its own */
	u32 direction;		/* map-only: enum dmademo_direction */
	u32 threads;		/* map-only: loops at once, on CPUs of their own */
	u32 record;		/* enum dmademo_record */
	u32 duration_ms;	/* a step's length after its warmup; 0: iterations */
};

/* One recorded transfer. Times saturate at U32_MAX ns (4.29 s). */
struct dmademo_sample {
	u32 ns[DMADEMO_NR_PHASES];
	u16 step;
	u16 cpu;		/* where the run thread recorded it */
	u16 irq_cpu;		/* where the completion callback ran */
	u8 ok;
};

/* One (strategy, size): its statistics over every round. */
struct dmademo_cell {
	u8 strategy;
	u32 size;
	u64 n;			/* transfers that completed and verified */
	u64 failed;		/* recorded transfers left out of the statistics */
	u32 steps_left;		/* rounds still to run */
	u32 recorded;		/* transfers its steps recorded so far */
	u64 wall_ns;		/* summed over its steps */
	bool need_sync;		/* dma_need_sync() on its streaming handles */
	bool bounced;		/* its first step's mapping was a bounce buffer */
	u32 segments;		/* descriptors per transfer, at most */
	bool ready;		/* final; smp_store_release() */
	int skip_err;		/* why it cannot run, if it cannot */
	char skip[80];
	struct dmademo_stats stats[DMADEMO_NR_PHASES];
};

/* One round of one cell, as the run thread meets it. */
struct dmademo_step {
	u16 cell;
	u16 round;
	u32 first;		/* index of its first sample (recording samples) */
	u32 iter0;		/* its cell's transfers recorded before it: iter of the first */
	u64 n;			/* transfers recorded */
};

/*
 * The output of one run. Readers take a reference at open, so a reader
 * holding "results" open across a new start keeps reading the old run.
 */
struct dmademo_result {
	struct kref ref;
	struct dmademo_params params;
	struct dma_chan *chan;		/* handed over under dmademo.lock */
	struct device *dev;		/* what it maps on (a reference) */
	bool map_only;			/* dev is a bound device: no transfers */
	u32 seed;			/* the one used */
	unsigned int nr_cells;
	unsigned int nr_steps;
	struct dmademo_step *steps;	/* in the order they run */
	u32 recorded;			/* samples written; smp_store_release() */
	u32 capacity;
	struct dmademo_sample *samples;
	u32 *scratch;			/* one phase of one cell, for sorting */
	/* recording histograms: a cell's phases, and each thread's for a step */
	struct dmademo_hist *hists;	/* [cell][phase] */
	struct dmademo_hist *thread_hists;	/* [thread][phase], threads > 1 */
	void *evict;			/* for cold runs: larger than any cache */
	struct mutex text_lock;		/* renders text once */
	char *text;			/* results as CSV, once the run has ended */
	size_t text_len;
	struct dmademo_cell cells[];
};

struct dmademo {
	struct mutex lock;		/* knobs, channel, run start/stop */
	struct dmademo_params params;
	struct dma_chan *chan;
	bool chan_from_dt;
	u32 chan_gen;			/* changes with every channel change */
	struct device *dt_dev;		/* the one bound devicetree node */
	struct device *bound;		/* bound by driver_override: map-only runs */
	u64 saved_mask;			/* the bound device's, while dma_bits is applied */
	u64 saved_coherent_mask;
	bool mask_set;
	struct dmademo_result *result;	/* the last run's, or NULL */
	struct task_struct *thread;
	bool stopping;			/* the run's other threads stop too */

	spinlock_t status_lock;		/* everything below up to state_wq */
	enum dmademo_state state;	/* also read with READ_ONCE() */
	int error;
	char reason[160];
	u32 done, total, errors, skipped; /* WRITE_ONCE() by the run thread */
	u32 seed;
	/* runs bounded by time (duration_ms): their progress by time */
	u32 step_ms;			/* the run's duration_ms; 0: not such a run */
	u64 total_ms;			/* of all its steps */
	u64 elapsed_ms;			/* of the steps before this one */
	u64 step_start_ns;		/* of this step's first recorded transfer; 0: not yet */
	/* buffers that a channel that could not be stopped may still write */
	struct list_head stuck;		/* freed when it is released */
	bool chan_stuck;		/* also read with READ_ONCE() */
	bool stuck_injected;		/* inject=stuck: its last terminate fails too */
	/* stuck buffers of a released channel that a last terminate did not stop */
	struct list_head kept;		/* freed at unload */
	u32 nr_kept;
	int fail_nth_left;		/* fail-nth the run's thread left, -1: running */
	wait_queue_head_t state_wq;	/* woken when a run ends */

	void *copy_buf;			/* what "copy" last copied */
	size_t copy_len;

	u32 ktime_ns, ktime_res_ns, phase_ns, overhead_ns, overhead_hist_ns;
	bool closing;			/* unloading: no run starts */
};

extern struct dmademo dmademo;

struct dmademo_bufs;

/* state.c */
__printf(3, 4)
void dmademo_set_state(enum dmademo_state state, int error, const char *fmt, ...);
bool dmademo_running(void);
void dmademo_fail_nth_pass(struct task_struct *t);
void dmademo_fail_nth_done(void);
struct device *dmademo_dma_dev(void);
struct device *dmademo_run_dev(void);
int dmademo_mask_apply(struct device *dev, u32 bits);
void dmademo_mask_restore(struct device *dev);
bool dmademo_chan_quiet(struct dma_chan *chan, bool stuck);
void dmademo_bufs_stuck(struct dmademo_bufs *b);
bool dmademo_quiesce(struct dma_chan *chan, struct dmademo_bufs *b, bool stuck);
void dmademo_stuck_free(bool stopped);
void dmademo_kept_free(void);
void dmademo_chan_set(struct dma_chan *chan, bool from_dt);
bool dmademo_chan_usable(struct dma_chan *chan);
int dmademo_chan_select(const char *name);

/* device.c */
int dmademo_bind_probe(struct device *dev);
int dmademo_device_init(void);
void dmademo_device_exit(void);

/* clock.c */
void dmademo_measure_clock(struct dmademo_hist *hist);
void dmademo_clock_init(void);

/* thread.c */
int dmademo_thread(void *data);

/* control.c */
int dmademo_start(void);
void dmademo_stop(void);
void dmademo_result_put(struct dmademo_result *res);

/* engine.c */
int dmademo_copy(const void *src, size_t len);

/* mmap.c */
int dmademo_mmap_init(void);
void dmademo_mmap_exit(void);

#endif /* DMADEMO_H */
