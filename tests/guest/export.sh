# What reading the results export costs: a run of a million samples, then
# the bytes/s of `cat results > /dev/null` against `cat` of a copy of the
# same bytes in the initramfs tmpfs. Target: results at least 1/3 of the
# plain file's rate. Sourced by main.sh with lib.sh loaded (SUITE=export);
# bench-compare.sh runs it too. Figures go to `# ` lines and $OUT/export.txt.
#
# busybox cat copies a tmpfs file to /dev/null with sendfile() (no copy to
# user space at all); debugfs files have no splice_read, so on results
# sendfile fails and cat falls back to read() into a 64 KiB buffer. The
# suite also prints, without asserting it, the tmpfs file read through that
# same read() path (dd bs=64k), to tell the two costs apart.
# shellcheck shell=sh disable=SC2034,SC2046 # SUITE is lib.sh's; words split on purpose

SUITE="export"
EXPORT_ROWS=${EXPORT_ROWS:-1000000}
EXPORT_FILE=/tmp/export-results.csv
EXPORT_MIN_CS=${EXPORT_MIN_CS:-150}	# each timing spans at least this (1/100 s)
OUT=${OUT:-/out}

# centiseconds since boot (/proc/uptime: busybox date has no %N)
ex_cs() {
	read -r _up _idle < /proc/uptime
	echo "${_up%.*}${_up#*.}" | sed 's/^0*\(.\)/\1/'
}

# ex_time CMD...: runs CMD until EXPORT_MIN_CS have passed; prints the
# number of runs and the centiseconds they took
ex_time() {
	_r=0
	_a=$(ex_cs)
	while :; do
		"$@" || return 1
		_r=$((_r + 1))
		_b=$(ex_cs)
		[ $((_b - _a)) -ge "$EXPORT_MIN_CS" ] && break
	done
	echo "$_r $((_b - _a))"
}

cat_results() { cat "$D/results" > /dev/null; }
cat_file() { cat "$EXPORT_FILE" > /dev/null; }
dd_file() { dd if="$EXPORT_FILE" of=/dev/null bs=64k 2> /dev/null; }

# bytes/s in MB/s (10^6), 2 decimals: ex_mbps RUNS CS
ex_mbps() { awk -v b="$bytes" -v n="$1" -v cs="$2" 'BEGIN { printf "%.2f", (cs > 0 ? b * n / (cs / 100) / 1e6 : 0) }'; }

# the suite body; returns at once on a debug kernel
export_suite() {
	mkdir -p "$OUT"
	rm -f "$EXPORT_FILE" "$OUT/export.txt"
	if [ -d /sys/kernel/debug/dma-api ]; then
		tap_ok "rates not measured on a debug kernel (KASAN, DMA-API debug) # SKIP"
		return 0
	fi
	check "module loads" load
	set_knobs strategy=cpu sizes=64 iterations="$EXPORT_ROWS" warmup=0 verify=0 touch=0 depth=1 inject=none
	t0=$(ex_cs)
	st=$(run_wait)
	t1=$(ex_cs)
	is "a run of $EXPORT_ROWS samples (cpu, 64 B) completes" "$st" \
		"state=done done=$EXPORT_ROWS total=$EXPORT_ROWS errors=0 skipped=0"
	note "run with its statistics: $(((t1 - t0) / 100)).$(printf %02d $(((t1 - t0) % 100))) s"

	# the copy: rows are ~36-50 B; ask for 100 B a row of free memory to be safe
	avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	need_kb=$((EXPORT_ROWS / 10))
	if [ "$avail_kb" -lt "$need_kb" ]; then
		tap_fail "memory for a tmpfs copy: $avail_kb kB available, $need_kb kB wanted"
	else
		t0=$(ex_cs)
		cat "$D/results" > "$EXPORT_FILE"
		t1=$(ex_cs)
		bytes=$(wc -c < "$EXPORT_FILE")
		rows=$(($(wc -l < "$EXPORT_FILE") - 1))
		is "the copy holds every row ($bytes bytes)" "$rows" "$EXPORT_ROWS"
		note "$bytes bytes, $((bytes / (rows > 0 ? rows : 1))) B a row; $avail_kb kB were available"
		first_mbps=$(ex_mbps 1 $((t1 - t0)))
		note "first read of results (into the tmpfs copy): $first_mbps MB/s"

		# interleaved, twice, so that a slow spell of the host hits both
		res_n=0 res_cs=0 file_n=0 file_cs=0 dd_n=0 dd_cs=0
		for _ in 1 2; do
			set -- $(ex_time cat_results) $(ex_time cat_file) $(ex_time dd_file)
			[ $# = 6 ] || break
			res_n=$((res_n + $1)) res_cs=$((res_cs + $2))
			file_n=$((file_n + $3)) file_cs=$((file_cs + $4))
			dd_n=$((dd_n + $5)) dd_cs=$((dd_cs + $6))
		done
		res_mbps=$(ex_mbps "$res_n" "$res_cs")
		file_mbps=$(ex_mbps "$file_n" "$file_cs")
		dd_mbps=$(ex_mbps "$dd_n" "$dd_cs")
		ratio=$(awk -v a="$res_mbps" -v b="$file_mbps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
		ratio_dd=$(awk -v a="$res_mbps" -v b="$dd_mbps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
		note "cat results:              $res_mbps MB/s ($res_n reads in $res_cs cs)"
		note "cat of the tmpfs copy:    $file_mbps MB/s ($file_n reads in $file_cs cs; sendfile)"
		note "dd bs=64k of the copy:    $dd_mbps MB/s ($dd_n reads in $dd_cs cs; read(), like cat on results)"
		note "export: results $res_mbps MB/s, plain file $file_mbps MB/s, ratio $ratio (target >= 0.333); vs the file through read(): $ratio_dd"
		{
			echo "rows=$rows"
			echo "bytes=$bytes"
			echo "first_read_mbps=$first_mbps"
			echo "results_mbps=$res_mbps"
			echo "file_mbps=$file_mbps"
			echo "file_read_mbps=$dd_mbps"
			echo "ratio=$ratio"
			echo "ratio_read=$ratio_dd"
		} > "$OUT/export.txt"
		check "results export at least 1/3 of a plain file's rate ($ratio)" \
			awk -v r="$ratio" 'BEGIN { exit !(r >= 1 / 3) }'
	fi
	rm -f "$EXPORT_FILE"
	check "module unloads" unload
}

export_suite
