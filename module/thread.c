// SPDX-License-Identifier: GPL-2.0
/*
 * The run thread.
 *
 * A run is a grid of cells, one per (strategy, size), and a schedule of
 * steps: `rounds` times over the sizes, and within each size over the
 * strategies in a seeded shuffled order, so that drift during a sweep (a
 * cpufreq ramp, throttling) spreads over every strategy instead of landing
 * on one. Each step is one timed loop (run.c) in the run thread or, in a
 * map-only run with threads > 1, one per thread, each on a CPU of its own;
 * when a cell has run its last round, its statistics are computed.
 */
#include "dmademo.h"

#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "engine.h"

/* The cell's statistics over the transfers of all its rounds that verified. */
static void cell_finish(struct dmademo_result *res, struct dmademo_cell *c)
{
	unsigned int ci = c - res->cells, i;
	u64 recorded = 0;
	u32 j, n;
	int p;

	if (res->hists) {
		for (i = 0; i < res->nr_steps; i++)
			recorded += res->steps[i].cell == ci ? res->steps[i].n : 0;
		for (p = 0; p < DMADEMO_NR_PHASES; p++)
			dmademo_hist_stats(&res->hists[ci * DMADEMO_NR_PHASES + p], &c->stats[p]);
		goto done;
	}
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
done:
	c->n = c->stats[DMADEMO_TOTAL].n;
	c->failed = recorded - c->n;
	/* summary readers see a cell only with its statistics */
	smp_store_release(&c->ready, true);
}

