#!/bin/sh
# Calls a peer challenges: a 401 without qop (sipp's verifyauth checks
# the Authorization), a 407 with qop=auth (sipp cannot check a
# Proxy-Authorization, so this test does, with md5sum), each followed
# by a call with audio both ways; and a wrong password, challenged
# again, which ends the call with a reason that says so.  The challenge
# and the retry are in the ladder (sip.rx, sip.tx).
. "$srcdir/tests/lib.sh"
ports_for 39
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require
command -v md5sum >/dev/null 2>&1 || skip "md5sum not installed"

conf() {
	cat >"$CONF" <<CONF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[alice]
port = $SIP_BASE
password = $1
source = tone:440
CONF
}
cat >"$FLOW" <<FLOW
alice: call sip:sipp@127.0.0.1:$PEER_PORT
alice: expect established 10s
alice: wait 1500ms
alice: hangup
alice: expect terminated 5s
FLOW

md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }

# 1. 401, no qop, verified by sipp
conf secret
sipp_start inv401 uas_invite_auth.xml -rtp_echo
sipflow_start sipflow -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "401 (sipp's verifyauth)" 0
expect_count "$EV" '.ev=="sip.rx" and .first_line=="SIP/2.0 401 Unauthorized"' 1 \
	"401 in the ladder"
expect_count "$EV" '.ev=="sip.tx" and .retrans==false and
	(.first_line|startswith("INVITE "))' 2 "the INVITE, then again with credentials"
grep -q '^Authorization: Digest username="alice", realm="sipflow.test"' \
	"$SIPP_LOG.messages.log" || fail "401: no Authorization on the wire"
expect_media "$EV" alice PCMU/8000 0 50 sipp

# 2. 407 with qop=auth: the digest checked here (RFC 2617 3.2.2.1)
sipp_start inv407 uas_invite_407.xml -rtp_echo
sipflow_start sipflow2 -c "$CONF" -s "$FLOW"
sipflow_sipp_wait 407 0
pa=$(tr -d '\r' <"$SIPP_LOG.messages.log" | grep -m1 '^Proxy-Authorization: Digest ')
[ -n "$pa" ] || fail "407: no Proxy-Authorization on the wire"
field() { echo "$pa" | sed -n "s/.*[ ,]$1=\"\\{0,1\\}\\([^\",]*\\)\"\\{0,1\\}.*/\\1/p"; }
nonce=$(field nonce) uri=$(field uri) nc=$(field nc) cnonce=$(field cnonce)
qop=$(field qop) resp=$(field response)
[ "$qop" = auth ] || fail "407: qop '$qop' in '$pa'"
want=$(md5 "$(md5 "alice:sipflow.test:secret"):$nonce:$nc:$cnonce:$qop:$(md5 "INVITE:$uri")")
[ "$resp" = "$want" ] || fail "407: digest response $resp, expected $want ($pa)"
echo "407: Proxy-Authorization response $resp is right"
expect_media "$EV" alice PCMU/8000 0 50 sipp

# 3. a wrong password: challenged again, the call ends saying why
conf Zq7-wrong-pw
sipp_start invbad uas_invite_auth.xml
cat >"$FLOW" <<FLOW
alice: call sip:sipp@127.0.0.1:$PEER_PORT
alice: expect terminated 401 10s
FLOW
sipflow_start sipflow3 -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "wrong password (sipp must refuse it)" 1
expect_count "$EV" '.ev=="call.state" and .state=="terminated" and .code==401 and
	(.reason|test("credentials were refused"))' 1 "a clear reason"
expect_count "$EV" '.ev=="sip.tx" and .retrans==false and
	(.first_line|startswith("INVITE "))' 2 "one retry with credentials, no more"
if grep -q "Zq7-wrong-pw" "$EV" "$ERR"; then
	fail "the password appears in the events or on stderr"
fi
echo "PASS: INVITE challenged with 401 and 407 (qop and not), and refused"
