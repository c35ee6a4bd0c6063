# A channel's copy alignment, kept by every path that hands the channel a length: a run's
# cells, the copy file and /dev/dmademo's transfers all refuse a length that is not a
# multiple of it, with one reason (engine.c: dmademo_len_check()). No emulated controller
# has an alignment above 4 B, so tests/fakedma provides a DMA_MEMCPY channel with 8 B,
# copied by the CPU. Sourced by main.sh with lib.sh loaded.

SUITE=align
FAKE=/lib/modules/fakedma.ko
T=/tmp/align
mkdir -p "$T"

if ! insmod "$FAKE" copy_align=3; then
	tap_fail "fakedma loads (insmod $FAKE copy_align=3)"
	return
fi
FCH=$(dmesg | sed -n 's/.*fakedma: \(dma[0-9]*chan[0-9]*\): DMA_MEMCPY, copy alignment 8 B$/\1/p' | tail -1)
check "fakedma offers a DMA_MEMCPY channel with an 8 B copy alignment (${FCH:-none})" test -n "$FCH"
load
set_knobs channel="$FCH" strategy=coherent,streaming sizes=4,12,16,4K iterations=3 warmup=1 \
	shuffle=0 rounds=1
check "info: copy_align=8" grep -qx copy_align=8 "$D/info"
why="not a multiple of $FCH's copy alignment 8"
is "a run: 4 and 12 B skipped in both strategies, 16 B and 4K copied and verified" \
	"$(run_wait)" "state=done done=12 total=12 errors=0 skipped=4"
is "... each skipped cell says why" "$(grep -c "^# skipped: .* \(4\|12\): $why (-EINVAL)$" "$D/summary")" 4

# the copy file: padded to whole words, so 4 and 8 bytes are what the channel sees
is "copy of 4 bytes: refused (EINVAL)" "$(kwrite "$D/copy" abc)" EINVAL
dmesg | grep -qF "copy: 4 B: $why"
is "... and dmesg says why" "$?" 0
is "copy of 8 bytes: copied" "$(kwrite "$D/copy" abcdefg)" ok
is "... and read back" "$(cat "$D/copy")" abcdefg

# /dev/dmademo: a 12 B transfer refused with the reason in read(), 16 B verified
tap_prog "$TOOLS/mmap-hostile" align 8 || tap_fail "mmap-hostile align exited $?"

unload
check "fakedma unloads" rmmod fakedma
