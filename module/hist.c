// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear latency histograms (hist.h): what a percentile, the mean and
 * the standard deviation are, read once when a cell ends; adding a value
 * is the inline dmademo_hist_add().
 */
#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#endif
#include "hist.h"

void dmademo_hist_init(struct dmademo_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = U32_MAX;
}

#ifdef __KERNEL__
struct dmademo_hist *dmademo_hists_new(unsigned int nr)
{
	struct dmademo_hist *h = kvmalloc_array(nr, sizeof(*h), GFP_KERNEL | __GFP_NOWARN);
	unsigned int i;

	for (i = 0; h && i < nr; i++)
		dmademo_hist_init(&h[i]);
	return h;
}
#endif

void dmademo_hist_bounds(unsigned int i, u64 *lo, u64 *hi)
{
	unsigned int shift;

	if (i < 2 * DMADEMO_HIST_SUB) {
		*lo = i;
		*hi = i + 1;
		return;
	}
	shift = i / DMADEMO_HIST_SUB - 1;
	*lo = (u64)(i % DMADEMO_HIST_SUB + DMADEMO_HIST_SUB) << shift;
	*hi = *lo + (1ULL << shift);
}

void dmademo_hist_add_many(struct dmademo_hist *h, const u32 *v, unsigned int n,
			   unsigned int stride)
{
	struct dmademo_sums s = {
		.sum = h->sum, .sq_hi = h->sq_hi, .sq_lo = h->sq_lo, .min = h->min, .max = h->max,
	};
	unsigned int i;
	u32 x = 0;

	/* a phase the transfers do not have (no fill without touch, ...) is all zeros */
	for (i = 0; i < n && !x; i++)
		x = v[i * stride];
	if (!x) {
		h->count[0] += n;
		h->n += n;
		h->min = n ? 0 : h->min;
		return;
	}
	for (i = 0; i < n; i++, v += stride) {
		x = *v;
		h->count[dmademo_hist_bucket(x)]++;
		dmademo_sums_add(&s, x);
	}
	h->n += n;
	h->sum = s.sum;
	h->sq_lo = s.sq_lo;
	h->sq_hi = s.sq_hi;
	h->min = s.min;
	h->max = s.max;
}

void dmademo_batch_flush(struct dmademo_batch *b, struct dmademo_hist *hist)
{
	int p;

	for (p = 0; p < DMADEMO_BATCH_COLS; p++)
		dmademo_hist_add_many(&hist[p], &b->ns[0][p], b->n, DMADEMO_BATCH_COLS);
	b->n = 0;
}

void dmademo_hist_merge(struct dmademo_hist *dst, const struct dmademo_hist *src)
{
	unsigned int i;

	if (!src->n)
		return;
	for (i = 0; i < DMADEMO_HIST_BUCKETS; i++)
		dst->count[i] += src->count[i];
	dst->n += src->n;
	dst->sum += src->sum;
	dst->sq_lo += src->sq_lo;
	dst->sq_hi += src->sq_hi + (dst->sq_lo < src->sq_lo);
	dst->min = min(dst->min, src->min);
	dst->max = max(dst->max, src->max);
}

u32 dmademo_hist_value_at(const struct dmademo_hist *h, u32 per10k)
{
	u64 rank = dmademo_rank(h->n, per10k), seen = 0, lo, hi, v;
	unsigned int i;

	if (!h->n)
		return 0;
	for (i = 0; i < DMADEMO_HIST_BUCKETS - 1; i++) {
		seen += h->count[i];
		if (seen >= rank)
			break;
	}
	dmademo_hist_bounds(i, &lo, &hi);
	v = lo + (hi - lo - 1) / 2;
	return clamp_t(u64, v, h->min, h->max);
}

void dmademo_hist_stats(const struct dmademo_hist *h, struct dmademo_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!h->n)
		return;
	st->n = h->n;
	st->min = h->min;
	st->max = h->max;
	st->p50 = dmademo_hist_value_at(h, 5000);
	st->p90 = dmademo_hist_value_at(h, 9000);
	st->p99 = dmademo_hist_value_at(h, 9900);
	st->p999 = dmademo_hist_value_at(h, 9990);
	st->p9999 = dmademo_hist_value_at(h, 9999);
	dmademo_moments(st, h->n, h->sum, h->sq_hi, h->sq_lo);
}
