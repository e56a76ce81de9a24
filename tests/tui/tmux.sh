# Helpers for the console tests (sourced after tests/lib.sh, not run).
#
# Each test drives sipflow's console inside its own private tmux server
# (socket sipflow-PID-NAME, no config file), in a detached session "t" of a
# fixed size, and reads the screen back with capture-pane.  Nothing here
# sleeps a fixed time to decide anything: every check polls the screen (or
# a file) until it holds or a timeout runs out, so a slow build (ASan)
# only makes the tests slower, not flaky.
#
#   tui_init NAME              private server; skips when tmux is missing
#   tui_start RUN W H [VAR=VAL ...] [-- SIPFLOW-ARGS ...]
#                              start sipflow in session t (W x H) and wait
#                              for its first frame; files of the run are
#                              $SCRATCH/RUN.{jsonl,log,rc,pid} ($EV, $LOG,
#                              $RCF, $PIDF); the pane runs in $SCRATCH with
#                              LANG=C.UTF-8 unless VAR=VAL says otherwise;
#                              TUI_NOLOG=1: no -l; TUI_TERM: the pane's TERM
#                              (default: a 256-colour one)
#   send KEY...                tmux key names (Enter, Tab, Right, Escape)
#   send_text TEXT             literal text
#   screen / screen_e          the screen now (screen_e: with attributes)
#   status_line / msg_line     its second-to-last and last rows
#   pane FORMAT                a tmux format of the pane (#{alternate_on})
#   wait_screen REGEX [S]      until a line matches (ERE), default 10 s
#   wait_gone REGEX [S]        until no line matches
#   wait_ev JQ-FILTER [N] [S]  until N events in $EV match
#   row_of ID                  the calls-pane row of call ID (may be empty)
#   wait_exit [S]              until sipflow is gone; $RC is its status
#   alive                      sipflow still runs
#   check_log                  no sanitizer report in $LOG
#   tfail MSG                  fail, printing the screen and the log
#   fail_later MSG / soon REGEX [S]
#                              note a failure (with the screen) and go on;
#   check_later                fail at the end if anything was noted

command -v tmux >/dev/null 2>&1 || skip "tmux not installed"

# A sanitizer build runs several times slower: give it more time.
TUI_SLOW=1
if ldd "$SIPFLOW" 2>/dev/null | grep -q 'libasan\|libubsan' ||
	nm "$SIPFLOW" 2>/dev/null | grep -q '__asan_init'; then
	TUI_SLOW=3
	TUI_ASAN=1
fi
: "${TUI_ASAN:=0}"

# A 256-colour terminal, as most are today (ncurses-base has them all).
if [ -z "${TUI_TERM:-}" ]; then
	for TUI_TERM in tmux-256color screen-256color screen; do
		infocmp "$TUI_TERM" >/dev/null 2>&1 && break
	done
fi

tui_init() {
	TSOCK="sipflow-$$-$1"
	trap tui_cleanup EXIT
	trap 'exit 1' INT TERM HUP PIPE
}

tui_cleanup() {
	tmux -L "$TSOCK" kill-server 2>/dev/null || true
	cleanup
}

tm() {
	tmux -L "$TSOCK" -f /dev/null "$@"
}

# shq WORD: WORD quoted for sh.
shq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

