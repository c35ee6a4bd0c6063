#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmademo.sh: the LAVA test (lava/dmademo.yaml) and any CI's: runs the collector, keeps its
# result folder and writes OUTPUT/result.txt for send-to-lava.sh, one line each:
#   dmademo-run pass|fail                  the sweep ran to its end
#   dmademo-verify pass|fail|skip          every transfer's data verified (skip: no summary)
#   lava-test-set start STRATEGY           a test set per strategy, its cells by size:
#   SIZE-PHASE pass|fail P50 ns              each phase's median (fail: the cell had failed
#   SIZE-total-p99 pass|fail P99 ns          transfers), the total's 99th percentile,
#   SIZE-PHASE skip                          every case of a cell the module skipped
#   lava-test-set stop
#   lava-test-reference dmademo-folder pass URL   where the raw folder went (a tarball)
#   dmademo-folder-upload fail             the upload (-u) failed; the tarball stayed here
# or, when no run could start here (no collector or module, a kernel that refuses it, no
# channel: the collector's status 4, or any failure before it wrote a folder), the one line
#   lava-test-raise MESSAGE                an incomplete job, not a failed test
# Columns of the summary are read by its header's names, the phases from meta's phases=
# (the module's list), else in the order the summary has them.
#
#   dmademo.sh [-s STRATEGIES] [-z SIZES] [-n ITERATIONS] [-c CHANNEL] [-m MODULE]
#              [-r COLLECTOR] [-u URL] [-l auto|yes|no] [-o OUTPUT] [--from DIR]
#
# -s, -z, -n, -c, -m go to the collector (defaults: coherent,streaming; 64,4096; 50; the
# module's choice; the collector's search), -r names it (default ../bench/dmademo-run, or
# $DMADEMO_RUN). OUTPUT (default ./output) gets result.txt, the folder (OUTPUT/dmademo) and
# its tarball OUTPUT/dmademo-HOST-DATE.tar.gz, whose path the output names. -u URL uploads
# the tarball there as Linaro's Artifactorial takes it (a POST of path=@FILE and token=, the
# token from $ARTIFACTORIAL_TOKEN or LAVA's job secrets, /lava-*/secrets); the reference is the
# URL it answers. -l copies the tarball into the output, base64 between the lines
#   dmademo-folder-begin NAME.tar.gz SHA256 BYTES ... dmademo-folder-end NAME.tar.gz
# (lava/folder-from-log gets it back from a job's log): auto (default) when not uploaded.
# --from DIR reports an existing result folder instead of running. Exit status 0 when
# result.txt is written (its lines say the rest), 1 if it cannot be, 2 bad usage. POSIX sh.
here=$(cd "$(dirname "$0")" && pwd)
RUN=${DMADEMO_RUN:-$here/../bench/dmademo-run}
s=coherent,streaming z=64,4096 n=50 c='' m='' out=./output from='' url='' inlog=auto
while [ $# -gt 0 ]; do
	case $1 in
	-s | -z | -n | -c | -m | -r | -u | -l | -o | --from)
		[ $# -ge 2 ] || { echo "dmademo.sh: $1 needs a value" >&2; exit 2; } ;;
	esac
	case $1 in
	-s) s=$2 ;; -z) z=$2 ;; -n) n=$2 ;; -c) c=$2 ;; -m) m=$2 ;; -r) RUN=$2 ;; -u) url=$2 ;;
	-o) out=$2 ;; --from) from=$2 ;;
	-l) case $2 in auto | yes | no) inlog=$2 ;; *) echo "dmademo.sh: -l auto, yes or no" >&2; exit 2 ;; esac ;;
	*) echo "usage: dmademo.sh [-s LIST] [-z LIST] [-n N] [-c CHANNEL] [-m MODULE] [-r COLLECTOR]" >&2
	   echo "                  [-u URL] [-l auto|yes|no] [-o OUTPUT] [--from DIR]" >&2
	   exit 2 ;;
	esac
	shift 2
done
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
res=$out/result.txt
: > "$res" || exit 1

