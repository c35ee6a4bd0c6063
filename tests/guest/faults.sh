# Fault injection on the debug kernel (scripts/debug-kernel: failslab and fail_page_alloc).
# For each of the module's paths (a knob write, a run of each strategy, the first read of
# results, copy, the mmap interface, binding a device) it fails the 1st, 2nd, 3rd ... fault
# site the path reaches, one per pass, until a pass reaches no more: the task's
# /proc/thread-self/fail-nth, which counts the slab and page allocations the task makes,
# whatever code makes them. A run's thread goes on with the count the write to "run" left
# (control.c: dmademo_pass_fail_nth). Every injected failure must end in a clean error (an
# errno, or the status with its reason), the module idle and usable; a pass with nothing
# injected must work. Leaks, mappings left and reports are main.sh's debug checks.
#
# The paths are shell builtins, run in this shell: fail-nth is per task, and a fork resets it.
# Pages allocated for user memory (__GFP_HIGHMEM: the shell's own page faults, and vmalloc's
# pages) are not counted (ignore-gfp-highmem).
SUITE=faults
FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
NTH=/proc/thread-self/fail-nth
T=/tmp/faults
MAXN=${FAULTS_MAXN:-200}	# bound on the passes of one path
PDRV=/sys/bus/platform/drivers/dmademo
mkdir -p "$T"

# every slab and page allocation reaches should_fail(), where fail-nth counts it; nothing
# fails but through fail-nth (probability 0)
attr_setup() {
	echo 0 > "$1/probability"
	echo 1 > "$1/verbose"
	echo N > "$1/ignore-gfp-wait"
	[ ! -e "$1/cache-filter" ] || echo N > "$1/cache-filter"
	[ ! -e "$1/min-order" ] || echo 0 > "$1/min-order"
	[ ! -e "$1/ignore-gfp-highmem" ] || echo Y > "$1/ignore-gfp-highmem"
}

# the module's state after a pass: idle, and a knob write goes through
idle_ok() {
	case $(cat "$D/status") in
	"state=running"*) return 1 ;;
	esac
	[ "$(kwrite "$D/verify" 1)" = ok ]
}

# errno name of the last builtin's failure, from its message in $T/err
err_of() { errname "$(cat "$T/err")"; }

# ---- the paths: each sets OUT to "ok" (it worked), "err WHAT" (a clean error) or
# "bad WHAT"; builtins only until the path is done (no fork, no command substitution)

path_knob() {
	if echo 4K,64K 2> "$T/err" > "$D/sizes"; then OUT=ok; else OUT="err $(err_of)"; fi
}
check_knob() {
	case $OUT,$(knob sizes) in
	ok,4096,65536 | err*,4096) ;;
	*) OUT="bad $OUT, sizes now $(knob sizes)" ;;
	esac
	kwrite "$D/sizes" 4K > /dev/null
}

path_run() {
	if ! echo start 2> "$T/err" > "$D/run"; then
		OUT="err start: $(err_of)"
		return
	fi
	# opening wait allocates too: on a failure the run goes on, check_run waits again
	if read -r ST 2> "$T/err" < "$D/wait"; then OUT=ok; else OUT="err wait: $(err_of)"; ST=; fi
}
check_run() {
	case $OUT in "err start"*) return ;; esac
	[ -n "$ST" ] || read -r ST < "$D/wait"
	# the start handed the rest of the count to the run's thread: what it left, once ended
	_i=0
	while [ "$(sed -n 's/^fail_nth_left=//p' "$D/info")" = -1 ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ "$LEFT" = 0 ]; then
		LEFT=$(sed -n 's/^fail_nth_left=//p' "$D/info")
		[ -n "$LEFT" ] || { LEFT=1 OUT="bad info has no fail_nth_left"; return; }
	fi
	case $ST in
	"state=done "*"errors=0 skipped=0 "*) ;;
	"state=done "*"skipped=0 "*) OUT="bad errors without a failed state: $ST" ;;
	"state=done "*)
		if grep -q "^# skipped: .* (-[0-9A-Z]*)$" "$D/summary"; then OUT="err skipped a cell"
		else OUT="bad skipped without a reason: $ST"; fi ;;
	"state=failed "*" error="?*" (-"*")") OUT="err ${ST#* error=}" ;;
	*) OUT="bad $ST" ;;
	esac
}

path_results() {
	OUT=ok
	read -r HDR 2> "$T/err" < "$D/results" || { OUT="err results: $(err_of)"; return; }
	read -r SHDR 2> "$T/err" < "$D/summary" || OUT="err summary: $(err_of)"
}
check_results() {
	[ "$OUT" != ok ] || [ "$HDR,$SHDR" = "$RESULTS_HDR,$SUMMARY_HDR" ] || OUT="bad headers: $HDR"
}

path_copy() {
	OUT=ok
	echo "faults $N" 2> "$T/err" > "$D/copy" || { OUT="err write: $(err_of)"; return; }
	read -r BACK 2> "$T/err" < "$D/copy" || OUT="err read: $(err_of)"
}
check_copy() {
	[ "$OUT" != ok ] || [ "$BACK" = "faults $N" ] || OUT="bad copy read back '$BACK'"
}

