/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel helpers that module/parse.c, stats.c and hist.c use, for
 * building those files in user space: into dmademo-mmap (make tools, the
 * Debian package) and into the host unit tests and fuzzers. Each one keeps
 * the kernel's semantics, including its error codes.
 */
#ifndef DMADEMO_KSHIM_H
#define DMADEMO_KSHIM_H

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define U32_MAX UINT32_MAX

/* include/vdso/bits.h */
#define BIT(nr)			(1UL << (nr))
#define U64_MAX UINT64_MAX

/* include/linux/compiler.h */
#define unlikely(x)		__builtin_expect(!!(x), 0)

/* include/linux/minmax.h, without its type checks */
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define max_t(t, a, b)		max((t)(a), (t)(b))
#define clamp_t(t, v, lo, hi)	min(max((t)(v), (t)(lo)), (t)(hi))

/* lib/kstrtox.c: optional '+', digits, optional single '\n', nothing else */
static inline int kstrtou64(const char *s, unsigned int base, u64 *res)
{
	u64 v = 0;
	bool overflow = false;
	const char *p;

	(void)base;	/* callers here always use base 10 */
	if (*s == '+')
		s++;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = *p - '0';

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		v = v * 10 + d;
	}
	if (overflow)
		return -ERANGE;
	if (p == s)
		return -EINVAL;
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = v;
	return 0;
}

static inline int kstrtou32(const char *s, unsigned int base, u32 *res)
{
	u64 v;
	int ret = kstrtou64(s, base, &v);

	if (ret)
		return ret;
	if (v > UINT32_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

/* lib/string.c */
static inline int match_string(const char * const *array, size_t n,
			       const char *string)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (array[i] && !strcmp(array[i], string))
			return i;
	}
	return -EINVAL;
}

static inline bool sysfs_streq(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	if (*s1 == *s2)
		return true;
	if (!*s1 && *s2 == '\n' && !s2[1])
		return true;
	if (*s1 == '\n' && !s1[1] && !*s2)
		return true;
	return false;
}

static inline int __sysfs_match_string(const char * const *array, size_t n,
				       const char *str)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (array[i] && sysfs_streq(array[i], str))
			return i;
	}
	return -EINVAL;
}

/* include/linux/minmax.h, include/linux/array_size.h */
#define swap(a, b) do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* lib/sort.c (the kernel's is a heapsort; any correct sort will do here) */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

/* include/linux/math64.h */
static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

/* include/asm-generic/bitops/fls.h: the last set bit, 1-based; 0 for 0 */
static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* lib/math/int_sqrt.c: floor(sqrt(x)) */
static inline u32 int_sqrt64(u64 x)
{
	u64 r = (u64)sqrtl((long double)x);

	while (r * r > x)
		r--;
	while ((r + 1) * (r + 1) <= x && r + 1 <= UINT32_MAX)
		r++;
	return r;
}

#endif /* DMADEMO_KSHIM_H */
