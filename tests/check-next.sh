# tests/check-next.sh: make check's part for Debian's newest 7.x kernel (scripts/deps next):
# the module and tests/plainmap built for its arm64 and amd64 trees, then boots of it on the
# emulated Raspberry Pi 3 (the module, mmap, robustness and map-only suites; the module suite
# with the devicetree nodes) and on both emulated servers (map-only, strict and lazy); and the
# debug kernel built from its source, on the arm64 server.
# Sourced by tests/check, whose ok, not_ok, run_tap, guest, build_module and wait_file it uses.
# shellcheck shell=bash

# next_env: the keys the static checks got from scripts/deps next (they run in a subshell of
# their own, the boots in others)
next_env() {
	[ -s "$B/next.env" ] || return 1
	eval "$(cat "$B/next.env")"
}

# next_build NAME KDIR KO WHAT [SRC...]: one W=1 build into $B/NAME, no warnings. No C=1:
# 7.x's scripts/checker-valid.sh finds that Debian 12's sparse (0.6.4) cannot parse
# __typeof_unqual__ and kbuild turns C=1 off; forced past that check, sparse reports some 1100
# parse errors, every one in the kernel's own headers (arch/arm64/include/asm/atomic_ll_sc.h,
# include/asm-generic/rwonce.h...), none in the module.
next_build() {
	local name=$1 kdir=$2 ko=$3 what=$4 log=$B/build-$1.log
	shift 4
	if build_module "$kdir" "$B/$name" "$@" > "$log" 2>&1 && [ -f "$B/$name/$ko" ] &&
	   ! grep -E 'warning:|error:' "$log" | sed 's/^/#   /' | grep .; then
		ok "$what, no warnings at W=1"
	else
		tail -20 "$log" | sed 's/^/#   /'
		not_ok "$what, no warnings at W=1"
	fi
}

# In the foreground's static checks: a cold fetch (the source, two modules_prepare) takes
# about 100 s, which the foreground lane has to spare while the background builds the debug
# kernel and the board's userland.
next_static() {
	local env
	if ! env=$(scripts/deps next 2> "$B/deps-next.log"); then
		tail -20 "$B/deps-next.log" | sed 's/^/#   /'
		not_ok "Debian's 7.x kernel: scripts/deps next failed (log $B/deps-next.log)"
		return
	fi
	printf '%s\n' "$env" > "$B/next.env"
	next_env
	ok "Debian's 7.x kernel fetched or cached: $NEXT_KREL and $NEXT_X86_KREL from $NEXT_SUITE"
	next_build mod-next "$NEXT_KDIR" dmademo.ko "dmademo.ko cross-builds for $NEXT_KREL"
	next_build mod-next-x86 "$NEXT_X86_KDIR" dmademo.ko \
		"dmademo.ko builds for $NEXT_X86_KREL (x86-64)"
	next_build plainmap-next "$NEXT_KDIR" plainmap.ko "tests/plainmap builds for $NEXT_KREL" \
		tests/plainmap/Kbuild tests/plainmap/plainmap.c
	next_build plainmap-next-x86 "$NEXT_X86_KDIR" plainmap.ko \
		"tests/plainmap builds for $NEXT_X86_KREL" tests/plainmap/Kbuild tests/plainmap/plainmap.c
}

# the Pi 3 on 7.x, once the static checks have built its module
next_pi_boots() {
	wait_file "$B/static.done" 1800
	if ! next_env || [ ! -f "$B/mod-next/dmademo.ko" ]; then
		not_ok "emulated rpi3, Debian 7.x: no module to test"
		return
	fi
	run_tap "emulated rpi3, Debian $NEXT_KREL" \
		guest rpi3-next --kernel next --ko "$B/mod-next/dmademo.ko" \
		--ko "$B/plainmap-next/plainmap.ko" -- module mmap dmabuf robust maponly newcalls
	run_tap "emulated rpi3, Debian $NEXT_KREL, devicetree node" \
		guest rpi3-next-dt --kernel next --dt --dt --ko "$B/mod-next/dmademo.ko" -- --mode dt module
}

