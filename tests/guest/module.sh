# The module's contract, end to end on the board: every strategy at every
# power-of-two size from 64 B to 1 MiB, the CSV it serves, how steps are
# ordered and placed, the phases adding up, failed transfers kept out of
# the statistics, and the copy file. Sourced by main.sh with lib.sh loaded;
# MODE is "dt" when the board's devicetree has the node (two of them).

SUITE=module${MODE:+-$MODE}
SIZES=64,128,256,512,1K,2K,4K,8K,16K,32K,64K,128K,256K,512K,1M
ITER=5
T=/tmp/module.$$
mkdir -p "$T"

check "module loads" load
ALL=$(strategies)	# every strategy the module has (the first run sets it again, below)
NS=$(echo "$ALL" | tr , '\n' | wc -l)
check "its info names strategies, each with a family" eval '[ -n "$ALL" ] && ! sed -n "s/^families=//p" "$D/info" | tr , "\n" | grep -qv "^[a-z0-9-]*:[a-z]*\$"'
check "debugfs directory exists" test -d "$D"

# Every knob as insmod leaves it is what the README's table calls its default (tests/check
# hands the table over as /work/readme-defaults): writing that default changes nothing.
if [ -z "$MODE" ]; then
	bad=
	for f in $(ls -l "$D" | awk '$1 == "-rw-------" && $NF != "copy" { print $NF }'); do
		v0=$(knob "$f")
		want=$(sed -n "s/^$f=//p" /work/readme-defaults 2>/dev/null)
		if [ -z "$want" ]; then
			bad="$bad $f(no default in the README)"
		elif [ "$(kwrite "$D/$f" "$want")" != ok ] || [ "$(knob "$f")" != "$v0" ]; then
			bad="$bad $f($v0, README: $want)"
		fi
	done
	for f in $(cut -d= -f1 /work/readme-defaults 2>/dev/null); do
		[ -e "$D/$f" ] || bad="$bad $f(in the README, not in the module)"
	done
	is "every knob right after insmod reads as the README's default" "${bad:-none}" none
fi

# where the channel comes from
DTDEV=
if [ "$MODE" = dt ]; then
	ch=$(knob channel)
	for n in dmademo dmademo2; do
		[ -e /sys/bus/platform/drivers/dmademo/$n ] && DTDEV="$DTDEV $n"
	done
	DTDEV=${DTDEV# }
	case $DTDEV in
	dmademo | dmademo2) tap_ok "one of the two devicetree nodes bound the driver ($DTDEV)" ;;
	*) tap_fail "one of the two devicetree nodes bound the driver (bound: '$DTDEV')" ;;
	esac
	OTHER=dmademo2
	[ "$DTDEV" = dmademo2 ] && OTHER=dmademo
	check "the other node was refused with EBUSY, naming the bound one" sh -c \
		"dmesg | grep -q '$OTHER: $DTDEV is bound already: one dmademo node at a time'"
	check "channel comes from the devicetree ($ch)" grep -qx channel_from_dt=1 "$D/info"
	check "dmesg names the devicetree channel" sh -c "dmesg | grep -q 'using $ch from the devicetree'"
	is "binding the second node by hand is refused too (EBUSY)" \
		"$(kwrite /sys/bus/platform/drivers/dmademo/bind $OTHER)" EBUSY
	check "... and leaves the first one's channel in place" grep -qx channel_from_dt=1 "$D/info"
else
	is "no devicetree node: no channel before the first run" "$(knob channel)" none
fi

# ---------------------------------------------------------------- the full sweep
set_knobs strategy=all sizes=$SIZES iterations=$ITER warmup=1 verify=1 touch=1 depth=1 shuffle=0
is "strategy all reads back" "$(knob strategy)" "$(present)"
is "sizes read back in bytes" "$(knob sizes)" 64,128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576
is "new knobs read back their defaults" "$(knob rounds) $(knob shuffle) $(knob seed) $(knob cpu) $(knob touch_bytes) $(knob cold) $(knob completion)" "1 0 0 any 0 0 irq"

