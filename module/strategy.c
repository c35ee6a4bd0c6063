// SPDX-License-Identifier: GPL-2.0
/*
 * The buffer strategies, as a driver would use each one:
 *
 *   coherent        dma_alloc_coherent(): no ownership changes at all
 *   pool            dma_pool_alloc()/dma_pool_free() around every transfer
 *   streaming       kmalloc() + dma_map_single()/dma_unmap_single() per transfer
 *   streaming-sync  kmalloc() mapped once + dma_sync_single_for_{device,cpu}()
 *   noncoherent     dma_alloc_noncoherent() + dma_sync_single_for_{device,cpu}()
 *   cpu             kmalloc() + memcpy(): the baseline without DMA
 *
 * (sg.c has the scatterlist strategies, iova.c iova and phys.) A strategy
 * whose calls this kernel's headers lack (Kbuild) is built as absent: its
 * cells are skipped with the reason, and "all" leaves it out.
 * Sources are mapped DMA_TO_DEVICE, destinations DMA_FROM_DEVICE (map-only
 * runs may choose others: b->src_dir, b->dst_dir), all on the DMA
 * controller's device or the bound one. Buffers start owned by the CPU, which fills
 * the source first.
 */
#include "dmademo.h"

#include <linux/dma-direct.h>	/* dma_to_phys(): what dma-direct handed over */
#include <linux/dmapool.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "strategy.h"

#define GFP_BUF		(GFP_KERNEL | __GFP_NOWARN)
#define GUARD_BYTE	0xa5

/*
 * coherent: destinations carry `guard` bytes on each side, checked after
 * every verified transfer. The CPU sees this memory as the engine left it,
 * so a write outside the destination shows; the descriptors and lengths
 * are the same for every strategy.
 */

static int coherent_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	size_t dlen = b->len + 2 * b->guard;
	u8 *dst;

	s->src = dma_alloc_coherent(b->dev, b->len, &s->src_dma, GFP_BUF);
	if (!s->src)
		return -ENOMEM;
	dst = dma_alloc_coherent(b->dev, dlen, &s->dst_dma, GFP_BUF);
	if (!dst) {
		dma_free_coherent(b->dev, b->len, s->src, s->src_dma);
		return -ENOMEM;
	}
	memset(dst, GUARD_BYTE, dlen);
	s->dst = dst + b->guard;
	s->dst_dma += b->guard;
	return 0;
}

static void coherent_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_coherent(b->dev, b->len + 2 * b->guard, (u8 *)s->dst - b->guard,
			  s->dst_dma - b->guard);
	dma_free_coherent(b->dev, b->len, s->src, s->src_dma);
}

bool dmademo_guard_ok(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	u8 *dst = s->dst;

	return !b->guard ||
	       (!memchr_inv(dst - b->guard, GUARD_BYTE, b->guard) &&
		!memchr_inv(dst + b->len, GUARD_BYTE, b->guard));
}

/*
 * pool: what pools are for, many small short-lived blocks. Blocks come and
 * go with every transfer, in the timed alloc and free phases; blocks are
 * aligned to the cache line (no two share one) and to the copy alignment.
 */

static int pool_setup(struct dmademo_bufs *b)
{
	b->pool = dma_pool_create(KBUILD_MODNAME, b->dev, b->len, b->align, 0);
	return b->pool ? 0 : -ENOMEM;
}

static void pool_teardown(struct dmademo_bufs *b)
{
	dma_pool_destroy(b->pool);
}

static int pool_get(struct dmademo_bufs *b, struct dmademo_slot *s)
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

static void pool_put(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_pool_free(b->pool, s->dst, s->dst_dma);
	dma_pool_free(b->pool, s->src, s->src_dma);
}

/* streaming: map before, unmap after every transfer */

static int streaming_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_dma = dma_map_single(b->dev, s->src, b->len, b->src_dir);
	if (dma_mapping_error(b->dev, s->src_dma))
		return -ENOMEM;
	if (s->fault == DMADEMO_FAULT_MAP_ERROR)
		s->dst_dma = DMA_MAPPING_ERROR;		/* injected: as if it failed */
	else
		s->dst_dma = dma_map_single(b->dev, s->dst, b->len, b->dst_dir);
	if (dma_mapping_error(b->dev, s->dst_dma)) {
		dma_unmap_single(b->dev, s->src_dma, b->len, b->src_dir);
		return -ENOMEM;
	}
	return 0;
}

