// SPDX-License-Identifier: GPL-2.0
/*
 * DMADEMO_IOC_IMPORT and the synced ranges treated as an attack surface:
 * every bad import and range a careless or hostile program can hand
 * /dev/dmademo, each refused with one errno and a reason in read(), and the
 * imported dma-bufs held exactly as long as the file holds them. Prints TAP
 * lines ("ok - dmabuf: ..."); on the debug kernel KASAN, kmemleak, lockdep
 * and DMA-API debugging watch from around the suite (debugchecks.sh).
 *
 *   dmabuf-hostile all        every check below
 *   dmabuf-hostile busy       expect an import to be refused: EBUSY (a run is going)
 *   dmabuf-hostile hold FILE  import two dma-bufs, close their fds and unmap them,
 *                             touch FILE, sleep: the file holds them
 *
 * The imports are checked with dma-bufs of each exporter the kernel has:
 * /dev/udmabuf, the system heap, the CMA heap (the /dev/dma_heap entry not
 * named system*); busy and hold take the first. Without any, the import
 * checks are skipped. Built statically (tests/check).
 */
#define _GNU_SOURCE	/* memfd_create() */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#define HOSTILE_SUITE "dmabuf"
#include "hostile.h"

static long page;
static const char *exporter;	/* the kind's name: udmabuf, heap-system or heap-cma */
static char heap[300];		/* the heaps' device */

/* the reason of the last refusal: what follows "error=" in the status line */
static const char *reason(int fd, char *out, size_t len)
{
	char line[512], *e;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);

	out[0] = '\0';
	if (n <= 0)
		return out;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	e = strstr(line, "error=");
	if (e)
		snprintf(out, len, "%s", e + 6);
	return out;
}

/* the kind field of the status line: "none" when the file holds nothing */
static const char *kind_of(int fd, char *out, size_t len)
{
	char line[512], *k;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);

	snprintf(out, len, "?");
	if (n <= 0)
		return out;
	line[n] = '\0';
	k = strstr(line, "kind=");
	if (k)
		snprintf(out, len, "%.*s", (int)strcspn(k + 5, " \n"), k + 5);
	return out;
}

/* ret from a request expected to fail with want, its reason containing why */
static void refused(int fd, int ret, int want, const char *why, const char *what)
{
	int err = ret ? errno : 0;
	char r[256];

	reason(fd, r, sizeof(r));
	tap(ret && err == want && strstr(r, why), "%s: %s (%s)", what,
	    err ? strerror(err) : "accepted", r);
}

static int cpu_sync(int buf, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(buf, DMA_BUF_IOCTL_SYNC, &s);
}

/*
 * A dma-buf of size B (a page multiple) from the exporter found, or -1.
 * udmabuf maps its pages for the CPU's syncs at the first one, in that
 * one's direction (begin_cpu_udmabuf(), 6.1 and 7.2), and DMA-API debug
 * reports later syncs in another: the first is both ways, as an
 * application that both writes and reads a buffer must make it.
 */
static int dmabuf_new(size_t size)
{
	struct dma_heap_allocation_data h = { .len = size, .fd_flags = O_RDWR | O_CLOEXEC };
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
	int dev, memfd, fd = -1;

	if (!strcmp(exporter, "udmabuf")) {
		memfd = memfd_create("dmabuf-hostile", MFD_ALLOW_SEALING | MFD_CLOEXEC);
		if (memfd < 0)
			return -1;
		if (!ftruncate(memfd, size) && !fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
			dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
			c.memfd = memfd;
			if (dev >= 0)
				fd = ioctl(dev, UDMABUF_CREATE, &c);
			close(dev);
		}
		close(memfd);
		if (fd >= 0 && (cpu_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) ||
				cpu_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW))) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	dev = open(heap, O_RDONLY | O_CLOEXEC);
	if (dev >= 0 && !ioctl(dev, DMA_HEAP_IOCTL_ALLOC, &h))
		fd = h.fd;
	close(dev);
	return fd;
}

static uint32_t kind(void)
{
	if (!strcmp(exporter, "udmabuf"))
		return DMADEMO_KIND_UDMABUF;
	return !strcmp(exporter, "heap-system") ? DMADEMO_KIND_HEAP_SYSTEM : DMADEMO_KIND_HEAP_CMA;
}

