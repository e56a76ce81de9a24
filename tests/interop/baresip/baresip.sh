# shellcheck shell=bash disable=SC2034  # SF_RC, CONF, ... are read by the t_*.sh
# baresip as an interop peer for sipflow's shell tests (sourced, bash).
#
# Written against baresip 1.0.0 (Debian bookworm).  See NOTES.md for what was
# verified and for the quirks of that version.  Source tests/lib.sh first (this
# file uses its `bg`, `fail`, `skip` and BG_PIDS).
#
# One baresip instance = one config directory, made by baresip_setup.  It uses
#   PORT      SIP over UDP (and TCP: 1.0.0 always opens UDP, TCP and TLS)
#   PORT+1    SIP over TLS (TCP listener; not configurable in 1.0.0)
#   PORT+2    ctrl_tcp: the command socket the helpers below drive it through
#   RTP..RTP+9  media (RTP and RTCP, no rtcp-mux)
# so two instances need SIP ports at least 3 apart.  Everything binds to
# 127.0.0.1 (sip_listen, net_interface, ctrl_tcp_listen, dns_server).
#
# The instance reads no terminal (no stdio module), plays what it receives
# into nothing (no audio player module), dumps the decoded received audio and
# the encoded sent audio as WAV into DIR/snd (sndfile module), and prints the
# RTP summary of every call when it ends (rtp_stats yes).

: "${BARESIP:=baresip}"
: "${BARESIP_MAX_SECONDS:=120}"    # -t: no instance outlives this
: "${BARESIP_TIMEOUT:=10}"         # default wait for a log line, seconds
: "${BARESIP_SIP_TRACE:=0}"        # 1: add -s (SIP messages in the log)

# baresip_modules: print baresip's module directory, or fail.
baresip_modules() {
	for d in ${BARESIP_MODULES:-} /usr/lib/baresip/modules \
	    /usr/lib/x86_64-linux-gnu/baresip/modules \
	    /usr/local/lib/baresip/modules; do
		if [ -f "$d/g711.so" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# baresip_require: skip the test unless baresip and the modules it needs are
# installed (and jq, which the ctrl_tcp helpers use).
baresip_require() {
	command -v "$BARESIP" >/dev/null 2>&1 || skip "baresip not installed"
	command -v jq >/dev/null 2>&1 || skip "jq not installed"
	_bs_mods=$(baresip_modules) || skip "baresip modules not found"
	for m in g711 ausine aufile sndfile account menu ctrl_tcp; do
		[ -f "$_bs_mods/$m.so" ] || skip "baresip module $m.so missing"
	done
}

# baresip_setup DIR PORT RTP [SOURCE] [USER] [ANSWERMODE]
#   Write a config directory.  SOURCE is `sine:HZ` (default sine:440, endless)
#   or the path of a WAV file, 8000 Hz mono 16-bit -- baresip 1.0.0 hangs up
#   the call when the file ends, so make it longer than the call.  USER is the
#   account's user part (default bob); ANSWERMODE is auto (default), manual or
#   early.  BARESIP_CODECS overrides the codec list
#   (default PCMU/8000/1,PCMA/8000/1; telephone-event is always offered).
baresip_setup() {
	_bs_dir=$1 _bs_port=$2 _bs_rtp=$3
	_bs_src=${4:-sine:440} _bs_user=${5:-bob} _bs_answer=${6:-auto}
	_bs_mods=$(baresip_modules) || fail "baresip modules not found"
	mkdir -p "$_bs_dir/snd"
	case $_bs_src in
	sine:*)
		_bs_srcmod=ausine.so
		# ausine only makes 48 kHz stereo; baresip resamples to 8 kHz.
		_bs_srcconf="audio_source		ausine,${_bs_src#sine:}
ausrc_srate		48000
ausrc_channels		2"
		;;
	*)
		[ -f "$_bs_src" ] || fail "baresip_setup: no such file: $_bs_src"
		_bs_srcmod=aufile.so
		_bs_srcconf="audio_source		aufile,$_bs_src"
		;;
	esac
	cat >"$_bs_dir/config" <<EOF
# written by tests/interop/baresip/baresip.sh
poll_method		epoll
sip_listen		127.0.0.1:$_bs_port
net_interface		127.0.0.1
dns_server		127.0.0.1:53
call_local_timeout	120
call_max_calls		4
$_bs_srcconf
audio_level		no
ausrc_format		s16
auplay_format		s16
rtp_ports		$_bs_rtp-$((_bs_rtp + 9))
rtcp_mux		no
jitter_buffer_delay	5-10
rtp_stats		yes
module_path		$_bs_mods
module			g711.so
module			$_bs_srcmod
module			sndfile.so
snd_path		$_bs_dir/snd
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$((_bs_port + 2))
statmode_default	off
ringback_disabled	yes
EOF
	echo "<sip:$_bs_user@127.0.0.1>;regint=0;answermode=$_bs_answer;audio_codecs=${BARESIP_CODECS:-PCMU/8000/1,PCMA/8000/1}" \
	    >"$_bs_dir/accounts"
	echo "$_bs_port" >"$_bs_dir/sip_port"
	echo $((_bs_port + 2)) >"$_bs_dir/ctrl_port"
}

