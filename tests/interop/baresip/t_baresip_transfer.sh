#!/bin/sh
# Blind transfer (RFC 3515 REFER, RFC 5589) between sipflow and baresip
# 1.0.0, both ways; the transfer target is always a second sipflow instance,
# carol (1003, answer = auto), in the same sipflow process.
#  1. sipflow alice calls baresip bob (auto answer); bob runs the menu's
#     `transfer sip:1003@127.0.0.1:CAROL`.  alice gets the REFER (`expect
#     referred`), answers 202, calls carol, tells bob how it goes in NOTIFYs
#     (100 Trying, then 200 OK) and bob hangs up its leg (BYE: alice's first
#     call ends by remote).  alice and carol then talk: rtp.stats grow both
#     ways, and the recordings hold each other's tone (carol hears alice's
#     440 Hz, alice hears carol's 660, not bob's 880).
#  2. baresip alice calls sipflow bob (answer = auto); bob runs `transfer
#     carol` (REFER with Refer-To <sip:1003@...>).  baresip accepts (202),
#     calls carol, NOTIFYs bob; bob gets `expect transferred` (final NOTIFY
#     200) and hangs up (transfer_hangup = on).  baresip and carol talk.
# (Under `make check` this runs with /bin/sh: the helpers need bash.)
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 53
. "$TESTS_DIR/interop/baresip/baresip.sh"
baresip_require
sf_require
command -v sox >/dev/null 2>&1 || skip "sox not installed"
export BARESIP_SIP_TRACE=1 # SIP messages in the baresip log
: "${SIPFLOW_TIMEOUT:=90}"
export SIPFLOW_TIMEOUT

BLOG=$SCRATCH/baresip-bob.log
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() { st=$?; [ "$st" = 1 ] && baresip_dump "$BLOG" >&2; cleanup; }
trap on_exit EXIT

CAROL_PORT=$((SIP_BASE + 1))
CAROL_URI=sip:1003@127.0.0.1:$CAROL_PORT
mkdir -p "$SCRATCH/rec1" "$SCRATCH/rec2"

# bs_sip LOG: the SIP messages of a baresip -s log, one line each:
#   SRC -> DST | FIRST LINE | CSeq: N METHOD | BODY'S SIPFRAG |
# (baresip prints each message as "#", "UDP SRC -> DST", the message.)
bs_sip() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;]*m//g' | awk '
		function out() { if (hdr != "") print hdr " | " first " | " cseq " | " frag " |" }
		/^#$/ { out(); getline; hdr = $2 " -> " $4; first = ""; cseq = ""; frag = ""; next }
		hdr != "" && first == "" { first = $0; next }
		hdr != "" && /^CSeq:/ { cseq = $0 }
		hdr != "" && /^SIP\/2\.0 [0-9]/ { frag = $0 }
		END { out() }'
}

# conf NAME USER ANSWER: NAME (baresip.sh's sf_conf) on SIP_BASE, and
# carol on CAROL_PORT.
conf() {
	sf_conf "$1" "$2" "$3"
	cat >>"$CONF" <<EOT

[carol]
user = 1003
port = $CAROL_PORT
codecs = PCMU, PCMA, telephone-event
answer = auto
source = tone:660
EOT
}

# stats UA CALL: "TX RX" of the last rtp.stats of that call.
stats() {
	jq -r "select(.ev==\"rtp.stats\" and .ua==\"$1\" and .call==\"$2\") |
		\"\\(.tx_pkts) \\(.rx_pkts)\"" "$EVENTS" | tail -n 1
}

# check_audio UA CALL FROM: that call's last rtp.stats show >= 100 packets
# each way.  The call lasts ~4 s (~200 packets each way); 100 is the margin
# for a stalling machine.
check_audio() {
	local tx rx
	read -r tx rx <<<"$(stats "$1" "$2")"
	echo "$1 ($2) last rtp.stats: tx_pkts=${tx:-none} rx_pkts=${rx:-none}"
	[ "${tx:-0}" -ge 100 ] || fail "$1 sent ${tx:-no} RTP packets on $2, expected >= 100"
	[ "${rx:-0}" -ge 100 ] || fail "$1 received ${rx:-no} RTP packets on $2 from $3, expected >= 100"
}

