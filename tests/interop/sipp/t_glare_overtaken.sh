#!/bin/sh
# The peer's re-INVITE overtakes our retry (RFC 3261 14.1): sipp answers
# alice's hold with 491 and, while alice's libre waits 3 s to retry it,
# sends its own re-INVITE.  libre answers that one and drops our retry;
# sipflow must answer with the SDP that holds (a=sendrecv: alice is not
# held yet, sipp checks it), stay `established`, and ask for the hold
# again once sipp's ACK came (sipp checks a=sendonly), ending `held`.
. "$srcdir/tests/lib.sh"
ports_for 59
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect established 5s
alice: wait 500ms
alice: hold
alice: expect held 10s
alice: wait 500ms
alice: hangup
alice: expect terminated 5s
FLOW

sipp_start uas_glare_overtaken uas_glare_overtaken.xml
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 15
[ "$RC" -eq 0 ] || { grep -v '"ev":"s[di]p\.' "$EVENTS" >&2; fail "sipflow exit status $(rc_words "$RC")"; }
[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"

[ "$(states "$EVENTS" alice)" = "calling established held terminated" ] ||
	fail "alice's states: $(states "$EVENTS" alice)"
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("INVITE ")) and .retrans==false' 3 \
	"alice sends the call's INVITE, the hold, and the hold again"
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="alice" and .cseq=="1 INVITE" and (.first_line|startswith("SIP/2.0 200"))' 1 \
	"alice takes sipp's re-INVITE"
expect_count "$EVENTS" '.ev=="error" and .ua=="alice"' 0 "nothing is an error"
echo "ok"