# _baresip_exec DIR LOG: run baresip in the foreground, output to LOG.
_baresip_exec() {
	_bs_opts="-f $1 -t $BARESIP_MAX_SECONDS"
	[ "$BARESIP_SIP_TRACE" = 1 ] && _bs_opts="$_bs_opts -s"
	# shellcheck disable=SC2086
	exec "$BARESIP" $_bs_opts </dev/null >"$2" 2>&1
}

# baresip_start DIR LOG: start the instance in the background (stopped by
# lib.sh's cleanup), wait until it is ready and its ctrl_tcp socket answers.
baresip_start() {
	: >"$2"
	bg _baresip_exec "$1" "$2"
	echo $! >"$1/pid"
	baresip_wait_log "$2" '^baresip is ready\.' "$BARESIP_TIMEOUT" ||
	    fail "baresip ($1) did not start; log: $(tail -n 5 "$2")"
	_bs_i=0
	until baresip_cmd "$1" reginfo >/dev/null 2>&1; do
		_bs_i=$((_bs_i + 1))
		[ $_bs_i -lt 50 ] || fail "baresip ($1): ctrl_tcp does not answer"
		sleep 0.1
	done
}

# baresip_start_uas DIR LOG: same; the account answers automatically
# (answermode=auto, unless baresip_setup was told otherwise).
baresip_start_uas() {
	baresip_start "$@"
}

# baresip_cmd DIR COMMAND [PARAMS]: run a menu command (dial, hangup, quit,
# sndcode, callstat, answer, ...) through ctrl_tcp; print the response's data.
# Returns 1 if there was no response or it was not ok.  Events that baresip
# pushes on the same connection are skipped.
baresip_cmd() {
	local LC_ALL=C port json n body ok=1
	port=$(cat "$1/ctrl_port")
	json=$(jq -cn --arg c "$2" --arg p "${3:-}" \
	    '{command: $c, params: $p, token: "sipflow-test"}')
	exec 9<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf '%d:%s,' "${#json}" "$json" >&9
	while IFS= read -r -t 5 -d : n <&9; do
		case $n in '' | *[!0-9]*) break ;; esac
		IFS= read -r -t 5 -N $((n + 1)) body <&9 || break
		body=${body%,}
		case $body in
		*'"response":true'*)
			printf '%s' "$body" | jq -r '.data // empty'
			case $body in *'"ok":true'*) ok=0 ;; esac
			break
			;;
		esac
	done
	exec 9>&-
	return $ok
}

# baresip_wait_log LOG REGEX [SECONDS]: wait until an (extended) REGEX
# matches a line of LOG.  Returns 1 on timeout.
baresip_wait_log() {
	_bs_end=$(($(date +%s) + ${3:-$BARESIP_TIMEOUT}))
	while :; do
		if tr '\r' '\n' <"$1" | grep -Eq -- "$2"; then
			return 0
		fi
		[ "$(date +%s)" -lt "$_bs_end" ] || return 1
		sleep 0.1
	done
}

