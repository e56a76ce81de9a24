#!/bin/sh
# Two real softphones through a sipflow PBX instance (mode = pbx), all on
# 127.0.0.1: baresip 1.0.0 is account 1001 (sends a 500 Hz tone from a
# WAV file), linphonec 5.1 is account 1002 (1200 Hz, from a WAV file).
# Both REGISTER with digest auth (401, then 200); then
#  1. baresip calls 1002 at the PBX (407, then routed to linphonec's
#     binding; linphonec answers at once), ~4 s, baresip hangs up;
#  2. linphonec calls 1001 the same way (baresip answers), ~4 s,
#     linphonec hangs up.
# Checked, per call: the route (pbx.route to the registered contact), one
# media start per PBX leg, each phone's recording of what it received
# peaks at the other's tone, the PBX's mixed recording holds both tones
# and its stereo one has the caller left and the callee right, the CDR
# line (caller, callee, ANSWERED, code 200, billsec > 0, hangup side, the
# codecs, the recordings, the caller's Call-ID) and its cdr event; both
# phones de-register when they quit.
# (Under `make check` this runs with /bin/sh: the helpers need bash.)
[ -n "${BASH_VERSION:-}" ] || { command -v bash >/dev/null 2>&1 || exit 77; exec bash "$0" "$@"; }
. "${srcdir:-.}/tests/lib.sh"
ports_for 64
. "$TESTS_DIR/interop/baresip/baresip.sh"
. "$TESTS_DIR/interop/linphone/linphone.sh"
baresip_require
linphone_require
sf_require
for t in sox soxi python3; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
export BARESIP_SIP_TRACE=1

PBX=$SIP_BASE
BS=$SCRATCH/baresip BLOG=$SCRATCH/baresip.log   # 1001: SIP PEER_PORT (+1 TLS, +2 ctrl)
LP=$SCRATCH/linphone                            # 1002: SIP PEER_PORT+3
LP_PORT=$((PEER_PORT + 3))
BS_HZ=500 LP_HZ=1200
EXPIRES=300

# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() {
	st=$?
	if [ "$st" = 1 ]; then
		{
			baresip_dump "$BLOG"
			echo "---- linphonec stdout ($LP/out)"
			tail -n 40 "$LP/out" 2>/dev/null
			echo "---- linphonec SIP (last 80 lines, $LP/log)"
			linphone_sip "$LP" 2>/dev/null | grep -Ev '^[a-z]=|^$' | tail -n 80
		} >&2
	fi
	# a phone still running has lost the test: kill it outright, or it
	# would de-register at the PBX that cleanup stops first and wait 32 s
	# (timer F) for an answer.  Only a child not yet waited for (still in
	# BG_PIDS), whose pid cannot have been reused.
	for d in "$BS" "$LP"; do
		p=$(cat "$d/pid" 2>/dev/null) || continue
		case " $BG_PIDS " in *" $p "*) kill -KILL "$p" 2>/dev/null || true ;; esac
	done
	cleanup
}
trap on_exit EXIT

# the PBX: it ends after both calls (plus time for the phones to
# de-register); each expect fails the run if its call never comes
cat >"$CONF" <<CONF
[general]
rtp_ports = $RTP_LO-$RTP_HI
record_dir = $SCRATCH/rec

[pbx]
mode = pbx
port = $PBX
account = 1001:baresip-secret
account = 1002:linphone-secret
pbx_record = both
cdr = $SCRATCH/cdr.csv
CONF
cat >"$FLOW" <<'FLOW'
pbx/#1: expect established 30s
pbx/#1: expect terminated 30s
pbx/#3: expect established 30s
pbx/#3: expect terminated 30s
pbx: wait 10s
FLOW
sipflow_start sipflow -c "$CONF" -s "$FLOW"
udp_bound "$PBX" 10 || fail "sipflow did not bind UDP 127.0.0.1:$PBX"

# the tones, longer than any call (baresip's aufile hangs up at the end)
sox -n -r 8000 -c 1 -b 16 "$SCRATCH/bs.wav" synth 60 sine $BS_HZ vol 0.5
sox -n -r 8000 -c 1 -b 16 "$SCRATCH/lp.wav" synth 60 sine $LP_HZ vol 0.5

baresip_setup "$BS" "$PEER_PORT" "$PEER_RTP" "$SCRATCH/bs.wav" 1001 auto
# an account at the PBX: registers there (the AOR's host:port) with digest
echo "<sip:1001@127.0.0.1:$PBX>;auth_pass=baresip-secret;regint=$EXPIRES;answermode=auto;audio_codecs=PCMU/8000/1,PCMA/8000/1" \
	>"$BS/accounts"
