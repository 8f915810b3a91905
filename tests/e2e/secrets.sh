#!/bin/sh
# Credentials stay secret. A config readable by group or others is refused with the chmod
# line that fixes it (as ssh does) unless --insecure-config; api_key_env and
# api_key_command work instead of a key in the file (real syncs against orgdeck-sim); a
# HighQ access token comes from access_token_command. No demo key, token or wrong key
# shows in any process's argv (orgdeck, orgdeck-sim, the key command, its shell), in the
# SQLite file or its -wal, in the --trace output, in the op journal, in error messages
# (screen and stderr of wrong-key runs) or in screenshots/*.svg; the last check greps
# every one of them together. HighQ's rotated refresh token is kept only in its 0600
# token file beside the database.
E2E_NAME=e2e-secrets
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

T=$E2E_TMP
ART=$T/art            # everything orgdeck or its runs wrote that must hold no secret
mkdir -p "$ART"
SECRETS=$T/secrets    # one secret a line (never an empty line: grep -f would match all)

SIM_ORGS=30 sim_start --log "$T/sim.log"
sed -n 's/^\(api_key\|client_secret\|refresh_token\) = //p' "$CFG" >"$SECRETS"
[ "$(wc -l <"$SECRETS")" -ge 6 ] && pass "the simulator printed $(wc -l <"$SECRETS") demo secrets" ||
	fail "the simulator printed the demo secrets"
BASE="http://127.0.0.1:$PORT"

# The key command, the key file it reads and the env wrapper: no secret in any argv.
cfg_get kaana-demo api_key >"$T/kaana.key"
cfg_get clinchpad-demo api_key >"$T/cp.key"
chmod 600 "$T/kaana.key" "$T/cp.key"
cat >"$T/keycmd.sh" <<'EOF'
#!/bin/sh
# Prints the Kaana key. It first notes its pid and waits (5 s at most) for keycmd.go, so the
# test can read every process's argv while it runs.
d=${0%/*}
echo $$ >"$d/keycmd.pid"
n=0
while [ ! -e "$d/keycmd.go" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
cat "$d/kaana.key"
EOF
cat >"$T/with-key.sh" <<'EOF'
#!/bin/sh
# Runs its arguments with ORGDECK_E2E_CP_KEY set from cp.key (an assignment, not argv).
ORGDECK_E2E_CP_KEY=$(cat "${0%/*}/cp.key")
export ORGDECK_E2E_CP_KEY
exec "$@"
EOF
printf '#!/bin/sh\nexit 1\n' >"$T/badcmd.sh"
chmod 700 "$T/keycmd.sh" "$T/with-key.sh" "$T/badcmd.sh"

# argv_scan LABEL: every process's argv now, saved under $ART; fails on any secret in it.
argv_scan() {
	snap=$ART/argv-$(echo "$1" | tr -c 'a-z0-9\n' '-')
	for f in /proc/[0-9]*/cmdline; do
		p=${f#/proc/}
		printf '%s: ' "${p%/cmdline}"
		{ tr '\0' ' ' <"$f"; } 2>/dev/null
		echo
	done >"$snap"
	n=$(wc -l <"$snap")
	if grep -F -f "$SECRETS" "$snap" >"$T/hits"; then
		fail "$1: no secret in the argv of any of $n processes: $(cat "$T/hits")"
	else
		pass "$1: no secret in the argv of any of $n processes"
	fi
}
# argv_of PID: that process's argv, spaces for NULs.
argv_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }
# The orgdeck running in the tmux pane (the pane's shell is its parent).
orgdeck_pid() { ps -o pid=,comm= --ppid "$(tm display -p -t t '#{pane_pid}')" | awk '$2 == "orgdeck" { print $1 }'; }
save_screen() { screen >"$ART/$1.screen"; }
run_tmux() {
	tm kill-session -t t 2>/dev/null
	start "${SIZE:-120x30}" "$@"
}

