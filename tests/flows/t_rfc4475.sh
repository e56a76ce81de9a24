#!/bin/sh
# RFC 4475's 49 torture messages (tests/rfc4475/*.msg, each naming its
# section and the answer this agent owes), sent one by one over UDP, each
# to an instance of its own: the RFC's messages reuse branches, so two of
# them at one instance would be one transaction (RFC 3261 17.2.3).
#
# For each: the answer is the one its file names ("-": none), a refusal is
# an `error` event naming the sender's address, a 405/501 carries Allow, a
# 420 Unsupported with the extensions, a 415 Accept; and afterwards the
# instance still completes a normal call (sip_probe -c).  sipflow stays
# up throughout and exits 0.
#
# The answers go where each message's Via says -- the sender's address,
# but port 5060 (or the Via's) -- so the test runs in a network namespace
# of its own, where it may listen on 5060 and nothing can leave loopback.
if [ -z "${SIPFLOW_IN_NETNS:-}" ]; then
	if unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then
		SIPFLOW_IN_NETNS=1 exec unshare -rn sh -c \
			'ip link set lo up && exec sh "$0"' "$0"
	fi
	echo "SKIP: no network namespace (unshare -rn) for RFC 4475" >&2
	exit 77
fi
. "$srcdir/tests/lib.sh"
PROBE="$top_builddir/tests/tools/sip_probe"
DATA="$srcdir/tests/rfc4475"
CONF="$SCRATCH/sipflow.conf"
FLOW="$SCRATCH/flow.txt"

# one instance per message, on ports of the namespace's own
{
	printf '[general]\nrtp_ports = 20000-29999\n'
	i=0
	for f in "$DATA"/*.msg; do
		name=$(basename "$f" .msg)
		printf '\n[%s]\nuser = %s\nport = %d\nanswer = auto\n' \
			"$name" "$name" $((7000 + i))
		printf 'codecs = PCMU, PCMA, telephone-event\n'
		i=$((i + 1))
	done
} >"$CONF"
[ "$i" -eq 49 ] || fail "expected RFC 4475's 49 messages, found $i"
LAST=$name
echo "$LAST: expect terminated 120s" >"$FLOW"   # its normal call, last

SIPFLOW_TIMEOUT=150 sipflow_start sipflow -c "$CONF" -s "$FLOW"
tries=100
until [ "$(count_ev "$EV" '.ev=="ua.ready"')" -eq 49 ]; do
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || fail "sipflow did not start its 49 instances"
	sleep 0.1
done

i=0
for f in "$DATA"/*.msg; do
	name=$(basename "$f" .msg)
	port=$((7000 + i))
	i=$((i + 1))
	want=$(sed -n 's/^# expect: //p' "$f")
	out="$SCRATCH/$name.out"
	case $want in
	-) "$PROBE" -l 5060 -a 5050 -w 500 "127.0.0.1:$port" "$f" >"$out" ;;
	*) "$PROBE" -l 5060 -a 5050 -w 5000 "127.0.0.1:$port" "$f" >"$out" ;;
	esac
	got=$(sed -n 's/^final: //p' "$out")
	[ "$want" = - ] && want=0
	[ "$got" = "$want" ] ||
		fail "$name: answered $got, expected $want ($(sed -n 3p "$f"))"

	# the headers a refusal owes
	case $want in
	405|501) grep -q '^Allow: .*INVITE' "$out" || fail "$name: $want without Allow" ;;
	420) grep -q '^Unsupported: nothingSupportsThis, nothingSupportsThisEither$' \
		"$out" || fail "$name: 420 without Unsupported listing both" ;;
	415) grep -q '^Accept: application/sdp' "$out" || fail "$name: 415 without Accept" ;;
	esac

	"$PROBE" -c -l 5070 -w 5000 "127.0.0.1:$port" >"$SCRATCH/$name.call" ||
		fail "$name: no normal call after it"
	echo "$name: $got, then a normal call"
done

sipflow_wait
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

# everything answered was seen as sip.rx naming its sender, and each of
# our refusals is an error event that names it too (wsinv's 481 is libre's
# session layer's, seen only as sip.rx and sip.tx)
for f in "$DATA"/*.msg; do
	name=$(basename "$f" .msg)
	want=$(sed -n 's/^# expect: //p' "$f")
	[ "$want" = - ] && continue
	expect_min "$EV" ".ev==\"sip.rx\" and .ua==\"$name\" and
		.remote==\"127.0.0.1:5060/UDP\"" 1 "$name: seen as sip.rx"
	case $want in 4[0-7]?|501)
		[ "$want" = 481 ] && continue
		expect_count "$EV" ".ev==\"error\" and .ua==\"$name\" and
			(.detail|contains(\" from 127.0.0.1:5060 refused: $want \"))" 1 \
			"$name: an error event for the $want"
	esac
done
# a valid INVITE is a call, its unreadable rtpmap left out with a word
expect_count "$EV" '.ev=="call.state" and .ua=="esc01" and
	.state=="established"' 2 "esc01: its call and the normal one"
expect_count "$EV" '.ev=="error" and .ua=="esc01" and .what=="sdp" and
	(.detail|contains("left out 1 malformed SDP line"))' 1 \
	"esc01: the rtpmap left out, and said so"
# what libre decoded is seen, answered or not
for name in unreason noreason bcast bigcode scalarlg; do
	expect_count "$EV" ".ev==\"sip.rx\" and .ua==\"$name\" and
		.remote==\"127.0.0.1:5060/UDP\"" 1 "$name: seen as sip.rx"
done
expect_count "$EV" '.ev=="call.state" and .state=="established"' 50 \
	"49 normal calls and esc01's"
echo "PASS: RFC 4475 torture messages answered as the RFC says"
