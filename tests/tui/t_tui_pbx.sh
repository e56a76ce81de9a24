#!/bin/sh
# A PBX instance at the console: its row shows how many phones are
# registered and which (in place of a source), a bridged call shows as
# its two legs, each naming the other, and the ordinary verbs act on
# either leg: recording the caller's leg records the bridged call, and
# hanging up the callee's leg ends the call at both phones.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 63
tui_init pbx

PBX=$SIP_BASE
{
	pbx_conf "account = 1001:a-secret" "account = 1002:b-secret"
	pbx_phone alice 1001 1 a-secret "source = tone:440"
	pbx_phone bob 1002 2 b-secret "source = tone:660" "answer = auto"
} >"$SCRATCH/conf"
tui_start pbx 170 30 -- -c "$SCRATCH/conf"

wait_screen "^pbx +127\\.0\\.0\\.1:$PBX/UDP +pbx: 2 reg .*1001 127\\.0\\.0\\.1:$((SIP_BASE + 1)), 1002 127\\.0\\.0\\.1:$((SIP_BASE + 2))"
colon 'alice: call 1002'
# alice c1 -> pbx c2 (caller's leg) + c3 (callee's leg) -> bob c4
wait_screen '^c2 +pbx .*(⇄|<>)c3 .* established '
wait_screen '^c3 +pbx .*(⇄|<>)c2 .* established '
wait_screen '^c1 +alice .* established '
wait_screen '^c4 +bob .* established '

colon 'pbx/#1: record start'
wait_ev '.ev=="rec.start" and .ua=="pbx" and .call=="c2"'
wait_screen '^c2 +pbx .* established .*(●|REC)'
sleep 2
colon 'pbx/#2: hangup'
wait_ev '.ev=="call.state" and .ua=="alice" and .state=="terminated"'
wait_ev '.ev=="call.state" and .ua=="bob" and .state=="terminated"'
wait_ev '.ev=="cdr" and .hangup_side=="pbx" and .disposition=="ANSWERED"'
send q
exit_clean

f=$(last_field "$EV" '.ev=="rec.start" and .ua=="pbx"' path)
[ -s "$f" ] || fail "no recording of the bridged call"
l=$(peak_hz "$f" remix 1 trim 0.3 1)
r=$(peak_hz "$f" remix 2 trim 0.3 1)
near "$l" 440 && near "$r" 660 || fail "the caller's leg recorded $l Hz / $r Hz, expected 440 / 660"
expect_count "$EV" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("BYE"))' 2 \
	"the PBX ended both legs with BYE"
echo ok
