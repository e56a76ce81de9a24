#!/bin/sh
# sipflow (alice) calls sipp running uas_fork.xml, which answers with two
# 200 OKs carrying different To-tags (a forked INVITE, RFC 3261 13.2.2.4).
# sipp exits 0 only if it received, in order: ACK for A, ACK for B, BYE for
# B (each with the right To-tag and Request-URI) and, when alice hangs up,
# BYE for A.  sipflow must exit 0 with alice established exactly once.
. "$srcdir/tests/lib.sh"
ports_for 11
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

sipp_start uas_fork uas_fork.xml -rtp_echo
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"

run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10

[ "$SIPP_RC" -eq 0 ] ||
	fail "sipp exit status $(rc_sipp "$SIPP_RC"): the forked 2xx was not ACKed and BYEd as required"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

for m in "ACK for fork A" "ACK for fork B" "BYE for fork B" "BYE for fork A"; do
	grep -qx "$m" "$SIPP_LOG.logs.log" || fail "sipp did not log '$m'"
done

expect_count "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="established"' 1 \
	"alice established"
# sipflow's own trace agrees: ACK and BYE went to fork B's Contact
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("ACK sip:forkb@"))' 1 \
	"alice sip.tx ACK to fork B"
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("BYE sip:forkb@"))' 1 \
	"alice sip.tx BYE to fork B"

echo "PASS: forked 2xx: fork B got ACK + BYE, fork A kept until hangup"
exit 0
