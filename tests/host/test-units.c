// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/parse.c, vocab.c, stats.c and hist.c, built in user space
 * against bench/kshim.h. Table-driven; prints TAP and a final
 * "N passed, N failed" line; exits non-zero on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "parse.h"
#include "stats.h"
#include "vocab.h"

static int passed, failed;

/* a TAP line; newlines in arg are shown as \n to keep it one line */
static void ok(int cond, const char *fmt, const char *arg)
{
	char shown[128];
	size_t i, j;

	for (i = j = 0; arg[i] && j < sizeof(shown) - 3; i++) {
		if (arg[i] == '\n') {
			shown[j++] = '\\';
			shown[j++] = 'n';
		} else {
			shown[j++] = arg[i];
		}
	}
	shown[j] = '\0';
	printf("%s - ", cond ? "ok" : "not ok");
	printf(fmt, shown);
	printf("\n");
	if (cond)
		passed++;
	else
		failed++;
}

/* numbers */

static const struct {
	const char *in;
	u32 min, max;
	int ret;
	u32 val;
} u32_cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "10\n", 0, 10, 0, 10 },
	{ "+7", 0, 10, 0, 7 },
	{ "11", 0, 10, -ERANGE, 0 },
	{ "0", 1, 10, -ERANGE, 0 },
	{ "4294967295", 0, 4294967295U, 0, 4294967295U },
	{ "4294967296", 0, 4294967295U, -ERANGE, 0 },
	{ "99999999999999999999999", 0, 10, -ERANGE, 0 },
	{ "", 0, 10, -EINVAL, 0 },
	{ "\n", 0, 10, -EINVAL, 0 },
	{ " 5", 0, 10, -EINVAL, 0 },
	{ "5 ", 0, 10, -EINVAL, 0 },
	{ "5\n\n", 0, 10, -EINVAL, 0 },
	{ "-1", 0, 10, -EINVAL, 0 },
	{ "10x", 0, 10, -EINVAL, 0 },
	{ "0x10", 0, 100, -EINVAL, 0 },
	{ "1e3", 0, 10000, -EINVAL, 0 },
};

static void test_u32(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(u32_cases) / sizeof(u32_cases[0]); i++) {
		const char *why = NULL;
		u32 v = 12345;
		int ret = dmademo_parse_u32(u32_cases[i].in, u32_cases[i].min,
					    u32_cases[i].max, &v, &why);
		int good = ret == u32_cases[i].ret &&
			   (ret ? v == 12345 && why : v == u32_cases[i].val);

		ok(good, "parse_u32 '%s'", u32_cases[i].in);
	}
}

/* sizes */

static const struct {
	const char *in;
	int ret;
	unsigned int nr;
	u32 sizes[4];
} size_cases[] = {
	{ "64", 0, 1, { 64 } },
	{ "64\n", 0, 1, { 64 } },
	{ "64,4K,1M", 0, 3, { 64, 4096, 1048576 } },
	{ "4k,1m", 0, 2, { 4096, 1048576 } },
	{ "1M,64", 0, 2, { 1048576, 64 } },		/* order kept */
	{ "64M", 0, 1, { 64U << 20 } },
	{ "1", 0, 1, { 1 } },
	{ "65M", -ERANGE, 0, { 0 } },
	{ "1G", -ERANGE, 0, { 0 } },
	{ "0", -ERANGE, 0, { 0 } },
	{ "0K", -ERANGE, 0, { 0 } },
	{ "18446744073709551615", -ERANGE, 0, { 0 } },
	{ "18446744073709551616", -ERANGE, 0, { 0 } },
	{ "17179869184G", -ERANGE, 0, { 0 } },		/* 2^34 G wraps in 64 bits */
	{ "", -EINVAL, 0, { 0 } },
	{ "\n", -EINVAL, 0, { 0 } },
	{ "64,,128", -EINVAL, 0, { 0 } },
	{ ",64", -EINVAL, 0, { 0 } },
	{ "64,", -EINVAL, 0, { 0 } },
	{ "64,64", -EINVAL, 0, { 0 } },
	{ "64,0.064K", -EINVAL, 0, { 0 } },
	{ "4K,4096", -EINVAL, 0, { 0 } },		/* the same size twice */
	{ "K", -EINVAL, 0, { 0 } },
	{ "64KB", -EINVAL, 0, { 0 } },
	{ "64 ,128", -EINVAL, 0, { 0 } },
	{ " 64", -EINVAL, 0, { 0 } },
	{ "+64", -EINVAL, 0, { 0 } },
	{ "-64", -EINVAL, 0, { 0 } },
	{ "0x40", -EINVAL, 0, { 0 } },
	{ "64\n,128", -EINVAL, 0, { 0 } },
	{ "64\n\n", -EINVAL, 0, { 0 } },
};

