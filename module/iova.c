// SPDX-License-Identifier: GPL-2.0
/*
 * The mapping calls of the DMA API's newest kernels, each where this
 * kernel's headers have it (Kbuild), otherwise absent:
 *
 *   iova  separate pages dma_iova_link()ed into one range per transfer
 *   phys  kmalloc() + dma_map_phys()/dma_unmap_phys() per transfer
 *
 * iova: the two-step IOVA API (dma_iova_*(), drivers/iommu/dma-iommu.c) on
 * sg's buffers of separate pages. Each buffer gets its range of IOVA space
 * once, with the step's buffers (dma_iova_try_alloc()); every transfer
 * links its pages into it one by one (dma_iova_link(): no two are physical
 * neighbours, pages.c, that a driver would link at once), makes the IOMMU
 * see them with one dma_iova_sync(), and unlinks them afterwards
 * (dma_iova_unlink()); the range goes with the buffers (dma_iova_free()).
 * The device sees one contiguous range, so a transfer is one descriptor
 * where sg needs one per page.
 *
 * dma_iova_try_alloc() says no unless an IOMMU DMA domain translates for the
 * device (use_dma_iommu(): not under dma-direct, swiotlb or passthrough).
 * Drivers then fall back to dma_map_page() or dma_map_sgtable(), which
 * streaming and sg measure: this strategy's cells are skipped there.
 */
#include "dmademo.h"

#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/scatterlist.h>

#include "strategy.h"

#ifdef DMADEMO_HAVE_DMA_IOVA

static int iova_check(struct device *dev, char *why, size_t why_len)
{
	struct dma_iova_state state;

	/* a page's worth at any page-aligned address: nothing is linked */
	if (dma_iova_try_alloc(dev, &state, 0, PAGE_SIZE)) {
		dma_iova_free(dev, &state);
		return 0;
	}
	snprintf(why, why_len, "dma_iova_try_alloc() says no: no IOMMU DMA domain");
	return -EOPNOTSUPP;
}

static void iova_free_one(struct dmademo_bufs *b, void *vaddr,
			  struct sg_table *sgt, struct dma_iova_state *state)
{
	dma_iova_free(b->dev, state);
	dmademo_pages_free(vaddr, sgt);
}

static struct sg_table *iova_alloc_one(struct dmademo_bufs *b, void **vaddr,
				       struct dma_iova_state *state)
{
	struct sg_table *sgt = dmademo_pages_alloc(b->len, vaddr);

	if (!sgt)
		return NULL;
	if (dma_iova_try_alloc(b->dev, state, sg_phys(sgt->sgl), b->len))
		return sgt;
	dmademo_pages_free(*vaddr, sgt);
	return NULL;
}

static int iova_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_sgt = iova_alloc_one(b, &s->src, &s->src_iova);
	if (!s->src_sgt)
		return -ENOMEM;
	s->dst_sgt = iova_alloc_one(b, &s->dst, &s->dst_iova);
	if (!s->dst_sgt) {
		iova_free_one(b, s->src, s->src_sgt, &s->src_iova);
		return -ENOMEM;
	}
	return 0;
}

static void iova_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	iova_free_one(b, s->dst, s->dst_sgt, &s->dst_iova);
	iova_free_one(b, s->src, s->src_sgt, &s->src_iova);
}

/*
 * Links a buffer's pages into its range in order, then one IOTLB sync; on
 * failure unlinks what it linked. fail_at: the page whose link fails as if
 * it had (fault injection), or past the last.
 */
static int iova_link(struct dmademo_bufs *b, struct sg_table *sgt,
		     struct dma_iova_state *state, enum dma_data_direction dir,
		     unsigned int fail_at)
{
	struct scatterlist *sg;
	size_t linked = 0;
	unsigned int i;
	int ret = 0;

	for_each_sgtable_sg(sgt, sg, i) {
		ret = i == fail_at ? -ENOMEM :
		      dma_iova_link(b->dev, state, sg_phys(sg), linked, sg->length, dir, 0);
		if (ret)
			break;
		linked += sg->length;
	}
	if (!ret)
		ret = dma_iova_sync(b->dev, state, 0, linked);
	if (ret && linked)
		dma_iova_unlink(b->dev, state, 0, linked, dir, 0);
	return ret;
}

