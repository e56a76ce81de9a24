#!/bin/sh
# DTMF round trips between two local instances in all three methods, both
# ways; each digit is reported exactly once, with the method it came by.
. "$srcdir/tests/lib.sh"
ports_for 9

BOB_EXTRA="answer = auto"
ALICE_EXTRA="dtmf = info"        # the instance default, used by bare `dtmf`
write_conf "$SCRATCH/conf"
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: dtmf 123# rfc4733
bob:   expect dtmf 123# 5s
alice: wait 1s
alice: dtmf 456* inband 80ms 120ms
bob:   expect dtmf 456* 5s
alice: wait 1500ms
alice: dtmf 789A
bob:   expect dtmf 789A 5s
bob:   wait 1500ms
bob:   dtmf 0D rfc4733
bob:   dtmf B inband
bob:   dtmf C# info
alice: expect dtmf 0DBC# 8s
alice: wait 500ms
alice: hangup
FLOW
run_sipflow dtmf -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0

rx() { jq -r "select(.ev==\"dtmf.rx\" and .ua==\"$1\") | .digit + \":\" + .method" "$EV" | tr '\n' ' '; }
got=$(rx bob)
[ "$got" = "1:rfc4733 2:rfc4733 3:rfc4733 #:rfc4733 4:inband 5:inband 6:inband *:inband 7:info 8:info 9:info A:info " ] ||
	fail "bob received: $got"
got=$(rx alice)
[ "$got" = "0:rfc4733 D:rfc4733 B:inband C:info #:info " ] ||
	fail "alice received: $got"

# What was sent says so, with the durations asked for.
expect_count "$EV" '.ev=="dtmf.tx" and .ua=="alice" and .method=="inband" and .duration_ms==80' 4 \
	"in-band digits sent at 80 ms"
expect_count "$EV" '.ev=="dtmf.tx" and .ua=="alice" and .method=="info"' 4 "INFO digits sent"
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("INFO "))' 4 \
	"one INFO per digit"
expect_count "$EV" '.ev=="sip.rx" and .ua=="alice" and .first_line=="SIP/2.0 200 OK" and (.cseq|test("INFO"))' 4 \
	"every INFO answered 200"
# RFC 4733 durations come from the packets: 100 ms by default.
d=$(last_field "$EV" '.ev=="dtmf.rx" and .ua=="bob" and .digit=="#"' duration_ms)
[ "$d" -ge 80 ] && [ "$d" -le 120 ] || fail "RFC 4733 '#' lasted $d ms"

# No telephone-event negotiated: rfc4733 falls back to in-band, and says so.
ALICE_EXTRA="codecs = PCMA"
BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf2"
cat >"$SCRATCH/flow2" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: dtmf 5b rfc4733
bob:   expect dtmf 5b 5s
alice: wait 1s
alice: hangup
FLOW
run_sipflow fallback -c "$SCRATCH/conf2" -s "$SCRATCH/flow2"
expect_rc 0
# (lower-case a-d in `dtmf` and `expect dtmf` mean A-D)
[ "$(rx bob)" = "5:inband B:inband " ] || fail "fallback: bob received $(rx bob)"
expect_count "$EV" '.ev=="error" and .what=="dtmf" and (.detail|test("telephone-event"))' 1 \
	"the fallback is reported"

# INFO is refused before the call is established (an INFO in an early
# dialog may be answered 481 and end the call).
cat >"$SCRATCH/flow3" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
bob:   progress
bob:   dtmf 1 info
FLOW
BOB_EXTRA="" ALICE_EXTRA="" write_conf "$SCRATCH/conf3"
run_sipflow early -c "$SCRATCH/conf3" -s "$SCRATCH/flow3"
expect_rc 1
grep -q "needs an established call" "$ERR" || fail "early INFO: $(cat "$ERR")"
expect_count "$EV" '.ev=="sip.tx" and (.first_line|startswith("INFO "))' 0 "no INFO sent early"

# Bad digits are a load error naming the line.
printf 'alice: call bob\nalice: dtmf 12X\n' >"$SCRATCH/bad"
run_sipflow bad -c "$SCRATCH/conf" -s "$SCRATCH/bad"
expect_rc 2
grep -q "bad:2:" "$ERR" || fail "no FILE:LINE for bad digits: $(cat "$ERR")"
echo ok
