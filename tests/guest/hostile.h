/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mmap-hostile.c and dmabuf-hostile.c share: TAP lines prefixed with
 * HOSTILE_SUITE ("ok - mmap: ..."), counted in failed, and /dev/dmademo opened
 * or the program ends.
 */
#ifndef DMADEMO_HOSTILE_H
#define DMADEMO_HOSTILE_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "uapi.h"

static int failed;

static void __attribute__((format(printf, 2, 3))) tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - " HOSTILE_SUITE ": ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed++;
}

static int dev_open(void)
{
	int fd = open(DMADEMO_DEVICE, O_RDWR);

	if (fd < 0) {
		printf("# open %s: %s\n", DMADEMO_DEVICE, strerror(errno));
		exit(1);
	}
	return fd;
}

#endif /* DMADEMO_HOSTILE_H */
