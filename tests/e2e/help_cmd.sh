#!/bin/sh
# Help (?) and the command line (:): help lists only what the pane below offers for its
# vendor (Kaana's members help has member-role, ClinchPad's has not); a [keys] rebinding
# shows in help and works; :sort, :filter, :profile, :export csv (file checked),
# :export journal, an unknown command, Tab completion and :q.
E2E_NAME=e2e-help-cmd
. "$(dirname "$0")/../support/e2e.sh"

"$BUILD/orgdeck-sim" --listen 127.0.0.1:0 --port-file "$E2E_TMP/port" --print-config \
	--orgs 40 >"$E2E_TMP/cfg.ini" 2>"$E2E_TMP/sim.err" &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null; cleanup' EXIT
end=$(($(date +%s) + 15))
until [ -s "$E2E_TMP/port" ] && grep -q "profile clinchpad-demo" "$E2E_TMP/cfg.ini"; do
	[ "$(date +%s)" -lt "$end" ] || { echo "FAIL - orgdeck-sim did not start"; exit 1; }
	sleep 0.05
done
printf '\n[keys]\nmove-down = n Down\n' >>"$E2E_TMP/cfg.ini"
chmod 600 "$E2E_TMP/cfg.ini"

run() {
	tm kill-session -t t 2>/dev/null
	start 110x40 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/od.db" --profile "$1"
}

run kaana-demo
wait_for "40 orgs" 20 "the Kaana list is synced"
keys '?'
wait_for "Help: list keys" 5 "? opens help over the list"
wait_for "n Down       move-down" 5 "help shows the rebound key (move-down = n Down)"
wait_for "Members of the organization" 5 "help lists m for a vendor with members"
reject "j Down"
keys Escape
wait_gone "Help: list keys" 5 "Esc closes help"
keys n n
wait_cursor 4 "n moves down as rebound (cursor on the third row)"
keys j
wait_cursor 4 "j no longer moves down"
keys g m
wait_for "Members of" 10 "m opens the members"
keys '?'
wait_for "Help: members keys" 5 "? opens help over the members"
wait_for "member-role" 5 "Kaana's members help has member-role"
wait_for "member-add" 5 "and member-add"
wait_for "role-next" 5 "and role-next"
keys q
wait_gone "Help: members keys" 5 "q closes help"
keys '?'
wait_for "Help: members keys" 5 "help opens again"
keys '?'
wait_gone "Help: members keys" 5 "? closes help"
keys q
wait_gone "Members of" 5 "q leaves the members"

# :sort, with completion of the command and the column.
keys :
keys s o Tab
wait_for ":sort" 5 "Tab completes :so to :sort"
keys N a Tab
wait_for ":sort Name" 5 "Tab completes the column name"
keys Enter
wait_for "Name ▲" 5 ":sort Name sorts by name"
keys :
keys s o r t Space N a m e Space d e s c Enter
wait_for "Name ▼" 5 ":sort Name desc reverses"
keys :
keys s o r t Space B o g u s Enter
wait_for "No column 'Bogus'" 5 ":sort with an unknown column says so"

# :filter narrows the list.
FIRST=$(screen | sed -n 3p | cut -c3-20 | awk '{print $1}')
keys :
keys s o r t Enter
keys :
tm send-keys -t t -l "filter $FIRST"
keys Enter
wait_for "of 40 orgs" 5 ":filter $FIRST narrows the list"
keys :
keys f i l t e r Enter
wait_for " 40 orgs" 5 ":filter with nothing clears it"

# :export csv: every row of the current list, CSV-escaped.
keys :
tm send-keys -t t -l "export csv $E2E_TMP/orgs.csv"
keys Enter
wait_for "Exported 40 rows" 10 ":export csv reports the rows written"
if python3 - "$E2E_TMP/orgs.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert rows[0][:2] == ['Id', 'Name'], rows[0]
assert len(rows) == 41, len(rows)
assert all(len(r) == len(rows[0]) for r in rows)
assert len({r[0] for r in rows[1:]}) == 40
PY
then pass "the CSV has a header and 40 rows of equal width with distinct ids"
else fail "the CSV has a header and 40 rows of equal width with distinct ids"; fi
FIRSTROW=$(screen | sed -n 3p | cut -c3-30 | sed 's/ *$//')
grep -qF "$FIRSTROW" "$E2E_TMP/orgs.csv" && pass "the CSV holds the first row shown" \
	|| fail "the CSV holds the first row shown ($FIRSTROW)"
keys :
tm send-keys -t t -l "export journal $E2E_TMP/journal.csv"
keys Enter
wait_for "Journal (csv) written" 10 ":export journal writes the journal"
[ -f "$E2E_TMP/journal.csv" ] && pass "the journal file exists" || fail "the journal file exists"
keys :
keys e x p o r t Space c s v Enter
wait_for "Usage: :export csv FILE" 5 ":export without a file says how"

keys :
keys f r o b Enter
wait_for "Unknown command ':frob'" 5 "an unknown command is named"
keys :
keys x Escape
wait_gone ":x" 5 "Esc leaves the command line"

# :profile with completion switches the list.
keys :
keys p r o Tab
wait_for ":profile" 5 "Tab completes :pro"
keys c l Tab
wait_for ":profile clinchpad-demo" 5 "Tab completes the profile name"
keys Enter
wait_for "Profile clinchpad-demo (ClinchPad)" 10 ":profile switches"
wait_gone "Industry" 10 "the list shows ClinchPad's columns"
keys :
keys p r o f i l e Space n o p e Enter
wait_for "No profile named 'nope'" 5 ":profile with an unknown name says so"

# ClinchPad: no member-role anywhere in its help.
keys '?'
wait_for "Help: list keys" 5 "help over the ClinchPad list"
reject "member-role"
reject "member-add"
keys Escape
keys m
wait_for "Members of" 10 "ClinchPad members"
keys '?'
wait_for "Help: members keys" 5 "help over the ClinchPad members"
reject "member-role"
reject "member-remove"
keys Escape
keys q
wait_gone "Members of" 5 "back to the list"
keys :
keys q Enter
wait_for "[exit 0]" 10 ":q quits"
finish
