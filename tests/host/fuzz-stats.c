// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for module/stats.c. The input, as an array of u32
 * (native byte order, a trailing partial word dropped), goes through
 * dmademo_stats_compute(); the result must satisfy
 *   min <= p50 <= p90 <= p99 <= max, min <= mean <= max,
 *   stddev <= max - min,
 * and match a straightforward computation done here in 128-bit integers:
 * nearest-rank percentiles of the sorted values, the mean rounded to
 * nearest, the floor of the square root of the population variance around
 * that mean. The array must come back sorted, a permutation of the input.
 * The first bytes also drive dmademo_percentile() at an arbitrary percent
 * and dmademo_mbps_x100() within the module's limits.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -Itests/host -Imodule module/stats.c tests/host/fuzz-stats.c -lm
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz.h"
#include "parse.h"
#include "stats.h"

/* DMADEMO_MAX_ITERATIONS in module/dmademo.h (a kernel-only header) */
#define MAX_ITERATIONS	1000000U

static int cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* the smallest value with at least pct% of the n samples at or below it */
static u32 ref_percentile(const u32 *sorted, u32 n, unsigned int pct)
{
	u64 rank = ((u64)n * pct + 99) / 100;	/* ceil(n * pct / 100) */

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
		      !st.max && !st.mean && !st.stddev);
		goto out;
	}
	qsort(ref, n, sizeof(*ref), cmp);
	/* sorted in place: the same values, in order */
	CHECK(!memcmp(v, ref, n * sizeof(*v)));

	for (i = 0; i < n; i++)
		sum += ref[i];
	mean = (u64)((sum + n / 2) / n);
	for (i = 0; i < n; i++) {
		unsigned __int128 d = ref[i] > mean ? ref[i] - mean : mean - ref[i];

		sq += d * d;
	}

	CHECK(st.n == n);
	CHECK(st.min == ref[0]);
	CHECK(st.max == ref[n - 1]);
	CHECK(st.p50 == ref_percentile(ref, n, 50));
	CHECK(st.p90 == ref_percentile(ref, n, 90));
	CHECK(st.p99 == ref_percentile(ref, n, 99));
	CHECK(st.mean == mean);
	CHECK(st.stddev == ref_isqrt(sq / n));

	CHECK(st.min <= st.p50 && st.p50 <= st.p90 && st.p90 <= st.p99 &&
	      st.p99 <= st.max);
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
		fuzz_percentile(in, n, data[0] % 101);
	memcpy(&a, data, size < 8 ? size : 8);
	if (size > 8)
		memcpy(&b, data + 8, size < 16 ? size - 8 : 8);
	fuzz_mbps(a, b);
	free(in);
	return 0;
}
