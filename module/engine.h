/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who moves the bytes: an engine starts a transfer whose buffers the
 * device owns and finishes it, filling the prep, submit, wait and wake
 * phases. The strategy (strategy.h) says how the buffers are allocated and
 * handed over; the timed loop (run.c) only calls the two.
 */
#ifndef DMADEMO_ENGINE_H
#define DMADEMO_ENGINE_H

#include "strategy.h"

/* What the run thread knows of the run. */
struct dmademo_run {
	struct dmademo_result *res;
	struct dma_chan *chan;
	struct device *dev;
	const struct dmademo_params *p;
	const struct dmademo_engine *engine;	/* of the current step */
	size_t align;			/* of pool blocks and guard bytes */
	u32 fault;			/* still to inject, once */
	u32 seed;			/* pattern of the next transfer */
};

/*
 * One thread's share of a step: its own buffers, transfers and samples. A
 * step runs one, in the run thread, or `threads` of them (map-only runs),
 * each in a thread of its own on a CPU of its own.
 */
struct dmademo_loop {
	struct dmademo_run r;		/* its own copy: seed, fault, engine */
	struct dmademo_step *st;
	struct dmademo_cell *c;
	struct dmademo_sample *out;	/* where its samples go, or */
	struct dmademo_hist *hist;	/* its phases' histograms, */
	struct dmademo_batch batch;	/* and what is not in them yet */
	bool publish;			/* alone: each row is published as it is recorded */
	u32 cpu;			/* it is bound to, or DMADEMO_CPU_ANY */
	bool first;			/* to find out whether its mappings need syncing */
	bool need_sync;
	bool bounced;			/* its first mapping was a bounce buffer */
	u64 n;				/* transfers recorded */
	u32 errors;			/* of them, not verified */
	u32 segments;
	u64 start_ns, end_ns;		/* of its first and last recorded transfer */
	int ret;
	const char *what;		/* what failed */
	bool alloc_failed;
	bool kept;			/* its buffers could not be freed */
	struct completion done;
	struct task_struct *task;
};

int dmademo_loop_run(struct dmademo_loop *l);
bool dmademo_should_stop(void);

struct dmademo_engine {
	enum dmademo_engine_id id;	/* its name: dmademo_engine_names[] */
	bool dma;			/* uses the channel */
	bool no_transfer;		/* the CPU fills the destination; no verifying */
	unsigned int max_depth;
	/* from the end of to_dev; sets s->submit_ns; on error *what says what */
	int (*start)(struct dmademo_run *r, struct dmademo_slot *s, const char **what);
	/* until the bytes are there; returns the time it saw them in *t */
	int (*finish)(struct dmademo_run *r, struct dmademo_slot *s, u64 *t,
		      const char **what);
};

const struct dmademo_engine *dmademo_engine_for(const struct dmademo_ops *ops,
						u32 completion, bool map_only);

int dmademo_len_check(struct dma_chan *chan, size_t len, char *why, size_t why_len);

#endif /* DMADEMO_ENGINE_H */
