// SPDX-License-Identifier: GPL-2.0
/*
 * The timed loop: one thread's share of a step (thread.c runs the steps).
 * It allocates its buffers, runs warmup + iterations transfers with up to
 * `depth` of them in flight and records a sample per transfer into the
 * run's preallocated array. Every phase of a transfer runs from one
 * ktime_get_ns() to the next, so the phases add up to the total; between
 * two timestamps there is only the work being measured.
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

/* bytes at the start of each buffer that to_dev and to_cpu sync, where they sync */
static size_t sync_len(const struct dmademo_params *p, size_t len)
{
	return p->sync_bytes ? min_t(size_t, p->sync_bytes, len) : len;
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
		if (r->engine->no_transfer)
			fill(s->dst, touch_len(r->p, b->len), s->seed);
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
	bool verify = r->p->verify && !r->engine->no_transfer;
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
		*ok = check(s->dst, touch_len(r->p, b->len), s->seed, verify);
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
	if (r->p->touch && verify && !dmademo_guard_ok(b, s))
		*ok = false;
	if (s->fault == DMADEMO_FAULT_OVERRUN)
		((u8 *)s->dst)[b->len] ^= 0xff;
	return 0;
}

/* a batch's row is a transfer's phases */
static_assert(DMADEMO_BATCH_COLS == DMADEMO_NR_PHASES);

static void record(struct dmademo_loop *l, const struct dmademo_slot *s, bool ok)
{
	struct dmademo_result *res = l->r.res;
	struct dmademo_sample *smp;
	int i;

	if (l->hist) {
		/* as the samples' statistics: only transfers that verified */
		if (ok)
			dmademo_batch_add(&l->batch, l->hist, s->ns);
	} else {
		smp = &l->out[l->n];
		for (i = 0; i < DMADEMO_NR_PHASES; i++)
			smp->ns[i] = min_t(u64, s->ns[i], U32_MAX);
		smp->step = l->st - res->steps;
		smp->cpu = raw_smp_processor_id();
		smp->irq_cpu = s->irq_cpu;
		smp->ok = ok;
	}
	l->n++;
	l->errors += !ok;
	if (!l->publish)
		return;		/* with the other threads', when all are done */
	l->st->n++;
	if (!l->hist) {
		/* readers see whole rows: publish the count after the row */
		smp_store_release(&res->recorded, res->recorded + 1);
	}
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
	case DMADEMO_FAULT_PREP_ERROR:
	case DMADEMO_FAULT_SUBMIT_ERROR:
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

bool dmademo_should_stop(void)
{
	return kthread_should_stop() || READ_ONCE(dmademo.stopping);
}

/* a run bounded by time: when this step's time started, for the status */
static void step_started(u64 t)
{
	spin_lock(&dmademo.status_lock);
	if (!dmademo.step_start_ns)
		dmademo.step_start_ns = t;
	spin_unlock(&dmademo.status_lock);
}

/*
 * Warmup + iterations transfers, up to `depth` of them in flight; or,
 * with duration_ms, as many as end within that time after the warmup
 * (and, recording samples, no more than iterations).
 */
int dmademo_loop_run(struct dmademo_loop *l)
{
	struct dmademo_run *r = &l->r;
	const struct dmademo_ops *ops = dmademo_ops[l->c->strategy];
	u32 n = r->p->warmup + r->p->iterations, issued = 0, finished = 0;
	unsigned int depth = min(r->p->depth, r->engine->max_depth);
	u64 duration_ns = (u64)r->p->duration_ms * NSEC_PER_MSEC;
	struct dmademo_bufs *b;
	struct dmademo_slot *s;
	bool ok, stuck = false, time_up = false;
	int ret;

	if (duration_ns && l->hist)
		n = U32_MAX;

	l->what = "transfer";
	b = dmademo_bufs_alloc(ops, r->dev, l->c->size, r->align, depth,
			       r->res->map_only ? r->p->direction : DMADEMO_DIR_TRANSFER);
	if (IS_ERR(b)) {
		l->what = ops->alloc_what;
		l->alloc_failed = true;
		return PTR_ERR(b);
	}
	/* set up synced whole (slot_alloc()); from now on only this part */
	b->sync_len = sync_len(r->p, b->len);
	if (l->first)
		l->need_sync = dmademo_bufs_need_sync(b, &l->bounced);

	while (finished < n) {
		/* keep `depth` transfers in flight; on stop, just drain */
		while (issued < n && issued - finished < depth && !time_up &&
		       !dmademo_should_stop()) {
			s = &b->slot[issued % depth];
			s->seed = r->seed++;
			s->record = issued >= r->p->warmup;
			s->fault = take_fault(r, ops, s->record);
			stuck |= s->fault == DMADEMO_FAULT_STUCK;
			issued++;
			ret = xfer_start(r, ops, s, &l->what);
			if (ret)
				goto abort;
		}
		if (finished == issued)
			break;
		s = &b->slot[finished % depth];
		ret = xfer_finish(r, ops, s, &ok, &l->what);
		if (ret)
			goto abort;
		finished++;
		if (s->record) {
			if (!l->n) {
				l->start_ns = s->start_ns;
				if (duration_ns)
					step_started(l->start_ns);
			}
			record(l, s, ok);
			l->end_ns = s->start_ns + s->ns[DMADEMO_TOTAL];
			l->segments = max(l->segments, s->nr_tx);
			time_up = duration_ns && l->end_ns - l->start_ns >= duration_ns;
		}
		/*
		 * A CPU going offline moves the threads bound to it elsewhere
		 * without a word for kernel threads (select_fallback_rq()):
		 * two loops could share a CPU, or the interrupt's CPU change.
		 */
		if (l->cpu != DMADEMO_CPU_ANY && raw_smp_processor_id() != l->cpu) {
			ret = -ECANCELED;
			l->what = "running on its bound CPU (offline?)";
			goto abort;
		}
		cond_resched();
	}
	if (l->hist)
		dmademo_batch_flush(&l->batch, l->hist);
	dmademo_bufs_free(b);
	return 0;

abort:
	if (l->hist)
		dmademo_batch_flush(&l->batch, l->hist);
	if (r->engine->dma && !dmademo_quiesce(r->chan, b, stuck)) {
		l->kept = true;
		return ret;
	}
	dmademo_bufs_free(b);
	return ret;
}
