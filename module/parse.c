// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of the values written to dmademo's debugfs knobs: numbers with a
 * range, names from a table, and comma-separated lists of sizes and
 * strategies. Strict on purpose: a value that is not exactly right is
 * refused whole, so a typo never runs a benchmark nobody asked for.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#endif
#include "parse.h"

const char * const dmademo_fault_names[DMADEMO_NR_FAULTS] = {
	[DMADEMO_FAULT_NONE]	   = "none",
	[DMADEMO_FAULT_CORRUPT]	   = "corrupt",
	[DMADEMO_FAULT_TIMEOUT]	   = "timeout",
	[DMADEMO_FAULT_SKIP_UNMAP] = "skip-unmap",
	[DMADEMO_FAULT_WRONG_DIR]  = "wrong-dir",
	[DMADEMO_FAULT_STUCK]	   = "stuck",
	[DMADEMO_FAULT_OVERRUN]	   = "overrun",
	[DMADEMO_FAULT_MAP_ERROR]  = "map-error",
	[DMADEMO_FAULT_PREP_ERROR] = "prep-error",
	[DMADEMO_FAULT_SUBMIT_ERROR] = "submit-error",
};

const char * const dmademo_completion_names[DMADEMO_NR_COMPLETIONS] = {
	[DMADEMO_COMPLETION_IRQ]  = "irq",
	[DMADEMO_COMPLETION_POLL] = "poll",
};

const char * const dmademo_direction_names[DMADEMO_NR_DIRECTIONS] = {
	[DMADEMO_DIR_TRANSFER]	    = "transfer",
	[DMADEMO_DIR_TO_DEVICE]	    = "to-device",
	[DMADEMO_DIR_FROM_DEVICE]   = "from-device",
	[DMADEMO_DIR_BIDIRECTIONAL] = "bidirectional",
};

const char * const dmademo_record_names[DMADEMO_NR_RECORDS] = {
	[DMADEMO_RECORD_SAMPLES]   = "samples",
	[DMADEMO_RECORD_HISTOGRAM] = "histogram",
};

int dmademo_parse_u32(const char *buf, u32 min, u32 max, u32 *val,
		      const char **why)
{
	u32 v;
	int ret;

	ret = kstrtou32(buf, 10, &v);
	if (ret) {
		*why = ret == -ERANGE ? "number too large" : "not a decimal number";
		return ret;
	}
	if (v < min || v > max) {
		*why = "out of range";
		return -ERANGE;
	}
	*val = v;
	return 0;
}

int dmademo_parse_name(const char *buf, const char * const *names,
		       unsigned int nr, unsigned int *idx, const char **why)
{
	int i = __sysfs_match_string(names, nr, buf);

	if (i < 0) {
		*why = "unknown name";
		return -EINVAL;
	}
	*idx = i;
	return 0;
}

/* Drop the one newline echo(1) adds; refuse what is left if it is empty. */
static int chomp(char *buf, const char **why)
{
	size_t len = strlen(buf);

	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!len) {
		*why = "empty value";
		return -EINVAL;
	}
	return 0;
}

/*
 * One size: decimal digits with an optional K, M or G suffix. Not
 * memparse(): it accepts hex, octal and trailing garbage and wraps around
 * on overflow, and a benchmark must not silently run a different size.
 */
static int parse_size(char *tok, u32 *val, const char **why)
{
	size_t i, len = strlen(tok);
	unsigned int shift = 0;
	u64 v;
	int ret;

	if (!len) {
		*why = "empty list item";
		return -EINVAL;
	}
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
		tok[--len] = '\0';
	for (i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			break;
	}
	if (!len || i < len) {
		*why = "not a size (digits with an optional K, M or G)";
		return -EINVAL;
	}
	ret = kstrtou64(tok, 10, &v);
	if (ret || v > (U64_MAX >> shift)) {
		*why = "size too large";
		return -ERANGE;
	}
	v <<= shift;
	if (!v || v > DMADEMO_MAX_SIZE) {
		*why = "size out of range";
		return -ERANGE;
	}
	*val = v;
	return 0;
}

int dmademo_parse_sizes(char *buf, u32 *sizes, unsigned int *nr,
			const char **why)
{
	u32 tmp[DMADEMO_MAX_SIZES];
	unsigned int i, n = 0;
	char *tok;
	int ret;

	ret = chomp(buf, why);
	if (ret)
		return ret;
	while ((tok = strsep(&buf, ","))) {
		u32 v;

		if (n == DMADEMO_MAX_SIZES) {
			*why = "too many sizes";
			return -EINVAL;
		}
		ret = parse_size(tok, &v, why);
		if (ret)
			return ret;
		for (i = 0; i < n; i++) {
			if (tmp[i] == v) {
				*why = "duplicate size";
				return -EINVAL;
			}
		}
		tmp[n++] = v;
	}
	memcpy(sizes, tmp, n * sizeof(*tmp));
	*nr = n;
	return 0;
}

/*
 * "all": every strategy but those in the mask absent (BIT(strategy): not
 * built into this module), in the order of enum dmademo_strategy
 */
void dmademo_strategies_all(u32 absent, u8 *list, unsigned int *nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		if (!(absent & (1U << i)))
			list[n++] = i;
	*nr = n;
}

int dmademo_parse_strategies(char *buf, u32 absent, u8 *list,
			     unsigned int *nr, const char **why)
{
	u8 tmp[DMADEMO_NR_STRATEGIES];
	unsigned int seen = 0, n = 0;
	char *tok;
	int i, ret;

	ret = chomp(buf, why);
	if (ret)
		return ret;
	if (!strcmp(buf, "all")) {
		dmademo_strategies_all(absent, list, nr);
		return 0;
	}
	while ((tok = strsep(&buf, ","))) {
		if (!*tok) {
			*why = "empty list item";
			return -EINVAL;
		}
		i = match_string(dmademo_strategy_names,
				 DMADEMO_NR_STRATEGIES, tok);
		if (i < 0) {
			*why = "unknown strategy";
			return -EINVAL;
		}
		if (seen & (1U << i)) {
			*why = "duplicate strategy";
			return -EINVAL;
		}
		seen |= 1U << i;
		tmp[n++] = i;
	}
	memcpy(list, tmp, n);
	*nr = n;
	return 0;
}

/* what follows "<prefix><digits>" at the start of s, or NULL */
static const char *skip_prefix_digits(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) || s[n] < '0' || s[n] > '9')
		return NULL;
	for (s += n; *s >= '0' && *s <= '9'; s++)
		;
	return s;
}

/*
 * dmaengine names every channel "dma<device>chan<channel>": anything else
 * is a typo (-EINVAL), not a channel that is missing or busy (-ENODEV).
 */
bool dmademo_chan_name_valid(const char *name)
{
	const char *p;

	if (!strcmp(name, "any") || !strcmp(name, "none"))
		return true;
	p = skip_prefix_digits(name, "dma");
	p = p ? skip_prefix_digits(p, "chan") : NULL;
	return p && !*p;
}
