#!/bin/sh
# monitor: the leg's audio reaches the local audio device through
# PortAudio.  The device is ALSA's `file` plugin writing into a FIFO that
# fifo_pacer reads at the real byte rate (48 kHz, 16-bit, mono), so the
# capture is what an operator would have heard, in real time.
#  - rx, tx, both: the content follows the switch (bob's 660 Hz, alice's
#    440 Hz, then both), with no dropout and nothing dropped that the
#    machine's own stalls (measured by the pacer) do not explain;
#  - a card that stalls within the ceiling costs nothing but the stall's
#    own silence, and the delay it added is given back; past the ceiling
#    only what did not fit is dropped;
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

mkdir "$SCRATCH/nodev"
alsa_fifo_home "$SCRATCH/home" "$SCRATCH/pa_fifo"

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
# pace SECONDS [PACER-OPTIONS]: the sound card, in the background.
pace() {
	_secs=$1
	shift
	rm -f "$SCRATCH/out.raw" "$SCRATCH/pacer"
	"$PACER" -r "$SCRATCH/pacer" "$@" "$SCRATCH/pa_fifo" 96000 "$SCRATCH/out.raw" "$_secs" &
	PACER_PID=$!
	BG_PIDS="$BG_PIDS $PACER_PID"
	sleep 0.5
}
# unpace: wait for it; the machine's own lateness in LATE and BEHIND (ms),
# the capture in out.wav.
unpace() {
	wait "$PACER_PID" 2>/dev/null || true
	LATE=$(awk '$1=="late_ms" {print $2}' "$SCRATCH/pacer")
	BEHIND=$(awk '$1=="behind_ms" {print $2}' "$SCRATCH/pacer")
	STALL=$(awk '$1=="stall_ms" {print $2}' "$SCRATCH/pacer")
	[ -s "$SCRATCH/out.raw" ] || fail "nothing reached the audio device"
	sox -t raw -r 48000 -e signed -b 16 -c 1 "$SCRATCH/out.raw" -r 8000 "$SCRATCH/out.wav"
}
# gaps FROM TO: silent stretches of the capture between FROM and TO
# seconds (what a listener would hear as dropouts), "START MS" lines.
gaps() {
	silent_runs "$SCRATCH/out.wav" 1 | awk -v a="$1" -v b="$2" '$1 >= a && $1 < b'
}
# explained MS: a dropout of MS is not the monitor's when the card was
# held up that long (the pacer, a process like any other, came back that
# late, plus a frame either side), or when the event loop that feeds it
# was (FEED: the monitor's feed_late_ms, the longest a frame came after
# its 20 ms; with that much less to play, the buffer ran dry).  A dropout
# neither explains is a fault of the monitor.
explained() {
	{ [ "$LATE" -ge 30 ] && [ "$1" -le $((LATE + 40)) ]; } ||
		[ "$1" -le "${FEED:-0}" ]
}
ev_field() { last_field "$EV" "$1" "$2"; }

pace 12
HOME="$SCRATCH/home" run_sipflow mon -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0
unpace

[ "$(jq -r 'select(.ev=="monitor") | .leg + (if .on then "+" else "-" end)' "$EV" | tr '\n' ' ')" = "rx+ tx+ both+ off- " ] ||
	fail "monitor events: $(jq -c 'select(.ev=="monitor")' "$EV")"
off='.ev=="monitor" and (.on|not)'
lat=$(ev_field '.ev=="monitor" and .on' latency_ms)
max=$(ev_field "$off" max_latency_ms)
ceil=$(ev_field "$off" ceiling_ms)
drop=$(ev_field "$off" dropped_ms)
FEED=$(ev_field "$off" feed_late_ms)
echo "latency $lat ms at the start, at most $max ms (ceiling $ceil), dropped $drop ms," \
	"underruns $(ev_field "$off" underruns), frames up to $FEED ms late;" \
	"the machine: pacer late by up to $LATE ms, reading behind by up to $BEHIND ms"
