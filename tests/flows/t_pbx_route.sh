#!/bin/sh
# How a PBX instance routes, refuses and transcodes:
#  - a wrong password is refused (403) and never routed, REGISTER or INVITE;
#  - an account that is not registered now gets 480, an unknown number 404;
#  - a number of another local instance reaches it (here busy: 486 back);
#  - a prefix route reaches a URI with the rest of the number, over TCP
#    when the URI says so (the UDP PBX adds the transport);
#  - a CANCEL before the answer crosses the bridge (487 both legs);
#  - PCMA on one leg and PCMU on the other are transcoded: each side still
#    hears the other's tone, early media (183) included, and RFC 4733
#    digits cross;
#  - a REFER on a PBX leg is refused (603): the PBX places no call of
#    its own for a party;
#  - an RFC 4733 digit relayed to a party without telephone-event is
#    played to it as tones;
#  - each case leaves its CDR line with the right disposition and side.
. "$srcdir/tests/lib.sh"
ports_for 61

PBX=$SIP_BASE
{
	pbx_conf "account = 1001:alice-secret" "account = 1002:bob-secret" \
		"account = 1003:carol-secret" "account = 1004:eve-right" \
		"route = 7 sip:{rest}@127.0.0.1:$((SIP_BASE + 4))" \
		"route = 6 sip:{rest}@127.0.0.1:$((SIP_BASE + 6));transport=tcp" \
		"cdr = $SCRATCH/cdr.csv"
	pbx_phone alice 1001 1 alice-secret "source = tone:440" \
		"codecs = PCMA, telephone-event" "record = on" \
		"record_mode = stereo"
	pbx_phone bob 1002 2 bob-secret "source = tone:660" \
		"codecs = PCMU, telephone-event" "record = on" \
		"record_mode = stereo"
	pbx_phone eve 1004 3 eve-wrong
} >"$SCRATCH/conf"
cat >>"$SCRATCH/conf" <<CONF

[dave]
user = 5000
port = $((SIP_BASE + 4))
answer = auto
source = tone:1000

[frank]
user = 2000
port = $((SIP_BASE + 5))
answer = reject:486

[gina]
user = 6000
port = $((SIP_BASE + 6))
transport = tcp
answer = auto

[hank]
user = 7000
port = $((SIP_BASE + 7))
codecs = PCMU
answer = auto
CONF

cat >"$SCRATCH/flow" <<'FLOW'
alice: expect registered 5s
bob:   expect registered 5s
eve:   expect reg_failed 5s
eve:   call 1002
eve:   expect terminated 403 5s
alice: call 1003
alice: expect terminated 480 5s
alice: call 1999
alice: expect terminated 404 5s
alice: call 2000
alice: expect terminated 486 5s
alice: call 75000
alice: expect established 5s
alice: transfer 2000
alice: expect transfer_failed 603 5s
alice: wait 1s
alice: hangup
alice: expect terminated 5s
alice: call 66000
alice: expect established 5s
alice: hangup
alice: expect terminated 5s
alice: call 1002
bob:   expect incoming 5s
bob:   ring
alice: expect ringing 5s
alice: hangup
alice: expect terminated 487 5s
bob:   expect terminated 487 5s
alice: call 1002
bob:   expect incoming 5s
bob:   progress
alice: expect early 5s
bob:   wait 1s
bob:   answer
alice: expect established 5s
bob:   expect established 5s
alice: wait 2s
bob:   wait 1s
bob:   dtmf 42
alice: expect dtmf 42 5s
alice: wait 1s
alice: hangup
bob:   expect terminated 5s
bob:   call 7000
bob:   expect established 5s
bob:   dtmf 7
hank:  expect dtmf 7 30s
bob:   wait 1s
bob:   hangup
bob:   expect terminated 5s
hank:  expect terminated 200 10s
FLOW

run_sipflow route -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0

# eve: challenged, then refused for good; the PBX says why; bob never rang
expect_min "$EV" '.ev=="error" and .ua=="pbx" and .what=="auth" and (.detail|test("wrong password"))' 2 \
	"the PBX names the wrong password"
expect_count "$EV" '.ev=="pbx.reg" and .user=="1004"' 0 "eve never bound"
expect_count "$EV" '.ev=="pbx.route" and .caller=="1004"' 0 "eve never routed"
[ "$(jq -r 'select(.ev=="call.state" and .ua=="bob" and .state=="incoming") | .call' "$EV" | wc -l)" -eq 2 ] ||
	fail "bob rang for other calls than alice's two"

R='.ev=="pbx.route"'
expect_count "$EV" "$R and .callee==\"1003\" and .code==480" 1 "1003 known, not registered"
expect_count "$EV" "$R and .callee==\"1999\" and .code==404" 1 "1999 unknown"
expect_count "$EV" "$R and .callee==\"2000\" and .via==\"instance\"" 1 "2000 is frank"
expect_count "$EV" "$R and .callee==\"75000\" and .via==\"route\" and (.target|startswith(\"sip:5000@\"))" 1 \
	"7 + 5000 goes by the route to dave"
