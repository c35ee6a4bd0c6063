// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics of one phase of one step: min, nearest-rank percentiles,
 * max, mean and standard deviation, in integer nanoseconds. Computed once
 * when a step ends, never inside the timed loop.
 */
#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/math.h>
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

void dmademo_stats_compute(u32 *v, u32 n, struct dmademo_stats *st)
{
	u64 sum = 0, var = 0, rem = 0;
	u32 i, mean, r;

	memset(st, 0, sizeof(*st));
	if (!n)
		return;

	sort(v, n, sizeof(*v), cmp_u32, NULL);
	for (i = 0; i < n; i++)
		sum += v[i];
	mean = div_u64(sum + n / 2, n);

	/*
	 * Each squared deviation fits in 64 bits but their sum may not:
	 * accumulate sum(d^2) / n as a quotient and a remainder instead.
	 */
	for (i = 0; i < n; i++) {
		u64 d = v[i] > mean ? v[i] - mean : mean - v[i];

		var += div_u64_rem(d * d, n, &r);
		rem += r;
		if (rem >= n) {
			var++;
			rem -= n;
		}
	}

	st->n = n;
	st->min = v[0];
	st->max = v[n - 1];
	st->p50 = dmademo_percentile(v, n, 5000);
	st->p90 = dmademo_percentile(v, n, 9000);
	st->p99 = dmademo_percentile(v, n, 9900);
	st->p999 = dmademo_percentile(v, n, 9990);
	st->p9999 = dmademo_percentile(v, n, 9999);
	st->mean = mean;
	st->stddev = int_sqrt64(var);
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