# Skipped before the run: pool above a page (8 of the 15 sizes), and the
# kmalloc strategies that map (streaming, streaming-sync, and phys where the
# kernel has it) above dma_max_mapping_size (256 KiB where swiotlb is set up
# and the device's addressing is limited: Debian's 6.12 on this board).
st=$(run_wait)
# what "all" ran, now that the run's device is known: less what it cannot take (unusable=)
ALL=$(strategies)
NS=$(echo "$ALL" | tr , '\n' | wc -l)
note "strategies of all here: $ALL (absent: $(sed -n 's/^absent=//p' "$D/info"); unusable here: $(sed -n 's/^unusable=//p' "$D/info"))"
MAXMAP=$(sed -n 's/^dma_max_mapping_size=//p' "$D/info")
BIG=0
for z in 65536 131072 262144 524288 1048576; do
	[ "${#z}" -lt "${#MAXMAP}" ] || [ "$z" -le "$MAXMAP" ] || BIG=$((BIG + 1))
done
KMAP=2
case ,$ALL, in *,phys,*) KMAP=3 ;; esac
SKIP=$((8 + KMAP * BIG))
CELLS=$((NS * 15 - SKIP))
is "full sweep ends done, $SKIP cells skipped (pool above a page, $BIG sizes above dma_max_mapping_size $MAXMAP)" \
	"$st" "state=done done=$((CELLS * ITER)) total=$((CELLS * ITER)) errors=0 skipped=$SKIP"
cat "$D/results" > "$T/results.csv"
cat "$D/summary" > "$T/summary.csv"
[ "$MODE" = dt ] || is "the run took a free DMA_MEMCPY channel" "$(knob channel | sed 's/[0-9]*$//')" dma0chan
for k in kernel version channel dma_device dma_coherent dma_mask_bits page_size \
	 dma_cache_align ktime_ns ktime_res_ns overhead_ns max_samples dma_addressing_limited \
	 dma_max_mapping_size swiotlb chan_stuck stuck_kept kmalloc_max_size max_rounds; do
	grep -q "^$k=" "$D/info" || missing="$missing $k"
done
is "info has every documented key" "${missing:-none}" none
note "info: $(tr '\n' ' ' < "$D/info")"
COHERENT=$(sed -n 's/^dma_coherent=//p' "$D/info")

csv_checks "$T" "$ITER" "$CELLS"
is "coherent and pool never change ownership (to_dev = to_cpu = 0)" "$(awk -F, "$COLS"'NR > 1 &&
	(col("strategy") == "coherent" || col("strategy") == "pool") && (col("to_dev_ns") != 0 || col("to_cpu_ns") != 0)' "$T/results.csv" | wc -l)" 0
is "streaming strategies spend time in to_dev and to_cpu" "$(awk -F, "$COLS"'NR > 1 &&
	(col("strategy") ~ /^(streaming|sg)/ || col("strategy") ~ /^non/) && col("to_dev_ns") + col("to_cpu_ns") == 0' "$T/results.csv" | wc -l)" 0
is "pool allocates and frees per transfer (alloc > 0, free > 0)" "$(awk -F, "$COLS"'NR > 1 &&
	col("strategy") == "pool" && (col("alloc_ns") == 0 || col("free_ns") == 0)' "$T/results.csv" | wc -l)" 0
is "only pool has alloc and free time" "$(awk -F, "$COLS"'NR > 1 &&
	col("strategy") != "pool" && (col("alloc_ns") != 0 || col("free_ns") != 0)' "$T/results.csv" | wc -l)" 0
is "cpu never preps, submits or wakes (prep = submit = wake = 0)" "$(awk -F, "$COLS"'NR > 1 &&
	col("strategy") == "cpu" && (col("prep_ns") != 0 || col("submit_ns") != 0 || col("wake_ns") != 0)' "$T/results.csv" | wc -l)" 0
is "DMA strategies prep and submit (> 0), and wait + wake > 0" "$(awk -F, "$COLS"'NR > 1 && col("strategy") != "cpu" &&
	(col("prep_ns") == 0 || col("submit_ns") == 0 || col("wait_ns") + col("wake_ns") == 0)' "$T/results.csv" | wc -l)" 0
is "round 0 everywhere; cpu and irq_cpu are CPUs of this board (< $NCPU)" "$(awk -F, -v n=$NCPU "$COLS"'NR > 1 &&
	(col("round") != 0 || col("cpu") >= n || col("irq_cpu") >= n)' "$T/results.csv" | wc -l)" 0
