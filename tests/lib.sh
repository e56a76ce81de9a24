# Shared helpers for sipflow's shell tests (sourced, not run).
#
# Every test gets its own scratch directory and its own port block, so tests
# can run in parallel under `make check -j`.  A test names its block with
# `ports_for N` (N unique per test file, 0..199); the block is 40 ports wide:
#   SIP_BASE  = 6000 + 40*N      (sipflow instances: SIP_BASE, SIP_BASE+1, ...)
#   PEER_PORT = SIP_BASE + 20     (sipp / baresip SIP port)
#   RTP_LO    = 30000 + 200*N     (sipflow rtp_ports = RTP_LO-RTP_HI)
#   PEER_RTP  = RTP_LO + 180      (peer media port)

set -eu

: "${SIPFLOW:=${top_builddir:-.}/sipflow}"
: "${srcdir:=.}"
TESTS_DIR="${srcdir}/tests"
# `play count` finds the bundled sounds wherever the build is.
SIPFLOW_SOUNDS="${srcdir}/sounds"
export SIPFLOW_SOUNDS

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/sipflow-test.XXXXXX")
BG_PIDS=""

cleanup() {
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $BG_PIDS; do wait "$p" 2>/dev/null || true; done
	if [ "${KEEP_SCRATCH:-0}" = 1 ]; then
		echo "scratch kept in $SCRATCH" >&2
	else
		rm -rf "$SCRATCH"
	fi
}
trap cleanup EXIT

ports_for() {
	SIP_BASE=$((6000 + 40 * $1))
	PEER_PORT=$((SIP_BASE + 20))
	RTP_LO=$((30000 + 200 * $1))
	RTP_HI=$((RTP_LO + 179))
	PEER_RTP=$((RTP_LO + 180))
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# bg CMD...: start a background process that cleanup() will stop.
bg() {
	"$@" &
	BG_PIDS="$BG_PIDS $!"
}

# count_ev FILE FILTER: how many event lines match the jq FILTER.
count_ev() {
	jq -c "select($2)" "$1" | wc -l
}

# expect_count FILE FILTER N WHAT: exactly N matching events.
expect_count() {
	n=$(count_ev "$1" "$2")
	[ "$n" -eq "$3" ] || fail "$4: expected $3 events matching '$2', got $n"
}

# expect_min FILE FILTER N WHAT: at least N matching events.
expect_min() {
	n=$(count_ev "$1" "$2")
	[ "$n" -ge "$3" ] || fail "$4: expected >= $3 events matching '$2', got $n"
}

# last_field FILE FILTER FIELD: FIELD of the last event matching FILTER.
last_field() {
	jq -r "select($2) | .$3" "$1" | tail -n 1
}

# run_sipflow NAME [ARGS...]: run sipflow headless; events in $SCRATCH/NAME.jsonl,
# stderr in $SCRATCH/NAME.err, exit status in $RC.  Never fails by itself.
run_sipflow() {
	_name=$1
	shift
	EV="$SCRATCH/$_name.jsonl"
	ERR="$SCRATCH/$_name.err"
	set +e
	timeout 60 "$SIPFLOW" -H -e "$EV" "$@" >"$SCRATCH/$_name.out" 2>"$ERR"
	RC=$?
	set -e
	if [ "${VERBOSE:-0}" = 1 ]; then cat "$ERR" >&2; fi
}

# expect_rc N: the last run_sipflow exited with N (prints its stderr if not).
expect_rc() {
	if [ "$RC" -ne "$1" ]; then
		echo "--- stderr:" >&2
		cat "$ERR" >&2
		echo "--- events (no sip/sdp):" >&2
		grep -v '"ev":"s[di]p\.' "$EV" >&2 || true
		fail "sipflow exited $RC, expected $1"
	fi
}

# peak_hz FILE [SOX EFFECT...]: the strongest frequency above 100 Hz, in Hz.
peak_hz() {
	_f=$1
	shift
	sox "$_f" -n "$@" stat -freq 2>&1 |
		awk 'NF==2 && $1+0>100 {if ($2>m) {m=$2; f=$1}} END {printf "%d", f}'
}

# band_rms FILE LOW-HIGH [SOX EFFECT...]: RMS amplitude in that band (Hz),
# after the effects (e.g. trim START LEN).
band_rms() {
	_f=$1
	_band=$2
	shift 2
	sox "$_f" -n "$@" sinc "$_band" stat 2>&1 | awk '/^RMS +amplitude/ {print $3}'
}

# near HZ WANT: HZ is within 10 Hz of WANT.
near() { [ "$1" -ge $(($2 - 10)) ] && [ "$1" -le $(($2 + 10)) ]; }

# states FILE UA: the call.state sequence of UA, space separated.
states() {
	jq -r "select(.ev==\"call.state\" and .ua==\"$2\") | .state" "$1" |
		tr '\n' ' ' | sed 's/ $//'
}

# write_conf FILE: a config for alice and bob on this test's ports; extra
# "[alice]"/"[bob]" keys come from $ALICE_EXTRA / $BOB_EXTRA (newline separated).
write_conf() {
	cat >"$1" <<CONF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[alice]
user = 1001
port = $SIP_BASE
source = tone:440
${ALICE_EXTRA:-}

[bob]
user = 1002
port = $((SIP_BASE + 1))
source = tone:660
${BOB_EXTRA:-}
CONF
}
