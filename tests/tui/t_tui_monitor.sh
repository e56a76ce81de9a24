#!/bin/sh
# The console shows what the monitor and the receive path do: `m` on a
# call puts the leg and its current delay on the row ("♪rx 97ms"), the
# detail pane's receive line gives the loss, concealed and jitter-buffer
# figures beside the monitor's delay, its most and its ceiling, and `m`
# again takes it away.  The figures on the screen are checked against the
# event stream.  The sound card is ALSA's `file` plugin, paced to real
# time by fifo_pacer.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/tui/tmux.sh"
ports_for 34
tui_init monitor
PACER="${top_builddir:-.}/tests/tools/fifo_pacer"
[ -x "$PACER" ] || skip "no $PACER (make check builds it)"
# PortAudio's ALSA and JACK plugins: see t_monitor.sh.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

alsa_fifo_home "$SCRATCH/home" "$SCRATCH/pa_fifo"
bg "$PACER" "$SCRATCH/pa_fifo" 96000 "$SCRATCH/out.raw" 60

BOB_EXTRA="answer = auto"
write_conf "$SCRATCH/conf"
tui_start monitor 140 30 "HOME=$SCRATCH/home" "ASAN_OPTIONS=$ASAN_OPTIONS" \
	-- -c "$SCRATCH/conf"
wait_screen '^ *no calls — press c to call'
send c
wait_screen '^call from alice to: *$'
send Enter
wait_screen '^c1 +alice .* established [0-9]+s +PCMU '

# m on alice's call (selected): the leg and its delay on the row.
send m
wait_ev '.ev=="monitor" and .on and .leg=="rx"'
wait_ev '.ev=="monitor.stats" and .ua=="alice"' 2
wait_screen '^c1 +alice .*♪rx [0-9]+ms'
shown=$(row_of c1 | sed -n 's/.*♪rx \([0-9][0-9]*\)ms.*/\1/p')
jq -r 'select((.ev=="monitor" or .ev=="monitor.stats") and .ua=="alice") | .latency_ms' \
	"$EV" | grep -qx "$shown" || tfail "the row shows ${shown} ms, no event said so"
echo "the row shows a delay of $shown ms"

# The detail pane: the receive line with the monitor's figures.
send Tab
wait_screen ' alice/c1 established: h hang up '
send Enter
wait_screen '^─ SDP │ Ladder │ Log ─'
wait_screen '^rx lost 0  concealed [0-9]+  jb dropped [0-9]+  jitter [0-9.]+ms  monitor rx delay [0-9]+ms \(max [0-9]+ of 500\) dropped 0ms'
line=$(screen | grep '^rx lost')
conc=$(printf '%s\n' "$line" | sed -n 's/.* concealed \([0-9]*\) .*/\1/p')
jq -r 'select(.ev=="rtp.stats" and .ua=="alice") | .concealed' "$EV" | grep -qx "$conc" ||
	tfail "the detail pane shows concealed $conc, no rtp.stats said so"
echo "detail: $line"

# m again: off, and the row says so.
send Escape
send m
wait_ev '.ev=="monitor" and (.on|not)'
wait_gone '^c1 +alice .*♪'

send h
wait_screen '^ *no calls — press c to call' 15
send q
exit_clean q
echo ok
