// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dmademo treated as an attack surface: every request a careless or
 * hostile program can make, each expected to succeed or to be refused with
 * one errno and a reason, and the buffers to stay alive exactly as long as
 * something maps them. Prints TAP lines ("ok - mmap: ..."); the debug
 * kernel's KASAN, kmemleak, lockdep and DMA-API debugging watch from around
 * the suite (tests/guest/debugchecks.sh).
 *
 *   mmap-hostile all        every check below
 *   mmap-hostile hold FILE [SIZE]
 *                           map SIZE B (default a page) of coherent buffers, close the
 *                           file, touch FILE, sleep
 *   mmap-hostile busy       expect a transfer to be refused: EBUSY
 *   mmap-hostile nochan     release the channel, expect ENODEV from a transfer
 *   mmap-hostile align N    the channel's copy alignment is N B: a transfer of N + 4 B is
 *                           refused (EINVAL), one of 2N B copies every byte
 *   mmap-hostile nth N KIND fault injection: open, allocate, map, a round trip and
 *                           close with this task's N-th fault site failing (fail-nth);
 *                           prints "ok", "err STEP: ERRNO" or "bad ...", and whether
 *                           the failure was injected ("injected" or "not injected")
 *
 * Built statically (tests/check): the emulated board has busybox only.
 */
#define _GNU_SOURCE	/* mremap() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOSTILE_SUITE "mmap"
#include "hostile.h"

static long page;

/* the status line's field, e.g. "maps", into out */
static const char *status(int fd, const char *key, char *out, size_t len)
{
	char line[512], *p, *e;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	size_t k = strlen(key);

	out[0] = '\0';
	if (n <= 0)
		return out;
	line[n] = '\0';
	for (p = line; (p = strstr(p, key)); p++) {
		if ((p == line || p[-1] == ' ') && p[k] == '=') {
			p += k + 1;
			e = strcmp(key, "error") ? p + strcspn(p, " \n") : p + strcspn(p, "\n");
			snprintf(out, len, "%.*s", (int)(e - p), p);
			break;
		}
	}
	return out;
}

/* a refusal: the errno, and a reason in the status line */
static void refused(int fd, int ret, int want, const char *what)
{
	char why[200];
	int err = errno;

	status(fd, "error", why, sizeof(why));
	tap(ret == -1 && err == want && why[0],
	    "%s is refused: %s (%s)", what, ret == -1 ? strerror(err) : "succeeded",
	    why[0] ? why : "no reason given");
}

static int alloc(int fd, uint32_t kind, uint64_t size, struct dmademo_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->size = size;
	return ioctl(fd, DMADEMO_IOC_ALLOC, a);
}

static void *map(int fd, size_t len, int prot, int flags, off_t off)
{
	return mmap(NULL, len, prot, flags, fd, off);
}

static int sync_dir(int fd, uint32_t dir)
{
	struct dmademo_sync s = { .dir = dir };

	return ioctl(fd, DMADEMO_IOC_SYNC, &s);
}

static int xfer(int fd)
{
	struct dmademo_xfer x = { 0 };

	return ioctl(fd, DMADEMO_IOC_XFER, &x);
}

/* one round trip through mapped buffers: 0 if every byte arrived */
static int round_trip(int fd, uint32_t kind, uint32_t *src, uint32_t *dst, size_t len,
		      uint32_t seed)
{
	size_t i, n = len / 4;

	for (i = 0; i < n; i++)
		src[i] = seed + (uint32_t)i * 0x9e3779b1u;
	if (kind == DMADEMO_KIND_CACHED && sync_dir(fd, DMADEMO_SYNC_TO_DEV))
		return -1;
	if (xfer(fd))
		return -1;
	if (kind == DMADEMO_KIND_CACHED && sync_dir(fd, DMADEMO_SYNC_TO_CPU))
		return -1;
	for (i = 0; i < n; i++)
		if (dst[i] != seed + (uint32_t)i * 0x9e3779b1u)
			return 1;
	return 0;
}

