// SPDX-License-Identifier: GPL-2.0
/*
 * dmademo-mmap's dma-bufs: buffers the application allocates itself, a
 * sealed memfd made a dma-buf by /dev/udmabuf or a DMA heap's buffer, which
 * /dev/dmademo imports (DMADEMO_IOC_IMPORT), and DMA_BUF_IOCTL_SYNC around
 * the CPU's accesses to them. Kernel functions named below are in
 * drivers/dma-buf/ (6.1 and 7.x alike unless said).
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmademo-mmap.h"

#define UDMABUF		"/dev/udmabuf"
#define HEAPS		"/dev/dma_heap"
#define DEFAULT_CMA	"default_cma_region"	/* 7.x: heaps/cma_heap.c DEFAULT_CMA_NAME */

static int alloc_fd[DMADEMO_NR_KINDS];	/* the kinds' devices, open for the run */
static char cma_name[256];

static __attribute__((format(printf, 4, 5)))
void absent(struct options *o, unsigned int kind, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->absent_why[kind], sizeof(o->absent_why[kind]), fmt, ap);
	va_end(ap);
	o->absent[kind] = true;
	o->absent_err[kind] = err;
}

/* The device a kind allocates with, open for the run; absent if it cannot be opened. */
static void open_dev(struct options *o, unsigned int kind, const char *path, const char *config)
{
	int err;

	alloc_fd[kind] = open(path, O_RDWR | O_CLOEXEC);
	if (alloc_fd[kind] >= 0)
		return;
	err = errno;
	if (err == ENOENT)
		absent(o, kind, err, "%s: no such file (%s)", path, config);
	else
		absent(o, kind, err, "%s: %s", path, strerror(err));
}

/*
 * A CMA heap is named after its area. 6.1 adds one, the default area's, as
 * cma_get_name() names it (add_default_cma_heap()): "reserved" when cma= or
 * CONFIG_CMA_SIZE_* made it (kernel/dma/contiguous.c
 * dma_contiguous_reserve_area()), the reserved-memory node's name ("linux,cma")
 * when the device tree did (rmem_cma_setup()). 7.x adds the default area as
 * "default_cma_region" and then every area under its own name, the default one
 * again (add_cma_heaps()). The other heaps are the system heap, "system" and
 * "system_cc_shared" (system_heap_create()), and a TEE's "protected,*"
 * (drivers/tee/tee_heap.c), which the CPU cannot map. So: default_cma_region,
 * else the first by name of the entries that are none of those.
 */
static int find_cma_heap(char *name, size_t len)
{
	DIR *d = opendir(HEAPS);
	struct dirent *e;

	if (!d)
		return -errno;
	*name = '\0';
	while ((e = readdir(d))) {
		const char *n = e->d_name;

		if (n[0] == '.' || !strncmp(n, "system", 6) || !strncmp(n, "protected,", 10) ||
		    !strcmp(name, DEFAULT_CMA))
			continue;
		if (!*name || !strcmp(n, DEFAULT_CMA) || strcmp(n, name) < 0)
			snprintf(name, len, "%s", n);
	}
	closedir(d);
	return *name ? 0 : -ENOENT;
}

/* Which of the dma-buf kinds asked for this kernel has, and their devices opened. */
void dmabuf_probe(struct options *o)
{
	char path[sizeof(HEAPS) + sizeof(cma_name)];
	unsigned int k;
	int err;

	for (k = 0; k < DMADEMO_NR_KINDS; k++)
		alloc_fd[k] = -1;
	if (o->kind[DMADEMO_KIND_UDMABUF])
		open_dev(o, DMADEMO_KIND_UDMABUF, UDMABUF, "CONFIG_UDMABUF");
	if (o->kind[DMADEMO_KIND_HEAP_SYSTEM])
		open_dev(o, DMADEMO_KIND_HEAP_SYSTEM, HEAPS "/system", "CONFIG_DMABUF_HEAPS_SYSTEM");
	if (!o->kind[DMADEMO_KIND_HEAP_CMA])
		return;
	if (o->cma_heap) {
		snprintf(cma_name, sizeof(cma_name), "%s", o->cma_heap);
	} else {
		err = find_cma_heap(cma_name, sizeof(cma_name));
		if (err == -ENOENT && access(HEAPS, F_OK)) {
			absent(o, DMADEMO_KIND_HEAP_CMA, ENOENT,
			       HEAPS ": no such folder (CONFIG_DMABUF_HEAPS)");
			return;
		}
		if (err == -ENOENT) {
			absent(o, DMADEMO_KIND_HEAP_CMA, ENOENT, HEAPS ": no CMA heap there "
			       "(CONFIG_DMABUF_HEAPS_CMA, and a CMA area: CONFIG_DMA_CMA)");
			return;
		}
		if (err) {
			absent(o, DMADEMO_KIND_HEAP_CMA, -err, HEAPS ": %s", strerror(-err));
			return;
		}
	}
	snprintf(path, sizeof(path), HEAPS "/%s", cma_name);
	open_dev(o, DMADEMO_KIND_HEAP_CMA, path, "CONFIG_DMABUF_HEAPS_CMA");
	if (!o->absent[DMADEMO_KIND_HEAP_CMA])
		o->cma_heap = cma_name;
}

/*
 * A udmabuf of len bytes, a multiple of the page size: its fd, or -errno.
 * udmabuf_create() takes the pages of a shmem (or hugetlbfs) file sealed
 * against shrinking and not against writing (SEALS_WANTED, SEALS_DENIED),
 * page-aligned ranges, size_limit_mb at most (64 MiB by default).
 */
