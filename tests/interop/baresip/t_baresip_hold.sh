#!/bin/sh
# Hold and resume (RFC 3264 section 8.4) between sipflow and baresip 1.0.0,
# both ways.
#  a. sipflow alice calls baresip bob (auto answer) and holds: the
#     re-INVITE offers a=sendonly, baresip answers a=recvonly, alice reaches
#     `held` (hold "local"), her stream says dir sendonly and she keeps
#     sending (RFC 3264: sendonly still sends) while baresip, which may not
#     send to a sendonly offer, sends nothing (rx_pkts stand still; baresip's
#     own RTP summary counts ~250 packets fewer sent than received).  alice
#     resumes (a=sendrecv): established again, rx_pkts grow again.
#  b. baresip alice calls sipflow bob (answer = auto) and runs the menu's
#     `hold` command: bob answers the a=sendonly re-INVITE with a=recvonly,
#     goes `remote_held` (hold "remote"), his stream says dir recvonly and
#     his tx_pkts stand still; baresip's `resume` brings him back to
#     `established` (no hold field, dir sendrecv) and he sends again.
# (Under `make check` this runs with /bin/sh: the helpers need bash.)
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 52
. "$TESTS_DIR/interop/baresip/baresip.sh"
baresip_require
sf_require
export BARESIP_SIP_TRACE=1 # SIP messages in the baresip log
: "${SIPFLOW_TIMEOUT:=90}"
export SIPFLOW_TIMEOUT

BLOG=$SCRATCH/baresip-bob.log
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() { st=$?; [ "$st" = 1 ] && baresip_dump "$BLOG" >&2; cleanup; }
trap on_exit EXIT

# bs_sip LOG: the SIP messages of a baresip -s log, one line each:
#   SRC -> DST | FIRST LINE | CSeq: N METHOD | a=DIR...
# (baresip prints each message as "#", "UDP SRC -> DST", the message.)
bs_sip() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;]*m//g' | awk '
		function out() { if (hdr != "") print hdr " | " first " | " cseq " |" dirs }
		/^#$/ { out(); getline; hdr = $2 " -> " $4; first = ""; cseq = ""; dirs = ""; next }
		hdr != "" && first == "" { first = $0; next }
		hdr != "" && /^CSeq:/ { cseq = $0 }
		hdr != "" && /^a=(sendrecv|sendonly|recvonly|inactive)$/ { dirs = dirs " " $0 }
		END { out() }'
}

# t_of FILTER: the time (t) of the first event matching FILTER, or fail.
t_of() {
	local t
	t=$(jq -r "select($1) | .t" "$EVENTS" | head -n 1)
	[ -n "$t" ] || fail "no event matching '$1'"
	echo "$t"
}

# win UA FROM TO: UA's rtp.stats with FROM < t <= TO, summed up as
# "SPAN DTX DRX DIRS": seconds between the first and the last of them, and
# how much tx_pkts and rx_pkts grew in that time, and the dir values seen.
# Prints nothing when there are fewer than two.
win() {
	jq -rs --arg ua "$1" --argjson a "$2" --argjson b "$3" '
		[.[] | select(.ev == "rtp.stats" and .ua == $ua and .t > $a and .t <= $b)] |
		if length < 2 then empty else
		"\(.[-1].t - .[0].t) \(.[-1].tx_pkts - .[0].tx_pkts) \(.[-1].rx_pkts - .[0].rx_pkts) \(map(.dir) | unique | join(","))"
		end' "$EVENTS"
}

# check_win WHAT UA FROM TO: win, into SPAN DTX DRX DIRS, and fail unless it
# spans at least 1.5 s (two stats events at least ~1 s apart).  Also sets
# MIN, the fewest packets a sender sending at all must have sent in the span:
# half the nominal 50 packets/s, margin for a machine that stalls (the engine
# skips stalls longer than 100 ms rather than catching up).
check_win() {
	local w
	w=$(win "$2" "$3" "$4")
	[ -n "$w" ] || fail "$1: fewer than two $2 rtp.stats between t=$3 and t=$4"
	read -r SPAN DTX DRX DIRS <<<"$w"
	echo "$1: $2 over ${SPAN}s: tx +$DTX, rx +$DRX, dir $DIRS"
	[ "$(echo "$SPAN >= 1.5" | bc -l)" = 1 ] ||
		fail "$1: $2's rtp.stats between t=$3 and t=$4 span only ${SPAN}s"
	MIN=$(echo "$SPAN * 25 / 1" | bc)
}
# A peer that stopped sending may still have a few packets in flight or in
# our socket when the hold's 200 OK is handled; the windows below start
# 0.5 s after the state change, so anything left then is a stray: allow 10
# (0.2 s of audio), against the >= 75 a sender that did not stop would add.
STRAY=10

