// SPDX-License-Identifier: GPL-2.0
/*
 * What the clock costs and how fine it is, what a phase adds to what it
 * times, and what the timed loop's own bookkeeping costs per transfer:
 * measured at load and again at every start, shown in info. Recording into
 * histograms is measured at load and at the start of a run that records
 * them, on the run's own histograms: nothing is allocated for it then.
 */
#include "dmademo.h"

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "strategy.h"

static u32 clock_sink;

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

/* where bookkeeping_cost() records: a sample each, or a row of the batch, as record() does */
static struct dmademo_sample clock_samples[CLOCK_LOOPS];
static struct dmademo_batch clock_batch;

/*
 * The timed loop's own bookkeeping per transfer: timestamps and a stored
 * sample or, given DMADEMO_NR_PHASES empty histograms, timestamps and a
 * row of the batch that goes into them (as record() does).
 */
static u32 bookkeeping_cost(struct dmademo_hist *hist)
{
	u64 ns[DMADEMO_NR_PHASES] = { 0 };
	u64 t0, t1, prev, t = 0, best = U64_MAX;
	struct dmademo_sample *smp;
	unsigned int b, i;
	int p;

	clock_batch.n = 0;
	for (b = 0; b < CLOCK_BATCHES; b++) {
		t0 = ktime_get_ns();
		for (i = 0; i < CLOCK_LOOPS; i++) {
			prev = ktime_get_ns();
			for (p = 0; p < DMADEMO_TOTAL; p++) {
				t = ktime_get_ns();
				ns[p] = t - prev;
				prev = t;
			}
			ns[DMADEMO_TOTAL] = t - t0;
			if (hist) {
				dmademo_batch_add(&clock_batch, hist, ns);
				continue;
			}
			smp = &clock_samples[i];
			for (p = 0; p < DMADEMO_NR_PHASES; p++)
				smp->ns[p] = min_t(u64, ns[p], U32_MAX);
			smp->step = b;
			smp->cpu = raw_smp_processor_id();
			smp->irq_cpu = smp->cpu;
			smp->ok = true;
		}
		t1 = ktime_get_ns();
		best = min(best, t1 - t0);
	}
	return div_u64(best, CLOCK_LOOPS);
}

static noinline void clock_nothing(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	barrier();
}

/* a call through an ops table: READ_ONCE() keeps the compiler from seeing through it */
static void (*clock_op)(struct dmademo_bufs *b, struct dmademo_slot *s) = clock_nothing;

/*
 * What a phase adds to the work it times: the clock read that ends it and
 * the indirect call into the strategy (a retpoline where the kernel uses
 * them), around an operation that does nothing.
 */
static u32 phase_cost(void)
{
	u64 t0, t1, best = U64_MAX;
	unsigned int b, i;

	for (b = 0; b < CLOCK_BATCHES; b++) {
		t0 = ktime_get_ns();
		for (i = 0; i < CLOCK_LOOPS; i++) {
			READ_ONCE(clock_op)(NULL, NULL);
			WRITE_ONCE(clock_sink, ktime_get_ns());
		}
		t1 = ktime_get_ns();
		best = min(best, t1 - t0);
	}
	return div_u64(best, CLOCK_LOOPS);
}

/*
 * What the clock costs and how fine it is, what a phase adds to what it
 * times, and what the loop's own bookkeeping costs per transfer, for info.
 * hist: DMADEMO_NR_PHASES empty histograms to measure recording into, left
 * empty; without them overhead_hist_ns is kept. Called at load and with
 * dmademo.lock held: one at a time.
 */
void dmademo_measure_clock(struct dmademo_hist *hist)
{
	int p;

	dmademo.ktime_ns = clock_cost();
	dmademo.ktime_res_ns = clock_resolution();
	dmademo.phase_ns = phase_cost();
	dmademo.overhead_ns = bookkeeping_cost(NULL);
	if (!hist)
		return;
	dmademo.overhead_hist_ns = bookkeeping_cost(hist);
	for (p = 0; p < DMADEMO_NR_PHASES; p++)
		dmademo_hist_init(&hist[p]);
}

/* at load: histograms of its own to measure recording into, 0 if there are none */
void dmademo_clock_init(void)
{
	struct dmademo_hist *hist = dmademo_hists_new(DMADEMO_NR_PHASES);

	dmademo_measure_clock(hist);
	kvfree(hist);
}
