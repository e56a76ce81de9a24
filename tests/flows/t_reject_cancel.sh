#!/bin/sh
# Rejection with a chosen code, an answer policy that rejects, and CANCEL
# of a ringing call.
. "$srcdir/tests/lib.sh"
ports_for 1

write_conf "$SCRATCH/conf"

cat >"$SCRATCH/reject" <<'FLOW'
alice: call 1002
bob:   expect incoming 5s
bob:   reject 603
alice: expect terminated 603 5s
bob:   expect terminated 603 5s
FLOW
run_sipflow reject -c "$SCRATCH/conf" -s "$SCRATCH/reject"
expect_rc 0
expect_count "$EV" '.ev=="call.state" and .ua=="alice" and .state=="terminated" and .code==603 and .reason=="Decline" and .by=="remote"' 1 \
	"alice sees 603 Decline"
expect_count "$EV" '.ev=="media.start"' 0 "no media for a rejected call"

cat >"$SCRATCH/cancel" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
bob:   ring
alice: expect ringing 5s
alice: hangup
alice: expect terminated 487 5s
bob:   expect terminated 487 5s
FLOW
run_sipflow cancel -c "$SCRATCH/conf" -s "$SCRATCH/cancel"
expect_rc 0
expect_count "$EV" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("CANCEL"))' 1 \
	"alice sends CANCEL"
expect_count "$EV" '.ev=="sip.tx" and .ua=="bob" and .first_line=="SIP/2.0 487 Request Terminated"' 1 \
	"bob answers the INVITE with 487"
expect_count "$EV" '.ev=="call.state" and .ua=="bob" and .state=="terminated" and .by=="remote"' 1 \
	"bob sees the caller cancel"

# Cancel before any 180: only 100 Trying arrived.
cat >"$SCRATCH/early_cancel" <<'FLOW'
alice: call bob
bob:   expect incoming 5s
alice: wait 200ms
alice: hangup
bob:   expect terminated 487 5s
FLOW
run_sipflow early_cancel -c "$SCRATCH/conf" -s "$SCRATCH/early_cancel"
expect_rc 0

# Answer policy reject:486 on bob.
BOB_EXTRA="answer = reject:486" write_conf "$SCRATCH/conf486"
cat >"$SCRATCH/busy" <<'FLOW'
alice: call bob
alice: expect terminated 486 5s
FLOW
run_sipflow busy -c "$SCRATCH/conf486" -s "$SCRATCH/busy"
expect_rc 0
echo ok
