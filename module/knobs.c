// SPDX-License-Identifier: GPL-2.0
/*
 * The control files, /sys/kernel/debug/dmademo/ and /proc/dmademo/ alike
 * (files.h): knobs to write, results to read. Every write is checked whole
 * before anything changes, and refused with -EBUSY while a run is in
 * progress.
 */
#include "dmademo.h"

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "files.h"
#include "strategy.h"

static const char * const state_names[] = {
	[DMADEMO_IDLE]	  = "idle",
	[DMADEMO_RUNNING] = "running",
	[DMADEMO_DONE]	  = "done",
	[DMADEMO_STOPPED] = "stopped",
	[DMADEMO_FAILED]  = "failed",
};

/*
 * A write from user space as a string: at offset 0, one page at most and,
 * for text, without NUL bytes. Returns a NUL-terminated copy to kfree().
 */
static char *write_buf(const char *name, const char __user *ubuf, size_t count,
		       loff_t *ppos, bool text)
{
	char *buf;

	if (*ppos) {
		pr_err("%s: writes must start at offset 0\n", name);
		return ERR_PTR(-EINVAL);
	}
	if (!count || count > PAGE_SIZE) {
		pr_err("%s: a write must be 1 to %lu bytes\n", name, PAGE_SIZE);
		return ERR_PTR(-EINVAL);
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return buf;
	if (text && strlen(buf) != count) {
		pr_err("%s: a NUL byte inside the value\n", name);
		kfree(buf);
		return ERR_PTR(-EINVAL);
	}
	return buf;
}

static void bad_value(const char *name, const char *why, const char *buf)
{
	pr_err("%s: %s: '%*pE'\n", name, why, (int)min_t(size_t, strlen(buf), 64), buf);
}

/*
 * Locks the knobs; fails with -EBUSY while a run is in progress. Killable:
 * a stop in progress holds the lock for up to timeout_ms per transfer.
 */
static int lock_idle(const char *name)
{
	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	if (!dmademo_running())
		return 0;
	mutex_unlock(&dmademo.lock);
	pr_err("%s: refused while a run is in progress\n", name);
	return -EBUSY;
}

/* knobs: the parameters of the next run */

enum knob_kind { KNOB_U32, KNOB_NAME, KNOB_STRATEGIES, KNOB_SIZES, KNOB_CPU };

struct dmademo_knob {
	struct dmademo_file file;	/* what the doors need; first */
	enum knob_kind kind;
	size_t offset;			/* of a u32 in struct dmademo_params */
	u32 min, max;
	const char * const *names;	/* KNOB_NAME: the values, max + 1 of them */
};

static const struct file_operations knob_fops;

#define KNOB_FILE(_name) { .name = _name, .mode = 0600, .fops = &knob_fops }

#define KNOB(_name, _kind, _field, _min, _max) {			\
	.file = KNOB_FILE(_name), .kind = _kind,			\
	.offset = offsetof(struct dmademo_params, _field),		\
	.min = _min, .max = _max,					\
}

#define KNOB_NAMES(_name, _field, _names, _nr) {			\
	.file = KNOB_FILE(_name), .kind = KNOB_NAME,			\
	.offset = offsetof(struct dmademo_params, _field),		\
	.max = (_nr) - 1, .names = _names,				\
}

static const struct dmademo_knob knobs[] = {
	{ .file = KNOB_FILE("strategy"), .kind = KNOB_STRATEGIES },
	{ .file = KNOB_FILE("sizes"), .kind = KNOB_SIZES },
	KNOB("iterations", KNOB_U32, iterations, 1, DMADEMO_MAX_ITERATIONS),
	KNOB("warmup", KNOB_U32, warmup, 0, DMADEMO_MAX_ITERATIONS),
	KNOB("verify", KNOB_U32, verify, 0, 1),
	KNOB("touch", KNOB_U32, touch, 0, 1),
	KNOB("depth", KNOB_U32, depth, 1, DMADEMO_MAX_DEPTH),
	KNOB("timeout_ms", KNOB_U32, timeout_ms, 1, DMADEMO_MAX_TIMEOUT_MS),
	KNOB_NAMES("inject", inject, dmademo_fault_names, DMADEMO_NR_FAULTS),
	KNOB("rounds", KNOB_U32, rounds, 1, DMADEMO_MAX_ROUNDS),
	KNOB("shuffle", KNOB_U32, shuffle, 0, 1),
	KNOB("seed", KNOB_U32, seed, 0, U32_MAX),
	KNOB("cpu", KNOB_CPU, cpu, 0, 0),
	KNOB("touch_bytes", KNOB_U32, touch_bytes, 0, DMADEMO_MAX_SIZE),
	KNOB("sync_bytes", KNOB_U32, sync_bytes, 0, DMADEMO_MAX_SIZE),
	KNOB("cold", KNOB_U32, cold, 0, 1),
	KNOB_NAMES("completion", completion, dmademo_completion_names,
		   DMADEMO_NR_COMPLETIONS),
	KNOB("dma_bits", KNOB_U32, dma_bits, 0, 64),
	KNOB("threads", KNOB_U32, threads, 1, DMADEMO_MAX_THREADS),
	KNOB_NAMES("direction", direction, dmademo_direction_names,
		   DMADEMO_NR_DIRECTIONS),
	KNOB_NAMES("record", record, dmademo_record_names, DMADEMO_NR_RECORDS),
	KNOB("duration_ms", KNOB_U32, duration_ms, 0, DMADEMO_MAX_DURATION_MS),
};

