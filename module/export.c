// SPDX-License-Identifier: GPL-2.0
/*
 * The results of a run as CSV: "results", a row per recorded transfer in
 * the order they ran (none when it recorded histograms), "summary", a row
 * per (strategy, size, phase), and "histogram", a row per non-empty bucket
 * of each (strategy, size, phase).
 * Columns are only ever appended, so that every reader of an older file
 * still reads a newer one.
 */
#include "dmademo.h"

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "files.h"

/*
 * results and summary print the run that was the last one when they were
 * opened: they hold a reference on it until they are closed. If ended is
 * not NULL, it tells whether that run had ended (its samples are final).
 */
static int result_get(struct dmademo_result **res, bool *ended)
{
	if (mutex_lock_killable(&dmademo.lock))
		return -EINTR;
	*res = dmademo.result;
	if (*res)
		kref_get(&(*res)->ref);
	if (ended)
		*ended = !dmademo_running();
	mutex_unlock(&dmademo.lock);
	return 0;
}

static void *results_start(struct seq_file *m, loff_t *pos)
{
	struct dmademo_result *res = m->private;

	/* recording histograms: no rows, not even the header (results_open) */
	if (res && res->hists)
		return NULL;
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

#define RESULTS_ROW_MAX	224	/* 19 numbers of 10 digits at most, commas, newline */

/* the phases that follow `ok`, appended after the first eight */
static const u8 late_phases[] = { DMADEMO_WAKE, DMADEMO_ALLOC, DMADEMO_FREE };
/* and those appended after irq_cpu */
static const u8 last_phases[] = { DMADEMO_MAP, DMADEMO_UNMAP };

static const char *sample_strategy(const struct dmademo_result *res,
				   const struct dmademo_sample *smp)
{
	return dmademo_strategy_names[res->cells[res->steps[smp->step].cell].strategy];
}

/* a row but its strategy name, backwards from end; returns its start */
static char *results_row(const struct dmademo_result *res,
			 const struct dmademo_sample *smp, char *end)
{
	const struct dmademo_step *st = &res->steps[smp->step];
	u32 iter = st->iter0 + (smp - res->samples - st->first);
	char *b = end;
	int p;

	*--b = '\n';
	for (p = ARRAY_SIZE(last_phases) - 1; p >= 0; p--) {
		b = put_u32_back(b, smp->ns[last_phases[p]]);
		*--b = ',';
	}
	b = put_u32_back(b, smp->irq_cpu);
	*--b = ',';
	b = put_u32_back(b, smp->cpu);
	*--b = ',';
	b = put_u32_back(b, st->round);
	for (p = ARRAY_SIZE(late_phases) - 1; p >= 0; p--) {
		*--b = ',';
		b = put_u32_back(b, smp->ns[late_phases[p]]);
	}
	*--b = ',';
	b = put_u32_back(b, smp->ok);
	for (p = DMADEMO_TOTAL; p >= 0; p--) {
		*--b = ',';
		b = put_u32_back(b, smp->ns[p]);
	}
	*--b = ',';
	b = put_u32_back(b, iter);
	*--b = ',';
	b = put_u32_back(b, res->cells[st->cell].size);
	*--b = ',';
	return b;
}

static int results_show(struct seq_file *m, void *v)
{
	struct dmademo_result *res = m->private;
	const struct dmademo_sample *smp = v;
	char row[RESULTS_ROW_MAX], *b;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, dmademo_results_header);
		return 0;
	}
	b = results_row(res, smp, row + sizeof(row));
	seq_puts(m, sample_strategy(res, smp));
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

		len += strlen(sample_strategy(res, smp));
		len += row + sizeof(row) - results_row(res, smp, row + sizeof(row));
		if (!(i & 0xffff))
			cond_resched();
	}
	len += strlen(dmademo_results_header);
	text = kvmalloc(len, GFP_KERNEL | __GFP_NOWARN);
	if (!text)
		return;		/* readers format row by row instead */
	memcpy(text, dmademo_results_header, strlen(dmademo_results_header));
	pos = strlen(dmademo_results_header);
	for (i = 0; i < n; i++) {
		const struct dmademo_sample *smp = &res->samples[i];
		const char *name = sample_strategy(res, smp);
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

	ret = result_get(&res, &ended);
	if (ret)
		return ret;
	ret = seq_open(file, &results_sops);
	if (ret) {
		dmademo_result_put(res);
		return ret;
	}
	m = file->private_data;
	m->private = res;
	if (res && res->hists) {
		pr_info_ratelimited("results: empty: the last run recorded histograms (record=histogram), in histogram\n");
		return 0;
	}
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

const struct file_operations dmademo_results_fops = {
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
	unsigned int i;
	int p;

	seq_puts(m, dmademo_summary_header);
	if (!res)
		return 0;
	for (i = 0; i < res->nr_cells; i++) {
		const struct dmademo_cell *c = &res->cells[i];

		/* pairs with the run thread's release: stats before the flag */
		if (!smp_load_acquire(&c->ready) || !(c->n + c->failed))
			continue;
		for (p = 0; p < DMADEMO_NR_PHASES; p++) {
			const struct dmademo_stats *s = &c->stats[p];

			seq_printf(m, "%s,%u,%s,%llu,%u,%u,%u,%u,%u,%u,%u",
				   dmademo_strategy_names[c->strategy],
				   c->size, dmademo_phase_names[p], s->n, s->min,
				   s->p50, s->p90, s->p99, s->max, s->mean,
				   s->stddev);
			seq_put_mbps(m, c->size, s->p50);
			seq_put_mbps(m, (u64)c->size * (c->n + c->failed), c->wall_ns);
			seq_printf(m, ",%llu,%d,%u,%u,%u,%d\n", c->failed, c->need_sync,
				   c->segments, s->p999, s->p9999, c->bounced);
		}
	}
	for (i = 0; i < res->nr_cells; i++) {
		const struct dmademo_cell *c = &res->cells[i];

		/* as above: skip_err and skip before the flag */
		if (smp_load_acquire(&c->ready) && c->skip_err)
			seq_printf(m, "# skipped: %s %u: %s (%pe)\n",
				   dmademo_strategy_names[c->strategy], c->size,
				   c->skip, ERR_PTR(c->skip_err));
	}
	return 0;
}

static int summary_open(struct inode *inode, struct file *file)
{
	struct dmademo_result *res;
	int ret;

	ret = result_get(&res, NULL);
	if (ret)
		return ret;
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

const struct file_operations dmademo_summary_fops = {
	.owner = THIS_MODULE,
	.open = summary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = summary_release,
};

/*
 * histogram: a row per non-empty bucket of each phase of each cell that has
 * its statistics, in the order of summary: the run's histograms or, when
 * it recorded samples, histograms of its samples that verified. Each
 * position is a (cell, phase); its rows are one record.
 */
struct histogram_file {
	struct dmademo_result *res;
	unsigned int idx;		/* the (cell, phase) being shown */
	struct dmademo_hist tmp;
};

static void *histogram_start(struct seq_file *m, loff_t *pos)
{
	struct histogram_file *f = m->private;

	if (!*pos)
		return SEQ_START_TOKEN;
	if (!f->res || *pos > (loff_t)f->res->nr_cells * DMADEMO_NR_PHASES)
		return NULL;
	f->idx = *pos - 1;
	return f;
}

static void *histogram_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return histogram_start(m, pos);
}

/*
 * The histogram of phase p of cell c, from the samples that verified: each
 * run of them counted in one pass, as the run's own histograms are.
 */
static void histogram_of_samples(const struct dmademo_result *res, unsigned int ci, int p,
				 struct dmademo_hist *h)
{
	const unsigned int stride = sizeof(struct dmademo_sample) / sizeof(u32);
	unsigned int i;
	u32 j, k;

	BUILD_BUG_ON(sizeof(struct dmademo_sample) % sizeof(u32));
	dmademo_hist_init(h);
	for (i = 0; i < res->nr_steps; i++) {
		const struct dmademo_step *st = &res->steps[i];
		const struct dmademo_sample *smp = &res->samples[st->first];

		if (st->cell != ci)
			continue;
		for (j = 0; j < st->n; j = k + 1) {
			for (k = j; k < st->n && smp[k].ok; k++)
				;
			if (k > j)
				dmademo_hist_add_many(h, &smp[j].ns[p], k - j, stride);
		}
	}
}

static int histogram_show(struct seq_file *m, void *v)
{
	struct histogram_file *f = m->private;
	const struct dmademo_result *res = f->res;
	unsigned int idx, i;
	const struct dmademo_cell *c;
	const struct dmademo_hist *h;
	u64 lo, hi;
	int p;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, dmademo_histogram_header);
		return 0;
	}
	idx = f->idx;
	c = &res->cells[idx / DMADEMO_NR_PHASES];
	p = idx % DMADEMO_NR_PHASES;
	/* pairs with the run thread's release: histograms before the flag */
	if (!smp_load_acquire(&c->ready) || !c->n)
		return 0;
	if (res->hists) {
		h = &res->hists[idx];
	} else {
		histogram_of_samples(res, c - res->cells, p, &f->tmp);
		h = &f->tmp;
	}
	for (i = 0; i < DMADEMO_HIST_BUCKETS; i++) {
		if (!h->count[i])
			continue;
		dmademo_hist_bounds(i, &lo, &hi);
		seq_printf(m, "%s,%u,%s,%llu,%llu,%llu\n", dmademo_strategy_names[c->strategy],
			   c->size, dmademo_phase_names[p], lo, hi, h->count[i]);
	}
	return 0;
}

static const struct seq_operations histogram_sops = {
	.start = histogram_start,
	.next = histogram_next,
	.stop = results_stop,
	.show = histogram_show,
};

static int histogram_open(struct inode *inode, struct file *file)
{
	struct histogram_file *f;
	struct dmademo_result *res;
	int ret;

	ret = result_get(&res, NULL);
	if (ret)
		return ret;
	f = __seq_open_private(file, &histogram_sops, sizeof(*f));
	if (!f) {
		dmademo_result_put(res);
		return -ENOMEM;
	}
	f->res = res;
	return 0;
}

static int histogram_release(struct inode *inode, struct file *file)
{
	struct histogram_file *f = ((struct seq_file *)file->private_data)->private;

	dmademo_result_put(f->res);
	return seq_release_private(inode, file);
}

const struct file_operations dmademo_histogram_fops = {
	.owner = THIS_MODULE,
	.open = histogram_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = histogram_release,
};
