// SPDX-License-Identifier: GPL-2.0
/*
 * The memory of the strategies that do not take it from the DMA API:
 * kmalloc() buffers, and buffers of separate pages vmap()ed for the CPU.
 */
#include "dmademo.h"

#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "strategy.h"

/* a slot's two kmalloc() buffers: streaming, streaming-sync, cpu, phys */

int dmademo_kmalloc_alloc(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	s->src = kmalloc(b->len, GFP_KERNEL | __GFP_NOWARN);
	s->dst = kmalloc(b->len, GFP_KERNEL | __GFP_NOWARN);
	if (!s->src || !s->dst) {
		kfree(s->dst);
		kfree(s->src);
		return -ENOMEM;
	}
	return 0;
}

void dmademo_kmalloc_free(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	kfree(s->dst);
	kfree(s->src);
}

/*
 * A buffer is up to 16384 order-0 allocations, which GFP_KERNEL alone never
 * lets fail: a run too big for the memory woke the OOM killer, which could
 * only kill user space (the run's thread cannot be killed) and then
 * panicked. They fail instead, and the cell is skipped with -ENOMEM.
 */
#define GFP_BUF		(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)

/*
 * One buffer of separate pages, no two consecutive ones physically adjacent
 * (one page under a page): its table and its CPU mapping.
 */
struct sg_buf {
	struct sg_table sgt;
	unsigned int nr_pages;
	struct page *pages[];
};

void dmademo_pages_free(void *vaddr, struct sg_table *sgt)
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

/*
 * A buffer's next page, never a physical neighbour of its last one: the
 * page allocator often hands out neighbours, and an IOMMU maps a run of them
 * with one call (iommu_map_sg()), so sg's and iova's costs would depend on
 * the allocator's luck of the moment. Neighbours wait on aside.
 */
static struct page *pages_next(struct page *last, struct list_head *aside)
{
	unsigned long pfn;
	struct page *page;
	unsigned int tries;

	for (tries = 0; ; tries++) {
		page = alloc_page(GFP_BUF);
		if (!page || !last || tries == 8)
			return page;
		pfn = page_to_pfn(page);
		if (pfn != page_to_pfn(last) + 1 && pfn + 1 != page_to_pfn(last))
			return page;
		list_add(&page->lru, aside);
	}
}

struct sg_table *dmademo_pages_alloc(size_t len, void **vaddr)
{
	unsigned int i, n = max_t(size_t, 1, DIV_ROUND_UP(len, PAGE_SIZE));
	long avail = si_mem_available() - global_zone_page_state(NR_FREE_CMA_PAGES);
	struct page *page, *tmp;
	struct scatterlist *sg;
	struct sg_buf *sb;
	LIST_HEAD(aside);

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
		sb->pages[i] = pages_next(i ? sb->pages[i - 1] : NULL, &aside);
		if (!sb->pages[i])
			break;
		sb->nr_pages++;
	}
	list_for_each_entry_safe(page, tmp, &aside, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	if (sb->nr_pages < n || sg_alloc_table(&sb->sgt, n, GFP_BUF))
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