LINPHONE_EXPIRES=$EXPIRES linphone_setup "$LP" "$LP_PORT" $((PEER_RTP + 10)) \
	1002 linphone-secret "127.0.0.1:$PBX"

baresip_start "$BS" "$BLOG"
linphone_start "$LP" -a
linphone_files "$LP" "$SCRATCH/lp.wav" "$LP/rx1.wav" ||
	fail "linphonec did not take its sound files"

R='.ev=="pbx.reg" and .state=="registered"'
wait_event "$EV" "$R and .user==\"1001\"" 20 || fail "baresip (1001) did not register"
wait_event "$EV" "$R and .user==\"1002\"" 20 || fail "linphonec (1002) did not register"

# poll SECS CMD...: until CMD succeeds, false after SECS
poll() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.1
	done
}
routed() { [ "$(count_ev "$EV" '.ev=="pbx.route"' 2>/dev/null)" -ge "$1" ]; }
# wait_legs N: the Nth routed call's legs in A and B, once the PBX got
# 4 s of audio from each party
wait_legs() {
	poll 20 routed "$1" || fail "call $1 was not routed"
	A=$(jq -r 'select(.ev=="pbx.route") | .call' "$EV" | sed -n "${1}p")
	B=$(jq -r 'select(.ev=="pbx.route") | .leg' "$EV" | sed -n "${1}p")
	for l in "$A" "$B"; do
		wait_event "$EV" ".ev==\"rtp.stats\" and .call==\"$l\" and .rx_pkts>=200" 20 ||
			fail "call $1: PBX leg $l did not get 200 RTP packets"
	done
}
ge() { [ "$($1 "$2")" -ge "$3" ]; }

# 1. baresip -> PBX -> linphonec
baresip_cmd "$BS" dial "sip:1002@127.0.0.1:$PBX" >/dev/null || fail "baresip: dial failed"
poll 20 ge baresip_calls_established "$BLOG" 1 || fail "call 1: baresip not established"
poll 20 ge linphone_calls_up "$LP" 1 || fail "call 1: linphonec has no media"
wait_legs 1
A1=$A B1=$B
baresip_cmd "$BS" hangup >/dev/null || fail "baresip: hangup failed"
wait_event "$EV" '.ev=="cdr"' 20 || fail "call 1: no cdr"
poll 20 ge linphone_calls_ended "$LP" 1 || fail "call 1: linphonec did not see it end"
poll 20 ge baresip_calls_ended "$BLOG" 1 || fail "call 1: baresip did not see it end"

# 2. linphonec -> PBX -> baresip
linphone_files "$LP" "$SCRATCH/lp.wav" "$LP/rx2.wav" ||
	fail "linphonec did not take its sound files"
linphone_cmd "$LP" call "sip:1001@127.0.0.1:$PBX" || fail "linphonec is gone"
poll 20 ge linphone_calls_up "$LP" 2 || fail "call 2: linphonec has no media"
poll 20 ge baresip_calls_established "$BLOG" 2 || fail "call 2: baresip not established"
wait_legs 2
A2=$A B2=$B
linphone_cmd "$LP" terminate || fail "linphonec is gone"
poll 20 ge linphone_calls_ended "$LP" 2 || fail "call 2: linphonec did not see it end"
poll 20 ge baresip_calls_ended "$BLOG" 2 || fail "call 2: baresip did not see it end"

baresip_quit "$BS" 15 || fail "baresip exit status $?"
linphone_quit "$LP" 15 || fail "linphonec exit status $?"
U='.ev=="pbx.reg" and .state=="unregistered"'
wait_event "$EV" "$U and .user==\"1001\"" 10 || fail "baresip did not de-register"
wait_event "$EV" "$U and .user==\"1002\"" 10 || fail "linphonec did not de-register"
sipflow_wait
expect_rc 0

