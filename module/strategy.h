/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buffer strategies behind one ops table, so that the timed loop has no
 * switch: alloc/free outside the timed loop, get/put/to_dev/to_cpu inside.
 */
#ifndef DMADEMO_STRATEGY_H
#define DMADEMO_STRATEGY_H

#include "dmademo.h"

#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

struct dmademo_bufs;
struct vm_area_struct;

/* One transfer in flight: its buffers, its descriptors and its timestamps. */
struct dmademo_slot {
	void *src, *dst;		/* the CPU's view */
	dma_addr_t src_dma, dst_dma;	/* the device's, or its first segment */
	struct sg_table *src_sgt, *dst_sgt;	/* scatterlist strategies */
#ifdef DMADEMO_HAVE_DMA_IOVA
	struct dma_iova_state src_iova, dst_iova;	/* iova */
#endif
	struct dma_async_tx_descriptor **tx;	/* b->max_tx of them */
	unsigned int nr_tx;		/* in the last transfer */
	dma_cookie_t cookie;		/* of its last descriptor */
	bool mapped;			/* to_dev done, to_cpu not yet */
	bool held;			/* get done, put not yet */
	struct completion done;		/* completed by the DMA callback */
	u16 irq_cpu;			/* where the callback ran */
	u64 start_ns;			/* its first timestamp */
	u64 submit_ns;			/* when it was issued */
	u64 done_ns;			/* when the callback ran */
	u64 ns[DMADEMO_NR_PHASES];	/* time spent in each phase */
	u32 seed;			/* pattern of this transfer */
	u32 fault;			/* fault injected into this transfer */
	bool record;			/* not a warmup transfer */
	struct dmademo_bufs *bufs;
};

/* The buffers of one step: one slot per transfer in flight. */
struct dmademo_bufs {
	struct list_head stuck;		/* on dmademo.stuck, see dmademo_quiesce() */
	const struct dmademo_ops *ops;
	struct device *dev;		/* the DMA controller's device */
	size_t len;
	size_t sync_off, sync_len;	/* what to_dev and to_cpu sync: all, or a part */
	enum dma_data_direction src_dir, dst_dir;	/* of their mappings */
	size_t align;			/* of pool blocks; guard bytes */
	size_t guard;			/* bytes checked on each side of a destination */
	unsigned int max_tx;		/* descriptors a transfer may need */
	unsigned int nr;
	struct dma_async_tx_descriptor **tx;	/* the slots' descriptors */
	struct dma_pool *pool;
	void *priv;			/* the ops' own: imported dma-bufs */
	struct dmademo_slot slot[];
};

struct dmademo_ops {
	const char *alloc_what;		/* for error messages */
	/* not built into this module (the kernel's headers lack its calls): why */
	const char *absent;
	/* whether it can run on dev; 0 or a negative errno and why */
	int (*check)(struct device *dev, char *why, size_t why_len);
	int (*setup)(struct dmademo_bufs *b);
	void (*teardown)(struct dmademo_bufs *b);
	/* mapped once per step: base's buffers and mapping, synced around transfers */
	const struct dmademo_ops *base;
	/* per step; NULL when buffers come per transfer */
	int (*alloc)(struct dmademo_bufs *b, struct dmademo_slot *s);
	void (*free)(struct dmademo_bufs *b, struct dmademo_slot *s);
	/* per transfer, timed as the alloc and free phases; may be NULL */
	int (*get)(struct dmademo_bufs *b, struct dmademo_slot *s);
	void (*put)(struct dmademo_bufs *b, struct dmademo_slot *s);
	/* NULL where ownership never changes hands: the phase is recorded as 0 */
	int (*to_dev)(struct dmademo_bufs *b, struct dmademo_slot *s);
	void (*to_cpu)(struct dmademo_bufs *b, struct dmademo_slot *s);
	bool map_per_transfer;		/* to_dev maps, to_cpu unmaps */
	bool guarded;			/* destinations have guard bytes */
	bool kmalloc;			/* buffers from kmalloc() */
	bool sg;			/* scatterlists: a descriptor per segment */
	size_t max_size;		/* 0: no limit of its own */
	bool cpu_copy;			/* moved by the CPU engine, not DMA */
	u32 faults;			/* BIT(enum dmademo_fault) it can inject */
};

extern const struct dmademo_ops *const dmademo_ops[DMADEMO_NR_STRATEGIES];
extern const struct dmademo_ops dmademo_sg_ops, dmademo_sg_sync_ops,
	dmademo_noncontiguous_ops, dmademo_iova_ops, dmademo_phys_ops;

/* pages.c: a slot's two kmalloc() buffers */
int dmademo_kmalloc_alloc(struct dmademo_bufs *b, struct dmademo_slot *s);
void dmademo_kmalloc_free(struct dmademo_bufs *b, struct dmademo_slot *s);

/* pages.c: a buffer of separate pages, one per table entry, vmap()ed for the CPU */
struct sg_table *dmademo_pages_alloc(size_t len, void **vaddr);
void dmademo_pages_free(void *vaddr, struct sg_table *sgt);

int dmademo_size_check(const struct dmademo_ops *ops, struct device *dev,
		       size_t len, char *why, size_t why_len);
u32 dmademo_strategies_absent(void);
struct dmademo_bufs *dmademo_bufs_alloc(const struct dmademo_ops *ops,
					struct device *dev, size_t len,
					size_t align, unsigned int nr,
					u32 direction);
void dmademo_bufs_free(struct dmademo_bufs *b);
bool dmademo_bufs_need_sync(struct dmademo_bufs *b, bool *bounced);
bool dmademo_guard_ok(struct dmademo_bufs *b, struct dmademo_slot *s);
/* dma_sync_single_range_for_{device,cpu}() of a slot's two buffers: b->sync_* */
int dmademo_sync_to_dev(struct dmademo_bufs *b, struct dmademo_slot *s);
void dmademo_sync_to_cpu(struct dmademo_bufs *b, struct dmademo_slot *s);

/* ubuf.c: the kinds of buffer /dev/dmademo maps to user space */
struct dmademo_ukind {
	struct dmademo_ops ops;
	int (*mmap)(struct dmademo_bufs *b, struct vm_area_struct *vma,
		    void *cpu, dma_addr_t dma);
};

extern const struct dmademo_ukind dmademo_ukinds[];

/* dmabuf.c: two dma-bufs imported for /dev/dmademo */
extern const struct dmademo_ops dmademo_import_ops;
struct dmademo_bufs *dmademo_import(struct device *dev, int src_fd, int dst_fd, size_t len,
				    u32 *segments, char *why, size_t why_len);

#endif /* DMADEMO_STRATEGY_H */
