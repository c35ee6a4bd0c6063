// SPDX-License-Identifier: GPL-2.0
/*
 * dmademo: for my buffers, on my SoC, is coherent or streaming DMA cheaper,
 * and where does the time go?
 *
 * Module init and exit, and the devicetree node: a node (compatible
 * "dmademo,memcpy", dma-names = "memcpy") binds the platform driver below,
 * which hands its channel over; without one, the user names a channel, or
 * the first run takes any free DMA_MEMCPY one (state.c). Any other device
 * bound to the driver by driver_override is handed to device.c, for
 * map-only runs.
 */
#include "dmademo.h"

#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "files.h"
#include "strategy.h"

/* Unbinding the device takes its channel back, stopping a run that uses it. */
static void dmademo_dt_release(void *data)
{
	mutex_lock(&dmademo.lock);
	if (dmademo.chan_from_dt) {
		dmademo_stop();
		dmademo_chan_set(NULL, false);
	}
	dmademo.dt_dev = NULL;
	mutex_unlock(&dmademo.lock);
}

/* One node at a time: the module has one channel and one set of knobs. */
static int dmademo_dt_claim(struct device *dev)
{
	int ret = 0;

	mutex_lock(&dmademo.lock);
	if (dmademo.dt_dev) {
		dev_err(dev, "%s is bound already: one dmademo node at a time\n",
			dev_name(dmademo.dt_dev));
		ret = -EBUSY;
	} else {
		dmademo.dt_dev = dev;
	}
	mutex_unlock(&dmademo.lock);
	return ret;
}

static void dmademo_dt_unclaim(void)
{
	mutex_lock(&dmademo.lock);
	dmademo.dt_dev = NULL;
	mutex_unlock(&dmademo.lock);
}

static const struct of_device_id dmademo_of_match[] = {
	{ .compatible = "dmademo,memcpy" },
	{ }
};
MODULE_DEVICE_TABLE(of, dmademo_of_match);

static int dmademo_probe(struct platform_device *pdev)
{
	struct dma_chan *chan;
	int ret;

	/* not our devicetree node: a device bound by driver_override */
	if (!of_match_device(dmademo_of_match, &pdev->dev))
		return dmademo_bind_probe(&pdev->dev);

	ret = dmademo_dt_claim(&pdev->dev);
	if (ret)
		return ret;
	chan = dma_request_chan(&pdev->dev, "memcpy");
	if (IS_ERR(chan)) {
		ret = dev_err_probe(&pdev->dev, PTR_ERR(chan),
				    "no \"memcpy\" DMA channel\n");
		goto err_unclaim;
	}
	if (!dma_has_cap(DMA_MEMCPY, chan->device->cap_mask) ||
	    !dmademo_chan_usable(chan)) {
		dev_err(&pdev->dev, "%s cannot do DMA_MEMCPY or cannot be terminated\n",
			dma_chan_name(chan));
		ret = -EINVAL;
		goto err_release;
	}

	mutex_lock(&dmademo.lock);
	dmademo_stop();
	dmademo_chan_set(chan, true);
	mutex_unlock(&dmademo.lock);
	dev_info(&pdev->dev, "using %s from the devicetree\n", dma_chan_name(chan));

	/* no .remove: its prototype changed in 6.11, devm actions did not */
	return devm_add_action_or_reset(&pdev->dev, dmademo_dt_release, NULL);

err_release:
	dma_release_channel(chan);
err_unclaim:
	dmademo_dt_unclaim();
	return ret;
}

static struct platform_driver dmademo_driver = {
	.probe = dmademo_probe,
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = dmademo_of_match,
	},
};

static int __init dmademo_init(void)
{
	int ret;

	dmademo_strategies_all(dmademo_strategies_absent(), dmademo.params.strategies,
			       &dmademo.params.nr_strategies);
	dmademo.params.strategy_all = true;
	dmademo.copy_buf = kzalloc(DMADEMO_COPY_MAX, GFP_KERNEL);
	if (!dmademo.copy_buf)
		return -ENOMEM;
	dmademo_clock_init();
	ret = dmademo_doors_init();
	if (ret)
		goto err_free;

	ret = platform_driver_register(&dmademo_driver);
	if (ret)
		goto err_doors;
	ret = dmademo_device_init();
	if (ret)
		goto err_driver;
	ret = dmademo_mmap_init();
	if (ret)
		goto err_device;
	return 0;

err_device:
	dmademo_device_exit();
err_driver:
	platform_driver_unregister(&dmademo_driver);
err_doors:
	dmademo_doors_exit();
err_free:
	kfree(dmademo.copy_buf);
	return ret;
}

static void __exit dmademo_exit(void)
{
	/* no run from here on: a reader of "wait" returns (doors.c) */
	mutex_lock(&dmademo.lock);
	dmademo.closing = true;
	dmademo_stop();
	mutex_unlock(&dmademo.lock);

	dmademo_mmap_exit();
	dmademo_doors_exit();
	dmademo_device_exit();
	platform_driver_unregister(&dmademo_driver);

	mutex_lock(&dmademo.lock);
	dmademo_stop();
	dmademo_chan_set(NULL, false);
	mutex_unlock(&dmademo.lock);
	dmademo_kept_free();

	dmademo_result_put(dmademo.result);
	kfree(dmademo.copy_buf);
}

module_init(dmademo_init);
module_exit(dmademo_exit);

MODULE_DESCRIPTION("Coherent vs streaming DMA, measured phase by phase with dmaengine memcpy");
MODULE_AUTHOR("The dmademo authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(DMADEMO_VERSION);