# registrations: each phone's first REGISTER challenged (401), then bound
# to the contact it sent, from its own port, for as long as it asked
for p in "1001:$PEER_PORT" "1002:$LP_PORT"; do
	u=${p%:*} port=${p#*:}
	S="$R and .user==\"$u\""
	expect_count "$EV" "$S" 1 "$u bound once"
	[ "$(last_field "$EV" "$S" remote)" = "127.0.0.1:$port" ] ||
		fail "$u registered from $(last_field "$EV" "$S" remote)"
	[ "$(last_field "$EV" "$S" expires)" = "$EXPIRES" ] ||
		fail "$u bound for $(last_field "$EV" "$S" expires) s, asked $EXPIRES"
	first=$(jq -r "select(.ev==\"sip.tx\" and .remote==\"127.0.0.1:$port/UDP\" and
		(.cseq|endswith(\" REGISTER\"))) | .first_line" "$EV" | head -n 1)
	[ "$first" = "SIP/2.0 401 Unauthorized" ] ||
		fail "$u: first answer to its REGISTER was '$first', expected the 401 challenge"
done
c1=$(last_field "$EV" "$R and .user==\"1001\"" contact)
c2=$(last_field "$EV" "$R and .user==\"1002\"" contact)
case $c1 in "sip:1001"*"@127.0.0.1:$PEER_PORT") ;; *) fail "baresip's contact $c1" ;; esac
case $c2 in "sip:1002@127.0.0.1:$LP_PORT"*) ;; *) fail "linphonec's contact $c2" ;; esac
expect_count "$EV" '.ev=="error"' 0 "no error event"

# the routes, and the legs they made; each INVITE was challenged (407)
RT='.ev=="pbx.route" and .code==0 and .via=="registered"'
expect_count "$EV" "$RT and .caller==\"1001\" and .callee==\"1002\" and .target==\"$c2\" and .call==\"$A1\"" 1 \
	"call 1 routed to linphonec's binding"
expect_count "$EV" "$RT and .caller==\"1002\" and .callee==\"1001\" and .target==\"$c1\" and .call==\"$A2\"" 1 \
	"call 2 routed to baresip's binding"
expect_count "$EV" '.ev=="sip.tx" and (.first_line|startswith("SIP/2.0 407"))' 2 \
	"each INVITE challenged once"
for leg in "$A1" "$B1" "$A2" "$B2"; do
	expect_count "$EV" ".ev==\"media.start\" and .call==\"$leg\"" 1 "one media start on PBX leg $leg"
	[ "$(last_field "$EV" ".ev==\"media.start\" and .call==\"$leg\"" codec)" = PCMU/8000 ] ||
		fail "PBX leg $leg: codec $(last_field "$EV" ".ev==\"media.start\" and .call==\"$leg\"" codec)"
done

# audio both ways: what each phone received is the other's tone
check_hz() { # FILE WANT WHO
	[ -s "$1" ] || fail "$3: no recording $1"
	_hz=$(peak_hz "$1" remix 1 trim 0.5 2.5)
	echo "$3 heard $_hz Hz"
	near "$_hz" "$2" || fail "$3 heard $_hz Hz, expected $2"
}
# baresip's sndfile dumps, one pair per call, named by the second it began
[ "$(ls "$BS"/snd/*-dec.wav | wc -l)" -eq 2 ] ||
	fail "baresip dumped $(ls "$BS"/snd/*-dec.wav | wc -l) received streams, expected 2"
