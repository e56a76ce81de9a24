#!/bin/sh
# 183 with SDP starts media before the answer, both ways; the 200 that
# follows (same SDP) must not start media again or open new sockets.
. "$srcdir/tests/lib.sh"
ports_for 7
write_conf "$SCRATCH/conf"

cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
bob:   progress
alice: expect early 5s
bob:   wait 2s
bob:   answer
alice: expect established 5s
alice: wait 1s
alice: hangup
bob:   expect terminated 5s
FLOW
run_sipflow early -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0

[ "$(states "$EV" alice)" = "calling early established terminated" ] ||
	fail "alice states: $(states "$EV" alice)"
[ "$(states "$EV" bob)" = "incoming early established terminated" ] ||
	fail "bob states: $(states "$EV" bob)"
expect_count "$EV" '.ev=="sip.tx" and .ua=="bob" and .first_line=="SIP/2.0 183 Session Progress"' 1 \
	"bob sends 183"
expect_count "$EV" '.ev=="media.start"' 2 "media starts once per side, at the 183"
expect_count "$EV" '.ev=="media.update"' 0 "the 200 changes nothing"

# Media flowed during the 2 s before the answer: the first rtp.stats after
# one second, while still early, already counts packets both ways.
early_t=$(last_field "$EV" '.ev=="call.state" and .ua=="alice" and .state=="established"' t)
rx_early=$(jq -r "select(.ev==\"rtp.stats\" and .ua==\"alice\" and .t < $early_t) | .rx_pkts" "$EV" | tail -n 1)
[ -n "$rx_early" ] && [ "$rx_early" -ge 40 ] ||
	fail "alice received '${rx_early:-nothing}' early-media packets before the answer"
tx=$(last_field "$EV" '.ev=="rtp.stats" and .ua=="bob"' tx_pkts)
[ "$tx" -ge 140 ] || fail "bob sent $tx packets over ~3 s of early and answered media"
echo ok
