// SPDX-License-Identifier: GPL-2.0
/*
 * The buffer strategies, as a driver would use each one:
 *
 *   coherent        dma_alloc_coherent(): no ownership changes at all
 *   pool            dma_pool_alloc(): coherent memory in small blocks
 *   streaming       kmalloc() + dma_map_single()/dma_unmap_single() per transfer
 *   streaming-sync  kmalloc() mapped once + dma_sync_single_for_{device,cpu}()
 *   noncoherent     dma_alloc_noncoherent() + dma_sync_single_for_{device,cpu}()
 *   cpu             kmalloc() + memcpy(): the baseline without DMA
 *
 * Sources are mapped DMA_TO_DEVICE, destinations DMA_FROM_DEVICE, all on
 * the DMA controller's device.
 */
#include "dmademo.h"

#include <linux/dmapool.h>
#include <linux/slab.h>

#include "strategy.h"

#define GFP_BUF		(GFP_KERNEL | __GFP_NOWARN)

/* coherent */

static int coherent_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src = dma_alloc_coherent(b->dev, b->len, &s->src_dma, GFP_BUF);
	if (!s->src)
		return -ENOMEM;
	s->dst = dma_alloc_coherent(b->dev, b->len, &s->dst_dma, GFP_BUF);
	if (!s->dst) {
		dma_free_coherent(b->dev, b->len, s->src, s->src_dma);
		return -ENOMEM;
	}
	return 0;
}

static void coherent_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_coherent(b->dev, b->len, s->dst, s->dst_dma);
	dma_free_coherent(b->dev, b->len, s->src, s->src_dma);
}

/* pool */

static int pool_setup(struct dmademo_bufs *b)
{
	b->pool = dma_pool_create(KBUILD_MODNAME, b->dev, b->len, sizeof(u64), 0);
	return b->pool ? 0 : -ENOMEM;
}

static void pool_teardown(struct dmademo_bufs *b)
{
	dma_pool_destroy(b->pool);
}

static int pool_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src = dma_pool_alloc(b->pool, GFP_BUF, &s->src_dma);
	if (!s->src)
		return -ENOMEM;
	s->dst = dma_pool_alloc(b->pool, GFP_BUF, &s->dst_dma);
	if (!s->dst) {
		dma_pool_free(b->pool, s->src, s->src_dma);
		return -ENOMEM;
	}
	return 0;
}

static void pool_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_pool_free(b->pool, s->dst, s->dst_dma);
	dma_pool_free(b->pool, s->src, s->src_dma);
}

/* kmalloc: streaming and cpu */

static int kmalloc_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src = kmalloc(b->len, GFP_BUF);
	s->dst = kmalloc(b->len, GFP_BUF);
	if (!s->src || !s->dst) {
		kfree(s->dst);
		kfree(s->src);
		return -ENOMEM;
	}
	return 0;
}

static void kmalloc_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	kfree(s->dst);
	kfree(s->src);
}

/* streaming: map before, unmap after every transfer */

static int streaming_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_dma = dma_map_single(b->dev, s->src, b->len, DMA_TO_DEVICE);
	if (dma_mapping_error(b->dev, s->src_dma))
		return -ENOMEM;
	s->dst_dma = dma_map_single(b->dev, s->dst, b->len, DMA_FROM_DEVICE);
	if (dma_mapping_error(b->dev, s->dst_dma)) {
		dma_unmap_single(b->dev, s->src_dma, b->len, DMA_TO_DEVICE);
		return -ENOMEM;
	}
	return 0;
}

static void streaming_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_unmap_single(b->dev, s->dst_dma, b->len, DMA_FROM_DEVICE);
	if (s->fault != DMADEMO_FAULT_SKIP_UNMAP)
		dma_unmap_single(b->dev, s->src_dma, b->len, DMA_TO_DEVICE);
}

/* streaming-sync: mapped for the whole step, synced around every transfer */

static int mapped_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	int ret = kmalloc_alloc(b, s);

	if (ret)
		return ret;
	ret = streaming_to_dev(b, s);
	if (ret)
		kmalloc_free(b, s);
	return ret;
}

static void mapped_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_unmap_single(b->dev, s->dst_dma, b->len, DMA_FROM_DEVICE);
	dma_unmap_single(b->dev, s->src_dma, b->len, DMA_TO_DEVICE);
	kmalloc_free(b, s);
}

static int sync_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_sync_single_for_device(b->dev, s->src_dma, b->len, DMA_TO_DEVICE);
	dma_sync_single_for_device(b->dev, s->dst_dma, b->len, DMA_FROM_DEVICE);
	return 0;
}

