# The in-guest test entry point: main.sh [--mode dt] [NAME=VALUE...] SUITE...
# Runs tests/guest/SUITE.sh for each SUITE, each in its own subshell, with the
# module unloaded between suites; on the debug kernel each suite is wrapped in
# the debug-facility checks of debugchecks.sh. Prints TAP lines only, the plan last.
cd /work || exit 1
. ./guest/lib.sh
. ./guest/debugchecks.sh

MODE=
if [ "$1" = --mode ]; then
	MODE=$2
	shift 2
fi
export MODE
# NAME=VALUE before the suites: settings for them (SOAK_SECONDS=600)
while [ "${1#*=}" != "$1" ]; do
	export "${1?}"
	shift
done

failed=0
for suite in "$@"; do
	echo "# suite $suite${MODE:+ ($MODE)} on $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)"
	# debugcatch trips the detectors on purpose and checks them itself
	wrap=
	if dbg_active && [ "$suite" != debugcatch ]; then wrap=1; fi
	if [ -n "$wrap" ]; then dbg_begin; fi
	if [ -f "./guest/$suite.sh" ]; then
		( . "./guest/$suite.sh"; exit $((TAP_FAILED > 0)) ) || failed=$((failed + 1))
	else
		SUITE=$suite tap_fail "no such suite"
		failed=$((failed + 1))
	fi
	[ -d "$D" ] && rmmod dmademo
	if [ -n "$wrap" ]; then
		SUITE=debug-checks
		DBG_INJECTED=0
		[ "$suite" != faults ] || DBG_INJECTED=1
		dbg_end "$suite${MODE:+-$MODE}" || failed=$((failed + 1))
	fi
done
tap_plan
exit $((failed > 0))
