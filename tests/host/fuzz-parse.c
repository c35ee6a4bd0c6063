// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for module/parse.c, the parsers behind every debugfs
 * knob. The input, as a NUL-terminated string (what write_buf() hands the
 * parsers: a NUL inside the input ends it there), goes to each parser in
 * turn. Each result is checked twice: against the documented invariants
 * (values in range, sizes non-zero and at most DMADEMO_MAX_SIZE, no
 * duplicates, at most the maximum count; on failure a negative errno, a
 * reason, and the outputs untouched) and against a straightforward second
 * implementation written here from the kernel's semantics (lib/kstrtox.c,
 * sysfs_streq(), match_string()), errno included.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *         -Ibench -Imodule module/parse.c tests/host/fuzz-parse.c
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz.h"
#include "parse.h"

#define POISON8		0xa5
#define POISON32	0xa5a5a5a5U

/* a fresh exact-size copy per parser, so that ASan sees any overread */
static char *dup_str(const char *s)
{
	size_t len = strlen(s);
	char *p = malloc(len + 1);

	CHECK(p);
	memcpy(p, s, len + 1);
	return p;
}

/* lib/kstrtox.c: optional '+', decimal digits, one optional '\n', the end */
static int ref_kstrtou64(const char *s, u64 *res)
{
	unsigned __int128 v = 0;
	bool overflow = false;
	const char *p;

	if (*s == '+')
		s++;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > UINT64_MAX) {
			overflow = true;
			v = (unsigned __int128)UINT64_MAX + 1;
		}
	}
	if (p == s)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = (u64)v;
	return 0;
}

static int ref_u32(const char *s, u32 min, u32 max, u32 *val)
{
	u64 v;
	int ret = ref_kstrtou64(s, &v);

	if (ret)
		return ret;
	if (v > UINT32_MAX || v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

/* sysfs_streq(): equal, or equal but for one trailing newline on either */
static bool ref_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '\n')
		la--;
	if (lb && b[lb - 1] == '\n')
		lb--;
	return la == lb && !memcmp(a, b, la);
}

static int ref_name(const char *s, const char * const *names, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (ref_streq(names[i], s))
			return i;
	}
	return -EINVAL;
}

/* the string without the one trailing newline echo(1) adds */
static size_t ref_chomped_len(const char *s)
{
	size_t len = strlen(s);

	return len && s[len - 1] == '\n' ? len - 1 : len;
}

/* one size: digits, an optional K/M/G; 0 < size <= DMADEMO_MAX_SIZE */
static int ref_size(const char *tok, size_t len, u32 *val)
{
	unsigned int shift = 0;
	unsigned __int128 v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	switch (tok[len - 1]) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift)
		len--;
	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		v = v * 10 + (tok[i] - '0');
		if (v > DMADEMO_MAX_SIZE)
			v = (unsigned __int128)DMADEMO_MAX_SIZE + 1;	/* saturate */
	}
	v <<= shift;
	if (!v || v > DMADEMO_MAX_SIZE)
		return -ERANGE;
	*val = (u32)v;
	return 0;
}

static int ref_sizes(const char *s, u32 *sizes, unsigned int *nr)
{
	size_t len = ref_chomped_len(s), start = 0, end;
	unsigned int i, n = 0;
	int ret;

	if (!len)
		return -EINVAL;
	for (;;) {
		u32 v;

		for (end = start; end < len && s[end] != ','; end++)
			;
		if (n == DMADEMO_MAX_SIZES)
			return -EINVAL;
		ret = ref_size(s + start, end - start, &v);
		if (ret)
			return ret;
		for (i = 0; i < n; i++) {
			if (sizes[i] == v)
				return -EINVAL;
		}
		sizes[n++] = v;
		if (end == len)
			break;
		start = end + 1;
	}
	*nr = n;
	return 0;
}

static int ref_strategies(const char *s, u8 *list, unsigned int *nr)
{
	size_t len = ref_chomped_len(s), start = 0, end;
	unsigned int i, n = 0;

	if (!len)
		return -EINVAL;
	if (len == 3 && !memcmp(s, "all", 3)) {
		for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
			list[i] = i;
		*nr = DMADEMO_NR_STRATEGIES;
		return 0;
	}
	for (;;) {
		int match = -1;

		for (end = start; end < len && s[end] != ','; end++)
			;
		for (i = 0; i < DMADEMO_NR_STRATEGIES; i++) {
			const char *name = dmademo_strategy_names[i];

			if (strlen(name) == end - start &&
			    !memcmp(name, s + start, end - start))
				match = i;
		}
		if (match < 0)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (list[i] == match)
				return -EINVAL;
		}
		list[n++] = match;
		if (end == len)
			break;
		start = end + 1;
	}
	*nr = n;
	return 0;
}

static void check_failure(int ret, const char *why)
{
	CHECK(ret == -EINVAL || ret == -ERANGE);
	CHECK(why && *why);
}