is "sizes in the outer loop: rows never go back to a smaller size" "$(awk -F, "$COLS"'NR > 1 {
	if (col("size") < last) bad++; last = col("size") + 0 } END { print bad + 0 }' "$T/results.csv")" 0
is "shuffle=0: within a size, strategies in the order asked for" \
	"$(awk -F, "$COLS"'NR > 1 && col("size") == 64 && col("strategy") != last {
		printf "%s ", col("strategy"); last = col("strategy") }' "$T/results.csv")" \
	"$(echo $ALL | tr , ' ') "

if [ "$COHERENT" = 0 ]; then
	is "need_sync: 1 for the streaming family, 0 for the others (non-coherent device)" \
		"$(awk -F, -v fams="$(sed -n 's/^families=//p' "$D/info")" "$COLS"'
			BEGIN { n = split(fams, f, ","); for (i = 1; i <= n; i++) { split(f[i], p, ":"); fam[p[1]] = p[2] } }
			NR > 1 && col("need_sync") != (fam[col("strategy")] == "streaming")' "$T/rows.csv" | wc -l)" 0
fi
is "summary says why each of pool's sizes above a page was skipped" \
	"$(grep -c '^# skipped: pool [0-9]*: larger than 4096 B' "$T/summary.csv")" 8
is "... and each streaming size above dma_max_mapping_size" \
	"$(grep -cE "^# skipped: (streaming[a-z-]*|phys) [0-9]*: larger than dma_max_mapping_size \($MAXMAP B\)" "$T/summary.csv")" $((KMAP * BIG))
is "segments: sg and sg-sync one descriptor per page (16 at 64 KiB, 256 at 1 MiB), cpu none, the others one" \
	"$(awk -F, "$COLS"'NR > 1 && col("phase") == "total" { s = col("strategy"); z = col("size") + 0
		want = (s ~ /^sg/) ? (z < 4096 ? 1 : z / 4096) : (s == "cpu" ? 0 : 1)
		if (col("segments") != want) { bad++; print s, z, col("segments") > "/dev/stderr" } }
		END { print bad + 0 }' "$T/rows.csv")" 0
cp "$T/results.csv" "$T/summary.csv" "$OUT/" 2>/dev/null

# ---------------------------------------------------------------- depth 8
set_knobs strategy=coherent,streaming,pool sizes=4K,64K iterations=20 warmup=2 depth=8
is "depth 8: done, pool at 64K skipped" "$(run_wait)" "state=done done=100 total=100 errors=0 skipped=1"
cat "$D/results" > "$T/d8.csv"
is "depth 8: the phases add up to total_ns exactly, every row" "$(bad_sums "$T/d8.csv")" 0
is "depth 8: every transfer verified" "$(awk -F, "$COLS"'NR > 1 && col("ok") != 1' "$T/d8.csv" | wc -l)" 0
set_knobs depth=1

# ---------------------------------------------------------------- order and placement
set_knobs strategy=all sizes=64,4K iterations=3 warmup=0 rounds=2 shuffle=1 seed=42
echo start > "$D/run"
st=$(cat "$D/wait")
is "rounds=2 seed=42: done, the status shows the seed" "$st" "state=done done=$((NS * 12)) total=$((NS * 12)) errors=0 skipped=0 seed=42"
cat "$D/results" > "$T/r1.csv"
is "rounds=2: iter 0..5 once per (strategy,size), round 1 holds iter 3..5" "$(awk -F, "$COLS"'NR > 1 {
	seen[col("strategy")","col("size")","col("iter")]++; if ((col("round") == 1) != (col("iter") >= 3)) bad++ }
	END { for (k in seen) if (seen[k] != 1) bad++; print bad + (length(seen) != n) }' n=$((NS * 12)) "$T/r1.csv")" 0
is "rounds=2: the sweep runs twice, sizes outer (64, 4K, 64, 4K)" \
	"$(awk -F, "$COLS"'NR > 1 && col("size") != last { printf "%s ", col("size"); last = col("size") }' "$T/r1.csv")" "64 4096 64 4096 "
run_wait > /dev/null
# each row's strategy, size and round, in the file's order
sro() { awk -F, "$COLS"'{ print col("strategy") "," col("size") "," col("round") }' "$1"; }
# shellcheck disable=SC2016 # expands in eval
check "the same seed gives the same order" \
	eval 'sro "$T/r1.csv" > "$T/o1" && sro "$D/results" > "$T/o2" && cmp -s "$T/o1" "$T/o2"'
