# scripts/qemu-lib.sh: what the emulated-machine runners (qemu-rpi3, qemu-x86, qemu-arm64-virt)
# share: options, the busybox initramfs and its /init, the console protocol, the /out archive,
# exit statuses. Sourced, not run. A runner sets PROG and its defaults (MEM), defines the
# hooks below, and calls qemu_main "$@"; its help is its own header comment, from line 2 to
# `set -euo pipefail`.
#
# Hooks:
#   machine_option ARGS...  an option of the runner's own: consume it, set NSHIFT to the number
#                           of arguments taken; return 1 if ARGS[0] is not one
#   machine_check           validate those options after parsing (bad_usage on error)
#   select_kernel           set IMAGE, KREL, BUSYBOX and PRELOAD_KO (may be empty: a module
#                           /init loads first), CMDLINE_EXTRA
#   machine_prepare         anything in $WORK before the boot (a DTB...)
#   machine_describe        print what is booted, for the line before the boot
#   machine_qemu            set QEMU_CMD (emulator, machine, memory, kernel, devices: what comes
#                           before -initrd), CONSOLE (the guest's console device) and
#                           MACHINE_APPEND (kernel command line of the machine, may be empty)
# select_kernel may also set HALT: how the guest's /init ends the machine (default "reboot -f",
# which with -no-reboot ends QEMU). A runner that sets ROOTFS_OK=1 takes --rootfs FILE: a
# gzip'd newc cpio of a whole userland (scripts/userland) that the initramfs is laid over.
# The kernel command line is "console=$CONSOLE,115200 rdinit=/init panic=-1 $MACHINE_APPEND
# $CMDLINE_EXTRA $QEMU_APPEND"; QEMU also gets -initrd, -append, -serial stdio -display none
# -monitor none -no-reboot.
# shellcheck shell=bash

TIMEOUT=${QEMU_TIMEOUT:-300}
# shellcheck disable=SC2034  # the runner's machine_qemu reads it; it sets the default
MEM=""
OUTDIR=""
KOS=()
FILES=()
SCRIPT=""
ARGS=()
NSHIFT=0
CMDLINE_EXTRA=""
PRELOAD_KO=""
QEMU_CMD=()
CONSOLE=""
MACHINE_APPEND=""
HALT="reboot -f"
ROOTFS=""
ROOTFS_OK=0   # the runner sets 1 after sourcing this

WORK=""
QPID=""     # timeout(1) running QEMU: it passes a TERM on to QEMU
FPID=""     # console filter

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
fail() { say "error: $*"; exit 125; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"; }   # the runner's header
bad_usage() { say "$*"; say "see $PROG --help"; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Single-quote a string for sh.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Read KEY=value lines (values optionally quoted) into shell variables; only the keys that
# the helper scripts and the console filter define.
read_keys() {
	local line key val
	while IFS= read -r line; do
		[[ $line =~ ^((DEB|COMPAT|NEXT|DBG|X86|ARMHF|ST)_[A-Z0-9_]+|BUSYBOX|CMDLINE_EXTRA)=(.*)$ ]] || continue
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[3]}
		if [[ $val == \'*\' ]]; then
			val=${val:1:-1} val=${val//\'\\\'\'/\'}
		elif [[ $val == \"*\" ]]; then
			val=${val:1:-1}
		fi
		printf -v "$key" '%s' "$val"
	done
}

# shellcheck disable=SC2034  # MEM: the runner's machine_qemu reads it
parse_args() {
	while [ $# -gt 0 ]; do
		if machine_option "$@"; then
			shift "$NSHIFT"
			continue
		fi
		case $1 in
		--timeout) TIMEOUT=${2:-}; shift 2 || bad_usage "--timeout needs a value" ;;
		--timeout=*) TIMEOUT=${1#*=}; shift ;;
		--out) OUTDIR=${2:-}; shift 2 || bad_usage "--out needs a value" ;;
		--out=*) OUTDIR=${1#*=}; shift ;;
		--mem) MEM=${2:-}; shift 2 || bad_usage "--mem needs a value" ;;
		--mem=*) MEM=${1#*=}; shift ;;
		--ko) KOS+=("${2:-}"); shift 2 || bad_usage "--ko needs a file" ;;
		--ko=*) KOS+=("${1#*=}"); shift ;;
		--file) FILES+=("${2:-}"); shift 2 || bad_usage "--file needs a path" ;;
		--file=*) FILES+=("${1#*=}"); shift ;;
		--rootfs | --rootfs=*)
			[ "$ROOTFS_OK" = 1 ] || bad_usage "unknown option: $1"
			if [ "$1" = --rootfs ]; then
				ROOTFS=${2:-}; shift 2 || bad_usage "--rootfs needs a file"
			else
				ROOTFS=${1#*=}; shift
			fi ;;
		-h | --help) usage; exit 0 ;;
		--) shift; break ;;
		-?*) bad_usage "unknown option: $1" ;;
		*) break ;;
		esac
	done
	[ $# -ge 1 ] || bad_usage "no SCRIPT given"
	SCRIPT=$1
	shift
	ARGS=("$@")
	machine_check
	if ! [[ $TIMEOUT =~ ^[0-9]+$ ]] || [ "$TIMEOUT" -eq 0 ]; then
		bad_usage "--timeout: seconds, not '$TIMEOUT'"
	fi
	[ "$SCRIPT" = - ] || [ -f "$SCRIPT" ] || bad_usage "no such script: $SCRIPT"
	local f
	for f in "${KOS[@]}"; do [ -f "$f" ] || bad_usage "--ko: no such file: $f"; done
	for f in "${FILES[@]}"; do [ -e "$f" ] || bad_usage "--file: no such file or folder: $f"; done
	[ -z "$ROOTFS" ] || [ -s "$ROOTFS" ] || bad_usage "--rootfs: no such file, or empty: $ROOTFS"
}

