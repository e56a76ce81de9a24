#!/bin/sh
# hold and resume between two instances, in the three hold styles.
#   sendonly: bob holds alice; alice stops sending (her side is recvonly),
#     bob goes on; the RTP sequence runs on without a gap; bob's stereo
#     recording keeps the call's wall-clock length and its received
#     channel is silent exactly while held.  Then alice holds bob as well
#     (held by both), lets go, and bob resumes.
#   inactive: nothing flows either way while held.
#   zero: the RFC 2543 offer (c=0.0.0.0): alice has nowhere to send.
. "$srcdir/tests/lib.sh"
ports_for 54
command -v sox >/dev/null || skip "sox not installed"

mkdir "$SCRATCH/rec"
BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
bob:   expect established 5s
bob:   record start stereo
bob:   wait 2s
bob:   hold
bob:   expect held 5s
alice: expect remote_held 5s
bob:   wait 3s
bob:   resume
bob:   expect established 5s
alice: expect established 5s
alice: wait 1s
alice: hold
alice: expect held 5s
bob:   expect remote_held 5s
bob:   hold
bob:   expect held 5s
alice: expect held 5s
alice: resume
alice: expect remote_held 5s
bob:   expect held 5s
bob:   resume
bob:   expect established 5s
alice: expect established 5s
bob:   wait 1500ms
bob:   hangup
alice: expect terminated 5s
FLOW
probe_start
run_sipflow hold -c "$SCRATCH/conf" -s "$SCRATCH/flow" -r "$SCRATCH/rec"
expect_rc 0
probe_stop
skipped=$(probe_skipped_ms)

[ "$(states "$EV" alice)" = "calling established remote_held established held held remote_held established terminated" ] ||
	fail "alice states: $(states "$EV" alice)"
[ "$(states "$EV" bob)" = "incoming established held established remote_held held held established terminated" ] ||
	fail "bob states: $(states "$EV" bob)"
holds() { jq -r "select(.ev==\"call.state\" and .ua==\"$1\" and .hold) | .hold" "$EV" | tr '\n' ' '; }
[ "$(holds alice)" = "remote local both remote " ] || fail "alice's hold fields: $(holds alice)"
[ "$(holds bob)" = "local remote both local " ] || fail "bob's hold fields: $(holds bob)"
expect_count "$EV" '.ev=="media.start"' 2 "one media start per side, whatever the re-INVITEs"
# bob's two hold offers, and his answer to alice's resume while he holds
expect_count "$EV" '.ev=="sdp.local" and .ua=="bob" and (.sdp|test("a=sendonly"))' 3 \
	"bob's SDP says a=sendonly while he holds"
expect_min "$EV" '.ev=="sdp.local" and .ua=="alice" and (.sdp|test("a=recvonly"))' 1 \
	"alice answers bob's hold with a=recvonly"

# The first hold: from bob's held to his established again.
t_held=$(jq -r 'select(.ev=="call.state" and .ua=="bob" and .state=="held") | .t' "$EV" | head -n 1)
t_back=$(jq -r "select(.ev==\"call.state\" and .ua==\"bob\" and .state==\"established\" and .t > $t_held) | .t" "$EV" | head -n 1)
echo "bob held alice from $t_held to $t_back s"
# alice's packets sent, every second: none while held (a second's report
# may straddle the change by a frame), and bob's go on.
in_hold() { jq -r "select(.ev==\"rtp.stats\" and .ua==\"$1\" and .t > $t_held + 0.05 and .t < $t_back - 0.05) | .$2" "$EV"; }
a_tx=$(in_hold alice tx_pkts | awk 'NR==1 {f=$1} {l=$1} END {print l - f}')
b_tx=$(in_hold bob tx_pkts | awk 'NR==1 {f=$1} {l=$1} END {print l - f}')
nstats=$(in_hold alice tx_pkts | wc -l)
echo "while held: alice sent $a_tx packets, bob $b_tx, over $nstats reports"
[ "$nstats" -ge 2 ] || fail "only $nstats rtp.stats of alice while held"
[ "$a_tx" -le 1 ] || fail "alice sent $a_tx packets while held sendonly"
[ "$b_tx" -ge $(( (nstats - 1) * 45 - skipped / 20 )) ] || fail "bob sent only $b_tx packets while holding"
[ "$(in_hold alice dir | sort -u)" = recvonly ] || fail "alice's stats dir while held: $(in_hold alice dir | sort -u)"
[ "$(in_hold bob dir | sort -u)" = sendonly ] || fail "bob's stats dir while held: $(in_hold bob dir | sort -u)"
# RFC 3550: the sequence runs on across the hold, so nothing looks lost.
lost=$(last_field "$EV" '.ev=="rtp.stats" and .ua=="bob"' lost)
[ "$lost" -eq 0 ] || fail "bob counts $lost packets lost across the hold"

