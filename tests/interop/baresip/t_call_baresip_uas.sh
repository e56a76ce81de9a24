#!/bin/sh
# sipflow (alice) calls baresip 1.0.0 (bob, auto-answer, 880 Hz sine) and
# hangs up after ~3 s.  Asserts: sipflow exits 0; one established and one
# terminated call; PCMU chosen; sipflow's last rtp.stats has tx_pkts and
# rx_pkts >= 100 and rx_pt 0; baresip saw the same Call-ID, got sipflow's BYE,
# sent and received >= 100 RTP packets, heard ~440 Hz, and quit cleanly.
# (Under `make check` this runs with /bin/sh: the helpers need bash.)
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 20
. "$TESTS_DIR/interop/baresip/baresip.sh"
baresip_require
sf_require
export BARESIP_SIP_TRACE=1 # SIP messages in the baresip log

UAS=$SCRATCH/bob BLOG=$SCRATCH/baresip-bob.log
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() { st=$?; [ "$st" = 1 ] && baresip_dump "$BLOG" >&2; cleanup; }
trap on_exit EXIT

baresip_setup "$UAS" "$PEER_PORT" "$PEER_RTP" sine:880 bob auto
baresip_start_uas "$UAS" "$BLOG"

sf_conf alice 1001 manual
cat >"$FLOW" <<FLOW
alice: call sip:bob@127.0.0.1:$PEER_PORT
alice: expect established 5s
alice: wait 3s
alice: hangup
alice: expect terminated 5s
FLOW
run_sipflow sipflow -c "$CONF" -s "$FLOW"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

baresip_wait_log "$BLOG" ': Call with .* terminated' 5 || fail "baresip: call did not end"
baresip_quit "$UAS" || fail "baresip exit status $?"

# sipflow's view
expect_count "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="established"' 1 "alice established"
expect_count "$EVENTS" '.ev=="call.state" and .ua=="alice" and .state=="terminated"' 1 "alice terminated"
expect_media "$EVENTS" alice PCMU/8000 0 100 baresip

# baresip's view
[ "$(baresip_calls_established "$BLOG")" = 1 ] || fail "baresip: not exactly 1 call established"
[ "$(baresip_calls_ended "$BLOG")" = 1 ] || fail "baresip: not exactly 1 call ended"
callid=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="alice"' sip_callid)
tr -d '\r' <"$BLOG" | grep -Fqx "Call-ID: $callid" || fail "baresip never saw Call-ID '$callid'"
reason=$(baresip_close_reason "$BLOG")
[ "$reason" = "Connection reset by peer" ] || fail "baresip: call closed by '$reason', expected sipflow's BYE"
btx=$(baresip_tx_packets "$BLOG") brx=$(baresip_rx_packets "$BLOG")
echo "baresip bob: tx=$btx rx=$brx"
[ "${brx:-0}" -ge 100 ] || fail "baresip received ${brx:-no} RTP packets, expected >= 100"
[ "${btx:-0}" -ge 100 ] || fail "baresip sent ${btx:-no} RTP packets, expected >= 100"
hz=$(baresip_rx_tone "$UAS")
if [ -n "$hz" ]; then
	echo "baresip heard ~$hz Hz"
	if [ "$hz" -le 400 ] || [ "$hz" -ge 480 ]; then
		fail "baresip heard $hz Hz, expected ~440 (source = tone:440)"
	fi
fi
echo "PASS: sipflow -> baresip (sipflow tx=$TX rx=$RX, baresip tx=$btx rx=$brx)"
exit 0