static int maps(int fd)
{
	char v[32];

	return atoi(status(fd, "maps", v, sizeof(v)));
}

/* the kinds ALLOC makes; the dma-bufs after them are imported (dmabuf-hostile.c) */
#define NR_ALLOC_KINDS	DMADEMO_KIND_UDMABUF
static const char *const kind_names[NR_ALLOC_KINDS] = { "coherent", "wc", "cached" };

static void check_requests(void)
{
	struct dmademo_alloc a;
	int fd = dev_open(), ret;
	struct stat st;
	void *p;

	tap(!fstat(fd, &st) && (st.st_mode & 0777) == 0600, "%s is mode 0600 (%o)",
	    DMADEMO_DEVICE, st.st_mode & 0777);
	p = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	refused(fd, p == MAP_FAILED ? -1 : 0, ENXIO, "mmap before any allocation");
	refused(fd, xfer(fd), ENXIO, "a transfer before any allocation");
	refused(fd, sync_dir(fd, DMADEMO_SYNC_TO_DEV), ENXIO, "a sync before any allocation");
	refused(fd, ioctl(fd, DMADEMO_IOC_FREE), ENXIO, "a free before any allocation");
	refused(fd, alloc(fd, 7, 4096, &a), EINVAL, "an unknown kind");
	refused(fd, alloc(fd, DMADEMO_KIND_UDMABUF, 4096, &a), EINVAL,
		"an allocation of a dma-buf kind (imported, never allocated)");
	refused(fd, alloc(fd, DMADEMO_KIND_COHERENT, 0, &a), EINVAL, "size 0");
	refused(fd, alloc(fd, DMADEMO_KIND_COHERENT, 4094, &a), EINVAL, "size 4094");
	refused(fd, alloc(fd, DMADEMO_KIND_COHERENT, (64 << 20) + 4, &a), EINVAL,
		"size 64 MiB + 4");
	refused(fd, alloc(fd, DMADEMO_KIND_COHERENT, 1ull << 40, &a), EINVAL, "size 1 TiB");
	memset(&a, 0, sizeof(a));
	a.size = 4096;
	a.flags = 1;
	refused(fd, ioctl(fd, DMADEMO_IOC_ALLOC, &a), EINVAL, "allocation flags");
	refused(fd, ioctl(fd, _IOWR(DMADEMO_IOC_MAGIC, 9, struct dmademo_alloc), &a), ENOTTY,
		"an unknown request");
	refused(fd, ioctl(fd, DMADEMO_IOC_ALLOC, (void *)16), EFAULT, "an unreadable argument");

	ret = alloc(fd, DMADEMO_KIND_COHERENT, 2 * page, &a);
	tap(!ret && a.src_offset == 0 && a.dst_offset == (uint64_t)(2 * page),
	    "coherent 2 pages: allocated, source at 0, destination at %llu",
	    (unsigned long long)a.dst_offset);
	p = map(fd, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	refused(fd, p == MAP_FAILED ? -1 : 0, ENXIO, "mmap larger than the buffer");
	p = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, 4 * page);
	refused(fd, p == MAP_FAILED ? -1 : 0, ENXIO, "mmap at an offset past both buffers");
	p = map(fd, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, 3 * page);
	refused(fd, p == MAP_FAILED ? -1 : 0, ENXIO, "mmap running past the destination's end");
	p = map(fd, page, PROT_READ | PROT_EXEC, MAP_SHARED, 0);
	refused(fd, p == MAP_FAILED ? -1 : 0, EPERM, "mmap with PROT_EXEC");
	p = map(fd, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	refused(fd, p == MAP_FAILED ? -1 : 0, EINVAL, "a MAP_PRIVATE mapping");
	p = map(fd, page, PROT_READ, MAP_SHARED, 0);
	tap(p != MAP_FAILED, "a read-only mapping of the source");
	if (p != MAP_FAILED) {
		refused(fd, mprotect(p, page, PROT_READ | PROT_EXEC), EACCES,
			"mprotect to PROT_EXEC");
		munmap(p, page);
	}
	tap(maps(fd) == 0, "no mapping left after munmap (maps=%d)", maps(fd));
	refused(fd, sync_dir(fd, DMADEMO_SYNC_TO_DEV), EINVAL, "a sync of coherent buffers");
	ret = alloc(fd, DMADEMO_KIND_CACHED, page, &a);
	tap(!ret, "re-allocation as cached while unmapped");
	refused(fd, sync_dir(fd, 3), EINVAL, "sync direction 3");
	tap(!sync_dir(fd, DMADEMO_SYNC_TO_DEV) && !sync_dir(fd, DMADEMO_SYNC_TO_CPU),
	    "cached buffers sync both ways");
	tap(!ioctl(fd, DMADEMO_IOC_FREE), "free while unmapped");
	memset(&a, 0, sizeof(a));
	a.size = 4096;
	a.reserved = 1;
	refused(fd, ioctl(fd, DMADEMO_IOC_ALLOC, &a), EINVAL, "an allocation with reserved != 0");
	close(fd);
}

/* a read-only open maps its buffers shared and read-only, and nothing more */
static void check_read_only(void)
{
	int fd = open(DMADEMO_DEVICE, O_RDONLY);
	struct dmademo_alloc a;
	uint32_t *p, *q;

	if (fd < 0 || alloc(fd, DMADEMO_KIND_COHERENT, page, &a)) {
		tap(0, "read-only open: open and allocation: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	p = map(fd, page, PROT_READ, MAP_SHARED, a.dst_offset);
	tap(p != MAP_FAILED && p[0] == 0 && p[page / 4 - 1] == 0,
	    "read-only open: a PROT_READ, MAP_SHARED mapping works and reads (%s)",
	    p == MAP_FAILED ? strerror(errno) : "mapped");
	if (p != MAP_FAILED) {
		tap(mprotect(p, page, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
		    "read-only open: mprotect to PROT_WRITE is refused (EACCES)");
		munmap(p, page);
	}
	q = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, a.src_offset);
	tap(q == MAP_FAILED && errno == EACCES,
	    "read-only open: a writable shared mapping is refused (EACCES)");
	if (q != MAP_FAILED)
		munmap(q, page);
	q = map(fd, page, PROT_READ, MAP_PRIVATE, a.src_offset);
	refused(fd, q == MAP_FAILED ? -1 : 0, EINVAL, "read-only open: a MAP_PRIVATE mapping");
	if (q != MAP_FAILED)
		munmap(q, page);
	close(fd);
}

/*
 * cached buffers change hands: the CPU owns them after ALLOC and after
 * SYNC_TO_CPU, the device after SYNC_TO_DEV; a request out of turn is refused
 */
static void check_ownership(void)
{
	size_t len = 2 * page;
	struct dmademo_alloc a;
	int fd = dev_open(), bad = 0, i;
	uint32_t *src, *dst;
	char v[16];

	if (alloc(fd, DMADEMO_KIND_CACHED, len, &a)) {
		tap(0, "cached: allocation: %s", strerror(errno));
		close(fd);
		return;
	}
	src = map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.src_offset);
	dst = map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.dst_offset);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		tap(0, "cached: mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	tap(!strcmp(status(fd, "owner", v, sizeof(v)), "cpu"), "cached: the CPU owns fresh buffers (owner=%s)", v);
	refused(fd, sync_dir(fd, DMADEMO_SYNC_TO_CPU), EINVAL, "cached: a sync to the CPU right after ALLOC");
	refused(fd, xfer(fd), EINVAL, "cached: a transfer right after ALLOC");
	tap(!sync_dir(fd, DMADEMO_SYNC_TO_DEV) &&
	    !strcmp(status(fd, "owner", v, sizeof(v)), "device"),
	    "cached: SYNC_TO_DEV hands them to the device (owner=%s)", v);
	tap(!xfer(fd) && !xfer(fd), "cached: the device owns them: transfers are taken, twice");
	tap(!sync_dir(fd, DMADEMO_SYNC_TO_CPU) &&
	    !strcmp(status(fd, "owner", v, sizeof(v)), "cpu"),
	    "cached: SYNC_TO_CPU takes them back (owner=%s)", v);
	refused(fd, sync_dir(fd, DMADEMO_SYNC_TO_CPU), EINVAL, "cached: a second sync to the CPU");
	refused(fd, xfer(fd), EINVAL, "cached: a transfer after SYNC_TO_CPU");
	for (i = 0; i < 10; i++)
		bad += round_trip(fd, DMADEMO_KIND_CACHED, src, dst, len, i * 31 + 7) != 0;
	tap(!bad, "cached: in the right order, 10 round trips verify every byte (%d bad)", bad);
	munmap(src, len);
	munmap(dst, len);
	tap(!ioctl(fd, DMADEMO_IOC_FREE) && !alloc(fd, DMADEMO_KIND_CACHED, len, &a) &&
	    !strcmp(status(fd, "owner", v, sizeof(v)), "cpu"),
	    "cached: a new allocation belongs to the CPU again (owner=%s)", v);
	close(fd);
}

/* each kind: a verified round trip, then everything a mapping must survive */
static void check_kind(uint32_t kind)
{
	const char *k = kind_names[kind];
	size_t len = 4 * page;
	struct dmademo_alloc a;
	uint32_t *src, *dst;
	int fd = dev_open(), i, bad = 0, ret;
	char v[32];
	pid_t pid;
	void *p;

	if (alloc(fd, kind, len, &a)) {
		tap(0, "%s: allocation: %s", k, strerror(errno));
		close(fd);
		return;
	}
	src = map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.src_offset);
	dst = map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.dst_offset);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		tap(0, "%s: mmap: %s", k, strerror(errno));
		close(fd);
		return;
	}
	tap(maps(fd) == 2, "%s: two mappings counted (maps=%d)", k, maps(fd));
	for (i = 0; i < 20; i++)
		bad += round_trip(fd, kind, src, dst, len, i * 77 + kind) != 0;
	tap(!bad, "%s: 20 round trips, every byte verified (%d bad)", k, bad);

	refused(fd, alloc(fd, kind, len, &a), EBUSY, "re-allocation while mapped");
	refused(fd, ioctl(fd, DMADEMO_IOC_FREE), EBUSY, "free while mapped");
	tap(!strcmp(status(fd, "kind", v, sizeof(v)), k) && maps(fd) == 2,
	    "%s: a refused request changed nothing (kind=%s maps=%d)", k, v, maps(fd));

	/* mremap: a mapping cannot grow past its buffer; a move keeps it counted */
	p = mremap(src, len, 2 * len, MREMAP_MAYMOVE);
	tap(p == MAP_FAILED, "%s: mremap cannot grow a mapping past its buffer (%s)", k,
	    p == MAP_FAILED ? strerror(errno) : "it grew");
	p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);	/* a free place */
	if (p != MAP_FAILED)
		p = mremap(src, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	if (p != MAP_FAILED)
		src = p;
	tap(p != MAP_FAILED && maps(fd) == 2 && !round_trip(fd, kind, src, dst, len, 99),
	    "%s: mremap moves a mapping, still counted and working (maps=%d)", k, maps(fd));

	/* munmap half of the destination: a split VMA, one half left */
	ret = munmap((char *)dst + len / 2, len / 2);
	tap(!ret && maps(fd) == 2, "%s: half of a mapping unmapped, the rest kept (maps=%d)",
	    k, maps(fd));
	refused(fd, ioctl(fd, DMADEMO_IOC_FREE), EBUSY, "free while half mapped");

	/* fork: the child shares the mapping, writes through it, exits */
	pid = fork();
	if (pid == 0) {
		src[0] = 0xfeedf00d;
		_exit(maps(fd) == 4 ? 0 : 3);
	}
	tap(pid > 0 && waitpid(pid, &ret, 0) == pid && WIFEXITED(ret) && !WEXITSTATUS(ret) &&
	    src[0] == 0xfeedf00d && maps(fd) == 2,
	    "%s: fork() shares the mappings and its exit drops its copies (maps=%d)", k, maps(fd));
	bad = 0;
	for (i = 0; i < 5; i++)
		bad += round_trip(fd, kind, src, dst, len / 2, i + 1000) != 0;
	tap(!bad, "%s: round trips still verify after fork and a partial munmap", k);

	/* close the file while mapped: the buffers live on */
	close(fd);
	src[1] = 0x5a5a5a5a;
	tap(src[1] == 0x5a5a5a5a && dst[0] == 1000 + 4,
	    "%s: the mappings stay usable after close()", k);
	munmap(src, len);
	munmap(dst, len / 2);
}

