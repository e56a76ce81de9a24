#!/bin/sh
# monitor: the leg's audio reaches the local audio device through
# PortAudio.  The device is ALSA's `file` plugin writing into a FIFO that
# fifo_pacer reads at the real byte rate (48 kHz, 16-bit, mono), so the
# capture is what an operator would have heard, in real time.
#  - rx, tx, both: the content follows the switch (bob's 660 Hz, alice's
#    440 Hz, then both);
#  - no audio device at all: a clear error, and the call goes on;
#  - --list-audio-devices and --audio-device.
. "$srcdir/tests/lib.sh"
ports_for 27
command -v sox >/dev/null || skip "sox not installed"
PACER="${top_builddir:-.}/tests/tools/fifo_pacer"
[ -x "$PACER" ] || skip "no $PACER (make check builds it)"

# ALSA's and JACK's plugins (dlopened, then unloaded, by PortAudio) leave
# allocations LeakSanitizer cannot attribute; the monitor's own memory is
# plain calloc/free checked by review, and every other test keeps leak
# detection on.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

mkdir "$SCRATCH/home" "$SCRATCH/nodev"
mkfifo "$SCRATCH/pa_fifo"
# The FIFO runs at 48 kHz so its smallest pipe (one 4 KiB page) holds
# 43 ms, not 256 ms: the device then pulls audio in small steps, as a
# sound card does, instead of bursts longer than the monitor's buffer.
cat >"$SCRATCH/home/.asoundrc" <<ALSA
pcm.!default {
    type plug
    slave { pcm "fifo"; rate 48000; channels 1; format S16_LE }
}
pcm.fifo {
    type file
    slave.pcm "null"
    file "$SCRATCH/pa_fifo"
    format "raw"
}
ALSA

HOME="$SCRATCH/home" "$SIPFLOW" --list-audio-devices >"$SCRATCH/list" 2>&1 ||
	fail "--list-audio-devices: $(cat "$SCRATCH/list")"
grep -q "default" "$SCRATCH/list" || fail "the file device is not listed: $(cat "$SCRATCH/list")"
set +e
HOME="$SCRATCH/nodev" "$SIPFLOW" --list-audio-devices >"$SCRATCH/list2" 2>&1
rc=$?
set -e
[ "$rc" -eq 3 ] && grep -q "no audio output devices" "$SCRATCH/list2" ||
	fail "no devices: rc $rc, $(cat "$SCRATCH/list2")"
[ "$(wc -l <"$SCRATCH/list2")" -eq 1 ] || fail "ALSA/JACK chatter leaked: $(head -3 "$SCRATCH/list2")"

BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: monitor rx
alice: wait 2s
alice: monitor tx
alice: wait 2s
alice: monitor both
alice: wait 2s
alice: monitor off
alice: wait 1s
alice: hangup
FLOW
bg "$PACER" "$SCRATCH/pa_fifo" 96000 "$SCRATCH/out.raw" 12
sleep 0.5
HOME="$SCRATCH/home" run_sipflow mon -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0
wait $BG_PIDS 2>/dev/null || true
BG_PIDS=""

[ "$(jq -r 'select(.ev=="monitor") | .leg + (if .on then "+" else "-" end)' "$EV" | tr '\n' ' ')" = "rx+ tx+ both+ off- " ] ||
	fail "monitor events: $(jq -c 'select(.ev=="monitor")' "$EV")"
[ -s "$SCRATCH/out.raw" ] || fail "nothing reached the audio device"
lat=$(last_field "$EV" '.ev=="monitor" and .on' latency_ms)
drop=$(last_field "$EV" '.ev=="monitor" and (.on|not)' dropped_ms)
echo "device latency $lat ms, dropped $drop ms"
[ "$lat" -gt 0 ] && [ "$lat" -lt 100 ] || fail "latency $lat ms"
[ "$drop" -eq 0 ] || fail "$drop ms of audio dropped on a device that keeps up"
sox -t raw -r 48000 -e signed -b 16 -c 1 "$SCRATCH/out.raw" -r 8000 "$SCRATCH/out.wav"

check() { # WINDOW_START LEN WHAT WANT440 WANT660
	a=$(band_rms "$SCRATCH/out.wav" 400-480 trim "$1" "$2")
	b=$(band_rms "$SCRATCH/out.wav" 620-700 trim "$1" "$2")
	echo "$3 ($1 s +$2): 440 Hz band $a, 660 Hz band $b"
	[ "$(echo "($a > 0.05) == $4 && ($b > 0.05) == $5" | bc -l)" = 1 ] ||
		fail "$3: 440 Hz band $a, 660 Hz band $b"
}
check 0.5 1.0 rx 0 1
check 2.6 0.8 tx 1 0
check 4.6 0.8 both 1 1

# The tones last as long as the monitor was on (6 s), no more, no less.
sox "$SCRATCH/out.wav" "$SCRATCH/trim.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse
dur=$(soxi -D "$SCRATCH/trim.wav")
echo "monitored audio lasts $dur s"
[ "$(echo "$dur > 5.8 && $dur < 6.3" | bc -l)" = 1 ] || fail "monitored audio lasts $dur s, not 6"

# No audio device at all: an error naming why; the call and the run go on.
cat >"$SCRATCH/flow2" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: monitor
alice: wait 2s
alice: hangup
FLOW
HOME="$SCRATCH/nodev" run_sipflow nodev -c "$SCRATCH/conf" -s "$SCRATCH/flow2"
expect_rc 0
expect_count "$EV" '.ev=="error" and .what=="monitor" and (.detail|test("no audio output device"))' 1 \
	"the missing device is reported"
grep -q "no audio output device" "$ERR" || fail "no message on stderr"
t_err=$(last_field "$EV" '.ev=="error"' t)
rx=$(jq -r "select(.ev==\"rtp.stats\" and .ua==\"alice\" and .t > $t_err + 1.5) | .rx_pkts" "$EV" | tail -n 1)
[ -n "$rx" ] && [ "$rx" -ge 90 ] || fail "the call did not go on after the error (rx ${rx:-none})"

# A device that does not exist is named.
printf 'alice: call bob\nalice: expect established 5s\nalice: monitor tx\nalice: hangup\n' >"$SCRATCH/flow3"
HOME="$SCRATCH/home" run_sipflow named -c "$SCRATCH/conf" -s "$SCRATCH/flow3" --audio-device nosuchcard
expect_rc 0
expect_count "$EV" '.ev=="error" and .what=="monitor" and (.detail|test("nosuchcard"))' 1 \
	"the unknown device is named"
# A leg that is not one is a load error naming the line and column.
printf 'alice: call bob\nalice: monitor loud\n' >"$SCRATCH/bad"
run_sipflow bad -c "$SCRATCH/conf" -s "$SCRATCH/bad"
expect_rc 2
grep -q "bad:2:16: 'loud' is not rx, tx, both or off" "$ERR" || fail "bad leg: $(cat "$ERR")"
echo ok
