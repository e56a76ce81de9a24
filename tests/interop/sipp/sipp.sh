# shellcheck shell=sh disable=SC2034  # SIPP_RC etc. are read by the t_*.sh
# Helpers for the sipp interop tests (sourced after tests/lib.sh and
# `ports_for N`, not run).  sipp and sipflow only ever use 127.0.0.1.
#
#   sipp_require             skip (77) unless sipp and jq exist; fail if no sipflow
#   sipflow_conf INST USER ANSWER CODECS   write $CONF with [general] + one instance
#   wait_udp PORT [SECS]     wait until something listens on 127.0.0.1:PORT
#   sipp_start NAME XML ARGS...   start sipp in the background (bounded by timeout)
#   sipp_wait [SECS]         wait for it (stop it after SECS); sets SIPP_RC
# sipflow itself runs through tests/lib.sh's run_sipflow / sipflow_start
# (`run_sipflow sipflow -c "$CONF" -s "$FLOW"`: events in $EVENTS).
#
# On exit with status 1 (fail) the sipp logs, sipflow's stderr and the event
# log are printed to stderr.

SIPP=${SIPP:-sipp}
SIPP_DIR="$TESTS_DIR/interop/sipp"
CONF="$SCRATCH/sipflow.conf"
FLOW="$SCRATCH/flow.txt"
EVENTS="$SCRATCH/sipflow.jsonl"   # run_sipflow sipflow ...
SIPP_LOG=""
SIPP_PID=""
SIPP_RC=""

sipp_require() {
	command -v "$SIPP" >/dev/null 2>&1 || skip "sipp not installed"
	command -v jq >/dev/null 2>&1 || skip "jq not installed"
	command -v timeout >/dev/null 2>&1 || skip "timeout (coreutils) not installed"
	[ -x "$SIPFLOW" ] || fail "sipflow binary not found at '$SIPFLOW'"
}

# sipflow_conf INSTANCE USER ANSWER CODECS
sipflow_conf() {
	cat >"$CONF" <<EOF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[$1]
user = $2
port = $SIP_BASE
codecs = $4
answer = $3
source = tone:440
EOF
}

