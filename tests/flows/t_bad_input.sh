#!/bin/sh
# Garbage arriving on an instance's SIP port mid-call does not disturb the
# call.  (libre 1.1.0 drops it before any hook sipflow has and reports it
# on stderr itself: "sip: msg decode err".)
. "$srcdir/tests/lib.sh"
ports_for 6
write_conf "$SCRATCH/conf"

cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
bob:   answer
alice: expect established 5s
alice: wait 3s
alice: hangup
bob:   expect terminated 200 5s
FLOW

"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/flow" -e "$SCRATCH/ev.jsonl" \
	>/dev/null 2>"$SCRATCH/err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
sleep 1
bob=$((SIP_BASE + 1))
bash -c "printf 'HELLO THERE\r\n\r\n' >/dev/udp/127.0.0.1/$bob"
bash -c "printf 'INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\nCSeq: x\r\n\r\n' >/dev/udp/127.0.0.1/$bob"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" -eq 0 ] || { cat "$SCRATCH/err" >&2; fail "sipflow exited $rc"; }

EV="$SCRATCH/ev.jsonl"
[ "$(grep -c 'msg decode err' "$SCRATCH/err")" -ge 2 ] ||
	fail "libre did not report the bad messages on stderr"
expect_count "$EV" '.ev=="call.state" and .state=="established"' 2 \
	"each side established exactly once"
rx=$(last_field "$EV" '.ev=="rtp.stats" and .ua=="bob"' rx_pkts)
[ "$rx" -ge 140 ] || fail "bob received $rx packets: the call was disturbed"
# A call that cannot even be sent (an IPv6 peer, and no IPv6 transport)
# fails its step, and the call its sdp.local named also ends with a
# reason, so no subscriber (the console's model) keeps a call that never
# was.
printf 'alice: call sip:bob@[::1]:%s\n' "$SIP_BASE" >"$SCRATCH/sips.flow"
set +e
"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/sips.flow" \
	>"$SCRATCH/sips.jsonl" 2>"$SCRATCH/sips.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a call that cannot be sent: exit $rc, expected 1"
expect_count "$SCRATCH/sips.jsonl" '.ev=="sdp.local" and .call=="c1"' 1 \
	"the offer for c1"
expect_count "$SCRATCH/sips.jsonl" '.ev=="call.state" and .call=="c1" and
	.state=="terminated" and .by=="local" and
	(.reason|test("cannot send INVITE"))' 1 "c1 ended with the reason"
echo ok
