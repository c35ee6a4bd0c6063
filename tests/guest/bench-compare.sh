# dmademo against the kernel's own dmatest, on the board: the same channel,
# the same sizes, the same number of transfers per run, one thread, no data
# verification and no CPU access to the buffers in either.
#
#   sh ./bench-compare.sh [REPS [CHANNEL [SIZE:N,... [CONFIGS]]]]
#
# The board's script for scripts/bench-compare (not a main.sh suite): cwd
# /work with tests/guest at /work/guest, dmademo.ko and dmatest.ko in
# /lib/modules, neither loaded. Defaults: 3 repetitions, dma0chan2,
# 64:1000,4096:1000,65536:1000 (size in bytes: transfers per run, the same
# for both harnesses), CONFIGS "streaming:1 streaming:8 coherent:1
# coherent:8 streaming:1:poll" (dmademo strategy:depth[:poll]). Each
# repetition runs every size with dmatest (interrupt, then polled=1) then
# every dmademo config, so slow drifts of the host hit both harnesses alike.
#
#   dmatest: insmod iterations=N test_buf_size=SIZE noverify=1 norandom=1
#            threads_per_chan=1 max_channels=1 polled=0|1, then channel, run,
#            wait (that order: see the emulator notes), then rmmod. Its dmesg
#            summary gives iops (tests over the loop's run time) and KB/s.
#   dmademo: channel, strategy, sizes, iterations=N warmup=0 verify=0
#            touch=0 depth=D completion=irq|poll, start, wait; then channel
#            none so that dmatest
#            can take the channel. The summary's total row gives n and
#            mbps_step (bytes over the wall time of the recorded transfers).
#
# Then the time to result: WALL_REPS (5) repetitions of WALL_N (40000)
# transfers at each of WALL_SIZES (64 4096), dmatest against dmademo
# streaming depth 1 recording samples and recording histograms, each timed
# from the guest's clock (/proc/uptime, 1/100 s) from `echo 1 > run` or
# `echo start > run` to `cat wait` returning: what a user waits for, the
# harness's setup and its statistics included (harness dmatest-wall and
# dmademo-wall).
#
# Writes $OUT/runs.csv (one line per run, wall_cs for every run),
# $OUT/phases.csv (dmademo's summary
# rows, prefixed by rep and depth) and $OUT/dmatest.log, then runs the export
# suite (export.sh), whose figures land in $OUT/export.txt. Exit status: 0 if
# every run completed without errors (whatever the figures), else 1; the
# export suite's own TAP lines say whether it met its target.
# shellcheck shell=sh disable=SC1091,SC2034 # lib.sh: sourced at run time; SUITE is lib.sh's

cd /work || exit 1
. ./guest/lib.sh
SUITE=bench-compare
OUT=${OUT:-/out}
mkdir -p "$OUT"

REPS=${1:-3}
CH=${2:-dma0chan2}
SIZES=${3:-64:1000,4096:1000,65536:1000}
CONFIGS=${4:-streaming:1 streaming:8 coherent:1 coherent:8 streaming:1:poll}
P=/sys/module/dmatest/parameters
DMATEST_KO=/lib/modules/dmatest.ko
RUNS=$OUT/runs.csv
PHASES=$OUT/phases.csv

WALL_N=${WALL_N:-40000}
WALL_REPS=${WALL_REPS:-5}
WALL_SIZES=${WALL_SIZES:-64 4096}

echo "harness,strategy,depth,size,rep,n,failures,iops,kbs,mbps_step,record,wall_cs" > "$RUNS"
: > "$PHASES"
: > "$OUT/dmatest.log"
failed=0
fail() { note "FAILED: $*"; failed=$((failed + 1)); }

# centiseconds since boot: the guest's clock (busybox date has no %N)
now_cs() {
	read -r _up _idle < /proc/uptime
	echo "${_up%.*}${_up#*.}" | sed 's/^0*\(.\)/\1/'
}

