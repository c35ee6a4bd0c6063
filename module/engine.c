// SPDX-License-Identifier: GPL-2.0
/*
 * The engines that move the bytes of a transfer:
 *
 *   irq   dmaengine memcpy descriptors, the last one with
 *         DMA_PREP_INTERRUPT; the thread sleeps until its callback
 *   poll  the same descriptors without DMA_PREP_INTERRUPT; the thread
 *         polls dmaengine_tx_status(), as dmatest's polled mode does
 *   cpu   memcpy() by the CPU: the baseline
 *   none  nothing: map-only runs on a bound device (device.c)
 *
 * A transfer is one descriptor per piece that is contiguous in both the
 * source's and the destination's DMA mapping: one for a contiguous buffer,
 * one per page for a scatterlist of separate pages (there is no generic
 * memcpy-sg prep). All are prepared, then all submitted, so that prep and
 * submit stay two phases; the transfer is done when the last one is.
 */
#include "dmademo.h"

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "engine.h"

/*
 * A plain callback, not callback_result: a descriptor goes back to its
 * driver's pool with the callbacks it carried, and pl330's pluck_desc()
 * (6.1) clears callback but not callback_result. That pool is the
 * controller's, shared by its channels: a callback_result of ours fired
 * for the next client to get the descriptor (the Exynos's serial port,
 * whose TX DMA sets callback only) and completed a slot freed long ago.
 * Whether the transfer succeeded, irq_finish() asks dmaengine_tx_status().
 */
static void dmademo_callback(void *arg)
{
	struct dmademo_slot *s = arg;

	s->done_ns = ktime_get_ns();
	s->irq_cpu = raw_smp_processor_id();
	complete(&s->done);
}

/* A walk along a buffer's DMA segments: a scatterlist, or one segment. */
struct seg_walk {
	struct scatterlist *sg;
	dma_addr_t addr;
	size_t left;			/* in the current segment */
};

static void seg_begin(struct seg_walk *w, struct sg_table *sgt, dma_addr_t addr,
		      size_t len)
{
	w->sg = sgt ? sgt->sgl : NULL;
	w->addr = w->sg ? sg_dma_address(w->sg) : addr;
	w->left = w->sg ? sg_dma_len(w->sg) : len;
}

static void seg_advance(struct seg_walk *w, size_t n)
{
	w->addr += n;
	w->left -= n;
	if (!w->left && w->sg && !sg_is_last(w->sg)) {
		w->sg = sg_next(w->sg);
		w->addr = sg_dma_address(w->sg);
		w->left = sg_dma_len(w->sg);
	}
}

/*
 * Prepares the descriptors of a transfer into s->tx; the last one gets
 * `last` as its flags. Returns how many, or 0 if the driver refused one.
 */
static unsigned int dma_prep_all(struct dmademo_run *r, struct dmademo_slot *s,
				 unsigned long last)
{
	struct dmademo_bufs *b = s->bufs;
	struct seg_walk src, dst;
	size_t left = b->len, n;
	unsigned int i = 0;

	seg_begin(&src, s->src_sgt, s->src_dma, b->len);
	seg_begin(&dst, s->dst_sgt, s->dst_dma, b->len);
	while (left && i < b->max_tx) {
		n = min3(src.left, dst.left, left);
		if (!n)
			return 0;	/* the mappings are shorter than the buffer */
		left -= n;
		if (!left && s->fault == DMADEMO_FAULT_PREP_ERROR)
			return 0;	/* injected: the last piece's prep fails */
		s->tx[i] = dmaengine_prep_dma_memcpy(r->chan, dst.addr, src.addr, n,
						     left ? DMA_CTRL_ACK : last);
		if (!s->tx[i])
			return 0;
		/*
		 * A driver may hand back a recycled descriptor with an earlier
		 * client's callback still on it (pl330: dmademo_callback()).
		 * Fired by a piece in the middle, it would complete this
		 * transfer early.
		 */
		s->tx[i]->callback = NULL;
		s->tx[i]->callback_result = NULL;
		s->tx[i++]->callback_param = NULL;
		seg_advance(&src, n);
		seg_advance(&dst, n);
	}
	return left ? 0 : i;
}

