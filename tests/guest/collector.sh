# The collector (bench/dmademo-run) against the real module, on the board.
# Sourced by main.sh with lib.sh loaded (cwd /work, bench/ copied to
# /work/bench, the module at /lib/modules/dmademo.ko, not loaded: the
# collector loads it). Also runs alone: sh collector.sh (then its plan last). Prints TAP lines;
# one run's output folder goes to $OUT/collector-run for the host.
# shellcheck shell=sh disable=SC2016,SC2034 # eval '...' expands later, on purpose; SUITE is lib.sh's

# alone: lib.sh's helpers (check, COLS, ...), from beside this file
# shellcheck disable=SC1091 # lib.sh: found at run time
alone=''
command -v check >/dev/null 2>&1 || { . "$(dirname "$0")/lib.sh"; alone=1; }

SUITE=collector
RUN="sh /work/bench/dmademo-run"
DBG=${DMADEMO_DEBUGFS:-/sys/kernel/debug/dmademo}
OUT=${OUT:-/out}
T=/tmp/collector
rm -rf "$T"
mkdir -p "$T" "$OUT"
comment() { sed 's/^/# /' "$@"; }
lines() { [ "$(wc -l <"$2")" -eq "$1" ]; }
# rows FILE CONDITION: how many of the CSV FILE's rows meet the awk CONDITION (col("ok") == 1)
rows() { awk -F, "$COLS$2" "$1" | wc -l; }

# --- a short good run; the collector loads the module ------------------------
[ -d "$DBG" ] && loaded=1 || loaded=0
$RUN -s coherent,streaming -z 64,4K -n 20 -o "$T/run1" >"$T/o" 2>"$T/e"
rc=$?
check "short run exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || comment "$T/e"
[ "$loaded" = 1 ] || check "the collector loaded the module" [ -d "$DBG" ]
comment "$T/o"
r=$T/run1
check "results.csv, summary.csv and meta exist" \
	eval '[ -s "$r/results.csv" ] && [ -s "$r/summary.csv" ] && [ -s "$r/meta" ]'
# the headers the module's info names (results_columns=, summary_columns=), copied into meta
check "results.csv header" [ "$(head -n 1 "$r/results.csv")" = \
	"$(sed -n 's/^results_columns=//p' "$r/meta")" ]
check "results.csv has 2 strategies x 2 sizes x 20 rows" lines 81 "$r/results.csv"
check "every ok field is 1" \
	awk -F, "$COLS"'NR > 1 && col("ok") != "1" { bad++ } END { exit bad > 0 || NR < 2 }' "$r/results.csv"
check "summary.csv header" grep -qxF -- "$(sed -n 's/^summary_columns=//p' "$r/meta")" \
	"$r/summary.csv"
# the module's phases, as its info names them (phases=)
PH=$(sed -n 's/^phases=//p' "$DBG/info")
NPH=$(echo "$PH" | tr , '\n' | grep -c .)
check "summary.csv has the $NPH phases for each (strategy,size), 4 of them" awk -F, -v ph="$PH" "$COLS"'
	BEGIN { np = split(ph, p, ","); for (i = 1; i <= np; i++) phase[p[i]] = 1 }
	NR > 1 {
		k = col("strategy") "," col("size")
		if (!(col("phase") in phase) || seen[k "," col("phase")]++) bad++
		if (!n[k]++) keys++
	}
	END { for (k in n) if (n[k] != np) bad++; exit bad || keys != 4 || !np }' "$r/summary.csv"
meta_ok=true
for k in date hostname board kernel arch cpu strategies sizes iterations warmup verify depth touch \
	timeout_ms channel version dma_device page_size seed skipped state cpufreq_before cpufreq_after \
	throttled_before thermal_before thermal_after; do
	grep -q "^$k=." "$r/meta" || { note "meta lacks $k="; meta_ok=false; }
done
check "meta has board, kernel, info and parameter keys" $meta_ok
# placement: pinned to the CPU the completion interrupt lands on, found by a short run first;
# so every transfer's completion ran on the run thread's CPU
check "meta: the run thread pinned where the completion interrupt lands (placement=irq, run_cpu = irq_cpu)" \
	eval 'grep -qx placement=irq "$r/meta" && [ "$(sed -n "s/^run_cpu=//p" "$r/meta")" = "$(sed -n "s/^irq_cpu=//p" "$r/meta")" ]'
