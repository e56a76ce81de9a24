#!/bin/sh
# The console and the terminal it borrows: colour only when wanted
# (NO_COLOR turns it off), UTF-8 glyphs only in a UTF-8 locale (LANG=C
# gives pure ASCII, ladder and recording mark included), library chatter
# on stderr never lands among the panes, quitting with calls up asks first
# and then hangs every call up, :quit works, and however sipflow ends (q,
# SIGTERM, a crash) the terminal leaves the alternate screen.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 32
tui_init term

write_conf "$SCRATCH/manual.conf"
BOB_EXTRA="answer = auto" write_conf "$SCRATCH/auto.conf"

esc=$(printf '\033')
# colours: the colour parameters of every SGR on the screen (30-38, 40-48,
# 90-97, 100-107; 39/49, "default colour", is no colour), one per line.
colours() {
	screen_e | grep -o "$esc\\[[0-9;]*m" | sed 's/^..//; s/m$//' | tr ';' '\n' |
		grep -Ex '3[0-8]|4[0-8]|9[0-7]|10[0-7]' | sort -u || true
}

# up_call: alice calls bob, bob answers; c1 and c2 established.
up_call() {
	send c
	wait_screen '^call from alice to: *$'
	send Enter
	wait_screen '^c2 +bob '
	if ! screen | grep -Eq '^c2 .* established '; then
		colon 'bob: answer'
	fi
	wait_screen '^c1 +alice .* established '
	wait_screen '^c2 +bob .* established '
}

# select_call ID: with the calls pane focused, move the selection to call
# ID ("cN"), one key at a time, each time waiting for the status line to
# name the call selected.  (Which pane has the focus is not read from the
# status line: a narrow terminal cuts its end off.)
select_call() {
	_sn=0
	while :; do
		_s=$(status_line)
		_cur=$(printf '%s\n' "$_s" | sed -n 's/.* [a-z]*\/c\([0-9]*\) [a-z_]*: .*/\1/p')
		[ -n "$_cur" ] || tfail "the status line names no call"
		[ "c$_cur" = "$1" ] && return 0
		_sn=$((_sn + 1))
		[ $_sn -le 10 ] || tfail "cannot select $1"
		if [ "$_cur" -gt "${1#c}" ]; then
			send k
		else
			send j
		fi
		_poll '[ "$(status_line)" != "$_s" ]' 5 || tfail "no effect selecting $1"
	done
}

# tx_of ID: the TX count in the call's row (any layout: the first number
# after the codec).
tx_of() {
	row_of "$1" | sed -n 's/.* PCM[UA]  *\([0-9][0-9]*\).*/\1/p'
}

# tx_grows ID: the call's TX count moves on.
tx_grows() {
	_t0=$(tx_of "$1")
	[ -n "$_t0" ] || tfail "no TX count for $1"
	_poll '[ "$(tx_of "'"$1"'")" -gt "$_t0" ]' 5 ||
		tfail "$1's TX count stays at $_t0"
}

# ---- colour, UTF-8, and quitting with calls up ----
tui_start colour 140 30 -- -c "$SCRATCH/manual.conf"
up_call
# A second call that bob leaves ringing: alice must cancel it on quit.
send c
wait_screen '^call from alice to: *$'
send Enter
wait_screen '^c4 +bob .* incoming '
wait_screen '^c3 +alice .* (calling|ringing) '
send Tab
wait_screen ' alice/c3 (calling|ringing): '
select_call c1
send r
wait_screen '^c1 +alice .*● [0-9]+s'
send Enter Right
wait_screen '^ +[0-9.]+ │──INVITE─+>│'
c=$(colours | tr '\n' ' ')
echo "colour run ($TUI_TERM): SGR colours $c"
[ -n "$c" ] || tfail "no colour on a $TUI_TERM terminal"
# established in green, the recording dot in red.
screen_e | grep -q "$esc\\[[0-9;]*32m[^$esc]*established" ||
	tfail "the established state is not green"
screen_e | grep -q "$esc\\[[0-9;]*31m●" || tfail "the recording dot is not red"
for g in '●' '│' '→out' '←in' '·'; do
	screen | grep -qF "$g" || tfail "no '$g' in the UTF-8 screen"
done

# q with calls up asks; n keeps everything running.
send q
wait_screen '^4 calls are up: hang up and quit\? \(y/n\)$'
wait_screen '^ +y yes  n no$'
send n
wait_gone 'hang up and quit'
alive || tfail "n ended sipflow"
tx_grows c1
wait_screen '4 calls \(4 up\)'
# q y hangs every call up and exits 0.
send q
wait_screen 'hang up and quit\? \(y/n\)$'
send y
exit_clean "q y"
[ "$(pane '#{pane_dead}')" = 1 ] || tfail "q y: the pane lives on"
# callid UA CALL: the SIP Call-ID of a call.
callid() {
	last_field "$EV" ".ev==\"call.state\" and .ua==\"$1\" and .call==\"$2\"" sip_callid
}
sent() {
	count_ev "$EV" ".ev==\"sip.tx\" and .ua==\"$1\" and .sip_callid==\"$2\" and (.first_line|test(\"$3\"))"
}
[ "$(sent alice "$(callid alice c1)" '^BYE ')" -ge 1 ] || fail "no BYE from alice for c1"
[ "$(sent bob "$(callid bob c2)" '^BYE ')" -ge 1 ] || fail "no BYE from bob for c2"
[ "$(sent alice "$(callid alice c3)" '^CANCEL ')" -ge 1 ] || fail "no CANCEL from alice for c3"
# bob's ringing leg ends with a final answer (a reject, or 487 to the CANCEL).
[ "$(sent bob "$(callid bob c4)" '^SIP/2.0 [4-6][0-9][0-9] ')" -ge 1 ] ||
	fail "bob's ringing c4 got no final response"
