// SPDX-License-Identifier: GPL-2.0
/*
 * The requests of /dev/dmademo (uapi.h) on one open file (user.h): allocate
 * buffers of a kind (ubuf.c) or import two dma-bufs (dmabuf.c), hand them
 * to the device and back, copy one into the other with the run's engine,
 * free them. Each refused request says why, for read() and the log.
 */
#include "dmademo.h"

#include <linux/device.h>
#include <linux/slab.h>

#include "engine.h"
#include "user.h"

/* Records why a request was refused, for read() and the log; returns err. */
int dmademo_refuse(struct dmademo_user *u, int err, const char *fmt, ...)
{
	va_list args;

	spin_lock(&u->reason_lock);
	va_start(args, fmt);
	vscnprintf(u->reason, sizeof(u->reason), fmt, args);
	va_end(args);
	pr_info_ratelimited("/dev/dmademo: %s (%pe)\n", u->reason, ERR_PTR(err));
	spin_unlock(&u->reason_lock);
	return err;
}

/*
 * Frees buffers nothing maps any more, taken off their file. If a transfer
 * into them could not be stopped, they wait for the channel's release.
 */
void dmademo_user_bufs_free(struct dmademo_bufs *b, bool stuck, u32 gen)
{
	struct device *dev;

	if (!b)
		return;
	dev = b->dev;
	if (stuck) {
		mutex_lock(&dmademo.lock);
		if (gen == dmademo.chan_gen) {
			dmademo_bufs_stuck(b);
			b = NULL;
		}
		mutex_unlock(&dmademo.lock);
	}
	if (b)
		dmademo_bufs_free(b);
	put_device(dev);
}

/* Takes the buffers off the file, under u->lock; free them after unlocking. */
static struct dmademo_bufs *user_take(struct dmademo_user *u, bool *stuck, u32 *gen)
{
	struct dmademo_bufs *b = u->b;

	*stuck = u->stuck;
	*gen = u->stuck_gen;
	u->b = NULL;
	u->stuck = false;
	return b;
}

/* The channel's device, selecting any channel if there is none yet. */
static struct device *user_dma_dev(struct dmademo_user *u)
{
	struct device *dev;
	int ret;

	if (mutex_lock_killable(&dmademo.lock))
		return ERR_PTR(-EINTR);
	ret = dmademo.chan ? 0 : dmademo_chan_select("any");
	dev = ret ? ERR_PTR(ret) : get_device(dmademo_dma_dev());
	mutex_unlock(&dmademo.lock);
	if (IS_ERR(dev) && PTR_ERR(dev) != -EINTR)
		dmademo_refuse(u, PTR_ERR(dev), "alloc: no DMA channel to allocate for");
	return dev;
}

/*
 * Gives the file its new buffers b of kind; if another request on it was
 * quicker, frees them and refuses (what: the request). Returns need_sync.
 */
static int user_install(struct dmademo_user *u, struct dmademo_bufs *b, u32 kind,
			const char *what)
{
	int need_sync;

	mutex_lock(&u->lock);
	if (u->b || atomic_read(&u->maps)) {
		mutex_unlock(&u->lock);
		dmademo_user_bufs_free(b, false, 0);
		return dmademo_refuse(u, -EBUSY, "%s on this file raced with it", what);
	}
	u->b = b;
	u->kind = kind;
	u->dev_owns = false;
	u->need_sync = dmademo_bufs_need_sync(b, NULL);
	need_sync = u->need_sync;
	mutex_unlock(&u->lock);
	return need_sync;
}

