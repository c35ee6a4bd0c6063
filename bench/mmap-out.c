// SPDX-License-Identifier: GPL-2.0
/*
 * dmademo-mmap's output, in the module's schema: the results and summary
 * rows of a cell, the folder and its meta, and the table on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dmademo-mmap.h"

/* coherent-mmap, wc-mmap-byte, ... */
const char *strategy_name(char *buf, size_t len, unsigned int kind, unsigned int acc)
{
	snprintf(buf, len, "%s-mmap%s", dmademo_kind_names[kind], acc ? "-byte" : "");
	return buf;
}

/* As the kernel's %pe prints an error code */
const char *errname(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ ENOMEM, "-ENOMEM" }, { E2BIG, "-E2BIG" }, { EINVAL, "-EINVAL" },
		{ EBUSY, "-EBUSY" }, { ENODEV, "-ENODEV" }, { ENXIO, "-ENXIO" },
		{ ETIMEDOUT, "-ETIMEDOUT" }, { EIO, "-EIO" }, { EFAULT, "-EFAULT" },
		{ ENOTTY, "-ENOTTY" }, { EPERM, "-EPERM" }, { EACCES, "-EACCES" },
		{ EAGAIN, "-EAGAIN" }, { EINTR, "-EINTR" }, { ENOSPC, "-ENOSPC" },
		{ EOPNOTSUPP, "-EOPNOTSUPP" }, { ERANGE, "-ERANGE" }, { ENOSYS, "-ENOSYS" },
		{ EOVERFLOW, "-EOVERFLOW" }, { ENOENT, "-ENOENT" },
	};
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "-%d", err);
	return buf;
}

static void put_mbps(FILE *f, u64 bytes, u64 ns)
{
	u64 v = dmademo_mbps_x100(bytes, ns);

	fprintf(f, ",%llu.%02u", (unsigned long long)(v / 100), (unsigned int)(v % 100));
}

/*
 * The cell's rows: results for each recorded round trip, summary over those
 * that verified; *med is the median total if any did. Returns how many did.
 */
u32 cell_write(FILE *res, FILE *sum, const char *name, u32 size, const struct sample *smp,
	       u32 rec, u32 *scratch, u64 wall_ns, bool need_sync, u32 segments, long long *med)
{
	struct dmademo_stats st[DMADEMO_NR_PHASES];
	u32 i, n = 0;
	int p;

	for (i = 0; i < rec; i++) {
		const struct sample *s = &smp[i];

		fprintf(res, "%s,%u,%u", name, size, i);
		for (p = DMADEMO_FILL; p <= DMADEMO_TOTAL; p++)
			fprintf(res, ",%u", s->ns[p]);
		fprintf(res, ",%d,%u,%u,%u,0,%u,%u,%u,%u\n", s->ok, s->ns[DMADEMO_WAKE],
			s->ns[DMADEMO_ALLOC], s->ns[DMADEMO_FREE], s->cpu, s->irq_cpu,
			s->ns[DMADEMO_MAP], s->ns[DMADEMO_UNMAP]);
	}
	if (!rec)
		return 0;
	for (p = 0; p < DMADEMO_NR_PHASES; p++) {
		for (n = 0, i = 0; i < rec; i++)
			if (smp[i].ok)
				scratch[n++] = smp[i].ns[p];
		dmademo_stats_compute(scratch, n, &st[p]);
	}
	for (p = 0; p < DMADEMO_NR_PHASES; p++) {
		const struct dmademo_stats *s = &st[p];

		fprintf(sum, "%s,%u,%s,%llu,%u,%u,%u,%u,%u,%u,%u", name, size, dmademo_phase_names[p],
			(unsigned long long)s->n, s->min, s->p50, s->p90, s->p99, s->max, s->mean, s->stddev);
		put_mbps(sum, size, s->p50);
		put_mbps(sum, (u64)size * rec, wall_ns);
		/* bounced: not known here (empty) */
		fprintf(sum, ",%u,%d,%u,%u,%u,\n", rec - n, need_sync, segments, s->p999, s->p9999);
	}
	if (n)
		*med = st[DMADEMO_TOTAL].p50;
	return n;
}

/* mkdir -p */
int make_dir(const char *path)
{
	char *p, *dir = strdup(path);
	int ret = 0;

	for (p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(dir, 0777) && errno != EEXIST) {
			ret = -1;
			break;
		}
		if (!p)
			break;
		*p = '/';
	}
	free(dir);
	return ret;
}

FILE *open_out(const char *dir, const char *file)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

void close_out(FILE *f, const char *dir, const char *file)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, PROG ": cannot write %s/%s\n", dir, file);
		exit(1);
	}
}