bs_dec1=$(ls "$BS"/snd/*-dec.wav | sed -n 1p)
bs_dec2=$(ls "$BS"/snd/*-dec.wav | sed -n 2p)
check_hz "$LP/rx1.wav" $BS_HZ "call 1: linphonec (callee)"
check_hz "$bs_dec1" $LP_HZ "call 1: baresip (caller)"
check_hz "$LP/rx2.wav" $BS_HZ "call 2: linphonec (caller)"
check_hz "$bs_dec2" $LP_HZ "call 2: baresip (callee)"

# the PBX's recordings: the mixed one holds both tones, the stereo one the
# caller left and the callee right
for n in 1 2; do
	eval "leg=\$A$n"
	mixed=$(last_field "$EV" ".ev==\"rec.start\" and .ua==\"pbx\" and .call==\"$leg\" and .mode==\"mixed\"" path)
	stereo=$(last_field "$EV" ".ev==\"rec.start\" and .ua==\"pbx\" and .call==\"$leg\" and .mode==\"stereo\"" path)
	[ -s "$mixed" ] && [ -s "$stereo" ] || fail "call $n: PBX recordings '$mixed' '$stereo'"
	case $mixed in "$SCRATCH/rec/"*) ;; *) fail "mixed recording outside record_dir: $mixed" ;; esac
	[ "$(soxi -c "$mixed")" = 1 ] && [ "$(soxi -c "$stereo")" = 2 ] ||
		fail "call $n: channels: mixed $(soxi -c "$mixed"), stereo $(soxi -c "$stereo")"
	lo=$(band_rms "$mixed" $((BS_HZ - 50))-$((BS_HZ + 50)) trim 0.5 2.5)
	hi=$(band_rms "$mixed" $((LP_HZ - 50))-$((LP_HZ + 50)) trim 0.5 2.5)
	echo "call $n mixed: $BS_HZ Hz band RMS $lo, $LP_HZ Hz band RMS $hi"
	awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(a > 0.1 && b > 0.1) }' ||
		fail "call $n: the mixed recording lacks a party ($BS_HZ: $lo, $LP_HZ: $hi)"
	l=$(peak_hz "$stereo" remix 1 trim 0.5 2.5)
	r=$(peak_hz "$stereo" remix 2 trim 0.5 2.5)
	if [ $n = 1 ]; then wl=$BS_HZ wr=$LP_HZ; else wl=$LP_HZ wr=$BS_HZ; fi
	near "$l" "$wl" && near "$r" "$wr" ||
		fail "call $n: stereo channels $l Hz / $r Hz, expected caller $wl / callee $wr"
	eval "MIXED$n=\$mixed STEREO$n=\$stereo"
done

# the call records: two cdr events, and the file (RFC 4180, CRLF)
expect_count "$EV" '.ev=="cdr"' 2 "two cdr events"
[ -s "$SCRATCH/cdr.csv" ] || fail "no cdr file"
[ "$(wc -l <"$SCRATCH/cdr.csv")" -eq 3 ] || fail "cdr file: $(wc -l <"$SCRATCH/cdr.csv") lines, expected header + 2"
[ "$(tr -cd '\r' <"$SCRATCH/cdr.csv" | wc -c)" -eq 3 ] || fail "cdr lines must end in CRLF"
head -n 1 "$SCRATCH/cdr.csv" | tr -d '\r' | grep -qx \
	'start,answer,end,caller,callee,disposition,duration,billsec,code,reason,hangup_side,codec_caller,codec_callee,recording,sip_callid,leg_caller,leg_callee' ||
	fail "cdr header: $(head -n 1 "$SCRATCH/cdr.csv")"
cid1=$(last_field "$EV" ".ev==\"call.state\" and .call==\"$A1\"" sip_callid)
cid2=$(last_field "$EV" ".ev==\"call.state\" and .call==\"$A2\"" sip_callid)
# the caller's Call-ID is the one each phone sent
tr -d '\r' <"$BLOG" | grep -Fqx "Call-ID: $cid1" || fail "baresip never sent Call-ID $cid1"
linphone_sip "$LP" | grep -Fqx "Call-ID: $cid2" || fail "linphonec never sent Call-ID $cid2"
python3 - "$SCRATCH/cdr.csv" "$EV" \
	"1001,1002,caller,$MIXED1;$STEREO1,$cid1,$A1,$B1" \
	"1002,1001,caller,$MIXED2;$STEREO2,$cid2,$A2,$B2" <<'PY' || fail "cdr"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
evs = [e for e in map(json.loads, open(sys.argv[2])) if e.get('ev') == 'cdr']
assert len(rows) == 2 and len(evs) == 2, (rows, evs)
for r, e, want in zip(rows, evs, sys.argv[3:]):
    caller, callee, side, rec, cid, la, lb = want.split(',')
    assert r['caller'] == caller and r['callee'] == callee, r
    assert r['disposition'] == 'ANSWERED' and r['code'] == '200', r
    assert r['hangup_side'] == side, r
    assert r['codec_caller'] == 'PCMU' and r['codec_callee'] == 'PCMU', r
    assert r['recording'] == rec, (r['recording'], rec)
    assert r['sip_callid'] == cid, r
    assert r['leg_caller'] == la and r['leg_callee'] == lb, r
    d, b = float(r['duration']), float(r['billsec'])
    assert 0 < b <= d and b >= 3.5, r
    assert r['start'] <= r['answer'] < r['end'], r
    for k, v in r.items():          # the event says the same
        ev = e[k]
        assert (str(ev) == v or (isinstance(ev, float) and abs(ev - float(v)) < 0.001)
                or (isinstance(ev, int) and str(ev) == v)), (k, ev, v)
    print("cdr: %s -> %s %s billsec %s code %s" % (caller, callee, r['disposition'],
                                                   r['billsec'], r['code']))
PY
echo "PASS: baresip and linphonec through the PBX, both ways"
