// SPDX-License-Identifier: GPL-2.0
/*
 * The device a run maps on, and what lies in its DMA path.
 *
 * Without a bound device, runs map on the DMA controller of the channel
 * (state.c). Any platform or PCI device can be bound instead, the way
 * kernel/dma/map_benchmark.c is:
 *
 *   echo dmademo > /sys/bus/pci/devices/0000:00:04.0/driver_override
 *   echo 0000:00:04.0 > /sys/bus/pci/drivers/dmademo/bind
 *
 * While one is, runs are map-only: buffers are allocated and mapped on it
 * and nothing moves them (the "none" engine). What is measured is what a
 * driver of that device pays around its own transfers: the CPU's fill, the
 * map or sync for the device (bounce copies included), the unmap or sync
 * for the CPU (bounce copies and IOTLB invalidation included), the read.
 */
#include "dmademo.h"

#include <linux/device.h>
#include <linux/dma-map-ops.h>	/* dev_is_dma_coherent(): no other way to know */
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/utsname.h>

#include "files.h"
#include "strategy.h"

/* Unbinding stops a run on the device; the run restores its mask. */
static void dmademo_bind_release(void *data)
{
	struct device *dev = data;

	mutex_lock(&dmademo.lock);
	if (dmademo.bound == dev) {
		dmademo_stop();
		dmademo.bound = NULL;
	}
	mutex_unlock(&dmademo.lock);
	dev_info(dev, "unbound from dmademo\n");
}

/* The probe of a device bound by driver_override, on either bus. */
int dmademo_bind_probe(struct device *dev)
{
	int ret = 0;

	if (!dev->dma_mask) {
		dev_err(dev, "has no DMA mask: the kernel does not let it do DMA\n");
		return -EINVAL;
	}
	mutex_lock(&dmademo.lock);
	if (dmademo.bound) {
		dev_err(dev, "%s is bound already: one device at a time\n",
			dev_name(dmademo.bound));
		ret = -EBUSY;
	} else if (dmademo_running()) {
		dev_err(dev, "refused while a run is in progress\n");
		ret = -EBUSY;
	} else {
		dmademo.bound = dev;
	}
	mutex_unlock(&dmademo.lock);
	if (ret)
		return ret;
	dev_info(dev, "bound: runs map on this device, without transfers\n");
	return devm_add_action_or_reset(dev, dmademo_bind_release, dev);
}

static int dmademo_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return dmademo_bind_probe(&pdev->dev);
}

/* No id table: it binds only where driver_override names it. */
static struct pci_driver dmademo_pci_driver = {
	.name = KBUILD_MODNAME,
	.probe = dmademo_pci_probe,
};

int dmademo_device_init(void)
{
	return pci_register_driver(&dmademo_pci_driver);
}

void dmademo_device_exit(void)
{
	pci_unregister_driver(&dmademo_pci_driver);
}

/* The IOMMU domain the device's mappings go through, by its sysfs name. */
static const char *iommu_domain_name(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (!dom)
		return "none";
	switch (dom->type) {
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA-FQ";
	case IOMMU_DOMAIN_BLOCKED:
		return "blocked";
	case IOMMU_DOMAIN_UNMANAGED:
		return "unmanaged";
	default:
		return "other";
	}
}

/*
 * Whether swiotlb bounce buffers are set up for the device, and whether
 * every mapping bounces: the tests of is_swiotlb_active() (no longer
 * exported by 6.12) and is_swiotlb_force_bounce() (kernel/dma/swiotlb.c,
 * include/linux/swiotlb.h).
 */
static bool swiotlb_active(struct device *dev)
{
#ifdef CONFIG_SWIOTLB
	return dev->dma_io_tlb_mem && dev->dma_io_tlb_mem->nslabs;
#else
	return false;
#endif
}

/* One word for the path a streaming mapping takes, for labels. */
static const char *dma_path(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (dom && dom->type == IOMMU_DOMAIN_DMA)
		return "iommu-strict";
	if (dom && dom->type == IOMMU_DOMAIN_DMA_FQ)
		return "iommu-lazy";
	if (is_swiotlb_force_bounce(dev))
		return "swiotlb-force";
	if (dom && dom->type == IOMMU_DOMAIN_IDENTITY)
		return "iommu-passthrough";
	return "dma-direct";
}