############################################################################
# a. sipflow holds baresip
baresip_setup "$SCRATCH/bob" "$PEER_PORT" "$PEER_RTP" sine:880 bob auto
baresip_start_uas "$SCRATCH/bob" "$BLOG"
sf_conf alice 1001 manual
cat >"$FLOW" <<FLOW
alice: call sip:bob@127.0.0.1:$PEER_PORT
alice: expect established 10s
alice: wait 3s
alice: hold
alice: expect held 10s
alice: wait 5s
alice: resume
alice: expect established 10s
alice: wait 5s
alice: hangup
alice: expect terminated 10s
FLOW
run_sipflow sipflow -c "$CONF" -s "$FLOW"
[ "$RC" -eq 0 ] || fail "a: sipflow exit status $(rc_words "$RC")"
baresip_wait_log "$BLOG" ': Call with .* terminated' 10 || fail "a: baresip: call did not end"
baresip_quit "$SCRATCH/bob" || fail "a: baresip exit status $?"

A=.ua==\"alice\"
st=$(states "$EVENTS" alice)
[ "$st" = "calling ringing established held established terminated" ] ||
	fail "a: alice's states '$st', expected calling ringing established held established terminated"
hold=$(last_field "$EVENTS" ".ev==\"call.state\" and $A and .state==\"held\"" hold)
[ "$hold" = local ] || fail "a: alice's held call.state has hold '$hold', expected local"
expect_count "$EVENTS" ".ev==\"sdp.local\" and $A and (.sdp|test(\"a=sendonly\"))" 1 \
	"a: alice offers a=sendonly once"
expect_count "$EVENTS" ".ev==\"media.update\" and $A and .dir==\"sendonly\"" 1 \
	"a: alice's stream goes sendonly"
expect_count "$EVENTS" ".ev==\"media.update\" and $A and .dir==\"sendrecv\"" 1 \
	"a: alice's stream back to sendrecv"

# baresip's view: it got the sendonly re-INVITE and answered recvonly, then
# got the sendrecv one and answered sendrecv.
bs_sip "$BLOG" >"$SCRATCH/bob.sip"
to_bob=" -> 127.0.0.1:$PEER_PORT |"
grep -F "$to_bob" "$SCRATCH/bob.sip" | grep -E '\| INVITE sip:.*a=sendonly$' >/dev/null ||
	fail "a: baresip's log shows no INVITE with a=sendonly: $(grep INVITE "$SCRATCH/bob.sip")"
grep -E "^127.0.0.1:$PEER_PORT -> .*\\| SIP/2.0 200 .*INVITE \\| a=recvonly$" "$SCRATCH/bob.sip" >/dev/null ||
	fail "a: baresip's log shows no 200 OK with a=recvonly: $(grep INVITE "$SCRATCH/bob.sip")"
# (distinct CSeqs: a busy machine may make sipflow retransmit one)
[ "$(grep -F "$to_bob" "$SCRATCH/bob.sip" | grep '| INVITE sip:' | cut -d'|' -f3 | sort -u | wc -l)" = 3 ] ||
	fail "a: baresip did not get 3 INVITEs (call, hold, resume): $(grep INVITE "$SCRATCH/bob.sip")"
grep -F "$to_bob" "$SCRATCH/bob.sip" | grep '| INVITE sip:' | tail -n 1 | grep -q 'a=sendrecv$' ||
	fail "a: the last INVITE baresip got is no a=sendrecv resume"