static void test_sizes(void)
{
	unsigned int i, j;
	char buf[64];

	for (i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		u32 sizes[DMADEMO_MAX_SIZES] = { 7 };
		unsigned int nr = 99;
		const char *why = NULL;
		int ret, good;

		snprintf(buf, sizeof(buf), "%s", size_cases[i].in);
		ret = dmademo_parse_sizes(buf, sizes, &nr, &why);
		good = ret == size_cases[i].ret;
		if (good && ret)
			good = nr == 99 && sizes[0] == 7 && why;
		else if (good)
			good = nr == size_cases[i].nr;
		for (j = 0; good && !ret && j < nr; j++)
			good = sizes[j] == size_cases[i].sizes[j];
		ok(good, "parse_sizes '%s'", size_cases[i].in);
	}
}

static void test_sizes_count(void)
{
	u32 sizes[DMADEMO_MAX_SIZES];
	char buf[512] = "";
	unsigned int i, nr;
	const char *why;
	char item[16];

	for (i = 1; i <= DMADEMO_MAX_SIZES; i++) {
		snprintf(item, sizeof(item), "%s%u", i > 1 ? "," : "", i * 4);
		strcat(buf, item);
	}
	ok(!dmademo_parse_sizes(buf, sizes, &nr, &why) && nr == DMADEMO_MAX_SIZES &&
	   sizes[DMADEMO_MAX_SIZES - 1] == DMADEMO_MAX_SIZES * 4,
	   "parse_sizes takes %s sizes", "32");
	buf[0] = '\0';
	for (i = 1; i <= DMADEMO_MAX_SIZES + 1; i++) {
		snprintf(item, sizeof(item), "%s%u", i > 1 ? "," : "", i * 4);
		strcat(buf, item);
	}
	ok(dmademo_parse_sizes(buf, sizes, &nr, &why) == -EINVAL,
	   "parse_sizes refuses %s sizes", "33");
}

/* strategies and names */

static const struct {
	const char *in;
	int ret;
	const char *out;	/* names, comma-separated */
} strategy_cases[] = {
	{ "coherent", 0, "coherent" },
	{ "coherent\n", 0, "coherent" },
	{ "all", 0, "" },	/* "": every strategy, in the vocabulary's order */
	{ "all\n", 0, "" },
	{ "cpu,coherent", 0, "cpu,coherent" },
	{ "streaming-sync,streaming", 0, "streaming-sync,streaming" },
	{ "", -EINVAL, NULL },
	{ "Coherent", -EINVAL, NULL },
	{ "coherent,", -EINVAL, NULL },
	{ ",coherent", -EINVAL, NULL },
	{ "coherent,,pool", -EINVAL, NULL },
	{ "coherent,coherent", -EINVAL, NULL },
	{ "all,cpu", -EINVAL, NULL },
	{ "coherent pool", -EINVAL, NULL },
	{ "coherent\n\n", -EINVAL, NULL },
	{ "streaming-", -EINVAL, NULL },
};

