# shellcheck shell=bash
# linphonec (Debian bookworm linphone-cli 5.1.65) as an interop peer for
# sipflow's shell tests (sourced, bash, after tests/lib.sh).  See NOTES.md.
#
# One linphonec = one directory DIR, made by linphone_setup: DIR is its
# $HOME (so ~/.linphonerc, history, its sqlite database and the zid cache
# stay there), DIR/linphonerc its configuration, DIR/in a FIFO that is its
# stdin (the helpers write commands there), DIR/out its stdout (what the
# commands and the call callbacks print), DIR/log its liblinphone log
# (-d 6: every SIP message in full).
#
# Audio is files only ("soundcard use files"): it sends DIR's play file
# (8 kHz mono S16 WAV) and records what it receives into a WAV file.  No
# sound card, ALSA or PulseAudio device is needed or opened.

: "${LINPHONEC:=linphonec}"
: "${LINPHONE_TIMEOUT:=10}"

# linphone_require: skip unless linphonec is installed.
linphone_require() {
	command -v "$LINPHONEC" >/dev/null 2>&1 || skip "linphonec not installed (Debian: linphone-cli)"
}

# linphone_setup DIR SIP_PORT RTP_PORT USER PASSWORD REGISTRAR
#   REGISTRAR is host:port of the registrar (the PBX).  The account
#   registers as sip:USER@HOST with digest credentials USER/PASSWORD (any
#   realm), for LINPHONE_EXPIRES seconds (default 600).  Only PCMU and
#   PCMA are enabled (LINPHONE_CODECS overrides: "PCMU PCMA").  SIP listens
#   on UDP 127.0.0.1:SIP_PORT only; audio RTP/RTCP use RTP_PORT/RTP_PORT+1.
linphone_setup() {
	local dir=$1 sport=$2 rport=$3 user=$4 pass=$5 reg=$6 i=0 c
	mkdir -p "$dir/.local/share/linphone"
	rm -f "$dir/in"
	mkfifo "$dir/in"
	{
		cat <<EOT
# written by tests/interop/linphone/linphone.sh
[sip]
sip_port=$sport
sip_tcp_port=0
sip_tls_port=0
sip_dtls_port=0
bind_address=127.0.0.1
ipv6=0
guess_hostname=1
inc_timeout=30
register_only_when_network_is_up=0
default_proxy=0
media_encryption=none

[rtp]
audio_rtp_port=$rport
video_rtp_port=$((rport + 4))
text_rtp_port=$((rport + 6))
rtcp_mux=0
bind_address=127.0.0.1

[net]
mtu=1300
firewall_policy=0

[video]
display=0
capture=0
automatically_initiate=0
automatically_accept=0

[sound]
echocancellation=0

[proxy_0]
reg_proxy=<sip:$reg;transport=udp>
reg_identity=<sip:$user@${reg%:*}>
reg_expires=${LINPHONE_EXPIRES:-600}
reg_sendregister=1
publish=0
dial_escape_plus=0

[auth_info_0]
username=$user
passwd=$pass
domain=${reg%:*}
EOT
		for c in opus/48000/2 speex/16000/1 speex/8000/1 speex/32000/1 \
		    G729/8000/1 G722/8000/1 GSM/8000/1 iLBC/8000/1 \
		    L16/44100/2 L16/44100/1 PCMU/8000/1 PCMA/8000/1; do
			set -- ${c//\// }
			en=0
			case " ${LINPHONE_CODECS:-PCMU PCMA} " in *" $1 "*) en=1 ;; esac
			printf '\n[audio_codec_%d]\nmime=%s\nrate=%s\nchannels=%s\nenabled=%d\n' \
			    "$i" "$1" "$2" "$3" "$en"
			i=$((i + 1))
		done
	} >"$dir/linphonerc"
}

# linphone_start DIR [ARGS...]: start linphonec in the background (lib.sh's
# cleanup stops it), its stdin the FIFO DIR/in (held open on an fd of this
# shell, recorded in DIR/fd), and wait until its core is up.
linphone_start() {
	local dir=$1 fd
	shift
	: >"$dir/out"
	: >"$dir/log"
	(HOME=$dir exec "$LINPHONEC" -c "$dir/linphonerc" -d 6 -l "$dir/log" "$@" \
	    <"$dir/in" >"$dir/out" 2>&1) &
	echo $! >"$dir/pid"
	BG_PIDS="$BG_PIDS $!"
	exec {fd}>"$dir/in"
	echo "$fd" >"$dir/fd"
	linphone_wait_log "$dir" 'Creating listening point .* on \[sip:' "$LINPHONE_TIMEOUT" ||
	    fail "linphonec ($dir) did not start: $(tail -n 5 "$dir/out")"
}

# linphone_cmd DIR COMMAND...: send one command line.
linphone_cmd() {
	local dir=$1 fd
	shift
	fd=$(cat "$dir/fd")
	echo "$*" >&"$fd"
}

# linphone_wait_out DIR REGEX [SECONDS] / linphone_wait_log ...: wait until
# an (extended) REGEX matches a line of DIR/out (DIR/log); 1 on timeout.
_linphone_wait() {
	local f=$1 re=$2 end=$(($(date +%s) + ${3:-$LINPHONE_TIMEOUT}))
	while :; do
		grep -Eq -- "$re" "$f" 2>/dev/null && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}
linphone_wait_out() { _linphone_wait "$1/out" "$2" "${3:-}"; }
linphone_wait_log() { _linphone_wait "$1/log" "$2" "${3:-}"; }

# linphone_quit DIR [SECONDS]: `quit` (it hangs up a call, de-registers),
# wait for it to exit; its exit status (124: killed after SECONDS).
linphone_quit() {
	local dir=$1 pid fd i=0 lim=$((${2:-$LINPHONE_TIMEOUT} * 10)) rc=0 st
	pid=$(cat "$dir/pid")
	fd=$(cat "$dir/fd")
	linphone_cmd "$dir" quit 2>/dev/null || true
	while [ $i -lt $lim ]; do
		st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || st=gone
		case $st in Z | gone | '') break ;; esac
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge $lim ]; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rc=124
	else
		wait "$pid" || rc=$?
	fi
	exec {fd}>&-
	BG_PIDS=$(echo " $BG_PIDS " | sed "s/ $pid / /")
	return $rc
}
