#!/bin/sh
# :save turns what the operator did at the console into a scenario that
# replays headless: the actions in order, each instance's waits as long as
# the operator really took (checked against the event times), the expects
# that keep the replay in step (bob waits for the incoming call before
# answering it), and a comment saying how to replay it.  The saved file is
# then run with -H and must do the same call.  A save that cannot write
# says so on the message line and the console goes on.  A key pressed on
# the instances pane acts on that instance's call and is saved as such
# (with the expect that keeps the replay in step).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 30
tui_init save

write_conf "$SCRATCH/conf"   # bob answers by hand
tui_start save 140 30 -- -c "$SCRATCH/conf"


send c
wait_screen '^call from alice to: *$'
send Enter
wait_screen '^c2 +bob .* incoming '
# The operator takes a moment before answering.
sleep 1
send Tab
select_bob_call ' bob/c2 incoming: a answer '
send a
wait_screen '^c1 +alice .* established '
wait_screen '^c2 +bob .* established '
sleep 2
colon 'alice: dtmf 12'
wait_screen '^alice/c1: dtmf 12$'
wait_ev '.ev=="dtmf.rx" and .ua=="bob"' 2
sleep 1
colon 'alice: hangup'
# (the confirmation names the call that was hung up)
soon '^alice/c1: hangup$'
wait_ev '.ev=="call.state" and .state=="terminated"' 2

# A save that cannot be written is an error on the message line, no more.
colon 'save /nonexistent/dir/x.flow'
wait_screen '^cannot save /nonexistent/dir/x\.flow: '
alive || tfail "sipflow died on a bad save path"

colon "save $SCRATCH/session.flow"
wait_screen "^saved 4 actions to $SCRATCH/session\\.flow\$"
send q
exit_clean
LIVE=$EV
FLOW="$SCRATCH/session.flow"
echo "--- saved:"
cat "$FLOW"

# The actions and the expects, in each instance's order.
chain() {
	grep -v '^#' "$FLOW" | grep "^$1: " | grep -v ": wait " | tr '\n' '|'
}
got=$(chain alice)
[ "$got" = "alice: call bob|alice: expect established|alice: dtmf 12|alice: hangup|" ] ||
	fail "alice's chain: $got"
got=$(chain bob)
[ "$got" = "bob: expect incoming|bob: answer|" ] || fail "bob's chain: $got"
grep -q "^# replay: sipflow -H.* -c $SCRATCH/conf .*-s $FLOW\$" "$FLOW" ||
	fail "no replay hint naming the config and the file"
grep -Eq '^# sipflow session saved .*: 4 actions$' "$FLOW" || fail "no header comment"

# wait_before LINE: the milliseconds of the wait right before LINE (0: none).
wait_before() {
	awk -v want="$1" '
		/^#/ { next }
		$0 == want { print w + 0; found = 1; exit }
		/: wait [0-9]+ms$/ { sub(/ms$/, "", $3); w = $3; next }
		{ w = 0 }
		END { if (!found) print "missing" }' "$FLOW"
}
# ev_t FILTER: the time of the first matching event.
ev_t() {
	jq -r "select($1) | .t" "$LIVE" | head -n 1
}
# near_ms MS FROM TO WHAT: MS is TO - FROM (seconds) within 500 ms.
near_ms() {
	awk -v ms="$1" -v a="$2" -v b="$3" 'BEGIN {
		d = ms - (b - a) * 1000; exit !(d <= 500 && d >= -500) }' ||
		fail "$4: waits ${1}ms, but $2 s to $3 s passed"
	echo "$4: ${1}ms for $(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", b - a }') s"
}
calling=$(ev_t '.ev=="call.state" and .ua=="alice" and .state=="calling"')
incoming=$(ev_t '.ev=="call.state" and .ua=="bob" and .state=="incoming"')
estab=$(ev_t '.ev=="call.state" and .ua=="alice" and .state=="established"')
dtmf=$(ev_t '.ev=="dtmf.tx" and .ua=="alice"')
bye=$(ev_t '.ev=="call.state" and .ua=="alice" and .state=="terminated"')

w=$(wait_before 'bob: answer')
[ "$w" != missing ] && [ "$w" -ge 500 ] ||
	fail "the wait before bob's answer is '$w' ms; the operator took ~1 s"
near_ms "$w" "$incoming" "$estab" "bob: answer"
w=$(wait_before 'alice: call bob')
[ "$w" != missing ] || fail "alice: call bob missing"
near_ms "$w" 0 "$calling" "alice: call bob"
w=$(wait_before 'alice: dtmf 12')
near_ms "$w" "$estab" "$dtmf" "alice: dtmf 12"
w=$(wait_before 'alice: hangup')
near_ms "$w" "$dtmf" "$bye" "alice: hangup"

# The replay, headless, from the saved file alone.
run_sipflow replay -c "$SCRATCH/conf" -s "$FLOW"
expect_rc 0
expect_count "$EV" '.ev=="scenario.done"' 1 "the scenario finishes"
expect_count "$EV" '.ev=="call.state" and .state=="established"' 2 "both legs established"
got=$(jq -r 'select(.ev=="dtmf.rx" and .ua=="bob") | .digit' "$EV" | tr -d '\n')
[ "$got" = 12 ] || fail "bob received '$got' in the replay"
expect_min "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("BYE "))' 1 \
	"alice hangs up"
[ "$(states "$EV" alice)" = "calling established terminated" ] ||
	fail "alice in the replay: $(states "$EV" alice)"

# Keys on the instances pane act on the instance's current call: saved,
# the hangup must still wait for that call to be established first.
tui_start short 140 30 -- -c "$SCRATCH/conf"
send c
wait_screen '^call from alice to: *$'
send Enter
wait_screen '^c2 +bob .* incoming '
colon 'bob: answer'
wait_screen '^c1 +alice .* established '
send h
wait_ev '.ev=="call.state" and .state=="terminated"' 2
soon '^alice/c1: hangup$'
colon "save $SCRATCH/short.flow"
wait_screen '^saved 3 actions to '
send q
exit_clean
echo "--- saved:"
cat "$SCRATCH/short.flow"
got=$(grep '^alice: ' "$SCRATCH/short.flow" | grep -v ': wait ' | tr '\n' '|')
[ "$got" = "alice: call bob|alice: expect established|alice: hangup|" ] ||
	fail_later "h on the instances pane, saved: alice's chain is $got"

check_later
echo ok
