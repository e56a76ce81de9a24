#!/bin/sh
# The console end to end, as an operator uses it: place a call with `c`
# (the prompt offers the other instance), answer it on bob's side with `a`,
# watch the packet counters move, record (the dot and its seconds), send
# DTMF through the `d` prompt (shown on both rows), read the SIP ladder
# and the call's log in the detail pane, hang up with `h` and quit with `q`.
# What the screen says is checked against the event stream (-e), so a row
# that looks right but lies fails too.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 28
tui_init call

write_conf "$SCRATCH/conf"
mkdir "$SCRATCH/rec"
# 140 columns: wide enough for the DTMF column and the packet rates.
tui_start call 140 30 -- -c "$SCRATCH/conf" -r "$SCRATCH/rec"

wait_screen "^alice +127\.0\.0\.1:$SIP_BASE/UDP +- +0 +tone:440"
wait_screen "^bob +127\.0\.0\.1:$((SIP_BASE + 1))/UDP +- +0 +tone:660"
wait_screen '^ *no calls — press c to call'

# c: the prompt names the caller and offers bob; Enter takes the offer.
send c
wait_screen '^call from alice to: *$'
wait_screen '^ *offer: bob *$'
send Enter
wait_screen '^c1 +alice +→out +1002@127\.0\.0\.1:[0-9]+ +(calling|ringing) '
wait_screen '^c2 +bob +←in +1001@127\.0\.0\.1:[0-9]+ +incoming '
wait_screen '2 calls \(2 up\)'

# The calls pane has alice's new call selected; move to bob's.
send Tab
wait_screen ' alice/c1 (calling|ringing): h cancel '
select_bob_call ' bob/c2 incoming: a answer  h reject '
send a
wait_screen '^bob/c2: answer$'
wait_screen '^c1 +alice .* established [0-9]+s +PCMU '
wait_screen '^c2 +bob .* established [0-9]+s +PCMU '
wait_ev '.ev=="call.state" and .state=="established"' 2

# The counters move and show the rate of 20 ms packets.
pkts() {
	row_of c1 | sed -n 's/.* PCMU  *\([0-9][0-9]*\) [0-9]*\/s  *\([0-9][0-9]*\) [0-9]*\/s .*/\1 \2/p'
}
wait_screen '^c1 .* PCMU +[0-9]+ (49|50|51)/s +[0-9]+ (49|50|51)/s '
p1=$(pkts)
[ -n "$p1" ] || tfail "no TX/RX counts in c1's row"
tx1=${p1% *} rx1=${p1#* }
# Until both moved (once a second): a busy machine only makes it later.
_poll 'p2=$(pkts); [ "${p2% *}" -gt "$tx1" ] && [ "${p2#* }" -gt "$rx1" ]' 10 || true
tx2=${p2% *} rx2=${p2#* }
[ "$tx2" -gt "$tx1" ] || tfail "TX did not grow: $tx1 then $tx2"
[ "$rx2" -gt "$rx1" ] || tfail "RX did not grow: $rx1 then $rx2"
echo "c1 packets: tx $tx1 -> $tx2, rx $rx1 -> $rx2"

# r on bob's call: the recording dot and its seconds, and a rec.start.
send r
wait_screen '^bob/c2: record start$'
wait_screen '^c2 +bob .*● [0-9]+s'
wait_ev '.ev=="rec.start" and .ua=="bob" and .call=="c2"'
row_of c1 | grep -q '●' && tfail "alice's row shows a recording"
wait_screen ' bob/c2 established: h hang up  p play  r stop rec '

# d: digits from bob reach alice, one event each, and both rows say so.
send d
wait_screen '^dtmf to bob/c2: *$'
send_text 123
send Enter
wait_ev '.ev=="dtmf.rx" and .ua=="alice"' 3
got=$(jq -r 'select(.ev=="dtmf.rx" and .ua=="alice") | .digit' "$EV" | tr -d '\n')
[ "$got" = 123 ] || tfail "alice received '$got'"
wait_screen '^c1 +alice .* rx:123( |$)'
wait_screen '^c2 +bob .* tx:123( |$)'

# The detail pane of bob's call: the ladder from bob's side.
send Enter
wait_screen '^─ SDP │ Ladder │ Log ─+ c2 1001@127\.0\.0\.1:'
send Right
wait_screen '^ +[0-9]+\.[0-9]{3} │<──ACK─+│'
ladder=$(screen)
line_no() {
	printf '%s\n' "$ladder" | grep -nE "$1" | head -n 1 | cut -d: -f1
}
i=$(line_no '^ +0\.000 │<──INVITE─+│ [0-9]+ INVITE$')
t=$(line_no '^ +[0-9.]+ │──100 Trying─+>│ [0-9]+ INVITE$')
o=$(line_no '^ +[0-9.]+ │──200 OK─+>│ [0-9]+ INVITE$')
a=$(line_no '^ +[0-9.]+ │<──ACK─+│ [0-9]+ ACK$')
[ -n "$i" ] && [ -n "$t" ] && [ -n "$o" ] && [ -n "$a" ] ||
	tfail "ladder rows missing (INVITE '$i', 100 '$t', 200 '$o', ACK '$a')"
[ "$i" -lt "$t" ] && [ "$t" -lt "$o" ] && [ "$o" -lt "$a" ] ||
	tfail "ladder out of order: INVITE $i, 100 $t, 200 $o, ACK $a"
wait_screen '^ +bob 127\.0\.0\.1:[0-9]+/UDP +1001@127\.0\.0\.1:[0-9]+ *$'

send Right
wait_screen '^─ SDP │ Ladder │ Log ─'
for d in 1 2 3; do
	wait_screen "^ +[0-9]+\.[0-9]{3} dtmf sent $d \(rfc4733, 100 ms\)"
done
wait_screen '^ +[0-9.]+ record .*\(stereo\)'
wait_screen '^ +[0-9.]+ established$'

# h: both legs end, show how, and go.
send h
wait_screen '^c1 +alice .* terminated 200'
wait_screen '^c2 +bob .* terminated 200'
wait_ev '.ev=="call.state" and .state=="terminated"' 2
wait_screen '^ *no calls — press c to call' 15
wait_gone '^c[12] '
wait_gone '^─ SDP'
wait_screen '0 calls \(0 up\)|2 calls \(0 up\)'

# q with no call up leaves at once, and the terminal is given back.
send q
exit_clean q
expect_count "$EV" '.ev=="rec.stop" and .ua=="bob"' 1 "the recording ends with the call"
echo ok
