#!/bin/sh
# RFC 4733 DTMF between sipflow and baresip 1.0.0, both ways.
#  1. sipflow (alice) calls baresip (auto-answer) and sends `dtmf 1234#`;
#     baresip must log the events for exactly 1234# ("received event: 'X'
#     (end=1)").
#  2. baresip calls sipflow (bob, answer = auto) and sends 159# with
#     /sndcode; sipflow must `expect dtmf 159#`.
# Skips (77) while sipflow rejects the `dtmf` verb as a bad file (exit 2).
# (Under `make check` this runs with /bin/sh: the helpers need bash.)
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 23
. "$TESTS_DIR/interop/baresip/baresip.sh"
baresip_require
sf_require
export BARESIP_SIP_TRACE=1 # SIP messages in the baresip log

BLOG=$SCRATCH/baresip-bob.log
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() { st=$?; [ "$st" = 1 ] && baresip_dump "$BLOG" >&2; cleanup; }
trap on_exit EXIT

# 1. sipflow -> baresip
baresip_setup "$SCRATCH/bob" "$PEER_PORT" "$PEER_RTP" sine:880 bob auto
baresip_start_uas "$SCRATCH/bob" "$BLOG"
sf_conf alice 1001 manual
cat >"$FLOW" <<FLOW
alice: call sip:bob@127.0.0.1:$PEER_PORT
alice: expect established 5s
alice: wait 1s
alice: dtmf 1234#
alice: wait 2s
alice: hangup
alice: expect terminated 5s
FLOW
run_sipflow sipflow -c "$CONF" -s "$FLOW"
if [ "$RC" -eq 2 ]; then
	cat "$SCRATCH/sipflow.err" >&2
	skip "sipflow rejects the scenario (no dtmf verb yet?)"
fi
[ "$RC" -eq 0 ] || fail "sipflow (sending) exit status $(rc_words "$RC")"
baresip_wait_log "$BLOG" ': Call with .* terminated' 5 || fail "baresip: call did not end"
baresip_quit "$SCRATCH/bob" || fail "baresip exit status $?"
got=$(baresip_dtmf_rx "$BLOG")
echo "baresip received DTMF '$got'"
[ "$got" = "1234#" ] || fail "baresip received DTMF '$got', expected '1234#'"
expect_min "$EVENTS" '.ev=="dtmf.tx" and .ua=="alice"' 5 "alice dtmf.tx"

# 2. baresip -> sipflow
mv "$EVENTS" "$SCRATCH/events-1.jsonl"
BLOG=$SCRATCH/baresip-alice.log
sf_conf bob 1002 auto
cat >"$FLOW" <<FLOW
bob: expect incoming 10s
bob: expect established 5s
bob: expect dtmf 159# 10s
bob: expect terminated 20s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW"
udp_bound "$SIP_BASE" 5 || fail "sipflow did not bind UDP 127.0.0.1:$SIP_BASE"
baresip_setup "$SCRATCH/alice" "$PEER_PORT" "$PEER_RTP" sine:880 alice
dial_rc=0
BARESIP_DTMF='159#' baresip_dial "$SCRATCH/alice" "$BLOG" "sip:1002@127.0.0.1:$SIP_BASE" 4 ||
    dial_rc=$?
sipflow_wait
[ "$RC" -eq 0 ] || fail "sipflow (receiving) exit status $(rc_words "$RC")"
[ "$dial_rc" -eq 0 ] || fail "baresip_dial failed ($dial_rc)"
got=$(jq -r 'select(.ev=="dtmf.rx" and .ua=="bob") | .digit' "$EVENTS" | tr -d '\n')
[ "$got" = "159#" ] || fail "sipflow dtmf.rx digits '$got', expected '159#'"
echo "PASS: DTMF sipflow -> baresip (1234#) and baresip -> sipflow (159#)"
exit 0
