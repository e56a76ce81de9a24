# shellcheck shell=bash
# The body of t_baresip_tcp.sh and t_baresip_tls.sh (sourced, bash):
# SIP over TP (tcp or tls) with baresip 1.0.0, both ways.  sipflow alice
# (transport = TP) calls baresip bob at ;transport=TP (TLS: bob's TLS
# port, PORT+1, with a 2048-bit certificate made here by openssl), then
# baresip calls sipflow carol (TP; TLS: serving that certificate as
# tls_cert).  Each call carries audio both ways; the INVITE's Via says
# TP and its Contact carries ;transport=TP; the peer's BYE comes back
# over it.  Set TP and call ports_for first.
. "$TESTS_DIR/interop/baresip/baresip.sh"
baresip_require
sf_require
if [ "$TP" = tls ]; then
	command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
fi
TPU=$(echo "$TP" | tr a-z A-Z)
export BARESIP_SIP_TRACE=1

UAS=$SCRATCH/bob BLOG=$SCRATCH/baresip-bob.log
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() { st=$?; [ "$st" = 1 ] && baresip_dump "$BLOG" >&2; cleanup; }
trap on_exit EXIT

# 1. sipflow -> baresip
baresip_setup "$UAS" "$PEER_PORT" "$PEER_RTP" sine:880 bob auto
bob_port=$PEER_PORT
if [ "$TP" = tls ]; then
	# baresip's TLS listens on PORT+1, with a certificate made here
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-keyout "$UAS/cert.pem" -out "$UAS/cert.pem" >/dev/null 2>&1 ||
		fail "openssl could not make a certificate"
	echo "sip_certificate		$UAS/cert.pem" >>"$UAS/config"
	bob_port=$((PEER_PORT + 1))
fi
baresip_start_uas "$UAS" "$BLOG"
sf_conf alice 1001 manual
echo "transport = $TP" >>"$CONF"
cat >"$FLOW" <<FLOW
alice: call sip:bob@127.0.0.1:$bob_port;transport=$TP
alice: expect established 5s
alice: wait 3s
alice: hangup
alice: expect terminated 5s
FLOW
run_sipflow sipflow -c "$CONF" -s "$FLOW"
[ "$RC" -eq 0 ] || fail "sipflow -> baresip: exit status $(rc_words "$RC")"
baresip_wait_log "$BLOG" ': Call with .* terminated' 5 || fail "baresip: call did not end"
baresip_quit "$UAS" || fail "baresip exit status $?"
expect_count "$EVENTS" ".ev==\"sip.tx\" and (.first_line|startswith(\"INVITE \")) and
	(.remote|endswith(\"/$TPU\"))" 1 "the INVITE went over $TPU"
tr -d '\r' <"$BLOG" | grep -q "^Via: SIP/2.0/$TPU 127.0.0.1:" ||
	fail "baresip saw no $TPU Via"
tr -d '\r' <"$BLOG" | grep -q '^Contact: <sip:1001@127.0.0.1:'"$SIP_BASE;transport=$TP>" ||
	fail "baresip saw no Contact with ;transport=$TP"
expect_media "$EVENTS" alice PCMU/8000 0 100 baresip
btx=$(baresip_tx_packets "$BLOG") brx=$(baresip_rx_packets "$BLOG")
[ "${brx:-0}" -ge 100 ] && [ "${btx:-0}" -ge 100 ] ||
	fail "baresip sent ${btx:-no} and received ${brx:-no} RTP packets"

# 2. baresip -> sipflow
UAC=$SCRATCH/alice BLOG=$SCRATCH/baresip-alice.log
sf_conf carol 1003 auto
echo "transport = $TP" >>"$CONF"
# over TLS, carol serves the certificate made above (tls_cert)
[ "$TP" = tcp ] || echo "tls_cert = $UAS/cert.pem" >>"$CONF"
cat >"$FLOW" <<FLOW
carol: expect incoming 10s
carol: expect established 5s
carol: expect terminated 20s
FLOW
sipflow_start sipflow2 -c "$CONF" -s "$FLOW"
wait_event "$SCRATCH/sipflow2.jsonl" '.ev=="ua.ready"' 5 ||
	fail "sipflow did not start"
baresip_setup "$UAC" $((PEER_PORT + 5)) $((PEER_RTP + 10)) sine:880 alice
if [ "$TP" = tls ]; then
	cp "$UAS/cert.pem" "$UAC/cert.pem"
	echo "sip_certificate		$UAC/cert.pem" >>"$UAC/config"
fi
dial_rc=0
baresip_dial "$UAC" "$BLOG" "sip:1003@127.0.0.1:$SIP_BASE;transport=$TP" 3 || dial_rc=$?
sipflow_wait
[ "$RC" -eq 0 ] || fail "baresip -> sipflow: exit status $(rc_words "$RC")"
[ "$dial_rc" -eq 0 ] || fail "baresip_dial failed ($dial_rc)"
expect_count "$EV" ".ev==\"sip.rx\" and (.first_line|startswith(\"INVITE \")) and
	(.remote|endswith(\"/$TPU\"))" 1 "the INVITE came over $TPU"
expect_count "$EV" ".ev==\"sip.rx\" and (.first_line|startswith(\"BYE \")) and
	(.remote|endswith(\"/$TPU\"))" 1 "baresip's BYE came over $TPU"
expect_media "$EV" carol PCMU/8000 0 100 baresip
echo "PASS: SIP over $TPU with baresip, both ways"
exit 0
