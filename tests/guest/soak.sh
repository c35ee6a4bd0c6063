# A concurrent soak (meant for the debug kernel, with its four CPUs): for SOAK_SECONDS
# (default 300) several processes at once write knobs (valid and invalid), start and stop
# runs, read status, wait, results and summary (whole, and in odd-sized pieces at offsets),
# switch channels, use copy and the mmap interface, and, on a board with the devicetree
# node, unbind and rebind it. Every operation may be refused (EBUSY while a run owns the
# module, EINVAL for a bad value); none may crash, hang or leak. Afterwards every process
# must have ended, none may be left in D state, and a normal run verifies every byte.
SUITE=soak
SECS=${SOAK_SECONDS:-300}
T=/tmp/soak
PDRV=/sys/bus/platform/drivers/dmademo
rm -rf "$T"
mkdir -p "$T"

now() { cut -d. -f1 /proc/uptime; }
END=$(($(now) + SECS))
# pick WORD...: one of the words, at random
pick() { shift $((RANDOM % $#)); echo "$1"; }

# worker NAME I: runs soak_NAME until the deadline; counts its operations and refusals
worker() {
	read -r _me _ < /proc/self/stat
	RANDOM=$_me	# (each worker its own sequence: a fork inherits the shell's)
	_ops=0 _ref=0
	while [ "$(now)" -lt "$END" ]; do
		if "soak_$1" > /dev/null 2>&1; then _ops=$((_ops + 1)); else _ref=$((_ref + 1)); fi
	done
	echo "$1 $_ops $_ref" > "$T/count.$2"
}

soak_knobs() {
	case $(pick 1 2 3 4 5 6 7 8) in
	1) echo "$(pick $(strategies | tr , ' ') coherent,cpu nonsense)" > "$D/strategy" ;;
	2) echo "$(pick 4K 1K,4K 64 4K,16K 3 0 64M,4K)" > "$D/sizes" ;;
	3) echo "$(pick 1 3 8 0 -1 99999999999)" > "$D/iterations" ;;
	4) echo "$(pick 1 2 4 0 65)" > "$D/depth" ;;
	5) echo "$(pick irq poll bogus)" > "$D/completion" ;;
	6) echo "$(pick 0 1 2 x)" > "$D/warmup" ;;
	7) printf '\000\377garbage' > "$D/$(pick touch verify rounds shuffle)" ;;
	8) echo "$(pick 1 2 3)" > "$D/threads" ;;
	esac
}

soak_runs() {
	echo start > "$D/run" || return 1
	[ "$(pick go go stop)" = go ] || echo stop > "$D/run"
	cat "$D/wait" > /dev/null
}

soak_reads() {
	case $(pick 1 2 3 4 5) in
	1) cat "$D/status" "$D/info" "$D/results" "$D/summary" ;;
	2) dd if="$D/results" bs="$(pick 1 7 13 4093)" skip="$(pick 0 1 5 40)" count=9 ;;
	3) dd if="$D/summary" bs="$(pick 3 17 511)" skip="$(pick 0 2 9)" count=7 ;;
	4) cat "$D/wait" ;;
	5) for f in "$D"/*; do [ -r "$f" ] && [ "${f##*/}" != wait ] && head -c 100 "$f"; done ;;
	esac
}

soak_channels() {
	sleep 0.2
	echo "$(pick any none any dma0chan0 dma0chan1 nochan)" > "$D/channel"
}

soak_copy() {
	_v="soak $$ $(pick a bb ccc dddd)"
	echo "$_v" > "$D/copy" && [ "$(cat "$D/copy")" = "$_v" ]
}

soak_mmap() {
	"$TOOLS/dmademo-mmap" -q -k "$(pick coherent wc cached)" -z "$(pick 64 4K 16K)" -n 3 -w 1 \
		-o "$T/mmap.out"
}

