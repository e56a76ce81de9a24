#!/bin/sh
# sipflow (alice) calls sipp running uas_200x4.xml, which sends the same
# 200 OK four times ~500 ms apart.  Passes when alice ACKs every copy (sipp
# counts 4 ACKs and exits 0), media starts exactly once (no media.update),
# the call is established exactly once, and both sides exit 0.
. "$srcdir/tests/lib.sh"
ports_for 10
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect established 5s
# the 200 OK copies arrive during the first ~1.6 s
alice: wait 4s
alice: hangup
alice: expect terminated 5s
FLOW

# RTP echo on, so alice's stream has a live peer
sipp_start uas_200x4 uas_200x4.xml -rtp_echo
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"

run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10

[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"

# sipp's own count: one ACK per 200 OK copy
grep -q '^ACKS=4\.0' "$SIPP_LOG.logs.log" ||
	fail "sipp did not count 4 ACKs: $(grep '^ACKS=' "$SIPP_LOG.logs.log" || echo none)"

expect_count "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="established"' 1 \
	"alice established"
expect_count "$EVENTS" '.ev=="media.start" and .ua=="alice"' 1 "alice media.start"
# an identical, retransmitted 200 OK is not a media change
expect_count "$EVENTS" '.ev=="media.update" and .ua=="alice"' 0 "alice media.update"
expect_count "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="terminated"' 1 \
	"alice terminated"
# sipflow's own trace agrees: 4 x 200 OK (INVITE) in, 4 x ACK out
expect_count "$EVENTS" '.ev=="sip.rx" and .ua=="alice" and (.first_line|startswith("SIP/2.0 200")) and (.cseq|tostring|endswith("INVITE"))' 4 \
	"alice sip.rx 200 OK for the INVITE"
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("ACK "))' 4 \
	"alice sip.tx ACK"

echo "PASS: 4 x 200 OK -> 4 ACKs, one media.start, one established"
exit 0
