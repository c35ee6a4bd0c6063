# The module under abuse: every bad write refused with the right errno and
# nothing changed, writes during a run refused with EBUSY, reads during a run
# whole, concurrent starts, stop, a reader holding results across a new run,
# rmmod during a run and while a reader blocks in wait, allocation failure,
# too many samples, a transfer that never completes, 50 load/unload cycles
# without a leak, and a kernel log free of warnings at the end. Sourced by
# main.sh with lib.sh loaded (busybox sh).
#
# Writes go through the shell's own echo (one write(2) each, no fork), so
# that a few hundred of them stay quick on the emulator. Two kinds of write
# cannot be made from busybox and are not tested here: a zero-length write(2)
# (the module refuses it with EINVAL; `: > FILE` opens and truncates without
# writing, which is tested and changes nothing) and a positioned write to
# `run`, which has no llseek: `dd seek=` fails there with ESPIPE before the
# module is asked.
# shellcheck shell=sh disable=SC2034,SC3037,SC2086,SC2016,SC2030,SC2031
# (SUITE is lib.sh's; echo -n -e is busybox's; $SPECS splits on purpose;
# eval '...' expands later; ERRF is per process in the racing subshells)

SUITE=robust
[ "$D" = /sys/kernel/debug/dmademo ] || SUITE="robust ($D)"
T=/tmp/robust.$$
ERRF=$T/err
mkdir -p "$T"

KNOBS="strategy sizes iterations warmup verify touch depth timeout_ms inject rounds shuffle seed cpu touch_bytes sync_bytes cold completion"
NUMS="iterations warmup verify touch depth timeout_ms rounds shuffle seed cpu touch_bytes sync_bytes cold"
VALUED="$KNOBS channel run"		# the files that take a value (copy takes bytes)
LONG_ITER=200000			# coherent 4 KiB: a minute or more on the emulator; always stopped
BAD_RE='WARNING|BUG|Oops|DMA-API|sleeping function called from invalid context|Call trace'

# errno name from an error message (shell, dd, rmmod); sets EN
ename() {
	case $1 in
	*"Invalid argument"*) EN=EINVAL ;;
	*"out of range"*) EN=ERANGE ;;
	*"busy"*) EN=EBUSY ;;
	*"too long"*) EN=E2BIG ;;
	*"No such device"*) EN=ENODEV ;;
	*"Cannot allocate"*) EN=ENOMEM ;;
	*"temporarily unavailable"*) EN=EAGAIN ;;
	*"Illegal seek"*) EN=ESPIPE ;;
	*"I/O error"* | *"Input/output error"*) EN=EIO ;;
	"") EN="error, no message" ;;
	*) EN="other: $1" ;;
	esac
}

# Writers: WRITER FILE VALUE, set WR to ok or the errno name.
# wr: VALUE through echo -n -e (\n \t \0 escapes), one write(2) by the
# shell itself (its echo reports a failed write at once; its printf does not)
wr() {
	if echo -n -e "$2" > "$1" 2> "$ERRF"; then
		WR=ok
	else
		_e=
		read -r _e < "$ERRF"
		ename "$_e"
		WR=$EN
	fi
}
# wbig: 5000 bytes in one write(2) (head -c would split it at 4 KiB)
wbig() {
	if dd if="$T/big" of="$1" bs=5000 count=1 2> "$ERRF"; then
		WR=ok
	else
		ename "$(grep dd: "$ERRF")"
		WR=$EN
	fi
}
# woff: VALUE written at offset 1 (dd seek)
woff() {
	printf '%b' "$2" > "$T/data"
	if dd if="$T/data" of="$1" bs=4096 seek=1 oflag=seek_bytes conv=notrunc 2> "$ERRF"; then
		WR=ok
	else
		ename "$(grep dd: "$ERRF")"
		WR=$EN
	fi
}
# wopen: open for writing (O_TRUNC) and close without writing
wopen() {
	if { : > "$1"; } 2> "$ERRF"; then WR=ok; else ename "$(cat "$ERRF")"; WR=$EN; fi
}

# Every knob, the channel and the first line of copy into S; with `all`,
# the status line too. Builtin reads only: no fork.
snap() {
	S=
	for _f in $KNOBS channel copy; do
		_v=
		read -r _v < "$D/$_f"
		S="$S $_f=$_v"
	done
	if [ "$1" = all ]; then
		_v=
		read -r _v < "$D/status"
		S="$S status=$_v"
	fi
}