/*
 * The CPU writes and reads these buffers through their vmap()ed mapping:
 * flushed before the device's turn, invalidated after, as sg does.
 */
static int iova_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	/* injected: the destination's link fails half way through its pages */
	unsigned int fail_at = s->fault == DMADEMO_FAULT_MAP_ERROR ?
			       s->dst_sgt->orig_nents / 2 : UINT_MAX;
	int ret;

	flush_kernel_vmap_range(s->src, b->len);
	flush_kernel_vmap_range(s->dst, b->len);
	ret = iova_link(b, s->src_sgt, &s->src_iova, b->src_dir, UINT_MAX);
	if (ret)
		return ret;
	ret = iova_link(b, s->dst_sgt, &s->dst_iova, b->dst_dir, fail_at);
	if (ret) {
		dma_iova_unlink(b->dev, &s->src_iova, 0, b->len, b->src_dir, 0);
		return ret;
	}
	s->src_dma = s->src_iova.addr;
	s->dst_dma = s->dst_iova.addr;
	return 0;
}

static void iova_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_iova_unlink(b->dev, &s->dst_iova, 0, b->len, b->dst_dir, 0);
	dma_iova_unlink(b->dev, &s->src_iova, 0, b->len, b->src_dir, 0);
	invalidate_kernel_vmap_range(s->dst, b->len);
}

const struct dmademo_ops dmademo_iova_ops = {
	.alloc_what = "alloc_page + dma_iova_try_alloc",
	.check = iova_check,
	.alloc = iova_alloc,
	.free = iova_free,
	.to_dev = iova_to_dev,
	.to_cpu = iova_to_cpu,
	.map_per_transfer = true,
	.faults = BIT(DMADEMO_FAULT_MAP_ERROR),
};

#else

const struct dmademo_ops dmademo_iova_ops = {
	.absent = "dma_iova_try_alloc() is not in this kernel's <linux/dma-mapping.h>",
};

#endif

/*
 * phys: streaming's buffers mapped by physical address. Since dma_map_phys()
 * came, dma_map_page_attrs() (and so dma_map_single()) is a wrapper of it
 * (kernel/dma/mapping.c): the two differ by the page lookup and its checks.
 */
#ifdef DMADEMO_HAVE_DMA_MAP_PHYS
static int phys_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src_dma = dma_map_phys(b->dev, virt_to_phys(s->src), b->len, b->src_dir, 0);
	if (dma_mapping_error(b->dev, s->src_dma))
		return -ENOMEM;
	if (s->fault == DMADEMO_FAULT_MAP_ERROR)
		s->dst_dma = DMA_MAPPING_ERROR;		/* injected: as if it failed */
	else
		s->dst_dma = dma_map_phys(b->dev, virt_to_phys(s->dst), b->len,
					  b->dst_dir, 0);
	if (dma_mapping_error(b->dev, s->dst_dma)) {
		dma_unmap_phys(b->dev, s->src_dma, b->len, b->src_dir, 0);
		return -ENOMEM;
	}
	return 0;
}

static void phys_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_unmap_phys(b->dev, s->dst_dma, b->len, b->dst_dir, 0);
	dma_unmap_phys(b->dev, s->src_dma, b->len, b->src_dir, 0);
}

const struct dmademo_ops dmademo_phys_ops = {
	.alloc_what = "kmalloc",
	.alloc = dmademo_kmalloc_alloc,
	.free = dmademo_kmalloc_free,
	.to_dev = phys_to_dev,
	.to_cpu = phys_to_cpu,
	.map_per_transfer = true,
	.kmalloc = true,
	.faults = BIT(DMADEMO_FAULT_MAP_ERROR),
};
#else
const struct dmademo_ops dmademo_phys_ops = {
	.absent = "dma_map_phys() is not in this kernel's <linux/dma-mapping.h>",
};
#endif