expect_count "$EV" '.ev=="call.state" and .ua=="dave" and .state=="established"' 1 "dave answered"
expect_count "$EV" '.ev=="sip.tx" and .ua=="pbx" and .first_line=="SIP/2.0 603 Decline" and (.cseq|endswith("REFER"))' 1 \
	"the PBX declined alice's REFER"
expect_count "$EV" '.ev=="call.state" and .ua=="frank" and .state=="incoming"' 1 \
	"frank got the call to 2000, and none from the REFER"
expect_count "$EV" '.ev=="sip.rx" and .ua=="gina" and (.first_line|startswith("INVITE")) and (.remote|endswith("/TCP"))' 1 \
	"the PBX reached the TCP-only gina over TCP"
expect_count "$EV" '.ev=="call.state" and .ua=="gina" and .state=="established"' 1 "gina answered"

# dispositions, in call order
disp=$(jq -r 'select(.ev=="cdr") | "\(.callee):\(.disposition):\(.code):\(.hangup_side)"' "$EV" | tr '\n' ' ')
echo "cdr: $disp"
[ "$disp" = "1003:FAILED:480:pbx 1999:FAILED:404:pbx 2000:BUSY:486:callee 75000:ANSWERED:200:caller 66000:ANSWERED:200:caller 1002:NO ANSWER:487:caller 1002:ANSWERED:200:caller 7000:ANSWERED:200:caller " ] ||
	fail "dispositions: $disp"
[ "$(wc -l <"$SCRATCH/cdr.csv")" -eq 9 ] || fail "cdr file: $(cat "$SCRATCH/cdr.csv")"
# a field with a space is not quoted, one with a comma would be: RFC 4180
python3 - "$SCRATCH/cdr.csv" <<'PY' || fail "cdr file does not parse as CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert [r['disposition'] for r in rows] == ['FAILED', 'FAILED', 'BUSY', 'ANSWERED', 'ANSWERED', 'NO ANSWER', 'ANSWERED', 'ANSWERED'], rows
assert all(r['answer'] == '' for r in rows if r['disposition'] != 'ANSWERED')
assert all(float(r['billsec']) == 0 for r in rows if r['disposition'] != 'ANSWERED')
PY

# the cancelled call: CANCEL crossed, both legs 487
cancelled=$(jq -r 'select(.ev=="cdr" and .disposition=="NO ANSWER") | .leg_callee' "$EV")
expect_count "$EV" ".ev==\"call.state\" and .call==\"$cancelled\" and .state==\"terminated\" and .code==487" 1 \
	"the callee leg was cancelled"
expect_count "$EV" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("CANCEL"))' 1 \
	"the PBX sent one CANCEL"

# bob (PCMU, RFC 4733) to hank (PCMU without telephone-event): relayed,
# and bob's digit reaches hank as tones the PBX makes
expect_count "$EV" '.ev=="dtmf.rx" and .ua=="hank" and .digit=="7" and .method=="inband"' 1 \
	"hank heard bob's RFC 4733 digit as tones"
expect_count "$EV" '.ev=="dtmf.tx" and .ua=="pbx" and .digit=="7" and .method=="inband"' 1 \
	"the PBX played it into hank's leg"

# alice's last call was transcoded: PCMA to alice, PCMU to bob
last=$(jq -r 'select(.ev=="cdr" and .caller=="1001") | "\(.codec_caller)/\(.codec_callee)"' "$EV" | tail -n 1)
[ "$last" = "PCMA/PCMU" ] || fail "codecs of the last call: $last"
for pair in alice:660 bob:440; do
	ua=${pair%:*} hz=${pair#*:}
	# that call: alice's last, and bob's last incoming one
	c=$(last_field "$EV" ".ev==\"call.state\" and .ua==\"$ua\" and (.state==\"calling\" or .state==\"incoming\") and .peer!=\"sip:7000@127.0.0.1:$PBX\"" call)
	f=$(last_field "$EV" ".ev==\"rec.start\" and .call==\"$c\"" path)
	got=$(peak_hz "$f" remix 1 trim 0.5 1)
	near "$got" "$hz" || fail "$ua heard $got Hz across the transcoding, expected $hz"
done
# bob's 183 came through as the PBX's own 183, and its early media with it
expect_count "$EV" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("SIP/2.0 183"))' 1 \
	"the PBX passed bob's 183 on"
early=$(jq -r 'select(.ev=="call.state" and .ua=="alice" and .state=="early") | .call' "$EV")
[ -n "$early" ] || fail "alice saw no early media"
t_early=$(last_field "$EV" ".ev==\"call.state\" and .call==\"$early\" and .state==\"early\"" t)
t_up=$(last_field "$EV" ".ev==\"call.state\" and .call==\"$early\" and .state==\"established\"" t)
f=$(last_field "$EV" ".ev==\"rec.start\" and .call==\"$early\"" path)
# alice records from her first frame of media: the early second is bob
got=$(peak_hz "$f" remix 1 trim 0.2 0.6)
echo "alice early media: $got Hz, early at $t_early s, answered at $t_up s"
near "$got" 660 || fail "alice heard $got Hz of early media, expected bob's 660"
expect_count "$EV" '.ev=="dtmf.rx" and .ua=="alice" and .method=="rfc4733"' 2 \
	"bob's digits reached alice as RFC 4733 across the transcoding"
echo "ok"