/* two processes at once, each with its own file and kind */
static void check_concurrent(void)
{
	pid_t pid[2];
	int i, st, ok = 1;

	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			uint32_t kind = i ? DMADEMO_KIND_CACHED : DMADEMO_KIND_COHERENT;
			struct dmademo_alloc a;
			int fd = dev_open(), n, bad = 0;
			size_t len = 16 * page;
			uint32_t *s, *d;

			if (alloc(fd, kind, len, &a))
				_exit(2);
			s = map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.src_offset);
			d = map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.dst_offset);
			if (s == MAP_FAILED || d == MAP_FAILED)
				_exit(3);
			for (n = 0; n < 200; n++)
				bad += round_trip(fd, kind, s, d, len, n * 3 + i) != 0;
			_exit(bad ? 1 : 0);
		}
	}
	for (i = 0; i < 2; i++)
		ok &= pid[i] > 0 && waitpid(pid[i], &st, 0) == pid[i] && WIFEXITED(st) &&
		      !WEXITSTATUS(st);
	tap(ok, "two processes, 200 round trips each at once, every byte verified");
}

/* maps size B of buffers, closes the file, says so in `ready`, sleeps until killed */
static int hold(const char *ready, uint64_t size)
{
	struct dmademo_alloc a;
	int fd = dev_open();
	void *p;

	if (alloc(fd, DMADEMO_KIND_COHERENT, size, &a))
		return 1;
	p = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (p == MAP_FAILED)
		return 1;
	close(fd);
	close(open(ready, O_CREAT | O_WRONLY, 0600));
	for (;;)
		pause();
}