static void streaming_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_unmap_single(b->dev, s->dst_dma, b->len, b->dst_dir);
	if (s->fault != DMADEMO_FAULT_SKIP_UNMAP)
		dma_unmap_single(b->dev, s->src_dma, b->len, b->src_dir);
}

/* streaming-sync and noncoherent: synced around every transfer */

int dmademo_sync_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_sync_single_range_for_device(b->dev, s->src_dma, b->sync_off, b->sync_len,
					 b->src_dir);
	dma_sync_single_range_for_device(b->dev, s->dst_dma, b->sync_off, b->sync_len,
					 b->dst_dir);
	return 0;
}

void dmademo_sync_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	enum dma_data_direction dir = b->dst_dir;

	if (s->fault == DMADEMO_FAULT_WRONG_DIR)
		dir = dir == DMA_TO_DEVICE ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	dma_sync_single_range_for_cpu(b->dev, s->dst_dma, b->sync_off, b->sync_len, dir);
	dma_sync_single_range_for_cpu(b->dev, s->src_dma, b->sync_off, b->sync_len, b->src_dir);
}

/* noncoherent: dma_alloc_noncoherent() memory starts owned by the CPU */

static int noncoherent_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	/*
	 * Until 7e2368a21741 ("dma-debug: don't enforce dma mapping check on
	 * noncoherent allocations", 6.17), DMA-API debugging records these
	 * buffers as streaming mappings and warns when they are freed that
	 * their mapping error was never checked: each is checked before
	 * anything can free it. The check is a no-op here.
	 */
	s->src = dma_alloc_noncoherent(b->dev, b->len, &s->src_dma,
				       b->src_dir, GFP_BUF);
	if (!s->src)
		return -ENOMEM;
	dma_mapping_error(b->dev, s->src_dma);
	s->dst = dma_alloc_noncoherent(b->dev, b->len, &s->dst_dma,
				       b->dst_dir, GFP_BUF);
	if (!s->dst) {
		dma_free_noncoherent(b->dev, b->len, s->src, s->src_dma,
				     b->src_dir);
		return -ENOMEM;
	}
	dma_mapping_error(b->dev, s->dst_dma);
	return 0;
}

static void noncoherent_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_noncoherent(b->dev, b->len, s->dst, s->dst_dma, b->dst_dir);
	dma_free_noncoherent(b->dev, b->len, s->src, s->src_dma, b->src_dir);
}

static const struct dmademo_ops coherent_ops = {
	.alloc_what = "dma_alloc_coherent",
	.alloc = coherent_alloc,
	.free = coherent_free,
	.guarded = true,
	.faults = BIT(DMADEMO_FAULT_OVERRUN),
};

static const struct dmademo_ops pool_ops = {
	.alloc_what = "dma_pool_alloc",
	.setup = pool_setup,
	.teardown = pool_teardown,
	.get = pool_get,
	.put = pool_put,
	.max_size = PAGE_SIZE,
};

static const struct dmademo_ops streaming_ops = {
	.alloc_what = "kmalloc",
	.alloc = dmademo_kmalloc_alloc,
	.free = dmademo_kmalloc_free,
	.to_dev = streaming_to_dev,
	.to_cpu = streaming_to_cpu,
	.map_per_transfer = true,
	.kmalloc = true,
	.faults = BIT(DMADEMO_FAULT_SKIP_UNMAP) | BIT(DMADEMO_FAULT_MAP_ERROR),
};

static const struct dmademo_ops streaming_sync_ops = {
	.alloc_what = "kmalloc + dma_map_single",
	.base = &streaming_ops,
	.to_dev = dmademo_sync_to_dev,
	.to_cpu = dmademo_sync_to_cpu,
	.kmalloc = true,
	.faults = BIT(DMADEMO_FAULT_WRONG_DIR),
};

static const struct dmademo_ops noncoherent_ops = {
	.alloc_what = "dma_alloc_noncoherent",
	.alloc = noncoherent_alloc,
	.free = noncoherent_free,
	.to_dev = dmademo_sync_to_dev,
	.to_cpu = dmademo_sync_to_cpu,
	.faults = BIT(DMADEMO_FAULT_WRONG_DIR),
};

static const struct dmademo_ops cpu_ops = {
	.alloc_what = "kmalloc",
	.alloc = dmademo_kmalloc_alloc,
	.free = dmademo_kmalloc_free,
	.kmalloc = true,
	.cpu_copy = true,
};