# status line into ST, its state, done and total into STATE, DONE, TOTAL
status() {
	ST=
	read -r ST < "$D/status"
	STATE=${ST%% *}
	STATE=${STATE#state=}
	DONE=${ST#*done=}
	DONE=${DONE%% *}
	TOTAL=${ST#*total=}
	TOTAL=${TOTAL%% *}
}

# reject WRITER TEXT VALUE FILE=ERRNO[=OWNVALUE]...: each FILE refuses VALUE
# (or its own) with ERRNO, and after each write every knob, the channel,
# copy and status are what they were (S0). One TAP line, naming the errnos.
reject() {
	_w=$1 _text=$2 _val=$3
	shift 3
	_bad='' _exp=''
	for _e in EINVAL ERANGE ESPIPE; do eval "_x_$_e="; done
	for _spec in "$@"; do
		_f=${_spec%%=*}
		_rest=${_spec#*=}
		_want=${_rest%%=*}
		_v=$_val
		[ "$_rest" = "$_want" ] || _v=${_rest#*=}
		eval "case \" \$_x_$_want \" in *\" $_f \"*) ;; *) _x_$_want=\"\$_x_$_want $_f\" ;; esac"
		$_w "$D/$_f" "$_v"
		[ "$WR" = "$_want" ] || _bad="$_bad $_f:$WR"
		snap all
		if [ "$S" != "$S0" ]; then
			_bad="$_bad $_f:changed-something"
			note "  after $_f: $S"
			note "  before:   $S0"
			S0=$S
		fi
	done
	for _e in EINVAL ERANGE ESPIPE; do
		eval "_l=\$_x_$_e"
		[ -z "$_l" ] || _exp="$_exp${_exp:+; }$_e from$_l"
	done
	if [ -z "$_bad" ]; then
		tap_ok "$_text$_exp; nothing changed"
	else
		tap_fail "$_text$_exp; nothing changed"
		note "  got:$_bad"
	fi
}

# every value file with the same errno
all_as() {
	SPECS=
	for _f in $VALUED; do SPECS="$SPECS $_f=$1"; done
}
# numbers and sizes with $1, the named ones (strategy inject channel run) with $2
nums_as() {
	SPECS=
	for _f in $NUMS sizes; do SPECS="$SPECS $_f=$1"; done
	for _f in strategy inject completion channel run; do SPECS="$SPECS $_f=$2"; done
}

# kernel log since a mark written to /dev/kmsg
kmark() { echo "dmademo-robust: $1" > /dev/kmsg; }
dmesg_since() { dmesg | sed -n "/dmademo-robust: $1\$/,\$p" | sed 1d; }
# check_dmesg TEXT MARK: no warning, oops or DMA-API report since MARK
check_dmesg() {
	dmesg_since "$2" > "$T/dmesg"
	if grep -Eq "$BAD_RE" "$T/dmesg"; then
		tap_fail "$1"
		grep -E -B2 -A12 "$BAD_RE" "$T/dmesg" | head -n 60 | sed 's/^/#   /'
	else
		tap_ok "$1"
	fi
}

# a run that lasts: started, and at least one transfer done
long_start() {
	set_knobs strategy=coherent sizes=4K iterations=$LONG_ITER warmup=0 depth=1 \
		verify=1 touch=1 timeout_ms=1000 inject=none || return 1
	wr "$D/run" start
	[ "$WR" = ok ] || { note "start: $WR"; return 1; }
	_i=0
	while status; [ "$STATE" = running ] && [ "$DONE" = 0 ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$STATE" = running ] && [ "$DONE" -gt 0 ]
}
stop_run() { wr "$D/run" stop; status; }

SUITE_MARK="suite $$"
kmark "$SUITE_MARK"
head -c 5000 /dev/zero | tr '\0' 1 > "$T/big"

check "module loads" load

# ---------------------------------------------------------------- bad writes
# Known, non-default values everywhere, a finished run, a channel, a copy.
set_knobs strategy=pool,cpu sizes=128,4K iterations=7 warmup=3 verify=1 touch=1 \
	depth=2 timeout_ms=1500 inject=none
run_wait > /dev/null
printf 'robust copy check\n' > "$D/copy"
CH=$(knob channel)
snap all
S0=$S
note "before the bad writes:$S0"

all_as EINVAL
reject wr "empty value '\\n' (echo > FILE): " '\n' $SPECS
reject wr "whitespace only ' \\t \\n': " ' \t \n' $SPECS
reject wr "negative number '-1': " '-1\n' $SPECS
nums_as ERANGE EINVAL
reject wr "overflow past 64 bits '99999999999999999999999': " '99999999999999999999999\n' $SPECS
reject wr "past 32 bits '4294967296' (sizes: over the 64 MiB bound too): " '4294967296\n' $SPECS
all_as EINVAL
reject wr "trailing garbage '10x': " '10x\n' $SPECS
reject wr "hex '0x10': " '0x10\n' $SPECS
reject wr "a leading space ' 10': " ' 10\n' $SPECS
reject wr "two newlines '10\\n\\n': " '10\n\n' $SPECS
reject wr "unknown name 'bogus' (strategy, fault, command, channel): " 'bogus\n' $SPECS
reject wr "unknown strategy in a list, 'all' in a list, wrong case: " x \
	strategy=EINVAL='coherent,bogus\n' strategy=EINVAL='all,cpu\n' \
	strategy=EINVAL='Coherent\n' inject=EINVAL='Timeout\n' run=EINVAL='Start\n'
reject wr "duplicate list item: " x \
	strategy=EINVAL='pool,cpu,pool\n' sizes=EINVAL='64,4K,64\n' sizes=EINVAL='4K,4096\n'
reject wr "empty list item '64,,128' ',64' '64,': " x \
	sizes=EINVAL='64,,128\n' sizes=EINVAL=',64\n' sizes=EINVAL='64,\n' \
	strategy=EINVAL='pool,,cpu\n' strategy=EINVAL=',pool\n' strategy=EINVAL='pool,\n'
reject wr "list with spaces '64, 128': " x \
	sizes=EINVAL='64, 128\n' strategy=EINVAL='pool, cpu\n'
too_many=4
i=2
while [ $i -le 33 ]; do too_many="$too_many,$((i * 4))"; i=$((i + 1)); done
reject wr "33 sizes (at most 32): " "$too_many\\n" sizes=EINVAL
reject wr "size suffix alone, unknown suffix, two suffixes 'K' '4T' '4KK': " x \
	sizes=EINVAL='K\n' sizes=EINVAL='4T\n' sizes=EINVAL='4KK\n'
reject wr "size 0 ('0', '0K'): " x sizes=ERANGE='0\n' sizes=ERANGE='0K\n'
reject wr "size past the 64 MiB bound ('128M', '67108868', '1G', '64,128M'): " x \
	sizes=ERANGE='128M\n' sizes=ERANGE='67108868\n' sizes=ERANGE='1G\n' \
	sizes=ERANGE='64,128M\n'
reject wr "out-of-range numbers (iterations 0 and 1000001, warmup 1000001, verify 2, touch 2, depth 0 and 65, timeout_ms 0 and 60001): " x \
	iterations=ERANGE='0\n' iterations=ERANGE='1000001\n' warmup=ERANGE='1000001\n' \
	verify=ERANGE='2\n' touch=ERANGE='2\n' depth=ERANGE='0\n' depth=ERANGE='65\n' \
	timeout_ms=ERANGE='0\n' timeout_ms=ERANGE='60001\n'
reject wr "out-of-range new knobs (rounds 0 and 1001, shuffle 2, cold 2, touch_bytes and sync_bytes 67108865, cpu 4096): " x \
	rounds=ERANGE='0\n' rounds=ERANGE='1001\n' shuffle=ERANGE='2\n' cold=ERANGE='2\n' \
	touch_bytes=ERANGE='67108865\n' sync_bytes=ERANGE='67108865\n' cpu=ERANGE='4096\n'
reject wr "cpu: 'Any', 'any,0', '0x1'; completion: 'IRQ', 'interrupt': " x cpu=EINVAL='Any\n' \
	cpu=EINVAL='any,0\n' cpu=EINVAL='0x1\n' completion=EINVAL='IRQ\n' completion=EINVAL='interrupt\n'
reject wr "channel names that dmaengine never gives ('dma0chan', 'dmachan1', 'dma0chan1x', 'dma0chan-1'): " x \
	channel=EINVAL='dma0chan\n' channel=EINVAL='dmachan1\n' \
	channel=EINVAL='dma0chan1x\n' channel=EINVAL='dma0chan-1\n'
reject wr "a valid value followed by NUL bytes (printf '64\\0\\0'): " x \
	strategy=EINVAL='pool\0\0' sizes=EINVAL='64\0\0' iterations=EINVAL='64\0\0' \
	warmup=EINVAL='5\0' verify=EINVAL='0\0' touch=EINVAL='0\0' depth=EINVAL='4\0' \
	timeout_ms=EINVAL='100\0' inject=EINVAL='corrupt\0' channel=EINVAL='any\0' \
	run=EINVAL='start\0\0'
all_as EINVAL
reject wbig "a 5000-byte write, more than a page (dd bs=5000, copy included): " x $SPECS copy=EINVAL
reject woff "a valid value at offset 1 (dd seek=1; run has no llseek: ESPIPE from the VFS): " x \
	strategy=EINVAL=pool sizes=EINVAL=64 iterations=EINVAL=64 warmup=EINVAL=5 \
	verify=EINVAL=0 touch=EINVAL=0 depth=EINVAL=4 timeout_ms=EINVAL=100 \
	inject=EINVAL=corrupt channel=EINVAL=none copy=EINVAL=x run=ESPIPE=start

bad=
for f in $VALUED copy; do
	wopen "$D/$f"
	[ "$WR" = ok ] || bad="$bad $f:$WR"
	snap all
	[ "$S" = "$S0" ] || bad="$bad $f:changed-something"
done
is "open for writing and close without a write (': > FILE', O_TRUNC): accepted, nothing changed" "${bad:-none}" none

# the reason, one line each, for a rejected write to every writable file
bad=
for spec in iterations=10x warmup=-1 verify=2 touch=2 depth=65 timeout_ms=0 \
	rounds=0 cpu=4096 cold=2 sizes=64,,128 strategy=bogus inject=bogus channel=10x run=bogus copy=BIG; do
	f=${spec%%=*}
	v=${spec#*=}
	kmark "reason $f"
	if [ "$v" = BIG ]; then wbig "$D/$f"; else wr "$D/$f" "$v\\n"; fi
	# the module's lines only: a loaded emulator adds its own ("hrtimer: interrupt took")
	dmesg_since "reason $f" | grep 'dmademo' > "$T/reason"
	n=$(grep -c . "$T/reason")
	line=$(cat "$T/reason")
	want=$v
	[ "$v" = BIG ] && want=
	case $n:$line in
	1:*"dmademo: $f: "*"$want"*) note "  $f '$v' -> $WR, dmesg:${line#*]}" ;;
	*) bad="$bad $f"; note "  $f '$v' -> $WR, $n lines: $line" ;;
	esac
done
is "every rejected write leaves exactly one line in dmesg: the file, the reason, the value as written" "${bad:-none}" none

# valid without a trailing newline (echo -n): accepted
bad=
for spec in strategy=pool sizes=4K:4096 iterations=42 warmup=0 verify=0 touch=0 depth=3 \
	timeout_ms=250 inject=corrupt rounds=3 shuffle=0 seed=7 cpu=0 touch_bytes=16 sync_bytes=32 \
	cold=1 completion=poll channel=$CH; do
	f=${spec%%=*}
	v=${spec#*=}
	want=${v#*:}
	v=${v%%:*}
	wr "$D/$f" "$v"
	got=
	read -r got < "$D/$f"
	[ "$WR:$got" = "ok:$want" ] || bad="$bad $f:$WR:$got"
done
wr "$D/run" stop
[ "$WR" = ok ] || bad="$bad run:$WR"
is "a valid value without a trailing newline is accepted by every knob, channel and run (stop)" "${bad:-none}" none
set_knobs strategy=pool,cpu sizes=128,4K iterations=7 warmup=3 verify=1 touch=1 \
	depth=2 timeout_ms=1500 inject=none rounds=1 shuffle=1 seed=0 cpu=any touch_bytes=0 sync_bytes=0 \
	cold=0 completion=irq
snap all
is "the knobs restored after the valid writes" "$S" "$S0"

# ---------------------------------------------------------------- during a run
check "a long run is in progress (coherent 4K x $LONG_ITER)" long_start
snap
S1=$S
WR=
bad=
for spec in strategy=cpu sizes=128 iterations=10 warmup=0 verify=0 touch=0 depth=4 \
	timeout_ms=500 inject=corrupt rounds=2 shuffle=0 seed=5 cpu=0 touch_bytes=8 sync_bytes=8 \
	cold=1 completion=poll channel=none channel=any channel=$CH copy=busy run=start; do
	f=${spec%%=*}
	wr "$D/$f" "${spec#*=}\\n"
	[ "$WR" = EBUSY ] || bad="$bad $f:$WR"
done
snap
status
[ "$S" = "$S1" ] || bad="$bad changed-something"
[ "$STATE" = running ] || bad="$bad state:$STATE"
is "writes during a run: EBUSY from every knob, channel (name, any, none), copy and run start; nothing changed" "${bad:-none}" none
case $bad in *changed-something*) note "  before: $S1"; note "  after:  $S" ;; esac

status
d1=$DONE
sleep 0.5
status
check "status during a run: state=running, done grows ($d1 -> $DONE of $TOTAL)" \
	[ "$STATE" = running -a "$DONE" -gt "$d1" -a "$DONE" -lt "$TOTAL" ]
check "info during a run names the channel ($CH)" grep -qx "channel=$CH" "$D/info"
cat "$D/results" > "$T/during.csv"
is "results during a run: every row whole (the header's fields, iter = row, ok = 1)" "$(awk -F, -v hdr="$(columns results)" '
	NR == 1 { if ($0 != hdr) bad++; nf = NF }'"$COLS"'
	NF != nf || col("strategy") != "coherent" || col("size") != 4096 || col("iter") != NR - 2 || col("ok") != 1 { bad++ }
	END { print (NR > 1 ? bad + 0 : "no rows") }' "$T/during.csv")" 0
note "  $(($(wc -l < "$T/during.csv") - 1)) rows read during the run"
is "summary during a run: the header only (the only step has not ended)" \
	"$(cat "$D/summary")" "$(columns summary)"

# stop during a run
stop_run
is "stop during a run: accepted" "$WR" ok
check "stop during a run: state=stopped, 0 < done ($DONE) < total ($TOTAL)" \
	[ "$STATE" = stopped -a "$DONE" -gt 0 -a "$DONE" -lt "$TOTAL" ]
is "results after stop: exactly done rows" "$(($(wc -l < "$D/results") - 1))" "$DONE"
is "summary after stop: the stopped step, n = done" \
	"$(awk -F, "$COLS"'col("phase") == "total" { print col("n") }' "$D/summary")" "$DONE"
before=$ST
stop_run
is "stop when idle: accepted" "$WR" ok
is "stop when idle: status unchanged" "$ST" "$before"

# two starts at once
set_knobs strategy=coherent sizes=4K iterations=$LONG_ITER warmup=0
( ERRF=$T/err1; wr "$D/run" start; echo "$WR" > "$T/start1" ) &
( ERRF=$T/err2; wr "$D/run" start; echo "$WR" > "$T/start2" ) &
wait
is "two processes start at once: one wins, the other gets EBUSY" \
	"$(cat "$T/start1" "$T/start2" | sort | tr '\n' ' ')" "EBUSY ok "
status
is "... and one run is in progress" "$STATE" running
stop_run

# a reader holding results open across a new start keeps the old run
set_knobs strategy=cpu sizes=64 iterations=2000 warmup=0
run_wait > /dev/null
cat "$D/results" > "$T/old.csv"
cat "$D/summary" > "$T/old-summary.csv"
exec 3< "$D/results" 4< "$D/summary"
dd bs=1000 count=1 <&3 > "$T/part1" 2> /dev/null
long_start
status
st_new=$STATE
cat <&3 > "$T/part2"
cat <&4 > "$T/summary2"
exec 3<&- 4<&-
stop_run
cat "$T/part1" "$T/part2" > "$T/held.csv"
check "a results reader across a new start ($st_new while it read) reads the old run byte for byte" \
	cmp -s "$T/held.csv" "$T/old.csv"
is "... whole rows, the old run's count (2000 cpu rows)" \
	"$(awk -F, 'NR == 1 { nf = NF }'"$COLS"'NR > 1 && NF == nf && col("strategy") == "cpu"' "$T/held.csv" | wc -l)" 2000
check "a summary reader across a new start reads the old run's summary" \
	cmp -s "$T/summary2" "$T/old-summary.csv"
is "results opened afterwards shows the new run" \
	"$(awk -F, "$COLS"'NR == 2 { print col("strategy") "," col("size") }' "$D/results")" coherent,4096

# small reads and seeks: seq_file must neither repeat nor drop a row
set_knobs strategy=cpu sizes=64 iterations=2000 warmup=0
run_wait > /dev/null
cat "$D/results" > "$T/whole.csv"
dd if="$D/results" bs=13 2> /dev/null > "$T/small.csv"
check "results read 13 bytes at a time equals one read ($(wc -c < "$T/whole.csv") bytes)" \
	cmp -s "$T/small.csv" "$T/whole.csv"
dd if="$D/results" bs=1000 skip=7 2> /dev/null > "$T/skip.csv"
tail -c +7001 "$T/whole.csv" > "$T/tail.csv"
check "results read from offset 7000 (lseek) equals the same bytes of one read" \
	cmp -s "$T/skip.csv" "$T/tail.csv"

# start and stop in a tight loop: the thread is stopped at every stage,
# before it ever ran included
set_knobs strategy=coherent sizes=4K iterations=20000 warmup=0
bad=
i=0
while [ $i -lt 50 ]; do
	wr "$D/run" start
	[ "$WR" = ok ] || bad="$bad start:$WR"
	wr "$D/run" stop
	[ "$WR" = ok ] || bad="$bad stop:$WR"
	i=$((i + 1))
done
status
rows=$(($(wc -l < "$D/results") - 1))
is "50 x start then stop at once: every write ok, state=stopped, results has done ($DONE) rows" \
	"${bad:-none} $STATE $rows" "none stopped $DONE"

# channel any, again and again: each takes a new channel and releases the
# old one; a leaked channel would run the 11 of the board out
bad=
i=0
while [ $i -lt 30 ]; do
	wr "$D/channel" any
	[ "$WR" = ok ] || bad="$bad $i:$WR"
	i=$((i + 1))
done
is "channel any 30 times in a row (no channel leaked): all accepted" "${bad:-none}" none
is "channel none releases it" "$(wr "$D/channel" none; echo "$WR") $(knob channel)" "ok none"

# ---------------------------------------------------------------- rmmod
long_start > /dev/null
kmark "rmmod during a run"
rmmod dmademo 2> "$ERRF"
rc=$?
check "rmmod during a run: succeeds (rc $rc)" [ $rc -eq 0 ]
check "... the module is gone" eval '! grep -q "^dmademo " /proc/modules && [ ! -d "$D" ]'
check_dmesg "... dmesg has no warning, oops or DMA-API report" "rmmod during a run"

# the reader of wait started below ($wpid): holds wait open and sleeps in its read
reading_wait() {
	for _fd in "/proc/$wpid/fd/"*; do
		[ "$(readlink "$_fd")" = "$D/wait" ] && grep -q '^State:[[:space:]]*S' "/proc/$wpid/status" &&
			return 0
	done
	return 1
}
# wait_stopped TEXT [EIO]: that reader ends, having printed the stopped status, and exits 0; with
# EIO it may exit 1 too: proc_remove() can close the file between the status and cat's next
# read, which then fails with EIO (its message is then the second line of wait.out)
wait_stopped() {
	wait $wpid
	rc=$?
	read -r w < "$T/wait.out"
	_ok=0
	[ -z "${2:-}" ] || _ok="0 1"
	check "$1 (rc $rc, '$w')" eval 'case " $_ok " in *" $rc "*) ;; *) false ;; esac &&
		case "$w" in "state=stopped "*) true ;; *) false ;; esac'
}
load
long_start > /dev/null
cat "$D/wait" > "$T/wait.out" 2>&1 &
wpid=$!
if [ "$D" = /proc/dmademo ]; then
	# procfs holds no reference on the module: rmmod stops the run (dmademo.closing), so wait
	# returns, and proc_remove() releases the files still open (proc_entry_rundown(),
	# fs/proc/inode.c), which then read EIO
	exec 3< "$D/summary"
	i=0
	until reading_wait || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kmark "rmmod with wait blocked"
	rmmod dmademo 2> "$ERRF"
	rc=$?
	check "rmmod while 'cat wait' blocks and summary is open: succeeds (rc $rc)" [ $rc -eq 0 ]
	wait_stopped "... wait returns the stopped status" EIO
	check "... the module is gone" eval '! grep -q "^dmademo " /proc/modules && [ ! -d "$D" ]'
	ename "$(dd bs=64 count=1 <&3 2>&1 >/dev/null | grep dd:)"
	is "... the summary left open reads EIO" "$EN" EIO
	exec 3<&-
	check_dmesg "... dmesg has no warning, oops or DMA-API report" "rmmod with wait blocked"
else
	i=0
	refs=0
	while [ $i -lt 50 ]; do
		read -r refs < /sys/module/dmademo/refcnt
		[ "$refs" -gt 0 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	note "  module refcnt with 'cat wait' blocked: $refs (debugfs holds the module while a file is open)"
	rmmod dmademo 2> "$ERRF"
	rc=$?
	read -r msg < "$ERRF"
	ename "$msg"
	is "rmmod while 'cat wait' blocks: refused with EAGAIN (rc $rc)" "$EN" EAGAIN
	status
	check "... the module is still there, the run still in progress and wait still blocked" \
		eval '[ -d "$D" ] && [ "$STATE" = running ] && kill -0 $wpid'
	stop_run
	wait_stopped "... stop: wait returns the stopped status"
	check "... then rmmod succeeds" unload
fi

# ---------------------------------------------------------------- failures
# The status shows the error with %pe: its name, or its number on a kernel
# without CONFIG_SYMBOLIC_ERRNAME (the debug kernel). status_sym: the status
# line (or $1) with the numbers of the errors expected here named.
status_sym() {
	[ $# -gt 0 ] || read -r _s < "$D/status"
	echo "${1:-$_s}" | sed 's/ (-12)$/ (-ENOMEM)/; s/ (-7)$/ (-E2BIG)/; s/ (-110)$/ (-ETIMEDOUT)/; s/ (-5)$/ (-EIO)/
		s/ (-22)$/ (-EINVAL)/'
}
load
# A size none of the contiguous strategies reaches here: each is skipped
# with its reason, the run goes on, and everything else is served.
set_knobs strategy=coherent,pool,streaming,streaming-sync,noncoherent,cpu sizes=4K,64M \
	iterations=2 warmup=0 depth=1 shuffle=1
is "the six contiguous strategies at 4K and 64M: done, the six 64M cells skipped" "$(run_wait)" \
	"state=done done=12 total=12 errors=0 skipped=6"
is "... results has the 4K transfers of all six" "$(awk -F, "$COLS"'NR > 1 && col("size") == 4096' "$D/results" | wc -l)" 12
is "... summary has the six 4K cells, $(nphases) phases each" \
	"$(awk -F, "$COLS"'!/^#/ && col("size") == 4096' "$D/summary" | wc -l)" $((6 * $(nphases)))
sed 's/ (-12)$/ (-ENOMEM)/; s/ (-7)$/ (-E2BIG)/; s/ (-22)$/ (-EINVAL)/' "$D/summary" > "$T/skipped"
# KMALLOC_MAX_SIZE as info says: 4 MiB on arm64 and x86-64, 8 MiB on 32-bit ARM (armmp's
# ARCH_FORCE_MAX_ORDER=12)
KMAX=$(sed -n 's/^kmalloc_max_size=//p' "$D/info")
bad=
for sa in "coherent:dma_alloc_coherent failed (-ENOMEM)" \
	"pool:larger than 4096 B: blocks above a page are each a dma_alloc_coherent() (-EINVAL)" \
	"streaming:larger than KMALLOC_MAX_SIZE ($KMAX B) (-E2BIG)" \
	"streaming-sync:larger than KMALLOC_MAX_SIZE ($KMAX B) (-E2BIG)" \
	"noncoherent:dma_alloc_noncoherent failed (-ENOMEM)" \
	"cpu:larger than KMALLOC_MAX_SIZE ($KMAX B) (-E2BIG)"; do
	grep -qxF "# skipped: ${sa%%:*} 67108864: ${sa#*:}" "$T/skipped" || bad="$bad ${sa%%:*}"
done
is "... summary says why each 64M cell was skipped" "${bad:-none}" none
grep '^#' "$T/skipped" | sed 's/^/#   /'
set_knobs strategy=coherent sizes=4K iterations=5 shuffle=1
is "after the allocation failures a normal run works" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"

# More than the board has, in pages: sg at 64 MiB with 8 transfers in flight asks for
# 1 GiB, 16384 pages a buffer. The pages must fail (the cell skipped with ENOMEM), not wake
# the OOM killer: the run's thread cannot be killed, so it killed the shell, then init, and
# panicked ("System is deadlocked on memory", once in the debug kernel's soak).
sleep 600 &
canary=$!
dmesg -c > /dev/null
set_knobs strategy=sg sizes=64M depth=8 iterations=1 warmup=0
st=$(run_wait)
is "sg at 64 MiB, depth 8 (1 GiB): the run ends done with the cell skipped" \
	"$(echo "$st" | sed 's/ errors=.*//')" "state=done done=0 total=0"
check "... with ENOMEM and its reason in summary" grep -qE '^# skipped: sg 67108864: .*\((-ENOMEM|-12)\)$' "$D/summary"
check "... the OOM killer was not woken" sh -c '! dmesg | grep -q "invoked oom-killer"'
check "... and a process beside it lives on" kill -0 "$canary"
kill "$canary" 2>/dev/null
# at depth 64 the descriptor pointers alone are 16 MB, past kmalloc's largest: no WARNING
set_knobs depth=64
st=$(run_wait)
is "... at depth 64 (8 GiB): the same" "$(echo "$st" | sed 's/ errors=.*//')" "state=done done=0 total=0"
check "... and the log has no WARNING" sh -c '! dmesg | grep -q "WARNING:"'
set_knobs depth=1

set_knobs strategy=coherent,pool,streaming sizes=64 iterations=1000000
wr "$D/run" start
ST=$(status_sym)
is "3 strategies x 1000000 iterations (3000000 samples > 2000000): start refused with E2BIG" "$WR" E2BIG
case $ST in
"state=failed "*"error=3000000 samples asked for, at most 2000000 per run (-E2BIG)") r=ok ;;
*) r=$ST ;;
esac
is "... status: state=failed with the reason" "$r" ok
set_knobs iterations=5
is "... then a normal run works" "$(run_wait)" "state=done done=15 total=15 errors=0 skipped=0"

# sync_bytes below the bytes the CPU touches (at 64 B all of it is touched and synced, at 4 KiB
# the first 256 B are touched, 64 synced): the start is refused with the reason, nothing changed
set_knobs strategy=coherent,streaming-sync sizes=64,4K iterations=5 touch_bytes=256 sync_bytes=64
snap
S1=$S
kmark "sync refused"
wr "$D/run" start
ST=$(status_sym)
is "sync_bytes=64 below touch_bytes=256 (streaming-sync at 4 KiB): start refused with EINVAL" "$WR" EINVAL
case $ST in
"state=failed "*"error=sync_bytes=64 is below the 256 B the CPU touches at size 4096: it would read bytes not synced for it (-EINVAL)") r=ok ;;
*) r=$ST ;;
esac
is "... status: state=failed with the reason" "$r" ok
is "... and one line of it in dmesg" "$(dmesg_since "sync refused" | grep -c 'dmademo: run failed: sync_bytes=64 ')" 1
snap
is "... the knobs unchanged" "$S" "$S1"
set_knobs strategy=coherent,streaming,sg
is "... strategies that do not sync ignore it: the same knobs run" "$(run_wait)" \
	"state=done done=30 total=30 errors=0 skipped=0"
set_knobs strategy=coherent,streaming-sync touch=0
is "... touch=0, nothing touched: the same knobs run" "$(run_wait)" "state=done done=20 total=20 errors=0 skipped=0"
set_knobs touch=1 sync_bytes=256
is "... sync_bytes=256: the next start works, every transfer verified" "$(run_wait)" \
	"state=done done=20 total=20 errors=0 skipped=0"
set_knobs touch_bytes=0 sync_bytes=0

# fails_as TEXT REASON: a start ends with state=failed, nothing done, and error=REASON
fails_as() {
	wr "$D/run" start
	read -r st < "$D/wait"
	st=$(status_sym "$st")
	case $st in
	"state=failed done=0 "*" error=$2") r=ok ;;
	*) r=$st ;;
	esac
	is "$1" "$r" ok
}

