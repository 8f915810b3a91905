#!/bin/sh
# First run: with no config.ini, orgdeck asks for a profile in a row of dialogs, writes
# config.ini with mode 0600 and opens the profile, which then syncs from the simulator.
E2E_NAME=e2e-first-run
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

SIM_ORGS=25 sim_start --dialects clinchpad
mv "$CFG" "$E2E_TMP/sim.ini"
URL=$(sed -n 's/^base_url = //p' "$E2E_TMP/sim.ini")
KEY=$(sed -n 's/^api_key = //p' "$E2E_TMP/sim.ini")
mkdir -p "$E2E_TMP/home"

start 110x30 env XDG_CONFIG_HOME="$E2E_TMP/home/config" XDG_STATE_HOME="$E2E_TMP/home/state" \
	HOME="$E2E_TMP/home" "$BUILD/orgdeck"
wait_for "Welcome to orgdeck" 10 "no config: the setup form greets a new user"
wait_for "Which vendor?" 5 "it asks for the vendor"
# The vendor list is the drivers' own order: walk down until the focused line (the
# hardware cursor's) is ClinchPad.
n=0
while [ $n -lt 10 ]; do
	row=$(tm display -p -t t '#{cursor_y}')
	screen | sed -n "$((row + 1))p" | grep -q "ClinchPad" && break
	keys j
	n=$((n + 1))
	sleep 0.05
done
keys Enter
wait_for "Profile name" 5 "then a profile name"
wait_for "clinchpad-main" 5 "with a default from the vendor"
keys Enter
wait_for "Base URL" 5 "then where the API is"
wait_for "www.clinchpad.com/api/v1" 5 "prefilled with the vendor's usual address"
keys C-u
tm send-keys -t t -l "$URL"
keys Enter
wait_for "Where does the api_key come from?" 5 "then where the secret comes from"
keys Enter
wait_for "The api_key:" 5 "typed here"
# Typed through a tmux buffer fed on stdin: the key stays out of every argv.
printf %s "$KEY" | tm load-buffer -
tm paste-buffer -t t
keys Enter
wait_for "Which environment is it?" 5 "then the environment"
keys j
keys Enter
wait_for "clinchpad-main (ClinchPad)" 10 "the new profile opens"
wait_for "25 orgs" 15 "and syncs from the vendor"
wait_for "staging" 5 "its environment shows in the title"
cfg="$E2E_TMP/home/config/orgdeck/config.ini"
[ "$(stat -c %a "$cfg" 2>/dev/null)" = 600 ] && pass "config.ini is written with mode 0600" ||
	fail "config.ini is written with mode 0600"
grep -q '^\[profile clinchpad-main\]' "$cfg" && grep -q '^vendor = clinchpad' "$cfg" &&
	grep -q "^base_url = $URL" "$cfg" && pass "it holds the profile as answered" ||
	fail "it holds the profile as answered"
reject "$KEY"
keys Q
wait_for "[exit 0]" 10 "Q quits"

# The next start reads it: no setup.
tm kill-server 2>/dev/null
SOCK="$SOCK-2"
start 110x30 env XDG_CONFIG_HOME="$E2E_TMP/home/config" XDG_STATE_HOME="$E2E_TMP/home/state" \
	HOME="$E2E_TMP/home" "$BUILD/orgdeck"
wait_for "25 orgs" 15 "the next start opens the profile directly"
reject "Welcome to orgdeck"
keys Q
wait_for "[exit 0]" 10 "Q quits"
finish
