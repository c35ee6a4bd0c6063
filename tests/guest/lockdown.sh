# A kernel locked down as Secure Boot locks Debian's (lockdown=integrity on the debug kernel's
# command line: tests/check's lockdown_boot), with module signing and a key of the kernel's own
# build: an unsigned dmademo.ko is refused, the signed one loads, its debugfs files refuse every
# write, and the collector drives it through /proc/dmademo: a whole sweep, with the module
# suite's CSV checks on the folder. Sourced by main.sh with lib.sh loaded; the unsigned module
# at /lib/modules/dmademo.ko, the signed one at $SIGNED.
# shellcheck shell=sh disable=SC2016,SC2034 # eval '...' expands later; SUITE is lib.sh's

SUITE=lockdown
SIGNED=${SIGNED:-/work/signed/dmademo.ko}
DEBUGFS=/sys/kernel/debug/dmademo
D=/proc/dmademo		# lib.sh's helpers read the module there
T=/tmp/lockdown
rm -rf "$T"
mkdir -p "$T"

# securityfs shows the state; the runner mounts proc, sysfs, devtmpfs and debugfs only
grep -qs ' /sys/kernel/security securityfs' /proc/mounts ||
	mount -t securityfs securityfs /sys/kernel/security
is "lockdown state (securityfs)" "$(cat /sys/kernel/security/lockdown 2>&1)" \
	"none [integrity] confidentiality"

# an unsigned module: module_sig_check() (kernel/module/signing.c) asks lockdown, which says no
e=$(insmod "$KO" 2>&1)
rc=$?
check "an unsigned dmademo.ko is refused" [ $rc -ne 0 ]
note "insmod: $e"
check "... by lockdown, as dmesg says" eval 'dmesg | grep -q "Lockdown: insmod: unsigned module loading is restricted"'
check "... and is not loaded" [ ! -d /sys/module/dmademo ]

check "the signed dmademo.ko loads" insmod "$SIGNED"
check "... with its signature checked (no unsigned taint)" eval '! dmesg | grep -q "module verification failed"'
check "/proc/dmademo has the same files as debugfs" eval \
	'[ "$(ls /proc/dmademo | sort)" = "$(ls "$DEBUGFS" | sort)" ] && [ -n "$(ls /proc/dmademo)" ]'

# debugfs: every writable file refuses to open for writing (debugfs_locked_down(),
# fs/debugfs/file.c); nothing changes
before=$(cat /proc/dmademo/iterations)
for f in iterations strategy sizes channel run; do
	is "debugfs $f: a write is refused (EPERM)" "$(kwrite "$DEBUGFS/$f" 5)" EPERM
done
is "... and iterations is as it was" "$(cat /proc/dmademo/iterations)" "$before"
is "/proc/dmademo/iterations: a write is taken" "$(kwrite /proc/dmademo/iterations 7)" ok
is "... and read back" "$(cat /proc/dmademo/iterations)" 7
is "/proc/dmademo: a bad value is refused as debugfs refuses it (ERANGE)" \
	"$(kwrite /proc/dmademo/iterations 0)" ERANGE
check "... with debugfs's reason in dmesg" eval 'dmesg | tail -n 3 | grep -q "iterations: out of range, 1\.\."'

# the collector: finds the lockdown, takes /proc/dmademo, and writes the same folder
ITER=5
SIZES=64,4K,64K
nstrat=$(strategies | tr , '\n' | grep -c .)
sh /work/bench/dmademo-run -s all -z "$SIZES" -n $ITER -w 2 --cpu any -o "$T/run" >"$T/o" 2>"$T/e"
rc=$?
check "the collector's sweep of every strategy exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/e"
check "... says it goes through /proc/dmademo, lockdown being integrity" \
	grep -q "lockdown is 'integrity' (debugfs refuses writes): through /proc/dmademo" "$T/e"
is "... meta: control=procfs" "$(sed -n 's/^control=//p' "$T/run/meta")" procfs
is "... meta: state=done" "$(sed -n 's/^state=//p' "$T/run/meta")" "done"
# the module suite's CSV contract on the collector's folder (the cpu strategy and a few cells
# the channel refuses are skipped with a reason, not measured: counted from summary.csv)
skipped=$(grep -c '^# skipped: ' "$T/run/summary.csv")
cells=$((nstrat * 3 - skipped))
note "$nstrat strategies x 3 sizes, $skipped cells skipped"
csv_checks "$T/run" $ITER $cells
check "dmesg: no WARNING, BUG, Oops or KASAN report" eval \
	'! dmesg | grep -E "WARNING:|BUG:|Oops|KASAN|Call trace"'
# results of any size: a run of 20,000 rows (about 1 MB), read whole through /proc/dmademo,
# byte for byte what debugfs's read-only copy of the file gives
N=20000
set_knobs strategy=coherent sizes=64 iterations=$N warmup=0 verify=1
is "a coherent 64 B run of $N transfers through /proc/dmademo" "$(run_wait)" \
	"state=done done=$N total=$N errors=0 skipped=0"
cat /proc/dmademo/results > "$T/results.proc"
is "... its results: $N rows and the header" "$(wc -l < "$T/results.proc")" $((N + 1))
check "... the same bytes as debugfs's results (read-only, which lockdown allows)" \
	cmp -s "$T/results.proc" "$DEBUGFS/results"