# dmatest SIZE REP [POLLED [HARNESS]]: one dmatest run, its summary line into runs.csv
dmatest_run() {
	_polled=${3:-0}
	_h=${4:-dmatest}
	[ "$_polled" = 1 ] && _h=dmatest-polled
	_before=$(dmesg | grep -c 'dmatest: .*: summary ')
	if ! insmod "$DMATEST_KO" iterations="$N" test_buf_size="$1" noverify=1 \
		norandom=1 threads_per_chan=1 max_channels=1 polled="$_polled"; then
		fail "dmatest $1 B: insmod"
		return 1
	fi
	if ! echo "$CH" > "$P/channel"; then
		fail "dmatest $1 B: channel $CH not available"
		rmmod dmatest
		return 1
	fi
	_t0=$(now_cs)
	echo 1 > "$P/run"
	cat "$P/wait" > /dev/null
	_t1=$(now_cs)
	_line=$(dmesg | grep 'dmatest: .*: summary ' | tail -n 1)
	_after=$(dmesg | grep -c 'dmatest: .*: summary ')
	rmmod dmatest
	echo "rep $2 size $1: $_line" >> "$OUT/dmatest.log"
	# dmatest: dma0chan2-copy0: summary 1000 tests, 0 failures 16243.12 iops 1015 KB/s (0)
	# shellcheck disable=SC2046 # split into words on purpose
	set -- "$1" "$2" $(echo "$_line" | sed -n \
		"s/.* $CH-copy0: summary \([0-9]*\) tests, \([0-9]*\) failures \([0-9.]*\) iops \([0-9]*\) KB\/s.*/\1 \2 \3 \4/p")
	if [ "$_after" != $((_before + 1)) ] || [ $# -ne 6 ]; then
		fail "dmatest $1 B: no summary for $CH in dmesg: '$_line'"
		return 1
	fi
	if [ "$3" != "$N" ] || [ "$4" != 0 ]; then
		fail "dmatest $1 B: $3 tests, $4 failures (wanted $N, 0)"
	fi
	echo "$_h,dmatest,1,$1,$2,$3,$4,$5,$6,,,$((_t1 - _t0))" >> "$RUNS"
	note "rep $2  $1 B  $_h     $5 transfers/s, start to wait $((_t1 - _t0))0 ms"
}

# dmademo STRATEGY DEPTH SIZE REP COMPLETION [RECORD [HARNESS]]: one dmademo
# run, its total row into runs.csv (harness dmademo, or dmademo-poll)
dmademo_run() {
	_h=${7:-dmademo}
	_rec=${6:-samples}
	[ "$5" = poll ] && _h=dmademo-poll
	set_knobs channel="$CH" strategy="$1" sizes="$3" iterations="$N" warmup=0 \
		verify=0 touch=0 depth="$2" inject=none completion="$5" record="$_rec" ||
		{ fail "dmademo $1: knobs"; return 1; }
	_t0=$(now_cs)
	_st=$(run_wait)
	_t1=$(now_cs)
	if [ "$_st" != "state=done done=$N total=$N errors=0 skipped=0" ]; then
		fail "dmademo $1 depth $2 $3 B: $_st"
		kwrite "$D/channel" none > /dev/null
		return 1
	fi
	[ "$5" = poll ] || [ "$_h" != dmademo ] || awk -F, -v s="$1" -v z="$3" -v pre="$4,$2," "$COLS"'
		col("strategy") == s && col("size") == z { print pre $0 }' "$D/summary" >> "$PHASES"
	# the summary's total row: its n and mbps_step
	_row=$(awk -F, -v s="$1" -v z="$3" "$COLS"'col("strategy") == s && col("size") == z && col("phase") == "total" {
		print col("n"), col("mbps_step") }' "$D/summary")
	kwrite "$D/channel" none > /dev/null
	_n=${_row%% *}
	_mbps=${_row#* }
	if [ "$_n" != "$N" ] || [ -z "$_mbps" ]; then
		fail "dmademo $1 depth $2 $3 B: summary total row '$_row'"
		return 1
	fi
	echo "$_h,$1,$2,$3,$4,$_n,0,,,$_mbps,$_rec,$((_t1 - _t0))" >> "$RUNS"
	note "rep $4  $3 B  $_h $1 depth $2 $_rec  $_mbps MB/s (mbps_step), start to wait $((_t1 - _t0))0 ms"
}

note "bench-compare on $(uname -r): $REPS repetitions, $CH, size:transfers $SIZES"
note "guest: $(grep -c ^processor /proc/cpuinfo) CPUs online, cmdline: $(cat /proc/cmdline)"
if ! load; then
	fail "insmod dmademo"
	exit 1
fi
[ -f "$DMATEST_KO" ] || { fail "no $DMATEST_KO"; exit 1; }

rep=1
while [ "$rep" -le "$REPS" ]; do
	for sn in $(echo "$SIZES" | tr , ' '); do
		size=${sn%:*}
		N=${sn#*:}
		dmatest_run "$size" "$rep"
		dmatest_run "$size" "$rep" 1
		for cfg in $CONFIGS; do
			st=${cfg%%:*}
			dep=${cfg#*:}
			comp=irq
			case $dep in *:poll) comp=poll; dep=${dep%:poll} ;; esac
			dmademo_run "$st" "$dep" "$size" "$rep" "$comp"
		done
	done
	rep=$((rep + 1))
done

# time to result: what a user waits for, from start to wait returning
N=$WALL_N
rep=1
while [ "$rep" -le "$WALL_REPS" ]; do
	for size in $WALL_SIZES; do
		dmatest_run "$size" "$rep" 0 dmatest-wall
		dmademo_run streaming 1 "$size" "$rep" irq samples dmademo-wall
		dmademo_run streaming 1 "$size" "$rep" irq histogram dmademo-wall
	done
	rep=$((rep + 1))
done
note "info: $(tr '\n' ' ' < "$D/info")"
unload

# the export cost, as the export suite measures it
( . ./guest/export.sh; exit 0 )
[ -d "$D" ] && rmmod dmademo

[ "$failed" = 0 ] || note "bench-compare: $failed run(s) failed"
tap_plan
exit $((failed > 0))
