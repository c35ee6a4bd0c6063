// SPDX-License-Identifier: GPL-2.0
/*
 * Starting and stopping runs: what is checked before a run, the schedule
 * of its steps and the lifetime of its result.
 */
#include "dmademo.h"

#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "engine.h"
#include "strategy.h"

static void dmademo_result_release(struct kref *ref)
{
	struct dmademo_result *res = container_of(ref, struct dmademo_result, ref);

	put_device(res->dev);
	kvfree(res->text);
	kvfree(res->evict);
	kvfree(res->thread_hists);
	kvfree(res->hists);
	kvfree(res->scratch);
	kvfree(res->samples);
	kvfree(res->steps);
	kfree(res);
}

void dmademo_result_put(struct dmademo_result *res)
{
	if (res)
		kref_put(&res->ref, dmademo_result_release);
}

/* sizes outer, strategies inner, in a seeded order within each size */
static void dmademo_schedule(struct dmademo_result *res)
{
	const struct dmademo_params *p = &res->params;
	u32 state = res->seed, r;
	unsigned int i, j, k = 0;
	u8 order[DMADEMO_NR_STRATEGIES];

	for (r = 0; r < p->rounds; r++) {
		for (j = 0; j < p->nr_sizes; j++) {
			for (i = 0; i < p->nr_strategies; i++)
				order[i] = i;
			if (p->shuffle)
				dmademo_shuffle(order, p->nr_strategies, &state);
			for (i = 0; i < p->nr_strategies; i++, k++) {
				res->steps[k].cell = order[i] * p->nr_sizes + j;
				res->steps[k].round = r;
			}
		}
	}
}

/* Histograms: a cell's phases and, for threads > 1, each thread's. */
static int dmademo_hists_alloc(struct dmademo_result *res, const struct dmademo_params *p)
{
	res->hists = dmademo_hists_new(res->nr_cells * DMADEMO_NR_PHASES);
	if (!res->hists)
		return -ENOMEM;
	if (p->threads < 2)
		return 0;
	res->thread_hists = dmademo_hists_new(p->threads * DMADEMO_NR_PHASES);
	return res->thread_hists ? 0 : -ENOMEM;
}

/*
 * The run's strategies: those asked for, but for "all" only those the run's
 * device can take (ops->check; info shows the others as unusable, with the
 * reason). One named is tried, and its cells skipped with the reason.
 */
static unsigned int dmademo_run_strategies(const struct dmademo_params *p,
					   struct device *dev, u8 *list)
{
	char why[sizeof_field(struct dmademo_cell, skip)];
	unsigned int i, n = 0;

	for (i = 0; i < p->nr_strategies; i++) {
		const struct dmademo_ops *ops = dmademo_ops[p->strategies[i]];

		if (!p->strategy_all || !dev || !ops->check || !ops->check(dev, why, sizeof(why)))
			list[n++] = p->strategies[i];
	}
	return n;
}

/*
 * The knobs p with the strategies of list; capacity: samples to keep
 * (recording samples), 0 for histograms
 */
static struct dmademo_result *dmademo_result_alloc(const struct dmademo_params *p,
						   const u8 *list, unsigned int nr,
						   u32 capacity)
{
	unsigned int nr_cells = nr * p->nr_sizes;
	bool hist = p->record == DMADEMO_RECORD_HISTOGRAM;
	struct dmademo_result *res;
	unsigned int i, j, k = 0;

	res = kzalloc(struct_size(res, cells, nr_cells), GFP_KERNEL);
	if (!res)
		return NULL;
	kref_init(&res->ref);
	res->nr_cells = nr_cells;
	res->nr_steps = nr_cells * p->rounds;
	res->steps = kvcalloc(res->nr_steps, sizeof(*res->steps), GFP_KERNEL);
	if (!res->steps)
		goto fail;
	if (hist) {
		if (dmademo_hists_alloc(res, p))
			goto fail;
	} else {
		res->samples = kvcalloc(capacity, sizeof(*res->samples),
					GFP_KERNEL | __GFP_NOWARN);
		res->scratch = kvcalloc(p->iterations * p->rounds * p->threads,
					sizeof(*res->scratch), GFP_KERNEL | __GFP_NOWARN);
		if (!res->samples || !res->scratch)
			goto fail;
	}
	if (p->cold) {
		res->evict = kvzalloc(DMADEMO_EVICT_BYTES, GFP_KERNEL | __GFP_NOWARN);
		if (!res->evict)
			goto fail;
	}

	mutex_init(&res->text_lock);
	res->params = *p;
	memcpy(res->params.strategies, list, nr);
	res->params.nr_strategies = nr;
	p = &res->params;
	res->capacity = capacity;
	res->seed = p->seed ?: get_random_u32() ?: 1;
	for (i = 0; i < p->nr_strategies; i++) {
		for (j = 0; j < p->nr_sizes; j++, k++) {
			res->cells[k].strategy = p->strategies[i];
			res->cells[k].size = p->sizes[j];
			res->cells[k].steps_left = p->rounds;
		}
	}
	dmademo_schedule(res);
	return res;

fail:
	dmademo_result_put(res);
	return NULL;
}

