# robust.sh through /proc/dmademo, the door that kernel lockdown leaves open (module/doors.c):
# the same files, so every bad write refused with the same errno and reason, and nothing changed.
# Sourced by main.sh with lib.sh loaded.
# shellcheck shell=sh
D=/proc/dmademo
# shellcheck source=tests/guest/robust.sh
. ./guest/robust.sh
