# The module's contract, end to end on the board: every strategy at every
# power-of-two size from 64 B to 1 MiB, the CSV it serves, the copy file,
# and verify catching a corrupted destination. Sourced by main.sh with
# lib.sh loaded; MODE is "dt" when the board's devicetree has the node.

SUITE=module${MODE:+-$MODE}
RESULTS_HDR=strategy,size,iter,fill_ns,to_dev_ns,prep_ns,submit_ns,wait_ns,to_cpu_ns,read_ns,total_ns,ok
SUMMARY_HDR=strategy,size,phase,n,min_ns,p50_ns,p90_ns,p99_ns,max_ns,mean_ns,stddev_ns,mbps_p50,mbps_step
SIZES=64,128,256,512,1K,2K,4K,8K,16K,32K,64K,128K,256K,512K,1M
ITER=5
T=/tmp/module.$$
mkdir -p "$T"

check "module loads" load
check "debugfs directory exists" test -d "$D"

# where the channel comes from
if [ "$MODE" = dt ]; then
	ch=$(knob channel)
	check "the devicetree node bound the driver" test -e /sys/bus/platform/drivers/dmademo/dmademo
	check "channel comes from the devicetree ($ch)" grep -qx channel_from_dt=1 "$D/info"
	check "dmesg names the devicetree channel" sh -c "dmesg | grep -q 'using $ch from the devicetree'"
else
	is "no devicetree node: no channel before the first run" "$(knob channel)" none
fi

set_knobs strategy=all sizes=$SIZES iterations=$ITER warmup=1 verify=1 touch=1 depth=1
is "strategy all reads back" "$(knob strategy)" coherent,pool,streaming,streaming-sync,noncoherent,cpu
is "sizes read back in bytes" "$(knob sizes)" 64,128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576

st=$(run_wait)
is "full sweep ends done with no errors" "$st" "state=done done=450 total=450 errors=0"
cat "$D/results" > "$T/results.csv"
cat "$D/summary" > "$T/summary.csv"
[ "$MODE" = dt ] || is "the run took a free DMA_MEMCPY channel" "$(knob channel | sed 's/[0-9]*$//')" dma0chan
for k in kernel version channel dma_device dma_coherent dma_mask_bits page_size \
	 dma_cache_align ktime_ns ktime_res_ns overhead_ns max_samples; do
	grep -q "^$k=" "$D/info" || missing="$missing $k"
done
is "info has every documented key" "${missing:-none}" none
note "info: $(tr '\n' ' ' < "$D/info")"

is "results header" "$(head -1 "$T/results.csv")" "$RESULTS_HDR"
is "results rows: 6 strategies x 15 sizes x $ITER" "$(tail -n +2 "$T/results.csv" | wc -l)" 450
is "every (strategy,size) has iter 0..$((ITER - 1)) once" "$(awk -F, -v n=$ITER 'NR > 1 {
	seen[$1","$2","$3]++; steps[$1","$2] = 1 }
	END { for (s in steps) for (i = 0; i < n; i++) if (seen[s","i] != 1) bad++; print bad + 0 }' "$T/results.csv")" 0
is "every transfer completed and verified (ok=1)" "$(awk -F, 'NR > 1 && $12 != 1' "$T/results.csv" | wc -l)" 0
is "total_ns >= the sum of the phases, every row" "$(awk -F, 'NR > 1 && $11 < $4+$5+$6+$7+$8+$9+$10' "$T/results.csv" | wc -l)" 0
is "coherent and pool never change ownership (to_dev = to_cpu = 0)" "$(awk -F, 'NR > 1 && ($1 == "coherent" || $1 == "pool") && ($5 != 0 || $9 != 0)' "$T/results.csv" | wc -l)" 0
is "streaming strategies spend time in to_dev and to_cpu" "$(awk -F, 'NR > 1 && ($1 ~ /^streaming/ || $1 == "noncoherent") && $5 + $9 == 0' "$T/results.csv" | wc -l)" 0
is "cpu never preps or submits (prep = submit = 0)" "$(awk -F, 'NR > 1 && $1 == "cpu" && ($6 != 0 || $7 != 0)' "$T/results.csv" | wc -l)" 0
is "DMA strategies prep, submit and wait (all > 0)" "$(awk -F, 'NR > 1 && $1 != "cpu" && ($6 == 0 || $7 == 0 || $8 == 0)' "$T/results.csv" | wc -l)" 0

