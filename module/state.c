// SPDX-License-Identifier: GPL-2.0
/*
 * The module's state, below every other file: the knobs and the status of
 * the run (struct dmademo), the DMA channel and the device a run maps on,
 * a bound device's mask while a run changes it, and quiescing the channel
 * after a failed transfer, with the buffers that a channel that could not
 * be stopped may still write, kept until it is released or the module
 * unloads. It calls nothing of the module's but strategy.c, to free those
 * buffers.
 */
#include "dmademo.h"

#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/sched.h>

#include "strategy.h"

struct dmademo dmademo = {
	.lock = __MUTEX_INITIALIZER(dmademo.lock),
	.status_lock = __SPIN_LOCK_UNLOCKED(dmademo.status_lock),
	.state_wq = __WAIT_QUEUE_HEAD_INITIALIZER(dmademo.state_wq),
	.stuck = LIST_HEAD_INIT(dmademo.stuck),
	.kept = LIST_HEAD_INIT(dmademo.kept),
	.params = {
		.sizes = { 64, 4096, 65536 },
		.nr_sizes = 3,
		.iterations = 100,
		.warmup = 10,
		.verify = 1,
		.touch = 1,
		.depth = 1,
		.timeout_ms = 1000,
		.rounds = 1,
		.shuffle = 1,
		.cpu = DMADEMO_CPU_ANY,
		.threads = 1,
	},
};

void dmademo_set_state(enum dmademo_state state, int error, const char *fmt, ...)
{
	char reason[sizeof(dmademo.reason)] = "";
	va_list args;

	if (fmt) {
		va_start(args, fmt);
		vscnprintf(reason, sizeof(reason), fmt, args);
		va_end(args);
	}
	spin_lock(&dmademo.status_lock);
	WRITE_ONCE(dmademo.state, state);
	dmademo.error = error;
	strscpy(dmademo.reason, reason, sizeof(dmademo.reason));
	spin_unlock(&dmademo.status_lock);

	if (state == DMADEMO_FAILED)
		pr_err("run failed: %s (%pe)\n", reason, ERR_PTR(error));
	if (state != DMADEMO_RUNNING)
		wake_up_all(&dmademo.state_wq);
}

bool dmademo_running(void)
{
	return READ_ONCE(dmademo.state) == DMADEMO_RUNNING;
}

/*
 * Fault injection (Documentation/fault-injection/fault-injection.rst): what
 * is left of the starting task's /proc/<pid>/fail-nth goes on counting in
 * the run's thread, so that one fail-nth reaches every allocation of a run,
 * in the write to "run" or in the thread; what the thread leaves of it is
 * info's fail_nth_left once it has ended (tests/guest/faults.sh).
 */
void dmademo_fail_nth_pass(struct task_struct *t)
{
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(dmademo.fail_nth_left, -1);
	t->fail_nth = current->fail_nth;
	current->fail_nth = 0;
#endif
}

/* The run's thread, as it ends. */
void dmademo_fail_nth_done(void)
{
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(dmademo.fail_nth_left, current->fail_nth);
	current->fail_nth = 0;
#endif
}

struct device *dmademo_dma_dev(void)
{
	return dmademo.chan ? dmaengine_get_dma_device(dmademo.chan) : NULL;
}

/* The device of the next run: the bound one, or the channel's. */
struct device *dmademo_run_dev(void)
{
	lockdep_assert_held(&dmademo.lock);
	return dmademo.bound ?: dmademo_dma_dev();
}

/*
 * dma_bits: the bound device's mask for one run, restored after it, as
 * map_benchmark.c does. Called with dmademo.lock held; the run thread or
 * dmademo_stop() restores it.
 */
int dmademo_mask_apply(struct device *dev, u32 bits)
{
	int ret;

	lockdep_assert_held(&dmademo.lock);
	dmademo.saved_mask = dma_get_mask(dev);
	dmademo.saved_coherent_mask = dev->coherent_dma_mask;
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits));
	dmademo.mask_set = true;
	if (ret)
		dmademo_mask_restore(dev);
	return ret;
}

void dmademo_mask_restore(struct device *dev)
{
	if (!dmademo.mask_set)
		return;
	if (dma_set_mask(dev, dmademo.saved_mask) ||
	    dma_set_coherent_mask(dev, dmademo.saved_coherent_mask))
		dev_warn(dev, "could not restore its DMA mask %#llx\n", dmademo.saved_mask);
	dmademo.mask_set = false;
}

/*
 * Stops everything in flight on the channel. True if nothing the engine
 * or a late callback could write is left. Otherwise the channel is marked
 * unusable: a driver without device_synchronize gives no such guarantee,
 * and one whose terminate fails gives none at all.
 */
