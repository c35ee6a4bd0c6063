# debugchecks.sh - checks for in-guest suites running on the debug kernel (scripts/debug-kernel).
# POSIX sh (busybox); source it, then:
#
#   if dbg_active; then dbg_begin; fi
#   ... load the module under test, exercise it, unload it ...
#   if dbg_active; then dbg_end my-suite; fi
#
# dbg_active      true on the debug kernel (DMA-API debug in debugfs)
# dbg_begin       takes the reference state: dma-api error count and live mappings, a dmesg mark;
#                 clears kmemleak's earlier reports
# dbg_end NAME    four TAP checks, each `ok - NAME: ...` or `not ok - NAME: ...` followed by the
#                 evidence as `# ` lines; returns 1 if any failed:
#                   - dma-api/error_count did not grow
#                   - dma-api/dump lists no mapping that was not there at dbg_begin
#                   - kmemleak finds no leaked object allocated since dbg_begin (two scans at
#                     least 5.5 s apart: ~10-20 s on the emulator; DBG_LEAKCHECK=0 skips it)
#                   - dmesg since dbg_begin has no KASAN, lockdep, DMA-API, ODEBUG, WARNING, BUG...
#                 Call it after the module under test is unloaded: a loaded DMA client still holds
#                 legitimate mappings and allocations.
#
# Results go through tap_ok TEXT / tap_fail TEXT; minimal ones are defined here unless the suite
# has its own (defining them after sourcing this file works too).
# Needs debugfs on /sys/kernel/debug and root. Without the debug kernel, dbg_begin and dbg_end do
# nothing.

# shellcheck disable=SC2094 # `[ -s F ] <F` only reads F
DBG_DEBUGFS=/sys/kernel/debug
DBG_API=$DBG_DEBUGFS/dma-api
DBG_KMEMLEAK_FILE=$DBG_DEBUGFS/kmemleak
DBG_TMP=${TMPDIR:-/tmp}/debugchecks.$$
DBG_EVIDENCE_LINES=${DBG_EVIDENCE_LINES:-40}   # evidence lines shown per failed check
DBG_LEAKCHECK=${DBG_LEAKCHECK:-1}              # 0: skip the kmemleak check (~10 s on the emulator)

# Kernel log lines that mean a debug facility complained ...
DBG_BAD_RE='DMA-API|KASAN|kmemleak|ODEBUG|WARNING:|BUG:|INFO: |Oops|Unable to handle|Internal error|Call trace:|cut here|circular locking|recursive locking|inconsistent lock|DEBUG_LOCKS_WARN_ON|suspicious RCU|Disabling lock debugging|sleeping function called from invalid context|list_(add|del) corruption|invoked oom-killer'
# ... except these banners and notes (the kmemleak summary line is the kmemleak check's business)
DBG_OK_RE='DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config|dma_debug_entry pool grown)|KernelAddressSanitizer initialized|kmemleak: Kernel memory leak detector initialized|kmemleak: [0-9]+ new suspected memory leaks|debugchecks: '

if ! type tap_ok >/dev/null 2>&1; then
	tap_ok() { echo "ok - $*"; }
fi
if ! type tap_fail >/dev/null 2>&1; then
	tap_fail() { echo "not ok - $*"; }
fi

# DBG_CHECKS=0 (main.sh NAME=VALUE): off, where lockdown refuses debugfs's writable files
dbg_active() {
	[ "${DBG_CHECKS:-1}" = 1 ] && [ -d "$DBG_API" ]
}

_dbg_uptime() { cut -d' ' -f1 /proc/uptime; }

# Current jiffies (kmemleak stamps objects with them); empty if the kernel does not show them
_dbg_jiffies() {
	awk '/^jiffies:/ { print $2; exit }' /proc/timer_list 2>/dev/null
}

# Print stdin as TAP comment lines, at most DBG_EVIDENCE_LINES of them
_dbg_evidence() {
	awk -v max="$DBG_EVIDENCE_LINES" 'NR <= max { print "#   " $0 }
		END { if (NR > max) print "#   ... (" NR - max " more lines)" }'
}

# _dbg_check TEXT COMMAND...: TAP line for TEXT, passing if COMMAND succeeds; on failure the
# evidence read from stdin follows as comments. Never call it at the end of a pipeline: it would
# run in a subshell, and the suite's counters (and DBG_FAILED) would not move.
_dbg_check() {
	_dbg_text=$1
	shift
	if "$@"; then
		tap_ok "$_dbg_text"
		cat >/dev/null
	else
		tap_fail "$_dbg_text"
		_dbg_evidence
		DBG_FAILED=$((DBG_FAILED + 1))
	fi
}

