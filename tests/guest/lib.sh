# Shared helpers for the in-guest suites (busybox sh). Source it; set SUITE first.
#
#   tap_ok TEXT / tap_fail TEXT     one TAP line (`ok - SUITE: TEXT`), counted in TAP_FAILED
#   check TEXT CMD...               ok if CMD succeeds
#   is TEXT GOT WANT                ok if GOT = WANT, else says both
#   kwrite FILE VALUE               writes VALUE and a newline; prints ok or the errno name
#   run_wait                        start a run, wait for it, print the status line
#                                   without its seed= (random unless set)
#   iter_gaps FILE                  cells of a results file whose iter is not 0..n-1, each once
#   columns NAME                    the module's header of NAME (results, summary, histogram)
#                                   as its info shows it (module/vocab.c): loaded modules only
#   csv_checks DIR ITER CELLS       the schema's checks on DIR/results.csv and summary.csv,
#                                   whoever wrote them (the module or bench/dmademo-mmap)

# the board's user-space programs (dmademo-mmap, mmap-hostile): tests/check copies the folder
# built for its architecture, arm64 or armhf
TOOLS=/work/arm64
[ -d /work/armhf ] && TOOLS=/work/armhf
D=/sys/kernel/debug/dmademo
NCPU=$(grep -c ^processor /proc/cpuinfo)    # CPUs online
KO=/lib/modules/dmademo.ko
TAP_FAILED=0

tap_ok() { echo "ok - ${SUITE:-guest}: $*"; }
tap_fail() { echo "not ok - ${SUITE:-guest}: $*"; TAP_FAILED=$((TAP_FAILED + 1)); }
note() { echo "# $*"; }

check() {
	_t=$1
	shift
	if "$@"; then tap_ok "$_t"; else tap_fail "$_t"; fi
}

is() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1"
		echo "#   got:  '$2'"
		echo "#   want: '$3'"
	fi
}

# errno name from the shell's "write error: ..." message
errname() {
	case $1 in
	*"Invalid argument"*) echo EINVAL ;;
	*"out of range"*) echo ERANGE ;;
	*"busy"*) echo EBUSY ;;
	*"too long"*) echo E2BIG ;;
	*"No such device"*) echo ENODEV ;;
	*"Cannot allocate"*) echo ENOMEM ;;
	*"Permission denied"*) echo EACCES ;;
	*"I/O error"* | *"Input/output error"*) echo EIO ;;
	*) echo "other: $1" ;;
	esac
}

# The shell's echo when it names a failed write's errno (busybox's does; its printf does not),
# else coreutils' through env (dash's builtin says "I/O error" whatever the errno)
KECHO=echo
case $( { echo x > /dev/full; } 2>&1 ) in *"No space"*) ;; *) KECHO="env echo" ;; esac
kwrite() {
	if _m=$( { $KECHO "$2" > "$1"; } 2>&1 ); then
		echo ok
	else
		errname "$_m"
	fi
}

knob() { cat "$D/$1"; }

load() { [ -d "$D" ] || insmod "$KO" "$@"; }
unload() { ! [ -d "$D" ] || rmmod dmademo; }

# set NAME=VALUE...: write knobs, failing loudly (a suite's own setup must not fail)
set_knobs() {
	for _kv in "$@"; do
		_r=$(kwrite "$D/${_kv%%=*}" "${_kv#*=}")
		[ "$_r" = ok ] || { tap_fail "setting ${_kv}: $_r"; return 1; }
	done
}

run_wait() {
	echo start > "$D/run" || return 1
	sed 's/ seed=[0-9]*//' "$D/wait"
}

status_field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$D/status"; }

columns() { sed -n "s/^$1_columns=//p" "$D/info"; }
PHASES="fill to_dev prep submit wait to_cpu read total wake alloc free "

# rows whose phases do not add up to total_ns exactly
bad_sums() {
	awk -F, 'NR > 1 && $11 != $4+$5+$6+$7+$8+$9+$10+$13+$14+$15' "$1" | wc -l
}