# A driver with device_synchronize (bcm2835-dma) gets its channel back after a timeout; one
# without it (pl330) gives no guarantee that no late callback runs, so the channel is kept as
# stuck, with the step's buffers, until it is released: what dmademo_chan_quiet() does.
SYNC=$(sed -n 's/^chan_synchronize=//p' "$D/info")    # (the run above took a channel)
note "the channel's driver has device_synchronize: ${SYNC:-?}"
if [ "$SYNC" = 1 ]; then
	LOST=
else
	LOST="; the channel could not be stopped: its buffers are kept"
fi
# after_timeout TEXT RUN-STATUS: the channel as the driver leaves it, then a run with RUN-STATUS
after_timeout() {
	if [ "$SYNC" = 1 ]; then
		is "... $1: the channel was terminated and is kept ($ch0): a normal run on it works" \
			"$(run_wait) $(knob channel)" "$2 $ch0"
	else
		check "... $1: no device_synchronize: info says chan_stuck=1" grep -qx chan_stuck=1 "$D/info"
		k0=$(sed -n 's/^stuck_kept=//p' "$D/info")
		kwrite "$D/channel" none >/dev/null
		check "... $1: released after a last terminate that stopped it: nothing more kept (stuck_kept=$k0)" \
			grep -qx "stuck_kept=$k0" "$D/info"
		is "... $1: released (channel none), a run on a fresh channel works" "$(run_wait)" "$2"
	fi
}

