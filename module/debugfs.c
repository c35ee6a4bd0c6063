// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs interface, /sys/kernel/debug/dmademo/: knobs to write,
 * results to read. Every write is checked whole before anything changes,
 * and refused with -EBUSY while a run is in progress.
 */
#include "dmademo.h"

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

static const char * const state_names[] = {
	[DMADEMO_IDLE]	  = "idle",
	[DMADEMO_RUNNING] = "running",
	[DMADEMO_DONE]	  = "done",
	[DMADEMO_STOPPED] = "stopped",
	[DMADEMO_FAILED]  = "failed",
};

static const char * const phase_names[DMADEMO_NR_PHASES] = {
	"fill", "to_dev", "prep", "submit", "wait", "to_cpu", "read", "total",
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

/* Locks the knobs; fails with -EBUSY while a run is in progress. */
static int lock_idle(const char *name)
{
	mutex_lock(&dmademo.lock);
	if (!dmademo_running())
		return 0;
	mutex_unlock(&dmademo.lock);
	pr_err("%s: refused while a run is in progress\n", name);
	return -EBUSY;
}

/* knobs: the parameters of the next run */

enum knob_kind { KNOB_U32, KNOB_FAULT, KNOB_STRATEGIES, KNOB_SIZES };

struct dmademo_knob {
	const char *name;
	enum knob_kind kind;
	size_t offset;			/* of a u32 in struct dmademo_params */
	u32 min, max;
};

#define KNOB(_name, _kind, _field, _min, _max) {			\
	.name = _name, .kind = _kind,					\
	.offset = offsetof(struct dmademo_params, _field),		\
	.min = _min, .max = _max,					\
}

static const struct dmademo_knob knobs[] = {
	{ .name = "strategy", .kind = KNOB_STRATEGIES },
	{ .name = "sizes", .kind = KNOB_SIZES },
	KNOB("iterations", KNOB_U32, iterations, 1, DMADEMO_MAX_ITERATIONS),
	KNOB("warmup", KNOB_U32, warmup, 0, DMADEMO_MAX_ITERATIONS),
	KNOB("verify", KNOB_U32, verify, 0, 1),
	KNOB("touch", KNOB_U32, touch, 0, 1),
	KNOB("depth", KNOB_U32, depth, 1, DMADEMO_MAX_DEPTH),
	KNOB("timeout_ms", KNOB_U32, timeout_ms, 1, DMADEMO_MAX_TIMEOUT_MS),
	KNOB("inject", KNOB_FAULT, inject, 0, DMADEMO_NR_FAULTS - 1),
};

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
	case KNOB_FAULT:
		ret = dmademo_parse_name(buf, dmademo_fault_names,
					 DMADEMO_NR_FAULTS, &i, why);
		if (!ret)
			*knob_u32(p, k) = i;
		return ret;
	case KNOB_STRATEGIES:
		return dmademo_parse_strategies(buf, p->strategies,
						&p->nr_strategies, why);
	case KNOB_SIZES:
		return dmademo_parse_sizes(buf, p->sizes, &p->nr_sizes, why);
	}
	return -EINVAL;
}

static int knob_show(struct seq_file *m, void *v)
{
	const struct dmademo_knob *k = m->private;
	struct dmademo_params p;
	unsigned int i;

	mutex_lock(&dmademo.lock);
	p = dmademo.params;
	mutex_unlock(&dmademo.lock);

	switch (k->kind) {
	case KNOB_U32:
		seq_printf(m, "%u\n", *knob_u32(&p, k));
		break;
	case KNOB_FAULT:
		seq_printf(m, "%s\n", dmademo_fault_names[*knob_u32(&p, k)]);
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
	}
	return 0;
}

static int knob_open(struct inode *inode, struct file *file)
{
	return single_open(file, knob_show, inode->i_private);
}

static ssize_t knob_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	const struct dmademo_knob *k = file_inode(file)->i_private;
	const char *why = "invalid value";
	struct dmademo_params p;
	char *buf, *val;
	int ret;

	buf = write_buf(k->name, ubuf, count, ppos, true);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* the lists are parsed in place: keep what was written for the log */
	val = kstrdup(buf, GFP_KERNEL);
	if (!val) {
		ret = -ENOMEM;
		goto out;
	}
	ret = lock_idle(k->name);
	if (ret)
		goto out;
	p = dmademo.params;
	ret = knob_parse(k, val, &p, &why);
	if (!ret)
		dmademo.params = p;
	mutex_unlock(&dmademo.lock);
	if (ret == -ERANGE && k->kind == KNOB_U32)
		pr_err("%s: %s, %u..%u: '%*pE'\n", k->name, why, k->min, k->max,
		       (int)min_t(size_t, strlen(buf), 64), buf);
	else if (ret)
		bad_value(k->name, why, buf);
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