/* whether the kernel has the exporter of kind k; sets exporter and heap */
static int have(const char *k)
{
	struct dirent *e;
	DIR *d;

	exporter = k;
	if (!strcmp(k, "udmabuf"))
		return !access("/dev/udmabuf", R_OK | W_OK);
	if (!strcmp(k, "heap-system")) {
		snprintf(heap, sizeof(heap), "/dev/dma_heap/system");
		return !access(heap, R_OK);
	}
	d = opendir("/dev/dma_heap");
	heap[0] = '\0';
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && strncmp(e->d_name, "system", 6))
			snprintf(heap, sizeof(heap), "/dev/dma_heap/%s", e->d_name);
	if (d)
		closedir(d);
	return heap[0] != '\0';
}

static int import(int fd, int src, int dst, uint64_t size, struct dmademo_import *im)
{
	memset(im, 0, sizeof(*im));
	im->kind = kind();
	im->src_fd = src;
	im->dst_fd = dst;
	im->size = size;
	return ioctl(fd, DMADEMO_IOC_IMPORT, im);
}

/* the import's round trip: fill len B, copy, read back; dst's byte at len untouched */
static int round_trip(int fd, int src, int dst, size_t len, size_t mapped, uint8_t seed)
{
	uint8_t *s = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, src, 0);
	uint8_t *d = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, dst, 0);
	struct dmademo_xfer x = { 0 };
	size_t i, bad = 0;
	int ret = -1;

	if (s == MAP_FAILED || d == MAP_FAILED)
		goto out;
	if (cpu_sync(dst, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE))
		goto out;
	memset(d, 0x5a, mapped);
	if (cpu_sync(dst, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) ||
	    cpu_sync(src, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE))
		goto out;
	for (i = 0; i < mapped; i++)
		s[i] = seed + i * 7;
	if (cpu_sync(src, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) ||
	    ioctl(fd, DMADEMO_IOC_XFER, &x) || !x.map_ns || !x.unmap_ns)
		goto out;
	if (cpu_sync(dst, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ))
		goto out;
	for (i = 0; i < len; i++)
		bad += d[i] != (uint8_t)(seed + i * 7);
	for (; i < mapped; i++)
		bad += d[i] != 0x5a;
	if (!cpu_sync(dst, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) && !bad)
		ret = 0;
out:
	if (s != MAP_FAILED)
		munmap(s, mapped);
	if (d != MAP_FAILED)
		munmap(d, mapped);
	return ret;
}