for s in coherent streaming; do
	set_knobs strategy=$s sizes=4K iterations=5 warmup=0 depth=1 timeout_ms=200 inject=timeout
	ch0=$(knob channel)
	fails_as "$s, inject=timeout, timeout_ms=200: state=failed, error= says the transfer timed out (ETIMEDOUT)" \
		"$s 4096 B: transfer timed out after 200 ms$LOST (-ETIMEDOUT)"
	set_knobs inject=none timeout_ms=1000
	after_timeout "$s" "state=done done=5 total=5 errors=0 skipped=0"
done

set_knobs strategy=streaming sizes=4K iterations=5 warmup=0 timeout_ms=200 inject=timeout completion=poll
ch0=$(knob channel)
fails_as "completion=poll, inject=timeout: polling gives up after timeout_ms too (ETIMEDOUT)" \
	"streaming 4096 B: transfer timed out after 200 ms$LOST (-ETIMEDOUT)"
set_knobs inject=none timeout_ms=1000
after_timeout "polled" "state=done done=5 total=5 errors=0 skipped=0"

# A poll that lasts seconds gives the CPU up (engine.c: poll_finish()): with the soft-lockup
# watchdog at 2 s (watchdog_thresh=1) and RCU's stall timeout at 3 s, a 6 s polled timeout
# trips neither. Before the fix, Debian's PREEMPT_VOLUNTARY kernels reported both. (The debug
# kernel has no soft-lockup detector: RCU's alone watches there.)
WT=/proc/sys/kernel/watchdog_thresh
RT=/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
wt0=$(cat $WT 2>/dev/null)
rt0=$(cat $RT 2>/dev/null)
[ -n "$wt0" ] || note "no $WT: this kernel has no soft-lockup detector"
if [ -n "$rt0" ] && { [ -z "$wt0" ] || echo 1 > $WT; } && echo 3 > $RT; then
	LOCKUP_RE='soft lockup|detected stalls|self-detected stall'
	stalls0=$(dmesg | grep -cE "$LOCKUP_RE")
	set_knobs strategy=coherent timeout_ms=6000 inject=timeout
	fails_as "completion=poll, inject=timeout, timeout_ms=6000: ETIMEDOUT after 6 s" \
		"coherent 4096 B: transfer timed out after 6000 ms$LOST (-ETIMEDOUT)"
	stalls=$(($(dmesg | grep -cE "$LOCKUP_RE") - stalls0))
	if [ -n "$wt0" ]; then what="neither the soft-lockup watchdog (2 s) nor RCU (3 s)"
	else what="no RCU stall (3 s; no soft-lockup detector here)"; fi
	is "... and a 6 s poll trips $what" "$stalls" 0
	[ "$stalls" = 0 ] || dmesg | grep -E -A3 "$LOCKUP_RE" | tail -20 | sed 's/^/#   /'
	[ -z "$wt0" ] || echo "$wt0" > $WT
	echo "$rt0" > $RT
	set_knobs inject=none timeout_ms=1000
	after_timeout "the long poll" "state=done done=5 total=5 errors=0 skipped=0"
