#!/bin/sh
# Load run against orgdeck-sim: wrk on loopback, bounded in time, against the 25-row
# ClinchPad page (GET /clinchpad/api/v1/organizations?page=1&size=25, HTTP Basic).
# Prints requests/s, errors, and the server's RSS before and after; fails when wrk saw
# errors, when RSS grew more than the bound over the measured run (a leak), or when the
# server did not exit cleanly (under ASan: any report, leaks included).
#
#   sh bench/sim_load.sh                      # build/orgdeck-sim
#   SIM=build/asan/orgdeck-sim sh bench/sim_load.sh
# Knobs (environment): DURATION (10s), THREADS (2), CONNECTIONS (32), ORGS (10000),
# PAGE (1), RSS_BOUND_KB (16384; ASan builds: not checked, their quarantine grows by
# design), ORGDECK_SIM_THREADS=conn (the sim's thread-per-connection mode, to compare),
# FAULTS=SPEC (passed as --faults: errors are then expected and not counted as failures;
# the run checks only that the server survives and exits cleanly).
# Needs wrk (Debian package wrk): `sh scripts/deps.sh --bench` installs it. Only
# 127.0.0.1 is used.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
SIM=${SIM:-$BUILD/orgdeck-sim}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
ORGS=${ORGS:-10000}
PAGE=${PAGE:-1}
RSS_BOUND_KB=${RSS_BOUND_KB:-16384}
FAULTS=${FAULTS:-}
KEY=cp-demo-4b1d9e7a2c

if ! command -v wrk >/dev/null 2>&1; then
	echo "sim_load: wrk is missing; installing it (sh scripts/deps.sh --bench)" >&2
	sh scripts/deps.sh --bench || {
		echo "sim_load: install wrk (Debian: apt-get install wrk) and run again" >&2
		exit 2
	}
fi
[ -x "$SIM" ] || { echo "sim_load: $SIM not built (make $SIM)" >&2; exit 2; }
asan=0
nm "$SIM" 2>/dev/null | grep -q __asan_init && asan=1

dir=$(mktemp -d /tmp/orgdeck-simload-XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

set -- --listen 127.0.0.1:0 --port-file "$dir/port" --orgs "$ORGS" --dialects clinchpad
[ -n "$FAULTS" ] && set -- "$@" --faults "$FAULTS"
"$SIM" "$@" >/dev/null 2>"$dir/sim.err" &
pid=$!
i=0
while [ ! -s "$dir/port" ]; do
	kill -0 "$pid" 2>/dev/null || { cat "$dir/sim.err" >&2; echo "sim_load: sim died" >&2; exit 1; }
	i=$((i + 1))
	[ $i -gt 1200 ] && { echo "sim_load: sim did not listen within 60 s" >&2; exit 1; }
	sleep 0.05
done
port=$(cat "$dir/port")
url="http://127.0.0.1:$port/clinchpad/api/v1/organizations?page=$PAGE&size=25"
auth="Authorization: Basic $(printf 'api-key:%s' "$KEY" | base64)"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$pid/status"; }

# One request first: the page must be a 25-row JSON array.
if [ -z "$FAULTS" ]; then
	rows=$(curl -sf -H "$auth" "$url" | tr -cd '{' | wc -c)
	[ "$rows" -ge 25 ] || { echo "sim_load: the page did not answer 25 rows" >&2; exit 1; }
fi

rss_start=$(rss)
# Warm-up (page cache, thread stacks, MHD pools), then the measured run.
timeout 30 wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "$auth" "$url" >"$dir/warm.txt" 2>&1
rss_before=$(rss)
timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$url" \
	>"$dir/wrk.txt" 2>&1
wrk_rc=$?
rss_after=$(rss)
nthreads=$(threads)
cat "$dir/wrk.txt"

rps=$(awk '/^Requests\/sec:/ {print $2}' "$dir/wrk.txt")
total=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$dir/wrk.txt")
sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$dir/wrk.txt")
non2xx=${non2xx:-0}
sockerr=${sockerr:-0}
growth=$((rss_after - rss_before))

kill -TERM "$pid"
wait "$pid"
sim_rc=$?
pid=

fail=0
echo "sim_load: $(basename "$SIM")$([ $asan = 1 ] && echo ' (ASan)'), $ORGS orgs, page $PAGE size 25," \
	"$THREADS threads, $CONNECTIONS connections, $DURATION${FAULTS:+, faults $FAULTS}"
echo "sim_load: requests/s $rps ($total requests), non-2xx $non2xx, socket errors $sockerr"
echo "sim_load: RSS start ${rss_start} kB, before ${rss_before} kB, after ${rss_after} kB" \
	"(growth ${growth} kB), server threads $nthreads"
[ "$wrk_rc" = 0 ] || { echo "sim_load: FAIL wrk exited $wrk_rc"; fail=1; }
[ -n "$rps" ] || { echo "sim_load: FAIL no result from wrk"; fail=1; }
if [ -z "$FAULTS" ] && { [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ]; }; then
	echo "sim_load: FAIL errors under load"
	fail=1
fi
if [ $asan = 0 ] && [ "$growth" -gt "$RSS_BOUND_KB" ]; then
	echo "sim_load: FAIL RSS grew ${growth} kB (> ${RSS_BOUND_KB} kB)"
	fail=1
fi
if [ "$sim_rc" != 0 ] || grep -q 'Sanitizer\|runtime error' "$dir/sim.err"; then
	echo "sim_load: FAIL the server exited $sim_rc:"
	cat "$dir/sim.err"
	fail=1
fi
[ $asan = 1 ] && [ $fail = 0 ] && echo "sim_load: no ASan/LSan report"
[ $fail = 0 ] && echo "sim_load: OK"
exit $fail
