# Long runs in bounded memory: record=histogram and duration_ms. Sourced by main.sh
# with lib.sh loaded (SUITE=hist).
#
# - The knobs, and their refusals.
# - The same transfers both ways: a run recording samples serves, beside its exact
#   summary, the histogram of those samples; the percentiles read from that histogram
#   (nearest rank, the bucket's middle, within min..max: as the module reads its own)
#   must be within 1/128 of the exact ones. A histogram run's summary must be what its
#   own histogram file says.
# - Bounded memory: Slab + VmallocUsed held by a finished run's result, for a
#   10,000-transfer run recording samples, then histograms, then HIST_BIG transfers
#   (more than the sample bound) recording histograms: the big run holds no more.
# - duration_ms: the status counts time, a run ends when its time is up, each step's
#   wall time is its duration (and at most its slowest transfer more), twice the time
#   holds twice the busy time (transfers x mean: the count alone moves with the host);
#   recording samples, `iterations` still bounds a step.
#   A stop ends a run bounded by time at once.
# On the debug kernel, where a transfer costs 20 to 60 times as much, fewer transfers
# (HIST_ITER, HIST_BIG) and shorter steps.
# - What recording costs: info's overhead_ns and overhead_hist_ns.
# shellcheck shell=sh disable=SC2034 # SUITE is lib.sh's

SUITE=hist
HIST_BIG=${HIST_BIG:-3000000}		# transfers of the big histogram run
HIST_STRATEGY=${HIST_STRATEGY:-cpu}	# and its strategy (coherent: see the README)
HIST_MS=${HIST_MS:-1000}		# duration_ms of the time-bound steps
HIST_ITER=${HIST_ITER:-2000}		# transfers per cell, the same transfers both ways
if dbg_active; then
	HIST_BIG=${HIST_BIG_DEBUG:-200000} HIST_MS=800 HIST_ITER=300
fi
T=/tmp/hist
mkdir -p "$T"

load || { tap_fail "insmod"; return; }
set_knobs channel=any verify=1 touch=1 depth=1 warmup=10 rounds=1 seed=7 || return

# --- knobs
is "record defaults to samples" "$(knob record)" samples
is "record accepts histogram" "$(kwrite "$D/record" histogram)" ok
is "record refuses another word" "$(kwrite "$D/record" hist)" EINVAL
is "... and keeps its value" "$(knob record)" histogram
is "duration_ms accepts a day" "$(kwrite "$D/duration_ms" 86400000)" ok
is "duration_ms refuses a day and a millisecond" "$(kwrite "$D/duration_ms" 86400001)" ERANGE
is "... and keeps its value" "$(knob duration_ms)" 86400000
set_knobs record=samples duration_ms=0 || return

# hist_pct FILE STRATEGY SIZE PHASE PER10K MIN MAX: the nearest-rank value from a
# histogram file, as the module reads it: its bucket's middle, within min..max
hist_pct() {
	awk -F, -v s="$2" -v z="$3" -v ph="$4" -v p="$5" -v lo="$6" -v hi="$7" "$COLS"'
		col("strategy") == s && col("size") == z && col("phase") == ph {
			n++; l[n] = col("lo_ns") + 0; h[n] = col("hi_ns") + 0; c[n] = col("count") + 0; tot += c[n] }
		END {
			r = int((tot * p + 9999) / 10000); if (r < 1) r = 1
			for (i = 1; i <= n; i++) { seen += c[i]; if (seen >= r) break }
			v = l[i] + int((h[i] - l[i] - 1) / 2)
			if (v < lo) v = lo; if (v > hi) v = hi
			print v
		}' "$1"
}

