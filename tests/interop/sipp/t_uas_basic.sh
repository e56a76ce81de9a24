#!/bin/sh
# sipflow (alice) calls sipp running uas_basic.xml with -rtp_echo and keeps
# the call up ~3 s.  sipp echoes alice's RTP back, so alice's last
# rtp.stats must show >= 100 packets sent and >= 100 received, in PCMU.
. "$srcdir/tests/lib.sh"
ports_for 12
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect established 5s
alice: wait 3s
alice: hangup
alice: expect terminated 5s
FLOW

sipp_start uas_basic uas_basic.xml -rtp_echo
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"

run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10

[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"

expect_count "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="established"' 1 \
	"alice established"
expect_media "$EVENTS" alice PCMU/8000 0 100 "sipp's echo"

echo "PASS: RTP both ways through sipp's echo (tx=$TX rx=$RX)"
exit 0