# raise MESSAGE: nothing to report, the job cannot go on here (one line, no < or >: LAVA's
# signal ends at the first >)
raise() {
	msg=$(printf '%s' "$*" | tr '\n<>' ' ()')
	echo "lava-test-raise $msg" > "$res"
	echo "dmademo.sh: $msg" >&2
	exit 0
}

if [ -n "$from" ]; then
	dir=$from
	[ -f "$dir/meta" ] || raise "dmademo: $dir is not a dmademo result folder (no meta)"
	run=pass
	[ "$(sed -n 's/^state=//p' "$dir/meta")" = "done" ] || run=fail
else
	[ -f "$RUN" ] || raise "dmademo: no collector at $RUN"
	dir=$out/dmademo
	rm -rf "$dir"
	set -- -s "$s" -z "$z" -n "$n" -o "$dir" -q
	[ -z "$c" ] || set -- "$@" -c "$c"
	[ -z "$m" ] || set -- "$@" -m "$m"
	sh "$RUN" "$@" 2> "$out/dmademo-run.err"
	rc=$?
	cat "$out/dmademo-run.err" >&2
	# its last three messages, on one line
	why=$(grep . "$out/dmademo-run.err" | tail -n 3 | sed 's/^dmademo-run: //' | tr '\n' ';' | sed 's/;$//; s/;/; /g')
	[ "$rc" != 4 ] || raise "dmademo cannot run here (dmademo-run exited 4): $why"
	[ -f "$dir/meta" ] || raise "dmademo could not start a run (dmademo-run exited $rc): $why"
	run=pass
	[ "$rc" = 0 ] || run=fail
fi
echo "dmademo-run $run" >> "$res"

if [ ! -s "$dir/summary.csv" ]; then
	echo "dmademo-verify skip" >> "$res"
else
	awk -F, '
	function col(c) { return (c in ci) ? $(ci[c]) : "" }
	function num(v) { return v ~ /^[0-9]+$/ }
	function cell(s, z) {
		if (!(s in ns)) strat[++nstrat] = s
		if (!((s, z) in seen)) { seen[s, z] = 1; size[s, ++ns[s]] = z }
	}
	FNR == 1 { f++ }
	f == 1 { if (sub(/^phases=/, "")) nph = split($0, ph, ","); next }
	/^# skipped: / { split($0, w, " "); sub(/:$/, "", w[4]); cell(w[3], w[4]); skip[w[3], w[4]] = 1; next }
	/^#/ { next }
	!hdr {
		for (i = 1; i <= NF; i++) ci[$i] = i
		hdr = 1
		for (i = split("strategy,size,phase,n,p50_ns,p99_ns", need, ","); i > 0; i--)
			if (!(need[i] in ci)) { print "dmademo.sh: the summary has no column " need[i] > "/dev/stderr"; broken = 1 }
		if (broken) exit
		next
	}
	{
		s = col("strategy"); z = col("size"); p = col("phase"); k = s SUBSEP z SUBSEP p
		if (s == "" || !num(z) || p == "" || !num(col("n")) || !num(col("p50_ns")) || !num(col("p99_ns")) ||
		    (col("failed") != "" && !num(col("failed")))) {
			print "dmademo.sh: a broken summary row: " $0 > "/dev/stderr"; broken = 1; next
		}
		cell(s, z)
		if (!(p in inph)) { inph[p] = 1; rowph[++nrow] = p }
		have[k] = 1; cnt[k] = col("n") + 0; p50[k] = col("p50_ns"); p99[k] = col("p99_ns")
		if (col("failed") + 0 > 0) bad[s, z] = 1
		if (p == "total") { totals++; if (col("failed") + 0 > 0 || col("n") + 0 == 0) fails++ }
	}
	END {
		print "dmademo-verify " (broken || fails ? "fail" : totals ? "pass" : "skip")
		if (broken) exit
		# the phases: the module list, then any other the summary has, in its order
		for (i = 1; i <= nph; i++) known[ph[i]] = 1
		for (i = 1; i <= nrow; i++) if (!(rowph[i] in known)) ph[++nph] = rowph[i]
		for (t = 1; t <= nstrat; t++) {
			s = strat[t]
			for (i = 2; i <= ns[s]; i++)		# sizes ascending
				for (j = i; j > 1 && size[s, j - 1] + 0 > size[s, j] + 0; j--) {
					x = size[s, j]; size[s, j] = size[s, j - 1]; size[s, j - 1] = x
				}
			print "lava-test-set start " s
			for (i = 1; i <= ns[s]; i++) {
				z = size[s, i]; r = (s, z) in bad ? "fail" : "pass"
				if ((s, z) in skip && !nph) print z " skip"	# no phase known at all
				for (j = 1; j <= nph; j++) {
					p = ph[j]; k = s SUBSEP z SUBSEP p
					if ((s, z) in skip) {
						print z "-" p " skip"
						if (p == "total") print z "-total-p99 skip"
					} else if (k in have) {
						print z "-" p " " r (cnt[k] ? " " p50[k] " ns" : "")
						if (p == "total") print z "-total-p99 " r (cnt[k] ? " " p99[k] " ns" : "")
					}
				}
			}
			print "lava-test-set stop"
		}
	}' "$dir/meta" "$dir/summary.csv" >> "$res"