# ---- permissions: group- or other-readable configs are refused, as ssh does ----
cp "$CFG" "$T/perm.ini"
: >"$T/empty.tsv"
for mode in 640 604 660 644; do
	chmod "$mode" "$T/perm.ini"
	"$BUILD/orgdeck" --config "$T/perm.ini" --db "$T/perm.db" --profile clinchpad-demo \
		--apply "$T/empty.tsv" >"$ART/perm-$mode.out" 2>"$ART/perm-$mode.err"
	rc=$?
	[ "$rc" = 1 ] && grep -qF "fix it with: chmod 600 $T/perm.ini" "$ART/perm-$mode.err" &&
		pass "mode $mode is refused (exit 1) with 'chmod 600 $T/perm.ini'" ||
		fail "mode $mode is refused (exit $rc) with the chmod line: $(cat "$ART/perm-$mode.err")"
done
chmod 640 "$T/perm.ini"
SIZE=250x30 run_tmux "$BUILD/orgdeck" --config "$T/perm.ini" --db "$T/perm.db" --profile clinchpad-demo
wait_for "chmod 600 $T/perm.ini" 10 "interactively, a group-readable config shows the chmod line"
wait_for "[exit 1]" 5 "and orgdeck exits 1 before the interface starts"
save_screen perm-tmux
chmod 644 "$T/perm.ini"
"$BUILD/orgdeck" --config "$T/perm.ini" --db "$T/perm.db" --profile clinchpad-demo --insecure-config \
	--apply "$T/empty.tsv" >"$ART/perm-insecure.out" 2>"$ART/perm-insecure.err"
rc=$?
[ "$rc" = 0 ] && pass "--insecure-config accepts a mode 644 config (exit 0)" ||
	fail "--insecure-config accepts a mode 644 config (exit $rc): $(cat "$ART/perm-insecure.err")"
run_tmux "$BUILD/orgdeck" --config "$T/perm.ini" --db "$T/perm.db" --profile clinchpad-demo --insecure-config
wait_for "30 orgs" 15 "--insecure-config: the interface starts and syncs"
keys q
wait_for "[exit 0]" 5 "and quits with 0"
chmod 600 "$T/perm.ini"
"$BUILD/orgdeck" --config "$T/perm.ini" --db "$T/perm.db" --profile clinchpad-demo \
	--apply "$T/empty.tsv" >"$ART/perm-600.out" 2>"$ART/perm-600.err"
rc=$?
[ "$rc" = 0 ] && pass "mode 600 is accepted without --insecure-config" ||
	fail "mode 600 is accepted without --insecure-config (exit $rc): $(cat "$ART/perm-600.err")"

# ---- api_key_env: the key from the environment, a real sync and an edit ----
cat >"$T/env.ini" <<EOF
[profile cp-env]
vendor = clinchpad
base_url = $BASE/clinchpad/api/v1
api_key_env = ORGDECK_E2E_CP_KEY
EOF
chmod 600 "$T/env.ini"
"$BUILD/orgdeck" --config "$T/env.ini" --db "$T/env.db" --apply "$T/empty.tsv" \
	>"$ART/env-unset.out" 2>"$ART/env-unset.err"
rc=$?
[ "$rc" = 1 ] && grep -qF 'names $ORGDECK_E2E_CP_KEY, which is not set' "$ART/env-unset.err" &&
	pass "api_key_env naming an unset variable is refused by name" ||
	fail "api_key_env naming an unset variable is refused by name (exit $rc): $(cat "$ART/env-unset.err")"
run_tmux "$T/with-key.sh" "$BUILD/orgdeck" --config "$T/env.ini" --db "$T/env.db" \
	--trace "$ART/trace-env.log"
wait_for "30 orgs" 15 "api_key_env: a real sync against orgdeck-sim succeeds"
reject "authorization failed"
OD=$(orgdeck_pid)
[ -n "$OD" ] && argv_of "$OD" | grep -qF -- "--config $T/env.ini" &&
	pass "orgdeck's own argv is read (pid $OD)" || fail "orgdeck's own argv is read (pid ${OD:-none})"
argv_of "$SIM_PID" | grep -qF -- "--print-config" && pass "orgdeck-sim's argv is read (pid $SIM_PID)" ||
	fail "orgdeck-sim's argv is read (pid $SIM_PID)"