# baresip_wait_exit DIR [SECONDS]: wait for the instance to exit; its exit
# status is the return value (124 if it is still running after SECONDS; it is
# then killed).
baresip_wait_exit() {
	local pid st i=0 lim=$((${2:-$BARESIP_TIMEOUT} * 10)) rc
	pid=$(cat "$1/pid")
	while [ $i -lt $lim ]; do
		st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || st=gone
		case $st in Z | gone | '') break ;; esac
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge $lim ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rc=124
	else
		rc=0
		wait "$pid" || rc=$?
	fi
	BG_PIDS=$(echo " $BG_PIDS " | sed "s/ $pid / /")
	return $rc
}

# baresip_quit DIR [SECONDS]: ask the instance to quit (it hangs up any call
# first), wait for it to exit; return its exit status.
baresip_quit() {
	baresip_cmd "$1" quit >/dev/null 2>&1 || true
	baresip_wait_exit "$@"
}

# baresip_dial DIR LOG URI SECONDS: start the instance in DIR, call URI, stay
# in the call SECONDS seconds after it is established, hang up, quit.
# Returns 0 if the call was established, ended, and baresip exited with 0.
# Extra: BARESIP_DTMF=DIGITS sends those digits (RFC 4733) one second into
# the call.
baresip_dial() {
	local dir=$1 log=$2 uri=$3 secs=$4 rc=0
	baresip_start "$dir" "$log"
	baresip_cmd "$dir" dial "$uri" >/dev/null || {
		echo "baresip_dial: dial command failed" >&2
		rc=1
	}
	if [ $rc = 0 ] && ! baresip_wait_log "$log" ': Call established: ' 10; then
		echo "baresip_dial: call to $uri not established" >&2
		rc=1
	fi
	if [ $rc = 0 ]; then
		if [ -n "${BARESIP_DTMF:-}" ]; then
			sleep 1
			secs=$((secs - 1))
			baresip_send_dtmf "$dir" "$BARESIP_DTMF"
		fi
		sleep "$secs"
		baresip_cmd "$dir" hangup >/dev/null || true
		baresip_wait_log "$log" ': Call with .* terminated' 5 || {
			echo "baresip_dial: call did not end" >&2
			rc=1
		}
	fi
	baresip_quit "$dir" || {
		echo "baresip_dial: baresip exit status $?" >&2
		rc=1
	}
	return $rc
}

