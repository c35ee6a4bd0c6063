// SPDX-License-Identifier: GPL-2.0
/*
 * The scatterlist strategies: buffers the device sees as a list of
 * segments and the CPU through one virtual mapping, as a driver has them
 * for user pages, page-cache pages or large allocations:
 *
 *   sg             separate pages in an sg_table, vmap()ed for the CPU;
 *                  dma_map_sgtable()/dma_unmap_sgtable() per transfer
 *   sg-sync        the same, mapped once per step (see slot_alloc());
 *                  dma_sync_sgtable_for_{device,cpu}()
 *   noncontiguous  dma_alloc_noncontiguous() + dma_vmap_noncontiguous(),
 *                  dma_sync_sgtable_for_{device,cpu}() (the API for large
 *                  non-contiguous buffers since 5.15; without an IOMMU it
 *                  hands out one contiguous segment)
 *
 * Pages are allocated one by one and put in the table one per entry, so
 * the table is as discontiguous as the pages; only an IOMMU's mapping
 * merges segments. Sizes under a page use one page.
 */
#include "dmademo.h"

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "strategy.h"

/*
 * A buffer is up to 16384 order-0 allocations, which GFP_KERNEL alone never
 * lets fail: a run too big for the memory woke the OOM killer, which could
 * only kill user space (the run's thread cannot be killed) and then
 * panicked. They fail instead, and the cell is skipped with -ENOMEM.
 */
#define GFP_BUF		(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)

/* One buffer of separate pages: its table and its CPU mapping. */
struct sg_buf {
	struct sg_table sgt;
	unsigned int nr_pages;
	struct page *pages[];
};

static void sg_buf_free(void *vaddr, struct sg_table *sgt)
{
	struct sg_buf *sb;
	unsigned int i;

	if (!sgt)
		return;
	sb = container_of(sgt, struct sg_buf, sgt);
	vunmap(vaddr);
	sg_free_table(&sb->sgt);
	for (i = 0; i < sb->nr_pages; i++)
		__free_page(sb->pages[i]);
	kfree(sb);
}

static struct sg_table *sg_buf_alloc(size_t len, void **vaddr)
{
	unsigned int i, n = max_t(size_t, 1, DIV_ROUND_UP(len, PAGE_SIZE));
	long avail = si_mem_available() - global_zone_page_state(NR_FREE_CMA_PAGES);
	struct scatterlist *sg;
	struct sg_buf *sb;

	/*
	 * vmap() allocates with GFP_KERNEL whatever GFP_BUF says (page tables
	 * and, with KASAN, a shadow of 1/8 of the buffer): a buffer takes at
	 * most half of what unmovable allocations can still get, so that it
	 * leaves at least as much as it takes.
	 */
	if (n > avail / 2)
		return NULL;
	sb = kzalloc(struct_size(sb, pages, n), GFP_BUF);
	if (!sb)
		return NULL;
	for (i = 0; i < n; i++) {
		sb->pages[i] = alloc_page(GFP_BUF);
		if (!sb->pages[i])
			goto err;
		sb->nr_pages++;
	}
	if (sg_alloc_table(&sb->sgt, n, GFP_BUF))
		goto err;
	for_each_sgtable_sg(&sb->sgt, sg, i)
		sg_set_page(sg, sb->pages[i], min_t(size_t, len - i * PAGE_SIZE, PAGE_SIZE), 0);
	*vaddr = vmap(sb->pages, n, VM_MAP, PAGE_KERNEL);
	if (*vaddr)
		return &sb->sgt;
	sg_free_table(&sb->sgt);
err:
	while (sb->nr_pages)
		__free_page(sb->pages[--sb->nr_pages]);
	kfree(sb);
	return NULL;
}

static int sg_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_sgt = sg_buf_alloc(b->len, &s->src);
	if (!s->src_sgt)
		return -ENOMEM;
	s->dst_sgt = sg_buf_alloc(b->len, &s->dst);
	if (!s->dst_sgt) {
		sg_buf_free(s->src, s->src_sgt);
		return -ENOMEM;
	}
	return 0;
}

static void sg_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	sg_buf_free(s->dst, s->dst_sgt);
	sg_buf_free(s->src, s->src_sgt);
}

/*
 * The CPU writes and reads these buffers through a second, vmap()ed,
 * mapping: flush it before the device's turn and invalidate it after, for
 * CPUs whose caches alias (no-ops on arm64 and x86).
 */
static void vmap_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	flush_kernel_vmap_range(s->src, b->len);
	flush_kernel_vmap_range(s->dst, b->len);
}

static void vmap_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	invalidate_kernel_vmap_range(s->dst, b->len);
}

