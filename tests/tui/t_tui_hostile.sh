#!/bin/sh
# Nothing a peer sends reaches the terminal raw.  An INVITE whose
# Request-URI, From URI, Call-ID and SDP carry escape sequences (colour,
# clear screen, a window title), a C1 control and bytes that are not
# UTF-8 shows them escaped in every pane (\x1b, \u009b, U+FFFD); the
# terminal obeys none of them, and the event stream stays valid JSON.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 35
command -v bash >/dev/null || skip "bash (for /dev/udp) not installed"
tui_init hostile
write_conf "$SCRATCH/conf"

bob=$((SIP_BASE + 1))
e=$(printf '\033')
# The SDP: a session name that clears the screen, a C1 CSI (U+009B).
printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=%s[2J\302\233\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %s RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n' \
	"$e" "$PEER_RTP" >"$SCRATCH/sdp"
len=$(wc -c <"$SCRATCH/sdp")
{
	printf 'INVITE sip:1002%s[2J@127.0.0.1:%s SIP/2.0\r\n' "$e" "$bob"
	printf 'Via: SIP/2.0/UDP 127.0.0.1:%s;branch=z9hG4bKhostile1\r\n' "$PEER_PORT"
	printf 'Max-Forwards: 70\r\n'
	printf 'To: <sip:1002@127.0.0.1:%s>\r\n' "$bob"
	printf 'From: "x" <sip:ev%s[31mil%s]0;pwned\007\377\376@127.0.0.1>;tag=h1\r\n' "$e" "$e"
	printf 'Call-ID: hostile-%s[5m-1@127.0.0.1\r\n' "$e"
	printf 'CSeq: 1 INVITE\r\n'
	printf 'Contact: <sip:evil@127.0.0.1:%s>\r\n' "$PEER_PORT"
	printf 'Content-Type: application/sdp\r\n'
	printf 'Content-Length: %s\r\n\r\n' "$len"
	cat "$SCRATCH/sdp"
} >"$SCRATCH/invite"

tui_start hostile 160 45 -- -c "$SCRATCH/conf"
bash -c "cat '$SCRATCH/invite' >/dev/udp/127.0.0.1/$bob" ||
	tfail "could not send the INVITE"
wait_ev '.ev=="call.state" and .ua=="bob" and .state=="incoming"' 1

# The calls pane: the peer's URI, escaped byte for byte.
wait_screen 'ev\\x1b\[31mil\\x1b\]0;pwned\\x07' 10
screen | grep -q 'il\\x1b]0;pwned\\x07��@127' ||
	tfail "bytes that are not UTF-8 are not shown as U+FFFD"

# The terminal obeyed nothing: no title, no blinking or red text from the
# peer, the screen not cleared (the title row is still there).
[ "$(pane '#{pane_title}')" != pwned ] || tfail "the peer set the window title"
screen_e | grep -q "${e}\[5m\|${e}\[31mil" && tfail "the peer's SGR reached the terminal"
screen | grep -q '^ sipflow ' || tfail "the screen was cleared"

# The detail pane's SDP tab: the session name and the C1 control
# escaped; its ladder: the peer's URI in the header, escaped too.
send Tab
send Enter
wait_screen 'SDP │ Ladder │ Log' 10
wait_screen 's=\\x1b\[2J\\u009b' 10
send Right
wait_screen '^ +bob 127\.0\.0\.1:[0-9]+/UDP +ev\\x1b\[31mil' 10
wait_screen '<──INVITE─' 10

# Every event line is JSON, whatever came in, and UTF-8 to the byte (jq
# lets invalid UTF-8 through; iconv does not).
jq -c . "$EV" >/dev/null || tfail "the event stream is not valid JSON"
iconv -f UTF-8 -t UTF-8 "$EV" >/dev/null ||
	tfail "the event stream is not valid UTF-8"
grep -q 'hostile-\\u001b\[5m-1' "$EV" || tfail "the Call-ID is not escaped in JSON"

send h
wait_ev '.ev=="call.state" and .ua=="bob" and .state=="terminated"' 1
send q
exit_clean q
check_log
echo ok
