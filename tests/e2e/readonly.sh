#!/bin/sh
# Read-only: with --readonly, and with a profile that says readonly = yes, every write key
# (e c y d a x r + -, and Space which only marks for deleting) is absent from the key bar
# and refused in words when pressed; no write request reaches the simulator (its --log
# has no POST, PUT, PATCH or DELETE line).
E2E_NAME=e2e-readonly
. "$(dirname "$0")/../support/e2e.sh"

"$BUILD/orgdeck-sim" --listen 127.0.0.1:0 --port-file "$E2E_TMP/port" --print-config \
	--orgs 30 --log "$E2E_TMP/sim.log" >"$E2E_TMP/cfg.ini" 2>"$E2E_TMP/sim.err" &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null; cleanup' EXIT
end=$(($(date +%s) + 15))
until [ -s "$E2E_TMP/port" ] && grep -q "profile clinchpad-demo" "$E2E_TMP/cfg.ini"; do
	[ "$(date +%s)" -lt "$end" ] || { echo "FAIL - orgdeck-sim did not start"; exit 1; }
	sleep 0.05
done
# A second Kaana profile, read-only in the config.
awk '/^\[profile kaana-demo\]/{p=1} p&&/^$/{exit} p' "$E2E_TMP/cfg.ini" |
	sed 's/^\[profile kaana-demo\]/[profile kaana-ro]/' >"$E2E_TMP/ro.ini"
{ echo; cat "$E2E_TMP/ro.ini"; echo "readonly = yes"; } >>"$E2E_TMP/cfg.ini"
chmod 600 "$E2E_TMP/cfg.ini"
grep -q "profile kaana-ro" "$E2E_TMP/cfg.ini" && pass "the config has a read-only profile" \
	|| fail "the config has a read-only profile"

run() {
	tm kill-session -t t 2>/dev/null
	start 120x32 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/od.db" "$@"
}

bar() { screen | tail -1; }
bar_lacks() {
	if bar | grep -qF -- "$1"; then fail "the key bar lacks '$1' ($2)"; else pass "the key bar lacks '$1' ($2)"; fi
}

# refused KEY WORDS WHAT: pressing KEY shows WORDS on the bottom line.
refused() {
	keys "$1"
	wait_for "$2" 5 "$3: '$1' is refused in words"
	keys C-l
}

check_mode() {
	mode=$1
	words=$2
	wait_for "30 orgs" 20 "$mode: the list is synced"
	wait_for "read-only" 5 "$mode: the title says read-only"
	wait_for "members" 5 "$mode: the key bar is drawn"
	for k in "e edit" "c create" "y dup" "d delete"; do bar_lacks "$k" "$mode list"; done
	refused e "$words" "$mode"
	refused c "$words" "$mode"
	refused y "$words" "$mode"
	refused d "$words" "$mode"
	refused Space "$words" "$mode"
	keys m
	wait_for "Members of" 10 "$mode: members open"
	wait_for "R refresh" 10 "$mode: the members key bar is drawn"
	for k in "a add" "x remove" "r role"; do bar_lacks "$k" "$mode members"; done
	refused a "$words" "$mode members"
	refused x "$words" "$mode members"
	refused r "$words" "$mode members"
	refused + "$words" "$mode members"
	refused - "$words" "$mode members"
	reject "Remove member"
	reject "Role for"
	keys q
	wait_gone "Members of" 5 "$mode: back to the list"
	keys Q
	wait_for "[exit 0]" 10 "$mode: Q quits"
}

run --profile kaana-demo --readonly
check_mode "--readonly" "read-only mode (--readonly)"
run --profile kaana-ro
check_mode "readonly = yes" "profile kaana-ro is read-only"

if grep -Eq '^(POST|PUT|PATCH|DELETE) ' "$E2E_TMP/sim.log"; then
	fail "no write reached the simulator"
	grep -E '^(POST|PUT|PATCH|DELETE) ' "$E2E_TMP/sim.log" | head -5
else
	pass "no write reached the simulator"
fi
grep -Eq '^GET .*/members' "$E2E_TMP/sim.log" && pass "the log did record reads (members)" \
	|| fail "the log did record reads (members)"
finish
