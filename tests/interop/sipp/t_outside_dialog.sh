#!/bin/sh
# sipp asks an instance what no call owns: OPTIONS is answered 200 with
# Allow and Accept, MESSAGE 405, an unknown method 501, a stray CANCEL
# 481 (uac_outside.xml fails on any other answer), every request and
# answer is a sip.rx / sip.tx event naming the peer's address, each
# refusal an `error` event naming it too, and the instance still
# completes a normal call afterwards.
. "$srcdir/tests/lib.sh"
ports_for 36
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf bob 1002 auto "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
bob: expect incoming 15s
bob: expect established 5s
bob: expect terminated 10s
FLOW

sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_outside uac_outside.xml -s 1002 "127.0.0.1:$SIP_BASE" \
	-p "$PEER_PORT" -m 1
sipp_wait 20
[ "$SIPP_RC" -eq 0 ] || fail "sipp: $(rc_sipp "$SIPP_RC")"

# then a call, which the flow waits for
sipp_start uac_basic uac_offerless.xml -s 1002 "127.0.0.1:$SIP_BASE" \
	-p "$PEER_PORT" -m 1
sipp_wait 20
[ "$SIPP_RC" -eq 0 ] || fail "sipp's call: $(rc_sipp "$SIPP_RC")"
sipflow_wait
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

peer="127.0.0.1:$PEER_PORT/UDP"
for m in OPTIONS MESSAGE NEWMETHOD CANCEL; do
	expect_min "$EVENTS" ".ev==\"sip.rx\" and (.first_line|startswith(\"$m \"))
		and .remote==\"$peer\"" 1 "$m received from $peer"
done
for c in "200 OK" "405 Method Not Allowed" "501 Not Implemented" \
	"481 Transaction Does Not Exist"; do
	expect_min "$EVENTS" ".ev==\"sip.tx\" and .first_line==\"SIP/2.0 $c\"
		and .remote==\"$peer\"" 1 "$c sent to $peer"
done
for m in MESSAGE NEWMETHOD CANCEL; do
	expect_count "$EVENTS" ".ev==\"error\" and .what==\"sip\" and
		(.detail|startswith(\"$m from 127.0.0.1:$PEER_PORT refused\"))" 1 \
		"an error event for the refused $m"
done
expect_count "$EVENTS" '.ev=="error" and (.detail|test("OPTIONS"))' 0 \
	"OPTIONS is no error"
expect_count "$EVENTS" '.ev=="call.state" and .state=="established"' 1 \
	"the call after them"
echo "PASS: requests outside a dialog answered and reported"
