#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmademo.sh: the LAVA test (lava/dmademo.yaml) and any CI's: runs the collector
# and writes OUTPUT/result.txt for send-to-lava.sh, one line per test case:
#   dmademo-run pass|fail                      the sweep ran to the end
#   dmademo-verify pass|fail|skip              every transfer's data verified
#   STRATEGY-SIZE pass MEDIAN_US us            each cell's median total time
#   STRATEGY-SIZE skip                         a cell the module skipped
#
#   dmademo.sh [-s STRATEGIES] [-z SIZES] [-n ITERATIONS] [-c CHANNEL] [-m MODULE]
#              [-o OUTPUT] [--from DIR]
#
# -s, -z, -n, -c, -m go to bench/dmademo-run (defaults: coherent,streaming; 64,4096;
# 50; the module's choice; dmademo-run's search); OUTPUT defaults to ./output.
# --from DIR reports an existing result folder instead of running. POSIX sh.
here=$(cd "$(dirname "$0")" && pwd)
RUN=${DMADEMO_RUN:-$here/../bench/dmademo-run}
s=coherent,streaming z=64,4096 n=50 c='' m='' out=./output from=''
while [ $# -gt 0 ]; do
	case $1 in
	-s | -z | -n | -c | -m | -o | --from) [ $# -ge 2 ] || { echo "dmademo.sh: $1 needs a value" >&2; exit 2; } ;;
	esac
	case $1 in
	-s) s=$2 ;; -z) z=$2 ;; -n) n=$2 ;; -c) c=$2 ;; -m) m=$2 ;; -o) out=$2 ;; --from) from=$2 ;;
	*) echo "usage: dmademo.sh [-s LIST] [-z LIST] [-n N] [-c CHANNEL] [-m MODULE] [-o OUTPUT] [--from DIR]" >&2
	   exit 2 ;;
	esac
	shift 2
done
mkdir -p "$out" || exit 1
res=$out/result.txt
: > "$res"

if [ -n "$from" ]; then
	dir=$from
	run=pass
	[ "$(sed -n 's/^state=//p' "$dir/meta" 2>/dev/null)" = "done" ] || run=fail
else
	dir=$out/dmademo
	rm -rf "$dir"
	set -- -s "$s" -z "$z" -n "$n" -o "$dir" -q
	[ -z "$c" ] || set -- "$@" -c "$c"
	[ -z "$m" ] || set -- "$@" -m "$m"
	run=pass
	sh "$RUN" "$@" || run=fail
fi
echo "dmademo-run $run" >> "$res"
if [ ! -s "$dir/summary.csv" ]; then
	echo "dmademo-verify skip" >> "$res"
	exit 0
fi
# the summary's columns by its header's names: verified when no total row failed
awk -F, -v res="$res" '
function col(c) { return $(ci[c]) }
/^# skipped: / { split($0, w, " "); sub(/:$/, "", w[4]); skip[++k] = w[3] "-" w[4] " skip"; next }
/^#/ { next }
!hdr { for (i = 1; i <= NF; i++) ci[$i] = i; hdr = 1; next }
col("phase") == "total" {
	bad += col("failed") + 0 > 0 || col("n") + 0 == 0
	cells[++n] = sprintf("%s-%s pass %.3f us", col("strategy"), col("size"), col("p50_ns") / 1000)
}
END {
	print "dmademo-verify " (n && !bad ? "pass" : "fail") >> res
	for (i = 1; i <= n; i++) print cells[i] >> res
	for (i = 1; i <= k; i++) print skip[i] >> res
}' "$dir/summary.csv"
