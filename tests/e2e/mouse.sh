#!/bin/sh
# The mouse, when the config turns it on: a click selects a row, the wheel scrolls. Off by
# default: orgdeck then does not ask the terminal for mouse reports at all.
E2E_NAME=e2e-mouse
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

SIM_ORGS=50 sim_start --dialects clinchpad
cp "$E2E_TMP/cfg.ini" "$E2E_TMP/off.ini"
printf '\n[ui]\nmouse = yes\n' >>"$E2E_TMP/cfg.ini"
chmod 600 "$E2E_TMP/cfg.ini" "$E2E_TMP/off.ini"
click() { tm send-keys -t t -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$1" "$2" "$1" "$2")"; }
wheel_down() { tm send-keys -t t -l "$(printf '\033[<65;10;10M')"; }

start 100x30 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/db"
wait_for "50 orgs" 15 "the list is synced"
wait_cursor 2 "the first row is selected"
[ "$(tm display -p -t t '#{mouse_any_flag}')" = 1 ] && pass "with [ui] mouse = yes it asks for mouse reports" ||
	fail "with [ui] mouse = yes it asks for mouse reports"
click 10 8
wait_cursor 7 "a click on screen row 7 selects it"
wheel_down
wait_cursor 10 "the wheel moves three rows down"
keys Q
wait_for "[exit 0]" 10 "Q quits"

tm kill-server 2>/dev/null
SOCK="$SOCK-off"
start 100x30 "$BUILD/orgdeck" --config "$E2E_TMP/off.ini" --db "$E2E_TMP/db"
wait_for "50 orgs" 15 "without [ui] mouse the list opens as well"
[ "$(tm display -p -t t '#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}')" = 000 ] &&
	pass "without it, no mouse reports are asked for" || fail "without it, no mouse reports are asked for"
keys Q
wait_for "[exit 0]" 10 "Q quits"
finish