static void check_imports(void)
{
	int fd = dev_open(), src = dmabuf_new(2 * page), dst = dmabuf_new(2 * page);
	int small = dmabuf_new(page), memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	int closed = dup(src), dupsrc = dup(src);
	struct dmademo_import im;
	struct dmademo_alloc al = { .kind = DMADEMO_KIND_CACHED, .size = 64 };
	struct dmademo_sync sy = { .dir = DMADEMO_SYNC_TO_DEV };
	struct dmademo_xfer x = { 0 };
	char r[256];
	int ret;

	if (src < 0 || dst < 0 || small < 0 || memfd < 0) {
		tap(0, "%s makes dma-bufs: %s", exporter, strerror(errno));
		return;
	}
	close(closed);
	memset(&im, 0, sizeof(im));
	im.kind = DMADEMO_KIND_CACHED;
	im.src_fd = src;
	im.dst_fd = dst;
	im.size = page;
	refused(fd, ioctl(fd, DMADEMO_IOC_IMPORT, &im), EINVAL, "not a dma-buf's",
		"an import of kind cached is refused");
	im.kind = kind();
	im.flags = 1;
	refused(fd, ioctl(fd, DMADEMO_IOC_IMPORT, &im), EINVAL, "flags", "flags 1 are refused");
	refused(fd, import(fd, src, dst, 0, &im), EINVAL, "multiple of 4", "0 B is refused");
	refused(fd, import(fd, src, dst, 6, &im), EINVAL, "multiple of 4", "6 B is refused");
	refused(fd, import(fd, src, dst, 1ULL << 40, &im), EINVAL, "at most", "1 TiB is refused");
	refused(fd, import(fd, memfd, dst, page, &im), EINVAL, "source fd",
		"a memfd is not a dma-buf: refused");
	refused(fd, import(fd, src, memfd, page, &im), EINVAL, "destination fd",
		"nor as the destination");
	refused(fd, import(fd, closed, dst, page, &im), EBADF, "not a dma-buf",
		"a closed fd is refused (EBADF)");
	refused(fd, import(fd, src, -1, page, &im), EBADF, "not a dma-buf", "fd -1 is refused");
	refused(fd, import(fd, src, small, 2 * page, &im), EINVAL, "fewer than",
		"a dma-buf smaller than the request is refused");
	refused(fd, import(fd, src, src, page, &im), EINVAL, "same dma-buf",
		"the same dma-buf as source and destination is refused");
	refused(fd, import(fd, src, dupsrc, page, &im), EINVAL, "same dma-buf",
		"and through a dup() of its fd");
	tap(!strcmp(kind_of(fd, r, sizeof(r)), "none") && ioctl(fd, DMADEMO_IOC_XFER, &x) &&
	    errno == ENXIO, "after the refusals the file holds nothing: a transfer is refused");

	/* a request that is not page-aligned, within page-aligned dma-bufs */
	ret = import(fd, src, dst, page + 4, &im);
	tap(!ret && im.ns && im.segments >= 1, "%s: %ld B of 2-page dma-bufs imported (%u segments)",
	    exporter, page + 4, im.segments);
	refused(fd, import(fd, src, dst, page, &im), EBUSY, "FREE first",
		"a second import on the same file is refused");
	refused(fd, ioctl(fd, DMADEMO_IOC_ALLOC, &al), EBUSY, "imported",
		"an allocation while it holds imports is refused");
	refused(fd, ioctl(fd, DMADEMO_IOC_SYNC, &sy), EINVAL, "DMA_BUF_IOCTL_SYNC",
		"DMADEMO_IOC_SYNC on imports is refused");
	tap(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EINVAL,
	    "mapping /dev/dmademo's imports is refused (EINVAL): map their fds");
	tap(!round_trip(fd, src, dst, page + 4, 2 * page, 1),
	    "a round trip copies %ld B, every byte, and nothing after them", page + 4);
	tap(!strcmp(kind_of(fd, r, sizeof(r)), exporter), "read() names the kind: %s", r);

	/* the file holds them: the application's fds and mappings may go */
	close(src);
	close(dst);
	close(dupsrc);
	memset(&x, 0, sizeof(x));
	tap(!ioctl(fd, DMADEMO_IOC_XFER, &x) && x.map_ns && x.unmap_ns,
	    "with their fds closed the dma-bufs stay, held by the file: a transfer maps and copies");
	tap(!ioctl(fd, DMADEMO_IOC_FREE), "FREE releases them");
	refused(fd, ioctl(fd, DMADEMO_IOC_XFER, &x), ENXIO, "no buffers",
		"a transfer after FREE is refused");
	refused(fd, ioctl(fd, DMADEMO_IOC_FREE), ENXIO, "no buffers", "a second FREE is refused");

	src = dmabuf_new(page);
	dst = dmabuf_new(page);
	tap(!import(fd, src, dst, page, &im) && !round_trip(fd, src, dst, page, page, 9),
	    "the file imports again after FREE, and copies");
	close(src);
	close(dst);
	close(small);
	close(memfd);
	close(fd);		/* with the imports: released at close */
}

/* the new fields of SYNC: offset and length, on cached buffers */
static void check_ranges(void)
{
	int fd = dev_open();
	struct dmademo_alloc al = { .kind = DMADEMO_KIND_CACHED, .size = 4096 };
	struct dmademo_sync sy;
	struct dmademo_xfer x = { 0 };
	/* the requests as tools built before their last fields were appended sent them */
	unsigned long sync_v1 = _IOC(_IOC_READ | _IOC_WRITE, DMADEMO_IOC_MAGIC, 2, 16);
	unsigned long xfer_v1 = _IOC(_IOC_READ | _IOC_WRITE, DMADEMO_IOC_MAGIC, 3, 56);
	uint32_t *src, *dst;
	unsigned int i, bad = 0;

	if (ioctl(fd, DMADEMO_IOC_ALLOC, &al)) {
		tap(0, "cached buffers for the range checks: %s", strerror(errno));
		return;
	}
	src = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, al.src_offset);
	dst = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, al.dst_offset);
