#!/bin/sh
# A registration is refreshed before it runs out: sipp grants 10 s, and
# the second REGISTER comes before those 10 s are over (libre refreshes
# at 90 %, 9 s: a stall of up to a second is no failure), with a second
# `registered`; quitting at 11.5 s de-registers.
. "$srcdir/tests/lib.sh"
ports_for 47
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

cat >"$CONF" <<CONF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[alice]
port = $SIP_BASE
registrar = sip:127.0.0.1:$PEER_PORT
password = secret
CONF
cat >"$FLOW" <<FLOW
alice: expect registered 5s
alice: wait 11500ms
FLOW
sipp_start registrar uas_register_refresh.xml -key contact_user alice \
	-key contact_port "$SIP_BASE"
sipflow_start sipflow -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "refresh" 0

R='.ua=="alice" and .ev=="sip.tx" and .retrans==false and
	(.first_line|startswith("REGISTER "))'
expect_count "$EV" "$R" 3 "REGISTER, its refresh, the de-REGISTER"
t1=$(jq -r "select($R) | .t" "$EV" | sed -n 1p)
t2=$(jq -r "select($R) | .t" "$EV" | sed -n 2p)
gap=$(echo "$t2 - $t1" | bc)
echo "refreshed after $gap s of a 10 s registration"
[ "$(echo "$gap > 5 && $gap < 10" | bc)" -eq 1 ] ||
	fail "the refresh came after $gap s, not between 5 s and the 10 s granted"
expect_count "$EV" '.ua=="alice" and .ev=="reg.state" and
	.state=="registered" and .expires==10' 2 "registered, then refreshed"
grep -q '^Contact: <sip:alice@127.0.0.1:'"$SIP_BASE"'>;expires=0' \
	"$SIPP_LOG.messages.log" || fail "no de-REGISTER at quit"
echo "PASS: the registration is refreshed before it expires"
