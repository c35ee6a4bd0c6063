#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# send-to-lava.sh RESULT_FILE: report RESULT_FILE's lines to LAVA with its helpers when they
# are there (inside a LAVA job), else print what LAVA's log parser and any other CI read.
# Every line Linaro's helper of the same name (test-definitions, utils/send-to-lava.sh) takes:
#   TEST_CASE_ID RESULT                      lava-test-case ID --result RESULT
#   TEST_CASE_ID RESULT MEASUREMENT [UNITS]  ... --measurement M [--units U] (more fields:
#                                            ignored, as Linaro's helper does)
#   lava-test-set start NAME | stop          lava-test-set
# RESULT pass, fail, skip or unknown, in any case (LAVA wants it in lower case); and two more:
#   lava-test-raise MESSAGE                  lava-test-raise: the job ends incomplete, and
#                                            so does this script, status 1
#   lava-test-reference ID RESULT URL        lava-test-reference ID --result R --reference URL
# Outside LAVA: <TEST_CASE_ID=ID RESULT=R [MEASUREMENT=M UNITS=U]>, and LAVA's own signals
# for the others (<LAVA_SIGNAL_TESTSET START NAME>, ..._TESTRAISE, ..._TESTREFERENCE). Blank
# and '#' lines are skipped, and so is any line of none of these forms, as Linaro's helper
# does, with a word on stderr. Exit status 1 when a line of these forms could not be reported
# (a measurement that is no number, an ID LAVA would drop), else 0. POSIX sh.
# shellcheck disable=SC2094 # $1 is read alone; lower's $1 is a word
if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: send-to-lava.sh RESULT_FILE" >&2
	exit 2
fi
# each of LAVA's helpers where it is (as Linaro's helper looks for each)
has() { command -v "$1" > /dev/null 2>&1; }
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
refuse() { echo "send-to-lava.sh: line $ln: $*" >&2; rc=1; }
rc=0 ln=0
while IFS= read -r line || [ -n "$line" ]; do
	ln=$((ln + 1))
	# shellcheck disable=SC2086 # the line's words, on purpose
	set -f && set -- $line && set +f
	case $1 in '' | '#'*) continue ;; esac
	case $(lower "$1") in
	lava-test-set)
		case $(lower "${2:-}") in
		start)
			[ -n "${3:-}" ] || { refuse "a test set needs a name"; continue; }
			if has lava-test-set; then lava-test-set start "$3" || rc=1
			else echo "<LAVA_SIGNAL_TESTSET START $3>"; fi ;;
		stop)
			if has lava-test-set; then lava-test-set stop || rc=1
			else echo "<LAVA_SIGNAL_TESTSET STOP>"; fi ;;
		*) refuse "lava-test-set start NAME, or stop" ;;
		esac
		continue ;;
	lava-test-raise)
		shift
		msg=$(printf '%s' "$*" | tr '<>' '()')
		[ -n "$msg" ] || msg="raised by line $ln of $0's input"
		if has lava-test-raise; then lava-test-raise "$msg"
		else echo "<LAVA_SIGNAL_TESTRAISE $msg>"; fi
		exit 1 ;;
	lava-test-reference)
		if [ $# -ne 4 ]; then refuse "lava-test-reference ID RESULT URL"; continue; fi
		r=$(lower "$3")
		case $r in pass | fail | skip | unknown) ;; *) refuse "$2: result '$3'"; continue ;; esac
		if has lava-test-reference; then
			lava-test-reference "$2" --result "$r" --reference "$4" || rc=1
		else echo "<LAVA_SIGNAL_TESTREFERENCE $2 $r $4>"; fi
		continue ;;
	esac
	r=$(lower "${2:-}")
	case $r in
	pass | fail | skip | unknown) ;;
	*) echo "send-to-lava.sh: line $ln skipped, not 'ID RESULT [MEASUREMENT [UNITS]]': $line" >&2
	   continue ;;
	esac
	id=$1 m=${3:-} u=${4:-}
	# LAVA splits its signal on spaces and '=' and ends it at '>'; it takes a measurement that
	# Python's Decimal reads (and raises on any other)
	case $id in *[=\<\>]*) refuse "'$id' is no test case ID LAVA takes"; continue ;; esac
	if [ -n "$m" ] && ! printf '%s\n' "$m" | grep -Eq '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$'; then
		refuse "$id: measurement '$m' is not a number"
		continue
	fi
	if has lava-test-case; then
		set -- "$id" --result "$r"
		[ -z "$m" ] || set -- "$@" --measurement "$m"
		[ -z "$u" ] || set -- "$@" --units "$u"
		lava-test-case "$@" || rc=1
	elif [ -n "$m" ]; then
		echo "<TEST_CASE_ID=$id RESULT=$r MEASUREMENT=$m${u:+ UNITS=$u}>"
	else
		echo "<TEST_CASE_ID=$id RESULT=$r>"
	fi
done < "$1"
exit $rc