/*
 * Cells that can never run, skipped before the run starts: sizes beyond a
 * strategy's limits or the channel's copy alignment. Returns how many.
 */
static unsigned int dmademo_precheck(struct dmademo_result *res)
{
	struct dma_chan *chan = res->chan;	/* dmademo.chan, under its lock */
	unsigned int i, skipped = 0;

	for (i = 0; i < res->nr_cells; i++) {
		struct dmademo_cell *c = &res->cells[i];
		const struct dmademo_ops *ops = dmademo_ops[c->strategy];

		c->skip_err = dmademo_size_check(ops, res->dev, c->size, c->skip,
						 sizeof(c->skip));
		if (!c->skip_err && ops->cpu_copy && res->map_only) {
			snprintf(c->skip, sizeof(c->skip),
				 "a CPU copy does not involve %s", dev_name(res->dev));
			c->skip_err = -EINVAL;
		}
		if (!c->skip_err && !ops->cpu_copy && !res->map_only)
			c->skip_err = dmademo_len_check(chan, c->size, c->skip, sizeof(c->skip));
		if (c->skip_err) {
			c->steps_left = 0;
			c->ready = true;
			skipped++;
		}
	}
	return skipped;
}

/*
 * What needs a transfer cannot run on a bound device; what changes the
 * device's mappings applies only to one.
 */
static int dmademo_check_map_only(const struct dmademo_params *p)
{
	static const u32 need_transfer = BIT(DMADEMO_FAULT_CORRUPT) |
		BIT(DMADEMO_FAULT_TIMEOUT) | BIT(DMADEMO_FAULT_STUCK) |
		BIT(DMADEMO_FAULT_OVERRUN) | BIT(DMADEMO_FAULT_PREP_ERROR) |
		BIT(DMADEMO_FAULT_SUBMIT_ERROR);

	if (p->dma_bits && p->dma_bits < 20) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "dma_bits=%u: 0 (the device's own mask) or 20..64", p->dma_bits);
		return -EINVAL;
	}
	if (p->threads > 1 && (!dmademo.bound || p->cpu != DMADEMO_CPU_ANY || p->cold)) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "threads=%u needs a bound device, cpu=any and cold=0",
				  p->threads);
		return -EINVAL;
	}
	if (p->threads > num_online_cpus()) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL, "threads=%u: %u CPUs are online",
				  p->threads, num_online_cpus());
		return -EINVAL;
	}
	if (dmademo.bound) {
		if (!(BIT(p->inject) & need_transfer))
			return 0;
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "inject=%s needs a transfer: a map-only run on %s has none",
				  dmademo_fault_names[p->inject], dev_name(dmademo.bound));
		return -EINVAL;
	}
	if (p->dma_bits) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "dma_bits=%u needs a bound device: the DMA controller's mask is its driver's",
				  p->dma_bits);
		return -EINVAL;
	}
	if (p->direction != DMADEMO_DIR_TRANSFER) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "direction=%s needs a bound device: a transfer maps its source to-device, its destination from-device",
				  dmademo_direction_names[p->direction]);
		return -EINVAL;
	}
	return 0;
}

/*
 * sync_bytes narrows what the strategies that sync a step-long mapping
 * (to_dev and to_cpu, not a map per transfer) hand over; the others
 * ignore it. Below the bytes the CPU touches it would hand the device a
 * source the CPU filled only in part, and let the CPU read bytes never
 * synced for it: stale where the device is not coherent.
 */
