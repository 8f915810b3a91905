#!/bin/sh
# The members pane against a real orgdeck-sim (answers slowed so a pending change is seen):
# Kaana: m lists members with roles; a adds a contact with a role, x removes after a confirm
# that defaults to No, r changes the role with the chooser, + and - step it; each shows
# pending, then done, and the simulator's own member list (over HTTP) agrees.
# QuestionPro: m lists users and x removes one. ClinchPad: contacts, read-only (no a/x/r).
E2E_NAME=e2e-members
. "$(dirname "$0")/../support/e2e.sh"

sim_start() {
	"$BUILD/orgdeck-sim" --listen 127.0.0.1:0 --port-file "$E2E_TMP/port" --print-config \
		--orgs 40 --seed 7 "$@" >"$E2E_TMP/cfg.ini" 2>"$E2E_TMP/sim.err" &
	SIM_PID=$!
	trap 'kill $SIM_PID 2>/dev/null; cleanup' EXIT
	end=$(($(date +%s) + 15))
	until [ -s "$E2E_TMP/port" ] && grep -q "profile clinchpad-demo" "$E2E_TMP/cfg.ini"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "FAIL - orgdeck-sim did not start"; exit 1; }
		sleep 0.05
	done
	chmod 600 "$E2E_TMP/cfg.ini"
}

run() {
	tm kill-session -t t 2>/dev/null
	start 120x32 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/od.db" --profile "$1"
}

# cfg KEY in section [profile P]
cfg() { awk -v s="[profile $1]" -v k="$2" '$0==s{on=1;next} /^\[/{on=0} on && $1==k{print $3}' "$E2E_TMP/cfg.ini"; }

sim_start --latency-ms 400
KBASE=$(cfg kaana-demo base_url)
KKEY=$(cfg kaana-demo api_key)
kget() { curl -s -H "Authorization: Bearer $KKEY" "$KBASE$1"; }

# The first organization the list shows is the vendor's first; its id from the simulator.
ORG=$(kget "/organizations?limit=1&offset=0" | jq -r '.[0].id // .data[0].id // .organizations[0].id')
ORGNAME=$(kget "/organizations/$ORG" | jq -r '.name')
[ -n "$ORG" ] && [ "$ORG" != null ] && pass "the simulator names the first organization ($ORG $ORGNAME)" \
	|| fail "the simulator names the first organization"
members_json() { kget "/organizations/$ORG/members"; }
role_of() { members_json | jq -r --arg c "$1" '.[] | select((.contactId|tostring)==$c) | .role'; }

run kaana-demo
wait_for "$ORGNAME" 20 "the Kaana list shows the first organization"
keys m
wait_for "Members of $ORGNAME" 10 "m opens the members of the selected organization"
N0=$(members_json | jq length)
FIRST_ROLE=$(members_json | jq -r '.[0].role')
FIRST_ID=$(members_json | jq -r '.[0].contactId')
wait_for "$FIRST_ROLE" 10 "each member shows its role ($FIRST_ROLE)"
wait_for "x remove" 5 "the key bar offers remove"
wait_for "r role" 5 "the key bar offers the role chooser"

# a: pick the first contact that is not a member, then the second role.
keys a
wait_for "Add to $ORGNAME" 10 "a opens the contact chooser"
keys Enter
wait_for "Role for" 5 "picking a contact asks for the role"
keys j Enter
wait_for "pending: adding" 5 "the new member shows pending at once"
wait_for "Done: added" 10 "then done when the vendor confirms"
N1=$(members_json | jq length)
[ "$N1" -eq $((N0 + 1)) ] && pass "the simulator has one member more ($N0 -> $N1)" \
	|| fail "the simulator has one member more ($N0 -> $N1)"
members_json | jq -e '[.[] | select(.role=="subject_matter_expert")] | length > 0' >/dev/null \
	&& pass "the added member has the chosen role" || fail "the added member has the chosen role"