bool dmademo_chan_quiet(struct dma_chan *chan, bool stuck)
{
	int ret = dmaengine_terminate_sync(chan);

	if (!ret && chan->device->device_synchronize && !stuck)
		return true;
	if (stuck)
		dmademo.stuck_injected = true;
	WRITE_ONCE(dmademo.chan_stuck, true);
	return false;
}

/* b stays allocated until the channel is released, see dmademo_stuck_free() */
void dmademo_bufs_stuck(struct dmademo_bufs *b)
{
	spin_lock(&dmademo.status_lock);
	list_add(&b->stuck, &dmademo.stuck);
	spin_unlock(&dmademo.status_lock);
}

/* The same for b's transfers: b goes on the stuck list if it cannot be freed. */
bool dmademo_quiesce(struct dma_chan *chan, struct dmademo_bufs *b, bool stuck)
{
	if (dmademo_chan_quiet(chan, stuck))
		return true;
	dmademo_bufs_stuck(b);
	return false;
}

/*
 * What a channel that could not be stopped kept, once it is released:
 * freed if a last terminate stopped it, else kept until unload.
 */
void dmademo_stuck_free(bool stopped)
{
	struct dmademo_bufs *b, *tmp;
	LIST_HEAD(list);
	u32 n = 0;

	spin_lock(&dmademo.status_lock);
	list_splice_init(&dmademo.stuck, &list);
	WRITE_ONCE(dmademo.chan_stuck, false);
	dmademo.stuck_injected = false;
	if (!stopped) {
		list_for_each_entry(b, &list, stuck)
			n++;
		WRITE_ONCE(dmademo.nr_kept, dmademo.nr_kept + n);
		list_splice_init(&list, &dmademo.kept);
	}
	spin_unlock(&dmademo.status_lock);
	list_for_each_entry_safe(b, tmp, &list, stuck) {
		list_del(&b->stuck);
		dmademo_bufs_free(b);
	}
}

/* at unload: no channel is held any more */
void dmademo_kept_free(void)
{
	struct dmademo_bufs *b, *tmp;

	list_for_each_entry_safe(b, tmp, &dmademo.kept, stuck) {
		list_del(&b->stuck);
		dmademo_bufs_free(b);
	}
}

/*
 * Holding a channel makes it private to dmademo: no other client can
 * request it until it is released. Releasing stops nothing:
 * dma_release_channel() -> dma_chan_put() synchronizes and frees the
 * driver's resources, and a driver's free_chan_resources need not stop
 * the hardware (bcm2835_dma_free_chan_resources() does not). So a last
 * terminate first; what a channel that could not be stopped kept is freed
 * only if it succeeds, else at unload.
 */
void dmademo_chan_set(struct dma_chan *chan, bool from_dt)
{
	bool stopped;

	if (dmademo.chan) {
		stopped = !dmaengine_terminate_sync(dmademo.chan) && !dmademo.stuck_injected;
		dma_release_channel(dmademo.chan);
		dmademo_stuck_free(stopped);
	}
	dmademo.chan = chan;
	dmademo.chan_from_dt = from_dt;
	dmademo.chan_gen++;
}

/*
 * A transfer that times out must be stopped before its buffers are freed:
 * a channel whose driver cannot terminate is never used.
 */
bool dmademo_chan_usable(struct dma_chan *chan)
{
	return chan->device->device_terminate_all;
}

static bool dmademo_chan_filter(struct dma_chan *chan, void *name)
{
	return (!name || !strcmp(dma_chan_name(chan), name)) &&
	       dmademo_chan_usable(chan);
}

/*
 * Selects the channel by name, "any" or "none". Called with dmademo.lock
 * held and no run in progress. On error the current channel is kept.
 */
int dmademo_chan_select(const char *name)
{
	struct dma_chan *chan;
	dma_cap_mask_t mask;

	lockdep_assert_held(&dmademo.lock);
	if (!strcmp(name, "none")) {
		dmademo_chan_set(NULL, false);
		return 0;
	}
	if (dmademo.chan && !strcmp(dma_chan_name(dmademo.chan), name))
		return 0;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	if (!strcmp(name, "any")) {
		chan = dma_request_channel(mask, dmademo_chan_filter, NULL);
		if (!chan) {
			pr_err("channel: no free DMA_MEMCPY channel that can be terminated\n");
			return -ENODEV;
		}
	} else {
		chan = dma_request_channel(mask, dmademo_chan_filter, (void *)name);
		if (!chan) {
			pr_err("channel: no free DMA_MEMCPY channel named '%s' that can be terminated\n",
			       name);
			return -ENODEV;
		}
	}
	dmademo_chan_set(chan, false);
	pr_info("using %s on %s\n", dma_chan_name(chan),
		dev_name(dmaengine_get_dma_device(chan)));
	return 0;
}