order() { awk -F, "$COLS"'NR > 1 && col("strategy") != last { printf "%s ", col("strategy"); last = col("strategy") }' "$1"; }
is "the summary pools both rounds (n = 6)" "$(awk -F, "$COLS"'NR > 1 && !/^#/ && col("n") != 6' "$D/summary" | wc -l)" 0
set_knobs seed=0
changed=0
for i in 1 2 3; do
	run_wait > /dev/null
	[ "$(order "$D/results")" != "$(order "$T/r1.csv")" ] && changed=1
done
is "seed=0: a new order (of $NS! per size and round) within three runs" "$changed" 1
note "order with seed 42: $(order "$T/r1.csv")"
if [ "$NCPU" -gt 1 ]; then
	set_knobs rounds=1 cpu=1 strategy=coherent,cpu sizes=4K iterations=5
	run_wait > /dev/null
	is "cpu=1: every transfer recorded on CPU 1" "$(awk -F, "$COLS"'NR > 1 && col("cpu") != 1' "$D/results" | wc -l)" 0
	is "cpu=1 reads back" "$(knob cpu)" 1
	is "cpu=$NCPU (no such CPU) is refused" "$(kwrite "$D/cpu" $NCPU)" ERANGE
	set_knobs cpu=any
fi
set_knobs rounds=1 shuffle=0 seed=0

# ---------------------------------------------------------------- failed transfers
# verify catches a corrupted destination; the failed transfer is counted,
# kept out of the statistics, and the read takes as long as any other
set_knobs strategy=coherent,streaming sizes=4K iterations=10 warmup=2 inject=corrupt
st=$(run_wait)
is "inject=corrupt: the run completes with one error" "$st" "state=done done=20 total=20 errors=1 skipped=0"
is "exactly one row has ok=0, the first recorded transfer" \
	"$(awk -F, "$COLS"'NR > 1 && col("ok") == 0 { print col("strategy")","col("iter") }' "$D/results")" coherent,0
is "summary: coherent n is one short (9) and failed = 1, streaming untouched" \
	"$(awk -F, "$COLS"'col("phase") == "total" { printf "%s:%s:%s ", col("strategy"), col("n"), col("failed") }' "$D/summary")" \
	"coherent:9:1 streaming:10:0 "
set_knobs verify=0
is "inject=corrupt with verify=0 is refused: nothing would notice it" "$(kwrite "$D/run" start)" EINVAL
check "... and the status says why" grep -q "error=inject=corrupt needs verify=1 and touch=1" "$D/status"
set_knobs verify=1 strategy=sg sizes=64K iterations=5 warmup=1
is "inject=corrupt in an sg transfer (16 segments): caught" "$(run_wait)" "state=done done=5 total=5 errors=1 skipped=0"
set_knobs strategy=coherent,streaming sizes=4K iterations=10 warmup=2 inject=overrun
is "inject=overrun: a byte past a coherent destination fails that transfer" "$(run_wait)" "state=done done=20 total=20 errors=1 skipped=0"
is "... the guard caught it in the first recorded coherent transfer, and only there" \
	"$(awk -F, "$COLS"'NR > 1 && col("ok") == 0 { print col("strategy")","col("iter") }' "$D/results")" coherent,0
set_knobs inject=none
is "inject=none: clean again" "$(run_wait)" "state=done done=20 total=20 errors=0 skipped=0"

# ---------------------------------------------------------------- polled completion
# the same contract with completion=poll: every strategy, every transfer
# verified, the phases adding up; no interrupt is waited for, so no wake
set_knobs strategy=all sizes=64,4K,64K iterations=5 warmup=1 completion=poll
is "completion=poll: every strategy at 64 B, 4 KiB, 64 KiB (pool's 64K skipped)" "$(run_wait)" \
	"state=done done=$(((NS * 3 - 1) * 5)) total=$(((NS * 3 - 1) * 5)) errors=0 skipped=1"
