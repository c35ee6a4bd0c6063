// SPDX-License-Identifier: GPL-2.0
/*
 * plainmap: the yardstick for dmademo's map-only runs. On the device named
 * by bus= and dev=, it maps two buffers of size= bytes, the first
 * DMA_TO_DEVICE and the second DMA_FROM_DEVICE, and unmaps them, the way
 * one transfer of a dmademo strategy does, iterations= times in a plain
 * loop timed in batches. call= says how, as the strategy of that name:
 * streaming (kmalloc(), dma_map_single()), phys (kmalloc(),
 * dma_map_phys()) or iova (separate pages, each dma_iova_link()ed into a
 * range allocated once, one dma_iova_sync(), dma_iova_unlink()); the last
 * two where the kernel's headers have them (Kbuild). The time per round trip is printed and
 * left in /sys/module/plainmap/parameters/result_ns; result_each_ns is the
 * same round trip timed one at a time, with a clock read after the maps and
 * after the unmaps as dmademo's to_dev and to_cpu have.
 * Loading measures; a test module, not part of dmademo.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sort.h>

static char *bus = "pci";
module_param(bus, charp, 0400);
static char *dev = "0000:00:04.0";
module_param(dev, charp, 0400);
static uint size = 4096;
module_param(size, uint, 0400);
static uint iterations = 10000;
module_param(iterations, uint, 0400);
static ulong result_ns;
module_param(result_ns, ulong, 0444);
static ulong result_each_ns;
module_param(result_each_ns, ulong, 0444);
static char *call = "streaming";
module_param(call, charp, 0400);

enum { CALL_STREAMING, CALL_PHYS, CALL_IOVA };
static int how;

/* a buffer: kmalloc()ed, or separate pages in an IOVA range (call=iova) */
struct buf {
	void *cpu;
	struct page **pages;
	unsigned int nr;
#ifdef DMADEMO_HAVE_DMA_IOVA
	struct dma_iova_state state;
#endif
};

#define BATCH	50	/* round trips timed together */
#define EACH_MAX	100000	/* round trips timed alone, at most */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static dma_addr_t map(struct device *d, struct buf *b, enum dma_data_direction dir)
{
#ifdef DMADEMO_HAVE_DMA_IOVA
	unsigned int i;
	int ret = 0;

	if (how == CALL_IOVA) {
		size_t linked = 0, len;

		for (i = 0; i < b->nr && !ret; i++) {
			len = min_t(size_t, size - linked, PAGE_SIZE);
			ret = dma_iova_link(d, &b->state, page_to_phys(b->pages[i]), linked, len,
					    dir, 0);
			if (!ret)
				linked += len;
		}
		if (!ret)
			ret = dma_iova_sync(d, &b->state, 0, size);
		if (!ret)
			return b->state.addr;
		if (linked)
			dma_iova_unlink(d, &b->state, 0, linked, dir, 0);
		return DMA_MAPPING_ERROR;
	}
#endif
#ifdef DMADEMO_HAVE_DMA_MAP_PHYS
	if (how == CALL_PHYS)
		return dma_map_phys(d, virt_to_phys(b->cpu), size, dir, 0);
#endif
	return dma_map_single(d, b->cpu, size, dir);
}

static void unmap(struct device *d, struct buf *b, dma_addr_t a, enum dma_data_direction dir)
{
#ifdef DMADEMO_HAVE_DMA_IOVA
	if (how == CALL_IOVA) {
		dma_iova_unlink(d, &b->state, 0, size, dir, 0);
		return;
	}
#endif
#ifdef DMADEMO_HAVE_DMA_MAP_PHYS
	if (how == CALL_PHYS) {
		dma_unmap_phys(d, a, size, dir, 0);
		return;
	}
#endif
	dma_unmap_single(d, a, size, dir);
}

/* one round trip: map both, (read the clock into *mid,) unmap both */
static int round_trip(struct device *d, struct buf *src, struct buf *dst, u64 *mid)
{
	dma_addr_t s, t;

	s = map(d, src, DMA_TO_DEVICE);
	if (s == DMA_MAPPING_ERROR || dma_mapping_error(d, s))
		return -ENOMEM;
	t = map(d, dst, DMA_FROM_DEVICE);
	if (t == DMA_MAPPING_ERROR || dma_mapping_error(d, t)) {
		unmap(d, src, s, DMA_TO_DEVICE);
		return -ENOMEM;
	}
	if (mid)
		*mid = ktime_get_ns();
	unmap(d, dst, t, DMA_FROM_DEVICE);
	unmap(d, src, s, DMA_TO_DEVICE);
	return 0;
}

/*
 * A tenth of the iterations untimed, as dmademo's warmup, then batches of
 * BATCH round trips timed as one: the result is the median batch's mean,
 * which an interrupt in one batch does not move.
 */
static int plainmap_loop(struct device *d, struct buf *src, struct buf *dst, u64 *batch)
{
	unsigned int i, j, nr = iterations / BATCH;
	int ret = 0;
	u64 t0;

	for (i = 0; i < iterations / 10 && !ret; i++)
		ret = round_trip(d, src, dst, NULL);
	for (i = 0; i < nr && !ret; i++) {
		t0 = ktime_get_ns();
		for (j = 0; j < BATCH && !ret; j++)
			ret = round_trip(d, src, dst, NULL);
		batch[i] = ktime_get_ns() - t0;
	}
	if (ret)
		return ret;
	sort(batch, nr, sizeof(*batch), cmp_u64, NULL);
	result_ns = div_u64(batch[nr / 2], BATCH);
	return 0;
}