is "summary header" "$(head -1 "$T/summary.csv")" "$SUMMARY_HDR"
is "summary rows: 90 steps x 8 phases" "$(tail -n +2 "$T/summary.csv" | wc -l)" 720
is "summary phases in order per step" "$(awk -F, 'NR > 1 { p = p $3 " " } NR > 1 && (NR - 1) % 8 == 0 { if (p != "fill to_dev prep submit wait to_cpu read total ") bad++; p = "" } END { print bad + 0 }' "$T/summary.csv")" 0
is "summary n = iterations on every row" "$(awk -F, -v n=$ITER 'NR > 1 && $4 != n' "$T/summary.csv" | wc -l)" 0
is "percentiles ordered: min <= p50 <= p90 <= p99 <= max" "$(awk -F, 'NR > 1 && !($5 <= $6 && $6 <= $7 && $7 <= $8 && $8 <= $9)' "$T/summary.csv" | wc -l)" 0
is "mean within min..max" "$(awk -F, 'NR > 1 && !($5 <= $10 && $10 <= $9)' "$T/summary.csv" | wc -l)" 0
is "summary total p50 matches the raw samples' median (nearest rank)" "$(awk -F, -v n=$ITER '
	NR == FNR { if (FNR > 1) v[$1","$2, $3] = $11; next }
	FNR > 1 && $3 == "total" { k = $1","$2; m = 0
		for (i = 0; i < n; i++) a[i] = v[k, i]
		# insertion sort, n is small
		for (i = 1; i < n; i++) { x = a[i]; for (j = i - 1; j >= 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		r = int((n * 50 + 99) / 100); if (a[r - 1] != $6) bad++ }
	END { print bad + 0 }' "$T/results.csv" "$T/summary.csv")" 0
is "mbps_p50 = size / p50 for total rows" "$(awk -F, 'NR > 1 && $3 == "total" { w = $2 * 1000 / $6; if ($12 < w - 0.01 || $12 > w + 0.01) bad++ } END { print bad + 0 }' "$T/summary.csv")" 0
cp "$T/results.csv" "$T/summary.csv" "$OUT/" 2>/dev/null

# verify catches a corrupted destination, and only verify does
set_knobs strategy=coherent,streaming sizes=4K iterations=10 warmup=2 inject=corrupt
st=$(run_wait)
is "inject=corrupt: the run completes with one error" "$st" "state=done done=20 total=20 errors=1"
is "exactly one row has ok=0, the first recorded transfer" "$(awk -F, 'NR > 1 && $12 == 0 { print $1","$3 }' "$D/results")" coherent,0
set_knobs verify=0
st=$(run_wait)
is "inject=corrupt with verify=0 goes unnoticed" "$st" "state=done done=20 total=20 errors=0"
set_knobs verify=1 inject=none
st=$(run_wait)
is "inject=none: clean again" "$st" "state=done done=20 total=20 errors=0"

# touch=0: no CPU access at all
set_knobs touch=0
run_wait > /dev/null
is "touch=0: fill and read are 0 on every row" "$(awk -F, 'NR > 1 && ($4 != 0 || $10 != 0)' "$D/results" | wc -l)" 0
set_knobs touch=1

# copy round-trips through the channel
echo "dmademo copy check 123" > "$D/copy"
is "copy round-trips a string" "$(cat "$D/copy")" "dmademo copy check 123"
printf 'abc' > "$D/copy"
is "copy round-trips 3 bytes (not a multiple of 4)" "$(cat "$D/copy")" abc
head -c 4096 /dev/urandom > "$T/rand"
cat "$T/rand" > "$D/copy"
check "copy round-trips a page of random bytes" cmp -s "$T/rand" "$D/copy"

# a channel named by the user
if [ "$MODE" != dt ]; then
	is "select dma0chan3 by name" "$(kwrite "$D/channel" dma0chan3)" ok
	is "channel reads back dma0chan3" "$(knob channel)" dma0chan3
	set_knobs strategy=streaming sizes=64 iterations=5
	is "a run on the named channel" "$(run_wait)" "state=done done=5 total=5 errors=0"
	is "channel any" "$(kwrite "$D/channel" any)" ok
	is "channel none releases it" "$(kwrite "$D/channel" none)" ok
	is "channel reads none" "$(knob channel)" none
else
	is "unbind the devicetree device" "$(kwrite /sys/bus/platform/drivers/dmademo/unbind dmademo)" ok
	is "unbinding took the channel back" "$(knob channel)" none
	is "bind it again" "$(kwrite /sys/bus/platform/drivers/dmademo/bind dmademo)" ok
	check "the devicetree channel is back" grep -qx channel_from_dt=1 "$D/info"
	set_knobs strategy=streaming sizes=64 iterations=5
	is "a run on the devicetree channel after rebinding" "$(run_wait)" "state=done done=5 total=5 errors=0"
fi

check "module unloads" unload
rm -rf "$T"
