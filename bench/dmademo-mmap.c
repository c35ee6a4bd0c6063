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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dmademo-mmap.h"
#include "parse.h"

static struct options opt = {
	.iterations = 100, .warmup = 10, .access_arg = "word", .device = DMADEMO_DEVICE,
	.cpu = "any",
};

static int fd = -1;
static int exit_status;
static bool stop;			/* a transfer or sync failed: as the module's run, stop */
static long page_size;
static u32 next_seed = 1;
static struct sample *samples;		/* the recorded round trips of one cell */
static u32 *scratch;
static char *skips[NR_STRATEGIES * MAX_SIZES];
static unsigned int nr_skips;
static long long median[MAX_SIZES][NR_STRATEGIES];	/* total p50, -1: none */
static char status[512];
volatile u32 dmademo_sink;		/* what was read: the reads cannot be dropped */

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

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static u32 sat32(u64 v)
{
	return v > UINT32_MAX ? UINT32_MAX : v;
}

/*
 * The application's accesses. Word: a plain loop over u32, as an
 * application's own memset/memcpy-like loop would be; the compiler may
 * widen it. Byte: one byte at a time, as in "for each byte": the empty asm
 * makes each byte opaque, so that no compiler turns the loop into vector
 * or word accesses (it emits no instruction and costs nothing).
 */
#define WORD(seed, i)	((u32)(seed) + (u32)(i) * 0x9e3779b1u)
#define BYTE(seed, i)	((u8)((seed) + (i) * 7))

static void fill_word(u8 *buf, u32 size, u32 seed)
{
	u32 *p = (u32 *)buf, i;

	for (i = 0; i < size / 4; i++)
		p[i] = WORD(seed, i);
}

static bool check_word(const u8 *buf, u32 size, u32 seed)
{
	const u32 *p = (const u32 *)buf;
	u32 i, sum = 0, diff = 0;

	for (i = 0; i < size / 4; i++) {
		sum += p[i];
		diff |= p[i] ^ WORD(seed, i);
	}
	dmademo_sink += sum;
	return !diff;
}

static void fill_byte(u8 *p, u32 size, u32 seed)
{
	u32 i;

	for (i = 0; i < size; i++) {
		u8 v = BYTE(seed, i);

		__asm__("" : "+r" (v));
		p[i] = v;
	}
}

static bool check_byte(const u8 *p, u32 size, u32 seed)
{
	u32 i, sum = 0;
	u8 diff = 0;

	for (i = 0; i < size; i++) {
		u8 v = p[i];

		__asm__("" : "+r" (v));
		sum += v;
		diff |= v ^ BYTE(seed, i);
	}
	dmademo_sink += sum;
	return !diff;
}

static void (* const fill[NR_ACCESS])(u8 *, u32, u32) = { fill_word, fill_byte };
static bool (* const check[NR_ACCESS])(const u8 *, u32, u32) = { check_word, check_byte };

/* The device's one-line status, without its newline. */
static const char *read_status(void)
{
	ssize_t n = pread(fd, status, sizeof(status) - 1, 0);

	if (n < 0 && errno == ESPIPE)
		n = read(fd, status, sizeof(status) - 1);
	status[n > 0 ? n : 0] = '\0';
	status[strcspn(status, "\n")] = '\0';
	return status;
}

/*
 * The reason for the last refused request: what follows "error=", the
 * status line's last field; NULL if there is none. The module keeps it until
 * the next refusal, so read it right after the request that failed.
 */
static const char *status_reason(char *buf, size_t len)
{
	const char *e = strstr(read_status(), "error=");

	if (!e)
		return NULL;
	snprintf(buf, len, "%s", e + strlen("error="));
	return *buf ? buf : NULL;
}

/*
 * A request of a cell failed with err: reported as an error if it is one,
 * and with a "# skipped:" line for summary.csv if skip. Reads the status,
 * so call it before any other request.
 */
static void cell_failed(const char *name, u32 size, const char *what, int err, bool error,
			bool skip)
{
	char reason[sizeof(status)], fallback[64], line[sizeof(status) + 128];
	const char *why = status_reason(reason, sizeof(reason));

	if (error) {
		if (why)
			fprintf(stderr, PROG ": %s %u B: %s: %s (%s)\n", name, size, what,
				strerror(err), why);
		else
			fprintf(stderr, PROG ": %s %u B: %s: %s\n", name, size, what,
				strerror(err));
		exit_status = 1;
	} else if (!opt.quiet) {
		fprintf(stderr, PROG ": %s %u B: skipped: %s (%s)\n", name, size,
			why ? why : what, strerror(err));
	}
	if (!skip)
		return;
	if (!why) {
		snprintf(fallback, sizeof(fallback), "%s failed", what);
		why = fallback;
	}
	snprintf(line, sizeof(line), "# skipped: %s %u: %s (%s)\n", name, size, why, errname(err));
	skips[nr_skips++] = strdup(line);
}

