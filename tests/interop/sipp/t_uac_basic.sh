#!/bin/sh
# sipp (uac_basic.xml) calls sipflow's bob (answer = auto), replays PCMA
# RTP from g711a.pcap for 4 s and hangs up.  Passes when sipp exits 0 and
# bob's call is established once, carries PCMA both ways (rx_pkts and
# tx_pkts > 0, received payload type 8) and ends with terminated.
. "$srcdir/tests/lib.sh"
ports_for 13
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

PCAP=/usr/share/sip-tester/g711a.pcap
[ -r "$PCAP" ] || skip "$PCAP not found (Debian package sip-tester)"

# PCMA first on both sides: whichever side's order wins, it is PCMA, the
# codec of the pcap.
sipflow_conf bob 1002 auto "PCMA, PCMU, telephone-event"
cat >"$FLOW" <<FLOW
bob: expect incoming 10s
bob: expect established 5s
bob: expect terminated 15s
FLOW

sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"

sipp_start uac_basic uac_basic.xml -s 1002 "127.0.0.1:$SIP_BASE"
sipp_wait 45
sipflow_wait

# pcap replay needs a raw socket (root or CAP_NET_RAW)
if grep -q "raw IPv4 socket" "$SIPP_LOG.errors.log" 2>/dev/null; then
	skip "sipp cannot replay the pcap here: no raw socket (needs root or CAP_NET_RAW)"
fi

[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

expect_count "$EVENTS" '.ev=="call.state" and .ua=="bob" and .state=="established"' 1 \
	"bob established"
expect_count "$EVENTS" '.ev=="call.state" and .ua=="bob" and .state=="terminated"' 1 \
	"bob terminated"
expect_media "$EVENTS" bob PCMA/8000 8 1 "sipp's pcap"

echo "PASS: sipp call to bob, PCMA both ways (tx=$TX rx=$RX)"
exit 0
