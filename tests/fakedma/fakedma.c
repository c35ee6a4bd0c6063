// SPDX-License-Identifier: GPL-2.0
/*
 * fakedma: one dmaengine DMA_MEMCPY channel for dmademo's tests, with the
 * copy alignment that no emulated controller has: copy_align= (log2, as
 * struct dma_device's copy_align; default 3, 8 bytes). The CPU copies each
 * descriptor when it is issued and runs its callback there, as QEMU's
 * bcm2835 model completes inside issue_pending. Its device is a platform
 * device of its own, with no DMA offset (dma_to_phys() is the identity)
 * and a 32-bit mask. A test module, not part of dmademo.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static uint copy_align = 3;
module_param(copy_align, uint, 0400);

struct fake_desc {
	struct dma_async_tx_descriptor tx;
	struct list_head node;
	dma_addr_t dst, src;
	size_t len;
};

static struct platform_device *pdev;
static struct dma_device dd;
static struct dma_chan chan;
static DEFINE_SPINLOCK(lock);
static LIST_HEAD(submitted);

static struct fake_desc *to_fake(struct dma_async_tx_descriptor *tx)
{
	return container_of(tx, struct fake_desc, tx);
}

static dma_cookie_t fake_submit(struct dma_async_tx_descriptor *tx)
{
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&lock, flags);
	cookie = chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	chan.cookie = cookie;
	tx->cookie = cookie;
	list_add_tail(&to_fake(tx)->node, &submitted);
	spin_unlock_irqrestore(&lock, flags);
	return cookie;
}

static struct dma_async_tx_descriptor *
fake_prep_memcpy(struct dma_chan *c, dma_addr_t dst, dma_addr_t src, size_t len,
		 unsigned long flags)
{
	struct fake_desc *d = kzalloc(sizeof(*d), GFP_NOWAIT);

	if (!d)
		return NULL;
	dma_async_tx_descriptor_init(&d->tx, c);
	d->tx.flags = flags;
	d->tx.tx_submit = fake_submit;
	d->dst = dst;
	d->src = src;
	d->len = len;
	return &d->tx;
}

/* copies and completes everything submitted, in order */
static void fake_issue_pending(struct dma_chan *c)
{
	struct device *dev = &pdev->dev;
	struct fake_desc *d;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&lock, flags);
		d = list_first_entry_or_null(&submitted, struct fake_desc, node);
		if (d)
			list_del(&d->node);
		spin_unlock_irqrestore(&lock, flags);
		if (!d)
			return;
		memcpy(phys_to_virt(dma_to_phys(dev, d->dst)),
		       phys_to_virt(dma_to_phys(dev, d->src)), d->len);
		c->completed_cookie = d->tx.cookie;
		if (d->tx.callback)
			d->tx.callback(d->tx.callback_param);
		kfree(d);
	}
}

static enum dma_status fake_tx_status(struct dma_chan *c, dma_cookie_t cookie,
				      struct dma_tx_state *state)
{
	return dma_async_is_complete(cookie, c->completed_cookie, c->cookie);
}

/* what was submitted and not issued is dropped */
static int fake_terminate_all(struct dma_chan *c)
{
	struct fake_desc *d, *tmp;
	unsigned long flags;
	LIST_HEAD(drop);

	spin_lock_irqsave(&lock, flags);
	list_splice_init(&submitted, &drop);
	spin_unlock_irqrestore(&lock, flags);
	list_for_each_entry_safe(d, tmp, &drop, node)
		kfree(d);
	return 0;
}

static void fake_synchronize(struct dma_chan *c)
{
}

static int fake_alloc_chan_resources(struct dma_chan *c)
{
	return 0;
}

static void fake_free_chan_resources(struct dma_chan *c)
{
	fake_terminate_all(c);
}

/* dma_async_device_register() takes its owner from the device's driver: a driver of its own */
static int fakedma_probe(struct platform_device *p)
{
	dma_cap_set(DMA_MEMCPY, dd.cap_mask);
	dd.dev = &p->dev;
	dd.copy_align = copy_align;
	dd.device_alloc_chan_resources = fake_alloc_chan_resources;
	dd.device_free_chan_resources = fake_free_chan_resources;
	dd.device_prep_dma_memcpy = fake_prep_memcpy;
	dd.device_issue_pending = fake_issue_pending;
	dd.device_tx_status = fake_tx_status;
	dd.device_terminate_all = fake_terminate_all;
	dd.device_synchronize = fake_synchronize;
	INIT_LIST_HEAD(&dd.channels);
	chan.device = &dd;
	chan.cookie = DMA_MIN_COOKIE;
	chan.completed_cookie = DMA_MIN_COOKIE;
	list_add_tail(&chan.device_node, &dd.channels);
	return dmaenginem_async_device_register(&dd);
}

static struct platform_driver fakedma_driver = {
	.probe = fakedma_probe,
	.driver.name = KBUILD_MODNAME,
};

static int __init fakedma_init(void)
{
	struct platform_device_info info = {
		.name = KBUILD_MODNAME,
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(32),
	};
	int ret;

	if (copy_align > 7) {
		pr_err("copy_align=%u: a power of two up to 2^7 bytes\n", copy_align);
		return -EINVAL;
	}
	ret = platform_driver_register(&fakedma_driver);
	if (ret)
		return ret;
	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev)) {
		ret = PTR_ERR(pdev);
		goto err_driver;
	}
	if (!dd.dev) {
		ret = -ENODEV;		/* the probe failed */
		goto err_device;
	}
	pr_info("%s: DMA_MEMCPY, copy alignment %u B\n", dma_chan_name(&chan), 1U << copy_align);
	return 0;

err_device:
	platform_device_unregister(pdev);
err_driver:
	platform_driver_unregister(&fakedma_driver);
	return ret;
}

static void __exit fakedma_exit(void)
{
	platform_device_unregister(pdev);
	platform_driver_unregister(&fakedma_driver);
}

module_init(fakedma_init);
module_exit(fakedma_exit);

MODULE_DESCRIPTION("A DMA_MEMCPY channel with a copy alignment, copied by the CPU, for dmademo's tests");
MODULE_LICENSE("GPL");