check "... every transfer's completion on the run thread's CPU (cpu = irq_cpu, every row)" \
	awk -F, "$COLS"'NR > 1 && col("cpu") != col("irq_cpu") { bad++ } END { exit bad > 0 || NR < 2 }' "$r/results.csv"
note "placement: $(grep -E '^(run_cpu|irq_cpu|irq|irq_affinity)=' "$r/meta" | tr '\n' ' ')"
check "meta: the interrupt found in /proc/interrupts, with its affinity (irq=N, irq_affinity=LIST)" \
	eval 'grep -qE "^irq=[0-9]+$" "$r/meta" && grep -qE "^irq_affinity=[0-9]" "$r/meta"'
check "meta: the run ended done, nothing skipped, the seed the module used" \
	eval 'grep -qx state=done "$r/meta" && grep -qx skipped=0 "$r/meta" && grep -qE "^seed=[0-9]+$" "$r/meta"'
# the emulator has no cpufreq and maybe no thermal zone: "none" is a value too
check "meta has cpufreq_before and thermal_before (CPU:governor:kHz, zone:millidegrees, or none)" \
	eval 'grep -qE "^cpufreq_before=(none|cpu[0-9]+:[^ :]*:[0-9]*( cpu[0-9]+:[^ :]*:[0-9]*)*)$" "$r/meta" &&
	grep -qE "^thermal_before=(none|[^ :]+:-?[0-9]+( [^ :]+:-?[0-9]+)*)$" "$r/meta"'
check "meta has the sizes read back" grep -qx 'sizes=64,4096' "$r/meta"
check "meta has iterations=20" grep -qx 'iterations=20' "$r/meta"
check "meta names the channel used" grep -q '^channel=dma' "$r/meta"
comment "$r/meta"
check "p50 table printed" grep -q '^p50 total (us) ' "$T/o"
check "table has a row per strategy" eval 'grep -q "^coherent " "$T/o" && grep -q "^streaming " "$T/o"'
rm -rf "$OUT/collector-run"
cp -r "$r" "$OUT/collector-run"

# --- --list-channels: the board's channels, the one dmademo holds named ----------
ch=$(sed -n 's/^channel=//p' "$r/meta" | head -n 1)
$RUN --list-channels >"$T/o" 2>"$T/e"
rc=$?
comment "$T/o"
check "--list-channels exits 0, a header and a line per channel of /sys/class/dma" eval '
	[ $rc -eq 0 ] && head -n 1 "$T/o" | grep -q "^channel  *driver  *device  *user$" &&
	[ "$(($(wc -l <"$T/o") - 1))" = "$(ls -d /sys/class/dma/dma*chan* | wc -l)" ]'
check "... the channel of the run ($ch) held by dmademo, its driver named" \
	grep -Eq "^$ch +[a-z0-9_-]+ +[^ ]+ +dmademo$" "$T/o"

# --- --user: the user-space round trip into the same files -----------------------
if [ -x "$TOOLS/dmademo-mmap" ]; then
	$RUN -s coherent,streaming -z 4K,64K -n 10 -w 1 --user-tool "$TOOLS/dmademo-mmap" \
		-o "$T/user" >"$T/o" 2>"$T/e"
	rc=$?
	check "--user: exits 0" [ $rc -eq 0 ]
	[ $rc -eq 0 ] || comment "$T/e"
	r=$T/user
	check "--user: results.csv has (2 strategies + 3 kinds) x 2 sizes x 10 rows, one header" \
		eval 'lines 101 "$r/results.csv" &&
		[ "$(grep -cxF -- "$(sed -n "s/^results_columns=//p" "$r/meta")" "$r/results.csv")" = 1 ]'
	check "--user: summary.csv has 5 x 2 cells x $NPH phases, one header" \
		eval '[ "$(grep -vc "^#" "$r/summary.csv")" = $((5 * 2 * NPH + 1)) ] &&
		[ "$(grep -cxF -- "$(sed -n "s/^summary_columns=//p" "$r/meta")" "$r/summary.csv")" = 1 ]'
	check "--user: every user-space row verified" \
		[ "$(rows "$r/results.csv" 'col("strategy") ~ /-mmap$/ && col("ok") == 1')" = 60 ]
	check "--user: dmademo-mmap ran where the run thread was pinned: every row's completion on its CPU" \
		awk -F, "$COLS"'NR > 1 && col("cpu") != col("irq_cpu") { bad++ } END { exit bad > 0 || NR < 2 }' "$r/results.csv"
	check "--user: meta has the user-space keys" \
		eval 'grep -qx "user_kinds=coherent,wc,cached" "$r/meta" && grep -q "^user_device_status=" "$r/meta"'
	check "--user: the table has the user-space kinds, meta their families" \
		eval 'grep -q "^cached-mmap " "$T/o" && grep -q "^user_families=.*cached-mmap:cached" "$r/meta"'
	check "--user: no python3 here, so the verdict is left to dmademo-plot, saying so" \
		grep -q "^verdict: not computed here (dmademo-plot needs python3" "$T/o"
	comment "$T/o"
	cp -r "$r" "$OUT/collector-user"
