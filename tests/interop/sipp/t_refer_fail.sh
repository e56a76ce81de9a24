#!/bin/sh
# A blind transfer that fails, sipflow as the transferor (RFC 3515).  alice
# calls sipp and runs `transfer sip:nobody@...`; her scenario expects
# `transfer_failed 603`, waits and hangs up herself.
#  1. uas_refer_notify.xml: sipp takes the REFER (202), NOTIFYs "SIP/2.0 100
#     Trying" (active), then "SIP/2.0 603 Declined" (terminated).
#  2. uas_refer_603.xml: sipp refuses the REFER itself with 603.
# Passes when sipp exits 0 (in 1 it checks both NOTIFYs get 200 and no BYE
# comes before them) and alice's scenario passes, and her events show: the
# transfer events requested (blind, the Refer-To), [accepted 202, progress
# 100,] failed 603, in that order and nothing else (no succeeded); a 200 to
# each NOTIFY; an `error` what=="transfer"; the call up, still sending, until
# her own hangup: no BYE and no terminated before that step.
. "$srcdir/tests/lib.sh"
ports_for 51
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

# is A OP B: compare two decimal numbers (awk), e.g. is "$x" "<" 1.5
is() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }

TARGET="sip:nobody@127.0.0.1:$((PEER_PORT + 3))"
A='.ua=="alice"'
X="$A"' and .ev=="transfer"'

sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
alice: call sip:service@127.0.0.1:$PEER_PORT
alice: expect established 10s
alice: transfer $TARGET
alice: expect transfer_failed 603 15s
alice: wait 2s
alice: hangup
alice: expect terminated 5s
FLOW

# run_case XML WHAT: the call, the transfer, the checks common to both.
run_case() {
	sipp_start "${1%.xml}" "$1"
	wait_udp "$PEER_PORT" 5 || fail "$2: sipp did not bind 127.0.0.1:$PEER_PORT"
	run_sipflow sipflow -c "$CONF" -s "$FLOW"
	sipp_wait 10
	[ "$SIPP_RC" -eq 0 ] || fail "$2: sipp ($1): $(rc_sipp "$SIPP_RC")"
	[ "$RC" -eq 0 ] || fail "$2: sipflow exit status $(rc_words "$RC") (expect transfer_failed 603?)"
	expect_count "$EVENTS" '.ev=="scenario.fail"' 0 "$2: alice's scenario passes"

	seq=$(jq -r "select($X) | \"\(.role)/\(.state)/\(.code)\"" "$EVENTS" | tr '\n' ' ' | sed 's/ $//')
	echo "$2: transfer events: $seq"
	jq -c "select($X)" "$EVENTS"
	req=$(jq -c "select($X and .state==\"requested\")" "$EVENTS")
	[ "$(echo "$req" | jq -r .reason)" = blind ] || fail "$2: requested is not blind: $req"
	# the Refer-To URI, without angle brackets
	[ "$(echo "$req" | jq -r .target)" = "$TARGET" ] ||
		fail "$2: requested target is not $TARGET: $req"
	fl=$(jq -c "select($X and .state==\"failed\")" "$EVENTS")
	[ "$(echo "$fl" | jq -r .reason)" = Declined ] || fail "$2: failed reason is not 'Declined': $fl"
	expect_min "$EVENTS" "$A"' and .ev=="error" and .what=="transfer"' 1 "$2: an error what==transfer"

	# the call goes on: no BYE, no end, RTP still sent, until the hangup step
	t_hup=$(jq -r "select($A and .ev==\"scenario.step\" and (.text|test(\": hangup\$\"))) | .t" "$EVENTS")
	t_fail=$(echo "$fl" | jq -r .t)
	[ -n "$t_hup" ] || fail "$2: the scenario never reached its hangup"
	t_bye=$(jq -r "select($A and .ev==\"sip.tx\" and (.first_line|startswith(\"BYE \"))) | .t" "$EVENTS" | head -n 1)
	t_end=$(last_field "$EVENTS" "$A"' and .ev=="call.state" and .state=="terminated"' t)
	echo "$2: failed at $t_fail, hangup step at $t_hup, BYE at $t_bye, terminated at $t_end"
	is "$t_bye" ">=" "$t_hup" || fail "$2: alice sent BYE at $t_bye, before her hangup at $t_hup"
	is "$t_end" ">=" "$t_hup" || fail "$2: the call ended at $t_end, before the hangup at $t_hup"
	expect_count "$EVENTS" "$A"' and .ev=="call.state" and .state=="terminated"' 1 "$2: terminated once"
	[ "$(last_field "$EVENTS" "$A"' and .ev=="call.state" and .state=="terminated"' by)" = local ] ||
		fail "$2: the call did not end by alice's hangup"
	# the stats of the 2 s between the failure and the hangup (one a second)
	tx0=$(jq -r "select($A and .ev==\"rtp.stats\" and .t > $t_fail) | .tx_pkts" "$EVENTS" | head -n 1)
	tx1=$(jq -r "select($A and .ev==\"rtp.stats\" and .t <= $t_hup) | .tx_pkts" "$EVENTS" | tail -n 1)
	[ -n "$tx0" ] && [ "$((tx1 - tx0))" -ge 25 ] ||
		fail "$2: alice sent $((tx1 - ${tx0:-0})) packets in the 2 s after the failure: media stopped"
}

# --- 1. NOTIFY 100, then NOTIFY 603 -------------------------------------
run_case uas_refer_notify.xml "NOTIFY 603"
[ "$seq" = "transferor/requested/0 transferor/accepted/202 transferor/progress/100 transferor/failed/603" ] ||
	fail "NOTIFY 603: transfer events '$seq', expected requested, accepted 202, progress 100, failed 603"
for c in 1 2; do
	expect_count "$EVENTS" "$A and .ev==\"sip.tx\" and .cseq==\"$c NOTIFY\" and
		(.first_line|startswith(\"SIP/2.0 200\")) and .retrans==false" 1 \
		"NOTIFY 603: alice answers NOTIFY #$c with one 200"
done
t_n2=$(jq -r "select($A and .ev==\"sip.rx\" and .cseq==\"2 NOTIFY\") | .t" "$EVENTS" | head -n 1)
is "$t_fail" ">=" "$t_n2" || fail "NOTIFY 603: failed ($t_fail) before the final NOTIFY ($t_n2)"
cp "$EVENTS" "$SCRATCH/notify603.jsonl"

# --- 2. the REFER itself answered 603 ------------------------------------
run_case uas_refer_603.xml "REFER 603"
[ "$seq" = "transferor/requested/0 transferor/failed/603" ] ||
	fail "REFER 603: transfer events '$seq', expected requested, failed 603"
expect_count "$EVENTS" "$A"' and .ev=="sip.rx" and (.first_line|startswith("SIP/2.0 603")) and
	(.cseq|endswith(" REFER"))' 1 "REFER 603: alice gets the 603 to her REFER"
expect_count "$EVENTS" "$A"' and .ev=="sip.rx" and (.first_line|startswith("NOTIFY "))' 0 \
	"REFER 603: no NOTIFY"

echo "PASS: transfer failed with 603 (by NOTIFY and by the REFER's answer), call kept until the hangup"
exit 0