# Kernel log since dbg_begin's mark (the whole log, with a note, if the mark has scrolled away)
_dbg_dmesg_since() {
	dmesg | awk -v mark="$DBG_MARK" 'seen { print; next } index($0, mark) { seen = 1 }
		{ all[NR] = $0 }
		END { if (!seen) { print "debugchecks: mark not found, whole log follows";
			for (i = 1; i <= NR; i++) print all[i] } }'
}

dbg_begin() {
	dbg_active || return 0
	rm -rf "$DBG_TMP"
	mkdir -p "$DBG_TMP"
	echo 1 >"$DBG_API/all_errors"           # else only the first DMA-API error of a boot is printed
	DBG_ERRORS0=$(cat "$DBG_API/error_count")
	cat "$DBG_API/dump" >"$DBG_TMP/dump0"
	# earlier reports are not ours; objects not yet reported are told apart by age in dbg_end
	[ -w "$DBG_KMEMLEAK_FILE" ] && echo clear >"$DBG_KMEMLEAK_FILE"
	DBG_JIFFIES0=$(_dbg_jiffies)
	DBG_T0=$(_dbg_uptime)
	DBG_MARK="debugchecks: begin $$ at $DBG_T0"
	echo "$DBG_MARK" >/dev/kmsg
}

_dbg_check_dma_errors() {
	_dbg_errors=$(cat "$DBG_API/error_count")
	_dbg_dmesg_since | grep 'DMA-API' >"$DBG_TMP/dma-api.log"
	_dbg_check "$1: dma-api error_count unchanged ($DBG_ERRORS0 -> $_dbg_errors)" \
		[ "$_dbg_errors" -le "$DBG_ERRORS0" ] <"$DBG_TMP/dma-api.log"
}

_dbg_check_dma_dump() {
	cat "$DBG_API/dump" >"$DBG_TMP/dump1"
	# mappings live now that were not at dbg_begin
	grep -vxF -f "$DBG_TMP/dump0" "$DBG_TMP/dump1" >"$DBG_TMP/dump.new"
	_dbg_check "$1: no DMA mapping left behind (dma-api/dump $(wc -l <"$DBG_TMP/dump0") -> $(wc -l <"$DBG_TMP/dump1") lines)" \
		[ ! -s "$DBG_TMP/dump.new" ] <"$DBG_TMP/dump.new"
}

# Linux 7.x's SLUB hands objects out of per-CPU sheaves, arrays of object pointers that are
# kmalloc()ed themselves, and leaves the slot of an object it handed out as it was
# (alloc_from_pcs() in mm/slub.c only lowers the sheaf's size): kmemleak, which scans the
# sheaf, finds the object referenced there until the slot is filled again, and a leak goes
# unreported. A cache with a debug flag has no sheaves (calculate_sheaf_capacity()), so
# scripts/debug-kernel --next boots with slab_debug=U; a cache that has them anyway fails the
# kmemleak check, which could not see its leaks.
_dbg_sheaves() {
	grep -l -v '^0$' /sys/kernel/slab/*/sheaf_capacity 2>/dev/null |
		sed 's|/sheaf_capacity$||; s|.*/||'
}