else
	tap_fail "RCU's stall timeout (and the soft-lockup watchdog's, if any) can be lowered ($WT '$wt0', $RT '$rt0')"
fi
set_knobs completion=irq

# A channel that cannot be stopped after a timeout (inject=stuck plays a
# driver whose terminate fails): its buffers are kept, it is not used again
# until it is released, and releasing it frees them.
set_knobs strategy=streaming sizes=4K iterations=5 warmup=0 depth=1 timeout_ms=200 inject=stuck
ch0=$(knob channel)
fails_as "inject=stuck: state=failed, error= says the channel could not be stopped" \
	"streaming 4096 B: transfer timed out after 200 ms; the channel could not be stopped: its buffers are kept (-ETIMEDOUT)"
check "... info says chan_stuck=1" grep -qx chan_stuck=1 "$D/info"
set_knobs inject=none timeout_ms=1000
wr "$D/run" start
is "... a new run on it is refused with EIO" "$WR" EIO
check "... and the status says to select another channel" \
	grep -q "error=$ch0 could not be stopped after a failed transfer: select another channel, or none" "$D/status"
wr "$D/copy" x
is "... copy on it is refused with EIO" "$WR" EIO
check "... nothing is kept for the module's lifetime yet (stuck_kept=0)" grep -qx stuck_kept=0 "$D/info"
# releasing stops nothing (main.c: dmademo_chan_set()): the injected channel's last terminate
# fails too, so what it kept stays until unload
is "... channel none releases it" "$(kwrite "$D/channel" none)" ok
check "... and, its last terminate failing, keeps its buffers until unload (stuck_kept=1)" \
	grep -qx stuck_kept=1 "$D/info"