const struct dmademo_ops *const dmademo_ops[DMADEMO_NR_STRATEGIES] = {
	[DMADEMO_COHERENT]	 = &coherent_ops,
	[DMADEMO_POOL]		 = &pool_ops,
	[DMADEMO_STREAMING]	 = &streaming_ops,
	[DMADEMO_STREAMING_SYNC] = &streaming_sync_ops,
	[DMADEMO_NONCOHERENT]	 = &noncoherent_ops,
	[DMADEMO_CPU]		 = &cpu_ops,
	[DMADEMO_SG]		 = &dmademo_sg_ops,
	[DMADEMO_SG_SYNC]	 = &dmademo_sg_sync_ops,
	[DMADEMO_NONCONTIGUOUS]	 = &dmademo_noncontiguous_ops,
	[DMADEMO_IOVA]		 = &dmademo_iova_ops,
	[DMADEMO_PHYS]		 = &dmademo_phys_ops,
};

/* BIT(strategy) of those built as absent, for "all" (parse.c) */
u32 dmademo_strategies_absent(void)
{
	u32 absent = 0;
	unsigned int i;

	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		if (dmademo_ops[i]->absent)
			absent |= BIT(i);
	return absent;
}

/*
 * A cell the strategy can never run, whatever memory is free: a strategy
 * this module lacks, one the device cannot take, a size beyond its limits.
 * Skipped before the run, with the reason in why. 0 if it can be tried.
 */
int dmademo_size_check(const struct dmademo_ops *ops, struct device *dev,
		       size_t len, char *why, size_t why_len)
{
	int ret;

	if (ops->absent) {
		strscpy(why, ops->absent, why_len);
		return -EOPNOTSUPP;
	}
	if (ops->check) {
		ret = ops->check(dev, why, why_len);
		if (ret)
			return ret;
	}
	if (ops->max_size && len > ops->max_size) {
		snprintf(why, why_len,
			 "larger than %zu B: blocks above a page are each a dma_alloc_coherent()",
			 ops->max_size);
		return -EINVAL;
	}
	if (ops->kmalloc && len > KMALLOC_MAX_SIZE) {
		snprintf(why, why_len, "larger than KMALLOC_MAX_SIZE (%lu B)",
			 (unsigned long)KMALLOC_MAX_SIZE);
		return -E2BIG;
	}
	if (ops->to_dev && ops->kmalloc && len > dma_max_mapping_size(dev)) {
		snprintf(why, why_len, "larger than dma_max_mapping_size (%zu B)",
			 dma_max_mapping_size(dev));
		return -E2BIG;
	}
	return 0;
}

/*
 * Whether the device was handed a copy rather than the memory itself: a
 * swiotlb bounce buffer, from dma-direct (swiotlb_map(), for memory the
 * device cannot reach or, since 6.5, small kmalloc() buffers a non-coherent
 * device cannot have to itself: dma_kmalloc_needs_bounce()) or from an
 * IOMMU (iommu_dma_map_phys() for untrusted devices). dma-direct hands the
 * device phys_to_dma() of the memory, an IOMMU an IOVA that translates to it.
 */
static bool dmademo_bounced(struct device *dev, dma_addr_t handle, phys_addr_t phys)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);

	if (domain && (domain->type & __IOMMU_DOMAIN_PAGING))
		return iommu_iova_to_phys(domain, handle) != phys;
	return dma_to_phys(dev, handle) != phys;
}

/* where a slot's buffer starts in memory, where the strategy knows */
static bool dmademo_buf_phys(struct dmademo_bufs *b, void *buf, struct sg_table *sgt,
			     phys_addr_t *phys)
{
	if (sgt)
		*phys = sg_phys(sgt->sgl);
	else if (b->ops->kmalloc)
		*phys = virt_to_phys(buf);
	else
		return false;
	return true;
}

/*
 * Whether the step's streaming mappings need syncing: on a non-coherent
 * device always; on a coherent one only when they bounce through swiotlb.
 * And in *bounced (if not NULL) whether either was bounced. Strategies that
 * map per transfer are tried on a mapping made here.
 */
bool dmademo_bufs_need_sync(struct dmademo_bufs *b, bool *bounced)
{
	struct dmademo_slot *s = &b->slot[0];
	phys_addr_t src, dst;
	bool need;

	if (bounced)
		*bounced = false;
	if (!b->ops->to_dev)
		return false;
	if (b->ops->map_per_transfer && b->ops->to_dev(b, s))
		return false;
	need = dma_need_sync(b->dev, s->src_dma) || dma_need_sync(b->dev, s->dst_dma);
	if (bounced && dmademo_buf_phys(b, s->src, s->src_sgt, &src) &&
	    dmademo_buf_phys(b, s->dst, s->dst_sgt, &dst))
		*bounced = dmademo_bounced(b->dev, s->src_dma, src) ||
			   dmademo_bounced(b->dev, s->dst_dma, dst);
	if (b->ops->map_per_transfer)
		b->ops->to_cpu(b, s);
	return need;
}