# The recording: wall-clock length, and the held span silent on the left
# (what bob received), with alice's 440 Hz before and after.
rec=$(last_field "$EV" '.ev=="rec.start" and .ua=="bob"' path)
t_rec=$(last_field "$EV" '.ev=="rec.start" and .ua=="bob"' t)
t_end=$(last_field "$EV" '.ev=="rec.stop" and .ua=="bob"' t)
dur=$(soxi -D "$rec")
wall=$(echo "$t_end - $t_rec" | bc -l)
echo "recording: $dur s in the file, $wall s of wall clock (the machine skipped $skipped ms)"
[ "$(echo "d = $wall - $dur; d < 0.04 + $skipped / 1000 && d > -0.04" | bc -l)" = 1 ] ||
	fail "the recording is $dur s long, the call recorded for $wall s"
runs=$(silent_runs "$rec" 1)
echo "silent runs on the received channel (start s, ms):"; echo "$runs"
want_at=$(echo "$t_held - $t_rec" | bc -l)
want_ms=$(echo "($t_back - $t_held) * 1000" | bc -l)
echo "$runs" | awk -v at="$want_at" -v ms="$want_ms" '
	$1 > at - 0.2 && $1 < at + 0.2 && $2 > ms - 200 && $2 < ms + 200 { f = 1 }
	END { exit !f }' ||
	fail "no silent run of about ${want_ms%.*} ms at ${want_at} s on bob's received channel"
near "$(peak_hz "$rec" remix 1 trim 0.2 1.5)" 440 || fail "before the hold bob did not hear alice's 440 Hz"
near "$(peak_hz "$rec" remix 2 trim "$want_at" 2)" 660 || fail "bob's own 660 Hz is not on the right while he holds"
back_at=$(echo "$t_back - $t_rec + 0.3" | bc -l)
near "$(peak_hz "$rec" remix 1 trim "$back_at" 0.6)" 440 || fail "after the resume bob does not hear alice's 440 Hz"

# inactive and zero: the other styles, one hold each.
for style in inactive zero; do
	BOB_EXTRA="answer = auto
hold = $style"
	write_conf "$SCRATCH/conf"
	cat >"$SCRATCH/flow" <<'FLOW'
alice: call bob
alice: expect established 5s
bob:   expect established 5s
bob:   wait 1500ms
bob:   hold
bob:   expect held 5s
alice: expect remote_held 5s
bob:   wait 3s
bob:   resume
bob:   expect established 5s
bob:   wait 1500ms
bob:   hangup
alice: expect terminated 5s
FLOW
	run_sipflow "h_$style" -c "$SCRATCH/conf" -s "$SCRATCH/flow"
	expect_rc 0
	t_held=$(jq -r 'select(.ev=="call.state" and .ua=="bob" and .state=="held") | .t' "$EV")
	t_back=$(jq -r "select(.ev==\"call.state\" and .ua==\"bob\" and .state==\"established\" and .t > $t_held) | .t" "$EV")
	for ua in alice bob; do
		tx=$(in_hold $ua tx_pkts | awk 'NR==1 {f=$1} {l=$1} END {print l - f}')
		echo "$style: $ua sent $tx packets while held"
		[ "$tx" -le 1 ] || fail "hold = $style: $ua sent $tx packets while held"
	done
	case $style in
	inactive) expect_count "$EV" '.ev=="sdp.local" and .ua=="bob" and (.sdp|test("a=inactive"))' 1 \
			"bob's hold offer says a=inactive" ;;
	zero) expect_count "$EV" '.ev=="sdp.local" and .ua=="bob" and (.sdp|test("c=IN IP4 0.0.0.0"))' 1 \
			"bob's hold offer has c=0.0.0.0"
	      expect_min "$EV" '.ev=="media.update" and .ua=="alice" and (.remote|startswith("0.0.0.0:"))' 1 \
			"alice sees bob's c=0.0.0.0" ;;
	esac
	tx=$(last_field "$EV" '.ev=="rtp.stats" and .ua=="alice"' tx_pkts)
	[ "$tx" -ge 100 ] || fail "hold = $style: alice sent only $tx packets in all"
done
echo "ok"