# how many of FILE's (strategy, size) cells do not number their rows' iter 0..n-1, each once
iter_gaps() {
	awk -F, 'NR > 1 { k = $1 "," $2; n[k]++; seen[k "," $3]++ }
		END { for (k in n) for (i = 0; i < n[k]; i++) if (seen[k "," i] != 1) { bad++; break }
		      print bad + 0 }' "$1"
}

# A complete run, every transfer verified: ITER rows per cell, CELLS cells.
# Leaves the summary without its comment lines in DIR/rows.csv.
csv_checks() {
	_r=$1/results.csv
	_s=$1/rows.csv
	is "results header" "$(head -1 "$_r")" "$(columns results)"
	is "results rows: $3 cells x $2" "$(tail -n +2 "$_r" | wc -l)" $(($3 * $2))
	is "every (strategy,size) has iter 0..$(($2 - 1)) once" "$(awk -F, -v n="$2" 'NR > 1 {
		seen[$1","$2","$3]++; steps[$1","$2] = 1 }
		END { for (s in steps) for (i = 0; i < n; i++) if (seen[s","i] != 1) bad++; print bad + 0 }' "$_r")" 0
	is "every transfer completed and verified (ok=1)" "$(awk -F, 'NR > 1 && $12 != 1' "$_r" | wc -l)" 0
	is "the phases add up to total_ns exactly, every row" "$(bad_sums "$_r")" 0

	is "summary header" "$(head -1 "$1/summary.csv")" "$(columns summary)"
	grep -v '^#' "$1/summary.csv" > "$_s"
	is "summary rows: $3 cells x 11 phases" "$(tail -n +2 "$_s" | wc -l)" $(($3 * 11))
	is "summary phases in order per cell" "$(awk -F, -v want="$PHASES" 'NR > 1 { p = p $3 " " }
		NR > 1 && (NR - 1) % 11 == 0 { if (p != want) bad++; p = "" } END { print bad + 0 }' "$_s")" 0
	is "summary n = iterations and failed = 0 on every row" \
		"$(awk -F, -v n="$2" 'NR > 1 && ($4 != n || $14 != 0)' "$_s" | wc -l)" 0
	is "percentiles ordered: min <= p50 <= p90 <= p99 <= p99.9 <= p99.99 <= max" \
		"$(awk -F, 'NR > 1 && !($5 <= $6 && $6 <= $7 && $7 <= $8 && $8 <= $17 && $17 <= $18 && $18 <= $9)' "$_s" | wc -l)" 0
	is "mean within min..max" "$(awk -F, 'NR > 1 && !($5 <= $10 && $10 <= $9)' "$_s" | wc -l)" 0
	is "summary total p50, p90, p99, p99.9, p99.99 match the raw samples' (nearest rank)" "$(awk -F, -v n="$2" '
		NR == FNR { if (FNR > 1) v[$1","$2, $3] = $11; next }
		FNR > 1 && $3 == "total" { k = $1","$2
			for (i = 0; i < n; i++) a[i] = v[k, i]
			# insertion sort, n is small
			for (i = 1; i < n; i++) { x = a[i]; for (j = i - 1; j >= 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
			split("5000 6 9000 7 9900 8 9990 17 9999 18", pc, " ")
			for (q = 1; q < 10; q += 2) {
				r = int((n * pc[q] + 9999) / 10000); if (a[r - 1] != $(pc[q + 1])) bad++ } }
		END { print bad + 0 }' "$_r" "$_s")" 0
	is "mbps_p50 = size / p50 for total rows" "$(awk -F, 'NR > 1 && $3 == "total" {
		w = $2 * 1000 / $6; if ($12 < w - 0.01 || $12 > w + 0.01) bad++ } END { print bad + 0 }' "$_s")" 0
}

# The module's strategies, comma-separated in its order, from the families= line of its
# info (module/vocab.c); strategies FAMILY: those of every other family (strategies cpu:
# the DMA ones). The module must be loaded.
strategies() {
	sed -n 's/^families=//p' "$D/info" | tr , '\n' |
		awk -F: -v not="${1:-}" '$2 != not { printf "%s%s", n++ ? "," : "", $1 } END { print "" }'
}
