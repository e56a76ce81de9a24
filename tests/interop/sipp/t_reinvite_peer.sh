#!/bin/sh
# The peer changes a call with re-INVITEs (uac_reinvite.xml).  sipp calls
# bob (answer = auto, codecs PCMU, PCMA) offering PCMU on a port where
# nothing listens, then re-INVITEs to move the media to its -rtp_echo port
# with PCMA only, then offers G.729 only.  Passes when sipp exits 0 (it
# checks bob's 200 answers PCMA and the G.729 offer gets 488) and bob's
# events show: media.start once (PCMU, the first port); one media.update
# to PCMA/8000 and the new port on the same local port (no second bind,
# the same port in both of bob's SDPs); no echo before the move and a
# growing one, in payload type 8, after it (so bob really sends to the new
# port); the 488 with an `error` what=="modify"; RTP going on unchanged
# after it; the call up until sipp's BYE.
. "$srcdir/tests/lib.sh"
ports_for 48
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

# is A OP B: compare two decimal numbers (awk), e.g. is "$x" "<" 1.5
is() { awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; }

sipflow_conf bob 1002 auto "PCMU, PCMA, telephone-event"
cat >"$FLOW" <<FLOW
bob: expect incoming 15s
bob: expect established 5s
bob: expect terminated 30s
FLOW

sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_reinvite uac_reinvite.xml -s 1002 -rtp_echo "127.0.0.1:$SIP_BASE"
sipp_wait 45
sipflow_wait

[ "$SIPP_RC" -eq 0 ] || fail "sipp (uac_reinvite.xml: PCMA answer, then 488): $(rc_sipp "$SIPP_RC")"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

B='.ua=="bob"'
OLD="127.0.0.1:$((PEER_RTP + 10))"   # the INVITE's port: nothing listens
NEW="127.0.0.1:$PEER_RTP"            # the re-INVITE's: sipp's echo

# --- the PCMA re-INVITE -------------------------------------------------
expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and .cseq=="2 INVITE" and
	(.first_line|startswith("SIP/2.0 200")) and .retrans==false' 1 \
	"bob accepts the PCMA re-INVITE with one 200"
t_re=$(last_field "$EVENTS" "$B"' and .ev=="sip.rx" and .cseq=="2 INVITE"' t)
[ -n "$t_re" ] || fail "bob never received the PCMA re-INVITE"
answer=$(jq -c "select($B and .ev==\"sdp.local\" and .t >= $t_re)" "$EVENTS" | head -n 1 |
	jq -r .sdp | tr -d "\r")
echo "bob's answer to the re-INVITE:"; echo "$answer" | sed 's/^/  /'
echo "$answer" | grep -Eq '^m=audio [0-9]+ RTP/AVP 8$' ||
	fail "bob's answer to the PCMA offer has no 'm=audio PORT RTP/AVP 8' line"
echo "$answer" | grep -q '^a=rtpmap:8 PCMA/8000$' || fail "bob's answer lacks a=rtpmap:8 PCMA/8000"
! echo "$answer" | grep -q PCMU || fail "bob's answer to a PCMA-only offer names PCMU"

expect_count "$EVENTS" "$B"' and .ev=="media.start"' 1 \
	"media starts once (a re-INVITE moves it, it does not start it again)"
S=$(jq -c "select($B and .ev==\"media.start\")" "$EVENTS")
[ "$(echo "$S" | jq -r .codec)" = PCMU/8000 ] || fail "media.start: $S, expected PCMU/8000"
[ "$(echo "$S" | jq -r .remote)" = "$OLD" ] || fail "media.start: $S, expected remote $OLD"
local_addr=$(echo "$S" | jq -r .local)

expect_count "$EVENTS" "$B"' and .ev=="media.update"' 1 \
	"one media.update (the PCMA move; the 488 changes nothing)"
U=$(jq -c "select($B and .ev==\"media.update\")" "$EVENTS")
echo "media.start:  $S"
echo "media.update: $U"
[ "$(echo "$U" | jq -r .codec)" = PCMA/8000 ] || fail "media.update codec is not PCMA/8000: $U"
[ "$(echo "$U" | jq -r .pt)" = 8 ] || fail "media.update payload type is not 8: $U"
[ "$(echo "$U" | jq -r .remote)" = "$NEW" ] || fail "media.update remote is not sipp's new port $NEW: $U"
[ "$(echo "$U" | jq -r .local)" = "$local_addr" ] ||
	fail "media.update local $(echo "$U" | jq -r .local) differs from media.start's $local_addr (a second bind)"
