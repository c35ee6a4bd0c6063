// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for module/stats.c. The input, as an array of u32
 * (native byte order, a trailing partial word dropped), goes through
 * dmademo_stats_compute(); the result must satisfy
 *   min <= p50 <= p90 <= p99 <= max, min <= mean <= max,
 *   stddev <= max - min,
 * and match a straightforward computation done here in 128-bit integers:
 * nearest-rank percentiles of the sorted values, the mean rounded to
 * nearest, the floor of the square root of the floor of the population
 * variance. The array must come back a permutation of the input.
 * The same values go through the histograms of module/hist.c (fuzz_hist),
 * one by one, merged, and in batches (dmademo_hist_add_many()).
 * The first bytes also drive dmademo_percentile() at an arbitrary percentile
 * and dmademo_mbps_x100() within the module's limits.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -Ibench -Imodule module/stats.c module/hist.c tests/host/fuzz-stats.c -lm
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz.h"
#include "parse.h"
#include "hist.h"
#include "stats.h"

/* DMADEMO_MAX_ITERATIONS in module/dmademo.h (a kernel-only header) */
#define MAX_ITERATIONS	1000000U

static int cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* the smallest value with at least per10k / 10000 of the n samples at or below it */
static u32 ref_percentile(const u32 *sorted, u32 n, unsigned int per10k)
{
	u64 rank = ((u64)n * per10k + 9999) / 10000;	/* ceil(n * per10k / 10000) */

	return sorted[rank ? rank - 1 : 0];
}