/* The first line of a file, without NULs or a trailing newline; false if none. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n, i, j;

	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	for (i = j = 0; i < n; i++)
		if (buf[i])
			buf[j++] = buf[i];
	buf[j] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return *buf;
}

/* the strategies run, in the order of the table, each with its family */
static void meta_families(FILE *f, const struct options *o)
{
	unsigned int s, n = 0;
	char name[32];

	for (s = 0; s < NR_STRATEGIES; s++) {
		if (!o->kind[s / NR_ACCESS] || !o->access[s % NR_ACCESS])
			continue;
		fprintf(f, "%s%s:%s", n++ ? "," : "",
			strategy_name(name, sizeof(name), s / NR_ACCESS, s % NR_ACCESS),
			dmademo_kind_families[s / NR_ACCESS]);
	}
}

/* a byte count of an option, 0 meaning all of each buffer */
static void put_bytes(FILE *f, const char *key, u32 v)
{
	if (v)
		fprintf(f, "%s=%u\n", key, v);
	else
		fprintf(f, "%s=all\n", key);
}

void write_meta(const struct options *o, const char *date, u64 elapsed_ns, const char *status)
{
	const char *dir = o->output;
	FILE *f = open_out(dir, "meta");
	struct utsname u;
	char board[256];
	unsigned int i;
	bool first = true;

	uname(&u);
	if (!read_line("/proc/device-tree/model", board, sizeof(board)) &&
	    !read_line("/sys/class/dmi/id/product_name", board, sizeof(board)))
		strcpy(board, "unknown");
	fprintf(f, "date=%s\nhostname=%s\nboard=%s\nkernel=%s\narch=%s\ncpus=%ld\n",
		date, u.nodename, board, u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "source=" PROG "\nversion=" VERSION "\nkinds=");
	for (i = 0; i < DMADEMO_NR_KINDS; i++)
		if (o->kind[i]) {
			fprintf(f, "%s%s", first ? "" : ",", dmademo_kind_names[i]);
			first = false;
		}
	fprintf(f, "\nfamilies=");
	meta_families(f, o);
	fprintf(f, "\nphases=");
	for (i = 0; i < DMADEMO_NR_PHASES; i++)
		fprintf(f, "%s%s", i ? "," : "", dmademo_phase_names[i]);
	fprintf(f, "\nsizes=");
	for (i = 0; i < o->nr_sizes; i++)
		fprintf(f, "%s%u", i ? "," : "", o->sizes[i]);
	fprintf(f, "\niterations=%u\nwarmup=%u\naccess=%s\ndevice_status=%s\nelapsed_s=%llu\n",
		o->iterations, o->warmup, o->access_arg, status,
		(unsigned long long)(elapsed_ns / 1000000000));
	fprintf(f, "run_cpu=%s\n", o->cpu);
	put_bytes(f, "touch_bytes", o->touch_bytes);
	put_bytes(f, "sync_bytes", o->sync_bytes);
	/* the kinds asked for that this kernel lacks, and why */
	fprintf(f, "absent=");
	for (i = 0, first = true; i < DMADEMO_NR_KINDS; i++)
		if (o->absent[i]) {
			fprintf(f, "%s%s", first ? "" : ",", dmademo_kind_names[i]);
			first = false;
		}
	fprintf(f, "\n");
	for (i = 0; i < DMADEMO_NR_KINDS; i++)
		if (o->absent[i])
			fprintf(f, "absent_%s=%s\n", dmademo_kind_names[i], o->absent_why[i]);
	if (o->kind[DMADEMO_KIND_HEAP_CMA] && !o->absent[DMADEMO_KIND_HEAP_CMA])
		fprintf(f, "cma_heap=%s\n", o->cma_heap);
	close_out(f, dir, "meta");
}

/* the table's strategies: those run, of kinds this kernel has */
static bool in_table(const struct options *o, unsigned int s)
{
	return o->kind[s / NR_ACCESS] && o->access[s % NR_ACCESS] && !o->absent[s / NR_ACCESS];
}

/* Median total per strategy (columns) and size (rows), in microseconds. */
void print_table(const struct options *o, long long median[MAX_SIZES][NR_STRATEGIES])
{
	int width[NR_STRATEGIES];
	unsigned int s, z;
	char name[32];

	printf("median total, us\n%8s", "size");
	for (s = 0; s < NR_STRATEGIES; s++) {
		if (!in_table(o, s))
			continue;
		strategy_name(name, sizeof(name), s / NR_ACCESS, s % NR_ACCESS);
		width[s] = strlen(name) > 12 ? strlen(name) : 12;
		printf(" %*s", width[s], name);
	}
	printf("\n");
	for (z = 0; z < o->nr_sizes; z++) {
		printf("%8u", o->sizes[z]);
		for (s = 0; s < NR_STRATEGIES; s++) {
			if (!in_table(o, s))
				continue;
			if (median[z][s] < 0)
				printf(" %*s", width[s], "-");
			else
				printf(" %*.1f", width[s], median[z][s] / 1000.0);
		}
		printf("\n");
	}
}
