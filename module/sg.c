// SPDX-License-Identifier: GPL-2.0
/*
 * The scatterlist strategies: buffers the device sees as a list of
 * segments and the CPU through one virtual mapping, as a driver has them
 * for user pages, page-cache pages or large allocations:
 *
 *   sg             separate pages in an sg_table, vmap()ed for the CPU;
 *                  dma_map_sgtable()/dma_unmap_sgtable() per transfer
 *   sg-sync        the same, mapped once per step (see slot_alloc());
 *                  dma_sync_sgtable_for_{device,cpu}(), or of a part of
 *                  each buffer (sync_bytes) segment by segment
 *   noncontiguous  dma_alloc_noncontiguous() + dma_vmap_noncontiguous(),
 *                  dma_sync_sgtable_for_{device,cpu}() (the API for large
 *                  non-contiguous buffers since 5.15; without an IOMMU it
 *                  hands out one contiguous segment)
 *
 * Their pages (pages.c) are in the table one per entry, so the table is as
 * discontiguous as the pages; only an IOMMU's mapping merges segments.
 */
#include "dmademo.h"

#include <linux/highmem.h>
#include <linux/mm.h>

#include "strategy.h"

#define GFP_BUF		(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)

static int sg_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_sgt = dmademo_pages_alloc(b->len, &s->src);
	if (!s->src_sgt)
		return -ENOMEM;
	s->dst_sgt = dmademo_pages_alloc(b->len, &s->dst);
	if (!s->dst_sgt) {
		dmademo_pages_free(s->src, s->src_sgt);
		return -ENOMEM;
	}
	return 0;
}

static void sg_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dmademo_pages_free(s->dst, s->dst_sgt);
	dmademo_pages_free(s->src, s->src_sgt);
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

/*
 * sg-sync and noncontiguous: synced around every transfer, the whole table
 * or the part b->sync_off, b->sync_len of each buffer.
 *
 * A part is synced DMA segment by DMA segment, the segments it covers and
 * those in part, with dma_sync_single_range_for_*(): DMA-API debug takes a
 * sync of a range within one mapped segment (check_sync() in
 * kernel/dma/debug.c finds the entry that contains it, and compares the
 * entry count only for sg calls), but dma_sync_sg_for_*() of fewer entries
 * than were mapped it reports as syncing "with different entry count".
 * That holds only while each DMA segment is one entry of the table: an
 * IOMMU that merged entries into one segment syncs a single range from the
 * physical address of its start (iommu_dma_sync_single_for_cpu()), not the
 * entries' pages, so such a table is synced whole.
 */
static bool sgt_sync_part(struct dmademo_bufs *b, struct sg_table *sgt)
{
	return (b->sync_off || b->sync_len < b->len) && sgt->nents == sgt->orig_nents;
}

static void sgt_sync(struct dmademo_bufs *b, struct sg_table *sgt,
		     enum dma_data_direction dir, bool to_cpu)
{
	size_t skip = b->sync_off, left = b->sync_len, n;
	struct scatterlist *sg;
	unsigned int i;

	if (!sgt_sync_part(b, sgt)) {
		if (to_cpu)
			dma_sync_sgtable_for_cpu(b->dev, sgt, dir);
		else
			dma_sync_sgtable_for_device(b->dev, sgt, dir);
		return;
	}
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (!left)
			break;
		if (skip >= sg_dma_len(sg)) {
			skip -= sg_dma_len(sg);
			continue;
		}
		n = min_t(size_t, left, sg_dma_len(sg) - skip);
		if (to_cpu)
			dma_sync_single_range_for_cpu(b->dev, sg_dma_address(sg), skip, n, dir);
		else
			dma_sync_single_range_for_device(b->dev, sg_dma_address(sg), skip, n, dir);
		skip = 0;
		left -= n;
	}
}

static int sgt_sync_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	vmap_to_dev(b, s);
	sgt_sync(b, s->src_sgt, b->src_dir, false);
	sgt_sync(b, s->dst_sgt, b->dst_dir, false);
	return 0;
}

static void sgt_sync_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	enum dma_data_direction dir = b->dst_dir;

	if (s->fault == DMADEMO_FAULT_WRONG_DIR)
		dir = dir == DMA_TO_DEVICE ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	sgt_sync(b, s->dst_sgt, dir, true);
	sgt_sync(b, s->src_sgt, b->src_dir, true);
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