/* A cell that cannot run: the run goes on without it. */
static void cell_skip(struct dmademo_run *r, struct dmademo_cell *c, int err,
		      const char *what, u64 recorded)
{
	u32 left = r->p->iterations * r->p->threads * c->steps_left - recorded;

	c->skip_err = err;
	snprintf(c->skip, sizeof(c->skip), "%s failed", what);
	if (r->p->duration_ms) {
		/* its rounds still to come will take no time; this one ends now */
		spin_lock(&dmademo.status_lock);
		dmademo.total_ms -= (u64)r->p->duration_ms * (c->steps_left - 1);
		spin_unlock(&dmademo.status_lock);
	} else {
		WRITE_ONCE(dmademo.total, dmademo.total - left);
	}
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

static int loop_thread(void *data)
{
	struct dmademo_loop *l = data;

	l->ret = dmademo_loop_run(l);
	complete(&l->done);
	/* until reaped: kthread_stop() is what tells it has finished */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * threads > 1 (map-only): one loop on each of the first `threads` online
 * CPUs, started together; their samples join the step's when all are done,
 * into *sum with the step's first error and its span in time.
 */
static int run_threads(struct dmademo_run *r, struct dmademo_step *st,
		       struct dmademo_loop *loops, struct dmademo_loop *sum)
{
	struct dmademo_result *res = r->res;
	u32 n = r->p->warmup + r->p->iterations, errors = 0;
	unsigned int nr = r->p->threads, i = 0, cpu;
	struct dmademo_hist *cell_hist = sum->hist;
	struct dmademo_loop *l;
	u64 total = 0;
	int p;

	for_each_online_cpu(cpu) {
		if (i == nr)
			break;
		l = &loops[i];
		*l = *sum;
		if (cell_hist)
			l->hist = &res->thread_hists[i * DMADEMO_NR_PHASES];
		else
			l->out = &res->samples[st->first + i * r->p->iterations];
		l->cpu = cpu;
		l->first = sum->first && !i;
		l->r.seed = r->seed + i * n;
		l->r.fault = i ? DMADEMO_FAULT_NONE : r->fault;
		init_completion(&l->done);
		l->task = kthread_create_on_cpu(loop_thread, l, cpu, KBUILD_MODNAME "/%u");
		if (IS_ERR(l->task))
			break;
		i++;
	}
	if (i < nr) {
		while (i--)
			kthread_stop(loops[i].task);	/* before they ever ran */
		sum->what = "creating a thread";
		return -EAGAIN;
	}
	for (i = 0; i < nr; i++)
		wake_up_process(loops[i].task);
	for (i = 0; i < nr; i++) {
		l = &loops[i];
		while (!wait_for_completion_timeout(&l->done, HZ))
			;
		kthread_stop(l->task);
		if (cell_hist) {
			for (p = 0; p < DMADEMO_NR_PHASES; p++) {
				dmademo_hist_merge(&cell_hist[p], &l->hist[p]);
				dmademo_hist_init(&l->hist[p]);
			}
		} else {
			memmove(&res->samples[st->first + total], l->out,
				l->n * sizeof(*l->out));
		}
		total += l->n;
		errors += l->errors;
		if (l->n && (!sum->n || l->start_ns < sum->start_ns))
			sum->start_ns = l->start_ns;
		if (l->n)
			sum->end_ns = max(sum->end_ns, l->end_ns);
		sum->n += l->n;
		sum->segments = max(sum->segments, l->segments);
		if (l->ret && !sum->ret) {
			sum->ret = l->ret;
			sum->what = l->what;
			sum->alloc_failed = l->alloc_failed;
		}
	}
	sum->need_sync = loops[0].need_sync;
	sum->bounced = loops[0].bounced;
	r->seed += nr * n;
	r->fault = loops[0].r.fault;
	st->n = total;
	if (!cell_hist) {
		/* readers see whole rows: publish the count after the rows */
		smp_store_release(&res->recorded, st->first + total);
	}
	WRITE_ONCE(dmademo.done, dmademo.done + total);
	WRITE_ONCE(dmademo.errors, dmademo.errors + errors);
	return sum->ret;
}

static int run_step(struct dmademo_run *r, struct dmademo_step *st,
		    struct dmademo_loop *loops)
{
	struct dmademo_cell *c = &r->res->cells[st->cell];
	const struct dmademo_ops *ops = dmademo_ops[c->strategy];
	struct dmademo_loop l = {
		.st = st,
		.c = c,
		.cpu = r->p->cpu,
		.first = !st->round,
		.publish = true,
	};
	int ret;

	r->engine = dmademo_engine_for(ops, r->p->completion, r->res->map_only);
	if (c->skip_err)
		goto out;
	if (r->res->hists) {
		l.hist = &r->res->hists[st->cell * DMADEMO_NR_PHASES];
	} else {
		st->first = r->res->recorded;
		st->iter0 = c->recorded;
		l.out = &r->res->samples[st->first];
	}
	l.r = *r;
	if (r->p->threads > 1) {
		l.publish = false;
		ret = run_threads(r, st, loops, &l);
	} else {
		ret = dmademo_loop_run(&l);
		r->seed = l.r.seed;
		r->fault = l.r.fault;
	}
	if (l.first && !l.alloc_failed) {
		c->need_sync = l.need_sync;
		c->bounced = l.bounced;
	}
	c->recorded += st->n;
	c->segments = max(c->segments, l.segments);
	c->wall_ns += l.end_ns - l.start_ns;
	if (ret && (l.kept || (ret != -ENOMEM && !l.alloc_failed))) {
		report_failure(c, ret, l.what, r->p->timeout_ms, l.kept);
		return ret;
	}
	if (ret)
		cell_skip(r, c, ret, l.what, st->n);
	if (r->p->duration_ms) {
		spin_lock(&dmademo.status_lock);
		dmademo.elapsed_ms += r->p->duration_ms;
		dmademo.step_start_ns = 0;
		spin_unlock(&dmademo.status_lock);
	}
out:
	if (!--c->steps_left)
		cell_finish(r->res, c);
	return 0;
}

int dmademo_thread(void *data)
{
	struct dmademo_result *res = data;
	struct dmademo_loop *loops;
	struct dmademo_run r = {
		.res = res,
		.chan = res->chan,
		.dev = res->dev,
		.p = &res->params,
		.fault = res->params.inject,
		.seed = get_random_u32(),
	};
	unsigned int i;
	bool all;
	int ret = 0;

	r.align = dma_get_cache_alignment();
	if (r.chan)
		r.align = max_t(size_t, r.align, 1U << r.chan->device->copy_align);
	loops = kcalloc(res->params.threads, sizeof(*loops), GFP_KERNEL);
	if (!loops) {
		ret = -ENOMEM;
		dmademo_set_state(DMADEMO_FAILED, ret, "cannot allocate %u threads' state",
				  res->params.threads);
	}
	for (i = 0; i < res->nr_steps && !dmademo_should_stop() && !ret; i++)
		ret = run_step(&r, &res->steps[i], loops);
	/* a run bounded by time is done when its last step is */
	if (res->params.duration_ms)
		all = i == res->nr_steps && !dmademo_should_stop();
	else
		all = READ_ONCE(dmademo.done) == READ_ONCE(dmademo.total);
	kfree(loops);
	if (res->map_only)
		dmademo_mask_restore(res->dev);
	/* what a stopped or failed run has is served all the same */
	for (i = 0; i < res->nr_cells; i++) {
		if (!res->cells[i].ready)
			cell_finish(res, &res->cells[i]);
	}
	if (!ret && all)
		dmademo_set_state(DMADEMO_DONE, 0, NULL);
	else if (!ret)
		dmademo_set_state(DMADEMO_STOPPED, 0, NULL);
	dmademo_fail_nth_done();
	return ret;
}