fi

# ---------------------------------------------------------------- the raw folder, kept
# named by the board and the date: dmademo-HOST-YYYYMMDDTHHMMSSZ
name=dmademo-$(sed -n 's/^hostname=//p' "$dir/meta" | head -n 1)-$(sed -n 's/^date=//p' "$dir/meta" | head -n 1)
name=$(printf '%s' "$name" | tr -d ':' | tr -c 'A-Za-z0-9._-' '_')
rm -rf "$out/.keep" "$out/$name.tar.gz"
if ! { mkdir -p "$out/.keep/$name" && cp -R "$dir"/. "$out/.keep/$name/" &&
	tar -czf "$out/$name.tar.gz" -C "$out/.keep" "$name"; }; then
	echo "dmademo.sh: cannot pack $dir" >&2
	exit 1
fi
rm -rf "$out/.keep"
tarball=$out/$name.tar.gz
echo "dmademo.sh: the raw result folder: $tarball"
ref=file://$tarball
if [ -n "$url" ]; then
	token=${ARTIFACTORIAL_TOKEN:-}
	if [ -z "$token" ]; then
		for f in ${DMADEMO_SECRETS:-/lava-*/secrets}; do
			[ -f "$f" ] && token=$(sed -n 's/^ARTIFACTORIAL_TOKEN=//p' "$f" | tail -n 1)
			[ -z "$token" ] || break
		done
	fi
	# the token from a file (curl's -F name=<file), off the command line and the log
	( umask 077 && printf '%s' "$token" > "$out/.token" )
	got=''
	if [ -z "$token" ]; then
		echo "dmademo.sh: no ARTIFACTORIAL_TOKEN (environment or the job's secrets): not uploaded" >&2
	elif ! command -v curl > /dev/null 2>&1; then
		echo "dmademo.sh: no curl here: not uploaded" >&2
	else
		got=$(curl -sS -F "path=@$tarball" -F "token=<$out/.token" "$url")
		case $got in
		*"$name.tar.gz"*) ref=$got ;;
		*) echo "dmademo.sh: the upload to $url answered '$got', not the file's URL" >&2; got='' ;;
		esac
	fi
	rm -f "$out/.token"
	[ -n "$got" ] || echo "dmademo-folder-upload fail" >> "$res"
fi
echo "lava-test-reference dmademo-folder pass $ref" >> "$res"
if [ "$inlog" = yes ] || { [ "$inlog" = auto ] && [ "$ref" = "file://$tarball" ]; }; then
	sum=$(sha256sum "$tarball" 2>/dev/null) || sum=-
	if command -v base64 > /dev/null 2>&1; then
		echo "dmademo-folder-begin $name.tar.gz ${sum%% *} $(wc -c < "$tarball" | tr -d ' ')"
		base64 < "$tarball"
		echo "dmademo-folder-end $name.tar.gz"
	else
		echo "dmademo.sh: no base64 here: the folder is not in the log" >&2
	fi
fi
exit 0
