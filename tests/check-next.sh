# tests/check-next.sh: make check's part for Debian's newest 7.x kernel (scripts/deps next):
# the module and tests/plainmap built for its arm64 and amd64 trees, then boots of it on the
# emulated Raspberry Pi 3 (the module, mmap, robustness and map-only suites; the module suite
# with the devicetree nodes) and on both emulated servers (map-only, strict and lazy).
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
		--ko "$B/plainmap-next/plainmap.ko" -- module mmap robust maponly newcalls
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
