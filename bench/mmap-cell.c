// SPDX-License-Identifier: GPL-2.0
/*
 * dmademo-mmap's cells: a kind's two buffers, allocated and mapped, and the
 * application's round trips through them, timed phase by phase.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* mmap offsets on 32-bit user space */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmademo-mmap.h"

static const struct options *o;
static int fd = -1;			/* /dev/dmademo */
static int exit_status;
static bool stop;			/* a transfer or sync failed: as the module's run, stop */
static long page_size;
static u32 next_seed = 1;
static struct sample *samples;		/* the recorded round trips of one cell */
static u32 *scratch;
static char *skips[NR_STRATEGIES * MAX_SIZES];
static unsigned int nr_skips;
static char status[512];
volatile u32 dmademo_sink;		/* what was read: the reads cannot be dropped */

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
const char *read_status(void)
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
	} else if (!o->quiet) {
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
void run_cell(FILE *res, FILE *sum, unsigned int kind, unsigned int acc, u32 size,
		     long long *med)
{
	struct dmademo_alloc al = { .kind = kind, .size = size };
	struct dmademo_sync to_dev = { .dir = DMADEMO_SYNC_TO_DEV };
	struct dmademo_sync to_cpu = { .dir = DMADEMO_SYNC_TO_CPU };
	bool cached = kind == DMADEMO_KIND_CACHED;
	u32 i, rec = 0, segments = 0, verified, n = o->warmup + o->iterations;
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
		if (i < o->warmup)
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
	if (!o->quiet && rec)
		fprintf(stderr, PROG ": %s %u B: %u round trips, median total %.1f us\n",
			name, size, rec, verified ? *med / 1000.0 : 0.0);
}

/* The run's options and device; false if there is no memory for its samples. */
bool cells_init(const struct options *opt, int dev)
{
	o = opt;
	fd = dev;
	page_size = sysconf(_SC_PAGESIZE);
	samples = calloc(o->iterations, sizeof(*samples));
	scratch = calloc(o->iterations, sizeof(*scratch));
	return samples && scratch;
}

bool cells_stopped(void)
{
	return stop;
}

int cells_exit_status(void)
{
	return exit_status;
}

/* the "# skipped:" lines of the cells that did not run, for summary.csv */
void cells_write_skips(FILE *sum)
{
	unsigned int i;

	for (i = 0; i < nr_skips; i++)
		fputs(skips[i], sum);
}
