#!/bin/sh
# Hold at the console: l on a call holds it (the row says held, the
# peer's says remote_held), l again takes it back; while held the
# one-way-audio warning stays quiet, as the silence is agreed.  x asks
# where to transfer to, offering the other instances.  :save writes the
# hold and the resume, and a session with two calls on one instance
# names each call (#N) so the replay acts on the same one.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 56
tui_init hold

BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
tui_start hold 150 30 -- -c "$SCRATCH/conf"


send c
wait_screen '^call from alice to: *$'
send Enter
wait_screen '^c1 +alice .* established '
wait_screen '^c2 +bob .* established '
send Tab
wait_screen ' alice/c1 established: .* l hold  x transfer '
sleep 1
send l
wait_screen '^alice/c1: hold$'
wait_screen '^c1 +alice .* held '
wait_screen '^c2 +bob .* remote_held '
wait_screen ' alice/c1 held: .* l resume '
wait_ev '.ev=="call.state" and .ua=="alice" and .state=="held" and .hold=="local"'
# past the warning's 2 s: bob hears nothing and sends, agreed
sleep 3
for c in c1 c2; do
	row_of $c | grep -Eq 'no rx|no tx' && tfail "$c warns of one-way audio while held: $(row_of $c)"
done
send l
wait_screen '^alice/c1: resume$'
wait_screen '^c1 +alice .* established '
wait_screen '^c2 +bob .* established '

# x: the transfer prompt for the selected call
send x
wait_screen '^transfer alice/c1 to: *$'
wait_screen 'offer: bob'
send Escape
wait_gone '^transfer alice/c1 to:'

# a second call of alice: lines for alice now name the call they act on
sleep 1
colon 'alice: call bob'
wait_screen '^c3 +alice .* established '
colon 'alice/#1: hangup'
soon '^alice/c1: hangup$'
wait_ev '.ev=="call.state" and .ua=="alice" and .call=="c1" and .state=="terminated"'
sleep 1
colon 'alice: hangup'
soon '^alice/c3: hangup$'
wait_ev '.ev=="call.state" and .ua=="alice" and .call=="c3" and .state=="terminated"'

colon "save $SCRATCH/s.flow"
wait_screen '^saved 6 actions to '
send q
exit_clean
echo "--- saved:"
cat "$SCRATCH/s.flow"
got=$(grep -v '^#' "$SCRATCH/s.flow" | grep '^alice' | grep -v ': wait ' | tr '\n' '|')
[ "$got" = "alice: call bob|alice/#1: expect established|alice/#1: hold|alice/#1: resume|alice: call bob|alice/#1: hangup|alice/#2: expect established|alice/#2: hangup|" ] ||
	tfail "alice's saved chain: $got"

# the replay does the same: two calls, the first held and resumed
run_sipflow replay -c "$SCRATCH/conf" -s "$SCRATCH/s.flow"
expect_rc 0
[ "$(states "$EV" alice)" = "calling established held established calling established terminated terminated" ] ||
	fail "alice in the replay: $(states "$EV" alice)"
echo ok