[ "$lat" -gt 0 ] && [ "$lat" -lt 150 ] || fail "latency $lat ms at the start"
[ "$ceil" -eq 500 ] || fail "the default ceiling is $ceil ms, not 500"
[ "$max" -le $((ceil + 100)) ] || fail "the delay reached $max ms, past the ceiling of $ceil"
# Audio goes only when the device fell behind by more than the ceiling
# leaves room for, and then no more than that.
room=$((ceil - 100))
if [ "$BEHIND" -le "$room" ]; then
	[ "$drop" -eq 0 ] || fail "$drop ms dropped while the device was never more than $BEHIND ms behind"
else
	[ "$drop" -le $((BEHIND - room)) ] || fail "$drop ms dropped for a device $BEHIND ms behind"
fi
expect_min "$EV" '.ev=="monitor.stats" and .on and .latency_ms > 0' 5 \
	"monitor.stats every second while listening"

check() { # WINDOW_START LEN WHAT WANT440 WANT660
	a=$(band_rms "$SCRATCH/out.wav" 400-480 trim "$1" "$2")
	b=$(band_rms "$SCRATCH/out.wav" 620-700 trim "$1" "$2")
	echo "$3 ($1 s +$2): 440 Hz band $a, 660 Hz band $b"
	[ "$(echo "($a > 0.05) == $4 && ($b > 0.05) == $5" | bc -l)" = 1 ] ||
		fail "$3: 440 Hz band $a, 660 Hz band $b"
}
# The switches come at 2 s and 4 s of the flow, heard up to the ceiling
# later: the windows sit where no delay within it can move them out.
check 0.5 1.0 rx 0 1
check 2.6 0.8 tx 1 0
check 4.6 0.8 both 1 1

# The tones last as long as the monitor was on (6 s), no more, no less,
# and hold throughout: no dropout the machine does not explain.
sox "$SCRATCH/out.wav" "$SCRATCH/trim.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse
dur=$(soxi -D "$SCRATCH/trim.wav")
echo "monitored audio lasts $dur s"
[ "$(echo "$dur > 5.8 && $dur < 6.3" | bc -l)" = 1 ] || fail "monitored audio lasts $dur s, not 6"
gaps 0.2 "$(echo "$dur - 0.1" | bc -l)" >"$SCRATCH/gaps"
while read -r at ms; do
	explained "$ms" || fail "a $ms ms dropout at $at s (the pacer was never more than $LATE ms late, no frame more than $FEED ms)"
	echo "a $ms ms dropout at $at s, while the card or the event loop stood still (pacer $LATE ms, feed $FEED ms late)"
done <"$SCRATCH/gaps"

# A sound card that stalls for 300 ms (an xrun: it plays silence and goes
# on at its own pace): the listener hears that gap and then everything,
# later; nothing is dropped within the ceiling, and the delay the stall
# added is given back while the device keeps up.
# listen NAME CONF SECONDS PACER-ARGS...: bob's side heard for SECONDS
# on a card played by the pacer.
listen() {
	printf 'alice: call bob\nalice: expect established 5s\nalice: monitor rx\nalice: wait %ss\nalice: monitor off\nalice: hangup\n' \
		"$3" >"$SCRATCH/flow_$1"
	_n=$1 _c=$2
	shift 3
	pace "$@"
	HOME="$SCRATCH/home" run_sipflow "$_n" -c "$_c" -s "$SCRATCH/flow_$_n"
	expect_rc 0
	unpace
}
listen stall "$SCRATCH/conf" 8 12 -s 2.0:300
max=$(ev_field "$off" max_latency_ms)
drop=$(ev_field "$off" dropped_ms)
FEED=$(ev_field "$off" feed_late_ms)
end=$(jq -r 'select(.ev=="monitor.stats") | .latency_ms' "$EV" | tail -n 1)
echo "card stalled $STALL ms: delay at most $max ms, $end ms at the end, dropped $drop ms;" \
	"the machine: late by up to $LATE ms, behind by up to $BEHIND ms"
