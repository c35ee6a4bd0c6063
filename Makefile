# dmademo: coherent vs streaming DMA, measured phase by phase.
#
#   make                  build dmademo.ko for the running kernel (on the board)
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#                         cross-build against a kernel build or headers folder
#   make demo             the whole job on an emulated Raspberry Pi 3: CSV + PNG in results/
#   make check            every test (host, static checks, emulated board, debug kernel)
#   make check-quick      the same without the debug kernel
#   make bench-compare    dmademo against the kernel's dmatest on the emulated board
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

.PHONY: all modules clean check check-quick demo bench-compare deps

all: modules

modules:
	@test -d $(KDIR) || { echo "dmademo: no kernel build folder at $(KDIR):" \
		"install the headers for this kernel (Raspberry Pi OS: raspberrypi-kernel-headers," \
		"Debian: linux-headers-$$(uname -r)) or pass KDIR=" >&2; exit 2; }
	$(MAKE) $(KBUILD_ARGS) modules

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) $(KBUILD_ARGS) clean; fi
	rm -rf tests/host/build build

check:
	@tests/check

check-quick:
	@tests/check --quick

demo:
	@scripts/demo

bench-compare:
	@scripts/bench-compare

deps:
	@scripts/deps all >/dev/null