lport=${local_addr##*:}
n=$(jq -r "select($B and .ev==\"sdp.local\") | .sdp" "$EVENTS" | tr -d '\r' |
	grep -c "^m=audio $lport ") || true
[ "$n" -eq 2 ] || fail "$n of bob's SDPs offer port $lport, expected both (answer and re-answer)"
t_upd=$(echo "$U" | jq -r .t)

# --- RTP: nothing back before the move, the echo after it ---------------
rx_before=$(jq -r "select($B and .ev==\"rtp.stats\" and .t < $t_upd) | .rx_pkts" "$EVENTS" | tail -n 1)
tx_before=$(jq -r "select($B and .ev==\"rtp.stats\" and .t < $t_upd) | .tx_pkts" "$EVENTS" | tail -n 1)
[ -n "$rx_before" ] || fail "no rtp.stats before the re-INVITE (2 s of call)"
[ "$rx_before" -eq 0 ] || fail "bob received $rx_before packets before the re-INVITE: nothing listens at $OLD"
[ "$tx_before" -ge 25 ] || fail "bob sent only $tx_before packets to $OLD in 2 s"

t_488=$(jq -r "select($B and .ev==\"sip.tx\" and .cseq==\"3 INVITE\" and
	(.first_line|startswith(\"SIP/2.0 488\"))) | .t" "$EVENTS" | head -n 1)
[ -n "$t_488" ] || fail "bob did not answer the G.729 re-INVITE with 488"
r488=$(jq -r "select($B and .ev==\"sip.tx\" and .cseq==\"3 INVITE\" and
	(.first_line|startswith(\"SIP/2.0 488\"))) | .first_line" "$EVENTS" | head -n 1)
[ "$r488" = "SIP/2.0 488 Not Acceptable Here" ] || fail "bob refused with '$r488', expected 488 Not Acceptable Here"
mid=$(jq -c "select($B and .ev==\"rtp.stats\" and .t < $t_488)" "$EVENTS" | tail -n 1)
rx_mid=$(echo "$mid" | jq -r .rx_pkts)
echo "before the move: rx=$rx_before tx=$tx_before; at the 488: $mid"
[ "$rx_mid" -ge 50 ] ||
	fail "bob got back only $rx_mid packets in the 3 s after the move: it does not send to $NEW"
[ "$(echo "$mid" | jq -r .rx_pt)" = 8 ] ||
	fail "the echo came back with payload type $(echo "$mid" | jq -r .rx_pt), not 8: bob did not switch to PCMA"

# --- the G.729 re-INVITE: 488, the call goes on ---------------------------
expect_count "$EVENTS" "$B"' and .ev=="error" and .what=="modify"' 1 \
	"an error what==modify for the refused offer"
detail=$(last_field "$EVENTS" "$B"' and .ev=="error" and .what=="modify"' detail)
echo "$detail" | grep -q "488" || fail "the modify error does not say 488: $detail"
expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and .cseq=="3 INVITE" and
	(.first_line|startswith("SIP/2.0 200"))' 0 "no 200 to the G.729 offer"
last=$(jq -c "select($B and .ev==\"rtp.stats\")" "$EVENTS" | tail -n 1)
echo "last: $last"
rx_last=$(echo "$last" | jq -r .rx_pkts)
tx_mid=$(echo "$mid" | jq -r .tx_pkts)
tx_last=$(echo "$last" | jq -r .tx_pkts)
[ "$((rx_last - rx_mid))" -ge 25 ] ||
	fail "after the 488 bob got back only $((rx_last - rx_mid)) packets in ~2 s: media stopped or moved"
[ "$((tx_last - tx_mid))" -ge 25 ] || fail "after the 488 bob sent only $((tx_last - tx_mid)) packets in ~2 s"
[ "$(echo "$last" | jq -r .rx_pt)" = 8 ] || fail "after the 488 the echo is not PCMA any more: $last"

st=$(states "$EVENTS" bob)
echo "bob states: $st"
expect_count "$EVENTS" "$B"' and .ev=="call.state" and .state=="established"' 1 "bob established once"
expect_count "$EVENTS" "$B"' and .ev=="call.state" and .state=="terminated"' 1 "bob terminated once"
t_bye=$(jq -r "select($B and .ev==\"sip.rx\" and (.first_line|startswith(\"BYE \"))) | .t" "$EVENTS" | head -n 1)
[ -n "$t_bye" ] || fail "bob never got sipp's BYE"
term=$(jq -c "select($B and .ev==\"call.state\" and .state==\"terminated\")" "$EVENTS")
is "$(echo "$term" | jq -r .t)" ">=" "$t_bye" || fail "bob's call ended before sipp's BYE ($t_bye): $term"
[ "$(echo "$term" | jq -r .by)" = remote ] || fail "the call did not end by the peer's BYE: $term"
expect_count "$EVENTS" "$B"' and .ev=="sip.tx" and (.first_line|startswith("BYE "))' 0 \
	"bob sends no BYE (the 488 must not end the call)"

echo "PASS: re-INVITE moved the media to $NEW as PCMA on $local_addr (echo $rx_mid then $rx_last), G.729 refused with 488, call kept"
exit 0