# hist_vs_summary DIR TOLERANCE: for each summary row, p50/p90/p99 read from the
# histogram file within TOLERANCE (a fraction) of the summary's; prints the rows that
# are not, and "n" mismatches (the histogram's count against n)
hist_vs_summary() {
	_rows=$(awk -F, -v OFS=, "$COLS"'!/^#/ { print col("strategy"), col("size"), col("phase"), col("n"),
		col("min_ns"), col("p50_ns"), col("p90_ns"), col("p99_ns"), col("max_ns") }' "$1/summary.csv") ||
		{ echo "$_rows"; return; }
	[ -n "$_rows" ] || return
	echo "$_rows" | while IFS=, read -r s z ph n mn p50 p90 p99 mx; do
		[ "$n" -gt 0 ] || continue
		cnt=$(awk -F, -v s="$s" -v z="$z" -v ph="$ph" "$COLS"'col("strategy") == s && col("size") == z && col("phase") == ph {
			t += col("count") } END { print t + 0 }' "$1/histogram.csv")
		[ "$cnt" = "$n" ] || echo "$s $z $ph: histogram counts $cnt, summary n $n"
		for pw in "5000 $p50" "9000 $p90" "9900 $p99"; do
			got=$(hist_pct "$1/histogram.csv" "$s" "$z" "$ph" "${pw% *}" "$mn" "$mx")
			awk -v g="$got" -v w="${pw#* }" -v t="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d > w * t) }' &&
				echo "$s $z $ph p${pw% *}: histogram $got, summary ${pw#* }"
		done
	done
}

# --- the same transfers both ways
set_knobs strategy=coherent,streaming,cpu sizes=64,4096 iterations="$HIST_ITER" record=samples || return
st=$(run_wait)
is "a run recording samples completes" "${st%% *}" state=done
mkdir -p "$T/samples"
cat "$D/summary" > "$T/samples/summary.csv"
cat "$D/histogram" > "$T/samples/histogram.csv"
is "histogram header" "$(head -1 "$T/samples/histogram.csv")" "$(columns histogram)"
is "histogram rows: every bucket within 1/64 of its values, lo < hi, count > 0" "$(awk -F, "$COLS"'NR > 1 {
	lo = col("lo_ns") + 0; hi = col("hi_ns") + 0 } NR > 1 &&
	!(hi > lo && col("count") > 0 && (hi - lo == 1 || (hi - lo) * 64 <= lo))' "$T/samples/histogram.csv" | wc -l)" 0
bad=$(hist_vs_summary "$T/samples" 0.0079)
is "recording samples: the histogram of the same transfers gives every p50, p90, p99 within 1/128" "$bad" ""

set_knobs record=histogram || return
st=$(run_wait)
is "a run recording histograms completes" "${st%% *}" state=done
mkdir -p "$T/hist"
cat "$D/summary" > "$T/hist/summary.csv"
cat "$D/histogram" > "$T/hist/histogram.csv"
is "recording histograms: summary has every cell's $(nphases) phases" \
	"$(grep -v '^#' "$T/hist/summary.csv" | tail -n +2 | wc -l)" $((6 * $(nphases)))
is "... n = iterations, failed = 0" "$(grep -v '^#' "$T/hist/summary.csv" | awk -F, -v n="$HIST_ITER" "$COLS"'NR > 1 &&
	(col("n") != n || col("failed") != 0)' | wc -l)" 0
is "... percentiles ordered, mean within min..max" "$(grep -v '^#' "$T/hist/summary.csv" |
	awk -F, "$COLS"'NR > 1 && !(col("min_ns") <= col("p50_ns") && col("p50_ns") <= col("p90_ns") &&
		col("p90_ns") <= col("p99_ns") && col("p99_ns") <= col("max_ns") &&
		col("min_ns") <= col("mean_ns") && col("mean_ns") <= col("max_ns"))' | wc -l)" 0
bad=$(hist_vs_summary "$T/hist" 0)
is "... its summary is what its histogram file says, exactly" "$bad" ""
dmesg -c > /dev/null
is "... results is empty" "$(wc -c < "$D/results")" 0
check "... and the log says why" dmesg | grep -q 'results: empty: the last run recorded histograms'

