#!/bin/sh
# play: a 44.1 kHz stereo WAV reaches the peer at the right speed and
# length (no chipmunk, no double length); stop ends a prompt early; an
# unreadable file is an error naming it while the call goes on.
. "$srcdir/tests/lib.sh"
ports_for 8
command -v sox >/dev/null || skip "sox not installed"

# 1 s of 500 Hz then 1 s of 1500 Hz, 44.1 kHz, stereo, 24-bit.
sox -D -n -r 44100 -c 2 -b 24 "$SCRATCH/a.wav" synth 1 sine 500 vol 0.5
sox -D -n -r 44100 -c 2 -b 24 "$SCRATCH/b.wav" synth 1 sine 1500 vol 0.5
sox "$SCRATCH/a.wav" "$SCRATCH/b.wav" "$SCRATCH/prompt.wav"
printf 'not a wav' >"$SCRATCH/junk.wav"

ALICE_EXTRA="source = silence"
BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
cat >"$SCRATCH/flow" <<FLOW
alice: call bob
alice: expect established 5s
bob:   expect established 5s
bob:   record start stereo
alice: wait 500ms
alice: play $SCRATCH/prompt.wav
alice: wait 3s
alice: play $SCRATCH/junk.wav
FLOW
probe_start
run_sipflow play -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/rec"
expect_rc 1   # the junk file fails its step...
probe_stop
grep -q "junk.wav" "$ERR" || fail "the error does not name the file"
expect_count "$EV" '.ev=="error" and .what=="play" and (.detail|test("junk.wav"))' 1 \
	"error event naming junk.wav"
# ...and the call was still up when the run ended (no BYE before it).
expect_count "$EV" '.ev=="call.state" and .state=="terminated" and .reason!="local hangup"' 0 \
	"the call goes on after the bad file"

expect_count "$EV" '.ev=="play.start" and .ua=="alice"' 1 "play.start"
expect_count "$EV" '.ev=="play.end" and .ua=="alice" and .reason=="end"' 1 "play.end at the end"
t0=$(last_field "$EV" '.ev=="play.start"' t)
t1=$(last_field "$EV" '.ev=="play.end"' t)
d=$(echo "$t1 - $t0" | bc -l)
echo "prompt played for $d s"
# 2 s of frames; a tick the machine made the engine skip comes later.
late=$(probe_skipped_ms)
[ "$(echo "$d > 1.94 && $d < 2.08 + $late / 1000" | bc -l)" = 1 ] ||
	fail "played for $d s, not 2 s (the machine stalled the engine $late ms)"

rec=$(last_field "$EV" '.ev=="rec.stop" and .ua=="bob"' path)
[ -f "$rec" ] || fail "no recording at '$rec'"
[ "$(soxi -c "$rec")" = 2 ] || fail "recording is not stereo"

# Left (what bob received) holds the prompt: trim the silence around it.
sox "$rec" -r 8000 "$SCRATCH/left.wav" remix 1 silence 1 0.01 1% reverse silence 1 0.01 1% reverse
len=$(soxi -D "$SCRATCH/left.wav")
echo "received prompt: $len s"
[ "$(echo "$len > 1.96 && $len < 2.04" | bc -l)" = 1 ] || fail "received prompt lasts $len s, not 2 s (± one packet)"

f1=$(peak_hz "$SCRATCH/left.wav" trim 0.1 0.8)
f2=$(peak_hz "$SCRATCH/left.wav" trim 1.1 0.8)
echo "first second ${f1} Hz, second ${f2} Hz"
[ "$f1" -ge 490 ] && [ "$f1" -le 510 ] || fail "first second at $f1 Hz, not 500"
[ "$f2" -ge 1480 ] && [ "$f2" -le 1520 ] || fail "second second at $f2 Hz, not 1500"

# Right (what bob sent) is bob's own 660 Hz tone.
sox "$rec" "$SCRATCH/right.wav" remix 2
f3=$(peak_hz "$SCRATCH/right.wav" trim 1 1)
[ "$f3" -ge 650 ] && [ "$f3" -le 670 ] || fail "right channel at $f3 Hz, not bob's 660"

# stop: a long prompt, found by name in sounds/, ends when told.
cat >"$SCRATCH/flow2" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: play count
alice: wait 1s
alice: stop
alice: wait 500ms
alice: hangup
FLOW
run_sipflow stop -c "$SCRATCH/conf" -s "$SCRATCH/flow2"
expect_rc 0
expect_count "$EV" '.ev=="play.end" and .reason=="stopped"' 1 "stop ends the prompt"
t0=$(last_field "$EV" '.ev=="play.start"' t)
t1=$(last_field "$EV" '.ev=="play.end"' t)
[ "$(echo "$t1 - $t0 < 1.5" | bc -l)" = 1 ] || fail "stop took effect after $(echo "$t1 - $t0" | bc) s"
echo ok