/*
 * The round trip timed alone, n times: the median. Its two clock reads are
 * what dmademo's to_dev + to_cpu holds besides the maps and unmaps (and
 * the calls into the strategy), so that a gap between dmademo and the
 * batches can be told to be the clock's or the harness's.
 */
static int plainmap_each(struct device *d, struct buf *src, struct buf *dst, u64 *each,
			 unsigned int n)
{
	unsigned int i;
	int ret = 0;
	u64 t0, t1;

	for (i = 0; i < n && !ret; i++) {
		t0 = ktime_get_ns();
		ret = round_trip(d, src, dst, &t1);
		each[i] = ktime_get_ns() - t0;
	}
	if (ret)
		return ret;
	sort(each, n, sizeof(*each), cmp_u64, NULL);
	result_each_ns = each[n / 2];
	return 0;
}

static void buf_free(struct device *d, struct buf *b)
{
	unsigned int i;

#ifdef DMADEMO_HAVE_DMA_IOVA
	if (b->nr && dma_use_iova(&b->state))
		dma_iova_free(d, &b->state);
#endif
	for (i = 0; i < b->nr; i++)
		if (b->pages[i])
			__free_page(b->pages[i]);
	kfree(b->pages);
	kfree(b->cpu);
}

static int buf_alloc(struct device *d, struct buf *b)
{
	unsigned int i;

	if (how != CALL_IOVA) {
		b->cpu = kmalloc(size, GFP_KERNEL);
		return b->cpu ? 0 : -ENOMEM;
	}
	b->pages = kcalloc(DIV_ROUND_UP(size, PAGE_SIZE), sizeof(*b->pages), GFP_KERNEL);
	if (!b->pages)
		return -ENOMEM;
	b->nr = DIV_ROUND_UP(size, PAGE_SIZE);
	for (i = 0; i < b->nr; i++) {
		b->pages[i] = alloc_page(GFP_KERNEL);
		if (!b->pages[i])
			return -ENOMEM;
	}
#ifdef DMADEMO_HAVE_DMA_IOVA
	if (dma_iova_try_alloc(d, &b->state, page_to_phys(b->pages[0]), size))
		return 0;
	pr_err("%s: dma_iova_try_alloc() says no: no IOMMU DMA domain\n", dev_name(d));
#endif
	return -EOPNOTSUPP;
}

/* call= as enum; 0 or -EOPNOTSUPP where this kernel's headers lack the call */
static int parse_call(void)
{
	if (!strcmp(call, "streaming")) {
		how = CALL_STREAMING;
		return 0;
	}
#ifdef DMADEMO_HAVE_DMA_MAP_PHYS
	if (!strcmp(call, "phys")) {
		how = CALL_PHYS;
		return 0;
	}
#endif
#ifdef DMADEMO_HAVE_DMA_IOVA
	if (!strcmp(call, "iova")) {
		how = CALL_IOVA;
		return 0;
	}
#endif
	return -EOPNOTSUPP;
}

static int __init plainmap_init(void)
{
	unsigned int n = min_t(unsigned int, iterations, EACH_MAX);
	struct buf src = { }, dst = { };
	u64 *batch = NULL, *each = NULL;
	struct device *d = NULL;
	int ret = -ENOMEM;

	if (iterations < BATCH || iterations > 10000000 || !size || size > KMALLOC_MAX_SIZE)
		return -EINVAL;
	if (parse_call()) {
		pr_err("call=%s: streaming, or phys or iova where this kernel has them\n", call);
		return -EOPNOTSUPP;
	}
	/* bus_type became const in 6.3: each bus by its own declaration */
	if (!strcmp(bus, "platform"))
		d = bus_find_device_by_name(&platform_bus_type, NULL, dev);
#ifdef CONFIG_PCI
	else if (!strcmp(bus, "pci"))
		d = bus_find_device_by_name(&pci_bus_type, NULL, dev);
#endif
	if (!d) {
		pr_err("no %s device %s\n", bus, dev);
		return -ENODEV;
	}
	batch = kvcalloc(iterations / BATCH, sizeof(*batch), GFP_KERNEL);
	each = kvcalloc(n, sizeof(*each), GFP_KERNEL);
	if (batch && each) {
		ret = buf_alloc(d, &src);
		if (!ret)
			ret = buf_alloc(d, &dst);
	}
	if (!ret)
		ret = plainmap_loop(d, &src, &dst, batch);
	if (!ret)
		ret = plainmap_each(d, &src, &dst, each, n);
	if (!ret)
		pr_info("%s: %s, %u B, %u iterations: %lu ns per map + unmap of two buffers, %lu timed one at a time\n",
			dev, call, size, iterations, result_ns, result_each_ns);
	buf_free(d, &dst);
	buf_free(d, &src);
	kvfree(each);
	kvfree(batch);
	put_device(d);
	return ret;
}

static void __exit plainmap_exit(void)
{
}

module_init(plainmap_init);
module_exit(plainmap_exit);
MODULE_DESCRIPTION("A plain loop of DMA map and unmap calls, to check dmademo against");
MODULE_LICENSE("GPL");