/* On error the file holds no buffers, unless they were mapped (EBUSY). */
long dmademo_user_alloc(struct dmademo_user *u, struct dmademo_alloc *a)
{
	const struct dmademo_ukind *kind;
	struct dmademo_bufs *b, *old;
	struct device *dev;
	u64 t0 = ktime_get_ns();
	long ret;
	bool stuck;
	u32 gen;

	if (a->kind >= DMADEMO_NR_KINDS)
		return dmademo_refuse(u, -EINVAL, "alloc: unknown kind %u", a->kind);
	if (a->kind >= DMADEMO_KIND_UDMABUF)
		return dmademo_refuse(u, -EINVAL, "alloc: %s is a dma-buf: DMADEMO_IOC_IMPORT it",
			      dmademo_kind_names[a->kind]);
	if (a->flags)
		return dmademo_refuse(u, -EINVAL, "alloc: flags %#x: must be 0", a->flags);
	if (a->reserved)
		return dmademo_refuse(u, -EINVAL, "alloc: reserved %#x: must be 0", a->reserved);
	if (!a->size || a->size % 4 || a->size > DMADEMO_MAX_SIZE)
		return dmademo_refuse(u, -EINVAL, "alloc: %llu B: a multiple of 4 B, at most %u B",
			      a->size, DMADEMO_MAX_SIZE);
	kind = &dmademo_ukinds[a->kind];

	mutex_lock(&u->lock);
	if (atomic_read(&u->maps) || dmademo_imported(u)) {
		mutex_unlock(&u->lock);
		return dmademo_refuse(u, -EBUSY, "alloc: the buffers are %s: %s first",
			      dmademo_imported(u) ? "imported" : "still mapped",
			      dmademo_imported(u) ? "DMADEMO_IOC_FREE" : "munmap them");
	}
	old = user_take(u, &stuck, &gen);
	mutex_unlock(&u->lock);
	dmademo_user_bufs_free(old, stuck, gen);

	dev = user_dma_dev(u);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (!dma_can_mmap(dev)) {
		dmademo_refuse(u, -ENXIO,
			       "alloc: %s cannot map DMA memory to user space", dev_name(dev));
		put_device(dev);
		return -ENXIO;
	}
	b = dmademo_bufs_alloc(&kind->ops, dev, a->size, dma_get_cache_alignment(), 1,
			       DMADEMO_DIR_TRANSFER);
	if (IS_ERR(b)) {
		put_device(dev);
		return dmademo_refuse(u, PTR_ERR(b), "alloc: %s of 2 x %llu B failed",
			      kind->ops.alloc_what, a->size);
	}

	ret = user_install(u, b, a->kind, "alloc: another allocation");
	if (ret < 0)
		return ret;
	a->need_sync = ret;

	a->src_offset = 0;
	a->dst_offset = PAGE_ALIGN(a->size);
	a->ns = ktime_get_ns() - t0;
	return 0;
}

long dmademo_user_free(struct dmademo_user *u)
{
	struct dmademo_bufs *b;
	bool stuck;
	u32 gen;

	mutex_lock(&u->lock);
	if (atomic_read(&u->maps)) {
		mutex_unlock(&u->lock);
		return dmademo_refuse(u, -EBUSY,
				      "free: the buffers are still mapped: munmap them first");
	}
	b = user_take(u, &stuck, &gen);
	mutex_unlock(&u->lock);
	if (!b)
		return dmademo_refuse(u, -ENXIO, "free: no buffers");
	dmademo_user_bufs_free(b, stuck, gen);
	return 0;
}