static u64 ref_isqrt(unsigned __int128 x)
{
	u64 lo = 0, hi = UINT32_MAX;

	/* the largest r with r * r <= x; x < 2^64 here, so r < 2^32 */
	while (lo < hi) {
		u64 mid = lo + (hi - lo + 1) / 2;

		if ((unsigned __int128)mid * mid <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* a histogram's percentile against the exact one: the same bucket, so within 1/128 */
static void check_near(u32 got, u32 want)
{
	u64 lo, hi;

	dmademo_hist_bounds(dmademo_hist_bucket(want), &lo, &hi);
	CHECK(got >= lo && got < hi);
	CHECK((u64)(got > want ? got - want : want - got) * 128 <= want);
}

/*
 * The histogram of the input (in two halves merged, and whole): the same
 * counts either way; n, min, max and mean exact; the standard deviation
 * (exact variance here, around the rounded mean in *stats.c*) within 1;
 * percentiles in the exact one's bucket. Every value in its bucket's
 * bounds, no bucket wider than 1/64 of its values.
 */
static void fuzz_hist(const u32 *in, u32 n, const u32 *ref, u32 mean, u32 stddev)
{
	static struct dmademo_hist h, a, b;
	struct dmademo_stats st;
	u64 lo, hi;
	u32 i, p;

	dmademo_hist_init(&h);
	dmademo_hist_init(&a);
	dmademo_hist_init(&b);
	for (i = 0; i < n; i++) {
		dmademo_hist_add(&h, in[i]);
		dmademo_hist_add(i < n / 2 ? &a : &b, in[i]);
		dmademo_hist_bounds(dmademo_hist_bucket(in[i]), &lo, &hi);
		CHECK(lo <= in[i] && in[i] < hi);
		CHECK(hi - lo == 1 || (hi - lo) * 64 <= lo);
	}
	dmademo_hist_merge(&a, &b);
	CHECK(!memcmp(&a, &h, sizeof(h)));
	/* in batches as the timed loop counts them, every other value from a stride of 2 */
	dmademo_hist_init(&a);
	for (i = 0; i < n; i += p) {
		p = 1 + (in[i] ^ n) % 17;
		p = p < n - i ? p : n - i;
		dmademo_hist_add_many(&a, &in[i], p, 1);
	}
	dmademo_hist_init(&b);
	for (i = 0; i < n; i += 2)
		dmademo_hist_add(&b, in[i]);
	dmademo_hist_add_many(&b, &in[1], n / 2, 2);
	CHECK(!memcmp(&a, &h, sizeof(h)));
	CHECK(!memcmp(&b, &h, sizeof(h)));
	memset(&st, 0xa5, sizeof(st));
	dmademo_hist_stats(&h, &st);
	if (!n) {
		CHECK(!st.n && !st.min && !st.max && !st.p50 && !st.mean && !st.stddev);
		return;
	}
	CHECK(st.n == n && st.min == ref[0] && st.max == ref[n - 1]);
	CHECK(st.mean == mean);
	CHECK(st.stddev + 1 >= stddev && st.stddev <= stddev + 1);
	check_near(st.p50, ref_percentile(ref, n, 5000));
	check_near(st.p90, ref_percentile(ref, n, 9000));
	check_near(st.p99, ref_percentile(ref, n, 9900));
	check_near(st.p999, ref_percentile(ref, n, 9990));
	check_near(st.p9999, ref_percentile(ref, n, 9999));
	for (p = 0; p <= 10000; p += 625)
		check_near(dmademo_hist_value_at(&h, p), ref_percentile(ref, n, p));
}

static void fuzz_stats(const u32 *in, u32 n)
{
	u32 *v = malloc((n ? n : 1) * sizeof(*v));
	u32 *ref = malloc((n ? n : 1) * sizeof(*ref));
	unsigned __int128 sum = 0, sq = 0;
	struct dmademo_stats st;
	u64 mean;
	u32 i;

	CHECK(v && ref);
	memcpy(v, in, n * sizeof(*v));
	memcpy(ref, in, n * sizeof(*ref));
	memset(&st, 0xa5, sizeof(st));
	dmademo_stats_compute(v, n, &st);

	if (!n) {
		CHECK(!st.n && !st.min && !st.p50 && !st.p90 && !st.p99 &&
		      !st.max && !st.mean && !st.stddev && !st.p999 && !st.p9999);
		fuzz_hist(in, n, NULL, 0, 0);
		goto out;
	}
	qsort(ref, n, sizeof(*ref), cmp);
	/* reordered in place: the same values */
	qsort(v, n, sizeof(*v), cmp);
	CHECK(!memcmp(v, ref, n * sizeof(*v)));

	for (i = 0; i < n; i++) {
		sum += ref[i];
		sq += (unsigned __int128)ref[i] * ref[i];
	}
	mean = (u64)((sum + n / 2) / n);
	/* n * variance = sum(v^2) - sum(v)^2 / n, each division floored */
	sq -= sum * sum / n;

	CHECK(st.n == n);
	CHECK(st.min == ref[0]);
	CHECK(st.max == ref[n - 1]);
	CHECK(st.p50 == ref_percentile(ref, n, 5000));
	CHECK(st.p90 == ref_percentile(ref, n, 9000));
	CHECK(st.p99 == ref_percentile(ref, n, 9900));
	CHECK(st.p999 == ref_percentile(ref, n, 9990));
	CHECK(st.p9999 == ref_percentile(ref, n, 9999));
	CHECK(st.mean == mean);
	CHECK(st.stddev == ref_isqrt(sq / n));
	fuzz_hist(in, n, ref, mean, st.stddev);

	CHECK(st.min <= st.p50 && st.p50 <= st.p90 && st.p90 <= st.p99 &&
	      st.p99 <= st.p999 && st.p999 <= st.p9999 && st.p9999 <= st.max);
	CHECK(st.min <= st.mean && st.mean <= st.max);
	CHECK(st.stddev <= st.max - st.min);
out:
	free(ref);
	free(v);
}

/* a percentile at any percent, of the sorted input */
static void fuzz_percentile(const u32 *in, u32 n, unsigned int pct)
{
	u32 *s;

	if (!n)
		return;
	s = malloc(n * sizeof(*s));
	CHECK(s);
	memcpy(s, in, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp);
	CHECK(dmademo_percentile(s, n, pct) == ref_percentile(s, n, pct));
	free(s);
}

/* MB/s x 100 of a step: at most DMADEMO_MAX_SIZE x MAX_ITERATIONS bytes */
static void fuzz_mbps(u64 bytes, u64 ns)
{
	unsigned __int128 want;

	bytes %= (u64)DMADEMO_MAX_SIZE * MAX_ITERATIONS + 1;
	want = ns ? (unsigned __int128)bytes * 100000 / ns : 0;
	CHECK(dmademo_mbps_x100(bytes, ns) == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 n = size / sizeof(u32);
	u32 *in = malloc((n ? n : 1) * sizeof(*in));
	u64 a = 0, b = 0;

	CHECK(in);
	memcpy(in, data, n * sizeof(*in));
	fuzz_stats(in, n);
	if (size)
		fuzz_percentile(in, n, (data[0] | data[size > 1] << 8) % 10001);
	memcpy(&a, data, size < 8 ? size : 8);
	if (size > 8)
		memcpy(&b, data + 8, size < 16 ? size - 8 : 8);
	fuzz_mbps(a, b);
	free(in);
	return 0;
}
