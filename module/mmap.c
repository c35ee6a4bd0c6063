// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dmademo: DMA buffers that an application maps, the way a driver
 * hands them to user space, and the requests of its round trip (see
 * uapi.h). Each open file holds a source and a destination of one kind
 * (ubuf.c: coherent, wc or cached).
 *
 * Buffers are allocated on the DMA controller's device and copied by the
 * module's channel, one request at a time across all files, never during
 * a run. A mapping holds the file (and so the module), and the file's
 * buffers are neither freed nor replaced while any mapping of them exists.
 *
 * Locks: dmademo.lock, then u->lock; mmap() takes u->lock under the
 * mmap lock, so nothing touches user memory while holding u->lock.
 */
#include "dmademo.h"

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "engine.h"
#include "strategy.h"
#include "uapi.h"

struct dmademo_user {
	struct mutex lock;		/* everything below */
	struct dmademo_bufs *b;		/* NULL until DMADEMO_IOC_ALLOC */
	u32 kind;
	bool need_sync;
	bool dev_owns;			/* cached: SYNC_TO_DEV done, SYNC_TO_CPU not yet */
	bool stuck;			/* a transfer could not be stopped */
	u32 stuck_gen;			/* on this channel (dmademo.chan_gen) */
	atomic_t maps;			/* VMAs mapping b */
	spinlock_t reason_lock;
	char reason[128];		/* why the last request was refused */
};

/* Records why a request was refused, for read() and the log; returns err. */
static __printf(3, 4) int refuse(struct dmademo_user *u, int err, const char *fmt, ...)
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
static void user_bufs_free(struct dmademo_bufs *b, bool stuck, u32 gen)
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

static int user_open(struct inode *inode, struct file *file)
{
	struct dmademo_user *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return -ENOMEM;
	mutex_init(&u->lock);
	spin_lock_init(&u->reason_lock);
	file->private_data = u;
	return 0;
}

/* the last mapping is gone: a mapping holds the file */
static int user_release(struct inode *inode, struct file *file)
{
	struct dmademo_user *u = file->private_data;

	user_bufs_free(u->b, u->stuck, u->stuck_gen);
	mutex_destroy(&u->lock);
	kfree(u);
	return 0;
}

static void user_vm_open(struct vm_area_struct *vma)
{
	struct dmademo_user *u = vma->vm_private_data;

	atomic_inc(&u->maps);
}

static void user_vm_close(struct vm_area_struct *vma)
{
	struct dmademo_user *u = vma->vm_private_data;

	atomic_dec(&u->maps);
}

static int user_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			    unsigned long end, unsigned long newflags)
{
	if (newflags & VM_EXEC)
		return refuse(vma->vm_private_data, -EACCES,
			      "mprotect: PROT_EXEC: DMA buffers are not code");
	return 0;
}

/* open: a copy at fork() or mremap(), or half of a split by munmap() */
static const struct vm_operations_struct user_vm_ops = {
	.open = user_vm_open,
	.close = user_vm_close,
	.mprotect = user_vm_mprotect,
};

/* offset 0 maps the source, uapi's dst_offset the destination */
static int user_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dmademo_user *u = file->private_data;
	unsigned long pages, off = vma->vm_pgoff;
	struct dmademo_slot *s;
	bool dst;
	int ret;

	if (mutex_lock_killable(&u->lock))
		return -EINTR;
	if (!u->b) {
		ret = refuse(u, -ENXIO, "mmap: no buffers: DMADEMO_IOC_ALLOC first");
		goto out;
	}
	/*
	 * VM_MAYSHARE, not VM_SHARED: do_mmap() clears VM_SHARED (and
	 * VM_MAYWRITE) for a file not opened for writing, so a read-only
	 * open's MAP_SHARED mapping has VM_MAYSHARE alone. It refused
	 * PROT_WRITE there already (EACCES).
	 */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		ret = refuse(u, -EINVAL, "mmap: a private mapping: map DMA buffers MAP_SHARED");
		goto out;
	}
	if (vma->vm_flags & VM_EXEC) {
		ret = refuse(u, -EPERM, "mmap: PROT_EXEC: DMA buffers are not code");
		goto out;
	}
	s = &u->b->slot[0];
	pages = PAGE_ALIGN(u->b->len) >> PAGE_SHIFT;
	dst = off >= pages;
	if (dst)
		off -= pages;
	if (off >= pages || vma_pages(vma) > pages - off) {
		ret = refuse(u, -ENXIO, "mmap: %lu pages at page %lu: past the %zu B buffers",
			     vma_pages(vma), vma->vm_pgoff, u->b->len);
		goto out;
	}
	/* dma_mmap_*() map from vm_pgoff pages into the buffer */
	vma->vm_pgoff = off;
	ret = dmademo_ukinds[u->kind].mmap(u->b, vma, dst ? s->dst : s->src,
					   dst ? s->dst_dma : s->src_dma);
	if (ret) {
		refuse(u, ret, "mmap: %s failed", dmademo_ukinds[u->kind].ops.alloc_what);
		goto out;
	}
	vma->vm_ops = &user_vm_ops;
	vma->vm_private_data = u;
	atomic_inc(&u->maps);
