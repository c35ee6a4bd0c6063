/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/dmademo: DMA buffers that user space maps, and the requests that
 * hand them to the device, copy one to the other by DMA, and hand them back.
 * Shared by the module (module/mmap.c) and bench/dmademo-mmap.c.
 *
 * An open file holds one pair of buffers, a source and a destination, of
 * one kind and size. DMADEMO_IOC_ALLOC allocates them on the DMA
 * controller's device and returns where each one is in the file: map each
 * with mmap(MAP_SHARED, that offset), without PROT_EXEC. While any mapping
 * exists they cannot be freed or replaced (EBUSY); closing the file frees
 * them once the last mapping is gone. read() returns a line describing the
 * buffers and the reason for the last refused request.
 *
 * Or the file holds two dma-bufs the application allocated elsewhere (a
 * memfd through /dev/udmabuf, a DMA heap), imported with DMADEMO_IOC_IMPORT:
 * the application maps them through their own fds and brackets its accesses
 * with DMA_BUF_IOCTL_SYNC; XFER maps both for the DMA controller
 * (dma_buf_map_attachment()), copies and unmaps them.
 */
#ifndef DMADEMO_UAPI_H
#define DMADEMO_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DMADEMO_DEVICE		"/dev/dmademo"

enum dmademo_kind {
	DMADEMO_KIND_COHERENT,	/* dma_alloc_coherent() + dma_mmap_coherent() */
	DMADEMO_KIND_WC,	/* dma_alloc_wc() + dma_mmap_wc() */
	DMADEMO_KIND_CACHED,	/* dma_alloc_pages() + dma_mmap_pages(), synced */
	/* dma-bufs, not allocated here: DMADEMO_IOC_IMPORT only */
	DMADEMO_KIND_UDMABUF,	/* a sealed memfd, UDMABUF_CREATE on /dev/udmabuf */
	DMADEMO_KIND_HEAP_SYSTEM, /* DMA_HEAP_IOCTL_ALLOC on /dev/dma_heap/system */
	DMADEMO_KIND_HEAP_CMA,	/* the same on the CMA heap */
	DMADEMO_NR_KINDS
};

struct dmademo_alloc {
	__u32 kind;		/* enum dmademo_kind */
	__u32 flags;		/* 0 */
	__u64 size;		/* of each buffer: a multiple of 4, at most 64 MiB */
	__u64 src_offset;	/* out: mmap() offset of the source */
	__u64 dst_offset;	/* out: of the destination */
	__u64 ns;		/* out: time in the kernel */
	__u32 need_sync;	/* out: dma_need_sync() on either buffer */
	__u32 reserved;		/* 0 (EINVAL otherwise) */
};

/*
 * DMADEMO_KIND_CACHED only: the others never change hands. The CPU owns the
 * buffers after ALLOC and after SYNC_TO_CPU, the device after SYNC_TO_DEV;
 * SYNC_TO_CPU and XFER while the CPU owns them are refused (EINVAL).
 */
#define DMADEMO_SYNC_TO_DEV	1	/* dma_sync_single_range_for_device(), both */
#define DMADEMO_SYNC_TO_CPU	2	/* dma_sync_single_range_for_cpu(), both */

struct dmademo_sync {
	__u32 dir;		/* DMADEMO_SYNC_* */
	__u32 flags;		/* 0 */
	__u64 ns;		/* out */
	/* appended: the bytes of each buffer synced; length 0 syncs all of it */
	__u64 offset;
	__u64 length;
};

/* One DMA memcpy of the whole source to the destination, waited for. */
struct dmademo_xfer {
	__u32 flags;		/* 0 */
	__u32 segments;		/* out: descriptors it took */
	__u64 prep_ns;		/* out: the module's phases of the same names */
	__u64 submit_ns;
	__u64 wait_ns;
	__u64 wake_ns;
	__u64 ns;		/* out: the whole request in the kernel */
	__u32 cpu;		/* out: where the request ran */
	__u32 irq_cpu;		/* out: where the completion was seen */
	/* appended, imported dma-bufs only: dma_buf_(un)map_attachment() of both */
	__u64 map_ns;
	__u64 unmap_ns;
};

/*
 * Two dma-bufs to copy between, each held (dma_buf_get()) and attached to
 * the DMA controller's device until FREE or close: closing their fds does
 * not free them. Refused while the file holds buffers or a run is going.
 */
struct dmademo_import {
	__u32 kind;		/* DMADEMO_KIND_UDMABUF, _HEAP_SYSTEM or _HEAP_CMA */
	__u32 flags;		/* 0 */
	__s32 src_fd;		/* dma-buf fds; not the same dma-buf */
	__s32 dst_fd;
	__u64 size;		/* bytes copied: a multiple of 4, within both */
	__u64 ns;		/* out: get, attach, one map and unmap of each */
	__u32 need_sync;	/* out: dma_need_sync() on either mapping */
	__u32 segments;		/* out: DMA segments of the larger mapping */
};

#define DMADEMO_IOC_MAGIC	0xde
#define DMADEMO_IOC_ALLOC	_IOWR(DMADEMO_IOC_MAGIC, 0, struct dmademo_alloc)
#define DMADEMO_IOC_FREE	_IO(DMADEMO_IOC_MAGIC, 1)
#define DMADEMO_IOC_SYNC	_IOWR(DMADEMO_IOC_MAGIC, 2, struct dmademo_sync)
#define DMADEMO_IOC_XFER	_IOWR(DMADEMO_IOC_MAGIC, 3, struct dmademo_xfer)
#define DMADEMO_IOC_IMPORT	_IOWR(DMADEMO_IOC_MAGIC, 4, struct dmademo_import)

#endif /* DMADEMO_UAPI_H */