/* what follows "<prefix><digits>" at the start of s, or NULL */
static const char *skip_prefix_digits(const char *s, const char *prefix)
{
	size_t n = str_has_prefix(s, prefix);

	if (!n || !isdigit(s[n]))
		return NULL;
	for (s += n; isdigit(*s); s++)
		;
	return s;
}

/*
 * dmaengine names every channel "dma<device>chan<channel>": anything else
 * is a typo (-EINVAL), not a channel that is missing or busy (-ENODEV).
 */
static bool chan_name_valid(const char *name)
{
	const char *p;

	if (!strcmp(name, "any") || !strcmp(name, "none"))
		return true;
	p = skip_prefix_digits(name, "dma");
	p = p ? skip_prefix_digits(p, "chan") : NULL;
	return p && !*p;
}

static int channel_show(struct seq_file *m, void *v)
{
	mutex_lock(&dmademo.lock);
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
	if (strlen(name) >= 32 || !chan_name_valid(name)) {
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
		mutex_lock(&dmademo.lock);
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

	mutex_lock(&dmademo.lock);
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
	u32 done, total, errors;
	int error;

	spin_lock(&dmademo.status_lock);
	state = dmademo.state;
	error = dmademo.error;
	done = dmademo.done;
	total = dmademo.total;
	errors = dmademo.errors;
	strscpy(reason, dmademo.reason, sizeof(reason));
	spin_unlock(&dmademo.status_lock);

	seq_printf(m, "state=%s done=%u total=%u errors=%u",
		   state_names[state], done, total, errors);
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

/* info: what the numbers depend on */

static int info_show(struct seq_file *m, void *v)
{
	struct dma_chan *chan;
	struct device *dev;

	seq_printf(m, "kernel=%s\n", utsname()->release);
	seq_printf(m, "version=%s\n", DMADEMO_VERSION);

	mutex_lock(&dmademo.lock);
	chan = dmademo.chan;
	dev = dmademo_dma_dev();
	seq_printf(m, "channel=%s\n", chan ? dma_chan_name(chan) : "none");
	seq_printf(m, "channel_from_dt=%d\n", dmademo.chan_from_dt);
	if (dev) {
		seq_printf(m, "dma_device=%s\n", dev_name(dev));
		seq_printf(m, "dma_driver=%s\n", dev_driver_string(dev));
		seq_printf(m, "dma_coherent=%d\n", dev_is_dma_coherent(dev));
		seq_printf(m, "dma_mask_bits=%d\n", fls64(dma_get_mask(dev)));
		seq_printf(m, "copy_align=%u\n", 1U << chan->device->copy_align);
	}
	mutex_unlock(&dmademo.lock);

	seq_printf(m, "dma_cache_align=%d\n", dma_get_cache_alignment());
	seq_printf(m, "page_size=%lu\n", PAGE_SIZE);
	seq_printf(m, "ktime_ns=%u\n", dmademo.ktime_ns);
	seq_printf(m, "ktime_res_ns=%u\n", dmademo.ktime_res_ns);
	seq_printf(m, "overhead_ns=%u\n", dmademo.overhead_ns);
	seq_printf(m, "max_samples=%u\n", DMADEMO_MAX_SAMPLES);
	seq_printf(m, "max_size=%u\n", DMADEMO_MAX_SIZE);
	seq_printf(m, "max_depth=%u\n", DMADEMO_MAX_DEPTH);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

/*
 * results and summary print the run that was the last one when they were
 * opened: they hold a reference on it until they are closed. If ended is
 * not NULL, it tells whether that run had ended (its samples are final).
 */
static struct dmademo_result *result_get(bool *ended)
{
	struct dmademo_result *res;

	mutex_lock(&dmademo.lock);
	res = dmademo.result;
	if (res)
		kref_get(&res->ref);
	if (ended)
		*ended = !dmademo_running();
	mutex_unlock(&dmademo.lock);
	return res;
}

static void *results_start(struct seq_file *m, loff_t *pos)
{
	struct dmademo_result *res = m->private;

	if (!*pos)
		return SEQ_START_TOKEN;
	/* rows are published whole: the count is stored after the row */
	if (!res || *pos > smp_load_acquire(&res->recorded))
		return NULL;
	return &res->samples[*pos - 1];
}

static void *results_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return results_start(m, pos);
}

static void results_stop(struct seq_file *m, void *v)
{
}

/* v in decimal, written backwards so that it ends just before end */
static char *put_u32_back(char *end, u32 v)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

#define RESULTS_HEADER "strategy,size,iter,fill_ns,to_dev_ns,prep_ns,submit_ns,wait_ns,to_cpu_ns,read_ns,total_ns,ok\n"
#define RESULTS_ROW_MAX	128	/* 11 numbers of 10 digits at most, commas, newline */

/* a row but its strategy name, backwards from end; returns its start */
static char *results_row(const struct dmademo_result *res,
			 const struct dmademo_sample *smp, char *end)
{
	const struct dmademo_step *st = &res->steps[smp->step];
	char *b = end;
	int p;

	*--b = '\n';
	b = put_u32_back(b, smp->ok);
	for (p = DMADEMO_NR_PHASES - 1; p >= 0; p--) {
		*--b = ',';
		b = put_u32_back(b, smp->ns[p]);
	}
	*--b = ',';
	b = put_u32_back(b, smp - res->samples - st->first);
	*--b = ',';
	b = put_u32_back(b, st->size);
	*--b = ',';
	return b;
}

static int results_show(struct seq_file *m, void *v)
{
	struct dmademo_result *res = m->private;
	const struct dmademo_sample *smp = v;
	char row[RESULTS_ROW_MAX], *b;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, RESULTS_HEADER);
		return 0;
	}
	b = results_row(res, smp, row + sizeof(row));
	seq_puts(m, dmademo_strategy_names[res->steps[smp->step].strategy]);
	seq_write(m, b, row + sizeof(row) - b);
	return 0;
}

