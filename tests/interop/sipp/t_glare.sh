#!/bin/sh
# Re-INVITE glare (RFC 3261 14.1) against sipp, both ways round:
#  1. alice calls sipp (uas_glare.xml): alice owns the Call-ID;
#  2. sipp calls bob (uac_glare.xml): sipp owns it.
# In each, the sipflow side runs `hold`; sipp keeps that re-INVITE pending,
# sends its own re-INVITE and then answers the hold with 491.  Passes when
# sipp exits 0 (it checks sipflow answers its re-INVITE with 491 and retries
# the hold, still a=sendonly, which it accepts with a=recvonly) and the
# events show: one 491 sent (to sipp's CSeq) and one received; the retry
# (the next INVITE sent) inside 14.1's window for the side that retries,
# measured from the 491 received (owner: 2.1-4 s; not owner: 0-2 s); no
# `error` for the 491; the call held (hold "local") after the retry's 200,
# until the hangup; media started once.
. "$srcdir/tests/lib.sh"
ports_for 50
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

# is A OP B: compare two decimal numbers (awk), e.g. is "$x" "<" 1.5
is() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }

# check_glare UA SIPP_CSEQ LO HI WHO: the assertions above for UA, whose
# peer's re-INVITE had CSeq SIPP_CSEQ and whose retry must come LO..HI s
# after the 491 (WHO says why, for the messages).
check_glare() {
	U=".ua==\"$1\""
	expect_count "$EVENTS" "$U and .ev==\"sip.tx\" and (.first_line|startswith(\"SIP/2.0 491\"))" 1 \
		"$1 answers sipp's crossing re-INVITE with one 491"
	c=$(last_field "$EVENTS" "$U and .ev==\"sip.tx\" and (.first_line|startswith(\"SIP/2.0 491\"))" cseq)
	[ "$c" = "$2" ] || fail "$1's 491 answers CSeq '$c', not sipp's re-INVITE ($2)"
	expect_count "$EVENTS" "$U and .ev==\"sip.rx\" and (.first_line|startswith(\"SIP/2.0 491\"))" 1 \
		"$1 gets sipp's 491"
	expect_count "$EVENTS" "$U and .ev==\"sip.tx\" and .cseq==\"$2\" and
		(.first_line|startswith(\"SIP/2.0 2\"))" 0 "$1 does not accept sipp's crossing re-INVITE"

	t491=$(last_field "$EVENTS" "$U and .ev==\"sip.rx\" and (.first_line|startswith(\"SIP/2.0 491\"))" t)
	hold_cseq=$(last_field "$EVENTS" "$U and .ev==\"sip.rx\" and (.first_line|startswith(\"SIP/2.0 491\"))" cseq)
	retry=$(jq -c "select($U and .ev==\"sip.tx\" and (.first_line|startswith(\"INVITE \")) and
		.retrans==false and .t >= $t491)" "$EVENTS" | head -n 1)
	[ -n "$retry" ] || fail "$1 never retried its re-INVITE after the 491 at $t491"
	t_retry=$(echo "$retry" | jq -r .t)
	n_old=${hold_cseq%% *}
	n_new=$(echo "$retry" | jq -r .cseq | cut -d' ' -f1)
	[ "$n_new" -gt "$n_old" ] || fail "$1's retry has CSeq $n_new, not above the refused $n_old"
	delay=$(awk -v a="$t_retry" -v b="$t491" 'BEGIN { printf "%.3f", a - b }')
	echo "$1: 491 received at $t491 (CSeq $hold_cseq), retry at $t_retry (CSeq $n_new): ${delay} s ($5)"
	# The one tight timing of these tests.  RFC 3261 14.1: the Call-ID's
	# owner waits 2.1-4 s, the other side 0-2 s; libre waits 3 s or 1 s,
	# so either bound leaves 0.9-1 s for the machine.  Both ends are
	# sipflow's own events on its own clock, so only a stall of sipflow
	# itself longer than that could move the retry out.
	is "$delay" ">=" "$3" || fail "$1 retried after $delay s, before RFC 3261 14.1's $3 s ($5)"
	is "$delay" "<=" "$4" || fail "$1 retried after $delay s, later than RFC 3261 14.1's $4 s ($5)"

	expect_count "$EVENTS" "$U and .ev==\"error\" and .what==\"modify\"" 0 \
		"a 491 is no refusal (no error what==modify)"
	expect_count "$EVENTS" "$U and .ev==\"media.start\"" 1 "$1's media starts once"
	expect_count "$EVENTS" "$U and .ev==\"call.state\" and .state==\"established\"" 1 \
		"$1 established once (the glare changes no state)"
	expect_count "$EVENTS" "$U and .ev==\"call.state\" and .state==\"held\"" 1 "$1 held once"
	held=$(jq -c "select($U and .ev==\"call.state\" and .state==\"held\")" "$EVENTS")
	[ "$(echo "$held" | jq -r .hold)" = local ] || fail "$1 held, but not hold=local: $held"
	is "$(echo "$held" | jq -r .t)" ">=" "$t_retry" || fail "$1 held before its retry was sent: $held"
	st=$(states "$EVENTS" "$1")
	echo "$1 states: $st"
	case $st in
	*" held terminated") ;;
	*) fail "$1 states '$st': the call is not held until the hangup" ;;
	esac
	[ "$(last_field "$EVENTS" "$U and .ev==\"call.state\" and .state==\"terminated\"" by)" = local ] ||
		fail "$1's call did not end by its own hangup"
}

HOLD_FLOW='expect established 10s
hold
expect held 20s
wait 1s
hangup
expect terminated 5s'

# --- 1. alice calls sipp: alice owns the Call-ID ---------------------------
sipflow_conf alice 1001 manual "PCMU, PCMA, telephone-event"
{
	echo "alice: call sip:service@127.0.0.1:$PEER_PORT"
	echo "$HOLD_FLOW" | sed 's/^/alice: /'
} >"$FLOW"
sipp_start uas_glare uas_glare.xml
wait_udp "$PEER_PORT" 5 || fail "sipp did not bind 127.0.0.1:$PEER_PORT"
run_sipflow sipflow -c "$CONF" -s "$FLOW"
sipp_wait 10
[ "$SIPP_RC" -eq 0 ] || fail "owner case: sipp (uas_glare.xml): $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "owner case: sipflow exit status $(rc_words "$RC")"
check_glare alice "1 INVITE" 2.1 4.0 "alice placed the call: owner"
cp "$EVENTS" "$SCRATCH/owner.jsonl"

# --- 2. sipp calls bob: sipp owns the Call-ID ------------------------------
sipflow_conf bob 1002 auto "PCMU, PCMA, telephone-event"
{
	echo "bob: expect incoming 15s"
	echo "$HOLD_FLOW" | sed 's/^/bob: /'
} >"$FLOW"
sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_glare uac_glare.xml -s 1002 "127.0.0.1:$SIP_BASE"
sipp_wait 45
sipflow_wait
[ "$SIPP_RC" -eq 0 ] || fail "not-owner case: sipp (uac_glare.xml): $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "not-owner case: sipflow exit status $(rc_words "$RC")"
check_glare bob "2 INVITE" 0 2.0 "sipp placed the call: bob is not the owner"

echo "PASS: glare both ways: 491 sent and received, retried inside RFC 3261 14.1's windows, call held"
exit 0
