# Shared helpers for the in-guest suites (busybox sh). Source it; set SUITE first.
#
#   tap_ok TEXT / tap_fail TEXT     one TAP line (`ok - SUITE: TEXT`), counted in TAP_FAILED
#   check TEXT CMD...               ok if CMD succeeds
#   is TEXT GOT WANT                ok if GOT = WANT, else says both
#   kwrite FILE VALUE               writes VALUE and a newline; prints ok or the errno name
#   run_wait                        start a run, wait for it, print the status line
#                                   without its seed= (random unless set)

D=/sys/kernel/debug/dmademo
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

# (busybox echo reports a failed write; its printf does not)
kwrite() {
	if _m=$( { echo "$2" > "$1"; } 2>&1 ); then
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
