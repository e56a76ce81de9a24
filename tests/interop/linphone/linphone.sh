# shellcheck shell=bash
# linphonec (Debian bookworm: linphone-cli 5.1.65, liblinphone10 5.1.65)
# as an interop peer for sipflow's shell tests (sourced, bash, after
# tests/lib.sh, which gives `fail`, `skip` and BG_PIDS).  See NOTES.md for
# what was verified and why the setup looks like this.
#
# One linphonec = one directory DIR, made by linphone_setup:
#   DIR             its $HOME: ~/.linphonec_history, the zid cache and the
#                   sqlite database (DIR/.local/share/linphone, which must
#                   exist: without it the core never starts, see NOTES.md)
#   DIR/linphonerc  its configuration (-c)
#   DIR/in          a FIFO, its stdin: the helpers write command lines there
#   DIR/out         its stdout: command output and the call callbacks'
#                   lines ("Media streams established with ...", ...)
#   DIR/log         liblinphone's log (-d 6: every SIP message in full)
# Everything binds to 127.0.0.1: SIP over UDP only on SIP_PORT ([sip]
# bind_address; TCP and TLS off), audio RTP/RTCP on RTP_PORT/RTP_PORT+1
# ([rtp] bind_address), no video.
#
# Audio is files only ("soundcard use files", linphone_files): it sends a
# WAV file (8 kHz mono S16) and writes what it receives, decoded, to
# another (8 kHz mono S16).  No sound card, ALSA or PulseAudio device is
# needed; the "Could not find a suitable soundcard" errors in the log are
# harmless then.

: "${LINPHONEC:=linphonec}"
: "${LINPHONE_TIMEOUT:=10}"   # default wait for a line, seconds

# linphone_require: skip unless linphonec is installed.
linphone_require() {
	command -v "$LINPHONEC" >/dev/null 2>&1 ||
		skip "linphonec not installed (Debian: apt-get install linphone-cli)"
}

# linphone_setup DIR SIP_PORT RTP_PORT USER PASSWORD REGISTRAR
#   Write DIR.  REGISTRAR is HOST:PORT of the registrar.  The account is
#   sip:USER@HOST, registers for LINPHONE_EXPIRES seconds (default 600) and
#   answers any digest challenge (any realm) with USER/PASSWORD.  linphonec
#   sends a call straight to the host:port of the URI it is given, so dial
#   sip:NUMBER@REGISTRAR to call through the registrar.  LINPHONE_CODECS
#   (default "PCMU PCMA") are the audio codecs enabled, of: opus speex
#   G729 G722 GSM iLBC L16 PCMU PCMA.
linphone_setup() {
	local dir=$1 sport=$2 rport=$3 user=$4 pass=$5 reg=$6 i=0 c en
	local mime rate ch
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
bind_address=127.0.0.1
ipv6=0
inc_timeout=30
default_proxy=0
media_encryption=none

[rtp]
bind_address=127.0.0.1
audio_rtp_port=$rport
video_rtp_port=$((rport + 4))
text_rtp_port=$((rport + 6))
rtcp_mux=0

[video]
display=0
capture=0
automatically_initiate=0
automatically_accept=0

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
EOT
		for c in opus/48000/2 speex/16000/1 speex/8000/1 speex/32000/1 \
		    G729/8000/1 G722/8000/1 GSM/8000/1 iLBC/8000/1 \
		    L16/44100/2 L16/44100/1 PCMU/8000/1 PCMA/8000/1; do
			IFS=/ read -r mime rate ch <<<"$c"
			en=0
			case " ${LINPHONE_CODECS:-PCMU PCMA} " in
			*" $mime "*) en=1 ;;
			esac
			printf '\n[audio_codec_%d]\nmime=%s\nrate=%s\nchannels=%s\nenabled=%d\n' \
			    "$i" "$mime" "$rate" "$ch" "$en"
			i=$((i + 1))
		done
	} >"$dir/linphonerc"
}

# linphone_start DIR [ARGS...]: start linphonec in the background (-a:
# answer every call at once), stopped by lib.sh's cleanup; its stdin is
# the FIFO DIR/in, held open for writing on an fd of this shell (in
# DIR/fd).  Waits until its SIP socket is up.
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
	linphone_wait_log "$dir" 'Creating listening point .* on \[sip:127\.0\.0\.1:' ||
		fail "linphonec ($dir) did not start; out: $(tail -n 5 "$dir/out")"
}

# linphone_cmd DIR COMMAND...: send one command line.  Returns 1 (rather
# than dying of SIGPIPE) when linphonec is gone.
linphone_cmd() {
	local dir=$1 fd
	shift
	fd=$(cat "$dir/fd")
	(trap '' PIPE; echo "$*" >&"$fd") 2>/dev/null
}

# linphone_sync DIR [SECONDS]: wait until linphonec has run every command
# sent so far (it runs them in order; this one prints a line of its own).
linphone_sync() {
	local n
	n=$(grep -c '^sip port = ' "$1/out" || true)
	linphone_cmd "$1" ports
	linphone_wait_count "$1" out '^sip port = ' $((n + 1)) "${2:-}"
}

# linphone_files DIR PLAY RECORD: send the WAV file PLAY and record what
# is received to RECORD, in this call and the next ones (until the next
# linphone_files); returns once linphonec took it.
linphone_files() {
	linphone_cmd "$1" soundcard use files
	linphone_cmd "$1" play "$2"
	linphone_cmd "$1" record "$3"
	linphone_sync "$1"
}

# linphone_wait_count DIR out|log REGEX N [SECONDS]: wait until N lines of
# DIR/out (DIR/log) match the (extended) REGEX; 1 on timeout.
linphone_wait_count() {
	local f=$1/$2 re=$3 n=$4 end=$(($(date +%s) + ${5:-$LINPHONE_TIMEOUT}))
	while :; do
		[ "$(grep -Ec -- "$re" "$f" 2>/dev/null)" -ge "$n" ] && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}
linphone_wait_out() { linphone_wait_count "$1" out "$2" 1 "${3:-}"; }
linphone_wait_log() { linphone_wait_count "$1" log "$2" 1 "${3:-}"; }

# linphone_calls_up DIR / linphone_calls_ended DIR: how many calls had
# their media running / ended, as linphonec printed them.
linphone_calls_up() {
	grep -Ec '^Media streams established with ' "$1/out" || true
}
linphone_calls_ended() {
	grep -Ec '^Call [0-9]+ with .* ended ' "$1/out" || true
}

# linphone_quit DIR [SECONDS]: `quit` (it ends its calls and de-registers
# first), wait for it to exit; return its exit status (124: it was still
# running after SECONDS and was killed).
linphone_quit() {
	local dir=$1 pid fd i=0 lim=$((${2:-$LINPHONE_TIMEOUT} * 10)) rc=0 st
	pid=$(cat "$dir/pid")
	fd=$(cat "$dir/fd")
	linphone_cmd "$dir" quit || true
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

# linphone_sip DIR: the SIP messages of DIR/log, each as it was sent or
# received (for a failure's diagnostics and for greps).
linphone_sip() {
	awk '/belle-sip-message-channel .*: (message sent to|received \[[0-9]+\] new bytes from)/ {
		print "----" substr($0, index($0, "]: ") + 3); m = 1; next }
	     /^[0-9]{4}-[0-9]{2}-[0-9]{2} / { m = 0 }
	     m' "$1/log" | tr -d '\r'
}
