# The debug kernel must catch the module's own bugs when they are put there
# on purpose: a skipped unmap and a sync in the wrong direction, through
# the inject knob. Only meaningful on the debug kernel (DMA-API debug);
# main.sh runs it last and does not wrap it in the clean-state checks.

SUITE=debugcatch
API=/sys/kernel/debug/dma-api

if ! dbg_active; then
	note "not the debug kernel (no $API): nothing to catch"
	return 0
fi
echo 1 > "$API/all_errors"

# the detectors are live (lockdep switches itself off after its first report)
check "DMA-API debug is enabled" grep -qx N "$API/disabled"
check "KASAN is built in (kasan_report in kallsyms)" grep -q ' kasan_report$' /proc/kallsyms
check "kmemleak is on" test -e /sys/kernel/debug/kmemleak
check "lockdep is on and has reported nothing (debug_locks: 1)" grep -qE 'debug_locks: +1' /proc/lockdep_stats
check "debug objects are on" test -e /sys/kernel/debug/debug_objects/stats

# skip-unmap: the first recorded streaming transfer keeps its source mapped
check "module loads" load
set_knobs strategy=streaming sizes=4K iterations=5 warmup=0 inject=skip-unmap
cat "$API/dump" > /tmp/dump0
is "inject=skip-unmap: the run itself completes" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
check "module unloads" unload
cat "$API/dump" > /tmp/dump1
grep -vxF -f /tmp/dump0 /tmp/dump1 > /tmp/dump.new
is "skip-unmap: DMA-API debug holds exactly one mapping the module never unmapped" \
	"$(wc -l < /tmp/dump.new)" 1
check "skip-unmap: it is the 4 KiB source, mapped DMA_TO_DEVICE on the DMA controller" \
	grep -qE 'bcm2835-dma single .* L=1000 DMA_TO_DEVICE' /tmp/dump.new
sed 's/^/#   /' /tmp/dump.new

# the same for a scatterlist: the first recorded sg transfer keeps its source mapped
cat "$API/dump" > /tmp/dump0
check "module loads" load
set_knobs strategy=sg sizes=8K iterations=5 warmup=0 inject=skip-unmap
is "sg, inject=skip-unmap: the run itself completes" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
check "module unloads" unload
cat "$API/dump" > /tmp/dump1
grep -vxF -f /tmp/dump0 /tmp/dump1 > /tmp/dump.new
is "sg skip-unmap: DMA-API debug holds the source's two pages, never unmapped" \
	"$(grep -cE 'bcm2835-dma scather-gather .* L=1000 DMA_TO_DEVICE' /tmp/dump.new) $(wc -l < /tmp/dump.new)" "2 2"
sed 's/^/#   /' /tmp/dump.new

# wrong-dir: one dma_sync_single_for_cpu(DMA_TO_DEVICE) on a DMA_FROM_DEVICE mapping
err0=$(cat "$API/error_count")
echo "dmademo debugcatch: wrong-dir" > /dev/kmsg
check "module loads" load
set_knobs strategy=streaming-sync sizes=4K iterations=5 warmup=0 inject=wrong-dir
is "inject=wrong-dir: the run itself completes" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
check "module unloads" unload
err1=$(cat "$API/error_count")
check "wrong-dir: DMA-API error_count grew ($err0 -> $err1)" test "$err1" -gt "$err0"
dmesg | sed -n '/dmademo debugcatch: wrong-dir/,$p' > /tmp/wrongdir.log
check "wrong-dir: DMA-API reports a sync with a different direction" \
	grep -q 'DMA-API: .*syncs DMA memory with different direction' /tmp/wrongdir.log
grep -m1 'DMA-API: .*different direction' /tmp/wrongdir.log | sed 's/^/#   /'

# and without an injected fault, nothing: the same two runs clean
err0=$(cat "$API/error_count")
cat "$API/dump" > /tmp/dump0
load
set_knobs strategy=streaming,streaming-sync,sg,sg-sync,noncontiguous sizes=8K iterations=5 warmup=0 inject=none
is "inject=none: the five runs complete" "$(run_wait)" "state=done done=25 total=25 errors=0 skipped=0"
unload
is "inject=none: no new DMA-API error" "$(cat "$API/error_count")" "$err0"
cat "$API/dump" > /tmp/dump1
is "inject=none: no mapping left behind" "$(grep -cvxF -f /tmp/dump0 /tmp/dump1)" 0
