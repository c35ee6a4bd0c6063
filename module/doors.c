// SPDX-License-Identifier: GPL-2.0
/*
 * The doors to the control files (files.h): /sys/kernel/debug/dmademo and
 * /proc/dmademo, both made from one list, both root's only, both with the
 * same file_operations behind them.
 *
 * debugfs is the interface of record. Kernel lockdown (integrity, which
 * Debian's kernels turn on under Secure Boot) refuses every debugfs file
 * with a write bit (debugfs_locked_down(), fs/debugfs/file.c) but has no
 * check on procfs, but for /proc/kcore (read_kcore(), fs/proc/kcore.c).
 *
 * procfs holds no reference on the module while a file is open:
 * proc_remove() waits for the calls in progress and releases the files
 * still open (proc_entry_rundown(), fs/proc/inode.c). The module stops any
 * run before that (dmademo.closing), so that no reader of "wait" blocks it.
 */
#include "dmademo.h"

#include <linux/debugfs.h>
#include <linux/proc_fs.h>

#include "files.h"

static struct dentry *debugfs_dir;
static struct proc_dir_entry *proc_dir;

/* procfs: each call handed on to the file's own file_operations */

static const struct file_operations *door_fops(const struct inode *inode)
{
	return ((const struct dmademo_file *)pde_data(inode))->fops;
}

static int door_open(struct inode *inode, struct file *file)
{
	const struct file_operations *fops = door_fops(inode);

	return fops->open ? fops->open(inode, file) : 0;
}

static ssize_t door_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	const struct file_operations *fops = door_fops(file_inode(file));

	return fops->read ? fops->read(file, buf, count, ppos) : -EINVAL;
}

static ssize_t door_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	const struct file_operations *fops = door_fops(file_inode(file));

	return fops->write ? fops->write(file, buf, count, ppos) : -EINVAL;
}

static loff_t door_lseek(struct file *file, loff_t offset, int whence)
{
	const struct file_operations *fops = door_fops(file_inode(file));

	return fops->llseek ? fops->llseek(file, offset, whence) : -ESPIPE;
}

static int door_release(struct inode *inode, struct file *file)
{
	const struct file_operations *fops = door_fops(inode);

	return fops->release ? fops->release(inode, file) : 0;
}

static const struct proc_ops door_pops = {
	.proc_open = door_open,
	.proc_read = door_read,
	.proc_write = door_write,
	.proc_lseek = door_lseek,
	.proc_release = door_release,
};

static int debugfs_add(void *dir, const struct dmademo_file *f)
{
	/* debugfs reports its own failures, and they are not the module's */
	debugfs_create_file(f->name, f->mode, dir, (void *)f, f->fops);
	return 0;
}

static int proc_add(void *dir, const struct dmademo_file *f)
{
	if (proc_create_data(f->name, f->mode, dir, &door_pops, (void *)f))
		return 0;
	pr_err("cannot create /proc/%s/%s\n", KBUILD_MODNAME, f->name);
	return -ENOMEM;
}

int dmademo_doors_init(void)
{
	int ret;

	debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	dmademo_files_each(debugfs_add, debugfs_dir);
	if (!IS_ENABLED(CONFIG_PROC_FS))
		return 0;
	proc_dir = proc_mkdir_mode(KBUILD_MODNAME, 0500, NULL);
	if (!proc_dir) {
		pr_err("cannot create /proc/%s\n", KBUILD_MODNAME);
		ret = -ENOMEM;
		goto err_debugfs;
	}
	ret = dmademo_files_each(proc_add, proc_dir);
	if (ret)
		goto err_proc;
	return 0;

err_proc:
	proc_remove(proc_dir);
err_debugfs:
	debugfs_remove_recursive(debugfs_dir);
	return ret;
}

void dmademo_doors_exit(void)
{
	proc_remove(proc_dir);
	debugfs_remove_recursive(debugfs_dir);
}
