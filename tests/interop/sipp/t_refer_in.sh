#!/bin/sh
# sipflow as the transferee (RFC 3515): sipp (uac_refer.xml) calls bob
# (answer = auto, refer = accept) and REFERs him to carol, a second
# sipflow instance (answer = auto).  Passes when sipp exits 0 (it checks
# the 202, the first NOTIFY "SIP/2.0 100 Trying" (Event: refer, active,
# message/sipfrag), any provisional ones, and a final "SIP/2.0 200", each
# answered 200) and: the final NOTIFY says Subscription-State terminated;
# bob's events show 202 sent, transferee calling (blind, carol's URI, the
# new call), succeeded 200 on the new call, bob's old call ended by sipp's
# BYE; carol was called by bob and answered.
# sipflow logs no headers, so a second run REFERs bob to a second sipp
# (uas_refer_target.xml, which wants a Referred-By): the same checks, and
# the Referred-By bob sent must be the REFER's (compared in the sipp logs).
. "$srcdir/tests/lib.sh"
ports_for 57
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

B='.ua=="bob"'
CAROL="sip:1003@127.0.0.1:$((SIP_BASE + 1))"

cat >"$CONF" <<EOF
[general]
rtp_ports = $RTP_LO-$RTP_HI

[bob]
user = 1002
port = $SIP_BASE
codecs = PCMU, PCMA, telephone-event
answer = auto
refer = accept
source = tone:440

[carol]
user = 1003
port = $((SIP_BASE + 1))
codecs = PCMU, PCMA, telephone-event
answer = auto
source = tone:660
EOF

# check_transferee TARGET: bob took the REFER and called TARGET.
check_transferee() {
	expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and .cseq=="2 REFER" and
		(.first_line|startswith("SIP/2.0 202"))' 1 "bob accepts the REFER with 202"
	jq -c "select($B and .ev==\"transfer\")" "$EVENTS"
	calling=$(jq -c "select($B and .ev==\"transfer\" and .role==\"transferee\" and .state==\"calling\")" "$EVENTS")
	[ -n "$calling" ] || fail "no transfer calling event from bob"
	[ "$(echo "$calling" | jq -r .call)" = c1 ] || fail "transferee calling is not about the referred call c1: $calling"
	[ "$(echo "$calling" | jq -r .reason)" = blind ] || fail "transferee calling is not blind: $calling"
	[ "$(echo "$calling" | jq -r .target)" = "$1" ] || fail "bob calls '$(echo "$calling" | jq -r .target)', not $1"
	NEWCALL=$(echo "$calling" | jq -r .other)
	[ -n "$NEWCALL" ] && [ "$NEWCALL" != c1 ] && [ "$NEWCALL" != null ] ||
		fail "transferee calling names no new call: $calling"
	expect_count "$EVENTS" "$B and .ev==\"transfer\" and .call==\"$NEWCALL\" and .role==\"transferee\" and
		.state==\"succeeded\" and .code==200" 1 "the transfer succeeded (200) on $NEWCALL"
	expect_count "$EVENTS" "$B"' and .ev=="transfer" and .state=="failed"' 0 "no failed transfer"
	expect_count "$EVENTS" "$B and .ev==\"call.state\" and .call==\"$NEWCALL\" and .state==\"established\"" 1 \
		"bob's new call $NEWCALL is established"
	old_end=$(jq -c "select($B and .ev==\"call.state\" and .call==\"c1\" and .state==\"terminated\")" "$EVENTS")
	[ "$(echo "$old_end" | jq -r .by)" = remote ] || fail "bob's old call did not end by sipp's BYE: $old_end"

	# NOTIFYs: sent in the old dialog; the first 100, the last 200 + terminated
	n=$(count_ev "$EVENTS" "$B"' and .ev=="sip.tx" and (.first_line|startswith("NOTIFY ")) and .retrans==false')
	[ "$n" -ge 2 ] || fail "bob sent $n NOTIFYs, expected at least 2 (100, final)"
	expect_count "$EVENTS" "$B"' and .ev=="sip.rx" and (.cseq|endswith(" NOTIFY")) and
		(.first_line|startswith("SIP/2.0 200"))' "$n" "sipp's 200 to each of bob's $n NOTIFYs"
	last_notify=$(awk '/^NOTIFY /{m=""} /^NOTIFY /,/^SIP\/2.0 [0-9]+ /{m=m $0 "\n"} END{printf "%s", m}' \
		"$SIPP_LOG.messages.log" | tr -d '\r')
	echo "$last_notify" | grep -qi '^Subscription-State: *terminated' ||
		fail "bob's final NOTIFY is not Subscription-State: terminated: $last_notify"
	echo "$last_notify" | grep -q '^SIP/2.0 200' || fail "bob's final NOTIFY is not SIP/2.0 200: $last_notify"
}

