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

struct dmademo_engine {
	const char *name;
	bool dma;			/* uses the channel */
	unsigned int max_depth;
	/* from the end of to_dev; sets s->submit_ns; on error *what says what */
	int (*start)(struct dmademo_run *r, struct dmademo_slot *s, const char **what);
	/* until the bytes are there; returns the time it saw them in *t */
	int (*finish)(struct dmademo_run *r, struct dmademo_slot *s, u64 *t,
		      const char **what);
};

const struct dmademo_engine *dmademo_engine_for(const struct dmademo_ops *ops,
						u32 completion);

bool dmademo_chan_quiet(struct dma_chan *chan, bool stuck);
bool dmademo_quiesce(struct dma_chan *chan, struct dmademo_bufs *b, bool stuck);
void dmademo_bufs_stuck(struct dmademo_bufs *b);

#endif /* DMADEMO_ENGINE_H */
