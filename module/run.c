// SPDX-License-Identifier: GPL-2.0
/*
 * The timed loop and the run thread.
 *
 * One run is a list of steps, one per (strategy, size). A step allocates
 * its buffers, runs warmup + iterations transfers with up to `depth` of
 * them in flight, records a sample per transfer into the run's
 * preallocated array, then computes the step's statistics. Every phase of
 * a transfer is bracketed by ktime_get_ns(); between the brackets there is
 * only the work being measured: no allocation, no printk, no lock.
 */
#include "dmademo.h"

#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "strategy.h"

#define PATTERN_STEP	0x9e3779b9U	/* consecutive words differ in every byte */

struct dmademo_run {
	struct dmademo_result *res;
	struct dma_chan *chan;
	struct device *dev;
	const struct dmademo_params *p;
	u32 fault;			/* still to inject, once */
	u32 seed;			/* pattern of the next transfer */
};

static u32 dmademo_sink;		/* keeps the unverified read honest */

/* The CPU writes the source: word i of transfer `seed` is seed + i * STEP. */
static void fill(void *buf, size_t len, u32 seed)
{
	u32 *w = buf;
	size_t i, n = len / 4;

	for (i = 0; i < n; i++)
		w[i] = seed + i * PATTERN_STEP;
	for (i = n * 4; i < len; i++)
		((u8 *)buf)[i] = seed + i;
}

/* The CPU reads the whole destination; false if it is not the pattern. */
static bool check(const void *buf, size_t len, u32 seed, bool verify)
{
	const u32 *w = buf;
	size_t i, n = len / 4;
	u32 sum = 0;

	if (!verify) {
		for (i = 0; i < n; i++)
			sum += w[i];
		for (i = n * 4; i < len; i++)
			sum += ((const u8 *)buf)[i];
		WRITE_ONCE(dmademo_sink, sum);
		return true;
	}
	for (i = 0; i < n; i++) {
		if (w[i] != (u32)(seed + i * PATTERN_STEP))
			return false;
	}
	for (i = n * 4; i < len; i++) {
		if (((const u8 *)buf)[i] != (u8)(seed + i))
			return false;
	}
	return true;
}

static void dmademo_callback(void *arg, const struct dmaengine_result *result)
{
	struct dmademo_slot *s = arg;

	s->done_ns = ktime_get_ns();
	s->result = result->result;
	complete(&s->done);
}

/* fill, to_dev, prep, submit; on error *what names the step that failed */
static int xfer_start(struct dmademo_run *r, const struct dmademo_ops *ops,
		      struct dmademo_slot *s, const char **what)
{
	struct dmademo_bufs *b = s->bufs;
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;
	u64 t0, t;
	int ret;

	memset(s->ns, 0, sizeof(s->ns));
	reinit_completion(&s->done);

	t0 = ktime_get_ns();
	s->start_ns = t0;
	if (r->p->touch) {
		fill(s->src, b->len, s->seed);
		t = ktime_get_ns();
		s->ns[DMADEMO_FILL] = t - t0;
		t0 = t;
	}
	if (ops->to_dev) {
		ret = ops->to_dev(b, s);
		if (ret) {
			*what = "mapping";
			return ret;
		}
		t = ktime_get_ns();
		s->ns[DMADEMO_TO_DEV] = t - t0;
		t0 = t;
	}
	s->mapped = true;
	if (ops->cpu_copy)
		return 0;

	tx = dmaengine_prep_dma_memcpy(r->chan, s->dst_dma, s->src_dma, b->len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	t = ktime_get_ns();
	s->ns[DMADEMO_PREP] = t - t0;
	t0 = t;
	if (!tx) {
		*what = "dmaengine_prep_dma_memcpy";
		return -EIO;
	}

	tx->callback_result = dmademo_callback;
	tx->callback_param = s;
	cookie = dmaengine_submit(tx);
	if (s->fault != DMADEMO_FAULT_TIMEOUT)
		dma_async_issue_pending(r->chan);
	t = ktime_get_ns();
	s->submit_ns = t;
	s->ns[DMADEMO_SUBMIT] = t - t0;
	if (dma_submit_error(cookie)) {
		*what = "dmaengine_submit";
		return -EIO;
	}
	return 0;
}

/* wait, to_cpu, read; *ok is whether the destination verified */
static int xfer_finish(struct dmademo_run *r, const struct dmademo_ops *ops,
		       struct dmademo_slot *s, bool *ok, const char **what)
{
	struct dmademo_bufs *b = s->bufs;
	u64 t0 = s->submit_ns, t;

