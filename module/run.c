// SPDX-License-Identifier: GPL-2.0
/*
 * The timed loop and the run thread.
 *
 * A run is a grid of cells, one per (strategy, size), and a schedule of
 * steps: `rounds` times over the sizes, and within each size over the
 * strategies in a seeded shuffled order, so that drift during a sweep (a
 * cpufreq ramp, throttling) spreads over every strategy instead of landing
 * on one. A step allocates its buffers, runs warmup + iterations transfers
 * with up to `depth` of them in flight and records a sample per transfer
 * into the run's preallocated array. Every phase of a transfer runs from
 * one ktime_get_ns() to the next, so the phases add up to the total;
 * between two timestamps there is only the work being measured.
 */
#include "dmademo.h"

#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "engine.h"

#define PATTERN_STEP	0x9e3779b9U	/* consecutive words differ in every byte */
#define EVICT_STRIDE	32		/* the smallest cache line of a CPU we run on */

static u32 dmademo_sink;		/* keeps reads that verify nothing honest */

/* bytes of each buffer the CPU fills and reads */
static size_t touch_len(const struct dmademo_params *p, size_t len)
{
	return p->touch_bytes ? min_t(size_t, p->touch_bytes, len) : len;
}

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

/*
 * The CPU reads the destination; false if verifying and it is not the
 * pattern. It reads every byte and does the same work whether it verifies
 * or not and whether the data is right or not, so `read` is one thing.
 */
static bool check(const void *buf, size_t len, u32 seed, bool verify)
{
	const u32 *w = buf;
	size_t i, n = len / 4;
	u32 sum = 0, bad = 0;

	for (i = 0; i < n; i++) {
		sum += w[i];
		bad |= w[i] ^ (u32)(seed + i * PATTERN_STEP);
	}
	for (i = n * 4; i < len; i++) {
		u8 c = ((const u8 *)buf)[i];

		sum += c;
		bad |= c ^ (u8)(seed + i);
	}
	WRITE_ONCE(dmademo_sink, sum);
	return !verify || !bad;
}

/* cold runs: the CPU reads a buffer larger than its caches, untimed */
static void evict(const void *buf)
{
	const u8 *b = buf;
	u32 sum = 0;
	size_t i;

	for (i = 0; i < DMADEMO_EVICT_BYTES; i += EVICT_STRIDE)
		sum += READ_ONCE(b[i]);
	WRITE_ONCE(dmademo_sink, sum);
}

/*
 * alloc (per-transfer buffers), fill, to_dev, prep, submit. On error *what
 * names what failed; -ENOMEM is a buffer that could not be had.
 */
static int xfer_start(struct dmademo_run *r, const struct dmademo_ops *ops,
		      struct dmademo_slot *s, const char **what)
{
	struct dmademo_bufs *b = s->bufs;
	u64 t0, t;
	int ret;

	memset(s->ns, 0, sizeof(s->ns));
	reinit_completion(&s->done);
	if (r->p->cold)
		evict(r->res->evict);

	t0 = ktime_get_ns();
	s->start_ns = t0;
	if (ops->get) {
		ret = ops->get(b, s);
		if (ret) {
			*what = ops->alloc_what;
			return -ENOMEM;
		}
		s->held = true;
		t = ktime_get_ns();
		s->ns[DMADEMO_ALLOC] = t - t0;
		t0 = t;
	}
	if (r->p->touch) {
		fill(s->src, touch_len(r->p, b->len), s->seed);
		t = ktime_get_ns();
		s->ns[DMADEMO_FILL] = t - t0;
		t0 = t;
	}
	if (ops->to_dev) {
		ret = ops->to_dev(b, s);
		if (ret) {
			*what = "mapping";
			return -ENOMEM;
		}
		t = ktime_get_ns();
		s->ns[DMADEMO_TO_DEV] = t - t0;
		t0 = t;
	}
	s->mapped = true;
	s->submit_ns = t0;
	return r->engine->start(r, s, what);
}

/*
 * wait and wake (the engine's), to_cpu, read, free (per-transfer
 * buffers); *ok is whether it verified.
 */
static int xfer_finish(struct dmademo_run *r, const struct dmademo_ops *ops,
		       struct dmademo_slot *s, bool *ok, const char **what)
{
	struct dmademo_bufs *b = s->bufs;
	u64 t0, t;
	int ret;