# rec_hz UA CALL: the strongest frequency of the left (received) channel of
# the recording of that call.
rec_hz() {
	local f
	f=$(last_field "$EVENTS" ".ev==\"rec.start\" and .ua==\"$1\" and .call==\"$2\"" path)
	[ -f "$f" ] || fail "$1 has no recording of $2 ('$f')"
	peak_hz "$f" remix 1
}

############################################################################
# 1. baresip bob transfers sipflow alice to carol
conf alice 1001 manual
cat >"$FLOW" <<FLOW
alice: call sip:bob@127.0.0.1:$PEER_PORT
alice: expect established 10s
alice: expect referred 40s
alice: expect established 20s
alice: record start
alice/#1: expect terminated 20s
alice: wait 4s
alice: hangup
alice/#2: expect terminated 10s
carol: expect incoming 50s
carol: expect established 20s
carol: record start
carol: expect terminated 50s
FLOW
baresip_setup "$SCRATCH/bob" "$PEER_PORT" "$PEER_RTP" sine:880 bob auto
baresip_start_uas "$SCRATCH/bob" "$BLOG"
sipflow_start sipflow -c "$CONF" -s "$FLOW" -r "$SCRATCH/rec1"
udp_bound "$CAROL_PORT" 5 || fail "1: sipflow did not bind UDP 127.0.0.1:$CAROL_PORT"
wait_event "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="established"' 15 ||
	fail "1: alice's call to baresip not established"
sleep 2
baresip_cmd "$SCRATCH/bob" transfer "$CAROL_URI" >/dev/null ||
	fail "1: baresip's transfer command failed"
sipflow_wait sipflow
[ "$RC" -eq 0 ] || fail "1: sipflow exit status $(rc_words "$RC")"
baresip_wait_log "$BLOG" ': Call with .* terminated' 10 || fail "1: baresip: call did not end"
baresip_quit "$SCRATCH/bob" || fail "1: baresip exit status $?"

c1=$(jq -r 'select(.ev=="call.state" and .ua=="alice" and .state=="calling") | .call' "$EVENTS" | head -n 1)
c2=$(jq -r 'select(.ev=="call.state" and .ua=="alice" and .state=="calling") | .call' "$EVENTS" | sed -n 2p)
[ -n "$c2" ] || fail "1: alice placed no second call"
AX='.ev=="transfer" and .ua=="alice" and .role=="transferee"'
expect_count "$EVENTS" "$AX and .state==\"referred\" and .call==\"$c1\" and (.target|contains(\"$CAROL_URI\"))" 1 \
	"1: alice is referred to carol on $c1"
expect_count "$EVENTS" "$AX and .state==\"calling\" and .call==\"$c1\" and .other==\"$c2\" and .reason==\"blind\"" 1 \
	"1: alice calls carol as $c2 (blind)"
expect_count "$EVENTS" "$AX and .state==\"succeeded\" and .call==\"$c2\" and .code==200" 1 \
	"1: alice's transfer succeeded"
peer=$(last_field "$EVENTS" ".ev==\"call.state\" and .call==\"$c2\" and .state==\"calling\"" peer)
[ "$peer" = "$CAROL_URI" ] || fail "1: alice's second call went to '$peer', expected $CAROL_URI"
st=$(jq -r "select(.ev==\"call.state\" and .call==\"$c1\") | .state" "$EVENTS" | tr '\n' ' ')
[ "$st" = "calling ringing established terminated " ] || fail "1: alice's first call went '$st'"
by=$(last_field "$EVENTS" ".ev==\"call.state\" and .call==\"$c1\" and .state==\"terminated\"" by)
[ "$by" = remote ] || fail "1: alice's first call ended by '$by', expected remote (baresip's BYE)"
st=$(jq -r "select(.ev==\"call.state\" and .call==\"$c2\") | .state" "$EVENTS" | tr '\n' ' ')
case $st in "calling "*"established terminated ") ;; *) fail "1: alice's call to carol went '$st'" ;; esac
st=$(states "$EVENTS" carol)
[ "$st" = "incoming established terminated" ] || fail "1: carol's states '$st'"
cid=$(last_field "$EVENTS" ".ev==\"call.state\" and .call==\"$c2\"" sip_callid)
[ "$(last_field "$EVENTS" '.ev=="call.state" and .ua=="carol"' sip_callid)" = "$cid" ] ||
	fail "1: carol's call is not alice's second call (Call-ID $cid)"

