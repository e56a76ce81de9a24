#!/bin/sh
# kamailio as registrar and proxy with digest auth (kamailio.cfg.in):
# alice and bob register (401), alice pings kamailio with OPTIONS (407,
# then 200) and calls bob through it (407, then bob's 200), audio both
# ways; bob unregisters, and alice's next call to him gets kamailio's
# 404: the de-REGISTER took.  dave's password is wrong: one failed 401.
. "$srcdir/tests/lib.sh"
ports_for 41
. "$srcdir/tests/interop/sipp/sipp.sh"
command -v kamailio >/dev/null 2>&1 || skip "kamailio not installed"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
KPORT=$PEER_PORT
MPATH=$(dirname "$(find /usr/lib -path '*kamailio/modules/registrar.so' | head -n 1)")
[ -n "$MPATH" ] || skip "kamailio's registrar module not installed"

sed -e "s|@PORT@|$KPORT|" -e "s|@MPATH@|$MPATH/|" \
	"$srcdir/tests/interop/kamailio/kamailio.cfg.in" >"$SCRATCH/kamailio.cfg"
kamailio -c -f "$SCRATCH/kamailio.cfg" >"$SCRATCH/kamailio.check" 2>&1 ||
	fail "kamailio rejects the config: $(tail -n 5 "$SCRATCH/kamailio.check")"
bg kamailio -f "$SCRATCH/kamailio.cfg" -DD -E -Y "$SCRATCH" -m 32 -M 8 \
	>"$SCRATCH/kamailio.log" 2>&1
wait_udp "$KPORT" 10 || fail "kamailio did not bind 127.0.0.1:$KPORT"

account() {
	printf '\n[%s]\nport = %d\nregistrar = sip:127.0.0.1:%d\n' "$1" "$2" "$KPORT"
	printf 'outbound_proxy = sip:127.0.0.1:%d;lr\npassword = %s\n' "$KPORT" "$3"
}
{
	printf '[general]\nrtp_ports = %d-%d\n' "$RTP_LO" "$RTP_HI"
	account alice "$SIP_BASE" secret
	echo "source = tone:440"
	account bob $((SIP_BASE + 1)) secret
	echo "source = tone:660"
	echo "answer = auto"
	account dave $((SIP_BASE + 2)) Zq7-wrong-pw
} >"$CONF"
cat >"$FLOW" <<FLOW
alice: expect registered 10s
bob:   expect registered 10s
dave:  expect reg_failed 401 10s
alice: options sip:127.0.0.1:$KPORT
alice: call sip:bob@127.0.0.1
alice: expect established 10s
alice: wait 2s
alice: hangup
alice: expect terminated 5s
bob:   expect terminated 10s
bob:   unregister
bob:   wait 1s
alice: wait 1500ms
alice: call sip:bob@127.0.0.1
alice: expect terminated 404 10s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW"
sipflow_wait
[ "$RC" -eq 0 ] || {
	tail -n 30 "$SCRATCH/kamailio.log"
	grep -v 'rtp.stats\|"sdp' "$EV" | tail -n 40
	fail "sipflow exit status $(rc_words "$RC")"
}

for u in alice bob; do
	expect_count "$EV" ".ua==\"$u\" and .ev==\"reg.state\" and
		.state==\"registered\" and .expires > 0" 1 "$u registered"
	expect_min "$EV" ".ua==\"$u\" and .ev==\"sip.rx\" and
		.first_line==\"SIP/2.0 401 Unauthorized\"" 1 "$u was challenged"
done
expect_count "$EV" '.ua=="alice" and .ev=="options.result" and .code==200' 1 \
	"kamailio answered the OPTIONS"
expect_min "$EV" '.ua=="alice" and .ev=="sip.rx" and
	.first_line=="SIP/2.0 407 Proxy Authentication Required"' 2 \
	"kamailio challenged the OPTIONS and the INVITE"
expect_count "$EV" '.ua=="bob" and .ev=="call.state" and .state=="established"' 1 \
	"bob answered the call kamailio routed"
expect_media "$EV" alice PCMU/8000 0 50 bob
expect_media "$EV" bob PCMU/8000 0 50 alice
expect_count "$EV" '.ua=="alice" and .ev=="call.state" and .state=="terminated"
	and .code==404' 1 "after bob's de-REGISTER, kamailio no longer finds him"
expect_count "$EV" '.ua=="dave" and .ev=="reg.state" and .state=="failed" and
	.code==401 and (.reason|test("credentials were refused"))' 1 \
	"dave: one clear failure"
expect_count "$EV" '.ua=="dave" and .ev=="sip.tx" and .retrans==false and
	(.first_line|startswith("REGISTER "))' 2 "dave: no retry storm"
if grep -q "Zq7-wrong-pw" "$EV" "$ERR"; then
	fail "the password appears in the events or on stderr"
fi
echo "PASS: registered, called and unregistered through kamailio with digest"
