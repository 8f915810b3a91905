#!/bin/sh
# Terminal abuse. 100 resizes in a second in every pane and dialog (list, detail, form,
# members, help, op log, a confirm dialog): orgdeck keeps drawing and a key still gets its
# answer. The terminal closed under it: SIGHUP, then the pty gone (tmux server killed; and
# once with SIGHUP blocked, so only orgdeck's own terminal-gone check can notice): it exits
# within a second without spinning, and an edit queued against a slow simulator is still
# in the outbox and replayed on restart. 20x5 says "too small" and recovers, twice; 300x100
# fills. TERM xterm-256color, screen-256color, tmux-256color, vt100, linux: the list
# renders, scrolls, quits. UTF-8 shows accents; LANG=C shows '?' and no raw escape.
# Under BUILD=build/asan any sanitizer report fails the run (tests/run collects them; run
# alone, this script does).
E2E_NAME=e2e-terminal
. "$(dirname "$0")/../support/e2e.sh"
. "$(dirname "$0")/../support/sim.sh"

T=$E2E_TMP
OWN_SAN=0
if [ -z "${ASAN_OPTIONS:-}" ]; then
	OWN_SAN=1
	mkdir -p "$T/san"
	export ASAN_OPTIONS="log_path=$T/san/asan:detect_leaks=1:abort_on_error=0"
	export UBSAN_OPTIONS="log_path=$T/san/ubsan:print_stacktrace=1:halt_on_error=1"
fi

# Seed 42 puts "Café Müller GmbH" among 300 organizations.
SIM_ORGS=300 sim_start --seed 42 --log "$T/sim.log"
OD="$BUILD/orgdeck --config $CFG"
run() {
	size=$1
	shift
	tm kill-session -t t 2>/dev/null
	start "$size" "$@"
}
# The orgdeck in the pane: the pane's shell is its parent.
orgdeck_pid() { ps -o pid=,comm= --ppid "$(tm display -p -t t '#{pane_pid}' 2>/dev/null)" 2>/dev/null | awk '$2 == "orgdeck" { print $1 }'; }
# alive PID: running and not a zombie.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# ---- 100 resizes in a second, in every pane and dialog ----
SIZES="100x30 61x17 143x41 30x6 80x24 24x5 120x35 45x12 99x29 200x50"
storm() {
	t0=$(now_ms)
	i=0
	while [ $i -lt 10 ]; do
		for s in $SIZES; do
			tm resize-window -t t -x "${s%x*}" -y "${s#*x}"
		done
		i=$((i + 1))
	done
	t1=$(now_ms)
	tm resize-window -t t -x 100 -y 30
	STORM_MS=$((t1 - t0))
}
# storm_in WHERE SHOWN: 100 resizes; the pane still shows SHOWN and orgdeck lives.
storm_in() {
	storm
	alive "$PID" && pass "$1: orgdeck lives through 100 resizes in ${STORM_MS} ms" ||
		fail "$1: orgdeck lives through 100 resizes"
	[ "$STORM_MS" -le 1500 ] || echo "note: the 100 resizes took ${STORM_MS} ms"
	wait_for "$2" 5 "$1: after the storm it still shows '$2' at 100x30"
	reject "Terminal too small"
}