# the subscription: alice's NOTIFYs to bob, in the first call's dialog
cid1=$(last_field "$EVENTS" ".ev==\"call.state\" and .call==\"$c1\"" sip_callid)
NTX=".ev==\"sip.tx\" and .ua==\"alice\" and (.first_line|startswith(\"NOTIFY \")) and .sip_callid==\"$cid1\" and .retrans==false"
expect_min "$EVENTS" "$NTX" 2 "1: alice's NOTIFYs to baresip"
expect_count "$EVENTS" ".ev==\"sip.tx\" and .ua==\"alice\" and (.first_line|startswith(\"SIP/2.0 202 \")) and (.cseq|endswith(\" REFER\")) and .retrans==false" 1 \
	"1: alice's 202 to the REFER"
expect_min "$EVENTS" ".ev==\"sip.rx\" and .ua==\"alice\" and (.first_line|startswith(\"SIP/2.0 200 \")) and (.cseq|endswith(\" NOTIFY\"))" 2 \
	"1: baresip's 200 OKs to alice's NOTIFYs"
bs_sip "$BLOG" >"$SCRATCH/bob.sip"
to_bob="127.0.0.1:$SIP_BASE -> 127.0.0.1:$PEER_PORT | NOTIFY "
grep -F "$to_bob" "$SCRATCH/bob.sip" | grep -q '| SIP/2.0 100 Trying |' ||
	fail "1: baresip got no NOTIFY with SIP/2.0 100 Trying: $(grep -F NOTIFY "$SCRATCH/bob.sip")"
# the NOTIFY with the highest CSeq (a retransmission may come late) is the
# final one
grep -F "$to_bob" "$SCRATCH/bob.sip" | sort -t'|' -k3,3V | tail -n 1 | grep -q '| SIP/2.0 200 OK |' ||
	fail "1: the last NOTIFY baresip got is not SIP/2.0 200 OK: $(grep -F NOTIFY "$SCRATCH/bob.sip")"
bye="127.0.0.1:$PEER_PORT -> 127.0.0.1:$SIP_BASE | BYE "
grep -F "$bye" "$SCRATCH/bob.sip" >/dev/null || fail "1: baresip sent no BYE after the transfer"
# baresip's BYE comes after the NOTIFY that told it the transfer worked
n200=$(grep -n -F "$to_bob" "$SCRATCH/bob.sip" | grep -F '| SIP/2.0 200 OK |' | head -n 1 | cut -d: -f1)
nbye=$(grep -n -F "$bye" "$SCRATCH/bob.sip" | head -n 1 | cut -d: -f1)
{ [ "${n200:-0}" -gt 0 ] && [ "${nbye:-0}" -gt "$n200" ]; } ||
	fail "1: baresip's BYE (message $nbye) did not follow alice's NOTIFY 200 OK (message ${n200:-none})"

check_audio alice "$c2" carol
c3=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="carol"' call)
check_audio carol "$c3" alice
hz=$(rec_hz carol "$c3")
echo "1: carol's recording: she heard $hz Hz"
near "$hz" 440 || fail "1: carol heard $hz Hz, expected alice's 440"
hz=$(rec_hz alice "$c2")
echo "1: alice's recording of the call to carol: she heard $hz Hz"
near "$hz" 660 || fail "1: alice heard $hz Hz on the call to carol, expected carol's 660"
mv "$EVENTS" "$SCRATCH/events-1.jsonl"
mv "$SCRATCH/sipflow.err" "$SCRATCH/sipflow-1.err"

############################################################################
# 2. sipflow bob transfers baresip alice to carol
BLOG=$SCRATCH/baresip-alice.log
UAC=$SCRATCH/alice
conf bob 1002 auto
cat >"$FLOW" <<FLOW
bob: expect incoming 20s
bob: expect established 10s
bob: wait 2s
bob: transfer carol
bob: expect transferred 20s
bob: expect terminated 10s
carol: expect incoming 40s
carol: expect established 20s
carol: record start
carol: wait 4s
carol: hangup
carol: expect terminated 10s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW" -r "$SCRATCH/rec2"
udp_bound "$CAROL_PORT" 5 || fail "2: sipflow did not bind UDP 127.0.0.1:$CAROL_PORT"
baresip_setup "$UAC" "$PEER_PORT" "$PEER_RTP" sine:880 alice
baresip_start "$UAC" "$BLOG"
baresip_cmd "$UAC" dial "sip:1002@127.0.0.1:$SIP_BASE" >/dev/null || fail "2: baresip dial failed"
sipflow_wait sipflow
[ "$RC" -eq 0 ] || fail "2: sipflow exit status $(rc_words "$RC")"
baresip_wait_log "$BLOG" ': Call with .*1003@.* terminated' 10 || fail "2: baresip: call to carol did not end"
baresip_quit "$UAC" || fail "2: baresip exit status $?"