fi
$RUN --user-tool /nonexistent -o "$T/nouser" >/dev/null 2>"$T/e"
rc=$?
check "--user-tool that does not exist: exit 1 before any run, with its path" \
	eval '[ $rc -eq 1 ] && grep -q "/nonexistent" "$T/e" && [ ! -e "$T/nouser" ]'

# --- values the module refuses, options the collector refuses -------------------
$RUN -z 0 -o "$T/run0" >/dev/null 2>"$T/e"
rc=$?
comment "$T/e"
check "--sizes 0 exits 1" [ $rc -eq 1 ]
check "--sizes 0 explains the rejected write" grep -qE \
	'^dmademo-run: cannot set sizes=0: (Invalid argument|Numerical result out of range) \(see dmesg\)$' "$T/e"
check "--sizes 0 leaves no output folder" [ ! -e "$T/run0" ]
$RUN --no-such-option >/dev/null 2>"$T/e"
rc=$?
check "bad option exits 2 with usage" eval '[ $rc -eq 2 ] && grep -q "^Usage:" "$T/e"'
$RUN -n many >/dev/null 2>&1
check "non-numeric iterations exits 2" [ $? -eq 2 ]

# --- a size a strategy cannot reach: skipped, the rest saved ----------------------------
$RUN -s coherent,streaming -z 4K,64M -n 3 -o "$T/runs" >"$T/o" 2>"$T/e"
rc=$?
comment "$T/e"
check "a 64M sweep: exits 0 with both 64M cells skipped" \
	eval '[ $rc -eq 0 ] && grep -qx skipped=2 "$T/runs/meta"'
check "... each named on stderr with its reason" \
	eval '[ "$(grep -c "^dmademo-run: skipped: [a-z]* 67108864: " "$T/e")" = 2 ]'
check "... the 4K transfers are all saved" lines 7 "$T/runs/results.csv"
check "... the table marks the 64M cells skipped" grep -qE '^coherent +[0-9.]+ +skipped$' "$T/o"

# --- a run forced to fail ------------------------------------------------------------
echo timeout >"$DBG/inject"
$RUN -s coherent -z 4K -n 5 --timeout-ms 50 -o "$T/runf" >/dev/null 2>"$T/e"
rc=$?
echo none >"$DBG/inject"
comment "$T/e"
check "injected timeout exits 1" [ $rc -eq 1 ]
check "injected timeout: the reason is shown" grep -qiE '^dmademo-run: run failed: .*time' "$T/e"
check "injected timeout: what the run had is saved (meta says failed)" \
	eval '[ -s "$T/runf/results.csv" ] && [ -s "$T/runf/summary.csv" ] && grep -qx state=failed "$T/runf/meta"'
check "after the failure the module is not running" eval '! grep -q state=running "$DBG/status"'
# a driver without device_synchronize (pl330) keeps the channel as stuck: release it
if grep -qx chan_synchronize=0 "$DBG/info"; then
	check "... no device_synchronize: the channel is held as stuck (chan_stuck=1), then released" \
		eval 'grep -qx chan_stuck=1 "$DBG/info" && echo none >"$DBG/channel"'
fi

# --- SIGTERM during a long run stops it ------------------------------------------------
$RUN -s coherent,streaming,noncoherent -z 1M -n 2000 -o "$T/runt" >/dev/null 2>"$T/e" &
pid=$!
i=0
while [ $i -lt 40 ] && ! grep -q state=running "$DBG/status"; do sleep 0.5; i=$((i + 1)); done
sleep 1
kill -TERM $pid
i=0 # at most 30 s for the collector to stop the run and exit
while [ $i -lt 60 ] && [ -r /proc/$pid/status ] && ! grep -qs '^State:[[:space:]]*Z' /proc/$pid/status; do
	sleep 0.5
	i=$((i + 1))
