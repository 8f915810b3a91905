#!/bin/sh
# The walking skeleton end to end: orgdeck --demo starts a real orgdeck-sim, syncs the
# ClinchPad list into SQLite and shows it; keys scroll, filter, sort and quit.
E2E_NAME=e2e-list
. "$(dirname "$0")/../support/e2e.sh"

start 100x30 "$BUILD/orgdeck" --demo --sim "$BUILD/orgdeck-sim" --demo-orgs 300
wait_for "clinchpad-demo (ClinchPad)" 15 "title names the profile and vendor"
wait_for "300 orgs" 15 "status line counts the synced rows"
wait_for "data 0s old" 5 "status line says how old the data is"
expect_line 1 "Name"
expect_line 1 "Email"
first=$(screen | sed -n 3p | cut -c3-40 | sed 's/ *$//')
[ -n "$first" ] && pass "a first row is shown ($first)" || fail "a first row is shown"

keys j j j
wait_cursor 5 "j moves the selection (hardware cursor on row 3 of the list)"
keys k
wait_cursor 4 "k moves it back up"
keys G
wait_gone "$first" 5 "G scrolls to the end (first row gone)"
keys g
wait_for "$first" 5 "g returns to the first row"
keys PageDown
wait_gone "$first" 5 "PgDn pages down"
keys PageUp
wait_for "$first" 5 "PgUp pages back up"

keys / c a f
wait_for "/caf" 5 "the filter line shows what was typed"
wait_for "Café" 5 "the filter matches accents folded (caf finds Café)"
wait_for "of 300 orgs" 5 "status shows the filtered count of the total"
keys Escape
wait_gone "/caf" 5 "Esc clears the filter"
wait_for "300 orgs" 5 "the whole list is back"

keys s
wait_for "Name ▲" 5 "s sorts by the name column"
keys S
wait_for "Name ▼" 5 "S reverses the sort"

keys q
wait_for "[exit 0]" 10 "q quits with status 0"
reject "orgdeck  clinchpad"
finish
