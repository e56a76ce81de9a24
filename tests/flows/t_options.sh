#!/bin/sh
# `options TARGET` pings a peer: alice asks bob (a local instance) and a
# port where nothing listens.  bob's answer is an options.result with
# code 200 and a round-trip time; the silent one would get code 0 once
# libre gives up (timer F, 32 s), and here, when sipflow quits after a
# second, gets code 0 saying so.
. "$srcdir/tests/lib.sh"
ports_for 40

cat >"$SCRATCH/flow" <<FLOW
alice: options bob
alice: options sip:nobody@127.0.0.1:$((SIP_BASE + 30))
alice: wait 1s
bob:   wait 1s
FLOW
run_sipflow options -s "$SCRATCH/flow" -p "$SIP_BASE"
expect_rc 0

expect_count "$EV" '.ev=="options.result" and .ua=="alice" and .code==200 and
	.reason=="OK" and (.target|startswith("sip:1002@127.0.0.1:")) and
	.rtt_ms >= 0 and .rtt_ms < 1000' 1 "bob answered alice's OPTIONS"
expect_count "$EV" '.ev=="sip.rx" and .ua=="bob" and
	(.first_line|startswith("OPTIONS "))' 1 "bob saw the OPTIONS"
expect_count "$EV" '.ev=="options.result" and .code==0 and
	.reason=="no answer before the instance closed"' 1 \
	"the silent ping, ended by the quit"
expect_count "$EV" '.ev=="error"' 0 "no error"
echo "PASS: options pings a peer and reports code and round-trip time"