# board_dtb DTB N: the board's DTB as $WORK/board.dtb, with N dmademo nodes added
# (devicetree/add-node: /dmademo, then /dmademo2)
board_dtb() {
	local dtb=$1 n=$2 add=$HERE/../devicetree/add-node
	cp "$dtb" "$WORK/board.dtb"
	if [ "$n" -ge 1 ]; then
		"$add" "$WORK/board.dtb" "$WORK/board.dtb" 2>/dev/null ||
			fail "devicetree/add-node failed on $dtb"
	fi
	if [ "$n" -ge 2 ]; then
		"$add" --path /dmademo2 "$WORK/board.dtb" "$WORK/board.dtb" 2>/dev/null ||
			fail "devicetree/add-node --path /dmademo2 failed on $dtb"
	fi
}

# shellcheck disable=SC2317  # trap handlers
cleanup() {
	if [ -n "$QPID" ]; then kill "$QPID" 2>/dev/null || true; fi
	if [ -n "$FPID" ]; then kill "$FPID" 2>/dev/null || true; fi
	if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
}

# shellcheck disable=SC2317
on_signal() {
	say "interrupted"
	trap - EXIT
	cleanup
	exit 130
}

write_init() {   # $1 = marker token, $2 = output file
	local token=$1 file=$2 deadline arg
	# The guest kills the script a little before the host's timeout, so /out and dmesg still
	# come back; the host's timeout stays the hard bound (a frozen guest, a slow archive).
	deadline=$((TIMEOUT - (TIMEOUT / 10 > 5 ? TIMEOUT / 10 : 5)))
	{
		echo '#!/bin/sh'
		echo "M=$(shquote "@@dmademo:$token:")"
		echo "SCRIPT=$(shquote "$SCRIPT_NAME")"
		echo "DEADLINE=$deadline"
		echo "HOST_TIME=$(date +%s)"
		echo "PRELOAD=$(shquote "${PRELOAD_KO:+/lib/modules/${PRELOAD_KO##*/}}")"
		echo "HALT=$(shquote "${ROOTFS:+/busybox/busybox }$HALT")"
		printf 'set --'
		for arg in "${ARGS[@]}"; do printf ' %s' "$(shquote "$arg")"; done
		echo
		if [ -n "$ROOTFS" ]; then   # the userland's programs first, busybox's for the rest
			echo 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/busybox HOME=/root'
			echo '/busybox/busybox --install -s /busybox'
		else
			echo 'export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root'
			echo '/bin/busybox --install -s'
		fi
		cat <<'EOF'
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
ln -s /proc/self/fd /dev/fd 2>/dev/null   # bash's <(...)
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
dmesg -n 1
# no RTC: take the host's clock (as of QEMU's start, plus the boot time)
date -s "@$((HOST_TIME + $(cut -d. -f1 /proc/uptime)))" >/dev/null
[ -z "$PRELOAD" ] || insmod "$PRELOAD" || echo "init: insmod $PRELOAD failed"
mkdir -p /out
cd /work || exit
echo "${M}begin"
OUT=/out setsid sh ./"$SCRIPT" "$@" </dev/null 2>&1 &
pid=$!
up=$(cut -d. -f1 /proc/uptime)
left=$((DEADLINE - up))
[ "$left" -gt 0 ] || left=1
( sleep "$left"; echo "${M}timeout"; kill -9 -"$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null ) &
timer=$!
wait "$pid"
rc=$?
kill "$timer" 2>/dev/null
echo "${M}end:$rc"
cd /
dmesg >/out/dmesg.txt 2>&1
(cd /out && tar -cf - .) | gzip -1 >/tmp/.out.tar.gz
sum=$(md5sum </tmp/.out.tar.gz)
echo "${M}archive:${sum%% *}:$(wc -c </tmp/.out.tar.gz)"
stty -opost 2>/dev/null   # no \r per line: a third faster
base64 </tmp/.out.tar.gz
echo "${M}archive-end"
echo "${M}done"
sync
$HALT
sleep 5
echo "init: $HALT failed"
while :; do sleep 1000; done
EOF
	} >"$file"
}

make_initrd() {   # $1 = marker token
	local root=$WORK/initrd f mods=lib/modules
	if [ -n "$ROOTFS" ]; then
		# Laid over a userland whose /bin and /lib may be symlinks (usr-merge), which a
		# directory of the same name here would replace: busybox goes to /busybox, modules
		# to /usr/lib/modules, which is /lib/modules there.
		mods=usr/lib/modules
		mkdir -p "$root"/{busybox,work,out,$mods}
		cp "$BUSYBOX" "$root/busybox/busybox"   # the init's HALT runs it by its path
	else
		mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,work,out,$mods}
		cp "$BUSYBOX" "$root/bin/busybox"
		ln -s busybox "$root/bin/sh"
	fi
	if [ -n "$PRELOAD_KO" ]; then cp "$PRELOAD_KO" "$root/$mods/"; fi
	for f in "${KOS[@]}"; do cp "$f" "$root/$mods/"; done
	for f in "${FILES[@]}"; do cp -RL "$f" "$root/work/"; done
	if [ "$SCRIPT" = - ]; then
		SCRIPT_NAME=script.sh
		cat >"$root/work/$SCRIPT_NAME"
	else
		SCRIPT_NAME=${SCRIPT##*/}
		cp "$SCRIPT" "$root/work/$SCRIPT_NAME"
	fi
	write_init "$1" "$root/init"
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$WORK/initrd.gz"
	if [ -n "$ROOTFS" ]; then   # the kernel unpacks concatenated archives in turn
		cat "$ROOTFS" "$WORK/initrd.gz" >"$WORK/initrd-all.gz"
		mv "$WORK/initrd-all.gz" "$WORK/initrd.gz"
	fi
}

# Reads the console on stdin: all of it to console.log, the script's lines to stdout, the
# archive to a file; at the end, what it saw as key=value lines in the status file.
# After the last marker it gives QEMU 5 s to exit by itself, then stops it.
# shellcheck disable=SC2016  # perl code
FILTER='
use strict; use warnings;
my ($tok, $log, $payload, $status, $qpid) = @ARGV;
my $m = "\@\@dmademo:$tok:";
open(my $L, ">", $log) or die "$log: $!";
open(my $P, ">", $payload) or die "$payload: $!";
select($L); $| = 1; select(STDOUT); $| = 1;
my %st = (lines => 0); my $state = "boot";
$SIG{ALRM} = sub { $st{killed} = 1; kill "TERM", $qpid; };
sub text { my ($t) = @_; print $L "$t\n"; print STDOUT "$t\n" if $state eq "script"; }
while (my $line = <STDIN>) {
	$line =~ s/[\r\n]//g;
	my $i = index($line, $m);
	if ($i < 0) {
		if ($state eq "archive") { print $P "$line\n"; $st{lines}++; } else { text($line); }
		next;
	}
	my $pre = substr($line, 0, $i); my $rest = substr($line, $i + length $m);
	text($pre) if $pre ne "";
	print $L "$m$rest\n";
	if ($rest eq "begin") { $state = "script"; $st{begin} = 1; }
	elsif ($rest =~ /^end:(\d+)$/) { $state = "after"; $st{rc} = $1; }
	elsif ($rest eq "timeout") { $st{guest_timeout} = 1; }
	elsif ($rest =~ /^archive:([0-9a-f]{32}):(\d+)$/) { $state = "archive"; $st{md5} = $1; $st{size} = $2; }
	elsif ($rest eq "archive-end") {
		$state = "after"; $st{archive} = 1;
		print $L "[$st{lines} lines of base64: the /out archive]\n";
	}
	elsif ($rest eq "done") { $st{done} = 1; alarm 5; }
}
close $P;
open(my $S, ">", $status) or die "$status: $!";
print $S "ST_\U$_\E=$st{$_}\n" for sort keys %st;
close $S;
'

run_qemu() {   # $1 = marker token; sets QRC
	QEMU_CMD=() CONSOLE="" MACHINE_APPEND=""
	machine_qemu
	if [ ${#QEMU_CMD[@]} -eq 0 ] || [ -z "$CONSOLE" ]; then fail "machine_qemu set no command"; fi
	local append="console=$CONSOLE,115200 rdinit=/init panic=-1 "
	append+="${MACHINE_APPEND:+$MACHINE_APPEND }$CMDLINE_EXTRA ${QEMU_APPEND:-}"
	# a userland's hundreds of MB: tmpfs, the rootfs otherwise, would stop at half the memory
	[ -z "$ROOTFS" ] || append+=" rootfstype=ramfs"
	mkfifo "$WORK/console"
	timeout -k 5 "$TIMEOUT" "${QEMU_CMD[@]}" -initrd "$WORK/initrd.gz" -append "$append" \
		-serial stdio -display none -monitor none -no-reboot \
		</dev/null >"$WORK/console" 2>"$WORK/qemu.stderr" &
	QPID=$!
	# in the background so that a signal to this script is handled at once
	perl -e "$FILTER" "$1" "$OUTDIR/console.log" "$WORK/archive.b64" "$WORK/status" "$QPID" \
		<"$WORK/console" &
	FPID=$!
	wait "$FPID" || fail "console filter failed"
	FPID=""
	QRC=0
	wait "$QPID" || QRC=$?
	QPID=""
}

# Decode, check and extract the /out archive; fails if it is missing or damaged.
extract_out() {
	[ -n "$ST_ARCHIVE" ] || return 1
	base64 -d "$WORK/archive.b64" >"$WORK/out.tar.gz" 2>/dev/null || return 1
	local sum size
	sum=$(md5sum <"$WORK/out.tar.gz") size=$(wc -c <"$WORK/out.tar.gz")
	[ "${sum%% *}" = "$ST_MD5" ] && [ "$size" = "$ST_SIZE" ] || return 1
	tar -xzf "$WORK/out.tar.gz" -C "$OUTDIR" --no-same-owner --exclude=./console.log
}

console_tail() {
	say "last 40 console lines:"
	tail -n 40 "$OUTDIR/console.log" | sed 's/^/  | /' >&2
	if [ -s "$WORK/qemu.stderr" ]; then sed 's/^/  qemu: /' "$WORK/qemu.stderr" >&2; fi
}

qemu_main() {
	parse_args "$@"
	select_kernel
	[ -f "${BUSYBOX:-}" ] || fail "no busybox for the initramfs: '${BUSYBOX:-}'"
	if [ -n "$OUTDIR" ]; then
		mkdir -p "$OUTDIR"
	else
		OUTDIR=$(mktemp -d "${TMPDIR:-/tmp}/$PROG.XXXXXX")
	fi
	OUTDIR=$(cd "$OUTDIR" && pwd)
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$PROG-work.XXXXXX")
	trap cleanup EXIT
	trap on_signal INT TERM HUP

	local token
	token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	machine_prepare
	make_initrd "$token"
	say "$(machine_describe), timeout ${TIMEOUT}s, out $OUTDIR"

	local t0
	t0=$(now)
	run_qemu "$token"
	local secs
	secs=$(elapsed "$t0")

	ST_RC="" ST_GUEST_TIMEOUT="" ST_ARCHIVE="" ST_MD5="" ST_SIZE="" ST_DONE="" ST_KILLED=""
	[ -f "$WORK/status" ] && read_keys <"$WORK/status"

	local got_out=0
	if extract_out; then got_out=1; fi

	if [ -n "$ST_GUEST_TIMEOUT" ] || { [ -z "$ST_DONE" ] && { [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; }; }; then
		console_tail
		[ $got_out = 1 ] && say "the guest's /out (as far as it got) is in $OUTDIR"
		say "guest timed out after $TIMEOUT s"
		exit 124
	fi
	if [ -z "$ST_RC" ]; then
		console_tail
		if [ -s "$OUTDIR/console.log" ]; then
			say "guest died without finishing the script (QEMU status $QRC, ${secs}s)"
		else
			say "QEMU failed to start (status $QRC)"
		fi
		exit 125
	fi
	if [ $got_out = 0 ]; then
		console_tail
		say "script status $ST_RC, but /out did not come back intact"
		exit 125
	fi
	[ -z "$ST_KILLED" ] || say "warning: QEMU did not exit after the guest finished; stopped it"
	say "status $ST_RC, ${secs}s, out $OUTDIR"
	exit "$ST_RC"
}