path_bind() {
	if echo "$BD" 2> "$T/err" > "$PDRV/bind"; then OUT=ok; else OUT="err $(err_of)"; fi
}
check_bind() {
	if [ "$OUT" = ok ]; then
		grep -qx "bound_device=$BD" "$D/info" || OUT="bad bound, info says otherwise"
		echo "$BD" > "$PDRV/unbind"
	elif [ -e "/sys/bus/platform/devices/$BD/driver" ]; then
		OUT="bad bind refused ($OUT) but the device is bound"
	elif ! grep -qx bound_device=none "$D/info"; then
		OUT="bad half-bound after $OUT"
	fi
}

# sweep NAME PATH: pass N fails the path's N-th fault site, until a pass has none to fail
# (FAULTS_ONLY=GLOB: only the paths whose names match)
sweep() {
	_name=$1
	case $_name in ${FAULTS_ONLY:-*}) ;; *) return ;; esac
	N=1 hits=0 bad=0 errs=0
	while [ $N -le "$MAXN" ]; do
		if [ "${TOOL:-0}" = 1 ]; then
			"path_$2"	# the program sets its own fail-nth, check_ says what it left
		else
			echo $N > $NTH
			"path_$2"
			# what is left of the count (opening the file may take the last one: it fails)
			LEFT=1
			read -r LEFT < $NTH 2> /dev/null || LEFT=0
			echo 0 > $NTH
			[ "$LEFT" -gt 0 ] 2> /dev/null || LEFT=0
		fi
		"check_$2"
		if [ "$LEFT" != 0 ]; then
			# nothing injected: the path ran whole and must have worked
			[ "$OUT" = ok ] || { bad=$((bad + 1)); note "$_name, pass $N (none injected): $OUT"; }
			note "$_name: pass $N reached no site ($LEFT of the count left)"
			break
		fi
		hits=$((hits + 1))
		case $OUT in
		err*) errs=$((errs + 1)) ;;
		ok) ;;
		*) bad=$((bad + 1)); note "$_name, failure $N: $OUT" ;;
		esac
		idle_ok || { bad=$((bad + 1)); note "$_name, failure $N: not idle or refusing knobs after it"; }
		N=$((N + 1))
	done
	[ $N -le "$MAXN" ] || { bad=$((bad + 1)); note "$_name: still reaching sites after $MAXN passes"; }
	is "$_name: $hits sites failed in turn ($errs clean errors, the rest absorbed), then a pass that works" \
		"$bad" 0
	echo "$_name|$hits|$errs" >> "$T/counts"
}

if [ ! -d "$FS" ] || [ ! -d "$FP" ] || [ ! -w "$NTH" ]; then
	tap_fail "failslab, fail_page_alloc and fail-nth: this kernel lacks them (scripts/debug-kernel has them)"
else
	: > "$T/counts"
	check "module loads" load
	RESULTS_HDR=$(columns results) SUMMARY_HDR=$(columns summary)
	attr_setup "$FS"
	attr_setup "$FP"
	set_knobs verify=1 touch=1 iterations=1 warmup=0 sizes=4K depth=2 rounds=1 timeout_ms=2000

	sweep "knob write (sizes)" knob
	for s in $(strategies | tr , ' '); do
		set_knobs strategy=$s
		sweep "run: $s" run
	done
	set_knobs strategy=sg sizes=8K completion=poll
	sweep "run: sg, 8 KiB (two pieces), polled" run
	set_knobs strategy=coherent,streaming sizes=4K completion=irq
	kwrite "$D/run" start > /dev/null && cat "$D/wait" > /dev/null
	sweep "first read of results and summary" results
	sweep "copy" copy
	# the application's own calls: mmap-hostile sets its fail-nth itself
	path_mmap() { OUT=$("$TOOLS/mmap-hostile" nth "$N" "$KIND"); }
	check_mmap() {
		case $OUT in
		*", not injected") LEFT=1 ;;
		*", injected") LEFT=0 ;;
		*) LEFT=0 OUT="bad $OUT" ;;
		esac
		OUT=${OUT%, *}
	}
	TOOL=1
	for KIND in coherent wc cached; do
		sweep "mmap interface: $KIND" mmap
	done
	TOOL=0
	BD=
	for d in soc:gpu gpu 12800000.g2d; do
		[ -e "/sys/bus/platform/devices/$d" ] && [ ! -e "/sys/bus/platform/devices/$d/driver" ] &&
			BD=$d && break
	done
	if [ -n "$BD" ]; then
		echo dmademo > "/sys/bus/platform/devices/$BD/driver_override"
		sweep "bind $BD" bind
		echo > "/sys/bus/platform/devices/$BD/driver_override"
	else
		note "no free platform device to bind: binding not swept"
	fi

	set_knobs strategy=all sizes=1K,4K iterations=3 depth=1
	n=$(($(strategies | tr , '\n' | wc -l) * 6))
	is "afterwards a normal run of every strategy works, every transfer verified" \
		"$(run_wait)" "state=done done=$n total=$n errors=0 skipped=0"
	awk -F'|' '{ n += $2; e += $3 } END { printf "# fault injection: %d sites failed on %d paths, %d of them clean errors\n", n, NR, e }' "$T/counts"
	awk -F'|' '{ printf "#   %s: %d sites, %d clean errors\n", $1, $2, $3 }' "$T/counts"
fi