static void first_segments(struct dmademo_slot *s)
{
	s->src_dma = sg_dma_address(s->src_sgt->sgl);
	s->dst_dma = sg_dma_address(s->dst_sgt->sgl);
}

/* sg: map before, unmap after every transfer */

static int sg_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	vmap_to_dev(b, s);
	if (dma_map_sgtable(b->dev, s->src_sgt, b->src_dir, 0))
		return -ENOMEM;
	if (s->fault == DMADEMO_FAULT_MAP_ERROR ||	/* injected */
	    dma_map_sgtable(b->dev, s->dst_sgt, b->dst_dir, 0)) {
		dma_unmap_sgtable(b->dev, s->src_sgt, b->src_dir, 0);
		return -ENOMEM;
	}
	first_segments(s);
	return 0;
}

static void sg_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_unmap_sgtable(b->dev, s->dst_sgt, b->dst_dir, 0);
	if (s->fault != DMADEMO_FAULT_SKIP_UNMAP)
		dma_unmap_sgtable(b->dev, s->src_sgt, b->src_dir, 0);
	vmap_to_cpu(b, s);
}

/* sg-sync and noncontiguous: synced around every transfer */

static int sgt_sync_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	vmap_to_dev(b, s);
	dma_sync_sgtable_for_device(b->dev, s->src_sgt, b->src_dir);
	dma_sync_sgtable_for_device(b->dev, s->dst_sgt, b->dst_dir);
	return 0;
}

static void sgt_sync_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	enum dma_data_direction dir = b->dst_dir;

	if (s->fault == DMADEMO_FAULT_WRONG_DIR)
		dir = dir == DMA_TO_DEVICE ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	dma_sync_sgtable_for_cpu(b->dev, s->dst_sgt, dir);
	dma_sync_sgtable_for_cpu(b->dev, s->src_sgt, b->src_dir);
	vmap_to_cpu(b, s);
}

/* noncontiguous: allocated mapped, owned by the CPU */

static void nc_free_one(struct dmademo_bufs *b, void *vaddr, struct sg_table *sgt,
			enum dma_data_direction dir)
{
	if (vaddr)
		dma_vunmap_noncontiguous(b->dev, vaddr);
	dma_free_noncontiguous(b->dev, b->len, sgt, dir);
}

static struct sg_table *nc_alloc_one(struct dmademo_bufs *b, void **vaddr,
				     enum dma_data_direction dir)
{
	struct sg_table *sgt;

	sgt = dma_alloc_noncontiguous(b->dev, b->len, dir, GFP_BUF, 0);
	if (!sgt)
		return NULL;
	*vaddr = dma_vmap_noncontiguous(b->dev, b->len, sgt);
	if (!*vaddr) {
		nc_free_one(b, NULL, sgt, dir);
		return NULL;
	}
	return sgt;
}

static int nc_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_sgt = nc_alloc_one(b, &s->src, b->src_dir);
	if (!s->src_sgt)
		return -ENOMEM;
	s->dst_sgt = nc_alloc_one(b, &s->dst, b->dst_dir);
	if (!s->dst_sgt) {
		nc_free_one(b, s->src, s->src_sgt, b->src_dir);
		return -ENOMEM;
	}
	first_segments(s);
	return 0;
}

static void nc_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	nc_free_one(b, s->dst, s->dst_sgt, b->dst_dir);
	nc_free_one(b, s->src, s->src_sgt, b->src_dir);
}

const struct dmademo_ops dmademo_sg_ops = {
	.alloc_what = "alloc_page",
	.alloc = sg_alloc,
	.free = sg_free,
	.to_dev = sg_to_dev,
	.to_cpu = sg_to_cpu,
	.map_per_transfer = true,
	.sg = true,
	.faults = BIT(DMADEMO_FAULT_SKIP_UNMAP) | BIT(DMADEMO_FAULT_MAP_ERROR),
};

const struct dmademo_ops dmademo_sg_sync_ops = {
	.alloc_what = "alloc_page + dma_map_sgtable",
	.base = &dmademo_sg_ops,
	.to_dev = sgt_sync_to_dev,
	.to_cpu = sgt_sync_to_cpu,
	.sg = true,
	.faults = BIT(DMADEMO_FAULT_WRONG_DIR),
};

const struct dmademo_ops dmademo_noncontiguous_ops = {
	.alloc_what = "dma_alloc_noncontiguous",
	.alloc = nc_alloc,
	.free = nc_free,
	.to_dev = sgt_sync_to_dev,
	.to_cpu = sgt_sync_to_cpu,
	.sg = true,
	.faults = BIT(DMADEMO_FAULT_WRONG_DIR),
};
