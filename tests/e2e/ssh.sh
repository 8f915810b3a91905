#!/bin/sh
# orgdeck over a real SSH session, as an administrator on a jump host runs it: a
# loopback-only sshd from a temporary directory (its own host key and sshd_config, key
# login for the current user, nothing of the system's configuration used), `ssh -t` inside
# tmux, orgdeck against an orgdeck-sim on the far side. Browse, edit an email in the form
# (e, change, C-s, y), quit; the simulator has the edit. Each key step's cost on the wire
# (TCP bytes both ways on the ssh connection, from ss -tin) is measured and printed.
E2E_NAME=e2e-ssh
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
	echo "FAIL - sshd/ssh missing: install openssh-server and openssh-client (sh scripts/deps.sh)"
	FAIL=1
	finish
	exit 1
fi
command -v ss >/dev/null || echo "note: ss (iproute2) missing, bytes per step not measured"
# sshd needs its privilege-separation directory, which only a booted system (tmpfiles)
# creates: on a fresh container it is missing.
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
	mkdir -p /run/sshd && chmod 755 /run/sshd
fi

BIN=$(cd "$BUILD" && pwd)
D=$E2E_TMP/ssh
mkdir -p "$D"
chmod 700 "$D"
ssh-keygen -q -t ed25519 -N '' -C orgdeck-e2e-host -f "$D/host_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -C orgdeck-e2e-user -f "$D/user_key" || exit 1
cp "$D/user_key.pub" "$D/authorized_keys"
chmod 600 "$D/authorized_keys"

SIM_ORGS=60 sim_start --log "$E2E_TMP/sim.log"
cp "$CFG" "$D/config.ini"
chmod 600 "$D/config.ini"

# A free port: one nothing listens on now; if another process takes it first, sshd says it
# cannot bind and the next one is tried.
SSHD_PID=
for try in 1 2 3 4 5; do
	SSH_PORT=$(( ($(od -An -N2 -tu2 /dev/urandom) % 30000) + 20000 ))
	ss -Htln 2>/dev/null | grep -q ":$SSH_PORT " && continue
	cat >"$D/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $D/host_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
