#!/bin/sh
# The form against a real orgdeck-sim: edit a ClinchPad email (C-s shows the diff, y sends,
# the list marks the row pending and then shows the new value, the simulator has it),
# validation beside a required field, Esc asking first, a resize mid-form, create with c,
# delete (confirm defaults to No), duplicate for ClinchPad (a create from a copy) and Kaana
# (the vendor's own call), and a Kaana choice field.
E2E_NAME=e2e-form
. "$(dirname "$0")/../support/e2e.sh"

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
	PORT=$(cat "$E2E_TMP/port")
}

run() {
	tm kill-session -t t 2>/dev/null
	start 100x30 EDITOR="$E2E_TMP/ed.sh" "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" \
		--db "$E2E_TMP/od-$1.db" --profile "$1"
}

# The "editor": notes its arguments and the file's mode, then writes two lines.
cat >"$E2E_TMP/ed.sh" <<'ED'
#!/bin/sh
echo "$#" >"${0%/*}/ed.argc"
stat -c %a "$1" >"${0%/*}/ed.mode"
printf 'Line one\nLine two\n' >"$1"
ED
chmod 700 "$E2E_TMP/ed.sh"

# wait_line N TEXT DESCRIPTION: screen line N (0-based) shows TEXT within 10 s.
wait_line() {
	end=$(($(date +%s%N) / 1000000 + 10000))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		if screen | sed -n "$(($1 + 1))p" | grep -qF -- "$2"; then
			pass "$3"
			return 0
		fi
		sleep 0.05
	done
	fail "$3 (line $1 never showed '$2')"
}

# wait_selected TEXT DESCRIPTION: the row under the hardware cursor shows TEXT within 10 s.
wait_selected() {
	end=$(($(date +%s%N) / 1000000 + 10000))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		y=$(tm display -p -t t '#{cursor_y}')
		if screen | sed -n "$((y + 1))p" | grep -qF -- "$1"; then
			pass "$2"
			return 0
		fi
		sleep 0.05
	done
	fail "$2 (the selected row never showed '$1')"
}

# What ClinchPad's simulator holds now (every organization, one JSON document).
sim_orgs() {
	key=$(sed -n '/profile clinchpad-demo/,/^$/s/^api_key = //p' "$E2E_TMP/cfg.ini")
	curl -s -u "api-key:$key" "http://127.0.0.1:$PORT/clinchpad/api/v1/organizations?page=1&size=100"
}

# Every answer takes 700 ms, so a queued change stays visibly pending for a moment.
sim_start --latency-ms 700

# ---- edit: the diff, the send, the pending marker, the vendor's copy ----
run clinchpad-demo
wait_for "40 orgs" 20 "the ClinchPad list is synced"
name=$(screen | sed -n 3p | cut -c3-40 | sed 's/ *$//')
keys e
wait_for "Edit \"$name\" · ClinchPad" 5 "e opens the form on the selected organization"
wait_for "Tab next  S-Tab prev  C-s save  Esc cancel" 5 "the form's key bar"
wait_cursor 3 "the hardware cursor sits in the first field (Name)"
keys Tab
wait_cursor 4 "Tab moves to the next field (Email)"
keys C-u
keys -l "ops@orgdeck-e2e.test"
wait_for "ops@orgdeck-e2e.test" 5 "typing edits the focused field"
keys C-s
wait_for "Save changes" 5 "C-s shows the diff in a confirm dialog"
wait_for "→ \"ops@orgdeck-e2e.test\"" 5 "the diff shows old → new"
wait_for "Send 1 change to \"$name\"" 5 "the question names the organization and the count"
reject "Phone:"
keys y
wait_for "Update queued" 5 "y queues the update"
wait_line 2 "* " "the list marks the row pending"
wait_line 2 "ops@orgdeck-e2e.test" "the list shows the new value at once (optimistic)"
wait_line 2 "  $name" "the pending marker clears when ClinchPad confirms"
sim_orgs | grep -q '"ops@orgdeck-e2e.test"' && pass "the simulator has the new email" ||
	fail "the simulator has the new email"

# ---- long text in $EDITOR ----
keys e
wait_for "Edit \"$name\"" 5 "the form opens for the editor"
keys Tab Tab Tab Tab
wait_cursor 7 "Tab reaches Address (long text)"
keys C-e
wait_for "Line one  (2 lines, C-e)" 10 "C-e runs \$EDITOR and reads the text back"
[ "$(cat "$E2E_TMP/ed.mode" 2>/dev/null)" = 600 ] && pass "the editor's temp file is mode 0600" ||
	fail "the editor's temp file is mode 0600"
[ "$(cat "$E2E_TMP/ed.argc" 2>/dev/null)" = 1 ] && pass "the editor gets the file name only (no value in argv)" ||
	fail "the editor gets the file name only (no value in argv)"
