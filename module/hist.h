/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear latency histograms: fixed memory however long a run is.
 *
 * Values below 128 ns have a bucket each; above, every power of two is cut
 * into 64 buckets of equal width, so a bucket is never wider than 1/64 of
 * the values it holds and a percentile read from it is within 1/128 of the
 * true one (the bucket's middle). Count, min, max, sum and the sum of
 * squares are kept exactly, so mean and standard deviation are exact.
 *
 * Plain C: builds into the module and, with bench/kshim.h, into the
 * host unit tests and fuzzers.
 */
#ifndef DMADEMO_HIST_H
#define DMADEMO_HIST_H

#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/minmax.h>
#endif
#include "stats.h"

#define DMADEMO_HIST_SUB_BITS	6
#define DMADEMO_HIST_SUB	BIT(DMADEMO_HIST_SUB_BITS)
/* 0..127 one each, then 64 for each power of two from 2^7 to 2^31 */
#define DMADEMO_HIST_BUCKETS	((32 - DMADEMO_HIST_SUB_BITS + 1) * DMADEMO_HIST_SUB)

struct dmademo_hist {
	u64 n;
	u32 min, max;
	u64 sum;
	u64 sq_hi, sq_lo;		/* the sum of squares, 128 bits */
	u64 count[DMADEMO_HIST_BUCKETS];
};

void dmademo_hist_init(struct dmademo_hist *h);

#ifdef __KERNEL__
/* nr empty histograms (kvfree() them), or NULL */
struct dmademo_hist *dmademo_hists_new(unsigned int nr);
#endif

/*
 * The bucket of value v. Without a branch (an emulator ends a block of
 * translated code at each): below 128 the shift is 0 and the bucket is v;
 * above, v >> shift is in 64..127, the sub-bucket after `shift` rows of 64.
 */
static inline unsigned int dmademo_hist_bucket(u32 v)
{
	unsigned int shift = max(fls(v), DMADEMO_HIST_SUB_BITS + 1) - DMADEMO_HIST_SUB_BITS - 1;

	return shift * DMADEMO_HIST_SUB + (v >> shift);
}

/* the values [*lo, *hi) that bucket i holds */
void dmademo_hist_bounds(unsigned int i, u64 *lo, u64 *hi);

/*
 * In the timed loop, once per phase of a transfer: as few stores as can be
 * (the rare ones behind a branch), which is what it costs on an emulator.
 */
static inline void dmademo_hist_add(struct dmademo_hist *h, u32 v)
{
	u64 sq = (u64)v * v;

	h->count[dmademo_hist_bucket(v)]++;
	h->n++;
	h->sum += v;
	h->sq_lo += sq;
	if (unlikely(h->sq_lo < sq))
		h->sq_hi++;
	if (unlikely(v < h->min))
		h->min = v;
	if (unlikely(v > h->max))
		h->max = v;
}

/*
 * v[0], v[stride], ... v[(n - 1) * stride] into h: what a batch of
 * transfers' phase costs, in one pass that keeps the sums in registers.
 */
void dmademo_hist_add_many(struct dmademo_hist *h, const u32 *v, unsigned int n,
			   unsigned int stride);

/*
 * Recording histograms, the phases of the last transfers that verified,
 * counted in when there are DMADEMO_BATCH of them: a stored row as cheap
 * as a sample's, then one pass per phase instead of one per value. A row
 * has a value for each of DMADEMO_BATCH_COLS histograms: a transfer's
 * phases (DMADEMO_NR_PHASES, dmademo.h).
 */
#define DMADEMO_BATCH		8
#define DMADEMO_BATCH_COLS	13

struct dmademo_batch {
	unsigned int n;
	u32 ns[DMADEMO_BATCH][DMADEMO_BATCH_COLS];
};

/* the batch into hist[0..DMADEMO_BATCH_COLS), emptying it */
void dmademo_batch_flush(struct dmademo_batch *b, struct dmademo_hist *hist);

/* a row of values, saturated at U32_MAX, into the batch; flushed into hist once full */
static inline void dmademo_batch_add(struct dmademo_batch *b, struct dmademo_hist *hist,
				     const u64 *ns)
{
	u32 *row = b->ns[b->n];
	int p;

	for (p = 0; p < DMADEMO_BATCH_COLS; p++)
		row[p] = clamp_t(u64, ns[p], 0, U32_MAX);
	if (++b->n == DMADEMO_BATCH)
		dmademo_batch_flush(b, hist);
}

/* dst += src: the histogram of both sets of values */
void dmademo_hist_merge(struct dmademo_hist *dst, const struct dmademo_hist *src);

/*
 * The value at nearest rank per10k / 10000 of the values (per10k in
 * 0..10000): the middle of its bucket, within the values seen; 0 if empty.
 */
u32 dmademo_hist_value_at(const struct dmademo_hist *h, u32 per10k);

/* *st from the histogram: the same fields dmademo_stats_compute() fills */
void dmademo_hist_stats(const struct dmademo_hist *h, struct dmademo_stats *st);

#endif /* DMADEMO_HIST_H */
