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
#include <linux/string.h>
#endif
#include "hist.h"

void dmademo_hist_init(struct dmademo_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = U32_MAX;
}

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

/* 128-bit helpers for the variance; each runs once per phase of a cell */
static void mul_64_64(u64 a, u64 b, u64 *hi, u64 *lo)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	*lo = (mid << 32) | (u32)ll;
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* (hi:lo) / d, d > 0, by shift and subtract; the quotient must fit 64 bits */
static u64 div_128_64(u64 hi, u64 lo, u64 d)
{
	u64 q = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		bool top = hi >> 63;

		hi = hi << 1 | lo >> 63;
		lo <<= 1;
		q <<= 1;
		if (top || hi >= d) {
			hi -= d;
			q |= 1;
		}
	}
	return q;
}

void dmademo_hist_stats(const struct dmademo_hist *h, struct dmademo_stats *st)
{
	u64 hi, lo, q_hi, q_lo;

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
	st->mean = div64_u64(h->sum + h->n / 2, h->n);
	/* n * variance = sum(v^2) - sum(v)^2 / n, then / n: in 128 bits */
	mul_64_64(h->sum, h->sum, &hi, &lo);
	q_hi = div64_u64(hi, h->n);
	q_lo = div_128_64(hi - q_hi * h->n, lo, h->n);
	hi = h->sq_hi - q_hi - (h->sq_lo < q_lo);
	lo = h->sq_lo - q_lo;
	/* the variance is below 2^64, so hi < n: one more 128/64 division */
	st->stddev = int_sqrt64(div_128_64(hi, lo, h->n));
}
