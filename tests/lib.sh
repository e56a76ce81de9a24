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

# wait_event FILE FILTER SECS: wait until an event in FILE matches FILTER;
# false after SECS.  Polls, so it holds on a slow machine as on a fast one.
wait_event() {
	_n=$(($3 * 20))
	while [ "$_n" -gt 0 ]; do
		[ -s "$1" ] && [ "$(count_ev "$1" "$2" 2>/dev/null)" -gt 0 ] && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

# last_field FILE FILTER FIELD: FIELD of the last event matching FILTER.
last_field() {
	jq -r "select($2) | .$3" "$1" | tail -n 1
}

# expect_media FILE UA CODEC PT MIN PEER: UA's media started with CODEC
# and its last rtp.stats show at least MIN packets each way, received
# with payload type PT (from PEER, for the message).  Sets TX and RX.
expect_media() {
	codec=$(last_field "$1" ".ev==\"media.start\" and .ua==\"$2\"" codec)
	[ "$codec" = "$3" ] ||
		fail "$2 media.start codec '$codec', expected $3"
	S=".ev==\"rtp.stats\" and .ua==\"$2\""
	expect_min "$1" "$S" 1 "$2 rtp.stats"
	TX=$(last_field "$1" "$S" tx_pkts)
	RX=$(last_field "$1" "$S" rx_pkts)
	rx_pt=$(last_field "$1" "$S" rx_pt)
	echo "$2 last rtp.stats: tx_pkts=$TX rx_pkts=$RX rx_pt=$rx_pt"
	[ "$TX" -ge "$5" ] || fail "$2 sent $TX RTP packets, expected >= $5"
	[ "$RX" -ge "$5" ] ||
		fail "$2 received $RX RTP packets from $6, expected >= $5"
	[ "$rx_pt" = "$4" ] ||
		fail "$2 received payload type '$rx_pt', expected $4"
}

# The one way tests run sipflow headless (flows, tui helpers, sipp and
# baresip wrappers alike).
#
# sipflow_start NAME [ARGS...]: start it in the background: events in
# $SCRATCH/NAME.jsonl ($EV), stderr in $SCRATCH/NAME.err ($ERR), stdout in
# $SCRATCH/NAME.out.  SF_PID (and SF_PID_NAME) is sipflow's own pid, not a
# wrapper's, so a test may stop and continue it.  A watchdog ends it after
# $SIPFLOW_TIMEOUT seconds (default 60), which shows as RC 124.  NAME is
# a shell identifier.
sipflow_start() {
	_name=$1
	shift
	EV="$SCRATCH/$_name.jsonl"
	ERR="$SCRATCH/$_name.err"
	: >"$EV"
	(exec "$SIPFLOW" -H -e "$EV" "$@" </dev/null >"$SCRATCH/$_name.out" \
		2>"$ERR") &
	SF_PID=$!
	# The watchdog's output goes nowhere: the harness would wait for it.
	(sleep "${SIPFLOW_TIMEOUT:-60}" && touch "$SCRATCH/$_name.killed" &&
		kill -TERM "$SF_PID" && sleep 5 && kill -KILL "$SF_PID") \
		>/dev/null 2>&1 </dev/null &
	eval "SF_PID_$_name=$SF_PID SF_DOG_$_name=$!"
	BG_PIDS="$BG_PIDS $SF_PID $!"
}

# sipflow_wait [NAME]: wait for that sipflow (default: the last started);
# its exit status in $RC (124 when the watchdog ended it), its files in
# $EV and $ERR.  Never fails by itself.
sipflow_wait() {
	_name=${1:-$_name}
	eval "_pid=\$SF_PID_$_name _dog=\$SF_DOG_$_name"
	EV="$SCRATCH/$_name.jsonl"
	ERR="$SCRATCH/$_name.err"
	RC=0
	wait "$_pid" || RC=$?
	kill "$_dog" 2>/dev/null || true
	wait "$_dog" 2>/dev/null || true
	BG_PIDS=$(echo " $BG_PIDS " | sed "s/ $_pid / /; s/ $_dog / /")
	[ ! -e "$SCRATCH/$_name.killed" ] || RC=124
	if [ "${VERBOSE:-0}" = 1 ]; then cat "$ERR" >&2; fi
}

# run_sipflow NAME [ARGS...]: the same in the foreground.
run_sipflow() {
	sipflow_start "$@"
	sipflow_wait
}

# rc_words N: an exit status in words, for failure messages.
rc_words() {
	case $1 in
	0) echo "0 (ok)" ;; 1) echo "1 (expectation failed)" ;;
	2) echo "2 (bad file)" ;; 3) echo "3 (runtime error)" ;;
	124|137|143) echo "$1 (killed: timed out)" ;; *) echo "$1" ;;
	esac
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

