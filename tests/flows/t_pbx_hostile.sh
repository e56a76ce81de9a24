#!/bin/sh
# What a careless or hostile phone sends a PBX instance, from a raw SIP
# client of the test's own (tests/tools/pbx_client.py, its own digests):
# a digest for another Request-URI (400), an Expires or expires that is
# no number (400), 17 Contacts (403), a Contact URI of 300 characters
# (400), a wrong password (403), an older REGISTER of the same Call-ID
# after a newer one (500), a nonce given to one address answered from
# another (403), an INVITE with no number (484) or one a route would
# paste into a URI with an ampersand (404).  Each refusal is named in an
# `error` event; the one good REGISTER binds; the PBX goes on and exits
# cleanly.
. "$srcdir/tests/lib.sh"
ports_for 65
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

PBX=$SIP_BASE
pbx_conf "account = 1001:right" \
	"route = 9 sip:{rest}@127.0.0.1:$((SIP_BASE + 3))" >"$SCRATCH/conf"

sipflow_start pbx -c "$SCRATCH/conf"
wait_event "$EV" '.ev=="ua.ready" and .mode=="pbx"' 10 || fail "the PBX did not start"
python3 "$srcdir/tests/tools/pbx_client.py" "$PBX" "$((SIP_BASE + 1))" 1001 right \
	>"$SCRATCH/client.out" 2>&1 || { cat "$SCRATCH/client.out"; fail "the client failed"; }
kill -TERM "$SF_PID"
sipflow_wait pbx
cat "$SCRATCH/client.out"
[ "$RC" -eq 0 ] || { cat "$ERR"; fail "sipflow exited $(rc_words "$RC") after the hostile client"; }

want="register-noauth got 401
register-wrong-uri got 400
register-bad-expires got 400
register-bad-contact-expires got 400
register-17-contacts got 403
register-long-contact got 400
register-wrong-password got 403
register-ok got 200
register-ok-contact ok
register-out-of-order got 500
register-other-address got 403
invite-no-user got 484
invite-bad-number got 404"
[ "$(cat "$SCRATCH/client.out")" = "$want" ] ||
	fail "the PBX answered: $(cat "$SCRATCH/client.out")"

expect_count "$EV" '.ev=="pbx.reg" and .state=="registered"' 1 "only the good REGISTER bound"
expect_min "$EV" '.ev=="error" and .what=="auth" and (.detail|test("its digest is for sip:elsewhere.invalid"))' 1 \
	"the wrong digest URI is named"
expect_min "$EV" '.ev=="error" and .what=="auth" and (.detail|test("did not make"))' 1 \
	"the nonce from another address is named"
expect_min "$EV" '.ev=="error" and .what=="register" and (.detail|test("more than 16 contacts"))' 1 \
	"the 17 contacts are named"
expect_min "$EV" '.ev=="error" and .what=="register" and (.detail|test("older than one already applied"))' 1 \
	"the out-of-order REGISTER is named"
expect_count "$EV" '.ev=="pbx.route" and .code==484' 1 "no number: 484"
expect_count "$EV" '.ev=="pbx.route" and .code==404' 1 "a number with '&': 404, not routed"
expect_count "$EV" '.ev=="call.state" and .dir=="out"' 0 "the PBX placed no call"
echo ok
