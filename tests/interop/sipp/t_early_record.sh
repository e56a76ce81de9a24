#!/bin/sh
# Early media is recorded before the answer.  sipflow (alice, record = on)
# calls sipp running uas_early.xml: 183 Session Progress with SDP, then 2 s
# of a 1000 Hz PCMU tone (sipp's rtp_stream, no root needed), then 200 OK.
# Passes when alice goes calling -> early -> established -> terminated,
# media starts once (at the 183; the 200 neither restarts nor updates it),
# rec.start comes before established, rtp.stats counts received packets
# before established, and the recording's left channel (received) holds
# the 1000 Hz tone from its first few hundred ms through to the moment of
# the answer, while the right channel (sent) holds alice's own 440 Hz.

# sipp reads the tone file at start-up, by a name relative to its working
# directory (rtp_stream takes no variables): run everything from $SCRATCH,
# with every path made absolute first.
srcdir=$(cd "${srcdir:-.}" && pwd)
. "$srcdir/tests/lib.sh"
case $SIPFLOW in /*) ;; *) SIPFLOW=$(pwd)/$SIPFLOW ;; esac
case $SCRATCH in /*) ;; *) SCRATCH=$(pwd)/$SCRATCH ;; esac
ports_for 16
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require
command -v sox >/dev/null 2>&1 || skip "sox not installed"
command -v soxi >/dev/null 2>&1 || skip "soxi (sox) not installed"

cd "$SCRATCH"
# 3 s of 1000 Hz at half scale, 8 kHz mono mu-law without a header: what
# rtp_stream sends as PCMU, 160 bytes per 20 ms packet.  sipp plays it once
# from the 183 on: 2 s before the 200, the rest after it.
sox -n -r 8000 -c 1 -e u-law -t raw tone.ulaw synth 3 sine 1000 vol 0.5 ||
	fail "sox could not make the tone"

REC_DIR="$SCRATCH/rec"
cat >"$CONF" <<EOF
[general]
rtp_ports = $RTP_LO-$RTP_HI
record_dir = $REC_DIR

[alice]
user = 1001
port = $SIP_BASE
codecs = PCMU, PCMA, telephone-event
answer = manual
source = tone:440
record = on
EOF
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect early 5s
alice: expect established 5s
alice: wait 500ms
alice: hangup
alice: expect terminated 5s
FLOW

# no -rtp_echo: the only RTP sipp sends is the tone
sipp_start uas_early uas_early.xml
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10

if grep -q "rtpstream" "$SIPP_LOG.errors.log" 2>/dev/null; then
	fail "sipp could not stream the tone: $(grep rtpstream "$SIPP_LOG.errors.log" | head -n 3)"
fi
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"

# --- the event stream ------------------------------------------------------
st=$(states "$EVENTS" alice)
[ "$st" = "calling early established terminated" ] || fail "alice states: $st"
expect_count "$EVENTS" '.ev=="sip.rx" and .ua=="alice" and (.first_line|startswith("SIP/2.0 183"))' 1 \
	"alice receives the 183"
expect_count "$EVENTS" '.ev=="media.start" and .ua=="alice"' 1 "media starts once, at the 183"
expect_count "$EVENTS" '.ev=="media.update" and .ua=="alice"' 0 "the 200 (same SDP) changes nothing"
expect_count "$EVENTS" '.ev=="rec.start" and .ua=="alice"' 1 "one recording (the 200 does not restart it)"
expect_count "$EVENTS" '.ev=="rec.stop" and .ua=="alice" and .reason=="hangup"' 1 \
	"the recording ends with the call"

ES='.ua=="alice" and .ev=="call.state" and .state=="established"'
t_media=$(last_field "$EVENTS" '.ev=="media.start" and .ua=="alice"' t)
t_rec=$(last_field "$EVENTS" '.ev=="rec.start" and .ua=="alice"' t)
t_early=$(last_field "$EVENTS" '.ua=="alice" and .ev=="call.state" and .state=="early"' t)
t_est=$(last_field "$EVENTS" "$ES" t)
echo "media.start $t_media, rec.start $t_rec, early $t_early, established $t_est"
# is A OP B: compare two decimal numbers (awk), e.g. is "$x" "<" 1.5
is() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }
is "$t_rec" "<" "$t_est" || fail "rec.start ($t_rec) is not before established ($t_est)"
is "$t_media" "<" "$t_est" || fail "media.start ($t_media) is not before established ($t_est)"
# the 200 comes 2 s after the 183
off=$(awk -v a="$t_est" -v b="$t_rec" 'BEGIN { printf "%.3f", a - b }')
is "$off" ">=" 1.5 || fail "established only $off s after rec.start; sipp waits 2 s before the 200"

# Packets arrived while early: the last rtp.stats before the answer.
rx_early=$(jq -r "select(.ev==\"rtp.stats\" and .ua==\"alice\" and .t < $t_est) | .rx_pkts" "$EVENTS" |
	tail -n 1)
[ "${rx_early:-0}" -ge 40 ] ||
	fail "alice received '${rx_early:-no rtp.stats}' RTP packets before the answer, expected >= 40"
rx_pt=$(jq -r "select(.ev==\"rtp.stats\" and .ua==\"alice\" and .t < $t_est) | .rx_pt" "$EVENTS" |
	tail -n 1)
[ "$rx_pt" = 0 ] || fail "payload type received before the answer: '$rx_pt', expected 0 (PCMU)"
# The same stream runs on across the 200: its counters are not reset.
rx_last=$(last_field "$EVENTS" '.ev=="rtp.stats" and .ua=="alice"' rx_pkts)
[ "$rx_last" -gt "$rx_early" ] ||
	fail "rx_pkts went from $rx_early (early) to $rx_last (at hangup): the stream restarted or stopped"
echo "rx_pkts: $rx_early before the answer, $rx_last at hangup"

# --- the recording ---------------------------------------------------------
rec=$(last_field "$EVENTS" '.ev=="rec.start" and .ua=="alice"' path)
case $rec in "$REC_DIR"/*) ;; *) fail "recording '$rec' is not in $REC_DIR" ;; esac
[ -f "$rec" ] || fail "no recording at '$rec'"
[ "$(soxi -c "$rec")" = 2 ] || fail "recording has $(soxi -c "$rec") channels, not 2 (stereo)"
[ "$(soxi -r "$rec")" = 8000 ] || fail "recording at $(soxi -r "$rec") Hz, expected 8000 (PCMU)"
dropped=$(last_field "$EVENTS" '.ev=="rec.stop" and .ua=="alice"' dropped)
echo "recording: $rec, $(soxi -D "$rec") s, dropped $dropped"

# The recorder writes one frame per 20 ms tick from rec.start on, so
# second S of the file is rec.start + S: the part before the answer is
# the first $off s.  Left = what alice received.
sox "$rec" early.wav remix 1 trim 0 "$off"
len=$(soxi -D early.wav)
is "$len" ">=" 1.4 || fail "recording holds only $len s before the answer"


f_first=$(peak_hz early.wav trim 0 1.5)
echo "left channel, first 1.5 s (all before the answer): peak ${f_first} Hz"
near "$f_first" 1000 || fail "left (received) channel peaks at ${f_first:-?} Hz in the first 1.5 s, not sipp's 1000 Hz"

# Where the tone starts (the leading silence trimmed away) and how much
# of the early part it fills (every silence > 20 ms trimmed away).
rest=$(sox early.wav -n silence 1 0.005 1% stat 2>&1 | awk '/^Length/ {print $3}')
onset=$(awk -v a="$len" -v b="${rest:-0}" 'BEGIN { printf "%.3f", a - b }')
tone=$(sox early.wav -n silence 1 0.005 1% -1 0.02 1% stat 2>&1 | awk '/^Length/ {print $3}')
echo "tone starts ${onset} s into the recording, fills ${tone:-0} of the $len s before the answer"
is "$onset" "<" 0.5 || fail "the tone starts ${onset} s into the recording, not at the 183"
is "${tone:-0}" ">=" "$(awk -v a="$len" 'BEGIN { print a - 0.5 }')" ||
	fail "only ${tone:-0} s of the $len s before the answer hold sound"
rms=$(band_rms early.wav 950-1050)
is "${rms:-0}" ">" 0.25 || fail "1000 Hz band RMS before the answer is ${rms:-0} (a 0.5 tone gives ~0.35)"

# Right = what alice sent: her own 440 Hz, so left really is the received side.
f_right=$(peak_hz "$rec" remix 2)
near "$f_right" 440 || fail "right (sent) channel peaks at ${f_right:-?} Hz, not alice's 440"

echo "PASS: early media recorded before the answer (1000 Hz from ${onset} s, answer at ${off} s)"
exit 0