/* One cell: alloc, map, fault in, warmup and recorded round trips, unmap, free. */
static void run_cell(FILE *res, FILE *sum, unsigned int kind, unsigned int acc, u32 size,
		     long long *med)
{
	struct dmademo_alloc al = { .kind = kind, .size = size };
	struct dmademo_sync to_dev = { .dir = DMADEMO_SYNC_TO_DEV };
	struct dmademo_sync to_cpu = { .dir = DMADEMO_SYNC_TO_CPU };
	bool cached = kind == DMADEMO_KIND_CACHED;
	u32 i, rec = 0, segments = 0, verified, n = opt.warmup + opt.iterations;
	u64 t[6], start_ns = 0, end_ns = 0;
	const char *failed = NULL;
	struct dmademo_xfer x;
	u8 *src, *dst;
	char name[32];
	int err = 0;

	strategy_name(name, sizeof(name), kind, acc);
	if (ioctl(fd, DMADEMO_IOC_ALLOC, &al)) {
		err = errno;
		cell_failed(name, size, "alloc", err, err != ENOMEM && err != E2BIG, true);
		return;
	}
	src = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, al.src_offset);
	dst = src == MAP_FAILED ? MAP_FAILED :
	      mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, al.dst_offset);
	if (dst == MAP_FAILED) {
		cell_failed(name, size, "mmap", errno, true, true);
		if (src != MAP_FAILED)
			munmap(src, size);
		ioctl(fd, DMADEMO_IOC_FREE);
		return;
	}
	/* untouched pages would be faulted in by the first fill: not its cost */
	for (i = 0; i < size; i += page_size)
		src[i] = dst[i] = 0;

	for (i = 0; i < n; i++) {
		struct sample *s = &samples[rec];
		u32 seed = next_seed++;
		u64 xfer_ns;

		memset(&x, 0, sizeof(x));
		t[0] = now_ns();
		fill[acc](src, size, seed);
		t[1] = t[2] = now_ns();
		if (cached) {
			if (ioctl(fd, DMADEMO_IOC_SYNC, &to_dev)) {
				failed = "sync to device";
				err = errno;
				break;
			}
			t[2] = now_ns();
		}
		if (ioctl(fd, DMADEMO_IOC_XFER, &x)) {
			failed = "transfer";
			err = errno;
			break;
		}
		t[3] = t[4] = now_ns();
		if (cached) {
			if (ioctl(fd, DMADEMO_IOC_SYNC, &to_cpu)) {
				failed = "sync to CPU";
				err = errno;
				break;
			}
			t[4] = now_ns();
		}
		s->ok = check[acc](dst, size, seed);
		t[5] = now_ns();
		if (i < opt.warmup)
			continue;

		/* the kernel's phases of the request; the rest is wake-up and system call */
		xfer_ns = t[3] - t[2];
		x.prep_ns = x.prep_ns < xfer_ns ? x.prep_ns : xfer_ns;
		xfer_ns -= x.prep_ns;
		x.submit_ns = x.submit_ns < xfer_ns ? x.submit_ns : xfer_ns;
		xfer_ns -= x.submit_ns;
		x.wait_ns = x.wait_ns < xfer_ns ? x.wait_ns : xfer_ns;
		xfer_ns -= x.wait_ns;
		memset(s->ns, 0, sizeof(s->ns));	/* alloc and free: 0 */
		s->ns[DMADEMO_FILL] = sat32(t[1] - t[0]);
		s->ns[DMADEMO_TO_DEV] = sat32(t[2] - t[1]);
		s->ns[DMADEMO_PREP] = sat32(x.prep_ns);
		s->ns[DMADEMO_SUBMIT] = sat32(x.submit_ns);
		s->ns[DMADEMO_WAIT] = sat32(x.wait_ns);
		s->ns[DMADEMO_WAKE] = sat32(xfer_ns);
		s->ns[DMADEMO_TO_CPU] = sat32(t[4] - t[3]);
		s->ns[DMADEMO_READ] = sat32(t[5] - t[4]);
		s->ns[DMADEMO_TOTAL] = sat32(t[5] - t[0]);
		s->cpu = x.cpu;
		s->irq_cpu = x.irq_cpu;
		if (!rec)
			start_ns = t[0];
		end_ns = t[5];
		rec++;
		if (x.segments > segments)
			segments = x.segments;
	}
	if (failed) {
		cell_failed(name, size, failed, err, true, true);
		stop = true;
	}
	munmap(src, size);
	munmap(dst, size);
	if (ioctl(fd, DMADEMO_IOC_FREE))
		cell_failed(name, size, "free", errno, true, false);
	verified = cell_write(res, sum, name, size, samples, rec, scratch, end_ns - start_ns,
			      al.need_sync, segments, med);
	if (verified < rec) {
		fprintf(stderr, PROG ": %s %u B: %u of %u round trips did not verify\n",
			name, size, rec - verified, rec);
		exit_status = 1;
	}
	if (!opt.quiet && rec)
		fprintf(stderr, PROG ": %s %u B: %u round trips, median total %.1f us\n",
			name, size, rec, verified ? *med / 1000.0 : 0.0);
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