# wait_udp PORT [SECS]: poll /proc/net/udp for a socket bound to the port.
wait_udp() {
	_hex=$(printf ':%04X' "$1")
	_n=$(( ${2:-5} * 10 ))
	while [ "$_n" -gt 0 ]; do
		if awk -v p="$_hex" 'NR > 1 && substr($2, length($2) - 4) == p { f = 1 }
		    END { exit !f }' /proc/net/udp; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# sipp_start NAME SCENARIO.xml [EXTRA SIPP ARGS...]
# sipp gets -m 1 and a 30 s global timeout (an error); `timeout` kills it if
# even that fails, and cleanup() stops it if the test ends first.
sipp_start() {
	SIPP_LOG="$SCRATCH/$1"
	_xml="$SIPP_DIR/$2"
	shift 2
	timeout -k 5 45 "$SIPP" -sf "$_xml" \
		-i 127.0.0.1 -p "$PEER_PORT" -mp "$PEER_RTP" -mi 127.0.0.1 \
		-ci 127.0.0.1 -cp $((PEER_PORT + 5)) -nostdin \
		-m 1 -timeout 30s -timeout_error \
		-trace_err -error_file "$SIPP_LOG.errors.log" \
		-trace_msg -message_file "$SIPP_LOG.messages.log" \
		-trace_logs -log_file "$SIPP_LOG.logs.log" \
		-trace_screen -screen_file "$SIPP_LOG.screen.log" \
		"$@" </dev/null >"$SIPP_LOG.out" 2>&1 &
	SIPP_PID=$!
	BG_PIDS="$BG_PIDS $SIPP_PID"
}

# sipp_wait [SECS]: wait for sipp to end; with SECS, stop it after that
# long (SIPP_RC=124) instead of sitting out its 30 s global timeout.
sipp_wait() {
	if [ -n "${1:-}" ]; then
		_n=$(($1 * 10))
		while [ "$_n" -gt 0 ] && kill -0 "$SIPP_PID" 2>/dev/null &&
			! grep -q '^State:[[:space:]]*Z' "/proc/$SIPP_PID/status" 2>/dev/null; do
			sleep 0.1
			_n=$((_n - 1))
		done
		if [ "$_n" -le 0 ]; then
			echo "sipp still running after ${1}s more; stopping it" >&2
			kill "$SIPP_PID" 2>/dev/null || true
			wait "$SIPP_PID" 2>/dev/null || true
			SIPP_RC=124
			return 0
		fi
	fi
	SIPP_RC=0
	wait "$SIPP_PID" || SIPP_RC=$?
}

# sipflow_sipp_wait WHAT WANT: wait for the sipflow started last, then for
# sipp; fail, with sipp's diagnostics, unless sipflow exited 0 and sipp
# with WANT (0: its scenario passed, 1: it failed as the test means it
# to).  WHAT names the step in the message.
sipflow_sipp_wait() {
	sipflow_wait
	[ "$RC" -eq 0 ] ||
		{ sipp_dump; fail "$1: sipflow exit status $(rc_words "$RC")"; }
	sipp_wait 10
	[ "$SIPP_RC" -eq "$2" ] ||
		{ sipp_dump; fail "$1: sipp $(rc_sipp "$SIPP_RC"), expected $2"; }
}

rc_sipp() {
	case $1 in
	0) echo "0 (all calls succeeded)" ;; 1) echo "1 (a call failed)" ;;
	97) echo "97 (exit on internal command)" ;;
	99) echo "99 (normal exit without calls processed)" ;;
	124|137|143) echo "$1 (killed: timed out)" ;;
	255) echo "255 (fatal error or global timeout)" ;; *) echo "$1" ;;
	esac
}

sipp_dump() {
	echo "==== diagnostics (scratch: $SCRATCH)"
	for f in "$SIPP_LOG.errors.log" "$SIPP_LOG.logs.log"; do
		[ -s "$f" ] || continue
		echo "---- $f"
		# sipp writes its error log without newlines between entries
		tr '\r' '\n' <"$f" | sed 's/\(20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]	\)/\n\1/g' |
			grep -v '^$' | tail -n 40
	done
	if [ -n "$SIPP_LOG" ] && [ -s "$SIPP_LOG.screen.log" ]; then
		echo "---- $SIPP_LOG.screen.log (scenario screen)"
		sed -n '/Scenario Screen/,/Statistics Screen/p' "$SIPP_LOG.screen.log" |
			grep -v '^ *$' | head -n 50
	fi
	if [ -n "$SIPP_LOG" ] && [ -s "$SIPP_LOG.messages.log" ]; then
		echo "---- sipp SIP message summary ($SIPP_LOG.messages.log)"
		grep -E '^(-{10,}|UDP message|[A-Z]+ sip:|SIP/2\.0 [0-9])' \
			"$SIPP_LOG.messages.log" | paste - - - | tail -n 40
	fi
	# (sipflow.out is the event stream again, so only its stderr here)
	if [ -s "$SCRATCH/sipflow.err" ]; then
		echo "---- $SCRATCH/sipflow.err (last 40 lines)"
		tail -n 40 "$SCRATCH/sipflow.err"
	fi
	if [ -s "$EVENTS" ]; then
		echo "---- events, without rtp.stats/sdp ($EVENTS)"
		grep -v -e '"ev":"rtp.stats"' -e '"ev":"sdp\.' "$EVENTS" | tail -n 60
	fi
}

_sipp_on_exit() {
	_st=$?
	if [ "$_st" = 1 ]; then
		sipp_dump >&2 || true
	fi
	cleanup
}
trap _sipp_on_exit EXIT
