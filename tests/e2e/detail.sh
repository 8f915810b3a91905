#!/bin/sh
# The detail pane against a real orgdeck-sim: Enter opens every field group the vendor's
# schema names (ClinchPad custom fields and members, Kaana's related lists, QuestionPro's
# usage figures), J toggles the raw JSON, j/k/g/G scroll, and Esc, h and q go back.
E2E_NAME=e2e-detail
. "$(dirname "$0")/../support/e2e.sh"

# sim_start ARGS...: our own simulator (the demo cannot take sim options), its config 0600.
sim_start() {
	"$BUILD/orgdeck-sim" --listen 127.0.0.1:0 --port-file "$E2E_TMP/port" --print-config \
		--orgs 40 "$@" >"$E2E_TMP/cfg.ini" 2>"$E2E_TMP/sim.err" &
	SIM_PID=$!
	trap 'kill $SIM_PID 2>/dev/null; cleanup' EXIT
	end=$(($(date +%s) + 15))
	until [ -s "$E2E_TMP/port" ] && grep -q "profile clinchpad-demo" "$E2E_TMP/cfg.ini"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "FAIL - orgdeck-sim did not start"; exit 1; }
		sleep 0.05
	done
	chmod 600 "$E2E_TMP/cfg.ini"
}

# run PROFILE: orgdeck on the simulator, in a fresh tmux session.
run() {
	tm kill-session -t t 2>/dev/null
	start 100x30 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/od.db" --profile "$1"
}

# The first row's name, as the list shows it.
first_name() { screen | sed -n 3p | cut -c3-40 | sed 's/ *$//'; }

sim_start

# ---- ClinchPad: groups, custom fields, members, raw JSON, scrolling, back ----
run clinchpad-demo
wait_for "40 orgs" 15 "the ClinchPad list is synced"
name=$(first_name)
keys Enter
wait_for "clinchpad-demo · ClinchPad · id " 5 "Enter opens the detail (subtitle names profile, vendor, id)"
expect_line 1 "$name"
wait_for " General" 5 "the General group is shown"
wait_for "Website " 5 "schema labels are used (Website)"
wait_for " Custom fields" 5 "ClinchPad custom fields have their own group"
wait_for "Renewal month" 5 "a custom field shows its own label"
wait_for " Members" 5 "a members summary is shown"
wait_for "Count " 10 "the members summary counts them"
wait_for "J raw" 5 "the key bar offers the raw JSON view"
wait_for "d delete" 5 "the key bar offers delete (ClinchPad deletes)"

keys J
wait_for '"_id":' 5 "J shows the vendor's raw JSON"
wait_gone " Custom fields" 5 "the grouped view is replaced by the JSON"
keys G
wait_for "100%" 5 "G scrolls to the end of a long JSON"
wait_gone "· id " 5 "the subtitle scrolled away"
keys g
wait_for "· id " 5 "g returns to the top"
keys j j
wait_gone "· id " 5 "j scrolls down a line at a time"
keys k k
wait_for "· id " 5 "k scrolls back up"
keys J
wait_for " Custom fields" 5 "J again returns to the grouped fields"

keys Escape
wait_for "40 orgs" 5 "Esc goes back to the list"
wait_gone "· id " 5 "the detail is closed by Esc"
expect_line 1 "Email"
keys Enter
wait_for "· id " 5 "Enter opens it again"
keys h
wait_gone "· id " 5 "h goes back too"
keys Enter
wait_for "· id " 5 "Enter opens it a third time"
keys q
wait_gone "· id " 5 "q closes the detail"
expect_line 1 "Email"
reject "[exit"

# ---- Kaana: related lists (tasks, projects, documents) ----
run kaana-demo
wait_for "40 orgs" 15 "the Kaana list is synced"
keys Enter
wait_for "kaana-demo · Kaana · id " 5 "the Kaana detail opens"
wait_for " History" 5 "Kaana's History group (created, updated)"
wait_for "version 20" 5 "the version stamp (updatedAt) is shown"
wait_for " Tasks" 10 "related tasks are listed"
wait_for " Projects" 10 "related projects are listed"
keys G
wait_for " Documents" 10 "related documents are listed (at the end)"
wait_for "m members" 5 "Kaana's detail offers members"

# ---- QuestionPro: usage figures, no delete ----
run questionpro-demo
wait_for "1 orgs" 15 "the QuestionPro list is synced (one organization per account)"
keys Enter
wait_for "questionpro-demo · QuestionPro · id " 5 "the QuestionPro detail opens"
wait_for " Branding" 5 "the Branding group"
keys G
wait_for " Usage" 5 "the Usage group"
wait_for "Survey responses" 5 "usage figures with their labels"
reject "d delete"
reject "y dup"

keys q q
wait_for "[exit 0]" 10 "q q closes the detail, then quits"
finish
