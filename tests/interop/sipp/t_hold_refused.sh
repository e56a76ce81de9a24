#!/bin/sh
# A hold the peer refuses: sipp answers alice's first hold re-INVITE 488.
# The call stays established (never held), an error event says "hold
# refused by ...: 488", alice's offer goes back to sendrecv, and the
# next hold is sent (not "still waiting") and taken.
. "$srcdir/tests/lib.sh"
ports_for 58
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect established 5s
alice: wait 500ms
alice: hold
alice: wait 1500ms
alice: hold
alice: expect held 5s
alice: wait 500ms
alice: hangup
alice: expect terminated 5s
FLOW

sipp_start uas_hold_488 uas_hold_488.xml
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10
[ "$RC" -eq 0 ] || { grep -v '"ev":"s[di]p\.' "$EVENTS" >&2; fail "sipflow exit status $(rc_words "$RC")"; }
[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"

expect_count "$EVENTS" '.ev=="error" and .ua=="alice" and .what=="modify" and (.detail|test("^hold refused by .*: 488 Not Acceptable Here$"))' 1 \
	"the refusal is an error event"
[ "$(states "$EVENTS" alice)" = "calling ringing established held terminated" ] ||
	fail "alice's states: $(states "$EVENTS" alice) (held only after the second hold)"
# the offers: hold, hold; the answer to neither put alice on hold early
expect_count "$EVENTS" '.ev=="sdp.local" and .ua=="alice" and (.sdp|test("a=sendonly"))' 2 \
	"two hold offers"
t_err=$(last_field "$EVENTS" '.ev=="error" and .what=="modify"' t)
t_held=$(last_field "$EVENTS" '.ev=="call.state" and .state=="held"' t)
[ "$(echo "$t_held > $t_err + 1" | bc -l)" = 1 ] || fail "held at $t_held s, the refusal at $t_err s"
echo "ok"