static int dmademo_check_sync(const struct dmademo_params *p)
{
	const struct dmademo_ops *ops;
	bool syncs = false;
	unsigned int i;
	u32 touch;

	if (!p->sync_bytes || !p->touch)
		return 0;
	for (i = 0; i < p->nr_strategies; i++) {
		ops = dmademo_ops[p->strategies[i]];
		syncs |= ops->to_dev && !ops->map_per_transfer;
	}
	for (i = 0; syncs && i < p->nr_sizes; i++) {
		touch = p->touch_bytes ? min(p->touch_bytes, p->sizes[i]) : p->sizes[i];
		if (p->sync_bytes >= touch)
			continue;
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "sync_bytes=%u is below the %u B the CPU touches at size %u: it would read bytes not synced for it",
				  p->sync_bytes, touch, p->sizes[i]);
		return -EINVAL;
	}
	return 0;
}

/* Checks what can be checked before a run; on error the run fails at once. */
static int dmademo_check_params(const struct dmademo_params *p, u64 samples)
{
	u64 steps = (u64)p->nr_strategies * p->nr_sizes * p->rounds;
	bool dma = false;
	unsigned int i;
	int ret;

	if (p->record == DMADEMO_RECORD_SAMPLES && samples > DMADEMO_MAX_SAMPLES) {
		dmademo_set_state(DMADEMO_FAILED, -E2BIG,
				  "%llu samples asked for, at most %u per run",
				  samples, DMADEMO_MAX_SAMPLES);
		return -E2BIG;
	}
	/* the status counts transfers in 32 bits */
	if (!p->duration_ms && samples > U32_MAX) {
		dmademo_set_state(DMADEMO_FAILED, -E2BIG,
				  "%llu transfers asked for, at most %u per run",
				  samples, U32_MAX);
		return -E2BIG;
	}
	if (steps > U16_MAX) {
		dmademo_set_state(DMADEMO_FAILED, -E2BIG,
				  "%llu steps asked for, at most %u per run",
				  steps, U16_MAX);
		return -E2BIG;
	}
	if ((p->inject == DMADEMO_FAULT_CORRUPT || p->inject == DMADEMO_FAULT_OVERRUN) &&
	    !(p->verify && p->touch)) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "inject=%s needs verify=1 and touch=1: nothing would notice it",
				  dmademo_fault_names[p->inject]);
		return -EINVAL;
	}
	if (p->cold && p->depth > 1) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL,
				  "cold=1 needs depth=1: the eviction would land inside other transfers");
		return -EINVAL;
	}
	if (p->cpu != DMADEMO_CPU_ANY && !cpu_online(p->cpu)) {
		dmademo_set_state(DMADEMO_FAILED, -EINVAL, "cpu %u is not online", p->cpu);
		return -EINVAL;
	}
	ret = dmademo_check_sync(p);
	if (ret)
		return ret;
	ret = dmademo_check_map_only(p);
	if (ret || dmademo.bound)
		return ret;
	for (i = 0; i < p->nr_strategies; i++)
		dma |= !dmademo_ops[p->strategies[i]]->cpu_copy;
	if (!dma)
		return 0;

	if (!dmademo.chan) {
		ret = dmademo_chan_select("any");
		if (ret) {
			dmademo_set_state(DMADEMO_FAILED, ret,
					  "no free DMA_MEMCPY channel");
			return ret;
		}
	}
	if (READ_ONCE(dmademo.chan_stuck)) {
		dmademo_set_state(DMADEMO_FAILED, -EIO,
				  "%s could not be stopped after a failed transfer: select another channel, or none",
				  dma_chan_name(dmademo.chan));
		return -EIO;
	}
	return 0;
}