# Before the stall the buffer holds up to ~150 ms (what playout waits for,
# a callback's worth, a frame); a machine that stretched the stall past
# the rest of the ceiling may lose what did not fit, and no more.
ceil=$(ev_field "$off" ceiling_ms)
if [ "$STALL" -le $((ceil - 150)) ]; then
	[ "$drop" -eq 0 ] || fail "$drop ms dropped for a $STALL ms stall, within the ceiling"
else
	[ "$drop" -le $((STALL + 150 - ceil)) ] || fail "$drop ms dropped for a $STALL ms stall"
fi
[ "$max" -ge 250 ] || fail "the delay never grew ($max ms): was the stall absorbed at all?"
[ "$end" -le $((max - 60)) ] || fail "the delay stayed at $end ms (max $max): nothing given back"
gaps 0.2 7.9 >"$SCRATCH/gaps"
cat "$SCRATCH/gaps"
# The card stalled 2 s into the capture: that dropout, as long as it stood
# still; any other must be explained like those of the first run.
awk '$1 >= 1.9 && $1 <= 2.2' "$SCRATCH/gaps" >"$SCRATCH/stall_gap"
[ "$(wc -l <"$SCRATCH/stall_gap")" -eq 1 ] ||
	fail "not one dropout where the card stalled: $(tr '\n' ';' <"$SCRATCH/gaps")"
ms=$(awk '{print $2}' "$SCRATCH/stall_gap")
[ "$ms" -ge $((STALL - 40)) ] && [ "$ms" -le $((STALL + 40)) ] ||
	fail "the stall's dropout lasts $ms ms, not $STALL"
awk '$1 < 1.9 || $1 > 2.2' "$SCRATCH/gaps" >"$SCRATCH/other_gaps"
while read -r at ms; do
	explained "$ms" || fail "a $ms ms dropout at $at s besides the stall (pacer $LATE ms, feed $FEED ms late)"
done <"$SCRATCH/other_gaps"
a=$(band_rms "$SCRATCH/out.wav" 620-700 trim 3 4.5)
[ "$(echo "$a > 0.1" | bc -l)" = 1 ] || fail "no tone after the stall ($a)"

# Past the ceiling (150 ms here), the oldest audio goes: a 600 ms stall
# costs what did not fit, no more.
sed '1a monitor_max_latency = 150ms' "$SCRATCH/conf" >"$SCRATCH/conf_low"
listen over "$SCRATCH/conf_low" 4 8 -s 1.5:600
drop=$(ev_field "$off" dropped_ms)
max=$(ev_field "$off" max_latency_ms)
ceil=$(ev_field "$off" ceiling_ms)
echo "$STALL ms stall over a $ceil ms ceiling: dropped $drop ms, delay at most $max ms"
[ "$ceil" -eq 150 ] || fail "monitor_max_latency = 150ms gave a ceiling of $ceil"
[ "$max" -le $((ceil + 100)) ] || fail "the delay reached $max ms over a $ceil ms ceiling"
# What came in while the card stood still, less the ceiling (and the 43 ms
# the pipe took): never more than the stall, never much less.
[ "$drop" -ge $((STALL - 2 * ceil)) ] && [ "$drop" -le $((STALL + 20)) ] ||
	fail "$drop ms dropped for a $STALL ms stall over a $ceil ms ceiling"

# A ceiling out of range is a config error naming the line.
printf '[general]\nmonitor_max_latency = 20ms\n[alice]\n' >"$SCRATCH/conf_bad"
run_sipflow badceil -c "$SCRATCH/conf_bad"
expect_rc 2
grep -q "conf_bad:2: .*monitor_max_latency" "$ERR" || fail "bad ceiling: $(cat "$ERR")"

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
