/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An open file of /dev/dmademo (mmap.c) and its requests (requests.c).
 *
 * Locks: dmademo.lock, then u->lock; mmap() takes u->lock under the
 * mmap lock, so nothing touches user memory while holding u->lock.
 */
#ifndef DMADEMO_USER_H
#define DMADEMO_USER_H

#include "dmademo.h"
#include "strategy.h"
#include "uapi.h"

struct dmademo_user {
	struct mutex lock;		/* everything below */
	struct dmademo_bufs *b;		/* NULL until DMADEMO_IOC_ALLOC or _IMPORT */
	u32 kind;
	bool need_sync;
	bool dev_owns;			/* cached: SYNC_TO_DEV done, SYNC_TO_CPU not yet */
	bool stuck;			/* a transfer could not be stopped */
	u32 stuck_gen;			/* on this channel (dmademo.chan_gen) */
	atomic_t maps;			/* VMAs mapping b */
	spinlock_t reason_lock;
	char reason[128];		/* why the last request was refused */
};

/* dmabuf.c is built only where the kernel has dma-bufs */
static inline bool dmademo_imported(struct dmademo_user *u)
{
	return IS_ENABLED(CONFIG_DMA_SHARED_BUFFER) && u->b && u->b->ops == &dmademo_import_ops;
}

__printf(3, 4) int dmademo_refuse(struct dmademo_user *u, int err, const char *fmt, ...);
void dmademo_user_bufs_free(struct dmademo_bufs *b, bool stuck, u32 gen);
long dmademo_user_alloc(struct dmademo_user *u, struct dmademo_alloc *a);
long dmademo_user_free(struct dmademo_user *u);
long dmademo_user_sync(struct dmademo_user *u, struct dmademo_sync *sy);
long dmademo_user_xfer(struct dmademo_user *u, struct dmademo_xfer *x);
long dmademo_user_import(struct dmademo_user *u, struct dmademo_import *im);

#endif /* DMADEMO_USER_H */
