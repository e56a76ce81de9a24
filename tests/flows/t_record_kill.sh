#!/bin/sh
# SIGKILL during a recording leaves a valid WAV missing at most about a
# second; a disk error (file size limit) stops the recording with an error
# event while the call goes on.
. "$srcdir/tests/lib.sh"
ports_for 25
command -v sox >/dev/null || skip "sox not installed"

BOB_EXTRA="answer = auto
record = on"
write_conf "$SCRATCH/conf"
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: wait 30s
FLOW
"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/rec" \
	>"$SCRATCH/kill.jsonl" 2>"$SCRATCH/kill.err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
# Record for about 4 s, counted from the rec.start event.
i=0
until grep -q '"rec.start"' "$SCRATCH/kill.jsonl" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no rec.start"; sleep 0.1
done
sleep 4
kill -9 "$pid"
wait "$pid" 2>/dev/null || true

f=$(ls "$SCRATCH"/rec/*.wav)
soxi "$f" >/dev/null || fail "the killed recording is not a valid WAV"
sox "$f" -n stat 2>/dev/null || fail "sox cannot read the killed recording"
dur=$(soxi -D "$f")
echo "killed after 4 s: the file holds $dur s"
[ "$(echo "$dur >= 2.9 && $dur <= 4.2" | bc -l)" = 1 ] || fail "file holds $dur s of ~4 s"

# A file size limit makes writes fail (EFBIG): the recording stops with an
# error; the call does not.  The events go to a pipe, which has no limit.
cat >"$SCRATCH/flow2" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: wait 4s
alice: hangup
bob:   expect terminated 5s
FLOW
set +e
(ulimit -f 64; exec "$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/flow2" \
	-r "$SCRATCH/rec2" 2>"$SCRATCH/full.err") | cat >"$SCRATCH/full.jsonl"
set -e
EV="$SCRATCH/full.jsonl"
ERR="$SCRATCH/full.err"
expect_count "$EV" '.ev=="error" and .what=="record"' 1 "the disk error is reported"
expect_count "$EV" '.ev=="rec.stop" and .reason=="error" and .error=="File too large"' 1 \
	"the recording stops, saying why"
expect_count "$EV" '.ev=="call.state" and .ua=="bob" and .state=="terminated" and .reason=="remote hangup"' 1 \
	"the call went on until alice hung up"
t_err=$(last_field "$EV" '.ev=="error" and .what=="record"' t)
t_end=$(last_field "$EV" '.ev=="call.state" and .state=="terminated"' t)
[ "$(echo "$t_end - $t_err > 1" | bc -l)" = 1 ] || fail "the call ended with the recording"
f=$(ls "$SCRATCH"/rec2/*.wav)
soxi "$f" >/dev/null || fail "the recording cut by the error is not a valid WAV"
# A full file system (a 64 KiB tmpfs of our own, in a user and mount
# namespace): ENOSPC stops the recording, saying so; the call goes on and
# what was written stays playable.
tiny_rc=99
if unshare -rm true 2>/dev/null; then
	mkdir -p "$SCRATCH/tiny"
	cat >"$SCRATCH/tiny.sh" <<EOF
mount -t tmpfs -o size=64k tmpfs "$SCRATCH/tiny" || exit 99
"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/flow2" -r "$SCRATCH/tiny" \\
	>"$SCRATCH/tiny.jsonl" 2>"$SCRATCH/tiny.err"
rc=\$?
cp "$SCRATCH"/tiny/*.wav "$SCRATCH/" 2>/dev/null
exit \$rc
EOF
	set +e
	unshare -rm sh "$SCRATCH/tiny.sh"
	tiny_rc=$?
	set -e
fi
if [ "$tiny_rc" -eq 99 ]; then
	echo "no tmpfs of our own here (namespaces denied): the full-disk case is left out"
else
	EV="$SCRATCH/tiny.jsonl"
	expect_count "$EV" '.ev=="rec.stop" and .reason=="error" and
		.error=="No space left on device"' 1 "a full disk stops the recording"
	expect_count "$EV" '.ev=="error" and .what=="record" and
		(.detail|test("No space left"))' 1 "the full disk is reported"
	expect_count "$EV" '.ev=="call.state" and .ua=="bob" and
		.state=="terminated" and .reason=="remote hangup"' 1 \
		"the call went on with the disk full"
	f=$(ls "$SCRATCH"/*.wav | head -n 1)
	[ -n "$f" ] || fail "nothing was written before the disk filled"
	soxi "$f" >/dev/null || fail "the recording on the full disk is not a valid WAV"
	echo "full disk: $(soxi -D "$f") s kept in $(stat -c %s "$f") bytes"
fi
echo ok