t_hold=$(t_of ".ev==\"call.state\" and $A and .state==\"held\"")
t_res=$(t_of ".ev==\"scenario.step\" and $A and .text==\"alice: resume\"")
t_back=$(t_of ".ev==\"call.state\" and $A and .state==\"established\" and .t > $t_hold")
t_bye=$(t_of ".ev==\"scenario.step\" and $A and .text==\"alice: hangup\"")
check_win "a: before the hold" alice 0 "$(t_of ".ev==\"scenario.step\" and $A and .text==\"alice: hold\"")"
[ "$DRX" -ge "$MIN" ] || fail "a: alice received only $DRX RTP packets in ${SPAN}s before the hold"
check_win "a: held" alice "$(echo "$t_hold + 0.5" | bc -l)" "$t_res"
[ "$DIRS" = sendonly ] || fail "a: alice's rtp.stats dir '$DIRS' while she holds, expected sendonly"
[ "$DTX" -ge "$MIN" ] ||
	fail "a: alice sent only $DTX RTP packets in ${SPAN}s of her sendonly hold, expected >= $MIN (sendonly still sends)"
[ "$DRX" -le "$STRAY" ] ||
	fail "a: alice received $DRX RTP packets in ${SPAN}s of her hold: baresip kept sending to a=sendonly"
check_win "a: resumed" alice "$(echo "$t_back + 0.5" | bc -l)" "$t_bye"
[ "$DIRS" = sendrecv ] || fail "a: alice's rtp.stats dir '$DIRS' after resume, expected sendrecv"
[ "$DRX" -ge "$MIN" ] || fail "a: alice received only $DRX RTP packets in ${SPAN}s after resume, expected >= $MIN"
[ "$DTX" -ge "$MIN" ] || fail "a: alice sent only $DTX RTP packets in ${SPAN}s after resume, expected >= $MIN"
# baresip's summary: it received all along (~13 s) but sent nothing for
# the ~5 s hold, ~250 packets; 100 is the margin.
btx=$(baresip_tx_packets "$BLOG") brx=$(baresip_rx_packets "$BLOG")
echo "a: baresip bob: tx=$btx rx=$brx"
[ "${brx:-0}" -ge 300 ] || fail "a: baresip received ${brx:-no} RTP packets, expected >= 300 (alice sends while holding)"
[ "$((brx - ${btx:-0}))" -ge 100 ] ||
	fail "a: baresip sent $btx and received $brx RTP packets: it did not stop sending for the hold"
mv "$EVENTS" "$SCRATCH/events-a.jsonl"
mv "$SCRATCH/sipflow.err" "$SCRATCH/sipflow-a.err"

############################################################################
# b. baresip holds sipflow
BLOG=$SCRATCH/baresip-alice.log
UAC=$SCRATCH/alice
sf_conf bob 1002 auto
cat >"$FLOW" <<FLOW
bob: expect incoming 20s
bob: expect established 10s
bob: expect remote_held 30s
bob: expect established 30s
bob: expect terminated 30s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW"
udp_bound "$SIP_BASE" 5 || fail "b: sipflow did not bind UDP 127.0.0.1:$SIP_BASE"
baresip_setup "$UAC" "$PEER_PORT" "$PEER_RTP" sine:880 alice
baresip_start "$UAC" "$BLOG"
B=.ua==\"bob\"
baresip_cmd "$UAC" dial "sip:1002@127.0.0.1:$SIP_BASE" >/dev/null || fail "b: baresip dial failed"
baresip_wait_log "$BLOG" ': Call established: ' 15 || fail "b: baresip's call not established"
wait_event "$EVENTS" ".ev==\"call.state\" and $B and .state==\"established\"" 10 ||
	fail "b: sipflow bob not established"
sleep 3
baresip_cmd "$UAC" hold >/dev/null || fail "b: baresip's hold command failed"
wait_event "$EVENTS" ".ev==\"call.state\" and $B and .state==\"remote_held\"" 15 ||
	fail "b: sipflow bob never went remote_held after baresip's hold"
sleep 5
baresip_cmd "$UAC" resume >/dev/null || fail "b: baresip's resume command failed"
t_rh=$(t_of ".ev==\"call.state\" and $B and .state==\"remote_held\"")
wait_event "$EVENTS" ".ev==\"call.state\" and $B and .state==\"established\" and .t > $t_rh" 15 ||
	fail "b: sipflow bob not established again after baresip's resume"
