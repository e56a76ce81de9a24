#!/bin/sh
# Transfer between three local instances.  alice (440 Hz) calls bob
# (660 Hz); bob holds her and transfers her to carol (1000 Hz):
#   blind:    REFER to carol; alice calls carol, bob's leg ends.
#   attended: bob first calls carol himself ("consult"), then REFERs
#             alice to carol with Replaces; carol's INVITE from alice
#             replaces bob's call, bob's leg to alice ends.
# Either way alice ends up talking to carol: each hears the other's tone
# (recordings at both ends).  Then the REFER policies: reject (603),
# ask + --decline (NOTIFY 603, the call goes on), ask + --accept; and a
# target on a transport the transferee does not listen on yet (TCP).
. "$srcdir/tests/lib.sh"
ports_for 55
command -v sox >/dev/null || skip "sox not installed"

# conf "ALICE KEY": lib.sh's alice (440 Hz, recording every call, and
# the key) and bob (660 Hz, answering at once), and carol (1000 Hz).
conf() {
	ALICE_EXTRA="record = on
$1" BOB_EXTRA="answer = auto" write_conf "$SCRATCH/conf"
	cat >>"$SCRATCH/conf" <<CONF

[carol]
user = 1003
port = $((SIP_BASE + 2))
source = tone:1000
answer = auto
record = on
CONF
}

# talking KIND: alice's call to carol carried each one's tone to the other.
talking() {
	new=$(last_field "$EV" '.ev=="transfer" and .ua=="alice" and .state=="calling"' other)
	[ -n "$new" ] || fail "$1: alice never called the transfer target"
	arec=$(last_field "$EV" ".ev==\"rec.start\" and .ua==\"alice\" and .call==\"$new\"" path)
	crec=$(last_field "$EV" '.ev=="rec.start" and .ua=="carol"' path)
	[ -f "$arec" ] && [ -f "$crec" ] || fail "$1: recordings missing: '$arec' '$crec'"
	a=$(peak_hz "$arec" remix 1 trim 0.3) c=$(peak_hz "$crec" remix 1 trim 0.3)
	echo "$1: alice hears $a Hz, carol hears $c Hz"
	near "$a" 1000 || fail "$1: alice hears $a Hz, not carol's 1000"
	near "$c" 440 || fail "$1: carol hears $c Hz, not alice's 440"
	rx=$(last_field "$EV" ".ev==\"rtp.stats\" and .ua==\"alice\" and .call==\"$new\"" rx_pkts)
	[ "$rx" -ge 80 ] || fail "$1: alice received $rx packets from carol"
}

# 1. blind
conf ""
mkdir -p "$SCRATCH/r1"
cat >"$SCRATCH/flow" <<'FLOW'
alice:    call bob
alice:    expect established 5s
bob:      expect established 5s
bob:      hold
bob:      expect held 5s
bob:      transfer carol
alice:    expect referred 5s
alice/#2: expect established 5s
carol:    expect established 5s
bob:      expect transferred 5s
bob:      expect terminated 200 5s
alice/#1: expect terminated 200 5s
alice:    wait 3s
alice:    hangup
carol:    expect terminated 5s
FLOW
run_sipflow blind -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/r1"
expect_rc 0
expect_count "$EV" '.ev=="sip.tx" and .ua=="bob" and (.first_line|startswith("REFER "))' 1 "bob sends one REFER"
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and .first_line=="SIP/2.0 202 Accepted"' 1 "alice accepts it"
expect_min "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("NOTIFY "))' 2 \
	"alice reports progress in NOTIFYs (100, then 200)"
expect_count "$EV" '.ev=="transfer" and .ua=="bob" and .state=="succeeded" and .code==200' 1 "bob learns it worked"
expect_count "$EV" '.ev=="call.state" and .ua=="bob" and .state=="terminated" and .reason=="transferred" and .by=="local"' 1 \
	"bob hangs up his leg once it worked"
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("INVITE sip:1003@"))' 1 \
	"alice calls carol"
talking blind

