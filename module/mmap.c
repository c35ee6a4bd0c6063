// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dmademo: DMA buffers that an application maps, the way a driver
 * hands them to user space, and the requests of its round trip (see
 * uapi.h). Each open file holds a source and a destination of one kind
 * (ubuf.c: coherent, wc or cached), or two imported dma-bufs (dmabuf.c).
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

#include "user.h"

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

	dmademo_user_bufs_free(u->b, u->stuck, u->stuck_gen);
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
		return dmademo_refuse(vma->vm_private_data, -EACCES,
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
		ret = dmademo_refuse(u, -ENXIO, "mmap: no buffers: DMADEMO_IOC_ALLOC first");
		goto out;
	}
	if (dmademo_imported(u)) {
		ret = dmademo_refuse(u, -EINVAL,
				     "mmap: imported dma-bufs are mapped through their own fds");
		goto out;
	}
	/*
	 * VM_MAYSHARE, not VM_SHARED: do_mmap() clears VM_SHARED (and
	 * VM_MAYWRITE) for a file not opened for writing, so a read-only
	 * open's MAP_SHARED mapping has VM_MAYSHARE alone. It refused
	 * PROT_WRITE there already (EACCES).
	 */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		ret = dmademo_refuse(u, -EINVAL,
				     "mmap: a private mapping: map DMA buffers MAP_SHARED");
		goto out;
	}
	if (vma->vm_flags & VM_EXEC) {
		ret = dmademo_refuse(u, -EPERM, "mmap: PROT_EXEC: DMA buffers are not code");
		goto out;
	}
	s = &u->b->slot[0];
	pages = PAGE_ALIGN(u->b->len) >> PAGE_SHIFT;
	dst = off >= pages;
	if (dst)
		off -= pages;
	if (off >= pages || vma_pages(vma) > pages - off) {
		ret = dmademo_refuse(u, -ENXIO,
				     "mmap: %lu pages at page %lu: past the %zu B buffers",
				     vma_pages(vma), vma->vm_pgoff, u->b->len);
		goto out;
	}
	/* dma_mmap_*() map from vm_pgoff pages into the buffer */
	vma->vm_pgoff = off;
	ret = dmademo_ukinds[u->kind].mmap(u->b, vma, dst ? s->dst : s->src,
					   dst ? s->dst_dma : s->src_dma);
	if (ret) {
		dmademo_refuse(u, ret, "mmap: %s failed", dmademo_ukinds[u->kind].ops.alloc_what);
		goto out;
	}
	vma->vm_ops = &user_vm_ops;
	vma->vm_private_data = u;
	atomic_inc(&u->maps);
out:
	mutex_unlock(&u->lock);
	return ret;
}

/* the requests' sizes before their last fields were appended (uapi.h) */
#define SYNC_V1_SIZE	offsetof(struct dmademo_sync, offset)
#define XFER_V1_SIZE	offsetof(struct dmademo_xfer, map_ns)

static long user_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dmademo_user *u = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct dmademo_alloc alloc;
		struct dmademo_sync sync;
		struct dmademo_xfer xfer;
		struct dmademo_import import;
	} a = {};
	unsigned int size = _IOC_SIZE(cmd);
	long ret;

	if (cmd == DMADEMO_IOC_FREE)
		return dmademo_user_free(u);
	/* older tools' requests: the appended fields read as 0 */
	if (cmd == _IOC(_IOC_READ | _IOC_WRITE, DMADEMO_IOC_MAGIC, 2, SYNC_V1_SIZE))
		cmd = DMADEMO_IOC_SYNC;
	if (cmd == _IOC(_IOC_READ | _IOC_WRITE, DMADEMO_IOC_MAGIC, 3, XFER_V1_SIZE))
		cmd = DMADEMO_IOC_XFER;
	if (cmd != DMADEMO_IOC_ALLOC && cmd != DMADEMO_IOC_SYNC && cmd != DMADEMO_IOC_XFER &&
	    cmd != DMADEMO_IOC_IMPORT)
		return dmademo_refuse(u, -ENOTTY, "ioctl %#x: not a dmademo request", cmd);
	if (copy_from_user(&a, uarg, size))
		return dmademo_refuse(u, -EFAULT, "ioctl: its argument is not readable");
	switch (cmd) {
	case DMADEMO_IOC_ALLOC:
		ret = dmademo_user_alloc(u, &a.alloc);
		break;
	case DMADEMO_IOC_SYNC:
		ret = dmademo_user_sync(u, &a.sync);
		break;
	case DMADEMO_IOC_IMPORT:
		ret = dmademo_user_import(u, &a.import);
		break;
	default:
		ret = dmademo_user_xfer(u, &a.xfer);
		break;
	}
	if (!ret && copy_to_user(uarg, &a, size))
		return dmademo_refuse(u, -EFAULT, "ioctl: its argument is not writable");
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
