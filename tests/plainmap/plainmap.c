// SPDX-License-Identifier: GPL-2.0
/*
 * plainmap: the yardstick for dmademo's map-only runs. On the device named
 * by bus= and dev=, it maps two kmalloc() buffers of size= bytes, the first
 * DMA_TO_DEVICE and the second DMA_FROM_DEVICE, and unmaps them, the way
 * one transfer of dmademo's streaming strategy does, iterations= times in
 * a plain loop timed in batches. The time per round trip is printed and
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

#define BATCH	50	/* round trips timed together */
#define EACH_MAX	100000	/* round trips timed alone, at most */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* one round trip: map both, (read the clock into *mid,) unmap both */
static int round_trip(struct device *d, void *src, void *dst, u64 *mid)
{
	dma_addr_t s, t;

	s = dma_map_single(d, src, size, DMA_TO_DEVICE);
	if (dma_mapping_error(d, s))
		return -ENOMEM;
	t = dma_map_single(d, dst, size, DMA_FROM_DEVICE);
	if (dma_mapping_error(d, t)) {
		dma_unmap_single(d, s, size, DMA_TO_DEVICE);
		return -ENOMEM;
	}
	if (mid)
		*mid = ktime_get_ns();
	dma_unmap_single(d, t, size, DMA_FROM_DEVICE);
	dma_unmap_single(d, s, size, DMA_TO_DEVICE);
	return 0;
}

/*
 * A tenth of the iterations untimed, as dmademo's warmup, then batches of
 * BATCH round trips timed as one: the result is the median batch's mean,
 * which an interrupt in one batch does not move.
 */
static int plainmap_loop(struct device *d, void *src, void *dst, u64 *batch)
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
static int plainmap_each(struct device *d, void *src, void *dst, u64 *each,
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

static int __init plainmap_init(void)
{
	unsigned int n = min_t(unsigned int, iterations, EACH_MAX);
	void *src = NULL, *dst = NULL;
	u64 *batch = NULL, *each = NULL;
	struct device *d = NULL;
	int ret = -ENOMEM;

	if (iterations < BATCH || iterations > 10000000 || !size || size > KMALLOC_MAX_SIZE)
		return -EINVAL;
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
	src = kmalloc(size, GFP_KERNEL);
	dst = kmalloc(size, GFP_KERNEL);
	batch = kvcalloc(iterations / BATCH, sizeof(*batch), GFP_KERNEL);
	each = kvcalloc(n, sizeof(*each), GFP_KERNEL);
	if (src && dst && batch && each)
		ret = plainmap_loop(d, src, dst, batch);
	if (!ret)
		ret = plainmap_each(d, src, dst, each, n);
	if (!ret)
		pr_info("%s: %u B, %u iterations: %lu ns per map + unmap of two buffers, %lu timed one at a time\n",
			dev, size, iterations, result_ns, result_each_ns);
	kvfree(each);
	kvfree(batch);
	kfree(dst);
	kfree(src);
	put_device(d);
	return ret;
}

static void __exit plainmap_exit(void)
{
}

module_init(plainmap_init);
module_exit(plainmap_exit);
MODULE_DESCRIPTION("A plain dma_map_single()/dma_unmap_single() loop, to check dmademo against");
MODULE_LICENSE("GPL");