/* a transfer expected to be refused with want; nochan: after "none" */
static int refused_xfer(int want, const char *what, int nochan)
{
	struct dmademo_alloc a;
	int fd = dev_open(), ch;

	if (alloc(fd, DMADEMO_KIND_COHERENT, page, &a)) {
		tap(0, "%s: allocation: %s", what, strerror(errno));
		return 1;
	}
	if (nochan) {
		ch = open("/sys/kernel/debug/dmademo/channel", O_WRONLY);
		if (ch < 0 || write(ch, "none\n", 5) != 5)
			tap(0, "%s: channel none: %s", what, strerror(errno));
		close(ch);
	}
	refused(fd, xfer(fd), want, what);
	close(fd);
	return failed != 0;
}

/*
 * the channel's copy alignment, align bytes (8: tests/fakedma): a transfer of a
 * multiple of 4 that is not one of align is refused, one of align is copied
 */
static int check_align(unsigned int align)
{
	size_t bad_len = align + 4, len = 2 * align;
	struct dmademo_alloc a;
	int fd = dev_open();
	uint32_t *src, *dst;
	char why[200];

	if (alloc(fd, DMADEMO_KIND_COHERENT, bad_len, &a)) {
		tap(0, "align: allocation of %zu B: %s", bad_len, strerror(errno));
		return 1;
	}
	refused(fd, xfer(fd), EINVAL, "align: a transfer of a multiple of 4 B, not of the copy alignment");
	tap(strstr(status(fd, "error", why, sizeof(why)), "copy alignment") != NULL,
	    "align: ... read() says it is the channel's copy alignment (%s)", why);
	if (alloc(fd, DMADEMO_KIND_COHERENT, len, &a)) {
		tap(0, "align: allocation of %zu B: %s", len, strerror(errno));
		return 1;
	}
	src = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, a.src_offset);
	dst = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, a.dst_offset);
	tap(src != MAP_FAILED && dst != MAP_FAILED &&
	    !round_trip(fd, DMADEMO_KIND_COHERENT, src, dst, len, 5),
	    "align: a transfer of %zu B, a multiple of it, copies every byte", len);
	close(fd);
	return failed != 0;
}

