#!/bin/sh
# First sign-in of an OAuth profile (HighQ): with no token, orgdeck shows the vendor's
# sign-in page address and takes the pasted code; the list then syncs, the refresh token
# is kept 0600 beside the database, and the next start needs no sign-in.
E2E_NAME=e2e-signin
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

SIM_ORGS=40 sim_start --dialects highq
mv "$CFG" "$E2E_TMP/full.ini"
# A profile as a new user has it: client id and secret, no token yet.
grep -v '^refresh_token' "$E2E_TMP/full.ini" >"$E2E_TMP/cfg.ini"
chmod 600 "$E2E_TMP/cfg.ini"
mkdir -p "$E2E_TMP/state"

start 120x30 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/state/db" --profile highq-demo
wait_for "Sign in to HighQ" 15 "the sign-in dialog opens by itself"
wait_for "authorize.action" 5 "it shows the sign-in page's address"
# The person's browser: the sign-in page redirects to redirect_uri?code=...
url=$(sed -n 's/^base_url = //p' "$E2E_TMP/cfg.ini")
redirect=$(sed -n 's/^redirect_uri = //p' "$E2E_TMP/cfg.ini")
code=$(curl -s -o /dev/null -w '%{redirect_url}' \
	"$url/authorize.action?response_type=code&client_id=1012&redirect_uri=$redirect" |
	sed 's/.*code=\([^&]*\).*/\1/')
[ -n "$code" ] && pass "the simulator's sign-in page gives a code" || fail "the simulator's sign-in page gives a code"
tm send-keys -t t -l "$code"
keys Enter
wait_for "40 orgs" 15 "after the code, the list syncs"
reject "sign-in needed"
tok="$E2E_TMP/state/tokens/highq-demo"
[ -s "$tok" ] && pass "the refresh token is kept beside the database" || fail "the refresh token is kept beside the database"
[ "$(stat -c %a "$tok" 2>/dev/null)" = 600 ] && pass "the token file is mode 0600" || fail "the token file is mode 0600"
if grep -q "$(cat "$tok")" "$E2E_TMP/cfg.ini" "$E2E_TMP/state/db" "$E2E_TMP/state/db-wal" 2>/dev/null; then
	fail "the token is in neither the config nor the database"
else
	pass "the token is in neither the config nor the database"
fi
keys Q
wait_for "[exit 0]" 10 "Q quits"

# A second start signs in with the kept token: no dialog.
tm kill-server 2>/dev/null
SOCK="$SOCK-2"
start 120x30 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/state/db" --profile highq-demo
wait_for "40 orgs" 15 "the next start lists at once"
keys R
wait_for "data 0s old" 10 "a refresh works with the kept token"
reject "Sign in to HighQ"
keys Q
wait_for "[exit 0]" 10 "Q quits"
finish