expect_count "$EV" '.ev=="call.state" and .state=="terminated"' 4 "every call ends"

# ---- NO_COLOR: the same screen without a single colour ----
tui_start nocolour 140 30 NO_COLOR=1 -- -c "$SCRATCH/auto.conf"
up_call
send Tab
wait_screen ' alice/c1 established: '
select_call c1
send r Enter Right
wait_screen '^c1 +alice .*● [0-9]+s'
wait_screen '^ +[0-9.]+ │──INVITE─+>│'
c=$(colours | tr '\n' ' ')
[ -z "$c" ] || tfail "NO_COLOR=1, but SGR colours $c on the screen"
screen_e | grep -q "$esc\\[[0-9;]*7m" || tfail "NO_COLOR=1 took the reverse video too"
# :quit with no call up leaves at once.
send h
wait_screen '^ *no calls — press c to call' 15
colon quit
exit_clean :quit

# ---- LANG=C: pure ASCII, everything included ----
tui_start ascii 140 30 LANG=C LC_ALL=C -- -c "$SCRATCH/auto.conf"
up_call
send Tab
wait_screen ' alice/c1 established: '
select_call c1
send r Enter Right
wait_screen '^c1 +alice +out .* REC [0-9]+s'
wait_screen '^ +[0-9.]+ \|--INVITE-+>\|'
wait_screen '^- SDP \| Ladder \| Log -+ c1 '
if screen | LC_ALL=C grep -nP '[^\x00-\x7F]' >&2; then
	tfail "LANG=C: non-ASCII on the screen (lines above)"
fi
send '?'
wait_screen '\+-+ keys - \? or Esc closes -+\+$'
if screen | LC_ALL=C grep -nP '[^\x00-\x7F]' >&2; then
	tfail "LANG=C: non-ASCII in the help overlay (lines above)"
fi
send Escape
wait_gone 'Esc closes'
# :quit with a call up asks like q.
colon quit
wait_screen '^2 calls are up: hang up and quit\? \(y/n\)$'
send y
exit_clean ":quit y"

# ---- stderr: nothing of the audio libraries among the panes ----
# No -l (stderr is the console's to deal with) and an empty HOME, so that
# PortAudio's back ends complain on stderr when `m` opens the device.
# (Leak detection off for this run only, as in t_monitor.sh: the audio
# back ends PortAudio dlopens and unloads leave allocations LeakSanitizer
# cannot attribute.)
mkdir -p "$SCRATCH/nodev"
TUI_NOLOG=1 tui_start stderr 140 30 HOME="$SCRATCH/nodev" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" -- \
	-c "$SCRATCH/auto.conf"
up_call
send Tab
wait_screen ' alice/c1 established: '
select_call c1
send m
wait_ev '(.ev=="error" and .what=="monitor") or .ev=="monitor"'
# Watch the screen for a while: chatter may come late.
k=0
while [ $k -lt 10 ]; do
	if screen | sed '$d' | grep -Ei 'alsa|portaudio|jack|pcm\.c|snd_' >&2; then
		tfail "library output among the panes (lines above)"
	fi
	k=$((k + 1))
	sleep 0.2
done
if [ "$(count_ev "$EV" '.ev=="error" and .what=="monitor"')" -gt 0 ]; then
	detail=$(last_field "$EV" '.ev=="error" and .what=="monitor"' detail)
	echo "monitor failed as expected here: $detail"
	# The operator is told why, and it stays readable.
	soon "^alice/c1: monitor: .*$detail"
	sleep 1
	msg_line | grep -q "monitor: .*$detail" ||
		fail_later "the monitor error did not stay on the message line: '$(msg_line)'"
else
	echo "monitor works on this machine: skipping the error-message check"
fi
alive || tfail "sipflow died on m"
wait_screen '^c1 +alice .* established '
tx_grows c1
send q y
wait_exit
[ "$RC" = 0 ] || tfail "sipflow exited $RC"

# ---- signals: the terminal comes back however sipflow dies ----
# (under ASan the sanitizer reports SEGV and picks the exit status)
for sig in SEGV ABRT TERM; do
	tui_start "sig$sig" 140 30 ASAN_OPTIONS="${ASAN_OPTIONS:-}:handle_segv=1" -- \
		-c "$SCRATCH/auto.conf"
	[ "$(pane '#{alternate_on}')" = 1 ] || tfail "$sig: not on the alternate screen"
	kill -s "$sig" "$(cat "$PIDF")"
	wait_exit 15
	[ "$(pane '#{pane_dead}')" = 1 ] || tfail "SIG$sig: the pane lives on"
	[ "$(pane '#{alternate_on}')" = 0 ] ||
		tfail "SIG$sig: the terminal is left on the alternate screen"
	# A crash still ends as one: the signal is re-raised, not swallowed.
	case $sig in
	SEGV) want=139 ;;
	ABRT) want=134 ;;
	*) want=$RC ;;
	esac
	if [ "$TUI_ASAN" = 0 ]; then
		[ "$RC" = "$want" ] || tfail "SIG$sig: exit status $RC, expected $want"
	fi
	echo "SIG$sig: exit status $RC, alternate screen off"
done

check_later
echo ok