is "... then a run on a fresh channel works" "$(run_wait)" "state=done done=5 total=5 errors=0 skipped=0"
check "... and info says chan_stuck=0" grep -qx chan_stuck=0 "$D/info"

# Failures of the DMA API and of dmaengine that a user cannot provoke, injected. A mapping
# that fails skips the cell with its reason, as a full swiotlb or IOMMU would; a descriptor
# that cannot be prepared or submitted fails the run with the reason, and the channel is
# quiesced (an 8 KiB sg transfer is two pieces: the first stays prepared or submitted).
# Either way the next run works; on the debug kernel, debugchecks.sh then finds no mapping
# or buffer left behind. Without device_synchronize, any abort keeps the channel (above).
for c in "streaming 4K map-error mapping failed" \
	"sg 8K map-error mapping failed" \
	"coherent 4K prep-error dmaengine_prep_dma_memcpy failed" \
	"sg 8K prep-error dmaengine_prep_dma_memcpy failed" \
	"coherent 4K submit-error dmaengine_submit failed" \
	"sg 8K submit-error dmaengine_submit failed"; do
	set -- $c
	s=$1 z=$2 f=$3
	shift 3
	why="$*"
	bytes=$((${z%K} * 1024))
	set_knobs strategy=$s sizes=$z iterations=3 warmup=0 depth=1 inject=$f
	ch0=$(knob channel)
	if [ "$f" = map-error ] && [ "$SYNC" = 1 ]; then
		is "$s $z, inject=map-error: the cell is skipped, nothing else fails" \
			"$(run_wait)" "state=done done=0 total=0 errors=0 skipped=1"
		check "... the summary says why: $why (-ENOMEM)" \
			grep -qxE "# skipped: $s $bytes: $why \((-ENOMEM|-12)\)" "$D/summary"
	else
		errno=-EIO
		[ "$f" != map-error ] || errno=-ENOMEM
		fails_as "$s $z, inject=$f: state=failed, error= says $why" "$s $bytes B: $why$LOST ($errno)"
	fi
	set_knobs inject=none
	after_timeout "$s, $f" "state=done done=3 total=3 errors=0 skipped=0"