static void fuzz_u32(const char *s)
{
	static const u32 ranges[][2] = {
		{ 1, 1000000 },		/* iterations */
		{ 0, 1000000 },		/* warmup */
		{ 0, 1 },		/* verify, touch */
		{ 1, 64 },		/* depth */
		{ 1, 60000 },		/* timeout_ms */
		{ 0, UINT32_MAX },
		{ UINT32_MAX, UINT32_MAX },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		u32 min = ranges[i][0], max = ranges[i][1];
		u32 val = POISON32, ref = POISON32;
		const char *why = NULL;
		char *buf = dup_str(s);
		int ret = dmademo_parse_u32(buf, min, max, &val, &why);

		CHECK(!strcmp(buf, s));		/* const: left alone */
		CHECK(ret == ref_u32(s, min, max, &ref));
		if (!ret) {
			CHECK(val >= min && val <= max);
			CHECK(val == ref);
		} else {
			check_failure(ret, why);
			CHECK(val == POISON32);
		}
		free(buf);
	}
}

static void fuzz_name(const char *s, const char * const *names, unsigned int nr)
{
	unsigned int idx = POISON32;
	const char *why = NULL;
	char *buf = dup_str(s);
	int ret = dmademo_parse_name(buf, names, nr, &idx, &why);

	CHECK(!strcmp(buf, s));
	CHECK(ret == (ref_name(s, names, nr) < 0 ? -EINVAL : 0));
	if (!ret) {
		CHECK(idx < nr);
		CHECK((int)idx == ref_name(s, names, nr));
	} else {
		CHECK(ret == -EINVAL && why && *why);
		CHECK(idx == POISON32);
	}
	free(buf);
}

static void fuzz_sizes(const char *s)
{
	u32 sizes[DMADEMO_MAX_SIZES], ref[DMADEMO_MAX_SIZES], poison[DMADEMO_MAX_SIZES];
	unsigned int nr = POISON32, ref_nr = POISON32, i, j;
	const char *why = NULL;
	char *buf = dup_str(s);
	int ret;

	memset(sizes, POISON8, sizeof(sizes));
	memset(poison, POISON8, sizeof(poison));
	ret = dmademo_parse_sizes(buf, sizes, &nr, &why);
	CHECK(ret == ref_sizes(s, ref, &ref_nr));
	if (!ret) {
		CHECK(nr >= 1 && nr <= DMADEMO_MAX_SIZES);
		CHECK(nr == ref_nr);
		for (i = 0; i < nr; i++) {
			CHECK(sizes[i] > 0 && sizes[i] <= DMADEMO_MAX_SIZE);
			CHECK(sizes[i] == ref[i]);
			for (j = 0; j < i; j++)
				CHECK(sizes[i] != sizes[j]);
		}
		/* nothing written past the count */
		CHECK(!memcmp(sizes + nr, poison, (DMADEMO_MAX_SIZES - nr) * sizeof(u32)));
	} else {
		check_failure(ret, why);
		CHECK(nr == POISON32);
		CHECK(!memcmp(sizes, poison, sizeof(sizes)));
	}
	free(buf);
}

static void fuzz_strategies(const char *s)
{
	u8 list[DMADEMO_NR_STRATEGIES], ref[DMADEMO_NR_STRATEGIES], poison[DMADEMO_NR_STRATEGIES];
	unsigned int nr = POISON32, ref_nr = POISON32, i, j;
	const char *why = NULL;
	char *buf = dup_str(s);
	int ret;

	memset(list, POISON8, sizeof(list));
	memset(poison, POISON8, sizeof(poison));
	ret = dmademo_parse_strategies(buf, 0, list, &nr, &why);
	CHECK(ret == ref_strategies(s, ref, &ref_nr));
	if (!ret) {
		CHECK(nr >= 1 && nr <= DMADEMO_NR_STRATEGIES);
		CHECK(nr == ref_nr);
		for (i = 0; i < nr; i++) {
			CHECK(list[i] < DMADEMO_NR_STRATEGIES);
			CHECK(list[i] == ref[i]);
			for (j = 0; j < i; j++)
				CHECK(list[i] != list[j]);
		}
		CHECK(!memcmp(list + nr, poison, DMADEMO_NR_STRATEGIES - nr));
	} else {
		check_failure(ret, why);
		CHECK(ret == -EINVAL);		/* names: never a range */
		CHECK(nr == POISON32);
		CHECK(!memcmp(list, poison, sizeof(list)));
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char * const run_cmds[] = { "start", "stop" };
	char *s = malloc(size + 1);

	CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';

	fuzz_u32(s);
	fuzz_name(s, dmademo_fault_names, DMADEMO_NR_FAULTS);
	fuzz_name(s, dmademo_strategy_names, DMADEMO_NR_STRATEGIES);
	fuzz_name(s, dmademo_completion_names, DMADEMO_NR_COMPLETIONS);
	fuzz_name(s, dmademo_direction_names, DMADEMO_NR_DIRECTIONS);
	fuzz_name(s, run_cmds, 2);
	fuzz_sizes(s);
	fuzz_strategies(s);

	free(s);
	return 0;
}