/* both doors give a file's inode its struct dmademo_file (files.h) */
static const struct dmademo_knob *knob_of(const struct inode *inode)
{
	return container_of(inode->i_private, const struct dmademo_knob, file);
}

static u32 *knob_u32(struct dmademo_params *p, const struct dmademo_knob *k)
{
	return (u32 *)((char *)p + k->offset);
}

static int knob_parse(const struct dmademo_knob *k, char *buf,
		      struct dmademo_params *p, const char **why)
{
	unsigned int i;
	int ret;

	switch (k->kind) {
	case KNOB_U32:
		return dmademo_parse_u32(buf, k->min, k->max, knob_u32(p, k), why);
	case KNOB_NAME:
		ret = dmademo_parse_name(buf, k->names, k->max + 1, &i, why);
		if (!ret)
			*knob_u32(p, k) = i;
		return ret;
	case KNOB_STRATEGIES:
		ret = dmademo_parse_strategies(buf, dmademo_strategies_absent(),
					       p->strategies, &p->nr_strategies, why);
		if (!ret)
			p->strategy_all = !strcmp(buf, "all");	/* (newline taken off) */
		return ret;
	case KNOB_SIZES:
		return dmademo_parse_sizes(buf, p->sizes, &p->nr_sizes, why);
	case KNOB_CPU:
		if (sysfs_streq(buf, "any")) {
			*knob_u32(p, k) = DMADEMO_CPU_ANY;
			return 0;
		}
		ret = dmademo_parse_u32(buf, 0, nr_cpu_ids - 1, &i, why);
		if (!ret && !cpu_online(i)) {
			*why = "not an online CPU";
			ret = -EINVAL;
		}
		if (!ret)
			*knob_u32(p, k) = i;
		return ret;
	}
	return -EINVAL;
}

static int knob_show(struct seq_file *m, void *v)
{
	const struct dmademo_knob *k = m->private;
	struct dmademo_params p;
	unsigned int i;

	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	p = dmademo.params;
	mutex_unlock(&dmademo.lock);

	switch (k->kind) {
	case KNOB_U32:
		seq_printf(m, "%u\n", *knob_u32(&p, k));
		break;
	case KNOB_NAME:
		seq_printf(m, "%s\n", k->names[*knob_u32(&p, k)]);
		break;
	case KNOB_STRATEGIES:
		for (i = 0; i < p.nr_strategies; i++)
			seq_printf(m, "%s%s", i ? "," : "",
				   dmademo_strategy_names[p.strategies[i]]);
		seq_putc(m, '\n');
		break;
	case KNOB_SIZES:
		for (i = 0; i < p.nr_sizes; i++)
			seq_printf(m, "%s%u", i ? "," : "", p.sizes[i]);
		seq_putc(m, '\n');
		break;
	case KNOB_CPU:
		if (*knob_u32(&p, k) == DMADEMO_CPU_ANY)
			seq_puts(m, "any\n");
		else
			seq_printf(m, "%u\n", *knob_u32(&p, k));
		break;
	}
	return 0;
}

static int knob_open(struct inode *inode, struct file *file)
{
	return single_open(file, knob_show, (void *)knob_of(inode));
}

static ssize_t knob_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	const struct dmademo_knob *k = knob_of(file_inode(file));
	const char *why = "invalid value";
	struct dmademo_params p;
	char *buf, *val;
	int ret;

	buf = write_buf(k->file.name, ubuf, count, ppos, true);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* the lists are parsed in place: keep what was written for the log */
	val = kstrdup(buf, GFP_KERNEL);
	if (!val) {
		ret = -ENOMEM;
		goto out;
	}
	ret = lock_idle(k->file.name);
	if (ret)
		goto out;
	p = dmademo.params;
	ret = knob_parse(k, val, &p, &why);
	if (!ret)
		dmademo.params = p;
	mutex_unlock(&dmademo.lock);
	if (ret == -ERANGE && k->kind == KNOB_U32)
		pr_err("%s: %s, %u..%u: '%*pE'\n", k->file.name, why, k->min, k->max,
		       (int)min_t(size_t, strlen(buf), 64), buf);
	else if (ret)
		bad_value(k->file.name, why, buf);
out:
	kfree(val);
	kfree(buf);
	return ret ?: count;
}

