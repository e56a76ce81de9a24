#!/bin/sh
# The console's layout holds at the classic 80x24, grows to use a bigger
# window, survives shrinking far below anything usable and comes back:
# title on row 0 with the clock at its right edge, both pane headers, the
# detail pane's tabs, the status line on the second-to-last row and the
# message line on the last.  A line that were one column too wide would
# wrap and push every row below it down, so the row positions are checked,
# not just the text.  The SDP tab shows both sides' offers, and the help
# overlay opens and closes at 80x24.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 29
tui_init layout

BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
tui_start layout 80 24 -- -c "$SCRATCH/conf"

# width: the display columns of the widest line on stdin.
width() {
	LC_ALL=C.UTF-8 wc -L
}

# row N: line N (from 0) of the screen.
row() {
	screen | sed -n "$(($1 + 1))p"
}

# check_layout W H: the screen is W x H and every part is where it belongs.
check_layout() {
	_s=$(screen)
	_rows=$(screen | wc -l)
	[ "$_rows" -eq "$2" ] || tfail "$1x$2: captured $_rows rows"
	_w=$(printf '%s\n' "$_s" | width)
	[ "$_w" -le "$1" ] || tfail "$1x$2: a line is $_w columns wide"
	printf '%s\n' "$_s" | sed -n 1p |
		grep -Eq '^ sipflow  ·  2 instances  ·  2 calls \(2 up\) +t=[0-9]+s$' ||
		tfail "$1x$2: row 0 is not the title"
	# "t=Ns " is flush right: the last character sits in column W-2.
	_w=$(printf '%s\n' "$_s" | sed -n 1p | width)
	[ "$_w" -eq $(($1 - 1)) ] || tfail "$1x$2: the title ends in column $_w"
	printf '%s\n' "$_s" | sed -n 2p |
		grep -Eq '^INSTANCE +ADDRESS +REG +CALLS +SOURCE$' ||
		tfail "$1x$2: row 1 is not the instances header"
	printf '%s\n' "$_s" | sed -n 3p | grep -Eq '^alice +127\.0\.0\.1:' ||
		tfail "$1x$2: row 2 is not alice"
	# (which columns give way to a narrow window is draw's business)
	printf '%s\n' "$_s" | grep -Eq '^ID +(INST +)?(DIR +)?PEER +STATE +CODEC +TX +RX( |$)' ||
		tfail "$1x$2: no calls header"
	for _c in c1 c2; do
		printf '%s\n' "$_s" | grep -Eq "^$_c .* established [0-9]+s +PCMU " ||
			tfail "$1x$2: $_c is not shown established"
	done
	printf '%s\n' "$_s" | grep -Eq '^─ SDP │ Ladder │ Log ─+ c1 1002@127\.0\.0\.1:[0-9]+ ─$' ||
		tfail "$1x$2: no tab row for c1"
	printf '%s\n' "$_s" | sed -n "$(($2 - 1))p" |
		grep -Eq '^ .*alice/c1 established: h hang up  p play ' ||
		tfail "$1x$2: row $(($2 - 2)) is not the status line"
	printf '%s\n' "$_s" | sed -n "$2p" | grep -Eq '^alice: call bob$' ||
		tfail "$1x$2: row $(($2 - 1)) is not the message line"
}

# resize W H: resize the window and wait for a frame drawn for that size
# (the title's clock at the right edge, or the too-small notice).
resize() {
	_rw=$1
	_rh=$2
	tm resize-window -t t -x "$1" -y "$2"
	if [ "$1" -lt 16 ] || [ "$2" -lt 4 ]; then
		_want='row 0 | grep -q "^sipflow: terminal"'
	else
		_want='[ "$(row 0 | width)" -eq $((_rw - 1)) ]'
	fi
	_poll '[ "$(tm display -p -t t "#{pane_width}x#{pane_height}")" = "${_rw}x$_rh" ] &&
		eval "$_want"' 10 ||
		tfail "no frame at $1x$2"
}

send c Enter
wait_screen '^c1 .* established '
wait_screen '^c2 .* established '
send Tab Enter
wait_screen '^─ SDP │ Ladder │ Log ─'
wait_screen '^codec PCMU/8000 pt 0 +dir sendrecv'
check_layout 80 24
hdr80=$(screen | grep -E '^ID ')

resize 120 40
check_layout 120 40
# The room is used: the calls pane shows more, the SDP lines are whole.
[ "$(screen | grep -E '^ID ' | wc -w)" -gt "$(printf '%s\n' "$hdr80" | wc -w)" ] ||
	tfail "120x40: no more call columns than at 80x24 ($hdr80)"
wait_screen '│ o=- [0-9]+ [0-9]+ IN IP4 127\.0\.0\.1$'

resize 80 24
check_layout 80 24

# Too small to be useful is no reason to die.
resize 60 20
alive || tfail "sipflow died at 60x20"
row 0 | grep -q '^ sipflow ' || tfail "60x20: no title"
wait_screen '^c1 .*established'
resize 20 3
alive || tfail "sipflow died at 20x3"
wait_screen '^sipflow: terminal'
resize 80 24
alive || tfail "sipflow died coming back to 80x24"
check_layout 80 24

# The help overlay fits 80x24 and Esc takes it away.
send '?'
wait_screen '┌─+ keys — \? or Esc closes ─+┐'
wait_screen '^  └─+┘$'
send Escape
wait_gone 'keys — \? or Esc closes'
check_layout 80 24

# The SDP tab: what alice offered on the left, what bob answered on the
# right, the media line and the codec in use on both.  (Noted, not fatal:
# quitting is still checked.)
for re in '^local \(we sent\) +│ remote \(we received\)$' \
	'^m=audio [0-9]+ RTP/AVP 0 8 101 +│ m=audio [0-9]+ RTP/AVP 0 8 101$' \
	'^a=rtpmap:0 PCMU/8000 +│ a=rtpmap:0 PCMU/8000$'; do
	screen | grep -Eq -- "$re" || missing="${missing:-}
  /$re/"
done
[ -z "${missing:-}" ] ||
	fail_later "SDP tab of c1 (alice's outgoing call) lacks the lines$missing"

send q
wait_screen '^2 calls are up: hang up and quit\? \(y/n\)$'
send y
exit_clean
check_later
echo ok
