#!/bin/sh
# Hostile organization names (orgdeck-sim --hostile: escape sequences, OSC 52, a title
# change, bidi overrides, invalid UTF-8, C1 controls, tabs and newlines, 100 CJK
# characters) are shown as visible, inert marks in the list, the detail (grouped and raw
# JSON) and the form: the screen is not cleared or moved, the title and the clipboard are
# not touched, no raw override reaches the terminal, and clipping keeps whole characters.
E2E_NAME=e2e-hostile
. "$(dirname "$0")/../support/e2e.sh"

"$BUILD/orgdeck-sim" --listen 127.0.0.1:0 --port-file "$E2E_TMP/port" --print-config \
	--orgs 30 --hostile >"$E2E_TMP/cfg.ini" 2>"$E2E_TMP/sim.err" &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null; cleanup' EXIT
end=$(($(date +%s) + 15))
until [ -s "$E2E_TMP/port" ] && grep -q "profile clinchpad-demo" "$E2E_TMP/cfg.ini"; do
	[ "$(date +%s)" -lt "$end" ] || { echo "FAIL - orgdeck-sim did not start"; exit 1; }
	sleep 0.05
done
chmod 600 "$E2E_TMP/cfg.ini"

RLO=$(printf '\342\200\256')   # U+202E RIGHT-TO-LEFT OVERRIDE
ESC=$(printf '\033')

# inert WHERE: checks on what the terminal received (capture-pane -e keeps attributes).
inert() {
	raw=$(tm capture-pane -p -e -t t)
	case $raw in *"$ESC]52"*) fail "$1: no OSC 52 reached the terminal" ;;
	*) pass "$1: no OSC 52 reached the terminal" ;; esac
	case $raw in *"$ESC]0;"*) fail "$1: no title change reached the terminal" ;;
	*) pass "$1: no title change reached the terminal" ;; esac
	case $raw in *"$RLO"*) fail "$1: no raw U+202E reached the terminal" ;;
	*) pass "$1: no raw U+202E reached the terminal" ;; esac
	if screen | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
		pass "$1: the screen is valid UTF-8 (no character split)"
	else
		fail "$1: the screen is valid UTF-8 (no character split)"
	fi
	[ "$(tm display -p -t t '#{pane_title}')" != "pwned" ] && pass "$1: the window title is untouched" ||
		fail "$1: the window title is untouched"
	[ -z "$(tm list-buffers)" ] && pass "$1: no clipboard buffer was set" ||
		fail "$1: no clipboard buffer was set"
	expect_line 0 "orgdeck"
}

tm kill-session -t t 2>/dev/null
start 100x30 "$BUILD/orgdeck" --config "$E2E_TMP/cfg.ini" --db "$E2E_TMP/od.db" --profile clinchpad-demo
# Let applications set the clipboard (tmux buffers), so a leaked OSC 52 would show.
tm set-option -g set-clipboard on
wait_for "30 orgs" 15 "the hostile list is synced"
wait_for "Evil␛[2J␛[HCorp" 5 "ESC [2J (clear screen) is shown as visible marks"
wait_for "Clip␛]52;c;" 5 "OSC 52 is shown as visible marks"
wait_for "Title␛]0;pwned␇ Inc" 5 "OSC 0 (title) and BEL are shown as visible marks"
wait_for "Bidi ␦evil.exe␦ Co" 5 "bidi overrides are shown as a visible mark"
wait_for "Bad �� UTF-8 � Ltd" 5 "invalid UTF-8 becomes U+FFFD"
wait_for "C1␦31m Red Co" 5 "a C1 CSI is shown as a visible mark"
wait_for "Tab␉and␊newline␍Co" 5 "tab, newline and CR are shown as marks on one row"
expect_line 1 "Email"
expect_line 2 "Evil"
expect_line 9 "超長い名前の会社"
inert "list"

# The 100-CJK name is cut on a whole character, with an ellipsis, and its row keeps the
# columns where the other rows have them (wc -L measures display width).
cjk=$(screen | sed -n 10p)
case $cjk in *"…"*) pass "the CJK name is clipped with an ellipsis" ;;
*) fail "the CJK name is clipped with an ellipsis" ;; esac
col_cjk=$(printf '%s\n' "${cjk%%contact@*}" | wc -L)
col_evil=$(screen | sed -n 3p | sed 's/contact@.*//' | wc -L)
[ "$col_cjk" = "$col_evil" ] && pass "the CJK row's next column starts where the others' do ($col_cjk)" ||
	fail "the CJK row's next column starts where the others' do ($col_cjk vs $col_evil)"

# ---- the detail pane, grouped and raw ----
keys Enter
wait_for "clinchpad-demo · ClinchPad · id " 5 "the detail of the clear-screen name opens"
expect_line 1 "Evil␛[2J␛[HCorp"
inert "detail"
keys J
wait_for '"name":' 5 "its raw JSON is shown"
inert "raw JSON"
keys Escape
wait_gone "· id " 5 "back to the list"
keys j j j
wait_cursor 5 "the bidi row is selected"
keys Enter
wait_for "Bidi ␦evil.exe␦ Co" 5 "the bidi name in the detail is inert"
keys J
wait_for "␦evil.exe␦" 5 "and in the raw JSON"
inert "bidi detail"
keys Escape
wait_gone "· id " 5 "back to the list again"
keys j j j j
wait_cursor 9 "the CJK row is selected"
keys Enter
wait_for "clinchpad-demo · ClinchPad · id " 5 "the CJK detail opens"
wait_for "超長い名前の会社超長い名前の会社超長い名前の会社超長い名前の会社超長い名前の会社超長い" 5 "the long name wraps in the detail"
inert "CJK detail"
keys Escape
wait_gone "· id " 5 "back to the list a third time"
keys g e
wait_for "Edit \"Evil␛[2J␛[HCorp\"" 5 "the form's title shows the name inert"
inert "form"
keys Escape
wait_gone "Edit \"" 5 "the form closes"

keys q
wait_for "[exit 0]" 10 "q quits with status 0"
finish
