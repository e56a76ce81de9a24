#!/bin/sh
# The peer sends UPDATE (RFC 3311) in an established call (uac_update.xml):
# sipp calls bob (answer = auto), then UPDATEs with a=sendonly, a=sendrecv,
# no body, G.729 only, a foreign To-tag and a foreign Call-ID.  Passes when
# sipp exits 0 (it checks each 200 has a Contact, the SDP answers say
# a=recvonly and a=sendrecv, the bodiless one has no body, G.729 gets 488
# with Warning: 305, the foreign To-tag gets 481) and
# bob's events show: a 200 to each in-dialog UPDATE (no 501), bob
# remote_held (hold "remote") and established again, bob not sending while
# held, no SDP exchanged for the bodiless UPDATE, one `error` what=="modify"
# and no media change for the G.729 one, a 481 for the foreign Call-ID
# too, media started once and the call up until sipp's BYE.
. "$srcdir/tests/lib.sh"
ports_for 49
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

# is A OP B: compare two decimal numbers (awk), e.g. is "$x" "<" 1.5
is() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }
# sdp_after T: the first SDP bob sent at or after time T, without CRs.
sdp_after() {
	jq -c "select(.ua==\"bob\" and .ev==\"sdp.local\" and .t >= $1)" "$EVENTS" |
		head -n 1 | jq -r .sdp | tr -d '\r'
}
# rx_t CSEQ: when bob received the request with that CSeq.
rx_t() {
	jq -r "select(.ua==\"bob\" and .ev==\"sip.rx\" and .cseq==\"$1\") | .t" "$EVENTS" |
		head -n 1
}

sipflow_conf bob 1002 auto "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
bob: expect incoming 15s
bob: expect established 5s
bob: expect remote_held 10s
bob: expect established 10s
bob: expect terminated 20s
FLOW

sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_update uac_update.xml -s 1002 -rtp_echo "127.0.0.1:$SIP_BASE"
sipp_wait 45
sipflow_wait

[ "$SIPP_RC" -eq 0 ] || fail "sipp (uac_update.xml: 200s with Contact and SDP, 481): $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

B='.ua=="bob"'
expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and (.first_line|startswith("SIP/2.0 501"))' 0 \
	"no 501 (UPDATE is not unknown)"