/*
 * Once a run has ended its results no longer change: the first reader
 * renders them into one buffer, and every read after that is a copy.
 */
static void results_render(struct dmademo_result *res)
{
	/* pairs with record(): rows are whole up to the count */
	u32 i, n = smp_load_acquire(&res->recorded);
	char row[RESULTS_ROW_MAX], *b, *text;
	size_t len = 0, pos;

	for (i = 0; i < n; i++) {
		const struct dmademo_sample *smp = &res->samples[i];

		len += strlen(dmademo_strategy_names[res->steps[smp->step].strategy]);
		len += row + sizeof(row) - results_row(res, smp, row + sizeof(row));
		if (!(i & 0xffff))
			cond_resched();
	}
	len += strlen(RESULTS_HEADER);
	text = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
	if (!text)
		return;		/* readers format row by row instead */
	memcpy(text, RESULTS_HEADER, strlen(RESULTS_HEADER));
	pos = strlen(RESULTS_HEADER);
	for (i = 0; i < n; i++) {
		const struct dmademo_sample *smp = &res->samples[i];
		const char *name = dmademo_strategy_names[res->steps[smp->step].strategy];
		size_t l = strlen(name);

		memcpy(text + pos, name, l);
		pos += l;
		b = results_row(res, smp, row + sizeof(row));
		memcpy(text + pos, b, row + sizeof(row) - b);
		pos += row + sizeof(row) - b;
		if (!(i & 0xffff))
			cond_resched();
	}
	res->text_len = pos;
	/* readers that see text see its length and every byte of it */
	smp_store_release(&res->text, text);
}

static const struct seq_operations results_sops = {
	.start = results_start,
	.next = results_next,
	.stop = results_stop,
	.show = results_show,
};

/*
 * seq_read() returns at most one buffer per read(): with the default page,
 * cat's 64 KiB reads would each come back with 4 KiB. A buffer of the
 * size of a typical read saves 15 system calls in 16.
 */
#define RESULTS_BUF_SIZE	SZ_64K

static int results_open(struct inode *inode, struct file *file)
{
	struct dmademo_result *res;
	struct seq_file *m;
	bool ended;
	int ret;

	res = result_get(&ended);
	ret = seq_open(file, &results_sops);
	if (ret) {
		dmademo_result_put(res);
		return ret;
	}
	m = file->private_data;
	m->private = res;
	if (res && ended) {
		mutex_lock(&res->text_lock);
		if (!res->text)
			results_render(res);
		mutex_unlock(&res->text_lock);
		if (res->text)
			return 0;
	}
	/* as single_open_size() does; without it, seq_read() takes a page */
	m->buf = kvmalloc(RESULTS_BUF_SIZE, GFP_KERNEL);
	if (m->buf)
		m->size = RESULTS_BUF_SIZE;
	return 0;
}

