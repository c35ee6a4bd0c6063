# dmademo: coherent vs streaming DMA, measured phase by phase.
#
#   make                  build dmademo.ko for the running kernel (on the board)
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#                         cross-build against a kernel build or headers folder
#   make tools            build/dmademo-mmap, the user-space round trip (CROSS_COMPILE=: static)
#   make demo             the whole job on an emulated Raspberry Pi 3: CSV + PNG in results/
#   make demo-x86         map-only runs on an emulated x86-64 machine in five DMA paths, side by side
#   make demo-dmabuf      dmademo-mmap's kinds, dma-bufs included, and partial syncs, on an emulated
#                         Raspberry Pi 3 whose kernel has them (DEMO_KERNEL=next or debug)
#   make newcalls-compare the 7.x mapping calls (iova, phys) against the ones they replace, behind
#                         the emulated servers' IOMMUs (Debian's newest 7.x kernel)
#   make check            every test (host, static checks, emulated board, debug kernel)
#   make check-quick      the same without the debug kernel
#   make check-host       the host tests alone, no kernel and no emulator (under 5 minutes):
#                         run it first
#   make bench-compare    dmademo against the kernel's dmatest on the emulated board
#                         (BOARD=raspi2 or BOARD=exynos: on a 32-bit board)
#   make deb              the Debian packages dmademo-dkms and dmademo-tools, into build/deb
#   make lava-overlay KDIR=... [ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-]
#                         dmademo.ko for that kernel tree and the collector, as the overlay
#                         tarball a LAVA job lays over the board's root (docs/packaging.md)
#   make deps             install and fetch what the targets above need
#   make clean
#
# The module itself is described by Kbuild; this file only wraps it.

KDIR ?= /lib/modules/$(shell uname -r)/build

KBUILD_ARGS := -C $(KDIR) M=$(CURDIR)
ifneq ($(ARCH),)
KBUILD_ARGS += ARCH=$(ARCH)
endif
ifneq ($(CROSS_COMPILE),)
KBUILD_ARGS += CROSS_COMPILE=$(CROSS_COMPILE)
endif

.PHONY: all modules clean check check-quick check-host demo demo-x86 demo-dmabuf newcalls-compare bench-compare deb deps \
	lava-overlay

all: modules

modules:
	@test -d $(KDIR) || { echo "dmademo: no kernel build folder at $(KDIR):" \
		"install the headers for this kernel (Raspberry Pi OS: linux-headers-rpi-v8," \
		"-rpi-2712, -rpi-v7, -rpi-v7l or -rpi-v6, as uname -r ends;" \
		"Debian: linux-headers-$$(uname -r)) or pass KDIR=" >&2; exit 2; }
	$(MAKE) $(KBUILD_ARGS) modules

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) $(KBUILD_ARGS) clean; fi
	rm -rf tests/host/build build

check:
	@tests/check

check-quick:
	@tests/check --quick

check-host:
	@tests/check --host

demo:
	@scripts/demo

demo-x86:
	@scripts/demo-x86

demo-dmabuf:
	@scripts/demo-dmabuf

newcalls-compare:
	@scripts/newcalls-compare

bench-compare:
	@scripts/bench-compare $(if $(BOARD),--board $(BOARD))

deb:
	@scripts/deb

deps:
	@scripts/deps all >/dev/null

# build/lava-overlay/dmademo-overlay-KREL.tar.gz: the module stripped of its debug information
# as modules_install would (INSTALL_MOD_STRIP=1), KREL read from its vermagic
lava-overlay: modules
	@lava/pack-overlay --ko dmademo.ko --strip $(CROSS_COMPILE)strip -o build/lava-overlay

# bench/dmademo-mmap, the user-space half, into build/: with the host's
# compiler, or static with $(CROSS_COMPILE)gcc for a board that may have no
# libc (the emulated one has only busybox). -O2: at -O0 the loops, not the
# memory, would be measured. TOOLS_CFLAGS='-O2 -Werror ...' to check warnings.
.PHONY: tools
TOOLS_CC := $(if $(CROSS_COMPILE),$(CROSS_COMPILE)gcc,$(CC))
TOOLS_CFLAGS ?= -O2 -Wall -Wextra
TOOLS_STATIC := $(if $(CROSS_COMPILE),-static)
TOOLS_OUT ?= build
TOOLS_SRC := bench/dmademo-mmap.c bench/mmap-cell.c bench/dmabuf.c bench/mmap-out.c \
	module/parse.c module/vocab.c module/stats.c

tools:
	@mkdir -p $(TOOLS_OUT)
	$(TOOLS_CC) -std=gnu11 $(TOOLS_CFLAGS) -Imodule -Ibench -o $(TOOLS_OUT)/dmademo-mmap \
		$(TOOLS_SRC) -lm $(TOOLS_STATIC) $(TOOLS_LDFLAGS)