# baresip_send_dtmf DIR DIGITS: send DIGITS as RFC 4733 events on the current
# call, ~250 ms apart.
baresip_send_dtmf() {
	local d=$2 c
	while [ -n "$d" ]; do
		c=${d%"${d#?}"}
		d=${d#?}
		baresip_cmd "$1" sndcode "$c" >/dev/null ||
		    echo "baresip_send_dtmf: sndcode $c failed" >&2
		sleep 0.25
	done
}

# RTP summary of the last call in LOG (needs rtp_stats yes), e.g. (the
# pkt.report, lost and jitter lines only appear once an RTCP report was
# received, i.e. in calls longer than ~5 s; otherwise those helpers print "")
#   audio           Transmit:     Receive:
#   packets:            301          301
#   lost:                 0            0
#   jitter:             1.1          0.7  (ms)
# Counters include RFC 4733 (telephone-event) packets.
_baresip_stat() {
	tr '\r' '\n' <"$1" | awk -v k="$2" -v col="$3" '
		/^audio +Transmit: +Receive:/ { inblk = 1; v = ""; next }
		inblk && $1 == k ":" { v = $(col + 1) }
		inblk && /^jitter:/ { inblk = 0 }
		END { print v }'
}
baresip_tx_packets() { _baresip_stat "$1" packets 1; }
baresip_rx_packets() { _baresip_stat "$1" packets 2; }
baresip_rx_lost() { _baresip_stat "$1" lost 2; }
baresip_rx_jitter() { _baresip_stat "$1" jitter 2; }

# baresip_calls_established LOG / baresip_calls_ended LOG: counts.  A call
# that never got established (e.g. rejected) ends with only a "session
# closed: CODE REASON" line, not counted by baresip_calls_ended.
baresip_calls_established() {
	tr '\r' '\n' <"$1" | grep -Ec ': Call established: ' || true
}
baresip_calls_ended() {
	tr '\r' '\n' <"$1" | grep -Ec ': Call with .* terminated' || true
}

# baresip_close_reason LOG: why the last call was closed, as baresip says it
# ("Connection reset by peer" = the peer sent BYE, "486 Busy Here", ...).
# Empty when baresip itself hung up.
baresip_close_reason() {
	tr '\r' '\n' <"$1" | sed -n 's/.*: session closed: //p' | tail -n 1
}

# baresip_dtmf_rx LOG: the digits received as RFC 4733 events, in order.
baresip_dtmf_rx() {
	tr '\r' '\n' <"$1" |
	    sed -n "s/^received event: '\\(.\\)' (end=1).*/\\1/p" | tr -d '\n'
}

# baresip_rx_tone DIR: rough frequency (Hz) of the audio the instance
# received in its last call (sox's estimate over the decoded dump); empty if
# sox is missing or nothing was dumped.
baresip_rx_tone() {
	local f
	command -v sox >/dev/null 2>&1 || return 0
	f=$(ls -t "$1"/snd/*-dec.wav 2>/dev/null | head -n 1) || true
	[ -n "$f" ] || return 0
	sox "$f" -n stat 2>&1 | awk '/^Rough +frequency:/ { print $3 }'
}

# ---------------------------------------------------------------------------
# sipflow side, shared by the t_*.sh in this directory (sourced after
# tests/lib.sh and `ports_for N`; sipflow runs through lib.sh's
# run_sipflow / sipflow_start).  The contract: `sipflow -H -c CONF -s FLOW
# -e EVENTS` exits 0 when the scenario ran and every expectation held, 1 when
# one failed, 2 on a bad file, 3 on a runtime error.

CONF=$SCRATCH/sipflow.conf
FLOW=$SCRATCH/flow.txt
EVENTS=$SCRATCH/sipflow.jsonl   # run_sipflow sipflow ...

# sf_require: fail (not skip) when there is no sipflow binary to test.
sf_require() {
	[ -x "$SIPFLOW" ] || fail "sipflow binary not found at '$SIPFLOW'"
}

# sf_conf INSTANCE USER ANSWER: [general] + one instance on $SIP_BASE.
sf_conf() {
	cat >"$CONF" <<EOT
[general]
rtp_ports = $RTP_LO-$RTP_HI

[$1]
user = $2
port = $SIP_BASE
codecs = PCMU, PCMA, telephone-event
answer = $3
source = tone:440
EOT
}

# udp_bound PORT [SECS]: wait until a socket is bound to UDP PORT.
udp_bound() {
	local hex n=$((${2:-5} * 10))
	hex=$(printf ':%04X' "$1")
	while [ $n -gt 0 ]; do
		awk -v p="$hex" 'NR > 1 && substr($2, length($2) - 4) == p { f = 1 }
		    END { exit !f }' /proc/net/udp && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# baresip_dump LOG...: on failure, what baresip said (SIP trace reduced to
# first lines) and what sipflow said.
baresip_dump() {
	local f
	echo "==== diagnostics (scratch: $SCRATCH)"
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "---- $f"
		tr '\r' '\n' <"$f" | sed 's/\x1b\[[0-9;]*m//g' |
		    grep -E -v '^(Via|Contact|Max-Forwards|To|From|CSeq|User-Agent|Server|Allow|Supported|Content-Type|Content-Length):|^[a-z]=|^#$|^$' |
		    tail -n 60
	done
	if [ -s "$SCRATCH/sipflow.err" ]; then
		echo "---- sipflow stderr (last 40 lines)"
		tail -n 40 "$SCRATCH/sipflow.err"
	fi
	if [ -s "$EVENTS" ]; then
		echo "---- events without rtp.stats/sdp ($EVENTS)"
		grep -v -e '"ev":"rtp.stats"' -e '"ev":"sdp\.' "$EVENTS" | tail -n 60
		echo "---- last rtp.stats"
		grep '"ev":"rtp.stats"' "$EVENTS" | tail -n 2
	fi
}
