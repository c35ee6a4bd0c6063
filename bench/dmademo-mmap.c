// SPDX-License-Identifier: GPL-2.0
/*
 * dmademo-mmap: the user-space half of dmademo. It maps the DMA buffers of
 * /dev/dmademo (module/uapi.h) and times, phase by phase, what an
 * application does with them: fill the source, hand it to the device, one
 * DMA memcpy, take the destination back, read and check it. It writes
 * results.csv, summary.csv and meta in the module's own schema, so that the
 * plots read them as they read the module's.
 *
 * Build with -O2 (make tools): at -O0 every access goes through the stack
 * and the loop, not the memory, is what gets measured.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* mmap offsets on 32-bit user space */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "dmademo-mmap.h"
#include "parse.h"

static struct options opt = {
	.iterations = 100, .warmup = 10, .access_arg = "word", .device = DMADEMO_DEVICE,
	.cpu = "any",
};

static long long median[MAX_SIZES][NR_STRATEGIES];	/* total p50, -1: none */

static __attribute__((noreturn, format(printf, 1, 2))) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

/* the module's own parsers (module/parse.c), as the debugfs knobs use them */
static u32 parse_u32(const char *what, const char *s, u32 min, u32 max)
{
	const char *why;
	u32 v;

	if (dmademo_parse_u32(s, min, max, &v, &why))
		usage_error("%s '%s': %s (%u..%u)", what, s, why, min, max);
	return v;
}

static void parse_sizes(const char *arg)
{
	char *list = strdup(arg);
	const char *why = "out of memory";
	unsigned int i;

	if (!list || dmademo_parse_sizes(list, opt.sizes, &opt.nr_sizes, &why))
		usage_error("--sizes '%s': %s", arg, why);
	for (i = 0; i < opt.nr_sizes; i++)
		if (opt.sizes[i] % 4)
			usage_error("--sizes '%s': %u B is not a multiple of 4", arg, opt.sizes[i]);
	free(list);
}

/* one size: --touch-bytes, --sync-bytes */
static u32 parse_size(const char *what, const char *arg, bool words)
{
	char *one = strdup(arg);
	const char *why = "out of memory";
	unsigned int nr;
	u32 v[MAX_SIZES];

	if (!one || dmademo_parse_sizes(one, v, &nr, &why))
		usage_error("%s '%s': %s", what, arg, why);
	if (nr != 1)
		usage_error("%s '%s': one size", what, arg);
	if (words && v[0] % 4)
		usage_error("%s '%s': %u B is not a multiple of 4", what, arg, v[0]);
	free(one);
	return v[0];
}

static void parse_kinds(const char *arg)
{
	char *list = strdup(arg), *tok, *save = NULL, names[128] = "";
	unsigned int k, nr = 0;

	memset(opt.kind, 0, sizeof(opt.kind));
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save), nr++) {
		for (k = 0; k < DMADEMO_NR_KINDS && strcmp(tok, dmademo_kind_names[k]); k++)
			;
		if (!strcmp(tok, "all"))
			memset(opt.kind, 1, sizeof(opt.kind));
		else if (k == DMADEMO_NR_KINDS) {
			for (k = 0; k < DMADEMO_NR_KINDS; k++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s, ",
					 dmademo_kind_names[k]);
			usage_error("unknown kind '%s' (%sor all)", tok, names);
		} else
			opt.kind[k] = true;
	}
	if (!nr)
		usage_error("--kind '%s': no kind", arg);
	free(list);
}