# the emulated servers on 7.x: map-only through the IOMMU, strict and lazy, with the yardstick
next_server_boots() {
	local cfg
	next_env
	if [ -f "$B/mod-next-x86/dmademo.ko" ]; then
		for cfg in strict lazy; do
			RUNNER=scripts/qemu-x86 run_tap "emulated x86-64 q35, $NEXT_X86_KREL, $cfg" \
				guest "x86-next-$cfg" --kernel next --config "$cfg" \
				--ko "$B/mod-next-x86/dmademo.ko" --ko "$B/plainmap-next-x86/plainmap.ko" -- maponly newcalls
			sed 's/^/# yardstick: /' "$B/x86-next-$cfg/yardstick.txt" 2>/dev/null
		done
	else
		not_ok "emulated x86-64, Debian 7.x: no module to test"
	fi
	if [ -f "$B/mod-next/dmademo.ko" ]; then
		for cfg in strict lazy; do
			RUNNER=scripts/qemu-arm64-virt run_tap "emulated arm64 virt + SMMUv3, $NEXT_KREL, $cfg" \
				guest "arm64-virt-next-$cfg" --kernel next --config "$cfg" \
				--ko "$B/mod-next/dmademo.ko" --ko "$B/plainmap-next/plainmap.ko" -- maponly newcalls
			sed 's/^/# yardstick: /' "$B/arm64-virt-next-$cfg/yardstick.txt" 2>/dev/null
		done
	else
		not_ok "emulated arm64 virt, Debian 7.x: no module to test"
	fi
}

# ------------------------------------------------------------------ the 7.x debug kernel
# scripts/debug-kernel --next: the 6.1 debug kernel's configuration built from the 7.x source,
# booted on the arm64 virt machine, where iova (dma_iova_link, only behind an IOMMU DMA domain)
# and phys (dma_map_phys) run on the edu device behind the SMMUv3 under the debug checks. Its
# build goes in the background lane after the 6.1 debug kernel's (cold: 10 minutes of one core,
# 8 of CPU), its boot (under a minute) in the foreground right after the 6.1 debug kernel's
# suites, which wait for the 6.1 build already: cold, the 7.x build has their 4 minutes too.
debug_next_build() {
	local env
	if env=$(scripts/debug-kernel --next 2> "$B/debug-kernel-next.log"); then
		eval "$env"
		ok "7.x debug kernel $DBG_NEXT_KREL built or cached"
		if build_module "$DBG_NEXT_KDIR" "$B/mod-dbg-next" > "$B/build-dbg-next.log" 2>&1 &&
		   [ -f "$B/mod-dbg-next/dmademo.ko" ]; then
			ok "dmademo.ko builds for the 7.x debug kernel"
			printf 'ok\n%s\n' "$env" > "$B/debug-next.ready"
			return
		fi
		tail -20 "$B/build-dbg-next.log" | sed 's/^/#   /'
		not_ok "dmademo.ko builds for the 7.x debug kernel"
	else
		tail -20 "$B/debug-kernel-next.log" | sed 's/^/#   /'
		not_ok "7.x debug kernel: scripts/debug-kernel --next failed (log $B/debug-kernel-next.log)"
	fi
	echo failed > "$B/debug-next.ready"
}

# The map-only and newcalls suites, strict invalidation, each wrapped in the debug checks
# (tests/guest/main.sh, debugchecks.sh): dma-api/error_count, dma-api/dump, kmemleak and the
# kernel log. What DMA-API debug sees there: phys's dma_map_phys() and dma_unmap_phys() call
# debug_dma_map_phys() and debug_dma_unmap_phys() (kernel/dma/mapping.c), but iova's
# dma_iova_link(), dma_iova_sync() and dma_iova_unlink() call no debug_dma_*()
# (drivers/iommu/dma-iommu.c): a page left linked or a range never freed shows in no dma-api
# file; kmemleak does not see them either (the range stays in the domain's rbtree, reachable).
# A page left linked shows in the log when its IOVA is linked again (__arm_lpae_map() in
# drivers/iommu/io-pgtable-arm.c warns, -EEXIST); newcalls' own checks catch the rest: its
# last run needs all of a 1 MiB IOVA space.
debug_next_boot() {
	wait_file "$B/debug-next.ready" 3600
	if [ "$(head -1 "$B/debug-next.ready" 2>/dev/null)" != ok ]; then
		not_ok "emulated arm64 virt, 7.x debug kernel: no kernel or module (see its build's lines)"
		return
	fi
	eval "$(tail -n +2 "$B/debug-next.ready")"
	RUNNER=scripts/qemu-arm64-virt run_tap "emulated arm64 virt + SMMUv3, debug kernel $DBG_NEXT_KREL, strict" \
		guest arm64-virt-debug-next --kernel debug-next --config strict \
		--ko "$B/mod-dbg-next/dmademo.ko" -- maponly newcalls
}