StrictModes no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
PrintLastLog no
EOF
	: >"$D/sshd.log"
	"$SSHD" -D -f "$D/sshd_config" -E "$D/sshd.log" &
	SSHD_PID=$!
	end=$(($(now_ms) + 5000))
	until grep -q "Server listening" "$D/sshd.log" || ! kill -0 "$SSHD_PID" 2>/dev/null; do
		[ "$(now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
	grep -q "Server listening" "$D/sshd.log" && break
	kill "$SSHD_PID" 2>/dev/null
	SSHD_PID=
done
trap 'kill $SIM_PID $SSHD_PID 2>/dev/null; cleanup' EXIT
if [ -z "$SSHD_PID" ]; then
	echo "FAIL - sshd did not start; its log:"
	cat "$D/sshd.log"
	FAIL=1
	finish
	exit 1
fi
pass "a loopback sshd listens on 127.0.0.1:$SSH_PORT with its own host key"
listen=$(ss -Htln "( sport = :$SSH_PORT )" 2>/dev/null | awk '{ print $4 }' | sort -u)
[ "$listen" = "127.0.0.1:$SSH_PORT" ] && pass "it listens on loopback only" ||
	fail "it listens on loopback only (ss: $listen)"

SSH="ssh -F /dev/null -p $SSH_PORT -i $D/user_key -o UserKnownHostsFile=$D/known_hosts \
-o StrictHostKeyChecking=no -o BatchMode=yes -o LogLevel=ERROR"
# Sanitizer settings do not cross ssh (sshd passes no environment): the remote command sets them.
REMOTE="cd $D && env LANG=C.UTF-8 ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' \
$BIN/orgdeck --config $D/config.ini --db $D/orgdeck.db --profile clinchpad-demo"
if $SSH 127.0.0.1 true </dev/null 2>"$D/probe.err"; then
	pass "key login works (no password, no system known_hosts)"
else
	fail "key login works: $(cat "$D/probe.err")"
fi

start 100x30 $SSH -t 127.0.0.1 "\"$REMOTE\""
wait_for "60 orgs" 20 "orgdeck over ssh -t syncs and shows the list"
wait_for "clinchpad-demo (ClinchPad)" 5 "the title names the profile"

# The sshd side of the session's TCP connection: bytes both ways so far.
conn_bytes() {
	ss -Htin state established "( sport = :$SSH_PORT )" 2>/dev/null | tr ' ' '\n' |
		awk -F: '$1 == "bytes_sent" || $1 == "bytes_received" { n += $2 } END { print n + 0 }'
}
# quiet_bytes: the count once it has not changed for 300 ms (5 s at most).
quiet_bytes() {
	last=$(conn_bytes)
	since=$(now_ms)
	end=$((since + 5000))
	while [ "$(now_ms)" -lt "$end" ]; do
		sleep 0.05
		now=$(conn_bytes)
		if [ "$now" != "$last" ]; then
			last=$now
			since=$(now_ms)
		elif [ $(($(now_ms) - since)) -ge 300 ]; then
			break
		fi
	done
	echo "$last"
}
# wait_re ERE DESCRIPTION: a screen line matches within 5 s.
wait_re() {
	end=$(($(now_ms) + 5000))
	while [ "$(now_ms)" -lt "$end" ]; do
		screen | grep -qE -- "$1" && { pass "$2"; return 0; }
		sleep 0.05
	done
	fail "$2 (no line matched /$1/)"
}
FIGURES=""
# A step: step_begin, the keys and a wait on their answer, step_end LABEL notes the bytes.
step_begin() { before=$(quiet_bytes); }
step_end() {
	after=$(quiet_bytes)
	FIGURES="$FIGURES $1=$((after - before))"
}

[ "$(conn_bytes)" -gt 0 ] && pass "ss sees the ssh connection's byte counts" ||
	fail "ss sees the ssh connection's byte counts"
first=$(screen | sed -n 3p | cut -c3-40 | sed 's/ *$//')
step_begin; keys j; wait_cursor 3 "j moves the selection over ssh"; step_end j
step_begin; keys PageDown; wait_gone "$first" 5 "PgDn pages over ssh"; step_end PgDn
step_begin; keys g; wait_for "$first" 5 "g goes back to the first row"; step_end g
step_begin; keys e
wait_for "Edit \"$first\" · ClinchPad" 5 "e opens the form over ssh"; step_end e-form
step_begin; keys Tab; wait_cursor 4 "Tab moves to Email"; step_end Tab
keys C-u
wait_re '^>Email +(●|$)' "C-u empties Email (only the changed mark is left)"
step_begin; keys -l s; wait_re '^>Email +s( |$)' "a typed character reaches the field"; step_end char
keys -l "sh@orgdeck-e2e.test"
wait_for "ssh@orgdeck-e2e.test" 5 "the new email is typed"
step_begin; keys C-s; wait_for "Save changes" 5 "C-s shows the diff"; step_end C-s-diff
step_begin; keys y; wait_for "Update queued" 5 "y queues the update"; step_end y-send
end=$(($(now_ms) + 10000))
until sim_orgs | grep -q '"ssh@orgdeck-e2e.test"' || [ "$(now_ms)" -gt "$end" ]; do sleep 0.1; done
sim_orgs | grep -q '"ssh@orgdeck-e2e.test"' && pass "the simulator got the edit made over ssh" ||
	fail "the simulator got the edit made over ssh"
grep -q '^PUT .*clinchpad' "$E2E_TMP/sim.log" && pass "the simulator logged the PUT" ||
	fail "the simulator logged the PUT"
step_begin; keys "?"; wait_for "Help: " 5 "? opens the help over ssh"; step_end help
keys Escape
wait_gone "Help: " 5 "Esc closes the help"
keys q
wait_for "[exit 0]" 10 "q quits; ssh returns orgdeck's status 0"
grep -q "Accepted publickey for $(id -un) from 127.0.0.1" "$D/sshd.log" &&
	pass "sshd logged the key login from 127.0.0.1" || fail "sshd logged the key login from 127.0.0.1"

echo "ssh bytes per step (both directions, TCP payload):$FIGURES"
total=0
n=0
for f in $FIGURES; do
	total=$((total + ${f#*=}))
	n=$((n + 1))
done
[ "$n" -gt 0 ] && echo "ssh bytes per step: mean $((total / n)) over $n steps"
# A one-row move must not repaint the screen: a 100x30 repaint costs several kilobytes.
jb=$(echo "$FIGURES" | tr ' ' '\n' | sed -n 's/^j=//p')
[ -n "$jb" ] && [ "$jb" -gt 0 ] && [ "$jb" -lt 1500 ] &&
	pass "j costs $jb bytes on the wire (< 1500: no full repaint)" ||
	fail "j costs ${jb:-?} bytes on the wire (< 1500: no full repaint)"
finish