static void usage(void)
{
	printf("Usage: " PROG " [OPTION]...\n"
	       "Times what an application does with the DMA buffers of /dev/dmademo, mapped:\n"
	       "fill the source, hand it to the device, one DMA memcpy, take the destination\n"
	       "back, read and check it; or with dma-bufs it allocates and /dev/dmademo\n"
	       "imports. Writes results.csv, summary.csv and meta.\n\n"
	       "  -k, --kind LIST        coherent, wc, cached: /dev/dmademo's buffers;\n"
	       "                         udmabuf, heap-system, heap-cma: dma-bufs of /dev/udmabuf\n"
	       "                         and /dev/dma_heap, each CPU access bracketed with\n"
	       "                         DMA_BUF_IOCTL_SYNC; all: every kind (default all).\n"
	       "                         A kind this kernel lacks is skipped (meta: absent=)\n"
	       "  -z, --sizes LIST       bytes, K/M suffixes, multiples of 4 in 4..64M\n"
	       "                         (default 64,128,...,512K,1M)\n"
	       "  -n, --iterations N     recorded round trips per cell, 1..1000000 (default 100)\n"
	       "  -w, --warmup N         unrecorded ones before them, 0..1000000 (default 10)\n"
	       "      --access MODE      word, byte or both: how the CPU fills and reads (default word)\n"
	       "      --touch-bytes N    the CPU fills and reads the first N bytes of each buffer\n"
	       "                         only, a multiple of 4 (default all); the DMA copies all\n"
	       "      --sync-bytes N     cached: each SYNC hands over the first N bytes of each\n"
	       "                         buffer, N at least --touch-bytes (default 0: all). The\n"
	       "                         dma-bufs ignore it: DMA_BUF_IOCTL_SYNC has no range\n"
	       "      --cma-heap NAME    heap-cma's heap, /dev/dma_heap/NAME (default: the heap\n"
	       "                         there named default_cma_region, else the first by name\n"
	       "                         that is not system* or protected,*)\n"
	       "  -o, --output DIR       default " PROG "-HOSTNAME-YYYYmmdd-HHMMSS\n"
	       "  -d, --device PATH      default " DMADEMO_DEVICE "\n"
	       "      --cpu N|any        run on CPU N (sched_setaffinity), or where the\n"
	       "                         scheduler puts it (default any)\n"
	       "  -q, --quiet            no progress and no table\n"
	       "  -h, --help             this text\n"
	       "      --version          " PROG " and dmademo's version\n\n"
	       "Exit status: 0 success, 1 a request failed or a round trip did not verify,\n"
	       "2 bad usage, 4 no such device (dmademo.ko not loaded: kselftest's skip).\n"
	       "A kind that is absent (no /dev/udmabuf, no heap) fails nothing.\n");
}

static void parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "access", required_argument, NULL, 'A' },
		{ "output", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "touch-bytes", required_argument, NULL, 'T' },
		{ "sync-bytes", required_argument, NULL, 'S' },
		{ "cma-heap", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	u32 largest = 0, touched;
	unsigned int i;
	int c;

	parse_kinds("all");
	parse_sizes("64,128,256,512,1K,2K,4K,8K,16K,32K,64K,128K,256K,512K,1M");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:z:n:w:o:d:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'k': parse_kinds(optarg); break;
		case 'z': parse_sizes(optarg); break;
		case 'n': opt.iterations = parse_u32("--iterations", optarg, 1, 1000000); break;
		case 'w': opt.warmup = parse_u32("--warmup", optarg, 0, 1000000); break;
		case 'A': opt.access_arg = optarg; break;
		case 'o':
			if (!*optarg)
				usage_error("--output '': an empty folder name");
			opt.output = optarg;
			break;
		case 'd': opt.device = optarg; break;
		case 'q': opt.quiet = true; break;
		case 'C':
			if (strcmp(optarg, "any"))
				parse_u32("--cpu", optarg, 0, CPU_SETSIZE - 1);
			opt.cpu = optarg;
			break;
		case 'T': opt.touch_bytes = parse_size("--touch-bytes", optarg, true); break;
		case 'S':
			opt.sync_bytes = strcmp(optarg, "0") ? parse_size("--sync-bytes", optarg, false) : 0;
			break;
		case 'H':
			if (!*optarg || strchr(optarg, '/') || !strcmp(optarg, ".") || !strcmp(optarg, ".."))
				usage_error("--cma-heap '%s': a name in /dev/dma_heap", optarg);
			opt.cma_heap = optarg;
			break;
		case 'h': usage(); exit(0);
		case 'V': printf(PROG " " VERSION "\n"); exit(0);
		case ':': usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	opt.access[0] = !strcmp(opt.access_arg, "word") || !strcmp(opt.access_arg, "both");
	opt.access[1] = !strcmp(opt.access_arg, "byte") || !strcmp(opt.access_arg, "both");
	if (!opt.access[0] && !opt.access[1])
		usage_error("--access '%s': word, byte or both", opt.access_arg);

	/* no byte the CPU touches may be left out of the syncs, in any cell */
	for (i = 0; i < opt.nr_sizes; i++)
		largest = opt.sizes[i] > largest ? opt.sizes[i] : largest;
	touched = opt.touch_bytes && opt.touch_bytes < largest ? opt.touch_bytes : largest;
	if (opt.sync_bytes && opt.sync_bytes < touched) {
		if (touched == opt.touch_bytes)
			usage_error("--sync-bytes %u: below --touch-bytes %u, bytes the CPU touches",
				    opt.sync_bytes, touched);
		usage_error("--sync-bytes %u: below the %u B the CPU touches of the largest size "
			    "(--touch-bytes)", opt.sync_bytes, touched);
	}
}