/* Starts a run with the current knobs. Called with dmademo.lock held. */
int dmademo_start(void)
{
	const struct dmademo_params *p = &dmademo.params;
	unsigned int nr_cells = p->nr_strategies * p->nr_sizes, skipped, nr;
	u64 samples = (u64)nr_cells * p->iterations * p->rounds * p->threads;
	u8 list[DMADEMO_NR_STRATEGIES];
	struct dmademo_result *res;
	struct task_struct *t;
	bool hist;
	int ret;

	lockdep_assert_held(&dmademo.lock);
	if (dmademo_running())
		return -EBUSY;
	if (dmademo.closing) {
		pr_err("run: refused: the module is being unloaded\n");
		return -ENODEV;
	}
	dmademo_stop();		/* reap the previous run's thread */

	ret = dmademo_check_params(p, samples);
	if (ret)
		return ret;
	/* the channel is chosen by now: the run's device is known */
	nr = dmademo_run_strategies(p, dmademo_run_dev(), list);
	nr_cells = nr * p->nr_sizes;
	samples = (u64)nr_cells * p->iterations * p->rounds * p->threads;

	hist = p->record == DMADEMO_RECORD_HISTOGRAM;
	res = dmademo_result_alloc(p, list, nr, hist ? 0 : samples);
	if (!res) {
		if (hist)
			dmademo_set_state(DMADEMO_FAILED, -ENOMEM,
					  "cannot allocate the histograms of %u cells", nr_cells);
		else
			dmademo_set_state(DMADEMO_FAILED, -ENOMEM,
					  "cannot allocate %llu samples", samples);
		return -ENOMEM;
	}
	res->map_only = dmademo.bound;
	res->chan = res->map_only ? NULL : dmademo.chan;
	res->dev = get_device(dmademo_run_dev());
	skipped = dmademo_precheck(res);

	if (res->map_only && p->dma_bits) {
		ret = dmademo_mask_apply(res->dev, p->dma_bits);
		if (ret) {
			dmademo_result_put(res);
			dmademo_set_state(DMADEMO_FAILED, ret, "dma_bits=%u: %s refuses that mask",
					  p->dma_bits, dev_name(dmademo.bound));
			return ret;
		}
	}
	/*
	 * info's costs as the host is now: a board's clocks move, an emulator's
	 * host too; recording into histograms on the run's own, if it has them
	 */
	dmademo_measure_clock(res->hists);
	t = kthread_create(dmademo_thread, res, KBUILD_MODNAME);
	if (IS_ERR(t)) {
		if (res->map_only)
			dmademo_mask_restore(res->dev);
		dmademo_result_put(res);
		dmademo_set_state(DMADEMO_FAILED, PTR_ERR(t),
				  "cannot create the run thread");
		return PTR_ERR(t);
	}
	if (p->cpu != DMADEMO_CPU_ANY)
		kthread_bind(t, p->cpu);
	get_task_struct(t);	/* kthread_stop() may come after it returned */

	dmademo_result_put(dmademo.result);
	dmademo.result = res;
	dmademo.thread = t;
	spin_lock(&dmademo.status_lock);
	WRITE_ONCE(dmademo.done, 0);
	WRITE_ONCE(dmademo.errors, 0);
	WRITE_ONCE(dmademo.skipped, skipped);
	/* a run bounded by time counts its transfers, but cannot know how many */
	WRITE_ONCE(dmademo.total, p->duration_ms ? 0 :
		   (u32)(samples - (u64)skipped * p->iterations * p->rounds * p->threads));
	dmademo.seed = res->seed;
	dmademo.step_ms = p->duration_ms;
	dmademo.total_ms = (u64)p->duration_ms * p->rounds * (nr_cells - skipped);
	dmademo.elapsed_ms = 0;
	dmademo.step_start_ns = 0;
	spin_unlock(&dmademo.status_lock);
	dmademo_set_state(DMADEMO_RUNNING, 0, NULL);
	dmademo_fail_nth_pass(t);
	wake_up_process(t);
	return 0;
}

/* Stops the run, if any, and reaps its thread. Called with dmademo.lock held. */
void dmademo_stop(void)
{
	lockdep_assert_held(&dmademo.lock);
	if (!dmademo.thread)
		return;
	WRITE_ONCE(dmademo.stopping, true);
	kthread_stop(dmademo.thread);
	WRITE_ONCE(dmademo.stopping, false);
	put_task_struct(dmademo.thread);
	dmademo.thread = NULL;
	/* a thread stopped before it ran did not restore the mask either */
	if (dmademo.result && dmademo.result->map_only)
		dmademo_mask_restore(dmademo.result->dev);
	/* a thread stopped before it ever ran did not say so itself */
	if (dmademo_running())
		dmademo_set_state(DMADEMO_STOPPED, 0, NULL);
}
