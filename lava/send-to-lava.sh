#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# send-to-lava.sh RESULT_FILE: report each line of RESULT_FILE,
#   TEST_CASE_ID RESULT [MEASUREMENT UNITS]
# (RESULT pass, fail or skip), to LAVA with lava-test-case when it is there
# (inside a LAVA job), else print it as
#   <TEST_CASE_ID=... RESULT=... [MEASUREMENT=... UNITS=...]>
# the line LAVA's own log parser and any other CI read. The layout of Linaro's
# test-definitions (utils/send-to-lava.sh). POSIX sh: busybox ash, dash, bash.
if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: send-to-lava.sh RESULT_FILE" >&2
	exit 2
fi
lava=0
command -v lava-test-case > /dev/null 2>&1 && lava=1
rc=0
while read -r id result measurement units rest; do
	case $id in '' | '#'*) continue ;; esac
	case $result in
	pass | fail | skip) ;;
	*) echo "send-to-lava.sh: $id: result '$result' is not pass, fail or skip" >&2; rc=1; continue ;;
	esac
	if [ -n "$rest" ] || { [ -n "$measurement" ] && [ -z "$units" ]; }; then
		echo "send-to-lava.sh: $id: want 'ID RESULT [MEASUREMENT UNITS]'" >&2
		rc=1
		continue
	fi
	if [ "$lava" = 1 ]; then
		if [ -n "$measurement" ]; then
			lava-test-case "$id" --result "$result" --measurement "$measurement" --units "$units"
		else
			lava-test-case "$id" --result "$result"
		fi || rc=1
	elif [ -n "$measurement" ]; then
		echo "<TEST_CASE_ID=$id RESULT=$result MEASUREMENT=$measurement UNITS=$units>"
	else
		echo "<TEST_CASE_ID=$id RESULT=$result>"
	fi
done < "$1"
exit $rc