out:
	mutex_unlock(&u->lock);
	return ret;
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
		refuse(u, PTR_ERR(dev), "alloc: no DMA channel to allocate for");
	return dev;
}

/* On error the file holds no buffers, unless they were mapped (EBUSY). */
static long user_alloc(struct dmademo_user *u, struct dmademo_alloc *a)
{
	const struct dmademo_ukind *kind;
	struct dmademo_bufs *b, *old;
	struct device *dev;
	u64 t0 = ktime_get_ns();
	bool stuck;
	u32 gen;

	if (a->kind >= DMADEMO_NR_KINDS)
		return refuse(u, -EINVAL, "alloc: unknown kind %u", a->kind);
	if (a->kind >= DMADEMO_KIND_UDMABUF)
		return refuse(u, -EINVAL, "alloc: %s is a dma-buf: DMADEMO_IOC_IMPORT it",
			      dmademo_kind_names[a->kind]);
	if (a->flags)
		return refuse(u, -EINVAL, "alloc: flags %#x: must be 0", a->flags);
	if (a->reserved)
		return refuse(u, -EINVAL, "alloc: reserved %#x: must be 0", a->reserved);
	if (!a->size || a->size % 4 || a->size > DMADEMO_MAX_SIZE)
		return refuse(u, -EINVAL, "alloc: %llu B: a multiple of 4 B, at most %u B",
			      a->size, DMADEMO_MAX_SIZE);
	kind = &dmademo_ukinds[a->kind];

	mutex_lock(&u->lock);
	if (atomic_read(&u->maps)) {
		mutex_unlock(&u->lock);
		return refuse(u, -EBUSY, "alloc: the buffers are still mapped: munmap them first");
	}
	old = user_take(u, &stuck, &gen);
	mutex_unlock(&u->lock);
	user_bufs_free(old, stuck, gen);

	dev = user_dma_dev(u);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (!dma_can_mmap(dev)) {
		refuse(u, -ENXIO, "alloc: %s cannot map DMA memory to user space", dev_name(dev));
		put_device(dev);
		return -ENXIO;
	}
	b = dmademo_bufs_alloc(&kind->ops, dev, a->size, dma_get_cache_alignment(), 1,
			       DMADEMO_DIR_TRANSFER);
	if (IS_ERR(b)) {
		put_device(dev);
		return refuse(u, PTR_ERR(b), "alloc: %s of 2 x %llu B failed",
			      kind->ops.alloc_what, a->size);
	}

	mutex_lock(&u->lock);
	if (u->b || atomic_read(&u->maps)) {	/* another thread was quicker */
		mutex_unlock(&u->lock);
		user_bufs_free(b, false, 0);
		return refuse(u, -EBUSY, "alloc: another allocation on this file raced with it");
	}
	u->b = b;
	u->kind = a->kind;
	u->dev_owns = false;
	u->need_sync = dmademo_bufs_need_sync(b, NULL);
	a->need_sync = u->need_sync;
	mutex_unlock(&u->lock);

	a->src_offset = 0;
	a->dst_offset = PAGE_ALIGN(a->size);
	a->ns = ktime_get_ns() - t0;
	return 0;
}

static long user_free(struct dmademo_user *u)
{
	struct dmademo_bufs *b;
	bool stuck;
	u32 gen;

	mutex_lock(&u->lock);
	if (atomic_read(&u->maps)) {
		mutex_unlock(&u->lock);
		return refuse(u, -EBUSY, "free: the buffers are still mapped: munmap them first");
	}
	b = user_take(u, &stuck, &gen);
	mutex_unlock(&u->lock);
	if (!b)
		return refuse(u, -ENXIO, "free: no buffers");
	user_bufs_free(b, stuck, gen);
	return 0;
}

