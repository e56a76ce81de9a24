#!/bin/sh
# Registration against sipp as a registrar that challenges (401, Digest,
# qop=auth, checked by sipp's verifyauth): alice registers, is
# registered for the 60 s sipp grants, unregisters with Expires: 0.
# carol's registrar never answers: one `failed` after libre's 32 s, with
# an error event.  Quitting while registered de-registers.  dave's
# password is wrong: the registrar challenges
# again, and that is one `failed` 401, not a retry every 30 s.
. "$srcdir/tests/lib.sh"
ports_for 38
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

cat >"$CONF" <<CONF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[alice]
port = $SIP_BASE
registrar = sip:127.0.0.1:$PEER_PORT
password = secret
expires = 10m

[carol]
port = $((SIP_BASE + 1))
registrar = sip:127.0.0.1:$((PEER_PORT + 1))
password = secret
CONF
cat >"$FLOW" <<FLOW
alice: expect registered 10s
alice: wait 1s
alice: unregister
alice: wait 1s
carol: expect reg_failed 40s
FLOW

sipp_start registrar uas_register_auth.xml -key contact_user alice -key contact_port "$SIP_BASE"
SIPFLOW_TIMEOUT=60 sipflow_start sipflow -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "registration (sipp's verifyauth)" 0

A='.ua=="alice" and .ev=="reg.state"'
expect_count "$EV" "$A and .state==\"registering\"" 1 "alice registering"
expect_count "$EV" "$A and .state==\"registered\" and .expires==60 and
	.aor==\"sip:alice@127.0.0.1\"" 1 "alice registered for sipp's 60 s"
expect_count "$EV" "$A and .state==\"unregistered\"" 1 "alice unregistered"
# the ladder: challenge, then the REGISTER again with credentials
expect_count "$EV" '.ua=="alice" and .ev=="sip.rx" and
	.first_line=="SIP/2.0 401 Unauthorized"' 1 "the 401 in the ladder"
expect_count "$EV" '.ua=="alice" and .ev=="sip.tx" and .retrans==false and
	(.first_line|startswith("REGISTER "))' 3 \
	"REGISTER, REGISTER with credentials, de-REGISTER"
grep -q '^Authorization: Digest username="alice", realm="sipflow.test".*qop=auth, nc=00000001' \
	"$SIPP_LOG.messages.log" || fail "no qop=auth Authorization on the wire"
grep -q '^Contact: <sip:alice@127.0.0.1:'"$SIP_BASE"'>;expires=0' \
	"$SIPP_LOG.messages.log" || fail "the de-REGISTER did not say expires=0"
grep -q '^Contact: <sip:alice@127.0.0.1:'"$SIP_BASE"'>;expires=600' \
	"$SIPP_LOG.messages.log" || fail "alice did not ask for expires = 10m"

C='.ua=="carol" and .ev=="reg.state"'
expect_count "$EV" "$C and .state==\"failed\" and
	(.reason|startswith(\"no answer from sip:127.0.0.1:$((PEER_PORT + 1))\"))" 1 \
	"carol: one failure naming the silent registrar"
expect_count "$EV" '.ua=="carol" and .ev=="error" and .what=="register"' 1 \
	"carol: an error event"
grep -q "no answer from sip:127.0.0.1:$((PEER_PORT + 1))" "$ERR" ||
	fail "carol: no line on stderr"

# quitting de-registers: the scenario ends while alice is registered
cat >"$FLOW" <<FLOW
alice: expect registered 10s
FLOW
sed -i '/^\[carol\]/,$d' "$CONF"
sipp_start registrar_quit uas_register_auth.xml -key contact_user alice -key contact_port "$SIP_BASE"
sipflow_start sipflow_quit -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "quit (sipp must see the de-REGISTER)" 0
grep -q '^Contact: <sip:alice@127.0.0.1:'"$SIP_BASE"'>;expires=0' \
	"$SIPP_LOG.messages.log" || fail "quit: no de-REGISTER on the wire"

# a wrong password
cat >"$CONF" <<CONF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[dave]
user = alice
port = $SIP_BASE
registrar = sip:127.0.0.1:$PEER_PORT
password = Zq7-wrong-pw
CONF
cat >"$FLOW" <<FLOW
dave: expect reg_failed 401 10s
dave: wait 3s
FLOW
sipp_start registrar_bad uas_register_auth.xml -key contact_user alice -key contact_port "$SIP_BASE"
sipflow_start sipflow2 -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "wrong password (sipp must refuse it)" 1
D='.ua=="dave" and .ev=="reg.state"'
expect_count "$EV" "$D and .state==\"failed\" and .code==401 and
	(.reason|test(\"credentials were refused\"))" 1 "dave: one clear failure"
expect_count "$EV" '.ua=="dave" and .ev=="sip.tx" and .retrans==false and
	(.first_line|startswith("REGISTER "))' 2 \
	"dave: REGISTER and one retry with credentials, then no more"
if grep -q "Zq7-wrong-pw" "$EV" "$ERR"; then
	fail "the password appears in the events or on stderr"
fi
echo "PASS: REGISTER with digest, refusal and silence reported clearly"