static const struct file_operations knob_fops = {
	.owner = THIS_MODULE,
	.open = knob_open,
	.read = seq_read,
	.write = knob_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* channel: a name, "any" or "none" */

static int channel_show(struct seq_file *m, void *v)
{
	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	seq_printf(m, "%s\n", dmademo.chan ? dma_chan_name(dmademo.chan) : "none");
	mutex_unlock(&dmademo.lock);
	return 0;
}

static int channel_open(struct inode *inode, struct file *file)
{
	return single_open(file, channel_show, NULL);
}

static ssize_t channel_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char *buf, *name;
	int ret;

	buf = write_buf("channel", ubuf, count, ppos, true);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	name = strim(buf);
	if (strlen(name) >= 32 || !dmademo_chan_name_valid(name)) {
		bad_value("channel", "not dma<N>chan<N>, any or none", buf);
		ret = -EINVAL;
		goto out;
	}
	ret = lock_idle("channel");
	if (ret)
		goto out;
	ret = dmademo_chan_select(name);
	mutex_unlock(&dmademo.lock);
out:
	kfree(buf);
	return ret ?: count;
}

static const struct file_operations channel_fops = {
	.owner = THIS_MODULE,
	.open = channel_open,
	.read = seq_read,
	.write = channel_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* run: "start" or "stop" */

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	static const char * const cmds[] = { "start", "stop" };
	const char *why;
	unsigned int cmd;
	char *buf;
	int ret;

	buf = write_buf("run", ubuf, count, ppos, true);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = dmademo_parse_name(buf, cmds, ARRAY_SIZE(cmds), &cmd, &why);
	if (ret) {
		bad_value("run", "not 'start' or 'stop'", buf);
		goto out;
	}
	if (cmd == 0) {
		ret = lock_idle("run");
		if (ret)
			goto out;
		ret = dmademo_start();
	} else {
		ret = mutex_lock_killable(&dmademo.lock);
		if (ret)
			goto out;
		dmademo_stop();
	}
	mutex_unlock(&dmademo.lock);
out:
	kfree(buf);
	return ret ?: count;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = run_write,
};

/* copy: bytes in, DMA-copied through the channel, bytes out */

static ssize_t copy_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, dmademo.copy_buf,
				      dmademo.copy_len);
	mutex_unlock(&dmademo.lock);
	return ret;
}

static ssize_t copy_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	char *buf;
	int ret;

	buf = write_buf("copy", ubuf, count, ppos, false);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = lock_idle("copy");
	if (ret)
		goto out;
	ret = dmademo_copy(buf, count);
	mutex_unlock(&dmademo.lock);
	if (ret)
		pr_err("copy: %zu bytes through the channel failed (%pe)\n",
		       count, ERR_PTR(ret));
out:
	kfree(buf);
	return ret ?: count;
}

static const struct file_operations copy_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = copy_read,
	.write = copy_write,
	.llseek = default_llseek,
};

/* status and wait */

static void status_print(struct seq_file *m)
{
	enum dmademo_state state;
	char reason[sizeof(dmademo.reason)];
	u32 done, total, errors, skipped, seed, step_ms;
	u64 elapsed_ms, total_ms;
	int error;

	spin_lock(&dmademo.status_lock);
	state = dmademo.state;
	error = dmademo.error;
	/* the run thread updates these without the lock */
	done = READ_ONCE(dmademo.done);
	total = READ_ONCE(dmademo.total);
	errors = READ_ONCE(dmademo.errors);
	skipped = READ_ONCE(dmademo.skipped);
	seed = dmademo.seed;
	strscpy(reason, dmademo.reason, sizeof(reason));
	step_ms = dmademo.step_ms;
	total_ms = dmademo.total_ms;
	elapsed_ms = dmademo.elapsed_ms;
	if (state == DMADEMO_RUNNING && dmademo.step_start_ns)
		elapsed_ms += min_t(u64, step_ms, div_u64(ktime_get_ns() - dmademo.step_start_ns,
							  NSEC_PER_MSEC));
	spin_unlock(&dmademo.status_lock);

	seq_printf(m, "state=%s done=%u total=%u errors=%u skipped=%u seed=%u",
		   state_names[state], done, total, errors, skipped, seed);
	/* runs bounded by time: their progress by time, of every step's */
	if (step_ms)
		seq_printf(m, " elapsed_ms=%llu duration_ms=%llu", elapsed_ms, total_ms);
	if (state == DMADEMO_FAILED)
		seq_printf(m, " error=%s (%pe)", reason, ERR_PTR(error));
	seq_putc(m, '\n');
}

static int status_show(struct seq_file *m, void *v)
{
	status_print(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

static int wait_show(struct seq_file *m, void *v)
{
	int ret = wait_event_interruptible(dmademo.state_wq, !dmademo_running());

	if (ret)
		return ret;
	status_print(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wait);

static const struct dmademo_file files[] = {
	{ "channel",	0600, &channel_fops },
	{ "run",	0200, &run_fops },
	{ "copy",	0600, &copy_fops },
	{ "status",	0400, &status_fops },
	{ "wait",	0400, &wait_fops },
	{ "info",	0400, &dmademo_info_fops },
	{ "results",	0400, &dmademo_results_fops },
	{ "summary",	0400, &dmademo_summary_fops },
	{ "histogram",	0400, &dmademo_histogram_fops },
};

int dmademo_files_each(int (*add)(void *dir, const struct dmademo_file *f),
		       void *dir)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		ret = add(dir, &knobs[i].file);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ret = add(dir, &files[i]);
		if (ret)
			return ret;
	}
	return 0;
}
