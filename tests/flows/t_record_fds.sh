#!/bin/sh
# 200 recorded calls, one after another: every file is complete and no
# file descriptor is left open.
. "$srcdir/tests/lib.sh"
ports_for 26
command -v sox >/dev/null || skip "sox not installed"

BOB_EXTRA="answer = auto
record = on"
write_conf "$SCRATCH/conf"
{
	echo "alice: wait 1s"
	i=0
	while [ $i -lt 200 ]; do
		echo "alice: call bob"
		echo "alice: expect established 5s"
		echo "alice: wait 40ms"
		echo "alice: hangup"
		echo "bob:   expect terminated 5s"
		i=$((i + 1))
	done
	echo "alice: wait 4s"
} >"$SCRATCH/flow"

"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/rec" \
	>"$SCRATCH/fds.jsonl" 2>"$SCRATCH/fds.err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
sleep 0.5
before=$(ls /proc/$pid/fd | wc -l)
i=0
until [ "$(grep -c '"rec.stop"' "$SCRATCH/fds.jsonl")" -ge 200 ]; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "only $(grep -c '"rec.stop"' "$SCRATCH/fds.jsonl") of 200 recordings stopped"
	sleep 0.1
done
sleep 1.5
after=$(ls /proc/$pid/fd | wc -l)
open_wav=$(ls -l /proc/$pid/fd | grep -c '\.wav' || true)
echo "fds before the calls: $before, after 200 recorded calls: $after, .wav still open: $open_wav"
wait "$pid" || fail "sipflow exited $?"
[ "$open_wav" -eq 0 ] || fail "$open_wav recordings still open"
[ "$after" -le "$before" ] || fail "$((after - before)) file descriptors leaked"

n=$(ls "$SCRATCH"/rec/*.wav | wc -l)
[ "$n" -eq 200 ] || fail "$n recordings, not 200"
for f in "$SCRATCH"/rec/*.wav; do
	soxi "$f" >/dev/null 2>&1 || fail "$f is not a valid WAV"
done
echo ok