soak_bind() {
	sleep 0.5
	_dev=$(pick dmademo dmademo2)
	if [ -e "$PDRV/$_dev" ]; then
		echo "$_dev" > "$PDRV/unbind"
	else
		echo "$_dev" > "$PDRV/bind"
	fi
}

check "module loads" load
WORKERS="knobs knobs runs runs reads reads channels copy mmap"
if [ -e /sys/bus/platform/devices/dmademo ]; then
	WORKERS="$WORKERS bind"
else
	note "no devicetree node on this board: the soak does not unbind and rebind it"
fi
WORKERS=${SOAK_WORKERS:-$WORKERS}
note "soak: $SECS s, $NCPU CPU(s), workers: $WORKERS"
PIDS= NW=0
for w in $WORKERS; do
	NW=$((NW + 1))
	worker "$w" $NW &
	PIDS="$PIDS $!"
done

# every worker ends within a minute of the deadline (a run is short, a wait follows it); one
# that does not is shown (state, kernel stack) and killed, and not waited for
sleep "$SECS"
i=0
while [ $i -lt 60 ]; do
	left=
	for p in $PIDS; do [ -d "/proc/$p" ] && left="$left $p"; done
	[ -z "$left" ] && break
	sleep 1
	i=$((i + 1))
done
if [ -n "$left" ]; then
	tap_fail "every worker ended within 60 s of the deadline (left:$left)"
	for p in $left; do
		for t in /proc/$p/task/*; do
			note "pid $p task ${t##*/}: $(sed -n 's/^State:\t//p' "$t/status") wchan $(cat "$t/wchan" 2>/dev/null)"
			sed 's/^/#     /' "$t/stack" 2>/dev/null
		done
		# its children: the command it was running
		for c in /proc/[0-9]*; do
			[ "$(awk '{ print $4 }' "$c/stat" 2>/dev/null)" = "$p" ] || continue
			note "  child ${c##*/} ($(tr '\0' ' ' < "$c/cmdline")): $(sed -n 's/^State:\t//p' "$c/status")"
			sed 's/^/#       /' "$c/stack" 2>/dev/null
			kill -9 "${c##*/}" 2>/dev/null
		done
		kill -9 "$p"
	done
else
	tap_ok "every worker ended within $i s of the deadline"
	wait
fi
stuck=$(grep -l '^State:.*D (disk sleep)' /proc/[0-9]*/status 2>/dev/null)
is "no process left in D state" "$stuck" ""

# whatever the workers left behind: the node bound, a channel, the knobs of a normal run
for n in dmademo dmademo2; do
	[ -e "/sys/bus/platform/devices/$n" ] && [ ! -e "$PDRV/$n" ] && echo "$n" > "$PDRV/bind" 2>/dev/null && break
done
echo stop > "$D/run" 2>/dev/null
check "a run stopped afterwards ends within 60 s" timeout 60 cat "$D/wait"
kwrite "$D/channel" any > /dev/null
set_knobs strategy=all sizes=1K,4K iterations=5 warmup=1 depth=2 threads=1 verify=1 touch=1 \
	rounds=1 completion=irq inject=none
n=$(($(strategies | tr , '\n' | wc -l) * 10))
is "afterwards a normal run of every strategy works, every transfer verified" \
	"$(run_wait)" "state=done done=$n total=$n errors=0 skipped=0"
is "copy still round-trips" "$(echo soaked > "$D/copy" && cat "$D/copy")" soaked
is "all $NW workers reported their counts" "$(cat "$T"/count.* 2>/dev/null | wc -l)" $NW
total=$(cat "$T"/count.* 2>/dev/null | awk '{ t += $2 + $3 } END { print t + 0 }')
note "soak: $total operations in $SECS s: $(cat "$T"/count.* | awk '{ o[$1] += $2; r[$1] += $3 }
	END { for (w in o) printf "%s %d done %d refused; ", w, o[w], r[w] }')"
