#!/bin/sh
# A PBX instance between two phones: alice and bob register with digest
# auth, alice dials bob's number at the PBX, and the PBX bridges the call
# as two legs of its own with its RTP relay between them.  Checked: the
# states relayed (180, 200), audio both ways through the relay (each
# phone's recording hears the other's tone), RFC 4733 digits across,
# a hold passed across, one media start per PBX leg, the per-leg
# counters, the mixed and stereo recordings of the bridged call, and
# the CDR line (RFC 4180) with its `cdr` event.
. "$srcdir/tests/lib.sh"
ports_for 60

PBX=$SIP_BASE
{
	pbx_conf "realm = test.sipflow" "account = 1001:alice-secret" \
		"account = 1002:bob-secret" "pbx_record = both" \
		"cdr = $SCRATCH/cdr.csv"
	pbx_phone alice 1001 1 alice-secret "source = tone:440" \
		"record = on" "record_mode = stereo"
	pbx_phone bob 1002 2 bob-secret "source = tone:660" \
		"record = on" "record_mode = stereo"
} >"$SCRATCH/conf"

cat >"$SCRATCH/flow" <<'FLOW'
alice: expect registered 5s
bob:   expect registered 5s
alice: call 1002
bob:   expect incoming 5s
bob:   ring
alice: expect ringing 5s
bob:   answer
alice: expect established 5s
bob:   expect established 5s
alice: wait 2s
alice: dtmf 15#
bob:   expect dtmf 15# 10s
alice: wait 2s
alice: hold
bob:   expect remote_held 5s
alice: expect held 5s
alice: wait 2s
alice: resume
bob:   expect established 5s
bob:   wait 2s
bob:   hangup
alice: expect terminated 5s
bob:   expect terminated 5s
FLOW

run_sipflow pbx -c "$SCRATCH/conf" -s "$SCRATCH/flow"
expect_rc 0

# registrations: both bound, challenged first (401), then 200
expect_count "$EV" '.ev=="pbx.reg" and .state=="registered"' 2 "two bindings"
# (the de-REGISTERs at the end too: libre sends them without credentials)
ok200=$(count_ev "$EV" '.ev=="sip.tx" and .ua=="pbx" and .first_line=="SIP/2.0 200 OK" and (.cseq|endswith("REGISTER"))')
[ "$ok200" -eq 4 ] || fail "$ok200 REGISTERs accepted, expected 2 and 2 de-REGISTERs"
expect_count "$EV" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("SIP/2.0 401"))' "$ok200" \
	"each REGISTER challenged before it was accepted"
expect_count "$EV" '.ev=="sip.tx" and .ua=="pbx" and (.first_line|startswith("SIP/2.0 407"))' 1 \
	"the INVITE challenged once"

# the route, and the two legs it made
R='.ev=="pbx.route"'
expect_count "$EV" "$R and .code==0 and .via==\"registered\" and .caller==\"1001\" and .callee==\"1002\"" 1 \
	"routed to bob's binding"
A=$(last_field "$EV" "$R" call)
B=$(last_field "$EV" "$R" leg)
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ] || fail "legs '$A' '$B'"
for leg in "$A" "$B"; do
	expect_count "$EV" ".ev==\"media.start\" and .ua==\"pbx\" and .call==\"$leg\"" 1 \
		"one media start on PBX leg $leg"
