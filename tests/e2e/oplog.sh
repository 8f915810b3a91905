#!/bin/sh
# The op log (o): operations newest first with kind, state, target and the vendor's
# message; a refused op (QuestionPro will not remove the account's primary user) shows the
# vendor's words; r retries it (it fails again, with the same words), x cancels it;
# a done op cannot be cancelled. Kaana with a plain member's key: a delete is refused.
E2E_NAME=e2e-oplog
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
chmod 600 "$E2E_TMP/cfg.ini"

run() {
	tm kill-session -t t 2>/dev/null
	start 130x32 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/od.db" --profile "$1"
}
deletes() { grep -c '^DELETE ' "$E2E_TMP/sim.log"; }

run questionpro-demo
wait_for "1 orgs" 20 "QuestionPro is synced"
keys o
wait_for "Operations, newest first" 5 "o opens the op log"
wait_for "No operations yet" 5 "an empty log says so"
keys q
wait_gone "Operations, newest first" 5 "q closes it"

keys m
wait_for "x remove" 10 "the users are listed"
# The second user can go; the first is the primary account, which the vendor refuses.
keys j x
wait_for "Remove member" 5 "remove asks"
keys y
wait_for "Done: removed" 10 "the second user is removed"
keys g x
wait_for "Remove member" 5 "remove asks for the primary user"
keys y
wait_for "does not have permission" 10 "the refusal shows the vendor's words in the pane"
keys q
keys o
wait_for "Operations, newest first" 5 "the op log opens"
wait_for "member_remove" 5 "it lists member removals"
wait_for "failed" 5 "the newest is failed"
wait_for "done" 5 "the older one is done"
wait_for "does not have permission to access the resource" 5 "the failed op shows the vendor's message"
screen | sed -n 4p | grep -qF failed && pass "newest first: the failed op is on top" \
	|| fail "newest first: the failed op is on top"
wait_for "r retry" 5 "the key bar offers retry on a failed op"
wait_for "d cancel" 5 "and cancel"
D0=$(deletes)
keys r
wait_for "Retrying operation" 5 "r retries"
end=$(($(date +%s) + 10))
while [ "$(deletes)" -le "$D0" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
[ "$(deletes)" -gt "$D0" ] && pass "the retry reached the vendor again" || fail "the retry reached the vendor again"
wait_for "failed" 10 "and failed again"
keys x
wait_for "Cancelled operation" 5 "x cancels"
wait_for "cancelled" 5 "the op shows cancelled"
keys j
wait_gone "d cancel" 5 "a done op offers no cancel"
keys d
wait_for "has ended; there is nothing to cancel" 5 "d on a done op says why not"
keys Q
wait_for "[exit 0]" 10 "Q quits"

# Kaana with a plain member's key: the vendor refuses to delete an organization.
run kaana-member
wait_for "30 orgs" 20 "kaana-member is synced"
keys d
wait_for "Delete organization" 5 "d asks before deleting"
keys y
keys o
wait_for "delete" 5 "the op log lists the delete"
wait_for "failed" 10 "as failed"
LINE=$(screen | sed -n 4p)
echo "$LINE" | grep -q "delete .*failed.*Kaana" && pass "with Kaana's message ($(echo "$LINE" | sed 's/  */ /g'))" \
	|| fail "with Kaana's message ($LINE)"
keys Q
wait_for "[exit 0]" 10 "Q quits"
finish