int main(int argc, char **argv)
{
	char dir[4096], date[32], host[256] = "unknown";
	unsigned int z, k, a;
	time_t t = time(NULL);
	u64 start = now_ns();
	FILE *res, *sum;
	int fd;

	parse_args(argc, argv);
	if (strcmp(opt.cpu, "any")) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(opt.cpu), &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, PROG ": --cpu %s: %s\n", opt.cpu, strerror(errno));
			return 1;
		}
	}
	fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		fprintf(stderr, PROG ": %s: %s%s\n", opt.device, strerror(err),
			err == ENOENT ? " (is dmademo.ko loaded?)" : "");
		return err == ENOENT ? KSFT_SKIP : 1;
	}
	if (!cells_init(&opt, fd)) {
		fprintf(stderr, PROG ": out of memory for %u samples\n", opt.iterations);
		return 1;
	}
	/* the dma-buf kinds this kernel lacks: skipped, with their reasons, never a failure */
	dmabuf_probe(&opt);
	for (k = 0; k < DMADEMO_NR_KINDS; k++)
		if (opt.absent[k] && !opt.quiet)
			fprintf(stderr, PROG ": %s: skipped: %s\n", dmademo_kind_names[k],
				opt.absent_why[k]);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	gethostname(host, sizeof(host) - 1);
	if (!opt.output) {
		int n = snprintf(dir, sizeof(dir), PROG "-%s-", host);

		strftime(dir + n, sizeof(dir) - n, "%Y%m%d-%H%M%S", localtime(&t));
		opt.output = dir;
	}
	if (make_dir(opt.output)) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", opt.output, strerror(errno));
		return 1;
	}
	res = open_out(opt.output, "results.csv");
	sum = open_out(opt.output, "summary.csv");
	fputs(dmademo_results_header, res);
	fputs(dmademo_summary_header, sum);

	/* sizes outer, as the module does: drift during the sweep hits every kind of a size alike */
	memset(median, 0xff, sizeof(median));	/* -1: no median */
	for (z = 0; z < opt.nr_sizes && !cells_stopped(); z++)
		for (k = 0; k < DMADEMO_NR_KINDS && !cells_stopped(); k++)
			for (a = 0; a < NR_ACCESS && !cells_stopped(); a++) {
				if (!opt.kind[k] || !opt.access[a])
					continue;
				if (opt.absent[k])
					cell_absent(k, a, opt.sizes[z]);
				else
					run_cell(res, sum, k, a, opt.sizes[z],
						 &median[z][k * NR_ACCESS + a]);
			}
	if (cells_stopped())
		fprintf(stderr, PROG ": the sweep stopped there\n");
	cells_write_skips(sum);
	close_out(res, opt.output, "results.csv");
	close_out(sum, opt.output, "summary.csv");
	write_meta(&opt, date, now_ns() - start, read_status());
	if (!opt.quiet) {
		print_table(&opt, median);
		fprintf(stderr, PROG ": results in %s\n", opt.output);
	}
	return cells_exit_status();
}
