#!/bin/sh
# Exit statuses and the messages that go with them: 1 for a failed
# expectation, 2 for bad files (naming line and column), 3 for a port in use.
. "$srcdir/tests/lib.sh"
ports_for 5

write_conf "$SCRATCH/conf"

cat >"$SCRATCH/timeout" <<'FLOW'
# nobody answers
alice: call bob
alice: expect established 1s
FLOW
run_sipflow timeout -c "$SCRATCH/conf" -s "$SCRATCH/timeout"
expect_rc 1
grep -q "timeout:3: alice: expect established 1s: timed out" "$ERR" ||
	fail "the failing line is named: $(cat "$ERR")"
expect_count "$EV" '.ev=="scenario.fail" and .line==3' 1 "scenario.fail event"
expect_count "$EV" '.ev=="call.state" and .state=="terminated"' 2 \
	"calls are hung up on the way out"

printf 'alice: call bob\nbob: expect incoming\nbob: dance wildly\n' >"$SCRATCH/badverb"
run_sipflow badverb -c "$SCRATCH/conf" -s "$SCRATCH/badverb"
expect_rc 2
grep -q "badverb:3:6: unknown verb 'dance'" "$ERR" || fail "bad verb: $(cat "$ERR")"

printf 'alice: call bob\ncarol: answer\n' >"$SCRATCH/badinst"
run_sipflow badinst -c "$SCRATCH/conf" -s "$SCRATCH/badinst"
expect_rc 2
grep -q "badinst:2:1: unknown instance 'carol'" "$ERR" || fail "bad instance: $(cat "$ERR")"

printf 'bob: expect terminated 486 5s 9s\n' >"$SCRATCH/badargs"
run_sipflow badargs -c "$SCRATCH/conf" -s "$SCRATCH/badargs"
expect_rc 2
grep -q "badargs:1:" "$ERR" || fail "bad expect args: $(cat "$ERR")"

printf '[general]\nrtp_ports = 30000-30100\n[alice]\nport = 5000\nanswer = sometimes\n' >"$SCRATCH/badconf"
run_sipflow badconf -c "$SCRATCH/badconf"
expect_rc 2
grep -q "badconf:5: bad value 'sometimes' for answer in \[alice\]" "$ERR" ||
	fail "bad config: $(cat "$ERR")"

run_sipflow missing -c "$SCRATCH/nonexistent.conf"
expect_rc 2
grep -q "nonexistent.conf: No such file" "$ERR" || fail "missing config: $(cat "$ERR")"

# Hold alice's port with another sipflow, then try to start a second one.
printf 'alice: wait 4s\n' >"$SCRATCH/hold"
"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/hold" >/dev/null 2>&1 &
holder=$!
BG_PIDS="$BG_PIDS $holder"
sleep 1
run_sipflow inuse -c "$SCRATCH/conf" -s "$SCRATCH/hold"
expect_rc 3
grep -q "alice.*127.0.0.1:$SIP_BASE/UDP.*already in use" "$ERR" ||
	fail "port in use: $(cat "$ERR")"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true

# With -l, libre's chatter goes to the log but a fatal error still reaches
# the terminal (and the log).
run_sipflow logged -c "$SCRATCH/badconf" -l "$SCRATCH/diag.log"
expect_rc 2
grep -q "badconf:5: bad value 'sometimes'" "$ERR" || fail "-l hid the error"
grep -q "badconf:5: bad value 'sometimes'" "$SCRATCH/diag.log" ||
	fail "the error is not in the log"

# An interrupted scenario did not pass: SIGINT mid-flow is exit 1 with a
# scenario.fail, and the call is still hung up properly.
printf 'alice: call bob\nbob: expect incoming 5s\nbob: answer\nalice: wait 30s\n' >"$SCRATCH/long"
"$SIPFLOW" -H -c "$SCRATCH/conf" -s "$SCRATCH/long" -e "$SCRATCH/int.jsonl" \
	>/dev/null 2>"$SCRATCH/int.err" &
pid=$!
sleep 1.5
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "SIGINT during a scenario exited $rc, expected 1"
expect_count "$SCRATCH/int.jsonl" '.ev=="scenario.fail" and (.why|test("interrupted"))' 1 \
	"scenario.fail on SIGINT"
expect_count "$SCRATCH/int.jsonl" '.ev=="sip.tx" and .ua=="alice" and (.first_line|startswith("BYE"))' 1 \
	"the established call is hung up on SIGINT"
echo ok