static int dma_start(struct dmademo_run *r, struct dmademo_slot *s,
		     const char **what, bool irq)
{
	dma_cookie_t cookie = -EINVAL;
	unsigned int i, n;
	u64 t0 = s->submit_ns, t;

	n = dma_prep_all(r, s, DMA_CTRL_ACK | (irq ? DMA_PREP_INTERRUPT : 0));
	t = ktime_get_ns();
	s->ns[DMADEMO_PREP] = t - t0;
	t0 = t;
	if (!n) {
		*what = "dmaengine_prep_dma_memcpy";
		return -EIO;
	}
	s->nr_tx = n;
	if (irq) {
		s->tx[n - 1]->callback = dmademo_callback;
		s->tx[n - 1]->callback_param = s;
	}
	for (i = 0; i < n; i++) {
		if (i == n - 1 && s->fault == DMADEMO_FAULT_SUBMIT_ERROR)
			cookie = -EIO;	/* injected: the last piece is refused */
		else
			cookie = dmaengine_submit(s->tx[i]);
		if (dma_submit_error(cookie))
			break;
	}
	s->cookie = cookie;
	/* nothing to issue after a refused submit (pl330 warns): the abort cleans up */
	if (!dma_submit_error(cookie) && s->fault != DMADEMO_FAULT_TIMEOUT &&
	    s->fault != DMADEMO_FAULT_STUCK)
		dma_async_issue_pending(r->chan);
	t = ktime_get_ns();
	s->submit_ns = t;
	s->ns[DMADEMO_SUBMIT] = t - t0;
	if (dma_submit_error(cookie)) {
		*what = "dmaengine_submit";
		return -EIO;
	}
	return 0;
}

static int irq_start(struct dmademo_run *r, struct dmademo_slot *s, const char **what)
{
	return dma_start(r, s, what, true);
}

/*
 * wait: to the callback; wake: from the callback to the thread, and the
 * status of the transfer (as dmatest reads it)
 */
static int irq_finish(struct dmademo_run *r, struct dmademo_slot *s, u64 *t,
		      const char **what)
{
	u64 t0 = s->submit_ns, done;
	enum dma_status status;

	*what = "transfer";
	if (!wait_for_completion_timeout(&s->done, msecs_to_jiffies(r->p->timeout_ms)))
		return -ETIMEDOUT;
	status = dmaengine_tx_status(r->chan, s->cookie, NULL);
	*t = ktime_get_ns();
	if (status != DMA_COMPLETE)
		return -EIO;
	/* QEMU's engine completes inside issue_pending: before t0 */
	done = clamp(s->done_ns, t0, *t);
	s->ns[DMADEMO_WAIT] = done - t0;
	s->ns[DMADEMO_WAKE] = *t - done;
	return 0;
}

static int poll_start(struct dmademo_run *r, struct dmademo_slot *s, const char **what)
{
	return dma_start(r, s, what, false);
}

/*
 * wait: polling until the last descriptor is complete; no wake-up. Each
 * poll that finds the transfer in progress offers the CPU with
 * cond_resched(): it costs a flag test while nothing else wants the CPU,
 * and on the kernels without full preemption (Debian's are
 * PREEMPT_VOLUNTARY) it is the only point at which the soft-lockup
 * watchdog's stopper thread can run and RCU sees a quiescent state
 * (__cond_resched() -> rcu_all_qs()), however long timeout_ms is.
 */
static int poll_finish(struct dmademo_run *r, struct dmademo_slot *s, u64 *t,
		       const char **what)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(r->p->timeout_ms);
	enum dma_status status;

	*what = "transfer";
	while ((status = dmaengine_tx_status(r->chan, s->cookie, NULL)) == DMA_IN_PROGRESS) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		cond_resched();
		cpu_relax();
	}
	*t = ktime_get_ns();
	if (status != DMA_COMPLETE)
		return -EIO;
	s->irq_cpu = raw_smp_processor_id();
	s->ns[DMADEMO_WAIT] = *t - s->submit_ns;
	return 0;
}

static int cpu_start(struct dmademo_run *r, struct dmademo_slot *s, const char **what)
{
	return 0;
}

/* wait: the memcpy itself */
static int cpu_finish(struct dmademo_run *r, struct dmademo_slot *s, u64 *t,
		      const char **what)
{
	memcpy(s->dst, s->src, s->bufs->len);
	*t = ktime_get_ns();
	s->ns[DMADEMO_WAIT] = *t - s->submit_ns;
	s->irq_cpu = raw_smp_processor_id();
	return 0;
}

static const struct dmademo_engine engine_irq = {
	.id = DMADEMO_ENGINE_IRQ,
	.dma = true,
	.max_depth = DMADEMO_MAX_DEPTH,
	.start = irq_start,
	.finish = irq_finish,
};