cat "$D/results" > "$T/poll.csv"
is "completion=poll: every transfer verified" "$(awk -F, "$COLS"'NR > 1 && col("ok") != 1' "$T/poll.csv" | wc -l)" 0
is "completion=poll: the phases add up to total_ns exactly" "$(bad_sums "$T/poll.csv")" 0
is "completion=poll: wake is 0 on every row" "$(awk -F, "$COLS"'NR > 1 && col("wake_ns") != 0' "$T/poll.csv" | wc -l)" 0
set_knobs depth=8 strategy=streaming,sg
is "completion=poll, depth 8: done" "$(run_wait)" "state=done done=30 total=30 errors=0 skipped=0"
is "completion=poll, depth 8: the phases add up, every transfer verified" \
	"$(bad_sums "$D/results") $(awk -F, "$COLS"'NR > 1 && col("ok") != 1' "$D/results" | wc -l)" "0 0"
set_knobs depth=1 completion=irq

# ---------------------------------------------------------------- the access model
set_knobs touch=0
run_wait > /dev/null
is "touch=0: fill and read are 0 on every row" "$(awk -F, "$COLS"'NR > 1 && (col("fill_ns") != 0 || col("read_ns") != 0)' "$D/results" | wc -l)" 0
set_knobs touch=1 strategy=coherent sizes=64K iterations=10 warmup=1
run_wait > /dev/null
full=$(awk -F, "$COLS"'col("phase") == "fill" { print col("p50_ns") }' "$D/summary")
set_knobs touch_bytes=256
is "touch_bytes=256: verified" "$(run_wait)" "state=done done=10 total=10 errors=0 skipped=0"
part=$(awk -F, "$COLS"'col("phase") == "fill" { print col("p50_ns") }' "$D/summary")
check "touch_bytes=256 at 64 KiB fills in under a quarter of the time of the whole buffer ($part vs $full ns)" \
	[ "$((part * 4))" -lt "$full" ]

# sync_bytes: the strategies that sync around a mapping of the whole step hand over only the
# first 256 B of each buffer, all the CPU touches: every transfer verifies, at 64 B (sync_bytes
# past the buffer: all of it) as at 4 KiB and 64 KiB, and so with whole buffers synced. On a
# device that is not coherent, without an IOMMU (sg-sync's pages each a segment), the part at
# 64 KiB costs a fraction of the whole buffer's cache maintenance: compared with itself, the
# emulator's pace being what it is, and under 3/4 of it only: the emulated Raspberry Pi 2's
# whole-buffer syncs cost little beside each call's fixed cost (seen there: 0.58 of the whole
# for noncontiguous; about 0.1 on the Pi 3 and the Exynos). Not with DMA-API debugging (the
# debug kernel), whose bookkeeping of every sync call (check_sync()) outweighs the cache
# maintenance
SYNCS=streaming-sync,noncoherent,sg-sync,noncontiguous
set_knobs strategy=$SYNCS sizes=64,4K,64K iterations=10 warmup=1 touch_bytes=256 sync_bytes=256
is "sync_bytes=256, touch_bytes=256: $SYNCS at 64 B, 4 KiB and 64 KiB verified" "$(run_wait)" \
	"state=done done=120 total=120 errors=0 skipped=0"
cp "$D/summary" "$T/sync-part.csv"
set_knobs sync_bytes=0
is "sync_bytes=0 (whole buffers), touch_bytes=256: the same verified" "$(run_wait)" \
	"state=done done=120 total=120 errors=0 skipped=0"
cp "$D/summary" "$T/sync-whole.csv"
is "... failed=0 in every cell of both runs" \
	"$(awk -F, "$COLS"'col("failed") != 0' "$T/sync-part.csv" "$T/sync-whole.csv" | wc -l)" 0
if [ "$COHERENT" = 0 ] && grep -qx dma_path=dma-direct "$D/info" && ! dbg_active; then
	# each strategy's p50 to_dev + to_cpu at 64 KiB, 256 B synced against the whole buffer
	slow=$(awk -F, "$COLS"'col("size") == 65536 && (col("phase") == "to_dev" || col("phase") == "to_cpu") {
			if (FILENAME == ARGV[1]) p[col("strategy")] += col("p50_ns"); else w[col("strategy")] += col("p50_ns") }
		END { for (s in w) { n++; printf "%s:%d/%d ", s, p[s], w[s]; if (!(p[s] * 4 < w[s] * 3)) bad++ }
			print (n == 4 && !bad) ? "ok" : "slow" }' "$T/sync-part.csv" "$T/sync-whole.csv")
	note "to_dev + to_cpu p50 at 64 KiB, 256 B synced/whole, ns: ${slow% *}"
	is "sync_bytes=256 at 64 KiB: to_dev + to_cpu under 3/4 of the whole buffer's, in each of the four" \
		"${slow##* }" ok
