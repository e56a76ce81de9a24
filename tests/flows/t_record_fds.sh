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

sipflow_start fds -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/rec"
pid=$SF_PID
# Before the calls: once both instances listen (the flow waits 1 s first;
# a machine too slow for that only makes the baseline higher).
wait_event "$EV" '.ev=="ua.ready"' 10 || fail "sipflow did not start"
wait_event "$EV" '.ev=="ua.ready" and .ua=="bob"' 10 || fail "bob did not start"
before=$(ls /proc/$pid/fd | wc -l)
wait_event "$EV" '.ev=="rec.stop"' 60 || fail "no recording stopped"
n=0
until [ "$(count_ev "$EV" '.ev=="rec.stop"')" -ge 200 ]; do
	n=$((n + 1)); [ $n -lt 600 ] || fail "only $(count_ev "$EV" '.ev=="rec.stop"') of 200 recordings stopped"
	sleep 0.1
done
# The writer thread closes files after rec.stop: give it until the flow's
# last wait ends, measuring all the while; a leak stays.
fds_now() {
	after=$(ls /proc/$pid/fd 2>/dev/null | wc -l)
	open_wav=$(ls -l /proc/$pid/fd 2>/dev/null | grep -c '\.wav' || true)
}
fds_now
n=0
while { [ "$open_wav" -gt 0 ] || [ "$after" -gt "$before" ]; } && [ $n -lt 30 ] &&
	kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	n=$((n + 1))
	fds_now
done
echo "fds before the calls: $before, after 200 recorded calls: $after, .wav still open: $open_wav"
sipflow_wait fds
expect_rc 0
[ "$open_wav" -eq 0 ] || fail "$open_wav recordings still open"
[ "$after" -le "$before" ] || fail "$((after - before)) file descriptors leaked"

n=$(ls "$SCRATCH"/rec/*.wav | wc -l)
[ "$n" -eq 200 ] || fail "$n recordings, not 200"
for f in "$SCRATCH"/rec/*.wav; do
	soxi "$f" >/dev/null 2>&1 || fail "$f is not a valid WAV"
done
echo ok
