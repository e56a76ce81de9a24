#!/bin/sh
# baresip 1.0.0 (alice, 880 Hz sine) calls sipflow (bob, answer = auto), stays
# ~3 s, hangs up.  Asserts: sipflow exits 0; bob sees incoming, established,
# terminated once each; PCMU chosen; sipflow's last rtp.stats has tx_pkts and
# rx_pkts >= 100 and rx_pt 0; baresip's call was established, ended by its own
# BYE, sent and received >= 100 RTP packets, heard ~440 Hz, and quit cleanly.
# (Under `make check` this runs with /bin/sh: the helpers need bash.)
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 21
. "$TESTS_DIR/interop/baresip/baresip.sh"
baresip_require
sf_require
export BARESIP_SIP_TRACE=1 # SIP messages in the baresip log

UAC=$SCRATCH/alice BLOG=$SCRATCH/baresip-alice.log
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() { st=$?; [ "$st" = 1 ] && baresip_dump "$BLOG" >&2; cleanup; }
trap on_exit EXIT

sf_conf bob 1002 auto
cat >"$FLOW" <<FLOW
bob: expect incoming 10s
bob: expect established 5s
bob: expect terminated 20s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW"
udp_bound "$SIP_BASE" 5 || fail "sipflow did not bind UDP 127.0.0.1:$SIP_BASE"

baresip_setup "$UAC" "$PEER_PORT" "$PEER_RTP" sine:880 alice
dial_rc=0
baresip_dial "$UAC" "$BLOG" "sip:1002@127.0.0.1:$SIP_BASE" 3 || dial_rc=$?
sipflow_wait
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
[ "$dial_rc" -eq 0 ] || fail "baresip_dial failed ($dial_rc)"

# sipflow's view
for st in incoming established terminated; do
	expect_count "$EVENTS" ".ev==\"call.state\" and .ua==\"bob\" and .state==\"$st\"" 1 "bob $st"
done
expect_media "$EVENTS" bob PCMU/8000 0 100 baresip

# baresip's view
[ "$(baresip_calls_established "$BLOG")" = 1 ] || fail "baresip: not exactly 1 call established"
[ "$(baresip_calls_ended "$BLOG")" = 1 ] || fail "baresip: not exactly 1 call ended"
callid=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="bob"' sip_callid)
tr -d '\r' <"$BLOG" | grep -Fqx "Call-ID: $callid" || fail "baresip never sent Call-ID '$callid'"
reason=$(baresip_close_reason "$BLOG")
[ -z "$reason" ] || fail "baresip: call closed by '$reason', expected its own hangup"
btx=$(baresip_tx_packets "$BLOG") brx=$(baresip_rx_packets "$BLOG")
echo "baresip alice: tx=$btx rx=$brx"
[ "${brx:-0}" -ge 100 ] || fail "baresip received ${brx:-no} RTP packets, expected >= 100"
[ "${btx:-0}" -ge 100 ] || fail "baresip sent ${btx:-no} RTP packets, expected >= 100"
hz=$(baresip_rx_tone "$UAC")
if [ -n "$hz" ]; then
	echo "baresip heard ~$hz Hz"
	if [ "$hz" -le 400 ] || [ "$hz" -ge 480 ]; then
		fail "baresip heard $hz Hz, expected ~440 (source = tone:440)"
	fi
fi
echo "PASS: baresip -> sipflow (sipflow tx=$TX rx=$RX, baresip tx=$btx rx=$brx)"
exit 0
