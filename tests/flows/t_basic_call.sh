#!/bin/sh
# Two local instances call each other over loopback: 100/180/200/ACK/BYE,
# media both ways, one media start per side, clean exit.
. "$srcdir/tests/lib.sh"
ports_for 0

cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
bob:   ring
bob:   answer
alice: expect ringing 5s
alice: expect established 5s
alice: wait 3s
alice: hangup
alice: expect terminated 5s
bob:   expect terminated 200 5s
FLOW

# The built-in default instances, moved to this test's ports with -p.
probe_start
run_sipflow basic -s "$SCRATCH/flow" -p "$SIP_BASE"
expect_rc 0
probe_stop
# Ticks the machine made the engine skip are frames never sent.
short=$(( $(probe_skipped_ms) / 20 ))

[ "$(states "$EV" alice)" = "calling ringing established terminated" ] ||
	fail "alice states: $(states "$EV" alice)"
[ "$(states "$EV" bob)" = "incoming ringing established terminated" ] ||
	fail "bob states: $(states "$EV" bob)"

expect_count "$EV" '.ev=="media.start"' 2 "one media start per side"
expect_count "$EV" '.ev=="media.start" and .codec=="PCMU/8000" and .pt==0' 2 \
	"PCMU negotiated"
expect_count "$EV" '.ev=="sip.tx" and .ua=="bob" and .first_line=="SIP/2.0 100 Trying"' 1 \
	"bob sends 100 Trying"
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("BYE"))' 1 \
	"alice sends BYE"
expect_count "$EV" '.ev=="call.state" and .state=="terminated" and .ua=="bob" and .by=="remote" and .code==200' 1 \
	"bob sees the remote hangup"
expect_count "$EV" '.ev=="scenario.done"' 1 "scenario done"

# About 3 s of 20 ms frames each way (150, fewer by what a stalled machine
# skipped), and every one arrived.
for ua in alice bob; do
	tx=$(last_field "$EV" ".ev==\"rtp.stats\" and .ua==\"$ua\"" tx_pkts)
	rx=$(last_field "$EV" ".ev==\"rtp.stats\" and .ua==\"$ua\"" rx_pkts)
	lost=$(last_field "$EV" ".ev==\"rtp.stats\" and .ua==\"$ua\"" lost)
	[ "$tx" -ge $((140 - short)) ] && [ "$tx" -le 170 ] ||
		fail "$ua sent $tx packets (the machine made it skip $short)"
	[ "$rx" -ge $((140 - short)) ] || fail "$ua received $rx packets"
	[ "$lost" -eq 0 ] || fail "$ua lost $lost packets"
done
tx_a=$(last_field "$EV" '.ev=="rtp.stats" and .ua=="alice"' tx_bytes)
[ "$tx_a" -eq "$(( $(last_field "$EV" '.ev=="rtp.stats" and .ua=="alice"' tx_pkts) * 160 ))" ] ||
	fail "G.711 20 ms frames are 160 bytes"
echo "ok"
