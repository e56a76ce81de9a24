#!/bin/sh
# Registrars that make it hard, each a sipp of its own, all at once:
#   fast  423 Interval Too Brief (Min-Expires: 120): asked again for 120 s
#   alg   a challenge with an unknown algorithm
#   nonce a Digest challenge without a nonce
#   bare  a 401 without any WWW-Authenticate
# Each bad challenge is one `failed` 401 that says the challenge could
# not be answered, an error event, a line on stderr, and no REGISTER
# after it; meanwhile a local call between two other instances goes on.
. "$srcdir/tests/lib.sh"
ports_for 45
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

{
	printf '[general]\nrtp_ports = %d-%d\n' "$RTP_LO" "$RTP_HI"
	i=0
	for n in fast alg nonce bare; do
		printf '\n[%s]\nport = %d\nregistrar = sip:127.0.0.1:%d\n' \
			"$n" $((SIP_BASE + i)) $((PEER_PORT + 2 * i))
		printf 'password = secret\nexpires = 60\n'
		i=$((i + 1))
	done
	printf '\n[alice]\nport = %d\nsource = tone:440\n' $((SIP_BASE + 10))
	printf '\n[bob]\nport = %d\nanswer = auto\n' $((SIP_BASE + 11))
} >"$CONF"
cat >"$FLOW" <<FLOW
alice: call bob
alice: expect established 5s
fast:  expect registered 10s
alg:   expect reg_failed 401 10s
nonce: expect reg_failed 401 10s
bare:  expect reg_failed 401 10s
alice: wait 3s
alice: hangup
alice: expect terminated 5s
FLOW

start() { # NAME XML PORT ARGS...
	_n=$1 _x=$2 _p=$3
	shift 3
	SIPP_LOG="$SCRATCH/$_n"
	timeout -k 5 45 "$SIPP" -sf "$SIPP_DIR/$_x" -i 127.0.0.1 -p "$_p" \
		-nostdin -m 1 -timeout 30s -timeout_error \
		-trace_msg -message_file "$SIPP_LOG.messages.log" "$@" \
		</dev/null >"$SIPP_LOG.out" 2>&1 &
	eval "PID_$_n=$!"
	BG_PIDS="$BG_PIDS $!"
}
start fast uas_register_423.xml "$PEER_PORT" -key contact_user fast \
	-key contact_port "$SIP_BASE"
start alg uas_register_challenge.xml $((PEER_PORT + 2)) -key challenge_line \
	'WWW-Authenticate: Digest realm="sipflow.test", nonce="n1", algorithm=SHA-999'
start nonce uas_register_challenge.xml $((PEER_PORT + 4)) -key challenge_line \
	'WWW-Authenticate: Digest realm="sipflow.test", algorithm=MD5'
start bare uas_register_challenge.xml $((PEER_PORT + 6)) -key challenge_line \
	'X-No-Challenge: here'
sleep 0.3
run_sipflow sipflow -c "$CONF" -s "$FLOW"
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"
for n in fast alg nonce bare; do
	eval "pid=\$PID_$n"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "$n: sipp $(rc_sipp "$rc") (see $SCRATCH/$n.messages.log)"
done

expect_count "$EV" '.ua=="fast" and .ev=="reg.state" and .state=="registered"
	and .expires==120' 1 "fast: registered for the Min-Expires"
grep -q '>;expires=120' "$SCRATCH/fast.messages.log" ||
	fail "fast: the second REGISTER did not ask for 120 s"
for who in alg nonce bare; do
	expect_count "$EV" ".ua==\"$who\" and .ev==\"reg.state\" and
		.state==\"failed\" and .code==401 and
		(.reason|test(\"cannot answer the challenge\"))" 1 \
		"$who: one failure saying the challenge cannot be answered"
	expect_count "$EV" ".ua==\"$who\" and .ev==\"error\" and
		.what==\"register\"" 1 "$who: an error event"
	expect_count "$EV" ".ua==\"$who\" and .ev==\"sip.tx\" and .retrans==false
		and (.first_line|startswith(\"REGISTER \"))" 1 "$who: no REGISTER after it"
	grep -q "$who: register: REGISTER to sip:127.0.0.1:[0-9]* failed: 401" "$ERR" ||
		fail "$who: no line on stderr"
done
expect_media "$EV" alice PCMU/8000 0 100 bob
echo "PASS: 423 handled; unanswerable challenges fail once and clearly"
