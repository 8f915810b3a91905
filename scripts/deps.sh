#!/bin/sh
# Installs the Debian packages orgdeck needs to build, test and run its demo.
# --check: exit 0 when everything is present, 1 otherwise (cheap: dpkg + pkg-config).
# --bench: also the load generator make bench and bench/sim_load.sh need (wrk); never make check.
# --fuzz: also clang and its libFuzzer runtime (make fuzz, and check-asan's short fuzz runs).
set -u
PKGS="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev \
libsqlite3-dev libcunit1-dev libmicrohttpd-dev libinih-dev libutf8proc-dev tmux \
ca-certificates openssh-server openssh-client iproute2 curl jq python3"
BENCH=0
FUZZ=0
if [ "${1:-}" = "--fuzz" ]; then
	FUZZ=1
	PKGS="$PKGS clang libclang-rt-14-dev"
	shift
fi
if [ "${1:-}" = "--bench" ]; then
	BENCH=1
	PKGS="$PKGS wrk"
	shift
fi
PCS="ncursesw panelw formw libcurl libcjson sqlite3 cunit libmicrohttpd inih libutf8proc"

missing() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
	done
}

# clang alone is not enough: libFuzzer's runtime comes in a separate package.
fuzz_present() {
	command -v clang >/dev/null 2>&1 || return 1
	ls "$(clang -print-resource-dir 2>/dev/null)"/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1
}

present() {
	command -v pkg-config >/dev/null 2>&1 || return 1
	pkg-config --exists $PCS 2>/dev/null || return 1
	command -v tmux >/dev/null 2>&1 || return 1
	# tests/e2e/ssh.sh runs its own loopback sshd and the ssh client.
	[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 || return 1
	[ "$BENCH" = 0 ] || command -v wrk >/dev/null 2>&1 || return 1
	[ "$FUZZ" = 0 ] || fuzz_present || return 1
	return 0
}

if [ "${1:-}" = "--check" ]; then
	present
	exit $?
fi
present && [ -z "$(missing 2>/dev/null)" ] && exit 0
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: this is not a Debian system; install: $PKGS" >&2
	exit 1
fi
need=$(missing)
[ -z "$need" ] && present && exit 0
line="apt-get install -y --no-install-recommends $need"
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing $need" >&2
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $line; } >&2 || exit 1
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	echo "deps: installing with sudo: $need" >&2
	{ sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive $line; } >&2 || exit 1
else
	echo "deps: missing packages. Run as root:" >&2
	echo "  apt-get update && $line" >&2
	exit 1
fi
present || { echo "deps: packages installed but pkg-config still misses some of: $PCS" >&2; exit 1; }
