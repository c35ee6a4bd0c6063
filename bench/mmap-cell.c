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

/* how a failed request of a cell counts */
#define FAIL_ERROR	1	/* an error: exit status 1 */
#define FAIL_SKIP	2	/* a "# skipped:" line for summary.csv */
#define FAIL_DEVICE	4	/* /dev/dmademo refused it: its status says why */

/*
 * A request of a cell failed with err. With FAIL_DEVICE it reads the
 * device's status, so call it before any other request.
 */
static void cell_failed(const char *name, u32 size, const char *what, int err, unsigned int how)
{
	char reason[sizeof(status)], fallback[128], line[sizeof(status) + 160];
	const char *why = how & FAIL_DEVICE ? status_reason(reason, sizeof(reason)) : NULL;

	if (how & FAIL_ERROR) {
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
	if (!(how & FAIL_SKIP))
		return;
	if (!why) {
		snprintf(fallback, sizeof(fallback), "%s failed", what);
		why = fallback;
	}
	snprintf(line, sizeof(line), "# skipped: %s %u: %s (%s)\n", name, size, why, errname(err));
	skips[nr_skips++] = strdup(line);
}

/* A cell of a kind this kernel does not have: its "# skipped:" line. */
void cell_absent(unsigned int kind, unsigned int acc, u32 size)
{
	char name[32], line[sizeof(o->absent_why[0]) + 64];

	snprintf(line, sizeof(line), "# skipped: %s %u: %s (%s)\n",
		 strategy_name(name, sizeof(name), kind, acc), size, o->absent_why[kind],
		 errname(o->absent_err[kind]));
	skips[nr_skips++] = strdup(line);
}

/* a cell: its buffers and how they change hands */
struct cell {
	unsigned int kind, acc;
	u32 size, touch;		/* bytes copied, and those the CPU writes and reads */
	struct bufs b;
	struct dmademo_sync to_dev, to_cpu;
	const char *failed;		/* the request that failed, its errno, */
	int err;
	bool refused;			/* and whether it was /dev/dmademo's */
};

/* /dev/dmademo's buffers: allocated, mapped; 0 or an errno, *what the step that failed */
static int dmademo_get(struct cell *c, const char **what)
{
	struct dmademo_alloc al = { .kind = c->kind, .size = c->size };
	struct bufs *b = &c->b;

	memset(b, 0, sizeof(*b));
	b->src = b->dst = MAP_FAILED;
	b->src_fd = b->dst_fd = b->src_memfd = b->dst_memfd = -1;
	b->len = c->size;
	*what = "alloc";
	if (ioctl(fd, DMADEMO_IOC_ALLOC, &al))
		return errno;
	b->held = true;
	b->need_sync = al.need_sync;
	*what = "mmap";
	b->src = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, al.src_offset);
	if (b->src == MAP_FAILED)
		return errno;
	b->dst = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, al.dst_offset);
	return b->dst == MAP_FAILED ? errno : 0;
}

static void dmademo_put(struct bufs *b)
{
	if (b->src != MAP_FAILED)
		munmap(b->src, b->len);
	if (b->dst != MAP_FAILED)
		munmap(b->dst, b->len);
}

/* does the kind hand its buffers over there? */
static bool hands_over(const struct cell *c, enum hand_over at)
{
	return KIND_IS_DMABUF(c->kind) ||
	       (c->kind == DMADEMO_KIND_CACHED && (at == AFTER_FILL || at == AFTER_XFER));
}

/*
 * The hand-over at `at`, if the kind has one, and *t the time after it;
 * else *t = prev, and the phase it belongs to stays 0. False if it failed.
 */
static bool hand_over(struct cell *c, enum hand_over at, u64 *t, u64 prev)
{
	struct dmademo_sync *sy = at == AFTER_FILL ? &c->to_dev : &c->to_cpu;

	*t = prev;
	if (!hands_over(c, at))
		return true;
	if (KIND_IS_DMABUF(c->kind)) {
		c->err = dmabuf_hand_over(&c->b, at, &c->failed);
	} else if (ioctl(fd, DMADEMO_IOC_SYNC, sy)) {
		c->err = errno;
		c->failed = at == AFTER_FILL ? "sync to device" : "sync to CPU";
		c->refused = true;
	}
	if (c->failed)
		return false;
	*t = now_ns();
	return true;
}

/*
 * Untouched pages would be faulted in by the first fill: not its cost. The
 * dma-bufs in their brackets: the source written, the destination read.
 */
static bool fault_in(struct cell *c)
{
	u8 *src = c->b.src, *dst = c->b.dst;
	u64 t;
	u32 i;

	if (!KIND_IS_DMABUF(c->kind)) {
		for (i = 0; i < c->size; i += page_size)
			src[i] = dst[i] = 0;
		return true;
	}
	if (!hand_over(c, BEFORE_FILL, &t, 0))
		return false;
	for (i = 0; i < c->size; i += page_size)
		src[i] = 0;
	if (!hand_over(c, AFTER_FILL, &t, 0) || !hand_over(c, AFTER_XFER, &t, 0))
		return false;
	for (i = 0; i < c->size; i += page_size)
		dmademo_sink += *(volatile u8 *)&dst[i];
	return hand_over(c, AFTER_READ, &t, 0);
}

/*
 * A round trip's phases from its timestamps: t[0] start, t[1] after the
 * hand-over before the fill, t[2] the fill, t[3] its hand-over, t[4] XFER,
 * t[5] its hand-over, t[6] the read, t[7] its hand-over. The kernel's
 * phases of XFER are taken out of its time in turn, each at most what is
 * left; the rest is wake-up and system call.
 */