/*
 * Where one page, mapped for the device, lands: its physical address and
 * the address the device is given (equal in dma-direct and passthrough, in
 * the swiotlb pool when bounced, an IOVA behind a translating IOMMU).
 */
static void map_probe(struct seq_file *m, struct device *dev)
{
	void *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	phys_addr_t phys;
	dma_addr_t dma;

	if (!buf)
		return;
	phys = virt_to_phys(buf);
	dma = dma_map_single(dev, buf, PAGE_SIZE, DMA_TO_DEVICE);
	if (!dma_mapping_error(dev, dma)) {
		seq_printf(m, "probe_phys=%pa\nprobe_dma=%pad\n", &phys, &dma);
		dma_unmap_single(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	}
	kfree(buf);
}

/*
 * The strategies this device cannot take (ops->check: they are skipped
 * there), each as unusable_NAME=why, then their list. Out of a run only: a
 * check may allocate on the device.
 */
static void unusable_show(struct seq_file *m, struct device *dev)
{
	unsigned int i, n = 0;
	char why[80];
	u32 no = 0;

	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++) {
		const struct dmademo_ops *ops = dmademo_ops[i];

		if (ops->absent || !ops->check || !ops->check(dev, why, sizeof(why)))
			continue;
		no |= BIT(i);
		seq_printf(m, "unusable_%s=%s\n", dmademo_strategy_names[i], why);
	}
	seq_puts(m, "unusable=");
	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		if (no & BIT(i))
			seq_printf(m, "%s%s", n++ ? "," : "", dmademo_strategy_names[i]);
	seq_putc(m, '\n');
}

static void device_show(struct seq_file *m, struct device *dev)
{
	struct dma_chan *chan = dmademo.chan;
	int group = -1;

#ifdef CONFIG_IOMMU_API
	if (dev->iommu_group)
		group = iommu_group_id(dev->iommu_group);
#endif
	seq_printf(m, "dma_device=%s\n", dev_name(dev));
	seq_printf(m, "dma_driver=%s\n", dev_driver_string(dev));
	seq_printf(m, "dma_bus=%s\n", dev->bus ? dev->bus->name : "none");
	seq_printf(m, "engine=%s\n", dmademo.bound ? "none" : "dmaengine");
	seq_printf(m, "dma_coherent=%d\n", dev_is_dma_coherent(dev));
	seq_printf(m, "dma_mask_bits=%d\n", fls64(dma_get_mask(dev)));
	if (!dmademo.bound && chan)
		seq_printf(m, "copy_align=%u\n", 1U << chan->device->copy_align);
	seq_printf(m, "dma_addressing_limited=%d\n", dma_addressing_limited(dev));
	seq_printf(m, "dma_max_mapping_size=%zu\n", dma_max_mapping_size(dev));
	seq_printf(m, "swiotlb=%d\n", swiotlb_active(dev));
	seq_printf(m, "swiotlb_force=%d\n", is_swiotlb_force_bounce(dev));
	seq_printf(m, "iommu_group=%d\n", group);
	seq_printf(m, "iommu_domain=%s\n", iommu_domain_name(dev));
	seq_printf(m, "dma_path=%s\n", dma_path(dev));
	if (!dmademo_running()) {
		map_probe(m, dev);
		unusable_show(m, dev);
	}
	seq_printf(m, "chan_stuck=%d\n", READ_ONCE(dmademo.chan_stuck));
	/* without it a failed transfer costs the channel: dmademo_chan_quiet() */
	if (!dmademo.bound && chan)
		seq_printf(m, "chan_synchronize=%d\n", !!chan->device->device_synchronize);
}

/* comma-separated, as in the CSV headers */
static void list_show(struct seq_file *m, const char *key,
		      const char * const *names, unsigned int nr)
{
	unsigned int i;

	seq_printf(m, "%s=", key);
	for (i = 0; i < nr; i++)
		seq_printf(m, "%s%s", i ? "," : "", names[i]);
	seq_putc(m, '\n');
}

