#!/bin/sh
# u undoes the last update: the inverse goes through the outbox as a new op and the
# vendor ends with the old value (checked on the simulator itself).
E2E_NAME=e2e-undo
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

SIM_ORGS=30 sim_start --dialects clinchpad

start 100x30 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/db" --profile clinchpad-demo
wait_for "30 orgs" 15 "the list is synced"
first=$(screen | sed -n 3p | cut -c3-40 | sed 's/ *$//')
id=$(sim_orgs | jq -r '.[0]._id')

keys e
wait_for "C-s" 10 "e opens the form"
keys Z Z
keys C-s
wait_for "ZZ" 5 "the diff shows the new name"
keys y
wait_for "${first}ZZ" 10 "the list shows the edited name"
name_on_sim() { sim_orgs | jq -r --arg id "$id" '.[] | select(._id == $id) | .name'; }
end=$(($(date +%s) + 10))
while [ "$(name_on_sim)" != "${first}ZZ" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
[ "$(name_on_sim)" = "${first}ZZ" ] && pass "the simulator has the edit" || fail "the simulator has the edit"

keys u
wait_for "Undo queued" 5 "u queues the undo"
wait_gone "${first}ZZ" 10 "the list shows the old name again"
end=$(($(date +%s) + 10))
while [ "$(name_on_sim)" != "$first" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
[ "$(name_on_sim)" = "$first" ] && pass "the simulator has the old name back" ||
	fail "the simulator has the old name back (has '$(name_on_sim)')"
keys o
wait_for "Operations, newest first" 5 "the op log opens"
n=$(screen | grep -c "done")
[ "$n" -ge 2 ] && pass "the edit and its undo are both done in the op log" ||
	fail "the edit and its undo are both done in the op log ($n done)"
keys q
keys q
wait_for "[exit 0]" 10 "q quits with status 0"
finish