static const struct dmademo_engine engine_poll = {
	.id = DMADEMO_ENGINE_POLL,
	.dma = true,
	.max_depth = DMADEMO_MAX_DEPTH,
	.start = poll_start,
	.finish = poll_finish,
};

static const struct dmademo_engine engine_cpu = {
	.id = DMADEMO_ENGINE_CPU,
	.max_depth = 1,
	.start = cpu_start,
	.finish = cpu_finish,
};

/*
 * none: map-only runs on a bound device, which nothing can start. Prep and
 * submit are 0; wait is the loop's own passage from to_dev to to_cpu (a
 * clock read and a few calls), kept out of the two phases measured.
 */
static int none_start(struct dmademo_run *r, struct dmademo_slot *s, const char **what)
{
	return 0;
}

static int none_finish(struct dmademo_run *r, struct dmademo_slot *s, u64 *t,
		       const char **what)
{
	*t = ktime_get_ns();
	s->ns[DMADEMO_WAIT] = *t - s->submit_ns;
	s->irq_cpu = raw_smp_processor_id();
	return 0;
}

static const struct dmademo_engine engine_none = {
	.id = DMADEMO_ENGINE_NONE,
	.no_transfer = true,
	.max_depth = 1,
	.start = none_start,
	.finish = none_finish,
};

/*
 * Map-only runs have no engine; otherwise the cpu strategy's buffers are
 * moved by the CPU, the others' by DMA.
 */
const struct dmademo_engine *dmademo_engine_for(const struct dmademo_ops *ops,
						u32 completion, bool map_only)
{
	if (map_only)
		return &engine_none;
	if (ops->cpu_copy)
		return &engine_cpu;
	return completion == DMADEMO_COMPLETION_POLL ? &engine_poll : &engine_irq;
}

/*
 * Whether the channel may be given len bytes to copy: whole words, and its
 * copy alignment (is_dma_copy_aligned()). QEMU's bcm2835 DMA model
 * (bcm2835_dma_update()) moves 4 bytes at a time until the length reaches
 * 0: given 3 it never ends, writing across the whole bus with the
 * emulator's lock held, and the guest freezes. 0, or -EINVAL and why.
 */
int dmademo_len_check(struct dma_chan *chan, size_t len, char *why, size_t why_len)
{
	if (len % 4) {
		snprintf(why, why_len,
			 "not a multiple of 4 B: a DMA transfer here moves whole words");
		return -EINVAL;
	}
	if (!is_dma_copy_aligned(chan->device, 0, 0, len)) {
		snprintf(why, why_len, "not a multiple of %s's copy alignment %u",
			 dma_chan_name(chan), 1U << chan->device->copy_align);
		return -EINVAL;
	}
	return 0;
}

/* One synchronous DMA copy through the channel, for the "copy" file. */
int dmademo_copy(const void *data, size_t len)
{
	struct dmademo_run r = {
		.chan = dmademo.chan,
		.p = &dmademo.params,
	};
	struct dmademo_bufs *b;
	struct dmademo_slot *s;
	const char *what;
	char why[80];
	int ret;
	u64 t;

	lockdep_assert_held(&dmademo.lock);
	if (!r.chan) {
		ret = dmademo_chan_select("any");
		if (ret)
			return ret;
		r.chan = dmademo.chan;
	}
	if (READ_ONCE(dmademo.chan_stuck))
		return -EIO;
	/* padded to whole words */
	ret = dmademo_len_check(r.chan, round_up(len, 4), why, sizeof(why));
	if (ret) {
		pr_err("copy: %zu B: %s\n", round_up(len, 4), why);
		return ret;
	}

	b = dmademo_bufs_alloc(dmademo_ops[DMADEMO_COHERENT], dmademo_dma_dev(),
			       round_up(len, 4), dma_get_cache_alignment(), 1,
			       DMADEMO_DIR_TRANSFER);
	if (IS_ERR(b))
		return PTR_ERR(b);
	s = &b->slot[0];
	memset(s->src, 0, b->len);
	memcpy(s->src, data, len);

	ret = irq_start(&r, s, &what);
	if (!ret)
		ret = irq_finish(&r, s, &t, &what);
	if (ret == -ETIMEDOUT && !dmademo_quiesce(r.chan, b, false))
		return ret;
	if (!ret) {
		memcpy(dmademo.copy_buf, s->dst, len);
		dmademo.copy_len = len;
	}
	dmademo_bufs_free(b);
	return ret;
}
