# DKMS on the board's own Debian userland (scripts/qemu-rpi3 --rootfs, scripts/userland):
# `apt-get install` of dmademo-dkms from /work/deb builds dmademo.ko for the running kernel
# and installs it where modprobe and bench/dmademo-run find it; the README's collector command
# runs under bash. main.sh's next suites then test that module
# (KO=/lib/modules/$(uname -r)/updates/dkms/dmademo.ko on its command line).
# shellcheck shell=sh disable=SC2016,SC2034 # eval '...' expands later; SUITE is lib.sh's
SUITE=dkms
KR=$(uname -r)
T=/tmp/dkms
mkdir -p "$T"
uptime_s() { cut -d. -f1 /proc/uptime; }

deb=
for f in /work/deb/dmademo-dkms_*_all.deb; do [ -f "$f" ] && deb=$f; done
if [ -z "$deb" ]; then
	tap_fail "no /work/deb/dmademo-dkms_*_all.deb (the runner's --file of make deb's folder)"
	return 1
fi
ver=${deb##*/dmademo-dkms_}
ver=${ver%_all.deb}
check "the board's userland: Debian's bash, dkms and apt, the headers of $KR" \
	eval '[ -x /bin/bash ] && command -v dkms >/dev/null && command -v apt-get >/dev/null &&
	[ -f "/lib/modules/$KR/build/Makefile" ] && [ ! -e "/lib/modules/$KR/updates/dkms" ]'

# the README's `apt install ./dmademo-dkms_*.deb`, as apt-get (apt's CLI warns in scripts)
t0=$(uptime_s)
DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" >"$T/apt" 2>&1
rc=$?
note "apt-get install took $(($(uptime_s) - t0)) s"
is "apt-get install ${deb##*/}: status" "$rc" 0
[ "$rc" = 0 ] || tail -n 30 "$T/apt" | sed 's/^/#   /'
is "dkms status: built and installed for $KR" "$(dkms status dmademo 2>&1)" \
	"dmademo/$ver, $KR, $(uname -m): installed"
is "modinfo finds the module DKMS installed" "$(modinfo -F filename dmademo 2>&1)" \
	"/lib/modules/$KR/updates/dkms/dmademo.ko"
is "... its version is the package's" "$(modinfo -F version dmademo 2>&1)" "$ver"
is "... built for this kernel (vermagic)" "$(modinfo -F vermagic dmademo 2>&1 | cut -d' ' -f1)" "$KR"
check "modprobe dmademo loads it; its debugfs folder appears" eval 'modprobe dmademo && [ -d "$D" ]'
check "modprobe -r dmademo unloads it" eval 'modprobe -r dmademo && [ ! -d "$D" ]'

# The README's collector command, under bash: it finds the module DKMS installed and loads it.
# The collector suite's first run; tests/check compares its folder with the busybox boot's.
bash /work/bench/dmademo-run -s coherent,streaming -z 64,4K -n 20 -o "$T/run" >"$T/o" 2>"$T/e"
rc=$?
is "bash bench/dmademo-run -s coherent,streaming -z 64,4K -n 20: status" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/e"
check "... it loaded the module DKMS installed" \
	grep -q "loading /lib/modules/$KR/updates/dkms/dmademo.ko" "$T/o" "$T/e"
check "... its folder: results, summary, histogram, meta; the run done" \
	eval '[ -s "$T/run/results.csv" ] && [ -s "$T/run/summary.csv" ] &&
	[ -f "$T/run/histogram.csv" ] && grep -qx state=done "$T/run/meta"'
if [ -d "$T/run" ]; then
	rm -rf "$OUT/collector-run"
	cp -r "$T/run" "$OUT/collector-run"
fi
rm -rf "$T"