/*
 * The "-sync" strategies use their base strategy's buffers, mapped for the
 * whole step. Mapping hands them to the device; the first fill must not
 * come before they are handed back, so they are synced for the CPU at once.
 */
static int slot_alloc(const struct dmademo_ops *ops, struct dmademo_bufs *b,
		      struct dmademo_slot *s)
{
	int ret;

	if (!ops->base)
		return ops->alloc ? ops->alloc(b, s) : 0;
	ret = ops->base->alloc(b, s);
	if (ret)
		return ret;
	ret = ops->base->to_dev(b, s);
	if (ret) {
		ops->base->free(b, s);
		return ret;
	}
	ops->to_cpu(b, s);
	return 0;
}

static void slot_free(const struct dmademo_ops *ops, struct dmademo_bufs *b,
		      struct dmademo_slot *s)
{
	if (ops->base) {
		ops->base->to_cpu(b, s);
		ops->base->free(b, s);
	} else if (ops->free) {
		ops->free(b, s);
	}
}

/* the source's and the destination's, by enum dmademo_direction */
static const enum dma_data_direction dirs[DMADEMO_NR_DIRECTIONS][2] = {
	[DMADEMO_DIR_TRANSFER]	    = { DMA_TO_DEVICE, DMA_FROM_DEVICE },
	[DMADEMO_DIR_TO_DEVICE]	    = { DMA_TO_DEVICE, DMA_TO_DEVICE },
	[DMADEMO_DIR_FROM_DEVICE]   = { DMA_FROM_DEVICE, DMA_FROM_DEVICE },
	[DMADEMO_DIR_BIDIRECTIONAL] = { DMA_BIDIRECTIONAL, DMA_BIDIRECTIONAL },
};

struct dmademo_bufs *dmademo_bufs_alloc(const struct dmademo_ops *ops,
					struct device *dev, size_t len,
					size_t align, unsigned int nr,
					u32 direction)
{
	struct dmademo_bufs *b;
	unsigned int i = 0;
	int ret;

	b = kzalloc(struct_size(b, slot, nr), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	/* pieces contiguous in both: at most one per page of each, less one */
	b->max_tx = ops->sg ? 2 * max_t(size_t, 1, DIV_ROUND_UP(len, PAGE_SIZE)) : 1;
	/* sg at 64 MiB and depth 64: 16 MB of descriptor pointers, past kmalloc's largest */
	b->tx = kvcalloc(nr * b->max_tx, sizeof(*b->tx), GFP_KERNEL | __GFP_NOWARN);
	if (!b->tx) {
		ret = -ENOMEM;
		goto err_free;
	}
	b->ops = ops;
	b->dev = dev;
	b->len = len;
	b->sync_len = len;
	b->align = align;
	b->guard = ops->guarded ? align : 0;
	b->nr = nr;
	b->src_dir = dirs[direction][0];
	b->dst_dir = dirs[direction][1];
	INIT_LIST_HEAD(&b->stuck);

	if (ops->setup) {
		ret = ops->setup(b);
		if (ret)
			goto err_free;
	}
	for (i = 0; i < nr; i++) {
		b->slot[i].bufs = b;
		b->slot[i].tx = &b->tx[i * b->max_tx];
		init_completion(&b->slot[i].done);
		ret = slot_alloc(ops, b, &b->slot[i]);
		if (ret)
			goto err_slots;
	}
	return b;

err_slots:
	while (i--)
		slot_free(ops, b, &b->slot[i]);
	if (ops->teardown)
		ops->teardown(b);
err_free:
	kvfree(b->tx);
	kfree(b);
	return ERR_PTR(ret);
}

/* Frees the buffers; every slot has been taken back from the device. */
void dmademo_bufs_free(struct dmademo_bufs *b)
{
	const struct dmademo_ops *ops = b->ops;
	unsigned int i;

	for (i = 0; i < b->nr; i++) {
		if (b->slot[i].mapped && ops->to_cpu)
			ops->to_cpu(b, &b->slot[i]);
		if (b->slot[i].held)
			ops->put(b, &b->slot[i]);
		slot_free(ops, b, &b->slot[i]);
	}
	if (ops->teardown)
		ops->teardown(b);
	kvfree(b->tx);
	kfree(b);
}