done
# A size that is not a multiple of 4 froze the emulated Pi (QEMU's bcm2835 DMA model never ends
# it; the soak found it): DMA cells skip it with the reason, the CPU copy runs it
set_knobs strategy=coherent,cpu sizes=3 iterations=2 warmup=0 depth=1
is "sizes=3: the coherent cell is skipped, the cpu cell runs" \
	"$(run_wait)" "state=done done=2 total=2 errors=0 skipped=1"
check "... the summary says why: not a multiple of 4 B" \
	grep -qE "^# skipped: coherent 3: not a multiple of 4 B: .* \((-EINVAL|-22)\)$" "$D/summary"
check "module unloads" unload

# ---------------------------------------------------------------- leaks
# kmalloc-*: active objects x object size, from /proc/slabinfo. Each kmalloc cache shrunk first:
# objects freed but held in its per-CPU slabs (and, from 7.x, in its per-CPU sheaves and the
# node's barn) count as active until kmem_cache_shrink() flushes them (__kmem_cache_shrink():
# flush_all(), then barn_shrink(), mm/slub.c), which made 7.2's figure swing 54..173 KiB
meminfo() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for _s in /sys/kernel/slab/kmalloc-*/shrink; do
		[ -e "$_s" ] && echo 1 > "$_s"
	done
	awk '/^(MemAvailable|Slab|SUnreclaim|CmaFree):/ { printf "%s=%s ", substr($1, 1, length($1) - 1), $2 }' /proc/meminfo
	if [ -r /proc/slabinfo ]; then
		awk 'NR > 2 && $1 ~ /^kmalloc-/ { b += $2 * $4 } END { printf "kmalloc=%d", b / 1024 }' /proc/slabinfo
	else
		printf 'kmalloc=0'
	fi
}
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
cycle() {
	insmod "$KO" &&
	set_knobs strategy=coherent,pool,streaming,streaming-sync,noncoherent sizes=64,64K \
		iterations=3 warmup=0 &&
	[ "$(run_wait)" = "state=done done=27 total=27 errors=0 skipped=1" ] &&
	rmmod dmademo
}
# 50 cycles, or ROBUST_CYCLES (tests/check: 20 on the slower 32-bit boards); 10 on the debug
# kernel, whose kmemleak (after the suite) finds what one cycle leaks
N=${ROBUST_CYCLES:-50}
if [ -z "${ROBUST_CYCLES:-}" ] && dbg_active; then N=10; fi
bad=0
i=0
while [ $i -lt 5 ]; do cycle || bad=$((bad + 1)); i=$((i + 1)); done
m0=$(meminfo)
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt $N ]; do cycle || bad=$((bad + 1)); i=$((i + 1)); done
t1=$(cut -d' ' -f1 /proc/uptime)
m1=$(meminfo)
is "$N load / run (5 DMA strategies x 64 B, 64 KiB) / unload cycles, after 5 to warm up" "$bad failed" "0 failed"
note "  $N cycles in $(awk "BEGIN { print $t1 - $t0 }") s"
# Free memory (MemAvailable, CmaFree) must not shrink and used memory (the
# unreclaimable slabs, SUnreclaim, where kmalloc() and the module's caches
# live; kmalloc) must not grow by more than the tolerance. Slab is shown, not
# compared: its reclaimable part (dentries, inodes of the debugfs files) is
# not all dropped by drop_caches and moved 48..264 KiB on unchanged code. With kmemleak (the
# debug kernel) KASAN's quarantine keeps freed objects in the slabs for a
# while: there, slab deltas say nothing and kmemleak (debugchecks.sh, after
# the suite) looks for leaks instead.
note "  Slab: $(kv "$m0" Slab) kB before, $(kv "$m1" Slab) kB after (not compared)"
for k in MemAvailable:free:4096 CmaFree:free:256 SUnreclaim:used:256 kmalloc:used:128; do
	tol=${k##*:}
	kind=${k#*:}
	kind=${kind%:*}
	k=${k%%:*}
	b=$(kv "$m0" "$k")
	a=$(kv "$m1" "$k")
	if [ "$kind" = free ]; then
		d=$((b - a))
		[ $d -ge 0 ] && lost="shrank $d KiB" || lost="grew $((-d)) KiB"
	else
		d=$((a - b))
		[ $d -ge 0 ] && lost="grew $d KiB" || lost="shrank $((-d)) KiB"
	fi
	note "  $k: $b kB before, $a kB after, $lost (tolerance $tol kB)"
	if [ "$kind" = used ] && [ -e /sys/kernel/debug/kmemleak ]; then
		tap_ok "$k after $N cycles: not compared with kmemleak and KASAN here ($lost) # SKIP"
		continue
	fi
	check "$k after $N cycles within $tol KiB of before ($lost)" [ "$d" -le "$tol" ]
done

check_dmesg "dmesg for the whole suite: no WARNING, BUG, Oops, DMA-API, sleeping in atomic context, Call trace" "$SUITE_MARK"
rm -rf "$T"