long dmademo_user_sync(struct dmademo_user *u, struct dmademo_sync *sy)
{
	const struct dmademo_ops *ops;
	u64 t0 = ktime_get_ns();
	long ret = 0;

	if (sy->flags)
		return dmademo_refuse(u, -EINVAL, "sync: flags %#x: must be 0", sy->flags);
	if (sy->dir != DMADEMO_SYNC_TO_DEV && sy->dir != DMADEMO_SYNC_TO_CPU)
		return dmademo_refuse(u, -EINVAL,
				      "sync: direction %u: 1 (to the device) or 2 (to the CPU)",
			      sy->dir);
	if (!sy->length && sy->offset)
		return dmademo_refuse(u, -EINVAL,
				      "sync: offset %llu with length 0, which syncs it all",
			      sy->offset);
	mutex_lock(&u->lock);
	if (!u->b) {
		ret = dmademo_refuse(u, -ENXIO, "sync: no buffers: DMADEMO_IOC_ALLOC first");
		goto out;
	}
	ops = u->b->ops;
	if (dmademo_imported(u)) {
		ret = dmademo_refuse(u, -EINVAL,
				     "sync: imported dma-bufs: DMA_BUF_IOCTL_SYNC on their fds");
		goto out;
	}
	if (sy->offset > u->b->len || sy->length > u->b->len - sy->offset) {
		ret = dmademo_refuse(u, -EINVAL, "sync: %llu B at %llu: past the %zu B buffers",
				     sy->length, sy->offset, u->b->len);
		goto out;
	}
	if (!ops->to_dev) {
		ret = dmademo_refuse(u, -EINVAL,
				     "sync: %s buffers never change hands: they need no sync",
				     dmademo_kind_names[u->kind]);
		goto out;
	}
	/*
	 * A sync for the CPU invalidates (arm64 dcache_inval_poc(), ARMv7
	 * v7_dma_inv_range()): while the CPU owns the buffers it would drop
	 * what the CPU wrote, and expose what memory held under it.
	 */
	if (sy->dir == DMADEMO_SYNC_TO_CPU && !u->dev_owns) {
		ret = dmademo_refuse(u, -EINVAL,
				     "sync: to the CPU, which owns the buffers already: DMADEMO_SYNC_TO_DEV first");
		goto out;
	}
	u->b->sync_off = sy->offset;
	u->b->sync_len = sy->length ?: u->b->len;
	if (sy->dir == DMADEMO_SYNC_TO_DEV)
		ops->to_dev(u->b, &u->b->slot[0]);
	else
		ops->to_cpu(u->b, &u->b->slot[0]);
	u->dev_owns = sy->dir == DMADEMO_SYNC_TO_DEV;
	sy->ns = ktime_get_ns() - t0;
out:
	mutex_unlock(&u->lock);
	return ret;
}

/* One DMA memcpy of the source into the destination, with the run's engine. */
long dmademo_user_xfer(struct dmademo_user *u, struct dmademo_xfer *x)
{
	struct dmademo_run r = { .p = &dmademo.params };
	const struct dmademo_engine *engine;
	struct dmademo_slot *s;
	u64 t0 = ktime_get_ns(), t;
	const char *what;
	char why[80];
	long ret;

	if (x->flags)
		return dmademo_refuse(u, -EINVAL, "xfer: flags %#x: must be 0", x->flags);
	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	mutex_lock(&u->lock);
	if (!u->b) {
		ret = dmademo_refuse(u, -ENXIO, "xfer: no buffers: DMADEMO_IOC_ALLOC first");
		goto out;
	}
	if (dmademo_running()) {
		ret = dmademo_refuse(u, -EBUSY, "xfer: a run is in progress");
		goto out;
	}
	if (!dmademo.chan || dmademo_dma_dev() != u->b->dev) {
		ret = dmademo_refuse(u, -ENODEV, "xfer: the channel changed since the allocation");
		goto out;
	}
	if (READ_ONCE(dmademo.chan_stuck) || u->stuck) {
		ret = dmademo_refuse(u, -EIO,
				     "xfer: the channel could not be stopped after a timeout");
		goto out;
	}
	/* the device would read what the CPU may not have written back */
	if (u->b->ops->to_dev && !dmademo_imported(u) && !u->dev_owns) {
		ret = dmademo_refuse(u, -EINVAL,
				     "xfer: the CPU owns the %s buffers: DMADEMO_SYNC_TO_DEV first",
			     dmademo_kind_names[u->kind]);
		goto out;
	}
	r.chan = dmademo.chan;
	ret = dmademo_len_check(r.chan, u->b->len, why, sizeof(why));
	if (ret) {
		dmademo_refuse(u, ret, "xfer: %zu B: %s", u->b->len, why);
		goto out;
	}
	engine = dmademo_engine_for(u->b->ops, dmademo.params.completion, false);
	s = &u->b->slot[0];
	memset(s->ns, 0, sizeof(s->ns));
	if (dmademo_imported(u)) {
		t = ktime_get_ns();
		ret = u->b->ops->to_dev(u->b, s);
		if (ret) {
			dmademo_refuse(u, ret, "xfer: dma_buf_map_attachment failed");
			goto out;
		}
		s->mapped = true;
		x->map_ns = ktime_get_ns() - t;
	}
	reinit_completion(&s->done);
	s->submit_ns = ktime_get_ns();
	ret = engine->start(&r, s, &what);
	if (!ret)
		ret = engine->finish(&r, s, &t, &what);
	if (ret) {
		/* a transfer not stopped keeps its mappings until the channel's release */
		if (!dmademo_chan_quiet(r.chan, false)) {
			u->stuck = true;
			u->stuck_gen = dmademo.chan_gen;
		} else if (s->mapped) {
			u->b->ops->to_cpu(u->b, s);
			s->mapped = false;
		}
		dmademo_refuse(u, ret, "xfer: %s failed", what);
		goto out;
	}
	if (s->mapped) {
		t = ktime_get_ns();
		u->b->ops->to_cpu(u->b, s);
		s->mapped = false;
		x->unmap_ns = ktime_get_ns() - t;
	}
	x->segments = s->nr_tx;
	x->prep_ns = s->ns[DMADEMO_PREP];
	x->submit_ns = s->ns[DMADEMO_SUBMIT];
	x->wait_ns = s->ns[DMADEMO_WAIT];
	x->wake_ns = s->ns[DMADEMO_WAKE];
	x->cpu = raw_smp_processor_id();
	x->irq_cpu = s->irq_cpu;
	x->ns = ktime_get_ns() - t0;
out:
	mutex_unlock(&u->lock);
	mutex_unlock(&dmademo.lock);
	return ret;
}