# --- 1. REFER to carol, a sipflow instance ----------------------------------
cat >"$FLOW" <<FLOW
bob: expect incoming 15s
bob: expect established 5s
bob: expect referred 15s
carol: expect incoming 20s
carol: expect established 10s
bob/#1: expect terminated 15s
bob: wait 1s
bob/#2: hangup
carol: expect terminated 10s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
wait_udp "$((SIP_BASE + 1))" 5 || fail "sipflow did not bind 127.0.0.1:$((SIP_BASE + 1))"
sipp_start uac_refer uac_refer.xml -s 1002 -set referto "$CAROL" "127.0.0.1:$SIP_BASE"
sipp_wait 45
sipflow_wait
[ "$SIPP_RC" -eq 0 ] || fail "to carol: sipp (uac_refer.xml): $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "to carol: sipflow exit status $(rc_words "$RC")"
check_transferee "$CAROL"
expect_count "$EVENTS" '.ua=="carol" and .ev=="call.state" and .state=="established"' 1 "carol answers"
expect_min "$EVENTS" "$B and .ev==\"sip.tx\" and (.first_line|startswith(\"INVITE sip:1003@\")) and
	.remote==\"127.0.0.1:$((SIP_BASE + 1))/UDP\"" 1 "bob's INVITE to carol"
cp "$EVENTS" "$SCRATCH/to_carol.jsonl"
echo "to carol: transferred, new call $NEWCALL"

# --- 2. REFER to a sipp target, which checks the Referred-By ----------------
TPORT=$((PEER_PORT + 1))
TARGET="sip:target@127.0.0.1:$TPORT"
cat >"$FLOW" <<FLOW
bob: expect incoming 15s
bob: expect established 5s
bob: expect referred 15s
bob/#1: expect terminated 15s
bob: wait 1s
bob/#2: hangup
FLOW
sipp_start uas_refer_target uas_refer_target.xml -p "$TPORT" -mp "$((PEER_RTP + 10))" \
	-cp "$((PEER_PORT + 6))"
TARGET_PID=$SIPP_PID TARGET_LOG=$SIPP_LOG
wait_udp "$TPORT" 5 || fail "the target sipp did not bind 127.0.0.1:$TPORT"
sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_refer2 uac_refer.xml -s 1002 -set referto "$TARGET" "127.0.0.1:$SIP_BASE"
sipp_wait 45
[ "$SIPP_RC" -eq 0 ] || fail "to sipp: the transferor sipp (uac_refer.xml): $(rc_sipp "$SIPP_RC")"
sipflow_wait
[ "$RC" -eq 0 ] || fail "to sipp: sipflow exit status $(rc_words "$RC")"
SIPP_PID=$TARGET_PID SIPP_LOG=$TARGET_LOG
sipp_wait 10
[ "$SIPP_RC" -eq 0 ] ||
	fail "to sipp: the target sipp (uas_refer_target.xml: Referred-By): $(rc_sipp "$SIPP_RC")"
SIPP_LOG="$SCRATCH/uac_refer2"
check_transferee "$TARGET"
# the Referred-By of the INVITE the target got is the REFER's
rby=$(tr -d '\r' <"$SIPP_LOG.messages.log" | sed -n 's/^Referred-By: *//p' | head -n 1)
tby=$(tr -d '\r' <"$TARGET_LOG.messages.log" | sed -n 's/^Referred-By: *//p' | head -n 1)
echo "REFER's Referred-By: $rby; the target's INVITE: $tby"
[ -n "$tby" ] || fail "bob's INVITE to the target has no Referred-By"
[ "$tby" = "$rby" ] || fail "bob's INVITE has Referred-By '$tby', the REFER had '$rby'"

echo "PASS: REFER accepted (202, NOTIFY 100 .. 200 terminated), transferee called the target with Referred-By"
exit 0