	ret = r->engine->finish(r, s, &t, what);
	if (ret)
		return ret;
	t0 = t;

	if (ops->to_cpu) {
		ops->to_cpu(b, s);
		t = ktime_get_ns();
		s->ns[DMADEMO_TO_CPU] = t - t0;
		t0 = t;
	}
	s->mapped = false;

	if (s->fault == DMADEMO_FAULT_CORRUPT)
		((u8 *)s->dst)[touch_len(r->p, b->len) / 2] ^= 0xff;

	*ok = true;
	if (r->p->touch) {
		*ok = check(s->dst, touch_len(r->p, b->len), s->seed, r->p->verify);
		t = ktime_get_ns();
		s->ns[DMADEMO_READ] = t - t0;
		t0 = t;
	}
	if (ops->put) {
		ops->put(b, s);
		s->held = false;
		t = ktime_get_ns();
		s->ns[DMADEMO_FREE] = t - t0;
	}
	s->ns[DMADEMO_TOTAL] = t - s->start_ns;
	/* after the last timestamp: not part of any phase */
	if (s->fault == DMADEMO_FAULT_OVERRUN)
		((u8 *)s->dst)[b->len] ^= 0xff;
	if (r->p->touch && r->p->verify && !dmademo_guard_ok(b, s))
		*ok = false;
	if (s->fault == DMADEMO_FAULT_OVERRUN)
		((u8 *)s->dst)[b->len] ^= 0xff;
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
	smp->cpu = raw_smp_processor_id();
	smp->irq_cpu = s->irq_cpu;
	smp->ok = ok;
	st->n++;
	/* readers see whole rows: publish the count after the row */
	smp_store_release(&res->recorded, res->recorded + 1);
	WRITE_ONCE(dmademo.done, dmademo.done + 1);
	if (!ok)
		WRITE_ONCE(dmademo.errors, dmademo.errors + 1);
}

static bool fault_applies(u32 fault, const struct dmademo_run *r,
			  const struct dmademo_ops *ops)
{
	switch (fault) {
	case DMADEMO_FAULT_NONE:
		return false;
	case DMADEMO_FAULT_CORRUPT:
		return true;		/* refused at start unless verified */
	case DMADEMO_FAULT_TIMEOUT:
	case DMADEMO_FAULT_STUCK:
		return r->engine->dma;
	default:
		return ops->faults & BIT(fault);
	}
}

/* The pending fault goes into the first recorded transfer that can take it. */
static u32 take_fault(struct dmademo_run *r, const struct dmademo_ops *ops,
		      bool recorded)
{
	u32 fault = r->fault;

	if (!recorded || !fault_applies(fault, r, ops))
		return DMADEMO_FAULT_NONE;
	r->fault = DMADEMO_FAULT_NONE;
	return fault;
}

/* The cell's statistics over the transfers of all its rounds that verified. */
static void cell_finish(struct dmademo_result *res, struct dmademo_cell *c)
{
	unsigned int ci = c - res->cells, i;
	u32 j, n, recorded = 0;
	int p;

	for (p = 0; p < DMADEMO_NR_PHASES; p++) {
		n = 0;
		recorded = 0;
		for (i = 0; i < res->nr_steps; i++) {
			const struct dmademo_step *st = &res->steps[i];

			if (st->cell != ci)
				continue;
			recorded += st->n;
			for (j = 0; j < st->n; j++) {
				const struct dmademo_sample *smp = &res->samples[st->first + j];

				if (smp->ok)
					res->scratch[n++] = smp->ns[p];
			}
		}
		dmademo_stats_compute(res->scratch, n, &c->stats[p]);
	}
	c->n = c->stats[DMADEMO_TOTAL].n;
	c->failed = recorded - c->n;
	/* summary readers see a cell only with its statistics */
	smp_store_release(&c->ready, true);
}

/* A cell that cannot run: the run goes on without it. */
static void cell_skip(struct dmademo_run *r, struct dmademo_cell *c, int err,
		      const char *what, u32 recorded)
{
	u32 left = r->p->iterations * c->steps_left - recorded;

	c->skip_err = err;
	snprintf(c->skip, sizeof(c->skip), "%s failed", what);
	WRITE_ONCE(dmademo.total, dmademo.total - left);
	WRITE_ONCE(dmademo.skipped, dmademo.skipped + 1);
}