/*
 * Two dma-bufs of the application's, held and attached until FREE or close.
 * A file holds buffers of one source: allocated or imported.
 */
long dmademo_user_import(struct dmademo_user *u, struct dmademo_import *im)
{
	struct dmademo_bufs *b;
	struct device *dev;
	u64 t0 = ktime_get_ns();
	char why[96];
	u32 segments;
	long ret = 0;

	if (!IS_ENABLED(CONFIG_DMA_SHARED_BUFFER))
		return dmademo_refuse(u, -EOPNOTSUPP,
				      "import: the kernel has no dma-bufs (CONFIG_DMA_SHARED_BUFFER)");
	if (im->kind < DMADEMO_KIND_UDMABUF || im->kind >= DMADEMO_NR_KINDS)
		return dmademo_refuse(u, -EINVAL, "import: kind %u is not a dma-buf's", im->kind);
	if (im->flags)
		return dmademo_refuse(u, -EINVAL, "import: flags %#x: must be 0", im->flags);
	if (!im->size || im->size % 4 || im->size > DMADEMO_MAX_SIZE)
		return dmademo_refuse(u, -EINVAL, "import: %llu B: a multiple of 4 B, at most %u B",
			      im->size, DMADEMO_MAX_SIZE);
	mutex_lock(&u->lock);
	if (u->b)
		ret = dmademo_refuse(u, -EBUSY,
				     "import: the file holds buffers: DMADEMO_IOC_FREE first");
	mutex_unlock(&u->lock);
	if (ret)
		return ret;
	dev = user_dma_dev(u);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (mutex_lock_killable(&dmademo.lock)) {
		put_device(dev);
		return -EINTR;
	}
	if (dmademo_running()) {
		ret = dmademo_refuse(u, -EBUSY, "import: a run is in progress");
		b = ERR_PTR(ret);
	} else {
		b = dmademo_import(dev, im->src_fd, im->dst_fd, im->size, &segments,
				   why, sizeof(why));
		if (IS_ERR(b))
			ret = dmademo_refuse(u, PTR_ERR(b), "import: %s", why);
	}
	mutex_unlock(&dmademo.lock);
	if (ret) {
		put_device(dev);
		return ret;
	}
	ret = user_install(u, b, im->kind, "import: another request");
	if (ret < 0)
		return ret;
	im->need_sync = ret;
	im->segments = segments;
	im->ns = ktime_get_ns() - t0;
	return 0;
}