tui_start() {
	_run=$1
	_w=$2
	_h=$3
	shift 3
	EV="$SCRATCH/$_run.jsonl"
	LOG="$SCRATCH/$_run.log"
	RCF="$SCRATCH/$_run.rc"
	PIDF="$SCRATCH/$_run.pid"
	rm -f "$RCF" "$PIDF"
	_wrap="$SCRATCH/$_run.run"
	{
		echo "#!/bin/sh"
		echo "cd $(shq "$SCRATCH") || exit 99"
		echo "export LANG=C.UTF-8"
		echo "unset LC_ALL LC_CTYPE NO_COLOR"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			echo "export $(shq "$1")"
			shift
		done
		[ $# -gt 0 ] && shift
		# A child records its pid and becomes sipflow; we keep its status.
		printf 'sh -c %s %s %s' \
			"$(shq 'echo $$ >"$0"; exec "$@"')" \
			"$(shq "$PIDF")" "$(shq "$SIPFLOW")"
		if [ "${TUI_NOLOG:-0}" != 1 ]; then
			printf ' -l %s' "$(shq "$LOG")"
		fi
		printf ' -e %s' "$(shq "$EV")"
		for _a in "$@"; do printf ' %s' "$(shq "$_a")"; done
		printf '\necho $? >%s\n' "$(shq "$RCF")"
	} >"$_wrap"

	# One session at a time; the server stays up between them.
	tm kill-session -t t 2>/dev/null || true
	# (new-session starts the server: the options go in the same call)
	tm set-option -g remain-on-exit on \; \
		set-option -s exit-empty off \; \
		set-option -g default-terminal "$TUI_TERM" \; \
		new-session -d -s t -x "$_w" -y "$_h" "sh $(shq "$_wrap")" ||
		fail "tmux new-session failed"
	# The first frame: the title row.
	wait_screen '^ sipflow ' 15
}

send() {
	tm send-keys -t t "$@"
}

send_text() {
	tm send-keys -t t -l "$1"
}

screen() {
	tm capture-pane -p -t t
}

screen_e() {
	tm capture-pane -e -p -t t
}

pane() {
	tm display-message -p -t t "$1"
}

# tfail MSG: the screen, the log and the events' tail, then fail.
tfail() {
	{
		echo "--- screen:"
		screen 2>&1 || true
		echo "--- end of screen"
		if [ -s "${LOG:-/nonexistent}" ]; then
			echo "--- log ($LOG):"
			tail -n 40 "$LOG"
		fi
		if [ -s "${EV:-/nonexistent}" ]; then
			echo "--- last events (no rtp.stats):"
			grep -v '"ev":"rtp.stats"' "$EV" | tail -n 15 | cut -c1-300
		fi
	} >&2
	fail "$@"
}

# A wrong detail that does not stop the rest of the test from meaning
# something is noted and the test goes on, so that one run shows every
# problem; check_later fails the test at its end.
fail_later() {
	{
		echo "FAIL: $*"
		if [ "$(pane '#{pane_dead}' 2>/dev/null)" = 0 ]; then
			echo "--- screen then:"
			screen 2>&1 || true
			echo "--- end of screen"
		fi
	} >>"$SCRATCH/later"
	echo "noted failure: $(printf '%s\n' "$*" | head -n 1)" >&2
}

check_later() {
	if [ -s "$SCRATCH/later" ]; then
		cat "$SCRATCH/later" >&2
		fail "$(grep -c '^FAIL: ' "$SCRATCH/later") check(s) failed (above)"
	fi
}

# _poll COND TIMEOUT: run COND every 0.2 s until it succeeds; 1 if never.
_poll() {
	_pn=$(($2 * 5 * TUI_SLOW))
	while [ "$_pn" -gt 0 ]; do
		if eval "$1"; then return 0; fi
		_pn=$((_pn - 1))
		sleep 0.2
	done
	eval "$1"
}

wait_screen() {
	_re=$1
	_poll 'screen | grep -Eq -- "$_re"' "${2:-10}" ||
		tfail "timed out waiting for /$1/ on the screen"
}

# soon REGEX [S]: like wait_screen, but a miss is noted (fail_later).
soon() {
	_re=$1
	_poll 'screen | grep -Eq -- "$_re"' "${2:-3}" ||
		fail_later "timed out waiting for /$1/ on the screen"
}

wait_gone() {
	_re=$1
	_poll '! screen | grep -Eq -- "$_re"' "${2:-10}" ||
		tfail "timed out waiting for /$1/ to leave the screen"
}

# wait_ev JQ-FILTER [N] [S]: until the events file has N (default 1)
# matching events.
wait_ev() {
	_flt=$1
	_want=${2:-1}
	_poll '[ "$(count_ev "$EV" "$_flt" 2>/dev/null || echo 0)" -ge "$_want" ]' \
		"${3:-10}" || tfail "timed out waiting for $_want events '$1'"
}

row_of() {
	screen | grep -E "^$1 " | head -n 1 || true
}

# The status line (what the keys do) and the message line.
status_line() {
	screen | tail -n 2 | head -n 1
}

msg_line() {
	screen | tail -n 1
}

# wait_exit [S]: until the pane is dead and the wrapper wrote the status.
wait_exit() {
	_poll '[ "$(pane "#{pane_dead}")" = 1 ] && [ -s "$RCF" ]' "${1:-10}" ||
		tfail "sipflow did not exit"
	RC=$(cat "$RCF")
}

# exit_clean [WHAT]: sipflow exits with status 0, the terminal is off the
# alternate screen, and the log has no sanitizer report.
exit_clean() {
	wait_exit
	[ "$RC" = 0 ] || tfail "${1:+$1: }sipflow exited $RC"
	[ "$(pane '#{alternate_on}')" = 0 ] ||
		tfail "${1:+$1: }still on the alternate screen"
	check_log
}

# select_bob_call STATUS_ERE: j from the calls pane until the status line
# shows bob's call (c2) as STATUS_ERE says.
select_bob_call() {
	_n=0
	until status_line | grep -qE "$1"; do
		_n=$((_n + 1))
		[ $_n -le 3 ] || tfail "j never selected bob/c2"
		send j
		sleep 0.2
	done
}

# alive: the sipflow of the current run still runs.
alive() {
	[ "$(pane '#{pane_dead}')" = 0 ] && [ -s "$PIDF" ] &&
		kill -0 "$(cat "$PIDF")" 2>/dev/null
}

# check_log: no sanitizer report in the run's log.
check_log() {
	if [ -f "$LOG" ] && grep -q 'ERROR: .*Sanitizer\|runtime error:' "$LOG"; then
		cat "$LOG" >&2
		fail "sanitizer report in $LOG"
	fi
}

# colon LINE: run LINE at the ':' prompt.
colon() {
	send :
	wait_screen '^: *$'
	send_text "$1"
	send Enter
}