/* one line on stdout without stdio: after fail-nth is set, malloc() may fail */
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, line, n < (int)sizeof(line) ? n : (int)sizeof(line) - 1) < 0)
		exit(2);
}

static int nth(unsigned int n, uint32_t kind)
{
	const char *step = "open";
	struct dmademo_alloc a;
	uint32_t *src = MAP_FAILED, *dst = MAP_FAILED;
	char v[16], left[16] = "";
	int f, fd, ret = -1, err = 0, len;

	f = open("/proc/thread-self/fail-nth", O_RDWR);
	len = snprintf(v, sizeof(v), "%u", n);
	if (f < 0 || write(f, v, len) != len) {
		say("bad fail-nth: %s\n", strerror(errno));
		return 2;
	}
	fd = open(DMADEMO_DEVICE, O_RDWR);
	if (fd >= 0) {
		step = "alloc";
		ret = alloc(fd, kind, page, &a);
		if (!ret) {
			step = "mmap";
			src = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, a.src_offset);
			dst = map(fd, page, PROT_READ | PROT_WRITE, MAP_SHARED, a.dst_offset);
			ret = src == MAP_FAILED || dst == MAP_FAILED ? -1 : 0;
		}
		if (!ret) {
			step = "round trip";
			ret = round_trip(fd, kind, src, dst, page, n);
		}
		err = errno;
		if (src != MAP_FAILED)
			munmap(src, page);
		if (dst != MAP_FAILED)
			munmap(dst, page);
		close(fd);
	} else {
		err = errno;
	}
	/* what is left: 0 if the failure was injected on the way */
	if (pread(f, left, sizeof(left) - 1, 0) < 0)
		strcpy(left, "0");
	if (write(f, "0", 1) != 1)
		return 2;
	if (fd >= 0 && !ret)
		say("ok, ");
	else if (ret > 0)
		say("bad %s: a byte did not arrive, ", step);
	else
		say("err %s: %s, ", step, strerror(err));
	say("%s\n", atoi(left) ? "not injected" : "injected");
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t k;

	page = sysconf(_SC_PAGESIZE);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "hold"))
		return hold(argv[2], argc == 4 ? strtoull(argv[3], NULL, 0) : (uint64_t)page);
	if (argc == 2 && !strcmp(argv[1], "busy"))
		return refused_xfer(EBUSY, "a transfer during a run", 0);
	if (argc == 3 && !strcmp(argv[1], "align"))
		return check_align(strtoul(argv[2], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "nochan"))
		return refused_xfer(ENODEV, "a transfer after the channel was released", 1);
	if (argc == 4 && !strcmp(argv[1], "nth")) {
		for (k = 0; k < NR_ALLOC_KINDS; k++)
			if (!strcmp(argv[3], kind_names[k]))
				return nth(strtoul(argv[2], NULL, 10), k);
	}
	if (argc != 2 || strcmp(argv[1], "all")) {
		fprintf(stderr, "usage: mmap-hostile all | hold FILE [SIZE] | busy | nochan | align N | nth N KIND\n");
		return 2;
	}
	check_requests();
	check_read_only();
	check_ownership();
	for (k = 0; k < NR_ALLOC_KINDS; k++)
		check_kind(k);
	check_concurrent();
	return failed != 0;
}
