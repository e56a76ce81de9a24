#!/bin/sh
# sipp calls bob (answer = auto) with an INVITE that has no SDP: bob must
# offer in the 200 OK, take the answer from the ACK and start media then.
. "$srcdir/tests/lib.sh"
ports_for 14
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf bob 1002 auto "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
bob: expect incoming 10s
bob: expect established 5s
bob: expect terminated 10s
FLOW

sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_offerless uac_offerless.xml -s 1002 "127.0.0.1:$SIP_BASE"
sipp_wait 20
sipflow_wait

[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

# The offer went out in the 200 and media started once, from the ACK's answer.
expect_count "$EVENTS" '.ev=="sdp.local" and .ua=="bob"' 1 "bob offered once"
expect_count "$EVENTS" '.ev=="sdp.remote" and .ua=="bob"' 1 "bob read the ACK's answer"
expect_count "$EVENTS" '.ev=="media.start" and .ua=="bob" and .codec=="PCMU/8000"' 1 \
	"media started from the answer in the ACK"
remote=$(last_field "$EVENTS" '.ev=="media.start" and .ua=="bob"' remote)
[ "$remote" = "127.0.0.1:$PEER_RTP" ] || fail "bob sends RTP to $remote, not sipp's $PEER_RTP"
tx=$(last_field "$EVENTS" '.ev=="rtp.stats" and .ua=="bob"' tx_pkts)
[ "$tx" -ge 50 ] || fail "bob sent only $tx packets"
echo "PASS: offer in 200, answer in ACK (bob sent $tx packets)"
