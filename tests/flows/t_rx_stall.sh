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
# `sleep 0.2`), and the gap is judged against the measured stall.
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

sipflow_start bob -c "$SCRATCH/bob.conf" -s "$SCRATCH/bob.flow"
bob=$SF_PID
wait_event "$SCRATCH/bob.jsonl" '.ev=="ua.ready"' 10 || fail "bob did not start"
sipflow_start alice -c "$SCRATCH/alice.conf" -s "$SCRATCH/alice.flow" -r "$SCRATCH/rec"
alice=$SF_PID
wait_event "$SCRATCH/alice.jsonl" '.ev=="rec.start"' 10 || fail "alice did not record"

now() { date +%s.%N; }
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
t_rec=$(last_field "$SCRATCH/alice.jsonl" '.ev=="rec.start"' t)
bob_stall=$(stall "$bob")
sleep 2
alice_stall=$(stall "$alice")
printf 'bob stood still %.3f s, alice %.3f s\n' "$bob_stall" "$alice_stall"

sipflow_wait alice
expect_rc 0
sipflow_wait bob
expect_rc 0

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
n=$(wc -l <"$SCRATCH/gaps")
# bob's stall: one gap; alice's own: none (her skipped ticks are not in
# the file, and what queued meanwhile plays on).
[ "$n" -le 1 ] || fail "$n gaps in the received audio: $(tr '\n' ';' <"$SCRATCH/gaps")"
[ "$n" -eq 1 ] || fail "bob's stall left no gap at all: was he stopped? ($(cat "$SCRATCH/runs"))"
gap_ms=$(awk '{print $2}' "$SCRATCH/gaps")
# What nothing was sent for, and the 40 ms of re-buffering after it, plus a
# frame either side for where the stall fell in a tick.
max=$(echo "$bob_stall * 1000 + 40 + 40" | bc -l)
printf 'the gap lasts %d ms (bob stood still %.0f ms; at most %.0f)\n' \
	"$gap_ms" "$(echo "$bob_stall * 1000" | bc -l)" "$max"
[ "$(echo "$gap_ms <= $max" | bc -l)" = 1 ] || fail "a $gap_ms ms gap for a stall of $bob_stall s"
# Where it is: about 2 s into the recording.
at=$(awk '{print $1}' "$SCRATCH/gaps")
t_stall_rel=$(echo "$at" | bc -l)
[ "$(echo "$t_stall_rel > 1 && $t_stall_rel < 4" | bc -l)" = 1 ] ||
	fail "the gap is at $at s, not where bob stood still"

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
echo "concealed $conc frames (silent in the file: $silent), jb_dropped $jbd, lost $lost"
[ "$lost" -eq 0 ] || fail "$lost packets lost on loopback"
[ "$conc" -ge $((silent - 2)) ] && [ "$conc" -le $((silent + 2)) ] ||
	fail "concealed says $conc frames, the file has $silent silent ones"
# The burst after alice's stall is latency given back, at most the stall.
[ "$jbd" -le 15 ] || fail "$jbd received frames thrown away"
echo ok