static void sync_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	enum dma_data_direction dir = DMA_FROM_DEVICE;

	if (s->fault == DMADEMO_FAULT_WRONG_DIR)
		dir = DMA_TO_DEVICE;
	dma_sync_single_for_cpu(b->dev, s->dst_dma, b->len, dir);
	dma_sync_single_for_cpu(b->dev, s->src_dma, b->len, DMA_TO_DEVICE);
}

/* noncoherent */

static int noncoherent_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src = dma_alloc_noncoherent(b->dev, b->len, &s->src_dma,
				       DMA_TO_DEVICE, GFP_BUF);
	if (!s->src)
		return -ENOMEM;
	s->dst = dma_alloc_noncoherent(b->dev, b->len, &s->dst_dma,
				       DMA_FROM_DEVICE, GFP_BUF);
	if (!s->dst) {
		dma_free_noncoherent(b->dev, b->len, s->src, s->src_dma,
				     DMA_TO_DEVICE);
		return -ENOMEM;
	}
	/*
	 * Until 7e2368a21741 ("dma-debug: don't enforce dma mapping check on
	 * noncoherent allocations", 6.17), DMA-API debugging records these
	 * buffers as streaming mappings and warns when they are freed that
	 * their mapping error was never checked. The check is a no-op here.
	 */
	dma_mapping_error(b->dev, s->src_dma);
	dma_mapping_error(b->dev, s->dst_dma);
	return 0;
}

static void noncoherent_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_noncoherent(b->dev, b->len, s->dst, s->dst_dma, DMA_FROM_DEVICE);
	dma_free_noncoherent(b->dev, b->len, s->src, s->src_dma, DMA_TO_DEVICE);
}

static const struct dmademo_ops coherent_ops = {
	.alloc_what = "dma_alloc_coherent",
	.alloc = coherent_alloc,
	.free = coherent_free,
};

static const struct dmademo_ops pool_ops = {
	.alloc_what = "dma_pool_alloc",
	.setup = pool_setup,
	.teardown = pool_teardown,
	.alloc = pool_alloc,
	.free = pool_free,
};

static const struct dmademo_ops streaming_ops = {
	.alloc_what = "kmalloc",
	.alloc = kmalloc_alloc,
	.free = kmalloc_free,
	.to_dev = streaming_to_dev,
	.to_cpu = streaming_to_cpu,
	.faults = BIT(DMADEMO_FAULT_SKIP_UNMAP),
};

static const struct dmademo_ops streaming_sync_ops = {
	.alloc_what = "kmalloc + dma_map_single",
	.alloc = mapped_alloc,
	.free = mapped_free,
	.to_dev = sync_to_dev,
	.to_cpu = sync_to_cpu,
	.faults = BIT(DMADEMO_FAULT_WRONG_DIR),
};

static const struct dmademo_ops noncoherent_ops = {
	.alloc_what = "dma_alloc_noncoherent",
	.alloc = noncoherent_alloc,
	.free = noncoherent_free,
	.to_dev = sync_to_dev,
	.to_cpu = sync_to_cpu,
	.faults = BIT(DMADEMO_FAULT_WRONG_DIR),
};

static const struct dmademo_ops cpu_ops = {
	.alloc_what = "kmalloc",
	.alloc = kmalloc_alloc,
	.free = kmalloc_free,
	.cpu_copy = true,
};

const struct dmademo_ops *const dmademo_ops[DMADEMO_NR_STRATEGIES] = {
	[DMADEMO_COHERENT]	 = &coherent_ops,
	[DMADEMO_POOL]		 = &pool_ops,
	[DMADEMO_STREAMING]	 = &streaming_ops,
	[DMADEMO_STREAMING_SYNC] = &streaming_sync_ops,
	[DMADEMO_NONCOHERENT]	 = &noncoherent_ops,
	[DMADEMO_CPU]		 = &cpu_ops,
};

struct dmademo_bufs *dmademo_bufs_alloc(const struct dmademo_ops *ops,
					struct device *dev, size_t len,
					unsigned int nr)
{
	struct dmademo_bufs *b;
	unsigned int i;
	int ret;

	b = kzalloc(struct_size(b, slot, nr), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->dev = dev;
	b->len = len;
	b->nr = nr;

	if (ops->setup) {
		ret = ops->setup(b);
		if (ret)
			goto err_free;
	}
	for (i = 0; i < nr; i++) {
		b->slot[i].bufs = b;
		ret = ops->alloc(b, &b->slot[i]);
		if (ret)
			goto err_slots;
	}
	return b;

err_slots:
	while (i--)
		ops->free(b, &b->slot[i]);
	if (ops->teardown)
		ops->teardown(b);
err_free:
	kfree(b);
	return ERR_PTR(ret);
}

void dmademo_bufs_free(const struct dmademo_ops *ops, struct dmademo_bufs *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		ops->free(b, &b->slot[i]);
	if (ops->teardown)
		ops->teardown(b);
	kfree(b);
}