# r: the role chooser on the first member; pick the first role.
keys g r
wait_for "Role for" 5 "r opens the role chooser"
keys g Enter
wait_for "pending: -> stakeholder" 5 "the role change shows pending"
wait_for "Done:" 10 "and done when the vendor confirms"
[ "$(role_of "$FIRST_ID")" = stakeholder ] && pass "the simulator has the new role" \
	|| fail "the simulator has the new role (got $(role_of "$FIRST_ID"))"

# + and - step through the roles at once (stakeholder -> subject_matter_expert -> back).
keys +
wait_for "pending: -> subject_matter_expert" 5 "+ steps to the next role, pending"
wait_for "now subject_matter_expert" 10 "+ is confirmed"
[ "$(role_of "$FIRST_ID")" = subject_matter_expert ] && pass "the simulator has the next role" \
	|| fail "the simulator has the next role (got $(role_of "$FIRST_ID"))"
keys -
wait_for "pending: -> stakeholder" 5 "- steps to the previous role, pending"
wait_for "now stakeholder" 10 "- is confirmed"
[ "$(role_of "$FIRST_ID")" = stakeholder ] && pass "the simulator has the previous role" \
	|| fail "the simulator has the previous role"
keys -
wait_for "already the lowest" 5 "- on the lowest role says so"

# x: confirm defaults to No (Enter keeps the member), then y removes.
N2=$(members_json | jq length)
keys x
wait_for "Remove member" 5 "x asks first"
wait_for "from $ORGNAME" 5 "the confirm names the organization"
keys Enter
wait_gone "Remove member" 5 "Enter on the confirm answers (the default)"
N3=$(members_json | jq length)
[ "$N3" -eq "$N2" ] && pass "the default answer is No: nobody was removed" \
	|| fail "the default answer is No ($N2 -> $N3)"
keys x
wait_for "Remove member" 5 "x asks again"
keys y
wait_for "pending: removing" 5 "the removal shows pending"
wait_for "Done: removed" 10 "and done when the vendor confirms"
N4=$(members_json | jq length)
[ "$N4" -eq $((N2 - 1)) ] && pass "the simulator has one member less ($N2 -> $N4)" \
	|| fail "the simulator has one member less ($N2 -> $N4)"
[ -z "$(role_of "$FIRST_ID")" ] && pass "the removed member is gone on the simulator" \
	|| fail "the removed member is gone on the simulator"
keys q
wait_gone "Members of" 5 "q closes the members pane"
keys Q
wait_for "[exit 0]" 10 "Q quits"

# QuestionPro: the one organization's users; x removes one.
run questionpro-demo
wait_for "(QuestionPro)" 20 "QuestionPro starts"
wait_for "1 orgs" 20 "its one organization is listed"
keys m
wait_for "Members of" 10 "m lists the organization's users"
wait_for "x remove" 10 "QuestionPro offers remove"
reject "a add"
reject "r role"
# The first user is the account's primary one (the vendor refuses that): take the second.
keys j
U1=$(screen | sed -n 5p | grep -o '[^ ]*@[^ ]*' | head -1)
[ -n "$U1" ] && pass "the second user has an email ($U1)" || fail "the second user has an email"
keys x
wait_for "Remove member" 5 "x asks first"
keys y
wait_for "Done: removed" 15 "the user is removed"
wait_gone "$U1" 10 "and gone from the list"

# ClinchPad: contacts, nothing to change.
run clinchpad-demo
wait_for "(ClinchPad)" 20 "ClinchPad starts"
wait_for "40 orgs" 20 "its organizations are listed"
keys m
wait_for "Members of" 10 "m lists the organization's contacts"
wait_for "R refresh" 5 "the key bar is drawn"
reject "a add"
reject "x remove"
reject "r role"
keys x
wait_for "ClinchPad cannot remove members" 5 "x says ClinchPad cannot remove members"
keys Q
wait_for "[exit 0]" 10 "Q quits"
finish