#define SYNC(d, o, l) (sy = (struct dmademo_sync){ .dir = (d), .offset = (o), .length = (l) }, \
		       ioctl(fd, DMADEMO_IOC_SYNC, &sy))
	refused(fd, SYNC(DMADEMO_SYNC_TO_DEV, 4000, 100), EINVAL, "past the",
		"a range past the end is refused");
	refused(fd, SYNC(DMADEMO_SYNC_TO_DEV, 4097, 0), EINVAL, "length 0",
		"an offset with length 0 (all) is refused");
	refused(fd, SYNC(DMADEMO_SYNC_TO_DEV, 8, UINT64_MAX), EINVAL, "past the",
		"a length that wraps round is refused");
	refused(fd, SYNC(DMADEMO_SYNC_TO_DEV, UINT64_MAX, 8), EINVAL, "past the",
		"an offset past 2^64 - 8 is refused");
	refused(fd, SYNC(3, 0, 64), EINVAL, "direction", "direction 3 is refused");
	refused(fd, SYNC(0, 0, 64), EINVAL, "direction", "direction 0 is refused");
	refused(fd, SYNC(DMADEMO_SYNC_TO_CPU, 0, 64), EINVAL, "owns the buffers already",
		"a partial sync to the CPU it owns is refused");
	for (i = 0; i < 64; i++)
		src[i] = 0xd00d0000 + i;
	tap(!SYNC(DMADEMO_SYNC_TO_DEV, 0, 256) && !ioctl(fd, DMADEMO_IOC_XFER, &x) &&
	    !SYNC(DMADEMO_SYNC_TO_CPU, 0, 256), "256 of 4096 B synced each way, with a copy between");
	for (i = 0; i < 64; i++)
		bad += dst[i] != 0xd00d0000 + i;
	tap(!bad, "the 256 B synced read back as written");
	tap(!SYNC(DMADEMO_SYNC_TO_DEV, 4092, 4) && !SYNC(DMADEMO_SYNC_TO_CPU, 4092, 4),
	    "the last 4 B synced alone");
	sy = (struct dmademo_sync){ .dir = DMADEMO_SYNC_TO_DEV };
	tap(!ioctl(fd, sync_v1, &sy) && !ioctl(fd, xfer_v1, &x),
	    "SYNC and XFER of the sizes before their fields were appended still work");
	sy = (struct dmademo_sync){ .dir = DMADEMO_SYNC_TO_CPU };
	tap(!ioctl(fd, sync_v1, &sy), "a whole sync back, by the old request");
	munmap(src, 4096);
	munmap(dst, 4096);
	close(fd);
}

/* imports that a run in progress refuses */
static int busy(void)
{
	int fd = dev_open(), src = dmabuf_new(page), dst = dmabuf_new(page);
	struct dmademo_import im;

	refused(fd, import(fd, src, dst, page, &im), EBUSY, "run is in progress",
		"an import while a run is going is refused");
	return failed;
}

static int hold(const char *ready)
{
	int fd = dev_open(), src = dmabuf_new(page), dst = dmabuf_new(page);
	struct dmademo_import im;

	if (import(fd, src, dst, page, &im)) {
		printf("# import: %s\n", strerror(errno));
		return 1;
	}
	close(src);
	close(dst);
	close(creat(ready, 0600));
	for (;;)
		pause();
}

/* the exporter's own check, for contrast: udmabuf_create() takes whole pages */
static void check_udmabuf_odd(void)
{
	struct udmabuf_create c = { .size = page + 4 };
	int memfd = memfd_create("odd", MFD_ALLOW_SEALING), dev;

	dev = open("/dev/udmabuf", O_RDWR);
	if (memfd >= 0 && !ftruncate(memfd, 2 * page))
		fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK);
	c.memfd = memfd;
	tap(ioctl(dev, UDMABUF_CREATE, &c) < 0 && errno == EINVAL,
	    "/dev/udmabuf itself refuses a size that is not page-aligned (EINVAL)");
	close(dev);
	close(memfd);
}

static const char *const kinds[] = { "udmabuf", "heap-system", "heap-cma" };

/* the first exporter the kernel has */
static int have_any(void)
{
	unsigned int k;

	for (k = 0; k < 3; k++)
		if (have(kinds[k]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int k, n = 0;

	page = sysconf(_SC_PAGESIZE);
	if (argc == 2 && !strcmp(argv[1], "all")) {
		check_ranges();
		for (k = 0; k < 3; k++) {
			if (!have(kinds[k])) {
				printf("# no %s here\n", kinds[k]);
				continue;
			}
			printf("# dma-bufs from %s%s%s\n", kinds[k], *heap ? " " : "", heap);
			if (!strcmp(kinds[k], "udmabuf"))
				check_udmabuf_odd();
			check_imports();
			n++;
		}
		if (!n)
			tap(1, "imports: no /dev/udmabuf and no DMA heap here # SKIP");
		return failed != 0;
	}
	if (argc == 2 && !strcmp(argv[1], "busy") && have_any())
		return busy() != 0;
	if (argc == 3 && !strcmp(argv[1], "hold") && have_any())
		return hold(argv[2]);
	fprintf(stderr, "usage: dmabuf-hostile all | busy | hold FILE (with a dma-buf exporter)\n");
	return 2;
}
