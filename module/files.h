/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmademo's control files (knobs, run, status, info, results...), one list
 * behind two doors (doors.c): debugfs, /sys/kernel/debug/dmademo, and
 * procfs, /proc/dmademo, which kernel lockdown leaves open where it refuses
 * every writable debugfs file (debugfs_locked_down(), fs/debugfs/file.c).
 *
 * Each file has one set of file_operations. Both doors give its inode the
 * file's struct dmademo_file as i_private: debugfs as the file's data,
 * procfs as the entry's (pde_data(), include/linux/proc_fs.h), where a
 * proc_ops of doors.c hands every call on to those file_operations.
 */
#ifndef DMADEMO_FILES_H
#define DMADEMO_FILES_H

#include <linux/fs.h>

struct dmademo_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
};

/* knobs.c: calls add() for each file, stopping at the first error */
int dmademo_files_each(int (*add)(void *dir, const struct dmademo_file *f),
		       void *dir);

/* doors.c */
int dmademo_doors_init(void);
void dmademo_doors_exit(void);

/* device.c */
extern const struct file_operations dmademo_info_fops;

/* export.c */
extern const struct file_operations dmademo_results_fops;
extern const struct file_operations dmademo_summary_fops;
extern const struct file_operations dmademo_histogram_fops;

#endif /* DMADEMO_FILES_H */