# kmemleak reports an unreferenced object only when it is older than 5 s at the start of a scan
# and its contents did not change since the previous scan: scan, wait until 5 s after the
# suite's last action, scan again, then keep the objects allocated since dbg_begin.
_dbg_check_kmemleak() {
	if [ "$DBG_LEAKCHECK" = 0 ]; then
		tap_ok "$1: kmemleak: no new leaks # SKIP DBG_LEAKCHECK=0"
		return
	fi
	if [ ! -w "$DBG_KMEMLEAK_FILE" ]; then
		_dbg_check "$1: kmemleak available" false <<-EOF
			$DBG_KMEMLEAK_FILE missing or not writable (kmemleak off?)
		EOF
		return
	fi
	_dbg_sheaves >"$DBG_TMP/sheaves"
	if [ -s "$DBG_TMP/sheaves" ]; then
		_dbg_check "$1: kmemleak sees every cache (these $(wc -l <"$DBG_TMP/sheaves") have per-CPU sheaves: boot with slab_debug=U)" \
			false <"$DBG_TMP/sheaves"
		return
	fi
	_dbg_t1=$(_dbg_uptime)
	echo scan >"$DBG_KMEMLEAK_FILE"
	_dbg_pause=$(awk -v a="$_dbg_t1" -v b="$(_dbg_uptime)" 'BEGIN { p = a + 5.5 - b; print (p > 0 ? p : 0) }')
	sleep "$_dbg_pause" 2>/dev/null || sleep $((${_dbg_pause%.*} + 1))
	echo scan >"$DBG_KMEMLEAK_FILE"
	cat "$DBG_KMEMLEAK_FILE" >"$DBG_TMP/kmemleak.all"
	_dbg_took=$(awk -v a="$_dbg_t1" -v b="$(_dbg_uptime)" 'BEGIN { printf "%.1f", b - a }')
	# split the report into objects allocated since dbg_begin and older ones, by jiffies
	awk -v j0="${DBG_JIFFIES0:-0}" -v old="$DBG_TMP/kmemleak.old" '
		function flush() { if (rec != "") { if (jif >= j0) printf "%s", rec; else n_old++ } }
		/^unreferenced object/ { flush(); rec = ""; jif = 0 }
		/^  comm / && match($0, /jiffies [0-9]+/) { jif = substr($0, RSTART + 8, RLENGTH - 8) + 0 }
		{ rec = rec $0 "\n" }
		END { flush(); print n_old + 0 > old }' "$DBG_TMP/kmemleak.all" >"$DBG_TMP/kmemleak.new"
	_dbg_new=$(grep -c '^unreferenced object' "$DBG_TMP/kmemleak.new")
	_dbg_old=$(cat "$DBG_TMP/kmemleak.old")
	[ "$_dbg_old" = 0 ] ||
		echo "# kmemleak: ignored $_dbg_old older unreferenced object(s), allocated before dbg_begin"
	_dbg_check "$1: kmemleak: no new leaks ($_dbg_new new; scans took ${_dbg_took}s)" \
		[ "$_dbg_new" = 0 ] <"$DBG_TMP/kmemleak.new"
}

# With DBG_INJECTED=1 (a suite that injects allocation failures on purpose), drop the stack
# dumps that the injection (failslab and fail_page_alloc with verbose=2) and the page
# allocator's warning for the failed allocation print (their frames name kmemleak and
# others), and kmemleak's note that it could not allocate a scan area (it scans the whole
# object instead).
_dbg_drop_injected() {
	if [ "${DBG_INJECTED:-0}" = 1 ]; then
		awk '/kmemleak: Cannot allocate a scan area, scanning the full object/ { next }
			/FAULT_INJECTION: forcing a failure|page allocation failure: order:/ { inj = 1; print; next }
			inj && (/Call trace:|CPU: [0-9]+ PID: |Hardware name: |name (failslab|fail_page_alloc), interval/ ||
				/\+0x[0-9a-f]+\/0x[0-9a-f]+/) { next }
			{ inj = 0; print }'
	else
		cat
	fi
}

_dbg_check_dmesg() {
	_dbg_dmesg_since | _dbg_drop_injected | grep -E "$DBG_BAD_RE" | grep -vE "$DBG_OK_RE" >"$DBG_TMP/dmesg.bad"
	_dbg_check "$1: kernel log clean (no KASAN, lockdep, DMA-API, ODEBUG, WARNING, BUG)" \
		[ ! -s "$DBG_TMP/dmesg.bad" ] <"$DBG_TMP/dmesg.bad"
	if grep -q 'debug_locks: *0' /proc/lockdep_stats 2>/dev/null; then
		echo "# lockdep is off (debug_locks=0) after an earlier report: lock bugs now go unseen"
	fi
}

dbg_end() {
	dbg_active || return 0
	_dbg_name=${1:-debugchecks}
	DBG_FAILED=0
	if [ -z "${DBG_MARK:-}" ]; then
		_dbg_check "$_dbg_name: debug checks" false <<-EOF
			dbg_end without dbg_begin
		EOF
		return 1
	fi
	_dbg_check_dma_errors "$_dbg_name"
	_dbg_check_dma_dump "$_dbg_name"
	_dbg_check_kmemleak "$_dbg_name"
	_dbg_check_dmesg "$_dbg_name"
	rm -rf "$DBG_TMP"
	DBG_MARK=
	[ "$DBG_FAILED" = 0 ]
}