static void parse_kinds(const char *arg)
{
	char *list = strdup(arg), *tok, *save = NULL;
	unsigned int k, nr = 0;

	memset(opt.kind, 0, sizeof(opt.kind));
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save), nr++) {
		for (k = 0; k < DMADEMO_NR_KINDS && strcmp(tok, dmademo_kind_names[k]); k++)
			;
		if (!strcmp(tok, "all"))
			memset(opt.kind, 1, sizeof(opt.kind));
		else if (k == DMADEMO_NR_KINDS)
			usage_error("unknown kind '%s' (coherent, wc, cached or all)", tok);
		else
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
	       "back, read and check it. Writes results.csv, summary.csv and meta.\n\n"
	       "  -k, --kind LIST        coherent,wc,cached or all (default all)\n"
	       "  -z, --sizes LIST       bytes, K/M suffixes, multiples of 4 in 4..64M\n"
	       "                         (default 64,128,...,512K,1M)\n"
	       "  -n, --iterations N     recorded round trips per cell, 1..1000000 (default 100)\n"
	       "  -w, --warmup N         unrecorded ones before them, 0..1000000 (default 10)\n"
	       "      --access MODE      word, byte or both: how the CPU fills and reads (default word)\n"
	       "  -o, --output DIR       default " PROG "-HOSTNAME-YYYYmmdd-HHMMSS\n"
	       "  -d, --device PATH      default " DMADEMO_DEVICE "\n"
	       "      --cpu N|any        run on CPU N (sched_setaffinity), or where the\n"
	       "                         scheduler puts it (default any)\n"
	       "  -q, --quiet            no progress and no table\n"
	       "  -h, --help             this text\n"
	       "      --version          " PROG " and dmademo's version\n\n"
	       "Exit status: 0 success, 1 a request failed or a round trip did not verify,\n"
	       "2 bad usage, 4 no such device (dmademo.ko not loaded: kselftest's skip).\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
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
}

int main(int argc, char **argv)
{
	char dir[4096], date[32], host[256] = "unknown";
	unsigned int z, k, a;
	time_t t = time(NULL);
	u64 start = now_ns();
	FILE *res, *sum;

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
	page_size = sysconf(_SC_PAGESIZE);
	fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		fprintf(stderr, PROG ": %s: %s%s\n", opt.device, strerror(err),
			err == ENOENT ? " (is dmademo.ko loaded?)" : "");
		return err == ENOENT ? KSFT_SKIP : 1;
	}
	samples = calloc(opt.iterations, sizeof(*samples));
	scratch = calloc(opt.iterations, sizeof(*scratch));
	if (!samples || !scratch) {
		fprintf(stderr, PROG ": out of memory for %u samples\n", opt.iterations);
		return 1;
	}
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
	for (z = 0; z < opt.nr_sizes && !stop; z++)
		for (k = 0; k < DMADEMO_NR_KINDS && !stop; k++)
			for (a = 0; a < NR_ACCESS && !stop; a++) {
				if (opt.kind[k] && opt.access[a])
					run_cell(res, sum, k, a, opt.sizes[z],
						 &median[z][k * NR_ACCESS + a]);
			}
	if (stop)
		fprintf(stderr, PROG ": the sweep stopped there\n");
	for (z = 0; z < nr_skips; z++)
		fputs(skips[z], sum);
	close_out(res, opt.output, "results.csv");
	close_out(sum, opt.output, "summary.csv");
	write_meta(&opt, date, now_ns() - start, read_status());
	if (!opt.quiet) {
		print_table(&opt, median);
		fprintf(stderr, PROG ": results in %s\n", opt.output);
	}
	return exit_status;
}
