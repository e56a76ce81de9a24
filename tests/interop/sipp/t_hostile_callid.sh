#!/bin/sh
# A peer whose Call-ID is a path ("../../escape/1-PID") cannot make a
# recording land outside the record dir: the default template puts the
# Call-ID in the file name, sanitized.
. "$srcdir/tests/lib.sh"
ports_for 17
. "$srcdir/tests/interop/sipp/sipp.sh"
sipp_require

sipflow_conf bob 1002 auto "PCMU, PCMA, telephone-event"
sed -i "/^\[general\]/a record_dir = $SCRATCH/a/b/rec" "$CONF"
echo "record = on" >>"$CONF"
cat >"$FLOW" <<FLOW
bob: expect incoming 10s
bob: expect established 5s
bob: expect terminated 10s
FLOW

sipflow_start sipflow -c "$CONF" -s "$FLOW"
wait_udp "$SIP_BASE" 5 || fail "sipflow did not bind 127.0.0.1:$SIP_BASE"
sipp_start uac_offerless uac_offerless.xml -s 1002 "127.0.0.1:$SIP_BASE" \
	-cid_str '../../escape/%u-%p'
sipp_wait 20
sipflow_wait
[ "$RC" -eq 0 ] || fail "sipflow exit status $(rc_words "$RC")"

callid=$(last_field "$EVENTS" '.ev=="call.state" and .ua=="bob"' sip_callid)
case "$callid" in ../../escape/*) ;; *) fail "sipp did not send the hostile Call-ID (got '$callid')" ;; esac
path=$(last_field "$EVENTS" '.ev=="rec.start"' path)
echo "Call-ID '$callid' recorded as '$path'"
[ "$(dirname "$path")" = "$SCRATCH/a/b/rec" ] || fail "recording outside the record dir: $path"
[ -s "$path" ] || fail "no recording at $path"
stray=$(find "$SCRATCH" -name '*.wav' ! -path "$SCRATCH/a/b/rec/*")
[ -z "$stray" ] || fail "a file escaped the record dir: $stray"
[ ! -e "$SCRATCH/a/escape" ] && [ ! -e "$SCRATCH/escape" ] || fail "an escape directory was created"
echo "PASS: hostile Call-ID stays inside the record dir"