else
	tap_ok "sync_bytes=256 at 64 KiB: not timed (a coherent device, an IOMMU or DMA-API debugging) # SKIP"
fi

# bounced: an 8-byte kmalloc() destination mapped FROM_DEVICE for a non-coherent device is
# bounced through swiotlb exactly where kmalloc() hands out blocks smaller than a cache line
# (kmalloc-8 exists: ARCH_KMALLOC_MINALIGN below ARCH_DMA_MINALIGN, arm64 since 6.5 with
# CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC) and swiotlb is set up: dma_kmalloc_needs_bounce(),
# dma_direct_map_phys(); coherent memory never is
set_knobs touch_bytes=0 strategy=streaming,coherent sizes=8 iterations=3 warmup=0
is "streaming and coherent at 8 B: done" "$(run_wait)" "state=done done=6 total=6 errors=0 skipped=0"
want="0 0"
grep -q '^kmalloc-8 ' /proc/slabinfo 2>/dev/null && [ "$(sed -n 's/^swiotlb=//p' "$D/info")" = 1 ] &&
	[ "$(sed -n 's/^dma_coherent=//p' "$D/info")" = 0 ] && want="1 0"
is "bounced at 8 B: streaming $(echo "$want" | cut -d' ' -f1), coherent 0 (kmalloc-8: $(grep -c '^kmalloc-8 ' /proc/slabinfo), swiotlb $(sed -n 's/^swiotlb=//p' "$D/info"))" \
	"$(awk -F, "$COLS"'col("phase") == "total" && col("strategy") == "streaming" { s = col("bounced") }
		col("phase") == "total" && col("strategy") == "coherent" { c = col("bounced") } END { print s, c }' "$D/summary")" "$want"
set_knobs cold=1 sizes=64K strategy=coherent iterations=10 warmup=1
is "cold=1: the run completes" "$(run_wait)" "state=done done=10 total=10 errors=0 skipped=0"
set_knobs depth=2
is "cold=1 with depth=2 is refused" "$(kwrite "$D/run" start)" EINVAL
set_knobs cold=0 depth=1

# ---------------------------------------------------------------- copy
echo "dmademo copy check 123" > "$D/copy"
is "copy round-trips a string" "$(cat "$D/copy")" "dmademo copy check 123"
printf 'abc' > "$D/copy"
is "copy round-trips 3 bytes (not a multiple of 4)" "$(cat "$D/copy")" abc
head -c 4096 /dev/urandom > "$T/rand"
cat "$T/rand" > "$D/copy"
cat "$D/copy" > "$T/back"   # (GNU cmp takes debugfs's size 0 for the file's)
check "copy round-trips a page of random bytes" cmp -s "$T/rand" "$T/back"

# ---------------------------------------------------------------- channels
if [ "$MODE" != dt ]; then
	is "select dma0chan3 by name" "$(kwrite "$D/channel" dma0chan3)" ok
	is "channel reads back dma0chan3" "$(knob channel)" dma0chan3
	set_knobs strategy=streaming sizes=64 iterations=5
	is "a run on the named channel" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
	is "channel any" "$(kwrite "$D/channel" any)" ok
	is "channel none releases it" "$(kwrite "$D/channel" none)" ok
	is "channel reads none" "$(knob channel)" none
else
	is "unbind the devicetree device $DTDEV" "$(kwrite /sys/bus/platform/drivers/dmademo/unbind $DTDEV)" ok
	is "unbinding took the channel back" "$(knob channel)" none
	is "with the first unbound, the second node binds" "$(kwrite /sys/bus/platform/drivers/dmademo/bind $OTHER)" ok
	check "the devicetree channel is back" grep -qx channel_from_dt=1 "$D/info"
	set_knobs strategy=streaming sizes=64 iterations=5
	is "a run on the second node's channel" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
	is "unbind it, bind the first again" \
		"$(kwrite /sys/bus/platform/drivers/dmademo/unbind $OTHER) $(kwrite /sys/bus/platform/drivers/dmademo/bind $DTDEV)" "ok ok"
	is "a run on the devicetree channel after rebinding" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
fi

check "module unloads" unload
rm -rf "$T"
