#!/bin/sh
# Codec negotiation between two instances: the offerer's order wins among
# the answerer's codecs, and no common codec is a 488 with a reason.
. "$srcdir/tests/lib.sh"
ports_for 2

cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
bob:   answer
alice: expect established 5s
alice: wait 1s
alice: hangup
bob:   expect terminated 5s
FLOW

ALICE_EXTRA="codecs = PCMA, PCMU, telephone-event" \
BOB_EXTRA="codecs = pcmu, pcma" write_conf "$SCRATCH/order"
run_sipflow order -c "$SCRATCH/order" -s "$SCRATCH/flow"
expect_rc 0
expect_count "$EV" '.ev=="media.start" and .codec=="PCMA/8000" and .pt==8' 2 \
	"offerer's first choice PCMA on both sides"
rx_pt=$(last_field "$EV" '.ev=="rtp.stats" and .ua=="bob"' rx_pt)
[ "$rx_pt" = 8 ] || fail "bob received payload type $rx_pt, expected 8"
# bob has no telephone-event, so its answer must not carry it
jq -r 'select(.ev=="sdp.local" and .ua=="bob") | .sdp' "$EV" |
	grep -qi telephone-event && fail "bob's answer offers telephone-event"

cat >"$SCRATCH/nocodec" <<'FLOW'
alice: call bob
alice: expect terminated 488 5s
bob:   expect terminated 488 5s
FLOW
ALICE_EXTRA="codecs = PCMU" BOB_EXTRA="codecs = PCMA" \
	write_conf "$SCRATCH/disjoint"
run_sipflow nocodec -c "$SCRATCH/disjoint" -s "$SCRATCH/nocodec"
expect_rc 0
expect_count "$EV" '.ev=="error" and .ua=="bob" and .what=="negotiation" and (.detail|test("no common codec.*PCMU"))' 1 \
	"an error event says why"
expect_count "$EV" '.ev=="sip.tx" and .ua=="bob" and .first_line=="SIP/2.0 488 Not Acceptable Here"' 1 \
	"bob answers 488"
echo ok