/* the strategies built without their calls (Kbuild), then absent_NAME=why */
static void absent_show(struct seq_file *m)
{
	unsigned int i, n = 0;

	seq_puts(m, "absent=");
	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		if (dmademo_ops[i]->absent)
			seq_printf(m, "%s%s", n++ ? "," : "", dmademo_strategy_names[i]);
	seq_putc(m, '\n');
	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		if (dmademo_ops[i]->absent)
			seq_printf(m, "absent_%s=%s\n", dmademo_strategy_names[i],
				   dmademo_ops[i]->absent);
}

/*
 * The vocabulary (vocab.h), for the collector to copy into meta: every
 * strategy with its family (name:family,...), the phases, the columns.
 */
static void vocab_show(struct seq_file *m)
{
	unsigned int i, n = 0;

	seq_puts(m, "families=");
	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		seq_printf(m, "%s%s:%s", i ? "," : "", dmademo_strategy_names[i],
			   dmademo_strategy_families[i]);
	seq_putc(m, '\n');
	/* the strategies measured against an older call: name:baseline,... */
	seq_puts(m, "baselines=");
	for (i = 0; i < DMADEMO_NR_STRATEGIES; i++)
		if (dmademo_strategy_baselines[i])
			seq_printf(m, "%s%s:%s", n++ ? "," : "", dmademo_strategy_names[i],
				   dmademo_strategy_baselines[i]);
	seq_putc(m, '\n');
	list_show(m, "engines", dmademo_engine_names, DMADEMO_NR_ENGINES);
	list_show(m, "phases", dmademo_phase_names, DMADEMO_NR_PHASES);
	seq_printf(m, "results_columns=%s", dmademo_results_header);
	seq_printf(m, "summary_columns=%s", dmademo_summary_header);
	seq_printf(m, "histogram_columns=%s", dmademo_histogram_header);
}

/* info: what the numbers depend on */
static int info_show(struct seq_file *m, void *v)
{
	struct dma_chan *chan;
	struct device *dev;

	seq_printf(m, "kernel=%s\n", utsname()->release);
	seq_printf(m, "version=%s\n", DMADEMO_VERSION);

	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	chan = dmademo.chan;
	dev = dmademo_run_dev();
	seq_printf(m, "channel=%s\n", chan ? dma_chan_name(chan) : "none");
	seq_printf(m, "channel_from_dt=%d\n", dmademo.chan_from_dt);
	seq_printf(m, "bound_device=%s\n", dmademo.bound ? dev_name(dmademo.bound) : "none");
	if (dev)
		device_show(m, dev);
	/* released, not stopped: freed at unload */
	seq_printf(m, "stuck_kept=%u\n", READ_ONCE(dmademo.nr_kept));
	mutex_unlock(&dmademo.lock);

	seq_printf(m, "dma_cache_align=%d\n", dma_get_cache_alignment());
	seq_printf(m, "page_size=%lu\n", PAGE_SIZE);
	seq_printf(m, "ktime_ns=%u\n", dmademo.ktime_ns);
	seq_printf(m, "ktime_res_ns=%u\n", dmademo.ktime_res_ns);
	seq_printf(m, "phase_ns=%u\n", dmademo.phase_ns);
	seq_printf(m, "overhead_ns=%u\n", dmademo.overhead_ns);
	seq_printf(m, "overhead_hist_ns=%u\n", dmademo.overhead_hist_ns);
	seq_printf(m, "max_samples=%u\n", DMADEMO_MAX_SAMPLES);
	seq_printf(m, "max_size=%u\n", DMADEMO_MAX_SIZE);
	seq_printf(m, "max_depth=%u\n", DMADEMO_MAX_DEPTH);
	seq_printf(m, "kmalloc_max_size=%lu\n", (unsigned long)KMALLOC_MAX_SIZE);
	seq_printf(m, "max_rounds=%u\n", DMADEMO_MAX_ROUNDS);
	if (IS_ENABLED(CONFIG_FAULT_INJECTION))
		seq_printf(m, "fail_nth_left=%d\n", READ_ONCE(dmademo.fail_nth_left));
	absent_show(m);
	vocab_show(m);
	return 0;
}

static int info_open(struct inode *inode, struct file *file)
{
	return single_open(file, info_show, NULL);
}

const struct file_operations dmademo_info_fops = {
	.owner = THIS_MODULE,
	.open = info_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
