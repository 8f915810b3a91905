# e2e helpers: the real orgdeck in a detached tmux (its own -L socket, no user config,
# fixed size, TERM=xterm-256color), driven by keys and asserted on capture-pane text.
# Waits poll the screen until a deadline; there are no bare sleeps.
# Each check counts; the script ends with "RESULT <name> passed=N failed=M".
set -u
BUILD=${BUILD:-build}
E2E_NAME=${E2E_NAME:-e2e}
SOCK="orgdeck-e2e-$$"
PASS=0
FAIL=0
E2E_TMP=$(mktemp -d /tmp/orgdeck-e2e-XXXXXX)
# Deadlines stretch on a sanitizer build (several times slower) or when asked to.
case "$BUILD" in *asan*) SCALE=${E2E_TIME_SCALE:-3} ;; *) SCALE=${E2E_TIME_SCALE:-2} ;; esac

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
	tm kill-server 2>/dev/null
	rm -rf "$E2E_TMP"
}
trap cleanup EXIT

# start COLSxROWS command...: runs the command in a new session named "t".
start() {
	size=$1
	shift
	tm new-session -d -s t -x "${size%x*}" -y "${size#*x}" \
		"env TERM=xterm-256color LANG=C.UTF-8 $*; echo \"[exit \$?]\"; sleep 30"
	tm set-option -t t remain-on-exit on >/dev/null
}

screen() { tm capture-pane -p -t t; }

pass() {
	PASS=$((PASS + 1))
	echo "ok - $1"
}

fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $1"
	echo "---- screen ----"
	screen
	echo "----------------"
}

# wait_for TEXT [SECONDS] [DESCRIPTION]
wait_for() {
	text=$1
	limit=${2:-10}
	what=${3:-"shows '$1'"}
	end=$(($(date +%s%N) / 1000000 + limit * SCALE * 1000))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		if screen | grep -qF -- "$text"; then
			pass "$what"
			return 0
		fi
		sleep 0.05
	done
	fail "$what (waited ${limit}s)"
	return 1
}

# wait_gone TEXT [SECONDS] [DESCRIPTION]
wait_gone() {
	text=$1
	limit=${2:-10}
	what=${3:-"no longer shows '$1'"}
	end=$(($(date +%s%N) / 1000000 + limit * SCALE * 1000))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		if ! screen | grep -qF -- "$text"; then
			pass "$what"
			return 0
		fi
		sleep 0.05
	done
	fail "$what (waited ${limit}s)"
	return 1
}

# expect_line N TEXT: line N (0-based) of the screen contains TEXT now.
expect_line() {
	if screen | sed -n "$(($1 + 1))p" | grep -qF -- "$2"; then
		pass "line $1 shows '$2'"
	else
		fail "line $1 shows '$2'"
	fi
}

reject() {
	if screen | grep -qF -- "$1"; then
		fail "does not show '$1'"
	else
		pass "does not show '$1'"
	fi
}

# wait_cursor ROW DESCRIPTION: the hardware cursor (the focused row) reaches screen row ROW.
wait_cursor() {
	end=$(($(date +%s%N) / 1000000 + 5000 * SCALE))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		if [ "$(tm display -p -t t '#{cursor_y}')" = "$1" ]; then
			pass "$2"
			return 0
		fi
		sleep 0.05
	done
	fail "$2 (cursor on row $(tm display -p -t t '#{cursor_y}'), wanted $1)"
}

keys() { tm send-keys -t t "$@"; }

finish() {
	echo "RESULT $E2E_NAME passed=$PASS failed=$FAIL"
	[ "$FAIL" = 0 ]
}
