#!/bin/sh
# A sipp UAS behind a sipflow PBX instance, alice (registered, digest)
# calling it by a prefix route:
#  1. uas_200x4.xml sends its 200 OK four times: the PBX's callee leg ACKs
#     every copy (sipp counts 4), starts its media once, never a second
#     bind (one media.start per leg, no media.update), the caller is
#     answered once, and alice hears her own tone back through the relay
#     from sipp's RTP echo;
#  2. uas_busy.xml rings, then answers 486: alice gets 180, then 486, and
#     the CDR says BUSY, hung up by the callee.
. "$srcdir/tests/lib.sh"
ports_for 62
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

PBX=$SIP_BASE
{
	pbx_conf "account = 1001:alice-secret" \
		"route = 8 sip:{rest}@127.0.0.1:$PEER_PORT" \
		"cdr = $SCRATCH/cdr.csv"
	pbx_phone alice 1001 1 alice-secret "source = tone:440" \
		"record = on" "record_mode = stereo"
} >"$CONF"

cat >"$FLOW" <<'FLOW'
alice: expect registered 5s
alice: call 8200
alice: expect established 5s
# the 200 OK copies arrive during the first ~1.6 s
alice: wait 4s
alice: hangup
alice: expect terminated 5s
FLOW

sipp_start uas_200x4 uas_200x4.xml -rtp_echo
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
sipflow_start sipflow -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "200 OK x4 through the PBX" 0

grep -q '^ACKS=4\.0' "$SIPP_LOG.logs.log" ||
	fail "sipp did not count 4 ACKs: $(grep '^ACKS=' "$SIPP_LOG.logs.log" || echo none)"
B=$(last_field "$EVENTS" '.ev=="pbx.route"' leg)
A=$(last_field "$EVENTS" '.ev=="pbx.route"' call)
[ "$(last_field "$EVENTS" '.ev=="pbx.route"' target)" = "sip:200@127.0.0.1:$PEER_PORT" ] ||
	fail "route target $(last_field "$EVENTS" '.ev=="pbx.route"' target)"
expect_count "$EVENTS" ".ev==\"sip.rx\" and .ua==\"pbx\" and (.first_line|startswith(\"SIP/2.0 200\")) and (.cseq|endswith(\"INVITE\"))" 4 \
	"the PBX got four 200 OKs"
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("ACK sip:sipp@"))' 4 \
	"the PBX ACKed each"
for leg in "$A" "$B"; do
	expect_count "$EVENTS" ".ev==\"media.start\" and .call==\"$leg\"" 1 "one relay start on $leg"
	expect_count "$EVENTS" ".ev==\"media.update\" and .call==\"$leg\"" 0 "no media change on $leg"
	expect_count "$EVENTS" ".ev==\"call.state\" and .call==\"$leg\" and .state==\"established\"" 1 \
		"$leg established once"
done
expect_count "$EVENTS" '.ev=="error"' 0 "no error (e.g. a port already in use)"
S=".ev==\"rtp.stats\" and .call==\"$B\""
[ "$(last_field "$EVENTS" "$S" rx_pkts)" -ge 150 ] ||
	fail "the callee leg got $(last_field "$EVENTS" "$S" rx_pkts) packets from sipp's echo"
f=$(last_field "$EVENTS" '.ev=="rec.start" and .ua=="alice"' path)
got=$(peak_hz "$f" remix 1 trim 1 2)
near "$got" 440 || fail "alice heard $got Hz back through the PBX, expected her 440 Hz echoed"
[ "$(last_field "$EVENTS" '.ev=="cdr"' disposition)" = ANSWERED ] || fail "cdr of the 200x4 call"

# 2: busy
cat >"$FLOW" <<'FLOW'
alice: expect registered 5s
alice: call 8300
alice: expect ringing 5s
alice: expect terminated 486 5s
FLOW
sipp_start uas_busy uas_busy.xml
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
sipflow_start sipflow -c "$CONF" -s "$FLOW"
sipflow_sipp_wait "a busy callee behind the PBX" 0
B=$(last_field "$EVENTS" '.ev=="pbx.route"' leg)
expect_count "$EVENTS" ".ev==\"call.state\" and .call==\"$B\" and .state==\"terminated\" and .code==486" 1 \
	"the callee leg got 486"
expect_count "$EVENTS" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("SIP/2.0 486"))' 1 \
	"the PBX passed 486 to alice"
[ "$(last_field "$EVENTS" '.ev=="cdr"' disposition)/$(last_field "$EVENTS" '.ev=="cdr"' hangup_side)" = BUSY/callee ] ||
	fail "cdr: $(last_field "$EVENTS" '.ev=="cdr"' disposition)/$(last_field "$EVENTS" '.ev=="cdr"' hangup_side)"
[ "$(wc -l <"$SCRATCH/cdr.csv")" -eq 3 ] || fail "cdr file: $(cat "$SCRATCH/cdr.csv")"
echo "PASS: 200 OK x4 -> 4 ACKs, one relay per leg; busy passed back"
