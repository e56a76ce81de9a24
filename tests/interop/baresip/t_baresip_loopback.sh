#!/bin/sh
# baresip calls baresip on loopback: checks the interop peer itself (the
# helpers in baresip.sh, and that this baresip can carry a call), without
# sipflow.  If this fails, the other tests in this directory say nothing
# about sipflow.
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
. "${srcdir:-.}/tests/interop/baresip/baresip.sh"
baresip_require
ports_for 22

UAS=$SCRATCH/bob UAC=$SCRATCH/alice
baresip_setup "$UAS" "$PEER_PORT" "$PEER_RTP" sine:440 bob
baresip_setup "$UAC" "$SIP_BASE" "$RTP_LO" sine:880 alice

baresip_start_uas "$UAS" "$SCRATCH/bob.log"
BARESIP_DTMF=159# baresip_dial "$UAC" "$SCRATCH/alice.log" \
    "sip:bob@127.0.0.1:$PEER_PORT" 3 || fail "baresip_dial failed"
baresip_wait_log "$SCRATCH/bob.log" ': Call with .* terminated' 5 ||
    fail "bob: call did not end"
baresip_quit "$UAS" || fail "bob: exit status $?"

for who in alice bob; do
	log=$SCRATCH/$who.log
	[ "$(baresip_calls_established "$log")" = 1 ] || fail "$who: not 1 call established"
	[ "$(baresip_calls_ended "$log")" = 1 ] || fail "$who: not 1 call ended"
	rx=$(baresip_rx_packets "$log") tx=$(baresip_tx_packets "$log")
	echo "$who: tx=$tx rx=$rx lost=$(baresip_rx_lost "$log") jitter=$(baresip_rx_jitter "$log")ms"
	[ "${rx:-0}" -ge 150 ] || fail "$who: received ${rx:-no} packets"
	[ "${tx:-0}" -ge 150 ] || fail "$who: sent ${tx:-no} packets"
done
[ "$(baresip_close_reason "$SCRATCH/bob.log")" = "Connection reset by peer" ] ||
    fail "bob: call not closed by the peer's BYE"
dtmf=$(baresip_dtmf_rx "$SCRATCH/bob.log")
[ "$dtmf" = "159#" ] || fail "bob: received DTMF '$dtmf', expected '159#'"

# Each side hears the other's tone (sox's rough estimate; skipped without sox).
tone_ok() { # DIR LO HI WHO
	f=$(baresip_rx_tone "$1")
	[ -z "$f" ] && return 0
	if [ "$f" -le "$2" ] || [ "$f" -ge "$3" ]; then fail "$4 heard $f Hz, expected $2..$3"; fi
}
tone_ok "$UAS" 800 960 bob
tone_ok "$UAC" 400 480 alice

# Both exited: no baresip left behind.
for d in "$UAS" "$UAC"; do
	[ ! -e "/proc/$(cat "$d/pid")" ] || fail "baresip $(cat "$d/pid") still running"
done
echo "PASS: baresip <-> baresip"
