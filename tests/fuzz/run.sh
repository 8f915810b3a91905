#!/bin/sh
# Runs libFuzzer targets (built by `make fuzz-build` into $FUZZ_BUILD) for SECONDS each,
# FUZZ_JOBS at a time, each seeded from tests/fuzz/corpus/TARGET/. New inputs go to a
# scratch directory, so the committed corpus only changes when someone copies them in.
# A crash, leak, timeout or sanitizer report fails the target; its input is kept in
# $FUZZ_BUILD/crashes/. Ends with "RESULT fuzz passed=N failed=M" as tests/run counts.
#   usage: sh tests/fuzz/run.sh SECONDS TARGET...
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:?usage: run.sh SECONDS TARGET...}
shift
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
jobs=${FUZZ_JOBS:-2}
work=$(mktemp -d /tmp/orgdeck-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$FUZZ_BUILD/crashes"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

one() {
	t=$1
	mkdir -p "$work/$t"
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: one eating 2 GiB is a bug.
	"$FUZZ_BUILD/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/crashes/$t-" \
		"$work/$t" "tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1
	echo $? >"$work/$t.rc"
}

report() {
	t=$1
	rc=$(cat "$work/$t.rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -n 1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/$t.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		printf 'fuzz %-20s ok    %s execs in %s s (%s)\n' "$t" "${execs:-?}" "${took:-?}" "$cov"
		passed=$((passed + 1))
	else
		printf 'fuzz %-20s FAIL  exit %s; input kept in %s/crashes/\n' "$t" "$rc" "$FUZZ_BUILD"
		grep -v '^#' "$work/$t.log" | tail -n 40
		failed=$((failed + 1))
	fi
}

passed=0
failed=0
while [ $# -gt 0 ]; do
	batch=""
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		if [ ! -x "$FUZZ_BUILD/fuzz_$1" ]; then
			echo "fuzz $1: $FUZZ_BUILD/fuzz_$1 is not built (make fuzz-build)"
			failed=$((failed + 1))
		else
			one "$1" &
			batch="$batch $1"
			n=$((n + 1))
		fi
		shift
	done
	wait
	for t in $batch; do
		report "$t"
	done
done
echo "RESULT fuzz passed=$passed failed=$failed"
[ "$failed" = 0 ]