sleep 5
baresip_cmd "$UAC" hangup >/dev/null || true
baresip_wait_log "$BLOG" ': Call with .* terminated' 10 || fail "b: baresip: call did not end"
sipflow_wait sipflow
[ "$RC" -eq 0 ] || fail "b: sipflow exit status $(rc_words "$RC")"
baresip_quit "$UAC" || fail "b: baresip exit status $?"

st=$(states "$EVENTS" bob)
[ "$st" = "incoming established remote_held established terminated" ] ||
	fail "b: bob's states '$st', expected incoming established remote_held established terminated"
hold=$(last_field "$EVENTS" ".ev==\"call.state\" and $B and .state==\"remote_held\"" hold)
[ "$hold" = remote ] || fail "b: bob's remote_held call.state has hold '$hold', expected remote"
hold=$(last_field "$EVENTS" ".ev==\"call.state\" and $B and .state==\"established\"" hold)
[ "$hold" = null ] || fail "b: bob's established call.state after resume has hold '$hold', expected none"
expect_count "$EVENTS" ".ev==\"media.update\" and $B and .dir==\"recvonly\"" 1 "b: bob's stream goes recvonly"
expect_count "$EVENTS" ".ev==\"media.update\" and $B and .dir==\"sendrecv\"" 1 "b: bob's stream back to sendrecv"
bs_sip "$BLOG" >"$SCRATCH/alice.sip"
from_bs="^127.0.0.1:$PEER_PORT -> 127.0.0.1:$SIP_BASE |"
grep -E "$from_bs INVITE sip:.*\\| a=sendonly$" "$SCRATCH/alice.sip" >/dev/null ||
	fail "b: baresip sent no INVITE with a=sendonly: $(grep INVITE "$SCRATCH/alice.sip")"
grep -E "^127.0.0.1:$SIP_BASE -> 127.0.0.1:$PEER_PORT \\| SIP/2.0 200 .*INVITE \\| a=recvonly$" \
	"$SCRATCH/alice.sip" >/dev/null ||
	fail "b: sipflow answered baresip's hold with no a=recvonly 200 OK: $(grep INVITE "$SCRATCH/alice.sip")"

t_back=$(t_of ".ev==\"call.state\" and $B and .state==\"established\" and .t > $t_rh")
t_end=$(t_of ".ev==\"call.state\" and $B and .state==\"terminated\"")
check_win "b: before the hold" bob 0 "$t_rh"
[ "$DTX" -ge "$MIN" ] || fail "b: bob sent only $DTX RTP packets in ${SPAN}s before the hold"
# (up to 0.1 s before the resume: a stats event in the same millisecond as
# the resume could count a packet sent after it)
check_win "b: held" bob "$(echo "$t_rh + 0.5" | bc -l)" "$(echo "$t_back - 0.1" | bc -l)"
[ "$DIRS" = recvonly ] || fail "b: bob's rtp.stats dir '$DIRS' while baresip holds him, expected recvonly"
[ "$DTX" -le 0 ] ||
	fail "b: bob sent $DTX RTP packets in ${SPAN}s while held with a=sendonly (recvonly: he must not send)"
echo "b: while baresip holds, bob received $DRX RTP packets (baresip 1.0.0 sends nothing while it holds)"
check_win "b: resumed" bob "$(echo "$t_back + 0.5" | bc -l)" "$t_end"
[ "$DIRS" = sendrecv ] || fail "b: bob's rtp.stats dir '$DIRS' after resume, expected sendrecv"
[ "$DTX" -ge "$MIN" ] || fail "b: bob sent only $DTX RTP packets in ${SPAN}s after resume, expected >= $MIN"
[ "$DRX" -ge "$MIN" ] || fail "b: bob received only $DRX RTP packets in ${SPAN}s after resume, expected >= $MIN"
btx=$(baresip_tx_packets "$BLOG") brx=$(baresip_rx_packets "$BLOG")
echo "b: baresip alice: tx=$btx rx=$brx"
echo "PASS: hold/resume sipflow -> baresip and baresip -> sipflow"
exit 0