BX='.ev=="transfer" and .ua=="bob" and .role=="transferor"'
expect_count "$EVENTS" "$BX and .state==\"requested\" and .reason==\"blind\" and (.target|contains(\"$CAROL_URI\"))" 1 \
	"2: bob asks for a blind transfer to carol"
expect_count "$EVENTS" "$BX and .state==\"accepted\" and .code==202" 1 "2: baresip accepts the REFER"
expect_count "$EVENTS" "$BX and .state==\"succeeded\" and .code==200" 1 "2: bob's transfer succeeded"
expect_count "$EVENTS" "$BX and .state==\"failed\"" 0 "2: no failed transfer"
st=$(states "$EVENTS" bob)
[ "$st" = "incoming established terminated" ] || fail "2: bob's states '$st'"
by=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="bob" and .state=="terminated"' by)
[ "$by" = local ] || fail "2: bob's call ended by '$by', expected local (transfer_hangup = on)"
t_ok=$(jq -r "select($BX and .state==\"succeeded\") | .t" "$EVENTS")
t_end=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="bob" and .state=="terminated"' t)
[ "$(echo "$t_end >= $t_ok" | bc -l)" = 1 ] || fail "2: bob hung up (t=$t_end) before the transfer succeeded (t=$t_ok)"
cidb=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="bob"' sip_callid)
expect_count "$EVENTS" ".ev==\"sip.tx\" and .ua==\"bob\" and (.first_line|startswith(\"REFER \")) and .sip_callid==\"$cidb\" and .retrans==false" 1 \
	"2: bob's REFER in the call's dialog"
expect_min "$EVENTS" ".ev==\"sip.rx\" and .ua==\"bob\" and (.first_line|startswith(\"NOTIFY \")) and .sip_callid==\"$cidb\"" 2 \
	"2: baresip's NOTIFYs to bob"
expect_count "$EVENTS" ".ev==\"sip.tx\" and .ua==\"bob\" and (.first_line|startswith(\"BYE \")) and .sip_callid==\"$cidb\" and .retrans==false" 1 \
	"2: bob's BYE"
bs_sip "$BLOG" >"$SCRATCH/alice.sip"
grep -F "127.0.0.1:$SIP_BASE -> 127.0.0.1:$PEER_PORT | REFER " "$SCRATCH/alice.sip" >/dev/null ||
	fail "2: baresip got no REFER"
tr -d '\r' <"$BLOG" | grep -Eq "^Refer-To: <?$CAROL_URI>?\$" || fail "2: baresip saw no Refer-To: <$CAROL_URI>"
grep -F "127.0.0.1:$PEER_PORT -> 127.0.0.1:$CAROL_PORT | INVITE " "$SCRATCH/alice.sip" >/dev/null ||
	fail "2: baresip did not call carol"
st=$(states "$EVENTS" carol)
[ "$st" = "incoming established terminated" ] || fail "2: carol's states '$st'"
cc=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="carol"' call)
check_audio carol "$cc" baresip
hz=$(rec_hz carol "$cc")
echo "2: carol's recording: she heard $hz Hz"
near "$hz" 880 || fail "2: carol heard $hz Hz, expected baresip alice's 880"
btx=$(baresip_tx_packets "$BLOG") brx=$(baresip_rx_packets "$BLOG")
echo "2: baresip alice, call to carol: tx=$btx rx=$brx"
{ [ "${brx:-0}" -ge 100 ] && [ "${btx:-0}" -ge 100 ]; } ||
	fail "2: baresip sent ${btx:-no} and received ${brx:-no} RTP packets on the call to carol, expected >= 100"
hz=$(baresip_rx_tone "$UAC")
if [ -n "$hz" ]; then
	echo "2: baresip heard ~$hz Hz on the call to carol"
	if [ "$hz" -le 620 ] || [ "$hz" -ge 700 ]; then
		fail "2: baresip heard $hz Hz on the call to carol, expected ~660 (carol's tone)"
	fi
fi
echo "PASS: blind transfer baresip -> sipflow and sipflow -> baresip"
exit 0