done
[ $i -lt 60 ] || { note "the collector did not exit: killed"; kill -KILL $pid; }
wait $pid
rc=$?
comment "$T/e" "$DBG/status"
check "SIGTERM exits 130" [ $rc -eq 130 ]
check "SIGTERM leaves the module stopped" grep -q '^state=stopped' "$DBG/status"

# --- the module still works after all that ----------------------------------------------
$RUN -s cpu -z 64 -n 5 -q -o "$T/run2" >"$T/o" 2>"$T/e"
rc=$?
check "a quiet run afterwards exits 0 and prints nothing" \
	eval '[ $rc -eq 0 ] && [ ! -s "$T/o" ] && [ ! -s "$T/e" ]'
check "its results.csv has 5 rows" lines 6 "$T/run2/results.csv"

# --- the LAVA test's steps (lava/dmademo.yaml), outside LAVA: Linaro's lines ------------
if [ -f /work/lava/dmademo.sh ]; then
	(cd /work/lava && sh ./dmademo.sh -s coherent,streaming -z 64,4096 -n 20 -o "$T/lava" &&
		sh ./send-to-lava.sh "$T/lava/result.txt") >"$T/o" 2>"$T/e"
	rc=$?
	comment "$T/e"
	check "lava/dmademo.sh + send-to-lava.sh: exit 0, run and verify pass" eval '
		[ $rc -eq 0 ] && grep -qx "<TEST_CASE_ID=dmademo-run RESULT=pass>" "$T/o" &&
		grep -qx "<TEST_CASE_ID=dmademo-verify RESULT=pass>" "$T/o"'
	awk -F, "$COLS"'col("phase") == "total" { printf "%s <TEST_CASE_ID=%s-total RESULT=pass MEASUREMENT=%s UNITS=ns>\n",
		col("strategy"), col("size"), col("p50_ns") }' "$T/lava/dmademo/summary.csv" 2>/dev/null | sort >"$T/want"
	# each total's case with the test set it is in
	awk '/^<LAVA_SIGNAL_TESTSET START / { s = $3; sub(/>$/, "", s) } /^<LAVA_SIGNAL_TESTSET STOP>$/ { s = "" }
		/^<TEST_CASE_ID=[0-9]+-total RESULT=/ { print s, $0 }' "$T/o" | sort >"$T/got"
	check "... a test set per strategy, in it each size's total p50 in ns: the summary's" eval '
		[ "$(wc -l <"$T/want")" = 4 ] && [ "$(cat "$T/got")" = "$(cat "$T/want")" ]'
else
	tap_fail "no /work/lava/dmademo.sh (the runner's --file lava)"
fi