# silent_runs FILE CHANNEL [THRESHOLD]: the runs of 20 ms frames of an
# 8 kHz recording whose RMS is below THRESHOLD (default 0.02 of full
# scale), one "START_S LENGTH_MS" line each.  What a listener would hear as
# a gap, frame by frame as the engine wrote them.
silent_runs() {
	sox "$1" -t dat - remix "$2" | awk -v th="${3:-0.02}" '
	/^;/ { next }
	{ s += $2 * $2; n++
	  if (n == 160) {
		q = sqrt(s / n) < th
		if (q && !run) { run = 1; start = f }
		if (!q && run) { run = 0; printf "%.2f %d\n", start * 0.02, (f - start) * 20 }
		f++; s = 0; n = 0
	  } }
	END { if (run) printf "%.2f %d\n", start * 0.02, (f - start) * 20 }'
}

# probe_start / probe_stop: watch the machine itself (tests/tools/
# stall_probe) while a real-time test runs.  probe_stop leaves the stalls
# it saw in $SCRATCH/probe ("START_S LATE_MS" lines, seconds since
# PROBE_T0, the `date +%s.%N` it started at) and the longest in PROBE_MAX
# (ms).
probe_start() {
	_probe="${top_builddir:-.}/tests/tools/stall_probe"
	[ -x "$_probe" ] || skip "no $_probe (make check builds it)"
	PROBE_T0=$(date +%s.%N)
	"$_probe" "$SCRATCH/probe" &
	PROBE_PID=$!
	BG_PIDS="$BG_PIDS $PROBE_PID"
}
probe_stop() {
	kill -TERM "$PROBE_PID" 2>/dev/null || true
	wait "$PROBE_PID" 2>/dev/null || true
	PROBE_MAX=$(awk '$1=="max" {print $2}' "$SCRATCH/probe" 2>/dev/null)
	: "${PROBE_MAX:=0}"
	echo "the machine itself stalled for up to $PROBE_MAX ms"
}
# probe_skipped_ms: how much wall time the engine may have skipped: its
# scheduler gives up catching up on a stall past 5 ticks (100 ms) and
# skips it whole, so every stall the probe saw from 80 ms on counts.
probe_skipped_ms() {
	awk '$1 != "max" && $2 >= 80 { s += $2 } END { printf "%d", s }' "$SCRATCH/probe"
}
# machine_stalled MS AT T0: the probe saw a stall of at least MS - 40 ms
# within half a second of AT seconds after the `date +%s.%N` T0: a dropout
# of MS there is the machine's (every process stood still), not ours.
machine_stalled() {
	awk -v ms="$1" -v at="$(echo "$3 - $PROBE_T0 + $2" | bc -l)" '
		$1 != "max" && $2 >= ms - 40 && $1 > at - 0.5 && $1 < at + 0.5 { f = 1 }
		END { exit !f }' "$SCRATCH/probe"
}

# alsa_fifo_home DIR FIFO: make DIR a $HOME whose ALSA default device is
# the `file` plugin writing raw 48 kHz mono S16 into FIFO (made here), for
# tests/tools/fifo_pacer to play the sound card.  The FIFO runs at 48 kHz so
# its smallest pipe (one 4 KiB page) holds 43 ms, not 256 ms: the device
# then pulls audio in small steps, as a sound card does.
alsa_fifo_home() {
	mkdir -p "$1"
	mkfifo "$2"
	cat >"$1/.asoundrc" <<ALSA
pcm.!default {
    type plug
    slave { pcm "fifo"; rate 48000; channels 1; format S16_LE }
}
pcm.fifo {
    type file
    slave.pcm "null"
    file "$2"
    format "raw"
}
ALSA
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

# A PBX test's configuration, on this test's ports.  pbx_conf [LINE...]
# prints [general] (rtp_ports, record_dir $SCRATCH/rec) and the [pbx]
# instance (mode = pbx, port $SIP_BASE) with LINEs ("account = 1001:pw",
# "route = ...") after; pbx_phone NAME USER N PASSWORD [LINE...] prints
# an instance NAME at port SIP_BASE + N that registers with that PBX.
pbx_conf() {
	printf '[general]\nrtp_ports = %s-%s\nrecord_dir = %s/rec\n\n' \
		"$RTP_LO" "$RTP_HI" "$SCRATCH"
	printf '[pbx]\nmode = pbx\nport = %s\n' "$SIP_BASE"
	for _line in "$@"; do printf '%s\n' "$_line"; done
}
pbx_phone() {
	printf '\n[%s]\nuser = %s\nport = %s\nregistrar = sip:127.0.0.1:%s\npassword = %s\n' \
		"$1" "$2" $((SIP_BASE + $3)) "$SIP_BASE" "$4"
	shift 4
	for _line in "$@"; do printf '%s\n' "$_line"; done
}
