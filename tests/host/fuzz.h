/* SPDX-License-Identifier: GPL-2.0 */
/* What the fuzz targets share: an invariant that must hold, or abort. */
#ifndef DMADEMO_FUZZ_H
#define DMADEMO_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#endif /* DMADEMO_FUZZ_H */