static void report_failure(struct dmademo_cell *c, int ret, const char *what,
			   u32 timeout_ms, bool stuck)
{
	const char *name = dmademo_strategy_names[c->strategy];
	const char *tail = "";

	if (stuck)
		tail = "; the channel could not be stopped: its buffers are kept";
	if (ret == -ETIMEDOUT)
		dmademo_set_state(DMADEMO_FAILED, ret, "%s %u B: %s timed out after %u ms%s",
				  name, c->size, what, timeout_ms, tail);
	else
		dmademo_set_state(DMADEMO_FAILED, ret, "%s %u B: %s failed%s",
				  name, c->size, what, tail);
}

static int run_step(struct dmademo_run *r, struct dmademo_step *st)
{
	struct dmademo_cell *c = &r->res->cells[st->cell];
	const struct dmademo_ops *ops = dmademo_ops[c->strategy];
	u32 n = r->p->warmup + r->p->iterations, issued = 0, finished = 0;
	const char *what = "transfer";
	u64 start_ns = 0, end_ns = 0;
	struct dmademo_bufs *b;
	struct dmademo_slot *s;
	bool ok, stuck = false;
	unsigned int depth;
	int ret = 0;

	r->engine = dmademo_engine_for(ops, r->p->completion);
	depth = min(r->p->depth, r->engine->max_depth);
	if (c->skip_err)
		goto out;
	b = dmademo_bufs_alloc(ops, r->dev, c->size, r->align, depth);
	if (IS_ERR(b)) {
		cell_skip(r, c, PTR_ERR(b), ops->alloc_what, 0);
		goto out;
	}
	if (!st->round)
		c->need_sync = dmademo_bufs_need_sync(b);
	st->first = r->res->recorded;

	while (finished < n) {
		/* keep `depth` transfers in flight; on stop, just drain */
		while (issued < n && issued - finished < depth &&
		       !kthread_should_stop()) {
			s = &b->slot[issued % depth];
			s->seed = r->seed++;
			s->record = issued >= r->p->warmup;
			s->fault = take_fault(r, ops, s->record);
			stuck |= s->fault == DMADEMO_FAULT_STUCK;
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
			if (!st->n)
				start_ns = s->start_ns;
			record(r, st, s, ok);
			end_ns = s->start_ns + s->ns[DMADEMO_TOTAL];
			c->segments = max(c->segments, s->nr_tx);
		}
		cond_resched();
	}
	dmademo_bufs_free(b);
	goto out;

abort:
	if (r->engine->dma && !dmademo_quiesce(r->chan, b, stuck)) {
		report_failure(c, ret, what, r->p->timeout_ms, true);
		return ret;
	}
	dmademo_bufs_free(b);
	if (ret != -ENOMEM) {
		report_failure(c, ret, what, r->p->timeout_ms, false);
		return ret;
	}
	cell_skip(r, c, ret, what, st->n);
out:
	c->wall_ns += end_ns - start_ns;
	if (!--c->steps_left)
		cell_finish(r->res, c);
	return 0;
}

int dmademo_thread(void *data)
{
	struct dmademo_result *res = data;
	struct dmademo_run r = {
		.res = res,
		.chan = res->chan,
		.dev = res->chan ? dmaengine_get_dma_device(res->chan) : NULL,
		.p = &res->params,
		.fault = res->params.inject,
		.seed = get_random_u32(),
	};
	unsigned int i;
	int ret = 0;

	r.align = dma_get_cache_alignment();
	if (r.chan)
		r.align = max_t(size_t, r.align, 1U << r.chan->device->copy_align);
	for (i = 0; i < res->nr_steps && !kthread_should_stop() && !ret; i++)
		ret = run_step(&r, &res->steps[i]);
	/* what a stopped or failed run has is served all the same */
	for (i = 0; i < res->nr_cells; i++) {
		if (!res->cells[i].ready)
			cell_finish(res, &res->cells[i]);
	}
	if (ret)
		return ret;
	if (READ_ONCE(dmademo.done) == READ_ONCE(dmademo.total))
		dmademo_set_state(DMADEMO_DONE, 0, NULL);
	else
		dmademo_set_state(DMADEMO_STOPPED, 0, NULL);
	return 0;
}
