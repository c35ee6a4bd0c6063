// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics of one phase of one step: min, nearest-rank percentiles,
 * max, mean and standard deviation, in integer nanoseconds. Computed once
 * when a cell ends, never inside the timed loop, in time linear in the
 * number of samples: what a user waits for after the last transfer.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/sort.h>
#endif
#include "stats.h"

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return (x > y) - (x < y);
}

u64 dmademo_rank(u64 n, u32 per10k)
{
	/* n < 2^50 or so: n * 10000 does not overflow */
	u64 rank = div_u64(n * per10k + 9999, 10000);

	return rank ?: 1;
}

u32 dmademo_percentile(const u32 *sorted, u32 n, u32 per10k)
{
	return sorted[dmademo_rank(n, per10k) - 1];
}

/*
 * Moves the value of rank k + 1 to v[k], none larger before it and none
 * smaller after it: Hoare's FIND with a median-of-three pivot, linear time
 * on any input but a contrived one; a range that will not shrink is sorted.
 */
static void select_rank(u32 *v, long n, long k)
{
	long lo = 0, hi = n - 1, i, j, mid;
	int tries = 2 * fls(n) + 8;
	u32 pivot;

	while (lo < hi) {
		if (!tries--) {
			sort(v + lo, hi - lo + 1, sizeof(*v), cmp_u32, NULL);
			return;
		}
		mid = lo + (hi - lo) / 2;
		if (v[mid] < v[lo])
			swap(v[mid], v[lo]);
		if (v[hi] < v[lo])
			swap(v[hi], v[lo]);
		if (v[hi] < v[mid])
			swap(v[hi], v[mid]);
		pivot = v[mid];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				swap(v[i], v[j]);
				i++;
				j--;
			}
		}
		/* v[lo..j] <= pivot, v[j + 1..i - 1] == pivot, v[i..hi] >= pivot */
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
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

void dmademo_moments(struct dmademo_stats *st, u64 n, u64 sum, u64 sq_hi, u64 sq_lo)
{
	u64 hi, lo, q_hi, q_lo;

	st->mean = div64_u64(sum + n / 2, n);
	/* n * variance = sum(v^2) - sum(v)^2 / n, then / n: in 128 bits */
	mul_64_64(sum, sum, &hi, &lo);
	q_hi = div64_u64(hi, n);
	q_lo = div_128_64(hi - q_hi * n, lo, n);
	hi = sq_hi - q_hi - (sq_lo < q_lo);
	lo = sq_lo - q_lo;
	/* the variance is below 2^64, so hi < n: one more 128/64 division */
	st->stddev = int_sqrt64(div_128_64(hi, lo, n));
}

void dmademo_stats_compute(u32 *v, u32 n, struct dmademo_stats *st)
{
	static const u16 per10k[] = { 5000, 9000, 9900, 9990, 9999 };
	u32 *at[ARRAY_SIZE(per10k)] = { &st->p50, &st->p90, &st->p99, &st->p999, &st->p9999 };
	struct dmademo_sums s = { .min = U32_MAX };
	u64 k, done = 0;
	u32 i;

	memset(st, 0, sizeof(*st));
	if (!n)
		return;

	for (i = 0; i < n; i++)
		dmademo_sums_add(&s, v[i]);
	st->n = n;
	st->min = s.min;
	st->max = s.max;
	dmademo_moments(st, n, s.sum, s.sq_hi, s.sq_lo);
	if (st->min == st->max) {
		/* a phase the transfers do not have, all zeros, among others */
		for (i = 0; i < ARRAY_SIZE(per10k); i++)
			*at[i] = st->min;
		return;
	}

	/* each rank from the part above the one before: no sort */
	for (i = 0; i < ARRAY_SIZE(per10k); i++) {
		k = dmademo_rank(n, per10k[i]) - 1;
		select_rank(v + done, n - done, k - done);
		*at[i] = v[k];
		done = k;
	}
}

u64 dmademo_mbps_x100(u64 bytes, u64 ns)
{
	/* bytes/ns = GB/s; * 1000 = MB/s; * 100 for two decimals */
	return ns ? div64_u64(bytes * 100000, ns) : 0;
}

/* xorshift32: a small, seedable sequence; a zero state would stay zero */
static u32 next_random(u32 *state)
{
	u32 x = *state ?: 1;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

void dmademo_shuffle(u8 *v, unsigned int n, u32 *state)
{
	unsigned int i, j;
	u8 t;

	/* Fisher-Yates; the modulo bias is immaterial for n <= 255 */
	for (i = n; i > 1; i--) {
		j = next_random(state) % i;
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}