# --- map-only: --bind a platform device nothing binds here: the Pi's soc:gpu (gpu in 7.x), or the Exynos's
# 2D engine (its driver is a module the board lacks); a second one for the EBUSY case ---------
BD= BD2=
for d in soc:gpu:timer gpu:timer 12800000.g2d:12810000.rotator; do
	if [ -e "/sys/bus/platform/devices/${d%:*}" ] && [ ! -e "/sys/bus/platform/devices/${d%:*}/driver" ]; then
		BD=${d%:*} BD2=${d##*:}
		break
	fi
done
GPU=/sys/bus/platform/devices/$BD
PDRV=/sys/bus/platform/drivers/dmademo
# two threads where two CPUs are online (the 32-bit boards run on one: scripts/qemu-arm32)
NT=2 TH="2 threads"
[ "$NCPU" -ge 2 ] || NT=1 TH="1 thread"
if [ -n "$BD" ]; then
	$RUN --bind platform:$BD -s streaming,coherent -z 4K -n 5 --threads $NT --dma-bits 32 \
		-o "$T/map" >"$T/o" 2>"$T/e"
	rc=$?
	comment "$T/e" "$T/o"
	r=$T/map
	check "--bind platform:$BD --threads $NT --dma-bits 32: exits 0" [ $rc -eq 0 ]
	check "--bind: $BD is unbound again afterwards, its driver_override cleared" \
		eval '[ ! -e "$GPU/driver" ] && [ "$(cat "$GPU/driver_override")" = "(null)" ] &&
		grep -qx bound_device=none "$DBG/info"'
	check "--bind: meta says engine=none, dma_path=dma-direct, $BD, and the knobs" eval '(
		for kv in engine=none dma_path=dma-direct bound_device=$BD dma_bus=platform dma_bits=32 \
			threads=$NT direction=transfer bind=platform:$BD state=done; do
			grep -qx "$kv" "$r/meta" || { note "meta lacks $kv"; exit 1; }
		done)'
	check "--bind: results.csv has 2 strategies x 5 x $TH rows" lines $((10 * NT + 1)) "$r/results.csv"
	check "--bind: each strategy has 5 rows from each of $NT CPU(s)" [ "$(awk -F, "$COLS"'NR > 1 {
		n[col("strategy") " " col("cpu")]++ } END { for (k in n) if (n[k] == 5) ok++; print ok + 0 }' "$r/results.csv")" = $((2 * NT)) ]
	check "--bind: prep, submit and wake are 0 on every row: nothing transferred" \
		[ "$(rows "$r/results.csv" 'NR > 1 && col("prep_ns") + col("submit_ns") + col("wake_ns") != 0')" = 0 ]
	# relative to the CPU's own 4 KiB fill in the same cell: the debug kernel's loop alone
	# takes 4 us and fills in 14, a plain kernel 0.2 and 3.7
	check "--bind: wait is only the loop's passage: its p50 under half the fill's in both cells" \
		[ "$(awk -F, "$COLS"'col("phase") == "fill" { f[col("strategy")] = col("p50_ns") + 0 }
			col("phase") == "wait" { w[col("strategy")] = col("p50_ns") + 0 }
			END { for (s in w) if (s in f && 2 * w[s] < f[s]) ok++; print ok + 0 }' "$r/summary.csv")" = 2 ]
	check "--bind: summary n = 5 x $TH" [ "$(rows "$r/summary.csv" 'col("strategy") ~ /^(streaming|coherent)$/ &&
		col("size") == 4096 && col("phase") == "total" && col("n") == '$((5 * NT)))" = 2 ]
	check "--bind: the table says map-only on $BD, dma-direct, and has both strategies" eval '
		grep -qx "map-only on $BD: dma-direct, dma_bits 32, direction transfer, $TH" "$T/o" &&
		grep -q "^streaming " "$T/o" && grep -q "^coherent " "$T/o"'
	cp -r "$r" "$OUT/collector-map"

	# bound by hand before: used as is, left bound; another device then: EBUSY, explained
	echo dmademo >"$GPU/driver_override" && echo $BD >"$PDRV/bind"
	$RUN --bind platform:$BD -s streaming -z 4K -n 3 -q -o "$T/map2" >/dev/null 2>"$T/e"
	rc=$?
	comment "$T/e"
	check "--bind of a device bound by hand: exit 0, map-only, still bound afterwards" eval '
		[ $rc -eq 0 ] && grep -qx engine=none "$T/map2/meta" && [ -e "$GPU/driver" ]'
	if [ -e /sys/bus/platform/devices/$BD2 ] && [ ! -e /sys/bus/platform/devices/$BD2/driver ]; then
		$RUN --bind platform:$BD2 -s streaming -z 4K -n 3 -o "$T/map3" >/dev/null 2>"$T/e"
		rc=$?
		comment "$T/e"
		check "--bind of a second device: exit 1, saying $BD is bound and how to unbind it" eval '
			[ $rc -eq 1 ] && grep -q "^dmademo-run: cannot bind platform device $BD2 to dmademo: .*busy: dmademo has $BD bound already, one device at a time: unbind it first (echo $BD > /sys/bus/platform/drivers/dmademo/unbind)" "$T/e"'
		check "... its driver_override cleared again, no output folder" \
			eval '[ "$(cat /sys/bus/platform/devices/$BD2/driver_override)" = "(null)" ] && [ ! -e "$T/map3" ]'
	fi
	echo $BD >"$PDRV/unbind"
	echo >"$GPU/driver_override"
else
	tap_fail "no soc:gpu nor 12800000.g2d without a driver to bind"
fi
rm -rf "$T"
[ -z "$alone" ] || tap_plan