run 100x30 $OD --profile clinchpad-demo
wait_for "300 orgs" 20 "the list is synced"
PID=$(orgdeck_pid)
[ -n "$PID" ] && pass "orgdeck runs (pid $PID)" || fail "orgdeck runs"
name=$(screen | sed -n 3p | cut -c3-40 | sed 's/ *$//')
storm_in "list" "300 orgs"
keys j
wait_cursor 3 "list: j still moves the selection"
keys k Enter
wait_for "clinchpad-demo · ClinchPad · id" 5 "Enter opens the detail"
storm_in "detail" "clinchpad-demo · ClinchPad · id"
keys q
wait_gone "clinchpad-demo · ClinchPad · id" 5 "detail: q still closes it"
keys e
wait_for "Edit \"$name\"" 5 "e opens the form"
storm_in "form" "Edit \"$name\""
keys Tab
wait_cursor 4 "form: Tab still moves the focus"
keys Escape
wait_gone "Edit \"$name\"" 5 "form: Esc still closes it"
keys m
wait_for "Members of" 10 "m opens the members"
storm_in "members" "Members of"
keys q
wait_gone "Members of" 5 "members: q still closes it"
keys "?"
wait_for "Help: " 5 "? opens the help"
storm_in "help" "Help: "
keys Escape
wait_gone "Help: " 5 "help: Esc still closes it"
keys o
wait_for "Operations, newest first" 5 "o opens the op log"
storm_in "op log" "Operations, newest first"
keys q
wait_gone "Operations, newest first" 5 "op log: q still closes it"
keys d
wait_for "Delete organization" 5 "d opens a confirm dialog"
storm_in "confirm dialog" "Delete organization"
keys n
wait_gone "Delete organization" 5 "confirm: n still answers it"
wait_for "300 orgs" 5 "nothing was deleted"
keys q
wait_for "[exit 0]" 5 "q quits with 0 after all the storms"

# ---- too small and very large ----
run 20x5 $OD --profile clinchpad-demo
wait_for "Terminal too small" 10 "20x5 says the terminal is too small"
PID=$(orgdeck_pid)
tm resize-window -t t -x 80 -y 24
wait_for "300 orgs" 10 "a resize to 80x24 brings the list back"
reject "Terminal too small"
tm resize-window -t t -x 20 -y 5
wait_for "Terminal too small" 5 "a second shrink to 20x5 says so again"
reject "300 orgs"
tm resize-window -t t -x 25 -y 4
wait_for "Terminal too small" 5 "still too small at 25x4"
tm resize-window -t t -x 80 -y 24
wait_for "300 orgs" 5 "and recovers again at 80x24"
keys j
wait_cursor 3 "a key still works after recovering"
keys q
wait_for "[exit 0]" 5 "q quits"

run 300x100 $OD --profile clinchpad-demo
wait_for "300 orgs" 20 "300x100: the list syncs"
expect_line 1 "Name"
[ "$(screen | sed -n 98p | cut -c1-4)" = "    " ] &&
	fail "300x100: row 97 is drawn" || pass "300x100: row 97 is drawn"
expect_line 98 "300 orgs"
keys G
wait_gone "$name" 5 "300x100: G scrolls"
keys q
wait_for "[exit 0]" 5 "300x100: q quits"

# ---- TERM types ----
for term in xterm-256color screen-256color tmux-256color vt100 linux; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		fail "TERM=$term: terminfo entry present (ncurses-base)"
		continue
	fi
	run 100x30 TERM=$term $OD --profile clinchpad-demo
	wait_for "300 orgs" 15 "TERM=$term: the list renders"
	expect_line 1 "Name"
	keys G
	wait_gone "$name" 5 "TERM=$term: G scrolls to the end"
	keys g
	wait_for "$name" 5 "TERM=$term: g scrolls back"
	keys q
	wait_for "[exit 0]" 5 "TERM=$term: q quits with 0"
done

# ---- locales ----
run 100x30 $OD --profile clinchpad-demo
wait_for "300 orgs" 15 "UTF-8: the list renders"
keys / c a f
wait_for "Café" 5 "UTF-8: an accented name is shown as itself"
keys Escape q
wait_for "[exit 0]" 5 "UTF-8: quits"
run 100x30 LANG=C LC_ALL=C $OD --profile clinchpad-demo
wait_for "300 orgs" 15 "LANG=C: the list renders"
keys / c a f
wait_for "Caf?" 5 "LANG=C: a non-ASCII letter is shown as '?'"
reject "Café"
if screen | LC_ALL=C grep -q '[^ -~]'; then
	fail "LANG=C: the screen is plain ASCII (no mojibake)"
else
	pass "LANG=C: the screen is plain ASCII (no mojibake)"
fi
ESC=$(printf '\033')
if tm capture-pane -p -t t | grep -q "$ESC"; then
	fail "LANG=C: no escape character shows as text"
else
	pass "LANG=C: no escape character shows as text"
fi
keys Escape q
wait_for "[exit 0]" 5 "LANG=C: quits"