argv_scan "api_key_env run"
name=$(screen | sed -n 3p | cut -c3-40 | sed 's/ *$//')
keys e
wait_for "Edit \"$name\"" 5 "the form opens"
keys Tab C-u
keys -l "secret-e2e@orgdeck.test"
keys C-s
wait_for "Save changes" 5 "C-s shows the diff"
keys y
end=$(($(now_ms) + 10000))
until sim_orgs | grep -q '"secret-e2e@orgdeck.test"' || [ "$(now_ms)" -gt "$end" ]; do sleep 0.1; done
sim_orgs | grep -q '"secret-e2e@orgdeck.test"' && pass "an edit with the key from the environment reaches the simulator" ||
	fail "an edit with the key from the environment reaches the simulator"
n0=$(wc -l <"$ART/trace-env.log")
keys R
end=$(($(now_ms) + 10000))
until [ "$(wc -l <"$ART/trace-env.log")" -gt "$n0" ] || [ "$(now_ms)" -gt "$end" ]; do sleep 0.05; done
[ "$(wc -l <"$ART/trace-env.log")" -gt "$n0" ] && pass "R refreshes (more requests in the trace)" ||
	fail "R refreshes (more requests in the trace)"
wait_for "30 orgs  data 0s old" 10 "the refresh ends"
keys :
keys -l "export journal $ART/journal.csv"
keys Enter
wait_for "Journal (csv) written" 5 ":export journal writes the op journal"
keys :
keys -l "export journal $ART/journal.jsonl"
keys Enter
wait_for "Journal (json) written" 5 ":export journal writes it as JSON lines too"
for f in "$T"/env.db "$T"/env.db-wal; do
	[ -f "$f" ] && cp "$f" "$ART/running-${f##*/}"
done
[ -s "$ART/running-env.db-wal" ] && pass "the -wal is copied while orgdeck runs" ||
	fail "the -wal is copied while orgdeck runs"
save_screen env-list
keys q
wait_for "[exit 0]" 5 "orgdeck quits"
grep -q "PUT .*organizations" "$ART/trace-env.log" && pass "the trace logged the PUT ($(wc -l <"$ART/trace-env.log") lines)" ||
	fail "the trace logged the PUT"
[ "$(stat -c %a "$ART/trace-env.log")" = 600 ] && pass "the trace file is mode 600" ||
	fail "the trace file is mode 600 (is $(stat -c %a "$ART/trace-env.log"))"
grep -qF "secret-e2e@orgdeck.test" "$ART/journal.csv" && pass "the journal holds the edit" ||
	fail "the journal holds the edit"
[ "$(stat -c %a "$T/env.db")" = 600 ] && pass "the database is mode 600" ||
	fail "the database is mode 600 (is $(stat -c %a "$T/env.db"))"

# ---- api_key_command: a script prints the key (as `pass show vendor/key` would) ----
cat >"$T/cmd.ini" <<EOF
[profile kaana-cmd]
vendor = kaana
base_url = $BASE/kaana/api
api_key_command = $T/keycmd.sh
EOF
chmod 600 "$T/cmd.ini"
rm -f "$T/keycmd.pid" "$T/keycmd.go"
run_tmux "$BUILD/orgdeck" --config "$T/cmd.ini" --db "$T/cmd.db" --trace "$ART/trace-cmd.log"
end=$(($(now_ms) + 5000))
until [ -s "$T/keycmd.pid" ] || [ "$(now_ms)" -gt "$end" ]; do sleep 0.02; done
KC=$(cat "$T/keycmd.pid" 2>/dev/null)
if [ -n "$KC" ] && argv_of "$KC" | grep -qF "keycmd.sh"; then
	pass "the key command runs (pid $KC: $(argv_of "$KC"))"
	KP=$(awk '{ print $4 }' "/proc/$KC/stat")
	pass "its parent is pid $KP: $(argv_of "$KP")"
else
	fail "the key command runs"
fi
argv_scan "while api_key_command runs"
touch "$T/keycmd.go"
wait_for "30 orgs" 15 "api_key_command: a real sync against orgdeck-sim succeeds"
reject "authorization failed"
argv_scan "api_key_command run"
keys d
wait_for "Delete \"" 5 "d asks to delete (a write with the commanded key)"
keys y
end=$(($(now_ms) + 10000))
until grep -q '^DELETE .*kaana' "$T/sim.log" || [ "$(now_ms)" -gt "$end" ]; do sleep 0.1; done
grep -q '^DELETE .*kaana' "$T/sim.log" && pass "the delete reaches the simulator with the commanded key" ||
	fail "the delete reaches the simulator with the commanded key"
