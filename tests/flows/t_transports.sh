#!/bin/sh
# Instances with different transports call each other: alice (UDP) calls
# bob (TCP), bob calls carol (TLS), carol calls alice.  Each caller adds
# the transport it lacks on a port of its own, each call is established
# with audio both ways, and each INVITE went over the callee's transport.
. "$srcdir/tests/lib.sh"
ports_for 46

ALICE_EXTRA="answer = auto"
BOB_EXTRA="transport = tcp
answer = auto"
write_conf "$SCRATCH/conf"
cat >>"$SCRATCH/conf" <<CONF

[carol]
user = 1003
port = $((SIP_BASE + 2))
transport = tls
answer = auto
source = tone:880
CONF
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
alice: wait 1s
alice: hangup
alice: expect terminated 5s
bob:   expect terminated 10s
bob:   call carol
bob:   expect established 5s
bob:   wait 1s
bob:   hangup
bob:   expect terminated 5s
carol: expect terminated 20s
carol: call alice
carol: expect established 5s
carol: wait 1s
carol: hangup
carol: expect terminated 5s
FLOW
run_sipflow transports -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0

check() { # CALLER TRANSPORT
	expect_count "$EV" ".ev==\"sip.tx\" and .ua==\"$1\" and .retrans==false and
		(.first_line|startswith(\"INVITE \")) and
		(.remote|endswith(\"/$2\"))" 1 "$1's INVITE went over $2"
	expect_count "$EV" ".ev==\"call.state\" and .ua==\"$1\" and .dir==\"out\"
		and .state==\"established\"" 1 "$1's call was established"
	rx=$(jq -r "select(.ev==\"rtp.stats\" and .ua==\"$1\") | .rx_pkts" "$EV" |
		sort -n | tail -n 1)
	[ "${rx:-0}" -ge 40 ] || fail "$1 received ${rx:-no} RTP packets"
}
check alice TCP
check bob TLS
check carol UDP
echo "PASS: UDP, TCP and TLS instances call each other"
