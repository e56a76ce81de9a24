#!/bin/sh
# RFC 5407 3.1.2: sipflow cancels a ringing call just as sipp answers it.
# The 200 OK crosses the CANCEL; sipflow must ACK it and send BYE
# (uas_cancel_crossing.xml fails without both), and report the call as
# cancelled by us, once.
. "$srcdir/tests/lib.sh"
ports_for 37
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect ringing 5s
alice: hangup
alice: expect terminated 487 5s
alice: wait 3s
FLOW

sipp_start uas_cancel uas_cancel_crossing.xml -p "$PEER_PORT" \
	-mp "$PEER_RTP" -mi 127.0.0.1 -m 1
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"

run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 15

[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
[ "$SIPP_RC" -eq 0 ] || fail "sipp (wanted ACK and BYE): $(rc_sipp "$SIPP_RC")"
expect_count "$EVENTS" '.ev=="call.state" and .state=="terminated"' 1 \
	"the call ends once"
expect_count "$EVENTS" '.ev=="call.state" and .state=="terminated" and
	.code==487 and .by=="local"' 1 "cancelled by us"
expect_min "$EVENTS" '.ev=="sip.tx" and (.first_line|startswith("CANCEL "))' 1 \
	"the CANCEL went out"
expect_min "$EVENTS" '.ev=="sip.tx" and (.first_line|startswith("ACK "))' 1 \
	"the crossing 200 was ACKed"
expect_count "$EVENTS" '.ev=="sip.tx" and (.first_line|startswith("BYE ")) and
	(.retrans|not)' 1 "and the dialog ended with one BYE"
echo "PASS: a 200 OK crossing our CANCEL is ACKed and BYEd"