keys Escape
wait_for "Discard changes" 5 "Esc asks before dropping the address"
keys y
wait_gone "Edit \"$name\"" 5 "the form closes"

# ---- validation beside a required field ----
keys e
wait_for "Edit \"$name\"" 5 "the form opens again"
keys C-u
wait_for "required" 5 "an emptied required field says so beside it"
keys C-s
wait_for "1 field needs fixing" 5 "C-s refuses to save with an error"
reject "Save changes"

# ---- Esc asks first when something changed; the default is No ----
keys Escape
wait_for "Discard changes" 5 "Esc with changes asks first"
keys Enter
wait_gone "Discard changes" 5 "Enter takes the default, No"
wait_for "Edit \"$name\"" 5 "and the form stays"
keys Escape
wait_for "Discard changes" 5 "Esc asks again"
keys y
wait_gone "Edit \"$name\"" 5 "y discards and closes the form"
expect_line 1 "Email"

# ---- resize mid-form ----
keys e
wait_for "Edit \"$name\"" 5 "the form opens for the resize"
tm resize-window -t t -x 60 -y 20
wait_for "C-s save" 5 "after a resize to 60x20 the form is still drawn"
keys Tab Tab
wait_cursor 5 "Tab still moves the focus after the resize"
keys C-u
keys -l "555 0100"
wait_for "555 0100" 5 "typing still edits after the resize"
keys C-s
wait_for "Save changes" 5 "the diff dialog opens in the small terminal"
tm resize-window -t t -x 100 -y 30
wait_for "Save changes" 5 "the dialog survives a resize back to 100x30"
keys n
wait_gone "Save changes" 5 "n closes the dialog without sending"
keys Escape
wait_for "Discard changes" 5 "Esc asks before dropping the phone change"
keys y
wait_for "40 orgs" 5 "back at the list"

# ---- create with c ----
keys c
wait_for "Create organization · ClinchPad" 5 "c opens the create form"
keys -l "E2E Created Org"
keys Tab
keys -l "created@e2e.test"
keys C-s
wait_for "Create this organization in clinchpad-demo" 5 "C-s shows what will be created"
keys y
wait_for "Create queued" 5 "y queues the create"
keys G
wait_for "E2E Created Org" 10 "the new organization is listed"
wait_for "41 orgs" 10 "the count grows"
sim_orgs | grep -q '"E2E Created Org"' && pass "the simulator has the new organization" ||
	fail "the simulator has the new organization"

# ---- delete: the confirm names it and defaults to No ----
keys G
wait_selected "E2E Created Org" "G selects the last row, the created organization"
keys d
wait_for "Delete organization" 5 "d asks first"
wait_for "Delete \"E2E Created Org\"" 5 "the question names what will be deleted"
wait_for "Enter no" 5 "the key bar says Enter means no"
keys Enter
wait_gone "Delete organization" 5 "Enter answers No"
wait_for "E2E Created Org" 5 "nothing was deleted"
keys d
wait_for "Delete organization" 5 "d asks again"
keys y
wait_gone "E2E Created Org" 10 "y deletes it"
wait_for "40 orgs" 10 "the count drops back"
sim_orgs | grep -q '"E2E Created Org"' && fail "the simulator no longer has it" ||
	pass "the simulator no longer has it"

# ---- duplicate: ClinchPad has no duplicate call, so it creates "Copy of ..." ----
keys g
wait_selected "$name" "g selects the first row"
keys y
wait_for "Create \"Copy of $name\"" 5 "y asks to create a copy, naming the organization"
keys y
wait_for "41 orgs" 10 "the copy is counted"
keys /
keys -l "Copy of"
wait_for "Copy of $name" 10 "the copy is listed (filtered on \"Copy of\")"
keys Escape
sim_orgs | grep -qF "\"Copy of $name\"" && pass "the simulator has the copy" ||
	fail "the simulator has the copy"

# ---- Kaana: the vendor's own duplicate call, and a choice field ----
run kaana-demo
wait_for "40 orgs" 20 "the Kaana list is synced"
keys y
wait_for "own duplicate call" 5 "Kaana duplicates with its own call"
keys Enter
wait_for "41 orgs" 10 "Enter (default Yes) duplicates; the count grows"
keys g e
wait_for "Edit \"" 5 "the Kaana form opens"
wait_for "C-n new key" 5 "Kaana's form offers a new metadata key"
keys Tab Enter
wait_for "partner" 5 "Enter on a choice field opens its choices"
keys j Enter
wait_gone "internal" 5 "Enter picks a choice and closes the list"
keys C-s
wait_for "Type: " 5 "the diff names the changed choice"
keys Escape
keys Escape
wait_for "Discard changes" 5 "Esc asks before dropping the choice"
keys y
wait_for "41 orgs" 5 "back at the Kaana list"

keys q
wait_for "[exit 0]" 10 "q quits with status 0"
finish