	if (ops->cpu_copy) {
		t0 = ktime_get_ns();
		memcpy(s->dst, s->src, b->len);
		t = ktime_get_ns();
		s->ns[DMADEMO_WAIT] = t - t0;
	} else {
		*what = "transfer";
		if (!wait_for_completion_timeout(&s->done,
						 msecs_to_jiffies(r->p->timeout_ms)))
			return -ETIMEDOUT;
		t = ktime_get_ns();
		if (s->result != DMA_TRANS_NOERROR)
			return -EIO;
		/*
		 * In a pipeline the device may have finished long before we
		 * looked: its callback's timestamp is the end of the wait.
		 */
		s->ns[DMADEMO_WAIT] = (r->p->depth > 1 ? max(s->done_ns, t0) : t) - t0;
	}
	t0 = t;

	if (ops->to_cpu) {
		ops->to_cpu(b, s);
		t = ktime_get_ns();
		s->ns[DMADEMO_TO_CPU] = t - t0;
		t0 = t;
	}
	s->mapped = false;

	if (s->fault == DMADEMO_FAULT_CORRUPT)
		((u8 *)s->dst)[b->len / 2] ^= 0xff;

	*ok = true;
	if (r->p->touch) {
		*ok = check(s->dst, b->len, s->seed, r->p->verify);
		t = ktime_get_ns();
		s->ns[DMADEMO_READ] = t - t0;
	}
	s->ns[DMADEMO_TOTAL] = t - s->start_ns;
	return 0;
}

static void record(struct dmademo_run *r, struct dmademo_step *st,
		   const struct dmademo_slot *s, bool ok)
{
	struct dmademo_result *res = r->res;
	struct dmademo_sample *smp = &res->samples[res->recorded];
	int i;

	for (i = 0; i < DMADEMO_NR_PHASES; i++)
		smp->ns[i] = min_t(u64, s->ns[i], U32_MAX);
	smp->step = st - res->steps;
	smp->ok = ok;

	if (!st->n)
		st->wall_ns = s->start_ns;	/* start, until the step ends */
	st->n++;
	/* readers see whole rows: publish the count after the row */
	smp_store_release(&res->recorded, res->recorded + 1);
	WRITE_ONCE(dmademo.done, dmademo.done + 1);
	if (!ok)
		WRITE_ONCE(dmademo.errors, dmademo.errors + 1);
}

static bool fault_applies(u32 fault, const struct dmademo_ops *ops, bool touch)
{
	switch (fault) {
	case DMADEMO_FAULT_NONE:
		return false;
	case DMADEMO_FAULT_CORRUPT:
		return touch;		/* only a read can notice it */
	case DMADEMO_FAULT_TIMEOUT:
		return !ops->cpu_copy;
	default:
		return ops->faults & BIT(fault);
	}
}

/* The pending fault goes into the first recorded transfer that can take it. */
static u32 take_fault(struct dmademo_run *r, const struct dmademo_ops *ops,
		      bool recorded)
{
	u32 fault = r->fault;

	if (!recorded || !fault_applies(fault, ops, r->p->touch))
		return DMADEMO_FAULT_NONE;
	r->fault = DMADEMO_FAULT_NONE;
	return fault;
}

static int run_step(struct dmademo_run *r, struct dmademo_step *st)
{
	const struct dmademo_ops *ops = dmademo_ops[st->strategy];
	const char *name = dmademo_strategy_names[st->strategy];
	u32 n = r->p->warmup + r->p->iterations, issued = 0, finished = 0;
	unsigned int i, depth = ops->cpu_copy ? 1 : r->p->depth;
	const char *what = "transfer";
	struct dmademo_bufs *b;
	struct dmademo_slot *s;
	u64 end_ns = 0;
	int ret = 0;
	bool ok;

	b = dmademo_bufs_alloc(ops, r->dev, st->size, depth);
	if (IS_ERR(b)) {
		dmademo_set_state(DMADEMO_FAILED, PTR_ERR(b),
				  "%s %u B: %s failed", name, st->size,
				  ops->alloc_what);
		return PTR_ERR(b);
	}
	for (i = 0; i < depth; i++)
		init_completion(&b->slot[i].done);
	st->first = r->res->recorded;

	while (finished < n) {
		/* keep `depth` transfers in flight; on stop, just drain */
		while (issued < n && issued - finished < depth &&
		       !kthread_should_stop()) {
			s = &b->slot[issued % depth];
			s->seed = r->seed++;
			s->record = issued >= r->p->warmup;
			s->fault = take_fault(r, ops, s->record);
			issued++;
			ret = xfer_start(r, ops, s, &what);
			if (ret)
				goto abort;
		}
		if (finished == issued)
			break;
		s = &b->slot[finished % depth];
		ret = xfer_finish(r, ops, s, &ok, &what);
		if (ret)
			goto abort;
		finished++;
		if (s->record) {
			record(r, st, s, ok);
			end_ns = s->start_ns + s->ns[DMADEMO_TOTAL];
		}
		cond_resched();
	}
	if (st->n)
		st->wall_ns = end_ns - st->wall_ns;
	dmademo_bufs_free(ops, b);
	return 0;

abort:
	if (!ops->cpu_copy)
		dmaengine_terminate_sync(r->chan);
	for (; finished < issued; finished++) {
		s = &b->slot[finished % depth];
		if (s->mapped && ops->to_cpu)
			ops->to_cpu(b, s);
	}
	st->wall_ns = 0;
	dmademo_bufs_free(ops, b);
	if (ret == -ETIMEDOUT)
		dmademo_set_state(DMADEMO_FAILED, ret,
				  "%s %u B: %s timed out after %u ms",
				  name, st->size, what, r->p->timeout_ms);
	else
		dmademo_set_state(DMADEMO_FAILED, ret, "%s %u B: %s failed",
				  name, st->size, what);
	return ret;
}

static void step_stats(struct dmademo_result *res, struct dmademo_step *st)
{
	const struct dmademo_sample *smp = &res->samples[st->first];
	int p;
	u32 i;

	for (p = 0; p < DMADEMO_NR_PHASES; p++) {
		for (i = 0; i < st->n; i++)
			res->scratch[i] = smp[i].ns[p];
		dmademo_stats_compute(res->scratch, st->n, &st->stats[p]);
	}
}

static int dmademo_thread(void *data)
{
	struct dmademo_result *res = data;
	struct dmademo_run r = {
		.res = res,
		.chan = dmademo.chan,
		.dev = dmademo_dma_dev(),
		.p = &res->params,
		.fault = res->params.inject,
		.seed = get_random_u32(),
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; i < res->nr_steps && !kthread_should_stop(); i++) {
		ret = run_step(&r, &res->steps[i]);
		step_stats(res, &res->steps[i]);
		/* summary readers see a step only with its statistics */
		smp_store_release(&res->steps_done, i + 1);
		if (ret)
			return ret;
	}
	if (res->recorded < res->capacity)
		dmademo_set_state(DMADEMO_STOPPED, 0, NULL);
	else
		dmademo_set_state(DMADEMO_DONE, 0, NULL);
	return 0;
}

void dmademo_set_state(enum dmademo_state state, int error, const char *fmt, ...)
{
	va_list args;

	spin_lock(&dmademo.status_lock);
	dmademo.state = state;
	dmademo.error = error;
	dmademo.reason[0] = '\0';
	if (fmt) {
		va_start(args, fmt);
		vscnprintf(dmademo.reason, sizeof(dmademo.reason), fmt, args);
		va_end(args);
	}
	spin_unlock(&dmademo.status_lock);

	if (state == DMADEMO_FAILED)
		pr_err("run failed: %s (%pe)\n", dmademo.reason, ERR_PTR(error));
	if (state != DMADEMO_RUNNING)
		wake_up_all(&dmademo.state_wq);
}

bool dmademo_running(void)
{
	return READ_ONCE(dmademo.state) == DMADEMO_RUNNING;
}

static void dmademo_result_release(struct kref *ref)
{
	struct dmademo_result *res = container_of(ref, struct dmademo_result, ref);

	kvfree(res->text);
	kvfree(res->scratch);
	kvfree(res->samples);
	kfree(res);
}

void dmademo_result_put(struct dmademo_result *res)
{
	if (res)
		kref_put(&res->ref, dmademo_result_release);
}

static struct dmademo_result *dmademo_result_alloc(const struct dmademo_params *p,
						   u32 capacity)
{
	unsigned int i, j, k = 0;
	struct dmademo_result *res;

	res = kzalloc(struct_size(res, steps, p->nr_strategies * p->nr_sizes),
		      GFP_KERNEL);
	if (!res)
		return NULL;
	res->samples = kvcalloc(capacity, sizeof(*res->samples),
				GFP_KERNEL | __GFP_NOWARN);
	res->scratch = kvcalloc(p->iterations, sizeof(*res->scratch),
				GFP_KERNEL | __GFP_NOWARN);
	if (!res->samples || !res->scratch) {
		kvfree(res->scratch);
		kvfree(res->samples);
		kfree(res);
		return NULL;
	}

	kref_init(&res->ref);
	mutex_init(&res->text_lock);
	res->params = *p;
	res->capacity = capacity;
	for (i = 0; i < p->nr_strategies; i++) {
		for (j = 0; j < p->nr_sizes; j++, k++) {
			res->steps[k].strategy = p->strategies[i];
			res->steps[k].size = p->sizes[j];
		}
	}
	res->nr_steps = k;
	return res;
}

/* Checks what can be checked before a run; on error the run fails at once. */
static int dmademo_check_params(const struct dmademo_params *p, u64 samples)
{
	struct dma_chan *chan;
	bool dma = false;
	unsigned int i;
	int ret;

	if (samples > DMADEMO_MAX_SAMPLES) {
		dmademo_set_state(DMADEMO_FAILED, -E2BIG,
				  "%llu samples asked for, at most %u per run",
				  samples, DMADEMO_MAX_SAMPLES);
		return -E2BIG;
	}
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
	chan = dmademo.chan;
	for (i = 0; i < p->nr_sizes; i++) {
		if (!is_dma_copy_aligned(chan->device, 0, 0, p->sizes[i])) {
			dmademo_set_state(DMADEMO_FAILED, -EINVAL,
					  "size %u is not a multiple of %s's copy alignment %u",
					  p->sizes[i], dma_chan_name(chan),
					  1U << chan->device->copy_align);
			return -EINVAL;
		}
	}
	return 0;
}

/* Starts a run with the current knobs. Called with dmademo.lock held. */
int dmademo_start(void)
{
	const struct dmademo_params *p = &dmademo.params;
	u64 samples = (u64)p->nr_strategies * p->nr_sizes * p->iterations;
	struct dmademo_result *res;
	struct task_struct *t;
	int ret;

	lockdep_assert_held(&dmademo.lock);
	if (dmademo_running())
		return -EBUSY;
	dmademo_stop();		/* reap the previous run's thread */

	ret = dmademo_check_params(p, samples);
	if (ret)
		return ret;

	res = dmademo_result_alloc(p, samples);
	if (!res) {
		dmademo_set_state(DMADEMO_FAILED, -ENOMEM,
				  "cannot allocate %llu samples", samples);
		return -ENOMEM;
	}

	t = kthread_create(dmademo_thread, res, KBUILD_MODNAME);
	if (IS_ERR(t)) {
		dmademo_result_put(res);
		dmademo_set_state(DMADEMO_FAILED, PTR_ERR(t),
				  "cannot create the run thread");
		return PTR_ERR(t);
	}
	get_task_struct(t);	/* kthread_stop() may come after it returned */

	dmademo_result_put(dmademo.result);
	dmademo.result = res;
	dmademo.thread = t;
	WRITE_ONCE(dmademo.done, 0);
	WRITE_ONCE(dmademo.errors, 0);
	WRITE_ONCE(dmademo.total, samples);
	dmademo_set_state(DMADEMO_RUNNING, 0, NULL);
	wake_up_process(t);
	return 0;
}

/* Stops the run, if any, and reaps its thread. Called with dmademo.lock held. */
void dmademo_stop(void)
{
	lockdep_assert_held(&dmademo.lock);
	if (!dmademo.thread)
		return;
	kthread_stop(dmademo.thread);
	put_task_struct(dmademo.thread);
	dmademo.thread = NULL;
	/* a thread stopped before it ever ran did not say so itself */
	if (dmademo_running())
		dmademo_set_state(DMADEMO_STOPPED, 0, NULL);
}

/* One synchronous DMA copy through the channel, for the "copy" file. */
int dmademo_copy(const void *data, size_t len)
{
	size_t dma_len = round_up(len, 4);	/* the emulated engine needs it */
	struct dma_async_tx_descriptor *tx;
	struct dmademo_slot s = {};
	struct device *dev;
	void *src, *dst;
	int ret = 0;

	lockdep_assert_held(&dmademo.lock);
	if (!dmademo.chan) {
		ret = dmademo_chan_select("any");
		if (ret)
			return ret;
	}
	dev = dmademo_dma_dev();

	src = dma_alloc_coherent(dev, DMADEMO_COPY_MAX, &s.src_dma, GFP_KERNEL);
	if (!src)
		return -ENOMEM;
	dst = dma_alloc_coherent(dev, DMADEMO_COPY_MAX, &s.dst_dma, GFP_KERNEL);
	if (!dst) {
		ret = -ENOMEM;
		goto free_src;
	}
	memset(src, 0, dma_len);
	memcpy(src, data, len);
	init_completion(&s.done);

	tx = dmaengine_prep_dma_memcpy(dmademo.chan, s.dst_dma, s.src_dma,
				       dma_len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx) {
		ret = -EIO;
		goto free_dst;
	}
	tx->callback_result = dmademo_callback;
	tx->callback_param = &s;
	if (dma_submit_error(dmaengine_submit(tx))) {
		ret = -EIO;
		goto free_dst;
	}
	dma_async_issue_pending(dmademo.chan);
	if (!wait_for_completion_timeout(&s.done,
					 msecs_to_jiffies(dmademo.params.timeout_ms))) {
		dmaengine_terminate_sync(dmademo.chan);
		ret = -ETIMEDOUT;
		goto free_dst;
	}
	if (s.result != DMA_TRANS_NOERROR) {
		ret = -EIO;
		goto free_dst;
	}
	memcpy(dmademo.copy_buf, dst, len);
	dmademo.copy_len = len;

free_dst:
	dma_free_coherent(dev, DMADEMO_COPY_MAX, dst, s.dst_dma);
free_src:
	dma_free_coherent(dev, DMADEMO_COPY_MAX, src, s.src_dma);
	return ret;
}

/* The cheapest of a few batches: interrupts and preemption only add. */
#define CLOCK_BATCHES	16
#define CLOCK_LOOPS	64

/* ns per ktime_get_ns() call */
static u32 clock_cost(void)
{
	u64 t0, t1, best = U64_MAX;
	unsigned int b, i;

	for (b = 0; b < CLOCK_BATCHES; b++) {
		t0 = ktime_get_ns();
		for (i = 0; i < CLOCK_LOOPS; i++)
			ktime_get_ns();
		t1 = ktime_get_ns();
		best = min(best, t1 - t0);
	}
	return div_u64(best, CLOCK_LOOPS);
}

/* the smallest non-zero step between two readings */
static u32 clock_resolution(void)
{
	u64 prev, t, res = U64_MAX;
	unsigned int i;

	prev = ktime_get_ns();
	for (i = 0; i < CLOCK_BATCHES * CLOCK_LOOPS; i++) {
		t = ktime_get_ns();
		if (t != prev && t - prev < res)
			res = t - prev;
		prev = t;
	}
	return res == U64_MAX ? 0 : res;
}

/* the timed loop's own bookkeeping per transfer: timestamps and a sample */
static u32 bookkeeping_cost(void)
{
	struct dmademo_sample smp;
	u64 t0, t1, prev, t = 0, best = U64_MAX;
	unsigned int b, i;
	int p;

	for (b = 0; b < CLOCK_BATCHES; b++) {
		t0 = ktime_get_ns();
		for (i = 0; i < CLOCK_LOOPS; i++) {
			prev = ktime_get_ns();
			for (p = 0; p < DMADEMO_NR_PHASES - 1; p++) {
				t = ktime_get_ns();
				smp.ns[p] = t - prev;
				prev = t;
			}
			smp.ns[DMADEMO_TOTAL] = t - t0;
			WRITE_ONCE(dmademo_sink, smp.ns[i % DMADEMO_NR_PHASES]);
		}
		t1 = ktime_get_ns();
		best = min(best, t1 - t0);
	}
	return div_u64(best, CLOCK_LOOPS);
}

/*
 * What the clock costs and how fine it is, and what the loop's own
 * bookkeeping costs per transfer, for info.
 */
void dmademo_measure_clock(void)
{
	dmademo.ktime_ns = clock_cost();
	dmademo.ktime_res_ns = clock_resolution();
	dmademo.overhead_ns = bookkeeping_cost();
}
