#!/bin/sh
# The receive path rides out stalls: alice and bob run in two processes;
# bob sends a 660 Hz tone and alice records what she receives.
#  - bob is stopped for 200 ms (SIGSTOP, SIGCONT): alice hears one gap no
#    longer than the stall (nothing was sent) plus the re-buffering, the
#    tone after it, and `concealed` counts exactly the silent frames;
#  - alice herself is stopped for 200 ms: the packets that queued in her
#    socket arrive in one burst, and the tone goes on with no gap at all
#    (a jitter buffer that loses its place after a burst conceals the rest
#    of the call).
# The stalls are measured as they happened (a busy machine may stretch
# `sleep 0.2`), and the gap is judged against the measured stall; a stall
# probe beside them tells a dropout the machine caused (every process
# stood still) from one of ours.
. "$srcdir/tests/lib.sh"
ports_for 33
command -v sox >/dev/null || skip "sox not installed"

cat >"$SCRATCH/bob.conf" <<CONF
[general]
rtp_ports = $((RTP_LO + 100))-$RTP_HI
[bob]
user = 1002
port = $((SIP_BASE + 1))
source = tone:660
answer = auto
CONF
cat >"$SCRATCH/alice.conf" <<CONF
[general]
rtp_ports = $RTP_LO-$((RTP_LO + 99))
[alice]
user = 1001
port = $SIP_BASE
source = tone:440
CONF
cat >"$SCRATCH/bob.flow" <<'FLOW'
bob: expect established 15s
bob: expect terminated 20s
FLOW
cat >"$SCRATCH/alice.flow" <<FLOW
alice: call sip:1002@127.0.0.1:$((SIP_BASE + 1))
alice: expect established 5s
alice: record start
alice: wait 7s
alice: hangup
FLOW
mkdir "$SCRATCH/rec"

probe_start
sipflow_start bob -c "$SCRATCH/bob.conf" -s "$SCRATCH/bob.flow"
bob=$SF_PID
wait_event "$SCRATCH/bob.jsonl" '.ev=="ua.ready"' 10 || fail "bob did not start"
sipflow_start alice -c "$SCRATCH/alice.conf" -s "$SCRATCH/alice.flow" -r "$SCRATCH/rec"
alice=$SF_PID
wait_event "$SCRATCH/alice.jsonl" '.ev=="rec.start"' 10 || fail "alice did not record"
now() { date +%s.%N; }
t_rec=$(now)

# stall PID: stop it for 200 ms; prints how long it really stood still.
stall() {
	_a=$(now)
	kill -STOP "$1"
	sleep 0.2
	kill -CONT "$1"
	_b=$(now)
	echo "$_b - $_a" | bc -l
}
sleep 2
t_bob=$(now)
bob_stall=$(stall "$bob")
sleep 2
alice_stall=$(stall "$alice")
printf 'bob stood still %.3f s, alice %.3f s\n' "$bob_stall" "$alice_stall"

sipflow_wait alice
expect_rc 0
sipflow_wait bob
expect_rc 0
probe_stop

ev="$SCRATCH/alice.jsonl"
rec=$(last_field "$ev" '.ev=="rec.stop"' path)
[ -f "$rec" ] || fail "no recording"
silent_runs "$rec" 1 >"$SCRATCH/runs"
echo "silent stretches of the received audio (start s, ms):"
cat "$SCRATCH/runs"
# The first 100 ms may hold the jitter buffer's start and the last
# frames the far end's stop: a gap is what lies between.
len=$(soxi -D "$rec")
awk -v end="$len" '$1 >= 0.1 && $1 < end - 0.1' "$SCRATCH/runs" >"$SCRATCH/gaps"
# bob's stall: one gap where he stood still; alice's own: none (her
# skipped ticks are not in the file, and what queued meanwhile plays on).
# Any other is ours, unless the machine stalled that long itself.
bob_at=$(echo "$t_bob - $t_rec" | bc -l)
awk -v at="$bob_at" '$1 >= at - 0.3 && $1 <= at + 0.6' "$SCRATCH/gaps" >"$SCRATCH/bob_gap"
awk -v at="$bob_at" '$1 < at - 0.3 || $1 > at + 0.6' "$SCRATCH/gaps" >"$SCRATCH/other"
[ "$(wc -l <"$SCRATCH/bob_gap")" -eq 1 ] ||
	fail "not one gap where bob stood still (at $bob_at s): $(tr '\n' ';' <"$SCRATCH/gaps")"
while read -r at ms; do
	machine_stalled "$ms" "$at" "$t_rec" ||
		fail "a $ms ms gap at $at s, and the machine did not stall that long then"
	echo "a $ms ms gap at $at s, while the machine itself stalled as long"
done <"$SCRATCH/other"
gap_ms=$(awk '{print $2}' "$SCRATCH/bob_gap")
at=$(awk '{print $1}' "$SCRATCH/bob_gap")
# What nothing was sent for, and the 40 ms of re-buffering after it, plus a
# frame either side for where the stall fell in a tick.
max=$(echo "$bob_stall * 1000 + 40 + 40" | bc -l)
printf 'the gap at %s s lasts %d ms (bob stood still %.0f ms; at most %.0f)\n' \
	"$at" "$gap_ms" "$(echo "$bob_stall * 1000" | bc -l)" "$max"
[ "$(echo "$gap_ms <= $max" | bc -l)" = 1 ] || fail "a $gap_ms ms gap for a stall of $bob_stall s"

# The tone holds everywhere else, in both halves after each stall.
a=$(band_rms "$rec" 620-700 remix 1 trim "$(echo "$at + 0.5" | bc -l)" 1.5)
b=$(band_rms "$rec" 620-700 remix 1 trim "$(echo "$len - 1.5" | bc -l)" 1)
echo "660 Hz band after bob's stall $a, after alice's $b"
[ "$(echo "$a > 0.1 && $b > 0.1" | bc -l)" = 1 ] || fail "the tone did not hold: $a, $b"

# The counters say the same as the file: the silent frames of the call
# are the concealed ones, nothing was lost on the wire.
conc=$(last_field "$ev" '.ev=="rtp.stats"' concealed)
jbd=$(last_field "$ev" '.ev=="rtp.stats"' jb_dropped)
lost=$(last_field "$ev" '.ev=="rtp.stats"' lost)
silent=$(awk '{s += $2} END {print s / 20}' "$SCRATCH/gaps")
a_ms=$(echo "$alice_stall * 1000 / 1" | bc)
echo "concealed $conc frames (silent in the file: $silent), jb_dropped $jbd, lost $lost"
[ "$lost" -eq 0 ] || fail "$lost packets lost on loopback"
[ "$conc" -ge $((silent - 2)) ] && [ "$conc" -le $((silent + 2)) ] ||
	fail "concealed says $conc frames, the file has $silent silent ones"
# The burst after alice's stall is latency given back: at most the frames
# that came while she stood still.
[ "$jbd" -le $((a_ms / 20 + 3)) ] || fail "$jbd received frames thrown away for a $a_ms ms stall"
echo ok