static long user_sync(struct dmademo_user *u, struct dmademo_sync *sy)
{
	const struct dmademo_ops *ops;
	u64 t0 = ktime_get_ns();
	long ret = 0;

	if (sy->flags)
		return refuse(u, -EINVAL, "sync: flags %#x: must be 0", sy->flags);
	if (sy->dir != DMADEMO_SYNC_TO_DEV && sy->dir != DMADEMO_SYNC_TO_CPU)
		return refuse(u, -EINVAL, "sync: direction %u: 1 (to the device) or 2 (to the CPU)",
			      sy->dir);
	mutex_lock(&u->lock);
	if (!u->b) {
		ret = refuse(u, -ENXIO, "sync: no buffers: DMADEMO_IOC_ALLOC first");
		goto out;
	}
	ops = u->b->ops;
	if (!ops->to_dev) {
		ret = refuse(u, -EINVAL, "sync: %s buffers never change hands: they need no sync",
			     dmademo_kind_names[u->kind]);
		goto out;
	}
	/*
	 * A sync for the CPU invalidates (arm64 dcache_inval_poc(), ARMv7
	 * v7_dma_inv_range()): while the CPU owns the buffers it would drop
	 * what the CPU wrote, and expose what memory held under it.
	 */
	if (sy->dir == DMADEMO_SYNC_TO_CPU && !u->dev_owns) {
		ret = refuse(u, -EINVAL,
			     "sync: to the CPU, which owns the buffers already: DMADEMO_SYNC_TO_DEV first");
		goto out;
	}
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
static long user_xfer(struct dmademo_user *u, struct dmademo_xfer *x)
{
	struct dmademo_run r = { .p = &dmademo.params };
	const struct dmademo_engine *engine;
	struct dmademo_slot *s;
	u64 t0 = ktime_get_ns(), t;
	const char *what;
	char why[80];
	long ret;

	if (x->flags)
		return refuse(u, -EINVAL, "xfer: flags %#x: must be 0", x->flags);
	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	mutex_lock(&u->lock);
	if (!u->b) {
		ret = refuse(u, -ENXIO, "xfer: no buffers: DMADEMO_IOC_ALLOC first");
		goto out;
	}
	if (dmademo_running()) {
		ret = refuse(u, -EBUSY, "xfer: a run is in progress");
		goto out;
	}
	if (!dmademo.chan || dmademo_dma_dev() != u->b->dev) {
		ret = refuse(u, -ENODEV, "xfer: the channel changed since the allocation");
		goto out;
	}
	if (READ_ONCE(dmademo.chan_stuck) || u->stuck) {
		ret = refuse(u, -EIO, "xfer: the channel could not be stopped after a timeout");
		goto out;
	}
	/* the device would read what the CPU may not have written back */
	if (u->b->ops->to_dev && !u->dev_owns) {
		ret = refuse(u, -EINVAL,
			     "xfer: the CPU owns the %s buffers: DMADEMO_SYNC_TO_DEV first",
			     dmademo_kind_names[u->kind]);
		goto out;
	}
	r.chan = dmademo.chan;
	ret = dmademo_len_check(r.chan, u->b->len, why, sizeof(why));
	if (ret) {
		refuse(u, ret, "xfer: %zu B: %s", u->b->len, why);
		goto out;
	}
	engine = dmademo_engine_for(u->b->ops, dmademo.params.completion, false);
	s = &u->b->slot[0];
	memset(s->ns, 0, sizeof(s->ns));
	reinit_completion(&s->done);
	s->submit_ns = ktime_get_ns();
	ret = engine->start(&r, s, &what);
	if (!ret)
		ret = engine->finish(&r, s, &t, &what);
	if (ret) {
		if (!dmademo_chan_quiet(r.chan, false)) {
			u->stuck = true;
			u->stuck_gen = dmademo.chan_gen;
		}
		refuse(u, ret, "xfer: %s failed", what);
		goto out;
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

static long user_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dmademo_user *u = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct dmademo_alloc alloc;
		struct dmademo_sync sync;
		struct dmademo_xfer xfer;
	} a;
	long ret;

	if (cmd == DMADEMO_IOC_FREE)
		return user_free(u);
	if (cmd != DMADEMO_IOC_ALLOC && cmd != DMADEMO_IOC_SYNC && cmd != DMADEMO_IOC_XFER)
		return refuse(u, -ENOTTY, "ioctl %#x: not a dmademo request", cmd);
	if (copy_from_user(&a, uarg, _IOC_SIZE(cmd)))
		return refuse(u, -EFAULT, "ioctl: its argument is not readable");
	switch (cmd) {
	case DMADEMO_IOC_ALLOC:
		ret = user_alloc(u, &a.alloc);
		break;
	case DMADEMO_IOC_SYNC:
		ret = user_sync(u, &a.sync);
		break;
	default:
		ret = user_xfer(u, &a.xfer);
		break;
	}
	if (!ret && copy_to_user(uarg, &a, _IOC_SIZE(cmd)))
		return refuse(u, -EFAULT, "ioctl: its argument is not writable");
	return ret;
}

/* one line: the buffers, and why the last request was refused */
static ssize_t user_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct dmademo_user *u = file->private_data;
	char line[256];
	int len;

	if (mutex_lock_killable(&u->lock))
		return -EINTR;
	spin_lock(&u->reason_lock);
	len = scnprintf(line, sizeof(line),
			"kind=%s size=%zu maps=%d need_sync=%d stuck=%d owner=%s error=%s\n",
			u->b ? dmademo_kind_names[u->kind] : "none", u->b ? u->b->len : 0,
			atomic_read(&u->maps), u->need_sync, u->stuck,
			u->dev_owns ? "device" : "cpu", u->reason);
	spin_unlock(&u->reason_lock);
	mutex_unlock(&u->lock);
	return simple_read_from_buffer(ubuf, count, ppos, line, len);
}

static const struct file_operations user_fops = {
	.owner = THIS_MODULE,
	.open = user_open,
	.release = user_release,
	.read = user_read,
	.unlocked_ioctl = user_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = user_mmap,
	.llseek = default_llseek,
};

static struct miscdevice user_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.fops = &user_fops,
	.mode = 0600,
};

int dmademo_mmap_init(void)
{
	return misc_register(&user_dev);
}

void dmademo_mmap_exit(void)
{
	misc_deregister(&user_dev);
}