/*
 * The rendered text once there is one, else row by row. The bytes are the
 * same either way, so a reader that opened during the run and reads on
 * after the text appeared continues at the same offset.
 */
static const char *results_text(struct file *file, size_t *len)
{
	struct dmademo_result *res = ((struct seq_file *)file->private_data)->private;

	/* pairs with results_render(): text before the pointer to it */
	if (!res || !smp_load_acquire(&res->text))
		return NULL;
	*len = res->text_len;
	return res->text;
}

static ssize_t results_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	const char *text;
	size_t len;

	text = results_text(file, &len);
	if (text)
		return simple_read_from_buffer(ubuf, count, ppos, text, len);
	return seq_read(file, ubuf, count, ppos);
}

static loff_t results_llseek(struct file *file, loff_t off, int whence)
{
	size_t len;

	if (results_text(file, &len))
		return fixed_size_llseek(file, off, whence, len);
	return seq_lseek(file, off, whence);
}

static int results_release(struct inode *inode, struct file *file)
{
	struct dmademo_result *res = ((struct seq_file *)file->private_data)->private;

	dmademo_result_put(res);
	return seq_release(inode, file);
}

static const struct file_operations results_fops = {
	.owner = THIS_MODULE,
	.open = results_open,
	.read = results_read,
	.llseek = results_llseek,
	.release = results_release,
};

static void seq_put_mbps(struct seq_file *m, u64 bytes, u64 ns)
{
	u32 frac;
	u64 mbps = div_u64_rem(dmademo_mbps_x100(bytes, ns), 100, &frac);

	seq_printf(m, ",%llu.%02u", mbps, frac);
}

static int summary_show(struct seq_file *m, void *v)
{
	struct dmademo_result *res = m->private;
	unsigned int i, done;
	int p;

	seq_puts(m, "strategy,size,phase,n,min_ns,p50_ns,p90_ns,p99_ns,max_ns,mean_ns,stddev_ns,mbps_p50,mbps_step\n");
	if (!res)
		return 0;
	/* pairs with the run thread's release: stats before the count */
	done = smp_load_acquire(&res->steps_done);
	for (i = 0; i < done; i++) {
		const struct dmademo_step *st = &res->steps[i];

		if (!st->n)
			continue;
		for (p = 0; p < DMADEMO_NR_PHASES; p++) {
			const struct dmademo_stats *s = &st->stats[p];

			seq_printf(m, "%s,%u,%s,%u,%u,%u,%u,%u,%u,%u,%u",
				   dmademo_strategy_names[st->strategy],
				   st->size, phase_names[p], s->n, s->min,
				   s->p50, s->p90, s->p99, s->max, s->mean,
				   s->stddev);
			seq_put_mbps(m, st->size, s->p50);
			seq_put_mbps(m, (u64)st->size * st->n, st->wall_ns);
			seq_putc(m, '\n');
		}
	}
	return 0;
}

static int summary_open(struct inode *inode, struct file *file)
{
	struct dmademo_result *res = result_get(NULL);
	int ret;

	ret = single_open(file, summary_show, res);
	if (ret)
		dmademo_result_put(res);
	return ret;
}

static int summary_release(struct inode *inode, struct file *file)
{
	struct dmademo_result *res = ((struct seq_file *)file->private_data)->private;

	dmademo_result_put(res);
	return single_release(inode, file);
}

static const struct file_operations summary_fops = {
	.owner = THIS_MODULE,
	.open = summary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = summary_release,
};

void dmademo_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		debugfs_create_file(knobs[i].name, 0600, dir, (void *)&knobs[i],
				    &knob_fops);
	debugfs_create_file("channel", 0600, dir, NULL, &channel_fops);
	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	debugfs_create_file("copy", 0600, dir, NULL, &copy_fops);
	debugfs_create_file("status", 0400, dir, NULL, &status_fops);
	debugfs_create_file("wait", 0400, dir, NULL, &wait_fops);
	debugfs_create_file("info", 0400, dir, NULL, &info_fops);
	debugfs_create_file("results", 0400, dir, NULL, &results_fops);
	debugfs_create_file("summary", 0400, dir, NULL, &summary_fops);
	dmademo.dir = dir;
}