static void test_strategies(void)
{
	unsigned int i, j;
	char buf[128], got[256], every[256] = "";

	for (j = 0; j < DMADEMO_NR_STRATEGIES; j++) {
		if (j)
			strcat(every, ",");
		strcat(every, dmademo_strategy_names[j]);
	}
	for (i = 0; i < sizeof(strategy_cases) / sizeof(strategy_cases[0]); i++) {
		u8 list[DMADEMO_NR_STRATEGIES] = { 5 };
		unsigned int nr = 99;
		const char *why = NULL;
		int ret, good;

		snprintf(buf, sizeof(buf), "%s", strategy_cases[i].in);
		ret = dmademo_parse_strategies(buf, 0, list, &nr, &why);
		good = ret == strategy_cases[i].ret;
		if (good && ret) {
			good = nr == 99 && list[0] == 5 && why;
		} else if (good) {
			got[0] = '\0';
			for (j = 0; j < nr; j++) {
				if (j)
					strcat(got, ",");
				strcat(got, dmademo_strategy_names[list[j]]);
			}
			good = !strcmp(got, *strategy_cases[i].out ? strategy_cases[i].out : every);
		}
		ok(good, "parse_strategies '%s'", strategy_cases[i].in);
	}
	/* a strategy this kernel lacks: not in "all", still accepted by name (skipped at start) */
	{
		u32 absent = (1U << DMADEMO_IOVA) | (1U << DMADEMO_PHYS);
		u8 list[DMADEMO_NR_STRATEGIES];
		unsigned int nr = 0, bad = 0;
		const char *why = NULL;

		snprintf(buf, sizeof(buf), "all");
		if (dmademo_parse_strategies(buf, absent, list, &nr, &why) ||
		    nr != DMADEMO_NR_STRATEGIES - 2)
			bad++;
		for (j = 0; j < nr; j++)
			bad += !!(absent & (1U << list[j])) + (j && list[j] <= list[j - 1]);
		ok(!bad, "parse_strategies '%s' leaves out the absent strategies", "all");
		snprintf(buf, sizeof(buf), "phys,sg");
		ok(!dmademo_parse_strategies(buf, absent, list, &nr, &why) && nr == 2 &&
		   list[0] == DMADEMO_PHYS, "parse_strategies '%s' with phys absent: accepted",
		   "phys,sg");
	}
}

static void test_names(void)
{
	static const char * const cmds[] = { "start", "stop" };
	unsigned int idx = 9;
	const char *why;

	ok(!dmademo_parse_name("stop\n", cmds, 2, &idx, &why) && idx == 1,
	   "parse_name '%s'", "stop\n");
	ok(!dmademo_parse_name("timeout", dmademo_fault_names, DMADEMO_NR_FAULTS,
			       &idx, &why) && idx == DMADEMO_FAULT_TIMEOUT,
	   "parse_name '%s'", "timeout");
	idx = 9;
	ok(dmademo_parse_name("sto", cmds, 2, &idx, &why) == -EINVAL && idx == 9,
	   "parse_name '%s' refused", "sto");
	ok(dmademo_parse_name("stop\n\n", cmds, 2, &idx, &why) == -EINVAL,
	   "parse_name '%s' refused", "stop\n\n");
	ok(dmademo_parse_name("", cmds, 2, &idx, &why) == -EINVAL,
	   "parse_name '%s' refused", "");
}

