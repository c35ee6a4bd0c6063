/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Order statistics of one phase of one benchmark step.
 *
 * Plain C: builds into the module and, with bench/kshim.h, into the
 * host unit tests and fuzzers.
 */
#ifndef DMADEMO_STATS_H
#define DMADEMO_STATS_H

#ifdef __KERNEL__
#include <linux/minmax.h>
#include <linux/types.h>
#else
#include "kshim.h"
#endif

struct dmademo_stats {
	u64 n;
	u32 min, p50, p90, p99, max;
	u32 mean, stddev;		/* population standard deviation */
	u32 p999, p9999;		/* p99.9, p99.99 */
};

/*
 * Fills *st from v[0..n) (all zero when n is 0), reordering v in place:
 * no longer sorted, but the same values.
 */
void dmademo_stats_compute(u32 *v, u32 n, struct dmademo_stats *st);

/*
 * What the mean and standard deviation come from, summed value by value: one
 * loop over the samples of a cell's phase (dmademo_stats_compute()) or over
 * a batch of a histogram's values (dmademo_hist_add_many()). A local copy
 * keeps the sums in registers.
 */
struct dmademo_sums {
	u64 sum;
	u64 sq_hi, sq_lo;		/* the sum of squares, 128 bits */
	u32 min, max;
};

static inline void dmademo_sums_add(struct dmademo_sums *s, u32 v)
{
	u64 sq = (u64)v * v;

	s->sum += v;
	s->sq_lo += sq;
	s->sq_hi += s->sq_lo < sq;
	s->min = min(s->min, v);
	s->max = max(s->max, v);
}

/* st->mean (rounded) and st->stddev (floored) of n > 0 values from their sum and sum of squares */
void dmademo_moments(struct dmademo_stats *st, u64 n, u64 sum, u64 sq_hi, u64 sq_lo);

/* Nearest rank, 1-based: the smallest with per10k / 10000 of n at or below it (1 if 0). */
u64 dmademo_rank(u64 n, u32 per10k);

/* Nearest-rank percentile of sorted[0..n), n > 0, per10k in 0..10000. */
u32 dmademo_percentile(const u32 *sorted, u32 n, u32 per10k);

/* bytes / ns as MB/s (10^6 bytes), times 100: two decimals, 0 for ns == 0 */
u64 dmademo_mbps_x100(u64 bytes, u64 ns);

/*
 * Shuffles v[0..n) in place from *state (xorshift32), which it advances:
 * the same state gives the same order, so a seeded run can be repeated.
 */
void dmademo_shuffle(u8 *v, unsigned int n, u32 *state);

#endif /* DMADEMO_STATS_H */