# ---- the terminal closed under it ----
# hangup HOW: an edit is queued against a slow simulator, then the terminal goes: orgdeck
# exits within a second without spinning; on restart the edit is still queued and replayed.
sim_stop
SIM_ORGS=30 sim_start --latency-ms 2500 --log "$T/sim-slow.log"
OD="$BUILD/orgdeck --config $CFG"
hangup() {
	how=$1
	wrap=
	[ "$how" = "pty gone, SIGHUP blocked" ] &&
		wrap="perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGHUP)) or die; exec @ARGV'"
	db=$T/hup-$(echo "$how" | tr -c 'a-z\n' '-').db
	run 100x30 $wrap $OD --profile clinchpad-demo --db "$db"
	wait_for "30 orgs" 20 "$how: synced through the slow simulator"
	PID=$(orgdeck_pid)
	if [ -n "$wrap" ]; then
		grep -q '^SigBlk:.*[13579bdf]$' "/proc/$PID/status" && pass "$how: SIGHUP is blocked in orgdeck" ||
			fail "$how: SIGHUP is blocked in orgdeck"
	fi
	value="hup-$(date +%s%N | cut -c8-16)@e2e.test"
	keys e
	wait_for "Edit \"" 5 "$how: the form opens"
	keys Tab C-u
	keys -l "$value"
	keys C-s
	wait_for "Save changes" 5 "$how: the diff"
	keys y
	wait_for "Update queued" 5 "$how: the edit is queued"
	c0=$(cpu_ticks "$PID")
	t0=$(now_ms)
	case $how in
	SIGHUP) kill -HUP "$PID" ;;
	*) tm kill-server ;;
	esac
	peak=0
	while alive "$PID" && [ $(($(now_ms) - t0)) -lt 3000 ]; do
		c=$(cpu_ticks "$PID")
		[ -n "$c" ] && peak=$((c - c0))
		sleep 0.01
	done
	gone=$(($(now_ms) - t0))
	if alive "$PID"; then
		fail "$how: orgdeck exits within a second (still running after 3 s, $peak ticks of CPU)"
		kill -KILL "$PID" 2>/dev/null
	else
		[ "$gone" -le 1000 ] && pass "$how: orgdeck exits in $gone ms (within a second)" ||
			fail "$how: orgdeck exits within a second (took $gone ms)"
	fi
	[ "$peak" -le 20 ] && pass "$how: no CPU spin ($peak ticks until exit)" ||
		fail "$how: no CPU spin ($peak ticks until exit)"
	echo "hangup ($how): exit after $gone ms, $peak CPU ticks"
	run 100x30 $OD --profile clinchpad-demo --db "$db"
	keys o
	wait_for "Operations, newest first" 10 "$how: after a restart the op log opens"
	# A fresh database per run: the one update listed is the edit queued before the hangup.
	end=$(($(now_ms) + 10000))
	until screen | grep -q "clinchpad-demo *update" || [ "$(now_ms)" -gt "$end" ]; do sleep 0.02; done
	state=$(screen | sed -n 's/.*clinchpad-demo *update *\([a-z]*\).*/\1/p')
	[ -n "$state" ] && [ "$state" != done ] &&
		pass "$how: after a restart the queued edit is still in the outbox ($state)" ||
		fail "$how: after a restart the queued edit is still in the outbox (state '${state:-none}')"
	wait_for "done" 15 "$how: the edit is replayed and done"
	end=$(($(now_ms) + 10000))
	until sim_orgs | grep -qF "\"$value\"" || [ "$(now_ms)" -gt "$end" ]; do sleep 0.1; done
	sim_orgs | grep -qF "\"$value\"" && pass "$how: the simulator has the edit" ||
		fail "$how: the simulator has the edit"
	keys q q
	wait_for "[exit 0]" 5 "$how: quits"
}
hangup SIGHUP
hangup "pty gone (tmux server killed)"
hangup "pty gone, SIGHUP blocked"

if [ "$OWN_SAN" = 1 ]; then
	reports=$(ls "$T/san" 2>/dev/null)
	[ -z "$reports" ] && pass "no sanitizer report" || {
		fail "no sanitizer report: $reports"
		cat "$T"/san/*
	}
fi
finish
