# e2e helper, sourced after e2e.sh: one orgdeck-sim on a free loopback port.
#   sim_start [orgdeck-sim options...]  starts it; sets SIM_PID, PORT and CFG (the config it
#                                       printed, mode 0600) and stops it at exit.
#   cfg_get PROFILE KEY                 a value from that config (for example the api_key).
#   sim_orgs                            what ClinchPad's simulator holds now, as JSON.
sim_start() {
	CFG=$E2E_TMP/cfg.ini
	rm -f "$E2E_TMP/port"
	"$BUILD/orgdeck-sim" --listen 127.0.0.1:0 --port-file "$E2E_TMP/port" --print-config \
		--orgs "${SIM_ORGS:-30}" "$@" >"$CFG" 2>"$E2E_TMP/sim.err" &
	SIM_PID=$!
	trap 'kill $SIM_PID 2>/dev/null; cleanup' EXIT
	end=$(($(date +%s) + 15))
	# The simulator prints its config before it writes the port file.
	until [ -s "$E2E_TMP/port" ]; do
		[ "$(date +%s)" -lt "$end" ] || { echo "FAIL - orgdeck-sim did not start"; cat "$E2E_TMP/sim.err"; exit 1; }
		sleep 0.05
	done
	chmod 600 "$CFG"
	PORT=$(cat "$E2E_TMP/port")
}

sim_stop() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
}

cfg_get() {
	sed -n "/^\[profile $1\]/,/^\$/s/^$2 = //p" "$CFG"
}

# The key goes to curl on stdin (-K -), never in its argv.
sim_orgs() {
	printf 'user = "api-key:%s"\n' "$(cfg_get clinchpad-demo api_key)" |
		curl -s -K - "http://127.0.0.1:$PORT/clinchpad/api/v1/organizations?page=1&size=100"
}

# now_ms: milliseconds on the wall clock.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
