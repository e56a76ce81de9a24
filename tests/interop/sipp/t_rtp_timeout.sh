#!/bin/sh
# sipp answers but sends no RTP: with rtp_timeout = 2s, alice ends the call
# herself with BYE, code 408, reason "rtp timeout".
. "$srcdir/tests/lib.sh"
ports_for 15
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
echo "rtp_timeout = 2s" >>"$CONF"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect established 5s
alice: expect terminated 408 6s
FLOW

sipp_start uas_silent uas_basic.xml   # no -rtp_echo: silence
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10

[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
[ "$SIPP_RC" -eq 0 ] || fail "sipp exit status $(rc_sipp "$SIPP_RC") (did it get a BYE?)"
expect_count "$EVENTS" '.ev=="call.state" and .state=="terminated" and .reason=="rtp timeout" and .by=="local"' 1 \
	"terminated by the RTP timeout"
t_est=$(last_field "$EVENTS" '.ev=="call.state" and .state=="established"' t)
t_end=$(last_field "$EVENTS" '.ev=="call.state" and .state=="terminated"' t)
# 2 s timeout, checked once a second: between 2 and 3.5 s after answer
ok=$(echo "$t_end - $t_est >= 2 && $t_end - $t_est <= 3.5" | bc -l 2>/dev/null || echo 1)
[ "$ok" = 1 ] || fail "timed out after $(echo "$t_end - $t_est" | bc -l) s, expected 2-3.5 s"
echo "PASS: rtp timeout after silence"
