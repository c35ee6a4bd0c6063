# Shared helpers for the in-guest suites (busybox sh). Source it; set SUITE first.
#
#   tap_ok TEXT / tap_fail TEXT     one TAP line (`ok - SUITE: TEXT`), counted in TAP_FAILED
#   tap_prog CMD...                 a program printing TAP lines: shown and counted
#   long_run start | stop           a run that holds the channel until stopped
#   wait_for FILE                   until FILE exists, 5 s at most
#   rmmod_held PID WHILE ONCE       rmmod refused while PID holds the module, then allowed
#   tap_plan                        the plan of every TAP line so far (`1..N`), at the end: the
#                                   lines are counted in a file, those of subshells too
#   check TEXT CMD...               ok if CMD succeeds
#   is TEXT GOT WANT                ok if GOT = WANT, else says both
#   kwrite FILE VALUE               writes VALUE and a newline; prints ok or the errno name
#   run_wait                        start a run, wait for it, print the status line
#                                   without its seed= (random unless set)
#   iter_gaps FILE                  cells of a results file whose iter is not 0..n-1, each once
#   columns NAME                    the module's header of NAME (results, summary, histogram)
#                                   as its info shows it (module/vocab.c): loaded modules only
#   phases                          the module's phases, comma-separated, from its info
#   nphases                         how many
#   awk -F, "$COLS"'...col("p50_ns")...' FILE...
#                                   awk reading a CSV's columns by its header's names
#   csv_checks DIR ITER CELLS       the schema's checks on DIR/results.csv and summary.csv,
#                                   whoever wrote them (the module or bench/dmademo-mmap)

# the board's user-space programs (dmademo-mmap, mmap-hostile): tests/check copies the folder
# built for its architecture, arm64 or armhf
TOOLS=/work/arm64
[ -d /work/armhf ] && TOOLS=/work/armhf
# the module's control files: debugfs, or the same files in /proc/dmademo (DMADEMO_DIR=)
D=${DMADEMO_DIR:-/sys/kernel/debug/dmademo}
NCPU=$(grep -c ^processor /proc/cpuinfo)    # CPUs online
KO=/lib/modules/dmademo.ko
TAP_FAILED=0
# (sourced again, as a suite run alone does: the same count)
[ -n "${TAP_COUNT:-}" ] || { TAP_COUNT=${TMPDIR:-/tmp}/dmademo-tap.$$; : >"$TAP_COUNT"; }

tap_ok() { echo "ok - ${SUITE:-guest}: $*"; echo >>"$TAP_COUNT"; }
tap_fail() { echo "not ok - ${SUITE:-guest}: $*"; echo >>"$TAP_COUNT"; TAP_FAILED=$((TAP_FAILED + 1)); }
# long_run start | stop: a run holding the channel until it is stopped (coherent, 4 KiB,
# a million transfers); stop puts iterations back to 100
long_run() {
	if [ "$1" = start ]; then
		kwrite "$D/strategy" coherent >/dev/null
		kwrite "$D/sizes" 4096 >/dev/null
		kwrite "$D/iterations" 1000000 >/dev/null
		is "a long run starts" "$(kwrite "$D/run" start)" ok
	else
		kwrite "$D/run" stop >/dev/null
		kwrite "$D/iterations" 100 >/dev/null
	fi
}
# wait_for FILE: until FILE exists, 5 s at most (a background holder's sign that it holds)
wait_for() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}
# rmmod_held PID WHILE ONCE: rmmod is refused while the process PID holds the module (WHILE:
# how), then allowed once it is killed (ONCE: what that ends), and the module loads again
rmmod_held() {
	if rmmod dmademo 2>/dev/null; then tap_fail "rmmod is refused while $2"; load
	else tap_ok "rmmod is refused while $2"; fi
	kill "$1"
	wait "$1" 2>/dev/null
	check "rmmod succeeds once $3" rmmod dmademo
	check "and the module loads again" load
}
# tap_prog CMD...: a program that prints its own TAP lines (mmap-hostile, dmabuf-hostile):
# shown, and counted in the plan and the failures; returns its exit status
tap_prog() {
	_out=${TMPDIR:-/tmp}/dmademo-prog.$$
	"$@" >"$_out"
	_rc=$?
	cat "$_out"
	grep -E '^(not )?ok ' "$_out" | sed 's/.*//' >>"$TAP_COUNT"
	TAP_FAILED=$((TAP_FAILED + $(grep -c '^not ok ' "$_out")))
	rm -f "$_out"
	return $_rc
}
tap_plan() { echo "1..$(($(wc -l <"$TAP_COUNT")))"; }
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
	*"not permitted"*) echo EPERM ;;
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
phases() { sed -n 's/^phases=//p' "$D/info"; }
nphases() { phases | tr , '\n' | wc -l; }

# Awk code that reads a CSV's columns by the names in its header, never by position:
# col("p50_ns") is that field of the row. Each file's header is the first line of it that
# is not a '#' comment; the prelude takes it in (so `NR > 1` and `NR == FNR` programs work
# as before) and goes to the next line. A name not in the header is no silent "": col()
# prints "no column NAME" once (and says so on stderr), and awk exits 2 before the
# program's own END runs.
# col() gives the field as $N would, but busybox awk compares a variable or array element
# holding it as a string ("64" > "1024"): add 0 to keep a number (last = col("size") + 0).
# shellcheck disable=SC2016 # awk code, expanded by awk
COLS='function col(n) {
		if (n in _ci) return $(_ci[n])
		if (!(n in _cm)) { _cm[n] = 1; print "no column " n; print "# no column " n > "/dev/stderr" }
		return ""
	}
	FNR == 1 { _ch = 0; split("", _ci) }
	!_ch && !/^#/ { for (_cj = 1; _cj <= NF; _cj++) _ci[$_cj] = _cj; _ch = 1; next }
	END { for (_cj in _cm) exit 2 }
	'