# --- bounded memory
# held_kb: Slab + VmallocUsed, in kB
held_kb() { awk '/^(Slab|VmallocUsed):/ { t += $2 } END { print t }' /proc/meminfo; }
# held_by_run RECORD ITERATIONS ROUNDS: what a finished run's result holds, in kB (the
# module's memory after the run against after a run of one transfer)
held_by_run() {
	set_knobs strategy="$HIST_STRATEGY" sizes=64 warmup=0 verify=0 record=samples iterations=1 rounds=1 || return
	run_wait > /dev/null
	sync; echo 2 > /proc/sys/vm/drop_caches
	_m0=$(held_kb)
	set_knobs record="$1" iterations="$2" rounds="$3" || return
	_st=$(run_wait)
	sync; echo 2 > /proc/sys/vm/drop_caches
	echo "$(( $(held_kb) - _m0 )) ${_st%% *}"
}
small_s=$(held_by_run samples 10000 1)
small_h=$(held_by_run histogram 10000 1)
big_rounds=$(( (HIST_BIG + 999999) / 1000000 ))
big_h=$(held_by_run histogram $((HIST_BIG / big_rounds)) "$big_rounds")
note "memory held (Slab + VmallocUsed, kB): 10,000 samples ${small_s% *}, 10,000 in histograms ${small_h% *}, $HIST_BIG in histograms ${big_h% *}"
is "the $HIST_BIG-transfer histogram run completes" "${big_h#* }" state=done
is "... its summary counts them all" "$(awk -F, "$COLS"'col("phase") == "total" { print col("n") + col("failed") }' "$D/summary")" "$HIST_BIG"
# slab and vmalloc move by a few pages on their own (up to 64 kB between two such
# measurements here): 64 kB of slack against samples, whose 10,000 take 300 kB more than
# histograms; 128 kB against histograms, the same size either way. With kmemleak and
# KASAN's quarantine (the debug kernel) they move by hundreds: there only the first.
check "... and holds no more than a 10,000-transfer run recording samples (+64 kB)" \
	[ "${big_h% *}" -le $(( ${small_s% *} + 64 )) ]
if ! dbg_active; then
	check "... nor than one recording histograms (+128 kB)" [ "${big_h% *}" -le $(( ${small_h% *} + 128 )) ]
fi
set_knobs record=samples iterations=1000000 rounds=3 || return
is "recording samples, 3,000,000 transfers are refused: E2BIG" "$(kwrite "$D/run" start)" E2BIG
is "... and the status says why" "$(sed -n 's/.* error=\([^(]*\)(.*/\1/p' "$D/status")" \
	"3000000 samples asked for, at most 2000000 per run "

# --- duration_ms
# 4 KiB: mbps_step has two decimals, enough to tell the wall time to 0.1% from 5 MB/s up
set_knobs strategy=coherent,cpu sizes=4K warmup=10 verify=1 iterations=1 rounds=1 record=histogram duration_ms="$HIST_MS" || return
echo start > "$D/run"
# elapsed_ms every 0.2 s while it runs: a host that starves the emulator for a second must not
# make two fixed samples land after the end
e1='' e2='' i=0 n=0
while [ $i -lt 100 ] && grep -q '^state=running' "$D/status"; do
	e=$(status_field elapsed_ms)
	[ -n "$e1" ] || e1=$e
	e2=$e
	n=$((n + 1))
	sleep 0.2
	i=$((i + 1))
done
is "a run bounded by time: status counts its time, of both steps'" "$(status_field duration_ms)" $((2 * HIST_MS))
# (the debug kernel, beside another boot, once read the status only once in its 1.6 s)
if [ "$n" -ge 2 ]; then
	check "... and it advances while it runs (first $e1 ms, last $e2 ms seen)" [ "${e2:-0}" -gt "${e1:-0}" ]
else
	tap_ok "... and it advances while it runs: $n reading(s) of the status while it ran, too few to tell # SKIP"
fi
st=$(sed 's/ seed=[0-9]*//' "$D/wait")
is "... it ends done when its time is up" "${st%% *}" state=done
is "... with all its time elapsed" "$(status_field elapsed_ms)" $((2 * HIST_MS))
# each step's wall time (mbps_step is bytes over the first start to the last end) is its
# duration, and at most its slowest transfer and 2 ms more (the transfer that ends it began
# before the time was up); its transfers took no more than that
bad=$(awk -F, -v d="$HIST_MS" "$COLS"'col("phase") == "total" {
	wall = (col("n") + col("failed")) * col("size") * 1000 / col("mbps_step") / 1e6; busy = col("n") * col("mean_ns") / 1e6
	if (wall < d || wall > d + col("max_ns") / 1e6 + 2 || busy > wall * 1.01)
		printf "%s: %d transfers, wall %.1f ms, busy %.1f ms; ", col("strategy"), col("n"), wall, busy }' "$D/summary")
