#!/bin/sh
# make screenshots: every pane in every shipped theme, from real runs of orgdeck against
# orgdeck-sim in a detached tmux, captured with their colours and turned into SVG
# (screenshots/<pane>-<theme>.svg) by ansi2svg. No browser needed.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 2
E2E_NAME=screenshots
. tests/support/e2e.sh
SIZE=110x32
COLS=110
ROWS=32

shot() {
	tm capture-pane -e -p -t t >"$E2E_TMP/cap.ans"
	"$BUILD/ansi2svg" "$COLS" "$ROWS" $BACKDROP <"$E2E_TMP/cap.ans" >"screenshots/$1.svg"
	echo "wrote screenshots/$1.svg"
}

run() {
	theme=$1
	profile=$2
	tm kill-server 2>/dev/null
	SOCK="orgdeck-shots-$$-$theme" # a fresh tmux server per theme
	start "$SIZE" "$BUILD/orgdeck" --demo --sim "$BUILD/orgdeck-sim" --demo-orgs 300 \
		--profile "$profile" --theme "$theme"
	wait_for "300 orgs" 20 "$theme: the list is synced"
}

for theme in default light high-contrast monochrome; do
	# The light theme is meant for a light terminal: draw its default colours that way.
	BACKDROP=dark
	[ "$theme" = light ] && BACKDROP=light
	run "$theme" kaana-demo
	keys j j
	shot "list-$theme"
	keys / n o r
	wait_for "/nor" 5
	shot "filter-$theme"
	keys Escape
	wait_gone "/nor" 5
	keys Enter
	wait_for "General" 10
	shot "detail-$theme"
	keys Escape
	keys e
	wait_for "C-s" 10
	keys Tab
	shot "form-$theme"
	keys Escape
	keys m
	wait_for "Role" 10
	shot "members-$theme"
	keys q
	keys ?
	wait_for "Help:" 5
	shot "help-$theme"
	keys Escape
	keys o
	wait_for "Operations, newest first" 5
	shot "oplog-$theme"
	keys Q
done
finish