static int udmabuf_alloc(size_t len, int *memfd, const char **what)
{
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = len };
	int fd;

	*what = "memfd_create";
	*memfd = memfd_create("dmademo", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (*memfd < 0)
		return -errno;
	*what = "ftruncate of the memfd";
	if (ftruncate(*memfd, len))
		return -errno;
	*what = "F_ADD_SEALS F_SEAL_SHRINK";
	if (fcntl(*memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		return -errno;
	*what = "UDMABUF_CREATE";
	c.memfd = *memfd;
	fd = ioctl(alloc_fd[DMADEMO_KIND_UDMABUF], UDMABUF_CREATE, &c);
	return fd < 0 ? -errno : fd;
}

/* A heap's buffer: its fd, or -errno (dma_heap_ioctl_allocate()) */
static int heap_alloc(unsigned int kind, size_t len, const char **what)
{
	struct dma_heap_allocation_data a = { .len = len, .fd_flags = O_RDWR | O_CLOEXEC };

	*what = "DMA_HEAP_IOCTL_ALLOC";
	if (ioctl(alloc_fd[kind], DMA_HEAP_IOCTL_ALLOC, &a))
		return -errno;
	return a.fd;
}

static int alloc_one(unsigned int kind, size_t len, int *memfd, const char **what)
{
	if (kind == DMADEMO_KIND_UDMABUF)
		return udmabuf_alloc(len, memfd, what);
	return heap_alloc(kind, len, what);
}

/*
 * A cell's two dma-bufs of kind: allocated, imported into dev, mapped. 0, or
 * an errno with *what the step that failed ("import": /dev/dmademo refused);
 * then DMADEMO_IOC_FREE them if b->held, and dmabuf_put() what there is.
 */
int dmabuf_get(int dev, unsigned int kind, u32 size, struct bufs *b, const char **what)
{
	long page = sysconf(_SC_PAGESIZE);
	struct dmademo_import im = { .kind = kind, .size = size };
	int fd;

	memset(b, 0, sizeof(*b));
	b->src = b->dst = MAP_FAILED;
	b->src_fd = b->dst_fd = b->src_memfd = b->dst_memfd = -1;
	b->len = (size + page - 1) / page * page;
	fd = alloc_one(kind, b->len, &b->src_memfd, what);
	if (fd < 0)
		return -fd;
	b->src_fd = fd;
	fd = alloc_one(kind, b->len, &b->dst_memfd, what);
	if (fd < 0)
		return -fd;
	b->dst_fd = fd;
	*what = "import";
	im.src_fd = b->src_fd;
	im.dst_fd = b->dst_fd;
	if (ioctl(dev, DMADEMO_IOC_IMPORT, &im))
		return errno;
	b->held = true;
	b->need_sync = im.need_sync;
	b->segments = im.segments;
	/* the exporters refuse private mappings (mmap_udmabuf()) */
	*what = "mmap of a dma-buf";
	b->src = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, b->src_fd, 0);
	if (b->src == MAP_FAILED)
		return errno;
	b->dst = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, b->dst_fd, 0);
	if (b->dst == MAP_FAILED)
		return errno;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * What dmabuf_get() left, after DMADEMO_IOC_FREE: the mappings first. A
 * udmabuf maps the memfd's pages themselves (udmabuf_vm_fault()) and holds
 * the pages, not the memfd: the memfd closed last, while the udmabuf was
 * still mapped, would truncate pages still mapped (shmem_evict_inode(),
 * "BUG: Bad page cache ... still mapped when deleted").
 */
void dmabuf_put(struct bufs *b)
{
	if (b->src != MAP_FAILED)
		munmap(b->src, b->len);
	if (b->dst != MAP_FAILED)
		munmap(b->dst, b->len);
	b->src = b->dst = MAP_FAILED;
	close_fd(&b->src_fd);
	close_fd(&b->dst_fd);
	close_fd(&b->src_memfd);
	close_fd(&b->dst_memfd);
}

/*
 * The CPU's accesses in DMA_BUF_IOCTL_SYNC brackets: it writes the source
 * and reads the destination, each buffer always in the same direction. That
 * matters to udmabuf: its first begin_cpu_access maps the buffer for the
 * CPU's syncs in the direction it is given and keeps that mapping
 * (begin_cpu_udmabuf()); later syncs in another direction would not match it.
 */
static const struct {
	bool dst;
	u64 flags;
	const char *what;
} brackets[NR_HAND_OVERS] = {
	[BEFORE_FILL] = { false, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE,
			  "DMA_BUF_IOCTL_SYNC START|WRITE of the source" },
	[AFTER_FILL]  = { false, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE,
			  "DMA_BUF_IOCTL_SYNC END|WRITE of the source" },
	[AFTER_XFER]  = { true, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
			  "DMA_BUF_IOCTL_SYNC START|READ of the destination" },
	[AFTER_READ]  = { true, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ,
			  "DMA_BUF_IOCTL_SYNC END|READ of the destination" },
};

/* 0, or an errno and *what; a signal while it waits for fences: again, as libdrm's drmIoctl() */
int dmabuf_hand_over(const struct bufs *b, enum hand_over at, const char **what)
{
	struct dma_buf_sync sync = { .flags = brackets[at].flags };
	int fd = brackets[at].dst ? b->dst_fd : b->src_fd;

	while (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync))
		if (errno != EINTR && errno != EAGAIN) {
			*what = brackets[at].what;
			return errno;
		}
	return 0;
}
