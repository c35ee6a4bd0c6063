// SPDX-License-Identifier: GPL-2.0
/*
 * The kinds of buffer /dev/dmademo (mmap.c) maps to user space, as a driver
 * would allocate and map each one:
 *
 *   coherent  dma_alloc_coherent() + dma_mmap_coherent()
 *   wc        dma_alloc_wc() + dma_mmap_wc()
 *   cached    dma_alloc_pages() + dma_mmap_pages(), mapped cached and
 *             synced with dma_sync_single_for_{device,cpu}() on request
 *
 * Each is a strategy's ops table with one slot (strategy.h), so the
 * engines move its bytes as they move a run's, plus how it is mapped.
 */
#include "dmademo.h"

#include <linux/mm.h>

#include "strategy.h"
#include "uapi.h"

#define GFP_BUF		(GFP_KERNEL | __GFP_NOWARN)

/*
 * What user space maps: whole pages. A per-device coherent pool
 * (__dma_alloc_from_coherent()) zeroes only the size asked for, while
 * dma_mmap_coherent() maps every page the buffer touches: the rest of the
 * last page would show user space what the pool held before.
 */
static size_t mapped_len(struct dmademo_bufs *b)
{
	return PAGE_ALIGN(b->len);
}

static int coherent_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	size_t len = mapped_len(b);

	s->src = dma_alloc_coherent(b->dev, len, &s->src_dma, GFP_BUF);
	if (!s->src)
		return -ENOMEM;
	s->dst = dma_alloc_coherent(b->dev, len, &s->dst_dma, GFP_BUF);
	if (!s->dst) {
		dma_free_coherent(b->dev, len, s->src, s->src_dma);
		return -ENOMEM;
	}
	return 0;
}

static void coherent_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_coherent(b->dev, mapped_len(b), s->dst, s->dst_dma);
	dma_free_coherent(b->dev, mapped_len(b), s->src, s->src_dma);
}

static int coherent_mmap(struct dmademo_bufs *b, struct vm_area_struct *vma,
			 void *cpu, dma_addr_t dma)
{
	return dma_mmap_coherent(b->dev, vma, cpu, dma, mapped_len(b));
}

static int wc_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	size_t len = mapped_len(b);

	s->src = dma_alloc_wc(b->dev, len, &s->src_dma, GFP_BUF);
	if (!s->src)
		return -ENOMEM;
	s->dst = dma_alloc_wc(b->dev, len, &s->dst_dma, GFP_BUF);
	if (!s->dst) {
		dma_free_wc(b->dev, len, s->src, s->src_dma);
		return -ENOMEM;
	}
	return 0;
}

static void wc_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_wc(b->dev, mapped_len(b), s->dst, s->dst_dma);
	dma_free_wc(b->dev, mapped_len(b), s->src, s->src_dma);
}

static int wc_mmap(struct dmademo_bufs *b, struct vm_area_struct *vma,
		   void *cpu, dma_addr_t dma)
{
	return dma_mmap_wc(b->dev, vma, cpu, dma, mapped_len(b));
}

/*
 * dma_direct_alloc_pages() zeroes the pages through the kernel's cacheable
 * mapping and leaves the zeros in the cache. A later invalidate (any sync
 * for the CPU; on ARMv7 a sync for the device of the DMA_FROM_DEVICE
 * destination, v7_dma_inv_range()) may drop them and show user space what
 * the memory held before. A DMA_TO_DEVICE mapping cleans on every
 * architecture (arch_sync_dma_for_device()): the zeros reach memory. (DMA-API
 * debug tracks no to-device mapping among overlapping ones.)
 */
static int cached_write_back(struct dmademo_bufs *b, struct page *page)
{
	dma_addr_t dma = dma_map_page(b->dev, page, 0, mapped_len(b), DMA_TO_DEVICE);

	if (dma_mapping_error(b->dev, dma))
		return -ENOMEM;
	dma_unmap_page(b->dev, dma, mapped_len(b), DMA_TO_DEVICE);
	return 0;
}

/* cached: zeroed lowmem pages, written back, owned by the CPU */
static int cached_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	struct page *src, *dst;
	int ret = -ENOMEM;

	src = dma_alloc_pages(b->dev, b->len, &s->src_dma, DMA_TO_DEVICE, GFP_BUF);
	if (!src)
		return -ENOMEM;
	/* as for dma_alloc_noncoherent() in strategy.c: DMA-API debug wants it */
	dma_mapping_error(b->dev, s->src_dma);
	dst = dma_alloc_pages(b->dev, b->len, &s->dst_dma, DMA_FROM_DEVICE, GFP_BUF);
	if (!dst)
		goto err_src;
	dma_mapping_error(b->dev, s->dst_dma);
	ret = cached_write_back(b, src);
	if (!ret)
		ret = cached_write_back(b, dst);
	if (ret)
		goto err_dst;
	s->src = page_address(src);
	s->dst = page_address(dst);
	return 0;

err_dst:
	dma_free_pages(b->dev, b->len, dst, s->dst_dma, DMA_FROM_DEVICE);
err_src:
	dma_free_pages(b->dev, b->len, src, s->src_dma, DMA_TO_DEVICE);
	return ret;
}

static void cached_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	dma_free_pages(b->dev, b->len, virt_to_page(s->dst), s->dst_dma, DMA_FROM_DEVICE);
	dma_free_pages(b->dev, b->len, virt_to_page(s->src), s->src_dma, DMA_TO_DEVICE);
}

static int cached_mmap(struct dmademo_bufs *b, struct vm_area_struct *vma,
		       void *cpu, dma_addr_t dma)
{
	return dma_mmap_pages(b->dev, vma, b->len, virt_to_page(cpu));
}

const struct dmademo_ukind dmademo_ukinds[DMADEMO_KIND_UDMABUF] = {
	[DMADEMO_KIND_COHERENT] = {
		.ops = {
			.alloc_what = "dma_alloc_coherent",
			.alloc = coherent_alloc,
			.free = coherent_free,
		},
		.mmap = coherent_mmap,
	},
	[DMADEMO_KIND_WC] = {
		.ops = {
			.alloc_what = "dma_alloc_wc",
			.alloc = wc_alloc,
			.free = wc_free,
		},
		.mmap = wc_mmap,
	},
	[DMADEMO_KIND_CACHED] = {
		.ops = {
			.alloc_what = "dma_alloc_pages",
			.alloc = cached_alloc,
			.free = cached_free,
			.to_dev = dmademo_sync_to_dev,
			.to_cpu = dmademo_sync_to_cpu,
		},
		.mmap = cached_mmap,
	},
};