# 2. attended
conf ""
mkdir -p "$SCRATCH/r2"
cat >"$SCRATCH/flow" <<'FLOW'
alice:       call bob
alice:       expect established 5s
bob:         expect established 5s
bob:         hold
bob:         expect held 5s
bob:         call carol as consult
bob/consult: expect established 5s
carol:       expect established 5s
bob/#1:      transfer --attended consult
alice:       expect referred 5s
carol:       expect replaced 5s
alice:       expect transferred 5s
bob:         expect transferred 5s
bob/#1:      expect terminated 200 5s
bob/consult: expect terminated 200 5s
alice/#1:    expect terminated 200 5s
alice/#2:    expect established 5s
alice:       wait 3s
alice:       hangup
carol/#2:    expect terminated 5s
FLOW
run_sipflow attended -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/r2"
expect_rc 0
refer_to=$(last_field "$EV" '.ev=="transfer" and .ua=="bob" and .state=="requested"' target)
echo "Refer-To: <$refer_to>"
case "$refer_to" in
"sip:1003@127.0.0.1:$((SIP_BASE + 2))?Replaces="*"%3Bto-tag%3D"*"%3Bfrom-tag%3D"*) ;;
*) fail "Refer-To is not carol's contact with Replaces: $refer_to" ;;
esac
expect_count "$EV" '.ev=="call.state" and .ua=="carol" and .state=="terminated" and (.reason|startswith("replaced by"))' 1 \
	"carol ends the replaced call"
expect_count "$EV" '.ev=="call.state" and .ua=="bob" and .state=="terminated" and .by=="remote"' 1 \
	"bob's consultation call is ended by carol"
# the new call takes the old one's place at once: no ringing, the old
# one ends as it comes in
[ "$(jq -r 'select(.ev=="call.state" and .ua=="carol") | .state' "$EV" | tr '\n' ' ')" = \
  "incoming established incoming terminated established terminated " ] ||
	fail "carol's states: $(jq -r 'select(.ev=="call.state" and .ua=="carol") | .state' "$EV" | tr '\n' ' ')"
talking attended

# 3. refer = reject: 603, and the call goes on
conf "refer = reject"
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
bob:   expect established 5s
bob:   transfer carol
bob:   expect transfer_failed 603 5s
alice: expect referred 5s
alice: wait 1s
alice: hangup
bob:   expect terminated 200 5s
FLOW
run_sipflow reject -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/r3"
expect_rc 0
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and .first_line=="SIP/2.0 603 Decline"' 1 "alice declines with 603"
expect_count "$EV" '.ev=="call.state" and .ua=="carol"' 0 "nobody calls carol"

# 4. refer = ask: the operator declines, then accepts a second REFER
conf "refer = ask"
cat >"$SCRATCH/flow" <<'FLOW'
alice:    call bob
alice:    expect established 5s
bob:      expect established 5s
bob:      transfer carol
alice:    expect referred 5s
alice:    transfer --decline
bob:      expect transfer_failed 603 5s
bob:      wait 500ms
bob:      transfer carol
alice:    expect referred 5s
alice:    transfer --accept
carol:    expect established 5s
bob:      expect transferred 5s
alice/#1: expect terminated 5s
alice:    wait 1s
alice:    hangup
carol:    expect terminated 5s
FLOW
run_sipflow ask -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/r4"
expect_rc 0
expect_count "$EV" '.ev=="transfer" and .ua=="alice" and .state=="asked"' 2 "alice is asked twice"
expect_count "$EV" '.ev=="transfer" and .ua=="alice" and .state=="declined" and .code==603' 1 "she declines once"
expect_count "$EV" '.ev=="transfer" and .ua=="bob" and .state=="failed" and .code==603' 1 "bob hears the 603"
expect_count "$EV" '.ev=="call.state" and .ua=="carol" and .state=="incoming"' 1 "carol is called once"
# 5. a Refer-To over another transport: carol listens on TCP only, alice
# on UDP; alice adds TCP to follow the REFER
conf ""
sed -i "/^port = $((SIP_BASE + 2))\$/a transport = tcp" "$SCRATCH/conf"
cat >"$SCRATCH/flow" <<FLOW
alice:    call bob
alice:    expect established 5s
bob:      expect established 5s
bob:      transfer sip:1003@127.0.0.1:$((SIP_BASE + 2));transport=tcp
alice:    expect referred 5s
carol:    expect established 10s
bob:      expect transferred 10s
alice/#1: expect terminated 200 5s
alice:    wait 1s
alice:    hangup
carol:    expect terminated 5s
FLOW
run_sipflow tcp -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/r5"
expect_rc 0
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("INVITE sip:1003@")) and (.remote|endswith("/TCP"))' 1 \
	"alice's INVITE to carol goes over TCP"
echo "ok"