# rows whose phases do not add up to total_ns exactly (each phase but total has a column
# named after it: fill_ns, ...)
bad_sums() {
	awk -F, -v ph="$(phases)" "$COLS"'BEGIN { np = split(ph, p, ",") }
		NR > 1 { s = 0; for (i = 1; i <= np; i++) if (p[i] != "total") s += col(p[i] "_ns")
			if (col("total_ns") != s) print }' "$1" | wc -l
}

# how many of FILE's (strategy, size) cells do not number their rows' iter 0..n-1, each once
iter_gaps() {
	awk -F, "$COLS"'NR > 1 { k = col("strategy") "," col("size"); n[k]++; seen[k "," col("iter")]++ }
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
	is "every (strategy,size) has iter 0..$(($2 - 1)) once" "$(awk -F, -v n="$2" "$COLS"'NR > 1 {
		seen[col("strategy")","col("size")","col("iter")]++; steps[col("strategy")","col("size")] = 1 }
		END { for (s in steps) for (i = 0; i < n; i++) if (seen[s","i] != 1) bad++; print bad + 0 }' "$_r")" 0
	is "every transfer completed and verified (ok=1)" "$(awk -F, "$COLS"'NR > 1 && col("ok") != 1' "$_r" | wc -l)" 0
	is "the phases add up to total_ns exactly, every row" "$(bad_sums "$_r")" 0

	is "summary header" "$(head -1 "$1/summary.csv")" "$(columns summary)"
	grep -v '^#' "$1/summary.csv" > "$_s"
	_ph=$(phases)
	_np=$(nphases)
	is "summary rows: $3 cells x $_np phases" "$(tail -n +2 "$_s" | wc -l)" $(($3 * _np))
	is "summary phases in order per cell" "$(awk -F, -v want="$(echo "$_ph" | tr , ' ') " -v np="$_np" "$COLS"'
		NR > 1 { p = p col("phase") " " }
		NR > 1 && (NR - 1) % np == 0 { if (p != want) bad++; p = "" } END { print bad + 0 }' "$_s")" 0
	is "summary n = iterations and failed = 0 on every row" \
		"$(awk -F, -v n="$2" "$COLS"'NR > 1 && (col("n") != n || col("failed") != 0)' "$_s" | wc -l)" 0
	is "percentiles ordered: min <= p50 <= p90 <= p99 <= p99.9 <= p99.99 <= max" \
		"$(awk -F, "$COLS"'NR > 1 && !(col("min_ns") <= col("p50_ns") && col("p50_ns") <= col("p90_ns") &&
			col("p90_ns") <= col("p99_ns") && col("p99_ns") <= col("p999_ns") &&
			col("p999_ns") <= col("p9999_ns") && col("p9999_ns") <= col("max_ns"))' "$_s" | wc -l)" 0
	is "mean within min..max" "$(awk -F, "$COLS"'NR > 1 &&
		!(col("min_ns") <= col("mean_ns") && col("mean_ns") <= col("max_ns"))' "$_s" | wc -l)" 0
	is "summary total p50, p90, p99, p99.9, p99.99 match the raw samples' (nearest rank)" "$(awk -F, -v n="$2" "$COLS"'
		NR == FNR { if (FNR > 1) v[col("strategy")","col("size"), col("iter")] = col("total_ns") + 0; next }
		FNR > 1 && col("phase") == "total" { k = col("strategy")","col("size")
			for (i = 0; i < n; i++) a[i] = v[k, i]
			# insertion sort, n is small
			for (i = 1; i < n; i++) { x = a[i]; for (j = i - 1; j >= 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
			split("5000 p50_ns 9000 p90_ns 9900 p99_ns 9990 p999_ns 9999 p9999_ns", pc, " ")
			for (q = 1; q < 10; q += 2) {
				r = int((n * pc[q] + 9999) / 10000); if (a[r - 1] != col(pc[q + 1])) bad++ } }
		END { print bad + 0 }' "$_r" "$_s")" 0
	is "mbps_p50 = size / p50 for total rows" "$(awk -F, "$COLS"'NR > 1 && col("phase") == "total" {
		w = col("size") * 1000 / col("p50_ns"); if (col("mbps_p50") < w - 0.01 || col("mbps_p50") > w + 0.01) bad++ }
		END { print bad + 0 }' "$_s")" 0
}

# The strategies a run of "all" has, comma-separated in the module's order: the families= line
# of its info (module/vocab.c) less those built without their kernel calls (absent=) and, once
# the run's device is known, those it cannot take (unusable=); strategies FAMILY: those of
# every other family (strategies cpu: the DMA ones). `present`: the first two only, as the
# strategy knob reads back "all". The module must be loaded.
present() {
	_no=",$(sed -n 's/^absent=//p' "$D/info"),"
	sed -n 's/^families=//p' "$D/info" | tr , '\n' | awk -F: -v not="${1:-}" -v no="$_no" \
		'$2 != not && index(no, "," $1 ",") == 0 { printf "%s%s", n++ ? "," : "", $1 } END { print "" }'
}
strategies() {
	_no=",$(sed -n 's/^unusable=//p' "$D/info"),"
	present "${1:-}" | tr , '\n' | awk -v no="$_no" \
		'index(no, "," $1 ",") == 0 { printf "%s%s", n++ ? "," : "", $1 } END { print "" }'
}
