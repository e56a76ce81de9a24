#!/bin/sh
# record: stereo puts what we received on the left and what we sent on the
# right (distinct tones per instance make that checkable); mixed is one
# channel with both; separate is two files.  File names come from the
# template, stay inside the record dir whatever the peer's name, and two
# recordings started in the same second never share a file.
. "$srcdir/tests/lib.sh"
ports_for 24
command -v sox >/dev/null || skip "sox not installed"

# alice's user part is hostile: it ends up in bob's {peer} field.
ALICE_EXTRA="user = ../../evil/a"
BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
sed -i '1a record_template = {instance}_{peer}_{dir}.wav' "$SCRATCH/conf"
mkdir "$SCRATCH/rec"
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
bob:   expect established 5s
bob:   record start
alice: record start separate
bob:   wait 1s
bob:   record start mixed
bob:   wait 1s
bob:   record stop
alice: wait 2500ms
alice: hangup
bob:   expect terminated 5s
FLOW
probe_start
run_sipflow rec -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/rec"
expect_rc 0
probe_stop

# Nothing outside the record dir, and every file is a plain name in it.
[ -z "$(find "$SCRATCH" -name '*.wav' ! -path "$SCRATCH/rec/*")" ] ||
	fail "a recording escaped: $(find "$SCRATCH" -name '*.wav' ! -path "$SCRATCH/rec/*")"
[ -z "$(find "$SCRATCH/rec" -mindepth 1 -type d)" ] || fail "a subdirectory was created"
ls "$SCRATCH/rec"

expect_count "$EV" '.ev=="rec.start"' 4 "rec.start: bob stereo, bob mixed (replaces it), alice rx+tx"
expect_count "$EV" '.ev=="rec.stop" and .reason=="replaced"' 1 "the second start replaces the first"
expect_count "$EV" '.ev=="rec.stop" and .reason=="stopped"' 1 "record stop"
expect_count "$EV" '.ev=="rec.stop" and .reason=="hangup"' 2 "alice's two files end with the call"

path() { last_field "$EV" "$1" path; }
stereo=$(path '.ev=="rec.start" and .ua=="bob" and .mode=="stereo"')
mixed=$(path '.ev=="rec.start" and .ua=="bob" and .mode=="mixed"')
case "$stereo" in "$SCRATCH/rec/bob_sip_.._.._evil_a"*_in.wav) ;; *) fail "stereo name: $stereo" ;; esac
[ "$mixed" != "$stereo" ] || fail "two recordings share $mixed"
case "$mixed" in *_in-2.wav) ;; *) fail "the second name is not made unique: $mixed" ;; esac


[ "$(soxi -c "$stereo")" = 2 ] || fail "stereo has $(soxi -c "$stereo") channels"
l=$(peak_hz "$stereo" remix 1); r=$(peak_hz "$stereo" remix 2)
echo "bob stereo: left $l Hz, right $r Hz"
near "$l" 440 || fail "bob's left (received) is $l Hz, not alice's 440"
near "$r" 660 || fail "bob's right (sent) is $r Hz, not bob's 660"

[ "$(soxi -c "$mixed")" = 1 ] || fail "mixed has $(soxi -c "$mixed") channels"
# Both tones in one channel: each band carries real power.
m440=$(band_rms "$mixed" 400-480)
m660=$(band_rms "$mixed" 620-700)
echo "mixed: RMS 440 band $m440, 660 band $m660"
[ "$(echo "$m440 > 0.1 && $m660 > 0.1" | bc -l)" = 1 ] || fail "mixed lacks a side"

rxf=$(path '.ev=="rec.start" and .ua=="alice" and (.path|test("-rx"))')
txf=$(path '.ev=="rec.start" and .ua=="alice" and (.path|test("-tx"))')
[ -f "$rxf" ] && [ -f "$txf" ] || fail "separate files missing: '$rxf' '$txf'"
near "$(peak_hz "$rxf")" 660 || fail "alice -rx is not bob's 660 Hz"
near "$(peak_hz "$txf")" 440 || fail "alice -tx is not alice's 440 Hz"

# Seconds in rec.stop match the file.
secs=$(last_field "$EV" '.ev=="rec.stop" and .ua=="bob" and .reason=="stopped"' seconds)
dur=$(soxi -D "$mixed")
echo "mixed: rec.stop says $secs s, file has $dur s"
[ "$(echo "d=$secs - $dur; d < 0.03 && d > -0.03" | bc -l)" = 1 ] || fail "rec.stop seconds $secs vs file $dur"
# 1 s of frames, less what a stalled machine made the engine skip.
late=$(probe_skipped_ms)
[ "$(echo "$dur > 0.95 - $late / 1000 && $dur < 1.1" | bc -l)" = 1 ] ||
	fail "mixed lasts $dur s (the machine stalled the engine $late ms)"

# A bad template is a config error naming the line.
printf '[general]\nrecord_template = {nope}.wav\n' >"$SCRATCH/bad.conf"
run_sipflow bad -c "$SCRATCH/bad.conf"
expect_rc 2
grep -q "bad.conf:2:" "$ERR" || fail "bad template error: $(cat "$ERR")"
echo ok