is "... each step's wall time is its $HIST_MS ms" "$bad" ""
# busy time, n x mean: unlike the count, it does not move when the host slows the emulator
n1=$(awk -F, "$COLS"'col("strategy") == "cpu" && col("phase") == "total" { print col("n") }' "$D/summary")
b1=$(awk -F, "$COLS"'col("strategy") == "cpu" && col("phase") == "total" { printf "%d", col("n") * col("mean_ns") / 1e6 }' "$D/summary")
note "in $HIST_MS ms: $(awk -F, "$COLS"'col("phase") == "total" {
	printf "%s %d transfers (mean %d ns); ", col("strategy"), col("n"), col("mean_ns") }' "$D/summary")"
set_knobs strategy=cpu duration_ms=$((2 * HIST_MS)) || return
st=$(run_wait)
n2=$(awk -F, "$COLS"'col("strategy") == "cpu" && col("phase") == "total" { print col("n") }' "$D/summary")
b2=$(awk -F, "$COLS"'col("strategy") == "cpu" && col("phase") == "total" { printf "%d", col("n") * col("mean_ns") / 1e6 }' "$D/summary")
# (not on the debug kernel, whose speed moves by 2x from one second to the next: kmemleak's
# scans, KASAN's quarantine)
if dbg_active; then
	note "twice the time: cpu 4 KiB, $n1 then $n2 transfers, busy $b1 then $b2 ms"
else
	check "twice the time, twice the busy time: cpu 4 KiB, $n1 transfers busy $b1 ms, then $n2 busy $b2 ms (within 25%)" \
		awk -v a="${b1:-0}" -v b="${b2:-0}" 'BEGIN { exit !(a > 0 && b >= 1.5 * a && b <= 2.5 * a) }'
fi
set_knobs strategy=coherent,cpu || return

set_knobs record=samples iterations=50 || return
st=$(run_wait)
is "recording samples, iterations still bounds a step bounded by time" \
	"${st%% *} $(awk -F, "$COLS"'col("phase") == "total" { printf "%s ", col("n") }' "$D/summary")" "state=done 50 50 "

# steps bounded by time record fewer than iterations: iter still numbers the cell's rows
# 0..n-1 across its rounds, without the gaps of round x iterations
set_knobs strategy=coherent iterations=100000 rounds=2 duration_ms=300 || return
st=$(run_wait)
cat "$D/results" > "$T/timed.csv"
is "a time-bound run of 2 rounds recording samples: done, iter 0..n-1 in the cell, each once" \
	"${st%% *} $(iter_gaps "$T/timed.csv") $(($(wc -l < "$T/timed.csv") - 2))" \
	"state=done 0 $(awk -F, "$COLS"'NR > 1 { print col("iter") }' "$T/timed.csv" | sort -n | tail -1)"
set_knobs strategy=coherent,cpu iterations=50 rounds=1 || return

set_knobs record=histogram duration_ms=60000 || return
echo start > "$D/run"
sleep 1
t0=$(cut -d' ' -f1 /proc/uptime)
echo stop > "$D/run"
t1=$(cut -d' ' -f1 /proc/uptime)
is "a stop ends a run bounded by time at once" "$(status_field state)" stopped
check "... within a second ($t0 s to $t1 s)" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1) }'
is "... its summary has the transfers so far" "$(awk -F, "$COLS"'col("phase") == "total" && col("n") > 0' "$D/summary" | wc -l)" 1

# --- what recording costs
ov_s=$(sed -n 's/^overhead_ns=//p' "$D/info")
ov_h=$(sed -n 's/^overhead_hist_ns=//p' "$D/info")
note "the loop's bookkeeping per transfer: $ov_s ns storing a sample, $ov_h ns into histograms"
check "info has overhead_ns and overhead_hist_ns" [ -n "$ov_s" ] && [ -n "$ov_h" ]
set_knobs record=samples duration_ms=0 || return
# what the suite read, for a look afterwards
cp -r "$T" "${OUT:-/out}/hist" 2>/dev/null
