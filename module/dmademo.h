/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmademo: coherent vs streaming DMA, measured phase by phase.
 *
 * Shared types. Data flows one way: the knobs fill dmademo.params; "start"
 * copies them into a new dmademo_result; the run thread fills the result's
 * preallocated samples and, at the end of each step, its statistics; the
 * debugfs readers print the result they took a reference on.
 */
#ifndef DMADEMO_H
#define DMADEMO_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dmaengine.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "parse.h"
#include "stats.h"

#define DMADEMO_VERSION		"1.0.0"
#define DMADEMO_MAX_ITERATIONS	1000000U
#define DMADEMO_MAX_SAMPLES	2000000U	/* per run: 72 MB of samples */
#define DMADEMO_MAX_DEPTH	64U
#define DMADEMO_MAX_TIMEOUT_MS	60000U
#define DMADEMO_COPY_MAX	PAGE_SIZE

enum dmademo_phase {
	DMADEMO_FILL,		/* CPU writes the source pattern */
	DMADEMO_TO_DEV,		/* ownership to the device: map or sync */
	DMADEMO_PREP,		/* dmaengine_prep_dma_memcpy() */
	DMADEMO_SUBMIT,		/* dmaengine_submit() + dma_async_issue_pending() */
	DMADEMO_WAIT,		/* until the transfer completed */
	DMADEMO_TO_CPU,		/* ownership back to the CPU: unmap or sync */
	DMADEMO_READ,		/* CPU reads (and verifies) the destination */
	DMADEMO_TOTAL,
	DMADEMO_NR_PHASES
};

enum dmademo_state {
	DMADEMO_IDLE,
	DMADEMO_RUNNING,
	DMADEMO_DONE,
	DMADEMO_STOPPED,
	DMADEMO_FAILED,
};

struct dmademo_params {
	u8 strategies[DMADEMO_NR_STRATEGIES];
	unsigned int nr_strategies;
	u32 sizes[DMADEMO_MAX_SIZES];
	unsigned int nr_sizes;
	u32 iterations;
	u32 warmup;
	u32 verify;
	u32 touch;
	u32 depth;
	u32 timeout_ms;
	u32 inject;		/* enum dmademo_fault, applied once per run */
};

/* One recorded transfer. Times saturate at U32_MAX ns (4.29 s). */
struct dmademo_sample {
	u32 ns[DMADEMO_NR_PHASES];
	u16 step;
	u8 ok;
};

/* One (strategy, size) of a run. */
struct dmademo_step {
	u8 strategy;
	u32 size;
	u32 first;		/* index of its first sample */
	u32 n;			/* samples recorded */
	u64 wall_ns;		/* first fill to last read of the recorded ones */
	struct dmademo_stats stats[DMADEMO_NR_PHASES];
};

/*
 * The output of one run. Readers take a reference at open, so a reader
 * holding "results" open across a new start keeps reading the old run.
 */
struct dmademo_result {
	struct kref ref;
	struct dmademo_params params;
	unsigned int nr_steps;
	unsigned int steps_done;	/* with stats; smp_store_release() */
	u32 recorded;			/* samples written; smp_store_release() */
	u32 capacity;
	struct dmademo_sample *samples;
	u32 *scratch;			/* one phase of one step, for sorting */
	struct mutex text_lock;		/* renders text once */
	char *text;			/* results as CSV, once the run has ended */
	size_t text_len;
	struct dmademo_step steps[];
};

struct dmademo {
	struct mutex lock;		/* knobs, channel, run start/stop */
	struct dmademo_params params;
	struct dma_chan *chan;
	bool chan_from_dt;
	struct dmademo_result *result;	/* the last run's, or NULL */
	struct task_struct *thread;

	spinlock_t status_lock;		/* state and error */
	enum dmademo_state state;
	int error;
	char reason[96];
	u32 done, total, errors;	/* written by the run thread only */
	wait_queue_head_t state_wq;	/* woken when a run ends */

	void *copy_buf;			/* what "copy" last copied */
	size_t copy_len;

	u32 ktime_ns, ktime_res_ns, overhead_ns;
	struct dentry *dir;
};

extern struct dmademo dmademo;

/* main.c */
int dmademo_chan_select(const char *name);
struct device *dmademo_dma_dev(void);

/* run.c */
int dmademo_start(void);
void dmademo_stop(void);
void dmademo_result_put(struct dmademo_result *res);
int dmademo_copy(const void *src, size_t len);
void dmademo_measure_clock(void);
__printf(3, 4)
void dmademo_set_state(enum dmademo_state state, int error, const char *fmt, ...);
bool dmademo_running(void);

/* debugfs.c */
void dmademo_debugfs_init(void);

#endif /* DMADEMO_H */