static void test_chan_names(void)
{
	static const char * const good[] = { "dma0chan0", "dma12chan345", "any", "none" };
	static const char * const bad[] = {
		"", "dma", "dma0", "dma0chan", "dmachan0", "dma0chanX", "dma0chan1 ",
		"dma-1chan0", "dma0chan1x", "DMA0CHAN0", "anyx", "dma0chan0\n",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		ok(dmademo_chan_name_valid(good[i]), "channel name '%s'", good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok(!dmademo_chan_name_valid(bad[i]), "channel name '%s' refused", bad[i]);
}

/* the vocabulary */

/* the n-th (from 0) comma-separated column of a header line, into buf */
static const char *column(const char *hdr, unsigned int n, char *buf, size_t len)
{
	size_t l;

	while (n-- && hdr)
		hdr = strchr(hdr, ',') ? strchr(hdr, ',') + 1 : NULL;
	if (!hdr)
		return "";
	l = strcspn(hdr, ",\n");
	snprintf(buf, len, "%.*s", (int)(l < len ? l : len - 1), hdr);
	return buf;
}

/* a header is one line of unique, non-empty [a-z0-9_] names */
static bool header_sane(const char *hdr)
{
	char a[32], b[32];
	unsigned int i, j, n = 1;
	size_t l = strlen(hdr);

	if (!l || hdr[l - 1] != '\n' || strspn(hdr, "abcdefghijklmnopqrstuvwxyz0123456789_,") != l - 1)
		return false;
	for (i = 0; i < l; i++)
		n += hdr[i] == ',';
	for (i = 0; i < n; i++) {
		if (!*column(hdr, i, a, sizeof(a)))
			return false;
		for (j = i + 1; j < n; j++)
			if (!strcmp(a, column(hdr, j, b, sizeof(b))))
				return false;
	}
	return true;
}

static bool names_sane(const char * const *names, unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		if (!names[i] || !*names[i])
			return false;
		for (j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return false;
	}
	return true;
}

static void test_vocab(void)
{
	char col[32], want[32];
	unsigned int i, bad = 0;

	ok(names_sane(dmademo_strategy_names, DMADEMO_NR_STRATEGIES),
	   "vocab: every strategy has a name, each its own%s", "");
	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		bad += !dmademo_strategy_families[i] || !*dmademo_strategy_families[i];
	ok(!bad, "vocab: every strategy has a family%s", "");
	ok(names_sane(dmademo_engine_names, DMADEMO_NR_ENGINES),
	   "vocab: every engine has a name, each its own%s", "");
	ok(names_sane(dmademo_phase_names, DMADEMO_NR_PHASES),
	   "vocab: every phase has a name, each its own%s", "");
	ok(names_sane(dmademo_kind_names, DMADEMO_NR_KIND_NAMES) &&
	   dmademo_kind_families[DMADEMO_NR_KIND_NAMES - 1],
	   "vocab: every user-space kind has a name and a family%s", "");
	ok(header_sane(dmademo_results_header), "vocab: the results header is one line of unique names%s", "");
	ok(header_sane(dmademo_summary_header), "vocab: the summary header is one line of unique names%s", "");
	ok(header_sane(dmademo_histogram_header),
	   "vocab: the histogram header is one line of unique names%s", "");
	/*
	 * what export.c and mmap-out.c write: the phases up to total, ok, the
	 * next three, round, cpu, irq_cpu, then those appended after them
	 */
	for (i = 0, bad = 0; i < DMADEMO_NR_PHASES; i++) {
		snprintf(want, sizeof(want), "%s_ns", dmademo_phase_names[i]);
		bad += !!strcmp(column(dmademo_results_header, 3 + i + (i > DMADEMO_TOTAL) +
				       3 * (i > DMADEMO_FREE), col, sizeof(col)), want);
	}
	bad += !!strcmp(column(dmademo_results_header, 3 + DMADEMO_TOTAL + 1, col, sizeof(col)), "ok");
	ok(!bad, "vocab: results has a column <phase>_ns per phase, in the enum's order%s", "");
	ok(!strncmp(dmademo_summary_header, "strategy,size,phase,", 20) &&
	   !strncmp(dmademo_histogram_header, "strategy,size,phase,", 20) &&
	   !strncmp(dmademo_results_header, "strategy,size,", 14),
	   "vocab: every file starts with its key columns%s", "");
}

/* statistics */

static const struct {
	const char *name;
	u32 n;
	u32 v[12];
	struct dmademo_stats want;
} stats_cases[] = {
	{ "one sample", 1, { 42 }, { 1, 42, 42, 42, 42, 42, 42, 0, 42, 42 } },
	{ "two samples", 2, { 10, 20 }, { 2, 10, 10, 20, 20, 20, 15, 5, 20, 20 } },
	{ "unsorted 1..10", 10, { 7, 3, 10, 1, 9, 2, 8, 4, 6, 5 },
	  { 10, 1, 5, 9, 10, 10, 6, 2, 10, 10 } },	/* mean 5.5 rounds up; sd 2.87 */
	{ "all equal", 5, { 9, 9, 9, 9, 9 }, { 5, 9, 9, 9, 9, 9, 9, 0, 9, 9 } },
	{ "one outlier", 10, { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1000 },
	  { 10, 1, 1, 1, 1000, 1000, 101, 299, 1000, 1000 } },
	{ "extremes of u32", 2, { 0, 4294967295U },
	  { 2, 0, 0, 4294967295U, 4294967295U, 4294967295U, 2147483648U, 2147483647U,
	    4294967295U, 4294967295U } },
	{ "twelve, p90 and p99 ranks", 12, { 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 },
	  { 12, 1, 6, 11, 12, 12, 7, 3, 12, 12 } },
};

/* field by field (not the padding); what differs is printed */
static bool same_stats(const struct dmademo_stats *st, const struct dmademo_stats *w)
{
	bool same = st->n == w->n && st->min == w->min && st->p50 == w->p50 &&
		    st->p90 == w->p90 && st->p99 == w->p99 && st->max == w->max &&
		    st->mean == w->mean && st->stddev == w->stddev &&
		    st->p999 == w->p999 && st->p9999 == w->p9999;

	if (!same)
		printf("#   got n=%llu min=%u p50=%u p90=%u p99=%u max=%u mean=%u sd=%u p99.9=%u p99.99=%u\n",
		       (unsigned long long)st->n, st->min, st->p50, st->p90, st->p99, st->max,
		       st->mean, st->stddev, st->p999, st->p9999);
	return same;
}

static void test_stats(void)
{
	struct dmademo_stats st;
	unsigned int i;

	for (i = 0; i < sizeof(stats_cases) / sizeof(stats_cases[0]); i++) {
		u32 v[12];

		memcpy(v, stats_cases[i].v, sizeof(v));
		dmademo_stats_compute(v, stats_cases[i].n, &st);
		ok(same_stats(&st, &stats_cases[i].want), "stats: %s", stats_cases[i].name);
	}

	memset(&st, 0xff, sizeof(st));
	dmademo_stats_compute(NULL, 0, &st);
	ok(!st.n && !st.min && !st.max && !st.stddev, "stats: %s", "no samples gives zeros");
}

static void test_percentile_large(void)
{
	static u32 v[1000];
	struct dmademo_stats st;
	unsigned int i;

	/* 1000 samples 1..1000 in reverse: nearest-rank p99 is the 990th */
	for (i = 0; i < 1000; i++)
		v[i] = 1000 - i;
	dmademo_stats_compute(v, 1000, &st);
	ok(st.p50 == 500 && st.p90 == 900 && st.p99 == 990 && st.mean == 501 &&
	   st.stddev == 288, "stats: %s", "1000 samples: p50 500, p90 900, p99 990, sd 288");
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return (x > y) - (x < y);
}

/*
 * Percentiles are found without sorting (selection): inputs that defeat a
 * naive pivot still give the sorted array's nearest ranks, the values come
 * back a permutation of the input, and mean and sd match the sorted ones.
 */
static void test_percentile_patterns(void)
{
	static const char * const names[] = {
		"ascending", "descending", "all equal", "organ pipe", "two values",
		"sawtooth", "one outlier", "random",
	};
	enum { N = 10007 };
	static u32 v[N], ref[N];
	struct dmademo_stats st;
	unsigned int i, k, bad;
	u32 seed = 1;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		for (i = 0; i < N; i++) {
			seed = seed * 1103515245 + 12345;
			v[i] = k == 0 ? i : k == 1 ? N - i : k == 2 ? 7 :
			       k == 3 ? (i < N / 2 ? i : N - i) : k == 4 ? i % 2 * 1000 :
			       k == 5 ? i % 64 : k == 6 ? (i == N / 3 ? 4000000000U : 10) : seed >> 8;
		}
		memcpy(ref, v, sizeof(v));
		qsort(ref, N, sizeof(*ref), cmp_u32);
		dmademo_stats_compute(v, N, &st);
		bad = st.n != N || st.min != ref[0] || st.max != ref[N - 1] ||
		      st.p50 != dmademo_percentile(ref, N, 5000) ||
		      st.p90 != dmademo_percentile(ref, N, 9000) ||
		      st.p99 != dmademo_percentile(ref, N, 9900) ||
		      st.p999 != dmademo_percentile(ref, N, 9990) ||
		      st.p9999 != dmademo_percentile(ref, N, 9999);
		qsort(v, N, sizeof(*v), cmp_u32);
		bad |= memcmp(v, ref, sizeof(v)) != 0;
		ok(!bad, "stats: selection on %s input gives the sorted ranks", names[k]);
	}
}

/* histograms */

static const struct {
	u32 v;
	unsigned int bucket;
	u64 lo, hi;
} hist_cases[] = {
	{ 0, 0, 0, 1 },
	{ 127, 127, 127, 128 },		/* the last bucket one value wide */
	{ 128, 128, 128, 130 },		/* the first two wide */
	{ 129, 128, 128, 130 },
	{ 255, 191, 254, 256 },
	{ 256, 192, 256, 260 },
	{ 1000, 317, 1000, 1008 },
	{ 1U << 31, 1664, 1U << 31, (1U << 31) + (1U << 25) },
	{ 4294967295U, 1727, 4261412864U, 1ULL << 32 },	/* the last bucket */
};

static void test_hist_buckets(void)
{
	unsigned int i;
	u64 lo, hi, prev_hi = 0;
	bool good = true;

	for (i = 0; i < sizeof(hist_cases) / sizeof(hist_cases[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "%u in bucket %u, [%llu, %llu)", hist_cases[i].v,
			 hist_cases[i].bucket, (unsigned long long)hist_cases[i].lo,
			 (unsigned long long)hist_cases[i].hi);
		dmademo_hist_bounds(dmademo_hist_bucket(hist_cases[i].v), &lo, &hi);
		ok(dmademo_hist_bucket(hist_cases[i].v) == hist_cases[i].bucket &&
		   lo == hist_cases[i].lo && hi == hist_cases[i].hi, "hist: %s", name);
	}
	/* the buckets tile 0..2^32 in order, each at most 1/64 of its values wide */
	for (i = 0; i < DMADEMO_HIST_BUCKETS; i++) {
		dmademo_hist_bounds(i, &lo, &hi);
		good &= lo == prev_hi && hi > lo && (hi - lo == 1 || (hi - lo) * 64 <= lo);
		good &= dmademo_hist_bucket(lo) == i && dmademo_hist_bucket(hi - 1) == i;
		prev_hi = hi;
	}
	ok(good && prev_hi == 1ULL << 32, "hist: %s",
	   "1728 buckets tile 0..2^32, none wider than 1/64 of its values");
}

/* 1..N, once each: every percentile within 1/128 of the exact one */
static void test_hist_error(void)
{
	static struct dmademo_hist h;
	struct dmademo_stats st;
	u32 i, p, want, got, worst = 0;	/* in 1/100000 */

	dmademo_hist_init(&h);
	for (i = 1; i <= 1000000; i++)
		dmademo_hist_add(&h, i * 37);
	for (p = 1; p <= 10000; p++) {
		want = (u32)dmademo_rank(1000000, p) * 37;
		got = dmademo_hist_value_at(&h, p);
		worst = max_t(u32, worst, (u64)(got > want ? got - want : want - got) * 100000 / want);
	}
	ok(worst <= 100000 / 128, "hist: %s",
	   "a million values: every p0.01..p100 within 1/128 of the exact one");
	dmademo_hist_stats(&h, &st);
	/* mean 37 * 500000.5, sd 37 * sqrt((10^12 - 1) / 12) = 10680979.98 */
	ok(st.n == 1000000 && st.min == 37 && st.max == 37000000 && st.mean == 18500019 &&
	   st.stddev == 10680979, "hist: %s", "n, min, max, mean and sd exact");
}

static void test_hist_merge_overflow(void)
{
	static struct dmademo_hist a, b, all;
	struct dmademo_stats st;
	u32 i;

	dmademo_hist_init(&a);
	dmademo_hist_init(&b);
	dmademo_hist_init(&all);
	for (i = 0; i < 1000; i++) {
		dmademo_hist_add(i % 3 ? &a : &b, i * i);
		dmademo_hist_add(&all, i * i);
	}
	dmademo_hist_merge(&a, &b);
	ok(!memcmp(&a, &all, sizeof(a)), "hist: %s", "two merged are the histogram of both");
	dmademo_hist_init(&b);
	dmademo_hist_merge(&a, &b);
	ok(!memcmp(&a, &all, sizeof(a)), "hist: %s", "merging an empty one changes nothing");

	/* (2^32 - 1)^2 twice carries out of 64 bits: the sum of squares is 128 */
	dmademo_hist_init(&a);
	for (i = 0; i < 4; i++)
		dmademo_hist_add(&a, i < 2 ? 4294967295U : 0);
	dmademo_hist_stats(&a, &st);
	ok(a.sq_hi == 1 && st.mean == 2147483648U && st.stddev == 2147483647U &&
	   st.p50 == 0 && st.max == 4294967295U && st.p9999 == 4278190079U, "hist: %s",
	   "two of 2^32 - 1 and two 0: sd 2^31 - 1, the square sum past 64 bits");
	dmademo_hist_init(&b);
	for (i = 0; i < 3; i++)
		dmademo_hist_add(&b, 4294967295U);
	dmademo_hist_merge(&a, &b);
	/* 5 * (2^32 - 1)^2 = 4 * 2^64 + (2^64 - 5 * 2^33 + 5) */
	ok(a.sq_hi == 4 && a.n == 7 && a.count[1727] == 5, "hist: %s",
	   "a merge carries the square sum too");
	dmademo_hist_init(&a);
	dmademo_hist_stats(&a, &st);
	ok(!st.n && !st.min && !st.max && !st.p50 && !dmademo_hist_value_at(&a, 5000),
	   "hist: %s", "empty gives zeros");
}

/* as the timed loop counts: rows of 11 phases in batches, all-zero phases included */
static void test_hist_add_many(void)
{
	static struct dmademo_hist one[11], many[11];
	static u32 rows[24][11];
	unsigned int i, p, bad = 0;

	for (p = 0; p < 11; p++) {
		dmademo_hist_init(&one[p]);
		dmademo_hist_init(&many[p]);
	}
	for (i = 0; i < 24; i++)
		for (p = 0; p < 11; p++) {
			/* phase 3 all zero, phase 5 zero but in row 17, phase 7 zero in row 0 */
			rows[i][p] = p == 3 ? 0 : p == 5 ? (i == 17) * 4242 :
				     p == 7 && !i ? 0 : (i + 1) * (p + 1) * 1000003U;
			dmademo_hist_add(&one[p], rows[i][p]);
		}
	for (i = 0; i < 24; i += 8)
		for (p = 0; p < 11; p++)
			dmademo_hist_add_many(&many[p], &rows[i][p], 8, 11);
	for (p = 0; p < 11; p++)
		bad += !!memcmp(&one[p], &many[p], sizeof(one[p]));
	dmademo_hist_add_many(&many[0], &rows[0][0], 0, 11);
	bad += !!memcmp(&one[0], &many[0], sizeof(one[0]));
	ok(!bad && many[3].n == 24 && many[3].count[0] == 24 && many[3].max == 0 &&
	   many[5].max == 4242 && many[5].min == 0 && many[7].min == 0,
	   "hist: %s", "batches of strided rows count as one add each, zero phases too");
}

static void test_mbps(void)
{
	ok(dmademo_mbps_x100(4096, 1000) == 409600, "mbps: %s", "4096 B in 1 us = 4096.00 MB/s");
	ok(dmademo_mbps_x100(64, 3) == 2133333, "mbps: %s", "64 B in 3 ns = 21333.33 MB/s");
	ok(dmademo_mbps_x100(64, 0) == 0, "mbps: %s", "0 ns gives 0");
	ok(dmademo_mbps_x100(1000000ULL * (64 << 20), 1) != 0, "mbps: %s",
	   "a million 64 MiB transfers do not overflow");
}

/* a permutation, repeatable from the seed, every order reachable */
static void test_shuffle(void)
{
	unsigned int i, t, seen = 0, first[6] = { 0 }, perms = 0;
	static unsigned char found[6 * 6 * 6 * 6 * 6 * 6];
	u8 v[6], w[6], one = 7;
	u32 st, st2;
	bool good = true;

	for (t = 0; t < 6000; t++) {
		unsigned int key = 0;

		for (i = 0; i < 6; i++)
			v[i] = i;
		st = t + 1;
		dmademo_shuffle(v, 6, &st);
		seen = 0;
		for (i = 0; i < 6; i++) {
			seen |= 1U << v[i];
			key = key * 6 + v[i];
		}
		good &= seen == 0x3f;
		first[v[0]]++;
		perms += !found[key];
		found[key] = 1;
	}
	ok(good, "shuffle: %s", "always a permutation of 0..5");
	good = true;
	for (i = 0; i < 6; i++)
		good &= first[i] > 600 && first[i] < 1400;
	ok(good, "shuffle: %s", "each value first in 10%..23% of 6000 seeds");
	ok(perms == 720, "shuffle: %s", "all 720 orders of 6 reached from 6000 seeds");
	for (i = 0; i < 6; i++)
		v[i] = w[i] = i;
	st = st2 = 42;
	dmademo_shuffle(v, 6, &st);
	dmademo_shuffle(w, 6, &st2);
	ok(!memcmp(v, w, 6) && st == st2, "shuffle: %s", "the same seed gives the same order and state");
	st2 = st;
	dmademo_shuffle(v, 6, &st);
	ok(st != st2, "shuffle: %s", "the state advances, so the next size gets a new order");
	st = 0;
	dmademo_shuffle(v, 6, &st);
	ok(st != 0, "shuffle: %s", "a zero state does not stay zero");
	st = 5;
	dmademo_shuffle(&one, 1, &st);
	dmademo_shuffle(NULL, 0, &st);
	ok(one == 7, "shuffle: %s", "n = 0 and 1 change nothing");
}

int main(void)
{
	test_u32();
	test_sizes();
	test_sizes_count();
	test_strategies();
	test_names();
	test_chan_names();
	test_vocab();
	test_stats();
	test_percentile_large();
	test_percentile_patterns();
	test_hist_buckets();
	test_hist_error();
	test_hist_merge_overflow();
	test_hist_add_many();
	test_mbps();
	test_shuffle();
	printf("1..%d\n", passed + failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