static void sample_set(struct sample *s, const u64 *t, struct dmademo_xfer *x)
{
	__u64 *const kernel[] = { &x->map_ns, &x->unmap_ns, &x->prep_ns, &x->submit_ns, &x->wait_ns };
	u64 rest = t[4] - t[3];
	unsigned int i;

	for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
		*kernel[i] = *kernel[i] < rest ? *kernel[i] : rest;
		rest -= *kernel[i];
	}
	memset(s->ns, 0, sizeof(s->ns));	/* alloc and free: 0 */
	s->ns[DMADEMO_TO_CPU] = sat32(t[1] - t[0] + t[5] - t[4]);
	s->ns[DMADEMO_FILL] = sat32(t[2] - t[1]);
	s->ns[DMADEMO_TO_DEV] = sat32(t[3] - t[2] + t[7] - t[6]);
	s->ns[DMADEMO_MAP] = sat32(x->map_ns);
	s->ns[DMADEMO_UNMAP] = sat32(x->unmap_ns);
	s->ns[DMADEMO_PREP] = sat32(x->prep_ns);
	s->ns[DMADEMO_SUBMIT] = sat32(x->submit_ns);
	s->ns[DMADEMO_WAIT] = sat32(x->wait_ns);
	s->ns[DMADEMO_WAKE] = sat32(rest);
	s->ns[DMADEMO_READ] = sat32(t[6] - t[5]);
	s->ns[DMADEMO_TOTAL] = sat32(t[7] - t[0]);
	s->cpu = x->cpu;
	s->irq_cpu = x->irq_cpu;
}

/* The warmup and recorded round trips; how many were recorded. */
static u32 round_trips(struct cell *c, u64 *wall_ns, u32 *segments)
{
	u32 i, rec = 0, n = o->warmup + o->iterations;
	u8 *src = c->b.src, *dst = c->b.dst;
	u64 t[8], start_ns = 0;
	struct dmademo_xfer x;

	for (i = 0; i < n; i++) {
		struct sample *s = &samples[rec];
		u32 seed = next_seed++;
		bool ok;

		memset(&x, 0, sizeof(x));
		t[0] = now_ns();
		if (!hand_over(c, BEFORE_FILL, &t[1], t[0]))
			break;
		fill[c->acc](src, c->touch, seed);
		t[2] = now_ns();
		if (!hand_over(c, AFTER_FILL, &t[3], t[2]))
			break;
		if (ioctl(fd, DMADEMO_IOC_XFER, &x)) {
			c->failed = "transfer";
			c->err = errno;
			c->refused = true;
			break;
		}
		t[4] = now_ns();
		if (!hand_over(c, AFTER_XFER, &t[5], t[4]))
			break;
		ok = check[c->acc](dst, c->touch, seed);
		t[6] = now_ns();
		if (!hand_over(c, AFTER_READ, &t[7], t[6]))
			break;
		if (i < o->warmup)
			continue;
		sample_set(s, t, &x);
		s->ok = ok;
		if (!rec)
			start_ns = t[0];
		*wall_ns = t[7] - start_ns;
		rec++;
		if (x.segments > *segments)
			*segments = x.segments;
	}
	return rec;
}

/*
 * One cell: its buffers allocated (or imported) and mapped, faulted in, the
 * warmup and recorded round trips, then unmapped and freed.
 */
void run_cell(FILE *res, FILE *sum, unsigned int kind, unsigned int acc, u32 size,
	      long long *med)
{
	struct cell c = { .kind = kind, .acc = acc, .size = size };
	u32 rec = 0, segments = 0, verified;
	u64 sync_len = o->sync_bytes < size ? o->sync_bytes : size;
	const char *what;
	u64 wall_ns = 0;
	char name[32];
	int err;

	strategy_name(name, sizeof(name), kind, acc);
	c.touch = o->touch_bytes && o->touch_bytes < size ? o->touch_bytes : size;
	c.to_dev = (struct dmademo_sync){ .dir = DMADEMO_SYNC_TO_DEV, .length = sync_len };
	c.to_cpu = (struct dmademo_sync){ .dir = DMADEMO_SYNC_TO_CPU, .length = sync_len };
	if (KIND_IS_DMABUF(kind))
		err = dmabuf_get(fd, kind, size, &c.b, &what);
	else
		err = dmademo_get(&c, &what);
	if (err) {
		/* short of memory, a cell is skipped; a mapping that fails is an error */
		bool dev = !KIND_IS_DMABUF(kind) || !strcmp(what, "import");
		bool skip = (err == ENOMEM || err == E2BIG) && !strstr(what, "mmap");

		cell_failed(name, size, what, err,
			    FAIL_SKIP | (dev ? FAIL_DEVICE : 0) | (skip ? 0 : FAIL_ERROR));
	} else if (fault_in(&c)) {
		rec = round_trips(&c, &wall_ns, &segments);
	}
	if (c.failed) {
		cell_failed(name, size, c.failed, c.err,
			    FAIL_ERROR | FAIL_SKIP | (c.refused ? FAIL_DEVICE : 0));
		stop = true;
	}
	/* FREE refuses buffers of its own that are still mapped; dma-bufs: FREE, then close */
	if (!KIND_IS_DMABUF(kind))
		dmademo_put(&c.b);
	if (c.b.held && ioctl(fd, DMADEMO_IOC_FREE))
		cell_failed(name, size, "free", errno, FAIL_ERROR | FAIL_DEVICE);
	if (KIND_IS_DMABUF(kind))
		dmabuf_put(&c.b);
	if (err)
		return;
	verified = cell_write(res, sum, name, size, samples, rec, scratch, wall_ns,
			      c.b.need_sync, segments ? segments : c.b.segments, med);
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