done
[ "$(jq -r "select(.ev==\"call.state\" and .call==\"$A\") | .state" "$EV" | tr '\n' ' ')" = \
	"incoming ringing established remote_held established terminated " ] ||
	fail "caller leg states: $(jq -r "select(.ev==\"call.state\" and .call==\"$A\") | .state" "$EV" | tr '\n' ' ')"
[ "$(jq -r "select(.ev==\"call.state\" and .call==\"$B\") | .state" "$EV" | tr '\n' ' ')" = \
	"calling ringing established held established terminated " ] ||
	fail "callee leg states: $(jq -r "select(.ev==\"call.state\" and .call==\"$B\") | .state" "$EV" | tr '\n' ' ')"
[ "$(states "$EV" bob)" = "incoming ringing established remote_held established terminated" ] ||
	fail "bob states: $(states "$EV" bob)"

# per-leg counters: every packet in went out on the other leg
for leg in "$A" "$B"; do
	S=".ev==\"rtp.stats\" and .ua==\"pbx\" and .call==\"$leg\""
	rx=$(last_field "$EV" "$S" rx_pkts)
	lost=$(last_field "$EV" "$S" lost)
	[ "$rx" -ge 300 ] || fail "PBX leg $leg received $rx packets"
	[ "$lost" -eq 0 ] || fail "PBX leg $leg lost $lost"
done
a_rx=$(last_field "$EV" ".ev==\"rtp.stats\" and .call==\"$A\"" rx_pkts)
b_tx=$(last_field "$EV" ".ev==\"rtp.stats\" and .call==\"$B\"" tx_pkts)
b_rx=$(last_field "$EV" ".ev==\"rtp.stats\" and .call==\"$B\"" rx_pkts)
a_tx=$(last_field "$EV" ".ev==\"rtp.stats\" and .call==\"$A\"" tx_pkts)
echo "relay: caller leg rx $a_rx -> callee leg tx $b_tx; callee leg rx $b_rx -> caller leg tx $a_tx"
# a packet arriving after the last tick of the other leg is all that may differ
[ $((a_rx - b_tx)) -ge -2 ] && [ $((a_rx - b_tx)) -le 2 ] ||
	fail "the relay sent $b_tx of $a_rx packets on to bob"
[ $((b_rx - a_tx)) -ge -2 ] && [ $((b_rx - a_tx)) -le 2 ] ||
	fail "the relay sent $a_tx of $b_rx packets on to alice"

# RFC 4733 crossed the relay as events
expect_count "$EV" '.ev=="dtmf.rx" and .ua=="bob" and .method=="rfc4733"' 3 \
	"bob got alice's three digits as RFC 4733"

# each phone heard the other through the PBX (left = received)
rec_of() { last_field "$EV" ".ev==\"rec.start\" and .ua==\"$1\"" path; }
for pair in alice:660 bob:440; do
	ua=${pair%:*} hz=${pair#*:}
	f=$(rec_of "$ua")
	[ -s "$f" ] || fail "no recording for $ua"
	got=$(peak_hz "$f" remix 1 trim 0.5 1.5)
	near "$got" "$hz" || fail "$ua heard $got Hz through the PBX, expected $hz"
done

# the PBX's recordings of the bridged call: mixed holds both tones, the
# stereo one the caller left and the callee right
mixed=$(jq -r "select(.ev==\"rec.start\" and .ua==\"pbx\" and .mode==\"mixed\") | .path" "$EV")
stereo=$(jq -r "select(.ev==\"rec.start\" and .ua==\"pbx\" and .mode==\"stereo\") | .path" "$EV")
[ -s "$mixed" ] && [ -s "$stereo" ] || fail "PBX recordings '$mixed' '$stereo'"
case $mixed in "$SCRATCH/rec/"*) ;; *) fail "mixed recording outside record_dir: $mixed" ;; esac
[ "$(soxi -c "$mixed")" = 1 ] && [ "$(soxi -c "$stereo")" = 2 ] ||
	fail "channels: mixed $(soxi -c "$mixed"), stereo $(soxi -c "$stereo")"
lo=$(band_rms "$mixed" 400-480 trim 0.2 1.5)
hi=$(band_rms "$mixed" 620-700 trim 0.2 1.5)
echo "mixed: 440 Hz band RMS $lo, 660 Hz band RMS $hi"
awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(a > 0.05 && b > 0.05) }' ||
	fail "the mixed recording lacks a party (440: $lo, 660: $hi)"
l=$(peak_hz "$stereo" remix 1 trim 0.2 1.5)
r=$(peak_hz "$stereo" remix 2 trim 0.2 1.5)
near "$l" 440 && near "$r" 660 || fail "stereo channels $l Hz / $r Hz, expected 440 / 660"
# the recording lasts as long as the call was up (answer to hangup)
secs=$(soxi -D "$mixed")
bill=$(last_field "$EV" '.ev=="cdr"' billsec)
awk -v s="$secs" -v b="$bill" 'BEGIN { d = s - b; exit !(d > -0.3 && d < 0.3) }' ||
	fail "mixed recording $secs s, call up $bill s"

# the call record
C='.ev=="cdr"'
expect_count "$EV" "$C" 1 "one cdr event"
[ "$(last_field "$EV" "$C" disposition)" = ANSWERED ] || fail "disposition"
[ "$(last_field "$EV" "$C" hangup_side)" = callee ] || fail "hangup side"
[ "$(last_field "$EV" "$C" codec_caller)" = PCMU ] || fail "codec caller"
[ "$(last_field "$EV" "$C" leg_callee)" = "$B" ] || fail "leg callee"
[ -s "$SCRATCH/cdr.csv" ] || fail "no cdr file"
lines=$(wc -l <"$SCRATCH/cdr.csv")
[ "$lines" -eq 2 ] || fail "cdr file has $lines lines, expected header + 1"
# RFC 4180: CRLF line ends
[ "$(tr -cd '\r' <"$SCRATCH/cdr.csv" | wc -c)" -eq 2 ] || fail "cdr lines must end in CRLF"
head -n 1 "$SCRATCH/cdr.csv" | grep -q '^start,answer,end,caller,callee,disposition,duration,billsec,' ||
	fail "cdr header: $(head -n 1 "$SCRATCH/cdr.csv")"
python3 - "$SCRATCH/cdr.csv" "$mixed" "$stereo" <<'PY' || fail "cdr line"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert len(rows) == 1, rows
r = rows[0]
assert r['caller'] == '1001' and r['callee'] == '1002', r
assert r['disposition'] == 'ANSWERED' and r['code'] == '200', r
assert r['codec_caller'] == 'PCMU' and r['codec_callee'] == 'PCMU', r
assert r['recording'] == sys.argv[2] + ';' + sys.argv[3], r
d, b = float(r['duration']), float(r['billsec'])
# up for the flow's waits: 2 s + 2 s + 2 s held + 2 s = 8 s
assert 0 < b <= d and b > 7.5, r
# bob answers at once: the answer may fall in the INVITE's millisecond
assert r['start'] <= r['answer'] < r['end'], r
print("cdr:", r['start'], r['disposition'], r['duration'], r['billsec'])
PY
echo "ok"
