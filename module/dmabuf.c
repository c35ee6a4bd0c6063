// SPDX-License-Identifier: GPL-2.0
/*
 * dma-bufs an application allocated elsewhere (a memfd through /dev/udmabuf,
 * a DMA heap) and hands to /dev/dmademo (mmap.c), imported the way a driver
 * imports a buffer it is given (Documentation/driver-api/dma-buf.rst):
 *
 *   dma_buf_get() + dma_buf_attach() to the DMA controller's device, once;
 *   around every transfer dma_buf_map_attachment_unlocked() for the device
 *   and dma_buf_unmap_attachment_unlocked() after it (to_dev and to_cpu of
 *   the ops below, timed apart as the map and unmap phases): an importer
 *   that keeps no mapping between its uses of a buffer.
 *
 * Where the cache maintenance happens is the exporter's choice. The heaps'
 * map_dma_buf (system_heap_map_dma_buf(), cma_heap_map_dma_buf()) call
 * dma_map_sgtable() on our device, which cleans or invalidates, and their
 * begin/end_cpu_access sync only the attachments mapped at that moment:
 * none, between transfers. udmabuf maps with DMA_ATTR_SKIP_CPU_SYNC
 * (get_sg_table()) and does it all in the application's
 * DMA_BUF_IOCTL_SYNC, on its own device (begin_cpu_udmabuf()).
 */
#include "dmademo.h"

#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "strategy.h"

#ifdef DMADEMO_IMPORT_NS_STRING
MODULE_IMPORT_NS("DMA_BUF");
#else
MODULE_IMPORT_NS(DMA_BUF);
#endif

/* the two dma-bufs of an import: [0] the source, [1] the destination */
struct dmademo_imported {
	struct dma_buf *buf[2];
	struct dma_buf_attachment *att[2];
	struct sg_table *sgt[2];	/* mapped: between to_dev and to_cpu */
};

static const enum dma_data_direction import_dir[2] = { DMA_TO_DEVICE, DMA_FROM_DEVICE };

static void unmap_one(struct dmademo_imported *im, int i)
{
	dma_buf_unmap_attachment_unlocked(im->att[i], im->sgt[i], import_dir[i]);
	im->sgt[i] = NULL;
}

/* to_dev: both mapped for the device; the engine walks their segments */
static int import_map(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	struct dmademo_imported *im = b->priv;
	struct sg_table *sgt;
	int i;

	for (i = 0; i < 2; i++) {
		sgt = dma_buf_map_attachment_unlocked(im->att[i], import_dir[i]);
		if (IS_ERR(sgt)) {
			if (i)
				unmap_one(im, 0);
			return PTR_ERR(sgt);
		}
		im->sgt[i] = sgt;
	}
	s->src_sgt = im->sgt[0];
	s->dst_sgt = im->sgt[1];
	s->src_dma = sg_dma_address(s->src_sgt->sgl);
	s->dst_dma = sg_dma_address(s->dst_sgt->sgl);
	return 0;
}

static void import_unmap(struct dmademo_bufs *b, struct dmademo_slot *s)
{
	struct dmademo_imported *im = b->priv;

	unmap_one(im, 1);
	unmap_one(im, 0);
	s->src_sgt = NULL;
	s->dst_sgt = NULL;
}

static void import_release(struct dmademo_imported *im)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!IS_ERR_OR_NULL(im->att[i]))
			dma_buf_detach(im->buf[i], im->att[i]);
		if (!IS_ERR_OR_NULL(im->buf[i]))
			dma_buf_put(im->buf[i]);
	}
	kfree(im);
}

/* when the buffers are freed: by FREE, at close, or after a stuck channel's release */
static void import_teardown(struct dmademo_bufs *b)
{
	if (b->priv)
		import_release(b->priv);
}

const struct dmademo_ops dmademo_import_ops = {
	.alloc_what = "dma_buf_map_attachment",
	.teardown = import_teardown,
	.to_dev = import_map,
	.to_cpu = import_unmap,
	.map_per_transfer = true,
	.sg = true,
};

/* The DMA length of a mapped table: what the engine can walk. */
static size_t sgt_dma_len(struct sg_table *sgt)
{
	struct scatterlist *sg;
	size_t len = 0;
	int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		len += sg_dma_len(sg);
	return len;
}

/*
 * Takes both dma-bufs and attaches them to dev, then maps and unmaps them
 * once: what the device cannot take is refused here, not in a transfer.
 * Returns the buffers of a transfer of len bytes, or an ERR_PTR and why.
 */
struct dmademo_bufs *dmademo_import(struct device *dev, int src_fd, int dst_fd, size_t len,
				    u32 *segments, char *why, size_t why_len)
{
	static const char * const name[2] = { "source", "destination" };
	const int fd[2] = { src_fd, dst_fd };
	struct dmademo_imported *im;
	struct dmademo_bufs *b;
	int i, ret;

	im = kzalloc(sizeof(*im), GFP_KERNEL);
	if (!im)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < 2; i++) {
		im->buf[i] = dma_buf_get(fd[i]);
		if (IS_ERR(im->buf[i])) {
			ret = PTR_ERR(im->buf[i]);
			snprintf(why, why_len, "%s fd %d is not a dma-buf", name[i], fd[i]);
			goto err;
		}
		if (im->buf[i]->size < len) {
			ret = -EINVAL;
			snprintf(why, why_len, "the %s dma-buf (%s) has %zu B, fewer than %zu",
				 name[i], im->buf[i]->exp_name, im->buf[i]->size, len);
			goto err;
		}
	}
	if (im->buf[0] == im->buf[1]) {
		ret = -EINVAL;
		snprintf(why, why_len, "the source and the destination are the same dma-buf");
		goto err;
	}
	for (i = 0; i < 2; i++) {
		im->att[i] = dma_buf_attach(im->buf[i], dev);
		if (IS_ERR(im->att[i])) {
			ret = PTR_ERR(im->att[i]);
			snprintf(why, why_len, "dma_buf_attach of the %s (%s) to %s failed",
				 name[i], im->buf[i]->exp_name, dev_name(dev));
			goto err;
		}
	}
	b = dmademo_bufs_alloc(&dmademo_import_ops, dev, len, dma_get_cache_alignment(), 1,
			       DMADEMO_DIR_TRANSFER);
	if (IS_ERR(b)) {
		ret = PTR_ERR(b);
		snprintf(why, why_len, "no memory for the transfer's descriptors");
		goto err;
	}
	b->priv = im;
	ret = import_map(b, &b->slot[0]);
	if (ret) {
		snprintf(why, why_len, "dma_buf_map_attachment for %s failed", dev_name(dev));
		goto err_bufs;
	}
	for (i = 0; i < 2; i++)
		if (sgt_dma_len(im->sgt[i]) < len)
			break;
	*segments = max(im->sgt[0]->nents, im->sgt[1]->nents);
	import_unmap(b, &b->slot[0]);
	if (i < 2) {
		ret = -EINVAL;
		snprintf(why, why_len, "the %s's mapping is shorter than %zu B", name[i], len);
		goto err_bufs;
	}
	return b;

err_bufs:
	dmademo_bufs_free(b);	/* and im, by import_teardown() */
	return ERR_PTR(ret);
err:
	import_release(im);
	return ERR_PTR(ret);
}