wait_for "29 orgs" 10 "the list drops the deleted row"
save_screen cmd-list
keys q
wait_for "[exit 0]" 5 "orgdeck quits"
sed 's#keycmd.sh#badcmd.sh#' "$T/cmd.ini" >"$T/badcmd.ini"
chmod 600 "$T/badcmd.ini"
"$BUILD/orgdeck" --config "$T/badcmd.ini" --db "$T/cmd.db" --apply "$T/empty.tsv" \
	>"$ART/badcmd.out" 2>"$ART/badcmd.err"
rc=$?
[ "$rc" = 1 ] && grep -qF "api_key_command failed or printed nothing" "$ART/badcmd.err" &&
	pass "a failing api_key_command is refused by name" ||
	fail "a failing api_key_command is refused by name (exit $rc): $(cat "$ART/badcmd.err")"

# ---- HighQ: an OAuth access token from access_token_command ----
# The sign-in a browser would do: authorize (302 with a code), then trade the code. The
# client secret goes to curl on stdin, never in its argv.
code=$(curl -s -o /dev/null -w '%{redirect_url}' \
	"$BASE/highq/demo/authorize.action?response_type=code&client_id=1012" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
printf 'grant_type=authorization_code&code=%s&client_id=1012&client_secret=%s' "$code" \
	"$(cfg_get highq-demo client_secret)" |
	curl -s --data-binary @- -H 'Content-Type: application/x-www-form-urlencoded' \
		"$BASE/highq/demo/api/oauth2/token" >"$T/token.json"
echo >>"$T/token.json"
sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$T/token.json" >"$T/hq.access"
sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p' "$T/token.json" >"$T/hq.refresh"
if [ -s "$T/hq.access" ] && [ -s "$T/hq.refresh" ]; then
	pass "the simulator issued HighQ access and refresh tokens"
	printf '%s\n%s\n' "$(cat "$T/hq.access")" "$(cat "$T/hq.refresh")" >>"$SECRETS"
else
	fail "the simulator issued HighQ access and refresh tokens: $(cat "$T/token.json")"
fi
cfg_get highq-demo client_secret >"$T/hq.secret"
chmod 600 "$T/hq.secret"
cat >"$T/hq.ini" <<EOF
[profile hq-cmd]
vendor = highq
base_url = $BASE/highq/demo
client_id = 1012
client_secret_command = cat $T/hq.secret
access_token_command = cat $T/hq.access
refresh_token_command = cat $T/hq.refresh
EOF
chmod 600 "$T/hq.ini"
touch "$T/before-hq"
run_tmux "$BUILD/orgdeck" --config "$T/hq.ini" --db "$T/hq.db" --trace "$ART/trace-hq.log"
wait_for "30 orgs" 15 "HighQ with a token from access_token_command syncs"
argv_scan "HighQ run"
keys Enter
wait_for "hq-cmd · HighQ · id " 5 "the detail opens (one more authorized call)"
save_screen hq-detail
keys q q
wait_for "[exit 0]" 5 "orgdeck quits"
# Tokens: access tokens live in memory; the refresh token (HighQ rotates it) is kept in
# <database dir>/tokens/<profile>, mode 0600 in a 0700 directory, and in no other file.
tok=$T/tokens/hq-cmd
if [ -s "$tok" ]; then
	pass "the rotated refresh token is kept in tokens/hq-cmd beside the database"
	printf '%s\n' "$(cat "$tok")" >>"$SECRETS"
	[ "$(stat -c %a "$tok")" = 600 ] && pass "the token file is mode 600" ||
		fail "the token file is mode 600 (is $(stat -c %a "$tok"))"
	[ "$(stat -c %a "$T/tokens")" = 700 ] && pass "the tokens directory is mode 700" ||
		fail "the tokens directory is mode 700 (is $(stat -c %a "$T/tokens"))"
else
	echo "note: no refresh token was saved (orgdeck did not need to refresh)"
fi
new=$(find "$T" -newer "$T/before-hq" -type f ! -path "$ART/*" ! -path "$T/tokens/*" \
	! -name 'hq.db*' ! -name sim.log ! -name hits ! -name secrets | head -5)
[ -z "$new" ] && pass "no other file was written during the HighQ run" ||
	fail "no other file was written during the HighQ run: $new"
cat "$T/hq.access" "$tok" 2>/dev/null | grep -v '^$' >"$T/hq.tokens"
grep -qF -f "$T/hq.tokens" "$T"/hq.db* "$T/hq.ini" && fail "no HighQ token is in the database or config.ini" ||
	pass "no HighQ token is in the database or config.ini"

# ---- wrong keys: the error messages (stderr and screen) name no key ----
printf '1\tname\tWrong Key E2E\n' >"$T/one.tsv"
for p in clinchpad-demo kaana-demo quorum-demo questionpro-demo highq-demo; do
	wrong="e2e-wrong-${p%-demo}-9f3a71c2"
	echo "$wrong" >>"$SECRETS"
	sed "/^\[profile $p\]/,/^\$/{s/^api_key = .*/api_key = $wrong/;s/^client_secret = .*/client_secret = $wrong\naccess_token = $wrong/}" \
		"$CFG" >"$T/wrong.ini"
	chmod 600 "$T/wrong.ini"
	grep -qF "$wrong" "$T/wrong.ini" || fail "$p: the wrong key is in its config"
	"$BUILD/orgdeck" --config "$T/wrong.ini" --db "$T/wrong-$p.db" --profile "$p" \
		--apply "$T/one.tsv" >"$ART/wrong-$p.out" 2>"$ART/wrong-$p.err"
	rc=$?
	[ "$rc" = 1 ] && grep -q "^failed" "$ART/wrong-$p.out" &&
		pass "$p with a wrong key: the edit fails (exit 1): $(grep '^failed' "$ART/wrong-$p.out" | cut -c1-110)" ||
		fail "$p with a wrong key: the edit fails (exit $rc): $(cat "$ART/wrong-$p.out" "$ART/wrong-$p.err")"
done
sed "/^\[profile clinchpad-demo\]/,/^\$/s/^api_key = .*/api_key = e2e-wrong-clinchpad-9f3a71c2/" \
	"$CFG" >"$T/wrong.ini"
run_tmux "$BUILD/orgdeck" --config "$T/wrong.ini" --db "$T/wrong-tmux.db" --profile clinchpad-demo
wait_for "authorization failed" 15 "interactively, a wrong key shows the vendor's refusal"
save_screen wrong-clinchpad
keys q
wait_for "[exit 0]" 5 "orgdeck quits"

# ---- screenshots ----
svgs=$(ls screenshots/*.svg 2>/dev/null)
if [ -n "$svgs" ]; then
	if grep -lF -f "$SECRETS" $svgs >"$T/hits"; then
		fail "no secret in screenshots/*.svg: $(cat "$T/hits")"
	else
		pass "no secret in the $(echo "$svgs" | wc -l) screenshots/*.svg"
	fi
else
	echo "note: no screenshots/*.svg here (make screenshots) to check"
fi

# ---- one grep over everything ----
files="$ART/* $T/*.db $T/*.db-wal $T/*.db-shm $T/sim.err $svgs"
grep -lF -f "$SECRETS" $files >"$T/hits" 2>/dev/null
nfiles=$(ls $files 2>/dev/null | wc -l)
nsecrets=$(wc -l <"$SECRETS")
if [ -s "$T/hits" ]; then
	fail "none of $nsecrets secrets in $nfiles files; found in: $(cat "$T/hits")"
else
	pass "none of $nsecrets secrets (demo keys, HighQ tokens, wrong keys) in $nfiles files: databases and -wal, traces, journals, screens, stderr, argv snapshots, screenshots"
fi
# The grep itself can fail: a secret planted in a copy is found.
head -n 1 "$SECRETS" >"$T/plant"
grep -qF -f "$SECRETS" "$T/plant" && pass "the grep finds a planted secret" ||
	fail "the grep finds a planted secret"
finish