for c in 2 3 4; do
	expect_count "$EVENTS" "$B and .ev==\"sip.tx\" and .cseq==\"$c UPDATE\" and
		(.first_line|startswith(\"SIP/2.0 200\")) and .retrans==false" 1 \
		"bob answers UPDATE #$c with one 200"
done
expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and .cseq=="5 UPDATE" and
	.first_line=="SIP/2.0 488 Not Acceptable Here"' 1 "488 to the UPDATE offering only G.729"
expect_count "$EVENTS" "$B"' and .ev=="error" and .what=="modify"' 1 \
	"one error what==modify (the G.729 UPDATE)"
t5=$(rx_t "5 UPDATE")
[ -n "$t5" ] || fail "bob never received the G.729 UPDATE"
expect_count "$EVENTS" "$B and .ev==\"media.update\" and .t >= $t5" 0 \
	"the refused UPDATE changes no media"
expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and .cseq=="6 UPDATE" and
	(.first_line|startswith("SIP/2.0 481"))' 1 "481 to the UPDATE with a foreign To-tag"
callid=$(last_field "$EVENTS" "$B"' and .ev=="call.state"' sip_callid)
expect_min "$EVENTS" "$B and .ev==\"sip.rx\" and .cseq==\"7 UPDATE\" and
	.sip_callid==\"stray-$callid\"" 1 "bob receives the UPDATE with Call-ID stray-$callid"
expect_min "$EVENTS" "$B and .ev==\"sip.tx\" and .cseq==\"7 UPDATE\" and
	.sip_callid==\"stray-$callid\" and (.first_line|startswith(\"SIP/2.0 481\"))" 1 \
	"481 to the UPDATE with a foreign Call-ID"
# and sipp really got it (it discards it: no call of its own has that Call-ID)
grep -q "^SIP/2.0 481" "$SIPP_LOG.messages.log" ||
	fail "sipp's message log shows no 481"
[ "$(grep -c '^SIP/2.0 481' "$SIPP_LOG.messages.log")" -ge 2 ] ||
	fail "sipp received $(grep -c '^SIP/2.0 481' "$SIPP_LOG.messages.log") 481s, expected 2 (To-tag, Call-ID)"

# --- the states and the SDP answers -------------------------------------
st=$(states "$EVENTS" bob)
echo "bob states: $st"
[ "$st" = "incoming established remote_held established terminated" ] ||
	fail "bob states '$st', expected: incoming established remote_held established terminated"
hold=$(last_field "$EVENTS" "$B"' and .ev=="call.state" and .state=="remote_held"' hold)
[ "$hold" = remote ] || fail "remote_held carries hold '$hold', expected remote"

t2=$(rx_t "2 UPDATE")
t3=$(rx_t "3 UPDATE")
t4=$(rx_t "4 UPDATE")
[ -n "$t2" ] && [ -n "$t3" ] && [ -n "$t4" ] || fail "bob missed an UPDATE (at '$t2' '$t3' '$t4')"
a2=$(sdp_after "$t2")
echo "$a2" | grep -q '^a=recvonly$' || fail "bob's answer to a=sendonly is not a=recvonly: $a2"
a3=$(sdp_after "$t3")
echo "$a3" | grep -q '^a=sendrecv$' || fail "bob's answer to a=sendrecv is not a=sendrecv: $a3"
expect_count "$EVENTS" "$B and (.ev==\"sdp.local\" or .ev==\"sdp.remote\") and .t >= $t4 and .t < $t5" 0 \
	"no SDP either way for the bodiless UPDATE"
t_held=$(last_field "$EVENTS" "$B"' and .ev=="call.state" and .state=="remote_held"' t)
t_back=$(jq -r "select($B and .ev==\"call.state\" and .state==\"established\") | .t" "$EVENTS" | tail -n 1)
is "$t_held" ">=" "$t2" || fail "remote_held ($t_held) before the sendonly UPDATE ($t2)"
is "$t_back" ">=" "$t3" || fail "established again ($t_back) before the sendrecv UPDATE ($t3)"

# --- media: one stream; silent while held, sending after ------------------
expect_count "$EVENTS" "$B"' and .ev=="media.start"' 1 "media starts once"
expect_count "$EVENTS" "$B"' and .ev=="media.start" and .codec=="PCMU/8000"' 1 "media is PCMU"
# the stats of the second inside the hold (t2 + 1 .. t3) say recvonly and no packets went out
h0=$(jq -c "select($B and .ev==\"rtp.stats\" and .t > $t2 + 0.3 and .t < $t3)" "$EVENTS" | head -n 1)
h1=$(jq -c "select($B and .ev==\"rtp.stats\" and .t < $t3)" "$EVENTS" | tail -n 1)
echo "held: $h0"
echo "      $h1"
[ -n "$h0" ] || fail "no rtp.stats inside the 2 s hold"
[ "$(echo "$h1" | jq -r .dir)" = recvonly ] || fail "the stream is not recvonly while held: $h1"
sent=$(( $(echo "$h1" | jq -r .tx_pkts) - $(echo "$h0" | jq -r .tx_pkts) ))
[ "$sent" -le 2 ] || fail "bob sent $sent packets while the peer held the call (a=recvonly)"
last=$(jq -c "select($B and .ev==\"rtp.stats\")" "$EVENTS" | tail -n 1)
echo "last: $last"
[ "$(echo "$last" | jq -r .dir)" = sendrecv ] || fail "the stream is not sendrecv after the resume: $last"
after=$(( $(echo "$last" | jq -r .tx_pkts) - $(echo "$h1" | jq -r .tx_pkts) ))
[ "$after" -ge 50 ] || fail "bob sent only $after packets in the ~2 s after the resume"

expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and (.first_line|startswith("BYE "))' 0 \
	"bob sends no BYE"
[ "$(last_field "$EVENTS" "$B"' and .ev=="call.state" and .state=="terminated"' by)" = remote ] ||
	fail "the call did not end by sipp's BYE"

echo "PASS: UPDATE hold/resume/refresh answered 200 with Contact, G.729 488, 481 outside the dialog"
exit 0
